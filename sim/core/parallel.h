// SPDX-License-Identifier: MIT
// Data-parallel helper: splits [0, n) into fixed contiguous chunks over threads. Each index
// writes only its own outputs; reductions go through per-chunk partials merged in chunk
// order, so results never depend on the thread count.
#ifndef GOPS_CORE_PARALLEL_H
#define GOPS_CORE_PARALLEL_H

#include <stdint.h>

/// gops_parallel_chunks never exceeds this: per-chunk partials fit in a fixed array.
#define GOPS_PARALLEL_MAX_CHUNKS 256u

/// Body over the half-open range [begin, end); chunk is the chunk number.
typedef void gops_range_fn(uint32_t begin, uint32_t end, uint32_t chunk, void *user);

/// Number of chunks gops_parallel_for uses for n items: fixed by n alone (not by threads),
/// so per-chunk partial results merge identically on any thread count.
uint32_t gops_parallel_chunks(uint32_t n);
/// Runs fn over all chunks of [0, n) on up to `threads` threads (1 = inline).
void gops_parallel_for(uint32_t n, int threads, gops_range_fn *fn, void *user);
/// Runs fn(i, i + 1, i, user) for every i in [0, n) on up to `threads` threads, an item at
/// a time: for a few costly, independent items (a destination's field), which
/// gops_parallel_for would put in one chunk. Each item writes only its own outputs; the
/// third argument is the item, not a chunk of gops_parallel_chunks.
void gops_parallel_each(uint32_t n, int threads, gops_range_fn *fn, void *user);
/// Threads available on this machine (OpenMP's, or 1 without OpenMP).
int gops_parallel_max_threads(void);

#endif
