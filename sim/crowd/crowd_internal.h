// SPDX-License-Identifier: MIT
// The crowd's private layout, shared by the crowd's own files: crowd.c (the tick), actions.c
// (closures, barriers, one-way rules, exit gates, obstacles), choice.c and guidance.c. Nothing
// outside sim/crowd/ includes it; other modules use crowd.h and actions.h.
#ifndef GOPS_CROWD_CROWD_INTERNAL_H
#define GOPS_CROWD_CROWD_INTERNAL_H

#include "crowd/choice.h"
#include "crowd/crowd.h"
#include "crowd/field.h"
#include "crowd/guidance.h"
#include "crowd/obstacles.h"
#include "crowd/overlay.h"
#include "crowd/room.h"
#include "crowd/route.h"
#include "world/district.h"

/// What a pedestrian is doing; kept beside the pedestrian arrays, moved with them.
enum { PED_WALK, PED_QUEUED, PED_LINGER, PED_FIXED };

typedef struct lab_exit {
    char name[64];
    uint16_t dest;
    uint64_t count;
    double last_s;
    bool closed;          ///< admits nobody; walkers heading here turn to the nearest open exit
    double meter_per_min; ///< admissions per minute, 0 = unmetered
    double next_admit_s;  ///< the meter's virtual clock: earliest next admission, s after the start
} lab_exit_t;

typedef struct destination_cells {
    uint32_t *cells; ///< walkable indices of the destination (area cells, door cells)
    uint32_t count;
} destination_cells_t;

struct gops_crowd {
    gops_world_t *world;
    const gops_district_t *district;
    gops_crowd_params_t params;
    gops_pedestrians_t peds;
    uint8_t *mode;       ///< per pedestrian: PED_*
    float *tx, *ty;      ///< per pedestrian: lingering spot, m
    uint8_t *arrived;    ///< per pedestrian scratch, set by routing
    float *prev_x, *prev_y; ///< positions before walking (counting lines)
    uint32_t scratch_capacity;

    bool setting_up;     ///< inside gops_crowd_attach: fields of the map as loaded (cacheable)
    gops_field_t wall;
    gops_walk_context_t walk;
    gops_field_t *fields;           ///< by destination index
    float *field_speed;             ///< by walkable index: relative speed in the fields (NULL: 1 everywhere)
    destination_cells_t *dest_cells; ///< by destination index
    uint16_t dest_count, dest_capacity;

    gops_demand_t *demand;
    uint32_t *ped_of_visitor;       ///< by visitor id: pedestrian index, UINT32_MAX when not on foot
    uint32_t visitor_capacity;
    double day_offset_s;            ///< seconds after midnight at the start
    double demand_until_s;          ///< end of the last arrival window (windows must abut exactly)

    lab_exit_t *exits;
    uint32_t exit_count;
    gops_spawn_t *spawns;           ///< queued, sorted by at_s (stable)
    gops_room_t newcomer_room;      ///< scratch of place_newcomers, kept so its buffers are reused
    uint32_t spawn_count, spawn_next, spawn_capacity;

    gops_density_t *density;
    gops_counting_lines_t *lines;
    gops_crowd_stats_t stats;
    uint64_t warning_events;

    // Scenario actions (actions.c, choice.c, guidance.c).
    gops_overlay_t *overlay;        ///< closures, barriers, one-way sections; NULL until the first
    uint64_t overlay_built;         ///< overlay version the masks and fields were built for
    gops_overlay_masks_t masks;     ///< the overlay rasterised (empty arrays when nothing is in force)
    gops_field_t leave;             ///< walking distance out of closed areas (empty when none)
    uint8_t *entrance_closed;       ///< by feature index: entrance closed (NULL until the first)
    uint64_t field_computations;    ///< destination distance fields computed since attach, startup
                                    ///< included (priced fields: route.refreshes)
    uint64_t geometry_rebuilds;     ///< rebuilds of every field for changed geometry
    gops_obstacles_t obstacles;     ///< discs other models publish (vendor stalls)
    gops_guidance_t guidance;
    gops_choice_t choice;
    gops_route_t route;             ///< fields priced by measured crowding (route.c)
};

/// Actions' part of a tick (actions.c), before routing: rebuilds masks and fields when the
/// overlay changed, sends walkers of closed lab exits to open ones, then guidance
/// (guidance.c) and congestion choice (choice.c). `now_s`: s after the start.
gops_status_t gops_crowd_actions_step(gops_crowd_t *c, double now_s, double dt, gops_error_t *err);
/// Whether lab exit `e` lets a pedestrian out at `now_s` (closed: never; metered: when its
/// virtual clock allows, which then moves on by one interval). `dt`: the tick, s.
bool gops_crowd_exit_admits(gops_crowd_t *c, lab_exit_t *e, double now_s, double dt);
/// Frees what the actions own.
void gops_crowd_actions_free(gops_crowd_t *c);
/// The destination's field from its cells under the current masks (counted).
gops_status_t gops_crowd_compute_field(gops_crowd_t *c, uint16_t dest, gops_error_t *err);

/// Every destination's field under the current masks at per-walkable-cell `speed` (may be
/// NULL) into fields[0, dest_count), in parallel; on failure `fields` stay as they were.
gops_status_t gops_crowd_compute_fields(gops_crowd_t *c, const float *speed, gops_field_t *fields, gops_error_t *err);
/// Every destination's distance field under the current masks (counted), then the priced
/// ones when route choice has prices.
gops_status_t gops_crowd_rebuild_fields(gops_crowd_t *c, gops_error_t *err);

/// Congestion routing (route.c): set-up after the density grid exists; a density window
/// closed (sums it); the refresh at the start of a crowd tick (`now_s`: s after the start);
/// the priced fields recomputed at the speeds in use (geometry changed, or a resume); the
/// priced field of a destination or NULL (walkers then descend the distance field).
gops_status_t gops_crowd_route_init(gops_crowd_t *c, gops_error_t *err);
void gops_crowd_route_window(gops_crowd_t *c);
gops_status_t gops_crowd_route_step(gops_crowd_t *c, double now_s, gops_error_t *err);
gops_status_t gops_crowd_route_reprice(gops_crowd_t *c, gops_error_t *err);
const gops_field_t *gops_crowd_route_field(const gops_crowd_t *c, uint16_t dest);
/// Whether (x, y) (m) lies on a cell the priced fields call crowded (false when none are in use).
bool gops_crowd_route_crowded_at(const gops_crowd_t *c, float x, float y);
void gops_crowd_route_free(gops_crowd_t *c);

/// Guidance and choice steps (guidance.c, choice.c).
void gops_guidance_step(gops_crowd_t *c, double now_s);
void gops_choice_step(gops_crowd_t *c, double now_s, double dt);
/// Sends pedestrian i (walking) to destination `dest` (a visitor through its itinerary);
/// false when nothing changed.
bool gops_crowd_redirect(gops_crowd_t *c, uint32_t i, uint16_t dest);

#endif
