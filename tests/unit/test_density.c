// SPDX-License-Identifier: MIT
// Density suite: densities of known arrangements on hand-built maps (16 people in one 2 m
// cell = 4 persons/m²), window averaging, exclusion of mostly non-walkable cells, LOS and
// safety band boundaries and pedestrian-weighted shares, names of the peak's place,
// cell-minutes, warnings (hold, once per episode, hysteresis), order independence, and the
// Erqi map's areas.
#include "crowd/density.h"
#include "fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// ---- a hand-built map (freed by gops_map_destroy, so everything is heap-allocated) ----

#define MAX_FEATURES 64

static gops_map_t *map_new(void)
{
    gops_map_t *m = calloc(1, sizeof *m);
    ck_assert_ptr_nonnull(m);
    m->features = calloc(MAX_FEATURES, sizeof *m->features);
    ck_assert_ptr_nonnull(m->features);
    m->path = strdup("test.geojson");
    return m;
}

static gops_feature_t *add_feature(gops_map_t *m, gops_feature_kind_t kind, const char *name)
{
    ck_assert_uint_lt(m->feature_count, MAX_FEATURES);
    gops_feature_t *f = &m->features[m->feature_count];
    f->kind = kind;
    f->index = m->feature_count++;
    f->name = name ? strdup(name) : NULL;
    return f;
}

static gops_polygon_t make_rect(double x0, double y0, double x1, double y1)
{
    gops_polygon_t p = {.rings = malloc(sizeof(gops_path_t)), .ring_count = 1};
    p.rings[0].pts = malloc(4 * sizeof(gops_point_t));
    p.rings[0].count = 4;
    p.rings[0].pts[0] = (gops_point_t){x0, y0};
    p.rings[0].pts[1] = (gops_point_t){x1, y0};
    p.rings[0].pts[2] = (gops_point_t){x1, y1};
    p.rings[0].pts[3] = (gops_point_t){x0, y1};
    return p;
}

static void add_area(gops_map_t *m, gops_feature_kind_t kind, const char *name, double x0, double y0, double x1,
                     double y1)
{
    gops_feature_t *f = add_feature(m, kind, name);
    if (kind == GOPS_FEAT_BUILDING) f->u.building.shape = make_rect(x0, y0, x1, y1);
    else f->shape = make_rect(x0, y0, x1, y1);
    f->at = (gops_point_t){(x0 + x1) / 2, (y0 + y1) / 2};
}

static void add_special_zone(gops_map_t *m, const char *name, double x0, double y0, double x1, double y1)
{
    gops_feature_t *f = add_feature(m, GOPS_FEAT_ZONE, name);
    f->id = strdup(name);
    f->u.zone.parts = malloc(sizeof(gops_polygon_t));
    f->u.zone.parts[0] = make_rect(x0, y0, x1, y1);
    f->u.zone.part_count = 1;
    f->u.zone.level = GOPS_ZONE_SPECIAL;
    f->u.zone.parent = -1;
    f->at = (gops_point_t){(x0 + x1) / 2, (y0 + y1) / 2};
}

static void add_road(gops_map_t *m, const char *name, double x0, double y0, double x1, double y1, double width,
                     double sidewalk)
{
    gops_feature_t *f = add_feature(m, GOPS_FEAT_ROAD, name);
    gops_road_t *r = &f->u.road;
    r->line.pts = malloc(2 * sizeof(gops_point_t));
    r->line.count = 2;
    r->line.pts[0] = (gops_point_t){x0, y0};
    r->line.pts[1] = (gops_point_t){x1, y1};
    r->road_class = GOPS_ROAD_LOCAL;
    r->lanes = 1;
    r->speed_kmh = 30;
    r->width_m = width;
    r->sidewalk_left_m = r->sidewalk_right_m = sidewalk;
    f->at = r->line.pts[0];
}

static void grow(gops_map_t *m, gops_point_t p)
{
    m->min_x = fmin(m->min_x, p.x);
    m->min_y = fmin(m->min_y, p.y);
    m->max_x = fmax(m->max_x, p.x);
    m->max_y = fmax(m->max_y, p.y);
}

static void grow_polygon(gops_map_t *m, const gops_polygon_t *p)
{
    for (uint32_t r = 0; r < p->ring_count; r++)
        for (uint32_t i = 0; i < p->rings[r].count; i++) grow(m, p->rings[r].pts[i]);
}

// Bounds of all geometry, as the loader computes them.
static void finish(gops_map_t *m)
{
    m->min_x = m->min_y = INFINITY;
    m->max_x = m->max_y = -INFINITY;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        gops_feature_t *f = &m->features[i];
        grow(m, f->at);
        grow_polygon(m, &f->shape);
        if (f->kind == GOPS_FEAT_ROAD)
            for (uint32_t k = 0; k < f->u.road.line.count; k++) grow(m, f->u.road.line.pts[k]);
        if (f->kind == GOPS_FEAT_BUILDING) grow_polygon(m, &f->u.building.shape);
        if (f->kind == GOPS_FEAT_ZONE)
            for (uint32_t k = 0; k < f->u.zone.part_count; k++) grow_polygon(m, &f->u.zone.parts[k]);
    }
}

static gops_walkable_t *build_walk(gops_map_t *m, double cell)
{
    finish(m);
    gops_walkable_def_t def = gops_walkable_def_default();
    def.cell_m = cell;
    gops_error_t err;
    gops_error_clear(&err);
    gops_walkable_t *w = gops_walkable_build(m, &def, &err);
    ck_assert_msg(w != NULL, "walkable build failed: %s", err.message);
    return w;
}

static gops_density_t *make_density(const gops_walkable_t *w, const gops_map_t *m, const gops_density_def_t *def)
{
    gops_error_t err;
    gops_error_clear(&err);
    gops_density_t *d = gops_density_create(def, w, m, 0.1, &err);
    ck_assert_msg(d != NULL, "density create failed: %s", err.message);
    return d;
}

// A fixture: one 20 × 20 m plaza, raster 1 m, density cells of 2 m starting at (0, 0).
typedef struct fixture {
    gops_map_t *map;
    gops_walkable_t *walk;
    gops_density_t *d;
    float x[4096], y[4096];
    uint32_t n;
    uint64_t step;
} fixture_t;

static fixture_t *plaza_fixture(const gops_density_def_t *def)
{
    fixture_t *f = calloc(1, sizeof *f);
    ck_assert_ptr_nonnull(f);
    f->map = map_new();
    add_area(f->map, GOPS_FEAT_PLAZA, "广场", 0, 0, 20, 20);
    f->walk = build_walk(f->map, 1.0);
    f->d = make_density(f->walk, f->map, def);
    return f;
}

static void fixture_free(fixture_t *f)
{
    gops_density_destroy(f->d);
    gops_walkable_destroy(f->walk);
    gops_map_destroy(f->map);
    free(f);
}

// Puts k pedestrians evenly in the 2 m cell whose lower-left corner is (x0, y0): on a
// 4 × 4 lattice (offsets 0.25, 0.75, 1.25, 1.75), then 4 × 4 again 0.1 m shifted, etc.
static void crowd_cell(fixture_t *f, double x0, double y0, uint32_t k)
{
    for (uint32_t i = 0; i < k; i++) {
        uint32_t j = i % 16, layer = i / 16;
        ck_assert_uint_lt(f->n, 4096);
        f->x[f->n] = (float)(x0 + 0.25 + 0.5 * (j % 4) + 0.1 * layer);
        f->y[f->n] = (float)(y0 + 0.25 + 0.5 * (j / 4) + 0.05 * layer);
        f->n++;
    }
}

// Steps `steps` times with the current arrangement; returns how many windows closed and
// the last one in *win.
static int run_steps(fixture_t *f, uint32_t steps, gops_density_window_t *win)
{
    int closed = 0;
    for (uint32_t s = 0; s < steps; s++) {
        f->step++;
        if (gops_density_step(f->d, f->x, f->y, f->n, f->step * 0.1, win)) closed++;
    }
    return closed;
}

// ---- density of known arrangements -----------------------------------------------------

START_TEST(sixteen_in_one_cell_is_four)
{
    fixture_t *f = plaza_fixture(NULL);
    gops_density_grid_t g = gops_density_grid(f->d);
    ck_assert_int_eq(g.nx, 10);
    ck_assert_int_eq(g.ny, 10);
    ck_assert_double_eq(g.min_x, 0);
    ck_assert_float_eq(g.area_m2[0], 4.0f);
    ck_assert_uint_eq(gops_density_window_steps(f->d), 100);
    crowd_cell(f, 0, 0, 16);
    gops_density_window_t win;
    ck_assert_int_eq(run_steps(f, 99, &win), 0); // the window is not complete yet
    ck_assert_int_eq(run_steps(f, 1, &win), 1);
    ck_assert_uint_eq(win.index, 0);
    ck_assert_uint_eq(win.steps, 100);
    ck_assert_double_eq_tol(win.end_s, 10.0, 1e-9);
    ck_assert_double_eq_tol(win.start_s, 0.0, 1e-9);
    ck_assert_double_eq(win.peak.ppm2, 4.0);
    ck_assert_uint_eq(win.peak.cell, 0);
    ck_assert_double_eq_tol(win.peak.at.x, 1.0, 1e-12); // walkable centroid of [0,2)²
    ck_assert_double_eq_tol(win.peak.at.y, 1.0, 1e-12);
    ck_assert_str_eq(win.peak.where, "广场");
    ck_assert_double_eq(win.pedestrians, 16);
    ck_assert_double_eq(win.excluded, 0);
    ck_assert_double_eq(win.los_share[GOPS_LOS_F], 1.0);
    ck_assert_double_eq(win.safety_share[GOPS_SAFETY_UNSTABLE], 1.0);
    ck_assert_uint_eq(win.cells_above, 0); // 4.0 is not above 4
    ck_assert_float_eq(g.last_ppm2[0], 4.0f);
    ck_assert_float_eq(g.max_ppm2[0], 4.0f);
    ck_assert_float_eq(g.last_ppm2[1], 0.0f);
    const gops_density_window_t *last = gops_density_last_window(f->d);
    ck_assert_double_eq(last->peak.ppm2, 4.0);
    fixture_free(f);
}
END_TEST

START_TEST(window_mean_of_step_counts)
{
    fixture_t *f = plaza_fixture(NULL);
    gops_density_window_t win;
    // 8 people for 50 steps, nobody for 50: mean 4 in 4 m² = 1.0.
    crowd_cell(f, 10, 10, 8);
    run_steps(f, 50, &win);
    f->n = 0;
    ck_assert_int_eq(run_steps(f, 50, &win), 1);
    uint32_t cell = gops_density_cell_at(f->d, (gops_point_t){11, 11});
    ck_assert_uint_eq(cell, 5 * 10 + 5);
    ck_assert_double_eq(win.peak.ppm2, 1.0);
    ck_assert_uint_eq(win.peak.cell, cell);
    ck_assert_double_eq(win.pedestrians, 4.0);
    ck_assert_double_eq(win.los_share[GOPS_LOS_D], 1.0); // D is 0.72 to 1.08
    // 3 people for 30 steps of the next window: mean 0.9, density 0.225.
    crowd_cell(f, 10, 10, 3);
    run_steps(f, 30, &win);
    f->n = 0;
    ck_assert_int_eq(run_steps(f, 70, &win), 1);
    ck_assert_double_eq_tol(win.peak.ppm2, 0.225, 1e-12);
    ck_assert_double_eq_tol(win.start_s, 10.0, 1e-9);
    ck_assert_double_eq_tol(win.end_s, 20.0, 1e-9);
    gops_density_grid_t g = gops_density_grid(f->d);
    ck_assert_float_eq_tol(g.last_ppm2[cell], 0.225f, 1e-7f);
    ck_assert_float_eq(g.max_ppm2[cell], 1.0f); // the maximum keeps the first window
    // An empty window clears the last densities but not the maxima.
    ck_assert_int_eq(run_steps(f, 100, &win), 1);
    ck_assert_float_eq(g.last_ppm2[cell], 0.0f);
    ck_assert_float_eq(g.max_ppm2[cell], 1.0f);
    ck_assert_double_eq(win.peak.ppm2, 0);
    ck_assert_uint_eq(win.peak.cell, GOPS_DENSITY_NONE);
    ck_assert_str_eq(win.peak.where, "");
    for (int k = 0; k < GOPS_LOS_COUNT; k++) ck_assert_double_eq(win.los_share[k], 0);
    // The run's peak is the first window's.
    const gops_density_totals_t *t = gops_density_totals(f->d);
    ck_assert_uint_eq(t->windows, 3);
    ck_assert_double_eq(t->peak.ppm2, 1.0);
    ck_assert_double_eq_tol(t->peak.time_s, 10.0, 1e-9);
    fixture_free(f);
}
END_TEST

START_TEST(window_length_configurable)
{
    gops_density_def_t def = gops_density_def_default();
    def.window_s = 2.0;
    fixture_t *f = plaza_fixture(&def);
    ck_assert_uint_eq(gops_density_window_steps(f->d), 20);
    crowd_cell(f, 0, 0, 4);
    gops_density_window_t win;
    ck_assert_int_eq(run_steps(f, 100, &win), 5);
    ck_assert_uint_eq(win.index, 4);
    ck_assert_double_eq(win.peak.ppm2, 1.0);
    fixture_free(f);
}
END_TEST

START_TEST(sampling_every_k_steps)
{
    // 16 people on steps 0, 10, 20, ... of each window and nobody otherwise: counted every
    // 10 steps they are always there (4 persons/m²); counted every step, a tenth of that.
    for (int k = 0; k < 2; k++) {
        gops_density_def_t def = gops_density_def_default();
        def.sample_every_steps = k == 0 ? 10 : 1;
        fixture_t *f = plaza_fixture(&def);
        gops_density_window_t win;
        for (int s = 0; s < 200; s++) {
            f->n = 0;
            if (s % 10 == 0) crowd_cell(f, 0, 0, 16);
            run_steps(f, 1, &win);
        }
        ck_assert_uint_eq(win.index, 1);
        ck_assert_uint_eq(win.steps, 100);
        ck_assert_uint_eq(win.samples, k == 0 ? 10 : 100);
        ck_assert_double_eq_tol(win.peak.ppm2, k == 0 ? 4.0 : 0.4, 1e-12);
        fixture_free(f);
    }
    gops_density_def_t def = gops_density_def_default();
    def.sample_every_steps = 101;
    fixture_t *f = plaza_fixture(NULL);
    gops_error_t err;
    ck_assert_ptr_null(gops_density_create(&def, f->walk, f->map, 0.1, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "sample_every_steps"));
    fixture_free(f);
}
END_TEST

// ---- exclusion of mostly non-walkable cells ---------------------------------------------

START_TEST(mostly_unwalkable_cells_excluded)
{
    // Raster 0.5 m: a 2 m cell holds 16 raster cells. Cell A = [0,2)×[0,2) keeps 4 of 16
    // walkable (25 %: included, 1 m²); cell B = [2,4)×[0,2) keeps 1 (6 %: excluded);
    // cells C, D are whole.
    gops_map_t *m = map_new();
    add_area(m, GOPS_FEAT_PLAZA, "广场", 0, 0, 8, 2);
    add_area(m, GOPS_FEAT_BUILDING, NULL, 0.5, 0, 2, 2);
    add_area(m, GOPS_FEAT_BUILDING, NULL, 2.5, 0, 4, 2);
    add_area(m, GOPS_FEAT_BUILDING, NULL, 2, 0.5, 2.5, 2);
    m->features[1].id = strdup("b1");
    m->features[2].id = strdup("b2");
    m->features[3].id = strdup("b3");
    gops_walkable_t *w = build_walk(m, 0.5);
    gops_density_t *d = make_density(w, m, NULL);
    gops_density_grid_t g = gops_density_grid(d);
    ck_assert_int_eq(g.nx, 4);
    ck_assert_int_eq(g.ny, 1);
    ck_assert_float_eq(g.area_m2[0], 1.0f);
    ck_assert_float_eq(g.area_m2[1], 0.25f);
    ck_assert_float_eq(g.area_m2[2], 4.0f);
    ck_assert_uint_eq(g.included[0], 1);
    ck_assert_uint_eq(g.included[1], 0);
    ck_assert_uint_eq(g.area[1], GOPS_DENSITY_NONE);
    ck_assert_uint_eq(g.included[2], 1);
    // The walkable centroid of A is the middle of its walkable column [0,0.5)×[0,2).
    gops_point_t pa = gops_density_cell_point(d, 0);
    ck_assert_double_eq_tol(pa.x, 0.25, 1e-12);
    ck_assert_double_eq_tol(pa.y, 1.0, 1e-12);
    // 1 person in A (1 persons/m²), 2 in B's sliver (would be 8), 1 off the grid.
    float x[4] = {0.25f, 2.25f, 2.2f, -5.0f}, y[4] = {1.0f, 0.25f, 0.3f, -5.0f};
    gops_density_window_t win;
    bool closed = false;
    for (int s = 1; s <= 100; s++) closed = gops_density_step(d, x, y, 4, s * 0.1, &win);
    ck_assert(closed);
    ck_assert_double_eq(win.peak.ppm2, 1.0);
    ck_assert_uint_eq(win.peak.cell, 0);
    ck_assert_double_eq(win.pedestrians, 1.0);
    ck_assert_double_eq(win.excluded, 3.0);
    ck_assert_double_eq(win.los_share[GOPS_LOS_D], 1.0);
    ck_assert_float_eq(g.max_ppm2[1], 0.0f);

    // With a 30 % share, A (25 %) is excluded too.
    gops_density_def_t def = gops_density_def_default();
    def.min_walkable_share = 0.3;
    gops_density_t *d2 = make_density(w, m, &def);
    ck_assert_uint_eq(gops_density_grid(d2).included[0], 0);
    ck_assert_uint_eq(gops_density_grid(d2).included[2], 1);
    gops_density_destroy(d2);
    gops_density_destroy(d);
    gops_walkable_destroy(w);
    gops_map_destroy(m);
}
END_TEST

// ---- bands ------------------------------------------------------------------------------

START_TEST(los_and_safety_band_boundaries)
{
    ck_assert_int_eq(gops_los_of(0), GOPS_LOS_A);
    ck_assert_int_eq(gops_los_of(0.3099), GOPS_LOS_A);
    ck_assert_int_eq(gops_los_of(0.31), GOPS_LOS_B);
    ck_assert_int_eq(gops_los_of(0.4299), GOPS_LOS_B);
    ck_assert_int_eq(gops_los_of(0.43), GOPS_LOS_C);
    ck_assert_int_eq(gops_los_of(0.72), GOPS_LOS_D);
    ck_assert_int_eq(gops_los_of(1.0799), GOPS_LOS_D);
    ck_assert_int_eq(gops_los_of(1.08), GOPS_LOS_E);
    ck_assert_int_eq(gops_los_of(2.1699), GOPS_LOS_E);
    ck_assert_int_eq(gops_los_of(2.17), GOPS_LOS_F);
    ck_assert_int_eq(gops_los_of(9), GOPS_LOS_F);
    ck_assert_int_eq(gops_los_of(NAN), GOPS_LOS_A);
    ck_assert_int_eq(gops_safety_of(2.4999), GOPS_SAFETY_STABLE);
    ck_assert_int_eq(gops_safety_of(2.5), GOPS_SAFETY_CAPACITY);
    ck_assert_int_eq(gops_safety_of(3.4999), GOPS_SAFETY_CAPACITY);
    ck_assert_int_eq(gops_safety_of(3.5), GOPS_SAFETY_UNSTABLE);
    ck_assert_int_eq(gops_safety_of(4.9999), GOPS_SAFETY_UNSTABLE);
    ck_assert_int_eq(gops_safety_of(5), GOPS_SAFETY_DANGEROUS);
    ck_assert_str_eq(gops_los_name(GOPS_LOS_C), "C");
    ck_assert_str_eq(gops_los_name((gops_los_t)99), "?");
    ck_assert_str_eq(gops_safety_name(GOPS_SAFETY_DANGEROUS), "dangerous");
}
END_TEST

START_TEST(shares_are_pedestrian_weighted)
{
    fixture_t *f = plaza_fixture(NULL);
    crowd_cell(f, 0, 0, 1);   // 0.25 persons/m²: A, stable
    crowd_cell(f, 4, 0, 12);  // 3.0: F, capacity
    crowd_cell(f, 8, 0, 2);   // 0.5: C, stable
    gops_density_window_t win;
    ck_assert_int_eq(run_steps(f, 100, &win), 1);
    ck_assert_double_eq_tol(win.los_share[GOPS_LOS_A], 1.0 / 15, 1e-12);
    ck_assert_double_eq_tol(win.los_share[GOPS_LOS_C], 2.0 / 15, 1e-12);
    ck_assert_double_eq_tol(win.los_share[GOPS_LOS_F], 12.0 / 15, 1e-12);
    ck_assert_double_eq(win.los_share[GOPS_LOS_B] + win.los_share[GOPS_LOS_D] + win.los_share[GOPS_LOS_E], 0);
    ck_assert_double_eq_tol(win.safety_share[GOPS_SAFETY_STABLE], 3.0 / 15, 1e-12);
    ck_assert_double_eq_tol(win.safety_share[GOPS_SAFETY_CAPACITY], 12.0 / 15, 1e-12);
    ck_assert_double_eq(win.peak.ppm2, 3.0);
    fixture_free(f);
}
END_TEST

// ---- names -------------------------------------------------------------------------------

// A plaza with a smaller named plaza inside, an unnamed walkway partly in a special zone,
// and a named road north of both.
static gops_map_t *named_map(void)
{
    gops_map_t *m = map_new();
    add_area(m, GOPS_FEAT_PLAZA, "二七广场", 0, 0, 20, 20);
    add_area(m, GOPS_FEAT_PLAZA, "塔下", 4, 4, 10, 10);
    add_area(m, GOPS_FEAT_WALKWAY, NULL, 20, 0, 40, 20);
    add_special_zone(m, "站前通道", 30, 0, 40, 20);
    // Carriageway y in (25, 35); sidewalks y in [22, 25) and [35, 38).
    add_road(m, "人民路", -10, 30, 50, 30, 10, 3);
    return m;
}

START_TEST(names_of_places)
{
    gops_map_t *m = named_map();
    gops_walkable_t *w = build_walk(m, 1.0);
    gops_density_t *d = make_density(w, m, NULL);
    ck_assert_str_eq(gops_density_name_at(d, (gops_point_t){2, 2}), "二七广场");
    ck_assert_str_eq(gops_density_name_at(d, (gops_point_t){7, 7}), "塔下"); // innermost
    ck_assert_str_eq(gops_density_name_at(d, (gops_point_t){35, 5}), "站前通道");
    ck_assert_str_eq(gops_density_name_at(d, (gops_point_t){25, 5}), "人民路"); // 25 m from it
    ck_assert_str_eq(gops_density_name_at(d, (gops_point_t){10, 36}), "人民路");
    // Areas: polygons, then zones, then roads, then elsewhere.
    ck_assert_uint_eq(gops_density_area_count(d), 5);
    ck_assert_int_eq(gops_density_area(d, 0)->kind, GOPS_DENSITY_AREA_WALK_POLYGON);
    ck_assert_str_eq(gops_density_area(d, 1)->name, "塔下");
    ck_assert_int_eq(gops_density_area(d, 2)->kind, GOPS_DENSITY_AREA_SPECIAL_ZONE);
    ck_assert_int_eq(gops_density_area(d, 3)->kind, GOPS_DENSITY_AREA_ROAD);
    ck_assert_int_eq(gops_density_area(d, 3)->feature, 4);
    ck_assert_str_eq(gops_density_area(d, 4)->name, "elsewhere");
    ck_assert_uint_eq(gops_density_area_find(d, "站前通道"), 2);
    ck_assert_uint_eq(gops_density_area_find(d, "nowhere"), GOPS_DENSITY_NONE);
    // Areas of the cells: 塔下 is 6 × 6 m = 9 cells; 二七广场 the other 100 − 9;
    // 站前通道 10 × 20 m = 50 cells.
    ck_assert_uint_eq(gops_density_area(d, 1)->cells, 9);
    ck_assert_double_eq(gops_density_area(d, 1)->area_m2, 36);
    ck_assert_uint_eq(gops_density_area(d, 0)->cells, 91);
    ck_assert_uint_eq(gops_density_area(d, 2)->cells, 50);

    // The peak's place: 20 people in the zone's cell around (35, 5).
    float x[20], y[20];
    for (int i = 0; i < 20; i++) {
        x[i] = 34.1f + 0.09f * i;
        y[i] = 5.0f;
    }
    gops_density_window_t win;
    for (int s = 1; s <= 100; s++) gops_density_step(d, x, y, 20, s * 0.1, &win);
    ck_assert_double_eq(win.peak.ppm2, 5.0);
    ck_assert_str_eq(win.peak.where, "站前通道");
    ck_assert_double_eq_tol(win.peak.at.x, 35, 1e-12);
    ck_assert_double_eq_tol(win.peak.at.y, 5, 1e-12);
    ck_assert_uint_eq(win.peak.area, 2);
    ck_assert_double_eq(gops_density_area(d, 2)->peak_ppm2, 5.0);
    ck_assert_double_eq_tol(gops_density_area(d, 2)->mean_ppm2, 20.0 / 200.0, 1e-12);
    gops_density_destroy(d);

    // A short search radius leaves the walkway west of the zone unnamed.
    gops_density_def_t def = gops_density_def_default();
    def.road_search_m = 10;
    d = make_density(w, m, &def);
    ck_assert_str_eq(gops_density_name_at(d, (gops_point_t){25, 5}), "elsewhere");
    ck_assert_str_eq(gops_density_name_at(d, (gops_point_t){10, 23}), "人民路");
    gops_density_destroy(d);

    // Without a map everything is elsewhere.
    d = make_density(w, NULL, NULL);
    ck_assert_uint_eq(gops_density_area_count(d), 1);
    ck_assert_str_eq(gops_density_name_at(d, (gops_point_t){2, 2}), "elsewhere");
    gops_density_destroy(d);
    gops_walkable_destroy(w);
    gops_map_destroy(m);
}
END_TEST

// ---- cell-minutes --------------------------------------------------------------------------

START_TEST(cell_minutes_accumulate)
{
    fixture_t *f = plaza_fixture(NULL);
    crowd_cell(f, 0, 0, 20);  // 5 persons/m²: above 4
    crowd_cell(f, 4, 4, 16);  // exactly 4: not above
    crowd_cell(f, 8, 8, 17);  // 4.25: above
    gops_density_window_t win;
    ck_assert_int_eq(run_steps(f, 300, &win), 3);
    ck_assert_uint_eq(win.cells_above, 2);
    ck_assert_double_eq_tol(win.cell_minutes_above, 2 * 10.0 / 60, 1e-12);
    const gops_density_totals_t *t = gops_density_totals(f->d);
    ck_assert_double_eq_tol(t->cell_minutes_above, 3 * 2 * 10.0 / 60, 1e-12);
    gops_density_grid_t g = gops_density_grid(f->d);
    ck_assert_float_eq_tol(g.minutes_above[0], 0.5f, 1e-6f);
    ck_assert_float_eq(g.minutes_above[2 * 10 + 2], 0.0f);
    ck_assert_float_eq_tol(g.minutes_above[4 * 10 + 4], 0.5f, 1e-6f);
    // Half a window at 5 persons/m² and half empty: the window's mean is what counts
    // (20 people for 50 steps, nobody for 50: mean 10, 2.5 persons/m², not above).
    f->n = 0;
    crowd_cell(f, 0, 0, 20);
    run_steps(f, 50, &win);
    f->n = 0;
    ck_assert_int_eq(run_steps(f, 50, &win), 1);
    ck_assert_uint_eq(win.cells_above, 0);
    ck_assert_double_eq(win.peak.ppm2, 2.5);
    ck_assert_double_eq_tol(t->cell_minutes_above, 1.0, 1e-12);
    fixture_free(f);
}
END_TEST

START_TEST(high_threshold_configurable)
{
    gops_density_def_t def = gops_density_def_default();
    def.high_ppm2 = 2.0;
    fixture_t *f = plaza_fixture(&def);
    crowd_cell(f, 0, 0, 9); // 2.25
    gops_density_window_t win;
    run_steps(f, 100, &win);
    ck_assert_uint_eq(win.cells_above, 1);
    fixture_free(f);
}
END_TEST

// ---- warnings --------------------------------------------------------------------------------

static void expect_no_warning(fixture_t *f, uint32_t windows)
{
    gops_density_window_t win;
    for (uint32_t k = 0; k < windows; k++) {
        ck_assert_int_eq(run_steps(f, 100, &win), 1);
        ck_assert_msg(win.warning_count == 0, "unexpected warning in window %llu",
                      (unsigned long long)win.index);
    }
}

static gops_density_warning_t expect_one_warning(fixture_t *f)
{
    gops_density_window_t win;
    ck_assert_int_eq(run_steps(f, 100, &win), 1);
    ck_assert_uint_eq(win.warning_count, 1);
    return win.warnings[0];
}

START_TEST(warning_after_hold_once_per_episode)
{
    fixture_t *f = plaza_fixture(NULL);
    crowd_cell(f, 6, 6, 20); // 5 persons/m²
    expect_no_warning(f, 2); // 20 s: not yet
    gops_density_warning_t w = expect_one_warning(f);
    ck_assert_int_eq(w.kind, GOPS_DENSITY_WARNING_FIRED);
    ck_assert_str_eq(w.name, "广场");
    ck_assert_double_eq(w.peak_ppm2, 5.0);
    ck_assert_double_eq_tol(w.at.x, 7, 1e-12);
    ck_assert_double_eq_tol(w.at.y, 7, 1e-12);
    ck_assert_double_eq_tol(w.start_s, 0, 1e-9);
    ck_assert_double_eq_tol(w.fired_s, 30, 1e-9);
    ck_assert_uint_eq(w.area, gops_density_area_find(f->d, "广场"));
    ck_assert(gops_density_area(f->d, w.area)->active);
    expect_no_warning(f, 5); // still above: no second warning
    // 3.75 persons/m²: below 4 but within the hysteresis: the episode goes on.
    f->n = 0;
    crowd_cell(f, 6, 6, 15);
    expect_no_warning(f, 2);
    // A denser moment in the same episode raises its peak, still without a new warning.
    f->n = 0;
    crowd_cell(f, 6, 6, 24);
    expect_no_warning(f, 1);
    // 3.0 persons/m² < 3.5: ended.
    f->n = 0;
    crowd_cell(f, 6, 6, 12);
    w = expect_one_warning(f);
    ck_assert_int_eq(w.kind, GOPS_DENSITY_WARNING_ENDED);
    ck_assert_double_eq(w.peak_ppm2, 6.0);
    ck_assert_double_eq_tol(w.start_s, 0, 1e-9);
    ck_assert_double_eq_tol(w.fired_s, 30, 1e-9);
    ck_assert_double_eq_tol(w.ended_s, 120, 1e-9);
    ck_assert(!gops_density_area(f->d, w.area)->active);
    // Re-armed: a new episode fires after a new hold.
    f->n = 0;
    crowd_cell(f, 0, 0, 18); // 4.5
    expect_no_warning(f, 2);
    w = expect_one_warning(f);
    ck_assert_int_eq(w.kind, GOPS_DENSITY_WARNING_FIRED);
    ck_assert_double_eq_tol(w.start_s, 120, 1e-9);
    ck_assert_double_eq_tol(w.fired_s, 150, 1e-9);
    ck_assert_double_eq(w.peak_ppm2, 4.5);
    ck_assert_double_eq_tol(w.at.x, 1, 1e-12);
    ck_assert_uint_eq(gops_density_totals(f->d)->warnings_fired, 2);
    fixture_free(f);
}
END_TEST

START_TEST(warning_needs_continuous_hold)
{
    fixture_t *f = plaza_fixture(NULL);
    for (int round = 0; round < 3; round++) {
        f->n = 0;
        crowd_cell(f, 6, 6, 20); // above for 20 s
        expect_no_warning(f, 2);
        f->n = 0;
        crowd_cell(f, 6, 6, 15); // 3.75: not above, the pending episode resets
        expect_no_warning(f, 1);
    }
    ck_assert_uint_eq(gops_density_totals(f->d)->warnings_fired, 0);
    fixture_free(f);
}
END_TEST

START_TEST(warning_hysteresis_and_hold_configurable)
{
    gops_density_def_t def = gops_density_def_default();
    def.warn_ppm2 = 2.0;
    def.warn_hold_s = 15; // rounds up to two 10 s windows
    def.warn_hysteresis_ppm2 = 0;
    fixture_t *f = plaza_fixture(&def);
    crowd_cell(f, 0, 0, 10); // 2.5
    expect_no_warning(f, 1);
    gops_density_warning_t w = expect_one_warning(f);
    ck_assert_int_eq(w.kind, GOPS_DENSITY_WARNING_FIRED);
    ck_assert_double_eq_tol(w.fired_s, 20, 1e-9);
    f->n = 0;
    crowd_cell(f, 0, 0, 7); // 1.75 < 2 − 0: ends at once
    w = expect_one_warning(f);
    ck_assert_int_eq(w.kind, GOPS_DENSITY_WARNING_ENDED);
    fixture_free(f);
}
END_TEST

START_TEST(warnings_per_area)
{
    gops_map_t *m = named_map();
    gops_walkable_t *w = build_walk(m, 1.0);
    gops_density_t *d = make_density(w, m, NULL);
    // 20 people in 塔下 (5 persons/m²) and 20 on the road's north sidewalk.
    float x[40], y[40];
    for (int i = 0; i < 20; i++) {
        x[i] = 6.1f + 0.09f * i;
        y[i] = 7.0f;
        x[20 + i] = 10.1f + 0.09f * i;
        y[20 + i] = 36.5f;
    }
    gops_density_window_t win;
    uint32_t fired = 0;
    for (int s = 1; s <= 300; s++) {
        if (!gops_density_step(d, x, y, 40, s * 0.1, &win)) continue;
        if (s < 300) ck_assert_uint_eq(win.warning_count, 0);
        fired += win.warning_count;
    }
    ck_assert_uint_eq(fired, 2);
    // By area index: 塔下 (1) before 人民路 (3).
    ck_assert_str_eq(win.warnings[0].name, "塔下");
    ck_assert_str_eq(win.warnings[1].name, "人民路");
    ck_assert_double_eq(win.warnings[1].peak_ppm2, 5.0);
    gops_density_destroy(d);
    gops_walkable_destroy(w);
    gops_map_destroy(m);
}
END_TEST

// ---- invariants ------------------------------------------------------------------------------

START_TEST(order_of_pedestrians_does_not_matter)
{
    fixture_t *a = plaza_fixture(NULL), *b = plaza_fixture(NULL);
    for (int c = 0; c < 30; c++) crowd_cell(a, (c % 10) * 2, (c / 10) * 2 + 4, (uint32_t)(c * 7 % 19));
    b->n = a->n;
    for (uint32_t i = 0; i < a->n; i++) {
        b->x[i] = a->x[a->n - 1 - i];
        b->y[i] = a->y[a->n - 1 - i];
    }
    gops_density_window_t wa, wb;
    run_steps(a, 100, &wa);
    run_steps(b, 100, &wb);
    ck_assert_double_eq(wa.peak.ppm2, wb.peak.ppm2);
    ck_assert_uint_eq(wa.peak.cell, wb.peak.cell);
    for (int k = 0; k < GOPS_LOS_COUNT; k++) ck_assert_double_eq(wa.los_share[k], wb.los_share[k]);
    gops_density_grid_t ga = gops_density_grid(a->d), gb = gops_density_grid(b->d);
    ck_assert_int_eq(memcmp(ga.last_ppm2, gb.last_ppm2, 100 * sizeof(float)), 0);
    fixture_free(a);
    fixture_free(b);
}
END_TEST

START_TEST(bad_definitions_refused)
{
    fixture_t *f = plaza_fixture(NULL);
    gops_error_t err;
    gops_density_def_t def = gops_density_def_default();
    def.cell_m = 3;
    ck_assert_ptr_null(gops_density_create(&def, f->walk, f->map, 0.1, &err));
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "cell_m = 3 m"));
    def.cell_m = 0.5; // finer than the 1 m raster
    ck_assert_ptr_null(gops_density_create(&def, f->walk, f->map, 0.1, &err));
    def.cell_m = 1.5; // not a whole number of 1 m raster cells
    ck_assert_ptr_null(gops_density_create(&def, f->walk, f->map, 0.1, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "whole multiple"));
    def.cell_m = 1.0;
    gops_density_t *d = gops_density_create(&def, f->walk, f->map, 0.1, &err);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(gops_density_grid(d).nx, 20);
    ck_assert_float_eq(gops_density_grid(d).area_m2[0], 1.0f);
    gops_density_destroy(d);
    def = gops_density_def_default();
    def.warn_hysteresis_ppm2 = 5;
    ck_assert_ptr_null(gops_density_create(&def, f->walk, f->map, 0.1, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "warn_hysteresis_ppm2"));
    ck_assert_ptr_null(gops_density_create(NULL, f->walk, f->map, 0, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "step length"));
    fixture_free(f);
}
END_TEST

// ---- the district map ------------------------------------------------------------------------

// Distinct names (name, else name_en) among features of kinds a, b or c (zones: special
// ones only).
static uint32_t distinct_names(const gops_map_t *m, gops_feature_kind_t a, gops_feature_kind_t b,
                               gops_feature_kind_t c)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        const char *name = f->name ? f->name : f->name_en;
        if ((f->kind != a && f->kind != b && f->kind != c) || !name) continue;
        if (f->kind == GOPS_FEAT_ZONE && f->u.zone.level != GOPS_ZONE_SPECIAL) continue;
        bool seen = false;
        for (uint32_t j = 0; j < i && !seen; j++) {
            const gops_feature_t *g = &m->features[j];
            const char *other = g->name ? g->name : g->name_en;
            seen = (g->kind == a || g->kind == b || g->kind == c) && other && strcmp(other, name) == 0;
        }
        n += !seen;
    }
    return n;
}

START_TEST(erqi_areas)
{
    gops_error_t err;
    gops_map_t *m = gops_map_load(gops_test_source_path("assets/maps/erqi.geojson"), &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    gops_walkable_t *w = gops_walkable_build(m, NULL, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    gops_density_t *d = make_density(w, m, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    uint32_t polygons = 0, zones = 0, roads = 0, cells = 0;
    double area = 0;
    for (uint32_t a = 0; a < gops_density_area_count(d); a++) {
        const gops_density_area_t *ar = gops_density_area(d, a);
        polygons += ar->kind == GOPS_DENSITY_AREA_WALK_POLYGON;
        zones += ar->kind == GOPS_DENSITY_AREA_SPECIAL_ZONE;
        roads += ar->kind == GOPS_DENSITY_AREA_ROAD;
        cells += ar->cells;
        area += ar->area_m2;
    }
    // One area per distinct name of each kind (the asset has 7 plazas + Dehua street, 3
    // special zones and 18 named roads at the time of writing), then elsewhere.
    ck_assert_uint_eq(polygons, distinct_names(m, GOPS_FEAT_PLAZA, GOPS_FEAT_PEDESTRIAN_STREET, GOPS_FEAT_WALKWAY));
    ck_assert_uint_eq(zones, distinct_names(m, GOPS_FEAT_ZONE, GOPS_FEAT_ZONE, GOPS_FEAT_ZONE));
    ck_assert_uint_eq(roads, distinct_names(m, GOPS_FEAT_ROAD, GOPS_FEAT_ROAD, GOPS_FEAT_ROAD));
    ck_assert_uint_ge(polygons, 8);
    ck_assert_uint_ge(roads, 18);
    ck_assert_int_eq(gops_density_area(d, gops_density_area_count(d) - 1)->kind, GOPS_DENSITY_AREA_ELSEWHERE);
    // Included cells hold nearly all the walkable area (only slivers are left out).
    ck_assert_double_le(area, gops_walkable_area_m2(w));
    ck_assert_double_ge(area, 0.95 * gops_walkable_area_m2(w));
    // Every named plaza's centroid, when inside it, is named after it or a plaza inside it.
    for (uint32_t f = 0; f < m->feature_count; f++) {
        const gops_feature_t *feat = &m->features[f];
        if (feat->kind != GOPS_FEAT_PLAZA && feat->kind != GOPS_FEAT_PEDESTRIAN_STREET) continue;
        const char *name = gops_density_name_at(d, feat->at);
        uint32_t a = gops_density_area_find(d, name);
        ck_assert_uint_ne(a, GOPS_DENSITY_NONE);
        ck_assert_int_eq(gops_density_area(d, a)->kind, GOPS_DENSITY_AREA_WALK_POLYGON);
    }
    gops_density_grid_t g = gops_density_grid(d);
    printf("erqi density grid: %d x %d cells, %u included (%.0f m² of %.0f m²), %u areas, built in %.1f ms\n", g.nx,
           g.ny, cells, area, gops_walkable_area_m2(w), gops_density_area_count(d),
           (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
    gops_density_destroy(d);
    gops_walkable_destroy(w);
    gops_map_destroy(m);
}
END_TEST

static Suite *density_suite(void)
{
    Suite *s = suite_create("density");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sixteen_in_one_cell_is_four);
    tcase_add_test(tc, window_mean_of_step_counts);
    tcase_add_test(tc, window_length_configurable);
    tcase_add_test(tc, sampling_every_k_steps);
    tcase_add_test(tc, mostly_unwalkable_cells_excluded);
    tcase_add_test(tc, los_and_safety_band_boundaries);
    tcase_add_test(tc, shares_are_pedestrian_weighted);
    tcase_add_test(tc, names_of_places);
    tcase_add_test(tc, cell_minutes_accumulate);
    tcase_add_test(tc, high_threshold_configurable);
    tcase_add_test(tc, warning_after_hold_once_per_episode);
    tcase_add_test(tc, warning_needs_continuous_hold);
    tcase_add_test(tc, warning_hysteresis_and_hold_configurable);
    tcase_add_test(tc, warnings_per_area);
    tcase_add_test(tc, order_of_pedestrians_does_not_matter);
    tcase_add_test(tc, bad_definitions_refused);
    tcase_add_test(tc, erqi_areas);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(density_suite());
}
