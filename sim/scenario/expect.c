// SPDX-License-Identifier: MIT
// expect(metric, op, value[, {when=...}]): outcomes a scenario declares, recorded with their file:line
// and evaluated against the KPIs at the end of the run. An absent KPI (its subsystem is not
// simulated) fails its expectation with a null actual; an unknown name is a scenario error.
#include "scenario/scenario_internal.h"

#include "metrics/kpi.h"
#include "world/world_internal.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const op_text[] = {"<", "<=", ">", ">=", "==", "~="};

const char *gops_expect_op_text(gops_expect_op_t op)
{
    return (unsigned)op < 6 ? op_text[op] : "?";
}

static int parse_op(const char *text)
{
    for (int i = 0; i < 6; i++)
        if (strcmp(op_text[i], text) == 0) return i;
    if (strcmp(text, "!=") == 0) return GOPS_OP_NE;
    return -1;
}

static int lua_expect(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    const char *metric = luaL_checkstring(L, 1);
    const char *op = luaL_checkstring(L, 2);
    lua_Number value = luaL_checknumber(L, 3);
    gops_expect_when_t when = GOPS_EXPECT_ALWAYS;
    if (!lua_isnoneornil(L, 4)) {
        luaL_checktype(L, 4, LUA_TTABLE);
        static const char *const keys[] = {"when"};
        gops_lua_check_keys(L, 4, "expect options", keys, 1);
        lua_getfield(L, 4, "when");
        const char *w = "always";
        if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
            return gops_lua_fail(L, "expect: when: found a %s, expected \"full\", \"quick\" or \"always\"",
                                 luaL_typename(L, -1));
        if (!lua_isnil(L, -1)) w = lua_tostring(L, -1);
        if (strcmp(w, "full") == 0) when = GOPS_EXPECT_FULL;
        else if (strcmp(w, "quick") == 0) when = GOPS_EXPECT_QUICK;
        else if (strcmp(w, "always") != 0)
            return gops_lua_fail(L, "expect: when = \"%s\": expected \"full\", \"quick\" or \"always\"", w);
        lua_pop(L, 1);
    }
    int op_id = parse_op(op);
    if (op_id < 0) return luaL_error(L, "expect: unknown operator \"%s\": expected one of < <= > >= == ~=", op);
    if (!isfinite(value)) return luaL_error(L, "expect: value must be a finite number");
    if (strlen(metric) >= sizeof sc->expects[0].metric) return luaL_error(L, "expect: metric name too long");
    if (sc->expect_count == sc->expect_capacity) {
        uint32_t cap = sc->expect_capacity ? sc->expect_capacity * 2 : 8;
        if (cap > 100000) return luaL_error(L, "expect: too many expectations (at most 100000)");
        gops_expectation_t *bigger = realloc(sc->expects, cap * sizeof *bigger);
        if (!bigger) return luaL_error(L, "expect: not enough memory");
        sc->expects = bigger;
        sc->expect_capacity = cap;
    }
    gops_expectation_t *e = &sc->expects[sc->expect_count++];
    memset(e, 0, sizeof *e);
    snprintf(e->metric, sizeof e->metric, "%s", metric);
    e->op = (gops_expect_op_t)op_id;
    e->value = value;
    e->when = when;
    luaL_where(L, 1);
    const char *w = lua_tostring(L, -1);
    size_t wl = strlen(w);
    snprintf(e->where, sizeof e->where, "%.*s", (int)(wl >= 2 ? wl - 2 : wl), w);
    lua_pop(L, 1);
    return 0;
}

/// known_failure(reason): the scenario's expectations are known not to hold yet; `gridops
/// check` reports it as a known failure with the reason instead of failing.
static int lua_known_failure(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    const char *reason = luaL_checkstring(L, 1);
    if (!reason[0]) return luaL_error(L, "known_failure: give the reason");
    snprintf(sc->known_failure, sizeof sc->known_failure, "%s", reason);
    return 0;
}

void gops_expect_register_api(gops_scenario_t *sc)
{
    gops_scenario_register(sc, "expect", lua_expect);
    gops_scenario_register(sc, "known_failure", lua_known_failure);
}

const char *gops_scenario_known_failure(const gops_scenario_t *sc)
{
    return sc->known_failure;
}

static bool compare(double actual, gops_expect_op_t op, double value)
{
    switch (op) {
    case GOPS_OP_LT: return actual < value;
    case GOPS_OP_LE: return actual <= value;
    case GOPS_OP_GT: return actual > value;
    case GOPS_OP_GE: return actual >= value;
    case GOPS_OP_EQ: return actual == value;
    case GOPS_OP_NE: return actual != value;
    }
    return false;
}

gops_status_t gops_scenario_evaluate(gops_scenario_t *sc, gops_error_t *err)
{
    (void)err;
    const gops_kpis_t *kpis = gops_world_kpis(sc->world);
    // Full length: the window the file wrote. A run whose start or length was changed
    // (--set start=..., --duration, --until, or the quick window) shows only part of what a
    // full-length outcome is about (a day's visitors, a repair that takes hours).
    bool full = !sc->quick && sc->def.start == sc->written_start && sc->def.duration_s == sc->written_duration_s;
    for (uint32_t i = 0; i < sc->expect_count; i++) {
        gops_expectation_t *e = &sc->expects[i];
        gops_kpi_value_t v;
        e->skipped = (e->when == GOPS_EXPECT_FULL && !full) || (e->when == GOPS_EXPECT_QUICK && !sc->quick);
        if (e->skipped) {
            snprintf(e->note, sizeof e->note, "for %s runs only%s", e->when == GOPS_EXPECT_FULL ? "full-length" : "quick-window",
                     sc->quick || full ? "" : " (this run's window is not the scenario's own)");
            e->passed = true;
            continue;
        }
        e->evaluated = true;
        if (!gops_kpis_get(kpis, e->metric, &v)) {
            const char *near = gops_kpis_nearest(kpis, e->metric);
            snprintf(e->note, sizeof e->note, "no such KPI: not built in and never set by set_kpi%s%s%s",
                     near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
            e->measured = e->passed = false;
            continue;
        }
        if (!v.present) snprintf(e->note, sizeof e->note, "not measured: the subsystem behind this metric is not simulated");
        e->measured = v.present;
        e->actual = v.value;
        e->passed = v.present && compare(v.value, e->op, e->value);
    }
    return GOPS_OK;
}

const gops_expectation_t *gops_scenario_expectations(const gops_scenario_t *sc, uint32_t *count)
{
    *count = sc->expect_count;
    return sc->expects;
}
