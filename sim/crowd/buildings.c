// SPDX-License-Identifier: MIT
// Buildings as counted sinks: occupancy against capacity, stays ending on a min-heap, FIFO
// queues per entrance, metering on a virtual clock, closures. Ordering rules: the stay heap
// is ordered by (end time, visitor id); buildings are served in index order and, within a
// building, the queue head that has waited longest (then lowest visitor id) goes first.
// Does not choose stays' destinations, move pedestrians, or know what a visitor is.
#include "crowd/buildings.h"

#include "core/assert.h"
#include "crowd/crowd_checkpoint.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

gops_buildings_params_t gops_buildings_params_default(void)
{
    // Assumptions, to be replaced by counts. Shopping-centre visit durations are usually
    // reported around an hour (malls with cinemas and restaurants longer); a lognormal fits
    // such right-skewed stays. Categories visitors do not enter by default (office,
    // residential, transit) get plausible values in case a scenario sends them there.
    gops_buildings_params_t p;
    p.dwell_median_s[GOPS_BUILDING_MALL] = 3600;
    p.dwell_sigma[GOPS_BUILDING_MALL] = 0.5;
    p.dwell_median_s[GOPS_BUILDING_OFFICE] = 1800;
    p.dwell_sigma[GOPS_BUILDING_OFFICE] = 0.6;
    p.dwell_median_s[GOPS_BUILDING_RESIDENTIAL] = 3600;
    p.dwell_sigma[GOPS_BUILDING_RESIDENTIAL] = 0.6;
    p.dwell_median_s[GOPS_BUILDING_TRANSIT] = 900;
    p.dwell_sigma[GOPS_BUILDING_TRANSIT] = 0.6;
    p.dwell_median_s[GOPS_BUILDING_OTHER] = 1800;
    p.dwell_sigma[GOPS_BUILDING_OTHER] = 0.6;
    return p;
}

gops_status_t gops_buildings_params_validate(const gops_buildings_params_t *p, gops_error_t *err)
{
    for (int c = 0; c < GOPS_BUILDING_CATEGORY_COUNT; c++) {
        const char *name = gops_building_category_name((gops_building_category_t)c);
        if (!isfinite(p->dwell_median_s[c]) || !(p->dwell_median_s[c] > 0))
            return gops_error_set(err, GOPS_BAD_VALUE, "buildings: dwell_median_s.%s = %g, expected a number > 0 (s)",
                                  name, p->dwell_median_s[c]);
        if (!isfinite(p->dwell_sigma[c]) || p->dwell_sigma[c] < 0 || p->dwell_sigma[c] > 3)
            return gops_error_set(err, GOPS_BAD_VALUE, "buildings: dwell_sigma.%s = %g, expected a number in [0, 3]",
                                  name, p->dwell_sigma[c]);
    }
    return GOPS_OK;
}

// A stay in progress.
typedef struct stay {
    double until;
    uint32_t visitor, building, entrance;
} stay_t;

// A visitor waiting at an entrance.
typedef struct waiter {
    double since, deadline, dwell;
    uint32_t visitor;
} waiter_t;

typedef struct entrance {
    uint32_t feature, building;
    gops_point_t at;
    bool open;
    double rate;      // persons/s, 0 = not metered
    double next_free; // s: earliest virtual admission time allowed by the meter
    waiter_t *q;      // live waiters are q[head .. len)
    uint32_t head, len, cap;
} entrance_t;

typedef struct building {
    uint32_t feature;
    gops_building_category_t category;
    double capacity;
    uint32_t occupancy, queued;
    bool open;
    double rate, next_free;
    uint64_t admitted;
    uint32_t first_entrance, entrance_count; // into entrance_list
} building_t;

struct gops_buildings {
    gops_buildings_params_t params;
    building_t *bldg;
    uint32_t count;
    entrance_t *ent;
    uint32_t entrance_count;
    uint32_t *entrance_list; // entrance indices grouped by building
    int32_t *index_of;       // by feature: building or entrance index, else -1
    uint32_t feature_count;
    stay_t *heap;
    uint32_t heap_len, heap_cap;
    uint32_t inside, queued;
    double last_step; // s, time of the previous step (-inf before the first)
};

// ---- stay heap --------------------------------------------------------------------------

static bool stay_before(const stay_t *a, const stay_t *b)
{
    return a->until < b->until || (a->until == b->until && a->visitor < b->visitor);
}

static void sift_up(stay_t *h, uint32_t i)
{
    stay_t x = h[i];
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!stay_before(&x, &h[p])) break;
        h[i] = h[p];
        i = p;
    }
    h[i] = x;
}

static void sift_down(stay_t *h, uint32_t n, uint32_t i)
{
    stay_t x = h[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && stay_before(&h[c + 1], &h[c])) c++;
        if (!stay_before(&h[c], &x)) break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}

static bool heap_push(gops_buildings_t *b, stay_t s)
{
    if (b->heap_len == b->heap_cap) {
        uint32_t cap = b->heap_cap ? b->heap_cap * 2 : 1024;
        stay_t *h = realloc(b->heap, (size_t)cap * sizeof *h);
        if (!h) return false;
        b->heap = h;
        b->heap_cap = cap;
    }
    b->heap[b->heap_len] = s;
    sift_up(b->heap, b->heap_len++);
    return true;
}

static stay_t heap_pop(gops_buildings_t *b)
{
    stay_t top = b->heap[0];
    b->heap[0] = b->heap[--b->heap_len];
    if (b->heap_len) sift_down(b->heap, b->heap_len, 0);
    return top;
}

// ---- events -----------------------------------------------------------------------------

void gops_building_events_free(gops_building_events_t *ev)
{
    free(ev->items);
    *ev = (gops_building_events_t){0};
}

static bool emit(gops_building_events_t *ev, gops_building_event_t e)
{
    if (ev->count == ev->capacity) {
        uint32_t cap = ev->capacity ? ev->capacity * 2 : 256;
        gops_building_event_t *p = realloc(ev->items, (size_t)cap * sizeof *p);
        if (!p) return false;
        ev->items = p;
        ev->capacity = cap;
    }
    ev->items[ev->count++] = e;
    return true;
}

// ---- creation ---------------------------------------------------------------------------

void gops_buildings_destroy(gops_buildings_t *b)
{
    if (!b) return;
    for (uint32_t e = 0; e < b->entrance_count; e++) free(b->ent[e].q);
    free(b->bldg);
    free(b->ent);
    free(b->entrance_list);
    free(b->index_of);
    free(b->heap);
    free(b);
}

gops_buildings_t *gops_buildings_create(const gops_map_t *map, const gops_buildings_params_t *params,
                                       gops_error_t *err)
{
    GOPS_ASSERT(map && params);
    gops_error_clear(err);
    if (gops_buildings_params_validate(params, err) != GOPS_OK) return NULL;
    gops_buildings_t *b = calloc(1, sizeof *b);
    if (!b) goto nomem;
    b->params = *params;
    b->last_step = -INFINITY;
    uint32_t nf = map->feature_count;
    b->feature_count = nf;
    for (uint32_t i = 0; i < nf; i++) {
        b->count += map->features[i].kind == GOPS_FEAT_BUILDING;
        b->entrance_count += map->features[i].kind == GOPS_FEAT_ENTRANCE;
    }
    b->bldg = calloc(b->count ? b->count : 1, sizeof *b->bldg);
    b->ent = calloc(b->entrance_count ? b->entrance_count : 1, sizeof *b->ent);
    b->entrance_list = malloc((b->entrance_count ? b->entrance_count : 1) * sizeof *b->entrance_list);
    b->index_of = malloc((nf ? nf : 1) * sizeof *b->index_of);
    if (!b->bldg || !b->ent || !b->entrance_list || !b->index_of) goto nomem;
    uint32_t nb = 0, ne = 0;
    for (uint32_t i = 0; i < nf; i++) {
        const gops_feature_t *f = &map->features[i];
        b->index_of[i] = -1;
        if (f->kind == GOPS_FEAT_BUILDING) {
            building_t *B = &b->bldg[nb];
            B->feature = i;
            B->category = f->u.building.category;
            B->capacity = f->u.building.capacity;
            B->open = true;
            b->index_of[i] = (int32_t)nb++;
        } else if (f->kind == GOPS_FEAT_ENTRANCE) {
            b->index_of[i] = (int32_t)ne++;
        }
    }
    // Entrances, then their grouping by building (counting sort keeps index order).
    for (uint32_t i = 0; i < nf; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind != GOPS_FEAT_ENTRANCE) continue;
        entrance_t *E = &b->ent[b->index_of[i]];
        int32_t bf = f->u.entrance.building;
        // The loader guarantees an entrance names an existing building.
        GOPS_ASSERT(bf >= 0 && (uint32_t)bf < nf && map->features[bf].kind == GOPS_FEAT_BUILDING);
        E->feature = i;
        E->building = (uint32_t)b->index_of[bf];
        E->at = f->at;
        E->open = true;
        b->bldg[E->building].entrance_count++;
    }
    uint32_t start = 0;
    for (uint32_t k = 0; k < b->count; k++) {
        b->bldg[k].first_entrance = start;
        start += b->bldg[k].entrance_count;
        b->bldg[k].entrance_count = 0;
    }
    for (uint32_t e = 0; e < b->entrance_count; e++) {
        building_t *B = &b->bldg[b->ent[e].building];
        b->entrance_list[B->first_entrance + B->entrance_count++] = e;
    }
    return b;
nomem:
    gops_buildings_destroy(b);
    gops_error_set(err, GOPS_NOMEM, "buildings: out of memory");
    return NULL;
}

// ---- queries ----------------------------------------------------------------------------

uint32_t gops_buildings_count(const gops_buildings_t *b) { return b->count; }
uint32_t gops_buildings_entrance_count(const gops_buildings_t *b) { return b->entrance_count; }

uint32_t gops_buildings_feature(const gops_buildings_t *b, uint32_t i)
{
    GOPS_ASSERT(i < b->count);
    return b->bldg[i].feature;
}

uint32_t gops_buildings_entrance_feature(const gops_buildings_t *b, uint32_t e)
{
    GOPS_ASSERT(e < b->entrance_count);
    return b->ent[e].feature;
}

int32_t gops_buildings_index_of(const gops_buildings_t *b, uint32_t feature)
{
    if (feature >= b->feature_count) return -1;
    int32_t k = b->index_of[feature];
    return k >= 0 && (uint32_t)k < b->count && b->bldg[k].feature == feature ? k : -1;
}

int32_t gops_buildings_entrance_of(const gops_buildings_t *b, uint32_t feature)
{
    if (feature >= b->feature_count) return -1;
    int32_t k = b->index_of[feature];
    return k >= 0 && (uint32_t)k < b->entrance_count && b->ent[k].feature == feature ? k : -1;
}

uint32_t gops_buildings_entrance_building(const gops_buildings_t *b, uint32_t e)
{
    GOPS_ASSERT(e < b->entrance_count);
    return b->ent[e].building;
}

const uint32_t *gops_buildings_entrances(const gops_buildings_t *b, uint32_t i, uint32_t *count)
{
    GOPS_ASSERT(i < b->count);
    *count = b->bldg[i].entrance_count;
    return b->entrance_list + b->bldg[i].first_entrance;
}

bool gops_buildings_is_open(const gops_buildings_t *b, uint32_t i)
{
    GOPS_ASSERT(i < b->count);
    return b->bldg[i].open;
}

bool gops_buildings_entrance_is_open(const gops_buildings_t *b, uint32_t e)
{
    GOPS_ASSERT(e < b->entrance_count);
    return b->ent[e].open;
}

bool gops_buildings_enterable(const gops_buildings_t *b, uint32_t i)
{
    GOPS_ASSERT(i < b->count);
    const building_t *B = &b->bldg[i];
    if (!B->open) return false;
    for (uint32_t k = 0; k < B->entrance_count; k++)
        if (b->ent[b->entrance_list[B->first_entrance + k]].open) return true;
    return false;
}

double gops_buildings_capacity(const gops_buildings_t *b, uint32_t i)
{
    GOPS_ASSERT(i < b->count);
    return b->bldg[i].capacity;
}

uint32_t gops_buildings_occupancy(const gops_buildings_t *b, uint32_t i)
{
    GOPS_ASSERT(i < b->count);
    return b->bldg[i].occupancy;
}

uint32_t gops_buildings_inside_total(const gops_buildings_t *b) { return b->inside; }

uint32_t gops_buildings_queued(const gops_buildings_t *b, uint32_t i)
{
    GOPS_ASSERT(i < b->count);
    return b->bldg[i].queued;
}

uint32_t gops_buildings_entrance_queued(const gops_buildings_t *b, uint32_t e)
{
    GOPS_ASSERT(e < b->entrance_count);
    return b->ent[e].len - b->ent[e].head;
}

uint32_t gops_buildings_queued_total(const gops_buildings_t *b) { return b->queued; }

uint64_t gops_buildings_admitted(const gops_buildings_t *b, uint32_t i)
{
    GOPS_ASSERT(i < b->count);
    return b->bldg[i].admitted;
}

uint32_t gops_buildings_exit_entrance(const gops_buildings_t *b, uint32_t i, gops_point_t toward)
{
    GOPS_ASSERT(i < b->count);
    const building_t *B = &b->bldg[i];
    GOPS_ASSERT(B->entrance_count > 0);
    uint32_t best = UINT32_MAX, best_any = UINT32_MAX;
    double best_d = INFINITY, best_any_d = INFINITY;
    for (uint32_t k = 0; k < B->entrance_count; k++) {
        uint32_t e = b->entrance_list[B->first_entrance + k];
        double dx = b->ent[e].at.x - toward.x, dy = b->ent[e].at.y - toward.y;
        double d = dx * dx + dy * dy;
        if (d < best_any_d) best_any_d = d, best_any = e;
        if (b->ent[e].open && d < best_d) best_d = d, best = e;
    }
    return best != UINT32_MAX ? best : best_any;
}

// ---- settings ---------------------------------------------------------------------------

void gops_buildings_set_open(gops_buildings_t *b, uint32_t i, bool open)
{
    GOPS_ASSERT(i < b->count);
    b->bldg[i].open = open;
}

void gops_buildings_set_entrance_open(gops_buildings_t *b, uint32_t e, bool open)
{
    GOPS_ASSERT(e < b->entrance_count);
    b->ent[e].open = open;
}

static gops_status_t check_rate(double per_min, const char *what, uint32_t index, gops_error_t *err)
{
    if (!isfinite(per_min) || per_min < 0)
        return gops_error_set(err, GOPS_BAD_VALUE, "buildings: meter of %s %u = %g persons/min, expected a number >= 0",
                              what, index, per_min);
    return GOPS_OK;
}

gops_status_t gops_buildings_set_meter(gops_buildings_t *b, uint32_t i, double per_min, gops_error_t *err)
{
    GOPS_ASSERT(i < b->count);
    if (check_rate(per_min, "building", i, err) != GOPS_OK) return err ? err->status : GOPS_BAD_VALUE;
    b->bldg[i].rate = per_min / 60.0;
    b->bldg[i].next_free = -INFINITY;
    return GOPS_OK;
}

gops_status_t gops_buildings_set_entrance_meter(gops_buildings_t *b, uint32_t e, double per_min, gops_error_t *err)
{
    GOPS_ASSERT(e < b->entrance_count);
    if (check_rate(per_min, "entrance", e, err) != GOPS_OK) return err ? err->status : GOPS_BAD_VALUE;
    b->ent[e].rate = per_min / 60.0;
    b->ent[e].next_free = -INFINITY;
    return GOPS_OK;
}

gops_status_t gops_buildings_set_capacity(gops_buildings_t *b, uint32_t i, double persons, gops_error_t *err)
{
    GOPS_ASSERT(i < b->count);
    if (!isfinite(persons) || persons < 0)
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "buildings: capacity of building %u = %g persons, expected a number >= 0", i, persons);
    b->bldg[i].capacity = persons;
    return GOPS_OK;
}

// ---- entry ------------------------------------------------------------------------------

double gops_buildings_draw_dwell(const gops_buildings_t *b, uint32_t i, gops_rng_t *rng)
{
    GOPS_ASSERT(i < b->count);
    gops_building_category_t c = b->bldg[i].category;
    double s = b->params.dwell_median_s[c] * exp(b->params.dwell_sigma[c] * gops_rng_normal(rng));
    return fmin(fmax(s, GOPS_DWELL_MIN_S), GOPS_DWELL_MAX_S);
}

// Meter readiness at `now` (an unmetered door is always ready).
static bool meter_ready(double rate, double next_free, double now)
{
    return rate <= 0 || next_free <= now;
}

// Building-level conditions for one more entry at `now`.
static bool building_ready(const building_t *B, double now)
{
    return B->open && (double)B->occupancy + 1.0 <= B->capacity && meter_ready(B->rate, B->next_free, now);
}

static bool entrance_ready(const entrance_t *E, double now)
{
    return E->open && meter_ready(E->rate, E->next_free, now);
}

// Takes one entry through entrance e on the virtual clock: the entry counts at the latest
// of `earliest` and the meters' next free times, and each meter then waits 1/rate.
static void take_meter(building_t *B, entrance_t *E, double earliest)
{
    double t = earliest;
    if (B->rate > 0 && B->next_free > t) t = B->next_free;
    if (E->rate > 0 && E->next_free > t) t = E->next_free;
    if (B->rate > 0) B->next_free = t + 1.0 / B->rate;
    if (E->rate > 0) E->next_free = t + 1.0 / E->rate;
}

static bool admit(gops_buildings_t *b, uint32_t e, uint32_t visitor, double now, double dwell, double *until)
{
    entrance_t *E = &b->ent[e];
    building_t *B = &b->bldg[E->building];
    *until = now + dwell;
    if (!heap_push(b, (stay_t){*until, visitor, E->building, e})) return false;
    B->occupancy++;
    B->admitted++;
    b->inside++;
    return true;
}

static bool enqueue(entrance_t *E, waiter_t w)
{
    if (E->len == E->cap) {
        if (E->head > 0) { // reclaim the consumed front before growing
            memmove(E->q, E->q + E->head, (size_t)(E->len - E->head) * sizeof *E->q);
            E->len -= E->head;
            E->head = 0;
        }
        if (E->len == E->cap) {
            uint32_t cap = E->cap ? E->cap * 2 : 16;
            waiter_t *q = realloc(E->q, (size_t)cap * sizeof *q);
            if (!q) return false;
            E->q = q;
            E->cap = cap;
        }
    }
    E->q[E->len++] = w;
    return true;
}

gops_status_t gops_buildings_request(gops_buildings_t *b, uint32_t i, uint32_t e, uint32_t visitor, double now_s,
                                     double dwell_s, double patience_s, gops_entry_result_t *result,
                                     double *until_s, gops_error_t *err)
{
    GOPS_ASSERT(i < b->count && e < b->entrance_count && b->ent[e].building == i);
    GOPS_ASSERT(dwell_s >= 0 && patience_s >= 0 && result);
    building_t *B = &b->bldg[i];
    entrance_t *E = &b->ent[e];
    double until = now_s;
    if (!gops_buildings_enterable(b, i)) {
        *result = GOPS_ENTRY_CLOSED;
    } else if (!E->open) {
        *result = GOPS_ENTRY_ENTRANCE_CLOSED;
    } else {
        // Nobody may be overtaken: not at this door, nor at another door that could let
        // its head in now (building-level limits hold everyone back alike).
        bool waiting_ahead = E->len > E->head;
        for (uint32_t k = 0; k < B->entrance_count && !waiting_ahead; k++) {
            const entrance_t *o = &b->ent[b->entrance_list[B->first_entrance + k]];
            waiting_ahead = o->len > o->head && entrance_ready(o, now_s);
        }
        if (!waiting_ahead && building_ready(B, now_s) && entrance_ready(E, now_s)) {
            take_meter(B, E, now_s);
            if (!admit(b, e, visitor, now_s, dwell_s, &until)) goto nomem;
            *result = GOPS_ENTRY_ADMITTED;
        } else {
            if (!enqueue(E, (waiter_t){now_s, now_s + patience_s, dwell_s, visitor})) goto nomem;
            B->queued++;
            b->queued++;
            *result = GOPS_ENTRY_QUEUED;
        }
    }
    if (until_s) *until_s = until;
    return GOPS_OK;
nomem:
    return gops_error_set(err, GOPS_NOMEM, "buildings: out of memory");
}

// ---- stepping ---------------------------------------------------------------------------

// Removes queued visitors matching `gone` (turned away or out of patience) from entrance
// e's queue, emitting one event each in queue order.
static bool sweep_queue(gops_buildings_t *b, uint32_t e, gops_building_event_kind_t kind, double now,
                        gops_building_events_t *out)
{
    entrance_t *E = &b->ent[e];
    building_t *B = &b->bldg[E->building];
    bool turn_away = kind == GOPS_BUILDING_TURNED_AWAY;
    uint32_t w = E->head;
    for (uint32_t r = E->head; r < E->len; r++) {
        waiter_t x = E->q[r];
        bool gone = turn_away || x.deadline <= now;
        if (!gone) {
            E->q[w++] = x;
            continue;
        }
        gops_building_event_t ev = {kind, x.visitor, E->building, e, turn_away ? now : x.deadline, 0};
        if (!emit(out, ev)) {
            // Keep the rest queued so counts stay consistent with what was reported.
            for (uint32_t k = r; k < E->len; k++) E->q[w++] = E->q[k];
            uint32_t removed = E->len - w;
            E->len = w;
            B->queued -= removed;
            b->queued -= removed;
            return false;
        }
    }
    uint32_t removed = E->len - w;
    E->len = w;
    B->queued -= removed;
    b->queued -= removed;
    return true;
}

gops_status_t gops_buildings_step(gops_buildings_t *b, double now_s, gops_building_events_t *out, gops_error_t *err)
{
    GOPS_ASSERT(out && now_s >= b->last_step);
    double prev = b->last_step;
    b->last_step = now_s;

    while (b->heap_len && b->heap[0].until <= now_s) {
        stay_t s = heap_pop(b);
        building_t *B = &b->bldg[s.building];
        B->occupancy--;
        b->inside--;
        if (!emit(out, (gops_building_event_t){GOPS_BUILDING_RELEASED, s.visitor, s.building, s.entrance, s.until, 0}))
            goto nomem;
    }
    if (b->queued == 0) return GOPS_OK;

    for (uint32_t i = 0; i < b->count; i++) {
        building_t *B = &b->bldg[i];
        if (B->queued == 0) continue;
        for (uint32_t k = 0; k < B->entrance_count; k++) {
            uint32_t e = b->entrance_list[B->first_entrance + k];
            if (b->ent[e].len > b->ent[e].head && (!B->open || !b->ent[e].open))
                if (!sweep_queue(b, e, GOPS_BUILDING_TURNED_AWAY, now_s, out)) goto nomem;
        }
    }
    for (uint32_t i = 0; i < b->count; i++) {
        building_t *B = &b->bldg[i];
        if (B->queued == 0) continue;
        for (uint32_t k = 0; k < B->entrance_count; k++) {
            uint32_t e = b->entrance_list[B->first_entrance + k];
            if (b->ent[e].len > b->ent[e].head)
                if (!sweep_queue(b, e, GOPS_BUILDING_GAVE_UP, now_s, out)) goto nomem;
        }
    }
    for (uint32_t i = 0; i < b->count; i++) {
        building_t *B = &b->bldg[i];
        while (B->queued > 0 && building_ready(B, now_s)) {
            // The ready door whose head has waited longest.
            uint32_t best = UINT32_MAX;
            for (uint32_t k = 0; k < B->entrance_count; k++) {
                uint32_t e = b->entrance_list[B->first_entrance + k];
                const entrance_t *E = &b->ent[e];
                if (E->len == E->head || !entrance_ready(E, now_s)) continue;
                if (best == UINT32_MAX) {
                    best = e;
                    continue;
                }
                const waiter_t *x = &E->q[E->head], *y = &b->ent[best].q[b->ent[best].head];
                if (x->since < y->since || (x->since == y->since && x->visitor < y->visitor)) best = e;
            }
            if (best == UINT32_MAX) break;
            entrance_t *E = &b->ent[best];
            waiter_t x = E->q[E->head];
            // Idle time before the previous step is not banked: the meter counts this
            // entry no earlier than then.
            take_meter(B, E, fmax(x.since, prev));
            double until;
            if (!admit(b, best, x.visitor, now_s, x.dwell, &until)) goto nomem;
            E->head++;
            if (E->head == E->len) E->head = E->len = 0;
            B->queued--;
            b->queued--;
            if (!emit(out, (gops_building_event_t){GOPS_BUILDING_ADMITTED, x.visitor, i, best, now_s, until}))
                goto nomem;
        }
    }
    return GOPS_OK;
nomem:
    return gops_error_set(err, GOPS_NOMEM, "buildings: out of memory");
}

void gops_buildings_evacuate(gops_buildings_t *b, uint32_t i, double now_s)
{
    GOPS_ASSERT(i < b->count);
    bool changed = false;
    for (uint32_t k = 0; k < b->heap_len; k++)
        if (b->heap[k].building == i && b->heap[k].until > now_s) {
            b->heap[k].until = now_s;
            changed = true;
        }
    if (!changed) return;
    // Re-heapify bottom-up (Floyd): O(n), and the order is again by (until, visitor).
    for (uint32_t k = b->heap_len / 2; k-- > 0;) sift_down(b->heap, b->heap_len, k);
}

// ---- checkpoints (crowd_checkpoint.h) ----------------------------------------------------
// Occupancy, stays, queues and meters change; the entrance lists and the feature index come
// from the map and stay as built.

void gops_buildings_save(const gops_buildings_t *b, gops_ckpt_writer_t *w)
{
    GOPS_CKPT_PUT(w, "buildings", b);
    GOPS_CKPT_PUT_ARRAY(w, "buildings.bldg", b->bldg, b->count);
    GOPS_CKPT_PUT_ARRAY(w, "buildings.ent", b->ent, b->entrance_count);
    for (uint32_t e = 0; e < b->entrance_count; e++)
        GOPS_CKPT_PUT_ARRAY(w, "buildings.queue", b->ent[e].q, b->ent[e].len);
    GOPS_CKPT_PUT_ARRAY(w, "buildings.heap", b->heap, b->heap_len);
}

void gops_buildings_load(gops_buildings_t *b, gops_ckpt_reader_t *r)
{
    gops_buildings_t s;
    if (!GOPS_CKPT_GET(r, "buildings", &s)) return;
    if (s.count != b->count || s.entrance_count != b->entrance_count || s.feature_count != b->feature_count) {
        gops_ckpt_fail(r, "%u buildings with %u entrances, expected %u with %u as on this map (was the map changed?)",
                       s.count, s.entrance_count, b->count, b->entrance_count);
        return;
    }
    gops_buildings_t fresh = *b;
    *b = s;
    b->entrance_list = fresh.entrance_list;
    b->index_of = fresh.index_of;
    free(fresh.bldg);
    GOPS_CKPT_LOAD_ARRAY(r, "buildings.bldg", b->bldg, b->count, b->count);
    for (uint32_t e = 0; e < fresh.entrance_count; e++) free(fresh.ent[e].q);
    free(fresh.ent);
    GOPS_CKPT_LOAD_ARRAY(r, "buildings.ent", b->ent, b->entrance_count, b->entrance_count);
    for (uint32_t e = 0; e < b->entrance_count; e++) {
        entrance_t *en = &b->ent[e];
        en->q = NULL; // the saved pointer means nothing here
        if (en->len > en->cap || en->head > en->len) {
            gops_ckpt_fail(r, "entrance %u: queue of %u (from %u) in %u places, expected a consistent queue", e, en->len,
                           en->head, en->cap);
            en->len = en->head = en->cap = 0;
        }
        GOPS_CKPT_LOAD_ARRAY(r, "buildings.queue", en->q, en->len, en->cap);
        if (!en->q) en->head = en->cap = 0;
    }
    free(fresh.heap);
    GOPS_CKPT_LOAD_ARRAY(r, "buildings.heap", b->heap, b->heap_len, b->heap_cap);
    if (!b->heap) b->heap_cap = 0;
}
