// SPDX-License-Identifier: MIT
// Check suite for crowd/buildings: capacity never exceeded (and occupants conserved),
// metering exact over different step lengths, closures of buildings and entrances, queue
// order and patience, stays and releases at the right times, the dwell distribution's
// mean and median, evacuation and the choice of exit door — on a hand-made two-building map.
#include "fixture.h"

#include "crowd/buildings.h"
#include "world/map.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(expr, ...)                                                                 \
    do {                                                                                   \
        if (!(expr)) ck_abort_msg(__VA_ARGS__);                                            \
    } while (0)

// ---- a hand-made map: GeoJSON written from local metres ----------------------------------

typedef struct text {
    char *s;
    size_t n, cap;
} text_t;

static void put(text_t *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
        va_end(ap);
        if (t->s && (size_t)k < t->cap - t->n) {
            t->n += (size_t)k;
            return;
        }
        t->cap = t->cap ? t->cap * 2 + (size_t)k : 4096 + (size_t)k;
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

// Features in order: 0 mall b1 (capacity 10), 1 entrance e1 (west), 2 entrance e2 (east),
// 3 other building b2 (capacity 1000), 4 entrance e3, 5 a transit point.
static gops_map_t *two_buildings(void)
{
    text_t t = {0};
    put(&t, "{\"type\":\"FeatureCollection\",\"features\":[");
    rect(&t, "\"kind\":\"building\",\"id\":\"b1\",\"category\":\"mall\",\"capacity\":10", 0, 0, 50, 50);
    point(&t, "\"kind\":\"entrance\",\"id\":\"e1\",\"building\":\"b1\"", 0, 25);
    point(&t, "\"kind\":\"entrance\",\"id\":\"e2\",\"building\":\"b1\"", 50, 25);
    rect(&t, "\"kind\":\"building\",\"id\":\"b2\",\"category\":\"other\",\"capacity\":1000", 100, 0, 120, 20);
    point(&t, "\"kind\":\"entrance\",\"id\":\"e3\",\"building\":\"b2\"", 100, 10);
    point(&t, "\"kind\":\"transit\",\"id\":\"t1\",\"mode\":\"edge\"", 70, 60);
    put(&t, "]}");
    gops_error_t err;
    gops_map_t *m = gops_map_load_string(t.s, t.n, "two.geojson", &err);
    ck_assert_msg(m != NULL, "map: %s", err.message);
    free(t.s);
    return m;
}

typedef struct fixture {
    gops_map_t *map;
    gops_buildings_t *b;
    gops_building_events_t ev;
} fixture_t;

static fixture_t setup(void)
{
    fixture_t f = {0};
    f.map = two_buildings();
    gops_buildings_params_t p = gops_buildings_params_default();
    gops_error_t err;
    f.b = gops_buildings_create(f.map, &p, &err);
    ck_assert_msg(f.b != NULL, "%s", err.message);
    return f;
}

static void teardown(fixture_t *f)
{
    gops_building_events_free(&f->ev);
    gops_buildings_destroy(f->b);
    gops_map_destroy(f->map);
}

static gops_entry_result_t request(fixture_t *f, uint32_t i, uint32_t e, uint32_t v, double now, double dwell,
                                   double patience, double *until)
{
    gops_entry_result_t r;
    gops_error_t err;
    double u;
    ck_assert_int_eq(gops_buildings_request(f->b, i, e, v, now, dwell, patience, &r, &u, &err), GOPS_OK);
    if (until) *until = u;
    return r;
}

static void step(fixture_t *f, double now)
{
    gops_error_t err;
    f->ev.count = 0;
    ck_assert_int_eq(gops_buildings_step(f->b, now, &f->ev, &err), GOPS_OK);
}

static uint32_t count_kind(const fixture_t *f, gops_building_event_kind_t k)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->ev.count; i++) n += f->ev.items[i].kind == k;
    return n;
}

// ---- tests --------------------------------------------------------------------------------

START_TEST(indexing_follows_feature_order)
{
    fixture_t f = setup();
    ck_assert_uint_eq(gops_buildings_count(f.b), 2);
    ck_assert_uint_eq(gops_buildings_entrance_count(f.b), 3);
    ck_assert_uint_eq(gops_buildings_feature(f.b, 1), 3);
    ck_assert_int_eq(gops_buildings_index_of(f.b, 3), 1);
    ck_assert_int_eq(gops_buildings_index_of(f.b, 1), -1); // an entrance, not a building
    ck_assert_int_eq(gops_buildings_entrance_of(f.b, 4), 2);
    ck_assert_int_eq(gops_buildings_entrance_of(f.b, 0), -1);
    ck_assert_uint_eq(gops_buildings_entrance_building(f.b, 1), 0);
    uint32_t n;
    const uint32_t *list = gops_buildings_entrances(f.b, 0, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(list[0], 0);
    ck_assert_uint_eq(list[1], 1);
    ck_assert_double_eq(gops_buildings_capacity(f.b, 0), 10);
    ck_assert_double_eq(gops_buildings_capacity(f.b, 1), 1000);
    teardown(&f);
}
END_TEST

START_TEST(capacity_is_respected_and_queue_drains_on_release)
{
    fixture_t f = setup();
    for (uint32_t v = 0; v < 15; v++) {
        double until;
        gops_entry_result_t r = request(&f, 0, v % 2, v, 0.0, 100.0, 1e6, &until);
        if (v < 10) {
            ck_assert_int_eq(r, GOPS_ENTRY_ADMITTED);
            ck_assert_double_eq(until, 100.0);
        } else {
            ck_assert_int_eq(r, GOPS_ENTRY_QUEUED);
        }
    }
    ck_assert_uint_eq(gops_buildings_occupancy(f.b, 0), 10);
    ck_assert_uint_eq(gops_buildings_queued(f.b, 0), 5);
    step(&f, 99.9);
    ck_assert_uint_eq(f.ev.count, 0);
    step(&f, 100.0);
    ck_assert_uint_eq(count_kind(&f, GOPS_BUILDING_RELEASED), 10);
    ck_assert_uint_eq(count_kind(&f, GOPS_BUILDING_ADMITTED), 5);
    // Releases come first, in visitor order (equal end times), at the end of the stay.
    for (uint32_t i = 0; i < 10; i++) {
        ck_assert_int_eq(f.ev.items[i].kind, GOPS_BUILDING_RELEASED);
        ck_assert_uint_eq(f.ev.items[i].visitor, i);
        ck_assert_double_eq(f.ev.items[i].t_s, 100.0);
        ck_assert_uint_eq(f.ev.items[i].entrance, i % 2);
    }
    // Queued visitors 10..14 go in oldest first (all since 0: by visitor id).
    for (uint32_t i = 10; i < 15; i++) {
        ck_assert_uint_eq(f.ev.items[i].visitor, i);
        ck_assert_double_eq(f.ev.items[i].until_s, 200.0);
    }
    ck_assert_uint_eq(gops_buildings_occupancy(f.b, 0), 5);
    ck_assert_uint_eq(gops_buildings_queued_total(f.b), 0);
    ck_assert_uint_eq(gops_buildings_admitted(f.b, 0), 15);
    teardown(&f);
}
END_TEST

START_TEST(capacity_never_exceeded_under_random_load)
{
    fixture_t f = setup();
    gops_rng_t rng;
    gops_rng_seed(&rng, 7, GOPS_STREAM_BENCH);
    uint64_t admitted = 0, released = 0, gave_up = 0, requested = 0;
    uint32_t v = 0;
    for (int tick = 1; tick <= 36000; tick++) { // one hour at 0.1 s
        double now = tick * 0.1;
        if (gops_rng_uniform(&rng) < 0.05) {
            double until;
            gops_entry_result_t r =
                request(&f, 0, (uint32_t)gops_rng_below(&rng, 2), v++, now, gops_rng_range(&rng, 10, 300),
                        gops_rng_range(&rng, 5, 120), &until);
            requested++;
            admitted += r == GOPS_ENTRY_ADMITTED;
        }
        step(&f, now);
        admitted += count_kind(&f, GOPS_BUILDING_ADMITTED);
        released += count_kind(&f, GOPS_BUILDING_RELEASED);
        gave_up += count_kind(&f, GOPS_BUILDING_GAVE_UP);
        uint32_t occ = gops_buildings_occupancy(f.b, 0);
        REQUIRE(occ <= 10, "occupancy %u > capacity 10 at %.1f s", occ, now);
        REQUIRE(admitted - released == occ, "conservation broken at %.1f s", now);
        REQUIRE(requested == admitted + gave_up + gops_buildings_queued(f.b, 0), "queue accounting at %.1f s", now);
    }
    // The load (0.5/s × mean 155 s ≈ 78 wanted places) saturates 10 places: queues form and
    // patience runs out for some.
    ck_assert(gave_up > 0);
    ck_assert_uint_eq(gops_buildings_inside_total(f.b), gops_buildings_occupancy(f.b, 0));
    teardown(&f);
}
END_TEST

// Metered entrance e3 at 30 persons/min with 1000 visitors waiting from t = 0: entries in
// [0, 600 s) for a given step length.
static uint32_t metered_entries(double dt, bool building_meter)
{
    fixture_t f = setup();
    gops_error_t err;
    if (building_meter) ck_assert_int_eq(gops_buildings_set_meter(f.b, 1, 30, &err), GOPS_OK);
    else ck_assert_int_eq(gops_buildings_set_entrance_meter(f.b, 2, 30, &err), GOPS_OK);
    uint32_t entries = 0;
    for (uint32_t v = 0; v < 1000; v++)
        entries += request(&f, 1, 2, v, 0.0, 1e5, 1e6, NULL) == GOPS_ENTRY_ADMITTED;
    ck_assert_uint_eq(entries, 1); // the first goes straight in, the rest wait
    double last = 0;
    // Steps of dt, and a last one just before 600 s so every step length covers the window.
    for (long k = 1;; k++) {
        double now = (double)k * dt;
        if (now >= 600.0) now = 600.0 - 1e-6;
        step(&f, now);
        for (uint32_t i = 0; i < f.ev.count; i++) {
            ck_assert_int_eq(f.ev.items[i].kind, GOPS_BUILDING_ADMITTED);
            entries++;
        }
        if (f.ev.count) last = now;
        if (now == 600.0 - 1e-6) break;
    }
    ck_assert(last > 590.0);
    teardown(&f);
    return entries;
}

START_TEST(metering_rate_is_exact_for_any_step)
{
    uint32_t n = metered_entries(0.1, false);
    ck_assert_msg(n >= 299 && n <= 301, "0.1 s steps: %u entries in 10 min, expected 300 ± 1", n);
    n = metered_entries(1.0, false);
    ck_assert_msg(n >= 299 && n <= 301, "1 s steps: %u", n);
    n = metered_entries(7.0, false);
    ck_assert_msg(n >= 299 && n <= 301, "7 s steps: %u", n);
    n = metered_entries(0.1, true);
    ck_assert_msg(n >= 299 && n <= 301, "building meter: %u", n);
}
END_TEST

START_TEST(meter_does_not_bank_idle_time)
{
    fixture_t f = setup();
    gops_error_t err;
    ck_assert_int_eq(gops_buildings_set_entrance_meter(f.b, 2, 60, &err), GOPS_OK); // 1 per s
    // Nobody comes for 100 s, then 50 at once: one goes straight in, then one per second.
    step(&f, 100.0);
    uint32_t in = 0;
    for (uint32_t v = 0; v < 50; v++) in += request(&f, 1, 2, v, 100.0, 1e5, 1e6, NULL) == GOPS_ENTRY_ADMITTED;
    ck_assert_uint_eq(in, 1);
    for (int k = 1; k <= 100; k++) {
        step(&f, 100.0 + k * 0.1);
        in += count_kind(&f, GOPS_BUILDING_ADMITTED);
    }
    ck_assert_uint_eq(in, 11); // entries at 100, 101, ..., 110
    ck_assert_int_eq(gops_buildings_set_entrance_meter(f.b, 2, -1, &err), GOPS_BAD_VALUE);
    ck_assert(strstr(err.message, "meter of entrance 2 = -1 persons/min, expected a number >= 0"));
    teardown(&f);
}
END_TEST

START_TEST(closures_are_honoured)
{
    fixture_t f = setup();
    // A closed entrance refuses at that door only.
    gops_buildings_set_entrance_open(f.b, 0, false);
    ck_assert_int_eq(request(&f, 0, 0, 1, 0.0, 60, 60, NULL), GOPS_ENTRY_ENTRANCE_CLOSED);
    ck_assert_int_eq(request(&f, 0, 1, 2, 0.0, 60, 60, NULL), GOPS_ENTRY_ADMITTED);
    ck_assert(gops_buildings_enterable(f.b, 0));
    // Every entrance closed: the building is closed.
    gops_buildings_set_entrance_open(f.b, 1, false);
    ck_assert(!gops_buildings_enterable(f.b, 0));
    ck_assert_int_eq(request(&f, 0, 1, 3, 0.0, 60, 60, NULL), GOPS_ENTRY_CLOSED);
    gops_buildings_set_entrance_open(f.b, 0, true);
    gops_buildings_set_entrance_open(f.b, 1, true);
    // A closed building refuses at every door; nobody inside is put out.
    gops_buildings_set_open(f.b, 0, false);
    ck_assert_int_eq(request(&f, 0, 0, 4, 0.0, 60, 60, NULL), GOPS_ENTRY_CLOSED);
    ck_assert_uint_eq(gops_buildings_occupancy(f.b, 0), 1);
    step(&f, 60.0);
    ck_assert_uint_eq(count_kind(&f, GOPS_BUILDING_RELEASED), 1);
    ck_assert_uint_eq(gops_buildings_admitted(f.b, 0), 1);
    teardown(&f);
}
END_TEST

START_TEST(queued_visitors_are_turned_away_when_their_door_closes)
{
    fixture_t f = setup();
    gops_error_t err;
    ck_assert_int_eq(gops_buildings_set_capacity(f.b, 0, 0, &err), GOPS_OK);
    ck_assert_int_eq(request(&f, 0, 0, 1, 0.0, 60, 600, NULL), GOPS_ENTRY_QUEUED);
    ck_assert_int_eq(request(&f, 0, 1, 2, 0.0, 60, 600, NULL), GOPS_ENTRY_QUEUED);
    gops_buildings_set_entrance_open(f.b, 0, false);
    step(&f, 10.0);
    ck_assert_uint_eq(f.ev.count, 1);
    ck_assert_int_eq(f.ev.items[0].kind, GOPS_BUILDING_TURNED_AWAY);
    ck_assert_uint_eq(f.ev.items[0].visitor, 1);
    ck_assert_double_eq(f.ev.items[0].t_s, 10.0);
    ck_assert_uint_eq(gops_buildings_queued(f.b, 0), 1);
    gops_buildings_set_open(f.b, 0, false);
    step(&f, 11.0);
    ck_assert_uint_eq(f.ev.count, 1);
    ck_assert_uint_eq(f.ev.items[0].visitor, 2);
    ck_assert_uint_eq(gops_buildings_queued_total(f.b), 0);
    ck_assert_int_eq(gops_buildings_set_capacity(f.b, 0, NAN, &err), GOPS_BAD_VALUE);
    teardown(&f);
}
END_TEST

START_TEST(patience_ends_a_wait)
{
    fixture_t f = setup();
    gops_error_t err;
    ck_assert_int_eq(gops_buildings_set_capacity(f.b, 1, 0, &err), GOPS_OK);
    ck_assert_int_eq(request(&f, 1, 2, 5, 0.0, 60, 30, NULL), GOPS_ENTRY_QUEUED);
    ck_assert_int_eq(request(&f, 1, 2, 6, 10.0, 60, 30, NULL), GOPS_ENTRY_QUEUED);
    step(&f, 29.9);
    ck_assert_uint_eq(f.ev.count, 0);
    step(&f, 35.0);
    ck_assert_uint_eq(f.ev.count, 1);
    ck_assert_int_eq(f.ev.items[0].kind, GOPS_BUILDING_GAVE_UP);
    ck_assert_uint_eq(f.ev.items[0].visitor, 5);
    ck_assert_double_eq(f.ev.items[0].t_s, 30.0);
    // A place frees before visitor 6 gives up: it goes in.
    ck_assert_int_eq(gops_buildings_set_capacity(f.b, 1, 1, &err), GOPS_OK);
    step(&f, 36.0);
    ck_assert_uint_eq(f.ev.count, 1);
    ck_assert_int_eq(f.ev.items[0].kind, GOPS_BUILDING_ADMITTED);
    ck_assert_uint_eq(f.ev.items[0].visitor, 6);
    ck_assert_double_eq(f.ev.items[0].until_s, 96.0);
    teardown(&f);
}
END_TEST

START_TEST(queue_order_across_doors_and_no_overtaking)
{
    fixture_t f = setup();
    gops_error_t err;
    ck_assert_int_eq(gops_buildings_set_capacity(f.b, 0, 0, &err), GOPS_OK);
    ck_assert_int_eq(request(&f, 0, 0, 30, 1.0, 60, 1e4, NULL), GOPS_ENTRY_QUEUED);
    ck_assert_int_eq(request(&f, 0, 1, 20, 2.0, 60, 1e4, NULL), GOPS_ENTRY_QUEUED);
    ck_assert_int_eq(request(&f, 0, 0, 10, 3.0, 60, 1e4, NULL), GOPS_ENTRY_QUEUED);
    ck_assert_int_eq(gops_buildings_set_capacity(f.b, 0, 2, &err), GOPS_OK);
    step(&f, 4.0);
    ck_assert_uint_eq(f.ev.count, 2);
    ck_assert_uint_eq(f.ev.items[0].visitor, 30); // waited since 1 s
    ck_assert_uint_eq(f.ev.items[1].visitor, 20); // since 2 s, at the other door
    // Capacity 3 now: one place free, but visitor 10 waits at a ready door, so a newcomer
    // at the other door queues instead of overtaking.
    ck_assert_int_eq(gops_buildings_set_capacity(f.b, 0, 3, &err), GOPS_OK);
    ck_assert_int_eq(request(&f, 0, 1, 40, 4.5, 60, 1e4, NULL), GOPS_ENTRY_QUEUED);
    step(&f, 5.0);
    ck_assert_uint_eq(f.ev.count, 1);
    ck_assert_uint_eq(f.ev.items[0].visitor, 10);
    teardown(&f);
}
END_TEST

START_TEST(dwell_distribution_mean_and_median)
{
    fixture_t f = setup();
    gops_rng_t rng;
    gops_rng_seed(&rng, 11, GOPS_STREAM_BENCH);
    enum { N = 200000 };
    double *x = malloc(N * sizeof *x);
    double sum = 0;
    for (int i = 0; i < N; i++) sum += x[i] = gops_buildings_draw_dwell(f.b, 0, &rng); // mall
    // Lognormal(ln 3600, 0.5): mean 3600 · e^0.125 = 4079.27 s; sd ≈ 2174 s, so the
    // standard error is 4.9 s and 1 % is 8 standard errors.
    double mean = sum / N;
    ck_assert_msg(fabs(mean - 3600 * exp(0.125)) < 0.01 * 4079.27, "mall mean %.1f s", mean);
    int below = 0;
    for (int i = 0; i < N; i++) below += x[i] < 3600;
    ck_assert_msg(fabs(below / (double)N - 0.5) < 0.005, "median: %.4f below 3600 s", below / (double)N);
    sum = 0;
    for (int i = 0; i < N; i++) sum += gops_buildings_draw_dwell(f.b, 1, &rng); // other: 1800, 0.6
    mean = sum / N;
    ck_assert_msg(fabs(mean - 1800 * exp(0.18)) < 0.01 * 1800 * exp(0.18), "other mean %.1f s", mean);
    free(x);
    teardown(&f);
}
END_TEST

START_TEST(stays_end_at_their_time)
{
    fixture_t f = setup();
    double until;
    ck_assert_int_eq(request(&f, 1, 2, 3, 5.0, 42.5, 0, &until), GOPS_ENTRY_ADMITTED);
    ck_assert_double_eq(until, 47.5);
    ck_assert_int_eq(request(&f, 1, 2, 1, 6.0, 10.0, 0, &until), GOPS_ENTRY_ADMITTED);
    step(&f, 47.0);
    ck_assert_uint_eq(f.ev.count, 1);
    ck_assert_uint_eq(f.ev.items[0].visitor, 1);
    ck_assert_double_eq(f.ev.items[0].t_s, 16.0);
    step(&f, 47.5);
    ck_assert_uint_eq(f.ev.count, 1);
    ck_assert_uint_eq(f.ev.items[0].visitor, 3);
    ck_assert_uint_eq(gops_buildings_inside_total(f.b), 0);
    teardown(&f);
}
END_TEST

START_TEST(evacuation_releases_everyone_at_once)
{
    fixture_t f = setup();
    for (uint32_t v = 0; v < 8; v++) request(&f, 0, 0, v, 0.0, 1000.0 + v, 0, NULL);
    request(&f, 1, 2, 100, 0.0, 500.0, 0, NULL);
    gops_buildings_evacuate(f.b, 0, 20.0);
    step(&f, 20.0);
    ck_assert_uint_eq(count_kind(&f, GOPS_BUILDING_RELEASED), 8);
    for (uint32_t i = 0; i < f.ev.count; i++) ck_assert_double_eq(f.ev.items[i].t_s, 20.0);
    ck_assert_uint_eq(gops_buildings_occupancy(f.b, 0), 0);
    ck_assert_uint_eq(gops_buildings_occupancy(f.b, 1), 1); // the other building is untouched
    step(&f, 500.0);
    ck_assert_uint_eq(f.ev.count, 1);
    ck_assert_uint_eq(f.ev.items[0].visitor, 100);
    teardown(&f);
}
END_TEST

START_TEST(exit_door_faces_the_next_place)
{
    fixture_t f = setup();
    const gops_feature_t *e1 = &f.map->features[1], *e2 = &f.map->features[2];
    gops_point_t west = {e1->at.x - 100, e1->at.y}, east = {e2->at.x + 100, e2->at.y};
    ck_assert_uint_eq(gops_buildings_exit_entrance(f.b, 0, west), 0);
    ck_assert_uint_eq(gops_buildings_exit_entrance(f.b, 0, east), 1);
    gops_buildings_set_entrance_open(f.b, 1, false);
    ck_assert_uint_eq(gops_buildings_exit_entrance(f.b, 0, east), 0);
    gops_buildings_set_entrance_open(f.b, 0, false);
    ck_assert_uint_eq(gops_buildings_exit_entrance(f.b, 0, east), 1); // nobody is kept in
    teardown(&f);
}
END_TEST

START_TEST(bad_parameters_are_refused)
{
    gops_map_t *m = two_buildings();
    gops_buildings_params_t p = gops_buildings_params_default();
    p.dwell_median_s[GOPS_BUILDING_MALL] = 0;
    gops_error_t err;
    ck_assert_ptr_null(gops_buildings_create(m, &p, &err));
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
    ck_assert(strstr(err.message, "dwell_median_s.mall = 0, expected a number > 0"));
    p = gops_buildings_params_default();
    p.dwell_sigma[GOPS_BUILDING_OTHER] = -1;
    ck_assert_ptr_null(gops_buildings_create(m, &p, &err));
    ck_assert(strstr(err.message, "dwell_sigma.other = -1"));
    gops_map_destroy(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("buildings");
    TCase *tc = tcase_create("buildings");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, indexing_follows_feature_order);
    tcase_add_test(tc, capacity_is_respected_and_queue_drains_on_release);
    tcase_add_test(tc, capacity_never_exceeded_under_random_load);
    tcase_add_test(tc, metering_rate_is_exact_for_any_step);
    tcase_add_test(tc, meter_does_not_bank_idle_time);
    tcase_add_test(tc, closures_are_honoured);
    tcase_add_test(tc, queued_visitors_are_turned_away_when_their_door_closes);
    tcase_add_test(tc, patience_ends_a_wait);
    tcase_add_test(tc, queue_order_across_doors_and_no_overtaking);
    tcase_add_test(tc, dwell_distribution_mean_and_median);
    tcase_add_test(tc, stays_end_at_their_time);
    tcase_add_test(tc, evacuation_releases_everyone_at_once);
    tcase_add_test(tc, exit_door_faces_the_next_place);
    tcase_add_test(tc, bad_parameters_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return gops_test_run(suite()); }
