// SPDX-License-Identifier: MIT
// Headless pictures of the live view: the same scene drawn on an off-screen canvas with the
// software renderer and encoded as PNG in memory, with no window and no display (works with
// SDL_VIDEODRIVER=dummy and no DISPLAY). Also the peak-density heat map for the report, and
// the picture hooks the run session calls. Does not decide when pictures are taken (the
// session's recorder does) and never writes files itself.
#ifndef GOPS_RENDER_SNAPSHOT_H
#define GOPS_RENDER_SNAPSHOT_H

#include "output/report.h"
#include "render/canvas.h"
#include "render/scene.h"

#include <stddef.h>

typedef struct gops_snapshot_def {
    int width, height;             ///< px (1600 × 900)
    gops_screen_def_t scene;       ///< layers and crowd style (the live view's defaults)
    gops_screen_sources_t sources; ///< where pedestrians and densities come from
} gops_snapshot_def_t;

/// Defaults: 1600 × 900 px, gops_screen_def_default(), gops_screen_sources_default().
gops_snapshot_def_t gops_snapshot_def_default(void);

typedef struct gops_snapshot gops_snapshot_t;

/// NULL with err set when the size is out of range or memory runs out.
gops_snapshot_t *gops_snapshot_create(const gops_snapshot_def_t *def, gops_error_t *err);
void gops_snapshot_destroy(gops_snapshot_t *snapshot);

/// Draws the picture a request asks for: GOPS_PICTURE_VIEW is the whole view with the
/// dashboard (warnings from the request's notes of the last 10 simulated minutes);
/// GOPS_PICTURE_PEAK_HEATMAP is the map with each cell's highest density so far. Returns
/// false, drawing nothing, when there is nothing to show (no crowd for a heat map).
bool gops_snapshot_draw(gops_snapshot_t *snapshot, const gops_world_t *world, const gops_picture_request_t *request);
/// The canvas the last picture was drawn on.
gops_canvas_t *gops_snapshot_canvas(gops_snapshot_t *snapshot);

/// A canvas as an 8-bit RGB PNG in memory (*png malloc'd, the caller frees).
gops_status_t gops_snapshot_encode_png(gops_canvas_t *canvas, unsigned char **png, size_t *size, gops_error_t *err);

/// A gops_picture_fn: `user` is a `void **` slot holding the snapshot object, created with
/// the defaults on first use.
gops_status_t gops_snapshot_picture(const gops_world_t *world, const gops_picture_request_t *request, void *user,
                                    unsigned char **png, size_t *size, gops_error_t *err);
/// Picture hooks for gops_run_options_t keeping their snapshot object in *slot (NULL at
/// first; created on the first picture, destroyed when the run ends).
gops_picture_hooks_t gops_snapshot_hooks(void **slot);

#endif
