// SPDX-License-Identifier: MIT
// Data-parallel loops over fixed chunks. Ordering: the chunk layout depends on n only, and
// chunk c always covers the same indices, so callers that keep one partial per chunk and
// merge partials in chunk order get identical results on any thread count. This file does
// no reductions itself and never decides anything by which thread ran first.
#include "core/parallel.h"

#ifdef GOPS_HAVE_OPENMP
#include <omp.h>
#endif

#define CHUNK_ITEMS 4096u // large enough to amortise scheduling, small enough to balance

uint32_t gops_parallel_chunks(uint32_t n)
{
    if (n == 0) return 0;
    uint32_t chunks = n / CHUNK_ITEMS + (n % CHUNK_ITEMS != 0);
    return chunks < GOPS_PARALLEL_MAX_CHUNKS ? chunks : GOPS_PARALLEL_MAX_CHUNKS;
}

static void run_chunk(uint32_t n, uint32_t chunks, uint32_t c, gops_range_fn *fn, void *user)
{
    uint32_t begin = (uint32_t)((uint64_t)n * c / chunks);
    uint32_t end = (uint32_t)((uint64_t)n * (c + 1) / chunks);
    fn(begin, end, c, user);
}

void gops_parallel_for(uint32_t n, int threads, gops_range_fn *fn, void *user)
{
    uint32_t chunks = gops_parallel_chunks(n);
#ifdef GOPS_HAVE_OPENMP
    if (threads > 1 && chunks > 1) {
        int count = (int)chunks;
        // Chunks go to whichever thread is free (on a shared machine a thread may be held
        // up); which thread runs a chunk never shows in the results.
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (int c = 0; c < count; c++) run_chunk(n, chunks, (uint32_t)c, fn, user);
        return;
    }
#else
    (void)threads;
#endif
    for (uint32_t c = 0; c < chunks; c++) run_chunk(n, chunks, c, fn, user);
}

void gops_parallel_each(uint32_t n, int threads, gops_range_fn *fn, void *user)
{
#ifdef GOPS_HAVE_OPENMP
    if (threads > 1 && n > 1) {
        int count = (int)n;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (int i = 0; i < count; i++) fn((uint32_t)i, (uint32_t)i + 1, (uint32_t)i, user);
        return;
    }
#else
    (void)threads;
#endif
    for (uint32_t i = 0; i < n; i++) fn(i, i + 1, i, user);
}

int gops_parallel_max_threads(void)
{
#ifdef GOPS_HAVE_OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}
