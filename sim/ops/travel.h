// SPDX-License-Identifier: MIT
// Travel times for teams: on foot (a distance field over the walkable area, the sidewalks,
// crossings, plazas and pedestrian streets, coarsened to 2 m and cached per destination, as
// scenario runs use by default; or the straight-line stand-in, the C default) and by vehicle (shortest path on the road
// graph with free-flow times and a hook for traffic-aware arc times), plus the share of the
// walkable area a set of teams reaches within a time limit.
// It does not move anyone (ops/teams.c does) and does not model congestion itself.
#ifndef GOPS_OPS_TRAVEL_H
#define GOPS_OPS_TRAVEL_H

#include "crowd/field.h"
#include "gridops/status.h"
#include "world/district.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum gops_travel_mode { GOPS_TRAVEL_FOOT, GOPS_TRAVEL_VEHICLE, GOPS_TRAVEL_MODE_COUNT } gops_travel_mode_t;

typedef enum gops_foot_model {
    GOPS_FOOT_ZERO,     ///< every trip takes 0 s (queueing validation)
    GOPS_FOOT_STRAIGHT, ///< straight-line distance × detour factor ÷ walking speed (stand-in;
                        ///< gops_travel_params_default, which the ops unit suites are written for)
    GOPS_FOOT_FIELD,    ///< distance field over the walkable area ÷ walking speed (scenario runs)
    GOPS_FOOT_MODEL_COUNT
} gops_foot_model_t;

typedef enum gops_vehicle_model {
    GOPS_VEHICLE_ZERO,     ///< every trip takes 0 s
    GOPS_VEHICLE_STRAIGHT, ///< straight line × detour ÷ speed
    GOPS_VEHICLE_ROAD,     ///< shortest time on the road graph, walking the ends
    GOPS_VEHICLE_MODEL_COUNT
} gops_vehicle_model_t;

/// Traffic-aware time of road-graph arc `arc` at time now_s (s since start), given its
/// free-flow time (s). Returns a time ≥ 0, or INFINITY when the arc cannot be used now
/// (closed); must be deterministic. Other values (NaN, negative) count as free flow.
/// sim/traffic provides one: gops_traffic_responder_arc_time (traffic.h).
typedef double gops_arc_time_fn(void *user, uint32_t arc, double free_time_s, double now_s);

typedef struct gops_travel_params {
    gops_foot_model_t foot;
    gops_vehicle_model_t vehicle;
    double walk_speed_mps;      ///< m/s, responders walking briskly (1.4; Weidmann's free speed is 1.34)
    double detour_factor;       ///< straight-line stand-in: route length ÷ straight distance (1.3)
    double vehicle_speed_mps;   ///< m/s, straight-line vehicle stand-in (6.9 = 25 km/h in town)
    double vehicle_detour;      ///< straight-line vehicle stand-in detour factor (1.4)
    double snap_radius_m;       ///< m, points farther from walkable ground use the stand-in (30)
    uint32_t field_cache;       ///< distance fields kept (by destination cell), ≥ 1 (64)
    /// m, cell of the raster foot fields run on: the walkable raster's cells merged into
    /// squares of about this size, a square walkable when any of its cells is (2; at most
    /// the walkable cell: the raster itself). Distances are then good to about one cell.
    double field_cell_m;
    double coverage_step_m;     ///< m, lattice of sample cells for the straight-line coverage (10)
} gops_travel_params_t;

typedef struct gops_travel_field_slot {
    uint32_t walk_index; ///< destination cell (walkable index), GOPS_WALKABLE_NONE = empty slot
    uint64_t used;       ///< last use (LRU)
    gops_field_t field;
} gops_travel_field_slot_t;

typedef struct gops_travel {
    gops_travel_params_t params;
    const gops_district_t *district;   ///< borrowed, may be NULL (no map: straight lines only)
    gops_walkable_t coarse;            ///< the coarser raster foot fields run on (owned), when
                                       ///< field_cell_m asks for one (see gops_travel_field_raster)
    uint32_t *coarse_of;               ///< walkable index → coarse walkable index; NULL: no coarse raster
    gops_travel_field_slot_t *slots;
    uint64_t use_clock;
    const float *foot_speed;           ///< per walkable cell relative speed in (0, 1], or NULL
    float *coarse_speed;               ///< the same per square of the coarser raster (owned), or NULL
    gops_arc_time_fn *arc_time;        ///< NULL: free-flow times
    void *arc_user;
    double *node_time;                 ///< Dijkstra scratch, one per road node
    uint8_t *node_done;
    uint32_t *lattice;                 ///< walkable indices of the coverage sample cells
    uint32_t lattice_count;
    uint64_t fields_computed;          ///< statistics: foot fields computed so far
    uint64_t foot_queries;             ///< ... and foot travel times asked for
} gops_travel_t;

gops_travel_params_t gops_travel_params_default(void);
/// Checks params (GOPS_BAD_VALUE naming the field) and sets up caches. `district` may be NULL.
gops_status_t gops_travel_init(gops_travel_t *travel, const gops_travel_params_t *params,
                               const gops_district_t *district, gops_error_t *err);
void gops_travel_free(gops_travel_t *travel);

/// Time (s) for a team travelling in `mode` from `from` to `to` (m) at now_s. Always finite
/// and ≥ 0: where a model cannot answer (off the raster, unreachable, no map) it falls back
/// to the straight-line stand-in.
double gops_travel_time(gops_travel_t *travel, gops_travel_mode_t mode, gops_point_t from, gops_point_t to,
                        double now_s);
/// The raster foot fields run on: the district's walkable raster, or the coarser copy; NULL
/// without walkable ground.
const gops_walkable_t *gops_travel_field_raster(const gops_travel_t *travel);
/// Share (0..1) of the walkable area reachable on foot within limit_s from the nearest of
/// `sources`; NAN when the district has no walkable raster (the KPI is then absent).
double gops_travel_coverage(gops_travel_t *travel, const gops_point_t *sources, uint32_t count, double limit_s);

/// Crowd-aware walking: relative speed per walkable cell (array of walk->count, borrowed
/// until replaced), used by the field model (on a coarser raster, each square takes the
/// slowest of its cells); NULL restores free walking. Clears the cache.
void gops_travel_set_foot_speed(gops_travel_t *travel, const float *speed);
/// The walkable cell id (not index) whose centre is nearest to p (m) within radius_m, the
/// lowest id on ties, or GOPS_WALKABLE_NONE; *dist_m (may be NULL) gets the distance
/// (INFINITY without one). The same answer as gops_walkable_snap, found by an outward search
/// that usually stops at the first cell.
uint32_t gops_travel_snap(const gops_walkable_t *walk, gops_point_t p, double radius_m, double *dist_m);
/// Traffic-aware driving: arc times from the traffic model; NULL restores free flow.
void gops_travel_set_arc_time(gops_travel_t *travel, gops_arc_time_fn *fn, void *user);

#endif
