// SPDX-License-Identifier: MIT
// What the vendors model tells the operations model about incidents it already has.
// Reports (gops_ops_report_detected, the path merchants' and citizens' reports take): the
// centre detects the incident at the report's time through the report channel, never
// before it happens; the measures count it under that channel with its latency; an earlier
// detection keeps its channel; a cleared incident stays cleared; bad ids, channels and
// times are refused. A cause gone by itself (gops_ops_cause_gone, a street vendor packing
// up): unseen, it clears; an order waiting for a team is withdrawn when a camera has the
// spot in view and waits on when none has; a team on its way or on scene finds nothing
// and is done after the centre's look round; the check of a gone cause never re-opens the
// order; withdrawn orders count as closed without a response time.
#include "fixture.h"

#include "ops/ops.h"
#include "ops/ops_internal.h"
#include "world/world_internal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct fix {
    gops_world_t *world;
    gops_ops_t *ops;
} fix_t;

/// Operations without generated incidents and with every way of noticing `type` switched
/// off: only a report (or an injected channel) finds one. `self_clear_s` > 0 lets an unseen
/// one go away by itself after about that long.
static gops_ops_params_t quiet_params(gops_itype_t type, double self_clear_s)
{
    gops_ops_params_t p = gops_ops_params_default();
    p.generate = false;
    p.sensing.reports = false;
    gops_incident_type_t *t = &p.types[type];
    t->p_vision = t->p_capture = t->p_drone = t->p_patrol = t->p_post = t->p_report = 0;
    t->self_clear_mean_s = self_clear_s;
    return p;
}

/// A world without a map, 1 s ticks, with operations attached.
static fix_t attach(const gops_ops_params_t *p)
{
    gops_world_def_t def = gops_world_def_default();
    def.seed = 3;
    def.tick_s = 1.0;
    gops_error_t err;
    fix_t f;
    f.world = gops_world_create(&def, &err);
    ck_assert_msg(f.world != NULL, "%s", err.message);
    f.ops = gops_ops_attach(f.world, p, &err);
    ck_assert_msg(f.ops != NULL, "%s", err.message);
    return f;
}

/// Disputes that only a report finds.
static fix_t fixture(double self_clear_s)
{
    gops_ops_params_t p = quiet_params(GOPS_ITYPE_DISPUTE, self_clear_s);
    return attach(&p);
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

// ---- a cause gone by itself ----------------------------------------------------------

static const gops_point_t SPOT = {10, 20};

/// Vending found only when injected with a channel, 3,000 s of work, and a centre's check
/// that nearly always fails (so only a gone cause passes it). `teams`: false leaves nobody
/// on duty.
static fix_t vending_fixture(bool teams)
{
    gops_ops_params_t p = quiet_params(GOPS_ITYPE_ILLEGAL_VENDING, 0);
    gops_incident_type_t *t = &p.types[GOPS_ITYPE_ILLEGAL_VENDING];
    t->handling_mean_s = 3000;
    t->handling_cv = 0;
    t->p_verify_fail = 0.99;
    if (!teams)
        for (uint32_t k = 0; k < p.kind_count; k++)
            for (int m = 0; m < GOPS_MODE_COUNT; m++) p.kinds[k].count[m] = 0;
    return attach(&p);
}

/// Puts one full-circle camera over SPOT (the map would bring the district's own).
static void watch_spot(fix_t *f)
{
    gops_feature_t cam;
    memset(&cam, 0, sizeof cam);
    cam.kind = GOPS_FEAT_CAMERA;
    cam.at = (gops_point_t){SPOT.x + 30, SPOT.y};
    cam.u.camera.type = GOPS_CAMERA_EAGLE_EYE;
    cam.u.camera.fov_deg = 360;
    cam.u.camera.range_m = 100;
    free(f->ops->sensing.cameras);
    f->ops->sensing.cameras = malloc(sizeof *f->ops->sensing.cameras);
    ck_assert_ptr_nonnull(f->ops->sensing.cameras);
    f->ops->sensing.cameras[0] = gops_camera_from_feature(&cam);
    f->ops->sensing.camera_count = 1;
}

static uint32_t inject_vending(fix_t *f, gops_channel_t channel)
{
    gops_error_t err;
    uint32_t id = 0;
    ck_assert_int_eq(gops_ops_inject(f->ops, GOPS_ITYPE_ILLEGAL_VENDING, SPOT, 0, channel, &id, &err), GOPS_OK);
    return id;
}

static void gone_now(fix_t *f, uint32_t id)
{
    gops_error_t err;
    ck_assert_int_eq(gops_ops_cause_gone(f->ops, id, gops_world_elapsed(f->world), &err), GOPS_OK);
}

/// Steps until the order reaches `state` (or 4 h pass); the time it got there.
static double run_until_state(fix_t *f, uint32_t id, gops_order_state_t state)
{
    while (info_of(f, id).state != state) {
        ck_assert_msg(gops_world_elapsed(f->world) < 4 * 3600, "order %u never reached %s", id,
                      gops_order_state_name(state));
        gops_world_step(f->world);
    }
    return gops_world_elapsed(f->world);
}

/// A top-level number of the measures JSON (NAN when absent).
static double measure(const fix_t *f, const char *key)
{
    char *json = gops_ops_measures_json(f->ops);
    ck_assert_ptr_nonnull(json);
    cJSON *root = cJSON_Parse(json);
    free(json);
    ck_assert_ptr_nonnull(root);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    cJSON_Delete(root);
    return x;
}

START_TEST(unseen_clears)
{
    fix_t f = vending_fixture(true);
    uint32_t id = inject_vending(&f, GOPS_CHANNEL_NONE);
    run_to(&f, 100);
    gone_now(&f, id);
    run_to(&f, 3600);
    gops_incident_info_t in = info_of(&f, id);
    ck_assert(in.gone && in.cleared && !in.detected && !in.closed);
    ck_assert_int_eq(in.state, GOPS_ORDER_NONE);
    ck_assert_double_eq(measure(&f, "cleared_undetected"), 1);
    gops_world_destroy(f.world);
}
END_TEST

START_TEST(team_on_scene_finishes_early)
{
    fix_t f = vending_fixture(true);
    uint32_t id = inject_vending(&f, GOPS_CHANNEL_SCENARIO);
    double arrived = run_until_state(&f, id, GOPS_ORDER_ON_SCENE);
    run_to(&f, arrived + 300); // 300 s into 3,000 s of work
    gone_now(&f, id);
    double resolved = run_until_state(&f, id, GOPS_ORDER_RESOLVED);
    ck_assert_msg(fabs(resolved - (arrived + 300 + 120)) <= 1.0, "resolved %.0f s after arrival, expected 420",
                  resolved - arrived);
    run_until_state(&f, id, GOPS_ORDER_CLOSED);
    gops_incident_info_t in = info_of(&f, id);
    ck_assert(in.gone && in.closed && !in.withdrawn);
    ck_assert_uint_eq(in.reopens, 0); // the check nearly always fails, but there is nothing to find
    gops_world_destroy(f.world);
}
END_TEST

START_TEST(team_en_route_finds_nobody)
{
    fix_t f = vending_fixture(true);
    uint32_t id = inject_vending(&f, GOPS_CHANNEL_SCENARIO);
    run_until_state(&f, id, GOPS_ORDER_ACCEPTED);
    gone_now(&f, id);
    double arrived = run_until_state(&f, id, GOPS_ORDER_ON_SCENE);
    double resolved = run_until_state(&f, id, GOPS_ORDER_RESOLVED);
    ck_assert_msg(fabs(resolved - arrived - 120) <= 1.0, "on scene %.0f s, expected the 120 s look round",
                  resolved - arrived);
    ck_assert(isfinite(info_of(&f, id).t_arrive)); // a response all the same
    gops_world_destroy(f.world);
}
END_TEST

START_TEST(waiting_order_withdrawn_only_in_view)
{
    // Nobody on duty: the order waits. Without a camera it waits on after the vendor left.
    fix_t f = vending_fixture(false);
    uint32_t id = inject_vending(&f, GOPS_CHANNEL_SCENARIO);
    run_until_state(&f, id, GOPS_ORDER_CREATED);
    gone_now(&f, id);
    run_to(&f, 1800);
    gops_incident_info_t in = info_of(&f, id);
    ck_assert(in.gone && !in.closed && in.state == GOPS_ORDER_CREATED);
    gops_world_destroy(f.world);

    // A camera sees the spot: withdrawn at once, closed without a team or a response time.
    f = vending_fixture(false);
    watch_spot(&f);
    id = inject_vending(&f, GOPS_CHANNEL_SCENARIO);
    run_until_state(&f, id, GOPS_ORDER_CREATED);
    double t_gone = gops_world_elapsed(f.world);
    gone_now(&f, id);
    run_to(&f, t_gone + 2);
    in = info_of(&f, id);
    ck_assert(in.withdrawn && in.closed && in.state == GOPS_ORDER_CLOSED);
    ck_assert_uint_eq(in.dispatches, 0);
    ck_assert(isnan(in.t_arrive));
    ck_assert_msg(in.t_close - t_gone <= 1.0, "closed %.0f s after the vendor left", in.t_close - t_gone);
    ck_assert_double_eq(measure(&f, "withdrawn"), 1);
    ck_assert_double_eq(measure(&f, "closed"), 1);
    gops_world_destroy(f.world);

    // Gone while the centre is still triaging: withdrawn when triage ends, never queued.
    f = vending_fixture(false);
    watch_spot(&f);
    id = inject_vending(&f, GOPS_CHANNEL_SCENARIO);
    run_to(&f, 1);
    ck_assert_int_eq(info_of(&f, id).state, GOPS_ORDER_NONE);
    gone_now(&f, id);
    run_to(&f, 3600);
    in = info_of(&f, id);
    ck_assert(in.withdrawn && in.closed && in.escalations == 0);
    ck_assert(fabs(in.t_close - in.t_created) < 1e-9);
    gops_world_destroy(f.world);
}
END_TEST

START_TEST(bad_gone_calls_refused)
{
    fix_t f = vending_fixture(true);
    gops_error_t err;
    ck_assert_int_eq(gops_ops_cause_gone(f.ops, 1, 0, &err), GOPS_BAD_VALUE);
    ck_assert(strstr(err.message, "no such incident") != NULL);
    uint32_t id = inject_vending(&f, GOPS_CHANNEL_NONE);
    ck_assert_int_eq(gops_ops_cause_gone(f.ops, id, NAN, &err), GOPS_BAD_VALUE);
    ck_assert(strstr(err.message, "not finite") != NULL);
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
    TCase *gone = tcase_create("gone");
    tcase_set_timeout(gone, 120);
    tcase_add_test(gone, unseen_clears);
    tcase_add_test(gone, team_on_scene_finishes_early);
    tcase_add_test(gone, team_en_route_finds_nobody);
    tcase_add_test(gone, waiting_order_withdrawn_only_in_view);
    tcase_add_test(gone, bad_gone_calls_refused);
    suite_add_tcase(s, gone);
    return gops_test_run(s);
}
