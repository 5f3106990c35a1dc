// SPDX-License-Identifier: MIT
// The lane network vehicles drive on, derived once from the district's road graph: both
// directions of every edge as arcs (the one against a one-way road closed by rule, so that
// scenarios can reverse or open it), motor lanes with turn permissions, a non-motor lane per
// arc, turn movements classified by angle, stop lines, junction priority, pedestrian
// crossings and polyline geometry. It never changes after building; closures, signal
// states and vehicles live elsewhere (traffic_internal.h).
#ifndef GOPS_TRAFFIC_NETWORK_H
#define GOPS_TRAFFIC_NETWORK_H

#include "gridops/status.h"
#include "world/district.h"

#include <stdbool.h>
#include <stdint.h>

#define GOPS_TNET_NONE UINT32_MAX
/// Motor lanes per arc at most (the map allows 16 per direction).
#define GOPS_TNET_MAX_LANES 16
/// Approaches of one signalised junction at most (bits of a phase's approach mask).
#define GOPS_TNET_MAX_APPROACHES 32

/// Movements at the end of an arc, classified by the angle between the arriving and the
/// leaving direction: through within ±35°, otherwise left (counter-clockwise) or right;
/// reversal onto the same edge is a U-turn.
typedef enum gops_turn_kind {
    GOPS_TURN_THROUGH,
    GOPS_TURN_RIGHT,
    GOPS_TURN_LEFT,
    GOPS_TURN_UTURN,
    GOPS_TURN_KIND_COUNT
} gops_turn_kind_t;

/// How vehicles at the end of an arc may enter the junction.
typedef enum gops_arc_control {
    GOPS_ARC_FREE,       ///< no control: a plain node, a major road, or the roundabout ring
    GOPS_ARC_SIGNAL,     ///< a signal head (signals.c)
    GOPS_ARC_YIELD,      ///< minor road at a priority or yield junction: gap acceptance
    GOPS_ARC_ROUNDABOUT, ///< entry to a roundabout: yield to the ring
    GOPS_ARC_CONTROL_COUNT
} gops_arc_control_t;

typedef enum gops_lane_kind { GOPS_LANE_GENERAL, GOPS_LANE_BUS, GOPS_LANE_NONMOTOR } gops_lane_kind_t;

typedef struct gops_tnet_lane {
    uint32_t arc;
    uint8_t index;   ///< 0 = kerb (rightmost) motor lane; the non-motor lane comes after the motor lanes
    uint8_t kind;    ///< gops_lane_kind_t
    uint8_t allow;   ///< bit per gops_turn_kind_t: movements allowed from this lane at the arc's end
    float offset_m;  ///< m, lateral offset of the lane centre to the right of the road's centre line
} gops_tnet_lane_t;

typedef struct gops_tnet_turn {
    uint32_t from_arc, to_arc;
    uint8_t kind; ///< gops_turn_kind_t
} gops_tnet_turn_t;

typedef struct gops_tnet_arc {
    uint32_t edge;          ///< road graph edge
    uint32_t road;          ///< map feature index of the road
    uint32_t from, to;      ///< road graph nodes in the direction of travel
    uint32_t reverse;       ///< the arc along the same edge the other way
    bool backward;          ///< against the road's line direction
    bool in_map;            ///< the map lets traffic use it (false: against a one-way road)
    bool ring;              ///< part of a roundabout ring
    uint8_t road_class;     ///< gops_road_class_t
    uint8_t lanes;          ///< motor lanes
    uint8_t first_general;  ///< 1 when lane 0 is a bus lane, else 0
    bool nonmotor;          ///< a marked non-motor lane (else e-bikes ride the road's edge)
    uint8_t control;        ///< gops_arc_control_t at the `to` end
    uint8_t allow_any;      ///< union of the lanes' allow bits
    uint32_t first_lane;    ///< motor lanes first_lane .. first_lane+lanes-1, then the non-motor lane
    float length;           ///< m
    float speed;            ///< m/s, the road's limit
    float free_time;        ///< s, length / speed
    float stop_pos;         ///< m from the start: the stop line before the `to` junction
    uint32_t first_turn, turn_count; ///< turns leaving this arc, in net->turns
    uint32_t first_pred, pred_count; ///< turns entering this arc: indices in net->pred_turns
    uint32_t first_pt, pt_count;     ///< polyline in net->pts / net->cum
    uint32_t crossing_end;  ///< pedestrian crossing on this leg at `to`, or NONE
    uint32_t crossing_start; ///< pedestrian crossing on this leg at `from`, or NONE
    uint32_t approach;      ///< index of this arc among its `to` node's in-arcs (phase masks)
} gops_tnet_arc_t;

typedef struct gops_tnet_node {
    gops_point_t at;        ///< m
    uint8_t control;        ///< gops_junction_control_t from the road graph
    bool junction;          ///< three or more edges meet (stop lines, crossings)
    bool gateway;           ///< vehicles enter and leave the map here
    float reach_m;          ///< m, half-size of the junction box (widest half-carriageway + non-motor lane)
    uint32_t first_in, in_count;   ///< arcs into the node in net->node_arcs (ascending)
    uint32_t first_out, out_count; ///< arcs out of the node in net->node_arcs (ascending)
    uint32_t major_road;    ///< priority junctions: feature index of the major road, else NONE
} gops_tnet_node_t;

/// A pedestrian crossing across one leg of a junction, a short way out from the box.
typedef struct gops_tnet_crossing {
    uint32_t node, edge;
    gops_point_t at;        ///< m, centre of the crossing on the carriageway
    gops_point_t across;    ///< unit vector along the crossing (across the road)
    float length_m;         ///< m, kerb to kerb including non-motor lanes
    float s_out;            ///< m, position of its centre along arc_out (len − s_out along arc_in)
    bool signalised;        ///< at a signal-controlled junction
    uint32_t arc_in;        ///< the leg's arc into the node (may be closed by rule)
    uint32_t arc_out;       ///< the leg's arc out of the node
    /// The approach whose red gives pedestrians their walk: the leg's own arc in, or, for a
    /// leg leaving a one-way junction, the in-arc feeding it straight on.
    uint32_t walk_ref;
} gops_tnet_crossing_t;

typedef struct gops_tnet {
    const gops_district_t *district;
    gops_tnet_node_t *nodes;
    uint32_t node_count;
    uint32_t *node_arcs;    ///< in-arc and out-arc lists of the nodes
    gops_tnet_arc_t *arcs;  ///< arc 2e is edge e along its line, 2e + 1 against it
    uint32_t arc_count;
    gops_tnet_lane_t *lanes;
    uint32_t lane_count;
    gops_tnet_turn_t *turns; ///< grouped by from_arc (ascending), then to_arc
    uint32_t turn_count;
    uint32_t *pred_turns;    ///< turn indices grouped by to_arc
    gops_tnet_crossing_t *crossings; ///< by node, then edge
    uint32_t crossing_count;
    gops_point_t *pts;       ///< arc polylines
    double *cum;             ///< m, distance along the arc at each polyline point
    uint32_t pt_count;
} gops_tnet_t;

/// Builds the network from a district's road graph. GOPS_NOMEM when memory runs out;
/// GOPS_MAP when an arc would have more lanes than GOPS_TNET_MAX_LANES.
gops_tnet_t *gops_tnet_build(const gops_district_t *district, gops_error_t *err);
void gops_tnet_destroy(gops_tnet_t *net);

/// Lane id of motor lane k (0 = kerb) of an arc, and of its non-motor lane.
static inline uint32_t gops_tnet_lane(const gops_tnet_t *net, uint32_t arc, uint32_t k)
{
    return net->arcs[arc].first_lane + k;
}
static inline uint32_t gops_tnet_nonmotor_lane(const gops_tnet_t *net, uint32_t arc)
{
    return net->arcs[arc].first_lane + net->arcs[arc].lanes;
}
/// True when `kind` may leave from motor lane k of the arc. A movement no lane is marked for
/// (e.g. into an arc opened later by a scenario) is allowed from every lane.
static inline bool gops_tnet_lane_allows(const gops_tnet_t *net, uint32_t arc, uint32_t k, gops_turn_kind_t kind)
{
    const gops_tnet_arc_t *a = &net->arcs[arc];
    uint8_t bit = (uint8_t)(1u << kind);
    return (net->lanes[a->first_lane + k].allow & bit) || !(a->allow_any & bit);
}

/// Point (m) and unit heading at distance s along the arc, shifted `lateral` m to the right
/// of the road's centre line.
void gops_tnet_pose(const gops_tnet_t *net, uint32_t arc, double s, double lateral, gops_point_t *at,
                    gops_point_t *heading);
/// The edge nearest to p (among those with an arc in the map) within max_m: writes the
/// position along the edge's forward arc (m), the distance (m) and whether p lies to the
/// right of the forward direction. Returns the edge or GOPS_TNET_NONE.
uint32_t gops_tnet_nearest_edge(const gops_tnet_t *net, gops_point_t p, double max_m, double *s_forward,
                                double *dist_m, bool *right_of_forward);
/// Unit direction of travel at the start and at the end of an arc.
gops_point_t gops_tnet_start_dir(const gops_tnet_t *net, uint32_t arc);
gops_point_t gops_tnet_end_dir(const gops_tnet_t *net, uint32_t arc);
/// The turn from arc `from` to arc `to`, or GOPS_TNET_NONE.
uint32_t gops_tnet_find_turn(const gops_tnet_t *net, uint32_t from, uint32_t to);
/// "through", "right", "left", "uturn".
const char *gops_turn_kind_name(gops_turn_kind_t kind);

#endif
