// SPDX-License-Identifier: MIT
// One vehicle step: what each vehicle must respect (its leader, the vehicle it will follow
// across the junction, the stop line when the signal, a yield rule or pedestrians say stop,
// the crosswalk it waits at in the junction box, its own stopping point, slower turns), the
// IDM acceleration, the ballistic move with a hard no-overlap bound, and then, in vehicle
// order, arc transfers, arrivals and dwelling.
// Ordering: accelerations and moves read only the state at the start of the step (in
// parallel, each vehicle writing its own slots); transfers and arrivals run sequentially
// by vehicle index; removals go in descending index. Results never depend on threads.
#include "traffic/traffic_internal.h"

#include "core/assert.h"
#include "core/parallel.h"
#include "traffic/idm.h"

#include <math.h>
#include <stdlib.h>

#define MIN_GAP_M 0.1f          // hard bound: bumpers never come closer than this
#define LOOKAHEAD_M 120.0f      // a red signal beyond the next junction is seen within this
#define STOP_MARGIN_M 1.5f      // a dwelling stop counts as reached within this
#define GARAGE_SPEED_MPS 3.0f   // speed turning into a garage
#define RED_DECEL_FACTOR 2.0f   // on red, drivers still stop if it takes at most 2·b
#define IMPATIENCE 0.05f        // s of accepted gap given up per s of waiting at a yield line
#define MIN_ACCEPTED_GAP_S 1.5f
#define STOP_SHORT_M 0.5f       // drivers stop this far before the line
#define STOP_LINE_TOLERANCE_M 0.0f // a front this little past the line has not entered the junction
#define WRONG_LANE_M 10.0f      // this close to the stop line a driver in the wrong lane turns as the lane allows
#define PASS_INTERVAL_S 4.0f    // a stopped vehicle on a one-lane arc is passed once per this
#define PASS_SPEED_MPS 2.0f
#define BLOCKED_ARRIVAL_M 20.0f // a stop this close beyond a standing vehicle is reached where one stands

// Why vehicle i stopped short (for pedestrian delay): written by accel, read sequentially.
#define STOP_FOR_PEDS 1u

typedef struct move_ctx {
    gops_traffic_t *trf;
    float *s_next, *v_next;
    uint8_t *why;
} move_ctx_t;

/// The lane a vehicle in lane k of arc `from` enters on arc `to` by a movement of `kind`:
/// right turns into the kerbmost general lane, left turns and U-turns into the median lane,
/// through movements keep their place counted from the kerb; buses keep to a bus lane. When
/// that lane has little room at its back, the neighbouring lane the movement may also
/// reach (the next one out, or for through movements either side) is taken if it has more.
static uint32_t entry_lane(const gops_traffic_t *trf, uint32_t from, uint32_t k, uint32_t to, gops_turn_kind_t kind,
                           uint8_t cls)
{
    const gops_tnet_t *net = trf->net;
    const gops_tnet_arc_t *A = &net->arcs[from], *B = &net->arcs[to];
    if (cls == GOPS_VCLASS_EBIKE) return gops_tnet_nonmotor_lane(net, to);
    uint32_t g0 = B->first_general, top = B->lanes - 1u;
    if (cls == GOPS_VCLASS_BUS && B->first_general) return gops_tnet_lane(net, to, 0);
    uint32_t target, lo, hi;
    switch (kind) {
    case GOPS_TURN_RIGHT:
        target = lo = g0;
        hi = g0 + 1 <= top ? g0 + 1 : top;
        break;
    case GOPS_TURN_LEFT:
    case GOPS_TURN_UTURN:
        target = hi = top;
        lo = top > g0 ? top - 1 : g0;
        break;
    default: {
        uint32_t rel = k >= A->first_general ? k - A->first_general : 0;
        target = g0 + rel;
        if (target > top) target = top;
        lo = target > g0 ? target - 1 : g0;
        hi = target + 1 <= top ? target + 1 : top;
    }
    }
    // Room at the back of a lane: the rear of its last vehicle, or the whole arc.
    const gops_vehicles_t *V = &trf->veh;
    float need = 2.0f * (trf->params.vclass[cls].length + trf->params.vclass[cls].s0);
    float best_room = -INFINITY;
    uint32_t best = target;
    for (uint32_t q = 0; q <= hi - lo + 1; q++) {
        uint32_t c = q == 0 ? target : lo + q - 1; // the marked lane first
        if (q > 0 && c == target) continue;
        uint32_t back = gops_lane_back(&trf->index, gops_tnet_lane(net, to, c));
        float room = back == UINT32_MAX ? B->length : V->s[back] - trf->params.vclass[V->cls[back]].length;
        if (q == 0 && room >= need) return gops_tnet_lane(net, to, target);
        if (room > best_room) best_room = room, best = c;
    }
    return gops_tnet_lane(net, to, best);
}

/// True when vehicle i can stop for its kerbside errand from its lane: the kerb lane, or
/// any lane for a bus, the non-motor lane for an e-bike.
static bool at_kerb(const gops_traffic_t *trf, uint32_t i)
{
    uint8_t cls = trf->veh.cls[i];
    return cls == GOPS_VCLASS_BUS || cls == GOPS_VCLASS_EBIKE || trf->net->lanes[trf->veh.lane[i]].index == 0;
}

/// Where a vehicle on `arc` waits in the junction box for people on the crossing where the
/// arc leaves the junction (front bumper, m along the arc), or a negative value when the
/// arc starts without a crossing.
static float box_line(const gops_traffic_t *trf, const gops_tnet_arc_t *A)
{
    if (A->crossing_start == GOPS_TNET_NONE) return -1.0f;
    return trf->net->crossings[A->crossing_start].s_out - TRF_CROSSING_HALF_M - STOP_SHORT_M;
}

/// True when vehicle i fits in the box part of lane `el` of arc `nb` (between the junction
/// centre and the crosswalk where nb leaves it) and no vehicle stands there.
static bool box_free(const gops_traffic_t *trf, uint32_t i, uint32_t nb, uint32_t el)
{
    const gops_vehicles_t *V = &trf->veh;
    float line = box_line(trf, &trf->net->arcs[nb]);
    if (line < trf->params.vclass[V->cls[i]].length) return false; // a small junction: no room
    uint32_t back = gops_lane_back(&trf->index, el);
    return back == UINT32_MAX || V->s[back] - trf->params.vclass[V->cls[back]].length > line;
}

/// True when vehicle i, before the stop line of its arc, must stop there now; *peds tells
/// whether pedestrians are the reason.
static bool must_stop(const gops_traffic_t *trf, uint32_t i, const gops_tnet_arc_t *A, uint32_t arc, float s, float v,
                      bool *peds)
{
    const gops_vehicles_t *V = &trf->veh;
    const gops_vclass_params_t *p = trf_class(trf, i);
    uint8_t go = trf->arc_go[arc];
    float d = A->stop_pos - s > 0 ? A->stop_pos - s : 0;
    *peds = false;
    if (go & TRF_GO_RED) {
        if (v * v <= 2.0f * RED_DECEL_FACTOR * p->b * d + 0.01f) return true;
    } else if (go & TRF_GO_YELLOW) {
        if (v * v <= 2.0f * p->b * d + 0.01f) return true;
    }
    if ((A->control == GOPS_ARC_YIELD || A->control == GOPS_ARC_ROUNDABOUT) && V->cls[i] != GOPS_VCLASS_EBIKE) {
        // Gap acceptance with impatience: the accepted gap shrinks by IMPATIENCE s per s
        // waited at the head of the lane, down to MIN_ACCEPTED_GAP_S.
        float gap = (float)(A->control == GOPS_ARC_ROUNDABOUT ? trf->params.critical_gap_roundabout_s
                                                              : trf->params.critical_gap_s);
        gap -= IMPATIENCE * V->wait[i];
        if (gap < MIN_ACCEPTED_GAP_S) gap = MIN_ACCEPTED_GAP_S;
        if (trf->arc_tta[arc] < gap) return true;
    }
    uint32_t nb = V->next_arc[i];
    if (trf->lane_peds[V->lane[i]] & TRF_LANE_PEDS_END) { // people crossing in front of it
        *peds = true;
        return true;
    }
    if (V->stop_s[i] >= 0) return false; // its leg ends on this arc
    if (nb == GOPS_TNET_NONE) return true; // no way on (closures): wait for one
    if (!trf_may_enter(trf, arc, nb)) return true;
    // People on the crossing where it will leave the junction: the lane it enters, or
    // (not yet at the head of its lane) any lane there. The head of the lane pulls into the
    // box and waits at that crosswalk when the box part of the lane it enters is free and
    // holds it (box_line), so the lane behind it can move on; otherwise it waits at its line.
    uint32_t el = trf->entry[i];
    bool out = el != UINT32_MAX ? (trf->lane_peds[el] & TRF_LANE_PEDS_START) != 0
                                : (trf->arc_go[nb] & TRF_GO_PEDS) != 0;
    if (out && !(el != UINT32_MAX && box_free(trf, i, nb, el))) {
        *peds = true;
        return true;
    }
    return false;
}

static void accel_range(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    (void)chunk;
    move_ctx_t *ctx = user;
    gops_traffic_t *trf = ctx->trf;
    const gops_tnet_t *net = trf->net;
    gops_vehicles_t *V = &trf->veh;
    const gops_lane_index_t *X = &trf->index;
    for (uint32_t i = begin; i < end; i++) {
        ctx->why[i] = 0;
        trf->entry[i] = UINT32_MAX;
        if (V->state[i] == GOPS_VSTATE_DWELL) {
            V->acc[i] = 0;
            continue;
        }
        const gops_vclass_params_t *p = trf_class(trf, i);
        uint32_t lane = V->lane[i], arc = net->lanes[lane].arc;
        const gops_tnet_arc_t *A = &net->arcs[arc];
        float s = V->s[i], v = V->v[i];
        gops_idm_t idm = {.v0 = trf_desired_speed(trf, i, A, arc), .T = p->T, .s0 = p->s0, .a = p->a, .b = p->b};
        float inter = 0;
        uint32_t j = gops_lane_leader(X, lane, i);
        uint32_t nb = V->next_arc[i];
        if (j != UINT32_MAX) {
            float q = gops_idm_interaction(&idm, v, V->s[j] - trf->params.vclass[V->cls[j]].length - s, V->v[j]);
            if (q > inter) inter = q;
        } else if (nb != GOPS_TNET_NONE && V->stop_s[i] < 0) {
            // Head of its lane: follow the last vehicle of the lane it will enter, or see a
            // red signal at the end of the next arc when that lane is empty.
            uint32_t k = net->lanes[lane].index;
            uint32_t el = entry_lane(trf, arc, k, nb, trf_turn_kind(net, arc, nb), V->cls[i]);
            trf->entry[i] = el;
            uint32_t back = gops_lane_back(X, el);
            float to_end = A->length - s;
            if (back != UINT32_MAX) {
                float gap = to_end + V->s[back] - trf->params.vclass[V->cls[back]].length;
                float q = gops_idm_interaction(&idm, v, gap, V->v[back]);
                if (q > inter) inter = q;
            } else if ((trf->arc_go[nb] & TRF_GO_RED) && to_end + net->arcs[nb].stop_pos < LOOKAHEAD_M) {
                float q = gops_idm_interaction(&idm, v, to_end + net->arcs[nb].stop_pos + p->s0, 0);
                if (q > inter) inter = q;
            }
        }
        if (s < A->stop_pos + STOP_LINE_TOLERANCE_M) {
            bool peds;
            if (must_stop(trf, i, A, arc, s, v, &peds)) {
                float q = gops_idm_interaction(&idm, v, A->stop_pos - STOP_SHORT_M + p->s0 - s, 0);
                if (q > inter) inter = q;
                if (peds) ctx->why[i] = STOP_FOR_PEDS;
            }
        }
        // In the junction box before the crossing where its arc leaves it (pulled in past its
        // line, see must_stop): wait there while people are on it, if it can still stop.
        float box = box_line(trf, A);
        if (s < box + STOP_SHORT_M && (trf->lane_peds[lane] & TRF_LANE_PEDS_START) &&
            v * v <= 2.0f * p->b * (box + STOP_SHORT_M - s) + 0.01f) {
            float q = gops_idm_interaction(&idm, v, box + p->s0 - s, 0);
            if (q > inter) inter = q;
            ctx->why[i] = STOP_FOR_PEDS;
        }
        float stop = V->stop_s[i];
        if (stop >= 0 && trf_stops_at_kerb(V->purpose[i]) && s < stop + STOP_MARGIN_M && at_kerb(trf, i)) {
            float q = gops_idm_interaction(&idm, v, stop + p->s0 - s, 0);
            if (q > inter) inter = q;
        }
        float acc = gops_idm_combine(&idm, gops_idm_free(&idm, v), inter);
        // Slower through turns and into garages: reach the turning speed at the arc's end.
        float v_turn = INFINITY, d_turn = 0;
        if (stop >= 0 && V->purpose[i] == GOPS_PURPOSE_GARAGE) {
            v_turn = GARAGE_SPEED_MPS;
            d_turn = stop - s;
        } else if (nb != GOPS_TNET_NONE && V->cls[i] != GOPS_VCLASS_EBIKE) {
            gops_turn_kind_t kind = trf_turn_kind(net, arc, nb);
            if (kind == GOPS_TURN_RIGHT || kind == GOPS_TURN_UTURN) v_turn = (float)trf->params.turn_speed_right_mps;
            else if (kind == GOPS_TURN_LEFT) v_turn = (float)trf->params.turn_speed_left_mps;
            d_turn = A->length - s;
        }
        if (v > v_turn && d_turn > -0.5f) {
            float need = (v * v - v_turn * v_turn) / (2.0f * (d_turn > 0.5f ? d_turn : 0.5f));
            if (need > 0.3f * p->b && -need < acc) acc = need > GOPS_IDM_MAX_DECEL ? -GOPS_IDM_MAX_DECEL : -need;
        }
        V->acc[i] = acc;
    }
}

static void move_range(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    (void)chunk;
    move_ctx_t *ctx = user;
    gops_traffic_t *trf = ctx->trf;
    const gops_tnet_t *net = trf->net;
    const gops_vehicles_t *V = &trf->veh;
    const gops_lane_index_t *X = &trf->index;
    float dt = (float)trf->dt;
    for (uint32_t i = begin; i < end; i++) {
        float s = V->s[i], v = V->v[i];
        if (V->state[i] == GOPS_VSTATE_DWELL) {
            ctx->s_next[i] = s;
            ctx->v_next[i] = 0;
            continue;
        }
        float v1;
        float s1 = s + gops_idm_advance(v, V->acc[i], dt, &v1);
        // Hard bound against the leader's position at the start of the step (it only moves
        // forward), so bumpers never overlap whatever the accelerations were.
        uint32_t lane = V->lane[i];
        uint32_t j = gops_lane_leader(X, lane, i);
        float limit = INFINITY, v_lead = 0;
        if (j != UINT32_MAX) {
            limit = V->s[j] - trf->params.vclass[V->cls[j]].length - MIN_GAP_M;
            v_lead = V->v[j];
        } else if (V->next_arc[i] != GOPS_TNET_NONE && V->stop_s[i] < 0) {
            uint32_t arc = net->lanes[lane].arc;
            uint32_t el = trf->entry[i];
            uint32_t back = el == UINT32_MAX ? UINT32_MAX : gops_lane_back(X, el);
            if (back != UINT32_MAX) {
                limit = net->arcs[arc].length + V->s[back] - trf->params.vclass[V->cls[back]].length - MIN_GAP_M;
                v_lead = V->v[back];
            }
        }
        if (s1 > limit) {
            s1 = limit > s ? limit : s;
            if (v1 > v_lead) v1 = v_lead;
        }
        ctx->s_next[i] = s1;
        ctx->v_next[i] = v1;
    }
}

// ---- sequential part ---------------------------------------------------------------------

void trf_finish(gops_traffic_t *trf, uint32_t i, bool completed)
{
    gops_vehicles_t *V = &trf->veh;
    if (V->lane[i] == UINT32_MAX) return; // already finishing
    if (completed && gops_vclass_is_motor((gops_vclass_t)V->cls[i]) && !trf->warming) {
        trf->trips_done++;
        trf->trip_time_sum += trf->t - V->t_start[i];
    }
    if (trf->params.recycle && completed) {
        // Benchmarks and long checks keep the fleet: the same vehicle starts a new trip at
        // a gateway.
        uint32_t g = (uint32_t)gops_rng_below(trf->rng, trf->places.gateway_count ? trf->places.gateway_count : 1);
        if (trf->places.gateway_count) {
            trf_entry_t e = {.cls = V->cls[i], .purpose = GOPS_PURPOSE_EXIT, .place = UINT32_MAX, .t_request = trf->t};
            e.dest = trf_demand_exit(trf, trf->places.gateways[g].node);
            trf_demand_queue(trf, g, &e);
        }
    }
    V->lane[i] = UINT32_MAX;
    trf->removals[trf->removal_count++] = i;
}

// Caught inside a closure with every open way out behind it: on along the closed road (not
// a U-turn, not against a one-way rule), a driver's own draw among the ways, until an open
// arc is reachable and routing takes over again.
static uint32_t drive_off(const gops_traffic_t *trf, uint32_t arc, uint32_t driver)
{
    const gops_tnet_arc_t *A = &trf->net->arcs[arc];
    uint32_t options = 0;
    for (uint32_t t = A->first_turn; t < A->first_turn + A->turn_count; t++)
        options += trf->net->turns[t].kind != GOPS_TURN_UTURN && trf_may_enter(trf, arc, trf->net->turns[t].to_arc);
    if (options == 0) return GOPS_TNET_NONE;
    uint32_t pick = (uint32_t)(gops_routing_draw(driver, arc) * (float)options);
    if (pick >= options) pick = options - 1;
    for (uint32_t t = A->first_turn; t < A->first_turn + A->turn_count; t++) {
        const gops_tnet_turn_t *T = &trf->net->turns[t];
        if (T->kind == GOPS_TURN_UTURN || !trf_may_enter(trf, arc, T->to_arc)) continue;
        if (pick-- == 0) return T->to_arc;
    }
    return GOPS_TNET_NONE;
}

void trf_enter_arc(gops_traffic_t *trf, uint32_t i, uint32_t arc)
{
    gops_vehicles_t *V = &trf->veh;
    V->t_arc[i] = trf->t;
    V->stop_s[i] = -1;
    uint16_t d = V->dest[i];
    if (V->purpose[i] == GOPS_PURPOSE_WANDER || d == GOPS_ROUTE_NONE) {
        V->next_arc[i] = gops_routing_wander(&trf->routing, trf->net, arc, V->id[i], (uint32_t)trf->steps);
        return;
    }
    float st;
    if (gops_routing_is_target(&trf->routing, d, arc, &st) && st >= V->s[i] - 0.5f) {
        V->stop_s[i] = st;
        V->next_arc[i] = GOPS_TNET_NONE;
        return;
    }
    uint32_t nb = gops_routing_next(&trf->routing, trf->net, d, arc, V->id[i], 0);
    if (nb == GOPS_TNET_NONE && V->purpose[i] != GOPS_PURPOSE_BUS_STOP) {
        // The destination cannot be reached (closures): leave the map instead, or drive on.
        // First where this arc leaves it: a random exit could lie behind the closure, and a
        // driver at the edge of the map with nowhere to go stood there until the stuck
        // limit (a taxi on the summit's closed motorcade route, for 5 minutes).
        uint32_t here = trf->places.gateway_of_node[trf->net->arcs[arc].to];
        for (int tries = 0; tries < 5 && nb == GOPS_TNET_NONE; tries++) {
            uint16_t e = tries == 0 ? (here == GOPS_TNET_NONE ? GOPS_ROUTE_NONE : trf->places.gateways[here].dest)
                                    : trf_demand_exit(trf, GOPS_TNET_NONE);
            if (tries == 0 && e == GOPS_ROUTE_NONE) continue;
            if (e == GOPS_ROUTE_NONE) break;
            nb = gops_routing_next(&trf->routing, trf->net, e, arc, V->id[i], 0);
            if (nb != GOPS_TNET_NONE || (gops_routing_is_target(&trf->routing, e, arc, &st) && st >= V->s[i])) {
                V->dest[i] = e;
                V->purpose[i] = GOPS_PURPOSE_EXIT;
                V->place[i] = UINT32_MAX;
                if (nb == GOPS_TNET_NONE) {
                    V->stop_s[i] = st;
                    return;
                }
            }
        }
        if (nb == GOPS_TNET_NONE) nb = gops_routing_wander(&trf->routing, trf->net, arc, V->id[i], (uint32_t)trf->steps);
    }
    if (nb == GOPS_TNET_NONE && (trf->arc_flags[arc] & TRF_ARC_CLOSED)) nb = drive_off(trf, arc, V->id[i]);
    V->next_arc[i] = nb;
}

// A leg ends at a garage: park when there is space, else cruise to another garage, and
// after two full garages double-park or give up and leave.
static void arrive_garage(gops_traffic_t *trf, uint32_t i, uint32_t arc)
{
    gops_vehicles_t *V = &trf->veh;
    gops_place_t *pl = &trf->places.items[V->place[i]];
    if (pl->occupied < pl->capacity) {
        pl->occupied++;
        trf_finish(trf, i, true);
        return;
    }
    V->aux[i]++;
    if (V->aux[i] >= 3) {
        if (gops_rng_uniform(trf->rng) < trf_parking_double_park_p(trf, arc, GOPS_PURPOSE_GARAGE, true)) {
            V->state[i] = GOPS_VSTATE_DWELL;
            V->dwell_kind[i] = GOPS_DWELL_DOUBLE_PARK;
            V->dwell[i] = (float)gops_rng_exponential(trf->rng, 600.0);
            V->v[i] = 0;
            V->purpose[i] = GOPS_PURPOSE_ERRAND;
            return;
        }
        V->purpose[i] = GOPS_PURPOSE_EXIT;
        V->place[i] = UINT32_MAX;
        V->dest[i] = trf_demand_exit(trf, GOPS_TNET_NONE);
        trf_enter_arc(trf, i, arc);
        return;
    }
    // The nearest garage with space by travel time from here.
    uint32_t best = UINT32_MAX;
    float best_c = INFINITY;
    for (uint32_t p = trf->places.first[GOPS_PLACE_GARAGE]; p < trf->places.first[GOPS_PLACE_GARAGE + 1]; p++) {
        const gops_place_t *g = &trf->places.items[p];
        if (p == V->place[i] || g->occupied >= g->capacity) continue;
        uint32_t nb = gops_routing_next(&trf->routing, trf->net, g->dest, arc, V->id[i], 0);
        if (nb == GOPS_TNET_NONE) continue;
        float c = trf->routing.cost[(size_t)g->dest * trf->routing.arc_count + nb];
        if (c < best_c) best_c = c, best = p;
    }
    if (best == UINT32_MAX) {
        V->aux[i] = 3;
        arrive_garage(trf, i, arc);
        return;
    }
    V->place[i] = best;
    V->dest[i] = trf->places.items[best].dest;
    trf_enter_arc(trf, i, arc);
}

// Starts dwelling at the kerb, or ends the trip, by purpose.
static void arrive_stop(gops_traffic_t *trf, uint32_t i, uint32_t arc)
{
    gops_vehicles_t *V = &trf->veh;
    V->v[i] = 0;
    V->stop_s[i] = -1;
    switch ((gops_purpose_t)V->purpose[i]) {
    case GOPS_PURPOSE_EBIKE_PARK:
        trf_parking_ebike_arrives(trf, V->place[i], arc);
        trf_finish(trf, i, true);
        return;
    case GOPS_PURPOSE_BUS_STOP:
        V->state[i] = GOPS_VSTATE_DWELL;
        V->dwell_kind[i] = GOPS_DWELL_STOP;
        V->dwell[i] = (float)trf_buses_board(trf, V->place[i]);
        return;
    case GOPS_PURPOSE_DROPOFF:
    case GOPS_PURPOSE_PICKUP:
        V->state[i] = GOPS_VSTATE_DWELL;
        V->dwell_kind[i] = GOPS_DWELL_STOP;
        V->dwell[i] = V->purpose[i] == GOPS_PURPOSE_DROPOFF ? 30.0f : 45.0f;
        return;
    case GOPS_PURPOSE_DELIVERY:
    case GOPS_PURPOSE_ERRAND:
        if (gops_rng_uniform(trf->rng) < trf_parking_double_park_p(trf, arc, (gops_purpose_t)V->purpose[i], false)) {
            V->state[i] = GOPS_VSTATE_DWELL;
            V->dwell_kind[i] = GOPS_DWELL_DOUBLE_PARK;
            V->dwell[i] = (float)gops_rng_exponential(trf->rng, V->purpose[i] == GOPS_PURPOSE_DELIVERY ? 600.0 : 480.0);
        } else {
            trf_finish(trf, i, true); // parked legally (a bay or the garage next door)
        }
        return;
    default:
        trf_finish(trf, i, true);
        return;
    }
}

// The dwell is over: carry on with the next leg.
static void end_dwell(gops_traffic_t *trf, uint32_t i, uint32_t arc)
{
    gops_vehicles_t *V = &trf->veh;
    V->state[i] = GOPS_VSTATE_DRIVE;
    V->dwell_kind[i] = GOPS_DWELL_NONE;
    V->wait[i] = 0;
    if (V->purpose[i] == GOPS_PURPOSE_BUS_STOP) {
        uint32_t line = V->aux[i] >> 16, next = (V->aux[i] & 0xFFFFu) + 1;
        const trf_bus_line_t *L = &trf->buses.lines[line];
        trf->buses.stops_served++;
        if (next < L->stop_count) {
            V->aux[i] = line << 16 | next;
            V->place[i] = trf->buses.line_stops[L->first_stop + next];
            V->dest[i] = trf->places.items[V->place[i]].dest;
        } else {
            V->purpose[i] = GOPS_PURPOSE_EXIT;
            V->place[i] = UINT32_MAX;
            V->dest[i] = trf_exit_dest(trf, L->exit_node);
        }
    } else if (V->purpose[i] == GOPS_PURPOSE_DROPOFF || V->purpose[i] == GOPS_PURPOSE_PICKUP ||
               V->purpose[i] == GOPS_PURPOSE_ERRAND || V->purpose[i] == GOPS_PURPOSE_DELIVERY ||
               V->purpose[i] == GOPS_PURPOSE_GARAGE) {
        V->purpose[i] = GOPS_PURPOSE_EXIT;
        V->place[i] = UINT32_MAX;
        V->dest[i] = trf_demand_exit(trf, GOPS_TNET_NONE);
    }
    trf_enter_arc(trf, i, arc);
}

// Vehicle i leaves arc `arc` by its end: a flow count and a traversal time.
static void count_exit(gops_traffic_t *trf, uint32_t i, uint32_t arc)
{
    const gops_vehicles_t *V = &trf->veh;
    if (!gops_vclass_is_motor((gops_vclass_t)V->cls[i]) || trf->warming) return;
    trf->measures.cur[arc] += 1.0;
    trf->tt_sum[arc] += (float)(trf->t - V->t_arc[i]);
    trf->tt_n[arc]++;
}

// Crossing the end of arc `arc` with `over` metres to spare: into the next arc if there is
// room, else it waits at the end.
static void transfer(gops_traffic_t *trf, uint32_t i, uint32_t arc, float over)
{
    gops_vehicles_t *V = &trf->veh;
    const gops_tnet_t *net = trf->net;
    const gops_tnet_arc_t *A = &net->arcs[arc];
    uint32_t lane = V->lane[i], k = net->lanes[lane].index;
    uint32_t nb = V->next_arc[i];
    if (nb != GOPS_TNET_NONE && V->cls[i] != GOPS_VCLASS_EBIKE && k < A->lanes &&
        !gops_tnet_lane_allows(net, arc, k, trf_turn_kind(net, arc, nb))) {
        // In the wrong lane at the stop line: take a movement this lane allows.
        uint32_t alt = V->dest[i] != GOPS_ROUTE_NONE && V->purpose[i] != GOPS_PURPOSE_WANDER
                           ? gops_routing_next(&trf->routing, net, V->dest[i], arc, V->id[i], net->lanes[lane].allow)
                           : GOPS_TNET_NONE;
        if (alt != GOPS_TNET_NONE) nb = V->next_arc[i] = alt;
    }
    if (nb == GOPS_TNET_NONE || !trf_may_enter(trf, arc, nb)) {
        V->s[i] = A->length;
        V->v[i] = 0;
        return;
    }
    uint32_t el = trf->entry[i];
    if (el == UINT32_MAX || net->lanes[el].arc != nb) el = entry_lane(trf, arc, k, nb, trf_turn_kind(net, arc, nb), V->cls[i]);
    // Room behind the last vehicle of the target lane, including vehicles that entered it
    // earlier in this step.
    float room = net->arcs[nb].length - 0.1f;
    uint32_t back = gops_lane_back(&trf->index, el);
    if (back != UINT32_MAX && V->lane[back] == el)
        room = trf->s_next[back] - trf->params.vclass[V->cls[back]].length - MIN_GAP_M;
    if (trf->lane_tail_mark[el] == trf->steps + 1 && trf->lane_tail[el] < room) room = trf->lane_tail[el];
    if (over > room) over = room;
    if (over < 0) {
        V->s[i] = A->length;
        if (V->v[i] > 0) V->v[i] = 0;
        return;
    }
    count_exit(trf, i, arc);
    V->lane[i] = el;
    V->s[i] = over;
    trf->lane_tail[el] = over - trf->params.vclass[V->cls[i]].length - MIN_GAP_M;
    trf->lane_tail_mark[el] = (uint32_t)(trf->steps + 1);
    trf->index_dirty = true;
    trf_enter_arc(trf, i, nb);
}

static int cmp_desc(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x < y) - (x > y);
}

// A kerbside stop reached in a lane away from the kerb: deliveries and errands park
// legally elsewhere, taxis set down or pick up round the corner (their leg ends here).
static void abandon_stop(gops_traffic_t *trf, uint32_t i, uint32_t arc)
{
    gops_vehicles_t *V = &trf->veh;
    V->stop_s[i] = -1;
    if (V->purpose[i] == GOPS_PURPOSE_DELIVERY || V->purpose[i] == GOPS_PURPOSE_ERRAND) {
        trf_finish(trf, i, true);
        return;
    }
    V->purpose[i] = GOPS_PURPOSE_EXIT;
    V->place[i] = UINT32_MAX;
    V->dest[i] = trf_demand_exit(trf, GOPS_TNET_NONE);
    trf_enter_arc(trf, i, arc);
}

// Where an arc has a single general lane, a driver stopped behind a vehicle standing at the
// kerb (double-parked, at a stop) passes it by the opposite lane, one driver every
// PASS_INTERVAL_S, when there is room in front of it.
static void pass_blocker(gops_traffic_t *trf, uint32_t i, uint32_t lane, const gops_tnet_arc_t *A)
{
    gops_vehicles_t *V = &trf->veh;
    if (A->lanes - A->first_general > 1 || V->v[i] >= TRF_STOPPED_MPS || V->cls[i] == GOPS_VCLASS_EBIKE) return;
    uint32_t j = gops_lane_leader(&trf->index, lane, i);
    if (j == UINT32_MAX || V->state[j] != GOPS_VSTATE_DWELL || V->lane[j] != lane || V->lc_timer[j] > 0) return;
    float len = trf_class(trf, i)->length;
    if (V->s[j] - trf->params.vclass[V->cls[j]].length - V->s[i] > trf_class(trf, i)->s0 + 2.0f) return;
    // Past the whole row of standing vehicles, into the first gap long enough.
    uint32_t last = j, k = gops_lane_leader(&trf->index, lane, j);
    while (k != UINT32_MAX && V->lane[k] == lane && V->state[k] == GOPS_VSTATE_DWELL &&
           V->s[k] - trf->params.vclass[V->cls[k]].length - V->s[last] < len + 3.0f) {
        last = k;
        k = gops_lane_leader(&trf->index, lane, k);
    }
    float to = V->s[last] + len + 1.0f;
    if (to >= A->stop_pos) return;
    if (k != UINT32_MAX && V->lane[k] == lane && trf->s_next[k] - trf->params.vclass[V->cls[k]].length < to + 2.0f) return;
    V->s[i] = to;
    V->v[i] = PASS_SPEED_MPS;
    V->lc_timer[j] = PASS_INTERVAL_S;
    trf->index_dirty = true;
}

// A driver whose stop lies just beyond a vehicle standing at the kerb stops behind it
// (sets down there, turns into the garage from there, double-parks in a row).
static bool blocked_short_of_stop(const gops_traffic_t *trf, uint32_t i, uint32_t lane)
{
    const gops_vehicles_t *V = &trf->veh;
    if (V->stop_s[i] < 0 || V->v[i] >= TRF_STOPPED_MPS || V->purpose[i] == GOPS_PURPOSE_EXIT ||
        V->stop_s[i] - V->s[i] > BLOCKED_ARRIVAL_M)
        return false;
    uint32_t j = gops_lane_leader(&trf->index, lane, i);
    return j != UINT32_MAX && V->lane[j] == lane && V->state[j] == GOPS_VSTATE_DWELL &&
           V->s[j] - trf->params.vclass[V->cls[j]].length - V->s[i] < trf_class(trf, i)->s0 + 2.0f;
}

void trf_move(gops_traffic_t *trf)
{
    gops_vehicles_t *V = &trf->veh;
    const gops_tnet_t *net = trf->net;
    uint32_t n = V->count;
    move_ctx_t ctx = {.trf = trf, .s_next = trf->s_next, .v_next = trf->v_next, .why = trf->why};
    gops_parallel_for(n, trf->threads, accel_range, &ctx);
    gops_parallel_for(n, trf->threads, move_range, &ctx);
    float dt = (float)trf->dt;
    trf->removal_count = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t lane = V->lane[i];
        uint32_t arc = net->lanes[lane].arc;
        const gops_tnet_arc_t *A = &net->arcs[arc];
        bool head = gops_lane_leader(&trf->index, lane, i) == UINT32_MAX;
        float s_old = V->s[i];
        if (trf->detectors.count) trf_detectors_pass(trf, i, arc, s_old, trf->s_next[i]);
        V->s[i] = trf->s_next[i];
        V->v[i] = trf->v_next[i];
        if (V->lc_timer[i] > 0) V->lc_timer[i] -= dt;
        if (trf->why[i] == STOP_FOR_PEDS && V->v[i] < 1.0f) {
            trf_crossings_note_held(trf, i);
            if (!trf->warming) trf->crossings.vehicle_delay_s += dt;
        }
        if (V->state[i] == GOPS_VSTATE_DWELL) {
            if (!trf->warming && gops_vclass_is_motor((gops_vclass_t)V->cls[i])) trf->lane_blocked_s += dt;
            V->dwell[i] -= dt;
            if (V->dwell[i] <= 0) end_dwell(trf, i, arc);
            continue;
        }
        float stop = V->stop_s[i];
        if (stop >= 0) {
            uint8_t purpose = V->purpose[i];
            if (purpose == GOPS_PURPOSE_EXIT) {
                if (V->s[i] >= A->length - 0.05f) {
                    count_exit(trf, i, arc);
                    trf_finish(trf, i, true);
                    continue;
                }
            } else if (purpose == GOPS_PURPOSE_GARAGE) {
                if (V->s[i] >= stop - STOP_MARGIN_M || blocked_short_of_stop(trf, i, lane)) {
                    arrive_garage(trf, i, arc);
                    continue;
                }
            } else if (V->s[i] >= stop - STOP_MARGIN_M || blocked_short_of_stop(trf, i, lane)) {
                if (at_kerb(trf, i)) arrive_stop(trf, i, arc);
                else abandon_stop(trf, i, arc);
                if (V->lane[i] == UINT32_MAX || V->state[i] == GOPS_VSTATE_DWELL) continue;
            }
        }
        uint32_t nb = V->next_arc[i];
        if (nb != GOPS_TNET_NONE && V->cls[i] != GOPS_VCLASS_EBIKE && V->s[i] >= A->stop_pos - WRONG_LANE_M &&
            net->lanes[lane].index < A->lanes &&
            !gops_tnet_lane_allows(net, arc, net->lanes[lane].index, trf_turn_kind(net, arc, nb)) &&
            V->dest[i] != GOPS_ROUTE_NONE && V->purpose[i] != GOPS_PURPOSE_WANDER) {
            // Too late to change lanes: take a movement this lane allows.
            uint32_t alt = gops_routing_next(&trf->routing, net, V->dest[i], arc, V->id[i], net->lanes[lane].allow);
            if (alt != GOPS_TNET_NONE) V->next_arc[i] = alt;
        }
        pass_blocker(trf, i, lane, A);
        if (V->s[i] > A->length) {
            float s_over = V->s[i] - A->length;
            transfer(trf, i, arc, s_over);
            if (V->lane[i] != lane) {
                // Detectors near the start of the arc it entered, passed within this step.
                if (trf->detectors.count)
                    trf_detectors_pass(trf, i, net->lanes[V->lane[i]].arc, s_old - A->length, s_over);
                continue;
            }
        }
        // Stuck detection: standing at the head of a lane (not for a red light's sake alone:
        // a red never lasts the limit).
        if (head && V->v[i] < TRF_STOPPED_MPS) {
            V->wait[i] += dt;
            if (V->wait[i] > trf->params.stuck_limit_s) {
                if (!trf->warming) trf->removed_stuck++;
                trf_finish(trf, i, false);
            }
        } else {
            V->wait[i] = 0;
        }
    }
    if (trf->removal_count > 0) {
        qsort(trf->removals, trf->removal_count, sizeof *trf->removals, cmp_desc);
        for (uint32_t k = 0; k < trf->removal_count; k++) gops_vehicles_remove(V, trf->removals[k]);
        trf->removal_count = 0;
        trf->index_dirty = true;
    }
}

// ---- insertion ---------------------------------------------------------------------------

bool trf_lane_room(const gops_traffic_t *trf, uint32_t lane, float s, float len, float need_front, float need_back)
{
    const gops_vehicles_t *V = &trf->veh;
    if (trf->spawn_mark[lane] == trf->steps + 1) return false; // one insertion per lane and step
    uint32_t ahead, behind;
    gops_lane_neighbours(&trf->index, V->s, lane, s, &ahead, &behind);
    if (ahead != UINT32_MAX && V->s[ahead] - trf->params.vclass[V->cls[ahead]].length - s < need_front) return false;
    if (behind != UINT32_MAX && s - len - V->s[behind] < need_back) return false;
    return true;
}

uint32_t trf_insert(gops_traffic_t *trf, const trf_entry_t *e, uint32_t arc, uint32_t lane, float s, float v)
{
    gops_vehicles_t *V = &trf->veh;
    uint32_t i = gops_vehicles_add(V);
    if (i == UINT32_MAX) return UINT32_MAX;
    if (!trf_reserve_scratch(trf)) {
        gops_vehicles_remove(V, i);
        return UINT32_MAX;
    }
    const gops_vclass_params_t *p = &trf->params.vclass[e->cls];
    V->cls[i] = e->cls;
    V->state[i] = GOPS_VSTATE_DRIVE;
    V->purpose[i] = e->purpose;
    V->lane[i] = lane;
    V->s[i] = s;
    V->v[i] = v;
    double f = p->v0_factor + p->v0_spread * gops_rng_normal(trf->rng);
    double lo = p->v0_factor - 2 * p->v0_spread, hi = p->v0_factor + 2 * p->v0_spread;
    V->vfac[i] = (float)(f < lo ? lo : (f > hi ? hi : f));
    V->dest[i] = e->dest;
    V->place[i] = e->place;
    V->aux[i] = e->aux;
    V->t_start[i] = e->t_request < trf->t ? e->t_request : trf->t;
    V->next_arc[i] = GOPS_TNET_NONE;
    trf->spawn_mark[lane] = (uint32_t)(trf->steps + 1);
    trf->index_dirty = true;
    if (gops_vclass_is_motor((gops_vclass_t)e->cls) && !trf->warming) trf->entered++;
    trf_enter_arc(trf, i, arc);
    return i;
}
