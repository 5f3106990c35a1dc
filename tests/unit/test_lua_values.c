// SPDX-License-Identifier: MIT
// Check suite for scenario/lua_values: the Lua data a scenario changes, saved from one state
// and restored into a fresh state that ran the same chunk: globals and captured variables
// (shared between closures), shared tables and cycles, tables refilled in place, values of
// every kind; and the refusals that name where: a coroutine, a table used as a key, a
// function made while running, a different file.
#include "fixture.h"

#include "scenario/lua_values.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>

// The scenario file both states run. `hook` and `peek` stand for hook functions.
static const char chunk[] =
    "local shared = { n = 0 }\n"
    "local alias = shared\n"
    "local hidden = 10\n"
    "counter = 0\n"
    "cycle = { name = 'c' }\n"
    "cycle.self = cycle\n"
    "list = {}\n"
    "state = { nested = { deep = { 1 } } }\n"
    "keep = state.nested\n"
    "function bump() counter = counter + 1; shared.n = shared.n + 2; list[#list + 1] = counter end\n"
    "hook = function() bump(); alias.last = 'x' end\n"
    "function peek() return hidden, shared.n end\n"
    "function poke(v) hidden = v end\n";

/// A state with the libraries the sandbox opens, after running `code`.
static lua_State *fresh(const char *code)
{
    lua_State *L = luaL_newstate();
    static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},        {LUA_TABLIBNAME, luaopen_table},
                                    {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
                                    {LUA_UTF8LIBNAME, luaopen_utf8},  {LUA_COLIBNAME, luaopen_coroutine}};
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        luaL_requiref(L, libs[i].name, libs[i].func, 1);
        lua_pop(L, 1);
    }
    ck_assert_int_eq(luaL_dostring(L, code), LUA_OK);
    return L;
}

/// Registry references of the globals `hook` and `peek`.
static void roots(lua_State *L, int refs[2])
{
    lua_getglobal(L, "hook");
    refs[0] = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_getglobal(L, "peek");
    refs[1] = luaL_ref(L, LUA_REGISTRYINDEX);
}

static lua_Integer eval_int(lua_State *L, const char *expr)
{
    char code[256];
    snprintf(code, sizeof code, "return %s", expr);
    ck_assert_msg(luaL_dostring(L, code) == LUA_OK, "%s: %s", expr, lua_tostring(L, -1));
    ck_assert_msg(lua_isinteger(L, -1), "%s is not an integer", expr);
    lua_Integer v = lua_tointeger(L, -1);
    lua_pop(L, 1);
    return v;
}

START_TEST(round_trip_keeps_values_sharing_and_cycles)
{
    lua_State *A = fresh(chunk);
    ck_assert_int_eq(luaL_dostring(A, "for i = 1, 3 do hook() end poke(42)\n"
                                      "cycle.extra = { 1, 2.5, true, 's\\0z', [-7] = false }\n"
                                      "state.nested.deep[2] = 'two'; state.when = 1800.25"),
                     LUA_OK);
    int refs_a[2];
    roots(A, refs_a);
    gops_strbuf_t buf;
    gops_strbuf_init(&buf);
    gops_error_t err;
    ck_assert_int_eq(gops_lua_values_save(A, refs_a, 2, &buf, &err), GOPS_OK);
    ck_assert_uint_gt(buf.len, 0);
    // The same data gives the same bytes (keys are written in a fixed order).
    gops_strbuf_t again;
    gops_strbuf_init(&again);
    ck_assert_int_eq(gops_lua_values_save(A, refs_a, 2, &again, &err), GOPS_OK);
    ck_assert_uint_eq(again.len, buf.len);
    ck_assert_int_eq(memcmp(again.data, buf.data, buf.len), 0);
    gops_strbuf_free(&again);

    lua_State *B = fresh(chunk);
    lua_getglobal(B, "keep"); // the nested table before restoring: refilled in place, not replaced
    int nested = luaL_ref(B, LUA_REGISTRYINDEX);
    int refs_b[2];
    roots(B, refs_b);
    ck_assert_msg(gops_lua_values_restore(B, refs_b, 2, buf.data, buf.len, &err) == GOPS_OK, "%s", err.message);
    ck_assert_int_eq(eval_int(B, "counter"), 3);
    ck_assert_int_eq(eval_int(B, "#list"), 3);
    ck_assert_int_eq(eval_int(B, "list[3]"), 3);
    ck_assert_int_eq(eval_int(B, "(peek())"), 42); // a captured local
    ck_assert_int_eq(eval_int(B, "select(2, peek())"), 6);  // captured by two closures, one table
    ck_assert_int_eq(eval_int(B, "cycle.self == cycle and 1 or 0"), 1);
    ck_assert_int_eq(eval_int(B, "(cycle.extra[2] == 2.5 and cycle.extra[3] == true and #cycle.extra[4] == 3 "
                                 "and cycle.extra[-7] == false) and 1 or 0"),
                     1);
    ck_assert_int_eq(eval_int(B, "keep == state.nested and 1 or 0"), 1);
    lua_rawgeti(B, LUA_REGISTRYINDEX, nested);
    lua_getglobal(B, "keep");
    ck_assert(lua_rawequal(B, -1, -2));
    lua_pop(B, 2);
    ck_assert_int_eq(eval_int(B, "state.nested.deep[2] == 'two' and state.when == 1800.25 and 1 or 0"), 1);
    // The captured variable is still shared by poke and peek, and the functions still run.
    ck_assert_int_eq(luaL_dostring(B, "poke(7) hook()"), LUA_OK);
    ck_assert_int_eq(eval_int(B, "(peek())"), 7);
    ck_assert_int_eq(eval_int(B, "counter * 100 + select(2, peek())"), 408);
    // Restoring what B holds now into a third state gives B's data: the round trip is whole.
    gops_strbuf_t b_buf;
    gops_strbuf_init(&b_buf);
    ck_assert_int_eq(gops_lua_values_save(B, refs_b, 2, &b_buf, &err), GOPS_OK);
    lua_State *C = fresh(chunk);
    int refs_c[2];
    roots(C, refs_c);
    ck_assert_int_eq(gops_lua_values_restore(C, refs_c, 2, b_buf.data, b_buf.len, &err), GOPS_OK);
    ck_assert_int_eq(eval_int(C, "counter"), 4);
    gops_strbuf_free(&b_buf);
    gops_strbuf_free(&buf);
    lua_close(A);
    lua_close(B);
    lua_close(C);
}
END_TEST

START_TEST(globals_cleared_by_the_run_are_cleared)
{
    lua_State *A = fresh(chunk);
    ck_assert_int_eq(luaL_dostring(A, "cycle = nil"), LUA_OK);
    int refs[2];
    roots(A, refs);
    gops_strbuf_t buf;
    gops_strbuf_init(&buf);
    gops_error_t err;
    ck_assert_int_eq(gops_lua_values_save(A, refs, 2, &buf, &err), GOPS_OK);
    lua_State *B = fresh(chunk);
    roots(B, refs);
    ck_assert_int_eq(gops_lua_values_restore(B, refs, 2, buf.data, buf.len, &err), GOPS_OK);
    ck_assert_int_eq(eval_int(B, "cycle == nil and 1 or 0"), 1);
    gops_strbuf_free(&buf);
    lua_close(A);
    lua_close(B);
}
END_TEST

static void expect_save_refused(const char *extra, const char *needle)
{
    lua_State *A = fresh(chunk);
    ck_assert_int_eq(luaL_dostring(A, extra), LUA_OK);
    int refs[2];
    roots(A, refs);
    gops_strbuf_t buf;
    gops_strbuf_init(&buf);
    gops_error_t err;
    ck_assert_int_eq(gops_lua_values_save(A, refs, 2, &buf, &err), GOPS_SCENARIO);
    ck_assert_msg(strstr(err.message, needle) != NULL, "expected \"%s\" in: %s", needle, err.message);
    gops_strbuf_free(&buf);
    lua_close(A);
}

START_TEST(unsaveable_values_are_refused_naming_where)
{
    expect_save_refused("worker = coroutine.create(function() end)",
                        "global 'worker': a thread cannot be saved in a checkpoint");
    expect_save_refused("state.by_table = { [{}] = 1 }", "global 'state'['by_table']");
    expect_save_refused("state.by_table = { [{}] = 1 }", "a table used as a key");
}
END_TEST

START_TEST(functions_made_while_running_or_another_file_are_refused)
{
    // A closure created after load has no counterpart in the fresh state.
    lua_State *A = fresh(chunk);
    ck_assert_int_eq(luaL_dostring(A, "state.later = function() return 1 end"), LUA_OK);
    int refs[2];
    roots(A, refs);
    gops_strbuf_t buf;
    gops_strbuf_init(&buf);
    gops_error_t err;
    ck_assert_int_eq(gops_lua_values_save(A, refs, 2, &buf, &err), GOPS_OK);
    lua_State *B = fresh(chunk);
    roots(B, refs);
    ck_assert_int_eq(gops_lua_values_restore(B, refs, 2, buf.data, buf.len, &err), GOPS_SCENARIO);
    ck_assert_msg(strstr(err.message, "global 'state'['later']") && strstr(err.message, "made while the run went on"),
                  "%s", err.message);
    lua_close(B);
    // The hook defined on another line: another file.
    char shifted[sizeof chunk + 8];
    snprintf(shifted, sizeof shifted, "\n%s", chunk);
    lua_State *C = fresh(shifted);
    roots(C, refs);
    ck_assert_int_eq(gops_lua_values_restore(C, refs, 2, buf.data, buf.len, &err), GOPS_SCENARIO);
    ck_assert_msg(strstr(err.message, "the function defined at") != NULL, "%s", err.message);
    // A cut stream is refused, not read past.
    lua_State *D = fresh(chunk);
    roots(D, refs);
    ck_assert_int_eq(gops_lua_values_restore(D, refs, 2, buf.data, buf.len / 2, &err), GOPS_SCENARIO);
    ck_assert_msg(strstr(err.message, "end") != NULL, "%s", err.message);
    gops_strbuf_free(&buf);
    lua_close(A);
    lua_close(C);
    lua_close(D);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lua_values");
    TCase *tc = tcase_create("values");
    tcase_add_test(tc, round_trip_keeps_values_sharing_and_cycles);
    tcase_add_test(tc, globals_cleared_by_the_run_are_cleared);
    tcase_add_test(tc, unsaveable_values_are_refused_naming_where);
    tcase_add_test(tc, functions_made_while_running_or_another_file_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
