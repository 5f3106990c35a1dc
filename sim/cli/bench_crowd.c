// SPDX-License-Identifier: MIT
// Crowd benchmarks: the walking model in an open square (walls only at its edge) at about
// 1 person/m² with a hot spot of about 4 persons/m², walking toward a few targets. A tick
// is steering (straight at the target) plus one walking step of 0.1 s. Fixtures are fixed by
// seed, so runs compare. Does not load the district map (no routing fields here).
#include "cli/bench.h"

#include "core/parallel.h"
#include "core/rng.h"
#include "crowd/field.h"
#include "crowd/pedestrians.h"
#include "crowd/walk.h"
#include "world/map.h"
#include "world/walkable.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TARGETS 8
#define RASTER_CELL_M 0.5 // the district raster's resolution

typedef struct crowd_fixture {
    gops_map_t *map;
    gops_walkable_t *walk;
    gops_field_t wall;
    gops_walk_params_t params;
    gops_walk_context_t ctx;
    bool ctx_ready;
    gops_pedestrians_t peds;
    float tx[TARGETS], ty[TARGETS];
    int threads;
} crowd_fixture_t;

static void crowd_teardown(void *fixture)
{
    crowd_fixture_t *f = fixture;
    if (f->ctx_ready) gops_walk_context_free(&f->ctx);
    gops_field_free(&f->wall);
    gops_walkable_destroy(f->walk);
    gops_map_destroy(f->map);
    gops_pedestrians_free(&f->peds);
    free(f);
}

// A map holding one square plaza [0, side]².
static gops_map_t *square_map(double side)
{
    gops_map_t *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->features = calloc(1, sizeof *m->features);
    gops_path_t *ring = calloc(1, sizeof *ring);
    gops_point_t *pts = malloc(4 * sizeof *pts);
    m->path = malloc(sizeof "bench square");
    if (!m->features || !ring || !pts || !m->path) {
        free(ring), free(pts);
        gops_map_destroy(m);
        return NULL;
    }
    strcpy(m->path, "bench square");
    pts[0] = (gops_point_t){0, 0}, pts[1] = (gops_point_t){side, 0};
    pts[2] = (gops_point_t){side, side}, pts[3] = (gops_point_t){0, side};
    *ring = (gops_path_t){pts, 4};
    m->features[0] = (gops_feature_t){.kind = GOPS_FEAT_PLAZA, .at = {side / 2, side / 2}};
    m->features[0].shape = (gops_polygon_t){ring, 1};
    m->feature_count = 1;
    m->min_x = m->min_y = 0;
    m->max_x = m->max_y = side;
    return m;
}

/// Nine in ten pedestrians on a jittered 1 m lattice over the square, one in ten on a
/// jittered 0.58 m lattice (3 persons/m² on top) in a hot spot off the centre.
static void *crowd_setup(uint32_t n, int threads)
{
    crowd_fixture_t *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->threads = threads;
    f->params = gops_walk_params_default();
    gops_pedestrians_init(&f->peds);
    uint32_t hot_n = n / 10, base_n = n - hot_n;
    uint32_t base_cols = (uint32_t)ceil(sqrt((double)base_n));
    double side = base_cols + 2.0, hot_pitch = 1.0 / sqrt(3.0);
    uint32_t hot_cols = (uint32_t)ceil(sqrt((double)hot_n));
    double hot_x0 = side * 0.3, hot_y0 = side * 0.4;
    gops_walkable_def_t def = gops_walkable_def_default();
    def.cell_m = RASTER_CELL_M;
    f->map = square_map(side);
    if (!f->map || !(f->walk = gops_walkable_build(f->map, &def, NULL)) ||
        gops_field_wall_distance(f->walk, &f->wall, NULL) != GOPS_OK ||
        gops_walk_context_init(&f->ctx, f->walk, &f->wall, &f->params, NULL) != GOPS_OK)
        goto fail;
    f->ctx_ready = true;
    gops_rng_t rng;
    gops_rng_seed(&rng, 7, GOPS_STREAM_BENCH);
    for (int t = 0; t < TARGETS; t++) {
        f->tx[t] = (float)gops_rng_range(&rng, 0.1 * side, 0.9 * side);
        f->ty[t] = (float)gops_rng_range(&rng, 0.1 * side, 0.9 * side);
    }
    uint32_t base_k = 0, hot_k = 0;
    for (uint32_t i = 0; i < n; i++) {
        double x, y;
        if (i % 10 == 9 && hot_k < hot_n) {
            x = hot_x0 + (hot_k % hot_cols + 0.5) * hot_pitch, y = hot_y0 + (hot_k / hot_cols + 0.5) * hot_pitch;
            hot_k++;
        } else {
            x = 1.0 + base_k % base_cols + 0.5, y = 1.0 + base_k / base_cols + 0.5;
            base_k++;
        }
        x += gops_rng_range(&rng, -0.15, 0.15);
        y += gops_rng_range(&rng, -0.15, 0.15);
        float v0 = (float)fmin(2.0, fmax(0.5, 1.34 + 0.26 * gops_rng_normal(&rng)));
        uint32_t k = gops_pedestrians_add(&f->peds, (float)x, (float)y, v0, f->params.default_radius_m,
                                          GOPS_SPEED_UNDER_30);
        if (k == UINT32_MAX) goto fail;
        f->peds.dest[k] = (uint16_t)gops_rng_below(&rng, TARGETS);
    }
    return f;
fail:
    crowd_teardown(f);
    return NULL;
}

// Straight at the target; within 3 m of it, on to the next one.
static void steer_range(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    (void)chunk;
    crowd_fixture_t *f = user;
    gops_pedestrians_t *p = &f->peds;
    for (uint32_t i = begin; i < end; i++) {
        uint16_t t = p->dest[i];
        float dx = f->tx[t] - p->x[i], dy = f->ty[t] - p->y[i], d2 = dx * dx + dy * dy;
        if (d2 < 9.0f) {
            t = p->dest[i] = (uint16_t)((t + 1) % TARGETS);
            dx = f->tx[t] - p->x[i], dy = f->ty[t] - p->y[i], d2 = dx * dx + dy * dy;
        }
        float inv = d2 > 0 ? 1.0f / sqrtf(d2) : 0.0f;
        p->ex[i] = dx * inv;
        p->ey[i] = dy * inv;
    }
}

static void crowd_tick(void *fixture)
{
    crowd_fixture_t *f = fixture;
    gops_parallel_for(f->peds.count, f->threads, steer_range, f);
    gops_walk_step(&f->ctx, &f->peds, &f->params, 0.1f, f->threads, NULL);
}

const gops_bench_case_t gops_bench_crowd_cases[] = {
    {"crowd_open_10k", 10000, 0.1, crowd_setup, crowd_tick, crowd_teardown},
    {"crowd_open_100k", 100000, 0.1, crowd_setup, crowd_tick, crowd_teardown},
    {"crowd_open_300k", 300000, 0.1, crowd_setup, crowd_tick, crowd_teardown},
};
const int gops_bench_crowd_case_count = sizeof gops_bench_crowd_cases / sizeof gops_bench_crowd_cases[0];
