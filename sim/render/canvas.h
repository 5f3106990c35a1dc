// SPDX-License-Identifier: MIT
// A drawing target in memory: an RGBA surface with a software renderer, a world→pixel view
// transform and anti-aliased primitives (polygons with holes, thick polylines, discs,
// wedges, text, PNG output). Knows nothing about maps or agents; needs no display.
// This header is free of SDL types so that code outside render/ may hold a canvas.
#ifndef GOPS_RENDER_CANVAS_H
#define GOPS_RENDER_CANVAS_H

#include "gridops/status.h"
#include "world/map.h"

#include <stdbool.h>
#include <stdint.h>

/// A straight (not premultiplied) 8-bit colour; a = 255 is opaque.
typedef struct gops_rgba {
    uint8_t r, g, b, a;
} gops_rgba_t;

#define GOPS_RGBA(r, g, b, a) ((gops_rgba_t){(uint8_t)(r), (uint8_t)(g), (uint8_t)(b), (uint8_t)(a)})

/// World (m, x east, y north) → pixel (x right, y down): px = ox + scale·x, py = oy − scale·y.
typedef struct gops_view {
    double scale; ///< px per m, > 0
    double ox;    ///< px, screen x of world x = 0
    double oy;    ///< px, screen y of world y = 0
} gops_view_t;

/// An axis-aligned rectangle in pixels (y down).
typedef struct gops_rect {
    double x, y, w, h; ///< px
} gops_rect_t;

/// Where a text's anchor point lies on its box.
typedef enum gops_anchor {
    GOPS_ANCHOR_CENTER,
    GOPS_ANCHOR_LEFT,   ///< middle of the left edge
    GOPS_ANCHOR_RIGHT,  ///< middle of the right edge
    GOPS_ANCHOR_TOP,    ///< middle of the top edge
    GOPS_ANCHOR_BOTTOM, ///< middle of the bottom edge
    GOPS_ANCHOR_TOP_LEFT,
    GOPS_ANCHOR_TOP_RIGHT,
    GOPS_ANCHOR_BOTTOM_LEFT,
    GOPS_ANCHOR_BOTTOM_RIGHT
} gops_anchor_t;

typedef struct gops_text_style {
    double size_px;     ///< em height, px (default 14)
    gops_rgba_t colour; ///< default near-black
    gops_rgba_t halo;   ///< outline drawn behind the glyphs; a = 0 for none (default white)
    double halo_px;     ///< outline width, px (default 2)
    gops_anchor_t anchor;
    double angle_deg; ///< counter-clockwise rotation about the anchor point (default 0)
    bool bold;
} gops_text_style_t;

typedef struct gops_canvas gops_canvas_t;

/// Fits the world box [min_x, max_x] × [min_y, max_y] (m) centred into the pixel rectangle
/// `area` with `margin_px` kept free on every side; same scale on both axes, y flipped.
gops_view_t gops_view_fit(double min_x, double min_y, double max_x, double max_y, gops_rect_t area, double margin_px);
/// World point (m) → pixel.
void gops_view_to_px(const gops_view_t *view, double x, double y, double *px, double *py);
/// Pixel → world point (m).
void gops_view_to_world(const gops_view_t *view, double px, double py, double *x, double *y);

/// A width × height canvas (1..16384 px each), cleared to opaque white. Needs no display and
/// does not initialise SDL's video subsystem. NULL with err set on failure.
gops_canvas_t *gops_canvas_create(int width, int height, gops_error_t *err);
void gops_canvas_destroy(gops_canvas_t *canvas);
int gops_canvas_width(const gops_canvas_t *canvas);  ///< px
int gops_canvas_height(const gops_canvas_t *canvas); ///< px
/// The first failure while drawing (out of memory); drawing calls after one are skipped and
/// gops_canvas_save_png reports it. Returns GOPS_OK and clears err when none happened.
gops_status_t gops_canvas_status(const gops_canvas_t *canvas, gops_error_t *err);

/// The underlying SDL_Surface (ARGB8888) and SDL_Renderer, for code inside render/ (the live
/// view) that blits or draws with SDL directly. Canvas primitives flush the renderer's queue
/// before they touch pixels; callers reading pixels after their own renderer calls must
/// call gops_canvas_sync first.
struct SDL_Surface *gops_canvas_surface(gops_canvas_t *canvas);
struct SDL_Renderer *gops_canvas_renderer(gops_canvas_t *canvas);
/// Flushes queued renderer commands into the surface.
void gops_canvas_sync(gops_canvas_t *canvas);

/// Fills the whole canvas with one colour (alpha included, not blended).
void gops_canvas_clear(gops_canvas_t *canvas, gops_rgba_t colour);
/// The pixel at (x, y); transparent black outside the canvas.
gops_rgba_t gops_canvas_pixel(gops_canvas_t *canvas, int x, int y);

// Primitives. Positions are world metres mapped through `view`, or pixels when view is
// NULL; widths and radii are always pixels (multiply metres by view->scale). Colours are
// blended over what is there, with anti-aliased edges.

/// Fills a polygon (ring 0 outer, the rest holes; even-odd rule, so orientation and
/// concavity do not matter).
void gops_canvas_fill_polygon(gops_canvas_t *canvas, const gops_view_t *view, const gops_polygon_t *polygon,
                              gops_rgba_t colour);
/// Fills a set of rings with the even-odd rule (same as a polygon given ring by ring).
void gops_canvas_fill_rings(gops_canvas_t *canvas, const gops_view_t *view, const gops_path_t *rings,
                            uint32_t ring_count, gops_rgba_t colour);
/// Strokes every ring of a polygon as a closed line of width_px.
void gops_canvas_stroke_polygon(gops_canvas_t *canvas, const gops_view_t *view, const gops_polygon_t *polygon,
                                double width_px, gops_rgba_t colour);
/// A thick polyline with round joins and caps, filled as one shape (overlaps are not
/// blended twice, so translucent lines stay even). `closed` joins the last point to the first.
void gops_canvas_stroke_path(gops_canvas_t *canvas, const gops_view_t *view, const gops_point_t *pts, uint32_t count,
                             bool closed, double width_px, gops_rgba_t colour);
/// An open thick polyline with round joins and a chosen cap at each end: round, or butt
/// (cut square at the end point, e.g. a road that leaves the map).
void gops_canvas_stroke_path_capped(gops_canvas_t *canvas, const gops_view_t *view, const gops_point_t *pts,
                                    uint32_t count, double width_px, bool round_start, bool round_end,
                                    gops_rgba_t colour);
/// A dashed thick polyline: dash_px drawn, gap_px skipped, butt ends; the pattern runs on
/// across vertices.
void gops_canvas_dash_path(gops_canvas_t *canvas, const gops_view_t *view, const gops_point_t *pts, uint32_t count,
                           bool closed, double width_px, double dash_px, double gap_px, gops_rgba_t colour);
/// A straight segment of width_px with round caps.
void gops_canvas_line(gops_canvas_t *canvas, const gops_view_t *view, gops_point_t a, gops_point_t b, double width_px,
                      gops_rgba_t colour);
/// A disc of radius_px centred on `centre`.
void gops_canvas_fill_circle(gops_canvas_t *canvas, const gops_view_t *view, gops_point_t centre, double radius_px,
                             gops_rgba_t colour);
/// A ring of width_px centred on the circle of radius_px.
void gops_canvas_stroke_circle(gops_canvas_t *canvas, const gops_view_t *view, gops_point_t centre, double radius_px,
                               double width_px, gops_rgba_t colour);
/// A circular sector (camera view): apex at `centre`, axis at heading_deg (0 = north/up,
/// clockwise), opening fov_deg (≥ 360 gives a full disc), radius_px.
void gops_canvas_fill_wedge(gops_canvas_t *canvas, const gops_view_t *view, gops_point_t centre, double heading_deg,
                            double fov_deg, double radius_px, gops_rgba_t colour);
/// The outline of the same sector.
void gops_canvas_stroke_wedge(gops_canvas_t *canvas, const gops_view_t *view, gops_point_t centre, double heading_deg,
                              double fov_deg, double radius_px, double width_px, gops_rgba_t colour);
/// One sector for gops_canvas_fill_wedges.
typedef struct gops_wedge {
    gops_point_t centre; ///< apex, in view coordinates
    double heading_deg;  ///< axis, 0 = north/up, clockwise
    double fov_deg;      ///< opening; ≥ 360 is a full disc
    double radius_px;
} gops_wedge_t;

/// Fills the union of many sectors in one pass: where they overlap the colour is applied
/// once, so a translucent coverage map shows where there is coverage, not how much.
void gops_canvas_fill_wedges(gops_canvas_t *canvas, const gops_view_t *view, const gops_wedge_t *wedges, uint32_t count,
                             gops_rgba_t colour);
/// An axis-aligned rectangle in pixels.
void gops_canvas_fill_rect(gops_canvas_t *canvas, gops_rect_t rect, gops_rgba_t colour);
/// Its outline, width_px inside-centred on the edges.
void gops_canvas_stroke_rect(gops_canvas_t *canvas, gops_rect_t rect, double width_px, gops_rgba_t colour);
/// A closed pixel-space polygon given as count points (one ring, non-zero rule).
void gops_canvas_fill_shape(gops_canvas_t *canvas, const gops_view_t *view, const gops_point_t *pts, uint32_t count,
                            gops_rgba_t colour);

// Text, through SDL2_ttf with the first font found: $GOPS_FONT, a font file in
// assets/fonts/, WenQuanYi Micro Hei, Noto Sans CJK, then DejaVu Sans (Latin only, with a
// warning). Without any font, text calls draw nothing and return false (warned once).

/// Default text style (14 px, near-black, 2 px white halo, centred, upright).
gops_text_style_t gops_text_style_default(void);
/// Path of the font file in use (loads it on first call), NULL when none was found.
const char *gops_canvas_font_path(gops_canvas_t *canvas);
/// True when the font in use has CJK glyphs.
bool gops_canvas_font_has_cjk(gops_canvas_t *canvas);
/// True when the font in use has a glyph for every character of utf8 (false without a font
/// or for malformed UTF-8), so callers can fall back to another name instead of boxes.
bool gops_canvas_can_draw(gops_canvas_t *canvas, const char *utf8);
/// The pixel box the text would cover at (x, y) (view-mapped when view is not NULL),
/// halo and rotation included. False when there is no font or the text is empty.
bool gops_canvas_text_bounds(gops_canvas_t *canvas, const gops_view_t *view, double x, double y, const char *utf8,
                             const gops_text_style_t *style, gops_rect_t *box);
/// Draws UTF-8 text anchored at (x, y); *box (may be NULL) receives its pixel box.
bool gops_canvas_text(gops_canvas_t *canvas, const gops_view_t *view, double x, double y, const char *utf8,
                      const gops_text_style_t *style, gops_rect_t *box);

/// Writes the canvas as an 8-bit RGBA PNG, through a temporary file in the same folder
/// renamed into place, so `path` is either the old file or the complete new one.
gops_status_t gops_canvas_save_png(gops_canvas_t *canvas, const char *path, gops_error_t *err);

#endif
