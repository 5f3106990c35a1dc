// SPDX-License-Identifier: MIT
// Lane changes after MOBIL (Kesting, Treiber & Helbing 2007): a driver moves to the
// neighbouring lane when the gain in its own IDM acceleration plus a politeness share of
// the followers' gains beats a threshold, and the new follower need not brake harder than
// b_safe. Added biases make drivers reach a lane marked for their next turn, or the kerb
// for a stop, before the stop line. Changes go left on even steps and right on odd ones,
// so two drivers never move into the same lane from both sides at once.
// Ordering: decisions in parallel from the step's start state; applied in vehicle order.
#include "traffic/traffic_internal.h"

#include "core/parallel.h"
#include "traffic/idm.h"

#include <math.h>
#include <stdlib.h>

#define POLITENESS 0.2f
#define THRESHOLD 0.2f      // m/s²
#define B_SAFE 4.0f         // m/s²
#define MIN_SIDE_GAP 1.0f   // m, to the new leader and follower
#define COOLDOWN_S 3.0f
#define BIAS_BASE 1.0f      // m/s², to reach a lane for the next movement
#define BIAS_NEAR 4.0f      // m/s², more of it close to the stop line
#define BIAS_RANGE_M 150.0f
#define BUS_LANE_PULL 0.5f  // m/s², buses keep to their lane
#define BLOCKED_PUSH 6.0f   // m/s², leave a lane blocked by a standing vehicle ahead
#define BLOCKED_RANGE_M 40.0f

// IDM acceleration of vehicle f behind leader l (UINT32_MAX: free road); gap from positions.
static float follow_acc(const gops_traffic_t *trf, uint32_t f, uint32_t l, float f_s, float l_s, float l_v,
                        const gops_tnet_arc_t *A, uint32_t arc)
{
    const gops_vclass_params_t *p = trf_class(trf, f);
    gops_idm_t idm = {.v0 = trf_desired_speed(trf, f, A, arc), .T = p->T, .s0 = p->s0, .a = p->a, .b = p->b};
    float gap = l == UINT32_MAX ? INFINITY : l_s - trf->params.vclass[trf->veh.cls[l]].length - f_s;
    return gops_idm_accel(&idm, trf->veh.v[f], gap, l_v);
}

// Lanes the driver wants to reach (bit per lane), or 0 when any lane will do.
static uint32_t wanted_lanes(const gops_traffic_t *trf, uint32_t i, const gops_tnet_arc_t *A, uint32_t arc, float *dist)
{
    const gops_vehicles_t *V = &trf->veh;
    const gops_tnet_t *net = trf->net;
    if (V->stop_s[i] >= 0 && trf_stops_at_kerb(V->purpose[i])) {
        *dist = V->stop_s[i] - V->s[i];
        return 1u;
    }
    if (V->next_arc[i] == GOPS_TNET_NONE) return 0;
    gops_turn_kind_t kind = trf_turn_kind(net, arc, V->next_arc[i]);
    uint32_t mask = 0;
    for (uint32_t k = A->first_general; k < A->lanes; k++)
        if (gops_tnet_lane_allows(net, arc, k, kind)) mask |= 1u << k;
    *dist = A->stop_pos - V->s[i];
    return mask;
}

// May vehicle i use motor lane k of arc A?
static bool lane_usable(const gops_traffic_t *trf, uint32_t i, const gops_tnet_arc_t *A, uint32_t k)
{
    const gops_vehicles_t *V = &trf->veh;
    if (k >= A->first_general) return true;
    if (V->cls[i] == GOPS_VCLASS_BUS) return true;
    return V->stop_s[i] >= 0 && trf_stops_at_kerb(V->purpose[i]) && V->stop_s[i] - V->s[i] < TRF_KERB_APPROACH_M;
}

static void decide_range(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    (void)chunk;
    gops_traffic_t *trf = user;
    const gops_vehicles_t *V = &trf->veh;
    const gops_tnet_t *net = trf->net;
    const gops_lane_index_t *X = &trf->index;
    int dir = (trf->steps & 1) ? -1 : 1;
    for (uint32_t i = begin; i < end; i++) {
        trf->lc[i] = 0;
        if (V->state[i] != GOPS_VSTATE_DRIVE || V->cls[i] == GOPS_VCLASS_EBIKE || V->lc_timer[i] > 0) continue;
        uint32_t lane = V->lane[i], arc = net->lanes[lane].arc;
        const gops_tnet_arc_t *A = &net->arcs[arc];
        uint32_t k = net->lanes[lane].index;
        int kt = (int)k + dir;
        float s = V->s[i];
        if (kt < 0 || kt >= A->lanes || s >= A->stop_pos - 1.0f || !lane_usable(trf, i, A, (uint32_t)kt)) continue;
        uint32_t target = A->first_lane + (uint32_t)kt;
        float len = trf_class(trf, i)->length;
        uint32_t nl, nf; // new leader and follower
        gops_lane_neighbours(X, V->s, target, s, &nl, &nf);
        if (nl != UINT32_MAX && V->s[nl] - trf->params.vclass[V->cls[nl]].length - s < MIN_SIDE_GAP) continue;
        if (nf != UINT32_MAX && s - len - V->s[nf] < MIN_SIDE_GAP) continue;
        float nf_new = 0, nf_old = 0;
        if (nf != UINT32_MAX) {
            nf_new = follow_acc(trf, nf, i, V->s[nf], s, V->v[i], A, arc);
            if (nf_new < -B_SAFE) continue;
            nf_old = follow_acc(trf, nf, nl, V->s[nf], nl == UINT32_MAX ? 0 : V->s[nl], nl == UINT32_MAX ? 0 : V->v[nl], A, arc);
        }
        uint32_t ol = gops_lane_leader(X, lane, i);
        uint32_t of = X->slot[i] + 1 < X->start[lane + 1] ? X->items[X->slot[i] + 1] : UINT32_MAX;
        float ol_s = ol == UINT32_MAX ? 0 : V->s[ol], ol_v = ol == UINT32_MAX ? 0 : V->v[ol];
        float a_cur = follow_acc(trf, i, ol, s, ol_s, ol_v, A, arc);
        float a_new = follow_acc(trf, i, nl, s, nl == UINT32_MAX ? 0 : V->s[nl], nl == UINT32_MAX ? 0 : V->v[nl], A, arc);
        float of_old = 0, of_new = 0;
        if (of != UINT32_MAX) {
            of_old = follow_acc(trf, of, i, V->s[of], s, V->v[i], A, arc);
            of_new = follow_acc(trf, of, ol, V->s[of], ol_s, ol_v, A, arc);
        }
        float gain = a_new - a_cur + POLITENESS * ((nf_new - nf_old) + (of_new - of_old));
        // Biases: reach a lane for the next movement (or the kerb for a stop) in time.
        float dist = INFINITY, bias = 0;
        uint32_t want = wanted_lanes(trf, i, A, arc, &dist);
        if (want) {
            float near = dist < BIAS_RANGE_M ? 1.0f - (dist > 0 ? dist : 0) / BIAS_RANGE_M : 0.0f;
            float b = BIAS_BASE + BIAS_NEAR * near;
            bool here = want & (1u << k), there = want & (1u << kt);
            if (!here) {
                // Toward the nearest wanted lane?
                int best = -1, best_d = 99;
                for (int q = 0; q < A->lanes; q++)
                    if ((want & (1u << q)) && abs(q - (int)k) < best_d) best_d = abs(q - (int)k), best = q;
                bias = (best - (int)k) * dir > 0 ? b : -b;
            } else if (!there) {
                bias = -b;
            }
        }
        // A vehicle standing at the kerb ahead (double-parked, at a stop): go round it.
        if (ol != UINT32_MAX && V->state[ol] == GOPS_VSTATE_DWELL && ol_s - s < BLOCKED_RANGE_M &&
            !(V->stop_s[i] >= 0 && trf_stops_at_kerb(V->purpose[i])))
            bias += BLOCKED_PUSH;
        if (V->cls[i] == GOPS_VCLASS_BUS && A->first_general) bias += dir < 0 ? BUS_LANE_PULL : -BUS_LANE_PULL;
        if (k < A->first_general && V->cls[i] != GOPS_VCLASS_BUS && !want) bias += BIAS_BASE; // leave the bus lane
        if (gain + bias > THRESHOLD) trf->lc[i] = (int8_t)dir;
    }
}

uint32_t trf_lane_changes(gops_traffic_t *trf)
{
    if (!trf->params.lane_changes || trf->veh.count == 0) return 0;
    gops_parallel_for(trf->veh.count, trf->threads, decide_range, trf);
    uint32_t changed = 0;
    gops_vehicles_t *V = &trf->veh;
    for (uint32_t i = 0; i < V->count; i++) {
        if (!trf->lc[i]) continue;
        V->lane[i] = (uint32_t)((int64_t)V->lane[i] + trf->lc[i]);
        V->lc_timer[i] = COOLDOWN_S;
        changed++;
    }
    if (changed) trf->index_dirty = true;
    return changed;
}
