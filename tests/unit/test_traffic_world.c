// SPDX-License-Identifier: MIT
// Traffic in the world: the Erqi district at the evening peak with demand from the shipped
// profiles (vehicles, taxis, vans, buses, e-bikes, stand-in pedestrians, illegal parking),
// determinism (same seed, same state hash, whatever the thread count, including a fleet
// large enough to split over threads), and the subsystem stepping at its 0.5 s period.
#include "fixture.h"
#include "traffic/lab_maps.h"
#include "traffic/traffic_internal.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>

static gops_world_t *erqi(int threads, uint64_t seed, gops_traffic_t **t, double warm_up_s)
{
    gops_world_def_t def = gops_world_def_default();
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    def.nav_cell_m = 2;
    def.threads = threads;
    def.seed = seed;
    def.start = gops_world_def_default().start + 3600; // 17:00
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_traffic_params_t p = gops_traffic_params_default();
    p.warm_up_s = warm_up_s;
    *t = gops_traffic_attach(w, &p, &err);
    ck_assert_msg(*t != NULL, "%s", err.message);
    return w;
}

START_TEST(evening_peak)
{
    gops_traffic_t *t;
    gops_world_t *w = erqi(1, 1, &t, 600);
    ck_assert_double_eq(t->dt, 0.5);
    for (int k = 0; k < 9000; k++) gops_world_step(w); // 15 minutes of 0.1 s ticks
    ck_assert_double_eq_tol(gops_traffic_time(t), 900, 1e-6);
    gops_traffic_counts_t c;
    gops_traffic_counts(t, &c);
    printf("Erqi 17:00-17:15 (normal mode): %u vehicles in the network, %lu entered, %lu trips done (mean %.0f s), "
           "%u double-parked, %u e-bikes on sidewalks, %.0f lane-min blocked, %lu pedestrians crossed (%lu on red), "
           "%lu buses, index %.1f (%s), tti %.2f\n",
           c.vehicles, (unsigned long)c.vehicles_entered, (unsigned long)c.trips_completed, c.mean_trip_time_s,
           c.double_parked, c.ebikes_on_sidewalks, c.lane_minutes_blocked, (unsigned long)c.pedestrians_crossed,
           (unsigned long)c.pedestrians_on_red, (unsigned long)c.bus_departures, c.congestion_index,
           gops_traffic_congestion_band(c.congestion_index), c.tti);
    fflush(stdout);
    // 3,300 entries/h at 17:00 plus garage departures: about a thousand in 15 minutes.
    ck_assert_uint_gt(c.vehicles_entered, 700);
    ck_assert_uint_lt(c.vehicles_entered, 2000);
    ck_assert_uint_gt(c.vehicles, 100);
    ck_assert_uint_gt(c.trips_completed, 500);
    ck_assert_uint_gt(c.by_class[GOPS_VCLASS_TAXI], 0);
    ck_assert_uint_gt(c.by_class[GOPS_VCLASS_EBIKE], 0);
    ck_assert_uint_gt(c.bus_departures, 5);
    ck_assert_uint_gt(c.bus_stops_served, 0);
    ck_assert_uint_gt(c.pedestrians_crossed, 1000);
    ck_assert_uint_gt(c.ebikes_on_sidewalks, 0);
    ck_assert_double_gt(c.lane_minutes_blocked, 0);
    ck_assert_double_gt(c.congestion_index, 0);
    ck_assert_double_le(c.congestion_index, 10);
    ck_assert_uint_lt(c.removed_stuck, c.trips_completed / 50);
    // Per-arc measures exist for the roads in use.
    double flow = 0;
    for (uint32_t a = 0; a < gops_traffic_arc_count(t); a++) {
        gops_traffic_arc_measures_t m;
        gops_traffic_arc_measures(t, a, &m);
        ck_assert(m.tti >= 0 && m.tti <= 10 && m.congestion_index >= 0 && m.congestion_index <= 10);
        flow += m.flow_vph;
    }
    ck_assert_double_gt(flow, 3000);
    gops_world_destroy(w);
}
END_TEST

static uint64_t erqi_hash(int threads)
{
    gops_traffic_t *t;
    gops_world_t *w = erqi(threads, 5, &t, 0);
    for (int k = 0; k < 3000; k++) gops_world_step(w);
    uint64_t h = gops_world_state_hash(w);
    gops_world_destroy(w);
    return h;
}

START_TEST(erqi_deterministic)
{
    uint64_t a = erqi_hash(1), b = erqi_hash(2), c = erqi_hash(1);
    ck_assert_uint_eq(a, b);
    ck_assert_uint_eq(a, c);
}
END_TEST

// A grid filled with 9,000 cars: three chunks of parallel work per phase.
static uint64_t grid_hash(int threads, uint64_t seed)
{
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 0.5;
    def.nav_cell_m = 5;
    def.threads = threads;
    def.seed = seed;
    gops_error_t err;
    gops_world_t *w = gops_world_create_with_map(&def, gops_lab_grid(8, 8, 200, 2), &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_traffic_params_t p = gops_traffic_params_default();
    p.demand = false;
    p.pedestrian_standin = false;
    p.recycle = true;
    gops_traffic_t *t = gops_traffic_attach(w, &p, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    ck_assert_uint_eq(gops_traffic_fill(t, 9000), 9000);
    for (int k = 0; k < 200; k++) gops_world_step(w);
    ck_assert_uint_gt(gops_traffic_vehicle_count(t), 8500);
    uint64_t h = gops_world_state_hash(w);
    gops_world_destroy(w);
    return h;
}

START_TEST(grid_deterministic_over_threads)
{
    uint64_t a = grid_hash(1, 3), b = grid_hash(3, 3), c = grid_hash(2, 3), d = grid_hash(1, 4);
    ck_assert_uint_eq(a, b);
    ck_assert_uint_eq(a, c);
    ck_assert_uint_ne(a, d); // another seed, another run
}
END_TEST

START_TEST(modes_change_demand)
{
    // Emergency mode cuts demand to 40 % of normal (traffic_vehicles.csv).
    gops_traffic_t *t;
    gops_world_t *w = erqi(1, 9, &t, 0);
    gops_world_set_mode(w, GOPS_MODE_EMERGENCY);
    for (int k = 0; k < 6000; k++) gops_world_step(w);
    gops_traffic_counts_t c;
    gops_traffic_counts(t, &c);
    gops_world_destroy(w);
    w = erqi(1, 9, &t, 0);
    for (int k = 0; k < 6000; k++) gops_world_step(w);
    gops_traffic_counts_t n;
    gops_traffic_counts(t, &n);
    gops_world_destroy(w);
    printf("10 minutes from 17:00: %lu vehicles entered in emergency mode, %lu in normal mode\n",
           (unsigned long)c.vehicles_entered, (unsigned long)n.vehicles_entered);
    ck_assert_double_lt((double)c.vehicles_entered, 0.75 * (double)n.vehicles_entered);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("traffic_world");
    TCase *tc = tcase_create("world");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, evening_peak);
    tcase_add_test(tc, erqi_deterministic);
    tcase_add_test(tc, grid_deterministic_over_threads);
    tcase_add_test(tc, modes_change_demand);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
