// SPDX-License-Identifier: MIT
// Checkpoints of the traffic model (traffic_checkpoint.h): vehicles, per-arc flags (closures,
// one-way rules, pedestrians), enforcement, travel-time estimates and their samples, the
// routing cost tables (refreshed a few destinations per step, so not recomputable from the
// estimates), signal plans (scenarios can change them) and states, places' occupancy,
// crossings and their stand-in pedestrians, measures, entry queues, buses, illegal parking,
// scenario feeds and detectors, the clock and every count. Not stored, rebuilt: the network,
// places and gateways, routing targets (from the map), the lane index (from the vehicles),
// per-vehicle scratch. The thread count is this run's.
#include "traffic/traffic_checkpoint.h"

#include "world/world_internal.h"

#include <stdlib.h>
#include <string.h>

#define VEHICLE_ARRAYS(X) \
    X(id) X(cls) X(state) X(purpose) X(dwell_kind) X(lane) X(s) X(v) X(acc) X(vfac) X(stop_s) X(dwell) \
    X(wait) X(lc_timer) X(dest) X(next_arc) X(place) X(aux) X(t_start) X(t_arc)

void gops_traffic_save(const gops_world_t *world, const void *state, gops_ckpt_writer_t *w)
{
    (void)world;
    const gops_traffic_t *trf = state;
    const gops_tnet_t *net = trf->net;
    uint64_t A = net->arc_count, L = net->lane_count;
    GOPS_CKPT_PUT(w, "traffic", trf);
    const gops_vehicles_t *V = &trf->veh;
#define SAVE_VEH(field) GOPS_CKPT_PUT_ARRAY(w, "traffic.veh." #field, V->field, V->count);
    VEHICLE_ARRAYS(SAVE_VEH)
#undef SAVE_VEH
    GOPS_CKPT_PUT_ARRAY(w, "traffic.plans", trf->signals.plans, (uint64_t)trf->signals.count * GOPS_MODE_COUNT);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.signal_state", trf->signals.state, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.to_green", trf->signals.to_green, A);
    const gops_routing_t *R = &trf->routing;
    GOPS_CKPT_PUT_ARRAY(w, "traffic.route_cost", R->cost, (uint64_t)R->dest_count * R->arc_count);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.route_tt", R->tt, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.route_usable", R->usable, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.places", trf->places.items, trf->places.count);
    const trf_crossings_t *C = &trf->crossings;
    GOPS_CKPT_PUT_ARRAY(w, "traffic.cross.present", C->present, C->count);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.cross.half", C->half, 2 * (uint64_t)C->count);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.cross.walk", C->walk, C->count);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.cross.held", C->held_s, C->count);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.cross.yield", C->yield_s, C->count);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.cross.q", C->q, C->count);
    for (uint32_t c = 0; c < C->count; c++) {
        GOPS_CKPT_PUT_ARRAY(w, "traffic.cross.deadline", C->q[c].deadline, C->q[c].waiting);
        GOPS_CKPT_PUT_ARRAY(w, "traffic.cross.finish", C->q[c].finish, C->q[c].walking);
        GOPS_CKPT_PUT_ARRAY(w, "traffic.cross.red", C->q[c].red, C->q[c].walking);
    }
    trf_measures_save(trf, w);
    trf_demand_save_queues(trf, w);
    const trf_buses_t *B = &trf->buses;
    GOPS_CKPT_PUT_ARRAY(w, "traffic.bus.lines", B->lines, B->line_count);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.bus.waiting", B->waiting_ext, B->stop_count);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.bus.last", B->last_bus, B->stop_count);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.bus.boarded", B->boarded, B->stop_count);
    const trf_parking_t *K = &trf->parking;
    GOPS_CKPT_PUT_ARRAY(w, "traffic.park.sidewalk", K->sidewalk, trf->places.count);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.park.place", K->bike_place, K->bike_count);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.park.leave", K->bike_leave, K->bike_count);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.feeds", trf->feeds.items, trf->feeds.count);
    const trf_detectors_t *D = &trf->detectors;
    GOPS_CKPT_PUT_ARRAY(w, "traffic.detectors", D->items, D->count);
    for (uint32_t k = 0; k < D->count; k++)
        GOPS_CKPT_PUT_ARRAY(w, "traffic.detector.times", D->items[k].times, D->items[k].count);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.detector.on_arc", D->on_arc, D->on_arc ? A : 0);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.arc_flags", trf->arc_flags, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.enforcement", trf->enforcement, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.arc_go", trf->arc_go, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.lane_peds", trf->lane_peds, L);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.arc_tta", trf->arc_tta, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.tt_est", trf->tt_est, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.tt_sum", trf->tt_sum, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.tt_n", trf->tt_n, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.spawn_mark", trf->spawn_mark, L);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.lane_tail", trf->lane_tail, L);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.lane_tail_mark", trf->lane_tail_mark, L);
}

void gops_traffic_load(gops_world_t *world, void *state, gops_ckpt_reader_t *r)
{
    (void)world;
    gops_traffic_t *trf = state;
    gops_traffic_t *s = malloc(sizeof *s); // large (the demand profiles): not on the stack
    if (!s) {
        gops_ckpt_fail(r, "out of memory restoring traffic");
        return;
    }
    if (!GOPS_CKPT_GET(r, "traffic", s)) {
        free(s);
        return;
    }
    const gops_tnet_t *net = trf->net;
    uint64_t A = net->arc_count, L = net->lane_count;
    if (s->routing.dest_count != trf->routing.dest_count || s->routing.arc_count != trf->routing.arc_count ||
        s->signals.count != trf->signals.count || s->places.count != trf->places.count ||
        s->places.gateway_count != trf->places.gateway_count || s->crossings.count != trf->crossings.count ||
        s->buses.line_count != trf->buses.line_count || s->buses.stop_count != trf->buses.stop_count ||
        s->measures.arc_count != trf->measures.arc_count || s->veh.count > s->veh.capacity ||
        s->parking.bike_count > s->parking.bike_cap || s->feeds.count > s->feeds.cap ||
        s->detectors.count > s->detectors.cap) {
        gops_ckpt_fail(r, "traffic with %u routing destinations, %u signals and %u places, expected %u, %u and %u "
                       "on this network (was the map or the scenario changed?)",
                       s->routing.dest_count, s->signals.count, s->places.count, trf->routing.dest_count,
                       trf->signals.count, trf->places.count);
        free(s);
        return;
    }
    gops_traffic_t fresh = *trf;
    *trf = *s;
    free(s);
    // This run's objects and settings.
    trf->world = fresh.world;
    trf->district = fresh.district;
    trf->params.profile_dir = fresh.params.profile_dir;
    trf->threads = fresh.threads;
    trf->rng = fresh.rng;
    trf->net = fresh.net;
    trf->signals = fresh.signals; // plans, states: read into its arrays below
    trf->index = fresh.index;
    trf->dest_ref = fresh.dest_ref;
    gops_routing_t cursor = trf->routing;
    trf->routing = fresh.routing;
    trf->routing.cursor = cursor.cursor;
    trf->places.items = fresh.places.items;
    trf->places.gateways = fresh.places.gateways;
    trf->places.gateway_of_node = fresh.places.gateway_of_node;
    trf->crossings.present = fresh.crossings.present, trf->crossings.half = fresh.crossings.half;
    trf->crossings.walk = fresh.crossings.walk, trf->crossings.q = fresh.crossings.q;
    trf->crossings.held_s = fresh.crossings.held_s, trf->crossings.yield_s = fresh.crossings.yield_s;
    trf->crossings.held_now = fresh.crossings.held_now;
    trf_measures_t *M = &trf->measures;
    M->cur = fresh.measures.cur, M->ring = fresh.measures.ring, M->queue_m = fresh.measures.queue_m;
    M->on_arc = fresh.measures.on_arc, M->tti = fresh.measures.tti, M->flow_vph = fresh.measures.flow_vph;
    M->speed_mps = fresh.measures.speed_mps, M->ref_speed = fresh.measures.ref_speed;
    trf_demand_t *Dm = &trf->demand;
    Dm->garage_next = fresh.demand.garage_next;
    Dm->queue = fresh.demand.queue, Dm->queue_head = fresh.demand.queue_head, Dm->queue_len = fresh.demand.queue_len;
    Dm->place_queue = fresh.demand.place_queue, Dm->place_head = fresh.demand.place_head;
    Dm->place_len = fresh.demand.place_len;
    trf_buses_t *B = &trf->buses;
    B->lines = fresh.buses.lines, B->line_stops = fresh.buses.line_stops, B->waiting_ext = fresh.buses.waiting_ext;
    B->last_bus = fresh.buses.last_bus, B->boarded = fresh.buses.boarded;
    trf->parking.sidewalk = fresh.parking.sidewalk;
    trf->arc_flags = fresh.arc_flags, trf->enforcement = fresh.enforcement, trf->arc_go = fresh.arc_go;
    trf->lane_peds = fresh.lane_peds, trf->arc_tta = fresh.arc_tta, trf->tt_est = fresh.tt_est;
    trf->tt_sum = fresh.tt_sum, trf->tt_n = fresh.tt_n, trf->spawn_mark = fresh.spawn_mark;
    trf->lane_tail = fresh.lane_tail, trf->lane_tail_mark = fresh.lane_tail_mark;

    // Vehicles, and scratch sized for them.
    gops_vehicles_free(&fresh.veh);
    gops_vehicles_t *V = &trf->veh;
    uint32_t n = V->count, cap = V->capacity;
#define LOAD_VEH(field)                                                                         \
    V->field = gops_ckpt_get_alloc(r, "traffic.veh." #field, sizeof *V->field, n, cap);         \
    if (!V->field) V->count = 0;
    VEHICLE_ARRAYS(LOAD_VEH)
#undef LOAD_VEH
    free(fresh.lc), free(fresh.s_next), free(fresh.v_next), free(fresh.why), free(fresh.removals), free(fresh.entry);
    uint32_t sc = trf->scratch_cap ? trf->scratch_cap : 1;
    trf->lc = calloc(sc, sizeof *trf->lc);
    trf->s_next = calloc(sc, sizeof *trf->s_next);
    trf->v_next = calloc(sc, sizeof *trf->v_next);
    trf->why = calloc(sc, sizeof *trf->why);
    trf->removals = calloc(sc, sizeof *trf->removals);
    trf->entry = calloc(sc, sizeof *trf->entry);
    if (!trf->lc || !trf->s_next || !trf->v_next || !trf->why || !trf->removals || !trf->entry) {
        V->count = 0;
        gops_ckpt_fail(r, "out of memory for %u vehicles", sc);
    }

    GOPS_CKPT_GET_ARRAY(r, "traffic.plans", trf->signals.plans, (uint64_t)trf->signals.count * GOPS_MODE_COUNT);
    GOPS_CKPT_GET_ARRAY(r, "traffic.signal_state", trf->signals.state, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.to_green", trf->signals.to_green, A);
    gops_routing_t *R = &trf->routing;
    GOPS_CKPT_GET_ARRAY(r, "traffic.route_cost", R->cost, (uint64_t)R->dest_count * R->arc_count);
    GOPS_CKPT_GET_ARRAY(r, "traffic.route_tt", R->tt, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.route_usable", R->usable, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.places", trf->places.items, trf->places.count);

    trf_crossings_t *C = &trf->crossings;
    GOPS_CKPT_GET_ARRAY(r, "traffic.cross.present", C->present, C->count);
    GOPS_CKPT_GET_ARRAY(r, "traffic.cross.half", C->half, 2 * (uint64_t)C->count);
    GOPS_CKPT_GET_ARRAY(r, "traffic.cross.walk", C->walk, C->count);
    GOPS_CKPT_GET_ARRAY(r, "traffic.cross.held", C->held_s, C->count);
    GOPS_CKPT_GET_ARRAY(r, "traffic.cross.yield", C->yield_s, C->count);
    trf_ped_queue_t *q = gops_ckpt_get_alloc(r, "traffic.cross.q", sizeof *q, C->count, C->count);
    for (uint32_t c = 0; q && c < C->count; c++) {
        trf_ped_queue_t *mine = &C->q[c];
        if (gops_ckpt_failed(r) || q[c].waiting > q[c].wait_cap || q[c].walking > q[c].walk_cap) {
            gops_ckpt_fail(r, "crossing %u: %u waiting and %u walking in %u and %u places", c, q[c].waiting,
                           q[c].walking, q[c].wait_cap, q[c].walk_cap);
            break;
        }
        free(mine->deadline), free(mine->finish), free(mine->red);
        *mine = q[c];
        mine->deadline = NULL; // the saved pointers mean nothing here
        mine->finish = NULL;
        mine->red = NULL;
        GOPS_CKPT_LOAD_ARRAY(r, "traffic.cross.deadline", mine->deadline, mine->waiting, mine->wait_cap);
        if (!mine->deadline) mine->wait_cap = 0;
        GOPS_CKPT_LOAD_ARRAY(r, "traffic.cross.finish", mine->finish, mine->walking, mine->walk_cap);
        GOPS_CKPT_LOAD_ARRAY(r, "traffic.cross.red", mine->red, mine->walking, mine->walk_cap);
        if (!mine->finish || !mine->red) mine->walking = mine->walk_cap = 0;
    }
    free(q);

    trf_measures_load(trf, r);
    trf_demand_load_queues(trf, r);
    GOPS_CKPT_GET_ARRAY(r, "traffic.bus.lines", B->lines, B->line_count);
    GOPS_CKPT_GET_ARRAY(r, "traffic.bus.waiting", B->waiting_ext, B->stop_count);
    GOPS_CKPT_GET_ARRAY(r, "traffic.bus.last", B->last_bus, B->stop_count);
    GOPS_CKPT_GET_ARRAY(r, "traffic.bus.boarded", B->boarded, B->stop_count);
    trf_parking_t *K = &trf->parking;
    GOPS_CKPT_GET_ARRAY(r, "traffic.park.sidewalk", K->sidewalk, trf->places.count);
    free(fresh.parking.bike_place), free(fresh.parking.bike_leave);
    K->bike_place = gops_ckpt_get_alloc(r, "traffic.park.place", sizeof *K->bike_place, K->bike_count, K->bike_cap);
    K->bike_leave = gops_ckpt_get_alloc(r, "traffic.park.leave", sizeof *K->bike_leave, K->bike_count, K->bike_cap);
    if (!K->bike_place || !K->bike_leave) K->bike_count = K->bike_cap = 0;
    trf_feeds_free(&fresh);
    GOPS_CKPT_LOAD_ARRAY(r, "traffic.feeds", trf->feeds.items, trf->feeds.count, trf->feeds.cap);
    if (!trf->feeds.items) trf->feeds.cap = 0;
    trf_detectors_free(&fresh);
    trf_detectors_t *D = &trf->detectors;
    GOPS_CKPT_LOAD_ARRAY(r, "traffic.detectors", D->items, D->count, D->cap);
    if (!D->items) D->cap = 0;
    for (uint32_t k = 0; D->items && k < D->count; k++) {
        trf_detector_t *d = &D->items[k];
        d->times = NULL; // the saved pointer means nothing here
        if (gops_ckpt_failed(r) || d->count > d->time_cap) {
            d->count = d->time_cap = 0;
            continue;
        }
        GOPS_CKPT_LOAD_ARRAY(r, "traffic.detector.times", d->times, d->count, d->time_cap);
        if (!d->times) d->time_cap = 0;
    }
    uint64_t on = gops_ckpt_peek_count(r, "traffic.detector.on_arc");
    if (on != 0 && on != A) gops_ckpt_fail(r, "detector flags for %llu arcs, expected %llu", (unsigned long long)on,
                                           (unsigned long long)A);
    uint8_t *on_arc = gops_ckpt_get_alloc(r, "traffic.detector.on_arc", 1, on, A + 1);
    D->on_arc = on ? on_arc : NULL;
    if (!on) free(on_arc);

    GOPS_CKPT_GET_ARRAY(r, "traffic.arc_flags", trf->arc_flags, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.enforcement", trf->enforcement, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.arc_go", trf->arc_go, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.lane_peds", trf->lane_peds, L);
    GOPS_CKPT_GET_ARRAY(r, "traffic.arc_tta", trf->arc_tta, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.tt_est", trf->tt_est, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.tt_sum", trf->tt_sum, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.tt_n", trf->tt_n, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.spawn_mark", trf->spawn_mark, L);
    GOPS_CKPT_GET_ARRAY(r, "traffic.lane_tail", trf->lane_tail, L);
    GOPS_CKPT_GET_ARRAY(r, "traffic.lane_tail_mark", trf->lane_tail_mark, L);

    // The lane index from the vehicles as they stand.
    if (!gops_ckpt_failed(r)) {
        trf->index_dirty = true;
        trf_index_refresh(trf);
    }
}
