// SPDX-License-Identifier: MIT
// Teams and posts: team kinds with their unit types and counts per mode, the map's fixed
// posts, staffing changes when the mode or the duty hours change (with call-in and walking
// lags), patrols between dispatches, shift handovers and each team's position over time.
// It does not choose which team answers an order (dispatch.c) or when work ends (ops.c).
#ifndef GOPS_OPS_TEAMS_H
#define GOPS_OPS_TEAMS_H

#include "gridops/types.h"
#include "ops/travel.h"
#include "world/map.h"

#include <stdbool.h>
#include <stdint.h>

#define GOPS_TEAM_KIND_MAX 16
#define GOPS_TEAM_NAME_MAX 32
/// "No team / no incident / no post."
#define GOPS_OPS_NONE UINT32_MAX

/// A kind of mobile team; `count` teams of it are on duty in each mode.
typedef struct gops_team_kind {
    char name[GOPS_TEAM_NAME_MAX]; ///< [a-z0-9_], unique
    uint32_t units;                ///< unit-type bits the team counts as (a joint team has several)
    gops_travel_mode_t travel;
    int count[GOPS_MODE_COUNT];    ///< teams on duty per mode (≥ 0)
    double turnout_s;              ///< s between accepting an order and setting off
    bool patrols;                  ///< patrols hot spots between orders (else waits at its base)
    bool external;                 ///< based outside the district: starts at the map's edge points
    int duty_from_h, duty_to_h;    ///< on duty from..to (local hours 0–24); equal = all day
} gops_team_kind_t;

typedef enum gops_team_state {
    GOPS_TEAM_OFF,        ///< not on duty
    GOPS_TEAM_MOBILISING, ///< called in, not yet in the district
    GOPS_TEAM_TO_POST,    ///< walking to its post, not yet holding it
    GOPS_TEAM_IDLE,       ///< available: patrolling, holding a post, returning or waiting at base
    GOPS_TEAM_ASSIGNED,   ///< ordered, not yet accepted
    GOPS_TEAM_EN_ROUTE,   ///< accepted, travelling (turnout included)
    GOPS_TEAM_ON_SCENE,   ///< working
    GOPS_TEAM_STATE_COUNT
} gops_team_state_t;

/// The default kinds (counts and sources documented in teams.c). Returns the count.
uint32_t gops_team_kinds_default(gops_team_kind_t kinds[GOPS_TEAM_KIND_MAX]);
const char *gops_team_state_name(gops_team_state_t s);
/// True when a team in state s is on duty (counts for utilisation and coverage).
bool gops_team_state_on_duty(gops_team_state_t s);
/// True when a team in state s is working an order.
bool gops_team_state_busy(gops_team_state_t s);

#endif
