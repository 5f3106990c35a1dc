// SPDX-License-Identifier: MIT
// Distance-field suite: fast marching against analytical distances (open square, corridor,
// L-shaped corridor, wall with a gap), blocked cells, several sources, unreachable cells,
// slow regions, the exact wall distance, sampling and descent, determinism, the on-disk
// cache (round trip, rejection of damaged files) and printed timings on the Erqi map.
#include "fixture.h"
#include "core/log.h"
#include "crowd/field.h"
#include "crowd/field_cache.h"
#include "world/walkable.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// ---- hand-built maps ------------------------------------------------------------------

#define MAX_FEATURES 64
#define PI 3.14159265358979323846

static gops_map_t *map_new(void)
{
    gops_map_t *m = calloc(1, sizeof *m);
    ck_assert_ptr_nonnull(m);
    m->features = calloc(MAX_FEATURES, sizeof *m->features);
    ck_assert_ptr_nonnull(m->features);
    m->path = strdup("field-test.geojson");
    m->origin_lon = 113.665;
    m->origin_lat = 34.7536;
    return m;
}

static gops_polygon_t make_rect(double x0, double y0, double x1, double y1)
{
    gops_polygon_t p = {.rings = malloc(sizeof(gops_path_t)), .ring_count = 1};
    ck_assert_ptr_nonnull(p.rings);
    p.rings[0].pts = malloc(4 * sizeof(gops_point_t));
    ck_assert_ptr_nonnull(p.rings[0].pts);
    p.rings[0].count = 4;
    p.rings[0].pts[0] = (gops_point_t){x0, y0};
    p.rings[0].pts[1] = (gops_point_t){x1, y0};
    p.rings[0].pts[2] = (gops_point_t){x1, y1};
    p.rings[0].pts[3] = (gops_point_t){x0, y1};
    return p;
}

// A plaza (walkable) or a building (cleared) rectangle.
static void add_rect(gops_map_t *m, gops_feature_kind_t kind, double x0, double y0, double x1, double y1)
{
    ck_assert_uint_lt(m->feature_count, MAX_FEATURES);
    gops_feature_t *f = &m->features[m->feature_count];
    f->kind = kind;
    f->index = m->feature_count++;
    if (kind == GOPS_FEAT_BUILDING) f->u.building.shape = make_rect(x0, y0, x1, y1);
    else f->shape = make_rect(x0, y0, x1, y1);
    f->at = (gops_point_t){(x0 + x1) / 2, (y0 + y1) / 2};
}

// A triangular plaza (for a raster with slanted edges).
static void add_triangle(gops_map_t *m, double ax, double ay, double bx, double by, double cx, double cy)
{
    gops_feature_t *f = &m->features[m->feature_count];
    f->kind = GOPS_FEAT_PLAZA;
    f->index = m->feature_count++;
    f->shape.rings = malloc(sizeof(gops_path_t));
    f->shape.ring_count = 1;
    f->shape.rings[0].pts = malloc(3 * sizeof(gops_point_t));
    f->shape.rings[0].count = 3;
    f->shape.rings[0].pts[0] = (gops_point_t){ax, ay};
    f->shape.rings[0].pts[1] = (gops_point_t){bx, by};
    f->shape.rings[0].pts[2] = (gops_point_t){cx, cy};
    f->at = (gops_point_t){(ax + bx + cx) / 3, (ay + by + cy) / 3};
}

static void map_free(gops_map_t *m)
{
    for (uint32_t i = 0; i < m->feature_count; i++) {
        gops_polygon_t *p = m->features[i].kind == GOPS_FEAT_BUILDING ? &m->features[i].u.building.shape
                                                                       : &m->features[i].shape;
        for (uint32_t r = 0; r < p->ring_count; r++) free(p->rings[r].pts);
        free(p->rings);
    }
    free(m->features);
    free(m->path);
    free(m);
}

// Builds the raster at the given cell size (bounds as the loader computes them).
static gops_walkable_t *build(gops_map_t *m, double cell)
{
    m->min_x = m->min_y = INFINITY;
    m->max_x = m->max_y = -INFINITY;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_polygon_t *p = m->features[i].kind == GOPS_FEAT_BUILDING ? &m->features[i].u.building.shape
                                                                             : &m->features[i].shape;
        for (uint32_t k = 0; k < p->rings[0].count; k++) {
            m->min_x = fmin(m->min_x, p->rings[0].pts[k].x);
            m->min_y = fmin(m->min_y, p->rings[0].pts[k].y);
            m->max_x = fmax(m->max_x, p->rings[0].pts[k].x);
            m->max_y = fmax(m->max_y, p->rings[0].pts[k].y);
        }
    }
    gops_walkable_def_t def = gops_walkable_def_default();
    def.cell_m = cell;
    gops_error_t err;
    gops_error_clear(&err);
    gops_walkable_t *w = gops_walkable_build(m, &def, &err);
    ck_assert_msg(w != NULL, "walkable build failed: %s", err.message);
    return w;
}

// Walkable index of the cell containing (x, y); fails the test when it is not walkable.
static uint32_t at(const gops_walkable_t *w, double x, double y)
{
    uint32_t c = gops_walkable_cell_at(w, (gops_point_t){x, y});
    ck_assert_msg(c != GOPS_WALKABLE_NONE, "(%g, %g) is off the raster", x, y);
    uint32_t i = gops_walkable_index(w, c);
    ck_assert_msg(i != GOPS_WALKABLE_NONE, "(%g, %g) is not walkable", x, y);
    return i;
}

static gops_point_t centre(const gops_walkable_t *w, uint32_t i)
{
    return gops_walkable_centre(w, w->cells[i]);
}

static gops_field_t compute(const gops_walkable_t *w, const uint32_t *src, uint32_t n, const uint8_t *blocked,
                            const float *speed)
{
    gops_field_t f = {0};
    gops_error_t err;
    gops_error_clear(&err);
    gops_status_t st = gops_field_compute(w, src, n, blocked, speed, &f, &err);
    ck_assert_msg(st == GOPS_OK, "field: %s", err.message);
    ck_assert_uint_eq(f.count, w->count);
    return f;
}

// ---- analytical shortest paths among rectangular obstacles ----------------------------

typedef struct rect {
    double x0, y0, x1, y1;
} rect_t;

// True when segment p→q passes through the open interior of r (touching its boundary or
// a corner does not count): Liang–Barsky clipping against r shrunk by a hair.
static bool crosses(gops_point_t p, gops_point_t q, rect_t r)
{
    const double e = 1e-9;
    double t0 = 0, t1 = 1, dx = q.x - p.x, dy = q.y - p.y;
    double pp[4] = {-dx, dx, -dy, dy};
    double qq[4] = {p.x - (r.x0 + e), (r.x1 - e) - p.x, p.y - (r.y0 + e), (r.y1 - e) - p.y};
    for (int k = 0; k < 4; k++) {
        if (pp[k] == 0) {
            if (qq[k] < 0) return false;
            continue;
        }
        double t = qq[k] / pp[k];
        if (pp[k] < 0) t0 = fmax(t0, t);
        else t1 = fmin(t1, t);
        if (t0 > t1) return false;
    }
    return t0 < t1;
}

static bool visible(gops_point_t p, gops_point_t q, const rect_t *obs, int n)
{
    for (int k = 0; k < n; k++)
        if (crosses(p, q, obs[k])) return false;
    return true;
}

// Euclidean shortest path from s to t around the obstacles through the given (reflex)
// corners: Dijkstra over the visibility graph of s, t and the corners.
static double shortest(gops_point_t s, gops_point_t t, const rect_t *obs, int nobs, const gops_point_t *corners,
                       int ncorners)
{
    gops_point_t node[16];
    int n = 0;
    node[n++] = s;
    for (int k = 0; k < ncorners; k++) node[n++] = corners[k];
    node[n++] = t;
    double d[16];
    bool done[16] = {false};
    for (int k = 0; k < n; k++) d[k] = INFINITY;
    d[0] = 0;
    for (;;) {
        int u = -1;
        for (int k = 0; k < n; k++)
            if (!done[k] && isfinite(d[k]) && (u < 0 || d[k] < d[u])) u = k;
        if (u < 0) break;
        done[u] = true;
        for (int k = 0; k < n; k++) {
            if (done[k] || !visible(node[u], node[k], obs, nobs)) continue;
            double len = hypot(node[k].x - node[u].x, node[k].y - node[u].y);
            if (d[u] + len < d[k]) d[k] = d[u] + len;
        }
    }
    return d[n - 1];
}

// Relative error statistics of a field against a reference over cells farther than `near`
// metres from the source point.
typedef struct errstat {
    double max_rel, mean_rel, min_diff;
    uint32_t n;
} errstat_t;

typedef double reference_fn(gops_point_t p, const void *ctx);

// Measurements are printed and flushed at once: a test that then fails exits without
// flushing stdout, and the figure is what one needs to see.

static errstat_t compare(const gops_walkable_t *w, const gops_field_t *f, gops_point_t src, double near,
                         reference_fn *ref, const void *ctx)
{
    errstat_t e = {0, 0, INFINITY, 0};
    double sum = 0;
    for (uint32_t i = 0; i < w->count; i++) {
        gops_point_t p = centre(w, i);
        if (hypot(p.x - src.x, p.y - src.y) <= near) continue;
        double exact = ref(p, ctx);
        double rel = fabs(f->dist[i] - exact) / exact;
        e.max_rel = fmax(e.max_rel, rel);
        e.min_diff = fmin(e.min_diff, f->dist[i] - exact);
        sum += rel;
        e.n++;
    }
    e.mean_rel = e.n ? sum / e.n : 0;
    return e;
}

static double euclid_ref(gops_point_t p, const void *ctx)
{
    const gops_point_t *s = ctx;
    return hypot(p.x - s->x, p.y - s->y);
}

// ---- fast marching against analytical distances ---------------------------------------

START_TEST(square_point_source)
{
    // A 101 m square with the source at its centre cell, then at the middle of its west
    // edge (as an entrance in a facade). First-order FMM on the 4-point stencil
    // overestimates off-axis distances, most along the diagonals; cells within 3 cells of
    // the source are seeded exactly, and beyond them the error falls with distance
    // (measured: at most 4.7 % just past the seeds, 1.6 % on average at 1 m).
    for (int k = 0; k < 4; k++) {
        double h = k % 2 == 0 ? 1.0 : 0.5;
        gops_map_t *m = map_new();
        add_rect(m, GOPS_FEAT_PLAZA, 0, 0, 101, 101);
        gops_walkable_t *w = build(m, h);
        uint32_t s = k < 2 ? at(w, 50.6, 50.6) : at(w, 0.1, 50.6);
        gops_point_t sp = centre(w, s);
        gops_field_t f = compute(w, &s, 1, NULL, NULL);
        ck_assert_float_eq(f.dist[s], 0.0f);
        errstat_t e = compare(w, &f, sp, 5 * h, euclid_ref, &sp);
        printf("open square, %.1f m cells, point source %s, %u cells farther than 5 cells: max relative error "
               "%.2f %%, mean %.2f %%, min (field - Euclidean) %.4f m\n",
               h, k < 2 ? "in the middle" : "on the edge", e.n, 100 * e.max_rel, 100 * e.mean_rel, e.min_diff);
        fflush(stdout);
        ck_assert_double_lt(e.max_rel, 0.08);
        ck_assert_double_lt(e.mean_rel, 0.03);
        // The scheme never underestimates a straight-line distance.
        ck_assert_double_ge(e.min_diff, -1e-4);
        for (uint32_t i = 0; i < w->count; i++) {
            gops_point_t p = centre(w, i);
            double r = hypot(p.x - sp.x, p.y - sp.y);
            if (r <= 3 * h + 1e-9) ck_assert_float_eq_tol(f.dist[i], (float)r, 1e-5f); // the seeds
        }
        // On the axes through the source the march is exact.
        for (int d = 1; d <= 40; d++) {
            ck_assert_float_eq(f.dist[at(w, sp.x + d * h, sp.y)], (float)(d * h));
            ck_assert_float_eq(f.dist[at(w, sp.x, sp.y - d * h)], (float)(d * h));
        }
        gops_field_free(&f);
        ck_assert_ptr_null(f.dist);
        gops_walkable_destroy(w);
        map_free(m);
    }
}
END_TEST

START_TEST(corridor_exact_along_axis)
{
    for (int k = 0; k < 2; k++) {
        double h = k == 0 ? 1.0 : 0.5;
        gops_map_t *m = map_new();
        add_rect(m, GOPS_FEAT_PLAZA, 0, 0, 100, 4);
        gops_walkable_t *w = build(m, h);
        ck_assert_uint_eq(w->count, (uint32_t)(400 / (h * h)));
        uint32_t s = at(w, 0.1, 1.2);
        gops_point_t sp = centre(w, s);
        gops_field_t f = compute(w, &s, 1, NULL, NULL);
        for (double x = sp.x; x < 100; x += h)
            ck_assert_float_eq(f.dist[at(w, x, sp.y)], (float)(x - sp.x));
        // Far down the corridor every row is within a cell of the straight-line distance.
        for (uint32_t i = 0; i < w->count; i++) {
            gops_point_t p = centre(w, i);
            if (p.x < 50) continue;
            double exact = hypot(p.x - sp.x, p.y - sp.y);
            ck_assert_double_ge(f.dist[i], exact - 1e-4);
            ck_assert_double_le(f.dist[i], exact + h);
        }
        gops_field_free(&f);
        gops_walkable_destroy(w);
        map_free(m);
    }
}
END_TEST

// L-shaped corridor: a 10 m wide arm along x (0..80) and one up along y at x 70..80.
static const rect_t l_block[] = {{-1, 10, 70, 81}};
static const gops_point_t l_corner[] = {{70, 10}};

static double l_ref(gops_point_t p, const void *ctx)
{
    return shortest(*(const gops_point_t *)ctx, p, l_block, 1, l_corner, 1);
}

START_TEST(l_corridor_around_corner)
{
    for (int k = 0; k < 2; k++) {
        double h = k == 0 ? 1.0 : 0.5;
        gops_map_t *m = map_new();
        add_rect(m, GOPS_FEAT_PLAZA, 0, 0, 80, 10);
        add_rect(m, GOPS_FEAT_PLAZA, 70, 10, 80, 80);
        gops_walkable_t *w = build(m, h);
        ck_assert_uint_eq(w->count, (uint32_t)((800 + 700) / (h * h)));
        uint32_t s = at(w, 5.2, 5.2);
        gops_point_t sp = centre(w, s);
        gops_field_t f = compute(w, &s, 1, NULL, NULL);
        // The far arm, out of sight of the source: the path bends round the inner corner.
        double max_rel = 0, sum = 0;
        uint32_t n = 0;
        for (uint32_t i = 0; i < w->count; i++) {
            gops_point_t p = centre(w, i);
            if (p.y < 20) continue;
            double exact = l_ref(p, &sp);
            ck_assert_double_gt(exact, hypot(p.x - sp.x, p.y - sp.y) + 0.1); // really bent
            double rel = fabs(f.dist[i] - exact) / exact;
            max_rel = fmax(max_rel, rel);
            sum += rel;
            n++;
        }
        printf("L corridor, %.1f m cells, %u cells past the corner: max relative error vs the path round the "
               "inner corner %.2f %%, mean %.2f %%\n",
               h, n, 100 * max_rel, 100 * sum / n);
        fflush(stdout);
        ck_assert_double_lt(max_rel, 0.03);
        ck_assert_double_lt(sum / n, 0.015);
        gops_field_free(&f);
        gops_walkable_destroy(w);
        map_free(m);
    }
}
END_TEST

// A 60 × 40 m plaza split by a 2 m thick wall at x 29..31 with a gap at y 18..22.
static const rect_t gap_walls[] = {{29, -1, 31, 18}, {29, 22, 31, 41}};
static const gops_point_t gap_corners[] = {{29, 18}, {31, 18}, {29, 22}, {31, 22}};

static double gap_ref(gops_point_t p, const void *ctx)
{
    return shortest(*(const gops_point_t *)ctx, p, gap_walls, 2, gap_corners, 4);
}

static gops_map_t *gap_map(bool with_walls)
{
    gops_map_t *m = map_new();
    add_rect(m, GOPS_FEAT_PLAZA, 0, 0, 60, 40);
    if (with_walls) {
        add_rect(m, GOPS_FEAT_BUILDING, 29, 0, 31, 18);
        add_rect(m, GOPS_FEAT_BUILDING, 29, 22, 31, 40);
    }
    return m;
}

static bool in_gap_wall(gops_point_t p)
{
    return p.x > 29 && p.x < 31 && (p.y < 18 || p.y > 22);
}

START_TEST(wall_with_gap)
{
    for (int k = 0; k < 2; k++) {
        double h = k == 0 ? 1.0 : 0.5;
        gops_map_t *m = gap_map(true);
        gops_walkable_t *w = build(m, h);
        ck_assert_uint_eq(w->count, (uint32_t)((2400 - 72) / (h * h)));
        uint32_t s = at(w, 10.5, 30.5);
        gops_point_t sp = centre(w, s);
        gops_field_t f = compute(w, &s, 1, NULL, NULL);
        // Straight across the wall from the source the way round through the gap is longer.
        float across = f.dist[at(w, 32.5, 30.5)];
        double round = gap_ref(centre(w, at(w, 32.5, 30.5)), &sp);
        ck_assert_double_gt(round, 22.0 + 8.0);
        ck_assert_double_lt(fabs(across - round) / round, 0.08);
        // Behind the wall values grow from the gap outward, along the wall's far face.
        for (double y = 23.5; y < 40; y += 1) ck_assert_float_gt(f.dist[at(w, 31.5, y)], f.dist[at(w, 31.5, y - 1)]);
        for (double y = 16.5; y > 0; y -= 1) ck_assert_float_gt(f.dist[at(w, 31.5, y)], f.dist[at(w, 31.5, y + 1)]);
        // Everywhere: within the first-order error of the shortest path. The gap's corners
        // act as new point sources, with the same error pattern as the open square.
        errstat_t e = compare(w, &f, sp, 5 * h, gap_ref, &sp);
        printf("wall with a gap, %.1f m cells, %u cells: max relative error vs shortest paths %.2f %%, mean "
               "%.2f %%, min (field - shortest) %.4f m\n",
               h, e.n, 100 * e.max_rel, 100 * e.mean_rel, e.min_diff);
        fflush(stdout);
        ck_assert_double_lt(e.max_rel, 0.08);
        ck_assert_double_lt(e.mean_rel, 0.035);
        ck_assert_double_ge(e.min_diff, -1e-4); // never shorter than the shortest path
        gops_field_free(&f);
        gops_walkable_destroy(w);
        map_free(m);
    }
}
END_TEST

START_TEST(blocked_cells_act_as_walls)
{
    // The same wall made of blocked cells on an open plaza gives the same field (the march
    // sees the same cells; tie order follows values, not indices, here).
    gops_map_t *mw = gap_map(true), *mo = gap_map(false);
    gops_walkable_t *ww = build(mw, 1.0), *wo = build(mo, 1.0);
    ck_assert_uint_eq(wo->count, 2400);
    uint8_t *blocked = calloc(wo->count, 1);
    uint32_t nblocked = 0;
    for (uint32_t i = 0; i < wo->count; i++)
        if (in_gap_wall(centre(wo, i))) {
            blocked[i] = 1;
            nblocked++;
        }
    ck_assert_uint_eq(nblocked, 72);
    uint32_t sw = at(ww, 10.5, 30.5), so = at(wo, 10.5, 30.5);
    gops_field_t fw = compute(ww, &sw, 1, NULL, NULL), fo = compute(wo, &so, 1, blocked, NULL);
    for (uint32_t i = 0; i < wo->count; i++) {
        gops_point_t p = centre(wo, i);
        if (blocked[i]) {
            ck_assert(isinf(fo.dist[i]));
            continue;
        }
        ck_assert_float_eq(fo.dist[i], fw.dist[at(ww, p.x, p.y)]);
    }
    // Unblocked, the same plaza is open: straight across is the straight line.
    gops_field_t open = compute(wo, &so, 1, NULL, NULL);
    ck_assert_float_eq(open.dist[at(wo, 32.5, 30.5)], 22.0f);
    ck_assert_float_gt(fo.dist[at(wo, 32.5, 30.5)], 30.0f);
    gops_field_free(&fw);
    gops_field_free(&fo);
    gops_field_free(&open);
    free(blocked);
    gops_walkable_destroy(ww);
    gops_walkable_destroy(wo);
    map_free(mw);
    map_free(mo);
}
END_TEST

START_TEST(multi_source_is_min_of_singles)
{
    gops_map_t *m = map_new();
    add_rect(m, GOPS_FEAT_PLAZA, 0, 0, 60, 40);
    add_rect(m, GOPS_FEAT_BUILDING, 25, 10, 35, 30);
    gops_walkable_t *w = build(m, 1.0);
    uint32_t src[3] = {at(w, 5.5, 20.5), at(w, 50.5, 35.5), at(w, 40.5, 2.5)};
    gops_field_t all = compute(w, src, 3, NULL, NULL);
    gops_field_t one[3];
    for (int k = 0; k < 3; k++) one[k] = compute(w, &src[k], 1, NULL, NULL);
    double worst = 0;
    uint32_t equal = 0;
    for (uint32_t i = 0; i < w->count; i++) {
        float lo = fminf(one[0].dist[i], fminf(one[1].dist[i], one[2].dist[i]));
        // Adding sources never lengthens a distance; where fronts from two sources meet,
        // the upwind update may mix them and come out a little lower than either.
        ck_assert_float_le(all.dist[i], lo);
        worst = fmax(worst, lo - all.dist[i]);
        equal += all.dist[i] == lo;
    }
    printf("three sources: field = min of the single-source fields at %u of %u cells, elsewhere at most %.3f m "
           "lower\n",
           equal, w->count, worst);
    fflush(stdout);
    ck_assert_double_lt(worst, 0.5);
    ck_assert_uint_gt(equal, w->count * 8 / 10);
    for (int k = 0; k < 3; k++) {
        ck_assert_float_eq(all.dist[src[k]], 0.0f);
        gops_field_free(&one[k]);
    }
    gops_field_free(&all);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(unreachable_is_infinite)
{
    gops_map_t *m = map_new();
    add_rect(m, GOPS_FEAT_PLAZA, 0, 0, 20, 20);
    add_rect(m, GOPS_FEAT_PLAZA, 30, 0, 50, 20);
    gops_walkable_t *w = build(m, 1.0);
    ck_assert_uint_eq(w->component_count, 2);
    // A ring of blocked cells (x, y in 10..15) fences a 4 × 4 pocket inside the first plaza.
    uint8_t *blocked = calloc(w->count, 1);
    for (uint32_t i = 0; i < w->count; i++) {
        gops_point_t p = centre(w, i);
        bool ring = p.x > 10 && p.x < 16 && p.y > 10 && p.y < 16 && (p.x < 11 || p.x > 15 || p.y < 11 || p.y > 15);
        blocked[i] = ring;
    }
    uint32_t s = at(w, 2.5, 2.5);
    gops_field_t f = compute(w, &s, 1, blocked, NULL);
    uint32_t finite = 0;
    for (uint32_t i = 0; i < w->count; i++) {
        gops_point_t p = centre(w, i);
        bool pocket = p.x > 11 && p.x < 15 && p.y > 11 && p.y < 15;
        bool reachable = p.x < 20 && !blocked[i] && !pocket;
        ck_assert_msg(reachable == isfinite(f.dist[i]), "cell (%g, %g): %g", p.x, p.y, (double)f.dist[i]);
        finite += reachable;
    }
    ck_assert_uint_eq(finite, 400 - 20 - 16);
    ck_assert(isinf(gops_field_sample(w, &f, 40, 10)));
    float dx = 1, dy = 1;
    gops_field_descent(w, &f, 40.3f, 10.2f, &dx, &dy);
    ck_assert(dx == 0 && dy == 0);
    gops_field_free(&f);
    // A source that is itself blocked (a closed destination) reaches nothing.
    blocked[s] = 1;
    f = compute(w, &s, 1, blocked, NULL);
    for (uint32_t i = 0; i < w->count; i++) ck_assert(isinf(f.dist[i]));
    gops_field_free(&f);
    free(blocked);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(bad_arguments)
{
    gops_map_t *m = map_new();
    add_rect(m, GOPS_FEAT_PLAZA, 0, 0, 10, 10);
    gops_walkable_t *w = build(m, 1.0);
    gops_field_t f = {0};
    gops_error_t err;
    gops_error_clear(&err);
    uint32_t s = 3;
    ck_assert_int_eq(gops_field_compute(w, &s, 0, NULL, NULL, &f, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "no source"));
    s = 100;
    ck_assert_int_eq(gops_field_compute(w, &s, 1, NULL, NULL, &f, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "walkable index 100, expected below 100"));
    ck_assert_ptr_null(f.dist);
    s = 3;
    float *speed = malloc(w->count * sizeof *speed);
    for (uint32_t i = 0; i < w->count; i++) speed[i] = 1.0f;
    speed[42] = 0.0f;
    ck_assert_int_eq(gops_field_compute(w, &s, 1, NULL, speed, &f, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "cell 42"));
    speed[42] = NAN;
    ck_assert_int_eq(gops_field_compute(w, &s, 1, NULL, speed, &f, &err), GOPS_BAD_VALUE);
    free(speed);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(slow_region_doubles_time)
{
    for (int k = 0; k < 2; k++) {
        double h = k == 0 ? 1.0 : 0.5;
        gops_map_t *m = map_new();
        add_rect(m, GOPS_FEAT_PLAZA, 0, 0, 100, 4);
        gops_walkable_t *w = build(m, h);
        // The whole left end is the source (a 1-D problem); x in 40..60 is walked at half speed.
        uint32_t src[8], n = 0;
        for (double y = h / 2; y < 4; y += h) src[n++] = at(w, h / 2, y);
        float *speed = malloc(w->count * sizeof *speed);
        for (uint32_t i = 0; i < w->count; i++) {
            double x = centre(w, i).x;
            speed[i] = x > 40 && x < 60 ? 0.5f : 1.0f;
        }
        gops_field_t plain = compute(w, src, n, NULL, NULL), slow = compute(w, src, n, NULL, speed);
        for (uint32_t i = 0; i < w->count; i++) {
            double x = centre(w, i).x, d = x - h / 2;
            ck_assert_float_eq(plain.dist[i], (float)d);
            // Travel time at 1 m/s: each cell entered costs h / speed.
            double t = x < 40 ? d : x < 60 ? 2 * x - 40 : d + 20;
            ck_assert_msg(fabs(slow.dist[i] - t) < 1e-4, "x %g: %g, expected %g", x, (double)slow.dist[i], t);
        }
        // Past the slow stretch every cell is 20 s later: its 20 m take 40 s instead of 20.
        float later = slow.dist[at(w, 70.1, 2)] - plain.dist[at(w, 70.1, 2)];
        ck_assert_float_eq_tol(later, 20.0f, 1e-4f);
        gops_field_free(&plain);
        gops_field_free(&slow);
        free(speed);
        gops_walkable_destroy(w);
        map_free(m);
    }
}
END_TEST

START_TEST(result_independent_of_source_order)
{
    gops_map_t *m = gap_map(true);
    add_rect(m, GOPS_FEAT_BUILDING, 40, 5, 44, 9);
    gops_walkable_t *w = build(m, 0.5);
    uint8_t *blocked = calloc(w->count, 1);
    float *speed = malloc(w->count * sizeof *speed);
    for (uint32_t i = 0; i < w->count; i++) {
        gops_point_t p = centre(w, i);
        blocked[i] = p.x > 10 && p.x < 12 && p.y > 5 && p.y < 25;
        speed[i] = 0.4f + 0.6f * (float)(0.5 + 0.5 * sin(p.x * 0.3) * cos(p.y * 0.2));
    }
    uint32_t a[4] = {at(w, 2.2, 2.2), at(w, 55.1, 35.3), at(w, 20.3, 12.8), at(w, 45.6, 20.1)};
    uint32_t b[6] = {a[3], a[1], a[1], a[0], a[2], a[3]};
    gops_field_t f1 = compute(w, a, 4, blocked, speed), f2 = compute(w, a, 4, blocked, speed);
    gops_field_t f3 = compute(w, b, 6, blocked, speed);
    ck_assert_int_eq(memcmp(f1.dist, f2.dist, w->count * sizeof(float)), 0);
    ck_assert_int_eq(memcmp(f1.dist, f3.dist, w->count * sizeof(float)), 0);
    gops_field_t g1 = {0}, g2 = {0};
    ck_assert_int_eq(gops_field_wall_distance(w, &g1, NULL), GOPS_OK);
    ck_assert_int_eq(gops_field_wall_distance(w, &g2, NULL), GOPS_OK);
    ck_assert_int_eq(memcmp(g1.dist, g2.dist, w->count * sizeof(float)), 0);
    gops_field_free(&f1);
    gops_field_free(&f2);
    gops_field_free(&f3);
    gops_field_free(&g1);
    gops_field_free(&g2);
    free(blocked);
    free(speed);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

// ---- distance to walls -----------------------------------------------------------------

// Distance from p to rectangle r (0 inside).
static double rect_distance(gops_point_t p, rect_t r)
{
    double dx = fmax(fmax(r.x0 - p.x, 0), p.x - r.x1), dy = fmax(fmax(r.y0 - p.y, 0), p.y - r.y1);
    return hypot(dx, dy);
}

START_TEST(wall_distance_rectangle)
{
    for (int k = 0; k < 2; k++) {
        double h = k == 0 ? 1.0 : 0.5;
        gops_map_t *m = map_new();
        add_rect(m, GOPS_FEAT_PLAZA, 0, 0, 30, 20);
        add_rect(m, GOPS_FEAT_BUILDING, 8, 5, 12, 9);
        gops_walkable_t *w = build(m, h);
        gops_field_t f = {0};
        gops_error_t err;
        gops_error_clear(&err);
        ck_assert_int_eq(gops_field_wall_distance(w, &f, &err), GOPS_OK);
        ck_assert_uint_eq(f.count, w->count);
        for (uint32_t i = 0; i < w->count; i++) {
            gops_point_t p = centre(w, i);
            double exact = fmin(fmin(p.x, 30 - p.x), fmin(p.y, 20 - p.y));
            exact = fmin(exact, rect_distance(p, (rect_t){8, 5, 12, 9}));
            ck_assert_msg(fabs(f.dist[i] - exact) < 1e-5, "(%g, %g): %g, expected %g", p.x, p.y,
                          (double)f.dist[i], exact);
            ck_assert_double_ge(f.dist[i], h / 2 - 1e-6);
        }
        // Diagonally off the building's corner the distance is to the corner point.
        gops_point_t q = centre(w, at(w, 14.6, 11.1));
        ck_assert_float_eq_tol(f.dist[at(w, 14.6, 11.1)], (float)hypot(q.x - 12, q.y - 9), 1e-5f);
        gops_field_free(&f);
        gops_walkable_destroy(w);
        map_free(m);
    }
}
END_TEST

START_TEST(wall_distance_matches_brute_force)
{
    // Slanted edges and several obstacles: compare with the distance to every non-walkable
    // cell square and to the outside of the raster, found by brute force.
    gops_map_t *m = map_new();
    add_triangle(m, 0, 0, 47, 3, 12, 38);
    add_rect(m, GOPS_FEAT_PLAZA, 30, 20, 41, 28);
    add_rect(m, GOPS_FEAT_BUILDING, 10, 8, 13, 12);
    add_rect(m, GOPS_FEAT_BUILDING, 20, 10, 21, 11);
    gops_walkable_t *w = build(m, 0.5);
    gops_field_t f = {0};
    ck_assert_int_eq(gops_field_wall_distance(w, &f, NULL), GOPS_OK);
    double h = w->cell, x0 = w->min_x, y0 = w->min_y, x1 = x0 + w->nx * h, y1 = y0 + w->ny * h;
    for (uint32_t i = 0; i < w->count; i++) {
        gops_point_t p = centre(w, i);
        double best = fmin(fmin(p.x - x0, x1 - p.x), fmin(p.y - y0, y1 - p.y));
        for (uint32_t c = 0; c < (uint32_t)w->nx * (uint32_t)w->ny; c++) {
            if (gops_walkable_is_set(w, c)) continue;
            gops_point_t q = gops_walkable_centre(w, c);
            best = fmin(best, rect_distance(p, (rect_t){q.x - h / 2, q.y - h / 2, q.x + h / 2, q.y + h / 2}));
        }
        ck_assert_msg(fabs(f.dist[i] - best) < 1e-5, "(%g, %g): %g, brute force %g", p.x, p.y, (double)f.dist[i],
                      best);
    }
    gops_field_free(&f);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

// ---- sampling and descent ----------------------------------------------------------------

START_TEST(sample_bilinear)
{
    gops_map_t *m = map_new();
    add_rect(m, GOPS_FEAT_PLAZA, 0, 0, 20, 10);
    add_rect(m, GOPS_FEAT_BUILDING, 10, 5, 12, 10);
    gops_walkable_t *w = build(m, 1.0);
    uint32_t s = at(w, 0.5, 0.5);
    gops_field_t f = compute(w, &s, 1, NULL, NULL);
    float v00 = f.dist[at(w, 3.5, 2.5)], v10 = f.dist[at(w, 4.5, 2.5)];
    float v01 = f.dist[at(w, 3.5, 3.5)], v11 = f.dist[at(w, 4.5, 3.5)];
    ck_assert_float_eq(gops_field_sample(w, &f, 3.5f, 2.5f), v00);
    ck_assert_float_eq_tol(gops_field_sample(w, &f, 4.0f, 2.5f), 0.5f * (v00 + v10), 1e-5f);
    // At (3.75, 3.25): 0.25 of the way from x 3.5 to 4.5 and 0.75 from y 2.5 to 3.5.
    ck_assert_float_eq_tol(gops_field_sample(w, &f, 3.75f, 3.25f),
                           0.75f * 0.25f * v00 + 0.25f * 0.25f * v10 + 0.75f * 0.75f * v01 + 0.25f * 0.75f * v11,
                           1e-5f);
    // Beside the building, the corner inside it drops out and the rest are renormalised:
    // at (9.75, 4.75) the corners are (9.5, 4.5) w 0.5625, (10.5, 4.5) w 0.1875, (9.5, 5.5)
    // w 0.1875 and (10.5, 5.5) — inside the building.
    float a = f.dist[at(w, 9.5, 4.5)], b = f.dist[at(w, 10.5, 4.5)], c = f.dist[at(w, 9.5, 5.5)];
    ck_assert_float_eq_tol(gops_field_sample(w, &f, 9.75f, 4.75f),
                           (0.5625f * a + 0.1875f * b + 0.1875f * c) / 0.9375f, 1e-5f);
    // Off the walkable area (inside the building, off the raster, not a number): INFINITY.
    ck_assert(isinf(gops_field_sample(w, &f, 11.0f, 7.0f)));
    ck_assert(isinf(gops_field_sample(w, &f, -0.5f, 3.0f)));
    ck_assert(isinf(gops_field_sample(w, &f, 5.0f, 10.5f)));
    ck_assert(isinf(gops_field_sample(w, &f, NAN, 3.0f)));
    gops_field_free(&f);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(descent_points_to_source)
{
    gops_map_t *m = map_new();
    add_rect(m, GOPS_FEAT_PLAZA, 0, 0, 61, 61);
    gops_walkable_t *w = build(m, 1.0);
    uint32_t s = at(w, 30.5, 30.5);
    gops_field_t f = compute(w, &s, 1, NULL, NULL);
    float dx, dy;
    gops_field_descent(w, &f, 30.5f, 30.5f, &dx, &dy);
    ck_assert(dx == 0.0f && dy == 0.0f); // at the source
    double worst = 1;
    for (float y = 1.13f; y < 60; y += 0.71f)
        for (float x = 1.37f; x < 60; x += 0.83f) {
            double rx = 30.5 - x, ry = 30.5 - y, r = hypot(rx, ry);
            if (r < 2) continue;
            gops_field_descent(w, &f, x, y, &dx, &dy);
            ck_assert_float_eq_tol(dx * dx + dy * dy, 1.0f, 1e-5f);
            worst = fmin(worst, (dx * rx + dy * ry) / r);
        }
    printf("descent on the open square: worst cosine to the true direction %.4f (%.1f degrees)\n", worst,
           acos(worst) * 180 / PI);
    fflush(stdout);
    ck_assert_double_gt(worst, cos(10 * PI / 180));
    gops_field_free(&f);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

START_TEST(descent_along_walls)
{
    // A 4 m corridor with the goal across its east end: next to either long wall the way
    // is straight east; with a point goal in the north-east corner it still never points
    // into a wall.
    gops_map_t *m = map_new();
    add_rect(m, GOPS_FEAT_PLAZA, 0, 0, 100, 4);
    gops_walkable_t *w = build(m, 1.0);
    uint32_t end[4] = {at(w, 99.5, 0.5), at(w, 99.5, 1.5), at(w, 99.5, 2.5), at(w, 99.5, 3.5)};
    gops_field_t f = compute(w, end, 4, NULL, NULL);
    float dx, dy;
    for (float x = 0.3f; x < 99; x += 1.7f)
        for (float y = 0.1f; y < 4; y += 0.3f) {
            gops_field_descent(w, &f, x, y, &dx, &dy);
            ck_assert_msg(dx > 0.999999f && dy == 0.0f, "at (%g, %g): (%g, %g)", x, y, dx, dy);
        }
    gops_field_free(&f);
    uint32_t s = at(w, 99.5, 3.5);
    f = compute(w, &s, 1, NULL, NULL);
    for (float x = 0.3f; x < 99; x += 1.7f) {
        gops_field_descent(w, &f, x, 0.2f, &dx, &dy);
        ck_assert_float_ge(dy, 0.0f);
        ck_assert_float_gt(dx, x < 80 ? 0.95f : 0.0f);
        gops_field_descent(w, &f, x, 3.8f, &dx, &dy);
        ck_assert_float_le(dy, 0.0f);
        ck_assert_float_gt(dx, 0.95f);
    }
    gops_field_free(&f);
    gops_walkable_destroy(w);
    map_free(m);

    // Beside the wall of the gap plaza with the goal straight through the wall: the field
    // falls toward the wall, but the way is along it, to the gap.
    m = gap_map(true);
    w = build(m, 1.0);
    s = at(w, 40.5, 5.5);
    f = compute(w, &s, 1, NULL, NULL);
    const float pts[][2] = {{28.5f, 5.5f}, {28.9f, 5.2f}, {28.1f, 8.7f}, {28.02f, 12.0f}};
    for (int k = 0; k < 4; k++) {
        gops_field_descent(w, &f, pts[k][0], pts[k][1], &dx, &dy);
        ck_assert_msg(dx <= 0.0f && dy > 0.95f, "at (%g, %g): (%g, %g)", pts[k][0], pts[k][1], dx, dy);
    }
    // Through the gap and down the far face toward the goal.
    gops_field_descent(w, &f, 31.5f, 15.5f, &dx, &dy);
    ck_assert_float_lt(dy, -0.5f);
    ck_assert_float_ge(dx, 0.0f);
    gops_field_free(&f);
    gops_walkable_destroy(w);
    map_free(m);
}
END_TEST

// ---- geometry hash and cache -------------------------------------------------------------

START_TEST(geometry_hash)
{
    gops_map_t *m1 = gap_map(true), *m2 = gap_map(false);
    gops_walkable_t *w1 = build(m1, 1.0), *w2 = build(m2, 1.0), *w3 = build(m1, 0.5);
    uint64_t h1 = gops_field_geometry_hash(w1, NULL);
    ck_assert_uint_eq(h1, gops_field_geometry_hash(w1, NULL));
    ck_assert_uint_ne(h1, gops_field_geometry_hash(w2, NULL));
    ck_assert_uint_ne(h1, gops_field_geometry_hash(w3, NULL));
    uint8_t *blocked = calloc(w1->count, 1);
    ck_assert_uint_eq(h1, gops_field_geometry_hash(w1, blocked)); // no cell blocked = NULL
    blocked[7] = 1;
    uint64_t hb = gops_field_geometry_hash(w1, blocked);
    ck_assert_uint_ne(h1, hb);
    blocked[7] = 255; // any non-zero value means blocked
    ck_assert_uint_eq(hb, gops_field_geometry_hash(w1, blocked));
    free(blocked);
    gops_walkable_destroy(w1);
    gops_walkable_destroy(w2);
    gops_walkable_destroy(w3);
    map_free(m1);
    map_free(m2);
}
END_TEST

typedef struct log_capture {
    int debug;
    char last[1024];
} log_capture_t;

static void capture(gops_log_level_t level, const char *message, void *user)
{
    log_capture_t *c = user;
    if (level == GOPS_LOG_DEBUG) c->debug++;
    snprintf(c->last, sizeof c->last, "%s", message);
}

typedef struct cache_fixture {
    gops_map_t *map;
    gops_walkable_t *walk;
    char *dir;
    uint32_t src[2];
    gops_field_key_t key;
    gops_field_t field;
    char path[1200];
} cache_fixture_t;

static void cache_setup(cache_fixture_t *c)
{
    c->map = gap_map(true);
    c->walk = build(c->map, 1.0);
    c->dir = gops_test_tmpdir();
    ck_assert_ptr_nonnull(c->dir);
    c->src[0] = at(c->walk, 40.5, 5.5);
    c->src[1] = at(c->walk, 3.5, 36.5);
    c->field = compute(c->walk, c->src, 2, NULL, NULL);
    gops_error_t err;
    gops_error_clear(&err);
    ck_assert_int_eq(gops_field_key_compute(c->walk, c->src, 2, NULL, NULL, &c->key, &err), GOPS_OK);
    ck_assert_int_eq(gops_field_cache_path(c->dir, &c->key, c->path, sizeof c->path, &err), GOPS_OK);
}

static void cache_teardown(cache_fixture_t *c)
{
    gops_field_free(&c->field);
    gops_walkable_destroy(c->walk);
    map_free(c->map);
    free(c->dir);
}

START_TEST(cache_round_trip)
{
    cache_fixture_t c;
    cache_setup(&c);
    gops_error_t err;
    gops_error_clear(&err);
    // Empty cache: a plain miss.
    gops_field_t got = {0};
    ck_assert_int_eq(gops_field_cache_load(c.dir, &c.key, &got, &err), GOPS_IO);
    ck_assert_ptr_null(got.dist);
    // Stored into a folder that does not exist yet, then loaded bit for bit.
    char sub[1200];
    snprintf(sub, sizeof sub, "%s/a/b", c.dir);
    ck_assert_int_eq(gops_field_cache_store(sub, &c.key, &c.field, &err), GOPS_OK);
    ck_assert_int_eq(gops_field_cache_load(sub, &c.key, &got, &err), GOPS_OK);
    ck_assert_uint_eq(got.count, c.walk->count);
    ck_assert_int_eq(memcmp(got.dist, c.field.dist, got.count * sizeof(float)), 0);
    gops_field_free(&got);
    // The same sources in another order with a repeat share the key.
    uint32_t again[3] = {c.src[1], c.src[0], c.src[1]};
    gops_field_key_t k2;
    ck_assert_int_eq(gops_field_key_compute(c.walk, again, 3, NULL, NULL, &k2, &err), GOPS_OK);
    ck_assert_int_eq(memcmp(&k2, &c.key, sizeof k2), 0);
    // Other sources, a blocked cell or a speed field make other keys: a miss.
    gops_field_key_t other[3];
    ck_assert_int_eq(gops_field_key_compute(c.walk, c.src, 1, NULL, NULL, &other[0], &err), GOPS_OK);
    uint8_t *blocked = calloc(c.walk->count, 1);
    blocked[100] = 1;
    ck_assert_int_eq(gops_field_key_compute(c.walk, c.src, 2, blocked, NULL, &other[1], &err), GOPS_OK);
    float *speed = malloc(c.walk->count * sizeof *speed);
    for (uint32_t i = 0; i < c.walk->count; i++) speed[i] = 1.0f;
    ck_assert_int_eq(gops_field_key_compute(c.walk, c.src, 2, NULL, speed, &other[2], &err), GOPS_OK);
    ck_assert_int_eq(other[2].kind, GOPS_FIELD_KIND_TRAVEL_TIME);
    for (int k = 0; k < 3; k++) {
        ck_assert_int_ne(memcmp(&other[k], &c.key, sizeof c.key), 0);
        ck_assert_int_eq(gops_field_cache_load(sub, &other[k], &got, &err), GOPS_IO);
    }
    // The wall field round-trips under its own key.
    gops_field_t wall = {0}, wall2 = {0};
    ck_assert_int_eq(gops_field_wall_distance_cached(c.dir, c.walk, &wall, &err), GOPS_OK);
    gops_field_key_t wk = gops_field_key_wall(c.walk);
    ck_assert_int_eq(gops_field_cache_load(c.dir, &wk, &wall2, &err), GOPS_OK);
    ck_assert_int_eq(memcmp(wall.dist, wall2.dist, wall.count * sizeof(float)), 0);
    // compute_cached: the first call stores, the second loads the same bits.
    gops_field_t f1 = {0}, f2 = {0};
    ck_assert_int_eq(gops_field_compute_cached(c.dir, c.walk, c.src, 2, blocked, speed, &f1, &err), GOPS_OK);
    ck_assert_int_eq(gops_field_cache_load(c.dir, &other[2], &got, &err), GOPS_IO); // blocked differs
    gops_field_key_t kb;
    ck_assert_int_eq(gops_field_key_compute(c.walk, c.src, 2, blocked, speed, &kb, &err), GOPS_OK);
    ck_assert_int_eq(gops_field_cache_load(c.dir, &kb, &got, &err), GOPS_OK);
    ck_assert_int_eq(gops_field_compute_cached(c.dir, c.walk, c.src, 2, blocked, speed, &f2, &err), GOPS_OK);
    ck_assert_int_eq(memcmp(f1.dist, got.dist, f1.count * sizeof(float)), 0);
    ck_assert_int_eq(memcmp(f1.dist, f2.dist, f1.count * sizeof(float)), 0);
    gops_field_free(&got);
    gops_field_free(&f1);
    gops_field_free(&f2);
    gops_field_free(&wall);
    gops_field_free(&wall2);
    free(blocked);
    free(speed);
    cache_teardown(&c);
}
END_TEST

// Rewrites byte `offset` of a file (XOR with `flip`), or truncates it to `truncate` bytes.
static void damage(const char *path, long offset, unsigned char flip, long truncate)
{
    size_t size;
    char *data = gops_test_read_file(path, &size);
    ck_assert_ptr_nonnull(data);
    if (truncate >= 0) size = (size_t)truncate;
    else data[offset] ^= (char)flip;
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, size, f), size);
    fclose(f);
    free(data);
}

START_TEST(cache_rejects_damaged_files)
{
    cache_fixture_t c;
    cache_setup(&c);
    log_capture_t log = {0};
    gops_log_set_hook(capture, &log);
    gops_error_t err;
    gops_error_clear(&err);
    long payload_end = 48 + 4 * (long)c.walk->count;
    struct {
        long offset;
        unsigned char flip;
        long truncate;
        const char *why;
    } cases[] = {
        {48 + 4 * 1000 + 2, 0x10, -1, "checksum"},    // one value changed
        {payload_end + 3, 0x01, -1, "checksum"},      // the checksum itself
        {0, 'G' ^ 'X', -1, "bad magic"},              // not our file
        {8, 0x03, -1, "version 2"},                   // another format version
        {12, 0xFF, -1, "byte order"},                 // another host
        {20, 0x01, -1, "another key"},                // geometry of another map
        {0, 0, payload_end, "bytes, expected"},       // truncated
        {0, 0, 10, "bytes, expected"},                // header cut short
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ck_assert_int_eq(gops_field_cache_store(c.dir, &c.key, &c.field, &err), GOPS_OK);
        damage(c.path, cases[k].offset, cases[k].flip, cases[k].truncate);
        int before = log.debug;
        gops_field_t got = {0};
        ck_assert_int_eq(gops_field_cache_load(c.dir, &c.key, &got, &err), GOPS_IO);
        ck_assert_ptr_null(got.dist);
        ck_assert_msg(strstr(err.message, cases[k].why) != NULL, "case %zu: %s", k, err.message);
        ck_assert_int_eq(log.debug, before + 1);
        ck_assert_ptr_nonnull(strstr(log.last, "recomputing"));
    }
    // A NaN with a valid checksum (written by something else) is still refused.
    c.field.dist[5] = NAN;
    ck_assert_int_eq(gops_field_cache_store(c.dir, &c.key, &c.field, &err), GOPS_OK);
    gops_field_t got = {0};
    ck_assert_int_eq(gops_field_cache_load(c.dir, &c.key, &got, &err), GOPS_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "value nan at cell 5"));
    // compute_cached over a damaged file recomputes the right field and repairs the entry.
    gops_field_t f = {0};
    ck_assert_int_eq(gops_field_compute_cached(c.dir, c.walk, c.src, 2, NULL, NULL, &f, &err), GOPS_OK);
    gops_field_t fresh = compute(c.walk, c.src, 2, NULL, NULL);
    ck_assert_int_eq(memcmp(f.dist, fresh.dist, f.count * sizeof(float)), 0);
    ck_assert_int_eq(gops_field_cache_load(c.dir, &c.key, &got, &err), GOPS_OK);
    ck_assert_int_eq(memcmp(got.dist, fresh.dist, f.count * sizeof(float)), 0);
    gops_field_free(&got);
    gops_field_free(&f);
    gops_field_free(&fresh);
    gops_log_set_hook(NULL, NULL);
    cache_teardown(&c);
}
END_TEST

START_TEST(cache_default_dir)
{
    char buf[512];
    gops_error_t err;
    gops_error_clear(&err);
    setenv("GRIDOPS_CACHE_DIR", "/srv/cache/g", 1);
    ck_assert_int_eq(gops_field_cache_default_dir(buf, sizeof buf, &err), GOPS_OK);
    ck_assert_str_eq(buf, "/srv/cache/g");
    unsetenv("GRIDOPS_CACHE_DIR");
    setenv("XDG_CACHE_HOME", "/x/cache", 1);
    setenv("HOME", "/home/u", 1);
    ck_assert_int_eq(gops_field_cache_default_dir(buf, sizeof buf, &err), GOPS_OK);
    ck_assert_str_eq(buf, "/x/cache/gridops");
    setenv("XDG_CACHE_HOME", "relative", 1); // ignored, as the XDG spec asks
    ck_assert_int_eq(gops_field_cache_default_dir(buf, sizeof buf, &err), GOPS_OK);
    ck_assert_str_eq(buf, "/home/u/.cache/gridops");
    ck_assert_int_eq(gops_field_cache_default_dir(buf, 8, &err), GOPS_IO);
    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    ck_assert_int_eq(gops_field_cache_default_dir(buf, sizeof buf, &err), GOPS_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "HOME"));
}
END_TEST

// ---- timings on the Erqi map (printed, not asserted) ------------------------------------

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

START_TEST(erqi_timing)
{
    gops_error_t err;
    gops_error_clear(&err);
    gops_map_t *map = gops_map_load(gops_test_source_path("assets/maps/erqi.geojson"), &err);
    ck_assert_msg(map != NULL, "%s", err.message);
    for (int k = 0; k < 2; k++) {
        gops_walkable_def_t def = gops_walkable_def_default();
        def.cell_m = k == 0 ? 1.0 : 0.5;
        gops_walkable_t *w = gops_walkable_build(map, &def, &err);
        ck_assert_msg(w != NULL, "%s", err.message);
        uint32_t *src = malloc(w->anchor_count * sizeof *src), n = 0;
        bool *has_source = calloc(w->component_count, sizeof *has_source);
        for (uint32_t a = 0; a < w->anchor_count; a++) {
            const gops_walkable_anchor_t *an = &w->anchors[a];
            if (map->features[an->feature].kind != GOPS_FEAT_ENTRANCE || an->walk == GOPS_WALKABLE_NONE) continue;
            src[n++] = an->walk;
            has_source[an->component] = true;
        }
        ck_assert_uint_gt(n, 100);
        double best = INFINITY;
        gops_field_t f = {0};
        for (int rep = 0; rep < 3; rep++) {
            gops_field_free(&f);
            double t0 = now_ms();
            ck_assert_int_eq(gops_field_compute(w, src, n, NULL, NULL, &f, &err), GOPS_OK);
            best = fmin(best, now_ms() - t0);
        }
        // Exactly the cells of components holding an entrance are reachable.
        uint32_t finite = 0, expect = 0;
        for (uint32_t i = 0; i < w->count; i++) finite += isfinite(f.dist[i]);
        for (uint32_t cpt = 0; cpt < w->component_count; cpt++)
            if (has_source[cpt]) expect += w->component_size[cpt];
        ck_assert_uint_eq(finite, expect);
        double t0 = now_ms();
        gops_field_t wall = {0};
        ck_assert_int_eq(gops_field_wall_distance(w, &wall, &err), GOPS_OK);
        double wall_ms = now_ms() - t0;
        // Sampling and descent at points spread over the raster, timing only the calls: in
        // a scrambled order (agents not sorted by cell: cache misses dominate) and in
        // raster order (agents sorted by cell, as after a counting sort).
        uint32_t calls = w->count / 3;
        float *px = malloc(calls * sizeof *px), *py = malloc(calls * sizeof *py);
        float acc = 0;
        double descent_ns[2] = {INFINITY, INFINITY}, sample_ns[2] = {INFINITY, INFINITY};
        for (int order = 0; order < 2; order++) {
            uint64_t lcg = 12345;
            for (uint32_t j = 0; j < calls; j++) {
                lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
                gops_point_t p = centre(w, order == 0 ? (uint32_t)((lcg >> 33) % w->count) : 3 * j);
                px[j] = (float)p.x + (float)((lcg >> 20) & 1023) / 1024.0f - 0.5f;
                py[j] = (float)p.y + (float)((lcg >> 10) & 1023) / 1024.0f - 0.5f;
            }
            for (int rep = 0; rep < 3; rep++) {
                t0 = now_ms();
                for (uint32_t j = 0; j < calls; j++) {
                    float dx, dy;
                    gops_field_descent(w, &f, px[j], py[j], &dx, &dy);
                    acc += dx + dy;
                }
                descent_ns[order] = fmin(descent_ns[order], (now_ms() - t0) * 1e6 / calls);
                t0 = now_ms();
                for (uint32_t j = 0; j < calls; j++) {
                    float v = gops_field_sample(w, &f, px[j], py[j]);
                    acc += isfinite(v) ? v : 0;
                }
                sample_ns[order] = fmin(sample_ns[order], (now_ms() - t0) * 1e6 / calls);
            }
        }
        free(px);
        free(py);
        printf("erqi %.1f m: raster %d x %d, %u walkable cells, field from %u entrances in %.1f ms (best of 3), "
               "wall distance %.1f ms, %.1f MB per field; per call, scrambled / sorted order: sample %.0f / %.0f "
               "ns, descent %.0f / %.0f ns (%s; checksum %g)\n",
               def.cell_m, w->nx, w->ny, w->count, n, best, wall_ms, w->count * 4.0 / 1e6, sample_ns[0],
               sample_ns[1], descent_ns[0], descent_ns[1],
#if defined(__OPTIMIZE__) && !defined(__SANITIZE_ADDRESS__)
               "optimised build",
#else
               "debug or sanitizer build: times are not representative",
#endif
               (double)acc);
        fflush(stdout);
        gops_field_free(&f);
        gops_field_free(&wall);
        free(src);
        free(has_source);
        gops_walkable_destroy(w);
    }
    gops_map_destroy(map);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("field");
    TCase *tc = tcase_create("march");
    tcase_add_test(tc, square_point_source);
    tcase_add_test(tc, corridor_exact_along_axis);
    tcase_add_test(tc, l_corridor_around_corner);
    tcase_add_test(tc, wall_with_gap);
    tcase_add_test(tc, blocked_cells_act_as_walls);
    tcase_add_test(tc, multi_source_is_min_of_singles);
    tcase_add_test(tc, unreachable_is_infinite);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, slow_region_doubles_time);
    tcase_add_test(tc, result_independent_of_source_order);
    suite_add_tcase(s, tc);
    tc = tcase_create("walls");
    tcase_add_test(tc, wall_distance_rectangle);
    tcase_add_test(tc, wall_distance_matches_brute_force);
    suite_add_tcase(s, tc);
    tc = tcase_create("sample");
    tcase_add_test(tc, sample_bilinear);
    tcase_add_test(tc, descent_points_to_source);
    tcase_add_test(tc, descent_along_walls);
    suite_add_tcase(s, tc);
    tc = tcase_create("cache");
    tcase_add_test(tc, geometry_hash);
    tcase_add_test(tc, cache_round_trip);
    tcase_add_test(tc, cache_rejects_damaged_files);
    tcase_add_test(tc, cache_default_dir);
    suite_add_tcase(s, tc);
    tc = tcase_create("timing");
    tcase_set_timeout(tc, 300); // two Erqi rasters; slow under the sanitizers
    tcase_add_test(tc, erqi_timing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
