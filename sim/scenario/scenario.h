// SPDX-License-Identifier: MIT
// A loaded scenario: its `scenario{}` definition, hooks (at/every/on) and expectations,
// living in a sandboxed Lua state. Drives a world it is attached to; does not own the world,
// the run loop (session.c) or the outputs.
#ifndef GOPS_SCENARIO_H
#define GOPS_SCENARIO_H

#include "crowd/crowd.h"
#include "ops/ops.h"
#include "traffic/traffic.h"
#include "vendors/vendors.h"
#include "gridops/gridops.h"
#include "world/map.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// The `scenario{}` table after validation and --set overrides.
typedef struct gops_scenario_def {
    char name[128];
    char description[512];
    char path[1024];             ///< scenario file as given
    gops_local_time_t start;
    double duration_s;           ///< > 0
    uint64_t seed;
    gops_mode_t mode;
    double tick_s;
    char map_path[1024];         ///< resolved against the scenario's folder; "" = none
    double nav_cell_m;           ///< walkable raster cell, m
    bool crowd;                  ///< simulate pedestrians (default on when there is a map or lab)
    gops_day_kind_t day;         ///< weekday or holiday: the visitors' profile and daily total
    gops_crowd_params_t crowd_params;
    bool traffic;                ///< simulate vehicles (default on when there is a map)
    gops_traffic_params_t traffic_params;
    bool ops;                    ///< simulate incidents, the centre and teams (default on with a map)
    gops_ops_params_t ops_params;
    int64_t ops_posts;           ///< staff only the map's first N posts; -1 = all
    bool vendors;                ///< simulate street vendors and guidance points (default on with a map)
    gops_vendors_params_t vendors_params;
    size_t lua_memory_bytes;
    uint64_t lua_instructions;   ///< per hook call
} gops_scenario_def_t;

typedef enum gops_expect_op { GOPS_OP_LT, GOPS_OP_LE, GOPS_OP_GT, GOPS_OP_GE, GOPS_OP_EQ, GOPS_OP_NE } gops_expect_op_t;

/// Which run length an expectation is for: a scenario's quick window (`gridops check`) and
/// its full length (`gridops check --long`, `gridops run`) can hold different outcomes.
typedef enum gops_expect_when { GOPS_EXPECT_ALWAYS, GOPS_EXPECT_FULL, GOPS_EXPECT_QUICK } gops_expect_when_t;

/// Most overrides a scenario's quick window may hold, and the longest "key=value" of one.
enum { GOPS_QUICK_MAX = 32, GOPS_QUICK_SET_MAX = 256 };

/// One `expect(metric, op, value)` and, after evaluation, its outcome.
typedef struct gops_expectation {
    char metric[64];
    gops_expect_op_t op;
    double value;
    char where[160];      ///< "file:line" of the expect() call
    bool evaluated;
    bool measured;        ///< false when the metric has no value (actual is null); see note
    double actual;
    bool passed;
    char note[160];       ///< why an unmeasured expectation has no value
    gops_expect_when_t when;
    bool skipped;         ///< declared for the other run length: not evaluated, not failed
} gops_expectation_t;

typedef struct gops_scenario gops_scenario_t;

/// Loads a scenario file: runs it in the sandbox, requires exactly one scenario{...}, then
/// applies `sets` ("key=value", as from --set) and validates. Errors: file:line messages,
/// unknown keys with the nearest valid one.
gops_scenario_t *gops_scenario_load(const char *path, const char *const *sets, int set_count,
                                    gops_error_t *err);
void gops_scenario_destroy(gops_scenario_t *scenario);
/// The definition; mutable so the caller can apply --seed/--duration before attaching.
gops_scenario_def_t *gops_scenario_def(gops_scenario_t *scenario);

/// Sets one scenario{} key from text, with the same validation as in the file; `where`
/// prefixes messages (e.g. "--until: "). Unknown keys name the nearest valid key.
gops_status_t gops_scenario_apply_field(gops_scenario_t *scenario, const char *key, const char *value,
                                        const char *where, gops_error_t *err);

/// Applies the scenario's quick window (`scenario{ quick = { finish = "18:00", ... } }`:
/// overrides for a short regression run), then `sets` again so command-line overrides win.
/// Without a quick window the run is its full length and nothing changes.
gops_status_t gops_scenario_apply_quick(gops_scenario_t *scenario, const char *const *sets, int set_count,
                                        gops_error_t *err);
/// Whether the scenario declares a quick window.
bool gops_scenario_has_quick(const gops_scenario_t *scenario);

/// The lab map declared with lab{} (ownership passes to the caller), or NULL.
gops_map_t *gops_scenario_take_lab_map(gops_scenario_t *scenario);
/// The periodic interval in x declared by lab{}; false when there is none.
bool gops_scenario_lab_periodic(const gops_scenario_t *scenario, double *min_x, double *max_x);

/// Binds the scenario to a world created from its definition: resolves hook times, seeds
/// math.random from the world's scenario stream, applies the Lua limits.
gops_status_t gops_scenario_attach(gops_scenario_t *scenario, gops_world_t *world, gops_error_t *err);
/// Fires the at/every hooks due at the world's current tick (call before gops_world_step).
gops_status_t gops_scenario_before_tick(gops_scenario_t *scenario, gops_error_t *err);
/// Fires on(event) hooks for the events of the tick just stepped.
gops_status_t gops_scenario_after_tick(gops_scenario_t *scenario, gops_error_t *err);

/// Evaluates every expectation against the world's KPIs. A metric without a value (its
/// subsystem absent, or a scenario KPI never set) fails with a note saying why.
gops_status_t gops_scenario_evaluate(gops_scenario_t *scenario, gops_error_t *err);
const gops_expectation_t *gops_scenario_expectations(const gops_scenario_t *scenario, uint32_t *count);
const char *gops_expect_op_text(gops_expect_op_t op);
/// The reason given by known_failure("..."), or "" when none.
const char *gops_scenario_known_failure(const gops_scenario_t *scenario);

#endif
