// SPDX-License-Identifier: MIT
// The operations subsystem: incidents, sensing, the coordination centre's dispatch orders,
// teams and posts, and the operating modes, plugged into a world with gops_ops_attach.
// This header is the scenario-facing C API (bound to Lua by scenario/): inject incidents,
// set staffing and policy, move posts, query states and write incidents.csv. Crowd and
// traffic models feed it through gops_ops_report_density_warning and the travel hooks.
// Outputs: incident_log.h (incidents.csv) and measures.h (the measures JSON).
#ifndef GOPS_OPS_OPS_H
#define GOPS_OPS_OPS_H

#include "gridops/gridops.h"
#include "ops/centre.h"
#include "ops/density_trigger.h"
#include "ops/dispatch.h"
#include "ops/incident_log.h"
#include "ops/incident_types.h"
#include "ops/measures.h"
#include "ops/modes.h"
#include "ops/orders.h"
#include "ops/sensing.h"
#include "ops/teams.h"
#include "ops/travel.h"
#include "world/map.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct gops_ops gops_ops_t;

/// Everything the operations model can be told. Get one from gops_ops_params_default().
typedef struct gops_ops_params {
    double step_s;                                 ///< s, subsystem period (1); events inside a
                                                   ///< step still happen at their exact times
    bool generate;                                 ///< draw incidents from the type rates (true)
    double rain_mm_h;                              ///< mm/h of rain (0): drives waterlogging
    gops_incident_type_t types[GOPS_ITYPE_COUNT];
    gops_team_kind_t kinds[GOPS_TEAM_KIND_MAX];
    uint32_t kind_count;
    bool staff_posts;                              ///< staff the map's posts in their modes (true)
    gops_dispatch_policy_t policy;
    gops_centre_params_t centre;
    gops_sensing_params_t sensing;
    gops_travel_params_t travel;
    gops_mode_bundle_t modes[GOPS_MODE_COUNT];
    double patrol_speed_mps;                       ///< m/s walking a patrol (1.0)
    double patrol_dwell_s;                         ///< s, mean stop at a patrol waypoint (300)
    double shift_start_h[4];                       ///< local hours of shift changes
    uint32_t shift_count;                          ///< 0..4 (3: 00, 08, 16)
    double handover_s;                             ///< s an idle team is unavailable at a shift change,
                                                   ///< in 4 staggered groups (600)
    double deter_radius_m;                         ///< m, a staffed post deters vending and parking (50)
    double deter_share;                            ///< share of such incidents prevented there (0.7)
    double coverage_period_s;                      ///< s between coverage samples (300)
    double coverage_limit_s;                       ///< s, "reachable within" for coverage_5min (300)
    double density_merge_m;                        ///< m, a density warning this close to an open
                                                   ///< crowd incident joins it (50)
    gops_density_trigger_params_t density_trigger; ///< switch to emergency on lasting density warnings
                                                   ///< (off by default; density_trigger.h)
} gops_ops_params_t;

/// The documented defaults: FACTS.md's numbers where they exist (23 task force, 17 mobile
/// patrol teams and the map's 50 posts on holidays, 4 h / 1 day / 7 day repairs), our
/// assumptions elsewhere (each default's file says which).
gops_ops_params_t gops_ops_params_default(void);

/// Creates the operations model for `world` (its district, when it has one, gives zones,
/// posts, cameras and travel) and registers it as the subsystem "ops"; the world owns and
/// destroys it. Staff for the world's starting mode are in place at once. Returns NULL with
/// err set for invalid params (GOPS_BAD_VALUE naming the field) or no memory.
gops_ops_t *gops_ops_attach(gops_world_t *world, const gops_ops_params_t *params, gops_error_t *err);
/// The attached operations model, or NULL.
gops_ops_t *gops_ops_of(gops_world_t *world);
const gops_ops_t *gops_ops_of_const(const gops_world_t *world);
const gops_ops_params_t *gops_ops_params(const gops_ops_t *ops);

// ---- incidents ------------------------------------------------------------------------

/// Adds an incident of `type` at `at` (m) occurring at time_s (s since start; earlier times
/// mean "now"). channel NONE: it must be sensed like any other; otherwise the centre learns
/// of it at once through that channel (SCENARIO for a scripted report, MODEL for vendors or
/// traffic). *id (may be NULL) gets its id. GOPS_BAD_VALUE for a bad type, channel or point.
gops_status_t gops_ops_inject(gops_ops_t *ops, gops_itype_t type, gops_point_t at, double time_s,
                              gops_channel_t channel, uint32_t *id, gops_error_t *err);
/// The crowd model's density warning at `at` (persons/m²) at time_s: joins an open crowd
/// incident within density_merge_m (detecting it if still unseen) or opens a new one,
/// critical from 5 persons/m² (VALIDATION.md: dangerous above 5), else high.
void gops_ops_report_density_warning(gops_ops_t *ops, gops_point_t at, double density_ppm2, double time_s);
/// A report about an incident that already exists (a merchant or a citizen calls it in,
/// from the vendors model): the centre detects it through `channel` (GOPS_CHANNEL_REPORT
/// for reports) at time_s (s since start; earlier means now, and never before it occurs),
/// on the normal detection path, so detection by channel and its latency count it. No effect
/// when it is already detected (an earlier channel keeps the credit) or cleared.
/// GOPS_BAD_VALUE for an unknown id, channel NONE or an unknown channel, a non-finite time.
gops_status_t gops_ops_report_detected(gops_ops_t *ops, uint32_t incident_id, gops_channel_t channel, double time_s,
                                       gops_error_t *err);
/// The cause of an incident went away by itself at time_s (s since start; earlier means now):
/// a mobile vendor packed up and left. Still unseen, the incident clears. Seen: an order
/// waiting for a team (or in triage) is withdrawn, closed without a team, when a camera has
/// the spot in view (the centre sees it empty); otherwise the team sent finds nothing and
/// is done after centre.gone_check_s on scene, as is a team already there; the centre's
/// check of a gone cause never re-opens it. GOPS_BAD_VALUE for an unknown id or a
/// non-finite time.
gops_status_t gops_ops_cause_gone(gops_ops_t *ops, uint32_t incident_id, double time_s, gops_error_t *err);
/// Sets a type's rate (per hour, day mean) in one mode, or in every mode when mode < 0.
gops_status_t gops_ops_set_rate(gops_ops_t *ops, gops_itype_t type, int mode, double per_hour, gops_error_t *err);
/// Rain (mm/h, ≥ 0): waterlogging happens at 1 per hour per 10 mm/h by default.
gops_status_t gops_ops_set_rain(gops_ops_t *ops, double mm_per_h, gops_error_t *err);

// ---- staffing, posts, policy ----------------------------------------------------------

/// Index of the team kind with this name, or -1.
int gops_ops_team_kind_find(const gops_ops_t *ops, const char *name);
/// Teams of a kind on duty in `mode` (or every mode when mode < 0). When it is the current
/// mode, new teams arrive after the mode's call-in lag; surplus teams leave when idle.
gops_status_t gops_ops_set_team_count(gops_ops_t *ops, int kind, int mode, int count, gops_error_t *err);
/// Replaces the dispatch policy from the next dispatch on.
gops_status_t gops_ops_set_policy(gops_ops_t *ops, const gops_dispatch_policy_t *policy, gops_error_t *err);
gops_dispatch_policy_t gops_ops_policy(const gops_ops_t *ops);
/// Posts in map order.
uint32_t gops_ops_post_count(const gops_ops_t *ops);
/// Post index by map id, or -1.
int32_t gops_ops_post_find(const gops_ops_t *ops, const char *id);
/// Moves a post; its staff walk there (not holding the post on the way).
gops_status_t gops_ops_move_post(gops_ops_t *ops, uint32_t post, gops_point_t at, gops_error_t *err);
/// The modes (bit per gops_mode_t) in which a post is staffed; applied at once with lags.
gops_status_t gops_ops_set_post_modes(gops_ops_t *ops, uint32_t post, uint32_t modes, gops_error_t *err);
/// Replaces the drone route (a loop of ≥ 2 points, or 0 points for no drone flights).
gops_status_t gops_ops_set_drone_route(gops_ops_t *ops, const gops_point_t *pts, uint32_t count, gops_error_t *err);
/// Traffic-aware vehicle travel (NULL: free flow).
void gops_ops_set_arc_time(gops_ops_t *ops, gops_arc_time_fn *fn, void *user);
/// Crowd-aware walking for the field model: relative speed per walkable cell (NULL: free).
void gops_ops_set_foot_speed(gops_ops_t *ops, const float *speed);
/// Time (s) a team travelling in `mode` needs now from `from` to `to` (m): the same answer
/// dispatch uses (travel.h), through live traffic when the arc-time hook is set.
double gops_ops_travel_time(gops_ops_t *ops, gops_travel_mode_t mode, gops_point_t from, gops_point_t to);

/// Share (0..1) of vending or parking incidents prevented at `at` by staffed posts nearby,
/// for the vendors and traffic models.
double gops_ops_deterrence(const gops_ops_t *ops, gops_point_t at);

// ---- queries --------------------------------------------------------------------------

typedef struct gops_incident_info {
    uint32_t id;
    gops_itype_t type;
    gops_category_t category;
    gops_priority_t priority;
    gops_point_t at;                     ///< m
    int32_t zone, subdistrict, district; ///< zone feature indices, -1
    gops_order_state_t state;
    bool occurred, detected, cleared, closed, repairing;
    bool gone;                           ///< its cause went away by itself (gops_ops_cause_gone)
    bool withdrawn;                      ///< closed without a team: the centre saw the cause gone
    gops_channel_t channel;
    double t_occur, t_detect, t_created, t_dispatch, t_arrive, t_resolve, t_close; ///< s since start, NAN = not yet
    uint32_t team;                       ///< team index attached now, GOPS_OPS_NONE
    uint32_t last_team;                  ///< team that last worked it, GOPS_OPS_NONE
    int unit;                            ///< unit type of the last dispatch, -1
    uint32_t units_primary, units_notified, units_refused;
    uint32_t dispatches, refusals, preemptions, reopens, escalations;
    const char *open_reason;             ///< "" when closed or cleared
} gops_incident_info_t;

typedef struct gops_team_info {
    int32_t kind;          ///< -1 for a post team
    int32_t post;          ///< -1 for a mobile team
    uint32_t units;
    gops_team_state_t state;
    bool releasing;
    gops_point_t at;       ///< m, now
    uint32_t incident_id;  ///< 0 when none
    int32_t zone;
    double busy_s, duty_s; ///< s so far
    uint32_t jobs;
} gops_team_info_t;

typedef struct gops_ops_status {
    uint32_t incidents;        ///< occurred so far
    uint32_t undetected;       ///< occurring, nobody knows yet
    uint32_t cleared;          ///< went away before anyone noticed
    uint32_t in_triage;        ///< detected, no order yet
    uint32_t waiting;          ///< order created, no team
    uint32_t active;           ///< dispatched, accepted or on scene
    uint32_t unverified;       ///< resolved or verified, not yet closed
    uint32_t closed;
    uint32_t teams_on_duty, teams_busy, teams_mobilising;
    uint32_t posts_wanted;     ///< posts the current mode staffs
    uint32_t posts_held;       ///< posts whose team is there and available or working
    uint32_t desks;            ///< triage desks staffed
} gops_ops_status_t;

uint32_t gops_ops_incident_count(const gops_ops_t *ops);
/// Incident by id (1..count); false for an unknown id.
bool gops_ops_incident_get(const gops_ops_t *ops, uint32_t id, gops_incident_info_t *out);
uint32_t gops_ops_team_count(const gops_ops_t *ops);
/// Team by index (0..count-1); false when out of range.
bool gops_ops_team_get(const gops_ops_t *ops, uint32_t index, gops_team_info_t *out);
void gops_ops_status(const gops_ops_t *ops, gops_ops_status_t *out);
/// Order transitions performed so far (each checked against the state machine).
uint64_t gops_ops_transition_count(const gops_ops_t *ops);

#endif
