// SPDX-License-Identifier: MIT
// Traffic junction suite: a minor-road driver yields to a major-road vehicle arriving
// within the critical gap; vehicles stop for pedestrians on an unsignalised crossing and
// go once it is clear; a turner waits for people on its exit crossing at its stop line on a
// small junction and in the box on a wide one; an arc blocked by pedestrians is not entered; the stand-in
// pedestrians at a signalised junction cross, a share of them on red; the roundabout's
// entries yield to the ring.
#include "fixture.h"
#include "traffic/lab_maps.h"
#include "traffic/traffic_internal.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>

static gops_traffic_params_t quiet_params(void)
{
    gops_traffic_params_t p = gops_traffic_params_default();
    p.demand = false;
    p.pedestrian_standin = false;
    return p;
}

static gops_world_t *crossroads(gops_junction_control_t control, gops_traffic_params_t *p, gops_traffic_t **t, int hour)
{
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 0.5;
    def.nav_cell_m = 2;
    def.start = gops_world_def_default().start - 16 * 3600 + hour * 3600;
    gops_error_t err;
    gops_world_t *w = gops_world_create_with_map(&def, gops_lab_crossroads(600, 1, control), &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    *t = gops_traffic_attach(w, p, &err);
    ck_assert_msg(*t != NULL, "%s", err.message);
    return w;
}

// The arc of `road` arriving at node `to`.
static uint32_t arc_into(const gops_traffic_t *t, const char *road, uint32_t to)
{
    uint32_t arcs[8], n = gops_traffic_road_arcs(t, road, arcs, 8);
    for (uint32_t k = 0; k < n; k++)
        if (t->net->arcs[arcs[k]].to == to && t->net->arcs[arcs[k]].in_map) return arcs[k];
    ck_abort_msg("no arc of %s into node %u", road, to);
    return 0;
}

static uint32_t index_of(const gops_traffic_t *t, uint32_t id)
{
    return gops_vehicles_find(&t->veh, id);
}

START_TEST(minor_road_yields)
{
    gops_traffic_params_t p = quiet_params();
    gops_traffic_t *t;
    gops_world_t *w = crossroads(GOPS_JUNCTION_PRIORITY, &p, &t, 16);
    uint32_t node = gops_traffic_node_near(t, 0, 0, 1);
    uint32_t major = arc_into(t, "main", node), minor = arc_into(t, "cross", node);
    ck_assert_uint_eq(t->net->arcs[major].control, GOPS_ARC_FREE);
    ck_assert_uint_eq(t->net->arcs[minor].control, GOPS_ARC_YIELD);
    uint32_t east = gops_traffic_node_near(t, 600, 0, 1), north = gops_traffic_node_near(t, 0, 600, 1);
    const gops_tnet_arc_t *M = &t->net->arcs[major], *N = &t->net->arcs[minor];
    // The major car arrives in about 5 s; the minor car waits 3 m before its stop line.
    uint32_t car = gops_traffic_spawn(t, GOPS_VCLASS_CAR, major, 0, M->length - 70, 13.9, east);
    uint32_t side = gops_traffic_spawn(t, GOPS_VCLASS_CAR, minor, 0, N->stop_pos - 3, 0, north);
    ck_assert(car && side);
    double major_passed = -1, minor_entered = -1;
    for (int step = 0; step < 120 && minor_entered < 0; step++) {
        gops_world_step(w);
        uint32_t i = index_of(t, car), j = index_of(t, side);
        if (major_passed < 0 && (i == UINT32_MAX || t->net->lanes[t->veh.lane[i]].arc != major))
            major_passed = gops_traffic_time(t);
        if (j != UINT32_MAX && t->net->lanes[t->veh.lane[j]].arc == minor && t->veh.s[j] > N->stop_pos + 1.0f)
            minor_entered = gops_traffic_time(t);
    }
    ck_assert_double_gt(major_passed, 3.0);
    ck_assert_double_gt(minor_entered, major_passed);
    ck_assert_double_lt(minor_entered, major_passed + 10);
    gops_world_destroy(w);
}
END_TEST

START_TEST(no_conflict_no_wait)
{
    // With the major road empty the minor driver does not stop at all.
    gops_traffic_params_t p = quiet_params();
    gops_traffic_t *t;
    gops_world_t *w = crossroads(GOPS_JUNCTION_PRIORITY, &p, &t, 16);
    uint32_t node = gops_traffic_node_near(t, 0, 0, 1), north = gops_traffic_node_near(t, 0, 600, 1);
    uint32_t minor = arc_into(t, "cross", node);
    uint32_t side = gops_traffic_spawn(t, GOPS_VCLASS_CAR, minor, 0, 400, 8.0, north);
    float slowest = 99;
    for (int step = 0; step < 80; step++) {
        gops_world_step(w);
        uint32_t j = index_of(t, side);
        if (j != UINT32_MAX && t->net->lanes[t->veh.lane[j]].arc == minor && t->veh.v[j] < slowest) slowest = t->veh.v[j];
    }
    ck_assert_float_gt(slowest, 6.0f);
    gops_world_destroy(w);
}
END_TEST

START_TEST(yield_to_pedestrians)
{
    gops_traffic_params_t p = quiet_params();
    gops_traffic_t *t;
    gops_world_t *w = crossroads(GOPS_JUNCTION_PRIORITY, &p, &t, 16);
    gops_traffic_crossings_external(t, true);
    uint32_t node = gops_traffic_node_near(t, 0, 0, 1), east = gops_traffic_node_near(t, 600, 0, 1);
    uint32_t major = arc_into(t, "main", node);
    const gops_tnet_arc_t *M = &t->net->arcs[major];
    uint32_t crossing = M->crossing_end;
    ck_assert_uint_ne(crossing, GOPS_TNET_NONE);
    gops_traffic_crossing_info_t info;
    gops_traffic_crossing_info(t, crossing, &info);
    ck_assert(!info.signalised);
    ck_assert(gops_traffic_crossing_walk(t, crossing)); // zebra: always walk, cars yield
    // The crossing lies between the stop line and the junction.
    ck_assert_double_lt(fabs(info.y), 1e-9);
    ck_assert_double_lt(info.x, 0);
    ck_assert_double_gt(info.x, M->stop_pos - M->length);
    uint32_t car = gops_traffic_spawn(t, GOPS_VCLASS_CAR, major, 0, M->length - 120, 13.9, east);
    gops_traffic_crossing_set_present(t, crossing, 3);
    // 22 s with people on the crossing: it stands for them from about 10 s, less than the
    // drivers' patience (15 s stood; test_traffic_crowd_coupling.c has what comes after).
    for (int step = 0; step < 44; step++) {
        gops_world_step(w);
        uint32_t i = index_of(t, car);
        ck_assert_uint_eq(t->net->lanes[t->veh.lane[i]].arc, major);
        ck_assert_float_le(t->veh.s[i], M->stop_pos);
    }
    uint32_t i = index_of(t, car);
    ck_assert_float_lt(t->veh.v[i], 0.1f);
    ck_assert_float_gt(t->veh.s[i], M->stop_pos - 3);
    gops_traffic_counts_t c;
    gops_traffic_counts(t, &c);
    ck_assert_double_gt(c.vehicle_delay_pedestrians_s, 10);
    gops_traffic_crossing_set_present(t, crossing, 0);
    bool through = false;
    for (int step = 0; step < 40 && !through; step++) {
        gops_world_step(w);
        uint32_t k = index_of(t, car);
        through = k == UINT32_MAX || t->net->lanes[t->veh.lane[k]].arc != major;
    }
    ck_assert(through);
    // Pedestrians reported by the crowd are counted.
    gops_traffic_crossing_report(t, crossing, 10, 4);
    gops_traffic_counts(t, &c);
    ck_assert_uint_eq(c.pedestrians_crossed, 10);
    ck_assert_uint_eq(c.pedestrians_on_red, 4);
    gops_world_destroy(w);
}
END_TEST

START_TEST(exit_crossing_stops_turners)
{
    // Pedestrians on the crossing of the leg a driver turns into stop that driver too.
    gops_traffic_params_t p = quiet_params();
    gops_traffic_t *t;
    gops_world_t *w = crossroads(GOPS_JUNCTION_PRIORITY, &p, &t, 16);
    gops_traffic_crossings_external(t, true);
    uint32_t node = gops_traffic_node_near(t, 0, 0, 1), north = gops_traffic_node_near(t, 0, 600, 1);
    uint32_t major = arc_into(t, "main", node);
    const gops_tnet_arc_t *M = &t->net->arcs[major];
    uint32_t car = gops_traffic_spawn(t, GOPS_VCLASS_CAR, major, 0, M->length - 100, 10, north); // turns left
    uint32_t i = index_of(t, car);
    uint32_t out = t->veh.next_arc[i];
    ck_assert_uint_eq(trf_turn_kind(t->net, major, out), GOPS_TURN_LEFT);
    gops_traffic_crossing_set_present(t, t->net->arcs[out].crossing_start, 2);
    for (int step = 0; step < 44; step++) gops_world_step(w); // within the drivers' patience
    i = index_of(t, car);
    ck_assert_uint_eq(t->net->lanes[t->veh.lane[i]].arc, major);
    ck_assert_float_lt(t->veh.v[i], 0.1f);
    gops_world_destroy(w);
}
END_TEST

START_TEST(turners_wait_in_the_box)
{
    // On a wide junction (three lanes each way) a driver turning left into a leg whose
    // crossing has people on it pulls past its stop line into the box and waits before that
    // crosswalk; the driver behind it, going straight on, is not held up.
    gops_traffic_params_t p = quiet_params();
    gops_traffic_t *t;
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 0.5;
    def.nav_cell_m = 2;
    gops_error_t err;
    gops_world_t *w = gops_world_create_with_map(&def, gops_lab_crossroads(600, 3, GOPS_JUNCTION_PRIORITY), &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    t = gops_traffic_attach(w, &p, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    gops_traffic_crossings_external(t, true);
    uint32_t node = gops_traffic_node_near(t, 0, 0, 1), north = gops_traffic_node_near(t, 0, 600, 1);
    uint32_t east = gops_traffic_node_near(t, 600, 0, 1);
    uint32_t major = arc_into(t, "main", node);
    const gops_tnet_arc_t *M = &t->net->arcs[major];
    uint32_t turner = gops_traffic_spawn(t, GOPS_VCLASS_CAR, major, M->lanes - 1, M->length - 60, 8, north);
    uint32_t i = index_of(t, turner), out = t->veh.next_arc[i];
    ck_assert_uint_eq(trf_turn_kind(t->net, major, out), GOPS_TURN_LEFT);
    uint32_t crossing = t->net->arcs[out].crossing_start;
    float line = t->net->crossings[crossing].s_out - TRF_CROSSING_HALF_M;
    ck_assert_float_gt(line, 6); // room for a car between the junction centre and the crosswalk
    uint32_t behind = gops_traffic_spawn(t, GOPS_VCLASS_CAR, major, M->lanes - 1, M->length - 90, 8, east);
    gops_traffic_crossing_set_present(t, crossing, 2);
    bool behind_through = false;
    for (int step = 0; step < 40; step++) { // 20 s, within the drivers' patience
        gops_world_step(w);
        i = index_of(t, turner);
        uint32_t arc = t->net->lanes[t->veh.lane[i]].arc;
        if (arc == out) ck_assert_float_le(t->veh.s[i], line); // never onto the crosswalk
        uint32_t k = index_of(t, behind);
        behind_through |= k == UINT32_MAX || t->net->lanes[t->veh.lane[k]].arc != major;
    }
    i = index_of(t, turner);
    ck_assert_uint_eq(t->net->lanes[t->veh.lane[i]].arc, out); // in the box, on the leg it turns into
    ck_assert_float_lt(t->veh.v[i], 0.1f);
    ck_assert_float_gt(t->veh.s[i], line - 2);
    ck_assert(behind_through);
    gops_traffic_crossing_set_present(t, crossing, 0);
    for (int step = 0; step < 20; step++) gops_world_step(w);
    i = index_of(t, turner);
    ck_assert(i == UINT32_MAX || t->veh.s[i] > line + 2 * TRF_CROSSING_HALF_M); // on its way once clear
    gops_world_destroy(w);
}
END_TEST

START_TEST(blocked_by_pedestrians)
{
    gops_traffic_params_t p = quiet_params();
    gops_traffic_t *t;
    gops_world_t *w = crossroads(GOPS_JUNCTION_SIGNAL, &p, &t, 16);
    uint32_t node = gops_traffic_node_near(t, 0, 0, 1), east = gops_traffic_node_near(t, 600, 0, 1);
    uint32_t major = arc_into(t, "main", node);
    uint32_t out = arc_into(t, "main", east); // the east leg, eastbound
    gops_traffic_set_arc_blocked_by_pedestrians(t, out, true);
    uint32_t car = gops_traffic_spawn(t, GOPS_VCLASS_CAR, major, 0, 300, 13.9, east);
    for (int step = 0; step < 240; step++) gops_world_step(w); // two cycles
    uint32_t i = index_of(t, car);
    ck_assert_uint_eq(t->net->lanes[t->veh.lane[i]].arc, major);
    gops_traffic_counts_t c;
    gops_traffic_counts(t, &c);
    ck_assert_double_eq_tol(c.lane_minutes_blocked, 2.0, 0.02); // one lane, 120 s
    gops_traffic_set_arc_blocked_by_pedestrians(t, out, false);
    for (int step = 0; step < 240; step++) gops_world_step(w);
    i = index_of(t, car);
    ck_assert(i == UINT32_MAX || t->net->lanes[t->veh.lane[i]].arc == out);
    gops_world_destroy(w);
}
END_TEST

START_TEST(standin_pedestrians_cross_some_on_red)
{
    gops_traffic_params_t p = quiet_params();
    p.pedestrian_standin = true;
    gops_traffic_t *t;
    gops_world_t *w = crossroads(GOPS_JUNCTION_SIGNAL, &p, &t, 17);
    for (int step = 0; step < 2400; step++) gops_world_step(w); // 20 minutes
    gops_traffic_counts_t c;
    gops_traffic_counts(t, &c);
    // 17:00 profile: 380 per hour on a secondary leg (×1.0), 0.6 × 380 on a local one; 20 min.
    double expect = (2 * 380 + 2 * 0.6 * 380) / 3.0;
    printf("stand-in crossings at a signal, 20 min: %lu crossed (expected about %.0f), %lu on red (%.1f %%)\n",
           (unsigned long)c.pedestrians_crossed, expect, (unsigned long)c.pedestrians_on_red,
           100.0 * c.pedestrians_on_red / (c.pedestrians_crossed ? c.pedestrians_crossed : 1));
    ck_assert_double_gt(c.pedestrians_crossed, 0.8 * expect);
    ck_assert_double_lt(c.pedestrians_crossed, 1.2 * expect);
    ck_assert_uint_gt(c.pedestrians_on_red, 0);
    ck_assert_double_lt(c.pedestrians_on_red, 0.5 * c.pedestrians_crossed);
    gops_world_destroy(w);
}
END_TEST

START_TEST(erqi_roundabout_entries_yield)
{
    gops_world_def_t def = gops_world_def_default();
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    def.nav_cell_m = 2;
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_traffic_params_t p = quiet_params();
    gops_traffic_t *t = gops_traffic_attach(w, &p, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    uint32_t ring = 0, entries = 0;
    for (uint32_t a = 0; a < t->net->arc_count; a++) {
        const gops_tnet_arc_t *A = &t->net->arcs[a];
        if (!A->in_map || t->net->nodes[A->to].control != GOPS_JUNCTION_ROUNDABOUT || !t->net->nodes[A->to].junction) continue;
        if (A->ring) {
            ring++;
            ck_assert_uint_eq(A->control, GOPS_ARC_FREE);
        } else {
            entries++;
            ck_assert_uint_eq(A->control, GOPS_ARC_ROUNDABOUT);
        }
    }
    ck_assert_uint_eq(ring, 6);    // the ring's arcs arriving at its six junctions
    // One entry per road meeting the ring: Jiefang, Yima, Xi Dajie, Renmin and Erqi Road
    // (one-way Zhengxing Street only leaves it).
    ck_assert_uint_eq(entries, 5);
    gops_world_destroy(w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("traffic_junctions");
    TCase *tc = tcase_create("junctions");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, minor_road_yields);
    tcase_add_test(tc, no_conflict_no_wait);
    tcase_add_test(tc, yield_to_pedestrians);
    tcase_add_test(tc, exit_crossing_stops_turners);
    tcase_add_test(tc, turners_wait_in_the_box);
    tcase_add_test(tc, blocked_by_pedestrians);
    tcase_add_test(tc, standin_pedestrians_cross_some_on_red);
    tcase_add_test(tc, erqi_roundabout_entries_yield);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
