// SPDX-License-Identifier: MIT
// Check suite for scenario/sandbox: removed libraries and functions, bytecode refusal,
// memory cap and instruction budget (and that scenarios cannot catch them), strict
// globals, math.random on the world stream, message formats, and the state staying
// usable after every failure. Real bytecode comes from the host Lua API (lua_dump).
#include "fixture.h"

#include "core/log.h"
#include "core/rng.h"
#include "scenario/sandbox.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIB ((size_t)1 << 20)

static gops_rng_t rng;
static gops_sandbox_t *sb;
static lua_State *L;
static gops_error_t err;
static char tmpdir[512];

// Log lines captured from the sandbox (print, warn).
static char log_text[8192];
static gops_log_level_t log_last_level;

static void capture_log(gops_log_level_t level, const char *message, void *user)
{
    (void)user;
    if (level == GOPS_LOG_DEBUG) return; // tracebacks
    log_last_level = level;
    size_t used = strlen(log_text);
    snprintf(log_text + used, sizeof log_text - used, "%s\n", message);
}

static void open_sandbox(const gops_sandbox_limits_t *limits)
{
    gops_rng_seed(&rng, 42, GOPS_STREAM_SCENARIO);
    sb = gops_sandbox_create(limits, &rng, &err);
    ck_assert_msg(sb != NULL, "create failed: %s", err.message);
    L = gops_sandbox_state(sb);
}

static void setup(void)
{
    log_text[0] = '\0';
    gops_log_set_hook(capture_log, NULL);
    char *dir = gops_test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    snprintf(tmpdir, sizeof tmpdir, "%s", dir);
    free(dir);
    open_sandbox(NULL);
}

static void teardown(void)
{
    gops_sandbox_destroy(sb);
    sb = NULL;
    gops_log_set_hook(NULL, NULL);
}

// Replaces the fixture's sandbox with one under other limits.
static void reopen(size_t memory_bytes, uint64_t instructions)
{
    gops_sandbox_destroy(sb);
    gops_sandbox_limits_t limits = {memory_bytes, instructions};
    open_sandbox(&limits);
}

static gops_status_t run(const char *code, int nresults)
{
    return gops_sandbox_run_string(sb, code, "t.lua", nresults, &err);
}

static const char *tmp_path(const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static const char *write_tmp(const char *name, const char *text)
{
    const char *path = tmp_path(name);
    ck_assert_int_eq(gops_test_write_file(path, text), 0);
    return path;
}

#define ASSERT_STATUS(call, expected)                                                          \
    do {                                                                                       \
        gops_status_t got_ = (call);                                                           \
        ck_assert_msg(got_ == (expected), "status %s, expected %s; message: %s",              \
                      gops_status_text(got_), gops_status_text(expected), err.message);       \
        ck_assert_int_eq(err.status, (expected));                                              \
    } while (0)

#define ASSERT_HAS(text, part)                                                                 \
    ck_assert_msg(strstr((text), (part)) != NULL, "'%s' does not contain '%s'", (text), (part))

// A good call after a failure: the state is intact and the stack is clean.
static void assert_usable(void)
{
    ck_assert_int_eq(lua_gettop(L), 0);
    ASSERT_STATUS(run("local t = {} for i = 1, 10 do t[i] = i * i end return t[10] + #'abc'", 1),
                  GOPS_OK);
    ck_assert_int_eq(lua_gettop(L), 1);
    ck_assert_int_eq(lua_tointeger(L, -1), 103);
    lua_pop(L, 1);
}

static size_t collected_memory(void)
{
    lua_gc(L, LUA_GCCOLLECT, 0);
    return gops_sandbox_memory_used(sb);
}

// ---------------------------------------------------------------------------------------
// Removed libraries and functions

START_TEST(os_execute_is_refused)
{
    char code[2048];
    const char *marker = tmp_path("executed");
    snprintf(code, sizeof code, "os.execute(\"touch %s\")", marker);
    ASSERT_STATUS(run(code, 0), GOPS_LUA_FORBIDDEN);
    ck_assert_str_eq(err.message, "t.lua:1: 'os' is not available in scenarios (scenarios cannot "
                                  "run programs or read the wall clock; use the simulation clock) "
                                  "(in main chunk)");
    ck_assert_int_ne(access(marker, F_OK), 0); // the command never ran
    assert_usable();
}
END_TEST

START_TEST(io_open_is_refused)
{
    ASSERT_STATUS(run("local f = io.open('/etc/passwd')\nreturn f:read('a')", 1), GOPS_LUA_FORBIDDEN);
    ck_assert_str_eq(err.message, "t.lua:1: 'io' is not available in scenarios (scenarios cannot "
                                  "read or write files) (in main chunk)");
    assert_usable();
}
END_TEST

START_TEST(require_package_debug_are_refused)
{
    ASSERT_STATUS(run("local os = require('os')", 0), GOPS_LUA_FORBIDDEN);
    ASSERT_HAS(err.message, "t.lua:1: 'require' is not available in scenarios");
    ASSERT_STATUS(run("\nreturn package.loaded", 1), GOPS_LUA_FORBIDDEN);
    ASSERT_HAS(err.message, "t.lua:2: 'package' is not available in scenarios");
    ASSERT_STATUS(run("return debug.getinfo(1)", 1), GOPS_LUA_FORBIDDEN);
    ASSERT_HAS(err.message, "t.lua:1: 'debug' is not available in scenarios");
    // Not there at all, even read raw.
    ASSERT_STATUS(run("return rawget(_G, 'os'), rawget(_G, 'io'), rawget(_G, 'debug'), "
                      "rawget(_G, 'package'), rawget(_G, 'require'), rawget(_G, 'dofile'), "
                      "rawget(_G, 'loadfile'), rawget(string, 'dump'), rawget(math, 'randomseed')",
                      9),
                  GOPS_OK);
    for (int i = 1; i <= 9; i++) ck_assert_int_eq(lua_type(L, i), LUA_TNIL);
    lua_settop(L, 0);
    assert_usable();
}
END_TEST

START_TEST(dofile_and_loadfile_are_refused)
{
    const char *path = write_tmp("other.lua", "leaked = 1\n");
    char code[2048];
    snprintf(code, sizeof code, "dofile('%s')", path);
    ASSERT_STATUS(run(code, 0), GOPS_LUA_FORBIDDEN);
    ASSERT_HAS(err.message, "t.lua:1: 'dofile' is not available in scenarios");
    snprintf(code, sizeof code, "local f = loadfile('%s') f()", path);
    ASSERT_STATUS(run(code, 0), GOPS_LUA_FORBIDDEN);
    ASSERT_HAS(err.message, "t.lua:1: 'loadfile' is not available in scenarios");
    lua_getglobal(L, "leaked");
    ck_assert_int_eq(lua_type(L, -1), LUA_TNIL);
    lua_pop(L, 1);
    assert_usable();
}
END_TEST

START_TEST(collectgarbage_only_counts)
{
    ASSERT_STATUS(run("collectgarbage('stop')", 0), GOPS_LUA_FORBIDDEN);
    ck_assert_str_eq(err.message, "t.lua:1: 'collectgarbage(\"stop\")' is not available in "
                                  "scenarios (only collectgarbage(\"count\") is; the engine runs "
                                  "the collector) (in main chunk)");
    ASSERT_STATUS(run("collectgarbage()", 0), GOPS_LUA_FORBIDDEN);
    ASSERT_HAS(err.message, "'collectgarbage(\"collect\")' is not available");
    ASSERT_STATUS(run("return collectgarbage('count')", 1), GOPS_OK);
    double kib = lua_tonumber(L, -1);
    lua_pop(L, 1);
    double used_kib = (double)gops_sandbox_memory_used(sb) / 1024.0;
    // Sampled a moment apart, by the same allocator.
    ck_assert_msg(fabs(kib - used_kib) < 8.0, "count %.1f KiB, used %.1f KiB", kib, used_kib);
    ck_assert(kib > 10.0);
    assert_usable();
}
END_TEST

START_TEST(finalizers_are_refused)
{
    ASSERT_STATUS(run("setmetatable({}, {__gc = function() while true do end end})", 0),
                  GOPS_LUA_FORBIDDEN);
    ck_assert_str_eq(err.message, "t.lua:1: '__gc' metamethods are not available in scenarios "
                                  "(finalizers run outside the instruction budget) (in main chunk)");
    // Other metatables still work, and setmetatable returns its table.
    ASSERT_STATUS(run("local t = setmetatable({}, {__index = function(_, k) return k .. '!' end})\n"
                      "return t.go",
                      1),
                  GOPS_OK);
    ck_assert_str_eq(lua_tostring(L, -1), "go!");
    lua_pop(L, 1);
    assert_usable();
}
END_TEST

// ---------------------------------------------------------------------------------------
// Bytecode

static int write_chunk(lua_State *host, const void *p, size_t size, void *ud)
{
    (void)host;
    return fwrite(p, 1, size, ud) == size ? 0 : 1;
}

typedef struct byte_buffer {
    char data[4096];
    size_t len;
} byte_buffer_t;

static int append_chunk(lua_State *host, const void *p, size_t size, void *ud)
{
    (void)host;
    byte_buffer_t *b = ud;
    if (size > sizeof b->data - b->len) return 1;
    memcpy(b->data + b->len, p, size);
    b->len += size;
    return 0;
}

// Compiles `code` with a plain host state and writes its bytecode after `prefix`.
static void write_bytecode(const char *path, const char *prefix, const char *code)
{
    lua_State *host = luaL_newstate();
    ck_assert_int_eq(luaL_loadstring(host, code), LUA_OK);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(prefix, f);
    ck_assert_int_eq(lua_dump(host, write_chunk, f, 0), 0);
    ck_assert_int_eq(fclose(f), 0);
    lua_close(host);
}

START_TEST(bytecode_file_is_refused)
{
    const char *path = write_tmp("chunk.luac", "");
    char saved[1024];
    snprintf(saved, sizeof saved, "%s", path);
    write_bytecode(saved, "", "pwned = true return 42");

    // The file is genuine: a plain Lua state runs it.
    lua_State *host = luaL_newstate();
    ck_assert_int_eq(luaL_loadfilex(host, saved, "b"), LUA_OK);
    ck_assert_int_eq(lua_pcall(host, 0, 1, 0), LUA_OK);
    ck_assert_int_eq(lua_tointeger(host, -1), 42);
    lua_close(host);

    ASSERT_STATUS(gops_sandbox_run_file(sb, saved, 1, &err), GOPS_LUA_FORBIDDEN);
    char expected[1200];
    snprintf(expected, sizeof expected,
             "%s: bytecode is not allowed (the file is a precompiled Lua chunk; expected the "
             "scenario as Lua source text)",
             saved);
    ck_assert_str_eq(err.message, expected);
    ck_assert_int_eq(lua_gettop(L), 0);

    // Behind a "#!" line, as the standalone interpreter would accept it.
    write_bytecode(saved, "#!/usr/bin/env gridops run\n", "pwned = true return 42");
    ASSERT_STATUS(gops_sandbox_run_file(sb, saved, 1, &err), GOPS_LUA_FORBIDDEN);
    ASSERT_HAS(err.message, "bytecode is not allowed");
    lua_getglobal(L, "pwned");
    ck_assert_int_eq(lua_type(L, -1), LUA_TNIL);
    lua_pop(L, 1);
    assert_usable();
}
END_TEST

START_TEST(load_refuses_bytecode)
{
    // Real bytecode handed to the scenario as a string.
    lua_State *host = luaL_newstate();
    ck_assert_int_eq(luaL_loadstring(host, "return 42"), LUA_OK);
    static byte_buffer_t blob;
    ck_assert_int_eq(lua_dump(host, append_chunk, &blob, 0), 0);
    lua_close(host);
    ck_assert(blob.len > 4 && memcmp(blob.data, LUA_SIGNATURE, 4) == 0);
    lua_pushlstring(L, blob.data, blob.len);
    lua_setglobal(L, "blob");

    ASSERT_STATUS(run("return load(blob)", 2), GOPS_OK);
    ck_assert_int_eq(lua_type(L, 1), LUA_TNIL);
    ck_assert_str_eq(lua_tostring(L, 2), "bytecode is not allowed (scenarios load text chunks only)");
    lua_settop(L, 0);
    ASSERT_STATUS(run("return load('\\27Lua\\84\\0\\25\\147\\r\\n\\26\\n')", 2), GOPS_OK);
    ck_assert_int_eq(lua_type(L, 1), LUA_TNIL);
    ck_assert_str_eq(lua_tostring(L, 2), "bytecode is not allowed (scenarios load text chunks only)");
    lua_settop(L, 0);
    // Through a reader function, piece by piece.
    ASSERT_STATUS(run("local i = 0\n"
                      "return load(function() i = i + 1 return blob:sub(i * 4 - 3, i * 4) end)",
                      2),
                  GOPS_OK);
    ck_assert_int_eq(lua_type(L, 1), LUA_TNIL);
    ck_assert_str_eq(lua_tostring(L, 2), "bytecode is not allowed (scenarios load text chunks only)");
    lua_settop(L, 0);
    // Binary mode asked for explicitly.
    ASSERT_STATUS(run("return load('return 1', 'x', 'b')", 2), GOPS_OK);
    ck_assert_int_eq(lua_type(L, 1), LUA_TNIL);
    ASSERT_HAS(lua_tostring(L, 2), "bytecode is not allowed");
    lua_settop(L, 0);
    // string.dump, the usual way to make bytecode, is gone.
    ASSERT_STATUS(run("load(string.dump(function() end))", 0), GOPS_LUA_FORBIDDEN);
    ck_assert_str_eq(err.message, "t.lua:1: 'string.dump' is not available in scenarios "
                                  "(bytecode is not allowed) (in main chunk)");
    ASSERT_STATUS(run("local f = ('x').dump", 0), GOPS_LUA_FORBIDDEN);
    ASSERT_HAS(err.message, "'string.dump' is not available");
    assert_usable();
}
END_TEST

START_TEST(load_runs_text_in_the_sandbox)
{
    ASSERT_STATUS(run("return load('return 6 * 7')()", 1), GOPS_OK);
    ck_assert_int_eq(lua_tointeger(L, -1), 42);
    lua_pop(L, 1);
    ASSERT_STATUS(run("return load('return x', 'chunk', 't', {x = 5})()", 1), GOPS_OK);
    ck_assert_int_eq(lua_tointeger(L, -1), 5);
    lua_pop(L, 1);
    // The loaded chunk sees the sandbox's globals, removed names included.
    ASSERT_STATUS(run("return load('return os.getenv(\"HOME\")')()", 1), GOPS_LUA_FORBIDDEN);
    ASSERT_HAS(err.message, "'os' is not available");
    // A syntax error comes back as fail plus message, as in Lua.
    ASSERT_STATUS(run("return load('x = = 1', '=snippet')", 2), GOPS_OK);
    ck_assert_int_eq(lua_type(L, 1), LUA_TNIL);
    ck_assert_str_eq(lua_tostring(L, 2), "snippet:1: unexpected symbol near '='");
    lua_settop(L, 0);
    assert_usable();
}
END_TEST

// ---------------------------------------------------------------------------------------
// Memory cap

START_TEST(string_rep_bomb_hits_memory_cap)
{
    size_t baseline = collected_memory();
    ASSERT_STATUS(run("local s = string.rep('x', 1 << 30)\nreturn #s", 1), GOPS_LUA_MEMORY);
    ck_assert_str_eq(err.message, "scenario exceeded its memory cap (256 MiB) in main chunk");
    ck_assert_int_eq(lua_gettop(L), 0);
    ck_assert(gops_sandbox_memory_used(sb) <= 256 * MIB);
    size_t after = collected_memory();
    ck_assert_msg(after <= baseline + 4096, "baseline %zu, after %zu", baseline, after);
    assert_usable();
}
END_TEST

START_TEST(memory_cap_cannot_be_caught)
{
    // pcall catches Lua's "not enough memory", but the call still fails, whether more code
    // follows or the chunk returns at once.
    ASSERT_STATUS(run("local ok = pcall(string.rep, 'x', 1 << 30)\n"
                      "local n = 0 for i = 1, 100000 do n = n + i end\nreturn ok, n",
                      2),
                  GOPS_LUA_MEMORY);
    ck_assert_int_eq(lua_gettop(L), 0);
    ASSERT_STATUS(run("return pcall(string.rep, 'x', 1 << 30)", 2), GOPS_LUA_MEMORY);
    ck_assert_int_eq(lua_gettop(L), 0);
    assert_usable();
}
END_TEST

START_TEST(growing_table_hits_memory_cap)
{
    reopen(16 * MIB, 100000000);
    size_t baseline = collected_memory();
    const char *path = write_tmp("grow.lua", "function grow()\n"
                                             "  local t, i = {}, 0\n"
                                             "  while true do i = i + 1 t[i] = {i} end\n"
                                             "end\n");
    ASSERT_STATUS(gops_sandbox_run_file(sb, path, 0, &err), GOPS_OK);
    lua_getglobal(L, "grow");
    ASSERT_STATUS(gops_sandbox_call(sb, 0, 0, "every 15m", &err), GOPS_LUA_MEMORY);
    ck_assert_str_eq(err.message, "scenario exceeded its memory cap (16 MiB) in every 15m");
    ck_assert_int_eq(lua_gettop(L), 0);
    ck_assert(gops_sandbox_memory_used(sb) <= 16 * MIB);
    // The table was local to the failed call: a collection gives its memory back.
    size_t after = collected_memory();
    ck_assert_msg(after <= baseline + 8192, "baseline %zu, after %zu", baseline, after);
    assert_usable();
    // And the same bomb can go off again, with the same result.
    lua_getglobal(L, "grow");
    ASSERT_STATUS(gops_sandbox_call(sb, 0, 0, "every 15m", &err), GOPS_LUA_MEMORY);
    assert_usable();
}
END_TEST

START_TEST(garbage_near_the_cap_is_collected_not_refused)
{
    // 40 MiB of short-lived 1 MiB strings under a 16 MiB cap: the collector frees them
    // (an emergency collection when needed), and the call succeeds.
    reopen(16 * MIB, 100000000);
    ASSERT_STATUS(run("local total = 0\n"
                      "for i = 1, 40 do local s = string.rep('x', 1 << 20) .. i total = total + #s end\n"
                      "return total",
                      1),
                  GOPS_OK);
    ck_assert_int_eq(lua_tointeger(L, -1), 40 * (1 << 20) + 9 * 1 + 31 * 2);
    lua_pop(L, 1);
    // With the collector stopped, 32 MiB of dead arrays pile up until a request is
    // refused; Lua then collects in an emergency and retries, and the retry succeeding
    // must not count as exceeding the cap.
    lua_gc(L, LUA_GCSTOP, 0);
    ASSERT_STATUS(run("local n = 0\n"
                      "for i = 1, 2000 do local t = {} for j = 1, 1000 do t[j] = j end n = n + #t end\n"
                      "return n",
                      1),
                  GOPS_OK);
    ck_assert_int_eq(lua_tointeger(L, -1), 2000000);
    lua_pop(L, 1);
    lua_gc(L, LUA_GCRESTART, 0);
    assert_usable();
}
END_TEST

// ---------------------------------------------------------------------------------------
// Instruction budget

START_TEST(endless_loop_hits_budget_with_location)
{
    reopen(256 * MIB, 1000000);
    const char *path = write_tmp("spin.lua", "-- a hook that never returns\n"
                                             "local n = 0\n"
                                             "function spin()\n"
                                             "  while true do n = n + 1 end\n"
                                             "end\n"
                                             "function ok() return n > 0 end\n");
    char saved[1024];
    snprintf(saved, sizeof saved, "%s", path);
    ASSERT_STATUS(gops_sandbox_run_file(sb, saved, 0, &err), GOPS_OK);
    lua_getglobal(L, "spin");
    ASSERT_STATUS(gops_sandbox_call(sb, 0, 0, "every 15m", &err), GOPS_LUA_BUDGET);
    char expected[1200];
    snprintf(expected, sizeof expected,
             "scenario exceeded its instruction budget (1000000 instructions) in every 15m at %s:4",
             saved);
    ck_assert_str_eq(err.message, expected);
    ck_assert_int_eq(lua_gettop(L), 0);
    // The next call has a fresh budget; the loop's effects before the abort stay.
    lua_getglobal(L, "ok");
    ASSERT_STATUS(gops_sandbox_call(sb, 0, 1, "at 17:00", &err), GOPS_OK);
    ck_assert(lua_toboolean(L, -1));
    lua_pop(L, 1);
    assert_usable();
}
END_TEST

START_TEST(endless_main_chunk_hits_budget)
{
    reopen(256 * MIB, 1000000);
    const char *path = write_tmp("main.lua", "local x = 0\nwhile true do x = x + 1 end\n");
    char saved[1024];
    snprintf(saved, sizeof saved, "%s", path);
    ASSERT_STATUS(gops_sandbox_run_file(sb, saved, 0, &err), GOPS_LUA_BUDGET);
    char expected[1200];
    snprintf(expected, sizeof expected,
             "scenario exceeded its instruction budget (1000000 instructions) in main chunk at %s:2",
             saved);
    ck_assert_str_eq(err.message, expected);
    assert_usable();
}
END_TEST

START_TEST(budget_cannot_be_caught)
{
    reopen(256 * MIB, 1000000);
    ASSERT_STATUS(run("while true do pcall(function() while true do end end) end", 0), GOPS_LUA_BUDGET);
    ASSERT_HAS(err.message, "(1000000 instructions) in main chunk at t.lua:1");
    // An escape right after the handler returns still fails the call.
    ASSERT_STATUS(run("xpcall(function() while true do end end, function(m) return m end)\n"
                      "return 'escaped'",
                      1),
                  GOPS_LUA_BUDGET);
    ck_assert_int_eq(lua_gettop(L), 0);
    // Nor can a coroutine hide the loop: each new one inherits the hook.
    ASSERT_STATUS(run("while true do\n"
                      "  coroutine.resume(coroutine.create(function() while true do end end))\n"
                      "end",
                      0),
                  GOPS_LUA_BUDGET);
    ASSERT_STATUS(run("local co = coroutine.wrap(function() local i = 0 while true do i = i + 1 end end)\n"
                      "co()",
                      0),
                  GOPS_LUA_BUDGET);
    ASSERT_HAS(err.message, "in main chunk at t.lua:1");
    assert_usable();
}
END_TEST

START_TEST(budget_is_per_call)
{
    reopen(256 * MIB, 1000000);
    // About 300,000 instructions a call: five calls in a row each fit.
    ASSERT_STATUS(run("function work() local s = 0 for i = 1, 150000 do s = s + i end return s end", 0),
                  GOPS_OK);
    for (int k = 0; k < 5; k++) {
        lua_getglobal(L, "work");
        ASSERT_STATUS(gops_sandbox_call(sb, 0, 1, "every 1m", &err), GOPS_OK);
        ck_assert_int_eq(lua_tointeger(L, -1), (lua_Integer)150000 * 150001 / 2);
        lua_pop(L, 1);
    }
    // Four times the work in one call does not fit.
    ASSERT_STATUS(run("local s = 0 for i = 1, 600000 do s = s + i end return s", 1), GOPS_LUA_BUDGET);
}
END_TEST

START_TEST(c_loops_are_charged)
{
    reopen(256 * MIB, 1000000);
    ASSERT_STATUS(run("table.move({}, 1, 1 << 40, 1, {})", 0), GOPS_LUA_BUDGET);
    ck_assert_str_eq(err.message, "scenario exceeded its instruction budget (1000000 instructions) "
                                  "in main chunk at t.lua:1");
    ASSERT_STATUS(run("local t = setmetatable({}, {__len = function() return 1 << 40 end})\n"
                      "table.insert(t, 1, 'x')",
                      0),
                  GOPS_LUA_BUDGET);
    ASSERT_HAS(err.message, "at t.lua:2");
    ASSERT_STATUS(run("local t = setmetatable({}, {__len = function() return 1 << 40 end})\n"
                      "table.remove(t, 1)",
                      0),
                  GOPS_LUA_BUDGET);
    ASSERT_STATUS(run("return table.concat({}, '', 1, 1 << 40)", 1), GOPS_LUA_BUDGET);
    ASSERT_STATUS(run("local t = setmetatable({}, {__len = function() return 1 << 30 end})\n"
                      "table.sort(t, rawequal)",
                      0),
                  GOPS_LUA_RUNTIME);
    ASSERT_HAS(err.message, "t.lua:2: table.sort of a table with a __len metamethod is not supported");
    // string.rep of nothing is instant, however many times.
    ASSERT_STATUS(run("return string.rep('', 1 << 50)", 1), GOPS_OK);
    ck_assert_str_eq(lua_tostring(L, -1), "");
    lua_pop(L, 1);
    assert_usable();
}
END_TEST

START_TEST(table_functions_keep_lua_semantics)
{
    ASSERT_STATUS(run("local t = {1, 2, 3}\n"
                      "table.insert(t, 4)\n"
                      "table.insert(t, 1, 0)\n"
                      "local last = table.remove(t)\n"
                      "local first = table.remove(t, 1)\n"
                      "local none = table.remove({})\n"
                      "local m = table.move({1, 2, 3}, 1, 3, 2)\n"
                      "local s = {5, 3, 9, 1}\n"
                      "table.sort(s)\n"
                      "table.sort(s, function(a, b) return a > b end)\n"
                      "return table.concat(t, ','), last, first, none, table.concat(m, ','),\n"
                      "       table.concat(s, ','), table.concat({1, 2, 3}, '-', 2)",
                      7),
                  GOPS_OK);
    ck_assert_str_eq(lua_tostring(L, 1), "1,2,3");
    ck_assert_int_eq(lua_tointeger(L, 2), 4);
    ck_assert_int_eq(lua_tointeger(L, 3), 0);
    ck_assert_int_eq(lua_type(L, 4), LUA_TNIL);
    ck_assert_str_eq(lua_tostring(L, 5), "1,1,2,3");
    ck_assert_str_eq(lua_tostring(L, 6), "9,5,3,1");
    ck_assert_str_eq(lua_tostring(L, 7), "2-3");
    lua_settop(L, 0);
    ASSERT_STATUS(run("table.insert({1}, 5, 'x')", 0), GOPS_LUA_RUNTIME);
    ck_assert_str_eq(err.message,
                     "t.lua:1: bad argument #2 to 'insert' (position out of bounds) (in main chunk)");
    ASSERT_STATUS(run("table.insert({1})", 0), GOPS_LUA_RUNTIME);
    ASSERT_HAS(err.message, "wrong number of arguments to 'insert'");
    ASSERT_STATUS(run("table.remove({1, 2}, 7)", 0), GOPS_LUA_RUNTIME);
    ASSERT_HAS(err.message, "bad argument #2 to 'remove' (position out of bounds)");
    ASSERT_STATUS(run("table.concat({1, {}, 3})", 0), GOPS_LUA_RUNTIME);
    ASSERT_HAS(err.message, "at index 2 in table for 'concat'");
    assert_usable();
}
END_TEST

START_TEST(destroy_is_bounded)
{
    // A coroutine left suspended mid-loop, and a state under a tiny budget: closing must
    // not run scenario code forever (there are no finalizers to run).
    reopen(256 * MIB, 1000);
    ASSERT_STATUS(run("co = coroutine.create(function() while true do coroutine.yield() end end)\n"
                      "coroutine.resume(co)",
                      0),
                  GOPS_OK);
    ck_assert(gops_sandbox_memory_used(sb) > 0);
}
END_TEST

// ---------------------------------------------------------------------------------------
// Metatables, _ENV and strict globals

START_TEST(string_metatable_is_protected)
{
    ASSERT_STATUS(run("return getmetatable('')", 1), GOPS_OK);
    ck_assert_int_eq(lua_type(L, -1), LUA_TBOOLEAN);
    ck_assert(!lua_toboolean(L, -1));
    lua_pop(L, 1);
    ASSERT_STATUS(run("getmetatable('').__index = nil", 0), GOPS_LUA_RUNTIME);
    ck_assert_str_eq(err.message,
                     "t.lua:1: attempt to index a boolean value (in main chunk)");
    ASSERT_STATUS(run("setmetatable('', {})", 0), GOPS_LUA_RUNTIME);
    ASSERT_HAS(err.message, "bad argument #1 to 'setmetatable' (table expected, got string)");
    ASSERT_STATUS(run("return getmetatable(string), getmetatable(math), getmetatable(_G)", 3), GOPS_OK);
    for (int i = 1; i <= 3; i++) {
        ck_assert_int_eq(lua_type(L, i), LUA_TBOOLEAN);
        ck_assert(!lua_toboolean(L, i));
    }
    lua_settop(L, 0);
    ASSERT_STATUS(run("setmetatable(_G, nil)", 0), GOPS_LUA_RUNTIME);
    ASSERT_HAS(err.message, "cannot change a protected metatable");
    // Strings still have their methods.
    ASSERT_STATUS(run("return ('abc'):upper(), ('%d'):format(7)", 2), GOPS_OK);
    ck_assert_str_eq(lua_tostring(L, 1), "ABC");
    ck_assert_str_eq(lua_tostring(L, 2), "7");
    lua_settop(L, 0);
    assert_usable();
}
END_TEST

START_TEST(env_tricks_reach_nothing)
{
    ASSERT_STATUS(run("local env = setmetatable({}, {__index = _G})\nreturn env.os", 1),
                  GOPS_LUA_FORBIDDEN);
    ASSERT_HAS(err.message, "t.lua:2: 'os' is not available");
    ASSERT_STATUS(run("return load('return io', 'x', 't', setmetatable({}, {__index = _G}))()", 1),
                  GOPS_LUA_FORBIDDEN);
    ASSERT_STATUS(run("local _ENV = {print = print}\nreturn os, io", 2), GOPS_OK);
    ck_assert_int_eq(lua_type(L, 1), LUA_TNIL);
    ck_assert_int_eq(lua_type(L, 2), LUA_TNIL);
    lua_settop(L, 0);
    ASSERT_STATUS(run("return _G == _ENV, _G._G == _G", 2), GOPS_OK);
    ck_assert(lua_toboolean(L, 1) && lua_toboolean(L, 2));
    lua_settop(L, 0);

    // Everything reachable by raw traversal from the globals: exactly the safe set (less
    // the 5.3 math functions that some Lua builds keep for compatibility).
    ASSERT_STATUS(run("local compat = {atan2 = 1, cosh = 1, frexp = 1, ldexp = 1, log10 = 1,\n"
                      "                pow = 1, sinh = 1, tanh = 1}\n"
                      "local names = {}\n"
                      "for k, v in next, _G do\n"
                      "  if type(v) == 'table' and v ~= _G then\n"
                      "    for f in next, v do\n"
                      "      if not (v == math and compat[f]) then names[#names + 1] = k .. '.' .. f end\n"
                      "    end\n"
                      "  else names[#names + 1] = k end\n"
                      "end\n"
                      "table.sort(names)\n"
                      "return table.concat(names, ' ')",
                      1),
                  GOPS_OK);
    ck_assert_str_eq(
        lua_tostring(L, -1),
        "_G _VERSION assert collectgarbage "
        "coroutine.close coroutine.create coroutine.isyieldable coroutine.resume coroutine.running "
        "coroutine.status coroutine.wrap coroutine.yield error getmetatable ipairs load "
        "math.abs math.acos math.asin math.atan math.ceil math.cos math.deg math.exp math.floor "
        "math.fmod math.huge math.log math.max math.maxinteger math.min math.mininteger math.modf "
        "math.pi math.rad math.random math.sin math.sqrt math.tan math.tointeger math.type "
        "math.ult next pairs pcall print rawequal rawget rawlen rawset select setmetatable "
        "string.byte string.char string.find string.format string.gmatch string.gsub string.len "
        "string.lower string.match string.pack string.packsize string.rep string.reverse "
        "string.sub string.unpack string.upper "
        "table.concat table.insert table.move table.pack table.remove table.sort table.unpack "
        "tonumber tostring type "
        "utf8.char utf8.charpattern utf8.codepoint utf8.codes utf8.len utf8.offset warn xpcall");
    lua_pop(L, 1);
    assert_usable();
}
END_TEST

START_TEST(undeclared_global_read_is_an_error)
{
    ASSERT_STATUS(run("local y = undefined_thing", 0), GOPS_LUA_RUNTIME);
    ck_assert_str_eq(err.message, "t.lua:1: undeclared global 'undefined_thing' (in main chunk)");
    const char *path = write_tmp("typo.lua", "local limit = 4\n"
                                             "function check(density)\n"
                                             "  return density > limt\n"
                                             "end\n");
    char saved[1024];
    snprintf(saved, sizeof saved, "%s", path);
    ASSERT_STATUS(gops_sandbox_run_file(sb, saved, 0, &err), GOPS_OK);
    lua_getglobal(L, "check");
    lua_pushnumber(L, 4.5);
    ASSERT_STATUS(gops_sandbox_call(sb, 1, 1, "on density_warning", &err), GOPS_LUA_RUNTIME);
    char expected[1200];
    snprintf(expected, sizeof expected, "%s:3: undeclared global 'limt' (in on density_warning)", saved);
    ck_assert_str_eq(err.message, expected);
    ck_assert_int_eq(lua_gettop(L), 0);
    // The host reads an absent global as nil, without an error.
    ck_assert_int_eq(lua_getglobal(L, "limt"), LUA_TNIL);
    lua_pop(L, 1);
    assert_usable();
}
END_TEST

START_TEST(globals_are_defined_at_top_level_only)
{
    ASSERT_STATUS(run("counter = 0\n"
                      "flag = nil\n"
                      "function bump() counter = counter + 1 return counter end\n"
                      "function raise_flag() flag = true end\n"
                      "function sneak() sneaky = 1 end\n",
                      0),
                  GOPS_OK);
    for (int k = 1; k <= 2; k++) {
        lua_getglobal(L, "bump");
        ASSERT_STATUS(gops_sandbox_call(sb, 0, 1, "every 1m", &err), GOPS_OK);
        ck_assert_int_eq(lua_tointeger(L, -1), k);
        lua_pop(L, 1);
    }
    // Declared at top level (even as nil): functions may assign it later.
    lua_getglobal(L, "raise_flag");
    ASSERT_STATUS(gops_sandbox_call(sb, 0, 0, "at 17:00", &err), GOPS_OK);
    ck_assert_int_eq(lua_getglobal(L, "flag"), LUA_TBOOLEAN);
    lua_pop(L, 1);
    // Never declared: a function may not create it.
    lua_getglobal(L, "sneak");
    ASSERT_STATUS(gops_sandbox_call(sb, 0, 0, "at 17:00", &err), GOPS_LUA_RUNTIME);
    ck_assert_str_eq(err.message,
                     "t.lua:5: assignment to undeclared global 'sneaky' inside a function (define "
                     "it at the top level of the scenario, or make it local) (in at 17:00)");
    ck_assert_int_eq(lua_getglobal(L, "sneaky"), LUA_TNIL);
    lua_pop(L, 1);
    assert_usable();
}
END_TEST

START_TEST(allowed_globals_may_be_read_and_set)
{
    gops_sandbox_allow_global(sb, "result");
    ASSERT_STATUS(run("function f() local before = result result = 5 return before end", 0), GOPS_OK);
    lua_getglobal(L, "f");
    ASSERT_STATUS(gops_sandbox_call(sb, 0, 1, "at 17:00", &err), GOPS_OK);
    ck_assert_int_eq(lua_type(L, -1), LUA_TNIL);
    lua_pop(L, 1);
    ck_assert_int_eq(lua_getglobal(L, "result"), LUA_TNUMBER);
    ck_assert_int_eq(lua_tointeger(L, -1), 5);
    lua_pop(L, 1);
}
END_TEST

// ---------------------------------------------------------------------------------------
// math.random

// The draws the script below makes, computed from a stream seeded the same way.
static void reference_draws(uint64_t seed, char *out, size_t size)
{
    gops_rng_t r;
    gops_rng_seed(&r, seed, GOPS_STREAM_SCENARIO);
    size_t n = 0;
    for (int i = 0; i < 50; i++)
        n += (size_t)snprintf(out + n, size - n, "%" PRIu64 " ", 1 + gops_rng_below(&r, 6));
    for (int i = 0; i < 5; i++)
        n += (size_t)snprintf(out + n, size - n, "%" PRIu64 " ", 1 + gops_rng_below(&r, 10));
    n += (size_t)snprintf(out + n, size - n, "%" PRId64 " ", -3 + (int64_t)gops_rng_below(&r, 7));
    n += (size_t)snprintf(out + n, size - n, "%" PRId64 " ", (int64_t)gops_rng_next(&r));
    n += (size_t)snprintf(out + n, size - n, "%.17g ", gops_rng_uniform(&r));
    // Full range: mininteger + r, wrapping (the unsigned sum, read back as signed).
    n += (size_t)snprintf(out + n, size - n, "%" PRId64 " ",
                          (int64_t)((uint64_t)INT64_MIN + gops_rng_next(&r)));
    snprintf(out + n, size - n, "3");
}

static const char *const draws_script =
    "local out = {}\n"
    "for i = 1, 50 do out[#out + 1] = math.random(1, 6) end\n"
    "for i = 1, 5 do out[#out + 1] = math.random(10) end\n"
    "out[#out + 1] = math.random(-3, 3)\n"
    "out[#out + 1] = math.random(0)\n"
    "out[#out + 1] = string.format('%.17g', math.random())\n"
    "out[#out + 1] = math.random(math.mininteger, math.maxinteger)\n"
    "out[#out + 1] = math.random(3, 3)\n"
    "return table.concat(out, ' ')";

START_TEST(math_random_follows_the_stream)
{
    char expected[4096];
    reference_draws(42, expected, sizeof expected);
    ASSERT_STATUS(run(draws_script, 1), GOPS_OK);
    ck_assert_str_eq(lua_tostring(L, -1), expected);
    lua_pop(L, 1);

    // A second sandbox on an equally seeded stream draws the same; another seed differs.
    gops_rng_t other;
    gops_rng_seed(&other, 42, GOPS_STREAM_SCENARIO);
    gops_sandbox_t *twin = gops_sandbox_create(NULL, &other, &err);
    ck_assert_ptr_nonnull(twin);
    ASSERT_STATUS(gops_sandbox_run_string(twin, draws_script, "twin.lua", 1, &err), GOPS_OK);
    ck_assert_str_eq(lua_tostring(gops_sandbox_state(twin), -1), expected);
    gops_rng_seed(&other, 43, GOPS_STREAM_SCENARIO);
    ASSERT_STATUS(gops_sandbox_run_string(twin, draws_script, "twin.lua", 1, &err), GOPS_OK);
    ck_assert_str_ne(lua_tostring(gops_sandbox_state(twin), -1), expected);
    gops_sandbox_destroy(twin);

    // gops_sandbox_set_rng points math.random at another stream.
    gops_rng_t moved;
    gops_rng_seed(&moved, 42, GOPS_STREAM_SCENARIO);
    gops_sandbox_set_rng(sb, &moved);
    ASSERT_STATUS(run(draws_script, 1), GOPS_OK);
    ck_assert_str_eq(lua_tostring(L, -1), expected);
    lua_pop(L, 1);
}
END_TEST

START_TEST(math_random_argument_errors)
{
    ASSERT_STATUS(run("return math.random(2, 1)", 1), GOPS_LUA_RUNTIME);
    ck_assert_str_eq(err.message,
                     "t.lua:1: bad argument #1 to 'random' (interval is empty) (in main chunk)");
    ASSERT_STATUS(run("return math.random(0 - 5)", 1), GOPS_LUA_RUNTIME);
    ASSERT_HAS(err.message, "bad argument #1 to 'random' (interval is empty)");
    ASSERT_STATUS(run("return math.random(1, 2, 3)", 1), GOPS_LUA_RUNTIME);
    ASSERT_HAS(err.message, "t.lua:1: wrong number of arguments");
    ASSERT_STATUS(run("return math.random(2.5)", 1), GOPS_LUA_RUNTIME);
    ASSERT_HAS(err.message, "bad argument #1 to 'random' (number has no integer representation)");
    // A failed call draws nothing: the stream is where it started.
    gops_rng_t fresh;
    gops_rng_seed(&fresh, 42, GOPS_STREAM_SCENARIO);
    ck_assert_mem_eq(&rng, &fresh, sizeof rng);
    assert_usable();
}
END_TEST

START_TEST(math_randomseed_is_absent)
{
    ASSERT_STATUS(run("math.randomseed(1234)", 0), GOPS_LUA_FORBIDDEN);
    ck_assert_str_eq(err.message,
                     "t.lua:1: 'math.randomseed' is not available in scenarios (math.random draws "
                     "from the scenario's own stream, seeded by the scenario's seed) (in main chunk)");
    ASSERT_STATUS(run("return rawget(math, 'randomseed'), math.nosuchthing", 2), GOPS_OK);
    ck_assert_int_eq(lua_type(L, 1), LUA_TNIL);
    ck_assert_int_eq(lua_type(L, 2), LUA_TNIL);
    lua_settop(L, 0);
    assert_usable();
}
END_TEST

// ---------------------------------------------------------------------------------------
// Messages, stack contract, print

START_TEST(syntax_error_names_path_and_line)
{
    const char *path = write_tmp("bad.lua", "local a = 1\nlocal b = = 2\n");
    char saved[1024];
    snprintf(saved, sizeof saved, "%s", path);
    ASSERT_STATUS(gops_sandbox_run_file(sb, saved, 0, &err), GOPS_LUA_SYNTAX);
    char expected[1200];
    snprintf(expected, sizeof expected, "%s:2: unexpected symbol near '='", saved);
    ck_assert_str_eq(err.message, expected);
    ck_assert_int_eq(lua_gettop(L), 0);
    ASSERT_STATUS(gops_sandbox_run_string(sb, "x = 1\n\nif x then", "inline", 0, &err), GOPS_LUA_SYNTAX);
    ck_assert_str_eq(err.message, "inline:3: 'end' expected near <eof>");
    // A missing file is an I/O error naming it.
    ASSERT_STATUS(gops_sandbox_run_file(sb, tmp_path("absent.lua"), 0, &err), GOPS_IO);
    ASSERT_HAS(err.message, "absent.lua: No such file or directory");
    assert_usable();
}
END_TEST

START_TEST(runtime_error_names_context)
{
    const char *path = write_tmp("boom.lua", "function boom(what)\n"
                                             "  error(what .. ' burst')\n"
                                             "end\n");
    char saved[1024];
    snprintf(saved, sizeof saved, "%s", path);
    ASSERT_STATUS(gops_sandbox_run_file(sb, saved, 0, &err), GOPS_OK);
    lua_getglobal(L, "boom");
    lua_pushstring(L, "pipe");
    ASSERT_STATUS(gops_sandbox_call(sb, 1, 0, "at 17:00", &err), GOPS_LUA_RUNTIME);
    char expected[1200];
    snprintf(expected, sizeof expected, "%s:2: pipe burst (in at 17:00)", saved);
    ck_assert_str_eq(err.message, expected);
    assert_usable();
}
END_TEST

START_TEST(non_string_errors_are_described)
{
    ASSERT_STATUS(run("error({code = 1})", 0), GOPS_LUA_RUNTIME);
    ck_assert_str_eq(err.message, "t.lua:1: (error object is a table value) (in main chunk)");
    ASSERT_STATUS(run("\nerror()", 0), GOPS_LUA_RUNTIME);
    ck_assert_str_eq(err.message, "t.lua:2: (error object is a nil value) (in main chunk)");
    ASSERT_STATUS(run("error(42)", 0), GOPS_LUA_RUNTIME);
    ck_assert_str_eq(err.message, "t.lua:1: 42 (in main chunk)");
    ASSERT_STATUS(run("error(setmetatable({}, {__tostring = function() return 'custom' end}))", 0),
                  GOPS_LUA_RUNTIME);
    ck_assert_str_eq(err.message, "t.lua:1: custom (in main chunk)");
    ASSERT_STATUS(run("error('no position', 0)", 0), GOPS_LUA_RUNTIME);
    ck_assert_str_eq(err.message, "no position (in main chunk)");
    ASSERT_STATUS(run("local function f() return 1 + f() end\nreturn f()", 1), GOPS_LUA_RUNTIME);
    ASSERT_HAS(err.message, "stack overflow");
    assert_usable();
}
END_TEST

START_TEST(call_leaves_results_or_nothing)
{
    ASSERT_STATUS(run("function pair(a, b) return a + b, a * b end\n"
                      "function fail(a) error('no ' .. a) end",
                      0),
                  GOPS_OK);
    lua_pushliteral(L, "sentinel");
    lua_getglobal(L, "pair");
    lua_pushinteger(L, 3);
    lua_pushinteger(L, 4);
    ASSERT_STATUS(gops_sandbox_call(sb, 2, 2, "test", &err), GOPS_OK);
    ck_assert_str_eq(err.message, "");
    ck_assert_int_eq(lua_gettop(L), 3);
    ck_assert_int_eq(lua_tointeger(L, 2), 7);
    ck_assert_int_eq(lua_tointeger(L, 3), 12);
    lua_settop(L, 1);
    lua_getglobal(L, "pair");
    lua_pushinteger(L, 1);
    lua_pushinteger(L, 2);
    ASSERT_STATUS(gops_sandbox_call(sb, 2, LUA_MULTRET, "test", &err), GOPS_OK);
    ck_assert_int_eq(lua_gettop(L), 3);
    lua_settop(L, 1);
    lua_getglobal(L, "fail");
    lua_pushliteral(L, "water");
    ASSERT_STATUS(gops_sandbox_call(sb, 1, 2, "test", &err), GOPS_LUA_RUNTIME);
    ck_assert_str_eq(err.message, "t.lua:2: no water (in test)");
    ck_assert_int_eq(lua_gettop(L), 1);
    ck_assert_str_eq(lua_tostring(L, 1), "sentinel");
    lua_settop(L, 0);
}
END_TEST

START_TEST(print_and_warn_go_to_the_log)
{
    ASSERT_STATUS(run("local x = 42\nprint('hello', x, nil, true)\nwarn('low ', 'stock')", 0), GOPS_OK);
    ck_assert_str_eq(log_text, "t.lua:2: hello\t42\tnil\ttrue\nscenario warning: low stock\n");
    ck_assert_int_eq(log_last_level, GOPS_LOG_WARN);
    log_text[0] = '\0';
    ASSERT_STATUS(run("print('only')", 0), GOPS_OK);
    ck_assert_str_eq(log_text, "t.lua:1: only\n");
    ck_assert_int_eq(log_last_level, GOPS_LOG_INFO);
}
END_TEST

// ---------------------------------------------------------------------------------------
// Limits

START_TEST(bad_limits_are_refused)
{
    gops_sandbox_limits_t limits = {256 * MIB, 0};
    gops_error_t e;
    ck_assert_ptr_null(gops_sandbox_create(&limits, &rng, &e));
    ck_assert_int_eq(e.status, GOPS_BAD_VALUE);
    ASSERT_HAS(e.message, "instruction budget is 0");
    limits = (gops_sandbox_limits_t){1024, 1000};
    ck_assert_ptr_null(gops_sandbox_create(&limits, &rng, &e));
    ck_assert_int_eq(e.status, GOPS_BAD_VALUE);
    ASSERT_HAS(e.message, "memory cap (1 KiB)");
    gops_sandbox_limits_t d = gops_sandbox_limits_default();
    ck_assert_uint_eq(d.memory_bytes, 256 * MIB);
    ck_assert_uint_eq(d.instructions_per_call, 100000000u);
}
END_TEST

START_TEST(set_limits_applies_to_later_calls)
{
    gops_sandbox_limits_t limits = {8 * MIB, 1000000};
    gops_sandbox_set_limits(sb, &limits);
    ASSERT_STATUS(run("while true do end", 0), GOPS_LUA_BUDGET);
    ASSERT_HAS(err.message, "(1000000 instructions) in main chunk at t.lua:1");
    ASSERT_STATUS(run("local t = {} for i = 1, 1e7 do t[i] = i end", 0), GOPS_LUA_MEMORY);
    ck_assert_str_eq(err.message, "scenario exceeded its memory cap (8 MiB) in main chunk");
    // A cap below what is in use becomes the bytes in use: after a collection (so no
    // garbage can make room), nothing more fits.
    lua_gc(L, LUA_GCCOLLECT, 0);
    limits.memory_bytes = 1;
    gops_sandbox_set_limits(sb, &limits);
    ASSERT_STATUS(run("local t = {} for i = 1, 1000 do t[i] = {} end", 0), GOPS_LUA_MEMORY);
    limits.memory_bytes = 256 * MIB;
    gops_sandbox_set_limits(sb, &limits);
    assert_usable();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sandbox");
    TCase *tc = tcase_create("sandbox");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, os_execute_is_refused);
    tcase_add_test(tc, io_open_is_refused);
    tcase_add_test(tc, require_package_debug_are_refused);
    tcase_add_test(tc, dofile_and_loadfile_are_refused);
    tcase_add_test(tc, collectgarbage_only_counts);
    tcase_add_test(tc, finalizers_are_refused);
    tcase_add_test(tc, bytecode_file_is_refused);
    tcase_add_test(tc, load_refuses_bytecode);
    tcase_add_test(tc, load_runs_text_in_the_sandbox);
    tcase_add_test(tc, string_rep_bomb_hits_memory_cap);
    tcase_add_test(tc, memory_cap_cannot_be_caught);
    tcase_add_test(tc, growing_table_hits_memory_cap);
    tcase_add_test(tc, garbage_near_the_cap_is_collected_not_refused);
    tcase_add_test(tc, endless_loop_hits_budget_with_location);
    tcase_add_test(tc, endless_main_chunk_hits_budget);
    tcase_add_test(tc, budget_cannot_be_caught);
    tcase_add_test(tc, budget_is_per_call);
    tcase_add_test(tc, c_loops_are_charged);
    tcase_add_test(tc, table_functions_keep_lua_semantics);
    tcase_add_test(tc, destroy_is_bounded);
    tcase_add_test(tc, string_metatable_is_protected);
    tcase_add_test(tc, env_tricks_reach_nothing);
    tcase_add_test(tc, undeclared_global_read_is_an_error);
    tcase_add_test(tc, globals_are_defined_at_top_level_only);
    tcase_add_test(tc, allowed_globals_may_be_read_and_set);
    tcase_add_test(tc, math_random_follows_the_stream);
    tcase_add_test(tc, math_random_argument_errors);
    tcase_add_test(tc, math_randomseed_is_absent);
    tcase_add_test(tc, syntax_error_names_path_and_line);
    tcase_add_test(tc, runtime_error_names_context);
    tcase_add_test(tc, non_string_errors_are_described);
    tcase_add_test(tc, call_leaves_results_or_nothing);
    tcase_add_test(tc, print_and_warn_go_to_the_log);
    tcase_add_test(tc, bad_limits_are_refused);
    tcase_add_test(tc, set_limits_applies_to_later_calls);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
