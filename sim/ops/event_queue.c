// SPDX-License-Identifier: MIT
// Binary min-heap agenda (see event_queue.h). Ordering: (time, seq) ascending; seq is
// unique, so no two items compare equal and the pop order is fully determined.
#include "ops/event_queue.h"

#include <stdlib.h>
#include <string.h>

void gops_agenda_init(gops_agenda_t *agenda)
{
    memset(agenda, 0, sizeof *agenda);
}

void gops_agenda_free(gops_agenda_t *agenda)
{
    free(agenda->items);
    memset(agenda, 0, sizeof *agenda);
}

static bool before(const gops_agenda_item_t *a, const gops_agenda_item_t *b)
{
    if (a->time != b->time) return a->time < b->time;
    return a->seq < b->seq;
}

bool gops_agenda_push(gops_agenda_t *agenda, double time, uint32_t kind, uint32_t ref, uint32_t epoch, uint32_t arg)
{
    if (agenda->count == agenda->capacity) {
        uint32_t cap = agenda->capacity ? agenda->capacity * 2 : 64;
        gops_agenda_item_t *bigger = realloc(agenda->items, cap * sizeof *bigger);
        if (!bigger) return false;
        agenda->items = bigger;
        agenda->capacity = cap;
    }
    gops_agenda_item_t item = {time, agenda->next_seq++, kind, ref, epoch, arg};
    uint32_t i = agenda->count++;
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!before(&item, &agenda->items[parent])) break;
        agenda->items[i] = agenda->items[parent];
        i = parent;
    }
    agenda->items[i] = item;
    return true;
}

bool gops_agenda_peek_before(const gops_agenda_t *agenda, double time, gops_agenda_item_t *out)
{
    if (agenda->count == 0 || !(agenda->items[0].time < time)) return false;
    *out = agenda->items[0];
    return true;
}

bool gops_agenda_pop(gops_agenda_t *agenda, gops_agenda_item_t *out)
{
    if (agenda->count == 0) return false;
    *out = agenda->items[0];
    gops_agenda_item_t last = agenda->items[--agenda->count];
    uint32_t n = agenda->count, i = 0;
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        const gops_agenda_item_t *best = &last;
        if (l < n && before(&agenda->items[l], best)) m = l, best = &agenda->items[l];
        if (r < n && before(&agenda->items[r], best)) m = r;
        if (m == i) break;
        agenda->items[i] = agenda->items[m];
        i = m;
    }
    if (n > 0) agenda->items[i] = last;
    return true;
}

static int compare_items(const void *a, const void *b)
{
    const gops_agenda_item_t *x = a, *y = b;
    return before(x, y) ? -1 : before(y, x) ? 1 : 0;
}

void gops_agenda_hash(const gops_agenda_t *agenda, gops_hash_t *hash)
{
    gops_hash_u64(hash, agenda->count);
    gops_hash_u64(hash, agenda->next_seq);
    if (agenda->count == 0) return;
    // The heap's array layout depends only on the push/pop history, which is itself
    // deterministic; sorting a copy makes the hash depend on the content alone.
    gops_agenda_item_t *copy = malloc(agenda->count * sizeof *copy);
    if (!copy) {
        gops_hash_u64(hash, UINT64_MAX);
        return;
    }
    memcpy(copy, agenda->items, agenda->count * sizeof *copy);
    qsort(copy, agenda->count, sizeof *copy, compare_items);
    for (uint32_t i = 0; i < agenda->count; i++) {
        gops_hash_f64(hash, copy[i].time);
        gops_hash_u64(hash, copy[i].seq);
        gops_hash_u64(hash, ((uint64_t)copy[i].kind << 32) | copy[i].ref);
        gops_hash_u64(hash, ((uint64_t)copy[i].epoch << 32) | copy[i].arg);
    }
    free(copy);
}
