// SPDX-License-Identifier: MIT
// Team travel times and foot coverage (see travel.h). Foot fields run on a coarser copy of
// the walkable raster (2 m squares by default: a sixteenth of the 0.5 m cells, a quarter of
// 1 m ones, so a field over the Erqi district takes a few milliseconds) and are cached by
// destination square with least-recently-used replacement: dispatch asks many teams for the
// same incident, and an order's destination stays put while it is live. Points snap to the
// nearest walkable cell by an outward ring search. The road search is a plain O(V²)
// Dijkstra (the district's graph has about a hundred nodes) that ignores turn restrictions.
// Ordering: ties between equal-time nodes go to the lower node id; cache slots are scanned
// in index order, so results never depend on allocation addresses.
#include "ops/travel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

gops_travel_params_t gops_travel_params_default(void)
{
    return (gops_travel_params_t){
        .foot = GOPS_FOOT_STRAIGHT, // scenario runs default to GOPS_FOOT_FIELD (scenario_def.c)
        .vehicle = GOPS_VEHICLE_ROAD,
        .walk_speed_mps = 1.4,
        .detour_factor = 1.3,
        .vehicle_speed_mps = 6.9,
        .vehicle_detour = 1.4,
        .snap_radius_m = 30.0,
        .field_cache = 64,
        .field_cell_m = 2.0,
        .coverage_step_m = 10.0,
    };
}

static double dist(gops_point_t a, gops_point_t b)
{
    return hypot(a.x - b.x, a.y - b.y);
}

static void build_lattice(gops_travel_t *tr)
{
    const gops_walkable_t *w = tr->district->walk;
    int32_t k = (int32_t)lround(tr->params.coverage_step_m / w->cell);
    if (k < 1) k = 1;
    uint32_t n = 0;
    for (uint32_t i = 0; i < w->count; i++) {
        uint32_t c = w->cells[i];
        if ((int32_t)(c % (uint32_t)w->nx) % k == 0 && (int32_t)(c / (uint32_t)w->nx) % k == 0) n++;
    }
    tr->lattice = malloc((n ? n : 1) * sizeof *tr->lattice);
    if (!tr->lattice) return;
    tr->lattice_count = 0;
    for (uint32_t i = 0; i < w->count; i++) {
        uint32_t c = w->cells[i];
        if ((int32_t)(c % (uint32_t)w->nx) % k == 0 && (int32_t)(c / (uint32_t)w->nx) % k == 0)
            tr->lattice[tr->lattice_count++] = i;
    }
}

/// The raster foot fields run on: the walkable raster itself, or squares of k × k of its
/// cells (k = field_cell_m / cell, rounded), a square walkable when any of its cells is (so
/// a 3 m sidewalk never breaks up). False when out of memory.
static bool build_coarse(gops_travel_t *tr)
{
    const gops_walkable_t *w = tr->district->walk;
    int32_t k = (int32_t)lround(tr->params.field_cell_m / w->cell);
    if (k <= 1) return true; // the walkable raster itself
    gops_walkable_t *c = &tr->coarse;
    c->min_x = w->min_x;
    c->min_y = w->min_y;
    c->cell = w->cell * k;
    c->nx = (w->nx + k - 1) / k;
    c->ny = (w->ny + k - 1) / k;
    size_t ids = (size_t)c->nx * (size_t)c->ny, words = (ids + 63) / 64;
    c->bits = calloc(words + 1, sizeof *c->bits);
    c->rank = calloc(words + 1, sizeof *c->rank);
    tr->coarse_of = malloc(w->count * sizeof *tr->coarse_of);
    if (!c->bits || !c->rank || !tr->coarse_of) return false;
    for (uint32_t i = 0; i < w->count; i++) {
        uint32_t cell = w->cells[i];
        uint32_t id = (cell / (uint32_t)w->nx / (uint32_t)k) * (uint32_t)c->nx + (cell % (uint32_t)w->nx) / (uint32_t)k;
        c->bits[id >> 6] |= 1ull << (id & 63);
    }
    uint32_t n = 0;
    for (size_t wd = 0; wd < words; wd++) {
        c->rank[wd] = n;
        n += (uint32_t)__builtin_popcountll(c->bits[wd]);
    }
    c->count = n;
    c->cells = malloc((n ? n : 1) * sizeof *c->cells);
    if (!c->cells) return false;
    n = 0;
    for (size_t id = 0; id < ids; id++)
        if ((c->bits[id >> 6] >> (id & 63)) & 1u) c->cells[n++] = (uint32_t)id;
    for (uint32_t i = 0; i < w->count; i++) {
        uint32_t cell = w->cells[i];
        uint32_t id = (cell / (uint32_t)w->nx / (uint32_t)k) * (uint32_t)c->nx + (cell % (uint32_t)w->nx) / (uint32_t)k;
        tr->coarse_of[i] = gops_walkable_index(c, id);
    }
    return true;
}

gops_status_t gops_travel_init(gops_travel_t *tr, const gops_travel_params_t *p, const gops_district_t *district,
                               gops_error_t *err)
{
    memset(tr, 0, sizeof *tr);
    if ((unsigned)p->foot >= GOPS_FOOT_MODEL_COUNT)
        return gops_error_set(err, GOPS_BAD_VALUE, "ops travel: unknown foot model %d", (int)p->foot);
    if ((unsigned)p->vehicle >= GOPS_VEHICLE_MODEL_COUNT)
        return gops_error_set(err, GOPS_BAD_VALUE, "ops travel: unknown vehicle model %d", (int)p->vehicle);
    if (!(p->walk_speed_mps > 0.1 && p->walk_speed_mps <= 10))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops travel: walk_speed_mps %g is out of range: expected (0.1, 10] m/s",
                              p->walk_speed_mps);
    if (!(p->detour_factor >= 1 && p->detour_factor <= 5))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops travel: detour_factor %g is out of range: expected 1 to 5",
                              p->detour_factor);
    if (!(p->vehicle_speed_mps > 0.5 && p->vehicle_speed_mps <= 60))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "ops travel: vehicle_speed_mps %g is out of range: expected (0.5, 60] m/s",
                              p->vehicle_speed_mps);
    if (!(p->vehicle_detour >= 1 && p->vehicle_detour <= 5))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops travel: vehicle_detour %g is out of range: expected 1 to 5",
                              p->vehicle_detour);
    if (!(p->snap_radius_m >= 0 && p->snap_radius_m <= 1000))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops travel: snap_radius_m %g is out of range: expected 0 to 1000 m",
                              p->snap_radius_m);
    if (p->field_cache < 1 || p->field_cache > 1024)
        return gops_error_set(err, GOPS_BAD_VALUE, "ops travel: field_cache %u is out of range: expected 1 to 1024",
                              p->field_cache);
    if (!(p->field_cell_m >= 0 && p->field_cell_m <= 20))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops travel: field_cell_m %g is out of range: expected 0 to 20 m",
                              p->field_cell_m);
    if (!(p->coverage_step_m > 0 && p->coverage_step_m <= 1000))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "ops travel: coverage_step_m %g is out of range: expected (0, 1000] m", p->coverage_step_m);
    tr->params = *p;
    tr->district = district;
    tr->slots = calloc(p->field_cache, sizeof *tr->slots);
    if (!tr->slots) return gops_error_set(err, GOPS_NOMEM, "out of memory for the ops travel field cache");
    for (uint32_t i = 0; i < p->field_cache; i++) tr->slots[i].walk_index = GOPS_WALKABLE_NONE;
    if (district && district->roads && district->roads->node_count > 0) {
        tr->node_time = malloc(district->roads->node_count * sizeof *tr->node_time);
        tr->node_done = malloc(district->roads->node_count);
        if (!tr->node_time || !tr->node_done) {
            gops_travel_free(tr);
            return gops_error_set(err, GOPS_NOMEM, "out of memory for the ops road search");
        }
    }
    if (district && district->walk && district->walk->count > 0) {
        build_lattice(tr);
        if (!tr->lattice || (p->foot == GOPS_FOOT_FIELD && !build_coarse(tr))) {
            gops_travel_free(tr);
            return gops_error_set(err, GOPS_NOMEM, "out of memory for the ops coverage lattice and foot raster");
        }
    }
    return GOPS_OK;
}

static void clear_cache(gops_travel_t *tr)
{
    for (uint32_t i = 0; i < tr->params.field_cache; i++) {
        if (tr->slots[i].walk_index != GOPS_WALKABLE_NONE) gops_field_free(&tr->slots[i].field);
        tr->slots[i].walk_index = GOPS_WALKABLE_NONE;
        tr->slots[i].used = 0;
    }
}

void gops_travel_free(gops_travel_t *tr)
{
    if (tr->slots) clear_cache(tr);
    free(tr->slots);
    free(tr->coarse.bits);
    free(tr->coarse.rank);
    free(tr->coarse.cells);
    free(tr->coarse_of);
    free(tr->coarse_speed);
    free(tr->node_time);
    free(tr->node_done);
    free(tr->lattice);
    memset(tr, 0, sizeof *tr);
}

void gops_travel_set_foot_speed(gops_travel_t *tr, const float *speed)
{
    tr->foot_speed = speed;
    clear_cache(tr);
    if (!tr->coarse_of) return;
    free(tr->coarse_speed);
    tr->coarse_speed = NULL;
    if (!speed) return;
    // A square walks at the pace of its slowest cell (a crowd anywhere in it holds one up).
    tr->coarse_speed = malloc(tr->coarse.count * sizeof *tr->coarse_speed);
    if (!tr->coarse_speed) return; // out of memory: walk freely rather than fail
    for (uint32_t c = 0; c < tr->coarse.count; c++) tr->coarse_speed[c] = 1.0f;
    const gops_walkable_t *w = tr->district->walk;
    for (uint32_t i = 0; i < w->count; i++)
        if (speed[i] < tr->coarse_speed[tr->coarse_of[i]]) tr->coarse_speed[tr->coarse_of[i]] = speed[i];
}

const gops_walkable_t *gops_travel_field_raster(const gops_travel_t *tr)
{
    if (tr->coarse_of) return &tr->coarse;
    const gops_walkable_t *w = tr->district ? tr->district->walk : NULL;
    return w && w->count > 0 ? w : NULL;
}

/// Relative speeds on the field raster, or NULL.
static const float *field_speed(const gops_travel_t *tr)
{
    return tr->coarse_of ? tr->coarse_speed : tr->foot_speed;
}

// Outward ring by ring from the cell containing p, stopping once no nearer centre can
// follow: a responder usually stands on walkable ground, and then one look does.
uint32_t gops_travel_snap(const gops_walkable_t *w, gops_point_t p, double radius_m, double *dist_m)
{
    double fx = floor((p.x - w->min_x) / w->cell), fy = floor((p.y - w->min_y) / w->cell);
    uint32_t best = GOPS_WALKABLE_NONE;
    double best_d = INFINITY;
    int32_t reach = (int32_t)ceil(radius_m / w->cell) + 1;
    for (int32_t r = 0; r <= reach; r++) {
        // Every centre on ring r is at least (r - 0.5) cells away from p.
        double lower = (r - 0.5) * w->cell;
        if (lower > best_d || lower > radius_m) break;
        for (int32_t dy = -r; dy <= r; dy++) {
            double cy = fy + dy;
            if (cy < 0 || cy >= w->ny) continue;
            int32_t step = (dy == -r || dy == r) ? 1 : 2 * r; // the ring only
            for (int32_t dx = -r; dx <= r; dx += step ? step : 1) {
                double cx = fx + dx;
                if (cx < 0 || cx >= w->nx) continue;
                uint32_t cell = (uint32_t)cy * (uint32_t)w->nx + (uint32_t)cx;
                if (!gops_walkable_is_set(w, cell)) continue;
                gops_point_t c = gops_walkable_centre(w, cell);
                double d = hypot(c.x - p.x, c.y - p.y);
                if (d <= radius_m && (d < best_d || (d == best_d && cell < best))) best_d = d, best = cell;
            }
        }
    }
    if (dist_m) *dist_m = best_d;
    return best;
}

void gops_travel_set_arc_time(gops_travel_t *tr, gops_arc_time_fn *fn, void *user)
{
    tr->arc_time = fn;
    tr->arc_user = user;
}

static double straight_foot(const gops_travel_t *tr, gops_point_t a, gops_point_t b)
{
    return dist(a, b) * tr->params.detour_factor / tr->params.walk_speed_mps;
}

static double straight_vehicle(const gops_travel_t *tr, gops_point_t a, gops_point_t b)
{
    return dist(a, b) * tr->params.vehicle_detour / tr->params.vehicle_speed_mps;
}

/// The cached field towards walkable cell `wi` of the field raster, computing it when
/// missing; NULL on failure.
static const gops_field_t *field_to(gops_travel_t *tr, uint32_t wi)
{
    uint32_t victim = 0;
    for (uint32_t i = 0; i < tr->params.field_cache; i++) {
        gops_travel_field_slot_t *s = &tr->slots[i];
        if (s->walk_index == wi) {
            s->used = ++tr->use_clock;
            return &s->field;
        }
        if (s->used < tr->slots[victim].used) victim = i;
    }
    gops_travel_field_slot_t *s = &tr->slots[victim];
    if (s->walk_index != GOPS_WALKABLE_NONE) gops_field_free(&s->field);
    s->walk_index = GOPS_WALKABLE_NONE;
    gops_error_t err;
    if (gops_field_compute(gops_travel_field_raster(tr), &wi, 1, NULL, field_speed(tr), &s->field, &err) != GOPS_OK) return NULL;
    s->walk_index = wi;
    s->used = ++tr->use_clock;
    tr->fields_computed++;
    return &s->field;
}

/// Walkable index on the field raster of the walkable cell nearest to p (the distance to
/// its centre in *snap), or GOPS_WALKABLE_NONE beyond the snap radius.
static uint32_t field_index(const gops_travel_t *tr, gops_point_t p, double *snap)
{
    const gops_walkable_t *w = tr->district->walk;
    uint32_t cell = gops_travel_snap(w, p, tr->params.snap_radius_m, snap);
    if (cell == GOPS_WALKABLE_NONE) return GOPS_WALKABLE_NONE;
    uint32_t wi = gops_walkable_index(w, cell);
    return tr->coarse_of ? tr->coarse_of[wi] : wi;
}

static double field_foot(gops_travel_t *tr, gops_point_t from, gops_point_t to)
{
    if (!gops_travel_field_raster(tr)) return straight_foot(tr, from, to);
    tr->foot_queries++;
    double snap_to = 0, snap_from = 0;
    uint32_t wt = field_index(tr, to, &snap_to);
    uint32_t wf = field_index(tr, from, &snap_from);
    if (wt == GOPS_WALKABLE_NONE || wf == GOPS_WALKABLE_NONE) return straight_foot(tr, from, to);
    if (wt == wf) return hypot(from.x - to.x, from.y - to.y) / tr->params.walk_speed_mps; // same square
    const gops_field_t *f = field_to(tr, wt);
    if (!f) return straight_foot(tr, from, to);
    double d = f->dist[wf];
    if (!isfinite(d)) return straight_foot(tr, from, to); // another component: the stand-in
    // Field distances run between square centres; the snaps to and from the walkable cells
    // are walked too (the squares' own offsets stay in the error of about one square).
    return (d + snap_to + snap_from) / tr->params.walk_speed_mps;
}

static uint32_t nearest_node(const gops_road_graph_t *g, gops_point_t p, double *d_out)
{
    uint32_t best = GOPS_ROAD_NONE;
    double bd = INFINITY;
    for (uint32_t i = 0; i < g->node_count; i++) {
        double d = dist(g->nodes[i].at, p);
        if (d < bd) bd = d, best = i;
    }
    *d_out = bd;
    return best;
}

static double road_vehicle(gops_travel_t *tr, gops_point_t from, gops_point_t to, double now_s)
{
    const gops_road_graph_t *g = tr->district ? tr->district->roads : NULL;
    if (!g || g->node_count == 0 || !tr->node_time) return straight_vehicle(tr, from, to);
    double access, egress;
    uint32_t a = nearest_node(g, from, &access);
    uint32_t b = nearest_node(g, to, &egress);
    for (uint32_t i = 0; i < g->node_count; i++) tr->node_time[i] = INFINITY, tr->node_done[i] = 0;
    tr->node_time[a] = 0;
    for (;;) {
        uint32_t u = GOPS_ROAD_NONE;
        double bu = INFINITY;
        for (uint32_t i = 0; i < g->node_count; i++)
            if (!tr->node_done[i] && tr->node_time[i] < bu) bu = tr->node_time[i], u = i;
        if (u == GOPS_ROAD_NONE || u == b) break;
        tr->node_done[u] = 1;
        const gops_road_node_t *n = &g->nodes[u];
        for (uint32_t k = 0; k < n->out_count; k++) {
            uint32_t arc = g->out_arcs[n->first_out + k];
            const gops_road_arc_t *ar = &g->arcs[arc];
            double free_t = g->edges[ar->edge].free_time_s;
            double t = tr->arc_time ? tr->arc_time(tr->arc_user, arc, free_t, now_s + bu) : free_t;
            if (t == INFINITY) continue; // closed now: no way through this arc
            if (!(t >= 0) || !isfinite(t)) t = free_t;
            if (bu + t < tr->node_time[ar->to]) tr->node_time[ar->to] = bu + t;
        }
    }
    if (!isfinite(tr->node_time[b])) return straight_vehicle(tr, from, to);
    // The ends off the network (a kerbside stop to the scene) are walked.
    return tr->node_time[b] + (access + egress) / tr->params.walk_speed_mps;
}

double gops_travel_time(gops_travel_t *tr, gops_travel_mode_t mode, gops_point_t from, gops_point_t to,
                        double now_s)
{
    if (mode == GOPS_TRAVEL_VEHICLE) {
        switch (tr->params.vehicle) {
        case GOPS_VEHICLE_ZERO: return 0.0;
        case GOPS_VEHICLE_STRAIGHT: return straight_vehicle(tr, from, to);
        default: return road_vehicle(tr, from, to, now_s);
        }
    }
    switch (tr->params.foot) {
    case GOPS_FOOT_ZERO: return 0.0;
    case GOPS_FOOT_STRAIGHT: return straight_foot(tr, from, to);
    default: return field_foot(tr, from, to);
    }
}

double gops_travel_coverage(gops_travel_t *tr, const gops_point_t *sources, uint32_t count, double limit_s)
{
    const gops_walkable_t *w = tr->district ? tr->district->walk : NULL;
    if (!w || w->count == 0) return NAN;
    if (count == 0) return 0.0;
    if (tr->params.foot == GOPS_FOOT_ZERO) return 1.0;
    const gops_walkable_t *fw = gops_travel_field_raster(tr);
    if (tr->params.foot == GOPS_FOOT_FIELD && fw) {
        uint32_t *src = malloc(count * sizeof *src);
        uint32_t n = 0;
        if (src) {
            for (uint32_t i = 0; i < count; i++) {
                uint32_t wi = field_index(tr, sources[i], NULL);
                if (wi != GOPS_WALKABLE_NONE) src[n++] = wi;
            }
        }
        gops_field_t f;
        gops_error_t err;
        if (src && n > 0 && gops_field_compute(fw, src, n, NULL, field_speed(tr), &f, &err) == GOPS_OK) {
            free(src);
            tr->fields_computed++;
            // The share of the district's walkable cells (not of the squares, which overhang
            // the walkable edge) whose square is within reach.
            double reach = limit_s * tr->params.walk_speed_mps;
            uint32_t in = 0;
            for (uint32_t i = 0; i < w->count; i++)
                if (f.dist[tr->coarse_of ? tr->coarse_of[i] : i] <= reach) in++;
            gops_field_free(&f);
            return (double)in / (double)w->count;
        }
        free(src);
        if (n == 0) return 0.0;
        // Out of memory for the field: fall through to the lattice stand-in.
    }
    double reach = limit_s * tr->params.walk_speed_mps / tr->params.detour_factor;
    double reach2 = reach * reach;
    uint32_t in = 0;
    for (uint32_t i = 0; i < tr->lattice_count; i++) {
        gops_point_t c = gops_walkable_centre(w, w->cells[tr->lattice[i]]);
        for (uint32_t s = 0; s < count; s++) {
            double dx = c.x - sources[s].x, dy = c.y - sources[s].y;
            if (dx * dx + dy * dy <= reach2) {
                in++;
                break;
            }
        }
    }
    return tr->lattice_count ? (double)in / (double)tr->lattice_count : 0.0;
}
