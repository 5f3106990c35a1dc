// SPDX-License-Identifier: MIT
// Who enforces against street vending, and where they are: a source of enforcer positions
// (patrol teams and staffed posts) read each vendors step. Two sources are built in: the
// operations model's teams when it is attached, and a stand-in when it is not — patrols
// walking between hot spots, answering reports, plus the map's posts in their modes.
// Owns the stand-in only; how vendors react is enforcement.c's.
#ifndef GOPS_VENDORS_PATROLS_H
#define GOPS_VENDORS_PATROLS_H

#include "core/hash.h"
#include "core/rng.h"
#include "gridops/status.h"
#include "gridops/types.h"
#include "world/map.h"

#include <stdbool.h>
#include <stdint.h>

/// One enforcer as vendors see it.
/// "No vendor / stall / site / team" in the vendors model's indices.
#ifndef GOPS_VENDORS_NONE
#define GOPS_VENDORS_NONE UINT32_MAX
#endif

typedef struct gops_enforcer {
    gops_point_t at;     ///< m
    bool mobile;         ///< a patrol team (true) or a staffed post (false)
    uint32_t incident;   ///< id of the operations incident it is working on, 0 when none
} gops_enforcer_t;

/// A source of enforcers: writes up to `cap` into out for time now_s (s since start) and
/// returns how many there are (it may be more than cap; only cap are read).
typedef uint32_t gops_enforcer_fn(void *user, double now_s, gops_enforcer_t *out, uint32_t cap);

typedef struct gops_patrol_params {
    uint32_t teams[GOPS_MODE_COUNT]; ///< stand-in patrol teams on duty per mode (8, 17, 17, 17:
                                     ///< the operations defaults; FACTS.md: 17 on holidays)
    double speed_mps;               ///< m/s walking (1.0)
    double dwell_s;                 ///< s, mean stop at a hot spot, exponential (300)
    double handle_s;                ///< s a team answering a report stays on the spot (600)
    bool posts;                     ///< the map's posts staffed in the current mode count (true)
    uint32_t unit_mask;             ///< unit-type bits that enforce against vending: city
                                    ///< management, police, market regulation, grid workers
} gops_patrol_params_t;

gops_patrol_params_t gops_patrol_params_default(void);
gops_status_t gops_patrol_params_check(const gops_patrol_params_t *p, gops_error_t *err);

typedef struct gops_standin_team {
    bool on;                       ///< on duty
    gops_point_t from, to;         ///< current leg (from = to when standing)
    double t0, t1;                 ///< s, leg start and end
    double until;                  ///< s, end of the stop after the leg
    uint32_t answering;            ///< tag of the report it answers, GOPS_VENDORS_NONE
} gops_standin_team_t;

typedef struct gops_patrols {
    gops_patrol_params_t params;
    gops_point_t *hot;             ///< hot spots the stand-in walks between
    uint32_t hot_count;
    gops_point_t *posts;           ///< enforcing posts of the map
    uint32_t *post_modes;          ///< bit per mode in which each is staffed
    uint32_t post_count;
    gops_standin_team_t *teams;    ///< the largest count over modes; the first teams[mode] are on
    uint32_t team_count;
    gops_rng_t rng;
} gops_patrols_t;

/// Builds the stand-in: hot spots (copied), the map's posts whose unit is in the mask (map
/// may be NULL), teams seeded from `seed_rng`. GOPS_NOMEM.
gops_status_t gops_patrols_init(gops_patrols_t *p, const gops_patrol_params_t *params, const gops_map_t *map,
                                const gops_point_t *hot, uint32_t hot_count, gops_rng_t *seed_rng, gops_error_t *err);
void gops_patrols_free(gops_patrols_t *p);
/// Brings the number on duty to the mode's count (new teams start at a random hot spot,
/// surplus teams go off duty, highest index first) and moves teams on to their next hot
/// spot when their stop ends. now_s: s since start.
void gops_patrols_step(gops_patrols_t *p, gops_mode_t mode, double now_s);
/// Position of stand-in team t at now_s.
gops_point_t gops_patrols_position(const gops_patrols_t *p, uint32_t t, double now_s);
/// The stand-in's enforcers: teams on duty, then posts staffed in `mode`.
uint32_t gops_patrols_enforcers(const gops_patrols_t *p, gops_mode_t mode, double now_s, gops_enforcer_t *out,
                                uint32_t cap);
/// Sends the nearest on-duty team not already answering a report to `at`: it walks there,
/// stays handle_s and resumes its round. Returns the team, or GOPS_VENDORS_NONE when all are
/// busy or off duty.
uint32_t gops_patrols_answer(gops_patrols_t *p, gops_point_t at, double now_s, uint32_t tag);
void gops_patrols_hash(const gops_patrols_t *p, gops_hash_t *h);

#endif
