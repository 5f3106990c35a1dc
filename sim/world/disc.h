// SPDX-License-Identifier: MIT
// The disc footprint shared by the models that block walkways (vendors publish stalls and
// carts as discs, the crowd walks around them). Only the type: vendors/obstruction.h marks
// and measures discs, crowd/obstacles.h steers around them.
#ifndef GOPS_WORLD_DISC_H
#define GOPS_WORLD_DISC_H

/// A blocked disc: nobody may stand within r of (x, y).
typedef struct gops_disc {
    double x, y; ///< m, centre
    double r;    ///< m, radius (> 0)
} gops_disc_t;

#endif
