// SPDX-License-Identifier: MIT
// Zone lookups, overlaps and coverage gaps (zone_index.h).
// Ordering rules: zones are kept most specific first (level, then area, then feature
// index) and every query walks them in that order; overlaps are sorted by feature pair;
// gaps by category, then zone; examples are the first sample in row-major cell order,
// then roads in feature order and along each line.
#include "world/zone_index.h"

#include "core/assert.h"
#include "world/geometry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ALL_CATEGORIES ((1u << GOPS_CAT_COUNT) - 1u)
#define OVERLAP_MAX_SAMPLES 250000.0

static int level_rank(gops_zone_level_t level)
{
    switch (level) {
    case GOPS_ZONE_SPECIAL: return 0;
    case GOPS_ZONE_GRID: return 1;
    case GOPS_ZONE_SUBDISTRICT: return 2;
    case GOPS_ZONE_DISTRICT: return 3;
    default: return 4;
    }
}

static int cmp_specificity(const void *pa, const void *pb)
{
    const gops_zone_entry_t *a = pa, *b = pb;
    int ra = level_rank(a->level), rb = level_rank(b->level);
    if (ra != rb) return ra < rb ? -1 : 1;
    if (a->area_m2 != b->area_m2) return a->area_m2 < b->area_m2 ? -1 : 1;
    return (a->feature > b->feature) - (a->feature < b->feature);
}

bool gops_zone_contains(const gops_map_t *map, uint32_t feature, gops_point_t p)
{
    GOPS_ASSERT(feature < map->feature_count && map->features[feature].kind == GOPS_FEAT_ZONE);
    const gops_zone_t *z = &map->features[feature].u.zone;
    for (uint32_t i = 0; i < z->part_count; i++)
        if (gops_polygon_contains(&z->parts[i], p)) return true;
    return false;
}

static bool entry_contains(const gops_zone_index_t *zi, const gops_zone_entry_t *e, gops_point_t p)
{
    if (p.x < e->min_x || p.x > e->max_x || p.y < e->min_y || p.y > e->max_y) return false;
    return gops_zone_contains(zi->map, e->feature, p);
}

void gops_zone_index_destroy(gops_zone_index_t *zi)
{
    if (!zi) return;
    free(zi->zones);
    free(zi->bucket_start);
    free(zi->bucket_items);
    free(zi);
}

static void bucket_range(const gops_zone_index_t *zi, const gops_zone_entry_t *e, int32_t *x0,
                         int32_t *y0, int32_t *x1, int32_t *y1)
{
    *x0 = (int32_t)floor((e->min_x - zi->min_x) / zi->bucket_m);
    *y0 = (int32_t)floor((e->min_y - zi->min_y) / zi->bucket_m);
    *x1 = (int32_t)floor((e->max_x - zi->min_x) / zi->bucket_m);
    *y1 = (int32_t)floor((e->max_y - zi->min_y) / zi->bucket_m);
    if (*x0 < 0) *x0 = 0;
    if (*y0 < 0) *y0 = 0;
    if (*x1 > zi->nx - 1) *x1 = zi->nx - 1;
    if (*y1 > zi->ny - 1) *y1 = zi->ny - 1;
}

gops_zone_index_t *gops_zone_index_build(const gops_map_t *map, gops_error_t *err)
{
    GOPS_ASSERT(map != NULL);
    gops_zone_index_t *zi = calloc(1, sizeof *zi);
    if (!zi) goto nomem;
    zi->map = map;
    uint32_t n = 0;
    for (uint32_t f = 0; f < map->feature_count; f++)
        if (map->features[f].kind == GOPS_FEAT_ZONE) n++;
    zi->zones = calloc(n + 1, sizeof *zi->zones);
    if (!zi->zones) goto nomem;
    double ext[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (uint32_t f = 0; f < map->feature_count; f++) {
        const gops_feature_t *feat = &map->features[f];
        if (feat->kind != GOPS_FEAT_ZONE) continue;
        gops_zone_entry_t *e = &zi->zones[zi->zone_count++];
        const gops_zone_t *z = &feat->u.zone;
        e->feature = f;
        e->level = z->level;
        e->min_x = e->min_y = INFINITY;
        e->max_x = e->max_y = -INFINITY;
        for (uint32_t i = 0; i < z->part_count; i++) {
            e->area_m2 += gops_polygon_area(&z->parts[i]);
            double b[4];
            if (z->parts[i].ring_count > 0 &&
                gops_path_bounds(&z->parts[i].rings[0], &b[0], &b[1], &b[2], &b[3])) {
                e->min_x = fmin(e->min_x, b[0]);
                e->min_y = fmin(e->min_y, b[1]);
                e->max_x = fmax(e->max_x, b[2]);
                e->max_y = fmax(e->max_y, b[3]);
            }
        }
        for (int c = 0; c < GOPS_CAT_COUNT; c++)
            if (z->responsible[c]) e->categories |= 1u << c;
        if (e->min_x <= e->max_x) {
            ext[0] = fmin(ext[0], e->min_x);
            ext[1] = fmin(ext[1], e->min_y);
            ext[2] = fmax(ext[2], e->max_x);
            ext[3] = fmax(ext[3], e->max_y);
        }
    }
    qsort(zi->zones, zi->zone_count, sizeof *zi->zones, cmp_specificity);
    if (!(ext[0] <= ext[2])) ext[0] = ext[1] = ext[2] = ext[3] = 0;
    // About 64 buckets along the longer side, never smaller than 25 m.
    zi->bucket_m = fmax(25.0, fmax(ext[2] - ext[0], ext[3] - ext[1]) / 64.0);
    zi->min_x = ext[0];
    zi->min_y = ext[1];
    zi->nx = (int32_t)floor((ext[2] - ext[0]) / zi->bucket_m) + 1;
    zi->ny = (int32_t)floor((ext[3] - ext[1]) / zi->bucket_m) + 1;
    size_t buckets = (size_t)zi->nx * (size_t)zi->ny;
    zi->bucket_start = calloc(buckets + 1, sizeof *zi->bucket_start);
    if (!zi->bucket_start) goto nomem;
    uint64_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t k = 0; k < zi->zone_count; k++) {
            const gops_zone_entry_t *e = &zi->zones[k];
            if (!(e->min_x <= e->max_x)) continue;
            int32_t x0, y0, x1, y1;
            bucket_range(zi, e, &x0, &y0, &x1, &y1);
            for (int32_t by = y0; by <= y1; by++)
                for (int32_t bx = x0; bx <= x1; bx++) {
                    size_t b = (size_t)by * (size_t)zi->nx + (size_t)bx;
                    if (pass == 0) {
                        zi->bucket_start[b + 1]++;
                        total++;
                    } else {
                        zi->bucket_items[zi->bucket_start[b]++] = k;
                    }
                }
        }
        if (pass == 0) {
            for (size_t b = 0; b < buckets; b++) zi->bucket_start[b + 1] += zi->bucket_start[b];
            zi->bucket_items = malloc((size_t)(total + 1) * sizeof *zi->bucket_items);
            if (!zi->bucket_items) goto nomem;
        } else {
            // The fill advanced each start to the next bucket's; shift back.
            for (size_t b = buckets; b > 0; b--) zi->bucket_start[b] = zi->bucket_start[b - 1];
            zi->bucket_start[0] = 0;
        }
    }
    return zi;
nomem:
    gops_zone_index_destroy(zi);
    gops_error_set(err, GOPS_NOMEM, "zone index: out of memory");
    return NULL;
}

// Positions in zi->zones that may contain p (a bucket's list), or none outside all zones.
static const uint32_t *bucket_of(const gops_zone_index_t *zi, gops_point_t p, uint32_t *count)
{
    *count = 0;
    if (zi->zone_count == 0) return NULL;
    double fx = floor((p.x - zi->min_x) / zi->bucket_m), fy = floor((p.y - zi->min_y) / zi->bucket_m);
    if (!(fx >= 0 && fy >= 0 && fx < zi->nx && fy < zi->ny)) return NULL;
    size_t b = (size_t)fy * (size_t)zi->nx + (size_t)fx;
    *count = zi->bucket_start[b + 1] - zi->bucket_start[b];
    return zi->bucket_items + zi->bucket_start[b];
}

uint32_t gops_zone_index_query(const gops_zone_index_t *zi, gops_point_t p, uint32_t *zones, uint32_t cap)
{
    uint32_t n, found = 0;
    const uint32_t *items = bucket_of(zi, p, &n);
    for (uint32_t i = 0; i < n; i++) {
        const gops_zone_entry_t *e = &zi->zones[items[i]];
        if (!entry_contains(zi, e, p)) continue;
        if (found < cap) zones[found] = e->feature;
        found++;
    }
    return found;
}

int32_t gops_zone_index_at_level(const gops_zone_index_t *zi, gops_point_t p, gops_zone_level_t level)
{
    uint32_t n;
    const uint32_t *items = bucket_of(zi, p, &n);
    for (uint32_t i = 0; i < n; i++) {
        const gops_zone_entry_t *e = &zi->zones[items[i]];
        if (e->level == level && entry_contains(zi, e, p)) return (int32_t)e->feature;
    }
    return -1;
}

gops_responsibility_t gops_zone_index_responsible(const gops_zone_index_t *zi, gops_point_t p,
                                                  gops_category_t category)
{
    GOPS_ASSERT((unsigned)category < GOPS_CAT_COUNT);
    gops_responsibility_t r = {.units = 0, .primary_units = 0, .primary_zone = -1};
    uint32_t n;
    const uint32_t *items = bucket_of(zi, p, &n);
    for (uint32_t i = 0; i < n; i++) {
        const gops_zone_entry_t *e = &zi->zones[items[i]];
        if (!entry_contains(zi, e, p)) continue;
        uint32_t units = zi->map->features[e->feature].u.zone.responsible[category];
        r.units |= units;
        if (r.primary_zone < 0 && units) {
            r.primary_zone = (int32_t)e->feature;
            r.primary_units = units;
        }
    }
    return r;
}

// Categories covered at p and the most specific zone there (-1 when none).
static uint32_t covered_at(const gops_zone_index_t *zi, gops_point_t p, int32_t *top)
{
    uint32_t n, mask = 0;
    *top = -1;
    const uint32_t *items = bucket_of(zi, p, &n);
    for (uint32_t i = 0; i < n; i++) {
        const gops_zone_entry_t *e = &zi->zones[items[i]];
        if (!entry_contains(zi, e, p)) continue;
        if (*top < 0) *top = (int32_t)e->feature;
        mask |= e->categories;
    }
    return mask;
}

// ---------------------------------------------------------------------------------------
// Row spans of a zone: the even-odd crossings of all rings of all parts at height y
// (a crossing counts when exactly one end of the edge has y' <= y), sorted. Spans are
// [xs[0], xs[1]), [xs[2], xs[3]), ... This is the rule the walkable raster fills with.

static uint32_t zone_points(const gops_zone_t *z)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < z->part_count; i++)
        for (uint32_t r = 0; r < z->parts[i].ring_count; r++) n += z->parts[i].rings[r].count;
    return n;
}

static uint32_t zone_crossings(const gops_zone_t *z, double y, double *xs)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < z->part_count; i++)
        for (uint32_t r = 0; r < z->parts[i].ring_count; r++) {
            const gops_path_t *ring = &z->parts[i].rings[r];
            for (uint32_t k = 0; k < ring->count; k++) {
                gops_point_t p = ring->pts[k], q = ring->pts[(k + 1) % ring->count];
                if ((p.y <= y) == (q.y <= y)) continue;
                double x = p.x + (y - p.y) * (q.x - p.x) / (q.y - p.y);
                uint32_t j = n++;
                while (j > 0 && xs[j - 1] > x) {
                    xs[j] = xs[j - 1];
                    j--;
                }
                xs[j] = x;
            }
        }
    return n & ~1u;
}

// Lattice points x = (k + 0.5)·step with x in [u, v).
static void lattice_range(double u, double v, double step, double *k0, double *k1)
{
    *k0 = ceil(u / step - 0.5);
    *k1 = ceil(v / step - 0.5) - 1;
}

static int cmp_overlap(const void *pa, const void *pb)
{
    const gops_zone_overlap_t *a = pa, *b = pb;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

gops_status_t gops_zone_index_overlaps(const gops_zone_index_t *zi, double step_m,
                                       gops_zone_overlap_t **out, uint32_t *count, gops_error_t *err)
{
    *out = NULL;
    *count = 0;
    if (!(step_m >= 0) || !isfinite(step_m))
        return gops_error_set(err, GOPS_BAD_VALUE, "zone overlaps: sampling step %g m, expected >= 0", step_m);
    double base = step_m > 0 ? step_m : 1.0;
    uint32_t xs_cap = 2;
    for (uint32_t k = 0; k < zi->zone_count; k++) {
        uint32_t n = zone_points(&zi->map->features[zi->zones[k].feature].u.zone);
        if (n > xs_cap) xs_cap = n;
    }
    double *xa = malloc(xs_cap * sizeof *xa), *xb = malloc(xs_cap * sizeof *xb);
    gops_zone_overlap_t *list = NULL;
    uint32_t n_list = 0, cap_list = 0;
    gops_status_t st = GOPS_OK;
    if (!xa || !xb) {
        st = gops_error_set(err, GOPS_NOMEM, "zone overlaps: out of memory");
        goto cleanup;
    }
    for (uint32_t i = 0; i < zi->zone_count; i++)
        for (uint32_t j = i + 1; j < zi->zone_count; j++) {
            const gops_zone_entry_t *a = &zi->zones[i], *b = &zi->zones[j];
            if (a->level != b->level) continue;
            double x0 = fmax(a->min_x, b->min_x), x1 = fmin(a->max_x, b->max_x);
            double y0 = fmax(a->min_y, b->min_y), y1 = fmin(a->max_y, b->max_y);
            if (!(x0 < x1 && y0 < y1)) continue;
            double step = fmax(base, sqrt((x1 - x0) * (y1 - y0) / OVERLAP_MAX_SAMPLES));
            const gops_zone_t *za = &zi->map->features[a->feature].u.zone;
            const gops_zone_t *zb = &zi->map->features[b->feature].u.zone;
            double r0, r1, hits = 0;
            gops_point_t example = {0, 0};
            lattice_range(y0, y1, step, &r0, &r1);
            for (double ky = r0; ky <= r1; ky++) {
                double y = (ky + 0.5) * step;
                uint32_t na = zone_crossings(za, y, xa), nb = zone_crossings(zb, y, xb);
                // Intersect the two sorted span lists.
                uint32_t p = 0, q = 0;
                while (p < na && q < nb) {
                    double u = fmax(xa[p], xb[q]), v = fmin(xa[p + 1], xb[q + 1]);
                    if (u < v) {
                        double k0, k1;
                        lattice_range(u, v, step, &k0, &k1);
                        if (k1 >= k0) {
                            if (hits == 0) example = (gops_point_t){(k0 + 0.5) * step, y};
                            hits += k1 - k0 + 1;
                        }
                    }
                    if (xa[p + 1] < xb[q + 1]) p += 2;
                    else q += 2;
                }
            }
            if (hits == 0) continue;
            if (n_list == cap_list) {
                cap_list = cap_list ? 2 * cap_list : 16;
                gops_zone_overlap_t *grown = realloc(list, cap_list * sizeof *grown);
                if (!grown) {
                    st = gops_error_set(err, GOPS_NOMEM, "zone overlaps: out of memory");
                    goto cleanup;
                }
                list = grown;
            }
            uint32_t fa = a->feature < b->feature ? a->feature : b->feature;
            uint32_t fb = a->feature < b->feature ? b->feature : a->feature;
            list[n_list++] = (gops_zone_overlap_t){
                .a = fa, .b = fb, .level = a->level, .area_m2 = hits * step * step, .example = example};
        }
    if (n_list > 1) qsort(list, n_list, sizeof *list, cmp_overlap);
    *out = list;
    *count = n_list;
    list = NULL;
cleanup:
    free(list);
    free(xa);
    free(xb);
    return st;
}

// ---------------------------------------------------------------------------------------
// Coverage gaps.

typedef struct gap_table {
    int32_t *slot;             // [category × (zone_count + 1)] -> position in list, -1
    const gops_zone_index_t *zi;
    uint32_t *zone_pos;        // feature index -> position in zi->zones
    gops_coverage_gap_t *list;
    uint32_t count, cap;
} gap_table_t;

static gops_status_t gap_add(gap_table_t *t, uint32_t missing, int32_t top, gops_point_t p,
                             bool road, gops_error_t *err)
{
    uint32_t zslot = top < 0 ? 0 : t->zone_pos[top] + 1;
    for (int c = 0; c < GOPS_CAT_COUNT; c++) {
        if (!(missing & (1u << c))) continue;
        int32_t *slot = &t->slot[(size_t)c * (t->zi->zone_count + 1) + zslot];
        if (*slot < 0) {
            if (t->count == t->cap) {
                t->cap = t->cap ? 2 * t->cap : 16;
                gops_coverage_gap_t *grown = realloc(t->list, t->cap * sizeof *grown);
                if (!grown) return gops_error_set(err, GOPS_NOMEM, "coverage gaps: out of memory");
                t->list = grown;
            }
            *slot = (int32_t)t->count;
            t->list[t->count++] = (gops_coverage_gap_t){.category = (gops_category_t)c, .zone = top, .example = p};
        }
        if (road) t->list[*slot].road_points++;
        else t->list[*slot].cells++;
    }
    return GOPS_OK;
}

static int cmp_gap(const void *pa, const void *pb)
{
    const gops_coverage_gap_t *a = pa, *b = pb;
    if (a->category != b->category) return a->category < b->category ? -1 : 1;
    return (a->zone > b->zone) - (a->zone < b->zone);
}

// Walkable cells, row by row: spans of every zone crossing the row mark the categories
// covered; cells left short are checked again with the exact (boundary-inclusive) query,
// so a cell is a gap exactly when gops_zone_index_responsible says nobody answers there.
static gops_status_t gaps_in_cells(gap_table_t *t, const gops_walkable_t *w, gops_error_t *err)
{
    const gops_zone_index_t *zi = t->zi;
    uint32_t xs_cap = 2;
    for (uint32_t k = 0; k < zi->zone_count; k++) {
        uint32_t n = zone_points(&zi->map->features[zi->zones[k].feature].u.zone);
        if (n > xs_cap) xs_cap = n;
    }
    double *xs = malloc(xs_cap * sizeof *xs);
    uint16_t *cover = malloc(((size_t)w->nx + 1) * sizeof *cover);
    gops_status_t st = GOPS_OK;
    if (!xs || !cover) {
        st = gops_error_set(err, GOPS_NOMEM, "coverage gaps: out of memory");
        goto cleanup;
    }
    uint32_t i = 0;
    while (i < w->count) {
        uint32_t cy = w->cells[i] / (uint32_t)w->nx;
        uint32_t row_end = i;
        while (row_end < w->count && w->cells[row_end] / (uint32_t)w->nx == cy) row_end++;
        double y = w->min_y + (cy + 0.5) * w->cell;
        memset(cover, 0, (size_t)w->nx * sizeof *cover);
        for (uint32_t k = 0; k < zi->zone_count; k++) {
            const gops_zone_entry_t *e = &zi->zones[k];
            if (y < e->min_y || y > e->max_y || !e->categories) continue;
            uint32_t n = zone_crossings(&zi->map->features[e->feature].u.zone, y, xs);
            for (uint32_t s = 0; s < n; s += 2) {
                double a = ceil((xs[s] - w->min_x) / w->cell - 0.5);
                double b = ceil((xs[s + 1] - w->min_x) / w->cell - 0.5) - 1;
                if (a < 0) a = 0;
                if (b > w->nx - 1) b = w->nx - 1;
                if (!(a <= b)) continue; // also keeps both in range before the casts
                for (int32_t cx = (int32_t)a; cx <= (int32_t)b; cx++) cover[cx] |= (uint16_t)e->categories;
            }
        }
        for (; i < row_end; i++) {
            uint32_t cx = w->cells[i] % (uint32_t)w->nx;
            if ((cover[cx] & ALL_CATEGORIES) == ALL_CATEGORIES) continue;
            gops_point_t p = gops_walkable_centre(w, w->cells[i]);
            int32_t top;
            uint32_t missing = ALL_CATEGORIES & ~covered_at(zi, p, &top);
            if (missing && (st = gap_add(t, missing, top, p, false, err)) != GOPS_OK) goto cleanup;
        }
    }
cleanup:
    free(xs);
    free(cover);
    return st;
}

static gops_status_t road_sample(gap_table_t *t, gops_point_t p, gops_error_t *err)
{
    int32_t top;
    uint32_t missing = ALL_CATEGORIES & ~covered_at(t->zi, p, &top);
    return missing ? gap_add(t, missing, top, p, true, err) : GOPS_OK;
}

// Samples at arc length 0, 5, 10, ... m along each road, and at its last point.
static gops_status_t gaps_on_roads(gap_table_t *t, gops_error_t *err)
{
    const gops_map_t *map = t->zi->map;
    for (uint32_t f = 0; f < map->feature_count; f++) {
        if (map->features[f].kind != GOPS_FEAT_ROAD) continue;
        const gops_path_t *line = &map->features[f].u.road.line;
        if (line->count == 0) continue;
        double cum = 0;
        uint64_t n = 0;
        for (uint32_t k = 0; k + 1 < line->count; k++) {
            gops_point_t a = line->pts[k], b = line->pts[k + 1];
            double len = hypot(b.x - a.x, b.y - a.y);
            for (double next = n * GOPS_ZONE_ROAD_SAMPLE_M; next < cum + len;
                 next = ++n * GOPS_ZONE_ROAD_SAMPLE_M) {
                double u = (next - cum) / len;
                gops_point_t p = {a.x + (b.x - a.x) * u, a.y + (b.y - a.y) * u};
                gops_status_t st = road_sample(t, p, err);
                if (st != GOPS_OK) return st;
            }
            cum += len;
        }
        gops_status_t st = road_sample(t, line->pts[line->count - 1], err);
        if (st != GOPS_OK) return st;
    }
    return GOPS_OK;
}

gops_status_t gops_zone_index_gaps(const gops_zone_index_t *zi, const gops_walkable_t *walk,
                                   gops_coverage_gap_t **out, uint32_t *count, gops_error_t *err)
{
    *out = NULL;
    *count = 0;
    gap_table_t t = {.zi = zi};
    size_t slots = (size_t)GOPS_CAT_COUNT * (zi->zone_count + 1);
    t.slot = malloc(slots * sizeof *t.slot);
    t.zone_pos = malloc(((size_t)zi->map->feature_count + 1) * sizeof *t.zone_pos);
    gops_status_t st = GOPS_OK;
    if (!t.slot || !t.zone_pos) {
        st = gops_error_set(err, GOPS_NOMEM, "coverage gaps: out of memory");
        goto cleanup;
    }
    for (size_t s = 0; s < slots; s++) t.slot[s] = -1;
    for (uint32_t k = 0; k < zi->zone_count; k++) t.zone_pos[zi->zones[k].feature] = k;
    if (walk && (st = gaps_in_cells(&t, walk, err)) != GOPS_OK) goto cleanup;
    if ((st = gaps_on_roads(&t, err)) != GOPS_OK) goto cleanup;
    if (t.count > 1) qsort(t.list, t.count, sizeof *t.list, cmp_gap);
    *out = t.list;
    *count = t.count;
    t.list = NULL;
cleanup:
    free(t.slot);
    free(t.zone_pos);
    free(t.list);
    return st;
}
