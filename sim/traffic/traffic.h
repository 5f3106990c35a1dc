// SPDX-License-Identifier: MIT
// The traffic subsystem: vehicles (cars, taxis, buses, vans, e-bikes) driving the district's
// lane network under the Intelligent Driver Model, with signals, priority junctions, the
// roundabout, pedestrian crossings, illegal parking and a congestion index. This header is
// the whole interface for the world, scenarios, the crowd, operations and drawing; the
// model's parts are in the other files of sim/traffic/ (assumptions in assets/profiles/TRAFFIC.md).
//
// Time: the subsystem steps every `step_s` (default 0.5 s, at most 0.5 s) of world time.
// Call the setters below between world steps (scenario hooks, other subsystems' steps);
// they take effect at the next traffic step.
#ifndef GOPS_TRAFFIC_H
#define GOPS_TRAFFIC_H

#include "core/hash.h"
#include "gridops/gridops.h"
#include "traffic/signals.h"
#include "traffic/vclass.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct gops_traffic gops_traffic_t;

/// "No such arc / crossing / vehicle": the value the query functions return.
#define GOPS_TRAFFIC_NONE UINT32_MAX

typedef struct gops_traffic_params {
    double step_s;              ///< s, vehicle step (0.05..0.5, default 0.5)
    gops_vclass_params_t vclass[GOPS_VCLASS_COUNT]; ///< driving parameters by class
    bool demand;                ///< generate traffic from the profiles (false: only spawned vehicles)
    double demand_scale;        ///< multiplies every demand rate (default 1)
    /// Profile folder (assets/profiles); NULL looks in ./assets/profiles, then the source tree.
    const char *profile_dir;
    bool pedestrian_standin;    ///< crossings get pedestrians from the stand-in model until the crowd takes over
    bool lane_changes;          ///< MOBIL lane changes (default true)
    double route_interval_s;    ///< s, travel-time routing refresh (default 60)
    double measure_interval_s;  ///< s, measurement window (default 60); indices use the last 5 windows
    double stuck_limit_s;       ///< s a vehicle may stand at a lane's head before it is taken off (default 300)
    double turn_speed_right_mps, turn_speed_left_mps; ///< m/s through junctions (defaults 4.5, 6)
    double critical_gap_s;      ///< s, gap a minor-road driver accepts at a priority junction (default 4)
    double critical_gap_roundabout_s; ///< s, gap accepted entering the roundabout (default 3)
    double warm_up_s;           ///< s simulated before the first step so the network starts loaded (default 600; 0 with demand off)
    /// Vehicles that finish a trip start a new one at a gateway at once (benchmarks and
    /// long checks keep a constant fleet); default false.
    bool recycle;
    /// Share (0..1) of the congestion delay above free flow that the coordination centre's
    /// vehicle teams still meet (gops_traffic_responder_arc_time); default 0.5, an assumption.
    double responder_delay_share;
} gops_traffic_params_t;

gops_traffic_params_t gops_traffic_params_default(void);

/// Builds the traffic model on the world's district and registers it as subsystem
/// "traffic" (stepped every params->step_s, destroyed with the world). Returns the handle
/// (owned by the world), or NULL with err: GOPS_SCENARIO when the world has no district or
/// its map has no roads, GOPS_BAD_VALUE for parameters out of range, GOPS_IO / GOPS_BAD_VALUE
/// for a missing or malformed profile (the message names file and line), GOPS_NOMEM.
gops_traffic_t *gops_traffic_attach(gops_world_t *world, const gops_traffic_params_t *params, gops_error_t *err);

/// Advances the model one vehicle step of params.step_s (the world's subsystem does this;
/// exposed for benchmarks and tests that drive traffic alone).
void gops_traffic_step(gops_traffic_t *traffic);
/// Seconds simulated by the traffic model since it was attached.
double gops_traffic_time(const gops_traffic_t *traffic);

// ---- network queries ------------------------------------------------------------------

/// Arcs: one direction of one road segment (arc 2e runs along road-graph edge e's line,
/// 2e + 1 against it; the latter exists closed when the road is one-way).
uint32_t gops_traffic_arc_count(const gops_traffic_t *traffic);
/// Arcs of a road, by its feature id ("road-renmin"), name (人民路) or English name
/// (Renmin Road). Writes up to cap and returns the total; 0 when no road has that name.
uint32_t gops_traffic_road_arcs(const gops_traffic_t *traffic, const char *road, uint32_t *arcs, uint32_t cap);
/// Junction node nearest to p within max_m (m), or GOPS_TRAFFIC_NONE.
uint32_t gops_traffic_node_near(const gops_traffic_t *traffic, double x, double y, double max_m);

// ---- scenario actions -------------------------------------------------------------------

/// Closes (closed = true) or reopens an arc to vehicles entering it. Vehicles re-route at
/// once; those already on it drive off. Reopening an arc against a one-way road opens it.
void gops_traffic_set_arc_closed(gops_traffic_t *traffic, uint32_t arc, bool closed);
/// Closes or reopens both arcs of road-graph edge `edge` (arcs 2·edge and 2·edge + 1),
/// reopening to the map's one-way rule. Out-of-range edges are ignored.
void gops_traffic_set_edge_closed(gops_traffic_t *traffic, uint32_t edge, bool closed);
/// Closes or reopens every arc of a road (by id or name, as gops_traffic_road_arcs), in
/// both directions, to the state the map gives when reopened. GOPS_BAD_VALUE for an unknown road.
gops_status_t gops_traffic_close_road(gops_traffic_t *traffic, const char *road, bool closed, gops_error_t *err);
/// One-way rules: direction +1 only along the road's line, -1 only against it, 0 both ways.
/// GOPS_BAD_VALUE for an unknown road or direction.
gops_status_t gops_traffic_set_oneway(gops_traffic_t *traffic, const char *road, int direction, gops_error_t *err);
/// Replaces the signal plan of the junction at `node` for one mode (mode = -1: every mode).
/// GOPS_BAD_VALUE when the node has no signal or the plan is invalid (gops_signal_plan_check).
gops_status_t gops_traffic_set_signal_plan(gops_traffic_t *traffic, uint32_t node, int mode,
                                           const gops_signal_plan_t *plan, gops_error_t *err);
/// The plan in use at a signalised node for a mode, or NULL when the node has no signal.
const gops_signal_plan_t *gops_traffic_signal_plan(const gops_traffic_t *traffic, uint32_t node, gops_mode_t mode);
/// Bit mask of a signalised node's approaches belonging to a road (for writing plans by
/// road name); 0 when none.
uint32_t gops_traffic_approach_mask(const gops_traffic_t *traffic, uint32_t node, const char *road);
/// The operating mode's plans and demand apply automatically; this forces a mode for the
/// traffic model alone (mode = -1 follows the world's mode again).
void gops_traffic_force_mode(gops_traffic_t *traffic, int mode);

/// Adds one vehicle at position s (m) of a motor lane (lane 0 = kerb) of an arc, or of the
/// non-motor lane for e-bikes, at speed v (m/s), heading for the map's exit through gateway
/// node `exit_node` (GOPS_TRAFFIC_NONE: drive on at random, never leaving). Returns the
/// vehicle's stable id, or 0 when the spot overlaps another vehicle or the arguments are
/// out of range. For tests and scenario set-ups; demand spawns through the same path.
uint32_t gops_traffic_spawn(gops_traffic_t *traffic, gops_vclass_t cls, uint32_t arc, uint32_t lane, double s,
                            double v, uint32_t exit_node);
/// Fills the network with up to `count` cars spread evenly over the motor lanes of every
/// arc in the map (at least 7 m apart: jam spacing), standing, each leaving by a gateway drawn by
/// weight. Returns how many were placed (benchmarks and load tests).
uint32_t gops_traffic_fill(gops_traffic_t *traffic, uint32_t count);
/// Makes the vehicle with this id stop where it is on its lane for `dwell_s` seconds as a
/// double-parked car (blocking the lane), as illegal parking does. False when no such vehicle.
bool gops_traffic_double_park(gops_traffic_t *traffic, uint32_t id, double dwell_s);

// ---- lab set-ups and validation: vehicles a scenario brings, loop detectors -----------------

/// Places `count` cars evenly along the chain of arcs (in the order given, e.g. the two
/// halves of a ring), in motor lane `lane` (0 = kerb) at speed v (m/s), each driving on at
/// random (never leaving). Spots already taken are skipped. Returns how many were placed;
/// 0 for an arc or lane out of range, or cars closer than a car length plus 0.5 m.
uint32_t gops_traffic_place(gops_traffic_t *traffic, const uint32_t *arcs, uint32_t arc_count, uint32_t count,
                            uint32_t lane, double v);
/// Sends cars from gateway node `from_node` to leave by gateway node `exit_node`: per_hour
/// evenly spaced (the first at once), and/or keeping `keep` vehicles waiting to enter there
/// (a saturated entry). Setting the same pair again replaces it; 0 and 0 stop it.
/// GOPS_BAD_VALUE for a node that is no gateway, per_hour outside 0..20000, keep over 500.
gops_status_t gops_traffic_set_feed(gops_traffic_t *traffic, uint32_t from_node, uint32_t exit_node, double per_hour,
                                    uint32_t keep, gops_error_t *err);

typedef struct gops_traffic_detector_info {
    uint64_t count;         ///< motor vehicles that passed (both directions)
    double first_s, last_s; ///< s (traffic time) of the first and the last passage; NAN before one
} gops_traffic_detector_info_t;
/// Adds a loop detector named `name` across road-graph edge `edge` (both directions), at
/// s_forward m along the edge's line. It counts motor vehicles whose front passes it, timed
/// within the step. A vehicle entering the arc past it in the same step is not counted, so
/// keep detectors a step's travel (about 10 m) from a segment's ends. GOPS_BAD_VALUE for an
/// empty, long (over 63 bytes) or duplicate name, an unknown edge, a position off it.
gops_status_t gops_traffic_add_detector(gops_traffic_t *traffic, const char *name, uint32_t edge, double s_forward,
                                        gops_error_t *err);
/// Counts of a detector; false for an unknown name.
bool gops_traffic_detector(const gops_traffic_t *traffic, const char *name, gops_traffic_detector_info_t *out);
/// Passage times (s) in order, up to cap; returns the total (0 for an unknown name).
uint32_t gops_traffic_detector_times(const gops_traffic_t *traffic, const char *name, double *times, uint32_t cap);

// ---- the crowd's interface: pedestrian crossings ------------------------------------------

typedef struct gops_traffic_crossing_info {
    uint32_t node;          ///< junction node
    double x, y;            ///< m, centre of the crossing on the carriageway
    double ux, uy;          ///< unit vector across the road, toward the kerb of the lanes leaving the junction
    double length_m;        ///< m, kerb to kerb
    bool signalised;
} gops_traffic_crossing_info_t;

uint32_t gops_traffic_crossing_count(const gops_traffic_t *traffic);
void gops_traffic_crossing_info(const gops_traffic_t *traffic, uint32_t crossing, gops_traffic_crossing_info_t *out);
/// The crowd takes over the crossings: the stand-in pedestrian model stops and the crowd
/// sets the counts below every tick.
void gops_traffic_crossings_external(gops_traffic_t *traffic, bool external);
/// Pedestrians on the crossing now (set by the crowd each tick), counted on both halves.
/// Vehicles yield to them whatever the signal says: nobody passes a half of a crossing
/// while people are on it.
void gops_traffic_crossing_set_present(gops_traffic_t *traffic, uint32_t crossing, uint32_t pedestrians);
/// The same per half: over the lanes approaching the junction (the side opposite to ux, uy)
/// and over the lanes leaving it (the side ux, uy points to). Vehicles arriving on the leg
/// yield to the first, vehicles turning into the leg to the second.
void gops_traffic_crossing_set_halves(gops_traffic_t *traffic, uint32_t crossing, uint32_t approach_side,
                                      uint32_t exit_side);
/// Optional, with the counts above: where across each crossing the crowd's pedestrians
/// stand, so that vehicles yield only in the lanes people are in (as with the stand-in):
/// a pass begins with gops_traffic_crossings_clear_positions, then each pedestrian on a
/// crossing adds its position u_m (m from the crossing's centre along ux, uy, negative on
/// the approach half); the lanes whose centre lies within 2 m of it are blocked. A half with
/// pedestrians counted but no lane near any position given blocks all its lanes.
void gops_traffic_crossings_clear_positions(gops_traffic_t *traffic);
void gops_traffic_crossing_add_position(gops_traffic_t *traffic, uint32_t crossing, double u_m);
/// The crowd reports pedestrians who finished crossing, and how many of them started on red.
void gops_traffic_crossing_report(gops_traffic_t *traffic, uint32_t crossing, uint32_t crossed, uint32_t on_red);
/// Walk (true) or don't walk for pedestrians at this crossing now. Unsignalised crossings
/// always show walk (vehicles yield). A signalised crossing walks while the approach that
/// crosses it is red and long enough remains for the crossing's clearance.
bool gops_traffic_crossing_walk(const gops_traffic_t *traffic, uint32_t crossing);
/// True when no vehicle on the leg's approach will reach the crossing within 3 s and none
/// stands on it: a gap a pedestrian crossing against the signal would take.
bool gops_traffic_crossing_clear(const gops_traffic_t *traffic, uint32_t crossing);
/// Marks an arc as blocked by pedestrians spilling onto the carriageway: nobody enters it,
/// vehicles on it creep at walking pace, and routing avoids it until cleared.
void gops_traffic_set_arc_blocked_by_pedestrians(gops_traffic_t *traffic, uint32_t arc, bool blocked);
/// The same for both arcs of road-graph edge `edge`.
void gops_traffic_set_edge_blocked_by_pedestrians(gops_traffic_t *traffic, uint32_t edge, bool blocked);
/// Bus stops for the crowd: the number of people waiting (set by the crowd; without it a
/// documented stand-in draws waiting passengers) and the total who boarded so far.
uint32_t gops_traffic_bus_stop_count(const gops_traffic_t *traffic);
void gops_traffic_bus_stop_set_waiting(gops_traffic_t *traffic, uint32_t stop, uint32_t waiting);
uint64_t gops_traffic_bus_stop_boarded(const gops_traffic_t *traffic, uint32_t stop);

// ---- operations: illegal parking and enforcement -----------------------------------------

/// Enforcement presence near (x, y): 0 none .. 1 continuous; it cuts illegal-parking
/// probabilities on arcs within radius_m (TRAFFIC.md) until set again.
void gops_traffic_set_enforcement(gops_traffic_t *traffic, double x, double y, double radius_m, double presence);
/// Moves on every double-parked car within radius_m of (x, y); returns how many.
uint32_t gops_traffic_clear_double_parking(gops_traffic_t *traffic, double x, double y, double radius_m);
/// Removes e-bikes parked on sidewalks within radius_m of (x, y); returns how many.
uint32_t gops_traffic_clear_sidewalk_ebikes(gops_traffic_t *traffic, double x, double y, double radius_m);

/// A cluster of e-bikes parked on a sidewalk: they take `area_m2` of walkable area there.
typedef struct gops_traffic_parked_ebikes {
    double x, y;     ///< m
    uint32_t count;
    double area_m2;  ///< m², 1.2 m² per e-bike
} gops_traffic_parked_ebikes_t;
/// Sidewalk e-bike clusters (one per place where any are parked), in place order; writes up
/// to cap and returns the total.
uint32_t gops_traffic_sidewalk_ebikes(const gops_traffic_t *traffic, gops_traffic_parked_ebikes_t *out, uint32_t cap);

// ---- travel times for operations -----------------------------------------------------------

/// Time (s) an ordinary car needs to cross traffic arc `arc` now (the rule in
/// travel_time.c and TRAFFIC.md: the larger of free flow, the density rule and the queue
/// rule; creep speed where pedestrians block it); INFINITY when the arc is closed or
/// against a one-way rule, or out of range.
double gops_traffic_arc_time(const gops_traffic_t *traffic, uint32_t arc);
/// The operations model's arc-time hook (ops/travel.h, gops_arc_time_fn), with the traffic
/// model as `traffic`: driving time (s) now over road-graph arc `road_arc` for a vehicle
/// team whose free-flow time there is free_time_s: free_time_s plus responder_delay_share of
/// the relative delay gops_traffic_arc_time finds; INFINITY where the arc is impassable.
/// now_s is ignored: the state now stands for the whole trip.
double gops_traffic_responder_arc_time(void *traffic, uint32_t road_arc, double free_time_s, double now_s);

// ---- measures ---------------------------------------------------------------------------

/// Per arc, over the last measurement windows (5 × measure_interval_s, rolling).
typedef struct gops_traffic_arc_measures {
    double flow_vph;        ///< veh/h leaving the arc (motor vehicles)
    double mean_speed_mps;  ///< m/s, space-mean speed of motor vehicles on the arc
    double tti;             ///< travel time index: actual / free-flow travel time (1 = free; capped at 10);
                            ///< free flow = length / limit + a lone vehicle's mean signal delay red² / (2 · cycle)
    double queue_m;         ///< m, longest queue at the stop line now (vehicles below 2 m/s from the head)
    double congestion_index; ///< 0–10 from the tti (gops_traffic_congestion_index)
    double vehicles;        ///< motor vehicles on the arc now
} gops_traffic_arc_measures_t;
void gops_traffic_arc_measures(const gops_traffic_t *traffic, uint32_t arc, gops_traffic_arc_measures_t *out);

/// Congestion index 0–10 from a travel time index (piecewise linear, TRAFFIC.md):
/// tti 1.0 → 0, 1.3 → 2, 1.6 → 4, 2.0 → 6, 2.5 → 8, 3.5 → 10, capped at 10; below 1 → 0.
double gops_traffic_congestion_index(double tti);
/// Band name of an index: "smooth" [0, 2), "basically smooth" [2, 4), "light" [4, 6),
/// "moderate" [6, 8), "severe" [8, 10].
const char *gops_traffic_congestion_band(double index);

typedef struct gops_traffic_counts {
    uint32_t vehicles;              ///< motor vehicles in the network now
    uint32_t by_class[GOPS_VCLASS_COUNT]; ///< vehicles in the network now by class (e-bikes riding)
    uint64_t vehicles_entered;      ///< motor vehicles that entered since attach (spawned)
    uint64_t trips_completed;       ///< motor-vehicle trips that ended (left the map, parked, dropped off)
    double mean_trip_time_s;        ///< s, mean duration of those trips
    uint32_t double_parked;         ///< cars and vans double-parked now
    uint32_t ebikes_on_sidewalks;   ///< e-bikes parked on sidewalks now
    double lane_minutes_blocked;    ///< lane·min blocked by stopped vehicles and by pedestrians, cumulative
    uint64_t pedestrians_crossed;   ///< pedestrians who finished a crossing
    uint64_t pedestrians_on_red;    ///< of them, those who started on don't-walk
    double vehicle_delay_pedestrians_s; ///< vehicle·s spent stopped for pedestrians at crossings
    uint32_t entry_queue;           ///< vehicles waiting outside the map to enter
    uint64_t removed_stuck;         ///< vehicles taken off after standing stuck longer than stuck_limit_s
    uint32_t garage_spaces, garage_occupied, cruising; ///< garages, and cars searching for a space
    uint64_t bus_departures, bus_stops_served;
    double tti;                     ///< district travel time index (motor vehicles, last 5 windows)
    double congestion_index;        ///< district congestion index now (0–10)
} gops_traffic_counts_t;
void gops_traffic_counts(const gops_traffic_t *traffic, gops_traffic_counts_t *out);

// ---- drawing -------------------------------------------------------------------------------

typedef struct gops_traffic_pose {
    float x, y;        ///< m, world position of the vehicle's centre
    float heading;     ///< rad, counter-clockwise from east (atan2; for drawing only)
    float length;      ///< m
    uint8_t cls;       ///< gops_vclass_t
    bool stopped;      ///< dwelling: at a stop, double-parked
} gops_traffic_pose_t;
/// Vehicles in the network (motor and e-bikes).
uint32_t gops_traffic_vehicle_count(const gops_traffic_t *traffic);
/// Poses of all vehicles in the canonical order; writes up to cap and returns the count.
uint32_t gops_traffic_poses(const gops_traffic_t *traffic, gops_traffic_pose_t *out, uint32_t cap);

/// Feeds the whole traffic state into a hash in canonical order.
void gops_traffic_hash(const gops_traffic_t *traffic, gops_hash_t *hash);

#endif
