// SPDX-License-Identifier: MIT
// Pedestrian storage: one growable array per attribute (structure of arrays), grown by
// doubling, never one allocation per pedestrian. Does not move, route or spawn anyone.
// Ordering: index order is canonical; removal moves the last pedestrian into the hole, and
// the hash feeds each attribute array in index order.
#include "crowd/pedestrians.h"

#include "core/assert.h"

#include <stdlib.h>

#define INITIAL_CAPACITY 64u

void gops_pedestrians_init(gops_pedestrians_t *p)
{
    *p = (gops_pedestrians_t){0};
    p->next_id = 1; // id 0 stays "no pedestrian", as for every id in the world
}

void gops_pedestrians_free(gops_pedestrians_t *p)
{
    free(p->x), free(p->y), free(p->vx), free(p->vy), free(p->ex), free(p->ey);
    free(p->v0), free(p->radius), free(p->id), free(p->visitor), free(p->dest);
    free(p->group), free(p->wait), free(p->oncoming), free(p->look_in), free(p->queueing);
    *p = (gops_pedestrians_t){0};
}

// Grows one array to `capacity` elements of `size` bytes. On failure the old array stays
// valid (and possibly already larger than others: harmless, capacity is the minimum).
static bool grow_array(void **array, uint32_t capacity, size_t size)
{
    void *bigger = realloc(*array, (size_t)capacity * size);
    if (!bigger) return false;
    *array = bigger;
    return true;
}

static bool reserve(gops_pedestrians_t *p, uint32_t need)
{
    if (need <= p->capacity) return true;
    uint32_t cap = p->capacity ? p->capacity : INITIAL_CAPACITY;
    while (cap < need) {
        if (cap > UINT32_MAX / 2) return false;
        cap *= 2;
    }
    bool ok = grow_array((void **)&p->x, cap, sizeof *p->x) && grow_array((void **)&p->y, cap, sizeof *p->y) &&
              grow_array((void **)&p->vx, cap, sizeof *p->vx) && grow_array((void **)&p->vy, cap, sizeof *p->vy) &&
              grow_array((void **)&p->ex, cap, sizeof *p->ex) && grow_array((void **)&p->ey, cap, sizeof *p->ey) &&
              grow_array((void **)&p->v0, cap, sizeof *p->v0) &&
              grow_array((void **)&p->radius, cap, sizeof *p->radius) &&
              grow_array((void **)&p->id, cap, sizeof *p->id) &&
              grow_array((void **)&p->visitor, cap, sizeof *p->visitor) &&
              grow_array((void **)&p->dest, cap, sizeof *p->dest) &&
              grow_array((void **)&p->group, cap, sizeof *p->group) &&
              grow_array((void **)&p->wait, cap, sizeof *p->wait) &&
              grow_array((void **)&p->oncoming, cap, sizeof *p->oncoming) &&
              grow_array((void **)&p->look_in, cap, sizeof *p->look_in) &&
              grow_array((void **)&p->queueing, cap, sizeof *p->queueing);
    if (!ok) return false;
    p->capacity = cap;
    return true;
}

uint32_t gops_pedestrians_add(gops_pedestrians_t *p, float x, float y, float v0, float radius, uint8_t group)
{
    GOPS_ASSERT(group < GOPS_SPEED_GROUP_COUNT);
    if (p->count == UINT32_MAX - 1 || !reserve(p, p->count + 1)) return UINT32_MAX;
    uint32_t i = p->count++;
    p->x[i] = x;
    p->y[i] = y;
    p->vx[i] = p->vy[i] = 0;
    p->ex[i] = p->ey[i] = 0;
    p->v0[i] = v0;
    p->radius[i] = radius;
    p->id[i] = p->next_id++;
    p->visitor[i] = UINT32_MAX;
    p->dest[i] = GOPS_NO_DEST;
    p->group[i] = group;
    p->wait[i] = 0;
    p->oncoming[i] = 0;
    p->queueing[i] = 0;
    p->look_in[i] = (uint8_t)(p->id[i] % GOPS_LOOK_AHEAD_EVERY); // people spawned together look at different steps
    return i;
}

void gops_pedestrians_remove(gops_pedestrians_t *p, uint32_t i)
{
    GOPS_ASSERT(i < p->count);
    uint32_t last = --p->count;
    if (i == last) return;
    p->x[i] = p->x[last];
    p->y[i] = p->y[last];
    p->vx[i] = p->vx[last];
    p->vy[i] = p->vy[last];
    p->ex[i] = p->ex[last];
    p->ey[i] = p->ey[last];
    p->v0[i] = p->v0[last];
    p->radius[i] = p->radius[last];
    p->id[i] = p->id[last];
    p->visitor[i] = p->visitor[last];
    p->dest[i] = p->dest[last];
    p->group[i] = p->group[last];
    p->wait[i] = p->wait[last];
    p->oncoming[i] = p->oncoming[last];
    p->look_in[i] = p->look_in[last];
    p->queueing[i] = p->queueing[last];
}

static void hash_u32_array(gops_hash_t *hash, const uint32_t *values, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) gops_hash_u64(hash, values[i]);
}

void gops_pedestrians_hash(const gops_pedestrians_t *p, gops_hash_t *hash)
{
    uint32_t n = p->count;
    gops_hash_u64(hash, n);
    gops_hash_u64(hash, p->next_id);
    if (n == 0) return;
    gops_hash_f32_array(hash, p->x, n);
    gops_hash_f32_array(hash, p->y, n);
    gops_hash_f32_array(hash, p->vx, n);
    gops_hash_f32_array(hash, p->vy, n);
    gops_hash_f32_array(hash, p->ex, n);
    gops_hash_f32_array(hash, p->ey, n);
    gops_hash_f32_array(hash, p->v0, n);
    gops_hash_f32_array(hash, p->radius, n);
    gops_hash_f32_array(hash, p->wait, n);
    hash_u32_array(hash, p->id, n);
    hash_u32_array(hash, p->visitor, n);
    for (uint32_t i = 0; i < n; i++)
        gops_hash_u64(hash, ((uint64_t)p->dest[i] << 24) | ((uint64_t)p->group[i] << 16) | ((uint64_t)p->oncoming[i] << 8) |
                                p->look_in[i] | ((uint64_t)p->queueing[i] << 40));
}
