// SPDX-License-Identifier: MIT
// The crowd subsystem (see crowd.h). One tick:
//   1. demand: the visitors arriving in [t, t + dt), then its timers (queues admitted or
//      given up, lingering done); then newcomers where there is room (the spawn queue,
//      arrivals, visitors leaving buildings; the others wait in the queue);
//   2. the scenario actions (actions.c): fields rebuilt if the geometry changed, walkers
//      of closed lab exits sent to open ones, guidance, congestion-aware choice;
//   3. routing (parallel, in the walk's last space order for cache locality): each
//      pedestrian's desired direction from its destination's field, and whether it has
//      arrived; arrivals are then handled in index order;
//   4. walking (parallel, Jacobi), counting lines, the wall invariant and mean speed
//      (parallel, summed in index order), density and warnings.
// Ordering: spawns in queue order, visitors by id, demand events as demand lists them,
// arrivals by ascending pedestrian index; removals from the highest index down (each
// removal moves the last pedestrian into the hole). Nothing depends on the thread count.
#include "crowd/crowd.h"

#include "crowd/actions.h"
#include "crowd/crossings.h"
#include "crowd/crowd_checkpoint.h"
#include "crowd/crowd_internal.h"

#include "core/log.h"
#include "core/parallel.h"
#include "core/simtime.h"
#include "crowd/field.h"
#include "crowd/field_cache.h"
#include "crowd/room.h"
#include "crowd/warm_start.h"
#include "world/geometry.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gops_crowd_params_t gops_crowd_params_default(gops_day_kind_t day)
{
    return (gops_crowd_params_t){
        .walk = gops_walk_params_default(),
        .density = gops_density_def_default(),
        .lines = gops_counting_lines_def_default(),
        .visitors = true,
        .demand = gops_demand_params_default(day),
        .arrive_radius_m = 1.0f,
        .exit_radius_m = 3.0f,
        .spawn_jitter_m = 1.5f,
        .settle_s = 300.0,
        .junction_box_speed = 0.35f,
        .route = gops_route_params_default(),
    };
}

gops_crowd_t *gops_world_crowd(const gops_world_t *world)
{
    return gops_world_subsystem(world, "crowd");
}

const gops_pedestrians_t *gops_crowd_pedestrians(const gops_world_t *world)
{
    gops_crowd_t *c = gops_world_crowd(world);
    return c ? &c->peds : NULL;
}

const gops_crowd_params_t *gops_crowd_params(const gops_crowd_t *c) { return &c->params; }
gops_density_t *gops_crowd_density(gops_crowd_t *c) { return c->density; }
gops_demand_t *gops_crowd_demand(gops_crowd_t *c) { return c->demand; }
const gops_counting_lines_t *gops_crowd_lines(const gops_crowd_t *c) { return c->lines; }
const gops_crowd_stats_t *gops_crowd_stats(const gops_crowd_t *c) { return &c->stats; }

// ---------------------------------------------------------------------------------------
// Pedestrian bookkeeping: every add and remove goes through here, so the side arrays and
// the visitor → pedestrian map stay in step with the pedestrian arrays.

static bool reserve_side(gops_crowd_t *c, uint32_t n)
{
    if (n <= c->scratch_capacity) return true;
    uint32_t cap = c->scratch_capacity ? c->scratch_capacity : 1024;
    while (cap < n) cap *= 2;
    uint8_t *mode = realloc(c->mode, cap);
    if (mode) c->mode = mode;
    float *tx = realloc(c->tx, cap * sizeof *tx);
    if (tx) c->tx = tx;
    float *ty = realloc(c->ty, cap * sizeof *ty);
    if (ty) c->ty = ty;
    uint8_t *arrived = realloc(c->arrived, cap);
    if (arrived) c->arrived = arrived;
    float *px = realloc(c->prev_x, cap * sizeof *px);
    if (px) c->prev_x = px;
    float *py = realloc(c->prev_y, cap * sizeof *py);
    if (py) c->prev_y = py;
    if (!mode || !tx || !ty || !arrived || !px || !py) return false;
    c->scratch_capacity = cap;
    return true;
}

static bool map_visitor(gops_crowd_t *c, uint32_t visitor, uint32_t ped)
{
    if (visitor >= c->visitor_capacity) {
        uint32_t cap = c->visitor_capacity ? c->visitor_capacity : 4096;
        while (cap <= visitor) cap *= 2;
        uint32_t *grown = realloc(c->ped_of_visitor, cap * sizeof *grown);
        if (!grown) return false;
        for (uint32_t i = c->visitor_capacity; i < cap; i++) grown[i] = UINT32_MAX;
        c->ped_of_visitor = grown;
        c->visitor_capacity = cap;
    }
    c->ped_of_visitor[visitor] = ped;
    return true;
}

static uint32_t add_ped(gops_crowd_t *c, float x, float y, float v0, float radius, uint8_t group, uint16_t dest,
                        uint32_t visitor)
{
    if (!reserve_side(c, c->peds.count + 1)) return UINT32_MAX;
    uint32_t i = gops_pedestrians_add(&c->peds, x, y, v0, radius, group);
    if (i == UINT32_MAX) return i;
    c->peds.dest[i] = dest;
    c->peds.visitor[i] = visitor;
    c->mode[i] = PED_WALK;
    c->tx[i] = c->ty[i] = 0;
    if (visitor != UINT32_MAX && !map_visitor(c, visitor, i)) {
        gops_pedestrians_remove(&c->peds, i);
        return UINT32_MAX;
    }
    c->stats.spawned++;
    return i;
}

static void remove_ped(gops_crowd_t *c, uint32_t i)
{
    uint32_t last = c->peds.count - 1;
    if (c->peds.visitor[i] != UINT32_MAX) c->ped_of_visitor[c->peds.visitor[i]] = UINT32_MAX;
    gops_pedestrians_remove(&c->peds, i);
    if (i != last) {
        c->mode[i] = c->mode[last];
        c->tx[i] = c->tx[last];
        c->ty[i] = c->ty[last];
        if (c->peds.visitor[i] != UINT32_MAX) c->ped_of_visitor[c->peds.visitor[i]] = i;
    }
}

// ---------------------------------------------------------------------------------------
// Destinations and their fields.

// People cross a junction on the crosswalks in line with the sidewalks, not diagonally
// through the box: the routing fields price a junction's box (world/walkable.h; not a
// roundabout's ring crossings, the only way onto its island) at junction_box_speed, so a
// field leads round the box unless cutting it saves more than the penalty; the box stays
// walkable for avoiding others and for a packed square's overflow.
// Cutting through was the main way pedestrians came to stand in the path of green traffic:
// on the weekday evening the people on a signalised crossing's zone on don't walk had mostly
// come into it from another leg's zone inside the box.
static gops_status_t field_speed(gops_crowd_t *c, gops_error_t *err)
{
    const gops_walkable_t *w = c->district->walk;
    float slow = c->params.junction_box_speed;
    if (!w->junction || !(slow < 1.0f)) return GOPS_OK;
    uint32_t boxed = 0;
    for (uint32_t i = 0; i < w->count; i++) boxed += w->junction[i] == GOPS_JUNCTION_CELL_BOX;
    if (boxed == 0) return GOPS_OK;
    if (!(c->field_speed = malloc(w->count * sizeof *c->field_speed)))
        return gops_error_set(err, GOPS_NOMEM, "out of memory for the crowd's field speeds");
    for (uint32_t i = 0; i < w->count; i++) c->field_speed[i] = w->junction[i] == GOPS_JUNCTION_CELL_BOX ? slow : 1.0f;
    return GOPS_OK;
}

// A destination from its source cells (taken over); its field computed now unless the
// caller computes every field at once after adding them all (`later`).
static gops_status_t add_destination(gops_crowd_t *c, uint32_t *cells, uint32_t count, bool later, gops_error_t *err)
{
    if (c->dest_count == c->dest_capacity) {
        uint16_t cap = c->dest_capacity ? (uint16_t)(c->dest_capacity * 2) : 64;
        gops_field_t *f = realloc(c->fields, cap * sizeof *f);
        if (f) c->fields = f;
        destination_cells_t *d = realloc(c->dest_cells, cap * sizeof *d);
        if (d) c->dest_cells = d;
        if (!f || !d) {
            free(cells);
            return gops_error_set(err, GOPS_NOMEM, "out of memory for crowd destinations");
        }
        c->dest_capacity = cap;
    }
    uint16_t k = c->dest_count;
    c->dest_cells[k] = (destination_cells_t){cells, count};
    memset(&c->fields[k], 0, sizeof c->fields[k]);
    c->dest_count++;
    return later ? GOPS_OK : gops_crowd_compute_field(c, k, err); // under the closures and rules in force
}

static gops_status_t build_demand_destinations(gops_crowd_t *c, gops_error_t *err)
{
    const gops_destinations_t *t = gops_demand_destinations(c->demand);
    for (uint16_t k = 0; k < t->count; k++) {
        uint32_t *cells = NULL, count = 0;
        gops_status_t st = gops_destinations_cells(t, c->district->map, c->district->walk, k, NULL, &cells, &count, err);
        if (st != GOPS_OK) return st;
        if ((st = add_destination(c, cells, count, true, err)) != GOPS_OK) return st;
    }
    return gops_crowd_rebuild_fields(c, err); // in parallel, by destination
}

gops_status_t gops_crowd_add_exit(gops_crowd_t *c, const char *name, const gops_polygon_t *area, uint16_t *dest,
                                  gops_error_t *err)
{
    if (gops_crowd_find_exit(c, name) != GOPS_NO_DEST)
        return gops_error_set(err, GOPS_BAD_VALUE, "exit \"%s\" is defined twice", name);
    const gops_walkable_t *w = c->district->walk;
    uint32_t *cells = malloc((w->count ? w->count : 1) * sizeof *cells), n = 0;
    if (!cells) return gops_error_set(err, GOPS_NOMEM, "out of memory for exit \"%s\"", name);
    for (uint32_t i = 0; i < w->count; i++)
        if (gops_polygon_contains(area, gops_walkable_centre(w, w->cells[i]))) cells[n++] = i;
    if (n == 0) {
        free(cells);
        return gops_error_set(err, GOPS_BAD_VALUE, "exit \"%s\" covers no walkable cell: draw it over the walkable area",
                              name);
    }
    lab_exit_t *grown = realloc(c->exits, (c->exit_count + 1) * sizeof *grown);
    if (!grown) {
        free(cells);
        return gops_error_set(err, GOPS_NOMEM, "out of memory for exit \"%s\"", name);
    }
    c->exits = grown;
    uint16_t k = c->dest_count;
    gops_status_t st = add_destination(c, cells, n, false, err);
    if (st != GOPS_OK) return st;
    lab_exit_t *e = &c->exits[c->exit_count++];
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->dest = k;
    e->last_s = NAN;
    *dest = k;
    return GOPS_OK;
}

uint16_t gops_crowd_find_exit(const gops_crowd_t *c, const char *name)
{
    for (uint32_t i = 0; i < c->exit_count; i++)
        if (strcmp(c->exits[i].name, name) == 0) return c->exits[i].dest;
    return GOPS_NO_DEST;
}

static lab_exit_t *exit_of_dest(gops_crowd_t *c, uint16_t dest)
{
    for (uint32_t i = 0; i < c->exit_count; i++)
        if (c->exits[i].dest == dest) return &c->exits[i];
    return NULL;
}

uint16_t gops_crowd_destination_count(const gops_crowd_t *c)
{
    return c->dest_count;
}

float gops_crowd_distance(const gops_crowd_t *c, uint16_t dest, float x, float y)
{
    if (dest >= c->dest_count || !c->fields[dest].dist) return INFINITY;
    return gops_field_sample(c->district->walk, &c->fields[dest], x, y);
}

uint64_t gops_crowd_exit_count(const gops_crowd_t *c, uint16_t dest, double *last_s)
{
    for (uint32_t i = 0; i < c->exit_count; i++)
        if (c->exits[i].dest == dest) {
            if (last_s) *last_s = c->exits[i].last_s;
            return c->exits[i].count;
        }
    if (last_s) *last_s = NAN;
    return 0;
}

// ---------------------------------------------------------------------------------------
// Spawning.

static bool walkable_at(const gops_walkable_t *w, float x, float y)
{
    uint32_t cell = gops_walkable_cell_at(w, (gops_point_t){x, y});
    return cell != GOPS_WALKABLE_NONE && gops_walkable_is_set(w, cell);
}

static gops_status_t queue_spawn(gops_crowd_t *c, const gops_spawn_t *s, gops_error_t *err);

gops_status_t gops_crowd_spawn(gops_crowd_t *c, const gops_spawn_t *s, gops_error_t *err)
{
    if (!(s->at_s >= 0) || !isfinite(s->x) || !isfinite(s->y) || !(s->v0 > 0 && s->v0 < 10) ||
        !(s->radius > 0.05f && s->radius < 1.0f) || s->group >= GOPS_SPEED_GROUP_COUNT)
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "spawn: bad pedestrian (time %g s, position %g,%g, speed %g m/s, radius %g m): expected a "
                              "time >= 0, a speed in (0, 10) m/s and a radius in (0.05, 1) m",
                              s->at_s, (double)s->x, (double)s->y, (double)s->v0, (double)s->radius);
    if (!walkable_at(c->district->walk, s->x, s->y))
        return gops_error_set(err, GOPS_BAD_VALUE, "spawn: position (%.2f, %.2f) is not walkable", (double)s->x,
                              (double)s->y);
    if (s->dest != GOPS_NO_DEST && s->dest >= c->dest_count)
        return gops_error_set(err, GOPS_BAD_VALUE, "spawn: unknown destination %u", s->dest);
    if (s->visitor != 0)
        return gops_error_set(err, GOPS_BAD_VALUE, "spawn: visitor %u set, expected 0 (the crowd's own)", s->visitor);
    return queue_spawn(c, s, err);
}

static gops_status_t queue_spawn(gops_crowd_t *c, const gops_spawn_t *s, gops_error_t *err)
{
    if (c->spawn_count == c->spawn_capacity) {
        uint32_t cap = c->spawn_capacity ? c->spawn_capacity * 2 : 256;
        gops_spawn_t *grown = realloc(c->spawns, cap * sizeof *grown);
        if (!grown) return gops_error_set(err, GOPS_NOMEM, "out of memory queueing spawns");
        c->spawns = grown;
        c->spawn_capacity = cap;
    }
    // Insertion keeps the queue sorted by time, stable for equal times.
    uint32_t at = c->spawn_count;
    while (at > c->spawn_next && c->spawns[at - 1].at_s > s->at_s) at--;
    memmove(&c->spawns[at + 1], &c->spawns[at], (c->spawn_count - at) * sizeof *c->spawns);
    c->spawns[at] = *s;
    c->spawn_count++;
    return GOPS_OK;
}

// Newcomers appear only where they overlap nobody (room.h): when a door, transit exit or lab
// spawn point is packed, the newcomer waits in the spawn queue (first come, first placed)
// instead of being stacked onto the people there. Stacked bodies are more than any walking
// model can part, and a stream of them into a jam once read 42 persons/m² at a metro exit.
// Each tick gathers the points where someone may appear, collects the bodies near them
// once, then places everyone due in order: the queue (held newcomers and lab spawns, by
// time), arrivals (by visitor id), people leaving buildings (as demand lists them).
typedef struct newcomers {
    gops_room_t room;
    bool checked;       ///< the room was collected (false only when out of memory: no check)
    float reach;        ///< m, how far from its point a newcomer may appear
    float max_radius;   ///< m, the largest newcomer's body radius this tick
    uint32_t full[16];  ///< anchors found packed this tick: later newcomers there wait at once
    uint32_t full_count;
} newcomers_t;

static bool anchor_full(const newcomers_t *nc, uint32_t anchor)
{
    for (uint32_t k = 0; k < nc->full_count; k++)
        if (nc->full[k] == anchor) return true;
    return false;
}

static void mark_full(newcomers_t *nc, uint32_t anchor)
{
    if (nc->full_count < sizeof nc->full / sizeof nc->full[0]) nc->full[nc->full_count++] = anchor;
}

static bool room_at(const gops_crowd_t *c, const newcomers_t *nc, float x, float y, float r)
{
    if (gops_obstacles_inside(&c->obstacles, x, y)) return false;
    return !nc->checked || gops_room_fits(&nc->room, x, y, r);
}

static uint32_t added_ped(gops_crowd_t *c, newcomers_t *nc, float x, float y, float v0, float radius, uint8_t group,
                          uint16_t dest, uint32_t visitor)
{
    uint32_t i = add_ped(c, x, y, v0, radius, group, dest, visitor);
    if (i != UINT32_MAX && nc->checked && !gops_room_add_body(&nc->room, x, y, radius)) nc->checked = false;
    return i;
}

/// A point near `anchor_walk` (a walkable index) where a body of radius r fits: uniformly
/// within the jitter radius on a walkable cell, else the cell's centre. false when none of
/// the tries has room.
static bool near_door(gops_crowd_t *c, const newcomers_t *nc, uint32_t anchor_walk, float r, gops_point_t *out)
{
    const gops_walkable_t *w = c->district->walk;
    gops_point_t p = gops_walkable_centre(w, w->cells[anchor_walk]);
    gops_rng_t *rng = gops_world_rng(c->world, GOPS_STREAM_CROWD);
    bool walkable = false;
    for (int tries = 0; tries < 8; tries++) {
        double d = c->params.spawn_jitter_m * sqrt(gops_rng_uniform(rng));
        double a = 6.283185307179586 * gops_rng_uniform(rng);
        float x = (float)(p.x + d * cos(a)), y = (float)(p.y + d * sin(a));
        if (!walkable_at(w, x, y)) continue;
        walkable = true;
        if (room_at(c, nc, x, y, r)) {
            *out = (gops_point_t){x, y};
            return true;
        }
    }
    if (walkable || !room_at(c, nc, (float)p.x, (float)p.y, r)) return false;
    *out = p;
    return true;
}

static uint32_t anchor_walk(const gops_crowd_t *c, int32_t feature)
{
    const gops_walkable_anchor_t *a = gops_walkable_anchor_of(c->district->walk, (uint32_t)feature);
    return a ? a->walk : GOPS_WALKABLE_NONE;
}

/// Places visitor v at its anchor when there is room; false when it has to wait.
static bool place_visitor(gops_crowd_t *c, newcomers_t *nc, uint32_t v, uint32_t anchor, uint16_t dest)
{
    const gops_visitors_t *vis = gops_demand_visitors(c->demand);
    gops_point_t p;
    if (anchor_full(nc, anchor) || !near_door(c, nc, anchor, vis->radius[v], &p)) {
        mark_full(nc, anchor);
        return false;
    }
    added_ped(c, nc, (float)p.x, (float)p.y, vis->v0[v], vis->radius[v], vis->group[v], dest, v);
    return true;
}

static void spawn_visitor(gops_crowd_t *c, newcomers_t *nc, uint32_t v, int32_t feature, uint16_t dest, double now_s)
{
    uint32_t at = anchor_walk(c, feature);
    if (at == GOPS_WALKABLE_NONE) return; // the lint reports unreachable doors; the visitor stays off the street
    if (place_visitor(c, nc, v, at, dest)) return;
    // Waits at the door: queued at its anchor cell's centre, placed near it when there is room.
    const gops_visitors_t *vis = gops_demand_visitors(c->demand);
    gops_point_t p = gops_walkable_centre(c->district->walk, c->district->walk->cells[at]);
    gops_spawn_t s = {.at_s = now_s, .x = (float)p.x, .y = (float)p.y, .v0 = vis->v0[v], .radius = vis->radius[v],
                      .group = vis->group[v], .dest = dest, .visitor = v + 1};
    gops_error_t err;
    if (queue_spawn(c, &s, &err) != GOPS_OK) gops_log(GOPS_LOG_ERROR, "crowd: %s", err.message);
}

/// Places the queue entry s when there is room; false when it has to wait.
static bool place_queued(gops_crowd_t *c, newcomers_t *nc, const gops_spawn_t *s)
{
    if (s->visitor) {
        const gops_walkable_t *w = c->district->walk;
        uint32_t at = gops_walkable_index(w, gops_walkable_cell_at(w, (gops_point_t){s->x, s->y}));
        return at == GOPS_WALKABLE_NONE || place_visitor(c, nc, s->visitor - 1, at, s->dest);
    }
    if (!room_at(c, nc, s->x, s->y, s->radius)) return false;
    uint32_t i = added_ped(c, nc, s->x, s->y, s->v0, s->radius, s->group, s->dest, UINT32_MAX);
    if (i != UINT32_MAX && s->dest == GOPS_NO_DEST) {
        float n = sqrtf(s->dir_x * s->dir_x + s->dir_y * s->dir_y);
        c->mode[i] = PED_FIXED;
        c->peds.ex[i] = n > 0 ? s->dir_x / n : 0;
        c->peds.ey[i] = n > 0 ? s->dir_y / n : 0;
    }
    return true;
}

/// The queue entries due at now_s, in order; those without room stay at the queue's head
/// in the same order.
static void place_queue(gops_crowd_t *c, newcomers_t *nc, double now_s)
{
    uint32_t first = c->spawn_next, due = first, kept = 0;
    while (due < c->spawn_count && c->spawns[due].at_s <= now_s + 1e-9) due++;
    for (uint32_t k = first; k < due; k++) {
        gops_spawn_t s = c->spawns[k];
        if (!place_queued(c, nc, &s)) c->spawns[first + kept++] = s; // never ahead of k
    }
    if (kept) memmove(&c->spawns[due - kept], &c->spawns[first], kept * sizeof *c->spawns);
    c->spawn_next = due - kept;
    if (c->spawn_next >= 1024 && 2 * c->spawn_next >= c->spawn_count) { // drop the placed prefix
        memmove(c->spawns, &c->spawns[c->spawn_next], (c->spawn_count - c->spawn_next) * sizeof *c->spawns);
        c->spawn_count -= c->spawn_next;
        c->spawn_next = 0;
    }
}

/// A lingering spot: the least crowded of GOPS_SPOT_CHOICES random cells of the destination's
/// area in sight of where the person stands, by the density of the last closed window (the
/// first on ties). One random cell, as before, filled a packed square from where people came
/// in: those behind could not get through the ones already standing, and the New Year's Eve
/// countdown plaza reached 5.7 persons/m² near its entrances while it averaged about 1.2.
/// In sight: a lingering person walks straight for its spot and slides along walls, which
/// reaches any spot of a convex place (there every cell is in sight and nothing changes) but
/// not one round a bend. The tower plaza is a crescent round the ring road; from its west
/// end the straight line to a spot at its east tip leaves it over the carriageway, and on
/// New Year's Eve 23 people stood pressed against the kerb there 81–98 m from their spots,
/// a block of 5–7 persons/m² for an hour. Up to SPOT_DRAWS cells are drawn until
/// GOPS_SPOT_CHOICES are in sight; when none is, the least crowded of the first
/// GOPS_SPOT_CHOICES drawn is taken (as before).
enum { SPOT_DRAWS = 4 * GOPS_SPOT_CHOICES };

static void pick_spot(gops_crowd_t *c, uint32_t i, uint16_t dest)
{
    const destination_cells_t *dc = &c->dest_cells[dest];
    const gops_walkable_t *w = c->district->walk;
    gops_point_t here = {c->peds.x[i], c->peds.y[i]};
    if (dc->count == 0) {
        c->tx[i] = (float)here.x;
        c->ty[i] = (float)here.y;
        return;
    }
    gops_density_grid_t g = gops_density_grid(c->density);
    gops_point_t best = {0, 0};
    float best_density = INFINITY;
    bool best_seen = false;
    for (int n = 0, seen = 0; n < SPOT_DRAWS && seen < GOPS_SPOT_CHOICES; n++) {
        uint32_t k = (uint32_t)gops_rng_below(gops_world_rng(c->world, GOPS_STREAM_CROWD), dc->count);
        gops_point_t p = gops_walkable_centre(w, w->cells[dc->cells[k]]);
        bool in_sight = gops_walkable_in_sight(w, here, p);
        if (!in_sight && (best_seen || n >= GOPS_SPOT_CHOICES)) continue; // only fills in when none is in sight
        seen += in_sight;
        uint32_t cell = gops_density_cell_at(c->density, p);
        float density = cell == GOPS_DENSITY_NONE || !g.last_ppm2 ? 0 : g.last_ppm2[cell];
        if ((in_sight && !best_seen) || density < best_density) best_density = density, best = p, best_seen = in_sight;
    }
    c->tx[i] = (float)best.x;
    c->ty[i] = (float)best.y;
}

// ---------------------------------------------------------------------------------------
// Demand: arrivals and timers.

/// Demand's part of a tick before anyone is placed: the visitors arriving in [t, t + dt)
/// (*range) and the demand events (*ev, *n); everything but RELEASED is applied here, in
/// order, so no pedestrian is removed while newcomers are placed.
static gops_status_t run_demand(gops_crowd_t *c, double day_s, double dt, gops_visitor_range_t *range,
                                const gops_demand_event_t **ev, uint32_t *n, gops_error_t *err)
{
    // Each window starts exactly where the last ended (t + dt rounds differently each tick).
    double t0 = c->demand_until_s >= 0 ? c->demand_until_s : day_s, t1 = day_s + dt;
    c->demand_until_s = t1;
    gops_status_t st = gops_demand_arrivals(c->demand, t0, t1, range, err);
    if (st != GOPS_OK) return st;
    if ((st = gops_demand_step(c->demand, day_s, ev, n, err)) != GOPS_OK) return st;
    for (uint32_t k = 0; k < *n; k++) {
        const gops_demand_event_t *e = &(*ev)[k];
        uint32_t v = e->visitor;
        uint32_t i = v < c->visitor_capacity ? c->ped_of_visitor[v] : UINT32_MAX;
        switch (e->kind) {
        case GOPS_DEMAND_RELEASED: // placed with the other newcomers
            break;
        case GOPS_DEMAND_ADMITTED:
            if (i != UINT32_MAX) remove_ped(c, i);
            break;
        case GOPS_DEMAND_LINGER_DONE:
        case GOPS_DEMAND_GAVE_UP:
        case GOPS_DEMAND_TURNED_AWAY:
            if (i != UINT32_MAX) {
                c->mode[i] = PED_WALK;
                c->peds.dest[i] = e->next;
            }
            break;
        }
    }
    return GOPS_OK;
}

static void newcomer_point(newcomers_t *nc, gops_point_t p, float radius)
{
    if (nc->checked && !gops_room_add_point(&nc->room, p)) nc->checked = false;
    if (radius > nc->max_radius) nc->max_radius = radius;
}

static void anchor_point(gops_crowd_t *c, newcomers_t *nc, int32_t feature, float radius)
{
    uint32_t at = anchor_walk(c, feature);
    if (at != GOPS_WALKABLE_NONE)
        newcomer_point(nc, gops_walkable_centre(c->district->walk, c->district->walk->cells[at]), radius);
}

// A visitor comes in where it can walk on: a transit point cut off from the visitor's first
// stop (walled in by a closure, as the summit's perimeter walls in the sidewalk entries at
// the district edge beside it) would leave it standing where it appeared, and every later
// arrival there behind it. It comes in instead at the nearest point (straight line) of the
// same mode that reaches the stop, or of any mode when none does; the demand's record keeps
// the drawn entry. Unchanged when the stop has no field or no point reaches it.
static int32_t usable_entry(const gops_crowd_t *c, int32_t entry, uint16_t dest)
{
    if (dest == GOPS_NO_DEST || dest >= c->dest_count || !c->fields[dest].dist) return entry;
    const float *dist = c->fields[dest].dist;
    uint32_t at = anchor_walk(c, entry);
    if (at == GOPS_WALKABLE_NONE || isfinite(dist[at])) return entry;
    const gops_map_t *map = c->district->map;
    gops_point_t from = map->features[entry].at;
    gops_transit_mode_t mode = map->features[entry].u.transit.mode;
    int32_t best[2] = {entry, entry}; // same mode, any mode
    double best_d[2] = {INFINITY, INFINITY};
    for (uint32_t f = 0; f < map->feature_count; f++) {
        const gops_feature_t *t = &map->features[f];
        if (t->kind != GOPS_FEAT_TRANSIT || (int32_t)f == entry) continue;
        uint32_t a = anchor_walk(c, (int32_t)f);
        if (a == GOPS_WALKABLE_NONE || !isfinite(dist[a])) continue;
        double d = hypot(t->at.x - from.x, t->at.y - from.y);
        int k = t->u.transit.mode == mode ? 0 : 1;
        if (d < best_d[k]) best_d[k] = d, best[k] = (int32_t)f;
    }
    return isfinite(best_d[0]) ? best[0] : best[1];
}

/// Demand's part of the tick, then everyone due placed (see "Newcomers" above).
static gops_status_t place_newcomers(gops_crowd_t *c, double day_s, double now_s, double dt, gops_error_t *err)
{
    gops_visitor_range_t range = {0};
    const gops_demand_event_t *ev = NULL;
    uint32_t n = 0;
    gops_status_t st = c->demand ? run_demand(c, day_s, dt, &range, &ev, &n, err) : GOPS_OK;
    if (st != GOPS_OK) range.count = n = 0; // demand failed this tick: only the queue is placed
    // The room's buffers live on in the crowd from tick to tick (no allocation per tick).
    newcomers_t nc = {.room = c->newcomer_room, .checked = true, .reach = c->params.spawn_jitter_m};
    gops_room_clear(&nc.room);
    for (uint32_t k = c->spawn_next; k < c->spawn_count && c->spawns[k].at_s <= now_s + 1e-9; k++)
        newcomer_point(&nc, (gops_point_t){c->spawns[k].x, c->spawns[k].y}, c->spawns[k].radius);
    const gops_visitors_t *vis = c->demand ? gops_demand_visitors(c->demand) : NULL;
    for (uint32_t k = 0; k < range.count; k++) {
        uint32_t v = range.first + k;
        int32_t entry = usable_entry(c, (int32_t)vis->entry[v], gops_demand_next_stop(c->demand, v));
        anchor_point(c, &nc, entry, vis->radius[v]);
    }
    for (uint32_t k = 0; k < n; k++)
        if (ev[k].kind == GOPS_DEMAND_RELEASED) anchor_point(c, &nc, ev[k].entrance_feature, vis->radius[ev[k].visitor]);
    if (nc.room.point_count && nc.checked && !gops_room_collect(&nc.room, &c->peds, nc.reach, nc.max_radius,
                                                                   c->world->def.threads))
        nc.checked = false;
    if (!nc.checked) gops_log(GOPS_LOG_ERROR, "crowd: out of memory checking room for newcomers: placed unchecked");

    place_queue(c, &nc, now_s);
    for (uint32_t k = 0; k < range.count; k++) {
        uint32_t v = range.first + k;
        uint16_t dest = gops_demand_next_stop(c->demand, v);
        spawn_visitor(c, &nc, v, usable_entry(c, (int32_t)vis->entry[v], dest), dest, now_s);
    }
    for (uint32_t k = 0; k < n; k++)
        if (ev[k].kind == GOPS_DEMAND_RELEASED) spawn_visitor(c, &nc, ev[k].visitor, ev[k].entrance_feature, ev[k].next, now_s);
    c->newcomer_room = nc.room;
    return st;
}

// ---------------------------------------------------------------------------------------
// Routing (parallel): desired directions and arrival flags.

// The field pedestrian i descends this tick, or NULL when route_one() decides (not walking,
// leaving a closed area, no destination).
static inline const gops_field_t *walk_field(const gops_crowd_t *c, uint32_t i)
{
    const gops_pedestrians_t *p = &c->peds;
    if (c->mode[i] != PED_WALK) return NULL;
    if (c->leave.dist && gops_crowd_in_closure(c, p->x[i], p->y[i])) return NULL;
    uint16_t dest = p->dest[i];
    if (dest == GOPS_NO_DEST || dest >= c->dest_count || !c->fields[dest].dist) return NULL;
    const gops_field_t *priced = gops_crowd_route_field(c, dest);
    return priced && !gops_crowd_route_crowded_at(c, p->x[i], p->y[i]) ? priced : &c->fields[dest];
}

// Everyone walk_field() leaves out.
static void route_one(gops_crowd_t *c, uint32_t i)
{
    gops_pedestrians_t *p = &c->peds;
    c->arrived[i] = 0;
    switch (c->mode[i]) {
    case PED_FIXED:
        break;
    case PED_QUEUED:
        p->ex[i] = p->ey[i] = 0;
        break;
    case PED_LINGER: { // straight for the spot, sliding along walls the line runs into
        float dx = c->tx[i] - p->x[i], dy = c->ty[i] - p->y[i];
        float d = sqrtf(dx * dx + dy * dy);
        p->ex[i] = d > 0.5f ? dx / d : 0;
        p->ey[i] = d > 0.5f ? dy / d : 0;
        gops_walkable_off_walls(c->district->walk, (gops_point_t){p->x[i], p->y[i]}, &p->ex[i], &p->ey[i]);
        break;
    }
    case PED_WALK:
        if (c->leave.dist && gops_crowd_in_closure(c, p->x[i], p->y[i])) { // closed around it: out first
            gops_field_descent(c->district->walk, &c->leave, p->x[i], p->y[i], &p->ex[i], &p->ey[i]);
            break;
        }
        p->ex[i] = p->ey[i] = 0; // no destination
        break;
    }
}

// Pedestrians are routed in the walking model's last space order (nearby pedestrians read
// nearby cells of the fields, which then stay in cache), then those added since; indices
// past the current count (removed since) are skipped. Walkers descending a field go in
// batches (gops_field_sample_descent_n); each pedestrian is routed once and alone, so
// neither order nor batching changes anything but speed.
typedef struct route_job {
    gops_crowd_t *c;
    const uint32_t *order; ///< the walk's last order, a permutation of [0, ordered)
    uint32_t ordered;
} route_job_t;

#define ROUTE_BATCH 64

typedef struct route_batch {
    uint32_t count;
    uint32_t ped[ROUTE_BATCH];
    const gops_field_t *field[ROUTE_BATCH];
    float x[ROUTE_BATCH], y[ROUTE_BATCH], d[ROUTE_BATCH], dx[ROUTE_BATCH], dy[ROUTE_BATCH];
} route_batch_t;

static void route_batch(gops_crowd_t *c, route_batch_t *b)
{
    gops_pedestrians_t *p = &c->peds;
    const gops_walkable_t *w = c->district->walk;
    gops_field_sample_descent_n(w, b->field, b->x, b->y, b->count, b->d, b->dx, b->dy);
    const gops_destinations_t *t = c->demand ? gops_demand_destinations(c->demand) : NULL;
    for (uint32_t k = 0; k < b->count; k++) {
        uint32_t i = b->ped[k];
        uint16_t dest = c->peds.dest[i];
        const gops_field_t *distance = &c->fields[dest];
        float reach = gops_destination_reach(t, dest, c->params.arrive_radius_m, c->params.exit_radius_m);
        // A priced field's value is a time at 1 m/s, never below the walking distance but up
        // to 1 / (slowest priced speed) times it: arrival is judged on the distance field.
        bool arrived = b->d[k] <= reach ||
                       (b->field[k] != distance && b->d[k] <= reach / c->route.slowest &&
                        gops_field_sample(w, distance, b->x[k], b->y[k]) <= reach);
        c->arrived[i] = arrived;
        p->ex[i] = arrived ? 0 : b->dx[k];
        p->ey[i] = arrived ? 0 : b->dy[k];
    }
    b->count = 0;
}

static void route_range(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    (void)chunk;
    const route_job_t *job = user;
    gops_crowd_t *c = job->c;
    const gops_pedestrians_t *p = &c->peds;
    uint32_t n = p->count;
    route_batch_t b;
    b.count = 0;
    for (uint32_t k = begin; k < end; k++) {
        uint32_t i = k < job->ordered ? job->order[k] : k;
        if (k + 8 < job->ordered) { // space order scatters the entries: fetch ahead
            uint32_t j = job->order[k + 8];
            __builtin_prefetch(&c->mode[j]), __builtin_prefetch(&p->dest[j]);
            __builtin_prefetch(&p->x[j]), __builtin_prefetch(&p->y[j]);
        }
        if (i >= n) continue;
        const gops_field_t *f = walk_field(c, i);
        if (!f) {
            route_one(c, i);
            continue;
        }
        b.ped[b.count] = i, b.field[b.count] = f, b.x[b.count] = p->x[i], b.y[b.count] = p->y[i];
        if (++b.count == ROUTE_BATCH) route_batch(c, &b);
    }
    if (b.count) route_batch(c, &b);
}

static void route_all(gops_crowd_t *c)
{
    route_job_t job = {.c = c};
    job.order = gops_walk_order(&c->walk, &job.ordered);
    uint32_t n = c->peds.count, span = job.ordered > n ? job.ordered : n;
    gops_parallel_for(span, c->world->def.threads, route_range, &job);
}

/// The door of building destination `dest` nearest to pedestrian i.
static int32_t nearest_door(const gops_crowd_t *c, uint16_t dest, uint32_t i)
{
    const gops_destinations_t *t = gops_demand_destinations(c->demand);
    const gops_destination_t *d = &t->dest[dest];
    int32_t best = -1;
    double best_d2 = INFINITY;
    for (uint32_t k = 0; k < d->source_count; k++) {
        int32_t f = t->sources[d->first_source + k];
        gops_point_t at = c->district->map->features[f].at;
        double dx = at.x - c->peds.x[i], dy = at.y - c->peds.y[i], d2 = dx * dx + dy * dy;
        if (d2 < best_d2) {
            best_d2 = d2;
            best = f;
        }
    }
    return best;
}

/// Handles pedestrians flagged as arrived, in index order; returns false on error.
static gops_status_t handle_arrivals(gops_crowd_t *c, double day_s, double elapsed_s, gops_error_t *err)
{
    uint32_t n = c->peds.count;
    // Pedestrians to remove are marked first and removed from the top down afterwards, so
    // the indices being visited never move.
    for (uint32_t i = 0; i < n; i++) {
        if (!c->arrived[i]) continue;
        uint16_t dest = c->peds.dest[i];
        lab_exit_t *ex = exit_of_dest(c, dest);
        if (ex && !gops_crowd_exit_admits(c, ex, elapsed_s, c->world->def.tick_s)) {
            c->arrived[i] = 0; // closed or metered: waits at the exit (routing stood it still)
            continue;
        }
        if (ex) {
            ex->count++;
            ex->last_s = elapsed_s;
            c->stats.exited++;
            if (isnan(c->stats.first_exit_s)) c->stats.first_exit_s = elapsed_s;
            c->stats.last_exit_s = elapsed_s;
            continue; // stays flagged: removed below
        }
        uint32_t v = c->peds.visitor[i];
        if (v == UINT32_MAX || !c->demand) {
            if (c->params.roam && c->dest_count > 1) { // a new destination, never the one just reached
                uint16_t next = (uint16_t)gops_rng_below(gops_world_rng(c->world, GOPS_STREAM_CROWD), c->dest_count - 1);
                c->peds.dest[i] = next >= dest ? (uint16_t)(next + 1) : next;
            }
            c->arrived[i] = 0;
            continue;
        }
        const gops_destinations_t *t = gops_demand_destinations(c->demand);
        int32_t door = dest < t->count && gops_dest_class_is_building(t->dest[dest].cls) ? nearest_door(c, dest, i) : -1;
        gops_arrival_result_t r;
        gops_status_t st = gops_demand_arrived(c->demand, v, day_s, door, &r, err);
        if (st != GOPS_OK) return st;
        switch (r.outcome) {
        case GOPS_OUTCOME_ENTERED:
        case GOPS_OUTCOME_LEFT:
            continue; // removed below
        case GOPS_OUTCOME_QUEUED:
            c->mode[i] = PED_QUEUED;
            break;
        case GOPS_OUTCOME_LINGER:
            c->mode[i] = PED_LINGER;
            pick_spot(c, i, dest);
            break;
        case GOPS_OUTCOME_REDIRECTED:
            c->peds.dest[i] = r.next;
            break;
        }
        c->arrived[i] = 0;
    }
    for (uint32_t i = n; i-- > 0;)
        if (c->arrived[i]) remove_ped(c, i);
    return GOPS_OK;
}

// ---------------------------------------------------------------------------------------
// Measures.

// The per-pedestrian checks run in parallel: speeds go to a scratch array (prev_x, free
// once the counting lines have read it) and wall violations are counted per chunk; both
// are then summed in index / chunk order, so the sums are bit for bit a serial pass's.
typedef struct measure_job {
    gops_crowd_t *c;
    float *speed;
    uint32_t violations[GOPS_PARALLEL_MAX_CHUNKS];
} measure_job_t;

static void measure_range(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    measure_job_t *job = user;
    const gops_pedestrians_t *p = &job->c->peds;
    const gops_walkable_t *w = job->c->district->walk;
    uint32_t violations = 0;
    for (uint32_t i = begin; i < end; i++) {
        // gops_walkable_cell_at inline: floor() >= 0 and < n exactly when the quotient is,
        // and truncation is floor there.
        double fx = ((double)p->x[i] - w->min_x) / w->cell, fy = ((double)p->y[i] - w->min_y) / w->cell;
        bool on = fx >= 0 && fx < w->nx && fy >= 0 && fy < w->ny;
        violations += !on || !gops_walkable_is_set(w, (uint32_t)fy * (uint32_t)w->nx + (uint32_t)fx);
        job->speed[i] = sqrtf(p->vx[i] * p->vx[i] + p->vy[i] * p->vy[i]);
    }
    job->violations[chunk] = violations;
}

static void measure(gops_crowd_t *c, double end_s)
{
    const gops_pedestrians_t *p = &c->peds;
    measure_job_t job = {.c = c, .speed = c->prev_x};
    gops_parallel_for(p->count, c->world->def.threads, measure_range, &job);
    for (uint32_t k = 0, chunks = gops_parallel_chunks(p->count); k < chunks; k++)
        c->stats.wall_violations += job.violations[k];
    double speed_sum = c->stats.speed_sum;
    for (uint32_t i = 0; i < p->count; i++) speed_sum += job.speed[i];
    c->stats.speed_sum = speed_sum;
    c->stats.speed_samples += p->count;
    if (p->count > c->stats.peak_street) c->stats.peak_street = p->count;
    uint32_t inside = c->demand ? gops_buildings_inside_total(gops_demand_buildings(c->demand)) : 0;
    if (inside > c->stats.peak_inside) c->stats.peak_inside = inside;

    gops_gauges_t *g = gops_world_gauges(c->world);
    gops_kpis_t *k = gops_world_kpis(c->world);
    gops_gauges_set(g, GOPS_GAUGE_PEDESTRIANS_STREET, p->count);
    gops_kpis_set(k, GOPS_KPI_PEAK_PEDESTRIANS_STREET, c->stats.peak_street);
    if (c->demand) {
        gops_demand_counts_t counts;
        gops_demand_counts(c->demand, &counts);
        gops_gauges_set(g, GOPS_GAUGE_PEDESTRIANS_BUILDINGS, inside);
        gops_kpis_set(k, GOPS_KPI_VISITORS_TOTAL, (double)counts.arrived);
        gops_kpis_set(k, GOPS_KPI_PEAK_OCCUPANCY_BUILDINGS, c->stats.peak_inside);
    }

    gops_density_window_t win;
    if (!gops_density_step(c->density, p->x, p->y, p->count, end_s, &win)) return;
    gops_crowd_route_window(c);
    const gops_density_totals_t *tot = gops_density_totals(c->density);
    gops_kpis_set(k, GOPS_KPI_PEAK_DENSITY_PPM2, tot->peak.ppm2);
    gops_kpis_set(k, GOPS_KPI_CELL_MINUTES_ABOVE_4PPM2, tot->cell_minutes_above);
    if (tot->peak.ppm2 > 0) {
        gops_kpis_set_text(k, GOPS_KPI_PEAK_DENSITY_WHERE, tot->peak.where);
        // The cell's walkable centre in the scenarios' metres, to the centimetre.
        gops_kpis_set(k, GOPS_KPI_PEAK_DENSITY_X_M, round(tot->peak.at.x * 100.0) / 100.0);
        gops_kpis_set(k, GOPS_KPI_PEAK_DENSITY_Y_M, round(tot->peak.at.y * 100.0) / 100.0);
        char when[32];
        gops_time_format(c->world->def.start + (gops_local_time_t)floor(tot->peak.time_s), when, sizeof when);
        gops_kpis_set_text(k, GOPS_KPI_PEAK_DENSITY_TIME, when);
    }
    gops_gauges_set(g, GOPS_GAUGE_PEAK_DENSITY_PPM2, win.peak.ppm2);
    for (int los = 0; los < GOPS_LOS_COUNT; los++) gops_gauges_set(g, (gops_gauge_id_t)(GOPS_GAUGE_LOS_A + los), win.los_share[los]);
    for (uint32_t i = 0; i < win.warning_count; i++) {
        const gops_density_warning_t *wr = &win.warnings[i];
        bool fired = wr->kind == GOPS_DENSITY_WARNING_FIRED;
        gops_world_emit_text(c->world, fired ? GOPS_EVENT_DENSITY_WARNING : GOPS_EVENT_DENSITY_CLEARED, wr->area,
                             fired ? (int64_t)llround(wr->peak_ppm2 * 1000.0) : 0, wr->name);
    }
}

// ---------------------------------------------------------------------------------------
// The subsystem.

// Routing and arrivals of a tick; false when the side arrays could not grow (the tick stops).
static bool route_and_arrive(gops_crowd_t *c, double day_s, double elapsed)
{
    gops_error_t err;
    if (!reserve_side(c, c->peds.count)) return false;
    route_all(c);
    if (handle_arrivals(c, day_s, elapsed, &err) != GOPS_OK) gops_log(GOPS_LOG_ERROR, "crowd: %s", err.message);
    return true;
}

static void walk_all(gops_crowd_t *c, double dt)
{
    gops_error_t err;
    c->walk.tags = c->mode, c->walk.aside_tag = PED_LINGER; // lingering people step aside for walkers
    c->walk.hold_tag = PED_WALK; // a walker standing is held (a kerb, crossings.c; a metered door): it waits its turn
    if (gops_walk_step(&c->walk, &c->peds, &c->params.walk, (float)dt, c->world->def.threads, &err) != GOPS_OK)
        gops_log(GOPS_LOG_ERROR, "crowd: %s", err.message);
}

// Settling. The warm start places walkers along their routes as if each had walked at its
// free speed (warm_start.c), so stretches where walking is slow (a crowded plaza) hold fewer
// people than they would and the streets feeding them more, and the first minutes carry the
// difference as a wave: New Year's Eve from 16:00 had about 50 walkers for Dehua Street reach
// the corner of the tower plaza together 100 s in (5.5 persons/m² at 16:01:40, a density
// warning, the plaza closed to newcomers for 15 minutes), which a run started at 15:50 never
// had. So the warm start is taken settle_s before the start and the crowd walks alone up to
// it, `ticks` ticks of `dt`: demand, routing, arrivals and walking, without kerbs (traffic
// starts at the start), scenario actions, congestion pricing or measures.
static void settle(gops_crowd_t *c, uint32_t ticks, double dt)
{
    gops_error_t err;
    for (uint32_t k = ticks; k > 0; k--) {
        double elapsed = -(double)k * dt, day_s = c->day_offset_s + elapsed;
        if (place_newcomers(c, day_s, elapsed, dt, &err) != GOPS_OK) gops_log(GOPS_LOG_ERROR, "crowd: %s", err.message);
        if (!route_and_arrive(c, day_s, elapsed)) return;
        walk_all(c, dt);
    }
}

static void crowd_step(gops_world_t *world, void *state, double dt)
{
    gops_crowd_t *c = state;
    double elapsed = gops_world_elapsed(world);
    double day_s = c->day_offset_s + elapsed;
    gops_error_t err;
    if (place_newcomers(c, day_s, elapsed, dt, &err) != GOPS_OK) gops_log(GOPS_LOG_ERROR, "crowd: %s", err.message);
    if (gops_crowd_actions_step(c, elapsed, dt, &err) != GOPS_OK) gops_log(GOPS_LOG_ERROR, "crowd: %s", err.message);
    if (gops_crowd_route_step(c, elapsed, &err) != GOPS_OK) gops_log(GOPS_LOG_ERROR, "crowd: %s", err.message);
    if (!route_and_arrive(c, day_s, elapsed)) return;
    if (c->lines) {
        memcpy(c->prev_x, c->peds.x, c->peds.count * sizeof *c->prev_x);
        memcpy(c->prev_y, c->peds.y, c->peds.count * sizeof *c->prev_y);
    }
    gops_crowd_crossings_before_walk(world, &c->peds, elapsed, dt); // kerb waits at traffic crossings
    walk_all(c, dt);
    gops_crowd_crossings_after_walk(world, &c->peds, elapsed + dt); // who stands on them, who crossed
    if (c->lines)
        gops_counting_lines_step(c->lines, c->prev_x, c->prev_y, c->peds.x, c->peds.y, c->peds.count, elapsed + dt);
    measure(c, elapsed + dt);
}

static void crowd_hash(const gops_world_t *world, const void *state, gops_hash_t *h)
{
    (void)world;
    const gops_crowd_t *c = state;
    gops_pedestrians_hash(&c->peds, h);
    gops_hash_bytes(h, c->mode, c->peds.count);
    gops_hash_u64(h, c->stats.spawned);
    gops_hash_u64(h, c->stats.exited);
    if (c->demand) {
        gops_demand_counts_t counts;
        gops_demand_counts(c->demand, &counts);
        gops_hash_u64(h, counts.arrived);
        gops_hash_u64(h, counts.left);
        gops_hash_u64(h, counts.building_entries);
    }
}

static void crowd_destroy(void *state)
{
    gops_crowd_t *c = state;
    if (!c) return;
    for (uint16_t k = 0; k < c->dest_count; k++) {
        gops_field_free(&c->fields[k]);
        free(c->dest_cells[k].cells);
    }
    free(c->fields);
    free(c->field_speed);
    free(c->dest_cells);
    gops_crowd_actions_free(c);
    gops_crowd_route_free(c);
    gops_field_free(&c->wall);
    gops_walk_context_free(&c->walk);
    gops_pedestrians_free(&c->peds);
    gops_demand_destroy(c->demand);
    gops_density_destroy(c->density);
    gops_counting_lines_destroy(c->lines);
    free(c->mode), free(c->tx), free(c->ty), free(c->arrived), free(c->prev_x), free(c->prev_y);
    free(c->ped_of_visitor);
    free(c->exits);
    free(c->spawns);
    gops_room_free(&c->newcomer_room);
    free(c);
}

gops_status_t gops_crowd_add_line(gops_crowd_t *c, const char *name, gops_point_t a, gops_point_t b,
                                  gops_error_t *err)
{
    if (!c->lines && !(c->lines = gops_counting_lines_create(&c->params.lines, c->world->def.tick_s, err)))
        return err->status;
    uint32_t index;
    return gops_counting_lines_add(c->lines, name, a, b, &index, err);
}

/// Warm start (warm_start.h): the visitors already in the district settle_s before the
/// start, placed in visitor order, then the crowd settles (settle) up to the start.
static gops_status_t warm_start(gops_crowd_t *c, gops_error_t *err)
{
    gops_warm_start_env_t env = {c->district->map, c->district->walk, c->fields, c->dest_count};
    gops_warm_start_def_t def = gops_warm_start_def_default();
    def.arrive_radius_m = c->params.arrive_radius_m;
    def.exit_radius_m = c->params.exit_radius_m;
    def.jitter_m = c->params.spawn_jitter_m;
    // Settling (settle): whole ticks, never before the start's midnight.
    double tick = c->world->def.tick_s, before = fmin(c->params.settle_s, c->day_offset_s);
    uint32_t ticks = before > 0 ? (uint32_t)floor(before / tick + 1e-9) : 0;
    gops_warm_start_t ws;
    gops_status_t st = gops_warm_start_run(c->demand, &env, &def, c->day_offset_s - ticks * tick, c->world->def.seed,
                                           &ws, err);
    if (st != GOPS_OK) return st;
    const gops_visitors_t *vis = gops_demand_visitors(c->demand);
    for (uint32_t k = 0; k < ws.count && st == GOPS_OK; k++) {
        const gops_warm_ped_t *p = &ws.peds[k];
        uint32_t v = p->visitor;
        uint32_t i = add_ped(c, p->x, p->y, vis->v0[v], vis->radius[v], vis->group[v], p->dest, v);
        if (i == UINT32_MAX) st = gops_error_set(err, GOPS_NOMEM, "out of memory placing the warm start");
        else c->mode[i] = p->kind == GOPS_WARM_QUEUED ? PED_QUEUED : p->kind == GOPS_WARM_LINGERING ? PED_LINGER : PED_WALK;
        if (i != UINT32_MAX) c->tx[i] = p->tx, c->ty[i] = p->ty;
    }
    if (ws.to_s > ws.from_s) c->demand_until_s = ws.to_s; // arrivals go on from there
    if (st == GOPS_OK) settle(c, ticks, tick);
    gops_gauges_set(gops_world_gauges(c->world), GOPS_GAUGE_PEDESTRIANS_STREET, c->peds.count);
    gops_gauges_set(gops_world_gauges(c->world), GOPS_GAUGE_PEDESTRIANS_BUILDINGS,
                    gops_buildings_inside_total(gops_demand_buildings(c->demand)));
    gops_warm_start_free(&ws);
    return st;
}

gops_crowd_t *gops_crowd_attach(gops_world_t *world, const gops_crowd_params_t *params, gops_error_t *err)
{
    const gops_district_t *d = gops_world_district(world);
    if (!d) {
        gops_error_set(err, GOPS_SCENARIO, "the crowd needs a map: set scenario{ map = ... } or lab{ ... }");
        return NULL;
    }
    gops_crowd_t *c = calloc(1, sizeof *c);
    if (!c) {
        gops_error_set(err, GOPS_NOMEM, "out of memory creating the crowd");
        return NULL;
    }
    c->world = world;
    c->district = d;
    c->setting_up = true;
    gops_room_init(&c->newcomer_room);
    c->params = *params;
    c->stats.first_exit_s = c->stats.last_exit_s = NAN;
    c->demand_until_s = -1;
    gops_pedestrians_init(&c->peds);
    gops_local_time_t start = world->def.start;
    c->day_offset_s = (double)(((start % 86400) + 86400) % 86400);
    if (gops_field_wall_distance_cached(world->def.field_cache_dir, d->walk, &c->wall, err) != GOPS_OK) goto fail;
    if (gops_walk_context_init(&c->walk, d->walk, &c->wall, &c->params.walk, err) != GOPS_OK) goto fail;
    gops_obstacles_init(&c->obstacles, d->walk->min_x, d->walk->min_y, d->walk->min_x + d->walk->nx * d->walk->cell,
                        d->walk->min_y + d->walk->ny * d->walk->cell, 2.0f);
    c->walk.obstacles = &c->obstacles;
    if (!(c->density = gops_density_create(&c->params.density, d->walk, d->map, world->def.tick_s, err))) goto fail;
    if (field_speed(c, err) != GOPS_OK) goto fail;
    c->route.params = c->params.route;
    if (gops_crowd_route_init(c, err) != GOPS_OK) goto fail;
    if (params->visitors) {
        if (!(c->demand = gops_demand_create(d->map, &c->params.demand, world->def.seed, err))) goto fail;
        if (build_demand_destinations(c, err) != GOPS_OK) goto fail;
        if (c->params.demand.warm_start && warm_start(c, err) != GOPS_OK) goto fail;
    }
    if (gops_world_add_subsystem(world, "crowd", world->def.tick_s, c, crowd_step, crowd_hash, crowd_destroy) !=
        GOPS_OK) {
        gops_error_set(err, GOPS_INTERNAL, "too many subsystems");
        goto fail;
    }
    gops_world_set_checkpoint(world, "crowd", gops_crowd_save, gops_crowd_load); // crowd_checkpoint.c
    c->setting_up = false;
    return c;
fail:
    crowd_destroy(c);
    return NULL;
}
