// SPDX-License-Identifier: MIT
// Fixed disc obstacles in the walk (vendor stalls, carts): a bucket index rebuilt only when
// the owner's version changes, the steering that takes pedestrians around a disc ahead, and
// the hard rule that no step ends in or crosses a disc. Does not own the discs' meaning
// (vendors publish them) and does not change distance fields (discs are too small and move
// too often to reroute the district for them).
#ifndef GOPS_CROWD_OBSTACLES_H
#define GOPS_CROWD_OBSTACLES_H

#include "gridops/status.h"
#include "world/disc.h"

#include <stdbool.h>
#include <stdint.h>

/// A pedestrian starts to swerve when the disc, grown by its body radius and the clearance,
/// lies within this distance ahead on its way, m.
#define GOPS_OBSTACLE_LOOKAHEAD_M 3.0f
/// Passing distance kept between a body and a disc while swerving, m.
#define GOPS_OBSTACLE_CLEARANCE_M 0.1f
/// Width a side of a disc must leave to a wall to count as a way past: two walking lanes
/// of 0.75 m (single file, in pedestrian planning since Fruin), one each way, m.
#define GOPS_OBSTACLE_WAY_M 1.5f
/// Largest body radius the index reaches for, m (bodies are < 1 m: gops_crowd_spawn).
#define GOPS_OBSTACLE_MAX_BODY_M 1.0f

typedef struct gops_obstacles {
    uint32_t count;
    float *x, *y, *r;       ///< centres and radii, m (structure of arrays)
    uint64_t version;       ///< the version of the last set
    bool ever_set;
    // Buckets over [min_x, min_x + nx·bucket) × [min_y, ...): each lists the discs that can
    // matter to a pedestrian standing in it (the disc grown by lookahead, body and clearance
    // overlaps the bucket), so a query reads one bucket.
    double min_x, min_y;
    float bucket_m;
    int32_t nx, ny;
    uint32_t *start;        ///< nx·ny + 1 offsets into items
    uint32_t *items;        ///< disc indices, ascending within a bucket
    uint32_t item_count, item_capacity;
    uint64_t rebuilds;      ///< times the index was rebuilt
} gops_obstacles_t;

/// An empty set over the rectangle [min, max] (m), with buckets of bucket_m (> 0).
void gops_obstacles_init(gops_obstacles_t *o, double min_x, double min_y, double max_x, double max_y, float bucket_m);
void gops_obstacles_free(gops_obstacles_t *o);

/// Replaces the discs when `version` differs from the last set's (or on the first call);
/// the same version again costs nothing. Discs need a finite centre and 0 < r <= 50 m.
/// *changed (may be NULL) tells whether the set was rebuilt. GOPS_BAD_VALUE names the first
/// bad disc (the old set stays); GOPS_NOMEM.
gops_status_t gops_obstacles_set(gops_obstacles_t *o, const gops_disc_t *discs, uint32_t n, uint64_t version,
                                 bool *changed, gops_error_t *err);

/// Whether a disc of `radius` fits at (x, y) as far as the ground goes (walls, buildings):
/// how the walking model tells the steering which side of a disc is open.
typedef bool (*gops_obstacle_room_fn)(const void *user, float x, float y, float radius);

/// Steering: when the way ahead along the unit direction (*ex, *ey) from (x, y) meets the
/// nearest disc grown by `radius` + clearance within the lookahead, the direction turns to
/// the tangent of that grown disc, passing it on the side the pedestrian already leans to
/// (on the right when dead ahead) unless `room` (may be NULL) says a way past
/// (GOPS_OBSTACLE_WAY_M wide) does not fit beside the disc on that side and does on the
/// other: then on the other side.
/// Inside the grown disc, the tangent itself. Otherwise the direction is left as it is.
/// Deterministic: ties go to the lower disc index.
void gops_obstacles_steer(const gops_obstacles_t *o, float x, float y, float radius, float *ex, float *ey,
                          gops_obstacle_room_fn room, const void *user);

/// The hard rule: true when the straight move from (x0, y0) to (x1, y1) stays outside
/// every disc (a start inside a disc may only move away from its centre).
bool gops_obstacles_move_ok(const gops_obstacles_t *o, double x0, double y0, double x1, double y1);

/// True when some disc can matter to a pedestrian at (x, y) (its bucket lists one): cheap.
bool gops_obstacles_near(const gops_obstacles_t *o, double x, double y);
/// True when (x, y) lies strictly inside a disc.
bool gops_obstacles_inside(const gops_obstacles_t *o, double x, double y);

#endif
