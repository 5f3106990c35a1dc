// SPDX-License-Identifier: MIT
// Check suite for core/grid: every query compared with a brute-force scan (same float
// distance test) on 10k random points, inside and outside the extent and on cell borders,
// for several radii and cell sizes; the documented visit order; rebuilds with changed n.
#include "fixture.h"

#include "core/grid.h"
#include "core/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// Plain check for hot loops: Check's ck_assert records a location on every pass, which is
// slow over millions of iterations.
#define REQUIRE(expr, ...)                                                                 \
    do {                                                                                   \
        if (!(expr)) ck_abort_msg(__VA_ARGS__);                                            \
    } while (0)

#define MAX_POINTS 20000
#define W 100.0f
#define H 80.0f

static float px[MAX_POINTS], py[MAX_POINTS];

typedef struct hits {
    uint32_t n;
    uint32_t index[MAX_POINTS];
} hits_t;

static hits_t got, want;

static void collect(uint32_t index, void *user)
{
    hits_t *h = user;
    h->index[h->n++] = index;
}

// Points over [-10, W+10] x [-10, H+10]; every 7th lies exactly on a cell border of the
// given cell size (or the extent's edge), to exercise the cell boundary rule.
static void make_points(uint32_t n, float cell, uint64_t seed)
{
    gops_rng_t rng;
    gops_rng_seed(&rng, seed, 1);
    for (uint32_t i = 0; i < n; i++) {
        px[i] = (float)gops_rng_range(&rng, -10.0, W + 10.0);
        py[i] = (float)gops_rng_range(&rng, -10.0, H + 10.0);
        if (i % 7 == 0) px[i] = cell * (float)gops_rng_below(&rng, (uint64_t)(W / cell) + 1);
        if (i % 14 == 0) py[i] = cell * (float)gops_rng_below(&rng, (uint64_t)(H / cell) + 1);
    }
}

static const gops_grid_t *sort_grid;

// Documented order: cell number (row-major), then point index.
static int by_cell_then_index(const void *a, const void *b)
{
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    int32_t ix, iy, jx, jy;
    gops_grid_cell_of(sort_grid, px[i], py[i], &ix, &iy);
    gops_grid_cell_of(sort_grid, px[j], py[j], &jx, &jy);
    int64_t ci = (int64_t)iy * sort_grid->nx + ix, cj = (int64_t)jy * sort_grid->nx + jx;
    if (ci != cj) return ci < cj ? -1 : 1;
    return i < j ? -1 : i > j;
}

static void brute_force(const gops_grid_t *grid, uint32_t n, float qx, float qy, float r)
{
    want.n = 0;
    for (uint32_t i = 0; i < n; i++) {
        float dx = px[i] - qx, dy = py[i] - qy;
        if (dx * dx + dy * dy <= r * r) want.index[want.n++] = i;
    }
    sort_grid = grid;
    qsort(want.index, want.n, sizeof want.index[0], by_cell_then_index);
}

static void check_query(const gops_grid_t *grid, uint32_t n, float qx, float qy, float r)
{
    brute_force(grid, n, qx, qy, r);
    got.n = 0;
    uint32_t count = gops_grid_query(grid, px, py, qx, qy, r, collect, &got);
    REQUIRE(count == got.n, "count %u but %u visits", count, got.n);
    REQUIRE(got.n == want.n, "query (%g, %g) r %g: %u hits, brute force %u", qx, qy, r, got.n,
            want.n);
    REQUIRE(memcmp(got.index, want.index, got.n * sizeof got.index[0]) == 0,
            "query (%g, %g) r %g: visit order differs", qx, qy, r);
}

static void check_structure(const gops_grid_t *grid, uint32_t n)
{
    uint32_t cells = (uint32_t)grid->nx * (uint32_t)grid->ny;
    ck_assert_uint_eq(grid->count, n);
    ck_assert_uint_eq(grid->cell_start[0], 0);
    ck_assert_uint_eq(grid->cell_start[cells], n);
    static unsigned char seen[MAX_POINTS];
    memset(seen, 0, sizeof seen);
    for (uint32_t c = 0; c < cells; c++) {
        REQUIRE(grid->cell_start[c] <= grid->cell_start[c + 1], "offsets fall at cell %u", c);
        for (uint32_t k = grid->cell_start[c]; k < grid->cell_start[c + 1]; k++) {
            uint32_t i = grid->items[k];
            REQUIRE(i < n && !seen[i], "item %u repeated or out of range", i);
            seen[i] = 1;
            int32_t cx, cy;
            gops_grid_cell_of(grid, px[i], py[i], &cx, &cy);
            REQUIRE((uint32_t)cy * (uint32_t)grid->nx + (uint32_t)cx == c, "point %u misfiled", i);
            if (k > grid->cell_start[c])
                REQUIRE(grid->items[k - 1] < i, "cell %u not in index order", c);
        }
    }
}

START_TEST(queries_match_brute_force)
{
    static const float cells[] = {1.0f, 2.5f, 7.0f, 40.0f, 200.0f};
    static const float radii[] = {0.0f, 0.5f, 2.0f, 5.0f, 17.3f};
    enum { N = 10000, QUERIES = 60 };
    for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++) {
        gops_grid_t grid;
        ck_assert_int_eq(gops_grid_init(&grid, 0.0f, 0.0f, W, H, cells[c]), 0);
        make_points(N, cells[c], 100 + c);
        ck_assert_int_eq(gops_grid_build(&grid, px, py, N), 0);
        check_structure(&grid, N);
        gops_rng_t rng;
        gops_rng_seed(&rng, 7, (uint32_t)c);
        for (int q = 0; q < QUERIES; q++) {
            float qx = (float)gops_rng_range(&rng, -30.0, W + 30.0);
            float qy = (float)gops_rng_range(&rng, -30.0, H + 30.0);
            if (q % 5 == 0) { // centred on a point, some of which lie on borders or outside
                uint32_t i = (uint32_t)gops_rng_below(&rng, N);
                qx = px[i];
                qy = py[i];
            }
            if (q % 6 == 1) qx = cells[c] * 3.0f; // on a cell border
            for (size_t r = 0; r < sizeof radii / sizeof radii[0]; r++)
                check_query(&grid, N, qx, qy, radii[r]);
        }
        gops_grid_free(&grid);
    }
}
END_TEST

START_TEST(distance_is_inclusive)
{
    gops_grid_t grid;
    ck_assert_int_eq(gops_grid_init(&grid, 0.0f, 0.0f, W, H, 2.0f), 0);
    px[0] = 13.0f, py[0] = 24.0f; // exactly 5 m from (10, 20)
    px[1] = 10.0f, py[1] = 20.0f; // the query point itself
    px[2] = 15.0f, py[2] = 20.0f; // 5 m along x, beyond the 4 m query below
    ck_assert_int_eq(gops_grid_build(&grid, px, py, 3), 0);
    got.n = 0;
    ck_assert_uint_eq(gops_grid_query(&grid, px, py, 10.0f, 20.0f, 5.0f, collect, &got), 3);
    ck_assert_uint_eq(gops_grid_query(&grid, px, py, 10.0f, 20.0f, 0.0f, NULL, NULL), 1);
    ck_assert_uint_eq(gops_grid_query(&grid, px, py, 10.0f, 20.0f, 4.0f, NULL, NULL), 1);
    ck_assert_uint_eq(gops_grid_query(&grid, px, py, 10.0f, 20.0f, -1.0f, NULL, NULL), 0);
    ck_assert_uint_eq(gops_grid_query(&grid, px, py, 10.0f, 20.0f, NAN, NULL, NULL), 0);
    // Visit order: cell (6,12) of point 0 comes after cells (5,10) and (7,10) of row 10.
    ck_assert_uint_eq(got.n, 3);
    ck_assert_uint_eq(got.index[0], 1);
    ck_assert_uint_eq(got.index[1], 2);
    ck_assert_uint_eq(got.index[2], 0);
    gops_grid_free(&grid);
}
END_TEST

START_TEST(cell_of_clamps_and_borders)
{
    gops_grid_t grid;
    ck_assert_int_eq(gops_grid_init(&grid, -5.0f, 10.0f, W, H, 7.0f), 0);
    ck_assert_int_eq(grid.nx, 15); // ceil(100 / 7)
    ck_assert_int_eq(grid.ny, 12); // ceil(80 / 7)
    int32_t cx, cy;
    gops_grid_cell_of(&grid, -5.0f, 10.0f, &cx, &cy);
    ck_assert(cx == 0 && cy == 0);
    gops_grid_cell_of(&grid, 16.0f, 31.0f, &cx, &cy); // exactly on the 3rd borders
    ck_assert(cx == 3 && cy == 3);
    gops_grid_cell_of(&grid, 15.999f, 30.999f, &cx, &cy);
    ck_assert(cx == 2 && cy == 2);
    gops_grid_cell_of(&grid, -1000.0f, -1000.0f, &cx, &cy);
    ck_assert(cx == 0 && cy == 0);
    gops_grid_cell_of(&grid, 1000.0f, 1000.0f, &cx, &cy);
    ck_assert(cx == 14 && cy == 11);
    gops_grid_cell_of(&grid, 95.0f, 90.0f, &cx, &cy); // the far edge belongs to the last cell
    ck_assert(cx == 14 && cy == 11);
    gops_grid_cell_of(&grid, NAN, INFINITY, &cx, &cy);
    ck_assert(cx == 0 && cy == 11);
    gops_grid_free(&grid);
}
END_TEST

START_TEST(init_refuses_bad_extent)
{
    gops_grid_t grid;
    ck_assert_int_eq(gops_grid_init(&grid, 0, 0, 0.0f, 10.0f, 1.0f), -1);
    ck_assert_int_eq(gops_grid_init(&grid, 0, 0, 10.0f, -1.0f, 1.0f), -1);
    ck_assert_int_eq(gops_grid_init(&grid, 0, 0, 10.0f, 10.0f, 0.0f), -1);
    ck_assert_int_eq(gops_grid_init(&grid, 0, 0, 10.0f, 10.0f, NAN), -1);
    ck_assert_int_eq(gops_grid_init(&grid, NAN, 0, 10.0f, 10.0f, 1.0f), -1);
    ck_assert_int_eq(gops_grid_init(&grid, 0, 0, INFINITY, 10.0f, 1.0f), -1);
    ck_assert_int_eq(gops_grid_init(&grid, 0, 0, 1e6f, 1e6f, 0.01f), -1); // 10^16 cells
    ck_assert_ptr_null(grid.cell_start);
    gops_grid_free(&grid); // safe on a refused grid
}
END_TEST

START_TEST(rebuild_with_changed_n)
{
    static const uint32_t sizes[] = {10000, 100, 0, 20000, 1, 5000};
    gops_grid_t grid;
    ck_assert_int_eq(gops_grid_init(&grid, 0.0f, 0.0f, W, H, 4.0f), 0);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint32_t n = sizes[s];
        make_points(MAX_POINTS, 4.0f, 500 + s); // points past n exist but must be ignored
        ck_assert_int_eq(gops_grid_build(&grid, px, py, n), 0);
        check_structure(&grid, n);
        for (int q = 0; q < 20; q++) check_query(&grid, n, 5.0f * q, 4.0f * q, 6.0f);
        check_query(&grid, n, 50.0f, 40.0f, 1000.0f); // everything
        ck_assert_uint_eq(got.n, n);
    }
    gops_grid_free(&grid);
}
END_TEST

// The threaded build (cells counted and summed over chunks of cells in parallel) files the
// same points in the same order as one thread, over a grid of many chunks of cells (0.25 m
// cells: 128,000 of them) and a coarse one.
START_TEST(threaded_build_matches_one_thread)
{
    static const float cells[] = {0.25f, 4.0f};
    for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++) {
        make_points(MAX_POINTS, cells[c], 900 + c);
        gops_grid_t one;
        ck_assert_int_eq(gops_grid_init(&one, 0.0f, 0.0f, W, H, cells[c]), 0);
        ck_assert_int_eq(gops_grid_build(&one, px, py, MAX_POINTS), 0);
        check_structure(&one, MAX_POINTS);
        uint32_t ncells = (uint32_t)one.nx * (uint32_t)one.ny;
        for (int threads = 2; threads <= 3; threads++) {
            gops_grid_t many;
            ck_assert_int_eq(gops_grid_init(&many, 0.0f, 0.0f, W, H, cells[c]), 0);
            ck_assert_int_eq(gops_grid_build_threads(&many, px, py, MAX_POINTS, threads), 0);
            ck_assert_int_eq(memcmp(many.cell_start, one.cell_start, (ncells + 1) * sizeof *one.cell_start), 0);
            ck_assert_int_eq(memcmp(many.items, one.items, MAX_POINTS * sizeof *one.items), 0);
            gops_grid_free(&many);
        }
        gops_grid_free(&one);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("grid");
    TCase *tc = tcase_create("grid");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, queries_match_brute_force);
    tcase_add_test(tc, distance_is_inclusive);
    tcase_add_test(tc, cell_of_clamps_and_borders);
    tcase_add_test(tc, init_refuses_bad_extent);
    tcase_add_test(tc, rebuild_with_changed_n);
    tcase_add_test(tc, threaded_build_matches_one_thread);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
