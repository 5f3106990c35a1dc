// SPDX-License-Identifier: MIT
// The guidance points at work: whether a point trades now (policy, mode, hours, not in a
// cleared area), the licence holders' evening (who comes, when, and — without the points —
// who trades on the street instead), stalls setting up, opening, packing up and being shut
// after a failed hygiene inspection, customers and litter at stalls, and free stalls for
// vendors who comply. Street behaviour is mobile.c's.
//
// Ordering: points in map order, stalls and licence holders in stall order. The evening's
// draws of a licence holder (attends, trades on the street, arrival delay) are made at the
// first step inside an opening from its own stream, always three numbers, so a policy that
// changes what happens on the street never changes who comes.
#include "vendors/vendors_internal.h"

#include "core/assert.h"

#include <math.h>

static int32_t open_of(const gops_vendors_t *v, const gops_guidance_point_t *gp)
{
    int32_t o = v->params.open_s[v->mode];
    return o >= 0 ? o : gp->map_open_s;
}

static int32_t close_of(const gops_vendors_t *v, const gops_guidance_point_t *gp)
{
    int32_t c = v->params.close_s[v->mode];
    return c >= 0 ? c : gp->map_close_s;
}

/// The point's hours contain now and its mode lets it trade (the policy aside).
static bool hours_now(const gops_vendors_t *v, const gops_guidance_point_t *gp)
{
    return v->params.points_open[v->mode] && gops_hours_contain(open_of(v, gp), close_of(v, gp), v->sod);
}

bool gops_vendors_point_open(const gops_vendors_t *v, uint32_t point)
{
    return v->params.guidance_points && hours_now(v, &v->stalls.points[point]) && !gops_vendors_point_cleared(v, point);
}

/// Index of the latest opening at or before now (openings are daily at the opening time).
static int64_t window_of(const gops_vendors_t *v, const gops_guidance_point_t *gp)
{
    double local = v->day_offset_s + v->now; // s since midnight of the first day
    return (int64_t)floor((local - open_of(v, gp)) / 86400.0);
}

void gops_vendors_plan_licensees(gops_vendors_t *v)
{
    const gops_vendors_params_t *p = &v->params;
    for (uint32_t i = 0; i < v->licensee_count; i++) {
        gops_vendor_t *vd = &v->vendors[i];
        gops_stall_t *st = &v->stalls.stalls[vd->home_stall];
        const gops_guidance_point_t *gp = &v->stalls.points[st->point];
        if (!hours_now(v, gp)) {
            vd->wanted = false;
            st->free_today = false;
            continue;
        }
        int64_t w = window_of(v, gp);
        if (w != vd->window) {
            double u_attend = gops_rng_uniform(&vd->rng), u_street = gops_rng_uniform(&vd->rng);
            double delay = gops_rng_exponential(&vd->rng, 1.0) * p->arrival_mean_s; // mean 0 allowed
            double opened = (double)w * 86400.0 + open_of(v, gp) - v->day_offset_s; // s since start
            vd->window = w;
            vd->attends = u_attend < p->attendance[v->mode];
            vd->to_street = u_street < p->displaced_share;
            vd->arrive_at = opened + delay;
        }
        // A point in a cleared area is shut: its licence holders stay away (their draws are
        // made all the same, so reopening it does not change who comes).
        if (p->guidance_points && gops_vendors_point_cleared(v, st->point)) {
            vd->wanted = false;
            st->free_today = false;
            continue;
        }
        st->free_today = p->guidance_points && !vd->attends;
        vd->street = !p->guidance_points;
        vd->wanted = vd->attends && v->now >= vd->arrive_at && (p->guidance_points || vd->to_street);
    }
}

uint32_t gops_vendors_nearest_room(const gops_vendors_t *v, gops_point_t p, double *distance_m)
{
    uint32_t best = GOPS_VENDORS_NONE;
    double best_d = INFINITY;
    for (uint32_t k = 0; k < v->stalls.point_count; k++) {
        if (!gops_vendors_point_open(v, k) || gops_stalls_free_at(&v->stalls, k) == 0) continue;
        double d = hypot(v->stalls.points[k].at.x - p.x, v->stalls.points[k].at.y - p.y);
        if (d < best_d) best_d = d, best = k;
    }
    if (distance_m) *distance_m = best_d;
    return best;
}

void gops_vendors_stall_reserve(gops_vendors_t *v, uint32_t s, uint32_t i)
{
    GOPS_ASSERT(v->stalls.stalls[s].occupant == GOPS_VENDORS_NONE);
    v->stalls.stalls[s].occupant = i;
    v->vendors[i].stall = s;
}

void gops_vendors_stall_arrive(gops_vendors_t *v, uint32_t i, double setup_s)
{
    gops_stall_t *st = &v->stalls.stalls[v->vendors[i].stall];
    GOPS_ASSERT(st->occupant == i);
    gops_queue_clear(&st->queue);
    st->state = setup_s > 0 ? GOPS_STALL_SETUP : GOPS_STALL_OPEN;
    st->t_next = v->now + setup_s;
}

bool gops_vendors_stall_leave(gops_vendors_t *v, uint32_t i, double packup_s)
{
    gops_vendor_t *vd = &v->vendors[i];
    gops_stall_t *st = &v->stalls.stalls[vd->stall];
    switch (st->state) {
    case GOPS_STALL_CLOSED: // only reserved
        st->occupant = GOPS_VENDORS_NONE;
        vd->stall = GOPS_VENDORS_NONE;
        return true;
    case GOPS_STALL_PACKING:
        return false;
    default:
        st->state = GOPS_STALL_PACKING;
        st->t_next = v->now + packup_s;
        gops_queue_clear(&st->queue);
        return false;
    }
}

/// A hygiene inspection at point k: up to stalls_per_inspection open stalls, from a random
/// one onwards in stall order; a failed stall is shut and reported as stall disorder.
static void inspect(gops_vendors_t *v, uint32_t k)
{
    const gops_vendors_params_t *p = &v->params;
    gops_guidance_point_t *gp = &v->stalls.points[k];
    gp->inspections++;
    uint32_t start = (uint32_t)gops_rng_below(&gp->rng, gp->stall_count ? gp->stall_count : 1), checked = 0;
    for (uint32_t j = 0; j < gp->stall_count && checked < p->stalls_per_inspection; j++) {
        uint32_t s = gp->first_stall + (start + j) % gp->stall_count;
        gops_stall_t *st = &v->stalls.stalls[s];
        if (st->state != GOPS_STALL_OPEN) continue;
        checked++;
        gp->stalls_inspected++;
        if (gops_rng_uniform(&gp->rng) < p->hygiene_pass) {
            gp->stalls_passed++;
            continue;
        }
        st->state = GOPS_STALL_SHUT;
        st->t_next = v->now + p->shut_s;
        gops_queue_clear(&st->queue);
        gops_street_open(v, GOPS_STREET_DISORDER, st->at, st->occupant);
    }
}

static void vendor_gone(gops_vendors_t *v, gops_stall_t *st)
{
    if (st->occupant == GOPS_VENDORS_NONE) return;
    gops_vendor_t *vd = &v->vendors[st->occupant];
    vd->stall = GOPS_VENDORS_NONE;
    vd->state = GOPS_VENDOR_OFF;
    st->occupant = GOPS_VENDORS_NONE;
}

void gops_vendors_step_stalls(gops_vendors_t *v)
{
    const gops_vendors_params_t *p = &v->params;
    double end = v->now + v->dt;
    for (uint32_t k = 0; k < v->stalls.point_count; k++) {
        gops_guidance_point_t *gp = &v->stalls.points[k];
        double rate = p->inspections_per_point_h[v->mode];
        if (!gops_vendors_point_open(v, k) || !(rate > 0)) {
            gp->next_inspection_s = INFINITY;
            continue;
        }
        if (isinf(gp->next_inspection_s)) gp->next_inspection_s = v->now + gops_rng_exponential(&gp->rng, 3600.0 / rate);
        while (gp->next_inspection_s < end) {
            inspect(v, k);
            gp->next_inspection_s += gops_rng_exponential(&gp->rng, 3600.0 / rate);
        }
    }
    for (uint32_t s = 0; s < v->stalls.stall_count; s++) {
        gops_stall_t *st = &v->stalls.stalls[s];
        switch (st->state) {
        case GOPS_STALL_SETUP:
        case GOPS_STALL_SHUT:
            if (st->t_next <= v->now) st->state = GOPS_STALL_OPEN;
            break;
        case GOPS_STALL_PACKING:
            if (st->t_next <= v->now) {
                st->state = GOPS_STALL_CLOSED;
                vendor_gone(v, st);
            }
            break;
        default: break;
        }
        if (st->state != GOPS_STALL_OPEN) continue;
        uint32_t near = gops_vendors_footfall(v, st->at, p->customers.radius_m);
        gops_queue_step(&st->queue, &p->customers, near, v->now, v->dt, &st->rng);
        if (gops_rng_uniform(&st->rng) < p->stall_litter_per_h * v->dt / 3600.0)
            gops_street_open(v, GOPS_STREET_LITTER, st->at, st->occupant);
    }
}
