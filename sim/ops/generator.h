// SPDX-License-Identifier: MIT
// Where and when incidents happen: non-homogeneous Poisson arrivals per incident type
// (rates by mode and hour of day, exact within a step by accumulating the integrated rate
// against an exponential threshold), and the location models that place them on the map.
// It does not detect, triage or dispatch anything; it only proposes (type, time, point).
#ifndef GOPS_OPS_GENERATOR_H
#define GOPS_OPS_GENERATOR_H

#include "core/rng.h"
#include "gridops/status.h"
#include "gridops/types.h"
#include "ops/incident_types.h"
#include "world/district.h"

#include <stdint.h>

typedef struct gops_generator {
    const gops_district_t *district; ///< borrowed, may be NULL (every incident at `fallback`)
    uint32_t *crowd_cells, crowd_count;       ///< walkable indices in plazas, pedestrian streets, near metro/rail exits
    uint32_t *vendor_cells, vendor_count;     ///< walkable indices near vendor points
    uint32_t *nonmotor_cells, nonmotor_count; ///< walkable indices near metro exits, bus stops, mall entrances
    gops_point_t *entrances;                  ///< mall entrances
    uint32_t entrance_count;
    gops_point_t *junctions;                  ///< road nodes shared by 2+ roads
    uint32_t junction_count;
    gops_point_t *low_points;                 ///< road nodes shared by 3+ roads
    uint32_t low_count;
    uint32_t *roads;                          ///< road feature indices
    double *road_cum;                         ///< m, cumulative length (road_count + 1)
    uint32_t road_count;
    gops_point_t fallback;                    ///< m, when a model has no candidates and no raster
    double hazard_acc[GOPS_ITYPE_COUNT];      ///< integrated rate since the last arrival
    double hazard_target[GOPS_ITYPE_COUNT];   ///< Exp(1) threshold for the next arrival
} gops_generator_t;

/// Builds the candidate lists from the district (may be NULL) and draws each type's first
/// threshold from rngs[type].
gops_status_t gops_generator_init(gops_generator_t *gen, const gops_district_t *district, gops_rng_t *rngs,
                                  gops_error_t *err);
void gops_generator_free(gops_generator_t *gen);

/// A point (m) for an incident under location model `model`. Models without candidates on
/// this map fall back to WALKABLE, and without a walkable raster to `fallback`.
gops_point_t gops_generator_point(const gops_generator_t *gen, gops_location_model_t model, gops_rng_t *rng);

/// Called for each arrival in [t0, t1), per type in type order and in time order within a type.
typedef void gops_arrival_fn(void *user, gops_itype_t type, double t);

/// Generates the arrivals of every type in [t0, t1) (s since the world's start, whose local
/// time is `start`) in `mode` with `rain_mm_h` of rain; rates are constant within each
/// local hour, so the window is split at hour boundaries. rngs[type] draws type's thresholds.
void gops_generator_arrivals(gops_generator_t *gen, const gops_incident_type_t types[GOPS_ITYPE_COUNT],
                             gops_mode_t mode, gops_local_time_t start, double t0, double t1, double rain_mm_h,
                             gops_rng_t *rngs, gops_arrival_fn *fn, void *user);

#endif
