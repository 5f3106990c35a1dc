// SPDX-License-Identifier: MIT
// World lifecycle and the fixed-tick step: commands queued by scenarios are applied first,
// then each registered subsystem that is due runs, in registration order.
// Ordering: commands in the order queued; subsystems in registration order; events in
// emission order. Nothing here depends on the thread count.
#include "world/world_internal.h"

#include "core/simtime.h"

#include <stdlib.h>
#include <string.h>

static const char *const mode_names[GOPS_MODE_COUNT] = {"normal", "holiday", "major_event", "emergency"};
static const char *const event_names[GOPS_EVENT_TYPE_COUNT] = {"mode_changed", "incident_opened", "incident_closed",
                                                                 "density_warning", "density_cleared"};

gops_world_def_t gops_world_def_default(void)
{
    return (gops_world_def_t){
        .seed = 1,
        .tick_s = 0.1,
        .start = gops_time_from_civil(2025, 12, 31, 16, 0, 0),
        .threads = 1,
        .mode = GOPS_MODE_NORMAL,
        .map_path = NULL,
        .nav_cell_m = 1.0,
        .field_cache_dir = NULL,
    };
}

/// Checks a definition; the message names the bad field.
static gops_status_t check_def(const gops_world_def_t *def, gops_error_t *err)
{
    if (!(def->tick_s >= 0.01 && def->tick_s <= 1.0))
        return gops_error_set(err, GOPS_BAD_VALUE, "tick length %g s is out of range: expected 0.01 to 1 s", def->tick_s);
    if (def->threads < 1 || def->threads > 256)
        return gops_error_set(err, GOPS_BAD_VALUE, "thread count %d is out of range: expected 1 to 256", def->threads);
    if ((unsigned)def->mode >= GOPS_MODE_COUNT)
        return gops_error_set(err, GOPS_BAD_VALUE, "unknown operating mode %d", (int)def->mode);
    if (!(def->nav_cell_m >= 0.1 && def->nav_cell_m <= 10))
        return gops_error_set(err, GOPS_BAD_VALUE, "navigation cell %g m is out of range: expected 0.1 to 10 m",
                              def->nav_cell_m);
    return GOPS_OK;
}

/// Creates a world; `map` (may be NULL) is owned from here on, freed on failure too.
static gops_world_t *create(const gops_world_def_t *def, gops_map_t *map, gops_error_t *err)
{
    if (check_def(def, err) != GOPS_OK) {
        gops_map_destroy(map);
        return NULL;
    }
    gops_world_t *world = calloc(1, sizeof *world);
    if (!world) {
        gops_map_destroy(map);
        gops_error_set(err, GOPS_NOMEM, "out of memory creating the world");
        return NULL;
    }
    gops_status_t st = GOPS_OK;
    if (map)
        st = gops_district_build(&world->district, map, def->nav_cell_m, err);
    else if (def->map_path)
        st = gops_district_load(&world->district, def->map_path, def->nav_cell_m, err);
    if (st != GOPS_OK) {
        free(world);
        return NULL;
    }
    world->has_district = map || def->map_path;
    world->def = *def;
    world->clock = (gops_clock_t){.start = def->start, .dt = def->tick_s, .tick = 0};
    for (uint32_t s = 1; s < GOPS_STREAM_COUNT; s++) gops_rng_seed(&world->rng[s], def->seed, s);
    world->mode = def->mode;
    gops_kpis_init(&world->kpis);
    return world;
}

gops_world_t *gops_world_create(const gops_world_def_t *def, gops_error_t *err)
{
    return create(def, NULL, err);
}

gops_world_t *gops_world_create_with_map(const gops_world_def_t *def, gops_map_t *map, gops_error_t *err)
{
    return create(def, map, err);
}

const gops_district_t *gops_world_district(const gops_world_t *world)
{
    return world->has_district ? &world->district : NULL;
}

void gops_world_destroy(gops_world_t *world)
{
    if (!world) return;
    for (uint32_t i = world->subsystem_count; i-- > 0;)
        if (world->subsystems[i].destroy) world->subsystems[i].destroy(world->subsystems[i].state);
    if (world->has_district) gops_district_free(&world->district);
    free(world->commands);
    free(world->events);
    free(world);
}

gops_status_t gops_world_add_subsystem(gops_world_t *world, const char *name, double period_s,
                                       void *state,
                                       void (*step)(gops_world_t *, void *, double),
                                       void (*hash)(const gops_world_t *, const void *, gops_hash_t *),
                                       void (*destroy)(void *))
{
    if (world->subsystem_count >= GOPS_SUBSYSTEM_MAX)
        return GOPS_INTERNAL;
    world->subsystems[world->subsystem_count++] = (gops_subsystem_t){
        .name = name,
        .period_ticks = gops_clock_ticks_for(&world->clock, period_s),
        .state = state,
        .step = step,
        .hash = hash,
        .destroy = destroy,
    };
    return GOPS_OK;
}

void *gops_world_subsystem(const gops_world_t *world, const char *name)
{
    for (uint32_t i = 0; i < world->subsystem_count; i++)
        if (strcmp(world->subsystems[i].name, name) == 0) return world->subsystems[i].state;
    return NULL;
}

static void *grow(void *array, uint32_t *capacity, size_t item_size)
{
    uint32_t cap = *capacity ? *capacity * 2 : 16;
    void *bigger = realloc(array, cap * item_size);
    if (!bigger) abort(); // a handful of small records: running out here is not recoverable
    *capacity = cap;
    return bigger;
}

void gops_world_emit(gops_world_t *world, gops_event_type_t type, int64_t a, int64_t b)
{
    gops_world_emit_text(world, type, a, b, NULL);
}

void gops_world_emit_text(gops_world_t *world, gops_event_type_t type, int64_t a, int64_t b, const char *text)
{
    if (world->event_count == world->event_capacity)
        world->events = grow(world->events, &world->event_capacity, sizeof *world->events);
    world->events[world->event_count++] = (gops_event_t){type, world->clock.tick, a, b, text};
}

static void queue(gops_world_t *world, gops_command_t cmd)
{
    if (world->command_count == world->command_capacity)
        world->commands = grow(world->commands, &world->command_capacity, sizeof *world->commands);
    world->commands[world->command_count++] = cmd;
}

static void apply_commands(gops_world_t *world)
{
    for (uint32_t i = 0; i < world->command_count; i++) {
        const gops_command_t *cmd = &world->commands[i];
        switch (cmd->type) {
        case GOPS_CMD_SET_MODE:
            if (cmd->a != (int64_t)world->mode) {
                gops_mode_t old = world->mode;
                world->mode = (gops_mode_t)cmd->a;
                world->mode_since_tick = world->clock.tick;
                gops_world_emit(world, GOPS_EVENT_MODE_CHANGED, old, cmd->a);
            }
            break;
        }
    }
    world->command_count = 0;
}

void gops_world_step(gops_world_t *world)
{
    world->event_count = 0;
    apply_commands(world);
    for (uint32_t i = 0; i < world->subsystem_count; i++) {
        gops_subsystem_t *sub = &world->subsystems[i];
        if (gops_clock_due(&world->clock, sub->period_ticks))
            sub->step(world, sub->state, world->clock.dt * (double)sub->period_ticks);
    }
    world->clock.tick++;
}

uint64_t gops_world_state_hash(const gops_world_t *world)
{
    gops_hash_t h;
    gops_hash_init(&h);
    gops_hash_u64(&h, world->clock.tick);
    gops_hash_i64(&h, world->clock.start);
    gops_hash_f64(&h, world->clock.dt);
    gops_hash_u64(&h, (uint64_t)world->mode);
    gops_hash_u64(&h, world->mode_since_tick);
    for (uint32_t s = 1; s < GOPS_STREAM_COUNT; s++) gops_hash_bytes(&h, world->rng[s].s, sizeof world->rng[s].s);
    gops_hash_u64(&h, world->has_district ? world->district.geometry_hash : 0);
    gops_kpis_hash(&world->kpis, &h);
    for (uint32_t i = 0; i < world->subsystem_count; i++) {
        gops_hash_bytes(&h, world->subsystems[i].name, strlen(world->subsystems[i].name));
        if (world->subsystems[i].hash) world->subsystems[i].hash(world, world->subsystems[i].state, &h);
    }
    return gops_hash_final(&h);
}

uint64_t gops_world_tick(const gops_world_t *world) { return world->clock.tick; }
double gops_world_tick_seconds(const gops_world_t *world) { return world->clock.dt; }
double gops_world_elapsed(const gops_world_t *world) { return gops_clock_elapsed(&world->clock); }
gops_local_time_t gops_world_time(const gops_world_t *world) { return gops_clock_now(&world->clock); }
const gops_world_def_t *gops_world_def(const gops_world_t *world) { return &world->def; }
gops_mode_t gops_world_mode(const gops_world_t *world) { return world->mode; }
gops_rng_t *gops_world_rng(gops_world_t *world, gops_stream_t stream) { return &world->rng[stream]; }
gops_kpis_t *gops_world_kpis(gops_world_t *world) { return &world->kpis; }
gops_gauges_t *gops_world_gauges(gops_world_t *world) { return &world->gauges; }

void gops_world_set_mode(gops_world_t *world, gops_mode_t mode)
{
    queue(world, (gops_command_t){GOPS_CMD_SET_MODE, (int64_t)mode});
}

const char *gops_mode_name(gops_mode_t mode)
{
    return (unsigned)mode < GOPS_MODE_COUNT ? mode_names[mode] : "?";
}

int gops_mode_from_name(const char *name)
{
    for (int i = 0; i < GOPS_MODE_COUNT; i++)
        if (strcmp(mode_names[i], name) == 0) return i;
    return -1;
}

const gops_event_t *gops_world_events(const gops_world_t *world, uint32_t *count)
{
    *count = world->event_count;
    return world->events;
}

const char *gops_event_name(gops_event_type_t type)
{
    return (unsigned)type < GOPS_EVENT_TYPE_COUNT ? event_names[type] : "?";
}

int gops_event_from_name(const char *name)
{
    for (int i = 0; i < GOPS_EVENT_TYPE_COUNT; i++)
        if (strcmp(event_names[i], name) == 0) return i;
    return -1;
}
