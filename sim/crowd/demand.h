// SPDX-License-Identifier: MIT
// Visitor demand: arrivals as a Poisson process following the day's profile, each arrival a
// visitor record (entry point, speed group and free speed, radius, patience, an itinerary of
// 1–4 stops, exit) with a lifecycle; what happens when a visitor reaches a stop (enter a
// building, queue, linger, leave); and the counts. Does not move pedestrians: the crowd
// walks visitors between stops and reports when they get there.
#ifndef GOPS_CROWD_DEMAND_H
#define GOPS_CROWD_DEMAND_H

#include "crowd/buildings.h"
#include "crowd/destinations.h"
#include "crowd/gathering.h"
#include "crowd/pedestrians.h"
#include "crowd/profile.h"
#include "gridops/status.h"
#include "world/map.h"

#include <stdbool.h>
#include <stdint.h>

#define GOPS_ITINERARY_MAX 4 ///< stops per visitor, at most

/// Every parameter of demand, with its unit and source. Defaults: gops_demand_params_default.
typedef struct gops_demand_params {
    gops_day_kind_t day_kind;
    /// Unique visitors per day (FACTS.md: weekday average 295,000, holiday average 419,000).
    double daily_visitors;
    /// Arrival profile: used when profile_set; otherwise loaded from profile_path, or from
    /// the shipped profile of day_kind when profile_path is "".
    bool profile_set;
    gops_profile_t profile;
    char profile_path[512];
    /// Share of arrivals by transit mode (normalised over the modes the map has). Within a
    /// mode, garages are weighted by their spaces, other points equally. Assumption.
    double entry_mode_weight[GOPS_TRANSIT_MODE_COUNT];
    /// Share of non-garage visitors who leave by a mode drawn afresh from entry_mode_weight
    /// (garages excluded) instead of the one they came by. Assumption.
    double exit_redraw_share;
    /// Speed groups after RiMEA test 7 (shares of visitors; assumption) and their free-speed
    /// bands, m/s (RiMEA test 7: under 30 0.58–1.61, 30–50 1.41–1.54, over 50 0.68–1.41,
    /// impaired 0.46–0.76); the free speed is uniform within the band.
    double speed_group_share[GOPS_SPEED_GROUP_COUNT];
    double speed_min_ms[GOPS_SPEED_GROUP_COUNT], speed_max_ms[GOPS_SPEED_GROUP_COUNT];
    /// Body radius, m: normal(mean, sd) clamped to [min, max]. Assumption around 0.2 m.
    double radius_mean_m, radius_sd_m, radius_min_m, radius_max_m;
    /// Patience (longest wait in an entry queue), s: lognormal(median, σ) clamped to [min, max].
    double patience_median_s, patience_sigma, patience_min_s, patience_max_s;
    /// P(1, 2, 3, 4 stops), normalised. Assumption.
    double stops_share[GOPS_ITINERARY_MAX];
    /// Choice among destinations (class weights; destinations.h).
    gops_destinations_def_t destinations;
    /// Lingering at area stops (plaza, pedestrian street, vendor point), s: lognormal(median, σ)
    /// clamped to [60 s, 4 h]; indexed by destination class (other entries unused).
    double linger_median_s[GOPS_DEST_CLASS_COUNT], linger_sigma[GOPS_DEST_CLASS_COUNT];
    /// Stays inside buildings.
    gops_buildings_params_t buildings;
    /// How many times a visitor replaces a stop (closed, or patience ran out) before
    /// skipping it.
    uint32_t max_replans;
    /// A run starting after the opening begins with the visitors who came before it and
    /// have not left (crowd/warm_start.h); false: an empty district at the start. Off by
    /// default here (library users and benchmarks start empty); scenarios turn it on.
    bool warm_start;
    /// Event crowds on top of the profile (crowd/gathering.h): attendees arrive at the transit
    /// points like other visitors, walk to the gathering's place, stay until its leave time
    /// and leave by their exit. Add them with gops_demand_add_gathering.
    gops_gathering_def_t gatherings[GOPS_GATHERINGS_MAX];
    uint32_t gathering_count;
} gops_demand_params_t;

/// Documented defaults for a kind of day (values and sources in demand.c).
gops_demand_params_t gops_demand_params_default(gops_day_kind_t kind);
/// GOPS_BAD_VALUE naming the first bad field, what was found and what was expected.
gops_status_t gops_demand_params_validate(const gops_demand_params_t *p, gops_error_t *err);
/// Appends a gathering after checking it (gops_gathering_def_validate, a name no other
/// gathering has, at most GOPS_GATHERINGS_MAX). The place is looked up when demand is created.
/// GOPS_BAD_VALUE naming the problem.
gops_status_t gops_demand_add_gathering(gops_demand_params_t *p, const gops_gathering_def_t *g, gops_error_t *err);

typedef enum gops_visitor_state {
    GOPS_VISITOR_PENDING,   ///< generated, arrival time not reached
    GOPS_VISITOR_WALKING,   ///< on foot towards gops_demand_next_stop
    GOPS_VISITOR_QUEUED,    ///< waiting on foot outside a building's entrance
    GOPS_VISITOR_INSIDE,    ///< counted inside a building, not stepped
    GOPS_VISITOR_LINGERING, ///< on foot in an area (plaza, street, vendor point) until a time
    GOPS_VISITOR_LEFT,      ///< gone
    GOPS_VISITOR_STATE_COUNT
} gops_visitor_state_t;

/// "pending", "walking", "queued", "inside", "lingering", "left"; "?" when out of range.
const char *gops_visitor_state_name(gops_visitor_state_t s);

/// Visitor records, structure of arrays, indexed by visitor id in order of arrival time.
/// Read-only for callers (49 bytes per visitor).
typedef struct gops_visitors {
    uint32_t count, capacity;
    double *arrive_s;     ///< s after midnight of day 0
    uint64_t *key;        ///< seed of the visitor's own random draws
    float *v0;            ///< free speed, m/s
    float *radius;        ///< body radius, m
    float *patience;      ///< s
    uint32_t *entry;      ///< feature index of the transit point the visitor appears at
    uint16_t *exit;       ///< exit destination
    uint16_t *stops;      ///< GOPS_ITINERARY_MAX per visitor: stops[v * 4 + k]
    uint8_t *state;       ///< gops_visitor_state_t
    uint8_t *group;       ///< gops_speed_group_t
    uint8_t *stop_count;  ///< 1..4 as drawn; fewer when few places were eligible or stops were skipped
    uint8_t *cursor;      ///< current stop; == stop_count: heading for the exit
    uint8_t *replans;     ///< stops replaced so far
    uint8_t *draws;       ///< random draws made from key so far
    uint8_t *gathering;   ///< 0: a visitor of the profile; g + 1: an attendee of gathering g
} gops_visitors_t;

typedef struct gops_demand gops_demand_t;

/// Builds demand on a map: destination table, buildings, profile, gatherings' places. The
/// seed is the run's: every random draw is keyed by (seed, 15-minute slot) for the profile's
/// arrivals, by (seed, gathering, attendee) for attendees, and by (visitor, draw number)
/// afterwards, so results depend neither on how time is cut into windows nor on the order in
/// which visitors reach their stops. A slot's arrivals, attendees included, get ids in order
/// of arrival time. GOPS_BAD_VALUE (also for a gathering whose place is not a plaza,
/// pedestrian street or vendor point of the map), GOPS_IO (profile), GOPS_MAP, GOPS_NOMEM.
gops_demand_t *gops_demand_create(const gops_map_t *map, const gops_demand_params_t *params, uint64_t seed,
                                  gops_error_t *err);
void gops_demand_destroy(gops_demand_t *d);

/// Visitors who appear in [t0, t1) (s after midnight of day 0; t0 ≥ 0): a range of new ids,
/// in order of arrival time, now WALKING towards their first stop from their entry point.
/// Windows must follow each other (pass the previous t1 as t0); the first window may start
/// anywhere and gets exactly the arrivals a full-day run has in it. Times past 24 h are the
/// next day (the profile repeats). GOPS_NOMEM.
typedef struct gops_visitor_range {
    uint32_t first, count;
} gops_visitor_range_t;
gops_status_t gops_demand_arrivals(gops_demand_t *d, double t0_s, double t1_s, gops_visitor_range_t *out,
                                   gops_error_t *err);

/// Where visitor v is heading: its current stop, or its exit when the stops are done.
uint16_t gops_demand_next_stop(const gops_demand_t *d, uint32_t v);

typedef enum gops_arrival_outcome {
    GOPS_OUTCOME_ENTERED,    ///< inside the building until `until_s`; remove the pedestrian
    GOPS_OUTCOME_QUEUED,     ///< waits outside (keep the pedestrian near the entrance); an event follows
    GOPS_OUTCOME_LINGER,     ///< stays on foot in the area until `until_s`; an event follows
    GOPS_OUTCOME_LEFT,       ///< reached the exit; remove the pedestrian
    GOPS_OUTCOME_REDIRECTED, ///< the stop is closed: head for gops_demand_next_stop instead (the same
                             ///< building when only this entrance is closed)
} gops_arrival_outcome_t;

typedef struct gops_arrival_result {
    gops_arrival_outcome_t outcome;
    double until_s;  ///< ENTERED, LINGER: end of the stay, s
    uint16_t next;   ///< where the visitor heads now (REDIRECTED), else its current target
} gops_arrival_result_t;

/// Visitor v (WALKING) has reached its target at `now`; for a building, at the entrance
/// feature `entrance_feature` (-1: the building's first open entrance). GOPS_NOMEM.
gops_status_t gops_demand_arrived(gops_demand_t *d, uint32_t v, double now_s, int32_t entrance_feature,
                                  gops_arrival_result_t *out, gops_error_t *err);

typedef enum gops_demand_event_kind {
    GOPS_DEMAND_RELEASED,    ///< came out of a building at `entrance_feature`; walks to `next`
    GOPS_DEMAND_ADMITTED,    ///< a queued visitor went in (remove the pedestrian); until = end of stay
    GOPS_DEMAND_LINGER_DONE, ///< finished lingering; walks to `next`
    GOPS_DEMAND_GAVE_UP,     ///< left a queue out of patience; walks to `next` (another stop)
    GOPS_DEMAND_TURNED_AWAY, ///< its queue's entrance or building closed; walks to `next`
} gops_demand_event_kind_t;

typedef struct gops_demand_event {
    gops_demand_event_kind_t kind;
    uint32_t visitor;
    int32_t entrance_feature; ///< RELEASED: the door it comes out of; queue events: the door it waited at;
                              ///< LINGER_DONE: -1
    uint16_t next;            ///< where it heads now (GOPS_DEST_NONE for ADMITTED)
    double t_s;               ///< when it happened (≤ the step's time), s
    double until_s;           ///< ADMITTED: end of the stay, s
} gops_demand_event_t;

/// Advances timers to `now` (s, not before the previous step): building releases, queue
/// admissions, give-ups and turn-aways, ends of lingering. *events (valid until the next
/// call) lists them: building events first (order of gops_buildings_step), then lingering
/// ends by (time, visitor). GOPS_NOMEM.
gops_status_t gops_demand_step(gops_demand_t *d, double now_s, const gops_demand_event_t **events, uint32_t *count,
                               gops_error_t *err);

/// Closes or reopens a destination. A building closes to entry (see gops_buildings_set_open);
/// an area or exit is no longer chosen, and visitors heading there are redirected when they
/// set off or arrive. Visitors already lingering finish.
void gops_demand_set_closed(gops_demand_t *d, uint16_t dest, bool closed);
bool gops_demand_is_closed(const gops_demand_t *d, uint16_t dest);
/// Guidance and congestion choice: walking visitor v heads for `dest` now instead of its
/// current target. An exit becomes the visitor's exit and it leaves now (remaining stops
/// dropped); another place replaces the current stop, or, on the way out, is added as one
/// more stop. False (nothing changed) when v is not walking or its itinerary is full.
bool gops_demand_redirect(gops_demand_t *d, uint32_t v, uint16_t dest);

/// Counts so far.
typedef struct gops_demand_counts {
    uint64_t arrived;                            ///< unique visitors who have appeared
    uint64_t left;                               ///< visitors who have left
    uint32_t in_state[GOPS_VISITOR_STATE_COUNT]; ///< visitors in each state now (PENDING: generated, not yet due)
    uint64_t building_entries;                   ///< entries into buildings
    uint64_t gave_up;                            ///< queue give-ups
    uint64_t replans;                            ///< stops replaced
    uint64_t skipped;                            ///< stops skipped
    uint64_t attendees;                          ///< gathering attendees who have appeared (in `arrived` too)
} gops_demand_counts_t;
void gops_demand_counts(const gops_demand_t *d, gops_demand_counts_t *out);

/// Index of the gathering named `name`, or -1.
int32_t gops_demand_find_gathering(const gops_demand_t *d, const char *name);
/// Gathering g's place (a destination index).
uint16_t gops_demand_gathering_place(const gops_demand_t *d, uint32_t g);
/// Where gathering g's attendees are now (counted over the visitor records).
typedef struct gops_gathering_counts {
    uint32_t people;                             ///< as declared
    uint32_t arrived;                            ///< have appeared at a transit point
    uint32_t in_state[GOPS_VISITOR_STATE_COUNT]; ///< by state (PENDING: generated, not yet due)
    uint32_t at_place;                           ///< lingering at the gathering's own place
    double first_arrival_s, last_arrival_s;      ///< of those arrived, s (NAN when none)
} gops_gathering_counts_t;
void gops_demand_gathering_counts(const gops_demand_t *d, uint32_t g, gops_gathering_counts_t *out);

const gops_visitors_t *gops_demand_visitors(const gops_demand_t *d);
const gops_destinations_t *gops_demand_destinations(const gops_demand_t *d);
/// The buildings, for metering, closures and capacity (scenario actions).
gops_buildings_t *gops_demand_buildings(gops_demand_t *d);
const gops_demand_params_t *gops_demand_params(const gops_demand_t *d);
/// The arrival profile in use (loaded or given).
const gops_profile_t *gops_demand_profile(const gops_demand_t *d);
/// Expected unique visitors in [t0, t1): daily_visitors × the profile's fraction.
double gops_demand_expected(const gops_demand_t *d, double t0_s, double t1_s);

/// Peak concurrency implied by the parameters, without the walking model: a demand run
/// over [t0, t1) in which each walk takes the straight-line distance × detour / free speed,
/// sampled every minute. For reports and sanity checks of the parameters, not a prediction.
typedef struct gops_demand_estimate {
    uint64_t visitors;       ///< arrivals in the window
    double mean_visit_s;     ///< mean time from arrival to leaving (visitors who left), s
    uint32_t peak_inside;    ///< persons in buildings
    uint32_t peak_street;    ///< persons on foot: walking, queued and lingering
    uint32_t peak_total;     ///< both
    double peak_inside_s, peak_street_s, peak_total_s; ///< when, s after midnight
    /// Inside / on foot / both at `sample_s` (a whole minute after t0 within the window).
    uint32_t inside_at_sample, street_at_sample, total_at_sample;
} gops_demand_estimate_t;
gops_status_t gops_demand_estimate(const gops_map_t *map, const gops_demand_params_t *params, uint64_t seed,
                                   double t0_s, double t1_s, double detour, double sample_s,
                                   gops_demand_estimate_t *out, gops_error_t *err);

#endif
