// SPDX-License-Identifier: MIT
// The vendors subsystem's glue (see vendors.h): parameters and their checks, attaching to
// the world, the step, the footprint list, the enforcer sources, the state hash and the
// scenario-facing queries and levers. Behaviour lives in licensees.c (stalls), mobile.c
// (street), street_incidents.c (incidents and reports), vendor_measures.c (measures).
//
// One step (default every 1 s): read the time and mode; count pedestrians on the footfall
// grid and update the sites' footfall; read the enforcers (a custom source, else the
// operations model's teams, else the stand-in); volunteers' hours; plan who wants to trade;
// stalls; vendors in index order; incidents in index order; footprints (handed to the crowd);
// measures.
// Random numbers: one stream per vendor, per stall, per point, one for the stand-in and one
// for incidents, all seeded at attach from the world's vendors stream in that order.
#include "vendors/vendors_internal.h"
#include "vendors/vendors_checkpoint.h"

#include "crowd/actions.h"
#include "crowd/crowd.h"
#include "ops/ops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VENDORS_SUBSYSTEM_NAME "vendors"
/// Footfall grid cell, m: fine enough that "within 5 m" is a disc, not a square.
#define FOOTFALL_CELL_M 1.0

gops_vendors_params_t gops_vendors_params_default(void)
{
    gops_vendors_params_t p;
    memset(&p, 0, sizeof p);
    p.step_s = 1.0;
    p.guidance_points = true;
    for (int m = 0; m < GOPS_MODE_COUNT; m++) {
        p.points_open[m] = m != GOPS_MODE_EMERGENCY;
        p.open_s[m] = p.close_s[m] = -1;
    }
    const double attendance[GOPS_MODE_COUNT] = {0.8, 0.9, 0.85, 0.0};
    const double inspections[GOPS_MODE_COUNT] = {0.25, 0.5, 0.5, 0.0};
    const double walk_in[GOPS_MODE_COUNT] = {0.1, 0.1, 0.2, 0.0};
    const uint32_t mobile[GOPS_MODE_COUNT] = {80, 120, 40, 20};
    memcpy(p.attendance, attendance, sizeof attendance);
    memcpy(p.inspections_per_point_h, inspections, sizeof inspections);
    memcpy(p.walk_in, walk_in, sizeof walk_in);
    memcpy(p.mobile, mobile, sizeof mobile);
    p.arrival_mean_s = 600.0;
    p.stall_setup_s = 900.0;
    p.stall_packup_s = 600.0;
    p.stall_radius_m = 1.0;
    p.stall_spacing_m = 3.0;
    p.stalls_per_inspection = 5;
    p.hygiene_pass = 0.9;
    p.shut_s = 1800.0;
    p.stall_litter_per_h = 0.02;
    p.displaced_share = 0.8;
    p.customers = gops_customer_params_default();
    // Out by local hour: a little at lunch, building from 16:00, everyone 18:00–21:59,
    // thinning towards 01:00 (the night-market evening; assumption).
    const double share[24] = {0.3, 0.1, 0, 0, 0, 0, 0, 0, 0, 0, 0.2, 0.3,
                              0.4, 0.3, 0.3, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0, 1.0, 0.8, 0.5};
    memcpy(p.hour_share, share, sizeof share);
    p.mobile_radius_m = 0.9;
    p.mobile_setup_s = 180.0;
    p.mobile_packup_s = 120.0;
    p.cart_speed_mps = 0.8;
    p.detour = 1.3;
    p.arrive_mean_s = 600.0;
    p.review_s = 1200.0;
    p.review_gain = 2.0;
    p.pitches = gops_pitch_params_default();
    p.reactions = gops_reaction_params_default();
    p.patrols = gops_patrol_params_default();
    p.obstruction_footfall_m = 5.0;
    p.litter_per_vendor_h = 0.1;
    p.complaints_per_ped_h = 0.02;
    p.litter_notice_m = 20.0;
    p.litter_clear_s = 1200.0;
    p.merchants = gops_merchant_params_default();
    p.to_ops = true;
    p.replace_ops_vending = true;
    return p;
}

static bool prob(double x) { return x >= 0 && x <= 1; }
static bool nonneg(double x) { return x >= 0 && isfinite(x); }

gops_status_t gops_vendors_params_check(const gops_vendors_params_t *p, gops_error_t *err)
{
    if (!(p->step_s > 0 && p->step_s <= 60))
        return gops_error_set(err, GOPS_BAD_VALUE, "vendors: step_s %g is out of range: expected (0, 60] s", p->step_s);
    for (int m = 0; m < GOPS_MODE_COUNT; m++) {
        const char *mode = gops_mode_name((gops_mode_t)m);
        if (p->open_s[m] < -1 || p->open_s[m] >= 86400 || p->close_s[m] < -1 || p->close_s[m] > 86400 ||
            (p->open_s[m] >= 0) != (p->close_s[m] >= 0) || (p->open_s[m] >= 0 && p->open_s[m] == p->close_s[m]))
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "vendors: %s mode: point hours %d–%d s of day; expected both -1 (the map's hours) or "
                                  "an opening in [0, 86400) and a different closing in [0, 86400]",
                                  mode, p->open_s[m], p->close_s[m]);
        if (!prob(p->attendance[m]) || !prob(p->walk_in[m]) || !nonneg(p->inspections_per_point_h[m]) ||
            p->inspections_per_point_h[m] > 3600)
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "vendors: %s mode: attendance and walk-in must be in [0, 1], inspections 0 to 3600 "
                                  "per hour; found %g, %g, %g",
                                  mode, p->attendance[m], p->walk_in[m], p->inspections_per_point_h[m]);
        if (p->mobile[m] > 100000)
            return gops_error_set(err, GOPS_BAD_VALUE, "vendors: %u mobile vendors in %s mode; expected 0 to 100000",
                                  p->mobile[m], mode);
    }
    for (int h = 0; h < 24; h++)
        if (!prob(p->hour_share[h]))
            return gops_error_set(err, GOPS_BAD_VALUE, "vendors: hour_share[%d] is %g; expected [0, 1]", h,
                                  p->hour_share[h]);
    if (!nonneg(p->arrival_mean_s) || !nonneg(p->stall_setup_s) || !nonneg(p->stall_packup_s) || !nonneg(p->shut_s) ||
        !nonneg(p->mobile_setup_s) || !nonneg(p->mobile_packup_s) || !nonneg(p->arrive_mean_s) ||
        !nonneg(p->litter_clear_s))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "vendors: arrival, set-up, pack-up, shutdown and clearing times must be finite and ≥ 0 s");
    if (!(p->review_s > 0) || !(p->review_gain >= 1))
        return gops_error_set(err, GOPS_BAD_VALUE, "vendors: review_s %g must be > 0 s and review_gain %g ≥ 1",
                              p->review_s, p->review_gain);
    if (!(p->stall_radius_m > 0 && p->stall_radius_m <= 10) || !(p->mobile_radius_m > 0 && p->mobile_radius_m <= 10) ||
        !(p->stall_spacing_m >= 1 && p->stall_spacing_m <= 20))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "vendors: footprint radii %g and %g m must be in (0, 10] m and stall spacing %g in [1, 20] m",
                              p->stall_radius_m, p->mobile_radius_m, p->stall_spacing_m);
    if (!prob(p->hygiene_pass) || !prob(p->displaced_share) || p->stalls_per_inspection > 10000)
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "vendors: hygiene_pass and displaced_share must be in [0, 1], stalls_per_inspection at "
                              "most 10000");
    if (!(p->cart_speed_mps > 0.05 && p->cart_speed_mps <= 10) || !(p->detour >= 1 && p->detour <= 5))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "vendors: cart speed %g m/s must be in (0.05, 10] and detour %g in [1, 5]",
                              p->cart_speed_mps, p->detour);
    if (!(p->obstruction_footfall_m > 0 && p->obstruction_footfall_m <= 100) || !nonneg(p->litter_per_vendor_h) ||
        !nonneg(p->stall_litter_per_h) || !nonneg(p->complaints_per_ped_h) || !(p->litter_notice_m >= 0))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "vendors: obstruction footfall radius must be in (0, 100] m; litter, complaint rates and "
                              "the litter notice distance ≥ 0");
    gops_status_t st = gops_customer_params_check(&p->customers, err);
    if (st == GOPS_OK) st = gops_pitch_params_check(&p->pitches, err);
    if (st == GOPS_OK) st = gops_reaction_params_check(&p->reactions, err);
    if (st == GOPS_OK) st = gops_patrol_params_check(&p->patrols, err);
    if (st == GOPS_OK) st = gops_merchant_params_check(&p->merchants, err);
    return st;
}

// ---- footfall, enforcers, footprints ----------------------------------------------------

uint32_t gops_vendors_footfall(const gops_vendors_t *v, gops_point_t p, double radius_m)
{
    return gops_footfall_near(&v->footfall, p, radius_m);
}

static bool reserve_enforcers(gops_vendors_t *v, uint32_t n)
{
    if (n <= v->enforcer_cap) return true;
    uint32_t cap = v->enforcer_cap ? v->enforcer_cap : 64;
    while (cap < n) cap *= 2;
    gops_enforcer_t *grown = realloc(v->enforcers, cap * sizeof *grown);
    if (!grown) return false;
    v->enforcers = grown;
    v->enforcer_cap = cap;
    return true;
}

/// The operations model's teams on duty whose units enforce, in team order.
static uint32_t ops_enforcers(gops_vendors_t *v)
{
    uint32_t n = 0, teams = gops_ops_team_count(v->ops), mask = v->params.patrols.unit_mask;
    if (!reserve_enforcers(v, teams)) return 0;
    for (uint32_t t = 0; t < teams; t++) {
        gops_team_info_t info;
        if (!gops_ops_team_get(v->ops, t, &info) || !gops_team_state_on_duty(info.state) || !(info.units & mask))
            continue;
        v->enforcers[n++] = (gops_enforcer_t){info.at, info.post < 0, info.incident_id};
    }
    return n;
}

static void read_enforcers(gops_vendors_t *v)
{
    if (v->enforcer_fn) {
        uint32_t n = v->enforcer_fn(v->enforcer_user, v->now, v->enforcers, v->enforcer_cap);
        if (n > v->enforcer_cap && reserve_enforcers(v, n))
            n = v->enforcer_fn(v->enforcer_user, v->now, v->enforcers, v->enforcer_cap);
        v->enforcer_count = n < v->enforcer_cap ? n : v->enforcer_cap;
        return;
    }
    if (v->ops) {
        v->enforcer_count = ops_enforcers(v);
        return;
    }
    gops_patrols_step(&v->patrols, v->mode, v->now);
    uint32_t n = gops_patrols_enforcers(&v->patrols, v->mode, v->now, v->enforcers, v->enforcer_cap);
    if (n > v->enforcer_cap && reserve_enforcers(v, n))
        n = gops_patrols_enforcers(&v->patrols, v->mode, v->now, v->enforcers, v->enforcer_cap);
    v->enforcer_count = n < v->enforcer_cap ? n : v->enforcer_cap;
}

static bool push_disc(gops_vendors_t *v, uint32_t *n, gops_disc_t d)
{
    if (*n == v->obstacle_cap) {
        uint32_t cap = v->obstacle_cap ? v->obstacle_cap * 2 : 256;
        gops_disc_t *a = realloc(v->obstacles, cap * sizeof *a);
        if (!a) return false;
        v->obstacles = a;
        gops_disc_t *b = realloc(v->scratch, cap * sizeof *b);
        if (!b) return false;
        v->scratch = b;
        v->obstacle_cap = cap;
    }
    v->scratch[(*n)++] = d;
    return true;
}

// A pitch's footprint (its own radius `base` grown to r by its queue) kept to `widest`,
// what leaves the walkway its clear width: customers beyond stand along the pitch, not
// across the way. Never below the pitch itself.
static double footprint_within(double base, double r, double widest)
{
    return r > widest ? (widest > base ? widest : base) : r;
}

static bool on_street(const gops_vendor_t *vd)
{
    return vd->state == GOPS_VENDOR_SETUP || vd->state == GOPS_VENDOR_TRADING || vd->state == GOPS_VENDOR_PACKING;
}

// Half the distance to the nearest other cart on the street less half the clear width: two
// carts whose queues grow both to it still leave the clear width between them. Carts arrive
// at least the spacing (3 m) from each other's edge, but queues then narrow the gaps: on a
// holiday evening (17:35) two of three carts across a 9 m sidewalk of Jiefang Road were
// 1.9 m apart once their queues had grown. The same rule as the stalls' aisles.
static double room_between_carts(const gops_vendors_t *v, uint32_t i, double clear_m)
{
    double room = INFINITY;
    gops_point_t a = v->vendors[i].at;
    for (uint32_t j = 0; j < v->vendor_count; j++) {
        if (j == i || !on_street(&v->vendors[j])) continue;
        double half = 0.5 * (hypot(v->vendors[j].at.x - a.x, v->vendors[j].at.y - a.y) - clear_m);
        if (half < room) room = half;
    }
    return room;
}

void gops_vendors_rebuild_obstacles(gops_vendors_t *v)
{
    const gops_vendors_params_t *p = &v->params;
    uint32_t n = 0;
    bool ok = true;
    for (uint32_t i = 0; ok && i < v->vendor_count; i++) {
        const gops_vendor_t *vd = &v->vendors[i];
        if (!on_street(vd)) continue;
        double base = p->mobile_radius_m, clear = p->pitches.clear_width_m;
        double r = gops_queue_footprint_m(base, gops_queue_spill(&vd->queue, &p->customers), p->customers.area_m2);
        if (vd->walkway_m > 0) {
            r = footprint_within(base, r, (vd->walkway_m - clear) / 2);
            r = footprint_within(base, r, vd->door_room_m); // customers keep doors clear too
            for (int k = 0; k < 2; k++) // an open side keeps the clear width (pitches.c)
                if (vd->side_m[k] - base >= GOPS_PITCH_CLOSED_GAP_M)
                    r = footprint_within(base, r, vd->side_m[k] - clear);
        }
        if (r > base) r = footprint_within(base, r, room_between_carts(v, i, clear));
        ok = push_disc(v, &n, (gops_disc_t){vd->at.x, vd->at.y, r});
    }
    for (uint32_t s = 0; ok && s < v->stalls.stall_count; s++) {
        const gops_stall_t *st = &v->stalls.stalls[s];
        if (st->state == GOPS_STALL_CLOSED) continue;
        double r = gops_queue_footprint_m(p->stall_radius_m, gops_queue_spill(&st->queue, &p->customers),
                                          p->customers.area_m2);
        // The aisles between stalls stay as wide as the clear width, or as the layout left
        // them. Queues that closed the 1 m aisles of a 3 m lattice trapped 139 walkers inside
        // a point on the weekday evening.
        r = footprint_within(p->stall_radius_m, r,
                             (v->stalls.points[st->point].spacing_m - p->pitches.clear_width_m) / 2);
        ok = push_disc(v, &n, (gops_disc_t){st->at.x, st->at.y, r});
    }
    if (!ok) return; // keep the last list: a stale footprint beats none
    bool same = n == v->obstacle_count && (n == 0 || memcmp(v->scratch, v->obstacles, n * sizeof *v->obstacles) == 0);
    gops_disc_t *t = v->obstacles;
    v->obstacles = v->scratch;
    v->scratch = t;
    v->obstacle_count = n;
    if (!same) v->obstacle_version++;
}

// ---- the subsystem ----------------------------------------------------------------------

static void vendors_step(gops_world_t *world, void *state, double dt)
{
    gops_vendors_t *v = state;
    v->now = gops_world_elapsed(world);
    v->dt = dt;
    v->sod = fmod(v->day_offset_s + v->now, 86400.0);
    v->mode = gops_world_mode(world);
    v->ops = gops_ops_of(world);
    if (v->ops && v->params.to_ops && v->params.replace_ops_vending && !v->ops_rates_replaced) {
        gops_error_t err;
        gops_ops_set_rate(v->ops, GOPS_ITYPE_ILLEGAL_VENDING, -1, 0.0, &err);
        gops_ops_set_rate(v->ops, GOPS_ITYPE_STALL_DISORDER, -1, 0.0, &err);
        v->ops_rates_replaced = true;
    }
    v->tolerance = v->ops ? gops_ops_params(v->ops)->modes[v->mode].vendor_tolerance
                          : v->params.reactions.tolerance[v->mode];

    const gops_pedestrians_t *peds = gops_crowd_pedestrians(world);
    if (peds) gops_footfall_count(&v->footfall, peds->x, peds->y, peds->count);
    else gops_footfall_count(&v->footfall, NULL, NULL, 0);
    gops_sites_update_footfall(&v->sites, &v->footfall, v->district->walk, &v->params.pitches, dt);
    read_enforcers(v);
    gops_merchants_volunteer(&v->merchants, dt);

    gops_vendors_plan_licensees(v);
    gops_vendors_plan_mobile(v);
    gops_vendors_step_stalls(v);
    gops_vendors_step_vendors(v);
    gops_street_step(v);
    gops_vendors_rebuild_obstacles(v);
    // The crowd walks round the footprints from its next step (it rebuilds its index only
    // when the version changed).
    gops_crowd_t *crowd = gops_world_crowd(world);
    if (crowd) gops_crowd_set_obstacles(crowd, v->obstacles, v->obstacle_count, v->obstacle_version);
    gops_vendors_measure_step(v);
}

static void vendors_hash(const gops_world_t *world, const void *state, gops_hash_t *h)
{
    (void)world;
    const gops_vendors_t *v = state;
    gops_hash_u64(h, v->vendor_count);
    for (uint32_t i = 0; i < v->vendor_count; i++) {
        const gops_vendor_t *vd = &v->vendors[i];
        gops_hash_u64(h, (uint64_t)vd->state);
        gops_hash_u64(h, (uint64_t)vd->after);
        gops_hash_u64(h, vd->wanted | (uint64_t)vd->street << 1 | (uint64_t)vd->attends << 2 | (uint64_t)vd->to_street << 3);
        gops_hash_u64(h, vd->stall);
        gops_hash_u64(h, vd->site);
        gops_hash_f64(h, vd->at.x), gops_hash_f64(h, vd->at.y);
        gops_hash_f64(h, vd->t_next);
        gops_hash_u64(h, vd->episode);
        gops_queue_hash(&vd->queue, h);
        gops_hash_bytes(h, vd->rng.s, sizeof vd->rng.s);
    }
    gops_stalls_hash(&v->stalls, h);
    gops_sites_hash(&v->sites, h);
    gops_patrols_hash(&v->patrols, h);
    gops_merchants_hash(&v->merchants, h);
    gops_hash_u64(h, v->incident_count);
    for (uint32_t k = 0; k < v->incident_count; k++) {
        const gops_street_incident_t *si = &v->incidents[k];
        gops_hash_u64(h, si->detected_by | (uint64_t)si->active << 8);
        gops_hash_f64(h, si->t_detect);
        gops_hash_u64(h, si->ops_id);
    }
    gops_hash_bytes(h, v->incident_rng.s, sizeof v->incident_rng.s);
    gops_hash_f64(h, v->acc.outside_s);
    gops_hash_f64(h, v->acc.obstruction_ped_s);
    gops_hash_u64(h, v->acc.encounters);
    gops_hash_u64(h, v->obstacle_version);
    gops_vendors_areas_hash(v, h);
}

static void vendors_destroy(void *state)
{
    gops_vendors_t *v = state;
    if (!v) return;
    gops_stalls_free(&v->stalls);
    gops_sites_free(&v->sites);
    gops_footfall_free(&v->footfall);
    gops_patrols_free(&v->patrols);
    gops_merchants_free(&v->merchants);
    gops_vendors_areas_free(v);
    free(v->vendors);
    free(v->incidents);
    free(v->open);
    free(v->enforcers);
    free(v->site_weights);
    free(v->obstacles);
    free(v->scratch);
    free(v->acc.returns);
    free(v);
}

static void init_vendor(gops_vendor_t *vd, gops_vendor_kind_t kind, gops_rng_t *seed, uint32_t index)
{
    memset(vd, 0, sizeof *vd);
    vd->kind = kind;
    vd->state = GOPS_VENDOR_OFF;
    vd->home_stall = vd->stall = vd->site = vd->next_site = vd->episode = GOPS_VENDORS_NONE;
    vd->window = INT64_MIN;
    vd->t_displaced = NAN;
    gops_rng_seed(&vd->rng, gops_rng_next(seed), 1000 + index);
}

static uint32_t pool_size(const gops_vendors_params_t *p)
{
    uint32_t most = 0;
    for (int m = 0; m < GOPS_MODE_COUNT; m++)
        if (p->mobile[m] > most) most = p->mobile[m];
    return most;
}

/// Grows the mobile pool to `pool` vendors (new ones seeded from the vendors stream).
static bool grow_pool(gops_vendors_t *v, uint32_t pool)
{
    uint32_t want = v->licensee_count + pool;
    if (want <= v->vendor_count) return true;
    gops_vendor_t *grown = realloc(v->vendors, want * sizeof *grown);
    if (!grown) return false;
    v->vendors = grown;
    gops_rng_t *seed = gops_world_rng(v->world, GOPS_STREAM_VENDORS);
    for (uint32_t i = v->vendor_count; i < want; i++) init_vendor(&v->vendors[i], GOPS_VENDOR_MOBILE, seed, i);
    v->vendor_count = want;
    return true;
}

gops_vendors_t *gops_vendors_attach(gops_world_t *world, const gops_vendors_params_t *params, gops_error_t *err)
{
    const gops_district_t *d = gops_world_district(world);
    if (!d) {
        gops_error_set(err, GOPS_SCENARIO, "vendors need a map: set scenario{ map = ... } or lab{ ... }");
        return NULL;
    }
    if (gops_vendors_params_check(params, err) != GOPS_OK) return NULL;
    gops_vendors_t *v = calloc(1, sizeof *v);
    if (!v) {
        gops_error_set(err, GOPS_NOMEM, "vendors: out of memory");
        return NULL;
    }
    v->world = world;
    v->district = d;
    v->params = *params;
    gops_local_time_t start = gops_world_def(world)->start;
    v->day_offset_s = (double)(((start % 86400) + 86400) % 86400);
    v->now = gops_world_elapsed(world);
    v->sod = fmod(v->day_offset_s + v->now, 86400.0);
    v->mode = gops_world_mode(world);
    gops_rng_t *seed = gops_world_rng(world, GOPS_STREAM_VENDORS);
    const gops_walkable_t *w = d->walk;

    gops_status_t st = gops_stalls_build(&v->stalls, d->map, params->stall_spacing_m, err);
    if (st == GOPS_OK) st = gops_sites_build(&v->sites, d, &params->pitches, params->mobile_radius_m, err);
    if (st == GOPS_OK)
        st = gops_footfall_init(&v->footfall, w->min_x, w->min_y, w->min_x + w->nx * w->cell, w->min_y + w->ny * w->cell,
                                FOOTFALL_CELL_M, err);
    if (st == GOPS_OK) st = gops_merchants_build(&v->merchants, &params->merchants, d->map, err);
    if (st == GOPS_OK) {
        // Hot spots of the stand-in's rounds: the pitch sites and the guidance points.
        uint32_t n = v->sites.count + v->stalls.point_count;
        gops_point_t *hot = malloc((n ? n : 1) * sizeof *hot);
        if (!hot) st = gops_error_set(err, GOPS_NOMEM, "vendors: out of memory");
        for (uint32_t k = 0; hot && k < v->sites.count; k++) hot[k] = v->sites.sites[k].at;
        for (uint32_t k = 0; hot && k < v->stalls.point_count; k++) hot[v->sites.count + k] = v->stalls.points[k].at;
        if (hot) st = gops_patrols_init(&v->patrols, &params->patrols, d->map, hot, n, seed, err);
        free(hot);
    }
    if (st == GOPS_OK) {
        v->licensee_count = v->stalls.stall_count;
        v->site_weights = malloc((v->sites.count ? v->sites.count : 1) * sizeof *v->site_weights);
        v->vendors = malloc((v->licensee_count ? v->licensee_count : 1) * sizeof *v->vendors);
        if (!v->vendors || !v->site_weights || !reserve_enforcers(v, 64))
            st = gops_error_set(err, GOPS_NOMEM, "vendors: out of memory");
    }
    if (st == GOPS_OK) {
        for (uint32_t s = 0; s < v->stalls.stall_count; s++) {
            init_vendor(&v->vendors[s], GOPS_VENDOR_LICENSEE, seed, s);
            v->vendors[s].home_stall = s;
            v->stalls.stalls[s].licensee = s;
            gops_rng_seed(&v->stalls.stalls[s].rng, gops_rng_next(seed), 2000 + s);
        }
        for (uint32_t k = 0; k < v->stalls.point_count; k++)
            gops_rng_seed(&v->stalls.points[k].rng, gops_rng_next(seed), 3000 + k);
        gops_rng_seed(&v->incident_rng, gops_rng_next(seed), 4000);
        v->vendor_count = v->licensee_count;
        if (!grow_pool(v, pool_size(params))) st = gops_error_set(err, GOPS_NOMEM, "vendors: out of memory");
    }
    if (st == GOPS_OK &&
        gops_world_add_subsystem(world, VENDORS_SUBSYSTEM_NAME, params->step_s, v, vendors_step, vendors_hash,
                                 vendors_destroy) != GOPS_OK)
        st = gops_error_set(err, GOPS_INTERNAL, "vendors: the world's subsystem table is full");
    if (st != GOPS_OK) {
        vendors_destroy(v);
        return NULL;
    }
    gops_world_set_checkpoint(world, VENDORS_SUBSYSTEM_NAME, gops_vendors_save, gops_vendors_load);
    return v;
}

gops_vendors_t *gops_vendors_of(const gops_world_t *world)
{
    return gops_world_subsystem(world, VENDORS_SUBSYSTEM_NAME);
}

const gops_vendors_params_t *gops_vendors_params(const gops_vendors_t *v) { return &v->params; }

// ---- hooks and levers -------------------------------------------------------------------

void gops_vendors_set_enforcers(gops_vendors_t *v, gops_enforcer_fn *fn, void *user)
{
    v->enforcer_fn = fn;
    v->enforcer_user = user;
}

void gops_vendors_set_report_sink(gops_vendors_t *v, gops_vendors_report_fn *fn, void *user)
{
    v->report_fn = fn;
    v->report_user = user;
}

void gops_vendors_set_guidance_points(gops_vendors_t *v, bool on)
{
    v->params.guidance_points = on;
}

gops_status_t gops_vendors_set_mobile(gops_vendors_t *v, int mode, uint32_t count, gops_error_t *err)
{
    if (mode >= GOPS_MODE_COUNT) return gops_error_set(err, GOPS_BAD_VALUE, "set mobile vendors: unknown mode %d", mode);
    if (count > 100000)
        return gops_error_set(err, GOPS_BAD_VALUE, "set mobile vendors: %u; expected 0 to 100000", count);
    if (!grow_pool(v, count)) return gops_error_set(err, GOPS_NOMEM, "set mobile vendors: out of memory");
    for (int m = 0; m < GOPS_MODE_COUNT; m++)
        if (mode < 0 || m == mode) v->params.mobile[m] = count;
    return GOPS_OK;
}

gops_status_t gops_vendors_set_points_per_report(gops_vendors_t *v, double points, gops_error_t *err)
{
    if (!(points >= 0 && points <= 1e6))
        return gops_error_set(err, GOPS_BAD_VALUE, "set points per report: %g; expected 0 to 1000000", points);
    v->params.merchants.points_per_report = points;
    v->merchants.params.points_per_report = points;
    return GOPS_OK;
}

// ---- queries ----------------------------------------------------------------------------

static const char *const state_names[GOPS_VENDOR_STATE_COUNT] = {"off",     "to_pitch", "setup",    "trading",
                                                                  "packing", "away",     "to_stall", "at_stall"};

const char *gops_vendor_state_name(gops_vendor_state_t s)
{
    return (unsigned)s < GOPS_VENDOR_STATE_COUNT ? state_names[s] : "?";
}

uint32_t gops_vendors_count(const gops_vendors_t *v) { return v->vendor_count; }

bool gops_vendors_get(const gops_vendors_t *v, uint32_t index, gops_vendor_info_t *out)
{
    if (index >= v->vendor_count) return false;
    const gops_vendor_t *vd = &v->vendors[index];
    *out = (gops_vendor_info_t){vd->kind, vd->state, vd->at, vd->stall, vd->site, vd->queue.waiting};
    return true;
}

const gops_stalls_t *gops_vendors_stalls(const gops_vendors_t *v) { return &v->stalls; }
const gops_sites_t *gops_vendors_sites(const gops_vendors_t *v) { return &v->sites; }
const gops_merchants_t *gops_vendors_merchants(const gops_vendors_t *v) { return &v->merchants; }

const gops_disc_t *gops_vendors_obstacles(const gops_vendors_t *v, uint32_t *count, uint64_t *version)
{
    if (count) *count = v->obstacle_count;
    if (version) *version = v->obstacle_version;
    return v->obstacles;
}
