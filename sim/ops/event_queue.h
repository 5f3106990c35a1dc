// SPDX-License-Identifier: MIT
// The operations model's agenda: a binary min-heap of timed events (continuous time, s)
// so that arrivals, completions and timers happen at their exact times inside a world tick.
// Owns ordering only; what an event means is ops.c's business.
// Ordering: by time, then by insertion sequence (FIFO for equal times): deterministic.
#ifndef GOPS_OPS_EVENT_QUEUE_H
#define GOPS_OPS_EVENT_QUEUE_H

#include "core/hash.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct gops_agenda_item {
    double time;    ///< s since the world's start
    uint64_t seq;   ///< insertion number (tie-break)
    uint32_t kind;  ///< event kind (ops.c)
    uint32_t ref;   ///< incident or team index
    uint32_t epoch; ///< the referenced object's epoch when scheduled (stale events are skipped)
    uint32_t arg;   ///< kind-specific
} gops_agenda_item_t;

typedef struct gops_agenda {
    gops_agenda_item_t *items;
    uint32_t count, capacity;
    uint64_t next_seq;
} gops_agenda_t;

void gops_agenda_init(gops_agenda_t *agenda);
void gops_agenda_free(gops_agenda_t *agenda);
/// Adds an event; returns false when out of memory.
bool gops_agenda_push(gops_agenda_t *agenda, double time, uint32_t kind, uint32_t ref, uint32_t epoch, uint32_t arg);
/// True when the earliest event is before `time` (s); copies it to *out without removing.
bool gops_agenda_peek_before(const gops_agenda_t *agenda, double time, gops_agenda_item_t *out);
/// Removes the earliest event into *out; false when empty.
bool gops_agenda_pop(gops_agenda_t *agenda, gops_agenda_item_t *out);
/// Feeds the pending events into a hash in (time, seq) order without changing the heap.
void gops_agenda_hash(const gops_agenda_t *agenda, gops_hash_t *hash);

#endif
