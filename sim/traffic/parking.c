// SPDX-License-Identifier: MIT
// Illegal parking (TRAFFIC.md): whether a driver double-parks at the kerb lane (by the
// time-of-day and mode profile, more for deliveries and when the garage is full, less
// where enforcement is present), e-bikes left on sidewalks at malls (and when they leave),
// and the enforcement hooks that move double-parked cars on and remove e-bikes.
// Ordering: parked e-bikes in the order they were parked (removal keeps the order).
#include "traffic/traffic_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DELIVERY_FACTOR 2.0      // vans double-park this much more readily than shoppers
#define FULL_GARAGE_FACTOR 3.0   // and drivers who found garages full
#define ENFORCEMENT_CUT 0.8      // full enforcement presence removes this share of illegal parking
#define P_MAX 0.95
#define EBIKE_STAY_MEAN_S 5400.0 // e-bikes stay 1.5 h on average
#define EBIKE_AREA_M2 1.2

gops_status_t trf_parking_init(gops_traffic_t *trf, gops_error_t *err)
{
    trf_parking_t *K = &trf->parking;
    memset(K, 0, sizeof *K);
    K->sidewalk = calloc(trf->places.count + 1, sizeof *K->sidewalk);
    if (!K->sidewalk) return gops_error_set(err, GOPS_NOMEM, "traffic parking: out of memory");
    return GOPS_OK;
}

void trf_parking_free(gops_traffic_t *trf)
{
    trf_parking_t *K = &trf->parking;
    free(K->sidewalk);
    free(K->bike_place);
    free(K->bike_leave);
    memset(K, 0, sizeof *K);
}

static double profile_p(const gops_traffic_t *trf, const int *cols)
{
    if (!trf->demand.loaded) return 0;
    return gops_tprofile_at(&trf->demand.parking, cols[trf->mode], trf_tod(trf));
}

double trf_parking_double_park_p(const gops_traffic_t *trf, uint32_t arc, gops_purpose_t purpose, bool garage_full)
{
    double p = profile_p(trf, trf->demand.dpark_col);
    if (purpose == GOPS_PURPOSE_DELIVERY) p *= DELIVERY_FACTOR;
    if (garage_full) p *= FULL_GARAGE_FACTOR;
    p *= 1.0 - ENFORCEMENT_CUT * trf->enforcement[arc];
    return p < 0 ? 0 : (p > P_MAX ? P_MAX : p);
}

static void remove_bike(trf_parking_t *K, uint32_t k)
{
    K->sidewalk[K->bike_place[k]]--;
    memmove(K->bike_place + k, K->bike_place + k + 1, (K->bike_count - k - 1) * sizeof *K->bike_place);
    memmove(K->bike_leave + k, K->bike_leave + k + 1, (K->bike_count - k - 1) * sizeof *K->bike_leave);
    K->bike_count--;
}

void trf_parking_ebike_arrives(gops_traffic_t *trf, uint32_t place, uint32_t arc)
{
    trf_parking_t *K = &trf->parking;
    if (place >= trf->places.count) return;
    double p = profile_p(trf, trf->demand.sidewalk_col) * (1.0 - ENFORCEMENT_CUT * trf->enforcement[arc]);
    if (gops_rng_uniform(trf->rng) >= p) return; // parked in a bay
    if (K->bike_count == K->bike_cap) {
        uint32_t cap = K->bike_cap ? K->bike_cap * 2 : 64;
        uint32_t *bp = realloc(K->bike_place, cap * sizeof *bp);
        if (!bp) return;
        K->bike_place = bp;
        double *bl = realloc(K->bike_leave, cap * sizeof *bl);
        if (!bl) return;
        K->bike_leave = bl;
        K->bike_cap = cap;
    }
    K->bike_place[K->bike_count] = place;
    K->bike_leave[K->bike_count] = trf->t + gops_rng_exponential(trf->rng, EBIKE_STAY_MEAN_S);
    K->bike_count++;
    K->sidewalk[place]++;
}

void trf_parking_step(gops_traffic_t *trf)
{
    trf_parking_t *K = &trf->parking;
    for (uint32_t k = 0; k < K->bike_count;) {
        if (K->bike_leave[k] <= trf->t) remove_bike(K, k);
        else k++;
    }
}

// Distance (m) from p to an arc's centre line.
static double arc_distance(const gops_tnet_t *net, uint32_t arc, gops_point_t q)
{
    const gops_tnet_arc_t *A = &net->arcs[arc];
    double best = INFINITY;
    for (uint32_t k = 0; k + 1 < A->pt_count; k++) {
        gops_point_t p0 = net->pts[A->first_pt + k], p1 = net->pts[A->first_pt + k + 1];
        double dx = p1.x - p0.x, dy = p1.y - p0.y, len2 = dx * dx + dy * dy;
        double t = len2 > 0 ? ((q.x - p0.x) * dx + (q.y - p0.y) * dy) / len2 : 0;
        t = t < 0 ? 0 : (t > 1 ? 1 : t);
        double d = hypot(q.x - p0.x - t * dx, q.y - p0.y - t * dy);
        if (d < best) best = d;
    }
    return best;
}

void gops_traffic_set_enforcement(gops_traffic_t *trf, double x, double y, double radius_m, double presence)
{
    double p = presence < 0 ? 0 : (presence > 1 ? 1 : presence);
    gops_point_t q = {x, y};
    for (uint32_t a = 0; a < trf->net->arc_count; a++)
        if (arc_distance(trf->net, a, q) <= radius_m) trf->enforcement[a] = (float)p;
}

uint32_t gops_traffic_clear_double_parking(gops_traffic_t *trf, double x, double y, double radius_m)
{
    gops_vehicles_t *V = &trf->veh;
    uint32_t moved = 0;
    for (uint32_t i = 0; i < V->count; i++) {
        if (V->state[i] != GOPS_VSTATE_DWELL || V->dwell_kind[i] != GOPS_DWELL_DOUBLE_PARK) continue;
        const gops_tnet_lane_t *L = &trf->net->lanes[V->lane[i]];
        gops_point_t at;
        gops_tnet_pose(trf->net, L->arc, V->s[i], L->offset_m, &at, NULL);
        if (hypot(at.x - x, at.y - y) > radius_m) continue;
        V->dwell[i] = 0; // drives off at the next step
        moved++;
    }
    trf->parking.double_parked_moved += moved;
    return moved;
}

uint32_t gops_traffic_clear_sidewalk_ebikes(gops_traffic_t *trf, double x, double y, double radius_m)
{
    trf_parking_t *K = &trf->parking;
    uint32_t removed = 0;
    for (uint32_t k = 0; k < K->bike_count;) {
        const gops_place_t *pl = &trf->places.items[K->bike_place[k]];
        if (hypot(pl->at.x - x, pl->at.y - y) <= radius_m) {
            remove_bike(K, k);
            removed++;
        } else {
            k++;
        }
    }
    K->ebikes_removed += removed;
    return removed;
}

uint32_t gops_traffic_sidewalk_ebikes(const gops_traffic_t *trf, gops_traffic_parked_ebikes_t *out, uint32_t cap)
{
    uint32_t n = 0;
    for (uint32_t p = 0; p < trf->places.count; p++) {
        uint32_t c = trf->parking.sidewalk[p];
        if (c == 0) continue;
        if (n < cap)
            out[n] = (gops_traffic_parked_ebikes_t){.x = trf->places.items[p].at.x, .y = trf->places.items[p].at.y,
                                                    .count = c, .area_m2 = c * EBIKE_AREA_M2};
        n++;
    }
    return n;
}
