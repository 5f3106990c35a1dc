// SPDX-License-Identifier: MIT
// Core benchmarks: uniform-grid rebuild + neighbour queries for pedestrian-like point sets,
// and random-stream throughput. Fixtures are fixed by seed, so runs compare.
#include "cli/bench.h"

#include "core/grid.h"
#include "core/parallel.h"
#include "core/rng.h"

#include <math.h>
#include <stdlib.h>

typedef struct grid_fixture {
    float *x, *y;
    uint32_t *neighbours;
    uint32_t n;
    int threads;
    gops_grid_t grid;
} grid_fixture_t;

/// Points at 0.5 persons/m² on average: uniform over a square, plus a dense hot spot of a
/// tenth of the points at about 3 persons/m², like a plaza crowd.
static void *grid_setup(uint32_t n, int threads)
{
    grid_fixture_t *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->x = malloc(n * sizeof *f->x);
    f->y = malloc(n * sizeof *f->y);
    f->neighbours = malloc(n * sizeof *f->neighbours);
    f->n = n;
    f->threads = threads;
    float side = sqrtf((float)n / 0.5f);
    if (!f->x || !f->y || !f->neighbours || gops_grid_init(&f->grid, 0, 0, side, side, 2.0f) != 0) {
        free(f->x), free(f->y), free(f->neighbours), free(f);
        return NULL;
    }
    gops_rng_t rng;
    gops_rng_seed(&rng, 7, GOPS_STREAM_BENCH);
    float hot = sqrtf((float)n / 10.0f / 3.0f);
    for (uint32_t i = 0; i < n; i++) {
        if (i % 10 == 0) {
            f->x[i] = (float)gops_rng_range(&rng, side / 2, side / 2 + hot);
            f->y[i] = (float)gops_rng_range(&rng, side / 2, side / 2 + hot);
        } else {
            f->x[i] = (float)gops_rng_range(&rng, 0, side);
            f->y[i] = (float)gops_rng_range(&rng, 0, side);
        }
    }
    return f;
}

static void count_visit(uint32_t index, void *user)
{
    (void)index;
    (*(uint32_t *)user)++;
}

static void query_range(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    (void)chunk;
    grid_fixture_t *f = user;
    for (uint32_t i = begin; i < end; i++) {
        uint32_t count = 0;
        gops_grid_query(&f->grid, f->x, f->y, f->x[i], f->y[i], 2.0f, count_visit, &count);
        f->neighbours[i] = count;
    }
}

static void grid_tick(void *fixture)
{
    grid_fixture_t *f = fixture;
    gops_grid_build(&f->grid, f->x, f->y, f->n);
    gops_parallel_for(f->n, f->threads, query_range, f);
}

static void grid_teardown(void *fixture)
{
    grid_fixture_t *f = fixture;
    gops_grid_free(&f->grid);
    free(f->x), free(f->y), free(f->neighbours), free(f);
}

typedef struct rng_fixture {
    gops_rng_t rng;
    uint32_t n;
    double sink;
} rng_fixture_t;

static void *rng_setup(uint32_t n, int threads)
{
    (void)threads;
    rng_fixture_t *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    gops_rng_seed(&f->rng, 7, GOPS_STREAM_BENCH);
    f->n = n;
    return f;
}

static void rng_tick(void *fixture)
{
    rng_fixture_t *f = fixture;
    double s = 0;
    for (uint32_t i = 0; i < f->n; i++) s += gops_rng_uniform(&f->rng);
    f->sink += s;
}

static void rng_teardown(void *fixture)
{
    free(fixture);
}

const gops_bench_case_t gops_bench_core_cases[] = {
    {"core_grid_10k", 10000, 0.1, grid_setup, grid_tick, grid_teardown},
    {"core_grid_100k", 100000, 0.1, grid_setup, grid_tick, grid_teardown},
    {"core_grid_300k", 300000, 0.1, grid_setup, grid_tick, grid_teardown},
    {"core_rng_1m", 1000000, 0.1, rng_setup, rng_tick, rng_teardown},
};
const int gops_bench_core_case_count = sizeof gops_bench_core_cases / sizeof gops_bench_core_cases[0];
