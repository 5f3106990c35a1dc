// SPDX-License-Identifier: MIT
// The scenario bindings of the operations model, end to end on the Erqi map: an injected
// incident goes through the closed loop to "closed" in order; staffing changes arrive after
// the mode's call-in time; policy and posts reach the model; incident rates and rain are
// set; every query agrees with the model; errors carry file:line and the nearest name.
#include "fixture.h"

#include "ops/ops.h"
#include "scenario/lua_models.h"
#include "scenario/scenario_internal.h"
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
    gops_ops_t *ops;
    lua_State *L;
} run_t;

/// `mode` is the scenario's starting mode; `generate` lets incidents happen by themselves.
static void start(run_t *r, const char *mode, const char *body, bool ops, bool generate)
{
    static char text[16384], path[1100];
    snprintf(text, sizeof text,
             "scenario{ name = \"t\", start = \"2025-03-04 10:00\", duration = \"6h\", seed = 5, tick = \"0.5s\",\n"
             "  map = \"%s\", nav_cell_m = 2, mode = \"%s\" }\n%s",
             gops_test_source_path("assets/maps/erqi.geojson"), mode, body);
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
    if (ops) {
        gops_ops_params_t p = gops_ops_params_default();
        p.generate = generate;
        r->ops = gops_ops_attach(r->world, &p, &err);
        ck_assert_msg(r->ops != NULL, "%s", err.message);
    }
    ck_assert_msg(gops_scenario_attach(r->sc, r->world, &err) == GOPS_OK, "%s", err.message);
    r->L = gops_sandbox_state(r->sc->sb);
}

static void finish(run_t *r)
{
    gops_world_destroy(r->world);
    gops_scenario_destroy(r->sc);
}

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

static const char *run_until_error(run_t *r, double seconds)
{
    static gops_error_t err;
    uint64_t n = (uint64_t)llround(seconds / gops_world_tick_seconds(r->world));
    for (uint64_t i = 0; i < n; i++)
        if (tick(r, &err) != GOPS_OK) return err.message;
    ck_abort_msg("no error within %g s", seconds);
    return NULL;
}

static double global_number(run_t *r, const char *name)
{
    lua_getglobal(r->L, name);
    ck_assert_msg(lua_isnumber(r->L, -1), "global %s is not a number", name);
    double v = lua_tonumber(r->L, -1);
    lua_pop(r->L, 1);
    return v;
}

/// Global string `name` (copied to a static buffer).
static const char *global_string(run_t *r, const char *name)
{
    static char buf[1024];
    lua_getglobal(r->L, name);
    ck_assert_msg(lua_type(r->L, -1) == LUA_TSTRING, "global %s is not a string", name);
    snprintf(buf, sizeof buf, "%s", lua_tostring(r->L, -1));
    lua_pop(r->L, 1);
    return buf;
}

#define ASSERT_HAS(msg, text) ck_assert_msg(strstr((msg), (text)) != NULL, "\"%s\" not in: %s", (text), (msg))

// ---- the closed loop ------------------------------------------------------------------------

// A lost person reported at the tower plaza at 10:05: the centre triages it, orders a
// team, the team accepts, travels, works 45 min on average, the centre verifies (lost
// persons never fail verification) and closes it. A hook samples the state every tick and
// records each change; the incident_closed event names the same id.
START_TEST(incident_goes_round_the_closed_loop)
{
    run_t r;
    start(&r, "normal",
          "seen = \"\"\n"
          "closed_event = 0\n"
          "id, first, final, unit, by, t_occ, t_det, t_cre, t_dis, t_arr, t_res, t_clo = nil\n"
          "dispatches, reopens, open_reason, zone = nil\n"
          "at(\"10:05\", function()\n"
          "  id = incident{ type = \"lost_person\", place = \"plaza-tower-south\" }\n"
          "  first = incident_state(id).state\n"
          "end)\n"
          "local last\n"
          "every(\"0.5s\", function()\n"
          "  if not id then return end\n"
          "  local s = incident_state(id).state\n"
          "  if s ~= last then seen = seen .. (last and \" \" or \"\") .. s; last = s end\n"
          "end)\n"
          "on(\"incident_closed\", function(ev) if ev.id == id then closed_event = closed_event + 1 end end)\n"
          "at(\"15:00\", function()\n"
          "  local s = incident_state(id)\n"
          "  final, unit, by = s.state, s.unit, s.detected_by\n"
          "  t_occ, t_det, t_cre, t_dis, t_arr, t_res, t_clo =\n"
          "    s.occurred_s, s.detected_s, s.created_s, s.dispatched_s, s.arrived_s, s.resolved_s, s.closed_s\n"
          "  dispatches, reopens = s.dispatches, s.reopens\n"
          "  open_reason = s.open_reason or \"\"\n"
          "  zone = s.zone or \"\"\n"
          "end)\n",
          true, false);
    run_for(&r, 5 * 3600 + 1);
    char seen[1024];
    snprintf(seen, sizeof seen, "%s", global_string(&r, "seen"));
    printf("lost person: %s\n", seen);
    // The injected incident occurs at once and is reported: triage first, closed last, in
    // the order of the loop (states shorter than a tick may not be seen).
    static const char *const order[] = {"triage",  "created",  "dispatched", "accepted",
                                        "on_scene", "resolved", "verified",   "closed"};
    ck_assert_str_eq(global_string(&r, "first"), "scheduled"); // it occurs at the next ops step
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", seen);
    int pos = -1, n = 0;
    for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " "), n++) {
        if (n == 0) {
            ck_assert_str_eq(tok, "scheduled");
            continue;
        }
        int k = 0;
        while (k < 8 && strcmp(order[k], tok) != 0) k++;
        ck_assert_msg(k < 8, "unexpected state %s in \"%s\"", tok, seen);
        ck_assert_msg(k > pos, "state %s out of order in \"%s\"", tok, seen);
        pos = k;
    }
    ASSERT_HAS(seen, "dispatched");
    ASSERT_HAS(seen, "on_scene");
    ASSERT_HAS(seen, "resolved");
    ck_assert_str_eq(order[pos], "closed");
    ck_assert_str_eq(global_string(&r, "final"), "closed");
    ck_assert_double_eq(global_number(&r, "closed_event"), 1);
    ck_assert_str_eq(global_string(&r, "by"), "scenario");
    ck_assert_str_eq(global_string(&r, "open_reason"), "");
    ck_assert_double_eq(global_number(&r, "dispatches"), 1);
    ck_assert_double_eq(global_number(&r, "reopens"), 0);
    // Times: at the injection, then in loop order; they match the model's record.
    double t[7] = {global_number(&r, "t_occ"), global_number(&r, "t_det"), global_number(&r, "t_cre"),
                   global_number(&r, "t_dis"), global_number(&r, "t_arr"), global_number(&r, "t_res"),
                   global_number(&r, "t_clo")};
    ck_assert_double_eq(t[0], 300);
    for (int k = 1; k < 7; k++) ck_assert_double_ge(t[k], t[k - 1]);
    gops_incident_info_t in;
    ck_assert(gops_ops_incident_get(r.ops, (uint32_t)global_number(&r, "id"), &in));
    ck_assert_double_eq(in.t_arrive, t[4]);
    ck_assert_double_eq(in.t_close, t[6]);
    ck_assert_int_eq(in.type, GOPS_ITYPE_LOST_PERSON);
    ck_assert_str_eq(global_string(&r, "unit"), gops_unit_type_name((gops_unit_type_t)in.unit));
    // At the place: Erqi Square's centroid.
    const gops_map_t *map = gops_world_district(r.world)->map;
    const gops_feature_t *sq = &map->features[gops_map_find_id(map, "plaza-tower-south")];
    ck_assert_double_eq(in.at.x, sq->at.x);
    ck_assert_double_eq(in.at.y, sq->at.y);
    ck_assert_str_eq(global_string(&r, "zone"), map->features[in.zone].id);
    finish(&r);
}
END_TEST

// Not reported (it has to be sensed) and later: scheduled, then undetected or on its way.
START_TEST(incident_time_and_reporting)
{
    run_t r;
    start(&r, "normal",
          "a, b, c, a_state, b_state, a_later, a_occ = nil\n"
          "at(\"10:00\", function()\n"
          "  a = incident{ category = \"waterlogging\", at = { 10, -20 }, time = \"+10m\", reported = false }\n"
          "  b = incident{ category = \"dispute\", at = { 0, 0 }, time = \"10:30\" }\n"
          "  c = incident{ category = \"water_main_burst\", place = \"road-renmin\", time = \"2025-03-04 11:00\" }\n"
          "  a_state, b_state = incident_state(a).state, incident_state(b).state\n"
          "end)\n"
          "at(\"10:11\", function() a_later = incident_state(a).state; a_occ = incident_state(a).occurred_s end)\n",
          true, false);
    run_for(&r, 12 * 60);
    ck_assert_str_eq(global_string(&r, "a_state"), "scheduled");
    ck_assert_str_eq(global_string(&r, "b_state"), "scheduled");
    ck_assert_double_eq(global_number(&r, "a_occ"), 600);
    // Not reported: nobody knows yet unless a camera, patrol or post noticed it already.
    const char *later = global_string(&r, "a_later");
    ck_assert_msg(strcmp(later, "undetected") == 0 || strcmp(later, "triage") == 0 || strcmp(later, "created") == 0 ||
                      strcmp(later, "dispatched") == 0,
                  "%s", later);
    gops_incident_info_t in;
    ck_assert(gops_ops_incident_get(r.ops, (uint32_t)global_number(&r, "a"), &in));
    ck_assert_int_eq(in.type, GOPS_ITYPE_WATERLOGGING);
    ck_assert_double_eq(in.at.x, 10);
    ck_assert_double_eq(in.at.y, -20);
    ck_assert(in.channel != GOPS_CHANNEL_SCENARIO);
    ck_assert(gops_ops_incident_get(r.ops, (uint32_t)global_number(&r, "b"), &in));
    ck_assert_int_eq(in.type, GOPS_ITYPE_DISPUTE);
    ck_assert_double_eq(in.t_occur, 1800);
    // A type given as category; the place of a road is the middle of its line.
    ck_assert(gops_ops_incident_get(r.ops, (uint32_t)global_number(&r, "c"), &in));
    ck_assert_int_eq(in.type, GOPS_ITYPE_WATER_MAIN_BURST);
    ck_assert_double_eq(in.t_occur, 3600);
    const gops_district_t *d = gops_world_district(r.world);
    const gops_path_t *line = &d->map->features[gops_map_find_id(d->map, "road-renmin")].u.road.line;
    double best = INFINITY;
    for (uint32_t i = 0; i + 1 < line->count; i++)
        best = fmin(best, gops_point_segment_distance(in.at, line->pts[i], line->pts[i + 1], NULL));
    ck_assert_double_lt(best, 1e-6); // on the centre line
    double to_a = 0, to_b = 0, la = 0;
    for (uint32_t i = 0; i + 1 < line->count; i++)
        la += hypot(line->pts[i + 1].x - line->pts[i].x, line->pts[i + 1].y - line->pts[i].y);
    // Half way along: walking the line to the point covers half its length.
    for (uint32_t i = 0; i + 1 < line->count; i++) {
        double seg = hypot(line->pts[i + 1].x - line->pts[i].x, line->pts[i + 1].y - line->pts[i].y);
        if (gops_point_segment_distance(in.at, line->pts[i], line->pts[i + 1], NULL) < 1e-6) {
            to_a += hypot(in.at.x - line->pts[i].x, in.at.y - line->pts[i].y);
            break;
        }
        to_a += seg;
    }
    to_b = la - to_a;
    ck_assert_double_eq_tol(to_a, to_b, 1e-6);
    finish(&r);
}
END_TEST

// ---- staffing ------------------------------------------------------------------------------

// Normal mode: 8 patrol teams. Asking for 12 at 10:00 brings 4 more after normal mode's
// 20-minute call-in; asking for 3 sends idle surplus teams home at once; a count for
// another mode waits for that mode.
START_TEST(set_teams_arrive_after_the_call_in_time)
{
    run_t r;
    start(&r, "normal",
          "local function snap(prefix)\n"
          "  local t = teams(\"patrol\")\n"
          "  _G[prefix .. \"_planned\"], _G[prefix .. \"_on\"], _G[prefix .. \"_mob\"] = t.planned, t.on_duty, t.mobilising\n"
          "end\n"
          "p0_planned, p0_on, p0_mob, p1_planned, p1_on, p1_mob, p2_planned, p2_on, p2_mob = 0, 0, 0, 0, 0, 0, 0, 0, 0\n"
          "p3_planned, p3_on, p3_mob, p4_planned, p4_on, p4_mob = 0, 0, 0, 0, 0, 0\n"
          "holiday_planned, all = nil\n"
          "at(\"10:00\", function() snap(\"p0\"); set_teams(\"patrol\", 12); snap(\"p1\") end)\n"
          "at(\"10:19:50\", function() snap(\"p2\") end)\n"
          "at(\"10:20:10\", function() snap(\"p3\"); set_teams(\"patrol\", 3); set_teams(\"patrol\", 20, \"holiday\") end)\n"
          "at(\"10:20:20\", function() snap(\"p4\"); set_mode(\"holiday\") end)\n"
          "at(\"10:21\", function() holiday_planned = teams(\"patrol\").planned; all = teams().planned end)\n",
          true, false);
    run_for(&r, 22 * 60);
    ck_assert_double_eq(global_number(&r, "p0_planned"), 8);
    ck_assert_double_eq(global_number(&r, "p0_on"), 8);
    ck_assert_double_eq(global_number(&r, "p1_planned"), 12);
    ck_assert_double_eq(global_number(&r, "p1_on"), 8);
    ck_assert_double_eq(global_number(&r, "p1_mob"), 4);
    ck_assert_double_eq(global_number(&r, "p2_on"), 8); // 10 s before the call-in time is up
    ck_assert_double_eq(global_number(&r, "p2_mob"), 4);
    ck_assert_double_eq(global_number(&r, "p3_on"), 12);
    ck_assert_double_eq(global_number(&r, "p3_mob"), 0);
    ck_assert_double_eq(global_number(&r, "p4_planned"), 3);
    ck_assert_double_eq(global_number(&r, "p4_on"), 3); // nobody was busy: all left at once
    ck_assert_double_eq(global_number(&r, "holiday_planned"), 20);
    const gops_ops_params_t *p = gops_ops_params(r.ops);
    int k = gops_ops_team_kind_find(r.ops, "patrol");
    ck_assert_int_eq(p->kinds[k].count[GOPS_MODE_NORMAL], 3);
    ck_assert_int_eq(p->kinds[k].count[GOPS_MODE_HOLIDAY], 20);
    ck_assert_int_eq(p->kinds[k].count[GOPS_MODE_EMERGENCY], 3);
    // teams() without a kind: every kind's count in holiday mode plus the posts staffed.
    int total = 0;
    for (uint32_t i = 0; i < p->kind_count; i++) total += p->kinds[i].count[GOPS_MODE_HOLIDAY];
    gops_ops_status_t s;
    gops_ops_status(r.ops, &s);
    ck_assert_double_eq(global_number(&r, "all"), total + (int)s.posts_wanted);
    finish(&r);
}
END_TEST

// ---- policy and posts ------------------------------------------------------------------------

START_TEST(policy_round_trip)
{
    run_t r;
    start(&r, "normal",
          "d1, q1, s1, pr1, ov1, r1, d2, pr2 = nil\n"
          "at(\"10:01\", function()\n"
          "  set_policy{ dispatch = \"first_free\", queue = \"fifo\", scope = \"zone\", preempt = \"on_scene\",\n"
          "              overlap = false, post_radius_m = 80 }\n"
          "  local p = policy()\n"
          "  d1, q1, s1, pr1, ov1, r1 = p.dispatch, p.queue, p.scope, p.preempt, tostring(p.overlap), p.post_radius_m\n"
          "  set_policy{ preempt = false }\n"
          "  p = policy()\n"
          "  d2, pr2 = p.dispatch, tostring(p.preempt)\n"
          "end)\n",
          true, false);
    run_for(&r, 61);
    ck_assert_str_eq(global_string(&r, "d1"), "first_free");
    ck_assert_str_eq(global_string(&r, "q1"), "fifo");
    ck_assert_str_eq(global_string(&r, "s1"), "zone");
    ck_assert_str_eq(global_string(&r, "pr1"), "on_scene");
    ck_assert_str_eq(global_string(&r, "ov1"), "false");
    ck_assert_double_eq(global_number(&r, "r1"), 80);
    ck_assert_str_eq(global_string(&r, "d2"), "first_free"); // fields not given keep their value
    ck_assert_str_eq(global_string(&r, "pr2"), "false");
    gops_dispatch_policy_t p = gops_ops_policy(r.ops);
    ck_assert_int_eq(p.select, GOPS_SELECT_FIRST_FREE);
    ck_assert(!p.priority_queue);
    ck_assert(p.zone_bound);
    ck_assert(!p.preempt && !p.preempt_on_scene);
    ck_assert(!p.overlap_fallback);
    ck_assert_double_eq(p.post_radius_m, 80);
    finish(&r);
}
END_TEST

// Holiday mode staffs every post from the start. A moved post's team walks to the new
// spot: on its way a minute later, there after half an hour. Posts are named by id or name,
// the new spot by a point or a place.
START_TEST(move_post_walks_the_team_there)
{
    run_t r;
    start(&r, "holiday", "", true, false);
    int32_t p1 = gops_ops_post_find(r.ops, "post-square-1"), p2 = gops_ops_post_find(r.ops, "post-square-2");
    ck_assert_int_ge(p1, 0);
    ck_assert_int_ge(p2, 0);
    uint32_t t1 = GOPS_OPS_NONE, t2 = GOPS_OPS_NONE;
    gops_team_info_t ti;
    for (uint32_t t = 0; t < gops_ops_team_count(r.ops); t++) {
        gops_ops_team_get(r.ops, t, &ti);
        if (ti.post == p1) t1 = t;
        if (ti.post == p2) t2 = t;
    }
    ck_assert_uint_ne(t1, GOPS_OPS_NONE);
    ck_assert_uint_ne(t2, GOPS_OPS_NONE);
    run_for(&r, 60);
    // 300 m toward the map's middle from where the first post's team stands.
    gops_ops_team_get(r.ops, t1, &ti);
    const gops_map_t *map = gops_world_district(r.world)->map;
    double cx = (map->min_x + map->max_x) / 2, cy = (map->min_y + map->max_y) / 2;
    double dx = cx - ti.at.x, dy = cy - ti.at.y, len = hypot(dx, dy);
    if (len < 1) dx = 1, dy = 0, len = 1;
    gops_point_t to = {ti.at.x + 300 * dx / len, ti.at.y + 300 * dy / len};
    char code[256];
    snprintf(code, sizeof code,
             "move_post(\"post-square-1\", { %.6f, %.6f })\nmove_post(\"Erqi Square post 2\", \"plaza-mixc\")", to.x, to.y);
    gops_error_t err;
    ck_assert_msg(gops_sandbox_run_string(r.sc->sb, code, "move.lua", 0, &err) == GOPS_OK, "%s", err.message);
    run_for(&r, 60);
    gops_ops_team_get(r.ops, t1, &ti);
    double left = hypot(ti.at.x - to.x, ti.at.y - to.y);
    ck_assert_msg(left > 100 && left < 300, "%.1f m left after a minute", left); // walking, not jumping
    run_for(&r, 1800);
    gops_ops_team_get(r.ops, t1, &ti);
    ck_assert_double_lt(hypot(ti.at.x - to.x, ti.at.y - to.y), 1e-6);
    ck_assert_int_eq(ti.state, GOPS_TEAM_IDLE);
    const gops_feature_t *mixc = &map->features[gops_map_find_id(map, "plaza-mixc")];
    gops_ops_team_get(r.ops, t2, &ti);
    ck_assert_double_lt(hypot(ti.at.x - mixc->at.x, ti.at.y - mixc->at.y), 1e-6);
    finish(&r);
}
END_TEST

// ---- rates and rain ---------------------------------------------------------------------------

// With every rate at 0 but disputes at 600 an hour, the incidents of the next 20 minutes
// are all disputes; rain reaches the model.
START_TEST(incident_rates_and_rain)
{
    run_t r;
    start(&r, "normal",
          "at(\"10:00\", function()\n"
          "  for _, t in ipairs({ \"crowd_gathering\", \"illegal_vending\", \"stall_disorder\", \"parking_motor\",\n"
          "      \"parking_nonmotor\", \"traffic_accident\", \"waterlogging\", \"litter_overflow\", \"manhole_damage\",\n"
          "      \"railing_damage\", \"water_main_burst\", \"heating_leak\", \"road_collapse\", \"fireworks\",\n"
          "      \"lost_person\" }) do set_incident_rate(t, 0) end\n"
          "  set_incident_rate(\"dispute\", 600, \"normal\")\n"
          "  set_rain(12.5)\n"
          "end)\n"
          "n, open, closed, cleared, undetected = nil\n"
          "at(\"10:20\", function() local s = ops_status(); n, open, closed, cleared, undetected =\n"
          "  s.incidents, s.open, s.closed, s.cleared, s.undetected end)\n",
          true, true);
    run_for(&r, 20 * 60 + 1);
    uint32_t count = gops_ops_incident_count(r.ops);
    printf("20 minutes at 600 disputes an hour (day mean, shaped by the hour): %u incidents\n", count);
    ck_assert_uint_gt(count, 20);
    for (uint32_t id = 1; id <= count; id++) {
        gops_incident_info_t in;
        ck_assert(gops_ops_incident_get(r.ops, id, &in));
        ck_assert_int_eq(in.type, GOPS_ITYPE_DISPUTE);
    }
    ck_assert_double_eq(gops_ops_params(r.ops)->rain_mm_h, 12.5);
    ck_assert_double_eq(gops_ops_params(r.ops)->types[GOPS_ITYPE_DISPUTE].rate_per_h[GOPS_MODE_NORMAL], 600);
    ck_assert_double_eq(gops_ops_params(r.ops)->types[GOPS_ITYPE_DISPUTE].rate_per_h[GOPS_MODE_HOLIDAY],
                        gops_ops_params_default().types[GOPS_ITYPE_DISPUTE].rate_per_h[GOPS_MODE_HOLIDAY]);
    ck_assert_double_eq(gops_ops_params(r.ops)->types[GOPS_ITYPE_FIREWORKS].rate_per_h[GOPS_MODE_EMERGENCY], 0);
    // ops_status() partitions the incidents that occurred.
    gops_ops_status_t s;
    gops_ops_status(r.ops, &s);
    double n = global_number(&r, "n");
    ck_assert_double_gt(n, 0);
    ck_assert_double_eq(n, global_number(&r, "open") + global_number(&r, "closed") + global_number(&r, "cleared") +
                               global_number(&r, "undetected"));
    finish(&r);
}
END_TEST

// ---- errors ----------------------------------------------------------------------------------

static const char *hook_error(const char *code, bool ops)
{
    static char msg[1024];
    char body[2048];
    snprintf(body, sizeof body, "at(\"10:01\", function()\n%s\nend)\n", code);
    run_t r;
    start(&r, "normal", body, ops, false);
    snprintf(msg, sizeof msg, "%s", run_until_error(&r, 120));
    finish(&r);
    return msg;
}

START_TEST(errors_name_the_line_and_the_nearest_name)
{
    const char *m = hook_error("incident{ type = \"water_main_burts\", at = { 0, 0 } }", true);
    ASSERT_HAS(m, "s.lua:4: incident: unknown incident type \"water_main_burts\" (did you mean \"water_main_burst\"?)");
    m = hook_error("incident{ category = \"utility\", at = { 0, 0 } }", true);
    ASSERT_HAS(m, "category \"utility\" has 3 types (\"water_main_burst\", \"heating_leak\", \"road_collapse\")");
    m = hook_error("incident{ type = \"vending\", at = { 0, 0 } }", true);
    ASSERT_HAS(m, "type \"vending\" is a category: write category = \"vending\"");
    m = hook_error("incident{ type = \"dispute\", plce = \"plaza-mixc\" }", true);
    ASSERT_HAS(m, "incident: unknown key \"plce\" (did you mean \"place\"?)");
    m = hook_error("incident{ type = \"dispute\", place = \"plaza-mixx\" }", true);
    ASSERT_HAS(m, "incident: unknown place \"plaza-mixx\" (did you mean \"plaza-mixc\"?)");
    m = hook_error("incident{ type = \"dispute\", place = \"大同路边界人行出入口\" }", true);
    ASSERT_HAS(m, "names 4 features (edge-datong-al, edge-datong-ar, edge-datong-bl, edge-datong-br): give an id");
    m = hook_error("incident{ type = \"dispute\" }", true);
    ASSERT_HAS(m, "incident: give where: at = {x, y} (m) or place =");
    m = hook_error("incident{ type = \"dispute\", at = { 90000, 0 } }", true);
    ASSERT_HAS(m, "is outside the map");
    m = hook_error("incident{ type = \"dispute\", at = { 0, 0 }, time = \"9:00\" }", true);
    ASSERT_HAS(m, "incident: time: bad time \"9:00\"");
    m = hook_error("incident{ type = \"dispute\", at = { 0, 0 }, time = \"2025-03-04 09:00\" }", true);
    ASSERT_HAS(m, "is in the past");
    m = hook_error("incident{ type = \"heating_leak\", category = \"crowd\", at = { 0, 0 } }", true);
    ASSERT_HAS(m, "type \"heating_leak\" belongs to category \"utility\", not \"crowd\"");
    m = hook_error("local s = incident_state(7)", true);
    ASSERT_HAS(m, "incident_state: no incident 7 (none so far)");
    m = hook_error("set_teams(\"patrl\", 3)", true);
    ASSERT_HAS(m, "set_teams: unknown team kind \"patrl\" (did you mean \"patrol\"?)");
    m = hook_error("set_teams(\"patrol\", 2.5)", true);
    ASSERT_HAS(m, "set_teams: count: expected a whole number 0 to 10000, found 2.5");
    m = hook_error("set_teams(\"patrol\", 3, \"holyday\")", true);
    ASSERT_HAS(m, "unknown mode \"holyday\" (did you mean \"holiday\"?)");
    m = hook_error("set_policy{ dispach = \"nearest\" }", true);
    ASSERT_HAS(m, "set_policy: unknown key \"dispach\" (did you mean \"dispatch\"?)");
    m = hook_error("set_policy{ dispatch = \"nearst\" }", true);
    ASSERT_HAS(m, "set_policy: dispatch: unknown value \"nearst\" (did you mean \"nearest\"?)");
    m = hook_error("move_post(\"post-sqare-1\", { 0, 0 })", true);
    ASSERT_HAS(m, "move_post: unknown post \"post-sqare-1\" (did you mean \"post-square-1\"?)");
    m = hook_error("move_post(\"plaza-mixc\", { 0, 0 })", true); // a plaza is not a post
    ASSERT_HAS(m, "move_post: unknown post \"plaza-mixc\"");
    m = hook_error("set_rain(-1)", true);
    ASSERT_HAS(m, "set_rain: -1 mm/h is out of range: expected 0 to 500");
    m = hook_error("set_incident_rate(\"disput\", 1)", true);
    ASSERT_HAS(m, "did you mean \"dispute\"");
    m = hook_error("local x = 1\nincident{ type = \"dispute\", at = { 0, 0 } }", false);
    ASSERT_HAS(m, "s.lua:5: incident(): this run simulates no operations (no map, or ops = false)");
}
END_TEST

// A failed call changes nothing: the policy stays as it was when one field is bad.
START_TEST(a_refused_call_changes_nothing)
{
    run_t r;
    start(&r, "normal",
          "ok, ok2, ok3 = nil\n"
          "at(\"10:01\", function()\n"
          "  ok = pcall(set_policy, { dispatch = \"first_free\", queue = \"lifo\" })\n"
          "  ok2 = pcall(set_teams, \"patrol\", -4)\n"
          "  ok3 = pcall(incident, { type = \"dispute\", at = { 0, 0 }, time = \"soon\" })\n"
          "end)\n",
          true, false);
    run_for(&r, 61);
    lua_getglobal(r.L, "ok");
    lua_getglobal(r.L, "ok2");
    lua_getglobal(r.L, "ok3");
    ck_assert(!lua_toboolean(r.L, -1) && !lua_toboolean(r.L, -2) && !lua_toboolean(r.L, -3));
    lua_pop(r.L, 3);
    gops_dispatch_policy_t p = gops_ops_policy(r.ops), d = gops_dispatch_policy_default();
    ck_assert_int_eq(p.select, d.select); // dispatch was valid but the call failed as a whole
    ck_assert_int_eq(p.priority_queue, d.priority_queue);
    ck_assert_int_eq(gops_ops_params(r.ops)->kinds[gops_ops_team_kind_find(r.ops, "patrol")].count[GOPS_MODE_NORMAL], 8);
    ck_assert_uint_eq(gops_ops_incident_count(r.ops), 0);
    finish(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lua_ops");
    TCase *tc = tcase_create("bindings");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, incident_goes_round_the_closed_loop);
    tcase_add_test(tc, incident_time_and_reporting);
    tcase_add_test(tc, set_teams_arrive_after_the_call_in_time);
    tcase_add_test(tc, policy_round_trip);
    tcase_add_test(tc, move_post_walks_the_team_there);
    tcase_add_test(tc, incident_rates_and_rain);
    tcase_add_test(tc, errors_name_the_line_and_the_nearest_name);
    tcase_add_test(tc, a_refused_call_changes_nothing);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
