// SPDX-License-Identifier: MIT
// The crowd subsystem's checkpoint (crowd_checkpoint.h): pedestrians (all their arrays),
// their side state (mode, lingering spot), the visitor map, lab exits and queued spawns,
// destination cells (doors can close), demand with buildings, density, counting lines, the
// overlay of closures, closed doors, obstacle discs, broadcasts, congestion choices and the
// routing speeds with their density sums. Not stored, rebuilt: distance and priced fields,
// masks, the wall distance and the way out of closed areas (from the overlay, the
// destination cells and the speeds), the obstacle index, scratch arrays.
// One corner is not exact: a closure changed by an on() hook in the tick just before the
// checkpoint is rebuilt at once on resume rather than at the next crowd step, so a hook of
// the very next tick that reads walking distances sees the new fields one step early.
#include "crowd/crowd_checkpoint.h"

#include "crowd/crowd_internal.h"
#include "world/world_internal.h"

#include <stdlib.h>
#include <string.h>

#define PED_ARRAYS(X) X(x) X(y) X(vx) X(vy) X(ex) X(ey) X(v0) X(radius) X(id) X(visitor) X(dest) X(group) X(wait) X(oncoming) X(look_in) X(queueing)

void gops_crowd_save(const gops_world_t *world, const void *state, gops_ckpt_writer_t *w)
{
    (void)world;
    const gops_crowd_t *c = state;
    GOPS_CKPT_PUT(w, "crowd", c);
    const gops_pedestrians_t *p = &c->peds;
#define SAVE_PED(field) GOPS_CKPT_PUT_ARRAY(w, "crowd.peds." #field, p->field, p->count);
    PED_ARRAYS(SAVE_PED)
#undef SAVE_PED
    GOPS_CKPT_PUT_ARRAY(w, "crowd.mode", c->mode, p->count);
    GOPS_CKPT_PUT_ARRAY(w, "crowd.tx", c->tx, p->count);
    GOPS_CKPT_PUT_ARRAY(w, "crowd.ty", c->ty, p->count);
    GOPS_CKPT_PUT_ARRAY(w, "crowd.dest_cells", c->dest_cells, c->dest_count);
    for (uint16_t k = 0; k < c->dest_count; k++)
        GOPS_CKPT_PUT_ARRAY(w, "crowd.dest_cells.cells", c->dest_cells[k].cells, c->dest_cells[k].count);
    GOPS_CKPT_PUT_ARRAY(w, "crowd.ped_of_visitor", c->ped_of_visitor, c->visitor_capacity);
    GOPS_CKPT_PUT_ARRAY(w, "crowd.exits", c->exits, c->exit_count);
    GOPS_CKPT_PUT_ARRAY(w, "crowd.spawns", c->spawns, c->spawn_count);
    if (c->demand) gops_demand_save(c->demand, w);
    gops_density_save(c->density, w);
    gops_ckpt_put_u64(w, "crowd.has_lines", c->lines != NULL);
    if (c->lines) gops_counting_lines_save(c->lines, w);
    gops_ckpt_put_u64(w, "crowd.has_overlay", c->overlay != NULL);
    if (c->overlay) gops_overlay_save(c->overlay, w);
    uint32_t features = c->district->map->feature_count;
    GOPS_CKPT_PUT_ARRAY(w, "crowd.entrance_closed", c->entrance_closed, c->entrance_closed ? features : 0);
    const gops_obstacles_t *o = &c->obstacles;
    GOPS_CKPT_PUT_ARRAY(w, "crowd.obstacles.x", o->x, o->count);
    GOPS_CKPT_PUT_ARRAY(w, "crowd.obstacles.y", o->y, o->count);
    GOPS_CKPT_PUT_ARRAY(w, "crowd.obstacles.r", o->r, o->count);
    GOPS_CKPT_PUT_ARRAY(w, "crowd.broadcasts", c->guidance.items, c->guidance.count);
    for (uint32_t i = 0; i < c->guidance.count; i++)
        GOPS_CKPT_PUT_ARRAY(w, "crowd.broadcast.ids", c->guidance.items[i].ids, c->guidance.items[i].id_capacity);
    GOPS_CKPT_PUT_ARRAY(w, "crowd.choices", c->choice.groups, c->choice.count);
    const gops_route_t *rt = &c->route;
    GOPS_CKPT_PUT_ARRAY(w, "crowd.route.sum_ppm2", rt->sum_ppm2, rt->sum_ppm2 ? rt->cells : 0);
    GOPS_CKPT_PUT_ARRAY(w, "crowd.route.speed", rt->speed, rt->speed ? c->district->walk->count : 0);
}

/// Congestion routing: sums and speeds as saved (the priced fields are recomputed from them
/// by the caller); the cell map is this object's own.
static void load_route(gops_crowd_t *c, const gops_route_t *fresh, gops_ckpt_reader_t *r)
{
    gops_route_t *rt = &c->route;
    uint32_t walkable = c->district->walk->count;
    rt->cell_of = fresh->cell_of;
    for (uint16_t k = 0; k < fresh->field_count; k++) gops_field_free(&fresh->fields[k]);
    free(fresh->fields), free(fresh->speed);
    rt->fields = NULL;
    rt->field_count = 0;
    uint64_t sums = gops_ckpt_peek_count(r, "crowd.route.sum_ppm2");
    if ((sums != 0 && sums != fresh->cells) || (sums != 0) != (fresh->sum_ppm2 != NULL))
        gops_ckpt_fail(r, "congestion routing over %llu density cells, expected %u (was the scenario or the map "
                       "changed?)",
                       (unsigned long long)sums, fresh->sum_ppm2 ? fresh->cells : 0);
    free(fresh->sum_ppm2);
    rt->sum_ppm2 = gops_ckpt_get_alloc(r, "crowd.route.sum_ppm2", sizeof *rt->sum_ppm2, sums, sums);
    uint64_t speeds = gops_ckpt_peek_count(r, "crowd.route.speed");
    if (speeds != 0 && speeds != walkable)
        gops_ckpt_fail(r, "routing speeds for %llu walkable cells, expected %u (was the map changed?)",
                       (unsigned long long)speeds, walkable);
    rt->speed = gops_ckpt_get_alloc(r, "crowd.route.speed", sizeof *rt->speed, speeds, speeds);
    if (!speeds) free(rt->speed), rt->speed = NULL;
    if (!sums) free(rt->sum_ppm2), rt->sum_ppm2 = NULL;
}

/// Obstacle discs: the saved set, indexed again; version and counters as saved.
static void load_obstacles(gops_crowd_t *c, const gops_obstacles_t *saved, gops_ckpt_reader_t *r)
{
    gops_obstacles_t *o = &c->obstacles;
    uint32_t n = saved->count;
    float *x = gops_ckpt_get_alloc(r, "crowd.obstacles.x", sizeof *x, n, n);
    float *y = gops_ckpt_get_alloc(r, "crowd.obstacles.y", sizeof *y, n, n);
    float *rr = gops_ckpt_get_alloc(r, "crowd.obstacles.r", sizeof *rr, n, n);
    gops_disc_t *discs = calloc(n ? n : 1, sizeof *discs);
    if (x && y && rr && discs && !gops_ckpt_failed(r)) {
        for (uint32_t i = 0; i < n; i++) discs[i] = (gops_disc_t){x[i], y[i], rr[i]};
        if (saved->ever_set) {
            gops_error_t err;
            o->ever_set = false; // force the rebuild
            if (gops_obstacles_set(o, discs, n, saved->version, NULL, &err) != GOPS_OK)
                gops_ckpt_fail(r, "crowd obstacles: %s", err.message);
        }
        o->version = saved->version;
        o->ever_set = saved->ever_set;
        o->rebuilds = saved->rebuilds;
    } else if (!discs) {
        gops_ckpt_fail(r, "out of memory for %u obstacle discs", n);
    }
    free(x), free(y), free(rr), free(discs);
}

void gops_crowd_load(gops_world_t *world, void *state, gops_ckpt_reader_t *r)
{
    (void)world;
    gops_crowd_t *c = state;
    gops_crowd_t s;
    if (!GOPS_CKPT_GET(r, "crowd", &s)) return;
    if (s.dest_count != c->dest_count || s.exit_count != c->exit_count || (s.demand != NULL) != (c->demand != NULL) ||
        s.peds.count > s.peds.capacity || s.peds.count > s.scratch_capacity || s.spawn_count > s.spawn_capacity ||
        s.spawn_next > s.spawn_count || s.choice.count > 1000000 || s.guidance.count > 1000000) {
        gops_ckpt_fail(r, "a crowd with %u destinations, %u lab exits%s, expected %u and %u%s as this scenario makes "
                       "(was the scenario or the map changed?)",
                       s.dest_count, s.exit_count, s.demand ? " and visitors" : "", c->dest_count, c->exit_count,
                       c->demand ? " and visitors" : "");
        return;
    }
    gops_crowd_t fresh = *c;
    *c = s;
    // Built from the map and parameters, or rebuilt below: this object's own.
    c->world = fresh.world;
    c->district = fresh.district;
    c->wall = fresh.wall;
    c->walk = fresh.walk;
    c->fields = fresh.fields;
    c->field_speed = fresh.field_speed;
    c->dest_cells = fresh.dest_cells;
    c->dest_capacity = fresh.dest_capacity;
    c->demand = fresh.demand;
    c->density = fresh.density;
    c->lines = fresh.lines;
    c->overlay = fresh.overlay;
    c->masks = fresh.masks;
    c->leave = fresh.leave;
    c->obstacles = fresh.obstacles;
    c->walk.obstacles = &c->obstacles;
    c->newcomer_room = fresh.newcomer_room; // per-tick scratch

    // Pedestrians and their side arrays.
    gops_pedestrians_free(&fresh.peds);
    gops_pedestrians_t *p = &c->peds;
    uint32_t n = p->count, cap = p->capacity;
#define LOAD_PED(field)                                                                     \
    p->field = gops_ckpt_get_alloc(r, "crowd.peds." #field, sizeof *p->field, n, cap);      \
    if (!p->field) p->count = 0;
    PED_ARRAYS(LOAD_PED)
#undef LOAD_PED
    free(fresh.mode), free(fresh.tx), free(fresh.ty);
    free(fresh.arrived), free(fresh.prev_x), free(fresh.prev_y);
    uint32_t side = c->scratch_capacity;
    c->mode = gops_ckpt_get_alloc(r, "crowd.mode", sizeof *c->mode, n, side);
    c->tx = gops_ckpt_get_alloc(r, "crowd.tx", sizeof *c->tx, n, side);
    c->ty = gops_ckpt_get_alloc(r, "crowd.ty", sizeof *c->ty, n, side);
    c->arrived = calloc(side ? side : 1, sizeof *c->arrived); // per-tick scratch
    c->prev_x = calloc(side ? side : 1, sizeof *c->prev_x);
    c->prev_y = calloc(side ? side : 1, sizeof *c->prev_y);
    if (!c->mode || !c->tx || !c->ty || !c->arrived || !c->prev_x || !c->prev_y) {
        p->count = 0;
        gops_ckpt_fail(r, "out of memory for %u pedestrians", side);
    }

    // Destination cells (closed doors change a building's).
    destination_cells_t *cells = gops_ckpt_get_alloc(r, "crowd.dest_cells", sizeof *cells, c->dest_count, c->dest_count);
    for (uint16_t k = 0; k < c->dest_count && cells; k++) {
        uint32_t *got = gops_ckpt_get_alloc(r, "crowd.dest_cells.cells", sizeof *got, cells[k].count, cells[k].count);
        if (!got || gops_ckpt_failed(r)) {
            free(got);
            break;
        }
        free(c->dest_cells[k].cells);
        c->dest_cells[k] = (destination_cells_t){got, cells[k].count};
    }
    free(cells);

    free(fresh.ped_of_visitor);
    GOPS_CKPT_LOAD_ARRAY(r, "crowd.ped_of_visitor", c->ped_of_visitor, c->visitor_capacity, c->visitor_capacity);
    free(fresh.exits);
    GOPS_CKPT_LOAD_ARRAY(r, "crowd.exits", c->exits, c->exit_count, c->exit_count);
    free(fresh.spawns);
    GOPS_CKPT_LOAD_ARRAY(r, "crowd.spawns", c->spawns, c->spawn_count, c->spawn_capacity);
    if (!c->spawns) c->spawn_capacity = c->spawn_next = 0;

    if (c->demand) gops_demand_load(c->demand, r);
    gops_density_load(c->density, r);
    bool lines = gops_ckpt_get_u64(r, "crowd.has_lines") != 0;
    if (lines && !c->lines && !gops_ckpt_failed(r)) {
        gops_error_t err;
        if (!(c->lines = gops_counting_lines_create(&c->params.lines, c->world->def.tick_s, &err)))
            gops_ckpt_fail(r, "counting lines: %s", err.message);
    }
    if (lines && c->lines) gops_counting_lines_load(c->lines, r);
    bool overlay = gops_ckpt_get_u64(r, "crowd.has_overlay") != 0;
    if (overlay && !c->overlay && !(c->overlay = gops_overlay_create())) gops_ckpt_fail(r, "out of memory for closures");
    if (overlay && c->overlay) gops_overlay_load(c->overlay, r);
    if (!overlay && c->overlay) {
        gops_overlay_destroy(c->overlay);
        c->overlay = NULL;
    }
    uint32_t features = c->district->map->feature_count;
    uint64_t closed = gops_ckpt_peek_count(r, "crowd.entrance_closed");
    if (closed != 0 && closed != features)
        gops_ckpt_fail(r, "closed doors for %llu features, expected %u on this map", (unsigned long long)closed, features);
    free(fresh.entrance_closed);
    c->entrance_closed = NULL;
    uint8_t *doors = gops_ckpt_get_alloc(r, "crowd.entrance_closed", 1, closed, closed);
    if (closed) c->entrance_closed = doors;
    else free(doors);

    load_obstacles(c, &s.obstacles, r);

    gops_guidance_free(&fresh.guidance);
    c->guidance.items = gops_ckpt_get_alloc(r, "crowd.broadcasts", sizeof *c->guidance.items, c->guidance.count,
                                            c->guidance.count);
    c->guidance.capacity = c->guidance.count;
    for (uint32_t i = 0; c->guidance.items && i < c->guidance.count; i++) {
        gops_broadcast_t *b = &c->guidance.items[i];
        b->ids = NULL;
        if (gops_ckpt_failed(r)) {
            b->id_count = b->id_capacity = 0;
            continue;
        }
        b->ids = gops_ckpt_get_alloc(r, "crowd.broadcast.ids", sizeof *b->ids, b->id_capacity, b->id_capacity);
        if (!b->ids) b->id_count = b->id_capacity = 0;
    }
    if (!c->guidance.items) c->guidance.count = c->guidance.capacity = 0;
    gops_choice_free(&fresh.choice);
    GOPS_CKPT_LOAD_ARRAY(r, "crowd.choices", c->choice.groups, c->choice.count, c->choice.count);

    load_route(c, &fresh.route, r);

    // What derives from the overlay, the destination cells and the routing speeds.
    if (!gops_ckpt_failed(r) && (c->overlay || c->entrance_closed || c->route.speed)) {
        gops_error_t err;
        if (gops_crowd_actions_restore(c, &err) != GOPS_OK) gops_ckpt_fail(r, "crowd fields: %s", err.message);
    }
}
