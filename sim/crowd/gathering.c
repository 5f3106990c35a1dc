// SPDX-License-Identifier: MIT
// Event crowds (gathering.h): definitions, their checks, the place lookup and the rules for
// attendees' arrival and leave times. Randomness: attendee j of gathering g draws from a
// stream keyed by (run seed, g, j) only, so which window or slot first asks for it does not
// change it. Does not hold visitors or run their lifecycle (demand.c).
#include "crowd/gathering.h"

#include "core/assert.h"
#include "core/rng.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define GATHER_TAG 0x3C6EF372FE94F82Bull // keeps attendees' streams apart from the slots'
#define LEAVE_TAG 0xA54FF53A5F1D36F1ull  // the leave-time share derived from a visitor's key
#define GOLDEN_GAMMA 0x9E3779B97F4A7C15ull
#define DAY_S 86400.0

static const char *const arrival_names[GOPS_GATHERING_ARRIVAL_COUNT] = {"uniform", "ramp"};

const char *gops_gathering_arrival_name(gops_gathering_arrival_t a)
{
    return (unsigned)a < GOPS_GATHERING_ARRIVAL_COUNT ? arrival_names[a] : "?";
}

int gops_gathering_arrival_from_name(const char *name)
{
    for (int i = 0; name && i < GOPS_GATHERING_ARRIVAL_COUNT; i++)
        if (strcmp(name, arrival_names[i]) == 0) return i;
    return -1;
}

gops_gathering_def_t gops_gathering_def_default(void)
{
    gops_gathering_def_t g;
    memset(&g, 0, sizeof g);
    g.arrival = GOPS_GATHERING_UNIFORM;
    // Assumption: a crowd that stayed for a countdown or an encore disperses over about a
    // quarter of an hour (some leave at once, some linger for photos).
    g.leave_spread_s = 900;
    return g;
}

gops_status_t gops_gathering_def_validate(const gops_gathering_def_t *g, gops_error_t *err)
{
    if (memchr(g->name, '\0', sizeof g->name) == NULL || memchr(g->place, '\0', sizeof g->place) == NULL ||
        memchr(g->where, '\0', sizeof g->where) == NULL)
        return gops_error_set(err, GOPS_BAD_VALUE, "gathering: a name, place or location is not terminated");
    const char *w = g->where, *n = g->name;
    if (!g->place[0])
        return gops_error_set(err, GOPS_BAD_VALUE, "%sgathering \"%s\": no place, expected a plaza, pedestrian "
                              "street or vendor point", w, n);
    if (g->people < 1 || g->people > GOPS_GATHERING_PEOPLE_MAX)
        return gops_error_set(err, GOPS_BAD_VALUE, "%sgathering \"%s\": people = %u, expected 1..%u", w, n, g->people,
                              (unsigned)GOPS_GATHERING_PEOPLE_MAX);
    if (!(isfinite(g->from_s) && g->from_s >= 0 && isfinite(g->to_s) && g->to_s > g->from_s &&
          g->to_s - g->from_s <= DAY_S))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "%sgathering \"%s\": arrivals from %g s to %g s, expected 0 <= from < to <= from + 24 h",
                              w, n, g->from_s, g->to_s);
    if (!(isfinite(g->stay_until_s) && g->stay_until_s >= g->to_s && g->stay_until_s <= g->from_s + 2 * DAY_S))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "%sgathering \"%s\": stay_until %g s, expected at or after the last arrival (%g s) "
                              "and within 48 h of the first",
                              w, n, g->stay_until_s, g->to_s);
    if (!(isfinite(g->leave_spread_s) && g->leave_spread_s >= 0 && g->leave_spread_s <= DAY_S / 2))
        return gops_error_set(err, GOPS_BAD_VALUE, "%sgathering \"%s\": leave_spread %g s, expected 0..12 h", w, n,
                              g->leave_spread_s);
    if ((unsigned)g->arrival >= GOPS_GATHERING_ARRIVAL_COUNT)
        return gops_error_set(err, GOPS_BAD_VALUE, "%sgathering \"%s\": arrival %d, expected uniform or ramp", w, n,
                              (int)g->arrival);
    return GOPS_OK;
}

static bool named(const gops_feature_t *f, const char *name)
{
    return (f->id && strcmp(f->id, name) == 0) || (f->name && strcmp(f->name, name) == 0) ||
           (f->name_en && strcmp(f->name_en, name) == 0);
}

uint16_t gops_gathering_find_place(const gops_destinations_t *t, const gops_map_t *map, const char *name,
                                   bool *building_or_exit)
{
    bool other = false;
    for (uint16_t k = 0; k < t->count; k++) {
        const gops_destination_t *d = &t->dest[k];
        bool match = (d->label && strcmp(d->label, name) == 0) ||
                     (d->feature >= 0 && (uint32_t)d->feature < map->feature_count && named(&map->features[d->feature], name));
        if (!match) continue;
        if (!gops_dest_class_is_building(d->cls) && d->cls != GOPS_DEST_EXIT) {
            if (building_or_exit) *building_or_exit = false;
            return k;
        }
        other = true;
    }
    if (building_or_exit) *building_or_exit = other;
    return GOPS_DEST_NONE;
}

// The arrival shape's distribution over the window, x in [0, 1] the share of it gone by.
static double shape_cdf(gops_gathering_arrival_t a, double x)
{
    return a == GOPS_GATHERING_RAMP ? x * x : x;
}

static double shape_inverse(gops_gathering_arrival_t a, double q)
{
    return a == GOPS_GATHERING_RAMP ? sqrt(q) : q;
}

double gops_gathering_arrival_time(const gops_gathering_def_t *g, uint32_t j, double u)
{
    GOPS_ASSERT(j < g->people && u >= 0 && u < 1);
    double q = ((double)j + u) / (double)g->people;
    double t = g->from_s + (g->to_s - g->from_s) * shape_inverse(g->arrival, fmin(q, 1.0));
    // Rounding may reach `to` for the last attendee: keep the window half-open.
    return t < g->to_s ? t : nextafter(g->to_s, g->from_s);
}

void gops_gathering_candidates(const gops_gathering_def_t *g, double t0_s, double t1_s, uint32_t *first,
                               uint32_t *end)
{
    *first = *end = 0;
    if (!(t1_s > g->from_s && t0_s < g->to_s && t1_s > t0_s)) return;
    double span = g->to_s - g->from_s;
    double q0 = shape_cdf(g->arrival, fmax((t0_s - g->from_s) / span, 0.0));
    double q1 = shape_cdf(g->arrival, fmin((t1_s - g->from_s) / span, 1.0));
    // One stratum of slack each side covers the rounding of the inverse.
    double a = floor(q0 * g->people) - 1, b = ceil(q1 * g->people) + 1;
    *first = a <= 0 ? 0 : (uint32_t)a;
    *end = b >= g->people ? g->people : (uint32_t)b;
    if (*end < *first) *end = *first;
}

uint64_t gops_gathering_attendee_seed(uint64_t seed, uint32_t index, uint32_t j)
{
    GOPS_ASSERT(index < GOPS_GATHERINGS_MAX && j <= GOPS_GATHERING_PEOPLE_MAX);
    uint64_t s = (seed ^ GATHER_TAG) + (((uint64_t)index << 32) | j) * GOLDEN_GAMMA;
    return gops_splitmix64(&s);
}

double gops_gathering_leave_time(const gops_gathering_def_t *g, uint64_t key)
{
    uint64_t s = key ^ LEAVE_TAG;
    double u = (double)(gops_splitmix64(&s) >> 11) * 0x1.0p-53;
    return g->stay_until_s + g->leave_spread_s * u;
}
