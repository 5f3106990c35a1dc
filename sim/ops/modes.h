// SPDX-License-Identifier: MIT
// The four operating modes as documented bundles (FACTS.md: normal 平时, holiday 节假日,
// major event 重大活动, emergency 应急战时): call-in lag, patrol pattern, centre desk share,
// and the settings other models read for the mode (crowd-warning threshold, vendor
// tolerance, signal plan, security perimeter). Staffing counts per mode live with the team
// kinds (teams.h) and incident rates with the taxonomy; this file holds the rest.
#ifndef GOPS_OPS_MODES_H
#define GOPS_OPS_MODES_H

#include "gridops/types.h"

#include <stdbool.h>

typedef enum gops_patrol_pattern {
    GOPS_PATROL_HOTSPOT, ///< next waypoint drawn at random among hot spots (posts, squares, exits)
    GOPS_PATROL_BEAT,    ///< waypoints of the team's area visited in a fixed cycle
    GOPS_PATROL_PATTERN_COUNT
} gops_patrol_pattern_t;

typedef struct gops_mode_bundle {
    double mobilise_s;          ///< s, staff called in by a switch to this mode reach their base
                                ///< or staging point after this (then walk to posts)
    gops_patrol_pattern_t patrol;
    double centre_desk_share;   ///< share of the task force at desks (triaging orders)
    double crowd_warning_ppm2;  ///< persons/m², density at which the crowd model should warn
    double vendor_tolerance;    ///< 0..1, how much vending outside points is tolerated (vendors model)
    const char *signal_plan;    ///< name of the traffic model's signal plan for this mode
    bool perimeter;             ///< security perimeter and road closures prepared ("three pre-")
} gops_mode_bundle_t;

/// The documented defaults (values and reasons in modes.c).
gops_mode_bundle_t gops_mode_bundle_default(gops_mode_t mode);
const char *gops_patrol_pattern_name(gops_patrol_pattern_t p);

#endif
