// SPDX-License-Identifier: MIT
// Event crowds (a countdown, a concert, a summit): the definition of a gathering — how many
// people come to which place, over which window, until when they stay — and the rules that
// turn it into attendees: exact arrival times, streams, the leave time. Demand (demand.c)
// draws the attendees' other attributes and runs their lifecycle; the crowd walks them.
#ifndef GOPS_CROWD_GATHERING_H
#define GOPS_CROWD_GATHERING_H

#include "crowd/destinations.h"
#include "gridops/status.h"
#include "world/map.h"

#include <stdint.h>

#define GOPS_GATHERINGS_MAX 16          ///< gatherings per run, at most
#define GOPS_GATHERING_PEOPLE_MAX 1000000 ///< attendees of one gathering, at most

/// How arrivals spread over [from, to).
typedef enum gops_gathering_arrival {
    GOPS_GATHERING_UNIFORM, ///< a constant rate: people / (to - from)
    GOPS_GATHERING_RAMP,    ///< a rate rising linearly from 0 at `from` to twice the mean at `to`
                            ///< (a crowd building up to a countdown or a start)
    GOPS_GATHERING_ARRIVAL_COUNT
} gops_gathering_arrival_t;

/// "uniform", "ramp"; "?" when out of range.
const char *gops_gathering_arrival_name(gops_gathering_arrival_t a);
/// -1 for an unknown or NULL name.
int gops_gathering_arrival_from_name(const char *name);

/// One gathering. Times are s after midnight of the run's start day (day 0 of the demand),
/// so a window past midnight has times above 86,400.
typedef struct gops_gathering_def {
    char name[64];         ///< for queries and messages; unique within a run
    char place[64];        ///< a plaza, pedestrian street or vendor point by id, name or English name
    uint32_t people;       ///< attendees, exactly (1..GOPS_GATHERING_PEOPLE_MAX)
    double from_s, to_s;   ///< arrivals at the transit points in [from, to), s; 0 ≤ from < to ≤ from + 24 h
    double stay_until_s;   ///< s; ≥ to and ≤ from + 48 h: attendees at the place stay until their leave
                           ///< time stay_until + U(0, leave_spread)
    double leave_spread_s; ///< s, 0..12 h (default 15 min)
    gops_gathering_arrival_t arrival;
    char where[128];       ///< "file:line: " of the declaration, prefixed to messages ("" when none)
} gops_gathering_def_t;

/// Defaults: no name or place, 0 people (to be set), a uniform arrival, a 15-minute spread.
gops_gathering_def_t gops_gathering_def_default(void);
/// GOPS_BAD_VALUE naming the gathering, the field, what was found and what was expected.
gops_status_t gops_gathering_def_validate(const gops_gathering_def_t *g, gops_error_t *err);

/// The place a gathering names, among the demand's destinations: matched by the table's label
/// or the feature's id, name or English name. GOPS_DEST_NONE when nothing matches;
/// *building_or_exit (may be NULL) says whether a match was found but is not an area (a
/// building or an exit cannot hold a gathering).
uint16_t gops_gathering_find_place(const gops_destinations_t *t, const gops_map_t *map, const char *name,
                                   bool *building_or_exit);

/// Attendee j's (0 ≤ j < people) arrival time, s, from u ∈ [0, 1): stratified sampling,
/// the inverse of the arrival shape's distribution at (j + u) / people. Attendee j arrives
/// within its own stratum, so times rise with j and exactly `people` fall in [from, to).
double gops_gathering_arrival_time(const gops_gathering_def_t *g, uint32_t j, double u);
/// Attendees [*first, *end) whose strata may meet [t0, t1) (s): a superset of those who arrive
/// in it; the caller keeps the ones whose arrival time falls inside.
void gops_gathering_candidates(const gops_gathering_def_t *g, double t0_s, double t1_s, uint32_t *first,
                               uint32_t *end);
/// Seed of attendee j of gathering `index` in a run of `seed`: its arrival draw and its
/// attributes come from this stream, so an attendee does not depend on anyone else.
uint64_t gops_gathering_attendee_seed(uint64_t seed, uint32_t index, uint32_t j);
/// When an attendee whose visitor key is `key` leaves its place: stay_until plus a uniform
/// share of the spread fixed by the key (no draw consumed), s.
double gops_gathering_leave_time(const gops_gathering_def_t *g, uint64_t key);

#endif
