// SPDX-License-Identifier: MIT
// Pedestrian storage suite: defaults of a new pedestrian, ids, growth past many doublings
// with every value kept, swap-with-last removal, and the state hash (equal states hash
// alike; any field, the order and the count change it; -0 and +0 hash alike).
#include "fixture.h"

#include "crowd/pedestrians.h"

#include <math.h>
#include <stdlib.h>

static gops_pedestrians_t peds;

static void setup(void)
{
    gops_pedestrians_init(&peds);
}

static void teardown(void)
{
    gops_pedestrians_free(&peds);
}

static uint64_t hash_of(const gops_pedestrians_t *p)
{
    gops_hash_t h;
    gops_hash_init(&h);
    gops_pedestrians_hash(p, &h);
    return gops_hash_final(&h);
}

START_TEST(test_add_defaults)
{
    ck_assert_uint_eq(peds.count, 0);
    uint32_t a = gops_pedestrians_add(&peds, 1.5f, -2.0f, 1.3f, 0.2f, GOPS_SPEED_OVER_50);
    uint32_t b = gops_pedestrians_add(&peds, 3.0f, 4.0f, 0.7f, 0.25f, GOPS_SPEED_IMPAIRED);
    ck_assert_uint_eq(a, 0);
    ck_assert_uint_eq(b, 1);
    ck_assert_uint_eq(peds.count, 2);
    ck_assert_float_eq(peds.x[0], 1.5f);
    ck_assert_float_eq(peds.y[0], -2.0f);
    ck_assert_float_eq(peds.v0[1], 0.7f);
    ck_assert_float_eq(peds.radius[1], 0.25f);
    ck_assert_uint_eq(peds.group[0], GOPS_SPEED_OVER_50);
    ck_assert_uint_eq(peds.group[1], GOPS_SPEED_IMPAIRED);
    // Ids start at 1 (0 is "none") and count up.
    ck_assert_uint_eq(peds.id[0], 1);
    ck_assert_uint_eq(peds.id[1], 2);
    ck_assert_uint_eq(peds.next_id, 3);
    for (uint32_t i = 0; i < 2; i++) {
        ck_assert_float_eq(peds.vx[i], 0);
        ck_assert_float_eq(peds.vy[i], 0);
        ck_assert_float_eq(peds.ex[i], 0);
        ck_assert_float_eq(peds.ey[i], 0);
        ck_assert_float_eq(peds.wait[i], 0);
        ck_assert_uint_eq(peds.visitor[i], UINT32_MAX);
        ck_assert_uint_eq(peds.dest[i], GOPS_NO_DEST);
    }
}
END_TEST

START_TEST(test_growth_keeps_values)
{
    const uint32_t n = 5000; // many doublings past the first allocation
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = gops_pedestrians_add(&peds, (float)i, (float)(2 * i), 1.0f + (float)(i % 7) * 0.1f,
                                          0.2f, (uint8_t)(i % GOPS_SPEED_GROUP_COUNT));
        ck_assert_uint_eq(k, i);
        peds.dest[k] = (uint16_t)(i % 100);
        peds.visitor[k] = i * 3;
    }
    ck_assert_uint_ge(peds.capacity, n);
    for (uint32_t i = 0; i < n; i++) {
        if (peds.x[i] != (float)i || peds.y[i] != (float)(2 * i) || peds.id[i] != i + 1 ||
            peds.dest[i] != i % 100 || peds.visitor[i] != i * 3 || peds.group[i] != i % GOPS_SPEED_GROUP_COUNT)
            ck_abort_msg("pedestrian %u changed while the arrays grew", i);
    }
}
END_TEST

START_TEST(test_remove_swaps_last)
{
    for (int i = 0; i < 4; i++) gops_pedestrians_add(&peds, (float)i, 0, 1, 0.2f, GOPS_SPEED_UNDER_30);
    peds.wait[3] = 7.5f;
    gops_pedestrians_remove(&peds, 1); // 3 moves into 1
    ck_assert_uint_eq(peds.count, 3);
    ck_assert_float_eq(peds.x[0], 0);
    ck_assert_float_eq(peds.x[1], 3);
    ck_assert_uint_eq(peds.id[1], 4);
    ck_assert_float_eq(peds.wait[1], 7.5f);
    ck_assert_float_eq(peds.x[2], 2);
    gops_pedestrians_remove(&peds, 2); // the last: nothing moves
    ck_assert_uint_eq(peds.count, 2);
    ck_assert_uint_eq(peds.id[0], 1);
    ck_assert_uint_eq(peds.id[1], 4);
    // Ids are never reused.
    gops_pedestrians_add(&peds, 9, 9, 1, 0.2f, GOPS_SPEED_UNDER_30);
    ck_assert_uint_eq(peds.id[2], 5);
}
END_TEST

START_TEST(test_hash)
{
    gops_pedestrians_t other;
    gops_pedestrians_init(&other);
    for (int i = 0; i < 3; i++) {
        gops_pedestrians_add(&peds, (float)i, 1, 1.2f, 0.2f, GOPS_SPEED_UNDER_30);
        gops_pedestrians_add(&other, (float)i, 1, 1.2f, 0.2f, GOPS_SPEED_UNDER_30);
    }
    uint64_t base = hash_of(&peds);
    ck_assert_uint_eq(base, hash_of(&other));
    // -0 and +0 are the same state.
    other.vx[1] = -0.0f;
    ck_assert_uint_eq(base, hash_of(&other));
    // One ulp in one position.
    other.x[2] = nextafterf(other.x[2], 10.0f);
    ck_assert_uint_ne(base, hash_of(&other));
    other.x[2] = peds.x[2];
    // Integer fields.
    other.dest[0] = 4;
    ck_assert_uint_ne(base, hash_of(&other));
    other.dest[0] = GOPS_NO_DEST;
    other.group[2] = GOPS_SPEED_IMPAIRED;
    ck_assert_uint_ne(base, hash_of(&other));
    other.group[2] = GOPS_SPEED_UNDER_30;
    ck_assert_uint_eq(base, hash_of(&other));
    // Order matters: swapping two pedestrians is a different state.
    float t = other.x[0];
    other.x[0] = other.x[1], other.x[1] = t;
    uint32_t id = other.id[0];
    other.id[0] = other.id[1], other.id[1] = id;
    ck_assert_uint_ne(base, hash_of(&other));
    // Removing one changes the count.
    gops_pedestrians_remove(&peds, 2);
    ck_assert_uint_ne(base, hash_of(&peds));
    gops_pedestrians_free(&other);
}
END_TEST

static Suite *pedestrians_suite(void)
{
    Suite *s = suite_create("pedestrians");
    TCase *tc = tcase_create("storage");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_add_defaults);
    tcase_add_test(tc, test_growth_keeps_values);
    tcase_add_test(tc, test_remove_swaps_last);
    tcase_add_test(tc, test_hash);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(pedestrians_suite());
}
