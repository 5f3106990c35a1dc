// SPDX-License-Identifier: MIT
// Saving and restoring a scenario's Lua data (lua_values.h).
//
// Encoding: a stream of values, each a tag byte and its payload. Tables and Lua functions
// get an id at their first appearance and are referred to by it afterwards (sharing,
// cycles); a function is stored as where it was defined plus its captured variables, each
// under a cell id so that a variable shared by several closures is stored once. Table keys
// are written in a fixed order (booleans, numbers, strings), never in pairs() order, so the
// same data always gives the same bytes. The globals table and the standard libraries are
// stored by name and taken from the fresh state.
//
// Restoring walks the stream and the fresh state side by side: a saved table is matched with
// the fresh table found at the same place (refilled in place, so every other reference to
// it sees the restored contents), a saved function with the fresh function there (same
// definition), whose captured variables then get their saved values. Both directions run
// inside a protected call, so the memory cap or a malformed stream ends in an error message.
#include "scenario/lua_values.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    V_NIL,
    V_FALSE,
    V_TRUE,
    V_INT,
    V_NUM,
    V_STR,
    V_TABLE,   // id, entry count, (key, value)..., metatable flag [, metatable]
    V_REF,     // id of a table or function seen before
    V_FUNC,    // id, definition "file:line", captured count, (name, cell)...
    V_CFUNC,   // a function written in C: the fresh state's stays
    V_GLOBALS, // the globals table
    V_LIB,     // a standard library table, by name
    V_CELL_NEW, // a captured variable seen first: cell id, value
    V_CELL_OLD, // a captured variable shared with an earlier closure: cell id
};

#define MAX_DEPTH 200

static const char *const libraries[] = {"string", "table", "math", "utf8", "coroutine"};
#define LIBRARY_COUNT (sizeof libraries / sizeof libraries[0])

/// Globals that are not the scenario's data: the standard libraries and the names Lua sets.
static bool system_global(const char *name)
{
    if (strcmp(name, "_G") == 0 || strcmp(name, "_VERSION") == 0) return true;
    for (size_t i = 0; i < LIBRARY_COUNT; i++)
        if (strcmp(name, libraries[i]) == 0) return true;
    return false;
}

// ---- paths for messages ----------------------------------------------------------------

typedef struct path {
    char text[400];
    size_t len;
} path_t;

static size_t path_push(path_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static size_t path_push(path_t *p, const char *fmt, ...)
{
    size_t before = p->len;
    if (p->len < sizeof p->text - 1) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(p->text + p->len, sizeof p->text - p->len, fmt, ap);
        va_end(ap);
        if (n > 0) p->len += (size_t)n < sizeof p->text - p->len ? (size_t)n : sizeof p->text - 1 - p->len;
    }
    return before;
}

static void path_pop(path_t *p, size_t to)
{
    p->len = to;
    p->text[to] = '\0';
}

/// Appends a key to the path: ['name'], [3], [true].
static size_t path_key(path_t *p, lua_State *L, int idx)
{
    switch (lua_type(L, idx)) {
    case LUA_TSTRING: return path_push(p, "['%.40s']", lua_tostring(L, idx));
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) return path_push(p, "[%lld]", (long long)lua_tointeger(L, idx));
        return path_push(p, "[%g]", (double)lua_tonumber(L, idx));
    case LUA_TBOOLEAN: return path_push(p, "[%s]", lua_toboolean(L, idx) ? "true" : "false");
    default: return path_push(p, "[%s]", luaL_typename(L, idx));
    }
}

/// "file:line" of a Lua function's definition.
static void definition(lua_State *L, int idx, char *buf, size_t size)
{
    lua_Debug ar;
    lua_pushvalue(L, idx);
    if (lua_getinfo(L, ">S", &ar))
        snprintf(buf, size, "%s:%d", ar.short_src, ar.linedefined);
    else
        snprintf(buf, size, "?");
}

// ---- saving ------------------------------------------------------------------------------

typedef struct saver {
    lua_State *L;
    gops_strbuf_t *out;
    const int *refs;
    uint32_t ref_count;
    int seen;   // object -> id
    int cells;  // light userdata (captured variable) -> cell id
    uint32_t next_id, next_cell;
    int depth;
    path_t path;
    char msg[1000];
} saver_t;

static void put(saver_t *s, const void *data, size_t n) { gops_strbuf_append(s->out, data, n); }
static void put_u8(saver_t *s, unsigned v)
{
    unsigned char b = (unsigned char)v;
    put(s, &b, 1);
}
static void put_u32(saver_t *s, uint32_t v) { put(s, &v, 4); }
static void put_lstr(saver_t *s, const char *text, size_t len)
{
    put_u32(s, (uint32_t)len);
    put(s, text, len);
}
static void put_str(saver_t *s, const char *text) { put_lstr(s, text, strlen(text)); }

static int save_fail(saver_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int save_fail(saver_t *s, const char *fmt, ...)
{
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(s->msg, sizeof s->msg, "%s: %s", s->path.text, what);
    return luaL_error(s->L, "%s", s->msg);
}

/// A key of a table being saved, copied out so the keys can be sorted.
typedef struct key {
    int type; // LUA_TBOOLEAN, LUA_TNUMBER, LUA_TSTRING
    bool is_int;
    lua_Integer i;
    lua_Number n;
    const char *s; // alive while the key is in the table, which is not changed while saving
    size_t len;
} key_t_;

static int key_rank(int type) { return type == LUA_TBOOLEAN ? 0 : type == LUA_TNUMBER ? 1 : 2; }

static int key_order(const void *pa, const void *pb)
{
    const key_t_ *a = pa, *b = pb;
    if (a->type != b->type) return key_rank(a->type) - key_rank(b->type);
    if (a->type == LUA_TBOOLEAN) return (int)a->i - (int)b->i;
    if (a->type == LUA_TNUMBER) {
        if (a->is_int && b->is_int) return a->i < b->i ? -1 : a->i > b->i;
        double x = a->is_int ? (double)a->i : a->n, y = b->is_int ? (double)b->i : b->n;
        if (x != y) return x < y ? -1 : 1;
        return (int)b->is_int - (int)a->is_int; // 1 before 1.0
    }
    size_t m = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, m);
    return c ? c : (a->len < b->len ? -1 : a->len > b->len);
}

static void push_key(lua_State *L, const key_t_ *k)
{
    if (k->type == LUA_TBOOLEAN) lua_pushboolean(L, (int)k->i);
    else if (k->type == LUA_TSTRING) lua_pushlstring(L, k->s, k->len);
    else if (k->is_int) lua_pushinteger(L, k->i);
    else lua_pushnumber(L, k->n);
}

static void save_value(saver_t *s, int idx);

/// Gives the object at idx an id; returns 0 when it had one already (written as a reference).
static uint32_t new_id(saver_t *s, int idx)
{
    lua_State *L = s->L;
    lua_pushvalue(L, idx);
    if (lua_rawget(L, s->seen) == LUA_TNUMBER) {
        uint32_t id = (uint32_t)lua_tointeger(L, -1);
        lua_pop(L, 1);
        put_u8(s, V_REF);
        put_u32(s, id);
        return 0;
    }
    lua_pop(L, 1);
    uint32_t id = ++s->next_id;
    lua_pushvalue(L, idx);
    lua_pushinteger(L, id);
    lua_rawset(L, s->seen);
    return id;
}

static void save_table(saver_t *s, int t)
{
    lua_State *L = s->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    bool globals = lua_rawequal(L, -1, t);
    lua_pop(L, 1);
    if (globals) {
        put_u8(s, V_GLOBALS);
        return;
    }
    for (size_t i = 0; i < LIBRARY_COUNT; i++) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        lua_getfield(L, -1, libraries[i]); // rawget is not needed: these keys exist
        bool lib = lua_rawequal(L, -1, t);
        lua_pop(L, 2);
        if (lib) {
            put_u8(s, V_LIB);
            put_str(s, libraries[i]);
            return;
        }
    }
    uint32_t id = new_id(s, t);
    if (!id) return;
    // Count and copy out the keys (in a userdata, so a Lua error cannot leak them).
    uint32_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        n++;
        lua_pop(L, 1);
    }
    key_t_ *keys = lua_newuserdatauv(L, (n ? n : 1) * sizeof *keys, 0);
    uint32_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        key_t_ *e = &keys[k++];
        memset(e, 0, sizeof *e);
        e->type = lua_type(L, -2);
        switch (e->type) {
        case LUA_TBOOLEAN: e->i = lua_toboolean(L, -2); break;
        case LUA_TNUMBER:
            e->is_int = lua_isinteger(L, -2);
            if (e->is_int) e->i = lua_tointeger(L, -2);
            else e->n = lua_tonumber(L, -2);
            break;
        case LUA_TSTRING: e->s = lua_tolstring(L, -2, &e->len); break;
        default: {
            size_t at = path_key(&s->path, L, -2);
            (void)at;
            save_fail(s, "a table used as a key cannot be saved in a checkpoint, expected string, number or "
                         "boolean keys");
        }
        }
        lua_pop(L, 1);
    }
    qsort(keys, n, sizeof *keys, key_order);
    put_u8(s, V_TABLE);
    put_u32(s, id);
    put_u32(s, n);
    for (uint32_t i = 0; i < n; i++) {
        push_key(L, &keys[i]);
        int key = lua_gettop(L);
        save_value(s, key);
        size_t at = path_key(&s->path, L, key);
        lua_pushvalue(L, key);
        lua_rawget(L, t);
        save_value(s, lua_gettop(L));
        path_pop(&s->path, at);
        lua_pop(L, 2);
    }
    lua_pop(L, 1); // keys
    if (lua_getmetatable(L, t)) {
        put_u8(s, 1);
        size_t at = path_push(&s->path, " (metatable)");
        save_value(s, lua_gettop(L));
        path_pop(&s->path, at);
        lua_pop(L, 1);
    } else {
        put_u8(s, 0);
    }
}

static void save_function(saver_t *s, int f)
{
    lua_State *L = s->L;
    if (lua_iscfunction(L, f)) {
        put_u8(s, V_CFUNC);
        return;
    }
    uint32_t id = new_id(s, f);
    if (!id) return;
    char where[200];
    definition(L, f, where, sizeof where);
    lua_Debug ar;
    lua_pushvalue(L, f);
    lua_getinfo(L, ">u", &ar);
    put_u8(s, V_FUNC);
    put_u32(s, id);
    put_str(s, where);
    put_u32(s, ar.nups);
    for (int k = 1; k <= ar.nups; k++) {
        const char *name = lua_getupvalue(L, f, k);
        put_str(s, name ? name : "");
        void *cell = lua_upvalueid(L, f, k);
        lua_pushlightuserdata(L, cell);
        if (lua_rawget(L, s->cells) == LUA_TNUMBER) {
            put_u8(s, V_CELL_OLD);
            put_u32(s, (uint32_t)lua_tointeger(L, -1));
            lua_pop(L, 2);
            continue;
        }
        lua_pop(L, 1);
        uint32_t cid = ++s->next_cell;
        lua_pushlightuserdata(L, cell);
        lua_pushinteger(L, cid);
        lua_rawset(L, s->cells);
        put_u8(s, V_CELL_NEW);
        put_u32(s, cid);
        size_t at = path_push(&s->path, " > '%s' (captured by the function at %s)", name ? name : "?", where);
        save_value(s, lua_gettop(L));
        path_pop(&s->path, at);
        lua_pop(L, 1);
    }
}

static void save_value(saver_t *s, int idx)
{
    lua_State *L = s->L;
    if (++s->depth > MAX_DEPTH) save_fail(s, "nested more than %d levels deep, expected less", MAX_DEPTH);
    luaL_checkstack(L, 8, "checkpoint");
    switch (lua_type(L, idx)) {
    case LUA_TNIL: put_u8(s, V_NIL); break;
    case LUA_TBOOLEAN: put_u8(s, lua_toboolean(L, idx) ? V_TRUE : V_FALSE); break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            lua_Integer i = lua_tointeger(L, idx);
            put_u8(s, V_INT);
            put(s, &i, sizeof i);
        } else {
            lua_Number n = lua_tonumber(L, idx);
            put_u8(s, V_NUM);
            put(s, &n, sizeof n);
        }
        break;
    case LUA_TSTRING: {
        size_t len;
        const char *text = lua_tolstring(L, idx, &len);
        put_u8(s, V_STR);
        put_lstr(s, text, len);
        break;
    }
    case LUA_TTABLE: save_table(s, idx); break;
    case LUA_TFUNCTION: save_function(s, idx); break;
    default:
        save_fail(s, "a %s cannot be saved in a checkpoint, expected nil, booleans, numbers, strings, tables or "
                     "functions of the scenario file",
                  luaL_typename(L, idx));
    }
    s->depth--;
}

static int name_order(const void *pa, const void *pb)
{
    const key_t_ *a = pa, *b = pb;
    size_t m = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, m);
    return c ? c : (a->len < b->len ? -1 : a->len > b->len);
}

/// The names of the user's globals, in byte order, into the list at `list` (1..n).
static uint32_t user_globals(lua_State *L, int g, int list)
{
    uint32_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, g)) {
        if (lua_type(L, -2) == LUA_TSTRING && !lua_iscfunction(L, -1) && !system_global(lua_tostring(L, -2))) n++;
        lua_pop(L, 1);
    }
    key_t_ *names = lua_newuserdatauv(L, (n ? n : 1) * sizeof *names, 0);
    uint32_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, g)) {
        if (lua_type(L, -2) == LUA_TSTRING && !lua_iscfunction(L, -1) && !system_global(lua_tostring(L, -2))) {
            memset(&names[k], 0, sizeof names[k]);
            names[k].s = lua_tolstring(L, -2, &names[k].len);
            k++;
        }
        lua_pop(L, 1);
    }
    qsort(names, n, sizeof *names, name_order);
    for (uint32_t i = 0; i < n; i++) {
        lua_pushlstring(L, names[i].s, names[i].len);
        lua_rawseti(L, list, i + 1);
    }
    lua_pop(L, 1);
    return n;
}

static int save_protected(lua_State *L)
{
    saver_t *s = lua_touserdata(L, 1);
    lua_newtable(L);
    s->seen = lua_gettop(L);
    lua_newtable(L);
    s->cells = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    int g = lua_gettop(L);
    lua_newtable(L);
    int list = lua_gettop(L);
    uint32_t n = user_globals(L, g, list);
    put_u32(s, n);
    for (uint32_t i = 1; i <= n; i++) {
        lua_rawgeti(L, list, i);
        const char *name = lua_tostring(L, -1);
        put_str(s, name);
        size_t at = path_push(&s->path, "global '%s'", name);
        lua_rawget(L, g);
        save_value(s, lua_gettop(L));
        path_pop(&s->path, at);
        lua_pop(L, 1);
    }
    put_u32(s, s->ref_count);
    for (uint32_t i = 0; i < s->ref_count; i++) {
        if (s->refs[i] == LUA_NOREF || s->refs[i] == LUA_REFNIL) {
            put_u8(s, 0);
            continue;
        }
        put_u8(s, 1);
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->refs[i]);
        char where[200];
        definition(L, lua_gettop(L), where, sizeof where);
        size_t at = path_push(&s->path, "the hook function at %s", where);
        save_value(s, lua_gettop(L));
        path_pop(&s->path, at);
        lua_pop(L, 1);
    }
    return 0;
}

gops_status_t gops_lua_values_save(lua_State *L, const int *refs, uint32_t count, gops_strbuf_t *out, gops_error_t *err)
{
    saver_t *s = calloc(1, sizeof *s);
    if (!s) return gops_error_set(err, GOPS_NOMEM, "out of memory saving the scenario's Lua values");
    *s = (saver_t){.L = L, .out = out, .refs = refs, .ref_count = count};
    int top = lua_gettop(L);
    gops_status_t st = GOPS_OK;
    if (!lua_checkstack(L, 16)) {
        st = gops_error_set(err, GOPS_NOMEM, "out of Lua stack saving the scenario's values");
    } else {
        lua_pushcfunction(L, save_protected);
        lua_pushlightuserdata(L, s);
        if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
            const char *m = lua_tostring(L, -1);
            st = gops_error_set(err, GOPS_SCENARIO, "cannot write a checkpoint: %s",
                                s->msg[0] ? s->msg : m ? m : "error saving the scenario's Lua values");
        } else if (out->failed) {
            st = gops_error_set(err, GOPS_NOMEM, "out of memory saving the scenario's Lua values");
        }
    }
    lua_settop(L, top);
    free(s);
    return st;
}

// ---- restoring ---------------------------------------------------------------------------

typedef struct loader {
    lua_State *L;
    const unsigned char *p, *end;
    const int *refs;
    uint32_t ref_count;
    int objs;     // id -> table or function
    int paired;   // fresh object -> true, once matched
    int cell_fn;  // cell id -> the function whose captured variable it is
    int cell_k;   // cell id -> which of its captured variables
    int depth;
    path_t path;
    char msg[1000];
} loader_t;

static int load_fail(loader_t *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int load_fail(loader_t *ld, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(ld->msg, sizeof ld->msg, "%s%s%s", ld->path.text, ld->path.len ? ": " : "", what);
    return luaL_error(ld->L, "%s", ld->msg);
}

static void get(loader_t *ld, void *out, size_t n)
{
    if ((size_t)(ld->end - ld->p) < n)
        load_fail(ld, "the saved Lua values end early (%zu bytes wanted, %zu left)", n, (size_t)(ld->end - ld->p));
    memcpy(out, ld->p, n);
    ld->p += n;
}

static unsigned get_u8(loader_t *ld)
{
    unsigned char b;
    get(ld, &b, 1);
    return b;
}

static uint32_t get_u32(loader_t *ld)
{
    uint32_t v;
    get(ld, &v, 4);
    return v;
}

/// A string of the stream: pointer into it and its length.
static const char *get_lstr(loader_t *ld, size_t *len)
{
    uint32_t n = get_u32(ld);
    if ((size_t)(ld->end - ld->p) < n) load_fail(ld, "the saved Lua values end inside a string");
    const char *s = (const char *)ld->p;
    ld->p += n;
    *len = n;
    return s;
}

static void get_str(loader_t *ld, char *buf, size_t size)
{
    size_t n;
    const char *s = get_lstr(ld, &n);
    snprintf(buf, size, "%.*s", (int)n, s);
}

static void restore_value(loader_t *ld, int fresh);

static bool is_paired(loader_t *ld, int idx)
{
    lua_pushvalue(ld->L, idx);
    bool yes = lua_rawget(ld->L, ld->paired) != LUA_TNIL;
    lua_pop(ld->L, 1);
    return yes;
}

static void pair(loader_t *ld, uint32_t id, int idx)
{
    lua_State *L = ld->L;
    lua_pushvalue(L, idx);
    lua_rawseti(L, ld->objs, id);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, ld->paired);
}

static void restore_table(loader_t *ld, int fresh)
{
    lua_State *L = ld->L;
    uint32_t id = get_u32(ld), n = get_u32(ld);
    bool reuse = lua_type(L, fresh) == LUA_TTABLE && !is_paired(ld, fresh);
    if (reuse) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        reuse = !lua_rawequal(L, -1, fresh);
        lua_pop(L, 1);
    }
    if (reuse) lua_pushvalue(L, fresh);
    else lua_newtable(L);
    int t = lua_gettop(L);
    pair(ld, id, t);
    lua_newtable(L);
    int keep = lua_gettop(L);
    for (uint32_t i = 0; i < n; i++) {
        lua_pushnil(L);
        restore_value(ld, lua_gettop(L)); // the key
        int key = lua_gettop(L);
        int kt = lua_type(L, key);
        if (kt != LUA_TSTRING && kt != LUA_TNUMBER && kt != LUA_TBOOLEAN)
            load_fail(ld, "a saved table key of type %s, expected string, number or boolean", lua_typename(L, kt));
        size_t at = path_key(&ld->path, L, key);
        lua_pushvalue(L, key);
        lua_rawget(L, t);
        restore_value(ld, lua_gettop(L));
        lua_pushvalue(L, key);
        lua_pushvalue(L, -2);
        lua_rawset(L, t);
        lua_pushvalue(L, key);
        lua_pushboolean(L, 1);
        lua_rawset(L, keep);
        path_pop(&ld->path, at);
        lua_pop(L, 4); // nil slot, key, fresh value, value
    }
    if (reuse) { // keys the fresh table has and the saved one had not
        lua_newtable(L);
        int drop = lua_gettop(L);
        lua_Integer k = 0;
        lua_pushnil(L);
        while (lua_next(L, t)) {
            lua_pop(L, 1);
            lua_pushvalue(L, -1);
            if (lua_rawget(L, keep) == LUA_TNIL) {
                lua_pushvalue(L, -2);
                lua_rawseti(L, drop, ++k);
            }
            lua_pop(L, 1);
        }
        for (lua_Integer i = 1; i <= k; i++) {
            lua_rawgeti(L, drop, i);
            lua_pushnil(L);
            lua_rawset(L, t);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1); // keep
    if (get_u8(ld)) {
        if (!lua_getmetatable(L, t)) lua_pushnil(L);
        size_t at = path_push(&ld->path, " (metatable)");
        restore_value(ld, lua_gettop(L));
        path_pop(&ld->path, at);
        if (!lua_istable(L, -1)) load_fail(ld, "a saved metatable that is not a table");
        lua_setmetatable(L, t);
        lua_pop(L, 1);
    } else if (lua_getmetatable(L, t)) {
        lua_pop(L, 1);
        lua_pushnil(L);
        lua_setmetatable(L, t);
    }
}

static void restore_function(loader_t *ld, int fresh)
{
    lua_State *L = ld->L;
    uint32_t id = get_u32(ld);
    char where[200];
    get_str(ld, where, sizeof where);
    uint32_t nups = get_u32(ld);
    if (lua_type(L, fresh) == LUA_TFUNCTION && !lua_iscfunction(L, fresh)) {
        char here[200];
        definition(L, fresh, here, sizeof here);
        lua_Debug ar;
        lua_pushvalue(L, fresh);
        lua_getinfo(L, ">u", &ar);
        if (strcmp(here, where) != 0 || ar.nups != nups)
            load_fail(ld, "held the function defined at %s; the freshly loaded file has the one defined at %s there "
                          "(was the file changed?)",
                      where, here);
        if (is_paired(ld, fresh))
            load_fail(ld, "held the function defined at %s, made while the run went on (this one is already "
                          "restored elsewhere). Keep such functions in variables set when the file loads",
                      where);
    } else {
        load_fail(ld, "held the function defined at %s, made while the run went on; the freshly loaded file has %s "
                      "there. Keep such functions in variables set when the file loads",
                  where, lua_isnil(L, fresh) ? "nothing" : luaL_typename(L, fresh));
    }
    lua_pushvalue(L, fresh);
    int f = lua_gettop(L);
    pair(ld, id, f);
    for (uint32_t k = 1; k <= nups; k++) {
        char name[128];
        get_str(ld, name, sizeof name);
        unsigned kind = get_u8(ld);
        uint32_t cell = get_u32(ld);
        if (kind == V_CELL_OLD) {
            lua_rawgeti(L, ld->cell_fn, cell);
            lua_rawgeti(L, ld->cell_k, cell);
            if (!lua_isfunction(L, -2) || !lua_isinteger(L, -1))
                load_fail(ld, "a captured variable refers to cell %u, which was not saved before", cell);
            int g = lua_gettop(L) - 1, j = (int)lua_tointeger(L, -1);
            if (lua_upvalueid(L, f, (int)k) != lua_upvalueid(L, g, j)) lua_upvaluejoin(L, f, (int)k, g, j);
            lua_pop(L, 2);
            continue;
        }
        if (kind != V_CELL_NEW) load_fail(ld, "a captured variable of kind %u, expected %d or %d", kind, V_CELL_NEW,
                                          V_CELL_OLD);
        lua_pushvalue(L, f);
        lua_rawseti(L, ld->cell_fn, cell);
        lua_pushinteger(L, k);
        lua_rawseti(L, ld->cell_k, cell);
        const char *have = lua_getupvalue(L, f, (int)k);
        if (!have) load_fail(ld, "the function at %s has no captured variable %u", where, k);
        size_t at = path_push(&ld->path, " > '%s' (captured by the function at %s)", name, where);
        restore_value(ld, lua_gettop(L));
        path_pop(&ld->path, at);
        lua_setupvalue(L, f, (int)k);
        lua_pop(L, 1); // the fresh value
    }
}

static void restore_value(loader_t *ld, int fresh)
{
    lua_State *L = ld->L;
    if (++ld->depth > MAX_DEPTH) load_fail(ld, "saved values nested more than %d levels deep", MAX_DEPTH);
    luaL_checkstack(L, 12, "checkpoint");
    unsigned tag = get_u8(ld);
    switch (tag) {
    case V_NIL: lua_pushnil(L); break;
    case V_FALSE: lua_pushboolean(L, 0); break;
    case V_TRUE: lua_pushboolean(L, 1); break;
    case V_INT: {
        lua_Integer i;
        get(ld, &i, sizeof i);
        lua_pushinteger(L, i);
        break;
    }
    case V_NUM: {
        lua_Number n;
        get(ld, &n, sizeof n);
        lua_pushnumber(L, n);
        break;
    }
    case V_STR: {
        size_t n;
        const char *s = get_lstr(ld, &n);
        lua_pushlstring(L, s, n);
        break;
    }
    case V_TABLE: restore_table(ld, fresh); break;
    case V_FUNC: restore_function(ld, fresh); break;
    case V_REF: {
        uint32_t id = get_u32(ld);
        if (lua_rawgeti(L, ld->objs, id) == LUA_TNIL) load_fail(ld, "a reference to object %u, which was not saved before", id);
        break;
    }
    case V_CFUNC:
        if (!lua_iscfunction(L, fresh))
            load_fail(ld, "held a function of the scenario API; the freshly loaded file has a %s there",
                      luaL_typename(L, fresh));
        lua_pushvalue(L, fresh);
        break;
    case V_GLOBALS: lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS); break;
    case V_LIB: {
        char name[32];
        get_str(ld, name, sizeof name);
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        if (lua_getfield(L, -1, name) != LUA_TTABLE) load_fail(ld, "no library \"%s\" in this state", name);
        lua_remove(L, -2);
        break;
    }
    default: load_fail(ld, "unknown saved value kind %u", tag);
    }
    ld->depth--;
}

static int restore_protected(lua_State *L)
{
    loader_t *ld = lua_touserdata(L, 1);
    lua_newtable(L);
    ld->objs = lua_gettop(L);
    lua_newtable(L);
    ld->paired = lua_gettop(L);
    lua_newtable(L);
    ld->cell_fn = lua_gettop(L);
    lua_newtable(L);
    ld->cell_k = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    int g = lua_gettop(L);
    lua_newtable(L);
    int saved = lua_gettop(L);
    uint32_t n = get_u32(ld);
    for (uint32_t i = 0; i < n; i++) {
        size_t len;
        const char *name = get_lstr(ld, &len);
        lua_pushlstring(L, name, len);
        int key = lua_gettop(L);
        size_t at = path_push(&ld->path, "global '%.*s'", (int)len, name);
        lua_pushvalue(L, key);
        lua_rawget(L, g);
        restore_value(ld, lua_gettop(L));
        lua_pushvalue(L, key);
        lua_pushvalue(L, -2);
        lua_rawset(L, g);
        lua_pushvalue(L, key);
        lua_pushboolean(L, 1);
        lua_rawset(L, saved);
        path_pop(&ld->path, at);
        lua_pop(L, 3);
    }
    // Globals the fresh file set that the saved run had cleared.
    lua_newtable(L);
    int list = lua_gettop(L);
    uint32_t fresh = user_globals(L, g, list);
    for (uint32_t i = 1; i <= fresh; i++) {
        lua_rawgeti(L, list, i);
        lua_pushvalue(L, -1);
        if (lua_rawget(L, saved) == LUA_TNIL) {
            lua_pushvalue(L, -2);
            lua_pushnil(L);
            lua_rawset(L, g);
        }
        lua_pop(L, 2);
    }
    uint32_t roots = get_u32(ld);
    if (roots != ld->ref_count)
        load_fail(ld, "%u hook functions saved, expected %u as this file registers", roots, ld->ref_count);
    for (uint32_t i = 0; i < roots; i++) {
        if (!get_u8(ld)) continue;
        if (ld->refs[i] == LUA_NOREF || ld->refs[i] == LUA_REFNIL) load_fail(ld, "hook %u has no function to restore", i + 1);
        lua_rawgeti(L, LUA_REGISTRYINDEX, ld->refs[i]);
        char where[200];
        definition(L, lua_gettop(L), where, sizeof where);
        size_t at = path_push(&ld->path, "the hook function at %s", where);
        restore_value(ld, lua_gettop(L));
        path_pop(&ld->path, at);
        lua_pop(L, 2);
    }
    if (ld->p != ld->end) load_fail(ld, "%zu bytes left after the saved Lua values, expected none", (size_t)(ld->end - ld->p));
    return 0;
}

gops_status_t gops_lua_values_restore(lua_State *L, const int *refs, uint32_t count, const void *data, size_t size,
                                      gops_error_t *err)
{
    loader_t *ld = calloc(1, sizeof *ld);
    if (!ld) return gops_error_set(err, GOPS_NOMEM, "out of memory restoring the scenario's Lua values");
    *ld = (loader_t){.L = L, .p = data, .end = (const unsigned char *)data + size, .refs = refs, .ref_count = count};
    int top = lua_gettop(L);
    gops_status_t st = GOPS_OK;
    if (!lua_checkstack(L, 16)) {
        st = gops_error_set(err, GOPS_NOMEM, "out of Lua stack restoring the scenario's values");
    } else {
        lua_pushcfunction(L, restore_protected);
        lua_pushlightuserdata(L, ld);
        if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
            const char *m = lua_tostring(L, -1);
            st = gops_error_set(err, GOPS_SCENARIO, "cannot restore the scenario's Lua values: %s",
                                ld->msg[0] ? ld->msg : m ? m : "error");
        }
    }
    lua_settop(L, top);
    free(ld);
    return st;
}
