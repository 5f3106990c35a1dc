// SPDX-License-Identifier: MIT
// Visitor demand: Poisson arrivals per 15-minute slot, gatherings' attendees, visitor
// records and their lifecycle, what happens at each stop, and a walking-free estimate of
// peak concurrency.
// Ordering and randomness rules: slot k's arrivals and their attributes come from one
// stream keyed by (run seed, k), and attendee j of gathering g from one keyed by (run seed,
// g, j); a slot is generated whole when a window first reaches it, so any window cut gives
// the same visitors; every later draw for a visitor comes from a stream keyed by (its key,
// its draw count). Visitor ids follow arrival time (ties: the profile's first, then
// gatherings in declaration order). Step events: building events in gops_buildings_step
// order, then lingering ends by (time, visitor). Does not move pedestrians, build fields or
// decide routes.
#include "crowd/demand.h"

#include "crowd/walk.h"

#include "core/assert.h"
#include "core/nearest.h"
#include "crowd/crowd_checkpoint.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// Rules of the model (parameters and their sources: gops_demand_params_default and
// assets/profiles/README.md):
// - A visitor appears at a transit point drawn by mode weight (garages by spaces).
// - The itinerary holds 1–4 distinct stops drawn by class and destination weight at the
//   arrival time (vendor points only in their hours); fewer when fewer are eligible.
// - The exit is the visitor's entry mode (10 % redraw a mode, garages excluded): for a
//   mode, the whole group of its points, so the crowd's distance field leads to the
//   nearest by walking distance; drivers go back to their own garage.
// - Closures are applied when a visitor sets off for a stop (it is replaced) and when it
//   arrives (closed building or area: replaced; closed door only: another door). A stop
//   is replaced by a fresh draw excluding the itinerary and the refused place, at most
//   max_replans times per visitor; after that, or when nothing is eligible, it is skipped.
// - At a full or metered building the visitor queues on foot by the door; when its
//   patience runs out the stop is replaced as above.
// - A visitor leaves a building by the open door nearest to where it goes next.
// - A gathering's attendee is a visitor with one stop, the gathering's place; it reaches a
//   transit point as others do (entry-mode weights, exit rule, speed, radius, patience) and
//   stays at its place, or at any area it was sent to instead, until its leave time; one
//   that arrives later moves on at once.

_Static_assert(GOPS_DEST_NONE == GOPS_NO_DEST, "pedestrians store destination indices as they are");

#define GOLDEN_GAMMA 0x9E3779B97F4A7C15ull
#define ARRIVAL_TAG 0x6A09E667F3BCC909ull // distinguishes arrival streams from visitor streams
#define LINGER_MIN_S 60.0
#define LINGER_MAX_S 14400.0

static const char *const state_names[GOPS_VISITOR_STATE_COUNT] = {
    "pending", "walking", "queued", "inside", "lingering", "left",
};

const char *gops_visitor_state_name(gops_visitor_state_t s)
{
    return (unsigned)s < GOPS_VISITOR_STATE_COUNT ? state_names[s] : "?";
}

// ---- parameters -------------------------------------------------------------------------

gops_demand_params_t gops_demand_params_default(gops_day_kind_t kind)
{
    GOPS_ASSERT((unsigned)kind < GOPS_DAY_KIND_COUNT);
    gops_demand_params_t p;
    memset(&p, 0, sizeof p);
    p.day_kind = kind;
    // FACTS.md ("visitors"): weekday average 295,000 a day, holiday average 419,000.
    p.daily_visitors = kind == GOPS_DAY_HOLIDAY ? 419000.0 : 295000.0;
    // Profile: the shipped assets/profiles/visitors_<kind>.csv (assumptions, see its README).
    p.profile_set = false;
    p.profile_path[0] = '\0';
    // How visitors reach the district. Assumption: Zhengzhou metro line 1 (and line 3) stop
    // under the tower and carry the largest share; buses on the arterials; the railway
    // station a few hundred metres west; mall car parks (6,700 spaces in the map: 15 % of
    // 295,000 is about 44,000 people, some 20,000 cars, 3 per space a day); the rest walk,
    // cycle or take taxis in from the district edge.
    p.entry_mode_weight[GOPS_TRANSIT_METRO_EXIT] = 0.30;
    p.entry_mode_weight[GOPS_TRANSIT_BUS_STOP] = 0.20;
    p.entry_mode_weight[GOPS_TRANSIT_RAIL_STATION] = 0.10;
    p.entry_mode_weight[GOPS_TRANSIT_GARAGE] = 0.15;
    p.entry_mode_weight[GOPS_TRANSIT_EDGE] = 0.25;
    // Assumption: one visitor in ten leaves another way than they came (a taxi home, a
    // friend's car); drivers always return to their garage.
    p.exit_redraw_share = 0.10;
    // Speed groups after RiMEA test 7 (guideline 3.0, the age bands of Weidmann's data).
    // Shares are an assumption for a shopping crowd: younger than the population, with a
    // small share of impaired walkers (elderly with aids, pushchairs, wheelchairs).
    p.speed_group_share[GOPS_SPEED_UNDER_30] = 0.40;
    p.speed_group_share[GOPS_SPEED_30_TO_50] = 0.35;
    p.speed_group_share[GOPS_SPEED_OVER_50] = 0.20;
    p.speed_group_share[GOPS_SPEED_IMPAIRED] = 0.05;
    const double lo[GOPS_SPEED_GROUP_COUNT] = {0.58, 1.41, 0.68, 0.46};
    const double hi[GOPS_SPEED_GROUP_COUNT] = {1.61, 1.54, 1.41, 0.76};
    for (int g = 0; g < GOPS_SPEED_GROUP_COUNT; g++) p.speed_min_ms[g] = lo[g], p.speed_max_ms[g] = hi[g];
    // The walking model's calibrated body radius (walk.c: 0.14 m with T = 1 s reproduces
    // Weidmann's corridor speeds and the bottleneck flows), with a small spread.
    p.radius_mean_m = gops_walk_params_default().default_radius_m;
    p.radius_sd_m = 0.015;
    p.radius_min_m = p.radius_mean_m - 0.03;
    p.radius_max_m = p.radius_mean_m + 0.03;
    // Patience in an entry queue. Assumption: median 10 minutes, most between 4 and 25.
    p.patience_median_s = 600;
    p.patience_sigma = 0.5;
    p.patience_min_s = 60;
    p.patience_max_s = 3600;
    // Stops per visit. Assumption: most visitors see one or two places, a few make a day of it
    // (mean 2.05 stops).
    p.stops_share[0] = 0.35;
    p.stops_share[1] = 0.35;
    p.stops_share[2] = 0.20;
    p.stops_share[3] = 0.10;
    p.destinations = gops_destinations_def_default();
    // Lingering on foot. Assumption: a look round a square ~10 min, a stroll down Dehua
    // street ~15 min, a stop at a stall ~10 min.
    for (int c = 0; c < GOPS_DEST_CLASS_COUNT; c++) p.linger_median_s[c] = 600, p.linger_sigma[c] = 0.5;
    p.linger_median_s[GOPS_DEST_PLAZA] = 600;
    p.linger_sigma[GOPS_DEST_PLAZA] = 0.6;
    p.linger_median_s[GOPS_DEST_STREET] = 900;
    p.linger_sigma[GOPS_DEST_STREET] = 0.5;
    p.linger_median_s[GOPS_DEST_VENDOR] = 600;
    p.linger_sigma[GOPS_DEST_VENDOR] = 0.5;
    p.buildings = gops_buildings_params_default();
    p.max_replans = 2;
    p.warm_start = false; // scenario runs turn it on (scenario_def.c)
    return p;
}

static bool nonneg(double x) { return isfinite(x) && x >= 0; }

// Checks that a weight vector is non-negative with a positive sum.
static gops_status_t check_weights(const double *w, int n, const char *field, const char *(*name)(int),
                                   gops_error_t *err)
{
    double sum = 0;
    for (int i = 0; i < n; i++) {
        if (!nonneg(w[i]))
            return gops_error_set(err, GOPS_BAD_VALUE, "demand: %s.%s = %g, expected a number >= 0", field, name(i),
                                  w[i]);
        sum += w[i];
    }
    if (!(sum > 0)) return gops_error_set(err, GOPS_BAD_VALUE, "demand: %s are all 0, expected a positive sum", field);
    return GOPS_OK;
}

static const char *mode_name(int i) { return gops_transit_mode_name((gops_transit_mode_t)i); }
static const char *group_name(int i)
{
    static const char *const n[GOPS_SPEED_GROUP_COUNT] = {"under_30", "30_to_50", "over_50", "impaired"};
    return n[i];
}
static const char *stops_name(int i)
{
    static const char *const n[GOPS_ITINERARY_MAX] = {"1", "2", "3", "4"};
    return n[i];
}

gops_status_t gops_demand_params_validate(const gops_demand_params_t *p, gops_error_t *err)
{
    gops_error_clear(err);
    if ((unsigned)p->day_kind >= GOPS_DAY_KIND_COUNT)
        return gops_error_set(err, GOPS_BAD_VALUE, "demand: day_kind = %d, expected weekday or holiday",
                              (int)p->day_kind);
    if (!isfinite(p->daily_visitors) || p->daily_visitors < 0 || p->daily_visitors > 1e8)
        return gops_error_set(err, GOPS_BAD_VALUE, "demand: daily_visitors = %g, expected a number in [0, 1e8]",
                              p->daily_visitors);
    if (memchr(p->profile_path, '\0', sizeof p->profile_path) == NULL)
        return gops_error_set(err, GOPS_BAD_VALUE, "demand: profile_path is not terminated, expected a path");
    if (p->profile_set) {
        double sum = 0;
        for (int k = 0; k < GOPS_PROFILE_SLOTS; k++) {
            if (!nonneg(p->profile.share[k]))
                return gops_error_set(err, GOPS_BAD_VALUE, "demand: profile share %d (%02d:%02d) = %g, expected >= 0",
                                      k + 1, k / 4, (k % 4) * 15, p->profile.share[k]);
            sum += p->profile.share[k];
        }
        if (fabs(sum - 1.0) > 1e-6)
            return gops_error_set(err, GOPS_BAD_VALUE, "demand: profile shares sum to %.9g, expected 1 (within 1e-6)",
                                  sum);
    }
    if (check_weights(p->entry_mode_weight, GOPS_TRANSIT_MODE_COUNT, "entry_mode_weight", mode_name, err))
        return err ? err->status : GOPS_BAD_VALUE;
    if (!nonneg(p->exit_redraw_share) || p->exit_redraw_share > 1)
        return gops_error_set(err, GOPS_BAD_VALUE, "demand: exit_redraw_share = %g, expected a number in [0, 1]",
                              p->exit_redraw_share);
    if (check_weights(p->speed_group_share, GOPS_SPEED_GROUP_COUNT, "speed_group_share", group_name, err))
        return err ? err->status : GOPS_BAD_VALUE;
    for (int g = 0; g < GOPS_SPEED_GROUP_COUNT; g++)
        if (!(p->speed_min_ms[g] > 0) || !(p->speed_max_ms[g] >= p->speed_min_ms[g]) || !(p->speed_max_ms[g] <= 10))
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "demand: speed band %s = [%g, %g] m/s, expected 0 < min <= max <= 10", group_name(g),
                                  p->speed_min_ms[g], p->speed_max_ms[g]);
    if (!(p->radius_min_m > 0) || !(p->radius_max_m >= p->radius_min_m) || !(p->radius_max_m <= 1) ||
        !nonneg(p->radius_sd_m) || !(p->radius_mean_m >= p->radius_min_m && p->radius_mean_m <= p->radius_max_m))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "demand: radius mean %g sd %g in [%g, %g] m, expected 0 < min <= mean <= max <= 1, "
                              "sd >= 0",
                              p->radius_mean_m, p->radius_sd_m, p->radius_min_m, p->radius_max_m);
    if (!(p->patience_median_s > 0) || !nonneg(p->patience_sigma) || p->patience_sigma > 3 ||
        !nonneg(p->patience_min_s) || !(p->patience_max_s >= p->patience_min_s) || !isfinite(p->patience_max_s))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "demand: patience median %g s, sigma %g, range [%g, %g] s, expected median > 0, sigma in "
                              "[0, 3], 0 <= min <= max",
                              p->patience_median_s, p->patience_sigma, p->patience_min_s, p->patience_max_s);
    if (check_weights(p->stops_share, GOPS_ITINERARY_MAX, "stops_share", stops_name, err))
        return err ? err->status : GOPS_BAD_VALUE;
    for (int c = GOPS_DEST_PLAZA; c <= GOPS_DEST_VENDOR; c++)
        if (!(p->linger_median_s[c] > 0) || !isfinite(p->linger_median_s[c]) || !nonneg(p->linger_sigma[c]) ||
            p->linger_sigma[c] > 3)
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "demand: linger %s: median %g s, sigma %g, expected median > 0 and sigma in [0, 3]",
                                  gops_dest_class_name((gops_dest_class_t)c), p->linger_median_s[c],
                                  p->linger_sigma[c]);
    if (gops_buildings_params_validate(&p->buildings, err) != GOPS_OK) return err ? err->status : GOPS_BAD_VALUE;
    if (p->max_replans > 100)
        return gops_error_set(err, GOPS_BAD_VALUE, "demand: max_replans = %u, expected at most 100", p->max_replans);
    if (p->gathering_count > GOPS_GATHERINGS_MAX)
        return gops_error_set(err, GOPS_BAD_VALUE, "demand: %u gatherings, expected at most %d", p->gathering_count,
                              GOPS_GATHERINGS_MAX);
    for (uint32_t g = 0; g < p->gathering_count; g++) {
        if (gops_gathering_def_validate(&p->gatherings[g], err) != GOPS_OK) return err ? err->status : GOPS_BAD_VALUE;
        for (uint32_t h = 0; h < g; h++)
            if (strcmp(p->gatherings[h].name, p->gatherings[g].name) == 0)
                return gops_error_set(err, GOPS_BAD_VALUE, "%sgathering \"%s\": declared twice, expected one name "
                                      "per gathering", p->gatherings[g].where, p->gatherings[g].name);
    }
    return GOPS_OK;
}

gops_status_t gops_demand_add_gathering(gops_demand_params_t *p, const gops_gathering_def_t *g, gops_error_t *err)
{
    gops_error_clear(err);
    if (gops_gathering_def_validate(g, err) != GOPS_OK) return err ? err->status : GOPS_BAD_VALUE;
    for (uint32_t h = 0; h < p->gathering_count; h++)
        if (strcmp(p->gatherings[h].name, g->name) == 0)
            return gops_error_set(err, GOPS_BAD_VALUE, "%sgathering \"%s\": another gathering (at %s) has that name, "
                                  "expected a name of its own (name = \"...\")", g->where, g->name,
                                  p->gatherings[h].place);
    if (p->gathering_count >= GOPS_GATHERINGS_MAX)
        return gops_error_set(err, GOPS_BAD_VALUE, "%sgathering \"%s\": already %d gatherings, expected at most %d",
                              g->where, g->name, GOPS_GATHERINGS_MAX, GOPS_GATHERINGS_MAX);
    p->gatherings[p->gathering_count++] = *g;
    return GOPS_OK;
}

// ---- the demand object ------------------------------------------------------------------

// One arrival as drawn, before it gets an id (a slot's arrivals are ordered first).
typedef struct arrival {
    double t;
    uint64_t key;
    float v0, radius, patience;
    uint32_t entry, seq; // seq: order drawn, the tie-break for equal times
    uint16_t exit;
    uint16_t stops[GOPS_ITINERARY_MAX];
    uint8_t group, stop_count, gathering;
} arrival_t;

// A min-heap of (time, visitor) timers: lingering ends here, walks in the estimate.
typedef struct timer {
    double t;
    uint32_t v;
} timer_t_;

typedef struct timers {
    timer_t_ *h;
    uint32_t len, cap;
} timers_t;

struct gops_demand {
    const gops_map_t *map;
    gops_demand_params_t params;
    gops_profile_t profile;
    uint64_t seed;
    gops_destinations_t *dest;
    gops_buildings_t *bldg;
    gops_visitors_t vis;
    // Entry points: feature index and cumulative probability, in feature order.
    uint32_t *entry_feature;
    double *entry_cum;
    uint32_t entry_count;
    double exit_mode_cum[GOPS_TRANSIT_MODE_COUNT]; // redraw of an exit mode (no garages)
    double stops_cum[GOPS_ITINERARY_MAX];
    double group_cum[GOPS_SPEED_GROUP_COUNT];
    uint8_t *closed;  // by destination
    uint8_t *blocked; // scratch: closed or not enterable, by destination
    // Arrival windows.
    bool started;
    double window_end;
    long next_slot;   // first slot not generated yet
    double next_slot_from; // arrivals before this (the first window's start) are not kept
    uint32_t emitted; // visitors [0, emitted) have appeared
    arrival_t *slot;  // scratch: one slot's arrivals before they get ids
    uint32_t slot_len, slot_cap;
    uint16_t gathering_place[GOPS_GATHERINGS_MAX]; // destination of each gathering
    timers_t linger; // lingering ends
    double last_step;
    gops_demand_event_t *ev;
    uint32_t ev_count, ev_cap;
    gops_building_events_t bev;
    gops_demand_counts_t counts;
};

static void visitors_free(gops_visitors_t *v)
{
    free(v->arrive_s);
    free(v->key);
    free(v->v0);
    free(v->radius);
    free(v->patience);
    free(v->entry);
    free(v->exit);
    free(v->stops);
    free(v->state);
    free(v->group);
    free(v->stop_count);
    free(v->cursor);
    free(v->replans);
    free(v->draws);
    free(v->gathering);
    memset(v, 0, sizeof *v);
}

#define GROW(field, n)                                                                                \
    do {                                                                                              \
        void *p_ = realloc(v->field, (size_t)(n) * sizeof *v->field);                               \
        if (!p_) return false;                                                                        \
        v->field = p_;                                                                                \
    } while (0)

// Makes room for one more visitor (doubling); on failure the arrays keep their contents.
static bool visitors_reserve(gops_visitors_t *v)
{
    if (v->count < v->capacity) return true;
    if (v->capacity >= UINT32_MAX / 2) return false;
    uint32_t cap = v->capacity ? v->capacity * 2 : 4096;
    GROW(arrive_s, cap);
    GROW(key, cap);
    GROW(v0, cap);
    GROW(radius, cap);
    GROW(patience, cap);
    GROW(entry, cap);
    GROW(exit, cap);
    GROW(stops, (size_t)cap * GOPS_ITINERARY_MAX);
    GROW(state, cap);
    GROW(group, cap);
    GROW(stop_count, cap);
    GROW(cursor, cap);
    GROW(replans, cap);
    GROW(draws, cap);
    GROW(gathering, cap);
    v->capacity = cap;
    return true;
}
#undef GROW

void gops_demand_destroy(gops_demand_t *d)
{
    if (!d) return;
    visitors_free(&d->vis);
    gops_destinations_destroy(d->dest);
    gops_buildings_destroy(d->bldg);
    free(d->entry_feature);
    free(d->entry_cum);
    free(d->closed);
    free(d->blocked);
    free(d->slot);
    free(d->linger.h);
    free(d->ev);
    gops_building_events_free(&d->bev);
    free(d);
}

// Rounding can leave a cumulative table's end just below 1: pin it to exactly 1 from the
// last bin of positive width on, so zero-weight bins after it stay empty.
static void pin_end(double *cum, int n)
{
    int last = n - 1;
    while (last > 0 && !(cum[last] > cum[last - 1])) last--;
    for (int i = last; i < n; i++) cum[i] = 1.0;
}

// Cumulative distribution of normalised weights (sum > 0).
static void cumulate(const double *w, int n, double *cum)
{
    double sum = 0;
    for (int i = 0; i < n; i++) sum += w[i];
    double acc = 0;
    for (int i = 0; i < n; i++) {
        acc += w[i];
        cum[i] = acc / sum;
    }
    pin_end(cum, n);
}

// Index drawn from a cumulative distribution (first i with u < cum[i], skipping zero bins).
static int pick(const double *cum, int n, double u)
{
    for (int i = 0; i < n; i++)
        if (u < cum[i] && (i == 0 || cum[i] > cum[i - 1])) return i;
    for (int i = n - 1; i > 0; i--)
        if (cum[i] > cum[i - 1]) return i;
    return 0;
}

static gops_status_t build_entries(gops_demand_t *d, gops_error_t *err)
{
    const gops_map_t *map = d->map;
    double mode_w[GOPS_TRANSIT_MODE_COUNT] = {0}, garage_spaces = 0;
    uint32_t per_mode[GOPS_TRANSIT_MODE_COUNT] = {0};
    for (uint32_t i = 0; i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind != GOPS_FEAT_TRANSIT) continue;
        per_mode[f->u.transit.mode]++;
        if (f->u.transit.mode == GOPS_TRANSIT_GARAGE) garage_spaces += f->u.transit.capacity;
        d->entry_count++;
    }
    double mode_total = 0;
    for (int m = 0; m < GOPS_TRANSIT_MODE_COUNT; m++) {
        mode_w[m] = per_mode[m] ? d->params.entry_mode_weight[m] : 0;
        mode_total += mode_w[m];
    }
    if (!(mode_total > 0))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "demand: no transit mode of the map has an entry_mode_weight > 0, expected at least one");
    d->entry_feature = malloc((d->entry_count ? d->entry_count : 1) * sizeof *d->entry_feature);
    d->entry_cum = malloc((d->entry_count ? d->entry_count : 1) * sizeof *d->entry_cum);
    if (!d->entry_feature || !d->entry_cum) return gops_error_set(err, GOPS_NOMEM, "demand: out of memory");
    uint32_t n = 0;
    double acc = 0;
    for (uint32_t i = 0; i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind != GOPS_FEAT_TRANSIT) continue;
        gops_transit_mode_t m = f->u.transit.mode;
        double within = 1.0 / per_mode[m];
        if (m == GOPS_TRANSIT_GARAGE && garage_spaces > 0) within = f->u.transit.capacity / garage_spaces;
        acc += mode_w[m] / mode_total * within;
        d->entry_feature[n] = i;
        d->entry_cum[n++] = acc;
    }
    for (uint32_t k = 0; k < n; k++) d->entry_cum[k] /= acc;
    pin_end(d->entry_cum, (int)n);

    double exit_w[GOPS_TRANSIT_MODE_COUNT] = {0}, exit_total = 0;
    for (int m = 0; m < GOPS_TRANSIT_MODE_COUNT; m++)
        if (m != GOPS_TRANSIT_GARAGE && d->dest->exit_of_mode[m] != GOPS_DEST_NONE)
            exit_total += exit_w[m] = d->params.entry_mode_weight[m];
    if (exit_total > 0) cumulate(exit_w, GOPS_TRANSIT_MODE_COUNT, d->exit_mode_cum);
    else
        for (int m = 0; m < GOPS_TRANSIT_MODE_COUNT; m++) d->exit_mode_cum[m] = 0; // no redraws possible
    return GOPS_OK;
}

// Looks up every gathering's place; an unknown name gets the nearest place's name.
static gops_status_t find_places(gops_demand_t *d, gops_error_t *err)
{
    for (uint32_t g = 0; g < d->params.gathering_count; g++) {
        const gops_gathering_def_t *G = &d->params.gatherings[g];
        bool other;
        d->gathering_place[g] = gops_gathering_find_place(d->dest, d->map, G->place, &other);
        if (d->gathering_place[g] != GOPS_DEST_NONE) continue;
        if (other)
            return gops_error_set(err, GOPS_BAD_VALUE, "%sgathering \"%s\": place \"%s\" is a building or an exit, "
                                  "expected a plaza, pedestrian street or vendor point", G->where, G->name, G->place);
        const char **names = malloc((d->dest->count ? d->dest->count : 1) * sizeof *names);
        if (!names) return gops_error_set(err, GOPS_NOMEM, "demand: out of memory");
        size_t n = 0;
        for (uint16_t k = 0; k < d->dest->count; k++) {
            const gops_destination_t *t = &d->dest->dest[k];
            if (!gops_dest_class_is_building(t->cls) && t->cls != GOPS_DEST_EXIT && t->label) names[n++] = t->label;
        }
        const char *near = gops_nearest_name(G->place, names, n);
        free(names); // the names themselves belong to the map
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "%sgathering \"%s\": unknown place \"%s\"%s%s%s: expected a plaza, pedestrian street "
                              "or vendor point of the map by id or name",
                              G->where, G->name, G->place, near ? " (did you mean \"" : "", near ? near : "",
                              near ? "\"?)" : "");
    }
    return GOPS_OK;
}

gops_demand_t *gops_demand_create(const gops_map_t *map, const gops_demand_params_t *params, uint64_t seed,
                                  gops_error_t *err)
{
    GOPS_ASSERT(map && params);
    gops_error_clear(err);
    if (gops_demand_params_validate(params, err) != GOPS_OK) return NULL;
    gops_demand_t *d = calloc(1, sizeof *d);
    if (!d) {
        gops_error_set(err, GOPS_NOMEM, "demand: out of memory");
        return NULL;
    }
    d->map = map;
    d->params = *params;
    d->seed = seed;
    d->last_step = -INFINITY;
    gops_status_t st = GOPS_OK;
    if (params->profile_set) d->profile = params->profile;
    else if (params->profile_path[0]) st = gops_profile_load(params->profile_path, &d->profile, err);
    else st = gops_profile_load_default(params->day_kind, &d->profile, err);
    if (st != GOPS_OK) goto fail;
    if (!(d->dest = gops_destinations_build(map, &params->destinations, err))) goto fail;
    if (!(d->bldg = gops_buildings_create(map, &params->buildings, err))) goto fail;
    if (build_entries(d, err) != GOPS_OK) goto fail;
    cumulate(params->stops_share, GOPS_ITINERARY_MAX, d->stops_cum);
    cumulate(params->speed_group_share, GOPS_SPEED_GROUP_COUNT, d->group_cum);
    d->closed = calloc(d->dest->count, 1);
    d->blocked = calloc(d->dest->count, 1);
    if (!d->closed || !d->blocked) {
        gops_error_set(err, GOPS_NOMEM, "demand: out of memory");
        goto fail;
    }
    if (find_places(d, err) != GOPS_OK) goto fail;
    return d;
fail:
    gops_demand_destroy(d);
    return NULL;
}

// ---- small helpers ----------------------------------------------------------------------

static void set_state(gops_demand_t *d, uint32_t v, gops_visitor_state_t s)
{
    d->counts.in_state[d->vis.state[v]]--;
    d->counts.in_state[s]++;
    d->vis.state[v] = (uint8_t)s;
}

// The visitor's next private stream: keyed by its key and draw count, so a visitor's
// draws do not depend on anyone else's.
static gops_rng_t visitor_rng(gops_demand_t *d, uint32_t v)
{
    gops_rng_t r;
    uint64_t k = d->vis.key[v] ^ ((uint64_t)(++d->vis.draws[v]) * GOLDEN_GAMMA);
    gops_rng_seed(&r, k, GOPS_STREAM_CROWD);
    return r;
}

static double lognormal(gops_rng_t *r, double median, double sigma, double lo, double hi)
{
    double x = median * exp(sigma * gops_rng_normal(r));
    return fmin(fmax(x, lo), hi);
}

static uint16_t current_target(const gops_demand_t *d, uint32_t v)
{
    const gops_visitors_t *V = &d->vis;
    return V->cursor[v] < V->stop_count[v] ? V->stops[(size_t)v * GOPS_ITINERARY_MAX + V->cursor[v]] : V->exit[v];
}

// A stop is unusable when closed, or a building no entrance of which is open.
static bool unusable(const gops_demand_t *d, uint16_t k)
{
    if (d->closed[k]) return true;
    const gops_destination_t *t = &d->dest->dest[k];
    return gops_dest_class_is_building(t->cls) && !gops_buildings_enterable(d->bldg, (uint32_t)t->building);
}

// Replaces the current stop (closed, or given up on) by a new draw, or skips it once the
// visitor has replanned max_replans times or nothing else is eligible.
static void replace_stop(gops_demand_t *d, uint32_t v, double now, uint16_t bad)
{
    gops_visitors_t *V = &d->vis;
    uint16_t *stops = V->stops + (size_t)v * GOPS_ITINERARY_MAX;
    uint8_t c = V->cursor[v];
    GOPS_ASSERT(c < V->stop_count[v]);
    uint16_t pick_dest = GOPS_DEST_NONE;
    if (V->replans[v] < d->params.max_replans) {
        for (uint16_t k = 0; k < d->dest->count; k++) d->blocked[k] = unusable(d, k);
        uint16_t exclude[GOPS_ITINERARY_MAX + 1];
        uint32_t n = 0;
        for (uint8_t s = 0; s < V->stop_count[v]; s++) exclude[n++] = stops[s];
        exclude[n++] = bad;
        gops_rng_t r = visitor_rng(d, v);
        pick_dest = gops_destinations_draw(d->dest, &r, now, d->blocked, exclude, n);
    }
    if (pick_dest != GOPS_DEST_NONE) {
        stops[c] = pick_dest;
        V->replans[v]++;
        d->counts.replans++;
        return;
    }
    for (uint8_t s = c; s + 1 < V->stop_count[v]; s++) stops[s] = stops[s + 1];
    V->stop_count[v]--;
    d->counts.skipped++;
}

// Another exit when the visitor's is closed: a mode drawn from the redraw weights among
// open exits (the same mode first if one of its exits is open: garages are single).
static void replace_exit(gops_demand_t *d, uint32_t v)
{
    double w[GOPS_TRANSIT_MODE_COUNT] = {0}, total = 0;
    for (int m = 0; m < GOPS_TRANSIT_MODE_COUNT; m++) {
        uint16_t e = d->dest->exit_of_mode[m];
        if (m == GOPS_TRANSIT_GARAGE || e == GOPS_DEST_NONE || d->closed[e]) continue;
        w[m] = d->params.entry_mode_weight[m];
        total += w[m];
    }
    if (!(total > 0)) return; // every exit closed: keep heading for the old one
    double cum[GOPS_TRANSIT_MODE_COUNT];
    cumulate(w, GOPS_TRANSIT_MODE_COUNT, cum);
    gops_rng_t r = visitor_rng(d, v);
    d->vis.exit[v] = d->dest->exit_of_mode[pick(cum, GOPS_TRANSIT_MODE_COUNT, gops_rng_uniform(&r))];
}

// Makes the visitor's current target usable before it sets off (closures are known).
static void settle(gops_demand_t *d, uint32_t v, double now)
{
    gops_visitors_t *V = &d->vis;
    while (V->cursor[v] < V->stop_count[v]) {
        uint16_t k = V->stops[(size_t)v * GOPS_ITINERARY_MAX + V->cursor[v]];
        if (!unusable(d, k)) return;
        replace_stop(d, v, now, k);
    }
    if (d->closed[V->exit[v]]) replace_exit(d, v);
}

// ---- arrivals ---------------------------------------------------------------------------

static uint64_t slot_seed(uint64_t seed, long slot)
{
    uint64_t s = (seed ^ ARRIVAL_TAG) + (uint64_t)slot * GOLDEN_GAMMA;
    return gops_splitmix64(&s);
}

// Draws a person's attributes from stream r, in a fixed order: key, entry point, exit, speed
// group and free speed, radius, patience.
static void draw_person(const gops_demand_t *d, gops_rng_t *r, arrival_t *a)
{
    const gops_demand_params_t *P = &d->params;
    a->key = gops_rng_next(r);
    uint32_t ei = (uint32_t)pick(d->entry_cum, (int)d->entry_count, gops_rng_uniform(r));
    uint32_t entry = d->entry_feature[ei];
    const gops_feature_t *ef = &d->map->features[entry];
    double u_redraw = gops_rng_uniform(r), u_mode = gops_rng_uniform(r);
    uint16_t exit;
    if (ef->u.transit.mode == GOPS_TRANSIT_GARAGE) {
        exit = d->dest->exit_of_feature[entry];
    } else {
        gops_transit_mode_t m = ef->u.transit.mode;
        if (u_redraw < P->exit_redraw_share && d->exit_mode_cum[GOPS_TRANSIT_MODE_COUNT - 1] > 0)
            m = (gops_transit_mode_t)pick(d->exit_mode_cum, GOPS_TRANSIT_MODE_COUNT, u_mode);
        exit = d->dest->exit_of_mode[m];
    }
    int g = pick(d->group_cum, GOPS_SPEED_GROUP_COUNT, gops_rng_uniform(r));
    double v0 = gops_rng_range(r, P->speed_min_ms[g], P->speed_max_ms[g]); // = min when the band is a point
    double radius = P->radius_mean_m + P->radius_sd_m * gops_rng_normal(r);
    radius = fmin(fmax(radius, P->radius_min_m), P->radius_max_m);
    double patience = lognormal(r, P->patience_median_s, P->patience_sigma, P->patience_min_s, P->patience_max_s);
    a->entry = entry;
    a->exit = exit;
    a->group = (uint8_t)g;
    a->v0 = (float)v0;
    a->radius = (float)radius;
    a->patience = (float)patience;
    a->gathering = 0;
    for (int k = 0; k < GOPS_ITINERARY_MAX; k++) a->stops[k] = GOPS_DEST_NONE;
}

// Draws one visitor of the profile arriving at t from the slot stream: the person, then
// 1–4 distinct stops.
static void draw_visitor(const gops_demand_t *d, gops_rng_t *r, double t, arrival_t *a)
{
    a->t = t;
    draw_person(d, r, a);
    int n = 1 + pick(d->stops_cum, GOPS_ITINERARY_MAX, gops_rng_uniform(r));
    int got = 0;
    for (int k = 0; k < n; k++) {
        // Distinct stops: each draw excludes the ones before it. Closures are ignored here
        // (they are applied when the visitor sets off), so a slot's visitors depend on the
        // seed alone.
        uint16_t s = gops_destinations_draw(d->dest, r, t, NULL, a->stops, (uint32_t)got);
        if (s == GOPS_DEST_NONE) break;
        a->stops[got++] = s;
    }
    a->stop_count = (uint8_t)got;
}

static bool slot_push(gops_demand_t *d, const arrival_t *a)
{
    if (d->slot_len == d->slot_cap) {
        uint32_t cap = d->slot_cap ? d->slot_cap * 2 : 1024;
        arrival_t *p = realloc(d->slot, (size_t)cap * sizeof *p);
        if (!p) return false;
        d->slot = p;
        d->slot_cap = cap;
    }
    d->slot[d->slot_len] = *a;
    d->slot[d->slot_len].seq = d->slot_len;
    d->slot_len++;
    return true;
}

static int arrival_order(const void *pa, const void *pb)
{
    const arrival_t *a = pa, *b = pb;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

// Appends an arrival as the next visitor record (PENDING).
static bool append_visitor(gops_demand_t *d, const arrival_t *a)
{
    gops_visitors_t *V = &d->vis;
    if (!visitors_reserve(V)) return false;
    uint32_t v = V->count++;
    V->arrive_s[v] = a->t;
    V->key[v] = a->key;
    V->v0[v] = a->v0;
    V->radius[v] = a->radius;
    V->patience[v] = a->patience;
    V->entry[v] = a->entry;
    V->exit[v] = a->exit;
    memcpy(V->stops + (size_t)v * GOPS_ITINERARY_MAX, a->stops, sizeof a->stops);
    V->state[v] = GOPS_VISITOR_PENDING;
    V->group[v] = a->group;
    V->stop_count[v] = a->stop_count;
    V->cursor[v] = 0;
    V->replans[v] = 0;
    V->draws[v] = 0;
    V->gathering[v] = a->gathering;
    d->counts.in_state[GOPS_VISITOR_PENDING]++;
    return true;
}

// Gathering g's attendees arriving in [start, end) and not before `from`, onto the slot.
static bool gather_slot(gops_demand_t *d, uint32_t g, double start, double end, double from)
{
    const gops_gathering_def_t *G = &d->params.gatherings[g];
    uint32_t j0, j1;
    gops_gathering_candidates(G, start, end, &j0, &j1);
    for (uint32_t j = j0; j < j1; j++) {
        gops_rng_t r;
        gops_rng_seed(&r, gops_gathering_attendee_seed(d->seed, g, j), GOPS_STREAM_CROWD);
        arrival_t a;
        a.t = gops_gathering_arrival_time(G, j, gops_rng_uniform(&r));
        if (a.t < start || a.t >= end || a.t < from) continue; // another slot's, or before the first window
        draw_person(d, &r, &a);
        a.stops[0] = d->gathering_place[g];
        a.stop_count = 1;
        a.gathering = (uint8_t)(g + 1);
        if (!slot_push(d, &a)) return false;
    }
    return true;
}

// Generates slot k whole: the profile's arrivals, a Poisson process of constant rate over the
// slot by exponential gaps, each followed by its attributes, then the gatherings' attendees
// due in the slot; ids follow arrival time (ties: in that order). Arrivals before `from` are
// drawn (the streams stay the same) but not kept.
static bool generate_slot(gops_demand_t *d, long k, double from)
{
    d->slot_len = 0;
    double start = (double)k * GOPS_PROFILE_SLOT_S, end = start + GOPS_PROFILE_SLOT_S;
    double mean = d->params.daily_visitors * d->profile.share[k % GOPS_PROFILE_SLOTS];
    if (mean > 0) {
        gops_rng_t r;
        gops_rng_seed(&r, slot_seed(d->seed, k), GOPS_STREAM_CROWD);
        double gap = GOPS_PROFILE_SLOT_S / mean;
        for (double t = start + gops_rng_exponential(&r, gap); t < end; t += gops_rng_exponential(&r, gap)) {
            arrival_t a;
            draw_visitor(d, &r, t, &a);
            if (t >= from && !slot_push(d, &a)) return false;
        }
    }
    uint32_t profile_len = d->slot_len;
    for (uint32_t g = 0; g < d->params.gathering_count; g++)
        if (!gather_slot(d, g, start, end, from)) return false;
    if (d->slot_len > profile_len) qsort(d->slot, d->slot_len, sizeof *d->slot, arrival_order);
    for (uint32_t i = 0; i < d->slot_len; i++)
        if (!append_visitor(d, &d->slot[i])) return false;
    return true;
}

gops_status_t gops_demand_arrivals(gops_demand_t *d, double t0_s, double t1_s, gops_visitor_range_t *out,
                                   gops_error_t *err)
{
    GOPS_ASSERT(out && t0_s >= 0 && t1_s >= t0_s);
    if (!d->started) {
        d->started = true;
        d->next_slot = gops_profile_slot(t0_s);
        d->window_end = t0_s;
        d->emitted = 0;
        // Slot k is generated whole; arrivals before the first window are dropped.
        d->next_slot_from = t0_s;
    }
    // Windows must tile time (t0 = previous t1).
    GOPS_ASSERT(t0_s == d->window_end);
    d->window_end = t1_s;
    while ((double)d->next_slot * GOPS_PROFILE_SLOT_S < t1_s) {
        if (!generate_slot(d, d->next_slot, d->next_slot_from))
            return gops_error_set(err, GOPS_NOMEM, "demand: out of memory for %u visitors", d->vis.count);
        d->next_slot++;
    }
    gops_visitors_t *V = &d->vis;
    out->first = d->emitted;
    while (d->emitted < V->count && V->arrive_s[d->emitted] < t1_s) {
        uint32_t v = d->emitted++;
        set_state(d, v, GOPS_VISITOR_WALKING);
        d->counts.arrived++;
        if (V->gathering[v]) d->counts.attendees++;
        settle(d, v, V->arrive_s[v]);
    }
    out->count = d->emitted - out->first;
    return GOPS_OK;
}

// ---- stops ------------------------------------------------------------------------------

uint16_t gops_demand_next_stop(const gops_demand_t *d, uint32_t v)
{
    GOPS_ASSERT(v < d->vis.count);
    return current_target(d, v);
}

static bool timer_before(timer_t_ a, timer_t_ b) { return a.t < b.t || (a.t == b.t && a.v < b.v); }

static bool push_timer(timers_t *q, double t, uint32_t v)
{
    if (q->len == q->cap) {
        uint32_t cap = q->cap ? q->cap * 2 : 1024;
        timer_t_ *h = realloc(q->h, (size_t)cap * sizeof *h);
        if (!h) return false;
        q->h = h;
        q->cap = cap;
    }
    timer_t_ x = {t, v};
    uint32_t i = q->len++;
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!timer_before(x, q->h[p])) break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = x;
    return true;
}

static timer_t_ pop_timer(timers_t *q)
{
    timer_t_ top = q->h[0], x = q->h[--q->len];
    uint32_t n = q->len, i = 0;
    if (n == 0) return top;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && timer_before(q->h[c + 1], q->h[c])) c++;
        if (!timer_before(q->h[c], x)) break;
        q->h[i] = q->h[c];
        i = c;
    }
    q->h[i] = x;
    return top;
}

gops_status_t gops_demand_arrived(gops_demand_t *d, uint32_t v, double now_s, int32_t entrance_feature,
                                  gops_arrival_result_t *out, gops_error_t *err)
{
    GOPS_ASSERT(out && v < d->emitted && d->vis.state[v] == GOPS_VISITOR_WALKING);
    gops_visitors_t *V = &d->vis;
    uint16_t k = current_target(d, v);
    const gops_destination_t *t = &d->dest->dest[k];
    *out = (gops_arrival_result_t){GOPS_OUTCOME_REDIRECTED, now_s, k};

    if (t->cls == GOPS_DEST_EXIT) {
        if (d->closed[k]) {
            replace_exit(d, v);
            out->next = current_target(d, v);
            return GOPS_OK;
        }
        set_state(d, v, GOPS_VISITOR_LEFT);
        d->counts.left++;
        out->outcome = GOPS_OUTCOME_LEFT;
        return GOPS_OK;
    }
    if (unusable(d, k)) {
        replace_stop(d, v, now_s, k);
        settle(d, v, now_s);
        out->next = current_target(d, v);
        return GOPS_OK;
    }
    if (!gops_dest_class_is_building(t->cls)) {
        // An attendee stays at its place, or at any place it was sent to instead, until its
        // leave time (no draw), and moves on at once when it comes later; other visitors draw
        // a stay for the kind of place.
        double until;
        if (V->gathering[v]) {
            until = fmax(now_s, gops_gathering_leave_time(&d->params.gatherings[V->gathering[v] - 1], V->key[v]));
        } else {
            gops_rng_t r = visitor_rng(d, v);
            until = now_s + lognormal(&r, d->params.linger_median_s[t->cls], d->params.linger_sigma[t->cls],
                                      LINGER_MIN_S, LINGER_MAX_S);
        }
        if (!push_timer(&d->linger, until, v)) return gops_error_set(err, GOPS_NOMEM, "demand: out of memory");
        set_state(d, v, GOPS_VISITOR_LINGERING);
        out->outcome = GOPS_OUTCOME_LINGER;
        out->until_s = until;
        return GOPS_OK;
    }

    uint32_t b = (uint32_t)t->building;
    int32_t e = -1;
    if (entrance_feature >= 0) {
        e = gops_buildings_entrance_of(d->bldg, (uint32_t)entrance_feature);
        // The crowd reports the door the visitor reached: it must be one of this building's.
        GOPS_ASSERT(e >= 0 && gops_buildings_entrance_building(d->bldg, (uint32_t)e) == b);
    } else {
        uint32_t n;
        const uint32_t *list = gops_buildings_entrances(d->bldg, b, &n);
        for (uint32_t i = 0; i < n && e < 0; i++)
            if (gops_buildings_entrance_is_open(d->bldg, list[i])) e = (int32_t)list[i];
        GOPS_ASSERT(e >= 0); // the building is enterable, so one is open
    }
    gops_rng_t r = visitor_rng(d, v);
    double dwell = gops_buildings_draw_dwell(d->bldg, b, &r);
    gops_entry_result_t res;
    double until;
    gops_status_t st =
        gops_buildings_request(d->bldg, b, (uint32_t)e, v, now_s, dwell, V->patience[v], &res, &until, err);
    if (st != GOPS_OK) return st;
    switch (res) {
    case GOPS_ENTRY_ADMITTED:
        set_state(d, v, GOPS_VISITOR_INSIDE);
        d->counts.building_entries++;
        out->outcome = GOPS_OUTCOME_ENTERED;
        out->until_s = until;
        break;
    case GOPS_ENTRY_QUEUED:
        set_state(d, v, GOPS_VISITOR_QUEUED);
        out->outcome = GOPS_OUTCOME_QUEUED;
        break;
    case GOPS_ENTRY_ENTRANCE_CLOSED: // same building, another door: the crowd re-routes
        break;
    case GOPS_ENTRY_CLOSED: // not reachable: enterable() was checked above
        replace_stop(d, v, now_s, k);
        settle(d, v, now_s);
        out->next = current_target(d, v);
        break;
    }
    return GOPS_OK;
}

// ---- stepping ---------------------------------------------------------------------------

static bool push_event(gops_demand_t *d, gops_demand_event_t e)
{
    if (d->ev_count == d->ev_cap) {
        uint32_t cap = d->ev_cap ? d->ev_cap * 2 : 256;
        gops_demand_event_t *p = realloc(d->ev, (size_t)cap * sizeof *p);
        if (!p) return false;
        d->ev = p;
        d->ev_cap = cap;
    }
    d->ev[d->ev_count++] = e;
    return true;
}

// A point standing for destination k as seen from p: the nearest of its sources' points for
// buildings and exits (the entrance or transit point one would head for), else its centre.
static gops_point_t target_point(const gops_demand_t *d, uint16_t k, gops_point_t p)
{
    const gops_destination_t *t = &d->dest->dest[k];
    if (!gops_dest_class_is_building(t->cls) && t->cls != GOPS_DEST_EXIT) return t->at;
    gops_point_t best = t->at;
    double best_d = INFINITY;
    for (uint32_t s = 0; s < t->source_count; s++) {
        gops_point_t q = d->map->features[d->dest->sources[t->first_source + s]].at;
        double dd = (q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y);
        if (dd < best_d) best_d = dd, best = q;
    }
    return best;
}

gops_status_t gops_demand_step(gops_demand_t *d, double now_s, const gops_demand_event_t **events, uint32_t *count,
                               gops_error_t *err)
{
    GOPS_ASSERT(events && count && now_s >= d->last_step);
    d->last_step = now_s;
    d->ev_count = 0;
    d->bev.count = 0;
    gops_status_t st = gops_buildings_step(d->bldg, now_s, &d->bev, err);
    if (st != GOPS_OK) return st;
    for (uint32_t i = 0; i < d->bev.count; i++) {
        const gops_building_event_t *be = &d->bev.items[i];
        uint32_t v = be->visitor;
        gops_demand_event_t e = {0};
        e.visitor = v;
        e.t_s = be->t_s;
        e.entrance_feature = (int32_t)gops_buildings_entrance_feature(d->bldg, be->entrance);
        e.next = GOPS_DEST_NONE;
        switch (be->kind) {
        case GOPS_BUILDING_RELEASED: {
            e.kind = GOPS_DEMAND_RELEASED;
            set_state(d, v, GOPS_VISITOR_WALKING);
            d->vis.cursor[v]++;
            settle(d, v, be->t_s);
            e.next = current_target(d, v);
            // Out by the door facing where the visitor goes next.
            gops_point_t here = d->map->features[e.entrance_feature].at;
            uint32_t door = gops_buildings_exit_entrance(d->bldg, be->building, target_point(d, e.next, here));
            e.entrance_feature = (int32_t)gops_buildings_entrance_feature(d->bldg, door);
            break;
        }
        case GOPS_BUILDING_ADMITTED:
            e.kind = GOPS_DEMAND_ADMITTED;
            e.until_s = be->until_s;
            set_state(d, v, GOPS_VISITOR_INSIDE);
            d->counts.building_entries++;
            break;
        case GOPS_BUILDING_GAVE_UP:
            e.kind = GOPS_DEMAND_GAVE_UP;
            set_state(d, v, GOPS_VISITOR_WALKING);
            d->counts.gave_up++;
            replace_stop(d, v, be->t_s, current_target(d, v));
            settle(d, v, be->t_s);
            e.next = current_target(d, v);
            break;
        case GOPS_BUILDING_TURNED_AWAY:
            // A closed building is replaced; a closed door only sends the visitor to another.
            e.kind = GOPS_DEMAND_TURNED_AWAY;
            set_state(d, v, GOPS_VISITOR_WALKING);
            settle(d, v, be->t_s);
            e.next = current_target(d, v);
            break;
        }
        if (!push_event(d, e)) return gops_error_set(err, GOPS_NOMEM, "demand: out of memory");
    }
    while (d->linger.len && d->linger.h[0].t <= now_s) {
        timer_t_ x = pop_timer(&d->linger);
        uint32_t v = x.v;
        set_state(d, v, GOPS_VISITOR_WALKING);
        d->vis.cursor[v]++;
        settle(d, v, x.t);
        gops_demand_event_t e = {GOPS_DEMAND_LINGER_DONE, v, -1, current_target(d, v), x.t, 0};
        if (!push_event(d, e)) return gops_error_set(err, GOPS_NOMEM, "demand: out of memory");
    }
    *events = d->ev;
    *count = d->ev_count;
    return GOPS_OK;
}

// ---- closures, counts, accessors --------------------------------------------------------

void gops_demand_set_closed(gops_demand_t *d, uint16_t dest, bool closed)
{
    GOPS_ASSERT(dest < d->dest->count);
    d->closed[dest] = closed;
    const gops_destination_t *t = &d->dest->dest[dest];
    if (gops_dest_class_is_building(t->cls)) gops_buildings_set_open(d->bldg, (uint32_t)t->building, !closed);
}

bool gops_demand_redirect(gops_demand_t *d, uint32_t v, uint16_t dest)
{
    GOPS_ASSERT(v < d->vis.count && dest < d->dest->count);
    gops_visitors_t *V = &d->vis;
    if (V->state[v] != GOPS_VISITOR_WALKING) return false;
    uint16_t *stops = V->stops + (size_t)v * GOPS_ITINERARY_MAX;
    if (d->dest->dest[dest].cls == GOPS_DEST_EXIT) {
        V->exit[v] = dest;
        V->cursor[v] = V->stop_count[v]; // leave now: the remaining stops are dropped
    } else if (V->cursor[v] < V->stop_count[v]) {
        stops[V->cursor[v]] = dest;
    } else if (V->stop_count[v] < GOPS_ITINERARY_MAX) {
        stops[V->stop_count[v]++] = dest; // on the way out: one more stop first
    } else {
        return false;
    }
    return true;
}

bool gops_demand_is_closed(const gops_demand_t *d, uint16_t dest)
{
    GOPS_ASSERT(dest < d->dest->count);
    return unusable(d, dest);
}

void gops_demand_counts(const gops_demand_t *d, gops_demand_counts_t *out) { *out = d->counts; }

int32_t gops_demand_find_gathering(const gops_demand_t *d, const char *name)
{
    for (uint32_t g = 0; g < d->params.gathering_count; g++)
        if (strcmp(d->params.gatherings[g].name, name) == 0) return (int32_t)g;
    return -1;
}

uint16_t gops_demand_gathering_place(const gops_demand_t *d, uint32_t g)
{
    GOPS_ASSERT(g < d->params.gathering_count);
    return d->gathering_place[g];
}

void gops_demand_gathering_counts(const gops_demand_t *d, uint32_t g, gops_gathering_counts_t *out)
{
    GOPS_ASSERT(g < d->params.gathering_count);
    memset(out, 0, sizeof *out);
    out->people = d->params.gatherings[g].people;
    out->first_arrival_s = out->last_arrival_s = NAN;
    const gops_visitors_t *V = &d->vis;
    for (uint32_t v = 0; v < V->count; v++) {
        if (V->gathering[v] != g + 1) continue;
        out->in_state[V->state[v]]++;
        if (V->state[v] == GOPS_VISITOR_PENDING) continue;
        if (out->arrived++ == 0) out->first_arrival_s = V->arrive_s[v];
        out->last_arrival_s = V->arrive_s[v]; // ids follow arrival time
        if (V->state[v] == GOPS_VISITOR_LINGERING && current_target(d, v) == d->gathering_place[g]) out->at_place++;
    }
}
const gops_visitors_t *gops_demand_visitors(const gops_demand_t *d) { return &d->vis; }
const gops_destinations_t *gops_demand_destinations(const gops_demand_t *d) { return d->dest; }
gops_buildings_t *gops_demand_buildings(gops_demand_t *d) { return d->bldg; }
const gops_demand_params_t *gops_demand_params(const gops_demand_t *d) { return &d->params; }
const gops_profile_t *gops_demand_profile(const gops_demand_t *d) { return &d->profile; }

double gops_demand_expected(const gops_demand_t *d, double t0_s, double t1_s)
{
    return d->params.daily_visitors * gops_profile_fraction(&d->profile, t0_s, t1_s);
}

// ---- estimate without walking -----------------------------------------------------------

typedef struct est {
    gops_demand_t *d;
    double detour;
    float *x, *y;      // where each visitor is (or last was), m
    int32_t *door;     // entrance feature a walking visitor heads for, -1 when none
    uint32_t cap;
    timers_t walks;    // walks in progress, by end time
    double visit_sum;
    uint64_t visits;
} est_t;

static bool est_reserve(est_t *e, uint32_t n)
{
    if (n <= e->cap) return true;
    uint32_t cap = e->cap ? e->cap : 4096;
    while (cap < n) cap *= 2;
    float *x = realloc(e->x, cap * sizeof *x);
    if (!x) return false;
    e->x = x;
    float *y = realloc(e->y, cap * sizeof *y);
    if (!y) return false;
    e->y = y;
    int32_t *door = realloc(e->door, cap * sizeof *door);
    if (!door) return false;
    e->door = door;
    e->cap = cap;
    return true;
}

// Starts visitor v's walk from its position at time t towards its current target.
static bool est_walk(est_t *e, uint32_t v, double t)
{
    gops_demand_t *d = e->d;
    uint16_t k = current_target(d, v);
    const gops_destination_t *dest = &d->dest->dest[k];
    gops_point_t here = {e->x[v], e->y[v]}, to = dest->at;
    e->door[v] = -1;
    if (gops_dest_class_is_building(dest->cls)) {
        // The nearest open door.
        double best = INFINITY;
        for (uint32_t s = 0; s < dest->source_count; s++) {
            uint32_t f = (uint32_t)d->dest->sources[dest->first_source + s];
            int32_t ei = gops_buildings_entrance_of(d->bldg, f);
            if (ei < 0 || !gops_buildings_entrance_is_open(d->bldg, (uint32_t)ei)) continue;
            gops_point_t q = d->map->features[f].at;
            double dd = hypot(q.x - here.x, q.y - here.y);
            if (dd < best) best = dd, to = q, e->door[v] = (int32_t)f;
        }
    } else if (dest->cls == GOPS_DEST_EXIT) {
        to = target_point(d, k, here);
    }
    double dur = hypot(to.x - here.x, to.y - here.y) * e->detour / d->vis.v0[v];
    e->x[v] = (float)to.x;
    e->y[v] = (float)to.y;
    return push_timer(&e->walks, t + dur, v);
}

gops_status_t gops_demand_estimate(const gops_map_t *map, const gops_demand_params_t *params, uint64_t seed,
                                   double t0_s, double t1_s, double detour, double sample_s,
                                   gops_demand_estimate_t *out, gops_error_t *err)
{
    GOPS_ASSERT(out && t0_s >= 0 && t1_s > t0_s && detour >= 1);
    memset(out, 0, sizeof *out);
    est_t e = {.detour = detour};
    gops_status_t st = GOPS_OK;
    if (!(e.d = gops_demand_create(map, params, seed, err))) return err ? err->status : GOPS_INTERNAL;
    gops_demand_t *d = e.d;
    const double step = 10.0;
    long steps = (long)ceil((t1_s - t0_s) / step);
    for (long i = 0; i < steps; i++) {
        double ta = t0_s + (double)i * step, tb = fmin(t0_s + (double)(i + 1) * step, t1_s);
        gops_visitor_range_t r;
        if ((st = gops_demand_arrivals(d, ta, tb, &r, err)) != GOPS_OK) goto done;
        if (!est_reserve(&e, d->vis.count)) goto nomem;
        for (uint32_t v = r.first; v < r.first + r.count; v++) {
            gops_point_t p = map->features[d->vis.entry[v]].at;
            e.x[v] = (float)p.x, e.y[v] = (float)p.y;
            if (!est_walk(&e, v, d->vis.arrive_s[v])) goto nomem;
        }
        while (e.walks.len && e.walks.h[0].t <= tb) {
            timer_t_ w = pop_timer(&e.walks);
            gops_arrival_result_t res;
            if ((st = gops_demand_arrived(d, w.v, w.t, e.door[w.v], &res, err)) != GOPS_OK) goto done;
            if (res.outcome == GOPS_OUTCOME_LEFT) {
                e.visit_sum += w.t - d->vis.arrive_s[w.v];
                e.visits++;
            } else if (res.outcome == GOPS_OUTCOME_REDIRECTED && !est_walk(&e, w.v, w.t)) {
                goto nomem;
            }
        }
        const gops_demand_event_t *ev;
        uint32_t n;
        if ((st = gops_demand_step(d, tb, &ev, &n, err)) != GOPS_OK) goto done;
        for (uint32_t k = 0; k < n; k++) {
            if (ev[k].kind == GOPS_DEMAND_ADMITTED) continue;
            uint32_t v = ev[k].visitor;
            if (ev[k].entrance_feature >= 0) {
                gops_point_t p = map->features[ev[k].entrance_feature].at;
                e.x[v] = (float)p.x, e.y[v] = (float)p.y;
            }
            if (!est_walk(&e, v, ev[k].t_s)) goto nomem;
        }
        // Sample once a minute.
        if (fmod(tb - t0_s, 60.0) == 0 || tb == t1_s) {
            uint32_t inside = d->counts.in_state[GOPS_VISITOR_INSIDE];
            uint32_t street = d->counts.in_state[GOPS_VISITOR_WALKING] + d->counts.in_state[GOPS_VISITOR_QUEUED] +
                              d->counts.in_state[GOPS_VISITOR_LINGERING];
            if (inside > out->peak_inside) out->peak_inside = inside, out->peak_inside_s = tb;
            if (street > out->peak_street) out->peak_street = street, out->peak_street_s = tb;
            if (inside + street > out->peak_total) out->peak_total = inside + street, out->peak_total_s = tb;
            if (tb == sample_s) {
                out->inside_at_sample = inside;
                out->street_at_sample = street;
                out->total_at_sample = inside + street;
            }
        }
    }
    out->visitors = d->counts.arrived;
    out->mean_visit_s = e.visits ? e.visit_sum / (double)e.visits : 0;
    goto done;
nomem:
    st = gops_error_set(err, GOPS_NOMEM, "demand estimate: out of memory");
done:
    free(e.x);
    free(e.y);
    free(e.door);
    free(e.walks.h);
    gops_demand_destroy(d);
    return st;
}

// ---- checkpoints (crowd_checkpoint.h) ----------------------------------------------------
// Visitor records, closures, the arrival windows, lingering timers and counts change; the
// destination table and the entry points come from the map and stay as built. The event
// lists are per-step scratch and start empty.

#define VISITOR_ARRAYS(X)                                                                       \
    X(arrive_s, 1) X(key, 1) X(v0, 1) X(radius, 1) X(patience, 1) X(entry, 1) X(exit, 1)       \
    X(stops, GOPS_ITINERARY_MAX) X(state, 1) X(group, 1) X(stop_count, 1) X(cursor, 1)         \
    X(replans, 1) X(draws, 1) X(gathering, 1)

void gops_demand_save(const gops_demand_t *d, gops_ckpt_writer_t *w)
{
    GOPS_CKPT_PUT(w, "demand", d);
    const gops_visitors_t *V = &d->vis;
#define SAVE_VISITORS(field, per) \
    GOPS_CKPT_PUT_ARRAY(w, "demand.vis." #field, V->field, (uint64_t)V->count * (per));
    VISITOR_ARRAYS(SAVE_VISITORS)
#undef SAVE_VISITORS
    GOPS_CKPT_PUT_ARRAY(w, "demand.closed", d->closed, d->dest->count);
    GOPS_CKPT_PUT_ARRAY(w, "demand.slot", d->slot, d->slot_len);
    GOPS_CKPT_PUT_ARRAY(w, "demand.linger", d->linger.h, d->linger.len);
    gops_buildings_save(d->bldg, w);
}

void gops_demand_load(gops_demand_t *d, gops_ckpt_reader_t *r)
{
    gops_demand_t s;
    if (!GOPS_CKPT_GET(r, "demand", &s)) return;
    if (s.entry_count != d->entry_count || s.vis.count > s.vis.capacity) {
        gops_ckpt_fail(r, "demand with %u entry points and %u of %u visitor records, expected %u entry points as on "
                       "this map",
                       s.entry_count, s.vis.count, s.vis.capacity, d->entry_count);
        return;
    }
    gops_demand_t fresh = *d;
    *d = s;
    d->map = fresh.map;
    d->dest = fresh.dest;
    d->bldg = fresh.bldg;
    d->entry_feature = fresh.entry_feature;
    d->entry_cum = fresh.entry_cum;
    d->blocked = fresh.blocked; // scratch, by destination
    d->ev = fresh.ev, d->ev_count = 0, d->ev_cap = fresh.ev_cap;
    d->bev = fresh.bev;
    d->bev.count = 0;
    visitors_free(&fresh.vis);
    gops_visitors_t *V = &d->vis;
    uint32_t count = V->count, cap = V->capacity;
#define LOAD_VISITORS(field, per)                                                                          \
    V->field = gops_ckpt_get_alloc(r, "demand.vis." #field, sizeof *V->field, (uint64_t)count * (per),         \
                                   (uint64_t)cap * (per));                                                 \
    if (!V->field) V->count = V->capacity = 0;
    VISITOR_ARRAYS(LOAD_VISITORS)
#undef LOAD_VISITORS
    free(fresh.closed);
    d->closed = gops_ckpt_get_alloc(r, "demand.closed", 1, d->dest->count, d->dest->count);
    free(fresh.slot);
    GOPS_CKPT_LOAD_ARRAY(r, "demand.slot", d->slot, d->slot_len, d->slot_cap);
    if (!d->slot) d->slot_cap = 0;
    free(fresh.linger.h);
    GOPS_CKPT_LOAD_ARRAY(r, "demand.linger", d->linger.h, d->linger.len, d->linger.cap);
    if (!d->linger.h) d->linger.cap = 0;
    gops_buildings_load(d->bldg, r);
}
