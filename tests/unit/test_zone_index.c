// SPDX-License-Identifier: MIT
// Zone index suite: point lookups (inside, outside, holes, MultiPolygon parts, specificity
// order), responsible units and the primary zone, same-level overlaps with their area, and
// coverage gaps over walkable cells and road samples, on hand-built maps.
#include "fixture.h"
#include "world/zone_index.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// ---- a hand-built map --------------------------------------------------------------

#define U(unit) (1u << GOPS_UNIT_##unit)

static gops_map_t *map_new(void)
{
    gops_map_t *m = calloc(1, sizeof *m);
    ck_assert_ptr_nonnull(m);
    m->features = calloc(64, sizeof *m->features);
    ck_assert_ptr_nonnull(m->features);
    m->path = strdup("test.geojson");
    return m;
}

static gops_feature_t *add_feature(gops_map_t *m, gops_feature_kind_t kind)
{
    ck_assert_uint_lt(m->feature_count, 64);
    gops_feature_t *f = &m->features[m->feature_count];
    f->kind = kind;
    f->index = m->feature_count++;
    return f;
}

static gops_path_t rect_ring(double x0, double y0, double x1, double y1, bool ccw)
{
    gops_path_t p = {.pts = malloc(4 * sizeof(gops_point_t)), .count = 4};
    double a[8] = {x0, y0, x1, y0, x1, y1, x0, y1};
    double b[8] = {x0, y0, x0, y1, x1, y1, x1, y0};
    const double *xy = ccw ? a : b;
    for (int i = 0; i < 4; i++) p.pts[i] = (gops_point_t){xy[2 * i], xy[2 * i + 1]};
    return p;
}

static gops_polygon_t rect(double x0, double y0, double x1, double y1)
{
    gops_polygon_t p = {.rings = malloc(2 * sizeof(gops_path_t)), .ring_count = 1};
    p.rings[0] = rect_ring(x0, y0, x1, y1, true);
    return p;
}

static void add_hole(gops_polygon_t *p, double x0, double y0, double x1, double y1)
{
    p->rings[p->ring_count++] = rect_ring(x0, y0, x1, y1, false);
}

// A zone of one rectangle (more parts may be added); `units` for every category in `cats`.
static gops_zone_t *add_zone(gops_map_t *m, const char *id, gops_zone_level_t level, double x0,
                             double y0, double x1, double y1, uint32_t cats, uint32_t units)
{
    gops_feature_t *f = add_feature(m, GOPS_FEAT_ZONE);
    f->id = strdup(id);
    gops_zone_t *z = &f->u.zone;
    z->parts = malloc(4 * sizeof *z->parts);
    z->parts[0] = rect(x0, y0, x1, y1);
    z->part_count = 1;
    z->level = level;
    z->parent = -1;
    for (int c = 0; c < GOPS_CAT_COUNT; c++)
        if (cats & (1u << c)) z->responsible[c] = units;
    return z;
}

#define EVERY_CATEGORY ((1u << GOPS_CAT_COUNT) - 1u)
#define CAT(name) (1u << GOPS_CAT_##name)

static void add_plaza(gops_map_t *m, double x0, double y0, double x1, double y1)
{
    gops_feature_t *f = add_feature(m, GOPS_FEAT_PLAZA);
    f->shape = rect(x0, y0, x1, y1);
}

static void add_road(gops_map_t *m, double x0, double y0, double x1, double y1)
{
    gops_feature_t *f = add_feature(m, GOPS_FEAT_ROAD);
    gops_road_t *r = &f->u.road;
    r->line.pts = malloc(2 * sizeof(gops_point_t));
    r->line.pts[0] = (gops_point_t){x0, y0};
    r->line.pts[1] = (gops_point_t){x1, y1};
    r->line.count = 2;
    r->lanes = 1;
    r->speed_kmh = 30;
    r->width_m = 7;
    r->sidewalk_left_m = r->sidewalk_right_m = 3;
}

static void free_polygon(gops_polygon_t *p)
{
    for (uint32_t r = 0; r < p->ring_count; r++) free(p->rings[r].pts);
    free(p->rings);
}

static void map_free(gops_map_t *m)
{
    for (uint32_t i = 0; i < m->feature_count; i++) {
        gops_feature_t *f = &m->features[i];
        free(f->id);
        if (f->kind == GOPS_FEAT_ZONE) {
            for (uint32_t p = 0; p < f->u.zone.part_count; p++) free_polygon(&f->u.zone.parts[p]);
            free(f->u.zone.parts);
        }
        if (f->kind == GOPS_FEAT_ROAD) free(f->u.road.line.pts);
        free_polygon(&f->shape);
    }
    free(m->features);
    free(m->path);
    free(m);
}

static void set_bounds(gops_map_t *m, double x0, double y0, double x1, double y1)
{
    m->min_x = x0;
    m->min_y = y0;
    m->max_x = x1;
    m->max_y = y1;
}

// Feature 0: district D [0,200]², everything but fireworks → police.
// Feature 1: grid G1 [0,100]×[0,200] minus a hole [20,40]², crowd → grid worker.
// Feature 2: grid G2 [90,200]×[0,200], crowd → volunteer (overlaps G1 by 10 × 200 m).
// Feature 3: special S, two parts [150,160]² and [170,180]², fireworks → emergency.
static gops_map_t *zones_fixture(void)
{
    gops_map_t *m = map_new();
    add_zone(m, "D", GOPS_ZONE_DISTRICT, 0, 0, 200, 200, EVERY_CATEGORY & ~CAT(FIREWORKS), U(POLICE));
    gops_zone_t *g1 = add_zone(m, "G1", GOPS_ZONE_GRID, 0, 0, 100, 200, CAT(CROWD), U(GRID_WORKER));
    add_hole(&g1->parts[0], 20, 20, 40, 40);
    add_zone(m, "G2", GOPS_ZONE_GRID, 90, 0, 200, 200, CAT(CROWD), U(VOLUNTEER));
    gops_zone_t *s = add_zone(m, "S", GOPS_ZONE_SPECIAL, 150, 150, 160, 160, CAT(FIREWORKS), U(EMERGENCY));
    s->parts[1] = rect(170, 170, 180, 180);
    s->part_count = 2;
    set_bounds(m, 0, 0, 200, 200);
    return m;
}

static gops_zone_index_t *index_of(const gops_map_t *m)
{
    gops_error_t err;
    gops_error_clear(&err);
    gops_zone_index_t *zi = gops_zone_index_build(m, &err);
    ck_assert_msg(zi != NULL, "build failed: %s", err.message);
    return zi;
}

static uint32_t query(const gops_zone_index_t *zi, double x, double y, uint32_t *out)
{
    return gops_zone_index_query(zi, (gops_point_t){x, y}, out, 8);
}

// ---- lookups ------------------------------------------------------------------------

START_TEST(lookup_inside_outside_holes)
{
    gops_map_t *m = zones_fixture();
    gops_zone_index_t *zi = index_of(m);
    ck_assert_uint_eq(zi->zone_count, 4);
    uint32_t z[8];
    ck_assert_uint_eq(query(zi, 50, 50, z), 2);
    ck_assert_uint_eq(z[0], 1); // the grid before the district
    ck_assert_uint_eq(z[1], 0);
    ck_assert_uint_eq(query(zi, 30, 30, z), 1); // in G1's hole
    ck_assert_uint_eq(z[0], 0);
    ck_assert_uint_eq(query(zi, 95, 50, z), 3); // both grids: G1 is the smaller
    ck_assert_uint_eq(z[0], 1);
    ck_assert_uint_eq(z[1], 2);
    ck_assert_uint_eq(z[2], 0);
    ck_assert_uint_eq(query(zi, 155, 155, z), 3); // special first
    ck_assert_uint_eq(z[0], 3);
    ck_assert_uint_eq(query(zi, 175, 175, z), 3); // the second part
    ck_assert_uint_eq(z[0], 3);
    ck_assert_uint_eq(query(zi, 165, 165, z), 2); // between the parts
    ck_assert_uint_eq(z[0], 2);
    ck_assert_uint_eq(query(zi, 300, 300, z), 0);
    ck_assert_uint_eq(query(zi, -0.5, 50, z), 0);
    // A point on the district's edge is inside (borders are never gaps).
    ck_assert_uint_eq(query(zi, 200, 50, z), 2);
    // cap limits what is written, not what is counted.
    ck_assert_uint_eq(gops_zone_index_query(zi, (gops_point_t){95, 50}, z, 1), 3);
    ck_assert_int_eq(gops_zone_index_at_level(zi, (gops_point_t){50, 50}, GOPS_ZONE_GRID), 1);
    ck_assert_int_eq(gops_zone_index_at_level(zi, (gops_point_t){30, 30}, GOPS_ZONE_GRID), -1);
    ck_assert_int_eq(gops_zone_index_at_level(zi, (gops_point_t){30, 30}, GOPS_ZONE_DISTRICT), 0);
    ck_assert_int_eq(gops_zone_index_at_level(zi, (gops_point_t){30, 30}, GOPS_ZONE_SUBDISTRICT), -1);
    ck_assert(gops_zone_contains(m, 3, (gops_point_t){175, 171}));
    ck_assert(!gops_zone_contains(m, 1, (gops_point_t){25, 35}));
    gops_zone_index_destroy(zi);
    map_free(m);
}
END_TEST

START_TEST(responsible_units)
{
    gops_map_t *m = zones_fixture();
    gops_zone_index_t *zi = index_of(m);
    gops_responsibility_t r = gops_zone_index_responsible(zi, (gops_point_t){50, 50}, GOPS_CAT_CROWD);
    ck_assert_uint_eq(r.units, U(POLICE) | U(GRID_WORKER));
    ck_assert_int_eq(r.primary_zone, 1);
    ck_assert_uint_eq(r.primary_units, U(GRID_WORKER));
    r = gops_zone_index_responsible(zi, (gops_point_t){95, 50}, GOPS_CAT_CROWD);
    ck_assert_uint_eq(r.units, U(POLICE) | U(GRID_WORKER) | U(VOLUNTEER));
    ck_assert_int_eq(r.primary_zone, 1);
    // The grid names nobody for vending: the primary falls to the district.
    r = gops_zone_index_responsible(zi, (gops_point_t){50, 50}, GOPS_CAT_VENDING);
    ck_assert_uint_eq(r.units, U(POLICE));
    ck_assert_int_eq(r.primary_zone, 0);
    ck_assert_uint_eq(r.primary_units, U(POLICE));
    r = gops_zone_index_responsible(zi, (gops_point_t){50, 50}, GOPS_CAT_FIREWORKS);
    ck_assert_uint_eq(r.units, 0);
    ck_assert_int_eq(r.primary_zone, -1);
    r = gops_zone_index_responsible(zi, (gops_point_t){155, 155}, GOPS_CAT_FIREWORKS);
    ck_assert_uint_eq(r.units, U(EMERGENCY));
    ck_assert_int_eq(r.primary_zone, 3);
    r = gops_zone_index_responsible(zi, (gops_point_t){500, 5}, GOPS_CAT_CROWD);
    ck_assert_uint_eq(r.units, 0);
    ck_assert_int_eq(r.primary_zone, -1);
    gops_zone_index_destroy(zi);
    map_free(m);
}
END_TEST

START_TEST(specificity_order)
{
    gops_map_t *m = zones_fixture();
    gops_zone_index_t *zi = index_of(m);
    // special, grid (smaller first), district.
    ck_assert_uint_eq(zi->zones[0].feature, 3);
    ck_assert_uint_eq(zi->zones[1].feature, 1);
    ck_assert_uint_eq(zi->zones[2].feature, 2);
    ck_assert_uint_eq(zi->zones[3].feature, 0);
    ck_assert_double_eq_tol(zi->zones[1].area_m2, 20000 - 400, 1e-6);
    ck_assert_double_eq_tol(zi->zones[0].area_m2, 200, 1e-6);
    ck_assert_uint_eq(zi->zones[3].categories, EVERY_CATEGORY & ~CAT(FIREWORKS));
    gops_zone_index_destroy(zi);
    map_free(m);
}
END_TEST

START_TEST(no_zones)
{
    gops_map_t *m = map_new();
    add_plaza(m, 0, 0, 10, 10);
    set_bounds(m, 0, 0, 10, 10);
    gops_zone_index_t *zi = index_of(m);
    uint32_t z[2];
    ck_assert_uint_eq(zi->zone_count, 0);
    ck_assert_uint_eq(query(zi, 5, 5, z), 0);
    gops_zone_index_destroy(zi);
    map_free(m);
}
END_TEST

// ---- overlaps -----------------------------------------------------------------------

START_TEST(overlaps_same_level_only)
{
    gops_map_t *m = zones_fixture();
    gops_zone_index_t *zi = index_of(m);
    gops_zone_overlap_t *ov = NULL;
    uint32_t n = 99;
    gops_error_t err;
    ck_assert_int_eq(gops_zone_index_overlaps(zi, 0, &ov, &n, &err), GOPS_OK);
    ck_assert_uint_eq(n, 1); // G1/G2; grid-in-district is nesting, not overlap
    ck_assert_uint_eq(ov[0].a, 1);
    ck_assert_uint_eq(ov[0].b, 2);
    ck_assert_int_eq(ov[0].level, GOPS_ZONE_GRID);
    ck_assert_double_eq_tol(ov[0].area_m2, 10 * 200, 1e-9);
    ck_assert(ov[0].example.x > 90 && ov[0].example.x < 100);
    free(ov);
    gops_zone_index_destroy(zi);
    map_free(m);
}
END_TEST

START_TEST(overlap_minus_hole_and_coarse_step)
{
    gops_map_t *m = map_new();
    gops_zone_t *a = add_zone(m, "A", GOPS_ZONE_SUBDISTRICT, 0, 0, 100, 100, EVERY_CATEGORY, U(POLICE));
    add_hole(&a->parts[0], 60, 10, 70, 20); // a hole inside the shared part
    add_zone(m, "B", GOPS_ZONE_SUBDISTRICT, 50, 0, 150, 100, EVERY_CATEGORY, U(POLICE));
    add_zone(m, "C", GOPS_ZONE_SUBDISTRICT, 300, 0, 400, 100, EVERY_CATEGORY, U(POLICE));
    set_bounds(m, 0, 0, 400, 100);
    gops_zone_index_t *zi = index_of(m);
    gops_zone_overlap_t *ov = NULL;
    uint32_t n = 0;
    ck_assert_int_eq(gops_zone_index_overlaps(zi, 0, &ov, &n, NULL), GOPS_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_double_eq_tol(ov[0].area_m2, 50 * 100 - 100, 1e-9);
    free(ov);
    // A 5 m lattice: 10 × 20 samples of 25 m², minus the hole's 2 × 2.
    ck_assert_int_eq(gops_zone_index_overlaps(zi, 5, &ov, &n, NULL), GOPS_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_double_eq_tol(ov[0].area_m2, (200 - 4) * 25.0, 1e-9);
    free(ov);
    gops_error_t err;
    ck_assert_int_eq(gops_zone_index_overlaps(zi, -1, &ov, &n, &err), GOPS_BAD_VALUE);
    gops_zone_index_destroy(zi);
    map_free(m);
}
END_TEST

// ---- gaps ---------------------------------------------------------------------------

static const gops_coverage_gap_t *find_gap(const gops_coverage_gap_t *g, uint32_t n, gops_category_t c,
                                           int32_t zone)
{
    for (uint32_t i = 0; i < n; i++)
        if (g[i].category == c && g[i].zone == zone) return &g[i];
    return NULL;
}

START_TEST(gaps_in_walkable_cells)
{
    gops_map_t *m = zones_fixture();
    add_plaza(m, 0, 0, 220, 50); // feature 4: reaches 20 m beyond the district
    set_bounds(m, 0, 0, 220, 200);
    gops_walkable_t *w = gops_walkable_build(m, NULL, NULL);
    ck_assert_ptr_nonnull(w);
    ck_assert_uint_eq(w->count, 220 * 50);
    gops_zone_index_t *zi = index_of(m);
    gops_coverage_gap_t *g = NULL;
    uint32_t n = 0;
    gops_error_t err;
    ck_assert_int_eq(gops_zone_index_gaps(zi, w, &g, &n, &err), GOPS_OK);
    // Outside every zone: all 11 categories, 20 × 50 cells each.
    for (int c = 0; c < GOPS_CAT_COUNT; c++) {
        const gops_coverage_gap_t *out = find_gap(g, n, (gops_category_t)c, -1);
        ck_assert_ptr_nonnull(out);
        ck_assert_uint_eq(out->cells, 1000);
        ck_assert_uint_eq(out->road_points, 0);
        ck_assert(out->example.x > 200);
    }
    // Fireworks: nobody anywhere in the plaza; grouped by the most specific zone there.
    const gops_coverage_gap_t *in_g1 = find_gap(g, n, GOPS_CAT_FIREWORKS, 1);
    const gops_coverage_gap_t *in_hole = find_gap(g, n, GOPS_CAT_FIREWORKS, 0);
    const gops_coverage_gap_t *in_g2 = find_gap(g, n, GOPS_CAT_FIREWORKS, 2);
    ck_assert_ptr_nonnull(in_g1);
    ck_assert_ptr_nonnull(in_hole);
    ck_assert_ptr_nonnull(in_g2);
    ck_assert_uint_eq(in_g1->cells, 100 * 50 - 400);
    ck_assert_uint_eq(in_hole->cells, 400);
    ck_assert_uint_eq(in_g2->cells, 100 * 50);
    ck_assert_uint_eq(n, GOPS_CAT_COUNT + 3);
    // Sorted by category, then zone (-1 first).
    for (uint32_t i = 1; i < n; i++)
        ck_assert(g[i - 1].category < g[i].category ||
                  (g[i - 1].category == g[i].category && g[i - 1].zone < g[i].zone));
    // Crowd is covered inside the district: no crowd gap there.
    ck_assert_ptr_null(find_gap(g, n, GOPS_CAT_CROWD, 0));
    ck_assert_ptr_null(find_gap(g, n, GOPS_CAT_CROWD, 1));
    free(g);
    gops_zone_index_destroy(zi);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(gaps_on_roads)
{
    gops_map_t *m = zones_fixture();
    add_road(m, 0, 100, 250, 100); // samples at 0, 5, ..., 245 and 250: 51
    set_bounds(m, 0, 0, 250, 200);
    gops_zone_index_t *zi = index_of(m);
    gops_coverage_gap_t *g = NULL;
    uint32_t n = 0;
    ck_assert_int_eq(gops_zone_index_gaps(zi, NULL, &g, &n, NULL), GOPS_OK);
    // Beyond the district (x > 200): 205 ... 245 and 250 = 10 samples, every category.
    const gops_coverage_gap_t *out = find_gap(g, n, GOPS_CAT_CROWD, -1);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(out->road_points, 10);
    ck_assert_uint_eq(out->cells, 0);
    ck_assert_double_eq_tol(out->example.x, 205, 1e-9);
    // Fireworks: all 51 (x = 200 is on the district's edge, counted inside it).
    uint32_t fireworks = 0;
    for (uint32_t i = 0; i < n; i++)
        if (g[i].category == GOPS_CAT_FIREWORKS) fireworks += g[i].road_points;
    ck_assert_uint_eq(fireworks, 51);
    free(g);
    gops_zone_index_destroy(zi);
    map_free(m);
}
END_TEST

START_TEST(star_covers_everything)
{
    // Two grids sharing the edge x = 100, each with "*" (every category), a plaza over both
    // and a road along the shared edge: no gap anywhere, the border included.
    gops_map_t *m = map_new();
    add_zone(m, "W", GOPS_ZONE_GRID, 0, 0, 100, 100, EVERY_CATEGORY, U(GRID_WORKER));
    add_zone(m, "E", GOPS_ZONE_GRID, 100, 0, 200, 100, EVERY_CATEGORY, U(CITY_MANAGEMENT));
    add_plaza(m, 0, 10, 200, 20);
    add_road(m, 100, 30, 100, 90);
    set_bounds(m, 0, 0, 200, 100);
    gops_walkable_t *w = gops_walkable_build(m, NULL, NULL);
    ck_assert_ptr_nonnull(w);
    gops_zone_index_t *zi = index_of(m);
    gops_coverage_gap_t *g = NULL;
    uint32_t n = 99;
    ck_assert_int_eq(gops_zone_index_gaps(zi, w, &g, &n, NULL), GOPS_OK);
    ck_assert_uint_eq(n, 0);
    free(g);
    // Sharing an edge is not an overlap.
    gops_zone_overlap_t *ov = NULL;
    ck_assert_int_eq(gops_zone_index_overlaps(zi, 0, &ov, &n, NULL), GOPS_OK);
    ck_assert_uint_eq(n, 0);
    free(ov);
    // One category without a unit anywhere is a gap everywhere.
    m->features[0].u.zone.responsible[GOPS_CAT_DISPUTE] = 0;
    m->features[1].u.zone.responsible[GOPS_CAT_DISPUTE] = 0;
    gops_zone_index_destroy(zi);
    zi = index_of(m);
    ck_assert_int_eq(gops_zone_index_gaps(zi, w, &g, &n, NULL), GOPS_OK);
    ck_assert_uint_eq(n, 2); // dispute in W, dispute in E
    ck_assert_int_eq(g[0].category, GOPS_CAT_DISPUTE);
    ck_assert_uint_eq(g[0].cells + g[1].cells, w->count);
    ck_assert_uint_eq(g[0].road_points + g[1].road_points, 13); // 30, 35, ..., 85 and 90
    free(g);
    gops_zone_index_destroy(zi);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

// ---- a map loaded from GeoJSON ------------------------------------------------------

// world_zones.geojson was written in metres about (113.665 E, 34.7536 N); the loader
// projects about the map's own centroid, so points are converted through lon/lat.
static gops_point_t at(const gops_map_t *m, double x, double y)
{
    double lon, lat;
    gops_point_t p;
    gops_unproject(113.665, 34.7536, x, y, &lon, &lat);
    gops_project(m->origin_lon, m->origin_lat, lon, lat, &p.x, &p.y);
    return p;
}

START_TEST(geojson_zones)
{
    // D [-100,100]² with "*" → police; G1 [-100,0]×[-100,100] less a hole [-80,-60]², crowd →
    // grid worker, fireworks → nobody; G2 [-10,100]×[-100,100], crowd → volunteer; S, two parts
    // [50,60]² and [70,80]², fireworks → emergency and police; a plaza [-100,120]×[-20,20].
    gops_error_t err;
    gops_error_clear(&err);
    gops_map_t *m = gops_map_load(gops_test_source_path("tests/data/maps/world_zones.geojson"), &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    gops_zone_index_t *zi = index_of(m);
    uint32_t z[8];
    ck_assert_uint_eq(gops_zone_index_query(zi, at(m, -50, 50), z, 8), 2);
    ck_assert_str_eq(m->features[z[0]].id, "G1");
    ck_assert_uint_eq(gops_zone_index_query(zi, at(m, -70, -70), z, 8), 1);
    ck_assert_str_eq(m->features[z[0]].id, "D");
    ck_assert_uint_eq(gops_zone_index_query(zi, at(m, -5, 0), z, 8), 3);
    ck_assert_str_eq(m->features[z[0]].id, "G1");
    ck_assert_str_eq(m->features[z[1]].id, "G2");
    ck_assert_uint_eq(gops_zone_index_query(zi, at(m, 75, 75), z, 8), 3);
    ck_assert_str_eq(m->features[z[0]].id, "S");
    ck_assert_uint_eq(gops_zone_index_query(zi, at(m, 65, 65), z, 8), 2);
    ck_assert_uint_eq(gops_zone_index_query(zi, at(m, 110, 0), z, 8), 0);
    // "fireworks": [] in G1 names nobody; the district's "*" still answers.
    gops_responsibility_t r = gops_zone_index_responsible(zi, at(m, -50, 50), GOPS_CAT_FIREWORKS);
    ck_assert_uint_eq(r.units, U(POLICE));
    ck_assert_str_eq(m->features[r.primary_zone].id, "D");
    r = gops_zone_index_responsible(zi, at(m, -50, 50), GOPS_CAT_CROWD);
    ck_assert_uint_eq(r.units, U(POLICE) | U(GRID_WORKER));
    ck_assert_uint_eq(r.primary_units, U(GRID_WORKER));
    r = gops_zone_index_responsible(zi, at(m, 55, 55), GOPS_CAT_FIREWORKS);
    ck_assert_uint_eq(r.primary_units, U(EMERGENCY) | U(POLICE));
    ck_assert_str_eq(m->features[r.primary_zone].id, "S");
    // One overlap (the grids, 10 × 200 m); gaps only where the plaza leaves the district.
    gops_zone_overlap_t *ov = NULL;
    uint32_t n = 0;
    ck_assert_int_eq(gops_zone_index_overlaps(zi, 0, &ov, &n, NULL), GOPS_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_double_eq_tol(ov[0].area_m2, 2000, 20);
    free(ov);
    gops_walkable_t *w = gops_walkable_build(m, NULL, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_coverage_gap_t *g = NULL;
    ck_assert_int_eq(gops_zone_index_gaps(zi, w, &g, &n, NULL), GOPS_OK);
    ck_assert_uint_eq(n, GOPS_CAT_COUNT);
    for (uint32_t i = 0; i < n; i++) {
        ck_assert_int_eq(g[i].zone, -1);
        ck_assert_uint_eq(g[i].cells, g[0].cells);
        ck_assert_double_eq_tol(g[i].cells, 20 * 40, 40); // 20 × 40 m beyond the district
    }
    free(g);
    gops_walkable_destroy(w);
    gops_zone_index_destroy(zi);
    gops_map_destroy(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("zone_index");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, lookup_inside_outside_holes);
    tcase_add_test(tc, responsible_units);
    tcase_add_test(tc, specificity_order);
    tcase_add_test(tc, no_zones);
    tcase_add_test(tc, overlaps_same_level_only);
    tcase_add_test(tc, overlap_minus_hole_and_coarse_step);
    tcase_add_test(tc, gaps_in_walkable_cells);
    tcase_add_test(tc, gaps_on_roads);
    tcase_add_test(tc, star_covers_everything);
    tcase_add_test(tc, geojson_zones);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
