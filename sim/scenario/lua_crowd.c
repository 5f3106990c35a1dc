// SPDX-License-Identifier: MIT
// Scenario functions for pedestrians: lab geometry (lab{}, rect()), spawns, counting lines,
// crowd queries (pedestrians, exits, flows, speeds), and crowd-management actions (closed
// areas and entrances, barriers, one-way sections, meters, public-address guidance,
// congestion-aware choice), event crowds (gathering{}). Lab items and choice groups are
// recorded while the file loads and applied to the crowd when the run starts; gatherings go
// into the demand's parameters; spawns may also be added from hooks, the actions only from
// hooks. Arguments are checked completely before anything is recorded.
#include "scenario/scenario_internal.h"

#include "core/simtime.h"
#include "crowd/actions.h"
#include "crowd/crowd.h"
#include "world/geometry.h"
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

/// What in_area() looks at: a box, or a place's outline within its bounding box.
typedef struct area_query {
    double box[4];                 ///< xmin, ymin, xmax, ymax, m
    const gops_path_t *outline; ///< NULL: the box itself
} area_query_t;

static bool area_contains(const area_query_t *q, double x, double y)
{
    if (!(x >= q->box[0] && x < q->box[2] && y >= q->box[1] && y < q->box[3])) return false;
    return !q->outline || gops_ring_locate(q->outline, (gops_point_t){x, y}, 1e-9) != GOPS_LOC_OUTSIDE;
}

/// in_area(ring | area) -> pedestrians inside the ring's bounding box (or inside the outer
/// ring of a named area of the map, as clear_vendors() names them) now, their mean speed (m/s, nil when none) and their density (persons/m²
/// of the walkable area there, counted by raster cell centres).
static int lua_in_area(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    need_crowd(L, "in_area");
    area_query_t q = {.outline = NULL};
    if (lua_type(L, 1) == LUA_TSTRING) {
        q.outline = gops_lua_feature_ring(gops_lua_area_feature(L, "in_area", lua_tostring(L, 1)));
        gops_path_bounds(q.outline, &q.box[0], &q.box[1], &q.box[2], &q.box[3]);
        q.box[2] = nextafter(q.box[2], INFINITY), q.box[3] = nextafter(q.box[3], INFINITY);
    } else {
        read_box(L, 1, "in_area", q.box);
    }
    const gops_pedestrians_t *p = gops_crowd_pedestrians(sc->world);
    uint32_t n = 0;
    double speed = 0;
    for (uint32_t i = 0; i < p->count; i++) {
        if (!area_contains(&q, p->x[i], p->y[i])) continue;
        n++;
        speed += sqrt((double)p->vx[i] * p->vx[i] + (double)p->vy[i] * p->vy[i]);
    }
    const gops_walkable_t *w = gops_world_district(sc->world)->walk;
    uint32_t cells = 0;
    for (uint32_t i = 0; i < w->count; i++) {
        gops_point_t c = gops_walkable_centre(w, w->cells[i]);
        cells += area_contains(&q, c.x, c.y);
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

// ---------------------------------------------------------------------------------------
// Crowd-management actions. They need the running world (call them from hooks); each checks
// every argument before it changes anything.

/// Reads a point {x, y} (m) at stack index idx, naming `what` in errors.
static gops_point_t read_point(lua_State *L, int idx, const char *what)
{
    if (!lua_istable(L, idx)) gops_lua_fail(L, "%s: expected a point {x, y} in metres, found %s", what, luaL_typename(L, idx));
    double v[2];
    for (int k = 0; k < 2; k++) {
        lua_rawgeti(L, idx, k + 1);
        if (!lua_isnumber(L, -1)) gops_lua_fail(L, "%s: expected a point {x, y} in metres", what);
        v[k] = lua_tonumber(L, -1);
        lua_pop(L, 1);
        if (!isfinite(v[k]) || fabs(v[k]) > 1e5) gops_lua_fail(L, "%s: coordinates must be finite, |x| <= 100000 m", what);
    }
    return (gops_point_t){v[0], v[1]};
}

/// Argument `arg` as a name of 1..63 bytes.
static const char *check_name(lua_State *L, int arg, const char *fn)
{
    if (lua_type(L, arg) != LUA_TSTRING)
        gops_lua_fail(L, "%s: argument %d: expected a name (string), found %s", fn, arg, luaL_typename(L, arg));
    const char *name = lua_tostring(L, arg);
    size_t n = strlen(name);
    if (n == 0 || n >= 64) gops_lua_fail(L, "%s: name: expected 1..63 bytes, found %zu", fn, n);
    return name;
}

/// Raises "fn: unknown <what> "name"" with the nearest destination name of the crowd.
static int unknown_destination(lua_State *L, gops_crowd_t *c, const char *fn, const char *what, const char *name)
{
    uint16_t n = gops_crowd_destination_count(c);
    const char **names = lua_newuserdatauv(L, (n ? n : 1) * sizeof *names, 0);
    for (uint16_t k = 0; k < n; k++) names[k] = gops_crowd_destination_name(c, k);
    return gops_lua_unknown_name(L, fn, what, name, names, n);
}

/// Fails with a crowd error message, prefixed by the function's name.
static int crowd_fail(lua_State *L, const char *fn, const gops_error_t *err)
{
    return gops_lua_fail(L, "%s: %s", fn, err->message);
}

/// close_area(name, ring): nobody enters the walkable cells inside the polygon; routes go
/// round; people inside walk out.
static int lua_close_area(lua_State *L)
{
    gops_crowd_t *c = need_crowd(L, "close_area");
    const char *name = check_name(L, 1, "close_area");
    uint32_t points;
    double *xy = read_ring(L, 2, "close_area: area", &points);
    gops_error_t err;
    gops_status_t st = gops_crowd_close_area(c, name, (const gops_point_t *)xy, points, &err);
    free(xy);
    return st == GOPS_OK ? 0 : crowd_fail(L, "close_area", &err);
}

/// reopen_area(name)
static int lua_reopen_area(lua_State *L)
{
    gops_crowd_t *c = need_crowd(L, "reopen_area");
    gops_error_t err;
    return gops_crowd_reopen_area(c, check_name(L, 1, "reopen_area"), &err) == GOPS_OK ? 0
                                                                                       : crowd_fail(L, "reopen_area", &err);
}

static int entrance_open(lua_State *L, const char *fn, bool open)
{
    gops_crowd_t *c = need_crowd(L, fn);
    const char *name = check_name(L, 1, fn);
    uint32_t index;
    if (gops_crowd_find_entrance(c, name, &index) == GOPS_ENTRANCE_NONE)
        return unknown_destination(L, c, fn, "entrance", name);
    gops_error_t err;
    return gops_crowd_set_entrance_open(c, name, open, &err) == GOPS_OK ? 0 : crowd_fail(L, fn, &err);
}

/// close_entrance(name) / reopen_entrance(name): a lab exit, a building, one of its entrances
/// or a place (plaza, street, vendor point, exit group).
static int lua_close_entrance(lua_State *L) { return entrance_open(L, "close_entrance", false); }
static int lua_reopen_entrance(lua_State *L) { return entrance_open(L, "reopen_entrance", true); }

/// meter(entrance, persons_per_min): 0 lifts the meter.
static int lua_meter(lua_State *L)
{
    gops_crowd_t *c = need_crowd(L, "meter");
    const char *name = check_name(L, 1, "meter");
    if (!lua_isnumber(L, 2))
        return gops_lua_fail(L, "meter: argument 2: expected persons per minute (a number >= 0), found %s",
                             luaL_typename(L, 2));
    uint32_t index;
    if (gops_crowd_find_entrance(c, name, &index) == GOPS_ENTRANCE_NONE)
        return unknown_destination(L, c, "meter", "entrance", name);
    gops_error_t err;
    return gops_crowd_meter(c, name, lua_tonumber(L, 2), &err) == GOPS_OK ? 0 : crowd_fail(L, "meter", &err);
}

/// barrier(name, {x1, y1}, {x2, y2})
static int lua_barrier(lua_State *L)
{
    gops_crowd_t *c = need_crowd(L, "barrier");
    const char *name = check_name(L, 1, "barrier");
    gops_point_t a = read_point(L, 2, "barrier: argument 2"), b = read_point(L, 3, "barrier: argument 3");
    gops_error_t err;
    return gops_crowd_add_barrier(c, name, a, b, &err) == GOPS_OK ? 0 : crowd_fail(L, "barrier", &err);
}

/// remove_barrier(name)
static int lua_remove_barrier(lua_State *L)
{
    gops_crowd_t *c = need_crowd(L, "remove_barrier");
    gops_error_t err;
    return gops_crowd_remove_barrier(c, check_name(L, 1, "remove_barrier"), &err) == GOPS_OK
               ? 0
               : crowd_fail(L, "remove_barrier", &err);
}

/// one_way{ area = ring, direction = degrees (compass: 0 north, 90 east) | {dx, dy}, name = "..." }
/// -> the rule's name (default "one_way_N").
static int lua_one_way(lua_State *L)
{
    gops_crowd_t *c = need_crowd(L, "one_way");
    if (!lua_istable(L, 1)) return gops_lua_fail(L, "one_way: expected a table { area = ..., direction = ... }");
    static const char *const known[] = {"area", "direction", "name"};
    gops_lua_check_keys(L, 1, "one_way", known, 3);
    double dx, dy;
    lua_getfield(L, 1, "direction");
    if (lua_isnumber(L, -1)) {
        double deg = lua_tonumber(L, -1);
        if (!isfinite(deg)) return gops_lua_fail(L, "one_way: direction: expected a finite compass bearing in degrees");
        double rad = deg * 3.14159265358979323846 / 180.0;
        dx = sin(rad);
        dy = cos(rad);
    } else if (lua_istable(L, -1)) {
        gops_point_t d = read_point(L, lua_gettop(L), "one_way: direction");
        dx = d.x, dy = d.y;
        if (!(dx * dx + dy * dy > 0)) return gops_lua_fail(L, "one_way: direction: expected a non-zero vector {dx, dy}");
    } else {
        return gops_lua_fail(L, "one_way: direction: expected a compass bearing in degrees (0 north, 90 east) or a "
                                "vector {dx, dy}, found %s", luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    char name[64];
    lua_getfield(L, 1, "name");
    if (lua_isnil(L, -1)) {
        for (unsigned k = 1;; k++) { // the first free default name
            snprintf(name, sizeof name, "one_way_%u", k);
            if (!gops_crowd_one_way_exists(c, name)) break;
        }
    } else {
        snprintf(name, sizeof name, "%s", check_name(L, lua_gettop(L), "one_way"));
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "area");
    if (lua_isnil(L, -1)) return gops_lua_fail(L, "one_way: area: expected a polygon {x1, y1, x2, y2, ...}");
    uint32_t points;
    double *xy = read_ring(L, lua_gettop(L), "one_way: area", &points);
    lua_pop(L, 1);
    gops_error_t err;
    gops_status_t st = gops_crowd_set_one_way(c, name, (const gops_point_t *)xy, points, dx, dy, &err);
    free(xy);
    if (st != GOPS_OK) return crowd_fail(L, "one_way", &err);
    lua_pushstring(L, name);
    return 1;
}

/// clear_one_way(name)
static int lua_clear_one_way(lua_State *L)
{
    gops_crowd_t *c = need_crowd(L, "clear_one_way");
    gops_error_t err;
    return gops_crowd_clear_one_way(c, check_name(L, 1, "clear_one_way"), &err) == GOPS_OK
               ? 0
               : crowd_fail(L, "clear_one_way", &err);
}

/// A time for `ends`: "+duration" or a bare duration (from now), or "HH:MM[:SS]" (its next
/// occurrence at or after now), as seconds after the start.
static double read_until(lua_State *L, int idx, gops_world_t *world)
{
    const char *text = lua_tostring(L, idx);
    double now = gops_world_elapsed(world), d;
    gops_error_t err;
    if (text[0] == '+' && gops_time_parse_duration(text + 1, &d, 0, &err) == GOPS_OK) return now + d;
    if (gops_time_parse_duration(text, &d, 0, &err) == GOPS_OK) return now + d;
    int64_t sod;
    if (gops_time_parse_clock(text, &sod, &err) == GOPS_OK) {
        gops_local_time_t t = gops_world_time(world);
        int64_t today = (int64_t)(((t % 86400) + 86400) % 86400);
        int64_t ahead = ((sod - today) % 86400 + 86400) % 86400;
        return now + (double)ahead;
    }
    gops_lua_fail(L, "pa_guidance: ends: \"%s\": expected \"+duration\", a duration (\"10m\") or a clock time "
                     "\"HH:MM\"", text);
    return 0;
}

/// pa_guidance{ at = {x, y} | "speaker id", radius = 50, share = 0..1, to = "destination",
///              ends = "+10m" | "HH:MM" } -> the broadcast's number
static int lua_pa_guidance(lua_State *L)
{
    gops_crowd_t *c = need_crowd(L, "pa_guidance");
    gops_world_t *world = gops_scenario_self(L)->world;
    if (!lua_istable(L, 1)) return gops_lua_fail(L, "pa_guidance: expected a table { at = ..., share = ..., to = ... }");
    static const char *const known[] = {"at", "ends", "radius", "share", "to", "until"};
    gops_lua_check_keys(L, 1, "pa_guidance", known, 6);
    gops_broadcast_def_t def = {.radius_m = 50, .from_s = gops_world_elapsed(world), .until_s = INFINITY};
    lua_getfield(L, 1, "at");
    if (lua_type(L, -1) == LUA_TSTRING) {
        const char *sp = lua_tostring(L, -1);
        const gops_map_t *map = gops_world_district(world)->map;
        bool found = false;
        for (uint32_t f = 0; f < map->feature_count && !found; f++) {
            const gops_feature_t *ft = &map->features[f];
            if (ft->kind != GOPS_FEAT_PA_SPEAKER) continue;
            if ((ft->id && strcmp(ft->id, sp) == 0) || (ft->name && strcmp(ft->name, sp) == 0)) {
                def.x = ft->at.x, def.y = ft->at.y;
                found = true;
            }
        }
        if (!found) return gops_lua_fail(L, "pa_guidance: at: no public-address speaker \"%s\" in the map: expected "
                                            "a speaker's id or a point {x, y}", sp);
    } else if (lua_istable(L, -1)) {
        gops_point_t p = read_point(L, lua_gettop(L), "pa_guidance: at");
        def.x = p.x, def.y = p.y;
    } else {
        return gops_lua_fail(L, "pa_guidance: at: expected a point {x, y} or a speaker's id, found %s",
                             luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "radius");
    if (!lua_isnil(L, -1)) {
        if (!lua_isnumber(L, -1)) return gops_lua_fail(L, "pa_guidance: radius: expected metres (a number)");
        def.radius_m = lua_tonumber(L, -1);
        if (!(def.radius_m > 0 && def.radius_m <= 1000))
            return gops_lua_fail(L, "pa_guidance: radius: %g m, expected 0 < radius <= 1000 m", def.radius_m);
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "share");
    if (!lua_isnumber(L, -1)) return gops_lua_fail(L, "pa_guidance: share: expected the fraction who follow, 0..1");
    def.share = lua_tonumber(L, -1);
    if (!(def.share >= 0 && def.share <= 1))
        return gops_lua_fail(L, "pa_guidance: share: %g, expected the fraction who follow, 0..1", def.share);
    lua_pop(L, 1);
    lua_getfield(L, 1, "to");
    if (lua_type(L, -1) != LUA_TSTRING) return gops_lua_fail(L, "pa_guidance: to: expected a destination's name");
    const char *to = lua_tostring(L, -1);
    def.to = gops_crowd_find_destination(c, to);
    if (def.to == GOPS_NO_DEST) return unknown_destination(L, c, "pa_guidance", "destination", to);
    lua_pop(L, 1);
    // `ends`, or ["until"] (a Lua keyword, so only writable in brackets).
    lua_getfield(L, 1, "ends");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_getfield(L, 1, "until");
    }
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TSTRING) return gops_lua_fail(L, "pa_guidance: ends: expected \"+10m\" or \"HH:MM\"");
        def.until_s = read_until(L, lua_gettop(L), world);
    }
    lua_pop(L, 1);
    gops_error_t err;
    uint32_t serial;
    if (gops_crowd_broadcast(c, &def, &serial, &err) != GOPS_OK) return crowd_fail(L, "pa_guidance", &err);
    lua_pushinteger(L, serial);
    return 1;
}

/// guidance(id) -> pedestrians who heard broadcast id, how many followed it, how many changed course.
static int lua_guidance(lua_State *L)
{
    gops_crowd_t *c = need_crowd(L, "guidance");
    lua_Integer id = luaL_checkinteger(L, 1);
    const gops_broadcast_t *b = id > 0 && id <= UINT32_MAX ? gops_crowd_broadcast_get(c, (uint32_t)id) : NULL;
    if (!b) return gops_lua_fail(L, "guidance: no broadcast %lld (pa_guidance returns the numbers)", (long long)id);
    lua_pushinteger(L, (lua_Integer)b->heard);
    lua_pushinteger(L, (lua_Integer)b->followed);
    lua_pushinteger(L, (lua_Integer)b->redirected);
    return 3;
}

// Choice groups declared while the file loads wait here (a userdata in the registry) until
// the crowd exists.
#define PENDING_CHOICE_MAX 16
typedef struct pending_choice {
    char name[64];
    char members[GOPS_CHOICE_MAX_MEMBERS][64];
    uint32_t count;
    gops_choice_params_t params;
    char where[160];
} pending_choice_t;
typedef struct pending_choices {
    uint32_t count;
    pending_choice_t items[PENDING_CHOICE_MAX];
} pending_choices_t;
static const char pending_key = 0;

static pending_choices_t *pending(lua_State *L, bool create)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &pending_key);
    pending_choices_t *p = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (p || !create) return p;
    p = lua_newuserdatauv(L, sizeof *p, 0);
    memset(p, 0, sizeof *p);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &pending_key);
    return p;
}

static gops_status_t apply_choice(gops_crowd_t *c, const pending_choice_t *pc, gops_error_t *err)
{
    uint16_t members[GOPS_CHOICE_MAX_MEMBERS];
    for (uint32_t m = 0; m < pc->count; m++) {
        members[m] = gops_crowd_find_destination(c, pc->members[m]);
        if (members[m] == GOPS_NO_DEST)
            return gops_error_set(err, GOPS_BAD_VALUE, "%scongestion_choice: among: unknown destination \"%s\"", pc->where,
                                  pc->members[m]);
    }
    gops_status_t st = gops_crowd_add_choice(c, pc->name, members, pc->count, &pc->params, err);
    if (st != GOPS_OK) {
        char inner[sizeof err->message];
        snprintf(inner, sizeof inner, "%s", err->message);
        return gops_error_set(err, st, "%scongestion_choice: %s", pc->where, inner);
    }
    return GOPS_OK;
}

static double choice_number(lua_State *L, const char *key, double dflt, double lo, double hi, const char *unit)
{
    lua_getfield(L, 1, key);
    double v = dflt;
    if (!lua_isnil(L, -1)) {
        if (!lua_isnumber(L, -1)) gops_lua_fail(L, "congestion_choice: %s: expected %s (a number)", key, unit);
        v = lua_tonumber(L, -1);
        if (!(v >= lo && v <= hi)) gops_lua_fail(L, "congestion_choice: %s: %g, expected %g..%g %s", key, v, lo, hi, unit);
    }
    lua_pop(L, 1);
    return v;
}

/// congestion_choice{ name = "exits", among = {"a", "b", ...}, every = "5s", radius = 5,
///                    flow = 1.3, margin = 2 }
static int lua_congestion_choice(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    if (!lua_istable(L, 1)) return gops_lua_fail(L, "congestion_choice: expected a table { among = {...} }");
    static const char *const known[] = {"among", "every", "flow", "margin", "name", "radius"};
    gops_lua_check_keys(L, 1, "congestion_choice", known, 6);
    pending_choice_t pc;
    memset(&pc, 0, sizeof pc);
    pc.params = gops_choice_params_default();
    luaL_where(L, 1);
    snprintf(pc.where, sizeof pc.where, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    lua_getfield(L, 1, "among");
    if (!lua_istable(L, -1))
        return gops_lua_fail(L, "congestion_choice: among: expected a list of 2..%d destination names",
                             GOPS_CHOICE_MAX_MEMBERS);
    lua_Integer n = luaL_len(L, -1);
    if (n < 2 || n > GOPS_CHOICE_MAX_MEMBERS)
        return gops_lua_fail(L, "congestion_choice: among: %lld names, expected 2..%d", (long long)n,
                             GOPS_CHOICE_MAX_MEMBERS);
    for (lua_Integer k = 1; k <= n; k++) {
        lua_rawgeti(L, -1, k);
        if (lua_type(L, -1) != LUA_TSTRING || strlen(lua_tostring(L, -1)) >= 64)
            return gops_lua_fail(L, "congestion_choice: among[%lld]: expected a destination's name", (long long)k);
        snprintf(pc.members[pc.count++], sizeof pc.members[0], "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "name");
    snprintf(pc.name, sizeof pc.name, "%s", lua_isnil(L, -1) ? pc.members[0] : check_name(L, lua_gettop(L), "congestion_choice"));
    lua_pop(L, 1);
    lua_getfield(L, 1, "every");
    if (!lua_isnil(L, -1)) {
        gops_error_t err;
        if (lua_type(L, -1) != LUA_TSTRING ||
            gops_time_parse_duration(lua_tostring(L, -1), &pc.params.every_s, 0, &err) != GOPS_OK)
            return gops_lua_fail(L, "congestion_choice: every: expected a duration such as \"5s\"");
        if (pc.params.every_s > 3600) return gops_lua_fail(L, "congestion_choice: every: expected at most 1h");
    }
    lua_pop(L, 1);
    pc.params.radius_m = choice_number(L, "radius", pc.params.radius_m, 0.5, 500, "m");
    pc.params.flow_per_m_s = choice_number(L, "flow", pc.params.flow_per_m_s, 0.1, 10, "persons/(m·s)");
    pc.params.margin_s = choice_number(L, "margin", pc.params.margin_s, 0, 3600, "s");
    if (sc->world) { // from a hook: now
        gops_crowd_t *c = need_crowd(L, "congestion_choice");
        for (uint32_t m = 0; m < pc.count; m++)
            if (gops_crowd_find_destination(c, pc.members[m]) == GOPS_NO_DEST)
                return unknown_destination(L, c, "congestion_choice", "destination", pc.members[m]);
        gops_error_t err;
        if (apply_choice(c, &pc, &err) != GOPS_OK) return gops_lua_fail(L, "%s", err.message);
        return 0;
    }
    pending_choices_t *p = pending(L, true);
    if (p->count == PENDING_CHOICE_MAX)
        return gops_lua_fail(L, "congestion_choice: at most %d groups", PENDING_CHOICE_MAX);
    p->items[p->count++] = pc;
    return 0;
}

/// choice_switches(name) -> pedestrians who changed alternative in the group, and choices made.
static int lua_choice_switches(lua_State *L)
{
    gops_crowd_t *c = need_crowd(L, "choice_switches");
    const char *name = check_name(L, 1, "choice_switches");
    const gops_choice_group_t *g = gops_crowd_choice_group(c, name);
    if (!g) return gops_lua_fail(L, "choice_switches: no congestion_choice group \"%s\"", name);
    lua_pushinteger(L, (lua_Integer)g->switches);
    lua_pushinteger(L, (lua_Integer)g->evaluations);
    return 2;
}

/// crowd_geometry() -> { field_computations, geometry_rebuilds, blocked_cells, one_way_cells,
/// route_refreshes }
static int lua_crowd_geometry(lua_State *L)
{
    gops_crowd_t *c = need_crowd(L, "crowd_geometry");
    gops_crowd_action_stats_t st;
    gops_crowd_action_stats(c, &st);
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, (lua_Integer)st.field_computations);
    lua_setfield(L, -2, "field_computations");
    lua_pushinteger(L, (lua_Integer)st.geometry_rebuilds);
    lua_setfield(L, -2, "geometry_rebuilds");
    lua_pushinteger(L, st.blocked_cells);
    lua_setfield(L, -2, "blocked_cells");
    lua_pushinteger(L, st.one_way_cells);
    lua_setfield(L, -2, "one_way_cells");
    lua_pushinteger(L, (lua_Integer)st.route_refreshes);
    lua_setfield(L, -2, "route_refreshes");
    return 1;
}

/// A gathering's clock time ("HH:MM[:SS]") at field `key`, s after midnight.
static double gathering_clock(lua_State *L, const char *key)
{
    lua_getfield(L, 1, key);
    int64_t sod;
    gops_error_t err;
    if (lua_type(L, -1) != LUA_TSTRING || gops_time_parse_clock(lua_tostring(L, -1), &sod, &err) != GOPS_OK)
        gops_lua_fail(L, "gathering: %s: expected a clock time \"HH:MM\", found %s", key,
                             lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
    lua_pop(L, 1);
    return (double)sod;
}

/// A text field of at most 63 bytes; `dflt` when absent (NULL: required).
static const char *gathering_text(lua_State *L, const char *key, const char *dflt, const char *what)
{
    lua_getfield(L, 1, key);
    if (lua_isnil(L, -1) && dflt) {
        lua_pop(L, 1);
        return dflt;
    }
    if (lua_type(L, -1) != LUA_TSTRING || !lua_tostring(L, -1)[0] || strlen(lua_tostring(L, -1)) >= 64)
        gops_lua_fail(L, "gathering: %s: expected %s (1..63 bytes of text), found %s", key, what,
                      lua_type(L, -1) == LUA_TSTRING ? "a text of that length" : luaL_typename(L, -1));
    const char *s = lua_tostring(L, -1);
    lua_pop(L, 1); // still referenced by the argument table
    return s;
}

/// gathering{ place = "plaza-tower-south", people = 20000, from = "22:30", to = "23:55",
///            stay_until = "00:10", leave_spread = "15m", arrival = "uniform" | "ramp",
///            name = place } : an event crowd, declared while the file loads.
static int lua_gathering(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    if (!lua_istable(L, 1))
        return gops_lua_fail(L, "gathering: expected a table { place = ..., people = ..., from = ..., to = ..., "
                                "stay_until = ... }");
    if (sc->world) return gops_lua_fail(L, "gathering{} may only be declared while the scenario file loads");
    static const char *const known[] = {"arrival", "from", "leave_spread", "name", "people", "place", "stay_until", "to"};
    gops_lua_check_keys(L, 1, "gathering", known, 8);
    gops_gathering_def_t g = gops_gathering_def_default();
    snprintf(g.place, sizeof g.place, "%s", gathering_text(L, "place", NULL, "a plaza, pedestrian street or vendor point"));
    snprintf(g.name, sizeof g.name, "%s", gathering_text(L, "name", g.place, "a name"));
    lua_getfield(L, 1, "people");
    int whole = 0;
    lua_Integer people = lua_type(L, -1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &whole) : 0; // 2e4 is whole too
    if (!whole || people < 1 || people > GOPS_GATHERING_PEOPLE_MAX)
        return gops_lua_fail(L, "gathering: people: expected a whole number 1..%d", GOPS_GATHERING_PEOPLE_MAX);
    g.people = (uint32_t)people;
    lua_pop(L, 1);
    // Clock times of the start's day; `to` and `stay_until` roll over midnight when earlier.
    g.from_s = gathering_clock(L, "from");
    g.to_s = gathering_clock(L, "to");
    if (g.to_s <= g.from_s) g.to_s += 86400;
    g.stay_until_s = gathering_clock(L, "stay_until");
    while (g.stay_until_s < g.to_s) g.stay_until_s += 86400;
    lua_getfield(L, 1, "leave_spread");
    if (!lua_isnil(L, -1)) {
        gops_error_t err;
        if (lua_type(L, -1) != LUA_TSTRING ||
            gops_time_parse_duration(lua_tostring(L, -1), &g.leave_spread_s, 1, &err) != GOPS_OK)
            return gops_lua_fail(L, "gathering: leave_spread: expected a duration such as \"15m\"");
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "arrival");
    if (!lua_isnil(L, -1)) {
        int a = lua_type(L, -1) == LUA_TSTRING ? gops_gathering_arrival_from_name(lua_tostring(L, -1)) : -1;
        if (a < 0) return gops_lua_fail(L, "gathering: arrival: expected \"uniform\" or \"ramp\"");
        g.arrival = (gops_gathering_arrival_t)a;
    }
    lua_pop(L, 1);
    gops_error_t err;
    gops_demand_params_t *dp = &sc->def.crowd_params.demand;
    // Without `where` here: a refusal is a Lua error, which names the file and line itself.
    if (gops_demand_add_gathering(dp, &g, &err) != GOPS_OK) return gops_lua_fail(L, "%s", err.message);
    luaL_where(L, 1); // for messages about the place, which is looked up when the run starts
    snprintf(dp->gatherings[dp->gathering_count - 1].where, sizeof g.where, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    return 0;
}

/// gathering_counts(name) -> { people, arrived, walking, queued, inside, lingering, at_place, left }
static int lua_gathering_counts(lua_State *L)
{
    gops_crowd_t *c = need_crowd(L, "gathering_counts");
    const char *name = check_name(L, 1, "gathering_counts");
    gops_demand_t *d = gops_crowd_demand(c);
    int32_t g = d ? gops_demand_find_gathering(d, name) : -1;
    if (g < 0) {
        uint32_t n = d ? gops_demand_params(d)->gathering_count : 0;
        if (n == 0) return gops_lua_fail(L, "gathering_counts: no gathering \"%s\": the run declares none", name);
        const char *names[GOPS_GATHERINGS_MAX];
        for (uint32_t k = 0; k < n; k++) names[k] = gops_demand_params(d)->gatherings[k].name;
        return gops_lua_unknown_name(L, "gathering_counts", "gathering", name, names, n);
    }
    gops_gathering_counts_t gc;
    gops_demand_gathering_counts(d, (uint32_t)g, &gc);
    struct {
        const char *key;
        uint32_t value;
    } rows[] = {
        {"people", gc.people},
        {"arrived", gc.arrived},
        {"walking", gc.in_state[GOPS_VISITOR_WALKING]},
        {"queued", gc.in_state[GOPS_VISITOR_QUEUED]},
        {"inside", gc.in_state[GOPS_VISITOR_INSIDE]},
        {"lingering", gc.in_state[GOPS_VISITOR_LINGERING]},
        {"at_place", gc.at_place},
        {"left", gc.in_state[GOPS_VISITOR_LEFT]},
    };
    lua_createtable(L, 0, 8);
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        lua_pushinteger(L, rows[k].value);
        lua_setfield(L, -2, rows[k].key);
    }
    return 1;
}

void gops_lua_crowd_register_api(gops_scenario_t *sc)
{
    gops_scenario_register(sc, "close_area", lua_close_area);
    gops_scenario_register(sc, "reopen_area", lua_reopen_area);
    gops_scenario_register(sc, "close_entrance", lua_close_entrance);
    gops_scenario_register(sc, "reopen_entrance", lua_reopen_entrance);
    gops_scenario_register(sc, "meter", lua_meter);
    gops_scenario_register(sc, "barrier", lua_barrier);
    gops_scenario_register(sc, "remove_barrier", lua_remove_barrier);
    gops_scenario_register(sc, "one_way", lua_one_way);
    gops_scenario_register(sc, "clear_one_way", lua_clear_one_way);
    gops_scenario_register(sc, "pa_guidance", lua_pa_guidance);
    gops_scenario_register(sc, "guidance", lua_guidance);
    gops_scenario_register(sc, "congestion_choice", lua_congestion_choice);
    gops_scenario_register(sc, "choice_switches", lua_choice_switches);
    gops_scenario_register(sc, "crowd_geometry", lua_crowd_geometry);
    gops_scenario_register(sc, "gathering", lua_gathering);
    gops_scenario_register(sc, "gathering_counts", lua_gathering_counts);
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
    // Gatherings are visitors: with crowd = false they are off like the day's visitors, but
    // a crowd without visitors (a lab) cannot hold them.
    if (c && !gops_crowd_demand(c) && sc->def.crowd_params.demand.gathering_count)
        return gops_error_set(err, GOPS_SCENARIO, "%sgathering{} needs visitors: a district map (map = ...), not lab{}",
                              sc->def.crowd_params.demand.gatherings[0].where);
    if (!c) {
        pending_choices_t *pc = sc->sb ? pending(gops_sandbox_state(sc->sb), false) : NULL;
        if (sc->lab.spawn_count || sc->lab.exit_count || sc->lab.line_count || (pc && pc->count))
            return gops_error_set(err, GOPS_SCENARIO, "%s: spawns, exits, counting lines and congestion_choice need the crowd "
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
    pending_choices_t *pc = sc->sb ? pending(gops_sandbox_state(sc->sb), false) : NULL;
    for (uint32_t i = 0; pc && i < pc->count; i++) {
        gops_status_t st = apply_choice(c, &pc->items[i], err);
        if (st != GOPS_OK) return st;
    }
    if (pc) pc->count = 0; // applied: later calls only add new ones
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
