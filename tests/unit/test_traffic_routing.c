// SPDX-License-Identifier: MIT
// Traffic routing suite: destination tables hold free-flow times plus turn penalties; a
// road closure diverts traffic onto the detour at once (vehicles already heading for the
// closed road choose again) and reopening brings it back; drivers caught inside a closure
// with no open way on drive off through it; one-way rules by scenario;
// unknown roads are refused with a message naming them.
#include "fixture.h"
#include "traffic/lab_maps.h"
#include "traffic/traffic_internal.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>

static gops_world_t *detour_world(gops_traffic_t **t)
{
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 0.5;
    def.nav_cell_m = 2;
    gops_error_t err;
    gops_world_t *w = gops_world_create_with_map(&def, gops_lab_detour(), &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_traffic_params_t p = gops_traffic_params_default();
    p.demand = false;
    p.pedestrian_standin = false;
    *t = gops_traffic_attach(w, &p, &err);
    ck_assert_msg(*t != NULL, "%s", err.message);
    return w;
}

// The in-map arc of a road leaving node `from`.
static uint32_t arc_from(const gops_traffic_t *t, const char *road, uint32_t from)
{
    uint32_t arcs[8], n = gops_traffic_road_arcs(t, road, arcs, 8);
    for (uint32_t k = 0; k < n; k++)
        if (t->net->arcs[arcs[k]].from == from) return arcs[k];
    ck_abort_msg("no arc of %s from node %u", road, from);
    return 0;
}

START_TEST(free_flow_tables)
{
    gops_traffic_t *t;
    gops_world_t *w = detour_world(&t);
    uint32_t W = gops_traffic_node_near(t, -1000, 0, 1), E = gops_traffic_node_near(t, 1000, 0, 1);
    uint32_t jw = gops_traffic_node_near(t, -500, 0, 1);
    uint16_t to_e = trf_exit_dest(t, E);
    ck_assert_uint_ne(to_e, GOPS_ROUTE_NONE);
    uint32_t west = arc_from(t, "west", W);
    // West (500 m), main (1,000 m), east (500 m) at 50 km/h straight through: 144 s.
    float c = t->routing.cost[(size_t)to_e * t->routing.arc_count + west];
    ck_assert_float_eq_tol(c, 2000 / (50 / 3.6f), 1e-2f);
    // From the detour's first arc: 400 + 1000 + 400 + 500 m, a right turn at the top
    // corner, a right turn at the far corner and a left turn back onto the east road
    // (the corners are plain nodes, so they count as turns only by angle: right 2 s each,
    // left 6 s): 2300 m / 13.889 m/s + 2 + 2 + 6 s.
    uint32_t up = arc_from(t, "detour_w", jw);
    float via = t->routing.cost[(size_t)to_e * t->routing.arc_count + up];
    ck_assert_float_eq_tol(via, 2300 / (50 / 3.6f) + 10.0f, 1e-2f);
    gops_world_destroy(w);
}
END_TEST

static uint32_t count_on(const gops_traffic_t *t, const char *road)
{
    uint32_t arcs[8], n = gops_traffic_road_arcs(t, road, arcs, 8), on = 0;
    for (uint32_t i = 0; i < t->veh.count; i++)
        for (uint32_t k = 0; k < n; k++) on += t->net->lanes[t->veh.lane[i]].arc == arcs[k];
    return on;
}

START_TEST(closure_diverts)
{
    gops_traffic_t *t;
    gops_world_t *w = detour_world(&t);
    uint32_t W = gops_traffic_node_near(t, -1000, 0, 1), E = gops_traffic_node_near(t, 1000, 0, 1);
    uint32_t west = arc_from(t, "west", W);
    uint32_t max_main_before = 0, max_detour_before = 0, max_main_after = 0, max_detour_after = 0;
    uint32_t entered_main_after = 0, on_main_at_closure[64], closure_count = 0;
    gops_error_t err;
    for (int step = 0; step < 1200; step++) { // 10 minutes, a car every 4 s from the west
        if (step % 8 == 0) gops_traffic_spawn(t, GOPS_VCLASS_CAR, west, 0, 10, 10, E);
        if (step == 480) {
            ck_assert_int_eq(gops_traffic_close_road(t, "main", true, &err), GOPS_OK);
            uint32_t arcs[2];
            gops_traffic_road_arcs(t, "main", arcs, 2);
            for (uint32_t i = 0; i < t->veh.count; i++)
                if (t->net->lanes[t->veh.lane[i]].arc == arcs[0] && closure_count < 64)
                    on_main_at_closure[closure_count++] = t->veh.id[i];
        }
        gops_world_step(w);
        uint32_t m = count_on(t, "main"), d = count_on(t, "detour_n");
        if (step < 480) {
            if (m > max_main_before) max_main_before = m;
            if (d > max_detour_before) max_detour_before = d;
        } else {
            // Nobody enters main after the closure; those on it drive off (72 s at most).
            uint32_t arcs[2];
            gops_traffic_road_arcs(t, "main", arcs, 2);
            for (uint32_t i = 0; i < t->veh.count; i++) {
                if (t->net->lanes[t->veh.lane[i]].arc != arcs[0]) continue;
                bool was = false;
                for (uint32_t k = 0; k < closure_count; k++) was |= on_main_at_closure[k] == t->veh.id[i];
                entered_main_after += !was;
            }
            if (step >= 480 + 180 && m > max_main_after) max_main_after = m;
            if (d > max_detour_after) max_detour_after = d;
        }
    }
    printf("closure of 'main': vehicles on main before %u, after %u; on the detour before %u, after %u\n",
           max_main_before, max_main_after, max_detour_before, max_detour_after);
    ck_assert_uint_gt(max_main_before, 5);
    ck_assert_uint_eq(max_detour_before, 0);
    ck_assert_uint_eq(max_main_after, 0);
    ck_assert_uint_eq(entered_main_after, 0);
    ck_assert_uint_gt(max_detour_after, 5);
    gops_traffic_counts_t c;
    gops_traffic_counts(t, &c);
    ck_assert_uint_gt(c.trips_completed, 60);
    ck_assert_uint_eq(c.removed_stuck, 0);
    // Reopened: traffic comes back to the main road.
    ck_assert_int_eq(gops_traffic_close_road(t, "main", false, &err), GOPS_OK);
    uint32_t back = 0;
    for (int step = 0; step < 240; step++) {
        if (step % 8 == 0) gops_traffic_spawn(t, GOPS_VCLASS_CAR, west, 0, 10, 10, E);
        gops_world_step(w);
        uint32_t m = count_on(t, "main");
        if (m > back) back = m;
    }
    ck_assert_uint_gt(back, 3);
    gops_world_destroy(w);
}
END_TEST

// Closing every road round the vehicles on "main" leaves them no open way on: they drive off
// through the closure (east, to the map's edge) instead of standing at the end of main.
START_TEST(caught_in_closure_drive_off)
{
    gops_traffic_t *t;
    gops_world_t *w = detour_world(&t);
    uint32_t W = gops_traffic_node_near(t, -1000, 0, 1), E = gops_traffic_node_near(t, 1000, 0, 1);
    uint32_t west = arc_from(t, "west", W);
    gops_error_t err;
    for (int step = 0; step < 480; step++) { // 4 minutes, a car every 4 s from the west
        if (step % 8 == 0) gops_traffic_spawn(t, GOPS_VCLASS_CAR, west, 0, 10, 10, E);
        gops_world_step(w);
    }
    uint32_t caught = count_on(t, "main");
    ck_assert_uint_gt(caught, 3);
    static const char *const roads[] = {"main", "east", "detour_w", "detour_n", "detour_e"};
    for (size_t k = 0; k < sizeof roads / sizeof *roads; k++)
        ck_assert_int_eq(gops_traffic_close_road(t, roads[k], true, &err), GOPS_OK);
    for (int step = 0; step < 360; step++) gops_world_step(w); // 3 minutes: 1,500 m at most
    uint32_t main_after = count_on(t, "main"), east_after = count_on(t, "east");
    printf("caught on main at the closure %u; 3 minutes later on main %u, on east %u\n", caught, main_after,
           east_after);
    ck_assert_uint_eq(main_after, 0);
    ck_assert_uint_eq(east_after, 0);
    gops_traffic_counts_t counts;
    gops_traffic_counts(t, &counts);
    ck_assert_uint_eq(counts.removed_stuck, 0);
    gops_world_destroy(w);
}
END_TEST

START_TEST(one_way_rules)
{
    gops_traffic_t *t;
    gops_world_t *w = detour_world(&t);
    uint32_t W = gops_traffic_node_near(t, -1000, 0, 1), E = gops_traffic_node_near(t, 1000, 0, 1);
    gops_error_t err;
    // Main becomes one-way westbound: eastbound traffic takes the detour.
    ck_assert_int_eq(gops_traffic_set_oneway(t, "main", -1, &err), GOPS_OK);
    uint32_t arcs[4];
    ck_assert_uint_eq(gops_traffic_road_arcs(t, "main", arcs, 4), 2);
    ck_assert(!trf_enterable(t, arcs[0]));
    ck_assert(trf_enterable(t, arcs[1]));
    uint32_t west = arc_from(t, "west", W);
    uint32_t car = gops_traffic_spawn(t, GOPS_VCLASS_CAR, west, 0, 10, 10, E);
    bool detour = false;
    for (int step = 0; step < 600; step++) {
        gops_world_step(w);
        uint32_t i = gops_vehicles_find(&t->veh, car);
        if (i == UINT32_MAX) break;
        uint32_t a = t->net->lanes[t->veh.lane[i]].arc;
        ck_assert_uint_ne(a, arcs[0]);
        detour |= t->net->arcs[a].road == t->net->arcs[arc_from(t, "detour_n", gops_traffic_node_near(t, -500, 400, 1))].road;
    }
    ck_assert(detour);
    ck_assert_uint_eq(gops_vehicles_find(&t->veh, car), UINT32_MAX); // it arrived
    ck_assert_int_eq(gops_traffic_set_oneway(t, "main", 0, &err), GOPS_OK);
    ck_assert(trf_enterable(t, arcs[0]) && trf_enterable(t, arcs[1]));
    ck_assert_int_eq(gops_traffic_set_oneway(t, "main", 2, &err), GOPS_BAD_VALUE);
    gops_world_destroy(w);
}
END_TEST

START_TEST(unknown_roads)
{
    gops_traffic_t *t;
    gops_world_t *w = detour_world(&t);
    gops_error_t err;
    ck_assert_int_eq(gops_traffic_close_road(t, "Nowhere Road", true, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "Nowhere Road"));
    ck_assert_int_eq(gops_traffic_set_oneway(t, "nowhere", 1, &err), GOPS_BAD_VALUE);
    ck_assert_uint_eq(gops_traffic_road_arcs(t, "nowhere", NULL, 0), 0);
    ck_assert_uint_eq(gops_traffic_road_arcs(t, "detour_n", NULL, 0), 2);
    // By road-graph edge: both directions close and reopen.
    uint32_t arcs[2];
    gops_traffic_road_arcs(t, "detour_n", arcs, 2);
    gops_traffic_set_edge_closed(t, arcs[0] / 2, true);
    gops_world_step(w);
    ck_assert(!t->routing.usable[arcs[0]] && !t->routing.usable[arcs[1]]);
    gops_traffic_set_edge_closed(t, arcs[0] / 2, false);
    gops_world_step(w);
    ck_assert(t->routing.usable[arcs[0]] && t->routing.usable[arcs[1]]);
    gops_world_destroy(w);
}
END_TEST

START_TEST(erqi_road_names)
{
    // Roads are found by id, Chinese name or English name.
    gops_world_def_t def = gops_world_def_default();
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    def.nav_cell_m = 2;
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_traffic_params_t p = gops_traffic_params_default();
    p.demand = false;
    p.pedestrian_standin = false;
    gops_traffic_t *t = gops_traffic_attach(w, &p, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    uint32_t a = gops_traffic_road_arcs(t, "road-renmin", NULL, 0);
    ck_assert_uint_eq(a, 6); // three segments, both ways
    ck_assert_uint_eq(gops_traffic_road_arcs(t, "人民路", NULL, 0), a);
    ck_assert_uint_eq(gops_traffic_road_arcs(t, "Renmin Road", NULL, 0), a);
    ck_assert_int_eq(gops_traffic_close_road(t, "人民路", true, &err), GOPS_OK);
    gops_world_step(w);
    uint32_t arcs[6];
    gops_traffic_road_arcs(t, "road-renmin", arcs, 6);
    for (int k = 0; k < 6; k++) ck_assert(!t->routing.usable[arcs[k]]);
    gops_world_destroy(w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("traffic_routing");
    TCase *tc = tcase_create("routing");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, free_flow_tables);
    tcase_add_test(tc, closure_diverts);
    tcase_add_test(tc, caught_in_closure_drive_off);
    tcase_add_test(tc, one_way_rules);
    tcase_add_test(tc, unknown_roads);
    tcase_add_test(tc, erqi_road_names);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
