// SPDX-License-Identifier: MIT
// Random numbers: xoshiro256** streams, one per module, seeded from (seed, stream id) by
// splitmix64, so adding a module never shifts another module's numbers. No rand().
#ifndef GOPS_CORE_RNG_H
#define GOPS_CORE_RNG_H

#include <stdint.h>

/// Stream ids are fixed forever: append, never renumber (renumbering changes every result).
typedef enum gops_stream {
    GOPS_STREAM_SCENARIO = 1, ///< math.random in scenarios
    GOPS_STREAM_WORLD = 2,
    GOPS_STREAM_CROWD = 3,
    GOPS_STREAM_TRAFFIC = 4,
    GOPS_STREAM_VENDORS = 5,
    GOPS_STREAM_OPS = 6,
    GOPS_STREAM_SENSING = 7,
    GOPS_STREAM_BENCH = 8,
    GOPS_STREAM_COUNT
} gops_stream_t;

typedef struct gops_rng {
    uint64_t s[4];
} gops_rng_t;

/// Seeds rng as the independent stream `stream` of the run seeded by `seed`.
void gops_rng_seed(gops_rng_t *rng, uint64_t seed, uint32_t stream);
/// Next 64 random bits.
uint64_t gops_rng_next(gops_rng_t *rng);
/// Uniform double in [0, 1) with 53 random bits.
double gops_rng_uniform(gops_rng_t *rng);
/// Uniform integer in [0, n) without modulo bias; n > 0.
uint64_t gops_rng_below(gops_rng_t *rng, uint64_t n);
/// Uniform double in [lo, hi).
double gops_rng_range(gops_rng_t *rng, double lo, double hi);
/// Exponential variate with the given mean (> 0).
double gops_rng_exponential(gops_rng_t *rng, double mean);
/// Standard normal variate (Box-Muller on the stream; uses libm log/sqrt/cos only).
double gops_rng_normal(gops_rng_t *rng);
/// splitmix64 step: a good 64-bit mixer, also used to derive seeds.
uint64_t gops_splitmix64(uint64_t *state);

#endif
