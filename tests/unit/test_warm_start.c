// SPDX-License-Identifier: MIT
// Check suite for crowd/warm_start: on a small hand-made street with one mall and one way in
// and out, the warm population matches the occupancy the profile and the stay distribution
// imply (Little's law with a flat profile, its time-varying integral with the holiday
// profile), walkers stand on their way at uniformly spread progress, queues stand by their
// doors, results depend on the seed only, and a world started warm holds the same people.
#include "fixture.h"

#include "core/simtime.h"
#include "crowd/crowd.h"
#include "crowd/destinations.h"
#include "crowd/warm_start.h"
#include "world/geometry.h"
#include "world/map.h"
#include "world/walkable.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V0 1.25              // every visitor's free speed in these tests, m/s
#define DWELL_MEDIAN 1800.0  // mall stay, s
#define DWELL_SIGMA 0.5
#define ENTRY_X 20.0         // the only transit point (way in and out), m
#define ENTRY_Y 30.0

// ---- the street -----------------------------------------------------------------------

typedef struct text {
    char *s;
    size_t n, cap;
} text_t;

static void put(text_t *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(t->s ? t->s + t->n : NULL, t->s ? t->cap - t->n : 0, fmt, ap);
        va_end(ap);
        if (t->s && (size_t)k < t->cap - t->n) {
            t->n += (size_t)k;
            return;
        }
        t->cap = t->cap * 2 + (size_t)k + 4096;
        t->s = realloc(t->s, t->cap);
        ck_assert_ptr_nonnull(t->s);
    }
}

static void pos(text_t *t, double x, double y)
{
    double lon, lat;
    gops_unproject(113.665, 34.7536, x, y, &lon, &lat);
    put(t, "[%.9f,%.9f]", lon, lat);
}

static void rect(text_t *t, const char *props, double x0, double y0, double x1, double y1)
{
    put(t, "%s{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[",
        t->n > 40 ? "," : "", props);
    pos(t, x0, y0), put(t, ","), pos(t, x1, y0), put(t, ","), pos(t, x1, y1), put(t, ","), pos(t, x0, y1);
    put(t, ","), pos(t, x0, y0);
    put(t, "]]}}");
}

static void point(text_t *t, const char *props, double x, double y)
{
    put(t, "%s{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":\"Point\",\"coordinates\":",
        t->n > 40 ? "," : "", props);
    pos(t, x, y);
    put(t, "}}");
}

// A 300 × 60 m walkway; mall m1 (capacity `capacity`) north of it with doors at x = 110 and
// 130 on the walkway's edge; a 60 × 40 m plaza p1 on the walkway's east part; one edge
// transit point at (20, 30), where everyone comes and goes.
static gops_map_t *street(double capacity)
{
    text_t t = {0};
    char props[160];
    put(&t, "{\"type\":\"FeatureCollection\",\"features\":[");
    rect(&t, "\"kind\":\"walkway\",\"id\":\"w1\"", 0, 0, 300, 60);
    rect(&t, "\"kind\":\"plaza\",\"id\":\"p1\"", 200, 10, 260, 50);
    snprintf(props, sizeof props, "\"kind\":\"building\",\"id\":\"m1\",\"category\":\"mall\",\"capacity\":%.0f",
             capacity);
    rect(&t, props, 100, 60, 140, 100);
    point(&t, "\"kind\":\"entrance\",\"id\":\"m1-a\",\"building\":\"m1\"", 110, 60);
    point(&t, "\"kind\":\"entrance\",\"id\":\"m1-b\",\"building\":\"m1\"", 130, 60);
    point(&t, "\"kind\":\"transit\",\"id\":\"e1\",\"mode\":\"edge\"", ENTRY_X, ENTRY_Y);
    put(&t, "]}");
    gops_error_t err;
    gops_map_t *m = gops_map_load_string(t.s, t.n, "street.geojson", &err);
    ck_assert_msg(m != NULL, "map: %s", err.message);
    free(t.s);
    return m;
}

// Every visitor makes one stop, at the mall, walks at V0 and stays lognormal(1800 s, 0.5).
static gops_demand_params_t mall_only(double daily, const double *weights)
{
    gops_demand_params_t p = gops_demand_params_default(GOPS_DAY_HOLIDAY);
    p.daily_visitors = daily;
    if (weights) {
        gops_error_t err;
        ck_assert_int_eq(gops_profile_from_weights(weights, GOPS_PROFILE_SLOTS, &p.profile, &err), GOPS_OK);
        p.profile_set = true;
    }
    for (int c = 0; c < GOPS_DEST_CLASS_COUNT; c++) p.destinations.class_weight[c] = c == GOPS_DEST_MALL;
    p.stops_share[0] = 1, p.stops_share[1] = p.stops_share[2] = p.stops_share[3] = 0;
    for (int g = 0; g < GOPS_SPEED_GROUP_COUNT; g++) p.speed_min_ms[g] = p.speed_max_ms[g] = V0;
    p.buildings.dwell_median_s[GOPS_BUILDING_MALL] = DWELL_MEDIAN;
    p.buildings.dwell_sigma[GOPS_BUILDING_MALL] = DWELL_SIGMA;
    return p;
}

// Demand, raster and one field per destination: what the crowd would lend the warm start.
typedef struct bench {
    gops_map_t *map;
    gops_walkable_t *walk;
    gops_demand_t *d;
    gops_field_t *fields;
    uint16_t count;
    gops_warm_start_env_t env;
} bench_t;

static bench_t make_bench(double capacity, const gops_demand_params_t *p, uint64_t seed)
{
    bench_t b = {0};
    gops_error_t err;
    b.map = street(capacity);
    gops_walkable_def_t wd = gops_walkable_def_default();
    b.walk = gops_walkable_build(b.map, &wd, &err);
    ck_assert_msg(b.walk != NULL, "%s", err.message);
    b.d = gops_demand_create(b.map, p, seed, &err);
    ck_assert_msg(b.d != NULL, "%s", err.message);
    const gops_destinations_t *t = gops_demand_destinations(b.d);
    b.count = t->count;
    b.fields = calloc(t->count, sizeof *b.fields);
    for (uint16_t k = 0; k < t->count; k++) {
        uint32_t *cells, n;
        ck_assert_int_eq(gops_destinations_cells(t, b.map, b.walk, k, NULL, &cells, &n, &err), GOPS_OK);
        ck_assert_uint_gt(n, 0);
        ck_assert_int_eq(gops_field_compute(b.walk, cells, n, NULL, NULL, &b.fields[k], &err), GOPS_OK);
        free(cells);
    }
    b.env = (gops_warm_start_env_t){b.map, b.walk, b.fields, b.count};
    return b;
}

static void free_bench(bench_t *b)
{
    for (uint16_t k = 0; k < b->count; k++) gops_field_free(&b->fields[k]);
    free(b->fields);
    gops_demand_destroy(b->d);
    gops_walkable_destroy(b->walk);
    gops_map_destroy(b->map);
}

static gops_warm_start_def_t exact_def(void)
{
    gops_warm_start_def_t def = gops_warm_start_def_default();
    def.speed_factor = 1.0; // walks at the free speed, as the expectation below assumes
    def.crowding_m2 = 0;
    return def;
}

static gops_warm_start_t run_warm(bench_t *b, double start_s, uint64_t seed)
{
    gops_warm_start_t w;
    gops_error_t err;
    gops_warm_start_def_t def = exact_def();
    ck_assert_msg(gops_warm_start_run(b->d, &b->env, &def, start_s, seed, &w, &err) == GOPS_OK, "%s", err.message);
    return w;
}

// ---- the independent expectation --------------------------------------------------------

// Straight-line distance (m) between the cells the entry point and the mall's west door snap
// to, less the radius a walk ends at: the mean of the walk in (ending at the door's arrive
// radius) and the walk out (ending at the entry's mouth, exit_radius_m); the west door is
// nearer both ways.
static double walk_length(const gops_map_t *map, const gops_walkable_t *walk)
{
    gops_warm_start_def_t def = gops_warm_start_def_default();
    int32_t e = gops_map_find_id(map, "e1"), a = gops_map_find_id(map, "m1-a");
    gops_point_t p = gops_walkable_centre(walk, walk->cells[gops_walkable_anchor_of(walk, (uint32_t)e)->walk]);
    gops_point_t q = gops_walkable_centre(walk, walk->cells[gops_walkable_anchor_of(walk, (uint32_t)a)->walk]);
    return hypot(p.x - q.x, p.y - q.y) - 0.5 * (def.arrive_radius_m + def.exit_radius_m);
}

static double stay_survival(double u) // P(stay > u) for the lognormal stay
{
    if (u <= 0) return 1;
    return 0.5 * erfc(log(u / DWELL_MEDIAN) / (DWELL_SIGMA * sqrt(2.0)));
}

// Expected visitors inside and walking at t for arrivals at the profile's rate from `from`
// on: each walks `walk_s` in, stays, walks `walk_s` out. Integrated in 1 s steps.
static void expected(const gops_profile_t *prof, double daily, double from, double t, double walk_s, double *inside,
                     double *walking)
{
    *inside = *walking = 0;
    for (double s = from + 0.5; s < t; s += 1.0) {
        double rate = daily * gops_profile_share_at(prof, s) / GOPS_PROFILE_SLOT_S; // persons/s
        double age = t - s;
        double in_walk = age < walk_s ? 1 : 0;
        double in_house = age > walk_s ? stay_survival(age - walk_s) : 0;
        double out_walk = age > walk_s ? stay_survival(age - 2 * walk_s) - in_house : 0;
        *inside += rate * in_house;
        *walking += rate * (in_walk + out_walk);
    }
}

static void check_near(const char *what, double actual, double want, double tol)
{
    ck_assert_msg(fabs(actual - want) <= tol * want, "%s: %.1f, expected %.1f within %.0f %%", what, actual, want,
                  tol * 100);
}

// ---- tests --------------------------------------------------------------------------------

// A flat profile: after a few stays the district is in steady state, and Little's law gives
// inside = λ · E[stay] and walking = λ · 2 · walk / V0.
START_TEST(flat_profile_obeys_littles_law)
{
    double w[GOPS_PROFILE_SLOTS];
    for (int k = 0; k < GOPS_PROFILE_SLOTS; k++) w[k] = 1;
    double daily = 4.0 * GOPS_DAY_S; // 4 arrivals a second
    gops_demand_params_t p = mall_only(daily, w);
    bench_t b = make_bench(1e6, &p, 11);
    gops_warm_start_t ws = run_warm(&b, 4 * 3600.0, 3);
    ck_assert_double_eq(ws.from_s, 0); // flat: the first slot is the quietest
    ck_assert_double_eq(ws.to_s, 4 * 3600.0);
    double lambda = 4.0, mean_stay = DWELL_MEDIAN * exp(DWELL_SIGMA * DWELL_SIGMA / 2);
    double walk_s = walk_length(b.map, b.walk) / V0;
    // Poisson counts: inside ~8,160 (sd 1.1 %), walking ~590 (sd 4 %); the field's length
    // exceeds the straight line by a few per cent on a 1 m raster.
    check_near("inside", ws.inside, lambda * mean_stay, 0.05);
    check_near("walking", ws.walking, lambda * 2 * walk_s, 0.15);
    ck_assert_uint_eq(ws.queued, 0);
    ck_assert_uint_eq(ws.lingering, 0);
    ck_assert_uint_eq(ws.unplaced, 0);
    ck_assert_uint_eq(ws.count, ws.walking);
    check_near("mean walk", ws.walk_s_sum / (double)ws.walks, walk_s, 0.04);
    // The demand holds the same people.
    gops_demand_counts_t c;
    gops_demand_counts(b.d, &c);
    ck_assert_uint_eq(c.in_state[GOPS_VISITOR_INSIDE], ws.inside);
    ck_assert_uint_eq(c.in_state[GOPS_VISITOR_WALKING], ws.walking);
    ck_assert_uint_eq(gops_buildings_inside_total(gops_demand_buildings(b.d)), ws.inside);
    ck_assert_uint_eq(c.arrived, (uint64_t)ws.inside + ws.walking + c.left);
    gops_warm_start_free(&ws);
    free_bench(&b);
}
END_TEST

// A crowded street: each walk is slowed by 1 + crowding · walkers / walkable area; in steady
// state the walkers are stationary, so the mean walk grows by that factor.
START_TEST(crowding_slows_walks)
{
    double w[GOPS_PROFILE_SLOTS];
    for (int k = 0; k < GOPS_PROFILE_SLOTS; k++) w[k] = 1;
    gops_demand_params_t p = mall_only(4.0 * GOPS_DAY_S, w);
    bench_t a = make_bench(1e6, &p, 15), b = make_bench(1e6, &p, 15);
    gops_warm_start_t free_ws = run_warm(&a, 4 * 3600.0, 3);
    gops_warm_start_def_t def = exact_def();
    def.crowding_m2 = 10;
    gops_warm_start_t slow;
    gops_error_t err;
    ck_assert_int_eq(gops_warm_start_run(b.d, &b.env, &def, 4 * 3600.0, 3, &slow, &err), GOPS_OK);
    double ratio = (slow.walk_s_sum / (double)slow.walks) / (free_ws.walk_s_sum / (double)free_ws.walks);
    double want = 1 + def.crowding_m2 * slow.walking / gops_walkable_area_m2(b.walk);
    ck_assert(want > 1.2); // a real slowing: about 930 walkers on 18,000 m²
    check_near("slowing", ratio, want, 0.05);
    check_near("walkers", slow.walking, free_ws.walking * want, 0.1);
    check_near("inside", slow.inside, free_ws.inside, 0.03); // stays do not depend on walking
    gops_warm_start_free(&free_ws), gops_warm_start_free(&slow);
    free_bench(&a), free_bench(&b);
}
END_TEST

// The shipped holiday profile at 17:00: the population is the profile's arrivals weighted by
// the chance each is still there, integrated from the opening.
START_TEST(holiday_profile_matches_its_integral)
{
    gops_demand_params_t p = mall_only(150000, NULL);
    bench_t b = make_bench(1e6, &p, 12);
    const gops_profile_t *prof = gops_demand_profile(b.d);
    double opening = gops_warm_start_opening(prof);
    ck_assert(opening >= 2 * 3600.0 && opening <= 6 * 3600.0); // the small hours
    for (int k = 0; k < GOPS_PROFILE_SLOTS; k++) ck_assert(prof->share[(int)(opening / 900)] <= prof->share[k]);
    gops_warm_start_t ws = run_warm(&b, 17 * 3600.0, 4);
    ck_assert_double_eq(ws.from_s, opening);
    double inside, walking, walk_s = walk_length(b.map, b.walk) / V0;
    expected(prof, p.daily_visitors, opening, 17 * 3600.0, walk_s, &inside, &walking);
    ck_assert(inside > 5000 && walking > 300); // the test has teeth: ~6,300 and ~460
    check_near("inside", ws.inside, inside, 0.06);
    check_near("walking", ws.walking, walking, 0.15);
    gops_warm_start_free(&ws);
    free_bench(&b);
}
END_TEST

// Walkers stand on walkable cells on their way; seen at a random moment, the share of a walk
// still ahead is uniform, so its mean is 1/2.
START_TEST(walkers_spread_along_their_way)
{
    double w[GOPS_PROFILE_SLOTS];
    for (int k = 0; k < GOPS_PROFILE_SLOTS; k++) w[k] = 1;
    gops_demand_params_t p = mall_only(4.0 * GOPS_DAY_S, w);
    bench_t b = make_bench(1e6, &p, 13);
    gops_warm_start_t ws = run_warm(&b, 3 * 3600.0, 5);
    ck_assert_uint_gt(ws.walking, 300);
    const gops_destinations_t *t = gops_demand_destinations(b.d);
    uint16_t mall = t->dest_of_feature[gops_map_find_id(b.map, "m1")];
    int32_t door = gops_map_find_id(b.map, "m1-a"), entry = gops_map_find_id(b.map, "e1");
    double ahead = 0;
    for (uint32_t i = 0; i < ws.count; i++) {
        const gops_warm_ped_t *q = &ws.peds[i];
        uint32_t cell = gops_walkable_cell_at(b.walk, (gops_point_t){q->x, q->y});
        ck_assert(cell != GOPS_WALKABLE_NONE && gops_walkable_is_set(b.walk, cell));
        ck_assert_uint_eq(q->kind, GOPS_WARM_WALKING);
        ck_assert_uint_eq(q->dest, gops_demand_next_stop(b.d, q->visitor));
        ck_assert(q->tx == q->x && q->ty == q->y);
        if (i) ck_assert_uint_gt(q->visitor, ws.peds[i - 1].visitor); // visitor order
        // The walk's whole length: from the entry to the mall, or from the door out.
        const gops_walkable_anchor_t *from = gops_walkable_anchor_of(b.walk, (uint32_t)(q->dest == mall ? entry : door));
        gops_point_t o = gops_walkable_centre(b.walk, b.walk->cells[from->walk]);
        gops_warm_start_def_t def = exact_def();
        double reach = q->dest == mall ? def.arrive_radius_m : def.exit_radius_m; // out: the entry's mouth
        double whole = gops_field_sample(b.walk, &b.fields[q->dest], (float)o.x, (float)o.y) - reach;
        double left = gops_field_sample(b.walk, &b.fields[q->dest], q->x, q->y) - reach;
        ck_assert(left <= whole + 1.5); // never behind its start by more than the sideways step
        // Nobody on the way out stands inside the entry's mouth (less the sideways step).
        if (q->dest != mall) ck_assert_msg(left >= -def.lateral_m - 0.25, "%.2f m inside the mouth", -left);
        ahead += fmin(fmax(left / whole, 0), 1);
    }
    ahead /= ws.count;
    ck_assert_msg(ahead > 0.44 && ahead < 0.56, "mean share of the way ahead %.3f, expected 0.5", ahead);
    gops_warm_start_free(&ws);
    free_bench(&b);
}
END_TEST

// A mall too small for the crowd: queues form at its doors, held by the buildings and placed
// by their doors; give-ups walk home.
// Lingering on the plaza, one stop each: spots are spread as the crowd picks them, the least
// taken of 4 random cells. About 1,000 linger on its 2,400 cells (0.42 a cell); 4 cells all
// taken at once is rare (0.42⁴ ≈ 3 %), so no cell holds three, where one random cell each
// would put three or more on about 20 cells (Poisson, mean 0.42) and up to 5 on one.
START_TEST(lingering_spots_are_spread)
{
    double w[GOPS_PROFILE_SLOTS];
    for (int k = 0; k < GOPS_PROFILE_SLOTS; k++) w[k] = 1;
    gops_demand_params_t p = mall_only(1.0 * GOPS_DAY_S, w);
    for (int c = 0; c < GOPS_DEST_CLASS_COUNT; c++) p.destinations.class_weight[c] = c == GOPS_DEST_PLAZA;
    bench_t b = make_bench(1e6, &p, 15);
    gops_warm_start_t ws = run_warm(&b, 4 * 3600.0, 7);
    ck_assert_uint_gt(ws.lingering, 600);
    ck_assert_uint_lt(ws.lingering, 1800);
    uint8_t *taken = calloc(b.walk->count, 1);
    ck_assert_ptr_nonnull(taken);
    const gops_feature_t *plaza = &b.map->features[gops_map_find_id(b.map, "p1")];
    uint32_t most = 0, doubles = 0;
    for (uint32_t i = 0; i < ws.count; i++) {
        const gops_warm_ped_t *q = &ws.peds[i];
        if (q->kind != GOPS_WARM_LINGERING) continue;
        ck_assert(gops_polygon_contains(&plaza->shape, (gops_point_t){q->tx, q->ty}));
        uint32_t k = gops_walkable_index(b.walk, gops_walkable_cell_at(b.walk, (gops_point_t){q->tx, q->ty}));
        ck_assert_uint_ne(k, GOPS_WALKABLE_NONE);
        doubles += ++taken[k] == 2;
        if (taken[k] > most) most = taken[k];
    }
    ck_assert_msg(most <= 2, "%u lingering at one spot", most);
    ck_assert_uint_lt(doubles, ws.lingering / 10);
    free(taken);
    gops_warm_start_free(&ws);
    free_bench(&b);
}
END_TEST

START_TEST(queues_stand_by_their_doors)
{
    double w[GOPS_PROFILE_SLOTS];
    for (int k = 0; k < GOPS_PROFILE_SLOTS; k++) w[k] = 1;
    gops_demand_params_t p = mall_only(2.0 * GOPS_DAY_S, w);
    bench_t b = make_bench(500, &p, 14);
    gops_warm_start_t ws = run_warm(&b, 3 * 3600.0, 6);
    gops_buildings_t *bl = gops_demand_buildings(b.d);
    ck_assert_uint_eq(ws.inside, 500); // full
    ck_assert_uint_gt(ws.queued, 20);
    ck_assert_uint_eq(ws.queued, gops_buildings_queued_total(bl));
    gops_demand_counts_t c;
    gops_demand_counts(b.d, &c);
    ck_assert_uint_gt(c.gave_up, 0);
    int32_t doors[2] = {gops_map_find_id(b.map, "m1-a"), gops_map_find_id(b.map, "m1-b")};
    for (uint32_t i = 0; i < ws.count; i++) {
        const gops_warm_ped_t *q = &ws.peds[i];
        if (q->kind != GOPS_WARM_QUEUED) continue;
        double best = INFINITY;
        for (int k = 0; k < 2; k++) {
            gops_point_t d = b.map->features[doors[k]].at;
            best = fmin(best, hypot(q->x - d.x, q->y - d.y));
        }
        // Within the spread of a queue of everyone queued (0.7 m² each), plus the snap.
        ck_assert_msg(best <= sqrt(ws.queued * 0.7 / 3.14159) + 2.0, "queued %.1f m from a door", best);
    }
    gops_warm_start_free(&ws);
    free_bench(&b);
}
END_TEST

START_TEST(same_seed_same_start)
{
    gops_demand_params_t p = mall_only(60000, NULL);
    bench_t a = make_bench(1e6, &p, 21), b = make_bench(1e6, &p, 21), c = make_bench(1e6, &p, 21);
    gops_warm_start_t wa = run_warm(&a, 15 * 3600.0, 8), wb = run_warm(&b, 15 * 3600.0, 8),
                      wc = run_warm(&c, 15 * 3600.0, 9);
    ck_assert_uint_gt(wa.count, 100);
    ck_assert_uint_eq(wa.count, wb.count);
    ck_assert_uint_eq(wa.inside, wb.inside);
    ck_assert_int_eq(memcmp(wa.peds, wb.peds, wa.count * sizeof *wa.peds), 0);
    // Another placement seed: the same people (the demand's seed decides who), elsewhere.
    ck_assert_uint_eq(wa.count, wc.count);
    ck_assert_int_ne(memcmp(wa.peds, wc.peds, wa.count * sizeof *wa.peds), 0);
    gops_warm_start_free(&wa), gops_warm_start_free(&wb), gops_warm_start_free(&wc);
    free_bench(&a), free_bench(&b), free_bench(&c);
}
END_TEST

START_TEST(nothing_before_the_opening_and_bad_values)
{
    gops_demand_params_t p = mall_only(60000, NULL);
    bench_t b = make_bench(1e6, &p, 22);
    double opening = gops_warm_start_opening(gops_demand_profile(b.d));
    gops_warm_start_t ws = run_warm(&b, opening, 1);
    ck_assert_double_eq(ws.from_s, ws.to_s);
    ck_assert_uint_eq(ws.count, 0);
    gops_demand_counts_t c;
    gops_demand_counts(b.d, &c);
    ck_assert_uint_eq(c.arrived, 0);
    free_bench(&b);

    b = make_bench(1e6, &p, 22);
    gops_warm_start_def_t def = gops_warm_start_def_default();
    def.speed_factor = 0;
    gops_error_t err;
    ck_assert_int_eq(gops_warm_start_run(b.d, &b.env, &def, 12 * 3600.0, 1, &ws, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "speed_factor"));
    free_bench(&b);
}
END_TEST

// ---- through the crowd ----------------------------------------------------------------------

static gops_world_t *street_world(int threads, bool warm, double settle_s)
{
    gops_world_def_t def = gops_world_def_default();
    def.threads = threads;
    def.seed = 31;
    def.tick_s = 0.2;
    def.start = gops_time_from_civil(2025, 10, 1, 17, 0, 0);
    gops_error_t err;
    gops_world_t *w = gops_world_create_with_map(&def, street(1e6), &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_crowd_params_t p = gops_crowd_params_default(GOPS_DAY_HOLIDAY);
    p.demand = mall_only(30000, NULL);
    p.demand.warm_start = warm;
    p.settle_s = settle_s;
    ck_assert_msg(gops_crowd_attach(w, &p, &err) != NULL, "%s", err.message);
    return w;
}

START_TEST(a_world_starts_warm)
{
    gops_world_t *cold = street_world(1, false, 300);
    ck_assert_uint_eq(gops_crowd_pedestrians(cold)->count, 0);
    gops_world_destroy(cold);

    gops_world_t *a = street_world(1, true, 300), *b = street_world(2, true, 300);
    gops_crowd_t *c = gops_world_crowd(a);
    gops_demand_counts_t n;
    gops_demand_counts(gops_crowd_demand(c), &n);
    uint32_t on_foot = n.in_state[GOPS_VISITOR_WALKING] + n.in_state[GOPS_VISITOR_QUEUED] +
                       n.in_state[GOPS_VISITOR_LINGERING];
    const gops_pedestrians_t *peds = gops_crowd_pedestrians(a);
    ck_assert_uint_gt(peds->count, 30);
    ck_assert_uint_gt(n.in_state[GOPS_VISITOR_INSIDE], 500);
    ck_assert_uint_eq(peds->count, on_foot); // every visitor on foot is a pedestrian
    for (uint32_t i = 0; i < peds->count; i++) {
        ck_assert_uint_ne(peds->visitor[i], UINT32_MAX);
        ck_assert_uint_eq(peds->dest[i], gops_demand_next_stop(gops_crowd_demand(c), peds->visitor[i]));
    }
    const gops_gauges_t *g = gops_world_gauges(a);
    ck_assert_double_eq(g->value[GOPS_GAUGE_PEDESTRIANS_STREET].value, peds->count);
    ck_assert_double_eq(g->value[GOPS_GAUGE_PEDESTRIANS_BUILDINGS].value, n.in_state[GOPS_VISITOR_INSIDE]);
    ck_assert_uint_eq(gops_world_state_hash(a), gops_world_state_hash(b));
    uint64_t arrived0 = n.arrived;
    for (int t = 0; t < 300; t++) { // a minute: walkers arrive, newcomers keep coming
        gops_world_step(a);
        gops_world_step(b);
    }
    gops_demand_counts(gops_crowd_demand(c), &n);
    ck_assert_uint_gt(n.arrived, arrived0);
    on_foot = n.in_state[GOPS_VISITOR_WALKING] + n.in_state[GOPS_VISITOR_QUEUED] + n.in_state[GOPS_VISITOR_LINGERING];
    ck_assert_uint_eq(n.arrived, (uint64_t)on_foot + n.in_state[GOPS_VISITOR_INSIDE] + n.left);
    ck_assert_uint_eq(gops_crowd_stats(c)->wall_violations, 0);
    ck_assert_uint_eq(gops_world_state_hash(a), gops_world_state_hash(b));
    gops_world_destroy(a);
    gops_world_destroy(b);
}
END_TEST

// Settling (crowd.c): the warm start is taken settle_s before the start and the crowd walks
// alone up to it. The visitors are the same ones either way (the demand process does not
// depend on walking), everyone still stands on walkable ground, and those on foot at the
// start are where walking took them, not where the replay put them.
START_TEST(a_warm_start_settles)
{
    gops_world_t *placed = street_world(1, true, 0), *settled = street_world(1, true, 300);
    gops_demand_counts_t a, b;
    gops_demand_counts(gops_crowd_demand(gops_world_crowd(placed)), &a);
    gops_demand_counts(gops_crowd_demand(gops_world_crowd(settled)), &b);
    ck_assert_uint_eq(a.arrived, b.arrived);
    const gops_pedestrians_t *p = gops_crowd_pedestrians(placed), *q = gops_crowd_pedestrians(settled);
    uint32_t q_on_foot = b.in_state[GOPS_VISITOR_WALKING] + b.in_state[GOPS_VISITOR_QUEUED] +
                         b.in_state[GOPS_VISITOR_LINGERING];
    ck_assert_uint_eq(q->count, q_on_foot);
    ck_assert_uint_gt(q->count, 30);
    const gops_walkable_t *walk = gops_world_district(settled)->walk;
    uint32_t moving = 0, same_place = 0;
    for (uint32_t i = 0; i < q->count; i++) {
        ck_assert_uint_ne(gops_walkable_cell_at(walk, (gops_point_t){q->x[i], q->y[i]}), GOPS_WALKABLE_NONE);
        moving += q->vx[i] * q->vx[i] + q->vy[i] * q->vy[i] > 0.25f; // walking at 0.5 m/s or more
        for (uint32_t j = 0; j < p->count; j++)
            if (p->visitor[j] == q->visitor[i] && p->x[j] == q->x[i] && p->y[j] == q->y[i]) same_place++;
    }
    printf("settled: %u of %u on foot walking at the start, %u where the replay put them\n", moving, q->count,
           same_place);
    fflush(stdout);
    // Placed without settling, nobody has a speed yet.
    for (uint32_t j = 0; j < p->count; j++) ck_assert(p->vx[j] == 0 && p->vy[j] == 0);
    ck_assert_uint_gt(moving, q->count / 4);
    ck_assert_uint_lt(same_place, q->count / 2);
    gops_world_destroy(placed);
    gops_world_destroy(settled);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("warm_start");
    TCase *tc = tcase_create("warm_start");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, flat_profile_obeys_littles_law);
    tcase_add_test(tc, crowding_slows_walks);
    tcase_add_test(tc, holiday_profile_matches_its_integral);
    tcase_add_test(tc, walkers_spread_along_their_way);
    tcase_add_test(tc, lingering_spots_are_spread);
    tcase_add_test(tc, queues_stand_by_their_doors);
    tcase_add_test(tc, same_seed_same_start);
    tcase_add_test(tc, nothing_before_the_opening_and_bad_values);
    tcase_add_test(tc, a_world_starts_warm);
    tcase_add_test(tc, a_warm_start_settles);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
