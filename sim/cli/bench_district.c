// SPDX-License-Identifier: MIT
// District benchmarks: pedestrians walking between the Erqi map's destinations (the whole
// crowd tick: routing on distance fields, walking, measures), and the start-up cost of the
// map and its fields. Fixtures are seeded, so runs compare.
#include "cli/bench.h"

#include "crowd/crowd.h"
#include "world/world_internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *erqi_path(void)
{
    static const char local[] = "assets/maps/erqi.geojson";
    return access(local, R_OK) == 0 ? local : GOPS_SOURCE_DIR "/assets/maps/erqi.geojson";
}

/// A world on the Erqi map with a crowd whose visitors never arrive (0 a day) but whose
/// destination fields exist; pedestrians roam between destinations. `cache_dir`: the field
/// cache's folder, NULL for none.
static gops_world_t *erqi_world(int threads, const char *cache_dir)
{
    gops_world_def_t def = gops_world_def_default();
    def.map_path = erqi_path();
    def.threads = threads;
    def.field_cache_dir = cache_dir;
    def.seed = 7;
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    if (!w) {
        fprintf(stderr, "gridops bench: %s\n", err.message);
        return NULL;
    }
    gops_crowd_params_t p = gops_crowd_params_default(GOPS_DAY_WEEKDAY);
    p.demand.daily_visitors = 0;
    p.roam = true;
    if (!gops_crowd_attach(w, &p, &err)) {
        fprintf(stderr, "gridops bench: %s\n", err.message);
        gops_world_destroy(w);
        return NULL;
    }
    return w;
}

/// n pedestrians on random walkable cells, each bound for a random destination. A cell takes
/// up to four, at the corners of a square half a cell wide (0.5 m apart on the 1 m raster,
/// more than two bodies of 0.2 m), so everyone fits and walks from the first timed tick
/// (drawn at random spots, a fifth of 100,000 stood in the spawn queue, retried each tick).
/// Mean density n / walkable area, Poisson-spread over the cells: up to 4 persons/m².
static void *walk_setup(uint32_t n, int threads)
{
    gops_world_t *w = erqi_world(threads, NULL);
    if (!w) return NULL;
    gops_crowd_t *c = gops_world_crowd(w);
    const gops_walkable_t *walk = gops_world_district(w)->walk;
    if ((uint64_t)n > 4ull * walk->count) {
        fprintf(stderr, "gridops bench: %u pedestrians do not fit on %u walkable cells\n", n, walk->count);
        gops_world_destroy(w);
        return NULL;
    }
    uint8_t *taken = calloc(walk->count, 1);
    if (!taken) {
        gops_world_destroy(w);
        return NULL;
    }
    gops_rng_t rng;
    gops_rng_seed(&rng, 7, GOPS_STREAM_BENCH);
    uint16_t dests = gops_crowd_destination_count(c);
    const double corner = walk->cell / 4, jitter = walk->cell / 25;
    gops_error_t err;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k;
        do k = gops_rng_below(&rng, walk->count);
        while (taken[k] == 4);
        uint8_t slot = taken[k]++;
        gops_point_t p = gops_walkable_centre(walk, walk->cells[k]);
        gops_spawn_t s = {
            .x = (float)(p.x + (slot & 1 ? corner : -corner) + gops_rng_range(&rng, -jitter, jitter)),
            .y = (float)(p.y + (slot & 2 ? corner : -corner) + gops_rng_range(&rng, -jitter, jitter)),
            .v0 = (float)gops_rng_range(&rng, 1.0, 1.5),
            .radius = 0.2f,
            .dest = (uint16_t)gops_rng_below(&rng, dests),
        };
        if (gops_crowd_spawn(c, &s, &err) != GOPS_OK) {
            fprintf(stderr, "gridops bench: %s\n", err.message);
            free(taken);
            gops_world_destroy(w);
            return NULL;
        }
    }
    free(taken);
    gops_world_step(w); // places everyone
    return w;
}

static void walk_tick(void *fixture)
{
    gops_world_step(fixture);
}

static void walk_teardown(void *fixture)
{
    gops_world_destroy(fixture);
}

/// Start-up: one "tick" is loading the map, building the raster and every field (cold), or
/// reading the fields from a field cache filled during set-up (warm; a fresh temporary
/// folder, removed afterwards).
typedef struct startup {
    int threads;
    char cache_dir[64]; ///< "" when cold
} startup_t;

static void *startup_setup(uint32_t n, int threads)
{
    (void)n;
    startup_t *s = calloc(1, sizeof *s);
    if (s) s->threads = threads;
    return s;
}

static void startup_tick(void *fixture)
{
    const startup_t *s = fixture;
    gops_world_destroy(erqi_world(s->threads, s->cache_dir[0] ? s->cache_dir : NULL));
}

static void *startup_warm_setup(uint32_t n, int threads)
{
    startup_t *s = startup_setup(n, threads);
    if (!s) return NULL;
    snprintf(s->cache_dir, sizeof s->cache_dir, "/tmp/gridops-bench-XXXXXX");
    if (!mkdtemp(s->cache_dir)) {
        fprintf(stderr, "gridops bench: cannot create a temporary folder in /tmp\n");
        free(s);
        return NULL;
    }
    startup_tick(s); // fills the cache
    return s;
}

static void startup_warm_teardown(void *fixture)
{
    startup_t *s = fixture;
    DIR *dir = opendir(s->cache_dir);
    for (struct dirent *e; dir && (e = readdir(dir));) {
        char path[sizeof s->cache_dir + 300];
        if (e->d_name[0] != '.' && snprintf(path, sizeof path, "%s/%s", s->cache_dir, e->d_name) < (int)sizeof path)
            unlink(path);
    }
    if (dir) closedir(dir);
    rmdir(s->cache_dir);
    free(s);
}

const gops_bench_case_t gops_bench_district_cases[] = {
    {"crowd_erqi_startup", 0, 0.1, startup_setup, startup_tick, free},
    {"crowd_erqi_startup_warm", 0, 0.1, startup_warm_setup, startup_tick, startup_warm_teardown},
    {"crowd_erqi_10k", 10000, 0.1, walk_setup, walk_tick, walk_teardown},
    {"crowd_erqi_100k", 100000, 0.1, walk_setup, walk_tick, walk_teardown},
    {"crowd_erqi_300k", 300000, 0.1, walk_setup, walk_tick, walk_teardown},
};
const int gops_bench_district_case_count = sizeof gops_bench_district_cases / sizeof gops_bench_district_cases[0];
