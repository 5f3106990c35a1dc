// SPDX-License-Identifier: MIT
// Checkpoints of the operations model ("ops") and its density trigger ("density_trigger"):
// the gops_subsystem_save_fn / gops_subsystem_load_fn pairs their attach functions register
// (ops_checkpoint.c). Each load replaces the state of a model freshly attached with the same
// parameters on the same map.
#ifndef GOPS_OPS_CHECKPOINT_H
#define GOPS_OPS_CHECKPOINT_H

#include "core/checkpoint.h"
#include "gridops/gridops.h"

void gops_ops_save(const gops_world_t *world, const void *state, gops_ckpt_writer_t *w);
void gops_ops_load(gops_world_t *world, void *state, gops_ckpt_reader_t *r);
void gops_density_trigger_save(const gops_world_t *world, const void *state, gops_ckpt_writer_t *w);
void gops_density_trigger_load(gops_world_t *world, void *state, gops_ckpt_reader_t *r);

#endif
