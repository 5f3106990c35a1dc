// SPDX-License-Identifier: MIT
// Checkpoints of the world (world_internal.h): the "world" section holds the clock, the mode,
// the random streams, KPIs, gauges, commands queued for the next tick and the subsystems'
// names and periods; each subsystem then writes its own section "model:<name>" through its
// save/load pair. This tick's events are not kept: a checkpoint is taken between ticks,
// after every reader of them (hooks, the report) has seen them. Does not know the models.
#include "world/world_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECTION_PREFIX "model:"

gops_status_t gops_world_set_checkpoint(gops_world_t *world, const char *name, gops_subsystem_save_fn *save,
                                        gops_subsystem_load_fn *load)
{
    for (uint32_t i = 0; i < world->subsystem_count; i++)
        if (strcmp(world->subsystems[i].name, name) == 0) {
            world->subsystems[i].save = save;
            world->subsystems[i].load = load;
            return GOPS_OK;
        }
    return GOPS_INTERNAL;
}

bool gops_world_checkpointable(const gops_world_t *world, char *missing, size_t size)
{
    size_t used = 0;
    if (size) missing[0] = '\0';
    for (uint32_t i = 0; i < world->subsystem_count; i++) {
        if (world->subsystems[i].save && world->subsystems[i].load) continue;
        if (used < size) used += (size_t)snprintf(missing + used, size - used, "%s%s", used ? ", " : "",
                                                  world->subsystems[i].name);
    }
    return used == 0;
}

static void section_name(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, SECTION_PREFIX "%s", name);
}

void gops_world_checkpoint_save(const gops_world_t *world, gops_ckpt_writer_t *w)
{
    gops_ckpt_section(w, "world");
    GOPS_CKPT_PUT(w, "world.clock", &world->clock);
    gops_ckpt_put_u64(w, "world.mode", (uint64_t)world->mode);
    gops_ckpt_put_u64(w, "world.mode_since_tick", world->mode_since_tick);
    GOPS_CKPT_PUT(w, "world.rng", &world->rng);
    gops_ckpt_put_u64(w, "world.geometry", world->has_district ? world->district.geometry_hash : 0);
    GOPS_CKPT_PUT(w, "world.kpis", &world->kpis);
    GOPS_CKPT_PUT(w, "world.gauges", &world->gauges);
    GOPS_CKPT_PUT_ARRAY(w, "world.commands", world->commands, world->command_count);
    gops_ckpt_put_u64(w, "world.subsystems", world->subsystem_count);
    for (uint32_t i = 0; i < world->subsystem_count; i++) {
        gops_ckpt_put_str(w, "world.subsystem.name", world->subsystems[i].name);
        gops_ckpt_put_u64(w, "world.subsystem.period", world->subsystems[i].period_ticks);
    }
    for (uint32_t i = 0; i < world->subsystem_count; i++) {
        const gops_subsystem_t *sub = &world->subsystems[i];
        char name[80];
        section_name(name, sizeof name, sub->name);
        gops_ckpt_section(w, name);
        if (sub->save) sub->save(world, sub->state, w);
    }
}

gops_status_t gops_world_checkpoint_load(gops_world_t *world, gops_ckpt_reader_t *r, gops_world_make_fn *make,
                                         void *user, gops_error_t *err)
{
    if (!gops_ckpt_enter(r, "world")) return gops_ckpt_status(r, err);
    gops_clock_t clock;
    GOPS_CKPT_GET(r, "world.clock", &clock);
    if (!gops_ckpt_failed(r) && (clock.start != world->clock.start || clock.dt != world->clock.dt))
        gops_ckpt_fail(r, "the run starts at %lld with ticks of %g s, expected %lld and %g s as the scenario says "
                       "(was the scenario changed?)",
                       (long long)clock.start, clock.dt, (long long)world->clock.start, world->clock.dt);
    uint64_t mode = gops_ckpt_get_u64(r, "world.mode");
    if (mode >= GOPS_MODE_COUNT) gops_ckpt_fail(r, "operating mode %llu, expected 0 to %d", (unsigned long long)mode,
                                                GOPS_MODE_COUNT - 1);
    uint64_t mode_since = gops_ckpt_get_u64(r, "world.mode_since_tick");
    gops_rng_t rng[GOPS_STREAM_COUNT];
    GOPS_CKPT_GET(r, "world.rng", &rng);
    uint64_t geometry = gops_ckpt_get_u64(r, "world.geometry");
    uint64_t mine = world->has_district ? world->district.geometry_hash : 0;
    if (!gops_ckpt_failed(r) && geometry != mine)
        gops_ckpt_fail(r, "the map's geometry hash is %016llx, expected %016llx as when the checkpoint was written "
                       "(was the map file changed?)",
                       (unsigned long long)mine, (unsigned long long)geometry);
    gops_kpis_t kpis;
    GOPS_CKPT_GET(r, "world.kpis", &kpis);
    gops_gauges_t gauges;
    GOPS_CKPT_GET(r, "world.gauges", &gauges);
    uint64_t ncmd = gops_ckpt_peek_count(r, "world.commands");
    gops_command_t *cmds = gops_ckpt_get_alloc(r, "world.commands", sizeof *cmds, ncmd, ncmd);
    uint64_t nsub = gops_ckpt_get_u64(r, "world.subsystems");
    if (nsub > GOPS_SUBSYSTEM_MAX)
        gops_ckpt_fail(r, "%llu subsystems, expected at most %d", (unsigned long long)nsub, GOPS_SUBSYSTEM_MAX);
    char names[GOPS_SUBSYSTEM_MAX][64];
    uint64_t periods[GOPS_SUBSYSTEM_MAX];
    for (uint64_t i = 0; i < nsub && !gops_ckpt_failed(r); i++) {
        gops_ckpt_get_str(r, "world.subsystem.name", names[i], sizeof names[i]);
        periods[i] = gops_ckpt_get_u64(r, "world.subsystem.period");
    }
    gops_ckpt_leave(r);
    if (gops_ckpt_failed(r)) {
        free(cmds);
        return gops_ckpt_status(r, err);
    }
    // The fresh world's subsystems must be the saved ones, in order; those the saved run
    // registered later (on first use) are made now, at the same place.
    for (uint64_t i = 0; i < nsub && !gops_ckpt_failed(r); i++) {
        if (i == world->subsystem_count && !(make && make(world, names[i], user) && world->subsystem_count == i + 1)) {
            gops_ckpt_fail(r, "the checkpointed run has a model \"%s\" this run cannot make, expected the same models "
                           "(was the scenario changed?)",
                           names[i]);
            break;
        }
        if (i >= world->subsystem_count || strcmp(world->subsystems[i].name, names[i]) != 0 ||
            world->subsystems[i].period_ticks != periods[i]) {
            gops_ckpt_fail(r, "model %llu is \"%s\" every %llu ticks, expected \"%s\" every %llu ticks as in this run "
                           "(was the scenario changed?)",
                           (unsigned long long)i, names[i], (unsigned long long)periods[i],
                           i < world->subsystem_count ? world->subsystems[i].name : "(none)",
                           i < world->subsystem_count ? (unsigned long long)world->subsystems[i].period_ticks : 0ull);
            break;
        }
    }
    if (!gops_ckpt_failed(r) && world->subsystem_count != nsub)
        gops_ckpt_fail(r, "this run has %u models (\"%s\" first beyond them), expected %llu as in the checkpoint",
                       world->subsystem_count, world->subsystems[nsub].name, (unsigned long long)nsub);
    if (gops_ckpt_failed(r)) {
        free(cmds);
        return gops_ckpt_status(r, err);
    }

    world->clock.tick = clock.tick;
    world->mode = (gops_mode_t)mode;
    world->mode_since_tick = mode_since;
    memcpy(world->rng, rng, sizeof rng);
    world->kpis = kpis;
    world->gauges = gauges;
    free(world->commands);
    world->commands = cmds;
    world->command_count = world->command_capacity = (uint32_t)ncmd;
    if (!cmds) world->command_count = world->command_capacity = 0;
    world->event_count = 0;

    for (uint32_t i = 0; i < world->subsystem_count && !gops_ckpt_failed(r); i++) {
        gops_subsystem_t *sub = &world->subsystems[i];
        char name[80];
        section_name(name, sizeof name, sub->name);
        if (!sub->load) {
            gops_ckpt_fail(r, "model \"%s\" cannot be restored from a checkpoint yet", sub->name);
            break;
        }
        if (!gops_ckpt_enter(r, name)) break;
        sub->load(world, sub->state, r);
        gops_ckpt_leave(r);
    }
    return gops_ckpt_status(r, err);
}
