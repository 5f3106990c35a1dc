// SPDX-License-Identifier: MIT
// The stand-in enforcement (see patrols.h): patrols walking straight between hot spots at
// walking speed, stopping a while at each, answering reports; and the map's posts.
//
// Defaults mirror the operations model (ops/teams.c) so that results with and without it
// are comparable: 8 patrol teams on a normal day and 17 otherwise (FACTS.md: 17 mobile
// patrol teams on holidays), 1 m/s on foot, 5-minute stops. A post deters vending when its
// unit enforces street order: city management (城管), police, market regulation and grid
// workers; traffic police and volunteers do not chase vendors (assumption).
//
// Ordering: teams by index; a team's random draws come from the one stand-in stream in
// team order, only when a team starts a leg.
#include "vendors/patrols.h"

#include "gridops/gridops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

gops_patrol_params_t gops_patrol_params_default(void)
{
    return (gops_patrol_params_t){
        .teams = {8, 17, 17, 17},
        .speed_mps = 1.0,
        .dwell_s = 300.0,
        .handle_s = 600.0,
        .posts = true,
        .unit_mask = (1u << GOPS_UNIT_CITY_MANAGEMENT) | (1u << GOPS_UNIT_POLICE) | (1u << GOPS_UNIT_MARKET_REGULATION) |
                     (1u << GOPS_UNIT_GRID_WORKER),
    };
}

gops_status_t gops_patrol_params_check(const gops_patrol_params_t *p, gops_error_t *err)
{
    for (int m = 0; m < GOPS_MODE_COUNT; m++)
        if (p->teams[m] > 10000)
            return gops_error_set(err, GOPS_BAD_VALUE, "vendors: %u stand-in patrol teams in %s mode; expected 0 to 10000",
                                  p->teams[m], gops_mode_name((gops_mode_t)m));
    if (!(p->speed_mps > 0.1 && p->speed_mps <= 10) || !(p->dwell_s >= 0) || !(p->handle_s >= 0))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "vendors: stand-in patrol speed %g m/s (expected (0.1, 10]), stop %g s and handling %g s "
                              "(expected ≥ 0)",
                              p->speed_mps, p->dwell_s, p->handle_s);
    if (p->unit_mask >= (1u << GOPS_UNIT_COUNT))
        return gops_error_set(err, GOPS_BAD_VALUE, "vendors: enforcing unit bits 0x%x name unknown unit types",
                              p->unit_mask);
    return GOPS_OK;
}

gops_status_t gops_patrols_init(gops_patrols_t *p, const gops_patrol_params_t *params, const gops_map_t *map,
                                const gops_point_t *hot, uint32_t hot_count, gops_rng_t *seed_rng, gops_error_t *err)
{
    memset(p, 0, sizeof *p);
    p->params = *params;
    gops_rng_seed(&p->rng, gops_rng_next(seed_rng), 1);
    uint32_t most = 0;
    for (int m = 0; m < GOPS_MODE_COUNT; m++)
        if (params->teams[m] > most) most = params->teams[m];
    uint32_t posts = 0;
    for (uint32_t i = 0; map && i < map->feature_count; i++)
        if (map->features[i].kind == GOPS_FEAT_POST && (params->unit_mask >> map->features[i].u.post.unit & 1u)) posts++;
    p->hot = malloc((hot_count ? hot_count : 1) * sizeof *p->hot);
    p->teams = calloc(most ? most : 1, sizeof *p->teams);
    p->posts = malloc((posts ? posts : 1) * sizeof *p->posts);
    p->post_modes = malloc((posts ? posts : 1) * sizeof *p->post_modes);
    if (!p->hot || !p->teams || !p->posts || !p->post_modes) {
        gops_patrols_free(p);
        return gops_error_set(err, GOPS_NOMEM, "vendors: out of memory for the stand-in patrols");
    }
    if (hot_count) memcpy(p->hot, hot, hot_count * sizeof *hot);
    p->hot_count = hot_count;
    p->team_count = most;
    for (uint32_t t = 0; t < most; t++) p->teams[t].answering = GOPS_VENDORS_NONE;
    for (uint32_t i = 0; map && i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind != GOPS_FEAT_POST || !(params->unit_mask >> f->u.post.unit & 1u)) continue;
        p->posts[p->post_count] = f->at;
        p->post_modes[p->post_count++] = f->u.post.modes;
    }
    return GOPS_OK;
}

void gops_patrols_free(gops_patrols_t *p)
{
    free(p->hot);
    free(p->teams);
    free(p->posts);
    free(p->post_modes);
    memset(p, 0, sizeof *p);
}

static gops_point_t random_hot(gops_patrols_t *p)
{
    uint64_t k = gops_rng_below(&p->rng, p->hot_count ? p->hot_count : 1);
    return p->hot_count ? p->hot[k] : (gops_point_t){0, 0};
}

gops_point_t gops_patrols_position(const gops_patrols_t *p, uint32_t t, double now_s)
{
    const gops_standin_team_t *tm = &p->teams[t];
    if (now_s >= tm->t1 || tm->t1 <= tm->t0) return tm->to;
    if (now_s <= tm->t0) return tm->from;
    double f = (now_s - tm->t0) / (tm->t1 - tm->t0);
    return (gops_point_t){tm->from.x + f * (tm->to.x - tm->from.x), tm->from.y + f * (tm->to.y - tm->from.y)};
}

static void start_leg(gops_patrols_t *p, uint32_t t, gops_point_t to, double now_s, double stop_s)
{
    gops_standin_team_t *tm = &p->teams[t];
    gops_point_t here = gops_patrols_position(p, t, now_s);
    tm->from = here;
    tm->to = to;
    tm->t0 = now_s;
    tm->t1 = now_s + hypot(to.x - here.x, to.y - here.y) / p->params.speed_mps;
    tm->until = tm->t1 + stop_s;
}

void gops_patrols_step(gops_patrols_t *p, gops_mode_t mode, double now_s)
{
    uint32_t want = p->params.teams[mode];
    for (uint32_t t = 0; t < p->team_count; t++) {
        gops_standin_team_t *tm = &p->teams[t];
        if (t >= want) {
            tm->on = false;
            continue;
        }
        if (!tm->on) { // called on duty: appears at a hot spot and stops there first
            tm->on = true;
            tm->from = tm->to = random_hot(p);
            tm->t0 = tm->t1 = now_s;
            tm->until = now_s + gops_rng_exponential(&p->rng, p->params.dwell_s > 0 ? p->params.dwell_s : 1) *
                                    (p->params.dwell_s > 0);
            tm->answering = GOPS_VENDORS_NONE;
            continue;
        }
        if (now_s < tm->until) continue;
        tm->answering = GOPS_VENDORS_NONE;
        gops_point_t next = random_hot(p);
        double stop = gops_rng_exponential(&p->rng, p->params.dwell_s > 0 ? p->params.dwell_s : 1) *
                      (p->params.dwell_s > 0);
        start_leg(p, t, next, now_s, stop);
    }
}

uint32_t gops_patrols_enforcers(const gops_patrols_t *p, gops_mode_t mode, double now_s, gops_enforcer_t *out,
                                uint32_t cap)
{
    uint32_t n = 0;
    for (uint32_t t = 0; t < p->team_count; t++) {
        if (!p->teams[t].on) continue;
        if (n < cap) out[n] = (gops_enforcer_t){gops_patrols_position(p, t, now_s), true, 0};
        n++;
    }
    if (p->params.posts)
        for (uint32_t k = 0; k < p->post_count; k++) {
            if (!(p->post_modes[k] >> mode & 1u)) continue;
            if (n < cap) out[n] = (gops_enforcer_t){p->posts[k], false, 0};
            n++;
        }
    return n;
}

uint32_t gops_patrols_answer(gops_patrols_t *p, gops_point_t at, double now_s, uint32_t tag)
{
    uint32_t best = GOPS_VENDORS_NONE;
    double best_d = INFINITY;
    for (uint32_t t = 0; t < p->team_count; t++) {
        const gops_standin_team_t *tm = &p->teams[t];
        if (!tm->on || tm->answering != GOPS_VENDORS_NONE) continue;
        gops_point_t here = gops_patrols_position(p, t, now_s);
        double d = hypot(here.x - at.x, here.y - at.y);
        if (d < best_d) best_d = d, best = t;
    }
    if (best == GOPS_VENDORS_NONE) return best;
    start_leg(p, best, at, now_s, p->params.handle_s);
    p->teams[best].answering = tag;
    return best;
}

void gops_patrols_hash(const gops_patrols_t *p, gops_hash_t *h)
{
    gops_hash_u64(h, p->team_count);
    for (uint32_t t = 0; t < p->team_count; t++) {
        const gops_standin_team_t *tm = &p->teams[t];
        gops_hash_u64(h, tm->on);
        gops_hash_f64(h, tm->from.x), gops_hash_f64(h, tm->from.y);
        gops_hash_f64(h, tm->to.x), gops_hash_f64(h, tm->to.y);
        gops_hash_f64(h, tm->t0), gops_hash_f64(h, tm->t1), gops_hash_f64(h, tm->until);
        gops_hash_u64(h, tm->answering);
    }
    gops_hash_bytes(h, p->rng.s, sizeof p->rng.s);
}
