// SPDX-License-Identifier: MIT
// Whole runs: the output folder (summary.json keys, timeseries.csv rows, replacement as a
// whole, nothing left behind on failure) and determinism across runs and thread counts.
#include "fixture.h"

#include "scenario/session.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static gops_run_options_t smoke_options(const char *out)
{
    gops_run_options_t o = gops_run_options_default();
    o.scenario_path = gops_test_source_path("scenarios/smoke.lua");
    o.out_dir = out;
    return o;
}

static cJSON *read_json(const char *path)
{
    char *text = gops_test_read_file(path, NULL);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    cJSON *j = cJSON_Parse(text);
    free(text);
    ck_assert_ptr_nonnull(j);
    return j;
}

START_TEST(test_summary_contract)
{
    char *dir = gops_test_tmpdir(), out[1024], path[1100];
    snprintf(out, sizeof out, "%s/run", dir);
    gops_run_options_t o = smoke_options(out);
    gops_run_result_t r;
    gops_error_t err;
    ck_assert_int_eq(gops_session_run(&o, &r, &err), GOPS_OK);
    ck_assert_msg(r.passed, "%s", r.failures);
    snprintf(path, sizeof path, "%s/summary.json", out);
    cJSON *j = read_json(path);
    static const char *const keys[] = {"scenario", "seed", "version", "start", "end", "sim_seconds", "wall_seconds",
                                       "realtime_factor", "state_hash", "passed", "partial", "expectations", "kpi"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        ck_assert_msg(cJSON_GetObjectItemCaseSensitive(j, keys[i]) != NULL, "summary.json lacks %s", keys[i]);
    ck_assert_str_eq(cJSON_GetObjectItem(j, "scenario")->valuestring, "smoke");
    ck_assert_str_eq(cJSON_GetObjectItem(j, "start")->valuestring, "2025-12-31 16:00:00");
    ck_assert_str_eq(cJSON_GetObjectItem(j, "end")->valuestring, "2025-12-31 18:00:00");
    ck_assert_double_eq(cJSON_GetObjectItem(j, "sim_seconds")->valuedouble, 7200);
    ck_assert_double_eq(cJSON_GetObjectItem(j, "seed")->valuedouble, 2024);
    const char *hash = cJSON_GetObjectItem(j, "state_hash")->valuestring;
    ck_assert_uint_eq(strlen(hash), 16);
    ck_assert_uint_eq(strspn(hash, "0123456789abcdef"), 16);
    char expect_hash[17];
    snprintf(expect_hash, sizeof expect_hash, "%016llx", (unsigned long long)r.state_hash);
    ck_assert_str_eq(hash, expect_hash);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "partial")));
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "passed")));
    cJSON *kpi = cJSON_GetObjectItem(j, "kpi");
    // Subsystems not simulated report null, never a made-up zero.
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(kpi, "visitors_total")));
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(kpi, "response_time_p90_s")));
    ck_assert_double_eq(cJSON_GetObjectItem(kpi, "quarter_hours")->valuedouble, 8);
    cJSON *exps = cJSON_GetObjectItem(j, "expectations");
    ck_assert_int_eq(cJSON_GetArraySize(exps), 5);
    cJSON *e0 = cJSON_GetArrayItem(exps, 0);
    ck_assert_str_eq(cJSON_GetObjectItem(e0, "metric")->valuestring, "quarter_hours");
    ck_assert_str_eq(cJSON_GetObjectItem(e0, "op")->valuestring, "==");
    ck_assert_double_eq(cJSON_GetObjectItem(e0, "actual")->valuedouble, 8);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(e0, "passed")));
    cJSON_Delete(j);

    snprintf(path, sizeof path, "%s/timeseries.csv", out);
    char *csv = gops_test_read_file(path, NULL);
    ck_assert_ptr_nonnull(csv);
    ck_assert(strncmp(csv, "time,elapsed_s,mode,pedestrians_street,", 39) == 0);
    int lines = 0;
    for (char *p = csv; *p; p++) lines += *p == '\n';
    ck_assert_int_eq(lines, 1 + 121); // header + minutes 0..120
    // A row shows the state at its time, before that time's hooks: the 17:00 switch shows
    // from the 17:01 row on.
    ck_assert_ptr_nonnull(strstr(csv, "\n2025-12-31 17:00:00,3600.0,holiday,"));
    ck_assert_ptr_nonnull(strstr(csv, "\n2025-12-31 17:01:00,3660.0,emergency,"));
    free(csv);
    free(dir);
}
END_TEST

START_TEST(test_rerun_replaces_folder)
{
    char *dir = gops_test_tmpdir(), out[1024], path[1100];
    snprintf(out, sizeof out, "%s/run", dir);
    gops_run_options_t o = smoke_options(out);
    gops_run_result_t r;
    gops_error_t err;
    ck_assert_int_eq(gops_session_run(&o, &r, &err), GOPS_OK);
    snprintf(path, sizeof path, "%s/stale.txt", out);
    ck_assert_int_eq(gops_test_write_file(path, "from an older run"), 0);
    ck_assert_int_eq(gops_session_run(&o, &r, &err), GOPS_OK);
    ck_assert_int_ne(access(path, F_OK), 0); // the folder was replaced whole

    // A run that fails leaves the previous outputs untouched and no staging folder behind.
    snprintf(path, sizeof path, "%s/bad.lua", dir);
    ck_assert_int_eq(gops_test_write_file(path, "scenario{ name = \"b\", start = \"2025-12-31 16:00\", duration = \"1h\" }\n"
                                                "at(\"16:30\", function() error(\"boom\") end)\n"), 0);
    o.scenario_path = path;
    ck_assert_int_eq(gops_session_run(&o, &r, &err), GOPS_LUA_RUNTIME);
    ck_assert_ptr_nonnull(strstr(err.message, "boom"));
    snprintf(path, sizeof path, "%s/summary.json", out);
    cJSON *j = read_json(path);
    ck_assert_str_eq(cJSON_GetObjectItem(j, "scenario")->valuestring, "smoke");
    cJSON_Delete(j);
    char listing[1200];
    snprintf(listing, sizeof listing, "ls -a %s | grep -c partial", dir);
    FILE *p = popen(listing, "r");
    int count = -1;
    ck_assert_int_eq(fscanf(p, "%d", &count), 1);
    pclose(p);
    ck_assert_int_eq(count, 0);
    free(dir);
}
END_TEST

START_TEST(test_unwritable_output_fails_before_running)
{
    gops_run_options_t o = smoke_options("/proc/gridops-cannot-write-here/run");
    gops_run_result_t r;
    gops_error_t err;
    ck_assert_int_eq(gops_session_run(&o, &r, &err), GOPS_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "/proc/gridops-cannot-write-here"));
    ck_assert_double_eq(r.sim_seconds, 0); // nothing was simulated
}
END_TEST

START_TEST(test_same_hash_any_thread_count)
{
    gops_run_options_t o = smoke_options(NULL);
    o.write_outputs = false;
    gops_run_result_t r1, r2, r1b;
    gops_error_t err;
    o.threads = 1;
    ck_assert_int_eq(gops_session_run(&o, &r1, &err), GOPS_OK);
    ck_assert_int_eq(gops_session_run(&o, &r1b, &err), GOPS_OK);
    o.threads = 2;
    ck_assert_int_eq(gops_session_run(&o, &r2, &err), GOPS_OK);
    ck_assert_uint_eq(r1.state_hash, r1b.state_hash);
    ck_assert_uint_eq(r1.state_hash, r2.state_hash);
}
END_TEST

static bool stop_after_ten_minutes(const gops_world_t *world, void *user)
{
    (*(int *)user)++;
    return gops_world_elapsed(world) < 600.0 - 1e-9;
}

START_TEST(test_stopped_run_is_partial)
{
    char *dir = gops_test_tmpdir(), out[1024], path[1100];
    snprintf(out, sizeof out, "%s/run", dir);
    gops_run_options_t o = smoke_options(out);
    int calls = 0;
    o.on_tick = stop_after_ten_minutes;
    o.on_tick_user = &calls;
    gops_run_result_t r;
    gops_error_t err;
    ck_assert_int_eq(gops_session_run(&o, &r, &err), GOPS_OK);
    ck_assert_int_eq(calls, 6000); // called after every 0.1 s tick up to 10 minutes
    ck_assert(r.partial);
    ck_assert(!r.passed);
    snprintf(path, sizeof path, "%s/summary.json", out);
    cJSON *j = read_json(path);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "partial")));
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "passed")));
    ck_assert_str_eq(cJSON_GetObjectItem(j, "end")->valuestring, "2025-12-31 16:10:00");
    cJSON_Delete(j);
    free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("session");
    TCase *tc = tcase_create("session");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_summary_contract);
    tcase_add_test(tc, test_rerun_replaces_folder);
    tcase_add_test(tc, test_unwritable_output_fails_before_running);
    tcase_add_test(tc, test_same_hash_any_thread_count);
    tcase_add_test(tc, test_stopped_run_is_partial);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
