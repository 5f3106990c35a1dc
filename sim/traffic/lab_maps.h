// SPDX-License-Identifier: MIT
// Lab geometry for traffic validation, tests and benchmarks: small maps built in memory in
// metres (no GeoJSON), owned by the caller until handed to gops_world_create_with_map.
// A ring road, a signalised or priority crossroads, a two-lane corridor, a network with a
// main road and a detour, and a signalised street grid. Owns nothing after returning.
#ifndef GOPS_TRAFFIC_LAB_MAPS_H
#define GOPS_TRAFFIC_LAB_MAPS_H

#include "gridops/status.h"
#include "world/map.h"

#include <stdbool.h>
#include <stdint.h>

/// A one-way ring road of circumference `length_m` (two half circles joined at two plain
/// nodes, drawn counter-clockwise), `lanes` lanes at speed_kmh. No gateways. NULL when out
/// of memory.
gops_map_t *gops_lab_ring(double length_m, int lanes, double speed_kmh);

/// Crossroads: an east-west main road from x = -arm_m to +arm_m and a north-south cross
/// road of the same reach, meeting at (0, 0) under `control` (signal, priority or yield),
/// `lanes` lanes per direction on the main road (1 on the cross road), 50 and 30 km/h,
/// gateways at all four ends. The main road is secondary, the cross road local.
gops_map_t *gops_lab_crossroads(double arm_m, int lanes, gops_junction_control_t control);

/// A straight two-way road from (0, 0) to (length_m, 0) with `lanes` lanes per direction
/// at speed_kmh and gateways at both ends.
gops_map_t *gops_lab_corridor(double length_m, int lanes, double speed_kmh);

/// Two gateways W (-1000, 0) and E (1000, 0) joined by a straight main road through
/// junctions at (-500, 0) and (500, 0), and by a detour from those junctions north to
/// y = 400 and across. All two-way, one lane per direction, 50 km/h, priority junctions.
/// Road ids: "main", "detour_w", "detour_n", "detour_e", "west", "east".
gops_map_t *gops_lab_detour(void);

/// A street grid of nx × ny signalised junctions `spacing_m` apart, every street two-way
/// with `lanes` lanes per direction at 50 km/h, running half a block past the outer
/// junctions to gateways.
gops_map_t *gops_lab_grid(int nx, int ny, double spacing_m, int lanes);

// ---- building lab road maps piece by piece (road_lab{} in scenarios) ----------------------

/// One road of a lab map: its line in local metres (at least 2 points), class, lanes per
/// direction (total when one-way, 1..16), direction rule and limit; sidewalks 3 m each side.
typedef struct gops_lab_road {
    const char *id;                ///< feature id (also its English name), required
    gops_road_class_t road_class;
    int lanes;
    bool oneway;                   ///< traffic only along the line
    double speed_kmh;              ///< (0, 150]
    const gops_point_t *pts;
    uint32_t count;
} gops_lab_road_t;

/// Appends a road to a map made with gops_map_new (world/map_build.h). Returns the feature
/// index, or -1 with err (GOPS_BAD_VALUE naming the road: no id, fewer than 2 points,
/// coordinates not finite or beyond ±100 km, lanes or speed out of range; GOPS_NOMEM).
int32_t gops_lab_add_road(gops_map_t *map, const gops_lab_road_t *road, gops_error_t *err);
/// Appends a junction (traffic control at the road node there) or a gateway (a transit
/// point of mode `edge`: vehicles enter and leave the map at the road node within 30 m).
int32_t gops_lab_add_junction(gops_map_t *map, const char *id, gops_point_t at, gops_junction_control_t control,
                              gops_error_t *err);
int32_t gops_lab_add_gateway(gops_map_t *map, const char *id, gops_point_t at, gops_error_t *err);
/// Sets the map's bounds over every road vertex and point feature (gops_map_finish knows
/// only points and polygons). Call once after adding the features. GOPS_MAP when the map
/// has no road.
gops_status_t gops_lab_finish(gops_map_t *map, gops_error_t *err);

#endif
