// SPDX-License-Identifier: MIT
// Dispatch policies: which free team takes which waiting order. Nearest available by
// travel time (or first free, as a baseline), priority queues or first-come-first-served,
// pre-emption of lower-priority work for critical orders, zone-bound or district-wide
// mobile teams, overlap fallback to notified units, and how far posts answer from.
// It does not triage (centre.c) or move teams (teams.c).
#ifndef GOPS_OPS_DISPATCH_H
#define GOPS_OPS_DISPATCH_H

#include <stdbool.h>

typedef enum gops_team_select {
    GOPS_SELECT_NEAREST,    ///< least travel time to the scene (ties: lower team index)
    GOPS_SELECT_FIRST_FREE, ///< lowest team index among the suitable free teams
    GOPS_SELECT_COUNT
} gops_team_select_t;

typedef struct gops_dispatch_policy {
    gops_team_select_t select;
    bool priority_queue;   ///< waiting orders by priority, then age (false: by age only)
    bool preempt;          ///< a critical order with no free team takes one from lower-priority work
    bool preempt_on_scene; ///< ...also a team already working on scene (its work resumes later)
    bool zone_bound;       ///< mobile teams with a home sub-district answer only there until escalation
    bool overlap_fallback; ///< notified units take the order when no primary team is free
    double post_radius_m;  ///< m, posts answer orders within this distance of the post (0: never)
} gops_dispatch_policy_t;

/// Nearest, priority queue, pre-emption (not on scene), district-wide, overlap fallback,
/// posts within 150 m.
gops_dispatch_policy_t gops_dispatch_policy_default(void);
const char *gops_team_select_name(gops_team_select_t s);
/// -1 when unknown ("nearest", "first_free").
int gops_team_select_from_name(const char *name);

#endif
