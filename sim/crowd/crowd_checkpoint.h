// SPDX-License-Identifier: MIT
// Checkpoints of the crowd: the crowd subsystem's save/load (crowd_checkpoint.c) and those
// of the pieces whose layout is private to their own file (demand, buildings, density,
// counting lines, the overlay), defined at the end of each of those files. Every load
// replaces the state of an object freshly built from the same map and parameters; what
// derives from geometry (fields, indices, lookups) is kept or rebuilt, never stored.
#ifndef GOPS_CROWD_CHECKPOINT_H
#define GOPS_CROWD_CHECKPOINT_H

#include "core/checkpoint.h"
#include "crowd/buildings.h"
#include "crowd/counting_line.h"
#include "crowd/crowd.h"
#include "crowd/demand.h"
#include "crowd/density.h"
#include "crowd/overlay.h"
#include "gridops/gridops.h"

/// The crowd subsystem's gops_subsystem_save_fn / gops_subsystem_load_fn.
void gops_crowd_save(const gops_world_t *world, const void *state, gops_ckpt_writer_t *w);
void gops_crowd_load(gops_world_t *world, void *state, gops_ckpt_reader_t *r);
/// Rebuilds masks, wall distance, the way out of closures and every destination's field
/// from the restored overlay and destination cells (actions.c), without moving anyone or
/// counting the work.
gops_status_t gops_crowd_actions_restore(gops_crowd_t *crowd, gops_error_t *err);

void gops_demand_save(const gops_demand_t *d, gops_ckpt_writer_t *w);
void gops_demand_load(gops_demand_t *d, gops_ckpt_reader_t *r);
void gops_buildings_save(const gops_buildings_t *b, gops_ckpt_writer_t *w);
void gops_buildings_load(gops_buildings_t *b, gops_ckpt_reader_t *r);
void gops_density_save(const gops_density_t *d, gops_ckpt_writer_t *w);
void gops_density_load(gops_density_t *d, gops_ckpt_reader_t *r);
void gops_counting_lines_save(const gops_counting_lines_t *l, gops_ckpt_writer_t *w);
void gops_counting_lines_load(gops_counting_lines_t *l, gops_ckpt_reader_t *r);
/// The overlay's items (closures, barriers, one-way sections) and version.
void gops_overlay_save(const gops_overlay_t *o, gops_ckpt_writer_t *w);
void gops_overlay_load(gops_overlay_t *o, gops_ckpt_reader_t *r);

#endif
