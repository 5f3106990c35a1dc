// SPDX-License-Identifier: MIT
// Small helpers shared by the scenario bindings: printf-style Lua errors, the running-world
// check, and "unknown name (did you mean ...)" messages.
#include "scenario/scenario_internal.h"

#include "core/nearest.h"
#include "world/world_internal.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

// ---- map features named in scenarios ---------------------------------------------------

bool gops_lua_feature_is(const gops_feature_t *f, const char *name)
{
    return (f->id && strcmp(f->id, name) == 0) || (f->name && strcmp(f->name, name) == 0) ||
           (f->name_en && strcmp(f->name_en, name) == 0);
}

/// The outer ring of a feature with an area (plazas, walkways, pedestrian streets, guidance
/// points, zones of one part, the boundary), or NULL. Buildings are not places vendors use.
const gops_path_t *gops_lua_feature_ring(const gops_feature_t *f)
{
    if (f->kind == GOPS_FEAT_ZONE)
        return f->u.zone.part_count >= 1 && f->u.zone.parts[0].ring_count ? &f->u.zone.parts[0].rings[0] : NULL;
    if (f->kind == GOPS_FEAT_BUILDING || f->kind == GOPS_FEAT_ROAD) return NULL;
    return f->shape.ring_count && f->shape.rings[0].count >= 3 ? &f->shape.rings[0] : NULL;
}

/// The feature with an area that `name` means: by id, else the only one with that name.
const gops_feature_t *gops_lua_area_feature(lua_State *L, const char *fn, const char *name)
{
    const gops_map_t *map = gops_world_district(gops_scenario_self(L)->world)->map;
    const gops_feature_t *hit = NULL;
    uint32_t named = 0;
    for (uint32_t i = 0; i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (!gops_lua_feature_ring(f)) continue;
        if (f->id && strcmp(f->id, name) == 0) return f;
        if (gops_lua_feature_is(f, name) && named++ == 0) hit = f;
    }
    if (named == 1) return hit;
    if (named > 1) gops_lua_fail(L, "%s: \"%s\" names %u areas of the map: give an id", fn, name, named);
    const char **cands = malloc((3 * (size_t)map->feature_count + 1) * sizeof *cands);
    size_t n = 0;
    for (uint32_t i = 0; cands && i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (!gops_lua_feature_ring(f)) continue;
        if (f->id) cands[n++] = f->id;
        if (f->name) cands[n++] = f->name;
        if (f->name_en) cands[n++] = f->name_en;
    }
    char near[200] = "";
    const char *best = cands ? gops_nearest_name(name, cands, n) : NULL;
    if (best) snprintf(near, sizeof near, "%s", best);
    free(cands);
    if (near[0]) gops_lua_fail(L, "%s: unknown area \"%s\" (did you mean \"%s\"?)", fn, name, near);
    gops_lua_fail(L, "%s: unknown area \"%s\": expected the id or name of a plaza, walkway, pedestrian street, guidance "
                     "point or zone of the map", fn, name);
    return NULL;
}
