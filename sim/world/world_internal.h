// SPDX-License-Identifier: MIT
// The world's private layout, shared by the engine's modules (never by users of the public
// API): clock, per-module random streams, mode, queued commands, per-tick events, KPIs, and
// the registered subsystems stepped at their sub-rates.
#ifndef GOPS_WORLD_INTERNAL_H
#define GOPS_WORLD_INTERNAL_H

#include "core/checkpoint.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/rng.h"
#include "gridops/gridops.h"
#include "metrics/kpi.h"
#include "metrics/timeseries.h"
#include "world/district.h"

#define GOPS_SUBSYSTEM_MAX 16

/// Writes a subsystem's state into the open checkpoint section (named after it). Only what
/// changes while the world steps: what attach builds from the map and the parameters is
/// rebuilt on resume. Running out of memory is remembered by the writer.
typedef void gops_subsystem_save_fn(const gops_world_t *world, const void *state, gops_ckpt_writer_t *w);
/// Replaces the state of a subsystem freshly attached with the same parameters by the one
/// `save` wrote; failures are recorded in the reader (the world is then destroyed, so the
/// state must stay destroyable). Derived structures (fields, indices) are rebuilt here.
typedef void gops_subsystem_load_fn(gops_world_t *world, void *state, gops_ckpt_reader_t *r);

/// A model stepped by the world every `period_ticks` ticks, in registration order.
/// `hash` feeds its state into the world state hash in a canonical order; `save`/`load`
/// (both or neither) let checkpoints hold it (a run with a subsystem without them cannot
/// be checkpointed, and says which).
typedef struct gops_subsystem {
    const char *name;
    uint64_t period_ticks;
    void *state;
    void (*step)(gops_world_t *world, void *state, double dt);
    void (*hash)(const gops_world_t *world, const void *state, gops_hash_t *hash);
    void (*destroy)(void *state);
    gops_subsystem_save_fn *save;
    gops_subsystem_load_fn *load;
} gops_subsystem_t;

typedef enum gops_command_type { GOPS_CMD_SET_MODE } gops_command_type_t;

/// A change requested by a scenario, applied at the start of the next tick so that a hook
/// never mutates the world halfway through a tick.
typedef struct gops_command {
    gops_command_type_t type;
    int64_t a;
} gops_command_t;

struct gops_world {
    gops_world_def_t def;
    gops_clock_t clock;
    gops_rng_t rng[GOPS_STREAM_COUNT];
    gops_mode_t mode;
    uint64_t mode_since_tick;

    gops_command_t *commands;
    uint32_t command_count, command_capacity;
    gops_event_t *events;
    uint32_t event_count, event_capacity;

    bool has_district;
    gops_district_t district; ///< the map and its derived structures, when the run has one

    gops_kpis_t kpis;
    gops_gauges_t gauges; ///< instantaneous values models keep current

    gops_subsystem_t subsystems[GOPS_SUBSYSTEM_MAX];
    uint32_t subsystem_count;
};

/// Creates a world on a map built in memory (lab geometry), taking ownership of `map`
/// (freed on failure too); def->map_path is ignored.
gops_world_t *gops_world_create_with_map(const gops_world_def_t *def, gops_map_t *map, gops_error_t *err);
/// The district, or NULL when the world has none.
const gops_district_t *gops_world_district(const gops_world_t *world);

/// Registers a subsystem; its period is rounded to whole ticks (at least 1).
/// Returns GOPS_INTERNAL when the table is full (a programming limit, not user input).
gops_status_t gops_world_add_subsystem(gops_world_t *world, const char *name, double period_s,
                                       void *state,
                                       void (*step)(gops_world_t *, void *, double),
                                       void (*hash)(const gops_world_t *, const void *, gops_hash_t *),
                                       void (*destroy)(void *));
/// Lets checkpoints hold the subsystem registered under `name` (GOPS_INTERNAL when none is).
gops_status_t gops_world_set_checkpoint(gops_world_t *world, const char *name, gops_subsystem_save_fn *save,
                                        gops_subsystem_load_fn *load);
/// State of the subsystem registered under `name`, or NULL.
void *gops_world_subsystem(const gops_world_t *world, const char *name);
/// Appends an event to this tick's list.
void gops_world_emit(gops_world_t *world, gops_event_type_t type, int64_t a, int64_t b);
/// Same with a name shown to hooks (area, category); `text` must live as long as the world.
void gops_world_emit_text(gops_world_t *world, gops_event_type_t type, int64_t a, int64_t b, const char *text);
/// The random stream of a module.
gops_rng_t *gops_world_rng(gops_world_t *world, gops_stream_t stream);
/// KPIs, writable by models and scenario bindings.
gops_kpis_t *gops_world_kpis(gops_world_t *world);
/// Gauges, kept current by models, sampled each minute into the time series.
gops_gauges_t *gops_world_gauges(gops_world_t *world);

// Checkpoints of the whole world (world_checkpoint.c): section "world" (clock, mode, random
// streams, KPIs, gauges, queued commands, the subsystems' names) and one section per
// subsystem, "model:<name>".

/// False when a subsystem cannot be checkpointed; `missing` gets their names.
bool gops_world_checkpointable(const gops_world_t *world, char *missing, size_t size);
/// Writes the world's sections (call between steps).
void gops_world_checkpoint_save(const gops_world_t *world, gops_ckpt_writer_t *w);
/// Creates a subsystem that the checkpointed world had registered on its own during the run
/// (after attach); false when `name` is unknown.
typedef bool gops_world_make_fn(gops_world_t *world, const char *name, void *user);
/// Restores a world created and attached from the same scenario, parameters and map: the
/// world's section, then each subsystem's in registration order (subsystems registered later
/// in the saved run are made by `make`). Failures name the file, the section and the item.
gops_status_t gops_world_checkpoint_load(gops_world_t *world, gops_ckpt_reader_t *r, gops_world_make_fn *make,
                                         void *user, gops_error_t *err);

#endif
