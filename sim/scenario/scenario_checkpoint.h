// SPDX-License-Identifier: MIT
// A scenario's part of a checkpoint (section "scenario"): where its at()/every()/on() hooks
// stand (fired, next due tick), its expectations, and its Lua data (globals, the `state`
// table, variables captured by hooks; see lua_values.h). On resume the file is loaded
// again, which registers the hooks anew; this restores their progress and the data.
// Does not write the file or know the world's sections.
#ifndef GOPS_SCENARIO_CHECKPOINT_H
#define GOPS_SCENARIO_CHECKPOINT_H

#include "core/checkpoint.h"
#include "scenario/scenario.h"

#include <stdint.h>

/// Hooks registered while the file loaded; call right after gops_scenario_attach (before any
/// hook runs). Hooks registered later, by other hooks, cannot be restored unless done.
uint32_t gops_scenario_checkpoint_mark(const gops_scenario_t *scenario);
/// Writes section "scenario". GOPS_SCENARIO (naming the hook or the variable) when a hook
/// registered while the run went on is still pending, or a Lua value cannot be saved.
gops_status_t gops_scenario_checkpoint_save(gops_scenario_t *scenario, uint32_t load_hooks, gops_ckpt_writer_t *w,
                                            gops_error_t *err);
/// Restores section "scenario" into the same scenario freshly loaded and attached.
gops_status_t gops_scenario_checkpoint_load(gops_scenario_t *scenario, gops_ckpt_reader_t *r, gops_error_t *err);

#endif
