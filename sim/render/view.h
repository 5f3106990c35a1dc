// SPDX-License-Identifier: MIT
// The live window of `gridops view`: an SDL2 window (hardware renderer when there is one,
// software otherwise) showing the scene, with pause, single step, speed ×1 … ×1000 and
// "as fast as possible", zoom and pan, layer toggles, click-to-inspect, mode keys and a help
// overlay. It plugs into the run session as its per-tick callback and paces the simulation
// to the chosen speed. The only write it ever makes to the world is a queued mode switch the
// user asks for (F1–F4), applied at the next tick like a scenario's set_mode; otherwise a run
// with the window gives the same state hash as one without.
#ifndef GOPS_RENDER_VIEW_H
#define GOPS_RENDER_VIEW_H

#include "gridops/gridops.h"
#include "render/scene.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct gops_live_view_def {
    int width, height;         ///< window size, px (1600 × 900)
    bool software;             ///< SDL's software renderer even when a hardware one exists
    double speed;              ///< simulated s per wall s at the start, 1..1000 (60); 0: as fast as possible
    bool paused;               ///< start paused
    bool exit_at_end;          ///< close when the run ends instead of holding the last frame
    gops_screen_crowd_t crowd; ///< how pedestrians are shown at the start (auto)
    const char *title;         ///< scenario name for the window title and the dashboard
    gops_screen_sources_t sources;
    /// > 0: draw this many stand-in pedestrians spread evenly over the walkable area (and
    /// moved a little every frame) instead of the simulated crowd, to measure the frame rate
    /// with a full district; the simulation itself is unchanged (0 by default).
    uint32_t synthetic_crowd;
} gops_live_view_def_t;

/// Defaults: 1600 × 900, the best renderer, ×60, running, hold at the end, default sources.
gops_live_view_def_t gops_live_view_def_default(void);

typedef struct gops_live_view gops_live_view_t;

/// Opens the window. Fails with GOPS_IO when no window can be opened (no display: use
/// `gridops run --snapshot-every` for pictures), GOPS_NOMEM when memory runs out.
gops_live_view_t *gops_live_view_create(const gops_live_view_def_t *def, gops_error_t *err);
void gops_live_view_destroy(gops_live_view_t *view);

/// A gops_tick_fn for gops_run_options_t.on_tick (user = the view): handles input, draws
/// frames and holds the run back to the chosen speed. Returns false when the user quits.
bool gops_live_view_tick(const gops_world_t *world, void *view);
/// A gops_tick_fn for gops_run_options_t.on_end: keeps showing the final state until the
/// window is closed (returns at once with exit_at_end).
bool gops_live_view_end(const gops_world_t *world, void *view);

typedef struct gops_live_view_stats {
    uint64_t frames;      ///< frames drawn
    double scene_ms_mean; ///< ms per frame drawing the scene on the canvas
    double frame_ms_mean; ///< ms per frame: the scene, the texture upload and the present
    double frame_ms_max;  ///< ms, the slowest frame (the first includes drawing the map)
    double scene_cpu_ms_mean; ///< CPU ms of this thread per frame drawing the scene: the cost
                              ///< whatever else the machine runs
    double frame_cpu_ms_mean; ///< the same with upload and present (the display server's own
                              ///< work not included)
    double fps;           ///< frames per wall second from the first frame to the last
    char renderer[64];    ///< SDL renderer name ("software", "opengl", ...)
} gops_live_view_stats_t;

gops_live_view_stats_t gops_live_view_stats(const gops_live_view_t *view);

#endif
