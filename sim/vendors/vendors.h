// SPDX-License-Identifier: MIT
// The street-vendors subsystem (gops_vendors_attach): licensed stalls at the guidance points,
// mobile vendors playing cat and mouse with enforcement, footprints on the walkway, litter and
// complaints, merchants as reporters with points for service. Reads the crowd and operations
// when attached (else a stand-in patrol); publishes blocked discs and incidents, never moves
// pedestrians or teams. Assumptions and defaults: sim/vendors/README.md.
#ifndef GOPS_VENDORS_VENDORS_H
#define GOPS_VENDORS_VENDORS_H

#include "gridops/gridops.h"
#include "vendors/customers.h"
#include "vendors/enforcement.h"
#include "vendors/merchants.h"
#include "vendors/obstruction.h"
#include "vendors/patrols.h"
#include "vendors/pitches.h"
#include "vendors/stalls.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct gops_vendors gops_vendors_t;

/// Everything the vendors model can be told. Get one from gops_vendors_params_default().
typedef struct gops_vendors_params {
    double step_s;                          ///< s, subsystem period, (0, 60] (1)
    // ---- guidance points and licensed stalls
    bool guidance_points;                   ///< the map's points operate (true); false is the
                                            ///< "no guidance points" policy
    bool points_open[GOPS_MODE_COUNT];      ///< points trade in this mode (all but emergency)
    int32_t open_s[GOPS_MODE_COUNT];        ///< s of day the points open per mode; -1: the map's hours
    int32_t close_s[GOPS_MODE_COUNT];       ///< s of day they close; -1: the map's hours
    double attendance[GOPS_MODE_COUNT];     ///< share of licence holders who trade on an evening
                                            ///< (0.8, 0.9, 0.85, 0)
    double arrival_mean_s;                  ///< s, licence holders arrive this long after opening, exponential (600)
    double stall_setup_s, stall_packup_s;   ///< s, mean set-up and pack-up at a stall (900, 600)
    double stall_radius_m;                  ///< m, footprint of a stall with its keeper (1.0)
    double stall_spacing_m;                 ///< m, widest lattice spacing tried in the layout (3)
    double inspections_per_point_h[GOPS_MODE_COUNT]; ///< hygiene inspections per open point per hour
                                            ///< (0.25, 0.5, 0.5, 0)
    uint32_t stalls_per_inspection;         ///< open stalls an inspection checks (5)
    double hygiene_pass;                    ///< probability a stall passes (0.9)
    double shut_s;                          ///< s a failed stall stays shut to put things right (1800)
    double stall_litter_per_h;              ///< litter incidents per open stall-hour (0.02)
    double displaced_share;                 ///< without points: share of the licence holders who would
                                            ///< have traded that trade on the street instead (0.8)
    double walk_in[GOPS_MODE_COUNT];        ///< P(an arriving mobile vendor goes straight to a point
                                            ///< with a free stall) (0.1, 0.1, 0.2, 0)
    gops_customer_params_t customers;
    // ---- mobile vendors
    uint32_t mobile[GOPS_MODE_COUNT];       ///< mobile vendors out at the busiest hour (80, 120, 40, 20)
    double hour_share[24];                  ///< share of them out in each local hour, [0, 1]
    double mobile_radius_m;                 ///< m, footprint of a cart, its tarp and its keeper (0.9)
    double mobile_setup_s, mobile_packup_s; ///< s, (180, 120)
    double cart_speed_mps;                  ///< m/s, pushing a cart (0.8)
    double detour;                          ///< walking distance / straight distance (1.3)
    double arrive_mean_s;                   ///< s, mean time from deciding to go out to arriving (600)
    double review_s;                        ///< s, a trading vendor reconsiders its pitch this often (1200)
    double review_gain;                     ///< ... and moves when another site weighs this many times more (2)
    gops_pitch_params_t pitches;
    gops_reaction_params_t reactions;
    gops_patrol_params_t patrols;           ///< the stand-in, used without the operations model
    // ---- effects on the street
    double obstruction_footfall_m;          ///< m, footfall around a footprint counted for the
                                            ///< footfall-weighted obstruction (5)
    double litter_per_vendor_h;             ///< litter incidents per street vendor-hour (0.1)
    double complaints_per_ped_h;            ///< complaints per pedestrian-hour within
                                            ///< obstruction_footfall_m of a street vendor (0.02)
    double litter_notice_m;                 ///< m, a patrol this close notices litter (20)
    double litter_clear_s;                  ///< s, without operations: litter is cleared this long
                                            ///< after it is reported, or after 3 × this anyway (1200)
    gops_merchant_params_t merchants;
    bool to_ops;                            ///< incidents go to the operations model when attached (true)
    bool replace_ops_vending;               ///< and its own illegal_vending / stall_disorder arrivals
                                            ///< are switched off: this model makes them (true)
} gops_vendors_params_t;

/// The documented defaults (FACTS.md's numbers where they exist, assumptions in README.md).
gops_vendors_params_t gops_vendors_params_default(void);
/// GOPS_BAD_VALUE naming the first bad field, what was found and what was expected.
gops_status_t gops_vendors_params_check(const gops_vendors_params_t *p, gops_error_t *err);

/// Creates the vendors model on a world with a district and registers it as the subsystem
/// "vendors" (the world owns and destroys it). Attach it after the crowd (footfall is read
/// after the pedestrians move) and, when used, the operations model; both are optional
/// and found by lookup each step. GOPS_SCENARIO without a district, GOPS_BAD_VALUE for bad
/// params, GOPS_NOMEM, GOPS_INTERNAL when the subsystem table is full.
gops_vendors_t *gops_vendors_attach(gops_world_t *world, const gops_vendors_params_t *params, gops_error_t *err);
/// The attached vendors model, or NULL.
gops_vendors_t *gops_vendors_of(const gops_world_t *world);
const gops_vendors_params_t *gops_vendors_params(const gops_vendors_t *v);

// ---- hooks ----------------------------------------------------------------------------

/// Replaces the source of enforcers (NULL restores the built-in: the operations model's
/// teams when attached, else the stand-in). For tests and scripted patrols.
void gops_vendors_set_enforcers(gops_vendors_t *v, gops_enforcer_fn *fn, void *user);
/// Where reports go when the operations model is attached: called with the operations
/// incident id when a merchant (merchant = true) or a citizen complaint first reports an
/// incident this model created. NULL (the default): reports are counted but do not reach
/// the centre. Without the operations model reports go to the stand-in patrols.
typedef void gops_vendors_report_fn(void *user, uint32_t ops_incident_id, bool merchant, double time_s);
void gops_vendors_set_report_sink(gops_vendors_t *v, gops_vendors_report_fn *fn, void *user);

// ---- scenario levers (take effect at the next step) -----------------------------------

/// Switches the guidance points on or off ("5 points / 97 stalls" vs "no guidance points").
/// Turning them off sends everyone at a stall home and licence holders to the street.
void gops_vendors_set_guidance_points(gops_vendors_t *v, bool on);
/// Mobile vendors out at the busiest hour in `mode` (every mode when mode < 0), 0–100000.
gops_status_t gops_vendors_set_mobile(gops_vendors_t *v, int mode, uint32_t count, gops_error_t *err);
/// Points a merchant earns per valid report (≥ 0): changes report rates (merchants.c).
gops_status_t gops_vendors_set_points_per_report(gops_vendors_t *v, double points, gops_error_t *err);

/// Most areas one run may clear (reopened ones count).
#define GOPS_VENDORS_AREA_MAX 64

/// Clears street vendors from an area — a summit's perimeter — until it is reopened
/// (clearances.c). From the next step: vendors at a pitch site with any pitch cell inside
/// pack up and move to a site outside (or go away for a while when none is left), nobody
/// chooses such a site, and guidance points with their centre or a stall inside close (their
/// licence holders stay away; stalls there are not offered). `ring`: 3 to 10000 points (m),
/// without the repeated closing point, either orientation. *id (may be NULL) gets its id
/// (1, 2, … in the order cleared). GOPS_BAD_VALUE for a bad ring or more than
/// GOPS_VENDORS_AREA_MAX areas, GOPS_NOMEM.
gops_status_t gops_vendors_clear_area(gops_vendors_t *v, const gops_point_t *ring, uint32_t count, uint32_t *id,
                                      gops_error_t *err);
/// Reopens a cleared area: its sites and points are available again from the next step
/// (unless another cleared area still covers them). GOPS_BAD_VALUE for an unknown id or
/// an area already reopened.
gops_status_t gops_vendors_reopen_area(gops_vendors_t *v, uint32_t id, gops_error_t *err);
/// Whether pitch site `site` / guidance point `point` lies in an area cleared now (false
/// when out of range).
bool gops_vendors_site_cleared(const gops_vendors_t *v, uint32_t site);
bool gops_vendors_point_cleared(const gops_vendors_t *v, uint32_t point);

// ---- state ----------------------------------------------------------------------------

typedef enum gops_vendor_kind {
    GOPS_VENDOR_MOBILE,   ///< unlicensed
    GOPS_VENDOR_LICENSEE, ///< holds a stall at a guidance point
} gops_vendor_kind_t;

typedef enum gops_vendor_state {
    GOPS_VENDOR_OFF,      ///< not in the district (or done for the evening)
    GOPS_VENDOR_TO_PITCH, ///< on the way to a street pitch
    GOPS_VENDOR_SETUP,    ///< setting up on the street
    GOPS_VENDOR_TRADING,  ///< trading on the street, outside the points
    GOPS_VENDOR_PACKING,  ///< packing up on the street
    GOPS_VENDOR_AWAY,     ///< packed up after meeting enforcement; will come back
    GOPS_VENDOR_TO_STALL, ///< on the way to a stall at a guidance point
    GOPS_VENDOR_AT_STALL, ///< at a stall (its state says setting up, open or packing)
    GOPS_VENDOR_STATE_COUNT
} gops_vendor_state_t;

const char *gops_vendor_state_name(gops_vendor_state_t s);

typedef struct gops_vendor_info {
    gops_vendor_kind_t kind;
    gops_vendor_state_t state;
    gops_point_t at;      ///< m, pitch or stall (where it is heading when on the way)
    uint32_t stall;       ///< stall index held or reserved, GOPS_VENDORS_NONE
    uint32_t site;        ///< pitch site, GOPS_VENDORS_NONE
    uint32_t queue;       ///< customers waiting (street vendors)
} gops_vendor_info_t;

uint32_t gops_vendors_count(const gops_vendors_t *v);
/// Vendor by index; false when out of range.
bool gops_vendors_get(const gops_vendors_t *v, uint32_t index, gops_vendor_info_t *out);
const gops_stalls_t *gops_vendors_stalls(const gops_vendors_t *v);
const gops_sites_t *gops_vendors_sites(const gops_vendors_t *v);
const gops_merchants_t *gops_vendors_merchants(const gops_vendors_t *v);

/// The footprints on the walkway now — street vendors with their spilled queues, occupied
/// stalls with theirs — in vendor then stall order, and a version that changes whenever
/// the list does (so the crowd rebuilds its walls only then). Valid until the next step.
const gops_disc_t *gops_vendors_obstacles(const gops_vendors_t *v, uint32_t *count, uint64_t *version);

/// Measures so far.
typedef struct gops_vendors_measures {
    double vendor_h_outside;      ///< vendor-hours with goods out on the street, outside points
    double vendor_h_inside;       ///< vendor-hours at stalls of guidance points
    double stall_h_open;          ///< stall-hours the points offered (stalls × hours open)
    double stall_h_occupied;      ///< stall-hours occupied while open
    double stall_occupancy;       ///< occupied / offered, NAN when nothing was offered
    double obstruction_min;       ///< footprint-minutes on the walkway outside points
    double obstruction_ped_min;   ///< the same weighted by pedestrians within obstruction_footfall_m
                                  ///< (person-minutes squeezed past a footprint)
    double point_obstruction_ped_min; ///< person-minutes around occupied stalls (inside points)
    double spill_min;             ///< customer-minutes standing on the walkway (street and stalls)
    double width_before_m;        ///< mean walkway width at street pitches before set-up, m
    double width_after_m;         ///< ... and with the footprints, m (NAN without samples)
    uint64_t width_samples;
    uint64_t encounters;          ///< vendors who saw enforcement and had to decide
    uint64_t reactions[GOPS_REACT_COUNT];
    double patrol_h;              ///< mobile enforcer-hours on duty
    double relocations_per_patrol_h; ///< relocations / patrol_h, NAN without patrol hours
    uint64_t returns;             ///< displaced vendors back trading on the street
    double return_mean_s, return_p50_s; ///< s from displacement to trading again (NAN when none)
    double displacement_mean_m;   ///< m between the old and the new pitch (NAN when none)
    uint64_t voluntary_moves;     ///< moves to a busier pitch, not forced
    uint64_t complaints;
    uint64_t litter;
    uint64_t incidents;           ///< incidents created (vending, litter, stall disorder)
    uint64_t detected;            ///< ... known to the centre (or the stand-in) so far
    uint64_t first_by[5];         ///< first detection: merchant, complaint, patrol, operations, inspection
    double merchant_first_share;  ///< first_by merchant / detected, NAN when none detected
    uint64_t merchant_reports[GOPS_CAT_COUNT];
    uint64_t merchant_reports_partner, merchant_reports_invalid;
    double merchant_points, volunteer_h;
    uint64_t customers_served, customers_balked;
    uint64_t inspections, stalls_inspected, stalls_passed;
    double pass_rate;             ///< stalls passed / inspected, NAN when none
    uint32_t street_now, at_points_now, peak_street, peak_at_points;
    uint32_t stalls_open_now;     ///< stalls trading now (state open)
    uint64_t cleared_moves;       ///< street vendors sent off a pitch by a cleared area
    uint32_t in_cleared_now;      ///< street vendors (set up, trading or packing) in a cleared area now
} gops_vendors_measures_t;

/// Names of the first-detection sources (index of first_by).
const char *gops_vendors_detector_name(int index);
void gops_vendors_measures(const gops_vendors_t *v, gops_vendors_measures_t *out);
/// The measures as one JSON object (malloc'd, caller frees; NULL when out of memory),
/// for summary.json and the report. Keys carry units.
char *gops_vendors_measures_json(const gops_vendors_t *v);

#endif
