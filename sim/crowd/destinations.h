// SPDX-License-Identifier: MIT
// The destination table built from the map: buildings visitors enter (by their entrances),
// plazas and the pedestrian street (areas where visitors linger on foot), vendor points, and
// exits (transit points). Each destination lists the features that define it, so the crowd
// can build one distance field per destination; and visitors' choice among them. Does not
// count occupants (buildings.c) or hold visitors (demand.c).
#ifndef GOPS_CROWD_DESTINATIONS_H
#define GOPS_CROWD_DESTINATIONS_H

#include "core/rng.h"
#include "gridops/status.h"
#include "world/map.h"
#include "world/walkable.h"

#include <stdbool.h>
#include <stdint.h>

/// "No destination" (same value as GOPS_NO_DEST in crowd/pedestrians.h).
#define GOPS_DEST_NONE UINT16_MAX

/// What a destination is, for choice weights and stay times. The first five equal the
/// building categories (GOPS_DEST_MALL == GOPS_BUILDING_MALL, ...).
typedef enum gops_dest_class {
    GOPS_DEST_MALL,
    GOPS_DEST_OFFICE,
    GOPS_DEST_RESIDENTIAL,
    GOPS_DEST_TRANSIT_BUILDING,
    GOPS_DEST_OTHER_BUILDING,
    GOPS_DEST_PLAZA,
    GOPS_DEST_STREET,  ///< pedestrian street
    GOPS_DEST_VENDOR,  ///< vendor guidance point
    GOPS_DEST_EXIT,    ///< where visitors leave (transit points); never chosen as a stop
    GOPS_DEST_CLASS_COUNT
} gops_dest_class_t;

/// "mall", "office", "residential", "transit_building", "other_building", "plaza",
/// "pedestrian_street", "vendor_point", "exit"; "?" when out of range.
const char *gops_dest_class_name(gops_dest_class_t c);
/// -1 for an unknown or NULL name.
int gops_dest_class_from_name(const char *name);

/// Buildings are entered (counted inside); areas and vendor points are places visitors
/// linger on foot; exits end a visit.
static inline bool gops_dest_class_is_building(gops_dest_class_t c) { return c <= GOPS_DEST_OTHER_BUILDING; }

/// A visitor lingering in an area stands at the least crowded of this many random cells of
/// it (the crowd by the last density window, the warm start by the spots it gave out).
#define GOPS_SPOT_CHOICES 4

typedef struct gops_destination {
    gops_dest_class_t cls;
    int32_t feature;        ///< the building / plaza / street / vendor point / garage; -1 for a mode's exit group
    int32_t building;       ///< ordinal of the building among the map's buildings (buildings.c), else -1
    gops_transit_mode_t mode; ///< exits: the transit mode they serve
    double weight;          ///< relative choice weight within the class: attractiveness (buildings), area m²
                            ///< (plazas, streets), stalls (vendor points); 0 for exits
    double share;           ///< probability of being drawn as a stop when every destination is eligible
    gops_point_t at;        ///< m, representative point: centroid of the entrances / polygon / points
    int32_t open_s, close_s; ///< vendor hours, s after midnight (close < open: past midnight); -1 = always open
    uint32_t first_source;  ///< into gops_destinations_t.sources
    uint32_t source_count;  ///< entrances of a building, the area itself, the vendor point, the exit's transit points
    const char *label;      ///< id or name for messages ("b-davidcity", "exit:metro_exit"); borrowed
} gops_destination_t;

/// Choice weight per class: the probability of each class as a stop is proportional to its
/// weight (over the classes present in the table); within the class, to each destination's
/// own weight. Closed, excluded or out-of-hours destinations are removed and the rest
/// renormalised. Classes with weight 0 get no destinations in the table.
typedef struct gops_destinations_def {
    double class_weight[GOPS_DEST_CLASS_COUNT]; ///< ≥ 0; the EXIT entry is ignored
} gops_destinations_def_t;

/// Defaults (assumptions, documented in destinations.c): mall 0.55, other building 0.05,
/// plaza 0.15, pedestrian street 0.20, vendor point 0.05; office, residential and transit
/// buildings 0 (visitors do not go there).
gops_destinations_def_t gops_destinations_def_default(void);

typedef struct gops_destinations {
    gops_destination_t *dest;
    uint16_t count;
    double *cum;             ///< cumulative share in table order (1 from the last choosable one on)
    int32_t *sources;        ///< feature indices, grouped per destination in table order
    uint32_t source_count;
    double class_weight[GOPS_DEST_CLASS_COUNT];
    /// Exit destination of each transit mode (all points of the mode; the nearest by
    /// walking distance is where one leaves), GOPS_DEST_NONE when the map has none.
    /// Garages are one exit each (a driver returns to the car): see exit_of_feature.
    uint16_t exit_of_mode[GOPS_TRANSIT_MODE_COUNT];
    uint16_t *exit_of_feature; ///< by feature index: the exit a transit point belongs to, else GOPS_DEST_NONE
    uint16_t *dest_of_feature; ///< by feature index: the destination a building/area/vendor point is, else NONE
    uint32_t feature_count;
} gops_destinations_t;

/// Builds the table. Order (fixed, so field indices are stable): buildings in feature order,
/// then plazas, pedestrian streets, vendor points, then exits: one per mode in enum order
/// (garages excluded), then one per garage in feature order. A building with no entrance
/// is skipped (it cannot be entered). GOPS_BAD_VALUE for a bad weight, GOPS_MAP when the
/// map has no choosable destination or no transit point, or more than 65,534 destinations.
gops_destinations_t *gops_destinations_build(const gops_map_t *map, const gops_destinations_def_t *def,
                                             gops_error_t *err);
void gops_destinations_destroy(gops_destinations_t *t);

/// How far (walking distance) from destination `dest` a walk there ends: a transit point
/// takes those leaving within its mouth (`exit_m`), anything else within `arrive_m`; so do
/// destinations outside the table (lab exits) and a NULL table.
static inline float gops_destination_reach(const gops_destinations_t *t, uint16_t dest, float arrive_m, float exit_m)
{
    return t && dest < t->count && t->dest[dest].cls == GOPS_DEST_EXIT ? exit_m : arrive_m;
}

/// Is a vendor point (or any destination) open at time t (s after midnight, repeating daily)?
bool gops_destination_open_at(const gops_destination_t *d, double t_s);

/// Draws a stop at time t: class by class weight, then destination by weight, among the
/// destinations that are choosable (not exits), open at t, not `closed[dest]` (may be NULL)
/// and not in `exclude` (n_exclude entries). This is the weights' distribution conditioned
/// on eligibility. GOPS_DEST_NONE when nothing is eligible.
uint16_t gops_destinations_draw(const gops_destinations_t *t, gops_rng_t *rng, double t_s, const uint8_t *closed,
                                const uint16_t *exclude, uint32_t n_exclude);
/// Probability that gops_destinations_draw returns `dest` with nothing closed or excluded.
double gops_destinations_probability(const gops_destinations_t *t, uint16_t dest, double t_s);

/// Walkable cells that make destination `dest` a field source, ascending and unique:
/// the snapped cells of the open entrances (`feature_closed[f]` != 0 closes feature f; may be
/// NULL), every cell whose centre lies in an area (plaza, street, vendor polygon), the
/// snapped cell of a vendor point or transit point. *cells is malloc'd (caller frees); the
/// count may be 0 (e.g. every entrance closed). GOPS_NOMEM.
gops_status_t gops_destinations_cells(const gops_destinations_t *t, const gops_map_t *map,
                                      const gops_walkable_t *walk, uint16_t dest, const uint8_t *feature_closed,
                                      uint32_t **cells, uint32_t *count, gops_error_t *err);

#endif
