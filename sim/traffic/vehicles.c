// SPDX-License-Identifier: MIT
// Vehicle storage (vehicles.h). Ordering: append at the end, remove by swapping the last
// vehicle in; the hash walks indices in order.
#include "traffic/vehicles.h"

#include <stdlib.h>
#include <string.h>

// Every array with its element size, so growing, swapping and freeing loop over one table.
#define VEHICLE_FIELDS(X) \
    X(id) X(cls) X(state) X(purpose) X(dwell_kind) X(lane) X(s) X(v) X(acc) X(vfac) X(stop_s) X(dwell) \
    X(wait) X(lc_timer) X(dest) X(next_arc) X(place) X(aux) X(t_start) X(t_arc)

void gops_vehicles_init(gops_vehicles_t *v)
{
    memset(v, 0, sizeof *v);
    v->next_id = 1;
}

void gops_vehicles_free(gops_vehicles_t *v)
{
#define FREE_FIELD(f) free(v->f);
    VEHICLE_FIELDS(FREE_FIELD)
#undef FREE_FIELD
    gops_vehicles_init(v);
}

static bool grow(gops_vehicles_t *v)
{
    uint32_t cap = v->capacity ? v->capacity * 2 : 256;
    bool ok = true;
#define GROW_FIELD(f)                                              \
    {                                                              \
        void *p = realloc(v->f, (size_t)cap * sizeof *v->f);       \
        if (p) v->f = p;                                           \
        else ok = false;                                           \
    }
    VEHICLE_FIELDS(GROW_FIELD)
#undef GROW_FIELD
    if (ok) v->capacity = cap;
    return ok;
}

uint32_t gops_vehicles_add(gops_vehicles_t *v)
{
    if (v->count == v->capacity && !grow(v)) return UINT32_MAX;
    uint32_t i = v->count++;
#define ZERO_FIELD(f) memset(&v->f[i], 0, sizeof v->f[i]);
    VEHICLE_FIELDS(ZERO_FIELD)
#undef ZERO_FIELD
    v->id[i] = v->next_id++;
    return i;
}

void gops_vehicles_remove(gops_vehicles_t *v, uint32_t i)
{
    uint32_t last = --v->count;
    if (i == last) return;
#define MOVE_FIELD(f) v->f[i] = v->f[last];
    VEHICLE_FIELDS(MOVE_FIELD)
#undef MOVE_FIELD
}

uint32_t gops_vehicles_find(const gops_vehicles_t *v, uint32_t id)
{
    for (uint32_t i = 0; i < v->count; i++)
        if (v->id[i] == id) return i;
    return UINT32_MAX;
}

void gops_vehicles_hash(const gops_vehicles_t *v, gops_hash_t *h)
{
    gops_hash_u64(h, v->count);
    gops_hash_u64(h, v->next_id);
    if (v->count == 0) return;
#define HASH_FIELD(f) gops_hash_bytes(h, v->f, (size_t)v->count * sizeof *v->f);
    VEHICLE_FIELDS(HASH_FIELD)
#undef HASH_FIELD
}
