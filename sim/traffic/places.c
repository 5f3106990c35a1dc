// SPDX-License-Identifier: MIT
// Snapping places to the kerb and listing gateways (places.h). A place lies on the arc
// that has it on its right, as a kerbside stop should; when that direction is not in the
// map (a one-way road), on the only arc there is.
#include "traffic/places.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KERB_CLEAR_M 5.0 // keep a place this far from an arc's start and from its stop line

void gops_places_free(gops_places_t *p)
{
    free(p->items);
    free(p->gateways);
    free(p->gateway_of_node);
    memset(p, 0, sizeof *p);
}

float gops_place_s_on(const gops_place_t *p, uint32_t arc)
{
    if (arc == p->arc) return p->s;
    if (arc == p->arc_other) return p->s_other;
    return -1;
}

static float clear_of_boxes(const gops_tnet_arc_t *A, double s)
{
    double lo = KERB_CLEAR_M, hi = A->stop_pos - KERB_CLEAR_M;
    if (hi < lo) return (float)(A->length / 2);
    return (float)(s < lo ? lo : (s > hi ? hi : s));
}

// Snaps point p; returns false when no road is within reach.
static bool snap(const gops_tnet_t *net, gops_point_t p, bool both_sides, gops_place_t *out)
{
    double s, d;
    bool right;
    uint32_t e = gops_tnet_nearest_edge(net, p, GOPS_PLACE_SNAP_M, &s, &d, &right);
    if (e == GOPS_TNET_NONE) return false;
    uint32_t fwd = 2 * e, back = 2 * e + 1;
    uint32_t kerb = right ? fwd : back, other = right ? back : fwd;
    if (!net->arcs[kerb].in_map) {
        uint32_t t = kerb;
        kerb = other;
        other = t;
    }
    double len = net->arcs[fwd].length;
    out->arc = kerb;
    out->s = clear_of_boxes(&net->arcs[kerb], kerb == fwd ? s : len - s);
    out->arc_other = GOPS_TNET_NONE;
    out->s_other = -1;
    if (both_sides && net->arcs[other].in_map) {
        out->arc_other = other;
        out->s_other = clear_of_boxes(&net->arcs[other], other == fwd ? s : len - s);
    }
    out->at = p;
    return true;
}

gops_status_t gops_places_build(gops_places_t *P, const gops_tnet_t *net, gops_error_t *err)
{
    memset(P, 0, sizeof *P);
    const gops_map_t *map = net->district->map;
    P->items = calloc(map->feature_count + 1, sizeof *P->items);
    P->gateways = calloc(net->node_count + 1, sizeof *P->gateways);
    P->gateway_of_node = malloc((net->node_count + 1) * sizeof *P->gateway_of_node);
    if (!P->items || !P->gateways || !P->gateway_of_node) {
        gops_places_free(P);
        return gops_error_set(err, GOPS_NOMEM, "traffic places: out of memory");
    }
    for (int kind = 0; kind < GOPS_PLACE_KIND_COUNT; kind++) {
        P->first[kind] = P->count;
        for (uint32_t f = 0; f < map->feature_count; f++) {
            const gops_feature_t *F = &map->features[f];
            gops_place_t pl = {.kind = (uint8_t)kind, .feature = f, .dest = UINT16_MAX};
            bool ok = false;
            if (kind == GOPS_PLACE_MALL && F->kind == GOPS_FEAT_BUILDING && F->u.building.category == GOPS_BUILDING_MALL) {
                // The mall's entrance nearest to a road (entrances in feature order on ties).
                double best = INFINITY;
                for (uint32_t k = 0; k < map->feature_count; k++) {
                    const gops_feature_t *E = &map->features[k];
                    if (E->kind != GOPS_FEAT_ENTRANCE || E->u.entrance.building != (int32_t)f) continue;
                    double d;
                    if (gops_tnet_nearest_edge(net, E->at, GOPS_PLACE_SNAP_M, NULL, &d, NULL) != GOPS_TNET_NONE && d < best) {
                        best = d;
                        ok = snap(net, E->at, false, &pl);
                    }
                }
            } else if (F->kind == GOPS_FEAT_TRANSIT) {
                gops_transit_mode_t m = F->u.transit.mode;
                if ((kind == GOPS_PLACE_GARAGE && m == GOPS_TRANSIT_GARAGE) ||
                    (kind == GOPS_PLACE_BUS_STOP && m == GOPS_TRANSIT_BUS_STOP) ||
                    (kind == GOPS_PLACE_STATION && m == GOPS_TRANSIT_RAIL_STATION))
                    ok = snap(net, F->at, kind == GOPS_PLACE_GARAGE, &pl);
                if (kind == GOPS_PLACE_GARAGE)
                    pl.capacity = F->u.transit.capacity > 0 ? (uint32_t)F->u.transit.capacity : 0;
            }
            if (ok) P->items[P->count++] = pl;
        }
    }
    P->first[GOPS_PLACE_KIND_COUNT] = P->count;
    static const float class_factor[GOPS_ROAD_CLASS_COUNT] = {1.5f, 1.2f, 1.0f, 0.5f};
    for (uint32_t v = 0; v < net->node_count; v++) {
        P->gateway_of_node[v] = GOPS_TNET_NONE;
        const gops_tnet_node_t *n = &net->nodes[v];
        if (!n->gateway) continue;
        gops_gateway_t *g = &P->gateways[P->gateway_count];
        *g = (gops_gateway_t){.node = v, .entry_arc = GOPS_TNET_NONE, .dest = UINT16_MAX, .ebike_weight = 1};
        for (uint32_t i = 0; i < n->out_count; i++) {
            uint32_t a = net->node_arcs[n->first_out + i];
            const gops_tnet_arc_t *A = &net->arcs[a];
            if (!A->in_map || g->entry_arc != GOPS_TNET_NONE) continue;
            g->entry_arc = a;
            g->weight = (A->lanes - A->first_general) * class_factor[A->road_class % GOPS_ROAD_CLASS_COUNT];
            if (A->nonmotor) g->ebike_weight = 2;
        }
        P->gateway_of_node[v] = P->gateway_count++;
    }
    return GOPS_OK;
}
