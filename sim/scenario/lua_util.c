// SPDX-License-Identifier: MIT
// Small helpers shared by the scenario bindings: printf-style Lua errors, the running-world
// check, and "unknown name (did you mean ...)" messages.
#include "scenario/scenario_internal.h"

#include "core/nearest.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>

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
