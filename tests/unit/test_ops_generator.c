// SPDX-License-Identifier: MIT
// Operations generator suite: the taxonomy (every map category has a type, the ten
// scene categories are all used, names round-trip), day profiles averaging 1, Poisson
// arrival counts and their hour-of-day shape, rain-driven waterlogging, the location
// models on the Erqi map, duration distributions, and the running quantile against sorting.
#include "fixture.h"
#include "ops/generator.h"
#include "ops/ops_internal.h"
#include "ops/quantile.h"
#include "world/geometry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

START_TEST(taxonomy_covers_categories_and_scenes)
{
    gops_incident_type_t t[GOPS_ITYPE_COUNT];
    gops_incident_types_default(t);
    bool cat[GOPS_CAT_COUNT] = {false}, scene[GOPS_SCENE_COUNT] = {false};
    for (int k = 0; k < GOPS_ITYPE_COUNT; k++) {
        cat[t[k].category] = true;
        scene[t[k].scene] = true;
        ck_assert_int_eq(gops_itype_from_name(gops_itype_name((gops_itype_t)k)), k);
        ck_assert(t[k].default_units != 0);
        ck_assert(t[k].handling_mean_s > 0);
        ck_assert(t[k].scene == GOPS_SCENE_NONE ? t[k].p_vision == 0 : t[k].p_vision > 0);
    }
    for (int c = 0; c < GOPS_CAT_COUNT; c++) ck_assert_msg(cat[c], "no incident type for %s", gops_category_name(c));
    // FACTS: video recognition knows 10 kinds of scene; each of ours is used by some type.
    ck_assert_int_eq(GOPS_SCENE_COUNT - 1, 10);
    for (int s = 1; s < GOPS_SCENE_COUNT; s++) ck_assert_msg(scene[s], "scene %s unused", gops_scene_name(s));
    ck_assert_int_eq(gops_itype_from_name("road_collapse"), GOPS_ITYPE_ROAD_COLLAPSE);
    ck_assert_int_eq(gops_itype_from_name("collapse"), -1);
    ck_assert_int_eq(gops_itype_from_name(NULL), -1);
    // The reports' repair times sit in the utilities' defaults (FACTS: 4 h, 1 day, 7 days).
    ck_assert_double_le(t[GOPS_ITYPE_WATER_MAIN_BURST].handling_mean_s + t[GOPS_ITYPE_WATER_MAIN_BURST].repair_mean_s,
                        4 * 3600);
    ck_assert_double_le(t[GOPS_ITYPE_HEATING_LEAK].handling_mean_s + t[GOPS_ITYPE_HEATING_LEAK].repair_mean_s, 86400);
    ck_assert_double_eq(t[GOPS_ITYPE_ROAD_COLLAPSE].p_unclear, 1.0);
}
END_TEST

START_TEST(day_profiles_average_one)
{
    for (int p = 0; p < GOPS_PROFILE_COUNT; p++) {
        double sum = 0;
        for (int h = 0; h < 24; h++) sum += gops_day_profile_factor((gops_day_profile_t)p, h * 3600 + 1800);
        ck_assert_double_eq_tol(sum / 24, 1.0, 1e-12);
    }
    // Negative and past-midnight seconds wrap.
    ck_assert_double_eq(gops_day_profile_factor(GOPS_PROFILE_RETAIL, -1),
                        gops_day_profile_factor(GOPS_PROFILE_RETAIL, 86399));
    ck_assert_double_eq(gops_day_profile_factor(GOPS_PROFILE_RETAIL, 86400 + 5),
                        gops_day_profile_factor(GOPS_PROFILE_RETAIL, 5));
}
END_TEST

typedef struct tally {
    uint32_t n;
    uint32_t by_hour[24];
    gops_local_time_t start;
    double last;
    bool ordered;
} tally_t;

static void count(void *user, gops_itype_t type, double t)
{
    (void)type;
    tally_t *c = user;
    c->n++;
    c->by_hour[((int64_t)floor((double)c->start + t) % 86400) / 3600]++;
    if (t < c->last) c->ordered = false;
    c->last = t;
}

static tally_t arrivals(gops_itype_t only, double rate, gops_day_profile_t profile, double hours, double step,
                        double rain)
{
    gops_incident_type_t t[GOPS_ITYPE_COUNT];
    gops_incident_types_default(t);
    for (int k = 0; k < GOPS_ITYPE_COUNT; k++)
        for (int m = 0; m < GOPS_MODE_COUNT; m++) t[k].rate_per_h[m] = k == (int)only ? rate : 0;
    t[only].profile = profile;
    gops_rng_t rngs[GOPS_ITYPE_COUNT];
    for (int k = 0; k < GOPS_ITYPE_COUNT; k++) gops_rng_seed(&rngs[k], 77, (uint32_t)k);
    gops_generator_t g;
    gops_error_t err;
    ck_assert_int_eq(gops_generator_init(&g, NULL, rngs, &err), GOPS_OK);
    tally_t c = {.start = 1700000000 - 1700000000 % 86400, .ordered = true};
    for (double t0 = 0; t0 < hours * 3600; t0 += step)
        gops_generator_arrivals(&g, t, GOPS_MODE_NORMAL, c.start, t0, t0 + step, rain, rngs, count, &c);
    gops_generator_free(&g);
    return c;
}

START_TEST(poisson_counts)
{
    // 120 per hour for 100 h: 12,000 expected, sd 110; 4 sd = 438. The count does not
    // depend on the step length (up to rounding of the integrated rate at the very end).
    tally_t a = arrivals(GOPS_ITYPE_DISPUTE, 120, GOPS_PROFILE_FLAT, 100, 1.0, 0);
    tally_t b = arrivals(GOPS_ITYPE_DISPUTE, 120, GOPS_PROFILE_FLAT, 100, 7.0, 0);
    ck_assert_msg(fabs((double)a.n - 12000) < 438, "%u arrivals, expected 12000", a.n);
    ck_assert(a.ordered && b.ordered);
    ck_assert_uint_le(a.n > b.n ? a.n - b.n : b.n - a.n, 1);
}
END_TEST

START_TEST(hour_profile_shapes_arrivals)
{
    // Retail profile over 400 days at 24 per day: hour 19 has weight 2.0, hour 3 weight 0.1.
    tally_t c = arrivals(GOPS_ITYPE_LOST_PERSON, 1.0, GOPS_PROFILE_RETAIL, 400 * 24, 60.0, 0);
    double f19 = gops_day_profile_factor(GOPS_PROFILE_RETAIL, 19 * 3600);
    double f3 = gops_day_profile_factor(GOPS_PROFILE_RETAIL, 3 * 3600);
    ck_assert_double_eq_tol(f19 / f3, 20.0, 1e-9);
    double e19 = 400 * f19, e3 = 400 * f3; // expected counts in those hours
    ck_assert_msg(fabs(c.by_hour[19] - e19) < 4 * sqrt(e19), "hour 19: %u, expected %.0f", c.by_hour[19], e19);
    ck_assert_msg(fabs(c.by_hour[3] - e3) < 4 * sqrt(e3) + 1, "hour 3: %u, expected %.0f", c.by_hour[3], e3);
}
END_TEST

START_TEST(waterlogging_needs_rain)
{
    tally_t dry = arrivals(GOPS_ITYPE_WATERLOGGING, 1.0, GOPS_PROFILE_FLAT, 200, 10, 0);
    tally_t wet = arrivals(GOPS_ITYPE_WATERLOGGING, 1.0, GOPS_PROFILE_FLAT, 200, 10, 20);
    ck_assert_uint_eq(dry.n, 0);
    // 1 per hour per 10 mm/h: 400 expected at 20 mm/h, sd 20.
    ck_assert_msg(fabs((double)wet.n - 400) < 80, "%u waterloggings, expected 400", wet.n);
}
END_TEST

static double dist_to_segment(gops_point_t p, gops_point_t a, gops_point_t b)
{
    double dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
    double f = l2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2 : 0;
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    return hypot(p.x - (a.x + f * dx), p.y - (a.y + f * dy));
}

START_TEST(erqi_location_models)
{
    gops_district_t d;
    gops_error_t err;
    ck_assert_int_eq(gops_district_load(&d, gops_test_source_path("assets/maps/erqi.geojson"), 1.0, &err), GOPS_OK);
    gops_rng_t rngs[GOPS_ITYPE_COUNT];
    for (int k = 0; k < GOPS_ITYPE_COUNT; k++) gops_rng_seed(&rngs[k], 5, (uint32_t)k);
    gops_generator_t g;
    ck_assert_int_eq(gops_generator_init(&g, &d, rngs, &err), GOPS_OK);
    ck_assert_uint_gt(g.crowd_count, 1000);
    ck_assert_uint_gt(g.vendor_count, 100);
    ck_assert_uint_eq(g.low_count > 0, 1);
    gops_rng_t rng;
    gops_rng_seed(&rng, 1, 1);
    for (int i = 0; i < 500; i++) {
        // Crowds, walkable incidents: on walkable ground (within the cell's jitter).
        gops_point_t c = gops_generator_point(&g, GOPS_WHERE_CROWD, &rng);
        ck_assert(gops_walkable_snap(d.walk, c, 0.75, NULL) != GOPS_WALKABLE_NONE);
        gops_point_t w = gops_generator_point(&g, GOPS_WHERE_WALKABLE, &rng);
        ck_assert(gops_walkable_snap(d.walk, w, 0.75, NULL) != GOPS_WALKABLE_NONE);
        // Kerbside parking: just beyond some road's carriageway and non-motor lane.
        gops_point_t k = gops_generator_point(&g, GOPS_WHERE_CURB, &rng);
        bool at_kerb = false;
        for (uint32_t f = 0; f < d.map->feature_count && !at_kerb; f++) {
            const gops_feature_t *ft = &d.map->features[f];
            if (ft->kind != GOPS_FEAT_ROAD) continue;
            double edge = 0.5 * ft->u.road.width_m + ft->u.road.nonmotor_m + 0.75;
            for (uint32_t s = 0; s + 1 < ft->u.road.line.count; s++)
                if (fabs(dist_to_segment(k, ft->u.road.line.pts[s], ft->u.road.line.pts[s + 1]) - edge) < 0.01)
                    at_kerb = true;
        }
        ck_assert_msg(at_kerb, "kerbside point (%.1f, %.1f) is not at a road's kerb", k.x, k.y);
        // Disputes at mall entrances (3 m jitter each way).
        gops_point_t e = gops_generator_point(&g, GOPS_WHERE_ENTRANCE, &rng);
        double best = INFINITY;
        for (uint32_t j = 0; j < g.entrance_count; j++)
            best = fmin(best, hypot(e.x - g.entrances[j].x, e.y - g.entrances[j].y));
        ck_assert_double_le(best, 3 * sqrt(2.0) + 1e-9);
    }
    gops_generator_free(&g);
    gops_district_free(&d);
}
END_TEST

START_TEST(duration_distributions)
{
    gops_rng_t rng;
    gops_rng_seed(&rng, 8, 8);
    const int n = 50000;
    double s_ln = 0, s2_ln = 0, s_ex = 0;
    for (int i = 0; i < n; i++) {
        double x = gops_ops_draw_duration(&rng, GOPS_DIST_LOGNORMAL, 600, 0.5);
        s_ln += x, s2_ln += x * x;
        s_ex += gops_ops_draw_duration(&rng, GOPS_DIST_EXPONENTIAL, 600, 0.5);
        ck_assert_double_eq(gops_ops_draw_duration(&rng, GOPS_DIST_FIXED, 600, 0.5), 600);
    }
    double mean = s_ln / n, sd = sqrt(s2_ln / n - mean * mean);
    ck_assert_double_eq_tol(mean, 600, 600 * 0.5 / sqrt(n) * 4);
    ck_assert_double_eq_tol(sd / mean, 0.5, 0.02);
    ck_assert_double_eq_tol(s_ex / n, 600, 600 / sqrt(n) * 4);
    ck_assert_double_eq(gops_ops_draw_duration(&rng, GOPS_DIST_LOGNORMAL, 0, 0.5), 0);
}
END_TEST

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

START_TEST(running_quantile_matches_sorting)
{
    const double qs[] = {0.0, 0.1, 0.5, 0.9, 1.0};
    gops_rng_t rng;
    gops_rng_seed(&rng, 4, 4);
    double *v = malloc(2000 * sizeof *v), *s = malloc(2000 * sizeof *s);
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        gops_quantile_t qt;
        gops_quantile_init(&qt, qs[k]);
        ck_assert(isnan(gops_quantile_value(&qt)));
        for (uint32_t n = 1; n <= 2000; n++) {
            // Rounded values make many ties.
            v[n - 1] = floor(gops_rng_uniform(&rng) * 50);
            ck_assert(gops_quantile_add(&qt, v[n - 1]));
            if (n % 97 != 0 && n > 5) continue;
            memcpy(s, v, n * sizeof *s);
            qsort(s, n, sizeof *s, cmp);
            ck_assert_double_eq_tol(gops_quantile_value(&qt), gops_measures_percentile(s, n, qs[k]), 1e-12);
        }
        ck_assert_uint_eq(gops_quantile_count(&qt), 2000);
        gops_quantile_free(&qt);
    }
    // Hand-computed: numpy.percentile([1, 2, 3, 4], 90) = 3.7.
    const double four[] = {4, 1, 3, 2};
    gops_quantile_t qt;
    gops_quantile_init(&qt, 0.9);
    for (int i = 0; i < 4; i++) gops_quantile_add(&qt, four[i]);
    ck_assert_double_eq_tol(gops_quantile_value(&qt), 3.7, 1e-12);
    gops_quantile_free(&qt);
    free(v);
    free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_generator");
    TCase *tc = tcase_create("generator");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, taxonomy_covers_categories_and_scenes);
    tcase_add_test(tc, day_profiles_average_one);
    tcase_add_test(tc, poisson_counts);
    tcase_add_test(tc, hour_profile_shapes_arrivals);
    tcase_add_test(tc, waterlogging_needs_rain);
    tcase_add_test(tc, erqi_location_models);
    tcase_add_test(tc, duration_distributions);
    tcase_add_test(tc, running_quantile_matches_sorting);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
