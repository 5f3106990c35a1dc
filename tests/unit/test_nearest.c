// SPDX-License-Identifier: MIT
// "Did you mean": edit distances and the nearest-name choice used in error messages.
#include "fixture.h"

#include "core/nearest.h"

START_TEST(test_distance)
{
    ck_assert_int_eq(gops_edit_distance("", ""), 0);
    ck_assert_int_eq(gops_edit_distance("seed", "seed"), 0);
    ck_assert_int_eq(gops_edit_distance("sede", "seed"), 1);     // transposition
    ck_assert_int_eq(gops_edit_distance("durration", "duration"), 1);
    ck_assert_int_eq(gops_edit_distance("holday", "holiday"), 1);
    ck_assert_int_eq(gops_edit_distance("kitten", "sitting"), 3);
    ck_assert_int_eq(gops_edit_distance("", "abc"), 3);
}
END_TEST

START_TEST(test_nearest)
{
    static const char *const keys[] = {"description", "duration", "mode", "name", "seed", "start"};
    ck_assert_str_eq(gops_nearest_name("sede", keys, 6), "seed");
    ck_assert_str_eq(gops_nearest_name("mod", keys, 6), "mode");
    ck_assert_str_eq(gops_nearest_name("durration", keys, 6), "duration");
    ck_assert_ptr_null(gops_nearest_name("zzzzzzzzzz", keys, 6)); // nothing close
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nearest");
    TCase *tc = tcase_create("nearest");
    tcase_add_test(tc, test_distance);
    tcase_add_test(tc, test_nearest);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
