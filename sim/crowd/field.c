// SPDX-License-Identifier: MIT
// Distance fields (field.h): fast marching from source cells, the exact distance to walls,
// and the sampling and descent that every pedestrian calls every tick. Ordering rule: the
// march accepts cells in (value, walkable index) order, so ties break by index and a field
// does not depend on the order or repetition of its sources. Does not cache fields on disk
// (field_cache.c) and does not decide which field an agent follows.
#include "crowd/field.h"

#include "core/assert.h"
#include "core/hash.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

// Recomputes the tentative value of walkable cell n from its accepted neighbours.
static inline void update(march_t *m, uint32_t n)
{
    const uint32_t *nb = m->nb[n];
    const float *d = m->dist;
    double a = min2(d[nb[WEST]], d[nb[EAST]]), b = min2(d[nb[SOUTH]], d[nb[NORTH]]);
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
                    open = !(blocked && blocked[i]) && !(m->speed && m->speed[i] != m->speed[src]);
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
    march_t m = {.w = walk, .speed = speed};
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
            row[cx] = cell_set(walk, cy * nx + cx) ? (uint16_t)(above < UINT16_MAX ? above + 1 : UINT16_MAX) : 0;
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
        for (int k = 0; k < n; k++) {
            if ((win >> k) & 1u) v[k] = dist[idx++];
            else v[k] = INFINITY;
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

float gops_field_sample(const gops_walkable_t *walk, const gops_field_t *field, float x, float y)
{
    GOPS_ASSERT(field->count == walk->count);
    spot_t s;
    if (!locate(walk, x, y, &s)) return INFINITY;
    float val[4];
    load_row(walk, field->dist, s.i0, s.j0, 2, val);
    load_row(walk, field->dist, s.i0, s.j0 + 1, 2, val + 2);
    float wt[4] = {(1 - s.ax) * (1 - s.ay), s.ax * (1 - s.ay), (1 - s.ax) * s.ay, s.ax * s.ay};
    float sum = 0.0f, acc = 0.0f;
    for (int k = 0; k < 4; k++) {
        bool ok = isfinite(val[k]);
        sum += ok ? wt[k] : 0.0f;
        acc += ok ? wt[k] * val[k] : 0.0f;
    }
    return sum > 0.0f ? acc / sum : INFINITY;
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

void gops_field_descent(const gops_walkable_t *walk, const gops_field_t *field, float x, float y, float *dx,
                        float *dy)
{
    GOPS_ASSERT(field->count == walk->count);
    *dx = *dy = 0.0f;
    spot_t s;
    if (!locate(walk, x, y, &s)) return;
    // The 4 × 4 block of cells i0 − 1 .. i0 + 2, j0 − 1 .. j0 + 2 without its corners: the
    // bilinear corners are its inner 2 × 2, and each corner's gradient reads its 4 neighbours.
    float b[4][4];
    load_row(walk, field->dist, s.i0, s.j0 - 1, 2, &b[0][1]);
    load_row(walk, field->dist, s.i0 - 1, s.j0, 4, b[1]);
    load_row(walk, field->dist, s.i0 - 1, s.j0 + 1, 4, b[2]);
    load_row(walk, field->dist, s.i0, s.j0 + 2, 2, &b[3][1]);
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
