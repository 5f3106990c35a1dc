// SPDX-License-Identifier: MIT
// How incidents come to the centre's attention: camera coverage from the map (position,
// heading, field of view, range) with video scene recognition, smart-capture devices for
// motor-vehicle violations, drone patrols on a route and schedule, patrol teams and posts
// noticing what is within a radius, and merchants' and citizens' reports (a stand-in rate).
// Owns camera geometry and the drone route; it does not keep incidents or move teams.
#ifndef GOPS_OPS_SENSING_H
#define GOPS_OPS_SENSING_H

#include "core/rng.h"
#include "gridops/status.h"
#include "gridops/types.h"
#include "ops/incident_types.h"
#include "world/map.h"

#include <stdbool.h>
#include <stdint.h>

/// Detection channels, for incidents.csv's `detected_by` and the share-by-channel measures.
#define GOPS_CHANNEL_LIST(X)              \
    X(NONE, "none")                       \
    X(VISION, "camera_vision")            \
    X(SMART_CAPTURE, "smart_capture")     \
    X(DRONE, "drone")                     \
    X(PATROL, "patrol")                   \
    X(POST, "post")                       \
    X(REPORT, "report")                   \
    X(DENSITY, "density_warning")         \
    X(SCENARIO, "scenario")               \
    X(MODEL, "model")

typedef enum gops_channel {
#define GOPS_CHANNEL_ENUM(name, text) GOPS_CHANNEL_##name,
    GOPS_CHANNEL_LIST(GOPS_CHANNEL_ENUM)
#undef GOPS_CHANNEL_ENUM
    GOPS_CHANNEL_COUNT
} gops_channel_t;

const char *gops_channel_name(gops_channel_t c);
int gops_channel_from_name(const char *name);

typedef struct gops_sensing_params {
    bool perfect;                 ///< every incident is known at occurrence (queueing validation)
    bool reports;                 ///< merchants' and citizens' reports (stand-in rates per type)
    double scan_period_s;         ///< s, video recognition looks at each feed this often (60)
    double camera_quality[GOPS_CAMERA_TYPE_COUNT]; ///< chance a covering camera's view is usable for
                                  ///< recognition: eagle-eye 0.7 (high, far), Sharp Eyes 1.0,
                                  ///< smart capture 0 (its own channel)
    double capture_delay_s;       ///< s, mean delay of a smart-capture violation record (30)
    double patrol_radius_m;       ///< m, patrol teams notice within this (30)
    double patrol_delay_s;        ///< s, a patrol's report reaching the centre (60)
    double post_radius_m;         ///< m, a staffed post notices within this (50)
    double post_delay_s;          ///< s, (60)
    double drone_radius_m;        ///< m, ground footprint of a drone camera (120)
    double drone_delay_s;         ///< s, operator spotting it on the big screen (30)
    double drone_speed_mps;       ///< m/s (8)
    double drone_flight_s;        ///< s, one flight (1500: a 25-minute battery)
    double drone_interval_s[GOPS_MODE_COUNT]; ///< s between flight starts; 0 = no flights
    uint32_t drones;              ///< drones flying the route together, evenly spaced (1)
    double sense_period_s;        ///< s, how often patrols, posts and drones are checked (5)
} gops_sensing_params_t;

/// A camera as sensing uses it (precomputed from the map feature).
typedef struct gops_camera {
    gops_point_t at;
    double hx, hy;      ///< unit heading (north = (0, 1), clockwise bearings)
    double cos_half;    ///< cos(fov/2); below -1 for a full circle
    double range_m;
    gops_camera_type_t type;
    uint32_t feature;
} gops_camera_t;

typedef struct gops_sensing {
    gops_sensing_params_t params;
    gops_camera_t *cameras;
    uint32_t camera_count;
    gops_point_t *route;    ///< drone route, a closed loop (last leg back to the first point)
    double *route_cum;      ///< m, distance along the loop at each point
    uint32_t route_count;
    double route_length;    ///< m, whole loop
} gops_sensing_t;

/// What the static channels (cameras, smart capture, reports) decide at occurrence, and
/// whether patrols, posts and drones would notice it when near.
typedef struct gops_sense_draw {
    double t_detect;          ///< s, earliest static detection time, INFINITY if none
    gops_channel_t channel;   ///< its channel, NONE if none
    bool notice_patrol, notice_post, notice_drone;
} gops_sense_draw_t;

gops_sensing_params_t gops_sensing_params_default(void);
/// Reads cameras from the map (may be NULL) and builds the default drone route (the
/// boundary's vertices pulled 40 % towards its centroid, when the map has a boundary).
gops_status_t gops_sensing_init(gops_sensing_t *s, const gops_sensing_params_t *params, const gops_map_t *map,
                                gops_error_t *err);
void gops_sensing_free(gops_sensing_t *s);
/// Replaces the drone route with `count` points (≥ 2) forming a loop; count 0 removes it.
gops_status_t gops_sensing_set_route(gops_sensing_t *s, const gops_point_t *pts, uint32_t count, gops_error_t *err);

/// True when camera `c` sees p: within its range and within half its field of view of its
/// heading (boundaries included).
bool gops_camera_sees(const gops_camera_t *c, gops_point_t p);
/// The camera record of a map camera feature.
gops_camera_t gops_camera_from_feature(const gops_feature_t *f);
/// Probability that video recognition spots an incident of `type` at p over its life:
/// p_vision × (1 − Π over covering cameras (1 − quality of its type)).
double gops_sensing_vision_probability(const gops_sensing_t *s, const gops_incident_type_t *type, gops_point_t p);
/// True when a smart-capture device covers p.
bool gops_sensing_capture_covers(const gops_sensing_t *s, gops_point_t p);
/// Whether a camera of a type with any quality has `p` in view (an operator at the big
/// screen can look at it, whatever the AI recognises).
bool gops_sensing_in_view(const gops_sensing_t *s, gops_point_t p);
/// Draws the static channels for an incident occurring at t_occ (s). Always consumes the
/// same number of random numbers, so one incident's draw never shifts another's.
gops_sense_draw_t gops_sensing_draw(const gops_sensing_t *s, const gops_incident_type_t *type, gops_point_t p,
                                    double t_occ, gops_rng_t *rng);
/// Positions of the drones flying at now_s (s since start) in `mode`: flight k starts at
/// k × interval and lasts drone_flight_s. Writes up to `cap`; returns the count.
uint32_t gops_sensing_drones(const gops_sensing_t *s, gops_mode_t mode, double now_s, gops_point_t *out, uint32_t cap);

#endif
