// SPDX-License-Identifier: MIT
// Checkpoints of the operations model and of its density trigger (ops_checkpoint.h):
// incidents with their orders, the triage queue and desks, teams and posts (posts can be
// moved), the agenda of timed events, the random streams, hazard accumulators, the drone
// route (scenarios can change it), the quantile estimators and every running count.
// Not stored: what teams_init and the generator build from the map (bases, waypoints, zone
// lists, candidate cells), the cameras, and the travel model's cache of foot fields (pure
// functions of the raster, recomputed on demand).
#include "ops/ops_checkpoint.h"

#include "ops/ops_internal.h"

#include <stdlib.h>
#include <string.h>

static void save_quantile(gops_ckpt_writer_t *w, const gops_quantile_t *q)
{
    GOPS_CKPT_PUT_ARRAY(w, "ops.quantile.lo", q->lo, q->nlo);
    GOPS_CKPT_PUT_ARRAY(w, "ops.quantile.hi", q->hi, q->nhi);
}

/// `q` holds the saved counts with pointers of the saved run; `fresh` is this run's.
static void load_quantile(gops_ckpt_reader_t *r, gops_quantile_t *q, gops_quantile_t *fresh)
{
    gops_quantile_free(fresh);
    if (q->nlo > q->cap_lo || q->nhi > q->cap_hi) {
        gops_ckpt_fail(r, "a quantile estimator holding %u + %u values in %u + %u places", q->nlo, q->nhi, q->cap_lo,
                       q->cap_hi);
        q->nlo = q->nhi = q->cap_lo = q->cap_hi = 0;
    }
    GOPS_CKPT_LOAD_ARRAY(r, "ops.quantile.lo", q->lo, q->nlo, q->cap_lo);
    if (!q->lo) q->cap_lo = 0;
    GOPS_CKPT_LOAD_ARRAY(r, "ops.quantile.hi", q->hi, q->nhi, q->cap_hi);
    if (!q->hi) q->cap_hi = 0;
}

void gops_ops_save(const gops_world_t *world, const void *state, gops_ckpt_writer_t *w)
{
    (void)world;
    const gops_ops_t *ops = state;
    GOPS_CKPT_PUT(w, "ops", ops);
    GOPS_CKPT_PUT_ARRAY(w, "ops.route", ops->sensing.route, ops->sensing.route_count);
    GOPS_CKPT_PUT_ARRAY(w, "ops.route_cum", ops->sensing.route_cum, ops->sensing.route_count);
    GOPS_CKPT_PUT_ARRAY(w, "ops.agenda", ops->agenda.items, ops->agenda.count);
    GOPS_CKPT_PUT_ARRAY(w, "ops.incidents", ops->incidents, ops->incident_count);
    GOPS_CKPT_PUT_ARRAY(w, "ops.pending", ops->pending, ops->pending_count);
    GOPS_CKPT_PUT_ARRAY(w, "ops.waiting", ops->waiting, ops->waiting_count);
    GOPS_CKPT_PUT_ARRAY(w, "ops.triage", ops->triage_queue, ops->triage_count);
    GOPS_CKPT_PUT_ARRAY(w, "ops.desks", ops->desks, ops->desk_cap);
    GOPS_CKPT_PUT_ARRAY(w, "ops.teams", ops->teams, ops->team_count);
    GOPS_CKPT_PUT_ARRAY(w, "ops.posts", ops->posts, ops->post_count);
    save_quantile(w, &ops->response_p50);
    save_quantile(w, &ops->response_p90);
    save_quantile(w, &ops->closure_p50);
}

void gops_ops_load(gops_world_t *world, void *state, gops_ckpt_reader_t *r)
{
    (void)world;
    gops_ops_t *ops = state;
    gops_ops_t s;
    if (!GOPS_CKPT_GET(r, "ops", &s)) return;
    if (s.post_count != ops->post_count || s.subdistrict_count != ops->subdistrict_count ||
        s.waypoint_count != ops->waypoint_count || s.gen.road_count != ops->gen.road_count ||
        s.incident_count > s.incident_cap || s.pending_count > s.pending_cap || s.waiting_count > s.waiting_cap ||
        s.triage_count > s.triage_cap || s.team_count > s.team_cap || s.agenda.count > s.agenda.capacity) {
        gops_ckpt_fail(r, "operations with %u posts, %u sub-districts and %u roads, expected %u, %u and %u as this "
                       "scenario makes (was the scenario or the map changed?)",
                       s.post_count, s.subdistrict_count, s.gen.road_count, ops->post_count, ops->subdistrict_count,
                       ops->gen.road_count);
        return;
    }
    gops_ops_t fresh = *ops;
    *ops = s;
    ops->world = fresh.world;
    ops->district = fresh.district;
    for (int m = 0; m < GOPS_MODE_COUNT; m++) ops->params.modes[m].signal_plan = fresh.params.modes[m].signal_plan;
    // Built from the map: this run's.
    ops->gen.district = fresh.gen.district;
    ops->gen.crowd_cells = fresh.gen.crowd_cells, ops->gen.vendor_cells = fresh.gen.vendor_cells;
    ops->gen.nonmotor_cells = fresh.gen.nonmotor_cells, ops->gen.entrances = fresh.gen.entrances;
    ops->gen.junctions = fresh.gen.junctions, ops->gen.low_points = fresh.gen.low_points;
    ops->gen.roads = fresh.gen.roads, ops->gen.road_cum = fresh.gen.road_cum;
    ops->sensing.cameras = fresh.sensing.cameras;
    ops->sensing.camera_count = fresh.sensing.camera_count;
    ops->travel = fresh.travel;
    ops->subdistricts = fresh.subdistricts, ops->waypoints = fresh.waypoints;
    ops->zone_wp = fresh.zone_wp, ops->zone_wp_start = fresh.zone_wp_start;
    ops->gateways = fresh.gateways, ops->garages = fresh.garages;
    ops->gateway_count = fresh.gateway_count, ops->garage_count = fresh.garage_count;

    free(fresh.sensing.route), free(fresh.sensing.route_cum);
    uint32_t route = ops->sensing.route_count;
    ops->sensing.route = gops_ckpt_get_alloc(r, "ops.route", sizeof *ops->sensing.route, route, route);
    ops->sensing.route_cum = gops_ckpt_get_alloc(r, "ops.route_cum", sizeof *ops->sensing.route_cum, route, route);
    if (!ops->sensing.route || !ops->sensing.route_cum) ops->sensing.route_count = 0;
    gops_agenda_free(&fresh.agenda);
    GOPS_CKPT_LOAD_ARRAY(r, "ops.agenda", ops->agenda.items, ops->agenda.count, ops->agenda.capacity);
    if (!ops->agenda.items) ops->agenda.capacity = 0;
    free(fresh.incidents);
    GOPS_CKPT_LOAD_ARRAY(r, "ops.incidents", ops->incidents, ops->incident_count, ops->incident_cap);
    if (!ops->incidents) ops->incident_cap = 0;
    free(fresh.pending);
    GOPS_CKPT_LOAD_ARRAY(r, "ops.pending", ops->pending, ops->pending_count, ops->pending_cap);
    if (!ops->pending) ops->pending_cap = 0;
    free(fresh.waiting);
    GOPS_CKPT_LOAD_ARRAY(r, "ops.waiting", ops->waiting, ops->waiting_count, ops->waiting_cap);
    if (!ops->waiting) ops->waiting_cap = 0;
    free(fresh.triage_queue);
    GOPS_CKPT_LOAD_ARRAY(r, "ops.triage", ops->triage_queue, ops->triage_count, ops->triage_cap);
    if (!ops->triage_queue) ops->triage_cap = 0;
    free(fresh.desks);
    GOPS_CKPT_LOAD_ARRAY(r, "ops.desks", ops->desks, ops->desk_cap, ops->desk_cap);
    if (!ops->desks) ops->desk_count = 0;
    free(fresh.teams);
    GOPS_CKPT_LOAD_ARRAY(r, "ops.teams", ops->teams, ops->team_count, ops->team_cap);
    if (!ops->teams) ops->team_cap = 0;
    free(fresh.posts);
    ops->posts = gops_ckpt_get_alloc(r, "ops.posts", sizeof *ops->posts, ops->post_count, ops->post_count);
    load_quantile(r, &ops->response_p50, &fresh.response_p50);
    load_quantile(r, &ops->response_p90, &fresh.response_p90);
    load_quantile(r, &ops->closure_p50, &fresh.closure_p50);
}

void gops_density_trigger_save(const gops_world_t *world, const void *state, gops_ckpt_writer_t *w)
{
    (void)world;
    const gops_density_trigger_t *tr = state;
    GOPS_CKPT_PUT(w, "trigger", tr);
    GOPS_CKPT_PUT_ARRAY(w, "trigger.since", tr->since, tr->area_cap);
}

void gops_density_trigger_load(gops_world_t *world, void *state, gops_ckpt_reader_t *r)
{
    gops_density_trigger_t *tr = state, s;
    if (!GOPS_CKPT_GET(r, "trigger", &s)) return;
    free(tr->since);
    *tr = s;
    tr->world = world;
    GOPS_CKPT_LOAD_ARRAY(r, "trigger.since", tr->since, tr->area_cap, tr->area_cap);
}
