// SPDX-License-Identifier: MIT
// Pedestrians on the street as a structure of arrays: position, velocity, desired direction,
// free speed, radius and routing state. Index order is the canonical order (state hash,
// outputs); removal swaps the last pedestrian into the hole, so order stays deterministic.
// Owns storage only; walking (walk.c), routing and demand act on it.
#ifndef GOPS_CROWD_PEDESTRIANS_H
#define GOPS_CROWD_PEDESTRIANS_H

#include "core/hash.h"

#include <stdbool.h>
#include <stdint.h>

/// Free-speed groups after RiMEA test 7 (bands in m/s): under 30 0.58–1.61, 30–50
/// 1.41–1.54, over 50 0.68–1.41, impaired 0.46–0.76.
typedef enum gops_speed_group {
    GOPS_SPEED_UNDER_30,
    GOPS_SPEED_30_TO_50,
    GOPS_SPEED_OVER_50,
    GOPS_SPEED_IMPAIRED,
    GOPS_SPEED_GROUP_COUNT
} gops_speed_group_t;

#define GOPS_NO_DEST UINT16_MAX
/// Steps between one pedestrian's looks ahead for oncoming walkers (walk.c, keep right
/// early): half a second at 0.1 s, a reaction time; staggered by id.
#define GOPS_LOOK_AHEAD_EVERY 5u

typedef struct gops_pedestrians {
    uint32_t count, capacity;
    float *x, *y;        ///< position, m
    float *vx, *vy;      ///< velocity of the last step, m/s
    float *ex, *ey;      ///< desired direction (unit vector), set by routing before walking
    float *v0;           ///< free speed, m/s
    float *radius;       ///< body radius, m
    uint32_t *id;        ///< stable id, unique over the run (for trajectories and inspection)
    uint32_t *visitor;   ///< the visitor record this pedestrian belongs to (demand.c), or UINT32_MAX
    uint16_t *dest;      ///< destination (field) index, GOPS_NO_DEST when none
    uint8_t *group;      ///< gops_speed_group_t
    float *wait;         ///< seconds spent nearly stopped (patience, congestion-aware choice)
    uint8_t *oncoming;   ///< oncoming walkers seen in one's path at the last look ahead (walk.c)
    uint8_t *look_in;    ///< steps until the next look ahead (< GOPS_LOOK_AHEAD_EVERY)
    uint8_t *queueing;   ///< 1: right behind someone waiting its turn, so waits its turn too
                         ///< (walk.c, the queue gap)
    uint32_t next_id;
} gops_pedestrians_t;

void gops_pedestrians_init(gops_pedestrians_t *p);
void gops_pedestrians_free(gops_pedestrians_t *p);
/// Appends one pedestrian at (x, y) with zero velocity; returns its index, or UINT32_MAX when
/// memory runs out. Fields not given are zero / GOPS_NO_DEST; the id is next_id++.
uint32_t gops_pedestrians_add(gops_pedestrians_t *p, float x, float y, float v0, float radius, uint8_t group);
/// Removes index i by moving the last pedestrian into it.
void gops_pedestrians_remove(gops_pedestrians_t *p, uint32_t i);
/// Feeds all state into the hash in index order.
void gops_pedestrians_hash(const gops_pedestrians_t *p, gops_hash_t *hash);

#endif
