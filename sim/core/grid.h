// SPDX-License-Identifier: MIT
// Uniform grid for neighbour queries over points, rebuilt each tick by counting sort
// (O(n + cells), no allocation once warm). Owns the cell index only, not the points.
// Ordering: within a cell, points keep ascending index order, so queries are deterministic.
#ifndef GOPS_CORE_GRID_H
#define GOPS_CORE_GRID_H

#include <stddef.h>
#include <stdint.h>

typedef struct gops_grid {
    float min_x, min_y;   ///< lower-left corner, m
    float cell;           ///< cell edge, m (> 0)
    int32_t nx, ny;       ///< cells per axis
    uint32_t *cell_start; ///< nx*ny+1 offsets into items (inside an allocation one slot longer
                          ///< in front, which the build uses)
    uint32_t *items;      ///< point indices sorted by cell
    uint32_t *point_cell; ///< scratch: cell of each point
    uint32_t count;       ///< points in the last build
    uint32_t capacity;    ///< items allocated
} gops_grid_t;

/// Sets up a grid covering [min_x, min_x+width] x [min_y, min_y+height] with square cells.
/// Returns 0 on success, -1 when out of memory or the extent is not positive and finite.
int gops_grid_init(gops_grid_t *grid, float min_x, float min_y, float width, float height,
                   float cell);
void gops_grid_free(gops_grid_t *grid);
/// Rebuilds from n points (x[i], y[i]); points outside the extent are clamped to the
/// border cells. Returns 0, or -1 when out of memory.
int gops_grid_build(gops_grid_t *grid, const float *x, const float *y, uint32_t n);
/// gops_grid_build with the points' cells computed on up to `threads` threads; the result
/// is the same for any thread count.
int gops_grid_build_threads(gops_grid_t *grid, const float *x, const float *y, uint32_t n, int threads);
/// Cell coordinates of a point (clamped).
void gops_grid_cell_of(const gops_grid_t *grid, float x, float y, int32_t *cx, int32_t *cy);
/// Calls visit(index, user) for every point within `radius` of (x, y) (distance <= radius),
/// cells in row-major order, points in ascending index within each cell. Returns the count.
/// visit may be NULL to count only; a negative or NaN radius finds nothing.
uint32_t gops_grid_query(const gops_grid_t *grid, const float *x, const float *y, float qx,
                         float qy, float radius, void (*visit)(uint32_t index, void *user),
                         void *user);

#endif
