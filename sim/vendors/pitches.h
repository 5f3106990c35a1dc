// SPDX-License-Identifier: MIT
// Where mobile vendors set up: sites at metro exits, crossings and on the tower plaza with the
// walkable cells a cart may use (off carriageways and guidance points), their smoothed
// footfall, and the choice rule P(site) ∝ (footfall + 1)^power × competition^(vendors there)
// × (1 − avoid × risk). Owns sites only; vendors' states and enforcement live elsewhere.
#ifndef GOPS_VENDORS_PITCHES_H
#define GOPS_VENDORS_PITCHES_H

#include "core/hash.h"
#include "core/rng.h"
#include "gridops/status.h"
#include "vendors/footfall.h"
#include "vendors/obstruction.h"
#include "world/district.h"

#include <stdbool.h>
#include <stdint.h>

/// "No vendor / stall / site / team" in the vendors model's indices.
#ifndef GOPS_VENDORS_NONE
#define GOPS_VENDORS_NONE UINT32_MAX
#endif

typedef enum gops_site_kind {
    GOPS_SITE_METRO_EXIT,
    GOPS_SITE_CROSSING,
    GOPS_SITE_TOWER_PLAZA,
    GOPS_SITE_KIND_COUNT
} gops_site_kind_t;

/// "metro_exit", "crossing", "tower_plaza"; "?" when out of range.
const char *gops_site_kind_name(gops_site_kind_t k);

typedef struct gops_pitch_params {
    bool metro_exits, crossings, tower_plaza; ///< which kinds of site exist (all true)
    double site_radius_m;      ///< m, a cart stands within this of the site's anchor (12)
    double footfall_radius_m;  ///< m, footfall counts pedestrians within this of the anchor (15)
    double footfall_memory_s;  ///< s, time constant of the footfall's moving average (120)
    double tower_plaza_m;      ///< m, plazas holding a landmark or with their centroid within this
                               ///< of one are the tower plaza (150)
    double plaza_spacing_m;    ///< m, sites on the tower plaza lie on a lattice this wide (25)
    double power;              ///< exponent of footfall in the choice (2: vendors go where people are)
    double competition;        ///< factor per vendor already at the site, (0, 1] (0.7)
    double avoid;              ///< share of weight lost when enforcement is in sight, [0, 1] (0.9)
    double min_spacing_m;      ///< m, a cart keeps this far from other footprints (6)
    double clear_width_m;      ///< m, walkway a cart leaves free beside it: pitch cells lie where the
                               ///< walkway is at least this plus the cart's width, and customers
                               ///< queueing at it never narrow the walkway below this; a cart's
                               ///< rim also keeps this far from the carriageway's crossings (2)
    double move_scale_m;       ///< m, a vendor already out weighs a site by exp(−distance / this)
                               ///< when it moves on or comes back: carts are pushed (200)
} gops_pitch_params_t;

gops_pitch_params_t gops_pitch_params_default(void);
gops_status_t gops_pitch_params_check(const gops_pitch_params_t *p, gops_error_t *err);

typedef struct gops_site {
    gops_site_kind_t kind;
    int32_t feature;           ///< transit or plaza feature, -1 for a crossing
    gops_point_t at;           ///< m, anchor
    uint32_t first_cell, cell_count; ///< pitch cells: walkable indices in gops_sites_t.cells
    double footfall;           ///< pedestrians within footfall_radius_m, moving average
    uint32_t vendors;          ///< mobile vendors set up here now (kept by the vendors model)
} gops_site_t;

/// A doorway carts keep clear of: a building entrance (a disc of half its width round its
/// point) or a metro exit (GOPS_METRO_EXIT_WIDTH_M wide).
typedef struct gops_doorway {
    gops_point_t at;
    double half_m;
} gops_doorway_t;

typedef struct gops_sites {
    gops_site_t *sites;
    uint32_t count;
    uint32_t *cells;
    uint32_t cell_total;
    double *cell_stream;       ///< per pitch cell (as cells): pedestrians within GOPS_PITCH_STREAM_RADIUS_M,
                               ///< moving average (the same memory as the sites' footfall)
    gops_doorway_t *doors;     ///< the map's doorways, in map order (derived from the map)
    uint32_t door_count;
} gops_sites_t;

/// Builds the sites of a district: metro exits (map order), then crossings (road node
/// order; a node within site_radius_m of an earlier crossing joins it), then the tower
/// plaza's lattice points (plaza order, rows south to north). A cart of radius cart_radius_m
/// (m) pitches only where the walkway is at least 2 × that + clear_width_m wide, and with
/// its rim clear_width_m from every walkable cell on a carriageway (crosswalks, junction
/// boxes, ring crossings: their landings stay free) and from every doorway
/// (gops_sites_doorway_room_m).
/// Sites without a pitch cell are dropped. GOPS_NOMEM.
gops_status_t gops_sites_build(gops_sites_t *s, const gops_district_t *district, const gops_pitch_params_t *p,
                               double cart_radius_m, gops_error_t *err);
void gops_sites_free(gops_sites_t *s);

/// Metro exits are taken as doorways this wide, m (a stairway with its handrails).
#define GOPS_METRO_EXIT_WIDTH_M 4.0
/// A gap between a cart and the walkway's edge narrower than this, m, counts as closed: no
/// one's shoulders fit (pitches and footprints leave each side closed or the clear width).
#define GOPS_PITCH_CLOSED_GAP_M 0.3
/// How far either side of a pitch its walkway is measured across, m (walkways up to 20 m wide).
#define GOPS_PITCH_WALKWAY_REACH_M 10.0
/// The largest footprint radius (m) a cart centred at `at` can have and keep its rim
/// clear_width_m from every doorway of the sites' map. INFINITY without doorways; may be
/// negative (`at` is too close to one for any cart).
double gops_sites_doorway_room_m(const gops_sites_t *s, gops_point_t at, double clear_width_m);

/// A pitch cell's stream: the pedestrians within this of its centre, m (a cart's 0.9 m and a
/// person passing beside it).
#define GOPS_PITCH_STREAM_RADIUS_M 2.0

/// Moves every site's footfall, and every pitch cell's stream, towards the count now:
/// f += (now − f) · min(1, dt / memory).
void gops_sites_update_footfall(gops_sites_t *s, const gops_footfall_t *ff, const gops_walkable_t *walk,
                                const gops_pitch_params_t *p, double dt_s);

/// Weight of a site in the choice: (footfall + 1)^power × competition^vendors ×
/// (1 − avoid · risk), risk in [0, 1] (1: enforcement in sight).
double gops_site_weight(const gops_pitch_params_t *p, double footfall, uint32_t vendors, double risk);

/// Index drawn with probability proportional to w[i] (≥ 0) by one uniform u in [0, 1);
/// GOPS_VENDORS_NONE when every weight is 0.
uint32_t gops_pitch_choose(const double *w, uint32_t n, double u);

/// Distance (m) from `p` to the edge of the nearest disc in `avoid`; INFINITY for none.
double gops_pitch_gap(gops_point_t p, const gops_disc_t *avoid, uint32_t n);
/// A pitch in site `site`: of 16 pitch cells drawn at random, those whose centres stand at
/// least min_spacing_m from every disc in `avoid` (other footprints), the one with the least
/// stream (the first drawn of equals). True with *at that pitch; false when none of the 16
/// kept the spacing, with *at the one farthest from the others (a place to head for; who
/// arrives there checks again). Always draws 16 numbers.
bool gops_site_pick(const gops_sites_t *s, uint32_t site, const gops_walkable_t *walk, const gops_disc_t *avoid,
                    uint32_t n, double min_spacing_m, gops_rng_t *rng, gops_point_t *at);

void gops_sites_hash(const gops_sites_t *s, gops_hash_t *h);

#endif
