// SPDX-License-Identifier: MIT
// The scenario host: scenario{} validation and --set overrides, hook timing (at, every, on),
// expectations, and the file:line messages of scenario errors.
#include "fixture.h"

#include "scenario/scenario.h"
#include "scenario/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char path_buf[1024];

/// Writes a scenario to a fresh temporary file and returns its path.
static const char *scenario_file(const char *text)
{
    char *dir = gops_test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    snprintf(path_buf, sizeof path_buf, "%s/s.lua", dir);
    free(dir);
    ck_assert_int_eq(gops_test_write_file(path_buf, text), 0);
    return path_buf;
}

#define HEADER "scenario{ name = \"t\", start = \"2025-12-31 16:00\", duration = \"2h\" }\n"

static gops_status_t run_text(const char *text, gops_run_result_t *r, gops_error_t *err)
{
    gops_run_options_t o = gops_run_options_default();
    o.scenario_path = scenario_file(text);
    o.write_outputs = false;
    o.threads = 1;
    return gops_session_run(&o, r, err);
}

static gops_scenario_t *load(const char *text, const char *const *sets, int n, gops_error_t *err)
{
    return gops_scenario_load(scenario_file(text), sets, n, err);
}

START_TEST(test_definition_fields)
{
    gops_error_t err;
    gops_scenario_t *sc = load("scenario{ name = \"nye\", start = \"2025-12-31 16:00\", finish = \"01:00\",\n"
                               "  seed = 7, mode = \"holiday\", tick = \"0.2s\", map = \"m.geojson\" }\n",
                               NULL, 0, &err);
    ck_assert_msg(sc != NULL, "%s", err.message);
    gops_scenario_def_t *d = gops_scenario_def(sc);
    ck_assert_str_eq(d->name, "nye");
    ck_assert_double_eq(d->duration_s, 9 * 3600); // 16:00 -> 01:00 next day
    ck_assert_uint_eq(d->seed, 7);
    ck_assert_int_eq(d->mode, GOPS_MODE_HOLIDAY);
    ck_assert_double_eq_tol(d->tick_s, 0.2, 1e-12);
    ck_assert_ptr_nonnull(strstr(d->map_path, "/m.geojson")); // relative to the scenario's folder
    gops_scenario_destroy(sc);
}
END_TEST

START_TEST(test_definition_errors)
{
    gops_error_t err;
    ck_assert_ptr_null(load("local x = 1\n", NULL, 0, &err));
    ck_assert_int_eq(err.status, GOPS_SCENARIO);
    ck_assert_ptr_nonnull(strstr(err.message, "no scenario{...} declared"));

    ck_assert_ptr_null(load("scenario{ name = \"t\", start = \"2025-12-31 16:00\", durration = \"2h\" }\n", NULL, 0, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "s.lua:1:"));
    ck_assert_ptr_nonnull(strstr(err.message, "did you mean 'duration'"));

    ck_assert_ptr_null(load("scenario{ name = \"t\", start = \"2025-12-31 16:00\", duration = \"2h\", seed = \"5\" }\n",
                            NULL, 0, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "seed: found a string"));

    ck_assert_ptr_null(load("scenario{ name = \"t\", start = \"2025-12-31 16:00\", duration = \"2h\", seed = -1 }\n",
                            NULL, 0, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "seed: found -1"));

    ck_assert_ptr_null(load("scenario{ name = \"t\", start = \"2025-02-30 16:00\", duration = \"2h\" }\n", NULL, 0, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "2025-02-30"));

    ck_assert_ptr_null(load("scenario{ name = \"t\", start = \"2025-12-31 16:00\", duration = \"2h\", mode = \"holday\" }\n",
                            NULL, 0, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "did you mean 'holiday'"));

    ck_assert_ptr_null(load("scenario{ name = \"t\", start = \"2025-12-31 16:00\" }\n", NULL, 0, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "no duration"));

    ck_assert_ptr_null(load(HEADER HEADER, NULL, 0, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "s.lua:2:"));
    ck_assert_ptr_nonnull(strstr(err.message, "declared twice"));

    ck_assert_ptr_null(load("scenario{ name = \"t\", start = \"2025-12-31 16:00\", duration = \"2h\" \n", NULL, 0, &err));
    ck_assert_int_eq(err.status, GOPS_LUA_SYNTAX);
    ck_assert_ptr_nonnull(strstr(err.message, "s.lua:"));
}
END_TEST

START_TEST(test_set_overrides)
{
    gops_error_t err;
    const char *ok[] = {"seed=99", "mode=emergency", "duration=30m"};
    gops_scenario_t *sc = load(HEADER, ok, 3, &err);
    ck_assert_msg(sc != NULL, "%s", err.message);
    ck_assert_uint_eq(gops_scenario_def(sc)->seed, 99);
    ck_assert_int_eq(gops_scenario_def(sc)->mode, GOPS_MODE_EMERGENCY);
    ck_assert_double_eq(gops_scenario_def(sc)->duration_s, 1800);
    gops_scenario_destroy(sc);

    const char *unknown[] = {"sede=3"};
    ck_assert_ptr_null(load(HEADER, unknown, 1, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "--set unknown scenario key 'sede' (did you mean 'seed'?)"));
    const char *bad[] = {"seed=abc"};
    ck_assert_ptr_null(load(HEADER, bad, 1, &err));
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "seed: found \"abc\""));
    const char *noeq[] = {"seed"};
    ck_assert_ptr_null(load(HEADER, noeq, 1, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "expected key=value"));
}
END_TEST

START_TEST(test_hook_times)
{
    gops_run_result_t r;
    gops_error_t err = {0};
    const char *text = HEADER
        "local n = 0\n"
        "at(\"17:00\", function() set_kpi(\"at_clock\", clock()) end)\n"
        "at(\"2025-12-31 16:30\", function() set_kpi(\"at_datetime\", elapsed()) end)\n"
        "at(\"+90s\", function() set_kpi(\"at_relative\", elapsed()) end)\n"
        "at(\"18:00\", function() set_kpi(\"at_end\", elapsed()) end)\n"
        "every(\"10m\", function() n = n + 1; set_kpi(\"every_count\", n) end)\n"
        "at(\"16:45\", function() at(\"+5m\", function() set_kpi(\"nested\", elapsed()) end) end)\n"
        "expect(\"at_clock\", \"==\", 61200)\n"
        "expect(\"at_datetime\", \"==\", 1800)\n"
        "expect(\"at_relative\", \"==\", 90)\n"
        "expect(\"at_end\", \"==\", 7200)\n"
        "expect(\"every_count\", \"==\", 12)\n"
        "expect(\"nested\", \"==\", 3000)\n";
    ck_assert_int_eq(run_text(text, &r, &err), GOPS_OK);
    ck_assert_msg(r.passed, "%s", r.failures);
    ck_assert_uint_eq(r.expectations, 6);
}
END_TEST

START_TEST(test_clock_time_crosses_midnight)
{
    gops_run_result_t r;
    gops_error_t err = {0};
    const char *text = "scenario{ name = \"nye\", start = \"2025-12-31 23:00\", duration = \"3h\" }\n"
                       "at(\"00:30\", function() set_kpi(\"fired\", elapsed()) end)\n"
                       "expect(\"fired\", \"==\", 5400)\n";
    ck_assert_int_eq(run_text(text, &r, &err), GOPS_OK);
    ck_assert_msg(r.passed, "%s", r.failures);
}
END_TEST

// A run started later than the file says (a quick window, --set start) catches up the at()
// hooks whose time has passed: at the first tick, in the order of their times; later ones
// keep their times, and a clock time is not pushed to the next day.
START_TEST(test_late_start_catches_up)
{
    gops_run_result_t r;
    gops_error_t err = {0};
    const char *text = "scenario{ name = \"late\", start = \"2025-12-31 16:00\", finish = \"01:00\",\n"
                       "          quick = { start = \"2025-12-31 23:50\", finish = \"00:05\" } }\n"
                       "local order = \"\"\n"
                       "at(\"22:30\", function() order = order .. \"c\" end)\n"
                       "at(\"17:00\", function() order = order .. \"a\"; set_mode(\"emergency\") end)\n"
                       "at(\"2025-12-31 20:00\", function() order = order .. \"b\" end)\n"
                       "at(\"+0s\", function() set_kpi(\"caught_up\", #order) end)\n"
                       "at(\"00:00\", function() set_kpi(\"midnight\", elapsed()) end)\n"
                       "every(\"1m\", function() set_kpi(\"abc\", order == \"abc\" and 1 or 0) end)\n"
                       "at(\"+1s\", function() set_kpi(\"emergency\", mode() == \"emergency\" and 1 or 0) end)\n"
                       "expect(\"caught_up\", \"==\", 3, { when = \"quick\" })\n"
                       "expect(\"abc\", \"==\", 1)\n"
                       "expect(\"emergency\", \"==\", 1)\n"
                       "expect(\"midnight\", \"==\", 600, { when = \"quick\" })\n";
    gops_run_options_t o = gops_run_options_default();
    o.scenario_path = scenario_file(text);
    o.write_outputs = false;
    o.threads = 1;
    o.quick = true;
    ck_assert_int_eq(gops_session_run(&o, &r, &err), GOPS_OK);
    ck_assert_msg(r.passed, "%s", r.failures);
    ck_assert_uint_eq(r.expectations, 4);
    // --set start moves it too; a start earlier than the file's changes nothing.
    const char *later[] = {"start=2025-12-31 21:00", "duration=10m"};
    o.quick = false, o.sets = later, o.set_count = 2;
    ck_assert_int_eq(gops_session_run(&o, &r, &err), GOPS_OK);
    ck_assert_msg(!r.passed, "order must be \"ab\" when 22:30 has not passed");
    ck_assert_ptr_nonnull(strstr(r.failures, "abc"));
}
END_TEST

START_TEST(test_on_mode_changed)
{
    gops_run_result_t r;
    gops_error_t err = {0};
    const char *text = HEADER
        "local seen = 0\n"
        "at(\"16:10\", function() set_mode(\"major_event\") end)\n"
        "on(\"mode_changed\", function(ev)\n"
        "  if ev.from == \"normal\" and ev.to == \"major_event\" then seen = seen + 1 end\n"
        "  set_kpi(\"seen\", seen); set_kpi(\"mode_ok\", mode() == \"major_event\" and 1 or 0)\n"
        "end)\n"
        "expect(\"seen\", \"==\", 1)\n"
        "expect(\"mode_ok\", \"==\", 1)\n";
    ck_assert_int_eq(run_text(text, &r, &err), GOPS_OK);
    ck_assert_msg(r.passed, "%s", r.failures);
}
END_TEST

START_TEST(test_expectations)
{
    gops_run_result_t r;
    gops_error_t err = {0};
    const char *text = HEADER
        "at(\"16:00\", function() set_kpi(\"x\", 3) end)\n"
        "expect(\"x\", \"<\", 2)\n"
        "expect(\"x\", \">=\", 3)\n"
        "expect(\"visitors_total\", \">\", 0)\n";
    ck_assert_int_eq(run_text(text, &r, &err), GOPS_OK);
    ck_assert(!r.passed);
    ck_assert_uint_eq(r.expectations, 3);
    ck_assert_uint_eq(r.expectations_failed, 2);
    ck_assert_ptr_nonnull(strstr(r.failures, "s.lua:3: expect x < 2 failed (actual 3)"));
    ck_assert_ptr_nonnull(strstr(r.failures, "visitors_total > 0 failed (actual null: not measured"));

    ck_assert_int_eq(run_text(HEADER "expect(\"vistors_total\", \">\", 0)\n", &r, &err), GOPS_OK);
    ck_assert(!r.passed);
    ck_assert_ptr_nonnull(strstr(r.failures, "never set by set_kpi (did you mean \"visitors_total\"?)"));
    ck_assert_int_eq(run_text(HEADER "expect(\"x\", \"=>\", 0)\n", &r, &err), GOPS_LUA_RUNTIME);
    ck_assert_ptr_nonnull(strstr(err.message, "unknown operator"));
}
END_TEST

START_TEST(test_hook_errors_name_the_hook)
{
    gops_run_result_t r;
    gops_error_t err = {0};
    ck_assert_int_eq(run_text(HEADER "at(\"17:00\", function()\n  local t = nil\n  return t.x\nend)\n", &r, &err),
                     GOPS_LUA_RUNTIME);
    ck_assert_ptr_nonnull(strstr(err.message, "s.lua:4:"));
    ck_assert_ptr_nonnull(strstr(err.message, "at(\"17:00\")"));

    ck_assert_int_eq(run_text("scenario{ name = \"t\", start = \"2025-12-31 16:00\", duration = \"1h\","
                              " lua_instructions = 100000 }\n"
                              "every(\"5m\", function()\n  while true do end\nend)\n", &r, &err),
                     GOPS_LUA_BUDGET);
    ck_assert_ptr_nonnull(strstr(err.message, "instruction budget"));
    ck_assert_ptr_nonnull(strstr(err.message, "every(\"5m\")"));

    ck_assert_int_eq(run_text(HEADER "set_mode(\"holiday\")\n", &r, &err), GOPS_LUA_RUNTIME);
    ck_assert_ptr_nonnull(strstr(err.message, "from a hook"));
    ck_assert_int_eq(run_text(HEADER "at(\"25:00\", function() end)\n", &r, &err), GOPS_LUA_RUNTIME);
    ck_assert_ptr_nonnull(strstr(err.message, "s.lua:2: at: bad time \"25:00\""));
    ck_assert_int_eq(run_text(HEADER "at(\"2025-12-31 15:00\", function() end)\n", &r, &err), GOPS_BAD_TIME);
    ck_assert_ptr_nonnull(strstr(err.message, "before the scenario start"));
    ck_assert_int_eq(run_text(HEADER "on(\"mode_change\", function() end)\n", &r, &err), GOPS_LUA_RUNTIME);
    ck_assert_ptr_nonnull(strstr(err.message, "did you mean \"mode_changed\""));
    ck_assert_int_eq(run_text(HEADER "at(\"17:00\", function() set_mode(\"wartime\") end)\n", &r, &err),
                     GOPS_LUA_RUNTIME);
    ck_assert_ptr_nonnull(strstr(err.message, "unknown mode \"wartime\""));
}
END_TEST

START_TEST(test_random_is_seeded)
{
    const char *text = HEADER "at(\"16:30\", function() set_kpi(\"r\", math.random(1, 1000000)) end)\n";
    gops_run_options_t o = gops_run_options_default();
    o.scenario_path = scenario_file(text);
    o.write_outputs = false;
    gops_run_result_t a, b, c;
    gops_error_t err;
    ck_assert_int_eq(gops_session_run(&o, &a, &err), GOPS_OK);
    ck_assert_int_eq(gops_session_run(&o, &b, &err), GOPS_OK);
    o.has_seed = true;
    o.seed = 12345;
    ck_assert_int_eq(gops_session_run(&o, &c, &err), GOPS_OK);
    ck_assert_uint_eq(a.state_hash, b.state_hash);
    ck_assert_uint_ne(a.state_hash, c.state_hash);
}
END_TEST

START_TEST(test_map_is_loaded)
{
    gops_run_result_t r;
    gops_error_t err = {0};
    char text[2048];
    snprintf(text, sizeof text,
             "scenario{ name = \"m\", start = \"2025-12-31 16:00\", duration = \"1m\", map = \"%s\",\n"
             "  crowd = { warm_start = false } }\n", // the map, not 10,000 pedestrians
             gops_test_source_path("assets/maps/erqi.geojson"));
    ck_assert_int_eq(run_text(text, &r, &err), GOPS_OK);
    snprintf(text, sizeof text,
             "scenario{ name = \"m\", start = \"2025-12-31 16:00\", duration = \"1m\", map = \"missing.geojson\" }\n");
    ck_assert_int_eq(run_text(text, &r, &err), GOPS_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "missing.geojson")); // resolved beside the scenario file
    ck_assert_int_eq(run_text("scenario{ name = \"m\", start = \"2025-12-31 16:00\", duration = \"1m\", nav_cell_m = 50 }\n",
                              &r, &err), GOPS_LUA_RUNTIME);
    ck_assert_ptr_nonnull(strstr(err.message, "nav_cell_m: found \"50\""));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("scenario");
    TCase *tc = tcase_create("scenario");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_definition_fields);
    tcase_add_test(tc, test_definition_errors);
    tcase_add_test(tc, test_set_overrides);
    tcase_add_test(tc, test_hook_times);
    tcase_add_test(tc, test_clock_time_crosses_midnight);
    tcase_add_test(tc, test_late_start_catches_up);
    tcase_add_test(tc, test_on_mode_changed);
    tcase_add_test(tc, test_expectations);
    tcase_add_test(tc, test_hook_errors_name_the_hook);
    tcase_add_test(tc, test_random_is_seeded);
    tcase_add_test(tc, test_map_is_loaded);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
