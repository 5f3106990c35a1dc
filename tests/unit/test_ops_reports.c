// SPDX-License-Identifier: MIT
// Reports about incidents that already exist (gops_ops_report_detected, the path merchants'
// and citizens' reports from the vendors model take): the centre detects the incident at
// the report's time through the report channel, never before it happens; the measures
// count it under that channel with its latency; an earlier detection keeps its channel; a
// cleared incident stays cleared; bad ids, channels and times are refused.
#include "fixture.h"

#include "ops/ops.h"
#include "world/world_internal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct fix {
    gops_world_t *world;
    gops_ops_t *ops;
} fix_t;

/// A world without a map, 1 s ticks, operations without generated incidents and with every
/// way of noticing a dispute switched off: only a report (or an injected channel) finds one.
/// `self_clear_s` > 0 lets an unseen dispute go away by itself after about that long.
static fix_t fixture(double self_clear_s)
{
    gops_world_def_t def = gops_world_def_default();
    def.seed = 3;
    def.tick_s = 1.0;
    gops_error_t err;
    fix_t f;
    f.world = gops_world_create(&def, &err);
    ck_assert_msg(f.world != NULL, "%s", err.message);
    gops_ops_params_t p = gops_ops_params_default();
    p.generate = false;
    p.sensing.reports = false;
    gops_incident_type_t *t = &p.types[GOPS_ITYPE_DISPUTE];
    t->p_vision = t->p_capture = t->p_drone = t->p_patrol = t->p_post = t->p_report = 0;
    t->self_clear_mean_s = self_clear_s;
    f.ops = gops_ops_attach(f.world, &p, &err);
    ck_assert_msg(f.ops != NULL, "%s", err.message);
    return f;
}

/// Steps until the world's clock reads `t` s.
static void run_to(fix_t *f, double t)
{
    while (gops_world_elapsed(f->world) < t - 1e-9) gops_world_step(f->world);
}

static gops_incident_info_t info_of(const fix_t *f, uint32_t id)
{
    gops_incident_info_t in;
    ck_assert(gops_ops_incident_get(f->ops, id, &in));
    return in;
}

static uint32_t inject(fix_t *f, double at_s, gops_channel_t channel)
{
    gops_error_t err;
    uint32_t id = 0;
    ck_assert_int_eq(gops_ops_inject(f->ops, GOPS_ITYPE_DISPUTE, (gops_point_t){10, 20}, at_s, channel, &id, &err), GOPS_OK);
    return id;
}

/// by_channel.<name>.<key> of the measures JSON (NAN when absent).
static double channel_measure(const fix_t *f, const char *channel, const char *key)
{
    char *json = gops_ops_measures_json(f->ops);
    ck_assert_ptr_nonnull(json);
    cJSON *root = cJSON_Parse(json);
    free(json);
    ck_assert_ptr_nonnull(root);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "by_channel"), channel), key);
    double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    cJSON_Delete(root);
    return x;
}

// A dispute at 10 s that nothing notices; at 20 s a report is announced for 30 s: the
// incident is undetected until then, detected at exactly 30 s through "report" with a
// latency of 30 − 10 = 20 s, and the centre takes it on (it leaves the undetected count).
START_TEST(report_detects_at_its_time_through_the_channel)
{
    fix_t f = fixture(0);
    uint32_t id = inject(&f, 10, GOPS_CHANNEL_NONE);
    run_to(&f, 20);
    gops_incident_info_t in = info_of(&f, id);
    ck_assert(in.occurred && !in.detected);
    gops_error_t err;
    ck_assert_int_eq(gops_ops_report_detected(f.ops, id, GOPS_CHANNEL_REPORT, 30, &err), GOPS_OK);
    run_to(&f, 30);
    ck_assert(!info_of(&f, id).detected); // the step ending at 30 s has not reached 30 s
    run_to(&f, 31);
    in = info_of(&f, id);
    ck_assert(in.detected);
    ck_assert_int_eq(in.channel, GOPS_CHANNEL_REPORT);
    ck_assert_double_eq_tol(in.t_detect, 30.0, 1e-9);
    gops_ops_status_t s;
    gops_ops_status(f.ops, &s);
    ck_assert_uint_eq(s.incidents, 1);
    ck_assert_uint_eq(s.undetected, 0);
    ck_assert_double_eq(channel_measure(&f, "report", "detected"), 1.0);
    ck_assert_double_eq_tol(channel_measure(&f, "report", "share"), 1.0, 1e-12);
    ck_assert_double_eq_tol(channel_measure(&f, "report", "latency_p50_s"), 20.0, 1e-9);
    gops_world_destroy(f.world);
}
END_TEST

// A report made before the incident happens (a report time in the past and an incident
// scheduled for later) is held until the occurrence: detection never precedes it, the
// latency is 0 and the undetected list does not keep a detected incident.
START_TEST(report_waits_for_the_occurrence)
{
    fix_t f = fixture(0);
    run_to(&f, 5);
    uint32_t id = inject(&f, 40, GOPS_CHANNEL_NONE);
    gops_error_t err;
    ck_assert_int_eq(gops_ops_report_detected(f.ops, id, GOPS_CHANNEL_REPORT, 0, &err), GOPS_OK);
    run_to(&f, 39);
    gops_incident_info_t in = info_of(&f, id);
    ck_assert(!in.occurred && !in.detected);
    run_to(&f, 41);
    in = info_of(&f, id);
    ck_assert(in.occurred && in.detected);
    ck_assert_double_eq_tol(in.t_occur, 40.0, 1e-9);
    ck_assert_double_eq_tol(in.t_detect, 40.0, 1e-9);
    gops_ops_status_t s;
    gops_ops_status(f.ops, &s);
    ck_assert_uint_eq(s.undetected, 0);
    ck_assert_double_eq_tol(channel_measure(&f, "report", "latency_p50_s"), 0.0, 1e-9);
    gops_world_destroy(f.world);
}
END_TEST

// An incident the centre already knows (a phone call, channel "scenario") keeps that
// channel and detection time when a report follows; "report" counts nothing.
START_TEST(earlier_channel_keeps_the_credit)
{
    fix_t f = fixture(0);
    uint32_t id = inject(&f, 3, GOPS_CHANNEL_SCENARIO);
    run_to(&f, 10);
    gops_incident_info_t in = info_of(&f, id);
    ck_assert(in.detected);
    ck_assert_double_eq_tol(in.t_detect, 3.0, 1e-9);
    gops_error_t err;
    ck_assert_int_eq(gops_ops_report_detected(f.ops, id, GOPS_CHANNEL_REPORT, 10, &err), GOPS_OK);
    run_to(&f, 20);
    in = info_of(&f, id);
    ck_assert_int_eq(in.channel, GOPS_CHANNEL_SCENARIO);
    ck_assert_double_eq_tol(in.t_detect, 3.0, 1e-9);
    ck_assert_double_eq(channel_measure(&f, "scenario", "detected"), 1.0);
    double reported = channel_measure(&f, "report", "detected");
    ck_assert(isnan(reported) || reported == 0.0);
    gops_world_destroy(f.world);
}
END_TEST

// A dispute that went away unseen (mean 2 s) is not brought back by a late report.
START_TEST(cleared_incident_stays_cleared)
{
    fix_t f = fixture(2.0);
    uint32_t id = inject(&f, 1, GOPS_CHANNEL_NONE);
    run_to(&f, 600); // P(still there after 599 s) = e^-299.5
    ck_assert(info_of(&f, id).cleared);
    gops_error_t err;
    ck_assert_int_eq(gops_ops_report_detected(f.ops, id, GOPS_CHANNEL_REPORT, 600, &err), GOPS_OK);
    run_to(&f, 620);
    gops_incident_info_t in = info_of(&f, id);
    ck_assert(in.cleared && !in.detected);
    ck_assert(isnan(in.t_detect));
    gops_world_destroy(f.world);
}
END_TEST

#define ASSERT_HAS(msg, text) ck_assert_msg(strstr((msg), (text)) != NULL, "\"%s\" not in: %s", (text), (msg))

START_TEST(bad_reports_are_refused)
{
    fix_t f = fixture(0);
    uint32_t id = inject(&f, 0, GOPS_CHANNEL_NONE);
    gops_error_t err;
    ck_assert_int_eq(gops_ops_report_detected(f.ops, 0, GOPS_CHANNEL_REPORT, 0, &err), GOPS_BAD_VALUE);
    ASSERT_HAS(err.message, "no such incident (ids so far: 1 to 1)");
    ck_assert_int_eq(gops_ops_report_detected(f.ops, id + 1, GOPS_CHANNEL_REPORT, 0, &err), GOPS_BAD_VALUE);
    ASSERT_HAS(err.message, "report incident 2");
    ck_assert_int_eq(gops_ops_report_detected(f.ops, id, GOPS_CHANNEL_NONE, 0, &err), GOPS_BAD_VALUE);
    ASSERT_HAS(err.message, "not a detection channel");
    ck_assert_int_eq(gops_ops_report_detected(f.ops, id, GOPS_CHANNEL_COUNT, 0, &err), GOPS_BAD_VALUE);
    ck_assert_int_eq(gops_ops_report_detected(f.ops, id, GOPS_CHANNEL_REPORT, NAN, &err), GOPS_BAD_VALUE);
    ASSERT_HAS(err.message, "not finite");
    run_to(&f, 30); // none of the refused reports detected it
    ck_assert(!info_of(&f, id).detected);
    gops_world_destroy(f.world);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ops_reports");
    TCase *tc = tcase_create("reports");
    tcase_add_test(tc, report_detects_at_its_time_through_the_channel);
    tcase_add_test(tc, report_waits_for_the_occurrence);
    tcase_add_test(tc, earlier_channel_keeps_the_credit);
    tcase_add_test(tc, cleared_incident_stays_cleared);
    tcase_add_test(tc, bad_reports_are_refused);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
