// SPDX-License-Identifier: MIT
// Incremental 64-bit hashing for the world state hash: values are fed in a canonical
// order by their exact bit patterns (floats by bits, -0.0 normalised to 0.0, NaN canonical).
#ifndef GOPS_CORE_HASH_H
#define GOPS_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct gops_hash {
    uint64_t h;
} gops_hash_t;

void gops_hash_init(gops_hash_t *hash);
void gops_hash_bytes(gops_hash_t *hash, const void *data, size_t size);
void gops_hash_u64(gops_hash_t *hash, uint64_t value);
void gops_hash_i64(gops_hash_t *hash, int64_t value);
void gops_hash_f64(gops_hash_t *hash, double value);
void gops_hash_f32_array(gops_hash_t *hash, const float *values, size_t count);
/// Final mixed value (the hash can keep being fed afterwards).
uint64_t gops_hash_final(const gops_hash_t *hash);

#endif
