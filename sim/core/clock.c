// SPDX-License-Identifier: MIT
// The fixed-tick clock: converts tick counts to elapsed seconds and local time, and
// periods to tick counts. It never reads the wall clock and never advances itself (the
// world's step does tick++).
#include "core/clock.h"

#include "core/assert.h"

#include <math.h>

double gops_clock_elapsed(const gops_clock_t *clock)
{
    return (double)clock->tick * clock->dt;
}

gops_local_time_t gops_clock_now(const gops_clock_t *clock)
{
    // tick * dt can land a rounding error below a whole second (100 ticks of 0.29 s give
    // 28.999999999999996). Ticks are at least 0.01 s, so a 1 us nudge never crosses a real
    // second boundary but absorbs that error.
    double elapsed = gops_clock_elapsed(clock);
    return clock->start + (gops_local_time_t)floor(elapsed + 1e-6);
}

uint64_t gops_clock_ticks_for(const gops_clock_t *clock, double seconds)
{
    GOPS_ASSERT(clock->dt > 0);
    double ticks = round(seconds / clock->dt);
    if (!(ticks >= 1)) return 1; // also catches NaN and negative periods
    if (ticks >= 1.8e19) return UINT64_MAX;
    return (uint64_t)ticks;
}

bool gops_clock_due(const gops_clock_t *clock, uint64_t period_ticks)
{
    GOPS_ASSERT(period_ticks > 0);
    return clock->tick % period_ticks == 0;
}
