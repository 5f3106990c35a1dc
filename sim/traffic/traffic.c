// SPDX-License-Identifier: MIT
// The traffic subsystem glue (traffic.h): building the model on a world's district, the
// order of one vehicle step, routing refreshes, scenario actions and the queries for the
// crowd, operations, drawing and outputs. The model's parts live in their own files.
// Ordering within a step: signals, routing batch, parked e-bikes, bus departures, demand
// insertions, crossings, junction flags, lane changes, movement, measures. Each part
// documents its own ordering; none depends on the thread count.
#include "traffic/traffic_internal.h"
#include "traffic/traffic_checkpoint.h"

#include "core/assert.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PED_BLOCK_PENALTY_S 300.0f  // routing avoids arcs with pedestrians on the carriageway

gops_traffic_params_t gops_traffic_params_default(void)
{
    gops_traffic_params_t p = {
        .step_s = 0.5,
        .demand = true,
        .demand_scale = 1.0,
        .profile_dir = NULL,
        .pedestrian_standin = true,
        .lane_changes = true,
        .route_interval_s = 60.0,
        .measure_interval_s = 60.0,
        .stuck_limit_s = 300.0,
        .turn_speed_right_mps = 4.5,
        .turn_speed_left_mps = 6.0,
        .critical_gap_s = 4.0,
        .critical_gap_roundabout_s = 3.0,
        .warm_up_s = 600.0,
        .recycle = false,
        .responder_delay_share = 0.5,
    };
    for (int c = 0; c < GOPS_VCLASS_COUNT; c++) p.vclass[c] = gops_vclass_default((gops_vclass_t)c);
    return p;
}

static gops_status_t check_params(const gops_traffic_params_t *p, gops_error_t *err)
{
    if (!(p->step_s >= 0.05 && p->step_s <= 0.5))
        return gops_error_set(err, GOPS_BAD_VALUE, "traffic: vehicle step %g s is out of range; expected 0.05 to 0.5 s",
                              p->step_s);
    if (!(p->demand_scale >= 0 && p->demand_scale <= 100))
        return gops_error_set(err, GOPS_BAD_VALUE, "traffic: demand scale %g is out of range; expected 0 to 100",
                              p->demand_scale);
    if (!(p->route_interval_s >= 1 && p->route_interval_s <= 3600) || !(p->measure_interval_s >= 1 && p->measure_interval_s <= 3600))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "traffic: route interval %g s and measure interval %g s; expected 1 to 3600 s each",
                              p->route_interval_s, p->measure_interval_s);
    if (!(p->stuck_limit_s >= 10) || !(p->warm_up_s >= 0 && p->warm_up_s <= 7200))
        return gops_error_set(err, GOPS_BAD_VALUE, "traffic: stuck limit %g s (expected at least 10 s), warm-up %g s (expected 0 to 7200 s)",
                              p->stuck_limit_s, p->warm_up_s);
    if (!(p->turn_speed_right_mps > 0) || !(p->turn_speed_left_mps > 0) || !(p->critical_gap_s >= 0) ||
        !(p->critical_gap_roundabout_s >= 0))
        return gops_error_set(err, GOPS_BAD_VALUE, "traffic: turn speeds must be positive and critical gaps non-negative");
    if (!(p->responder_delay_share >= 0 && p->responder_delay_share <= 1))
        return gops_error_set(err, GOPS_BAD_VALUE, "traffic: responder delay share %g is out of range; expected 0 to 1",
                              p->responder_delay_share);
    for (int c = 0; c < GOPS_VCLASS_COUNT; c++) {
        const gops_vclass_params_t *v = &p->vclass[c];
        if (!(v->v0_max_mps > 0 && v->v0_factor > 0 && v->v0_spread >= 0 && v->a > 0 && v->b > 0 && v->T >= 0 &&
              v->s0 >= 0 && v->length > 0 && v->length < 30))
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "traffic: class %s has a parameter out of range (top speed, speed factor, a, b and "
                                  "length must be positive, length under 30 m; spread, T and s0 non-negative)",
                                  gops_vclass_name((gops_vclass_t)c));
    }
    return GOPS_OK;
}

// ---- lifetime ----------------------------------------------------------------------------

static void destroy(void *state)
{
    gops_traffic_t *trf = state;
    if (!trf) return;
    trf_detectors_free(trf);
    trf_feeds_free(trf);
    trf_parking_free(trf);
    trf_buses_free(trf);
    trf_demand_free(trf);
    trf_measures_free(trf);
    trf_crossings_free(trf);
    gops_routing_free(&trf->routing);
    gops_places_free(&trf->places);
    gops_lane_index_free(&trf->index);
    gops_vehicles_free(&trf->veh);
    gops_signals_free(&trf->signals);
    gops_tnet_destroy(trf->net);
    free(trf->dest_ref);
    free(trf->arc_flags);
    free(trf->enforcement);
    free(trf->arc_go);
    free(trf->lane_peds);
    free(trf->arc_tta);
    free(trf->tt_sum);
    free(trf->tt_n);
    free(trf->tt_est);
    free(trf->spawn_mark);
    free(trf->lane_tail);
    free(trf->lane_tail_mark);
    free(trf->lc);
    free(trf->s_next);
    free(trf->v_next);
    free(trf->why);
    free(trf->removals);
    free(trf->entry);
    free(trf);
}

bool trf_reserve_scratch(gops_traffic_t *trf)
{
    uint32_t need = trf->veh.capacity;
    if (need <= trf->scratch_cap) return true;
    int8_t *lc = realloc(trf->lc, need * sizeof *lc);
    if (lc) trf->lc = lc;
    float *sn = realloc(trf->s_next, need * sizeof *sn);
    if (sn) trf->s_next = sn;
    float *vn = realloc(trf->v_next, need * sizeof *vn);
    if (vn) trf->v_next = vn;
    uint8_t *why = realloc(trf->why, need * sizeof *why);
    if (why) trf->why = why;
    uint32_t *rm = realloc(trf->removals, need * sizeof *rm);
    if (rm) trf->removals = rm;
    uint32_t *en = realloc(trf->entry, need * sizeof *en);
    if (en) trf->entry = en;
    if (!lc || !sn || !vn || !why || !rm || !en) return false;
    trf->scratch_cap = need;
    return true;
}

void trf_index_refresh(gops_traffic_t *trf)
{
    if (!trf->index_dirty) return;
    if (gops_lane_index_build(&trf->index, trf->veh.lane, trf->veh.s, trf->veh.id, trf->veh.count) != 0) abort();
    trf->index_dirty = false;
}

uint16_t trf_exit_dest(const gops_traffic_t *trf, uint32_t node)
{
    uint32_t g = node < trf->net->node_count ? trf->places.gateway_of_node[node] : GOPS_TNET_NONE;
    return g == GOPS_TNET_NONE ? GOPS_ROUTE_NONE : trf->places.gateways[g].dest;
}

// Destinations: leaving by each gateway that has an arc arriving, then every place.
static gops_status_t build_routing(gops_traffic_t *trf, gops_error_t *err)
{
    const gops_tnet_t *net = trf->net;
    gops_places_t *P = &trf->places;
    uint32_t dests = 0, targets = 0;
    for (uint32_t g = 0; g < P->gateway_count; g++) {
        const gops_tnet_node_t *n = &net->nodes[P->gateways[g].node];
        bool any = false;
        for (uint32_t k = 0; k < n->in_count; k++) any |= net->arcs[net->node_arcs[n->first_in + k]].in_map;
        if (any) dests++, targets += n->in_count;
    }
    dests += P->count;
    targets += 2 * P->count;
    if (dests >= GOPS_ROUTE_NONE) return gops_error_set(err, GOPS_MAP, "traffic: %u destinations; at most %u", dests, GOPS_ROUTE_NONE - 1);
    uint32_t *tfirst = malloc((dests + 1) * sizeof *tfirst), *tarc = malloc((targets + 1) * sizeof *tarc);
    float *ts = malloc((targets + 1) * sizeof *ts);
    trf->dest_ref = malloc((dests + 1) * sizeof *trf->dest_ref);
    gops_status_t st = GOPS_OK;
    if (!tfirst || !tarc || !ts || !trf->dest_ref) {
        st = gops_error_set(err, GOPS_NOMEM, "traffic routing: out of memory");
        goto cleanup;
    }
    uint32_t d = 0, t = 0;
    for (uint32_t g = 0; g < P->gateway_count; g++) {
        const gops_tnet_node_t *n = &net->nodes[P->gateways[g].node];
        bool any = false;
        for (uint32_t k = 0; k < n->in_count; k++) any |= net->arcs[net->node_arcs[n->first_in + k]].in_map;
        if (!any) continue;
        tfirst[d] = t;
        for (uint32_t k = 0; k < n->in_count; k++) {
            uint32_t a = net->node_arcs[n->first_in + k];
            tarc[t] = a;
            ts[t++] = net->arcs[a].length;
        }
        P->gateways[g].dest = (uint16_t)d;
        trf->dest_ref[d++] = P->gateways[g].node;
    }
    for (uint32_t p = 0; p < P->count; p++) {
        gops_place_t *pl = &P->items[p];
        tfirst[d] = t;
        tarc[t] = pl->arc;
        ts[t++] = pl->s;
        if (pl->arc_other != GOPS_TNET_NONE) {
            tarc[t] = pl->arc_other;
            ts[t++] = pl->s_other;
        }
        pl->dest = (uint16_t)d;
        trf->dest_ref[d++] = p | 1u << 31;
    }
    tfirst[d] = t;
    st = gops_routing_init(&trf->routing, net, d, tfirst, tarc, ts, err);
cleanup:
    free(tfirst);
    free(tarc);
    free(ts);
    return st;
}

static void world_step(gops_world_t *world, void *state, double dt)
{
    (void)world;
    gops_traffic_t *trf = state;
    int k = (int)ceil(dt / trf->dt - 1e-9);
    for (int s = 0; s < (k > 0 ? k : 1); s++) gops_traffic_step(trf);
}

static void world_hash(const gops_world_t *world, const void *state, gops_hash_t *hash)
{
    (void)world;
    gops_traffic_hash(state, hash);
}

gops_traffic_t *gops_traffic_attach(gops_world_t *world, const gops_traffic_params_t *params, gops_error_t *err)
{
    gops_traffic_params_t p = params ? *params : gops_traffic_params_default();
    if (check_params(&p, err) != GOPS_OK) return NULL;
    const gops_district_t *district = gops_world_district(world);
    if (!district || !district->roads || district->roads->edge_count == 0) {
        gops_error_set(err, GOPS_SCENARIO, "traffic needs a district map with roads; the world has %s",
                       district ? "a map without roads" : "no map (set map = ... in the scenario)");
        return NULL;
    }
    gops_traffic_t *trf = calloc(1, sizeof *trf);
    if (!trf) {
        gops_error_set(err, GOPS_NOMEM, "traffic: out of memory");
        return NULL;
    }
    trf->world = world;
    trf->district = district;
    trf->params = p;
    trf->threads = gops_world_def(world)->threads;
    trf->rng = gops_world_rng(world, GOPS_STREAM_TRAFFIC);
    trf->forced_mode = -1;
    trf->mode = gops_world_mode(world);
    double tick = gops_world_tick_seconds(world);
    uint64_t ticks = (uint64_t)floor(p.step_s / tick + 1e-9);
    if (ticks < 1) ticks = 1;
    double period = (double)ticks * tick;
    int sub = (int)ceil(period / p.step_s - 1e-9);
    trf->dt = period / (sub > 0 ? sub : 1);
    gops_local_time_t start = gops_world_def(world)->start;
    trf->tod0 = (double)(((start % 86400) + 86400) % 86400);
    trf->warm_up_s = p.demand ? p.warm_up_s : 0;
    trf->t = -trf->warm_up_s;
    gops_vehicles_init(&trf->veh);
    if (!(trf->net = gops_tnet_build(district, err))) goto fail;
    const gops_tnet_t *net = trf->net;
    if (gops_signals_build(&trf->signals, net, err) != GOPS_OK) goto fail;
    if (gops_places_build(&trf->places, net, err) != GOPS_OK) goto fail;
    if (build_routing(trf, err) != GOPS_OK) goto fail;
    trf->arc_flags = calloc(net->arc_count + 1, 1);
    trf->enforcement = calloc(net->arc_count + 1, sizeof *trf->enforcement);
    trf->arc_go = calloc(net->arc_count + 1, 1);
    trf->lane_peds = calloc(net->lane_count + 1, 1);
    trf->arc_tta = malloc((net->arc_count + 1) * sizeof *trf->arc_tta);
    trf->tt_sum = calloc(net->arc_count + 1, sizeof *trf->tt_sum);
    trf->tt_n = calloc(net->arc_count + 1, sizeof *trf->tt_n);
    trf->tt_est = malloc((net->arc_count + 1) * sizeof *trf->tt_est);
    trf->spawn_mark = calloc(net->lane_count + 1, sizeof *trf->spawn_mark);
    trf->lane_tail = calloc(net->lane_count + 1, sizeof *trf->lane_tail);
    trf->lane_tail_mark = calloc(net->lane_count + 1, sizeof *trf->lane_tail_mark);
    if (!trf->arc_flags || !trf->enforcement || !trf->arc_go || !trf->lane_peds || !trf->arc_tta || !trf->tt_sum || !trf->tt_n || !trf->tt_est ||
        !trf->spawn_mark || !trf->lane_tail || !trf->lane_tail_mark ||
        gops_lane_index_init(&trf->index, net->lane_count) != 0) {
        gops_error_set(err, GOPS_NOMEM, "traffic: out of memory");
        goto fail;
    }
    for (uint32_t a = 0; a < net->arc_count; a++) {
        trf->arc_tta[a] = INFINITY;
        trf->arc_flags[a] = net->arcs[a].in_map ? TRF_ARC_OPEN : 0;
        trf->tt_est[a] = net->arcs[a].free_time;
    }
    trf->routes_dirty = true;
    trf_routes_refresh(trf, true);
    if (trf_crossings_init(trf, err) != GOPS_OK || trf_measures_init(trf, err) != GOPS_OK ||
        trf_demand_init(trf, err) != GOPS_OK || trf_buses_init(trf, err) != GOPS_OK ||
        trf_parking_init(trf, err) != GOPS_OK)
        goto fail;
    trf->index_dirty = true;
    trf_index_refresh(trf);
    if (gops_world_add_subsystem(world, "traffic", period, trf, world_step, world_hash, destroy) != GOPS_OK) {
        gops_error_set(err, GOPS_INTERNAL, "traffic: the world's subsystem table is full");
        goto fail;
    }
    gops_world_set_checkpoint(world, "traffic", gops_traffic_save, gops_traffic_load); // traffic_checkpoint.c
    return trf;
fail:
    destroy(trf);
    return NULL;
}

// ---- routing refresh ---------------------------------------------------------------------

// Expected delay of a free-flowing vehicle at a signal: red² / (2 · cycle).
static float signal_delay(const gops_traffic_t *trf, uint32_t a)
{
    const gops_tnet_arc_t *A = &trf->net->arcs[a];
    if (A->control != GOPS_ARC_SIGNAL) return 0;
    uint32_t s = trf->signals.of_node[A->to];
    if (s == GOPS_TNET_NONE) return 0;
    const gops_signal_plan_t *plan = &trf->signals.plans[s * GOPS_MODE_COUNT + trf->mode];
    double cycle = gops_signal_plan_cycle(plan), red = cycle - gops_signal_plan_green_s(plan, A->approach);
    return red > 0 ? (float)(red * red / (2 * cycle)) : 0;
}

// Free-flow reference speeds for the travel time index under the plans in force.
static void refresh_reference(gops_traffic_t *trf)
{
    const gops_tnet_t *net = trf->net;
    for (uint32_t a = 0; a < net->arc_count; a++) {
        const gops_tnet_arc_t *A = &net->arcs[a];
        trf->measures.ref_speed[a] = A->length / (A->free_time + signal_delay(trf, a));
    }
}

// Moves travel-time estimates toward what vehicles met in the last interval.
static void refresh_estimates(gops_traffic_t *trf)
{
    const gops_tnet_t *net = trf->net;
    refresh_reference(trf);
    for (uint32_t a = 0; a < net->arc_count; a++) {
        const gops_tnet_arc_t *A = &net->arcs[a];
        float meas = trf->tt_n[a] > 0 ? trf->tt_sum[a] / (float)trf->tt_n[a] : A->free_time + signal_delay(trf, a);
        float queue = trf->measures.queue_m[a];
        uint32_t lanes = A->lanes - A->first_general;
        if (queue > 0) {
            float q = A->free_time + queue / (TRF_QUEUE_DISCHARGE_MPS * (float)(lanes ? lanes : 1));
            if (q > meas) meas = q;
        }
        trf->tt_est[a] = 0.5f * trf->tt_est[a] + 0.5f * meas;
        trf->tt_sum[a] = 0;
        trf->tt_n[a] = 0;
    }
}

void trf_routes_refresh(gops_traffic_t *trf, bool all)
{
    const gops_tnet_t *net = trf->net;
    gops_routing_t *r = &trf->routing;
    for (uint32_t a = 0; a < net->arc_count; a++) {
        r->usable[a] = (trf->arc_flags[a] & (TRF_ARC_OPEN | TRF_ARC_CLOSED)) == TRF_ARC_OPEN;
        r->tt[a] = trf->tt_est[a] + ((trf->arc_flags[a] & TRF_ARC_PEDS) ? PED_BLOCK_PENALTY_S : 0);
    }
    if (all) gops_routing_compute_all(r, net);
}

// After a network change: drivers whose next arc can no longer be entered choose again.
static void reroute_blocked(gops_traffic_t *trf)
{
    gops_vehicles_t *V = &trf->veh;
    for (uint32_t i = 0; i < V->count; i++) {
        uint32_t nb = V->next_arc[i];
        bool stale_target = V->stop_s[i] >= 0 && V->dest[i] != GOPS_ROUTE_NONE &&
                            !trf->routing.usable[trf->net->lanes[V->lane[i]].arc];
        // A closed road is cleared: who stands in its lanes on an errand, a delivery or a
        // taxi stop (double-parked or at the kerb) drives off at the next step, as after
        // gops_traffic_clear_double_parking, instead of dwelling on through the closure.
        if (V->state[i] == GOPS_VSTATE_DWELL && V->purpose[i] != GOPS_PURPOSE_BUS_STOP &&
            !trf->routing.usable[trf->net->lanes[V->lane[i]].arc] && V->dwell[i] > 0)
            V->dwell[i] = 0;
        if ((nb != GOPS_TNET_NONE && !trf->routing.usable[nb]) || stale_target ||
            (nb == GOPS_TNET_NONE && V->stop_s[i] < 0))
            trf_enter_arc(trf, i, trf->net->lanes[V->lane[i]].arc);
    }
}

// ---- the step ----------------------------------------------------------------------------

static void step_once(gops_traffic_t *trf)
{
    trf->warming = trf->t < -1e-9;
    gops_mode_t mode = trf->forced_mode >= 0 ? (gops_mode_t)trf->forced_mode
                                             : (trf->world ? gops_world_mode(trf->world) : GOPS_MODE_NORMAL);
    if (mode != trf->mode || trf->steps == 0) {
        trf->mode = mode;
        trf->routes_dirty = true; // new signal plans change the expected delays
        refresh_reference(trf);
    }
    gops_signals_update(&trf->signals, trf->net, trf_tod(trf), trf->mode);
    gops_routing_t *r = &trf->routing;
    trf->route_timer += trf->dt;
    if (trf->route_timer >= trf->params.route_interval_s - 1e-9) {
        trf->route_timer = 0;
        refresh_estimates(trf);
        trf_routes_refresh(trf, false);
        r->cursor = 0;
    }
    if (trf->routes_dirty) {
        trf_routes_refresh(trf, true);
        reroute_blocked(trf);
        trf->routes_dirty = false;
    } else {
        // Spread the tables' recomputation over the interval.
        double per_step = (double)r->dest_count * trf->dt / trf->params.route_interval_s;
        uint64_t due = (uint64_t)ceil((trf->route_timer + trf->dt) / trf->dt * per_step - 1e-9);
        uint64_t done = (uint64_t)ceil(trf->route_timer / trf->dt * per_step - 1e-9);
        if (r->cursor < r->dest_count || trf->route_timer == 0) {
            uint32_t count = (uint32_t)(due > done ? due - done : 0);
            if (r->cursor + count > r->dest_count) count = r->dest_count - r->cursor;
            for (uint32_t k = 0; k < count; k++) gops_routing_compute(r, trf->net, r->cursor++);
        }
    }
    trf_parking_step(trf);
    trf_buses_step(trf);
    trf_index_refresh(trf);
    trf_feeds_step(trf);
    trf_demand_step(trf);
    trf_index_refresh(trf);
    trf_crossings_update(trf);
    trf_junctions_update(trf);
    if (trf_lane_changes(trf)) trf_index_refresh(trf);
    trf_move(trf);
    trf_crossings_after_move(trf);
    trf_index_refresh(trf);
    if (!trf->warming)
        for (uint32_t a = 0; a < trf->net->arc_count; a++)
            if (trf->arc_flags[a] & TRF_ARC_PEDS) trf->lane_blocked_s += trf->dt * trf->net->arcs[a].lanes;
    trf_measures_sample(trf);
    trf->t += trf->dt;
    trf->steps++;
}

void gops_traffic_step(gops_traffic_t *trf)
{
    while (trf->t < -1e-9) step_once(trf); // warm-up before the first real step
    step_once(trf);
}

double gops_traffic_time(const gops_traffic_t *trf) { return trf->t > 0 ? trf->t : 0; }

// ---- network queries and scenario actions ------------------------------------------------

uint32_t gops_traffic_arc_count(const gops_traffic_t *trf) { return trf->net->arc_count; }

static bool road_matches(const gops_feature_t *f, const char *name)
{
    return (f->id && strcmp(f->id, name) == 0) || (f->name && strcmp(f->name, name) == 0) ||
           (f->name_en && strcmp(f->name_en, name) == 0);
}

uint32_t gops_traffic_road_arcs(const gops_traffic_t *trf, const char *road, uint32_t *arcs, uint32_t cap)
{
    uint32_t n = 0;
    if (!road) return 0;
    const gops_map_t *map = trf->district->map;
    for (uint32_t a = 0; a < trf->net->arc_count; a++) {
        if (!road_matches(&map->features[trf->net->arcs[a].road], road)) continue;
        if (n < cap) arcs[n] = a;
        n++;
    }
    return n;
}

uint32_t gops_traffic_node_near(const gops_traffic_t *trf, double x, double y, double max_m)
{
    uint32_t best = GOPS_TRAFFIC_NONE;
    double best_d = max_m;
    for (uint32_t v = 0; v < trf->net->node_count; v++) {
        double d = hypot(trf->net->nodes[v].at.x - x, trf->net->nodes[v].at.y - y);
        if (d < best_d || (d == best_d && best == GOPS_TRAFFIC_NONE)) best_d = d, best = v;
    }
    return best;
}

void gops_traffic_set_arc_closed(gops_traffic_t *trf, uint32_t arc, bool closed)
{
    if (arc >= trf->net->arc_count) return;
    if (closed) trf->arc_flags[arc] |= TRF_ARC_CLOSED;
    else trf->arc_flags[arc] = (uint8_t)((trf->arc_flags[arc] & ~TRF_ARC_CLOSED) | TRF_ARC_OPEN);
    trf->routes_dirty = true;
}

void gops_traffic_set_edge_closed(gops_traffic_t *trf, uint32_t edge, bool closed)
{
    if (edge >= trf->net->arc_count / 2) return;
    for (uint32_t a = 2 * edge; a <= 2 * edge + 1; a++) {
        if (closed) trf->arc_flags[a] |= TRF_ARC_CLOSED;
        else trf->arc_flags[a] &= (uint8_t)~TRF_ARC_CLOSED;
    }
    trf->routes_dirty = true;
}

gops_status_t gops_traffic_close_road(gops_traffic_t *trf, const char *road, bool closed, gops_error_t *err)
{
    uint32_t n = gops_traffic_road_arcs(trf, road, NULL, 0);
    if (n == 0) return gops_error_set(err, GOPS_BAD_VALUE, "no road \"%s\" in the map (give its id, name or English name)", road ? road : "");
    const gops_map_t *map = trf->district->map;
    for (uint32_t a = 0; a < trf->net->arc_count; a++) {
        if (!road_matches(&map->features[trf->net->arcs[a].road], road)) continue;
        if (closed) trf->arc_flags[a] |= TRF_ARC_CLOSED;
        else trf->arc_flags[a] &= (uint8_t)~TRF_ARC_CLOSED;
    }
    trf->routes_dirty = true;
    return GOPS_OK;
}

gops_status_t gops_traffic_set_oneway(gops_traffic_t *trf, const char *road, int direction, gops_error_t *err)
{
    if (direction < -1 || direction > 1)
        return gops_error_set(err, GOPS_BAD_VALUE, "one-way direction %d for \"%s\"; expected +1 (along the line), -1 (against it) or 0 (both ways)",
                              direction, road ? road : "");
    if (gops_traffic_road_arcs(trf, road, NULL, 0) == 0)
        return gops_error_set(err, GOPS_BAD_VALUE, "no road \"%s\" in the map (give its id, name or English name)", road ? road : "");
    const gops_map_t *map = trf->district->map;
    for (uint32_t a = 0; a < trf->net->arc_count; a++) {
        if (!road_matches(&map->features[trf->net->arcs[a].road], road)) continue;
        bool open = trf->net->arcs[a].backward ? direction <= 0 : direction >= 0;
        if (open) trf->arc_flags[a] |= TRF_ARC_OPEN;
        else trf->arc_flags[a] &= (uint8_t)~TRF_ARC_OPEN;
    }
    trf->routes_dirty = true;
    return GOPS_OK;
}

gops_status_t gops_traffic_set_signal_plan(gops_traffic_t *trf, uint32_t node, int mode, const gops_signal_plan_t *plan,
                                           gops_error_t *err)
{
    if (node >= trf->net->node_count || trf->signals.of_node[node] == GOPS_TNET_NONE)
        return gops_error_set(err, GOPS_BAD_VALUE, "node %u has no traffic signal; expected a signal-controlled junction", node);
    if (mode < -1 || mode >= GOPS_MODE_COUNT)
        return gops_error_set(err, GOPS_BAD_VALUE, "operating mode %d; expected -1 (all) or 0 to %d", mode, GOPS_MODE_COUNT - 1);
    if (gops_signal_plan_check(trf->net, node, plan, err) != GOPS_OK) return err ? err->status : GOPS_BAD_VALUE;
    uint32_t s = trf->signals.of_node[node];
    for (int m = 0; m < GOPS_MODE_COUNT; m++)
        if (mode < 0 || m == mode) trf->signals.plans[s * GOPS_MODE_COUNT + m] = *plan;
    refresh_reference(trf);
    return GOPS_OK;
}

const gops_signal_plan_t *gops_traffic_signal_plan(const gops_traffic_t *trf, uint32_t node, gops_mode_t mode)
{
    if (node >= trf->net->node_count || trf->signals.of_node[node] == GOPS_TNET_NONE || (unsigned)mode >= GOPS_MODE_COUNT)
        return NULL;
    return &trf->signals.plans[trf->signals.of_node[node] * GOPS_MODE_COUNT + mode];
}

uint32_t gops_traffic_approach_mask(const gops_traffic_t *trf, uint32_t node, const char *road)
{
    if (node >= trf->net->node_count || !road) return 0;
    const gops_tnet_node_t *n = &trf->net->nodes[node];
    uint32_t mask = 0;
    for (uint32_t k = 0; k < n->in_count && k < 32; k++)
        if (road_matches(&trf->district->map->features[trf->net->arcs[trf->net->node_arcs[n->first_in + k]].road], road))
            mask |= 1u << k;
    return mask;
}

void gops_traffic_force_mode(gops_traffic_t *trf, int mode)
{
    trf->forced_mode = mode >= 0 && mode < GOPS_MODE_COUNT ? mode : -1;
}

uint32_t gops_traffic_spawn(gops_traffic_t *trf, gops_vclass_t cls, uint32_t arc, uint32_t lane, double s, double v,
                            uint32_t exit_node)
{
    if ((unsigned)cls >= GOPS_VCLASS_COUNT || arc >= trf->net->arc_count || !(v >= 0) || !(s >= 0)) return 0;
    const gops_tnet_arc_t *A = &trf->net->arcs[arc];
    const gops_vclass_params_t *p = &trf->params.vclass[cls];
    if (s > A->length || s < p->length * 0.5) return 0;
    uint32_t lid;
    if (cls == GOPS_VCLASS_EBIKE) lid = gops_tnet_nonmotor_lane(trf->net, arc);
    else if (lane < A->lanes) lid = gops_tnet_lane(trf->net, arc, lane);
    else return 0;
    const gops_vehicles_t *V = &trf->veh;
    for (uint32_t j = 0; j < V->count; j++) { // overlap check (set-ups are small)
        if (V->lane[j] != lid) continue;
        float lj = trf->params.vclass[V->cls[j]].length;
        if ((float)s > V->s[j] - lj && (float)s - p->length < V->s[j]) return 0;
    }
    trf_entry_t e = {.cls = (uint8_t)cls, .place = UINT32_MAX, .t_request = trf->t > 0 ? trf->t : 0};
    e.dest = exit_node == GOPS_TRAFFIC_NONE ? GOPS_ROUTE_NONE : trf_exit_dest(trf, exit_node);
    e.purpose = e.dest == GOPS_ROUTE_NONE ? GOPS_PURPOSE_WANDER : GOPS_PURPOSE_EXIT;
    uint32_t i = trf_insert(trf, &e, arc, lid, (float)s, (float)v);
    if (i == UINT32_MAX) return 0;
    trf->spawn_mark[lid] = 0; // set-ups may place several vehicles in a lane at once
    return trf->veh.id[i];
}

// Places (or, with trf NULL, only counts) cars every `spacing` m along the motor lanes.
static uint32_t fill_pass(gops_traffic_t *trf, const gops_tnet_t *net, double spacing, uint32_t count)
{
    uint32_t placed = 0;
    for (uint32_t a = 0; a < net->arc_count && placed < count; a++) {
        const gops_tnet_arc_t *A = &net->arcs[a];
        if (!A->in_map) continue;
        for (uint32_t k = 0; k < A->lanes && placed < count; k++) {
            for (double s = A->length - 1.0; s >= 5.5 && placed < count; s -= spacing) {
                if (trf) {
                    trf_entry_t e = {.cls = GOPS_VCLASS_CAR, .purpose = GOPS_PURPOSE_EXIT, .place = UINT32_MAX,
                                     .t_request = trf->t > 0 ? trf->t : 0};
                    e.dest = trf_demand_exit(trf, GOPS_TNET_NONE);
                    if (e.dest == GOPS_ROUTE_NONE) e.purpose = GOPS_PURPOSE_WANDER;
                    if (trf_insert(trf, &e, a, gops_tnet_lane(net, a, k), (float)s, 0) == UINT32_MAX) return placed;
                }
                placed++;
            }
        }
    }
    return placed;
}

uint32_t gops_traffic_fill(gops_traffic_t *trf, uint32_t count)
{
    const gops_tnet_t *net = trf->net;
    double total = 0;
    for (uint32_t a = 0; a < net->arc_count; a++)
        if (net->arcs[a].in_map) total += net->arcs[a].length * net->arcs[a].lanes;
    if (count == 0 || total <= 0) return 0;
    // The widest even spacing that fits them all, but never closer than jam spacing (a car
    // length plus the jam gap).
    double spacing = total / count;
    while (spacing > 7.0 && fill_pass(NULL, net, spacing, count) < count) spacing *= 0.98;
    if (spacing < 7.0) spacing = 7.0;
    uint32_t placed = fill_pass(trf, net, spacing, count);
    for (uint32_t l = 0; l < net->lane_count; l++) trf->spawn_mark[l] = 0;
    return placed;
}

bool gops_traffic_double_park(gops_traffic_t *trf, uint32_t id, double dwell_s)
{
    uint32_t i = gops_vehicles_find(&trf->veh, id);
    if (i == UINT32_MAX || !(dwell_s > 0)) return false;
    trf->veh.state[i] = GOPS_VSTATE_DWELL;
    trf->veh.dwell_kind[i] = GOPS_DWELL_DOUBLE_PARK;
    trf->veh.dwell[i] = (float)dwell_s;
    trf->veh.v[i] = 0;
    return true;
}

// ---- crossings and bus stops for the crowd ---------------------------------------------------

uint32_t gops_traffic_crossing_count(const gops_traffic_t *trf) { return trf->crossings.count; }

void gops_traffic_crossing_info(const gops_traffic_t *trf, uint32_t c, gops_traffic_crossing_info_t *out)
{
    GOPS_ASSERT(c < trf->crossings.count);
    const gops_tnet_crossing_t *X = &trf->net->crossings[c];
    *out = (gops_traffic_crossing_info_t){.node = X->node, .x = X->at.x, .y = X->at.y, .ux = X->across.x,
                                          .uy = X->across.y, .length_m = X->length_m, .signalised = X->signalised};
}

void gops_traffic_crossings_external(gops_traffic_t *trf, bool external)
{
    trf->crossings.external = external;
    if (external)
        for (uint32_t c = 0; c < trf->crossings.count; c++) {
            trf->crossings.present[c] = 0;
            trf->crossings.half[2 * c] = trf->crossings.half[2 * c + 1] = 0;
        }
}

void gops_traffic_crossing_set_present(gops_traffic_t *trf, uint32_t c, uint32_t pedestrians)
{
    gops_traffic_crossing_set_halves(trf, c, pedestrians, pedestrians);
}

void gops_traffic_crossing_set_halves(gops_traffic_t *trf, uint32_t c, uint32_t approach_side, uint32_t exit_side)
{
    if (c >= trf->crossings.count) return;
    trf->crossings.half[2 * c] = approach_side;
    trf->crossings.half[2 * c + 1] = exit_side;
    trf->crossings.present[c] = approach_side > exit_side ? approach_side : exit_side;
}

void gops_traffic_crossing_report(gops_traffic_t *trf, uint32_t c, uint32_t crossed, uint32_t on_red)
{
    if (c >= trf->crossings.count) return;
    trf->crossings.crossed += crossed;
    trf->crossings.on_red += on_red < crossed ? on_red : crossed;
}

bool gops_traffic_crossing_walk(const gops_traffic_t *trf, uint32_t c)
{
    return c < trf->crossings.count && trf->crossings.walk[c];
}

void gops_traffic_set_arc_blocked_by_pedestrians(gops_traffic_t *trf, uint32_t arc, bool blocked)
{
    if (arc >= trf->net->arc_count) return;
    bool was = trf->arc_flags[arc] & TRF_ARC_PEDS;
    if (blocked) trf->arc_flags[arc] |= TRF_ARC_PEDS;
    else trf->arc_flags[arc] &= (uint8_t)~TRF_ARC_PEDS;
    if (was != blocked) trf->routes_dirty = true;
}

void gops_traffic_set_edge_blocked_by_pedestrians(gops_traffic_t *trf, uint32_t edge, bool blocked)
{
    if (edge >= trf->net->arc_count / 2) return;
    gops_traffic_set_arc_blocked_by_pedestrians(trf, 2 * edge, blocked);
    gops_traffic_set_arc_blocked_by_pedestrians(trf, 2 * edge + 1, blocked);
}

uint32_t gops_traffic_bus_stop_count(const gops_traffic_t *trf) { return trf->buses.stop_count; }

void gops_traffic_bus_stop_set_waiting(gops_traffic_t *trf, uint32_t stop, uint32_t waiting)
{
    if (stop < trf->buses.stop_count) trf->buses.waiting_ext[stop] = waiting;
}

uint64_t gops_traffic_bus_stop_boarded(const gops_traffic_t *trf, uint32_t stop)
{
    return stop < trf->buses.stop_count ? trf->buses.boarded[stop] : 0;
}

// ---- measures, counts, drawing, hash -----------------------------------------------------------

void gops_traffic_arc_measures(const gops_traffic_t *trf, uint32_t arc, gops_traffic_arc_measures_t *out)
{
    GOPS_ASSERT(arc < trf->net->arc_count);
    const trf_measures_t *M = &trf->measures;
    *out = (gops_traffic_arc_measures_t){.flow_vph = M->flow_vph[arc], .mean_speed_mps = M->speed_mps[arc],
                                         .tti = M->tti[arc], .queue_m = M->queue_m[arc],
                                         .congestion_index = gops_traffic_congestion_index(M->tti[arc]),
                                         .vehicles = M->on_arc[arc]};
}

void gops_traffic_counts(const gops_traffic_t *trf, gops_traffic_counts_t *out)
{
    memset(out, 0, sizeof *out);
    const gops_vehicles_t *V = &trf->veh;
    for (uint32_t i = 0; i < V->count; i++) {
        out->by_class[V->cls[i]]++;
        if (gops_vclass_is_motor((gops_vclass_t)V->cls[i])) out->vehicles++;
        if (V->state[i] == GOPS_VSTATE_DWELL && V->dwell_kind[i] == GOPS_DWELL_DOUBLE_PARK) out->double_parked++;
        if (V->purpose[i] == GOPS_PURPOSE_GARAGE && V->aux[i] > 0) out->cruising++;
    }
    out->vehicles_entered = trf->entered;
    out->trips_completed = trf->trips_done;
    out->mean_trip_time_s = trf->trips_done ? trf->trip_time_sum / (double)trf->trips_done : 0;
    out->ebikes_on_sidewalks = trf->parking.bike_count;
    out->lane_minutes_blocked = trf->lane_blocked_s / 60.0;
    out->pedestrians_crossed = trf->crossings.crossed;
    out->pedestrians_on_red = trf->crossings.on_red;
    out->vehicle_delay_pedestrians_s = trf->crossings.vehicle_delay_s;
    for (uint32_t g = 0; g < trf->places.gateway_count; g++) out->entry_queue += trf->demand.queue_len[g];
    out->removed_stuck = trf->removed_stuck;
    for (uint32_t p = trf->places.first[GOPS_PLACE_GARAGE]; p < trf->places.first[GOPS_PLACE_GARAGE + 1]; p++) {
        out->garage_spaces += trf->places.items[p].capacity;
        out->garage_occupied += trf->places.items[p].occupied;
    }
    out->bus_departures = trf->buses.departures;
    out->bus_stops_served = trf->buses.stops_served;
    out->tti = trf->measures.district_tti;
    out->congestion_index = trf->measures.district_ci;
}

uint32_t gops_traffic_vehicle_count(const gops_traffic_t *trf) { return trf->veh.count; }

uint32_t gops_traffic_poses(const gops_traffic_t *trf, gops_traffic_pose_t *out, uint32_t cap)
{
    const gops_vehicles_t *V = &trf->veh;
    for (uint32_t i = 0; i < V->count && i < cap; i++) {
        const gops_tnet_lane_t *L = &trf->net->lanes[V->lane[i]];
        float len = trf->params.vclass[V->cls[i]].length;
        double s = V->s[i] - len / 2;
        gops_point_t at, h;
        gops_tnet_pose(trf->net, L->arc, s > 0 ? s : 0, L->offset_m, &at, &h);
        out[i] = (gops_traffic_pose_t){.x = (float)at.x, .y = (float)at.y, .heading = (float)atan2(h.y, h.x),
                                       .length = len, .cls = V->cls[i], .stopped = V->state[i] == GOPS_VSTATE_DWELL};
    }
    return V->count;
}

void gops_traffic_hash(const gops_traffic_t *trf, gops_hash_t *h)
{
    gops_hash_f64(h, trf->t);
    gops_hash_u64(h, trf->steps);
    gops_vehicles_hash(&trf->veh, h);
    gops_hash_bytes(h, trf->arc_flags, trf->net->arc_count);
    gops_hash_bytes(h, trf->enforcement, trf->net->arc_count * sizeof *trf->enforcement);
    gops_hash_bytes(h, trf->tt_est, trf->net->arc_count * sizeof *trf->tt_est);
    for (uint32_t p = 0; p < trf->places.count; p++) gops_hash_u64(h, trf->places.items[p].occupied);
    gops_hash_bytes(h, trf->crossings.half, 2 * trf->crossings.count * sizeof *trf->crossings.half);
    gops_hash_u64(h, trf->crossings.crossed);
    gops_hash_u64(h, trf->crossings.on_red);
    gops_hash_u64(h, trf->parking.bike_count);
    gops_hash_u64(h, trf->entered);
    gops_hash_u64(h, trf->trips_done);
    gops_hash_u64(h, trf->removed_stuck);
    gops_hash_f64(h, trf->measures.district_tti);
    gops_hash_f64(h, trf->demand.next_vehicle);
    gops_hash_f64(h, trf->demand.next_ebike);
    for (uint32_t g = 0; g < trf->places.gateway_count; g++) gops_hash_u64(h, trf->demand.queue_len[g]);
    trf_feeds_hash(trf, h);     // nothing without scenario feeds or detectors: older hashes stay
    trf_detectors_hash(trf, h);
    for (uint32_t s = 0; s < trf->signals.count * GOPS_MODE_COUNT; s++) {
        const gops_signal_plan_t *plan = &trf->signals.plans[s];
        gops_hash_u64(h, plan->phase_count);
        gops_hash_f64(h, plan->offset_s);
        for (uint32_t p = 0; p < plan->phase_count; p++) {
            gops_hash_f64(h, plan->phases[p].green_s);
            gops_hash_f64(h, plan->phases[p].yellow_s);
            gops_hash_f64(h, plan->phases[p].all_red_s);
            gops_hash_u64(h, plan->phases[p].approaches);
        }
    }
}
