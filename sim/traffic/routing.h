// SPDX-License-Identifier: MIT
// Travel-time routing without per-vehicle path search: for every destination (a gateway to
// leave by, or a place) a table of the expected time from entering each arc to arriving,
// by Dijkstra over arcs and turn movements backwards from the destination. Vehicles pick
// their next arc when they enter one, as the turn minimising turn penalty + table cost.
// Tables are refreshed from measured travel times every route interval, a few
// destinations per step (round robin), and all at once when the network changes.
// Ordering: the heap breaks cost ties by arc id, so tables never depend on visit order.
#ifndef GOPS_TRAFFIC_ROUTING_H
#define GOPS_TRAFFIC_ROUTING_H

#include "gridops/status.h"
#include "traffic/network.h"

#include <stdint.h>

#define GOPS_ROUTE_NONE UINT16_MAX
/// Turn penalties (s) added to travel times: through 0, right 2, left 6, U-turn 60.
#define GOPS_ROUTE_PENALTY_RIGHT_S 2.0f
#define GOPS_ROUTE_PENALTY_LEFT_S 6.0f
#define GOPS_ROUTE_PENALTY_UTURN_S 60.0f
/// Drivers see costs with up to this relative error (a fixed draw per driver and arc), so
/// near-equal routes share the traffic instead of all drivers taking the same one.
#define GOPS_ROUTE_PERCEPTION 0.1f

typedef struct gops_routing {
    uint32_t dest_count, arc_count;
    float *cost;        ///< s, [dest × arc_count + arc]: from entering the arc to arriving; INFINITY when unreachable
    uint32_t *tfirst;   ///< dest_count + 1 offsets into the target lists
    uint32_t *tarc;     ///< target arcs of each destination
    float *ts;          ///< m, where on the target arc the destination lies
    float *tt;          ///< s, travel time estimate per arc (set by the caller)
    uint8_t *usable;    ///< per arc: may be entered (set by the caller)
    uint32_t cursor;    ///< next destination of the round robin
    struct gops_route_heap { float c; uint32_t a; } *heap;
    uint32_t heap_cap;
} gops_routing_t;

/// Allocates tables for `dest_count` destinations whose targets are given as `target_count`
/// (arc, s) pairs grouped by destination (tfirst has dest_count + 1 entries). Travel times
/// start at free-flow times and every arc in the map is usable. GOPS_NOMEM only.
gops_status_t gops_routing_init(gops_routing_t *r, const gops_tnet_t *net, uint32_t dest_count, const uint32_t *tfirst,
                                const uint32_t *tarc, const float *ts, gops_error_t *err);
void gops_routing_free(gops_routing_t *r);
/// Recomputes destination d's table from the current tt and usable arrays.
void gops_routing_compute(gops_routing_t *r, const gops_tnet_t *net, uint32_t d);
/// Recomputes every table.
void gops_routing_compute_all(gops_routing_t *r, const gops_tnet_t *net);
/// Recomputes the next `count` tables of the round robin.
void gops_routing_compute_batch(gops_routing_t *r, const gops_tnet_t *net, uint32_t count);
/// Turn penalty (s) of a movement kind.
float gops_routing_penalty(gops_turn_kind_t kind);
/// True when arc a is a target of destination d; *s gets the position there.
bool gops_routing_is_target(const gops_routing_t *r, uint32_t d, uint32_t a, float *s);
/// Next arc for a driver (stable `driver` id) at the end of arc `from` heading for d: the
/// usable turn with the least penalty + cost, with the driver's perception error. Turns
/// whose kind `lane_allow` (bit per gops_turn_kind_t) excludes are skipped when lane_allow
/// is not 0. Returns GOPS_TNET_NONE when no usable turn reaches d.
uint32_t gops_routing_next(const gops_routing_t *r, const gops_tnet_t *net, uint32_t d, uint32_t from, uint32_t driver,
                           uint8_t lane_allow);
/// A usable next arc at random for a driver without destination (turning round only at
/// dead ends); `salt` varies the choice over time. GOPS_TNET_NONE when none.
uint32_t gops_routing_wander(const gops_routing_t *r, const gops_tnet_t *net, uint32_t from, uint32_t driver,
                             uint32_t salt);
/// Deterministic uniform [0, 1) from two integers (drivers' fixed draws).
float gops_routing_draw(uint32_t a, uint32_t b);

#endif
