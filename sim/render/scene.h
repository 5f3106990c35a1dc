// SPDX-License-Identifier: MIT
// One frame of the "big screen": the district map (drawn once per view and kept as a
// picture), agent layers from a table of draw callbacks (roads coloured by traffic speed,
// pedestrians as dots or a density heat map, vehicles by class, vendors, teams and incidents
// by order state), their legend, the dashboard panel, warnings, the inspection box and the
// help overlay. Shared by the live window (view.c) and headless snapshots (snapshot.c).
// Reads the world; never changes it, never opens a window.
// Names are gops_screen_*: in ops/, "scene" means the kinds of scene the AI cameras recognise.
#ifndef GOPS_RENDER_SCENE_H
#define GOPS_RENDER_SCENE_H

#include "crowd/pedestrians.h"
#include "gridops/gridops.h"
#include "output/report.h"
#include "render/canvas.h"
#include "traffic/vclass.h"
#include "vendors/stalls.h"

#include <stdbool.h>
#include <stdint.h>

/// A scalar field on square cells (row-major, cell id = cy·nx + cx; cell (0, 0) has its
/// lower-left corner at (min_x, min_y)): the crowd model's density grid, for heat maps.
typedef struct gops_screen_grid {
    double min_x, min_y; ///< m
    double cell_m;       ///< m, > 0
    int32_t nx, ny;
    const float *ppm2; ///< persons/m² per cell
} gops_screen_grid_t;

/// Where frames get what the world does not hand out itself (the crowd model's accessors).
/// Any member may be NULL; a NULL result means "not simulated in this run".
typedef struct gops_screen_sources {
    const gops_pedestrians_t *(*pedestrians)(const gops_world_t *world);
    /// Fills *grid with the last window's densities (run_max false) or each cell's highest
    /// density so far (run_max true); false when the run has no crowd.
    bool (*density)(const gops_world_t *world, bool run_max, gops_screen_grid_t *grid);
} gops_screen_sources_t;

/// The sources this build connects (the single place where models plug into the view).
gops_screen_sources_t gops_screen_sources_default(void);

/// How pedestrians are shown.
typedef enum gops_screen_crowd {
    GOPS_SCREEN_CROWD_AUTO, ///< heat map when zoomed out with many people, dots otherwise
    GOPS_SCREEN_CROWD_DOTS,
    GOPS_SCREEN_CROWD_HEAT,
    GOPS_SCREEN_CROWD_COUNT
} gops_screen_crowd_t;

/// Layers, in table order, which is also drawing order (bit i of gops_screen_def_t.layers
/// is layer i; the bits live only in memory, so the order may change between versions).
typedef enum gops_screen_layer_id {
    GOPS_SCREEN_MAP,         ///< the district base map (always drawn)
    GOPS_SCREEN_LABELS,      ///< map names
    GOPS_SCREEN_ZONES,       ///< responsibility zones
    GOPS_SCREEN_CAMERAS,     ///< camera coverage
    GOPS_SCREEN_PA,          ///< public-address range
    GOPS_SCREEN_POSTS,       ///< the map's posts (squares)
    GOPS_SCREEN_CONGESTION,  ///< each road direction coloured by its congestion band (traffic)
    GOPS_SCREEN_PEDESTRIANS, ///< the crowd
    GOPS_SCREEN_VEHICLES,    ///< vehicles by class (traffic)
    GOPS_SCREEN_VENDORS,     ///< guidance-point stalls by state, mobile vendors on the street
    GOPS_SCREEN_TEAMS,       ///< teams by state, with a line to the incident they are sent to
    GOPS_SCREEN_INCIDENTS,   ///< incidents coloured by order state
    GOPS_SCREEN_LAYER_COUNT
} gops_screen_layer_id_t;

/// A warning shown on the dashboard as a coloured banner.
typedef struct gops_screen_warning {
    gops_note_level_t level;
    const char *text; ///< one sentence, UTF-8
    const char *when; ///< "17:02" or "since 17:02"; may be NULL
} gops_screen_warning_t;

/// Everything one frame shows that is not the world's own state.
typedef struct gops_screen_frame {
    const gops_world_t *world;             ///< NULL: an empty map area and a blank dashboard
    const char *title;                     ///< scenario name
    const gops_pedestrians_t *pedestrians; ///< NULL: no crowd in this run
    const gops_screen_grid_t *density;     ///< NULL: the heat map is binned from pedestrians
    const gops_screen_warning_t *warnings;
    uint32_t warning_count;
    const char *status;  ///< live view status line; NULL in snapshots
    const char *inspect; ///< text of the inspected item ('\n' between lines); NULL none
    bool has_marker;     ///< ring around `marker` (the inspected item)
    gops_point_t marker; ///< m
    bool help;           ///< the help overlay
    bool map_preview;    ///< a stale map picture may be shifted and scaled instead
                         ///< of redrawing the map (while the user drags or zooms)
} gops_screen_frame_t;

typedef struct gops_screen_def {
    uint32_t layers; ///< bits of gops_screen_layer_id_t
    gops_screen_crowd_t crowd;
    bool dashboard; ///< the panel on the right
} gops_screen_def_t;

/// Defaults: map, labels, posts and pedestrians on; auto crowd style; dashboard on.
gops_screen_def_t gops_screen_def_default(void);

typedef struct gops_screen gops_screen_t;

/// Result of a click: the item nearest to it.
typedef struct gops_screen_pick {
    gops_screen_layer_id_t layer;
    uint32_t index;  ///< feature index, pedestrian id (stable over the run), vehicle (pose order),
                     ///< stall or vendor index, team index, incident id
    gops_point_t at; ///< m
    char text[512];  ///< what to show, lines separated by '\n'
} gops_screen_pick_t;

/// One entry of the layer table. Map layers switch bits of the cached map picture; the
/// others draw over it every frame. New models add a row here.
typedef struct gops_screen_layer {
    const char *name;  ///< "pedestrians"
    const char *label; ///< help text, "行人 pedestrians"
    char key;          ///< toggle key in the live view; 0 = cannot be switched off
    uint32_t map_bit;  ///< gops_map_layer_t bit drawn in the map picture; 0 for agent layers
    bool on;           ///< on by default
    /// Draws the layer over the map; NULL for map layers.
    void (*draw)(gops_screen_t *scene, gops_canvas_t *canvas, const gops_view_t *view, const gops_screen_def_t *def,
                 const gops_screen_frame_t *frame);
    /// True when the run simulates what the layer shows; NULL: always.
    bool (*present)(const gops_screen_frame_t *frame);
    /// The item nearest to p (m) within radius_m; NULL: nothing to pick.
    bool (*pick)(const gops_screen_frame_t *frame, gops_point_t p, double radius_m, gops_screen_pick_t *pick);
} gops_screen_layer_t;

/// The layer table (GOPS_SCREEN_LAYER_COUNT rows, indexed by gops_screen_layer_id_t).
const gops_screen_layer_t *gops_screen_layers(void);
/// True when a layer's subject is simulated in this frame's run.
bool gops_screen_layer_present(gops_screen_layer_id_t id, const gops_screen_frame_t *frame);

/// Congestion bands of the roads (gops_overlay_congestion_band in render/overlays.h).
#define GOPS_SCREEN_CONGESTION_BANDS 5

/// Colours the scene uses (for legends and tests).
typedef struct gops_screen_palette {
    gops_rgba_t panel; ///< dashboard background
    gops_rgba_t panel_text, panel_muted, panel_accent;
    gops_rgba_t level[GOPS_NOTE_LEVEL_COUNT]; ///< warning banners: info, warning, alarm
    gops_rgba_t mode[GOPS_MODE_COUNT];        ///< mode chips
    gops_rgba_t walker_free;                  ///< pedestrian at ≥ 70 % of its free speed
    gops_rgba_t walker_slow;                  ///< 30–70 %
    gops_rgba_t walker_stopped;               ///< below 30 %
    gops_rgba_t marker;                       ///< ring around the inspected item
    gops_rgba_t no_map;                       ///< map area of a run without a district
    gops_rgba_t vehicle[GOPS_VCLASS_COUNT];   ///< vehicles by class
    gops_rgba_t congestion[GOPS_SCREEN_CONGESTION_BANDS]; ///< road directions, smooth to severe
                                              ///< (bands: gops_overlay_congestion_band)
    gops_rgba_t stall[GOPS_STALL_STATE_COUNT]; ///< guidance-point stalls by state
    gops_rgba_t street_vendor;                ///< a mobile vendor with goods out on the street
    gops_rgba_t team_idle;                    ///< on duty and free (patrolling, holding a post)
    gops_rgba_t team_coming;                  ///< called in, or walking to its post
    gops_rgba_t incident[GOPS_SVG_STATE_COUNT]; ///< order states (gops_svg_state_colour, as in the
                                              ///< report); teams sent or on scene take the same colours
} gops_screen_palette_t;

const gops_screen_palette_t *gops_screen_palette(void);

/// Heat-map colour of a density (persons/m²): transparent at 0, blue through yellow to red
/// at 4 and purple from 5 (straight alpha).
gops_rgba_t gops_screen_heat_colour(double ppm2);

/// Where the last frame put things (px), for the window's hit tests and for tests.
typedef struct gops_screen_layout {
    gops_rect_t map;        ///< the map area
    gops_rect_t panel;      ///< the dashboard (w = 0 without one)
    gops_rect_t warning[8]; ///< banners of the first warnings shown
    uint32_t warning_count;
    bool heat;        ///< pedestrians were drawn as a heat map
    uint32_t drawn;   ///< pedestrians drawn as dots (0 with the heat map)
    bool map_redrawn; ///< the map picture was redrawn for this frame
    uint32_t arcs;           ///< road directions coloured by congestion
    uint32_t vehicles;       ///< vehicles drawn
    uint32_t stalls;         ///< stalls drawn (free ones as outlines)
    uint32_t street_vendors; ///< mobile vendors drawn on the street
    uint32_t teams;          ///< teams drawn
    uint32_t incidents;      ///< incident markers drawn
    gops_rect_t legend;      ///< the legend of the model layers (w = 0 without one)
    uint32_t absent_figures; ///< dashboard figures shown as "—", not simulated (the order cells count once)
} gops_screen_layout_t;

/// NULL with err set when memory runs out.
gops_screen_t *gops_screen_create(gops_error_t *err);
void gops_screen_destroy(gops_screen_t *scene);

/// Map area and panel of a width × height canvas.
gops_screen_layout_t gops_screen_layout(int width, int height, bool dashboard);
/// The view that shows the whole district in the map area (or a 200 m square around the
/// origin without a district).
gops_view_t gops_screen_fit(const gops_world_t *world, int width, int height, bool dashboard);

/// Draws one frame on the canvas through `view` (the map area's transform).
void gops_screen_draw(gops_screen_t *scene, gops_canvas_t *canvas, const gops_view_t *view,
                      const gops_screen_def_t *def, const gops_screen_frame_t *frame);
/// Layout of the last frame drawn.
const gops_screen_layout_t *gops_screen_last_layout(const gops_screen_t *scene);
/// Forgets the cached map picture (after the district changed).
void gops_screen_invalidate(gops_screen_t *scene);

/// The item nearest to the pixel (px, py) through `view` among the layers shown, top layer
/// first: an incident, team, vendor or stall, vehicle or pedestrian within 8 px, then a point
/// feature within 8 px, a road under the cursor, the smallest building, plaza or walkway
/// containing it, the finest zone (zones layer on).
bool gops_screen_pick(const gops_screen_def_t *def, const gops_screen_frame_t *frame, const gops_view_t *view,
                      double px, double py, gops_screen_pick_t *pick);
/// Describes the pedestrian with this stable id; false when it has left.
bool gops_screen_pick_pedestrian(const gops_pedestrians_t *peds, uint32_t id, gops_screen_pick_t *pick);

/// Active warnings for the dashboard from the run's notes: lasting conditions that have not
/// ended (density warnings, "since HH:MM"), then one-off notes of the last `window_s`
/// simulated seconds before `now`; newest first, at most max (text points into notes).
uint32_t gops_screen_warnings_from_notes(const gops_report_notes_t *notes, gops_local_time_t now, double window_s,
                                         gops_screen_warning_t *out, char (*when)[16], uint32_t max);

#endif
