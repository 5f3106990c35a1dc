// SPDX-License-Identifier: MIT
// study{...} in the sandbox (see study_file.h). This is the one file of sim/ensemble that
// includes Lua: a study file is Lua like a scenario and gets the same sandbox, so it can
// compute levels (loops, string.format) but cannot touch files or the clock. Keys are
// checked in sorted order and applied in a fixed order, never in Lua's table order.
#include "scenario/study_file.h"

#include "core/hash.h"
#include "core/nearest.h"
#include "core/rng.h"
#include "scenario/sandbox.h"
#include "scenario/scenario.h"

#include <lauxlib.h>
#include <lua.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// The keys of study{}, sorted (for "did you mean").
static const char *const study_keys[] = {
    "base_seed", "compare", "confidence", "description", "design", "factors",
    "kpis",      "name",    "replications", "scenario", "seeds",  "set",
};
enum { STUDY_KEY_COUNT = sizeof study_keys / sizeof study_keys[0] };

typedef struct loader {
    gops_study_t *study;
    char dir[1024]; ///< the study file's folder ("" = current)
    bool seen;
} loader_t;

/// Text of a level or set value: integers without a decimal point, other numbers with 15
/// significant digits (as scenario{} converts them), strings as they are, booleans as
/// true/false. Raises a Lua error naming `what` for other types.
static void value_text(lua_State *L, int index, const char *what, char *buf, size_t size)
{
    int t = lua_type(L, index);
    if (t == LUA_TNUMBER && lua_isinteger(L, index))
        snprintf(buf, size, "%lld", (long long)lua_tointeger(L, index));
    else if (t == LUA_TNUMBER)
        snprintf(buf, size, "%.15g", lua_tonumber(L, index));
    else if (t == LUA_TBOOLEAN)
        snprintf(buf, size, "%s", lua_toboolean(L, index) ? "true" : "false");
    else if (t == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, index, &n);
        if (n >= size) luaL_error(L, "study{}: %s: \"%.40s...\" is too long (at most %d bytes)", what, s, (int)size - 1);
        snprintf(buf, size, "%s", s);
    } else
        luaL_error(L, "study{}: %s: found a %s, expected a number, string or boolean", what, lua_typename(L, t));
}

/// Raises the message of a failed study call as a Lua error (so it carries file:line).
static int raise(lua_State *L, const gops_error_t *err)
{
    return luaL_error(L, "%s", err->message);
}

static const char *opt_string(lua_State *L, const char *key)
{
    lua_getfield(L, 1, key);
    const char *s = NULL;
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "study{}: %s: found a %s, expected a text", key, luaL_typename(L, -1));
        s = lua_tostring(L, -1);
    }
    lua_pop(L, 1); // the string stays alive: it is referenced from the table at 1
    return s;
}

static bool opt_integer(lua_State *L, const char *key, lua_Integer lo, lua_Integer hi, lua_Integer *out)
{
    lua_getfield(L, 1, key);
    bool present = !lua_isnil(L, -1);
    if (present) {
        if (!lua_isinteger(L, -1))
            luaL_error(L, "study{}: %s: found a %s, expected an integer %I..%I", key,
                       lua_type(L, -1) == LUA_TNUMBER ? "non-integer number" : luaL_typename(L, -1), (LUAI_UACINT)lo,
                       (LUAI_UACINT)hi);
        *out = lua_tointeger(L, -1);
        if (*out < lo || *out > hi)
            luaL_error(L, "study{}: %s: found %I, expected %I..%I", key, (LUAI_UACINT)*out, (LUAI_UACINT)lo,
                       (LUAI_UACINT)hi);
    }
    lua_pop(L, 1);
    return present;
}

/// The table at `index` must be a non-empty sequence; returns its length.
static lua_Integer check_list(lua_State *L, int index, const char *what)
{
    if (!lua_istable(L, index)) luaL_error(L, "study{}: %s: found a %s, expected a list { ... }", what, luaL_typename(L, index));
    lua_Integer n = luaL_len(L, index);
    if (n < 1) luaL_error(L, "study{}: %s: expected a non-empty list", what);
    return n;
}

/// qsort order of the study's sets (elements are the char arrays themselves).
static int compare_sets(const void *a, const void *b)
{
    return strcmp(a, b);
}

/// Appends "key=value" to the study's fixed sets; raises when full or too long.
static void add_set(lua_State *L, gops_study_t *s, const char *key, const char *value)
{
    size_t k = strlen(key), v = strlen(value);
    if (s->set_count == GOPS_STUDY_MAX_SETS) luaL_error(L, "study{}: set: at most %d keys", GOPS_STUDY_MAX_SETS);
    if (k + 1 + v >= GOPS_STUDY_SET_MAX) luaL_error(L, "study{}: set: %s: too long", key);
    char *dst = s->sets[s->set_count++];
    memcpy(dst, key, k);
    dst[k] = '=';
    memcpy(dst + k + 1, value, v + 1);
}

/// set = { duration = "30m", crowd = { visitors = 1000 } }: one "key=value" per entry
/// (nested tables flattened one level, as in scenario{}), sorted by key.
static void read_sets(lua_State *L, gops_study_t *s)
{
    lua_getfield(L, 1, "set");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    if (!lua_istable(L, -1)) luaL_error(L, "study{}: set: found a %s, expected a table { key = value, ... }", luaL_typename(L, -1));
    int table = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, table)) {
        if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "study{}: set: keys must be scenario keys (names)");
        const char *key = lua_tostring(L, -2);
        if (lua_istable(L, -1)) {
            int inner = lua_gettop(L);
            lua_pushnil(L);
            while (lua_next(L, inner)) {
                if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "study{}: set.%s: keys must be names", key);
                char full[2 * GOPS_STUDY_TEXT_MAX], value[GOPS_STUDY_SET_MAX];
                snprintf(full, sizeof full, "%.63s.%.63s", key, lua_tostring(L, -2));
                value_text(L, -1, full, value, sizeof value);
                add_set(L, s, full, value);
                lua_pop(L, 1);
            }
        } else {
            char value[GOPS_STUDY_SET_MAX];
            value_text(L, -1, key, value, sizeof value);
            add_set(L, s, key, value);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    qsort(s->sets, s->set_count, sizeof s->sets[0], compare_sets);
}

/// factors = { { "ops.mobile_teams", { 17, 12 } }, { key = "ops.posts", levels = { 50, 30 } } }
static void read_factors(lua_State *L, gops_study_t *s)
{
    gops_error_t err;
    lua_getfield(L, 1, "factors");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    int list = lua_gettop(L);
    lua_Integer n = check_list(L, list, "factors");
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, list, i);
        int entry = lua_gettop(L);
        if (!lua_istable(L, entry))
            luaL_error(L, "study{}: factors[%I]: found a %s, expected { \"key\", { level, ... } }", (LUAI_UACINT)i,
                       luaL_typename(L, entry));
        lua_geti(L, entry, 1);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            lua_getfield(L, entry, "key");
        }
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "study{}: factors[%I]: expected a scenario key as its first entry (or key = ...)", (LUAI_UACINT)i);
        if (gops_study_add_factor(s, lua_tostring(L, -1), &err) != GOPS_OK) raise(L, &err);
        lua_pop(L, 1);
        gops_study_factor_t *f = &s->factors[s->factor_count - 1];
        lua_geti(L, entry, 2);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            lua_getfield(L, entry, "levels");
        }
        char what[GOPS_STUDY_TEXT_MAX + 32];
        snprintf(what, sizeof what, "factor '%s' levels", f->key);
        int levels = lua_gettop(L);
        lua_Integer nl = check_list(L, levels, what);
        for (lua_Integer l = 1; l <= nl; l++) {
            char text[GOPS_STUDY_TEXT_MAX];
            lua_geti(L, levels, l);
            value_text(L, -1, what, text, sizeof text);
            if (gops_study_add_level(s, s->factor_count - 1, text, &err) != GOPS_OK) raise(L, &err);
            lua_pop(L, 1);
        }
        lua_settop(L, list);
    }
    lua_pop(L, 1);
}

/// design = "full" (default) or { { 17, 50 }, { 12, 30 } }: one level per factor, in order.
static void read_design(lua_State *L, gops_study_t *s)
{
    gops_error_t err;
    lua_getfield(L, 1, "design");
    int t = lua_type(L, -1);
    if (t == LUA_TNIL || (t == LUA_TSTRING && strcmp(lua_tostring(L, -1), "full") == 0)) {
        lua_pop(L, 1);
        return;
    }
    if (t != LUA_TTABLE)
        luaL_error(L, "study{}: design: found %s, expected \"full\" or a list of points { { level, ... }, ... }",
                   t == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
    if (s->factor_count == 0) luaL_error(L, "study{}: design: listed points need factors");
    int list = lua_gettop(L);
    lua_Integer n = check_list(L, list, "design");
    for (lua_Integer i = 1; i <= n; i++) {
        char what[48];
        snprintf(what, sizeof what, "design[%lld]", (long long)i);
        lua_geti(L, list, i);
        int point = lua_gettop(L);
        if (!lua_istable(L, point) || luaL_len(L, point) != (lua_Integer)s->factor_count)
            luaL_error(L, "study{}: %s: expected a list of %d levels (one per factor, in the order of factors)", what,
                       (int)s->factor_count);
        char texts[GOPS_STUDY_MAX_FACTORS][GOPS_STUDY_TEXT_MAX];
        const char *levels[GOPS_STUDY_MAX_FACTORS];
        for (uint32_t f = 0; f < s->factor_count; f++) {
            lua_geti(L, point, (lua_Integer)f + 1);
            value_text(L, -1, what, texts[f], sizeof texts[f]);
            levels[f] = texts[f];
            lua_pop(L, 1);
        }
        if (gops_study_add_point(s, levels, &err) != GOPS_OK) raise(L, &err);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static void read_kpis(lua_State *L, gops_study_t *s)
{
    lua_getfield(L, 1, "kpis");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    int list = lua_gettop(L);
    lua_Integer n = check_list(L, list, "kpis");
    if (n > GOPS_STUDY_MAX_KPIS) luaL_error(L, "study{}: kpis: at most %d", GOPS_STUDY_MAX_KPIS);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, list, i);
        if (lua_type(L, -1) != LUA_TSTRING || luaL_len(L, -1) >= GOPS_STUDY_TEXT_MAX)
            luaL_error(L, "study{}: kpis[%I]: expected a KPI name", (LUAI_UACINT)i);
        snprintf(s->kpis[s->kpi_count++], GOPS_STUDY_TEXT_MAX, "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/// compare = { { factor = "ops.mobile_teams", from = 17, to = 12 } }: differences to - from.
static void read_compares(lua_State *L, gops_study_t *s)
{
    lua_getfield(L, 1, "compare");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    int list = lua_gettop(L);
    lua_Integer n = check_list(L, list, "compare");
    if (n > GOPS_STUDY_MAX_COMPARES) luaL_error(L, "study{}: compare: at most %d", GOPS_STUDY_MAX_COMPARES);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, list, i);
        int entry = lua_gettop(L);
        if (!lua_istable(L, entry))
            luaL_error(L, "study{}: compare[%I]: expected { factor = \"key\", from = level, to = level }", (LUAI_UACINT)i);
        lua_getfield(L, entry, "factor");
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "study{}: compare[%I]: expected factor = \"<a factor's key>\"", (LUAI_UACINT)i);
        int f = gops_study_factor_index(s, lua_tostring(L, -1));
        if (f < 0) luaL_error(L, "study{}: compare[%I]: '%s' is not one of the factors", (LUAI_UACINT)i, lua_tostring(L, -1));
        int idx[2];
        static const char *const ends[2] = {"from", "to"};
        for (int e = 0; e < 2; e++) {
            char text[GOPS_STUDY_TEXT_MAX], what[48];
            snprintf(what, sizeof what, "compare[%lld].%s", (long long)i, ends[e]);
            lua_getfield(L, entry, ends[e]);
            if (lua_isnil(L, -1)) luaL_error(L, "study{}: %s: missing (expected a level of %s)", what, s->factors[f].key);
            value_text(L, -1, what, text, sizeof text);
            idx[e] = gops_study_level_index(s, (uint32_t)f, text);
            if (idx[e] < 0) luaL_error(L, "study{}: %s: %s is not a level of %s", what, text, s->factors[f].key);
            lua_pop(L, 1);
        }
        if (idx[0] == idx[1]) luaL_error(L, "study{}: compare[%I]: from and to are the same level", (LUAI_UACINT)i);
        s->compares[s->compare_count++] = (gops_study_compare_t){(uint32_t)f, (uint32_t)idx[0], (uint32_t)idx[1]};
        lua_settop(L, list);
    }
    lua_pop(L, 1);
}

/// study{...}
static int lua_study(lua_State *L)
{
    loader_t *ld = lua_touserdata(L, lua_upvalueindex(1));
    gops_study_t *s = ld->study;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    if (ld->seen) return luaL_error(L, "study{} declared twice: a study file declares exactly one");
    // Every key must be known; report the first unknown one in sorted order.
    const char *unknown = NULL;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) return luaL_error(L, "study{}: keys must be names, found a %s key", luaL_typename(L, -1));
        const char *k = lua_tostring(L, -1);
        bool known = false;
        for (int i = 0; i < STUDY_KEY_COUNT; i++) known = known || strcmp(k, study_keys[i]) == 0;
        if (!known && (!unknown || strcmp(k, unknown) < 0)) unknown = k;
    }
    if (unknown) {
        const char *near = gops_nearest_name(unknown, study_keys, STUDY_KEY_COUNT);
        return luaL_error(L, "study{}: unknown key '%s'%s%s%s (valid keys: base_seed, compare, confidence, description, "
                          "design, factors, kpis, name, replications, scenario, seeds, set)", unknown,
                          near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    }
    const char *name = opt_string(L, "name");
    if (!name || !name[0]) return luaL_error(L, "study{}: expected name = \"...\"");
    snprintf(s->name, sizeof s->name, "%s", name);
    const char *description = opt_string(L, "description");
    if (description) snprintf(s->description, sizeof s->description, "%s", description);
    const char *scenario = opt_string(L, "scenario");
    if (!scenario || !scenario[0])
        return luaL_error(L, "study{}: expected scenario = \"<scenario file>\" (relative to the study file)");
    int n = scenario[0] == '/' || !ld->dir[0]
                ? snprintf(s->scenario_path, sizeof s->scenario_path, "%s", scenario)
                : snprintf(s->scenario_path, sizeof s->scenario_path, "%s/%s", ld->dir, scenario);
    if (n < 0 || (size_t)n >= sizeof s->scenario_path) return luaL_error(L, "study{}: scenario: path too long");
    lua_Integer v;
    if (opt_integer(L, "base_seed", 0, (lua_Integer)9007199254740991LL, &v)) s->base_seed = (uint64_t)v;
    if (opt_integer(L, "replications", 1, GOPS_STUDY_MAX_RUNS, &v)) s->replications = (uint32_t)v;
    const char *seeds = opt_string(L, "seeds");
    if (seeds && strcmp(seeds, "common") != 0 && strcmp(seeds, "independent") != 0)
        return luaL_error(L, "study{}: seeds: found \"%s\", expected \"common\" (same seeds for every design point of a "
                          "replication) or \"independent\"", seeds);
    s->seeds = seeds && strcmp(seeds, "independent") == 0 ? GOPS_STUDY_SEEDS_INDEPENDENT : GOPS_STUDY_SEEDS_COMMON;
    lua_getfield(L, 1, "confidence");
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TNUMBER) return luaL_error(L, "study{}: confidence: expected a number such as 0.95");
        s->confidence = lua_tonumber(L, -1);
        if (!(s->confidence >= 0.5 && s->confidence <= 0.999))
            return luaL_error(L, "study{}: confidence: found %f, expected 0.5..0.999", s->confidence);
    }
    lua_pop(L, 1);
    read_sets(L, s);
    read_factors(L, s);
    read_design(L, s);
    read_kpis(L, s);
    read_compares(L, s);
    ld->seen = true;
    return 0;
}

static gops_status_t hash_file(gops_hash_t *h, const char *path, gops_error_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return gops_error_set(err, GOPS_IO, "cannot read %s: %s", path, strerror(errno));
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) gops_hash_bytes(h, buf, n);
    bool bad = ferror(f);
    fclose(f);
    if (bad) return gops_error_set(err, GOPS_IO, "cannot read %s", path);
    return GOPS_OK;
}

/// Applies the command-line overrides; a --set may not change a factor or the seed.
static gops_status_t apply_overrides(gops_study_t *s, const gops_study_overrides_t *ov, gops_error_t *err)
{
    if (!ov) return GOPS_OK;
    if (ov->replications > 0) s->replications = ov->replications;
    for (int i = 0; i < ov->set_count; i++) {
        const char *eq = strchr(ov->sets[i], '=');
        if (!eq || eq == ov->sets[i])
            return gops_error_set(err, GOPS_USAGE, "--set %s: expected key=value", ov->sets[i]);
        char key[GOPS_STUDY_TEXT_MAX];
        snprintf(key, sizeof key, "%.*s", (int)(eq - ov->sets[i]), ov->sets[i]);
        if (gops_study_factor_index(s, key) >= 0)
            return gops_error_set(err, GOPS_USAGE, "--set %s: '%s' is a factor of study %s; its levels come from the "
                                  "study file", ov->sets[i], key, s->path);
        // A command-line set replaces the file's set of the same key.
        uint32_t j = 0;
        while (j < s->set_count && strncmp(s->sets[j], ov->sets[i], (size_t)(eq - ov->sets[i]) + 1) != 0) j++;
        if (j == s->set_count) {
            if (s->set_count == GOPS_STUDY_MAX_SETS)
                return gops_error_set(err, GOPS_USAGE, "--set: at most %d overrides", GOPS_STUDY_MAX_SETS);
            s->set_count++;
        }
        if (snprintf(s->sets[j], GOPS_STUDY_SET_MAX, "%s", ov->sets[i]) >= GOPS_STUDY_SET_MAX)
            return gops_error_set(err, GOPS_USAGE, "--set %.60s...: too long", ov->sets[i]);
    }
    qsort(s->sets, s->set_count, sizeof s->sets[0], compare_sets);
    return GOPS_OK;
}

/// Loads the scenario once per design point with its overrides (keys and values checked by
/// the scenario's own rules) and hashes the scenario file and every map the points use.
static gops_status_t check_points(gops_study_t *s, gops_error_t *err)
{
    for (uint32_t i = 0; i < s->set_count; i++)
        if (strncmp(s->sets[i], "seed=", 5) == 0)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s: set: seed is derived from base_seed and the replication; "
                                  "set base_seed instead", s->path);
    if (gops_study_factor_index(s, "seed") >= 0)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: factors: seed cannot be a factor (seeds come from base_seed "
                              "and the replication; use replications)", s->path);
    gops_hash_t h;
    gops_hash_init(&h);
    gops_status_t st = hash_file(&h, s->scenario_path, err);
    if (st != GOPS_OK) {
        char why[sizeof err->message];
        snprintf(why, sizeof why, "%s", err->message);
        return gops_error_set(err, st, "%s: scenario: %s", s->path, why);
    }
    char last_map[1024] = "";
    for (uint32_t p = 0; p < s->point_count; p++) {
        char buf[GOPS_STUDY_MAX_SETS + GOPS_STUDY_MAX_FACTORS][GOPS_STUDY_SET_MAX];
        const char *sets[GOPS_STUDY_MAX_SETS + GOPS_STUDY_MAX_FACTORS];
        uint32_t n = gops_study_point_sets(s, p, buf, sets, GOPS_STUDY_MAX_SETS + GOPS_STUDY_MAX_FACTORS);
        gops_error_t inner;
        gops_scenario_t *sc = gops_scenario_load(s->scenario_path, sets, (int)n, &inner);
        if (!sc) {
            char label[512];
            gops_study_point_label(s, p, label, sizeof label);
            return gops_error_set(err, inner.status, "%s: design point %u (%s): %s", s->path, p + 1, label, inner.message);
        }
        const char *map = gops_scenario_def(sc)->map_path;
        if (map[0] && strcmp(map, last_map) != 0) {
            // Contents only: the same study run from another folder keeps its hash.
            snprintf(last_map, sizeof last_map, "%s", map);
            st = hash_file(&h, map, err);
        }
        gops_scenario_destroy(sc);
        if (st != GOPS_OK) return st;
    }
    snprintf(s->scenario_hash, sizeof s->scenario_hash, "%016" PRIx64, gops_hash_final(&h));
    return GOPS_OK;
}

gops_study_t *gops_study_load(const char *path, const gops_study_overrides_t *ov, gops_error_t *err)
{
    loader_t ld = {0};
    gops_sandbox_t *sb = NULL;
    gops_rng_t rng;
    gops_rng_seed(&rng, 0, GOPS_STREAM_SCENARIO);
    ld.study = gops_study_create();
    if (!ld.study) {
        gops_error_set(err, GOPS_NOMEM, "out of memory loading %s", path);
        return NULL;
    }
    const char *slash = strrchr(path, '/');
    if (slash) snprintf(ld.dir, sizeof ld.dir, "%.*s", (int)(slash == path ? 1 : slash - path), path);
    gops_sandbox_limits_t limits = gops_sandbox_limits_default();
    sb = gops_sandbox_create(&limits, &rng, err);
    if (!sb) goto fail;
    lua_State *L = gops_sandbox_state(sb);
    gops_sandbox_allow_global(sb, "study");
    lua_pushlightuserdata(L, &ld);
    lua_pushcclosure(L, lua_study, 1);
    lua_setglobal(L, "study");
    if (gops_sandbox_run_file(sb, path, 0, err) != GOPS_OK) goto fail;
    gops_sandbox_destroy(sb);
    sb = NULL;
    if (!ld.seen) {
        gops_error_set(err, GOPS_SCENARIO, "%s: no study{...} declared: a study file declares one study{ name = ..., "
                       "scenario = ..., factors = ..., kpis = ... }", path);
        goto fail;
    }
    snprintf(ld.study->path, sizeof ld.study->path, "%s", path);
    if (apply_overrides(ld.study, ov, err) != GOPS_OK) goto fail;
    if (gops_study_finish(ld.study, err) != GOPS_OK) goto fail;
    if (check_points(ld.study, err) != GOPS_OK) goto fail;
    return ld.study;
fail:
    gops_sandbox_destroy(sb);
    gops_study_destroy(ld.study);
    return NULL;
}
