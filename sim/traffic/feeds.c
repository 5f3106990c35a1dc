// SPDX-License-Identifier: MIT
// Vehicles a scenario brings in itself, for lab networks and validation: cars placed
// standing (or moving) evenly along a chain of arcs, and feeds that send cars from one
// gateway to another, at a steady rate (evenly spaced in time) or keeping a queue waiting
// to enter (a saturated approach). The profile demand (demand.c) is separate and usually
// off on labs. Ordering: feeds in the order they were set, before the gateways' queues empty.
#include "traffic/traffic_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

uint32_t gops_traffic_place(gops_traffic_t *trf, const uint32_t *arcs, uint32_t arc_count, uint32_t count,
                            uint32_t lane, double v)
{
    const gops_tnet_t *net = trf->net;
    double total = 0;
    for (uint32_t k = 0; k < arc_count; k++) {
        if (arcs[k] >= net->arc_count || lane >= net->arcs[arcs[k]].lanes) return 0;
        total += net->arcs[arcs[k]].length;
    }
    if (count == 0 || !(total > 0) || !(v >= 0)) return 0;
    double spacing = total / count;
    const gops_vclass_params_t *car = &trf->params.vclass[GOPS_VCLASS_CAR];
    if (spacing < car->length + 0.5) return 0; // would overlap
    uint32_t placed = 0, k = 0;
    double start = 0; // of arc k along the chain
    for (uint32_t n = 0; n < count; n++) {
        // Each car's front half a spacing in from the start of its share of the chain.
        double at = (n + 0.5) * spacing;
        while (k + 1 < arc_count && at >= start + net->arcs[arcs[k]].length) start += net->arcs[arcs[k++]].length;
        double s = at - start;
        const gops_tnet_arc_t *A = &net->arcs[arcs[k]];
        if (s < car->length) s = car->length; // the whole car on its arc
        if (s > A->length) s = A->length;
        trf_entry_t e = {.cls = GOPS_VCLASS_CAR, .purpose = GOPS_PURPOSE_WANDER, .dest = GOPS_ROUTE_NONE,
                         .place = UINT32_MAX, .t_request = trf->t > 0 ? trf->t : 0};
        uint32_t lid = gops_tnet_lane(net, arcs[k], lane);
        trf->spawn_mark[lid] = 0; // several cars per lane in one call
        if (!trf_lane_room(trf, lid, (float)s, car->length, 0.1f, 0.1f)) continue; // someone stands there
        if (trf_insert(trf, &e, arcs[k], lid, (float)s, (float)v) == UINT32_MAX) break;
        trf->spawn_mark[lid] = 0;
        trf_index_refresh(trf);
        placed++;
    }
    return placed;
}

gops_status_t gops_traffic_set_feed(gops_traffic_t *trf, uint32_t from_node, uint32_t exit_node, double per_hour,
                                    uint32_t keep, gops_error_t *err)
{
    const gops_places_t *P = &trf->places;
    uint32_t g = from_node < trf->net->node_count ? P->gateway_of_node[from_node] : GOPS_TNET_NONE;
    if (g == GOPS_TNET_NONE || P->gateways[g].entry_arc == GOPS_TNET_NONE)
        return gops_error_set(err, GOPS_BAD_VALUE, "traffic feed: node %u is not a gateway where vehicles can enter the map",
                              from_node);
    uint16_t dest = exit_node < trf->net->node_count ? trf_exit_dest(trf, exit_node) : GOPS_ROUTE_NONE;
    if (dest == GOPS_ROUTE_NONE)
        return gops_error_set(err, GOPS_BAD_VALUE, "traffic feed: node %u is not a gateway where vehicles can leave the map",
                              exit_node);
    if (!(per_hour >= 0 && per_hour <= 20000))
        return gops_error_set(err, GOPS_BAD_VALUE, "traffic feed: %g vehicles per hour is out of range: expected 0 to 20000",
                              per_hour);
    if (keep > 500)
        return gops_error_set(err, GOPS_BAD_VALUE, "traffic feed: a queue of %u is out of range: expected 0 to 500", keep);
    trf_feeds_t *F = &trf->feeds;
    uint32_t k = 0;
    while (k < F->count && !(F->items[k].gateway == g && F->items[k].dest == dest)) k++;
    if (per_hour == 0 && keep == 0) { // stop it
        if (k < F->count) memmove(&F->items[k], &F->items[k + 1], (F->count - k - 1) * sizeof *F->items), F->count--;
        return GOPS_OK;
    }
    if (k == F->count) {
        if (F->count == F->cap) {
            uint32_t cap = F->cap ? 2 * F->cap : 4;
            trf_feed_t *grown = realloc(F->items, cap * sizeof *grown);
            if (!grown) return gops_error_set(err, GOPS_NOMEM, "traffic feed: out of memory");
            F->items = grown;
            F->cap = cap;
        }
        F->items[F->count++] = (trf_feed_t){.gateway = g, .dest = dest, .owed = 1.0}; // the first car at once
    }
    F->items[k].per_hour = per_hour;
    F->items[k].keep = keep;
    return GOPS_OK;
}

void trf_feeds_step(gops_traffic_t *trf)
{
    trf_feeds_t *F = &trf->feeds;
    for (uint32_t k = 0; k < F->count; k++) {
        trf_feed_t *f = &F->items[k];
        trf_entry_t e = {.cls = GOPS_VCLASS_CAR, .purpose = GOPS_PURPOSE_EXIT, .dest = f->dest, .place = UINT32_MAX,
                         .t_request = trf->t};
        if (f->per_hour > 0) {
            while (f->owed >= 1.0) {
                if (!trf_demand_queue(trf, f->gateway, &e)) break;
                f->owed -= 1.0;
            }
            f->owed += f->per_hour * trf->dt / 3600.0;
        }
        while (trf->demand.queue_len[f->gateway] < f->keep)
            if (!trf_demand_queue(trf, f->gateway, &e)) break;
    }
}

void trf_feeds_free(gops_traffic_t *trf)
{
    free(trf->feeds.items);
    memset(&trf->feeds, 0, sizeof trf->feeds);
}

void trf_feeds_hash(const gops_traffic_t *trf, gops_hash_t *h)
{
    const trf_feeds_t *F = &trf->feeds;
    for (uint32_t k = 0; k < F->count; k++) {
        gops_hash_u64(h, F->items[k].gateway);
        gops_hash_u64(h, F->items[k].dest);
        gops_hash_f64(h, F->items[k].per_hour);
        gops_hash_u64(h, F->items[k].keep);
        gops_hash_f64(h, F->items[k].owed);
    }
}
