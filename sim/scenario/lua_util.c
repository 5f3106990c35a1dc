// SPDX-License-Identifier: MIT
// Small helpers shared by the scenario bindings: printf-style Lua errors, the running-world
// check, and "unknown name (did you mean ...)" messages.
#include "scenario/scenario_internal.h"

#include "core/nearest.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int gops_lua_fail(lua_State *L, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return luaL_error(L, "%s", buf);
}

gops_world_t *gops_lua_world(lua_State *L, const char *fn)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    if (!sc->world)
        gops_lua_fail(L, "%s() needs the running world: call it from a hook (at, every, on), not while the "
                         "scenario file loads", fn);
    return sc->world;
}

int gops_lua_unknown_name(lua_State *L, const char *fn, const char *what, const char *name, const char *const *valid,
                          size_t count)
{
    const char *near = gops_nearest_name(name, valid, count);
    char list[600] = "";
    size_t used = 0;
    for (size_t i = 0; i < count && used < sizeof list - 1; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", valid[i]);
    if (near) return gops_lua_fail(L, "%s: unknown %s \"%s\" (did you mean \"%s\"?)", fn, what, name, near);
    return gops_lua_fail(L, "%s: unknown %s \"%s\": expected one of %s", fn, what, name, list);
}

void gops_lua_check_keys(lua_State *L, int idx, const char *what, const char *const *known, size_t count)
{
    char bad[64] = "";
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            if (lua_type(L, -1) == LUA_TNUMBER) gops_lua_fail(L, "%s: expected named fields (key = value), found a list item", what);
            gops_lua_fail(L, "%s: keys must be names, found a %s", what, luaL_typename(L, -1));
        }
        const char *key = lua_tostring(L, -1);
        bool ok = false;
        for (size_t i = 0; i < count && !ok; i++) ok = strcmp(key, known[i]) == 0;
        if (!ok && (!bad[0] || strcmp(key, bad) < 0)) snprintf(bad, sizeof bad, "%s", key);
    }
    if (bad[0]) gops_lua_unknown_name(L, what, "key", bad, known, count);
}
