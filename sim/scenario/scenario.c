// SPDX-License-Identifier: MIT
// Loading a scenario file into its sandbox, registering the API, attaching it to a world.
// The API functions live beside their concern (scenario_def.c, hooks.c, expect.c,
// lua_world.c); this file only wires them together.
#include "scenario/scenario_internal.h"

#include "scenario/lua_models.h"

#include "world/world_internal.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gops_scenario_t *gops_scenario_self(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

void gops_scenario_register(gops_scenario_t *sc, const char *name, lua_CFunction fn)
{
    lua_State *L = gops_sandbox_state(sc->sb);
    gops_sandbox_allow_global(sc->sb, name);
    lua_pushlightuserdata(L, sc);
    lua_pushcclosure(L, fn, 1);
    lua_setglobal(L, name);
}

static void set_dir(gops_scenario_t *sc, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        sc->dir[0] = '\0';
    else
        snprintf(sc->dir, sizeof sc->dir, "%.*s", (int)(slash - path == 0 ? 1 : slash - path), path);
}

gops_scenario_t *gops_scenario_load(const char *path, const char *const *sets, int set_count, gops_error_t *err)
{
    gops_scenario_t *sc = calloc(1, sizeof *sc);
    if (!sc) {
        gops_error_set(err, GOPS_NOMEM, "out of memory loading %s", path);
        return NULL;
    }
    gops_scenario_def_init(&sc->def);
    snprintf(sc->def.path, sizeof sc->def.path, "%s", path);
    set_dir(sc, path);
    // math.random draws from the world's scenario stream once attached (so its draws are
    // part of the state hash); while the file loads the seed is not known yet, so loading
    // draws from a fixed stream of seed 0 and never depends on --seed.
    gops_rng_seed(&sc->load_rng, 0, GOPS_STREAM_SCENARIO);
    gops_sandbox_limits_t limits = gops_sandbox_limits_default();
    sc->sb = gops_sandbox_create(&limits, &sc->load_rng, err);
    if (!sc->sb) goto fail;
    gops_scenario_register(sc, "scenario", gops_lua_scenario);
    gops_hooks_register_api(sc);
    gops_expect_register_api(sc);
    gops_lua_world_register_api(sc);
    gops_lua_crowd_register_api(sc);
    gops_lua_traffic_register_api(sc);
    gops_lua_ops_register_api(sc);
    gops_lua_vendors_register_api(sc);
    if (gops_sandbox_run_file(sc->sb, path, 0, err) != GOPS_OK) goto fail;
    sc->written_start = sc->def.start;
    sc->written_duration_s = sc->def.duration_s;
    for (int i = 0; i < set_count; i++)
        if (gops_scenario_apply_set(sc, sets[i], err) != GOPS_OK) goto fail;
    if (gops_scenario_def_check(sc, err) != GOPS_OK) goto fail;
    return sc;
fail:
    gops_scenario_destroy(sc);
    return NULL;
}

gops_status_t gops_scenario_apply_quick(gops_scenario_t *sc, const char *const *sets, int set_count, gops_error_t *err)
{
    if (sc->quick_count == 0) return GOPS_OK;
    for (uint32_t i = 0; i < sc->quick_count; i++) {
        gops_status_t st = gops_scenario_apply_set(sc, sc->quick_sets[i], err);
        if (st != GOPS_OK) return st;
    }
    for (int i = 0; i < set_count; i++) {
        gops_status_t st = gops_scenario_apply_set(sc, sets[i], err);
        if (st != GOPS_OK) return st;
    }
    sc->quick = true;
    return gops_scenario_def_check(sc, err);
}

bool gops_scenario_has_quick(const gops_scenario_t *sc)
{
    return sc->quick_count > 0;
}

void gops_scenario_destroy(gops_scenario_t *sc)
{
    if (!sc) return;
    gops_sandbox_destroy(sc->sb);
    gops_hooks_release(sc);
    gops_lab_free(&sc->lab);
    free(sc->expects);
    free(sc);
}

gops_scenario_def_t *gops_scenario_def(gops_scenario_t *sc)
{
    return &sc->def;
}

gops_status_t gops_scenario_attach(gops_scenario_t *sc, gops_world_t *world, gops_error_t *err)
{
    sc->world = world;
    gops_sandbox_set_rng(sc->sb, gops_world_rng(world, GOPS_STREAM_SCENARIO));
    gops_sandbox_limits_t limits = {sc->def.lua_memory_bytes, sc->def.lua_instructions};
    gops_sandbox_set_limits(sc->sb, &limits);
    gops_status_t st = gops_hooks_resolve(sc, err);
    if (st != GOPS_OK) return st;
    return gops_lab_apply(sc, err);
}

gops_map_t *gops_scenario_take_lab_map(gops_scenario_t *sc)
{
    gops_map_t *map = sc->lab.map;
    sc->lab.map = NULL;
    return map;
}

bool gops_scenario_lab_periodic(const gops_scenario_t *sc, double *min_x, double *max_x)
{
    *min_x = sc->lab.periodic_min_x;
    *max_x = sc->lab.periodic_max_x;
    return sc->lab.periodic_max_x > sc->lab.periodic_min_x;
}
