// SPDX-License-Identifier: MIT
// Travel times from live traffic suite: on a 1 km one-lane corridor with operations wired
// to the traffic model (as the session wires them), a vehicle team's travel time equals
// free flow on an empty road, grows to the documented rule's value when a double-parked
// car jams the road, and returns exactly to free flow once the car moves on and the queue
// drains; a closed road cannot be driven (the team then falls back to the stand-in); the
// arc-time rule's density, queue and pedestrian branches against hand computation.
#include "fixture.h"
#include "ops/ops_internal.h"
#include "traffic/lab_maps.h"
#include "traffic/traffic_internal.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>

typedef struct rig {
    gops_world_t *w;
    gops_traffic_t *t;
    gops_ops_t *ops;
} rig_t;

static rig_t corridor(int lanes)
{
    rig_t r;
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 0.5;
    def.nav_cell_m = 2;
    gops_error_t err;
    r.w = gops_world_create_with_map(&def, gops_lab_corridor(1000, lanes, 50), &err);
    ck_assert_msg(r.w != NULL, "%s", err.message);
    gops_traffic_params_t p = gops_traffic_params_default();
    p.demand = false;
    p.pedestrian_standin = false;
    r.t = gops_traffic_attach(r.w, &p, &err);
    ck_assert_msg(r.t != NULL, "%s", err.message);
    gops_ops_params_t op = gops_ops_params_default();
    op.generate = false;
    r.ops = gops_ops_attach(r.w, &op, &err);
    ck_assert_msg(r.ops != NULL, "%s", err.message);
    gops_ops_set_arc_time(r.ops, gops_traffic_responder_arc_time, r.t);
    return r;
}

static const gops_point_t WEST = {0, 0}, EAST = {1000, 0};

START_TEST(jam_slows_a_vehicle_team_and_clearing_restores_it)
{
    rig_t r = corridor(1);
    double free_t = 1000.0 / (50 / 3.6); // 72 s: the ends are road nodes, nothing to walk
    double t0 = gops_ops_travel_time(r.ops, GOPS_TRAVEL_VEHICLE, WEST, EAST);
    ck_assert_double_eq_tol(t0, free_t, 1e-9);
    ck_assert_double_eq_tol(gops_traffic_arc_time(r.t, 0), free_t, 1e-4);

    // A car double-parks at the east end of the eastbound lane; 129 more queue behind it
    // at 7.6 m (130 cars on 1,000 m: 7.69 m per car, 0.69 m over the 7 m jam spacing).
    uint32_t east_node = gops_traffic_node_near(r.t, 1000, 0, 1);
    uint32_t head = gops_traffic_spawn(r.t, GOPS_VCLASS_CAR, 0, 0, 998, 0, east_node);
    ck_assert_uint_ne(head, 0);
    ck_assert(gops_traffic_double_park(r.t, head, 1e6));
    for (int k = 1; k < 130; k++)
        ck_assert_uint_ne(gops_traffic_spawn(r.t, GOPS_VCLASS_CAR, 0, 0, 998 - 7.6 * k, 0, east_node), 0);
    for (int k = 0; k < 20; k++) gops_world_step(r.w); // 10 s: measures see the jam
    gops_traffic_arc_measures_t m;
    gops_traffic_arc_measures(r.t, 0, &m);
    ck_assert_double_eq(m.vehicles, 130);
    // Density rule: k = 0.13 veh/m, v = (1/k - 7 m) / T(1 s) = 0.69 m/s, at least 1 m/s:
    // 1,000 s. The queue rule gives less (72 s + at most 1,000 m / 3.5 m/s = 358 s).
    double arc_t = gops_traffic_arc_time(r.t, 0);
    ck_assert_double_eq_tol(arc_t, 1000.0, 1e-3);
    // A responder keeps half the delay: 72 + 0.5 × (1,000 − 72) = 536 s.
    double jammed = gops_ops_travel_time(r.ops, GOPS_TRAVEL_VEHICLE, WEST, EAST);
    printf("vehicle team over 1 km: free %.1f s, jammed %.1f s\n", t0, jammed);
    ck_assert_double_eq_tol(jammed, free_t + 0.5 * (1000.0 - free_t), 1e-2);
    ck_assert_double_gt(jammed, 7 * free_t);
    // The other direction is empty: westbound stays at free flow.
    ck_assert_double_eq_tol(gops_ops_travel_time(r.ops, GOPS_TRAVEL_VEHICLE, EAST, WEST), free_t, 1e-9);

    // Enforcement moves the car on; the queue drains and leaves by the east gateway.
    ck_assert_uint_eq(gops_traffic_clear_double_parking(r.t, 998, 0, 20), 1);
    double mid = 0;
    for (int k = 0; k < 2400 && r.t->veh.count > 0; k++) {
        gops_world_step(r.w);
        if (k == 60) mid = gops_ops_travel_time(r.ops, GOPS_TRAVEL_VEHICLE, WEST, EAST);
    }
    ck_assert_uint_eq(r.t->veh.count, 0);
    gops_world_step(r.w); // the measures see the empty road
    double cleared = gops_ops_travel_time(r.ops, GOPS_TRAVEL_VEHICLE, WEST, EAST);
    printf("30 s after clearing %.1f s, cleared %.1f s\n", mid, cleared);
    ck_assert_double_lt(mid, jammed);
    ck_assert_double_gt(mid, free_t);
    ck_assert_double_eq_tol(cleared, free_t, 1e-9);
    gops_world_destroy(r.w);
}
END_TEST

START_TEST(closed_road_cannot_be_driven)
{
    rig_t r = corridor(1);
    gops_error_t err;
    ck_assert_int_eq(gops_traffic_close_road(r.t, "corridor", true, &err), GOPS_OK);
    ck_assert(isinf(gops_traffic_arc_time(r.t, 0)));
    ck_assert(isinf(gops_traffic_responder_arc_time(r.t, 0, 72, 0)));
    // No way by road: the straight-line stand-in (1,000 m × 1.4 / 6.9 m/s).
    ck_assert_double_eq_tol(gops_ops_travel_time(r.ops, GOPS_TRAVEL_VEHICLE, WEST, EAST), 1000 * 1.4 / 6.9, 1e-9);
    ck_assert_int_eq(gops_traffic_close_road(r.t, "corridor", false, &err), GOPS_OK);
    ck_assert_double_eq_tol(gops_ops_travel_time(r.ops, GOPS_TRAVEL_VEHICLE, WEST, EAST), 1000 / (50 / 3.6), 1e-9);
    gops_world_destroy(r.w);
}
END_TEST

START_TEST(rule_branches)
{
    rig_t r = corridor(2);
    const gops_tnet_arc_t *A = &r.t->net->arcs[0];
    double free_t = A->free_time;
    // Moderate density on two lanes: 40 cars on 1,000 m: k = 0.02 veh/m/lane, v = (50 −
    // 7) / 1 = 43 m/s, above the limit: free flow.
    r.t->measures.on_arc[0] = 40;
    ck_assert_double_eq_tol(gops_traffic_arc_time(r.t, 0), free_t, 1e-4);
    // Dense: 250 cars: k = 0.125, v = (8 − 7) / 1 = 1 m/s: 1,000 s.
    r.t->measures.on_arc[0] = 250;
    ck_assert_double_eq_tol(gops_traffic_arc_time(r.t, 0), 1000.0, 1e-3);
    // 200 cars: k = 0.1, v = 3 m/s: 333.3 s.
    r.t->measures.on_arc[0] = 200;
    ck_assert_double_eq_tol(gops_traffic_arc_time(r.t, 0), 1000.0 / 3, 1e-3);
    // A standing queue of 700 m over two lanes: 72 + 700 / 7 = 172 s (the density rule
    // with 20 cars says free flow).
    r.t->measures.on_arc[0] = 20;
    r.t->measures.queue_m[0] = 700;
    ck_assert_double_eq_tol(gops_traffic_arc_time(r.t, 0), free_t + 100.0, 1e-3);
    // Pedestrians on the carriageway: creep at 1.5 m/s.
    r.t->measures.queue_m[0] = 0;
    gops_traffic_set_arc_blocked_by_pedestrians(r.t, 0, true);
    ck_assert_double_eq_tol(gops_traffic_arc_time(r.t, 0), 1000 / 1.5, 1e-3);
    // The hook scales onto the caller's free time and keeps the responder share.
    double ratio = (1000 / 1.5) / free_t;
    ck_assert_double_eq_tol(gops_traffic_responder_arc_time(r.t, 0, 100, 0), 100 * (1 + 0.5 * (ratio - 1)), 1e-6);
    ck_assert_double_eq_tol(gops_traffic_responder_arc_time(r.t, 1, 100, 0), 100, 1e-6); // westbound: free
    r.t->params.responder_delay_share = 1.0;
    ck_assert_double_eq_tol(gops_traffic_responder_arc_time(r.t, 0, 100, 0), 100 * ratio, 1e-6);
    ck_assert(isinf(gops_traffic_arc_time(r.t, 99)));
    gops_world_destroy(r.w);

    gops_traffic_params_t p = gops_traffic_params_default();
    ck_assert_double_eq(p.responder_delay_share, 0.5);
    p.responder_delay_share = 1.5;
    gops_world_def_t def = gops_world_def_default();
    gops_error_t err;
    gops_world_t *w = gops_world_create_with_map(&def, gops_lab_corridor(500, 1, 50), &err);
    ck_assert_ptr_null(gops_traffic_attach(w, &p, &err));
    ck_assert_str_eq(err.message, "traffic: responder delay share 1.5 is out of range; expected 0 to 1");
    gops_world_destroy(w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("traffic_travel");
    TCase *tc = tcase_create("travel");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, jam_slows_a_vehicle_team_and_clearing_restores_it);
    tcase_add_test(tc, closed_road_cannot_be_driven);
    tcase_add_test(tc, rule_branches);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
