// SPDX-License-Identifier: MIT
// The vendors model's private state, shared by the files of sim/vendors/ (never by other
// modules): vendor records, the incidents it created, the enforcers seen this step, the
// footprints and the running measures. See vendors.h for the public side.
#ifndef GOPS_VENDORS_INTERNAL_H
#define GOPS_VENDORS_INTERNAL_H

#include "vendors/footfall.h"
#include "vendors/vendors.h"
#include "world/world_internal.h"

#include <stdbool.h>
#include <stdint.h>

struct gops_ops;

/// What follows packing up on the street.
typedef enum gops_vendor_after {
    GOPS_AFTER_OFF,      ///< goes home
    GOPS_AFTER_AWAY,     ///< hides for a while, comes back
    GOPS_AFTER_PITCH,    ///< walks to the pitch already chosen
    GOPS_AFTER_STALL,    ///< walks to the stall already reserved
} gops_vendor_after_t;

typedef struct gops_vendor {
    gops_vendor_kind_t kind;
    gops_vendor_state_t state;
    gops_vendor_after_t after;
    bool wanted;               ///< wants to be trading now (recomputed each step)
    bool street;               ///< wants to trade on the street (else at its stall)
    bool chosen;               ///< TO_PITCH: the pitch is chosen (else chosen on arrival)
    bool displaced;            ///< moved on by enforcement; the return is being timed
    uint32_t home_stall;       ///< licence holder's stall, GOPS_VENDORS_NONE
    uint32_t stall;            ///< stall reserved or held, GOPS_VENDORS_NONE
    uint32_t site;             ///< site committed to, GOPS_VENDORS_NONE
    uint32_t next_site;        ///< site chosen to move to once packed up, GOPS_VENDORS_NONE
    gops_point_t at;           ///< m, pitch or stall (target while on the way)
    gops_point_t from;         ///< m, where the current trip starts
    double t_next;             ///< s, end of the current timed phase
    double t_review;           ///< s, next reconsideration of the pitch
    double quiet_until;        ///< s, tolerated: no reaction before this
    double t_displaced;        ///< s, when enforcement moved it on
    gops_point_t displaced_from;
    uint32_t episode;          ///< its open vending incident (index), GOPS_VENDORS_NONE
    // Licence holders: the evening's draws.
    int64_t window;            ///< index of the opening its draws belong to, INT64_MIN before any
    bool attends;              ///< trades this evening
    bool to_street;            ///< without points: trades on the street this evening
    double arrive_at;          ///< s, when it arrives
    gops_queue_t queue;        ///< customers on the street
    double walkway_m;          ///< m, the walkway's width at the pitch (measured at set-up; 0 before)
    double side_m[2];          ///< m, from the pitch to the walkway's edge either way across it (set-up)
    double door_room_m;        ///< m, footprint radius that keeps the nearest doorway clear (set-up)
    gops_rng_t rng;
} gops_vendor_t;

/// Incidents this model created.
typedef enum gops_street_kind {
    GOPS_STREET_VENDING,       ///< a vendor trading outside the points (one per pitch episode)
    GOPS_STREET_LITTER,        ///< litter left by a cart or a stall
    GOPS_STREET_DISORDER,      ///< a stall that failed a hygiene inspection
    GOPS_STREET_KIND_COUNT
} gops_street_kind_t;

/// First detection sources (gops_vendors_measures_t.first_by).
typedef enum gops_detector {
    GOPS_DETECT_MERCHANT,
    GOPS_DETECT_COMPLAINT,
    GOPS_DETECT_PATROL,
    GOPS_DETECT_OPS,
    GOPS_DETECT_INSPECTION,
    GOPS_DETECT_COUNT,
    GOPS_DETECT_NONE = 255
} gops_detector_t;

typedef struct gops_street_incident {
    gops_street_kind_t kind;
    gops_category_t category;
    gops_point_t at;
    double t_occ, t_end, t_detect; ///< s; t_end INFINITY while it lasts, t_detect INFINITY before
    uint8_t detected_by;           ///< gops_detector_t
    bool active;
    bool merchant_filed;
    gops_merchant_report_t merchant;
    uint32_t vendor;               ///< the vendor (vending), GOPS_VENDORS_NONE
    uint32_t ops_id;               ///< operations incident id, 0 when none
} gops_street_incident_t;

/// An area cleared of street vendors (clearances.c).
typedef struct gops_vendors_area {
    gops_path_t ring;              ///< owned points, m
    bool active;                   ///< false once reopened
} gops_vendors_area_t;

typedef struct gops_vendors_acc {
    double outside_s, inside_s, stall_open_s, stall_occupied_s;
    double obstruction_s, obstruction_ped_s, point_ped_s, spill_s;
    double width_before_sum, width_after_sum;
    uint64_t width_samples;
    uint64_t encounters, reactions[GOPS_REACT_COUNT];
    double patrol_s;
    double *returns;               ///< s, return times in the order they happened
    uint32_t return_count, return_cap;
    double displacement_sum;
    uint64_t displacements, voluntary, complaints, litter, cleared_moves;
    uint32_t peak_street, peak_points;
} gops_vendors_acc_t;

struct gops_vendors {
    gops_world_t *world;
    const gops_district_t *district;
    gops_vendors_params_t params;
    double day_offset_s;           ///< s after midnight at the start of the run

    gops_stalls_t stalls;
    gops_sites_t sites;
    gops_footfall_t footfall;
    gops_patrols_t patrols;
    gops_merchants_t merchants;

    gops_vendor_t *vendors;        ///< licence holders (stall order), then the mobile pool
    uint32_t vendor_count, licensee_count;

    gops_street_incident_t *incidents;
    uint32_t incident_count, incident_cap;
    uint32_t *open;                ///< indices of active incidents, ascending
    uint32_t open_count, open_cap;
    gops_rng_t incident_rng;       ///< merchants' draws and incident places

    gops_enforcer_fn *enforcer_fn;
    void *enforcer_user;
    gops_enforcer_t *enforcers;    ///< this step's
    uint32_t enforcer_count, enforcer_cap;
    gops_vendors_area_t areas[GOPS_VENDORS_AREA_MAX]; ///< cleared areas by id − 1
    uint32_t area_count;
    uint8_t *site_cleared;         ///< per site: covered by an active area (sites.count)
    uint8_t *point_cleared;        ///< per guidance point: covered by an active area

    gops_vendors_report_fn *report_fn;
    void *report_user;
    bool ops_rates_replaced;

    double *site_weights;          ///< scratch for the pitch choice (sites.count)
    gops_disc_t *obstacles, *scratch;
    uint32_t obstacle_count, obstacle_cap;
    uint64_t obstacle_version;

    // The current step.
    double now, dt, sod;           ///< s since start, s, s of day at now
    gops_mode_t mode;
    double tolerance;
    struct gops_ops *ops;          ///< the operations model, NULL when absent

    gops_vendors_acc_t acc;
};

// ---- licensees.c: guidance points, licence holders, stalls --------------------------------

/// True when point p trades now (policy on, the mode's flag, its hours).
bool gops_vendors_point_open(const gops_vendors_t *v, uint32_t point);
/// Opening draws of the licence holders, wanted flags of every licence holder.
void gops_vendors_plan_licensees(gops_vendors_t *v);
/// Stall transitions (set-up done, packing done, shut over), customers, litter, inspections.
void gops_vendors_step_stalls(gops_vendors_t *v);
/// The nearest open point with a free stall to p: its index and distance, or NONE.
uint32_t gops_vendors_nearest_room(const gops_vendors_t *v, gops_point_t p, double *distance_m);
/// Vendor i takes stall s (reserved: it is on its way).
void gops_vendors_stall_reserve(gops_vendors_t *v, uint32_t s, uint32_t i);
/// Vendor i starts setting up at its reserved stall.
void gops_vendors_stall_arrive(gops_vendors_t *v, uint32_t i, double setup_s);
/// Vendor i leaves its stall: packing up when it was trading, at once when it was only reserved.
/// Returns true when it can go (nothing to pack).
bool gops_vendors_stall_leave(gops_vendors_t *v, uint32_t i, double packup_s);

// ---- mobile.c: vendors on the street ------------------------------------------------------

/// Wanted flags of the mobile pool for the hour and mode.
void gops_vendors_plan_mobile(gops_vendors_t *v);
/// Every vendor's state machine, in index order.
void gops_vendors_step_vendors(gops_vendors_t *v);

// ---- street_incidents.c ------------------------------------------------------------------

/// Opens an incident of `kind` at `at` now (vendor: the vending vendor, else NONE); draws
/// merchants' report and hands it to the operations model when attached. Returns its index.
uint32_t gops_street_open(gops_vendors_t *v, gops_street_kind_t kind, gops_point_t at, uint32_t vendor);
/// The incident is over (the vendor left, the litter was cleared).
void gops_street_end(gops_vendors_t *v, uint32_t index);
/// A report (merchant or complaint) about incident `index` now.
void gops_street_report(gops_vendors_t *v, uint32_t index, gops_detector_t by);
/// Marks the first detection (no effect when already detected).
void gops_street_detect(gops_vendors_t *v, uint32_t index, gops_detector_t by, double t);
/// Due merchants' reports, the operations model's detections and closures, the stand-in's
/// litter clearing and sightings.
void gops_street_step(gops_vendors_t *v);

// ---- clearances.c -------------------------------------------------------------------------

/// True when p lies in an active cleared area (inside or on its edge).
bool gops_vendors_in_cleared(const gops_vendors_t *v, gops_point_t p);
void gops_vendors_areas_hash(const gops_vendors_t *v, gops_hash_t *h);
void gops_vendors_areas_free(gops_vendors_t *v);

// ---- vendor_measures.c -----------------------------------------------------------------

/// Accumulates this step's measures and refreshes KPIs and gauges.
void gops_vendors_measure_step(gops_vendors_t *v);
void gops_vendors_record_return(gops_vendors_t *v, double seconds);

// ---- vendors.c ---------------------------------------------------------------------------

/// Rebuilds the footprint list (bumping the version when it changed).
void gops_vendors_rebuild_obstacles(gops_vendors_t *v);
/// Pedestrians within `radius_m` of p now.
uint32_t gops_vendors_footfall(const gops_vendors_t *v, gops_point_t p, double radius_m);

#endif
