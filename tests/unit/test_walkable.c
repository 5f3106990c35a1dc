// SPDX-License-Identifier: MIT
// Walkable raster suite: areas of hand-made fixtures against hand-computed values (plazas,
// holes, buildings, sidewalk strips), the carriageway kept clear, crossings at shared road
// nodes, 4-connected components, anchor snapping, the compact index, lines of sight round a
// bend, and a printed build time for a 1.2 M-cell district.
#include "fixture.h"
#include "world/geometry.h"
#include "world/walkable.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// ---- a hand-built map --------------------------------------------------------------

#define MAX_FEATURES 2048

static gops_map_t *map_new(void)
{
    gops_map_t *m = calloc(1, sizeof *m);
    ck_assert_ptr_nonnull(m);
    m->features = calloc(MAX_FEATURES, sizeof *m->features);
    ck_assert_ptr_nonnull(m->features);
    m->path = strdup("test.geojson");
    m->origin_lon = 113.665;
    m->origin_lat = 34.7536;
    return m;
}

static gops_feature_t *add_feature(gops_map_t *m, gops_feature_kind_t kind)
{
    ck_assert_uint_lt(m->feature_count, MAX_FEATURES);
    gops_feature_t *f = &m->features[m->feature_count];
    f->kind = kind;
    f->index = m->feature_count++;
    return f;
}

static gops_path_t make_ring(uint32_t n, const double *xy)
{
    gops_path_t p = {.pts = malloc(n * sizeof(gops_point_t)), .count = n};
    for (uint32_t i = 0; i < n; i++) p.pts[i] = (gops_point_t){xy[2 * i], xy[2 * i + 1]};
    return p;
}

static gops_path_t make_rect_ring(double x0, double y0, double x1, double y1, bool ccw)
{
    double a[8] = {x0, y0, x1, y0, x1, y1, x0, y1};
    double b[8] = {x0, y0, x0, y1, x1, y1, x1, y0};
    return make_ring(4, ccw ? a : b);
}

static gops_polygon_t make_rect(double x0, double y0, double x1, double y1)
{
    gops_polygon_t p = {.rings = malloc(sizeof(gops_path_t)), .ring_count = 1};
    p.rings[0] = make_rect_ring(x0, y0, x1, y1, true);
    return p;
}

static gops_feature_t *add_area(gops_map_t *m, gops_feature_kind_t kind, double x0, double y0,
                                double x1, double y1)
{
    gops_feature_t *f = add_feature(m, kind);
    gops_polygon_t p = make_rect(x0, y0, x1, y1);
    if (kind == GOPS_FEAT_BUILDING) f->u.building.shape = p;
    else f->shape = p;
    f->at = (gops_point_t){(x0 + x1) / 2, (y0 + y1) / 2};
    return f;
}

static gops_road_t *add_road(gops_map_t *m, double width, double sidewalk, uint32_t n, const double *xy)
{
    gops_feature_t *f = add_feature(m, GOPS_FEAT_ROAD);
    gops_road_t *r = &f->u.road;
    r->line = make_ring(n, xy);
    r->road_class = GOPS_ROAD_LOCAL;
    r->lanes = 1;
    r->speed_kmh = 30;
    r->width_m = width;
    r->sidewalk_left_m = r->sidewalk_right_m = sidewalk;
    f->at = r->line.pts[0];
    return r;
}

static gops_feature_t *add_point(gops_map_t *m, gops_feature_kind_t kind, double x, double y)
{
    gops_feature_t *f = add_feature(m, kind);
    f->at = (gops_point_t){x, y};
    return f;
}

static void grow(gops_map_t *m, const gops_path_t *p)
{
    for (uint32_t i = 0; i < p->count; i++) {
        m->min_x = fmin(m->min_x, p->pts[i].x);
        m->min_y = fmin(m->min_y, p->pts[i].y);
        m->max_x = fmax(m->max_x, p->pts[i].x);
        m->max_y = fmax(m->max_y, p->pts[i].y);
    }
}

// Bounds of all geometry, as the loader computes them.
static void finish(gops_map_t *m)
{
    m->min_x = m->min_y = INFINITY;
    m->max_x = m->max_y = -INFINITY;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        gops_feature_t *f = &m->features[i];
        gops_path_t at = {.pts = &f->at, .count = 1};
        grow(m, &at);
        if (f->kind == GOPS_FEAT_ROAD) grow(m, &f->u.road.line);
        for (uint32_t r = 0; r < f->shape.ring_count; r++) grow(m, &f->shape.rings[r]);
        if (f->kind == GOPS_FEAT_BUILDING)
            for (uint32_t r = 0; r < f->u.building.shape.ring_count; r++) grow(m, &f->u.building.shape.rings[r]);
    }
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
        if (f->kind == GOPS_FEAT_ROAD) free(f->u.road.line.pts);
        if (f->kind == GOPS_FEAT_BUILDING) free_polygon(&f->u.building.shape);
        free_polygon(&f->shape);
    }
    free(m->features);
    free(m->path);
    free(m);
}

static gops_walkable_t *build_cell(gops_map_t *m, double cell)
{
    finish(m);
    gops_walkable_def_t def = gops_walkable_def_default();
    def.cell_m = cell;
    gops_error_t err;
    gops_error_clear(&err);
    gops_walkable_t *w = gops_walkable_build(m, &def, &err);
    ck_assert_msg(w != NULL, "build failed: %s", err.message);
    return w;
}

static bool walkable_at(const gops_walkable_t *w, double x, double y)
{
    uint32_t c = gops_walkable_cell_at(w, (gops_point_t){x, y});
    return c != GOPS_WALKABLE_NONE && gops_walkable_is_set(w, c);
}

// True when (x, y) is walkable only as part of a junction's box (not a sidewalk in line).
static bool box_at(const gops_walkable_t *w, double x, double y)
{
    uint32_t c = gops_walkable_cell_at(w, (gops_point_t){x, y});
    uint32_t i = c == GOPS_WALKABLE_NONE ? GOPS_WALKABLE_NONE : gops_walkable_index(w, c);
    return i != GOPS_WALKABLE_NONE && w->junction[i] == GOPS_JUNCTION_CELL_BOX;
}

// ---- areas --------------------------------------------------------------------------

START_TEST(plaza_minus_building)
{
    for (int k = 0; k < 2; k++) {
        double cell = k == 0 ? 1.0 : 0.5;
        gops_map_t *m = map_new();
        add_area(m, GOPS_FEAT_PLAZA, 0, 0, 40, 30);
        add_area(m, GOPS_FEAT_BUILDING, 10, 10, 20, 20);
        gops_walkable_t *w = build_cell(m, cell);
        // 40 × 30 − 10 × 10; the grid is aligned to multiples of the cell, so exact.
        ck_assert_double_eq_tol(gops_walkable_area_m2(w), 1100.0, 1e-9);
        ck_assert_uint_eq(w->component_count, 1);
        ck_assert(walkable_at(w, 5.2, 5.7));
        ck_assert(!walkable_at(w, 15, 15));
        ck_assert(walkable_at(w, 39.9, 29.9));
        ck_assert(!walkable_at(w, 40.1, 15));
        ck_assert_double_eq(fmod(w->min_x, cell), 0);
        gops_walkable_destroy(w);
        map_free(m);
    }
}
END_TEST

// A notch under a building's corner, as the raster steps along a slanted facade: heading
// north-west from (17.3, 9.9), the line runs into the building's underside (cell y 10-11 is
// wall at x >= 17); the direction keeps its westward part only. Open ground, a corner
// (wall north and east) and off the raster are the other cases.
START_TEST(direction_off_walls)
{
    gops_map_t *m = map_new();
    add_area(m, GOPS_FEAT_PLAZA, 0, 0, 40, 30);
    add_area(m, GOPS_FEAT_BUILDING, 17, 10, 40, 30);
    add_area(m, GOPS_FEAT_BUILDING, 18, 0, 40, 10);
    gops_walkable_t *w = build_cell(m, 1.0);
    float dx = -0.14f, dy = 0.99f;
    gops_walkable_off_walls(w, (gops_point_t){17.3, 9.9}, &dx, &dy);
    ck_assert_float_eq(dx, -1.0f);
    ck_assert_float_eq(dy, 0.0f);
    dx = -0.6f, dy = 0.8f; // one cell west the way north is open: unchanged
    gops_walkable_off_walls(w, (gops_point_t){16.5, 9.5}, &dx, &dy);
    ck_assert_float_eq_tol(dx, -0.6f, 1e-6f);
    ck_assert_float_eq_tol(dy, 0.8f, 1e-6f);
    dx = 0.6f, dy = 0.8f; // into the corner: walls north and east, nothing left
    gops_walkable_off_walls(w, (gops_point_t){17.5, 9.5}, &dx, &dy);
    ck_assert_float_eq(dx, 0.0f);
    ck_assert_float_eq(dy, 0.0f);
    dx = 0.0f, dy = -1.0f; // south at the plaza's edge: off the raster is a wall too
    gops_walkable_off_walls(w, (gops_point_t){5.5, 0.5}, &dx, &dy);
    ck_assert_float_eq(dy, 0.0f);
    dx = 0.0f, dy = 1.0f; // on a wall cell: left alone
    gops_walkable_off_walls(w, (gops_point_t){25.5, 20.5}, &dx, &dy);
    ck_assert_float_eq(dy, 1.0f);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

// In sight: a U round a building (plaza 0..50 × 0..40, building 10..40 × 0..30). Within an
// arm and from arm to bar along a steep line, yes; from one arm to the other across the
// building, no, nor along a line cutting its corner; in a convex place, every pair; a point off
// the raster or on the building, never.
START_TEST(in_sight_round_a_bend)
{
    gops_map_t *m = map_new();
    add_area(m, GOPS_FEAT_PLAZA, 0, 0, 50, 40);
    add_area(m, GOPS_FEAT_BUILDING, 10, 0, 40, 30);
    gops_walkable_t *w = build_cell(m, 0.5);
    gops_point_t left_low = {5, 5}, left_high = {5, 35}, right_low = {45, 5}, bar = {11, 39};
    ck_assert(gops_walkable_in_sight(w, left_low, left_high));
    ck_assert(gops_walkable_in_sight(w, left_low, bar)); // 6 m east over 34 m north: passes x 10 at y 33
    ck_assert(gops_walkable_in_sight(w, left_high, right_low) == false);
    ck_assert(gops_walkable_in_sight(w, left_low, right_low) == false);
    ck_assert(gops_walkable_in_sight(w, right_low, left_low) == false);
    ck_assert(gops_walkable_in_sight(w, left_low, (gops_point_t){20, 36}) == false); // cuts the building
    ck_assert(gops_walkable_in_sight(w, left_low, left_low));
    ck_assert(gops_walkable_in_sight(w, left_low, (gops_point_t){25, 20}) == false); // on the building
    ck_assert(gops_walkable_in_sight(w, left_low, (gops_point_t){60, 5}) == false);  // off the plaza
    gops_walkable_destroy(w);
    map_free(m);
    m = map_new();
    add_area(m, GOPS_FEAT_PLAZA, 0, 0, 50, 40);
    w = build_cell(m, 0.5);
    for (double x = 0.25; x < 50; x += 7) // from two opposite corners to a lattice of points
        for (double y = 0.25; y < 40; y += 5.5)
            ck_assert_msg(gops_walkable_in_sight(w, (gops_point_t){0.25, 39.75}, (gops_point_t){x, y}) &&
                              gops_walkable_in_sight(w, (gops_point_t){49.75, 0.25}, (gops_point_t){x, y}),
                          "(%g, %g) out of sight on a rectangle", x, y);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(polygon_hole_respected)
{
    gops_map_t *m = map_new();
    gops_feature_t *f = add_feature(m, GOPS_FEAT_WALKWAY);
    f->shape.rings = malloc(2 * sizeof(gops_path_t));
    f->shape.ring_count = 2;
    f->shape.rings[0] = make_rect_ring(0, 0, 20, 20, true);
    f->shape.rings[1] = make_rect_ring(5, 5, 10, 15, false);
    gops_walkable_t *w = build_cell(m, 1.0);
    ck_assert_double_eq_tol(gops_walkable_area_m2(w), 400.0 - 50.0, 1e-9);
    ck_assert(!walkable_at(w, 7, 10));
    ck_assert(walkable_at(w, 12, 10));
    ck_assert_uint_eq(w->component_count, 1); // the ring around the hole is one piece
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(triangle_area)
{
    // A right triangle with legs 60 and 40 at a 0.5 m raster: 1200 m² within the
    // boundary's share of half-cells (perimeter 172 m × 0.5 m / 2 at most).
    gops_map_t *m = map_new();
    gops_feature_t *f = add_feature(m, GOPS_FEAT_PEDESTRIAN_STREET);
    double xy[6] = {0, 0, 60, 0, 0, 40};
    f->shape.rings = malloc(sizeof(gops_path_t));
    f->shape.ring_count = 1;
    f->shape.rings[0] = make_ring(3, xy);
    gops_walkable_t *w = build_cell(m, 0.5);
    ck_assert_double_eq_tol(gops_walkable_area_m2(w), 1200.0, 172 * 0.5 / 2);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(sidewalk_strips)
{
    for (int k = 0; k < 2; k++) {
        double cell = k == 0 ? 1.0 : 0.5;
        gops_map_t *m = map_new();
        double xy[4] = {0, 50, 100, 50};
        add_road(m, 7, 3, 2, xy);
        gops_walkable_t *w = build_cell(m, cell);
        // 2 sides × 100 m × 3 m, square-ended; the carriageway (|y − 50| < 3.5) stays clear.
        ck_assert_double_eq_tol(gops_walkable_area_m2(w), 600.0, 1e-9);
        ck_assert_uint_eq(w->component_count, 2); // no crossing on a lone road
        ck_assert(walkable_at(w, 50, 54));
        ck_assert(walkable_at(w, 50, 45.2));
        ck_assert(!walkable_at(w, 50, 50));
        ck_assert(!walkable_at(w, 50, 57));
        ck_assert(!walkable_at(w, -1, 54)); // nothing beyond the line's end
        gops_walkable_destroy(w);
        map_free(m);
    }
}
END_TEST

START_TEST(sidewalk_sides_follow_direction)
{
    gops_map_t *m = map_new();
    double xy[4] = {0, 0, 100, 0}; // eastward: left is north
    gops_road_t *r = add_road(m, 6, 0, 2, xy);
    r->sidewalk_left_m = 2;
    r->sidewalk_right_m = 5;
    r->nonmotor_m = 1.5; // sidewalks start beyond the non-motor lanes
    gops_walkable_t *w = build_cell(m, 1.0);
    ck_assert_double_eq_tol(gops_walkable_area_m2(w), 700.0, 1e-9);
    uint32_t north = 0, south = 0;
    for (uint32_t i = 0; i < w->count; i++) {
        gops_point_t c = gops_walkable_centre(w, w->cells[i]);
        if (c.y > 0) {
            north++;
            ck_assert(c.y >= 4.5 && c.y < 6.5);
        } else {
            south++;
            ck_assert(c.y < -4.5 && c.y >= -9.5);
        }
    }
    ck_assert_uint_eq(north, 200);
    ck_assert_uint_eq(south, 500);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(diagonal_sidewalks)
{
    gops_map_t *m = map_new();
    double xy[4] = {0, 0, 80, 60}; // 100 m long
    add_road(m, 7, 3, 2, xy);
    gops_walkable_t *w = build_cell(m, 1.0);
    // 600 m² up to the raster's sampling of the strips' edges (4 edges, about 206 m).
    double area = gops_walkable_area_m2(w);
    ck_assert_double_eq_tol(area, 600.0, 0.02 * 600);
    // Every walkable centre lies in a band 3.5 to 6.5 m from the line, within its span.
    for (uint32_t i = 0; i < w->count; i++) {
        gops_point_t c = gops_walkable_centre(w, w->cells[i]);
        double t = (c.x * 0.8 + c.y * 0.6), s = -c.x * 0.6 + c.y * 0.8;
        ck_assert(t >= 0 && t <= 100);
        ck_assert((s >= 3.5 && s < 6.5) || (s >= -6.5 && s < -3.5)); // bands are [hw, hw + sw)
    }
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(bend_keeps_carriageway_clear)
{
    gops_map_t *m = map_new();
    double xy[6] = {0, 0, 50, 0, 50, 50}; // east, then a left turn north
    add_road(m, 7, 3, 3, xy);
    gops_walkable_t *w = build_cell(m, 1.0);
    for (uint32_t i = 0; i < w->count; i++) {
        gops_point_t c = gops_walkable_centre(w, w->cells[i]);
        // Distance to the polyline: never on the carriageway, never beyond the sidewalk.
        double d1 = c.x < 0 ? hypot(c.x, c.y) : c.x > 50 ? hypot(c.x - 50, c.y) : fabs(c.y);
        double d2 = c.y < 0 ? hypot(c.x - 50, c.y) : c.y > 50 ? hypot(c.x - 50, c.y - 50) : fabs(c.x - 50);
        double d = fmin(d1, d2);
        ck_assert_msg(d >= 3.5 && d <= 6.5, "cell at (%g, %g) is %g m from the line", c.x, c.y, d);
    }
    // Outer side: 2 × 50 × 3 plus a quarter annulus (π (6.5² − 3.5²) / 4 = 23.6);
    // inner side: 2 × 46.5 × 3 minus their 3 × 3 overlap = 270. About 594 m².
    ck_assert_double_eq_tol(gops_walkable_area_m2(w), 593.6, 8.0);
    ck_assert_uint_eq(w->component_count, 2); // inside and outside of the bend
    ck_assert(walkable_at(w, 54, -4)); // the outer corner is filled
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(building_clears_sidewalk)
{
    gops_map_t *m = map_new();
    double xy[4] = {0, 0, 100, 0};
    add_road(m, 7, 3, 2, xy);
    add_area(m, GOPS_FEAT_BUILDING, 20, 2, 40, 30); // covers the north sidewalk for 20 m
    gops_walkable_t *w = build_cell(m, 1.0);
    ck_assert_double_eq_tol(gops_walkable_area_m2(w), 600.0 - 60.0, 1e-9);
    ck_assert_uint_eq(w->component_count, 3); // south, north-west, north-east
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

// ---- components ---------------------------------------------------------------------

START_TEST(two_plazas)
{
    gops_map_t *m = map_new();
    add_area(m, GOPS_FEAT_PLAZA, 0, 0, 20, 20);
    add_area(m, GOPS_FEAT_PLAZA, 60, 0, 80, 20);
    gops_walkable_t *w = build_cell(m, 1.0);
    ck_assert_uint_eq(w->component_count, 2);
    ck_assert_uint_eq(w->component_size[0], 400);
    ck_assert_uint_eq(w->component_size[1], 400);
    ck_assert_uint_eq(w->largest, 0); // tie: the lower number
    // Numbered by first cell in row-major order: the western plaza's first cell is first.
    ck_assert_uint_eq(w->component[gops_walkable_index(w, gops_walkable_cell_at(w, (gops_point_t){5, 5}))], 0);
    ck_assert_uint_eq(w->component[gops_walkable_index(w, gops_walkable_cell_at(w, (gops_point_t){65, 5}))], 1);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(plazas_joined_by_walkway)
{
    gops_map_t *m = map_new();
    add_area(m, GOPS_FEAT_PLAZA, 0, 0, 20, 20);
    add_area(m, GOPS_FEAT_PLAZA, 60, 0, 80, 20);
    add_area(m, GOPS_FEAT_WALKWAY, 20, 8, 60, 11);
    gops_walkable_t *w = build_cell(m, 1.0);
    ck_assert_uint_eq(w->component_count, 1);
    ck_assert_double_eq_tol(gops_walkable_area_m2(w), 800.0 + 40 * 3, 1e-9);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(plazas_joined_by_sidewalk)
{
    gops_map_t *m = map_new();
    add_area(m, GOPS_FEAT_PLAZA, 0, 0, 20, 20);
    add_area(m, GOPS_FEAT_PLAZA, 60, 0, 80, 20);
    // A street north of both: its right (south) sidewalk spans y 18-22 and overlaps both
    // plazas; no sidewalk on its north side.
    double xy[4] = {10, 25, 70, 25};
    gops_road_t *r = add_road(m, 6, 4, 2, xy);
    r->sidewalk_left_m = 0;
    gops_walkable_t *w = build_cell(m, 1.0);
    ck_assert_uint_eq(w->component_count, 1);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(crossing_at_shared_node)
{
    // A T junction: a street from the south ends on an east-west street. Sidewalks run on
    // across the side street's mouth (in line, where people cross), but nothing crosses
    // the through street except the crossing disc (radius 3.5 + 2 m) at the shared node.
    for (int shared = 0; shared < 2; shared++) {
        gops_map_t *m = map_new();
        double h[6] = {0, 50, 50, 50, 100, 50};
        double v[4] = {50, 0, 50, shared ? 50 : 45};
        add_road(m, 7, 3, 3, h);
        add_road(m, 7, 3, 2, v);
        gops_walkable_t *w = build_cell(m, 1.0);
        ck_assert_uint_eq(w->component_count, (shared ? 1u : 2u));
        ck_assert(walkable_at(w, 50.5, 50.5) == (shared != 0)); // the junction's centre
        ck_assert(walkable_at(w, 45.2, 44.2));  // the side street's sidewalk meets the south one
        ck_assert(walkable_at(w, 52.5, 45.2));  // the south sidewalk crosses the side street
        ck_assert(!walkable_at(w, 50.5, 40.5)); // the side street's carriageway
        // The disc's cells off the sidewalks are the junction's box; the sidewalks in line
        // (where people cross) and those along the streets are not.
        ck_assert(box_at(w, 50.5, 50.5) == (shared != 0));
        ck_assert(!box_at(w, 52.5, 45.2));
        ck_assert(!box_at(w, 45.2, 44.2));
        ck_assert(!box_at(w, 20.5, 44.2));
        gops_walkable_destroy(w);
        map_free(m);
    }
    // A crossroads whose streets cross without a common vertex still gets sidewalks across
    // each other, but no crossing disc: its centre stays carriageway.
    gops_map_t *m = map_new();
    double h[4] = {0, 50, 100, 50}, v[4] = {50, 0, 50, 100};
    add_road(m, 7, 3, 2, h);
    add_road(m, 7, 3, 2, v);
    gops_walkable_t *w = build_cell(m, 1.0);
    ck_assert(!walkable_at(w, 50.5, 50.5));
    ck_assert(walkable_at(w, 45.2, 50.5)); // the north-south street's west sidewalk, across
    ck_assert(!box_at(w, 45.2, 50.5));
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

// ---- anchors and the index ----------------------------------------------------------

START_TEST(anchors_snap)
{
    gops_map_t *m = map_new();
    add_area(m, GOPS_FEAT_PLAZA, 0, 0, 40, 30);       // 0
    add_area(m, GOPS_FEAT_BUILDING, 10, 10, 20, 20);  // 1
    add_point(m, GOPS_FEAT_ENTRANCE, 15, 10);         // 2: on the building's south wall
    add_point(m, GOPS_FEAT_TRANSIT, 15, 15);          // 3: deep inside: 5.5 m to the nearest centre
    add_point(m, GOPS_FEAT_TRANSIT, 44, 15);          // 4: 4 m east of the plaza
    add_area(m, GOPS_FEAT_PLAZA, 100, 0, 110, 10);    // 5
    add_point(m, GOPS_FEAT_POST, 105, 5);             // 6
    add_point(m, GOPS_FEAT_CAMERA, 0, 0);             // 7: not an anchor
    gops_walkable_t *w = build_cell(m, 1.0);
    ck_assert_uint_eq(w->anchor_count, 4);
    const gops_walkable_anchor_t *e = gops_walkable_anchor_of(w, 2);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_ne(e->walk, GOPS_WALKABLE_NONE);
    ck_assert_double_eq_tol(e->snap_m, sqrt(0.5), 1e-12); // the centre (14.5 or 15.5, 9.5)
    ck_assert_uint_eq(e->component, 0);
    const gops_walkable_anchor_t *t = gops_walkable_anchor_of(w, 3);
    ck_assert_uint_eq(t->walk, GOPS_WALKABLE_NONE);
    ck_assert_uint_eq(t->component, GOPS_WALKABLE_NONE);
    const gops_walkable_anchor_t *t2 = gops_walkable_anchor_of(w, 4);
    ck_assert_uint_ne(t2->walk, GOPS_WALKABLE_NONE);
    ck_assert_double_eq_tol(t2->snap_m, hypot(4.5, 0.5), 1e-12);
    const gops_walkable_anchor_t *p = gops_walkable_anchor_of(w, 6);
    ck_assert_uint_eq(p->component, 1);
    ck_assert_double_eq_tol(p->snap_m, sqrt(0.5), 1e-12);
    ck_assert_ptr_null(gops_walkable_anchor_of(w, 7));
    ck_assert_ptr_null(gops_walkable_anchor_of(w, 1));
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(index_matches_cells)
{
    gops_map_t *m = map_new();
    add_area(m, GOPS_FEAT_PLAZA, 0, 0, 97, 33);
    add_area(m, GOPS_FEAT_BUILDING, 13, 7, 71, 19);
    double xy[6] = {0, 60, 45, 90, 130, 61};
    add_road(m, 10, 3, 3, xy);
    gops_walkable_t *w = build_cell(m, 0.5);
    uint32_t total = (uint32_t)w->nx * (uint32_t)w->ny, seen = 0;
    for (uint32_t c = 0; c < total; c++) {
        uint32_t i = gops_walkable_index(w, c);
        if (i == GOPS_WALKABLE_NONE) continue;
        ck_assert_uint_eq(i, seen);
        ck_assert_uint_eq(w->cells[i], c);
        seen++;
    }
    ck_assert_uint_eq(seen, w->count);
    uint32_t sum = 0;
    for (uint32_t k = 0; k < w->component_count; k++) sum += w->component_size[k];
    ck_assert_uint_eq(sum, w->count);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(bad_input)
{
    gops_map_t *m = map_new();
    add_area(m, GOPS_FEAT_PLAZA, 0, 0, 10, 10);
    finish(m);
    gops_walkable_def_t def = gops_walkable_def_default();
    ck_assert_double_eq(def.cell_m, 1.0);
    ck_assert_double_eq(def.snap_radius_m, 5.0);
    def.cell_m = 0.05;
    gops_error_t err;
    gops_error_clear(&err);
    ck_assert_ptr_null(gops_walkable_build(m, &def, &err));
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "0.05"));
    map_free(m);

    m = map_new(); // nothing at all: no bounds
    m->min_x = m->min_y = INFINITY;
    m->max_x = m->max_y = -INFINITY;
    gops_error_clear(&err);
    ck_assert_ptr_null(gops_walkable_build(m, NULL, &err));
    ck_assert_int_eq(err.status, GOPS_MAP);
    ck_assert_ptr_nonnull(strstr(err.message, "test.geojson"));
    map_free(m);

    m = map_new(); // 10 × 10 km at 1 m: 100 M cells, beyond the limit
    add_area(m, GOPS_FEAT_PLAZA, 0, 0, 10000, 10000);
    finish(m);
    gops_error_clear(&err);
    ck_assert_ptr_null(gops_walkable_build(m, NULL, &err));
    ck_assert_int_eq(err.status, GOPS_MAP);
    ck_assert_ptr_nonnull(strstr(err.message, "cells"));
    map_free(m);
}
END_TEST

// ---- a district-sized raster ---------------------------------------------------------

// A 1.1 km × 1.1 km grid of 12 × 12 streets (every 100 m, 14 m carriageways, 3 m
// sidewalks) with four buildings on a plaza in every block: 1.2 M cells at 1 m.
static gops_map_t *district(void)
{
    gops_map_t *m = map_new();
    double xy[2 * 12];
    for (int k = 0; k < 12; k++) {
        for (int j = 0; j < 12; j++) {
            xy[2 * j] = 100.0 * j;
            xy[2 * j + 1] = 100.0 * k;
        }
        add_road(m, 14, 3, 12, xy);
        for (int j = 0; j < 12; j++) {
            xy[2 * j] = 100.0 * k;
            xy[2 * j + 1] = 100.0 * j;
        }
        add_road(m, 14, 3, 12, xy);
    }
    for (int bx = 0; bx < 11; bx++)
        for (int by = 0; by < 11; by++) {
            double x = 100.0 * bx, y = 100.0 * by;
            add_area(m, GOPS_FEAT_BUILDING, x + 20, y + 20, x + 45, y + 45);
            add_area(m, GOPS_FEAT_BUILDING, x + 55, y + 20, x + 80, y + 45);
            add_area(m, GOPS_FEAT_BUILDING, x + 20, y + 55, x + 45, y + 80);
            add_area(m, GOPS_FEAT_BUILDING, x + 55, y + 55, x + 80, y + 80);
            add_area(m, GOPS_FEAT_PLAZA, x + 9, y + 9, x + 91, y + 91);
            add_point(m, GOPS_FEAT_ENTRANCE, x + 32, y + 20);
        }
    return m;
}

START_TEST(district_build_time)
{
    gops_map_t *m = district();
    finish(m);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    gops_walkable_t *w = gops_walkable_build(m, NULL, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_ptr_nonnull(w);
    double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    uint32_t cells = (uint32_t)w->nx * (uint32_t)w->ny;
    printf("walkable raster: %d x %d = %u cells at 1 m, %u walkable (%.0f m2), %u component(s), "
           "built in %.1f ms (this build's flags; speed targets live in the benchmarks)\n",
           w->nx, w->ny, cells, w->count, gops_walkable_area_m2(w), w->component_count, ms);
    ck_assert_uint_ge(cells, 1200000);
    // Sidewalks and crossings tie every block into one network; plazas touch their sidewalks.
    ck_assert_uint_eq(w->component_count, 1);
    ck_assert_uint_eq(w->anchor_count, 121);
    for (uint32_t a = 0; a < w->anchor_count; a++) ck_assert_uint_eq(w->anchors[a].component, 0);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

// ---- a map loaded from GeoJSON ------------------------------------------------------

START_TEST(geojson_fixture_area)
{
    // world_walk.geojson: a 100 × 80 m plaza with a 20 × 20 m hole, a 30 × 30 m building on
    // it and a 100 × 10 m pedestrian street along its east side: about 7,700 m². The raster
    // must match the exact areas of the projected polygons to its sampling error.
    gops_error_t err;
    gops_error_clear(&err);
    gops_map_t *m = gops_map_load(gops_test_source_path("tests/data/maps/world_walk.geojson"), &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    ck_assert_uint_eq(m->feature_count, 3);
    double exact = gops_polygon_area(&m->features[0].shape) - gops_polygon_area(&m->features[1].u.building.shape) +
                   gops_polygon_area(&m->features[2].shape);
    ck_assert_double_eq_tol(exact, 7700, 2);
    for (int k = 0; k < 2; k++) {
        gops_walkable_def_t def = gops_walkable_def_default();
        def.cell_m = k == 0 ? 1.0 : 0.5;
        gops_walkable_t *w = gops_walkable_build(m, &def, &err);
        ck_assert_msg(w != NULL, "%s", err.message);
        // Sampling error: at most half a cell along each of about 780 m of edges, in
        // practice far less; allow 1 %.
        ck_assert_double_eq_tol(gops_walkable_area_m2(w), exact, 0.01 * exact);
        ck_assert_uint_eq(w->component_count, 1);
        gops_walkable_destroy(w);
    }
    gops_map_destroy(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("walkable");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, plaza_minus_building);
    tcase_add_test(tc, polygon_hole_respected);
    tcase_add_test(tc, direction_off_walls);
    tcase_add_test(tc, triangle_area);
    tcase_add_test(tc, sidewalk_strips);
    tcase_add_test(tc, sidewalk_sides_follow_direction);
    tcase_add_test(tc, diagonal_sidewalks);
    tcase_add_test(tc, bend_keeps_carriageway_clear);
    tcase_add_test(tc, building_clears_sidewalk);
    tcase_add_test(tc, two_plazas);
    tcase_add_test(tc, plazas_joined_by_walkway);
    tcase_add_test(tc, plazas_joined_by_sidewalk);
    tcase_add_test(tc, crossing_at_shared_node);
    tcase_add_test(tc, anchors_snap);
    tcase_add_test(tc, index_matches_cells);
    tcase_add_test(tc, in_sight_round_a_bend);
    tcase_add_test(tc, bad_input);
    tcase_add_test(tc, geojson_fixture_area);
    tcase_add_test(tc, district_build_time);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
