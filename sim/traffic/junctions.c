// SPDX-License-Identifier: MIT
// Junction control for one step: red and yellow signals per arc, and for minor roads and
// roundabout entries the time until the next vehicle of the priority stream reaches the
// junction, against which drivers accept a gap (the critical gap, shrinking as a driver
// waits: movement.c). Turns between minor roads are not in conflict in this model; the
// signal plans are signals.c's.
// Ordering: arcs in id order; each arc's flags depend only on the state at the step start.
#include "traffic/traffic_internal.h"

#include <math.h>

#define GAP_LOOK_M 80.0f   // major-road vehicles farther than this are ignored
#define GAP_VEHICLES 3u    // and so are all but the first few of each lane
#define GAP_MIN_SPEED 0.5f // m/s: a crawling vehicle still counts as arriving

// The least time (s) any vehicle on a priority approach of arc a's junction needs to get
// there; INFINITY when none is coming. Vehicles about to turn right off the priority road
// do not cross the minor road's path and are left out.
static float conflict_time(const gops_traffic_t *trf, uint32_t a)
{
    const gops_tnet_t *net = trf->net;
    const gops_tnet_node_t *n = &net->nodes[net->arcs[a].to];
    const gops_vehicles_t *V = &trf->veh;
    float best = INFINITY;
    for (uint32_t k = 0; k < n->in_count; k++) {
        uint32_t m = net->node_arcs[n->first_in + k];
        const gops_tnet_arc_t *M = &net->arcs[m];
        if (m == a || M->control != GOPS_ARC_FREE) continue;
        for (uint32_t l = 0; l < M->lanes; l++) {
            uint32_t lane = M->first_lane + l;
            uint32_t b = trf->index.start[lane], e = trf->index.start[lane + 1];
            for (uint32_t q = b; q < e && q < b + GAP_VEHICLES; q++) {
                uint32_t j = trf->index.items[q];
                float d = M->length - V->s[j];
                if (d > GAP_LOOK_M) break;
                if (V->state[j] == GOPS_VSTATE_DWELL) continue;
                if (V->next_arc[j] != GOPS_TNET_NONE && trf_turn_kind(net, m, V->next_arc[j]) == GOPS_TURN_RIGHT) continue;
                float v = V->v[j] > GAP_MIN_SPEED ? V->v[j] : GAP_MIN_SPEED;
                if (d / v < best) best = d / v;
            }
        }
    }
    return best;
}

void trf_junctions_update(gops_traffic_t *trf)
{
    const gops_tnet_t *net = trf->net;
    float gap = (float)trf->params.critical_gap_s, gap_r = (float)trf->params.critical_gap_roundabout_s;
    for (uint32_t a = 0; a < net->arc_count; a++) {
        const gops_tnet_arc_t *A = &net->arcs[a];
        uint8_t go = 0;
        if (A->control == GOPS_ARC_SIGNAL) {
            uint8_t st = trf->signals.state[a];
            if (st == GOPS_SIGNAL_RED) go |= TRF_GO_RED;
            else if (st == GOPS_SIGNAL_YELLOW) go |= TRF_GO_YELLOW;
        }
        if (A->crossing_start != GOPS_TNET_NONE && trf_crossing_holds(trf, A->crossing_start, 1)) go |= TRF_GO_PEDS;
        // Lanes of an arc are contiguous, non-motor lane last: any vehicle waiting there?
        uint32_t waiting = trf->index.start[A->first_lane + A->lanes + 1] - trf->index.start[A->first_lane];
        trf->arc_tta[a] = INFINITY;
        if ((A->control == GOPS_ARC_YIELD || A->control == GOPS_ARC_ROUNDABOUT) && waiting > 0) {
            trf->arc_tta[a] = conflict_time(trf, a);
            if (trf->arc_tta[a] < (A->control == GOPS_ARC_ROUNDABOUT ? gap_r : gap)) go |= TRF_GO_WAIT;
        }
        trf->arc_go[a] = go;
    }
}
