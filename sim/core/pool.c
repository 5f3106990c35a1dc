// SPDX-License-Identifier: MIT
// Generational id pool: slot bookkeeping only (generations and the free stack). Freed
// slots are reused last-in first-out, so the ids handed out depend only on the sequence
// of alloc/release calls. Per-slot data lives with the caller, indexed by slot.
#include "core/pool.h"

#include "core/assert.h"

#include <stdlib.h>

#define POOL_MIN_CAPACITY 64u

void gops_pool_init(gops_pool_t *pool)
{
    *pool = (gops_pool_t){0};
}

void gops_pool_free(gops_pool_t *pool)
{
    free(pool->generation);
    free(pool->free_list);
    *pool = (gops_pool_t){0};
}

// Doubles capacity; on failure the pool is unchanged.
static bool grow(gops_pool_t *pool)
{
    uint32_t old = pool->capacity;
    if (old >= UINT32_MAX / 2) return false; // index1 = slot + 1 must fit in 32 bits
    uint32_t cap = old ? old * 2 : POOL_MIN_CAPACITY;
    uint32_t *gen = realloc(pool->generation, (size_t)cap * sizeof *gen);
    if (!gen) return false;
    pool->generation = gen;
    uint32_t *list = realloc(pool->free_list, (size_t)cap * sizeof *list);
    if (!list) return false; // generation keeps its larger block; capacity stays old
    pool->free_list = list;
    pool->capacity = cap;
    return true;
}

gops_id_t gops_pool_alloc(gops_pool_t *pool)
{
    uint32_t slot;
    if (pool->free_count > 0) {
        slot = pool->free_list[--pool->free_count];
        pool->generation[slot]++; // even (free) -> odd (live)
    } else {
        if (pool->used == pool->capacity && !grow(pool)) return GOPS_NULL_ID;
        slot = pool->used++;
        pool->generation[slot] = 1;
    }
    pool->live++;
    return (gops_id_t){slot + 1, pool->generation[slot]};
}

bool gops_pool_valid(const gops_pool_t *pool, gops_id_t id)
{
    if (id.index1 == 0 || id.index1 > pool->used) return false;
    uint32_t gen = pool->generation[id.index1 - 1];
    return (gen & 1u) && gen == id.generation;
}

bool gops_pool_release(gops_pool_t *pool, gops_id_t id)
{
    if (!gops_pool_valid(pool, id)) return false;
    uint32_t slot = id.index1 - 1;
    pool->generation[slot]++; // odd (live) -> even (free); stale copies no longer match
    pool->free_list[pool->free_count++] = slot;
    pool->live--;
    return true;
}

uint32_t gops_pool_index(const gops_pool_t *pool, gops_id_t id)
{
    GOPS_ASSERT(gops_pool_valid(pool, id));
    return id.index1 - 1;
}

gops_id_t gops_pool_id_at(const gops_pool_t *pool, uint32_t index)
{
    GOPS_ASSERT(index < pool->used && (pool->generation[index] & 1u));
    return (gops_id_t){index + 1, pool->generation[index]};
}
