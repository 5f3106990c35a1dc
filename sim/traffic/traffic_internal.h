// SPDX-License-Identifier: MIT
// The traffic model's private state, shared by the files of sim/traffic/ (never by other
// modules, which use traffic.h): the network, vehicles, lane index, signals, routing,
// places, crossings, measures, demand, buses and illegal parking, plus per-arc dynamic
// state (closures, pedestrians, enforcement) and per-step junction flags.
#ifndef GOPS_TRAFFIC_INTERNAL_H
#define GOPS_TRAFFIC_INTERNAL_H

#include "core/rng.h"
#include "traffic/lanes.h"
#include "traffic/network.h"
#include "traffic/places.h"
#include "traffic/profile.h"
#include "traffic/routing.h"
#include "traffic/signals.h"
#include "traffic/traffic.h"
#include "traffic/vehicles.h"

// Per-arc dynamic flags (trf->arc_flags).
#define TRF_ARC_OPEN 1u    ///< one-way rules let vehicles enter (the map's, or a scenario's)
#define TRF_ARC_CLOSED 2u  ///< closed by a scenario
#define TRF_ARC_PEDS 4u    ///< pedestrians on the carriageway

// Per-arc junction flags at the arc's end, recomputed every step (trf->arc_go).
#define TRF_GO_RED 1u      ///< red signal
#define TRF_GO_YELLOW 2u   ///< yellow signal
#define TRF_GO_WAIT 4u     ///< minor road or roundabout entry: no gap a fresh arrival accepts
#define TRF_GO_PEDS 8u     ///< pedestrians on the exit half of the crossing where this arc starts

// Per-lane pedestrian flags (trf->lane_peds), recomputed every step by crossings.c.
#define TRF_LANE_PEDS_END 1u   ///< someone on the crossing in front of this lane's stop line
#define TRF_LANE_PEDS_START 2u ///< someone on the crossing where this lane leaves the junction
// Kept across steps: the crowd's positions (gops_traffic_crossing_add_position), set
// between vehicle steps and cleared by the crowd's next pass; copied to the two above.
#define TRF_LANE_CROWD_END 4u
#define TRF_LANE_CROWD_START 8u

/// Speed vehicles keep on an arc blocked by pedestrians (m/s).
#define TRF_CREEP_MPS 1.5f
/// Queue: vehicles slower than this count as queueing (m/s).
#define TRF_QUEUE_MPS 2.0f
/// Stopped-vehicle threshold for stuck detection and dwell arrival (m/s).
#define TRF_STOPPED_MPS 0.3f
/// Metres of standing queue a lane discharges per second (~1,800 veh/h at 7 m spacing).
#define TRF_QUEUE_DISCHARGE_MPS 3.5f
/// A vehicle stopping at the kerb may use the kerb (bus) lane within this distance (m).
#define TRF_KERB_APPROACH_M 80.0f
/// Half the width of a marked pedestrian crossing (m): it spans s_out ± this along its leg.
#define TRF_CROSSING_HALF_M 2.0f

/// A pending entry at a gateway or place: a trip that has not found room yet.
typedef struct trf_entry {
    uint8_t cls, purpose;
    uint16_t dest;
    uint32_t place;
    uint32_t aux;
    double t_request;
} trf_entry_t;

/// Stand-in pedestrians at one crossing (crossings.c).
typedef struct trf_ped_queue {
    float *deadline;       ///< waiting pedestrians: time (s) each gives up and crosses on red
    uint32_t waiting, wait_cap;
    double *finish;        ///< pedestrians on the crossing: when each reaches the far kerb (s)
    uint8_t *red;          ///< ... bit 0: started on don't-walk; bit 1: started from the exit-lanes side
    uint32_t walking, walk_cap;
    double next_arrival;   ///< s
    double first_wait;     ///< s, when the oldest waiting pedestrian arrived (unsignalised grouping)
    float weight;          ///< demand weight of the crossing (road class)
} trf_ped_queue_t;

typedef struct trf_crossings {
    uint32_t count;
    uint32_t *present;     ///< pedestrians on the crossing now (both halves)
    /// Pedestrians on each half now: [2c] over the lanes approaching the junction, [2c + 1]
    /// over the lanes leaving it. Vehicles yield to the half they drive over.
    uint32_t *half;
    uint8_t *walk;         ///< walk (1) or don't walk now
    float *held_s;         ///< s vehicles have stood for pedestrians (drivers' patience; runs down when none does)
    float *yield_s;        ///< s left of pedestrians letting the held vehicles through (don't walk)
    uint8_t *held_now;     ///< scratch: a vehicle stood for pedestrians at the crossing this step
    bool external;         ///< the crowd sets `present`
    trf_ped_queue_t *q;    ///< stand-in state per crossing
    uint64_t crossed, on_red;
    double vehicle_delay_s;
} trf_crossings_t;

typedef struct trf_measures {
    uint32_t arc_count;
    double window_s, elapsed;     ///< s, window length and time into the current window
    double *cur;                  ///< current window per arc: [4 × arc]: exits, vehicle-steps, Σv·dt, Σ(v/v_free)
    double *ring;                 ///< last GOPS windows: [window × 4 × arc]
    uint32_t head, filled;
    float *queue_m;               ///< m, per arc now
    float *on_arc;                ///< motor vehicles per arc now
    float *tti;                   ///< per arc over the ring
    float *flow_vph, *speed_mps;  ///< per arc over the ring
    float *ref_speed;             ///< m/s per arc: length / free-flow time (signal delay included)
    double district_tti, district_ci;
    double ci_sum, ci_max;
    uint64_t ci_samples;
} trf_measures_t;

typedef struct trf_bus_line {
    uint32_t entry_gateway;  ///< gateway index where buses enter
    uint32_t exit_node;      ///< gateway node where they leave
    uint32_t first_stop, stop_count; ///< into trf_buses.line_stops (place indices in order)
    double next_departure;   ///< s, traffic time of the next bus
    double offset_s;         ///< s, stagger of this line's timetable
} trf_bus_line_t;

typedef struct trf_buses {
    uint32_t line_count;
    trf_bus_line_t *lines;
    uint32_t *line_stops;
    uint32_t stop_count;     ///< bus-stop places (first[GOPS_PLACE_BUS_STOP] ..)
    int64_t *waiting_ext;    ///< per stop: waiting set by the crowd, or -1
    double *last_bus;        ///< per stop: s when the last bus left (stand-in accumulation)
    uint64_t *boarded;
    uint64_t departures, stops_served;
} trf_buses_t;

typedef struct trf_parking {
    uint32_t *sidewalk;      ///< per place: e-bikes parked on its sidewalk now
    uint32_t bike_count, bike_cap;
    uint32_t *bike_place;    ///< parked e-bikes: place
    double *bike_leave;      ///< ... and when they leave (s)
    uint64_t ebikes_removed, double_parked_moved;
} trf_parking_t;

typedef struct trf_demand {
    bool loaded;
    gops_tprofile_t vehicles, ebikes, pedestrians, buses, parking;
    int veh_col[GOPS_MODE_COUNT], ebike_col[GOPS_MODE_COUNT], ped_col[GOPS_MODE_COUNT];
    int headway_col[GOPS_MODE_COUNT], dpark_col[GOPS_MODE_COUNT], sidewalk_col[GOPS_MODE_COUNT];
    int board_col, occupancy_col;
    double next_vehicle, next_ebike;   ///< s, next arrival of each stream
    double *garage_next;               ///< s, next departure per garage (exponential dwell)
    trf_entry_t **queue;               ///< per gateway: waiting entries (FIFO)
    uint32_t *queue_head, *queue_len;
    trf_entry_t **place_queue;         ///< per place: vehicles waiting to pull out
    uint32_t *place_head, *place_len;
    uint64_t dropped;                  ///< entries refused because a queue was full
} trf_demand_t;

/// A scenario's feed (feeds.c): cars from a gateway to an exit, at a rate or keeping a queue.
typedef struct trf_feed {
    uint32_t gateway;        ///< gateway index where they enter
    uint16_t dest;           ///< routing destination (leaving by the exit gateway)
    double per_hour;         ///< veh/h, evenly spaced; 0 = none
    uint32_t keep;           ///< vehicles kept waiting at the gateway; 0 = none
    double owed;             ///< vehicles due but not yet queued (fractional)
} trf_feed_t;

typedef struct trf_feeds {
    trf_feed_t *items;
    uint32_t count, cap;
} trf_feeds_t;

/// A loop detector (detectors.c) across both arcs of one edge.
typedef struct trf_detector {
    char name[64];
    uint32_t arc[2];         ///< forward and backward arc
    float s[2];              ///< m, its position along each
    uint64_t count;
    double *times;           ///< s, traffic time of each passage
    uint32_t time_cap;
} trf_detector_t;

typedef struct trf_detectors {
    trf_detector_t *items;
    uint32_t count, cap;
    uint8_t *on_arc;         ///< per arc: 1 when a detector lies on it (NULL before the first)
} trf_detectors_t;

struct gops_traffic {
    gops_world_t *world;               ///< NULL when driven alone
    const gops_district_t *district;
    gops_traffic_params_t params;
    int threads;
    gops_rng_t *rng;                   ///< the world's GOPS_STREAM_TRAFFIC
    gops_rng_t own_rng;                ///< used when there is no world
    gops_tnet_t *net;
    gops_signals_t signals;
    gops_vehicles_t veh;
    gops_lane_index_t index;
    bool index_dirty;
    gops_routing_t routing;
    bool routes_dirty;
    uint32_t *dest_ref;                ///< per destination: gateway node, or place index | 1u << 31
    gops_places_t places;
    trf_crossings_t crossings;
    trf_measures_t measures;
    trf_demand_t demand;
    trf_buses_t buses;
    trf_parking_t parking;
    trf_feeds_t feeds;
    trf_detectors_t detectors;

    uint8_t *arc_flags;                ///< TRF_ARC_* per arc
    float *enforcement;                ///< 0..1 per arc
    uint8_t *arc_go;                   ///< TRF_GO_* per arc, this step
    uint8_t *lane_peds;                ///< TRF_LANE_PEDS_* per lane, this step
    float *arc_tta;                    ///< s until the priority stream's next vehicle reaches the arc's junction
    float *tt_est;                     ///< s, per arc: travel time estimate routing uses
    float *tt_sum;                     ///< s, per arc: traversal times in the route interval
    uint32_t *tt_n;                    ///< traversals in the route interval
    uint32_t *spawn_mark;              ///< per lane: step + 1 of the last insertion there

    double t;                          ///< s since attach
    double tod0;                       ///< s after midnight at attach (start of the run's day)
    double dt;                         ///< s, vehicle step
    uint64_t steps;
    int forced_mode;                   ///< -1: follow the world
    gops_mode_t mode;                  ///< mode in effect this step
    double route_timer;
    bool warming;                      ///< warm-up: no measures, KPIs or counts
    double warm_up_s;

    // scratch per vehicle (scratch_cap) and per lane
    int8_t *lc;                        ///< lane change decision: -1 right, +1 left, 0 stay
    float *s_next, *v_next;            ///< positions and speeds after the move
    uint8_t *why;                      ///< why a vehicle stopped short (movement.c)
    uint32_t *entry;                   ///< lane a lane's head will enter across the junction (movement.c)
    float *lane_tail;                  ///< m, rear of the last vehicle that entered a lane this step
    uint32_t *lane_tail_mark;          ///< step + 1 when lane_tail was set
    uint32_t *removals;
    uint32_t removal_count, scratch_cap;

    // counts
    uint64_t entered, trips_done, removed_stuck;
    double trip_time_sum, lane_blocked_s;
};

/// Time of day (s after midnight, may pass 86400 on later days).
static inline double trf_tod(const gops_traffic_t *trf) { return trf->tod0 + trf->t; }
/// True when pedestrians on half `side` (0 approach, 1 exit) of crossing c hold vehicles:
/// someone is on it and the drivers are not edging through (crossings.c, drivers' patience).
static inline bool trf_crossing_holds(const gops_traffic_t *trf, uint32_t c, int side)
{
    return trf->crossings.half[2 * c + (uint32_t)side] > 0 && !(trf->crossings.yield_s[c] > 0);
}
/// Desired speed (m/s) of vehicle i on arc A: its share of the limit, at most the class's
/// top speed, walking pace where pedestrians block the arc.
static inline float trf_desired_speed(const gops_traffic_t *trf, uint32_t i, const gops_tnet_arc_t *A, uint32_t arc)
{
    const gops_vclass_params_t *p = &trf->params.vclass[trf->veh.cls[i]];
    float v0 = A->speed * trf->veh.vfac[i];
    if (v0 > p->v0_max_mps) v0 = p->v0_max_mps;
    if ((trf->arc_flags[arc] & TRF_ARC_PEDS) && v0 > TRF_CREEP_MPS) v0 = TRF_CREEP_MPS;
    return v0 > 0.5f ? v0 : 0.5f;
}
/// True when the purpose ends with stopping at the kerb (and dwelling or parking there).
static inline bool trf_stops_at_kerb(uint8_t purpose)
{
    return purpose == GOPS_PURPOSE_DROPOFF || purpose == GOPS_PURPOSE_PICKUP || purpose == GOPS_PURPOSE_BUS_STOP ||
           purpose == GOPS_PURPOSE_DELIVERY || purpose == GOPS_PURPOSE_ERRAND || purpose == GOPS_PURPOSE_EBIKE_PARK;
}
/// The movement from arc `from` to arc `to` (through when they are not connected).
static inline gops_turn_kind_t trf_turn_kind(const gops_tnet_t *net, uint32_t from, uint32_t to)
{
    uint32_t t = gops_tnet_find_turn(net, from, to);
    return t == GOPS_TNET_NONE ? GOPS_TURN_THROUGH : (gops_turn_kind_t)net->turns[t].kind;
}
/// True when vehicles may enter arc a.
static inline bool trf_enterable(const gops_traffic_t *trf, uint32_t a)
{
    return (trf->arc_flags[a] & (TRF_ARC_OPEN | TRF_ARC_CLOSED | TRF_ARC_PEDS)) == TRF_ARC_OPEN;
}
/// True when a vehicle at the end of arc `from` may move on to arc `to`: `to` can be entered,
/// or both are closed by a scenario — drivers caught inside a closure drive off through it
/// (they are waved out), never against a one-way rule or into people on the carriageway.
static inline bool trf_may_enter(const gops_traffic_t *trf, uint32_t from, uint32_t to)
{
    if (trf_enterable(trf, to)) return true;
    return (trf->arc_flags[from] & TRF_ARC_CLOSED) &&
           (trf->arc_flags[to] & (TRF_ARC_OPEN | TRF_ARC_PEDS)) == TRF_ARC_OPEN;
}
/// The driving parameters of vehicle i's class.
static inline const gops_vclass_params_t *trf_class(const gops_traffic_t *trf, uint32_t i)
{
    return &trf->params.vclass[trf->veh.cls[i]];
}

// ---- shared steps (each defined in the file named) --------------------------------------

/// Makes room for per-vehicle scratch arrays (traffic.c). Returns false when out of memory.
bool trf_reserve_scratch(gops_traffic_t *trf);
/// Rebuilds the lane index when vehicles changed (traffic.c).
void trf_index_refresh(gops_traffic_t *trf);
/// Sets up a vehicle's leg on entering arc `arc` (at position s): stop position when the
/// arc holds its destination, otherwise the next arc (movement.c).
void trf_enter_arc(gops_traffic_t *trf, uint32_t i, uint32_t arc);
/// Inserts a vehicle for an entry at (arc, lane, s); returns its index or UINT32_MAX when
/// there is no room (movement.c).
uint32_t trf_insert(gops_traffic_t *trf, const trf_entry_t *e, uint32_t arc, uint32_t lane, float s, float v);
/// True when a vehicle of length len fits at s in the lane with gap `need` to both neighbours.
bool trf_lane_room(const gops_traffic_t *trf, uint32_t lane, float s, float len, float need_front, float need_back);
/// Ends vehicle i's trip: counts it (when it completed) and marks it for removal.
void trf_finish(gops_traffic_t *trf, uint32_t i, bool completed);
/// Junction flags for this step (junctions.c).
void trf_junctions_update(gops_traffic_t *trf);
/// Lane changes (lane_change.c); returns the number of vehicles that changed lanes.
uint32_t trf_lane_changes(gops_traffic_t *trf);
/// Accelerations, movement, arc transfers and arrivals (movement.c).
void trf_move(gops_traffic_t *trf);
/// Crossings: walk states and the stand-in pedestrians (crossings.c).
gops_status_t trf_crossings_init(gops_traffic_t *trf, gops_error_t *err);
void trf_crossings_free(gops_traffic_t *trf);
void trf_crossings_update(gops_traffic_t *trf);
/// After the vehicles moved: marks the crossing vehicle i stood at for pedestrians.
void trf_crossings_note_held(gops_traffic_t *trf, uint32_t i);
/// After the vehicles moved: the drivers' patience at crossings (crossings.c).
void trf_crossings_after_move(gops_traffic_t *trf);
/// Measures (measures.c).
gops_status_t trf_measures_init(gops_traffic_t *trf, gops_error_t *err);
void trf_measures_free(gops_traffic_t *trf);
void trf_measures_sample(gops_traffic_t *trf);
/// Demand (demand.c).
gops_status_t trf_demand_init(gops_traffic_t *trf, gops_error_t *err);
void trf_demand_free(gops_traffic_t *trf);
void trf_demand_step(gops_traffic_t *trf);
/// Queues an entry at a gateway (demand.c); false when its queue is full.
bool trf_demand_queue(gops_traffic_t *trf, uint32_t gateway, const trf_entry_t *e);
/// Queues a vehicle to pull out at a place (demand.c).
bool trf_demand_queue_place(gops_traffic_t *trf, uint32_t place, const trf_entry_t *e);
/// A new trip leaving the map: an exit gateway drawn by weight, avoiding `not_node` (demand.c).
uint16_t trf_demand_exit(gops_traffic_t *trf, uint32_t not_node);
/// Buses (buses.c).
gops_status_t trf_buses_init(gops_traffic_t *trf, gops_error_t *err);
void trf_buses_free(gops_traffic_t *trf);
void trf_buses_step(gops_traffic_t *trf);
/// Dwell time (s) of a bus at the stop `place`, boarding the passengers waiting there.
double trf_buses_board(gops_traffic_t *trf, uint32_t place);
/// Illegal parking (parking.c).
gops_status_t trf_parking_init(gops_traffic_t *trf, gops_error_t *err);
void trf_parking_free(gops_traffic_t *trf);
void trf_parking_step(gops_traffic_t *trf);
/// Probability that a driver double-parks at arc a now, for a purpose (parking.c).
double trf_parking_double_park_p(const gops_traffic_t *trf, uint32_t arc, gops_purpose_t purpose, bool garage_full);
/// An e-bike ends its trip at a place: it parks on the sidewalk or legally (parking.c).
void trf_parking_ebike_arrives(gops_traffic_t *trf, uint32_t place, uint32_t arc);
/// Scenario feeds: queue their vehicles at the gateways (feeds.c).
void trf_feeds_step(gops_traffic_t *trf);
void trf_feeds_free(gops_traffic_t *trf);
void trf_feeds_hash(const gops_traffic_t *trf, gops_hash_t *hash);
/// Vehicle i moves on arc `arc` from s_old to s_new (m; s_new may pass the arc's end):
/// detectors it passes record the time (detectors.c). Call only when detectors exist.
void trf_detectors_pass(gops_traffic_t *trf, uint32_t i, uint32_t arc, float s_old, float s_new);
void trf_detectors_free(gops_traffic_t *trf);
void trf_detectors_hash(const gops_traffic_t *trf, gops_hash_t *hash);
/// Routing: refreshes travel-time estimates and usable arcs from measurements (traffic.c).
void trf_routes_refresh(gops_traffic_t *trf, bool all);
/// The destination index of leaving at gateway node `node`, or GOPS_ROUTE_NONE.
uint16_t trf_exit_dest(const gops_traffic_t *trf, uint32_t node);

#endif
