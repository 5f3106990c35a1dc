// SPDX-License-Identifier: MIT
// World lifecycle: definition checks, fixed ticks and sub-rates, queued mode switches and
// their events, the state hash, KPI storage.
#include "fixture.h"

#include "core/simtime.h"
#include "world/world_internal.h"

#include <string.h>

static gops_world_t *make_world(uint64_t seed)
{
    gops_world_def_t def = gops_world_def_default();
    def.seed = seed;
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_ptr_nonnull(w);
    return w;
}

START_TEST(test_bad_definitions)
{
    gops_error_t err;
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 0;
    ck_assert_ptr_null(gops_world_create(&def, &err));
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "tick length"));
    def = gops_world_def_default();
    def.threads = 0;
    ck_assert_ptr_null(gops_world_create(&def, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "thread count 0"));
    def = gops_world_def_default();
    def.mode = GOPS_MODE_COUNT;
    ck_assert_ptr_null(gops_world_create(&def, &err));
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
}
END_TEST

START_TEST(test_clock_advances)
{
    gops_world_t *w = make_world(1);
    gops_local_time_t start = gops_time_from_civil(2025, 12, 31, 16, 0, 0);
    ck_assert_int_eq(gops_world_time(w), start);
    for (int i = 0; i < 600; i++) gops_world_step(w);
    ck_assert_uint_eq(gops_world_tick(w), 600);
    ck_assert_double_eq_tol(gops_world_elapsed(w), 60.0, 1e-9);
    ck_assert_int_eq(gops_world_time(w), start + 60);
    char buf[32];
    gops_time_format(gops_world_time(w), buf, sizeof buf);
    ck_assert_str_eq(buf, "2025-12-31 16:01:00");
    gops_world_destroy(w);
}
END_TEST

typedef struct counter {
    int steps;
    double last_dt;
    uint64_t ticks_seen[8];
} counter_t;

static void count_step(gops_world_t *w, void *state, double dt)
{
    counter_t *c = state;
    if (c->steps < 8) c->ticks_seen[c->steps] = gops_world_tick(w);
    c->steps++;
    c->last_dt = dt;
}

static void count_hash(const gops_world_t *w, const void *state, gops_hash_t *h)
{
    (void)w;
    gops_hash_u64(h, (uint64_t)((const counter_t *)state)->steps);
}

START_TEST(test_subsystem_sub_rate)
{
    gops_world_t *w = make_world(1);
    counter_t every_tick = {0}, every_second = {0};
    ck_assert_int_eq(gops_world_add_subsystem(w, "fast", 0.1, &every_tick, count_step, count_hash, NULL), GOPS_OK);
    ck_assert_int_eq(gops_world_add_subsystem(w, "slow", 1.0, &every_second, count_step, count_hash, NULL), GOPS_OK);
    for (int i = 0; i < 35; i++) gops_world_step(w);
    ck_assert_int_eq(every_tick.steps, 35);
    ck_assert_int_eq(every_second.steps, 4); // ticks 0, 10, 20, 30
    ck_assert_uint_eq(every_second.ticks_seen[1], 10);
    ck_assert_uint_eq(every_second.ticks_seen[3], 30);
    ck_assert_double_eq_tol(every_second.last_dt, 1.0, 1e-12);
    ck_assert_double_eq_tol(every_tick.last_dt, 0.1, 1e-12);
    gops_world_destroy(w);
}
END_TEST

START_TEST(test_mode_switch_is_queued)
{
    gops_world_t *w = make_world(1);
    gops_world_set_mode(w, GOPS_MODE_EMERGENCY);
    ck_assert_int_eq(gops_world_mode(w), GOPS_MODE_NORMAL); // not before the next tick
    gops_world_step(w);
    ck_assert_int_eq(gops_world_mode(w), GOPS_MODE_EMERGENCY);
    uint32_t n;
    const gops_event_t *ev = gops_world_events(w, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(ev[0].type, GOPS_EVENT_MODE_CHANGED);
    ck_assert_int_eq(ev[0].a, GOPS_MODE_NORMAL);
    ck_assert_int_eq(ev[0].b, GOPS_MODE_EMERGENCY);
    gops_world_step(w);
    gops_world_events(w, &n);
    ck_assert_uint_eq(n, 0); // events live for one tick
    gops_world_set_mode(w, GOPS_MODE_EMERGENCY);
    gops_world_step(w);
    gops_world_events(w, &n);
    ck_assert_uint_eq(n, 0); // no event when nothing changes
    gops_world_destroy(w);
}
END_TEST

START_TEST(test_mode_names)
{
    ck_assert_str_eq(gops_mode_name(GOPS_MODE_MAJOR_EVENT), "major_event");
    ck_assert_int_eq(gops_mode_from_name("holiday"), GOPS_MODE_HOLIDAY);
    ck_assert_int_eq(gops_mode_from_name("Holiday"), -1);
    ck_assert_int_eq(gops_event_from_name("mode_changed"), GOPS_EVENT_MODE_CHANGED);
    ck_assert_int_eq(gops_event_from_name("nope"), -1);
}
END_TEST

START_TEST(test_state_hash)
{
    gops_world_t *a = make_world(5), *b = make_world(5), *c = make_world(6);
    ck_assert_uint_eq(gops_world_state_hash(a), gops_world_state_hash(b));
    ck_assert_uint_ne(gops_world_state_hash(a), gops_world_state_hash(c)); // streams differ
    uint64_t before = gops_world_state_hash(a);
    gops_world_step(a);
    ck_assert_uint_ne(before, gops_world_state_hash(a));
    gops_world_step(b);
    ck_assert_uint_eq(gops_world_state_hash(a), gops_world_state_hash(b));
    gops_rng_next(gops_world_rng(b, GOPS_STREAM_SCENARIO));
    ck_assert_uint_ne(gops_world_state_hash(a), gops_world_state_hash(b));
    gops_error_t err;
    ck_assert_int_eq(gops_kpis_set_custom(gops_world_kpis(a), "x", 1.0, &err), GOPS_OK);
    ck_assert_uint_ne(gops_world_state_hash(a), before);
    gops_world_destroy(a);
    gops_world_destroy(b);
    gops_world_destroy(c);
}
END_TEST

START_TEST(test_kpis)
{
    gops_kpis_t k;
    gops_kpis_init(&k);
    gops_kpi_value_t v;
    ck_assert(gops_kpis_get(&k, "visitors_total", &v));
    ck_assert(!v.present);
    gops_kpis_set(&k, GOPS_KPI_VISITORS_TOTAL, 295000);
    ck_assert(gops_kpis_get(&k, "visitors_total", &v));
    ck_assert(v.present);
    ck_assert_double_eq(v.value, 295000);
    ck_assert(!gops_kpis_get(&k, "visitor_total", &v));
    ck_assert_str_eq(gops_kpis_nearest(&k, "visitor_total"), "visitors_total");
    gops_error_t err;
    ck_assert_int_eq(gops_kpis_set_custom(&k, "Bad-Name", 1, &err), GOPS_BAD_VALUE);
    ck_assert_int_eq(gops_kpis_set_custom(&k, "visitors_total", 1, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "measured by gridops"));
    ck_assert_int_eq(gops_kpis_set_custom(&k, "queue_len", 3, &err), GOPS_OK);
    ck_assert_int_eq(gops_kpis_set_custom(&k, "queue_len", 4, &err), GOPS_OK);
    ck_assert_uint_eq(k.custom_count, 1);
    ck_assert(gops_kpis_get(&k, "queue_len", &v));
    ck_assert_double_eq(v.value, 4);
    ck_assert_int_eq(gops_kpi_from_name("coverage_5min"), GOPS_KPI_COVERAGE_5MIN);
}
END_TEST

START_TEST(test_world_on_a_map)
{
    gops_world_def_t def = gops_world_def_default();
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    const gops_district_t *d = gops_world_district(w);
    ck_assert_ptr_nonnull(d);
    // The raster matches `gridops map info`'s 144,522 m² at 1 m cells.
    ck_assert_double_eq_tol(gops_walkable_area_m2(d->walk), 144522, 1);
    ck_assert_uint_eq(d->walk->component_count, 1);
    ck_assert_uint_gt(d->roads->node_count, 0);
    // The tower plaza lies in the Erqi district; a category has a responsible unit there.
    gops_responsibility_t r = gops_zone_index_responsible(d->zones, (gops_point_t){0, 0}, GOPS_CAT_CROWD);
    ck_assert_uint_ne(r.units, 0);
    ck_assert_int_ge(r.primary_zone, 0);
    gops_world_t *plain = make_world(1);
    ck_assert_uint_ne(gops_world_state_hash(w), gops_world_state_hash(plain)); // the map is part of the state
    gops_world_destroy(plain);
    gops_world_destroy(w);

    def.map_path = gops_test_source_path("tests/data/maps/no_such_map.geojson");
    ck_assert_ptr_null(gops_world_create(&def, &err));
    ck_assert_int_eq(err.status, GOPS_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "no_such_map.geojson"));
    def.map_path = NULL;
    def.nav_cell_m = 0.01;
    ck_assert_ptr_null(gops_world_create(&def, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "navigation cell"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("world");
    TCase *tc = tcase_create("world");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_bad_definitions);
    tcase_add_test(tc, test_clock_advances);
    tcase_add_test(tc, test_subsystem_sub_rate);
    tcase_add_test(tc, test_mode_switch_is_queued);
    tcase_add_test(tc, test_mode_names);
    tcase_add_test(tc, test_state_hash);
    tcase_add_test(tc, test_kpis);
    tcase_add_test(tc, test_world_on_a_map);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
