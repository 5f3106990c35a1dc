// SPDX-License-Identifier: MIT
// Traffic validation scenarios in CI: every scenarios/validation/traffic_*.lua runs through
// the session (road_lab{}, place_vehicles, feed, detectors, road_flow) and must pass all its
// expectations, which hold the published references (VALIDATION.md); each prints its
// measured values. Plus the lab bindings' refusals: wrong keys, a second lab, unknown
// gateways and detectors, with the messages naming what was wrong.
#include "fixture.h"
#include "scenario/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void run_validation(const char *file, uint32_t expectations)
{
    char rel[256];
    snprintf(rel, sizeof rel, "scenarios/validation/%s", file);
    gops_run_options_t o = gops_run_options_default();
    o.scenario_path = gops_test_source_path(rel);
    o.write_outputs = false;
    o.threads = 1;
    gops_run_result_t r;
    gops_error_t err;
    ck_assert_msg(gops_session_run(&o, &r, &err) == GOPS_OK, "%s: %s", file, err.message);
    printf("%s:\n%s", file, r.measured);
    ck_assert_uint_eq(r.expectations, expectations);
    ck_assert_msg(r.passed, "%s failed:\n%s", file, r.failures);
}

START_TEST(ring_capacity_t15) { run_validation("traffic_ring_capacity_t15.lua", 2); }
END_TEST
START_TEST(ring_capacity_t12) { run_validation("traffic_ring_capacity_t12.lua", 2); }
END_TEST
START_TEST(ring_capacity_t10) { run_validation("traffic_ring_capacity_t10.lua", 2); }
END_TEST
START_TEST(saturation_flow) { run_validation("traffic_saturation_flow.lua", 3); }
END_TEST
START_TEST(double_parking) { run_validation("traffic_double_parking.lua", 4); }
END_TEST
START_TEST(closure_detour) { run_validation("traffic_closure_detour.lua", 6); }
END_TEST

// Runs a scenario written to a temporary file; returns the status and the error text.
static gops_status_t run_text(const char *text, gops_error_t *err, gops_run_result_t *r)
{
    char *dir = gops_test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/lab.lua", dir);
    ck_assert_int_eq(gops_test_write_file(path, text), 0);
    gops_run_options_t o = gops_run_options_default();
    o.scenario_path = path;
    o.write_outputs = false;
    o.threads = 1;
    gops_status_t st = gops_session_run(&o, r, err);
    free(dir);
    return st;
}

#define HEAD "scenario { name = 'lab', start = '2025-01-01 10:00', duration = '10s', tick = '0.5s', crowd = false }\n"
#define ROAD "road_lab { roads = { { id = 'r', points = { 0, 0, 500, 0 } } }, gateways = { A = { 0, 0 }, B = { 500, 0 } } }\n"

START_TEST(lab_refusals)
{
    gops_error_t err;
    gops_run_result_t r;
    ck_assert_int_ne(run_text(HEAD "road_lab { roads = { { id = 'r', points = { 0, 0, 500, 0 }, lanez = 2 } } }\n", &err, &r),
                     GOPS_OK);
    ck_assert_msg(strstr(err.message, "road_lab: roads[1]") && strstr(err.message, "lanez") &&
                      strstr(err.message, "lanes"),
                  "%s", err.message);
    ck_assert_int_ne(run_text(HEAD ROAD ROAD, &err, &r), GOPS_OK);
    ck_assert_msg(strstr(err.message, "lab.lua:3:") && strstr(err.message, "a lab is declared already"), "%s", err.message);
    ck_assert_int_ne(run_text(HEAD "road_lab { roads = { { id = 'r', points = { 0, 0 } } } }\n", &err, &r), GOPS_OK);
    ck_assert_msg(strstr(err.message, "expected at least 2 points"), "%s", err.message);
    ck_assert_int_ne(run_text(HEAD "road_lab { roads = { { id = 'r', points = { 0, 0, 9, 0 } }, "
                                   "{ id = 'r', points = { 9, 0, 20, 0 } } } }\n",
                              &err, &r),
                     GOPS_OK);
    ck_assert_msg(strstr(err.message, "id \"r\" is used twice"), "%s", err.message);
    ck_assert_int_ne(run_text(HEAD ROAD "at('+0s', function() feed { from = 'A', to = 'C', keep = 5 } end)\n", &err, &r),
                     GOPS_OK);
    ck_assert_msg(strstr(err.message, "feed: to") && strstr(err.message, "unknown gateway \"C\""), "%s", err.message);
    ck_assert_int_ne(run_text(HEAD ROAD "at('+0s', function() feed { from = { 250, 0 }, to = 'B', keep = 5 } end)\n", &err, &r),
                     GOPS_OK);
    ck_assert_msg(strstr(err.message, "no gateway") && strstr(err.message, "(250.0, 0.0)"), "%s", err.message);
    ck_assert_int_ne(run_text(HEAD ROAD "at('+1s', function() detector_count('x') end)\n", &err, &r), GOPS_OK);
    ck_assert_msg(strstr(err.message, "unknown detector \"x\""), "%s", err.message);
    ck_assert_int_ne(run_text(HEAD ROAD "at('+0s', function() detector('d', 'r', { 100, 0 }); detector('d', 'r', { 200, 0 }) end)\n",
                              &err, &r),
                     GOPS_OK);
    ck_assert_msg(strstr(err.message, "detector \"d\" exists already"), "%s", err.message);
    // A working lab: a car every 2 s from A to B passes a detector at 60 m: the first one
    // (entering at 5 m with 13.9 m/s) after 4 s, then one every 2 s.
    ck_assert_int_eq(run_text(HEAD ROAD
                              "at('+0s', function() feed { from = 'A', to = 'B', per_hour = 1800 }; detector('d', 'r', { 60, 0 }) end)\n"
                              "at('+10s', function() local n, t = detector_count('d'); set_kpi('n', n); set_kpi('t', t or -1);"
                              " set_kpi('same', #detector_times('d') == n and 1 or 0) end)\n"
                              "expect('n', '==', 3) expect('same', '==', 1) expect('t', '>', 7.5) expect('t', '<', 8.5)\n",
                              &err, &r),
                     GOPS_OK);
    ck_assert_msg(r.passed, "%s", r.failures);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("traffic_scenarios");
    TCase *tc = tcase_create("validation");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, ring_capacity_t15);
    tcase_add_test(tc, ring_capacity_t12);
    tcase_add_test(tc, ring_capacity_t10);
    tcase_add_test(tc, saturation_flow);
    tcase_add_test(tc, double_parking);
    tcase_add_test(tc, closure_detour);
    tcase_add_test(tc, lab_refusals);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
