// SPDX-License-Identifier: MIT
// Walking model suite: the speed function, parameter checks, free walking, following at the
// spacing-limited speed, the lateral and ahead rules, repulsion bending, one step of 500
// pedestrians against a brute-force O(n²) reference (the grid finds every neighbour that
// matters, also when the neighbour buffer overflows), bit-identical results on 1, 2 and 3
// threads, the wall constraint (thin walls, corners, sliding), periodic wrap-around, and
// coincident spawns.
#include "fixture.h"

#include "../validation/crowd_lab.h"
#include "core/hash.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static lab_t lab;
static gops_error_t err;

static void setup(void)
{
    lab_init(&lab, 11);
    gops_error_clear(&err);
}

static void teardown(void)
{
    lab_free(&lab);
}

// A 20 m × 20 m plaza.
static void open_plaza(void)
{
    ck_assert(lab_add_floor(&lab, 0, 0, 20, 20));
    ck_assert_msg(lab_build(&lab, &err), "%s", err.message);
}

static uint32_t add(float x, float y, float v0, float ex, float ey)
{
    uint32_t i = gops_pedestrians_add(&lab.peds, x, y, v0, 0.2f, GOPS_SPEED_UNDER_30);
    ck_assert_uint_ne(i, UINT32_MAX);
    lab.peds.ex[i] = ex, lab.peds.ey[i] = ey;
    return i;
}

static void step(int threads)
{
    ck_assert_msg(gops_walk_step(&lab.ctx, &lab.peds, &lab.params, LAB_DT, threads, &err) == GOPS_OK, "%s",
                  err.message);
}

static uint64_t state_hash(const gops_pedestrians_t *p)
{
    gops_hash_t h;
    gops_hash_init(&h);
    gops_pedestrians_hash(p, &h);
    return gops_hash_final(&h);
}

// ---- the speed function and parameters -------------------------------------------------

START_TEST(test_speed_function)
{
    ck_assert_float_eq_tol(gops_walk_speed(0.5f, 1.34f, 1.0f), 0.5f, 1e-7f);
    ck_assert_float_eq_tol(gops_walk_speed(0.3f, 1.34f, 0.5f), 0.6f, 1e-7f);
    ck_assert_float_eq(gops_walk_speed(2.0f, 1.34f, 1.0f), 1.34f);   // capped at v0
    ck_assert_float_eq(gops_walk_speed(INFINITY, 1.2f, 1.0f), 1.2f); // nobody ahead
    ck_assert_float_eq(gops_walk_speed(0.0f, 1.34f, 1.0f), 0.0f);
    ck_assert_float_eq(gops_walk_speed(-0.1f, 1.34f, 1.0f), 0.0f);   // overlap: stop, never back
    ck_assert_float_eq(gops_walk_speed(NAN, 1.34f, 1.0f), 0.0f);
}
END_TEST

START_TEST(test_params_checked)
{
    ck_assert(lab_add_floor(&lab, 0, 0, 10, 4));
    gops_walkable_def_t def = gops_walkable_def_default();
    def.cell_m = 0.1;
    lab.walk = gops_walkable_build(lab.map, &def, &err);
    ck_assert_ptr_nonnull(lab.walk);
    gops_walk_context_t ctx;
    gops_walk_params_t p = gops_walk_params_default();
    p.time_gap_s = 0;
    ck_assert_int_eq(gops_walk_context_init(&ctx, lab.walk, NULL, &p, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "time_gap_s = 0"));
    p = gops_walk_params_default();
    p.wall_margin_m = 0.06f; // more than half the 0.1 m cell
    ck_assert_int_eq(gops_walk_context_init(&ctx, lab.walk, NULL, &p, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "wall_margin_m"));
    p = gops_walk_params_default();
    p.periodic_x = 10; // the raster has no cutoff to spare at the ends
    ck_assert_int_eq(gops_walk_context_init(&ctx, lab.walk, NULL, &p, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "periodic interval [0, 10]"));
    gops_field_t wrong = {.dist = NULL, .count = 3};
    p = gops_walk_params_default();
    ck_assert_int_eq(gops_walk_context_init(&ctx, lab.walk, &wrong, &p, &err), GOPS_BAD_VALUE);
    ck_assert_int_eq(gops_walk_context_init(&ctx, lab.walk, NULL, &p, &err), GOPS_OK);
    gops_pedestrians_add(&lab.peds, 1, 1, 1, 0.2f, 0);
    ck_assert_int_eq(gops_walk_step(&ctx, &lab.peds, &p, 0, 1, &err), GOPS_BAD_VALUE);
    ck_assert_int_eq(gops_walk_step(&ctx, &lab.peds, &p, 1.5f, 1, &err), GOPS_BAD_VALUE);
    gops_walk_context_free(&ctx);
}
END_TEST

// ---- single pedestrians and pairs ----------------------------------------------------

START_TEST(test_free_walking)
{
    open_plaza();
    add(5, 10, 1.2f, 1, 0);
    uint32_t standing = add(10, 15, 1.2f, 0, 0);
    for (int s = 0; s < 10; s++) step(1);
    ck_assert_float_eq_tol(lab.peds.x[0], 6.2f, 1e-5f);
    ck_assert_float_eq(lab.peds.y[0], 10.0f);
    ck_assert_float_eq_tol(lab.peds.vx[0], 1.2f, 1e-4f);
    ck_assert_float_eq(lab.peds.vy[0], 0.0f);
    ck_assert_float_eq(lab.peds.wait[0], 0.0f);
    // No desired direction: stands, even with nobody around.
    ck_assert_float_eq(lab.peds.x[standing], 10.0f);
    ck_assert_float_eq(lab.peds.y[standing], 15.0f);
    ck_assert_float_eq(lab.peds.vx[standing], 0.0f);
}
END_TEST

START_TEST(test_following_speed)
{
    // A follower 1.0 m behind a standing pedestrian, both radius 0.2: gap 0.6 m, T = 1 s,
    // so 0.6 m/s. The leader's repulsion acts along -x and does not turn the follower.
    open_plaza();
    lab.params.time_gap_s = 1.0f;
    uint32_t f = add(5, 10, 1.34f, 1, 0);
    add(6, 10, 1.34f, 0, 0);
    step(1);
    ck_assert_float_eq_tol(lab.peds.vx[f], 0.6f, 1e-4f);
    ck_assert_float_eq_tol(lab.peds.x[f], 5.06f, 1e-5f);
    ck_assert_float_eq(lab.peds.y[f], 10.0f);
    // Half the time gap, twice the speed (the gap is now 0.54 m).
    lab.params.time_gap_s = 0.5f;
    step(1);
    ck_assert_float_eq_tol(lab.peds.vx[f], 1.08f, 1e-4f);
}
END_TEST

START_TEST(test_no_bounce_at_contact)
{
    // A walker closing on a standing pedestrian slows (gap / T) and settles where the
    // repulsion balances the desired direction, gap D·ln(a) = 0.208 m, without ever
    // stepping back (the 0.1 s step does not jump past the balance point).
    open_plaza();
    lab.params.time_gap_s = 0.5f;
    uint32_t f = add(5, 10, 1.34f, 1, 0);
    add(6, 10, 1.34f, 0, 0);
    float last = lab.peds.x[f];
    for (int s = 0; s < 200; s++) {
        step(1);
        ck_assert_float_ge(lab.peds.x[f], last);
        last = lab.peds.x[f];
    }
    float gap = 6.0f - lab.peds.x[f] - 0.4f;
    ck_assert_float_eq_tol(gap, 0.1f * logf(8.0f), 2e-3f);
    ck_assert_float_lt(fabsf(lab.peds.vx[f]), 1e-3f);
    // Stuck behind someone counts as waiting (patience), for most of the 20 s.
    ck_assert_float_gt(lab.peds.wait[f], 15.0f);
}
END_TEST

START_TEST(test_ahead_and_lateral_rules)
{
    open_plaza();
    lab.params.time_gap_s = 1.0f;
    // Laterally 0.45 m off the line of walking (more than r_i + r_j = 0.4): not in the way.
    uint32_t a = add(2, 5, 1.0f, 1, 0);
    add(2.8f, 5.45f, 1.0f, 0, 0);
    // Directly behind: ignored for speed.
    uint32_t b = add(2, 12, 1.0f, 1, 0);
    add(1.5f, 12, 1.0f, 0, 0);
    // Laterally 0.35 m off, 0.8 m ahead: limits the speed.
    uint32_t c = add(10, 17, 1.34f, 1, 0);
    add(10.8f, 17.35f, 1.0f, 0, 0);
    step(1);
    float va = hypotf(lab.peds.vx[a], lab.peds.vy[a]);
    float vb = hypotf(lab.peds.vx[b], lab.peds.vy[b]);
    float vc = hypotf(lab.peds.vx[c], lab.peds.vy[c]);
    ck_assert_float_eq_tol(va, 1.0f, 1e-4f);
    ck_assert_float_eq_tol(vb, 1.0f, 1e-4f);
    // Gap: distance 0.8757 minus 0.4, give or take the slight turn away from the neighbour.
    ck_assert_float_lt(vc, 0.5f);
    ck_assert_float_gt(vc, 0.45f);
    // Repulsion turns c away (to -y) from the neighbour on its left.
    ck_assert_float_lt(lab.peds.vy[c], 0.0f);
}
END_TEST

START_TEST(test_coincident_pair_separates)
{
    open_plaza();
    add(10, 10, 1.34f, 0, 1);
    add(10, 10, 1.34f, 0, 1);
    step(1);
    // Same spot: they part along x by index, deterministically, and nothing is NaN.
    ck_assert(isfinite(lab.peds.x[0]) && isfinite(lab.peds.x[1]));
    ck_assert_float_lt(lab.peds.x[0], 10.0f);
    ck_assert_float_gt(lab.peds.x[1], 10.0f);
    for (int s = 0; s < 30; s++) step(1);
    float d = hypotf(lab.peds.x[0] - lab.peds.x[1], lab.peds.y[0] - lab.peds.y[1]);
    ck_assert_float_gt(d, 0.35f);
}
END_TEST

// ---- against a brute-force reference -------------------------------------------------

typedef struct ref_state {
    float x[1200], y[1200];
} ref_state_t;

static ref_state_t ref;

// The keep-right turn by definition: the nearest oncoming neighbour (desired directions
// more than 120° apart) ahead in the path (lateral offset within the contact distance)
// with a gap below v0·T turns e0 to the right, tan(angle) = 2·(1 - gap/(v0·T)); nobody
// turns with more than the buffer's 256 neighbours within the query radius.
static void keep_right_reference(const gops_pedestrians_t *p, const gops_walk_params_t *prm, uint32_t i, float radius,
                                 double *e0x, double *e0y)
{
    double reach = (double)p->v0[i] * prm->time_gap_s, best = reach;
    bool oncoming = false;
    uint32_t within = 0;
    for (uint32_t j = 0; j < p->count; j++) {
        if (j == i) continue;
        double ax = (double)p->x[j] - p->x[i], ay = (double)p->y[j] - p->y[i];
        if (sqrt(ax * ax + ay * ay) > radius) continue;
        within++;
        double l = (double)p->radius[i] + p->radius[j], along = ax * *e0x + ay * *e0y, gap = along - l;
        if (along <= 0 || gap >= best || fabs(*e0x * ay - *e0y * ax) > l) continue;
        if (p->ex[j] * *e0x + p->ey[j] * *e0y >= -0.5) continue;
        best = gap, oncoming = true;
    }
    if (!oncoming || within > 256 || !(reach > 0)) return;
    double turn = 2.0 * (1.0 - fmax(best, 0) / reach);
    double dx = *e0x + turn * *e0y, dy = *e0y - turn * *e0x, norm = sqrt(dx * dx + dy * dy);
    *e0x = dx / norm, *e0y = dy / norm;
}

// Keep right early by definition: on a step where it looks (look_in 0), a walker counts
// everyone whose desired direction is more than 120° from its own, ahead between v0·T and
// the lookahead, within 0.8 m of the line of walking, in a neighbour-grid cell holding a
// point of that line at v0·T + k·cell (up to the lookahead + a cell), at most 3; otherwise
// it keeps the count of its last look. It turns e0 right, tan(angle) = count / 3.
static void keep_right_lane_reference(const gops_pedestrians_t *p, const gops_walk_params_t *prm,
                                      const gops_grid_t *g, uint32_t i, double *e0x, double *e0y)
{
    float ahead = p->v0[i] * prm->time_gap_s, far = prm->lane_lookahead_m;
    float fx = (float)*e0x, fy = (float)*e0y;
    if (!(ahead > 0) || !(far > ahead)) return;
    uint32_t count = p->oncoming[i];
    if (p->look_in[i] == 0) {
        uint32_t cells[64], ncells = 0;
        for (float d = ahead; d < far + g->cell && ncells < 64; d += g->cell) {
            int32_t cx, cy;
            gops_grid_cell_of(g, p->x[i] + fx * d, p->y[i] + fy * d, &cx, &cy);
            cells[ncells++] = (uint32_t)cy * (uint32_t)g->nx + (uint32_t)cx;
        }
        count = 0;
        for (uint32_t j = 0; j < p->count; j++) {
            int32_t cx, cy;
            gops_grid_cell_of(g, p->x[j], p->y[j], &cx, &cy);
            bool on_line = false;
            for (uint32_t c = 0; c < ncells; c++) on_line |= cells[c] == (uint32_t)cy * (uint32_t)g->nx + (uint32_t)cx;
            double ax = (double)p->x[j] - p->x[i], ay = (double)p->y[j] - p->y[i], along = ax * fx + ay * fy;
            if (j == i || !on_line || !(along > ahead && along <= far) || fabs(fx * ay - fy * ax) > 0.8) continue;
            count += p->ex[j] * fx + p->ey[j] * fy < -0.5;
        }
        count = count < 3 ? count : 3;
    }
    if (!count) return;
    double turn = count / 3.0;
    double dx = *e0x + turn * *e0y, dy = *e0y - turn * *e0x, norm = sqrt(dx * dx + dy * dy);
    *e0x = dx / norm, *e0y = dy / norm;
}

// One step of the model by definition: every pair, libm exp, no grid (but for the cells
// keep-right-early looks into), both keep-right turns,
// the step limit (the step ends before the direction's own component u·e, with every
// repulsion term following its exponential law along the step, would reach zero; found by
// the same bisection as the model, in double precision). Walls are far away.
static void reference_step(const gops_pedestrians_t *p, const gops_walk_params_t *prm, const gops_grid_t *g, float dt)
{
    uint32_t n = p->count;
    float rmax = 0;
    for (uint32_t i = 0; i < n; i++) rmax = fmaxf(rmax, p->radius[i]);
    float reach = 10 * prm->neighbour_range_m;
    static double cj[1200], kj[1200];
    for (uint32_t i = 0; i < n; i++) {
        ref.x[i] = p->x[i], ref.y[i] = p->y[i];
        if (p->ex[i] == 0 && p->ey[i] == 0) continue;
        float radius = fminf(prm->cutoff_m, p->radius[i] + rmax + fmaxf(p->v0[i] * prm->time_gap_s, reach));
        double e0x = p->ex[i], e0y = p->ey[i];
        keep_right_lane_reference(p, prm, g, i, &e0x, &e0y);
        keep_right_reference(p, prm, i, radius, &e0x, &e0y);
        double rx = 0, ry = 0;
        for (uint32_t j = 0; j < n; j++) {
            if (j == i) continue;
            double dx = (double)p->x[i] - p->x[j], dy = (double)p->y[i] - p->y[j], d = sqrt(dx * dx + dy * dy);
            double l = (double)p->radius[i] + p->radius[j];
            if (d > radius || d > l + reach) continue;
            double w = prm->neighbour_strength * exp((l - d) / prm->neighbour_range_m) / d;
            rx += w * dx, ry += w * dy;
        }
        double dirx = e0x + rx, diry = e0y + ry, norm = sqrt(dirx * dirx + diry * diry);
        double ex = dirx / norm, ey = diry / norm, s = INFINITY;
        uint32_t terms = 0;
        for (uint32_t j = 0; j < n; j++) {
            if (j == i) continue;
            double px = (double)p->x[j] - p->x[i], py = (double)p->y[j] - p->y[i], d = sqrt(px * px + py * py);
            double l = (double)p->radius[i] + p->radius[j];
            if (d > radius) continue;
            if (d <= l + reach) { // R_j·e and its rate along e
                double e = prm->neighbour_strength * exp((l - d) / prm->neighbour_range_m), ne = -(px * ex + py * ey) / d;
                cj[terms] = e * ne, kj[terms++] = ne / prm->neighbour_range_m;
            }
            if (ex * px + ey * py <= 0 || fabs(ex * py - ey * px) > l) continue;
            s = fmin(s, d - l);
        }
        double v = fmin(p->v0[i], fmax(0, s / prm->time_gap_s)), step = v * dt;
        double lo = 0, hi = step, delta = step;
        bool cut = false;
        for (int it = 0; it < 9; it++) { // the kernel's bisection for the point where u·e = 0
            double f = e0x * ex + e0y * ey;
            for (uint32_t m = 0; m < terms; m++) f += cj[m] * exp(-delta * kj[m]);
            if (f > 0) {
                if (it == 0) break;
                lo = delta;
            } else {
                hi = delta, cut = true;
            }
            delta = 0.5 * (lo + hi);
        }
        if (cut) step = lo;
        ref.x[i] = (float)(p->x[i] + ex * step), ref.y[i] = (float)(p->y[i] + ey * step);
    }
}

// n pedestrians at random in [x0, x0 + side]², random directions and free speeds.
static void scatter(uint32_t n, float x0, float side, uint64_t seed)
{
    gops_rng_t rng;
    gops_rng_seed(&rng, seed, GOPS_STREAM_CROWD);
    for (uint32_t i = 0; i < n; i++) {
        float x = (float)gops_rng_range(&rng, x0, x0 + side), y = (float)gops_rng_range(&rng, x0, x0 + side);
        double a = gops_rng_range(&rng, 0, 6.283185307179586);
        uint32_t k = add(x, y, (float)gops_rng_range(&rng, 0.6, 1.8), (float)cos(a), (float)sin(a));
        lab.peds.radius[k] = (float)gops_rng_range(&rng, 0.15, 0.25);
    }
}

static void compare_with_reference(float tol)
{
    float worst = 0;
    uint32_t worst_i = 0;
    for (uint32_t i = 0; i < lab.peds.count; i++) {
        float e = hypotf(lab.peds.x[i] - ref.x[i], lab.peds.y[i] - ref.y[i]);
        if (e > worst) worst = e, worst_i = i;
    }
    ck_assert_msg(worst <= tol, "pedestrian %u is %g m from the reference step", worst_i, (double)worst);
}

START_TEST(test_brute_force_reference)
{
    // 500 pedestrians at about 2 persons/m² (overlaps included), far from the walls.
    ck_assert(lab_add_floor(&lab, 0, 0, 40, 40));
    lab.params.time_gap_s = 0.8f;
    ck_assert_msg(lab_build(&lab, &err), "%s", err.message);
    scatter(500, 12, 16, 3);
    for (int s = 0; s < 5; s++) {
        reference_step(&lab.peds, &lab.params, &lab.ctx.grid, LAB_DT);
        step(1);
        compare_with_reference(2e-5f);
    }
}
END_TEST

START_TEST(test_buffer_overflow_matches_reference)
{
    // 1,000 pedestrians piled into 3 m × 3 m: each has more neighbours in reach than the
    // buffer holds, so the batched repulsion and the second spacing scan are exercised.
    ck_assert(lab_add_floor(&lab, 0, 0, 20, 20));
    ck_assert_msg(lab_build(&lab, &err), "%s", err.message);
    scatter(1000, 8.5f, 3, 5);
    reference_step(&lab.peds, &lab.params, &lab.ctx.grid, LAB_DT);
    step(1);
    compare_with_reference(2e-5f);
}
END_TEST

START_TEST(test_threads_bit_identical)
{
    // More pedestrians than one parallel chunk (4,096), so threads really split the work.
    ck_assert(lab_add_floor(&lab, 0, 0, 90, 90));
    ck_assert_msg(lab_build(&lab, &err), "%s", err.message);
    scatter(10000, 2, 86, 9);
    gops_pedestrians_t copy[3];
    uint64_t hash[3];
    for (int t = 0; t < 3; t++) {
        gops_pedestrians_init(&copy[t]);
        for (uint32_t i = 0; i < lab.peds.count; i++) {
            uint32_t k = gops_pedestrians_add(&copy[t], lab.peds.x[i], lab.peds.y[i], lab.peds.v0[i],
                                              lab.peds.radius[i], 0);
            copy[t].ex[k] = lab.peds.ex[i], copy[t].ey[k] = lab.peds.ey[i];
        }
        for (int s = 0; s < 10; s++)
            ck_assert_int_eq(gops_walk_step(&lab.ctx, &copy[t], &lab.params, LAB_DT, t + 1, &err), GOPS_OK);
        hash[t] = state_hash(&copy[t]);
    }
    ck_assert_uint_eq(hash[0], hash[1]);
    ck_assert_uint_eq(hash[0], hash[2]);
    // They did move.
    ck_assert_float_ne(copy[0].x[0], lab.peds.x[0]);
    for (int t = 0; t < 3; t++) gops_pedestrians_free(&copy[t]);
}
END_TEST

// ---- walls ---------------------------------------------------------------------------

START_TEST(test_path_clear)
{
    // Two rooms with a one-cell (0.1 m) wall between x = 5.0 and 5.1, and a door at the top.
    ck_assert(lab_add_floor(&lab, 0, 0, 5, 4) && lab_add_floor(&lab, 5.1, 0, 10, 4) &&
              lab_add_floor(&lab, 4.9, 3, 5.2, 4));
    ck_assert_msg(lab_build(&lab, &err), "%s", err.message);
    const gops_walkable_t *w = lab.walk;
    ck_assert(gops_walk_path_clear(w, 1, 1, 4.9, 1.2));
    ck_assert(!gops_walk_path_clear(w, 4.95, 1, 5.15, 1));   // through the wall, 0.2 m
    ck_assert(!gops_walk_path_clear(w, 4.99, 2.0, 5.11, 2.1));
    ck_assert(gops_walk_path_clear(w, 4.95, 3.5, 5.15, 3.5)); // through the door
    ck_assert(!gops_walk_path_clear(w, 9.9, 1, 10.1, 1));     // off the raster
    ck_assert(gops_walk_path_clear(w, 5.05, 1, 5.25, 1));     // starting on the wall is let out
    // Exactly through the corner where the wall meets the door (5.0, 3.0): the cell below
    // the corner on the right is wall, so the diagonal move is refused.
    ck_assert(!gops_walk_path_clear(w, 4.95, 2.95, 5.05, 3.05));
}
END_TEST

START_TEST(test_thin_wall_never_crossed)
{
    ck_assert(lab_add_floor(&lab, 0, 0, 5, 4) && lab_add_floor(&lab, 5.1, 0, 10, 4));
    ck_assert_msg(lab_build(&lab, &err), "%s", err.message);
    // Fast walkers (0.2 m per tick: two cells) straight and obliquely into the wall, with
    // the wall repulsion off so that only the hard constraint holds them.
    lab.params.wall_strength = 0;
    for (int k = 0; k < 8; k++)
        add(4.0f + 0.1f * (float)k, 0.45f * (float)k + 0.3f, 2.0f, k % 2 ? 0.958f : 1.0f, k % 2 ? 0.287f : 0.0f);
    for (int s = 0; s < 60; s++) {
        float px[8], py[8];
        memcpy(px, lab.peds.x, sizeof px);
        memcpy(py, lab.peds.y, sizeof py);
        step(1);
        ck_assert_uint_eq(lab_wall_crossings(&lab, px, py), 0);
        for (int i = 0; i < 8; i++) ck_assert_float_le(lab.peds.x[i], 5.0f - lab.params.wall_margin_m);
    }
    // A lone oblique walker slides along the wall (with the repulsion back on).
    lab.params.wall_strength = gops_walk_params_default().wall_strength;
    lab.peds.count = 0;
    uint32_t i = add(4.0f, 1.0f, 1.34f, 0.958f, 0.287f);
    for (int s = 0; s < 60; s++) step(1);
    ck_assert_float_le(lab.peds.x[i], 5.0f - lab.params.wall_margin_m);
    ck_assert_float_gt(lab.peds.x[i], 4.6f);
    ck_assert_float_gt(lab.peds.y[i], 2.0f);
}
END_TEST

START_TEST(test_wall_repulsion_and_corner)
{
    // L-shaped floor; walkers aim diagonally across the inner corner at (4, 2).
    ck_assert(lab_add_floor(&lab, 0, 0, 6, 2) && lab_add_floor(&lab, 4, 0, 6, 6));
    ck_assert_msg(lab_build(&lab, &err), "%s", err.message);
    for (int k = 0; k < 5; k++) add(1.0f + 0.5f * (float)k, 1.0f + 0.15f * (float)k, 1.5f, 0.6f, 0.8f);
    for (int s = 0; s < 100; s++) {
        float px[5], py[5];
        memcpy(px, lab.peds.x, sizeof px);
        memcpy(py, lab.peds.y, sizeof py);
        step(1);
        ck_assert_uint_eq(lab_wall_crossings(&lab, px, py), 0);
        for (int i = 0; i < 5; i++) ck_assert(lab_walkable_at(&lab, lab.peds.x[i], lab.peds.y[i]));
    }
    // Walking along a wall at 0.25 m: the wall pushes the direction away from it (+y).
    lab_free(&lab);
    lab_init(&lab, 1);
    open_plaza();
    uint32_t i = add(5, 0.26f, 1.0f, 1, 0);
    step(1);
    ck_assert_float_gt(lab.peds.vy[i], 0.0f);
    ck_assert_float_gt(lab.peds.vx[i], 0.9f);
}
END_TEST

// ---- periodic corridors ----------------------------------------------------------------

START_TEST(test_periodic_wrap)
{
    lab.params.periodic_x = 30;
    lab.params.periodic_min_x = 0;
    lab.params.time_gap_s = 1.0f;
    ck_assert(lab_add_floor(&lab, -2.5, 0, 32.5, 4));
    ck_assert_msg(lab_build(&lab, &err), "%s", err.message);
    uint32_t a = add(29.95f, 1.0f, 1.0f, 1, 0);
    // Across the seam: b is 0.7 m ahead of c, which limits c to (0.7 - 0.4) / 1 s.
    uint32_t c = add(29.9f, 3.0f, 1.34f, 1, 0);
    add(0.6f, 3.0f, 1.34f, 0, 0);
    step(1);
    ck_assert_float_eq_tol(lab.peds.x[a], 0.05f, 1e-5f); // wrapped into [0, 30)
    ck_assert_float_eq_tol(lab.peds.vx[a], 1.0f, 1e-4f);
    ck_assert_float_eq_tol(lab.peds.vx[c], 0.3f, 1e-4f);
    ck_assert_float_lt(lab.peds.x[c], 30.0f);
}
END_TEST

// ---- the queue gap -------------------------------------------------------------------

static uint8_t tags[64]; // 0: walking (the hold tag), nobody lingers

static uint32_t add_body(float x, float y, float ex, float ey)
{
    uint32_t i = gops_pedestrians_add(&lab.peds, x, y, 1.34f, lab.params.default_radius_m, GOPS_SPEED_UNDER_30);
    ck_assert_uint_lt(i, sizeof tags);
    lab.peds.ex[i] = ex, lab.peds.ey[i] = ey;
    return i;
}

static void tag_walkers(void)
{
    memset(tags, 0, sizeof tags);
    lab.ctx.tags = tags, lab.ctx.hold_tag = 0, lab.ctx.aside_tag = 1;
}

typedef struct kerb_wait {
    float density;    ///< walkers per m² in the 2 m behind the kerb
    float spacing;    ///< mean centre distance from a walker there to its nearest neighbour, m
    uint32_t queueing;
} kerb_wait_t;

// A 4 m wide sidewalk ends at a kerb (x = 15) where a row of six people stands held for the
// green; 40 walkers come up behind them and wait for 60 s.
static kerb_wait_t wait_at_kerb(float gap)
{
    lab_free(&lab);
    lab_init(&lab, 5);
    lab.params.queue_gap_m = gap;
    ck_assert(lab_add_floor(&lab, 0, 8, 20, 12));
    ck_assert_msg(lab_build(&lab, &err), "%s", err.message);
    tag_walkers();
    for (int k = 0; k < 6; k++) add_body(15.2f, 8.4f + 0.64f * (float)k, 0, 0);
    for (int c = 0; c < 8; c++)
        for (int r = 0; r < 5; r++) add_body(3.0f + 0.9f * (float)c, 8.5f + 0.75f * (float)r, 1, 0);
    for (int s = 0; s < 600; s++) step(2);
    kerb_wait_t out = {0};
    uint32_t near_kerb = 0;
    for (uint32_t i = 6; i < lab.peds.count; i++) {
        out.queueing += lab.peds.queueing[i];
        if (!(lab.peds.x[i] >= 13.2f)) continue;
        float best = INFINITY;
        for (uint32_t j = 0; j < lab.peds.count; j++)
            if (j != i) best = fminf(best, hypotf(lab.peds.x[i] - lab.peds.x[j], lab.peds.y[i] - lab.peds.y[j]));
        out.spacing += best;
        near_kerb++;
    }
    out.density = (float)near_kerb / 8.0f;
    out.spacing /= (float)(near_kerb ? near_kerb : 1);
    return out;
}

START_TEST(test_queue_gap_spreads_a_waiting_crowd)
{
    kerb_wait_t packed = wait_at_kerb(0), spread = wait_at_kerb(0.15f);
    fprintf(stderr, "kerb wait: %.2f /m², spacing %.2f m without the gap; %.2f /m², %.2f m and %u queueing with it\n",
           (double)packed.density, (double)packed.spacing, (double)spread.density, (double)spread.spacing,
           spread.queueing);
    ck_assert_uint_eq(packed.queueing, 0);
    ck_assert_float_lt(packed.spacing, 0.53f);
    ck_assert_float_gt(spread.spacing, 0.58f);
    ck_assert_float_lt(spread.density, 2.8f);
    ck_assert_float_gt(packed.density, spread.density + 0.5f);
    ck_assert_uint_ge(spread.queueing, 30);
    // The green: the row walks on, and so does the queue behind it.
    for (uint32_t i = 0; i < 6; i++) lab.peds.ex[i] = 1;
    for (int s = 0; s < 30; s++) step(1);
    uint32_t still = 0;
    for (uint32_t i = 0; i < lab.peds.count; i++) still += lab.peds.queueing[i];
    ck_assert_uint_lt(still, 5);
}
END_TEST

START_TEST(test_queue_gap_lets_passers_by)
{
    // Someone held stands on a plaza; walkers pass it 0.2 and 0.35 m off their line (inside
    // its body as others see it, 0.14 + 0.14 + 0.15 m): they slide round it as round any body.
    open_plaza();
    tag_walkers();
    add_body(10, 10, 0, 0);
    uint32_t a = add_body(4, 10.2f, 1, 0), b = add_body(4, 9.65f, 1, 0);
    for (int s = 0; s < 150; s++) step(1);
    ck_assert_float_gt(lab.peds.x[a], 12.0f);
    ck_assert_float_gt(lab.peds.x[b], 12.0f);
    ck_assert_uint_eq(lab.peds.queueing[a] + lab.peds.queueing[b], 0);
}
END_TEST

static Suite *walk_suite(void)
{
    Suite *s = suite_create("walk");
    TCase *tc = tcase_create("model");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_speed_function);
    tcase_add_test(tc, test_params_checked);
    tcase_add_test(tc, test_free_walking);
    tcase_add_test(tc, test_following_speed);
    tcase_add_test(tc, test_no_bounce_at_contact);
    tcase_add_test(tc, test_ahead_and_lateral_rules);
    tcase_add_test(tc, test_coincident_pair_separates);
    tcase_add_test(tc, test_brute_force_reference);
    tcase_add_test(tc, test_buffer_overflow_matches_reference);
    tcase_add_test(tc, test_threads_bit_identical);
    tcase_add_test(tc, test_path_clear);
    tcase_add_test(tc, test_thin_wall_never_crossed);
    tcase_add_test(tc, test_wall_repulsion_and_corner);
    tcase_add_test(tc, test_periodic_wrap);
    tcase_add_test(tc, test_queue_gap_spreads_a_waiting_crowd);
    tcase_add_test(tc, test_queue_gap_lets_passers_by);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(walk_suite());
}
