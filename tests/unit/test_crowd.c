// SPDX-License-Identifier: MIT
// The crowd subsystem as a whole: lab exits remove and count pedestrians, visitors flow
// through the district with every visitor accounted for, and results are identical for
// one and two threads.
#include "fixture.h"

#include "crowd/crowd.h"
#include "world/map_build.h"
#include "core/simtime.h"
#include "world/world_internal.h"

#include <math.h>
#include <string.h>

static gops_world_t *lab_world(int threads)
{
    gops_error_t err;
    gops_map_t *m = gops_map_new("lab");
    ck_assert_int_ge(gops_map_add_rect(m, GOPS_FEAT_PLAZA, "room", 0, 0, 20, 10, &err), 0);
    ck_assert_int_eq(gops_map_finish(m, &err), GOPS_OK);
    gops_world_def_t def = gops_world_def_default();
    def.nav_cell_m = 0.1;
    def.threads = threads;
    gops_world_t *w = gops_world_create_with_map(&def, m, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_crowd_params_t p = gops_crowd_params_default(GOPS_DAY_WEEKDAY);
    p.visitors = false;
    p.arrive_radius_m = 0.2f;
    ck_assert_msg(gops_crowd_attach(w, &p, &err) != NULL, "%s", err.message);
    return w;
}

static gops_polygon_t rect_polygon(gops_path_t *ring, gops_point_t pts[4], double x0, double y0, double x1, double y1)
{
    pts[0] = (gops_point_t){x0, y0}, pts[1] = (gops_point_t){x1, y0};
    pts[2] = (gops_point_t){x1, y1}, pts[3] = (gops_point_t){x0, y1};
    *ring = (gops_path_t){pts, 4};
    return (gops_polygon_t){ring, 1};
}

START_TEST(test_lab_exit_counts_and_removes)
{
    gops_world_t *w = lab_world(1);
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    gops_path_t ring;
    gops_point_t pts[4];
    gops_polygon_t area = rect_polygon(&ring, pts, 19.5, 0, 20, 10);
    uint16_t exit;
    ck_assert_int_eq(gops_crowd_add_exit(c, "east", &area, &exit, &err), GOPS_OK);
    ck_assert_uint_eq(gops_crowd_find_exit(c, "east"), exit);
    ck_assert_int_eq(gops_crowd_add_exit(c, "east", &area, &exit, &err), GOPS_BAD_VALUE); // twice
    for (int k = 0; k < 10; k++) {
        gops_spawn_t s = {.at_s = k, .x = 1.0f, .y = 1.0f + (float)k * 0.8f, .v0 = 1.0f, .radius = 0.2f, .dest = exit};
        ck_assert_int_eq(gops_crowd_spawn(c, &s, &err), GOPS_OK);
    }
    gops_spawn_t bad = {.x = 50, .y = 50, .v0 = 1, .radius = 0.2f, .dest = exit};
    ck_assert_int_eq(gops_crowd_spawn(c, &bad, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "not walkable"));
    for (int t = 0; t < 400; t++) gops_world_step(w); // 40 s: the last starts at 9 s, walks ~18.3 m
    double last;
    ck_assert_uint_eq(gops_crowd_exit_count(c, exit, &last), 10);
    ck_assert_uint_eq(gops_crowd_pedestrians(w)->count, 0);
    ck_assert(last > 18.0 && last < 30.0);
    ck_assert_uint_eq(gops_crowd_stats(c)->wall_violations, 0);
    gops_world_destroy(w);
}
END_TEST

/// A district hour: arrivals, stays and departures with every visitor accounted for.
static gops_world_t *district_world(int threads, uint64_t seed)
{
    gops_world_def_t def = gops_world_def_default();
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    def.threads = threads;
    def.seed = seed;
    def.start = gops_time_from_civil(2025, 10, 2, 17, 0, 0);
    def.tick_s = 0.2; // coarser ticks keep the sanitizer build quick
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_crowd_params_t p = gops_crowd_params_default(GOPS_DAY_HOLIDAY);
    p.demand.daily_visitors = 40000; // a tenth of a holiday keeps the test small
    ck_assert_msg(gops_crowd_attach(w, &p, &err) != NULL, "%s", err.message);
    return w;
}

START_TEST(test_district_visitors_accounted_for)
{
    gops_world_t *w = district_world(1, 5);
    gops_crowd_t *c = gops_world_crowd(w);
    for (int t = 0; t < 600; t++) gops_world_step(w); // 2 minutes
    gops_demand_counts_t n;
    gops_demand_counts(gops_crowd_demand(c), &n);
    ck_assert_uint_gt(n.arrived, 20);
    uint32_t on_foot = n.in_state[GOPS_VISITOR_WALKING] + n.in_state[GOPS_VISITOR_QUEUED] +
                       n.in_state[GOPS_VISITOR_LINGERING];
    // Everyone who arrived is on foot (as a pedestrian), inside, or gone.
    ck_assert_uint_eq(n.arrived, (uint64_t)on_foot + n.in_state[GOPS_VISITOR_INSIDE] + n.left);
    ck_assert_uint_le(gops_crowd_pedestrians(w)->count, on_foot);
    ck_assert_uint_eq(gops_crowd_stats(c)->wall_violations, 0);
    gops_kpi_value_t v;
    ck_assert(gops_kpis_get(gops_world_kpis(w), "visitors_total", &v) && v.present);
    ck_assert_double_eq(v.value, (double)n.arrived);
    gops_world_destroy(w);
}
END_TEST

// Eight people standing in one 2 m cell of the room: after the first 10 s window the run's
// peak is that cell, 8 / 4 m² = 2 persons/m², placed at its centre (the lab's room is no
// named area of a district's: "elsewhere").
START_TEST(test_peak_density_where_and_at)
{
    gops_world_t *w = lab_world(1);
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    for (int k = 0; k < 8; k++) {
        gops_spawn_t s = {.x = 4.3f + 0.5f * (float)(k % 4), .y = 4.5f + (float)(k / 4), .v0 = 1, .radius = 0.2f,
                          .dest = GOPS_NO_DEST};
        ck_assert_int_eq(gops_crowd_spawn(c, &s, &err), GOPS_OK);
    }
    for (int t = 0; t < 110; t++) gops_world_step(w); // 11 s
    const gops_kpis_t *k = gops_world_kpis(w);
    ck_assert_double_eq_tol(k->value[GOPS_KPI_PEAK_DENSITY_PPM2].value, 2.0, 1e-12);
    ck_assert_str_eq(k->text[GOPS_KPI_PEAK_DENSITY_WHERE], "elsewhere");
    ck_assert(k->value[GOPS_KPI_PEAK_DENSITY_X_M].present && k->value[GOPS_KPI_PEAK_DENSITY_Y_M].present);
    ck_assert_double_eq_tol(k->value[GOPS_KPI_PEAK_DENSITY_X_M].value, 5.0, 1e-9);
    ck_assert_double_eq_tol(k->value[GOPS_KPI_PEAK_DENSITY_Y_M].value, 5.0, 1e-9);
    gops_world_destroy(w);
}
END_TEST

START_TEST(test_same_state_for_one_and_two_threads)
{
    gops_world_t *a = district_world(1, 9), *b = district_world(2, 9);
    for (int t = 0; t < 300; t++) {
        gops_world_step(a);
        gops_world_step(b);
    }
    ck_assert_uint_gt(gops_crowd_pedestrians(a)->count, 10);
    ck_assert_uint_eq(gops_world_state_hash(a), gops_world_state_hash(b));
    gops_world_destroy(a);
    gops_world_destroy(b);
}
END_TEST

START_TEST(test_crowd_needs_a_map)
{
    gops_world_def_t def = gops_world_def_default();
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    gops_crowd_params_t p = gops_crowd_params_default(GOPS_DAY_WEEKDAY);
    ck_assert_ptr_null(gops_crowd_attach(w, &p, &err));
    ck_assert_int_eq(err.status, GOPS_SCENARIO);
    ck_assert_ptr_null(gops_crowd_pedestrians(w));
    gops_world_destroy(w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crowd");
    TCase *tc = tcase_create("crowd");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_lab_exit_counts_and_removes);
    tcase_add_test(tc, test_district_visitors_accounted_for);
    tcase_add_test(tc, test_peak_density_where_and_at);
    tcase_add_test(tc, test_same_state_for_one_and_two_threads);
    tcase_add_test(tc, test_crowd_needs_a_map);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
