// SPDX-License-Identifier: MIT
// Scenario functions for the operations model: injecting incidents at a point or a named
// place, staffing (teams per kind and mode), the dispatch policy, moving posts, rain and
// incident rates, and queries of an incident's order, of teams and of the whole loop.
// Every argument is checked before the model is touched. It does not attach the model,
// decide dispatches or write incidents.csv (sim/ops does).
#include "scenario/lua_models.h"
#include "scenario/scenario_internal.h"

#include "core/nearest.h"
#include "core/simtime.h"
#include "ops/ops.h"
#include "world/geometry.h"
#include "world/world_internal.h"

#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gops_ops_t *need_ops(lua_State *L, const char *fn)
{
    gops_world_t *world = gops_lua_world(L, fn);
    gops_ops_t *ops = gops_ops_of(world);
    if (!ops) gops_lua_fail(L, "%s(): this run simulates no operations (no map, or ops = false)", fn);
    return ops;
}

static int check_mode_arg(lua_State *L, int arg, const char *fn)
{
    static const char *const modes[] = {"normal", "holiday", "major_event", "emergency"};
    const char *name = luaL_checkstring(L, arg);
    int m = gops_mode_from_name(name);
    if (m < 0) gops_lua_unknown_name(L, fn, "mode", name, modes, 4);
    return m;
}

/// A whole number argument in [lo, hi].
static lua_Integer check_whole(lua_State *L, int arg, const char *fn, const char *what, lua_Integer lo, lua_Integer hi)
{
    lua_Number v = luaL_checknumber(L, arg);
    if (!(v >= (lua_Number)lo && v <= (lua_Number)hi && v == floor(v)))
        gops_lua_fail(L, "%s: %s: expected a whole number %lld to %lld, found %g", fn, what, (long long)lo, (long long)hi, v);
    return (lua_Integer)v;
}

// ---- places ------------------------------------------------------------------------------

/// The point a feature stands for: a road's middle (along its line, so on the carriageway),
/// any other feature's position or centroid.
static gops_point_t feature_point(const gops_feature_t *f)
{
    if (f->kind != GOPS_FEAT_ROAD || f->u.road.line.count < 2) return f->at;
    const gops_path_t *line = &f->u.road.line;
    double half = gops_polyline_length(line) / 2, run = 0;
    for (uint32_t i = 0; i + 1 < line->count; i++) {
        double len = hypot(line->pts[i + 1].x - line->pts[i].x, line->pts[i + 1].y - line->pts[i].y);
        if (run + len >= half && len > 0) {
            double u = (half - run) / len;
            return (gops_point_t){line->pts[i].x + u * (line->pts[i + 1].x - line->pts[i].x),
                                  line->pts[i].y + u * (line->pts[i + 1].y - line->pts[i].y)};
        }
        run += len;
    }
    return line->pts[line->count - 1];
}

/// The feature a place name means: the one with that id, else the only one with that name
/// (or English name). `kind` < 0 accepts every kind. Raises for unknown or shared names.
static const gops_feature_t *check_place(lua_State *L, const char *name, const char *fn, const char *what, int kind)
{
    const gops_district_t *d = gops_world_district(gops_scenario_self(L)->world);
    if (!d) gops_lua_fail(L, "%s: %s \"%s\": this run has no map to look names up in; give a point {x, y}", fn, what, name);
    const gops_map_t *map = d->map;
    const gops_feature_t *hit = NULL;
    uint32_t named = 0;
    for (uint32_t i = 0; i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (kind >= 0 && f->kind != (gops_feature_kind_t)kind) continue;
        if (f->id && strcmp(f->id, name) == 0) return f;
        if (gops_lua_feature_is(f, name) && named++ == 0) hit = f;
    }
    if (named == 1) return hit;
    char buf[400] = "";
    size_t used = 0;
    if (named > 1) {
        for (uint32_t i = 0; i < map->feature_count && used < sizeof buf - 40; i++) {
            const gops_feature_t *f = &map->features[i];
            if ((kind < 0 || f->kind == (gops_feature_kind_t)kind) && gops_lua_feature_is(f, name))
                used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", used ? ", " : "", f->id ? f->id : "(no id)");
        }
        gops_lua_fail(L, "%s: %s \"%s\" names %u features (%s): give an id", fn, what, name, named, buf);
    }
    const char **cands = malloc((3 * (size_t)map->feature_count + 1) * sizeof *cands);
    size_t n = 0;
    for (uint32_t i = 0; cands && i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (kind >= 0 && f->kind != (gops_feature_kind_t)kind) continue;
        if (f->id) cands[n++] = f->id;
        if (f->name) cands[n++] = f->name;
        if (f->name_en) cands[n++] = f->name_en;
    }
    const char *near = cands ? gops_nearest_name(name, cands, n) : NULL;
    if (near) snprintf(buf, sizeof buf, "%s", near);
    free(cands);
    if (near) gops_lua_fail(L, "%s: unknown %s \"%s\" (did you mean \"%s\"?)", fn, what, name, buf);
    gops_lua_fail(L, "%s: unknown %s \"%s\": expected the id or name of a feature of the map", fn, what, name);
    return NULL;
}

/// A point {x, y} (m) inside the map's bounds (or within the largest map extent without one).
static gops_point_t check_point(lua_State *L, int idx, const char *fn, const char *what)
{
    if (!lua_istable(L, idx)) gops_lua_fail(L, "%s: %s: expected a point {x, y} in metres or a place name", fn, what);
    double v[2];
    for (int k = 0; k < 2; k++) {
        lua_rawgeti(L, idx, k + 1);
        if (!lua_isnumber(L, -1)) gops_lua_fail(L, "%s: %s: expected a point {x, y} in metres", fn, what);
        v[k] = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    const gops_district_t *d = gops_world_district(gops_scenario_self(L)->world);
    double x0 = -GOPS_MAP_MAX_EXTENT_M, x1 = GOPS_MAP_MAX_EXTENT_M, y0 = x0, y1 = x1;
    if (d) x0 = d->map->min_x, x1 = d->map->max_x, y0 = d->map->min_y, y1 = d->map->max_y;
    if (!(v[0] >= x0 && v[0] <= x1 && v[1] >= y0 && v[1] <= y1))
        gops_lua_fail(L, "%s: %s: the point (%g, %g) is outside the map (x %.0f to %.0f m, y %.0f to %.0f m)", fn, what, v[0],
                   v[1], x0, x1, y0, y1);
    return (gops_point_t){v[0], v[1]};
}

/// A location argument: a point {x, y} or a place name.
static gops_point_t check_location(lua_State *L, int idx, const char *fn, const char *what)
{
    if (lua_type(L, idx) == LUA_TSTRING) return feature_point(check_place(L, lua_tostring(L, idx), fn, what, -1));
    return check_point(L, idx, fn, what);
}

// ---- incidents ----------------------------------------------------------------------------

static const char *const category_names[GOPS_CAT_COUNT] = {
#define CAT_NAME(name, text) text,
    GOPS_INCIDENT_CATEGORY_LIST(CAT_NAME)
#undef CAT_NAME
};

static const char *const itype_names[GOPS_ITYPE_COUNT] = {
#define ITYPE_NAME(name, text, cat) text,
    GOPS_ITYPE_LIST(ITYPE_NAME)
#undef ITYPE_NAME
};

static const gops_category_t itype_category[GOPS_ITYPE_COUNT] = {
#define ITYPE_CAT(name, text, cat) GOPS_CAT_##cat,
    GOPS_ITYPE_LIST(ITYPE_CAT)
#undef ITYPE_CAT
};

/// The incident type from `type = ...` and/or `category = ...` of the table at idx.
static gops_itype_t read_itype(lua_State *L, int idx)
{
    lua_getfield(L, idx, "type");
    lua_getfield(L, idx, "category");
    const char *type = lua_isnil(L, -2) ? NULL : lua_tostring(L, -2);
    const char *cat = lua_isnil(L, -1) ? NULL : lua_tostring(L, -1);
    if ((!lua_isnil(L, -2) && lua_type(L, -2) != LUA_TSTRING) || (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING))
        gops_lua_fail(L, "incident: type and category are names, e.g. type = \"water_main_burst\"");
    if (!type && !cat)
        gops_lua_fail(L, "incident: give type = \"<incident type>\" (e.g. \"water_main_burst\") or category = \"<category>\"");
    const char *all[GOPS_ITYPE_COUNT + GOPS_CAT_COUNT];
    for (int i = 0; i < GOPS_ITYPE_COUNT; i++) all[i] = itype_names[i];
    for (int i = 0; i < GOPS_CAT_COUNT; i++) all[GOPS_ITYPE_COUNT + i] = category_names[i];
    int t = -1;
    if (type) {
        t = gops_itype_from_name(type);
        if (t < 0 && gops_category_from_name(type) >= 0)
            gops_lua_fail(L, "incident: type \"%s\" is a category: write category = \"%s\"", type, type);
        if (t < 0) gops_lua_unknown_name(L, "incident", "incident type", type, itype_names, GOPS_ITYPE_COUNT);
    }
    if (cat) {
        int c = gops_category_from_name(cat);
        int as_type = gops_itype_from_name(cat); // a type is accepted where a category is asked for
        if (c < 0 && as_type < 0) gops_lua_unknown_name(L, "incident", "category", cat, all, GOPS_ITYPE_COUNT + GOPS_CAT_COUNT);
        if (c < 0) c = (int)itype_category[as_type];
        if (t >= 0 && (int)itype_category[t] != c)
            gops_lua_fail(L, "incident: type \"%s\" belongs to category \"%s\", not \"%s\"", type,
                       category_names[itype_category[t]], category_names[c]);
        if (t < 0 && as_type >= 0) t = as_type;
        if (t < 0) {
            char list[200] = "";
            size_t used = 0;
            int found = 0;
            for (int i = 0; i < GOPS_ITYPE_COUNT; i++)
                if ((int)itype_category[i] == c) {
                    used += (size_t)snprintf(list + used, sizeof list - used, "%s\"%s\"", found ? ", " : "", itype_names[i]);
                    if (found++ == 0) t = i;
                }
            if (found > 1)
                gops_lua_fail(L, "incident: category \"%s\" has %d types (%s): give one as type = ...", cat, found, list);
        }
    }
    lua_pop(L, 2);
    return (gops_itype_t)t;
}

/// Seconds after the start at which `text` ("+15m", "HH:MM[:SS]", "YYYY-MM-DD HH:MM") falls,
/// counted from now; clock times mean their first occurrence at or after now.
static double read_when(lua_State *L, const char *text, const char *fn)
{
    gops_world_t *world = gops_scenario_self(L)->world;
    double now = gops_world_elapsed(world);
    gops_local_time_t start = gops_world_def(world)->start;
    gops_error_t err;
    int64_t value;
    if (text[0] == '+') {
        double s;
        if (gops_time_parse_duration(text + 1, &s, 1, &err) != GOPS_OK) gops_lua_fail(L, "%s: time: %s", fn, err.message);
        return now + s;
    }
    if (gops_time_parse_clock(text, &value, &err) == GOPS_OK) {
        int64_t local = start + (int64_t)floor(now);
        int64_t sod = ((local % 86400) + 86400) % 86400;
        int64_t delta = (value % 86400) - sod;
        if (delta < 0) delta += 86400;
        double t = floor(now) + (double)delta;
        return t > now ? t : now;
    }
    if (strlen(text) > 5 && gops_time_parse_datetime(text, &value, &err) == GOPS_OK) {
        double t = (double)(value - start);
        if (t < floor(now)) gops_lua_fail(L, "%s: time \"%s\" is in the past", fn, text);
        return t > now ? t : now;
    }
    gops_lua_fail(L, "%s: time: bad time \"%s\": expected \"+15m\", \"HH:MM\" or \"YYYY-MM-DD HH:MM\"", fn, text);
    return 0;
}

/// incident{ type = | category =, at = {x, y} | place = "name", time = "+0s", reported = true }
/// -> the incident's id.
static int lua_incident(lua_State *L)
{
    static const char *const keys[] = {"type", "category", "at", "place", "time", "reported"};
    gops_ops_t *ops = need_ops(L, "incident");
    luaL_checktype(L, 1, LUA_TTABLE);
    gops_lua_check_keys(L, 1, "incident", keys, 6);
    gops_itype_t type = read_itype(L, 1);
    lua_getfield(L, 1, "at");
    lua_getfield(L, 1, "place");
    if (lua_isnil(L, -2) == lua_isnil(L, -1))
        return gops_lua_fail(L, "incident: give where: at = {x, y} (m) or place = \"<id or name of a map feature>\", %s",
                          lua_isnil(L, -1) ? "found neither" : "not both");
    gops_point_t at;
    if (!lua_isnil(L, -2)) {
        at = check_point(L, lua_gettop(L) - 1, "incident", "at");
    } else {
        if (lua_type(L, -1) != LUA_TSTRING) return gops_lua_fail(L, "incident: place: expected the id or name of a map feature");
        at = feature_point(check_place(L, lua_tostring(L, -1), "incident", "place", -1));
    }
    lua_pop(L, 2);
    double when = gops_world_elapsed(gops_scenario_self(L)->world);
    lua_getfield(L, 1, "time");
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TSTRING)
            return gops_lua_fail(L, "incident: time: expected \"+15m\", \"HH:MM\" or a date and time");
        when = read_when(L, lua_tostring(L, -1), "incident");
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "reported");
    if (!lua_isnil(L, -1) && !lua_isboolean(L, -1))
        return gops_lua_fail(L, "incident: reported: expected true (the centre hears of it at once) or false (it must be "
                             "sensed)");
    bool reported = lua_isnil(L, -1) || lua_toboolean(L, -1);
    lua_pop(L, 1);
    uint32_t id;
    gops_error_t err;
    if (gops_ops_inject(ops, type, at, when, reported ? GOPS_CHANNEL_SCENARIO : GOPS_CHANNEL_NONE, &id, &err) != GOPS_OK)
        return gops_lua_fail(L, "incident: %s", err.message);
    lua_pushinteger(L, id);
    return 1;
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

static void set_string(lua_State *L, const char *key, const char *v)
{
    lua_pushstring(L, v);
    lua_setfield(L, -2, key);
}

/// A time (s after the start), or nothing when it has not happened (NAN).
static void set_time(lua_State *L, const char *key, double t)
{
    if (!isnan(t)) set_number(L, key, t);
}

static void set_zone(lua_State *L, const char *key, const gops_map_t *map, int32_t feature)
{
    if (map && feature >= 0 && (uint32_t)feature < map->feature_count && map->features[feature].id)
        set_string(L, key, map->features[feature].id);
}

/// Where an incident stands in its life: before and around the order's own states.
static const char *incident_state_name(const gops_incident_info_t *in)
{
    if (!in->occurred) return "scheduled";
    if (in->cleared) return "cleared";
    if (!in->detected) return "undetected";
    if (in->state == GOPS_ORDER_NONE) return "triage";
    return gops_order_state_name(in->state);
}

/// incident_state(id) -> a table: state, times, unit, counts (see API_models.md).
static int lua_incident_state(lua_State *L)
{
    gops_ops_t *ops = need_ops(L, "incident_state");
    uint32_t count = gops_ops_incident_count(ops);
    lua_Integer id = check_whole(L, 1, "incident_state", "id", 1, INT32_MAX);
    gops_incident_info_t in;
    if (!gops_ops_incident_get(ops, (uint32_t)id, &in))
        return count ? gops_lua_fail(L, "incident_state: no incident %lld (ids so far: 1 to %u)", (long long)id, count)
                     : gops_lua_fail(L, "incident_state: no incident %lld (none so far)", (long long)id);
    const gops_district_t *d = gops_world_district(gops_scenario_self(L)->world);
    const gops_map_t *map = d ? d->map : NULL;
    lua_createtable(L, 0, 30);
    set_integer(L, "id", in.id);
    set_string(L, "type", gops_itype_name(in.type));
    set_string(L, "category", gops_category_name(in.category));
    set_string(L, "priority", gops_priority_name(in.priority));
    set_number(L, "x", in.at.x);
    set_number(L, "y", in.at.y);
    set_string(L, "state", incident_state_name(&in));
    lua_pushboolean(L, in.repairing);
    lua_setfield(L, -2, "repairing");
    lua_pushboolean(L, in.gone);
    lua_setfield(L, -2, "gone");
    lua_pushboolean(L, in.withdrawn);
    lua_setfield(L, -2, "withdrawn");
    if (in.detected) set_string(L, "detected_by", gops_channel_name(in.channel));
    if (in.unit >= 0) set_string(L, "unit", gops_unit_type_name((gops_unit_type_t)in.unit));
    set_zone(L, "zone", map, in.zone);
    set_zone(L, "subdistrict", map, in.subdistrict);
    set_zone(L, "district", map, in.district);
    set_time(L, "occurred_s", in.t_occur);
    set_time(L, "detected_s", in.t_detect);
    set_time(L, "created_s", in.t_created);
    set_time(L, "dispatched_s", in.t_dispatch);
    set_time(L, "arrived_s", in.t_arrive);
    set_time(L, "resolved_s", in.t_resolve);
    set_time(L, "closed_s", in.t_close);
    set_integer(L, "dispatches", in.dispatches);
    set_integer(L, "refusals", in.refusals);
    set_integer(L, "preemptions", in.preemptions);
    set_integer(L, "reopens", in.reopens);
    set_integer(L, "escalations", in.escalations);
    if (in.open_reason && in.open_reason[0]) set_string(L, "open_reason", in.open_reason);
    return 1;
}

/// ops_status() -> counts of incidents by where their order stands, and of teams and posts.
static int lua_ops_status(lua_State *L)
{
    gops_ops_status_t s;
    gops_ops_status(need_ops(L, "ops_status"), &s);
    lua_createtable(L, 0, 15);
    set_integer(L, "incidents", s.incidents);
    set_integer(L, "undetected", s.undetected);
    set_integer(L, "cleared", s.cleared);
    set_integer(L, "in_triage", s.in_triage);
    set_integer(L, "waiting", s.waiting);
    set_integer(L, "active", s.active);
    set_integer(L, "unverified", s.unverified);
    set_integer(L, "closed", s.closed);
    set_integer(L, "open", s.in_triage + s.waiting + s.active + s.unverified);
    set_integer(L, "teams_on_duty", s.teams_on_duty);
    set_integer(L, "teams_busy", s.teams_busy);
    set_integer(L, "teams_mobilising", s.teams_mobilising);
    set_integer(L, "posts_wanted", s.posts_wanted);
    set_integer(L, "posts_held", s.posts_held);
    set_integer(L, "desks", s.desks);
    return 1;
}

// ---- staffing, policy, posts ------------------------------------------------------------------

/// Kind index of a team kind argument; raises with the nearest kind name.
static int check_kind(lua_State *L, int arg, const char *fn, gops_ops_t *ops)
{
    const char *name = luaL_checkstring(L, arg);
    int k = gops_ops_team_kind_find(ops, name);
    if (k >= 0) return k;
    const gops_ops_params_t *p = gops_ops_params(ops);
    const char *names[GOPS_TEAM_KIND_MAX];
    for (uint32_t i = 0; i < p->kind_count; i++) names[i] = p->kinds[i].name;
    gops_lua_unknown_name(L, fn, "team kind", name, names, p->kind_count);
    return -1;
}

/// set_teams(kind, count [, mode]): teams of a kind on duty in `mode` (default: every mode).
/// In the current mode, new teams arrive after the mode's call-in time; surplus idle teams
/// leave at once, busy ones when their job is done.
static int lua_set_teams(lua_State *L)
{
    gops_ops_t *ops = need_ops(L, "set_teams");
    int kind = check_kind(L, 1, "set_teams", ops);
    int count = (int)check_whole(L, 2, "set_teams", "count", 0, 10000);
    int mode = lua_isnoneornil(L, 3) ? -1 : check_mode_arg(L, 3, "set_teams");
    gops_error_t err;
    if (gops_ops_set_team_count(ops, kind, mode, count, &err) != GOPS_OK) return gops_lua_fail(L, "set_teams: %s", err.message);
    return 0;
}

/// teams([kind]) -> {planned, on_duty, idle, busy, mobilising, off}: mobile teams of a kind,
/// "posts" for the post teams, or every team when no kind is given.
static int lua_teams(lua_State *L)
{
    gops_ops_t *ops = need_ops(L, "teams");
    int kind = -2; // every team
    if (!lua_isnoneornil(L, 1)) kind = strcmp(luaL_checkstring(L, 1), "posts") == 0 ? -1 : check_kind(L, 1, "teams", ops);
    const gops_ops_params_t *p = gops_ops_params(ops);
    gops_mode_t mode = gops_world_mode(gops_scenario_self(L)->world);
    uint32_t n[GOPS_TEAM_STATE_COUNT] = {0};
    for (uint32_t t = 0; t < gops_ops_team_count(ops); t++) {
        gops_team_info_t ti;
        gops_ops_team_get(ops, t, &ti);
        if (kind == -2 || (kind == -1 && ti.post >= 0) || (kind >= 0 && ti.kind == kind)) n[ti.state]++;
    }
    gops_ops_status_t s;
    gops_ops_status(ops, &s);
    lua_Integer planned = 0;
    for (uint32_t k = 0; k < p->kind_count; k++)
        if (kind == -2 || kind == (int)k) planned += p->kinds[k].count[mode];
    if (kind < 0) planned += s.posts_wanted;
    lua_createtable(L, 0, 6);
    set_integer(L, "planned", (uint64_t)planned);
    set_integer(L, "on_duty", n[GOPS_TEAM_IDLE] + n[GOPS_TEAM_ASSIGNED] + n[GOPS_TEAM_EN_ROUTE] + n[GOPS_TEAM_ON_SCENE]);
    set_integer(L, "idle", n[GOPS_TEAM_IDLE]);
    set_integer(L, "busy", n[GOPS_TEAM_ASSIGNED] + n[GOPS_TEAM_EN_ROUTE] + n[GOPS_TEAM_ON_SCENE]);
    set_integer(L, "mobilising", n[GOPS_TEAM_MOBILISING] + n[GOPS_TEAM_TO_POST]);
    set_integer(L, "off", n[GOPS_TEAM_OFF]);
    return 1;
}

static int check_option(lua_State *L, int idx, const char *key, const char *const *names, int count, const char *what)
{
    if (lua_type(L, idx) != LUA_TSTRING) gops_lua_fail(L, "%s: %s: expected a name, found a %s", what, key, luaL_typename(L, idx));
    const char *v = lua_tostring(L, idx);
    for (int i = 0; i < count; i++)
        if (strcmp(v, names[i]) == 0) return i;
    char inner[96];
    snprintf(inner, sizeof inner, "%s: %s", what, key);
    gops_lua_unknown_name(L, inner, "value", v, names, (size_t)count);
    return -1;
}

/// set_policy{ dispatch = "nearest" | "first_free", queue = "priority" | "fifo",
/// scope = "district" | "zone", preempt = true | false | "on_scene", overlap = true | false,
/// post_radius_m = m }: fields not given keep their value.
static int lua_set_policy(lua_State *L)
{
    static const char *const keys[] = {"dispatch", "queue", "scope", "preempt", "overlap", "post_radius_m"};
    static const char *const selects[] = {"nearest", "first_free"};
    static const char *const queues[] = {"priority", "fifo"};
    static const char *const scopes[] = {"district", "zone"};
    gops_ops_t *ops = need_ops(L, "set_policy");
    luaL_checktype(L, 1, LUA_TTABLE);
    gops_lua_check_keys(L, 1, "set_policy", keys, 6);
    gops_dispatch_policy_t p = gops_ops_policy(ops);
    lua_getfield(L, 1, "dispatch");
    if (!lua_isnil(L, -1)) p.select = (gops_team_select_t)check_option(L, -1, "dispatch", selects, 2, "set_policy");
    lua_getfield(L, 1, "queue");
    if (!lua_isnil(L, -1)) p.priority_queue = check_option(L, -1, "queue", queues, 2, "set_policy") == 0;
    lua_getfield(L, 1, "scope");
    if (!lua_isnil(L, -1)) p.zone_bound = check_option(L, -1, "scope", scopes, 2, "set_policy") == 1;
    lua_getfield(L, 1, "preempt");
    if (lua_isboolean(L, -1)) {
        p.preempt = lua_toboolean(L, -1);
        p.preempt_on_scene = false;
    } else if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "on_scene") == 0) {
        p.preempt = p.preempt_on_scene = true;
    } else if (!lua_isnil(L, -1)) {
        return gops_lua_fail(L, "set_policy: preempt: expected true, false or \"on_scene\"");
    }
    lua_getfield(L, 1, "overlap");
    if (!lua_isnil(L, -1)) {
        if (!lua_isboolean(L, -1)) return gops_lua_fail(L, "set_policy: overlap: expected true or false");
        p.overlap_fallback = lua_toboolean(L, -1);
    }
    lua_getfield(L, 1, "post_radius_m");
    if (!lua_isnil(L, -1)) {
        if (!lua_isnumber(L, -1)) return gops_lua_fail(L, "set_policy: post_radius_m: expected a number (m)");
        p.post_radius_m = lua_tonumber(L, -1);
        if (!(p.post_radius_m >= 0 && p.post_radius_m <= 5000))
            return gops_lua_fail(L, "set_policy: post_radius_m: %g is out of range: expected 0 to 5000 m", p.post_radius_m);
    }
    gops_error_t err;
    if (gops_ops_set_policy(ops, &p, &err) != GOPS_OK) return gops_lua_fail(L, "set_policy: %s", err.message);
    return 0;
}

/// policy() -> the dispatch policy in the keys set_policy takes.
static int lua_policy(lua_State *L)
{
    gops_dispatch_policy_t p = gops_ops_policy(need_ops(L, "policy"));
    lua_createtable(L, 0, 6);
    set_string(L, "dispatch", gops_team_select_name(p.select));
    set_string(L, "queue", p.priority_queue ? "priority" : "fifo");
    set_string(L, "scope", p.zone_bound ? "zone" : "district");
    if (p.preempt && p.preempt_on_scene)
        set_string(L, "preempt", "on_scene");
    else {
        lua_pushboolean(L, p.preempt);
        lua_setfield(L, -2, "preempt");
    }
    lua_pushboolean(L, p.overlap_fallback);
    lua_setfield(L, -2, "overlap");
    set_number(L, "post_radius_m", p.post_radius_m);
    return 1;
}

/// move_post(post, {x, y} | place): the post's staff walk to the new spot (not holding the
/// post on the way); it is staffed there from then on.
static int lua_move_post(lua_State *L)
{
    gops_ops_t *ops = need_ops(L, "move_post");
    const char *name = luaL_checkstring(L, 1);
    const gops_feature_t *f = check_place(L, name, "move_post", "post", GOPS_FEAT_POST);
    int32_t post = f->id ? gops_ops_post_find(ops, f->id) : -1;
    if (post < 0) return gops_lua_fail(L, "move_post: post \"%s\" has no id in the map, so it cannot be moved", name);
    gops_point_t to = check_location(L, 2, "move_post", "to");
    gops_error_t err;
    if (gops_ops_move_post(ops, (uint32_t)post, to, &err) != GOPS_OK) return gops_lua_fail(L, "move_post: %s", err.message);
    return 0;
}

/// set_rain(mm_per_h): rain from now on (0 to 500 mm/h); waterlogging happens with it.
static int lua_set_rain(lua_State *L)
{
    gops_ops_t *ops = need_ops(L, "set_rain");
    lua_Number mm = luaL_checknumber(L, 1);
    if (!(mm >= 0 && mm <= 500)) return gops_lua_fail(L, "set_rain: %g mm/h is out of range: expected 0 to 500", mm);
    gops_error_t err;
    if (gops_ops_set_rain(ops, mm, &err) != GOPS_OK) return gops_lua_fail(L, "set_rain: %s", err.message);
    return 0;
}

/// set_incident_rate(type, per_hour [, mode]): the mean rate over a day of an incident type
/// (the hour-of-day profile still shapes it), in `mode` (default: every mode).
static int lua_set_incident_rate(lua_State *L)
{
    gops_ops_t *ops = need_ops(L, "set_incident_rate");
    const char *name = luaL_checkstring(L, 1);
    int type = gops_itype_from_name(name);
    if (type < 0) gops_lua_unknown_name(L, "set_incident_rate", "incident type", name, itype_names, GOPS_ITYPE_COUNT);
    lua_Number rate = luaL_checknumber(L, 2);
    if (!(rate >= 0 && rate <= 10000))
        return gops_lua_fail(L, "set_incident_rate: %g per hour is out of range: expected 0 to 10000", rate);
    int mode = lua_isnoneornil(L, 3) ? -1 : check_mode_arg(L, 3, "set_incident_rate");
    gops_error_t err;
    if (gops_ops_set_rate(ops, (gops_itype_t)type, mode, rate, &err) != GOPS_OK)
        return gops_lua_fail(L, "set_incident_rate: %s", err.message);
    return 0;
}

/// travel_time(from, to [, "vehicle" | "foot"]) -> seconds a team needs now between two
/// locations (points {x, y} or place names): the answer dispatch uses, by vehicle through
/// the simulated traffic when the run has it (default "vehicle").
static int lua_travel_time(lua_State *L)
{
    gops_ops_t *ops = need_ops(L, "travel_time");
    gops_point_t from = check_location(L, 1, "travel_time", "from");
    gops_point_t to = check_location(L, 2, "travel_time", "to");
    static const char *const modes[] = {"foot", "vehicle"};
    gops_travel_mode_t mode = GOPS_TRAVEL_VEHICLE;
    if (!lua_isnoneornil(L, 3)) {
        const char *name = luaL_checkstring(L, 3);
        if (strcmp(name, "foot") == 0) mode = GOPS_TRAVEL_FOOT;
        else if (strcmp(name, "vehicle") != 0) gops_lua_unknown_name(L, "travel_time", "travel mode", name, modes, 2);
    }
    lua_pushnumber(L, gops_ops_travel_time(ops, mode, from, to));
    return 1;
}

void gops_lua_ops_register_api(gops_scenario_t *sc)
{
    gops_scenario_register(sc, "travel_time", lua_travel_time);
    gops_scenario_register(sc, "incident", lua_incident);
    gops_scenario_register(sc, "incident_state", lua_incident_state);
    gops_scenario_register(sc, "ops_status", lua_ops_status);
    gops_scenario_register(sc, "set_teams", lua_set_teams);
    gops_scenario_register(sc, "teams", lua_teams);
    gops_scenario_register(sc, "set_policy", lua_set_policy);
    gops_scenario_register(sc, "policy", lua_policy);
    gops_scenario_register(sc, "move_post", lua_move_post);
    gops_scenario_register(sc, "set_rain", lua_set_rain);
    gops_scenario_register(sc, "set_incident_rate", lua_set_incident_rate);
}
