// SPDX-License-Identifier: MIT
// The operations model's private state, shared by the files of sim/ops/ (never by other
// modules): incidents with their orders, teams, posts, the centre's triage desks, the
// agenda of timed events and the random streams. See ops.h for the public side.
#ifndef GOPS_OPS_INTERNAL_H
#define GOPS_OPS_INTERNAL_H

#include "core/rng.h"
#include "ops/event_queue.h"
#include "ops/generator.h"
#include "ops/ops.h"
#include "ops/orders.h"
#include "ops/quantile.h"
#include "ops/sensing.h"
#include "ops/teams.h"
#include "ops/travel.h"
#include "world/world_internal.h"

#include <stdbool.h>
#include <stdint.h>

/// Agenda event kinds.
typedef enum gops_ops_event {
    GOPS_EV_OCCUR,      ///< ref incident: it happens
    GOPS_EV_DETECT,     ///< ref incident, arg channel: the centre learns of it
    GOPS_EV_SELF_CLEAR, ///< ref incident: an undetected incident goes away by itself
    GOPS_EV_TRIAGED,    ///< ref incident, arg desk: triage done, order created
    GOPS_EV_ACCEPT,     ///< ref incident (order epoch)
    GOPS_EV_REFUSE,     ///< ref incident (order epoch)
    GOPS_EV_ARRIVE,     ///< ref incident (order epoch)
    GOPS_EV_WORK_DONE,  ///< ref incident (order epoch): the team's on-scene work is done
    GOPS_EV_REPAIRED,   ///< ref incident (order epoch): the contractor repair is done
    GOPS_EV_VERIFY,     ///< ref incident (order epoch)
    GOPS_EV_ESCALATE,   ///< ref incident, arg escalation level it was set for
    GOPS_EV_TEAM,       ///< ref team (team epoch): movement leg, call-in or handover done
    GOPS_EV_HOUR,       ///< every local hour: duty windows
    GOPS_EV_SHIFT,      ///< shift change: handover for idle teams
    GOPS_EV_COVERAGE,   ///< sample the 5-minute coverage
    GOPS_EV_GONE,       ///< ref incident: its cause went away by itself (gops_ops_cause_gone)
    GOPS_EV_COUNT
} gops_ops_event_t;

/// What a team is doing inside its state (IDLE and TO_POST mostly).
typedef enum gops_team_activity {
    GOPS_ACT_HOLD,      ///< standing (post, base, dwell)
    GOPS_ACT_MOVE,      ///< on a leg from `from` to `to`
} gops_team_activity_t;

typedef struct gops_incident {
    uint32_t id;                    ///< 1-based; index + 1
    gops_itype_t type;
    gops_category_t category;
    gops_priority_t priority;       ///< current (escalation raises it)
    gops_priority_t priority0;      ///< at occurrence
    gops_point_t at;
    int32_t zone;                   ///< primary zone feature (most specific with a unit), -1
    int32_t subdistrict, district;  ///< zone features at those levels, -1
    uint32_t units_primary;         ///< unit bits of the primary zone (or the type's defaults)
    uint32_t units_notified;        ///< other responsible units (overlapping zones)
    uint32_t units_refused;         ///< unit bits that refused the order
    uint32_t units_added;           ///< unit bits added by escalation
    bool zone_gap;                  ///< no zone names a unit: the type's defaults were used
    gops_channel_t injected_channel; ///< NONE: sensed; else detected at occurrence by this channel

    // Drawn at occurrence (the incident's own stream: common random numbers across policies).
    gops_rng_t rng;
    double handling_s, repair_s;    ///< s
    bool unclear;                   ///< ownership unclear: the first dispatch is refused
    double self_clear_at;           ///< s, INFINITY when it never goes away by itself
    gops_sense_draw_t sense;

    // Ground truth and order record (times in s since start; NAN = not yet).
    bool occurred, detected, cleared, closed;
    bool gone;                      ///< the cause went away by itself (a vendor left): nothing to handle
    bool withdrawn;                 ///< closed without a team: the centre saw the cause gone on camera
    gops_channel_t channel;
    double t_occur, t_detect, t_created, t_dispatch, t_arrive, t_resolve, t_verify, t_close;
    double t_queued;                ///< s, when it last entered the waiting queue
    double t_dynamic_pending;       ///< s, earliest detection already scheduled by patrol/post/drone
    gops_order_state_t state;
    bool repairing;                 ///< ON_SCENE after the team left
    double work_left_s;             ///< s, the team's on-scene work still to do
    double work_started;            ///< s, when the current stretch of on-scene work began
    uint32_t team;                  ///< team index while one is attached, GOPS_OPS_NONE
    uint32_t last_team;             ///< the team that last worked it, GOPS_OPS_NONE
    int unit;                       ///< unit type of the last dispatch, -1
    uint32_t dispatches, refusals, preemptions, reopens, escalations;
    int escalation_level;
    uint32_t esc_token;             ///< identifies the escalation timer currently armed
    bool esc_armed;                 ///< an escalation timer is pending
    uint32_t epoch;                 ///< bumped whenever the order's pending events become stale
} gops_incident_t;

typedef struct gops_team {
    int32_t kind;                   ///< team kind index, -1 for a post team
    int32_t post;                   ///< post index of a post team, -1
    uint32_t ordinal;               ///< position within its kind (zones, bases)
    uint32_t units;
    gops_travel_mode_t travel;
    int32_t zone;                   ///< sub-district feature it patrols (zone-bound policy), -1
    gops_team_state_t state;
    gops_team_activity_t activity;
    bool releasing;                 ///< goes off duty when its current order is done
    gops_point_t home;              ///< base or post position
    gops_point_t from, to;          ///< leg (from = to when holding)
    double t0, t1;                  ///< s, leg start and end
    uint32_t incident;              ///< incident index while busy, GOPS_OPS_NONE
    uint32_t epoch;                 ///< bumped whenever pending team events become stale
    uint32_t beat_next;             ///< next waypoint of a beat patrol
    double blocked_from, blocked_until; ///< s, handover window: not dispatchable inside it
    double busy_since, busy_s;      ///< s
    double duty_since, duty_s;      ///< s
    uint32_t jobs;                  ///< orders completed
} gops_team_t;

typedef struct gops_post {
    uint32_t feature;
    gops_point_t at;                ///< current position (posts can be moved)
    gops_point_t staging;           ///< where its staff arrive when called in (nearest transit point)
    uint32_t modes;                 ///< bit per gops_mode_t in which it is staffed
    int unit;                       ///< gops_unit_type_t
    int staff;
    uint32_t team;                  ///< its team index, GOPS_OPS_NONE before first staffed
} gops_post_t;

/// One triage desk of the centre.
typedef struct gops_desk {
    uint32_t incident;              ///< being triaged, GOPS_OPS_NONE when free
} gops_desk_t;

struct gops_ops {
    gops_world_t *world;
    gops_ops_params_t params;
    const gops_district_t *district; ///< may be NULL
    gops_mode_t mode;                ///< mode the staffing is set for
    double now;                      ///< s, time of the event being handled
    double step_end;                 ///< s, end of the current step

    gops_rng_t type_rng[GOPS_ITYPE_COUNT];  ///< arrivals, places and attributes per type
    gops_rng_t sense_rng[GOPS_ITYPE_COUNT]; ///< static sensing draws per type
    gops_rng_t inject_rng;                  ///< attributes of injected and reported incidents
    gops_rng_t team_rng;                    ///< patrol waypoints and dwell times

    gops_generator_t gen;
    gops_sensing_t sensing;
    gops_travel_t travel;
    gops_agenda_t agenda;

    gops_incident_t *incidents;
    uint32_t incident_count, incident_cap;
    uint32_t *pending;              ///< occurred, undetected, not cleared: incident indices ascending
    uint32_t pending_count, pending_cap;
    uint32_t *waiting;              ///< orders in state CREATED (unordered; dispatch sorts them)
    uint32_t waiting_count, waiting_cap;
    uint32_t *triage_queue;         ///< detected, waiting for a desk
    uint32_t triage_count, triage_cap;
    gops_desk_t *desks;
    uint32_t desk_count, desk_cap;

    gops_team_t *teams;
    uint32_t team_count, team_cap;
    gops_post_t *posts;
    uint32_t post_count;

    int32_t *subdistricts;          ///< sub-district zone features, ascending
    uint32_t subdistrict_count;
    gops_point_t *waypoints;        ///< patrol hot spots
    uint32_t waypoint_count;
    uint32_t *zone_wp;              ///< waypoint indices grouped by sub-district
    uint32_t *zone_wp_start;        ///< subdistrict_count + 1 offsets into zone_wp
    gops_point_t *gateways;         ///< external units' entry points (edge transit points)
    uint32_t gateway_count;
    gops_point_t *garages;          ///< in-district vehicle bases
    uint32_t garage_count;
    gops_point_t centre_point;      ///< the centre's base (the landmark or the map's middle)

    uint32_t n_occurred, n_detected, n_closed, n_cleared; ///< running counts
    uint32_t n_withdrawn;           ///< closed orders among n_closed that no team went to
    gops_quantile_t response_p50, response_p90; ///< s, occurrence → first arrival
    gops_quantile_t closure_p50;                ///< s, occurrence → closure
    double last_sense;              ///< s, last dynamic sensing pass
    bool dispatch_dirty;            ///< something changed that may allow a dispatch
    double coverage_sum;            ///< sum of coverage samples (equally spaced)
    double coverage_min;            ///< smallest sample
    double coverage_last;           ///< the last sample, NAN before the first
    uint32_t backlog_max;           ///< most orders open at a step's end
    uint32_t n_deterred;            ///< incidents prevented by staffed posts
    uint32_t coverage_samples;
    uint64_t transitions;           ///< order transitions performed (all legal by assertion)
};

// ---- ops.c: shared utilities -----------------------------------------------------------

/// Schedules an agenda event (aborts on out-of-memory: the agenda is small and bounded by
/// live objects).
void gops_ops_schedule(gops_ops_t *ops, double time, gops_ops_event_t kind, uint32_t ref, uint32_t epoch,
                       uint32_t arg);
/// Moves an order through the state machine (asserts the transition is legal).
void gops_ops_order_set(gops_ops_t *ops, gops_incident_t *inc, gops_order_state_t to, gops_order_cause_t cause);
/// Duration (s) drawn from a distribution with `mean` (s) and coefficient of variation.
double gops_ops_draw_duration(gops_rng_t *rng, gops_duration_dist_t dist, double mean, double cv);
/// A waiting order whose cause has gone, at a spot a camera has in view, is closed without a
/// team (GOPS_CAUSE_WITHDRAWN); true when it was.
bool gops_ops_withdraw_if_seen_gone(gops_ops_t *ops, uint32_t index);

// ---- teams.c ---------------------------------------------------------------------------

/// Builds posts, bases and waypoints from the district and staffs the starting mode at once.
gops_status_t gops_teams_init(gops_ops_t *ops, gops_error_t *err);
void gops_teams_free(gops_ops_t *ops);
/// Position (m) of a team at time t (s), interpolated along its current leg.
gops_point_t gops_team_position(const gops_team_t *team, double t);
/// Brings staffing to what the current mode and hour ask for; new staff arrive after
/// `lag_s` (call-in) plus, for posts, the walk from their staging point.
void gops_teams_restaff(gops_ops_t *ops, double lag_s);
/// Changes a team's state, keeping its duty and busy time accounts.
void gops_team_set_state(gops_ops_t *ops, uint32_t t, gops_team_state_t state);
/// Handles a GOPS_EV_TEAM event for team index `t`.
void gops_teams_on_event(gops_ops_t *ops, uint32_t t);
/// A team's order ended (done, refused or pre-empted): it becomes available again (or goes
/// off duty when releasing) and resumes patrol, returns to its post or its base.
void gops_teams_release(gops_ops_t *ops, uint32_t t);
/// Moves post p; its staff walk there when free.
void gops_teams_move_post(gops_ops_t *ops, uint32_t p, gops_point_t at);
/// Shift changes hand over in this many staggered groups of teams.
#define GOPS_HANDOVER_GROUPS 4
/// Shift change: idle teams are not dispatchable for the handover time, group by group.
void gops_teams_handover(gops_ops_t *ops);
/// True when team t may take a new order now.
bool gops_team_available(const gops_ops_t *ops, const gops_team_t *team);
/// Accumulates busy and duty time of every team up to now (for utilisation queries).
void gops_teams_account(const gops_ops_t *ops, double now, double *busy_s, double *duty_s, bool mobile_only);

// ---- centre.c ----------------------------------------------------------------------------

/// Fills the incident's zones and responsible units from the zone index (or type defaults).
void gops_centre_locate(gops_ops_t *ops, gops_incident_t *inc);
/// A detected incident enters triage (desk queue, by priority).
void gops_centre_intake(gops_ops_t *ops, uint32_t incident);
/// Triage finished at a desk: creates the order and frees the desk.
void gops_centre_on_triaged(gops_ops_t *ops, uint32_t incident, uint32_t desk);
/// Desks on duty follow the mode's share of the task force.
void gops_centre_restaff(gops_ops_t *ops);
/// Unit bits the order may go to now: (primary, notified) after refusals and escalation.
void gops_centre_units(const gops_ops_t *ops, const gops_incident_t *inc, uint32_t *primary, uint32_t *notified);
/// Escalates an order one level (priority up, wider units, district-wide).
void gops_centre_escalate(gops_ops_t *ops, gops_incident_t *inc);
/// Handles refusal of a dispatched order (ownership disputed).
void gops_centre_on_refused(gops_ops_t *ops, gops_incident_t *inc);
/// Schedules the escalation check for an order entering the queue.
void gops_centre_arm_escalation(gops_ops_t *ops, gops_incident_t *inc);

// ---- dispatch.c ------------------------------------------------------------------------

/// Assigns free teams to waiting orders by policy (and pre-empts for critical ones).
void gops_dispatch_pass(gops_ops_t *ops);

// ---- measures.c --------------------------------------------------------------------------

/// Recomputes the KPIs and gauges the world reports.
void gops_measures_update(gops_ops_t *ops);
/// Takes one coverage sample at now.
void gops_measures_sample_coverage(gops_ops_t *ops);
/// Records an incident's first arrival on scene.
void gops_measures_on_arrival(gops_ops_t *ops, const gops_incident_t *inc);
/// Records an incident's closure.
void gops_measures_on_close(gops_ops_t *ops, const gops_incident_t *inc);

#endif
