// SPDX-License-Identifier: MIT
// Crowd at traffic crossings suite, on a signalised lab T junction (a 7 m main road with
// 3 m sidewalks, a side road north): 40 pedestrians walk from the south sidewalk of the west
// arm to an exit on the north sidewalk, so each crosses the west leg. While that crossing shows don't walk
// they are held at the kerb (outside the carriageway), a share crosses on red after
// waiting (the documented waiting rule), everyone crosses once it shows walk; the traffic
// model stops its stand-in, sees them on the crossing's halves (its lanes flagged) and
// counts the crossings the crowd reports. Without traffic nothing is coupled.
#include "fixture.h"
#include "crowd/crossings.h"
#include "crowd/crowd.h"
#include "traffic/lab_maps.h"
#include "traffic/traffic_internal.h"
#include "world/map_build.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct rig {
    gops_world_t *w;
    gops_crowd_t *crowd;
    gops_traffic_t *trf;
    uint16_t exit;
} rig_t;

// A T: the main road from (-60, 0) to (60, 0), one lane each way, and a side road north from
// the signalised junction at (0, 0); gateways at the three ends. Nothing crosses the south
// sidewalk, so the pedestrians below meet one crossing only.
static gops_map_t *t_junction(void)
{
    gops_error_t err;
    gops_map_t *m = gops_map_new("lab:T");
    gops_point_t main_pts[] = {{-60, 0}, {0, 0}, {60, 0}}, side_pts[] = {{0, 0}, {0, 60}};
    gops_lab_road_t main_road = {"main", GOPS_ROAD_SECONDARY, 1, false, 50, main_pts, 3};
    gops_lab_road_t side = {"cross", GOPS_ROAD_LOCAL, 1, false, 30, side_pts, 2};
    ck_assert_int_ge(gops_lab_add_road(m, &main_road, &err), 0);
    ck_assert_int_ge(gops_lab_add_road(m, &side, &err), 0);
    ck_assert_int_ge(gops_lab_add_junction(m, "centre", (gops_point_t){0, 0}, GOPS_JUNCTION_SIGNAL, &err), 0);
    ck_assert_int_ge(gops_lab_add_gateway(m, "W", (gops_point_t){-60, 0}, &err), 0);
    ck_assert_int_ge(gops_lab_add_gateway(m, "E", (gops_point_t){60, 0}, &err), 0);
    ck_assert_int_ge(gops_lab_add_gateway(m, "N", (gops_point_t){0, 60}, &err), 0);
    ck_assert_int_eq(gops_lab_finish(m, &err), GOPS_OK);
    return m;
}

static rig_t junction_world(bool traffic, int threads, double main_green_s, float box_speed)
{
    rig_t r = {0};
    gops_world_def_t def = gops_world_def_default(); // 16:00: a boundary of the 100 s cycle below
    def.nav_cell_m = 0.25;
    def.threads = threads;
    gops_error_t err;
    r.w = gops_world_create_with_map(&def, t_junction(), &err);
    ck_assert_msg(r.w != NULL, "%s", err.message);
    gops_crowd_params_t cp = gops_crowd_params_default(GOPS_DAY_WEEKDAY);
    cp.visitors = false;
    cp.arrive_radius_m = 0.5f;
    cp.junction_box_speed = box_speed;
    r.crowd = gops_crowd_attach(r.w, &cp, &err);
    ck_assert_msg(r.crowd != NULL, "%s", err.message);
    if (traffic) {
        gops_traffic_params_t tp = gops_traffic_params_default();
        tp.demand = false;
        r.trf = gops_traffic_attach(r.w, &tp, &err);
        ck_assert_msg(r.trf != NULL, "%s", err.message);
        // Main road green 0-60 s (yellow, all-red to 65 s), the cross road 65-100 s: the west
        // leg's crossing shows walk only in the second phase.
        uint32_t node = gops_traffic_node_near(r.trf, 0, 0, 1);
        uint32_t m = gops_traffic_approach_mask(r.trf, node, "main"), c = gops_traffic_approach_mask(r.trf, node, "cross");
        gops_signal_plan_t plan = {.phase_count = 2, .phases = {{main_green_s, 3, 2, m}, {30, 3, 2, c}}};
        ck_assert_int_eq(gops_traffic_set_signal_plan(r.trf, node, -1, &plan, &err), GOPS_OK);
    }
    return r;
}

static void add_exit(rig_t *r, float x0, float y0, float x1, float y1)
{
    gops_point_t pts[4] = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
    gops_path_t ring = {pts, 4};
    gops_polygon_t area = {&ring, 1};
    gops_error_t err;
    ck_assert_int_eq(gops_crowd_add_exit(r->crowd, "exit", &area, &r->exit, &err), GOPS_OK);
}

static void spawn(rig_t *r, float x, float y)
{
    gops_error_t err;
    gops_spawn_t s = {.at_s = 0, .x = x, .y = y, .v0 = 1.34f, .radius = 0.2f, .dest = r->exit};
    ck_assert_int_eq(gops_crowd_spawn(r->crowd, &s, &err), GOPS_OK);
}

static rig_t crossroads(bool traffic, int threads, double main_green_s, int people)
{
    rig_t r = junction_world(traffic, threads, main_green_s, gops_crowd_params_default(GOPS_DAY_WEEKDAY).junction_box_speed);
    add_exit(&r, -33, 3.6f, -27, 6.4f);
    for (int k = 0; k < people; k++) spawn(&r, -40.0f + 0.5f * (float)(k % 20), k < 20 ? -4.2f : -5.8f);
    return r;
}

static void run_to(gops_world_t *w, double t)
{
    while (gops_world_elapsed(w) < t - 1e-9) gops_world_step(w);
}

// The west leg's crossing.
static uint32_t west_crossing(const gops_traffic_t *t)
{
    for (uint32_t c = 0; c < gops_traffic_crossing_count(t); c++) {
        gops_traffic_crossing_info_t info;
        gops_traffic_crossing_info(t, c, &info);
        if (info.x < -1 && fabs(info.y) < 1) return c;
    }
    ck_abort_msg("no west crossing");
    return 0;
}

START_TEST(kerb_wait_red_share_and_walk)
{
    rig_t r = crossroads(true, 1, 60, 40);
    uint32_t wc = west_crossing(r.trf);
    ck_assert(!gops_traffic_crossing_walk(r.trf, wc) || gops_world_tick(r.w) == 0);
    uint32_t most_waiting = 0;
    bool flagged = false;
    while (gops_world_elapsed(r.w) < 62) {
        gops_world_step(r.w);
        gops_crowd_crossing_stats_t st;
        ck_assert(gops_crowd_crossings_stats(r.w, &st));
        if (st.waiting_now > most_waiting) most_waiting = st.waiting_now;
        ck_assert(!gops_traffic_crossing_walk(r.trf, wc));
        // Whoever stands on the crossing is seen by the traffic model, lanes flagged.
        uint32_t on = r.trf->crossings.half[2 * wc] + r.trf->crossings.half[2 * wc + 1];
        if (on > 0 && gops_world_tick(r.w) % 5 == 0) {
            const gops_tnet_crossing_t *X = &r.trf->net->crossings[wc];
            uint32_t in_lane = gops_tnet_lane(r.trf->net, X->arc_in, 0), out_lane = gops_tnet_lane(r.trf->net, X->arc_out, 0);
            flagged |= (r.trf->lane_peds[in_lane] | r.trf->lane_peds[out_lane]) != 0;
        }
    }
    ck_assert(r.trf->crossings.external); // the stand-in has stopped
    gops_crowd_crossing_stats_t st;
    gops_crowd_crossings_stats(r.w, &st);
    // Held pedestrians stand at the kerb, not on the carriageway (|y| > 3.5 m).
    const gops_pedestrians_t *p = gops_crowd_pedestrians(r.w);
    uint32_t at_kerb = 0;
    for (uint32_t i = 0; i < p->count; i++)
        if (p->x[i] > -9 && p->x[i] < -2 && p->y[i] < -3.3f) at_kerb++;
    printf("before walk: %u waited at most at once, %llu crossed on red, %u at the kerb, %llu waits\n", most_waiting,
           (unsigned long long)st.on_red, at_kerb, (unsigned long long)st.waits);
    // The front row is as wide as the crosswalk in line with the cross road's sidewalk (the
    // routing fields lead round the junction box, crowd.h junction_box_speed): 4 people at
    // the spacing they settle at against a body, 3 with the queue gap (walk.c).
    ck_assert_uint_ge(most_waiting, 3);
    ck_assert_uint_ge(at_kerb, 4);
    ck_assert_uint_eq(st.crossed, st.on_red); // nothing showed walk yet
    // Only the front row waits at the kerb (those behind stand in the crowd), so a few at
    // most go on red in the first minute.
    ck_assert_uint_le(st.on_red, 10);
    ck_assert_uint_le(gops_crowd_exit_count(r.crowd, r.exit, NULL), st.on_red);
    ck_assert(flagged);

    run_to(r.w, 100); // the walk phase: everyone crosses
    gops_crowd_crossings_stats(r.w, &st);
    uint64_t red = st.on_red;
    run_to(r.w, 140);
    gops_crowd_crossings_stats(r.w, &st);
    ck_assert_uint_eq(st.crossed, 40);
    ck_assert_uint_eq(st.on_red, red);
    ck_assert_uint_eq(gops_crowd_exit_count(r.crowd, r.exit, NULL), 40);
    gops_traffic_counts_t tc;
    gops_traffic_counts(r.trf, &tc);
    ck_assert_uint_eq(tc.pedestrians_crossed, 40);
    ck_assert_uint_eq(tc.pedestrians_on_red, red);
    ck_assert_uint_eq(gops_crowd_stats(r.crowd)->wall_violations, 0);
    gops_world_destroy(r.w);
}
END_TEST

START_TEST(long_red_about_half_go)
{
    // Don't walk for 560 s (a 600 s cycle from 16:00): the compliant half waits it out, the
    // others go on red once their tolerance has run out (no vehicle comes). Only the front
    // row stands at the kerb, and compliant people there hold back those behind them, so
    // fewer than half of the 20 have crossed after 400 s (5 with this seed), but some have.
    rig_t r = crossroads(true, 1, 560, 20);
    run_to(r.w, 400);
    gops_crowd_crossing_stats_t st;
    ck_assert(gops_crowd_crossings_stats(r.w, &st));
    const gops_pedestrians_t *p = gops_crowd_pedestrians(r.w);
    printf("after 400 s of don't walk: %llu of 20 crossed on red, %u still waiting (%u at the kerb)\n",
           (unsigned long long)st.on_red, p->count, st.waiting_now);
    ck_assert_uint_eq(st.crossed, st.on_red);
    ck_assert_uint_ge(st.on_red, 3);
    ck_assert_uint_le(st.on_red, 12);
    ck_assert_uint_eq(p->count + gops_crowd_exit_count(r.crowd, r.exit, NULL), 20);
    ck_assert_uint_ge(st.waiting_now, 1);
    for (uint32_t i = 0; i < p->count; i++) ck_assert_float_lt(p->y[i], -3.3f); // all on the south sidewalk
    gops_world_destroy(r.w);
}
END_TEST

START_TEST(tolerance_rule)
{
    // 20,000 draws: half compliant; the others Weibull(45 s, 1.5): median 45 (ln 2)^(2/3) =
    // 35.2 s, P(T <= 45 s) = 1 - 1/e = 0.632.
    uint32_t compliant = 0, others = 0, within45 = 0;
    double *t = malloc(20000 * sizeof *t);
    for (uint32_t k = 0; k < 20000; k++) {
        double v = gops_crowd_crossing_tolerance(7, k, k % 13, k * 3);
        ck_assert(v > 0);
        if (isinf(v)) {
            compliant++;
            continue;
        }
        t[others++] = v;
        within45 += v <= 45.0;
    }
    uint32_t below = 0;
    for (uint32_t k = 0; k < others; k++) below += t[k] <= 35.2;
    free(t);
    ck_assert_double_eq_tol(compliant / 20000.0, 0.5, 0.015);
    ck_assert_double_eq_tol((double)within45 / others, 0.632, 0.02);
    ck_assert_double_eq_tol((double)below / others, 0.5, 0.02);
    // The same inputs give the same draw.
    ck_assert_double_eq(gops_crowd_crossing_tolerance(7, 5, 2, 99), gops_crowd_crossing_tolerance(7, 5, 2, 99));
}
END_TEST

START_TEST(without_traffic_nothing_is_held)
{
    rig_t r = crossroads(false, 1, 60, 40);
    gops_crowd_crossing_stats_t st;
    run_to(r.w, 60);
    ck_assert(!gops_crowd_crossings_stats(r.w, &st));
    ck_assert_ptr_null(gops_world_subsystem(r.w, "crowd_crossings"));
    // Nothing holds them: in the first minute 10 or more are through (with traffic and don't
    // walk, only those who went on red).
    ck_assert_uint_ge(gops_crowd_exit_count(r.crowd, r.exit, NULL), 10);
    run_to(r.w, 150);
    ck_assert_uint_eq(gops_crowd_exit_count(r.crowd, r.exit, NULL), 40);
    gops_world_destroy(r.w);
}
END_TEST

// Pedestrian-steps in the middle of the junction's box (between the side road's kerbs; the
// T has no sidewalk in line across the main road's south half, so the crosswalks there are
// box cells too) of people walking from the south-west corner of the T to its north-east
// corner, until all are out.
static uint32_t box_steps(bool traffic, float box_speed, double *last_out)
{
    rig_t r = junction_world(traffic, 1, 60, box_speed);
    add_exit(&r, 8, 3.6f, 12, 6.4f);
    for (int k = 0; k < 20; k++) spawn(&r, -20.0f + 0.6f * (float)(k % 10), k < 10 ? -4.2f : -5.8f);
    const gops_walkable_t *w = gops_world_district(r.w)->walk;
    const gops_pedestrians_t *p = gops_crowd_pedestrians(r.w);
    uint32_t steps = 0;
    *last_out = INFINITY;
    while (gops_world_elapsed(r.w) < 200) {
        gops_world_step(r.w);
        for (uint32_t i = 0; i < p->count; i++) {
            uint32_t c = gops_walkable_cell_at(w, (gops_point_t){p->x[i], p->y[i]});
            uint32_t k = c == GOPS_WALKABLE_NONE ? GOPS_WALKABLE_NONE : gops_walkable_index(w, c);
            // The box between the side road's kerbs, off both crosswalks over the main road.
            steps += k != GOPS_WALKABLE_NONE && w->junction[k] == GOPS_JUNCTION_CELL_BOX && fabsf(p->x[i]) < 3.0f;
        }
        if (gops_crowd_exit_count(r.crowd, r.exit, NULL) == 20) {
            *last_out = gops_world_elapsed(r.w);
            break;
        }
    }
    gops_world_destroy(r.w);
    return steps;
}

START_TEST(corner_to_corner_on_the_crosswalks)
{
    // Walking to the far corner, people cut diagonally through the junction's box when it
    // costs no more than a sidewalk; priced at the default junction_box_speed, the fields
    // lead them over the crosswalks in line with the sidewalks instead.
    double out_free, out_priced, out_signal;
    uint32_t free_box = box_steps(false, 1.0f, &out_free);
    uint32_t priced_box = box_steps(false, gops_crowd_params_default(GOPS_DAY_WEEKDAY).junction_box_speed, &out_priced);
    printf("corner to corner: %u pedestrian-steps in the box when it is free (all out at %.1f s), %u when priced "
           "(%.1f s)\n", free_box, out_free, priced_box, out_priced);
    ck_assert_uint_gt(free_box, 0);
    ck_assert_uint_lt(priced_box, free_box / 4);
    ck_assert(out_priced < 120);
    // With the signal (main road green 0-60 s), the walk to the far corner is held where it
    // meets a leg showing don't walk, in the box as at the kerb, yet everyone gets through.
    box_steps(true, gops_crowd_params_default(GOPS_DAY_WEEKDAY).junction_box_speed, &out_signal);
    printf("with the signal: all out at %.1f s\n", out_signal);
    ck_assert(out_signal < 200);
}
END_TEST

START_TEST(held_between_legs_inside_the_box)
{
    // From the north-west corner to the south-east one over a free box (no pricing): over
    // the side road's crossing, which shows walk while the main road has green (0-60 s),
    // then into the east leg's, which shows don't walk. Those already on one leg's crossing
    // are held where they would step onto another's showing don't walk, as at a kerb
    // (before, they walked on through the main road's green: all out by about 20 s).
    rig_t r = junction_world(true, 1, 60, 1.0f);
    add_exit(&r, 8, -6.4f, 12, -3.6f);
    for (int k = 0; k < 20; k++) spawn(&r, -14.0f + 0.6f * (float)(k % 10), k < 10 ? 4.2f : 5.8f);
    uint32_t most_waiting = 0;
    while (gops_world_elapsed(r.w) < 55) {
        gops_world_step(r.w);
        gops_crowd_crossing_stats_t st;
        ck_assert(gops_crowd_crossings_stats(r.w, &st));
        if (st.waiting_now > most_waiting) most_waiting = st.waiting_now;
    }
    uint32_t early = gops_crowd_exit_count(r.crowd, r.exit, NULL);
    while (gops_world_elapsed(r.w) < 300 && gops_crowd_exit_count(r.crowd, r.exit, NULL) < 20) gops_world_step(r.w);
    double last = gops_world_elapsed(r.w);
    printf("north-west to south-east: %u held at most at once, %u of 20 out before the walk (55 s), the last at "
           "%.1f s\n", most_waiting, early, last);
    ck_assert_uint_ge(most_waiting, 3);
    ck_assert_uint_le(early, 10); // those who went on red after waiting
    ck_assert(last < 300);        // within three signal cycles
    gops_world_destroy(r.w);
}
END_TEST

START_TEST(same_state_every_thread_count)
{
    // The coupling draws no random stream and visits pedestrians in index order: runs with
    // 1 and 2 threads end in the same state.
    uint64_t hash[2];
    for (int k = 0; k < 2; k++) {
        rig_t r = crossroads(true, k + 1, 60, 40);
        run_to(r.w, 80);
        hash[k] = gops_world_state_hash(r.w);
        gops_world_destroy(r.w);
    }
    ck_assert_uint_eq(hash[0], hash[1]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crowd_crossings");
    TCase *tc = tcase_create("crossings");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, kerb_wait_red_share_and_walk);
    tcase_add_test(tc, long_red_about_half_go);
    tcase_add_test(tc, tolerance_rule);
    tcase_add_test(tc, without_traffic_nothing_is_held);
    tcase_add_test(tc, corner_to_corner_on_the_crosswalks);
    tcase_add_test(tc, held_between_legs_inside_the_box);
    tcase_add_test(tc, same_state_every_thread_count);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
