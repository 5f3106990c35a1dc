// SPDX-License-Identifier: MIT
// Guidance points and their stalls (see stalls.h): layout from the map, hours, queries.
// Ordering: points in map order, stalls of a point in lattice row order (south to north,
// west to east); every loop runs in index order.
#include "vendors/stalls.h"

#include "world/geometry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[GOPS_STALL_STATE_COUNT] = {"closed", "setup", "open", "packing", "shut"};

const char *gops_stall_state_name(gops_stall_state_t s)
{
    return (unsigned)s < GOPS_STALL_STATE_COUNT ? state_names[s] : "?";
}

bool gops_hours_contain(int32_t open_s, int32_t close_s, double sod)
{
    if (open_s < close_s) return sod >= open_s && sod < close_s;
    return sod >= open_s || sod < close_s; // past midnight
}

/// Inside test for the lattice: the polygon, or for a Point feature the disc around it.
typedef struct area {
    const gops_polygon_t *poly; ///< NULL for a disc
    gops_point_t c;
    double r;
} area_t;

static bool area_contains(const area_t *a, gops_point_t p)
{
    if (a->poly) return gops_polygon_contains(a->poly, p);
    double dx = p.x - a->c.x, dy = p.y - a->c.y;
    return dx * dx + dy * dy <= a->r * a->r;
}

/// Lattice points of spacing s inside the area, row order, written to out (cap entries);
/// returns the count (which may exceed cap: only the first cap are written).
static uint32_t lattice(const area_t *a, double x0, double y0, double x1, double y1, double s, gops_point_t *out,
                        uint32_t cap)
{
    uint32_t n = 0;
    int32_t nx = (int32_t)floor((x1 - x0) / s), ny = (int32_t)floor((y1 - y0) / s);
    // Centre the lattice in the bounding box so that symmetric shapes get symmetric layouts.
    double ox = x0 + 0.5 * ((x1 - x0) - nx * s), oy = y0 + 0.5 * ((y1 - y0) - ny * s);
    for (int32_t j = 0; j <= ny; j++)
        for (int32_t i = 0; i <= nx; i++) {
            gops_point_t p = {ox + i * s, oy + j * s};
            if (!area_contains(a, p)) continue;
            if (n < cap) out[n] = p;
            n++;
        }
    return n;
}

static gops_status_t layout(gops_stalls_t *s, gops_guidance_point_t *gp, const gops_feature_t *f, double spacing_max_m,
                            gops_error_t *err)
{
    area_t a = {.poly = NULL, .c = f->at, .r = 0};
    double x0, y0, x1, y1;
    uint32_t want = (uint32_t)f->u.vendor_point.stalls;
    if (f->shape.ring_count > 0) {
        a.poly = &f->shape;
        gops_path_bounds(&f->shape.rings[0], &x0, &y0, &x1, &y1);
    } else {
        a.r = sqrt(want * 6.0 / 3.141592653589793);
        x0 = f->at.x - a.r, x1 = f->at.x + a.r, y0 = f->at.y - a.r, y1 = f->at.y + a.r;
    }
    double spacing = 1.0;
    uint32_t count = 0;
    for (double sp = spacing_max_m; sp >= 1.0 - 1e-9; sp -= 0.25) {
        count = lattice(&a, x0, y0, x1, y1, sp, NULL, 0);
        spacing = sp;
        if (count >= want) break;
    }
    gops_point_t *pts = malloc((count ? count : 1) * sizeof *pts);
    if (!pts) return gops_error_set(err, GOPS_NOMEM, "vendors: out of memory laying out stalls");
    lattice(&a, x0, y0, x1, y1, spacing, pts, count);
    gp->spacing_m = spacing;
    for (uint32_t k = 0; k < want; k++) {
        gops_stall_t *st = &s->stalls[gp->first_stall + k];
        memset(st, 0, sizeof *st);
        // Evenly along the lattice when it has room to spare; a polygon too small for its
        // stalls even at 1 m puts the rest on the same points again (and at the centre when
        // it holds no lattice point at all).
        if (count >= want) st->at = pts[(uint64_t)(2 * k + 1) * count / (2 * (uint64_t)want)];
        else st->at = count ? pts[k % count] : f->at;
        st->point = (uint32_t)(gp - s->points);
        st->state = GOPS_STALL_CLOSED;
        st->occupant = st->licensee = GOPS_VENDORS_NONE;
        gops_queue_reset(&st->queue);
    }
    free(pts);
    return GOPS_OK;
}

gops_status_t gops_stalls_build(gops_stalls_t *s, const gops_map_t *map, double spacing_max_m, gops_error_t *err)
{
    memset(s, 0, sizeof *s);
    uint32_t points = 0, stalls = 0;
    for (uint32_t i = 0; i < map->feature_count; i++)
        if (map->features[i].kind == GOPS_FEAT_VENDOR_POINT) {
            points++;
            stalls += (uint32_t)map->features[i].u.vendor_point.stalls;
        }
    if (points == 0) return GOPS_OK;
    s->points = calloc(points, sizeof *s->points);
    s->stalls = calloc(stalls ? stalls : 1, sizeof *s->stalls);
    if (!s->points || !s->stalls) {
        gops_stalls_free(s);
        return gops_error_set(err, GOPS_NOMEM, "vendors: out of memory for %u guidance points", points);
    }
    for (uint32_t i = 0; i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind != GOPS_FEAT_VENDOR_POINT) continue;
        gops_guidance_point_t *gp = &s->points[s->point_count++];
        gp->feature = i;
        gp->at = f->at;
        gp->first_stall = s->stall_count;
        gp->stall_count = (uint32_t)f->u.vendor_point.stalls;
        gp->map_open_s = f->u.vendor_point.open_s;
        gp->map_close_s = f->u.vendor_point.close_s;
        gp->next_inspection_s = INFINITY;
        gops_status_t st = layout(s, gp, f, spacing_max_m, err);
        if (st != GOPS_OK) {
            gops_stalls_free(s);
            return st;
        }
        s->stall_count += gp->stall_count;
    }
    return GOPS_OK;
}

void gops_stalls_free(gops_stalls_t *s)
{
    free(s->points);
    free(s->stalls);
    memset(s, 0, sizeof *s);
}

uint32_t gops_stalls_free_at(const gops_stalls_t *s, uint32_t point)
{
    const gops_guidance_point_t *gp = &s->points[point];
    uint32_t n = 0;
    for (uint32_t k = 0; k < gp->stall_count; k++) {
        const gops_stall_t *st = &s->stalls[gp->first_stall + k];
        n += st->free_today && st->occupant == GOPS_VENDORS_NONE && st->state == GOPS_STALL_CLOSED;
    }
    return n;
}

uint32_t gops_stalls_first_free(const gops_stalls_t *s, uint32_t point)
{
    const gops_guidance_point_t *gp = &s->points[point];
    for (uint32_t k = 0; k < gp->stall_count; k++) {
        const gops_stall_t *st = &s->stalls[gp->first_stall + k];
        if (st->free_today && st->occupant == GOPS_VENDORS_NONE && st->state == GOPS_STALL_CLOSED)
            return gp->first_stall + k;
    }
    return GOPS_VENDORS_NONE;
}

uint32_t gops_stalls_occupied(const gops_stalls_t *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->stall_count; i++) {
        gops_stall_state_t st = s->stalls[i].state;
        n += st == GOPS_STALL_SETUP || st == GOPS_STALL_OPEN || st == GOPS_STALL_PACKING;
    }
    return n;
}

void gops_stalls_hash(const gops_stalls_t *s, gops_hash_t *h)
{
    gops_hash_u64(h, s->stall_count);
    for (uint32_t i = 0; i < s->stall_count; i++) {
        const gops_stall_t *st = &s->stalls[i];
        gops_hash_u64(h, (uint64_t)st->state);
        gops_hash_u64(h, st->occupant);
        gops_hash_u64(h, st->free_today);
        gops_hash_f64(h, st->t_next);
        gops_hash_f64(h, st->occupied_s);
        gops_queue_hash(&st->queue, h);
        gops_hash_bytes(h, st->rng.s, sizeof st->rng.s);
    }
    for (uint32_t p = 0; p < s->point_count; p++) {
        const gops_guidance_point_t *gp = &s->points[p];
        gops_hash_f64(h, gp->next_inspection_s);
        gops_hash_u64(h, gp->inspections);
        gops_hash_u64(h, gp->stalls_passed);
        gops_hash_bytes(h, gp->rng.s, sizeof gp->rng.s);
    }
}
