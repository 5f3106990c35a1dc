// SPDX-License-Identifier: MIT
// A pool of generational slots: hands out gops_id_t, recycles freed slots in a
// deterministic (LIFO) order and detects stale ids. Owns ids only; the caller keeps the
// per-slot data in its own structure-of-arrays indexed by gops_pool_index.
#ifndef GOPS_CORE_POOL_H
#define GOPS_CORE_POOL_H

#include "gridops/ids.h"
#include <stdbool.h>
#include <stdint.h>

typedef struct gops_pool {
    uint32_t *generation; ///< per slot; odd = live, even = free
    uint32_t *free_list;  ///< stack of free slot indices
    uint32_t free_count;
    uint32_t capacity;    ///< slots allocated
    uint32_t used;        ///< slots ever handed out (high-water mark)
    uint32_t live;        ///< live ids
} gops_pool_t;

void gops_pool_init(gops_pool_t *pool);
void gops_pool_free(gops_pool_t *pool);
/// A new live id, or GOPS_NULL_ID when memory runs out. Grows capacity as needed.
gops_id_t gops_pool_alloc(gops_pool_t *pool);
/// Frees a live id; returns false (and changes nothing) for null or stale ids.
bool gops_pool_release(gops_pool_t *pool, gops_id_t id);
/// True when id refers to a live slot.
bool gops_pool_valid(const gops_pool_t *pool, gops_id_t id);
/// Slot index of a valid id (assert on invalid).
uint32_t gops_pool_index(const gops_pool_t *pool, gops_id_t id);
/// Current id of a live slot index.
gops_id_t gops_pool_id_at(const gops_pool_t *pool, uint32_t index);

#endif
