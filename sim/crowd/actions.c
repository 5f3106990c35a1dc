// SPDX-License-Identifier: MIT
// Crowd-management actions (actions.h): the overlay of closures, barriers and one-way rules
// and the one rebuild of masks and fields it triggers, entrance closures and meters, the
// entry points of guidance and choice, and fixed obstacles. Ordering: the rebuild happens at
// the start of a crowd tick when the overlay's version moved (several changes in one hook
// cost one rebuild); fields are computed in parallel by destination, each independent of
// the others and of the thread count; pedestrians are visited in index order. Does not
// route or walk anyone (crowd.c, walk.c) and does not parse scenarios.
#include "crowd/actions.h"

#include "crowd/crowd_checkpoint.h"

#include "core/log.h"
#include "core/parallel.h"
#include "crowd/crowd_internal.h"
#include "crowd/field_cache.h"
#include "world/geometry.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---- fields under the masks -------------------------------------------------------------

// A destination's field under the current masks at `speed`. While the crowd is set up on
// the map as loaded (no closure or one-way rule yet), through the world's field cache when
// it has one (field_cache.h): those fields are the same in every run on the map, and
// computing them is most of a district's start-up. Fields under a scenario's closures,
// rules and prices are computed (a cache of every such state would grow without bound).
static gops_status_t destination_field(const gops_crowd_t *c, const destination_cells_t *dc, const float *speed,
                                       gops_field_t *out, gops_error_t *err)
{
    const char *dir = c->world->def.field_cache_dir;
    if (dir && c->setting_up && speed == c->field_speed && !c->masks.blocked && !c->masks.allowed)
        return gops_field_compute_cached(dir, c->district->walk, dc->cells, dc->count, NULL, speed, out, err);
    return gops_field_compute_directed(c->district->walk, dc->cells, dc->count, c->masks.blocked, speed,
                                       c->masks.allowed, out, err);
}

gops_status_t gops_crowd_compute_field(gops_crowd_t *c, uint16_t dest, gops_error_t *err)
{
    gops_field_free(&c->fields[dest]);
    gops_field_t *priced = dest < c->route.field_count ? &c->route.fields[dest] : NULL;
    if (priced) gops_field_free(priced); // until recomputed below, walkers use the distance field
    const destination_cells_t *dc = &c->dest_cells[dest];
    if (dc->count == 0) return GOPS_OK; // unreachable destination (e.g. every door closed): an empty field
    c->field_computations++;
    gops_status_t st = destination_field(c, dc, c->field_speed, &c->fields[dest], err);
    if (st == GOPS_OK && priced && c->route.speed)
        st = gops_field_compute_directed(c->district->walk, dc->cells, dc->count, c->masks.blocked, c->route.speed,
                                         c->masks.allowed, priced, err);
    return st;
}

typedef struct field_job {
    gops_crowd_t *c;
    const float *speed;     ///< by walkable index, may be NULL
    gops_field_t *out;      ///< by destination
    gops_status_t *status;  ///< by destination
    gops_error_t *errors;   ///< by destination
} field_job_t;

static void field_range(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    (void)chunk;
    field_job_t *job = user;
    gops_crowd_t *c = job->c;
    for (uint32_t k = begin; k < end; k++) {
        const destination_cells_t *dc = &c->dest_cells[k];
        job->out[k] = (gops_field_t){0};
        job->status[k] = dc->count == 0 ? GOPS_OK : destination_field(c, dc, job->speed, &job->out[k], &job->errors[k]);
    }
}

gops_status_t gops_crowd_compute_fields(gops_crowd_t *c, const float *speed, gops_field_t *fields, gops_error_t *err)
{
    uint32_t n = c->dest_count;
    if (n == 0) return GOPS_OK;
    field_job_t job = {c, speed, calloc(n, sizeof *job.out), calloc(n, sizeof *job.status),
                       calloc(n, sizeof *job.errors)};
    gops_status_t st = GOPS_OK;
    if (!job.out || !job.status || !job.errors) {
        st = gops_error_set(err, GOPS_NOMEM, "out of memory computing %u crowd fields", n);
        goto cleanup;
    }
    gops_parallel_each(n, c->world->def.threads, field_range, &job); // a field per item
    for (uint32_t k = 0; k < n; k++)
        if (job.status[k] != GOPS_OK) {
            st = job.status[k];
            *err = job.errors[k];
            break;
        }
    for (uint32_t k = 0; k < n; k++) {
        if (st == GOPS_OK) {
            gops_field_free(&fields[k]);
            fields[k] = job.out[k];
        } else {
            gops_field_free(&job.out[k]);
        }
    }
cleanup:
    free(job.out);
    free(job.status);
    free(job.errors);
    return st;
}

// Each field is a pure function of its sources, the masks and the speeds.
gops_status_t gops_crowd_rebuild_fields(gops_crowd_t *c, gops_error_t *err)
{
    gops_status_t st = gops_crowd_compute_fields(c, c->field_speed, c->fields, err);
    if (st != GOPS_OK) return st;
    for (uint16_t k = 0; k < c->dest_count; k++) c->field_computations += c->dest_cells[k].count > 0;
    return gops_crowd_route_reprice(c, err);
}

// The way out of closed areas: distance to the nearest open cell, through anything but
// barriers (people inside a closure may cross it, not a barrier).
static gops_status_t rebuild_leave(gops_crowd_t *c, gops_error_t *err)
{
    gops_field_free(&c->leave);
    if (!gops_overlay_closures(c->overlay) || !c->masks.blocked) return GOPS_OK;
    const gops_walkable_t *w = c->district->walk;
    uint32_t *sources = malloc((w->count ? w->count : 1) * sizeof *sources), n = 0;
    uint8_t *walls = malloc(w->count ? w->count : 1);
    gops_status_t st = GOPS_OK;
    if (!sources || !walls) {
        st = gops_error_set(err, GOPS_NOMEM, "out of memory for the way out of closed areas");
        goto cleanup;
    }
    for (uint32_t i = 0; i < w->count; i++) {
        walls[i] = (c->masks.blocked[i] & GOPS_OVERLAY_BARRIER) != 0;
        if (!c->masks.blocked[i]) sources[n++] = i;
    }
    if (n > 0) st = gops_field_compute(w, sources, n, walls, NULL, &c->leave, err);
cleanup:
    free(sources);
    free(walls);
    return st;
}

bool gops_crowd_in_closure(const gops_crowd_t *c, float x, float y)
{
    if (!c->masks.blocked) return false;
    const gops_walkable_t *w = c->district->walk;
    uint32_t cell = gops_walkable_cell_at(w, (gops_point_t){x, y});
    if (cell == GOPS_WALKABLE_NONE) return false;
    uint32_t k = gops_walkable_index(w, cell);
    return k != GOPS_WALKABLE_NONE && (c->masks.blocked[k] & GOPS_OVERLAY_CLOSED);
}

// People standing on a new barrier's cells step to the nearest open cell (ring by ring,
// row-major within a ring) on their own side of every barrier passing near them.
static void clear_barrier_cells(gops_crowd_t *c)
{
    const gops_walkable_t *w = c->district->walk;
    uint32_t barriers = gops_overlay_barriers(c->overlay);
    if (!barriers || !c->masks.blocked) return;
    for (uint32_t i = 0; i < c->peds.count; i++) {
        gops_point_t p = {c->peds.x[i], c->peds.y[i]};
        uint32_t cell = gops_walkable_cell_at(w, p);
        uint32_t k = cell == GOPS_WALKABLE_NONE ? GOPS_WALKABLE_NONE : gops_walkable_index(w, cell);
        if (k == GOPS_WALKABLE_NONE || !(c->masks.blocked[k] & GOPS_OVERLAY_BARRIER)) continue;
        int64_t cx = (int64_t)(cell % (uint32_t)w->nx), cy = (int64_t)(cell / (uint32_t)w->nx);
        bool moved = false;
        for (int64_t r = 1; r <= 16 && !moved; r++)
            for (int64_t dy = -r; dy <= r && !moved; dy++)
                for (int64_t dx = -r; dx <= r && !moved; dx++) {
                    if (llabs(dx) != r && llabs(dy) != r) continue; // the ring only
                    int64_t qx = cx + dx, qy = cy + dy;
                    if (qx < 0 || qy < 0 || qx >= w->nx || qy >= w->ny) continue;
                    uint32_t qc = (uint32_t)(qy * w->nx + qx);
                    uint32_t qk = gops_walkable_index(w, qc);
                    if (qk == GOPS_WALKABLE_NONE || c->masks.blocked[qk]) continue;
                    gops_point_t q = gops_walkable_centre(w, qc);
                    bool same = true;
                    for (uint32_t b = 0; b < barriers && same; b++) {
                        gops_point_t a0, a1;
                        gops_overlay_barrier(c->overlay, b, &a0, &a1);
                        if (gops_point_segment_distance(p, a0, a1, NULL) > 2.0 * (double)(r + 1) * w->cell) continue;
                        double ux = a1.x - a0.x, uy = a1.y - a0.y;
                        double sp = ux * (p.y - a0.y) - uy * (p.x - a0.x), sq = ux * (q.y - a0.y) - uy * (q.x - a0.x);
                        same = sp == 0 || (sp > 0) == (sq > 0);
                    }
                    if (!same) continue;
                    c->peds.x[i] = (float)q.x;
                    c->peds.y[i] = (float)q.y;
                    c->peds.vx[i] = c->peds.vy[i] = 0;
                    moved = true;
                }
    }
}

// Masks, wall distance, the way out of closures and every field for the overlay's version;
// `clear`: people standing on new barriers step off them (not when restoring a checkpoint,
// whose positions are already those after the rebuild).
static gops_status_t rebuild_geometry_as(gops_crowd_t *c, bool clear, gops_error_t *err)
{
    const gops_walkable_t *w = c->district->walk;
    gops_overlay_masks_t masks;
    gops_status_t st = gops_overlay_rasterise(c->overlay, w, &masks, err);
    if (st != GOPS_OK) return st;
    gops_field_t wall;
    if ((st = gops_field_wall_distance_masked(w, masks.blocked, &wall, err)) != GOPS_OK) {
        gops_overlay_masks_free(&masks);
        return st;
    }
    gops_overlay_masks_t old = c->masks;
    c->masks = masks;
    if ((st = gops_crowd_rebuild_fields(c, err)) != GOPS_OK || (st = rebuild_leave(c, err)) != GOPS_OK) {
        gops_overlay_masks_free(&c->masks);
        c->masks = old;
        gops_field_free(&wall);
        return st;
    }
    gops_overlay_masks_free(&old);
    gops_field_free(&c->wall);
    c->wall = wall; // the walk context points at c->wall: it sees the new one
    c->walk.blocked_bits = c->masks.cell_bits;
    if (!clear) return GOPS_OK;
    clear_barrier_cells(c);
    c->overlay_built = gops_overlay_version(c->overlay);
    c->geometry_rebuilds++;
    return GOPS_OK;
}

static gops_status_t rebuild_geometry(gops_crowd_t *c, gops_error_t *err)
{
    return rebuild_geometry_as(c, true, err);
}

gops_status_t gops_crowd_actions_restore(gops_crowd_t *c, gops_error_t *err)
{
    // Counters stay as restored: this rebuild only recreates what the saved run had.
    uint64_t computations = c->field_computations;
    gops_status_t st = c->overlay ? rebuild_geometry_as(c, false, err) : gops_crowd_rebuild_fields(c, err);
    c->field_computations = computations;
    return st;
}

// ---- lab exits: closures and meters -----------------------------------------------------

static lab_exit_t *lab_exit(gops_crowd_t *c, uint16_t dest)
{
    for (uint32_t i = 0; i < c->exit_count; i++)
        if (c->exits[i].dest == dest) return &c->exits[i];
    return NULL;
}

bool gops_crowd_exit_admits(gops_crowd_t *c, lab_exit_t *e, double now_s, double dt)
{
    (void)c;
    if (e->closed) return false;
    if (!(e->meter_per_min > 0)) return true;
    if (now_s + 1e-9 < e->next_admit_s) return false;
    // Admissions are spaced by 1/rate on a virtual clock that never banks more idle time
    // than one tick (buildings.c meters the same way).
    double base = e->next_admit_s > now_s - dt ? e->next_admit_s : now_s - dt;
    e->next_admit_s = base + 60.0 / e->meter_per_min;
    return true;
}

// Walkers heading for a closed lab exit turn to the open exit nearest on foot (lowest
// destination index on ties); with none reachable they keep going and wait at it.
static void reroute_closed_exits(gops_crowd_t *c)
{
    bool any = false;
    for (uint32_t e = 0; e < c->exit_count; e++) any |= c->exits[e].closed;
    if (!any) return;
    const gops_walkable_t *w = c->district->walk;
    for (uint32_t i = 0; i < c->peds.count; i++) {
        if (c->mode[i] != PED_WALK) continue;
        lab_exit_t *ex = lab_exit(c, c->peds.dest[i]);
        if (!ex || !ex->closed) continue;
        uint16_t best = GOPS_NO_DEST;
        float best_d = INFINITY;
        for (uint32_t e = 0; e < c->exit_count; e++) {
            const lab_exit_t *o = &c->exits[e];
            if (o->closed || !c->fields[o->dest].dist) continue;
            float d = gops_field_sample(w, &c->fields[o->dest], c->peds.x[i], c->peds.y[i]);
            if (d < best_d || (d == best_d && best != GOPS_NO_DEST && o->dest < best)) best_d = d, best = o->dest;
        }
        if (best != GOPS_NO_DEST && isfinite(best_d)) c->peds.dest[i] = best;
    }
}

gops_status_t gops_crowd_actions_step(gops_crowd_t *c, double now_s, double dt, gops_error_t *err)
{
    if (c->overlay && gops_overlay_version(c->overlay) != c->overlay_built) {
        gops_status_t st = rebuild_geometry(c, err);
        if (st != GOPS_OK) {
            c->overlay_built = gops_overlay_version(c->overlay); // logged once, not every tick
            return st;
        }
    }
    reroute_closed_exits(c);
    gops_guidance_step(c, now_s);
    gops_choice_step(c, now_s, dt);
    return GOPS_OK;
}

void gops_crowd_actions_free(gops_crowd_t *c)
{
    gops_overlay_destroy(c->overlay);
    c->overlay = NULL;
    gops_overlay_masks_free(&c->masks);
    gops_field_free(&c->leave);
    free(c->entrance_closed);
    c->entrance_closed = NULL;
    gops_obstacles_free(&c->obstacles);
    gops_guidance_free(&c->guidance);
    gops_choice_free(&c->choice);
}

// ---- the overlay's actions --------------------------------------------------------------

static gops_overlay_t *overlay(gops_crowd_t *c, gops_error_t *err)
{
    if (!c->overlay && !(c->overlay = gops_overlay_create()))
        gops_error_set(err, GOPS_NOMEM, "out of memory for crowd closures");
    return c->overlay;
}

gops_status_t gops_crowd_close_area(gops_crowd_t *c, const char *name, const gops_point_t *ring, uint32_t count,
                                    gops_error_t *err)
{
    if (!overlay(c, err)) return err->status;
    return gops_overlay_close_area(c->overlay, name, ring, count, err);
}

gops_status_t gops_crowd_reopen_area(gops_crowd_t *c, const char *name, gops_error_t *err)
{
    if (!c->overlay || !gops_overlay_reopen_area(c->overlay, name))
        return gops_error_set(err, GOPS_BAD_VALUE, "reopen: no area \"%s\" is closed", name);
    return GOPS_OK;
}

gops_status_t gops_crowd_add_barrier(gops_crowd_t *c, const char *name, gops_point_t a, gops_point_t b,
                                     gops_error_t *err)
{
    if (!overlay(c, err)) return err->status;
    return gops_overlay_add_barrier(c->overlay, name, a, b, err);
}

gops_status_t gops_crowd_remove_barrier(gops_crowd_t *c, const char *name, gops_error_t *err)
{
    if (!c->overlay || !gops_overlay_remove_barrier(c->overlay, name))
        return gops_error_set(err, GOPS_BAD_VALUE, "remove barrier: no barrier \"%s\" stands", name);
    return GOPS_OK;
}

gops_status_t gops_crowd_set_one_way(gops_crowd_t *c, const char *name, const gops_point_t *ring, uint32_t count,
                                     double dx, double dy, gops_error_t *err)
{
    if (!overlay(c, err)) return err->status;
    return gops_overlay_set_one_way(c->overlay, name, ring, count, dx, dy, err);
}

gops_status_t gops_crowd_clear_one_way(gops_crowd_t *c, const char *name, gops_error_t *err)
{
    if (!c->overlay || !gops_overlay_clear_one_way(c->overlay, name))
        return gops_error_set(err, GOPS_BAD_VALUE, "clear one-way: no one-way section \"%s\"", name);
    return GOPS_OK;
}

bool gops_crowd_one_way_exists(const gops_crowd_t *c, const char *name)
{
    return gops_overlay_has_one_way(c->overlay, name);
}

// ---- names ------------------------------------------------------------------------------

static bool feature_named(const gops_feature_t *f, const char *name)
{
    return (f->id && strcmp(f->id, name) == 0) || (f->name && strcmp(f->name, name) == 0) ||
           (f->name_en && strcmp(f->name_en, name) == 0);
}

uint16_t gops_crowd_find_destination(const gops_crowd_t *c, const char *name)
{
    uint16_t lab = gops_crowd_find_exit(c, name);
    if (lab != GOPS_NO_DEST) return lab;
    if (!c->demand) return GOPS_NO_DEST;
    const gops_destinations_t *t = gops_demand_destinations(c->demand);
    for (uint16_t k = 0; k < t->count; k++) {
        const gops_destination_t *d = &t->dest[k];
        if (d->label && strcmp(d->label, name) == 0) return k;
        if (d->feature >= 0 && feature_named(&c->district->map->features[d->feature], name)) return k;
    }
    return GOPS_NO_DEST;
}

const char *gops_crowd_destination_name(const gops_crowd_t *c, uint16_t dest)
{
    for (uint32_t i = 0; i < c->exit_count; i++)
        if (c->exits[i].dest == dest) return c->exits[i].name;
    if (c->demand && dest < gops_demand_destinations(c->demand)->count)
        return gops_demand_destinations(c->demand)->dest[dest].label;
    return "?";
}

gops_entrance_kind_t gops_crowd_find_entrance(const gops_crowd_t *c, const char *name, uint32_t *index)
{
    uint16_t lab = gops_crowd_find_exit(c, name);
    if (lab != GOPS_NO_DEST) {
        *index = lab;
        return GOPS_ENTRANCE_LAB_EXIT;
    }
    if (!c->demand) return GOPS_ENTRANCE_NONE;
    uint16_t k = gops_crowd_find_destination(c, name);
    if (k != GOPS_NO_DEST) {
        *index = k;
        const gops_destination_t *d = &gops_demand_destinations(c->demand)->dest[k];
        return gops_dest_class_is_building(d->cls) ? GOPS_ENTRANCE_BUILDING : GOPS_ENTRANCE_DESTINATION;
    }
    const gops_map_t *map = c->district->map;
    for (uint32_t f = 0; f < map->feature_count; f++)
        if (map->features[f].kind == GOPS_FEAT_ENTRANCE && feature_named(&map->features[f], name)) {
            *index = f;
            return GOPS_ENTRANCE_DOOR;
        }
    return GOPS_ENTRANCE_NONE;
}

static gops_status_t unknown_entrance(const char *name, gops_error_t *err)
{
    return gops_error_set(err, GOPS_BAD_VALUE,
                          "unknown entrance \"%s\": expected a lab exit, a building, an entrance or a place by id or name",
                          name);
}

// A door opens or closes: buildings.c stops admitting through it, and the building's field
// is recomputed from its other open doors so visitors walk to those.
static gops_status_t set_door_open(gops_crowd_t *c, uint32_t feature, bool open, gops_error_t *err)
{
    const gops_map_t *map = c->district->map;
    gops_buildings_t *b = gops_demand_buildings(c->demand);
    int32_t e = gops_buildings_entrance_of(b, feature);
    if (e < 0) return gops_error_set(err, GOPS_BAD_VALUE, "entrance feature %u belongs to no building", feature);
    gops_buildings_set_entrance_open(b, (uint32_t)e, open);
    if (!c->entrance_closed && !(c->entrance_closed = calloc(map->feature_count ? map->feature_count : 1, 1)))
        return gops_error_set(err, GOPS_NOMEM, "out of memory closing an entrance");
    c->entrance_closed[feature] = !open;
    const gops_destinations_t *t = gops_demand_destinations(c->demand);
    int32_t building = map->features[feature].u.entrance.building;
    uint16_t dest = building >= 0 && (uint32_t)building < t->feature_count ? t->dest_of_feature[building] : GOPS_DEST_NONE;
    if (dest == GOPS_DEST_NONE || dest >= c->dest_count) return GOPS_OK; // a building visitors do not use
    uint32_t *cells = NULL, count = 0;
    gops_status_t st = gops_destinations_cells(t, map, c->district->walk, dest, c->entrance_closed, &cells, &count, err);
    if (st != GOPS_OK) return st;
    free(c->dest_cells[dest].cells);
    c->dest_cells[dest] = (destination_cells_t){cells, count};
    return gops_crowd_compute_field(c, dest, err);
}

gops_status_t gops_crowd_set_entrance_open(gops_crowd_t *c, const char *name, bool open, gops_error_t *err)
{
    uint32_t index;
    switch (gops_crowd_find_entrance(c, name, &index)) {
    case GOPS_ENTRANCE_LAB_EXIT:
        lab_exit(c, (uint16_t)index)->closed = !open;
        return GOPS_OK;
    case GOPS_ENTRANCE_BUILDING:
    case GOPS_ENTRANCE_DESTINATION:
        gops_demand_set_closed(c->demand, (uint16_t)index, !open);
        return GOPS_OK;
    case GOPS_ENTRANCE_DOOR:
        return set_door_open(c, index, open, err);
    case GOPS_ENTRANCE_NONE:
        break;
    }
    return unknown_entrance(name, err);
}

gops_status_t gops_crowd_meter(gops_crowd_t *c, const char *name, double per_min, gops_error_t *err)
{
    if (!isfinite(per_min) || per_min < 0 || per_min > 6000)
        return gops_error_set(err, GOPS_BAD_VALUE, "meter \"%s\": %g persons/min, expected 0 (none) to 6000", name,
                              per_min);
    uint32_t index;
    gops_buildings_t *b = c->demand ? gops_demand_buildings(c->demand) : NULL;
    switch (gops_crowd_find_entrance(c, name, &index)) {
    case GOPS_ENTRANCE_LAB_EXIT: {
        lab_exit_t *e = lab_exit(c, (uint16_t)index);
        e->meter_per_min = per_min;
        return GOPS_OK;
    }
    case GOPS_ENTRANCE_BUILDING: {
        int32_t i = gops_demand_destinations(c->demand)->dest[index].building;
        return gops_buildings_set_meter(b, (uint32_t)i, per_min, err);
    }
    case GOPS_ENTRANCE_DOOR: {
        int32_t e = gops_buildings_entrance_of(b, index);
        if (e < 0) return gops_error_set(err, GOPS_BAD_VALUE, "meter: entrance \"%s\" belongs to no building", name);
        return gops_buildings_set_entrance_meter(b, (uint32_t)e, per_min, err);
    }
    case GOPS_ENTRANCE_DESTINATION:
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "meter: \"%s\" is a place people walk into, not an entrance: expected a lab exit, a "
                              "building or an entrance",
                              name);
    case GOPS_ENTRANCE_NONE:
        break;
    }
    return unknown_entrance(name, err);
}

bool gops_crowd_exit_state(const gops_crowd_t *c, uint16_t dest, bool *closed, double *meter_per_min)
{
    for (uint32_t i = 0; i < c->exit_count; i++)
        if (c->exits[i].dest == dest) {
            *closed = c->exits[i].closed;
            *meter_per_min = c->exits[i].meter_per_min;
            return true;
        }
    return false;
}

// ---- obstacles and counters ---------------------------------------------------------------

void gops_crowd_set_obstacles(gops_crowd_t *c, const gops_disc_t *discs, uint32_t n, uint64_t version)
{
    gops_error_t err;
    if (gops_obstacles_set(&c->obstacles, discs, n, version, NULL, &err) != GOPS_OK)
        gops_log(GOPS_LOG_ERROR, "crowd: %s", err.message);
}

void gops_crowd_action_stats(const gops_crowd_t *c, gops_crowd_action_stats_t *out)
{
    memset(out, 0, sizeof *out);
    out->field_computations = c->field_computations;
    out->geometry_rebuilds = c->geometry_rebuilds;
    out->route_refreshes = c->route.refreshes;
    out->obstacle_rebuilds = c->obstacles.rebuilds;
    out->blocked_cells = c->masks.blocked_count;
    out->one_way_cells = c->masks.one_way_count;
    uint64_t v = gops_overlay_version(c->overlay);
    out->pending_version = v != c->overlay_built ? v : 0;
}
