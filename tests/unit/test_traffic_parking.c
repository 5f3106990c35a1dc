// SPDX-License-Identifier: MIT
// Illegal parking suite: a double-parked car on a two-lane road cuts the road's capacity
// (measured against the same road without it, demand saturating the entry); enforcement
// moves double-parked cars on and removes e-bikes from sidewalks; the probability of
// double-parking follows mode, time of day and enforcement presence.
#include "fixture.h"
#include "traffic/lab_maps.h"
#include "traffic/traffic_internal.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>

static gops_world_t *corridor(gops_traffic_t **t)
{
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 0.5;
    def.nav_cell_m = 2;
    gops_error_t err;
    gops_world_t *w = gops_world_create_with_map(&def, gops_lab_corridor(1000, 2, 50), &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_traffic_params_t p = gops_traffic_params_default();
    p.demand = false;
    p.pedestrian_standin = false;
    *t = gops_traffic_attach(w, &p, &err);
    ck_assert_msg(*t != NULL, "%s", err.message);
    return w;
}

// Eastbound flow (veh/h) leaving the corridor over 10 minutes after 5 minutes of
// saturated demand at the west end, with or without a double-parked car in the kerb lane
// halfway along.
static double corridor_capacity(bool blocked, uint32_t *still_parked)
{
    gops_traffic_t *t;
    gops_world_t *w = corridor(&t);
    uint32_t west = gops_traffic_node_near(t, 0, 0, 1), east = gops_traffic_node_near(t, 1000, 0, 1);
    uint32_t g = t->places.gateway_of_node[west];
    uint16_t dest = trf_exit_dest(t, east);
    if (blocked) {
        uint32_t id = gops_traffic_spawn(t, GOPS_VCLASS_CAR, 0, 0, 500, 0, east);
        ck_assert_uint_ne(id, 0);
        ck_assert(gops_traffic_double_park(t, id, 1e6));
    }
    uint64_t done_at_start = 0;
    for (int step = 0; step < 1800; step++) {
        while (t->demand.queue_len[g] < 50) {
            trf_entry_t e = {.cls = GOPS_VCLASS_CAR, .purpose = GOPS_PURPOSE_EXIT, .dest = dest, .place = UINT32_MAX};
            trf_demand_queue(t, g, &e);
        }
        if (step == 600) done_at_start = t->trips_done;
        gops_world_step(w);
    }
    double flow = (double)(t->trips_done - done_at_start) * 3600.0 / 600.0;
    gops_traffic_counts_t c;
    gops_traffic_counts(t, &c);
    if (still_parked) *still_parked = c.double_parked;
    if (blocked) ck_assert_double_gt(c.lane_minutes_blocked, 14.9); // the whole 15 minutes
    gops_world_destroy(w);
    return flow;
}

START_TEST(double_parked_car_cuts_capacity)
{
    uint32_t parked;
    double open = corridor_capacity(false, NULL);
    double blocked = corridor_capacity(true, &parked);
    printf("two-lane road, 50 km/h: capacity %.0f veh/h open, %.0f veh/h with one double-parked car (%.0f %% less)\n",
           open, blocked, 100 * (1 - blocked / open));
    ck_assert_uint_eq(parked, 1);
    ck_assert_double_gt(open, 3000);          // two lanes near 1,900 each
    ck_assert_double_lt(blocked, 0.75 * open); // measurably less: one lane and merging
    ck_assert_double_gt(blocked, 1000);       // but the other lane still flows
}
END_TEST

START_TEST(enforcement_moves_cars_on)
{
    gops_traffic_t *t;
    gops_world_t *w = corridor(&t);
    uint32_t east = gops_traffic_node_near(t, 1000, 0, 1);
    uint32_t a = gops_traffic_spawn(t, GOPS_VCLASS_CAR, 0, 0, 300, 0, east);
    uint32_t b = gops_traffic_spawn(t, GOPS_VCLASS_VAN, 0, 0, 700, 0, east);
    ck_assert(gops_traffic_double_park(t, a, 3600) && gops_traffic_double_park(t, b, 3600));
    ck_assert(!gops_traffic_double_park(t, 9999, 60));
    gops_world_step(w);
    gops_traffic_counts_t c;
    gops_traffic_counts(t, &c);
    ck_assert_uint_eq(c.double_parked, 2);
    // The lane's centre at x = 300 - 2.5, 5.25 m south: a 10 m radius around the first car.
    ck_assert_uint_eq(gops_traffic_clear_double_parking(t, 297.5, -5.25, 10), 1);
    gops_world_step(w);
    gops_traffic_counts(t, &c);
    ck_assert_uint_eq(c.double_parked, 1);
    uint32_t i = gops_vehicles_find(&t->veh, a);
    ck_assert_uint_eq(t->veh.state[i], GOPS_VSTATE_DRIVE);
    for (int s = 0; s < 120; s++) gops_world_step(w);
    ck_assert_uint_eq(gops_vehicles_find(&t->veh, a), UINT32_MAX); // gone on to its exit
    ck_assert_uint_ne(gops_vehicles_find(&t->veh, b), UINT32_MAX);
    gops_world_destroy(w);
}
END_TEST

START_TEST(double_park_probability)
{
    // Erqi's profiles: at 17:xx in normal mode 0.35; a delivery twice that; full
    // enforcement presence cuts it by 80 %; emergency mode 0.2 times the normal value.
    gops_world_def_t def = gops_world_def_default();
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    def.nav_cell_m = 2;
    def.start = gops_world_def_default().start + 3600 + 600; // 17:10
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_traffic_params_t p = gops_traffic_params_default();
    p.demand = false;
    gops_traffic_t *t = gops_traffic_attach(w, &p, &err); // stand-in pedestrians load the profiles
    ck_assert_msg(t != NULL, "%s", err.message);
    ck_assert(t->demand.loaded);
    uint32_t arcs[8];
    gops_traffic_road_arcs(t, "road-dunmu", arcs, 8);
    uint32_t a = arcs[0];
    ck_assert_double_eq_tol(trf_parking_double_park_p(t, a, GOPS_PURPOSE_ERRAND, false), 0.35, 1e-12);
    ck_assert_double_eq_tol(trf_parking_double_park_p(t, a, GOPS_PURPOSE_DELIVERY, false), 0.70, 1e-12);
    ck_assert_double_eq_tol(trf_parking_double_park_p(t, a, GOPS_PURPOSE_DELIVERY, true), 0.95, 1e-12); // capped
    gops_point_t at;
    gops_tnet_pose(t->net, a, t->net->arcs[a].length / 2, 0, &at, NULL);
    gops_traffic_set_enforcement(t, at.x, at.y, 5, 1.0);
    ck_assert_double_eq_tol(trf_parking_double_park_p(t, a, GOPS_PURPOSE_ERRAND, false), 0.35 * 0.2, 1e-12);
    gops_traffic_set_enforcement(t, at.x, at.y, 5, 0.0);
    gops_traffic_force_mode(t, GOPS_MODE_EMERGENCY);
    gops_world_step(w);
    ck_assert_double_eq_tol(trf_parking_double_park_p(t, a, GOPS_PURPOSE_ERRAND, false), 0.07, 1e-12);
    gops_world_destroy(w);
}
END_TEST

START_TEST(sidewalk_ebikes)
{
    gops_world_def_t def = gops_world_def_default();
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    def.nav_cell_m = 2;
    def.start = gops_world_def_default().start + 2 * 3600; // 18:00: 0.40 of e-bikes on sidewalks
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_traffic_params_t p = gops_traffic_params_default();
    p.demand = false;
    gops_traffic_t *t = gops_traffic_attach(w, &p, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    gops_world_step(w);
    uint32_t mall = t->places.first[GOPS_PLACE_MALL];
    const gops_place_t *pl = &t->places.items[mall];
    for (int k = 0; k < 500; k++) trf_parking_ebike_arrives(t, mall, pl->arc);
    gops_traffic_counts_t c;
    gops_traffic_counts(t, &c);
    ck_assert_uint_gt(c.ebikes_on_sidewalks, 160); // binomial(500, 0.4): mean 200, sd 11
    ck_assert_uint_lt(c.ebikes_on_sidewalks, 240);
    gops_traffic_parked_ebikes_t spots[4];
    ck_assert_uint_eq(gops_traffic_sidewalk_ebikes(t, spots, 4), 1);
    ck_assert_uint_eq(spots[0].count, c.ebikes_on_sidewalks);
    ck_assert_double_eq_tol(spots[0].area_m2, 1.2 * c.ebikes_on_sidewalks, 1e-9);
    ck_assert_double_eq(spots[0].x, pl->at.x);
    ck_assert_uint_eq(gops_traffic_clear_sidewalk_ebikes(t, pl->at.x + 500, pl->at.y, 10), 0);
    ck_assert_uint_eq(gops_traffic_clear_sidewalk_ebikes(t, pl->at.x, pl->at.y, 10), c.ebikes_on_sidewalks);
    gops_traffic_counts(t, &c);
    ck_assert_uint_eq(c.ebikes_on_sidewalks, 0);
    ck_assert_uint_eq(gops_traffic_sidewalk_ebikes(t, spots, 4), 0);
    gops_world_destroy(w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("traffic_parking");
    TCase *tc = tcase_create("parking");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, double_parked_car_cuts_capacity);
    tcase_add_test(tc, enforcement_moves_cars_on);
    tcase_add_test(tc, double_park_probability);
    tcase_add_test(tc, sidewalk_ebikes);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
