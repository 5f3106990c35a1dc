// SPDX-License-Identifier: MIT
// Density trigger suite: synthetic density warnings (emitted by a test subsystem stepped
// before the trigger, as the crowd is) switch a world with operations to emergency mode
// exactly when a warning at the trigger level has lasted enter_s, with the usual
// mode_changed event, and back to the mode it left after leave_s without one; warnings
// below the level or too short do nothing; a scenario's own switch wins; bad parameters are
// refused; the state machine alone follows the same rules; the scenario keys reach the
// parameters.
#include "fixture.h"
#include "ops/ops_internal.h"
#include "scenario/scenario.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---- a scripted source of warnings -------------------------------------------------------

typedef struct script_item {
    double t;           ///< s since start
    bool warning;       ///< warning (true) or cleared
    int64_t area;
    double ppm2;
} script_item_t;

typedef struct script {
    const script_item_t *items;
    uint32_t count, next;
} script_t;

static void emit_step(gops_world_t *w, void *state, double dt)
{
    (void)dt;
    script_t *s = state;
    double t = gops_world_elapsed(w);
    while (s->next < s->count && s->items[s->next].t <= t + 1e-9) {
        const script_item_t *it = &s->items[s->next++];
        if (it->warning) gops_world_emit(w, GOPS_EVENT_DENSITY_WARNING, it->area, llround(it->ppm2 * 1000));
        else gops_world_emit(w, GOPS_EVENT_DENSITY_CLEARED, it->area, 0);
    }
}

// A world (1 s ticks, no map, holiday mode) with the script, then operations with the
// trigger at 4.5 persons/m², 10 minutes in, 15 minutes out.
static gops_world_t *scripted_world(script_t *script, double enter_ppm2)
{
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 1.0;
    def.mode = GOPS_MODE_HOLIDAY;
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    ck_assert_int_eq(gops_world_add_subsystem(w, "script", 1.0, script, emit_step, NULL, NULL), GOPS_OK);
    gops_ops_params_t p = gops_ops_params_default();
    p.generate = false;
    p.density_trigger.enter_ppm2 = enter_ppm2;
    p.density_trigger.enter_s = 600;
    p.density_trigger.leave_s = 900;
    ck_assert_msg(gops_ops_attach(w, &p, &err) != NULL, "%s", err.message);
    return w;
}

typedef struct switch_log {
    double t[8];
    int64_t from[8], to[8];
    uint32_t n;
} switch_log_t;

// Steps to `end` s, recording mode_changed events with the time of the tick they came in.
static void run(gops_world_t *w, double end, switch_log_t *log)
{
    while (gops_world_elapsed(w) < end - 1e-9) {
        double t = gops_world_elapsed(w);
        gops_world_step(w);
        uint32_t n;
        const gops_event_t *ev = gops_world_events(w, &n);
        for (uint32_t i = 0; i < n; i++)
            if (ev[i].type == GOPS_EVENT_MODE_CHANGED && log->n < 8) {
                log->t[log->n] = t;
                log->from[log->n] = ev[i].a;
                log->to[log->n] = ev[i].b;
                log->n++;
            }
    }
}

START_TEST(lasting_warning_switches_and_returns)
{
    // Area 3 warns at 4.8 from 100 s to 1,000 s; area 5 at 4.6 from 400 s to 1,300 s.
    // Entry: area 3 has lasted 600 s at 700 s; the switch is queued in that tick and applies
    // at the next one (701 s). Exit: the last counting warning ends at 1,300 s; 900 s later
    // (2,200 s) the trigger queues the return, applied at 2,201 s.
    static const script_item_t items[] = {
        {100, true, 3, 4.8}, {400, true, 5, 4.6}, {1000, false, 3, 0}, {1300, false, 5, 0},
    };
    script_t s = {items, 4, 0};
    gops_world_t *w = scripted_world(&s, 4.5);
    switch_log_t log = {0};
    run(w, 699, &log);
    ck_assert_int_eq(gops_world_mode(w), GOPS_MODE_HOLIDAY);
    run(w, 3000, &log);
    ck_assert_uint_eq(log.n, 2);
    ck_assert_double_eq(log.t[0], 701);
    ck_assert_int_eq(log.from[0], GOPS_MODE_HOLIDAY);
    ck_assert_int_eq(log.to[0], GOPS_MODE_EMERGENCY);
    ck_assert_double_eq(log.t[1], 2201);
    ck_assert_int_eq(log.from[1], GOPS_MODE_EMERGENCY);
    ck_assert_int_eq(log.to[1], GOPS_MODE_HOLIDAY);
    const gops_density_trigger_t *tr = gops_density_trigger_of(w);
    ck_assert_ptr_nonnull(tr);
    ck_assert_uint_eq(tr->entered, 1);
    ck_assert_uint_eq(tr->left, 1);
    gops_world_destroy(w);
}
END_TEST

START_TEST(new_warning_restarts_the_exit_clock)
{
    // The first warning clears at 800 s; a new one at 1,200 s (before the 900 s are up)
    // keeps the grid in emergency until 900 s after it clears at 1,500 s.
    static const script_item_t items[] = {
        {0, true, 0, 5.0}, {800, false, 0, 0}, {1200, true, 1, 4.5}, {1500, false, 1, 0},
    };
    script_t s = {items, 4, 0};
    gops_world_t *w = scripted_world(&s, 4.5);
    switch_log_t log = {0};
    run(w, 3000, &log);
    ck_assert_uint_eq(log.n, 2);
    ck_assert_double_eq(log.t[0], 601);
    ck_assert_double_eq(log.t[1], 2401);
    gops_world_destroy(w);
}
END_TEST

START_TEST(below_level_or_short_does_nothing)
{
    // 4.4 < 4.5 for an hour; 6.0 for 599 s only.
    static const script_item_t items[] = {
        {0, true, 0, 4.4}, {100, true, 1, 6.0}, {699, false, 1, 0}, {3600, false, 0, 0},
    };
    script_t s = {items, 4, 0};
    gops_world_t *w = scripted_world(&s, 4.5);
    switch_log_t log = {0};
    run(w, 4000, &log);
    ck_assert_uint_eq(log.n, 0);
    ck_assert_int_eq(gops_world_mode(w), GOPS_MODE_HOLIDAY);
    gops_world_destroy(w);
}
END_TEST

START_TEST(off_by_default)
{
    static const script_item_t items[] = {{0, true, 0, 9.0}};
    script_t s = {items, 1, 0};
    gops_world_t *w = scripted_world(&s, 0.0);
    ck_assert_ptr_null(gops_density_trigger_of(w));
    switch_log_t log = {0};
    run(w, 2000, &log);
    ck_assert_uint_eq(log.n, 0);
    gops_world_destroy(w);
}
END_TEST

START_TEST(scenario_switch_wins)
{
    // Engaged at 601 s; the scenario then sets major_event at 1,000 s. The warning still on
    // does not switch the grid again, and when it clears the trigger does not switch back:
    // the scenario's mode stays. A new warning from 1,500 s engages it again at 2,101 s.
    static const script_item_t items[] = {{0, true, 0, 5.0}, {1100, false, 0, 0}, {1500, true, 2, 5.0}};
    script_t s = {items, 3, 0};
    gops_world_t *w = scripted_world(&s, 4.5);
    switch_log_t log = {0};
    run(w, 1000, &log);
    ck_assert_int_eq(gops_world_mode(w), GOPS_MODE_EMERGENCY);
    gops_world_set_mode(w, GOPS_MODE_MAJOR_EVENT);
    run(w, 2100, &log);
    ck_assert_uint_eq(log.n, 2);
    ck_assert_int_eq(log.to[1], GOPS_MODE_MAJOR_EVENT);
    ck_assert_int_eq(gops_world_mode(w), GOPS_MODE_MAJOR_EVENT);
    ck_assert_uint_eq(gops_density_trigger_of(w)->left, 0);
    run(w, 4000, &log);
    ck_assert_uint_eq(log.n, 3);
    ck_assert_double_eq(log.t[2], 2101);
    ck_assert_int_eq(log.from[2], GOPS_MODE_MAJOR_EVENT);
    ck_assert_int_eq(log.to[2], GOPS_MODE_EMERGENCY);
    gops_world_destroy(w);
}
END_TEST

START_TEST(state_machine_alone)
{
    gops_density_trigger_params_t p = gops_density_trigger_params_default();
    ck_assert_double_eq(p.enter_ppm2, 0);
    ck_assert_double_eq(p.enter_s, 600);
    ck_assert_double_eq(p.leave_s, 900);
    p.enter_ppm2 = 4;
    p.enter_s = 60;
    p.leave_s = 120;
    gops_density_trigger_t tr;
    gops_density_trigger_init(&tr, &p);
    // Already in emergency (set by a scenario): nothing to do, and nothing to undo later.
    ck_assert(gops_density_trigger_warning(&tr, 200, 4.0, 10)); // exactly the level counts
    ck_assert_uint_eq(tr.active, 1);
    ck_assert_int_eq(gops_density_trigger_decide(&tr, 100, GOPS_MODE_EMERGENCY), -1);
    ck_assert_int_eq(gops_density_trigger_decide(&tr, 69, GOPS_MODE_NORMAL), -1);
    ck_assert_int_eq(gops_density_trigger_decide(&tr, 70, GOPS_MODE_NORMAL), GOPS_MODE_EMERGENCY);
    ck_assert_int_eq(gops_density_trigger_decide(&tr, 71, GOPS_MODE_EMERGENCY), -1);
    gops_density_trigger_cleared(&tr, 7, 80); // an area that never counted: ignored
    ck_assert_uint_eq(tr.active, 1);
    gops_density_trigger_cleared(&tr, 200, 90);
    ck_assert_uint_eq(tr.active, 0);
    ck_assert_int_eq(gops_density_trigger_decide(&tr, 209, GOPS_MODE_EMERGENCY), -1);
    ck_assert_int_eq(gops_density_trigger_decide(&tr, 210, GOPS_MODE_EMERGENCY), GOPS_MODE_NORMAL);
    ck_assert(!tr.engaged);
    gops_density_trigger_free(&tr);

    gops_error_t err;
    p.enter_ppm2 = 11;
    ck_assert_int_eq(gops_density_trigger_params_check(&p, &err), GOPS_BAD_VALUE);
    ck_assert_str_eq(err.message,
                     "ops density trigger: enter_ppm2 11 is out of range: expected 0 (off) to 10 persons/m²");
    p.enter_ppm2 = 4;
    p.leave_s = -1;
    ck_assert_int_eq(gops_density_trigger_params_check(&p, &err), GOPS_BAD_VALUE);
    gops_ops_params_t op = gops_ops_params_default();
    op.density_trigger = p;
    gops_world_def_t def = gops_world_def_default();
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_ptr_null(gops_ops_attach(w, &op, &err));
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
    gops_world_destroy(w);
}
END_TEST

START_TEST(scenario_keys)
{
    char *dir = gops_test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/t.lua", dir);
    ck_assert_int_eq(gops_test_write_file(path, "scenario{ name = 't', start = '2025-12-31 16:00', duration = '1h',\n"
                                                "  ops = { density_trigger_ppm2 = 4.5, density_trigger_enter_min = 5 } }\n"),
                     0);
    const char *sets[] = {"ops.density_trigger_leave_min=20", "ops.foot_travel=straight"};
    gops_error_t err;
    gops_scenario_t *sc = gops_scenario_load(path, sets, 2, &err);
    ck_assert_msg(sc != NULL, "%s", err.message);
    const gops_ops_params_t *p = &gops_scenario_def(sc)->ops_params;
    ck_assert_double_eq(p->density_trigger.enter_ppm2, 4.5);
    ck_assert_double_eq(p->density_trigger.enter_s, 300);
    ck_assert_double_eq(p->density_trigger.leave_s, 1200);
    ck_assert_int_eq(p->travel.foot, GOPS_FOOT_STRAIGHT);
    gops_scenario_destroy(sc);
    const char *bad[] = {"ops.density_trigger_ppm2=12"};
    ck_assert_ptr_null(gops_scenario_load(path, bad, 1, &err));
    ck_assert_msg(strstr(err.message, "ops.density_trigger_ppm2: found \"12\""), "%s", err.message);
    const char *bad_foot[] = {"ops.foot_travel=crow"};
    ck_assert_ptr_null(gops_scenario_load(path, bad_foot, 1, &err));
    ck_assert_msg(strstr(err.message, "ops.foot_travel: found \"crow\", expected field"), "%s", err.message);
    // Runs walk the sidewalks by default.
    sc = gops_scenario_load(path, NULL, 0, &err);
    ck_assert_int_eq(gops_scenario_def(sc)->ops_params.travel.foot, GOPS_FOOT_FIELD);
    gops_scenario_destroy(sc);
    free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ops_density_trigger");
    TCase *tc = tcase_create("trigger");
    tcase_add_test(tc, lasting_warning_switches_and_returns);
    tcase_add_test(tc, new_warning_restarts_the_exit_clock);
    tcase_add_test(tc, below_level_or_short_does_nothing);
    tcase_add_test(tc, off_by_default);
    tcase_add_test(tc, scenario_switch_wins);
    tcase_add_test(tc, state_machine_alone);
    tcase_add_test(tc, scenario_keys);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
