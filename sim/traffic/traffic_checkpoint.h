// SPDX-License-Identifier: MIT
// Checkpoints of the traffic model ("traffic"): the gops_subsystem_save_fn /
// gops_subsystem_load_fn pair its attach registers (traffic_checkpoint.c), and the pieces
// whose sizes are private to their own files (entry queues in demand.c, measure windows in
// measures.c). Each load replaces the state of a model freshly attached with the same
// parameters on the same map; the network, places and routing targets stay as built.
#ifndef GOPS_TRAFFIC_CHECKPOINT_H
#define GOPS_TRAFFIC_CHECKPOINT_H

#include "core/checkpoint.h"
#include "traffic/traffic_internal.h"

void gops_traffic_save(const gops_world_t *world, const void *state, gops_ckpt_writer_t *w);
void gops_traffic_load(gops_world_t *world, void *state, gops_ckpt_reader_t *r);

/// Entries waiting at gateways and places, oldest first (demand.c); restored queues start
/// at the front of their ring, which changes no order.
void trf_demand_save_queues(const gops_traffic_t *trf, gops_ckpt_writer_t *w);
void trf_demand_load_queues(gops_traffic_t *trf, gops_ckpt_reader_t *r);
/// The measures' per-arc arrays and window ring (measures.c), into this model's arrays.
void trf_measures_save(const gops_traffic_t *trf, gops_ckpt_writer_t *w);
void trf_measures_load(gops_traffic_t *trf, gops_ckpt_reader_t *r);

#endif
