// SPDX-License-Identifier: MIT
// Private layout of a loaded scenario, shared by the scenario module's files: the sandbox,
// the definition, registered hooks and expectations, and the attached world.
#ifndef GOPS_SCENARIO_INTERNAL_H
#define GOPS_SCENARIO_INTERNAL_H

#include "core/rng.h"
#include "scenario/sandbox.h"
#include "scenario/scenario.h"
#include "world/map.h"

#include <lua.h>

typedef enum hook_kind { HOOK_AT, HOOK_EVERY, HOOK_ON } hook_kind_t;
/// How an at() time was written: a clock time (first occurrence at or after the
/// reference), a full date and time, or "+duration" after the reference.
typedef enum at_form { AT_CLOCK, AT_DATETIME, AT_RELATIVE } at_form_t;

typedef struct gops_hook {
    hook_kind_t kind;
    int fn_ref;            ///< Lua registry reference of the function
    char spec[64];         ///< the time, period or event as written
    char where[160];       ///< "file:line" of the registration
    at_form_t form;        ///< at(): how the time was written
    int64_t value;         ///< at(): seconds of day, local time, or offset s
    double period_s;       ///< every()
    double registered_s;   ///< elapsed seconds when registered (0 at load)
    bool at_load;          ///< registered while the file loaded (times read against the written start)
    bool catch_up;         ///< at(): its time lies between the written and the actual start: due at tick 0
    double nominal_s;      ///< at(): its time, s after the actual start (negative when caught up)
    bool resolved;         ///< due_tick is known (needs the world's clock)
    uint64_t due_tick;
    uint64_t period_ticks;
    bool done;             ///< at() fired
    int event;             ///< on(): gops_event_type_t
} gops_hook_t;

/// A lab item declared while the file loads, applied to the crowd at attach.
typedef struct gops_lab_exit {
    char name[64];
    gops_polygon_t area;
} gops_lab_exit_t;

typedef struct gops_lab_spawn {
    double at_s;
    double x0, y0, x1, y1; ///< area (a point when x0 == x1 and y0 == y1)
    uint32_t count;
    double speed_lo, speed_hi; ///< m/s, uniform
    double radius;
    uint8_t group;
    int32_t exits[8];      ///< indices into lab exits; each pedestrian takes the nearest
    uint32_t exit_count;   ///< 0: fixed direction
    double dir_x, dir_y;
    char where[160];
} gops_lab_spawn_t;

typedef struct gops_lab_line {
    char name[64];
    gops_point_t a, b;
} gops_lab_line_t;

typedef struct gops_lab {
    gops_map_t *map;       ///< built by lab{}, handed to the world at attach
    double periodic_min_x, periodic_max_x; ///< periodic_max_x > periodic_min_x: wrap in x
    gops_lab_exit_t *exits;
    uint32_t exit_count;
    gops_lab_spawn_t *spawns;
    uint32_t spawn_count;
    gops_lab_line_t *lines;
    uint32_t line_count;
} gops_lab_t;

struct gops_scenario {
    gops_sandbox_t *sb;
    gops_scenario_def_t def;
    bool def_seen;
    gops_world_t *world; ///< NULL while loading
    gops_rng_t load_rng; ///< backs math.random while the file loads (seed 0)
    gops_hook_t *hooks;
    uint32_t hook_count, hook_capacity;
    gops_expectation_t *expects;
    uint32_t expect_count, expect_capacity;
    char dir[1024];      ///< folder of the scenario file, for relative paths
    gops_lab_t lab;      ///< lab geometry and pedestrians (validation scenarios)
    char known_failure[256]; ///< why the scenario's expectations are known to fail, "" if not
    char quick_sets[GOPS_QUICK_MAX][GOPS_QUICK_SET_MAX]; ///< scenario{ quick = {...} } as "key=value"
    uint32_t quick_count;
    bool quick;          ///< the quick window was applied (expect{when=...} picks by it)
    int64_t written_start; ///< scenario{ start } as the file wrote it, before --set and the quick window
    double written_duration_s; ///< and its length (duration or finish) as written
};

/// Fetches the scenario a C API function was registered with (upvalue 1).
gops_scenario_t *gops_scenario_self(lua_State *L);
/// Registers fn as global `name` with the scenario as upvalue and allows the global.
void gops_scenario_register(gops_scenario_t *sc, const char *name, lua_CFunction fn);

/// luaL_error with printf formats (Lua's own formatter knows only a few); the message
/// starts with the calling line's "file:line: ". Never returns.
int gops_lua_fail(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/// The running world, or a Lua error naming `fn` while the file still loads.
gops_world_t *gops_lua_world(lua_State *L, const char *fn);
/// Raises "fn: unknown <what> "name"", with the nearest valid name or the list of them.
int gops_lua_unknown_name(lua_State *L, const char *fn, const char *what, const char *name, const char *const *valid,
                          size_t count);

/// Whether `name` is the feature's id, name or English name.
bool gops_lua_feature_is(const gops_feature_t *f, const char *name);
/// The outer ring of a feature with an area (plazas, walkways, pedestrian streets, guidance
/// points, zones of one part, the boundary), or NULL (buildings, roads, points).
const gops_path_t *gops_lua_feature_ring(const gops_feature_t *f);
/// The feature with an area that `name` means (by id, else the only one with that name), or
/// a Lua error naming `fn` and the nearest area name. Needs the running world's map.
const gops_feature_t *gops_lua_area_feature(lua_State *L, const char *fn, const char *name);

/// Refuses keys of the table at `idx` that are not in `known`, naming the alphabetically
/// first unknown key (pairs() order is random) and the nearest valid one.
void gops_lua_check_keys(lua_State *L, int idx, const char *what, const char *const *known, size_t count);

/// scenario{} parsing and --set overrides (scenario_def.c).
void gops_scenario_def_init(gops_scenario_def_t *def);
int gops_lua_scenario(lua_State *L);
gops_status_t gops_scenario_apply_set(gops_scenario_t *sc, const char *assignment, gops_error_t *err);
gops_status_t gops_scenario_def_check(gops_scenario_t *sc, gops_error_t *err);

/// Hooks (hooks.c): at/every/on registration and firing.
void gops_hooks_register_api(gops_scenario_t *sc);
gops_status_t gops_hooks_resolve(gops_scenario_t *sc, gops_error_t *err);
void gops_hooks_release(gops_scenario_t *sc);

/// Expectations (expect.c).
void gops_expect_register_api(gops_scenario_t *sc);

/// World queries and actions (lua_world.c).
void gops_lua_world_register_api(gops_scenario_t *sc);

/// Lab geometry, spawns, counting lines and crowd queries (lua_crowd.c).
void gops_lua_crowd_register_api(gops_scenario_t *sc);
/// Applies the lab's exits, spawns and lines to the world's crowd.
gops_status_t gops_lab_apply(gops_scenario_t *sc, gops_error_t *err);
void gops_lab_free(gops_lab_t *lab);

#endif
