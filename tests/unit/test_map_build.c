// SPDX-License-Identifier: MIT
// Maps built in memory: lab geometry becomes an ordinary map whose walkable raster has the
// hand-computed area; bad rings are refused with the feature named.
#include "fixture.h"

#include "world/map_build.h"
#include "world/walkable.h"

#include <string.h>

START_TEST(test_corridor_with_pillar)
{
    gops_error_t err;
    gops_map_t *m = gops_map_new("corridor");
    ck_assert_int_eq(gops_map_add_rect(m, GOPS_FEAT_PLAZA, "floor", 0, 0, 40, 2, &err), 0);
    ck_assert_int_eq(gops_map_add_rect(m, GOPS_FEAT_BUILDING, "pillar", 10, 0.5, 11, 1.5, &err), 1);
    ck_assert_int_eq(gops_map_add_point(m, GOPS_FEAT_TRANSIT, "exit", 39.5, 1, &err), 2);
    ck_assert_int_eq(gops_map_finish(m, &err), GOPS_OK);
    ck_assert_double_eq(m->min_x, 0);
    ck_assert_double_eq(m->max_x, 40);
    ck_assert_double_eq_tol(m->features[0].at.x, 20, 1e-9);
    ck_assert_double_eq_tol(m->features[0].at.y, 1, 1e-9);
    gops_walkable_def_t def = gops_walkable_def_default();
    def.cell_m = 0.1;
    gops_walkable_t *w = gops_walkable_build(m, &def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    ck_assert_double_eq_tol(gops_walkable_area_m2(w), 80 - 1, 0.05); // 40 × 2 minus the 1 m² pillar
    ck_assert_uint_eq(w->component_count, 1);
    gops_walkable_destroy(w);
    gops_map_destroy(m);
}
END_TEST

START_TEST(test_clockwise_ring_is_normalised)
{
    gops_error_t err;
    gops_map_t *m = gops_map_new("cw");
    const double ring[] = {0, 0, 0, 5, 5, 5, 5, 0}; // clockwise
    const double *rings[] = {ring};
    const uint32_t n[] = {4};
    ck_assert_int_eq(gops_map_add_area(m, GOPS_FEAT_PLAZA, "p", rings, n, 1, &err), 0);
    ck_assert_int_eq(gops_map_finish(m, &err), GOPS_OK);
    const gops_path_t *r = &m->features[0].shape.rings[0];
    double twice_area = 0;
    for (uint32_t i = 0; i < r->count; i++) {
        gops_point_t a = r->pts[i], b = r->pts[(i + 1) % r->count];
        twice_area += a.x * b.y - b.x * a.y;
    }
    ck_assert_double_gt(twice_area, 0); // counter-clockwise after finishing
    gops_map_destroy(m);
}
END_TEST

START_TEST(test_bad_rings)
{
    gops_error_t err;
    gops_map_t *m = gops_map_new("bow");
    const double bow[] = {0, 0, 4, 4, 4, 0, 0, 4}; // edges cross
    const double *rings[] = {bow};
    const uint32_t n[] = {4};
    ck_assert_int_eq(gops_map_add_area(m, GOPS_FEAT_PLAZA, "bowtie", rings, n, 1, &err), 0);
    ck_assert_int_eq(gops_map_finish(m, &err), GOPS_MAP);
    ck_assert_ptr_nonnull(strstr(err.message, "bowtie"));
    ck_assert_ptr_nonnull(strstr(err.message, "cross"));
    gops_map_destroy(m);

    m = gops_map_new("line");
    const double two[] = {0, 0, 1, 1};
    const double *r2[] = {two};
    const uint32_t n2[] = {2};
    ck_assert_int_eq(gops_map_add_area(m, GOPS_FEAT_PLAZA, "thin", r2, n2, 1, &err), 0);
    ck_assert_int_eq(gops_map_finish(m, &err), GOPS_MAP);
    ck_assert_ptr_nonnull(strstr(err.message, "at least 3"));
    gops_map_destroy(m);

    m = gops_map_new("empty");
    ck_assert_int_eq(gops_map_finish(m, &err), GOPS_MAP);
    ck_assert_ptr_nonnull(strstr(err.message, "no features"));
    gops_map_destroy(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("map_build");
    TCase *tc = tcase_create("map_build");
    tcase_add_test(tc, test_corridor_with_pillar);
    tcase_add_test(tc, test_clockwise_ring_is_normalised);
    tcase_add_test(tc, test_bad_rings);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
