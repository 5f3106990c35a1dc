// SPDX-License-Identifier: MIT
// Where trips start and end on the lane network: gateways (nodes at the map's edge where
// vehicles enter and leave) and places snapped to the kerb of the nearest road (garages
// with their capacity and occupancy, malls for drop-offs, deliveries and e-bike parking,
// bus stops, the railway-station approach). Owns the snapping and garage occupancy only.
// Ordering: gateways by node; places by kind (garage, mall, bus stop, station), then feature.
#ifndef GOPS_TRAFFIC_PLACES_H
#define GOPS_TRAFFIC_PLACES_H

#include "traffic/network.h"

#include <stdint.h>

/// Places farther than this from every road are left out (m). Garages and malls set back
/// from the street (Bainian Dehua's car park is 100 m from Datong Road) are reached by an
/// access lane that is not modelled: vehicles turn in at the nearest kerb.
#define GOPS_PLACE_SNAP_M 150.0

typedef enum gops_place_kind {
    GOPS_PLACE_GARAGE,
    GOPS_PLACE_MALL,
    GOPS_PLACE_BUS_STOP,
    GOPS_PLACE_STATION,
    GOPS_PLACE_KIND_COUNT
} gops_place_kind_t;

typedef struct gops_place {
    uint8_t kind;          ///< gops_place_kind_t
    uint32_t feature;      ///< map feature: the transit point, or the mall building
    gops_point_t at;       ///< m, the point that was snapped (transit point or entrance)
    uint32_t arc;          ///< the arc with the place at its kerb (right-hand side), or the only one in the map
    float s;               ///< m along `arc`, kept clear of the junction boxes
    uint32_t arc_other;    ///< garages: the arc the other way (entered by turning across), or NONE
    float s_other;
    uint32_t capacity;     ///< garages: spaces
    uint32_t occupied;     ///< garages: cars parked now
    uint16_t dest;         ///< routing destination of the place
} gops_place_t;

typedef struct gops_gateway {
    uint32_t node;
    uint32_t entry_arc;    ///< arc leaving the node into the map, or NONE
    uint16_t dest;         ///< routing destination for leaving here, UINT16_MAX when no arc arrives
    float weight;          ///< share of boundary demand: motor lanes × class factor
    float ebike_weight;    ///< e-bike share: 2 with a marked non-motor lane, else 1
} gops_gateway_t;

typedef struct gops_places {
    gops_place_t *items;
    uint32_t count;
    uint32_t first[GOPS_PLACE_KIND_COUNT + 1]; ///< places of kind k: first[k] .. first[k+1]-1
    gops_gateway_t *gateways;
    uint32_t gateway_count;
    uint32_t *gateway_of_node; ///< node → gateway index, or NONE
} gops_places_t;

/// Snaps the map's garages, malls (their entrance nearest a road), bus stops and station
/// points; lists the gateways. Destinations are numbered later by routing. GOPS_NOMEM only.
gops_status_t gops_places_build(gops_places_t *places, const gops_tnet_t *net, gops_error_t *err);
void gops_places_free(gops_places_t *places);
/// Position of a place along an arc (its kerb arc, or the other arc of a garage), or -1.
float gops_place_s_on(const gops_place_t *place, uint32_t arc);

#endif
