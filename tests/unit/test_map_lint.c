// SPDX-License-Identifier: MIT
// Map lint suite: the findings on a clean and a faulty fixture map (tests/data/maps/
// world_clean.geojson, world_faulty.geojson), the thresholds that decide what is a finding,
// and the `gridops map lint` command's exit codes, text and JSON output.
#include "fixture.h"
#include "world/map_lint.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static gops_map_t *load(const char *relative)
{
    gops_error_t err;
    gops_error_clear(&err);
    gops_map_t *m = gops_map_load(gops_test_source_path(relative), &err);
    ck_assert_msg(m != NULL, "cannot load %s: %s", relative, err.message);
    return m;
}

static gops_map_t *load_text(const char *json)
{
    gops_error_t err;
    gops_error_clear(&err);
    gops_map_t *m = gops_map_load_string(json, strlen(json), "inline.geojson", &err);
    ck_assert_msg(m != NULL, "cannot load the inline map: %s", err.message);
    return m;
}

static gops_map_lint_t *lint_of(const gops_map_t *m)
{
    gops_error_t err;
    gops_error_clear(&err);
    gops_map_lint_t *l = gops_map_lint_run(m, NULL, &err);
    ck_assert_msg(l != NULL, "lint failed: %s", err.message);
    return l;
}

static uint32_t count_kind(const gops_map_lint_t *l, gops_lint_kind_t kind)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < l->count; i++) n += l->findings[i].kind == kind;
    return n;
}

static const gops_lint_finding_t *finding_for(const gops_map_lint_t *l, const gops_map_t *m,
                                              gops_lint_kind_t kind, const char *id)
{
    for (uint32_t i = 0; i < l->count; i++) {
        const gops_lint_finding_t *f = &l->findings[i];
        if (f->kind == kind && f->feature >= 0 && m->features[f->feature].id &&
            strcmp(m->features[f->feature].id, id) == 0)
            return f;
    }
    return NULL;
}

// ---- the lint on maps ---------------------------------------------------------------

START_TEST(clean_map)
{
    gops_map_t *m = load("tests/data/maps/world_clean.geojson");
    gops_map_lint_t *l = lint_of(m);
    ck_assert_uint_eq(l->errors, 0);
    ck_assert_uint_eq(l->warnings, 0);
    ck_assert_uint_eq(l->notes, 1);
    ck_assert_int_eq(gops_map_lint_exit_code(l), 0);
    ck_assert_uint_eq(l->walkable_components, 1);
    ck_assert_uint_eq(l->road_components, 1);
    ck_assert_uint_eq(l->road_nodes, 5);
    ck_assert_uint_eq(l->gap_count, 0);
    // The two subdistricts share a 40 m × 340 m strip: listed, not an error.
    const gops_lint_finding_t *ov = finding_for(l, m, GOPS_LINT_OVERLAP, "sub-w");
    ck_assert_ptr_nonnull(ov);
    ck_assert_int_eq(ov->severity, GOPS_LINT_NOTE);
    ck_assert_str_eq(m->features[ov->other].id, "sub-e");
    ck_assert_double_eq_tol(ov->area_m2, 40.0 * 340.0, 0.01 * 40 * 340);
    gops_map_lint_destroy(l);
    gops_map_destroy(m);
}
END_TEST

START_TEST(faulty_map)
{
    gops_map_t *m = load("tests/data/maps/world_faulty.geojson");
    gops_map_lint_t *l = lint_of(m);
    ck_assert_int_eq(gops_map_lint_exit_code(l), 1);
    ck_assert_uint_eq(count_kind(l, GOPS_LINT_GAP), 1);
    ck_assert_uint_eq(count_kind(l, GOPS_LINT_COMPONENT), 3);
    ck_assert_uint_eq(count_kind(l, GOPS_LINT_UNREACHABLE), 2);
    ck_assert_uint_eq(count_kind(l, GOPS_LINT_STRANDED), 1);
    ck_assert_uint_eq(count_kind(l, GOPS_LINT_ROAD_ISOLATED), 2);
    ck_assert_uint_eq(count_kind(l, GOPS_LINT_NO_BOUNDARY), 1);
    ck_assert_uint_eq(count_kind(l, GOPS_LINT_STRAY_JUNCTION), 1);
    ck_assert_uint_eq(count_kind(l, GOPS_LINT_OVERLAP), 0);
    ck_assert_uint_eq(l->errors, 8);
    ck_assert_uint_eq(l->warnings, 3);
    ck_assert_uint_eq(l->count, 11);
    // Grouped by kind.
    for (uint32_t i = 1; i < l->count; i++) ck_assert(l->findings[i - 1].kind <= l->findings[i].kind);
    // The district names nobody for fireworks: every walkable cell and road sample is a gap.
    const gops_lint_finding_t *gap = &l->findings[0];
    ck_assert_int_eq(gap->kind, GOPS_LINT_GAP);
    ck_assert_int_eq(gap->category, GOPS_CAT_FIREWORKS);
    ck_assert_double_eq_tol(gap->cells * l->cell_m * l->cell_m, l->walkable_m2, 1e-9);
    ck_assert_uint_gt(gap->road_points, 0);
    ck_assert_str_eq(m->features[gap->feature].id, "district");
    ck_assert(gap->located);
    ck_assert(gap->lon > 113.66 && gap->lon < 113.67 && gap->lat > 34.75 && gap->lat < 34.76);
    // The island plaza (40 × 40 m less a 10 × 10 m kiosk) with the kiosk's entrance.
    const gops_lint_finding_t *island = finding_for(l, m, GOPS_LINT_COMPONENT, "kiosk-w");
    ck_assert_ptr_nonnull(island);
    ck_assert_double_eq_tol(island->area_m2, 1500, 0.03 * 1500);
    ck_assert_ptr_nonnull(finding_for(l, m, GOPS_LINT_UNREACHABLE, "kiosk-w"));
    const gops_lint_finding_t *metro = finding_for(l, m, GOPS_LINT_UNREACHABLE, "metro-x");
    ck_assert_ptr_nonnull(metro);
    ck_assert_ptr_nonnull(strstr(metro->message, "no walkable cell within 5 m"));
    ck_assert_ptr_nonnull(finding_for(l, m, GOPS_LINT_STRANDED, "vend-far"));
    const gops_lint_finding_t *lonely = finding_for(l, m, GOPS_LINT_ROAD_ISOLATED, "lonely");
    ck_assert_ptr_nonnull(lonely);
    ck_assert_ptr_nonnull(strstr(lonely->message, "meets no other road"));
    ck_assert_ptr_nonnull(finding_for(l, m, GOPS_LINT_ROAD_ISOLATED, "trap"));
    ck_assert_ptr_nonnull(finding_for(l, m, GOPS_LINT_STRAY_JUNCTION, "j-stray"));
    gops_map_lint_destroy(l);
    gops_map_destroy(m);
}
END_TEST

// A plaza 100 × 60 m covered by a "*" zone, no boundary, plus one more plaza of `side` m
// 50 m away (not connected).
static char *plazas_json(double side)
{
    // 1e-5 degrees is about 1.1 m of latitude and 0.9 m of longitude here.
    double lon0 = 113.660, lat0 = 34.750, d = 1e-5;
    char *text = malloc(4096);
    snprintf(text, 4096,
             "{\"type\": \"FeatureCollection\", \"features\": ["
             "{\"type\": \"Feature\", \"properties\": {\"kind\": \"plaza\", \"id\": \"main\"},"
             " \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f]]]}},"
             "{\"type\": \"Feature\", \"properties\": {\"kind\": \"plaza\", \"id\": \"small\"},"
             " \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f]]]}},"
             "{\"type\": \"Feature\", \"properties\": {\"kind\": \"zone\", \"id\": \"all\", \"level\": \"district\","
             " \"responsible\": {\"*\": [\"city_management\"]}},"
             " \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f]]]}}"
             "]}",
             lon0, lat0, lon0 + 110 * d, lat0, lon0 + 110 * d, lat0 + 54 * d, lon0, lat0 + 54 * d, lon0, lat0,
             lon0 + 165 * d, lat0, lon0 + (165 + side / 0.91) * d, lat0, lon0 + (165 + side / 0.91) * d,
             lat0 + side / 1.11 * d, lon0 + 165 * d, lat0 + side / 1.11 * d, lon0 + 165 * d, lat0,
             lon0 - d * 10, lat0 - d * 10, lon0 + d * 400, lat0 - d * 10, lon0 + d * 400, lat0 + d * 200,
             lon0 - d * 10, lat0 + d * 200, lon0 - d * 10, lat0 - d * 10);
    return text;
}

START_TEST(small_islands_are_not_findings)
{
    // A 5 × 5 m island (25 m²) with nothing in it is below the 50 m² threshold; a 10 × 10 m
    // one is reported. A missing boundary is a warning only: exit 0.
    for (int k = 0; k < 2; k++) {
        char *json = plazas_json(k == 0 ? 5 : 10);
        gops_map_t *m = load_text(json);
        free(json);
        gops_map_lint_t *l = lint_of(m);
        ck_assert_uint_eq(l->walkable_components, 2);
        ck_assert_uint_eq(count_kind(l, GOPS_LINT_COMPONENT), (k == 0 ? 0u : 1u));
        ck_assert_uint_eq(count_kind(l, GOPS_LINT_NO_BOUNDARY), 1);
        ck_assert_uint_eq(l->warnings, 1);
        ck_assert_int_eq(gops_map_lint_exit_code(l), k == 0 ? 0 : 1);
        gops_map_lint_destroy(l);
        gops_map_destroy(m);
    }
}
END_TEST

START_TEST(bad_parameters)
{
    gops_map_t *m = load("tests/data/maps/world_clean.geojson");
    gops_map_lint_def_t def = gops_map_lint_def_default();
    def.walkable.cell_m = 0;
    gops_error_t err;
    gops_error_clear(&err);
    ck_assert_ptr_null(gops_map_lint_run(m, &def, &err));
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
    ck_assert_str_eq(gops_lint_kind_name(GOPS_LINT_ROAD_ISOLATED), "road_isolated");
    ck_assert_str_eq(gops_lint_severity_name(GOPS_LINT_NOTE), "note");
    gops_map_destroy(m);
}
END_TEST

// ---- the command --------------------------------------------------------------------

static const char *gridops_bin(void)
{
    static char path[PATH_MAX + 16];
    const char *env = getenv("GOPS_BIN");
    if (env && *env) return env;
    // Run directly from the build tree: the program sits one folder above the tests.
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    ck_assert_int_gt(n, 0);
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    ck_assert_ptr_nonnull(slash);
    *slash = '\0';
    snprintf(path, sizeof path, "%s/../gridops", self);
    return path;
}

// Runs `gridops map lint ARGS`; returns the exit code and (when out is not NULL) stdout.
static int run_lint(const char *args, char **out)
{
    const char *bin = gridops_bin();
    size_t size = strlen(bin) + strlen(args) + 64;
    char *cmd = malloc(size);
    snprintf(cmd, size, "'%s' map lint %s 2>/dev/null", bin, args);
    FILE *p = popen(cmd, "r");
    free(cmd);
    ck_assert_ptr_nonnull(p);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += got;
        if (len + 1 == cap) buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    int status = pclose(p);
    if (out) *out = buf;
    else free(buf);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static char *fixture_arg(const char *name)
{
    char *s = malloc(2048);
    snprintf(s, 2048, "'%s'", gops_test_source_path(name));
    return s;
}

START_TEST(cli_exit_codes)
{
    char *clean = fixture_arg("tests/data/maps/world_clean.geojson");
    char *faulty = fixture_arg("tests/data/maps/world_faulty.geojson");
    char *not_json = fixture_arg("tests/data/maps/bad_not_json.geojson");
    char args[4200];
    ck_assert_int_eq(run_lint(clean, NULL), 0);
    ck_assert_int_eq(run_lint(faulty, NULL), 1);
    ck_assert_int_eq(run_lint(not_json, NULL), 2);
    ck_assert_int_eq(run_lint("/nonexistent/map.geojson", NULL), 2);
    ck_assert_int_eq(run_lint("", NULL), 2);
    snprintf(args, sizeof args, "%s --frobnicate", clean);
    ck_assert_int_eq(run_lint(args, NULL), 2);
    snprintf(args, sizeof args, "%s --cell 0", clean);
    ck_assert_int_eq(run_lint(args, NULL), 2);
    snprintf(args, sizeof args, "%s --cell", clean);
    ck_assert_int_eq(run_lint(args, NULL), 2);
    snprintf(args, sizeof args, "%s %s", clean, faulty);
    ck_assert_int_eq(run_lint(args, NULL), 2);
    ck_assert_int_eq(run_lint("--help", NULL), 0);
    free(clean);
    free(faulty);
    free(not_json);
}
END_TEST

START_TEST(cli_text)
{
    char *clean = fixture_arg("tests/data/maps/world_clean.geojson");
    char *faulty = fixture_arg("tests/data/maps/world_faulty.geojson");
    char *out = NULL;
    ck_assert_int_eq(run_lint(clean, &out), 0);
    ck_assert_ptr_nonnull(strstr(out, "note: overlap: subdistrict zones 'sub-w'"));
    ck_assert_ptr_nonnull(strstr(out, "0 error(s), 0 warning(s), 1 note(s): clean"));
    free(out);
    ck_assert_int_eq(run_lint(faulty, &out), 1);
    ck_assert_ptr_nonnull(strstr(out, "error: gap: no unit is responsible for 'fireworks'"));
    ck_assert_ptr_nonnull(strstr(out, "lon 113.66"));
    ck_assert_ptr_nonnull(strstr(out, "error: unreachable: transit 'metro-x'"));
    ck_assert_ptr_nonnull(strstr(out, "warning: no_boundary"));
    ck_assert_ptr_nonnull(strstr(out, "8 error(s), 3 warning(s), 0 note(s)"));
    free(out);
    free(clean);
    free(faulty);
}
END_TEST

START_TEST(cli_json)
{
    char *faulty = fixture_arg("tests/data/maps/world_faulty.geojson");
    char args[4200];
    snprintf(args, sizeof args, "%s --json --cell 0.5", faulty);
    char *out = NULL;
    ck_assert_int_eq(run_lint(args, &out), 1);
    cJSON *root = cJSON_Parse(out);
    ck_assert_msg(root != NULL, "not JSON: %.200s", out);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(root, "passed")));
    ck_assert_int_eq(cJSON_GetObjectItem(root, "errors")->valueint, 8);
    ck_assert_double_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "walkable"), "cell_m")->valuedouble, 0.5);
    cJSON *findings = cJSON_GetObjectItem(root, "findings");
    ck_assert_int_eq(cJSON_GetArraySize(findings), 11);
    cJSON *first = cJSON_GetArrayItem(findings, 0);
    ck_assert_str_eq(cJSON_GetObjectItem(first, "kind")->valuestring, "gap");
    ck_assert_str_eq(cJSON_GetObjectItem(first, "severity")->valuestring, "error");
    ck_assert_str_eq(cJSON_GetObjectItem(first, "category")->valuestring, "fireworks");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(first, "feature"), "id")->valuestring, "district");
    cJSON *at = cJSON_GetObjectItem(first, "at");
    ck_assert_ptr_nonnull(at);
    double lon = cJSON_GetObjectItem(at, "lon")->valuedouble;
    ck_assert(lon > 113.66 && lon < 113.67);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(root, "gaps")), 1);
    cJSON_Delete(root);
    free(out);
    free(faulty);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("map_lint");
    TCase *tc = tcase_create("lint");
    tcase_add_test(tc, clean_map);
    tcase_add_test(tc, faulty_map);
    tcase_add_test(tc, small_islands_are_not_findings);
    tcase_add_test(tc, bad_parameters);
    suite_add_tcase(s, tc);
    TCase *cli = tcase_create("cli");
    tcase_set_timeout(cli, 120);
    tcase_add_test(cli, cli_exit_codes);
    tcase_add_test(cli, cli_text);
    tcase_add_test(cli, cli_json);
    suite_add_tcase(s, cli);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
