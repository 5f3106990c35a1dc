// SPDX-License-Identifier: MIT
// Traffic measures suite: the congestion index mapping from the travel time index and its
// bands; per-segment flow, space-mean speed, travel time index and queue length against
// what was injected; the world's gauges and KPIs (vehicles, congestion index).
#include "fixture.h"
#include "traffic/lab_maps.h"
#include "traffic/traffic_internal.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>

START_TEST(congestion_index_mapping)
{
    const double tti[] = {0.5, 1.0, 1.15, 1.3, 1.45, 1.6, 1.8, 2.0, 2.25, 2.5, 3.0, 3.5, 6.0};
    const double ci[] = {0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10};
    for (size_t k = 0; k < sizeof tti / sizeof tti[0]; k++)
        ck_assert_double_eq_tol(gops_traffic_congestion_index(tti[k]), ci[k], 1e-12);
    ck_assert_str_eq(gops_traffic_congestion_band(0), "smooth");
    ck_assert_str_eq(gops_traffic_congestion_band(1.99), "smooth");
    ck_assert_str_eq(gops_traffic_congestion_band(2), "basically smooth");
    ck_assert_str_eq(gops_traffic_congestion_band(4), "light");
    ck_assert_str_eq(gops_traffic_congestion_band(7.9), "moderate");
    ck_assert_str_eq(gops_traffic_congestion_band(8), "severe");
    ck_assert_str_eq(gops_traffic_congestion_band(10), "severe");
    // Monotone between anchors.
    double last = -1;
    for (double x = 0.9; x < 4; x += 0.01) {
        double y = gops_traffic_congestion_index(x);
        ck_assert_double_ge(y, last);
        last = y;
    }
}
END_TEST

static gops_world_t *lab(gops_map_t *map, gops_traffic_t **t)
{
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 0.5;
    def.nav_cell_m = 2;
    gops_error_t err;
    gops_world_t *w = gops_world_create_with_map(&def, map, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_traffic_params_t p = gops_traffic_params_default();
    p.demand = false;
    p.pedestrian_standin = false;
    *t = gops_traffic_attach(w, &p, &err);
    ck_assert_msg(*t != NULL, "%s", err.message);
    return w;
}

START_TEST(segment_measures)
{
    // A car every 3 s (1,200 veh/h) on a free 1 km road: after 10 minutes the last five
    // minutes show that flow, speeds near the limit and a travel time index near 1.
    gops_traffic_t *t;
    gops_world_t *w = lab(gops_lab_corridor(1000, 1, 50), &t);
    uint32_t east = gops_traffic_node_near(t, 1000, 0, 1);
    for (int step = 0; step < 1200; step++) {
        if (step % 6 == 0) ck_assert_uint_ne(gops_traffic_spawn(t, GOPS_VCLASS_CAR, 0, 0, 6, 13.0, east), 0);
        gops_world_step(w);
    }
    gops_traffic_arc_measures_t m;
    gops_traffic_arc_measures(t, 0, &m);
    printf("free road: flow %.0f veh/h (1,200 injected), speed %.2f m/s, tti %.3f, index %.2f\n", m.flow_vph,
           m.mean_speed_mps, m.tti, m.congestion_index);
    ck_assert_double_eq_tol(m.flow_vph, 1200, 40); // drivers differ in speed: a few in flight either side
    ck_assert_double_gt(m.mean_speed_mps, 12.0);
    ck_assert_double_lt(m.tti, 1.15);
    ck_assert_double_gt(m.tti, 0.85);
    ck_assert_double_eq(m.queue_m, 0);
    ck_assert_double_gt(m.vehicles, 15); // about 1,000 m / (13.9 m/s · 3 s)
    ck_assert_double_lt(m.vehicles, 30);
    gops_traffic_counts_t c;
    gops_traffic_counts(t, &c);
    ck_assert_double_lt(c.congestion_index, 1.0);
    ck_assert_uint_ge(c.trips_completed, 150);
    ck_assert_double_gt(c.mean_trip_time_s, 1000 / 14.5);
    ck_assert_double_lt(c.mean_trip_time_s, 1000 / 11.0);
    // The world's gauges and KPIs.
    gops_gauges_t *g = gops_world_gauges(w);
    ck_assert(g->value[GOPS_GAUGE_VEHICLES].present);
    ck_assert_double_eq(g->value[GOPS_GAUGE_VEHICLES].value, c.vehicles);
    ck_assert(g->value[GOPS_GAUGE_CONGESTION_INDEX].present);
    gops_kpi_value_t k;
    ck_assert(gops_kpis_get(gops_world_kpis(w), "vehicles_total", &k) && k.present);
    ck_assert_double_eq(k.value, (double)c.vehicles_entered);
    ck_assert(gops_kpis_get(gops_world_kpis(w), "congestion_index_mean", &k) && k.present);
    ck_assert_double_lt(k.value, 1.0);
    ck_assert(gops_kpis_get(gops_world_kpis(w), "congestion_index_max", &k) && k.present);
    gops_world_destroy(w);
}
END_TEST

START_TEST(queue_and_congestion)
{
    // Twelve cars arrive at a long red light: a queue of twelve vehicles from the stop line,
    // and the arc's travel time index rises well above free flow (which already counts a
    // lone vehicle's mean wait at this signal).
    gops_traffic_t *t;
    gops_world_t *w = lab(gops_lab_crossroads(400, 1, GOPS_JUNCTION_SIGNAL), &t);
    uint32_t node = gops_traffic_node_near(t, 0, 0, 1), east = gops_traffic_node_near(t, 400, 0, 1);
    uint32_t m = gops_traffic_approach_mask(t, node, "main"), c = gops_traffic_approach_mask(t, node, "cross");
    // Cross road first, 150 s; the offset puts its start at the run's start (16:00 is 30 s
    // into a 190 s cycle): the main road is red for the first 155 s.
    gops_signal_plan_t plan = {.phase_count = 2, .phases = {{150, 3, 2, c}, {30, 3, 2, m}}, .offset_s = -30};
    gops_error_t err;
    ck_assert_int_eq(gops_traffic_set_signal_plan(t, node, -1, &plan, &err), GOPS_OK);
    for (int k = 0; k < 12; k++) ck_assert_uint_ne(gops_traffic_spawn(t, GOPS_VCLASS_CAR, 0, 0, 20 + k * 25, 10, east), 0);
    for (int step = 0; step < 280; step++) gops_world_step(w); // 140 s
    ck_assert_int_eq(t->signals.state[0], GOPS_SIGNAL_RED);
    gops_traffic_arc_measures_t q;
    gops_traffic_arc_measures(t, 0, &q);
    printf("held at red: queue %.1f m for 12 cars, tti %.2f, index %.1f\n", q.queue_m, q.tti, q.congestion_index);
    // 12 cars at 5 m with jam gaps of about 2 m, from 0.5 m short of the stop line.
    ck_assert_double_gt(q.queue_m, 12 * 5 + 11 * 1.5);
    ck_assert_double_lt(q.queue_m, 12 * 7.2 + 1);
    ck_assert_double_eq(q.vehicles, 12);
    ck_assert_double_eq(q.flow_vph, 0);
    ck_assert_double_gt(q.tti, 1.5);
    ck_assert_double_gt(q.congestion_index, 3);
    // Once green, the queue clears.
    for (int step = 0; step < 120; step++) gops_world_step(w);
    gops_traffic_arc_measures(t, 0, &q);
    ck_assert_double_eq(q.queue_m, 0);
    ck_assert_double_gt(q.flow_vph, 0);
    gops_world_destroy(w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("traffic_measures");
    TCase *tc = tcase_create("measures");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, congestion_index_mapping);
    tcase_add_test(tc, segment_measures);
    tcase_add_test(tc, queue_and_congestion);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
