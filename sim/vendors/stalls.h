// SPDX-License-Identifier: MIT
// Licensed stalls at the guidance points (FACTS.md: 5 points, 97 stalls, fixed hours, zones
// and hygiene standards): the points and their stalls laid out from the map's vendor_point
// features, opening hours by mode, each stall's state (closed, setting up, open, packing
// up, shut after a failed hygiene inspection), its occupant and its customer queue.
// Who occupies a stall and when is decided by the vendors model (vendors.c, mobile.c).
#ifndef GOPS_VENDORS_STALLS_H
#define GOPS_VENDORS_STALLS_H

#include "core/hash.h"
#include "core/rng.h"
#include "gridops/status.h"
#include "gridops/types.h"
#include "vendors/customers.h"
#include "world/map.h"

#include <stdbool.h>
#include <stdint.h>


/// "No vendor / stall / site / team" in the vendors model's indices.
#ifndef GOPS_VENDORS_NONE
#define GOPS_VENDORS_NONE UINT32_MAX
#endif

typedef enum gops_stall_state {
    GOPS_STALL_CLOSED,  ///< nobody there
    GOPS_STALL_SETUP,   ///< its occupant is setting up
    GOPS_STALL_OPEN,    ///< trading
    GOPS_STALL_PACKING, ///< packing up
    GOPS_STALL_SHUT,    ///< closed by an inspector until the hygiene fault is put right
    GOPS_STALL_STATE_COUNT
} gops_stall_state_t;

const char *gops_stall_state_name(gops_stall_state_t s);

typedef struct gops_stall {
    uint32_t point;          ///< guidance point index
    gops_point_t at;         ///< m, centre of the stall
    gops_stall_state_t state;
    uint32_t occupant;       ///< vendor index trading or about to trade here, GOPS_VENDORS_NONE
    uint32_t licensee;       ///< vendor index of the licence holder, GOPS_VENDORS_NONE
    bool free_today;         ///< the licensee is not coming this evening: a complying vendor may use it
    double t_next;           ///< s, end of set-up, packing or a shutdown
    gops_queue_t queue;
    double occupied_s;       ///< s occupied (set-up, open, packing) so far
    gops_rng_t rng;          ///< customers and litter at this stall
} gops_stall_t;

typedef struct gops_guidance_point {
    uint32_t feature;        ///< vendor_point feature index
    gops_point_t at;         ///< m, the feature's point or centroid
    uint32_t first_stall, stall_count;
    int32_t map_open_s, map_close_s; ///< the map's hours, s of day
    double spacing_m;        ///< m, distance between neighbouring stalls in the layout
    double next_inspection_s; ///< s since start, INFINITY when none is due
    uint32_t inspections, stalls_inspected, stalls_passed;
    gops_rng_t rng;          ///< inspections
} gops_guidance_point_t;

typedef struct gops_stalls {
    gops_guidance_point_t *points;
    uint32_t point_count;
    gops_stall_t *stalls;
    uint32_t stall_count;
} gops_stalls_t;

/// Lays out the stalls of every vendor_point feature of `map` (map order): on a square
/// lattice inside the polygon with the widest spacing from `spacing_max_m` down to 1 m, in
/// 0.25 m steps, that fits the stalls, taken evenly along the lattice's row order; a
/// Point feature gets the same lattice over a disc of 6 m² per stall. GOPS_NOMEM.
gops_status_t gops_stalls_build(gops_stalls_t *s, const gops_map_t *map, double spacing_max_m, gops_error_t *err);
void gops_stalls_free(gops_stalls_t *s);

/// True when second of day `sod` (0–86400) lies in [open, close) (a close before the
/// open means after midnight; open = close never happens on a loaded map).
bool gops_hours_contain(int32_t open_s, int32_t close_s, double sod);

/// Stalls at point p that a complying vendor could take now: free today and closed.
uint32_t gops_stalls_free_at(const gops_stalls_t *s, uint32_t point);
/// First such stall at point p, or GOPS_VENDORS_NONE.
uint32_t gops_stalls_first_free(const gops_stalls_t *s, uint32_t point);
/// Stalls occupied now (set-up, open or packing).
uint32_t gops_stalls_occupied(const gops_stalls_t *s);

void gops_stalls_hash(const gops_stalls_t *s, gops_hash_t *h);

#endif
