// SPDX-License-Identifier: MIT
// The `scenario{...}` table and `--set key=value` overrides: one field table drives both,
// so every key is validated the same way whichever way it arrives. Unknown keys are refused
// with the nearest valid key. Does not run hooks or touch the world.
#include "scenario/scenario_internal.h"

#include "core/nearest.h"
#include "core/simtime.h"

#include <errno.h>
#include <inttypes.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum field_type { F_TEXT, F_DATETIME, F_DURATION, F_FINISH, F_UINT, F_NUMBER, F_MODE, F_PATH } field_type_t;

typedef struct field {
    const char *key;
    field_type_t type;
    const char *help; ///< what is expected, for messages
} field_t;

/// Keys of scenario{}, sorted. `finish` is the end time ("until" is a Lua keyword).
static const field_t fields[] = {
    {"description", F_TEXT, "a text"},
    {"duration", F_DURATION, "a duration such as \"9h\" or \"90m\""},
    {"finish", F_FINISH, "an end time \"HH:MM\" (first at or after start) or \"YYYY-MM-DD HH:MM\""},
    {"lua_instructions", F_UINT, "an instruction budget per hook call (integer >= 1000)"},
    {"lua_memory_mb", F_UINT, "a memory cap in MiB (integer 16..16384)"},
    {"map", F_PATH, "a map file path, relative to the scenario file"},
    {"mode", F_MODE, "one of normal, holiday, major_event, emergency"},
    {"name", F_TEXT, "a text"},
    {"nav_cell_m", F_NUMBER, "a walkable raster cell size in m (0.1..10)"},
    {"seed", F_UINT, "a non-negative integer"},
    {"start", F_DATETIME, "a start time \"YYYY-MM-DD HH:MM\""},
    {"tick", F_DURATION, "a tick length such as \"0.1s\" (0.01s..1s)"},
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
    return gops_error_set(err, GOPS_SCENARIO, "%sunknown scenario key '%s' (valid keys: description, duration, "
                          "finish, lua_instructions, lua_memory_mb, map, mode, name, nav_cell_m, seed, start, tick)", where, key);
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
        if (!*text || *end || !(v >= 0.1 && v <= 10))
            return gops_error_set(err, GOPS_BAD_VALUE, "%s%s: found \"%s\", expected %s", where, f->key, text, f->help);
        def->nav_cell_m = v;
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

/// scenario{...}: validates every key (in sorted order, so messages do not depend on Lua's
/// randomised table order), then stores the definition.
int gops_lua_scenario(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    if (sc->world) return luaL_error(L, "scenario{} may only be declared while the scenario file loads");
    if (sc->def_seen) return luaL_error(L, "scenario{} declared twice: a scenario file declares exactly one");
    const char *keys[64];
    int n = 0;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            return luaL_error(L, "scenario{}: keys must be names, found a %s key", luaL_typename(L, -1));
        if (n == 64) return luaL_error(L, "scenario{}: too many keys");
        keys[n++] = lua_tostring(L, -1);
    }
    qsort(keys, (size_t)n, sizeof keys[0], compare_text);
    // start first: finish depends on it.
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n; i++) {
            bool is_start = strcmp(keys[i], "start") == 0;
            if ((pass == 0) != is_start) continue;
            const field_t *f = find_field(keys[i]);
            gops_error_t err;
            if (!f) {
                unknown_key("", keys[i], &err);
                return luaL_error(L, "scenario{}: %s", err.message);
            }
            lua_getfield(L, 1, keys[i]);
            bool want_integer = f->type == F_UINT, want_number = f->type == F_NUMBER;
            int t = lua_type(L, -1);
            if (want_integer ? !lua_isinteger(L, -1) : want_number ? t != LUA_TNUMBER : t != LUA_TSTRING)
                return luaL_error(L, "scenario{}: %s: found a %s%s, expected %s", keys[i],
                                  want_integer && t == LUA_TNUMBER ? "non-integer " : "", lua_typename(L, t), f->help);
            char text[1024];
            if (want_number) {
                snprintf(text, sizeof text, "%.17g", lua_tonumber(L, -1));
            } else if (want_integer) {
                lua_Integer v = lua_tointeger(L, -1);
                if (v < 0)
                    return luaL_error(L, "scenario{}: %s: found %I, expected %s", keys[i], (LUAI_UACINT)v, f->help);
                snprintf(text, sizeof text, "%lld", (long long)v);
            } else {
                snprintf(text, sizeof text, "%s", lua_tostring(L, -1));
            }
            lua_pop(L, 1);
            if (set_field(sc, f, text, "", &err) != GOPS_OK) return luaL_error(L, "scenario{}: %s", err.message);
        }
    }
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
