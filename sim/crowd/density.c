// SPDX-License-Identifier: MIT
// Density grid, window statistics and density warnings (density.h).
//
// Definitions (the numbers a planner reads, so they are spelt out here):
// - Density cells are whole multiples of the raster cell and aligned with it, so each holds
//   k × k raster cells and its walkable area is the number of walkable ones × raster cell²
//   (a raster cell belongs to the density cell containing its centre). Cells whose
//   walkable area is under min_walkable_share × cell² (default 25 %) are excluded: a
//   sliver of pavement at a building corner would otherwise turn two people into a
//   "dangerous" density. Pedestrians standing in excluded cells are reported as `excluded`.
// - Each counted step adds one to the cell under every pedestrian; a window of W steps
//   closes every W steps and its density is (sum of per-step counts / counted steps) /
//   walkable area, i.e. the mean count over the window divided by the area. By default
//   every step is counted; sample_every_steps = k counts steps 0, k, 2k, ... of a window.
// - Level-of-service and safety shares are pedestrian-weighted: the fraction of the
//   window's mean pedestrians (in included cells) standing in cells of each band. A share
//   of cells would be dominated by empty pavement; planners ask "how many people stood
//   in level E or F", which this answers.
// - "Above" a threshold is strict (> 4 persons/m² for cell-minutes and warnings); band
//   lower bounds are inclusive.
// - Warnings are evaluated once per window on each area's highest cell density: an area
//   fires after ceil(hold / window) consecutive windows above warn_ppm2 (so the default
//   30 s hold is three 10 s windows, and a warning never fires before the hold has
//   elapsed), once per episode; the episode ends, and the area re-arms, at the first
//   window whose peak is below warn_ppm2 − warn_hysteresis_ppm2 (default 0.5, i.e. below
//   3.5 persons/m², the top of Still's "capacity" band), so a crowd hovering around the
//   threshold does not fire a warning every 30 s.
// Ordering: cells are scanned in ascending id; ties in peaks go to the lowest cell id and
// the earliest window; areas are numbered walkable polygons, special zones, roads (each in
// feature order, one area per distinct name), then "elsewhere"; warnings of a window are
// emitted in area order.
#include "crowd/density.h"

#include "core/assert.h"
#include "crowd/crowd_checkpoint.h"
#include "world/geometry.h"
#include "world/zone_index.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// Edge of the road-segment buckets used to find the nearest named road, m.
#define ROAD_BUCKET_M 32.0

typedef struct road_segment {
    gops_point_t a, b;
    uint32_t area;
} road_segment_t;

// A named polygon or special zone that cells can belong to.
typedef struct named_shape {
    uint32_t feature;
    uint32_t area;
    double area_m2; // for "innermost": the smallest containing shape wins
    double min_x, min_y, max_x, max_y;
} named_shape_t;

struct gops_density {
    gops_density_def_t def;
    const gops_walkable_t *walk;
    const gops_map_t *map;
    double dt_s;
    uint32_t window_steps;
    uint32_t hold_windows;

    // Grid.
    double min_x, min_y, cell, inv_cell;
    int32_t nx, ny;
    uint32_t cells;
    float *area_m2;
    uint8_t *included;
    uint32_t *area_of;
    float *last_ppm2, *max_ppm2, *minutes_above;

    // Window accumulators.
    uint32_t *sum;       // per-step counts summed over the current window
    uint64_t off_grid;   // pedestrians off the grid, summed over the window's steps
    uint32_t steps;      // steps in the current window
    uint32_t samples;    // counted steps in the current window

    // Areas.
    gops_density_area_t *areas;
    uint32_t area_count;
    named_shape_t *shapes; // walkable polygons first, then special zones
    uint32_t shape_count, polygon_count;
    road_segment_t *segments;
    uint32_t segment_count;
    double bucket_min_x, bucket_min_y;
    int32_t bnx, bny;
    uint32_t *bucket_start, *bucket_items;

    gops_density_warning_t *warnings; // area_count records
    gops_density_window_t window;
    gops_density_totals_t totals;
};

gops_density_def_t gops_density_def_default(void)
{
    return (gops_density_def_t){
        .cell_m = 2.0,               // the coarsest the crowds issue allows; ~ a group of 4–20
        .window_s = 10.0,            // smooths step-to-step jitter, still sees a surge
        .sample_every_steps = 1,
        .min_walkable_share = 0.25,
        .high_ppm2 = 4.0,            // VALIDATION.md: sustained > 4 persons/m² is a warning
        .warn_ppm2 = 4.0,
        .warn_hold_s = 30.0,
        .warn_hysteresis_ppm2 = 0.5,
        .road_search_m = 150.0,      // about a block: farther, a road name misleads
    };
}

static const double los_lower[GOPS_LOS_COUNT] = {0.0, 0.31, 0.43, 0.72, 1.08, 2.17};
static const double safety_lower[GOPS_SAFETY_COUNT] = {0.0, 2.5, 3.5, 5.0};

gops_los_t gops_los_of(double density)
{
    int band = GOPS_LOS_A;
    for (int k = 1; k < GOPS_LOS_COUNT; k++)
        if (density >= los_lower[k]) band = k;
    return (gops_los_t)band;
}

gops_safety_t gops_safety_of(double density)
{
    int band = GOPS_SAFETY_STABLE;
    for (int k = 1; k < GOPS_SAFETY_COUNT; k++)
        if (density >= safety_lower[k]) band = k;
    return (gops_safety_t)band;
}

const char *gops_los_name(gops_los_t los)
{
    static const char *const names[GOPS_LOS_COUNT] = {"A", "B", "C", "D", "E", "F"};
    return (unsigned)los < GOPS_LOS_COUNT ? names[los] : "?";
}

const char *gops_safety_name(gops_safety_t band)
{
    static const char *const names[GOPS_SAFETY_COUNT] = {"stable", "capacity", "unstable", "dangerous"};
    return (unsigned)band < GOPS_SAFETY_COUNT ? names[band] : "?";
}

// ---- names and areas ------------------------------------------------------------------

static const char *feature_name(const gops_feature_t *f)
{
    if (f->name && f->name[0]) return f->name;
    if (f->name_en && f->name_en[0]) return f->name_en;
    return NULL;
}

static bool is_walk_polygon(gops_feature_kind_t kind)
{
    return kind == GOPS_FEAT_WALKWAY || kind == GOPS_FEAT_PLAZA || kind == GOPS_FEAT_PEDESTRIAN_STREET;
}

// The area of this name, created (with kind and feature) when new. Names are few (tens),
// so a linear search at build time is fine.
static uint32_t area_for_name(gops_density_t *d, const char *name, gops_density_area_kind_t kind, uint32_t feature)
{
    for (uint32_t a = 0; a < d->area_count; a++)
        if (strcmp(d->areas[a].name, name) == 0) return a;
    gops_density_area_t *area = &d->areas[d->area_count];
    memset(area, 0, sizeof *area);
    area->name = name;
    area->kind = kind;
    area->feature = (int32_t)feature;
    area->peak_cell = GOPS_DENSITY_NONE;
    area->episode_peak_cell = GOPS_DENSITY_NONE;
    return d->area_count++;
}

static void path_box(const gops_path_t *p, named_shape_t *s)
{
    for (uint32_t i = 0; i < p->count; i++) {
        s->min_x = fmin(s->min_x, p->pts[i].x);
        s->min_y = fmin(s->min_y, p->pts[i].y);
        s->max_x = fmax(s->max_x, p->pts[i].x);
        s->max_y = fmax(s->max_y, p->pts[i].y);
    }
}

static named_shape_t shape_new(uint32_t feature, uint32_t area)
{
    return (named_shape_t){.feature = feature, .area = area, .min_x = INFINITY, .min_y = INFINITY,
                           .max_x = -INFINITY, .max_y = -INFINITY};
}

static bool build_areas(gops_density_t *d, gops_error_t *err)
{
    const gops_map_t *map = d->map;
    uint32_t nf = map ? map->feature_count : 0, segs = 0;
    for (uint32_t f = 0; f < nf; f++) {
        const gops_feature_t *feat = &map->features[f];
        if (feat->kind == GOPS_FEAT_ROAD && feature_name(feat) && feat->u.road.line.count >= 2)
            segs += feat->u.road.line.count - 1;
    }
    d->areas = calloc((size_t)nf + 1, sizeof *d->areas);
    d->shapes = calloc((size_t)nf + 1, sizeof *d->shapes);
    d->segments = calloc((size_t)segs + 1, sizeof *d->segments);
    if (!d->areas || !d->shapes || !d->segments) {
        gops_error_set(err, GOPS_NOMEM, "density grid: out of memory for the named areas");
        return false;
    }
    for (uint32_t f = 0; f < nf; f++) {
        const gops_feature_t *feat = &map->features[f];
        const char *name = feature_name(feat);
        if (!name || !is_walk_polygon(feat->kind) || feat->shape.ring_count == 0) continue;
        named_shape_t s = shape_new(f, area_for_name(d, name, GOPS_DENSITY_AREA_WALK_POLYGON, f));
        s.area_m2 = gops_polygon_area(&feat->shape);
        path_box(&feat->shape.rings[0], &s);
        d->shapes[d->shape_count++] = s;
    }
    d->polygon_count = d->shape_count;
    for (uint32_t f = 0; f < nf; f++) {
        const gops_feature_t *feat = &map->features[f];
        const char *name = feature_name(feat);
        if (!name || feat->kind != GOPS_FEAT_ZONE || feat->u.zone.level != GOPS_ZONE_SPECIAL) continue;
        named_shape_t s = shape_new(f, area_for_name(d, name, GOPS_DENSITY_AREA_SPECIAL_ZONE, f));
        for (uint32_t k = 0; k < feat->u.zone.part_count; k++) {
            s.area_m2 += gops_polygon_area(&feat->u.zone.parts[k]);
            if (feat->u.zone.parts[k].ring_count) path_box(&feat->u.zone.parts[k].rings[0], &s);
        }
        d->shapes[d->shape_count++] = s;
    }
    for (uint32_t f = 0; f < nf; f++) {
        const gops_feature_t *feat = &map->features[f];
        const char *name = feature_name(feat);
        if (!name || feat->kind != GOPS_FEAT_ROAD || feat->u.road.line.count < 2) continue;
        uint32_t area = area_for_name(d, name, GOPS_DENSITY_AREA_ROAD, f);
        const gops_path_t *line = &feat->u.road.line;
        for (uint32_t k = 0; k + 1 < line->count; k++)
            d->segments[d->segment_count++] = (road_segment_t){line->pts[k], line->pts[k + 1], area};
    }
    gops_density_area_t *last = &d->areas[d->area_count++];
    memset(last, 0, sizeof *last);
    last->name = "elsewhere";
    last->kind = GOPS_DENSITY_AREA_ELSEWHERE;
    last->feature = -1;
    last->peak_cell = GOPS_DENSITY_NONE;
    last->episode_peak_cell = GOPS_DENSITY_NONE;
    return true;
}

static void bucket_range(double lo, double hi, double origin, int32_t n, int32_t *a, int32_t *b)
{
    double fa = floor((lo - origin) / ROAD_BUCKET_M), fb = floor((hi - origin) / ROAD_BUCKET_M);
    if (fa < 0) fa = 0;
    if (fb > n - 1) fb = n - 1;
    if (fb < fa) fb = fa = fmin(fmax(fa, 0), n - 1);
    *a = (int32_t)fa;
    *b = (int32_t)fb;
}

// Buckets of road segments over the raster's extent (segments outside it are clamped to
// the border buckets, which keeps the ring search's distance bound valid).
static bool build_buckets(gops_density_t *d, gops_error_t *err)
{
    const gops_walkable_t *w = d->walk;
    d->bucket_min_x = w->min_x;
    d->bucket_min_y = w->min_y;
    d->bnx = (int32_t)fmax(1, ceil(w->nx * w->cell / ROAD_BUCKET_M));
    d->bny = (int32_t)fmax(1, ceil(w->ny * w->cell / ROAD_BUCKET_M));
    size_t nb = (size_t)d->bnx * (size_t)d->bny;
    d->bucket_start = calloc(nb + 1, sizeof *d->bucket_start);
    if (!d->bucket_start) goto nomem;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t s = 0; s < d->segment_count; s++) {
            const road_segment_t *seg = &d->segments[s];
            int32_t x0, x1, y0, y1;
            bucket_range(fmin(seg->a.x, seg->b.x), fmax(seg->a.x, seg->b.x), d->bucket_min_x, d->bnx, &x0, &x1);
            bucket_range(fmin(seg->a.y, seg->b.y), fmax(seg->a.y, seg->b.y), d->bucket_min_y, d->bny, &y0, &y1);
            for (int32_t by = y0; by <= y1; by++)
                for (int32_t bx = x0; bx <= x1; bx++) {
                    size_t b = (size_t)by * (size_t)d->bnx + (size_t)bx;
                    if (pass == 0) d->bucket_start[b + 1]++;
                    else d->bucket_items[d->bucket_start[b]++] = s;
                }
        }
        if (pass == 0) {
            for (size_t b = 0; b < nb; b++) d->bucket_start[b + 1] += d->bucket_start[b];
            d->bucket_items = malloc(((size_t)d->bucket_start[nb] + 1) * sizeof *d->bucket_items);
            if (!d->bucket_items) goto nomem;
        } else {
            // The fill advanced each start to the next bucket's; shift back.
            for (size_t b = nb; b > 0; b--) d->bucket_start[b] = d->bucket_start[b - 1];
            d->bucket_start[0] = 0;
        }
    }
    return true;
nomem:
    gops_error_set(err, GOPS_NOMEM, "density grid: out of memory for the road buckets");
    return false;
}

// Nearest named road segment within road_search_m by an outward ring search over the
// buckets; ties go to the lower segment index. GOPS_DENSITY_NONE when none is in reach.
static uint32_t nearest_road_area(const gops_density_t *d, gops_point_t p)
{
    if (d->segment_count == 0) return GOPS_DENSITY_NONE;
    double fx = floor((p.x - d->bucket_min_x) / ROAD_BUCKET_M), fy = floor((p.y - d->bucket_min_y) / ROAD_BUCKET_M);
    int32_t cx = (int32_t)fmin(fmax(fx, 0), d->bnx - 1), cy = (int32_t)fmin(fmax(fy, 0), d->bny - 1);
    double best = INFINITY;
    uint32_t best_seg = UINT32_MAX;
    int32_t rmax = d->bnx > d->bny ? d->bnx : d->bny;
    for (int32_t r = 0; r <= rmax; r++) {
        for (int32_t by = cy - r; by <= cy + r; by++) {
            if (by < 0 || by >= d->bny) continue;
            bool edge_row = by == cy - r || by == cy + r;
            for (int32_t bx = cx - r; bx <= cx + r; bx += edge_row ? 1 : 2 * r) {
                if (bx >= 0 && bx < d->bnx) {
                    size_t b = (size_t)by * (size_t)d->bnx + (size_t)bx;
                    for (uint32_t k = d->bucket_start[b]; k < d->bucket_start[b + 1]; k++) {
                        uint32_t s = d->bucket_items[k];
                        double dist = gops_point_segment_distance(p, d->segments[s].a, d->segments[s].b, NULL);
                        if (dist < best || (dist == best && s < best_seg)) {
                            best = dist;
                            best_seg = s;
                        }
                    }
                }
                if (r == 0) break;
            }
        }
        // Every bucket of ring r + 1 or beyond is at least r buckets away from p.
        if (best <= r * ROAD_BUCKET_M || r * ROAD_BUCKET_M > d->def.road_search_m) break;
    }
    if (best_seg == UINT32_MAX || best > d->def.road_search_m) return GOPS_DENSITY_NONE;
    return d->segments[best_seg].area;
}

static bool shape_contains(const gops_density_t *d, const named_shape_t *s, gops_point_t p, bool polygon)
{
    if (p.x < s->min_x || p.x > s->max_x || p.y < s->min_y || p.y > s->max_y) return false;
    if (polygon) return gops_polygon_contains(&d->map->features[s->feature].shape, p);
    return gops_zone_contains(d->map, s->feature, p);
}

// Area index of a point: innermost walkable polygon, innermost special zone, nearest road,
// elsewhere.
static uint32_t locate_area(const gops_density_t *d, gops_point_t p)
{
    for (int group = 0; group < 2; group++) {
        uint32_t lo = group == 0 ? 0 : d->polygon_count, hi = group == 0 ? d->polygon_count : d->shape_count;
        uint32_t best = GOPS_DENSITY_NONE;
        for (uint32_t i = lo; i < hi; i++) {
            const named_shape_t *s = &d->shapes[i];
            if (best != GOPS_DENSITY_NONE && !(s->area_m2 < d->shapes[best].area_m2)) continue;
            if (shape_contains(d, s, p, group == 0)) best = i;
        }
        if (best != GOPS_DENSITY_NONE) return d->shapes[best].area;
    }
    uint32_t road = nearest_road_area(d, p);
    return road != GOPS_DENSITY_NONE ? road : d->area_count - 1;
}

// ---- grid ---------------------------------------------------------------------------

// Density cell of a raster cell's centre, by the one formula used everywhere.
static inline uint32_t cell_of_raster(const gops_density_t *d, gops_point_t c)
{
    double fx = floor((c.x - d->min_x) / d->cell), fy = floor((c.y - d->min_y) / d->cell);
    if (!(fx >= 0 && fx < d->nx && fy >= 0 && fy < d->ny)) return GOPS_DENSITY_NONE;
    return (uint32_t)fy * (uint32_t)d->nx + (uint32_t)fx;
}

gops_point_t gops_density_cell_point(const gops_density_t *d, uint32_t cell)
{
    GOPS_ASSERT(cell < d->cells);
    const gops_walkable_t *w = d->walk;
    int32_t cx = (int32_t)(cell % (uint32_t)d->nx), cy = (int32_t)(cell / (uint32_t)d->nx);
    double ratio = d->cell / w->cell;
    int32_t x0 = (int32_t)floor(cx * ratio) - 1, x1 = (int32_t)ceil((cx + 1) * ratio) + 1;
    int32_t y0 = (int32_t)floor(cy * ratio) - 1, y1 = (int32_t)ceil((cy + 1) * ratio) + 1;
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > w->nx - 1) x1 = w->nx - 1;
    if (y1 > w->ny - 1) y1 = w->ny - 1;
    double sx = 0, sy = 0;
    uint32_t n = 0;
    for (int32_t ry = y0; ry <= y1; ry++)
        for (int32_t rx = x0; rx <= x1; rx++) {
            uint32_t rc = (uint32_t)ry * (uint32_t)w->nx + (uint32_t)rx;
            if (!gops_walkable_is_set(w, rc)) continue;
            gops_point_t c = gops_walkable_centre(w, rc);
            if (cell_of_raster(d, c) != cell) continue;
            sx += c.x;
            sy += c.y;
            n++;
        }
    if (n == 0) return (gops_point_t){d->min_x + (cx + 0.5) * d->cell, d->min_y + (cy + 0.5) * d->cell};
    return (gops_point_t){sx / n, sy / n};
}

static gops_status_t check_def(const gops_density_def_t *def, const gops_walkable_t *walk, double dt_s,
                               gops_error_t *err)
{
    if (!(dt_s > 0) || !isfinite(dt_s))
        return gops_error_set(err, GOPS_BAD_VALUE, "density: step length %g s, expected > 0", dt_s);
    if (!(def->cell_m >= walk->cell && def->cell_m <= 2.0))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "density: cell_m = %g m, expected from the walkable raster's cell (%g m) to 2 m",
                              def->cell_m, walk->cell);
    // Whole raster cells per density cell, so that every density cell holds the same number
    // of raster cells and its walkable area is exact.
    double ratio = def->cell_m / walk->cell;
    if (fabs(ratio - round(ratio)) > 1e-9 * ratio)
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "density: cell_m = %g m, expected a whole multiple of the walkable raster's cell (%g m)",
                              def->cell_m, walk->cell);
    if (!(def->window_s > 0) || !isfinite(def->window_s))
        return gops_error_set(err, GOPS_BAD_VALUE, "density: window_s = %g s, expected > 0", def->window_s);
    if (!(def->min_walkable_share >= 0 && def->min_walkable_share <= 1))
        return gops_error_set(err, GOPS_BAD_VALUE, "density: min_walkable_share = %g, expected 0 to 1",
                              def->min_walkable_share);
    if (!(def->high_ppm2 >= 0) || !isfinite(def->high_ppm2))
        return gops_error_set(err, GOPS_BAD_VALUE, "density: high_ppm2 = %g persons/m², expected >= 0",
                              def->high_ppm2);
    if (!(def->warn_ppm2 > 0) || !isfinite(def->warn_ppm2))
        return gops_error_set(err, GOPS_BAD_VALUE, "density: warn_ppm2 = %g persons/m², expected > 0", def->warn_ppm2);
    if (!(def->warn_hold_s >= 0) || !isfinite(def->warn_hold_s))
        return gops_error_set(err, GOPS_BAD_VALUE, "density: warn_hold_s = %g s, expected >= 0", def->warn_hold_s);
    if (!(def->warn_hysteresis_ppm2 >= 0 && def->warn_hysteresis_ppm2 <= def->warn_ppm2))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "density: warn_hysteresis_ppm2 = %g persons/m², expected 0 to warn_ppm2 (%g)",
                              def->warn_hysteresis_ppm2, def->warn_ppm2);
    if (!(def->road_search_m >= 0) || !isfinite(def->road_search_m))
        return gops_error_set(err, GOPS_BAD_VALUE, "density: road_search_m = %g m, expected >= 0", def->road_search_m);
    return GOPS_OK;
}

static void peak_clear(gops_density_peak_t *p)
{
    *p = (gops_density_peak_t){.ppm2 = 0, .cell = GOPS_DENSITY_NONE, .area = GOPS_DENSITY_NONE, .where = ""};
}

gops_density_t *gops_density_create(const gops_density_def_t *def_in, const gops_walkable_t *walk,
                                    const gops_map_t *map, double dt_s, gops_error_t *err)
{
    GOPS_ASSERT(walk != NULL);
    gops_density_def_t def = def_in ? *def_in : gops_density_def_default();
    if (check_def(&def, walk, dt_s, err) != GOPS_OK) return NULL;
    gops_density_t *d = calloc(1, sizeof *d);
    double *cx_sum = NULL, *cy_sum = NULL;
    uint32_t *raster_n = NULL;
    if (!d) {
        gops_error_set(err, GOPS_NOMEM, "density grid: out of memory");
        return NULL;
    }
    d->def = def;
    d->walk = walk;
    d->map = map;
    d->dt_s = dt_s;
    double ws = round(def.window_s / dt_s);
    d->window_steps = ws < 1 ? 1 : ws > 1e9 ? 1000000000u : (uint32_t)ws;
    if (def.sample_every_steps < 1 || def.sample_every_steps > d->window_steps) {
        gops_error_set(err, GOPS_BAD_VALUE, "density: sample_every_steps = %u, expected 1 to the window's %u steps",
                       def.sample_every_steps, d->window_steps);
        free(d);
        return NULL;
    }
    double window_len = d->window_steps * dt_s;
    double hw = ceil(def.warn_hold_s / window_len - 1e-9);
    d->hold_windows = hw < 1 ? 1 : hw > 1e9 ? 1000000000u : (uint32_t)hw;

    d->min_x = walk->min_x;
    d->min_y = walk->min_y;
    d->cell = def.cell_m;
    d->inv_cell = 1.0 / def.cell_m;
    d->nx = (int32_t)fmax(1, ceil(walk->nx * walk->cell / def.cell_m - 1e-9));
    d->ny = (int32_t)fmax(1, ceil(walk->ny * walk->cell / def.cell_m - 1e-9));
    d->cells = (uint32_t)d->nx * (uint32_t)d->ny;
    size_t n = d->cells;
    d->area_m2 = calloc(n, sizeof *d->area_m2);
    d->included = calloc(n, sizeof *d->included);
    d->area_of = malloc(n * sizeof *d->area_of);
    d->last_ppm2 = calloc(n, sizeof *d->last_ppm2);
    d->max_ppm2 = calloc(n, sizeof *d->max_ppm2);
    d->minutes_above = calloc(n, sizeof *d->minutes_above);
    d->sum = calloc(n, sizeof *d->sum);
    raster_n = calloc(n, sizeof *raster_n);
    cx_sum = calloc(n, sizeof *cx_sum);
    cy_sum = calloc(n, sizeof *cy_sum);
    if (!d->area_m2 || !d->included || !d->area_of || !d->last_ppm2 || !d->max_ppm2 || !d->minutes_above ||
        !d->sum || !raster_n || !cx_sum || !cy_sum) {
        gops_error_set(err, GOPS_NOMEM, "density grid: out of memory for %d x %d cells", d->nx, d->ny);
        goto fail;
    }
    for (uint32_t i = 0; i < walk->count; i++) {
        gops_point_t c = gops_walkable_centre(walk, walk->cells[i]);
        uint32_t cell = cell_of_raster(d, c);
        if (cell == GOPS_DENSITY_NONE) continue;
        raster_n[cell]++;
        cx_sum[cell] += c.x;
        cy_sum[cell] += c.y;
    }
    if (!build_areas(d, err) || !build_buckets(d, err)) goto fail;
    d->warnings = calloc(d->area_count, sizeof *d->warnings);
    if (!d->warnings) {
        gops_error_set(err, GOPS_NOMEM, "density grid: out of memory");
        goto fail;
    }
    double raster_cell2 = walk->cell * walk->cell, min_area = def.min_walkable_share * def.cell_m * def.cell_m;
    for (uint32_t c = 0; c < d->cells; c++) {
        double area = raster_n[c] * raster_cell2;
        d->area_m2[c] = (float)area;
        d->area_of[c] = GOPS_DENSITY_NONE;
        // An empty cell is never included, whatever the share (0 would divide by zero).
        if (raster_n[c] == 0 || area < min_area * (1 - 1e-12)) continue;
        d->included[c] = 1;
        gops_point_t p = {cx_sum[c] / raster_n[c], cy_sum[c] / raster_n[c]};
        uint32_t a = locate_area(d, p);
        d->area_of[c] = a;
        d->areas[a].cells++;
        d->areas[a].area_m2 += area;
    }
    free(raster_n);
    free(cx_sum);
    free(cy_sum);
    d->window.index = UINT64_MAX;
    peak_clear(&d->window.peak);
    peak_clear(&d->totals.peak);
    return d;
fail:
    free(raster_n);
    free(cx_sum);
    free(cy_sum);
    gops_density_destroy(d);
    return NULL;
}

void gops_density_destroy(gops_density_t *d)
{
    if (!d) return;
    free(d->area_m2);
    free(d->included);
    free(d->area_of);
    free(d->last_ppm2);
    free(d->max_ppm2);
    free(d->minutes_above);
    free(d->sum);
    free(d->areas);
    free(d->shapes);
    free(d->segments);
    free(d->bucket_start);
    free(d->bucket_items);
    free(d->warnings);
    free(d);
}

// ---- window ---------------------------------------------------------------------------

static void peak_set(const gops_density_t *d, gops_density_peak_t *p, double ppm2, uint32_t cell, double t)
{
    p->ppm2 = ppm2;
    p->cell = cell;
    p->at = gops_density_cell_point(d, cell);
    p->time_s = t;
    p->area = d->area_of[cell];
    p->where = d->areas[p->area].name;
}

static void emit(gops_density_t *d, gops_density_warning_kind_t kind, uint32_t a, double t)
{
    gops_density_area_t *area = &d->areas[a];
    // At most one record per area and window: an area changes state once per window.
    GOPS_ASSERT(d->window.warning_count < d->area_count);
    gops_density_warning_t *w = &d->warnings[d->window.warning_count++];
    *w = (gops_density_warning_t){
        .kind = kind,
        .area = a,
        .name = area->name,
        .peak_ppm2 = area->episode_peak_ppm2,
        .cell = area->episode_peak_cell,
        .at = gops_density_cell_point(d, area->episode_peak_cell),
        .start_s = area->episode_start_s,
        .fired_s = area->episode_fired_s,
        .ended_s = kind == GOPS_DENSITY_WARNING_ENDED ? t : 0,
    };
}

static void episode_peak(gops_density_area_t *area, double end_s)
{
    if (area->peak_cell != GOPS_DENSITY_NONE && area->peak_ppm2 > area->episode_peak_ppm2) {
        area->episode_peak_ppm2 = area->peak_ppm2;
        area->episode_peak_cell = area->peak_cell;
        area->episode_peak_time_s = end_s;
    }
}

static void update_warnings(gops_density_t *d, double start_s, double end_s)
{
    const double warn = d->def.warn_ppm2, end_below = warn - d->def.warn_hysteresis_ppm2;
    for (uint32_t a = 0; a < d->area_count; a++) {
        gops_density_area_t *area = &d->areas[a];
        bool above = area->peak_cell != GOPS_DENSITY_NONE && area->peak_ppm2 > warn;
        if (!area->active) {
            if (!above) {
                area->above_windows = 0;
                continue;
            }
            if (area->above_windows == 0) {
                area->episode_start_s = start_s;
                area->episode_peak_ppm2 = -1;
                area->episode_peak_cell = GOPS_DENSITY_NONE;
            }
            area->above_windows++;
            episode_peak(area, end_s);
            if (area->above_windows >= d->hold_windows) {
                area->active = true;
                area->episode_fired_s = end_s;
                d->totals.warnings_fired++;
                emit(d, GOPS_DENSITY_WARNING_FIRED, a, end_s);
            }
        } else {
            episode_peak(area, end_s);
            area->above_windows = above ? area->above_windows + 1 : 0;
            double peak = area->peak_cell != GOPS_DENSITY_NONE ? area->peak_ppm2 : 0;
            if (peak < end_below) {
                emit(d, GOPS_DENSITY_WARNING_ENDED, a, end_s);
                area->active = false;
                area->above_windows = 0;
            }
        }
    }
}

static void close_window(gops_density_t *d, double t_s)
{
    gops_density_window_t *win = &d->window;
    const double steps = d->steps, inv_steps = 1.0 / d->samples;
    const double minutes = steps * d->dt_s / 60.0;
    win->index = d->totals.windows;
    win->end_s = t_s;
    win->start_s = t_s - steps * d->dt_s;
    win->steps = d->steps;
    win->samples = d->samples;
    win->pedestrians = 0;
    win->cells_above = 0;
    win->warnings = d->warnings;
    win->warning_count = 0;
    for (int k = 0; k < GOPS_LOS_COUNT; k++) win->los_share[k] = 0;
    for (int k = 0; k < GOPS_SAFETY_COUNT; k++) win->safety_share[k] = 0;
    peak_clear(&win->peak);
    for (uint32_t a = 0; a < d->area_count; a++) {
        d->areas[a].peak_ppm2 = 0;
        d->areas[a].peak_cell = GOPS_DENSITY_NONE;
        d->areas[a].pedestrians = 0;
    }

    uint64_t excluded = d->off_grid;
    double best = 0;
    uint32_t best_cell = GOPS_DENSITY_NONE;
    for (uint32_t c = 0; c < d->cells; c++) {
        uint32_t s = d->sum[c];
        if (s == 0) {
            d->last_ppm2[c] = 0;
            continue;
        }
        d->sum[c] = 0;
        if (!d->included[c]) {
            excluded += s;
            continue;
        }
        double mean = s * inv_steps;
        double density = mean / d->area_m2[c];
        d->last_ppm2[c] = (float)density;
        if ((float)density > d->max_ppm2[c]) d->max_ppm2[c] = (float)density;
        win->pedestrians += mean;
        win->los_share[gops_los_of(density)] += mean;
        win->safety_share[gops_safety_of(density)] += mean;
        if (density > d->def.high_ppm2) {
            win->cells_above++;
            d->minutes_above[c] += (float)minutes;
        }
        if (density > best) {
            best = density;
            best_cell = c;
        }
        gops_density_area_t *area = &d->areas[d->area_of[c]];
        area->pedestrians += mean;
        if (area->peak_cell == GOPS_DENSITY_NONE || density > area->peak_ppm2) {
            area->peak_ppm2 = density;
            area->peak_cell = c;
        }
    }
    win->excluded = excluded * inv_steps;
    if (win->pedestrians > 0) {
        for (int k = 0; k < GOPS_LOS_COUNT; k++) win->los_share[k] /= win->pedestrians;
        for (int k = 0; k < GOPS_SAFETY_COUNT; k++) win->safety_share[k] /= win->pedestrians;
    }
    for (uint32_t a = 0; a < d->area_count; a++) {
        gops_density_area_t *area = &d->areas[a];
        area->mean_ppm2 = area->area_m2 > 0 ? area->pedestrians / area->area_m2 : 0;
    }
    win->cell_minutes_above = win->cells_above * minutes;
    if (best_cell != GOPS_DENSITY_NONE) peak_set(d, &win->peak, best, best_cell, t_s);

    update_warnings(d, win->start_s, t_s);

    d->totals.windows++;
    d->totals.cell_minutes_above += win->cell_minutes_above;
    if (win->peak.cell != GOPS_DENSITY_NONE && win->peak.ppm2 > d->totals.peak.ppm2) d->totals.peak = win->peak;
    d->steps = 0;
    d->samples = 0;
    d->off_grid = 0;
}

// Adds one to the cell under each pedestrian; pedestrians off the grid are tallied apart.
static void count(gops_density_t *d, const float *x, const float *y, uint32_t n)
{
    const double min_x = d->min_x, min_y = d->min_y, inv = d->inv_cell;
    const double nx = d->nx, ny = d->ny;
    const uint32_t unx = (uint32_t)d->nx;
    uint32_t *sum = d->sum;
    uint32_t off = 0;
    for (uint32_t i = 0; i < n; i++) {
        double fx = ((double)x[i] - min_x) * inv, fy = ((double)y[i] - min_y) * inv;
        // Also rejects NaN.
        if (!(fx >= 0 && fx < nx && fy >= 0 && fy < ny)) {
            off++;
            continue;
        }
        sum[(uint32_t)fy * unx + (uint32_t)fx]++;
    }
    d->off_grid += off;
}

bool gops_density_step(gops_density_t *d, const float *x, const float *y, uint32_t n, double t_s,
                       gops_density_window_t *out)
{
    if (d->steps % d->def.sample_every_steps == 0) {
        count(d, x, y, n);
        d->samples++;
    }
    if (++d->steps < d->window_steps) return false;
    close_window(d, t_s);
    if (out) *out = d->window;
    return true;
}

// ---- queries --------------------------------------------------------------------------

const gops_density_window_t *gops_density_last_window(const gops_density_t *d) { return &d->window; }
const gops_density_totals_t *gops_density_totals(const gops_density_t *d) { return &d->totals; }
const gops_density_def_t *gops_density_def(const gops_density_t *d) { return &d->def; }
uint32_t gops_density_window_steps(const gops_density_t *d) { return d->window_steps; }
uint32_t gops_density_area_count(const gops_density_t *d) { return d->area_count; }

gops_density_grid_t gops_density_grid(const gops_density_t *d)
{
    return (gops_density_grid_t){
        .min_x = d->min_x,
        .min_y = d->min_y,
        .cell_m = d->cell,
        .nx = d->nx,
        .ny = d->ny,
        .area_m2 = d->area_m2,
        .included = d->included,
        .area = d->area_of,
        .last_ppm2 = d->last_ppm2,
        .max_ppm2 = d->max_ppm2,
        .minutes_above = d->minutes_above,
    };
}

const gops_density_area_t *gops_density_area(const gops_density_t *d, uint32_t index)
{
    GOPS_ASSERT(index < d->area_count);
    return &d->areas[index];
}

uint32_t gops_density_area_find(const gops_density_t *d, const char *name)
{
    if (!name) return GOPS_DENSITY_NONE;
    for (uint32_t a = 0; a < d->area_count; a++)
        if (strcmp(d->areas[a].name, name) == 0) return a;
    return GOPS_DENSITY_NONE;
}

uint32_t gops_density_cell_at(const gops_density_t *d, gops_point_t p)
{
    double fx = floor((p.x - d->min_x) * d->inv_cell), fy = floor((p.y - d->min_y) * d->inv_cell);
    if (!(fx >= 0 && fx < d->nx && fy >= 0 && fy < d->ny)) return GOPS_DENSITY_NONE;
    return (uint32_t)fy * (uint32_t)d->nx + (uint32_t)fx;
}

const char *gops_density_name_at(const gops_density_t *d, gops_point_t p)
{
    return d->areas[locate_area(d, p)].name;
}

// ---- checkpoints (crowd_checkpoint.h) ----------------------------------------------------
// Per-cell window sums, maxima and minutes, the areas' statistics and warning states, the
// last window and the totals change; the grid, the areas' cells and names and the lookups
// come from the map. Names are pointers into the map: they are taken from this object.

static void fix_peak_name(const gops_density_t *d, gops_density_peak_t *p)
{
    p->where = p->area < d->area_count ? d->areas[p->area].name : "";
}

void gops_density_save(const gops_density_t *d, gops_ckpt_writer_t *w)
{
    GOPS_CKPT_PUT(w, "density", d);
    GOPS_CKPT_PUT_ARRAY(w, "density.last", d->last_ppm2, d->cells);
    GOPS_CKPT_PUT_ARRAY(w, "density.max", d->max_ppm2, d->cells);
    GOPS_CKPT_PUT_ARRAY(w, "density.minutes", d->minutes_above, d->cells);
    GOPS_CKPT_PUT_ARRAY(w, "density.sum", d->sum, d->cells);
    GOPS_CKPT_PUT_ARRAY(w, "density.areas", d->areas, d->area_count);
    GOPS_CKPT_PUT_ARRAY(w, "density.warnings", d->warnings, d->area_count);
}

void gops_density_load(gops_density_t *d, gops_ckpt_reader_t *r)
{
    gops_density_t s;
    if (!GOPS_CKPT_GET(r, "density", &s)) return;
    if (s.cells != d->cells || s.area_count != d->area_count) {
        gops_ckpt_fail(r, "a density grid of %u cells and %u areas, expected %u and %u on this map (was the map or "
                       "crowd.density changed?)",
                       s.cells, s.area_count, d->cells, d->area_count);
        return;
    }
    gops_density_t fresh = *d;
    *d = s;
    d->walk = fresh.walk, d->map = fresh.map;
    d->area_m2 = fresh.area_m2, d->included = fresh.included, d->area_of = fresh.area_of;
    d->shapes = fresh.shapes, d->segments = fresh.segments;
    d->bucket_start = fresh.bucket_start, d->bucket_items = fresh.bucket_items;
    free(fresh.last_ppm2), free(fresh.max_ppm2), free(fresh.minutes_above), free(fresh.sum);
    d->last_ppm2 = gops_ckpt_get_alloc(r, "density.last", sizeof *d->last_ppm2, d->cells, d->cells);
    d->max_ppm2 = gops_ckpt_get_alloc(r, "density.max", sizeof *d->max_ppm2, d->cells, d->cells);
    d->minutes_above = gops_ckpt_get_alloc(r, "density.minutes", sizeof *d->minutes_above, d->cells, d->cells);
    d->sum = gops_ckpt_get_alloc(r, "density.sum", sizeof *d->sum, d->cells, d->cells);
    d->areas = gops_ckpt_get_alloc(r, "density.areas", sizeof *d->areas, d->area_count, d->area_count);
    d->warnings = gops_ckpt_get_alloc(r, "density.warnings", sizeof *d->warnings, d->area_count, d->area_count);
    if (d->areas)
        for (uint32_t a = 0; a < d->area_count; a++) d->areas[a].name = fresh.areas[a].name;
    free(fresh.areas);
    free(fresh.warnings);
    if (d->areas && d->warnings)
        for (uint32_t a = 0; a < d->area_count; a++)
            d->warnings[a].name = d->warnings[a].area < d->area_count ? d->areas[d->warnings[a].area].name : "";
    d->window.warnings = d->warnings;
    if (!d->warnings) d->window.warning_count = 0;
    if (d->areas) {
        fix_peak_name(d, &d->window.peak);
        fix_peak_name(d, &d->totals.peak);
    } else {
        d->window.peak.where = d->totals.peak.where = "";
    }
}
