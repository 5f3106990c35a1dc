// SPDX-License-Identifier: MIT
// The default incident taxonomy (see incident_types.h). Every number here is either from
// FACTS.md (marked FACTS) or our assumption (marked "assumed"), to be replaced by data.
// Does not draw anything: generator.c and sensing.c read this table.
//
// Rates. The reports give no incident counts. We assume about 125 incidents a day on a
// normal day in the 1.17 km² district and about 200 on a holiday, scaling visitor-driven
// types by the holiday/weekday visitor ratio 419,000 / 295,000 = 1.42 (FACTS) and rounding.
// Major events add crowd and lost-person cases but see less vending (stricter order);
// emergency mode is New Year's Eve-like (fireworks prevention, FACTS).
//
// Repair times from the reports (FACTS): water main burst reported 10:00, water back 14:00
// (4 h); heating pipe leak fixed within 1 day; road collapse of unclear ownership closed in
// 7 days after the centre re-routed the order. We split each into a team's on-scene work
// (securing the site, occupies the team) and a contractor repair that follows, so that
// occurrence-to-closure lands near the reported time with default response and refusal
// delays (tests/unit/test_ops_centre.c checks this).
#include "ops/incident_types.h"

#include <string.h>

static const char *const itype_names[GOPS_ITYPE_COUNT] = {
#define GOPS_ITYPE_NAME(name, text, cat) text,
    GOPS_ITYPE_LIST(GOPS_ITYPE_NAME)
#undef GOPS_ITYPE_NAME
};

static const char *const scene_names[GOPS_SCENE_COUNT] = {
#define GOPS_SCENE_NAME(name, text) text,
    GOPS_SCENE_LIST(GOPS_SCENE_NAME)
#undef GOPS_SCENE_NAME
};

static const char *const priority_names[GOPS_PRIO_COUNT] = {"critical", "high", "normal", "low"};
static const char *const location_names[GOPS_WHERE_COUNT] = {"walkable", "crowd",     "vendor",     "curb",    "nonmotor",
                                                           "road",     "low_point", "under_road", "entrance"};

/// Raw hourly weights (hour 0..23); normalised to mean 1 when used. All assumed.
static const double profile_raw[GOPS_PROFILE_COUNT][24] = {
    [GOPS_PROFILE_FLAT] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    [GOPS_PROFILE_RETAIL] = {0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.5,
                             1.6, 1.5, 1.5, 1.6, 1.7, 1.8, 2.0, 2.0, 1.8, 1.4, 0.9, 0.5},
    [GOPS_PROFILE_COMMUTE] = {0.3, 0.2, 0.2, 0.2, 0.3, 0.6, 1.2, 1.9, 2.0, 1.4, 1.1, 1.1,
                              1.2, 1.1, 1.1, 1.2, 1.5, 1.9, 2.0, 1.6, 1.2, 0.9, 0.6, 0.4},
    [GOPS_PROFILE_EVENING] = {0.6, 0.3, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.6, 0.7, 0.8, 0.9,
                              1.0, 0.9, 0.9, 1.0, 1.3, 2.2, 2.6, 2.8, 2.8, 2.5, 2.0, 1.3},
    [GOPS_PROFILE_NIGHT] = {3.0, 1.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
                            0.1, 0.1, 0.1, 0.1, 0.2, 0.3, 0.6, 1.2, 2.5, 3.5, 4.5, 5.5},
};

#define U(unit) (1u << GOPS_UNIT_##unit)
#define PER_DAY(n) ((n) / 24.0)

void gops_incident_types_default(gops_incident_type_t t[GOPS_ITYPE_COUNT])
{
    memset(t, 0, sizeof(gops_incident_type_t) * GOPS_ITYPE_COUNT);
    gops_incident_type_t *x;

    // Crowd gathering: the crowd model's density warnings add more (ops.c); these are the
    // gatherings nobody measured, e.g. a street show. Handling: police disperse or guide.
    x = &t[GOPS_ITYPE_CROWD_GATHERING];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_CROWD, .priority = GOPS_PRIO_HIGH, .severity = 3,
        .rate_per_h = {PER_DAY(2), PER_DAY(8), PER_DAY(12), PER_DAY(16)},
        .profile = GOPS_PROFILE_RETAIL, .location = GOPS_WHERE_CROWD,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 1200, .handling_cv = 0.5,
        .default_units = U(POLICE), .p_unclear = 0.0, .p_verify_fail = 0.05,
        .self_clear_mean_s = 1800, .target_close_s = 3600,
        .scene = GOPS_SCENE_CROWD_GATHERING, .p_vision = 0.9, .vision_delay_s = 60,
        .p_drone = 0.9, .p_patrol = 0.9, .p_post = 0.95, .p_report = 0.3, .report_delay_s = 600,
    };
    // Mobile vendors outside the guidance points (FACTS: 5 points, 97 stalls).
    x = &t[GOPS_ITYPE_ILLEGAL_VENDING];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_VENDING, .priority = GOPS_PRIO_NORMAL, .severity = 1,
        .rate_per_h = {PER_DAY(30), PER_DAY(45), PER_DAY(20), PER_DAY(20)},
        .profile = GOPS_PROFILE_EVENING, .location = GOPS_WHERE_VENDOR,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 600, .handling_cv = 0.5,
        .default_units = U(CITY_MANAGEMENT), .p_verify_fail = 0.1,
        .self_clear_mean_s = 2700, .target_close_s = 3600,
        .scene = GOPS_SCENE_STREET_ORDER, .p_vision = 0.7, .vision_delay_s = 120,
        .p_drone = 0.5, .p_patrol = 0.9, .p_post = 0.9, .p_report = 0.2, .report_delay_s = 1200,
    };
    // Stalls at a guidance point out of bounds, out of hours or unhygienic.
    x = &t[GOPS_ITYPE_STALL_DISORDER];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_VENDING, .priority = GOPS_PRIO_LOW, .severity = 1,
        .rate_per_h = {PER_DAY(6), PER_DAY(10), PER_DAY(6), PER_DAY(6)},
        .profile = GOPS_PROFILE_EVENING, .location = GOPS_WHERE_VENDOR,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 900, .handling_cv = 0.5,
        .default_units = U(CITY_MANAGEMENT), .p_verify_fail = 0.1,
        .self_clear_mean_s = 3600, .target_close_s = 7200,
        .scene = GOPS_SCENE_STREET_ORDER, .p_vision = 0.6, .vision_delay_s = 180,
        .p_drone = 0.3, .p_patrol = 0.8, .p_post = 0.8, .p_report = 0.2, .report_delay_s = 1800,
    };
    x = &t[GOPS_ITYPE_PARKING_MOTOR];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_PARKING, .priority = GOPS_PRIO_NORMAL, .severity = 1,
        .rate_per_h = {PER_DAY(25), PER_DAY(35), PER_DAY(35), PER_DAY(30)},
        .profile = GOPS_PROFILE_COMMUTE, .location = GOPS_WHERE_CURB,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 900, .handling_cv = 0.5,
        .default_units = U(TRAFFIC_POLICE) | U(CITY_MANAGEMENT), .p_verify_fail = 0.05,
        .self_clear_mean_s = 5400, .target_close_s = 3600,
        .scene = GOPS_SCENE_MOTOR_PARKING, .p_vision = 0.6, .vision_delay_s = 180, .p_capture = 0.95,
        .p_drone = 0.4, .p_patrol = 0.8, .p_post = 0.8, .p_report = 0.1, .report_delay_s = 1800,
    };
    // FACTS names disorderly non-motor parking among the 7 long-running problems.
    x = &t[GOPS_ITYPE_PARKING_NONMOTOR];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_PARKING, .priority = GOPS_PRIO_LOW, .severity = 1,
        .rate_per_h = {PER_DAY(30), PER_DAY(45), PER_DAY(40), PER_DAY(35)},
        .profile = GOPS_PROFILE_RETAIL, .location = GOPS_WHERE_NONMOTOR,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 600, .handling_cv = 0.5,
        .default_units = U(CITY_MANAGEMENT), .p_verify_fail = 0.1,
        .self_clear_mean_s = 7200, .target_close_s = 7200,
        .scene = GOPS_SCENE_NONMOTOR_PARKING, .p_vision = 0.6, .vision_delay_s = 300,
        .p_drone = 0.3, .p_patrol = 0.8, .p_post = 0.8, .p_report = 0.1, .report_delay_s = 2400,
    };
    x = &t[GOPS_ITYPE_TRAFFIC_ACCIDENT];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_TRAFFIC_ACCIDENT, .priority = GOPS_PRIO_HIGH, .severity = 3,
        .rate_per_h = {PER_DAY(4), PER_DAY(6), PER_DAY(6), PER_DAY(8)},
        .profile = GOPS_PROFILE_COMMUTE, .location = GOPS_WHERE_ROAD,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 2400, .handling_cv = 0.6,
        .default_units = U(TRAFFIC_POLICE), .p_verify_fail = 0.02,
        .target_close_s = 7200,
        .scene = GOPS_SCENE_TRAFFIC_ACCIDENT, .p_vision = 0.8, .vision_delay_s = 60, .p_capture = 0.5,
        .p_drone = 0.8, .p_patrol = 0.95, .p_post = 0.95, .p_report = 0.95, .report_delay_s = 180,
    };
    // Rain only: rate per 10 mm/h (assumed: 1 per hour at 10 mm/h in the whole district).
    x = &t[GOPS_ITYPE_WATERLOGGING];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_WATERLOGGING, .priority = GOPS_PRIO_HIGH, .severity = 3,
        .rate_per_h = {1, 1, 1, 1}, .needs_rain = true,
        .profile = GOPS_PROFILE_FLAT, .location = GOPS_WHERE_LOW_POINT,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 5400, .handling_cv = 0.5,
        .default_units = U(UTILITIES), .p_verify_fail = 0.05,
        .target_close_s = 4 * 3600,
        .scene = GOPS_SCENE_ROAD_WATERLOGGING, .p_vision = 0.9, .vision_delay_s = 120,
        .p_drone = 0.9, .p_patrol = 0.95, .p_post = 0.9, .p_report = 0.6, .report_delay_s = 900,
    };
    x = &t[GOPS_ITYPE_LITTER_OVERFLOW];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_SANITATION, .priority = GOPS_PRIO_LOW, .severity = 1,
        .rate_per_h = {PER_DAY(15), PER_DAY(30), PER_DAY(30), PER_DAY(25)},
        .profile = GOPS_PROFILE_RETAIL, .location = GOPS_WHERE_WALKABLE,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 1200, .handling_cv = 0.5,
        .default_units = U(SANITATION), .p_verify_fail = 0.1,
        .target_close_s = 4 * 3600,
        .scene = GOPS_SCENE_SANITATION, .p_vision = 0.7, .vision_delay_s = 300,
        .p_drone = 0.2, .p_patrol = 0.7, .p_post = 0.6, .p_report = 0.2, .report_delay_s = 3600,
    };
    x = &t[GOPS_ITYPE_MANHOLE_DAMAGE];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_FACILITY, .priority = GOPS_PRIO_HIGH, .severity = 3,
        .rate_per_h = {PER_DAY(0.5), PER_DAY(0.5), PER_DAY(0.5), PER_DAY(0.5)},
        .profile = GOPS_PROFILE_FLAT, .location = GOPS_WHERE_WALKABLE,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 1800, .handling_cv = 0.5,
        .repair_mean_s = 4 * 3600, .default_units = U(CITY_MANAGEMENT), .p_verify_fail = 0.05,
        .target_close_s = 24 * 3600,
        .scene = GOPS_SCENE_DAMAGED_FACILITY, .p_vision = 0.5, .vision_delay_s = 600,
        .p_drone = 0.1, .p_patrol = 0.7, .p_post = 0.6, .p_report = 0.4, .report_delay_s = 3600,
    };
    x = &t[GOPS_ITYPE_RAILING_DAMAGE];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_FACILITY, .priority = GOPS_PRIO_NORMAL, .severity = 2,
        .rate_per_h = {PER_DAY(1), PER_DAY(1.5), PER_DAY(1.5), PER_DAY(1.5)},
        .profile = GOPS_PROFILE_FLAT, .location = GOPS_WHERE_CURB,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 1800, .handling_cv = 0.5,
        .repair_mean_s = 2 * 3600, .default_units = U(CITY_MANAGEMENT), .p_verify_fail = 0.05,
        .target_close_s = 24 * 3600,
        .scene = GOPS_SCENE_DAMAGED_FACILITY, .p_vision = 0.5, .vision_delay_s = 600,
        .p_drone = 0.1, .p_patrol = 0.7, .p_post = 0.6, .p_report = 0.3, .report_delay_s = 3600,
    };
    // FACTS: reported 10:00, water back 14:00. About 20 min to arrive plus 40 min securing
    // and 3 h repair.
    x = &t[GOPS_ITYPE_WATER_MAIN_BURST];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_UTILITY, .priority = GOPS_PRIO_CRITICAL, .severity = 4,
        .rate_per_h = {PER_DAY(0.02), PER_DAY(0.02), PER_DAY(0.02), PER_DAY(0.02)},
        .profile = GOPS_PROFILE_FLAT, .location = GOPS_WHERE_UNDER_ROAD,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 2400, .handling_cv = 0.3,
        .repair_mean_s = 3 * 3600, .default_units = U(UTILITIES), .p_verify_fail = 0.0,
        .target_close_s = 4 * 3600,
        .scene = GOPS_SCENE_ROAD_WATERLOGGING, .p_vision = 0.8, .vision_delay_s = 120,
        .p_drone = 0.9, .p_patrol = 0.95, .p_post = 0.95, .p_report = 0.95, .report_delay_s = 600,
    };
    // FACTS: found by a micro-grid leader on patrol; city management → heating company;
    // fixed within 1 day. Steam under the pavement: no scene the video recognition knows; passers-by report it
    // within hours. 1 h securing and 14 h of repair.
    x = &t[GOPS_ITYPE_HEATING_LEAK];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_UTILITY, .priority = GOPS_PRIO_HIGH, .severity = 3,
        .rate_per_h = {PER_DAY(0.03), PER_DAY(0.03), PER_DAY(0.03), PER_DAY(0.03)},
        .profile = GOPS_PROFILE_FLAT, .location = GOPS_WHERE_UNDER_ROAD,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 3600, .handling_cv = 0.3,
        .repair_mean_s = 14 * 3600, .default_units = U(UTILITIES), .p_verify_fail = 0.0,
        .target_close_s = 24 * 3600,
        .scene = GOPS_SCENE_NONE, .p_vision = 0.0,
        .p_drone = 0.2, .p_patrol = 0.8, .p_post = 0.5, .p_report = 0.9, .report_delay_s = 3 * 3600,
    };
    // FACTS: 50 m² collapse; ownership unclear ("outside municipal maintenance"); the
    // centre re-routed the order; closed in 7 days. Always refused once (after 4 h), then
    // escalated; 2 h securing and 6.5 days of repair.
    x = &t[GOPS_ITYPE_ROAD_COLLAPSE];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_UTILITY, .priority = GOPS_PRIO_CRITICAL, .severity = 5,
        .rate_per_h = {PER_DAY(0.005), PER_DAY(0.005), PER_DAY(0.005), PER_DAY(0.005)},
        .profile = GOPS_PROFILE_FLAT, .location = GOPS_WHERE_UNDER_ROAD,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 7200, .handling_cv = 0.3,
        .repair_mean_s = 6.5 * 86400, .default_units = U(UTILITIES), .p_unclear = 1.0,
        .p_verify_fail = 0.0, .target_close_s = 7 * 86400,
        .scene = GOPS_SCENE_ROAD_SURFACE, .p_vision = 0.8, .vision_delay_s = 120,
        .p_drone = 0.9, .p_patrol = 0.95, .p_post = 0.95, .p_report = 0.9, .report_delay_s = 600,
    };
    // FACTS: New Year's Eve fireworks prevention in emergency mode.
    x = &t[GOPS_ITYPE_FIREWORKS];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_FIREWORKS, .priority = GOPS_PRIO_HIGH, .severity = 3,
        .rate_per_h = {0, PER_DAY(1), PER_DAY(2), PER_DAY(12)},
        .profile = GOPS_PROFILE_NIGHT, .location = GOPS_WHERE_CROWD,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 600, .handling_cv = 0.5,
        .default_units = U(POLICE) | U(CITY_MANAGEMENT), .p_verify_fail = 0.02,
        .self_clear_mean_s = 900, .target_close_s = 1800,
        .scene = GOPS_SCENE_SMOKE_FIRE, .p_vision = 0.8, .vision_delay_s = 30,
        .p_drone = 0.9, .p_patrol = 0.9, .p_post = 0.9, .p_report = 0.5, .report_delay_s = 300,
    };
    // Someone (usually a relative) reports almost every case; video recognition does not look for people.
    x = &t[GOPS_ITYPE_LOST_PERSON];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_LOST_PERSON, .priority = GOPS_PRIO_HIGH, .severity = 3,
        .rate_per_h = {PER_DAY(3), PER_DAY(8), PER_DAY(10), PER_DAY(12)},
        .profile = GOPS_PROFILE_RETAIL, .location = GOPS_WHERE_CROWD,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 2700, .handling_cv = 0.6,
        .default_units = U(POLICE) | U(VOLUNTEER), .p_verify_fail = 0.0,
        .target_close_s = 2 * 3600,
        .scene = GOPS_SCENE_NONE, .p_vision = 0.0,
        .p_drone = 0.0, .p_patrol = 0.2, .p_post = 0.5, .p_report = 0.98, .report_delay_s = 600,
    };
    // Merchant–customer disputes: the parties call.
    x = &t[GOPS_ITYPE_DISPUTE];
    *x = (gops_incident_type_t){
        .category = GOPS_CAT_DISPUTE, .priority = GOPS_PRIO_NORMAL, .severity = 2,
        .rate_per_h = {PER_DAY(8), PER_DAY(14), PER_DAY(12), PER_DAY(12)},
        .profile = GOPS_PROFILE_RETAIL, .location = GOPS_WHERE_ENTRANCE,
        .handling_dist = GOPS_DIST_LOGNORMAL, .handling_mean_s = 1800, .handling_cv = 0.6,
        .default_units = U(MARKET_REGULATION) | U(GRID_WORKER), .p_verify_fail = 0.1,
        .self_clear_mean_s = 3600, .target_close_s = 3 * 3600,
        .scene = GOPS_SCENE_NONE, .p_vision = 0.0,
        .p_drone = 0.0, .p_patrol = 0.5, .p_post = 0.6, .p_report = 0.9, .report_delay_s = 300,
    };
}

const char *gops_itype_name(gops_itype_t type)
{
    return (unsigned)type < GOPS_ITYPE_COUNT ? itype_names[type] : "?";
}

int gops_itype_from_name(const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < GOPS_ITYPE_COUNT; i++)
        if (strcmp(itype_names[i], name) == 0) return i;
    return -1;
}

const char *gops_priority_name(gops_priority_t p)
{
    return (unsigned)p < GOPS_PRIO_COUNT ? priority_names[p] : "?";
}

const char *gops_scene_name(gops_scene_t scene)
{
    return (unsigned)scene < GOPS_SCENE_COUNT ? scene_names[scene] : "?";
}

const char *gops_location_model_name(gops_location_model_t m)
{
    return (unsigned)m < GOPS_WHERE_COUNT ? location_names[m] : "?";
}

double gops_day_profile_factor(gops_day_profile_t profile, int64_t second_of_day)
{
    if ((unsigned)profile >= GOPS_PROFILE_COUNT) profile = GOPS_PROFILE_FLAT;
    int64_t s = second_of_day % 86400;
    if (s < 0) s += 86400;
    double sum = 0;
    for (int h = 0; h < 24; h++) sum += profile_raw[profile][h];
    return profile_raw[profile][s / 3600] * 24.0 / sum;
}

double gops_incident_type_rate(const gops_incident_type_t *type, gops_mode_t mode, int64_t second_of_day,
                               double rain_mm_h)
{
    double r = type->rate_per_h[mode] * gops_day_profile_factor(type->profile, second_of_day);
    if (type->needs_rain) r *= rain_mm_h > 0 ? rain_mm_h / 10.0 : 0.0;
    return r;
}
