// SPDX-License-Identifier: MIT
// Route choice among alternative routes: routing fields priced by the crowding measured on
// the way (quickest paths). Every `every_s` the crowd turns the density of the windows since
// the last refresh into a relative walking speed per walkable cell, by Weidmann's fundamental
// diagram, and recomputes each destination's field as travel time at those speeds; walkers
// descending it go round a jammed crossing or street section when another way is quicker.
// The distance fields stay as they are for everything that needs metres (arrival, choice,
// guidance, queries). Does not walk anyone or measure density; crowd.c feeds it windows.
#ifndef GOPS_CROWD_ROUTE_H
#define GOPS_CROWD_ROUTE_H

#include "crowd/field.h"
#include "gridops/status.h"

#include <stdint.h>

// The rule. For each density cell, ρ is the mean of its window densities since the last
// refresh; every walkable cell in it gets the relative speed
//     w(ρ) = max(min_speed, 1 − exp(−1.913 m⁻² · (1/ρ − 1/5.4 m⁻²)))      (1 when ρ = 0)
// (Weidmann 1993, the speed-density relation of RiMEA test 4 and VALIDATION.md), times the
// junction-box price (crowd.junction_box_speed). The fields are recomputed only when some
// cell's speed moved by more than `change` since the fields in use were priced; until the
// first such refresh, walkers descend the distance fields. Walkers standing on a crowded
// cell (w < 1 − change) also keep to the distance field: there the priced field points out of
// the crowd by its nearest edge, neighbours are sent towards different edges, and the
// first-order walking model, in which nobody yields, locks them in place (on the Erqi weekday
// evening a clump in the open plaza south of the tower grew from 17:36 to 17:50, with 1,320
// people within 30 m of it at 17:45).
// So the crowd itself moves as without pricing, and those outside it choose their way round.
typedef struct gops_route_params {
    double every_s;  ///< refresh interval, s (0: off, walkers keep the distance fields; 60)
    float min_speed; ///< floor of w, so a jam is costly, not a wall, (0, 1] (0.1)
    float change;    ///< least change of a cell's speed that recomputes the fields, [0, 1] (0.05)
} gops_route_params_t;

gops_route_params_t gops_route_params_default(void);

/// Weidmann's relative walking speed at density `ppm2` (persons/m²), floored at min_speed.
float gops_route_speed_of_density(double ppm2, float min_speed);

typedef struct gops_route {
    gops_route_params_t params;
    uint32_t *cell_of;    ///< by walkable index: density cell (UINT32_MAX: none)
    double *sum_ppm2;     ///< by density cell: window densities summed since the last refresh
    uint32_t cells;       ///< density cells
    uint32_t windows;     ///< windows summed since the last refresh
    double next_s;        ///< next refresh, s after the start
    float *speed;         ///< by walkable index: speeds the priced fields use (NULL: none in use)
    gops_field_t *fields; ///< by destination: priced fields (all empty while speed is NULL)
    uint16_t field_count; ///< entries of fields (destinations added later have none yet)
    float slowest;        ///< lowest speed a priced field can have (min_speed × the box price)
    uint64_t refreshes;   ///< refreshes that recomputed the fields
} gops_route_t;

#endif
