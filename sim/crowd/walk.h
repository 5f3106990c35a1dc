// SPDX-License-Identifier: MIT
// The walking model: the collision-free speed model (Tordeux, Chraibi, Seyfried 2016; the
// default of JuPedSim). First order: each step, a pedestrian's direction is its desired
// direction bent by exponential repulsion from neighbours and walls, and its speed is
// min(v0, max(0, (s - l) / T)) from the free spacing s ahead. Never lets a pedestrian end a
// step inside a wall. Does not route (desired directions come in) or spawn.
#ifndef GOPS_CROWD_WALK_H
#define GOPS_CROWD_WALK_H

#include "core/grid.h"
#include "crowd/field.h"
#include "crowd/obstacles.h"
#include "crowd/pedestrians.h"
#include "world/walkable.h"

typedef struct gops_walk_params {
    float time_gap_s;          ///< T, s (> 0); speed = free spacing / T, capped at v0
    float neighbour_strength;  ///< a, repulsion strength between pedestrians (>= 0, dimensionless)
    float neighbour_range_m;   ///< D, repulsion range, m (> 0)
    float wall_strength;       ///< b, repulsion strength of walls (>= 0, dimensionless)
    float wall_range_m;        ///< D_w, wall repulsion range, m (> 0)
    float cutoff_m;            ///< neighbours considered within this distance, m; must be at
                               ///< least 2·radius + v0·T or fast walkers see no one ahead
    float wall_margin_m;       ///< hard constraint: a step may not end closer than this to a
                               ///< non-walkable cell (Chebyshev distance), m, in [0, cell/2]
    float default_radius_m;    ///< body radius spawners should give pedestrians, m (calibrated
                               ///< together with T; the model reads each pedestrian's radius)
    float lane_lookahead_m;    ///< how far ahead people watch their path for oncoming walkers and
                               ///< keep right (lanes, walk.c), m, 0 (off) to 20; not across a
                               ///< periodic seam
    float queue_gap_m;         ///< the gap people leave behind someone waiting its turn (held, or
                               ///< queueing behind such a one), m, 0 (off) to 1; see
                               ///< gops_walk_context_t.hold_tag
    float periodic_x;          ///< > 0: the world wraps in x with this period, m (lab corridors);
                               ///< the raster must reach cutoff_m beyond both ends of the period
    float periodic_min_x;      ///< left edge of the periodic interval, m
} gops_walk_params_t;

/// Documented defaults (sources and the calibration in walk.c).
gops_walk_params_t gops_walk_params_default(void);

/// Scratch and read-only inputs for stepping. Steps read neighbours from copies of the
/// positions sorted by grid cell, so each pedestrian reads the old state of everyone else
/// (Jacobi) while its own entry is overwritten in place.
typedef struct gops_walk_context {
    const gops_walkable_t *walk;
    const gops_field_t *wall_distance; ///< gops_field_wall_distance of walk; NULL: no wall
                                       ///< repulsion (the hard wall constraint still holds)
    const uint64_t *blocked_bits;      ///< cells closed to walking (closures, barriers) by cell id in
                                       ///< the layout of walk->bits; NULL: none. Whoever sets it
                                       ///< passes a wall_distance that counts them as walls
    const gops_obstacles_t *obstacles; ///< fixed discs walked around; NULL or empty: none
    const uint8_t *tags;               ///< a tag per pedestrian (by index), or NULL: see aside_tag
    uint8_t aside_tag;                 ///< someone standing whose tag is this steps aside for
                                       ///< walkers pressing on it (walk.c, step_aside)
    uint8_t hold_tag;                  ///< someone standing whose tag is this waits its turn (the
                                       ///< crowd holds walkers so at kerbs and metered doors): to
                                       ///< walkers behind it its body reaches queue_gap_m further
                                       ///< (walk.c, the queue gap)
    gops_grid_t grid;                  ///< neighbour grid over the raster's extent
    float *sorted_x, *sorted_y, *sorted_r; ///< scratch: position (m) and radius (m) in grid order
    float *sorted_ex, *sorted_ey;      ///< scratch: desired direction in grid order
    float *sorted_keep;                ///< scratch: queue gap each body counts in grid order, m
    uint32_t capacity;                 ///< entries of the scratch arrays
} gops_walk_context_t;

/// Checks the parameters against the raster (GOPS_BAD_VALUE names the parameter, its value
/// and the valid range) and sets up the neighbour grid (GOPS_NOMEM). The context keeps
/// pointers to walk and wall_distance, which must outlive it.
gops_status_t gops_walk_context_init(gops_walk_context_t *ctx, const gops_walkable_t *walk,
                                     const gops_field_t *wall_distance, const gops_walk_params_t *params,
                                     gops_error_t *err);
void gops_walk_context_free(gops_walk_context_t *ctx);

/// One step of dt seconds (0 < dt <= 1) for all pedestrians (Jacobi: everyone reads the old
/// state), on up to `threads` threads; results do not depend on the thread count. Writes
/// x, y (wrapped into the periodic interval when periodic_x > 0), vx, vy (the step's
/// displacement / dt, m/s) and wait (s: grows by dt while a pedestrian that wants to walk
/// moves slower than a fifth of its v0, reset to 0 when it walks), and oncoming and look_in
/// (the lanes rule's look ahead, while lane_lookahead_m > v0·T), and queueing (the queue
/// gap, with tags and queue_gap_m > 0). A pedestrian whose
/// desired direction is (0, 0) stands and keeps its wait (stepping aside for walkers when
/// tagged aside_tag). Besides the published
/// model, a step ends where the repulsion would turn the direction back (the small-step
/// limit; without it a 0.1 s step bounces people in contact back and forth at full speed).
/// Cells in blocked_bits hold like walls, except that a step starting on one may leave it.
/// Discs in `obstacles` bend the desired direction around them (gops_obstacles_steer) and
/// no step ends in or crosses one (gops_obstacles_move_ok).
/// GOPS_BAD_VALUE for a bad dt, GOPS_NOMEM when scratch cannot grow.
gops_status_t gops_walk_step(gops_walk_context_t *ctx, gops_pedestrians_t *peds, const gops_walk_params_t *params,
                             float dt, int threads, gops_error_t *err);

/// The order of the last step (pedestrian indices sorted by neighbour-grid cell, a
/// permutation of [0, *count)), for callers that visit pedestrians in space order for
/// cache locality; *count is 0 before the first step.
const uint32_t *gops_walk_order(const gops_walk_context_t *ctx, uint32_t *count);

/// The model's speed function: min(v0, max(0, spacing / T)) for a free gap `spacing` (m,
/// centre distance minus the sum of radii; INFINITY when nobody is ahead), in m/s.
float gops_walk_speed(float spacing_m, float v0, float time_gap_s);

/// True when the straight move from (x0, y0) to (x1, y1) (m) passes through walkable cells
/// only (the start cell excepted, so a pedestrian placed on a wall can leave it); a move
/// through a cell corner needs both cells beside the corner walkable.
bool gops_walk_path_clear(const gops_walkable_t *walk, double x0, double y0, double x1, double y1);

#endif
