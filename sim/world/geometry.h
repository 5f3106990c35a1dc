// SPDX-License-Identifier: MIT
// Planar geometry on local metres (gops_point_t, x east, y north): areas, centroids, ring
// orientation, point-in-polygon, segment intersection, ring simplicity, lengths, distances.
// Pure functions over caller-owned arrays; no allocation except the simplicity sweep's
// scratch. Does not know about map features, projection or rasters.
#ifndef GOPS_WORLD_GEOMETRY_H
#define GOPS_WORLD_GEOMETRY_H

#include "world/map.h"
#include <stdbool.h>
#include <stdint.h>

/// Relative tolerance of the orientation and collinearity tests: three points count as
/// collinear when the third lies within 1e-10 × its distance of the line through the
/// first two (an angle of 1e-10 rad: 0.1 µm per km). This absorbs the rounding of the
/// lon/lat → metre projection, so points collinear in degrees stay collinear in metres.
#define GOPS_GEOM_REL_EPS 1e-10

/// Signed area of a ring (m²), counter-clockwise positive (shoelace formula, computed
/// relative to the first vertex for precision). The ring is stored without the repeated
/// closing point; fewer than 3 points give 0.
double gops_ring_signed_area(const gops_path_t *ring);

/// Area (m², ≥ 0) of a polygon: |outer| minus the |holes|, whatever their orientation.
double gops_polygon_area(const gops_polygon_t *poly);

/// Area centroid of a ring (m). A ring with (near) zero area returns the mean of its
/// vertices; an empty ring returns (0, 0).
gops_point_t gops_ring_centroid(const gops_path_t *ring);

/// Area centroid of a polygon with holes (m); holes subtract. Degenerate polygons fall back
/// to the outer ring's vertex mean.
gops_point_t gops_polygon_centroid(const gops_polygon_t *poly);

/// Length-weighted centroid of a polyline (m): the mean of segment midpoints weighted by
/// segment length; a zero-length line returns its first point.
gops_point_t gops_polyline_centroid(const gops_path_t *line);

/// Reverses a path's point order in place.
void gops_path_reverse(gops_path_t *path);

/// Normalises ring orientation in place: the outer ring (ring 0) counter-clockwise, holes
/// clockwise (the convention of RFC 7946 §3.1.6 and of gops_map_t after loading).
void gops_polygon_normalize(gops_polygon_t *poly);

/// Where a point lies relative to a ring or polygon.
typedef enum gops_point_location {
    GOPS_LOC_OUTSIDE,
    GOPS_LOC_INSIDE,
    GOPS_LOC_BOUNDARY, ///< within `tol_m` of an edge
} gops_point_location_t;

/// Locates p against one ring (orientation does not matter): boundary when within tol_m
/// (m, ≥ 0) of an edge, else inside/outside by the crossing rule.
gops_point_location_t gops_ring_locate(const gops_path_t *ring, gops_point_t p, double tol_m);

/// Locates p against a polygon with holes: inside the outer ring and outside every hole;
/// within tol_m (m) of any ring's edge (outer or hole) is the boundary.
gops_point_location_t gops_polygon_locate(const gops_polygon_t *poly, gops_point_t p,
                                          double tol_m);

/// True when p is inside the polygon or on its boundary (exact edges, tolerance 1e-9 m):
/// zones that share an edge both contain points on it, so a border never leaves a gap.
bool gops_polygon_contains(const gops_polygon_t *poly, gops_point_t p);

/// How two closed segments [a, b] and [c, d] meet.
typedef enum gops_segment_relation {
    GOPS_SEG_DISJOINT, ///< no common point
    GOPS_SEG_CROSS,    ///< proper crossing at one point interior to both
    GOPS_SEG_TOUCH,    ///< one common point that is an endpoint of at least one segment
    GOPS_SEG_OVERLAP,  ///< collinear with a common stretch of positive length
} gops_segment_relation_t;

/// Relation of segments [a, b] and [c, d], collinear and touching cases included
/// (tolerance GOPS_GEOM_REL_EPS). Zero-length segments are treated as points. When `at`
/// is not NULL it receives a common point (for OVERLAP: the start of the common stretch).
gops_segment_relation_t gops_segment_intersect(gops_point_t a, gops_point_t b, gops_point_t c,
                                               gops_point_t d, gops_point_t *at);

/// A place where a polygon is not simple: edge `edge_a` of ring `ring_a` meets edge `edge_b`
/// of ring `ring_b` (edge i runs from point i to point i+1, wrapping) at `at` (m).
typedef struct gops_ring_defect {
    uint32_t ring_a, edge_a;
    uint32_t ring_b, edge_b;
    gops_segment_relation_t relation;
    gops_point_t at;
} gops_ring_defect_t;

/// True when a ring (without closing point, no consecutive duplicates) intersects itself:
/// non-adjacent edges that cross, touch or overlap, or adjacent edges that fold back onto
/// each other (a spike). `defect` (may be NULL) receives the first defect found. Sort-and-
/// sweep on x: O(n log n) for typical rings, O(n²) at worst (and when the scratch array
/// cannot be allocated, a plain all-pairs test, still correct).
bool gops_ring_self_intersects(const gops_path_t *ring, gops_ring_defect_t *defect);

/// Checks all rings of a polygon together: each ring simple, and no two rings crossing or
/// touching. True with *defect (may be NULL) filled when a defect is found — the first in
/// a deterministic order — false when the polygon is simple. Whether a hole lies inside the
/// outer ring is a separate question (gops_ring_locate on one of its points).
bool gops_polygon_find_defect(const gops_polygon_t *poly, gops_ring_defect_t *defect);

/// Total length of a polyline (m).
double gops_polyline_length(const gops_path_t *line);

/// Distance (m) from p to the closed segment [a, b]; `closest` (may be NULL) receives the
/// nearest point of the segment. A zero-length segment is a point.
double gops_point_segment_distance(gops_point_t p, gops_point_t a, gops_point_t b,
                                   gops_point_t *closest);

/// Bounding box of a path (m); an empty path leaves the outputs untouched and returns false.
bool gops_path_bounds(const gops_path_t *path, double *min_x, double *min_y, double *max_x,
                      double *max_y);

#endif
