// SPDX-License-Identifier: MIT
// Traffic benchmarks: a fixed fleet on the Erqi network and on a synthetic 20 × 20
// signalised grid, one 0.5 s vehicle step per tick (routing, lane changes, movement,
// measures). Fleets are kept constant: a vehicle that leaves starts a new trip at a gateway.
// Fixtures are fixed by seed, so runs compare. Demand profiles and pedestrians are off.
#include "cli/bench.h"

#include "traffic/lab_maps.h"
#include "traffic/traffic.h"
#include "world/world_internal.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct traffic_fixture {
    gops_world_t *world;
    gops_traffic_t *traffic;
} traffic_fixture_t;

static void *setup(gops_map_t *map, const char *path, double nav_cell_m, uint32_t n, int threads)
{
    traffic_fixture_t *f = calloc(1, sizeof *f);
    if (!f) {
        gops_map_destroy(map);
        return NULL;
    }
    gops_world_def_t def = gops_world_def_default();
    def.seed = 7;
    def.tick_s = 0.5;
    def.threads = threads;
    def.nav_cell_m = nav_cell_m;
    def.map_path = path;
    gops_error_t err;
    f->world = map ? gops_world_create_with_map(&def, map, &err) : gops_world_create(&def, &err);
    if (!f->world) {
        fprintf(stderr, "gridops bench: %s\n", err.message);
        free(f);
        return NULL;
    }
    gops_traffic_params_t p = gops_traffic_params_default();
    p.demand = false;
    p.pedestrian_standin = false;
    p.recycle = true;
    if (!(f->traffic = gops_traffic_attach(f->world, &p, &err))) {
        fprintf(stderr, "gridops bench: %s\n", err.message);
        gops_world_destroy(f->world);
        free(f);
        return NULL;
    }
    gops_traffic_fill(f->traffic, n);
    for (int k = 0; k < 20; k++) gops_world_step(f->world); // let the fleet get moving
    return f;
}

static void *erqi_setup(uint32_t n, int threads)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/assets/maps/erqi.geojson", GOPS_SOURCE_DIR);
    FILE *probe = fopen("assets/maps/erqi.geojson", "rb");
    if (probe) {
        fclose(probe);
        snprintf(path, sizeof path, "assets/maps/erqi.geojson");
    }
    return setup(NULL, path, 2.0, n, threads);
}

static void *grid_setup(uint32_t n, int threads)
{
    gops_map_t *map = gops_lab_grid(20, 20, 200.0, 2);
    return map ? setup(map, NULL, 4.0, n, threads) : NULL;
}

static void tick(void *fixture)
{
    gops_world_step(((traffic_fixture_t *)fixture)->world);
}

static void teardown(void *fixture)
{
    traffic_fixture_t *f = fixture;
    gops_world_destroy(f->world);
    free(f);
}

const gops_bench_case_t gops_bench_traffic_cases[] = {
    {"traffic_erqi_5k", 5000, 0.5, erqi_setup, tick, teardown},
    {"traffic_grid_20k", 20000, 0.5, grid_setup, tick, teardown},
};
const int gops_bench_traffic_case_count = sizeof gops_bench_traffic_cases / sizeof gops_bench_traffic_cases[0];
