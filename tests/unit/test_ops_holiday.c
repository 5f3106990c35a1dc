// SPDX-License-Identifier: MIT
// A holiday day on the Erqi map (default incident rates, straight-line walking stand-in):
// 17 mobile patrol teams (FACTS.md) against 12, on the same incidents (common random
// numbers: staffing never changes what happens, only how it is answered); the p50/p90
// response times of both are printed. Determinism: the same seed gives the same state hash
// and byte-identical incidents.csv; another seed does not.
#include "fixture.h"
#include "core/simtime.h"
#include "ops/ops_internal.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct outcome {
    double p50, p90, util, coverage, d2a_p90;
    uint32_t incidents;
    uint64_t hash;
    char *csv;
} outcome_t;

static double kpi(gops_world_t *w, const char *name)
{
    gops_kpi_value_t v;
    ck_assert(gops_kpis_get(gops_world_kpis(w), name, &v));
    ck_assert_msg(v.present, "%s absent", name);
    return v.value;
}

/// Runs `hours` of a holiday from midnight with `patrols` mobile patrol teams.
static outcome_t holiday(uint64_t seed, int patrols, double hours)
{
    gops_world_def_t def = gops_world_def_default();
    def.seed = seed;
    def.tick_s = 1.0;
    def.mode = GOPS_MODE_HOLIDAY;
    def.start = gops_time_from_civil(2025, 10, 1, 0, 0, 0);
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_ops_params_t p = gops_ops_params_default();
    int k = -1;
    for (uint32_t i = 0; i < p.kind_count; i++)
        if (strcmp(p.kinds[i].name, "patrol") == 0) k = (int)i;
    ck_assert_int_ge(k, 0);
    ck_assert_int_eq(p.kinds[k].count[GOPS_MODE_HOLIDAY], 17);
    p.kinds[k].count[GOPS_MODE_HOLIDAY] = patrols;
    gops_ops_t *ops = gops_ops_attach(w, &p, &err);
    ck_assert_msg(ops != NULL, "%s", err.message);
    for (long i = 0; i < (long)(hours * 3600); i++) gops_world_step(w);
    outcome_t o = {
        .p50 = kpi(w, "response_time_p50_s"), .p90 = kpi(w, "response_time_p90_s"),
        .util = kpi(w, "team_utilisation"), .coverage = kpi(w, "coverage_5min"),
        .incidents = (uint32_t)kpi(w, "incidents_total"), .hash = gops_world_state_hash(w),
        .csv = gops_ops_incidents_csv(ops),
    };
    char *json = gops_ops_measures_json(ops);
    const char *d = strstr(json, "\"dispatch_to_arrival_p90_s\":");
    ck_assert_ptr_nonnull(d);
    o.d2a_p90 = atof(d + strlen("\"dispatch_to_arrival_p90_s\":"));
    free(json);
    gops_world_destroy(w);
    return o;
}

/// The columns of incidents.csv that describe what happened — id, type, category,
/// priority at occurrence, severity, place and time of occurrence — not how it was answered.
static void what_happened(const char *csv, char *out, size_t size)
{
    static const bool keep[] = {[0] = true, [1] = true, [2] = true, [3] = true, [5] = true, [6] = true,
                                [7] = true, [8] = true, [9] = true, [14] = true};
    size_t n = 0;
    int col = 0;
    for (const char *c = csv; *c && n + 2 < size; c++) {
        if (*c == '\n') {
            out[n++] = '\n';
            col = 0;
            continue;
        }
        if (*c == ',') {
            col++;
            if (col < (int)(sizeof keep / sizeof keep[0]) && keep[col]) out[n++] = ',';
            continue;
        }
        if (col < (int)(sizeof keep / sizeof keep[0]) && keep[col]) out[n++] = *c;
    }
    out[n] = '\0';
}

START_TEST(seventeen_against_twelve_teams)
{
    outcome_t a = holiday(1, 17, 24), b = holiday(1, 12, 24);
    fprintf(stderr,
            "holiday day, Erqi, seed 1, default rates, walking stand-in (straight line × 1.3 at 1.4 m/s):\n"
            "  17 patrol teams: %u incidents, response p50 %.0f s, p90 %.0f s; dispatch→arrival p90 %.0f s; "
            "utilisation %.3f; coverage_5min %.3f\n"
            "  12 patrol teams: %u incidents, response p50 %.0f s, p90 %.0f s; dispatch→arrival p90 %.0f s; "
            "utilisation %.3f; coverage_5min %.3f\n",
            a.incidents, a.p50, a.p90, a.d2a_p90, a.util, a.coverage, b.incidents, b.p50, b.p90, b.d2a_p90, b.util,
            b.coverage);
    // The same incidents happened in both.
    ck_assert_uint_eq(a.incidents, b.incidents);
    ck_assert_uint_gt(a.incidents, 100);
    size_t len = strlen(a.csv) + 1;
    char *wa = malloc(len), *wb = malloc(strlen(b.csv) + 1);
    what_happened(a.csv, wa, len);
    what_happened(b.csv, wb, strlen(b.csv) + 1);
    ck_assert_str_eq(wa, wb);
    // Fewer teams: each is busier and less of the district is within 5 minutes of a free one.
    ck_assert_double_gt(b.util, a.util);
    ck_assert_double_lt(b.coverage, a.coverage);
    ck_assert(a.p90 >= a.p50 && b.p90 >= b.p50);
    free(wa);
    free(wb);
    free(a.csv);
    free(b.csv);
}
END_TEST

START_TEST(same_seed_same_run)
{
    outcome_t a = holiday(5, 17, 3), b = holiday(5, 17, 3), c = holiday(6, 17, 3);
    ck_assert_uint_eq(a.hash, b.hash);
    ck_assert_str_eq(a.csv, b.csv);
    ck_assert_uint_ne(a.hash, c.hash);
    ck_assert_str_ne(a.csv, c.csv);
    free(a.csv);
    free(b.csv);
    free(c.csv);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_holiday");
    TCase *tc = tcase_create("holiday");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, seventeen_against_twelve_teams);
    tcase_add_test(tc, same_seed_same_run);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
