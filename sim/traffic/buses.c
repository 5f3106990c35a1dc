// SPDX-License-Identifier: MIT
// Bus lines and timetables derived from the map's bus stops (TRAFFIC.md): each stop not yet
// served starts a line that enters at the gateway with the quickest way to it and leaves at
// the reachable exit farthest from that entry; every other stop its path passes (kerbside,
// in the direction of travel) joins the line in path order. Buses depart at the headway of
// the time-of-day profile for the mode; at a stop they dwell for boarding and alighting
// (waiting passengers from the crowd, or a Poisson stand-in). Owns lines and stop counts.
// Ordering: stops and lines by place index; departures in line order.
#include "traffic/traffic_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DOOR_S 8.0           // s, opening and closing doors
#define BOARD_S 2.0          // s per boarding passenger
#define ALIGHT_S 1.2         // s per alighting passenger
#define ALIGHT_SHARE 0.8     // alighting passengers per boarding one (stand-in)
#define DWELL_MAX_S 120.0
#define BUS_CAPACITY 80u     // passengers a bus takes at one stop at most
#define TRACE_MAX 1000u      // arcs a traced path may have

// The exact least-cost next arc (no perception error), for laying out lines.
static uint32_t best_next(const gops_traffic_t *trf, uint32_t d, uint32_t from)
{
    const gops_routing_t *r = &trf->routing;
    const gops_tnet_arc_t *A = &trf->net->arcs[from];
    uint32_t best = GOPS_TNET_NONE;
    float best_c = INFINITY;
    for (uint32_t t = A->first_turn; t < A->first_turn + A->turn_count; t++) {
        const gops_tnet_turn_t *T = &trf->net->turns[t];
        float c = r->cost[(size_t)d * r->arc_count + T->to_arc] + gops_routing_penalty((gops_turn_kind_t)T->kind);
        if (r->usable[T->to_arc] && c < best_c) best_c = c, best = T->to_arc;
    }
    return best;
}

// Traces the path from arc `from` (position s) to destination d into arcs[]; returns the
// arc count, 0 when d is not reached.
static uint32_t trace(const gops_traffic_t *trf, uint32_t from, float s, uint32_t d, uint32_t *arcs)
{
    uint32_t n = 0, a = from;
    while (n < TRACE_MAX) {
        arcs[n++] = a;
        float st;
        if (gops_routing_is_target(&trf->routing, d, a, &st) && st >= s) return n;
        a = best_next(trf, d, a);
        s = 0;
        if (a == GOPS_TNET_NONE) return 0;
    }
    return 0;
}

gops_status_t trf_buses_init(gops_traffic_t *trf, gops_error_t *err)
{
    trf_buses_t *B = &trf->buses;
    memset(B, 0, sizeof *B);
    const gops_places_t *P = &trf->places;
    uint32_t first = P->first[GOPS_PLACE_BUS_STOP];
    B->stop_count = P->first[GOPS_PLACE_BUS_STOP + 1] - first;
    B->lines = calloc(B->stop_count + 1, sizeof *B->lines);
    B->line_stops = malloc((B->stop_count + 1) * sizeof *B->line_stops);
    B->waiting_ext = malloc((B->stop_count + 1) * sizeof *B->waiting_ext);
    B->last_bus = calloc(B->stop_count + 1, sizeof *B->last_bus);
    B->boarded = calloc(B->stop_count + 1, sizeof *B->boarded);
    bool *served = calloc(B->stop_count + 1, sizeof *served);
    uint32_t *path = malloc(2 * TRACE_MAX * sizeof *path);
    gops_status_t st = GOPS_OK;
    if (!B->lines || !B->line_stops || !B->waiting_ext || !B->last_bus || !B->boarded || !served || !path) {
        st = gops_error_set(err, GOPS_NOMEM, "traffic buses: out of memory");
        goto cleanup;
    }
    for (uint32_t k = 0; k < B->stop_count; k++) B->waiting_ext[k] = -1;
    uint32_t placed = 0;
    for (uint32_t k = 0; k < B->stop_count; k++) {
        if (served[k]) continue;
        const gops_place_t *stop = &P->items[first + k];
        // Entry: the gateway with the least cost to the stop.
        uint32_t entry = GOPS_TNET_NONE;
        float best = INFINITY;
        for (uint32_t g = 0; g < P->gateway_count; g++) {
            uint32_t a = P->gateways[g].entry_arc;
            if (a == GOPS_TNET_NONE) continue;
            float c = trf->routing.cost[(size_t)stop->dest * trf->routing.arc_count + a];
            if (c < best) best = c, entry = g;
        }
        if (entry == GOPS_TNET_NONE) continue;
        // Exit: the reachable one farthest from the entry.
        gops_point_t at = trf->net->nodes[P->gateways[entry].node].at;
        uint32_t exit = GOPS_TNET_NONE;
        double far = -1;
        uint32_t n1 = trace(trf, P->gateways[entry].entry_arc, 0, stop->dest, path);
        if (n1 == 0) continue;
        uint32_t n2 = 0;
        for (uint32_t g = 0; g < P->gateway_count; g++) {
            const gops_gateway_t *G = &P->gateways[g];
            if (G->dest == GOPS_ROUTE_NONE || G->node == P->gateways[entry].node) continue;
            gops_point_t q = trf->net->nodes[G->node].at;
            double d = hypot(q.x - at.x, q.y - at.y);
            if (d <= far) continue;
            uint32_t n = trace(trf, stop->arc, stop->s, G->dest, path + n1);
            if (n > 0) far = d, exit = g, n2 = n;
        }
        if (exit == GOPS_TNET_NONE) continue;
        n2 = trace(trf, stop->arc, stop->s, P->gateways[exit].dest, path + n1);
        trf_bus_line_t *L = &B->lines[B->line_count];
        L->entry_gateway = entry;
        L->exit_node = P->gateways[exit].node;
        L->first_stop = placed;
        // Stops on the path in order: arc by arc, and by position along an arc.
        for (uint32_t q = 0; q < n1 + n2; q++) {
            if (q == n1 - 1) continue; // the stop's own arc appears again first in the second part
            uint32_t a = path[q];
            for (;;) {
                uint32_t pick = GOPS_TNET_NONE;
                float pick_s = INFINITY;
                for (uint32_t m = 0; m < B->stop_count; m++) {
                    const gops_place_t *o = &P->items[first + m];
                    bool mine = m == k;
                    if ((served[m] && !mine) || o->arc != a) continue;
                    bool listed = false;
                    for (uint32_t z = L->first_stop; z < placed; z++) listed |= B->line_stops[z] == first + m;
                    if (listed || o->s >= pick_s) continue;
                    pick = m;
                    pick_s = o->s;
                }
                if (pick == GOPS_TNET_NONE) break;
                served[pick] = true;
                B->line_stops[placed++] = first + pick;
            }
        }
        L->stop_count = placed - L->first_stop;
        L->offset_s = (B->line_count * 97) % 600;
        L->next_departure = -INFINITY;
        B->line_count++;
    }
cleanup:
    free(served);
    free(path);
    return st;
}

void trf_buses_free(gops_traffic_t *trf)
{
    trf_buses_t *B = &trf->buses;
    free(B->lines);
    free(B->line_stops);
    free(B->waiting_ext);
    free(B->last_bus);
    free(B->boarded);
    memset(B, 0, sizeof *B);
}

void trf_buses_step(gops_traffic_t *trf)
{
    trf_buses_t *B = &trf->buses;
    trf_demand_t *D = &trf->demand;
    if (!trf->params.demand || !D->loaded) return;
    double headway = gops_tprofile_at(&D->buses, D->headway_col[trf->mode], trf_tod(trf)) * 60.0;
    for (uint32_t l = 0; l < B->line_count; l++) {
        trf_bus_line_t *L = &B->lines[l];
        if (!(headway > 0)) {
            L->next_departure = -INFINITY;
            continue;
        }
        if (L->next_departure == -INFINITY) L->next_departure = trf->t + fmod(L->offset_s, headway);
        if (trf->t < L->next_departure) continue;
        L->next_departure += headway;
        if (L->stop_count == 0) continue;
        uint32_t first = trf->buses.line_stops[L->first_stop];
        trf_entry_t e = {.cls = GOPS_VCLASS_BUS, .purpose = GOPS_PURPOSE_BUS_STOP, .place = first,
                         .dest = trf->places.items[first].dest, .aux = l << 16, .t_request = trf->t};
        if (trf_demand_queue(trf, L->entry_gateway, &e) && !trf->warming) B->departures++;
    }
}

// Poisson draw (Knuth's product method for small means, a rounded normal otherwise).
static uint32_t poisson(gops_rng_t *rng, double mean)
{
    if (!(mean > 0)) return 0;
    if (mean > 30) {
        double x = mean + sqrt(mean) * gops_rng_normal(rng);
        return x < 0 ? 0 : (uint32_t)floor(x + 0.5);
    }
    double limit = exp(-mean), prod = gops_rng_uniform(rng);
    uint32_t k = 0;
    while (prod > limit) {
        prod *= gops_rng_uniform(rng);
        k++;
    }
    return k;
}

double trf_buses_board(gops_traffic_t *trf, uint32_t place)
{
    trf_buses_t *B = &trf->buses;
    uint32_t k = place - trf->places.first[GOPS_PLACE_BUS_STOP];
    if (k >= B->stop_count) return DOOR_S;
    uint32_t board;
    if (B->waiting_ext[k] >= 0) {
        board = B->waiting_ext[k] < (int64_t)BUS_CAPACITY ? (uint32_t)B->waiting_ext[k] : BUS_CAPACITY;
        B->waiting_ext[k] -= board;
    } else {
        double rate = trf->demand.loaded ? gops_tprofile_at(&trf->demand.buses, trf->demand.board_col, trf_tod(trf)) : 0;
        double since = trf->t - B->last_bus[k];
        if (since > 3600) since = 3600;
        board = poisson(trf->rng, rate * trf->params.demand_scale * since / 3600.0);
        if (board > BUS_CAPACITY) board = BUS_CAPACITY;
    }
    B->last_bus[k] = trf->t;
    if (!trf->warming) B->boarded[k] += board;
    double dwell = DOOR_S + BOARD_S * board + ALIGHT_S * floor(ALIGHT_SHARE * board + 0.5);
    return dwell < DWELL_MAX_S ? dwell : DWELL_MAX_S;
}
