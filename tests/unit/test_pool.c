// SPDX-License-Identifier: MIT
// Check suite for core/pool: id layout, release and stale-id detection, LIFO reuse order,
// growth past 100k ids, and the assertion on indexing a stale id.
#include "fixture.h"

#include "core/pool.h"

#include <signal.h>
#include <stdlib.h>

// Plain check for hot loops: Check's ck_assert records a location on every pass, which is
// slow over millions of iterations.
#define REQUIRE(expr, ...)                                                                 \
    do {                                                                                   \
        if (!(expr)) ck_abort_msg(__VA_ARGS__);                                            \
    } while (0)

static gops_pool_t pool;

static void setup(void) { gops_pool_init(&pool); }
static void teardown(void) { gops_pool_free(&pool); }

START_TEST(first_ids)
{
    ck_assert_uint_eq(pool.live, 0);
    gops_id_t a = gops_pool_alloc(&pool), b = gops_pool_alloc(&pool);
    ck_assert_uint_eq(a.index1, 1);
    ck_assert_uint_eq(a.generation, 1);
    ck_assert_uint_eq(b.index1, 2);
    ck_assert_uint_eq(b.generation, 1);
    ck_assert(gops_pool_valid(&pool, a));
    ck_assert(gops_pool_valid(&pool, b));
    ck_assert_uint_eq(gops_pool_index(&pool, a), 0);
    ck_assert_uint_eq(gops_pool_index(&pool, b), 1);
    ck_assert(gops_id_equal(gops_pool_id_at(&pool, 1), b));
    ck_assert_uint_eq(pool.live, 2);
    ck_assert_uint_eq(pool.used, 2);
}
END_TEST

START_TEST(release_and_stale)
{
    gops_id_t a = gops_pool_alloc(&pool), b = gops_pool_alloc(&pool);
    ck_assert(gops_pool_release(&pool, a));
    ck_assert(!gops_pool_valid(&pool, a));
    ck_assert_uint_eq(pool.live, 1);
    ck_assert(!gops_pool_release(&pool, a)); // double release
    ck_assert(!gops_pool_release(&pool, GOPS_NULL_ID));
    ck_assert(!gops_pool_valid(&pool, GOPS_NULL_ID));
    ck_assert(!gops_pool_release(&pool, (gops_id_t){99, 1})); // never handed out
    ck_assert(!gops_pool_release(&pool, (gops_id_t){2, 2}));  // wrong generation
    ck_assert_uint_eq(pool.live, 1);
    ck_assert(gops_pool_valid(&pool, b));
    // Reuse: same slot, new generation; the old id stays stale.
    gops_id_t c = gops_pool_alloc(&pool);
    ck_assert_uint_eq(c.index1, 1);
    ck_assert_uint_eq(c.generation, 3);
    ck_assert(gops_pool_valid(&pool, c));
    ck_assert(!gops_pool_valid(&pool, a));
    ck_assert(!gops_pool_release(&pool, a));
    ck_assert(gops_pool_valid(&pool, c)); // the stale release changed nothing
    ck_assert_uint_eq(pool.live, 2);
    ck_assert_uint_eq(pool.used, 2);
}
END_TEST

START_TEST(lifo_reuse)
{
    gops_id_t ids[5];
    for (int i = 0; i < 5; i++) ids[i] = gops_pool_alloc(&pool);
    ck_assert(gops_pool_release(&pool, ids[1]));
    ck_assert(gops_pool_release(&pool, ids[3]));
    ck_assert(gops_pool_release(&pool, ids[4]));
    ck_assert_uint_eq(gops_pool_alloc(&pool).index1, 5);
    ck_assert_uint_eq(gops_pool_alloc(&pool).index1, 4);
    ck_assert_uint_eq(gops_pool_alloc(&pool).index1, 2);
    ck_assert_uint_eq(gops_pool_alloc(&pool).index1, 6); // free list empty: a new slot
    ck_assert_uint_eq(pool.live, 6);
}
END_TEST

START_TEST(growth_past_100k)
{
    enum { N = 150000 };
    gops_id_t *ids = malloc(N * sizeof *ids);
    ck_assert_ptr_nonnull(ids);
    for (uint32_t i = 0; i < N; i++) {
        ids[i] = gops_pool_alloc(&pool);
        REQUIRE(ids[i].index1 == i + 1 && ids[i].generation == 1, "id %u", i);
    }
    ck_assert_uint_ge(pool.capacity, N);
    ck_assert_uint_eq(pool.live, N);
    for (uint32_t i = 0; i < N; i++) REQUIRE(gops_pool_valid(&pool, ids[i]), "id %u invalid", i);
    for (uint32_t i = 0; i < N; i += 2)
        REQUIRE(gops_pool_release(&pool, ids[i]), "release %u", i);
    ck_assert_uint_eq(pool.live, N / 2);
    for (uint32_t i = 0; i < N; i++)
        REQUIRE(gops_pool_valid(&pool, ids[i]) == (i % 2 == 1), "id %u validity", i);
    // Reallocation hands the even slots back, most recently freed first.
    for (uint32_t k = 0; k < N / 2; k++) {
        gops_id_t id = gops_pool_alloc(&pool);
        REQUIRE(id.index1 - 1 == N - 2 - 2 * k && id.generation == 3, "realloc %u got slot %u",
                k, id.index1 - 1);
    }
    ck_assert_uint_eq(pool.used, N);
    ck_assert_uint_eq(pool.live, N);
    free(ids);
}
END_TEST

START_TEST(index_of_stale_id_asserts)
{
    gops_id_t a = gops_pool_alloc(&pool);
    gops_pool_release(&pool, a);
    (void)gops_pool_index(&pool, a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pool");
    TCase *tc = tcase_create("pool");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, first_ids);
    tcase_add_test(tc, release_and_stale);
    tcase_add_test(tc, lifo_reuse);
    tcase_add_test(tc, growth_past_100k);
    tcase_add_test_raise_signal(tc, index_of_stale_id_asserts, SIGABRT);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
