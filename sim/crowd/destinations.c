// SPDX-License-Identifier: MIT
// The destination table: which map features visitors go to, in a fixed order, with the
// features (and walkable cells) that define each one; and the weighted choice among them.
// Ordering rules: table order is buildings, plazas, pedestrian streets, vendor points (each
// in feature order), then exits (modes in enum order, then garages in feature order); draws
// scan the table in that order. Does not count occupants or know about visitors.
#include "crowd/destinations.h"

#include "core/assert.h"
#include "world/geometry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_S 86400.0

_Static_assert((int)GOPS_DEST_MALL == (int)GOPS_BUILDING_MALL &&
                   (int)GOPS_DEST_OTHER_BUILDING == (int)GOPS_BUILDING_OTHER,
               "building destination classes mirror the building categories");

static const char *const class_names[GOPS_DEST_CLASS_COUNT] = {
    "mall", "office", "residential", "transit_building", "other_building",
    "plaza", "pedestrian_street", "vendor_point", "exit",
};

static const char *const exit_labels[GOPS_TRANSIT_MODE_COUNT] = {
    "exit:metro_exit", "exit:bus_stop", "exit:rail_station", "exit:garage", "exit:edge",
};

const char *gops_dest_class_name(gops_dest_class_t c)
{
    return (unsigned)c < GOPS_DEST_CLASS_COUNT ? class_names[c] : "?";
}

int gops_dest_class_from_name(const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < GOPS_DEST_CLASS_COUNT; i++)
        if (strcmp(name, class_names[i]) == 0) return i;
    return -1;
}

gops_destinations_def_t gops_destinations_def_default(void)
{
    // Assumptions, to be replaced by survey data: what share of a visitor's stops go to each
    // kind of place. The district is a shopping district (FACTS.md: 22 large commercial
    // complexes, nearly 10,000 merchants), so malls take most stops; Dehua pedestrian street
    // and the tower squares are the sights; vendor points (5 points, 97 stalls) draw a few
    // evening stops. Offices, homes and the coach station are not visitors' stops.
    gops_destinations_def_t d = {{0}};
    d.class_weight[GOPS_DEST_MALL] = 0.55;
    d.class_weight[GOPS_DEST_OTHER_BUILDING] = 0.05;
    d.class_weight[GOPS_DEST_PLAZA] = 0.15;
    d.class_weight[GOPS_DEST_STREET] = 0.20;
    d.class_weight[GOPS_DEST_VENDOR] = 0.05;
    return d;
}

void gops_destinations_destroy(gops_destinations_t *t)
{
    if (!t) return;
    free(t->dest);
    free(t->cum);
    free(t->sources);
    free(t->exit_of_feature);
    free(t->dest_of_feature);
    free(t);
}

static const char *feature_label(const gops_feature_t *f)
{
    if (f->id) return f->id;
    if (f->name) return f->name;
    return "(unnamed)";
}

// Growable arrays used while building.
typedef struct builder {
    gops_destinations_t *t;
    uint32_t dest_cap, src_cap;
} builder_t;

static gops_destination_t *push_dest(builder_t *b)
{
    gops_destinations_t *t = b->t;
    if (t->count == b->dest_cap) {
        uint32_t cap = b->dest_cap ? b->dest_cap * 2 : 64;
        gops_destination_t *d = realloc(t->dest, cap * sizeof *d);
        if (!d) return NULL;
        t->dest = d;
        b->dest_cap = cap;
    }
    gops_destination_t *d = &t->dest[t->count++];
    memset(d, 0, sizeof *d);
    d->feature = -1;
    d->building = -1;
    d->open_s = d->close_s = -1;
    d->first_source = t->source_count;
    return d;
}

static bool push_source(builder_t *b, gops_destination_t *d, uint32_t feature)
{
    gops_destinations_t *t = b->t;
    if (t->source_count == b->src_cap) {
        uint32_t cap = b->src_cap ? b->src_cap * 2 : 128;
        int32_t *s = realloc(t->sources, cap * sizeof *s);
        if (!s) return false;
        t->sources = s;
        b->src_cap = cap;
    }
    t->sources[t->source_count++] = (int32_t)feature;
    d->source_count++;
    return true;
}

gops_destinations_t *gops_destinations_build(const gops_map_t *map, const gops_destinations_def_t *def,
                                             gops_error_t *err)
{
    GOPS_ASSERT(map && def);
    gops_error_clear(err);
    for (int c = 0; c < GOPS_DEST_CLASS_COUNT; c++) {
        double w = def->class_weight[c];
        if (c != GOPS_DEST_EXIT && (!isfinite(w) || w < 0)) {
            gops_error_set(err, GOPS_BAD_VALUE, "destinations: class_weight.%s = %g, expected a number >= 0",
                           class_names[c], w);
            return NULL;
        }
    }
    gops_destinations_t *t = calloc(1, sizeof *t);
    uint32_t nf = map->feature_count;
    builder_t b = {.t = t};
    uint32_t *ent_start = NULL, *ent_list = NULL, *bldg_ordinal = NULL;
    if (!t) goto nomem;
    t->feature_count = nf;
    t->exit_of_feature = malloc((nf ? nf : 1) * sizeof *t->exit_of_feature);
    t->dest_of_feature = malloc((nf ? nf : 1) * sizeof *t->dest_of_feature);
    ent_start = calloc(nf + 1, sizeof *ent_start);
    ent_list = malloc((nf ? nf : 1) * sizeof *ent_list);
    bldg_ordinal = malloc((nf ? nf : 1) * sizeof *bldg_ordinal);
    if (!t->exit_of_feature || !t->dest_of_feature || !ent_start || !ent_list || !bldg_ordinal) goto nomem;
    for (uint32_t i = 0; i < nf; i++) t->exit_of_feature[i] = t->dest_of_feature[i] = GOPS_DEST_NONE;
    {
        // Indices are uint16 (pedestrians store them): bound the table before filling it.
        uint32_t upper = GOPS_TRANSIT_MODE_COUNT;
        for (uint32_t i = 0; i < nf; i++) {
            gops_feature_kind_t k = map->features[i].kind;
            upper += k == GOPS_FEAT_BUILDING || k == GOPS_FEAT_PLAZA || k == GOPS_FEAT_PEDESTRIAN_STREET ||
                     k == GOPS_FEAT_VENDOR_POINT || k == GOPS_FEAT_TRANSIT;
        }
        if (upper >= GOPS_DEST_NONE) {
            gops_error_set(err, GOPS_MAP, "%s: up to %u destinations, expected at most %u",
                           map->path ? map->path : "map", upper, (unsigned)GOPS_DEST_NONE - 1);
            goto fail;
        }
    }
    for (int c = 0; c < GOPS_DEST_CLASS_COUNT; c++) t->class_weight[c] = c == GOPS_DEST_EXIT ? 0 : def->class_weight[c];

    // Entrances grouped by building (counting sort, feature order within a building).
    for (uint32_t i = 0; i < nf; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind == GOPS_FEAT_ENTRANCE && f->u.entrance.building >= 0 && (uint32_t)f->u.entrance.building < nf)
            ent_start[f->u.entrance.building + 1]++;
    }
    for (uint32_t i = 0; i < nf; i++) ent_start[i + 1] += ent_start[i];
    {
        uint32_t *fill = bldg_ordinal; // borrowed as a cursor array for the moment
        for (uint32_t i = 0; i < nf; i++) fill[i] = ent_start[i];
        for (uint32_t i = 0; i < nf; i++) {
            const gops_feature_t *f = &map->features[i];
            if (f->kind == GOPS_FEAT_ENTRANCE && f->u.entrance.building >= 0 && (uint32_t)f->u.entrance.building < nf)
                ent_list[fill[f->u.entrance.building]++] = i;
        }
        uint32_t ord = 0;
        for (uint32_t i = 0; i < nf; i++) fill[i] = map->features[i].kind == GOPS_FEAT_BUILDING ? ord++ : UINT32_MAX;
    }

    // Buildings.
    for (uint32_t i = 0; i < nf; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind != GOPS_FEAT_BUILDING) continue;
        gops_dest_class_t cls = (gops_dest_class_t)f->u.building.category;
        if (!(t->class_weight[cls] > 0) || !(f->u.building.attractiveness > 0)) continue;
        if (ent_start[i + 1] == ent_start[i]) continue; // no way in
        gops_destination_t *d = push_dest(&b);
        if (!d) goto nomem;
        d->cls = cls;
        d->feature = (int32_t)i;
        d->building = (int32_t)bldg_ordinal[i];
        d->weight = f->u.building.attractiveness;
        d->label = feature_label(f);
        double sx = 0, sy = 0;
        for (uint32_t k = ent_start[i]; k < ent_start[i + 1]; k++) {
            const gops_feature_t *e = &map->features[ent_list[k]];
            if (!push_source(&b, d, ent_list[k])) goto nomem;
            sx += e->at.x;
            sy += e->at.y;
        }
        d->at = (gops_point_t){sx / d->source_count, sy / d->source_count};
    }
    // Areas and vendor points, class by class so the table groups them.
    const gops_feature_kind_t area_kinds[3] = {GOPS_FEAT_PLAZA, GOPS_FEAT_PEDESTRIAN_STREET, GOPS_FEAT_VENDOR_POINT};
    const gops_dest_class_t area_classes[3] = {GOPS_DEST_PLAZA, GOPS_DEST_STREET, GOPS_DEST_VENDOR};
    for (int a = 0; a < 3; a++) {
        if (!(t->class_weight[area_classes[a]] > 0)) continue;
        for (uint32_t i = 0; i < nf; i++) {
            const gops_feature_t *f = &map->features[i];
            if (f->kind != area_kinds[a]) continue;
            double w = f->kind == GOPS_FEAT_VENDOR_POINT ? (double)f->u.vendor_point.stalls
                                                         : gops_polygon_area(&f->shape);
            if (!(w > 0)) continue;
            gops_destination_t *d = push_dest(&b);
            if (!d) goto nomem;
            d->cls = area_classes[a];
            d->feature = (int32_t)i;
            d->weight = w;
            d->at = f->at;
            d->label = feature_label(f);
            if (f->kind == GOPS_FEAT_VENDOR_POINT) {
                d->open_s = f->u.vendor_point.open_s;
                d->close_s = f->u.vendor_point.close_s;
            }
            if (!push_source(&b, d, i)) goto nomem;
        }
    }
    uint32_t choosable = t->count;
    // Exits: one per mode (garages apart), then one per garage.
    for (int m = 0; m < GOPS_TRANSIT_MODE_COUNT; m++) t->exit_of_mode[m] = GOPS_DEST_NONE;
    for (int m = 0; m < GOPS_TRANSIT_MODE_COUNT; m++) {
        if (m == GOPS_TRANSIT_GARAGE) continue;
        gops_destination_t *d = NULL;
        double sx = 0, sy = 0;
        for (uint32_t i = 0; i < nf; i++) {
            const gops_feature_t *f = &map->features[i];
            if (f->kind != GOPS_FEAT_TRANSIT || (int)f->u.transit.mode != m) continue;
            if (!d) {
                if (!(d = push_dest(&b))) goto nomem;
                d->cls = GOPS_DEST_EXIT;
                d->mode = (gops_transit_mode_t)m;
                d->label = exit_labels[m];
                t->exit_of_mode[m] = (uint16_t)(t->count - 1);
            }
            if (!push_source(&b, d, i)) goto nomem;
            t->exit_of_feature[i] = (uint16_t)(t->count - 1);
            sx += f->at.x;
            sy += f->at.y;
        }
        if (d) d->at = (gops_point_t){sx / d->source_count, sy / d->source_count};
    }
    for (uint32_t i = 0; i < nf; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind != GOPS_FEAT_TRANSIT || f->u.transit.mode != GOPS_TRANSIT_GARAGE) continue;
        gops_destination_t *d = push_dest(&b);
        if (!d) goto nomem;
        d->cls = GOPS_DEST_EXIT;
        d->mode = GOPS_TRANSIT_GARAGE;
        d->feature = (int32_t)i;
        d->label = feature_label(f);
        d->at = f->at;
        if (!push_source(&b, d, i)) goto nomem;
        t->exit_of_feature[i] = (uint16_t)(t->count - 1);
        if (t->exit_of_mode[GOPS_TRANSIT_GARAGE] == GOPS_DEST_NONE)
            t->exit_of_mode[GOPS_TRANSIT_GARAGE] = (uint16_t)(t->count - 1);
    }
    for (uint16_t k = 0; k < t->count; k++)
        if (t->dest[k].feature >= 0 && t->dest[k].cls != GOPS_DEST_EXIT) t->dest_of_feature[t->dest[k].feature] = k;
    {
        // share = P(class) · P(destination | class), over the classes present in the table.
        double class_total[GOPS_DEST_CLASS_COUNT] = {0}, weight_sum = 0;
        for (uint32_t k = 0; k < choosable; k++) class_total[t->dest[k].cls] += t->dest[k].weight;
        for (int c = 0; c < GOPS_DEST_CLASS_COUNT; c++)
            if (class_total[c] > 0) weight_sum += t->class_weight[c];
        for (uint32_t k = 0; k < choosable; k++) {
            gops_destination_t *d = &t->dest[k];
            d->share = t->class_weight[d->cls] / weight_sum * (d->weight / class_total[d->cls]);
        }
        if (!(t->cum = malloc((t->count ? t->count : 1) * sizeof *t->cum))) goto nomem;
        double acc = 0;
        for (uint32_t k = 0; k < t->count; k++) t->cum[k] = acc += t->dest[k].share;
        // Pin the end to exactly 1 so a uniform in [0, 1) always lands in a choosable bin.
        for (uint32_t k = choosable ? choosable - 1 : 0; k < t->count; k++) t->cum[k] = 1.0;
    }
    if (choosable == 0) {
        gops_error_set(err, GOPS_MAP,
                       "%s: no destination for visitors, expected at least one mall or other building with an "
                       "entrance, plaza, pedestrian street or vendor point (with a class weight > 0)",
                       map->path ? map->path : "map");
        goto fail;
    }
    if (t->count == choosable) {
        gops_error_set(err, GOPS_MAP, "%s: no transit point, expected at least one (visitors enter and leave there)",
                       map->path ? map->path : "map");
        goto fail;
    }
    free(ent_start);
    free(ent_list);
    free(bldg_ordinal);
    return t;

nomem:
    gops_error_set(err, GOPS_NOMEM, "destinations: out of memory");
fail:
    free(ent_start);
    free(ent_list);
    free(bldg_ordinal);
    gops_destinations_destroy(t);
    return NULL;
}

bool gops_destination_open_at(const gops_destination_t *d, double t_s)
{
    if (d->open_s < 0 || d->close_s < 0) return true;
    double s = fmod(t_s, DAY_S);
    if (d->open_s < d->close_s) return s >= d->open_s && s < d->close_s;
    return s >= d->open_s || s < d->close_s; // past midnight
}

// Eligible as a stop at time t, given the closed flags and the exclusion list.
static bool eligible(const gops_destinations_t *t, uint16_t k, double t_s, const uint8_t *closed,
                     const uint16_t *exclude, uint32_t n_exclude)
{
    const gops_destination_t *d = &t->dest[k];
    if (d->cls == GOPS_DEST_EXIT || !(d->share > 0)) return false;
    if (closed && closed[k]) return false;
    if (!gops_destination_open_at(d, t_s)) return false;
    for (uint32_t i = 0; i < n_exclude; i++)
        if (exclude[i] == k) return false;
    return true;
}

// The exact conditional draw: one pass for the eligible total, one to find the bin.
static uint16_t draw_scan(const gops_destinations_t *t, gops_rng_t *rng, double t_s, const uint8_t *closed,
                          const uint16_t *exclude, uint32_t n_exclude)
{
    double total = 0;
    uint16_t last = GOPS_DEST_NONE;
    for (uint16_t k = 0; k < t->count; k++)
        if (eligible(t, k, t_s, closed, exclude, n_exclude)) {
            total += t->dest[k].share;
            last = k;
        }
    double u = gops_rng_uniform(rng) * total;
    if (last == GOPS_DEST_NONE) return GOPS_DEST_NONE;
    double acc = 0;
    for (uint16_t k = 0; k < t->count; k++) {
        if (!eligible(t, k, t_s, closed, exclude, n_exclude)) continue;
        acc += t->dest[k].share;
        if (u < acc) return k;
    }
    return last; // u rounded up to the total
}

uint16_t gops_destinations_draw(const gops_destinations_t *t, gops_rng_t *rng, double t_s, const uint8_t *closed,
                                const uint16_t *exclude, uint32_t n_exclude)
{
    // Rejection: draw from the unconditioned shares and keep the first eligible result,
    // which has exactly the conditional distribution. Usually one or two tries; when
    // little is eligible the scan takes over (the mix is still exact: each route yields the
    // same conditional distribution).
    for (int tries = 0; tries < 16; tries++) {
        double u = gops_rng_uniform(rng);
        uint32_t lo = 0, hi = t->count - 1u; // first k with cum[k] > u; cum[count-1] = 1 > u
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (t->cum[mid] > u) hi = mid;
            else lo = mid + 1;
        }
        if (eligible(t, (uint16_t)lo, t_s, closed, exclude, n_exclude)) return (uint16_t)lo;
    }
    return draw_scan(t, rng, t_s, closed, exclude, n_exclude);
}

double gops_destinations_probability(const gops_destinations_t *t, uint16_t dest, double t_s)
{
    GOPS_ASSERT(dest < t->count);
    if (!eligible(t, dest, t_s, NULL, NULL, 0)) return 0;
    double total = 0;
    for (uint16_t k = 0; k < t->count; k++)
        if (eligible(t, k, t_s, NULL, NULL, 0)) total += t->dest[k].share;
    return t->dest[dest].share / total;
}

// Appends v to a growable uint32 array.
static bool append_u32(uint32_t **a, uint32_t *n, uint32_t *cap, uint32_t v)
{
    if (*n == *cap) {
        uint32_t c = *cap ? *cap * 2 : 64;
        uint32_t *p = realloc(*a, c * sizeof *p);
        if (!p) return false;
        *a = p;
        *cap = c;
    }
    (*a)[(*n)++] = v;
    return true;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

// Walkable indices of the cells whose centres lie in the polygon.
static bool polygon_cells(const gops_walkable_t *w, const gops_polygon_t *poly, uint32_t **a, uint32_t *n,
                          uint32_t *cap)
{
    if (poly->ring_count == 0 || poly->rings[0].count == 0) return true;
    const gops_path_t *outer = &poly->rings[0];
    double x0 = outer->pts[0].x, x1 = x0, y0 = outer->pts[0].y, y1 = y0;
    for (uint32_t i = 1; i < outer->count; i++) {
        x0 = fmin(x0, outer->pts[i].x), x1 = fmax(x1, outer->pts[i].x);
        y0 = fmin(y0, outer->pts[i].y), y1 = fmax(y1, outer->pts[i].y);
    }
    long cx0 = (long)floor((x0 - w->min_x) / w->cell), cx1 = (long)floor((x1 - w->min_x) / w->cell);
    long cy0 = (long)floor((y0 - w->min_y) / w->cell), cy1 = (long)floor((y1 - w->min_y) / w->cell);
    if (cx0 < 0) cx0 = 0;
    if (cy0 < 0) cy0 = 0;
    if (cx1 >= w->nx) cx1 = w->nx - 1;
    if (cy1 >= w->ny) cy1 = w->ny - 1;
    for (long cy = cy0; cy <= cy1; cy++)
        for (long cx = cx0; cx <= cx1; cx++) {
            uint32_t cell = (uint32_t)(cy * w->nx + cx);
            if (!gops_walkable_is_set(w, cell)) continue;
            if (!gops_polygon_contains(poly, gops_walkable_centre(w, cell))) continue;
            if (!append_u32(a, n, cap, gops_walkable_index(w, cell))) return false;
        }
    return true;
}

gops_status_t gops_destinations_cells(const gops_destinations_t *t, const gops_map_t *map,
                                      const gops_walkable_t *walk, uint16_t dest, const uint8_t *feature_closed,
                                      uint32_t **cells, uint32_t *count, gops_error_t *err)
{
    GOPS_ASSERT(t && map && walk && cells && count && dest < t->count);
    gops_error_clear(err);
    const gops_destination_t *d = &t->dest[dest];
    uint32_t *a = NULL, n = 0, cap = 0;
    for (uint32_t s = 0; s < d->source_count; s++) {
        uint32_t fi = (uint32_t)t->sources[d->first_source + s];
        if (feature_closed && feature_closed[fi]) continue;
        const gops_feature_t *f = &map->features[fi];
        bool is_area = (f->kind == GOPS_FEAT_PLAZA || f->kind == GOPS_FEAT_PEDESTRIAN_STREET ||
                        f->kind == GOPS_FEAT_VENDOR_POINT) && f->shape.ring_count > 0;
        uint32_t before = n;
        if (is_area && !polygon_cells(walk, &f->shape, &a, &n, &cap)) goto nomem;
        if (n == before) {
            // A point (entrance, transit, vendor point), or an area too small to hold a cell
            // centre: its snapped cell.
            const gops_walkable_anchor_t *an = gops_walkable_anchor_of(walk, fi);
            uint32_t wi = an ? an->walk : gops_walkable_snap(walk, f->at, 5.0, NULL);
            if (wi != GOPS_WALKABLE_NONE && !append_u32(&a, &n, &cap, wi)) goto nomem;
        }
    }
    if (n > 1) {
        qsort(a, n, sizeof *a, cmp_u32);
        uint32_t m = 1;
        for (uint32_t i = 1; i < n; i++)
            if (a[i] != a[m - 1]) a[m++] = a[i];
        n = m;
    }
    *cells = a;
    *count = n;
    return GOPS_OK;
nomem:
    free(a);
    *cells = NULL;
    *count = 0;
    return gops_error_set(err, GOPS_NOMEM, "destinations: out of memory listing the cells of %s", d->label);
}
