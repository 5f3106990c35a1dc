// SPDX-License-Identifier: MIT
// Scenario functions for the street-vendors model: the guidance-point policy, mobile vendors
// at the busiest hour, merchants' points per report, clearing an area of vendors (a summit's
// perimeter) and reopening it, and the measures so far. Every argument is checked before the
// model is touched; the model applies changes at its next step. It does not attach the
// model (the session does: vendors = ... in scenario{}) or decide what vendors do.
#include "scenario/lua_models.h"
#include "scenario/scenario_internal.h"

#include "core/nearest.h"
#include "vendors/vendors.h"
#include "world/geometry.h"
#include "world/world_internal.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// Vertices of the polygon standing for a disc in clear_vendors{ around = ..., radius_m = ... }:
/// the inscribed 64-gon loses 0.5 % of the radius between its corners.
#define DISC_VERTICES 64
#define RADIUS_MAX_M 5000.0
#define RING_MAX_POINTS 10000

/// The model's message without its own prefix ("clear vendors: ..."): the binding's name
/// replaces it.
static const char *unprefixed(const char *message, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(message, prefix, n) == 0 ? message + n : message;
}

static gops_vendors_t *need_vendors(lua_State *L, const char *fn)
{
    gops_world_t *world = gops_lua_world(L, fn);
    gops_vendors_t *v = gops_vendors_of(world);
    if (!v) gops_lua_fail(L, "%s(): this run simulates no street vendors (no map, or vendors = false)", fn);
    return v;
}

/// A whole number argument in [lo, hi].
static lua_Integer check_whole(lua_State *L, int arg, const char *fn, const char *what, lua_Integer lo, lua_Integer hi)
{
    lua_Number v = luaL_checknumber(L, arg);
    if (!(v >= (lua_Number)lo && v <= (lua_Number)hi && v == floor(v)))
        gops_lua_fail(L, "%s: %s: expected a whole number %lld to %lld, found %g", fn, what, (long long)lo, (long long)hi, v);
    return (lua_Integer)v;
}

// ---- levers --------------------------------------------------------------------------------

/// set_guidance_points(on): the map's guidance points operate (true) or not (false).
static int lua_set_guidance_points(lua_State *L)
{
    gops_vendors_t *v = need_vendors(L, "set_guidance_points");
    if (!lua_isboolean(L, 1))
        return gops_lua_fail(L, "set_guidance_points: expected true or false, found a %s", luaL_typename(L, 1));
    gops_vendors_set_guidance_points(v, lua_toboolean(L, 1));
    return 0;
}

/// set_mobile_vendors(count [, mode]): mobile vendors out at the busiest hour in `mode`
/// (default: every mode).
static int lua_set_mobile_vendors(lua_State *L)
{
    static const char *const modes[] = {"normal", "holiday", "major_event", "emergency"};
    gops_vendors_t *v = need_vendors(L, "set_mobile_vendors");
    lua_Integer count = check_whole(L, 1, "set_mobile_vendors", "count", 0, 100000);
    int mode = -1;
    if (!lua_isnoneornil(L, 2)) {
        const char *name = luaL_checkstring(L, 2);
        mode = gops_mode_from_name(name);
        if (mode < 0) gops_lua_unknown_name(L, "set_mobile_vendors", "mode", name, modes, 4);
    }
    gops_error_t err;
    if (gops_vendors_set_mobile(v, mode, (uint32_t)count, &err) != GOPS_OK)
        return gops_lua_fail(L, "set_mobile_vendors: %s", unprefixed(err.message, "set mobile vendors: "));
    return 0;
}

/// set_points_per_report(points): points a merchant earns per valid report, 0 to 1000000.
static int lua_set_points_per_report(lua_State *L)
{
    gops_vendors_t *v = need_vendors(L, "set_points_per_report");
    lua_Number points = luaL_checknumber(L, 1);
    if (!(points >= 0 && points <= 1e6))
        return gops_lua_fail(L, "set_points_per_report: %g is out of range: expected 0 to 1000000 points", points);
    gops_error_t err;
    if (gops_vendors_set_points_per_report(v, points, &err) != GOPS_OK)
        return gops_lua_fail(L, "set_points_per_report: %s", unprefixed(err.message, "set points per report: "));
    return 0;
}

// ---- areas ---------------------------------------------------------------------------------

/// A number of the table at idx (key k), finite and within the map's largest extent.
static double coordinate(lua_State *L, int idx, lua_Integer k, const char *fn)
{
    lua_rawgeti(L, idx, k);
    if (!lua_isnumber(L, -1)) gops_lua_fail(L, "%s: coordinate %lld of the area is not a number", fn, (long long)k);
    double x = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (!isfinite(x) || fabs(x) > GOPS_MAP_MAX_EXTENT_M)
        gops_lua_fail(L, "%s: coordinate %lld of the area is out of range (|x| <= %.0f m)", fn, (long long)k,
                      GOPS_MAP_MAX_EXTENT_M);
    return x;
}

/// A point {x, y} (m) or the position of a named feature (a polygon's centroid).
static gops_point_t check_centre(lua_State *L, int idx, const char *fn)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        const gops_map_t *map = gops_world_district(gops_scenario_self(L)->world)->map;
        const char *name = lua_tostring(L, idx);
        for (uint32_t i = 0; i < map->feature_count; i++)
            if (map->features[i].id && strcmp(map->features[i].id, name) == 0) return map->features[i].at;
        for (uint32_t i = 0; i < map->feature_count; i++)
            if (gops_lua_feature_is(&map->features[i], name)) return map->features[i].at;
        return gops_lua_area_feature(L, fn, name)->at; // raises with the nearest area name
    }
    if (!lua_istable(L, idx)) gops_lua_fail(L, "%s: around: expected a point {x, y} in metres or a place name", fn);
    return (gops_point_t){coordinate(L, idx, 1, fn), coordinate(L, idx, 2, fn)};
}

/// Reads the area argument into a scratch buffer owned by Lua (freed by the collector, so an
/// error below leaks nothing). Returns the number of points.
static uint32_t check_area(lua_State *L, int idx, const char *fn, gops_point_t **out)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        const gops_path_t *ring = gops_lua_feature_ring(gops_lua_area_feature(L, fn, lua_tostring(L, idx)));
        gops_point_t *pts = lua_newuserdatauv(L, ring->count * sizeof *pts, 0);
        memcpy(pts, ring->pts, ring->count * sizeof *pts);
        *out = pts;
        return ring->count;
    }
    if (!lua_istable(L, idx))
        gops_lua_fail(L, "%s: expected an area: a ring {x1, y1, x2, y2, ...}, a list of points {{x, y}, ...}, "
                         "{ around = place or {x, y}, radius_m = r } or the name of an area of the map, found a %s",
                      fn, luaL_typename(L, idx));
    lua_rawgeti(L, idx, 1);
    int first = lua_type(L, -1);
    lua_pop(L, 1);
    if (first == LUA_TNIL) { // a disc
        static const char *const keys[] = {"around", "radius_m"};
        gops_lua_check_keys(L, idx, fn, keys, 2);
        lua_getfield(L, idx, "radius_m");
        if (!lua_isnumber(L, -1)) gops_lua_fail(L, "%s: radius_m: expected a number (m)", fn);
        double r = lua_tonumber(L, -1);
        lua_pop(L, 1);
        if (!(r >= 1 && r <= RADIUS_MAX_M))
            gops_lua_fail(L, "%s: radius_m: %g is out of range: expected 1 to %.0f m", fn, r, RADIUS_MAX_M);
        lua_getfield(L, idx, "around");
        if (lua_isnil(L, -1)) gops_lua_fail(L, "%s: around: give the disc's centre, a place name or {x, y}", fn);
        gops_point_t c = check_centre(L, lua_gettop(L), fn);
        lua_pop(L, 1);
        gops_point_t *pts = lua_newuserdatauv(L, DISC_VERTICES * sizeof *pts, 0);
        for (int k = 0; k < DISC_VERTICES; k++) {
            double a = 2.0 * 3.14159265358979323846 * k / DISC_VERTICES;
            pts[k] = (gops_point_t){c.x + r * cos(a), c.y + r * sin(a)};
        }
        *out = pts;
        return DISC_VERTICES;
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    bool pairs = first == LUA_TTABLE;
    lua_Integer count = pairs ? n : n / 2;
    if ((!pairs && n % 2 != 0) || count < 3 || count > RING_MAX_POINTS)
        gops_lua_fail(L, "%s: an area needs 3 to %d points as {x1, y1, x2, y2, ...} or {{x, y}, ...}, found %lld %s", fn,
                      RING_MAX_POINTS, (long long)n, pairs ? "points" : "numbers");
    gops_point_t *pts = lua_newuserdatauv(L, (size_t)count * sizeof *pts, 0);
    for (lua_Integer i = 0; i < count; i++) {
        if (pairs) {
            lua_rawgeti(L, idx, i + 1);
            if (!lua_istable(L, -1)) gops_lua_fail(L, "%s: point %lld of the area is not {x, y}", fn, (long long)(i + 1));
            int p = lua_gettop(L);
            pts[i] = (gops_point_t){coordinate(L, p, 1, fn), coordinate(L, p, 2, fn)};
            lua_pop(L, 1);
        } else {
            pts[i] = (gops_point_t){coordinate(L, idx, 2 * i + 1, fn), coordinate(L, idx, 2 * i + 2, fn)};
        }
    }
    gops_path_t ring = {pts, (uint32_t)count};
    if (!(fabs(gops_ring_signed_area(&ring)) > 0))
        gops_lua_fail(L, "%s: the area's %lld points enclose no area", fn, (long long)count);
    *out = pts;
    return (uint32_t)count;
}

/// clear_vendors(area) -> id: vendors leave the area and keep out until reopen_vendors(id).
static int lua_clear_vendors(lua_State *L)
{
    gops_vendors_t *v = need_vendors(L, "clear_vendors");
    gops_point_t *pts;
    uint32_t n = check_area(L, 1, "clear_vendors", &pts);
    uint32_t id;
    gops_error_t err;
    if (gops_vendors_clear_area(v, pts, n, &id, &err) != GOPS_OK)
        return gops_lua_fail(L, "clear_vendors: %s", unprefixed(err.message, "clear vendors: "));
    lua_pushinteger(L, id);
    return 1;
}

/// reopen_vendors(id): the area cleared under `id` is open to vendors again.
static int lua_reopen_vendors(lua_State *L)
{
    gops_vendors_t *v = need_vendors(L, "reopen_vendors");
    lua_Integer id = check_whole(L, 1, "reopen_vendors", "id", 1, INT32_MAX);
    gops_error_t err;
    if (gops_vendors_reopen_area(v, (uint32_t)id, &err) != GOPS_OK)
        return gops_lua_fail(L, "reopen_vendors: %s", unprefixed(err.message, "reopen vendors: "));
    return 0;
}

// ---- measures ------------------------------------------------------------------------------

/// A number, or nothing when it has no value (NAN: nothing to average yet).
static void set_number(lua_State *L, const char *key, double v)
{
    if (isnan(v)) return;
    lua_pushnumber(L, v);
    lua_setfield(L, -2, key);
}

static void set_integer(lua_State *L, const char *key, uint64_t v)
{
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, key);
}

/// vendor_measures() -> a table of the measures so far and the counts now (API.md).
static int lua_vendor_measures(lua_State *L)
{
    gops_vendors_t *v = need_vendors(L, "vendor_measures");
    gops_vendors_measures_t m;
    gops_vendors_measures(v, &m);
    lua_createtable(L, 0, 56);
    set_number(L, "vendor_hours_outside_points", m.vendor_h_outside);
    set_number(L, "vendor_hours_inside_points", m.vendor_h_inside);
    set_number(L, "stall_hours_offered", m.stall_h_open);
    set_number(L, "stall_hours_occupied", m.stall_h_occupied);
    set_number(L, "stall_occupancy", m.stall_occupancy);
    set_number(L, "obstruction_minutes", m.obstruction_min);
    set_number(L, "obstruction_person_min", m.obstruction_ped_min);
    set_number(L, "point_obstruction_person_min", m.point_obstruction_ped_min);
    set_number(L, "queue_spill_customer_min", m.spill_min);
    set_number(L, "walkway_width_before_m", m.width_before_m);
    set_number(L, "walkway_width_with_footprints_m", m.width_after_m);
    set_integer(L, "encounters", m.encounters);
    for (int r = 0; r < GOPS_REACT_COUNT; r++) {
        char key[48];
        snprintf(key, sizeof key, "reaction_%s", gops_reaction_name((gops_reaction_t)r));
        set_integer(L, key, m.reactions[r]);
    }
    set_number(L, "patrol_hours", m.patrol_h);
    set_number(L, "relocations_per_patrol_hour", m.relocations_per_patrol_h);
    set_integer(L, "returns", m.returns);
    set_number(L, "return_time_mean_s", m.return_mean_s);
    set_number(L, "return_time_p50_s", m.return_p50_s);
    set_number(L, "displacement_mean_m", m.displacement_mean_m);
    set_integer(L, "voluntary_moves", m.voluntary_moves);
    set_integer(L, "complaints", m.complaints);
    set_integer(L, "litter", m.litter);
    set_integer(L, "incidents", m.incidents);
    set_integer(L, "incidents_detected", m.detected);
    for (int d = 0; d < (int)(sizeof m.first_by / sizeof m.first_by[0]); d++) {
        char key[48];
        snprintf(key, sizeof key, "first_detected_by_%s", gops_vendors_detector_name(d));
        set_integer(L, key, m.first_by[d]);
    }
    set_number(L, "merchant_first_share", m.merchant_first_share);
    uint64_t reports = 0;
    for (int c = 0; c < GOPS_CAT_COUNT; c++) reports += m.merchant_reports[c];
    set_integer(L, "merchant_reports", reports);
    set_integer(L, "merchant_reports_by_partners", m.merchant_reports_partner);
    set_integer(L, "merchant_reports_invalid", m.merchant_reports_invalid);
    set_number(L, "merchant_points", m.merchant_points);
    set_number(L, "volunteer_hours", m.volunteer_h);
    set_integer(L, "customers_served", m.customers_served);
    set_integer(L, "customers_balked", m.customers_balked);
    set_integer(L, "inspections", m.inspections);
    set_integer(L, "stalls_inspected", m.stalls_inspected);
    set_number(L, "hygiene_pass_rate", m.pass_rate);
    set_integer(L, "vendors_street", m.street_now);
    set_integer(L, "vendors_at_points", m.at_points_now);
    set_integer(L, "stalls_open", m.stalls_open_now);
    set_integer(L, "stalls", gops_vendors_stalls(v)->stall_count);
    set_integer(L, "guidance_points", gops_vendors_stalls(v)->point_count);
    lua_pushboolean(L, gops_vendors_params(v)->guidance_points);
    lua_setfield(L, -2, "guidance_points_on");
    set_integer(L, "peak_vendors_street", m.peak_street);
    set_integer(L, "peak_vendors_at_points", m.peak_at_points);
    set_integer(L, "cleared_moves", m.cleared_moves);
    set_integer(L, "vendors_in_cleared_areas", m.in_cleared_now);
    return 1;
}

void gops_lua_vendors_register_api(gops_scenario_t *sc)
{
    gops_scenario_register(sc, "set_guidance_points", lua_set_guidance_points);
    gops_scenario_register(sc, "set_mobile_vendors", lua_set_mobile_vendors);
    gops_scenario_register(sc, "set_points_per_report", lua_set_points_per_report);
    gops_scenario_register(sc, "clear_vendors", lua_clear_vendors);
    gops_scenario_register(sc, "reopen_vendors", lua_reopen_vendors);
    gops_scenario_register(sc, "vendor_measures", lua_vendor_measures);
}
