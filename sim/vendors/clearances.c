// SPDX-License-Identifier: MIT
// Areas cleared of street vendors (a summit's perimeter, a security zone): the rings, and
// which pitch sites and guidance points they cover. A site is covered when any of its pitch
// cells is (a cart could otherwise stand inside); a point when its centre or any stall is.
// What vendors do about it is mobile.c's and licensees.c's; this file only answers "is it
// cleared".
//
// Ordering: areas by id; coverage is recomputed over all active areas whenever one is
// cleared or reopened, so the flags never depend on the order of those calls.
#include "vendors/vendors_internal.h"

#include "world/geometry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/// Most points of one ring: a perimeter drawn by hand, not a coastline.
#define RING_MAX 10000

static bool in_active(const gops_vendors_t *v, gops_point_t p)
{
    for (uint32_t a = 0; a < v->area_count; a++)
        if (v->areas[a].active && gops_ring_locate(&v->areas[a].ring, p, 0.0) != GOPS_LOC_OUTSIDE) return true;
    return false;
}

bool gops_vendors_in_cleared(const gops_vendors_t *v, gops_point_t p)
{
    return v->site_cleared && in_active(v, p);
}

/// Recomputes the site and point flags from the active areas.
static void cover(gops_vendors_t *v)
{
    const gops_walkable_t *w = v->district->walk;
    for (uint32_t k = 0; k < v->sites.count; k++) {
        const gops_site_t *s = &v->sites.sites[k];
        bool hit = false;
        for (uint32_t c = 0; c < s->cell_count && !hit; c++)
            hit = in_active(v, gops_walkable_centre(w, w->cells[v->sites.cells[s->first_cell + c]]));
        v->site_cleared[k] = hit;
    }
    for (uint32_t k = 0; k < v->stalls.point_count; k++) {
        const gops_guidance_point_t *gp = &v->stalls.points[k];
        bool hit = in_active(v, gp->at);
        for (uint32_t j = 0; j < gp->stall_count && !hit; j++) hit = in_active(v, v->stalls.stalls[gp->first_stall + j].at);
        v->point_cleared[k] = hit;
    }
}

gops_status_t gops_vendors_clear_area(gops_vendors_t *v, const gops_point_t *ring, uint32_t count, uint32_t *id,
                                      gops_error_t *err)
{
    if (count < 3 || count > RING_MAX)
        return gops_error_set(err, GOPS_BAD_VALUE, "clear vendors: an area needs 3 to %d points, found %u", RING_MAX, count);
    for (uint32_t i = 0; i < count; i++)
        if (!isfinite(ring[i].x) || !isfinite(ring[i].y) || fabs(ring[i].x) > GOPS_MAP_MAX_EXTENT_M ||
            fabs(ring[i].y) > GOPS_MAP_MAX_EXTENT_M)
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "clear vendors: point %u (%g, %g) m is not a finite point within %g m of the origin",
                                  i + 1, ring[i].x, ring[i].y, GOPS_MAP_MAX_EXTENT_M);
    if (v->area_count == GOPS_VENDORS_AREA_MAX)
        return gops_error_set(err, GOPS_BAD_VALUE, "clear vendors: %d areas cleared already (reopened ones count): at most %d",
                              GOPS_VENDORS_AREA_MAX, GOPS_VENDORS_AREA_MAX);
    if (!v->site_cleared) {
        v->site_cleared = calloc(v->sites.count ? v->sites.count : 1, 1);
        v->point_cleared = calloc(v->stalls.point_count ? v->stalls.point_count : 1, 1);
        if (!v->site_cleared || !v->point_cleared) {
            free(v->site_cleared), free(v->point_cleared);
            v->site_cleared = v->point_cleared = NULL;
            return gops_error_set(err, GOPS_NOMEM, "clear vendors: out of memory");
        }
    }
    gops_point_t *pts = malloc(count * sizeof *pts);
    if (!pts) return gops_error_set(err, GOPS_NOMEM, "clear vendors: out of memory");
    memcpy(pts, ring, count * sizeof *pts);
    gops_vendors_area_t *a = &v->areas[v->area_count++];
    a->ring = (gops_path_t){pts, count};
    a->active = true;
    cover(v);
    if (id) *id = v->area_count;
    return GOPS_OK;
}

gops_status_t gops_vendors_reopen_area(gops_vendors_t *v, uint32_t id, gops_error_t *err)
{
    if (id == 0 || id > v->area_count)
        return v->area_count ? gops_error_set(err, GOPS_BAD_VALUE, "reopen vendors: no cleared area %u (ids so far: 1 to %u)",
                                              id, v->area_count)
                             : gops_error_set(err, GOPS_BAD_VALUE, "reopen vendors: no cleared area %u (none so far)", id);
    gops_vendors_area_t *a = &v->areas[id - 1];
    if (!a->active) return gops_error_set(err, GOPS_BAD_VALUE, "reopen vendors: area %u is open already", id);
    a->active = false;
    cover(v);
    return GOPS_OK;
}

bool gops_vendors_site_cleared(const gops_vendors_t *v, uint32_t site)
{
    return v->site_cleared && site < v->sites.count && v->site_cleared[site];
}

bool gops_vendors_point_cleared(const gops_vendors_t *v, uint32_t point)
{
    return v->point_cleared && point < v->stalls.point_count && v->point_cleared[point];
}

void gops_vendors_areas_hash(const gops_vendors_t *v, gops_hash_t *h)
{
    gops_hash_u64(h, v->area_count);
    for (uint32_t a = 0; a < v->area_count; a++) {
        gops_hash_u64(h, v->areas[a].active);
        gops_hash_u64(h, v->areas[a].ring.count);
        for (uint32_t i = 0; i < v->areas[a].ring.count; i++) {
            gops_hash_f64(h, v->areas[a].ring.pts[i].x);
            gops_hash_f64(h, v->areas[a].ring.pts[i].y);
        }
    }
}

void gops_vendors_areas_free(gops_vendors_t *v)
{
    for (uint32_t a = 0; a < v->area_count; a++) free(v->areas[a].ring.pts);
    v->area_count = 0;
    free(v->site_cleared);
    free(v->point_cleared);
    v->site_cleared = v->point_cleared = NULL;
}
