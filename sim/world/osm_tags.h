// SPDX-License-Identifier: MIT
// Private to world/: translates an OpenStreetMap-tagged GeoJSON feature (osmtogeojson or
// ogr2ogr output) into properties of the gridops schema, so the loader validates OSM input
// and our own format through one path. Does not parse geometry or coordinates.
#ifndef GOPS_WORLD_OSM_TAGS_H
#define GOPS_WORLD_OSM_TAGS_H

#include "gridops/status.h"
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

/// The translation of one feature.
typedef struct gops_osm_mapping {
    cJSON *props;      ///< gridops-schema properties (caller deletes); NULL: skipped
    bool reverse;      ///< oneway=-1: the line's direction must be reversed
    double buffer_m;   ///< > 0: a LineString walkway, to be buffered to this width (m)
    bool single_part;  ///< a one-part MultiPolygon building, to be read as its Polygon
    uint32_t warnings; ///< tag values ignored with a logged warning
} gops_osm_mapping_t;

/// True when a feature without `kind` is OpenStreetMap data: it has OSM tags (flat in
/// `properties`, nested under `properties.tags`, or in ogr2ogr's `other_tags`) or an OSM
/// id ("way/123", `@id`, `osm_id`). Such features are translated or skipped, never errors.
bool gops_osm_is_tagged(const cJSON *feature);

/// Translates one OSM feature; `geom_type` is its GeoJSON geometry type ("Point",
/// "LineString", "Polygon", "MultiPolygon"; NULL when missing) and `where` prefixes warning
/// messages ("map.geojson: feature 3"). Returns GOPS_OK — out->props NULL when the feature is
/// of no interest — or GOPS_NOMEM.
gops_status_t gops_osm_map_feature(const cJSON *feature, const char *geom_type, const char *where,
                                   gops_osm_mapping_t *out, gops_error_t *err);

#endif
