// SPDX-License-Identifier: MIT
// Warm start (warm_start.h): a walking-free replay of the demand process up to the start,
// then where everyone on foot stands. Ordering and randomness: the replay advances in
// windows of step_s; in each, arrivals (by visitor id), walks ending by its end (by end
// time, then visitor), the demand's timers (in its event order), then walks those started
// that have already ended. Lingering spots, then placements (in visitor order) come from
// one stream of the run seed. Does not step pedestrians, build fields or touch the world.
#include "crowd/warm_start.h"

#include "core/assert.h"
#include "core/rng.h"
#include "crowd/destinations.h"
#include "crowd/walk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WARM_TAG 0xBB67AE8584CAA73Bull // keeps the warm start's stream apart from the crowd's
#define LINGER_SPREAD_M 0.5            // a lingering pedestrian mills about within this of its spot
#define QUEUE_AREA_M2 0.7              // ground a queued person takes by a door, m² (about 1.4 persons/m²)
#define NO_SPOT UINT32_MAX

gops_warm_start_def_t gops_warm_start_def_default(void)
{
    return (gops_warm_start_def_t){
        // Measured on the Erqi map (README, crowd section), as the walking model's progress
        // along the fields over 2 s, per free speed, of everyone walking: 1.00 with a tenth of
        // a holiday's visitors (1,100 walking), 0.68 with a whole holiday at 17:10 (13,500
        // walking on 144,500 m²). Walkers bunch on the main streets, so the district-wide
        // mean of 0.09 walkers/m² costs a third of the speed: 1 / (1 + 4.5 · 0.09) = 0.71.
        .speed_factor = 1.0,
        .crowding_m2 = 4.5,
        .arrive_radius_m = 1.0,
        .exit_radius_m = 3.0,
        // People spread across a pavement rather than walking one line: ±1 m covers most of
        // a sidewalk or street lane while keeping walkers off each other.
        .lateral_m = 1.0,
        .jitter_m = 1.5,
        // 5 s is far below any stay (≥ 30 s) or walk, and keeps the replay of a day under a
        // second.
        .step_s = 5.0,
    };
}

static gops_status_t check_def(const gops_warm_start_def_t *d, gops_error_t *err)
{
    if (!(d->speed_factor > 0 && d->speed_factor <= 1))
        return gops_error_set(err, GOPS_BAD_VALUE, "warm start: speed_factor = %g, expected a share in (0, 1]",
                              d->speed_factor);
    if (!(d->crowding_m2 >= 0 && d->crowding_m2 <= 1000))
        return gops_error_set(err, GOPS_BAD_VALUE, "warm start: crowding_m2 = %g, expected [0, 1000] m² per walker",
                              d->crowding_m2);
    if (!(d->arrive_radius_m >= 0 && d->arrive_radius_m <= 10) || !(d->exit_radius_m >= 0 && d->exit_radius_m <= 10) ||
        !(d->lateral_m >= 0 && d->lateral_m <= 10) || !(d->jitter_m >= 0 && d->jitter_m <= 10))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "warm start: arrive radius %g m, exit radius %g m, lateral spread %g m, jitter %g m, "
                              "expected each in [0, 10] m",
                              d->arrive_radius_m, d->exit_radius_m, d->lateral_m, d->jitter_m);
    if (!(d->step_s > 0 && d->step_s <= 60))
        return gops_error_set(err, GOPS_BAD_VALUE, "warm start: step_s = %g, expected (0, 60] s", d->step_s);
    return GOPS_OK;
}

double gops_warm_start_opening(const gops_profile_t *p)
{
    int best = 0;
    for (int k = 1; k < GOPS_PROFILE_SLOTS; k++)
        if (p->share[k] < p->share[best]) best = k;
    return best * GOPS_PROFILE_SLOT_S;
}

// ---- walk ends on a min-heap by (time, visitor) ---------------------------------------

typedef struct walk_end {
    double t;
    uint32_t v;
} walk_end_t;

typedef struct heap {
    walk_end_t *h;
    uint32_t len, cap;
} heap_t;

static bool before(walk_end_t a, walk_end_t b) { return a.t < b.t || (a.t == b.t && a.v < b.v); }

static bool heap_push(heap_t *q, walk_end_t x)
{
    if (q->len == q->cap) {
        uint32_t cap = q->cap ? q->cap * 2 : 1024;
        walk_end_t *h = realloc(q->h, (size_t)cap * sizeof *h);
        if (!h) return false;
        q->h = h;
        q->cap = cap;
    }
    uint32_t i = q->len++;
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!before(x, q->h[p])) break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = x;
    return true;
}

static walk_end_t heap_pop(heap_t *q)
{
    walk_end_t top = q->h[0], x = q->h[--q->len];
    uint32_t n = q->len, i = 0;
    if (n == 0) return top;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && before(q->h[c + 1], q->h[c])) c++;
        if (!before(q->h[c], x)) break;
        q->h[i] = q->h[c];
        i = c;
    }
    q->h[i] = x;
    return top;
}

// ---- the replay -----------------------------------------------------------------------

typedef struct area_cells {
    uint32_t *cells; // walkable indices of an area destination (lingering spots)
    uint32_t count;
    bool done;
} area_cells_t;

typedef struct replay {
    gops_demand_t *d;
    const gops_warm_start_env_t *env;
    const gops_warm_start_def_t *def;
    const gops_destinations_t *dest;
    gops_buildings_t *bldg;
    gops_rng_t rng;
    // By visitor: where its current walk began, its queue's door or its lingering spot (m;
    // NAN when it has no walkable cell: the crowd keeps such a visitor off the street);
    // the walk's start and end (s; end INFINITY: it never arrives); the door it heads for
    // or queues at (entrance feature, -1 for none).
    float *x, *y;
    double *t0, *t1;
    int32_t *door;
    uint32_t *spot;       // by visitor: walkable index of its lingering spot, NO_SPOT when none
    uint16_t *lingering;  // by walkable cell: the visitors whose spot it is now
    uint32_t cap;
    heap_t walks;
    area_cells_t *areas; // by destination, filled when first needed
    double area_m2;      // walkable area
    uint64_t walk_count;
    double walk_sum;
} replay_t;

static bool reserve(replay_t *r, uint32_t n)
{
    if (n <= r->cap) return true;
    uint32_t cap = r->cap ? r->cap : 4096;
    while (cap < n) cap *= 2;
#define GROW(field)                                                                                   \
    do {                                                                                              \
        void *p_ = realloc(r->field, (size_t)cap * sizeof *r->field);                                 \
        if (!p_) return false;                                                                        \
        r->field = p_;                                                                                \
    } while (0)
    GROW(x);
    GROW(y);
    GROW(t0);
    GROW(t1);
    GROW(door);
    GROW(spot);
#undef GROW
    r->cap = cap;
    return true;
}

static bool walkable_at(const gops_walkable_t *w, float x, float y)
{
    uint32_t cell = gops_walkable_cell_at(w, (gops_point_t){x, y});
    return cell != GOPS_WALKABLE_NONE && gops_walkable_is_set(w, cell);
}

// The centre of the walkable cell a feature snaps to (where the crowd puts people who come
// out of it); false, and NAN, when it snaps to none.
static bool anchor_point(const gops_walkable_t *w, int32_t feature, float *x, float *y)
{
    const gops_walkable_anchor_t *a = feature >= 0 ? gops_walkable_anchor_of(w, (uint32_t)feature) : NULL;
    if (!a || a->walk == GOPS_WALKABLE_NONE) {
        *x = *y = NAN;
        return false;
    }
    gops_point_t p = gops_walkable_centre(w, w->cells[a->walk]);
    *x = (float)p.x;
    *y = (float)p.y;
    return true;
}

static float field_at(const replay_t *r, uint16_t k, float x, float y)
{
    const gops_warm_start_env_t *e = r->env;
    if (k >= e->field_count || !e->fields[k].dist) return INFINITY;
    return gops_field_sample(e->walk, &e->fields[k], x, y);
}

// How far from destination k a walk there ends, as in the crowd.
static double arrive_radius(const replay_t *r, uint16_t k)
{
    return gops_destination_reach(r->dest, k, (float)r->def->arrive_radius_m, (float)r->def->exit_radius_m);
}

// The open door of building destination k nearest to (x, y) in a straight line; -1 when
// none is open.
static int32_t nearest_open_door(const replay_t *r, uint16_t k, float x, float y)
{
    const gops_destination_t *t = &r->dest->dest[k];
    int32_t best = -1;
    double best_d2 = INFINITY;
    for (uint32_t s = 0; s < t->source_count; s++) {
        int32_t f = r->dest->sources[t->first_source + s];
        int32_t e = gops_buildings_entrance_of(r->bldg, (uint32_t)f);
        if (e < 0 || !gops_buildings_entrance_is_open(r->bldg, (uint32_t)e)) continue;
        gops_point_t q = r->env->map->features[f].at;
        double d2 = (q.x - x) * (q.x - x) + (q.y - y) * (q.y - y);
        if (d2 < best_d2) best_d2 = d2, best = f;
    }
    return best;
}

// Visitor v sets off at t from (x[v], y[v]) towards its current target.
static bool start_walk(replay_t *r, uint32_t v, double t)
{
    uint16_t k = gops_demand_next_stop(r->d, v);
    r->t0[v] = t;
    r->t1[v] = INFINITY;
    r->door[v] = -1;
    if (isnan(r->x[v])) return true; // off the street: never arrives, as in the crowd
    if (gops_dest_class_is_building(r->dest->dest[k].cls)) r->door[v] = nearest_open_door(r, k, r->x[v], r->y[v]);
    float dist = field_at(r, k, r->x[v], r->y[v]);
    if (!isfinite(dist)) return true; // no way there: a pedestrian would stand where it is
    double len = fmax(0.0, (double)dist - arrive_radius(r, k));
    gops_demand_counts_t c;
    gops_demand_counts(r->d, &c);
    double share = r->def->speed_factor / (1.0 + r->def->crowding_m2 * c.in_state[GOPS_VISITOR_WALKING] / r->area_m2);
    double dur = len / ((double)gops_demand_visitors(r->d)->v0[v] * share);
    r->t1[v] = t + dur;
    r->walk_count++;
    r->walk_sum += dur;
    return heap_push(&r->walks, (walk_end_t){t + dur, v});
}

// A lingering spot in area destination k as the crowd picks one (the least crowded of
// GOPS_SPOT_CHOICES random cells, the first on ties), crowded counting the spots the replay
// holds there now; stays at (x[v], y[v]) when the area has no cell. One random cell each
// spread the countdown crowd on Dehua Street as chance does: 10,609 lingering at 23:51 on
// 5,349 of its cells, up to 8 on one, 18 in the densest 2 m cell (4.5 persons/m²) from the
// start of a window warm-started at 23:50.
static gops_status_t pick_spot(replay_t *r, uint32_t v, uint16_t k, gops_error_t *err)
{
    area_cells_t *a = &r->areas[k];
    if (!a->done) {
        gops_status_t st =
            gops_destinations_cells(r->dest, r->env->map, r->env->walk, k, NULL, &a->cells, &a->count, err);
        if (st != GOPS_OK) return st;
        a->done = true;
    }
    if (a->count == 0) return GOPS_OK;
    const gops_walkable_t *w = r->env->walk;
    uint32_t best = a->cells[gops_rng_below(&r->rng, a->count)];
    for (int n = 1; n < GOPS_SPOT_CHOICES; n++) {
        uint32_t cell = a->cells[gops_rng_below(&r->rng, a->count)];
        if (r->lingering[cell] < r->lingering[best]) best = cell;
    }
    if (r->lingering[best] < UINT16_MAX) r->lingering[best]++;
    r->spot[v] = best;
    gops_point_t p = gops_walkable_centre(w, w->cells[best]);
    r->x[v] = (float)p.x;
    r->y[v] = (float)p.y;
    return GOPS_OK;
}

// Visitor v's walk ends at t: it has reached its target (the door it headed for).
static gops_status_t finish_walk(replay_t *r, uint32_t v, double t, gops_error_t *err)
{
    uint16_t k = gops_demand_next_stop(r->d, v);
    if (r->door[v] >= 0) {
        float x, y;
        if (anchor_point(r->env->walk, r->door[v], &x, &y)) r->x[v] = x, r->y[v] = y;
    }
    gops_arrival_result_t res;
    gops_status_t st = gops_demand_arrived(r->d, v, t, r->door[v], &res, err);
    if (st != GOPS_OK) return st;
    switch (res.outcome) {
    case GOPS_OUTCOME_LINGER:
        return pick_spot(r, v, k, err);
    case GOPS_OUTCOME_REDIRECTED:
        if (!start_walk(r, v, t)) return gops_error_set(err, GOPS_NOMEM, "warm start: out of memory");
        return GOPS_OK;
    case GOPS_OUTCOME_ENTERED: // counted inside
    case GOPS_OUTCOME_LEFT:    // gone
    case GOPS_OUTCOME_QUEUED:  // stands at its door
        return GOPS_OK;
    }
    return GOPS_OK;
}

static gops_status_t finish_walks(replay_t *r, double until, gops_error_t *err)
{
    const gops_visitors_t *vis = gops_demand_visitors(r->d);
    while (r->walks.len && r->walks.h[0].t <= until) {
        walk_end_t w = heap_pop(&r->walks);
        // One walk per visitor at a time; a superseded entry would not match.
        if (vis->state[w.v] != GOPS_VISITOR_WALKING || r->t1[w.v] != w.t) continue;
        gops_status_t st = finish_walk(r, w.v, w.t, err);
        if (st != GOPS_OK) return st;
    }
    return GOPS_OK;
}

static gops_status_t replay_window(replay_t *r, double ta, double tb, gops_error_t *err)
{
    gops_visitor_range_t range;
    gops_status_t st = gops_demand_arrivals(r->d, ta, tb, &range, err);
    if (st != GOPS_OK) return st;
    const gops_visitors_t *vis = gops_demand_visitors(r->d);
    if (!reserve(r, vis->count)) goto nomem;
    for (uint32_t v = range.first; v < range.first + range.count; v++) {
        anchor_point(r->env->walk, (int32_t)vis->entry[v], &r->x[v], &r->y[v]);
        r->spot[v] = NO_SPOT;
        if (!start_walk(r, v, vis->arrive_s[v])) goto nomem;
    }
    if ((st = finish_walks(r, tb, err)) != GOPS_OK) return st;
    const gops_demand_event_t *ev;
    uint32_t n;
    if ((st = gops_demand_step(r->d, tb, &ev, &n, err)) != GOPS_OK) return st;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = ev[i].visitor;
        switch (ev[i].kind) {
        case GOPS_DEMAND_ADMITTED:
            continue;
        case GOPS_DEMAND_RELEASED: // out of the door it leaves by
            anchor_point(r->env->walk, ev[i].entrance_feature, &r->x[v], &r->y[v]);
            break;
        case GOPS_DEMAND_LINGER_DONE: // from its spot
            if (r->spot[v] != NO_SPOT && r->lingering[r->spot[v]] > 0) r->lingering[r->spot[v]]--;
            r->spot[v] = NO_SPOT;
            break;
        case GOPS_DEMAND_GAVE_UP:     // from its door
        case GOPS_DEMAND_TURNED_AWAY:
            break;
        }
        if (!start_walk(r, v, ev[i].t_s)) goto nomem;
    }
    return finish_walks(r, tb, err);
nomem:
    return gops_error_set(err, GOPS_NOMEM, "warm start: out of memory for %u visitors", vis->count);
}

// ---- placement ------------------------------------------------------------------------

// From (x, y), follows the field's descent until the field is down to `rem` (m), in steps of
// half a cell, sliding along walls; *ex, *ey get the last direction (0 when none).
static void descend(const gops_walkable_t *w, const gops_field_t *f, float *px, float *py, float rem, float *ex,
                    float *ey)
{
    float x = *px, y = *py, val = gops_field_sample(w, f, x, y);
    float h = (float)(0.5 * w->cell);
    *ex = *ey = 0.0f;
    if (!isfinite(val)) return;
    uint32_t max = (uint32_t)fminf(4.0f * fmaxf(val - rem, 0.0f) / h, 4e6f) + 16;
    for (uint32_t n = 0; n < max && val > rem; n++) {
        float dx, dy;
        gops_field_descent(w, f, x, y, &dx, &dy);
        if (dx == 0.0f && dy == 0.0f) break;
        float s = fminf(h, val - rem);
        float nx = x + s * dx, ny = y + s * dy;
        if (!walkable_at(w, nx, ny)) { // slide along the wall
            if (walkable_at(w, nx, y)) ny = y;
            else if (walkable_at(w, x, ny)) nx = x;
            else break;
        }
        float nv = gops_field_sample(w, f, nx, ny);
        if (!isfinite(nv)) break;
        x = nx, y = ny, val = nv;
        *ex = dx, *ey = dy;
    }
    *px = x, *py = y;
}

// A walkable point uniformly within `radius` of (x, y) (8 tries), else (x, y).
static void scatter(replay_t *r, float *x, float *y, double radius)
{
    const gops_walkable_t *w = r->env->walk;
    for (int tries = 0; tries < 8 && radius > 0; tries++) {
        double d = radius * sqrt(gops_rng_uniform(&r->rng));
        double a = 6.283185307179586 * gops_rng_uniform(&r->rng);
        float nx = (float)(*x + d * cos(a)), ny = (float)(*y + d * sin(a));
        if (walkable_at(w, nx, ny) && gops_walk_path_clear(w, *x, *y, nx, ny)) {
            *x = nx, *y = ny;
            return;
        }
    }
}

// Where walker v stands at `now`: its share of the walk done, measured along the descent
// from where it set off, then moved sideways by up to lateral_m.
static void place_walker(replay_t *r, uint32_t v, uint16_t k, double now, float *px, float *py)
{
    float x = r->x[v], y = r->y[v];
    *px = x, *py = y;
    if (!isfinite(r->t1[v])) return; // never arrives: stands where it is
    const gops_field_t *f = &r->env->fields[k];
    const gops_walkable_t *w = r->env->walk;
    double total = r->t1[v] - r->t0[v];
    double done = total > 0 ? fmin(fmax((now - r->t0[v]) / total, 0.0), 1.0) : 1.0;
    float d0 = gops_field_sample(w, f, x, y);
    float arrive = (float)arrive_radius(r, k);
    float rem = d0 <= arrive ? d0 : arrive + (float)(1.0 - done) * (d0 - arrive);
    float ex, ey;
    descend(w, f, &x, &y, rem, &ex, &ey);
    // One draw per walker whatever happens, halving the offset until the way there is clear.
    double off = r->def->lateral_m * (2.0 * gops_rng_uniform(&r->rng) - 1.0);
    if (ex == 0.0f && ey == 0.0f) off = 0;
    for (int tries = 0; tries < 4 && off != 0; tries++, off *= 0.5) {
        float nx = (float)(x - off * ey), ny = (float)(y + off * ex);
        if (walkable_at(w, nx, ny) && gops_walk_path_clear(w, x, y, nx, ny)) {
            x = nx, y = ny;
            break;
        }
    }
    *px = x, *py = y;
}

static bool push_ped(gops_warm_start_t *out, uint32_t *cap, gops_warm_ped_t p)
{
    if (out->count == *cap) {
        uint32_t c = *cap ? *cap * 2 : 1024;
        gops_warm_ped_t *grown = realloc(out->peds, (size_t)c * sizeof *grown);
        if (!grown) return false;
        out->peds = grown;
        *cap = c;
    }
    out->peds[out->count++] = p;
    return true;
}

static gops_status_t place_all(replay_t *r, double now, gops_warm_start_t *out, gops_error_t *err)
{
    const gops_visitors_t *vis = gops_demand_visitors(r->d);
    const gops_map_t *map = r->env->map;
    uint32_t cap = 0;
    // Queued visitors by door so far: a longer queue spreads wider round its door.
    uint32_t *at_door = calloc(map->feature_count ? map->feature_count : 1, sizeof *at_door);
    if (!at_door) return gops_error_set(err, GOPS_NOMEM, "warm start: out of memory");
    gops_status_t st = GOPS_OK;
    for (uint32_t v = 0; v < vis->count; v++) {
        gops_visitor_state_t s = (gops_visitor_state_t)vis->state[v];
        if (s == GOPS_VISITOR_INSIDE) out->inside++;
        if (s != GOPS_VISITOR_WALKING && s != GOPS_VISITOR_QUEUED && s != GOPS_VISITOR_LINGERING) continue;
        if (isnan(r->x[v])) {
            out->unplaced++;
            continue;
        }
        uint16_t k = gops_demand_next_stop(r->d, v);
        gops_warm_ped_t p = {.visitor = v, .x = r->x[v], .y = r->y[v], .dest = k};
        if (s == GOPS_VISITOR_WALKING) {
            p.kind = GOPS_WARM_WALKING;
            place_walker(r, v, k, now, &p.x, &p.y);
            out->walking++;
        } else if (s == GOPS_VISITOR_QUEUED) {
            p.kind = GOPS_WARM_QUEUED;
            uint32_t n = r->door[v] >= 0 ? at_door[r->door[v]]++ : 0;
            scatter(r, &p.x, &p.y, fmax(r->def->jitter_m, sqrt((n + 1) * QUEUE_AREA_M2 / 3.141592653589793)));
            out->queued++;
        } else {
            p.kind = GOPS_WARM_LINGERING;
            scatter(r, &p.x, &p.y, LINGER_SPREAD_M);
            out->lingering++;
        }
        p.tx = p.kind == GOPS_WARM_LINGERING ? r->x[v] : p.x;
        p.ty = p.kind == GOPS_WARM_LINGERING ? r->y[v] : p.y;
        if (!push_ped(out, &cap, p)) {
            st = gops_error_set(err, GOPS_NOMEM, "warm start: out of memory placing %u pedestrians", out->count);
            break;
        }
    }
    free(at_door);
    return st;
}

gops_status_t gops_warm_start_run(gops_demand_t *d, const gops_warm_start_env_t *env,
                                  const gops_warm_start_def_t *def_in, double start_s, uint64_t seed,
                                  gops_warm_start_t *out, gops_error_t *err)
{
    GOPS_ASSERT(d && env && out && start_s >= 0 && start_s < GOPS_DAY_S);
    memset(out, 0, sizeof *out);
    gops_warm_start_def_t def = def_in ? *def_in : gops_warm_start_def_default();
    if (check_def(&def, err) != GOPS_OK) return err ? err->status : GOPS_BAD_VALUE;
    const gops_destinations_t *dest = gops_demand_destinations(d);
    GOPS_ASSERT(env->field_count >= dest->count);
    gops_demand_counts_t counts;
    gops_demand_counts(d, &counts);
    GOPS_ASSERT(counts.arrived == 0 && gops_demand_visitors(d)->count == 0); // fresh demand

    double opening = gops_warm_start_opening(gops_demand_profile(d));
    out->from_s = opening <= start_s ? opening : 0.0;
    // A gathering under way since before the opening is replayed from its first arrivals.
    const gops_demand_params_t *P = gops_demand_params(d);
    for (uint32_t g = 0; g < P->gathering_count; g++)
        if (P->gatherings[g].from_s < out->from_s) out->from_s = P->gatherings[g].from_s;
    out->to_s = start_s;
    if (!(out->from_s < start_s)) {
        out->from_s = start_s;
        return GOPS_OK;
    }
    replay_t r = {.d = d, .env = env, .def = &def, .dest = dest, .bldg = gops_demand_buildings(d),
                  .area_m2 = fmax(gops_walkable_area_m2(env->walk), 1.0)};
    gops_rng_seed(&r.rng, seed ^ WARM_TAG, GOPS_STREAM_CROWD);
    gops_status_t st = GOPS_OK;
    r.areas = calloc(dest->count ? dest->count : 1, sizeof *r.areas);
    r.lingering = calloc(env->walk->count ? env->walk->count : 1, sizeof *r.lingering);
    if (!r.areas || !r.lingering) {
        st = gops_error_set(err, GOPS_NOMEM, "warm start: out of memory");
        goto done;
    }
    long windows = (long)ceil((start_s - out->from_s) / def.step_s);
    for (long i = 0; i < windows && st == GOPS_OK; i++) {
        double ta = out->from_s + (double)i * def.step_s;
        double tb = i + 1 == windows ? start_s : fmin(out->from_s + (double)(i + 1) * def.step_s, start_s);
        st = replay_window(&r, ta, tb, err);
    }
    if (st == GOPS_OK) st = place_all(&r, start_s, out, err);
    out->walks = r.walk_count;
    out->walk_s_sum = r.walk_sum;
done:
    if (r.areas)
        for (uint16_t k = 0; k < dest->count; k++) free(r.areas[k].cells);
    free(r.areas);
    free(r.x), free(r.y), free(r.t0), free(r.t1), free(r.door), free(r.spot), free(r.lingering);
    free(r.walks.h);
    if (st != GOPS_OK) gops_warm_start_free(out);
    return st;
}

void gops_warm_start_free(gops_warm_start_t *w)
{
    if (!w) return;
    free(w->peds);
    w->peds = NULL;
    w->count = 0;
}
