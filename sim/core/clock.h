// SPDX-License-Identifier: MIT
// The fixed-tick clock: a tick count and tick length; slower subsystems run every k ticks.
#ifndef GOPS_CORE_CLOCK_H
#define GOPS_CORE_CLOCK_H

#include "gridops/types.h"
#include <stdbool.h>
#include <stdint.h>

typedef struct gops_clock {
    gops_local_time_t start; ///< local time at tick 0
    double dt;               ///< tick length, s (0.01..1)
    uint64_t tick;           ///< ticks done
} gops_clock_t;

/// Seconds simulated since start (tick * dt, exact for the tick counts we use).
double gops_clock_elapsed(const gops_clock_t *clock);
/// Local time now, rounded down to the second.
gops_local_time_t gops_clock_now(const gops_clock_t *clock);
/// Ticks in a period of `seconds` (at least 1).
uint64_t gops_clock_ticks_for(const gops_clock_t *clock, double seconds);
/// True on ticks that are multiples of period_ticks: the sub-rate of slower subsystems.
bool gops_clock_due(const gops_clock_t *clock, uint64_t period_ticks);

#endif
