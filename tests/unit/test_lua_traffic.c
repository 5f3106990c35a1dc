// SPDX-License-Identifier: MIT
// The scenario bindings of the traffic model, end to end on the Erqi map: a closed road
// empties and fills again when opened, a closed segment empties alone, one-way rules empty
// the other direction, signal plans reach the model per mode, an injected double-parked
// car stands where asked and leaves, queries agree with the model, and errors carry
// file:line and the nearest valid name.
#include "fixture.h"

#include "scenario/lua_models.h"
#include "scenario/scenario_internal.h"
#include "ops/ops.h"
#include "traffic/traffic.h"
#include "world/geometry.h"
#include "world/world_internal.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// A scenario driven tick by tick the way the session drives it (hooks, step, on-hooks).
typedef struct run {
    gops_scenario_t *sc;
    gops_world_t *world;
    gops_traffic_t *trf;
    lua_State *L;
} run_t;

static void start(run_t *r, const char *body, bool traffic, bool demand)
{
    static char text[16384], path[1100];
    snprintf(text, sizeof text,
             "scenario{ name = \"t\", start = \"2025-03-04 17:00\", duration = \"2h\", seed = 3, tick = \"0.5s\",\n"
             "  map = \"%s\", nav_cell_m = 2 }\n%s",
             gops_test_source_path("assets/maps/erqi.geojson"), body);
    char *dir = gops_test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    snprintf(path, sizeof path, "%s/s.lua", dir);
    free(dir);
    ck_assert_int_eq(gops_test_write_file(path, text), 0);
    gops_error_t err;
    memset(r, 0, sizeof *r);
    r->sc = gops_scenario_load(path, NULL, 0, &err);
    ck_assert_msg(r->sc != NULL, "%s", err.message);
    // Registered here as well as by the scenario loader (registering twice is harmless).
    gops_lua_traffic_register_api(r->sc);
    gops_lua_ops_register_api(r->sc);
    const gops_scenario_def_t *def = gops_scenario_def(r->sc);
    gops_world_def_t wd = gops_world_def_default();
    wd.seed = def->seed;
    wd.tick_s = def->tick_s;
    wd.start = def->start;
    wd.mode = def->mode;
    wd.map_path = def->map_path;
    wd.nav_cell_m = def->nav_cell_m;
    wd.threads = 1;
    r->world = gops_world_create(&wd, &err);
    ck_assert_msg(r->world != NULL, "%s", err.message);
    if (traffic) {
        gops_traffic_params_t p = gops_traffic_params_default();
        p.demand = demand;
        p.warm_up_s = demand ? 300 : 0;
        r->trf = gops_traffic_attach(r->world, &p, &err);
        ck_assert_msg(r->trf != NULL, "%s", err.message);
    }
    ck_assert_msg(gops_scenario_attach(r->sc, r->world, &err) == GOPS_OK, "%s", err.message);
    r->L = gops_sandbox_state(r->sc->sb);
}

static void finish(run_t *r)
{
    gops_world_destroy(r->world);
    gops_scenario_destroy(r->sc);
}

/// One tick as the session runs it; returns the status (err set on failure).
static gops_status_t tick(run_t *r, gops_error_t *err)
{
    gops_status_t st = gops_scenario_before_tick(r->sc, err);
    if (st != GOPS_OK) return st;
    gops_world_step(r->world);
    return gops_scenario_after_tick(r->sc, err);
}

static void run_for(run_t *r, double seconds)
{
    uint64_t n = (uint64_t)llround(seconds / gops_world_tick_seconds(r->world));
    for (uint64_t i = 0; i < n; i++) {
        gops_error_t err;
        gops_status_t st = tick(r, &err);
        ck_assert_msg(st == GOPS_OK, "%s", err.message);
    }
}

/// Runs until a hook fails (within `seconds`) and returns its message.
static const char *run_until_error(run_t *r, double seconds)
{
    static gops_error_t err;
    uint64_t n = (uint64_t)llround(seconds / gops_world_tick_seconds(r->world));
    for (uint64_t i = 0; i < n; i++)
        if (tick(r, &err) != GOPS_OK) return err.message;
    ck_abort_msg("no error within %g s", seconds);
    return NULL;
}

/// Global number `name` of the scenario (a top-level local cannot be read, so tests keep
/// results in top-level globals).
static double global_number(run_t *r, const char *name)
{
    lua_getglobal(r->L, name);
    ck_assert_msg(lua_isnumber(r->L, -1), "global %s is not a number", name);
    double v = lua_tonumber(r->L, -1);
    lua_pop(r->L, 1);
    return v;
}

/// Element i (1-based) of the global list `name`.
static double list_number(run_t *r, const char *name, int i)
{
    lua_getglobal(r->L, name);
    ck_assert(lua_istable(r->L, -1));
    lua_rawgeti(r->L, -1, i);
    ck_assert_msg(lua_isnumber(r->L, -1), "%s[%d] is not a number", name, i);
    double v = lua_tonumber(r->L, -1);
    lua_pop(r->L, 2);
    return v;
}

static int list_length(run_t *r, const char *name)
{
    lua_getglobal(r->L, name);
    ck_assert(lua_istable(r->L, -1));
    int n = (int)luaL_len(r->L, -1);
    lua_pop(r->L, 1);
    return n;
}

static uint32_t road_index(const gops_road_graph_t *g, const gops_map_t *map, const char *id)
{
    for (uint32_t i = 0; i < g->road_count; i++)
        if (strcmp(map->features[g->roads[i].feature].id, id) == 0) return i;
    ck_abort_msg("no road %s", id);
    return 0;
}

/// Motor vehicles on the arcs of road-graph edge e (both directions), from the model.
static double edge_vehicles(const run_t *r, uint32_t e)
{
    gops_traffic_arc_measures_t a, b;
    gops_traffic_arc_measures(r->trf, 2 * e, &a);
    gops_traffic_arc_measures(r->trf, 2 * e + 1, &b);
    return a.vehicles + b.vehicles;
}

// ---- closures ------------------------------------------------------------------------------

// Renmin Road, an arterial, carries traffic at 17:00; closed at 17:10 it empties as the
// drivers on it leave and nobody enters (routing refreshes at once, at most one route
// interval of 60 s plus the time to drive off); opened again at 17:40, it fills up.
START_TEST(close_road_empties_it_and_open_road_refills_it)
{
    run_t r;
    start(&r,
          "trace = {}\n"
          "every(\"1m\", function() trace[#trace + 1] = road_vehicles(\"road-renmin\") end)\n"
          "at(\"17:10\", function() close_road(\"road-renmin\") end)\n"
          "at(\"17:40\", function() open_road(\"人民路\") end)\n", // the Chinese name works too
          true, true);
    run_for(&r, 3600);
    ck_assert_int_eq(list_length(&r, "trace"), 59); // 17:01 .. 17:59
    // trace[k] is the count at 17:00 + k minutes, sampled before that tick is simulated.
    double before = 0;
    for (int k = 5; k <= 10; k++) before += list_number(&r, "trace", k);
    ck_assert_double_gt(before / 6, 5); // an arterial at the evening peak
    int empty_at = 0;
    for (int k = 11; k <= 40 && !empty_at; k++)
        if (list_number(&r, "trace", k) == 0) empty_at = k;
    printf("Renmin Road: %.1f vehicles before the closure, empty %d min after it\n", before / 6, empty_at - 10);
    ck_assert_msg(empty_at > 10 && empty_at <= 10 + 5, "still %g vehicles 5 min after the closure",
                  list_number(&r, "trace", 15));
    for (int k = empty_at; k <= 40; k++) ck_assert_double_eq(list_number(&r, "trace", k), 0); // stays empty
    double after = 0;
    for (int k = 50; k <= 59; k++) after += list_number(&r, "trace", k);
    ck_assert_double_gt(after / 10, 5);
    finish(&r);
}
END_TEST

// With a point, only the segment nearest to it closes: that segment empties while the rest
// of the road keeps its traffic.
START_TEST(close_road_at_a_point_closes_one_segment)
{
    run_t r;
    start(&r, "", true, true); // the closure is made below, once the geometry is known
    const gops_district_t *d = gops_world_district(r.world);
    const gops_road_info_t *info = &d->roads->roads[road_index(d->roads, d->map, "road-jiefang")];
    ck_assert_uint_ge(info->edge_count, 3);
    // The middle segment of Jiefang Road; the point is its first interior vertex, or the
    // midpoint of its first line piece.
    uint32_t e = info->first_edge + info->edge_count / 2;
    const gops_road_edge_t *E = &d->roads->edges[e];
    const gops_path_t *line = &d->map->features[E->road].u.road.line;
    gops_point_t a = line->pts[E->first_vertex], b = line->pts[E->first_vertex + 1];
    gops_point_t p = {(a.x + b.x) / 2, (a.y + b.y) / 2};
    char code[256], query[256];
    snprintf(code, sizeof code, "close_road(\"road-jiefang\", {%.3f, %.3f})", p.x, p.y);
    snprintf(query, sizeof query,
             "segment = road_vehicles(\"road-jiefang\", {%.3f, %.3f}); whole = road_vehicles(\"road-jiefang\")", p.x, p.y);
    run_for(&r, 600);
    double others_before = 0;
    for (uint32_t k = info->first_edge; k < info->first_edge + info->edge_count; k++)
        if (k != e) others_before += edge_vehicles(&r, k);
    ck_assert_double_gt(edge_vehicles(&r, e), 0);
    // The segment's count through the query, as a hook would run it (between steps).
    gops_error_t err;
    ck_assert_int_eq(gops_sandbox_run_string(r.sc->sb, query, "query.lua", 0, &err), GOPS_OK);
    ck_assert_double_eq(global_number(&r, "segment"), edge_vehicles(&r, e));
    ck_assert_double_eq(global_number(&r, "whole"), edge_vehicles(&r, e) + others_before);
    ck_assert_int_eq(gops_sandbox_run_string(r.sc->sb, code, "close.lua", 0, &err), GOPS_OK);
    run_for(&r, 900);
    double others_after = 0;
    for (uint32_t k = info->first_edge; k < info->first_edge + info->edge_count; k++)
        if (k != e) others_after += edge_vehicles(&r, k);
    printf("Jiefang Road segment %u closed: %g vehicles on it, %g on the other segments (%g before)\n", e,
           edge_vehicles(&r, e), others_after, others_before);
    ck_assert_double_eq(edge_vehicles(&r, e), 0);
    ck_assert_double_gt(others_after, 0);
    ck_assert_int_eq(gops_sandbox_run_string(r.sc->sb, query, "query.lua", 0, &err), GOPS_OK);
    ck_assert_double_eq(global_number(&r, "segment"), 0);
    ck_assert_double_eq(global_number(&r, "whole"), others_after);
    // A point far from the road is refused, naming the distance.
    ck_assert_int_ne(gops_sandbox_run_string(r.sc->sb, "close_road(\"road-jiefang\", {5000, 5000})", "far.lua", 0, &err),
                     GOPS_OK);
    ck_assert_msg(strstr(err.message, "far.lua:1:") && strstr(err.message, "expected a point within 50 m of it"), "%s",
                  err.message);
    finish(&r);
}
END_TEST

// set_oneway: "reverse" keeps only the direction against the line, so the arcs along the
// line (2e) empty while those against it (2e + 1) still carry vehicles; true flips it back.
START_TEST(set_oneway_empties_the_closed_direction)
{
    run_t r;
    start(&r,
          "at(\"17:10\", function() set_oneway(\"road-erqi\", \"reverse\") end)\n"
          "at(\"17:35\", function() set_oneway(\"Erqi Road\", true) end)\n",
          true, true);
    const gops_district_t *d = gops_world_district(r.world);
    const gops_road_info_t *info = &d->roads->roads[road_index(d->roads, d->map, "road-erqi")];
    run_for(&r, 600);
    double along = 0, against = 0;
    gops_traffic_arc_measures_t m;
    for (uint32_t e = info->first_edge; e < info->first_edge + info->edge_count; e++) {
        gops_traffic_arc_measures(r.trf, 2 * e, &m);
        along += m.vehicles;
        gops_traffic_arc_measures(r.trf, 2 * e + 1, &m);
        against += m.vehicles;
    }
    ck_assert_double_gt(along, 0);
    ck_assert_double_gt(against, 0);
    run_for(&r, 20 * 60); // to 17:30
    along = against = 0;
    for (uint32_t e = info->first_edge; e < info->first_edge + info->edge_count; e++) {
        gops_traffic_arc_measures(r.trf, 2 * e, &m);
        along += m.vehicles;
        gops_traffic_arc_measures(r.trf, 2 * e + 1, &m);
        against += m.vehicles;
    }
    printf("Erqi Road one-way against its line: %g vehicles along, %g against\n", along, against);
    ck_assert_double_eq(along, 0);
    ck_assert_double_gt(against, 0);
    run_for(&r, 20 * 60); // to 17:50: only along the line now
    along = against = 0;
    for (uint32_t e = info->first_edge; e < info->first_edge + info->edge_count; e++) {
        gops_traffic_arc_measures(r.trf, 2 * e, &m);
        along += m.vehicles;
        gops_traffic_arc_measures(r.trf, 2 * e + 1, &m);
        against += m.vehicles;
    }
    ck_assert_double_gt(along, 0);
    ck_assert_double_eq(against, 0);
    finish(&r);
}
END_TEST

// ---- signal plans --------------------------------------------------------------------------

static uint32_t junction_node(const run_t *r, const char *id)
{
    const gops_district_t *d = gops_world_district(r->world);
    int32_t f = gops_map_find_id(d->map, id);
    ck_assert_int_ge(f, 0);
    for (uint32_t v = 0; v < d->roads->node_count; v++)
        if (d->roads->nodes[v].junction == f) return v;
    ck_abort_msg("junction %s on no node", id);
    return 0;
}

// A plan in green seconds for every mode, one by shares for one mode, and a copy of another
// mode's plan: each reaches the model as written; signal_plan() reads it back.
START_TEST(signal_plans_reach_the_model)
{
    run_t r;
    start(&r,
          "cycle, offset, phases, green1, road1, road2, holiday_cycle = nil\n"
          "at(\"17:01\", function()\n"
          "  set_signal_plan(\"jct-jiefang-minggong\", { offset = 7, phases = {\n"
          "    { roads = { \"road-jiefang\" }, green = 50 },\n"
          "    { roads = \"铭功路\", green = 30, yellow = 4, all_red = 1 } } })\n"
          "  set_signal_plan(\"jct-jiefang-minggong\", { cycle = 100, phases = {\n"
          "    { roads = { \"road-jiefang\" }, share = 3 }, { roads = { \"road-minggong\" }, share = 1 } } }, \"holiday\")\n"
          "  local p = signal_plan(\"jct-jiefang-minggong\")\n"
          "  cycle, offset, phases, green1 = p.cycle, p.offset, #p.phases, p.phases[1].green\n"
          "  road1, road2 = p.phases[1].roads[1], p.phases[2].roads[1]\n"
          "  holiday_cycle = signal_plan(\"jct-jiefang-minggong\", \"holiday\").cycle\n"
          "end)\n"
          "at(\"17:02\", function() set_signal_plan(\"jct-jiefang-minggong\", \"holiday\", \"emergency\") end)\n",
          true, false);
    run_for(&r, 150);
    uint32_t node = junction_node(&r, "jct-jiefang-minggong");
    uint32_t jiefang = gops_traffic_approach_mask(r.trf, node, "road-jiefang");
    uint32_t minggong = gops_traffic_approach_mask(r.trf, node, "road-minggong");
    ck_assert_uint_ne(jiefang, 0);
    ck_assert_uint_ne(minggong, 0);
    ck_assert_uint_eq(jiefang & minggong, 0);
    const gops_signal_plan_t *n = gops_traffic_signal_plan(r.trf, node, GOPS_MODE_NORMAL);
    ck_assert_uint_eq(n->phase_count, 2);
    ck_assert_uint_eq(n->phases[0].approaches, jiefang);
    ck_assert_uint_eq(n->phases[1].approaches, minggong);
    ck_assert_double_eq(n->phases[0].green_s, 50);
    ck_assert_double_eq(n->phases[0].yellow_s, 3); // defaults
    ck_assert_double_eq(n->phases[0].all_red_s, 2);
    ck_assert_double_eq(n->phases[1].yellow_s, 4);
    ck_assert_double_eq(n->phases[1].all_red_s, 1);
    ck_assert_double_eq(n->offset_s, 7);
    ck_assert_double_eq(gops_signal_plan_cycle(n), 90);
    // Holiday by shares: 100 s minus 10 s of changes, split 3:1.
    const gops_signal_plan_t *h = gops_traffic_signal_plan(r.trf, node, GOPS_MODE_HOLIDAY);
    ck_assert_double_eq_tol(h->phases[0].green_s, 67.5, 1e-9);
    ck_assert_double_eq_tol(h->phases[1].green_s, 22.5, 1e-9);
    ck_assert_double_eq_tol(gops_signal_plan_cycle(h), 100, 1e-9);
    // Major-event mode got the first plan (every mode), emergency a copy of holiday's.
    ck_assert_double_eq(gops_traffic_signal_plan(r.trf, node, GOPS_MODE_MAJOR_EVENT)->phases[0].green_s, 50);
    ck_assert_double_eq_tol(gops_traffic_signal_plan(r.trf, node, GOPS_MODE_EMERGENCY)->phases[0].green_s, 67.5, 1e-9);
    // Read back through signal_plan() in the current (normal) mode.
    ck_assert_double_eq(global_number(&r, "cycle"), 90);
    ck_assert_double_eq(global_number(&r, "offset"), 7);
    ck_assert_double_eq(global_number(&r, "phases"), 2);
    ck_assert_double_eq(global_number(&r, "green1"), 50);
    ck_assert_double_eq_tol(global_number(&r, "holiday_cycle"), 100, 1e-9);
    lua_getglobal(r.L, "road1");
    ck_assert_str_eq(lua_tostring(r.L, -1), "road-jiefang");
    lua_getglobal(r.L, "road2");
    ck_assert_str_eq(lua_tostring(r.L, -1), "road-minggong");
    lua_pop(r.L, 2);
    finish(&r);
}
END_TEST

/// Runs `code` as a hook at 17:01 in a fresh run and returns the error message.
static const char *hook_error(const char *code, bool traffic)
{
    static char msg[1024];
    char body[2048];
    snprintf(body, sizeof body, "at(\"17:01\", function()\n%s\nend)\n", code);
    run_t r;
    start(&r, body, traffic, false);
    snprintf(msg, sizeof msg, "%s", run_until_error(&r, 120));
    finish(&r);
    return msg;
}

#define ASSERT_HAS(msg, text) ck_assert_msg(strstr((msg), (text)) != NULL, "\"%s\" not in: %s", (text), (msg))

START_TEST(signal_plan_errors)
{
    const char *m = hook_error("set_signal_plan(\"jct-jiefang-minggon\", \"normal\")", true);
    ASSERT_HAS(m, "s.lua:4:"); // two lines of scenario{}, at(...), then the call
    ASSERT_HAS(m, "did you mean \"jct-jiefang-minggong\"");
    m = hook_error("set_signal_plan(\"jct-renmin-ring\", \"normal\")", true);
    ASSERT_HAS(m, "junction \"jct-renmin-ring\" is roundabout, not signal-controlled");
    m = hook_error("set_signal_plan(\"jct-jiefang-minggong\", { phases = { { roads = \"road-jiefang\", grean = 30 } } })",
                   true);
    ASSERT_HAS(m, "phase 1: unknown key \"grean\" (did you mean \"green\"?)");
    m = hook_error("set_signal_plan(\"jct-jiefang-minggong\", { phases = { { roads = \"road-renmin\", green = 30 } } })",
                   true);
    ASSERT_HAS(m, "phase 1: roads: unknown road at this junction \"road-renmin\" (did you mean \"road-jiefang\"?)");
    // Every approach needs a green: the model's check names the road left out.
    m = hook_error("set_signal_plan(\"jct-jiefang-minggong\", { phases = { { roads = \"road-jiefang\", green = 30 } } })",
                   true);
    ck_assert_msg(strstr(m, "Minggong") || strstr(m, "铭功路") || strstr(m, "road-minggong"), "%s", m);
    m = hook_error("set_signal_plan(\"jct-jiefang-minggong\",\n"
                   "  { phases = { { roads = \"road-jiefang\", green = 30, share = 1 } } })",
                   true);
    ASSERT_HAS(m, "give green (s) or share");
    m = hook_error("set_signal_plan(\"jct-jiefang-minggong\", \"holliday\")", true);
    ASSERT_HAS(m, "did you mean \"holiday\"");
}
END_TEST

// ---- double parking ------------------------------------------------------------------------

// Without demand the injected car is the only vehicle: it stands in the kerb lane where
// asked for the given time, then drives on; nine fit within ±28 m, the tenth finds no room.
START_TEST(double_park_stands_where_asked_then_leaves)
{
    run_t r;
    start(&r,
          "first, parked, after_step, tenth = nil\n"
          "at(\"17:01\", function()\n"
          "  first = double_park(\"road-renmin\", 150, \"2m\")\n"
          "  parked = traffic_counts().double_parked\n"
          "end)\n"
          "at(\"17:02\", function()\n"
          "  after_step = traffic_counts().double_parked\n"
          "  for i = 1, 8 do assert(double_park(\"road-renmin\", 150, \"30m\")) end\n"
          "  tenth = double_park(\"road-renmin\", 150, \"30m\") == nil and 1 or 0\n"
          "end)\n",
          true, false);
    run_for(&r, 61);
    ck_assert_double_ge(global_number(&r, "first"), 1);
    ck_assert_double_eq(global_number(&r, "parked"), 1); // in place at once
    gops_traffic_pose_t pose[4];
    ck_assert_uint_eq(gops_traffic_poses(r.trf, pose, 4), 1);
    ck_assert(pose[0].stopped);
    // 150 m along Renmin Road's line, in the kerb lane (within half the carriageway).
    const gops_district_t *d = gops_world_district(r.world);
    const gops_feature_t *f = &d->map->features[gops_map_find_id(d->map, "road-renmin")];
    const gops_path_t *line = &f->u.road.line;
    double run = 0;
    gops_point_t want = line->pts[0];
    for (uint32_t i = 0; i + 1 < line->count; i++) {
        double len = hypot(line->pts[i + 1].x - line->pts[i].x, line->pts[i + 1].y - line->pts[i].y);
        if (run + len >= 150) {
            double u = (150 - run) / len;
            want = (gops_point_t){line->pts[i].x + u * (line->pts[i + 1].x - line->pts[i].x),
                                  line->pts[i].y + u * (line->pts[i + 1].y - line->pts[i].y)};
            break;
        }
        run += len;
    }
    double off = hypot(pose[0].x - want.x, pose[0].y - want.y);
    ck_assert_msg(off < f->u.road.width_m / 2 + 1, "parked %.1f m from the spot", off);
    run_for(&r, 60);
    ck_assert_double_eq(global_number(&r, "after_step"), 1);
    ck_assert_double_eq(global_number(&r, "tenth"), 1);
    gops_traffic_counts_t c;
    gops_traffic_counts(r.trf, &c);
    ck_assert_uint_eq(c.double_parked, 9); // the first is still there (2 min) with 8 more
    run_for(&r, 120); // 17:04: the first has driven on
    gops_traffic_counts(r.trf, &c);
    ck_assert_uint_eq(c.double_parked, 8);
    finish(&r);
}
END_TEST

START_TEST(double_park_errors)
{
    const char *m = hook_error("double_park(\"road-renmin\", 99999)", true);
    ASSERT_HAS(m, "s.lua:4:");
    ASSERT_HAS(m, "at_m 99999 is off road \"road-renmin\"");
    m = hook_error("double_park(\"road-dunmu\", 10, \"5m\", \"reverse\")", true);
    ASSERT_HAS(m, "is one-way here");
    m = hook_error("double_park(\"road-renmin\", 10, \"5\")", true);
    ASSERT_HAS(m, "double_park: duration:");
    m = hook_error("double_park(\"Renmin Rd\", 10)", true);
    ASSERT_HAS(m, "unknown road \"Renmin Rd\" (did you mean \"Renmin Road\"?)");
}
END_TEST

// ---- queries -------------------------------------------------------------------------------

// The queries agree with the model at the moment the hook runs; an empty road reads as
// free flow (its speed limit, travel time index 1, index 0).
START_TEST(queries_agree_with_the_model)
{
    run_t r;
    start(&r,
          "ci, band, n, counts_vehicles, counts_trips, counts_ci, counts_keys = nil\n"
          "renmin_n, renmin_v, renmin_tti, renmin_ci = nil\n"
          "at(\"17:20\", function()\n"
          "  ci, band = congestion_index()\n"
          "  n = vehicles()\n"
          "  local c = traffic_counts()\n"
          "  counts_vehicles, counts_trips, counts_ci = c.vehicles, c.trips, c.congestion_index\n"
          "  counts_keys = 0\n"
          "  for _ in pairs(c) do counts_keys = counts_keys + 1 end\n"
          "  renmin_n = road_vehicles(\"road-renmin\")\n"
          "  renmin_v = road_speed(\"road-renmin\")\n"
          "  renmin_tti, renmin_ci = road_tti(\"road-renmin\")\n"
          "end)\n",
          true, true);
    run_for(&r, 20 * 60);
    gops_error_t err;
    ck_assert_int_eq(gops_scenario_before_tick(r.sc, &err), GOPS_OK); // the 17:20 hook, before the tick
    gops_traffic_counts_t c;
    gops_traffic_counts(r.trf, &c);
    ck_assert_double_eq(global_number(&r, "n"), c.vehicles);
    ck_assert_double_eq(global_number(&r, "counts_vehicles"), c.vehicles);
    ck_assert_double_eq(global_number(&r, "counts_trips"), (double)c.trips_completed);
    ck_assert_double_eq(global_number(&r, "ci"), c.congestion_index);
    ck_assert_double_eq(global_number(&r, "counts_ci"), c.congestion_index);
    ck_assert_double_eq(global_number(&r, "counts_keys"), 24);
    lua_getglobal(r.L, "band");
    ck_assert_str_eq(lua_tostring(r.L, -1), gops_traffic_congestion_band(c.congestion_index));
    lua_pop(r.L, 1);
    // Road figures by hand from the arcs: count, distance / time, flow-weighted time ratio.
    const gops_district_t *d = gops_world_district(r.world);
    uint32_t arcs[64], na = gops_traffic_road_arcs(r.trf, "road-renmin", arcs, 64);
    ck_assert_uint_gt(na, 0);
    double veh = 0, dist = 0, time = 0, free_t = 0, act_t = 0;
    for (uint32_t i = 0; i < na; i++) {
        gops_traffic_arc_measures_t m;
        gops_traffic_arc_measures(r.trf, arcs[i], &m);
        const gops_road_edge_t *E = &d->roads->edges[arcs[i] / 2];
        veh += m.vehicles;
        if (m.flow_vph <= 0) continue;
        dist += m.flow_vph * E->length_m;
        time += m.flow_vph * E->length_m / m.mean_speed_mps;
        free_t += m.flow_vph * E->free_time_s;
        act_t += m.flow_vph * E->free_time_s * m.tti;
    }
    ck_assert_double_eq(global_number(&r, "renmin_n"), veh);
    ck_assert_double_gt(time, 0);
    ck_assert_double_eq_tol(global_number(&r, "renmin_v"), dist / time, 1e-9);
    ck_assert_double_eq_tol(global_number(&r, "renmin_tti"), act_t / free_t, 1e-9);
    ck_assert_double_eq_tol(global_number(&r, "renmin_ci"), gops_traffic_congestion_index(act_t / free_t), 1e-9);
    printf("17:20: %u vehicles, index %.2f; Renmin Road %g vehicles, %.1f m/s, tti %.2f\n", c.vehicles,
           c.congestion_index, veh, dist / time, act_t / free_t);
    finish(&r);

    start(&r,
          "free_v, free_tti, free_ci, none = nil\n"
          "at(\"17:05\", function()\n"
          "  free_v = road_speed(\"road-renmin\")\n"
          "  free_tti, free_ci = road_tti(\"road-renmin\")\n"
          "  none = vehicles()\n"
          "end)\n",
          true, false);
    run_for(&r, 301);
    ck_assert_double_eq_tol(global_number(&r, "free_v"), 50 / 3.6, 1e-9); // the arterial's 50 km/h
    ck_assert_double_eq(global_number(&r, "free_tti"), 1);
    ck_assert_double_eq(global_number(&r, "free_ci"), 0);
    ck_assert_double_eq(global_number(&r, "none"), 0);
    finish(&r);
}
END_TEST

// ---- errors ------------------------------------------------------------------------------

START_TEST(errors_name_the_line_and_the_nearest_name)
{
    const char *m = hook_error("close_road(\"road-renmn\")", true);
    ASSERT_HAS(m, "s.lua:4: close_road: unknown road \"road-renmn\" (did you mean \"road-renmin\"?)");
    m = hook_error("local x = 1\nopen_road(\"Xi Dajei\")", true);
    ASSERT_HAS(m, "s.lua:5:");
    ASSERT_HAS(m, "did you mean \"Xi Dajie\"");
    m = hook_error("set_oneway(\"road-renmin\", \"forward\")", true);
    ASSERT_HAS(m, "set_oneway: direction: expected true (as the map's line is drawn), \"reverse\" or false");
    m = hook_error("road_speed(\"qqqqqqqqqqqqqqqqqqqqq\")", true);
    ASSERT_HAS(m, "expected the id or name of one of: road-datong, road-duling");
    m = hook_error("close_road(\"road-renmin\")", false);
    ASSERT_HAS(m, "s.lua:4: close_road(): this run simulates no traffic (no map, or traffic = false)");
    m = hook_error("local n = vehicles()", false);
    ASSERT_HAS(m, "vehicles(): this run simulates no traffic");

    // While the file loads there is no world yet.
    run_t r;
    start(&r, "", true, false);
    gops_scenario_t *sc = r.sc;
    gops_world_t *w = sc->world;
    sc->world = NULL;
    gops_error_t err;
    ck_assert_int_ne(gops_sandbox_run_string(sc->sb, "close_road(\"road-renmin\")", "load.lua", 0, &err), GOPS_OK);
    ASSERT_HAS(err.message, "load.lua:1: close_road() needs the running world: call it from a hook");
    sc->world = w;
    finish(&r);
}
END_TEST


// ---- the documentation's examples ------------------------------------------------------------

/// Runs one example scenario the way `gridops run` does (models attached as the session
/// attaches them, every tick, the hooks due at the end, the expectations) and fails with
/// the expectations that did not hold.
static void run_example(const char *code, int index)
{
    static char text[16384], path[1100];
    const char *rel = "../assets/maps/erqi.geojson";
    const char *at = strstr(code, rel);
    ck_assert_msg(at != NULL, "example %d does not use the Erqi map", index);
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - code), code, gops_test_source_path("assets/maps/erqi.geojson"),
             at + strlen(rel));
    char *dir = gops_test_tmpdir();
    snprintf(path, sizeof path, "%s/example%d.lua", dir, index);
    free(dir);
    ck_assert_int_eq(gops_test_write_file(path, text), 0);
    gops_error_t err;
    gops_scenario_t *sc = gops_scenario_load(path, NULL, 0, &err);
    ck_assert_msg(sc != NULL, "example %d: %s", index, err.message);
    gops_lua_traffic_register_api(sc);
    gops_lua_ops_register_api(sc);
    const gops_scenario_def_t *def = gops_scenario_def(sc);
    gops_world_def_t wd = gops_world_def_default();
    wd.seed = def->seed;
    wd.tick_s = def->tick_s;
    wd.start = def->start;
    wd.mode = def->mode;
    wd.map_path = def->map_path;
    wd.nav_cell_m = def->nav_cell_m;
    wd.threads = 1;
    gops_world_t *w = gops_world_create(&wd, &err);
    ck_assert_msg(w != NULL, "example %d: %s", index, err.message);
    ck_assert_msg(!def->crowd, "example %d: keep examples fast with crowd = false", index);
    if (def->traffic) ck_assert_msg(gops_traffic_attach(w, &def->traffic_params, &err) != NULL, "%s", err.message);
    if (def->ops) ck_assert_msg(gops_ops_attach(w, &def->ops_params, &err) != NULL, "%s", err.message);
    ck_assert_msg(gops_scenario_attach(sc, w, &err) == GOPS_OK, "example %d: %s", index, err.message);
    uint64_t n = (uint64_t)llround(def->duration_s / def->tick_s);
    for (uint64_t i = 0; i < n; i++) {
        gops_status_t st = gops_scenario_before_tick(sc, &err);
        if (st == GOPS_OK) gops_world_step(w);
        if (st == GOPS_OK) st = gops_scenario_after_tick(sc, &err);
        ck_assert_msg(st == GOPS_OK, "example %d: %s", index, err.message);
    }
    ck_assert_msg(gops_scenario_before_tick(sc, &err) == GOPS_OK, "example %d: %s", index, err.message);
    ck_assert_msg(gops_scenario_evaluate(sc, &err) == GOPS_OK, "example %d: %s", index, err.message);
    uint32_t ne;
    const gops_expectation_t *e = gops_scenario_expectations(sc, &ne);
    ck_assert_msg(ne > 0, "example %d (%s) expects nothing", index, def->name);
    char failed[2048] = "";
    size_t used = 0;
    for (uint32_t i = 0; i < ne; i++) {
        printf("example %d (%s): %s %s %g: actual %g\n", index, def->name, e[i].metric, gops_expect_op_text(e[i].op),
               e[i].value, e[i].actual);
        if (!e[i].passed && used < sizeof failed - 200)
            used += (size_t)snprintf(failed + used, sizeof failed - used, " %s %s %g (actual %g);", e[i].metric,
                                     gops_expect_op_text(e[i].op), e[i].value, e[i].actual);
    }
    fflush(stdout);
    ck_assert_msg(used == 0, "example %d (%s):%s", index, def->name, failed);
    gops_world_destroy(w);
    gops_scenario_destroy(sc);
}

// Every ```lua block of the Traffic and Operations sections of the scenario API (in
// scenarios/API.md) is a complete scenario
// whose expectations hold: the documentation cannot drift from the bindings.
START_TEST(documented_examples_hold)
{
    char *doc = gops_test_read_file(gops_test_source_path("scenarios/API.md"), NULL);
    ck_assert_ptr_nonnull(doc);
    char *from = strncmp(doc, "## Traffic\n", 11) == 0 ? doc : strstr(doc, "\n## Traffic\n");
    ck_assert_msg(from != NULL, "no Traffic section");
    char *ops = strstr(from, "\n## Operations\n");
    ck_assert_msg(ops != NULL, "no Operations section after Traffic");
    char *stop = strstr(ops + 1, "\n## ");
    if (stop) *stop = '\0';
    int count = 0;
    for (char *p = strstr(from, "```lua\n"); p; p = strstr(p, "```lua\n")) {
        p += 7;
        char *end = strstr(p, "```");
        ck_assert_ptr_nonnull(end);
        *end = '\0';
        run_example(p, ++count);
        p = end + 3;
    }
    ck_assert_int_eq(count, 13);
    free(doc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lua_traffic");
    TCase *tc = tcase_create("bindings");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, close_road_empties_it_and_open_road_refills_it);
    tcase_add_test(tc, close_road_at_a_point_closes_one_segment);
    tcase_add_test(tc, set_oneway_empties_the_closed_direction);
    tcase_add_test(tc, signal_plans_reach_the_model);
    tcase_add_test(tc, signal_plan_errors);
    tcase_add_test(tc, double_park_stands_where_asked_then_leaves);
    tcase_add_test(tc, double_park_errors);
    tcase_add_test(tc, queries_agree_with_the_model);
    tcase_add_test(tc, errors_name_the_line_and_the_nearest_name);
    suite_add_tcase(s, tc);
    TCase *docs = tcase_create("examples");
    tcase_set_timeout(docs, 900);
    tcase_add_test(docs, documented_examples_hold);
    suite_add_tcase(s, docs);
    return gops_test_run(s);
}
