// SPDX-License-Identifier: MIT
// The zone index: which zones contain a point (uniform-grid buckets by bounding box, then
// exact point-in-polygon), who is responsible for an incident category there, same-level
// overlaps and responsibility gaps. It does not dispatch anyone (ops/ does) and does not
// judge overlaps: duplicated duties are the district's rule, gaps are the defect.
#ifndef GOPS_WORLD_ZONE_INDEX_H
#define GOPS_WORLD_ZONE_INDEX_H

#include "world/map.h"
#include "world/walkable.h"
#include <stdint.h>

/// Road centre lines are sampled every this many metres for coverage gaps.
#define GOPS_ZONE_ROAD_SAMPLE_M 5.0

/// One zone in the index.
typedef struct gops_zone_entry {
    uint32_t feature;                  ///< feature index
    gops_zone_level_t level;
    double area_m2;                    ///< m², parts summed
    double min_x, min_y, max_x, max_y; ///< m, bounding box of all parts
    uint32_t categories;               ///< bit per gops_category_t with at least one unit
} gops_zone_entry_t;

typedef struct gops_zone_index {
    const gops_map_t *map;     ///< borrowed; must outlive the index
    gops_zone_entry_t *zones;  ///< most specific first (see gops_zone_index_build)
    uint32_t zone_count;
    double min_x, min_y;       ///< m, lower-left corner of bucket (0, 0)
    double bucket_m;           ///< m, bucket edge
    int32_t nx, ny;            ///< buckets per axis
    uint32_t *bucket_start;    ///< nx·ny + 1 offsets into bucket_items
    uint32_t *bucket_items;    ///< positions in `zones`, ascending within a bucket
} gops_zone_index_t;

/// Who answers for a category at a point.
typedef struct gops_responsibility {
    uint32_t units;         ///< bit per gops_unit_type_t: union over every zone containing the point
    uint32_t primary_units; ///< units of the primary zone
    int32_t primary_zone;   ///< feature index of the most specific zone naming a unit for the
                            ///< category, -1 when none does
} gops_responsibility_t;

/// Two zones of the same level that share area.
typedef struct gops_zone_overlap {
    uint32_t a, b;           ///< feature indices, a < b
    gops_zone_level_t level;
    double area_m2;          ///< m², estimated by sampling on a square lattice
    gops_point_t example;    ///< m, one sample inside both
} gops_zone_overlap_t;

/// Places where nobody is responsible for a category, grouped by the most specific zone
/// containing them.
typedef struct gops_coverage_gap {
    gops_category_t category;
    int32_t zone;            ///< feature index of the most specific zone there, -1 outside all
    uint32_t cells;          ///< walkable cells (centres) without a unit for the category
    uint32_t road_points;    ///< road centre-line samples without one
    gops_point_t example;    ///< m, the first such place (cells row-major, then roads in order)
} gops_coverage_gap_t;

/// Indexes every zone feature of the map. Specificity order (most specific first): special,
/// grid, subdistrict, district; within a level the smaller area first, then feature index.
/// A map without zones gives an empty index. Fails with GOPS_NOMEM only.
gops_zone_index_t *gops_zone_index_build(const gops_map_t *map, gops_error_t *err);
void gops_zone_index_destroy(gops_zone_index_t *index);

/// True when zone feature `feature` contains p (boundary included: zones sharing an edge
/// both hold it, so a border is never a gap).
bool gops_zone_contains(const gops_map_t *map, uint32_t feature, gops_point_t p);

/// Zones containing p, most specific first: writes up to `cap` feature indices and returns
/// the total count.
uint32_t gops_zone_index_query(const gops_zone_index_t *index, gops_point_t p, uint32_t *zones,
                               uint32_t cap);
/// The most specific zone of `level` containing p, or -1.
int32_t gops_zone_index_at_level(const gops_zone_index_t *index, gops_point_t p,
                                 gops_zone_level_t level);
/// Responsible units for category `category` at p.
gops_responsibility_t gops_zone_index_responsible(const gops_zone_index_t *index, gops_point_t p,
                                                  gops_category_t category);

/// Same-level zone pairs that overlap, by (a, b) ascending. Areas are sampled on a lattice
/// of step `step_m` (m; 0 picks 1 m, coarsened so that no pair takes more than about 250,000
/// samples). Pairs whose samples never coincide are not reported. The caller frees *out.
gops_status_t gops_zone_index_overlaps(const gops_zone_index_t *index, double step_m,
                                       gops_zone_overlap_t **out, uint32_t *count,
                                       gops_error_t *err);

/// Coverage gaps over every walkable cell centre (when `walk` is not NULL) and every road
/// centre-line point every GOPS_ZONE_ROAD_SAMPLE_M metres (ends included), by category,
/// then zone (-1 first, then ascending). The caller frees *out.
gops_status_t gops_zone_index_gaps(const gops_zone_index_t *index, const gops_walkable_t *walk,
                                   gops_coverage_gap_t **out, uint32_t *count, gops_error_t *err);

#endif
