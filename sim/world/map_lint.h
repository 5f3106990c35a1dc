// SPDX-License-Identifier: MIT
// Map lint: checks a loaded map for responsibility gaps, walkable areas cut off from the
// rest, unreachable entrances and transit points, roads cut off from the main network and
// a missing boundary, and lists same-level zone overlaps for information. Produces a
// structured report; printing it (text or JSON) is the command line's job.
#ifndef GOPS_WORLD_MAP_LINT_H
#define GOPS_WORLD_MAP_LINT_H

#include "world/map.h"
#include "world/road_graph.h"
#include "world/walkable.h"
#include "world/zone_index.h"
#include <stdbool.h>
#include <stdint.h>

/// A walkable component other than the largest is a finding above this area (m²).
#define GOPS_LINT_MINOR_COMPONENT_M2 50.0

typedef enum gops_lint_severity {
    GOPS_LINT_ERROR,   ///< makes the lint fail (exit 1)
    GOPS_LINT_WARNING, ///< worth fixing, does not fail the lint
    GOPS_LINT_NOTE,    ///< information (e.g. overlaps, which the district's rule allows)
} gops_lint_severity_t;

typedef enum gops_lint_kind {
    GOPS_LINT_GAP,            ///< a category with no responsible unit somewhere
    GOPS_LINT_OVERLAP,        ///< two zones of one level share area
    GOPS_LINT_COMPONENT,      ///< a walkable area cut off from the largest one
    GOPS_LINT_UNREACHABLE,    ///< an entrance or transit point pedestrians cannot reach
    GOPS_LINT_STRANDED,       ///< a vendor point or post off the walkable network
    GOPS_LINT_ROAD_ISOLATED,  ///< a road outside the largest strongly connected component
    GOPS_LINT_NO_BOUNDARY,    ///< no `boundary` feature
    GOPS_LINT_MANY_BOUNDARIES, ///< more than one `boundary` feature
    GOPS_LINT_STRAY_JUNCTION, ///< a `junction` feature not at a road node
    GOPS_LINT_KIND_COUNT
} gops_lint_kind_t;

typedef struct gops_lint_finding {
    gops_lint_kind_t kind;
    gops_lint_severity_t severity;
    int32_t feature;       ///< feature index concerned, -1 when none
    int32_t other;         ///< second feature (overlaps), -1 when none
    int32_t category;      ///< gops_category_t for gaps, -1 otherwise
    uint32_t cells;        ///< walkable cells concerned (gaps, components)
    uint32_t road_points;  ///< road samples concerned (gaps)
    double area_m2;        ///< m² concerned (gaps: cells × cell², overlaps, components), 0 if none
    bool located;          ///< `at`, `lon`, `lat` are set
    gops_point_t at;       ///< m, an example location
    double lon, lat;       ///< degrees, the same location
    char message[320];     ///< one line for people
} gops_lint_finding_t;

typedef struct gops_map_lint_def {
    gops_walkable_def_t walkable; ///< raster used for areas, components and reachability
    double overlap_step_m;        ///< m, overlap sampling step (0: automatic, see zone_index.h)
} gops_map_lint_def_t;

typedef struct gops_map_lint {
    gops_lint_finding_t *findings; ///< by kind (enum order), then as each check lists them
    uint32_t count;
    uint32_t errors, warnings, notes;
    gops_coverage_gap_t *gaps;     ///< the gap groups behind the GAP findings (zone_index.h)
    uint32_t gap_count;
    // What was checked, for the summary line.
    double cell_m;                 ///< m
    int32_t nx, ny;                ///< raster cells per axis
    double walkable_m2;            ///< m²
    uint32_t walkable_components;
    double largest_component_m2;   ///< m²
    uint32_t road_nodes, road_edges, road_turns, road_components;
    uint32_t road_gateways;        ///< nodes where traffic may leave or enter the map
    uint32_t anchors;              ///< entrances, transit points, vendor points and posts checked
    uint32_t zones;
} gops_map_lint_t;

gops_map_lint_def_t gops_map_lint_def_default(void);

/// Runs every check on a loaded map. Fails (NULL, err set) only when the derived
/// structures cannot be built (bad parameters, a bad road, memory); findings are never
/// errors of this function.
gops_map_lint_t *gops_map_lint_run(const gops_map_t *map, const gops_map_lint_def_t *def,
                                   gops_error_t *err);
void gops_map_lint_destroy(gops_map_lint_t *lint);

/// 1 when the report has errors, 0 otherwise (the `gridops map lint` exit code).
int gops_map_lint_exit_code(const gops_map_lint_t *lint);
/// "gap", "overlap", "component", ... (stable names used in JSON output).
const char *gops_lint_kind_name(gops_lint_kind_t kind);
/// "error", "warning", "note".
const char *gops_lint_severity_name(gops_lint_severity_t severity);

#endif
