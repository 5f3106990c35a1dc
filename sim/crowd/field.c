// SPDX-License-Identifier: MIT
// Distance fields (field.h): fast marching from source cells, the exact distance to walls,
// and the sampling and descent that every pedestrian calls every tick (also batched, four
// points at a time with AVX2 where the machine has it, same bits). Ordering rule: the
// march accepts cells in (value, walkable index) order, so ties break by index and a field
// does not depend on the order or repetition of its sources. Does not cache fields on disk
// (field_cache.c) and does not decide which field an agent follows.
#include "crowd/field.h"

#include "core/assert.h"
#include "core/hash.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
// Four points at a time with AVX2 gathers where the running machine has them (chosen at
// run time; the build targets baseline x86-64). GOPS_FIELD_NO_AVX2 keeps the scalar path.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(GOPS_FIELD_NO_AVX2)
#include <immintrin.h>
#define FIELD_AVX2 1
#define FIELD_AVX2_FN __attribute__((target("avx2")))
#else
#define FIELD_AVX2 0
#endif

// ---- raster helpers -------------------------------------------------------------------

static inline bool cell_set(const gops_walkable_t *w, uint32_t cell)
{
    return (w->bits[cell >> 6] >> (cell & 63)) & 1u;
}

// Without -mpopcnt, __builtin_popcountll is a call into libgcc; this stays inline.
static inline uint32_t popcount64(uint64_t x)
{
#ifdef __POPCNT__
    return (uint32_t)__builtin_popcountll(x);
#else
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (uint32_t)((x * 0x0101010101010101ull) >> 56);
#endif
}

// Walkable index of a cell known to be walkable (no range check: callers stay inside).
static inline uint32_t index_of(const gops_walkable_t *w, uint32_t cell)
{
    uint64_t below = (1ull << (cell & 63)) - 1;
    return w->rank[cell >> 6] + popcount64(w->bits[cell >> 6] & below);
}

// ---- fast marching ----------------------------------------------------------------------
//
// Each cell is far, in the heap (trial) or done. Tentative values live only in the heap;
// dist[] is INFINITY until a cell is accepted, so the upwind minimum of a cell's neighbours
// reads dist[] without looking at states. Blocked cells start done at INFINITY. The march
// first lists each cell's 4 neighbours by walkable index (one linear pass, no division or
// rank lookups in the loop); a missing neighbour is the sentinel index `count`, whose dist
// is INFINITY and whose state is done, so the loop has no edge cases. Scratch: 28 bytes per
// walkable cell (neighbours 16, state 4, heap 8), freed on return; the result is 4 bytes
// per cell (plus the sentinel). Nothing is shared, so fields may be computed in parallel.

#define FAR UINT32_MAX
#define DONE (UINT32_MAX - 1)

enum { WEST, EAST, SOUTH, NORTH };

// A heap entry packs (value, walkable index) into one integer whose unsigned order is the
// (value, index) order: values are >= 0, and the bits of non-negative floats sort like the
// floats. One comparison then breaks ties by index.
typedef uint64_t heap_item_t;

static inline heap_item_t item(float key, uint32_t idx)
{
    uint32_t bits;
    memcpy(&bits, &key, sizeof bits);
    return (uint64_t)bits << 32 | idx;
}

static inline uint32_t item_idx(heap_item_t it) { return (uint32_t)it; }

static inline float item_key(heap_item_t it)
{
    uint32_t bits = (uint32_t)(it >> 32);
    float key;
    memcpy(&key, &bits, sizeof key);
    return key;
}

typedef struct march {
    const gops_walkable_t *w;
    const float *speed;
    const uint8_t *allowed; // one-way rules: GOPS_FIELD_MAY_* per cell, 0 = unrestricted; may be NULL
    float *dist;        // count + 1 (the sentinel)
    uint32_t *pos;      // FAR, DONE or the cell's slot in heap; count + 1
    uint32_t (*nb)[4];  // neighbours by walkable index, `count` when none
    heap_item_t *heap;  // at most count items: a cell enters once
    uint32_t size;
} march_t;

// Neighbour lists in one pass over the walkable cells: east/west are the adjacent indices
// when the cells are adjacent in the same row; north is found by a second cursor that
// walks the cells one row ahead (cell ids ascend, so it only moves forward).
static void list_neighbours(const gops_walkable_t *w, uint32_t (*nb)[4])
{
    uint32_t n = w->count, nx = (uint32_t)w->nx, row_start = 0, ahead = 0;
    for (uint32_t i = 0; i < n; i++) nb[i][SOUTH] = n;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t c = w->cells[i];
        while (c >= row_start + nx) row_start += nx;
        nb[i][WEST] = c > row_start && i > 0 && w->cells[i - 1] == c - 1 ? i - 1 : n;
        nb[i][EAST] = c + 1 < row_start + nx && i + 1 < n && w->cells[i + 1] == c + 1 ? i + 1 : n;
        uint32_t above = c + nx;
        while (ahead < n && w->cells[ahead] < above) ahead++;
        if (ahead < n && w->cells[ahead] == above) {
            nb[i][NORTH] = ahead;
            nb[ahead][SOUTH] = i;
        } else {
            nb[i][NORTH] = n;
        }
    }
}

static void sift_up(march_t *m, uint32_t k)
{
    heap_item_t it = m->heap[k];
    while (k > 0) {
        uint32_t parent = (k - 1) / 2;
        if (m->heap[parent] <= it) break;
        m->heap[k] = m->heap[parent];
        m->pos[item_idx(m->heap[k])] = k;
        k = parent;
    }
    m->heap[k] = it;
    m->pos[item_idx(it)] = k;
}

static void sift_down(march_t *m, uint32_t k)
{
    heap_item_t it = m->heap[k];
    for (;;) {
        uint32_t c = 2 * k + 1;
        if (c >= m->size) break;
        if (c + 1 < m->size && m->heap[c + 1] < m->heap[c]) c++;
        if (it <= m->heap[c]) break;
        m->heap[k] = m->heap[c];
        m->pos[item_idx(m->heap[k])] = k;
        k = c;
    }
    m->heap[k] = it;
    m->pos[item_idx(it)] = k;
}

static void push_or_lower(march_t *m, uint32_t idx, float key)
{
    uint32_t p = m->pos[idx];
    if (p == FAR) {
        m->heap[m->size] = item(key, idx);
        sift_up(m, m->size++);
    } else if (key < item_key(m->heap[p])) {
        m->heap[p] = item(key, idx);
        sift_up(m, p);
    }
}

static heap_item_t pop(march_t *m)
{
    heap_item_t top = m->heap[0];
    m->pos[item_idx(top)] = DONE;
    if (--m->size > 0) {
        m->heap[0] = m->heap[m->size];
        sift_down(m, 0);
    }
    return top;
}

static inline double min2(double a, double b) { return b < a ? b : a; }

// First-order upwind solution of |∇T| = 1/speed on a square cell of edge h: a and b are the
// smallest accepted values along x and along y (INFINITY when none), hf = h / speed.
static inline double solve(double a, double b, double hf)
{
    if (a > b) {
        double t = a;
        a = b;
        b = t;
    }
    if (b - a >= hf) return a + hf; // one-sided (also when b is INFINITY)
    double d = a - b;
    return 0.5 * (a + b + sqrt(2.0 * hf * hf - d * d));
}

// Recomputes the tentative value of walkable cell n from its accepted neighbours. Under a
// one-way rule a cell takes values only from the neighbours one may walk to from it (the
// march runs from the destination outward, so a value taken from a neighbour is a step
// towards it).
static inline void update(march_t *m, uint32_t n)
{
    const uint32_t *nb = m->nb[n];
    const float *d = m->dist;
    double a, b;
    uint8_t may = m->allowed ? m->allowed[n] : 0;
    if (may == 0) {
        a = min2(d[nb[WEST]], d[nb[EAST]]);
        b = min2(d[nb[SOUTH]], d[nb[NORTH]]);
    } else {
        a = min2(may & GOPS_FIELD_MAY_WEST ? d[nb[WEST]] : INFINITY, may & GOPS_FIELD_MAY_EAST ? d[nb[EAST]] : INFINITY);
        b = min2(may & GOPS_FIELD_MAY_SOUTH ? d[nb[SOUTH]] : INFINITY,
                 may & GOPS_FIELD_MAY_NORTH ? d[nb[NORTH]] : INFINITY);
        if (!(a < INFINITY) && !(b < INFINITY)) return; // no allowed way onward yet
    }
    double hf = m->speed ? m->w->cell / (double)m->speed[n] : m->w->cell;
    push_or_lower(m, n, (float)solve(a, b, hf));
}

// Around a point source the first-order scheme is least accurate (a diagonal neighbour
// gets (1 + 1/√2)·h instead of √2·h, and the march carries that error outward: about 10 %
// at 5 cells). So cells within SEED_RADIUS cells of a source are seeded with their exact
// straight-line value when the whole rectangle of cells spanned by the two centres is open
// (walkable, unblocked, of the source's speed): that rectangle is convex and contains the
// segment, so the straight line is a real path. The march can only lower a seed where it
// finds a shorter way (from another source); elsewhere it proceeds as usual.
#define SEED_RADIUS 3
#define SEED_SPAN (2 * SEED_RADIUS + 1)

static void seed(march_t *m, uint32_t src, const uint8_t *blocked)
{
    const gops_walkable_t *w = m->w;
    const int32_t r = SEED_RADIUS;
    int32_t nx = w->nx, ny = w->ny;
    uint32_t c0 = w->cells[src];
    int32_t cx = (int32_t)(c0 % (uint32_t)nx), cy = (int32_t)(c0 / (uint32_t)nx);
    push_or_lower(m, src, 0.0f);
    // closed[y][x]: closed cells among rows < y and columns < x of the box (a 2-D prefix
    // sum), so each rectangle is checked in O(1).
    uint32_t idx[SEED_SPAN][SEED_SPAN];
    uint8_t closed[SEED_SPAN + 1][SEED_SPAN + 1];
    memset(closed, 0, sizeof closed);
    for (int32_t dy = -r; dy <= r; dy++)
        for (int32_t dx = -r; dx <= r; dx++) {
            int32_t x = cx + dx, y = cy + dy;
            bool open = false;
            if (x >= 0 && y >= 0 && x < nx && y < ny) {
                uint32_t c = (uint32_t)y * (uint32_t)nx + (uint32_t)x;
                if (cell_set(w, c)) {
                    uint32_t i = index_of(w, c);
                    idx[dy + r][dx + r] = i;
                    open = !(blocked && blocked[i]) && !(m->speed && m->speed[i] != m->speed[src]) &&
                           !(m->allowed && m->allowed[i]); // straight lines ignore one-way rules
                }
            }
            closed[dy + r + 1][dx + r + 1] = (uint8_t)(!open + closed[dy + r][dx + r + 1] +
                                                       closed[dy + r + 1][dx + r] - closed[dy + r][dx + r]);
        }
    double unit = m->speed ? w->cell / (double)m->speed[src] : w->cell;
    for (int32_t dy = -r; dy <= r; dy++)
        for (int32_t dx = -r; dx <= r; dx++) {
            if (dx * dx + dy * dy > r * r || (dx == 0 && dy == 0)) continue;
            int32_t x0 = (dx < 0 ? dx : 0) + r, x1 = (dx < 0 ? 0 : dx) + r + 1;
            int32_t y0 = (dy < 0 ? dy : 0) + r, y1 = (dy < 0 ? 0 : dy) + r + 1;
            if (closed[y1][x1] - closed[y0][x1] - closed[y1][x0] + closed[y0][x0] != 0) continue;
            push_or_lower(m, idx[dy + r][dx + r], (float)(sqrt((double)(dx * dx + dy * dy)) * unit));
        }
}

static void march_run(march_t *m)
{
    while (m->size > 0) {
        heap_item_t top = pop(m);
        m->dist[item_idx(top)] = item_key(top);
        const uint32_t *nb = m->nb[item_idx(top)];
        for (int k = 0; k < 4; k++)
            if (m->pos[nb[k]] != DONE) update(m, nb[k]);
    }
}

gops_status_t gops_field_compute(const gops_walkable_t *walk, const uint32_t *sources, uint32_t source_count,
                                 const uint8_t *blocked, const float *speed, gops_field_t *out, gops_error_t *err)
{
    return gops_field_compute_directed(walk, sources, source_count, blocked, speed, NULL, out, err);
}

gops_status_t gops_field_compute_directed(const gops_walkable_t *walk, const uint32_t *sources, uint32_t source_count,
                                          const uint8_t *blocked, const float *speed, const uint8_t *allowed,
                                          gops_field_t *out, gops_error_t *err)
{
    GOPS_ASSERT(walk && out);
    out->dist = NULL;
    out->count = 0;
    if (source_count == 0 || !sources)
        return gops_error_set(err, GOPS_BAD_VALUE, "distance field: no source cells (expected at least one)");
    for (uint32_t s = 0; s < source_count; s++)
        if (sources[s] >= walk->count)
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "distance field: source %u is walkable index %u, expected below %u (the "
                                  "raster's walkable cells)",
                                  s, sources[s], walk->count);
    if (speed)
        for (uint32_t i = 0; i < walk->count; i++)
            if (!(speed[i] > 0.0f) || !isfinite(speed[i]))
                return gops_error_set(err, GOPS_BAD_VALUE,
                                      "distance field: speed of walkable cell %u is %g, expected a finite value "
                                      "above 0 (block the cell instead)",
                                      i, (double)speed[i]);
    uint32_t n = walk->count;
    march_t m = {.w = walk, .speed = speed, .allowed = allowed};
    m.dist = malloc(((size_t)n + 1) * sizeof *m.dist);
    m.pos = malloc(((size_t)n + 1) * sizeof *m.pos);
    m.nb = malloc(((size_t)n + 1) * sizeof *m.nb);
    m.heap = malloc(((size_t)n + 1) * sizeof *m.heap);
    if (!m.dist || !m.pos || !m.nb || !m.heap) {
        free(m.dist);
        free(m.pos);
        free(m.nb);
        free(m.heap);
        return gops_error_set(err, GOPS_NOMEM, "distance field: out of memory for %u cells", n);
    }
    list_neighbours(walk, m.nb);
    for (uint32_t i = 0; i < n; i++) {
        m.dist[i] = INFINITY;
        m.pos[i] = blocked && blocked[i] ? DONE : FAR;
    }
    m.dist[n] = INFINITY; // the sentinel "no neighbour"
    m.pos[n] = DONE;
    // Blocked sources are closed destinations: they seed nothing (the field may stay INFINITY).
    for (uint32_t s = 0; s < source_count; s++)
        if (m.pos[sources[s]] != DONE) seed(&m, sources[s], blocked);
    march_run(&m);
    free(m.pos);
    free(m.nb);
    free(m.heap);
    out->dist = m.dist;
    out->count = n;
    return GOPS_OK;
}

void gops_field_free(gops_field_t *field)
{
    if (!field) return;
    free(field->dist);
    field->dist = NULL;
    field->count = 0;
}

// ---- distance to walls -----------------------------------------------------------------
//
// Exact distance from each walkable cell centre to the union of the non-walkable cell
// squares and the outside of the raster. Squared distance to a square at offset (dx, dy)
// cells is g(dx) + g(dy) with g(d) = max(|d| − ½, 0)², which separates like an ordinary
// distance transform (Felzenszwalb & Huttenlocher 2012): a column pass finds the nearest
// wall row k per column (G = g(k)), a row pass minimises G(s) + g(x − s) over columns s.
// g is a parabola centred at s + ½ for s < x and at s − ½ for s > x; using the wrong one
// only overestimates, so min(G(x), E(x − ½), E(x + ½)) is exact, E being the lower envelope
// of the parabolas G(s) + (t − s)² evaluated at half-integer t.

gops_status_t gops_field_wall_distance(const gops_walkable_t *walk, gops_field_t *out, gops_error_t *err)
{
    return gops_field_wall_distance_masked(walk, NULL, out, err);
}

gops_status_t gops_field_wall_distance_masked(const gops_walkable_t *walk, const uint8_t *blocked, gops_field_t *out,
                                              gops_error_t *err)
{
    GOPS_ASSERT(walk && out);
    out->dist = NULL;
    out->count = 0;
    uint32_t nx = (uint32_t)walk->nx, ny = (uint32_t)walk->ny;
    size_t cells = (size_t)nx * ny;
    // Column distances in cells. uint16 is exact: with ny < 65535 they fit; otherwise nx <=
    // 512 (the raster's cell cap) and the raster's side edges, at most nx cells away, are
    // nearer than the 65535 they saturate at.
    uint16_t *k = malloc((cells ? cells : 1) * sizeof *k);
    double *g = malloc((nx + 2) * sizeof *g);        // G of sites s = −1 .. nx
    int32_t *v = malloc((nx + 2) * sizeof *v);       // envelope sites
    double *z = malloc((nx + 3) * sizeof *z);        // envelope breakpoints
    float *dist = malloc((walk->count ? walk->count : 1) * sizeof *dist);
    gops_status_t st = GOPS_OK;
    if (!k || !g || !v || !z || !dist) {
        st = gops_error_set(err, GOPS_NOMEM, "wall distance: out of memory for %zu cells", cells);
        goto cleanup;
    }
    for (uint32_t cy = 0; cy < ny; cy++) {
        const uint16_t *up = cy ? k + (size_t)(cy - 1) * nx : NULL;
        uint16_t *row = k + (size_t)cy * nx;
        for (uint32_t cx = 0; cx < nx; cx++) {
            uint32_t above = up ? up[cx] : 0; // row −1 is wall
            uint32_t c = cy * nx + cx;
            bool open = cell_set(walk, c) && !(blocked && blocked[index_of(walk, c)]);
            row[cx] = open ? (uint16_t)(above < UINT16_MAX ? above + 1 : UINT16_MAX) : 0;
        }
    }
    for (uint32_t cy = ny; cy-- > 0;) {
        const uint16_t *down = cy + 1 < ny ? k + (size_t)(cy + 1) * nx : NULL;
        uint16_t *row = k + (size_t)cy * nx;
        for (uint32_t cx = 0; cx < nx; cx++) {
            uint32_t below = (down ? down[cx] : 0) + 1u; // row ny is wall
            if (below < row[cx]) row[cx] = (uint16_t)below;
        }
    }
    uint32_t i = 0; // walkable index: rows in order, cells in order
    for (uint32_t cy = 0; cy < ny && i < walk->count; cy++) {
        if (walk->cells[i] / nx != cy) continue; // no walkable cell on this row
        const uint16_t *row = k + (size_t)cy * nx;
        // Sites s = −1 .. nx stored at s + 1; the two outside columns are wall (G = 0).
        g[0] = g[nx + 1] = 0.0;
        for (uint32_t cx = 0; cx < nx; cx++) {
            double d = row[cx] ? row[cx] - 0.5 : 0.0;
            g[cx + 1] = d * d;
        }
        // Lower envelope of the parabolas g[s] + (t − (s − 1))².
        uint32_t top = 0;
        v[0] = 0;
        z[0] = -INFINITY;
        z[1] = INFINITY;
        for (uint32_t q = 1; q < nx + 2; q++) {
            double s;
            for (;;) { // terminates: z[0] = −∞ and every G is finite
                int32_t p = v[top];
                s = ((g[q] + (double)q * q) - (g[p] + (double)p * p)) / (2.0 * ((double)q - p));
                if (s > z[top]) break;
                top--;
            }
            top++;
            v[top] = (int32_t)q;
            z[top] = s;
            z[top + 1] = INFINITY;
        }
        // Evaluate at t = cx + ½ (site coordinates, shifted by one) for cx = −1 .. nx − 1,
        // walking the envelope once; e_left holds E at the cell's left half-point.
        uint32_t j = 0;
        double t = 0.5;
        while (z[j + 1] < t) j++;
        double e_left = (t - v[j]) * (t - v[j]) + g[v[j]];
        for (uint32_t cx = 0; cx < nx; cx++) {
            t = cx + 1.5;
            while (z[j + 1] < t) j++;
            double e_right = (t - v[j]) * (t - v[j]) + g[v[j]];
            if (row[cx]) {
                double d2 = min2(g[cx + 1], min2(e_left, e_right));
                GOPS_ASSERT(i < walk->count && walk->cells[i] == cy * nx + cx);
                dist[i++] = (float)(sqrt(d2) * walk->cell);
            } else if (blocked && cell_set(walk, cy * nx + cx)) {
                // A blocked cell is wall: its centre lies half a cell inside, as walk.c
                // reads the centres of non-walkable cells.
                dist[i++] = (float)(-0.5 * walk->cell);
            }
            e_left = e_right;
        }
    }
    GOPS_ASSERT(i == walk->count);
    out->dist = dist;
    out->count = walk->count;
    dist = NULL;
cleanup:
    free(k);
    free(g);
    free(v);
    free(z);
    free(dist);
    return st;
}

// ---- sampling and descent (per pedestrian per tick) ------------------------------------

// Values of the n (<= 4) cells (cx0 .. cx0 + n − 1, cy); INFINITY for cells outside the
// raster or not walkable. One rank lookup per row: walkable indices of consecutive cells
// advance by one per walkable cell.
static inline void load_row(const gops_walkable_t *w, const float *dist, int32_t cx0, int32_t cy, int n, float *v)
{
    if (cy >= 0 && cy < w->ny && cx0 >= 0 && cx0 + n <= w->nx) { // the usual case
        uint32_t c = (uint32_t)cy * (uint32_t)w->nx + (uint32_t)cx0, wi = c >> 6, off = c & 63;
        uint64_t word = w->bits[wi], win = word >> off;
        if (off + (uint32_t)n > 64) win |= w->bits[wi + 1] << (64 - off); // off > 60 here
        uint32_t idx = w->rank[wi] + popcount64(word & ((1ull << off) - 1));
        // Without branches (walls make them unpredictable): a missing cell reads entry 0
        // (the agent's own cell is walkable, so there is one) and is then replaced.
        for (int k = 0; k < n; k++) {
            uint32_t bit = (uint32_t)(win >> k) & 1u;
            float d = dist[idx & (0u - bit)];
            v[k] = bit ? d : INFINITY;
            idx += bit;
        }
        return;
    }
    for (int k = 0; k < n; k++) v[k] = INFINITY;
    if (cy < 0 || cy >= w->ny) return;
    int32_t a = cx0 < 0 ? 0 : cx0, b = cx0 + n - 1 < w->nx ? cx0 + n - 1 : w->nx - 1;
    if (a > b) return;
    uint32_t c = (uint32_t)cy * (uint32_t)w->nx + (uint32_t)a;
    uint32_t idx = index_of(w, c);
    for (int32_t x = a; x <= b; x++, c++)
        if (cell_set(w, c)) v[x - cx0] = dist[idx++];
}

// Where a point falls: its cell (cx, cy), and the lower-left (i0, j0) of the 4 cell centres
// around it with its fractions (ax, ay) in [0, 1] between them.
typedef struct spot {
    int32_t cx, cy, i0, j0;
    float ax, ay;
} spot_t;

// False off the raster, in a non-walkable cell, or for a non-finite point.
static inline bool locate(const gops_walkable_t *w, float x, float y, spot_t *s)
{
    float inv = 1.0f / (float)w->cell;
    float u = (x - (float)w->min_x) * inv, v = (y - (float)w->min_y) * inv;
    if (!(u >= 0.0f && u < (float)w->nx && v >= 0.0f && v < (float)w->ny)) return false; // NaN too
    s->cx = (int32_t)u;
    s->cy = (int32_t)v;
    if (!cell_set(w, (uint32_t)s->cy * (uint32_t)w->nx + (uint32_t)s->cx)) return false;
    // floor(u − ½) = trunc(u + ½) − 1, as u + ½ > 0: no call to floorf.
    float us = u + 0.5f, vs = v + 0.5f;
    int32_t i1 = (int32_t)us, j1 = (int32_t)vs;
    s->i0 = i1 - 1;
    s->j0 = j1 - 1;
    s->ax = us - (float)i1;
    s->ay = vs - (float)j1;
    return true;
}

// Bilinear value over the 4 cell centres around the spot (v: lower row, then upper row),
// ignoring missing ones; INFINITY when all are missing.
static inline float bilinear(const spot_t *s, const float v[4])
{
    float wt[4] = {(1 - s->ax) * (1 - s->ay), s->ax * (1 - s->ay), (1 - s->ax) * s->ay, s->ax * s->ay};
    float sum = 0.0f, acc = 0.0f;
    for (int k = 0; k < 4; k++) {
        bool ok = isfinite(v[k]);
        sum += ok ? wt[k] : 0.0f;
        acc += ok ? wt[k] * v[k] : 0.0f;
    }
    return sum > 0.0f ? acc / sum : INFINITY;
}

float gops_field_sample(const gops_walkable_t *walk, const gops_field_t *field, float x, float y)
{
    GOPS_ASSERT(field->count == walk->count);
    spot_t s;
    if (!locate(walk, x, y, &s)) return INFINITY;
    float val[4];
    load_row(walk, field->dist, s.i0, s.j0, 2, val);
    load_row(walk, field->dist, s.i0, s.j0 + 1, 2, val + 2);
    return bilinear(&s, val);
}

// Gradient component at a cell from its value c and its neighbours below (m) and above (p)
// along one axis: central where both are usable, one-sided next to a wall or an unreachable
// cell, and never pointing the descent (−gradient) into a missing neighbour.
static inline float axis_gradient(float m, float c, float p)
{
    // Field values are >= 0 or INFINITY (never NaN). A missing side is replaced by the
    // centre, which turns the central difference into the one-sided one: no branches.
    bool hm = m < INFINITY, hp = p < INFINITY;
    float g = ((hp ? p : c) - (hm ? m : c)) * (hm && hp ? 0.5f : 1.0f);
    g = !hp && g < 0.0f ? 0.0f : g; // descent would go +axis, into the missing cell
    g = !hm && g > 0.0f ? 0.0f : g; // descent would go −axis
    return g;
}

// The 4 × 4 block of cells i0 − 1 .. i0 + 2, j0 − 1 .. j0 + 2 without its corners: the
// bilinear corners are its inner 2 × 2, and each corner's gradient reads its 4 neighbours.
static inline void load_block(const gops_walkable_t *w, const float *dist, const spot_t *s, float b[4][4])
{
    load_row(w, dist, s->i0, s->j0 - 1, 2, &b[0][1]);
    load_row(w, dist, s->i0 - 1, s->j0, 4, b[1]);
    load_row(w, dist, s->i0 - 1, s->j0 + 1, 4, b[2]);
    load_row(w, dist, s->i0, s->j0 + 2, 2, &b[3][1]);
}

static inline void block_descent(const gops_walkable_t *walk, const spot_t *sp, float b[4][4], float *dx, float *dy)
{
    spot_t s = *sp;
    float wt[2][2] = {{(1 - s.ax) * (1 - s.ay), s.ax * (1 - s.ay)}, {(1 - s.ax) * s.ay, s.ax * s.ay}};
    float gx = 0.0f, gy = 0.0f, sum = 0.0f;
    for (int r = 1; r <= 2; r++)
        for (int c = 1; c <= 2; c++) {
            float val = b[r][c];
            bool ok = val < INFINITY;
            float wk = ok ? wt[r - 1][c - 1] : 0.0f;
            // A missing corner contributes nothing (selects, so INFINITY never meets a 0 weight).
            gx += ok ? wk * axis_gradient(b[r][c - 1], val, b[r][c + 1]) : 0.0f;
            gy += ok ? wk * axis_gradient(b[r - 1][c], val, b[r + 1][c]) : 0.0f;
            sum += wk;
        }
    if (!(sum > 0.0f)) return;
    // An agent in a cell next to a wall never gets a direction into that wall, whatever
    // the neighbouring cells' gradients say.
    int r = s.cy - s.j0 + 1, c = s.cx - s.i0 + 1;
    if (!isfinite(b[r][c + 1]) && gx < 0.0f) gx = 0.0f;
    if (!isfinite(b[r][c - 1]) && gx > 0.0f) gx = 0.0f;
    if (!isfinite(b[r + 1][c]) && gy < 0.0f) gy = 0.0f;
    if (!isfinite(b[r - 1][c]) && gy > 0.0f) gy = 0.0f;
    float m2 = gx * gx + gy * gy;
    float h = (float)walk->cell;
    // Below this the field is flat (a source, or a symmetric saddle): no preferred way.
    if (!(m2 > 1e-10f * h * h * sum * sum)) return;
    float inv = 1.0f / sqrtf(m2);
    *dx = -gx * inv + 0.0f; // + 0 turns −0 into 0
    *dy = -gy * inv + 0.0f;
}

void gops_field_descent(const gops_walkable_t *walk, const gops_field_t *field, float x, float y, float *dx,
                        float *dy)
{
    GOPS_ASSERT(field->count == walk->count);
    *dx = *dy = 0.0f;
    spot_t s;
    if (!locate(walk, x, y, &s)) return;
    float b[4][4];
    load_block(walk, field->dist, &s, b);
    block_descent(walk, &s, b, dx, dy);
}

// gops_field_sample and gops_field_descent at one point from one lookup of the cells.
static float sample_descent(const gops_walkable_t *walk, const gops_field_t *field, float x, float y, float *dx,
                            float *dy)
{
    GOPS_ASSERT(field->count == walk->count);
    *dx = *dy = 0.0f;
    spot_t s;
    if (!locate(walk, x, y, &s)) return INFINITY;
    float b[4][4];
    load_block(walk, field->dist, &s, b);
    float val[4] = {b[1][1], b[1][2], b[2][1], b[2][2]};
    block_descent(walk, &s, b, dx, dy);
    return bilinear(&s, val);
}

// ---- many points at once (the routing hot path) ------------------------------------------
//
// gops_field_sample_descent_n: the same numbers as sample_descent() per point. With
// AVX2, four points share each step: the cell lookups (bitmap words, ranks, population
// counts) run in 64-bit lanes and the twelve field values come from gathers, one pointer
// per lane (the points may follow different fields). Every float operation of the scalar
// code is done per lane in the same order (no FMA), so the results are the same bits.
// Points near the raster's edge, off it or on a wall take the scalar path.

#if FIELD_AVX2
// Population count of each 64-bit lane (nibble table, then byte sums).
FIELD_AVX2_FN static inline __m256i popcount4x64(__m256i v)
{
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2,
                                           2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f);
    __m256i lo = _mm256_shuffle_epi8(table, _mm256_and_si256(v, low));
    __m256i hi = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi64(v, 4), low));
    return _mm256_sad_epu8(_mm256_add_epi8(lo, hi), _mm256_setzero_si256());
}

// The low 32 bits of each 64-bit lane, as four 32-bit lanes.
FIELD_AVX2_FN static inline __m128i low32(__m256i v)
{
    return _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6)));
}

// axis_gradient() per lane.
FIELD_AVX2_FN static inline __m128 axis_gradient4(__m128 m, __m128 c, __m128 p)
{
    const __m128 inf = _mm_set1_ps(INFINITY), zero = _mm_setzero_ps();
    __m128 hm = _mm_cmplt_ps(m, inf), hp = _mm_cmplt_ps(p, inf);
    __m128 pp = _mm_blendv_ps(c, p, hp), mm = _mm_blendv_ps(c, m, hm);
    __m128 g = _mm_mul_ps(_mm_sub_ps(pp, mm), _mm_blendv_ps(_mm_set1_ps(1.0f), _mm_set1_ps(0.5f), _mm_and_ps(hm, hp)));
    g = _mm_andnot_ps(_mm_andnot_ps(hp, _mm_cmplt_ps(g, zero)), g); // descent would go +axis, into the missing cell
    g = _mm_andnot_ps(_mm_andnot_ps(hm, _mm_cmpgt_ps(g, zero)), g); // descent would go −axis
    return g;
}

// Points k .. k + 3; returns a 4-bit mask of the lanes done (the others need the scalar path).
FIELD_AVX2_FN static unsigned sample_descent4(const gops_walkable_t *w, const gops_field_t *const *fields,
                                              const float *px, const float *py, float *out_d, float *out_dx,
                                              float *out_dy)
{
    const __m128 inf = _mm_set1_ps(INFINITY), zero = _mm_setzero_ps(), one = _mm_set1_ps(1.0f);
    const float inv_s = 1.0f / (float)w->cell;
    __m128 x = _mm_loadu_ps(px), y = _mm_loadu_ps(py), inv = _mm_set1_ps(inv_s);
    __m128 u = _mm_mul_ps(_mm_sub_ps(x, _mm_set1_ps((float)w->min_x)), inv);
    __m128 v = _mm_mul_ps(_mm_sub_ps(y, _mm_set1_ps((float)w->min_y)), inv);
    // locate(): on the raster (NaN fails), then the cell's bit.
    __m128 on = _mm_and_ps(_mm_and_ps(_mm_cmpge_ps(u, zero), _mm_cmplt_ps(u, _mm_set1_ps((float)w->nx))),
                           _mm_and_ps(_mm_cmpge_ps(v, zero), _mm_cmplt_ps(v, _mm_set1_ps((float)w->ny))));
    __m128i cx = _mm_cvttps_epi32(_mm_and_ps(on, u)), cy = _mm_cvttps_epi32(_mm_and_ps(on, v));
    __m128 us = _mm_add_ps(u, _mm_set1_ps(0.5f)), vs = _mm_add_ps(v, _mm_set1_ps(0.5f));
    __m128i i1 = _mm_cvttps_epi32(_mm_and_ps(on, us)), j1 = _mm_cvttps_epi32(_mm_and_ps(on, vs));
    __m128 ax = _mm_sub_ps(us, _mm_cvtepi32_ps(i1)), ay = _mm_sub_ps(vs, _mm_cvtepi32_ps(j1));
    __m128i i0 = _mm_sub_epi32(i1, _mm_set1_epi32(1)), j0 = _mm_sub_epi32(j1, _mm_set1_epi32(1));
    // The 4 × 4 block i0 − 1 .. i0 + 2, j0 − 1 .. j0 + 2 lies inside the raster.
    __m128i nx = _mm_set1_epi32(w->nx), ny = _mm_set1_epi32(w->ny);
    __m128i inside = _mm_and_si128(_mm_and_si128(_mm_cmpgt_epi32(i0, _mm_setzero_si128()),
                                                 _mm_cmpgt_epi32(nx, _mm_add_epi32(i0, _mm_set1_epi32(2)))),
                                   _mm_and_si128(_mm_cmpgt_epi32(j0, _mm_setzero_si128()),
                                                 _mm_cmpgt_epi32(ny, _mm_add_epi32(j0, _mm_set1_epi32(2)))));
    __m128i lanes = _mm_and_si128(_mm_castps_si128(on), inside);
    if (_mm_movemask_ps(_mm_castsi128_ps(lanes)) == 0) return 0;
    __m256i live64 = _mm256_cvtepi32_epi64(lanes);
    const long long *bits = (const long long *)w->bits;
    const int *rank = (const int *)w->rank;
    // The own cell must be walkable (locate()).
    __m256i own = _mm256_cvtepi32_epi64(_mm_add_epi32(_mm_mullo_epi32(cy, nx), cx));
    __m256i own_word = _mm256_mask_i64gather_epi64(_mm256_setzero_si256(), bits, _mm256_srli_epi64(own, 6), live64, 8);
    __m256i own_bit = _mm256_and_si256(_mm256_srlv_epi64(own_word, _mm256_and_si256(own, _mm256_set1_epi64x(63))),
                                       _mm256_set1_epi64x(1));
    lanes = _mm_and_si128(lanes, _mm_cmpeq_epi32(low32(own_bit), _mm_set1_epi32(1)));
    unsigned done = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(lanes));
    if (done == 0) return 0;
    live64 = _mm256_cvtepi32_epi64(lanes);
    // Byte offsets of each lane's field from the first live lane's (gathers take one base).
    const float *base = NULL;
    long long off[4] = {0, 0, 0, 0};
    for (int k = 0; k < 4; k++)
        if (done >> k & 1u) {
            GOPS_ASSERT(fields[k]->count == w->count);
            if (!base) base = fields[k]->dist;
            off[k] = (long long)((intptr_t)fields[k]->dist - (intptr_t)base);
        }
    __m256i field_off = _mm256_loadu_si256((const __m256i *)off);
    __m128 b[4][4];
    __m256i one64 = _mm256_set1_epi64x(1), sixty = _mm256_set1_epi64x(60);
    for (int r = 0; r < 4; r++) {
        __m128i row = _mm_add_epi32(j0, _mm_set1_epi32(r - 1));
        __m256i c = _mm256_cvtepi32_epi64(_mm_add_epi32(_mm_mullo_epi32(row, nx), _mm_sub_epi32(i0, _mm_set1_epi32(1))));
        __m256i wi = _mm256_srli_epi64(c, 6), sh = _mm256_and_si256(c, _mm256_set1_epi64x(63));
        __m256i word = _mm256_mask_i64gather_epi64(_mm256_setzero_si256(), bits, wi, live64, 8);
        // The 4 cells may run into the next word (shift > 60); shifts of 64 give 0.
        __m256i need_next = _mm256_and_si256(live64, _mm256_cmpgt_epi64(sh, sixty));
        __m256i next = _mm256_mask_i64gather_epi64(_mm256_setzero_si256(), bits, _mm256_add_epi64(wi, one64), need_next, 8);
        __m256i win = _mm256_or_si256(_mm256_srlv_epi64(word, sh),
                                      _mm256_sllv_epi64(next, _mm256_sub_epi64(_mm256_set1_epi64x(64), sh)));
        __m256i below = _mm256_and_si256(word, _mm256_sub_epi64(_mm256_sllv_epi64(one64, sh), one64));
        __m128i idx = _mm_add_epi32(_mm256_mask_i64gather_epi32(_mm_setzero_si128(), rank, wi, lanes, 4),
                                    low32(popcount4x64(below)));
        __m128i win4 = low32(win);
        for (int k = 0; k < 4; k++) {
            __m128i bit = _mm_and_si128(_mm_srli_epi32(win4, k), _mm_set1_epi32(1));
            __m128i has = _mm_and_si128(lanes, _mm_cmpeq_epi32(bit, _mm_set1_epi32(1)));
            __m256i addr = _mm256_add_epi64(field_off, _mm256_slli_epi64(_mm256_cvtepu32_epi64(idx), 2));
            b[r][k] = _mm256_mask_i64gather_ps(inf, base, addr, _mm_castsi128_ps(has), 1);
            idx = _mm_add_epi32(idx, bit);
        }
    }
    // The value (gops_field_sample).
    __m128 nax = _mm_sub_ps(one, ax), nay = _mm_sub_ps(one, ay);
    __m128 wt[4] = {_mm_mul_ps(nax, nay), _mm_mul_ps(ax, nay), _mm_mul_ps(nax, ay), _mm_mul_ps(ax, ay)};
    __m128 val[4] = {b[1][1], b[1][2], b[2][1], b[2][2]};
    __m128 sum = zero, acc = zero;
    for (int k = 0; k < 4; k++) {
        __m128 ok = _mm_cmplt_ps(val[k], inf);
        sum = _mm_add_ps(sum, _mm_and_ps(ok, wt[k]));
        acc = _mm_add_ps(acc, _mm_and_ps(ok, _mm_mul_ps(wt[k], val[k])));
    }
    __m128 d = _mm_blendv_ps(inf, _mm_div_ps(acc, sum), _mm_cmpgt_ps(sum, zero));
    // The descent (gops_field_descent).
    __m128 gx = zero, gy = zero, wsum = zero;
    for (int r = 1; r <= 2; r++)
        for (int c = 1; c <= 2; c++) {
            __m128 vc = b[r][c], ok = _mm_cmplt_ps(vc, inf);
            __m128 wk = _mm_and_ps(ok, wt[(r - 1) * 2 + (c - 1)]);
            gx = _mm_add_ps(gx, _mm_and_ps(ok, _mm_mul_ps(wk, axis_gradient4(b[r][c - 1], vc, b[r][c + 1]))));
            gy = _mm_add_ps(gy, _mm_and_ps(ok, _mm_mul_ps(wk, axis_gradient4(b[r - 1][c], vc, b[r + 1][c]))));
            wsum = _mm_add_ps(wsum, wk);
        }
    // Never into a wall beside the own cell: its neighbours, by where the cell sits in the block.
    __m128 left = _mm_castsi128_ps(_mm_cmpeq_epi32(cx, i0)), low = _mm_castsi128_ps(_mm_cmpeq_epi32(cy, j0));
    __m128 east = _mm_blendv_ps(_mm_blendv_ps(b[2][3], b[2][2], left), _mm_blendv_ps(b[1][3], b[1][2], left), low);
    __m128 west = _mm_blendv_ps(_mm_blendv_ps(b[2][1], b[2][0], left), _mm_blendv_ps(b[1][1], b[1][0], left), low);
    __m128 north = _mm_blendv_ps(_mm_blendv_ps(b[3][2], b[3][1], left), _mm_blendv_ps(b[2][2], b[2][1], left), low);
    __m128 south = _mm_blendv_ps(_mm_blendv_ps(b[1][2], b[1][1], left), _mm_blendv_ps(b[0][2], b[0][1], left), low);
    gx = _mm_andnot_ps(_mm_andnot_ps(_mm_cmplt_ps(east, inf), _mm_cmplt_ps(gx, zero)), gx);
    gx = _mm_andnot_ps(_mm_andnot_ps(_mm_cmplt_ps(west, inf), _mm_cmpgt_ps(gx, zero)), gx);
    gy = _mm_andnot_ps(_mm_andnot_ps(_mm_cmplt_ps(north, inf), _mm_cmplt_ps(gy, zero)), gy);
    gy = _mm_andnot_ps(_mm_andnot_ps(_mm_cmplt_ps(south, inf), _mm_cmpgt_ps(gy, zero)), gy);
    __m128 m2 = _mm_add_ps(_mm_mul_ps(gx, gx), _mm_mul_ps(gy, gy));
    __m128 h = _mm_set1_ps((float)w->cell);
    __m128 floor2 = _mm_mul_ps(_mm_mul_ps(_mm_mul_ps(_mm_mul_ps(_mm_set1_ps(1e-10f), h), h), wsum), wsum);
    __m128 steep = _mm_and_ps(_mm_cmpgt_ps(wsum, zero), _mm_cmpgt_ps(m2, floor2));
    __m128 inv_m = _mm_div_ps(one, _mm_sqrt_ps(m2));
    __m128 neg = _mm_set1_ps(-0.0f);
    __m128 dx = _mm_and_ps(steep, _mm_add_ps(_mm_mul_ps(_mm_xor_ps(gx, neg), inv_m), zero));
    __m128 dy = _mm_and_ps(steep, _mm_add_ps(_mm_mul_ps(_mm_xor_ps(gy, neg), inv_m), zero));
    _Alignas(16) float td[4], tdx[4], tdy[4];
    _mm_store_ps(td, d);
    _mm_store_ps(tdx, dx);
    _mm_store_ps(tdy, dy);
    for (int k = 0; k < 4; k++)
        if (done >> k & 1u) out_d[k] = td[k], out_dx[k] = tdx[k], out_dy[k] = tdy[k];
    return done;
}
#endif

void gops_field_sample_descent_n(const gops_walkable_t *walk, const gops_field_t *const *fields, const float *x,
                                 const float *y, uint32_t n, float *dist, float *dx, float *dy)
{
    uint32_t k = 0;
#if FIELD_AVX2
    if (__builtin_cpu_supports("avx2")) {
        for (; k + 4 <= n; k += 4) {
            unsigned done = sample_descent4(walk, fields + k, x + k, y + k, dist + k, dx + k, dy + k);
            for (unsigned j = 0; j < 4; j++)
                if (!(done >> j & 1u))
                    dist[k + j] = sample_descent(walk, fields[k + j], x[k + j], y[k + j], &dx[k + j], &dy[k + j]);
        }
    }
#endif
    for (; k < n; k++) dist[k] = sample_descent(walk, fields[k], x[k], y[k], &dx[k], &dy[k]);
}

// ---- geometry hash -----------------------------------------------------------------------

uint64_t gops_field_geometry_hash(const gops_walkable_t *walk, const uint8_t *blocked)
{
    gops_hash_t h;
    gops_hash_init(&h);
    gops_hash_bytes(&h, "gridops walkable v1", 19);
    gops_hash_i64(&h, walk->nx);
    gops_hash_i64(&h, walk->ny);
    gops_hash_f64(&h, walk->min_x);
    gops_hash_f64(&h, walk->min_y);
    gops_hash_f64(&h, walk->cell);
    gops_hash_u64(&h, walk->count);
    // The bitmap a word at a time (gops_hash is bytewise, ten times slower on a few hundred
    // kilobytes); each step is a bijection of the state, so any changed word changes it.
    uint64_t cells = (uint64_t)walk->nx * (uint64_t)walk->ny, words = (cells + 63) / 64, acc = 0x9E3779B97F4A7C15ull;
    for (uint64_t k = 0; k < words; k++) {
        uint64_t word = walk->bits[k];
        if (k == words - 1 && (cells & 63)) word &= (1ull << (cells & 63)) - 1; // bits past the raster
        acc = (acc ^ word) * 0x100000001B3ull;
        acc ^= acc >> 29;
    }
    gops_hash_u64(&h, acc);
    // Blocked cells by index, so NULL and an all-zero mask (same geometry) hash alike.
    uint64_t nblocked = 0;
    if (blocked)
        for (uint32_t i = 0; i < walk->count; i++)
            if (blocked[i]) {
                gops_hash_u64(&h, i);
                nblocked++;
            }
    gops_hash_u64(&h, nblocked);
    return gops_hash_final(&h);
}
