// SPDX-License-Identifier: MIT
// The Lua sandbox: state set-up (six safe libraries; replaced load, print, collectgarbage,
// setmetatable, math.random; guarded string and table functions), the capped allocator,
// the instruction budget, strict globals, and the one protected call every call into Lua
// takes. It knows nothing of the scenario API: bindings register on the state it returns.

// Strict globals, the rule chosen: code at the top level of a chunk (the scenario file, a
// run_string chunk, or a chunk made by `load`) may define new globals freely; any other
// Lua function assigning a global not yet declared raises "assignment to undeclared global
// 'x'", and reading a global never defined, anywhere, raises "undeclared global 'x'", so
// typos surface at once. A name becomes declared when a top level assigns it or a binding
// calls gops_sandbox_allow_global. C code (bindings, the host) reads absent globals as nil
// and may define any global. rawget/rawset bypass the check but reach nothing the sandbox
// did not open; removed names (os, io, ...) raise "'os' is not available in scenarios".
//
// Aborts: once a call exceeds its instruction budget or its memory cap it is finished: the
// count hook then raises on every instruction, so pcall, xpcall and coroutines cannot
// swallow the abort. __gc finalizers are refused, because Lua runs them with hooks off.
// Library functions that loop in C over an integer range (table.move, insert, remove,
// concat, sort; string.rep of "") charge that work to the budget, and every byte allocated
// is charged too (ALLOC_BYTES_PER_INSTRUCTION), for the C functions that fill what they
// allocate (string.rep, upper, format, concatenation). Known limit: Lua's pattern matcher
// (string.find, match, gmatch, gsub) runs in C, so a pathological pattern can run long
// unseen by the budget; its memory stays capped.
#include "scenario/sandbox.h"

#include "core/assert.h"
#include "core/log.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(lua_Integer) == sizeof(int64_t), "math.random assumes 64-bit Lua integers");

#define KIB ((size_t)1024)
#define MIB (KIB * KIB)
/// Largest scenario file run_file reads (bytes); real scenarios are a few KiB.
#define SCENARIO_FILE_MAX (16 * MIB)
/// Bytes allocated that count as one instruction. string.rep("x", 1 << 20) in a loop under
/// pcall ran 100,000 one-megabyte fills on a 1,000,000-instruction budget (about 4 minutes;
/// a fuzzing find): memory the C library fills costs time the instruction count never saw.
/// At 64 bytes an instruction a full 16 MB memory cap is about 262,000 instructions, so a
/// scenario that fills its memory still meets the memory cap first (the clearer message).
#define ALLOC_BYTES_PER_INSTRUCTION 64u
/// Instructions between two count-hook calls: the budget overshoots by at most this.
#define HOOK_STEP 1000
/// Context named in messages for the top level of a file or string chunk.
#define MAIN_CONTEXT "main chunk"

typedef enum abort_reason { ABORT_NONE, ABORT_BUDGET, ABORT_MEMORY } abort_reason_t;

struct gops_sandbox {
    lua_State *L;
    gops_sandbox_limits_t limits;
    gops_rng_t *rng;
    int hook_step;          ///< count-hook period (instructions), min(HOOK_STEP, budget)
    size_t used;            ///< bytes currently allocated by the state
    uint64_t executed;      ///< instructions charged to the current top-level call
    int depth;              ///< nesting of gops_sandbox_call (budget resets at depth 0)
    abort_reason_t abort;   ///< why the current call must end, sticky until it does
    // The last refused request; Lua retries it once after an emergency collection, and
    // only when that identical retry succeeds is the refusal forgiven.
    int retry_pending;
    abort_reason_t abort_before_refusal;
    const void *refused_ptr;
    size_t refused_osize, refused_nsize;
    char where[LUA_IDSIZE + 24];  ///< "file:line" where the budget ran out
    char forbidden[512];          ///< last "not available" message raised (to tell the status)
    char warning[512];            ///< pieces of a Lua warning being assembled
    size_t warning_len;
};

// Registry key of the table of declared global names.
static const char declared_key = 'd';

static gops_sandbox_t *sandbox_of(lua_State *L)
{
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return ud;
}

static void format_bytes(char *buf, size_t size, size_t bytes)
{
    if (bytes % MIB == 0)
        snprintf(buf, size, "%zu MiB", bytes / MIB);
    else if (bytes % KIB == 0)
        snprintf(buf, size, "%zu KiB", bytes / KIB);
    else
        snprintf(buf, size, "%zu bytes", bytes);
}

// ---------------------------------------------------------------------------------------
// Allocator and instruction budget

static int hook_step_for(uint64_t budget)
{
    return budget < HOOK_STEP ? (int)budget : HOOK_STEP;
}

static void count_hook(lua_State *L, lua_Debug *ar);

static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    gops_sandbox_t *sb = ud;
    size_t old = ptr ? osize : 0; // with ptr NULL, osize is a type tag, not a size
    if (nsize == 0) {
        free(ptr);
        sb->used -= old;
        return NULL;
    }
    if (nsize > old) {
        int is_retry = sb->retry_pending && ptr == sb->refused_ptr && osize == sb->refused_osize &&
                       nsize == sb->refused_nsize;
        sb->retry_pending = 0;
        // sb->used never exceeds the cap, so the subtraction cannot wrap.
        if (nsize - old > sb->limits.memory_bytes - sb->used) {
            // Refusing ends the call even when the scenario catches Lua's "not enough
            // memory": a request past the cap means its data does not fit.
            if (!is_retry) sb->abort_before_refusal = sb->abort;
            if (sb->abort == ABORT_NONE) sb->abort = ABORT_MEMORY;
            // The next instruction ends the call, not the next count hook: a loop that catches
            // the error could otherwise repeat the work that filled the cap a thousand times.
            if (sb->L) lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, 1);
            sb->retry_pending = 1;
            sb->refused_ptr = ptr;
            sb->refused_osize = osize;
            sb->refused_nsize = nsize;
            return NULL;
        }
        void *grown = realloc(ptr, nsize);
        if (!grown) return NULL;
        sb->used += nsize - old;
        // Library functions fill what they allocate in C, unseen by the count hook: charge the
        // bytes to the budget. Once it is spent, the main thread's next instruction runs the
        // count hook, which ends the call (lua_sethook may be called at any time; a loop in
        // a coroutine is stopped within its hook period instead).
        sb->executed += (nsize - old) / ALLOC_BYTES_PER_INSTRUCTION;
        if (sb->executed > sb->limits.instructions_per_call && sb->abort == ABORT_NONE && sb->L)
            lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, 1);
        // The emergency collection freed enough: the refusal was garbage, not data.
        if (is_retry) sb->abort = sb->abort_before_refusal;
        return grown;
    }
    void *shrunk = realloc(ptr, nsize);
    if (!shrunk) return NULL;
    sb->used -= old - nsize;
    return shrunk;
}

static void record_where(gops_sandbox_t *sb, lua_State *L, lua_Debug *ar)
{
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
        snprintf(sb->where, sizeof sb->where, "%s:%d", ar->short_src, ar->currentline);
    else
        sb->where[0] = '\0';
}

static const char *abort_text(abort_reason_t reason)
{
    return reason == ABORT_MEMORY ? "scenario exceeded its memory cap"
                                  : "scenario exceeded its instruction budget";
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    gops_sandbox_t *sb = sandbox_of(L);
    if (sb->abort == ABORT_NONE) {
        int step = lua_gethookcount(L);
        sb->executed += (uint64_t)step;
        // A coroutine left at step 1 by an earlier abort goes back to the normal period.
        if (step != sb->hook_step) lua_sethook(L, count_hook, LUA_MASKCOUNT, sb->hook_step);
        if (sb->executed <= sb->limits.instructions_per_call) return;
        sb->abort = ABORT_BUDGET;
        record_where(sb, L, ar);
    }
    // From now on every instruction of this thread raises, so no handler can resume.
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    lua_pushstring(L, abort_text(sb->abort));
    lua_error(L);
}

// Charges work a library function does in C (no instructions run there) to the budget.
static void charge(lua_State *L, uint64_t work)
{
    gops_sandbox_t *sb = sandbox_of(L);
    if (sb->abort == ABORT_NONE) {
        uint64_t limit = sb->limits.instructions_per_call;
        uint64_t left = sb->executed < limit ? limit - sb->executed : 0;
        if (work <= left) {
            sb->executed += work;
            return;
        }
        sb->executed = sb->limits.instructions_per_call + 1;
        sb->abort = ABORT_BUDGET;
        lua_Debug ar;
        if (lua_getstack(L, 1, &ar))
            record_where(sb, L, &ar);
        else
            sb->where[0] = '\0';
    }
    lua_pushstring(L, abort_text(sb->abort));
    lua_error(L);
}

// Raises "<where>'<what>' is not available in scenarios (<why>)" and remembers the text,
// so the call can report GOPS_LUA_FORBIDDEN rather than a plain runtime error.
static int forbid(lua_State *L, const char *fmt, ...)
{
    gops_sandbox_t *sb = sandbox_of(L);
    luaL_where(L, 1);
    va_list ap;
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_concat(L, 2);
    snprintf(sb->forbidden, sizeof sb->forbidden, "%s", lua_tostring(L, -1));
    return lua_error(L);
}

// ---------------------------------------------------------------------------------------
// Removed names and strict globals

typedef struct removed_name {
    const char *lib; ///< NULL for a global
    const char *name;
    const char *why;
} removed_name_t;

static const removed_name_t removed_names[] = {
    {NULL, "io", "scenarios cannot read or write files"},
    {NULL, "os", "scenarios cannot run programs or read the wall clock; use the simulation clock"},
    {NULL, "package", "scenarios cannot load modules"},
    {NULL, "require", "scenarios cannot load modules; a scenario is one file"},
    {NULL, "debug", "the debug library can reach outside the sandbox"},
    {NULL, "dofile", "scenarios cannot read files; a scenario is one file"},
    {NULL, "loadfile", "scenarios cannot read files; a scenario is one file"},
    {"string", "dump", "bytecode is not allowed"},
    {"math", "randomseed",
     "math.random draws from the scenario's own stream, seeded by the scenario's seed"},
};

static const removed_name_t *find_removed(const char *lib, const char *name)
{
    for (size_t i = 0; i < sizeof removed_names / sizeof removed_names[0]; i++) {
        const removed_name_t *r = &removed_names[i];
        if (((r->lib == NULL) == (lib == NULL)) && (!lib || strcmp(r->lib, lib) == 0) &&
            strcmp(r->name, name) == 0)
            return r;
    }
    return NULL;
}

// What kind of function is one level up: 'm' main chunk, 'L' other Lua function,
// 'C' a C function or the host (no Lua caller).
static char caller_kind(lua_State *L)
{
    lua_Debug ar;
    if (!lua_getstack(L, 1, &ar) || !lua_getinfo(L, "S", &ar)) return 'C';
    if (strcmp(ar.what, "main") == 0) return 'm';
    if (strcmp(ar.what, "Lua") == 0) return 'L';
    return 'C';
}

static int is_declared(lua_State *L, int name_index)
{
    lua_pushvalue(L, name_index);
    int declared = lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL;
    lua_pop(L, 1);
    return declared;
}

// __index of the globals table: called only for absent keys.
static int strict_index(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TSTRING && caller_kind(L) != 'C') {
        const char *name = lua_tostring(L, 2);
        const removed_name_t *r = find_removed(NULL, name);
        if (r) return forbid(L, "'%s' is not available in scenarios (%s)", name, r->why);
        if (!is_declared(L, 2)) return luaL_error(L, "undeclared global '%s'", name);
    }
    lua_pushnil(L);
    return 1;
}

// __newindex of the globals table: called only for absent keys.
static int strict_newindex(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TSTRING && !is_declared(L, 2)) {
        if (caller_kind(L) == 'L')
            return luaL_error(L,
                              "assignment to undeclared global '%s' inside a function (define it "
                              "at the top level of the scenario, or make it local)",
                              lua_tostring(L, 2));
        lua_pushvalue(L, 2);
        lua_pushboolean(L, 1);
        lua_rawset(L, lua_upvalueindex(1));
    }
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 0;
}

// __index of the string and math tables: explains removed fields, other absent keys are nil.
static int library_index(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TSTRING && caller_kind(L) != 'C') {
        const char *lib = lua_tostring(L, lua_upvalueindex(1));
        const char *name = lua_tostring(L, 2);
        const removed_name_t *r = find_removed(lib, name);
        if (r) return forbid(L, "'%s.%s' is not available in scenarios (%s)", lib, name, r->why);
    }
    lua_pushnil(L);
    return 1;
}

// ---------------------------------------------------------------------------------------
// Replaced base functions

static int sandbox_print(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1) luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    const char *text = lua_tostring(L, -1);
    lua_Debug ar;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0)
        gops_log(GOPS_LOG_INFO, "%s:%d: %s", ar.short_src, ar.currentline, text);
    else
        gops_log(GOPS_LOG_INFO, "%s", text);
    return 0;
}

static int sandbox_collectgarbage(lua_State *L)
{
    const char *option = luaL_optstring(L, 1, "collect");
    if (strcmp(option, "count") != 0)
        return forbid(L,
                      "'collectgarbage(\"%s\")' is not available in scenarios (only "
                      "collectgarbage(\"count\") is; the engine runs the collector)",
                      option);
    lua_pushnumber(L, (lua_Number)sandbox_of(L)->used / 1024.0);
    return 1;
}

typedef struct load_reader_state {
    int pieces; ///< pieces returned so far
    int binary; ///< the first piece started with the bytecode signature
} load_reader_state_t;

// Reader for load(function): calls the function for each piece, keeping the piece
// alive in stack slot 5 while the parser uses it.
static const char *load_reader(lua_State *L, void *ud, size_t *size)
{
    load_reader_state_t *state = ud;
    luaL_checkstack(L, 2, "too many nested functions");
    lua_pushvalue(L, 1);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        *size = 0;
        return NULL;
    }
    if (!lua_isstring(L, -1)) luaL_error(L, "reader function must return a string");
    lua_replace(L, 5);
    const char *piece = lua_tolstring(L, 5, size);
    if (state->pieces++ == 0 && *size > 0 && piece[0] == LUA_SIGNATURE[0]) state->binary = 1;
    return piece;
}

// load(chunk [, chunkname [, mode [, env]]]) for text chunks only; like Lua's, it returns
// fail and a message instead of raising.
static int sandbox_load(lua_State *L)
{
    size_t len = 0;
    const char *text = lua_tolstring(L, 1, &len);
    const char *mode = luaL_optstring(L, 3, "t");
    int has_env = !lua_isnone(L, 4);
    int status;
    if (strchr(mode, 't') == NULL) {
        luaL_pushfail(L);
        lua_pushfstring(L,
                        "bytecode is not allowed (load mode '%s'; scenarios load text chunks only)",
                        mode);
        return 2;
    }
    if (text != NULL) {
        const char *name = luaL_optstring(L, 2, text);
        if (len > 0 && text[0] == LUA_SIGNATURE[0]) {
            luaL_pushfail(L);
            lua_pushliteral(L, "bytecode is not allowed (scenarios load text chunks only)");
            return 2;
        }
        status = luaL_loadbufferx(L, text, len, name, "t");
    } else {
        const char *name = luaL_optstring(L, 2, "=(load)");
        luaL_checktype(L, 1, LUA_TFUNCTION);
        lua_settop(L, 5); // slot 5 holds the current piece
        load_reader_state_t state = {0, 0};
        status = lua_load(L, load_reader, &state, name, "t");
        if (status == LUA_ERRSYNTAX && state.binary) {
            lua_pop(L, 1);
            lua_pushliteral(L, "bytecode is not allowed (scenarios load text chunks only)");
        }
    }
    if (status != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (has_env) {
        lua_pushvalue(L, 4);
        if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1); // a chunk's first upvalue is _ENV
    }
    return 1;
}

static int sandbox_random(lua_State *L)
{
    gops_rng_t *rng = sandbox_of(L)->rng;
    lua_Integer low, up;
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, (lua_Number)gops_rng_uniform(rng));
        return 1;
    case 1:
        low = 1;
        up = luaL_checkinteger(L, 1);
        if (up == 0) { // math.random(0): all 64 bits
            lua_pushinteger(L, (lua_Integer)gops_rng_next(rng));
            return 1;
        }
        break;
    case 2:
        low = luaL_checkinteger(L, 1);
        up = luaL_checkinteger(L, 2);
        break;
    default:
        return luaL_error(L, "wrong number of arguments");
    }
    luaL_argcheck(L, low <= up, 1, "interval is empty");
    uint64_t span = (uint64_t)up - (uint64_t)low; // exact in unsigned arithmetic
    uint64_t r = span == UINT64_MAX ? gops_rng_next(rng) : gops_rng_below(rng, span + 1);
    lua_pushinteger(L, (lua_Integer)((uint64_t)low + r));
    return 1;
}

// ---------------------------------------------------------------------------------------
// Library functions whose C loops run no instructions: charge them to the budget.

static int call_original(lua_State *L)
{
    lua_CFunction original = lua_tocfunction(L, lua_upvalueindex(1));
    GOPS_ASSERT(original != NULL);
    return original(L);
}

static uint64_t span_of(lua_Integer first, lua_Integer last)
{
    if (first > last) return 0;
    uint64_t span = (uint64_t)last - (uint64_t)first;
    return span == UINT64_MAX ? span : span + 1;
}

// string.rep with an empty string and separator would loop n times producing nothing.
static int sandbox_string_rep(lua_State *L)
{
    size_t len = 0, sep_len = 0;
    luaL_checklstring(L, 1, &len);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &sep_len);
    if (n > 0 && len == 0 && sep_len == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    return call_original(L);
}

static int sandbox_table_concat(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TTABLE) {
        lua_Integer first = luaL_optinteger(L, 3, 1);
        lua_Integer last = lua_isnoneornil(L, 4) ? luaL_len(L, 1) : luaL_checkinteger(L, 4);
        charge(L, span_of(first, last));
        // Pass the bounds explicitly so the original does not ask __len a second time.
        lua_settop(L, 4);
        lua_pushinteger(L, first);
        lua_replace(L, 3);
        lua_pushinteger(L, last);
        lua_replace(L, 4);
    }
    return call_original(L);
}

static int sandbox_table_move(lua_State *L)
{
    lua_Integer first = luaL_checkinteger(L, 2);
    lua_Integer last = luaL_checkinteger(L, 3);
    charge(L, span_of(first, last));
    return call_original(L);
}

static int sandbox_table_sort(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TTABLE) {
        // The original asks __len itself; a __len that answers differently the second
        // time would escape the charge, so such tables are not sorted.
        if (luaL_getmetafield(L, 1, "__len") != LUA_TNIL)
            return luaL_error(L, "table.sort of a table with a __len metamethod is not supported "
                                 "in scenarios (copy it into a plain table first)");
        lua_Integer n = luaL_len(L, 1);
        if (n > 1) {
            uint64_t log2n = 0;
            for (uint64_t m = (uint64_t)n; m > 1; m >>= 1) log2n++;
            // n log2 n comparisons at most (in expectation); the cap avoids overflow.
            charge(L, (uint64_t)n > (UINT64_MAX >> 7) ? UINT64_MAX : (uint64_t)n * (log2n + 1));
        }
    }
    return call_original(L);
}

// Lua runs __gc finalizers with hooks switched off, so a finalizer could loop forever
// outside the budget; a metatable only marks an object for finalization if it has __gc
// when set, so refusing it here closes that door.
static int sandbox_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return forbid(L, "'__gc' metamethods are not available in scenarios (finalizers run "
                             "outside the instruction budget)");
        lua_pop(L, 1);
    }
    return call_original(L);
}

// table.insert and table.remove, with Lua 5.4's semantics, charging the elements they
// shift: a table's border (#t) can be far larger than its element count.
static int sandbox_table_insert(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer end = (lua_Integer)((uint64_t)luaL_len(L, 1) + 1u); // first empty slot
    lua_Integer pos;
    switch (lua_gettop(L)) {
    case 2:
        pos = end;
        break;
    case 3:
        pos = luaL_checkinteger(L, 2);
        // pos in [1, end]; the unsigned comparison also rejects pos < 1
        luaL_argcheck(L, (uint64_t)pos - 1u < (uint64_t)end, 2, "position out of bounds");
        charge(L, (uint64_t)end - (uint64_t)pos);
        for (lua_Integer i = end; i > pos; i--) {
            lua_geti(L, 1, i - 1);
            lua_seti(L, 1, i);
        }
        break;
    default:
        return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, pos); // the value is on top
    return 0;
}

static int sandbox_table_remove(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer size = luaL_len(L, 1);
    lua_Integer pos = luaL_optinteger(L, 2, size);
    if (pos != size) // pos in [1, size + 1]
        luaL_argcheck(L, (uint64_t)pos - 1u <= (uint64_t)size, 2, "position out of bounds");
    if (pos < size) charge(L, (uint64_t)size - (uint64_t)pos);
    lua_geti(L, 1, pos);
    for (; pos < size; pos++) {
        lua_geti(L, 1, pos + 1);
        lua_seti(L, 1, pos);
    }
    lua_pushnil(L);
    lua_seti(L, 1, pos);
    return 1;
}

// ---------------------------------------------------------------------------------------
// State set-up

static void set_function(lua_State *L, int table, const char *name, lua_CFunction fn)
{
    lua_pushcfunction(L, fn);
    lua_setfield(L, table, name);
}

// Replaces table[name] by a closure of `wrapper` over the original function.
static void wrap_function(lua_State *L, int table, const char *name, lua_CFunction wrapper)
{
    lua_getfield(L, table, name);
    GOPS_ASSERT(lua_iscfunction(L, -1));
    lua_pushcclosure(L, wrapper, 1);
    lua_setfield(L, table, name);
}

static void remove_field(lua_State *L, int table, const char *name)
{
    lua_pushnil(L);
    lua_setfield(L, table, name);
}

// Gives a library table a locked metatable that explains its removed fields.
static void guard_library(lua_State *L, int table, const char *lib)
{
    lua_newtable(L);
    lua_pushstring(L, lib);
    lua_pushcclosure(L, library_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, table);
}

// Runs in protected mode from gops_sandbox_create: an allocation failure here is an error
// status, not a panic.
static int setup_state(lua_State *L)
{
    static const luaL_Reg libraries[] = {
        {LUA_GNAME, luaopen_base},         {LUA_TABLIBNAME, luaopen_table},
        {LUA_STRLIBNAME, luaopen_string},  {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8},   {LUA_COLIBNAME, luaopen_coroutine},
    };
    for (size_t i = 0; i < sizeof libraries / sizeof libraries[0]; i++) {
        luaL_requiref(L, libraries[i].name, libraries[i].func, 1);
        lua_pop(L, 1);
    }

    lua_pushglobaltable(L);
    int g = lua_gettop(L);
    remove_field(L, g, "dofile");
    remove_field(L, g, "loadfile");
    set_function(L, g, "load", sandbox_load);
    set_function(L, g, "print", sandbox_print);
    set_function(L, g, "collectgarbage", sandbox_collectgarbage);
    wrap_function(L, g, "setmetatable", sandbox_setmetatable);

    lua_getfield(L, g, LUA_STRLIBNAME);
    int string_lib = lua_gettop(L);
    remove_field(L, string_lib, "dump");
    wrap_function(L, string_lib, "rep", sandbox_string_rep);
    guard_library(L, string_lib, LUA_STRLIBNAME);

    lua_getfield(L, g, LUA_MATHLIBNAME);
    int math_lib = lua_gettop(L);
    remove_field(L, math_lib, "randomseed");
    set_function(L, math_lib, "random", sandbox_random);
    guard_library(L, math_lib, LUA_MATHLIBNAME);

    lua_getfield(L, g, LUA_TABLIBNAME);
    int table_lib = lua_gettop(L);
    wrap_function(L, table_lib, "concat", sandbox_table_concat);
    wrap_function(L, table_lib, "move", sandbox_table_move);
    wrap_function(L, table_lib, "sort", sandbox_table_sort);
    set_function(L, table_lib, "insert", sandbox_table_insert);
    set_function(L, table_lib, "remove", sandbox_table_remove);
    lua_settop(L, g);

    // getmetatable("") would otherwise hand out the metatable shared by every string.
    lua_pushliteral(L, "");
    int has_metatable = lua_getmetatable(L, -1);
    GOPS_ASSERT(has_metatable);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_settop(L, g);

    // Strict globals last, so the set-up above assigns freely.
    lua_newtable(L); // declared names
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &declared_key);
    lua_newtable(L); // the metatable
    lua_pushvalue(L, -2);
    lua_pushcclosure(L, strict_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, -2);
    lua_pushcclosure(L, strict_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, g);
    return 0;
}

static int panic_handler(lua_State *L)
{
    const char *message = lua_tostring(L, -1);
    gops_log(GOPS_LOG_ERROR, "Lua error outside a protected call: %s",
             message ? message : "(error object is not a string)");
    return 0; // Lua then aborts the process: this is always a host bug
}

// Lua warnings (warn(), errors inside __gc) arrive in pieces; log each whole one.
static void warning_handler(void *ud, const char *message, int to_continue)
{
    gops_sandbox_t *sb = ud;
    if (sb->warning_len == 0 && !to_continue && message[0] == '@') return; // control message
    size_t room = sizeof sb->warning - 1 - sb->warning_len;
    size_t len = strlen(message);
    if (len > room) len = room;
    memcpy(sb->warning + sb->warning_len, message, len);
    sb->warning_len += len;
    sb->warning[sb->warning_len] = '\0';
    if (!to_continue) {
        gops_log(GOPS_LOG_WARN, "scenario warning: %s", sb->warning);
        sb->warning_len = 0;
    }
}

// A fuzzing build lowers the defaults (tests/fuzz/CMakeLists.txt) so that one input costs
// milliseconds, not the second a full budget takes.
#ifndef GOPS_SANDBOX_DEFAULT_MEMORY_MIB
#define GOPS_SANDBOX_DEFAULT_MEMORY_MIB 256
#endif
#ifndef GOPS_SANDBOX_DEFAULT_INSTRUCTIONS
#define GOPS_SANDBOX_DEFAULT_INSTRUCTIONS 100000000u
#endif

gops_sandbox_limits_t gops_sandbox_limits_default(void)
{
    gops_sandbox_limits_t limits = {
        .memory_bytes = GOPS_SANDBOX_DEFAULT_MEMORY_MIB * MIB,
        .instructions_per_call = GOPS_SANDBOX_DEFAULT_INSTRUCTIONS,
    };
    return limits;
}

gops_sandbox_t *gops_sandbox_create(const gops_sandbox_limits_t *limits, gops_rng_t *rng,
                                    gops_error_t *err)
{
    GOPS_ASSERT(rng != NULL);
    gops_sandbox_limits_t lim = limits ? *limits : gops_sandbox_limits_default();
    if (lim.instructions_per_call == 0) {
        gops_error_set(err, GOPS_BAD_VALUE, "scenario instruction budget is 0; expected at least "
                                            "1 instruction per call");
        return NULL;
    }
    char cap[32];
    format_bytes(cap, sizeof cap, lim.memory_bytes);

    gops_sandbox_t *sb = calloc(1, sizeof *sb);
    if (!sb) {
        gops_error_set(err, GOPS_NOMEM, "out of memory creating the Lua sandbox");
        return NULL;
    }
    sb->limits = lim;
    sb->rng = rng;
    sb->hook_step = hook_step_for(lim.instructions_per_call);
    sb->L = lua_newstate(sandbox_alloc, sb);
    if (!sb->L) {
        free(sb);
        gops_error_set(err, GOPS_BAD_VALUE,
                       "cannot create the Lua state within the scenario memory cap (%s); expected "
                       "a cap of at least 1 MiB",
                       cap);
        return NULL;
    }
    lua_State *L = sb->L;
    lua_atpanic(L, panic_handler);
    lua_setwarnf(L, warning_handler, sb);
    lua_pushcfunction(L, setup_state);
    int status = lua_pcall(L, 0, 0, 0);
    if (status != LUA_OK) {
        if (status == LUA_ERRMEM || sb->abort == ABORT_MEMORY)
            gops_error_set(err, GOPS_BAD_VALUE,
                           "cannot set up the Lua sandbox within the scenario memory cap (%s); "
                           "expected a cap of at least 1 MiB",
                           cap);
        else
            gops_error_set(err, GOPS_INTERNAL, "cannot set up the Lua sandbox: %s",
                           lua_tostring(L, -1) ? lua_tostring(L, -1) : "unknown error");
        gops_sandbox_destroy(sb);
        return NULL;
    }
    sb->abort = ABORT_NONE;
    sb->retry_pending = 0;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, sb->hook_step);
    gops_error_clear(err);
    return sb;
}

void gops_sandbox_destroy(gops_sandbox_t *sb)
{
    if (!sb) return;
    // Finalizers run in lua_close: give them a fresh budget so they cannot hang the exit.
    sb->executed = 0;
    sb->abort = ABORT_NONE;
    lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, sb->hook_step);
    lua_close(sb->L);
    GOPS_ASSERT(sb->used == 0); // the allocator saw every block freed
    free(sb);
}

lua_State *gops_sandbox_state(gops_sandbox_t *sb)
{
    GOPS_ASSERT(sb != NULL);
    return sb->L;
}

size_t gops_sandbox_memory_used(const gops_sandbox_t *sb)
{
    GOPS_ASSERT(sb != NULL);
    return sb->used;
}

void gops_sandbox_set_limits(gops_sandbox_t *sb, const gops_sandbox_limits_t *limits)
{
    GOPS_ASSERT(sb != NULL && limits != NULL && limits->instructions_per_call > 0);
    sb->limits = *limits;
    // A cap below the bytes in use would fail the next allocation of any call.
    if (sb->limits.memory_bytes < sb->used) sb->limits.memory_bytes = sb->used;
    sb->hook_step = hook_step_for(sb->limits.instructions_per_call);
    if (sb->abort == ABORT_NONE) lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, sb->hook_step);
}

void gops_sandbox_set_rng(gops_sandbox_t *sb, gops_rng_t *rng)
{
    GOPS_ASSERT(sb != NULL && rng != NULL);
    sb->rng = rng;
}

static int allow_global_protected(lua_State *L)
{
    const char *name = lua_touserdata(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &declared_key);
    lua_pushstring(L, name);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    return 0;
}

void gops_sandbox_allow_global(gops_sandbox_t *sb, const char *name)
{
    GOPS_ASSERT(sb != NULL && name != NULL);
    lua_State *L = sb->L;
    int has_room = lua_checkstack(L, 2);
    GOPS_ASSERT(has_room);
    lua_pushcfunction(L, allow_global_protected);
    lua_pushlightuserdata(L, (void *)name);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        gops_log(GOPS_LOG_ERROR, "cannot declare scenario global '%s': %s", name,
                 lua_tostring(L, -1) ? lua_tostring(L, -1) : "unknown error");
        lua_pop(L, 1);
    }
}

// ---------------------------------------------------------------------------------------
// Calls

// Message handler: turns any error object into "file:line: message" text and logs the
// traceback at debug level (the user-facing message stays one line).
static int message_handler(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TSTRING) {
        // No position was added by error(): find the innermost Lua frame with a line.
        lua_Debug ar;
        int level = 1;
        lua_pushliteral(L, "");
        while (lua_getstack(L, level++, &ar)) {
            if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
                lua_pop(L, 1);
                lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
                break;
            }
        }
        int described = 0;
        if (luaL_callmeta(L, 1, "__tostring")) { // the object's own text, when it gives one
            described = lua_type(L, -1) == LUA_TSTRING;
            if (!described) lua_pop(L, 1);
        }
        if (!described && lua_type(L, 1) == LUA_TNUMBER)
            luaL_tolstring(L, 1, NULL);
        else if (!described)
            lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
        lua_concat(L, 2);
        lua_replace(L, 1);
        lua_settop(L, 1);
    }
    luaL_traceback(L, L, lua_tostring(L, 1), 1);
    gops_log(GOPS_LOG_DEBUG, "%s", lua_tostring(L, -1));
    lua_settop(L, 1);
    return 1;
}

static void begin_call(gops_sandbox_t *sb)
{
    sb->executed = 0;
    sb->abort = ABORT_NONE;
    sb->retry_pending = 0;
    sb->where[0] = '\0';
    sb->forbidden[0] = '\0';
    lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, sb->hook_step);
}

static void end_call(gops_sandbox_t *sb)
{
    sb->abort = ABORT_NONE;
    sb->retry_pending = 0;
    sb->executed = 0;
    lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, sb->hook_step);
}

// Formats the failure of a call whose error object (if any) is on top of the stack.
static gops_status_t call_failure(gops_sandbox_t *sb, int status, const char *context,
                                  gops_error_t *err)
{
    if (sb->abort == ABORT_BUDGET)
        return gops_error_set(err, GOPS_LUA_BUDGET,
                              "scenario exceeded its instruction budget (%llu instructions) in %s%s%s",
                              (unsigned long long)sb->limits.instructions_per_call, context,
                              sb->where[0] ? " at " : "", sb->where);
    if (sb->abort == ABORT_MEMORY || status == LUA_ERRMEM) {
        char cap[32];
        format_bytes(cap, sizeof cap, sb->limits.memory_bytes);
        return gops_error_set(err, GOPS_LUA_MEMORY, "scenario exceeded its memory cap (%s) in %s",
                              cap, context);
    }
    const char *message = status == LUA_OK ? NULL : lua_tostring(sb->L, -1);
    if (!message) message = "(error object is not a string)";
    // Keep room for the context when the message is long.
    int room = (int)sizeof err->message - (int)strlen(context) - 16;
    if (room < 64) room = 64;
    gops_status_t code =
        sb->forbidden[0] && strstr(message, sb->forbidden) ? GOPS_LUA_FORBIDDEN : GOPS_LUA_RUNTIME;
    return gops_error_set(err, code, "%.*s (in %s)", room, message, context);
}

gops_status_t gops_sandbox_call(gops_sandbox_t *sb, int nargs, int nresults, const char *context,
                                gops_error_t *err)
{
    GOPS_ASSERT(sb != NULL && nargs >= 0);
    lua_State *L = sb->L;
    GOPS_ASSERT(lua_gettop(L) > nargs);
    if (!context) context = "scenario";
    int base = lua_gettop(L) - nargs; // the function's index; the handler goes there
    if (!lua_checkstack(L, 1)) {
        lua_settop(L, base - 1);
        char cap[32];
        format_bytes(cap, sizeof cap, sb->limits.memory_bytes);
        return gops_error_set(err, GOPS_LUA_MEMORY, "scenario exceeded its memory cap (%s) in %s",
                              cap, context);
    }
    lua_pushcfunction(L, message_handler);
    lua_insert(L, base);

    int outermost = sb->depth == 0;
    if (outermost) begin_call(sb);
    sb->depth++;
    int status = lua_pcall(L, nargs, nresults, base);
    sb->depth--;

    gops_status_t result = GOPS_OK;
    if (status == LUA_OK && sb->abort == ABORT_NONE) {
        lua_remove(L, base);
        gops_error_clear(err);
    } else {
        // An abort that the scenario caught still fails the call, results and all.
        result = call_failure(sb, status, context, err);
        lua_settop(L, base - 1);
    }
    if (outermost) end_call(sb);
    return result;
}

static gops_status_t load_failure(gops_sandbox_t *sb, int status, const char *what,
                                  gops_error_t *err)
{
    lua_State *L = sb->L;
    gops_status_t result;
    if (status == LUA_ERRMEM || sb->abort == ABORT_MEMORY) {
        char cap[32];
        format_bytes(cap, sizeof cap, sb->limits.memory_bytes);
        result = gops_error_set(err, GOPS_LUA_MEMORY, "scenario exceeded its memory cap (%s) while "
                                                      "loading %s",
                                cap, what);
    } else {
        const char *message = lua_tostring(L, -1);
        result = gops_error_set(err, GOPS_LUA_SYNTAX, "%s",
                                message ? message : "syntax error (no message)");
    }
    lua_pop(L, 1);
    sb->abort = ABORT_NONE;
    sb->retry_pending = 0;
    return result;
}

static gops_status_t read_scenario(const char *path, char **text, size_t *len, gops_error_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return gops_error_set(err, GOPS_IO, "cannot open scenario %s: %s", path, strerror(errno));
    size_t cap = 64 * KIB, n = 0;
    char *buf = malloc(cap);
    gops_status_t status = GOPS_OK;
    if (!buf) {
        status = gops_error_set(err, GOPS_NOMEM, "out of memory reading scenario %s", path);
        goto cleanup;
    }
    for (;;) {
        if (n == cap) {
            if (cap > SCENARIO_FILE_MAX) {
                status = gops_error_set(err, GOPS_BAD_VALUE,
                                        "%s: scenario file is larger than %zu MiB; expected a "
                                        "Lua script of at most that size",
                                        path, SCENARIO_FILE_MAX / MIB);
                goto cleanup;
            }
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                status = gops_error_set(err, GOPS_NOMEM, "out of memory reading scenario %s", path);
                goto cleanup;
            }
            buf = grown;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    if (ferror(f)) {
        status = gops_error_set(err, GOPS_IO, "cannot read scenario %s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (n > SCENARIO_FILE_MAX) {
        status = gops_error_set(err, GOPS_BAD_VALUE,
                                "%s: scenario file is larger than %zu MiB; expected a Lua script "
                                "of at most that size",
                                path, SCENARIO_FILE_MAX / MIB);
        goto cleanup;
    }
cleanup:
    fclose(f);
    if (status != GOPS_OK) {
        free(buf);
        return status;
    }
    *text = buf;
    *len = n;
    return GOPS_OK;
}

gops_status_t gops_sandbox_run_file(gops_sandbox_t *sb, const char *path, int nresults,
                                    gops_error_t *err)
{
    GOPS_ASSERT(sb != NULL && path != NULL);
    char *text = NULL;
    size_t len = 0;
    gops_status_t status = read_scenario(path, &text, &len, err);
    if (status != GOPS_OK) return status;

    // As the standalone interpreter does: skip a UTF-8 byte-order mark and a first line
    // starting with '#' (a "#!" line), keeping its newline so line numbers stay right.
    const char *code = text;
    size_t n = len;
    if (n >= 3 && memcmp(code, "\xEF\xBB\xBF", 3) == 0) {
        code += 3;
        n -= 3;
    }
    const char *first = code; // where a chunk proper starts, after any '#' line
    if (n > 0 && code[0] == '#') {
        while (n > 0 && code[0] != '\n') {
            code++;
            n--;
        }
        first = n > 0 ? code + 1 : code;
    }
    char *chunkname = NULL;
    if (first < text + len && first[0] == LUA_SIGNATURE[0]) {
        status = gops_error_set(err, GOPS_LUA_FORBIDDEN,
                                "%s: bytecode is not allowed (the file is a precompiled Lua "
                                "chunk; expected the scenario as Lua source text)",
                                path);
        goto cleanup;
    }
    size_t path_len = strlen(path);
    chunkname = malloc(path_len + 2);
    if (!chunkname) {
        status = gops_error_set(err, GOPS_NOMEM, "out of memory loading scenario %s", path);
        goto cleanup;
    }
    chunkname[0] = '@'; // "@path": messages read "path:line: message"
    memcpy(chunkname + 1, path, path_len + 1);
    if (!lua_checkstack(sb->L, 2)) {
        status = load_failure(sb, LUA_ERRMEM, path, err);
        goto cleanup;
    }
    int rc = luaL_loadbufferx(sb->L, code, n, chunkname, "t");
    if (rc != LUA_OK) {
        status = load_failure(sb, rc, path, err);
        goto cleanup;
    }
    free(text);
    text = NULL;
    status = gops_sandbox_call(sb, 0, nresults, MAIN_CONTEXT, err);
    // A memory abort has no line to show: name the file at least.
    if (status == GOPS_LUA_MEMORY && err) {
        size_t used = strlen(err->message);
        snprintf(err->message + used, sizeof err->message - used, " of %s", path);
    }
cleanup:
    free(chunkname);
    free(text);
    return status;
}

gops_status_t gops_sandbox_run_string(gops_sandbox_t *sb, const char *code, const char *name,
                                      int nresults, gops_error_t *err)
{
    GOPS_ASSERT(sb != NULL && code != NULL && name != NULL);
    if (code[0] == LUA_SIGNATURE[0])
        return gops_error_set(err, GOPS_LUA_FORBIDDEN,
                              "%s: bytecode is not allowed (expected Lua source text)", name);
    lua_State *L = sb->L;
    if (!lua_checkstack(L, 2)) return load_failure(sb, LUA_ERRMEM, name, err);
    // Built outside Lua: an allocation here must not raise outside a protected call.
    size_t name_len = strlen(name);
    char *chunkname = malloc(name_len + 2);
    if (!chunkname) return gops_error_set(err, GOPS_NOMEM, "out of memory loading %s", name);
    chunkname[0] = '='; // "=name": messages show the name as given
    memcpy(chunkname + 1, name, name_len + 1);
    int rc = luaL_loadbufferx(L, code, strlen(code), chunkname, "t");
    free(chunkname);
    if (rc != LUA_OK) return load_failure(sb, rc, name, err);
    return gops_sandbox_call(sb, 0, nresults, MAIN_CONTEXT, err);
}
