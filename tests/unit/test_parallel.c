// SPDX-License-Identifier: MIT
// Check suite for core/parallel: the chunk layout depends on n only, every index is
// visited exactly once, and per-chunk partial sums merged in chunk order give bit-identical
// results on 1, 2 and 4 threads for a sum whose value depends on the order of additions.
#include "fixture.h"

#include "core/parallel.h"
#include "core/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHUNKS 256

START_TEST(chunk_counts)
{
    ck_assert_uint_eq(gops_parallel_chunks(0), 0);
    ck_assert_uint_eq(gops_parallel_chunks(1), 1);
    ck_assert_uint_eq(gops_parallel_chunks(4096), 1);
    ck_assert_uint_eq(gops_parallel_chunks(4097), 2);
    ck_assert_uint_eq(gops_parallel_chunks(100000), 25);
    ck_assert_uint_eq(gops_parallel_chunks(4096u * 256u), 256);
    ck_assert_uint_eq(gops_parallel_chunks(4096u * 256u + 1), 256);
    ck_assert_uint_eq(gops_parallel_chunks(UINT32_MAX), 256);
    ck_assert_int_ge(gops_parallel_max_threads(), 1);
}
END_TEST

typedef struct visits {
    unsigned char *count;
    uint32_t begin[MAX_CHUNKS], end[MAX_CHUNKS];
    unsigned char chunk_seen[MAX_CHUNKS];
} visits_t;

static void mark(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    visits_t *v = user;
    v->begin[chunk] = begin;
    v->end[chunk] = end;
    v->chunk_seen[chunk]++;
    for (uint32_t i = begin; i < end; i++) v->count[i]++;
}

START_TEST(every_index_once)
{
    static const uint32_t sizes[] = {0, 1, 4095, 4097, 100003, 2000000};
    static const int threads[] = {1, 2, 3, 4, 8};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint32_t n = sizes[s], chunks = gops_parallel_chunks(n);
        for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
            visits_t *v = calloc(1, sizeof *v);
            v->count = calloc(n + 1, 1);
            gops_parallel_for(n, threads[t], mark, v);
            for (uint32_t i = 0; i < n; i++)
                if (v->count[i] != 1) ck_abort_msg("n %u threads %d: index %u visited %d times",
                                                   n, threads[t], i, v->count[i]);
            // Contiguous chunks in order, each run once, of near-equal size.
            uint32_t next = 0;
            for (uint32_t c = 0; c < chunks; c++) {
                ck_assert_uint_eq(v->chunk_seen[c], 1);
                ck_assert_uint_eq(v->begin[c], next);
                ck_assert_uint_le(v->end[c] - v->begin[c], n / chunks + 1);
                ck_assert_uint_ge(v->end[c] - v->begin[c], n / chunks);
                next = v->end[c];
            }
            ck_assert_uint_eq(next, n);
            for (uint32_t c = chunks; c < MAX_CHUNKS; c++) ck_assert_uint_eq(v->chunk_seen[c], 0);
            free(v->count);
            free(v);
        }
    }
}
END_TEST

typedef struct each_visits {
    uint32_t n;
    int bad;          ///< calls whose range was not [i, i + 1) with item i
    uint8_t seen[300];
} each_visits_t;

static void mark_item(uint32_t begin, uint32_t end, uint32_t item, void *user)
{
    each_visits_t *v = user;
    if (end != begin + 1 || item != begin || item >= v->n) {
#pragma omp atomic
        v->bad++;
        return;
    }
    v->seen[item]++; // one call per item: no other thread writes this byte
}

// One call per item, [i, i + 1) with the item number, on any thread count: 49 destination
// fields are one chunk of gops_parallel_for, so they would run on one thread.
START_TEST(each_item_once)
{
    static const uint32_t sizes[] = {0, 1, 2, 49, 300};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int threads = 1; threads <= 3; threads++) {
            each_visits_t v = {.n = sizes[s]};
            gops_parallel_each(v.n, threads, mark_item, &v);
            ck_assert_int_eq(v.bad, 0);
            for (uint32_t i = 0; i < v.n; i++)
                ck_assert_msg(v.seen[i] == 1, "n %u threads %d: item %u run %d times", v.n, threads, i, v.seen[i]);
        }
}
END_TEST

typedef struct sum_job {
    const double *x;
    double partial[MAX_CHUNKS];
} sum_job_t;

static void sum_chunk(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    sum_job_t *job = user;
    double s = 0;
    for (uint32_t i = begin; i < end; i++) s += job->x[i];
    job->partial[chunk] = s;
}

static double parallel_sum(const double *x, uint32_t n, int threads)
{
    sum_job_t *job = calloc(1, sizeof *job);
    job->x = x;
    gops_parallel_for(n, threads, sum_chunk, job);
    double total = 0;
    for (uint32_t c = 0; c < gops_parallel_chunks(n); c++) total += job->partial[c];
    free(job);
    return total;
}

START_TEST(merged_partials_are_bit_identical)
{
    // Values spanning 30 orders of magnitude with mixed signs: float addition order
    // changes this sum, so any thread-dependent merge would show.
    enum { N = 300007 };
    double *x = malloc(N * sizeof *x);
    gops_rng_t rng;
    gops_rng_seed(&rng, 42, GOPS_STREAM_BENCH);
    for (uint32_t i = 0; i < N; i++)
        x[i] = (gops_rng_uniform(&rng) - 0.5) * pow(10.0, (double)gops_rng_below(&rng, 31) - 15);
    double forward = 0, backward = 0;
    for (uint32_t i = 0; i < N; i++) forward += x[i];
    for (uint32_t i = N; i-- > 0;) backward += x[i];
    ck_assert_msg(forward != backward, "workload is not order-sensitive");

    double one = parallel_sum(x, N, 1);
    ck_assert(isfinite(one));
    static const int threads[] = {2, 4, 3, 8};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        for (int rep = 0; rep < 5; rep++) {
            double many = parallel_sum(x, N, threads[t]);
            ck_assert_msg(memcmp(&one, &many, sizeof one) == 0, "threads %d: %a vs %a",
                          threads[t], many, one);
        }
    }
    free(x);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parallel");
    TCase *tc = tcase_create("parallel");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, chunk_counts);
    tcase_add_test(tc, every_index_once);
    tcase_add_test(tc, each_item_once);
    tcase_add_test(tc, merged_partials_are_bit_identical);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
