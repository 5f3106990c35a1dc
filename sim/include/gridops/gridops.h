// SPDX-License-Identifier: MIT
// gridops public API: the world (lifecycle, fixed-tick stepping, modes, state hash) and its
// events. Scenario hosting, outputs and the CLI build on this; models add their own calls.
#ifndef GRIDOPS_H
#define GRIDOPS_H

#include "gridops/ids.h"
#include "gridops/status.h"
#include "gridops/types.h"

#include <stdint.h>

typedef struct gops_world gops_world_t;

/// How to build a world. Get one from gops_world_def_default(): our defaults are not zero.
typedef struct gops_world_def {
    uint64_t seed;            ///< run seed; each module draws from its own stream of it
    double tick_s;            ///< tick length, s (0.01..1, default 0.1)
    gops_local_time_t start;  ///< local time of tick 0
    int threads;              ///< worker threads for data-parallel phases (>= 1)
    gops_mode_t mode;         ///< operating mode at start
    const char *map_path;     ///< district map (GeoJSON); NULL: no district
    double nav_cell_m;        ///< walkable raster cell, m (0.1..10, default 1)
    /// Folder of the on-disk field cache (the crowd's distance fields of the map as loaded
    /// are read from it, or computed and stored there); NULL (the default): computed every
    /// run. Must outlive the world.
    const char *field_cache_dir;
} gops_world_def_t;

/// Defaults: seed 1, 0.1 s ticks, 2025-12-31 16:00, 1 thread, normal mode, no map, 1 m
/// navigation cells, no field cache.
gops_world_def_t gops_world_def_default(void);
/// Creates a world; NULL with err set when the definition is invalid or memory runs out.
gops_world_t *gops_world_create(const gops_world_def_t *def, gops_error_t *err);
/// Advances one tick: applies queued commands, then steps each subsystem that is due.
void gops_world_step(gops_world_t *world);
void gops_world_destroy(gops_world_t *world);

/// 64-bit hash of the simulation state in a canonical order (independent of threads).
uint64_t gops_world_state_hash(const gops_world_t *world);

/// Ticks done since start.
uint64_t gops_world_tick(const gops_world_t *world);
/// Tick length, s.
double gops_world_tick_seconds(const gops_world_t *world);
/// Seconds simulated since start.
double gops_world_elapsed(const gops_world_t *world);
/// Local time now (rounded down to the second).
gops_local_time_t gops_world_time(const gops_world_t *world);
const gops_world_def_t *gops_world_def(const gops_world_t *world);

/// Current operating mode.
gops_mode_t gops_world_mode(const gops_world_t *world);
/// Queues a mode switch, applied at the start of the next tick (emits GOPS_EVENT_MODE_CHANGED).
void gops_world_set_mode(gops_world_t *world, gops_mode_t mode);
/// "normal", "holiday", "major_event", "emergency".
const char *gops_mode_name(gops_mode_t mode);
/// Mode by name; -1 when unknown.
int gops_mode_from_name(const char *name);

typedef enum gops_event_type {
    GOPS_EVENT_MODE_CHANGED,     ///< a = old mode, b = new mode
    GOPS_EVENT_INCIDENT_OPENED,  ///< a = incident id, b = category (gops_category_t)
    GOPS_EVENT_INCIDENT_CLOSED,  ///< a = incident id, b = category
    GOPS_EVENT_DENSITY_WARNING,  ///< a = warning area index, b = density in 1/1000 persons/m²
    GOPS_EVENT_DENSITY_CLEARED,  ///< a = warning area index, b = 0
    GOPS_EVENT_TYPE_COUNT
} gops_event_type_t;

/// Something that happened during a tick, for scenario hooks and outputs.
typedef struct gops_event {
    gops_event_type_t type;
    uint64_t tick;
    int64_t a, b;
    const char *text; ///< a name that lives as long as the world (area, category), or NULL
} gops_event_t;

/// Events emitted by the last gops_world_step, in emission order.
const gops_event_t *gops_world_events(const gops_world_t *world, uint32_t *count);
/// "mode_changed", ...; the names scenarios use in on(event, fn).
const char *gops_event_name(gops_event_type_t type);
int gops_event_from_name(const char *name);

#endif
