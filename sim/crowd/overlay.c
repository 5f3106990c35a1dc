// SPDX-License-Identifier: MIT
// Named closures, barriers and one-way sections, and their rasterisation (overlay.h). Items
// keep the order they were made in; removing one keeps the others' order. Rasterising is a
// pure function of the items in force and the raster, so any two runs that make the same
// changes get the same masks. Does not compute fields or move pedestrians.
#include "crowd/overlay.h"

#include "crowd/crowd_checkpoint.h"

#include "core/assert.h"
#include "crowd/field.h"
#include "world/geometry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum item_kind { ITEM_CLOSURE, ITEM_BARRIER, ITEM_ONE_WAY } item_kind_t;

typedef struct item {
    item_kind_t kind;
    char name[64];
    gops_point_t *pts; ///< ring (closures, one-way) or the two end points (barriers)
    uint32_t count;
    double dx, dy;     ///< one-way direction, unit
} item_t;

struct gops_overlay {
    item_t *items;
    uint32_t count, capacity;
    uint64_t version;
};

gops_overlay_t *gops_overlay_create(void)
{
    return calloc(1, sizeof(gops_overlay_t));
}

void gops_overlay_destroy(gops_overlay_t *o)
{
    if (!o) return;
    for (uint32_t i = 0; i < o->count; i++) free(o->items[i].pts);
    free(o->items);
    free(o);
}

static int32_t find(const gops_overlay_t *o, item_kind_t kind, const char *name)
{
    for (uint32_t i = 0; i < o->count; i++)
        if (o->items[i].kind == kind && strcmp(o->items[i].name, name) == 0) return (int32_t)i;
    return -1;
}

static const char *kind_name(item_kind_t k)
{
    return k == ITEM_CLOSURE ? "closed area" : k == ITEM_BARRIER ? "barrier" : "one-way section";
}

// Appends an item (a copy of the points); the caller has checked the name is free.
static gops_status_t push(gops_overlay_t *o, item_kind_t kind, const char *name, const gops_point_t *pts,
                          uint32_t count, double dx, double dy, gops_error_t *err)
{
    if (!name || !name[0] || strlen(name) >= sizeof o->items[0].name)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: name: expected 1..63 bytes", kind_name(kind));
    for (uint32_t i = 0; i < count; i++)
        if (!isfinite(pts[i].x) || !isfinite(pts[i].y))
            return gops_error_set(err, GOPS_BAD_VALUE, "%s \"%s\": point %u is not finite", kind_name(kind), name, i + 1);
    if (o->count == o->capacity) {
        uint32_t cap = o->capacity ? o->capacity * 2 : 8;
        item_t *grown = realloc(o->items, cap * sizeof *grown);
        if (!grown) return gops_error_set(err, GOPS_NOMEM, "out of memory for %s \"%s\"", kind_name(kind), name);
        o->items = grown;
        o->capacity = cap;
    }
    gops_point_t *copy = malloc(count * sizeof *copy);
    if (!copy) return gops_error_set(err, GOPS_NOMEM, "out of memory for %s \"%s\"", kind_name(kind), name);
    memcpy(copy, pts, count * sizeof *copy);
    item_t *it = &o->items[o->count++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    snprintf(it->name, sizeof it->name, "%s", name);
    it->pts = copy;
    it->count = count;
    it->dx = dx;
    it->dy = dy;
    o->version++;
    return GOPS_OK;
}

static bool drop(gops_overlay_t *o, item_kind_t kind, const char *name)
{
    int32_t k = find(o, kind, name);
    if (k < 0) return false;
    free(o->items[k].pts);
    memmove(&o->items[k], &o->items[k + 1], (o->count - (uint32_t)k - 1) * sizeof *o->items);
    o->count--;
    o->version++;
    return true;
}

gops_status_t gops_overlay_close_area(gops_overlay_t *o, const char *name, const gops_point_t *ring, uint32_t count,
                                      gops_error_t *err)
{
    if (name && find(o, ITEM_CLOSURE, name) >= 0)
        return gops_error_set(err, GOPS_BAD_VALUE, "closed area \"%s\" is already closed (reopen it first)", name);
    if (count < 3) return gops_error_set(err, GOPS_BAD_VALUE, "closed area: expected at least 3 points, found %u", count);
    return push(o, ITEM_CLOSURE, name, ring, count, 0, 0, err);
}

bool gops_overlay_reopen_area(gops_overlay_t *o, const char *name) { return drop(o, ITEM_CLOSURE, name); }

gops_status_t gops_overlay_add_barrier(gops_overlay_t *o, const char *name, gops_point_t a, gops_point_t b,
                                       gops_error_t *err)
{
    if (name && find(o, ITEM_BARRIER, name) >= 0)
        return gops_error_set(err, GOPS_BAD_VALUE, "barrier \"%s\" already stands (remove it first)", name);
    if (a.x == b.x && a.y == b.y)
        return gops_error_set(err, GOPS_BAD_VALUE, "barrier: its two end points are the same; expected a segment");
    gops_point_t ends[2] = {a, b};
    return push(o, ITEM_BARRIER, name, ends, 2, 0, 0, err);
}

bool gops_overlay_remove_barrier(gops_overlay_t *o, const char *name) { return drop(o, ITEM_BARRIER, name); }

gops_status_t gops_overlay_set_one_way(gops_overlay_t *o, const char *name, const gops_point_t *ring, uint32_t count,
                                       double dx, double dy, gops_error_t *err)
{
    double n = sqrt(dx * dx + dy * dy);
    if (!(n > 0) || !isfinite(n))
        return gops_error_set(err, GOPS_BAD_VALUE, "one-way section: direction (%g, %g): expected a non-zero vector", dx,
                              dy);
    if (count < 3)
        return gops_error_set(err, GOPS_BAD_VALUE, "one-way section: expected at least 3 points, found %u", count);
    if (name) drop(o, ITEM_ONE_WAY, name); // replaced (the version moves on twice: harmless)
    return push(o, ITEM_ONE_WAY, name, ring, count, dx / n, dy / n, err);
}

bool gops_overlay_clear_one_way(gops_overlay_t *o, const char *name) { return drop(o, ITEM_ONE_WAY, name); }
bool gops_overlay_has_one_way(const gops_overlay_t *o, const char *name) { return o && find(o, ITEM_ONE_WAY, name) >= 0; }

uint64_t gops_overlay_version(const gops_overlay_t *o) { return o ? o->version : 0; }

static uint32_t count_kind(const gops_overlay_t *o, item_kind_t kind)
{
    uint32_t n = 0;
    for (uint32_t i = 0; o && i < o->count; i++) n += o->items[i].kind == kind;
    return n;
}

uint32_t gops_overlay_closures(const gops_overlay_t *o) { return count_kind(o, ITEM_CLOSURE); }
uint32_t gops_overlay_barriers(const gops_overlay_t *o) { return count_kind(o, ITEM_BARRIER); }
uint32_t gops_overlay_one_ways(const gops_overlay_t *o) { return count_kind(o, ITEM_ONE_WAY); }

void gops_overlay_barrier(const gops_overlay_t *o, uint32_t i, gops_point_t *a, gops_point_t *b)
{
    for (uint32_t k = 0; k < o->count; k++) {
        if (o->items[k].kind != ITEM_BARRIER) continue;
        if (i-- == 0) {
            *a = o->items[k].pts[0];
            *b = o->items[k].pts[1];
            return;
        }
    }
    GOPS_ASSERT(!"barrier index out of range");
}

// ---- rasterising ------------------------------------------------------------------------

// Calls mark(cell id) for every walkable cell whose centre lies in the ring, scanning only
// the ring's bounding box.
static void each_cell_in_ring(const gops_walkable_t *w, const item_t *it, void (*mark)(void *, uint32_t, uint32_t),
                              void *user)
{
    gops_path_t ring = {it->pts, it->count};
    gops_polygon_t poly = {&ring, 1};
    double x0, y0, x1, y1;
    if (!gops_path_bounds(&ring, &x0, &y0, &x1, &y1)) return;
    int64_t cx0 = (int64_t)floor((x0 - w->min_x) / w->cell), cx1 = (int64_t)floor((x1 - w->min_x) / w->cell);
    int64_t cy0 = (int64_t)floor((y0 - w->min_y) / w->cell), cy1 = (int64_t)floor((y1 - w->min_y) / w->cell);
    if (cx0 < 0) cx0 = 0;
    if (cy0 < 0) cy0 = 0;
    if (cx1 >= w->nx) cx1 = w->nx - 1;
    if (cy1 >= w->ny) cy1 = w->ny - 1;
    for (int64_t cy = cy0; cy <= cy1; cy++)
        for (int64_t cx = cx0; cx <= cx1; cx++) {
            uint32_t cell = (uint32_t)(cy * w->nx + cx);
            if (!gops_walkable_is_set(w, cell)) continue;
            if (gops_polygon_contains(&poly, gops_walkable_centre(w, cell))) mark(user, cell, gops_walkable_index(w, cell));
        }
}

typedef struct marker {
    const gops_walkable_t *w;
    gops_overlay_masks_t *m;
    uint8_t bit;   ///< blocked reason
    uint8_t may;   ///< one-way bits
} marker_t;

static void mark_blocked(void *user, uint32_t cell, uint32_t idx)
{
    marker_t *mk = user;
    if (!mk->m->blocked[idx]) mk->m->blocked_count++;
    mk->m->blocked[idx] |= mk->bit;
    mk->m->cell_bits[cell >> 6] |= 1ull << (cell & 63);
}

static void mark_one_way(void *user, uint32_t cell, uint32_t idx)
{
    (void)cell;
    marker_t *mk = user;
    if (!mk->m->allowed[idx]) mk->m->one_way_count++;
    mk->m->allowed[idx] = mk->may;
}

static void mark_cell(const gops_walkable_t *w, marker_t *mk, int64_t cx, int64_t cy)
{
    if (cx < 0 || cy < 0 || cx >= w->nx || cy >= w->ny) return;
    uint32_t cell = (uint32_t)(cy * w->nx + cx);
    if (gops_walkable_is_set(w, cell)) mark_blocked(mk, cell, gops_walkable_index(w, cell));
}

// Every cell the segment touches (a supercover traversal): where it passes exactly through
// a corner, both cells beside the corner too, so the marked cells are 4-connected and
// neither the fields (4-neighbour) nor the walk (which needs both cells beside a corner)
// can slip through between two diagonal cells.
static void mark_segment(const gops_walkable_t *w, marker_t *mk, gops_point_t a, gops_point_t b)
{
    double fx = (a.x - w->min_x) / w->cell, fy = (a.y - w->min_y) / w->cell;
    double gx = (b.x - w->min_x) / w->cell, gy = (b.y - w->min_y) / w->cell;
    int64_t cx = (int64_t)floor(fx), cy = (int64_t)floor(fy), ex = (int64_t)floor(gx), ey = (int64_t)floor(gy);
    double dx = gx - fx, dy = gy - fy;
    int64_t sx = ex > cx ? 1 : -1, sy = ey > cy ? 1 : -1;
    double tx = INFINITY, ty = INFINITY, tdx = INFINITY, tdy = INFINITY;
    if (dx != 0) {
        tx = ((double)(sx > 0 ? cx + 1 : cx) - fx) / dx;
        tdx = 1.0 / fabs(dx);
    }
    if (dy != 0) {
        ty = ((double)(sy > 0 ? cy + 1 : cy) - fy) / dy;
        tdy = 1.0 / fabs(dy);
    }
    mark_cell(w, mk, cx, cy);
    // Steps only toward the end cell, so it ends there after |ex-cx| + |ey-cy| moves.
    while (cx != ex || cy != ey) {
        bool step_x = cx != ex && (cy == ey || tx < ty);
        bool step_y = cy != ey && (cx == ex || ty < tx);
        if (!step_x && !step_y) { // through a corner
            mark_cell(w, mk, cx + sx, cy);
            mark_cell(w, mk, cx, cy + sy);
            step_x = step_y = true;
        }
        if (step_x) cx += sx, tx += tdx;
        if (step_y) cy += sy, ty += tdy;
        mark_cell(w, mk, cx, cy);
    }
}

// The axis directions allowed by a rule along the unit vector (dx, dy).
static uint8_t allowed_bits(double dx, double dy)
{
    double s = sin(GOPS_OVERLAY_ONE_WAY_MARGIN_DEG * 3.14159265358979323846 / 180.0);
    uint8_t may = 0;
    if (dx > s) may |= GOPS_FIELD_MAY_EAST;
    if (dx < -s) may |= GOPS_FIELD_MAY_WEST;
    if (dy > s) may |= GOPS_FIELD_MAY_NORTH;
    if (dy < -s) may |= GOPS_FIELD_MAY_SOUTH;
    return may; // never 0 for a unit vector: one component exceeds sin(45°) > s
}

void gops_overlay_masks_free(gops_overlay_masks_t *m)
{
    free(m->blocked);
    free(m->allowed);
    free(m->cell_bits);
    memset(m, 0, sizeof *m);
}

gops_status_t gops_overlay_rasterise(const gops_overlay_t *o, const gops_walkable_t *w, gops_overlay_masks_t *out,
                                     gops_error_t *err)
{
    memset(out, 0, sizeof *out);
    uint32_t blocking = gops_overlay_closures(o) + gops_overlay_barriers(o), one_way = gops_overlay_one_ways(o);
    size_t words = ((size_t)w->nx * (size_t)w->ny + 63) / 64;
    if (blocking) {
        out->blocked = calloc(w->count ? w->count : 1, 1);
        out->cell_bits = calloc(words ? words : 1, sizeof *out->cell_bits);
    }
    if (one_way) out->allowed = calloc(w->count ? w->count : 1, 1);
    if ((blocking && (!out->blocked || !out->cell_bits)) || (one_way && !out->allowed)) {
        gops_overlay_masks_free(out);
        return gops_error_set(err, GOPS_NOMEM, "out of memory rasterising crowd closures and rules");
    }
    marker_t mk = {.w = w, .m = out};
    for (int pass = 0; pass < 3; pass++)
        for (uint32_t i = 0; i < o->count; i++) {
            const item_t *it = &o->items[i];
            if (pass == 0 && it->kind == ITEM_CLOSURE) {
                mk.bit = GOPS_OVERLAY_CLOSED;
                each_cell_in_ring(w, it, mark_blocked, &mk);
            } else if (pass == 1 && it->kind == ITEM_BARRIER) {
                mk.bit = GOPS_OVERLAY_BARRIER;
                mark_segment(w, &mk, it->pts[0], it->pts[1]);
            } else if (pass == 2 && it->kind == ITEM_ONE_WAY) {
                mk.may = allowed_bits(it->dx, it->dy);
                each_cell_in_ring(w, it, mark_one_way, &mk);
            }
        }
    return GOPS_OK;
}

// ---- checkpoints (crowd_checkpoint.h) ----------------------------------------------------

void gops_overlay_save(const gops_overlay_t *o, gops_ckpt_writer_t *w)
{
    gops_ckpt_put_u64(w, "overlay.version", o->version);
    GOPS_CKPT_PUT_ARRAY(w, "overlay.items", o->items, o->count);
    for (uint32_t i = 0; i < o->count; i++) GOPS_CKPT_PUT_ARRAY(w, "overlay.points", o->items[i].pts, o->items[i].count);
}

void gops_overlay_load(gops_overlay_t *o, gops_ckpt_reader_t *r)
{
    uint64_t version = gops_ckpt_get_u64(r, "overlay.version");
    uint64_t n = gops_ckpt_peek_count(r, "overlay.items");
    item_t *items = gops_ckpt_get_alloc(r, "overlay.items", sizeof *items, n, n);
    if (!items) return;
    for (uint64_t i = 0; i < n; i++) {
        items[i].pts = NULL; // the saved pointer means nothing here
        if (gops_ckpt_failed(r)) {
            items[i].count = 0;
            continue;
        }
        items[i].name[sizeof items[i].name - 1] = '\0';
        GOPS_CKPT_LOAD_ARRAY(r, "overlay.points", items[i].pts, items[i].count, items[i].count);
    }
    for (uint32_t i = 0; i < o->count; i++) free(o->items[i].pts);
    free(o->items);
    o->items = items;
    o->count = o->capacity = (uint32_t)n;
    o->version = version;
}
