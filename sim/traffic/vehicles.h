// SPDX-License-Identifier: MIT
// Vehicles as a structure of arrays: lane position and speed, class, trip leg (destination,
// what to do there), dwelling and timers. Index order is the canonical order (state hash,
// outputs); removal moves the last vehicle into the hole, so the order stays deterministic.
// Owns storage only; movement.c moves them, demand.c and friends create and end trips.
#ifndef GOPS_TRAFFIC_VEHICLES_H
#define GOPS_TRAFFIC_VEHICLES_H

#include "core/hash.h"

#include <stdbool.h>
#include <stdint.h>

/// What a vehicle does when it reaches its destination.
typedef enum gops_purpose {
    GOPS_PURPOSE_WANDER,     ///< no destination: turns at random, never leaves
    GOPS_PURPOSE_EXIT,       ///< leaves the map at a gateway
    GOPS_PURPOSE_GARAGE,     ///< parks in a garage (cruises on when it is full)
    GOPS_PURPOSE_DROPOFF,    ///< taxi: stops at the kerb to set down, then leaves
    GOPS_PURPOSE_PICKUP,     ///< taxi: stops at the kerb to pick up, then leaves
    GOPS_PURPOSE_BUS_STOP,   ///< bus: dwells at its next stop
    GOPS_PURPOSE_DELIVERY,   ///< van: loads at the kerb (double-parks or uses a bay)
    GOPS_PURPOSE_ERRAND,     ///< car: a short stop at a mall (may double-park)
    GOPS_PURPOSE_EBIKE_PARK, ///< e-bike: parks at its destination (maybe on the sidewalk)
    GOPS_PURPOSE_COUNT
} gops_purpose_t;

typedef enum gops_vstate {
    GOPS_VSTATE_DRIVE,       ///< moving (or queueing)
    GOPS_VSTATE_DWELL,       ///< stopped in its lane on purpose: at a stop, double-parked
} gops_vstate_t;

/// Why a vehicle dwells (for counts and enforcement).
typedef enum gops_dwell_kind {
    GOPS_DWELL_NONE,
    GOPS_DWELL_STOP,         ///< bus at a stop, taxi setting down or picking up
    GOPS_DWELL_DOUBLE_PARK,  ///< illegally stopped in a traffic lane
} gops_dwell_kind_t;

typedef struct gops_vehicles {
    uint32_t count, capacity;
    uint32_t *id;        ///< stable id, unique over the run (0 is never used)
    uint8_t *cls;        ///< gops_vclass_t
    uint8_t *state;      ///< gops_vstate_t
    uint8_t *purpose;    ///< gops_purpose_t on reaching `dest`
    uint8_t *dwell_kind; ///< gops_dwell_kind_t while dwelling
    uint32_t *lane;      ///< lane id (network.h)
    float *s;            ///< m, front bumper along the arc from its start
    float *v;            ///< m/s, ≥ 0
    float *acc;          ///< m/s², last acceleration
    float *vfac;         ///< desired speed as a share of the limit (driver's own)
    float *stop_s;       ///< m on the current arc where the leg ends; < 0 when not on its last arc
    float *dwell;        ///< s left dwelling
    float *wait;         ///< s standing at the head of a lane (stuck detection)
    float *lc_timer;     ///< s until the next lane change is allowed
    uint16_t *dest;      ///< routing destination (routing.h); UINT16_MAX when wandering
    uint32_t *next_arc;  ///< arc to take at the end of the current one, or GOPS_TNET_NONE
    uint32_t *place;     ///< place the leg ends at (places.h), or UINT32_MAX
    uint32_t *aux;       ///< bus: line << 16 | index of the next stop; car: garages tried
    double *t_start;     ///< s (traffic time), start of the trip
    double *t_arc;       ///< s, when it entered the current arc
    uint32_t next_id;
} gops_vehicles_t;

void gops_vehicles_init(gops_vehicles_t *v);
void gops_vehicles_free(gops_vehicles_t *v);
/// Appends a zeroed vehicle with the next id; returns its index or UINT32_MAX (out of memory).
uint32_t gops_vehicles_add(gops_vehicles_t *v);
/// Removes index i by moving the last vehicle into it.
void gops_vehicles_remove(gops_vehicles_t *v, uint32_t i);
/// Index of the vehicle with this id, or UINT32_MAX (linear search).
uint32_t gops_vehicles_find(const gops_vehicles_t *v, uint32_t id);
/// Feeds every field in index order into the hash.
void gops_vehicles_hash(const gops_vehicles_t *v, gops_hash_t *hash);

#endif
