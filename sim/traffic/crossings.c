// SPDX-License-Identifier: MIT
// Pedestrian crossings: walk / don't-walk states from the signals, and until the crowd
// takes over, a stand-in pedestrian model per crossing (TRAFFIC.md): Poisson arrivals by
// the time-of-day profile; at signals pedestrians cross on walk, and those who are not
// compliant give up waiting after a Weibull-distributed tolerance and cross on red when
// the approaching traffic leaves them a gap; at unsignalised crossings they gather and cross
// as a group in a gap, or force their way after a long wait. Each pedestrian walks from a
// random kerb and is over one half of the road, then the other; vehicles read the halves.
// Ordering: crossings in index order, pedestrians of a crossing in arrival order.
#include "traffic/traffic_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WALK_SPEED_MPS 1.2     // crossing speed, and the clearance a walk phase must leave
#define COMPLIANT_SHARE 0.5    // pedestrians who always wait for walk
#define TOLERANCE_SCALE_S 45.0 // Weibull scale of the others' waiting tolerance
#define TOLERANCE_SHAPE 1.5    // ... and its shape (a hazard rising with the wait)
#define GROUP_SIZE 4u          // unsignalised: a group this large crosses together
#define GROUP_WAIT_S 15.0      // ... or whoever waits this long goes with those waiting
#define PLATOON_GAP_S 0.4      // s between pedestrians of a group stepping off the kerb
#define PED_GAP_S 3.0          // a vehicle this close in time to the crossing is no gap to walk in
#define FORCE_WAIT_S 45.0      // after this long, waiting pedestrians at a zebra go regardless
#define LANE_REACH_M 2.0       // a pedestrian this close to a lane's centre line blocks it
// Drivers' patience. Vehicles yield to anyone on the crossing half they drive over (and a
// turning vehicle to anyone on the crossing of the leg it turns into), so a steady stream
// of pedestrians holds them for ever: at about 1,100 pedestrians an hour a crossing is
// occupied about 90 % of the time, and with the crowd the weekday evening peak locked the
// whole network (1,500 vehicles by 18:05 and still growing, index 10 from 17:36; about
// 450-530 vehicles and index 5-6.5 without the crowd). Drivers edge forward and people let
// them through: once vehicles at a crossing have stood for pedestrians DRIVER_PATIENCE_S
// in all (the count runs down while none stands), the crossing shows "don't walk" to
// pedestrians arriving at the kerb for PEDESTRIAN_YIELD_S, and vehicles drive on past
// those still on it. Signalised crossings too: the conflict is with the turning traffic.
// Assumption (assets/profiles/TRAFFIC.md), not measured.
#define DRIVER_PATIENCE_S 15.0f
#define PEDESTRIAN_YIELD_S 15.0f

static bool traffic_gap(const gops_traffic_t *trf, uint32_t c);

gops_status_t trf_crossings_init(gops_traffic_t *trf, gops_error_t *err)
{
    trf_crossings_t *C = &trf->crossings;
    memset(C, 0, sizeof *C);
    C->count = trf->net->crossing_count;
    C->present = calloc(C->count + 1, sizeof *C->present);
    C->half = calloc(2 * C->count + 1, sizeof *C->half);
    C->walk = calloc(C->count + 1, sizeof *C->walk);
    C->q = calloc(C->count + 1, sizeof *C->q);
    C->held_s = calloc(C->count + 1, sizeof *C->held_s);
    C->yield_s = calloc(C->count + 1, sizeof *C->yield_s);
    C->held_now = calloc(C->count + 1, sizeof *C->held_now);
    if (!C->present || !C->half || !C->walk || !C->q || !C->held_s || !C->yield_s || !C->held_now)
        return gops_error_set(err, GOPS_NOMEM, "traffic crossings: out of memory");
    static const float class_weight[GOPS_ROAD_CLASS_COUNT] = {1.5f, 1.0f, 0.6f, 0.3f};
    for (uint32_t c = 0; c < C->count; c++) {
        const gops_tnet_arc_t *A = &trf->net->arcs[trf->net->crossings[c].arc_out];
        C->q[c].weight = class_weight[A->road_class % GOPS_ROAD_CLASS_COUNT];
        C->q[c].next_arrival = -INFINITY; // drawn at the first update
        C->walk[c] = 1;
    }
    return GOPS_OK;
}

void trf_crossings_free(gops_traffic_t *trf)
{
    trf_crossings_t *C = &trf->crossings;
    for (uint32_t c = 0; C->q && c < C->count; c++) {
        free(C->q[c].deadline);
        free(C->q[c].finish);
        free(C->q[c].red);
    }
    free(C->q);
    free(C->present);
    free(C->half);
    free(C->walk);
    free(C->held_s);
    free(C->yield_s);
    free(C->held_now);
    memset(C, 0, sizeof *C);
}

static bool walk_now(const gops_traffic_t *trf, uint32_t c)
{
    const gops_tnet_crossing_t *X = &trf->net->crossings[c];
    if (trf->crossings.yield_s[c] > 0) return false;
    if (!X->signalised) return true;
    uint32_t ref = X->walk_ref;
    if (trf->net->arcs[ref].control != GOPS_ARC_SIGNAL) return true;
    return trf->signals.state[ref] == GOPS_SIGNAL_RED && trf->signals.to_green[ref] >= X->length_m / WALK_SPEED_MPS;
}

static bool push_wait(trf_ped_queue_t *q, float deadline)
{
    if (q->waiting == q->wait_cap) {
        uint32_t cap = q->wait_cap ? q->wait_cap * 2 : 16;
        float *d = realloc(q->deadline, cap * sizeof *d);
        if (!d) return false;
        q->deadline = d;
        q->wait_cap = cap;
    }
    q->deadline[q->waiting++] = deadline;
    return true;
}

static bool push_walk(trf_ped_queue_t *q, double start, uint8_t flags)
{
    if (q->walking == q->walk_cap) {
        uint32_t cap = q->walk_cap ? q->walk_cap * 2 : 16;
        double *f = realloc(q->finish, cap * sizeof *f);
        if (!f) return false;
        q->finish = f;
        uint8_t *r = realloc(q->red, cap);
        if (!r) return false;
        q->red = r;
        q->walk_cap = cap;
    }
    q->finish[q->walking] = start; // the start; finish = start + the crossing time
    q->red[q->walking] = flags;
    q->walking++;
    return true;
}

// Starts waiting pedestrian k crossing at `start` (removed from the waiting list, order
// kept), from a kerb drawn at random.
static void start_crossing(gops_traffic_t *trf, trf_ped_queue_t *q, uint32_t k, double start, bool red)
{
    uint8_t flags = (uint8_t)(red | (gops_rng_uniform(trf->rng) < 0.5 ? 2 : 0));
    if (!push_walk(q, start, flags)) return;
    memmove(q->deadline + k, q->deadline + k + 1, (q->waiting - k - 1) * sizeof *q->deadline);
    q->waiting--;
}

void trf_crossings_note_held(gops_traffic_t *trf, uint32_t i)
{
    const gops_tnet_t *net = trf->net;
    uint32_t lane = trf->veh.lane[i], next = trf->veh.next_arc[i];
    const gops_tnet_arc_t *A = &net->arcs[net->lanes[lane].arc];
    // At its stop line for people in front, in the junction box before the crossing where
    // its arc leaves it, or waiting to turn into a leg they are crossing.
    bool in_box = A->crossing_start != GOPS_TNET_NONE && (trf->lane_peds[lane] & TRF_LANE_PEDS_START) &&
                  trf->veh.s[i] < net->crossings[A->crossing_start].s_out;
    uint32_t c = (trf->lane_peds[lane] & TRF_LANE_PEDS_END) ? A->crossing_end
                 : in_box                                   ? A->crossing_start
                 : next != GOPS_TNET_NONE                   ? net->arcs[next].crossing_start
                                                            : GOPS_TNET_NONE;
    if (c != GOPS_TNET_NONE && c < trf->crossings.count) trf->crossings.held_now[c] = 1;
}

void trf_crossings_after_move(gops_traffic_t *trf)
{
    trf_crossings_t *C = &trf->crossings;
    float dt = (float)trf->dt;
    for (uint32_t c = 0; c < C->count; c++) {
        if (C->yield_s[c] > 0) {
            C->yield_s[c] -= dt;
        } else if (C->held_now[c]) {
            C->held_s[c] += dt;
            if (C->held_s[c] >= DRIVER_PATIENCE_S) C->yield_s[c] = PEDESTRIAN_YIELD_S, C->held_s[c] = 0;
        } else if (C->held_s[c] > 0) {
            C->held_s[c] -= dt < C->held_s[c] ? dt : C->held_s[c];
        }
        C->held_now[c] = 0;
    }
}

bool gops_traffic_crossing_clear(const gops_traffic_t *trf, uint32_t c)
{
    return c < trf->crossings.count && traffic_gap(trf, c);
}

// True when no vehicle on the leg's approach reaches the crossing within PED_GAP_S (and
// none stands on it).
static bool traffic_gap(const gops_traffic_t *trf, uint32_t c)
{
    const gops_tnet_crossing_t *X = &trf->net->crossings[c];
    const gops_tnet_arc_t *A = &trf->net->arcs[X->arc_in];
    const gops_vehicles_t *V = &trf->veh;
    float at = A->length - X->s_out, half_width = TRF_CROSSING_HALF_M;
    for (uint32_t k = 0; k < A->lanes; k++) {
        uint32_t lane = A->first_lane + k;
        for (uint32_t q = trf->index.start[lane]; q < trf->index.start[lane + 1]; q++) {
            uint32_t j = trf->index.items[q];
            float rear = V->s[j] - trf->params.vclass[V->cls[j]].length;
            if (rear > at + half_width) continue; // past it
            if (V->s[j] >= at - half_width) return false; // on it
            float v = V->v[j] > 0.5f ? V->v[j] : 0.5f;
            if ((at - half_width - V->s[j]) / v < PED_GAP_S) return false;
            break; // the ones behind come later
        }
    }
    return true;
}

// Flags the lanes of `arc` (motor and non-motor) whose centre lies within LANE_REACH_M of a
// pedestrian at lateral position u (m right of the arc's direction).
static void mark_lanes(gops_traffic_t *trf, uint32_t arc, double u, uint8_t flag)
{
    const gops_tnet_arc_t *A = &trf->net->arcs[arc];
    for (uint32_t k = 0; k <= A->lanes; k++) {
        uint32_t lane = A->first_lane + k;
        if (fabs(trf->net->lanes[lane].offset_m - u) < LANE_REACH_M) trf->lane_peds[lane] |= flag;
    }
}

// Pedestrians reported per half by the crowd block the lanes near where they stand
// (gops_traffic_crossing_add_position), or every lane of the half when the crowd gave no
// position near a lane. Blocking every lane for anyone on the half held up all lanes of a
// three-lane approach for the 7 s one pedestrian needs to cross it; with the Erqi crowd
// that alone took the holiday afternoon's congestion index to 8.2 by its second half hour
// (15:50-16:00) instead of about 4 (the stand-in's level: it has always blocked by lane).
static void mark_halves(gops_traffic_t *trf, uint32_t c)
{
    const gops_tnet_crossing_t *X = &trf->net->crossings[c];
    for (int side = 0; side < 2; side++) {
        if (!trf_crossing_holds(trf, c, side)) continue;
        const gops_tnet_arc_t *A = &trf->net->arcs[side ? X->arc_out : X->arc_in];
        uint8_t crowd = side ? TRF_LANE_CROWD_START : TRF_LANE_CROWD_END, flag = side ? TRF_LANE_PEDS_START : TRF_LANE_PEDS_END;
        bool placed = false;
        for (uint32_t k = 0; k <= A->lanes; k++) placed |= (trf->lane_peds[A->first_lane + k] & crowd) != 0;
        for (uint32_t k = 0; k <= A->lanes; k++)
            if (!placed || (trf->lane_peds[A->first_lane + k] & crowd)) trf->lane_peds[A->first_lane + k] |= flag;
    }
}

void gops_traffic_crossings_clear_positions(gops_traffic_t *trf)
{
    for (uint32_t l = 0; l < trf->net->lane_count; l++)
        trf->lane_peds[l] &= (uint8_t)~(TRF_LANE_CROWD_END | TRF_LANE_CROWD_START);
}

void gops_traffic_crossing_add_position(gops_traffic_t *trf, uint32_t c, double u_m)
{
    if (c >= trf->crossings.count) return;
    const gops_tnet_crossing_t *X = &trf->net->crossings[c];
    mark_lanes(trf, X->arc_out, u_m, TRF_LANE_CROWD_START); // as the stand-in's pedestrians
    mark_lanes(trf, X->arc_in, -u_m, TRF_LANE_CROWD_END);
}

static void stand_in(gops_traffic_t *trf, uint32_t c, double rate_ph)
{
    trf_crossings_t *C = &trf->crossings;
    trf_ped_queue_t *q = &C->q[c];
    double t = trf->t, cross_s = trf->net->crossings[c].length_m / WALK_SPEED_MPS;
    double rate = rate_ph * q->weight / 3600.0; // pedestrians per second
    if (q->next_arrival == -INFINITY) q->next_arrival = t + (rate > 0 ? gops_rng_exponential(trf->rng, 1.0 / rate) : 60.0);
    while (q->next_arrival <= t) {
        if (rate > 0) {
            float deadline = INFINITY;
            if (C->walk[c] == 0 || !trf->net->crossings[c].signalised) {
                if (gops_rng_uniform(trf->rng) >= COMPLIANT_SHARE) {
                    double u = gops_rng_uniform(trf->rng);
                    deadline = (float)(q->next_arrival + TOLERANCE_SCALE_S * pow(-log(1.0 - u), 1.0 / TOLERANCE_SHAPE));
                }
            }
            if (q->waiting == 0) q->first_wait = q->next_arrival;
            push_wait(q, deadline);
        }
        q->next_arrival += rate > 0 ? gops_rng_exponential(trf->rng, 1.0 / rate) : 60.0;
    }
    // Releases.
    uint32_t group = 0;
    if (trf->net->crossings[c].signalised) {
        if (C->walk[c]) {
            while (q->waiting > 0) start_crossing(trf, q, 0, t + PLATOON_GAP_S * group++, false);
        } else if (q->waiting > 0 && traffic_gap(trf, c)) {
            for (uint32_t k = 0; k < q->waiting;) {
                if (q->deadline[k] <= t) start_crossing(trf, q, k, t + PLATOON_GAP_S * group++, true);
                else k++;
            }
        }
    } else if (q->waiting > 0) {
        double waited = t - q->first_wait;
        bool ready = q->waiting >= GROUP_SIZE || waited >= GROUP_WAIT_S;
        if ((ready && traffic_gap(trf, c)) || waited >= FORCE_WAIT_S)
            while (q->waiting > 0) start_crossing(trf, q, 0, t + PLATOON_GAP_S * group++, false);
    }
    if (q->waiting > 0 && group > 0) q->first_wait = t;
    // On the crossing: where each one is across the road; arrivals at the far kerb.
    const gops_tnet_crossing_t *X = &trf->net->crossings[c];
    uint32_t keep = 0, half[2] = {0, 0}, on = 0;
    for (uint32_t k = 0; k < q->walking; k++) {
        double start = q->finish[k];
        if (start + cross_s <= t) {
            if (!trf->warming) {
                C->crossed++;
                C->on_red += q->red[k] & 1;
            }
            continue;
        }
        q->finish[keep] = start;
        q->red[keep] = q->red[k];
        keep++;
        if (start > t) continue; // still at the kerb in the group
        // Across the road from -L/2 (the approach lanes' kerb) to +L/2 (the exit lanes').
        double f = (t - start) / cross_s, L = X->length_m;
        double u = (q->red[k] & 2) ? L / 2 - f * L : -L / 2 + f * L;
        half[u > 0 ? 1 : 0]++;
        on++;
        mark_lanes(trf, X->arc_out, u, TRF_LANE_PEDS_START);
        mark_lanes(trf, X->arc_in, -u, TRF_LANE_PEDS_END);
    }
    q->walking = keep;
    C->half[2 * c] = half[0];
    C->half[2 * c + 1] = half[1];
    C->present[c] = on;
}

void trf_crossings_update(gops_traffic_t *trf)
{
    trf_crossings_t *C = &trf->crossings;
    for (uint32_t l = 0; l < trf->net->lane_count; l++) // the crowd's positions stay
        trf->lane_peds[l] &= (uint8_t)~(TRF_LANE_PEDS_END | TRF_LANE_PEDS_START);
    // The warm-up runs inside the run's first step, before the crowd has walked: what the
    // crowd reported then would stand frozen on the crossings for the whole warm-up
    // (600 s), holding every vehicle behind them and filling the network with queues (the
    // Erqi weekday noon started with 566 vehicles in the network instead of 241 and a
    // congestion index of 9). So the stand-in pedestrians keep the crossings during the
    // warm-up, and the crowd takes over with the run proper.
    bool warm_external = C->external && trf->warming;
    bool standin = (!C->external || warm_external) && trf->params.pedestrian_standin;
    if (warm_external && !standin) memset(C->half, 0, 2 * C->count * sizeof *C->half);
    double rate = 0;
    if (standin && trf->demand.loaded)
        rate = gops_tprofile_at(&trf->demand.pedestrians, trf->demand.ped_col[trf->mode], trf_tod(trf)) *
               trf->params.demand_scale;
    for (uint32_t c = 0; c < C->count; c++) {
        C->walk[c] = walk_now(trf, c);
        if (standin) stand_in(trf, c, rate);
        else mark_halves(trf, c);
    }
}
