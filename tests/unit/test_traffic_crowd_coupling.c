// SPDX-License-Identifier: MIT
// Traffic and crowd at crossings, the two rules that kept the Erqi district close to
// gridlock at off-peak hours: (1) what the crowd reports on the crossings before traffic's
// warm-up does not stand frozen through the warm-up (the stand-in pedestrians keep the
// crossings until the run proper begins), so the warmed-up traffic does not depend on it;
// (2) a pedestrian inside a junction box, where the legs' zones overlap, is on the crossing
// of one leg only (the one it stands furthest out along), not on every leg it touches;
// (3) vehicles yield in the lanes within 2 m of where the crowd's pedestrians stand, not in
// every lane of the half (all of them only when the crowd gives no position). And (4), met
// on the way: a road a scenario closes is cleared of double-parked cars, which drive off
// instead of standing on through the closure (the summit's motorcade route). (5) Drivers'
// patience: an endless stream of pedestrians on a crossing does not hold vehicles for ever.
#include "fixture.h"
#include "crowd/crossings.h"
#include "crowd/crowd.h"
#include "traffic/lab_maps.h"
#include "traffic/traffic_internal.h"
#include "world/map_build.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>

// ---- (1) warm-up --------------------------------------------------------------------------

// The Erqi district at 17:00 with profile demand and a short warm-up, the crowd's coupling
// standing in (external crossings); with `frozen`, the crowd has reported someone on both
// halves of every crossing before the first traffic step, as its first walk step does.
static gops_world_t *erqi_after_warm_up(bool frozen, gops_traffic_counts_t *counts)
{
    gops_world_def_t def = gops_world_def_default();
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    def.nav_cell_m = 2;
    def.threads = 1;
    def.seed = 7;
    def.start = gops_world_def_default().start + 3600; // 17:00
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_traffic_params_t p = gops_traffic_params_default();
    p.warm_up_s = 120;
    gops_traffic_t *t = gops_traffic_attach(w, &p, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    gops_traffic_crossings_external(t, true);
    ck_assert_uint_gt(gops_traffic_crossing_count(t), 50);
    if (frozen)
        for (uint32_t c = 0; c < gops_traffic_crossing_count(t); c++) gops_traffic_crossing_set_halves(t, c, 1, 1);
    gops_traffic_step(t); // the warm-up, then the first step of the run
    ck_assert_double_eq_tol(gops_traffic_time(t), 0.5, 1e-9);
    gops_traffic_counts(t, counts);
    return w;
}

START_TEST(warm_up_ignores_the_crowds_first_report)
{
    gops_traffic_counts_t clear, frozen;
    gops_world_t *a = erqi_after_warm_up(false, &clear);
    gops_world_t *b = erqi_after_warm_up(true, &frozen);
    printf("after a 120 s warm-up: %u vehicles (crossings clear at the start), %u (crowd's first report)\n",
           clear.vehicles, frozen.vehicles);
    // Two minutes of evening-peak demand put vehicles in the network either way ...
    ck_assert_uint_gt(clear.vehicles, 20);
    // ... and the crowd's report before the warm-up changes nothing of it: the same state.
    // (Held frozen through the warm-up, it stopped every vehicle at every crossing.)
    ck_assert_uint_eq(frozen.vehicles, clear.vehicles);
    ck_assert_uint_eq(gops_world_state_hash(a), gops_world_state_hash(b));
    gops_world_destroy(a);
    gops_world_destroy(b);
}
END_TEST

// ---- (2) one leg per pedestrian in the junction box ---------------------------------------

// A signalised T at (0, 0): the main road west-east (`lanes` each way), a side road north;
// gateways at the three ends.
static gops_map_t *t_junction(int lanes)
{
    gops_error_t err;
    gops_map_t *m = gops_map_new("lab:T");
    gops_point_t main_pts[] = {{-60, 0}, {0, 0}, {60, 0}}, side_pts[] = {{0, 0}, {0, 60}};
    gops_lab_road_t main_road = {"main", GOPS_ROAD_SECONDARY, lanes, false, 50, main_pts, 3};
    gops_lab_road_t side = {"cross", GOPS_ROAD_LOCAL, 1, false, 30, side_pts, 2};
    ck_assert_int_ge(gops_lab_add_road(m, &main_road, &err), 0);
    ck_assert_int_ge(gops_lab_add_road(m, &side, &err), 0);
    ck_assert_int_ge(gops_lab_add_junction(m, "centre", (gops_point_t){0, 0}, GOPS_JUNCTION_SIGNAL, &err), 0);
    ck_assert_int_ge(gops_lab_add_gateway(m, "W", (gops_point_t){-60, 0}, &err), 0);
    ck_assert_int_ge(gops_lab_add_gateway(m, "E", (gops_point_t){60, 0}, &err), 0);
    ck_assert_int_ge(gops_lab_add_gateway(m, "N", (gops_point_t){0, 60}, &err), 0);
    ck_assert_int_eq(gops_lab_finish(m, &err), GOPS_OK);
    return m;
}

// The crossing whose centre lies on the given side of the node: (-1, 0) west, (0, 1) north.
static uint32_t leg(const gops_traffic_t *t, double dx, double dy)
{
    for (uint32_t c = 0; c < gops_traffic_crossing_count(t); c++) {
        gops_traffic_crossing_info_t info;
        gops_traffic_crossing_info(t, c, &info);
        if (info.x * dx + info.y * dy > 1 && fabs(info.x * dy - info.y * dx) < 1) return c;
    }
    ck_abort_msg("no crossing on the leg (%g, %g)", dx, dy);
    return 0;
}

// Pedestrians on each half of crossing c, as the traffic model has them.
static uint32_t on(const gops_traffic_t *t, uint32_t c)
{
    return t->crossings.half[2 * c] + t->crossings.half[2 * c + 1];
}

// One pedestrian standing at (x, y): after the crowd's pass, the pedestrians per crossing.
static void stand_at(gops_world_t *w, float x, float y)
{
    float px = x, py = y, zero = 0, v0 = 1.34f, radius = 0.2f;
    uint32_t id = 1;
    gops_pedestrians_t p = {.count = 1, .capacity = 1, .x = &px, .y = &py, .vx = &zero, .vy = &zero,
                            .ex = &zero, .ey = &zero, .v0 = &v0, .radius = &radius, .id = &id};
    gops_crowd_crossings_after_walk(w, &p, 1.0);
}

// The T with traffic (no demand, so no warm-up) and the crowd's coupling begun.
static gops_world_t *coupled_t(int lanes, gops_traffic_t **t)
{
    gops_world_def_t def = gops_world_def_default();
    def.nav_cell_m = 0.5;
    def.threads = 1;
    gops_error_t err;
    gops_world_t *w = gops_world_create_with_map(&def, t_junction(lanes), &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_traffic_params_t tp = gops_traffic_params_default();
    tp.demand = false;
    *t = gops_traffic_attach(w, &tp, &err);
    ck_assert_msg(*t != NULL, "%s", err.message);
    ck_assert(gops_crowd_crossings_attach(w));
    return w;
}

START_TEST(box_pedestrian_holds_one_leg)
{
    gops_traffic_t *t;
    gops_world_t *w = coupled_t(1, &t);
    uint32_t west = leg(t, -1, 0), north = leg(t, 0, 1), east = leg(t, 1, 0);
    // Both legs' zones reach the node and are at least 3 m wide either side of their axis,
    // so (-1.5, 1) lies in the west and the north zone: 1.5 m out along the west leg, 1 m
    // along the north leg. It is crossing the west leg.
    stand_at(w, -1.5f, 1.0f);
    ck_assert_uint_eq(on(t, west), 1);
    ck_assert_uint_eq(on(t, north), 0);
    ck_assert_uint_eq(on(t, east), 0);
    // Mirrored over the diagonal: 1.5 m up the north leg, 1 m out west: the north leg.
    stand_at(w, -1.0f, 1.5f);
    ck_assert_uint_eq(on(t, west), 0);
    ck_assert_uint_eq(on(t, north), 1);
    ck_assert_uint_eq(on(t, east), 0);
    // On the west crossing's strip, outside the box: that leg, its approach half (south of
    // the axis, where the eastbound lane arrives) or its exit half.
    gops_traffic_crossing_info_t info;
    gops_traffic_crossing_info(t, west, &info);
    stand_at(w, (float)info.x, -1.0f);
    ck_assert_uint_eq(on(t, west), 1);
    ck_assert_uint_eq(on(t, north) + on(t, east), 0);
    // Nobody: nothing.
    gops_pedestrians_t none = {0};
    gops_crowd_crossings_after_walk(w, &none, 2.0);
    ck_assert_uint_eq(on(t, west) + on(t, north) + on(t, east), 0);
    gops_world_destroy(w);
}
END_TEST

// ---- (3) the lanes near the pedestrian ------------------------------------------------------

// Approach lanes of crossing c (motor lanes and the non-motor lane) flagged for pedestrians.
static uint32_t approach_flags(const gops_traffic_t *t, uint32_t c, bool *flagged)
{
    const gops_tnet_arc_t *A = &t->net->arcs[t->net->crossings[c].arc_in];
    uint32_t n = 0;
    for (uint32_t k = 0; k <= A->lanes; k++) {
        flagged[k] = (t->lane_peds[A->first_lane + k] & TRF_LANE_PEDS_END) != 0;
        n += flagged[k];
    }
    return n;
}

START_TEST(yield_in_the_lanes_people_are_in)
{
    gops_traffic_t *t;
    gops_world_t *w = coupled_t(3, &t);
    uint32_t west = leg(t, -1, 0);
    const gops_tnet_crossing_t *X = &t->net->crossings[west];
    const gops_tnet_arc_t *A = &t->net->arcs[X->arc_in];
    ck_assert_uint_eq(A->lanes, 3); // three motor lanes and the non-motor lane arrive
    gops_traffic_crossing_info_t info;
    gops_traffic_crossing_info(t, west, &info);
    // Someone over the centre of the approach's middle motor lane: its offset right of the
    // arriving direction is o, so -o across the crossing (ux, uy points to the exit lanes).
    double o = t->net->lanes[A->first_lane + 1].offset_m, u = -o;
    ck_assert_double_lt(u, 0); // the approach half
    stand_at(w, (float)(info.x + u * info.ux), (float)(info.y + u * info.uy));
    ck_assert_uint_eq(t->crossings.half[2 * west], 1);
    gops_traffic_step(t);
    bool flagged[8];
    uint32_t n = approach_flags(t, west, flagged);
    // Lanes are 3 m or more apart: the middle lane only, not its neighbours (within 2 m:
    // blocked; further: not).
    for (uint32_t k = 0; k <= A->lanes; k++) {
        double d = fabs(t->net->lanes[A->first_lane + k].offset_m - o);
        ck_assert_msg(flagged[k] == (d < 2.0 - 0.1), "lane %u, %.2f m from the pedestrian: flagged %d", k, d, flagged[k]);
    }
    ck_assert_uint_eq(n, 1);
    ck_assert(flagged[1]);
    // Nothing on the exit half, so no lane leaving the junction there is held.
    const gops_tnet_arc_t *B = &t->net->arcs[X->arc_out];
    for (uint32_t k = 0; k <= B->lanes; k++) ck_assert_uint_eq(t->lane_peds[B->first_lane + k] & TRF_LANE_PEDS_START, 0);
    // A count without positions (another caller of set_halves) holds every approach lane.
    gops_traffic_crossings_clear_positions(t);
    gops_traffic_crossing_set_halves(t, west, 1, 0);
    gops_traffic_step(t);
    ck_assert_uint_eq(approach_flags(t, west, flagged), A->lanes + 1);
    // And nobody: nothing held.
    gops_traffic_crossing_set_halves(t, west, 0, 0);
    gops_traffic_step(t);
    ck_assert_uint_eq(approach_flags(t, west, flagged), 0);
    gops_world_destroy(w);
}
END_TEST

// ---- (4) closures clear double-parked cars ----------------------------------------------------

// A car double-parked 20 m into the west approach for 10 minutes; with `close`, the main
// road is closed a second later. Double-parked cars after 5 s.
static uint32_t double_parked_after_closure(bool close)
{
    gops_traffic_t *t;
    gops_world_t *w = coupled_t(1, &t);
    uint32_t arc = t->net->crossings[leg(t, -1, 0)].arc_in;
    uint32_t id = gops_traffic_spawn(t, GOPS_VCLASS_CAR, arc, 0, 20, 0, gops_traffic_node_near(t, 60, 0, 1));
    ck_assert_uint_ne(id, 0);
    ck_assert(gops_traffic_double_park(t, id, 600));
    for (int k = 0; k < 2; k++) gops_traffic_step(t);
    gops_traffic_counts_t c;
    gops_traffic_counts(t, &c);
    ck_assert_uint_eq(c.double_parked, 1);
    if (close) {
        gops_error_t err;
        ck_assert_int_eq(gops_traffic_close_road(t, "main", true, &err), GOPS_OK);
    }
    for (int k = 0; k < 10; k++) gops_traffic_step(t);
    gops_traffic_counts(t, &c);
    gops_world_destroy(w);
    return c.double_parked;
}

START_TEST(closure_clears_double_parking)
{
    ck_assert_uint_eq(double_parked_after_closure(false), 1); // 10 minutes' dwell: still there
    ck_assert_uint_eq(double_parked_after_closure(true), 0);  // closed: it has driven off
}
END_TEST

// ---- (5) drivers' patience --------------------------------------------------------------------

// Where vehicle `id` is: its arc, or UINT32_MAX once it has left the network.
static uint32_t arc_of(const gops_traffic_t *t, uint32_t id)
{
    for (uint32_t i = 0; i < t->veh.count; i++)
        if (t->veh.id[i] == id) return t->net->lanes[t->veh.lane[i]].arc;
    return UINT32_MAX;
}

// People on both halves of the west crossing every step, without a break: a car arriving
// from the west gets through once its driver's patience (15 s stood for pedestrians) runs
// out, while arriving pedestrians see "don't walk"; with a crossing that empties now and
// then, vehicles simply wait for the gaps.
START_TEST(drivers_patience_ends_an_endless_stream)
{
    gops_traffic_t *t;
    gops_world_t *w = coupled_t(1, &t);
    uint32_t west = leg(t, -1, 0), arc = t->net->crossings[west].arc_in;
    uint32_t id = gops_traffic_spawn(t, GOPS_VCLASS_CAR, arc, 0, 20, 0, gops_traffic_node_near(t, 60, 0, 1));
    ck_assert_uint_ne(id, 0);
    double through_at = -1, held_before = 0;
    bool dont_walk_seen = false;
    for (int k = 0; k < 600 && through_at < 0; k++) { // 300 s
        gops_traffic_crossing_set_halves(t, west, 3, 3);
        gops_traffic_step(t);
        dont_walk_seen |= !gops_traffic_crossing_walk(t, west) && t->crossings.yield_s[west] > 0;
        if (arc_of(t, id) != arc) through_at = gops_traffic_time(t);
    }
    gops_traffic_counts_t c;
    gops_traffic_counts(t, &c);
    held_before = c.vehicle_delay_pedestrians_s;
    printf("drivers' patience: the car from the west got past an endless stream of pedestrians after %.1f s "
           "(%.1f s of it stopped for them)\n", through_at, held_before);
    ck_assert_msg(through_at > 0, "still held after 300 s");
    ck_assert(dont_walk_seen);
    ck_assert_double_ge(held_before, 15.0 - 0.5); // it did wait its patience out first
    gops_world_destroy(w);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("traffic_crowd_coupling");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, warm_up_ignores_the_crowds_first_report);
    tcase_add_test(tc, box_pedestrian_holds_one_leg);
    tcase_add_test(tc, yield_in_the_lanes_people_are_in);
    tcase_add_test(tc, closure_clears_double_parking);
    tcase_add_test(tc, drivers_patience_ends_an_endless_stream);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return gops_test_run(suite()); }
