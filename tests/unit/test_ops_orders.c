// SPDX-License-Identifier: MIT
// Operations order suite: the closed-loop state machine's transition table (exactly the
// legal moves, nothing else), an illegal move aborting, and a holiday half-day on the Erqi
// map in which every order moves only by legal steps and ends closed, cleared or open with
// a reason, with times in loop order and teams and orders pointing at each other.
#include "fixture.h"
#include "ops/ops_internal.h"
#include "core/simtime.h"
#include "ops/orders.h"
#include "world/world_internal.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>



START_TEST(transition_table)
{
    // The legal (from, cause, to) triples, written out by hand from the loop
    // created → dispatched → accepted → on scene → resolved → verified → closed.
    static const struct {
        gops_order_state_t from, to;
        gops_order_cause_t cause;
    } legal[] = {
        {GOPS_ORDER_NONE, GOPS_ORDER_CREATED, GOPS_CAUSE_TRIAGED},
        {GOPS_ORDER_CREATED, GOPS_ORDER_DISPATCHED, GOPS_CAUSE_ASSIGNED},
        {GOPS_ORDER_DISPATCHED, GOPS_ORDER_ACCEPTED, GOPS_CAUSE_ACCEPTED},
        {GOPS_ORDER_DISPATCHED, GOPS_ORDER_CREATED, GOPS_CAUSE_REFUSED},
        {GOPS_ORDER_DISPATCHED, GOPS_ORDER_CREATED, GOPS_CAUSE_PREEMPTED},
        {GOPS_ORDER_ACCEPTED, GOPS_ORDER_CREATED, GOPS_CAUSE_PREEMPTED},
        {GOPS_ORDER_ON_SCENE, GOPS_ORDER_CREATED, GOPS_CAUSE_PREEMPTED},
        {GOPS_ORDER_ACCEPTED, GOPS_ORDER_ON_SCENE, GOPS_CAUSE_ARRIVED},
        {GOPS_ORDER_ON_SCENE, GOPS_ORDER_RESOLVED, GOPS_CAUSE_HANDLED},
        {GOPS_ORDER_RESOLVED, GOPS_ORDER_VERIFIED, GOPS_CAUSE_VERIFIED},
        {GOPS_ORDER_RESOLVED, GOPS_ORDER_CREATED, GOPS_CAUSE_REOPENED},
        {GOPS_ORDER_VERIFIED, GOPS_ORDER_CLOSED, GOPS_CAUSE_FILED},
        {GOPS_ORDER_CREATED, GOPS_ORDER_CLOSED, GOPS_CAUSE_WITHDRAWN},
    };
    const size_t n_legal = sizeof legal / sizeof legal[0];
    size_t found = 0;
    for (int f = 0; f < GOPS_ORDER_STATE_COUNT; f++)
        for (int t = 0; t < GOPS_ORDER_STATE_COUNT; t++)
            for (int c = 0; c < GOPS_CAUSE_COUNT; c++) {
                bool expect = false;
                for (size_t k = 0; k < n_legal; k++)
                    if (legal[k].from == (gops_order_state_t)f && legal[k].to == (gops_order_state_t)t &&
                        legal[k].cause == (gops_order_cause_t)c)
                        expect = true;
                bool got = gops_order_transition_legal((gops_order_state_t)f, (gops_order_state_t)t,
                                                       (gops_order_cause_t)c);
                ck_assert_msg(got == expect, "%s -[%s]-> %s: table says %d, expected %d",
                              gops_order_state_name((gops_order_state_t)f), gops_order_cause_name((gops_order_cause_t)c),
                              gops_order_state_name((gops_order_state_t)t), got, expect);
                found += got;
            }
    ck_assert_uint_eq(found, n_legal);
    // Nothing leaves CLOSED; nothing skips straight to a team on scene.
    for (int c = 0; c < GOPS_CAUSE_COUNT; c++)
        for (int t = 0; t < GOPS_ORDER_STATE_COUNT; t++) {
            ck_assert(!gops_order_transition_legal(GOPS_ORDER_CLOSED, (gops_order_state_t)t, (gops_order_cause_t)c));
            ck_assert(!gops_order_transition_legal(GOPS_ORDER_CREATED, GOPS_ORDER_ON_SCENE, (gops_order_cause_t)c));
        }
    ck_assert(!gops_order_transition_legal(GOPS_ORDER_STATE_COUNT, GOPS_ORDER_CREATED, GOPS_CAUSE_TRIAGED));
    ck_assert_str_eq(gops_order_state_name(GOPS_ORDER_ON_SCENE), "on_scene");
    ck_assert_str_eq(gops_order_open_reason(GOPS_ORDER_CREATED, false), "waiting for a free team");
    ck_assert_str_eq(gops_order_open_reason(GOPS_ORDER_ON_SCENE, true), "repair under way");
    ck_assert_str_eq(gops_order_open_reason(GOPS_ORDER_CLOSED, false), "");
}
END_TEST

static gops_world_t *erqi_world(gops_mode_t mode, gops_local_time_t start)
{
    gops_world_def_t def = gops_world_def_default();
    def.seed = 7;
    def.tick_s = 1.0;
    def.mode = mode;
    def.start = start;
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    return w;
}

START_TEST(illegal_transition_aborts)
{
    gops_world_t *w = erqi_world(GOPS_MODE_NORMAL, gops_world_def_default().start);
    gops_ops_params_t p = gops_ops_params_default();
    p.generate = false;
    gops_error_t err;
    gops_ops_t *ops = gops_ops_attach(w, &p, &err);
    ck_assert_msg(ops != NULL, "%s", err.message);
    uint32_t id;
    ck_assert_int_eq(gops_ops_inject(ops, GOPS_ITYPE_DISPUTE, ops->centre_point, 0, GOPS_CHANNEL_SCENARIO, &id, &err),
                     GOPS_OK);
    gops_incident_t *inc = &ops->incidents[id - 1];
    gops_ops_order_set(ops, inc, GOPS_ORDER_ON_SCENE, GOPS_CAUSE_ARRIVED); // NONE → ON_SCENE: aborts
}
END_TEST

START_TEST(holiday_half_day_invariants)
{
    gops_world_t *w = erqi_world(GOPS_MODE_HOLIDAY, gops_time_from_civil(2025, 10, 1, 10, 0, 0));
    gops_ops_params_t p = gops_ops_params_default();
    gops_error_t err;
    gops_ops_t *ops = gops_ops_attach(w, &p, &err);
    ck_assert_msg(ops != NULL, "%s", err.message);
    uint32_t opened = 0, closed_events = 0;
    for (int i = 0; i < 12 * 3600; i++) {
        gops_world_step(w);
        uint32_t n;
        const gops_event_t *ev = gops_world_events(w, &n);
        for (uint32_t k = 0; k < n; k++) {
            if (ev[k].type == GOPS_EVENT_INCIDENT_OPENED) opened++;
            if (ev[k].type == GOPS_EVENT_INCIDENT_CLOSED) closed_events++;
        }
    }
    gops_ops_status_t st;
    gops_ops_status(ops, &st);
    ck_assert_uint_gt(st.incidents, 50); // about 100 expected in the busy half of a holiday
    ck_assert_uint_eq(opened, st.incidents);
    ck_assert_uint_eq(closed_events, st.closed + st.cleared);
    ck_assert_uint_gt(st.closed, st.incidents / 2);
    ck_assert_uint_gt(gops_ops_transition_count(ops), 6u * st.closed);
    uint32_t open = 0;
    for (uint32_t id = 1; id <= gops_ops_incident_count(ops); id++) {
        gops_incident_info_t in;
        ck_assert(gops_ops_incident_get(ops, id, &in));
        if (!in.occurred) continue;
        if (in.closed) {
            ck_assert_int_eq(in.state, GOPS_ORDER_CLOSED);
            ck_assert_str_eq(in.open_reason, "");
            // Loop order of the times.
            ck_assert_double_le(in.t_occur, in.t_detect);
            ck_assert_double_le(in.t_detect, in.t_created);
            ck_assert_double_le(in.t_created, in.t_dispatch);
            ck_assert_double_le(in.t_dispatch, in.t_arrive);
            ck_assert_double_le(in.t_arrive, in.t_resolve);
            ck_assert_double_le(in.t_resolve, in.t_close);
            ck_assert_uint_ge(in.dispatches, 1);
            ck_assert_int_ge(in.unit, 0);
            ck_assert(in.team == GOPS_OPS_NONE);
            continue;
        }
        if (in.cleared) {
            ck_assert(!in.detected);
            ck_assert_int_eq(in.state, GOPS_ORDER_NONE);
            continue;
        }
        open++;
        ck_assert_msg(strlen(in.open_reason) > 0, "incident %u open without a reason", id);
        if (gops_order_has_team(in.state)) {
            ck_assert_uint_lt(in.team, ops->team_count);
            ck_assert_uint_eq(ops->teams[in.team].incident, id - 1);
            ck_assert(gops_team_state_busy(ops->teams[in.team].state));
        } else {
            ck_assert(in.team == GOPS_OPS_NONE);
        }
    }
    ck_assert_uint_eq(open, st.undetected + st.in_triage + st.waiting + st.active + st.unverified);
    // Busy teams point back at orders that hold them.
    for (uint32_t t = 0; t < ops->team_count; t++) {
        const gops_team_t *tm = &ops->teams[t];
        if (!gops_team_state_busy(tm->state)) continue;
        ck_assert_uint_lt(tm->incident, ops->incident_count);
        ck_assert_uint_eq(ops->incidents[tm->incident].team, t);
    }
    // incidents.csv has one row per incident that occurred, with the contract's columns.
    char *csv = gops_ops_incidents_csv(ops);
    ck_assert_ptr_nonnull(csv);
    ck_assert(strncmp(csv, "id,type,category,priority,", 26) == 0);
    uint32_t lines = 0;
    for (const char *c = csv; *c; c++) lines += *c == '\n';
    ck_assert_uint_eq(lines, st.incidents + 1);
    ck_assert_ptr_nonnull(strstr(csv, ",closed,"));
    free(csv);
    char *json = gops_ops_measures_json(ops);
    ck_assert_ptr_nonnull(json);
    ck_assert_ptr_nonnull(strstr(json, "\"by_channel\""));
    free(json);
    // The KPIs are measured.
    gops_kpi_value_t v;
    ck_assert(gops_kpis_get(gops_world_kpis(w), "response_time_p90_s", &v) && v.present && v.value > 0);
    ck_assert(gops_kpis_get(gops_world_kpis(w), "incidents_total", &v) && v.present && v.value == st.incidents);
    ck_assert(gops_kpis_get(gops_world_kpis(w), "coverage_5min", &v) && v.present && v.value > 0 && v.value <= 1);
    ck_assert(gops_kpis_get(gops_world_kpis(w), "team_utilisation", &v) && v.present && v.value > 0 && v.value < 1);
    gops_world_destroy(w);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_orders");
    TCase *tc = tcase_create("orders");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, transition_table);
    tcase_add_test_raise_signal(tc, illegal_transition_aborts, SIGABRT);
    tcase_add_test(tc, holiday_half_day_invariants);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
