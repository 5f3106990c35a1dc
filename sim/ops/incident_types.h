// SPDX-License-Identifier: MIT
// The incident taxonomy: the kinds of incident the reports name, each mapped to one of the
// map's responsibility categories, with priority, default rates per mode and time of day,
// location model, on-scene handling and repair times, ownership clarity, and how visible it
// is to each sensing channel. Values only; generating, sensing and dispatching live elsewhere.
#ifndef GOPS_OPS_INCIDENT_TYPES_H
#define GOPS_OPS_INCIDENT_TYPES_H

#include "gridops/types.h"
#include "world/map.h"

#include <stdbool.h>
#include <stdint.h>

/// X(name, text, map category). Append only: indices appear in outputs' ordering.
#define GOPS_ITYPE_LIST(X)                                        \
    X(CROWD_GATHERING, "crowd_gathering", CROWD)                  \
    X(ILLEGAL_VENDING, "illegal_vending", VENDING)                \
    X(STALL_DISORDER, "stall_disorder", VENDING)                  \
    X(PARKING_MOTOR, "parking_motor", PARKING)                    \
    X(PARKING_NONMOTOR, "parking_nonmotor", PARKING)              \
    X(TRAFFIC_ACCIDENT, "traffic_accident", TRAFFIC_ACCIDENT)     \
    X(WATERLOGGING, "waterlogging", WATERLOGGING)                 \
    X(LITTER_OVERFLOW, "litter_overflow", SANITATION)             \
    X(MANHOLE_DAMAGE, "manhole_damage", FACILITY)                 \
    X(RAILING_DAMAGE, "railing_damage", FACILITY)                 \
    X(WATER_MAIN_BURST, "water_main_burst", UTILITY)              \
    X(HEATING_LEAK, "heating_leak", UTILITY)                      \
    X(ROAD_COLLAPSE, "road_collapse", UTILITY)                    \
    X(FIREWORKS, "fireworks", FIREWORKS)                          \
    X(LOST_PERSON, "lost_person", LOST_PERSON)                    \
    X(DISPUTE, "dispute", DISPUTE)

typedef enum gops_itype {
#define GOPS_ITYPE_ENUM(name, text, cat) GOPS_ITYPE_##name,
    GOPS_ITYPE_LIST(GOPS_ITYPE_ENUM)
#undef GOPS_ITYPE_ENUM
    GOPS_ITYPE_COUNT
} gops_itype_t;

/// Dispatch priority: lower is more urgent. Critical orders may pre-empt others.
typedef enum gops_priority {
    GOPS_PRIO_CRITICAL = 0,
    GOPS_PRIO_HIGH,
    GOPS_PRIO_NORMAL,
    GOPS_PRIO_LOW,
    GOPS_PRIO_COUNT
} gops_priority_t;

/// Where incidents of a type happen (generator.c draws the point).
typedef enum gops_location_model {
    GOPS_WHERE_WALKABLE,  ///< anywhere on the walkable raster, uniformly by area
    GOPS_WHERE_CROWD,     ///< plazas and the pedestrian street by area, and metro/rail exits
    GOPS_WHERE_VENDOR,    ///< around vendor points (half) and crowd anchors (half)
    GOPS_WHERE_CURB,      ///< on the sidewalk edge of a road, by road length
    GOPS_WHERE_NONMOTOR,  ///< near metro exits, bus stops and mall entrances
    GOPS_WHERE_ROAD,      ///< on a carriageway: half at shared road nodes, half along roads
    GOPS_WHERE_LOW_POINT, ///< at road nodes shared by 3+ roads (the map has no heights; see .c)
    GOPS_WHERE_UNDER_ROAD, ///< along road centre lines (pipes run under the carriageway)
    GOPS_WHERE_ENTRANCE,  ///< at mall entrances
    GOPS_WHERE_COUNT
} gops_location_model_t;

/// Hour-of-day profiles; each is normalised so that its mean over 24 h is 1.
typedef enum gops_day_profile {
    GOPS_PROFILE_FLAT,
    GOPS_PROFILE_RETAIL,   ///< shoppers: low at night, peak 18:00–20:00
    GOPS_PROFILE_COMMUTE,  ///< road traffic: peaks 08:00 and 18:00
    GOPS_PROFILE_EVENING,  ///< vendors and night life: 17:00–23:00
    GOPS_PROFILE_NIGHT,    ///< fireworks: 20:00–01:00
    GOPS_PROFILE_COUNT
} gops_day_profile_t;

typedef enum gops_duration_dist {
    GOPS_DIST_EXPONENTIAL, ///< memoryless, mean only (the Erlang validation uses it)
    GOPS_DIST_LOGNORMAL,   ///< mean and coefficient of variation
    GOPS_DIST_FIXED,       ///< always the mean
} gops_duration_dist_t;

/// The 10 scene categories the centre's video recognition knows (FACTS.md: "10 kinds of scene,
/// e.g. road waterlogging, sanitation, street order"). The reports name three; the other
/// seven are our choice of what video recognition in a shopping district plausibly looks for.
#define GOPS_SCENE_LIST(X)                         \
    X(NONE, "none")                                \
    X(CROWD_GATHERING, "crowd_gathering")          \
    X(STREET_ORDER, "street_order")                \
    X(MOTOR_PARKING, "motor_parking")              \
    X(NONMOTOR_PARKING, "nonmotor_parking")        \
    X(TRAFFIC_ACCIDENT, "traffic_accident")        \
    X(ROAD_WATERLOGGING, "road_waterlogging")      \
    X(SANITATION, "sanitation")                    \
    X(DAMAGED_FACILITY, "damaged_facility")        \
    X(ROAD_SURFACE, "road_surface_damage")         \
    X(SMOKE_FIRE, "smoke_fire")

typedef enum gops_scene {
#define GOPS_SCENE_ENUM(name, text) GOPS_SCENE_##name,
    GOPS_SCENE_LIST(GOPS_SCENE_ENUM)
#undef GOPS_SCENE_ENUM
    GOPS_SCENE_COUNT
} gops_scene_t;

/// One incident type. Probabilities are in [0, 1]; times in s; rates per hour.
typedef struct gops_incident_type {
    gops_category_t category;       ///< responsibility category on the map
    gops_priority_t priority;
    int severity;                   ///< 1 (minor) .. 5 (major), reported only
    double rate_per_h[GOPS_MODE_COUNT]; ///< mean over a day, per hour, by mode (≥ 0)
    gops_day_profile_t profile;
    bool needs_rain;                ///< rate applies per 10 mm/h of rain (0 when dry)
    gops_location_model_t location;
    gops_duration_dist_t handling_dist;
    double handling_mean_s;         ///< s, a team's on-scene work (occupies the team)
    double handling_cv;             ///< coefficient of variation (lognormal)
    double repair_mean_s;           ///< s, work after the team leaves (contractors), lognormal cv 0.25; 0 = none
    uint32_t default_units;         ///< unit-type bits used where no zone names a unit
    double p_unclear;               ///< probability that ownership is unclear: the first order is refused
    double p_verify_fail;           ///< probability that one verification fails and re-opens the order
    double self_clear_mean_s;       ///< s, mean time an undetected incident lasts by itself; 0 = until handled
    double target_close_s;          ///< s, closure target (occurrence to closure) for the closure rate
    // Sensing (sensing.c): visibility to each channel.
    gops_scene_t scene;             ///< recognised scene category, NONE if video recognition cannot see it
    double p_vision;                ///< probability video recognition spots it when a camera sees it
    double vision_delay_s;          ///< s, mean recognition delay after a scan
    double p_capture;               ///< smart-capture devices covering it (motor vehicles only); 0 = never
    double p_drone;                 ///< a drone overhead notices it
    double p_patrol;                ///< a patrol team passing within the radius notices it
    double p_post;                  ///< a staffed post within the radius notices it
    double p_report;                ///< a merchant or citizen reports it
    double report_delay_s;          ///< s, mean delay of such a report
} gops_incident_type_t;

/// The default table (values and sources documented in incident_types.c).
void gops_incident_types_default(gops_incident_type_t types[GOPS_ITYPE_COUNT]);

/// "crowd_gathering", ...; "?" when out of range.
const char *gops_itype_name(gops_itype_t type);
/// -1 when unknown.
int gops_itype_from_name(const char *name);
/// "critical", "high", "normal", "low"; "?" when out of range.
const char *gops_priority_name(gops_priority_t p);
const char *gops_scene_name(gops_scene_t scene);
const char *gops_location_model_name(gops_location_model_t m);

/// Multiplier of a day profile at a second of the day (piecewise constant by hour, mean 1).
double gops_day_profile_factor(gops_day_profile_t profile, int64_t second_of_day);
/// Rate (per hour) of a type in a mode at a second of the day with `rain_mm_h` of rain.
double gops_incident_type_rate(const gops_incident_type_t *type, gops_mode_t mode, int64_t second_of_day,
                               double rain_mm_h);

#endif
