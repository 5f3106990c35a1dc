// SPDX-License-Identifier: MIT
// Destination tables by Dijkstra over arcs (routing.h). Ordering: heap entries compare by
// cost, then arc id; predecessors are visited in the network's fixed order.
#include "traffic/routing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

gops_status_t gops_routing_init(gops_routing_t *r, const gops_tnet_t *net, uint32_t dest_count, const uint32_t *tfirst,
                                const uint32_t *tarc, const float *ts, gops_error_t *err)
{
    memset(r, 0, sizeof *r);
    r->dest_count = dest_count;
    r->arc_count = net->arc_count;
    uint32_t targets = tfirst[dest_count];
    r->cost = malloc(((size_t)dest_count * net->arc_count + 1) * sizeof *r->cost);
    r->tfirst = malloc((dest_count + 1) * sizeof *r->tfirst);
    r->tarc = malloc((targets + 1) * sizeof *r->tarc);
    r->ts = malloc((targets + 1) * sizeof *r->ts);
    r->tt = malloc((net->arc_count + 1) * sizeof *r->tt);
    r->usable = malloc(net->arc_count + 1);
    r->heap_cap = net->turn_count + targets + 16;
    r->heap = malloc(r->heap_cap * sizeof *r->heap);
    if (!r->cost || !r->tfirst || !r->tarc || !r->ts || !r->tt || !r->usable || !r->heap) {
        gops_routing_free(r);
        return gops_error_set(err, GOPS_NOMEM, "traffic routing: out of memory for %u destinations", dest_count);
    }
    memcpy(r->tfirst, tfirst, (dest_count + 1) * sizeof *tfirst);
    if (targets) {
        memcpy(r->tarc, tarc, targets * sizeof *tarc);
        memcpy(r->ts, ts, targets * sizeof *ts);
    }
    for (uint32_t a = 0; a < net->arc_count; a++) {
        r->tt[a] = net->arcs[a].free_time;
        r->usable[a] = net->arcs[a].in_map;
    }
    for (size_t i = 0; i < (size_t)dest_count * net->arc_count; i++) r->cost[i] = INFINITY;
    return GOPS_OK;
}

void gops_routing_free(gops_routing_t *r)
{
    free(r->cost);
    free(r->tfirst);
    free(r->tarc);
    free(r->ts);
    free(r->tt);
    free(r->usable);
    free(r->heap);
    memset(r, 0, sizeof *r);
}

float gops_routing_penalty(gops_turn_kind_t kind)
{
    switch (kind) {
    case GOPS_TURN_RIGHT: return GOPS_ROUTE_PENALTY_RIGHT_S;
    case GOPS_TURN_LEFT: return GOPS_ROUTE_PENALTY_LEFT_S;
    case GOPS_TURN_UTURN: return GOPS_ROUTE_PENALTY_UTURN_S;
    default: return 0;
    }
}

static bool heap_less(const struct gops_route_heap *x, const struct gops_route_heap *y)
{
    return x->c < y->c || (x->c == y->c && x->a < y->a);
}

static void heap_push(gops_routing_t *r, uint32_t *n, float c, uint32_t a)
{
    if (*n >= r->heap_cap) return; // cannot happen: one push per relaxation, bounded by turns + targets
    uint32_t i = (*n)++;
    struct gops_route_heap e = {c, a};
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!heap_less(&e, &r->heap[p])) break;
        r->heap[i] = r->heap[p];
        i = p;
    }
    r->heap[i] = e;
}

static struct gops_route_heap heap_pop(gops_routing_t *r, uint32_t *n)
{
    struct gops_route_heap top = r->heap[0], last = r->heap[--(*n)];
    uint32_t i = 0;
    while (true) {
        uint32_t c = 2 * i + 1;
        if (c >= *n) break;
        if (c + 1 < *n && heap_less(&r->heap[c + 1], &r->heap[c])) c++;
        if (!heap_less(&r->heap[c], &last)) break;
        r->heap[i] = r->heap[c];
        i = c;
    }
    if (*n > 0) r->heap[i] = last;
    return top;
}

void gops_routing_compute(gops_routing_t *r, const gops_tnet_t *net, uint32_t d)
{
    float *cost = r->cost + (size_t)d * r->arc_count;
    for (uint32_t a = 0; a < r->arc_count; a++) cost[a] = INFINITY;
    uint32_t n = 0;
    for (uint32_t k = r->tfirst[d]; k < r->tfirst[d + 1]; k++) {
        uint32_t a = r->tarc[k];
        if (!r->usable[a]) continue;
        float len = net->arcs[a].length;
        float c = len > 0 ? r->tt[a] * (r->ts[k] / len) : 0;
        if (c < cost[a]) {
            cost[a] = c;
            heap_push(r, &n, c, a);
        }
    }
    while (n > 0) {
        struct gops_route_heap e = heap_pop(r, &n);
        if (e.c > cost[e.a]) continue;
        const gops_tnet_arc_t *B = &net->arcs[e.a];
        for (uint32_t k = B->first_pred; k < B->first_pred + B->pred_count; k++) {
            const gops_tnet_turn_t *t = &net->turns[net->pred_turns[k]];
            uint32_t a = t->from_arc;
            if (!r->usable[a]) continue;
            float c = r->tt[a] + gops_routing_penalty((gops_turn_kind_t)t->kind) + e.c;
            if (c < cost[a]) {
                cost[a] = c;
                heap_push(r, &n, c, a);
            }
        }
    }
}

void gops_routing_compute_all(gops_routing_t *r, const gops_tnet_t *net)
{
    for (uint32_t d = 0; d < r->dest_count; d++) gops_routing_compute(r, net, d);
    r->cursor = 0;
}

void gops_routing_compute_batch(gops_routing_t *r, const gops_tnet_t *net, uint32_t count)
{
    if (r->dest_count == 0) return;
    if (count > r->dest_count) count = r->dest_count;
    for (uint32_t k = 0; k < count; k++) {
        gops_routing_compute(r, net, r->cursor);
        r->cursor = (r->cursor + 1) % r->dest_count;
    }
}

bool gops_routing_is_target(const gops_routing_t *r, uint32_t d, uint32_t a, float *s)
{
    if (d >= r->dest_count) return false;
    for (uint32_t k = r->tfirst[d]; k < r->tfirst[d + 1]; k++)
        if (r->tarc[k] == a) {
            if (s) *s = r->ts[k];
            return true;
        }
    return false;
}

float gops_routing_draw(uint32_t a, uint32_t b)
{
    uint64_t x = ((uint64_t)a << 32 | b) + 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    x ^= x >> 31;
    return (float)(x >> 40) * (1.0f / 16777216.0f);
}

uint32_t gops_routing_next(const gops_routing_t *r, const gops_tnet_t *net, uint32_t d, uint32_t from, uint32_t driver,
                           uint8_t lane_allow)
{
    if (d >= r->dest_count) return GOPS_TNET_NONE;
    const float *cost = r->cost + (size_t)d * r->arc_count;
    const gops_tnet_arc_t *A = &net->arcs[from];
    uint32_t best = GOPS_TNET_NONE;
    float best_c = INFINITY;
    for (uint32_t t = A->first_turn; t < A->first_turn + A->turn_count; t++) {
        const gops_tnet_turn_t *T = &net->turns[t];
        if (!r->usable[T->to_arc] || isinf(cost[T->to_arc])) continue;
        if (lane_allow && !(lane_allow & (1u << T->kind))) continue;
        float c = (gops_routing_penalty((gops_turn_kind_t)T->kind) + cost[T->to_arc]) *
                  (1.0f + GOPS_ROUTE_PERCEPTION * gops_routing_draw(driver, T->to_arc));
        if (c < best_c) best_c = c, best = T->to_arc;
    }
    return best;
}

uint32_t gops_routing_wander(const gops_routing_t *r, const gops_tnet_t *net, uint32_t from, uint32_t driver,
                             uint32_t salt)
{
    const gops_tnet_arc_t *A = &net->arcs[from];
    uint32_t options = 0, uturn = GOPS_TNET_NONE;
    for (uint32_t t = A->first_turn; t < A->first_turn + A->turn_count; t++) {
        const gops_tnet_turn_t *T = &net->turns[t];
        if (!r->usable[T->to_arc]) continue;
        if (T->kind == GOPS_TURN_UTURN) uturn = T->to_arc;
        else options++;
    }
    if (options == 0) return uturn;
    uint32_t pick = (uint32_t)(gops_routing_draw(driver, salt) * (float)options);
    if (pick >= options) pick = options - 1;
    for (uint32_t t = A->first_turn; t < A->first_turn + A->turn_count; t++) {
        const gops_tnet_turn_t *T = &net->turns[t];
        if (!r->usable[T->to_arc] || T->kind == GOPS_TURN_UTURN) continue;
        if (pick-- == 0) return T->to_arc;
    }
    return uturn;
}
