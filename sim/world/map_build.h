// SPDX-License-Identifier: MIT
// Maps built in memory, in local metres: the lab geometry of validation scenarios (a
// corridor, a bottleneck, a room with exits) and test fixtures. The result is an ordinary
// gops_map_t, freed with gops_map_destroy. Does not parse files (map_load.c does).
#ifndef GOPS_WORLD_MAP_BUILD_H
#define GOPS_WORLD_MAP_BUILD_H

#include "world/map.h"

/// An empty map named `name` (used as its path in messages), origin (0, 0).
gops_map_t *gops_map_new(const char *name);
/// Adds an area feature (boundary, walkway, plaza, pedestrian_street, building, vendor_point,
/// zone parts are not supported here) from rings of x,y pairs (outer ring first, then holes;
/// without the closing point). Returns the feature index, or -1 with err set.
int32_t gops_map_add_area(gops_map_t *map, gops_feature_kind_t kind, const char *id, const double *const *rings_xy,
                          const uint32_t *ring_points, uint32_t ring_count, gops_error_t *err);
/// Adds an axis-aligned rectangle area feature.
int32_t gops_map_add_rect(gops_map_t *map, gops_feature_kind_t kind, const char *id, double x0, double y0, double x1,
                          double y1, gops_error_t *err);
/// Adds a point feature (transit edge point, entrance, post, ...); kind-specific fields are
/// zero (set them on map->features[index].u afterwards).
int32_t gops_map_add_point(gops_map_t *map, gops_feature_kind_t kind, const char *id, double x, double y,
                           gops_error_t *err);
/// Normalises ring orientation, checks rings (at least 3 points, finite, not
/// self-intersecting), computes centroids and bounds. Call once after adding features.
gops_status_t gops_map_finish(gops_map_t *map, gops_error_t *err);

#endif
