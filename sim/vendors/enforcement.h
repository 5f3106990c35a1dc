// SPDX-License-Identifier: MIT
// What a street vendor does on seeing enforcement (the cat-and-mouse of the reports' first
// long-running problem): keep trading when tolerated, or act — move to a guidance point
// with a free stall (comply), relocate to another pitch, or pack up and come back later.
// The probabilities depend on the operating mode and on whether the points have room (the
// policy lever). Probabilities and the draw only; positions and states are mobile.c's.
#ifndef GOPS_VENDORS_ENFORCEMENT_H
#define GOPS_VENDORS_ENFORCEMENT_H

#include "gridops/status.h"
#include "gridops/types.h"

#include <stdbool.h>

typedef enum gops_reaction {
    GOPS_REACT_STAY,     ///< tolerated: keeps trading
    GOPS_REACT_COMPLY,   ///< goes to a guidance point with a free stall
    GOPS_REACT_RELOCATE, ///< moves on to another pitch out of sight
    GOPS_REACT_PACK_UP,  ///< packs up, leaves, and comes back later
    GOPS_REACT_COUNT
} gops_reaction_t;

/// "stay", "comply", "relocate", "pack_up"; "?" when out of range.
const char *gops_reaction_name(gops_reaction_t r);

typedef struct gops_reaction_params {
    double see_radius_m;                  ///< m, a vendor notices enforcement this close (40)
    double tolerance[GOPS_MODE_COUNT];    ///< P(tolerated) when the operations model is absent;
                                          ///< with it, its modes' vendor_tolerance (0.5, 0.3, 0, 0)
    double tolerated_s;                   ///< s, a tolerated vendor does not react again for this long (600)
    double comply[GOPS_MODE_COUNT];       ///< P(comply | acts) when a point has a free stall next
                                          ///< to the vendor (0.35, 0.3, 0.45, 0.3)
    double comply_distance_m;             ///< m, compliance falls as exp(−distance / this) (500)
    double relocate[GOPS_MODE_COUNT];     ///< P(relocate | acts, does not comply); else packs up
                                          ///< (0.6, 0.6, 0.35, 0.2)
    double flee_m;                        ///< m, a relocating vendor's new site is at least this far
                                          ///< from the enforcer (80)
    double return_mean_s[GOPS_MODE_COUNT]; ///< s, mean time away after packing up, exponential
                                          ///< (1200, 1200, 2400, 3600)
} gops_reaction_params_t;

gops_reaction_params_t gops_reaction_params_default(void);
gops_status_t gops_reaction_params_check(const gops_reaction_params_t *p, gops_error_t *err);

/// Probabilities of the four reactions (they sum to 1) in `mode` with tolerance `tolerance`,
/// when a guidance point with a free stall is open (`room`) at `distance_m` from the vendor.
/// `on_scene`: the enforcer is handling this very vendor (dispatched to it), so nothing is
/// tolerated.
typedef struct gops_reaction_probs {
    double p[GOPS_REACT_COUNT];
} gops_reaction_probs_t;
gops_reaction_probs_t gops_reaction_probs(const gops_reaction_params_t *p, gops_mode_t mode, double tolerance, bool room,
                                          double distance_m, bool on_scene);
/// The reaction for one uniform u in [0, 1): cumulative in enum order.
gops_reaction_t gops_reaction_draw(const gops_reaction_probs_t *probs, double u);

#endif
