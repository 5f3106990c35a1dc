// SPDX-License-Identifier: MIT
// Foot travel suite: the field model (the default of scenario runs) walks around corners and walls where the
// straight-line stand-in cuts across (an L-shaped lab walkway against its hand-measured
// length), keeps a passage narrower than its 2 m squares open, caches one field per
// destination (least recently used out), falls back to the stand-in off the walkable area,
// covers the right share of a corridor, and its fast snap agrees with gops_walkable_snap.
#include "fixture.h"
#include "ops/travel.h"
#include "world/map_build.h"

#include <math.h>
#include <stdio.h>

static gops_district_t district;

// An L: a corridor 100 m × 4 m along x, then 100 m × 4 m up along x = 96..100, and a
// separate 1.5 m wide, 40 m long passage linking a room to the corridor's far side.
static void build(double cell)
{
    gops_error_t err;
    gops_map_t *m = gops_map_new("lab:L");
    ck_assert_int_ge(gops_map_add_rect(m, GOPS_FEAT_PLAZA, "leg_x", 0, 0, 100, 4, &err), 0);
    ck_assert_int_ge(gops_map_add_rect(m, GOPS_FEAT_PLAZA, "leg_y", 96, 0, 100, 100, &err), 0);
    ck_assert_int_ge(gops_map_add_rect(m, GOPS_FEAT_PLAZA, "passage", 10, 4, 11.5, 44, &err), 0);
    ck_assert_int_ge(gops_map_add_rect(m, GOPS_FEAT_PLAZA, "room", 0, 44, 30, 60, &err), 0);
    ck_assert_int_eq(gops_map_finish(m, &err), GOPS_OK);
    ck_assert_int_eq(gops_district_build(&district, m, cell, &err), GOPS_OK);
}

static void teardown(void)
{
    gops_district_free(&district);
}

static gops_travel_params_t field_params(void)
{
    gops_travel_params_t p = gops_travel_params_default();
    p.foot = GOPS_FOOT_FIELD;
    return p;
}

static gops_travel_t travel_with(gops_travel_params_t p)
{
    gops_travel_t tr;
    gops_error_t err;
    ck_assert_int_eq(gops_travel_init(&tr, &p, &district, &err), GOPS_OK);
    return tr;
}

START_TEST(defaults)
{
    // The C default is the stand-in (scenario runs choose the field, scenario_def.c).
    gops_travel_params_t p = gops_travel_params_default();
    ck_assert_int_eq(p.foot, GOPS_FOOT_STRAIGHT);
    ck_assert_double_eq(p.field_cell_m, 2.0);
    ck_assert_uint_eq(p.field_cache, 64);
    p.field_cell_m = 25;
    gops_travel_t tr;
    gops_error_t err;
    ck_assert_int_eq(gops_travel_init(&tr, &p, NULL, &err), GOPS_BAD_VALUE);
    ck_assert_str_eq(err.message, "ops travel: field_cell_m 25 is out of range: expected 0 to 20 m");
}
END_TEST

START_TEST(walks_round_the_corner)
{
    build(0.5);
    gops_travel_t tr = travel_with(field_params());
    gops_point_t a = {2, 2}, b = {98, 98};
    // Along the corridors: 96 m along x, 96 m up, less the corner cut inside the 4 m legs
    // (at most 2 × 4 − 4·√2 ≈ 2.3 m); the squares add about one square per end.
    double t = gops_travel_time(&tr, GOPS_TRAVEL_FOOT, a, b, 0);
    double walked = t * 1.4;
    double straight = hypot(96, 96) * 1.3;
    printf("L walkway: field %.1f m, straight-line stand-in %.1f m\n", walked, straight);
    ck_assert_double_ge(walked, 192 - 2.4 - 3);
    ck_assert_double_le(walked, 192 + 3);
    ck_assert_double_gt(walked, straight + 10);
    // Symmetric enough: the way back within a square.
    ck_assert_double_le(fabs(gops_travel_time(&tr, GOPS_TRAVEL_FOOT, b, a, 0) - t) * 1.4, 2.0);
    // The narrow passage (1.5 m, under a 2 m square) stays open: the room is reached through
    // it (10.75 → 55 m: up the passage 40 m plus the corridor and room ends, about 52 m),
    // not around (there is no way around).
    double room = gops_travel_time(&tr, GOPS_TRAVEL_FOOT, (gops_point_t){10.75, 2}, (gops_point_t){10.75, 52}, 0) * 1.4;
    ck_assert_double_ge(room, 48);
    ck_assert_double_le(room, 54);
    gops_travel_free(&tr);
}
END_TEST

START_TEST(same_on_the_raster_itself)
{
    build(0.5);
    gops_travel_params_t p = field_params();
    p.field_cell_m = 0; // the 0.5 m raster itself
    gops_travel_t fine = travel_with(p);
    gops_travel_t coarse = travel_with(field_params());
    ck_assert_ptr_eq(gops_travel_field_raster(&fine), district.walk);
    const gops_walkable_t *sq = gops_travel_field_raster(&coarse);
    ck_assert_ptr_ne(sq, district.walk);
    ck_assert_double_eq(sq->cell, 2.0);
    ck_assert_uint_lt(sq->count, district.walk->count / 10); // 16 cells a square, fewer at edges
    gops_point_t pts[] = {{2, 2}, {98, 98}, {50, 2}, {98, 30}, {10.75, 50}, {25, 58}};
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            if (i == j) continue;
            double f = gops_travel_time(&fine, GOPS_TRAVEL_FOOT, pts[i], pts[j], 0) * 1.4;
            double c = gops_travel_time(&coarse, GOPS_TRAVEL_FOOT, pts[i], pts[j], 0) * 1.4;
            ck_assert_msg(fabs(f - c) <= 0.03 * f + 3.0, "%d -> %d: %.2f m on the raster, %.2f m on squares", i, j, f, c);
        }
    gops_travel_free(&fine);
    gops_travel_free(&coarse);
}
END_TEST

START_TEST(cache_and_fallbacks)
{
    build(1.0);
    gops_travel_params_t p = field_params();
    p.field_cache = 2;
    gops_travel_t tr = travel_with(p);
    gops_point_t a = {2, 2}, b = {98, 98}, c = {50, 2}, d = {20, 50};
    gops_travel_time(&tr, GOPS_TRAVEL_FOOT, a, b, 0);
    gops_travel_time(&tr, GOPS_TRAVEL_FOOT, c, b, 0); // same destination: cached
    ck_assert_uint_eq(tr.fields_computed, 1);
    gops_travel_time(&tr, GOPS_TRAVEL_FOOT, a, c, 0);
    gops_travel_time(&tr, GOPS_TRAVEL_FOOT, a, b, 0);
    ck_assert_uint_eq(tr.fields_computed, 2);
    gops_travel_time(&tr, GOPS_TRAVEL_FOOT, a, d, 0); // evicts c (least recently used)
    gops_travel_time(&tr, GOPS_TRAVEL_FOOT, a, b, 0);
    ck_assert_uint_eq(tr.fields_computed, 3);
    gops_travel_time(&tr, GOPS_TRAVEL_FOOT, a, c, 0);
    ck_assert_uint_eq(tr.fields_computed, 4);
    ck_assert_uint_eq(tr.foot_queries, 7);
    // 10 m off the walkable area: snapped, the 10 m walked too.
    double on = gops_travel_time(&tr, GOPS_TRAVEL_FOOT, a, (gops_point_t){50, 2}, 0);
    double off = gops_travel_time(&tr, GOPS_TRAVEL_FOOT, a, (gops_point_t){50, -11.5}, 0);
    ck_assert_double_eq_tol((off - on) * 1.4, 12.0, 1.0); // from y = 1.5 (the nearest centre) to -11.5... 13 m, less the square
    // 40 m off: the straight-line stand-in.
    gops_point_t far = {50, -40};
    ck_assert_double_eq_tol(gops_travel_time(&tr, GOPS_TRAVEL_FOOT, a, far, 0), hypot(48, 42) * 1.3 / 1.4, 1e-9);
    // The stand-in and the zero model on request.
    gops_travel_free(&tr);
    p.foot = GOPS_FOOT_STRAIGHT;
    tr = travel_with(p);
    ck_assert_double_eq_tol(gops_travel_time(&tr, GOPS_TRAVEL_FOOT, a, b, 0), hypot(96, 96) * 1.3 / 1.4, 1e-9);
    ck_assert_uint_eq(tr.fields_computed, 0);
    gops_travel_free(&tr);
}
END_TEST

START_TEST(corridor_coverage)
{
    build(1.0);
    gops_travel_t tr = travel_with(field_params());
    // A walker at the north end of the y leg reaches 70 m of it in 50 s (1.4 m/s): 70 × 4 m²
    // of the 1,304 m² walkable (legs 400 + 384, passage 60, room 480), nothing else.
    gops_point_t src = {98, 99.5};
    double share = gops_travel_coverage(&tr, &src, 1, 50);
    double area = gops_walkable_area_m2(district.walk);
    double expect = 70.0 * 4 / area;
    printf("coverage: %.3f (expected about %.3f of %.0f m²)\n", share, expect, area);
    ck_assert_double_le(fabs(share - expect), 2 * 4 * 2.0 / area + 0.01);
    // Everything within 1,000 s.
    ck_assert_double_eq(gops_travel_coverage(&tr, &src, 1, 1000), 1.0);
    gops_travel_free(&tr);
}
END_TEST

START_TEST(snap_agrees_with_the_raster)
{
    build(0.5);
    const gops_walkable_t *w = district.walk;
    uint32_t checked = 0;
    for (double y = -20; y <= 110; y += 1.37)
        for (double x = -20; x <= 120; x += 1.53) {
            gops_point_t p = {x, y};
            double d1, d2;
            uint32_t a = gops_walkable_snap(w, p, 7.5, &d1);
            uint32_t b = gops_travel_snap(w, p, 7.5, &d2);
            if (a == GOPS_WALKABLE_NONE) {
                ck_assert_uint_eq(b, GOPS_WALKABLE_NONE);
                continue;
            }
            ck_assert_uint_eq(gops_walkable_index(w, b), a);
            ck_assert_double_eq(d1, d2);
            checked++;
        }
    ck_assert_uint_gt(checked, 1000);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ops_travel");
    TCase *tc = tcase_create("foot");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, walks_round_the_corner);
    tcase_add_test(tc, same_on_the_raster_itself);
    tcase_add_test(tc, cache_and_fallbacks);
    tcase_add_test(tc, corridor_coverage);
    tcase_add_test(tc, snap_agrees_with_the_raster);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
