// SPDX-License-Identifier: MIT
// The scenario's section of a checkpoint (scenario_checkpoint.h). Hooks are matched by
// position, kind, time text and file:line: a fresh load of the same file registers the same
// hooks in the same order. Of the hooks registered later by other hooks only at() hooks
// that have fired can be restored (as inert records); a pending one would need a function
// that exists only in the saved run.
#include "scenario/scenario_checkpoint.h"

#include "scenario/lua_values.h"
#include "scenario/scenario_internal.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"at", "every", "on"};

uint32_t gops_scenario_checkpoint_mark(const gops_scenario_t *sc)
{
    return sc->hook_count;
}

/// Registry references of the hook functions whose data is kept: every hook that can still
/// fire (an at() that fired is never called again).
static int *live_refs(const gops_scenario_t *sc)
{
    int *refs = malloc((sc->hook_count ? sc->hook_count : 1) * sizeof *refs);
    if (!refs) return NULL;
    for (uint32_t i = 0; i < sc->hook_count; i++) refs[i] = sc->hooks[i].done ? LUA_NOREF : sc->hooks[i].fn_ref;
    return refs;
}

gops_status_t gops_scenario_checkpoint_save(gops_scenario_t *sc, uint32_t load_hooks, gops_ckpt_writer_t *w,
                                            gops_error_t *err)
{
    for (uint32_t i = load_hooks; i < sc->hook_count; i++) {
        const gops_hook_t *h = &sc->hooks[i];
        if (h->kind == HOOK_AT && h->done) continue;
        return gops_error_set(err, GOPS_SCENARIO,
                              "cannot write a checkpoint: %s: %s(\"%s\") was registered by another hook while the run "
                              "went on and can still fire, so a resumed run could not call it; register it when the "
                              "file loads (at the top level) and let a variable switch it on",
                              h->where, kind_names[h->kind], h->spec);
    }
    int *refs = live_refs(sc);
    if (!refs) return gops_error_set(err, GOPS_NOMEM, "out of memory writing a checkpoint");
    gops_strbuf_t values;
    gops_strbuf_init(&values);
    gops_status_t st = gops_lua_values_save(gops_sandbox_state(sc->sb), refs, sc->hook_count, &values, err);
    free(refs);
    if (st == GOPS_OK) {
        gops_ckpt_section(w, "scenario");
        gops_ckpt_put_u64(w, "scenario.load_hooks", load_hooks);
        GOPS_CKPT_PUT_ARRAY(w, "scenario.hooks", sc->hooks, sc->hook_count);
        GOPS_CKPT_PUT_ARRAY(w, "scenario.expects", sc->expects, sc->expect_count);
        gops_ckpt_put_str(w, "scenario.known_failure", sc->known_failure);
        gops_ckpt_put_u64(w, "scenario.quick", sc->quick);
        gops_ckpt_put_array(w, "scenario.lua", values.data, 1, values.len);
    }
    gops_strbuf_free(&values);
    return st;
}

gops_status_t gops_scenario_checkpoint_load(gops_scenario_t *sc, gops_ckpt_reader_t *r, gops_error_t *err)
{
    if (!gops_ckpt_enter(r, "scenario")) return gops_ckpt_status(r, err);
    uint64_t load_hooks = gops_ckpt_get_u64(r, "scenario.load_hooks");
    uint64_t n = gops_ckpt_peek_count(r, "scenario.hooks");
    gops_hook_t *saved = gops_ckpt_get_alloc(r, "scenario.hooks", sizeof *saved, n, n);
    uint64_t ne = gops_ckpt_peek_count(r, "scenario.expects");
    gops_expectation_t *expects = gops_ckpt_get_alloc(r, "scenario.expects", sizeof *expects, ne, ne);
    char known[sizeof sc->known_failure];
    gops_ckpt_get_str(r, "scenario.known_failure", known, sizeof known);
    bool quick = gops_ckpt_get_u64(r, "scenario.quick") != 0;
    uint64_t nv = gops_ckpt_peek_count(r, "scenario.lua");
    unsigned char *values = gops_ckpt_get_alloc(r, "scenario.lua", 1, nv, nv);
    gops_ckpt_leave(r);

    if (!gops_ckpt_failed(r) && (load_hooks != sc->hook_count || n < load_hooks))
        gops_ckpt_fail(r, "the scenario registers %u hooks when it loads, expected %llu as when the checkpoint was "
                       "written (was the scenario changed?)",
                       sc->hook_count, (unsigned long long)load_hooks);
    for (uint32_t i = 0; i < sc->hook_count && !gops_ckpt_failed(r); i++) {
        const gops_hook_t *h = &sc->hooks[i], *s = &saved[i];
        if (h->kind != s->kind || strcmp(h->spec, s->spec) != 0 || strcmp(h->where, s->where) != 0)
            gops_ckpt_fail(r, "hook %u is %s(\"%s\") at %s, expected %s(\"%s\") at %s as when the checkpoint was "
                           "written (was the scenario changed?)",
                           i + 1, kind_names[h->kind], h->spec, h->where, kind_names[s->kind % 3], s->spec, s->where);
    }
    for (uint64_t i = load_hooks; i < n && !gops_ckpt_failed(r); i++)
        if (saved[i].kind != HOOK_AT || !saved[i].done)
            gops_ckpt_fail(r, "hook %llu (%s at %s) was registered while the run went on and is still pending, "
                           "expected none",
                           (unsigned long long)i + 1, saved[i].spec, saved[i].where);
    if (!gops_ckpt_failed(r) && n > sc->hook_capacity) {
        gops_hook_t *bigger = realloc(sc->hooks, n * sizeof *bigger);
        if (!bigger) gops_ckpt_fail(r, "out of memory for %llu hooks", (unsigned long long)n);
        else sc->hooks = bigger, sc->hook_capacity = (uint32_t)n;
    }
    if (gops_ckpt_failed(r)) {
        free(saved);
        free(expects);
        free(values);
        return gops_ckpt_status(r, err);
    }

    for (uint32_t i = 0; i < sc->hook_count; i++) {
        gops_hook_t *h = &sc->hooks[i];
        const gops_hook_t *s = &saved[i];
        h->registered_s = s->registered_s;
        h->resolved = s->resolved;
        h->due_tick = s->due_tick;
        h->period_ticks = s->period_ticks;
        h->done = s->done;
    }
    for (uint64_t i = load_hooks; i < n; i++) { // fired at() hooks registered by hooks: inert records
        sc->hooks[i] = saved[i];
        sc->hooks[i].fn_ref = LUA_NOREF;
    }
    sc->hook_count = (uint32_t)n;
    free(saved);
    free(sc->expects);
    sc->expects = expects;
    sc->expect_count = sc->expect_capacity = (uint32_t)ne;
    snprintf(sc->known_failure, sizeof sc->known_failure, "%s", known);
    sc->quick = quick;

    int *refs = live_refs(sc);
    gops_status_t st = refs ? gops_lua_values_restore(gops_sandbox_state(sc->sb), refs, sc->hook_count, values, nv, err)
                            : gops_error_set(err, GOPS_NOMEM, "out of memory restoring the scenario");
    if (st != GOPS_OK) {
        char inner[sizeof err->message];
        snprintf(inner, sizeof inner, "%s", err->message);
        gops_error_set(err, st, "checkpoint %s: %s", gops_ckpt_reader_path(r), inner);
    }
    free(refs);
    free(values);
    return st;
}
