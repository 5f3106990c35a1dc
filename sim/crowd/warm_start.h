// SPDX-License-Identifier: MIT
// Warm start: a district run that starts after the opening begins with the visitors the
// demand model implies at that time instead of an empty district. Replays the demand process
// from the opening to the start without stepping pedestrians (a walk takes its distance-field
// length over the visitor's free speed), so buildings hold their occupants, stays and queues,
// and says where each visitor on foot stands. Does not add pedestrians: the crowd does that.
#ifndef GOPS_CROWD_WARM_START_H
#define GOPS_CROWD_WARM_START_H

#include "crowd/demand.h"
#include "crowd/field.h"
#include "crowd/profile.h"
#include "gridops/status.h"
#include "world/map.h"
#include "world/walkable.h"

#include <stdint.h>

/// How the replay turns distances into times and spreads people out. Defaults and their
/// reasons: gops_warm_start_def_default (warm_start.c).
typedef struct gops_warm_start_def {
    double speed_factor;    ///< mean speed over a walk as a share of the free speed when the streets
                            ///< are empty, in (0, 1]
    double crowding_m2;     ///< slowing by the crowd: a walk starting when w visitors walk on A m² of
                            ///< walkable area goes at speed_factor / (1 + crowding_m2 · w / A) of the
                            ///< free speed; m² per walker, ≥ 0 (0: no slowing)
    double arrive_radius_m; ///< a walk ends this far (walking distance) from its target, m (≥ 0;
                            ///< the crowd's arrive_radius_m)
    double exit_radius_m;   ///< the same for a walk to the transit point a visitor leaves by, m
                            ///< (≥ 0; the crowd's exit_radius_m)
    double lateral_m;       ///< walkers stand up to this far either side of their descent line, m (≥ 0)
    double jitter_m;        ///< queued visitors stand within this of their door, lingering ones of
                            ///< their spot, m (≥ 0; the crowd's spawn_jitter_m)
    double step_s;          ///< replay resolution, s, in (0, 60]: when queues and stays are served
} gops_warm_start_def_t;

gops_warm_start_def_t gops_warm_start_def_default(void);

/// What the replay borrows from the crowd: the raster, and the distance field of every
/// demand destination (by destination index; a field without values is unreachable).
typedef struct gops_warm_start_env {
    const gops_map_t *map;
    const gops_walkable_t *walk;
    const gops_field_t *fields;
    uint16_t field_count; ///< at least the demand's destination count
} gops_warm_start_env_t;

typedef enum gops_warm_kind {
    GOPS_WARM_WALKING,   ///< on its way to `dest`
    GOPS_WARM_QUEUED,    ///< waiting outside a door of building destination `dest`
    GOPS_WARM_LINGERING, ///< lingering in area destination `dest` at spot (tx, ty)
} gops_warm_kind_t;

/// One visitor on foot at the start.
typedef struct gops_warm_ped {
    uint32_t visitor;
    float x, y;     ///< where it stands, m (a walkable cell)
    float tx, ty;   ///< LINGERING: the spot it stays at, m; otherwise (x, y)
    uint16_t dest;  ///< WALKING: gops_demand_next_stop; QUEUED, LINGERING: the place it is at
    uint8_t kind;   ///< gops_warm_kind_t
} gops_warm_ped_t;

typedef struct gops_warm_start {
    double from_s, to_s;    ///< replayed window, s after midnight (equal: nothing replayed)
    gops_warm_ped_t *peds;  ///< in visitor order
    uint32_t count;
    uint32_t walking, queued, lingering; ///< peds by kind
    uint32_t inside;        ///< in buildings at to_s
    uint32_t unplaced;      ///< on foot in the demand but with no walkable cell at their entry
                            ///< point (the crowd keeps such visitors off the street too)
    uint64_t walks;         ///< walks replayed
    double walk_s_sum;      ///< their replayed durations, s (mean walk = walk_s_sum / walks)
} gops_warm_start_t;

/// When the district opens by a profile: the start of its quietest slot (lowest share,
/// earliest on ties), s after midnight. Before it, the day's visitors are nearly all gone.
double gops_warm_start_opening(const gops_profile_t *profile);

/// Replays fresh demand `d` (no arrivals asked for yet) from the opening of the start's day
/// (midnight when start_s is before the opening; the first arrival of a gathering when that
/// is earlier) up to start_s (s after midnight, < 24 h):
/// arrivals, walks of field length at the speed above, stays, queues and
/// lingering. Afterwards d holds everyone who arrived before start_s, in the state of that
/// time; ask it for arrivals from start_s on. Placements and lingering spots are drawn from
/// a stream of `seed` of their own, in visitor and event order, so the result depends on
/// (demand, fields, seed) only. GOPS_BAD_VALUE for a bad definition, GOPS_NOMEM.
gops_status_t gops_warm_start_run(gops_demand_t *d, const gops_warm_start_env_t *env,
                                  const gops_warm_start_def_t *def, double start_s, uint64_t seed,
                                  gops_warm_start_t *out, gops_error_t *err);
void gops_warm_start_free(gops_warm_start_t *w);

#endif
