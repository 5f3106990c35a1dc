// SPDX-License-Identifier: MIT
// trajectories.sqlite: pedestrian positions in JuPedSim's SQLite trajectory schema
// (version 3), which PedPy loads directly. Owns the file's life: written under a temporary
// name, renamed into place on close, deleted on abort. Does not decide when a run records
// trajectories or which pedestrians exist (the caller passes the arrays).
#ifndef GOPS_OUTPUT_TRAJECTORIES_H
#define GOPS_OUTPUT_TRAJECTORIES_H

#include "gridops/status.h"
#include "world/walkable.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// The schema version written to metadata (JuPedSim's DATABASE_VERSION).
#define GOPS_TRAJECTORIES_VERSION 3

typedef struct gops_trajectories_def {
    uint32_t every_steps;       ///< a frame every this many steps, ≥ 1 (10: 1 frame/s at 0.1 s);
                                ///< the file grows by about 36 bytes per pedestrian and frame
    uint32_t frames_per_commit; ///< frames per transaction, ≥ 1 (50)
    bool clip;                  ///< keep only positions inside clip_box (false: everyone)
    double clip_box[4];         ///< xmin, ymin, xmax, ymax, m (xmin < xmax, ymin < ymax); edges included
} gops_trajectories_def_t;

gops_trajectories_def_t gops_trajectories_def_default(void);

typedef struct gops_trajectories gops_trajectories_t;

/// Creates "<path>.tmp" (replacing a stale one) with the tables, the metadata (version,
/// fps = 1 / (dt_s · every_steps), bounds of the geometry) and the geometry: the walkable
/// raster as WKT (gops_trajectories_geometry_wkt; `walk` may be NULL for an empty
/// geometry). GOPS_BAD_VALUE for a bad definition or step, GOPS_IO when the file cannot be
/// created, GOPS_NOMEM.
gops_trajectories_t *gops_trajectories_open(const char *path, const gops_trajectories_def_t *def, double dt_s,
                                            const gops_walkable_t *walk, gops_error_t *err);

/// True when step `step` (0-based) is a frame step (step % every_steps == 0).
bool gops_trajectories_due(const gops_trajectories_t *tw, uint64_t step);

/// Writes frame step / every_steps with n pedestrians (id[i], x[i], y[i]; m) in array order
/// (those inside clip_box only, when clipping), and its frame_data row, when the step is due;
/// does nothing otherwise. Steps must
/// increase. Commits every frames_per_commit frames. GOPS_IO on a write failure (the
/// writer is then unusable: abort it).
gops_status_t gops_trajectories_write(gops_trajectories_t *tw, uint64_t step, const float *x, const float *y,
                                      const uint32_t *id, uint32_t n, gops_error_t *err);

/// Frames written so far.
uint64_t gops_trajectories_frames(const gops_trajectories_t *tw);

/// Commits, builds the frame/id index, widens the bounds in metadata to every position
/// written, closes and renames the file into place. Frees tw whatever the outcome; on
/// failure the temporary file is deleted and GOPS_IO returned.
gops_status_t gops_trajectories_close(gops_trajectories_t *tw, gops_error_t *err);

/// Closes and deletes the temporary file; frees tw. NULL is allowed.
void gops_trajectories_abort(gops_trajectories_t *tw);

/// The walkable raster as WKT: a GEOMETRYCOLLECTION of axis-aligned POLYGONs, one per
/// maximal run of walkable cells in a row, merged with identical runs in the rows above
/// (so a street along an axis is one rectangle). The rectangles do not overlap and their
/// union is the walkable area. "GEOMETRYCOLLECTION EMPTY" without cells. The caller frees
/// the string; NULL when memory runs out. `len` (may be NULL) gets its length; `bounds`
/// (may be NULL) gets xmin, ymin, xmax, ymax (m; zeros without cells).
char *gops_trajectories_geometry_wkt(const gops_walkable_t *walk, size_t *len, double bounds[4]);

#endif
