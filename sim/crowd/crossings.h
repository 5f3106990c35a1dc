// SPDX-License-Identifier: MIT
// Pedestrians at the traffic model's crossings: the crowd's side of the coupling. Before
// each walk step it holds pedestrians at the kerb (or, inside a junction's box, at the edge
// of the leg they are on) of a signalised crossing that shows don't walk (a share of them
// cross on red after waiting, by a waiting-time rule); after the step
// it tells the traffic model how many pedestrians stand on each half of each crossing (so
// vehicles yield to them) and who finished crossing, and how many of them started on red.
// It does not move anyone (walk.c does), route anyone, or decide what vehicles do.
#ifndef GOPS_CROWD_CROSSINGS_H
#define GOPS_CROWD_CROSSINGS_H

#include "crowd/pedestrians.h"
#include "gridops/gridops.h"

#include <stdint.h>

/// The waiting rule (TRAFFIC.md, as the traffic model's stand-in pedestrians): half of the
/// pedestrians always wait for walk; the others each have a tolerance drawn from a Weibull
/// distribution (scale 45 s, shape 1.5: a hazard rising with the wait, median 35 s) and
/// cross on red once they have waited that long and no vehicle is about to reach the
/// crossing. Unsignalised crossings (zebras) never hold anyone: vehicles yield there.
#define GOPS_CROSSING_COMPLIANT_SHARE 0.5
#define GOPS_CROSSING_TOLERANCE_SCALE_S 45.0
#define GOPS_CROSSING_TOLERANCE_SHAPE 1.5

/// The waiting tolerance (s) of pedestrian `id` who begins to wait at crossing `crossing`
/// at tick `tick` in a run with this seed: INFINITY for a compliant pedestrian, else a
/// Weibull draw. A hash of the four, so no random stream is used and nothing depends on
/// the order pedestrians are visited in.
double gops_crowd_crossing_tolerance(uint64_t seed, uint32_t id, uint32_t crossing, uint64_t tick);

/// Counts since the coupling began (for tests and measures).
typedef struct gops_crowd_crossing_stats {
    uint64_t crossed;     ///< pedestrians who finished a crossing
    uint64_t on_red;      ///< ... who stepped onto it on don't walk
    uint64_t held_steps;  ///< pedestrian-steps held at a kerb
    uint64_t waits;       ///< waits begun at a kerb
    uint32_t on_now;      ///< pedestrians on crossings after the last step
    uint32_t waiting_now; ///< pedestrians held at kerbs in the last step
} gops_crowd_crossing_stats_t;

/// Before a walk step at time t_s (s since start; call after routing has set the desired
/// directions): when the world has traffic, binds to its crossings on first use (the
/// traffic model's stand-in pedestrians then stop) and holds pedestrians who are about to
/// step onto a crossing showing don't walk by zeroing their desired direction. Does nothing
/// without traffic. The coupling's state is a world subsystem ("crowd_crossings", created
/// on first use) so that it is hashed and freed with the world.
void gops_crowd_crossings_before_walk(gops_world_t *world, gops_pedestrians_t *peds, double t_s, double dt);
/// After the walk step (positions at t_s): pedestrians on each half of each crossing to the
/// traffic model, and the crossings finished (with those begun on red).
void gops_crowd_crossings_after_walk(gops_world_t *world, const gops_pedestrians_t *peds, double t_s);
/// Counts of the coupling, or false when it has not begun (no traffic).
bool gops_crowd_crossings_stats(const gops_world_t *world, gops_crowd_crossing_stats_t *out);

/// Name of the coupling's subsystem.
#define GOPS_CROWD_CROSSINGS_SUBSYSTEM "crowd_crossings"
/// Begins the coupling now (as the first walk step would), for a checkpointed run being
/// restored; false without traffic or memory.
bool gops_crowd_crossings_attach(gops_world_t *world);

#endif
