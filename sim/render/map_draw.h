// SPDX-License-Identifier: MIT
// Draws a loaded district map (gops_map_t) on a canvas through any view transform, in
// layers, with labels placed without overlap and, optionally, the map furniture (title,
// legend, scale bar, north arrow). Used by `gridops map render`, snapshots and the live
// view; it does not load maps, pick output sizes or draw agents.
#ifndef GOPS_RENDER_MAP_DRAW_H
#define GOPS_RENDER_MAP_DRAW_H

#include "render/canvas.h"
#include "world/map.h"

#include <stdbool.h>
#include <stdint.h>

/// Layers, as bits of gops_map_draw_def_t.layers.
typedef enum gops_map_layer {
    GOPS_LAYER_BASE = 1u << 0,    ///< boundary, walkable areas, roads, buildings, entrances, transit,
                                  ///< vendor points, camera and speaker dots, landmark
    GOPS_LAYER_ZONES = 1u << 1,   ///< responsibility zones: fills by level, outlines, names
    GOPS_LAYER_CAMERAS = 1u << 2, ///< camera coverage wedges by type
    GOPS_LAYER_PA = 1u << 3,      ///< public-address speaker range circles
    GOPS_LAYER_POSTS = 1u << 4,   ///< staffed posts (squares)
    GOPS_LAYER_LABELS = 1u << 5,  ///< names of roads, malls, transit, landmark
} gops_map_layer_t;

/// The layers drawn when none are asked for.
#define GOPS_LAYERS_DEFAULT (GOPS_LAYER_BASE | GOPS_LAYER_LABELS)

/// The colours the map is drawn with (also for the live view's own legend and for tests).
typedef struct gops_map_palette {
    gops_rgba_t outside;  ///< canvas outside the district boundary
    gops_rgba_t land;     ///< inside the boundary (or everywhere when there is none)
    gops_rgba_t boundary; ///< boundary line
    gops_rgba_t walkable; ///< plazas, pedestrian streets
    gops_rgba_t walkway;  ///< walkways
    gops_rgba_t sidewalk;
    gops_rgba_t nonmotor; ///< non-motor lanes
    gops_rgba_t carriageway[GOPS_ROAD_CLASS_COUNT];
    gops_rgba_t island; ///< roundabout centre
    gops_rgba_t building[GOPS_BUILDING_CATEGORY_COUNT];
    gops_rgba_t building_line[GOPS_BUILDING_CATEGORY_COUNT];
    gops_rgba_t transit[GOPS_TRANSIT_MODE_COUNT];
    gops_rgba_t vendor;
    gops_rgba_t post;
    gops_rgba_t camera[GOPS_CAMERA_TYPE_COUNT];
    gops_rgba_t pa;
    gops_rgba_t landmark;
    gops_rgba_t zone[GOPS_ZONE_LEVEL_COUNT];
} gops_map_palette_t;

/// The palette in use (static, never NULL).
const gops_map_palette_t *gops_map_draw_palette(void);

/// The layer bit for a name ("base", "zones", "cameras", "pa", "posts", "labels"); 0 when unknown.
uint32_t gops_map_layer_from_name(const char *name);
/// "base, zones, cameras, pa, posts, labels" (for help and error messages).
const char *gops_map_layer_names(void);

typedef struct gops_map_draw_def {
    uint32_t layers;   ///< bits of gops_map_layer_t
    bool furniture;    ///< title, legend, scale bar and north arrow
    const char *title; ///< NULL: the boundary's name and English name, else the file name
    double text_scale; ///< multiplies every font size and mark (1 suits 2000 px wide; ≤ 0: from the canvas width)
} gops_map_draw_def_t;

/// Defaults: GOPS_LAYERS_DEFAULT, furniture on, title from the map, text scale from the canvas.
gops_map_draw_def_t gops_map_draw_def_default(void);

/// Pixel height that keeps the map's aspect at `width` px, with room for the title band and
/// the legend panel when def->furniture is on.
int gops_map_draw_height(const gops_map_t *map, const gops_map_draw_def_t *def, int width);
/// A view that fits the whole map into the map area of a width × height canvas (the whole
/// canvas without furniture; beside the legend panel and below the title band with it).
gops_view_t gops_map_draw_fit(const gops_map_t *map, const gops_map_draw_def_t *def, int width, int height);

/// Draws the map (background included) on the canvas through `view`.
void gops_map_draw(gops_canvas_t *canvas, const gops_view_t *view, const gops_map_t *map,
                   const gops_map_draw_def_t *def);

#endif
