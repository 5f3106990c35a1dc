// SPDX-License-Identifier: MIT
// Footprints on the walkway as blocked discs: how stalls, carts and queues narrow the walkable
// area. The vendors model publishes discs; the crowd can treat them as walls (mark the cells
// they cover) or as static obstacles. Here: the disc type, cell marking and width measures
// (a cross-section's free width, a walkway's local width with and without footprints). It
// does not move pedestrians or change the district's raster.
#ifndef GOPS_VENDORS_OBSTRUCTION_H
#define GOPS_VENDORS_OBSTRUCTION_H

#include "world/disc.h"
#include "world/map.h"
#include "world/walkable.h"

#include <stdbool.h>
#include <stdint.h>

/// True when p (m) lies inside or on one of the n discs.
bool gops_discs_contain(const gops_disc_t *discs, uint32_t n, gops_point_t p);

/// Marks the walkable cells whose centre lies inside or on a disc: blocked[k] = 1 for
/// walkable index k (other entries are left alone; the array has walk->count entries).
/// Returns how many cells were newly marked. O(cells under the discs).
uint32_t gops_obstruction_mark(const gops_walkable_t *walk, const gops_disc_t *discs, uint32_t n, uint8_t *blocked);

/// Free width (m) of the cross-section from a to b: the length of the section lying on
/// walkable cells and outside every disc, from `samples` ≥ 1 midpoint samples (the
/// error is at most the section's length / samples per edge crossed).
double gops_obstruction_free_width(const gops_walkable_t *walk, const gops_disc_t *discs, uint32_t n,
                                   gops_point_t a, gops_point_t b, uint32_t samples);

/// The local width at p (m) of the walkway p stands on: of 8 directions (0°, 22.5°, ...,
/// 157.5°), the one with the shortest contiguous walkable run through p (the walkway's
/// cross-section), searched up to reach_m either side, sampled every step_m. *before gets
/// that run's length without footprints, *after the part of it outside the discs; both 0
/// when p is not walkable.
void gops_obstruction_local_width(const gops_walkable_t *walk, const gops_disc_t *discs, uint32_t n, gops_point_t p,
                                  double reach_m, double step_m, double *before, double *after);

/// How far the walkway reaches either side of p (m) along its cross-section, the direction
/// gops_obstruction_local_width measures (without footprints): to the middle of the step in
/// which the walkable run ends, so within half a step of the edge; (floor(reach_m / step_m)
/// + 0.5) × step_m where the run goes on past reach_m. Both 0 when p is not walkable.
void gops_obstruction_cross_section(const gops_walkable_t *walk, gops_point_t p, double reach_m, double step_m,
                                    double *minus, double *plus);
#endif
