// SPDX-License-Identifier: MIT
// Uniform grid of square cells over a rectangle, rebuilt from point arrays by counting
// sort. Ordering: items are sorted by cell and, within a cell, by ascending point index;
// queries visit cells row by row (y outer, x inner), so results never depend on memory
// layout or thread count (the threaded build splits the per-point cell computation, whose
// results are the same whoever computes them, and the passes over the cells, whose integer
// sums are too). The points stay with the caller.
#include "core/grid.h"

#include "core/assert.h"
#include "core/parallel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GRID_MAX_CELLS (1u << 26) // 64 Mi cells = 256 MiB of offsets: far beyond a district

int gops_grid_init(gops_grid_t *grid, float min_x, float min_y, float width, float height,
                   float cell)
{
    *grid = (gops_grid_t){0};
    if (!isfinite(min_x) || !isfinite(min_y) || !(width > 0) || !(height > 0) ||
        !isfinite(width) || !isfinite(height) || !(cell > 0) || !isfinite(cell))
        return -1;
    double nx = ceil((double)width / cell), ny = ceil((double)height / cell);
    if (nx * ny > GRID_MAX_CELLS) return -1;
    grid->min_x = min_x;
    grid->min_y = min_y;
    grid->cell = cell;
    grid->nx = nx < 1 ? 1 : (int32_t)nx;
    grid->ny = ny < 1 ? 1 : (int32_t)ny;
    size_t cells = (size_t)grid->nx * (size_t)grid->ny;
    // One slot in front: the build counts cell c in slot c + 2 of the allocation and
    // scatters downwards, which leaves the start of cell c in slot c + 1 (see build).
    uint32_t *offsets = calloc(cells + 2, sizeof *offsets);
    if (!offsets) return -1;
    grid->cell_start = offsets + 1;
    return 0;
}

void gops_grid_free(gops_grid_t *grid)
{
    if (grid->cell_start) free(grid->cell_start - 1);
    free(grid->items);
    free(grid->point_cell);
    *grid = (gops_grid_t){0};
}

// Clamped cell coordinate along one axis. Monotonic in v, which the query relies on:
// a point within the query's range always falls in a cell of the query's cell range.
// Truncation equals floor on [0, count), and below 0 (NaN too) the answer is 0 either way,
// so no floorf (a library call on baseline x86-64) is needed.
static inline int32_t axis_cell(float v, float min, float cell, int32_t count)
{
    float f = (v - min) / cell;
    if (!(f >= 0)) return 0; // also NaN
    if (f >= (float)count) return count - 1;
    return (int32_t)f;
}

void gops_grid_cell_of(const gops_grid_t *grid, float x, float y, int32_t *cx, int32_t *cy)
{
    *cx = axis_cell(x, grid->min_x, grid->cell, grid->nx);
    *cy = axis_cell(y, grid->min_y, grid->cell, grid->ny);
}

typedef struct build_job {
    gops_grid_t *grid;
    const float *x, *y;
} build_job_t;

static void cell_range(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    (void)chunk;
    const build_job_t *job = user;
    const gops_grid_t *g = job->grid;
    const float *restrict x = job->x, *restrict y = job->y;
    uint32_t *restrict point_cell = g->point_cell;
    const float min_x = g->min_x, min_y = g->min_y, cell = g->cell;
    const int32_t nx = g->nx, ny = g->ny;
    for (uint32_t i = begin; i < end; i++) {
        int32_t cx = axis_cell(x[i], min_x, cell, nx), cy = axis_cell(y[i], min_y, cell, ny);
        point_cell[i] = (uint32_t)cy * (uint32_t)nx + (uint32_t)cx;
    }
}

// The counting sort's passes over every cell (clearing, then the running sum), which cost
// the same however few points there are (333,000 cells of 2 m over the Erqi map), go over
// chunks of cells in parallel: each chunk sums its own counts, the chunk totals are summed
// in chunk order, then each chunk writes its running sums from its offset. Integer sums, so
// the starts are those of a single pass on any thread count.
typedef struct cell_sum_job {
    uint32_t *slot;  ///< slot[c + 1]: count, then end, of cell c
    uint32_t total[GOPS_PARALLEL_MAX_CHUNKS];
} cell_sum_job_t;

static void clear_cells(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    (void)chunk;
    cell_sum_job_t *job = user;
    memset(job->slot + begin, 0, (size_t)(end - begin) * sizeof *job->slot);
}

static void total_cells(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    cell_sum_job_t *job = user;
    uint32_t sum = 0;
    for (uint32_t c = begin; c < end; c++) sum += job->slot[c + 1];
    job->total[chunk] = sum;
}

static void running_sum_cells(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    cell_sum_job_t *job = user;
    uint32_t sum = job->total[chunk]; // by now the chunk's offset
    for (uint32_t c = begin; c < end; c++) job->slot[c + 1] = sum += job->slot[c + 1];
}

int gops_grid_build(gops_grid_t *grid, const float *x, const float *y, uint32_t n)
{
    return gops_grid_build_threads(grid, x, y, n, 1);
}

int gops_grid_build_threads(gops_grid_t *grid, const float *x, const float *y, uint32_t n, int threads)
{
    GOPS_ASSERT(grid->cell_start); // built only after a successful gops_grid_init
    if (n > grid->capacity) {
        uint32_t *items = malloc((size_t)n * sizeof *items);
        uint32_t *point_cell = malloc((size_t)n * sizeof *point_cell);
        if (!items || !point_cell) {
            free(items);
            free(point_cell);
            return -1;
        }
        free(grid->items);
        free(grid->point_cell);
        grid->items = items;
        grid->point_cell = point_cell;
        grid->capacity = n;
    }
    build_job_t job = {grid, x, y};
    gops_parallel_for(n, threads, cell_range, &job);
    // slot[c + 1] is cell_start[c]. Count cell c in slot[c + 1], sum so that it holds the
    // end of cell c, then scatter from the highest index down, decrementing: each cell
    // fills from its end, so indices ascend within it and slot[c + 1] ends at its start.
    uint32_t cells = (uint32_t)grid->nx * (uint32_t)grid->ny;
    uint32_t *slot = grid->cell_start - 1;
    const uint32_t *point_cell = grid->point_cell;
    cell_sum_job_t sums = {.slot = slot};
    gops_parallel_for(cells + 2, threads, clear_cells, &sums);
    for (uint32_t i = 0; i < n; i++) slot[point_cell[i] + 1]++;
    gops_parallel_for(cells, threads, total_cells, &sums);
    for (uint32_t k = 0, offset = 0, chunks = gops_parallel_chunks(cells); k < chunks; k++) {
        uint32_t t = sums.total[k];
        sums.total[k] = offset;
        offset += t;
    }
    gops_parallel_for(cells, threads, running_sum_cells, &sums);
    uint32_t *items = grid->items;
    for (uint32_t i = n; i-- > 0;) items[--slot[point_cell[i] + 1]] = i;
    slot[cells + 1] = n; // the end of the last cell
    grid->count = n;
    return 0;
}

uint32_t gops_grid_query(const gops_grid_t *grid, const float *x, const float *y, float qx,
                         float qy, float radius, void (*visit)(uint32_t index, void *user),
                         void *user)
{
    if (!(radius >= 0) || grid->count == 0) return 0;
    // Widen the cell range slightly: the float distance test can accept a point a few ulps
    // beyond qx +- radius, and such a point must still be looked at.
    float pad_x = (fabsf(qx) + radius) * 1e-5f, pad_y = (fabsf(qy) + radius) * 1e-5f;
    int32_t cx0, cy0, cx1, cy1;
    gops_grid_cell_of(grid, qx - radius - pad_x, qy - radius - pad_y, &cx0, &cy0);
    gops_grid_cell_of(grid, qx + radius + pad_x, qy + radius + pad_y, &cx1, &cy1);
    float r2 = radius * radius;
    uint32_t found = 0;
    for (int32_t cy = cy0; cy <= cy1; cy++) {
        for (int32_t cx = cx0; cx <= cx1; cx++) {
            uint32_t c = (uint32_t)cy * (uint32_t)grid->nx + (uint32_t)cx;
            for (uint32_t k = grid->cell_start[c]; k < grid->cell_start[c + 1]; k++) {
                uint32_t i = grid->items[k];
                float dx = x[i] - qx, dy = y[i] - qy;
                if (dx * dx + dy * dy <= r2) {
                    found++;
                    if (visit) visit(i, user);
                }
            }
        }
    }
    return found;
}
