// SPDX-License-Identifier: MIT
// Loop detectors for validation scenarios: a named point across one road segment (both
// directions) that counts motor vehicles passing it and keeps the time of each passage,
// interpolated within the step from the front bumper's positions before and after the move
// (as a stop-line observer would time it). Passages during the warm-up are not counted.
// It does not move vehicles; movement.c reports each move here when detectors exist.
// Ordering: passages are recorded in vehicle-index order within a step.
#include "traffic/traffic_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int32_t find(const trf_detectors_t *D, const char *name)
{
    for (uint32_t k = 0; k < D->count; k++)
        if (strcmp(D->items[k].name, name) == 0) return (int32_t)k;
    return -1;
}

gops_status_t gops_traffic_add_detector(gops_traffic_t *trf, const char *name, uint32_t edge, double s_forward,
                                        gops_error_t *err)
{
    trf_detectors_t *D = &trf->detectors;
    if (!name || !name[0] || strlen(name) >= sizeof D->items[0].name)
        return gops_error_set(err, GOPS_BAD_VALUE, "traffic detector: a name of 1 to %zu bytes is expected",
                              sizeof D->items[0].name - 1);
    if (find(D, name) >= 0)
        return gops_error_set(err, GOPS_BAD_VALUE, "traffic detector \"%s\" exists already: expected a new name", name);
    if (edge >= trf->net->arc_count / 2)
        return gops_error_set(err, GOPS_BAD_VALUE, "traffic detector \"%s\": road segment %u does not exist", name, edge);
    double len = trf->net->arcs[2 * edge].length;
    if (!(s_forward >= 0 && s_forward <= len))
        return gops_error_set(err, GOPS_BAD_VALUE, "traffic detector \"%s\": position %g m is off the segment (0 to %.1f m)",
                              name, s_forward, len);
    if (!D->on_arc && !(D->on_arc = calloc(trf->net->arc_count + 1, 1)))
        return gops_error_set(err, GOPS_NOMEM, "traffic detector: out of memory");
    if (D->count == D->cap) {
        uint32_t cap = D->cap ? 2 * D->cap : 4;
        trf_detector_t *grown = realloc(D->items, cap * sizeof *grown);
        if (!grown) return gops_error_set(err, GOPS_NOMEM, "traffic detector: out of memory");
        D->items = grown;
        D->cap = cap;
    }
    trf_detector_t *d = &D->items[D->count++];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", name);
    d->arc[0] = 2 * edge;
    d->arc[1] = 2 * edge + 1;
    d->s[0] = (float)s_forward;
    d->s[1] = (float)(len - s_forward);
    D->on_arc[2 * edge] = D->on_arc[2 * edge + 1] = 1;
    return GOPS_OK;
}

bool gops_traffic_detector(const gops_traffic_t *trf, const char *name, gops_traffic_detector_info_t *out)
{
    int32_t k = find(&trf->detectors, name);
    if (k < 0) return false;
    const trf_detector_t *d = &trf->detectors.items[k];
    out->count = d->count;
    out->first_s = d->count ? d->times[0] : NAN;
    out->last_s = d->count ? d->times[d->count - 1] : NAN;
    return true;
}

uint32_t gops_traffic_detector_times(const gops_traffic_t *trf, const char *name, double *times, uint32_t cap)
{
    int32_t k = find(&trf->detectors, name);
    if (k < 0) return 0;
    const trf_detector_t *d = &trf->detectors.items[k];
    for (uint32_t i = 0; i < d->count && i < cap; i++) times[i] = d->times[i];
    return (uint32_t)d->count;
}

static void record(trf_detector_t *d, double t)
{
    if (d->count == d->time_cap) {
        uint32_t cap = d->time_cap ? 2 * d->time_cap : 64;
        double *grown = realloc(d->times, cap * sizeof *grown);
        if (!grown) return; // out of memory: the passage goes uncounted
        d->times = grown;
        d->time_cap = cap;
    }
    d->times[d->count++] = t;
}

void trf_detectors_pass(gops_traffic_t *trf, uint32_t i, uint32_t arc, float s_old, float s_new)
{
    trf_detectors_t *D = &trf->detectors;
    if (trf->warming || !D->on_arc[arc] || !(s_new > s_old)) return;
    const gops_tnet_lane_t *L = &trf->net->lanes[trf->veh.lane[i]];
    if (L->index >= trf->net->arcs[L->arc].lanes) return; // e-bikes in the non-motor lane
    for (uint32_t k = 0; k < D->count; k++) {
        trf_detector_t *d = &D->items[k];
        for (int side = 0; side < 2; side++) {
            if (d->arc[side] != arc || !(s_old < d->s[side] && d->s[side] <= s_new)) continue;
            record(d, trf->t + trf->dt * (double)(d->s[side] - s_old) / (double)(s_new - s_old));
        }
    }
}

void trf_detectors_free(gops_traffic_t *trf)
{
    trf_detectors_t *D = &trf->detectors;
    for (uint32_t k = 0; k < D->count; k++) free(D->items[k].times);
    free(D->items);
    free(D->on_arc);
    memset(D, 0, sizeof *D);
}

void trf_detectors_hash(const gops_traffic_t *trf, gops_hash_t *h)
{
    const trf_detectors_t *D = &trf->detectors;
    for (uint32_t k = 0; k < D->count; k++) {
        gops_hash_u64(h, D->items[k].count);
        if (D->items[k].count) gops_hash_f64(h, D->items[k].times[D->items[k].count - 1]);
    }
}
