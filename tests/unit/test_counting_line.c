// SPDX-License-Identifier: MIT
// Counting-line suite: directions, a point on the line counted once, the half-open
// segment (chained lines count a joint once), moves beside or along a line, long jumps,
// flows over a window, first/last crossing times, and the bucketed lookup against a brute
// force count over random walks, and the neighbour-grid path against the plain one.
#include "crowd/counting_line.h"
#include "fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gops_counting_lines_t *make_lines(const gops_counting_lines_def_t *def)
{
    gops_error_t err;
    gops_error_clear(&err);
    gops_counting_lines_t *cl = gops_counting_lines_create(def, 0.1, &err);
    ck_assert_msg(cl != NULL, "%s", err.message);
    return cl;
}

static uint32_t add_line(gops_counting_lines_t *cl, const char *name, double ax, double ay, double bx, double by)
{
    gops_error_t err;
    uint32_t index = GOPS_COUNTING_LINE_NONE;
    gops_status_t st = gops_counting_lines_add(cl, name, (gops_point_t){ax, ay}, (gops_point_t){bx, by}, &index, &err);
    ck_assert_msg(st == GOPS_OK, "%s", err.message);
    return index;
}

// One pedestrian moves from (x0, y0) to (x1, y1) during the step ending at t.
static bool move1(gops_counting_lines_t *cl, float x0, float y0, float x1, float y1, double t)
{
    return gops_counting_lines_step(cl, &x0, &y0, &x1, &y1, 1, t);
}

static uint64_t total(const gops_counting_lines_t *cl, uint32_t line, gops_crossing_dir_t dir)
{
    return gops_counting_lines_get(cl, line)->total[dir];
}

START_TEST(side_rule)
{
    gops_point_t a = {0, 0}, b = {0, 10}; // pointing north: left is west
    ck_assert_int_eq(gops_counting_side(a, b, (gops_point_t){-1, 5}), 1);
    ck_assert_int_eq(gops_counting_side(a, b, (gops_point_t){1, 5}), -1);
    ck_assert_int_eq(gops_counting_side(a, b, (gops_point_t){0, 5}), -1); // on the line: right
}
END_TEST

START_TEST(directions)
{
    gops_counting_lines_t *cl = make_lines(NULL);
    uint32_t l = add_line(cl, "gate", 0, 0, 0, 10);
    move1(cl, -0.5f, 5, 0.5f, 5, 0.1); // west to east: left to right
    ck_assert_uint_eq(total(cl, l, GOPS_CROSS_LEFT_TO_RIGHT), 1);
    ck_assert_uint_eq(total(cl, l, GOPS_CROSS_RIGHT_TO_LEFT), 0);
    move1(cl, 0.5f, 5, -0.5f, 5, 0.2);
    move1(cl, 0.3f, 2, -0.1f, 2.2f, 0.3);
    ck_assert_uint_eq(total(cl, l, GOPS_CROSS_LEFT_TO_RIGHT), 1);
    ck_assert_uint_eq(total(cl, l, GOPS_CROSS_RIGHT_TO_LEFT), 2);
    // Reversing the segment swaps the directions.
    uint32_t r = add_line(cl, "gate reversed", 0, 10, 0, 0);
    move1(cl, -0.5f, 5, 0.5f, 5, 0.4);
    ck_assert_uint_eq(total(cl, r, GOPS_CROSS_RIGHT_TO_LEFT), 1);
    ck_assert_uint_eq(total(cl, l, GOPS_CROSS_LEFT_TO_RIGHT), 2);
    ck_assert_uint_eq(gops_counting_lines_find(cl, "gate reversed"), r);
    ck_assert_uint_eq(gops_counting_lines_find(cl, "nope"), GOPS_COUNTING_LINE_NONE);
    gops_counting_lines_destroy(cl);
}
END_TEST

START_TEST(point_on_line_counted_once)
{
    gops_counting_lines_t *cl = make_lines(NULL);
    uint32_t l = add_line(cl, "gate", 0, 0, 0, 10);
    // Left, onto the line, off to the right: one crossing (when stepping onto it).
    move1(cl, -0.1f, 5, 0, 5, 0.1);
    move1(cl, 0, 5, 0.1f, 5, 0.2);
    ck_assert_uint_eq(total(cl, l, GOPS_CROSS_LEFT_TO_RIGHT), 1);
    // Standing on the line: nothing.
    for (int i = 0; i < 10; i++) move1(cl, 0, 5, 0, 5, 0.3 + 0.1 * i);
    // Right, onto the line, back right: nothing; then to the left: one.
    move1(cl, 0.1f, 5, 0, 5, 1.4);
    move1(cl, 0, 5, 0.1f, 5, 1.5);
    ck_assert_uint_eq(total(cl, l, GOPS_CROSS_RIGHT_TO_LEFT), 0);
    move1(cl, 0.1f, 5, 0, 5, 1.6);
    move1(cl, 0, 5, -0.1f, 5, 1.7);
    ck_assert_uint_eq(total(cl, l, GOPS_CROSS_RIGHT_TO_LEFT), 1);
    ck_assert_uint_eq(total(cl, l, GOPS_CROSS_LEFT_TO_RIGHT), 1);
    gops_counting_lines_destroy(cl);
}
END_TEST

START_TEST(segment_is_half_open)
{
    gops_counting_lines_t *cl = make_lines(NULL);
    uint32_t a = add_line(cl, "south", 0, 0, 0, 10);
    uint32_t b = add_line(cl, "north", 0, 10, 0, 20);
    // Through the joint (0, 10): counted by "north" only (its start), once in all.
    move1(cl, -0.5f, 10, 0.5f, 10, 0.1);
    ck_assert_uint_eq(total(cl, a, GOPS_CROSS_LEFT_TO_RIGHT), 0);
    ck_assert_uint_eq(total(cl, b, GOPS_CROSS_LEFT_TO_RIGHT), 1);
    // Diagonally through the joint.
    move1(cl, 0.5f, 9.5f, -0.5f, 10.5f, 0.2);
    ck_assert_uint_eq(total(cl, a, GOPS_CROSS_RIGHT_TO_LEFT) + total(cl, b, GOPS_CROSS_RIGHT_TO_LEFT), 1);
    // Past the far end (0, 20) and beside the line: nothing.
    move1(cl, -0.5f, 20, 0.5f, 20, 0.3);
    move1(cl, -0.5f, 20.5f, 0.5f, 20.5f, 0.4);
    move1(cl, -0.5f, -0.01f, 0.5f, -0.01f, 0.5);
    // Along the line, on it or beside it: nothing.
    move1(cl, 0, 1, 0, 2, 0.6);
    move1(cl, -0.2f, 1, -0.2f, 2, 0.7);
    ck_assert_uint_eq(total(cl, a, GOPS_CROSS_LEFT_TO_RIGHT) + total(cl, a, GOPS_CROSS_RIGHT_TO_LEFT), 0);
    ck_assert_uint_eq(total(cl, b, GOPS_CROSS_LEFT_TO_RIGHT), 1);
    ck_assert_uint_eq(total(cl, b, GOPS_CROSS_RIGHT_TO_LEFT), 1);
    gops_counting_lines_destroy(cl);
}
END_TEST

START_TEST(long_jumps_not_counted)
{
    gops_counting_lines_t *cl = make_lines(NULL);
    uint32_t l = add_line(cl, "gate", 0, 0, 0, 10);
    move1(cl, -1.5f, 5, 1.5f, 5, 0.1); // 3 m in one step: a spawn or wrap, not a walk
    ck_assert_uint_eq(total(cl, l, GOPS_CROSS_LEFT_TO_RIGHT), 0);
    move1(cl, -0.9f, 5, 0.9f, 5, 0.2); // 1.8 m: within the default 2 m
    ck_assert_uint_eq(total(cl, l, GOPS_CROSS_LEFT_TO_RIGHT), 1);
    move1(cl, NAN, 5, 0.5f, 5, 0.3);
    ck_assert_uint_eq(total(cl, l, GOPS_CROSS_LEFT_TO_RIGHT), 1);
    gops_counting_lines_destroy(cl);
}
END_TEST

START_TEST(flow_over_window)
{
    gops_counting_lines_def_t def = gops_counting_lines_def_default();
    def.window_s = 5.0;
    gops_counting_lines_t *cl = make_lines(&def);
    ck_assert_double_eq_tol(gops_counting_lines_window_s(cl), 5.0, 1e-12);
    uint32_t l = add_line(cl, "exit", 0, 0, 0, 2);
    // Each step, 3 pedestrians: one crosses left to right on even steps, one right to
    // left on every 5th step, one walks beside the line.
    float x0[3], y0[3], x1[3], y1[3];
    int closed = 0;
    for (int s = 1; s <= 100; s++) {
        x0[0] = -0.05f, x1[0] = s % 2 == 0 ? 0.05f : -0.04f, y0[0] = y1[0] = 1;
        x0[1] = 0.05f, x1[1] = s % 5 == 0 ? -0.05f : 0.04f, y0[1] = y1[1] = 0.5f;
        x0[2] = x1[2] = 1, y0[2] = 0, y1[2] = 0.1f;
        if (gops_counting_lines_step(cl, x0, y0, x1, y1, 3, s * 0.1)) {
            closed++;
            const gops_counting_line_t *line = gops_counting_lines_get(cl, l);
            ck_assert_uint_eq(line->last_window[GOPS_CROSS_LEFT_TO_RIGHT], 25);
            ck_assert_uint_eq(line->last_window[GOPS_CROSS_RIGHT_TO_LEFT], 10);
            ck_assert_double_eq_tol(line->flow[GOPS_CROSS_LEFT_TO_RIGHT], 5.0, 1e-12);
            ck_assert_double_eq_tol(line->flow[GOPS_CROSS_RIGHT_TO_LEFT], 2.0, 1e-12);
        }
    }
    ck_assert_int_eq(closed, 2);
    const gops_counting_line_t *line = gops_counting_lines_get(cl, l);
    ck_assert_uint_eq(line->total[GOPS_CROSS_LEFT_TO_RIGHT], 50);
    ck_assert_uint_eq(line->total[GOPS_CROSS_RIGHT_TO_LEFT], 20);
    ck_assert_double_eq_tol(line->first_s[GOPS_CROSS_LEFT_TO_RIGHT], 0.2, 1e-12);
    ck_assert_double_eq_tol(line->last_s[GOPS_CROSS_LEFT_TO_RIGHT], 10.0, 1e-12);
    ck_assert_double_eq_tol(line->first_s[GOPS_CROSS_RIGHT_TO_LEFT], 0.5, 1e-12);
    ck_assert_uint_eq(line->window[GOPS_CROSS_LEFT_TO_RIGHT], 0);
    gops_counting_lines_destroy(cl);
}
END_TEST

START_TEST(no_crossing_times_before_first)
{
    gops_counting_lines_t *cl = make_lines(NULL);
    uint32_t l = add_line(cl, "gate", 0, 0, 0, 10);
    const gops_counting_line_t *line = gops_counting_lines_get(cl, l);
    ck_assert(isnan(line->first_s[GOPS_CROSS_LEFT_TO_RIGHT]));
    ck_assert(isnan(line->last_s[GOPS_CROSS_RIGHT_TO_LEFT]));
    gops_counting_lines_destroy(cl);
}
END_TEST

// A small deterministic generator for the random walk (tests only).
static uint64_t lcg_state;
static double lcg_uniform(void)
{
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(lcg_state >> 11) / 9007199254740992.0;
}

// The same rule, counted by brute force over every line.
static void brute_count(const gops_point_t *a, const gops_point_t *b, uint32_t lines, const float *x0,
                        const float *y0, const float *x1, const float *y1, uint32_t n, uint64_t (*counts)[2])
{
    for (uint32_t i = 0; i < n; i++) {
        gops_point_t p = {x0[i], y0[i]}, q = {x1[i], y1[i]};
        for (uint32_t l = 0; l < lines; l++) {
            int sp = gops_counting_side(a[l], b[l], p), sq = gops_counting_side(a[l], b[l], q);
            if (sp == sq) continue;
            double ex = b[l].x - a[l].x, ey = b[l].y - a[l].y;
            double dp = ex * (p.y - a[l].y) - ey * (p.x - a[l].x);
            double dq = ex * (q.y - a[l].y) - ey * (q.x - a[l].x);
            double t = dp / (dp - dq);
            double cx = p.x + t * (q.x - p.x), cy = p.y + t * (q.y - p.y);
            double u = ((cx - a[l].x) * ex + (cy - a[l].y) * ey) / (ex * ex + ey * ey);
            if (u >= 0 && u < 1) counts[l][sp > 0 ? 0 : 1]++;
        }
    }
}

START_TEST(lookup_matches_brute_force)
{
    enum { N = 2000, LINES = 6, STEPS = 400 };
    gops_point_t a[LINES] = {{0, 0}, {0, 10}, {-20, -20}, {5, -15}, {-7.3, 3.1}, {12, 12}};
    gops_point_t b[LINES] = {{0, 10}, {0, 20}, {20, 20}, {5.5, 15}, {-7.3, 3.2}, {-12, 12}};
    gops_counting_lines_t *cl = make_lines(NULL);
    char name[24];
    for (int l = 0; l < LINES; l++) {
        snprintf(name, sizeof name, "line %d", l);
        add_line(cl, name, a[l].x, a[l].y, b[l].x, b[l].y);
    }
    static float x0[N], y0[N], x1[N], y1[N];
    uint64_t expect[LINES][2];
    memset(expect, 0, sizeof expect);
    lcg_state = 42;
    for (int i = 0; i < N; i++) {
        x0[i] = (float)(lcg_uniform() * 50 - 25);
        y0[i] = (float)(lcg_uniform() * 50 - 25);
    }
    // Some pedestrians start exactly on lines.
    x0[0] = 0, y0[0] = 5;
    x0[1] = 0, y0[1] = 10;
    x0[2] = 1, y0[2] = 1;
    for (int s = 1; s <= STEPS; s++) {
        for (int i = 0; i < N; i++) {
            double r = lcg_uniform();
            // Mostly small steps, some parked, a few 3 m jumps that must not count.
            double len = r < 0.1 ? 0 : r < 0.98 ? 0.4 * lcg_uniform() : 3.0;
            double ang = lcg_uniform() * 6.283185307179586;
            x1[i] = (float)(x0[i] + len * cos(ang));
            y1[i] = (float)(y0[i] + len * sin(ang));
        }
        // The reference skips long jumps, as documented.
        static float bx0[N], by0[N], bx1[N], by1[N];
        uint32_t m = 0;
        for (int i = 0; i < N; i++) {
            double dx = (double)x1[i] - x0[i], dy = (double)y1[i] - y0[i];
            if (dx * dx + dy * dy > 4) continue;
            bx0[m] = x0[i], by0[m] = y0[i], bx1[m] = x1[i], by1[m] = y1[i];
            m++;
        }
        brute_count(a, b, LINES, bx0, by0, bx1, by1, m, expect);
        gops_counting_lines_step(cl, x0, y0, x1, y1, N, s * 0.1);
        memcpy(x0, x1, sizeof x0);
        memcpy(y0, y1, sizeof y0);
    }
    uint64_t sum = 0;
    for (int l = 0; l < LINES; l++) {
        const gops_counting_line_t *line = gops_counting_lines_get(cl, (uint32_t)l);
        ck_assert_uint_eq(line->total[0], expect[l][0]);
        ck_assert_uint_eq(line->total[1], expect[l][1]);
        sum += expect[l][0] + expect[l][1];
    }
    ck_assert_uint_gt(sum, 1000); // the walk really crosses the lines
    gops_counting_lines_destroy(cl);
}
END_TEST

START_TEST(grid_step_matches_plain_step)
{
    enum { N = 3000, LINES = 5, STEPS = 300 };
    gops_point_t a[LINES] = {{0, 0}, {-20, -20}, {5, -15}, {-7.3, 3.1}, {12, 12}};
    gops_point_t b[LINES] = {{0, 10}, {20, 20}, {5.5, 15}, {-7.3, 3.2}, {-12, 12}};
    gops_counting_lines_t *plain = make_lines(NULL), *gridded = make_lines(NULL);
    char name[24];
    for (int l = 0; l < LINES; l++) {
        snprintf(name, sizeof name, "line %d", l);
        add_line(plain, name, a[l].x, a[l].y, b[l].x, b[l].y);
        add_line(gridded, name, a[l].x, a[l].y, b[l].x, b[l].y);
    }
    gops_grid_t grid;
    ck_assert_int_eq(gops_grid_init(&grid, -30, -30, 60, 60, 1.25f), 0);
    static float x0[N], y0[N], x1[N], y1[N];
    lcg_state = 3;
    for (int i = 0; i < N; i++) {
        x0[i] = (float)(lcg_uniform() * 70 - 35); // some outside the grid, clamped
        y0[i] = (float)(lcg_uniform() * 70 - 35);
    }
    for (int s = 1; s <= STEPS; s++) {
        for (int i = 0; i < N; i++) {
            // Mostly walking steps; some up to the 2 m limit (they start farthest from the
            // line they cross); a few longer jumps that count nowhere.
            double r = lcg_uniform();
            double len = r < 0.85 ? 0.4 * lcg_uniform() : r < 0.97 ? 1.999 * lcg_uniform() : 2.5;
            double ang = lcg_uniform() * 6.283185307179586;
            x1[i] = (float)(x0[i] + len * cos(ang));
            y1[i] = (float)(y0[i] + len * sin(ang));
        }
        ck_assert_int_eq(gops_grid_build(&grid, x0, y0, N), 0);
        bool wa = gops_counting_lines_step(plain, x0, y0, x1, y1, N, s * 0.1);
        bool wb = gops_counting_lines_step_grid(gridded, &grid, x0, y0, x1, y1, N, s * 0.1);
        ck_assert_int_eq(wa, wb);
        memcpy(x0, x1, sizeof x0);
        memcpy(y0, y1, sizeof y0);
    }
    uint64_t sum = 0;
    for (uint32_t l = 0; l < LINES; l++)
        for (int d = 0; d < GOPS_CROSS_DIR_COUNT; d++) {
            const gops_counting_line_t *p = gops_counting_lines_get(plain, l), *g = gops_counting_lines_get(gridded, l);
            ck_assert_uint_eq(g->total[d], p->total[d]);
            ck_assert_uint_eq(g->last_window[d], p->last_window[d]);
            sum += p->total[d];
        }
    ck_assert_uint_gt(sum, 500);
    // A line added later is seen by the grid path too.
    add_line(gridded, "late", -1, -1, 1, 1);
    float px = -0.1f, py = 0.1f, qx = 0.1f, qy = -0.1f;
    ck_assert_int_eq(gops_grid_build(&grid, &px, &py, 1), 0);
    gops_counting_lines_step_grid(gridded, &grid, &px, &py, &qx, &qy, 1, 100);
    ck_assert_uint_eq(gops_counting_lines_get(gridded, LINES)->total[GOPS_CROSS_LEFT_TO_RIGHT], 1);
    gops_grid_free(&grid);
    gops_counting_lines_destroy(plain);
    gops_counting_lines_destroy(gridded);
}
END_TEST

START_TEST(net_flow_matches_sides)
{
    // A line longer than the walk's range: net crossings equal the change of sides.
    enum { N = 500 };
    gops_counting_lines_t *cl = make_lines(NULL);
    gops_point_t a = {0, -1000}, b = {0, 1000};
    uint32_t l = add_line(cl, "wall", a.x, a.y, b.x, b.y);
    static float x0[N], y0[N], x1[N], y1[N], sx[N], sy[N];
    lcg_state = 7;
    for (int i = 0; i < N; i++) {
        x0[i] = sx[i] = (float)(lcg_uniform() * 10 - 5);
        y0[i] = sy[i] = (float)(lcg_uniform() * 10 - 5);
    }
    for (int s = 1; s <= 300; s++) {
        for (int i = 0; i < N; i++) {
            x1[i] = (float)(x0[i] + (lcg_uniform() - 0.5) * 0.5);
            y1[i] = (float)(y0[i] + (lcg_uniform() - 0.5) * 0.5);
        }
        gops_counting_lines_step(cl, x0, y0, x1, y1, N, s * 0.1);
        memcpy(x0, x1, sizeof x0);
        memcpy(y0, y1, sizeof y0);
    }
    int64_t net = 0;
    for (int i = 0; i < N; i++) {
        int from = gops_counting_side(a, b, (gops_point_t){sx[i], sy[i]});
        int to = gops_counting_side(a, b, (gops_point_t){x0[i], y0[i]});
        net += (from > 0 && to < 0) - (from < 0 && to > 0);
    }
    const gops_counting_line_t *line = gops_counting_lines_get(cl, l);
    ck_assert_int_eq((int64_t)line->total[GOPS_CROSS_LEFT_TO_RIGHT] - (int64_t)line->total[GOPS_CROSS_RIGHT_TO_LEFT],
                     net);
    ck_assert_uint_gt(line->total[GOPS_CROSS_LEFT_TO_RIGHT], 100);
    gops_counting_lines_destroy(cl);
}
END_TEST

START_TEST(bad_lines_refused)
{
    gops_counting_lines_t *cl = make_lines(NULL);
    gops_error_t err;
    add_line(cl, "gate", 0, 0, 1, 0);
    ck_assert_int_eq(gops_counting_lines_add(cl, "gate", (gops_point_t){5, 5}, (gops_point_t){6, 5}, NULL, &err),
                     GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "already used"));
    ck_assert_int_eq(gops_counting_lines_add(cl, "dot", (gops_point_t){5, 5}, (gops_point_t){5, 5}, NULL, &err),
                     GOPS_BAD_VALUE);
    ck_assert_int_eq(gops_counting_lines_add(cl, "", (gops_point_t){5, 5}, (gops_point_t){6, 5}, NULL, &err),
                     GOPS_BAD_VALUE);
    char longname[GOPS_COUNTING_LINE_NAME_MAX + 1];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    ck_assert_int_eq(gops_counting_lines_add(cl, longname, (gops_point_t){5, 5}, (gops_point_t){6, 5}, NULL, &err),
                     GOPS_BAD_VALUE);
    ck_assert_int_eq(
        gops_counting_lines_add(cl, "inf", (gops_point_t){INFINITY, 5}, (gops_point_t){6, 5}, NULL, &err),
        GOPS_BAD_VALUE);
    ck_assert_uint_eq(gops_counting_lines_count(cl), 1);
    gops_counting_lines_destroy(cl);
    gops_counting_lines_def_t def = gops_counting_lines_def_default();
    def.window_s = 0;
    ck_assert_ptr_null(gops_counting_lines_create(&def, 0.1, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "window_s"));
    ck_assert_ptr_null(gops_counting_lines_create(NULL, -1, &err));
}
END_TEST

START_TEST(steps_without_lines)
{
    gops_counting_lines_t *cl = make_lines(NULL);
    float x = 0, y = 0;
    int closed = 0;
    for (int s = 1; s <= 250; s++) closed += gops_counting_lines_step(cl, &x, &y, &x, &y, 1, s * 0.1);
    ck_assert_int_eq(closed, 2);
    ck_assert_uint_eq(gops_counting_lines_count(cl), 0);
    gops_counting_lines_destroy(cl);
}
END_TEST

static Suite *counting_suite(void)
{
    Suite *s = suite_create("counting_line");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, side_rule);
    tcase_add_test(tc, directions);
    tcase_add_test(tc, point_on_line_counted_once);
    tcase_add_test(tc, segment_is_half_open);
    tcase_add_test(tc, long_jumps_not_counted);
    tcase_add_test(tc, flow_over_window);
    tcase_add_test(tc, no_crossing_times_before_first);
    tcase_add_test(tc, lookup_matches_brute_force);
    tcase_add_test(tc, grid_step_matches_plain_step);
    tcase_add_test(tc, net_flow_matches_sides);
    tcase_add_test(tc, bad_lines_refused);
    tcase_add_test(tc, steps_without_lines);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(counting_suite());
}
