// SPDX-License-Identifier: MIT
// Scenario functions for pedestrians: lab geometry (lab{}, rect()), spawns, counting lines,
// and crowd queries (pedestrians, exits, flows, speeds). Lab items are recorded while the
// file loads and applied to the crowd when the run starts; spawns may also be added from
// hooks. Arguments are checked completely before anything is recorded.
#include "scenario/scenario_internal.h"

#include "core/simtime.h"
#include "crowd/crowd.h"
#include "world/map_build.h"
#include "world/world_internal.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const group_names[] = {"under_30", "30_to_50", "over_50", "impaired"};

/// rect(x0, y0, x1, y1) -> the flat ring {x0,y0, x1,y0, x1,y1, x0,y1}.
static int lua_rect(lua_State *L)
{
    lua_Number x0 = luaL_checknumber(L, 1), y0 = luaL_checknumber(L, 2);
    lua_Number x1 = luaL_checknumber(L, 3), y1 = luaL_checknumber(L, 4);
    if (!(x1 > x0 && y1 > y0)) return luaL_error(L, "rect: expected x0 < x1 and y0 < y1");
    lua_Number v[8] = {x0, y0, x1, y0, x1, y1, x0, y1};
    lua_createtable(L, 8, 0);
    for (int i = 0; i < 8; i++) {
        lua_pushnumber(L, v[i]);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/// Reads a flat ring {x1,y1, x2,y2, ...} at stack index `idx` into a malloc'd array.
static double *read_ring(lua_State *L, int idx, const char *what, uint32_t *points)
{
    if (!lua_istable(L, idx)) luaL_error(L, "%s: expected a list of coordinates {x1, y1, x2, y2, ...}", what);
    lua_Integer n = luaL_len(L, idx);
    if (n < 6 || n % 2 != 0 || n > 200000)
        luaL_error(L, "%s: expected at least 3 points as {x1, y1, x2, y2, ...}, found %I numbers", what, (LUAI_UACINT)n);
    double *xy = lua_newuserdatauv(L, (size_t)n * sizeof *xy, 0); // freed by Lua if we raise below
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        if (!lua_isnumber(L, -1)) luaL_error(L, "%s: coordinate %I is not a number", what, (LUAI_UACINT)i);
        xy[i - 1] = lua_tonumber(L, -1);
        if (!isfinite(xy[i - 1]) || fabs(xy[i - 1]) > 1e5)
            luaL_error(L, "%s: coordinate %I is out of range (|x| <= 100000 m)", what, (LUAI_UACINT)i);
        lua_pop(L, 1);
    }
    *points = (uint32_t)(n / 2);
    double *copy = malloc((size_t)n * sizeof *copy);
    if (!copy) luaL_error(L, "%s: not enough memory", what);
    memcpy(copy, xy, (size_t)n * sizeof *copy);
    lua_pop(L, 1);
    return copy;
}

/// Adds every ring in the list at field `key` of the table at index 1 as `kind` features.
static void add_areas(lua_State *L, gops_map_t *map, const char *key, gops_feature_kind_t kind)
{
    lua_getfield(L, 1, key);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    if (!lua_istable(L, -1)) luaL_error(L, "lab: %s: expected a list of polygons", key);
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        char what[64];
        snprintf(what, sizeof what, "lab: %s[%lld]", key, (long long)i);
        uint32_t points;
        double *xy = read_ring(L, lua_gettop(L), what, &points);
        const double *rings[1] = {xy};
        gops_error_t err;
        int32_t f = gops_map_add_area(map, kind, NULL, rings, &points, 1, &err);
        free(xy);
        if (f < 0) luaL_error(L, "%s: %s", what, err.message);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/// lab{ walkable = {...}, obstacles = {...}, exits = { name = ring, ... }, periodic_x = {x0, x1} }
static int lua_lab(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    if (sc->world) return luaL_error(L, "lab{} may only be declared while the scenario file loads");
    if (sc->lab.map) return luaL_error(L, "lab{} declared twice");
    if (sc->def.map_path[0]) return luaL_error(L, "lab{}: the scenario already has a map; use one or the other");
    static const char *const known[] = {"walkable", "obstacles", "exits", "periodic_x"};
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        bool ok = lua_type(L, -1) == LUA_TSTRING;
        for (int i = 0; ok && i < 4; i++) ok = strcmp(lua_tostring(L, -1), known[i]) != 0;
        if (lua_type(L, -1) != LUA_TSTRING || ok)
            return luaL_error(L, "lab: unknown key %s (expected walkable, obstacles, exits, periodic_x)",
                              lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
    }
    gops_map_t *map = gops_map_new(sc->def.path);
    if (!map) return luaL_error(L, "lab: not enough memory");
    sc->lab.map = map; // owned by the scenario from here, freed if we raise
    add_areas(L, map, "walkable", GOPS_FEAT_PLAZA);
    if (map->feature_count == 0) return luaL_error(L, "lab: walkable: expected at least one polygon");
    add_areas(L, map, "obstacles", GOPS_FEAT_BUILDING);
    gops_error_t err;
    if (gops_map_finish(map, &err) != GOPS_OK) return luaL_error(L, "lab: %s", err.message);

    lua_getfield(L, 1, "exits");
    if (!lua_isnil(L, -1)) {
        if (!lua_istable(L, -1)) return luaL_error(L, "lab: exits: expected a table of name = polygon");
        // Exits in name order: pairs() order is randomised per Lua state.
        lua_newtable(L);
        int names = lua_gettop(L);
        lua_pushnil(L);
        while (lua_next(L, names - 1)) {
            lua_pop(L, 1);
            if (lua_type(L, -1) != LUA_TSTRING) return luaL_error(L, "lab: exits: names must be strings");
            lua_pushvalue(L, -1);
            lua_rawseti(L, names, luaL_len(L, names) + 1);
        }
        lua_getglobal(L, "table");
        lua_getfield(L, -1, "sort");
        lua_pushvalue(L, names);
        lua_call(L, 1, 0);
        lua_pop(L, 1);
        lua_Integer n = luaL_len(L, names);
        sc->lab.exits = calloc((size_t)(n ? n : 1), sizeof *sc->lab.exits);
        if (!sc->lab.exits) return luaL_error(L, "lab: not enough memory");
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, names, i);
            const char *name = lua_tostring(L, -1);
            if (strlen(name) >= sizeof sc->lab.exits[0].name) return luaL_error(L, "lab: exit name too long");
            lua_gettable(L, names - 1);
            char what[96];
            snprintf(what, sizeof what, "lab: exits.%s", name);
            uint32_t points;
            double *xy = read_ring(L, lua_gettop(L), what, &points);
            gops_lab_exit_t *e = &sc->lab.exits[sc->lab.exit_count++];
            lua_rawgeti(L, names, i);
            snprintf(e->name, sizeof e->name, "%s", lua_tostring(L, -1));
            lua_pop(L, 1);
            e->area.rings = calloc(1, sizeof *e->area.rings);
            if (!e->area.rings) {
                free(xy);
                return luaL_error(L, "lab: not enough memory");
            }
            e->area.ring_count = 1;
            e->area.rings[0].pts = (gops_point_t *)xy; // x,y pairs have the layout of points
            e->area.rings[0].count = points;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    lua_getfield(L, 1, "periodic_x");
    if (!lua_isnil(L, -1)) {
        if (!lua_istable(L, -1) || luaL_len(L, -1) != 2) return luaL_error(L, "lab: periodic_x: expected {x0, x1}");
        lua_rawgeti(L, -1, 1);
        lua_rawgeti(L, -2, 2);
        double x0 = luaL_checknumber(L, -2), x1 = luaL_checknumber(L, -1);
        if (!(x1 > x0)) return luaL_error(L, "lab: periodic_x: expected x0 < x1");
        sc->lab.periodic_min_x = x0;
        sc->lab.periodic_max_x = x1;
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
    return 0;
}

static int32_t find_lab_exit(const gops_scenario_t *sc, const char *name)
{
    for (uint32_t i = 0; i < sc->lab.exit_count; i++)
        if (strcmp(sc->lab.exits[i].name, name) == 0) return (int32_t)i;
    return -1;
}

static double opt_number(lua_State *L, const char *key, double dflt)
{
    lua_getfield(L, 1, key);
    double v = lua_isnil(L, -1) ? dflt : luaL_checknumber(L, -1);
    if (!lua_isnil(L, -1) && !lua_isnumber(L, -1)) luaL_error(L, "spawn: %s: expected a number", key);
    lua_pop(L, 1);
    return v;
}

/// spawn{ x=, y= | area = ring-of-a-rectangle, count = 1, speed = 1.34 | {lo, hi},
///        radius = (model default), group = "under_30", exit = name | direction = {dx, dy},
///        at = "10s" (after the start; default 0) }
static int lua_spawn(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    if (!sc->lab.map && !(sc->world && gops_world_crowd(sc->world)))
        return luaL_error(L, "spawn: declare lab{...} first (spawns need lab geometry)");
    gops_lab_spawn_t s = {0};
    luaL_where(L, 1);
    snprintf(s.where, sizeof s.where, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    lua_getfield(L, 1, "area");
    if (!lua_isnil(L, -1)) {
        uint32_t points;
        double *xy = read_ring(L, lua_gettop(L), "spawn: area", &points);
        s.x0 = s.x1 = xy[0];
        s.y0 = s.y1 = xy[1];
        for (uint32_t i = 1; i < points; i++) {
            s.x0 = fmin(s.x0, xy[2 * i]), s.x1 = fmax(s.x1, xy[2 * i]);
            s.y0 = fmin(s.y0, xy[2 * i + 1]), s.y1 = fmax(s.y1, xy[2 * i + 1]);
        }
        free(xy);
    } else {
        s.x0 = s.x1 = opt_number(L, "x", NAN);
        s.y0 = s.y1 = opt_number(L, "y", NAN);
        if (isnan(s.x0) || isnan(s.y0)) return luaL_error(L, "spawn: give x and y, or area");
    }
    lua_pop(L, 1);
    double count = opt_number(L, "count", 1);
    if (!(count >= 1 && count <= 1e6 && count == floor(count)))
        return luaL_error(L, "spawn: count: expected a whole number 1..1000000");
    s.count = (uint32_t)count;
    lua_getfield(L, 1, "group");
    s.group = (uint8_t)luaL_checkoption(L, -1, "under_30", group_names);
    lua_pop(L, 1);
    lua_getfield(L, 1, "speed");
    if (lua_isnil(L, -1)) {
        // No speed given: the group's free-speed band (RiMEA test 7, in the demand defaults).
        gops_demand_params_t d = gops_demand_params_default(GOPS_DAY_WEEKDAY);
        s.speed_lo = d.speed_min_ms[s.group];
        s.speed_hi = d.speed_max_ms[s.group];
    } else if (lua_istable(L, -1)) {
        lua_rawgeti(L, -1, 1);
        lua_rawgeti(L, -2, 2);
        s.speed_lo = luaL_checknumber(L, -2);
        s.speed_hi = luaL_checknumber(L, -1);
        lua_pop(L, 2);
    } else {
        s.speed_lo = s.speed_hi = luaL_checknumber(L, -1);
    }
    lua_pop(L, 1);
    if (!(s.speed_lo > 0 && s.speed_hi >= s.speed_lo && s.speed_hi < 10))
        return luaL_error(L, "spawn: speed: expected m/s in (0, 10), or {lo, hi} with lo <= hi");
    const gops_crowd_params_t *cp = &sc->def.crowd_params;
    s.radius = opt_number(L, "radius", cp->walk.default_radius_m);
    if (!(s.radius > 0.05 && s.radius < 1)) return luaL_error(L, "spawn: radius: expected m in (0.05, 1)");
    lua_getfield(L, 1, "exit");
    if (!lua_isnil(L, -1)) {
        // One exit, or a list: each pedestrian then takes the one nearest on foot.
        int list = lua_istable(L, -1);
        lua_Integer n = list ? luaL_len(L, -1) : 1;
        if (n < 1 || n > 8) return luaL_error(L, "spawn: exit: expected a name or a list of 1..8 names");
        for (lua_Integer k = 1; k <= n; k++) {
            if (list) lua_rawgeti(L, -1, k);
            const char *name = luaL_checkstring(L, -1);
            int32_t e = find_lab_exit(sc, name);
            if (e < 0) return luaL_error(L, "spawn: unknown exit \"%s\" (declare it in lab{ exits = ... })", name);
            s.exits[s.exit_count++] = e;
            if (list) lua_pop(L, 1);
        }
    } else {
        lua_getfield(L, 1, "direction");
        if (!lua_istable(L, -1)) return luaL_error(L, "spawn: give exit = name or direction = {dx, dy}");
        lua_rawgeti(L, -1, 1);
        lua_rawgeti(L, -2, 2);
        s.dir_x = luaL_checknumber(L, -2);
        s.dir_y = luaL_checknumber(L, -1);
        if (!(s.dir_x * s.dir_x + s.dir_y * s.dir_y > 0)) return luaL_error(L, "spawn: direction: expected a non-zero vector");
        lua_pop(L, 3);
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "at");
    if (!lua_isnil(L, -1)) {
        gops_error_t err;
        if (gops_time_parse_duration(luaL_checkstring(L, -1), &s.at_s, 1, &err) != GOPS_OK)
            return luaL_error(L, "spawn: at: %s", err.message);
    }
    lua_pop(L, 1);
    if (sc->world) s.at_s += gops_world_elapsed(sc->world);
    gops_lab_spawn_t *grown = realloc(sc->lab.spawns, (sc->lab.spawn_count + 1) * sizeof *grown);
    if (!grown) return luaL_error(L, "spawn: not enough memory");
    sc->lab.spawns = grown;
    sc->lab.spawns[sc->lab.spawn_count++] = s;
    if (sc->world) {
        gops_error_t err;
        if (gops_lab_apply(sc, &err) != GOPS_OK) return luaL_error(L, "spawn: %s", err.message);
    }
    return 0;
}

/// counting_line(name, {x1, y1}, {x2, y2})
static int lua_counting_line(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    const char *name = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    if (sc->world) return luaL_error(L, "counting_line: declare lines while the scenario file loads");
    if (strlen(name) == 0 || strlen(name) >= 64) return luaL_error(L, "counting_line: name: expected 1..63 bytes");
    double v[4];
    for (int k = 0; k < 4; k++) {
        lua_rawgeti(L, 2 + k / 2, 1 + k % 2);
        v[k] = luaL_checknumber(L, -1);
        lua_pop(L, 1);
    }
    for (uint32_t i = 0; i < sc->lab.line_count; i++)
        if (strcmp(sc->lab.lines[i].name, name) == 0) return luaL_error(L, "counting_line: \"%s\" declared twice", name);
    gops_lab_line_t *grown = realloc(sc->lab.lines, (sc->lab.line_count + 1) * sizeof *grown);
    if (!grown) return luaL_error(L, "counting_line: not enough memory");
    sc->lab.lines = grown;
    gops_lab_line_t *l = &sc->lab.lines[sc->lab.line_count++];
    snprintf(l->name, sizeof l->name, "%s", name);
    l->a = (gops_point_t){v[0], v[1]};
    l->b = (gops_point_t){v[2], v[3]};
    return 0;
}

static gops_crowd_t *need_crowd(lua_State *L, const char *fn)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    if (!sc->world) luaL_error(L, "%s() needs the running world: call it from a hook", fn);
    gops_crowd_t *c = gops_world_crowd(sc->world);
    if (!c) luaL_error(L, "%s(): this run simulates no pedestrians (no map or lab, or crowd = false)", fn);
    return c;
}

/// pedestrians() -> pedestrians on the street now.
static int lua_pedestrians(lua_State *L)
{
    need_crowd(L, "pedestrians");
    lua_pushinteger(L, gops_crowd_pedestrians(gops_scenario_self(L)->world)->count);
    return 1;
}

/// exited(name) -> pedestrians who reached the lab exit, and the time of the last (s after the start, or nil).
static int lua_exited(lua_State *L)
{
    gops_crowd_t *c = need_crowd(L, "exited");
    const char *name = luaL_checkstring(L, 1);
    uint16_t dest = gops_crowd_find_exit(c, name);
    if (dest == GOPS_NO_DEST) return luaL_error(L, "exited: unknown exit \"%s\"", name);
    double last;
    lua_pushinteger(L, (lua_Integer)gops_crowd_exit_count(c, dest, &last));
    if (isnan(last))
        lua_pushnil(L);
    else
        lua_pushnumber(L, last);
    return 2;
}

/// mean_speed() -> mean walking speed over the run so far, m/s (nil before anyone walked).
static int lua_mean_speed(lua_State *L)
{
    const gops_crowd_stats_t *st = gops_crowd_stats(need_crowd(L, "mean_speed"));
    if (st->speed_samples > 0)
        lua_pushnumber(L, st->speed_sum / st->speed_samples);
    else
        lua_pushnil(L);
    return 1;
}

/// current_speed() -> mean speed of the pedestrians on the street now, m/s (nil when none).
static int lua_current_speed(lua_State *L)
{
    need_crowd(L, "current_speed");
    const gops_pedestrians_t *p = gops_crowd_pedestrians(gops_scenario_self(L)->world);
    if (p->count == 0) {
        lua_pushnil(L);
        return 1;
    }
    double sum = 0;
    for (uint32_t i = 0; i < p->count; i++) sum += sqrt((double)p->vx[i] * p->vx[i] + (double)p->vy[i] * p->vy[i]);
    lua_pushnumber(L, sum / p->count);
    return 1;
}

/// wall_violations() -> steps that ended a pedestrian outside the walkable area (must be 0).
static int lua_wall_violations(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)gops_crowd_stats(need_crowd(L, "wall_violations"))->wall_violations);
    return 1;
}

/// line_count(name) -> crossings of a counting line so far (both directions), first and last time.
static int lua_line_count(lua_State *L)
{
    gops_crowd_t *c = need_crowd(L, "line_count");
    const char *name = luaL_checkstring(L, 1);
    const gops_counting_lines_t *cl = gops_crowd_lines(c);
    uint32_t k = cl ? gops_counting_lines_find(cl, name) : UINT32_MAX;
    if (!cl || k >= gops_counting_lines_count(cl)) return luaL_error(L, "line_count: unknown counting line \"%s\"", name);
    const gops_counting_line_t *l = gops_counting_lines_get(cl, k);
    lua_pushinteger(L, (lua_Integer)(l->total[0] + l->total[1]));
    double first = fmin(l->first_s[0], l->first_s[1]), last = fmax(l->last_s[0], l->last_s[1]);
    if (isnan(l->first_s[0])) first = l->first_s[1];
    if (isnan(l->first_s[1])) first = l->first_s[0];
    if (isnan(l->last_s[0])) last = l->last_s[1];
    if (isnan(l->last_s[1])) last = l->last_s[0];
    if (isnan(first)) {
        lua_pushnil(L);
        lua_pushnil(L);
    } else {
        lua_pushnumber(L, first);
        lua_pushnumber(L, last);
    }
    return 3;
}

/// Reads an axis-aligned box from a ring (its bounding box) at stack index `idx`.
static void read_box(lua_State *L, int idx, const char *what, double box[4])
{
    uint32_t points;
    double *xy = read_ring(L, idx, what, &points);
    box[0] = box[2] = xy[0];
    box[1] = box[3] = xy[1];
    for (uint32_t i = 1; i < points; i++) {
        box[0] = fmin(box[0], xy[2 * i]), box[2] = fmax(box[2], xy[2 * i]);
        box[1] = fmin(box[1], xy[2 * i + 1]), box[3] = fmax(box[3], xy[2 * i + 1]);
    }
    free(xy);
}

static bool in_box(const double b[4], float x, float y)
{
    return x >= b[0] && x < b[2] && y >= b[1] && y < b[3];
}

/// in_area(ring) -> pedestrians inside the ring's bounding box now, their mean speed (m/s,
/// nil when none) and their density (persons/m² of the box's walkable area).
static int lua_in_area(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    need_crowd(L, "in_area");
    double box[4];
    read_box(L, 1, "in_area", box);
    const gops_pedestrians_t *p = gops_crowd_pedestrians(sc->world);
    uint32_t n = 0;
    double speed = 0;
    for (uint32_t i = 0; i < p->count; i++) {
        if (!in_box(box, p->x[i], p->y[i])) continue;
        n++;
        speed += sqrt((double)p->vx[i] * p->vx[i] + (double)p->vy[i] * p->vy[i]);
    }
    const gops_walkable_t *w = gops_world_district(sc->world)->walk;
    uint32_t cells = 0;
    for (uint32_t i = 0; i < w->count; i++) {
        gops_point_t c = gops_walkable_centre(w, w->cells[i]);
        cells += c.x >= box[0] && c.x < box[2] && c.y >= box[1] && c.y < box[3];
    }
    double area = cells * w->cell * w->cell;
    lua_pushinteger(L, n);
    if (n)
        lua_pushnumber(L, speed / n);
    else
        lua_pushnil(L);
    lua_pushnumber(L, area > 0 ? n / area : 0);
    return 3;
}

/// free_speeds(group) -> lowest and highest free speed (m/s) among pedestrians of a speed
/// group on the street now (nil, nil when none).
static int lua_free_speeds(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    need_crowd(L, "free_speeds");
    int group = luaL_checkoption(L, 1, NULL, group_names);
    const gops_pedestrians_t *p = gops_crowd_pedestrians(sc->world);
    double lo = INFINITY, hi = -INFINITY;
    for (uint32_t i = 0; i < p->count; i++) {
        if (p->group[i] != group) continue;
        lo = fmin(lo, p->v0[i]);
        hi = fmax(hi, p->v0[i]);
    }
    if (lo > hi) {
        lua_pushnil(L);
        lua_pushnil(L);
    } else {
        lua_pushnumber(L, lo);
        lua_pushnumber(L, hi);
    }
    return 2;
}

void gops_lua_crowd_register_api(gops_scenario_t *sc)
{
    gops_scenario_register(sc, "in_area", lua_in_area);
    gops_scenario_register(sc, "free_speeds", lua_free_speeds);
    gops_scenario_register(sc, "rect", lua_rect);
    gops_scenario_register(sc, "lab", lua_lab);
    gops_scenario_register(sc, "spawn", lua_spawn);
    gops_scenario_register(sc, "counting_line", lua_counting_line);
    gops_scenario_register(sc, "pedestrians", lua_pedestrians);
    gops_scenario_register(sc, "exited", lua_exited);
    gops_scenario_register(sc, "mean_speed", lua_mean_speed);
    gops_scenario_register(sc, "current_speed", lua_current_speed);
    gops_scenario_register(sc, "wall_violations", lua_wall_violations);
    gops_scenario_register(sc, "line_count", lua_line_count);
}

// ---------------------------------------------------------------------------------------
// Applying the lab to the crowd.

/// Places a spawn's pedestrians: a point, or `count` positions drawn in the area on walkable
/// cells, at least two radii apart where possible (grid of candidate spots, shuffled).
static gops_status_t place_spawn(gops_scenario_t *sc, gops_crowd_t *c, const gops_lab_spawn_t *s, gops_error_t *err)
{
    gops_rng_t *rng = gops_world_rng(sc->world, GOPS_STREAM_CROWD);
    uint16_t dests[8];
    for (uint32_t k = 0; k < s->exit_count; k++) dests[k] = gops_crowd_find_exit(c, sc->lab.exits[s->exits[k]].name);
    const gops_walkable_t *w = gops_world_district(sc->world)->walk;
    double pitch = 2.0 * s->radius + 0.02;
    uint32_t nx = s->x1 > s->x0 ? (uint32_t)floor((s->x1 - s->x0) / pitch) : 1;
    uint32_t ny = s->y1 > s->y0 ? (uint32_t)floor((s->y1 - s->y0) / pitch) : 1;
    if (nx == 0) nx = 1;
    if (ny == 0) ny = 1;
    uint64_t spots = (uint64_t)nx * ny;
    bool point = s->x1 == s->x0 && s->y1 == s->y0;
    if (!point && spots < s->count)
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "%s spawn: %u pedestrians do not fit in the area (%llu spots of %.2f m): make it larger",
                              s->where, s->count, (unsigned long long)spots, pitch);
    uint32_t *order = NULL;
    if (!point) {
        order = malloc(spots * sizeof *order);
        if (!order) return gops_error_set(err, GOPS_NOMEM, "out of memory placing pedestrians");
        for (uint32_t i = 0; i < spots; i++) order[i] = i;
        for (uint32_t i = (uint32_t)spots; i-- > 1;) { // Fisher-Yates on the crowd stream
            uint32_t j = (uint32_t)gops_rng_below(rng, i + 1);
            uint32_t t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
    uint32_t placed = 0;
    for (uint64_t k = 0; placed < s->count && k < (point ? s->count : spots); k++) {
        double x = s->x0, y = s->y0;
        if (!point) {
            uint32_t spot = order[k];
            x = s->x0 + pitch * (spot % nx + 0.5);
            y = s->y0 + pitch * (spot / nx + 0.5);
            uint32_t cell = gops_walkable_cell_at(w, (gops_point_t){x, y});
            if (cell == GOPS_WALKABLE_NONE || !gops_walkable_is_set(w, cell)) continue;
        }
        uint16_t dest = GOPS_NO_DEST;
        float best = INFINITY;
        for (uint32_t e = 0; e < s->exit_count; e++) {
            float d = gops_crowd_distance(c, dests[e], (float)x, (float)y);
            if (dest == GOPS_NO_DEST || d < best) {
                dest = dests[e];
                best = d;
            }
        }
        gops_spawn_t sp = {
            .at_s = s->at_s,
            .x = (float)x,
            .y = (float)y,
            .v0 = (float)(s->speed_lo + (s->speed_hi - s->speed_lo) * gops_rng_uniform(rng)),
            .radius = (float)s->radius,
            .group = s->group,
            .dest = dest,
            .dir_x = (float)s->dir_x,
            .dir_y = (float)s->dir_y,
        };
        gops_status_t st = gops_crowd_spawn(c, &sp, err);
        if (st != GOPS_OK) {
            free(order);
            char inner[sizeof err->message];
            snprintf(inner, sizeof inner, "%s", err->message);
            return gops_error_set(err, st, "%s %s", s->where, inner);
        }
        placed++;
    }
    free(order);
    if (placed < s->count)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s spawn: only %u of %u pedestrians found walkable spots in the area",
                              s->where, placed, s->count);
    return GOPS_OK;
}

gops_status_t gops_lab_apply(gops_scenario_t *sc, gops_error_t *err)
{
    gops_crowd_t *c = gops_world_crowd(sc->world);
    if (!c) {
        if (sc->lab.spawn_count || sc->lab.exit_count || sc->lab.line_count)
            return gops_error_set(err, GOPS_SCENARIO, "%s: spawns, exits and counting lines need the crowd "
                                  "(a map or lab{}, and crowd = true)", sc->def.path);
        return GOPS_OK;
    }
    for (uint32_t i = 0; i < sc->lab.exit_count; i++) {
        if (gops_crowd_find_exit(c, sc->lab.exits[i].name) != GOPS_NO_DEST) continue;
        uint16_t dest;
        gops_status_t st = gops_crowd_add_exit(c, sc->lab.exits[i].name, &sc->lab.exits[i].area, &dest, err);
        if (st != GOPS_OK) return st;
    }
    for (uint32_t i = 0; i < sc->lab.line_count; i++) {
        const gops_counting_lines_t *cl = gops_crowd_lines(c);
        if (cl && gops_counting_lines_find(cl, sc->lab.lines[i].name) < gops_counting_lines_count(cl)) continue;
        gops_status_t st = gops_crowd_add_line(c, sc->lab.lines[i].name, sc->lab.lines[i].a, sc->lab.lines[i].b, err);
        if (st != GOPS_OK) return st;
    }
    for (uint32_t i = 0; i < sc->lab.spawn_count; i++) {
        gops_status_t st = place_spawn(sc, c, &sc->lab.spawns[i], err);
        if (st != GOPS_OK) return st;
    }
    sc->lab.spawn_count = 0; // placed: later calls only add new ones
    return GOPS_OK;
}

void gops_lab_free(gops_lab_t *lab)
{
    gops_map_destroy(lab->map);
    for (uint32_t i = 0; i < lab->exit_count; i++) {
        if (lab->exits[i].area.rings) free(lab->exits[i].area.rings[0].pts);
        free(lab->exits[i].area.rings);
    }
    free(lab->exits);
    free(lab->spawns);
    free(lab->lines);
    memset(lab, 0, sizeof *lab);
}
