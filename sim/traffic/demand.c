// SPDX-License-Identifier: MIT
// Traffic demand (TRAFFIC.md): vehicles arriving at the map's gateways by the time-of-day
// profile of the operating mode, split into cars (through, to a garage, or a short errand),
// taxis and ride-hailing cars (setting down or picking up at a mall or the station
// approach, or through), delivery vans and e-bikes; cars leaving garages after their stay;
// taxis leaving the station approach. Entries wait in a queue at their gateway or place
// until their lane has room. Buses are buses.c's; parking decisions are parking.c's.
// Ordering: arrivals in time order from the traffic stream; gateways and places in index
// order; one insertion per lane and step.
#include "traffic/traffic_internal.h"

#include "traffic/traffic_checkpoint.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// The mix of motor demand (shares of arrivals) and of what each class comes for.
#define SHARE_TAXI 0.20
#define SHARE_VAN 0.08
#define CAR_TO_GARAGE 0.40
#define CAR_ERRAND 0.06
#define TAXI_DROPOFF 0.45
#define TAXI_PICKUP 0.20
#define TAXI_FROM_STATION 0.15
#define VAN_DELIVERY 0.60
#define EBIKE_TO_MALL 0.60
#define STATION_WEIGHT_IN_MALLS 3.0 // the station approach draws like three malls
#define GARAGE_STAY_MEAN_S 7200.0
#define QUEUE_CAP 512u
#define PLACE_CLEAR_BACK_M 15.0f    // pulling out of a garage or the kerb needs this much room behind

static const char *const files[5] = {"traffic_vehicles.csv", "traffic_ebikes.csv", "traffic_pedestrians.csv",
                                     "traffic_buses.csv", "traffic_parking.csv"};

gops_status_t trf_demand_init(gops_traffic_t *trf, gops_error_t *err)
{
    trf_demand_t *D = &trf->demand;
    memset(D, 0, sizeof *D);
    uint32_t G = trf->places.gateway_count, P = trf->places.count;
    D->queue = calloc(G + 1, sizeof *D->queue);
    D->queue_head = calloc(G + 1, sizeof *D->queue_head);
    D->queue_len = calloc(G + 1, sizeof *D->queue_len);
    D->place_queue = calloc(P + 1, sizeof *D->place_queue);
    D->place_head = calloc(P + 1, sizeof *D->place_head);
    D->place_len = calloc(P + 1, sizeof *D->place_len);
    D->garage_next = calloc(P + 1, sizeof *D->garage_next);
    if (!D->queue || !D->queue_head || !D->queue_len || !D->place_queue || !D->place_head || !D->place_len ||
        !D->garage_next)
        return gops_error_set(err, GOPS_NOMEM, "traffic demand: out of memory");
    for (uint32_t g = 0; g < G; g++)
        if (!(D->queue[g] = malloc(QUEUE_CAP * sizeof *D->queue[g])))
            return gops_error_set(err, GOPS_NOMEM, "traffic demand: out of memory");
    for (uint32_t p = 0; p < P; p++)
        if (!(D->place_queue[p] = malloc(QUEUE_CAP * sizeof *D->place_queue[p])))
            return gops_error_set(err, GOPS_NOMEM, "traffic demand: out of memory");
    if (!trf->params.demand && !trf->params.pedestrian_standin) return GOPS_OK;
    gops_tprofile_t *tables[5] = {&D->vehicles, &D->ebikes, &D->pedestrians, &D->buses, &D->parking};
    for (int k = 0; k < 5; k++)
        if (gops_tprofile_load_named(trf->params.profile_dir, files[k], tables[k], err) != GOPS_OK) return err->status;
    if (gops_tprofile_require_modes(&D->vehicles, "", D->veh_col, err) != GOPS_OK ||
        gops_tprofile_require_modes(&D->ebikes, "", D->ebike_col, err) != GOPS_OK ||
        gops_tprofile_require_modes(&D->pedestrians, "", D->ped_col, err) != GOPS_OK ||
        gops_tprofile_require_modes(&D->buses, "headway_min_", D->headway_col, err) != GOPS_OK ||
        gops_tprofile_require_modes(&D->parking, "double_park_", D->dpark_col, err) != GOPS_OK ||
        gops_tprofile_require_modes(&D->parking, "ebike_sidewalk_", D->sidewalk_col, err) != GOPS_OK)
        return err->status;
    D->board_col = gops_tprofile_column(&D->buses, "waiting_per_hour");
    D->occupancy_col = gops_tprofile_column(&D->parking, "garage_occupancy");
    if (D->board_col < 0)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: no column \"waiting_per_hour\"", D->buses.source);
    if (D->occupancy_col < 0)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: no column \"garage_occupancy\"", D->parking.source);
    D->loaded = true;
    D->next_vehicle = D->next_ebike = -INFINITY;
    // Garages start as full as the profile says for the first simulated minute.
    double occ = gops_tprofile_at(&D->parking, D->occupancy_col, trf_tod(trf));
    if (occ > 1) occ = 1;
    for (uint32_t p = trf->places.first[GOPS_PLACE_GARAGE]; p < trf->places.first[GOPS_PLACE_GARAGE + 1]; p++) {
        gops_place_t *pl = &trf->places.items[p];
        pl->occupied = trf->params.demand ? (uint32_t)floor(pl->capacity * occ + 0.5) : 0;
        D->garage_next[p] = -INFINITY;
    }
    return GOPS_OK;
}

void trf_demand_free(gops_traffic_t *trf)
{
    trf_demand_t *D = &trf->demand;
    for (uint32_t g = 0; D->queue && g < trf->places.gateway_count; g++) free(D->queue[g]);
    for (uint32_t p = 0; D->place_queue && p < trf->places.count; p++) free(D->place_queue[p]);
    free(D->queue);
    free(D->queue_head);
    free(D->queue_len);
    free(D->place_queue);
    free(D->place_head);
    free(D->place_len);
    free(D->garage_next);
    memset(D, 0, sizeof *D);
}

bool trf_demand_queue(gops_traffic_t *trf, uint32_t g, const trf_entry_t *e)
{
    trf_demand_t *D = &trf->demand;
    if (D->queue_len[g] >= QUEUE_CAP) {
        D->dropped++;
        return false;
    }
    D->queue[g][(D->queue_head[g] + D->queue_len[g]++) % QUEUE_CAP] = *e;
    return true;
}

bool trf_demand_queue_place(gops_traffic_t *trf, uint32_t p, const trf_entry_t *e)
{
    trf_demand_t *D = &trf->demand;
    if (D->place_len[p] >= QUEUE_CAP) {
        D->dropped++;
        return false;
    }
    D->place_queue[p][(D->place_head[p] + D->place_len[p]++) % QUEUE_CAP] = *e;
    return true;
}

// A gateway index drawn by weight (ebike: e-bike weights); `need_exit`: only gateways one
// can leave by; avoiding gateway node `not_node` unless it is the only one.
static uint32_t pick_gateway(gops_traffic_t *trf, bool ebike, bool need_exit, bool need_entry, uint32_t not_node)
{
    const gops_places_t *P = &trf->places;
    double total = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t g = 0; g < P->gateway_count; g++) {
            const gops_gateway_t *G = &P->gateways[g];
            if ((need_exit && G->dest == GOPS_ROUTE_NONE) || (need_entry && G->entry_arc == GOPS_TNET_NONE)) continue;
            if (G->node == not_node && pass == 0) continue;
            total += ebike ? G->ebike_weight : G->weight;
        }
        if (total > 0) {
            double u = gops_rng_uniform(trf->rng) * total;
            uint32_t last = GOPS_TNET_NONE;
            for (uint32_t g = 0; g < P->gateway_count; g++) {
                const gops_gateway_t *G = &P->gateways[g];
                if ((need_exit && G->dest == GOPS_ROUTE_NONE) || (need_entry && G->entry_arc == GOPS_TNET_NONE)) continue;
                if (G->node == not_node && pass == 0) continue;
                double w = ebike ? G->ebike_weight : G->weight;
                last = g;
                if (u < w) return g;
                u -= w;
            }
            return last;
        }
    }
    return GOPS_TNET_NONE;
}

uint16_t trf_demand_exit(gops_traffic_t *trf, uint32_t not_node)
{
    uint32_t g = pick_gateway(trf, false, true, false, not_node);
    return g == GOPS_TNET_NONE ? GOPS_ROUTE_NONE : trf->places.gateways[g].dest;
}

// A place of a kind drawn by weight: garages by capacity, malls by attractiveness (the
// station approach counting as STATION_WEIGHT_IN_MALLS average malls when `with_station`).
static uint32_t pick_place(gops_traffic_t *trf, gops_place_kind_t kind, bool with_station)
{
    const gops_places_t *P = &trf->places;
    const gops_map_t *map = trf->district->map;
    double total = 0, mall_total = 0;
    uint32_t malls = P->first[GOPS_PLACE_MALL + 1] - P->first[GOPS_PLACE_MALL];
    for (uint32_t p = P->first[kind]; p < P->first[kind + 1]; p++)
        total += kind == GOPS_PLACE_GARAGE ? P->items[p].capacity
                                           : map->features[P->items[p].feature].u.building.attractiveness;
    mall_total = total;
    uint32_t stations = P->first[GOPS_PLACE_STATION + 1] - P->first[GOPS_PLACE_STATION];
    double station_w = with_station && stations && malls ? STATION_WEIGHT_IN_MALLS * mall_total / malls / stations : 0;
    total += station_w * stations;
    if (!(total > 0)) return GOPS_TNET_NONE;
    double u = gops_rng_uniform(trf->rng) * total;
    for (uint32_t p = P->first[kind]; p < P->first[kind + 1]; p++) {
        double w = kind == GOPS_PLACE_GARAGE ? P->items[p].capacity
                                             : map->features[P->items[p].feature].u.building.attractiveness;
        if (u < w) return p;
        u -= w;
    }
    for (uint32_t p = P->first[GOPS_PLACE_STATION]; p < P->first[GOPS_PLACE_STATION + 1]; p++) {
        if (u < station_w) return p;
        u -= station_w;
    }
    return P->first[kind + 1] > P->first[kind] ? P->first[kind + 1] - 1 : GOPS_TNET_NONE;
}

// Fills in what a new motor trip comes for; returns false when nothing fits the map.
static bool choose_trip(gops_traffic_t *trf, trf_entry_t *e, uint32_t origin_node)
{
    double u = gops_rng_uniform(trf->rng);
    uint32_t place = GOPS_TNET_NONE;
    e->purpose = GOPS_PURPOSE_EXIT;
    if (e->cls == GOPS_VCLASS_CAR) {
        if (u < CAR_TO_GARAGE) {
            place = pick_place(trf, GOPS_PLACE_GARAGE, false);
            e->purpose = GOPS_PURPOSE_GARAGE;
        } else if (u < CAR_TO_GARAGE + CAR_ERRAND) {
            place = pick_place(trf, GOPS_PLACE_MALL, false);
            e->purpose = GOPS_PURPOSE_ERRAND;
        }
    } else if (e->cls == GOPS_VCLASS_TAXI) {
        if (u < TAXI_DROPOFF + TAXI_PICKUP) {
            place = pick_place(trf, GOPS_PLACE_MALL, true);
            e->purpose = u < TAXI_DROPOFF ? GOPS_PURPOSE_DROPOFF : GOPS_PURPOSE_PICKUP;
        }
    } else if (e->cls == GOPS_VCLASS_VAN) {
        if (u < VAN_DELIVERY) {
            place = pick_place(trf, GOPS_PLACE_MALL, false);
            e->purpose = GOPS_PURPOSE_DELIVERY;
        }
    } else if (e->cls == GOPS_VCLASS_EBIKE) {
        if (u < EBIKE_TO_MALL) {
            place = pick_place(trf, GOPS_PLACE_MALL, false);
            e->purpose = GOPS_PURPOSE_EBIKE_PARK;
        }
    }
    if (e->purpose != GOPS_PURPOSE_EXIT && place == GOPS_TNET_NONE) e->purpose = GOPS_PURPOSE_EXIT;
    if (e->purpose == GOPS_PURPOSE_EXIT) {
        uint32_t g = pick_gateway(trf, e->cls == GOPS_VCLASS_EBIKE, true, false, origin_node);
        if (g == GOPS_TNET_NONE) return false;
        e->dest = trf->places.gateways[g].dest;
        e->place = UINT32_MAX;
    } else {
        e->place = place;
        e->dest = trf->places.items[place].dest;
    }
    e->aux = 0;
    return true;
}

static double rate_vph(const gops_traffic_t *trf, const gops_tprofile_t *p, const int *cols)
{
    return gops_tprofile_at(p, cols[trf->mode], trf_tod(trf)) * trf->params.demand_scale;
}

static void arrivals(gops_traffic_t *trf)
{
    trf_demand_t *D = &trf->demand;
    double t = trf->t;
    for (int stream = 0; stream < 2; stream++) {
        double *next = stream == 0 ? &D->next_vehicle : &D->next_ebike;
        double rate = rate_vph(trf, stream == 0 ? &D->vehicles : &D->ebikes, stream == 0 ? D->veh_col : D->ebike_col);
        if (*next == -INFINITY) *next = t + (rate > 0 ? gops_rng_exponential(trf->rng, 3600.0 / rate) : 60.0);
        while (*next <= t) {
            if (rate > 0) {
                trf_entry_t e = {.t_request = *next};
                if (stream == 1) {
                    e.cls = GOPS_VCLASS_EBIKE;
                } else {
                    double u = gops_rng_uniform(trf->rng);
                    e.cls = u < SHARE_TAXI ? GOPS_VCLASS_TAXI : (u < SHARE_TAXI + SHARE_VAN ? GOPS_VCLASS_VAN : GOPS_VCLASS_CAR);
                }
                uint32_t stations = trf->places.first[GOPS_PLACE_STATION + 1] - trf->places.first[GOPS_PLACE_STATION];
                if (e.cls == GOPS_VCLASS_TAXI && stations && gops_rng_uniform(trf->rng) < TAXI_FROM_STATION) {
                    uint32_t p = trf->places.first[GOPS_PLACE_STATION] + (uint32_t)gops_rng_below(trf->rng, stations);
                    if (choose_trip(trf, &e, GOPS_TNET_NONE)) trf_demand_queue_place(trf, p, &e);
                } else {
                    uint32_t g = pick_gateway(trf, e.cls == GOPS_VCLASS_EBIKE, false, true, GOPS_TNET_NONE);
                    if (g != GOPS_TNET_NONE && choose_trip(trf, &e, trf->places.gateways[g].node))
                        trf_demand_queue(trf, g, &e);
                }
            }
            *next += rate > 0 ? gops_rng_exponential(trf->rng, 3600.0 / rate) : 60.0;
        }
    }
    // Cars leave garages after an exponential stay: departures at occupied / mean stay.
    for (uint32_t p = trf->places.first[GOPS_PLACE_GARAGE]; p < trf->places.first[GOPS_PLACE_GARAGE + 1]; p++) {
        gops_place_t *pl = &trf->places.items[p];
        if (D->garage_next[p] == -INFINITY)
            D->garage_next[p] = t + (pl->occupied ? gops_rng_exponential(trf->rng, GARAGE_STAY_MEAN_S / pl->occupied) : 60.0);
        while (D->garage_next[p] <= t) {
            if (pl->occupied > 0) {
                trf_entry_t e = {.cls = GOPS_VCLASS_CAR, .purpose = GOPS_PURPOSE_EXIT, .place = UINT32_MAX,
                                 .t_request = D->garage_next[p]};
                e.dest = trf_demand_exit(trf, GOPS_TNET_NONE);
                if (e.dest != GOPS_ROUTE_NONE && trf_demand_queue_place(trf, p, &e)) pl->occupied--;
            }
            D->garage_next[p] += pl->occupied ? gops_rng_exponential(trf->rng, GARAGE_STAY_MEAN_S / pl->occupied) : 60.0;
        }
    }
}

// Entry speed: the limit, or the speed of a vehicle close ahead.
static float entry_speed(gops_traffic_t *trf, uint32_t lane, float s, const gops_vclass_params_t *p, uint32_t arc)
{
    float v = trf->net->arcs[arc].speed * p->v0_factor;
    if (v > p->v0_max_mps) v = p->v0_max_mps;
    uint32_t ahead, behind;
    gops_lane_neighbours(&trf->index, trf->veh.s, lane, s, &ahead, &behind);
    if (ahead != UINT32_MAX && trf->veh.s[ahead] - s < 60.0f && trf->veh.v[ahead] < v) v = trf->veh.v[ahead];
    return v;
}

// Tries to put a gateway's first waiting entry on its entry arc.
static bool enter_gateway(gops_traffic_t *trf, uint32_t g)
{
    trf_demand_t *D = &trf->demand;
    const gops_gateway_t *G = &trf->places.gateways[g];
    trf_entry_t *e = &D->queue[g][D->queue_head[g]];
    uint32_t arc = G->entry_arc;
    if (arc == GOPS_TNET_NONE || !trf_enterable(trf, arc)) return false;
    const gops_tnet_arc_t *A = &trf->net->arcs[arc];
    const gops_vclass_params_t *p = &trf->params.vclass[e->cls];
    float s = p->length < A->length ? p->length : A->length;
    uint32_t lanes[GOPS_TNET_MAX_LANES + 1], count = 0;
    if (e->cls == GOPS_VCLASS_EBIKE) lanes[count++] = gops_tnet_nonmotor_lane(trf->net, arc);
    else if (e->cls == GOPS_VCLASS_BUS && A->first_general) lanes[count++] = gops_tnet_lane(trf->net, arc, 0);
    else
        for (uint32_t k = A->first_general; k < A->lanes; k++) lanes[count++] = gops_tnet_lane(trf->net, arc, k);
    uint32_t start = count > 1 ? (uint32_t)gops_rng_below(trf->rng, count) : 0;
    for (uint32_t q = 0; q < count; q++) {
        uint32_t lane = lanes[(start + q) % count];
        float v = entry_speed(trf, lane, s, p, arc);
        if (!trf_lane_room(trf, lane, s, p->length, p->s0 + v * p->T, 0)) continue;
        if (trf_insert(trf, e, arc, lane, s, v) == UINT32_MAX) return false;
        D->queue_head[g] = (D->queue_head[g] + 1) % QUEUE_CAP;
        D->queue_len[g]--;
        return true;
    }
    return false;
}

// Tries to pull the first waiting vehicle of a place out into the kerb lane.
static bool enter_place(gops_traffic_t *trf, uint32_t pidx)
{
    trf_demand_t *D = &trf->demand;
    const gops_place_t *pl = &trf->places.items[pidx];
    trf_entry_t *e = &D->place_queue[pidx][D->place_head[pidx]];
    const gops_vclass_params_t *p = &trf->params.vclass[e->cls];
    uint32_t arcs[2] = {pl->arc, pl->arc_other};
    float ss[2] = {pl->s, pl->s_other};
    for (int k = 0; k < 2; k++) {
        // Not onto a closed road (a garage's exit is shut with it) or into people on the carriageway.
        if (arcs[k] == GOPS_TNET_NONE || !trf_enterable(trf, arcs[k])) continue;
        const gops_tnet_arc_t *A = &trf->net->arcs[arcs[k]];
        uint32_t lane = e->cls == GOPS_VCLASS_EBIKE ? gops_tnet_nonmotor_lane(trf->net, arcs[k])
                                                    : gops_tnet_lane(trf->net, arcs[k], A->first_general);
        if (!trf_lane_room(trf, lane, ss[k], p->length, p->s0 + 2.0f, PLACE_CLEAR_BACK_M)) continue;
        if (trf_insert(trf, e, arcs[k], lane, ss[k], 0) == UINT32_MAX) return false;
        D->place_head[pidx] = (D->place_head[pidx] + 1) % QUEUE_CAP;
        D->place_len[pidx]--;
        return true;
    }
    return false;
}

void trf_demand_step(gops_traffic_t *trf)
{
    trf_demand_t *D = &trf->demand;
    if (trf->params.demand && D->loaded) arrivals(trf);
    for (uint32_t g = 0; g < trf->places.gateway_count; g++)
        while (D->queue_len[g] > 0 && enter_gateway(trf, g)) {
        }
    for (uint32_t p = 0; p < trf->places.count; p++)
        while (D->place_len[p] > 0 && enter_place(trf, p)) {
        }
}

// ---- checkpoints (traffic_checkpoint.h) --------------------------------------------------

static void save_ring(gops_ckpt_writer_t *w, const trf_entry_t *ring, uint32_t head, uint32_t len)
{
    trf_entry_t live[QUEUE_CAP];
    for (uint32_t k = 0; k < len && k < QUEUE_CAP; k++) live[k] = ring[(head + k) % QUEUE_CAP];
    GOPS_CKPT_PUT_ARRAY(w, "traffic.queue", live, len < QUEUE_CAP ? len : QUEUE_CAP);
}

static void load_ring(gops_ckpt_reader_t *r, trf_entry_t *ring, uint32_t *head, uint32_t *len)
{
    uint64_t n = gops_ckpt_peek_count(r, "traffic.queue");
    if (n > QUEUE_CAP) {
        gops_ckpt_fail(r, "an entry queue of %llu vehicles, expected at most %u", (unsigned long long)n, QUEUE_CAP);
        n = 0;
    }
    *head = 0;
    *len = GOPS_CKPT_GET_ARRAY(r, "traffic.queue", ring, n) ? (uint32_t)n : 0;
}

void trf_demand_save_queues(const gops_traffic_t *trf, gops_ckpt_writer_t *w)
{
    const trf_demand_t *D = &trf->demand;
    for (uint32_t g = 0; g < trf->places.gateway_count; g++) save_ring(w, D->queue[g], D->queue_head[g], D->queue_len[g]);
    for (uint32_t p = 0; p < trf->places.count; p++)
        save_ring(w, D->place_queue[p], D->place_head[p], D->place_len[p]);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.garage_next", D->garage_next, trf->places.count);
}

void trf_demand_load_queues(gops_traffic_t *trf, gops_ckpt_reader_t *r)
{
    trf_demand_t *D = &trf->demand;
    for (uint32_t g = 0; g < trf->places.gateway_count; g++) load_ring(r, D->queue[g], &D->queue_head[g], &D->queue_len[g]);
    for (uint32_t p = 0; p < trf->places.count; p++)
        load_ring(r, D->place_queue[p], &D->place_head[p], &D->place_len[p]);
    GOPS_CKPT_GET_ARRAY(r, "traffic.garage_next", D->garage_next, trf->places.count);
}
