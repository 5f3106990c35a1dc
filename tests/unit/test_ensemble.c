// SPDX-License-Identifier: MIT
// Studies: Student-t intervals against published quantiles, paired differences, the design
// (factorial order, run order, seeds from base seed and replication), study files and their
// errors, run records (identity, staleness), and the tables built from records.
#include "fixture.h"

#include "core/rng.h"
#include "core/version.h"
#include "ensemble/records.h"
#include "ensemble/results.h"
#include "ensemble/stats.h"
#include "ensemble/study.h"
#include "ensemble/study_dir.h"
#include "ensemble/study_report.h"
#include "scenario/study_file.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

// Two-sided 97.5 % quantiles of Student's t (standard tables, e.g. Abramowitz & Stegun 26.10).
#define T975_DF1 12.706204736174698
#define T975_DF2 4.302652729749464
#define T975_DF4 2.7764451051977934

static void assert_close(double actual, double expected, double rel, const char *what)
{
    ck_assert_msg(fabs(actual - expected) <= rel * fmax(1.0, fabs(expected)), "%s: %.15g, expected %.15g", what, actual,
                  expected);
}

// ---------------------------------------------------------------------------------------
// Statistics

START_TEST(test_t_quantiles)
{
    assert_close(gops_student_t_quantile(0.975, 1), T975_DF1, 1e-9, "t(0.975, 1)");
    assert_close(gops_student_t_quantile(0.975, 2), T975_DF2, 1e-9, "t(0.975, 2)");
    assert_close(gops_student_t_quantile(0.975, 4), T975_DF4, 1e-9, "t(0.975, 4)");
    assert_close(gops_student_t_quantile(0.975, 9), 2.2621571627982053, 1e-9, "t(0.975, 9)");
    assert_close(gops_student_t_quantile(0.975, 29), 2.0452296421327034, 1e-9, "t(0.975, 29)");
    assert_close(gops_student_t_quantile(0.95, 10), 1.8124611228107335, 1e-9, "t(0.95, 10)");
    assert_close(gops_student_t_quantile(0.995, 5), 4.032142983557536, 1e-9, "t(0.995, 5)");
    // Towards the normal quantile 1.959964 as df grows.
    assert_close(gops_student_t_quantile(0.975, 1e6), 1.959963984540054, 1e-5, "t(0.975, 1e6)");
    ck_assert(gops_student_t_quantile(0.5, 3) == 0.0);
}
END_TEST

START_TEST(test_stats_mean_sd_ci)
{
    // 1..5: mean 3, sample variance 2.5.
    const double v[] = {1, 2, NAN, 3, 4, 5};
    gops_stats_t s = gops_stats_of(v, 6, 0.95);
    ck_assert_uint_eq(s.n, 5);
    assert_close(s.mean, 3.0, 1e-15, "mean");
    assert_close(s.sd, sqrt(2.5), 1e-14, "sd");
    assert_close(s.half_width, T975_DF4 * sqrt(2.5) / sqrt(5.0), 1e-9, "half width");
    assert_close(s.low, 3.0 - s.half_width, 1e-15, "low");
    assert_close(s.high, 3.0 + s.half_width, 1e-15, "high");
    // A large mean with a small spread keeps its digits (two-pass variance).
    const double big[] = {1e9 + 1, 1e9 + 2, 1e9 + 3};
    gops_stats_t b = gops_stats_of(big, 3, 0.95);
    assert_close(b.sd, 1.0, 1e-9, "sd around 1e9");
    // One value: a mean but no spread; none: nothing.
    const double one[] = {NAN, 7};
    gops_stats_t o = gops_stats_of(one, 2, 0.95);
    ck_assert_uint_eq(o.n, 1);
    ck_assert(o.mean == 7 && isnan(o.sd) && isnan(o.low) && isnan(o.half_width));
    gops_stats_t z = gops_stats_of(one, 1, 0.95);
    ck_assert_uint_eq(z.n, 0);
    ck_assert(isnan(z.mean));
}
END_TEST

START_TEST(test_stats_paired)
{
    // Differences 3, 2, 4 (mean 3, sd 1); the pair with a gap on one side is left out.
    const double a[] = {10, 12, 14, 20};
    const double b[] = {13, 14, 18, NAN};
    gops_stats_t d = gops_stats_paired(a, b, 4, 0.95);
    ck_assert_uint_eq(d.n, 3);
    assert_close(d.mean, 3.0, 1e-15, "mean difference");
    assert_close(d.sd, 1.0, 1e-15, "sd of differences");
    assert_close(d.half_width, T975_DF2 / sqrt(3.0), 1e-9, "half width");
    // The paired interval is much narrower than either sample's own.
    gops_stats_t sa = gops_stats_of(a, 3, 0.95), sb = gops_stats_of(b, 3, 0.95);
    ck_assert(d.half_width < sa.half_width && d.half_width < sb.half_width);
}
END_TEST

// ---------------------------------------------------------------------------------------
// Design

/// A two-factor study built in memory: mode {normal, holiday} x visitors {1000, 2000, 3000}.
static gops_study_t *two_factor_study(uint32_t replications)
{
    gops_study_t *s = gops_study_create();
    gops_error_t err;
    snprintf(s->name, sizeof s->name, "t");
    snprintf(s->scenario_path, sizeof s->scenario_path, "x.lua");
    snprintf(s->scenario_hash, sizeof s->scenario_hash, "0123456789abcdef");
    s->base_seed = 42;
    s->replications = replications;
    ck_assert_int_eq(gops_study_add_factor(s, "mode", &err), GOPS_OK);
    ck_assert_int_eq(gops_study_add_level(s, 0, "normal", &err), GOPS_OK);
    ck_assert_int_eq(gops_study_add_level(s, 0, "holiday", &err), GOPS_OK);
    ck_assert_int_eq(gops_study_add_factor(s, "crowd.visitors", &err), GOPS_OK);
    ck_assert_int_eq(gops_study_add_level(s, 1, "1000", &err), GOPS_OK);
    ck_assert_int_eq(gops_study_add_level(s, 1, "2000", &err), GOPS_OK);
    ck_assert_int_eq(gops_study_add_level(s, 1, "3000", &err), GOPS_OK);
    snprintf(s->kpis[s->kpi_count++], GOPS_STUDY_TEXT_MAX, "response_time_p90_s");
    snprintf(s->sets[s->set_count++], GOPS_STUDY_SET_MAX, "duration=30m");
    snprintf(s->sets[s->set_count++], GOPS_STUDY_SET_MAX, "day=holiday");
    s->compares[s->compare_count++] = (gops_study_compare_t){0, 0, 1};
    ck_assert_int_eq(gops_study_finish(s, &err), GOPS_OK);
    return s;
}

START_TEST(test_full_factorial_and_run_order)
{
    gops_study_t *s = two_factor_study(4);
    ck_assert_uint_eq(s->point_count, 6);
    ck_assert_uint_eq(gops_study_run_count(s), 24);
    // First factor slowest: (normal,1000) (normal,2000) (normal,3000) (holiday,1000) ...
    const uint8_t want[6][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}};
    for (uint32_t p = 0; p < 6; p++) {
        ck_assert_uint_eq(s->points[p][0], want[p][0]);
        ck_assert_uint_eq(s->points[p][1], want[p][1]);
    }
    // Replication-major: run 7 is point 1 of replication 1.
    gops_study_run_t r = gops_study_run(s, 7);
    ck_assert_uint_eq(r.point, 1);
    ck_assert_uint_eq(r.replication, 1);
    ck_assert_uint_eq(gops_study_run_index(s, 1, 1), 7);
    for (uint32_t i = 0; i < 24; i++) {
        gops_study_run_t q = gops_study_run(s, i);
        ck_assert_uint_eq(gops_study_run_index(s, q.point, q.replication), i);
    }
    char label[256];
    gops_study_point_label(s, 5, label, sizeof label);
    ck_assert_str_eq(label, "mode=holiday, crowd.visitors=3000");
    gops_study_destroy(s);
}
END_TEST

START_TEST(test_seeds)
{
    gops_study_t *s = two_factor_study(5);
    // Common seeds: replication r's seed is output r of splitmix64 started at base_seed
    // (stepped here one output at a time), cut to 53 bits, for every design point.
    uint64_t state = 42;
    for (uint32_t rep = 0; rep < 5; rep++) {
        uint64_t want = gops_splitmix64(&state) >> 11;
        for (uint32_t p = 0; p < s->point_count; p++) ck_assert_uint_eq(gops_study_seed(s, p, rep), want);
        ck_assert(want < (UINT64_C(1) << 53));
    }
    ck_assert_uint_ne(gops_study_seed(s, 0, 0), gops_study_seed(s, 0, 1));
    // Independent seeds: output <run index>, so points of one replication differ.
    s->seeds = GOPS_STUDY_SEEDS_INDEPENDENT;
    state = 42;
    uint64_t seq[30];
    for (int i = 0; i < 30; i++) seq[i] = gops_splitmix64(&state) >> 11;
    for (uint32_t i = 0; i < 30; i++) ck_assert_uint_eq(gops_study_run(s, i).seed, seq[i]);
    ck_assert_uint_ne(gops_study_seed(s, 0, 0), gops_study_seed(s, 1, 0));
    // Another base seed, other seeds.
    s->seeds = GOPS_STUDY_SEEDS_COMMON;
    uint64_t before = gops_study_seed(s, 0, 0);
    s->base_seed = 43;
    ck_assert_uint_ne(gops_study_seed(s, 0, 0), before);
    gops_study_destroy(s);
}
END_TEST

START_TEST(test_point_sets)
{
    gops_study_t *s = two_factor_study(1);
    char buf[8][GOPS_STUDY_SET_MAX];
    const char *sets[8];
    uint32_t n = gops_study_point_sets(s, 4, buf, sets, 8);
    ck_assert_uint_eq(n, 4);
    // `day` first (it resets crowd.visitors), then the rest in order.
    ck_assert_str_eq(sets[0], "day=holiday");
    ck_assert_str_eq(sets[1], "duration=30m");
    ck_assert_str_eq(sets[2], "mode=holiday");
    ck_assert_str_eq(sets[3], "crowd.visitors=2000");
    gops_study_destroy(s);
}
END_TEST

START_TEST(test_design_errors)
{
    gops_error_t err;
    gops_study_t *s = two_factor_study(1);
    ck_assert_int_eq(gops_study_add_factor(s, "mode", &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "factor 'mode' is listed twice"));
    ck_assert_int_eq(gops_study_add_level(s, 0, "normal", &err), GOPS_BAD_VALUE);
    gops_study_destroy(s);

    // A listed design whose comparison has no partner point.
    s = gops_study_create();
    snprintf(s->name, sizeof s->name, "t");
    snprintf(s->path, sizeof s->path, "study.lua");
    gops_study_add_factor(s, "mode", &err);
    gops_study_add_level(s, 0, "normal", &err);
    gops_study_add_level(s, 0, "holiday", &err);
    gops_study_add_factor(s, "crowd.visitors", &err);
    gops_study_add_level(s, 1, "1000", &err);
    gops_study_add_level(s, 1, "2000", &err);
    const char *p1[] = {"normal", "1000"}, *p2[] = {"holiday", "2000"}, *bad[] = {"holday", "1000"};
    ck_assert_int_eq(gops_study_add_point(s, p1, &err), GOPS_OK);
    ck_assert_int_eq(gops_study_add_point(s, p2, &err), GOPS_OK);
    ck_assert_int_eq(gops_study_add_point(s, p1, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "design point 3 repeats point 1"));
    ck_assert_int_eq(gops_study_add_point(s, bad, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "mode = holday is not one of the factor's levels"));
    snprintf(s->kpis[s->kpi_count++], GOPS_STUDY_TEXT_MAX, "coverage_5min");
    s->compares[s->compare_count++] = (gops_study_compare_t){0, 0, 1};
    ck_assert_int_eq(gops_study_finish(s, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "study.lua: compare mode normal -> holiday: the design has no pair"));
    ck_assert_uint_eq(s->point_count, 2); // listed: not expanded
    gops_study_destroy(s);

    // KPIs: a text KPI and a name that cannot be one.
    s = two_factor_study(1);
    snprintf(s->kpis[0], GOPS_STUDY_TEXT_MAX, "peak_density_where");
    ck_assert_int_eq(gops_study_finish(s, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "'peak_density_where' is a text KPI"));
    snprintf(s->kpis[0], GOPS_STUDY_TEXT_MAX, "Coverage-5min");
    ck_assert_int_eq(gops_study_finish(s, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "did you mean 'coverage_5min'"));
    gops_study_destroy(s);
}
END_TEST

START_TEST(test_manifest_round_trip)
{
    gops_study_t *s = two_factor_study(3);
    snprintf(s->path, sizeof s->path, "scenarios/x_study.lua");
    char *json = gops_study_manifest_json(s);
    ck_assert_ptr_nonnull(json);
    gops_error_t err;
    gops_study_t *back = gops_study_from_manifest(json, "study.json", &err);
    ck_assert_msg(back != NULL, "%s", err.message);
    char *again = gops_study_manifest_json(back);
    ck_assert_str_eq(again, json); // the same bytes: nothing lost, nothing reordered
    ck_assert_uint_eq(gops_study_run_count(back), 18);
    ck_assert_uint_eq(gops_study_seed(back, 2, 2), gops_study_seed(s, 2, 2));
    ck_assert_ptr_nonnull(strstr(json, "\"base_seed\":\t42"));
    ck_assert_ptr_nonnull(strstr(json, "\"design\":\t\"full\""));
    free(again);
    gops_study_destroy(back);
    // A manifest whose run count disagrees with its design is refused.
    char *p = strstr(json, "\"runs\":\t18");
    ck_assert_ptr_nonnull(p);
    memcpy(p, "\"runs\":\t19", 10);
    ck_assert_ptr_null(gops_study_from_manifest(json, "study.json", &err));
    ck_assert_ptr_nonnull(strstr(err.message, "study.json: not a study manifest"));
    free(json);
    ck_assert_ptr_null(gops_study_from_manifest("[1, 2]", "x.json", &err));
    gops_study_destroy(s);
}
END_TEST

// ---------------------------------------------------------------------------------------
// Study files

static char study_path[1024];

/// Writes a study file (with SCENARIO replaced by the sweep smoke scenario's path).
static const char *study_file(const char *text)
{
    char *dir = gops_test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    snprintf(study_path, sizeof study_path, "%s/study.lua", dir);
    free(dir);
    char full[8192];
    const char *mark = strstr(text, "SCENARIO");
    if (mark)
        snprintf(full, sizeof full, "%.*s%s%s", (int)(mark - text), text,
                 gops_test_source_path("scenarios/validation/sweep_smoke.lua"), mark + 8);
    else
        snprintf(full, sizeof full, "%s", text);
    ck_assert_int_eq(gops_test_write_file(study_path, full), 0);
    return study_path;
}

static const char good_study[] =
    "-- levels may be computed\n"
    "local modes = {}\n"
    "for _, m in ipairs({ \"normal\", \"holiday\" }) do modes[#modes + 1] = m end\n"
    "study {\n"
    "  name = \"smoke study\",\n"
    "  scenario = \"SCENARIO\",\n"
    "  base_seed = 11,\n"
    "  replications = 3,\n"
    "  set = { duration = \"30m\", crowd = { visitors = 1000 } },\n"
    "  factors = { { \"mode\", modes }, { key = \"crowd.time_gap_s\", levels = { 0.5, 1 } } },\n"
    "  kpis = { \"queue_peak\", \"served_share\" },\n"
    "  compare = { { factor = \"mode\", from = \"normal\", to = \"holiday\" } },\n"
    "}\n";

START_TEST(test_study_file)
{
    gops_error_t err;
    gops_study_t *s = gops_study_load(study_file(good_study), NULL, &err);
    ck_assert_msg(s != NULL, "%s", err.message);
    ck_assert_str_eq(s->name, "smoke study");
    ck_assert_uint_eq(s->base_seed, 11);
    ck_assert_uint_eq(s->replications, 3);
    ck_assert_uint_eq(s->factor_count, 2);
    ck_assert_str_eq(s->factors[0].key, "mode");
    ck_assert_str_eq(s->factors[0].levels[1], "holiday");
    ck_assert_str_eq(s->factors[1].levels[0], "0.5");
    ck_assert_str_eq(s->factors[1].levels[1], "1"); // an integer prints without a point
    ck_assert_uint_eq(s->set_count, 2);
    ck_assert_str_eq(s->sets[0], "crowd.visitors=1000"); // nested table flattened, sorted
    ck_assert_str_eq(s->sets[1], "duration=30m");
    ck_assert_uint_eq(s->point_count, 4);
    ck_assert_uint_eq(gops_study_run_count(s), 12);
    ck_assert_uint_eq(s->compare_count, 1);
    ck_assert_uint_eq(s->compares[0].from, 0);
    ck_assert_uint_eq(s->compares[0].to, 1);
    ck_assert_uint_eq(strlen(s->scenario_hash), 16);
    ck_assert_str_eq(s->scenario_path, gops_test_source_path("scenarios/validation/sweep_smoke.lua"));
    char hash[17];
    snprintf(hash, sizeof hash, "%s", s->scenario_hash);
    gops_study_destroy(s);

    // Overrides: more replications, a replaced set; the scenario hash does not change.
    const char *sets[] = {"duration=10m"};
    gops_study_overrides_t ov = {.sets = sets, .set_count = 1, .replications = 5};
    s = gops_study_load(study_path, &ov, &err);
    ck_assert_msg(s != NULL, "%s", err.message);
    ck_assert_uint_eq(s->replications, 5);
    ck_assert_uint_eq(s->set_count, 2);
    ck_assert_str_eq(s->sets[1], "duration=10m");
    ck_assert_str_eq(s->scenario_hash, hash);
    gops_study_destroy(s);

    // A --set may not change a factor.
    const char *factor_set[] = {"mode=emergency"};
    gops_study_overrides_t bad = {.sets = factor_set, .set_count = 1};
    ck_assert_ptr_null(gops_study_load(study_path, &bad, &err));
    ck_assert_int_eq(err.status, GOPS_USAGE);
    ck_assert_ptr_nonnull(strstr(err.message, "'mode' is a factor"));
}
END_TEST

/// Loading `text` fails with a message containing `want`.
static void expect_study_error(const char *text, const char *want)
{
    gops_error_t err;
    gops_study_t *s = gops_study_load(study_file(text), NULL, &err);
    ck_assert_msg(s == NULL, "loaded, expected an error with \"%s\"", want);
    ck_assert_msg(strstr(err.message, want) != NULL, "message \"%s\" lacks \"%s\"", err.message, want);
    ck_assert_int_eq(gops_status_exit_code(err.status), 2);
}

START_TEST(test_study_file_errors)
{
    expect_study_error("study {\n name = \"x\", scenario = \"SCENARIO\",\n replication = 3, kpis = { \"queue_peak\" } }\n",
                       "study.lua:1: study{}: unknown key 'replication' (did you mean 'replications'?)");
    expect_study_error("study { name = \"x\", scenario = \"SCENARIO\", kpis = { \"queue_peak\" },\n"
                       "  factors = { { \"crowd.vistors\", { 1, 2 } } } }\n",
                       "design point 1 (crowd.vistors=1): --set unknown scenario key 'crowd.vistors' (did you mean "
                       "'crowd.visitors'?)");
    expect_study_error("study { name = \"x\", scenario = \"SCENARIO\", kpis = { \"queue_peak\" },\n"
                       "  factors = { { \"mode\", { \"normal\", \"holday\" } } } }\n",
                       "design point 2 (mode=holday): --set mode: unknown mode \"holday\" (did you mean 'holiday'?)");
    expect_study_error("study { name = \"x\", scenario = \"SCENARIO\", kpis = { \"queue_peak\" },\n"
                       "  factors = { { \"seed\", { 1, 2 } } } }\n",
                       "seed cannot be a factor");
    expect_study_error("study { name = \"x\", scenario = \"SCENARIO\", kpis = { \"queue_peak\" }, set = { seed = 3 } }\n",
                       "seed is derived from base_seed");
    expect_study_error("study { name = \"x\", scenario = \"SCENARIO\", kpis = { \"queue_peak\" },\n"
                       "  factors = { { \"mode\", { \"normal\", \"holiday\" } } },\n"
                       "  design = { { \"normal\" }, { \"emergency\" } } }\n",
                       "study.lua:1: study{}: design point 2: mode = emergency is not one of the factor's levels");
    expect_study_error("study { name = \"x\", scenario = \"SCENARIO\", kpis = { \"queue_peak\" }, seeds = \"independent\",\n"
                       "  factors = { { \"mode\", { \"normal\", \"holiday\" } } },\n"
                       "  compare = { { factor = \"mode\", from = \"normal\", to = \"holiday\" } } }\n",
                       "compare needs seeds = \"common\"");
    expect_study_error("study { name = \"x\", scenario = \"SCENARIO\" }\n", "kpis: expected at least one KPI");
    expect_study_error("study { name = \"x\", scenario = \"missing.lua\", kpis = { \"queue_peak\" } }\n",
                       "scenario: cannot read");
    expect_study_error("local f = io.open(\"/etc/passwd\")\n", "'io' is not available");
    expect_study_error("-- nothing declared\n", "no study{...} declared");
}
END_TEST

// ---------------------------------------------------------------------------------------
// Records and tables

/// Writes an "ok" record for `run` with KPI values (NaN = null), built from the study's own
/// identity fields.
static void write_ok_record(const gops_study_t *s, const char *root, uint32_t run, const double *kpi, bool passed)
{
    char *failure = gops_record_failure(s, run, 3, "placeholder");
    cJSON *o = cJSON_Parse(failure);
    free(failure);
    cJSON_DeleteItemFromObject(o, "exit_code");
    cJSON_DeleteItemFromObject(o, "message");
    cJSON_ReplaceItemInObject(o, "status", cJSON_CreateString("ok"));
    cJSON_AddBoolToObject(o, "passed", passed);
    char hash[24];
    snprintf(hash, sizeof hash, "%016x", 0xab00 + run);
    cJSON_AddStringToObject(o, "state_hash", hash);
    cJSON_AddNumberToObject(o, "wall_seconds", 0.25 * (run + 1));
    cJSON *k = cJSON_AddObjectToObject(o, "kpi");
    for (uint32_t i = 0; i < s->kpi_count; i++) {
        if (isnan(kpi[i]))
            cJSON_AddNullToObject(k, s->kpis[i]);
        else
            cJSON_AddNumberToObject(k, s->kpis[i], kpi[i]);
    }
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    gops_error_t err;
    ck_assert_int_eq(gops_record_write(root, run, text, &err), GOPS_OK);
    free(text);
}

/// mode {normal, holiday}, 3 replications, KPIs a and b, compare normal -> holiday.
static gops_study_t *table_study(void)
{
    gops_study_t *s = gops_study_create();
    gops_error_t err;
    snprintf(s->name, sizeof s->name, "tables");
    snprintf(s->scenario_hash, sizeof s->scenario_hash, "0123456789abcdef");
    s->replications = 3;
    gops_study_add_factor(s, "mode", &err);
    gops_study_add_level(s, 0, "normal", &err);
    gops_study_add_level(s, 0, "holiday", &err);
    snprintf(s->kpis[s->kpi_count++], GOPS_STUDY_TEXT_MAX, "a");
    snprintf(s->kpis[s->kpi_count++], GOPS_STUDY_TEXT_MAX, "b");
    s->compares[s->compare_count++] = (gops_study_compare_t){0, 0, 1};
    ck_assert_int_eq(gops_study_finish(s, &err), GOPS_OK);
    return s;
}

START_TEST(test_tables)
{
    gops_study_t *s = table_study();
    char *root = gops_test_tmpdir();
    gops_error_t err;
    ck_assert_int_eq(gops_study_dir_prepare(root, &err), GOPS_OK);
    // Runs go replication-major: run 2r is normal, 2r+1 holiday.
    const double a_normal[3] = {10, 12, 14}, a_holiday[3] = {13, 14, 18};
    for (uint32_t rep = 0; rep < 3; rep++) {
        double kn[2] = {a_normal[rep], 100 + rep}, kh[2] = {a_holiday[rep], rep == 2 ? NAN : 90 + rep};
        write_ok_record(s, root, 2 * rep, kn, true);
        write_ok_record(s, root, 2 * rep + 1, kh, rep != 1);
    }
    gops_study_results_t r;
    ck_assert_int_eq(gops_study_results_read(s, root, &r, &err), GOPS_OK);
    ck_assert_uint_eq(r.ok, 6);
    ck_assert_uint_eq(r.not_passed, 1);
    ck_assert_uint_eq(r.failed + r.missing + r.stale, 0);
    const gops_stats_t *an = gops_study_results_point(&r, 0, 0), *ah = gops_study_results_point(&r, 1, 0);
    assert_close(an->mean, 12, 1e-15, "a at normal");
    assert_close(an->sd, 2, 1e-15, "sd of a at normal");
    assert_close(an->half_width, T975_DF2 * 2 / sqrt(3.0), 1e-9, "CI of a at normal");
    assert_close(ah->mean, 15, 1e-15, "a at holiday");
    const gops_stats_t *bh = gops_study_results_point(&r, 1, 1);
    ck_assert_uint_eq(bh->n, 2); // one null
    assert_close(bh->mean, 90.5, 1e-15, "b at holiday");
    ck_assert_uint_eq(r.diff_count, 1);
    ck_assert_uint_eq(r.diffs[0].from_point, 0);
    ck_assert_uint_eq(r.diffs[0].to_point, 1);
    assert_close(r.diffs[0].kpi[0].mean, 3, 1e-15, "paired difference of a");
    assert_close(r.diffs[0].kpi[0].sd, 1, 1e-15, "sd of the differences");
    assert_close(r.diffs[0].kpi[0].half_width, T975_DF2 / sqrt(3.0), 1e-9, "CI of the difference");
    ck_assert_uint_eq(r.diffs[0].kpi[1].n, 2);
    assert_close(r.diffs[0].kpi[1].mean, -10, 1e-15, "paired difference of b");

    char *runs = gops_study_runs_csv(&r);
    char line[256];
    ck_assert_ptr_nonnull(strstr(runs, "run,point,replication,mode,seed,status,passed,a,b,wall_seconds,state_hash\n"));
    snprintf(line, sizeof line, "\n5,1,2,holiday,%" PRIu64 ",ok,true,18,,1.500,000000000000ab05\n",
             gops_study_seed(s, 1, 2));
    ck_assert_msg(strstr(runs, line) != NULL, "runs.csv lacks %s:\n%s", line, runs);
    snprintf(line, sizeof line, "\n3,1,1,holiday,%" PRIu64 ",ok,false,14,91,1.000,000000000000ab03\n",
             gops_study_seed(s, 1, 1));
    ck_assert_msg(strstr(runs, line) != NULL, "runs.csv lacks %s:\n%s", line, runs);
    free(runs);

    char *summary = gops_study_summary_csv(&r);
    ck_assert_ptr_nonnull(strstr(summary, "kind,point,mode,kpi,n,mean,sd,confidence,ci_low,ci_high,ci_half_width\n"));
    snprintf(line, sizeof line, "point,0,normal,a,3,12,2,0.95,%.10g,%.10g,%.10g\n", 12 - an->half_width,
             12 + an->half_width, an->half_width);
    ck_assert_msg(strstr(summary, line) != NULL, "summary.csv lacks %s:\n%s", line, summary);
    ck_assert_ptr_nonnull(strstr(summary, "paired_difference,,holiday minus normal,a,3,3,1,0.95,"));
    ck_assert_ptr_nonnull(strstr(summary, "paired_difference,,holiday minus normal,b,2,-10,0,0.95,-10,-10,0\n"));
    free(summary);

    char *html = gops_study_report_html(&r);
    ck_assert_ptr_nonnull(html);
    ck_assert_ptr_nonnull(strstr(html, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"kpi-0\""));
    ck_assert_ptr_nonnull(strstr(html, "id=\"kpi-1\""));
    ck_assert_ptr_nonnull(strstr(html, "id=\"diff-0-0\""));
    ck_assert_ptr_nonnull(strstr(html, "id=\"diff-1-0\""));
    ck_assert_ptr_nonnull(strstr(html, "a: mode holiday minus normal (paired, 95 % CI)"));
    ck_assert_ptr_nonnull(strstr(html, "expectation failed")); // run 3 is listed
    ck_assert_ptr_nonnull(strstr(html, "</html>\n"));
    free(html);
    gops_study_results_free(&r);
    free(root);
    gops_study_destroy(s);
}
END_TEST

START_TEST(test_failed_missing_stale)
{
    gops_study_t *s = table_study();
    char *root = gops_test_tmpdir();
    gops_error_t err;
    ck_assert_int_eq(gops_study_dir_prepare(root, &err), GOPS_OK);
    double k[2] = {1, 2};
    write_ok_record(s, root, 0, k, true);
    write_ok_record(s, root, 1, k, true);
    char *failed = gops_record_failure(s, 2, 3, "worker process killed by signal 9 (Killed) before recording the run");
    ck_assert_int_eq(gops_record_write(root, 2, failed, &err), GOPS_OK);
    free(failed);
    // Run 4's record belongs to another scenario hash: stale, to be run again.
    snprintf(s->scenario_hash, sizeof s->scenario_hash, "ffffffffffffffff");
    write_ok_record(s, root, 4, k, true);
    snprintf(s->scenario_hash, sizeof s->scenario_hash, "0123456789abcdef");

    gops_run_row_t row;
    gops_record_read(s, root, 2, &row);
    ck_assert_int_eq(row.state, GOPS_RECORD_FAILED);
    ck_assert_int_eq(row.exit_code, 3);
    ck_assert_ptr_nonnull(strstr(row.message, "killed by signal 9"));
    gops_record_read(s, root, 4, &row);
    ck_assert_int_eq(row.state, GOPS_RECORD_STALE);
    ck_assert_ptr_nonnull(strstr(row.message, "another scenario or map (hash ffffffffffffffff"));
    // Another build's record, another seed's record: stale too.
    snprintf(s->version, sizeof s->version, "0.0.0-other");
    gops_record_read(s, root, 0, &row);
    ck_assert_int_eq(row.state, GOPS_RECORD_STALE);
    ck_assert_ptr_nonnull(strstr(row.message, "another build"));
    snprintf(s->version, sizeof s->version, "%s", gops_version);
    s->base_seed = 5;
    gops_record_read(s, root, 0, &row);
    ck_assert_int_eq(row.state, GOPS_RECORD_STALE);
    s->base_seed = 0;

    gops_study_results_t r;
    ck_assert_int_eq(gops_study_results_read(s, root, &r, &err), GOPS_OK);
    ck_assert_uint_eq(r.ok, 2);
    ck_assert_uint_eq(r.failed, 1);
    ck_assert_uint_eq(r.stale, 1);
    ck_assert_uint_eq(r.missing, 2);
    ck_assert_int_eq(r.worst_failure, 3);
    ck_assert_uint_eq(gops_study_results_point(&r, 0, 0)->n, 1);
    char *runs = gops_study_runs_csv(&r);
    ck_assert_ptr_nonnull(strstr(runs, ",failed,,,,,\n"));
    ck_assert_ptr_nonnull(strstr(runs, ",stale,,,,,\n"));
    ck_assert_ptr_nonnull(strstr(runs, ",missing,,,,,\n"));
    free(runs);
    gops_study_results_free(&r);
    free(root);
    gops_study_destroy(s);
}
END_TEST

START_TEST(test_record_of_a_real_run)
{
    gops_error_t err;
    const char *sets[] = {"duration=20m"};
    gops_study_overrides_t ov = {.sets = sets, .set_count = 1, .replications = 1};
    gops_study_t *s = gops_study_load(study_file(good_study), &ov, &err);
    ck_assert_msg(s != NULL, "%s", err.message);
    char *root = gops_test_tmpdir(), *other = gops_test_tmpdir();
    ck_assert_int_eq(gops_study_dir_prepare(root, &err), GOPS_OK);
    char *text = NULL;
    gops_run_row_t row;
    ck_assert_int_eq(gops_record_run(s, root, 2, 1, NULL, NULL, &text, &row, &err), GOPS_OK);
    ck_assert_int_eq(row.state, GOPS_RECORD_OK);
    ck_assert(row.passed);
    ck_assert_uint_ne(row.state_hash, 0);
    // 20 minutes of at most 8 arrivals a minute at capacity 4 (holiday, point 2).
    ck_assert(row.kpi[0] >= 0 && row.kpi[0] <= 160);
    ck_assert(row.kpi[1] > 0.5 && row.kpi[1] <= 1.0);
    char path[1200];
    gops_study_dir_run_path(root, 2, path, sizeof path);
    strcat(path, "/summary.json");
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    cJSON *rec = cJSON_Parse(text);
    ck_assert_str_eq(cJSON_GetObjectItem(rec, "status")->valuestring, "ok");
    ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(rec, "sets"), 2)->valuestring, "mode=holiday");
    ck_assert_double_eq(cJSON_GetObjectItem(rec, "seed")->valuedouble, (double)gops_study_seed(s, 2, 0));
    cJSON_Delete(rec);
    // The same run elsewhere: the same state hash and KPIs.
    char *again = NULL;
    gops_run_row_t row2;
    ck_assert_int_eq(gops_record_run(s, other, 2, 2, NULL, NULL, &again, &row2, &err), GOPS_OK);
    ck_assert_uint_eq(row2.state_hash, row.state_hash);
    ck_assert(row2.kpi[0] == row.kpi[0] && row2.kpi[1] == row.kpi[1]);
    free(text);
    free(again);
    free(root);
    free(other);
    gops_study_destroy(s);
}
END_TEST

START_TEST(test_failed_run_record)
{
    // A design point the scenario rejects at run time (the hook raises): a "failed" record.
    gops_error_t err;
    char *dir = gops_test_tmpdir();
    char scenario[1100], study[1100], text[2048];
    snprintf(scenario, sizeof scenario, "%s/s.lua", dir);
    ck_assert_int_eq(gops_test_write_file(scenario, "scenario { name = \"f\", start = \"2025-12-31 16:00\", "
                                                    "duration = \"10m\", tick = \"1s\" }\n"
                                                    "every(\"1m\", function() assert(mode() ~= \"emergency\", "
                                                    "\"no emergency here\") set_kpi(\"x\", 1) end)\n"),
                     0);
    snprintf(study, sizeof study, "%s/study.lua", dir);
    snprintf(text, sizeof text, "study { name = \"f\", scenario = \"s.lua\", kpis = { \"x\" }, "
                                "factors = { { \"mode\", { \"normal\", \"emergency\" } } } }\n");
    ck_assert_int_eq(gops_test_write_file(study, text), 0);
    gops_study_t *s = gops_study_load(study, NULL, &err);
    ck_assert_msg(s != NULL, "%s", err.message);
    char *root = gops_test_tmpdir();
    ck_assert_int_eq(gops_study_dir_prepare(root, &err), GOPS_OK);
    char *rec = NULL;
    gops_run_row_t row;
    ck_assert_int_eq(gops_record_run(s, root, 1, 1, NULL, NULL, &rec, &row, &err), GOPS_OK);
    ck_assert_int_eq(row.state, GOPS_RECORD_FAILED);
    ck_assert_int_eq(row.exit_code, 2);
    ck_assert_msg(strstr(row.message, "s.lua:2: no emergency here") != NULL, "%s", row.message);
    free(rec);
    ck_assert_int_eq(gops_record_run(s, root, 0, 1, NULL, NULL, &rec, &row, &err), GOPS_OK);
    ck_assert_int_eq(row.state, GOPS_RECORD_OK);
    ck_assert(row.kpi[0] == 1);
    free(rec);
    free(root);
    free(dir);
    gops_study_destroy(s);
}
END_TEST

START_TEST(test_clean_stale)
{
    char *root = gops_test_tmpdir();
    gops_error_t err;
    ck_assert_int_eq(gops_study_dir_prepare(root, &err), GOPS_OK);
    char path[1200];
    // pid 1 runs and started before a fresh leftover: its writer may be alive, kept.
    snprintf(path, sizeof path, "%s/runs/00001.partial-1", root);
    ck_assert_int_eq(mkdir(path, 0777), 0);
    // The same pid on a leftover older than the system: the pid was reused, removed.
    snprintf(path, sizeof path, "%s/runs/00002.partial-1", root);
    ck_assert_int_eq(mkdir(path, 0777), 0);
    struct timeval old[2] = {{.tv_sec = 1000000}, {.tv_sec = 1000000}};
    ck_assert_int_eq(utimes(path, old), 0);
    // A pid that does not exist (above Linux's pid_max): removed, whatever the name.
    snprintf(path, sizeof path, "%s/runs/00003.json.tmp-somehost-4194305", root);
    ck_assert_int_eq(gops_test_write_file(path, "{"), 0);
    snprintf(path, sizeof path, "%s/runs/00004.old-4194305", root);
    ck_assert_int_eq(mkdir(path, 0777), 0);
    // Not leftovers: kept.
    snprintf(path, sizeof path, "%s/runs/00005", root);
    ck_assert_int_eq(mkdir(path, 0777), 0);
    snprintf(path, sizeof path, "%s/runs/00005.json", root);
    ck_assert_int_eq(gops_test_write_file(path, "{}"), 0);

    ck_assert_uint_eq(gops_study_dir_clean_stale(root), 3);
    struct stat st;
    const char *kept[] = {"00001.partial-1", "00005", "00005.json"};
    const char *gone[] = {"00002.partial-1", "00003.json.tmp-somehost-4194305", "00004.old-4194305"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/runs/%s", root, kept[i]);
        ck_assert_msg(stat(path, &st) == 0, "%s was removed", kept[i]);
        snprintf(path, sizeof path, "%s/runs/%s", root, gone[i]);
        ck_assert_msg(stat(path, &st) != 0, "%s was kept", gone[i]);
    }
    free(root);
}
END_TEST

static Suite *ensemble_suite(void)
{
    Suite *s = suite_create("ensemble");
    TCase *stats = tcase_create("stats");
    tcase_add_test(stats, test_t_quantiles);
    tcase_add_test(stats, test_stats_mean_sd_ci);
    tcase_add_test(stats, test_stats_paired);
    suite_add_tcase(s, stats);
    TCase *design = tcase_create("design");
    tcase_add_test(design, test_full_factorial_and_run_order);
    tcase_add_test(design, test_seeds);
    tcase_add_test(design, test_point_sets);
    tcase_add_test(design, test_design_errors);
    tcase_add_test(design, test_manifest_round_trip);
    suite_add_tcase(s, design);
    TCase *files = tcase_create("study_file");
    tcase_add_test(files, test_study_file);
    tcase_add_test(files, test_study_file_errors);
    suite_add_tcase(s, files);
    TCase *records = tcase_create("records");
    tcase_set_timeout(records, 60);
    tcase_add_test(records, test_tables);
    tcase_add_test(records, test_failed_missing_stale);
    tcase_add_test(records, test_record_of_a_real_run);
    tcase_add_test(records, test_failed_run_record);
    tcase_add_test(records, test_clean_stale);
    suite_add_tcase(s, records);
    return s;
}

int main(void)
{
    return gops_test_run(ensemble_suite());
}
