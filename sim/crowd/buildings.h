// SPDX-License-Identifier: MIT
// Buildings as counted sinks: occupants per building against its capacity, stay times,
// FIFO entry queues per entrance (with patience), entry metering (persons/minute per
// building or entrance) and closures; each step releases the visitors whose stay ended.
// Visitors inside are counted, never stepped. Does not move anyone or choose destinations.
#ifndef GOPS_CROWD_BUILDINGS_H
#define GOPS_CROWD_BUILDINGS_H

#include "core/rng.h"
#include "gridops/status.h"
#include "world/map.h"

#include <stdbool.h>
#include <stdint.h>

/// Stay-time distributions per building category: lognormal, ln(stay) ~ N(ln median, σ²),
/// so the mean is median · exp(σ²/2). Defaults and sources in buildings.c.
typedef struct gops_buildings_params {
    double dwell_median_s[GOPS_BUILDING_CATEGORY_COUNT]; ///< s, > 0
    double dwell_sigma[GOPS_BUILDING_CATEGORY_COUNT];    ///< ≥ 0 (0: every stay is the median)
} gops_buildings_params_t;

/// Defaults (assumptions): mall median 60 min, σ 0.5 (mean 68 min); other 30 min, σ 0.6;
/// office 30 min, residential 60 min, transit 15 min, σ 0.6.
gops_buildings_params_t gops_buildings_params_default(void);
/// GOPS_BAD_VALUE naming the first bad field.
gops_status_t gops_buildings_params_validate(const gops_buildings_params_t *p, gops_error_t *err);

/// Stays are clamped to this range (s): a guard against absurd draws, far in the tails of
/// the defaults (it moves a default mean by less than 0.1 %).
#define GOPS_DWELL_MIN_S 30.0
#define GOPS_DWELL_MAX_S 43200.0

typedef enum gops_entry_result {
    GOPS_ENTRY_ADMITTED,         ///< inside now, until the returned time
    GOPS_ENTRY_QUEUED,           ///< waiting outside the entrance (an event follows)
    GOPS_ENTRY_ENTRANCE_CLOSED,  ///< this entrance is closed; the building has another open one
    GOPS_ENTRY_CLOSED,           ///< the building is closed, or every entrance is
} gops_entry_result_t;

typedef enum gops_building_event_kind {
    GOPS_BUILDING_RELEASED,    ///< stay ended: the visitor comes out (t = end of stay)
    GOPS_BUILDING_ADMITTED,    ///< a queued visitor went in (until = end of stay)
    GOPS_BUILDING_GAVE_UP,     ///< a queued visitor's patience ran out (t = when it did)
    GOPS_BUILDING_TURNED_AWAY, ///< a queued visitor's entrance or building closed
} gops_building_event_kind_t;

typedef struct gops_building_event {
    gops_building_event_kind_t kind;
    uint32_t visitor;   ///< the caller's visitor id
    uint32_t building;  ///< building index (ordinal among the map's buildings)
    uint32_t entrance;  ///< entrance index: the one used to go in, or queued at
    double t_s;         ///< s: when it happened (≤ the step's time)
    double until_s;     ///< s: ADMITTED only, end of the stay
} gops_building_event_t;

/// A growable list of events; cleared by the caller.
typedef struct gops_building_events {
    gops_building_event_t *items;
    uint32_t count, capacity;
} gops_building_events_t;

void gops_building_events_free(gops_building_events_t *ev);

typedef struct gops_buildings gops_buildings_t;

/// One record per building feature (index = ordinal among buildings, in feature order) and
/// per entrance feature (ordinal among entrances). Capacity comes from the map; all open,
/// none metered. GOPS_BAD_VALUE for bad parameters, GOPS_NOMEM.
gops_buildings_t *gops_buildings_create(const gops_map_t *map, const gops_buildings_params_t *params,
                                       gops_error_t *err);
void gops_buildings_destroy(gops_buildings_t *b);

uint32_t gops_buildings_count(const gops_buildings_t *b);
uint32_t gops_buildings_entrance_count(const gops_buildings_t *b);
/// Feature index of building i / entrance e.
uint32_t gops_buildings_feature(const gops_buildings_t *b, uint32_t i);
uint32_t gops_buildings_entrance_feature(const gops_buildings_t *b, uint32_t e);
/// Building index of a building feature, or -1.
int32_t gops_buildings_index_of(const gops_buildings_t *b, uint32_t feature);
/// Entrance index of an entrance feature, or -1.
int32_t gops_buildings_entrance_of(const gops_buildings_t *b, uint32_t feature);
/// The building an entrance belongs to.
uint32_t gops_buildings_entrance_building(const gops_buildings_t *b, uint32_t e);
/// Entrances of building i (indices, ascending); *count gets how many.
const uint32_t *gops_buildings_entrances(const gops_buildings_t *b, uint32_t i, uint32_t *count);

/// A stay drawn from building i's category distribution, s (clamped as above).
double gops_buildings_draw_dwell(const gops_buildings_t *b, uint32_t i, gops_rng_t *rng);

/// A visitor arrives at entrance e of building i at `now` (s), to stay `dwell_s` once in,
/// waiting at most `patience_s` in a queue. Admitted at once when the building and entrance
/// are open, a place is free (occupancy + 1 ≤ capacity), the meters allow it and nobody is
/// queued ahead (at this entrance, or at another open entrance whose meter is ready);
/// otherwise queued. *until_s gets the end of the stay when admitted. GOPS_NOMEM.
gops_status_t gops_buildings_request(gops_buildings_t *b, uint32_t i, uint32_t e, uint32_t visitor, double now_s,
                                     double dwell_s, double patience_s, gops_entry_result_t *result,
                                     double *until_s, gops_error_t *err);

/// Advances to `now` (s, not before the previous step) and appends what happened to `out`,
/// in this order: releases (stays ended by now, in order of end time, then visitor),
/// turn-aways (queued at a closed entrance or building), give-ups (patience ended by now),
/// admissions from the queues (building by building; within a building the longest-waiting
/// queue head first). Metering is exact over any step length: admissions are spaced by
/// 1/rate on a virtual clock and never bank idle time beyond the previous step. GOPS_NOMEM.
gops_status_t gops_buildings_step(gops_buildings_t *b, double now_s, gops_building_events_t *out, gops_error_t *err);

/// Everyone inside building i comes out at the next step (stays end at `now`).
void gops_buildings_evacuate(gops_buildings_t *b, uint32_t i, double now_s);

/// Open or close a building / an entrance to entry. Closing does not put anyone out: those
/// inside leave when their stay ends (see gops_buildings_evacuate); those queued there are
/// turned away at the next step.
void gops_buildings_set_open(gops_buildings_t *b, uint32_t i, bool open);
void gops_buildings_set_entrance_open(gops_buildings_t *b, uint32_t e, bool open);
/// Entry metering, persons/minute (0 = none); GOPS_BAD_VALUE unless finite and ≥ 0.
gops_status_t gops_buildings_set_meter(gops_buildings_t *b, uint32_t i, double per_min, gops_error_t *err);
gops_status_t gops_buildings_set_entrance_meter(gops_buildings_t *b, uint32_t e, double per_min, gops_error_t *err);
/// Capacity, persons (finite, ≥ 0); lowering it below the occupancy puts nobody out.
gops_status_t gops_buildings_set_capacity(gops_buildings_t *b, uint32_t i, double persons, gops_error_t *err);

bool gops_buildings_is_open(const gops_buildings_t *b, uint32_t i);
bool gops_buildings_entrance_is_open(const gops_buildings_t *b, uint32_t e);
/// Open for entry through at least one open entrance.
bool gops_buildings_enterable(const gops_buildings_t *b, uint32_t i);
double gops_buildings_capacity(const gops_buildings_t *b, uint32_t i);
uint32_t gops_buildings_occupancy(const gops_buildings_t *b, uint32_t i);
/// Persons inside all buildings.
uint32_t gops_buildings_inside_total(const gops_buildings_t *b);
/// Persons queued outside building i (all entrances) / at entrance e / everywhere.
uint32_t gops_buildings_queued(const gops_buildings_t *b, uint32_t i);
uint32_t gops_buildings_entrance_queued(const gops_buildings_t *b, uint32_t e);
uint32_t gops_buildings_queued_total(const gops_buildings_t *b);
/// Entries into building i since creation.
uint64_t gops_buildings_admitted(const gops_buildings_t *b, uint32_t i);

/// The entrance to leave building i by, heading for `toward` (m): the open entrance nearest
/// to it (lowest index on ties); when every entrance is closed, the nearest of all (nobody
/// is kept in).
uint32_t gops_buildings_exit_entrance(const gops_buildings_t *b, uint32_t i, gops_point_t toward);

#endif
