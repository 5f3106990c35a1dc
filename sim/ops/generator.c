// SPDX-License-Identifier: MIT
// Incident arrivals and location models (see generator.h).
// Low points: the map carries no heights, so we take road nodes where three or more roads
// meet as the places where kerb drains overload first (flows from several streets meet);
// a map with surveyed low points would replace this list.
// Ordering: candidate lists are built in feature order, then walkable-index order; arrivals
// are reported per type in type order.
#include "ops/generator.h"

#include "world/geometry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/// Radii (m) of the areas around anchor points that location models draw from (assumed).
#define CROWD_EXIT_RADIUS_M 20.0
#define VENDOR_RADIUS_M 40.0
#define NONMOTOR_RADIUS_M 25.0

typedef struct cell_list {
    uint32_t *items;
    uint32_t count, cap;
    bool failed;
} cell_list_t;

static void list_add(cell_list_t *l, uint32_t v)
{
    if (l->failed) return;
    if (l->count == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 256;
        uint32_t *bigger = realloc(l->items, cap * sizeof *bigger);
        if (!bigger) {
            l->failed = true;
            return;
        }
        l->items = bigger;
        l->cap = cap;
    }
    l->items[l->count++] = v;
}

/// Marks walkable cells within r of p in `mark` (by walkable index).
static void mark_disc(const gops_walkable_t *w, gops_point_t p, double r, uint8_t *mark)
{
    int32_t cx0 = (int32_t)floor((p.x - r - w->min_x) / w->cell), cx1 = (int32_t)floor((p.x + r - w->min_x) / w->cell);
    int32_t cy0 = (int32_t)floor((p.y - r - w->min_y) / w->cell), cy1 = (int32_t)floor((p.y + r - w->min_y) / w->cell);
    if (cx0 < 0) cx0 = 0;
    if (cy0 < 0) cy0 = 0;
    if (cx1 >= w->nx) cx1 = w->nx - 1;
    if (cy1 >= w->ny) cy1 = w->ny - 1;
    for (int32_t cy = cy0; cy <= cy1; cy++)
        for (int32_t cx = cx0; cx <= cx1; cx++) {
            uint32_t cell = (uint32_t)cy * (uint32_t)w->nx + (uint32_t)cx;
            if (!gops_walkable_is_set(w, cell)) continue;
            gops_point_t c = gops_walkable_centre(w, cell);
            if (hypot(c.x - p.x, c.y - p.y) <= r) mark[gops_walkable_index(w, cell)] = 1;
        }
}

/// Marks walkable cells whose centre lies in polygon `poly`.
static void mark_polygon(const gops_walkable_t *w, const gops_polygon_t *poly, uint8_t *mark)
{
    if (poly->ring_count == 0) return;
    const gops_path_t *r = &poly->rings[0];
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (uint32_t i = 0; i < r->count; i++) {
        x0 = fmin(x0, r->pts[i].x), x1 = fmax(x1, r->pts[i].x);
        y0 = fmin(y0, r->pts[i].y), y1 = fmax(y1, r->pts[i].y);
    }
    int32_t cx0 = (int32_t)floor((x0 - w->min_x) / w->cell), cx1 = (int32_t)floor((x1 - w->min_x) / w->cell);
    int32_t cy0 = (int32_t)floor((y0 - w->min_y) / w->cell), cy1 = (int32_t)floor((y1 - w->min_y) / w->cell);
    if (cx0 < 0) cx0 = 0;
    if (cy0 < 0) cy0 = 0;
    if (cx1 >= w->nx) cx1 = w->nx - 1;
    if (cy1 >= w->ny) cy1 = w->ny - 1;
    for (int32_t cy = cy0; cy <= cy1; cy++)
        for (int32_t cx = cx0; cx <= cx1; cx++) {
            uint32_t cell = (uint32_t)cy * (uint32_t)w->nx + (uint32_t)cx;
            if (!gops_walkable_is_set(w, cell)) continue;
            if (gops_polygon_contains(poly, gops_walkable_centre(w, cell))) mark[gops_walkable_index(w, cell)] = 1;
        }
}

static bool collect(const gops_walkable_t *w, const uint8_t *mark, uint32_t **out, uint32_t *count)
{
    cell_list_t l = {0};
    for (uint32_t i = 0; i < w->count; i++)
        if (mark[i]) list_add(&l, i);
    if (l.failed) {
        free(l.items);
        return false;
    }
    *out = l.items;
    *count = l.count;
    return true;
}

static bool is_mall_entrance(const gops_map_t *m, const gops_feature_t *f)
{
    if (f->kind != GOPS_FEAT_ENTRANCE) return false;
    int32_t b = f->u.entrance.building;
    return b >= 0 && (uint32_t)b < m->feature_count && m->features[b].kind == GOPS_FEAT_BUILDING &&
           m->features[b].u.building.category == GOPS_BUILDING_MALL;
}

static gops_status_t build_cells(gops_generator_t *g, gops_error_t *err)
{
    const gops_map_t *m = g->district->map;
    const gops_walkable_t *w = g->district->walk;
    if (!w || w->count == 0) return GOPS_OK;
    uint8_t *mark = calloc(w->count, 1);
    if (!mark) return gops_error_set(err, GOPS_NOMEM, "out of memory building incident location lists");
    bool ok = true;

    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        if (f->kind == GOPS_FEAT_PLAZA || f->kind == GOPS_FEAT_PEDESTRIAN_STREET) mark_polygon(w, &f->shape, mark);
        if (f->kind == GOPS_FEAT_TRANSIT &&
            (f->u.transit.mode == GOPS_TRANSIT_METRO_EXIT || f->u.transit.mode == GOPS_TRANSIT_RAIL_STATION))
            mark_disc(w, f->at, CROWD_EXIT_RADIUS_M, mark);
    }
    ok = ok && collect(w, mark, &g->crowd_cells, &g->crowd_count);

    memset(mark, 0, w->count);
    for (uint32_t i = 0; i < m->feature_count; i++)
        if (m->features[i].kind == GOPS_FEAT_VENDOR_POINT) mark_disc(w, m->features[i].at, VENDOR_RADIUS_M, mark);
    ok = ok && collect(w, mark, &g->vendor_cells, &g->vendor_count);

    memset(mark, 0, w->count);
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        bool anchor = is_mall_entrance(m, f) ||
                      (f->kind == GOPS_FEAT_TRANSIT &&
                       (f->u.transit.mode == GOPS_TRANSIT_METRO_EXIT || f->u.transit.mode == GOPS_TRANSIT_BUS_STOP));
        if (anchor) mark_disc(w, f->at, NONMOTOR_RADIUS_M, mark);
    }
    ok = ok && collect(w, mark, &g->nonmotor_cells, &g->nonmotor_count);
    free(mark);
    return ok ? GOPS_OK : gops_error_set(err, GOPS_NOMEM, "out of memory building incident location lists");
}

static gops_status_t build_points(gops_generator_t *g, gops_error_t *err)
{
    const gops_map_t *m = g->district->map;
    const gops_road_graph_t *rg = g->district->roads;
    uint32_t ne = 0, nr = 0;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        if (is_mall_entrance(m, &m->features[i])) ne++;
        if (m->features[i].kind == GOPS_FEAT_ROAD) nr++;
    }
    uint32_t nj = 0, nl = 0;
    if (rg)
        for (uint32_t i = 0; i < rg->node_count; i++) {
            if (rg->nodes[i].road_count >= 2) nj++;
            if (rg->nodes[i].road_count >= 3) nl++;
        }
    g->entrances = malloc((ne ? ne : 1) * sizeof *g->entrances);
    g->junctions = malloc((nj ? nj : 1) * sizeof *g->junctions);
    g->low_points = malloc((nl ? nl : 1) * sizeof *g->low_points);
    g->roads = malloc((nr ? nr : 1) * sizeof *g->roads);
    g->road_cum = malloc((nr + 1) * sizeof *g->road_cum);
    if (!g->entrances || !g->junctions || !g->low_points || !g->roads || !g->road_cum)
        return gops_error_set(err, GOPS_NOMEM, "out of memory building incident location lists");
    for (uint32_t i = 0; i < m->feature_count; i++)
        if (is_mall_entrance(m, &m->features[i])) g->entrances[g->entrance_count++] = m->features[i].at;
    if (rg)
        for (uint32_t i = 0; i < rg->node_count; i++) {
            if (rg->nodes[i].road_count >= 2) g->junctions[g->junction_count++] = rg->nodes[i].at;
            if (rg->nodes[i].road_count >= 3) g->low_points[g->low_count++] = rg->nodes[i].at;
        }
    g->road_cum[0] = 0;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        if (f->kind != GOPS_FEAT_ROAD) continue;
        double len = 0;
        for (uint32_t k = 0; k + 1 < f->u.road.line.count; k++)
            len += hypot(f->u.road.line.pts[k + 1].x - f->u.road.line.pts[k].x,
                         f->u.road.line.pts[k + 1].y - f->u.road.line.pts[k].y);
        if (!(len > 0)) continue;
        g->roads[g->road_count] = i;
        g->road_cum[g->road_count + 1] = g->road_cum[g->road_count] + len;
        g->road_count++;
    }
    return GOPS_OK;
}

gops_status_t gops_generator_init(gops_generator_t *g, const gops_district_t *district, gops_rng_t *rngs,
                                  gops_error_t *err)
{
    memset(g, 0, sizeof *g);
    g->district = district;
    for (int t = 0; t < GOPS_ITYPE_COUNT; t++) g->hazard_target[t] = gops_rng_exponential(&rngs[t], 1.0);
    if (!district || !district->map) return GOPS_OK;
    const gops_map_t *m = district->map;
    g->fallback = (gops_point_t){0.5 * (m->min_x + m->max_x), 0.5 * (m->min_y + m->max_y)};
    gops_status_t st = build_cells(g, err);
    if (st == GOPS_OK) st = build_points(g, err);
    if (st != GOPS_OK) gops_generator_free(g);
    return st;
}

void gops_generator_free(gops_generator_t *g)
{
    free(g->crowd_cells);
    free(g->vendor_cells);
    free(g->nonmotor_cells);
    free(g->entrances);
    free(g->junctions);
    free(g->low_points);
    free(g->roads);
    free(g->road_cum);
    g->crowd_cells = g->vendor_cells = g->nonmotor_cells = NULL;
    g->entrances = g->junctions = g->low_points = NULL;
    g->roads = NULL;
    g->road_cum = NULL;
    g->crowd_count = g->vendor_count = g->nonmotor_count = 0;
    g->entrance_count = g->junction_count = g->low_count = g->road_count = 0;
}

/// A uniformly random point inside walkable cell `wi` (by walkable index).
static gops_point_t in_cell(const gops_walkable_t *w, uint32_t wi, gops_rng_t *rng)
{
    gops_point_t c = gops_walkable_centre(w, w->cells[wi]);
    double jx = gops_rng_range(rng, -0.5, 0.5), jy = gops_rng_range(rng, -0.5, 0.5);
    return (gops_point_t){c.x + jx * w->cell, c.y + jy * w->cell};
}

static gops_point_t from_cells(const gops_generator_t *g, const uint32_t *cells, uint32_t n, gops_rng_t *rng)
{
    const gops_walkable_t *w = g->district ? g->district->walk : NULL;
    if (!w || w->count == 0) return g->fallback;
    if (n == 0) return in_cell(w, (uint32_t)gops_rng_below(rng, w->count), rng);
    return in_cell(w, cells[gops_rng_below(rng, n)], rng);
}

/// A point along the road network, uniformly by length: at the kerb on a random side
/// (`kerb`), or anywhere across the carriageway.
static gops_point_t on_road(const gops_generator_t *g, gops_rng_t *rng, bool kerb)
{
    if (g->road_count == 0) return from_cells(g, NULL, 0, rng);
    double s = gops_rng_uniform(rng) * g->road_cum[g->road_count];
    double side = gops_rng_uniform(rng) < 0.5 ? -1.0 : 1.0;
    double jitter = gops_rng_uniform(rng);
    uint32_t lo = 0, hi = g->road_count - 1;
    while (lo < hi) { // the road whose cumulative range holds s
        uint32_t mid = (lo + hi) / 2;
        if (g->road_cum[mid + 1] <= s) lo = mid + 1;
        else hi = mid;
    }
    const gops_feature_t *f = &g->district->map->features[g->roads[lo]];
    const gops_road_t *r = &f->u.road;
    double along = s - g->road_cum[lo];
    for (uint32_t k = 0; k + 1 < r->line.count; k++) {
        gops_point_t a = r->line.pts[k], b = r->line.pts[k + 1];
        double len = hypot(b.x - a.x, b.y - a.y);
        if (along <= len || k + 2 == r->line.count) {
            double f01 = len > 0 ? fmin(along / len, 1.0) : 0.0;
            double ux = len > 0 ? (b.x - a.x) / len : 1.0, uy = len > 0 ? (b.y - a.y) / len : 0.0;
            // Kerbside: just beyond the carriageway and non-motor lane, on the sidewalk's
            // inner edge; on the road: anywhere across the carriageway.
            double off = kerb ? 0.5 * r->width_m + r->nonmotor_m + 0.75 : (jitter - 0.5) * r->width_m;
            if (kerb) off *= side;
            return (gops_point_t){a.x + f01 * (b.x - a.x) - uy * off, a.y + f01 * (b.y - a.y) + ux * off};
        }
        along -= len;
    }
    return r->line.pts[0];
}

static gops_point_t jitter_point(gops_point_t p, double r, gops_rng_t *rng)
{
    double jx = gops_rng_range(rng, -r, r), jy = gops_rng_range(rng, -r, r);
    return (gops_point_t){p.x + jx, p.y + jy};
}

gops_point_t gops_generator_point(const gops_generator_t *g, gops_location_model_t model, gops_rng_t *rng)
{
    switch (model) {
    case GOPS_WHERE_CROWD: return from_cells(g, g->crowd_cells, g->crowd_count, rng);
    case GOPS_WHERE_VENDOR:
        // Half at the guidance points' surroundings, half where crowds are (mobile vendors
        // follow customers).
        if (gops_rng_uniform(rng) < 0.5 && g->vendor_count) return from_cells(g, g->vendor_cells, g->vendor_count, rng);
        return from_cells(g, g->crowd_cells, g->crowd_count, rng);
    case GOPS_WHERE_CURB: return on_road(g, rng, true);
    case GOPS_WHERE_NONMOTOR: return from_cells(g, g->nonmotor_cells, g->nonmotor_count, rng);
    case GOPS_WHERE_ROAD:
        if (gops_rng_uniform(rng) < 0.5 && g->junction_count)
            return jitter_point(g->junctions[gops_rng_below(rng, g->junction_count)], 8.0, rng);
        return on_road(g, rng, false);
    case GOPS_WHERE_LOW_POINT:
        if (g->low_count) return jitter_point(g->low_points[gops_rng_below(rng, g->low_count)], 10.0, rng);
        return on_road(g, rng, false);
    case GOPS_WHERE_UNDER_ROAD: return on_road(g, rng, false);
    case GOPS_WHERE_ENTRANCE:
        if (g->entrance_count) return jitter_point(g->entrances[gops_rng_below(rng, g->entrance_count)], 3.0, rng);
        return from_cells(g, NULL, 0, rng);
    default: return from_cells(g, NULL, 0, rng);
    }
}

void gops_generator_arrivals(gops_generator_t *g, const gops_incident_type_t types[GOPS_ITYPE_COUNT], gops_mode_t mode,
                             gops_local_time_t start, double t0, double t1, double rain_mm_h, gops_rng_t *rngs,
                             gops_arrival_fn *fn, void *user)
{
    for (int k = 0; k < GOPS_ITYPE_COUNT; k++) {
        double t = t0;
        while (t < t1) {
            // Split at the next local hour boundary: rates are constant within an hour.
            double local = (double)start + t;
            double hour_end = (floor(local / 3600.0) + 1.0) * 3600.0 - (double)start;
            double seg_end = fmin(t1, hour_end);
            int64_t sod = ((int64_t)floor(local)) % 86400;
            double rate = gops_incident_type_rate(&types[k], mode, sod, rain_mm_h) / 3600.0; // per s
            if (!(rate > 0)) {
                t = seg_end;
                continue;
            }
            for (;;) {
                double need = g->hazard_target[k] - g->hazard_acc[k];
                double have = rate * (seg_end - t);
                if (have <= need) {
                    g->hazard_acc[k] += have;
                    break;
                }
                double ta = t + need / rate;
                if (ta >= seg_end) ta = nextafter(seg_end, t); // rounding: keep it in this window
                t = ta;
                g->hazard_acc[k] = 0;
                g->hazard_target[k] = gops_rng_exponential(&rngs[k], 1.0);
                fn(user, (gops_itype_t)k, t);
            }
            t = seg_end;
        }
    }
}
