// SPDX-License-Identifier: MIT
// The collision-free speed model step: neighbour grid rebuild, the keep-right turn before
// oncoming people, repulsion-bent direction, spacing-limited speed, the step limit that
// keeps a 0.1 s step from overshooting the point where repulsion balances the desired
// direction, and the hard wall constraint (no step ends in or crosses a non-walkable cell).
// Does not route, spawn, or measure densities.
//
// Ordering: pedestrians are processed in grid order (cell row-major, index ascending within
// a cell; gops_grid_build's order) in fixed chunks. Each pedestrian reads everyone's old
// position and radius from sorted copies taken before the pass and writes only its own
// entries, and its neighbour sums run in the same cell/index order, so results are
// bit-identical for any thread count. Periodic images are visited after the direct cells.
// The neighbour loops have scalar, SSE2 and AVX2 forms (AVX2 picked at run time) that give
// the same bits: lanes repeat the scalar operations, sums stay sequential.
#include "crowd/walk.h"

#include "core/assert.h"
#include "core/parallel.h"

#include <math.h>
#include <stdlib.h>
#if defined(__SSE2__) && !defined(GOPS_WALK_SCALAR) // GOPS_WALK_SCALAR: check the scalar path
#include <emmintrin.h>
#define WALK_SSE 1
#else
#define WALK_SSE 0
#endif
// Eight lanes where the running machine has AVX2 (chosen at run time; the build targets
// baseline x86-64). GOPS_WALK_NO_AVX2 keeps the four-lane path, to check they agree.
#if WALK_SSE && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(GOPS_WALK_NO_AVX2)
#include <immintrin.h>
#define WALK_AVX2 1
#define AVX2_FN __attribute__((target("avx2,popcnt")))
#else
#define WALK_AVX2 0
#endif

// Sources of the defaults:
// - neighbour_strength a = 8, neighbour_range D = 0.1 m, wall_strength b = 5, wall_range
//   D_w = 0.02 m, time gap T = 1 s: JuPedSim's CollisionFreeSpeedModel defaults (v1.x).
// - body radius 0.14 m (l = 2r = 0.28 m; JuPedSim's default agent has 0.2 m): the one
//   calibrated parameter, against both the corridor fundamental diagram (Weidmann) and the
//   bottleneck flows (Seyfried 2009), with the set-ups of tests/validation/crowd_lab.h
//   (periodic 30 m x 4 m corridor, random start, free speeds N(1.34, 0.26), mean speed over
//   60 s after 10 s; room -> 0.4 m long bottleneck, 150 people; 3-4 seeds). At dt = 0.1 s:
//     T 1.0 s, l 0.40 m (JuPedSim): 0.37 m/s at 2 /m² (Weidmann 0.61 +- 0.15); 0.8 and
//       0.9 m bottlenecks clog, 1.0-1.2 m pass 1.0-1.1 /(m·s).
//     T 0.6 s, l 0.40 m: corridor within tolerance only with spread free speeds (1.34 m/s
//       at 1 /m² with v0 = 1.34 for all); bottlenecks 1.2-1.4 /(m·s), 0.8-0.9 m clog.
//     T 1.0 s, l 0.30 m: corridor within tolerance; bottlenecks 1.46-1.70 /(m·s).
//     T 1.0 s, l 0.28 m: corridor within tolerance (worst point at 0.84 of it, with fixed
//       or spread free speeds); bottlenecks 1.65-1.86 /(m·s) for 0.8-1.2 m. Chosen.
//     T 1.0 s, l 0.26 m: bottlenecks 1.83-2.03 /(m·s); corridor 1.33 m/s at 1 /m².
//   A first-order model has one spacing-speed law for both data sets, which are not
//   mutually consistent (bottleneck flows exceed Weidmann's capacity of 1.22 /(m·s)); a
//   short body length lets two files interleave in a bottleneck (the zipper effect) while
//   T keeps the corridor speeds. l = 0.28 m is within the body depth of adults.
// - cutoff 2 m covers the spacing that limits speed (2r + v0·T) for v0 up to 1.7 m/s.
// - wall margin 0.03 m: the hard constraint's clearance, far inside the body radius; the
//   wall repulsion keeps bodies off walls in normal walking, the margin is only a backstop.
// - queue gap 0.15 m: people waiting their turn stand apart; 0.30-0.36 m between bodies is
//   the common spacing in queues (architects' human-spacing tables; 0.46-0.56 m is a
//   comfortable one). A walker pressing on someone standing settles where the repulsion
//   balances its push, D·ln(a) = 0.21 m beyond contact: 0.49 m centre to centre, about
//   0.2 m between bodies 0.3 m deep. The gap makes it 0.64 m (0.34 m between bodies), at
//   most 2.8 persons/m² (hexagonal packing), where kerbs on the Erqi map reached 5-6 over
//   10 s without it.
#define DEFAULT_TIME_GAP_S 1.0f
#define DEFAULT_RADIUS_M 0.14f

gops_walk_params_t gops_walk_params_default(void)
{
    return (gops_walk_params_t){
        .time_gap_s = DEFAULT_TIME_GAP_S,
        .neighbour_strength = 8.0f,
        .neighbour_range_m = 0.1f,
        .wall_strength = 5.0f,
        .wall_range_m = 0.02f,
        .cutoff_m = 2.0f,
        .wall_margin_m = 0.03f,
        .default_radius_m = DEFAULT_RADIUS_M,
        .lane_lookahead_m = 6.0f, // tuned with KEEP_RIGHT_* below
        .queue_gap_m = 0.15f,
        .periodic_x = 0,
        .periodic_min_x = 0,
    };
}

float gops_walk_speed(float spacing_m, float v0, float time_gap_s)
{
    float v = spacing_m / time_gap_s;
    if (!(v > 0)) v = 0; // overlap, or NaN
    return v < v0 ? v : v0;
}

// ---- the raster: exact cell tests, consistent with gops_walkable_cell_at --------------

// Cell coordinate along one axis, as gops_walkable_cell_at computes it; out-of-range and
// NaN map to -1 (never walkable).
static int64_t axis_cell(double v, double min, double cell, int32_t count)
{
    double f = (v - min) / cell; // truncation below equals floor on [0, count)
    if (!(f >= 0 && f < count)) return -1;
    return (int64_t)f;
}

// gops_walkable_is_set_xy, and not blocked by the crowd's closures and barriers (`blocked`: bits by cell id
// in the layout of w->bits; NULL: none).
static bool cell_open(const gops_walkable_t *w, const uint64_t *blocked, int64_t cx, int64_t cy)
{
    if (!gops_walkable_is_set_xy(w, cx, cy)) return false;
    uint32_t cell = (uint32_t)(cy * w->nx + cx);
    return !blocked || !((blocked[cell >> 6] >> (cell & 63)) & 1u);
}

static bool point_ok(const gops_walkable_t *w, const uint64_t *blocked, double x, double y)
{
    return cell_open(w, blocked, axis_cell(x, w->min_x, w->cell, w->nx), axis_cell(y, w->min_y, w->cell, w->ny));
}

// The square of half-size m (<= cell/2) around (x, y) lies in open cells: its corners
// touch every cell the square touches. Corners sharing a cell are tested once.
static bool box_clear(const gops_walkable_t *w, const uint64_t *blocked, double x, double y, double m)
{
    int64_t x0 = axis_cell(x - m, w->min_x, w->cell, w->nx), x1 = axis_cell(x + m, w->min_x, w->cell, w->nx);
    int64_t y0 = axis_cell(y - m, w->min_y, w->cell, w->ny), y1 = axis_cell(y + m, w->min_y, w->cell, w->ny);
    if (!cell_open(w, blocked, x0, y0) || (x1 != x0 && !cell_open(w, blocked, x1, y0))) return false;
    return y1 == y0 || (cell_open(w, blocked, x0, y1) && (x1 == x0 || cell_open(w, blocked, x1, y1)));
}

static bool path_clear(const gops_walkable_t *w, const uint64_t *blocked, double x0, double y0, double x1, double y1);

// floor() and floorf() without the library call (baseline x86-64 has no rounding
// instruction): exact, zeros and values beyond the integer range go to the library.
static inline double floor_exact(double v)
{
    if (!(fabs(v) < 4503599627370496.0) || v == 0) return floor(v); // 2^52; also NaN
    double t = (double)(int64_t)v;
    return t > v ? t - 1.0 : t;
}

static inline float floorf_exact(float v)
{
    if (!(fabsf(v) < 8388608.0f) || v == 0) return floorf(v); // 2^23; also NaN
    float t = (float)(int32_t)v;
    return t > v ? t - 1.0f : t;
}

bool gops_walk_path_clear(const gops_walkable_t *w, double x0, double y0, double x1, double y1)
{
    return path_clear(w, NULL, x0, y0, x1, y1);
}

static bool path_clear(const gops_walkable_t *w, const uint64_t *blocked, double x0, double y0, double x1, double y1)
{
    int64_t ex = axis_cell(x1, w->min_x, w->cell, w->nx), ey = axis_cell(y1, w->min_y, w->cell, w->ny);
    if (!cell_open(w, blocked, ex, ey)) return false;
    double fx = floor_exact((x0 - w->min_x) / w->cell), fy = floor_exact((y0 - w->min_y) / w->cell);
    if (!isfinite(fx) || !isfinite(fy)) return false;
    int64_t cx = (int64_t)fx, cy = (int64_t)fy;
    if (cx == ex && cy == ey) return true;
    // Amanatides–Woo traversal, restricted to steps toward the end cell so it always ends
    // there (rounding cannot make it wander) after |ex-cx| + |ey-cy| steps.
    double dx = x1 - x0, dy = y1 - y0;
    int64_t sx = ex > cx ? 1 : -1, sy = ey > cy ? 1 : -1;
    double tx = INFINITY, ty = INFINITY, tdx = INFINITY, tdy = INFINITY;
    if (dx != 0) {
        double edge = w->min_x + (double)(sx > 0 ? cx + 1 : cx) * w->cell;
        tx = (edge - x0) / dx;
        tdx = w->cell / fabs(dx);
    }
    if (dy != 0) {
        double edge = w->min_y + (double)(sy > 0 ? cy + 1 : cy) * w->cell;
        ty = (edge - y0) / dy;
        tdy = w->cell / fabs(dy);
    }
    while (cx != ex || cy != ey) {
        bool step_x = cx != ex && (cy == ey || tx < ty);
        bool step_y = cy != ey && (cx == ex || ty < tx);
        if (!step_x && !step_y) { // exactly through a corner: both side cells must be free
            if (!cell_open(w, blocked, cx + sx, cy) || !cell_open(w, blocked, cx, cy + sy)) return false;
            step_x = step_y = true;
        }
        if (step_x) cx += sx, tx += tdx;
        if (step_y) cy += sy, ty += tdy;
        if (!cell_open(w, blocked, cx, cy)) return false;
    }
    return true;
}

// ---- wall distance: bilinear in the field, walls at minus half a cell ------------------

// Population count, inline (baseline x86-64 has no popcnt; the builtin is a library call).
static inline uint32_t popcount64(uint64_t b)
{
    b = b - ((b >> 1) & 0x5555555555555555ull);
    b = (b & 0x3333333333333333ull) + ((b >> 2) & 0x3333333333333333ull);
    b = (b + (b >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (uint32_t)((b * 0x0101010101010101ull) >> 56);
}

static float wall_cell_value(const gops_walkable_t *w, const float *dist, int64_t cx, int64_t cy, float wall)
{
    if (cx < 0 || cy < 0 || cx >= w->nx || cy >= w->ny) return wall;
    uint32_t k = gops_walkable_index(w, (uint32_t)(cy * w->nx + cx));
    return k == GOPS_WALKABLE_NONE ? wall : dist[k];
}

// wall_cell_value of cells (cx, cy) and (cx + 1, cy) with one rank lookup: walkable indices
// of adjacent cells differ by one when the first is walkable.
static inline void wall_cell_pair(const gops_walkable_t *w, const float *dist, int64_t cx, int64_t cy, float wall,
                                  float *v0, float *v1)
{
    if (cy >= 0 && cy < w->ny && cx >= 0 && cx + 1 < w->nx) {
        uint32_t c = (uint32_t)(cy * w->nx + cx), wi = c >> 6, off = c & 63;
        uint64_t word = w->bits[wi];
        uint32_t idx = w->rank[wi] + popcount64(word & ((1ull << off) - 1));
        uint32_t a = (uint32_t)(word >> off) & 1u;
        uint32_t b = off == 63 ? (uint32_t)w->bits[wi + 1] & 1u : (uint32_t)(word >> (off + 1)) & 1u;
        *v0 = a ? dist[idx] : wall;
        *v1 = b ? dist[idx + a] : wall;
        return;
    }
    *v0 = wall_cell_value(w, dist, cx, cy, wall);
    *v1 = wall_cell_value(w, dist, cx + 1, cy, wall);
}

// Distance to the nearest wall (m) at (x, y) and its gradient (unnormalised), from the four
// surrounding cell centres. A non-walkable cell's centre lies half a cell inside the wall,
// so it enters as -cell/2: the interpolation is then a signed distance across the boundary.
static float wall_sample(const gops_walkable_t *w, const float *dist, float x, float y, float *gx, float *gy)
{
    float cell = (float)w->cell, wall = -0.5f * cell;
    float u = (x - (float)w->min_x) / cell - 0.5f, v = (y - (float)w->min_y) / cell - 0.5f;
    float iu = floorf_exact(u), iv = floorf_exact(v);
    float fu = u - iu, fv = v - iv;
    int64_t cx = (int64_t)iu, cy = (int64_t)iv;
    float v00, v10, v01, v11;
    wall_cell_pair(w, dist, cx, cy, wall, &v00, &v10);
    wall_cell_pair(w, dist, cx, cy + 1, wall, &v01, &v11);
    float a = v00 + (v10 - v00) * fu, b = v01 + (v11 - v01) * fu;
    *gx = ((v10 - v00) * (1 - fv) + (v11 - v01) * fv) / cell;
    *gy = (b - a) / cell;
    return a + (b - a) * fv;
}

/// gops_obstacle_room_fn for steering round stalls and carts (walk_range): a body fits where
/// the ground reaches its radius from the nearest wall.
static bool room_at(const void *user, float x, float y, float radius)
{
    const gops_walk_context_t *ctx = user;
    float gx, gy;
    return wall_sample(ctx->walk, ctx->wall_distance->dist, x, y, &gx, &gy) >= radius;
}

// ---- context -----------------------------------------------------------------------

gops_status_t gops_walk_context_init(gops_walk_context_t *ctx, const gops_walkable_t *walk,
                                     const gops_field_t *wall_distance, const gops_walk_params_t *p,
                                     gops_error_t *err)
{
    GOPS_ASSERT(ctx && walk && p);
    *ctx = (gops_walk_context_t){0};
#define CHECK_PARAM(name, ok, range)                                                                  \
    if (!(ok))                                                                                        \
        return gops_error_set(err, GOPS_BAD_VALUE, "walking model: %s = %g, expected %s", #name,       \
                              (double)p->name, range);
    CHECK_PARAM(time_gap_s, p->time_gap_s > 0 && isfinite(p->time_gap_s), "a time gap > 0 s");
    CHECK_PARAM(neighbour_strength, p->neighbour_strength >= 0 && isfinite(p->neighbour_strength), ">= 0");
    CHECK_PARAM(neighbour_range_m, p->neighbour_range_m > 0 && isfinite(p->neighbour_range_m), "> 0 m");
    CHECK_PARAM(wall_strength, p->wall_strength >= 0 && isfinite(p->wall_strength), ">= 0");
    CHECK_PARAM(wall_range_m, p->wall_range_m > 0 && isfinite(p->wall_range_m), "> 0 m");
    CHECK_PARAM(cutoff_m, p->cutoff_m > 0 && p->cutoff_m <= 20, "0 to 20 m");
    CHECK_PARAM(wall_margin_m, p->wall_margin_m >= 0 && p->wall_margin_m <= 0.5 * walk->cell,
                "0 up to half the raster cell");
    CHECK_PARAM(lane_lookahead_m, p->lane_lookahead_m >= 0 && p->lane_lookahead_m <= 20, "0 (off) to 20 m");
    CHECK_PARAM(default_radius_m, p->default_radius_m > 0 && p->default_radius_m < 1, "0 to 1 m");
    CHECK_PARAM(queue_gap_m, p->queue_gap_m >= 0 && p->queue_gap_m <= 1, "0 (off) to 1 m");
#undef CHECK_PARAM
    double raster_min_x = walk->min_x, raster_max_x = walk->min_x + walk->nx * walk->cell;
    if (p->periodic_x > 0) {
        double lo = p->periodic_min_x, hi = (double)p->periodic_min_x + p->periodic_x;
        if (!isfinite(p->periodic_x) || !(p->periodic_x > 2 * p->cutoff_m) || !isfinite(lo) ||
            lo - p->cutoff_m < raster_min_x || hi + p->cutoff_m > raster_max_x)
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "walking model: periodic interval [%g, %g] m, expected longer than twice the "
                                  "cutoff (%g m) and inside the raster [%g, %g] m with the cutoff to spare",
                                  lo, hi, (double)p->cutoff_m, raster_min_x, raster_max_x);
    }
    if (wall_distance && wall_distance->count != walk->count)
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "walking model: wall distance field has %u cells, expected the raster's %u",
                              wall_distance->count, walk->count);
    // Grid cells as wide as the cutoff: a query (radius <= cutoff) spans 2-3 cells per axis.
    // Half- or quarter-size cells, with or without clipping rows to the query disc, visit
    // fewer candidates in more, shorter rows: no faster in the open-square benchmark
    // (instruction counts within 1 %, or up to 20 % more), and they multiply the cells the
    // serial counting sort clears each step, which matters on a district-sized raster.
    float cell = p->cutoff_m;
    if (gops_grid_init(&ctx->grid, (float)walk->min_x, (float)walk->min_y, (float)(walk->nx * walk->cell),
                       (float)(walk->ny * walk->cell), cell) != 0)
        return gops_error_set(err, GOPS_NOMEM, "walking model: out of memory for the neighbour grid");
    ctx->walk = walk;
    ctx->wall_distance = wall_distance;
    return GOPS_OK;
}

void gops_walk_context_free(gops_walk_context_t *ctx)
{
    gops_grid_free(&ctx->grid);
    free(ctx->sorted_x);
    free(ctx->sorted_y);
    free(ctx->sorted_r);
    free(ctx->sorted_ex);
    free(ctx->sorted_ey);
    free(ctx->sorted_keep);
    *ctx = (gops_walk_context_t){0};
}

#define SORTED_PAD 8

static bool reserve(gops_walk_context_t *ctx, uint32_t n)
{
    if (n <= ctx->capacity) return true;
    uint32_t cap = ctx->capacity ? ctx->capacity : 1024;
    while (cap < n) cap = cap > UINT32_MAX / 2 ? n : cap * 2;
    // SORTED_PAD entries past the end let the neighbour scan read whole groups of lanes.
    size_t bytes = ((size_t)cap + SORTED_PAD) * sizeof(float);
    float *x = realloc(ctx->sorted_x, bytes);
    if (x) ctx->sorted_x = x;
    float *y = realloc(ctx->sorted_y, bytes);
    if (y) ctx->sorted_y = y;
    float *r = realloc(ctx->sorted_r, bytes);
    if (r) ctx->sorted_r = r;
    float *ex = realloc(ctx->sorted_ex, bytes);
    if (ex) ctx->sorted_ex = ex;
    float *ey = realloc(ctx->sorted_ey, bytes);
    if (ey) ctx->sorted_ey = ey;
    float *keep = realloc(ctx->sorted_keep, bytes);
    if (keep) ctx->sorted_keep = keep;
    if (!x || !y || !r || !ex || !ey || !keep) return false;
    for (uint32_t k = cap; k < cap + SORTED_PAD; k++) x[k] = y[k] = r[k] = ex[k] = ey[k] = keep[k] = 0;
    ctx->capacity = cap;
    return true;
}

// ---- the step ------------------------------------------------------------------------
//
// The neighbour loops run four pedestrians at a time with SSE2 where the target has it (all
// x86-64). Each lane performs exactly the operations of the scalar code, in the same order,
// and sums run sequentially over the per-neighbour terms, so both paths give the same bits.

// exp(x) for the repulsion terms, from float operations only (2^n by exponent bits, 2^f
// by its Taylor polynomial to degree 6 on |f| <= 1/2; relative error under 1e-6 for
// |x| <= 20, growing with |x| from rounding the argument, 4e-6 at |x| = 60), so the
// state does not depend on which libm variant a machine picks (glibc's expf has FMA and
// non-FMA code paths) and the loop vectorises. Arguments are clamped to [-87, 87].
#define EXP_C1 0.693147182f
#define EXP_C2 0.240226507f
#define EXP_C3 0.0555041087f
#define EXP_C4 0.00961812911f
#define EXP_C5 0.00133335581f
#define EXP_C6 0.000154035304f
#define ROUND_MAGIC 12582912.0f // 1.5 * 2^23: (t + M) - M rounds t to an integer

static inline float exp_model(float x)
{
    x = x < -87.0f ? -87.0f : x > 87.0f ? 87.0f : x;
    float t = x * 1.44269504f; // log2(e)
    float n = (t + ROUND_MAGIC) - ROUND_MAGIC;
    float f = t - n;
    float p = 1.0f + f * (EXP_C1 + f * (EXP_C2 + f * (EXP_C3 + f * (EXP_C4 + f * (EXP_C5 + f * EXP_C6)))));
    union { uint32_t u; float f; } scale = {.u = (uint32_t)((int32_t)n + 127) << 23};
    return p * scale.f;
}

#if WALK_SSE
static inline __m128 exp_model4(__m128 x)
{
    x = _mm_min_ps(_mm_max_ps(x, _mm_set1_ps(-87.0f)), _mm_set1_ps(87.0f));
    __m128 t = _mm_mul_ps(x, _mm_set1_ps(1.44269504f));
    __m128 n = _mm_sub_ps(_mm_add_ps(t, _mm_set1_ps(ROUND_MAGIC)), _mm_set1_ps(ROUND_MAGIC));
    __m128 f = _mm_sub_ps(t, n);
    __m128 p = _mm_add_ps(_mm_set1_ps(EXP_C5), _mm_mul_ps(f, _mm_set1_ps(EXP_C6)));
    p = _mm_add_ps(_mm_set1_ps(EXP_C4), _mm_mul_ps(f, p));
    p = _mm_add_ps(_mm_set1_ps(EXP_C3), _mm_mul_ps(f, p));
    p = _mm_add_ps(_mm_set1_ps(EXP_C2), _mm_mul_ps(f, p));
    p = _mm_add_ps(_mm_set1_ps(EXP_C1), _mm_mul_ps(f, p));
    p = _mm_add_ps(_mm_set1_ps(1.0f), _mm_mul_ps(f, p));
    __m128i e = _mm_slli_epi32(_mm_add_epi32(_mm_cvtps_epi32(n), _mm_set1_epi32(127)), 23);
    return _mm_mul_ps(p, _mm_castsi128_ps(e));
}
#endif

typedef struct step_job {
    const gops_walk_context_t *ctx;
    gops_pedestrians_t *peds;
    const gops_walk_params_t *p;
    float dt;
    float inv_range, inv_wall_range;
    float wall_reach;      ///< beyond radius + this, the wall term is negligible (< b·e^-12)
    float repulsion_reach; ///< beyond r_i + r_j + this, the neighbour term is skipped (< a·e^-10)
    float max_radius;      ///< largest body radius this step, m
    float max_keep;        ///< largest queue gap a body counts this step, m
    float chunk_max_radius[GOPS_PARALLEL_MAX_CHUNKS]; ///< per-chunk partial maxima
    float chunk_max_keep[GOPS_PARALLEL_MAX_CHUNKS];
    double margin;
    bool avx2;             ///< the eight-lane neighbour loops (same bits as the others)
} step_job_t;

// Neighbours within the query radius are buffered for the repulsion and spacing passes;
// this many fit on the stack (20 persons/m² over a 2 m disc). Beyond, the repulsion is
// summed batch by batch in the same order and the spacing comes from a second scan.
#define NEAR_MAX 256
#define NEAR_PAD 8 // entries past the count hold a far-away dummy, so lanes need no mask
// A pedestrian below this fraction of its free speed counts as stopped (peds->wait).
#define STOPPED_FRACTION 0.2f
// How many pedestrians ahead (in grid order) walk_range() prefetches the entries of.
#define PREFETCH_AHEAD 4

typedef struct near {
    _Alignas(32) float dx[NEAR_MAX + NEAR_PAD]; ///< x_i - x_j, m
    _Alignas(32) float dy[NEAR_MAX + NEAR_PAD];
    _Alignas(32) float d2[NEAR_MAX + NEAR_PAD]; ///< squared distance, m²
    _Alignas(32) float l[NEAR_MAX + NEAR_PAD];  ///< r_i + r_j, m
    _Alignas(32) uint32_t k[NEAR_MAX + NEAR_PAD]; ///< grid position
    // Filled by repulse() for the current batch: the term a·exp((l-d)/D)·n_ji and its size
    // (0 for pairs out of reach), kept for the step limit.
    _Alignas(32) float wx[NEAR_MAX + NEAR_PAD], wy[NEAR_MAX + NEAR_PAD], mag[NEAR_MAX + NEAR_PAD];
    uint32_t count;
    bool overflow;
    float rx, ry; ///< repulsion summed so far
} near_t;

typedef struct query {
    float qx, qy, ri;
    float radius;        ///< neighbours within this distance can matter, m (<= cutoff)
    uint32_t self;       ///< grid position of the pedestrian itself, skipped; UINT32_MAX for images
    uint32_t self_index; ///< its pedestrian index
    float ex, ey;        ///< its desired direction: a body ahead that waits its turn counts its queue gap
} query_t;

// Cell range [c0, c1] of [lo, hi] along one grid axis, computed as gops_grid_build assigns
// cells (truncation equals floor where it matters, above zero); false when it misses.
static bool grid_range(float lo, float hi, float min, float cell, int32_t count, int32_t *c0, int32_t *c1)
{
    float f0 = (lo - min) / cell, f1 = (hi - min) / cell;
    if (!(f1 >= 0) || !(f0 < (float)count)) return false;
    *c0 = f0 <= 0 ? 0 : (int32_t)f0;
    *c1 = f1 >= (float)count ? count - 1 : (int32_t)f1;
    return true;
}

// Fills the dummy entries after the buffered ones, as many as a group of lanes can read:
// far away (never within reach) and at zero offset (never ahead).
static void pad_near(near_t *near, uint32_t lanes)
{
    for (uint32_t n = near->count; n < near->count + lanes; n++)
        near->dx[n] = near->dy[n] = 0, near->d2[n] = 1e30f, near->l[n] = 0, near->k[n] = 0;
}

// Adds the repulsion of the buffered neighbours to near->rx, ry, in buffer order: strength
// a·exp((l - d)/D) along n_ji, the unit vector from j to i; coincident pairs part along x
// by index. Pairs farther apart than l + job->repulsion_reach add nothing: their term is
// below a·e^-10.
static void repulse(const step_job_t *job, near_t *near, uint32_t self_index)
{
    pad_near(near, 4);
    float a = job->p->neighbour_strength, inv_range = job->inv_range, reach = job->repulsion_reach;
    const float *restrict ndx = near->dx, *restrict ndy = near->dy, *restrict nd2 = near->d2, *restrict nl = near->l;
    uint32_t count = near->count;
    float *restrict wx = near->wx, *restrict wy = near->wy, *restrict mag = near->mag;
    bool coincident = false;
#if WALK_SSE
    __m128 va = _mm_set1_ps(a), vinv = _mm_set1_ps(inv_range), vreach = _mm_set1_ps(reach), zero = _mm_setzero_ps();
    for (uint32_t n = 0; n < count; n += 4) {
        __m128 d2 = _mm_load_ps(nd2 + n), l = _mm_load_ps(nl + n);
        __m128 lr = _mm_add_ps(l, vreach);
        __m128 in = _mm_cmple_ps(d2, _mm_mul_ps(lr, lr));
        __m128 d = _mm_sqrt_ps(d2);
        __m128 e = _mm_mul_ps(va, exp_model4(_mm_mul_ps(_mm_sub_ps(l, d), vinv)));
        __m128 apart = _mm_cmpgt_ps(d, zero);
        __m128 use = _mm_and_ps(in, apart);
        __m128 w = _mm_div_ps(e, _mm_or_ps(d, _mm_andnot_ps(apart, _mm_set1_ps(1.0f)))); // no 0/0
        _mm_store_ps(wx + n, _mm_and_ps(use, _mm_mul_ps(w, _mm_load_ps(ndx + n))));
        _mm_store_ps(wy + n, _mm_and_ps(use, _mm_mul_ps(w, _mm_load_ps(ndy + n))));
        _mm_store_ps(mag + n, _mm_and_ps(in, e));
        coincident |= _mm_movemask_ps(_mm_andnot_ps(apart, in)) != 0;
    }
#else
    for (uint32_t n = 0; n < count; n++) {
        float lr = nl[n] + reach, d = sqrtf(nd2[n]);
        bool in = nd2[n] <= lr * lr;
        float e = a * exp_model((nl[n] - d) * inv_range);
        float w = e / (d > 0 ? d : 1.0f);
        wx[n] = in && d > 0 ? w * ndx[n] : 0.0f;
        wy[n] = in && d > 0 ? w * ndy[n] : 0.0f;
        mag[n] = in ? e : 0.0f;
        coincident |= in && !(d > 0);
    }
#endif
    if (coincident)
        for (uint32_t n = 0; n < count; n++)
            if (nd2[n] == 0) {
                float e = a * exp_model(nl[n] * inv_range);
                wx[n] = self_index < job->ctx->grid.items[near->k[n]] ? -e : e;
                wy[n] = 0;
            }
    float rx = near->rx, ry = near->ry;
    for (uint32_t n = 0; n < count; n++) rx += wx[n], ry += wy[n];
    near->rx = rx, near->ry = ry;
}

// The queue gap grid position k counts to a walker at offset (dx, dy) = x_walker - x_k
// heading q->ex, q->ey: its own (gather_range) when it stands ahead of the walker and does not
// head against it (held people have no direction), else 0.
static inline float queue_gap_to(const gops_walk_context_t *ctx, const query_t *q, uint32_t k, float dx, float dy)
{
    float keep = ctx->sorted_keep[k];
    if (!(keep > 0) || !(dx * q->ex + dy * q->ey < 0) || ctx->sorted_ex[k] * q->ex + ctx->sorted_ey[k] * q->ey < 0)
        return 0.0f;
    return keep;
}

// Offsets and contact distances of the buffered entries [first, count); contact distances
// count queue gaps (queue_gap_to).
static void fill_near(const step_job_t *job, const query_t *q, near_t *near, uint32_t first)
{
    const float *restrict sx = job->ctx->sorted_x, *restrict sy = job->ctx->sorted_y, *restrict sr = job->ctx->sorted_r;
    for (uint32_t n = first; n < near->count; n++) {
        uint32_t k = near->k[n];
        float dx = q->qx - sx[k], dy = q->qy - sy[k];
        near->dx[n] = dx, near->dy[n] = dy, near->l[n] = q->ri + sr[k];
        if (job->max_keep > 0) near->l[n] += queue_gap_to(job->ctx, q, k, dx, dy);
    }
}

// Empties a full buffer into the repulsion sum (rare: only in piles of people).
static __attribute__((noinline)) void flush(const step_job_t *job, const query_t *q, near_t *near, uint32_t first)
{
    fill_near(job, q, near, first);
    repulse(job, near, q->self_index);
    near->count = 0;
    near->overflow = true;
}

// Buffers every neighbour of q within q->radius. The cells of one grid row are contiguous
// in grid order, so a row is one loop; every candidate is written and kept by advancing
// the count, which avoids an unpredictable branch per candidate.
static void scan_neighbours(const step_job_t *job, const query_t *q, near_t *near)
{
    const gops_grid_t *g = &job->ctx->grid;
    const float *restrict sx = job->ctx->sorted_x, *restrict sy = job->ctx->sorted_y;
    const uint32_t *restrict start = g->cell_start;
    float *restrict nd2 = near->d2;
    uint32_t *restrict nk = near->k;
    float cutoff = q->radius, cutoff2 = cutoff * cutoff, qx = q->qx, qy = q->qy;
    uint32_t self = q->self;
    int32_t cx0, cx1, cy0, cy1;
    if (!grid_range(qx - cutoff, qx + cutoff, g->min_x, g->cell, g->nx, &cx0, &cx1)) return;
    if (!grid_range(qy - cutoff, qy + cutoff, g->min_y, g->cell, g->ny, &cy0, &cy1)) return;
#if WALK_SSE
    __m128 vqx = _mm_set1_ps(qx), vqy = _mm_set1_ps(qy), vc2 = _mm_set1_ps(cutoff2);
#endif
    uint32_t first = near->count, count = first;
    for (int32_t cy = cy0; cy <= cy1; cy++) {
        uint32_t row = (uint32_t)cy * (uint32_t)g->nx;
        uint32_t k = start[row + (uint32_t)cx0], k1 = start[row + (uint32_t)cx1 + 1];
        while (k < k1) {
            if (count == NEAR_MAX) {
                near->count = count;
                flush(job, q, near, first);
                first = count = 0;
            }
            uint32_t kend = k1 - k > NEAR_MAX - count ? k + (NEAR_MAX - count) : k1; // count < NEAR_MAX
#if WALK_SSE
            // Whole groups of four: the sorted arrays are padded, lanes past kend are dropped.
            for (; k < kend; k += 4) {
                __m128 dx = _mm_sub_ps(vqx, _mm_loadu_ps(sx + k)), dy = _mm_sub_ps(vqy, _mm_loadu_ps(sy + k));
                __m128 d2 = _mm_add_ps(_mm_mul_ps(dx, dx), _mm_mul_ps(dy, dy));
                uint32_t keep = (uint32_t)_mm_movemask_ps(_mm_cmple_ps(d2, vc2));
                if (kend - k < 4) keep &= (1u << (kend - k)) - 1;
                if (self - k < 4) keep &= ~(1u << (self - k));
                _Alignas(16) float lane[4];
                _mm_store_ps(lane, d2);
                nd2[count] = lane[0], nk[count] = k, count += keep & 1;
                nd2[count] = lane[1], nk[count] = k + 1, count += (keep >> 1) & 1;
                nd2[count] = lane[2], nk[count] = k + 2, count += (keep >> 2) & 1;
                nd2[count] = lane[3], nk[count] = k + 3, count += keep >> 3;
            }
            k = kend;
#endif
            for (; k < kend; k++) {
                float dx = qx - sx[k], dy = qy - sy[k];
                float d2 = dx * dx + dy * dy;
                nd2[count] = d2, nk[count] = k;
                count += (d2 <= cutoff2) & (k != self);
            }
        }
    }
    near->count = count;
    fill_near(job, q, near, first);
}

// What the step needs from the buffered neighbours once the direction e is known: the
// smallest gap (centre distance minus the radii) to a neighbour ahead along e whose centre
// lies within the sum of radii of the line of walking (*s, a minimum), and over the
// repulsion terms that e approaches (c_j = R_j·e < 0) their sum (*approach) and their
// largest growth rate |n_j·e| (*rate). Expects the padding of pad_near.
static void ahead_buffered(const near_t *near, float ex, float ey, float *s, float *approach, float *rate)
{
    const float *restrict ndx = near->dx, *restrict ndy = near->dy, *restrict nd2 = near->d2, *restrict nl = near->l;
    const float *restrict wx = near->wx, *restrict wy = near->wy, *restrict mag = near->mag;
    uint32_t count = near->count;
    _Alignas(32) float term[NEAR_MAX + NEAR_PAD];
#if WALK_SSE
    __m128 vex = _mm_set1_ps(ex), vey = _mm_set1_ps(ey), sign = _mm_set1_ps(-0.0f), zero = _mm_setzero_ps();
    __m128 one = _mm_set1_ps(1.0f), best = _mm_set1_ps(*s), fastest = zero;
    for (uint32_t n = 0; n < count; n += 4) {
        __m128 px = _mm_xor_ps(_mm_load_ps(ndx + n), sign), py = _mm_xor_ps(_mm_load_ps(ndy + n), sign);
        __m128 l = _mm_load_ps(nl + n);
        __m128 along = _mm_add_ps(_mm_mul_ps(vex, px), _mm_mul_ps(vey, py));
        __m128 side = _mm_andnot_ps(sign, _mm_sub_ps(_mm_mul_ps(vex, py), _mm_mul_ps(vey, px)));
        __m128 ahead = _mm_and_ps(_mm_cmpgt_ps(along, zero), _mm_cmple_ps(side, l));
        __m128 gap = _mm_sub_ps(_mm_sqrt_ps(_mm_load_ps(nd2 + n)), l);
        best = _mm_min_ps(best, _mm_or_ps(_mm_and_ps(ahead, gap), _mm_andnot_ps(ahead, best)));
        __m128 m = _mm_load_ps(mag + n);
        __m128 c = _mm_add_ps(_mm_mul_ps(_mm_load_ps(wx + n), vex), _mm_mul_ps(_mm_load_ps(wy + n), vey));
        __m128 neg = _mm_and_ps(_mm_cmpgt_ps(m, zero), _mm_cmplt_ps(c, zero));
        _mm_store_ps(term + n, _mm_and_ps(neg, c));
        __m128 k = _mm_div_ps(_mm_xor_ps(c, sign), _mm_or_ps(_mm_and_ps(neg, m), _mm_andnot_ps(neg, one)));
        fastest = _mm_max_ps(fastest, _mm_and_ps(neg, k));
    }
    _Alignas(16) float lane[4], lane_k[4];
    _mm_store_ps(lane, best);
    _mm_store_ps(lane_k, fastest);
    for (int t = 0; t < 4; t++) {
        *s = lane[t] < *s ? lane[t] : *s;
        *rate = lane_k[t] > *rate ? lane_k[t] : *rate;
    }
#else
    for (uint32_t n = 0; n < count; n++) {
        float px = -ndx[n], py = -ndy[n]; // x_j - x_i
        bool ahead = (ex * px + ey * py > 0) & (fabsf(ex * py - ey * px) <= nl[n]);
        float gap = sqrtf(nd2[n]) - nl[n];
        *s = ahead && gap < *s ? gap : *s;
        float c = wx[n] * ex + wy[n] * ey;
        bool neg = mag[n] > 0 && c < 0;
        term[n] = neg ? c : 0.0f;
        float k = -c / (neg ? mag[n] : 1.0f);
        *rate = neg && k > *rate ? k : *rate;
    }
#endif
    float sum = *approach;
    for (uint32_t n = 0; n < count; n++) sum += term[n];
    *approach = sum;
}

// The repulsion's component along (ex, ey) after a further step δ along it, under the
// exponential law: a term R_j has c_j = R_j·e now and c_j·exp(-δ (n_j·e) / D) after the
// step (approaching terms grow, receding ones fade). Sums over the buffered terms in reach
// (terms out of reach have mag 0 and add 0), formed four at a time, summed in order.
static float along_buffered(const near_t *near, float ex, float ey, float delta, float inv_range)
{
    uint32_t count = near->count;
    _Alignas(32) float term[NEAR_MAX + NEAR_PAD];
    const float *restrict wx = near->wx, *restrict wy = near->wy, *restrict mag = near->mag;
#if WALK_SSE
    __m128 vex = _mm_set1_ps(ex), vey = _mm_set1_ps(ey), zero = _mm_setzero_ps(), one = _mm_set1_ps(1.0f);
    __m128 vk = _mm_set1_ps(-delta * inv_range);
    for (uint32_t n = 0; n < count; n += 4) {
        __m128 m = _mm_load_ps(mag + n), in = _mm_cmpgt_ps(m, zero);
        __m128 c = _mm_add_ps(_mm_mul_ps(_mm_load_ps(wx + n), vex), _mm_mul_ps(_mm_load_ps(wy + n), vey));
        __m128 ratio = _mm_div_ps(c, _mm_or_ps(_mm_and_ps(in, m), _mm_andnot_ps(in, one))); // no 0/0
        _mm_store_ps(term + n, _mm_and_ps(in, _mm_mul_ps(c, exp_model4(_mm_mul_ps(vk, ratio)))));
    }
#else
    for (uint32_t n = 0; n < count; n++) {
        float c = wx[n] * ex + wy[n] * ey;
        bool in = mag[n] > 0;
        float t = c * exp_model((-delta * inv_range) * (c / (in ? mag[n] : 1.0f)));
        term[n] = in ? t : 0.0f;
    }
#endif
    float f = 0;
    for (uint32_t n = 0; n < count; n++) f += term[n];
    return f;
}

#if WALK_AVX2
// ---- eight lanes (AVX2) -----------------------------------------------------------------
//
// The same computations as the four-lane functions above, eight at a time: each lane
// performs the same IEEE operations in the same order (no FMA: the target adds AVX2 only),
// sums still run sequentially over the per-neighbour terms, and minima and maxima over
// lanes are exact, so both paths give the same bits.

// For each 8-bit lane mask, the set lanes in ascending order as 3-bit fields (lane j of
// the packed result at bits 3j..3j+2): the permutation that moves kept lanes to the front.
static const uint32_t compact_lanes[256] = {
    0x000000, 0x000000, 0x000001, 0x000008, 0x000002, 0x000010, 0x000011, 0x000088,
    0x000003, 0x000018, 0x000019, 0x0000c8, 0x00001a, 0x0000d0, 0x0000d1, 0x000688,
    0x000004, 0x000020, 0x000021, 0x000108, 0x000022, 0x000110, 0x000111, 0x000888,
    0x000023, 0x000118, 0x000119, 0x0008c8, 0x00011a, 0x0008d0, 0x0008d1, 0x004688,
    0x000005, 0x000028, 0x000029, 0x000148, 0x00002a, 0x000150, 0x000151, 0x000a88,
    0x00002b, 0x000158, 0x000159, 0x000ac8, 0x00015a, 0x000ad0, 0x000ad1, 0x005688,
    0x00002c, 0x000160, 0x000161, 0x000b08, 0x000162, 0x000b10, 0x000b11, 0x005888,
    0x000163, 0x000b18, 0x000b19, 0x0058c8, 0x000b1a, 0x0058d0, 0x0058d1, 0x02c688,
    0x000006, 0x000030, 0x000031, 0x000188, 0x000032, 0x000190, 0x000191, 0x000c88,
    0x000033, 0x000198, 0x000199, 0x000cc8, 0x00019a, 0x000cd0, 0x000cd1, 0x006688,
    0x000034, 0x0001a0, 0x0001a1, 0x000d08, 0x0001a2, 0x000d10, 0x000d11, 0x006888,
    0x0001a3, 0x000d18, 0x000d19, 0x0068c8, 0x000d1a, 0x0068d0, 0x0068d1, 0x034688,
    0x000035, 0x0001a8, 0x0001a9, 0x000d48, 0x0001aa, 0x000d50, 0x000d51, 0x006a88,
    0x0001ab, 0x000d58, 0x000d59, 0x006ac8, 0x000d5a, 0x006ad0, 0x006ad1, 0x035688,
    0x0001ac, 0x000d60, 0x000d61, 0x006b08, 0x000d62, 0x006b10, 0x006b11, 0x035888,
    0x000d63, 0x006b18, 0x006b19, 0x0358c8, 0x006b1a, 0x0358d0, 0x0358d1, 0x1ac688,
    0x000007, 0x000038, 0x000039, 0x0001c8, 0x00003a, 0x0001d0, 0x0001d1, 0x000e88,
    0x00003b, 0x0001d8, 0x0001d9, 0x000ec8, 0x0001da, 0x000ed0, 0x000ed1, 0x007688,
    0x00003c, 0x0001e0, 0x0001e1, 0x000f08, 0x0001e2, 0x000f10, 0x000f11, 0x007888,
    0x0001e3, 0x000f18, 0x000f19, 0x0078c8, 0x000f1a, 0x0078d0, 0x0078d1, 0x03c688,
    0x00003d, 0x0001e8, 0x0001e9, 0x000f48, 0x0001ea, 0x000f50, 0x000f51, 0x007a88,
    0x0001eb, 0x000f58, 0x000f59, 0x007ac8, 0x000f5a, 0x007ad0, 0x007ad1, 0x03d688,
    0x0001ec, 0x000f60, 0x000f61, 0x007b08, 0x000f62, 0x007b10, 0x007b11, 0x03d888,
    0x000f63, 0x007b18, 0x007b19, 0x03d8c8, 0x007b1a, 0x03d8d0, 0x03d8d1, 0x1ec688,
    0x00003e, 0x0001f0, 0x0001f1, 0x000f88, 0x0001f2, 0x000f90, 0x000f91, 0x007c88,
    0x0001f3, 0x000f98, 0x000f99, 0x007cc8, 0x000f9a, 0x007cd0, 0x007cd1, 0x03e688,
    0x0001f4, 0x000fa0, 0x000fa1, 0x007d08, 0x000fa2, 0x007d10, 0x007d11, 0x03e888,
    0x000fa3, 0x007d18, 0x007d19, 0x03e8c8, 0x007d1a, 0x03e8d0, 0x03e8d1, 0x1f4688,
    0x0001f5, 0x000fa8, 0x000fa9, 0x007d48, 0x000faa, 0x007d50, 0x007d51, 0x03ea88,
    0x000fab, 0x007d58, 0x007d59, 0x03eac8, 0x007d5a, 0x03ead0, 0x03ead1, 0x1f5688,
    0x000fac, 0x007d60, 0x007d61, 0x03eb08, 0x007d62, 0x03eb10, 0x03eb11, 0x1f5888,
    0x007d63, 0x03eb18, 0x03eb19, 0x1f58c8, 0x03eb1a, 0x1f58d0, 0x1f58d1, 0xfac688,
};

AVX2_FN static inline __m256 exp_model8(__m256 x)
{
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(87.0f));
    __m256 t = _mm256_mul_ps(x, _mm256_set1_ps(1.44269504f));
    __m256 n = _mm256_sub_ps(_mm256_add_ps(t, _mm256_set1_ps(ROUND_MAGIC)), _mm256_set1_ps(ROUND_MAGIC));
    __m256 f = _mm256_sub_ps(t, n);
    __m256 p = _mm256_add_ps(_mm256_set1_ps(EXP_C5), _mm256_mul_ps(f, _mm256_set1_ps(EXP_C6)));
    p = _mm256_add_ps(_mm256_set1_ps(EXP_C4), _mm256_mul_ps(f, p));
    p = _mm256_add_ps(_mm256_set1_ps(EXP_C3), _mm256_mul_ps(f, p));
    p = _mm256_add_ps(_mm256_set1_ps(EXP_C2), _mm256_mul_ps(f, p));
    p = _mm256_add_ps(_mm256_set1_ps(EXP_C1), _mm256_mul_ps(f, p));
    p = _mm256_add_ps(_mm256_set1_ps(1.0f), _mm256_mul_ps(f, p));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

// scan_neighbours() eight candidates at a time; kept lanes are packed to the front by a
// lane permutation, so no per-lane stores. Also keeps the offsets (x_i - x_j), so only the
// contact distances are left to fill.
AVX2_FN static void scan_neighbours8(const step_job_t *job, const query_t *q, near_t *near)
{
    const gops_grid_t *g = &job->ctx->grid;
    const float *restrict sx = job->ctx->sorted_x, *restrict sy = job->ctx->sorted_y, *restrict sr = job->ctx->sorted_r;
    const uint32_t *restrict start = g->cell_start;
    float cutoff = q->radius, cutoff2 = cutoff * cutoff, qx = q->qx, qy = q->qy;
    uint32_t self = q->self;
    int32_t cx0, cx1, cy0, cy1;
    if (!grid_range(qx - cutoff, qx + cutoff, g->min_x, g->cell, g->nx, &cx0, &cx1)) return;
    if (!grid_range(qy - cutoff, qy + cutoff, g->min_y, g->cell, g->ny, &cy0, &cy1)) return;
    __m256 vqx = _mm256_set1_ps(qx), vqy = _mm256_set1_ps(qy), vc2 = _mm256_set1_ps(cutoff2);
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), shifts = _mm256_setr_epi32(0, 3, 6, 9, 12, 15, 18, 21);
    uint32_t first = near->count, count = first;
    for (int32_t cy = cy0; cy <= cy1; cy++) {
        uint32_t row = (uint32_t)cy * (uint32_t)g->nx;
        uint32_t k = start[row + (uint32_t)cx0], k1 = start[row + (uint32_t)cx1 + 1];
        while (k < k1) {
            if (count == NEAR_MAX) {
                near->count = count;
                flush(job, q, near, first);
                first = count = 0;
            }
            uint32_t kend = k1 - k > NEAR_MAX - count ? k + (NEAR_MAX - count) : k1; // count < NEAR_MAX
            // Whole groups of eight: the sorted arrays are padded, lanes past kend are
            // dropped, and the buffers have room for a whole group past NEAR_MAX.
            for (; k < kend; k += 8) {
                __m256 dx = _mm256_sub_ps(vqx, _mm256_loadu_ps(sx + k)), dy = _mm256_sub_ps(vqy, _mm256_loadu_ps(sy + k));
                __m256 d2 = _mm256_add_ps(_mm256_mul_ps(dx, dx), _mm256_mul_ps(dy, dy));
                uint32_t keep = (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(d2, vc2, _CMP_LE_OS));
                if (kend - k < 8) keep &= (1u << (kend - k)) - 1;
                if (self - k < 8) keep &= ~(1u << (self - k));
                if (!keep) continue;
                __m256i perm = _mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32((int)compact_lanes[keep]), shifts),
                                                _mm256_set1_epi32(7));
                _mm256_storeu_ps(near->d2 + count, _mm256_permutevar8x32_ps(d2, perm));
                _mm256_storeu_ps(near->dx + count, _mm256_permutevar8x32_ps(dx, perm));
                _mm256_storeu_ps(near->dy + count, _mm256_permutevar8x32_ps(dy, perm));
                __m256i kk = _mm256_add_epi32(_mm256_set1_epi32((int)k), iota);
                _mm256_storeu_si256((__m256i *)(near->k + count), _mm256_permutevar8x32_epi32(kk, perm));
                count += (uint32_t)_mm_popcnt_u32(keep);
            }
            k = kend;
        }
    }
    near->count = count;
    __m256 vri = _mm256_set1_ps(q->ri);
    const float *restrict sk = job->ctx->sorted_keep;
    for (uint32_t n = first; n < count; n += 8) { // lanes past count gather nothing
        __m256i idx = _mm256_loadu_si256((const __m256i *)(near->k + n));
        __m256 live = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count - n)), iota));
        __m256 r = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), sr, idx, live, 4);
        _mm256_storeu_ps(near->l + n, _mm256_add_ps(vri, r));
        // Queue gaps are rare: lanes with one get theirs added one by one.
        if (!(job->max_keep > 0)) continue;
        __m256 keep = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), sk, idx, live, 4);
        for (uint32_t lanes = (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(keep, _mm256_setzero_ps(), _CMP_GT_OQ));
             lanes; lanes &= lanes - 1) {
            uint32_t m = n + (uint32_t)__builtin_ctz(lanes);
            near->l[m] += queue_gap_to(job->ctx, q, near->k[m], near->dx[m], near->dy[m]);
        }
    }
}

AVX2_FN static void repulse8(const step_job_t *job, near_t *near, uint32_t self_index)
{
    { // pad_near(near, 8), a group at once
        uint32_t c = near->count;
        __m256 zero = _mm256_setzero_ps();
        _mm256_storeu_ps(near->dx + c, zero);
        _mm256_storeu_ps(near->dy + c, zero);
        _mm256_storeu_ps(near->l + c, zero);
        _mm256_storeu_ps(near->d2 + c, _mm256_set1_ps(1e30f));
        _mm256_storeu_si256((__m256i *)(near->k + c), _mm256_setzero_si256());
    }
    float a = job->p->neighbour_strength, inv_range = job->inv_range, reach = job->repulsion_reach;
    const float *restrict ndx = near->dx, *restrict ndy = near->dy, *restrict nd2 = near->d2, *restrict nl = near->l;
    uint32_t count = near->count;
    float *restrict wx = near->wx, *restrict wy = near->wy, *restrict mag = near->mag;
    bool coincident = false;
    __m256 va = _mm256_set1_ps(a), vinv = _mm256_set1_ps(inv_range), vreach = _mm256_set1_ps(reach);
    __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
    for (uint32_t n = 0; n < count; n += 8) {
        __m256 d2 = _mm256_load_ps(nd2 + n), l = _mm256_load_ps(nl + n);
        __m256 lr = _mm256_add_ps(l, vreach);
        __m256 in = _mm256_cmp_ps(d2, _mm256_mul_ps(lr, lr), _CMP_LE_OS);
        __m256 d = _mm256_sqrt_ps(d2);
        __m256 e = _mm256_mul_ps(va, exp_model8(_mm256_mul_ps(_mm256_sub_ps(l, d), vinv)));
        __m256 apart = _mm256_cmp_ps(d, zero, _CMP_GT_OS);
        __m256 use = _mm256_and_ps(in, apart);
        __m256 w = _mm256_div_ps(e, _mm256_or_ps(d, _mm256_andnot_ps(apart, one))); // no 0/0
        _mm256_store_ps(wx + n, _mm256_and_ps(use, _mm256_mul_ps(w, _mm256_load_ps(ndx + n))));
        _mm256_store_ps(wy + n, _mm256_and_ps(use, _mm256_mul_ps(w, _mm256_load_ps(ndy + n))));
        _mm256_store_ps(mag + n, _mm256_and_ps(in, e));
        coincident |= _mm256_movemask_ps(_mm256_andnot_ps(apart, in)) != 0;
    }
    if (coincident)
        for (uint32_t n = 0; n < count; n++)
            if (nd2[n] == 0) {
                float e = a * exp_model(nl[n] * inv_range);
                wx[n] = self_index < job->ctx->grid.items[near->k[n]] ? -e : e;
                wy[n] = 0;
            }
    float rx = near->rx, ry = near->ry;
    for (uint32_t n = 0; n < count; n++) rx += wx[n], ry += wy[n];
    near->rx = rx, near->ry = ry;
}

AVX2_FN static void ahead_buffered8(const near_t *near, float ex, float ey, float *s, float *approach, float *rate)
{
    const float *restrict ndx = near->dx, *restrict ndy = near->dy, *restrict nd2 = near->d2, *restrict nl = near->l;
    const float *restrict wx = near->wx, *restrict wy = near->wy, *restrict mag = near->mag;
    uint32_t count = near->count;
    _Alignas(32) float term[NEAR_MAX + NEAR_PAD];
    __m256 vex = _mm256_set1_ps(ex), vey = _mm256_set1_ps(ey), sign = _mm256_set1_ps(-0.0f), zero = _mm256_setzero_ps();
    __m256 one = _mm256_set1_ps(1.0f), best = _mm256_set1_ps(*s), fastest = zero;
    for (uint32_t n = 0; n < count; n += 8) {
        __m256 px = _mm256_xor_ps(_mm256_load_ps(ndx + n), sign), py = _mm256_xor_ps(_mm256_load_ps(ndy + n), sign);
        __m256 l = _mm256_load_ps(nl + n);
        __m256 along = _mm256_add_ps(_mm256_mul_ps(vex, px), _mm256_mul_ps(vey, py));
        __m256 side = _mm256_andnot_ps(sign, _mm256_sub_ps(_mm256_mul_ps(vex, py), _mm256_mul_ps(vey, px)));
        __m256 ahead = _mm256_and_ps(_mm256_cmp_ps(along, zero, _CMP_GT_OS), _mm256_cmp_ps(side, l, _CMP_LE_OS));
        __m256 gap = _mm256_sub_ps(_mm256_sqrt_ps(_mm256_load_ps(nd2 + n)), l);
        best = _mm256_min_ps(best, _mm256_or_ps(_mm256_and_ps(ahead, gap), _mm256_andnot_ps(ahead, best)));
        __m256 m = _mm256_load_ps(mag + n);
        __m256 c = _mm256_add_ps(_mm256_mul_ps(_mm256_load_ps(wx + n), vex), _mm256_mul_ps(_mm256_load_ps(wy + n), vey));
        __m256 neg = _mm256_and_ps(_mm256_cmp_ps(m, zero, _CMP_GT_OS), _mm256_cmp_ps(c, zero, _CMP_LT_OS));
        _mm256_store_ps(term + n, _mm256_and_ps(neg, c));
        __m256 k = _mm256_div_ps(_mm256_xor_ps(c, sign), _mm256_or_ps(_mm256_and_ps(neg, m), _mm256_andnot_ps(neg, one)));
        fastest = _mm256_max_ps(fastest, _mm256_and_ps(neg, k));
    }
    // Minimum and maximum over the lanes, pairwise (exact, so any order gives the same).
    __m128 b4 = _mm_min_ps(_mm256_castps256_ps128(best), _mm256_extractf128_ps(best, 1));
    b4 = _mm_min_ps(b4, _mm_movehl_ps(b4, b4));
    b4 = _mm_min_ss(b4, _mm_shuffle_ps(b4, b4, 1));
    __m128 f4 = _mm_max_ps(_mm256_castps256_ps128(fastest), _mm256_extractf128_ps(fastest, 1));
    f4 = _mm_max_ps(f4, _mm_movehl_ps(f4, f4));
    f4 = _mm_max_ss(f4, _mm_shuffle_ps(f4, f4, 1));
    float lane_s = _mm_cvtss_f32(b4), lane_k = _mm_cvtss_f32(f4);
    *s = lane_s < *s ? lane_s : *s;
    *rate = lane_k > *rate ? lane_k : *rate;
    float sum = *approach;
    for (uint32_t n = 0; n < count; n++) sum += term[n];
    *approach = sum;
}

AVX2_FN static float along_buffered8(const near_t *near, float ex, float ey, float delta, float inv_range)
{
    uint32_t count = near->count;
    _Alignas(32) float term[NEAR_MAX + NEAR_PAD];
    const float *restrict wx = near->wx, *restrict wy = near->wy, *restrict mag = near->mag;
    __m256 vex = _mm256_set1_ps(ex), vey = _mm256_set1_ps(ey), zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
    __m256 vk = _mm256_set1_ps(-delta * inv_range);
    for (uint32_t n = 0; n < count; n += 8) {
        __m256 m = _mm256_load_ps(mag + n), in = _mm256_cmp_ps(m, zero, _CMP_GT_OS);
        __m256 c = _mm256_add_ps(_mm256_mul_ps(_mm256_load_ps(wx + n), vex), _mm256_mul_ps(_mm256_load_ps(wy + n), vey));
        __m256 ratio = _mm256_div_ps(c, _mm256_or_ps(_mm256_and_ps(in, m), _mm256_andnot_ps(in, one))); // no 0/0
        _mm256_store_ps(term + n, _mm256_and_ps(in, _mm256_mul_ps(c, exp_model8(_mm256_mul_ps(vk, ratio)))));
    }
    float f = 0;
    for (uint32_t n = 0; n < count; n++) f += term[n];
    return f;
}
#endif

// Dispatch: the eight-lane functions where the machine has them.
static inline void scan_any(const step_job_t *job, const query_t *q, near_t *near)
{
#if WALK_AVX2
    if (job->avx2) {
        scan_neighbours8(job, q, near);
        return;
    }
#endif
    scan_neighbours(job, q, near);
}

static inline void repulse_any(const step_job_t *job, near_t *near, uint32_t self_index)
{
#if WALK_AVX2
    if (job->avx2) {
        repulse8(job, near, self_index);
        return;
    }
#endif
    repulse(job, near, self_index);
}

static inline void ahead_any(const step_job_t *job, const near_t *near, float ex, float ey, float *s, float *approach,
                             float *rate)
{
#if WALK_AVX2
    if (job->avx2) {
        ahead_buffered8(near, ex, ey, s, approach, rate);
        return;
    }
#endif
    (void)job;
    ahead_buffered(near, ex, ey, s, approach, rate);
}

static inline float along_any(const step_job_t *job, const near_t *near, float ex, float ey, float delta,
                              float inv_range)
{
#if WALK_AVX2
    if (job->avx2) return along_buffered8(near, ex, ey, delta, inv_range);
#endif
    (void)job;
    return along_buffered(near, ex, ey, delta, inv_range);
}

// Per-pair terms for the overflow path: the same quantities as ahead_buffered() (delta =
// INFINITY: spacing, approaching sum and rate) or along_buffered() (*f at delta), straight
// from the grid.
static void scan_ahead(const step_job_t *job, const query_t *q, float ex, float ey, float delta, float *s,
                       float *f, float *rate)
{
    const gops_grid_t *g = &job->ctx->grid;
    const float *sx = job->ctx->sorted_x, *sy = job->ctx->sorted_y, *sr = job->ctx->sorted_r;
    float cutoff = q->radius, cutoff2 = cutoff * cutoff;
    float a = job->p->neighbour_strength, inv_range = job->inv_range, reach = job->repulsion_reach;
    int32_t cx0, cx1, cy0, cy1;
    if (!grid_range(q->qx - cutoff, q->qx + cutoff, g->min_x, g->cell, g->nx, &cx0, &cx1)) return;
    if (!grid_range(q->qy - cutoff, q->qy + cutoff, g->min_y, g->cell, g->ny, &cy0, &cy1)) return;
    for (int32_t cy = cy0; cy <= cy1; cy++) {
        uint32_t row = (uint32_t)cy * (uint32_t)g->nx;
        uint32_t k0 = g->cell_start[row + (uint32_t)cx0], k1 = g->cell_start[row + (uint32_t)cx1 + 1];
        for (uint32_t k = k0; k < k1; k++) {
            float dx = q->qx - sx[k], dy = q->qy - sy[k];
            float d2 = dx * dx + dy * dy;
            if (d2 > cutoff2 || k == q->self) continue;
            float l = q->ri + sr[k] + queue_gap_to(job->ctx, q, k, dx, dy);
            float lr = l + reach, d = sqrtf(d2);
            if (s) {
                float px = -dx, py = -dy;
                if (ex * px + ey * py > 0 && fabsf(ex * py - ey * px) <= l && d - l < *s) *s = d - l;
            }
            if (!(d2 <= lr * lr)) continue;
            float e = a * exp_model((l - d) * inv_range), c;
            if (d > 0) {
                float w = e / d;
                c = (w * dx) * ex + (w * dy) * ey;
            } else {
                c = (q->self_index < g->items[k] ? -e : e) * ex;
            }
            if (delta != INFINITY) {
                *f += c * exp_model((-delta * inv_range) * (c / e));
            } else if (c < 0) {
                *f += c;
                *rate = -c / e > *rate ? -c / e : *rate;
            }
        }
    }
}

// Keep right. The repulsion acts along the line between two centres, so two people who
// meet face to face push each other straight back and stop, and a two-way stream in a
// street packs into a jam that never clears. People step aside before they meet, and by
// convention (right-hand traffic, as on Zhengzhou's streets) to the right. So the nearest
// oncoming person in one's path, within the spacing the speed rule looks at (v0·T), turns
// the desired direction to the right, by up to atan(KEEP_RIGHT_TURN) as the gap closes.
// Both parties turn to their own right, so they part whatever their lateral offset.
// Oncoming: desired directions more than 120° apart; in the path: lateral offset below
// the contact distance. Unidirectional and crossing streams are left as they are. Tuned
// on tests/unit/test_crowd_counterflow.c (turns of 27°-72° tried: 63° let the groups
// through soonest; turning away from an oncoming person already to one's right, instead
// of always right, was slower: the front rows split both ways and blocked each other).
// Reads old positions and desired directions only (thread-independent). Not applied when
// the buffer overflowed (over ~30 people/m² around: nobody can step aside).
#define KEEP_RIGHT_TURN 2.0f      // tangent of the largest turn (63°)
#define KEEP_RIGHT_ONCOMING -0.5f // cosine between the desired directions
static void keep_right(const step_job_t *job, const near_t *near, float reach, float *ex, float *ey)
{
    const gops_pedestrians_t *peds = job->peds;
    const uint32_t *items = job->ctx->grid.items;
    float e0x = *ex, e0y = *ey, best_gap = reach;
    bool oncoming = false;
    for (uint32_t n = 0; n < near->count; n++) {
        float ax = -near->dx[n], ay = -near->dy[n]; // to the neighbour
        float along = ax * e0x + ay * e0y, gap = along - near->l[n];
        if (!(along > 0) || !(gap < best_gap) || fabsf(e0x * ay - e0y * ax) > near->l[n]) continue;
        uint32_t j = items[near->k[n]];
        if (!(peds->ex[j] * e0x + peds->ey[j] * e0y < KEEP_RIGHT_ONCOMING)) continue;
        best_gap = gap;
        oncoming = true;
    }
    if (!oncoming) return;
    float turn = KEEP_RIGHT_TURN * (1.0f - (best_gap > 0 ? best_gap : 0) / reach);
    float dx = e0x + turn * e0y, dy = e0y - turn * e0x; // (e0y, -e0x) is one's right
    float norm = sqrtf(dx * dx + dy * dy);
    *ex = dx / norm, *ey = dy / norm;
}

// Keep right early: lanes. Keep-right above acts only once an oncoming person is within
// v0·T, too late in a dense two-way stream: both streams arrive spread over the whole
// width, meet on a front and pack there (the holiday evening's jams on the Erqi map were
// such fronts, across 6 m streets and at ring crossings). People watch their path further
// ahead and move over to their right as soon as others come towards them in it, so a
// two-way street sorts into two lanes before the streams meet, and stays sorted: once
// the lanes are apart nobody oncoming is in one's path. Every GOPS_LOOK_AHEAD_EVERY steps
// (0.5 s, a reaction time; staggered by id) each walker counts the people whose desired
// direction is more than 120° from its own, whose centre lies ahead between v0·T (where
// keep-right takes over) and lane_lookahead_m and within LANE_HALF_WIDTH of the line of
// walking, in the neighbour-grid cells holding the points of that line at v0·T, v0·T + c,
// v0·T + 2c, ... up to the lookahead + c (c the grid's cell, cutoff_m), at most
// KEEP_RIGHT_LANE_FULL; until the next look, its desired direction turns right by
// atan(KEEP_RIGHT_LANE_TURN · count / KEEP_RIGHT_LANE_FULL). Reads old positions and
// desired directions only (thread-independent). Tuned on the holiday evening window
// (18:00-18:20, cell-minutes above 4 persons/m²: 591 without; looking every step 6 m ahead
// with the largest turn 27°, 45°, 63°: 290, 177, 192; 8 m and a 1.2 m half-width at 45°:
// 230). Looking every step cost a quarter of a crowd tick, every fifth a tenth (README,
// Performance).
#define KEEP_RIGHT_LANE_TURN 1.0f // tangent of the largest turn (45°)
#define KEEP_RIGHT_LANE_FULL 3u   // oncoming people in the path for the largest turn
#define LANE_HALF_WIDTH 0.8f      // m: about two bodies, the width one passes others in
static uint8_t count_oncoming(const step_job_t *job, float xi, float yi, float from, float e0x, float e0y)
{
    const gops_grid_t *g = &job->ctx->grid;
    const float *sx = job->ctx->sorted_x, *sy = job->ctx->sorted_y;
    const float *sex = job->ctx->sorted_ex, *sey = job->ctx->sorted_ey;
    float far = job->p->lane_lookahead_m;
    uint32_t oncoming = 0, last_cell = UINT32_MAX;
    for (float d = from; d < far + g->cell && oncoming < KEEP_RIGHT_LANE_FULL; d += g->cell) {
        int32_t cx, cy;
        gops_grid_cell_of(g, xi + e0x * d, yi + e0y * d, &cx, &cy); // clamped to the grid
        uint32_t cell = (uint32_t)cy * (uint32_t)g->nx + (uint32_t)cx;
        if (cell == last_cell) continue; // along a straight line a cell never comes back
        last_cell = cell;
        for (uint32_t k = g->cell_start[cell], k1 = g->cell_start[cell + 1]; k < k1; k++) {
            float ax = sx[k] - xi, ay = sy[k] - yi, along = ax * e0x + ay * e0y;
            oncoming += (along > from) & (along <= far) & (fabsf(e0x * ay - e0y * ax) <= LANE_HALF_WIDTH) &
                        (sex[k] * e0x + sey[k] * e0y < KEEP_RIGHT_ONCOMING);
        }
    }
    return (uint8_t)(oncoming < KEEP_RIGHT_LANE_FULL ? oncoming : KEEP_RIGHT_LANE_FULL);
}

// Looks ahead every GOPS_LOOK_AHEAD_EVERY steps (staggered), turns by what it last saw.
static void keep_right_lane(const step_job_t *job, uint32_t i, float xi, float yi, float from, float *ex, float *ey)
{
    gops_pedestrians_t *peds = job->peds;
    if (peds->look_in[i] == 0) {
        peds->oncoming[i] = count_oncoming(job, xi, yi, from, *ex, *ey);
        peds->look_in[i] = GOPS_LOOK_AHEAD_EVERY - 1;
    } else {
        peds->look_in[i]--;
    }
    if (!peds->oncoming[i]) return;
    float turn = KEEP_RIGHT_LANE_TURN * (float)peds->oncoming[i] / (float)KEEP_RIGHT_LANE_FULL;
    float e0x = *ex, e0y = *ey;
    float dx = e0x + turn * e0y, dy = e0y - turn * e0x; // (e0y, -e0x) is one's right
    float norm = sqrtf(dx * dx + dy * dy);
    *ex = dx / norm, *ey = dy / norm;
}

// Stepping aside. Someone standing (no desired direction) and tagged ctx->aside_tag (the
// crowd tags people lingering in a place; those queueing or waiting at a kerb hold their
// place) shuffles out of the way of a walker pressing on it, to the side of the walker's
// line it already stands on. Otherwise a standing crowd is a wall of discs that never
// moves, and walkers crossing a countdown crowd pile up in it for good (New Year's Eve on
// Dehua Street: 25 people in 4 m², walkers stuck there for up to 6 minutes). Pressing: a
// walker whose gap to one is below ASIDE_REACH and whose desired direction points at one;
// its push is the normal to its direction, weighted 1 - gap/ASIDE_REACH. The step is
// along the summed pushes at ASIDE_SPEED at most, limited by the spacing that way like any
// step (so nobody overlaps) and by walls, closures and stalls. Reads old positions and
// desired directions only (thread-independent).
#define ASIDE_REACH 0.3f // m
#define ASIDE_SPEED 0.3f // m/s, a shuffle
static void step_aside(const step_job_t *job, const near_t *near, uint32_t i, float xi, float yi)
{
    const gops_walk_context_t *ctx = job->ctx;
    gops_pedestrians_t *peds = job->peds;
    float px = 0, py = 0;
    for (uint32_t n = 0; n < near->count; n++) {
        uint32_t k = near->k[n];
        float ejx = ctx->sorted_ex[k], ejy = ctx->sorted_ey[k];
        float ax = near->dx[n], ay = near->dy[n]; // from the walker to me
        float gap = sqrtf(near->d2[n]) - near->l[n];
        if ((ejx == 0 && ejy == 0) || !(gap < ASIDE_REACH) || !(ejx * ax + ejy * ay > 0)) continue;
        float w = gap > 0 ? 1.0f - gap / ASIDE_REACH : 1.0f, side = ejx * ay - ejy * ax; // > 0: I am on its left
        px += w * (side >= 0 ? -ejy : ejy), py += w * (side >= 0 ? ejx : -ejx);
    }
    float norm = sqrtf(px * px + py * py);
    if (!(norm > 0)) return;
    float ex = px / norm, ey = py / norm, s = INFINITY;
    for (uint32_t n = 0; n < near->count; n++) {
        float ax = -near->dx[n], ay = -near->dy[n]; // to the neighbour
        if (!(ex * ax + ey * ay > 0) || fabsf(ex * ay - ey * ax) > near->l[n]) continue;
        float gap = sqrtf(near->d2[n]) - near->l[n];
        s = gap < s ? gap : s;
    }
    float v = gops_walk_speed(s, ASIDE_SPEED, job->p->time_gap_s), step = v * job->dt;
    if (!(step > 0)) return;
    double x1 = xi + (double)(ex * step), y1 = yi + (double)(ey * step);
    const gops_walkable_t *w = ctx->walk;
    const uint64_t *blocked = ctx->blocked_bits;
    if (blocked && !point_ok(w, blocked, xi, yi)) blocked = NULL;
    if (!path_clear(w, blocked, xi, yi, x1, y1) || !box_clear(w, blocked, x1, y1, job->margin)) return;
    if (ctx->obstacles && ctx->obstacles->count && !gops_obstacles_move_ok(ctx->obstacles, xi, yi, x1, y1)) return;
    peds->vx[i] = (float)(x1 - xi) / job->dt, peds->vy[i] = (float)(y1 - yi) / job->dt;
    peds->x[i] = (float)x1, peds->y[i] = (float)y1;
}

// The queue gap. Walkers held at a kerb stand still and those behind walked up to them, so a
// crowd waiting for the green packed to 5-6 persons/m². People waiting their turn keep a gap
// (params->queue_gap_m) to whoever waits ahead of them: someone standing held (desired
// direction zero, tagged ctx->hold_tag) or queueing counts that much wider to a walker it is
// ahead of (centre in the half-plane its desired direction points into) and not heading
// against (held people have no direction; walkers meeting head on would otherwise hold each
// other as queues for good), in the speed rule and the repulsion alike, so the walker settles
// that much further back, or slides round it as round any body. Only ahead: counted both ways,
// each body in a queue pushed the one in front on to the gap's edge and the queue stayed
// packed (3.3-3.5 persons/m² in test_walk's kerb, 2.5 this way). A walker with such a body
// ahead along its desired direction, within QUEUE_REACH_M, is queueing and counts as waiting
// from the next step, so the gap spreads back through the queue; it stops counting once nobody
// waits ahead. Read from the last step's state (thread-independent). The crowd holds walkers
// at kerbs on don't walk and at metered doors; a walker stuck head on (stuck_head_on) waits
// too, in lab cases as well. Nobody is held and nobody meets head on in the RiMEA and
// bottleneck cases, which do not change.
#define QUEUE_REACH_M 0.3f // a walker settles D·ln(a) = 0.21 m beyond contact (defaults)

static bool waits_turn(const step_job_t *job, uint32_t i)
{
    const gops_walk_context_t *ctx = job->ctx;
    const gops_pedestrians_t *peds = job->peds;
    if (!(job->p->queue_gap_m > 0)) return false;
    if (peds->queueing[i]) return true;
    return ctx->tags && peds->ex[i] == 0 && peds->ey[i] == 0 && ctx->tags[i] == ctx->hold_tag;
}

// Whether someone waiting its turn stands ahead of q's walker in its line of walking
// (queue_gap_to), its gap within QUEUE_REACH_M.
static bool behind_waiting(const step_job_t *job, const near_t *near, const query_t *q)
{
    if (!(job->max_keep > 0)) return false; // nobody waits this step (or no tags, or no gap)
    for (uint32_t n = 0; n < near->count; n++) {
        if (!(job->ctx->sorted_keep[near->k[n]] > 0)) continue; // the common case, cheap
        float px = -near->dx[n], py = -near->dy[n], l = near->l[n];
        if (fabsf(q->ex * py - q->ey * px) > l || !(sqrtf(near->d2[n]) - l <= QUEUE_REACH_M)) continue;
        if (queue_gap_to(job->ctx, q, near->k[n], near->dx[n], near->dy[n]) > 0) return true;
    }
    return false;
}

// Stuck head on: stopped for HEAD_ON_STUCK_S or more with someone heading against it (desired
// directions more than 120° apart) in its line of walking, its gap within QUEUE_REACH_M. Such
// a walker counts as waiting its turn, so those walking up behind it the same way keep the
// queue gap instead of pressing on. Two streams meeting at a narrowing (a cart on a 5 m
// sidewalk) used to pack on both sides of the front to 10-12 persons/m², where nobody had room
// to step aside and the front held for minutes (tests/scenarios/counterflow_past_a_cart.lua:
// 11.7 persons/m², the last of 900 through after 549 s; with the gap 8.5 and 386 s, the rest
// being the one-way queue at the cart's face). One-way queues, at bottlenecks and corners, do
// not change: nobody in them heads against anyone.
#define HEAD_ON_STUCK_S 1.0f // the stop that counts, s (0.5-3 s: 7.8-8.6 persons/m² in the lab case)
static bool stuck_head_on(const step_job_t *job, const near_t *near, uint32_t i)
{
    if (!(job->peds->wait[i] >= HEAD_ON_STUCK_S)) return false;
    const float *sex = job->ctx->sorted_ex, *sey = job->ctx->sorted_ey;
    float ex = job->peds->ex[i], ey = job->peds->ey[i]; // its own desired direction, unsteered
    for (uint32_t n = 0; n < near->count; n++) {
        float px = -near->dx[n], py = -near->dy[n], l = near->l[n];
        if (!(px * ex + py * ey > 0) || fabsf(ex * py - ey * px) > l) continue;
        if (!(sqrtf(near->d2[n]) - l < QUEUE_REACH_M)) continue;
        uint32_t k = near->k[n];
        if (sex[k] * ex + sey[k] * ey < KEEP_RIGHT_ONCOMING) return true;
    }
    return false;
}

// Walkable index of the cell holding (x, y) (the cell gops_walkable_cell_at names), or
// GOPS_WALKABLE_NONE off the raster or on a wall.
static uint32_t own_index(const gops_walkable_t *w, float x, float y)
{
    int64_t cx = axis_cell(x, w->min_x, w->cell, w->nx), cy = axis_cell(y, w->min_y, w->cell, w->ny);
    if (!gops_walkable_is_set_xy(w, cx, cy)) return GOPS_WALKABLE_NONE;
    uint32_t cell = (uint32_t)(cy * w->nx + cx);
    uint64_t below = (1ull << (cell & 63)) - 1;
    return w->rank[cell >> 6] + popcount64(w->bits[cell >> 6] & below);
}

static void walk_range(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    (void)chunk;
    const step_job_t *job = user;
    const gops_walk_context_t *ctx = job->ctx;
    const gops_walk_params_t *p = job->p;
    const gops_walkable_t *w = ctx->walk;
    const float *wall_dist = ctx->wall_distance ? ctx->wall_distance->dist : NULL;
    const gops_obstacles_t *obstacles = ctx->obstacles && ctx->obstacles->count ? ctx->obstacles : NULL;
    gops_pedestrians_t *peds = job->peds;
    float period = p->periodic_x, pmin = p->periodic_min_x;
    float cell = (float)w->cell, half_diagonal = 0.70711f * cell;
    near_t near;
    for (uint32_t k = begin; k < end; k++) {
        uint32_t i = ctx->grid.items[k];
        // Pedestrians come in space order, so their entries are scattered over the arrays;
        // a step is long enough that the next ones' loads would stall: fetch them early.
        if (k + PREFETCH_AHEAD < end) {
            uint32_t j = ctx->grid.items[k + PREFETCH_AHEAD];
            __builtin_prefetch(&peds->ex[j]), __builtin_prefetch(&peds->ey[j]), __builtin_prefetch(&peds->v0[j]);
            __builtin_prefetch(&peds->queueing[j], 1);
            __builtin_prefetch(&peds->wait[j], 1), __builtin_prefetch(&peds->vx[j], 1);
            __builtin_prefetch(&peds->vy[j], 1), __builtin_prefetch(&peds->x[j], 1), __builtin_prefetch(&peds->y[j], 1);
        }
        float xi = ctx->sorted_x[k], yi = ctx->sorted_y[k], ri = ctx->sorted_r[k];
        float e0x = peds->ex[i], e0y = peds->ey[i];
        if (e0x == 0 && e0y == 0) { // no desired direction: stands (queues, dwelling)
            peds->vx[i] = peds->vy[i] = 0;
            peds->queueing[i] = 0;
            if (ctx->tags && ctx->tags[i] == ctx->aside_tag) { // ... or shuffles out of a walker's way
                near.count = 0, near.overflow = false, near.rx = near.ry = 0;
                query_t q = {xi, yi, ri, ri + job->max_radius + ASIDE_REACH, k, i, 0, 0};
                scan_any(job, &q, &near);
                if (!near.overflow) step_aside(job, &near, i, xi, yi);
            }
            continue;
        }
        if (obstacles) gops_obstacles_steer(obstacles, xi, yi, ri, &e0x, &e0y, wall_dist ? room_at : NULL, ctx);
        near.count = 0;
        near.overflow = false;
        near.rx = near.ry = 0;
        // Only neighbours closer than r_i + r_max + max(v0·T, repulsion reach) can change
        // the outcome: beyond, the gap exceeds v0·T (speed stays v0) and repulsion is cut.
        float v0 = peds->v0[i], ahead = v0 * p->time_gap_s;
        float radius = ri + job->max_radius + job->max_keep + (ahead > job->repulsion_reach ? ahead : job->repulsion_reach);
        if (!(radius <= p->cutoff_m)) radius = p->cutoff_m;
        // In a periodic corridor, near either end the image one period away is scanned too.
        float shift = 0;
        if (period > 0) {
            if (xi - pmin < radius) shift = period;
            else if (pmin + period - xi < radius) shift = -period;
        }
        query_t q = {xi, yi, ri, radius, k, i, e0x, e0y}, image = {xi + shift, yi, ri, radius, UINT32_MAX, i, e0x, e0y};
        scan_any(job, &q, &near);
        if (shift != 0) scan_any(job, &image, &near);
        if (ahead > 0 && p->lane_lookahead_m > ahead) keep_right_lane(job, i, xi, yi, ahead, &e0x, &e0y);
        if (!near.overflow && ahead > 0) keep_right(job, &near, ahead, &e0x, &e0y);
        repulse_any(job, &near, i);
        float dirx = e0x + near.rx, diry = e0y + near.ry;
        // Distance to walls over the own cell: at least dist[own] - half a cell diagonal.
        uint32_t own = wall_dist ? own_index(w, xi, yi) : GOPS_WALKABLE_NONE;
        float clearance = own == GOPS_WALKABLE_NONE ? 0.0f : wall_dist[own] - half_diagonal;
        float wall_mag = 0, wall_nx = 0, wall_ny = 0;
        if (wall_dist && p->wall_strength > 0 && clearance - cell < ri + job->wall_reach) {
            float gx, gy;
            float dw = wall_sample(w, wall_dist, xi, yi, &gx, &gy);
            float gn = sqrtf(gx * gx + gy * gy);
            if (gn > 0) {
                wall_mag = p->wall_strength * exp_model((ri - dw) * job->inv_wall_range);
                wall_nx = gx / gn, wall_ny = gy / gn;
                dirx += wall_mag * wall_nx;
                diry += wall_mag * wall_ny;
            }
        }
        float norm = sqrtf(dirx * dirx + diry * diry);
        if (!(norm > 0) || !isfinite(norm)) { // pushed to a standstill: waits
            peds->vx[i] = peds->vy[i] = 0;
            peds->wait[i] += job->dt;
            continue;
        }
        float ex = dirx / norm, ey = diry / norm;
        float s = INFINITY, approach = 0, fastest = 0;
        if (near.overflow) { // rare (piles of people): the buffer holds only the last batch
            scan_ahead(job, &q, ex, ey, INFINITY, &s, &approach, &fastest);
            if (shift != 0) scan_ahead(job, &image, ex, ey, INFINITY, &s, &approach, &fastest);
        } else {
            ahead_any(job, &near, ex, ey, &s, &approach, &fastest);
        }
        float v = gops_walk_speed(s, v0, p->time_gap_s);
        float step = v * job->dt;
        // Step limit. Along e the direction's own component u·e only falls: approaching
        // repulsion terms grow, receding ones fade (see along_buffered). Where it reaches
        // zero the direction would turn back; a small time step stops (and dithers) there,
        // but a 0.1 s step would jump past it and bounce back at full speed next tick. So a
        // step ends before that point. Cheap test first: no term can grow faster than
        // exp(δ·rate/D), rate the largest |n_j·e| among them (walls exp(δ/D_w)), so if the
        // approaching part cannot cancel e0·e (receding terms only help), the step is safe.
        float c0 = e0x * ex + e0y * ey;
        float wall_along = wall_mag * (wall_nx * ex + wall_ny * ey), wall_k = (wall_nx * ex + wall_ny * ey) * job->inv_wall_range;
        if (step > 0 && (approach < 0 || wall_along < 0 || c0 < 0)) {
            float worst = c0 + approach * exp_model(step * fastest * job->inv_range) +
                          (wall_along < 0 ? wall_along * exp_model(step * job->inv_wall_range) : 0.0f);
            if (!(worst > 0)) {
                float lo = 0, hi = step, delta = step;
                bool cut = false;
                for (int it = 0; it < 9; it++) { // bisection: u·e > 0 at lo, <= 0 at hi
                    float f = c0 + wall_along * exp_model(-delta * wall_k);
                    if (near.overflow) {
                        scan_ahead(job, &q, ex, ey, delta, NULL, &f, NULL);
                        if (shift != 0) scan_ahead(job, &image, ex, ey, delta, NULL, &f, NULL);
                    } else {
                        f += along_any(job, &near, ex, ey, delta, job->inv_range);
                    }
                    if (f > 0) {
                        if (it == 0) break; // the full step is safe after all
                        lo = delta;
                    } else {
                        hi = delta;
                        cut = true;
                    }
                    delta = 0.5f * (lo + hi);
                }
                if (cut) step = lo;
            }
        }
        double x0 = xi, y0 = yi, x1 = x0 + (double)(ex * step), y1 = y0 + (double)(ey * step);
        // The hard constraint, skipped when the field proves the whole move clear (the wall
        // field counts closures and barriers as walls when there are any) and no disc is near.
        bool discs_near = obstacles && gops_obstacles_near(obstacles, xi, yi);
        if (step > 0 && (!(clearance > step + 1.5f * (float)job->margin) || discs_near)) {
            // Closures and barriers hold like walls, except for someone whose step starts on
            // a blocked cell (inside an area closed around it): it walks out.
            const uint64_t *blocked = ctx->blocked_bits;
            if (blocked && !point_ok(w, blocked, x0, y0)) blocked = NULL;
            bool start_clear = box_clear(w, blocked, x0, y0, job->margin);
            // Full step; else slide along the raster's axis-aligned walls, longer part first.
#define MOVE_OK(ax, ay)                                                                               \
    (path_clear(w, blocked, x0, y0, (ax), (ay)) && (!start_clear || box_clear(w, blocked, (ax), (ay), job->margin)) && \
     (!discs_near || gops_obstacles_move_ok(obstacles, x0, y0, (ax), (ay))))
            if (!MOVE_OK(x1, y1)) {
                bool x_first = fabs(x1 - x0) >= fabs(y1 - y0);
                double ax = x_first ? x1 : x0, ay = x_first ? y0 : y1;
                double bx = x_first ? x0 : x1, by = x_first ? y1 : y0;
                if (MOVE_OK(ax, ay)) x1 = ax, y1 = ay;
                else if (MOVE_OK(bx, by)) x1 = bx, y1 = by;
                else x1 = x0, y1 = y0;
            }
#undef MOVE_OK
        }
        float nx = (float)x1, ny = (float)y1;
        float vx = (nx - xi) / job->dt, vy = (ny - yi) / job->dt;
        peds->vx[i] = vx;
        peds->vy[i] = vy;
        // Patience: continuous seconds below a fifth of the free speed while wanting to walk.
        peds->wait[i] = vx * vx + vy * vy < STOPPED_FRACTION * STOPPED_FRACTION * v0 * v0 ? peds->wait[i] + job->dt : 0;
        peds->queueing[i] = !near.overflow && (behind_waiting(job, &near, &q) || stuck_head_on(job, &near, i));
        if (period > 0) {
            if (nx >= pmin + period) nx -= period;
            else if (nx < pmin) nx += period;
        }
        peds->x[i] = nx;
        peds->y[i] = ny;
    }
}

const uint32_t *gops_walk_order(const gops_walk_context_t *ctx, uint32_t *count)
{
    *count = ctx->grid.items ? ctx->grid.count : 0;
    return ctx->grid.items;
}

static void gather_range(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    step_job_t *job = user;
    const gops_walk_context_t *ctx = job->ctx;
    const gops_pedestrians_t *peds = job->peds;
    float rmax = 0, kmax = 0;
    for (uint32_t k = begin; k < end; k++) {
        uint32_t i = ctx->grid.items[k];
        ctx->sorted_x[k] = peds->x[i];
        ctx->sorted_y[k] = peds->y[i];
        float r = peds->radius[i];
        ctx->sorted_r[k] = r;
        float keep = waits_turn(job, i) ? job->p->queue_gap_m : 0.0f;
        ctx->sorted_keep[k] = keep;
        kmax = keep > kmax ? keep : kmax;
        ctx->sorted_ex[k] = peds->ex[i];
        ctx->sorted_ey[k] = peds->ey[i];
        rmax = r > rmax ? r : rmax;
    }
    job->chunk_max_radius[chunk] = rmax;
    job->chunk_max_keep[chunk] = kmax;
}

gops_status_t gops_walk_step(gops_walk_context_t *ctx, gops_pedestrians_t *peds, const gops_walk_params_t *p,
                             float dt, int threads, gops_error_t *err)
{
    GOPS_ASSERT(ctx && ctx->walk && peds && p);
    if (!(dt > 0 && dt <= 1))
        return gops_error_set(err, GOPS_BAD_VALUE, "walking model: step of %g s, expected 0 < dt <= 1 s", (double)dt);
    uint32_t n = peds->count;
    if (n == 0) return GOPS_OK;
    if (!reserve(ctx, n) || gops_grid_build_threads(&ctx->grid, peds->x, peds->y, n, threads) != 0)
        return gops_error_set(err, GOPS_NOMEM, "walking model: out of memory for %u pedestrians", n);
    step_job_t job = {
        .ctx = ctx,
        .peds = peds,
        .p = p,
        .dt = dt,
        .inv_range = 1.0f / p->neighbour_range_m,
        .inv_wall_range = 1.0f / p->wall_range_m,
        .wall_reach = 12.0f * p->wall_range_m,
        .repulsion_reach = 10.0f * p->neighbour_range_m,
        .margin = p->wall_margin_m,
#if WALK_AVX2
        .avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt"),
#endif
    };
    gops_parallel_for(n, threads, gather_range, &job);
    for (uint32_t c = 0, chunks = gops_parallel_chunks(n); c < chunks; c++) {
        if (job.chunk_max_radius[c] > job.max_radius) job.max_radius = job.chunk_max_radius[c];
        if (job.chunk_max_keep[c] > job.max_keep) job.max_keep = job.chunk_max_keep[c];
    }
    gops_parallel_for(n, threads, walk_range, &job);
    return GOPS_OK;
}
