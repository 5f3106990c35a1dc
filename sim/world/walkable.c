// SPDX-License-Identifier: MIT
// Builds the walkable raster (walkable.h): layers painted into a scratch grid, packed into a
// bitmap with a rank index, labelled and anchored. Ordering rules: layers are painted road
// by road (sidewalks, then that road's carriageway cleared), then crossings, walkable
// polygons, buildings (cleared), each in feature order; components are numbered by their
// first cell in row-major order; anchors follow feature order.
#include "world/walkable.h"

#include "core/assert.h"
#include "world/road_graph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// While painting, each cell holds 0 (not walkable), 1 (walkable), JUNCTION_BOX or
// JUNCTION_RING (walkable only as part of a junction's crossing disc) or 2 + k (a sidewalk
// of the k-th road, pending the clearing of that road's own carriageway).
typedef struct raster {
    double min_x, min_y, cell;
    int32_t nx, ny;
    uint32_t *m;
} raster_t;

#define JUNCTION_BOX UINT32_MAX
#define JUNCTION_RING (UINT32_MAX - 1)

// How a shape is painted: cells equal to `only` (any cell when `any`) become `value`.
typedef struct brush {
    bool any;
    uint32_t only;
    uint32_t value;
} brush_t;

static inline void apply(uint32_t *cell, brush_t b)
{
    if (b.any || *cell == b.only) *cell = b.value;
}

gops_walkable_def_t gops_walkable_def_default(void)
{
    return (gops_walkable_def_t){.cell_m = 1.0, .snap_radius_m = 5.0, .crossing_margin_m = 2.0};
}

static double centre_x(const raster_t *r, int32_t cx) { return r->min_x + (cx + 0.5) * r->cell; }
static double centre_y(const raster_t *r, int32_t cy) { return r->min_y + (cy + 0.5) * r->cell; }

// Rows whose centre lies in [y0, y1] (inclusive, clamped); false when none.
static bool row_range(const raster_t *r, double y0, double y1, int32_t *lo, int32_t *hi)
{
    double a = ceil((y0 - r->min_y) / r->cell - 0.5);
    double b = floor((y1 - r->min_y) / r->cell - 0.5);
    if (a < 0) a = 0;
    if (b > r->ny - 1) b = r->ny - 1;
    if (!(a <= b)) return false;
    *lo = (int32_t)a;
    *hi = (int32_t)b;
    return true;
}

// Columns to examine for an x-interval [x0, x1]: widened by one cell against rounding,
// every candidate is then tested exactly.
static bool col_range(const raster_t *r, double x0, double x1, int32_t *lo, int32_t *hi)
{
    double a = floor((x0 - r->min_x) / r->cell - 0.5) - 1;
    double b = ceil((x1 - r->min_x) / r->cell - 0.5) + 1;
    if (a < 0) a = 0;
    if (b > r->nx - 1) b = r->nx - 1;
    if (!(a <= b)) return false;
    *lo = (int32_t)a;
    *hi = (int32_t)b;
    return true;
}

static void sort_doubles(double *v, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        double x = v[i];
        uint32_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

// Scanline fill by the even-odd rule over all rings, so holes are respected. A cell centre
// (x, y) is inside when an odd number of edge crossings of its row lie at or left of x;
// an edge crosses row y when exactly one end has y' <= y. This partitions the plane between
// polygons sharing an edge, so adjacent areas neither overlap nor leave a seam.
static void fill_polygon(raster_t *r, const gops_polygon_t *poly, uint32_t value, double *xs)
{
    if (poly->ring_count == 0 || poly->rings[0].count < 3) return;
    double y0 = INFINITY, y1 = -INFINITY;
    for (uint32_t k = 0; k < poly->rings[0].count; k++) {
        y0 = fmin(y0, poly->rings[0].pts[k].y);
        y1 = fmax(y1, poly->rings[0].pts[k].y);
    }
    int32_t rlo, rhi;
    if (!row_range(r, y0, y1, &rlo, &rhi)) return;
    for (int32_t cy = rlo; cy <= rhi; cy++) {
        double y = centre_y(r, cy);
        uint32_t n = 0;
        for (uint32_t ri = 0; ri < poly->ring_count; ri++) {
            const gops_path_t *ring = &poly->rings[ri];
            for (uint32_t k = 0; k < ring->count; k++) {
                gops_point_t p = ring->pts[k], q = ring->pts[(k + 1) % ring->count];
                if ((p.y <= y) == (q.y <= y)) continue;
                xs[n++] = p.x + (y - p.y) * (q.x - p.x) / (q.y - p.y);
            }
        }
        sort_doubles(xs, n);
        uint32_t *row = r->m + (size_t)cy * (size_t)r->nx;
        for (uint32_t k = 0; k + 1 < n; k += 2) {
            // Cells with centre in [xs[k], xs[k+1]).
            double a = ceil((xs[k] - r->min_x) / r->cell - 0.5);
            double b = ceil((xs[k + 1] - r->min_x) / r->cell - 0.5) - 1;
            if (a < 0) a = 0;
            if (b > r->nx - 1) b = r->nx - 1;
            if (!(a <= b)) continue; // also keeps both in range before the casts
            for (int32_t cx = (int32_t)a; cx <= (int32_t)b; cx++) row[cx] = value;
        }
    }
}

// Narrows [u0, u1] to the u with lo <= k·u + m <= hi; false when empty.
static bool clip_linear(double k, double m, double lo, double hi, double *u0, double *u1)
{
    if (k == 0) return m >= lo && m <= hi;
    double a = (lo - m) / k, b = (hi - m) / k;
    if (a > b) {
        double t = a;
        a = b;
        b = t;
    }
    if (a > *u0) *u0 = a;
    if (b < *u1) *u1 = b;
    return *u0 <= *u1;
}

// Paints the cells whose centre p has t = (p−a)·d in [0, L] and s = (p−a)·n in
// [s_lo, s_hi), with d the unit direction a→b and n its left normal: a band beside
// (or, for s_lo < 0 < s_hi, along) the segment, with square ends.
static void paint_band(raster_t *r, gops_point_t a, gops_point_t b, double s_lo, double s_hi,
                       brush_t brush)
{
    double len = hypot(b.x - a.x, b.y - a.y);
    if (len == 0 || !(s_lo < s_hi)) return;
    double dx = (b.x - a.x) / len, dy = (b.y - a.y) / len;
    double ys[4] = {a.y + dx * s_lo, a.y + dx * s_hi, b.y + dx * s_lo, b.y + dx * s_hi};
    double y0 = fmin(fmin(ys[0], ys[1]), fmin(ys[2], ys[3]));
    double y1 = fmax(fmax(ys[0], ys[1]), fmax(ys[2], ys[3]));
    int32_t rlo, rhi;
    if (!row_range(r, y0, y1, &rlo, &rhi)) return;
    for (int32_t cy = rlo; cy <= rhi; cy++) {
        double w = centre_y(r, cy) - a.y;
        double u0 = -INFINITY, u1 = INFINITY; // u = x − a.x
        if (!clip_linear(dx, w * dy, 0, len, &u0, &u1)) continue;
        if (!clip_linear(-dy, w * dx, s_lo, s_hi, &u0, &u1)) continue;
        int32_t clo, chi;
        if (!col_range(r, a.x + u0, a.x + u1, &clo, &chi)) continue;
        uint32_t *row = r->m + (size_t)cy * (size_t)r->nx;
        for (int32_t cx = clo; cx <= chi; cx++) {
            double u = centre_x(r, cx) - a.x;
            double t = u * dx + w * dy, s = -u * dy + w * dx;
            if (t >= 0 && t <= len && s >= s_lo && s < s_hi) apply(&row[cx], brush);
        }
    }
}

// Paints the cells whose centre p has |p−v| in [r_lo, r_hi) and, when d1/d2 are not NULL,
// (p−v)·d1 > 0 and (p−v)·d2 < 0: the wedge a polyline's bend leaves uncovered on its
// outer side between the two segments' square-ended bands.
static void paint_ring_sector(raster_t *r, gops_point_t v, double r_lo, double r_hi,
                              const gops_point_t *d1, const gops_point_t *d2, brush_t brush)
{
    if (!(r_lo < r_hi)) return;
    int32_t rlo, rhi;
    if (!row_range(r, v.y - r_hi, v.y + r_hi, &rlo, &rhi)) return;
    for (int32_t cy = rlo; cy <= rhi; cy++) {
        double w = centre_y(r, cy) - v.y;
        double half = sqrt(fmax(0, r_hi * r_hi - w * w));
        int32_t clo, chi;
        if (!col_range(r, v.x - half, v.x + half, &clo, &chi)) continue;
        uint32_t *row = r->m + (size_t)cy * (size_t)r->nx;
        for (int32_t cx = clo; cx <= chi; cx++) {
            double u = centre_x(r, cx) - v.x;
            double d = hypot(u, w);
            if (d < r_lo || d >= r_hi) continue;
            if (d1 && !(u * d1->x + w * d1->y > 0 && u * d2->x + w * d2->y < 0)) continue;
            apply(&row[cx], brush);
        }
    }
}

// Half-width of what pedestrians may not stand on: carriageway plus non-motor lanes.
static double road_reach(const gops_road_t *road)
{
    return road->width_m / 2 + road->nonmotor_m;
}

// One road's sidewalks: bands [reach, reach + sidewalk) on each side by line direction,
// painted (as `stamp`) only on cells nothing else has claimed, then the road's own
// carriageway (|s| < reach, with round joins at bends) cleared of that stamp. A sidewalk is
// defined by the distance to its own centre line, so the inside of a bend is not walkable;
// another road's sidewalk crossing this carriageway stays walkable (that is where people
// cross at a junction, in line with the sidewalk).
static void paint_road(raster_t *r, const gops_road_t *road, uint32_t stamp)
{
    double hw = road_reach(road);
    const gops_path_t *line = &road->line;
    brush_t side = {.any = false, .only = 0, .value = stamp};
    brush_t clear = {.any = false, .only = stamp, .value = 0};
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t k = 0; k + 1 < line->count; k++) {
            gops_point_t a = line->pts[k], b = line->pts[k + 1];
            if (pass == 0) {
                paint_band(r, a, b, hw, hw + road->sidewalk_left_m, side);
                paint_band(r, a, b, -(hw + road->sidewalk_right_m), -hw, side);
            } else {
                paint_band(r, a, b, -hw, hw, clear);
            }
        }
        // Interior vertices: the outer wedge of each bend (a round join).
        for (uint32_t k = 1; k + 1 < line->count; k++) {
            gops_point_t p = line->pts[k - 1], v = line->pts[k], q = line->pts[k + 1];
            double l1 = hypot(v.x - p.x, v.y - p.y), l2 = hypot(q.x - v.x, q.y - v.y);
            if (l1 == 0 || l2 == 0) continue;
            gops_point_t d1 = {(v.x - p.x) / l1, (v.y - p.y) / l1};
            gops_point_t d2 = {(q.x - v.x) / l2, (q.y - v.y) / l2};
            double turn = d1.x * d2.y - d1.y * d2.x; // > 0: left turn, outer side is the right
            double outer = turn > 0 ? road->sidewalk_right_m
                         : turn < 0 ? road->sidewalk_left_m
                                    : fmax(road->sidewalk_left_m, road->sidewalk_right_m);
            if (pass == 0) paint_ring_sector(r, v, hw, hw + outer, &d1, &d2, side);
            else paint_ring_sector(r, v, 0, hw, &d1, &d2, clear);
        }
    }
}

static bool is_walk_polygon(gops_feature_kind_t kind)
{
    return kind == GOPS_FEAT_WALKWAY || kind == GOPS_FEAT_PLAZA || kind == GOPS_FEAT_PEDESTRIAN_STREET;
}

static bool is_anchor(gops_feature_kind_t kind)
{
    return kind == GOPS_FEAT_ENTRANCE || kind == GOPS_FEAT_TRANSIT ||
           kind == GOPS_FEAT_VENDOR_POINT || kind == GOPS_FEAT_POST;
}

static gops_status_t check_roads(const gops_map_t *map, gops_error_t *err)
{
    for (uint32_t f = 0; f < map->feature_count; f++) {
        const gops_feature_t *feat = &map->features[f];
        if (feat->kind != GOPS_FEAT_ROAD) continue;
        const gops_road_t *r = &feat->u.road;
        double v[4] = {r->width_m, r->sidewalk_left_m, r->sidewalk_right_m, r->nonmotor_m};
        for (int i = 0; i < 4; i++)
            if (!(v[i] >= 0) || !isfinite(v[i]))
                return gops_error_set(err, GOPS_MAP,
                                      "%s: road feature %u '%s' has a width of %g m, expected a "
                                      "finite width >= 0 (carriageway, sidewalks, non-motor lanes)",
                                      map->path ? map->path : "map", feat->index,
                                      feat->id ? feat->id : "(no id)", v[i]);
    }
    return GOPS_OK;
}

static uint32_t total_ring_points(const gops_polygon_t *poly)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < poly->ring_count; i++) n += poly->rings[i].count;
    return n;
}

static gops_status_t paint(raster_t *r, const gops_map_t *map, const gops_road_graph_t *graph,
                           const gops_walkable_def_t *def, gops_error_t *err)
{
    uint32_t xs_cap = 1;
    for (uint32_t f = 0; f < map->feature_count; f++) {
        const gops_feature_t *feat = &map->features[f];
        uint32_t n = is_walk_polygon(feat->kind)          ? total_ring_points(&feat->shape)
                   : feat->kind == GOPS_FEAT_BUILDING ? total_ring_points(&feat->u.building.shape)
                                                      : 0;
        if (n > xs_cap) xs_cap = n;
    }
    double *xs = malloc(xs_cap * sizeof *xs);
    double *node_reach = calloc(graph->node_count + 1, sizeof *node_reach);
    if (!xs || !node_reach) {
        free(xs);
        free(node_reach);
        return gops_error_set(err, GOPS_NOMEM, "walkable raster: out of memory");
    }
    uint32_t stamp = 2;
    for (uint32_t f = 0; f < map->feature_count; f++)
        if (map->features[f].kind == GOPS_FEAT_ROAD) paint_road(r, &map->features[f].u.road, stamp++);
    for (uint32_t e = 0; e < graph->edge_count; e++) {
        const gops_road_edge_t *edge = &graph->edges[e];
        double reach = road_reach(&map->features[edge->road].u.road);
        node_reach[edge->from] = fmax(node_reach[edge->from], reach);
        node_reach[edge->to] = fmax(node_reach[edge->to], reach);
    }
    // A roundabout's discs are where people step over the ring, not a box they could cut
    // through: they are told apart.
    for (uint32_t v = 0; v < graph->node_count; v++)
        if (graph->nodes[v].road_count >= 2) {
            uint32_t value = graph->nodes[v].control == GOPS_JUNCTION_ROUNDABOUT ? JUNCTION_RING : JUNCTION_BOX;
            paint_ring_sector(r, graph->nodes[v].at, 0, node_reach[v] + def->crossing_margin_m,
                              NULL, NULL, (brush_t){.any = false, .only = 0, .value = value});
        }
    for (uint32_t f = 0; f < map->feature_count; f++)
        if (is_walk_polygon(map->features[f].kind)) fill_polygon(r, &map->features[f].shape, 1, xs);
    for (uint32_t f = 0; f < map->feature_count; f++)
        if (map->features[f].kind == GOPS_FEAT_BUILDING)
            fill_polygon(r, &map->features[f].u.building.shape, 0, xs);
    free(xs);
    free(node_reach);
    return GOPS_OK;
}

static gops_status_t pack(gops_walkable_t *w, const raster_t *r, gops_error_t *err)
{
    size_t cells = (size_t)r->nx * (size_t)r->ny;
    size_t words = (cells + 63) / 64;
    w->bits = calloc(words + 1, sizeof *w->bits);
    w->rank = calloc(words + 1, sizeof *w->rank);
    if (!w->bits || !w->rank) return gops_error_set(err, GOPS_NOMEM, "walkable raster: out of memory");
    uint32_t count = 0;
    for (size_t c = 0; c < cells; c++)
        if (r->m[c]) {
            w->bits[c >> 6] |= 1ull << (c & 63);
            count++;
        }
    uint32_t before = 0;
    for (size_t k = 0; k < words; k++) {
        w->rank[k] = before;
        before += (uint32_t)__builtin_popcountll(w->bits[k]);
    }
    w->count = count;
    w->cells = malloc((size_t)(count + 1) * sizeof *w->cells);
    w->junction = malloc((size_t)(count + 1) * sizeof *w->junction);
    if (!w->cells || !w->junction) return gops_error_set(err, GOPS_NOMEM, "walkable raster: out of memory");
    uint32_t i = 0;
    for (size_t c = 0; c < cells; c++)
        if (r->m[c]) {
            w->junction[i] = r->m[c] == JUNCTION_BOX    ? GOPS_JUNCTION_CELL_BOX
                           : r->m[c] == JUNCTION_RING ? GOPS_JUNCTION_CELL_RING
                                                      : GOPS_JUNCTION_CELL_NONE;
            w->cells[i++] = (uint32_t)c;
        }
    return GOPS_OK;
}

// 4-connected components by breadth-first search from each unlabelled cell in id order.
static gops_status_t label(gops_walkable_t *w, gops_error_t *err)
{
    w->largest = GOPS_WALKABLE_NONE;
    w->component = malloc((size_t)(w->count + 1) * sizeof *w->component);
    uint32_t *queue = malloc((size_t)(w->count + 1) * sizeof *queue);
    uint32_t sizes_cap = 64;
    w->component_size = malloc(sizes_cap * sizeof *w->component_size);
    if (!w->component || !queue || !w->component_size) {
        free(queue);
        return gops_error_set(err, GOPS_NOMEM, "walkable raster: out of memory for components");
    }
    for (uint32_t i = 0; i < w->count; i++) w->component[i] = GOPS_WALKABLE_NONE;
    uint32_t nx = (uint32_t)w->nx, total = (uint32_t)w->nx * (uint32_t)w->ny;
    for (uint32_t seed = 0; seed < w->count; seed++) {
        if (w->component[seed] != GOPS_WALKABLE_NONE) continue;
        if (w->component_count == sizes_cap) {
            sizes_cap *= 2;
            uint32_t *grown = realloc(w->component_size, sizes_cap * sizeof *grown);
            if (!grown) {
                free(queue);
                return gops_error_set(err, GOPS_NOMEM, "walkable raster: out of memory for components");
            }
            w->component_size = grown;
        }
        uint32_t id = w->component_count++;
        uint32_t head = 0, tail = 0;
        queue[tail++] = seed;
        w->component[seed] = id;
        while (head < tail) {
            uint32_t c = w->cells[queue[head++]];
            uint32_t cx = c % nx;
            uint32_t nb[4];
            int n = 0;
            if (c >= nx) nb[n++] = c - nx;
            if (cx > 0) nb[n++] = c - 1;
            if (cx + 1 < nx) nb[n++] = c + 1;
            if (c + nx < total) nb[n++] = c + nx;
            for (int k = 0; k < n; k++) {
                uint32_t wi = gops_walkable_index(w, nb[k]);
                if (wi == GOPS_WALKABLE_NONE || w->component[wi] != GOPS_WALKABLE_NONE) continue;
                w->component[wi] = id;
                queue[tail++] = wi;
            }
        }
        w->component_size[id] = tail;
        if (w->largest == GOPS_WALKABLE_NONE || tail > w->component_size[w->largest]) w->largest = id;
    }
    free(queue);
    return GOPS_OK;
}

static gops_status_t anchor(gops_walkable_t *w, const gops_map_t *map,
                            const gops_walkable_def_t *def, gops_error_t *err)
{
    uint32_t n = 0;
    for (uint32_t f = 0; f < map->feature_count; f++)
        if (is_anchor(map->features[f].kind)) n++;
    w->anchors = calloc(n + 1, sizeof *w->anchors);
    if (!w->anchors) return gops_error_set(err, GOPS_NOMEM, "walkable raster: out of memory");
    for (uint32_t f = 0; f < map->feature_count; f++) {
        if (!is_anchor(map->features[f].kind)) continue;
        gops_walkable_anchor_t *a = &w->anchors[w->anchor_count++];
        a->feature = f;
        a->walk = gops_walkable_snap(w, map->features[f].at, def->snap_radius_m, &a->snap_m);
        a->component = a->walk == GOPS_WALKABLE_NONE ? GOPS_WALKABLE_NONE : w->component[a->walk];
    }
    return GOPS_OK;
}

gops_walkable_t *gops_walkable_build(const gops_map_t *map, const gops_walkable_def_t *def_in,
                                     gops_error_t *err)
{
    GOPS_ASSERT(map != NULL);
    gops_walkable_def_t def = def_in ? *def_in : gops_walkable_def_default();
    const char *path = map->path ? map->path : "map";
    if (!(def.cell_m >= 0.1 && def.cell_m <= 10)) {
        gops_error_set(err, GOPS_BAD_VALUE, "walkable raster: cell size %g m, expected 0.1 to 10 m",
                       def.cell_m);
        return NULL;
    }
    if (!(def.snap_radius_m >= 0) || !(def.crossing_margin_m >= 0) ||
        !isfinite(def.snap_radius_m) || !isfinite(def.crossing_margin_m)) {
        gops_error_set(err, GOPS_BAD_VALUE,
                       "walkable raster: snap radius %g m and crossing margin %g m, expected >= 0",
                       def.snap_radius_m, def.crossing_margin_m);
        return NULL;
    }
    if (!(map->min_x <= map->max_x && map->min_y <= map->max_y) || !isfinite(map->min_x) ||
        !isfinite(map->max_x) || !isfinite(map->min_y) || !isfinite(map->max_y)) {
        gops_error_set(err, GOPS_MAP, "%s: the map has no geometry to rasterise", path);
        return NULL;
    }
    if (check_roads(map, err) != GOPS_OK) return NULL;

    gops_walkable_t *w = calloc(1, sizeof *w);
    gops_road_graph_t *graph = NULL;
    raster_t r = {0};
    if (!w) {
        gops_error_set(err, GOPS_NOMEM, "walkable raster: out of memory");
        return NULL;
    }
    w->largest = GOPS_WALKABLE_NONE;
    graph = gops_road_graph_build(map, err);
    if (!graph) goto fail;

    // Grow the bounds (of centre lines, among others) by the widest road's reach so that
    // sidewalks and crossings at the map's edge are not cut off.
    double pad = 0;
    for (uint32_t f = 0; f < map->feature_count; f++) {
        if (map->features[f].kind != GOPS_FEAT_ROAD) continue;
        const gops_road_t *road = &map->features[f].u.road;
        double side = fmax(road->sidewalk_left_m, road->sidewalk_right_m);
        pad = fmax(pad, road_reach(road) + fmax(side, def.crossing_margin_m));
    }
    r.cell = def.cell_m;
    r.min_x = floor((map->min_x - pad) / r.cell) * r.cell;
    r.min_y = floor((map->min_y - pad) / r.cell) * r.cell;
    double nx = ceil((map->max_x + pad - r.min_x) / r.cell);
    double ny = ceil((map->max_y + pad - r.min_y) / r.cell);
    if (nx < 1) nx = 1;
    if (ny < 1) ny = 1;
    if (nx * ny > GOPS_WALKABLE_MAX_CELLS) {
        gops_error_set(err, GOPS_MAP,
                       "%s: the map spans %.0f x %.0f m, %.0f cells of %g m; expected at most %u cells "
                       "(a larger cell size or a smaller map)",
                       path, nx * r.cell, ny * r.cell, nx * ny, r.cell, GOPS_WALKABLE_MAX_CELLS);
        goto fail;
    }
    r.nx = (int32_t)nx;
    r.ny = (int32_t)ny;
    r.m = calloc((size_t)r.nx * (size_t)r.ny, sizeof *r.m);
    if (!r.m) {
        gops_error_set(err, GOPS_NOMEM, "walkable raster: out of memory for %d x %d cells", r.nx, r.ny);
        goto fail;
    }
    w->min_x = r.min_x;
    w->min_y = r.min_y;
    w->cell = r.cell;
    w->nx = r.nx;
    w->ny = r.ny;
    if (paint(&r, map, graph, &def, err) != GOPS_OK) goto fail;
    if (pack(w, &r, err) != GOPS_OK) goto fail;
    free(r.m);
    r.m = NULL;
    if (label(w, err) != GOPS_OK) goto fail;
    if (anchor(w, map, &def, err) != GOPS_OK) goto fail;
    gops_road_graph_destroy(graph);
    return w;
fail:
    free(r.m);
    gops_road_graph_destroy(graph);
    gops_walkable_destroy(w);
    return NULL;
}

void gops_walkable_destroy(gops_walkable_t *w)
{
    if (!w) return;
    free(w->bits);
    free(w->rank);
    free(w->cells);
    free(w->junction);
    free(w->component);
    free(w->component_size);
    free(w->anchors);
    free(w);
}

uint32_t gops_walkable_index(const gops_walkable_t *w, uint32_t cell)
{
    GOPS_ASSERT(cell < (uint32_t)w->nx * (uint32_t)w->ny);
    uint64_t word = w->bits[cell >> 6];
    uint64_t bit = 1ull << (cell & 63);
    if (!(word & bit)) return GOPS_WALKABLE_NONE;
    return w->rank[cell >> 6] + (uint32_t)__builtin_popcountll(word & (bit - 1));
}

uint32_t gops_walkable_cell_at(const gops_walkable_t *w, gops_point_t p)
{
    // floor(u) lies in [0, nx) exactly when u does (nx is whole; NaN fails), and there
    // truncation is floor: no libm call (vendor sites probe walkways millions of times).
    double u = (p.x - w->min_x) / w->cell, v = (p.y - w->min_y) / w->cell;
    if (!(u >= 0 && u < w->nx && v >= 0 && v < w->ny)) return GOPS_WALKABLE_NONE;
    return (uint32_t)v * (uint32_t)w->nx + (uint32_t)u;
}

void gops_walkable_off_walls(const gops_walkable_t *w, gops_point_t p, float *dx, float *dy)
{
    uint32_t cell = gops_walkable_cell_at(w, p);
    if (cell == GOPS_WALKABLE_NONE || !gops_walkable_is_set(w, cell)) return;
    int64_t cx = cell % (uint32_t)w->nx, cy = cell / (uint32_t)w->nx;
    float x = *dx, y = *dy;
    if ((x > 0 && !gops_walkable_is_set_xy(w, cx + 1, cy)) || (x < 0 && !gops_walkable_is_set_xy(w, cx - 1, cy))) x = 0;
    if ((y > 0 && !gops_walkable_is_set_xy(w, cx, cy + 1)) || (y < 0 && !gops_walkable_is_set_xy(w, cx, cy - 1))) y = 0;
    float norm = sqrtf(x * x + y * y);
    *dx = norm > 0 ? x / norm : 0.0f;
    *dy = norm > 0 ? y / norm : 0.0f;
}

static bool walkable_at(const gops_walkable_t *w, gops_point_t p)
{
    uint32_t cell = gops_walkable_cell_at(w, p);
    return cell != GOPS_WALKABLE_NONE && gops_walkable_is_set(w, cell);
}

bool gops_walkable_in_sight(const gops_walkable_t *w, gops_point_t a, gops_point_t b)
{
    double dx = b.x - a.x, dy = b.y - a.y;
    int steps = (int)ceil(2.0 * sqrt(dx * dx + dy * dy) / w->cell);
    for (int k = 0; k < steps; k++) {
        double f = (double)k / steps;
        if (!walkable_at(w, (gops_point_t){a.x + f * dx, a.y + f * dy})) return false;
    }
    return walkable_at(w, b);
}

gops_point_t gops_walkable_centre(const gops_walkable_t *w, uint32_t cell)
{
    uint32_t cx = cell % (uint32_t)w->nx, cy = cell / (uint32_t)w->nx;
    return (gops_point_t){w->min_x + (cx + 0.5) * w->cell, w->min_y + (cy + 0.5) * w->cell};
}

double gops_walkable_area_m2(const gops_walkable_t *w)
{
    return (double)w->count * w->cell * w->cell;
}

uint32_t gops_walkable_snap(const gops_walkable_t *w, gops_point_t p, double radius_m, double *dist_m)
{
    double x0 = floor((p.x - radius_m - w->min_x) / w->cell);
    double x1 = floor((p.x + radius_m - w->min_x) / w->cell);
    double y0 = floor((p.y - radius_m - w->min_y) / w->cell);
    double y1 = floor((p.y + radius_m - w->min_y) / w->cell);
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > w->nx - 1) x1 = w->nx - 1;
    if (y1 > w->ny - 1) y1 = w->ny - 1;
    uint32_t best = GOPS_WALKABLE_NONE;
    double best_d = INFINITY;
    for (double cy = y0; cy <= y1; cy++)
        for (double cx = x0; cx <= x1; cx++) {
            uint32_t cell = (uint32_t)cy * (uint32_t)w->nx + (uint32_t)cx;
            if (!gops_walkable_is_set(w, cell)) continue;
            gops_point_t c = gops_walkable_centre(w, cell);
            double d = hypot(c.x - p.x, c.y - p.y);
            if (d <= radius_m && d < best_d) {
                best_d = d;
                best = cell;
            }
        }
    if (dist_m) *dist_m = best == GOPS_WALKABLE_NONE ? INFINITY : best_d;
    return best == GOPS_WALKABLE_NONE ? GOPS_WALKABLE_NONE : gops_walkable_index(w, best);
}

const gops_walkable_anchor_t *gops_walkable_anchor_of(const gops_walkable_t *w, uint32_t feature)
{
    uint32_t lo = 0, hi = w->anchor_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (w->anchors[mid].feature < feature) lo = mid + 1;
        else hi = mid;
    }
    return lo < w->anchor_count && w->anchors[lo].feature == feature ? &w->anchors[lo] : NULL;
}
