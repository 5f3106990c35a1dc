// SPDX-License-Identifier: MIT
// The Lua sandbox: a lua_State with only base, table, string, math, utf8 and coroutine;
// text chunks only; a capped allocator; an instruction budget per call; strict globals;
// math.random bound to a world stream. Every call into Lua goes through gops_sandbox_call.
// Does not know the scenario API: bindings register themselves on the state it returns.
#ifndef GOPS_SCENARIO_SANDBOX_H
#define GOPS_SCENARIO_SANDBOX_H

#include "core/rng.h"
#include "gridops/status.h"
#include <lua.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gops_sandbox_limits {
    size_t memory_bytes;          ///< allocator cap (default 256 MiB)
    uint64_t instructions_per_call; ///< budget per top-level call (default 100 million)
} gops_sandbox_limits_t;

gops_sandbox_limits_t gops_sandbox_limits_default(void);

typedef struct gops_sandbox gops_sandbox_t;

/// Creates the sandboxed state. `rng` (owned by the caller, outliving the sandbox) backs
/// math.random / math.randomseed is removed. Returns NULL with err set on failure.
gops_sandbox_t *gops_sandbox_create(const gops_sandbox_limits_t *limits, gops_rng_t *rng,
                                    gops_error_t *err);
void gops_sandbox_destroy(gops_sandbox_t *sb);
lua_State *gops_sandbox_state(gops_sandbox_t *sb);

/// Loads and runs a text chunk from a file (the chunk name is the path as given, so errors
/// read "path:line: message"). Bytecode is refused. nresults as in lua_call.
gops_status_t gops_sandbox_run_file(gops_sandbox_t *sb, const char *path, int nresults,
                                    gops_error_t *err);
/// Same for a string (chunk name `name`, shown in messages as given).
gops_status_t gops_sandbox_run_string(gops_sandbox_t *sb, const char *code, const char *name,
                                      int nresults, gops_error_t *err);
/// Protected call of the function below `nargs` arguments on the stack, with a fresh
/// instruction budget and a traceback handler. `context` names the hook for messages
/// ("at 17:00", "every 15m", "on density_warning"). On error the message is
/// "file:line: message (in <context>)" and the status tells budget, memory or runtime.
gops_status_t gops_sandbox_call(gops_sandbox_t *sb, int nargs, int nresults,
                                const char *context, gops_error_t *err);
/// Declares a global the scenario may define or read (strict globals refuse others).
/// Called by bindings for their API functions after gops_sandbox_create.
void gops_sandbox_allow_global(gops_sandbox_t *sb, const char *name);
/// Changes the limits for later calls (the memory cap never drops below what is in use).
void gops_sandbox_set_limits(gops_sandbox_t *sb, const gops_sandbox_limits_t *limits);
/// Points math.random at another stream (owned by the caller, outliving the sandbox).
void gops_sandbox_set_rng(gops_sandbox_t *sb, gops_rng_t *rng);
/// Bytes in use by the Lua state.
size_t gops_sandbox_memory_used(const gops_sandbox_t *sb);

#endif
