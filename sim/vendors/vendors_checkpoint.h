// SPDX-License-Identifier: MIT
// Checkpoints of the vendors model ("vendors"): the gops_subsystem_save_fn /
// gops_subsystem_load_fn pair its attach registers (vendors_checkpoint.c). The load replaces
// the state of a model freshly attached with the same parameters on the same map.
#ifndef GOPS_VENDORS_CHECKPOINT_H
#define GOPS_VENDORS_CHECKPOINT_H

#include "core/checkpoint.h"
#include "gridops/gridops.h"

void gops_vendors_save(const gops_world_t *world, const void *state, gops_ckpt_writer_t *w);
void gops_vendors_load(gops_world_t *world, void *state, gops_ckpt_reader_t *r);

#endif
