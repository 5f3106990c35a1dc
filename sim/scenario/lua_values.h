// SPDX-License-Identifier: MIT
// The Lua data a scenario changes while it runs, for checkpoints: its own globals (the
// documented `state` table among them) and the local variables its hook functions capture,
// followed through tables and the functions they reach, with shared tables, shared
// captured variables and cycles kept. Restoring pairs the saved values with what a fresh
// load of the same file made: tables are refilled in place, functions keep their code and
// get their captured values back. Does not know hooks, the world or the checkpoint file.
#ifndef GOPS_SCENARIO_LUA_VALUES_H
#define GOPS_SCENARIO_LUA_VALUES_H

#include "core/strbuf.h"
#include "gridops/status.h"

#include <lua.h>
#include <stdint.h>

/// Encodes the globals (all but functions written in C and the standard libraries) and the
/// captured variables of the functions `refs[i]` (registry references; LUA_NOREF entries
/// are skipped) into `out`. Values that cannot be saved (coroutines, userdata, tables as
/// keys) are GOPS_SCENARIO naming where they are held ("global 'x' ['k']").
gops_status_t gops_lua_values_save(lua_State *L, const int *refs, uint32_t count, gops_strbuf_t *out, gops_error_t *err);
/// Restores what gops_lua_values_save wrote into a state loaded from the same file, whose
/// `refs` are the same functions (same count, same order). GOPS_SCENARIO when a saved value
/// cannot be put back: a function the hooks created while the run went on (its code exists,
/// but no fresh value to pair it with), or a different file.
gops_status_t gops_lua_values_restore(lua_State *L, const int *refs, uint32_t count, const void *data, size_t size,
                                      gops_error_t *err);

#endif
