// SPDX-License-Identifier: MIT
// Room for newcomers: the bodies standing near the points where people appear this tick
// (doors, transit exits, lab spawn points), collected once, and the test whether one more
// body fits at a spot without overlapping any of them. Does not choose spots, draw random
// numbers or hold anyone back (crowd.c does), and does not know about walls or discs.
#ifndef GOPS_CROWD_ROOM_H
#define GOPS_CROWD_ROOM_H

#include "crowd/pedestrians.h"
#include "world/geometry.h"

#include <stdbool.h>
#include <stdint.h>

/// Two bodies overlap when their centres are closer than the sum of their radii less this,
/// m: lab spawns placed a hair more than two radii apart must still count as apart.
#define GOPS_ROOM_TOLERANCE_M 0.001f

typedef struct gops_room {
    float *x, *y, *r;    ///< bodies near the points: centre (m) and radius (m), copies
    uint32_t count, capacity;
    float max_r;         ///< m, the largest body radius in the set
    // Hash grid over the bodies (square cells of `cell` m, chained), so a test reads only
    // the cells within touching distance: thousands of newcomers in one tick stay cheap.
    float cell;          ///< m, set by gops_room_collect (0.5 m before)
    uint32_t *head;      ///< table_size chain heads (UINT32_MAX: empty)
    uint32_t *next;      ///< per body: the next body in its chain
    uint32_t table_size; ///< a power of two, at least twice the bodies
    gops_point_t *points; ///< the points asked about (scratch)
    uint32_t point_count, point_capacity;
    // Scratch of gops_room_collect: each point listed in the 3 x 3 cells (as wide as the
    // reach) around its own, so a pedestrian reads one chain.
    uint32_t *entry_point, *entry_next; ///< 9 per point
    uint32_t *point_head;               ///< point_table_size chain heads
    uint32_t entry_capacity, point_table_size;
    uint8_t *near;           ///< per pedestrian: near a point (scratch of gops_room_collect)
    uint32_t near_capacity;
} gops_room_t;

/// An empty set (no allocation until used).
void gops_room_init(gops_room_t *room);
void gops_room_free(gops_room_t *room);

/// Starts a tick: forgets the bodies and points of the last one.
void gops_room_clear(gops_room_t *room);
/// Adds a point (m) near which newcomers may appear this tick. false when out of memory.
bool gops_room_add_point(gops_room_t *room, gops_point_t p);
/// Copies every pedestrian that could touch a newcomer of radius at most `newcomer_r` (m)
/// standing within `reach` (m) of one of the points: centre closer than reach + its radius
/// + newcomer_r to a point. O(n + points), the scan over pedestrians on up to `threads`
/// threads (the set does not depend on how many); positions are copied, so removing
/// pedestrians afterwards does not disturb the set (it only stays conservative). false when
/// out of memory.
bool gops_room_collect(gops_room_t *room, const gops_pedestrians_t *peds, float reach, float newcomer_r,
                       int threads);
/// True when a body of radius r at (x, y) overlaps none of the bodies in the set (closer
/// than the sum of the radii less GOPS_ROOM_TOLERANCE_M). Reads the grid cells within
/// r + max_r only.
bool gops_room_fits(const gops_room_t *room, float x, float y, float r);
/// Adds a newcomer's body, so later ones this tick keep clear of it. false when out of memory.
bool gops_room_add_body(gops_room_t *room, float x, float y, float r);

#endif
