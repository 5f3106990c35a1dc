// SPDX-License-Identifier: MIT
// Scenario hooks: at(time, fn), every(period, fn) and on(event, fn). Registration checks the
// time text at once (so errors point at the line); ticks are resolved against the world's
// clock once it exists. Ordering: hooks due on the same tick fire in registration order;
// on() hooks fire per event in emission order, then registration order.
#include "scenario/scenario_internal.h"

#include "core/nearest.h"
#include "core/simtime.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// Most hooks one scenario may register (a power of two: the array doubles up to it).
#define GOPS_HOOKS_MAX 131072

static gops_hook_t *new_hook(lua_State *L, gops_scenario_t *sc, hook_kind_t kind, const char *spec)
{
    if (sc->hook_count == sc->hook_capacity) {
        uint32_t cap = sc->hook_capacity ? sc->hook_capacity * 2 : 16;
        // Hooks live outside the Lua memory cap (about 300 bytes each): bound them here.
        if (cap > GOPS_HOOKS_MAX)
            luaL_error(L, "too many hooks: at most %d at(), every() and on() registrations in a run",
                       GOPS_HOOKS_MAX);
        gops_hook_t *bigger = realloc(sc->hooks, cap * sizeof *bigger);
        if (!bigger) luaL_error(L, "not enough memory for another hook");
        sc->hooks = bigger;
        sc->hook_capacity = cap;
    }
    gops_hook_t *h = &sc->hooks[sc->hook_count];
    memset(h, 0, sizeof *h);
    h->kind = kind;
    snprintf(h->spec, sizeof h->spec, "%s", spec);
    luaL_where(L, 1);
    const char *w = lua_tostring(L, -1);
    size_t wl = strlen(w);
    // luaL_where gives "file:line: "; keep "file:line".
    snprintf(h->where, sizeof h->where, "%.*s", (int)(wl >= 2 ? wl - 2 : wl), w);
    lua_pop(L, 1);
    h->registered_s = sc->world ? gops_world_elapsed(sc->world) : 0.0;
    h->at_load = !sc->world;
    lua_pushvalue(L, 2);
    h->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    sc->hook_count++;
    return h;
}

static uint64_t ticks_at_or_after(double seconds, double dt)
{
    double t = ceil(seconds / dt - 1e-9);
    return t < 0 ? 0 : (uint64_t)t;
}

/// Computes due_tick/period_ticks of a hook once the clock is known. Errors for times before
/// the start; a warning for times after the end (the hook would never fire).
static gops_status_t resolve(gops_scenario_t *sc, gops_hook_t *h, gops_error_t *err)
{
    const gops_world_def_t *wd = gops_world_def(sc->world);
    double dt = wd->tick_s;
    gops_local_time_t start = wd->start;
    double at_s = 0;
    switch (h->kind) {
    case HOOK_ON:
        h->resolved = true;
        return GOPS_OK;
    case HOOK_EVERY:
        h->period_ticks = ticks_at_or_after(h->period_s, dt);
        if (h->period_ticks == 0) h->period_ticks = 1;
        h->due_tick = ticks_at_or_after(h->registered_s, dt) + h->period_ticks;
        h->resolved = true;
        return GOPS_OK;
    case HOOK_AT:
        break;
    }
    double ref_s = h->registered_s;
    // Times of hooks registered while the file loaded are read against the start the file
    // wrote: a quick window or --set start that begins the run later lets the hooks whose
    // time has passed catch up at the first tick (the mode switch, closures, ... in force).
    if (h->at_load && h->form != AT_RELATIVE && sc->written_start != INT64_MIN && sc->written_start < start)
        ref_s = (double)(sc->written_start - start);
    if (h->form == AT_RELATIVE) {
        at_s = ref_s + (double)h->value;
    } else if (h->form == AT_DATETIME) {
        at_s = (double)(h->value - start);
        if (at_s < ref_s) {
            char s[32];
            gops_time_format(start + (gops_local_time_t)ref_s, s, sizeof s);
            return gops_error_set(err, GOPS_BAD_TIME, "%s: at(\"%s\") is before %s %s", h->where, h->spec,
                                  sc->world && ref_s > 0 ? "the time it was registered," : "the scenario start", s);
        }
    } else {
        // A clock time means its first occurrence at or after the reference time.
        int64_t ref_local = start + (int64_t)floor(ref_s);
        int64_t ref_sod = ((ref_local % 86400) + 86400) % 86400;
        int64_t delta = h->value - ref_sod;
        if (delta < 0) delta += 86400;
        at_s = floor(ref_s) + (double)delta;
    }
    h->nominal_s = at_s;
    h->catch_up = at_s < 0;
    h->due_tick = ticks_at_or_after(at_s, dt);
    h->resolved = true;
    return GOPS_OK;
}

gops_status_t gops_hooks_resolve(gops_scenario_t *sc, gops_error_t *err)
{
    for (uint32_t i = 0; i < sc->hook_count; i++) {
        gops_status_t st = resolve(sc, &sc->hooks[i], err);
        if (st != GOPS_OK) return st;
    }
    return GOPS_OK;
}

static int lua_at(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    const char *text = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    gops_error_t err;
    at_form_t form;
    int64_t value;
    if (text[0] == '+') {
        double s;
        if (gops_time_parse_duration(text + 1, &s, 1, &err) != GOPS_OK)
            return luaL_error(L, "at: %s", err.message);
        form = AT_RELATIVE;
        value = (int64_t)ceil(s);
    } else if (gops_time_parse_clock(text, &value, &err) == GOPS_OK) {
        form = AT_CLOCK;
        if (value == 86400) value = 0;
    } else if (strlen(text) > 5 && gops_time_parse_datetime(text, &value, &err) == GOPS_OK) {
        form = AT_DATETIME;
    } else {
        return luaL_error(L, "at: bad time \"%s\": expected \"HH:MM\", \"YYYY-MM-DD HH:MM\" or \"+15m\"", text);
    }
    gops_hook_t *h = new_hook(L, sc, HOOK_AT, text);
    h->form = form;
    h->value = value;
    if (sc->world) {
        gops_hook_t copy = *h;
        if (resolve(sc, &copy, &err) != GOPS_OK) {
            sc->hook_count--;
            luaL_unref(L, LUA_REGISTRYINDEX, copy.fn_ref);
            return luaL_error(L, "%s", err.message);
        }
        sc->hooks[sc->hook_count - 1] = copy;
        // This tick's at/every hooks have already been scanned: a time that is due now
        // fires on the next tick.
        if (copy.due_tick <= gops_world_tick(sc->world)) sc->hooks[sc->hook_count - 1].due_tick = gops_world_tick(sc->world) + 1;
    }
    return 0;
}

static int lua_every(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    const char *text = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    gops_error_t err;
    double s;
    if (gops_time_parse_duration(text, &s, 0, &err) != GOPS_OK) return luaL_error(L, "every: %s", err.message);
    gops_hook_t *h = new_hook(L, sc, HOOK_EVERY, text);
    h->period_s = s;
    if (sc->world) resolve(sc, h, &err);
    return 0;
}

static int lua_on(lua_State *L)
{
    gops_scenario_t *sc = gops_scenario_self(L);
    const char *name = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    int ev = gops_event_from_name(name);
    if (ev < 0) {
        const char *names[GOPS_EVENT_TYPE_COUNT];
        for (int i = 0; i < GOPS_EVENT_TYPE_COUNT; i++) names[i] = gops_event_name((gops_event_type_t)i);
        const char *near = gops_nearest_name(name, names, GOPS_EVENT_TYPE_COUNT);
        if (near) return luaL_error(L, "on: unknown event \"%s\" (did you mean \"%s\"?)", name, near);
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (int i = 0; i < GOPS_EVENT_TYPE_COUNT; i++) {
            if (i) luaL_addstring(&b, ", ");
            luaL_addstring(&b, names[i]);
        }
        luaL_pushresult(&b);
        return luaL_error(L, "on: unknown event \"%s\" (events: %s)", name, lua_tostring(L, -1));
    }
    gops_hook_t *h = new_hook(L, sc, HOOK_ON, name);
    h->event = ev;
    h->resolved = true;
    return 0;
}

void gops_hooks_register_api(gops_scenario_t *sc)
{
    gops_scenario_register(sc, "at", lua_at);
    gops_scenario_register(sc, "every", lua_every);
    gops_scenario_register(sc, "on", lua_on);
    // `state`: an empty table for data the hooks change, kept by checkpoints (as is every
    // global and captured variable holding plain data: lua_values.c).
    lua_State *L = gops_sandbox_state(sc->sb);
    gops_sandbox_allow_global(sc->sb, "state");
    lua_newtable(L);
    lua_setglobal(L, "state");
}

/// Runs inside the protected call: builds the event table from plain values (args 2..6:
/// type, a, b, local time, text as light userdata) and calls the hook (arg 1) with it. Building the table here, not
/// before the call, keeps a scenario at its memory cap from aborting the process.
static int call_with_event(lua_State *L)
{
    gops_event_type_t type = (gops_event_type_t)lua_tointeger(L, 2);
    lua_Integer a = lua_tointeger(L, 3), b = lua_tointeger(L, 4);
    gops_local_time_t when = (gops_local_time_t)lua_tointeger(L, 5);
    const char *label = lua_touserdata(L, 6);
    lua_settop(L, 1);
    lua_createtable(L, 0, 4);
    lua_pushstring(L, gops_event_name(type));
    lua_setfield(L, -2, "name");
    char text[32];
    gops_time_format(when, text, sizeof text);
    lua_pushstring(L, text);
    lua_setfield(L, -2, "time");
    switch (type) {
    case GOPS_EVENT_MODE_CHANGED:
        lua_pushstring(L, gops_mode_name((gops_mode_t)a));
        lua_setfield(L, -2, "from");
        lua_pushstring(L, gops_mode_name((gops_mode_t)b));
        lua_setfield(L, -2, "to");
        break;
    case GOPS_EVENT_INCIDENT_OPENED:
    case GOPS_EVENT_INCIDENT_CLOSED:
        lua_pushinteger(L, a);
        lua_setfield(L, -2, "id");
        lua_pushstring(L, label ? label : "");
        lua_setfield(L, -2, "category");
        break;
    case GOPS_EVENT_DENSITY_WARNING:
    case GOPS_EVENT_DENSITY_CLEARED:
        lua_pushstring(L, label ? label : "");
        lua_setfield(L, -2, "area");
        lua_pushnumber(L, (lua_Number)b / 1000.0);
        lua_setfield(L, -2, "density");
        break;
    case GOPS_EVENT_TYPE_COUNT:
        break;
    }
    lua_call(L, 1, 0);
    return 0;
}

/// Calls hook `index`; with an event, through call_with_event. Only allocation-free pushes
/// happen outside the protected call.
static gops_status_t call_hook(gops_scenario_t *sc, uint32_t index, const gops_event_t *ev, gops_error_t *err)
{
    lua_State *L = gops_sandbox_state(sc->sb);
    char context[256];
    const gops_hook_t *h = &sc->hooks[index];
    static const char *const kind_names[] = {"at", "every", "on"};
    snprintf(context, sizeof context, "%s(\"%s\") registered at %s", kind_names[h->kind], h->spec, h->where);
    if (!ev) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, h->fn_ref);
        return gops_sandbox_call(sc->sb, 0, 0, context, err);
    }
    lua_pushcfunction(L, call_with_event);
    lua_rawgeti(L, LUA_REGISTRYINDEX, h->fn_ref);
    lua_pushinteger(L, ev->type);
    lua_pushinteger(L, ev->a);
    lua_pushinteger(L, ev->b);
    lua_pushinteger(L, gops_world_time(sc->world));
    lua_pushlightuserdata(L, (void *)ev->text);
    return gops_sandbox_call(sc->sb, 6, 0, context, err);
}

/// A caught-up hook's place in the firing order: its time, then registration.
typedef struct due_order {
    double nominal_s;
    uint32_t index;
} due_order_t;

static int by_nominal_time(const void *a, const void *b)
{
    const due_order_t *x = a, *y = b;
    if (x->nominal_s != y->nominal_s) return x->nominal_s < y->nominal_s ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static bool waiting_catch_up(const gops_hook_t *h) { return h->kind == HOOK_AT && h->catch_up && !h->done; }

/// At the first tick, the at() hooks whose time passed before the actual start fire first,
/// in the order of their times, as if the run had started when the file said.
static gops_status_t fire_caught_up(gops_scenario_t *sc, uint32_t n, gops_error_t *err)
{
    uint32_t count = 0;
    for (uint32_t i = 0; i < n; i++) count += waiting_catch_up(&sc->hooks[i]);
    if (count == 0) return GOPS_OK;
    due_order_t *order = malloc(count * sizeof *order);
    if (!order) return gops_error_set(err, GOPS_NOMEM, "out of memory ordering %u caught-up at() hooks", count);
    count = 0;
    for (uint32_t i = 0; i < n; i++)
        if (waiting_catch_up(&sc->hooks[i])) order[count++] = (due_order_t){sc->hooks[i].nominal_s, i};
    qsort(order, count, sizeof *order, by_nominal_time);
    gops_status_t st = GOPS_OK;
    for (uint32_t k = 0; k < count && st == GOPS_OK; k++) {
        sc->hooks[order[k].index].done = true;
        st = call_hook(sc, order[k].index, NULL, err);
    }
    free(order);
    return st;
}

gops_status_t gops_scenario_before_tick(gops_scenario_t *sc, gops_error_t *err)
{
    uint64_t tick = gops_world_tick(sc->world);
    uint32_t n = sc->hook_count; // hooks added while firing wait for a later tick
    if (tick == 0) {
        gops_status_t st = fire_caught_up(sc, n, err);
        if (st != GOPS_OK) return st;
    }
    for (uint32_t i = 0; i < n; i++) {
        gops_hook_t *h = &sc->hooks[i];
        if (h->kind == HOOK_ON || h->done || !h->resolved || h->due_tick != tick) continue;
        if (h->kind == HOOK_AT)
            h->done = true;
        else
            h->due_tick += h->period_ticks;
        gops_status_t st = call_hook(sc, i, NULL, err);
        if (st != GOPS_OK) return st;
    }
    return GOPS_OK;
}

gops_status_t gops_scenario_after_tick(gops_scenario_t *sc, gops_error_t *err)
{
    uint32_t count;
    const gops_event_t *events = gops_world_events(sc->world, &count);
    if (count == 0) return GOPS_OK;
    uint32_t n = sc->hook_count;
    for (uint32_t e = 0; e < count; e++) {
        for (uint32_t i = 0; i < n; i++) {
            if (sc->hooks[i].kind != HOOK_ON || sc->hooks[i].event != (int)events[e].type) continue;
            gops_status_t st = call_hook(sc, i, &events[e], err);
            if (st != GOPS_OK) return st;
        }
    }
    return GOPS_OK;
}

void gops_hooks_release(gops_scenario_t *sc)
{
    free(sc->hooks);
    sc->hooks = NULL;
    sc->hook_count = sc->hook_capacity = 0;
}
