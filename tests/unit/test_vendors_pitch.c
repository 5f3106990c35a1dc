// SPDX-License-Identifier: MIT
// Pitch choice: the weight rule and the proportional draw against hand-computed values,
// footfall counted within a radius, sites built from a lab map (metro exits, pitch cells off
// the guidance point), and mobile vendors in a lab world choosing the exit where people
// stand over the one with few (P = 31² / (31² + 4²) with competition off), and splitting
// evenly when footfall does not matter; within a site, the cell beside a stream of people
// rather than in it.
#include "fixture.h"

#include "crowd/crowd.h"
#include "vendors/footfall.h"
#include "vendors/pitches.h"
#include "vendors/vendors.h"
#include "world/map_build.h"
#include "world/world_internal.h"

#include <math.h>

static gops_error_t err;

/// A 200 m × 20 m plaza with metro exits at (20, 10) and (180, 10) and a guidance point
/// (100–110, 4–10) of 4 stalls open all day.
static gops_map_t *lab_map(void)
{
    gops_map_t *m = gops_map_new("vendors lab");
    ck_assert_int_ge(gops_map_add_rect(m, GOPS_FEAT_PLAZA, "street", 0, 0, 200, 20, &err), 0);
    int32_t a = gops_map_add_point(m, GOPS_FEAT_TRANSIT, "exit-a", 20, 10, &err);
    int32_t b = gops_map_add_point(m, GOPS_FEAT_TRANSIT, "exit-b", 180, 10, &err);
    ck_assert_int_ge(a, 0);
    ck_assert_int_ge(b, 0);
    m->features[a].u.transit.mode = GOPS_TRANSIT_METRO_EXIT;
    m->features[b].u.transit.mode = GOPS_TRANSIT_METRO_EXIT;
    int32_t vp = gops_map_add_rect(m, GOPS_FEAT_VENDOR_POINT, "point", 100, 4, 110, 10, &err);
    ck_assert_int_ge(vp, 0);
    m->features[vp].u.vendor_point.stalls = 4;
    m->features[vp].u.vendor_point.open_s = 0;
    m->features[vp].u.vendor_point.close_s = 86400;
    ck_assert_msg(gops_map_finish(m, &err) == GOPS_OK, "%s", err.message);
    return m;
}

static gops_world_t *lab_world(double tick_s)
{
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = tick_s;
    def.mode = GOPS_MODE_HOLIDAY;
    gops_world_t *w = gops_world_create_with_map(&def, lab_map(), &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    return w;
}

static uint32_t no_enforcers(void *user, double now_s, gops_enforcer_t *out, uint32_t cap)
{
    (void)user, (void)now_s, (void)out, (void)cap;
    return 0;
}

/// Vendors for the lab world: `carts` mobile vendors out all day, arriving within minutes,
/// no guidance points, no second thoughts (the tests are about the first pitch), no litter.
static gops_vendors_params_t lab_mobile_params(uint32_t carts)
{
    gops_vendors_params_t p = gops_vendors_params_default();
    p.guidance_points = false;
    for (int m = 0; m < GOPS_MODE_COUNT; m++) p.mobile[m] = carts;
    for (int h = 0; h < 24; h++) p.hour_share[h] = 1.0;
    p.arrive_mean_s = 60;
    p.review_s = 1e9;
    p.litter_per_vendor_h = 0;
    return p;
}

START_TEST(test_weight_and_draw)
{
    gops_pitch_params_t p = gops_pitch_params_default();
    ck_assert_double_eq_tol(gops_site_weight(&p, 10, 0, 0), 121.0, 1e-12);           // (10 + 1)²
    ck_assert_double_eq_tol(gops_site_weight(&p, 10, 2, 0), 121.0 * 0.49, 1e-12);    // × 0.7²
    ck_assert_double_eq_tol(gops_site_weight(&p, 10, 0, 1), 121.0 * 0.1, 1e-12);     // in sight: × (1 − 0.9)
    p.power = 0;
    ck_assert_double_eq_tol(gops_site_weight(&p, 1000, 0, 0), 1.0, 1e-12);            // footfall ignored
    double w[3] = {121, 0, 4};
    ck_assert_uint_eq(gops_pitch_choose(w, 3, 0.0), 0);
    ck_assert_uint_eq(gops_pitch_choose(w, 3, 120.99 / 125), 0);
    ck_assert_uint_eq(gops_pitch_choose(w, 3, 121.01 / 125), 2);                      // the empty site is skipped
    ck_assert_uint_eq(gops_pitch_choose(w, 3, 0.999999), 2);
    double none[2] = {0, 0};
    ck_assert_uint_eq(gops_pitch_choose(none, 2, 0.5), GOPS_VENDORS_NONE);
}
END_TEST

START_TEST(test_footfall_within_radius)
{
    gops_footfall_t f;
    ck_assert_int_eq(gops_footfall_init(&f, 0, 0, 100, 100, 1.0, &err), GOPS_OK);
    float x[5] = {10.2f, 13.7f, 10.5f, 30.0f, -5.0f}, y[5] = {10.2f, 10.5f, 14.6f, 30.0f, 5.0f};
    gops_footfall_count(&f, x, y, 5);
    ck_assert_uint_eq(f.total, 4); // the one off the grid is not counted
    // Cells (10,10), (13,10), (10,14) have centres 0.0, 3.0 and 4.0 m from (10.5, 10.5).
    ck_assert_uint_eq(gops_footfall_near(&f, (gops_point_t){10.5, 10.5}, 2.0), 1);
    ck_assert_uint_eq(gops_footfall_near(&f, (gops_point_t){10.5, 10.5}, 3.5), 2);
    ck_assert_uint_eq(gops_footfall_near(&f, (gops_point_t){10.5, 10.5}, 5.0), 3);
    ck_assert_uint_eq(gops_footfall_near(&f, (gops_point_t){30.5, 30.5}, 0.5), 1);
    gops_footfall_free(&f);
    ck_assert_int_eq(gops_footfall_init(&f, 0, 0, 100, 100, 0.1, &err), GOPS_BAD_VALUE);
}
END_TEST

START_TEST(test_sites_of_lab_map)
{
    gops_world_t *w = lab_world(1.0);
    gops_vendors_params_t p = gops_vendors_params_default();
    gops_vendors_t *v = gops_vendors_attach(w, &p, &err);
    ck_assert_msg(v != NULL, "%s", err.message);
    const gops_sites_t *s = gops_vendors_sites(v);
    ck_assert_uint_eq(s->count, 2); // two exits; no roads, no landmark
    const gops_walkable_t *walk = gops_world_district(w)->walk;
    for (uint32_t k = 0; k < 2; k++) {
        ck_assert_int_eq(s->sites[k].kind, GOPS_SITE_METRO_EXIT);
        // Cells within 12 m of the anchor: about π·12² ≈ 452 one-metre cells. A cart stands
        // flush with the floor's long edges (the rows at y = 0.5 and 19.5 m) or leaves them
        // the 2 m clear width (its 0.9 m rim 2 m in: rows 3.5 to 16.5 m); rows 1.5, 2.5, 17.5
        // and 18.5 would leave a gap of 0.6 or 1.6 m. On those 16 rows 344 cells lie within
        // 12 m, 268 of them not within 4.9 m of the exit (half its 4 m + the 2 m clear width
        // + the cart's 0.9 m).
        ck_assert_uint_gt(s->sites[k].cell_count, 260);
        ck_assert_uint_lt(s->sites[k].cell_count, 276);
        for (uint32_t c = 0; c < s->sites[k].cell_count; c++) {
            gops_point_t at = gops_walkable_centre(walk, walk->cells[s->cells[s->sites[k].first_cell + c]]);
            double d = hypot(at.x - s->sites[k].at.x, at.y - s->sites[k].at.y);
            ck_assert(d <= 12.0 && d >= 4.9);
            double edge = fmin(at.y, 20.0 - at.y); // the floor's edge is 20 m across
            ck_assert_msg(edge < 1.0 || edge > 3.0, "cart at %.1f m from the edge", edge);
        }
    }
    ck_assert_double_eq(s->sites[0].at.x, 20.0);
    ck_assert_double_eq(s->sites[1].at.x, 180.0);
    gops_world_destroy(w);
}
END_TEST

/// Mobile vendors arriving in a lab world with `near_a` pedestrians standing by exit A and
/// `near_b` by exit B; returns how many set up at each site.
static void run_choice(uint32_t near_a, uint32_t near_b, double power, uint32_t *at_a, uint32_t *at_b)
{
    gops_world_t *w = lab_world(0.2);
    gops_crowd_params_t cp = gops_crowd_params_default(GOPS_DAY_HOLIDAY);
    cp.visitors = false;
    gops_crowd_t *c = gops_crowd_attach(w, &cp, &err);
    ck_assert_msg(c != NULL, "%s", err.message);
    // Standing pedestrians (no destination, no direction) on a 1 m lattice near each exit.
    for (uint32_t k = 0; k < near_a + near_b; k++) {
        bool a = k < near_a;
        uint32_t j = a ? k : k - near_a;
        gops_spawn_t s = {.x = (a ? 16.5f : 176.5f) + (float)(j % 8), .y = 7.5f + (float)(j / 8), .v0 = 1.0f,
                          .radius = 0.2f, .dest = GOPS_NO_DEST};
        ck_assert_int_eq(gops_crowd_spawn(c, &s, &err), GOPS_OK);
    }
    gops_vendors_params_t p = lab_mobile_params(200);
    p.pitches.power = power;
    p.pitches.competition = 1.0;       // no crowding out: each choice is independent
    p.pitches.footfall_memory_s = 1.0; // footfall as it is now
    p.pitches.min_spacing_m = 0.5;
    // Small carts, so that 200 fit a site keeping the spacing (a cart finding no room leaves).
    p.mobile_radius_m = 0.2;
    gops_vendors_t *v = gops_vendors_attach(w, &p, &err);
    ck_assert_msg(v != NULL, "%s", err.message);
    gops_vendors_set_enforcers(v, no_enforcers, NULL);
    for (int t = 0; t < 5 * 1200; t++) gops_world_step(w); // 20 min: all arrive (mean 1 min) and set up
    *at_a = *at_b = 0;
    for (uint32_t i = 0; i < gops_vendors_count(v); i++) {
        gops_vendor_info_t info;
        ck_assert(gops_vendors_get(v, i, &info));
        if (info.kind != GOPS_VENDOR_MOBILE) continue;
        ck_assert_msg(info.state == GOPS_VENDOR_TRADING, "vendor %u is %s", i, gops_vendor_state_name(info.state));
        if (info.site == 0) (*at_a)++;
        else if (info.site == 1) (*at_b)++;
    }
    ck_assert_uint_eq(*at_a + *at_b, 200);
    gops_world_destroy(w);
}

START_TEST(test_prefers_high_footfall)
{
    uint32_t a, b;
    run_choice(30, 3, 2.0, &a, &b);
    // P(A) = (30 + 1)² / ((30 + 1)² + (3 + 1)²) = 961 / 977 = 0.9836; 200 draws: mean 196.7,
    // sd 1.8. The bounds are 5 sd either side.
    ck_assert_msg(a >= 188 && a <= 200, "%u of 200 at the busy exit", a);
    // Reversed: the busy exit is B.
    run_choice(3, 30, 2.0, &a, &b);
    ck_assert_msg(b >= 188 && b <= 200, "%u of 200 at the busy exit", b);
    // Footfall switched off: an even split, mean 100, sd 7.1.
    run_choice(30, 3, 0.0, &a, &b);
    ck_assert_msg(a >= 65 && a <= 135, "%u of 200 at A when footfall does not matter", a);
}
END_TEST

/// Share of 200 picks in exit A's site that fall within 3 m of the line y = 10 m, with (or
/// without) a stream of people walking along it; the picks' cells must have no one within
/// the stream radius when there is one.
static double picks_in_the_stream(bool stream)
{
    gops_world_t *w = lab_world(1.0);
    const gops_district_t *d = gops_world_district(w);
    const gops_walkable_t *walk = d->walk;
    gops_vendors_params_t p = gops_vendors_params_default();
    gops_sites_t s;
    ck_assert_int_eq(gops_sites_build(&s, d, &p.pitches, p.mobile_radius_m, &err), GOPS_OK);
    gops_footfall_t f;
    ck_assert_int_eq(gops_footfall_init(&f, 0, 0, 200, 20, 1.0, &err), GOPS_OK);
    float x[100], y[100];
    for (int k = 0; k < 100; k++) x[k] = 5.0f + 0.3f * (float)k, y[k] = k % 2 ? 9.9f : 10.1f; // x 5-35 m
    gops_footfall_count(&f, x, y, stream ? 100 : 0);
    gops_sites_update_footfall(&s, &f, walk, &p.pitches, p.pitches.footfall_memory_s); // the count now
    uint32_t near_line = 0;
    for (uint64_t seed = 1; seed <= 200; seed++) {
        gops_rng_t rng;
        gops_rng_seed(&rng, seed, 0);
        gops_point_t at;
        ck_assert(gops_site_pick(&s, 0, walk, NULL, 0, p.pitches.min_spacing_m, &rng, &at));
        near_line += fabs(at.y - 10.0) < 3.0;
        if (stream) ck_assert_uint_eq(gops_footfall_near(&f, at, GOPS_PITCH_STREAM_RADIUS_M), 0);
    }
    gops_footfall_free(&f);
    gops_sites_free(&s);
    gops_world_destroy(w);
    return near_line / 200.0;
}

START_TEST(test_pitch_beside_the_stream)
{
    // Exit A's site (rows y = 0.5, 3.5-16.5, 19.5 m; test_sites_of_lab_map) with people walking
    // along its middle: of 16 cells drawn, the vendor takes one with nobody passing within
    // 2 m. Without them the first cell drawn keeping the spacing is taken, a third of them
    // within 3 m of the line (its 6 rows of the site's 16).
    ck_assert_double_eq(picks_in_the_stream(true), 0.0);
    double quiet = picks_in_the_stream(false);
    ck_assert_msg(quiet > 0.2 && quiet < 0.5, "%.2f of the picks within 3 m of the line", quiet);
}
END_TEST

START_TEST(test_carts_keep_their_spacing)
{
    // 60 carts for two sites of about 380 cells: more than fit with 3 m between a cart and
    // the next footprint. Whoever arrives to find its pitch taken picks another in the site
    // or goes away for a while; no two carts end up side by side (together they would block
    // a walkway each alone leaves passable).
    gops_world_t *w = lab_world(0.2);
    gops_crowd_params_t cp = gops_crowd_params_default(GOPS_DAY_HOLIDAY);
    cp.visitors = false;
    ck_assert_ptr_nonnull(gops_crowd_attach(w, &cp, &err));
    gops_vendors_params_t p = lab_mobile_params(60);
    p.pitches.competition = 1.0;
    p.pitches.min_spacing_m = 3.0; // the sites' size is for 3 m (the default is 6: 15 trading, 45 away)
    gops_vendors_t *v = gops_vendors_attach(w, &p, &err);
    ck_assert_msg(v != NULL, "%s", err.message);
    gops_vendors_set_enforcers(v, no_enforcers, NULL);
    uint32_t worst_i = 0, worst_j = 0, pitched = 0, away = 0;
    double worst = INFINITY;
    for (int t = 0; t < 5 * 1200; t++) {
        gops_world_step(w);
        if (t % 50) continue; // every 10 s
        for (uint32_t i = 0; i < gops_vendors_count(v); i++) {
            gops_vendor_info_t a, b;
            ck_assert(gops_vendors_get(v, i, &a));
            if (a.state != GOPS_VENDOR_SETUP && a.state != GOPS_VENDOR_TRADING) continue;
            for (uint32_t j = i + 1; j < gops_vendors_count(v); j++) {
                ck_assert(gops_vendors_get(v, j, &b));
                if (b.state != GOPS_VENDOR_SETUP && b.state != GOPS_VENDOR_TRADING) continue;
                double d = hypot(a.at.x - b.at.x, a.at.y - b.at.y);
                if (d < worst) worst = d, worst_i = i, worst_j = j;
            }
        }
    }
    for (uint32_t i = 0; i < gops_vendors_count(v); i++) {
        gops_vendor_info_t a;
        ck_assert(gops_vendors_get(v, i, &a));
        pitched += a.state == GOPS_VENDOR_TRADING;
        away += a.state == GOPS_VENDOR_AWAY;
    }
    // A centre at least the spacing from the other cart's edge (its radius at the least).
    ck_assert_msg(worst >= p.pitches.min_spacing_m + p.mobile_radius_m - 1e-9,
                  "carts %u and %u %.2f m apart, expected at least %.2f", worst_i, worst_j, worst,
                  p.pitches.min_spacing_m + p.mobile_radius_m);
    ck_assert_msg(pitched > 20 && away > 0, "%u trading, %u away", pitched, away);
    gops_world_destroy(w);
}
END_TEST

START_TEST(test_queues_keep_doors_and_gaps_clear)
{
    // Pitches between 4.9 and 6 m from exit A (the doorway rule leaves no nearer cell for a
    // 0.9 m cart), 60 people standing round it who buy often and queue long: a queue's spill
    // would grow a footprint to about 2.8 m, but a cart's rim keeps the clear width (2 m)
    // from the exit's 2 m half width, and two carts' rims keep it between them.
    gops_world_t *w = lab_world(0.2);
    gops_crowd_params_t cp = gops_crowd_params_default(GOPS_DAY_HOLIDAY);
    cp.visitors = false;
    gops_crowd_t *c = gops_crowd_attach(w, &cp, &err);
    ck_assert_msg(c != NULL, "%s", err.message);
    for (uint32_t k = 0; k < 60; k++) {
        gops_spawn_t sp = {.x = 12.5f + (float)(k % 15), .y = 2.5f + 4.0f * (float)(k / 15), .v0 = 1.0f,
                           .radius = 0.2f, .dest = GOPS_NO_DEST};
        ck_assert_int_eq(gops_crowd_spawn(c, &sp, &err), GOPS_OK);
    }
    gops_vendors_params_t p = lab_mobile_params(4);
    p.pitches.site_radius_m = 6.0;
    p.customers.buy_rate_per_ped_s = 0.05;
    p.customers.balk = 1000;
    p.customers.area_m2 = 2.0;
    gops_vendors_t *v = gops_vendors_attach(w, &p, &err);
    ck_assert_msg(v != NULL, "%s", err.message);
    gops_vendors_set_enforcers(v, no_enforcers, NULL);
    const double exits[2] = {20.0, 180.0}, keep = 2.0 + p.pitches.clear_width_m;
    double widest = 0, to_exit = INFINITY, between = INFINITY;
    uint32_t most = 0;
    for (int t = 0; t < 5 * 1800; t++) {
        gops_world_step(w);
        if (t % 50) continue;
        uint32_t n;
        const gops_disc_t *d = gops_vendors_obstacles(v, &n, NULL);
        if (n > most) most = n;
        for (uint32_t i = 0; i < n; i++) {
            for (int e = 0; e < 2; e++) to_exit = fmin(to_exit, hypot(d[i].x - exits[e], d[i].y - 10.0) - d[i].r);
            for (uint32_t j = i + 1; j < n; j++)
                between = fmin(between, hypot(d[i].x - d[j].x, d[i].y - d[j].y) - d[i].r - d[j].r);
            widest = fmax(widest, d[i].r);
        }
    }
    ck_assert_msg(most >= 2, "at most %u carts out at once", most);
    ck_assert_msg(widest > p.mobile_radius_m + 0.5, "footprints grew to %.2f m only: no cap was reached", widest);
    ck_assert_msg(to_exit >= keep - 1e-9, "a footprint's rim came %.2f m from an exit's centre, expected %.2f", to_exit,
                  keep);
    ck_assert_msg(between >= p.pitches.clear_width_m - 1e-9, "two footprints %.2f m apart, expected %.2f", between,
                  p.pitches.clear_width_m);
    gops_world_destroy(w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vendors_pitch");
    TCase *tc = tcase_create("pitch");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_weight_and_draw);
    tcase_add_test(tc, test_footfall_within_radius);
    tcase_add_test(tc, test_sites_of_lab_map);
    tcase_add_test(tc, test_queues_keep_doors_and_gaps_clear);
    tcase_add_test(tc, test_prefers_high_footfall);
    tcase_add_test(tc, test_carts_keep_their_spacing);
    tcase_add_test(tc, test_pitch_beside_the_stream);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
