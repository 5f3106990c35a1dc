// SPDX-License-Identifier: MIT
// Operating modes and staffing suite on the Erqi map: a switch from normal to holiday
// staffs 50 posts and 17 mobile patrol teams (FACTS.md) only after the call-in lag and the
// walk to each post; duty hours bring volunteers at 10:00; a switch back releases the
// surplus at once; changing a team count mid-run; the mode bundles' documented values.
#include "fixture.h"
#include "core/simtime.h"
#include "ops/ops_internal.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static gops_world_t *erqi_world(void)
{
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 1.0;
    def.start = gops_time_from_civil(2025, 10, 1, 9, 0, 0);
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    return w;
}

static gops_ops_t *attach_quiet(gops_world_t *w)
{
    gops_ops_params_t p = gops_ops_params_default();
    p.generate = false; // no incidents: every team is free, counts are exact
    gops_error_t err;
    gops_ops_t *ops = gops_ops_attach(w, &p, &err);
    ck_assert_msg(ops != NULL, "%s", err.message);
    return ops;
}

static uint32_t on_duty(const gops_ops_t *ops, const char *kind)
{
    int k = gops_ops_team_kind_find(ops, kind);
    ck_assert_int_ge(k, 0);
    uint32_t n = 0;
    for (uint32_t t = 0; t < gops_ops_team_count(ops); t++) {
        gops_team_info_t ti;
        ck_assert(gops_ops_team_get(ops, t, &ti));
        if (ti.kind == k && gops_team_state_on_duty(ti.state)) n++;
    }
    return n;
}

static void run_to(gops_world_t *w, double t)
{
    while (gops_world_elapsed(w) < t - 1e-9) gops_world_step(w);
}

START_TEST(holiday_switch_staffs_with_lag)
{
    gops_world_t *w = erqi_world();
    gops_ops_t *ops = attach_quiet(w);
    gops_ops_status_t st;
    gops_ops_status(ops, &st);
    ck_assert_uint_eq(gops_ops_post_count(ops), 50);
    ck_assert_uint_eq(st.posts_wanted, 11); // the Erqi map's posts that include "normal"
    ck_assert_uint_eq(st.posts_held, 11);
    ck_assert_uint_eq(on_duty(ops, "patrol"), 8);
    ck_assert_uint_eq(st.teams_mobilising, 0);

    run_to(w, 60);
    gops_world_set_mode(w, GOPS_MODE_HOLIDAY);
    run_to(w, 62);
    gops_ops_status(ops, &st);
    ck_assert_uint_eq(st.posts_wanted, 50); // FACTS: 50 key points on holidays
    ck_assert_uint_eq(st.posts_held, 11);
    ck_assert_uint_eq(on_duty(ops, "patrol"), 8);
    // Called in: 39 posts, 9 patrols, 2 traffic police, 2 sanitation, 1 market regulation
    // (volunteers start at 10:00).
    ck_assert_uint_eq(st.teams_mobilising, 39 + 9 + 2 + 2 + 1);

    double lag = gops_mode_bundle_default(GOPS_MODE_HOLIDAY).mobilise_s;
    ck_assert_double_eq(lag, 1800);
    run_to(w, 60 + lag - 5);
    gops_ops_status(ops, &st);
    ck_assert_uint_eq(st.posts_held, 11);
    ck_assert_uint_eq(on_duty(ops, "patrol"), 8);
    run_to(w, 60 + lag + 2);
    gops_ops_status(ops, &st);
    ck_assert_uint_eq(on_duty(ops, "patrol"), 17); // FACTS: 17 mobile patrol teams
    ck_assert_uint_lt(st.posts_held, 50);          // staff still walking from their stops
    ck_assert_uint_gt(st.teams_mobilising, 0);
    run_to(w, 60 + lag + 900);
    gops_ops_status(ops, &st);
    ck_assert_uint_eq(st.posts_held, 50);
    ck_assert_uint_eq(st.teams_mobilising, 0);
    // Every post staffed by the switch was taken after the lag, and a walk of its own.
    for (uint32_t p = 0; p < ops->post_count; p++) {
        const gops_team_t *tm = &ops->teams[ops->posts[p].team];
        ck_assert_int_eq(tm->state, GOPS_TEAM_IDLE);
        if (ops->posts[p].modes & (1u << GOPS_MODE_NORMAL)) {
            ck_assert_double_eq(tm->duty_since, 0);
        } else {
            double walk = hypot(ops->posts[p].at.x - ops->posts[p].staging.x, ops->posts[p].at.y - ops->posts[p].staging.y);
            ck_assert_double_ge(tm->duty_since, 60 + lag);
            ck_assert_double_le(tm->duty_since, 60 + lag + walk * 1.3 / 1.4 + 1);
        }
    }
    // Volunteers (10:00–22:00) come on duty at 10:00 without a call-in lag: it is their shift.
    ck_assert_uint_eq(on_duty(ops, "volunteer"), 0);
    run_to(w, 3600 + 2);
    ck_assert_uint_eq(on_duty(ops, "volunteer"), 6);

    // Back to normal: the surplus, all idle, leaves at once.
    gops_world_set_mode(w, GOPS_MODE_NORMAL);
    run_to(w, 3600 + 5);
    gops_ops_status(ops, &st);
    ck_assert_uint_eq(on_duty(ops, "patrol"), 8);
    ck_assert_uint_eq(on_duty(ops, "volunteer"), 0);
    ck_assert_uint_eq(st.posts_held, 11);
    gops_world_destroy(w);
}
END_TEST

START_TEST(team_count_change_mid_run)
{
    gops_world_t *w = erqi_world();
    gops_ops_t *ops = attach_quiet(w);
    gops_error_t err;
    int patrol = gops_ops_team_kind_find(ops, "patrol");
    ck_assert_int_eq(gops_ops_set_team_count(ops, patrol, GOPS_MODE_NORMAL, 5, &err), GOPS_OK);
    run_to(w, 2);
    ck_assert_uint_eq(on_duty(ops, "patrol"), 5); // idle surplus leaves at once
    ck_assert_int_eq(gops_ops_set_team_count(ops, patrol, GOPS_MODE_NORMAL, 10, &err), GOPS_OK);
    run_to(w, 4);
    ck_assert_uint_eq(on_duty(ops, "patrol"), 5); // new ones are called in
    run_to(w, 1300);
    ck_assert_uint_eq(on_duty(ops, "patrol"), 10);
    // The three released teams were reused before any new one was made.
    uint32_t made = 0;
    for (uint32_t t = 0; t < ops->team_count; t++) made += ops->teams[t].kind == patrol;
    ck_assert_uint_eq(made, 10);
    ck_assert_int_eq(gops_ops_set_team_count(ops, patrol, GOPS_MODE_NORMAL, -1, &err), GOPS_BAD_VALUE);
    ck_assert_int_eq(gops_ops_set_team_count(ops, 99, -1, 3, &err), GOPS_BAD_VALUE);
    ck_assert_int_eq(gops_ops_team_kind_find(ops, "nobody"), -1);
    gops_world_destroy(w);
}
END_TEST

START_TEST(post_modes_change)
{
    gops_world_t *w = erqi_world();
    gops_ops_t *ops = attach_quiet(w);
    gops_error_t err;
    int32_t normal_post = -1, holiday_post = -1;
    for (uint32_t p = 0; p < gops_ops_post_count(ops); p++) {
        if (normal_post < 0 && (ops->posts[p].modes & (1u << GOPS_MODE_NORMAL))) normal_post = (int32_t)p;
        if (holiday_post < 0 && !(ops->posts[p].modes & (1u << GOPS_MODE_NORMAL))) holiday_post = (int32_t)p;
    }
    ck_assert(normal_post >= 0 && holiday_post >= 0);
    ck_assert_int_eq(gops_ops_set_post_modes(ops, (uint32_t)normal_post, 1u << GOPS_MODE_HOLIDAY, &err), GOPS_OK);
    ck_assert_int_eq(gops_ops_set_post_modes(ops, (uint32_t)holiday_post, 1u << GOPS_MODE_NORMAL, &err), GOPS_OK);
    ck_assert_int_eq(gops_ops_set_post_modes(ops, 0, 1u << GOPS_MODE_COUNT, &err), GOPS_BAD_VALUE);
    run_to(w, 2);
    gops_ops_status_t st;
    gops_ops_status(ops, &st);
    ck_assert_uint_eq(st.posts_wanted, 11);
    ck_assert_uint_eq(st.posts_held, 10); // released at once; the new one is being called in
    ck_assert_int_eq(ops->teams[ops->posts[normal_post].team].state, GOPS_TEAM_OFF);
    run_to(w, 1200 + 900);
    gops_ops_status(ops, &st);
    ck_assert_uint_eq(st.posts_held, 11);
    ck_assert_int_eq(ops->teams[ops->posts[holiday_post].team].state, GOPS_TEAM_IDLE);
    gops_world_destroy(w);
}
END_TEST

START_TEST(mode_bundles_documented)
{
    gops_mode_bundle_t n = gops_mode_bundle_default(GOPS_MODE_NORMAL);
    gops_mode_bundle_t h = gops_mode_bundle_default(GOPS_MODE_HOLIDAY);
    gops_mode_bundle_t m = gops_mode_bundle_default(GOPS_MODE_MAJOR_EVENT);
    gops_mode_bundle_t e = gops_mode_bundle_default(GOPS_MODE_EMERGENCY);
    ck_assert_double_eq(n.crowd_warning_ppm2, 4.0); // VALIDATION.md: sustained > 4 /m² warns
    ck_assert(h.crowd_warning_ppm2 < n.crowd_warning_ppm2 && e.crowd_warning_ppm2 < m.crowd_warning_ppm2);
    ck_assert(!n.perimeter && !h.perimeter && m.perimeter && e.perimeter);
    ck_assert_str_eq(m.signal_plan, "event");
    ck_assert_int_eq(n.patrol, GOPS_PATROL_BEAT);
    ck_assert_int_eq(e.patrol, GOPS_PATROL_HOTSPOT);
    ck_assert_double_eq(e.centre_desk_share, 1.0);
    gops_team_kind_t kinds[GOPS_TEAM_KIND_MAX];
    uint32_t nk = gops_team_kinds_default(kinds);
    ck_assert_uint_ge(nk, 8);
    ck_assert_str_eq(kinds[0].name, "patrol");
    ck_assert_int_eq(kinds[0].count[GOPS_MODE_HOLIDAY], 17);
    ck_assert_int_eq(gops_centre_params_default().staff, 23);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_modes");
    TCase *tc = tcase_create("modes");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, holiday_switch_staffs_with_lag);
    tcase_add_test(tc, team_count_change_mid_run);
    tcase_add_test(tc, post_modes_change);
    tcase_add_test(tc, mode_bundles_documented);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
