// SPDX-License-Identifier: MIT
// xoshiro256** random streams seeded by splitmix64 from (run seed, stream id), and the
// few distributions the models need. Owns no global state: every stream is a value the
// caller keeps, so one module's draws never shift another's. No rand(), no wall clock.
#include "core/rng.h"

#include "core/assert.h"

#include <math.h>

#define GOLDEN_GAMMA 0x9E3779B97F4A7C15ull

// splitmix64's finaliser: a bijective avalanche mix of one word.
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t gops_splitmix64(uint64_t *state)
{
    *state += GOLDEN_GAMMA;
    return mix64(*state);
}

void gops_rng_seed(gops_rng_t *rng, uint64_t seed, uint32_t stream)
{
    // Mix seed and stream separately before combining, so (seed, stream) pairs that differ
    // in either part start from unrelated splitmix states (a plain seed ^ stream would let
    // seed 1 stream 2 collide with seed 2 stream 1).
    uint64_t state = mix64(seed) ^ mix64(((uint64_t)stream + 1) * GOLDEN_GAMMA);
    for (int i = 0; i < 4; i++) rng->s[i] = gops_splitmix64(&state);
    // Four successive splitmix outputs come from distinct inputs of a bijection, so at most
    // one of them is zero; the all-zero state (a fixed point of xoshiro) cannot occur.
    GOPS_ASSERT((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) != 0);
}

uint64_t gops_rng_next(gops_rng_t *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double gops_rng_uniform(gops_rng_t *rng)
{
    return (double)(gops_rng_next(rng) >> 11) * 0x1.0p-53;
}

uint64_t gops_rng_below(gops_rng_t *rng, uint64_t n)
{
    GOPS_ASSERT(n > 0);
    // Reject the lowest (2^64 mod n) values so the remaining range is a multiple of n.
    uint64_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t r = gops_rng_next(rng);
        if (r >= threshold) return r % n;
    }
}

double gops_rng_range(gops_rng_t *rng, double lo, double hi)
{
    double v = lo + (hi - lo) * gops_rng_uniform(rng);
    // Rounding can land exactly on hi for some (lo, hi); keep the interval half-open.
    return v < hi || !(hi > lo) ? v : nextafter(hi, lo);
}

double gops_rng_exponential(gops_rng_t *rng, double mean)
{
    GOPS_ASSERT(mean > 0);
    // 1 - u lies in (0, 1], so the logarithm is finite.
    return -mean * log(1.0 - gops_rng_uniform(rng));
}

double gops_rng_normal(gops_rng_t *rng)
{
    // Box-Muller without caching the second variate: the stream state alone defines the
    // next draw, which keeps save/restore and per-agent draw counts simple.
    double u1 = 1.0 - gops_rng_uniform(rng); // (0, 1]
    double u2 = gops_rng_uniform(rng);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
