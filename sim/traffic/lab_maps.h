// SPDX-License-Identifier: MIT
// Lab geometry for traffic validation, tests and benchmarks: small maps built in memory in
// metres (no GeoJSON), owned by the caller until handed to gops_world_create_with_map.
// A ring road, a signalised or priority crossroads, a two-lane corridor, a network with a
// main road and a detour, and a signalised street grid. Owns nothing after returning.
#ifndef GOPS_TRAFFIC_LAB_MAPS_H
#define GOPS_TRAFFIC_LAB_MAPS_H

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

#endif
