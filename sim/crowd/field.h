// SPDX-License-Identifier: MIT
// Distance fields over the walkable raster: travel distance (m) from every walkable cell to
// the nearest of a set of source cells, by the fast marching method (first-order, isotropic),
// stored compactly per walkable index; and the distance-to-wall field. Pedestrians descend
// a field's gradient instead of searching paths. Does not decide which field an agent uses.
#ifndef GOPS_CROWD_FIELD_H
#define GOPS_CROWD_FIELD_H

#include "gridops/status.h"
#include "world/walkable.h"

#include <stdint.h>

/// A field: dist[i] is the distance (m) from walkable cell i's centre to the nearest source,
/// through walkable cells; INFINITY where no source is reachable.
typedef struct gops_field {
    float *dist;    ///< by walkable index (count = walk->count)
    uint32_t count;
} gops_field_t;

/// Computes a field from `source_count` source cells (walkable indices, distance 0). Cells
/// with blocked[i] != 0 are treated as walls (closures, barriers); blocked may be NULL.
/// `speed` (may be NULL) is a per-walkable-cell relative speed in (0, 1] that makes cells
/// costlier (congestion, one-way penalties): the field is then travel time at speed 1 m/s.
/// GOPS_BAD_VALUE for an empty or invalid source list, GOPS_NOMEM.
gops_status_t gops_field_compute(const gops_walkable_t *walk, const uint32_t *sources, uint32_t source_count,
                                 const uint8_t *blocked, const float *speed, gops_field_t *out, gops_error_t *err);
/// One-way rules for gops_field_compute_directed: per walkable cell, the axis directions one
/// may walk from it (0 = every direction, no rule).
enum {
    GOPS_FIELD_MAY_WEST = 1,  ///< towards -x
    GOPS_FIELD_MAY_EAST = 2,  ///< towards +x
    GOPS_FIELD_MAY_SOUTH = 4, ///< towards -y
    GOPS_FIELD_MAY_NORTH = 8, ///< towards +y
};
/// gops_field_compute with one-way rules: `allowed` (may be NULL) holds GOPS_FIELD_MAY_* bits
/// per walkable cell; from a cell with rules the field only leads through the neighbours in
/// the allowed directions, so descending it never walks against a rule (a destination that
/// can only be reached against one stays INFINITY there). Straight-line seeding near the
/// sources skips cells with rules. Errors as gops_field_compute.
gops_status_t gops_field_compute_directed(const gops_walkable_t *walk, const uint32_t *sources, uint32_t source_count,
                                          const uint8_t *blocked, const float *speed, const uint8_t *allowed,
                                          gops_field_t *out, gops_error_t *err);
void gops_field_free(gops_field_t *field);

/// Distance to the nearest non-walkable cell boundary (m) for each walkable cell, from an
/// exact Euclidean distance transform of the raster (cells outside the raster are walls).
gops_status_t gops_field_wall_distance(const gops_walkable_t *walk, gops_field_t *out, gops_error_t *err);
/// The same with the cells where blocked[i] != 0 (closures, barriers; may be NULL) counted
/// as walls; those cells get -cell/2 (their centre lies half a cell inside the wall).
gops_status_t gops_field_wall_distance_masked(const gops_walkable_t *walk, const uint8_t *blocked, gops_field_t *out,
                                              gops_error_t *err);

/// Field value at a point (m), bilinear over the 4 nearest cell centres, ignoring
/// non-walkable neighbours; INFINITY off the walkable area.
float gops_field_sample(const gops_walkable_t *walk, const gops_field_t *field, float x, float y);
/// Unit direction of steepest descent at (x, y) (the way to go), from central differences
/// of the sampled field; (0, 0) at a source, off the walkable area, or where unreachable.
void gops_field_descent(const gops_walkable_t *walk, const gops_field_t *field, float x, float y, float *dx,
                        float *dy);
/// For k < n: dist[k] = gops_field_sample(walk, fields[k], x[k], y[k]) and (dx[k], dy[k]) =
/// gops_field_descent at the same point, bit for bit, several points at a time (AVX2 where
/// the machine has it). The routing hot path; the points may follow different fields.
void gops_field_sample_descent_n(const gops_walkable_t *walk, const gops_field_t *const *fields, const float *x,
                                 const float *y, uint32_t n, float *dist, float *dx, float *dy);

/// 64-bit hash of the walkable raster and blocked mask (for on-disk field caches).
uint64_t gops_field_geometry_hash(const gops_walkable_t *walk, const uint8_t *blocked);

#endif
