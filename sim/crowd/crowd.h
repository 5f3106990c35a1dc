// SPDX-License-Identifier: MIT
// The crowd subsystem: ties demand (visitors, buildings), distance fields, the walking model
// and the measures into one model stepped by the world every tick. Also the lab mode of
// validation scenarios: explicit spawns, named exits, counting lines. Owns the pedestrians;
// the pieces it drives own their own state.
#ifndef GOPS_CROWD_CROWD_H
#define GOPS_CROWD_CROWD_H

#include "crowd/counting_line.h"
#include "crowd/demand.h"
#include "crowd/density.h"
#include "crowd/pedestrians.h"
#include "crowd/route.h"
#include "crowd/walk.h"
#include "gridops/gridops.h"

typedef struct gops_crowd_params {
    gops_walk_params_t walk;
    gops_density_def_t density;
    gops_counting_lines_def_t lines;
    bool visitors;                 ///< visitors from the demand model (district runs); off in labs
    gops_demand_params_t demand;
    float arrive_radius_m;         ///< a pedestrian within this walking distance of its target has arrived, m
    float exit_radius_m;           ///< the same for a visitor and the transit point it leaves by (a
                                   ///< metro entrance's stairs, a bus stop's kerb: metres wide), m
    float spawn_jitter_m;          ///< new pedestrians appear within this distance of their door, m
    double settle_s;               ///< with a warm start: the crowd is placed this much before the
                                   ///< start and walks alone up to it (crowd.c, settle), s
    bool roam;                     ///< pedestrians without a visitor record pick a new destination on
                                   ///< arrival (benchmarks: people walking between destinations)
    float junction_box_speed;      ///< relative speed (0, 1] the routing fields give a junction's box
                                   ///< outside the crosswalks in line with the sidewalks (1: no detour)
    gops_route_params_t route;     ///< routing fields priced by measured crowding (route.h)
} gops_crowd_params_t;

/// Defaults for a kind of day (demand of that day; walking, density and lines defaults).
gops_crowd_params_t gops_crowd_params_default(gops_day_kind_t day);

typedef struct gops_crowd gops_crowd_t;

/// Creates the crowd on a world that has a district and registers it to step every tick.
/// Computes the distance field of every destination up front (startup cost, measured by
/// `gridops bench`). GOPS_SCENARIO when the world has no district.
gops_crowd_t *gops_crowd_attach(gops_world_t *world, const gops_crowd_params_t *params, gops_error_t *err);
/// The crowd of a world, or NULL.
gops_crowd_t *gops_world_crowd(const gops_world_t *world);
/// The pedestrians on the street, or NULL when the world has no crowd.
const gops_pedestrians_t *gops_crowd_pedestrians(const gops_world_t *world);
const gops_crowd_params_t *gops_crowd_params(const gops_crowd_t *crowd);
gops_density_t *gops_crowd_density(gops_crowd_t *crowd);
gops_demand_t *gops_crowd_demand(gops_crowd_t *crowd); ///< NULL in lab mode

/// Lab exits: a named destination made of the walkable cells inside `area`; pedestrians
/// reaching it leave the simulation and are counted. Returns its destination index.
gops_status_t gops_crowd_add_exit(gops_crowd_t *crowd, const char *name, const gops_polygon_t *area, uint16_t *dest,
                                  gops_error_t *err);
/// Destination index of a lab exit by name, or GOPS_NO_DEST.
uint16_t gops_crowd_find_exit(const gops_crowd_t *crowd, const char *name);

/// One pedestrian to place at time `at_s` (s after the start): heading for `dest`, or, with
/// dest = GOPS_NO_DEST, walking in the fixed direction (dir_x, dir_y) (periodic corridors).
typedef struct gops_spawn {
    double at_s;
    float x, y, v0, radius;
    uint8_t group;
    uint16_t dest;
    float dir_x, dir_y;
    uint32_t visitor; ///< 0 (callers' spawns); the crowd queues 1 + the visitor id of a
                      ///< newcomer waiting at a packed door
} gops_spawn_t;
/// Queues a spawn (placed at the first tick at or after at_s at which no one stands within
/// the two bodies' radii of the position; until then it waits, and so do later spawns at the
/// same spot; the position must be walkable). GOPS_BAD_VALUE naming what is wrong.
gops_status_t gops_crowd_spawn(gops_crowd_t *crowd, const gops_spawn_t *spawn, gops_error_t *err);

/// Adds a counting line.
gops_status_t gops_crowd_add_line(gops_crowd_t *crowd, const char *name, gops_point_t a, gops_point_t b,
                                  gops_error_t *err);
const gops_counting_lines_t *gops_crowd_lines(const gops_crowd_t *crowd);

/// Lab statistics.
typedef struct gops_crowd_stats {
    uint64_t spawned;             ///< pedestrians placed so far
    uint64_t exited;              ///< reached a lab exit
    double first_exit_s, last_exit_s; ///< s after the start, NAN before the first exit
    double speed_sum, speed_samples;  ///< for the mean walking speed (m/s) over the run
    uint64_t wall_violations;     ///< steps that ended a pedestrian in a non-walkable cell (must stay 0)
    uint32_t peak_street;         ///< most pedestrians on the street at once
    uint32_t peak_inside;         ///< most visitors inside buildings at once
} gops_crowd_stats_t;
const gops_crowd_stats_t *gops_crowd_stats(const gops_crowd_t *crowd);
/// Destinations with a distance field (demand destinations first, then lab exits).
uint16_t gops_crowd_destination_count(const gops_crowd_t *crowd);
/// Walking distance (m) from (x, y) to destination `dest` (INFINITY when unreachable).
float gops_crowd_distance(const gops_crowd_t *crowd, uint16_t dest, float x, float y);
/// Exits through one lab exit so far and the time of the last (NAN when none).
uint64_t gops_crowd_exit_count(const gops_crowd_t *crowd, uint16_t dest, double *last_s);

#endif
