// SPDX-License-Identifier: MIT
// Laboratory set-ups for validating the walking model against published data: a periodic
// corridor (Weidmann's fundamental diagram), a room with a bottleneck (Seyfried 2009), the
// RiMEA corridor (test 1) and left corner (test 6). Geometry is built as a map of plaza
// polygons, rasterised, with wall-distance and exit fields. Header-only static helpers so
// the Check suites and the validation scenarios share one definition; no assertions here.
#ifndef GOPS_TESTS_CROWD_LAB_H
#define GOPS_TESTS_CROWD_LAB_H

#include "core/rng.h"
#include "crowd/field.h"
#include "crowd/pedestrians.h"
#include "crowd/walk.h"
#include "world/map.h"
#include "world/walkable.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define LAB_MAX_FEATURES 16
#define LAB_CELL_M 0.1   ///< raster cell for every lab set-up, m
#define LAB_DT 0.1f      ///< the simulator's pedestrian tick, s

/// One laboratory: map, raster, fields, walking state. Zero-initialise, then lab_* calls.
typedef struct lab {
    gops_map_t *map;
    gops_walkable_t *walk;
    gops_field_t wall;     ///< distance to walls
    gops_field_t exit;     ///< distance to the exit cells (dist NULL when there is no exit)
    gops_walk_params_t params;
    gops_walk_context_t ctx;
    bool ctx_ready;
    gops_pedestrians_t peds;
    gops_rng_t rng;
    float fixed_ex, fixed_ey; ///< desired direction when there is no exit field
    double t;                 ///< simulated time, s
    uint64_t steps;
} lab_t;

// ---- geometry ------------------------------------------------------------------------

static inline void lab_init(lab_t *lab, uint64_t seed)
{
    memset(lab, 0, sizeof *lab);
    lab->params = gops_walk_params_default();
    gops_pedestrians_init(&lab->peds);
    gops_rng_seed(&lab->rng, seed, GOPS_STREAM_CROWD);
    lab->map = calloc(1, sizeof *lab->map);
    if (lab->map) {
        lab->map->features = calloc(LAB_MAX_FEATURES, sizeof *lab->map->features);
        lab->map->path = strdup("lab geometry");
        lab->map->min_x = lab->map->min_y = INFINITY;
        lab->map->max_x = lab->map->max_y = -INFINITY;
    }
}

/// Adds the walkable rectangle [x0, x1] × [y0, y1] (m) as a plaza polygon.
static inline bool lab_add_floor(lab_t *lab, double x0, double y0, double x1, double y1)
{
    gops_map_t *m = lab->map;
    if (!m || !m->features || m->feature_count >= LAB_MAX_FEATURES) return false;
    gops_feature_t *f = &m->features[m->feature_count];
    f->kind = GOPS_FEAT_PLAZA;
    f->index = m->feature_count++;
    f->shape.rings = calloc(1, sizeof *f->shape.rings);
    if (!f->shape.rings) return false;
    f->shape.ring_count = 1;
    gops_point_t *pts = malloc(4 * sizeof *pts);
    if (!pts) return false;
    pts[0] = (gops_point_t){x0, y0}, pts[1] = (gops_point_t){x1, y0};
    pts[2] = (gops_point_t){x1, y1}, pts[3] = (gops_point_t){x0, y1}; // counter-clockwise
    f->shape.rings[0] = (gops_path_t){pts, 4};
    f->at = (gops_point_t){(x0 + x1) / 2, (y0 + y1) / 2};
    m->min_x = fmin(m->min_x, x0), m->min_y = fmin(m->min_y, y0);
    m->max_x = fmax(m->max_x, x1), m->max_y = fmax(m->max_y, y1);
    return true;
}

/// Rasterises the floor (LAB_CELL_M), computes the wall distance and sets up walking with
/// lab->params (set those first). False with err set on failure.
static inline bool lab_build(lab_t *lab, gops_error_t *err)
{
    gops_walkable_def_t def = gops_walkable_def_default();
    def.cell_m = LAB_CELL_M;
    lab->walk = gops_walkable_build(lab->map, &def, err);
    if (!lab->walk) return false;
    if (gops_field_wall_distance(lab->walk, &lab->wall, err) != GOPS_OK) return false;
    if (gops_walk_context_init(&lab->ctx, lab->walk, &lab->wall, &lab->params, err) != GOPS_OK) return false;
    lab->ctx_ready = true;
    return true;
}

/// Exit field: distance to the walkable cells whose centres lie in [x0, x1] × [y0, y1].
static inline bool lab_set_exit(lab_t *lab, double x0, double y0, double x1, double y1, gops_error_t *err)
{
    const gops_walkable_t *w = lab->walk;
    uint32_t *src = malloc((size_t)w->count * sizeof *src), n = 0;
    if (!src) return false;
    for (uint32_t k = 0; k < w->count; k++) {
        gops_point_t c = gops_walkable_centre(w, w->cells[k]);
        if (c.x >= x0 && c.x <= x1 && c.y >= y0 && c.y <= y1) src[n++] = k;
    }
    gops_status_t st = gops_field_compute(w, src, n, NULL, NULL, &lab->exit, err);
    free(src);
    return st == GOPS_OK;
}

static inline void lab_free(lab_t *lab)
{
    if (lab->ctx_ready) gops_walk_context_free(&lab->ctx);
    gops_field_free(&lab->wall);
    gops_field_free(&lab->exit);
    gops_walkable_destroy(lab->walk);
    gops_map_destroy(lab->map);
    gops_pedestrians_free(&lab->peds);
    memset(lab, 0, sizeof *lab);
}

// ---- people --------------------------------------------------------------------------

/// Free speed ~ N(mean, sd) clipped to [0.5, 2.0] m/s (sd 0: exactly mean).
static inline float lab_free_speed(lab_t *lab, double mean, double sd)
{
    if (sd <= 0) return (float)mean;
    double v = mean + sd * gops_rng_normal(&lab->rng);
    return (float)fmin(2.0, fmax(0.5, v));
}

/// True when (x, y) is at least `clear` (m) from walls (by the wall field) and from every
/// pedestrian's body (centre distance >= clear + their radius), ignoring periodicity.
static inline bool lab_free_spot(const lab_t *lab, double x, double y, double clear)
{
    float d = gops_field_sample(lab->walk, &lab->wall, (float)x, (float)y);
    if (!(d >= clear)) return false;
    for (uint32_t j = 0; j < lab->peds.count; j++) {
        double dx = x - lab->peds.x[j], dy = y - lab->peds.y[j], need = clear + lab->peds.radius[j];
        if (dx * dx + dy * dy < need * need) return false;
    }
    return true;
}

/// Places `count` pedestrians uniformly at random in [x0, x1] × [y0, y1] without overlaps
/// (random sequential addition); false when a spot cannot be found.
static inline bool lab_spawn_random(lab_t *lab, uint32_t count, double x0, double y0, double x1, double y1, double v0_mean,
                             double v0_sd)
{
    float r = lab->params.default_radius_m;
    for (uint32_t n = 0; n < count; n++) {
        bool placed = false;
        for (int attempt = 0; attempt < 10000 && !placed; attempt++) {
            double x = gops_rng_range(&lab->rng, x0, x1), y = gops_rng_range(&lab->rng, y0, y1);
            if (!lab_free_spot(lab, x, y, r + 0.01)) continue;
            placed = gops_pedestrians_add(&lab->peds, (float)x, (float)y, lab_free_speed(lab, v0_mean, v0_sd), r,
                                          GOPS_SPEED_UNDER_30) != UINT32_MAX;
        }
        if (!placed) return false;
    }
    return true;
}

/// Places `count` pedestrians on a jittered lattice filling [x0, x1] × [y0, y1] (m), rows
/// across y; for densities too high for random placement.
static inline bool lab_spawn_lattice(lab_t *lab, uint32_t count, double x0, double y0, double x1, double y1, double v0_mean,
                              double v0_sd)
{
    double w = x1 - x0, h = y1 - y0;
    uint32_t rows = (uint32_t)fmax(1, floor(sqrt((double)count * h / w) + 0.5));
    uint32_t cols = (count + rows - 1) / rows;
    double dx = w / cols, dy = h / rows;
    float r = lab->params.default_radius_m;
    for (uint32_t n = 0; n < count; n++) {
        uint32_t row = n % rows, col = n / rows;
        double jx = gops_rng_range(&lab->rng, -0.1, 0.1) * dx, jy = gops_rng_range(&lab->rng, -0.1, 0.1) * dy;
        double x = x0 + (col + 0.5) * dx + jx, y = y0 + (row + 0.5) * dy + jy;
        if (gops_pedestrians_add(&lab->peds, (float)x, (float)y, lab_free_speed(lab, v0_mean, v0_sd), r,
                                 GOPS_SPEED_UNDER_30) == UINT32_MAX)
            return false;
    }
    return true;
}

// ---- stepping ------------------------------------------------------------------------

/// Desired directions: down the exit field, or the fixed direction when there is none.
static inline void lab_steer(lab_t *lab)
{
    gops_pedestrians_t *p = &lab->peds;
    for (uint32_t i = 0; i < p->count; i++) {
        if (!lab->exit.dist) {
            p->ex[i] = lab->fixed_ex, p->ey[i] = lab->fixed_ey;
            continue;
        }
        gops_field_descent(lab->walk, &lab->exit, p->x[i], p->y[i], &p->ex[i], &p->ey[i]);
    }
}

/// Steers and walks one tick.
static inline bool lab_step(lab_t *lab, int threads, gops_error_t *err)
{
    lab_steer(lab);
    if (gops_walk_step(&lab->ctx, &lab->peds, &lab->params, LAB_DT, threads, err) != GOPS_OK) return false;
    lab->t += LAB_DT;
    lab->steps++;
    return true;
}

/// Removes pedestrians whose centre lies in [x0, x1] × [y0, y1]; returns how many.
static inline uint32_t lab_remove_in(lab_t *lab, double x0, double y0, double x1, double y1)
{
    uint32_t removed = 0;
    for (uint32_t i = lab->peds.count; i-- > 0;) {
        double x = lab->peds.x[i], y = lab->peds.y[i];
        if (x >= x0 && x <= x1 && y >= y0 && y <= y1) {
            gops_pedestrians_remove(&lab->peds, i);
            removed++;
        }
    }
    return removed;
}

// ---- invariants ----------------------------------------------------------------------

/// True when (x, y) lies in a walkable cell.
static inline bool lab_walkable_at(const lab_t *lab, double x, double y)
{
    uint32_t c = gops_walkable_cell_at(lab->walk, (gops_point_t){x, y});
    return c != GOPS_WALKABLE_NONE && gops_walkable_is_set(lab->walk, c);
}

/// Wall crossings of the last step: moves from (px, py) to the current positions that leave
/// the walkable cells, checked at 64 points along each move (independently of the model's
/// own traversal). Periodic wraps are undone first.
static inline uint32_t lab_wall_crossings(const lab_t *lab, const float *px, const float *py)
{
    uint32_t bad = 0;
    float period = lab->params.periodic_x;
    for (uint32_t i = 0; i < lab->peds.count; i++) {
        double x1 = lab->peds.x[i], y1 = lab->peds.y[i], x0 = px[i], y0 = py[i];
        if (period > 0 && fabs(x1 - x0) > period / 2) x1 += x1 < x0 ? period : -period;
        bool ok = true;
        for (int s = 0; s <= 64 && ok; s++) ok = lab_walkable_at(lab, x0 + (x1 - x0) * s / 64, y0 + (y1 - y0) * s / 64);
        bad += !ok;
    }
    return bad;
}

/// Deepest body overlap (m): max over pairs of (r_i + r_j) - distance, or 0; periodic in x.
static inline double lab_max_overlap(const lab_t *lab)
{
    const gops_pedestrians_t *p = &lab->peds;
    float period = lab->params.periodic_x;
    double worst = 0;
    for (uint32_t i = 0; i < p->count; i++)
        for (uint32_t j = i + 1; j < p->count; j++) {
            double dx = fabs((double)p->x[i] - p->x[j]), dy = (double)p->y[i] - p->y[j];
            if (period > 0 && dx > period / 2) dx = period - dx;
            double l = (double)p->radius[i] + p->radius[j];
            if (dx >= l || fabs(dy) >= l) continue;
            double depth = l - sqrt(dx * dx + dy * dy);
            if (depth > worst) worst = depth;
        }
    return worst;
}

// ---- the set-ups ---------------------------------------------------------------------

/// Periodic corridor 30 m × 4 m (the floor runs 2.5 m further at each end so walls exist
/// only along y), `density` persons/m² placed uniformly at random without overlaps, walking
/// +x. Random, not a lattice: the model keeps a lattice's lanes, which real crowds do not
/// have (a square lattice gives speeds (1/sqrt(ρ) - 2r) / T, far off Weidmann at ρ <= 2).
static inline bool lab_corridor(lab_t *lab, double density, double v0_mean, double v0_sd, gops_error_t *err)
{
    lab->params.periodic_x = 30;
    lab->params.periodic_min_x = 0;
    lab->fixed_ex = 1, lab->fixed_ey = 0;
    if (!lab_add_floor(lab, -2.5, 0, 32.5, 4) || !lab_build(lab, err)) return false;
    uint32_t count = (uint32_t)floor(density * 30 * 4 + 0.5);
    if (lab_spawn_random(lab, count, 0, 0, 30, 4, v0_mean, v0_sd)) return true;
    // Too dense for random placement (large bodies): a jittered lattice instead.
    lab->peds.count = 0;
    double clear = lab->params.default_radius_m + 0.02;
    return lab_spawn_lattice(lab, count, 0, clear, 30, 4 - clear, v0_mean, v0_sd);
}

/// Mean speed along the corridor (m/s) over `window_s` after `warmup_s`; also the deepest
/// overlap seen (sampled every second) and the wall crossings.
typedef struct lab_corridor_result {
    double mean_vx;        ///< m/s, mean of x-velocity over pedestrians and ticks
    double max_overlap_m;  ///< deepest overlap sampled in the window
    uint32_t crossings;
    double min_speed, max_speed; ///< extremes of |v| over the window, m/s
} lab_corridor_result_t;

static inline bool lab_corridor_run(lab_t *lab, double warmup_s, double window_s, int threads,
                             lab_corridor_result_t *out, gops_error_t *err)
{
    memset(out, 0, sizeof *out);
    out->min_speed = INFINITY;
    uint32_t n = lab->peds.count;
    float *px = malloc(n * sizeof *px), *py = malloc(n * sizeof *py);
    if (!px || !py) {
        free(px), free(py);
        return false;
    }
    uint64_t warm = (uint64_t)floor(warmup_s / LAB_DT + 0.5), total = warm + (uint64_t)floor(window_s / LAB_DT + 0.5);
    double sum = 0;
    uint64_t samples = 0;
    bool ok = true;
    for (uint64_t s = 0; s < total && ok; s++) {
        memcpy(px, lab->peds.x, n * sizeof *px);
        memcpy(py, lab->peds.y, n * sizeof *py);
        ok = lab_step(lab, threads, err);
        out->crossings += lab_wall_crossings(lab, px, py);
        if (s < warm) continue;
        for (uint32_t i = 0; i < n; i++) {
            double vx = lab->peds.vx[i], vy = lab->peds.vy[i], v = sqrt(vx * vx + vy * vy);
            sum += vx;
            out->min_speed = fmin(out->min_speed, v);
            out->max_speed = fmax(out->max_speed, v);
        }
        samples += n;
        if ((s - warm) % 10 == 0) out->max_overlap_m = fmax(out->max_overlap_m, lab_max_overlap(lab));
    }
    out->mean_vx = samples ? sum / (double)samples : 0;
    free(px), free(py);
    return ok;
}

/// Weidmann (1993): v(ρ) = 1.34·[1 − exp(−1.913·(1/ρ − 1/5.4))], m/s.
static inline double lab_weidmann(double density)
{
    return 1.34 * (1 - exp(-1.913 * (1 / density - 1 / 5.4)));
}

/// Room 8 m × 8 m → bottleneck `width` m wide and 0.4 m long (centred on y = 4.025, so
/// its edges fall between cell centres and it rasterises to exactly `width`) → 4 m exit
/// area. `count` pedestrians start in the room's back 6 m; the exit is the far wall.
#define LAB_BN_X 8.0     ///< bottleneck entry, m
#define LAB_BN_LEN 0.4   ///< bottleneck length, m
static inline bool lab_bottleneck(lab_t *lab, double width, uint32_t count, gops_error_t *err)
{
    double yc = 4.025, x1 = LAB_BN_X + LAB_BN_LEN;
    if (!lab_add_floor(lab, 0, 0, LAB_BN_X, 8) || !lab_add_floor(lab, LAB_BN_X, yc - width / 2, x1, yc + width / 2) ||
        !lab_add_floor(lab, x1, 0, x1 + 4, 8) || !lab_build(lab, err) ||
        !lab_set_exit(lab, x1 + 3.5, 0, x1 + 4, 8, err))
        return false;
    double clear = lab->params.default_radius_m + 0.02;
    return lab_spawn_lattice(lab, count, 0.5, clear, LAB_BN_X - 0.5, 8 - clear, 1.34, 0.26);
}

typedef struct lab_bottleneck_result {
    uint32_t passed;      ///< pedestrians through the bottleneck
    double flow;          ///< persons/s between the 10th and the (passed-10)th passage
    double specific_flow; ///< flow / width, persons/(m·s)
    uint32_t crossings;   ///< wall crossings (must be 0)
    double end_s;         ///< when the last one passed, s
} lab_bottleneck_result_t;

/// Runs until everyone passed the bottleneck exit line x = LAB_BN_X + LAB_BN_LEN, or
/// `limit_s`; pedestrians are removed 2 m after it.
static inline bool lab_bottleneck_run(lab_t *lab, double width, double limit_s, int threads,
                               lab_bottleneck_result_t *out, gops_error_t *err)
{
    memset(out, 0, sizeof *out);
    uint32_t total = lab->peds.count;
    double *times = malloc((total + 1) * sizeof *times);
    float *px = malloc((total + 1) * sizeof *px), *py = malloc((total + 1) * sizeof *py);
    bool *passed = calloc(total + 1, sizeof *passed);
    bool ok = times && px && py && passed;
    double line = LAB_BN_X + LAB_BN_LEN;
    while (ok && out->passed < total && lab->t < limit_s) {
        uint32_t n = lab->peds.count;
        memcpy(px, lab->peds.x, n * sizeof *px);
        memcpy(py, lab->peds.y, n * sizeof *py);
        ok = lab_step(lab, threads, err);
        out->crossings += lab_wall_crossings(lab, px, py);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t id = lab->peds.id[i]; // ids run 1..total
            if (!passed[id] && px[i] < line && lab->peds.x[i] >= line) {
                passed[id] = true;
                times[out->passed++] = lab->t;
            }
        }
        lab_remove_in(lab, line + 2, -1, 1e9, 1e9);
    }
    if (ok && out->passed > 25) {
        uint32_t a = 10, b = out->passed - 10;
        out->flow = (b - a) / (times[b - 1] - times[a - 1]);
        out->specific_flow = out->flow / width;
        out->end_s = times[out->passed - 1];
    }
    free(times), free(px), free(py), free(passed);
    return ok;
}

/// RiMEA test 1: corridor 2 m × 40 m, one person at x = 0.5 m with 1.33 m/s toward the far
/// end. Returns the time (s) until its centre passes x = 39.5 m (39 m walked), or -1.
static inline double lab_rimea1(int threads, gops_error_t *err)
{
    lab_t lab;
    lab_init(&lab, 1);
    double t = -1;
    if (lab_add_floor(&lab, 0, 0, 40, 2) && lab_build(&lab, err) && lab_set_exit(&lab, 39.8, 0, 40, 2, err) &&
        gops_pedestrians_add(&lab.peds, 0.5f, 1.0f, 1.33f, lab.params.default_radius_m, GOPS_SPEED_UNDER_30) == 0) {
        while (lab.t < 100 && lab_step(&lab, threads, err))
            if (lab.peds.x[0] >= 39.5) {
                t = lab.t;
                break;
            }
    }
    lab_free(&lab);
    return t;
}

/// RiMEA test 6: a 2 m wide corridor, 12 m east then 12 m north (a left turn), 20 persons
/// placed at random in the first 6 m, exit at the north end. Counts wall crossings and
/// pedestrians off the walkable cells after every tick.
typedef struct lab_corner_result {
    uint32_t arrived;    ///< reached the exit
    uint32_t crossings;  ///< step segments leaving the walkable cells
    uint32_t off_floor;  ///< pedestrian-ticks outside walkable cells
    double max_overlap_m;
    double end_s;
} lab_corner_result_t;

static inline bool lab_rimea6(uint64_t seed, int threads, lab_corner_result_t *out, gops_error_t *err)
{
    memset(out, 0, sizeof *out);
    lab_t lab;
    lab_init(&lab, seed);
    float px[32], py[32];
    bool ok = lab_add_floor(&lab, 0, 0, 12, 2) && lab_add_floor(&lab, 10, 0, 12, 12) && lab_build(&lab, err) &&
              lab_set_exit(&lab, 10, 11.6, 12, 12, err) && lab_spawn_random(&lab, 20, 0, 0, 6, 2, 1.34, 0.26);
    while (ok && lab.peds.count > 0 && lab.t < 120) {
        uint32_t n = lab.peds.count;
        memcpy(px, lab.peds.x, n * sizeof *px);
        memcpy(py, lab.peds.y, n * sizeof *py);
        ok = lab_step(&lab, threads, err);
        out->crossings += lab_wall_crossings(&lab, px, py);
        for (uint32_t i = 0; i < lab.peds.count; i++) out->off_floor += !lab_walkable_at(&lab, lab.peds.x[i], lab.peds.y[i]);
        out->max_overlap_m = fmax(out->max_overlap_m, lab_max_overlap(&lab));
        out->arrived += lab_remove_in(&lab, 10, 11, 12, 12);
        out->end_s = lab.t;
    }
    lab_free(&lab);
    return ok;
}

#endif
