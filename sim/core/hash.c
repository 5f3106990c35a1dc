// SPDX-License-Identifier: MIT
// Incremental 64-bit state hash: FNV-1a over bytes with splitmix64's finaliser on output.
// Numbers are fed as little-endian bytes of their exact bit patterns, so the hash is the
// same on any host; floats are canonicalised (-0 -> +0, one NaN) first. Not cryptographic.
#include "core/hash.h"

#include <math.h>
#include <string.h>

#define FNV_OFFSET 0xCBF29CE484222325ull
#define FNV_PRIME 0x100000001B3ull

void gops_hash_init(gops_hash_t *hash)
{
    hash->h = FNV_OFFSET;
}

void gops_hash_bytes(gops_hash_t *hash, const void *data, size_t size)
{
    const unsigned char *p = data;
    uint64_t h = hash->h;
    for (size_t i = 0; i < size; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    hash->h = h;
}

static void feed_le(gops_hash_t *hash, uint64_t value, int bytes)
{
    unsigned char b[8];
    for (int i = 0; i < bytes; i++) b[i] = (unsigned char)(value >> (8 * i));
    gops_hash_bytes(hash, b, (size_t)bytes);
}

void gops_hash_u64(gops_hash_t *hash, uint64_t value) { feed_le(hash, value, 8); }

void gops_hash_i64(gops_hash_t *hash, int64_t value) { feed_le(hash, (uint64_t)value, 8); }

void gops_hash_f64(gops_hash_t *hash, double value)
{
    uint64_t bits;
    if (isnan(value)) {
        bits = 0x7FF8000000000000ull; // every NaN hashes alike, whatever its payload or sign
    } else {
        if (value == 0.0) value = 0.0; // -0.0 compares equal to 0.0 and hashes like it
        memcpy(&bits, &value, sizeof bits);
    }
    feed_le(hash, bits, 8);
}

void gops_hash_f32_array(gops_hash_t *hash, const float *values, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        float v = values[i];
        uint32_t bits;
        if (isnan(v)) {
            bits = 0x7FC00000u;
        } else {
            if (v == 0.0f) v = 0.0f;
            memcpy(&bits, &v, sizeof bits);
        }
        feed_le(hash, bits, 4);
    }
}

uint64_t gops_hash_final(const gops_hash_t *hash)
{
    uint64_t z = hash->h;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
