// SPDX-License-Identifier: MIT
// Scenario functions that query or act on the world: mode switches, the clock, KPIs,
// snapshot requests (kept in a registry table until the session takes them).
// Actions are queued by the world and applied at the start of the next tick; arguments are
// all checked before anything is queued. Functions that need the world refuse to run while
// the scenario file is still loading.
#include "scenario/scenario_internal.h"

#include "core/nearest.h"
#include "core/simtime.h"
#include "metrics/kpi.h"
#include "output/report.h"
#include "scenario/session.h"
#include "world/world_internal.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>


static gops_mode_t check_mode(lua_State *L, int arg)
{
    const char *name = luaL_checkstring(L, arg);
    int m = gops_mode_from_name(name);
    if (m < 0) {
        static const char *const modes[] = {"normal", "holiday", "major_event", "emergency"};
        const char *near = gops_nearest_name(name, modes, 4);
        luaL_error(L, "unknown mode \"%s\"%s%s%s: expected normal, holiday, major_event or emergency", name,
                   near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
    }
    return (gops_mode_t)m;
}

/// set_mode(name): switch the operating mode from the next tick.
static int lua_set_mode(lua_State *L)
{
    gops_mode_t m = check_mode(L, 1);
    gops_world_set_mode(gops_lua_world(L, "set_mode"), m);
    return 0;
}

/// mode() -> the current mode's name.
static int lua_mode(lua_State *L)
{
    lua_pushstring(L, gops_mode_name(gops_world_mode(gops_lua_world(L, "mode"))));
    return 1;
}

/// now() -> "YYYY-MM-DD HH:MM:SS" local time.
static int lua_now(lua_State *L)
{
    char buf[32];
    gops_time_format(gops_world_time(gops_lua_world(L, "now")), buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

/// clock() -> seconds since local midnight (0..86399), for time-of-day logic.
static int lua_clock(lua_State *L)
{
    gops_local_time_t t = gops_world_time(gops_lua_world(L, "clock"));
    lua_pushinteger(L, ((t % 86400) + 86400) % 86400);
    return 1;
}

/// elapsed() -> seconds simulated since the start.
static int lua_elapsed(lua_State *L)
{
    lua_pushnumber(L, gops_world_elapsed(gops_lua_world(L, "elapsed")));
    return 1;
}

/// kpi(name) -> number, or nil when the KPI's subsystem is absent; unknown names are errors.
static int lua_kpi(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    gops_world_t *world = gops_lua_world(L, "kpi");
    gops_kpi_value_t v;
    if (!gops_kpis_get(gops_world_kpis(world), name, &v)) {
        const char *near = gops_kpis_nearest(gops_world_kpis(world), name);
        return luaL_error(L, "kpi: unknown metric \"%s\"%s%s%s", name, near ? " (did you mean \"" : "",
                          near ? near : "", near ? "\"?)" : "");
    }
    if (v.present)
        lua_pushnumber(L, v.value);
    else
        lua_pushnil(L);
    return 1;
}

/// set_kpi(name, value): defines or updates a scenario KPI (written to summary.json, usable
/// in expect()).
static int lua_set_kpi(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    lua_Number value = luaL_checknumber(L, 2);
    if (!isfinite(value)) return luaL_error(L, "set_kpi: value must be a finite number");
    gops_world_t *world = gops_lua_world(L, "set_kpi");
    gops_error_t err;
    if (gops_kpis_set_custom(gops_world_kpis(world), name, value, &err) != GOPS_OK)
        return luaL_error(L, "set_kpi: %s", err.message);
    return 0;
}

/// Registry key of the table of pending snapshot names.
static const char snapshot_queue_key = 0;
#define SNAPSHOT_QUEUE_MAX 64

/// snapshot([name]): a picture of the world at the end of this tick, written to
/// snapshots/<name>.png (default: the clock time, HHMMSS). Pictures need the renderer; the
/// session warns once when the build has none. Touches no simulation state.
static int lua_snapshot(lua_State *L)
{
    gops_world_t *world = gops_lua_world(L, "snapshot");
    char fallback[16];
    const char *name;
    if (lua_isnoneornil(L, 1)) {
        int h, m, s;
        gops_time_to_civil(gops_world_time(world), NULL, NULL, NULL, &h, &m, &s);
        snprintf(fallback, sizeof fallback, "%02d%02d%02d", h, m, s);
        name = fallback;
    } else {
        name = luaL_checkstring(L, 1);
        if (!gops_report_snapshot_name_ok(name))
            return luaL_error(L, "snapshot: bad name \"%s\": expected 1 to 48 letters, digits, '_', '-' or '.', "
                                 "not starting with '.' (it becomes snapshots/<name>.png)", name);
    }
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &snapshot_queue_key) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &snapshot_queue_key);
    }
    lua_Unsigned n = lua_rawlen(L, -1);
    if (n >= SNAPSHOT_QUEUE_MAX)
        return luaL_error(L, "snapshot: more than %d pictures asked for in one tick", SNAPSHOT_QUEUE_MAX);
    lua_pushstring(L, name);
    lua_rawseti(L, -2, (lua_Integer)n + 1);
    lua_pop(L, 1);
    return 0;
}

bool gops_scenario_take_snapshot(gops_scenario_t *sc, char name[GOPS_SNAPSHOT_NAME_MAX])
{
    lua_State *L = gops_sandbox_state(sc->sb);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &snapshot_queue_key) != LUA_TTABLE) {
        lua_pop(L, 1);
        return false;
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    if (n == 0) {
        lua_pop(L, 1);
        return false;
    }
    lua_rawgeti(L, -1, 1);
    snprintf(name, GOPS_SNAPSHOT_NAME_MAX, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    for (lua_Integer i = 1; i < n; i++) { // shift the rest down: requests stay in call order
        lua_rawgeti(L, -1, i + 1);
        lua_rawseti(L, -2, i);
    }
    lua_pushnil(L);
    lua_rawseti(L, -2, n);
    lua_pop(L, 1);
    return true;
}

void gops_lua_world_register_api(gops_scenario_t *sc)
{
    gops_scenario_register(sc, "set_mode", lua_set_mode);
    gops_scenario_register(sc, "mode", lua_mode);
    gops_scenario_register(sc, "now", lua_now);
    gops_scenario_register(sc, "clock", lua_clock);
    gops_scenario_register(sc, "elapsed", lua_elapsed);
    gops_scenario_register(sc, "kpi", lua_kpi);
    gops_scenario_register(sc, "set_kpi", lua_set_kpi);
    gops_scenario_register(sc, "snapshot", lua_snapshot);
}
