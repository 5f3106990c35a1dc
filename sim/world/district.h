// SPDX-License-Identifier: MIT
// The district a world runs on: the loaded map and the structures derived from it once at
// start (walkable raster, road graph, zone index). Owns all four; models read them.
// Does not load files by itself beyond the map, and never changes after building.
#ifndef GOPS_WORLD_DISTRICT_H
#define GOPS_WORLD_DISTRICT_H

#include "core/hash.h"
#include "world/map.h"
#include "world/road_graph.h"
#include "world/walkable.h"
#include "world/zone_index.h"

typedef struct gops_district {
    gops_map_t *map;
    gops_walkable_t *walk;
    gops_road_graph_t *roads;
    gops_zone_index_t *zones;
    uint64_t geometry_hash; ///< hash of the walkable raster (for caches and the state hash)
} gops_district_t;

/// Builds the derived structures of `map`, taking ownership of it (freed on failure too).
/// `cell_m` is the walkable raster's cell size (0.1–10 m).
gops_status_t gops_district_build(gops_district_t *district, gops_map_t *map, double cell_m, gops_error_t *err);
/// Loads a map file and builds the district from it.
gops_status_t gops_district_load(gops_district_t *district, const char *path, double cell_m, gops_error_t *err);
void gops_district_free(gops_district_t *district);
/// The district's name from its map boundary: `name` (english = false) or `name_en`, either
/// standing in for the other; NULL when the map has no named boundary.
const char *gops_district_name(const gops_district_t *district, bool english);

#endif
