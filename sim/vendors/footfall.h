// SPDX-License-Identifier: MIT
// Footfall: pedestrians counted on a coarse square grid once per vendors step, and the
// number within a radius of a point read from it. Vendors choose pitches and stalls draw
// customers by it. Reads positions only; it neither moves nor keeps pedestrians.
#ifndef GOPS_VENDORS_FOOTFALL_H
#define GOPS_VENDORS_FOOTFALL_H

#include "gridops/status.h"
#include "world/map.h"

#include <stdint.h>

typedef struct gops_footfall {
    double min_x, min_y;  ///< m, lower-left corner of cell (0, 0)
    double cell_m;        ///< m, cell edge
    int32_t nx, ny;
    uint32_t *count;      ///< pedestrians per cell at the last count (nx·ny)
    uint32_t total;       ///< pedestrians counted on the grid at the last count
} gops_footfall_t;

/// A grid over [min_x, max_x] × [min_y, max_y] (m) with cells of `cell_m` (0.5–20 m).
/// GOPS_BAD_VALUE for a bad cell size or extent, GOPS_NOMEM.
gops_status_t gops_footfall_init(gops_footfall_t *f, double min_x, double min_y, double max_x, double max_y,
                                 double cell_m, gops_error_t *err);
void gops_footfall_free(gops_footfall_t *f);
/// Replaces the counts with the n positions (m); positions off the grid are not counted.
void gops_footfall_count(gops_footfall_t *f, const float *x, const float *y, uint32_t n);
/// Pedestrians in the cells whose centres lie within radius_m of p (m): the footfall at p.
/// With cells much smaller than the radius this is the count within the radius.
uint32_t gops_footfall_near(const gops_footfall_t *f, gops_point_t p, double radius_m);

#endif
