// SPDX-License-Identifier: MIT
// The `scenario{...}` table and `--set key=value` overrides: one field table drives both,
// so every key is validated the same way whichever way it arrives. Unknown keys are refused
// with the nearest valid key. Does not run hooks or touch the world.
#include "scenario/scenario_internal.h"

#include "core/assert.h"
#include "core/nearest.h"
#include "core/simtime.h"

#include <errno.h>
#include <inttypes.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum field_type { F_TEXT, F_DATETIME, F_DURATION, F_FINISH, F_UINT, F_NUMBER, F_MODE, F_PATH, F_BOOL, F_DAY, F_SCOPE, F_FOOT } field_type_t;

typedef struct field {
    const char *key;
    field_type_t type;
    const char *help; ///< what is expected, for messages
} field_t;

/// Keys of scenario{}, sorted. `finish` is the end time ("until" is a Lua keyword). Model
/// parameters are dotted ("crowd.time_gap_s"); in the file they may also be written as a
/// nested table: crowd = { time_gap_s = 0.9 }.
static const field_t fields[] = {
    {"crowd", F_BOOL, "true or false (simulate pedestrians; default true with a map)"},
    {"crowd.arrive_radius_m", F_NUMBER, "a distance in m (0.05..5)"},
    {"crowd.density_cell_m", F_NUMBER, "a density cell size in m (0.5..2)"},
    {"crowd.density_window_s", F_NUMBER, "an averaging window in s (1..120)"},
    {"crowd.exit_radius_m", F_NUMBER, "a distance in m (0.05..10)"},
    {"crowd.junction_box_speed", F_NUMBER, "a relative speed (0.05..1) routing gives a junction's box off its crosswalks"},
    {"crowd.lane_lookahead_m", F_NUMBER, "how far ahead in m (0 = off, up to 20) people watch for oncoming walkers and keep right"},
    {"crowd.neighbour_range_m", F_NUMBER, "a repulsion range in m (0.01..1)"},
    {"crowd.neighbour_strength", F_NUMBER, "a repulsion strength (0..50)"},
    {"crowd.queue_gap_m", F_NUMBER, "the gap in m (0 = off, up to 1) people leave behind someone waiting its turn (kerbs, metered doors)"},
    {"crowd.route_every_s", F_NUMBER, "a refresh interval in s (0 = off, 1..3600) of the fields priced by crowding"},
    {"crowd.route_min_speed", F_NUMBER, "the lowest relative speed (0.01..1) a crowd gives the priced fields"},
    {"crowd.settle_s", F_NUMBER, "how long in s (0..3600) a warm-started crowd walks alone before the start"},
    {"crowd.time_gap_s", F_NUMBER, "a time gap in s (0.1..3)"},
    {"crowd.visitors", F_NUMBER, "unique visitors a day (0..5000000)"},
    {"crowd.warm_start", F_BOOL, "true or false (start with the visitors already there; default true)"},
    {"crowd.warn_hold_s", F_NUMBER, "a hold time in s (0..3600)"},
    {"crowd.warn_ppm2", F_NUMBER, "a density in persons/m² (0.5..10)"},
    {"day", F_DAY, "weekday or holiday"},
    {"description", F_TEXT, "a text"},
    {"duration", F_DURATION, "a duration such as \"9h\" or \"90m\""},
    {"finish", F_FINISH, "an end time \"HH:MM\" (first at or after start) or \"YYYY-MM-DD HH:MM\""},
    {"lua_instructions", F_UINT, "an instruction budget per hook call (integer >= 1000)"},
    {"lua_memory_mb", F_UINT, "a memory cap in MiB (integer 16..16384)"},
    {"map", F_PATH, "a map file path, relative to the scenario file"},
    {"mode", F_MODE, "one of normal, holiday, major_event, emergency"},
    {"name", F_TEXT, "a text"},
    {"nav_cell_m", F_NUMBER, "a walkable raster cell size in m (0.1..10)"},
    {"ops", F_BOOL, "true or false (simulate incidents, the centre and teams; default true with a map)"},
    {"ops.density_trigger_enter_min", F_NUMBER, "minutes (0..1440) a warning at the trigger level must last before emergency mode"},
    {"ops.density_trigger_leave_min", F_NUMBER, "minutes (0..1440) with no such warning before the grid returns to its mode"},
    {"ops.density_trigger_ppm2", F_NUMBER, "a density in persons/m² (0..10; 0 = off) whose lasting warnings switch the grid to emergency"},
    {"ops.foot_travel", F_FOOT, "field (walking distances over sidewalks, crossings and plazas; default) or straight (straight line x 1.3)"},
    {"ops.mobile_teams", F_UINT, "mobile patrol teams in holiday, major-event and emergency mode (0..500)"},
    {"ops.posts", F_UINT, "how many of the map's fixed posts are staffed (0..10000)"},
    {"ops.rain_mm_h", F_NUMBER, "rain in mm/h (0..200)"},
    {"ops.team_scope", F_SCOPE, "zone (teams answer in their sub-district first) or district"},
    {"seed", F_UINT, "a non-negative integer"},
    {"start", F_DATETIME, "a start time \"YYYY-MM-DD HH:MM\""},
    {"tick", F_DURATION, "a tick length such as \"0.1s\" (0.01s..1s)"},
    {"traffic", F_BOOL, "true or false (simulate vehicles; default true with a map)"},
    {"traffic.demand_scale", F_NUMBER, "a factor on every traffic demand rate (0..10)"},
    {"vendors", F_BOOL, "true or false (simulate street vendors and guidance points; default true with a map)"},
    {"vendors.clear_width_m", F_NUMBER, "walkway in m (0..20) a street vendor leaves free beside its cart"},
    {"vendors.complaints_per_ped_h", F_NUMBER, "complaints per pedestrian-hour near a street vendor (0..1)"},
    {"vendors.comply", F_NUMBER, "P(a vendor who meets enforcement goes to a free stall next to it) (0..1)"},
    {"vendors.displaced_share", F_NUMBER, "a share (0..1) of licence holders trading on the street without points"},
    {"vendors.guidance_points", F_BOOL, "true or false (the map's guidance points operate; default true)"},
    {"vendors.min_spacing_m", F_NUMBER, "how far in m (0..50) a street vendor pitches from another cart's footprint"},
    {"vendors.mobile", F_UINT, "mobile vendors out at the busiest hour, every mode (0..100000)"},
    {"vendors.partner_share", F_NUMBER, "a share (0..1) of merchants who are grid partners"},
    {"vendors.points_per_report", F_NUMBER, "points a merchant earns per valid report (0..1000000)"},
    {"vendors.see_radius_m", F_NUMBER, "a distance in m at which vendors notice enforcement (1..1000)"},
    {"vendors.step_s", F_NUMBER, "the vendors model's step in s (0.1..60)"},
    {"vendors.walk_in", F_NUMBER, "a share (0..1) of arriving mobile vendors who go straight to a free stall"},
};
enum { FIELD_COUNT = sizeof fields / sizeof fields[0] };

void gops_scenario_def_init(gops_scenario_def_t *def)
{
    memset(def, 0, sizeof *def);
    def->seed = 1;
    def->mode = GOPS_MODE_NORMAL;
    def->tick_s = 0.1;
    def->lua_memory_bytes = (size_t)256 << 20;
    def->lua_instructions = 100000000;
    def->nav_cell_m = 1.0;
    def->crowd = true;
    def->day = GOPS_DAY_WEEKDAY;
    def->crowd_params = gops_crowd_params_default(GOPS_DAY_WEEKDAY);
    def->crowd_params.demand.warm_start = true; // a district run starts with the day's visitors so far
    def->traffic = true;
    def->traffic_params = gops_traffic_params_default();
    def->ops = true;
    def->ops_params = gops_ops_params_default();
    def->ops_params.travel.foot = GOPS_FOOT_FIELD; // runs walk the sidewalks (ops.foot_travel)
    def->ops_posts = -1;
    def->vendors = true;
    def->vendors_params = gops_vendors_params_default();
    def->start = INT64_MIN; // required
}

static const field_t *find_field(const char *key)
{
    for (int i = 0; i < FIELD_COUNT; i++)
        if (strcmp(fields[i].key, key) == 0) return &fields[i];
    return NULL;
}

static gops_status_t unknown_key(const char *where, const char *key, gops_error_t *err)
{
    const char *names[FIELD_COUNT];
    for (int i = 0; i < FIELD_COUNT; i++) names[i] = fields[i].key;
    const char *near = gops_nearest_name(key, names, FIELD_COUNT);
    if (near)
        return gops_error_set(err, GOPS_SCENARIO, "%sunknown scenario key '%s' (did you mean '%s'?)", where, key, near);
    char list[1024] = "";
    size_t used = 0;
    for (int i = 0; i < FIELD_COUNT && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", fields[i].key);
    return gops_error_set(err, GOPS_SCENARIO, "%sunknown scenario key '%s' (valid keys: %.700s)", where, key, list);
}

static gops_status_t parse_uint(const char *text, uint64_t *out)
{
    if (!*text || *text == '-' || *text == '+') return GOPS_BAD_VALUE;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end) return GOPS_BAD_VALUE;
    *out = v;
    return GOPS_OK;
}

/// Resolves a path relative to the scenario's folder; false when it does not fit.
static bool resolve_path(const gops_scenario_t *sc, const char *text, char *out, size_t size)
{
    int n;
    if (text[0] == '/' || sc->dir[0] == '\0')
        n = snprintf(out, size, "%s", text);
    else
        n = snprintf(out, size, "%s/%s", sc->dir, text);
    return n >= 0 && (size_t)n < size;
}

/// The operations model's mobile patrol team kind (FACTS.md: 17 mobile teams on holidays).
static int patrol_kind(const gops_ops_params_t *p)
{
    for (uint32_t k = 0; k < p->kind_count; k++)
        if (strcmp(p->kinds[k].name, "patrol") == 0) return (int)k;
    GOPS_ASSERT(!"the operations defaults have a patrol team kind");
    return 0;
}

/// Stores a vendors.<key> number if v is in its range (as in the field table's help). Keys
/// that are per mode in the model set every mode.
static bool set_vendors_number(gops_vendors_params_t *p, const char *key, double v)
{
    struct { const char *key; double lo, hi; } ranges[] = {
        {"clear_width_m", 0, 20}, {"complaints_per_ped_h", 0, 1}, {"comply", 0, 1}, {"displaced_share", 0, 1}, {"partner_share", 0, 1},
        {"points_per_report", 0, 1e6}, {"see_radius_m", 1, 1000}, {"step_s", 0.1, 60}, {"walk_in", 0, 1},
        {"min_spacing_m", 0, 50},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        if (strcmp(ranges[i].key, key) != 0) continue;
        if (!(v >= ranges[i].lo && v <= ranges[i].hi)) return false;
        if (strcmp(key, "clear_width_m") == 0) p->pitches.clear_width_m = v;
        else if (strcmp(key, "complaints_per_ped_h") == 0) p->complaints_per_ped_h = v;
        else if (strcmp(key, "displaced_share") == 0) p->displaced_share = v;
        else if (strcmp(key, "partner_share") == 0) p->merchants.partner_share = v;
        else if (strcmp(key, "points_per_report") == 0) p->merchants.points_per_report = v;
        else if (strcmp(key, "see_radius_m") == 0) p->reactions.see_radius_m = v;
        else if (strcmp(key, "step_s") == 0) p->step_s = v;
        else if (strcmp(key, "min_spacing_m") == 0) p->pitches.min_spacing_m = v;
        else if (strcmp(key, "comply") == 0)
            for (int m = 0; m < GOPS_MODE_COUNT; m++) p->reactions.comply[m] = v;
        else
            for (int m = 0; m < GOPS_MODE_COUNT; m++) p->walk_in[m] = v;
        return true;
    }
    return false;
}

/// Stores a numeric key if v is in its range (ranges as in the field table's help).
static bool set_number(gops_scenario_def_t *def, const char *key, double v)
{
    if (strncmp(key, "vendors.", 8) == 0) return set_vendors_number(&def->vendors_params, key + 8, v);
    gops_crowd_params_t *c = &def->crowd_params;
    struct { const char *key; double lo, hi; } ranges[] = {
        {"nav_cell_m", 0.1, 10}, {"crowd.arrive_radius_m", 0.05, 5}, {"crowd.density_cell_m", 0.5, 2},
        {"crowd.density_window_s", 1, 120}, {"crowd.exit_radius_m", 0.05, 10},
        {"crowd.junction_box_speed", 0.05, 1}, {"crowd.lane_lookahead_m", 0, 20},
        {"crowd.neighbour_range_m", 0.01, 1}, {"crowd.neighbour_strength", 0, 50}, {"crowd.queue_gap_m", 0, 1},
        {"crowd.route_every_s", 0, 3600}, {"crowd.route_min_speed", 0.01, 1}, {"crowd.settle_s", 0, 3600},
        {"crowd.time_gap_s", 0.1, 3}, {"crowd.visitors", 0, 5e6}, {"crowd.warn_hold_s", 0, 3600},
        {"crowd.warn_ppm2", 0.5, 10}, {"ops.rain_mm_h", 0, 200}, {"traffic.demand_scale", 0, 10},
        {"ops.density_trigger_ppm2", 0, 10}, {"ops.density_trigger_enter_min", 0, 1440},
        {"ops.density_trigger_leave_min", 0, 1440},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        if (strcmp(ranges[i].key, key) != 0) continue;
        if (!(v >= ranges[i].lo && v <= ranges[i].hi)) return false;
        if (strcmp(key, "nav_cell_m") == 0) def->nav_cell_m = v;
        else if (strcmp(key, "crowd.arrive_radius_m") == 0) c->arrive_radius_m = (float)v;
        else if (strcmp(key, "crowd.density_cell_m") == 0) c->density.cell_m = v;
        else if (strcmp(key, "crowd.density_window_s") == 0) c->density.window_s = v;
        else if (strcmp(key, "crowd.exit_radius_m") == 0) c->exit_radius_m = (float)v;
        else if (strcmp(key, "crowd.junction_box_speed") == 0) c->junction_box_speed = (float)v;
        else if (strcmp(key, "crowd.lane_lookahead_m") == 0) c->walk.lane_lookahead_m = (float)v;
        else if (strcmp(key, "crowd.queue_gap_m") == 0) c->walk.queue_gap_m = (float)v;
        else if (strcmp(key, "crowd.neighbour_range_m") == 0) c->walk.neighbour_range_m = (float)v;
        else if (strcmp(key, "crowd.neighbour_strength") == 0) c->walk.neighbour_strength = (float)v;
        else if (strcmp(key, "crowd.route_every_s") == 0) {
            if (v > 0 && v < 1) return false; // 0 (off) or at least a second
            c->route.every_s = v;
        } else if (strcmp(key, "crowd.route_min_speed") == 0) c->route.min_speed = (float)v;
        else if (strcmp(key, "crowd.settle_s") == 0) c->settle_s = v;
        else if (strcmp(key, "crowd.time_gap_s") == 0) c->walk.time_gap_s = (float)v;
        else if (strcmp(key, "crowd.visitors") == 0) c->demand.daily_visitors = v;
        else if (strcmp(key, "crowd.warn_hold_s") == 0) c->density.warn_hold_s = v;
        else if (strcmp(key, "crowd.warn_ppm2") == 0) c->density.warn_ppm2 = v;
        else if (strcmp(key, "ops.rain_mm_h") == 0) def->ops_params.rain_mm_h = v;
        else if (strcmp(key, "ops.density_trigger_ppm2") == 0) def->ops_params.density_trigger.enter_ppm2 = v;
        else if (strcmp(key, "ops.density_trigger_enter_min") == 0) def->ops_params.density_trigger.enter_s = 60 * v;
        else if (strcmp(key, "ops.density_trigger_leave_min") == 0) def->ops_params.density_trigger.leave_s = 60 * v;
        else if (strcmp(key, "traffic.demand_scale") == 0) def->traffic_params.demand_scale = v;
        return true;
    }
    return false;
}

/// Parses `text` for one field into the definition. `where` prefixes messages ("file:line: "
/// or "--set ").
static gops_status_t set_field(gops_scenario_t *sc, const field_t *f, const char *text, const char *where,
                               gops_error_t *err)
{
    gops_scenario_def_t *def = &sc->def;
    gops_error_t inner;
    uint64_t u = 0;
    switch (f->type) {
    case F_TEXT:
        if (strcmp(f->key, "name") == 0) {
            if (!*text) return gops_error_set(err, GOPS_SCENARIO, "%sname: expected a non-empty text", where);
            snprintf(def->name, sizeof def->name, "%s", text);
        } else {
            snprintf(def->description, sizeof def->description, "%s", text);
        }
        return GOPS_OK;
    case F_DATETIME:
        if (gops_time_parse_datetime(text, &def->start, &inner) != GOPS_OK)
            return gops_error_set(err, GOPS_BAD_TIME, "%sstart: %s", where, inner.message);
        return GOPS_OK;
    case F_DURATION: {
        double s;
        if (gops_time_parse_duration(text, &s, 0, &inner) != GOPS_OK)
            return gops_error_set(err, GOPS_BAD_TIME, "%s%s: %s", where, f->key, inner.message);
        if (strcmp(f->key, "tick") == 0) {
            if (s < 0.01 || s > 1.0)
                return gops_error_set(err, GOPS_BAD_VALUE, "%stick: %s is out of range: expected 0.01s to 1s", where, text);
            def->tick_s = s;
        } else {
            def->duration_s = s;
        }
        return GOPS_OK;
    }
    case F_FINISH: {
        if (def->start == INT64_MIN)
            return gops_error_set(err, GOPS_SCENARIO, "%sfinish: set start before finish", where);
        gops_local_time_t end;
        int64_t sod;
        if (gops_time_parse_clock(text, &sod, &inner) == GOPS_OK) {
            int64_t start_sod = ((def->start % 86400) + 86400) % 86400;
            int64_t delta = sod - start_sod;
            if (delta <= 0) delta += 86400;
            end = def->start + delta;
        } else if (gops_time_parse_datetime(text, &end, &inner) != GOPS_OK) {
            return gops_error_set(err, GOPS_BAD_TIME, "%sfinish: bad time \"%s\": %s", where, text, f->help);
        }
        if (end <= def->start)
            return gops_error_set(err, GOPS_BAD_TIME, "%sfinish: \"%s\" is not after the start", where, text);
        def->duration_s = (double)(end - def->start);
        return GOPS_OK;
    }
    case F_UINT:
        if (parse_uint(text, &u) != GOPS_OK)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s%s: found \"%s\", expected %s", where, f->key, text, f->help);
        if (strcmp(f->key, "seed") == 0) {
            def->seed = u;
        } else if (strcmp(f->key, "ops.mobile_teams") == 0 || strcmp(f->key, "ops.posts") == 0) {
            uint64_t max = f->key[4] == 'm' ? 500 : 10000;
            if (u > max)
                return gops_error_set(err, GOPS_BAD_VALUE, "%s%s: %" PRIu64 " is out of range: expected %s", where, f->key, u,
                                      f->help);
            if (f->key[4] == 'p') {
                def->ops_posts = (int64_t)u;
            } else {
                int k = patrol_kind(&def->ops_params);
                for (int m = GOPS_MODE_HOLIDAY; m < GOPS_MODE_COUNT; m++) def->ops_params.kinds[k].count[m] = (int)u;
            }
        } else if (strcmp(f->key, "vendors.mobile") == 0) {
            if (u > 100000)
                return gops_error_set(err, GOPS_BAD_VALUE, "%s%s: %" PRIu64 " is out of range: expected %s", where, f->key, u,
                                      f->help);
            for (int m = 0; m < GOPS_MODE_COUNT; m++) def->vendors_params.mobile[m] = (uint32_t)u;
        } else if (strcmp(f->key, "lua_memory_mb") == 0) {
            if (u < 16 || u > 16384)
                return gops_error_set(err, GOPS_BAD_VALUE, "%slua_memory_mb: %" PRIu64 " is out of range: expected 16..16384", where, u);
            def->lua_memory_bytes = (size_t)u << 20;
        } else {
            if (u < 1000)
                return gops_error_set(err, GOPS_BAD_VALUE, "%slua_instructions: %" PRIu64 " is too small: expected >= 1000", where, u);
            def->lua_instructions = u;
        }
        return GOPS_OK;
    case F_NUMBER: {
        char *end;
        double v = strtod(text, &end);
        if (!*text || *end || !set_number(def, f->key, v))
            return gops_error_set(err, GOPS_BAD_VALUE, "%s%s: found \"%s\", expected %s", where, f->key, text, f->help);
        return GOPS_OK;
    }
    case F_BOOL: {
        if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s%s: found \"%s\", expected %s", where, f->key, text, f->help);
        bool on = text[0] == 't';
        if (strcmp(f->key, "crowd") == 0) def->crowd = on;
        else if (strcmp(f->key, "traffic") == 0) def->traffic = on;
        else if (strcmp(f->key, "crowd.warm_start") == 0) def->crowd_params.demand.warm_start = on;
        else if (strcmp(f->key, "vendors") == 0) def->vendors = on;
        else if (strcmp(f->key, "vendors.guidance_points") == 0) def->vendors_params.guidance_points = on;
        else def->ops = on;
        return GOPS_OK;
    }
    case F_FOOT:
        if (strcmp(text, "field") != 0 && strcmp(text, "straight") != 0)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s%s: found \"%s\", expected %s", where, f->key, text, f->help);
        def->ops_params.travel.foot = text[0] == 'f' ? GOPS_FOOT_FIELD : GOPS_FOOT_STRAIGHT;
        return GOPS_OK;
    case F_SCOPE:
        if (strcmp(text, "zone") != 0 && strcmp(text, "district") != 0)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s%s: found \"%s\", expected %s", where, f->key, text, f->help);
        def->ops_params.policy.zone_bound = text[0] == 'z';
        return GOPS_OK;
    case F_DAY: {
        int day = gops_day_kind_from_name(text);
        if (day < 0)
            return gops_error_set(err, GOPS_BAD_VALUE, "%sday: found \"%s\", expected %s", where, text, f->help);
        // The day decides the visitors' profile and daily total (FACTS.md: 295,000 on a
        // weekday, 419,000 on a holiday); an explicit crowd.visitors still wins when set
        // after it.
        def->day = (gops_day_kind_t)day;
        gops_demand_params_t fresh = gops_demand_params_default(def->day);
        def->crowd_params.demand.day_kind = fresh.day_kind;
        def->crowd_params.demand.daily_visitors = fresh.daily_visitors;
        return GOPS_OK;
    }
    case F_MODE: {
        int m = gops_mode_from_name(text);
        if (m < 0) {
            static const char *const modes[] = {"normal", "holiday", "major_event", "emergency"};
            const char *near = gops_nearest_name(text, modes, 4);
            return gops_error_set(err, GOPS_BAD_VALUE, "%smode: unknown mode \"%s\"%s%s%s: expected %s", where, text,
                                  near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", f->help);
        }
        def->mode = (gops_mode_t)m;
        return GOPS_OK;
    }
    case F_PATH:
        if (!*text) return gops_error_set(err, GOPS_SCENARIO, "%smap: expected a file path, found an empty text", where);
        if (!resolve_path(sc, text, def->map_path, sizeof def->map_path))
            return gops_error_set(err, GOPS_SCENARIO, "%smap: path too long (at most %zu bytes)", where,
                                  sizeof def->map_path - 1);
        return GOPS_OK;
    }
    return GOPS_INTERNAL;
}

static int compare_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/// Keys that others depend on are applied first: start (finish needs it), then day (it
/// resets the visitors' total that crowd.visitors may then override).
static int key_pass(const char *key)
{
    return strcmp(key, "start") == 0 ? 0 : strcmp(key, "day") == 0 ? 1 : 2;
}

/// Converts the Lua value on top of the stack for field f into text; raises a Lua error for
/// a wrong type.
static void value_text(lua_State *L, const field_t *f, const char *key, char *text, size_t size)
{
    bool want_integer = f->type == F_UINT, want_number = f->type == F_NUMBER, want_bool = f->type == F_BOOL;
    int t = lua_type(L, -1);
    bool ok = want_integer ? lua_isinteger(L, -1) : want_number ? t == LUA_TNUMBER : want_bool ? t == LUA_TBOOLEAN
                                                                                              : t == LUA_TSTRING;
    if (!ok)
        luaL_error(L, "scenario{}: %s: found a %s%s, expected %s", key,
                   want_integer && t == LUA_TNUMBER ? "non-integer " : "", lua_typename(L, t), f->help);
    if (want_bool) {
        snprintf(text, size, "%s", lua_toboolean(L, -1) ? "true" : "false");
    } else if (want_number) {
        snprintf(text, size, "%.15g", lua_tonumber(L, -1));
    } else if (want_integer) {
        lua_Integer v = lua_tointeger(L, -1);
        if (v < 0) luaL_error(L, "scenario{}: %s: found %I, expected %s", key, (LUAI_UACINT)v, f->help);
        snprintf(text, size, "%lld", (long long)v);
    } else {
        snprintf(text, size, "%s", lua_tostring(L, -1));
    }
}

/// Whether `key` ("crowd", "quick.crowd", "quick") names a group of dotted keys.
static bool is_group(const char *key)
{
    if (strcmp(key, "quick") == 0) return true;
    if (strncmp(key, "quick.", 6) == 0) key += 6;
    size_t n = strlen(key);
    for (int i = 0; i < FIELD_COUNT; i++)
        if (strncmp(fields[i].key, key, n) == 0 && fields[i].key[n] == '.') return true;
    return false;
}

/// Appends the keys of the table at `index` to the Lua array at `out` as "prefix.key"
/// strings (kept alive by that array); nested tables are flattened one level
/// ("crowd = { time_gap_s = 1 }"), two inside the quick window ("quick = { crowd = {...} }").
static void collect_keys(lua_State *L, int index, const char *prefix, int out)
{
    lua_pushnil(L);
    while (lua_next(L, index)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, "scenario{}: keys must be names, found a %s key", luaL_typename(L, -2));
        if (luaL_len(L, out) >= 256) luaL_error(L, "scenario{}: too many keys");
        const char *k = lua_tostring(L, -2);
        char full[128];
        snprintf(full, sizeof full, "%s%s%s", prefix, prefix[0] ? "." : "", k);
        // Only groups are tables (crowd = {...}, quick = {...}); a table for any other key is
        // kept as that key so its type is refused, not silently dropped when empty.
        if (lua_istable(L, -1) && (!prefix[0] || strcmp(prefix, "quick") == 0) && is_group(full)) {
            collect_keys(L, lua_gettop(L), full, out);
        } else {
            lua_pushstring(L, full);
            lua_rawseti(L, out, luaL_len(L, out) + 1);
        }
        lua_pop(L, 1);
    }
}

/// Pushes the value of a possibly dotted key of the table at index 1.
static void push_value(lua_State *L, const char *key)
{
    const char *dot = strchr(key, '.');
    if (!dot) {
        lua_getfield(L, 1, key);
        return;
    }
    lua_pushlstring(L, key, (size_t)(dot - key));
    lua_gettable(L, 1);
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, dot + 1);
        lua_remove(L, -2);
    } else { // written flat: ["crowd.time_gap_s"] = ...
        lua_pop(L, 1);
        lua_getfield(L, 1, key);
    }
}

/// Pushes the value of quick.<key> (the quick table's own keys may be dotted or nested).
static void push_quick_value(lua_State *L, const char *key)
{
    lua_getfield(L, 1, "quick");
    lua_insert(L, 1); // push_value reads index 1
    push_value(L, key);
    lua_remove(L, 1);
}

/// quick.<key>: validated now against a scratch copy of the definition (so a typo fails at
/// load, not only under `gridops check`) and kept as "key=value" for gops_scenario_apply_quick.
static gops_status_t keep_quick(gops_scenario_t *sc, const field_t *f, const char *key, const char *text,
                                gops_error_t *err)
{
    if (sc->quick_count == GOPS_QUICK_MAX)
        return gops_error_set(err, GOPS_SCENARIO, "quick: more than %d overrides", GOPS_QUICK_MAX);
    if (strlen(key) + 1 + strlen(text) >= GOPS_QUICK_SET_MAX)
        return gops_error_set(err, GOPS_SCENARIO, "quick.%s: value too long (at most %d characters)", key,
                              GOPS_QUICK_SET_MAX - 2 - (int)strlen(key));
    gops_scenario_def_t *saved = malloc(sizeof *saved);
    if (!saved) return gops_error_set(err, GOPS_NOMEM, "out of memory");
    *saved = sc->def;
    gops_status_t st = set_field(sc, f, text, "quick.", err);
    sc->def = *saved;
    free(saved);
    // The length was checked above; the comparison only tells the compiler so.
    if (st == GOPS_OK &&
        snprintf(sc->quick_sets[sc->quick_count], GOPS_QUICK_SET_MAX, "%s=%s", key, text) < GOPS_QUICK_SET_MAX)
        sc->quick_count++;
    return st;
}

/// scenario{...}: validates every key (in sorted order, so messages do not depend on Lua's
/// randomised table order), then stores the definition.
int gops_lua_scenario(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    if (sc->world) return luaL_error(L, "scenario{} may only be declared while the scenario file loads");
    if (sc->def_seen) return luaL_error(L, "scenario{} declared twice: a scenario file declares exactly one");
    lua_newtable(L);
    int key_table = lua_gettop(L);
    collect_keys(L, 1, "", key_table);
    const char *keys[256];
    int n = (int)luaL_len(L, key_table);
    for (int i = 0; i < n; i++) {
        lua_rawgeti(L, key_table, i + 1);
        keys[i] = lua_tostring(L, -1); // anchored by key_table
        lua_pop(L, 1);
    }
    qsort(keys, (size_t)n, sizeof keys[0], compare_text);
    char message[1200] = "";
    for (int pass = 0; pass < 3 && !message[0]; pass++) {
        for (int i = 0; i < n && !message[0]; i++) {
            bool quick = strncmp(keys[i], "quick.", 6) == 0;
            const char *key = quick ? keys[i] + 6 : keys[i];
            if (key_pass(key) != pass) continue;
            const field_t *f = find_field(key);
            gops_error_t err;
            if (!f || (quick && strcmp(key, "seed") == 0)) {
                if (!f) unknown_key(quick ? "quick." : "", key, &err);
                else gops_error_set(&err, GOPS_SCENARIO, "quick.seed: a quick window keeps the scenario's seed");
                snprintf(message, sizeof message, "scenario{}: %s", err.message);
                break;
            }
            quick ? push_quick_value(L, key) : push_value(L, keys[i]);
            char text[1024];
            value_text(L, f, keys[i], text, sizeof text);
            lua_pop(L, 1);
            gops_status_t st = quick ? keep_quick(sc, f, key, text, &err) : set_field(sc, f, text, "", &err);
            if (st != GOPS_OK) snprintf(message, sizeof message, "scenario{}: %s", err.message);
        }
    }
    if (message[0]) return luaL_error(L, "%s", message);
    sc->def_seen = true;
    return 0;
}

gops_status_t gops_scenario_apply_field(gops_scenario_t *sc, const char *key, const char *value, const char *where,
                                        gops_error_t *err)
{
    const field_t *f = find_field(key);
    if (!f) return unknown_key(where, key, err);
    return set_field(sc, f, value, where, err);
}

gops_status_t gops_scenario_apply_set(gops_scenario_t *sc, const char *assignment, gops_error_t *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return gops_error_set(err, GOPS_USAGE, "--set %s: expected key=value", assignment);
    char key[64];
    size_t klen = (size_t)(eq - assignment);
    if (klen >= sizeof key) return gops_error_set(err, GOPS_USAGE, "--set %s: key too long", assignment);
    memcpy(key, assignment, klen);
    key[klen] = '\0';
    return gops_scenario_apply_field(sc, key, eq + 1, "--set ", err);
}

gops_status_t gops_scenario_def_check(gops_scenario_t *sc, gops_error_t *err)
{
    const gops_scenario_def_t *def = &sc->def;
    if (!sc->def_seen)
        return gops_error_set(err, GOPS_SCENARIO, "%s: no scenario{...} declared: a scenario file declares one "
                              "scenario{ name = ..., start = ..., duration = ... }", def->path);
    if (!def->name[0])
        return gops_error_set(err, GOPS_SCENARIO, "%s: scenario{} has no name: expected name = \"...\"", def->path);
    if (def->start == INT64_MIN)
        return gops_error_set(err, GOPS_SCENARIO, "%s: scenario{} has no start: expected start = \"YYYY-MM-DD HH:MM\"", def->path);
    if (!(def->duration_s > 0))
        return gops_error_set(err, GOPS_SCENARIO, "%s: scenario{} has no duration: expected duration = \"2h\" "
                              "or finish = \"HH:MM\"", def->path);
    if (def->duration_s > 366.0 * 86400)
        return gops_error_set(err, GOPS_SCENARIO, "%s: duration of %.0f s is too long: at most 366 days", def->path, def->duration_s);
    return GOPS_OK;
}
