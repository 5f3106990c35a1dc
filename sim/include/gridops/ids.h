// SPDX-License-Identifier: MIT
// Generational ids: objects inside the world are passed by value as ids; zero is null and
// a stale id (its slot reused) is detected by its generation, never dereferenced.
#ifndef GRIDOPS_IDS_H
#define GRIDOPS_IDS_H

#include <stdbool.h>
#include <stdint.h>

/// index1 is the slot index plus one (0 = null); generation counts slot reuse.
typedef struct gops_id {
    uint32_t index1;
    uint32_t generation;
} gops_id_t;

#define GOPS_NULL_ID ((gops_id_t){0, 0})

static inline bool gops_id_is_null(gops_id_t id) { return id.index1 == 0; }
static inline bool gops_id_equal(gops_id_t a, gops_id_t b)
{
    return a.index1 == b.index1 && a.generation == b.generation;
}

#endif
