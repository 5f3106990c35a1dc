// SPDX-License-Identifier: MIT
// Congestion-aware choice among alternatives (lab exits, or district destinations of one
// kind): the documented rule's parameters, the groups and their bookkeeping. The decisions
// are applied by choice.c through the crowd's internals; this header does not route anyone
// or compute fields.
#ifndef GOPS_CROWD_CHOICE_H
#define GOPS_CROWD_CHOICE_H

#include <stdint.h>

// The rule. Every `every_s` (staggered by pedestrian id) each pedestrian heading for a
// member of a group compares, for each open member k it can reach,
//     cost_k = walking distance to k / own free speed + queue_k / (flow_per_m_s × width_k)
// where queue_k is the number of pedestrians within radius_m walking distance of k at the
// last census (taken every second, the pedestrian itself excluded) and width_k the member's
// door width (its cells facing open walkable cells, × cell size; a metered lab exit serves
// at most its meter rate). It switches to the cheapest member when that saves more than
// margin_s; ties keep the current member, then the lower member index.

#define GOPS_CHOICE_MAX_MEMBERS 8
/// Queues are counted this often, s.
#define GOPS_CHOICE_CENSUS_S 1.0

typedef struct gops_choice_params {
    double every_s;      ///< each pedestrian re-evaluates this often, s (> 0; 5)
    double radius_m;     ///< people within this walking distance of a member queue there, m (> 0; 5)
    double flow_per_m_s; ///< flow one metre of door width lets through, persons/(m·s) (> 0; 1.3,
                         ///< Weidmann's capacity of a walkway, about 1.22)
    double margin_s;     ///< least saving that makes someone switch, s (>= 0; 2)
} gops_choice_params_t;

gops_choice_params_t gops_choice_params_default(void);

typedef struct gops_choice_group {
    char name[64];
    uint16_t members[GOPS_CHOICE_MAX_MEMBERS]; ///< destination (field) indices
    float width_m[GOPS_CHOICE_MAX_MEMBERS];    ///< door widths, m
    uint32_t queue[GOPS_CHOICE_MAX_MEMBERS];   ///< people near each member at the last census
    uint32_t count;
    gops_choice_params_t params;
    uint64_t switches;                         ///< pedestrians who changed member
    uint64_t evaluations;                      ///< choices made
} gops_choice_group_t;

typedef struct gops_choice {
    gops_choice_group_t *groups;
    uint32_t count;
    double next_census_s;                      ///< s after the start
} gops_choice_t;

void gops_choice_free(gops_choice_t *c);

#endif
