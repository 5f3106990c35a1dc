// SPDX-License-Identifier: MIT
// Vendors on the move: how many mobile vendors are out (by mode and hour), where they set
// up (pitch choice by footfall), what they do on seeing enforcement (enforcement.c's
// probabilities), the cat-and-mouse that follows (time until they trade again, how far
// they moved), customers, litter and complaints on the street, and the trips to and from
// stalls (licence holders, and vendors who comply or walk in). Stall states are
// licensees.c's; incidents street_incidents.c's.
//
// Ordering: vendors in index order (licence holders in stall order, then the mobile pool);
// each vendor draws only from its own stream, so one vendor's choices never shift another's
// numbers. Enforcers are read in the source's order; the nearest within the radius wins,
// the lowest index on ties.
#include "vendors/vendors_internal.h"

#include "ops/ops.h"

#include <math.h>

void gops_vendors_plan_mobile(gops_vendors_t *v)
{
    const gops_vendors_params_t *p = &v->params;
    int hour = (int)floor(v->sod / 3600.0);
    if (hour < 0) hour = 0;
    if (hour > 23) hour = 23;
    uint32_t target = (uint32_t)floor(p->mobile[v->mode] * p->hour_share[hour] + 0.5);
    for (uint32_t i = v->licensee_count; i < v->vendor_count; i++) {
        gops_vendor_t *vd = &v->vendors[i];
        vd->wanted = i - v->licensee_count < target;
    }
}

static double dist(gops_point_t a, gops_point_t b)
{
    return hypot(a.x - b.x, a.y - b.y);
}

static double travel_s(const gops_vendors_t *v, gops_point_t a, gops_point_t b)
{
    return dist(a, b) * v->params.detour / v->params.cart_speed_mps;
}

/// The nearest enforcer within the see radius of p, or NONE; *on_scene when it is working
/// on operations incident `ops_id` (dispatched to this very vendor).
static uint32_t enforcer_near(const gops_vendors_t *v, gops_point_t p, uint32_t ops_id, bool *on_scene)
{
    double r2 = v->params.reactions.see_radius_m * v->params.reactions.see_radius_m, best = INFINITY;
    uint32_t found = GOPS_VENDORS_NONE;
    *on_scene = false;
    for (uint32_t k = 0; k < v->enforcer_count; k++) {
        const gops_enforcer_t *e = &v->enforcers[k];
        double dx = e->at.x - p.x, dy = e->at.y - p.y, d2 = dx * dx + dy * dy;
        if (d2 > r2) continue;
        if (ops_id != 0 && e->incident == ops_id) *on_scene = true;
        if (d2 < best) best = d2, found = k;
    }
    return found;
}

/// Enforcement in sight of a site's anchor: 1, else 0.
static double site_risk(const gops_vendors_t *v, gops_point_t at)
{
    bool on_scene;
    return enforcer_near(v, at, 0, &on_scene) != GOPS_VENDORS_NONE ? 1.0 : 0.0;
}

static double weight_of(const gops_vendors_t *v, uint32_t site, uint32_t self)
{
    const gops_site_t *s = &v->sites.sites[site];
    uint32_t others = s->vendors - (v->vendors[self].site == site && s->vendors > 0);
    return gops_site_weight(&v->params.pitches, s->footfall, others, site_risk(v, s->at));
}

/// Chooses a site for vendor i (one draw). With `here` (a vendor already out, moving on or
/// coming back) sites are weighed by exp(−distance / move_scale_m) from it; sites within
/// avoid_m of `avoid` and sites in cleared areas are left out.
static uint32_t choose_site(gops_vendors_t *v, uint32_t i, const gops_point_t *here, gops_point_t avoid, double avoid_m,
                            double *weights)
{
    double u = gops_rng_uniform(&v->vendors[i].rng);
    for (uint32_t k = 0; k < v->sites.count; k++) {
        gops_point_t at = v->sites.sites[k].at;
        weights[k] = weight_of(v, k, i);
        if (here) weights[k] *= exp(-dist(at, *here) / v->params.pitches.move_scale_m);
        if (avoid_m > 0 && dist(at, avoid) < avoid_m) weights[k] = 0;
        if (gops_vendors_site_cleared(v, k)) weights[k] = 0;
    }
    return gops_pitch_choose(weights, v->sites.count, u);
}

static void commit_site(gops_vendors_t *v, uint32_t i, uint32_t site)
{
    gops_vendor_t *vd = &v->vendors[i];
    if (vd->site != GOPS_VENDORS_NONE) v->sites.sites[vd->site].vendors--;
    vd->site = site;
    if (site != GOPS_VENDORS_NONE) v->sites.sites[site].vendors++;
}

static bool pick_pitch(gops_vendors_t *v, uint32_t i, uint32_t site, gops_point_t *at)
{
    return gops_site_pick(&v->sites, site, v->district->walk, v->obstacles, v->obstacle_count,
                          v->params.pitches.min_spacing_m, &v->vendors[i].rng, at);
}

/// Off the street for a while (the mode's mean return time), to come back from displaced_from.
static void go_away(gops_vendors_t *v, uint32_t i)
{
    gops_vendor_t *vd = &v->vendors[i];
    commit_site(v, i, GOPS_VENDORS_NONE);
    vd->state = GOPS_VENDOR_AWAY;
    vd->t_next = v->now + gops_rng_exponential(&vd->rng, v->params.reactions.return_mean_s[v->mode]);
}

static void go_off(gops_vendors_t *v, uint32_t i)
{
    gops_vendor_t *vd = &v->vendors[i];
    commit_site(v, i, GOPS_VENDORS_NONE);
    vd->state = GOPS_VENDOR_OFF;
    vd->displaced = false; // a return not made is not timed (censored)
    vd->chosen = false;
    gops_queue_clear(&vd->queue);
}

static void start_setup(gops_vendors_t *v, uint32_t i, double setup_s)
{
    gops_vendor_t *vd = &v->vendors[i];
    vd->state = GOPS_VENDOR_SETUP;
    vd->t_next = v->now + (setup_s > 0 ? setup_s : 0);
    vd->quiet_until = v->now;
    gops_queue_reset(&vd->queue);
    vd->episode = gops_street_open(v, GOPS_STREET_VENDING, vd->at, i);
}

static void start_packing(gops_vendors_t *v, uint32_t i, gops_vendor_after_t after)
{
    gops_vendor_t *vd = &v->vendors[i];
    vd->state = GOPS_VENDOR_PACKING;
    vd->after = after;
    vd->t_next = v->now + v->params.mobile_packup_s;
    gops_queue_clear(&vd->queue);
}

/// Goes for a stall at the point with room nearest to `from`; false when none has room.
static bool head_for_stall(gops_vendors_t *v, uint32_t i, gops_point_t from, double extra_s)
{
    double d;
    uint32_t k = gops_vendors_nearest_room(v, from, &d);
    if (k == GOPS_VENDORS_NONE) return false;
    gops_vendors_stall_reserve(v, gops_stalls_first_free(&v->stalls, k), i);
    gops_vendor_t *vd = &v->vendors[i];
    vd->state = GOPS_VENDOR_TO_STALL;
    vd->from = from;
    vd->at = v->stalls.stalls[vd->stall].at;
    vd->t_next = v->now + extra_s + travel_s(v, from, vd->at);
    return true;
}

/// The vendor met enforcement at its pitch: decide and act.
static void react(gops_vendors_t *v, uint32_t i, uint32_t enforcer, bool on_scene, double *weights)
{
    gops_vendor_t *vd = &v->vendors[i];
    const gops_reaction_params_t *rp = &v->params.reactions;
    double d = INFINITY;
    bool room = gops_vendors_nearest_room(v, vd->at, &d) != GOPS_VENDORS_NONE;
    gops_reaction_probs_t probs = gops_reaction_probs(rp, v->mode, v->tolerance, room, d, on_scene);
    gops_reaction_t r = gops_reaction_draw(&probs, gops_rng_uniform(&vd->rng));
    gops_point_t seen_at = v->enforcers[enforcer].at;
    v->acc.encounters++;
    if (r == GOPS_REACT_RELOCATE) {
        uint32_t site = choose_site(v, i, &vd->at, seen_at, rp->flee_m, weights);
        if (site == GOPS_VENDORS_NONE) r = GOPS_REACT_PACK_UP; // nowhere out of sight: give up for now
        else {
            vd->next_site = site;
        }
    }
    v->acc.reactions[r]++;
    switch (r) {
    case GOPS_REACT_STAY:
        vd->quiet_until = v->now + rp->tolerated_s;
        return;
    case GOPS_REACT_COMPLY: {
        uint32_t k = gops_vendors_nearest_room(v, vd->at, NULL);
        gops_vendors_stall_reserve(v, gops_stalls_first_free(&v->stalls, k), i);
        start_packing(v, i, GOPS_AFTER_STALL);
        return;
    }
    case GOPS_REACT_RELOCATE:
    case GOPS_REACT_PACK_UP:
        vd->displaced = true;
        vd->t_displaced = v->now;
        vd->displaced_from = vd->at;
        start_packing(v, i, r == GOPS_REACT_RELOCATE ? GOPS_AFTER_PITCH : GOPS_AFTER_AWAY);
        return;
    default: return;
    }
}

/// The vendor's site lies in a cleared area: it packs up and moves to a site outside, or
/// goes away for a while when every site is out of reach (one draw either way).
static void leave_cleared(gops_vendors_t *v, uint32_t i, double *weights)
{
    gops_vendor_t *vd = &v->vendors[i];
    uint32_t site = choose_site(v, i, &vd->at, (gops_point_t){0, 0}, 0, weights);
    v->acc.cleared_moves++;
    vd->next_site = site;
    start_packing(v, i, site == GOPS_VENDORS_NONE ? GOPS_AFTER_AWAY : GOPS_AFTER_PITCH);
}

/// Trading on the street for one step: customers, litter, complaints, reviewing the pitch.
static void trade(gops_vendors_t *v, uint32_t i, double *weights)
{
    const gops_vendors_params_t *p = &v->params;
    gops_vendor_t *vd = &v->vendors[i];
    uint32_t near = gops_vendors_footfall(v, vd->at, p->customers.radius_m);
    gops_queue_step(&vd->queue, &p->customers, near, v->now, v->dt, &vd->rng);
    double u_litter = gops_rng_uniform(&vd->rng), u_complaint = gops_rng_uniform(&vd->rng);
    if (u_litter < p->litter_per_vendor_h * v->dt / 3600.0) gops_street_open(v, GOPS_STREET_LITTER, vd->at, i);
    uint32_t squeezed = gops_vendors_footfall(v, vd->at, p->obstruction_footfall_m);
    if (u_complaint < p->complaints_per_ped_h * squeezed * v->dt / 3600.0) {
        v->acc.complaints++;
        if (vd->episode != GOPS_VENDORS_NONE) gops_street_report(v, vd->episode, GOPS_DETECT_COMPLAINT);
    }
    if (v->now < vd->t_review || vd->site == GOPS_VENDORS_NONE) return;
    vd->t_review = v->now + p->review_s;
    uint32_t site = choose_site(v, i, &vd->at, (gops_point_t){0, 0}, 0, weights);
    if (site == GOPS_VENDORS_NONE || site == vd->site) return;
    if (!(weights[site] > p->review_gain * weights[vd->site])) return;
    v->acc.voluntary++;
    vd->next_site = site;
    start_packing(v, i, GOPS_AFTER_PITCH);
}

static void arrive_at_pitch(gops_vendors_t *v, uint32_t i, double *weights)
{
    gops_vendor_t *vd = &v->vendors[i];
    if (!vd->chosen) { // from home: choose on arrival, where the footfall is now
        uint32_t site = choose_site(v, i, NULL, (gops_point_t){0, 0}, 0, weights);
        if (site == GOPS_VENDORS_NONE) { // a map without sites: nowhere to trade
            go_off(v, i);
            return;
        }
        commit_site(v, i, site);
        (void)pick_pitch(v, i, site, &vd->at); // checked below
    }
    vd->chosen = false;
    // Carts set up while this vendor was on its way may stand too close: two side by side
    // block a walkway each alone leaves passable. Another pitch in the site, or away a while.
    if (gops_pitch_gap(vd->at, v->obstacles, v->obstacle_count) < v->params.pitches.min_spacing_m &&
        !pick_pitch(v, i, vd->site, &vd->at)) {
        vd->displaced_from = vd->at;
        go_away(v, i);
        return;
    }
    double setup = v->params.mobile_setup_s;
    if (vd->kind == GOPS_VENDOR_LICENSEE) // a late start finds it already set up
        setup = fmin(setup, fmax(0.0, vd->arrive_at + v->params.mobile_setup_s - v->now));
    start_setup(v, i, setup);
    gops_vendors_rebuild_obstacles(v); // the cart is in the way of whoever arrives later this step
}

/// Packing on the street is done: the incident ends and the vendor moves on.
static void packed(gops_vendors_t *v, uint32_t i)
{
    gops_vendor_t *vd = &v->vendors[i];
    if (vd->episode != GOPS_VENDORS_NONE) gops_street_end(v, vd->episode);
    vd->episode = GOPS_VENDORS_NONE;
    gops_point_t here = vd->at;
    switch (vd->after) {
    case GOPS_AFTER_OFF:
        go_off(v, i);
        break;
    case GOPS_AFTER_AWAY:
        go_away(v, i);
        break;
    case GOPS_AFTER_PITCH: {
        uint32_t site = vd->next_site;
        vd->next_site = GOPS_VENDORS_NONE;
        // The site chosen before packing was cleared meanwhile: another, or away for a while.
        if (gops_vendors_site_cleared(v, site)) site = choose_site(v, i, &here, (gops_point_t){0, 0}, 0, v->site_weights);
        if (site == GOPS_VENDORS_NONE) {
            go_away(v, i);
            break;
        }
        commit_site(v, i, site);
        (void)pick_pitch(v, i, site, &vd->at); // where to head; checked again on arrival
        vd->from = here;
        vd->state = GOPS_VENDOR_TO_PITCH;
        vd->chosen = true;
        vd->t_next = v->now + travel_s(v, here, vd->at);
        vd->t_review = vd->t_next + v->params.review_s;
        break;
    }
    case GOPS_AFTER_STALL:
        commit_site(v, i, GOPS_VENDORS_NONE);
        vd->state = GOPS_VENDOR_TO_STALL;
        vd->from = here;
        vd->at = v->stalls.stalls[vd->stall].at;
        vd->t_next = v->now + travel_s(v, here, vd->at);
        break;
    }
}

static bool on_street(gops_vendor_state_t s)
{
    return s == GOPS_VENDOR_TO_PITCH || s == GOPS_VENDOR_SETUP || s == GOPS_VENDOR_TRADING ||
           s == GOPS_VENDOR_PACKING || s == GOPS_VENDOR_AWAY;
}

/// One transition of vendor i; true when the state changed and the new state should be
/// looked at in the same step.
static bool advance(gops_vendors_t *v, uint32_t i, double *weights)
{
    const gops_vendors_params_t *p = &v->params;
    gops_vendor_t *vd = &v->vendors[i];
    // A mobile vendor who complied keeps its stall while the point trades; else the street.
    if (vd->kind == GOPS_VENDOR_MOBILE)
        vd->street = !(vd->state == GOPS_VENDOR_TO_STALL || vd->state == GOPS_VENDOR_AT_STALL);
    // Wanted where it is not: off the street towards a stall, or off a stall to the street.
    bool misplaced = (on_street(vd->state) && !vd->street) ||
                     ((vd->state == GOPS_VENDOR_TO_STALL || vd->state == GOPS_VENDOR_AT_STALL) &&
                      (vd->street || !gops_vendors_point_open(v, v->stalls.stalls[vd->stall].point)));
    bool stay = vd->wanted && !misplaced;
    switch (vd->state) {
    case GOPS_VENDOR_OFF:
        if (!vd->wanted) return false;
        if (vd->kind == GOPS_VENDOR_LICENSEE && !vd->street) { // to its stall, on its way since arrive_at
            uint32_t held = v->stalls.stalls[vd->home_stall].occupant;
            if (held != GOPS_VENDORS_NONE && held != i) return false; // lent out while it was away: waits
            gops_vendors_stall_reserve(v, vd->home_stall, i);
            vd->state = GOPS_VENDOR_TO_STALL;
            vd->at = v->stalls.stalls[vd->stall].at;
            vd->t_next = v->now;
            return true;
        }
        if (vd->kind == GOPS_VENDOR_LICENSEE) { // trading on the street tonight
            vd->state = GOPS_VENDOR_TO_PITCH;
            vd->chosen = false;
            vd->t_next = v->now;
            return true;
        }
        {
            double u_walk_in = gops_rng_uniform(&vd->rng), e = gops_rng_exponential(&vd->rng, 1.0) * p->arrive_mean_s;
            // Coming from home: the first site stands in for where it enters the district.
            gops_point_t from = v->sites.count ? v->sites.sites[0].at : (gops_point_t){0, 0};
            if (u_walk_in < p->walk_in[v->mode] && head_for_stall(v, i, from, 0)) {
                vd->t_next = v->now + e; // from home: the arrival time, not the distance
                return false;
            }
            vd->state = GOPS_VENDOR_TO_PITCH;
            vd->chosen = false;
            vd->t_next = v->now + e;
        }
        return false;
    case GOPS_VENDOR_TO_PITCH:
        if (!stay) {
            go_off(v, i);
            return true;
        }
        if (vd->chosen && gops_vendors_site_cleared(v, vd->site)) { // cleared on the way: choose on arrival
            commit_site(v, i, GOPS_VENDORS_NONE);
            vd->chosen = false;
        }
        if (vd->t_next > v->now) return false;
        arrive_at_pitch(v, i, weights);
        return false;
    case GOPS_VENDOR_SETUP:
    case GOPS_VENDOR_TRADING: {
        if (!stay) {
            start_packing(v, i, GOPS_AFTER_OFF);
            return false;
        }
        if (gops_vendors_site_cleared(v, vd->site)) {
            leave_cleared(v, i, weights);
            return false;
        }
        if (v->now >= vd->quiet_until) {
            uint32_t ops_id = vd->episode != GOPS_VENDORS_NONE ? v->incidents[vd->episode].ops_id : 0;
            bool on_scene;
            uint32_t e = enforcer_near(v, vd->at, ops_id, &on_scene);
            if (e != GOPS_VENDORS_NONE) {
                if (!v->ops && vd->episode != GOPS_VENDORS_NONE)
                    gops_street_detect(v, vd->episode, GOPS_DETECT_PATROL, v->now);
                react(v, i, e, on_scene, weights);
                if (vd->state == GOPS_VENDOR_PACKING) return false;
            }
        }
        if (vd->state == GOPS_VENDOR_SETUP) {
            if (vd->t_next > v->now) return false;
            vd->state = GOPS_VENDOR_TRADING;
            vd->t_review = v->now + p->review_s;
            if (vd->displaced) {
                vd->displaced = false;
                gops_vendors_record_return(v, v->now - vd->t_displaced);
                v->acc.displacement_sum += dist(vd->displaced_from, vd->at);
                v->acc.displacements++;
            }
            // How much of the walkway this footprint takes (sampled once per set-up).
            double before, after;
            gops_obstruction_local_width(v->district->walk, v->obstacles, v->obstacle_count, vd->at,
                                         GOPS_PITCH_WALKWAY_REACH_M, 0.1, &before, &after);
            vd->walkway_m = before; // caps the footprint its queue grows to (vendors.c)
            gops_obstruction_cross_section(v->district->walk, vd->at, GOPS_PITCH_WALKWAY_REACH_M, 0.1, &vd->side_m[0],
                                           &vd->side_m[1]);
            vd->door_room_m = gops_sites_doorway_room_m(&v->sites, vd->at, p->pitches.clear_width_m);
            if (before > 0) {
                v->acc.width_before_sum += before;
                v->acc.width_after_sum += after;
                v->acc.width_samples++;
            }
            return false;
        }
        trade(v, i, weights);
        return false;
    }
    case GOPS_VENDOR_PACKING:
        if (vd->t_next > v->now) return false;
        if (!stay && vd->after != GOPS_AFTER_OFF) {
            if (vd->after == GOPS_AFTER_STALL) gops_vendors_stall_leave(v, i, 0);
            vd->after = GOPS_AFTER_OFF;
        }
        packed(v, i);
        return vd->state != GOPS_VENDOR_OFF;
    case GOPS_VENDOR_AWAY: {
        if (!stay) {
            go_off(v, i);
            return true;
        }
        if (vd->t_next > v->now) return false;
        uint32_t site = choose_site(v, i, &vd->displaced_from, (gops_point_t){0, 0}, 0, weights);
        if (site == GOPS_VENDORS_NONE) {
            go_off(v, i);
            return false;
        }
        commit_site(v, i, site);
        vd->from = vd->displaced_from;
        (void)pick_pitch(v, i, site, &vd->at); // where to head; checked again on arrival
        vd->chosen = true;
        vd->state = GOPS_VENDOR_TO_PITCH;
        vd->t_next = v->now + travel_s(v, vd->from, vd->at);
        return false;
    }
    case GOPS_VENDOR_TO_STALL:
        if (!stay) {
            gops_vendors_stall_leave(v, i, 0);
            go_off(v, i);
            return true;
        }
        if (vd->t_next > v->now) return false;
        vd->state = GOPS_VENDOR_AT_STALL;
        {
            double setup = vd->kind == GOPS_VENDOR_LICENSEE
                               ? fmax(0.0, vd->arrive_at + p->stall_setup_s - v->now)
                               : p->mobile_setup_s;
            gops_vendors_stall_arrive(v, i, setup);
        }
        return false;
    case GOPS_VENDOR_AT_STALL:
        if (stay) return false;
        if (gops_vendors_stall_leave(v, i, vd->kind == GOPS_VENDOR_LICENSEE ? p->stall_packup_s : p->mobile_packup_s)) {
            go_off(v, i);
            return true;
        }
        return false; // the stall's packing ends it (licensees.c)
    default:
        return false;
    }
}

void gops_vendors_step_vendors(gops_vendors_t *v)
{
    for (uint32_t i = 0; i < v->vendor_count; i++)
        for (int k = 0; k < 4 && advance(v, i, v->site_weights); k++) {
        }
}
