// SPDX-License-Identifier: MIT
// The built-in density trigger: the grid switches to emergency mode by itself when a crowd
// density warning at or above a set level has lasted a set time, and back to the mode it
// left when no such warning has been active for another set time. It reads the world's
// density_warning / density_cleared events and queues the switch through the world (so the
// usual mode_changed event follows); it does not measure density (crowd/density.c does).
#ifndef GOPS_OPS_DENSITY_TRIGGER_H
#define GOPS_OPS_DENSITY_TRIGGER_H

#include "gridops/gridops.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct gops_density_trigger_params {
    double enter_ppm2; ///< persons/m²: warnings reported at or above this count (0..10); 0 = off (default)
    double enter_s;    ///< s a counting warning must last before the switch to emergency (0..86400; 600)
    double leave_s;    ///< s with no counting warning active before the mode returns (0..86400; 900)
} gops_density_trigger_params_t;

/// Off, with the hold times the defaults give when a level is set (10 and 15 minutes: our
/// assumption, longer than the crowd's 30 s warning hold so that one gust does not switch
/// the grid, shorter than an event's build-up).
gops_density_trigger_params_t gops_density_trigger_params_default(void);
/// GOPS_BAD_VALUE naming the field when out of range.
gops_status_t gops_density_trigger_params_check(const gops_density_trigger_params_t *params, gops_error_t *err);

typedef struct gops_density_trigger {
    gops_world_t *world;         ///< NULL when driven by hand (tests)
    gops_density_trigger_params_t params;
    double *since;               ///< per warning area: s when its counting warning fired, NAN when none
    uint32_t area_cap;
    uint32_t active;             ///< counting warnings active now
    double clear_since;          ///< s, when the last counting warning ended (0 before any)
    bool engaged;                ///< the trigger switched the grid and will switch it back
    bool overridden;             ///< a scenario changed the mode while engaged: no new switch
                                 ///< until every counting warning has ended
    gops_mode_t before;          ///< the mode it left
    uint32_t entered, left;      ///< switches made so far
} gops_density_trigger_t;

/// Creates the trigger on `world` and registers it as subsystem "density_trigger", stepped
/// every tick (the world owns it). Attach it after the crowd so it sees the crowd's events of
/// the same tick (the session attaches the crowd first; ops attaches the trigger when
/// enter_ppm2 > 0). GOPS_BAD_VALUE for bad params, GOPS_NOMEM, GOPS_INTERNAL when the
/// world's subsystem table is full.
gops_status_t gops_density_trigger_attach(gops_world_t *world, const gops_density_trigger_params_t *params,
                                          gops_error_t *err);
/// The trigger attached to a world, or NULL.
const gops_density_trigger_t *gops_density_trigger_of(const gops_world_t *world);

// The state machine, also usable without a world (times in s since start):
void gops_density_trigger_init(gops_density_trigger_t *trigger, const gops_density_trigger_params_t *params);
void gops_density_trigger_free(gops_density_trigger_t *trigger);
/// A warning fired in `area` with this density; it counts when density_ppm2 ≥ enter_ppm2.
/// False when out of memory (the warning is then ignored).
bool gops_density_trigger_warning(gops_density_trigger_t *trigger, uint32_t area, double density_ppm2, double t_s);
/// The warning of `area` ended.
void gops_density_trigger_cleared(gops_density_trigger_t *trigger, uint32_t area, double t_s);
/// The mode to switch to at t_s given the mode in force, or -1 for none. Switching to
/// emergency needs a counting warning active for enter_s (and a mode other than emergency);
/// switching back needs none active for leave_s, and happens only while the grid is still in
/// the emergency mode the trigger set: a scenario that changed the mode meanwhile keeps it,
/// and the trigger switches again only after all counting warnings have ended.
int gops_density_trigger_decide(gops_density_trigger_t *trigger, double t_s, gops_mode_t mode);

#endif
