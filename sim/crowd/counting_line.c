// SPDX-License-Identifier: MIT
// Counting lines (counting_line.h). The plain step looks up the bucket under each
// pedestrian's new position and tests only the lines listed there: a move that crosses a
// line ends within max_step_m of it, so a bucket lists every line within max_step_m plus
// half its diagonal of its centre. The grid step turns this around and visits only the
// neighbour-grid cells near a line (a crossing move also starts within max_step_m of it).
// Counts are integers added per pedestrian, so results do not depend on the order of
// pedestrians or on the path taken. The side of a point is computed from that point alone,
// so the end of one step and the start of the next agree and no crossing is counted twice
// or lost to rounding.
#include "crowd/counting_line.h"

#include "crowd/crowd_checkpoint.h"

#include "core/assert.h"
#include "world/geometry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Refuse lookups larger than this many buckets: the bucket edge grows instead.
#define MAX_BUCKETS (4u * 1024u * 1024u)

struct gops_counting_lines {
    gops_counting_lines_def_t def;
    double dt_s;
    uint32_t window_steps, steps;
    gops_counting_line_t *lines;
    uint32_t count, capacity;
    // Lookup over the lines' bounding box grown by max_step_m.
    double min_x, min_y, bucket, inv_bucket;
    int32_t nx, ny;
    uint32_t *start; // nx·ny + 1 offsets into items
    uint32_t *items; // line indices, ascending within a bucket
    uint64_t *used;  // bit per bucket: 1 when it lists a line (small enough to stay in cache)
    // Cell list for a neighbour grid: the grid cells within reach of a line (ascending),
    // each with its lines; valid for the grid geometry it was built for.
    bool gcells_valid;
    float g_min_x, g_min_y, g_cell;
    int32_t g_nx, g_ny;
    uint32_t *gcells, *gstart, *glines;
    uint32_t gcell_count;
};

gops_counting_lines_def_t gops_counting_lines_def_default(void)
{
    // 2 m per step is 20 m/s at 0.1 s: no pedestrian walks that fast, so anything longer is a
    // spawn or a jump, not a crossing. 4 m buckets keep the lists short around a line.
    return (gops_counting_lines_def_t){.window_s = 10.0, .max_step_m = 2.0, .bucket_m = 4.0};
}

gops_counting_lines_t *gops_counting_lines_create(const gops_counting_lines_def_t *def_in, double dt_s,
                                                  gops_error_t *err)
{
    gops_counting_lines_def_t def = def_in ? *def_in : gops_counting_lines_def_default();
    if (!(dt_s > 0) || !isfinite(dt_s)) {
        gops_error_set(err, GOPS_BAD_VALUE, "counting lines: step length %g s, expected > 0", dt_s);
        return NULL;
    }
    if (!(def.window_s > 0) || !isfinite(def.window_s)) {
        gops_error_set(err, GOPS_BAD_VALUE, "counting lines: window_s = %g s, expected > 0", def.window_s);
        return NULL;
    }
    if (!(def.max_step_m > 0) || !isfinite(def.max_step_m) || !(def.bucket_m > 0) || !isfinite(def.bucket_m)) {
        gops_error_set(err, GOPS_BAD_VALUE, "counting lines: max_step_m = %g m and bucket_m = %g m, expected > 0",
                       def.max_step_m, def.bucket_m);
        return NULL;
    }
    gops_counting_lines_t *cl = calloc(1, sizeof *cl);
    if (!cl) {
        gops_error_set(err, GOPS_NOMEM, "counting lines: out of memory");
        return NULL;
    }
    cl->def = def;
    cl->dt_s = dt_s;
    double ws = round(def.window_s / dt_s);
    cl->window_steps = ws < 1 ? 1 : ws > 1e9 ? 1000000000u : (uint32_t)ws;
    return cl;
}

void gops_counting_lines_destroy(gops_counting_lines_t *cl)
{
    if (!cl) return;
    free(cl->lines);
    free(cl->start);
    free(cl->items);
    free(cl->used);
    free(cl->gcells);
    free(cl->gstart);
    free(cl->glines);
    free(cl);
}

int gops_counting_side(gops_point_t a, gops_point_t b, gops_point_t p)
{
    double s = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
    return s > 0 ? 1 : -1;
}

// Distance from p to the segment of line l, m.
static double line_distance(const gops_counting_line_t *l, gops_point_t p)
{
    return gops_point_segment_distance(p, l->a, l->b, NULL);
}

static gops_status_t rebuild(gops_counting_lines_t *cl, gops_error_t *err)
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (uint32_t i = 0; i < cl->count; i++) {
        const gops_counting_line_t *l = &cl->lines[i];
        x0 = fmin(x0, fmin(l->a.x, l->b.x));
        y0 = fmin(y0, fmin(l->a.y, l->b.y));
        x1 = fmax(x1, fmax(l->a.x, l->b.x));
        y1 = fmax(y1, fmax(l->a.y, l->b.y));
    }
    double grow = cl->def.max_step_m;
    x0 -= grow;
    y0 -= grow;
    x1 += grow;
    y1 += grow;
    double bucket = cl->def.bucket_m;
    while (ceil((x1 - x0) / bucket) * ceil((y1 - y0) / bucket) > MAX_BUCKETS) bucket *= 2;
    int32_t nx = (int32_t)fmax(1, ceil((x1 - x0) / bucket)), ny = (int32_t)fmax(1, ceil((y1 - y0) / bucket));
    size_t nb = (size_t)nx * (size_t)ny;
    uint32_t *start = calloc(nb + 1, sizeof *start);
    if (!start) return gops_error_set(err, GOPS_NOMEM, "counting lines: out of memory for %zu buckets", nb);
    // A bucket lists a line when some point of the bucket may be within max_step_m of it.
    double reach = cl->def.max_step_m + bucket * 0.5 * sqrt(2.0);
    uint32_t *items = NULL;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < cl->count; i++) {
            const gops_counting_line_t *l = &cl->lines[i];
            int32_t bx0 = (int32_t)floor((fmin(l->a.x, l->b.x) - grow - x0) / bucket);
            int32_t bx1 = (int32_t)floor((fmax(l->a.x, l->b.x) + grow - x0) / bucket);
            int32_t by0 = (int32_t)floor((fmin(l->a.y, l->b.y) - grow - y0) / bucket);
            int32_t by1 = (int32_t)floor((fmax(l->a.y, l->b.y) + grow - y0) / bucket);
            if (bx0 < 0) bx0 = 0;
            if (by0 < 0) by0 = 0;
            if (bx1 > nx - 1) bx1 = nx - 1;
            if (by1 > ny - 1) by1 = ny - 1;
            for (int32_t by = by0; by <= by1; by++)
                for (int32_t bx = bx0; bx <= bx1; bx++) {
                    gops_point_t c = {x0 + (bx + 0.5) * bucket, y0 + (by + 0.5) * bucket};
                    if (line_distance(l, c) > reach) continue;
                    size_t b = (size_t)by * (size_t)nx + (size_t)bx;
                    if (pass == 0) start[b + 1]++;
                    else items[start[b]++] = i;
                }
        }
        if (pass == 0) {
            for (size_t b = 0; b < nb; b++) start[b + 1] += start[b];
            items = malloc(((size_t)start[nb] + 1) * sizeof *items);
            if (!items) {
                free(start);
                return gops_error_set(err, GOPS_NOMEM, "counting lines: out of memory for the lookup");
            }
        } else {
            for (size_t b = nb; b > 0; b--) start[b] = start[b - 1];
            start[0] = 0;
        }
    }
    uint64_t *used = calloc(nb / 64 + 1, sizeof *used);
    if (!used) {
        free(start);
        free(items);
        return gops_error_set(err, GOPS_NOMEM, "counting lines: out of memory for the lookup");
    }
    for (size_t b = 0; b < nb; b++)
        if (start[b + 1] > start[b]) used[b >> 6] |= 1ull << (b & 63);
    free(cl->start);
    free(cl->items);
    free(cl->used);
    cl->start = start;
    cl->items = items;
    cl->used = used;
    cl->min_x = x0;
    cl->min_y = y0;
    cl->bucket = bucket;
    cl->inv_bucket = 1.0 / bucket;
    cl->nx = nx;
    cl->ny = ny;
    return GOPS_OK;
}

gops_status_t gops_counting_lines_add(gops_counting_lines_t *cl, const char *name, gops_point_t a, gops_point_t b,
                                      uint32_t *index, gops_error_t *err)
{
    if (!name || !name[0] || strlen(name) >= GOPS_COUNTING_LINE_NAME_MAX)
        return gops_error_set(err, GOPS_BAD_VALUE, "counting line \"%s\": expected a name of 1 to %d bytes",
                              name ? name : "(null)", GOPS_COUNTING_LINE_NAME_MAX - 1);
    if (gops_counting_lines_find(cl, name) != GOPS_COUNTING_LINE_NONE)
        return gops_error_set(err, GOPS_BAD_VALUE, "counting line \"%s\": the name is already used", name);
    if (!isfinite(a.x) || !isfinite(a.y) || !isfinite(b.x) || !isfinite(b.y) || (a.x == b.x && a.y == b.y))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "counting line \"%s\": segment (%g, %g)-(%g, %g), expected two distinct finite points",
                              name, a.x, a.y, b.x, b.y);
    if (cl->count == cl->capacity) {
        uint32_t cap = cl->capacity ? cl->capacity * 2 : 8;
        gops_counting_line_t *grown = realloc(cl->lines, cap * sizeof *grown);
        if (!grown) return gops_error_set(err, GOPS_NOMEM, "counting lines: out of memory");
        cl->lines = grown;
        cl->capacity = cap;
    }
    gops_counting_line_t *l = &cl->lines[cl->count];
    memset(l, 0, sizeof *l);
    snprintf(l->name, sizeof l->name, "%s", name);
    l->a = a;
    l->b = b;
    for (int k = 0; k < GOPS_CROSS_DIR_COUNT; k++) l->first_s[k] = l->last_s[k] = NAN;
    cl->count++;
    cl->gcells_valid = false;
    gops_status_t st = rebuild(cl, err);
    if (st != GOPS_OK) {
        cl->count--;
        return st;
    }
    if (index) *index = cl->count - 1;
    return GOPS_OK;
}

static void count_crossing(gops_counting_line_t *l, gops_point_t p, gops_point_t q, double t_s)
{
    double ex = l->b.x - l->a.x, ey = l->b.y - l->a.y;
    double sp = ex * (p.y - l->a.y) - ey * (p.x - l->a.x);
    double sq = ex * (q.y - l->a.y) - ey * (q.x - l->a.x);
    bool left_p = sp > 0, left_q = sq > 0;
    if (left_p == left_q) return;
    // Sides differ, so sp − sq ≠ 0. Where along the line does the move cross it?
    double t = sp / (sp - sq);
    double cx = p.x + t * (q.x - p.x), cy = p.y + t * (q.y - p.y);
    double u = ((cx - l->a.x) * ex + (cy - l->a.y) * ey) / (ex * ex + ey * ey);
    if (!(u >= 0 && u < 1)) return;
    int dir = left_p ? GOPS_CROSS_LEFT_TO_RIGHT : GOPS_CROSS_RIGHT_TO_LEFT;
    l->total[dir]++;
    l->window[dir]++;
    if (isnan(l->first_s[dir])) l->first_s[dir] = t_s;
    l->last_s[dir] = t_s;
}

static bool end_step(gops_counting_lines_t *cl);

bool gops_counting_lines_step(gops_counting_lines_t *cl, const float *x0, const float *y0, const float *x1,
                              const float *y1, uint32_t n, double t_s)
{
    if (cl->count > 0) {
        const double max2 = cl->def.max_step_m * cl->def.max_step_m;
        const double nx = cl->nx, ny = cl->ny;
        for (uint32_t i = 0; i < n; i++) {
            double fx = ((double)x1[i] - cl->min_x) * cl->inv_bucket;
            double fy = ((double)y1[i] - cl->min_y) * cl->inv_bucket;
            if (!(fx >= 0 && fx < nx && fy >= 0 && fy < ny)) continue;
            size_t b = (size_t)fy * (size_t)cl->nx + (size_t)fx;
            if (!((cl->used[b >> 6] >> (b & 63)) & 1u)) continue;
            uint32_t k = cl->start[b], end = cl->start[b + 1];
            gops_point_t p = {x0[i], y0[i]}, q = {x1[i], y1[i]};
            double dx = q.x - p.x, dy = q.y - p.y;
            if (!(dx * dx + dy * dy <= max2)) continue; // also NaN
            for (; k < end; k++) count_crossing(&cl->lines[cl->items[k]], p, q, t_s);
        }
    }
    return end_step(cl);
}

// Counts the step; closes the flow window when it is complete.
static bool end_step(gops_counting_lines_t *cl)
{
    if (++cl->steps < cl->window_steps) return false;
    double len = cl->steps * cl->dt_s;
    for (uint32_t i = 0; i < cl->count; i++) {
        gops_counting_line_t *l = &cl->lines[i];
        for (int k = 0; k < GOPS_CROSS_DIR_COUNT; k++) {
            l->last_window[k] = l->window[k];
            l->flow[k] = l->window[k] / len;
            l->window[k] = 0;
        }
    }
    cl->steps = 0;
    return true;
}

static int compare_pair(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    return *x < *y ? -1 : *x > *y;
}

// Builds the cell list for the grid's geometry: (cell, line) pairs within reach, sorted.
static bool build_grid_cells(gops_counting_lines_t *cl, const gops_grid_t *grid)
{
    free(cl->gcells);
    free(cl->gstart);
    free(cl->glines);
    cl->gcells = cl->gstart = cl->glines = NULL;
    cl->gcells_valid = false;
    const double cell = grid->cell, gx = grid->min_x, gy = grid->min_y;
    // The grid bins with float arithmetic: a centimetre of slack covers its rounding.
    const double reach = cl->def.max_step_m + cell * 0.5 * sqrt(2.0) + 0.01;
    uint64_t *pairs = NULL;
    size_t count = 0;
    for (int pass = 0; pass < 2; pass++) {
        count = 0;
        for (uint32_t i = 0; i < cl->count; i++) {
            const gops_counting_line_t *l = &cl->lines[i];
            double lo_x = fmin(l->a.x, l->b.x) - reach, hi_x = fmax(l->a.x, l->b.x) + reach;
            double lo_y = fmin(l->a.y, l->b.y) - reach, hi_y = fmax(l->a.y, l->b.y) + reach;
            double cx0 = fmax(0, floor((lo_x - gx) / cell)), cx1 = fmin(grid->nx - 1, floor((hi_x - gx) / cell));
            double cy0 = fmax(0, floor((lo_y - gy) / cell)), cy1 = fmin(grid->ny - 1, floor((hi_y - gy) / cell));
            for (double cy = cy0; cy <= cy1; cy++)
                for (double cx = cx0; cx <= cx1; cx++) {
                    gops_point_t c = {gx + (cx + 0.5) * cell, gy + (cy + 0.5) * cell};
                    if (line_distance(l, c) > reach) continue;
                    if (pass == 1) {
                        uint64_t id = (uint64_t)cy * (uint64_t)grid->nx + (uint64_t)cx;
                        pairs[count] = id << 32 | i;
                    }
                    count++;
                }
        }
        if (pass == 0) {
            pairs = malloc((count + 1) * sizeof *pairs);
            if (!pairs) return false;
        }
    }
    qsort(pairs, count, sizeof *pairs, compare_pair);
    uint32_t cells = 0;
    for (size_t k = 0; k < count; k++)
        if (k == 0 || pairs[k] >> 32 != pairs[k - 1] >> 32) cells++;
    cl->gcells = malloc(((size_t)cells + 1) * sizeof *cl->gcells);
    cl->gstart = malloc(((size_t)cells + 1) * sizeof *cl->gstart);
    cl->glines = malloc((count + 1) * sizeof *cl->glines);
    if (!cl->gcells || !cl->gstart || !cl->glines) {
        free(pairs);
        return false;
    }
    uint32_t c = 0;
    for (size_t k = 0; k < count; k++) {
        if (k == 0 || pairs[k] >> 32 != pairs[k - 1] >> 32) {
            cl->gcells[c] = (uint32_t)(pairs[k] >> 32);
            cl->gstart[c++] = (uint32_t)k;
        }
        cl->glines[k] = (uint32_t)pairs[k];
    }
    cl->gstart[cells] = (uint32_t)count;
    cl->gcell_count = cells;
    free(pairs);
    cl->g_min_x = grid->min_x;
    cl->g_min_y = grid->min_y;
    cl->g_cell = grid->cell;
    cl->g_nx = grid->nx;
    cl->g_ny = grid->ny;
    cl->gcells_valid = true;
    return true;
}

bool gops_counting_lines_step_grid(gops_counting_lines_t *cl, const gops_grid_t *grid, const float *x0,
                                   const float *y0, const float *x1, const float *y1, uint32_t n, double t_s)
{
    GOPS_ASSERT(grid->count == n);
    if (cl->count == 0) return end_step(cl);
    bool same = cl->gcells_valid && cl->g_min_x == grid->min_x && cl->g_min_y == grid->min_y &&
                cl->g_cell == grid->cell && cl->g_nx == grid->nx && cl->g_ny == grid->ny;
    if (!same && !build_grid_cells(cl, grid)) return gops_counting_lines_step(cl, x0, y0, x1, y1, n, t_s);
    const double max2 = cl->def.max_step_m * cl->def.max_step_m;
    for (uint32_t c = 0; c < cl->gcell_count; c++) {
        uint32_t cell = cl->gcells[c];
        for (uint32_t k = grid->cell_start[cell]; k < grid->cell_start[cell + 1]; k++) {
            uint32_t i = grid->items[k];
            gops_point_t p = {x0[i], y0[i]}, q = {x1[i], y1[i]};
            double dx = q.x - p.x, dy = q.y - p.y;
            if (!(dx * dx + dy * dy <= max2)) continue;
            for (uint32_t j = cl->gstart[c]; j < cl->gstart[c + 1]; j++)
                count_crossing(&cl->lines[cl->glines[j]], p, q, t_s);
        }
    }
    return end_step(cl);
}

uint32_t gops_counting_lines_count(const gops_counting_lines_t *cl) { return cl->count; }

const gops_counting_line_t *gops_counting_lines_get(const gops_counting_lines_t *cl, uint32_t index)
{
    GOPS_ASSERT(index < cl->count);
    return &cl->lines[index];
}

uint32_t gops_counting_lines_find(const gops_counting_lines_t *cl, const char *name)
{
    if (!name) return GOPS_COUNTING_LINE_NONE;
    for (uint32_t i = 0; i < cl->count; i++)
        if (strcmp(cl->lines[i].name, name) == 0) return i;
    return GOPS_COUNTING_LINE_NONE;
}

double gops_counting_lines_window_s(const gops_counting_lines_t *cl) { return cl->window_steps * cl->dt_s; }

// ---- checkpoints (crowd_checkpoint.h) ----------------------------------------------------
// The lines with their counts and the window's step count; lines a hook added while the run
// went on are added again (which rebuilds the lookup), then every line gets its counts.

void gops_counting_lines_save(const gops_counting_lines_t *l, gops_ckpt_writer_t *w)
{
    gops_ckpt_put_u64(w, "lines.steps", l->steps);
    GOPS_CKPT_PUT_ARRAY(w, "lines.items", l->lines, l->count);
}

void gops_counting_lines_load(gops_counting_lines_t *l, gops_ckpt_reader_t *r)
{
    uint64_t steps = gops_ckpt_get_u64(r, "lines.steps");
    uint64_t n = gops_ckpt_peek_count(r, "lines.items");
    gops_counting_line_t *saved = gops_ckpt_get_alloc(r, "lines.items", sizeof *saved, n, n);
    if (!saved || gops_ckpt_failed(r)) {
        free(saved);
        return;
    }
    if (n < l->count) gops_ckpt_fail(r, "%llu counting lines, expected at least the %u the scenario declares",
                                     (unsigned long long)n, l->count);
    for (uint32_t i = 0; i < l->count && !gops_ckpt_failed(r); i++)
        if (strncmp(saved[i].name, l->lines[i].name, sizeof saved[i].name) != 0)
            gops_ckpt_fail(r, "counting line %u is \"%.64s\", expected \"%s\" (was the scenario changed?)", i + 1,
                           saved[i].name, l->lines[i].name);
    for (uint64_t i = l->count; i < n && !gops_ckpt_failed(r); i++) {
        gops_error_t err;
        uint32_t index;
        saved[i].name[sizeof saved[i].name - 1] = '\0';
        if (gops_counting_lines_add(l, saved[i].name, saved[i].a, saved[i].b, &index, &err) != GOPS_OK)
            gops_ckpt_fail(r, "counting line \"%s\": %s", saved[i].name, err.message);
    }
    if (!gops_ckpt_failed(r)) {
        memcpy(l->lines, saved, n * sizeof *saved);
        l->steps = (uint32_t)steps;
    }
    free(saved);
}
