// SPDX-License-Identifier: MIT
// Public-address guidance (guidance.h): broadcasts, who heard them, and each tick's
// redirections. Ordering: broadcasts in serial order, pedestrians in index order; whether a
// pedestrian follows depends only on (seed, serial, pedestrian id), so neither order nor
// threads change who does. Does not choose among alternatives (choice.c).
#include "crowd/guidance.h"

#include "crowd/actions.h"
#include "crowd/crowd_internal.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void gops_guidance_free(gops_guidance_t *g)
{
    for (uint32_t i = 0; i < g->count; i++) free(g->items[i].ids);
    free(g->items);
    memset(g, 0, sizeof *g);
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

double gops_guidance_draw(uint64_t seed, uint32_t serial, uint32_t ped_id)
{
    uint64_t h = mix(mix(seed ^ 0x5041475549444E43ull) ^ ((uint64_t)serial << 32 | ped_id));
    return (double)(h >> 11) * 0x1.0p-53;
}

// Open addressing over ids + 1 (0 marks an empty slot), grown at half full.
static bool set_insert(uint32_t *slots, uint32_t capacity, uint32_t key)
{
    uint32_t mask = capacity - 1, k = (uint32_t)mix(key) & mask;
    while (slots[k]) {
        if (slots[k] == key) return false;
        k = (k + 1) & mask;
    }
    slots[k] = key;
    return true;
}

bool gops_broadcast_hear(gops_broadcast_t *b, uint32_t ped_id)
{
    uint32_t key = ped_id + 1;
    if (key == 0) return false; // id UINT32_MAX cannot occur (ids count up from 0)
    if (2 * (b->id_count + 1) > b->id_capacity) {
        uint32_t cap = b->id_capacity ? b->id_capacity * 2 : 256;
        uint32_t *grown = calloc(cap, sizeof *grown);
        if (!grown) return false;
        for (uint32_t i = 0; i < b->id_capacity; i++)
            if (b->ids[i]) set_insert(grown, cap, b->ids[i]);
        free(b->ids);
        b->ids = grown;
        b->id_capacity = cap;
    }
    if (!set_insert(b->ids, b->id_capacity, key)) return false;
    b->id_count++;
    return true;
}

gops_status_t gops_crowd_broadcast(gops_crowd_t *c, const gops_broadcast_def_t *def, uint32_t *serial,
                                   gops_error_t *err)
{
    if (!isfinite(def->x) || !isfinite(def->y))
        return gops_error_set(err, GOPS_BAD_VALUE, "guidance: the speaker's position is not finite");
    if (!(def->radius_m > 0 && def->radius_m <= 1000))
        return gops_error_set(err, GOPS_BAD_VALUE, "guidance: radius %g m, expected 0 < radius <= 1000 m", def->radius_m);
    if (!(def->share >= 0 && def->share <= 1))
        return gops_error_set(err, GOPS_BAD_VALUE, "guidance: share %g, expected a fraction in [0, 1]", def->share);
    if (def->to >= c->dest_count)
        return gops_error_set(err, GOPS_BAD_VALUE, "guidance: unknown destination %u", def->to);
    if (!(def->until_s > def->from_s))
        return gops_error_set(err, GOPS_BAD_VALUE, "guidance: it ends (%g s) before it starts (%g s)", def->until_s,
                              def->from_s);
    gops_guidance_t *g = &c->guidance;
    if (g->count == g->capacity) {
        uint32_t cap = g->capacity ? g->capacity * 2 : 8;
        gops_broadcast_t *grown = realloc(g->items, cap * sizeof *grown);
        if (!grown) return gops_error_set(err, GOPS_NOMEM, "out of memory for a broadcast");
        g->items = grown;
        g->capacity = cap;
    }
    gops_broadcast_t *b = &g->items[g->count++];
    memset(b, 0, sizeof *b);
    b->serial = g->count;
    b->x = (float)def->x, b->y = (float)def->y, b->radius = (float)def->radius_m;
    b->share = def->share;
    b->to = def->to;
    b->from_s = def->from_s;
    b->until_s = def->until_s;
    if (serial) *serial = b->serial;
    return GOPS_OK;
}

const gops_broadcast_t *gops_crowd_broadcast_get(const gops_crowd_t *c, uint32_t serial)
{
    return serial >= 1 && serial <= c->guidance.count ? &c->guidance.items[serial - 1] : NULL;
}

bool gops_crowd_redirect(gops_crowd_t *c, uint32_t i, uint16_t dest)
{
    gops_pedestrians_t *p = &c->peds;
    if (c->mode[i] != PED_WALK || p->dest[i] == dest || dest >= c->dest_count) return false;
    uint32_t v = p->visitor[i];
    if (v != UINT32_MAX && c->demand) {
        if (!gops_demand_redirect(c->demand, v, dest)) return false;
        p->dest[i] = gops_demand_next_stop(c->demand, v);
        return true;
    }
    p->dest[i] = dest;
    return true;
}

void gops_guidance_step(gops_crowd_t *c, double now_s)
{
    gops_guidance_t *g = &c->guidance;
    uint64_t seed = c->world->def.seed;
    for (uint32_t k = 0; k < g->count; k++) {
        gops_broadcast_t *b = &g->items[k];
        if (now_s < b->from_s || now_s >= b->until_s) continue;
        float r2 = b->radius * b->radius;
        for (uint32_t i = 0; i < c->peds.count; i++) {
            // Only people walking somewhere listen; someone heading for a lab exit that is
            // also the announced one still counts as having heard it.
            if (c->mode[i] != PED_WALK || c->peds.dest[i] == GOPS_NO_DEST) continue;
            float dx = c->peds.x[i] - b->x, dy = c->peds.y[i] - b->y;
            if (dx * dx + dy * dy > r2) continue;
            if (!gops_broadcast_hear(b, c->peds.id[i])) continue;
            b->heard++;
            if (!(gops_guidance_draw(seed, b->serial, c->peds.id[i]) < b->share)) continue;
            b->followed++;
            if (gops_crowd_redirect(c, i, b->to)) b->redirected++;
        }
    }
}
