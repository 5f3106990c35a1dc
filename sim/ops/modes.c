// SPDX-License-Identifier: MIT
// Default operating-mode bundles (see modes.h). FACTS.md gives the modes, the holiday
// staffing (50 posts, 17 mobile teams, in teams.c) and New Year's Eve's 17:00 switch to
// emergency mode; every value below is our assumption unless marked FACTS.
//
// | mode        | call-in | patrol  | desks | warn at | vendors | signals   | perimeter |
// | normal      | 20 min  | beat    | 1/3   | 4.0     | 0.5     | normal    | no        |
// | holiday     | 30 min  | hotspot | 1/2   | 3.5     | 0.3     | holiday   | no        |
// | major_event | 20 min  | hotspot | 1     | 3.0     | 0.0     | event     | yes       |
// | emergency   | 15 min  | hotspot | 1     | 2.5     | 0.0     | emergency | yes       |
//
// Call-in: staff off duty reach the district in 15–30 min (an emergency pages people; a
// holiday roster is larger and slower to assemble). Desks: the 23-person task force (FACTS)
// works three shifts on ordinary days and doubles up on holidays; for events and
// emergencies everyone is in. Warning thresholds follow VALIDATION.md's crowd-safety bands
// (sustained > 4 persons/m² is a warning), lowered when crowds are expected to grow.
#include "ops/modes.h"

gops_mode_bundle_t gops_mode_bundle_default(gops_mode_t mode)
{
    switch (mode) {
    case GOPS_MODE_HOLIDAY:
        return (gops_mode_bundle_t){1800, GOPS_PATROL_HOTSPOT, 0.5, 3.5, 0.3, "holiday", false};
    case GOPS_MODE_MAJOR_EVENT:
        return (gops_mode_bundle_t){1200, GOPS_PATROL_HOTSPOT, 1.0, 3.0, 0.0, "event", true};
    case GOPS_MODE_EMERGENCY:
        return (gops_mode_bundle_t){900, GOPS_PATROL_HOTSPOT, 1.0, 2.5, 0.0, "emergency", true};
    default:
        return (gops_mode_bundle_t){1200, GOPS_PATROL_BEAT, 1.0 / 3.0, 4.0, 0.5, "normal", false};
    }
}

const char *gops_patrol_pattern_name(gops_patrol_pattern_t p)
{
    return p == GOPS_PATROL_HOTSPOT ? "hotspot" : p == GOPS_PATROL_BEAT ? "beat" : "?";
}
