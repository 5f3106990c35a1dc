// SPDX-License-Identifier: MIT
// Scenario functions for the traffic model: road closures (whole roads or one segment),
// one-way rules, signal plans per junction and mode, injected double parking, and queries
// of the network and of single roads. Roads and junctions are named as in the map. Every
// argument is checked before the model is touched; the model applies changes at its next
// step. It does not attach the model (the session does) or draw anything.
#include "scenario/lua_models.h"
#include "scenario/scenario_internal.h"

#include "core/nearest.h"
#include "core/simtime.h"
#include "traffic/lab_maps.h"
#include "traffic/traffic.h"
#include "world/map_build.h"
#include "world/geometry.h"
#include "world/world_internal.h"

#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// A segment picked by a point must lie this close to it (m): further is a mistake.
#define SEGMENT_PICK_M 50.0
/// Double parking looks for room this far either side of the asked position (m).
#define DOUBLE_PARK_SEARCH_M 28.0
#define DOUBLE_PARK_STEP_M 7.0
/// Default dwell of an injected double-parked car: TRAFFIC.md's errand mean (8 min).
#define DOUBLE_PARK_DEFAULT_S 480.0

static gops_traffic_t *need_traffic(lua_State *L, const char *fn)
{
    gops_world_t *world = gops_lua_world(L, fn);
    gops_traffic_t *trf = gops_world_subsystem(world, "traffic");
    if (!trf) gops_lua_fail(L, "%s(): this run simulates no traffic (no map, or traffic = false)", fn);
    return trf;
}

static const gops_district_t *district_of(lua_State *L)
{
    return gops_world_district(gops_scenario_self(L)->world); // traffic runs only on a district
}

/// The name scenarios (and the traffic model) know a feature by: its id, else a name.
static const char *feature_key(const gops_feature_t *f)
{
    return f->id ? f->id : f->name ? f->name : f->name_en ? f->name_en : "?";
}

typedef bool feature_filter_fn(const gops_feature_t *f, void *user);

/// Raises "fn: unknown <what> "name" (did you mean "x"?)" over the features of `kind` that
/// pass `keep` (NULL: all), or lists their ids when nothing is near.
static int no_such_feature(lua_State *L, const char *fn, const char *what, const char *name, const gops_map_t *map,
                           gops_feature_kind_t kind, feature_filter_fn *keep, void *user)
{
    char near[160] = "", list[520] = "";
    size_t used = 0;
    const char **cands = malloc((3 * (size_t)map->feature_count + 1) * sizeof *cands);
    size_t n = 0;
    for (uint32_t i = 0; i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind != kind || (keep && !keep(f, user))) continue;
        if (used < sizeof list - 64)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", feature_key(f));
        else if (used < sizeof list - 4)
            used += (size_t)snprintf(list + used, sizeof list - used, ", ...");
        if (!cands) continue;
        if (f->id) cands[n++] = f->id;
        if (f->name) cands[n++] = f->name;
        if (f->name_en) cands[n++] = f->name_en;
    }
    const char *best = cands ? gops_nearest_name(name, cands, n) : NULL;
    if (best) snprintf(near, sizeof near, "%s", best);
    free(cands);
    if (near[0]) return gops_lua_fail(L, "%s: unknown %s \"%s\" (did you mean \"%s\"?)", fn, what, name, near);
    return gops_lua_fail(L, "%s: unknown %s \"%s\": expected the id or name of one of: %s", fn, what, name,
                      used ? list : "(none in this map)");
}

/// Checks argument `arg` is the id or name of a road the traffic model drives on.
static const char *check_road(lua_State *L, int arg, const char *fn, gops_traffic_t *trf)
{
    const char *name = luaL_checkstring(L, arg);
    if (gops_traffic_road_arcs(trf, name, NULL, 0) == 0)
        no_such_feature(L, fn, "road", name, district_of(L)->map, GOPS_FEAT_ROAD, NULL, NULL);
    return name;
}

/// The road's arcs, in a buffer Lua owns (left on the stack until the function returns, so
/// an error on the way frees it too).
static uint32_t road_arcs(lua_State *L, gops_traffic_t *trf, const char *road, uint32_t **arcs)
{
    uint32_t n = gops_traffic_road_arcs(trf, road, NULL, 0);
    *arcs = lua_newuserdatauv(L, (n ? n : 1) * sizeof **arcs, 0);
    gops_traffic_road_arcs(trf, road, *arcs, n);
    return n;
}

static double read_coordinate(lua_State *L, int idx, int k, const char *fn)
{
    lua_rawgeti(L, idx, k);
    if (!lua_isnumber(L, -1)) gops_lua_fail(L, "%s: expected a point {x, y} in metres", fn);
    double v = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (!isfinite(v)) gops_lua_fail(L, "%s: point coordinates must be finite numbers", fn);
    return v;
}

/// Distance (m) from p to road-graph edge e's polyline.
static double edge_distance(const gops_map_t *map, const gops_road_graph_t *g, uint32_t e, gops_point_t p)
{
    const gops_road_edge_t *E = &g->edges[e];
    const gops_path_t *line = &map->features[E->road].u.road.line;
    double best = INFINITY;
    for (uint32_t v = E->first_vertex; v < E->last_vertex && v + 1 < line->count; v++)
        best = fmin(best, gops_point_segment_distance(p, line->pts[v], line->pts[v + 1], NULL));
    return best;
}

/// The road-graph edge (segment between two nodes) of `road` nearest to the point {x, y}
/// at argument `arg`; raises when the point is more than SEGMENT_PICK_M away.
static uint32_t pick_segment(lua_State *L, gops_traffic_t *trf, const char *road, int arg, const char *fn)
{
    if (!lua_istable(L, arg))
        gops_lua_fail(L, "%s: expected a point {x, y} in metres to pick a segment, found %s", fn, luaL_typename(L, arg));
    gops_point_t p = {read_coordinate(L, arg, 1, fn), read_coordinate(L, arg, 2, fn)};
    const gops_district_t *d = district_of(L);
    uint32_t *arcs;
    uint32_t n = road_arcs(L, trf, road, &arcs);
    uint32_t best_edge = UINT32_MAX;
    double best = INFINITY;
    for (uint32_t i = 0; i < n; i++) { // arcs ascend, so ties go to the lower edge
        uint32_t e = arcs[i] / 2;
        double dist = edge_distance(d->map, d->roads, e, p);
        if (dist < best) best = dist, best_edge = e;
    }
    lua_pop(L, 1);
    if (best_edge == UINT32_MAX || best > SEGMENT_PICK_M)
        gops_lua_fail(L, "%s: the point (%.1f, %.1f) is %.0f m from road \"%s\"; expected a point within %.0f m of it (the "
                "segment nearest to the point is meant)", fn, p.x, p.y, best, road, SEGMENT_PICK_M);
    return best_edge;
}

/// The arcs a road argument and an optional point argument mean: all of the road's, or the
/// two of the segment nearest to the point. Same buffer rules as road_arcs.
static uint32_t select_arcs(lua_State *L, gops_traffic_t *trf, const char *road, int at_arg, const char *fn,
                            uint32_t **arcs)
{
    if (lua_isnoneornil(L, at_arg)) return road_arcs(L, trf, road, arcs);
    uint32_t e = pick_segment(L, trf, road, at_arg, fn);
    *arcs = lua_newuserdatauv(L, 2 * sizeof **arcs, 0);
    (*arcs)[0] = 2 * e;
    (*arcs)[1] = 2 * e + 1;
    return 2;
}

/// close_road / open_road: the whole road, or with a point, its segment nearest to it.
static int close_or_open(lua_State *L, const char *fn, bool closed)
{
    gops_traffic_t *trf = need_traffic(L, fn);
    const char *road = check_road(L, 1, fn, trf);
    if (lua_isnoneornil(L, 2)) {
        gops_error_t err;
        if (gops_traffic_close_road(trf, road, closed, &err) != GOPS_OK) return gops_lua_fail(L, "%s: %s", fn, err.message);
        return 0;
    }
    gops_traffic_set_edge_closed(trf, pick_segment(L, trf, road, 2, fn), closed);
    return 0;
}

/// close_road(road [, {x, y}]): no vehicle enters the road (or the one segment, between two
/// junctions, nearest to the point) from the next step; drivers re-route at once.
static int lua_close_road(lua_State *L)
{
    return close_or_open(L, "close_road", true);
}

/// open_road(road [, {x, y}]): lifts closures; one-way rules in force stay.
static int lua_open_road(lua_State *L)
{
    return close_or_open(L, "open_road", false);
}

/// set_oneway(road, true | false | "reverse"): true keeps only the direction the map's line
/// is drawn in, "reverse" only the other, false opens both.
static int lua_set_oneway(lua_State *L)
{
    gops_traffic_t *trf = need_traffic(L, "set_oneway");
    const char *road = check_road(L, 1, "set_oneway", trf);
    int dir;
    if (lua_type(L, 2) == LUA_TBOOLEAN)
        dir = lua_toboolean(L, 2) ? 1 : 0;
    else if (lua_type(L, 2) == LUA_TSTRING && strcmp(lua_tostring(L, 2), "reverse") == 0)
        dir = -1;
    else
        return gops_lua_fail(L, "set_oneway: direction: expected true (as the map's line is drawn), \"reverse\" or "
                             "false (both ways), found %s",
                          lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : luaL_typename(L, 2));
    gops_error_t err;
    if (gops_traffic_set_oneway(trf, road, dir, &err) != GOPS_OK) return gops_lua_fail(L, "set_oneway: %s", err.message);
    return 0;
}

// ---- signal plans -----------------------------------------------------------------------

static bool is_signal_junction(const gops_feature_t *f, void *user)
{
    (void)user;
    return f->u.junction.control == GOPS_JUNCTION_SIGNAL;
}

/// The road-graph node a junction argument names; raises for unknown or unsignalised ones.
static uint32_t check_junction(lua_State *L, int arg, const char *fn, gops_traffic_t *trf)
{
    const char *name = luaL_checkstring(L, arg);
    const gops_district_t *d = district_of(L);
    int32_t feature = -1;
    for (uint32_t i = 0; i < d->map->feature_count && feature < 0; i++)
        if (d->map->features[i].kind == GOPS_FEAT_JUNCTION && gops_lua_feature_is(&d->map->features[i], name)) feature = (int32_t)i;
    if (feature < 0)
        no_such_feature(L, fn, "signal-controlled junction", name, d->map, GOPS_FEAT_JUNCTION, is_signal_junction, NULL);
    uint32_t node = GOPS_TRAFFIC_NONE;
    for (uint32_t v = 0; v < d->roads->node_count && node == GOPS_TRAFFIC_NONE; v++)
        if (d->roads->nodes[v].junction == feature) node = v;
    if (node == GOPS_TRAFFIC_NONE || !gops_traffic_signal_plan(trf, node, GOPS_MODE_NORMAL)) {
        const gops_feature_t *f = &d->map->features[feature];
        gops_lua_fail(L, "%s: junction \"%s\" is %s, not signal-controlled%s", fn, name,
                   node == GOPS_TRAFFIC_NONE ? "on no road node" : gops_junction_control_name(f->u.junction.control),
                   node == GOPS_TRAFFIC_NONE ? " (check its position in the map)" : "");
    }
    return node;
}

static int check_mode_arg(lua_State *L, int arg, const char *fn)
{
    const char *name = luaL_checkstring(L, arg);
    int m = gops_mode_from_name(name);
    if (m < 0) {
        static const char *const modes[] = {"normal", "holiday", "major_event", "emergency"};
        const char *near = gops_nearest_name(name, modes, 4);
        gops_lua_fail(L, "%s: unknown mode \"%s\"%s%s%s: expected normal, holiday, major_event or emergency", fn, name,
                   near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
    }
    return m;
}

/// Optional number field of the table at idx within [lo, hi]; `dflt` when absent.
static double opt_field(lua_State *L, int idx, const char *key, double dflt, double lo, double hi, const char *what)
{
    lua_getfield(L, idx, key);
    double v = dflt;
    if (!lua_isnil(L, -1)) {
        if (!lua_isnumber(L, -1)) gops_lua_fail(L, "%s: %s: expected a number, found a %s", what, key, luaL_typename(L, -1));
        v = lua_tonumber(L, -1);
        if (!(v >= lo && v <= hi)) gops_lua_fail(L, "%s: %s: %g is out of range: expected %g to %g", what, key, v, lo, hi);
    }
    lua_pop(L, 1);
    return v;
}

static bool road_at_node(const gops_feature_t *f, void *user)
{
    const void **ctx = user;
    return gops_traffic_approach_mask(ctx[0], *(const uint32_t *)ctx[1], feature_key(f)) != 0;
}

/// Approach bits of a phase's `roads` (a name or a list of names) at the node.
static uint32_t read_phase_roads(lua_State *L, int idx, gops_traffic_t *trf, uint32_t node, const char *what)
{
    lua_getfield(L, idx, "roads");
    int t = lua_gettop(L);
    if (lua_isnil(L, t)) gops_lua_fail(L, "%s: roads: expected the roads that get green, e.g. roads = {\"road-jiefang\"}", what);
    bool list = lua_istable(L, t);
    if (!list && lua_type(L, t) != LUA_TSTRING) gops_lua_fail(L, "%s: roads: expected a road name or a list of names", what);
    lua_Integer n = list ? luaL_len(L, t) : 1;
    if (n < 1) gops_lua_fail(L, "%s: roads: expected at least one road", what);
    uint32_t mask = 0;
    for (lua_Integer k = 1; k <= n; k++) {
        if (list) lua_rawgeti(L, t, k);
        if (lua_type(L, -1) != LUA_TSTRING) gops_lua_fail(L, "%s: roads[%d]: expected a road name", what, (int)k);
        const char *road = lua_tostring(L, -1);
        uint32_t m = gops_traffic_approach_mask(trf, node, road);
        if (m == 0) {
            const void *ctx[2] = {trf, &node};
            char inner[200];
            snprintf(inner, sizeof inner, "%s: roads", what);
            no_such_feature(L, inner, "road at this junction", road, district_of(L)->map, GOPS_FEAT_ROAD, road_at_node,
                            (void *)ctx);
        }
        mask |= m;
        if (list) lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return mask;
}

/// Reads a plan table (see API_models.md) for the junction at `node`.
static void read_plan(lua_State *L, int idx, gops_traffic_t *trf, uint32_t node, gops_signal_plan_t *plan)
{
    static const char *const plan_keys[] = {"phases", "cycle", "offset"};
    static const char *const phase_keys[] = {"roads", "green", "share", "yellow", "all_red"};
    gops_lua_check_keys(L, idx, "set_signal_plan: plan", plan_keys, 3);
    memset(plan, 0, sizeof *plan);
    double cycle = opt_field(L, idx, "cycle", NAN, 10, 600, "set_signal_plan: plan");
    plan->offset_s = opt_field(L, idx, "offset", 0, 0, 3600, "set_signal_plan: plan");
    lua_getfield(L, idx, "phases");
    int ph = lua_gettop(L);
    if (!lua_istable(L, ph)) gops_lua_fail(L, "set_signal_plan: plan: phases: expected a list of phases {roads = ..., green = s}");
    lua_Integer n = luaL_len(L, ph);
    if (n < 1 || n > GOPS_SIGNAL_MAX_PHASES)
        gops_lua_fail(L, "set_signal_plan: plan: phases: expected 1 to %d phases, found %d", GOPS_SIGNAL_MAX_PHASES, (int)n);
    plan->phase_count = (uint32_t)n;
    double shares[GOPS_SIGNAL_MAX_PHASES], share_sum = 0, fixed = 0;
    int with_share = 0;
    for (lua_Integer k = 1; k <= n; k++) {
        char what[64];
        snprintf(what, sizeof what, "set_signal_plan: phase %d", (int)k);
        lua_rawgeti(L, ph, k);
        int t = lua_gettop(L);
        if (!lua_istable(L, t)) gops_lua_fail(L, "%s: expected a table {roads = ..., green = s}", what);
        gops_lua_check_keys(L, t, what, phase_keys, 5);
        gops_signal_phase_t *p = &plan->phases[k - 1];
        p->approaches = read_phase_roads(L, t, trf, node, what);
        p->yellow_s = opt_field(L, t, "yellow", GOPS_SIGNAL_YELLOW_S, 0, 10, what);
        p->all_red_s = opt_field(L, t, "all_red", GOPS_SIGNAL_ALL_RED_S, 0, 10, what);
        p->green_s = opt_field(L, t, "green", NAN, 0, 600, what);
        shares[k - 1] = opt_field(L, t, "share", NAN, 1e-6, 1e6, what);
        if (isnan(p->green_s) == isnan(shares[k - 1]))
            gops_lua_fail(L, "%s: give green (s) or share (of the cycle's green time), not %s", what,
                       isnan(p->green_s) ? "neither" : "both");
        if (!isnan(shares[k - 1])) with_share++, share_sum += shares[k - 1];
        fixed += p->yellow_s + p->all_red_s;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (with_share && with_share != n)
        gops_lua_fail(L, "set_signal_plan: plan: either every phase has a share (with cycle = s) or every phase a green time");
    if (with_share) {
        if (isnan(cycle)) gops_lua_fail(L, "set_signal_plan: plan: phases given by share need cycle = s");
        if (!(cycle - fixed > 0))
            gops_lua_fail(L, "set_signal_plan: plan: cycle %g s leaves no green time after %g s of yellow and all-red", cycle,
                       fixed);
        for (uint32_t k = 0; k < plan->phase_count; k++) plan->phases[k].green_s = (cycle - fixed) * shares[k] / share_sum;
    } else if (!isnan(cycle) && fabs(gops_signal_plan_cycle(plan) - cycle) > 1e-6) {
        gops_lua_fail(L, "set_signal_plan: plan: cycle = %g s but the phases add up to %g s (drop cycle, or give shares)", cycle,
                   gops_signal_plan_cycle(plan));
    }
}

/// set_signal_plan(junction, plan | mode_name [, mode]): replaces the junction's fixed-time
/// plan in `mode` (default: every mode). A mode name as plan copies the plan the junction
/// uses in that mode now.
static int lua_set_signal_plan(lua_State *L)
{
    gops_traffic_t *trf = need_traffic(L, "set_signal_plan");
    uint32_t node = check_junction(L, 1, "set_signal_plan", trf);
    int target = lua_isnoneornil(L, 3) ? -1 : check_mode_arg(L, 3, "set_signal_plan");
    gops_signal_plan_t plan;
    if (lua_type(L, 2) == LUA_TSTRING) {
        int from = check_mode_arg(L, 2, "set_signal_plan");
        plan = *gops_traffic_signal_plan(trf, node, (gops_mode_t)from);
    } else if (lua_istable(L, 2)) {
        read_plan(L, 2, trf, node, &plan);
    } else {
        return gops_lua_fail(L, "set_signal_plan: plan: expected a table {phases = {...}} or a mode name, found %s",
                          luaL_typename(L, 2));
    }
    gops_error_t err;
    if (gops_traffic_set_signal_plan(trf, node, target, &plan, &err) != GOPS_OK)
        return gops_lua_fail(L, "set_signal_plan: %s", err.message);
    return 0;
}

/// signal_plan(junction [, mode]) -> {cycle = s, offset = s, phases = {{roads, green, yellow,
/// all_red}, ...}} in `mode` (default: the current mode).
static int lua_signal_plan(lua_State *L)
{
    gops_traffic_t *trf = need_traffic(L, "signal_plan");
    uint32_t node = check_junction(L, 1, "signal_plan", trf);
    gops_mode_t mode = lua_isnoneornil(L, 2) ? gops_world_mode(gops_scenario_self(L)->world)
                                             : (gops_mode_t)check_mode_arg(L, 2, "signal_plan");
    const gops_signal_plan_t *plan = gops_traffic_signal_plan(trf, node, mode);
    const gops_map_t *map = district_of(L)->map;
    lua_createtable(L, 0, 3);
    lua_pushnumber(L, gops_signal_plan_cycle(plan));
    lua_setfield(L, -2, "cycle");
    lua_pushnumber(L, plan->offset_s);
    lua_setfield(L, -2, "offset");
    lua_createtable(L, (int)plan->phase_count, 0);
    for (uint32_t k = 0; k < plan->phase_count; k++) {
        const gops_signal_phase_t *p = &plan->phases[k];
        lua_createtable(L, 0, 4);
        lua_pushnumber(L, p->green_s);
        lua_setfield(L, -2, "green");
        lua_pushnumber(L, p->yellow_s);
        lua_setfield(L, -2, "yellow");
        lua_pushnumber(L, p->all_red_s);
        lua_setfield(L, -2, "all_red");
        lua_newtable(L);
        int r = 0;
        for (uint32_t f = 0; f < map->feature_count; f++) { // map order: stable
            if (map->features[f].kind != GOPS_FEAT_ROAD) continue;
            if (!(gops_traffic_approach_mask(trf, node, feature_key(&map->features[f])) & p->approaches)) continue;
            lua_pushstring(L, feature_key(&map->features[f]));
            lua_rawseti(L, -2, ++r);
        }
        lua_setfield(L, -2, "roads");
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "phases");
    return 1;
}

// ---- double parking ----------------------------------------------------------------------

/// Nearest gateway node (where vehicles can leave the map) to p, or GOPS_TRAFFIC_NONE.
static uint32_t nearest_gateway(const gops_road_graph_t *g, gops_point_t p)
{
    uint32_t best = GOPS_TRAFFIC_NONE;
    double best_d = INFINITY;
    for (uint32_t v = 0; v < g->node_count; v++) {
        if (!g->nodes[v].gateway || g->nodes[v].in_count == 0) continue;
        double d = hypot(g->nodes[v].at.x - p.x, g->nodes[v].at.y - p.y);
        if (d < best_d) best_d = d, best = v;
    }
    return best;
}

/// double_park(road, at_m [, duration [, "reverse"]]) -> vehicle id, or nil when the kerb
/// lane has no room within 28 m. A car stops in the kerb lane at_m metres along the road's
/// line (on the carriageway of the line's direction, or the other with "reverse") for
/// `duration` (default "8m"), then drives on and leaves the map.
static int lua_double_park(lua_State *L)
{
    gops_traffic_t *trf = need_traffic(L, "double_park");
    const char *road = check_road(L, 1, "double_park", trf);
    lua_Number at_m = luaL_checknumber(L, 2);
    double dwell = DOUBLE_PARK_DEFAULT_S;
    if (!lua_isnoneornil(L, 3)) {
        gops_error_t err;
        if (gops_time_parse_duration(luaL_checkstring(L, 3), &dwell, 0, &err) != GOPS_OK)
            return gops_lua_fail(L, "double_park: duration: %s", err.message);
    }
    bool reverse = false;
    if (!lua_isnoneornil(L, 4)) {
        const char *dir = luaL_checkstring(L, 4);
        if (strcmp(dir, "reverse") != 0 && strcmp(dir, "along") != 0)
            return gops_lua_fail(L, "double_park: side: expected \"along\" (the line's direction) or \"reverse\", found \"%s\"",
                              dir);
        reverse = dir[0] == 'r';
    }
    const gops_district_t *d = district_of(L);
    const gops_road_graph_t *g = d->roads;
    const gops_road_info_t *info = NULL;
    for (uint32_t r = 0; r < g->road_count && !info; r++)
        if (gops_lua_feature_is(&d->map->features[g->roads[r].feature], road)) info = &g->roads[r];
    if (!info || info->edge_count == 0) return gops_lua_fail(L, "double_park: road \"%s\" has no segments", road);
    double total = 0;
    for (uint32_t e = info->first_edge; e < info->first_edge + info->edge_count; e++) total += g->edges[e].length_m;
    if (!(at_m >= 0 && at_m <= total))
        return gops_lua_fail(L, "double_park: at_m %g is off road \"%s\": expected 0 to %.1f m along its line", at_m, road,
                          total);
    uint32_t edge = info->first_edge + info->edge_count - 1;
    double start = 0;
    for (uint32_t e = info->first_edge; e < info->first_edge + info->edge_count; e++) {
        if (at_m < start + g->edges[e].length_m) {
            edge = e;
            break;
        }
        if (e + 1 < info->first_edge + info->edge_count) start += g->edges[e].length_m;
    }
    const gops_road_edge_t *E = &g->edges[edge];
    if (reverse && E->oneway)
        return gops_lua_fail(L, "double_park: road \"%s\" is one-way here: vehicles drive only along its line", road);
    double s = reverse ? E->length_m - (at_m - start) : at_m - start;
    uint32_t arc = 2 * edge + (reverse ? 1 : 0);
    // Where to leave afterwards: the gateway nearest to the spot.
    const gops_path_t *line = &d->map->features[E->road].u.road.line;
    uint32_t exit_node = nearest_gateway(g, line->pts[E->first_vertex]);
    uint32_t id = 0;
    for (double off = 0; id == 0 && off <= DOUBLE_PARK_SEARCH_M; off += DOUBLE_PARK_STEP_M) {
        id = gops_traffic_spawn(trf, GOPS_VCLASS_CAR, arc, 0, s + off, 0, exit_node);
        if (id == 0 && off > 0) id = gops_traffic_spawn(trf, GOPS_VCLASS_CAR, arc, 0, s - off, 0, exit_node);
    }
    if (id == 0) {
        lua_pushnil(L);
        return 1;
    }
    gops_traffic_double_park(trf, id, dwell);
    lua_pushinteger(L, id);
    return 1;
}

// ---- queries -------------------------------------------------------------------------------

/// congestion_index() -> the district's index 0–10 now, and its band ("smooth", ...).
static int lua_congestion_index(lua_State *L)
{
    gops_traffic_counts_t c;
    gops_traffic_counts(need_traffic(L, "congestion_index"), &c);
    lua_pushnumber(L, c.congestion_index);
    lua_pushstring(L, gops_traffic_congestion_band(c.congestion_index));
    return 2;
}

/// vehicles() -> motor vehicles in the network now.
static int lua_vehicles(lua_State *L)
{
    gops_traffic_counts_t c;
    gops_traffic_counts(need_traffic(L, "vehicles"), &c);
    lua_pushinteger(L, c.vehicles);
    return 1;
}

/// road_vehicles(road [, {x, y}]) -> motor vehicles on the road (or the segment nearest to
/// the point) now, both directions.
static int lua_road_vehicles(lua_State *L)
{
    gops_traffic_t *trf = need_traffic(L, "road_vehicles");
    const char *road = check_road(L, 1, "road_vehicles", trf);
    uint32_t *arcs;
    uint32_t n = select_arcs(L, trf, road, 2, "road_vehicles", &arcs);
    double sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        gops_traffic_arc_measures_t m;
        gops_traffic_arc_measures(trf, arcs[i], &m);
        sum += m.vehicles;
    }
    lua_pushinteger(L, (lua_Integer)llround(sum));
    return 1;
}

/// Flow-weighted sums over a road's arcs for the last five measurement windows: distance
/// driven, time taken, and free-flow time of the same trips.
typedef struct road_sums {
    double dist, time, free_time, actual_time;
} road_sums_t;

static road_sums_t road_sums(lua_State *L, gops_traffic_t *trf, const char *road, const char *fn)
{
    const gops_road_graph_t *g = district_of(L)->roads;
    uint32_t *arcs;
    uint32_t n = select_arcs(L, trf, road, 2, fn, &arcs);
    road_sums_t s = {0};
    for (uint32_t i = 0; i < n; i++) {
        gops_traffic_arc_measures_t m;
        gops_traffic_arc_measures(trf, arcs[i], &m);
        const gops_road_edge_t *E = &g->edges[arcs[i] / 2];
        if (!(m.flow_vph > 0) || !(m.mean_speed_mps > 0)) continue;
        s.dist += m.flow_vph * E->length_m;
        s.time += m.flow_vph * E->length_m / m.mean_speed_mps;
        s.free_time += m.flow_vph * E->free_time_s;
        s.actual_time += m.flow_vph * E->free_time_s * m.tti;
    }
    return s;
}

/// road_speed(road [, {x, y}]) -> space-mean speed of motor vehicles on the road (or the
/// segment nearest to the point) over the last five minutes (m/s): distance driven / time
/// taken, segments weighted by their flow; the speed limit when nobody drove it.
static int lua_road_speed(lua_State *L)
{
    gops_traffic_t *trf = need_traffic(L, "road_speed");
    const char *road = check_road(L, 1, "road_speed", trf);
    road_sums_t s = road_sums(L, trf, road, "road_speed");
    if (s.time > 0) {
        lua_pushnumber(L, s.dist / s.time);
        return 1;
    }
    const gops_district_t *d = district_of(L);
    for (uint32_t f = 0; f < d->map->feature_count; f++)
        if (d->map->features[f].kind == GOPS_FEAT_ROAD && gops_lua_feature_is(&d->map->features[f], road)) {
            lua_pushnumber(L, d->map->features[f].u.road.speed_kmh / 3.6);
            return 1;
        }
    return gops_lua_fail(L, "road_speed: road \"%s\" vanished from the map", road); // not reached
}

/// road_tti(road [, {x, y}]) -> travel time index of the road (or the segment nearest to the
/// point) over the last five minutes (actual / free-flow time of the trips on it; 1 when
/// nobody drove it) and its congestion index 0–10.
static int lua_road_tti(lua_State *L)
{
    gops_traffic_t *trf = need_traffic(L, "road_tti");
    const char *road = check_road(L, 1, "road_tti", trf);
    road_sums_t s = road_sums(L, trf, road, "road_tti");
    double tti = s.free_time > 0 ? s.actual_time / s.free_time : 1.0;
    lua_pushnumber(L, tti);
    lua_pushnumber(L, gops_traffic_congestion_index(tti));
    return 2;
}

static void set_number(lua_State *L, const char *key, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, key);
}

static void set_integer(lua_State *L, const char *key, uint64_t v)
{
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, key);
}

/// traffic_counts() -> a table of the model's counts (see API_models.md).
static int lua_traffic_counts(lua_State *L)
{
    gops_traffic_counts_t c;
    gops_traffic_counts(need_traffic(L, "traffic_counts"), &c);
    lua_createtable(L, 0, 24);
    set_integer(L, "vehicles", c.vehicles);
    set_integer(L, "cars", c.by_class[GOPS_VCLASS_CAR]);
    set_integer(L, "taxis", c.by_class[GOPS_VCLASS_TAXI]);
    set_integer(L, "buses", c.by_class[GOPS_VCLASS_BUS]);
    set_integer(L, "vans", c.by_class[GOPS_VCLASS_VAN]);
    set_integer(L, "ebikes", c.by_class[GOPS_VCLASS_EBIKE]);
    set_integer(L, "entered", c.vehicles_entered);
    set_integer(L, "trips", c.trips_completed);
    set_number(L, "mean_trip_time_s", c.mean_trip_time_s);
    set_integer(L, "double_parked", c.double_parked);
    set_integer(L, "ebikes_on_sidewalks", c.ebikes_on_sidewalks);
    set_number(L, "lane_minutes_blocked", c.lane_minutes_blocked);
    set_integer(L, "pedestrians_crossed", c.pedestrians_crossed);
    set_integer(L, "pedestrians_on_red", c.pedestrians_on_red);
    set_number(L, "vehicle_delay_pedestrians_s", c.vehicle_delay_pedestrians_s);
    set_integer(L, "entry_queue", c.entry_queue);
    set_integer(L, "removed_stuck", c.removed_stuck);
    set_integer(L, "garage_spaces", c.garage_spaces);
    set_integer(L, "garage_occupied", c.garage_occupied);
    set_integer(L, "cruising", c.cruising);
    set_integer(L, "bus_departures", c.bus_departures);
    set_integer(L, "bus_stops_served", c.bus_stops_served);
    set_number(L, "tti", c.tti);
    set_number(L, "congestion_index", c.congestion_index);
    return 1;
}

// ---- lab road networks (road_lab{}) and their measuring tools -----------------------------

static const char *const road_class_names[] = {"arterial", "secondary", "local", "service"};
static const char *const control_names[] = {"priority", "signal", "yield", "roundabout"};

/// Index of `name` in names[count], or a Lua error listing them.
static int check_option(lua_State *L, const char *name, const char *fn, const char *what, const char *const *names,
                        size_t count)
{
    for (size_t k = 0; k < count; k++)
        if (strcmp(names[k], name) == 0) return (int)k;
    return gops_lua_unknown_name(L, fn, what, name, names, count);
}

/// {x, y} at stack index idx.
static gops_point_t read_xy(lua_State *L, int idx, const char *what)
{
    if (!lua_istable(L, idx)) gops_lua_fail(L, "%s: expected a point {x, y} in metres, found %s", what, luaL_typename(L, idx));
    gops_point_t p = {read_coordinate(L, idx, 1, what), read_coordinate(L, idx, 2, what)};
    if (fabs(p.x) > 1e5 || fabs(p.y) > 1e5) gops_lua_fail(L, "%s: the point (%g, %g) is beyond ±100000 m", what, p.x, p.y);
    return p;
}

/// Pushes a list of the string keys of the table at idx in sorted order (pairs() order is
/// random in Lua 5.4, and feature order decides node numbering); returns its index.
static int sorted_keys(lua_State *L, int idx, const char *what)
{
    lua_newtable(L);
    int names = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) gops_lua_fail(L, "%s: expected name = value entries", what);
        lua_pushvalue(L, -1);
        lua_rawseti(L, names, luaL_len(L, names) + 1);
    }
    lua_getglobal(L, "table");
    lua_getfield(L, -1, "sort");
    lua_pushvalue(L, names);
    lua_call(L, 1, 0);
    lua_pop(L, 1);
    return names;
}

/// Optional number field of the table at idx (no range: the caller checks); dflt when absent.
static double number_field(lua_State *L, int idx, const char *key, double dflt, const char *what)
{
    lua_getfield(L, idx, key);
    double v = dflt;
    if (!lua_isnil(L, -1)) {
        if (!lua_isnumber(L, -1)) gops_lua_fail(L, "%s: %s: expected a number, found a %s", what, key, luaL_typename(L, -1));
        v = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    return v;
}

static void lab_roads(lua_State *L, gops_map_t *map)
{
    static const char *const road_keys[] = {"id", "points", "lanes", "speed_kmh", "oneway", "class"};
    lua_getfield(L, 1, "roads");
    int list = lua_gettop(L);
    if (!lua_istable(L, list)) gops_lua_fail(L, "road_lab: roads: expected a list of roads {id = ..., points = {x1, y1, x2, y2, ...}}");
    lua_Integer n = luaL_len(L, list);
    if (n < 1 || n > 10000) gops_lua_fail(L, "road_lab: roads: expected 1 to 10000 roads, found %lld", (long long)n);
    for (lua_Integer r = 1; r <= n; r++) {
        char what[64];
        snprintf(what, sizeof what, "road_lab: roads[%lld]", (long long)r);
        lua_rawgeti(L, list, r);
        int t = lua_gettop(L);
        if (!lua_istable(L, t)) gops_lua_fail(L, "%s: expected a table {id = ..., points = {...}}", what);
        gops_lua_check_keys(L, t, what, road_keys, sizeof road_keys / sizeof *road_keys);
        gops_lab_road_t road = {.road_class = GOPS_ROAD_SECONDARY, .lanes = 1, .speed_kmh = 50};
        lua_getfield(L, t, "id");
        if (lua_type(L, -1) != LUA_TSTRING) gops_lua_fail(L, "%s: id: expected a name", what);
        road.id = lua_tostring(L, -1); // anchored on the stack below
        if (gops_map_find_id(map, road.id) >= 0) gops_lua_fail(L, "%s: id \"%s\" is used twice", what, road.id);
        lua_getfield(L, t, "points");
        int pts = lua_gettop(L);
        if (!lua_istable(L, pts)) gops_lua_fail(L, "%s: points: expected {x1, y1, x2, y2, ...} in metres", what);
        lua_Integer k = luaL_len(L, pts);
        if (k < 4 || k % 2 != 0 || k > 200000)
            gops_lua_fail(L, "%s: points: expected at least 2 points as {x1, y1, x2, y2, ...}, found %lld numbers", what,
                          (long long)k);
        gops_point_t *xy = lua_newuserdatauv(L, (size_t)(k / 2) * sizeof *xy, 0);
        for (lua_Integer i = 0; i < k / 2; i++)
            xy[i] = (gops_point_t){read_coordinate(L, pts, (int)(2 * i + 1), what), read_coordinate(L, pts, (int)(2 * i + 2), what)};
        road.pts = xy;
        road.count = (uint32_t)(k / 2);
        double lanes = number_field(L, t, "lanes", 1, what);
        if (!(lanes >= 1 && lanes <= 16 && lanes == floor(lanes))) gops_lua_fail(L, "%s: lanes: expected a whole number 1 to 16", what);
        road.lanes = (int)lanes;
        road.speed_kmh = number_field(L, t, "speed_kmh", 50, what);
        if (!(road.speed_kmh > 0 && road.speed_kmh <= 150)) gops_lua_fail(L, "%s: speed_kmh: expected (0, 150] km/h", what);
        lua_getfield(L, t, "oneway");
        if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TBOOLEAN) gops_lua_fail(L, "%s: oneway: expected true or false", what);
        road.oneway = lua_toboolean(L, -1);
        lua_getfield(L, t, "class");
        if (!lua_isnil(L, -1))
            road.road_class = (gops_road_class_t)check_option(L, luaL_checkstring(L, -1), what, "road class", road_class_names, 4);
        gops_error_t err;
        if (gops_lab_add_road(map, &road, &err) < 0) gops_lua_fail(L, "%s: %s", what, err.message);
        lua_settop(L, list);
    }
    lua_pop(L, 1);
}

static void lab_points(lua_State *L, gops_map_t *map, const char *key)
{
    bool junctions = key[0] == 'j';
    lua_getfield(L, 1, key);
    int t = lua_gettop(L);
    if (lua_isnil(L, t)) {
        lua_pop(L, 1);
        return;
    }
    if (!lua_istable(L, t))
        gops_lua_fail(L, "road_lab: %s: expected name = %s entries", key, junctions ? "{at = {x, y}, control = ...}" : "{x, y}");
    int names = sorted_keys(L, t, junctions ? "road_lab: junctions" : "road_lab: gateways");
    lua_Integer n = luaL_len(L, names);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, names, i);
        const char *name = lua_tostring(L, -1);
        char what[128];
        snprintf(what, sizeof what, "road_lab: %s.%.60s", key, name);
        if (gops_map_find_id(map, name) >= 0) gops_lua_fail(L, "%s: the name \"%s\" is used twice", what, name);
        lua_gettable(L, t);
        int v = lua_gettop(L);
        gops_error_t err;
        int32_t f;
        lua_rawgeti(L, names, i);
        name = lua_tostring(L, -1);
        if (junctions) {
            static const char *const keys[] = {"at", "control"};
            if (!lua_istable(L, v)) gops_lua_fail(L, "%s: expected {at = {x, y}, control = \"signal\"}", what);
            gops_lua_check_keys(L, v, what, keys, 2);
            lua_getfield(L, v, "at");
            gops_point_t at = read_xy(L, lua_gettop(L), what);
            lua_getfield(L, v, "control");
            int control = lua_isnil(L, -1) ? GOPS_JUNCTION_SIGNAL
                                           : check_option(L, luaL_checkstring(L, -1), what, "control", control_names, 4);
            f = gops_lab_add_junction(map, name, at, (gops_junction_control_t)control, &err);
        } else {
            f = gops_lab_add_gateway(map, name, read_xy(L, v, what), &err);
        }
        if (f < 0) gops_lua_fail(L, "%s: %s", what, err.message);
        lua_settop(L, names);
    }
    lua_settop(L, t - 1);
}

/// Car-following parameters of the lab's cars (the car class), for validation set-ups.
static void lab_cars(lua_State *L, gops_traffic_params_t *p)
{
    static const char *const keys[] = {"accel", "decel", "jam_gap_m", "length_m", "speed_factor", "speed_spread", "time_gap_s"};
    lua_getfield(L, 1, "cars");
    int t = lua_gettop(L);
    if (lua_isnil(L, t)) {
        lua_pop(L, 1);
        return;
    }
    if (!lua_istable(L, t)) gops_lua_fail(L, "road_lab: cars: expected a table {time_gap_s = 1.5, accel = 1.0, ...}");
    gops_lua_check_keys(L, t, "road_lab: cars", keys, sizeof keys / sizeof *keys);
    gops_vclass_params_t *c = &p->vclass[GOPS_VCLASS_CAR];
    struct { const char *key; float *to; double lo, hi; } f[] = {
        {"time_gap_s", &c->T, 0, 5}, {"accel", &c->a, 0.1, 5}, {"decel", &c->b, 0.1, 9}, {"jam_gap_m", &c->s0, 0, 10},
        {"length_m", &c->length, 2, 20}, {"speed_factor", &c->v0_factor, 0.3, 1.5}, {"speed_spread", &c->v0_spread, 0, 0.5},
    };
    for (size_t k = 0; k < sizeof f / sizeof *f; k++) {
        double v = number_field(L, t, f[k].key, *f[k].to, "road_lab: cars");
        if (!(v >= f[k].lo && v <= f[k].hi))
            gops_lua_fail(L, "road_lab: cars: %s: %g is out of range: expected %g to %g", f[k].key, v, f[k].lo, f[k].hi);
        *f[k].to = (float)v;
    }
    lua_pop(L, 1);
}

/// road_lab{ roads = {{id =, points = {x1, y1, ...}, lanes = 1, speed_kmh = 50, oneway = false,
/// class = "secondary"}, ...}, junctions = {name = {at = {x, y}, control = "signal"}},
/// gateways = {name = {x, y}}, cars = {time_gap_s =, accel =, ...} }: a road network in metres
/// instead of a map. The run gets traffic on it (no profile demand: feed() and
/// place_vehicles() bring the vehicles), no incidents or vendors.
static int lua_road_lab(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    if (sc->world) return gops_lua_fail(L, "road_lab{} may only be declared while the scenario file loads");
    if (sc->lab.map) return gops_lua_fail(L, "road_lab{}: a lab is declared already (lab{} or road_lab{}): a scenario has one");
    if (sc->def.map_path[0]) return gops_lua_fail(L, "road_lab{}: the scenario already has a map; use one or the other");
    static const char *const keys[] = {"cars", "gateways", "junctions", "roads"};
    gops_lua_check_keys(L, 1, "road_lab", keys, 4);
    gops_map_t *map = gops_map_new(sc->def.path);
    if (!map) return gops_lua_fail(L, "road_lab: not enough memory");
    sc->lab.map = map; // the scenario owns it from here and frees it if we raise
    lab_roads(L, map);
    lab_points(L, map, "junctions");
    lab_points(L, map, "gateways");
    gops_error_t err;
    if (gops_lab_finish(map, &err) != GOPS_OK) return gops_lua_fail(L, "road_lab: %s", err.message);
    lab_cars(L, &sc->def.traffic_params);
    return 0;
}

/// Arcs of the roads given at `arg` (a name or a list of names), in order, along each road's
/// line (or against it with reverse); raises for unknown roads or closed directions.
static uint32_t chain_arcs(lua_State *L, gops_traffic_t *trf, int idx, bool reverse, const char *fn, uint32_t **out)
{
    bool list = lua_istable(L, idx);
    lua_Integer n = list ? luaL_len(L, idx) : 1;
    if (n < 1 || n > 1000) gops_lua_fail(L, "%s: roads: expected a road name or a list of 1 to 1000 names", fn);
    uint32_t total = 0;
    for (lua_Integer k = 1; k <= n; k++) {
        if (list) lua_rawgeti(L, idx, k);
        else lua_pushvalue(L, idx);
        total += gops_traffic_road_arcs(trf, check_road(L, lua_gettop(L), fn, trf), NULL, 0);
        lua_pop(L, 1);
    }
    uint32_t *arcs = lua_newuserdatauv(L, (total ? total : 1) * sizeof *arcs, 0);
    uint32_t *tmp = lua_newuserdatauv(L, (total ? total : 1) * sizeof *tmp, 0);
    uint32_t used = 0;
    for (lua_Integer k = 1; k <= n; k++) {
        if (list) lua_rawgeti(L, idx, k);
        else lua_pushvalue(L, idx);
        const char *road = lua_tostring(L, -1);
        uint32_t m = gops_traffic_road_arcs(trf, road, tmp, total);
        // Arcs ascend by edge: even ones run along the line, odd ones against it.
        for (uint32_t j = 0; j < m; j++) {
            uint32_t a = tmp[reverse ? m - 1 - j : j];
            if ((a & 1u) != (reverse ? 1u : 0u)) continue;
            if (isinf(gops_traffic_arc_time(trf, a)))
                gops_lua_fail(L, "%s: road \"%s\" is closed %s its line here (one-way or closed)", fn, road,
                              reverse ? "against" : "along");
            arcs[used++] = a;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1); // tmp
    *out = arcs;
    return used;
}

/// place_vehicles{ roads = name | {names...}, count =, speed = 0, lane = 0, reverse = false }
/// -> cars placed: `count` cars evenly along the chain of the roads (along their lines, or
/// against with reverse), each driving on at random, never leaving.
static int lua_place_vehicles(lua_State *L)
{
    gops_traffic_t *trf = need_traffic(L, "place_vehicles");
    luaL_checktype(L, 1, LUA_TTABLE);
    static const char *const keys[] = {"count", "lane", "reverse", "roads", "speed"};
    gops_lua_check_keys(L, 1, "place_vehicles", keys, 5);
    double count = number_field(L, 1, "count", NAN, "place_vehicles");
    if (!(count >= 1 && count <= 100000 && count == floor(count)))
        return gops_lua_fail(L, "place_vehicles: count: expected a whole number 1 to 100000");
    double v = number_field(L, 1, "speed", 0, "place_vehicles");
    if (!(v >= 0 && v <= 60)) return gops_lua_fail(L, "place_vehicles: speed: expected 0 to 60 m/s");
    double lane = number_field(L, 1, "lane", 0, "place_vehicles");
    if (!(lane >= 0 && lane < 16 && lane == floor(lane))) return gops_lua_fail(L, "place_vehicles: lane: expected 0 (kerb) to 15");
    lua_getfield(L, 1, "reverse");
    bool reverse = lua_toboolean(L, -1);
    lua_getfield(L, 1, "roads");
    uint32_t *arcs;
    uint32_t n = chain_arcs(L, trf, lua_gettop(L), reverse, "place_vehicles", &arcs);
    lua_pushinteger(L, gops_traffic_place(trf, arcs, n, (uint32_t)count, (uint32_t)lane, v));
    return 1;
}

/// The gateway node a feed end names: a gateway of road_lab{} (or any map feature) by id,
/// or a point {x, y}; raises when no gateway node lies within 30 m of it.
static uint32_t check_gateway(lua_State *L, int idx, gops_traffic_t *trf, const char *what)
{
    gops_point_t p;
    if (lua_type(L, idx) == LUA_TSTRING) {
        const gops_map_t *map = district_of(L)->map;
        int32_t f = gops_map_find_id(map, lua_tostring(L, idx));
        if (f < 0) no_such_feature(L, what, "gateway", lua_tostring(L, idx), map, GOPS_FEAT_TRANSIT, NULL, NULL);
        p = map->features[f].at;
    } else {
        p = read_xy(L, idx, what);
    }
    uint32_t node = gops_traffic_node_near(trf, p.x, p.y, GOPS_ROAD_GATEWAY_M);
    if (node == GOPS_TRAFFIC_NONE || !district_of(L)->roads->nodes[node].gateway)
        gops_lua_fail(L, "%s: no gateway (a road end with a transit point of mode edge) within %.0f m of (%.1f, %.1f)", what,
                      GOPS_ROAD_GATEWAY_M, p.x, p.y);
    return node;
}

/// feed{ from = gateway, to = gateway, per_hour = q, keep = n }: cars enter at `from` and
/// leave at `to`, q per hour evenly spaced and/or n kept waiting to enter (saturation).
/// Calling it again for the same pair replaces it; per_hour = 0 and keep = 0 stop it.
static int lua_feed(lua_State *L)
{
    gops_traffic_t *trf = need_traffic(L, "feed");
    luaL_checktype(L, 1, LUA_TTABLE);
    static const char *const keys[] = {"from", "keep", "per_hour", "to"};
    gops_lua_check_keys(L, 1, "feed", keys, 4);
    lua_getfield(L, 1, "from");
    uint32_t from = check_gateway(L, lua_gettop(L), trf, "feed: from");
    lua_getfield(L, 1, "to");
    uint32_t to = check_gateway(L, lua_gettop(L), trf, "feed: to");
    double per_hour = number_field(L, 1, "per_hour", 0, "feed");
    double keep = number_field(L, 1, "keep", 0, "feed");
    if (!(keep >= 0 && keep <= 500 && keep == floor(keep))) return gops_lua_fail(L, "feed: keep: expected a whole number 0 to 500");
    gops_error_t err;
    if (gops_traffic_set_feed(trf, from, to, per_hour, (uint32_t)keep, &err) != GOPS_OK)
        return gops_lua_fail(L, "feed: %s", err.message);
    return 0;
}

/// detector(name, road, {x, y}): a loop detector across the road's segment nearest to the
/// point (both directions), where the point projects onto it.
static int lua_detector(lua_State *L)
{
    gops_traffic_t *trf = need_traffic(L, "detector");
    const char *name = luaL_checkstring(L, 1);
    const char *road = check_road(L, 2, "detector", trf);
    uint32_t e = pick_segment(L, trf, road, 3, "detector");
    gops_point_t p = {read_coordinate(L, 3, 1, "detector"), read_coordinate(L, 3, 2, "detector")};
    const gops_district_t *d = district_of(L);
    const gops_road_edge_t *E = &d->roads->edges[e];
    const gops_path_t *line = &d->map->features[E->road].u.road.line;
    double best = INFINITY, s_best = 0, run = 0;
    for (uint32_t v = E->first_vertex; v < E->last_vertex && v + 1 < line->count; v++) {
        gops_point_t c;
        double dist = gops_point_segment_distance(p, line->pts[v], line->pts[v + 1], &c);
        if (dist < best) best = dist, s_best = run + hypot(c.x - line->pts[v].x, c.y - line->pts[v].y);
        run += hypot(line->pts[v + 1].x - line->pts[v].x, line->pts[v + 1].y - line->pts[v].y);
    }
    gops_error_t err;
    if (gops_traffic_add_detector(trf, name, e, fmin(s_best, E->length_m), &err) != GOPS_OK)
        return gops_lua_fail(L, "detector: %s", err.message);
    return 0;
}

static void check_detector(lua_State *L, gops_traffic_t *trf, const char *fn, const char *name,
                           gops_traffic_detector_info_t *info)
{
    if (!gops_traffic_detector(trf, name, info))
        gops_lua_fail(L, "%s: unknown detector \"%s\" (declare it with detector(name, road, {x, y}))", fn, name);
}

/// detector_count(name) -> vehicles that passed, and the time of the last passage (s since
/// the start; nil before the first).
static int lua_detector_count(lua_State *L)
{
    gops_traffic_t *trf = need_traffic(L, "detector_count");
    gops_traffic_detector_info_t info;
    check_detector(L, trf, "detector_count", luaL_checkstring(L, 1), &info);
    lua_pushinteger(L, (lua_Integer)info.count);
    if (info.count) lua_pushnumber(L, info.last_s);
    else lua_pushnil(L);
    return 2;
}

/// detector_times(name) -> {t1, t2, ...}: every passage time (s since the start), in order.
static int lua_detector_times(lua_State *L)
{
    gops_traffic_t *trf = need_traffic(L, "detector_times");
    const char *name = luaL_checkstring(L, 1);
    gops_traffic_detector_info_t info;
    check_detector(L, trf, "detector_times", name, &info);
    if (info.count > 1000000) return gops_lua_fail(L, "detector_times: \"%s\" has %llu passages: more than a list holds",
                                                   name, (unsigned long long)info.count);
    uint32_t n = (uint32_t)info.count;
    double *t = lua_newuserdatauv(L, (n ? n : 1) * sizeof *t, 0);
    gops_traffic_detector_times(trf, name, t, n);
    lua_createtable(L, (int)n, 0);
    for (uint32_t k = 0; k < n; k++) {
        lua_pushnumber(L, t[k]);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

/// road_flow(road [, {x, y}]) -> veh/h of motor vehicles leaving the road's segment nearest
/// to the point (both directions added) over the last five measurement windows; without a
/// point, the mean over the road's segments.
static int lua_road_flow(lua_State *L)
{
    gops_traffic_t *trf = need_traffic(L, "road_flow");
    const char *road = check_road(L, 1, "road_flow", trf);
    uint32_t *arcs;
    uint32_t n = select_arcs(L, trf, road, 2, "road_flow", &arcs);
    double sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        gops_traffic_arc_measures_t m;
        gops_traffic_arc_measures(trf, arcs[i], &m);
        sum += m.flow_vph;
    }
    lua_pushnumber(L, n ? sum / (n / 2.0) : 0.0); // two arcs per segment
    return 1;
}

void gops_lua_traffic_register_api(gops_scenario_t *sc)
{
    gops_scenario_register(sc, "road_lab", lua_road_lab);
    gops_scenario_register(sc, "place_vehicles", lua_place_vehicles);
    gops_scenario_register(sc, "feed", lua_feed);
    gops_scenario_register(sc, "detector", lua_detector);
    gops_scenario_register(sc, "detector_count", lua_detector_count);
    gops_scenario_register(sc, "detector_times", lua_detector_times);
    gops_scenario_register(sc, "road_flow", lua_road_flow);
    gops_scenario_register(sc, "close_road", lua_close_road);
    gops_scenario_register(sc, "open_road", lua_open_road);
    gops_scenario_register(sc, "set_oneway", lua_set_oneway);
    gops_scenario_register(sc, "set_signal_plan", lua_set_signal_plan);
    gops_scenario_register(sc, "signal_plan", lua_signal_plan);
    gops_scenario_register(sc, "double_park", lua_double_park);
    gops_scenario_register(sc, "congestion_index", lua_congestion_index);
    gops_scenario_register(sc, "vehicles", lua_vehicles);
    gops_scenario_register(sc, "road_vehicles", lua_road_vehicles);
    gops_scenario_register(sc, "road_speed", lua_road_speed);
    gops_scenario_register(sc, "road_tti", lua_road_tti);
    gops_scenario_register(sc, "traffic_counts", lua_traffic_counts);
}
