// SPDX-License-Identifier: MIT
// The street vendors in scenarios, end to end on the Erqi map: the vendors.* keys of
// scenario{} and --set (ranges, nearest key), the levers reaching the model, vendor_measures()
// and the world KPIs agreeing with the model, clear_vendors in each of its forms and
// reopen_vendors, errors with the nearest name and a refused call changing nothing, a whole
// run in which merchants' and citizens' reports reach the centre through the report channel,
// and every example of the Street vendors section of scenarios/API.md.
#include "fixture.h"

#include "ops/ops.h"
#include "scenario/lua_models.h"
#include "scenario/scenario_internal.h"
#include "scenario/session.h"
#include "vendors/vendors_internal.h"
#include "world/geometry.h"
#include "world/world_internal.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ASSERT_HAS(msg, text) ck_assert_msg(strstr((msg), (text)) != NULL, "\"%s\" not in: %s", (text), (msg))

/// A scenario driven tick by tick the way the session drives it (hooks, step, on-hooks).
typedef struct run {
    gops_scenario_t *sc;
    gops_world_t *world;
    gops_vendors_t *v;
    lua_State *L;
} run_t;

static const char *write_scenario(const char *header, const char *body)
{
    static char text[16384], path[1100];
    snprintf(text, sizeof text,
             "scenario{ name = \"t\", start = \"2025-10-01 17:30\", duration = \"3h\", seed = 9, tick = \"1s\",\n"
             "  map = \"%s\", mode = \"holiday\", day = \"holiday\", crowd = false, traffic = false%s }\n%s",
             gops_test_source_path("assets/maps/erqi.geojson"), header, body);
    char *dir = gops_test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    snprintf(path, sizeof path, "%s/s.lua", dir);
    free(dir);
    ck_assert_int_eq(gops_test_write_file(path, text), 0);
    return path;
}

/// Loads the scenario and attaches operations and vendors from its definition (the session's
/// order), vendors only when `vendors`.
static void start(run_t *r, const char *header, const char *body, bool vendors)
{
    gops_error_t err;
    memset(r, 0, sizeof *r);
    r->sc = gops_scenario_load(write_scenario(header, body), NULL, 0, &err);
    ck_assert_msg(r->sc != NULL, "%s", err.message);
    gops_lua_vendors_register_api(r->sc); // registering twice is harmless
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
    ck_assert_msg(gops_ops_attach(r->world, &def->ops_params, &err) != NULL, "%s", err.message);
    if (vendors) {
        r->v = gops_vendors_attach(r->world, &def->vendors_params, &err);
        ck_assert_msg(r->v != NULL, "%s", err.message);
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

static double global_number(run_t *r, const char *name)
{
    lua_getglobal(r->L, name);
    ck_assert_msg(lua_isnumber(r->L, -1), "global %s is not a number", name);
    double v = lua_tonumber(r->L, -1);
    lua_pop(r->L, 1);
    return v;
}

/// Global string `name` (copied to a static buffer of one of 32 slots).
static const char *global_string(run_t *r, const char *name)
{
    static char buf[32][512];
    static int slot;
    char *out = buf[slot++ % 32];
    lua_getglobal(r->L, name);
    ck_assert_msg(lua_type(r->L, -1) == LUA_TSTRING, "global %s is not a string", name);
    snprintf(out, 512, "%s", lua_tostring(r->L, -1));
    lua_pop(r->L, 1);
    return out;
}

// ---- scenario keys --------------------------------------------------------------------------

START_TEST(scenario_keys_reach_the_parameters)
{
    gops_error_t err;
    const char *path = write_scenario(
        ", vendors = { mobile = 60, guidance_points = false, points_per_report = 30, walk_in = 0.3, comply = 0.5,\n"
        "  see_radius_m = 25, step_s = 2, displaced_share = 0.5, partner_share = 0.2, complaints_per_ped_h = 0.05 }",
        "");
    gops_scenario_t *sc = gops_scenario_load(path, NULL, 0, &err);
    ck_assert_msg(sc != NULL, "%s", err.message);
    const gops_scenario_def_t *d = gops_scenario_def(sc);
    const gops_vendors_params_t *p = &d->vendors_params;
    ck_assert(d->vendors);
    for (int m = 0; m < GOPS_MODE_COUNT; m++) {
        ck_assert_uint_eq(p->mobile[m], 60);
        ck_assert_double_eq(p->walk_in[m], 0.3);
        ck_assert_double_eq(p->reactions.comply[m], 0.5);
    }
    ck_assert(!p->guidance_points);
    ck_assert_double_eq(p->merchants.points_per_report, 30);
    ck_assert_double_eq(p->reactions.see_radius_m, 25);
    ck_assert_double_eq(p->step_s, 2);
    ck_assert_double_eq(p->displaced_share, 0.5);
    ck_assert_double_eq(p->merchants.partner_share, 0.2);
    ck_assert_double_eq(p->complaints_per_ped_h, 0.05);
    ck_assert_int_eq(gops_vendors_params_check(p, &err), GOPS_OK);
    gops_scenario_destroy(sc);

    // Defaults: on, the model's own parameters; --set overrides, with the same checks.
    path = write_scenario("", "");
    const char *sets[] = {"vendors=false", "vendors.mobile=7", "vendors.guidance_points=false"};
    sc = gops_scenario_load(path, sets, 3, &err);
    ck_assert_msg(sc != NULL, "%s", err.message);
    d = gops_scenario_def(sc);
    ck_assert(!d->vendors);
    ck_assert_uint_eq(d->vendors_params.mobile[GOPS_MODE_EMERGENCY], 7);
    ck_assert(!d->vendors_params.guidance_points);
    gops_scenario_destroy(sc);
    sc = gops_scenario_load(path, NULL, 0, &err);
    ck_assert(gops_scenario_def(sc)->vendors);
    ck_assert_uint_eq(gops_scenario_def(sc)->vendors_params.mobile[GOPS_MODE_HOLIDAY], 120);
    gops_scenario_destroy(sc);

    const char *typo[] = {"vendors.mobil=3"};
    ck_assert_ptr_null(gops_scenario_load(path, typo, 1, &err));
    ck_assert_int_eq(err.status, GOPS_SCENARIO);
    ASSERT_HAS(err.message, "unknown scenario key 'vendors.mobil' (did you mean 'vendors.mobile'?)");
    const char *range[] = {"vendors.walk_in=2"};
    ck_assert_ptr_null(gops_scenario_load(path, range, 1, &err));
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
    ASSERT_HAS(err.message, "vendors.walk_in: found \"2\", expected a share (0..1)");
    const char *many[] = {"vendors.mobile=100001"};
    ck_assert_ptr_null(gops_scenario_load(path, many, 1, &err));
    ASSERT_HAS(err.message, "vendors.mobile: 100001 is out of range");
    const char *flag[] = {"vendors.guidance_points=yes"};
    ck_assert_ptr_null(gops_scenario_load(path, flag, 1, &err));
    ASSERT_HAS(err.message, "vendors.guidance_points: found \"yes\", expected true or false");
    path = write_scenario(", vendors = { guidance_point = true }", "");
    ck_assert_ptr_null(gops_scenario_load(path, NULL, 0, &err));
    ASSERT_HAS(err.message, "unknown scenario key 'vendors.guidance_point' (did you mean 'vendors.guidance_points'?)");
}
END_TEST

// ---- levers and queries ---------------------------------------------------------------------

START_TEST(levers_reach_the_model)
{
    run_t r;
    start(&r, "",
          "on_before, on_after = nil\n"
          "at(\"17:31\", function()\n"
          "  on_before = tostring(vendor_measures().guidance_points_on)\n"
          "  set_guidance_points(false)\n"
          "  set_mobile_vendors(30, \"holiday\")\n"
          "  set_mobile_vendors(150)\n"
          "  set_mobile_vendors(30, \"holiday\")\n"
          "  set_points_per_report(20)\n"
          "  on_after = tostring(vendor_measures().guidance_points_on)\n"
          "end)\n",
          true);
    run_for(&r, 61);
    const gops_vendors_params_t *p = gops_vendors_params(r.v);
    ck_assert_str_eq(global_string(&r, "on_before"), "true");
    ck_assert_str_eq(global_string(&r, "on_after"), "false");
    ck_assert(!p->guidance_points);
    ck_assert_uint_eq(p->mobile[GOPS_MODE_HOLIDAY], 30);
    ck_assert_uint_eq(p->mobile[GOPS_MODE_NORMAL], 150);
    ck_assert_uint_eq(p->mobile[GOPS_MODE_EMERGENCY], 150);
    ck_assert_uint_eq(gops_vendors_count(r.v), 97 + 150); // the pool grew for the largest count
    ck_assert_double_eq(p->merchants.points_per_report, 20);
    ck_assert_double_eq(gops_vendors_merchants(r.v)->params.points_per_report, 20);
    // Without points nobody trades at a stall once they have packed up (10 min).
    run_for(&r, 900);
    gops_vendors_measures_t m;
    gops_vendors_measures(r.v, &m);
    ck_assert_uint_eq(m.at_points_now, 0);
    ck_assert_uint_eq(m.stalls_open_now, 0);
    finish(&r);
}
END_TEST

// vendor_measures() at 18:00 equals the model's measures at that moment (no step between),
// and the world KPIs carry the same values.
START_TEST(measures_agree_with_the_model)
{
    run_t r;
    start(&r, "",
          "outside, obstruction, complaints, reports, street, open, stalls, points, occupancy = nil\n"
          "inside, encounters, incidents = nil\n"
          "at(\"18:00\", function()\n"
          "  local t = vendor_measures()\n"
          "  outside, obstruction, complaints = t.vendor_hours_outside_points, t.obstruction_person_min, t.complaints\n"
          "  reports, street, open = t.merchant_reports, t.vendors_street, t.stalls_open\n"
          "  stalls, points, occupancy = t.stalls, t.guidance_points, t.stall_occupancy\n"
          "  inside, encounters, incidents = t.vendor_hours_inside_points, t.encounters, t.incidents\n"
          "end)\n",
          true);
    run_for(&r, 1800);
    gops_error_t err;
    ck_assert_int_eq(gops_scenario_before_tick(r.sc, &err), GOPS_OK); // the 18:00 hook
    gops_vendors_measures_t m;
    gops_vendors_measures(r.v, &m);
    ck_assert_double_eq(global_number(&r, "outside"), m.vendor_h_outside);
    ck_assert_double_eq(global_number(&r, "inside"), m.vendor_h_inside);
    ck_assert_double_eq(global_number(&r, "obstruction"), m.obstruction_ped_min);
    ck_assert_double_eq(global_number(&r, "complaints"), (double)m.complaints);
    ck_assert_double_eq(global_number(&r, "encounters"), (double)m.encounters);
    ck_assert_double_eq(global_number(&r, "incidents"), (double)m.incidents);
    uint64_t reports = 0;
    for (int c = 0; c < GOPS_CAT_COUNT; c++) reports += m.merchant_reports[c];
    ck_assert_double_eq(global_number(&r, "reports"), (double)reports);
    ck_assert_double_eq(global_number(&r, "street"), m.street_now);
    ck_assert_double_eq(global_number(&r, "open"), m.stalls_open_now);
    ck_assert_double_eq(global_number(&r, "stalls"), 97);
    ck_assert_double_eq(global_number(&r, "points"), 5);
    ck_assert_double_eq(global_number(&r, "occupancy"), m.stall_occupancy);
    ck_assert(m.vendor_h_outside > 0 && m.vendor_h_inside > 0 && m.street_now > 0 && m.stalls_open_now > 0);
    ck_assert_uint_gt(reports, 0);
    // The world KPIs (summary.json's kpi object) as of the last step.
    const gops_kpis_t *k = gops_world_kpis(r.world);
    gops_kpi_value_t v;
    ck_assert(gops_kpis_get(k, "vendor_hours_outside_points", &v) && v.present);
    ck_assert_double_eq(v.value, m.vendor_h_outside);
    ck_assert(gops_kpis_get(k, "vendor_hours_inside_points", &v) && v.present);
    ck_assert_double_eq(v.value, m.vendor_h_inside);
    ck_assert(gops_kpis_get(k, "obstruction_person_min", &v) && v.present);
    ck_assert_double_eq(v.value, m.obstruction_ped_min);
    ck_assert(gops_kpis_get(k, "vendor_complaints", &v) && v.present);
    ck_assert_double_eq(v.value, (double)m.complaints);
    ck_assert(gops_kpis_get(k, "merchant_reports", &v) && v.present);
    ck_assert_double_eq(v.value, (double)reports);
    finish(&r);
}
END_TEST

// ---- clearing areas ---------------------------------------------------------------------------

// The four forms of an area: a flat ring, a list of points, a disc around a place, and an
// area of the map by name. Each gets the next id; the ring is stored as given (the disc as
// a 64-gon of the radius); after the 2-minute pack-up nobody trades inside any of them;
// reopen_vendors reopens one.
START_TEST(clear_vendors_in_every_form)
{
    run_t r;
    start(&r, "",
          "ids = \"\"\n"
          "inside, moves = nil\n"
          "at(\"17:50\", function()\n"
          "  local a = clear_vendors({ -60, -60, 60, -60, 60, 60, -60, 60 })\n"
          "  local b = clear_vendors({ { 200, 200 }, { 260, 200 }, { 260, 260 } })\n"
          "  local c = clear_vendors({ around = \"landmark-erqi-tower\", radius_m = 150 })\n"
          "  local d = clear_vendors(\"special-tower-plaza\")\n"
          "  ids = a .. \",\" .. b .. \",\" .. c .. \",\" .. d\n"
          "end)\n"
          "at(\"17:53\", function()\n"
          "  local m = vendor_measures()\n"
          "  inside, moves = m.vendors_in_cleared_areas, m.cleared_moves\n"
          "  reopen_vendors(2)\n"
          "end)\n",
          true);
    run_for(&r, 20 * 60 + 1);
    ck_assert_str_eq(global_string(&r, "ids"), "1,2,3,4");
    ck_assert_uint_eq(r.v->area_count, 4);
    ck_assert_uint_eq(r.v->areas[0].ring.count, 4);
    ck_assert_double_eq(r.v->areas[0].ring.pts[2].x, 60);
    ck_assert_uint_eq(r.v->areas[1].ring.count, 3);
    ck_assert_double_eq(r.v->areas[1].ring.pts[1].x, 260);
    ck_assert_uint_eq(r.v->areas[2].ring.count, 64);
    const gops_map_t *map = gops_world_district(r.world)->map;
    gops_point_t tower = map->features[gops_map_find_id(map, "landmark-erqi-tower")].at;
    for (uint32_t k = 0; k < 64; k++) {
        gops_point_t p = r.v->areas[2].ring.pts[k];
        ck_assert_double_eq_tol(hypot(p.x - tower.x, p.y - tower.y), 150.0, 1e-9);
    }
    const gops_path_t *zone = &map->features[gops_map_find_id(map, "special-tower-plaza")].u.zone.parts[0].rings[0];
    ck_assert_uint_eq(r.v->areas[3].ring.count, zone->count);
    ck_assert_double_eq(r.v->areas[3].ring.pts[0].y, zone->pts[0].y);
    run_for(&r, 180);
    ck_assert_double_eq(global_number(&r, "inside"), 0);
    ck_assert_double_gt(global_number(&r, "moves"), 0);
    ck_assert(r.v->areas[0].active && !r.v->areas[1].active && r.v->areas[2].active && r.v->areas[3].active);
    finish(&r);
}
END_TEST

// One world for many refusals: a hook at 17:31 stores each pcall's message in e[k]. Then a
// run without vendors, and a call while the file loads.
START_TEST(errors_name_the_problem_and_the_nearest_name)
{
    run_t r;
    start(&r, "",
          "e = {}\n"
          "local function try(k, f, ...) local ok, msg = pcall(f, ...); e[k] = ok and \"ok\" or msg end\n"
          "at(\"17:31\", function()\n"
          "  try(1, set_mobile_vendors, 2.5)\n"
          "  try(2, set_mobile_vendors, 100001)\n"
          "  try(3, set_mobile_vendors, 10, \"holidy\")\n"
          "  try(4, set_guidance_points, \"yes\")\n"
          "  try(5, set_points_per_report, -1)\n"
          "  try(6, clear_vendors, \"plaza-tower-sout\")\n"
          "  try(7, clear_vendors, { 0, 0, 1, 1 })\n"
          "  try(8, clear_vendors, { 0, 0, 1, 1, 2 })\n"
          "  try(9, clear_vendors, { around = \"plaza-mixc\" })\n"
          "  try(10, clear_vendors, { around = \"plaza-mixc\", radius_m = 9000 })\n"
          "  try(11, clear_vendors, { around = \"plaza-mixc\", radius = 90 })\n"
          "  try(12, clear_vendors, 5)\n"
          "  try(13, reopen_vendors, 1)\n"
          "  try(14, clear_vendors, { 0, 0, 10, 0, 20, 0 })\n"
          "  try(15, clear_vendors, { { 0, 0 }, { 1, 0 }, 7 })\n"
          "  try(16, clear_vendors, \"road-renmin\")\n"
          "  try(17, reopen_vendors, 0.5)\n"
          "  local id = clear_vendors(\"plaza-mixc\")\n"
          "  reopen_vendors(id)\n"
          "  try(18, reopen_vendors, id)\n"
          "  try(19, reopen_vendors, 2)\n"
          "end)\n",
          true);
    run_for(&r, 61);
    static const char *const want[] = {
        "set_mobile_vendors: count: expected a whole number 0 to 100000, found 2.5",
        "set_mobile_vendors: count: expected a whole number 0 to 100000, found 100001",
        "set_mobile_vendors: unknown mode \"holidy\" (did you mean \"holiday\"?)",
        "set_guidance_points: expected true or false, found a string",
        "set_points_per_report: -1 is out of range: expected 0 to 1000000 points",
        "clear_vendors: unknown area \"plaza-tower-sout\" (did you mean \"plaza-tower-south\"?)",
        "clear_vendors: an area needs 3 to 10000 points as {x1, y1, x2, y2, ...} or {{x, y}, ...}, found 4 numbers",
        "found 5 numbers",
        "clear_vendors: radius_m: expected a number (m)",
        "clear_vendors: radius_m: 9000 is out of range: expected 1 to 5000 m",
        "clear_vendors: unknown key \"radius\" (did you mean \"radius_m\"?)",
        "clear_vendors: expected an area: a ring {x1, y1, x2, y2, ...}",
        "reopen_vendors: no cleared area 1 (none so far)",
        "clear_vendors: the area's 3 points enclose no area",
        "clear_vendors: point 3 of the area is not {x, y}",
        "clear_vendors: unknown area \"road-renmin\"",
        "reopen_vendors: id: expected a whole number 1 to",
        "reopen_vendors: area 1 is open already",
        "reopen_vendors: no cleared area 2 (ids so far: 1 to 1)",
    };
    lua_getglobal(r.L, "e");
    for (int k = 0; k < (int)(sizeof want / sizeof want[0]); k++) {
        lua_rawgeti(r.L, -1, k + 1);
        ck_assert_msg(lua_type(r.L, -1) == LUA_TSTRING, "check %d left no message", k + 1);
        ASSERT_HAS(lua_tostring(r.L, -1), want[k]);
        lua_pop(r.L, 1);
    }
    lua_pop(r.L, 1);
    // Refused calls changed nothing: the counts, the policy and the areas are as before.
    const gops_vendors_params_t *p = gops_vendors_params(r.v);
    ck_assert_uint_eq(p->mobile[GOPS_MODE_HOLIDAY], 120);
    ck_assert_uint_eq(p->mobile[GOPS_MODE_NORMAL], 80);
    ck_assert(p->guidance_points);
    ck_assert_double_eq(p->merchants.points_per_report, 10);
    ck_assert_uint_eq(r.v->area_count, 1);
    finish(&r);

    // A run without vendors says so, with the calling line.
    start(&r, "", "at(\"17:31\", function()\nlocal m = vendor_measures()\nend)\n", false);
    gops_error_t err;
    gops_status_t st = GOPS_OK;
    for (int t = 0; t < 120 && st == GOPS_OK; t++) st = tick(&r, &err);
    ck_assert_int_ne(st, GOPS_OK);
    ASSERT_HAS(err.message, "s.lua:4: vendor_measures(): this run simulates no street vendors (no map, or vendors = false)");
    // While the file loads there is no world yet.
    gops_world_t *w = r.sc->world;
    r.sc->world = NULL;
    ck_assert_int_ne(gops_sandbox_run_string(r.sc->sb, "set_guidance_points(false)", "load.lua", 0, &err), GOPS_OK);
    ASSERT_HAS(err.message, "load.lua:1: set_guidance_points() needs the running world: call it from a hook");
    r.sc->world = w;
    finish(&r);
}
END_TEST

// ---- a whole run: reports reach the centre -----------------------------------------------------

typedef struct seen {
    uint32_t merchant_first, complaint_first, via_report, late, gone, vendors_present;
} seen_t;

/// After the run: every incident the vendors model saw first through a merchant or a complaint
/// is known to the centre no later than one step after the report, most through "report" —
/// unless the operations model had let its copy clear by itself before (its own self-clear
/// draw for illegal vending; the report then finds nothing to detect).
static bool inspect_end(const gops_world_t *world, void *user)
{
    seen_t *s = user;
    const gops_vendors_t *v = gops_vendors_of(world);
    const gops_ops_t *ops = gops_ops_of_const(world);
    s->vendors_present = v != NULL;
    if (!v || !ops) return true;
    for (uint32_t k = 0; k < v->incident_count; k++) {
        const gops_street_incident_t *si = &v->incidents[k];
        if (si->ops_id == 0) continue;
        if (si->detected_by != GOPS_DETECT_MERCHANT && si->detected_by != GOPS_DETECT_COMPLAINT) continue;
        s->merchant_first += si->detected_by == GOPS_DETECT_MERCHANT;
        s->complaint_first += si->detected_by == GOPS_DETECT_COMPLAINT;
        gops_incident_info_t in;
        ck_assert(gops_ops_incident_get(ops, si->ops_id, &in));
        if (in.cleared && !in.detected) {
            s->gone++;
            continue;
        }
        if (!in.detected || in.t_detect > si->t_detect + 1.0 + 1e-9) {
            s->late++;
            continue;
        }
        s->via_report += in.channel == GOPS_CHANNEL_REPORT;
    }
    return true;
}

START_TEST(reports_reach_the_centre_in_a_run)
{
    const char *path = write_scenario("", "");
    gops_run_options_t o = gops_run_options_default();
    o.scenario_path = path;
    o.write_outputs = false;
    o.threads = 1;
    o.until = "18:10";
    seen_t s = {0};
    o.on_end = inspect_end;
    o.on_tick_user = &s;
    gops_run_result_t res;
    gops_error_t err;
    ck_assert_msg(gops_session_run(&o, &res, &err) == GOPS_OK, "%s", err.message);
    ck_assert(s.vendors_present);
    ck_assert_uint_gt(s.merchant_first, 0);
    ck_assert_uint_eq(s.late, 0);
    ck_assert_uint_gt(s.via_report, 0);
    ck_assert_uint_gt(s.via_report, s.gone); // the rule, not the exception

    // vendors = false: the run has no vendors.
    const char *off[] = {"vendors=false"};
    o.sets = off;
    o.set_count = 1;
    o.until = "17:31";
    memset(&s, 0, sizeof s);
    ck_assert_msg(gops_session_run(&o, &res, &err) == GOPS_OK, "%s", err.message);
    ck_assert(!s.vendors_present);
}
END_TEST

// ---- the documentation's examples --------------------------------------------------------------

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
    gops_run_options_t o = gops_run_options_default();
    o.scenario_path = path;
    o.write_outputs = false;
    o.threads = 1;
    gops_run_result_t res;
    gops_error_t err;
    ck_assert_msg(gops_session_run(&o, &res, &err) == GOPS_OK, "example %d: %s", index, err.message);
    printf("example %d (%s):\n%s", index, res.scenario, res.measured);
    fflush(stdout);
    ck_assert_msg(res.expectations > 0, "example %d (%s) expects nothing", index, res.scenario);
    ck_assert_msg(res.passed, "example %d (%s):\n%s", index, res.scenario, res.failures);
}

// Every ```lua block of the Street vendors section of scenarios/API.md is a complete scenario
// whose expectations hold: the documentation cannot drift from the bindings.
START_TEST(documented_examples_hold)
{
    char *doc = gops_test_read_file(gops_test_source_path("scenarios/API.md"), NULL);
    ck_assert_ptr_nonnull(doc);
    char *from = strstr(doc, "\n## Street vendors\n");
    ck_assert_msg(from != NULL, "no Street vendors section");
    char *stop = strstr(from + 1, "\n## ");
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
    ck_assert_int_eq(count, 5);
    free(doc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lua_vendors");
    TCase *tc = tcase_create("bindings");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, scenario_keys_reach_the_parameters);
    tcase_add_test(tc, levers_reach_the_model);
    tcase_add_test(tc, measures_agree_with_the_model);
    tcase_add_test(tc, clear_vendors_in_every_form);
    tcase_add_test(tc, errors_name_the_problem_and_the_nearest_name);
    tcase_add_test(tc, reports_reach_the_centre_in_a_run);
    suite_add_tcase(s, tc);
    TCase *docs = tcase_create("examples");
    tcase_set_timeout(docs, 900);
    tcase_add_test(docs, documented_examples_hold);
    suite_add_tcase(s, docs);
    return gops_test_run(s);
}
