// SPDX-License-Identifier: MIT
// Crowd-management actions scenarios take: close and reopen areas and entrances, barriers,
// one-way sections, entry metering, public-address guidance, congestion-aware choice
// groups, and the fixed obstacles other models publish (vendor stalls). Changes to where
// people may walk rebuild the distance fields once, at the start of the next crowd tick;
// nothing else recomputes a field. Does not parse scenarios (scenario/lua_crowd.c does).
#ifndef GOPS_CROWD_ACTIONS_H
#define GOPS_CROWD_ACTIONS_H

#include "crowd/choice.h"
#include "crowd/crowd.h"
#include "crowd/guidance.h"
#include "world/disc.h"

// Barriers and closures are rasterised into a mask over the walkable raster that the fields
// (as blocked cells), the wall-distance field (as walls) and the walk's hard constraint all
// read, so nobody steps onto a barrier's cells or into a closed area; people caught inside
// an area when it closes walk out of it along the shortest way, and people standing on a
// new barrier's cells are moved to the nearest open cell on their side of it.

/// Closes the walkable cells whose centre lies in the polygon `ring` (count points, m) under
/// `name`: nobody enters them, routes go around, people inside walk out. GOPS_BAD_VALUE for
/// a name already closed or a bad polygon.
gops_status_t gops_crowd_close_area(gops_crowd_t *crowd, const char *name, const gops_point_t *ring, uint32_t count,
                                    gops_error_t *err);
/// GOPS_BAD_VALUE when no area of that name is closed.
gops_status_t gops_crowd_reopen_area(gops_crowd_t *crowd, const char *name, gops_error_t *err);
/// A barrier nobody crosses: every raster cell the segment a–b (m) touches becomes wall (so
/// it is one cell thick: 0.1 m in labs at nav_cell_m = 0.1, 1 m on the district raster).
gops_status_t gops_crowd_add_barrier(gops_crowd_t *crowd, const char *name, gops_point_t a, gops_point_t b,
                                     gops_error_t *err);
gops_status_t gops_crowd_remove_barrier(gops_crowd_t *crowd, const char *name, gops_error_t *err);
/// One-way flow along (dx, dy) in the polygon: routes through it only go that way (a step
/// whose axis direction is within 85° of the rule is allowed; see overlay.h), so where the
/// section is the only way back, the way back is gone. A rule of the same name is replaced.
gops_status_t gops_crowd_set_one_way(gops_crowd_t *crowd, const char *name, const gops_point_t *ring, uint32_t count,
                                     double dx, double dy, gops_error_t *err);
gops_status_t gops_crowd_clear_one_way(gops_crowd_t *crowd, const char *name, gops_error_t *err);
bool gops_crowd_one_way_exists(const gops_crowd_t *crowd, const char *name);

/// What an entrance name means (gops_crowd_find_entrance).
typedef enum gops_entrance_kind {
    GOPS_ENTRANCE_NONE,
    GOPS_ENTRANCE_LAB_EXIT,    ///< a lab exit: index = its destination
    GOPS_ENTRANCE_BUILDING,    ///< a building: index = its destination
    GOPS_ENTRANCE_DOOR,        ///< one entrance feature of a building: index = the feature
    GOPS_ENTRANCE_DESTINATION, ///< a plaza, street, vendor point or exit group: index = its destination
} gops_entrance_kind_t;

/// Looks a name up: a lab exit; a destination by its label (feature id or name, or
/// "exit:metro_exit"-style exit groups); an entrance feature by id or name.
gops_entrance_kind_t gops_crowd_find_entrance(const gops_crowd_t *crowd, const char *name, uint32_t *index);
/// The destination (field) index of a name (lab exit or destination), GOPS_NO_DEST if none.
uint16_t gops_crowd_find_destination(const gops_crowd_t *crowd, const char *name);
/// The name of destination `dest` (a lab exit's name or the destination's label).
const char *gops_crowd_destination_name(const gops_crowd_t *crowd, uint16_t dest);

/// Closes (open = false) or reopens an entrance. A lab exit admits nobody while closed and
/// its walkers head for the nearest open exit (by walking distance) or, with none open,
/// wait at it. A building closes to entry (demand redirects its visitors); a door closes and
/// its building's field is recomputed from the other doors; a place is no longer chosen.
/// GOPS_BAD_VALUE for an unknown name.
gops_status_t gops_crowd_set_entrance_open(gops_crowd_t *crowd, const char *name, bool open, gops_error_t *err);
/// Entry metering, persons per minute (0 lifts it): a lab exit lets one out per 1/rate (the
/// others wait in front of it); a building or door through buildings.c's meters.
/// GOPS_BAD_VALUE for an unknown name, a place that is not entered, or a bad rate.
gops_status_t gops_crowd_meter(gops_crowd_t *crowd, const char *name, double per_min, gops_error_t *err);

/// A public-address broadcast (guidance.h): active from `from_s` to `until_s` (s after the start).
typedef struct gops_broadcast_def {
    double x, y, radius_m, share;
    uint16_t to;
    double from_s, until_s;
} gops_broadcast_def_t;
/// GOPS_BAD_VALUE for a radius not in (0, 1000] m, a share not in [0, 1], an unknown
/// destination or until <= from. *serial gets the broadcast's number.
gops_status_t gops_crowd_broadcast(gops_crowd_t *crowd, const gops_broadcast_def_t *def, uint32_t *serial,
                                   gops_error_t *err);
/// Broadcast by serial (1 = the first), or NULL.
const gops_broadcast_t *gops_crowd_broadcast_get(const gops_crowd_t *crowd, uint32_t serial);

/// A congestion-aware choice group (choice.h) over 2..8 destinations of one kind (lab exits,
/// or district places of one class). A destination belongs to one group at most.
gops_status_t gops_crowd_add_choice(gops_crowd_t *crowd, const char *name, const uint16_t *members, uint32_t count,
                                    const gops_choice_params_t *params, gops_error_t *err);
const gops_choice_group_t *gops_crowd_choice_group(const gops_crowd_t *crowd, const char *name);

/// Fixed obstacles for the walk (obstacles.h): the discs replace the previous set when
/// `version` differs from the last call's; the same version again costs nothing. Invalid
/// discs are refused with an error in the log (the previous set stays).
void gops_crowd_set_obstacles(gops_crowd_t *crowd, const gops_disc_t *discs, uint32_t n, uint64_t version);

typedef struct gops_crowd_action_stats {
    uint64_t field_computations; ///< destination distance fields computed since attach, startup included
    uint64_t route_refreshes;    ///< times the fields priced by crowding were recomputed (route.h)
    uint64_t geometry_rebuilds;  ///< times every field was rebuilt for changed geometry
    uint64_t obstacle_rebuilds;  ///< times the obstacle index was rebuilt
    uint32_t blocked_cells;      ///< cells closed or under barriers now
    uint32_t one_way_cells;      ///< cells under one-way rules now
    uint64_t pending_version;    ///< overlay version not yet built (0: up to date)
} gops_crowd_action_stats_t;
void gops_crowd_action_stats(const gops_crowd_t *crowd, gops_crowd_action_stats_t *out);

/// True when (x, y) (m) lies on a cell of a closed area (people there walk out).
bool gops_crowd_in_closure(const gops_crowd_t *crowd, float x, float y);

/// Lab exit state: closed, meter (persons/min, 0 none); false for an unknown exit.
bool gops_crowd_exit_state(const gops_crowd_t *crowd, uint16_t dest, bool *closed, double *meter_per_min);

#endif
