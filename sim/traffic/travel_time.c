// SPDX-License-Identifier: MIT
// Current driving times over single arcs for other models: what an ordinary car would need
// to cross an arc now, from the arc's state this step, and the time the coordination
// centre's vehicle teams need (they drive with priority). It does not route anyone
// (ops/travel.c searches the road graph with these times) and changes no traffic state.
//
// The rule (also in README.md, "Traffic and operations"), per arc now:
//   closed by a scenario or against a one-way rule: impassable (INFINITY);
//   pedestrians on the carriageway: length / creep speed (1.5 m/s);
//   otherwise the largest of
//     free flow     length / limit;
//     density       length / v(k), with k = motor vehicles on the arc / (length × lanes)
//                   and v(k) = (1/k − (l + s0)) / T, the congested branch of the car
//                   class's IDM steady state (5 m car, 2 m jam gap, T: jam density
//                   1 / 7 m = 143 veh/km/lane), capped at the limit and at least 1 m/s;
//     queue         free flow + the standing queue at the stop line discharged at
//                   3.5 m per second per lane (about 1,800 veh/h at 7 m spacing).
// Responders keep responder_delay_share of the delay above free flow (other drivers pull
// aside, they use the non-motor lane and pass reds carefully): an assumption.
#include "traffic/traffic_internal.h"

#include <math.h>

#define MIN_JAM_SPEED_MPS 1.0 // stop-and-go through a full jam still moves

double gops_traffic_arc_time(const gops_traffic_t *trf, uint32_t arc)
{
    if (arc >= trf->net->arc_count) return INFINITY;
    const gops_tnet_arc_t *A = &trf->net->arcs[arc];
    if ((trf->arc_flags[arc] & (TRF_ARC_OPEN | TRF_ARC_CLOSED)) != TRF_ARC_OPEN) return INFINITY;
    double len = A->length, free_t = A->free_time;
    if (trf->arc_flags[arc] & TRF_ARC_PEDS) return fmax(free_t, len / TRF_CREEP_MPS);
    double t = free_t;
    double lanes = A->lanes > 0 ? A->lanes : 1;
    double on = trf->measures.on_arc[arc];
    if (on > 0 && len > 0) {
        const gops_vclass_params_t *car = &trf->params.vclass[GOPS_VCLASS_CAR];
        double k = on / (len * lanes); // veh/m/lane
        double v = car->T > 0 ? (1.0 / k - (car->length + car->s0)) / car->T : A->speed;
        if (v > A->speed) v = A->speed;
        if (v < MIN_JAM_SPEED_MPS) v = MIN_JAM_SPEED_MPS;
        t = fmax(t, len / v);
    }
    double queue = trf->measures.queue_m[arc];
    if (queue > 0) {
        double general = A->lanes > A->first_general ? A->lanes - A->first_general : 1;
        t = fmax(t, free_t + queue / (TRF_QUEUE_DISCHARGE_MPS * general));
    }
    return t;
}

double gops_traffic_responder_arc_time(void *traffic, uint32_t road_arc, double free_time_s, double now_s)
{
    (void)now_s; // the state now stands for the whole trip (trips take minutes)
    const gops_traffic_t *trf = traffic;
    const gops_road_graph_t *g = trf->district->roads;
    if (road_arc >= g->arc_count) return free_time_s;
    const gops_road_arc_t *ra = &g->arcs[road_arc];
    uint32_t arc = 2 * ra->edge + (ra->backward ? 1u : 0u);
    double t = gops_traffic_arc_time(trf, arc);
    if (!isfinite(t)) return INFINITY;
    double free_t = trf->net->arcs[arc].free_time;
    if (!(free_t > 0)) return free_time_s;
    // Scaled onto the caller's own free-flow time, so both models agree on an empty road.
    double ratio = t / free_t;
    return free_time_s * (1.0 + trf->params.responder_delay_share * (ratio - 1.0));
}
