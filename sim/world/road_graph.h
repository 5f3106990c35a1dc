// SPDX-License-Identifier: MIT
// The road graph derived from a map's `road` features: nodes where roads end or share a
// coordinate, edges between consecutive nodes of a road, directed arcs by `oneway`, turn
// connections at each node, junction control and strongly connected components.
// It does not model lanes individually, signals' timing or vehicles (traffic/ does).
#ifndef GOPS_WORLD_ROAD_GRAPH_H
#define GOPS_WORLD_ROAD_GRAPH_H

#include "world/map.h"
#include <stdbool.h>
#include <stdint.h>

/// "No such node / arc / component."
#define GOPS_ROAD_NONE UINT32_MAX
/// Road vertices closer than this are one node (m).
#define GOPS_ROAD_NODE_TOL_M 0.01
/// A `junction` feature controls the nearest node within this distance (m).
#define GOPS_ROAD_JUNCTION_SNAP_M 0.5
/// A `transit` point of mode `edge` makes the nearest node within this distance (m) a
/// gateway, where vehicles leave or enter the map.
#define GOPS_ROAD_GATEWAY_M 30.0

typedef struct gops_road_node {
    gops_point_t at;                 ///< m, the node's first vertex (by road, then position)
    uint32_t road_count;             ///< distinct roads through or ending at this node
    uint32_t first_out, out_count;   ///< range in gops_road_graph_t.out_arcs
    uint32_t first_in, in_count;     ///< range in gops_road_graph_t.in_arcs
    uint32_t first_turn, turn_count; ///< range in gops_road_graph_t.turns
    gops_junction_control_t control; ///< junction feature, else roundabout road, else priority
    int32_t junction;                ///< feature index of the controlling junction, -1 if none
    uint32_t component;              ///< strongly connected component of the network as drawn
    uint32_t open_component;         ///< the same with all gateways joined through the outside
    bool gateway;                    ///< an `edge` transit point is within GOPS_ROAD_GATEWAY_M
} gops_road_node_t;

/// A stretch of one road between two consecutive nodes, in the line's direction.
typedef struct gops_road_edge {
    uint32_t road;                   ///< feature index of the road
    uint32_t from, to;               ///< nodes at the first and last vertex
    uint32_t first_vertex, last_vertex; ///< positions in the road's line
    bool oneway;                     ///< only the forward arc exists
    int lanes;                       ///< per direction (total when one-way)
    double length_m;                 ///< m, along the polyline
    double speed_mps;                ///< m/s, the road's speed limit
    double free_time_s;              ///< s, length / speed
    uint32_t arc_forward;            ///< arc along the line
    uint32_t arc_backward;           ///< arc against the line, GOPS_ROAD_NONE when one-way
} gops_road_edge_t;

/// One direction of travel along an edge.
typedef struct gops_road_arc {
    uint32_t edge;
    uint32_t from, to;               ///< nodes in the direction of travel
    bool backward;                   ///< against the road's line direction
} gops_road_arc_t;

/// A permitted movement at a node from an incoming arc to an outgoing arc.
typedef struct gops_road_turn {
    uint32_t from_arc, to_arc;
    /// Reversal onto the same edge: only allowed where the arc has no other way out
    /// (a dead end or the map's edge), so that vehicles can always turn round there.
    bool uturn;
} gops_road_turn_t;

/// Per road feature: its edges and how it connects to the rest of the network.
typedef struct gops_road_info {
    uint32_t feature;                ///< feature index
    uint32_t first_edge, edge_count; ///< range in gops_road_graph_t.edges
    uint32_t arc_count;              ///< arcs of its edges
    uint32_t main_arcs;              ///< arcs with both ends in the largest open component
    bool shares_node;                ///< meets at least one other road
} gops_road_info_t;

typedef struct gops_road_graph {
    gops_road_node_t *nodes;
    uint32_t node_count;
    gops_road_edge_t *edges;         ///< by road feature index, then position along the road
    uint32_t edge_count;
    gops_road_arc_t *arcs;           ///< by edge; forward before backward
    uint32_t arc_count;
    uint32_t *out_arcs;              ///< arc ids grouped by from-node, ascending within a node
    uint32_t *in_arcs;               ///< arc ids grouped by to-node, ascending within a node
    gops_road_turn_t *turns;         ///< grouped by node, then (from_arc, to_arc) ascending
    uint32_t turn_count;
    gops_road_info_t *roads;         ///< by feature index
    uint32_t road_count;
    uint32_t component_count;        ///< strongly connected components, numbered by lowest node
    uint32_t *component_size;        ///< nodes per component
    uint32_t largest_component;      ///< most nodes (lowest number on ties); NONE when empty
    /// Largest component of the open network, where a vehicle may leave the map at one
    /// gateway and come back at another (one-way streets that enter or leave the map are
    /// then part of the main network). Equal in membership to the largest component when
    /// the map has no gateways.
    uint32_t largest_open_component;
    uint32_t *stray_junctions;       ///< junction features with no node within the snap distance
    uint32_t stray_junction_count;
} gops_road_graph_t;

/// Builds the graph from every `road` feature of the map. A map without roads gives an
/// empty graph. Fails with GOPS_MAP when a road has fewer than 2 points, a non-positive
/// speed or lane count (naming the feature), GOPS_NOMEM when memory runs out.
gops_road_graph_t *gops_road_graph_build(const gops_map_t *map, gops_error_t *err);
void gops_road_graph_destroy(gops_road_graph_t *graph);

/// The node at p (within GOPS_ROAD_NODE_TOL_M, lowest id on ties), or GOPS_ROAD_NONE.
uint32_t gops_road_graph_node_at(const gops_road_graph_t *graph, gops_point_t p);

/// Roads (feature indices, ascending) with no arc inside the largest open component:
/// vehicles on them can never reach, or never get back to, the main network (leaving and
/// re-entering the map through its gateways counts as a way back).
/// Writes up to `cap` and returns the total count.
uint32_t gops_road_graph_isolated_roads(const gops_road_graph_t *graph, uint32_t *features,
                                        uint32_t cap);

#endif
