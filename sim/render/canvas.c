// SPDX-License-Identifier: MIT
// The canvas: an ARGB8888 SDL_Surface with a software SDL_Renderer, our own anti-aliased
// scanline rasteriser for every shape, SDL2_ttf text with halo and rotation, libpng output.
// Shapes are rasterised here rather than with SDL_RenderGeometry because SDL's software
// renderer does not anti-alias and map outlines at 1–2 px need it. Map semantics live in
// map_draw.c; no SDL video subsystem is touched, so this works without a display.
#include "render/canvas.h"

#include "core/assert.h"
#include "core/log.h"

#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>
#include <png.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SIDE 16384
// Sub-scanlines per pixel row. A power of two keeps interior coverage exactly 1.0, so
// opaque fills reproduce their colour bit for bit (tests rely on that).
#define SUBSAMPLES 8
#define FONT_CACHE 24
#define PI 3.14159265358979323846

typedef struct edge {
    double x0, y0, x1, y1; ///< px, y0 < y1
    int dir;               ///< +1 when the original edge ran downwards, −1 upwards
} edge_t;

typedef struct crossing {
    double x;
    int dir;
} crossing_t;

typedef struct font_slot {
    TTF_Font *font;
    int size, outline, bold;
    unsigned stamp;
} font_slot_t;

typedef enum fill_rule { RULE_EVEN_ODD, RULE_NON_ZERO } fill_rule_t;

struct gops_canvas {
    SDL_Surface *surface;
    SDL_Renderer *renderer;
    int width, height;
    gops_error_t error; ///< sticky first failure

    // rasteriser scratch
    edge_t *edges;
    size_t edge_count, edge_cap;
    size_t *active;
    size_t active_cap;
    crossing_t *cross;
    size_t cross_cap;
    float *cover, *delta; ///< width + 1 each
    double *pts;          ///< px coordinates scratch (x, y pairs)
    size_t pts_cap;

    // text
    bool font_searched, ttf_up, has_cjk;
    char *font_path;
    long font_face;
    font_slot_t fonts[FONT_CACHE];
    unsigned font_stamp;
};

// ---------------------------------------------------------------------------------------
// View

gops_view_t gops_view_fit(double min_x, double min_y, double max_x, double max_y, gops_rect_t area, double margin_px)
{
    double w = max_x - min_x, h = max_y - min_y;
    if (!(w > 0)) w = 1;
    if (!(h > 0)) h = 1;
    double aw = area.w - 2 * margin_px, ah = area.h - 2 * margin_px;
    if (aw < 1) aw = 1;
    if (ah < 1) ah = 1;
    double sx = aw / w, sy = ah / h;
    gops_view_t v;
    v.scale = sx < sy ? sx : sy;
    double cx = 0.5 * (min_x + max_x), cy = 0.5 * (min_y + max_y);
    v.ox = area.x + 0.5 * area.w - v.scale * cx;
    v.oy = area.y + 0.5 * area.h + v.scale * cy;
    return v;
}

void gops_view_to_px(const gops_view_t *view, double x, double y, double *px, double *py)
{
    if (!view) {
        *px = x;
        *py = y;
        return;
    }
    *px = view->ox + view->scale * x;
    *py = view->oy - view->scale * y;
}

void gops_view_to_world(const gops_view_t *view, double px, double py, double *x, double *y)
{
    if (!view) {
        *x = px;
        *y = py;
        return;
    }
    *x = (px - view->ox) / view->scale;
    *y = (view->oy - py) / view->scale;
}

// ---------------------------------------------------------------------------------------
// Life cycle

static void set_nomem(gops_canvas_t *c, const char *what)
{
    if (c->error.status == GOPS_OK)
        gops_error_set(&c->error, GOPS_NOMEM, "canvas %dx%d: out of memory while %s", c->width, c->height, what);
}

gops_canvas_t *gops_canvas_create(int width, int height, gops_error_t *err)
{
    if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
        gops_error_set(err, GOPS_BAD_VALUE, "canvas size %dx%d: expected 1..%d px on each side", width, height,
                       MAX_SIDE);
        return NULL;
    }
    gops_canvas_t *c = calloc(1, sizeof *c);
    if (!c) goto nomem;
    c->width = width;
    c->height = height;
    c->cover = calloc((size_t)width + 2, sizeof *c->cover);
    c->delta = calloc((size_t)width + 2, sizeof *c->delta);
    if (!c->cover || !c->delta) goto nomem;
    // SDL surfaces and the software renderer need no SDL_Init: no window, no video driver.
    c->surface = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!c->surface) {
        gops_error_set(err, GOPS_INTERNAL, "canvas %dx%d: cannot create the surface: %s", width, height,
                       SDL_GetError());
        goto fail;
    }
    c->renderer = SDL_CreateSoftwareRenderer(c->surface);
    if (!c->renderer) {
        gops_error_set(err, GOPS_INTERNAL, "canvas %dx%d: cannot create the software renderer: %s", width, height,
                       SDL_GetError());
        goto fail;
    }
    gops_canvas_clear(c, GOPS_RGBA(255, 255, 255, 255));
    gops_error_clear(&c->error);
    return c;
nomem:
    gops_error_set(err, GOPS_NOMEM, "canvas %dx%d: out of memory", width, height);
fail:
    gops_canvas_destroy(c);
    return NULL;
}

void gops_canvas_destroy(gops_canvas_t *c)
{
    if (!c) return;
    for (int i = 0; i < FONT_CACHE; i++)
        if (c->fonts[i].font) TTF_CloseFont(c->fonts[i].font);
    if (c->ttf_up) TTF_Quit(); // reference-counted by SDL2_ttf
    if (c->renderer) SDL_DestroyRenderer(c->renderer);
    if (c->surface) SDL_FreeSurface(c->surface);
    free(c->font_path);
    free(c->edges);
    free(c->active);
    free(c->cross);
    free(c->cover);
    free(c->delta);
    free(c->pts);
    free(c);
}

int gops_canvas_width(const gops_canvas_t *c) { return c->width; }
int gops_canvas_height(const gops_canvas_t *c) { return c->height; }

gops_status_t gops_canvas_status(const gops_canvas_t *c, gops_error_t *err)
{
    if (c->error.status == GOPS_OK) {
        gops_error_clear(err);
        return GOPS_OK;
    }
    if (err) *err = c->error;
    return c->error.status;
}

struct SDL_Surface *gops_canvas_surface(gops_canvas_t *c) { return c->surface; }
struct SDL_Renderer *gops_canvas_renderer(gops_canvas_t *c) { return c->renderer; }
void gops_canvas_sync(gops_canvas_t *c) { SDL_RenderFlush(c->renderer); }

void gops_canvas_clear(gops_canvas_t *c, gops_rgba_t col)
{
    SDL_SetRenderDrawBlendMode(c->renderer, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(c->renderer, col.r, col.g, col.b, col.a);
    SDL_RenderClear(c->renderer);
    SDL_RenderFlush(c->renderer);
}

static inline uint32_t *row_at(gops_canvas_t *c, int y)
{
    return (uint32_t *)((uint8_t *)c->surface->pixels + (size_t)y * (size_t)c->surface->pitch);
}

gops_rgba_t gops_canvas_pixel(gops_canvas_t *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= c->width || y >= c->height) return GOPS_RGBA(0, 0, 0, 0);
    SDL_RenderFlush(c->renderer);
    uint32_t p = row_at(c, y)[x];
    return GOPS_RGBA((p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff, p >> 24);
}

// ---------------------------------------------------------------------------------------
// Blending

static inline uint8_t to_byte(float v)
{
    if (v <= 0) return 0;
    if (v >= 255) return 255;
    return (uint8_t)(v + 0.5f);
}

/// Source-over with straight (non-premultiplied) alpha on both sides.
static inline void blend(uint32_t *p, gops_rgba_t s, float coverage)
{
    float sa = (float)s.a * coverage / 255.0f;
    if (sa >= 1.0f) {
        *p = 0xff000000u | ((uint32_t)s.r << 16) | ((uint32_t)s.g << 8) | s.b;
        return;
    }
    if (sa <= 0.0f) return;
    uint32_t d = *p;
    float da = (float)(d >> 24) / 255.0f;
    float keep = da * (1.0f - sa);
    float oa = sa + keep;
    if (oa <= 0.0f) return;
    float r = ((float)s.r * sa + (float)((d >> 16) & 0xff) * keep) / oa;
    float g = ((float)s.g * sa + (float)((d >> 8) & 0xff) * keep) / oa;
    float b = ((float)s.b * sa + (float)(d & 0xff) * keep) / oa;
    *p = ((uint32_t)to_byte(oa * 255.0f) << 24) | ((uint32_t)to_byte(r) << 16) | ((uint32_t)to_byte(g) << 8) |
         to_byte(b);
}

// ---------------------------------------------------------------------------------------
// Rasteriser: edges in pixel space, SUBSAMPLES sub-scanlines per row, exact horizontal
// coverage of each span, accumulated per row and composited once (so a shape never
// blends over itself).

static bool grow(gops_canvas_t *c, void **buf, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return true;
    size_t n = *cap ? *cap : 64;
    while (n < need) n *= 2;
    void *p = realloc(*buf, n * elem);
    if (!p) {
        set_nomem(c, "rasterising a shape");
        return false;
    }
    *buf = p;
    *cap = n;
    return true;
}

static void add_edge(gops_canvas_t *c, double x0, double y0, double x1, double y1)
{
    if (y0 == y1 || !isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1)) return;
    if (!grow(c, (void **)&c->edges, &c->edge_cap, c->edge_count + 1, sizeof *c->edges)) return;
    edge_t *e = &c->edges[c->edge_count++];
    if (y0 < y1) {
        *e = (edge_t){x0, y0, x1, y1, 1};
    } else {
        *e = (edge_t){x1, y1, x0, y0, -1};
    }
}

/// Adds a closed ring of n pixel points (x, y pairs).
static void add_ring(gops_canvas_t *c, const double *xy, size_t n)
{
    if (n < 3) return;
    for (size_t i = 0; i < n; i++) {
        size_t j = (i + 1 == n) ? 0 : i + 1;
        add_edge(c, xy[2 * i], xy[2 * i + 1], xy[2 * j], xy[2 * j + 1]);
    }
}

static int cmp_edge(const void *a, const void *b)
{
    const edge_t *ea = a, *eb = b;
    return (ea->y0 > eb->y0) - (ea->y0 < eb->y0);
}

static int cmp_cross(const void *a, const void *b)
{
    const crossing_t *ca = a, *cb = b;
    return (ca->x > cb->x) - (ca->x < cb->x);
}

static void accumulate(gops_canvas_t *c, double xa, double xb, int *lo, int *hi)
{
    const float w = 1.0f / SUBSAMPLES;
    double W = c->width;
    if (xb <= 0 || xa >= W || xb <= xa) return;
    if (xa < 0) xa = 0;
    if (xb > W) xb = W;
    int ia = (int)xa, ib = (int)xb;
    if (ia == ib) {
        c->cover[ia] += (float)(xb - xa) * w;
    } else {
        c->cover[ia] += (float)((double)(ia + 1) - xa) * w;
        c->delta[ia + 1] += w;
        c->delta[ib] -= w;
        if (ib < c->width) c->cover[ib] += (float)(xb - (double)ib) * w;
    }
    if (ia < *lo) *lo = ia;
    int last = ib < c->width ? ib : c->width - 1;
    if (last > *hi) *hi = last;
}

static void fill_edges(gops_canvas_t *c, fill_rule_t rule, gops_rgba_t col)
{
    size_t n = c->edge_count;
    c->edge_count = 0;
    if (n == 0 || col.a == 0 || c->error.status != GOPS_OK) return;
    if (!grow(c, (void **)&c->active, &c->active_cap, n, sizeof *c->active)) return;
    if (!grow(c, (void **)&c->cross, &c->cross_cap, n, sizeof *c->cross)) return;
    SDL_RenderFlush(c->renderer);

    double ymin = c->edges[0].y0, ymax = c->edges[0].y1;
    for (size_t i = 1; i < n; i++) {
        if (c->edges[i].y0 < ymin) ymin = c->edges[i].y0;
        if (c->edges[i].y1 > ymax) ymax = c->edges[i].y1;
    }
    if (ymax <= 0 || ymin >= c->height) return;
    int row0 = ymin < 0 ? 0 : (int)floor(ymin);
    int row1 = ymax > c->height ? c->height - 1 : (int)ceil(ymax) - 1;
    qsort(c->edges, n, sizeof *c->edges, cmp_edge);

    size_t next = 0, nactive = 0;
    for (int row = row0; row <= row1; row++) {
        int lo = c->width, hi = -1;
        for (int s = 0; s < SUBSAMPLES; s++) {
            double sy = row + (s + 0.5) / SUBSAMPLES;
            while (next < n && c->edges[next].y0 <= sy) c->active[nactive++] = next++;
            size_t keep = 0, ncross = 0;
            for (size_t k = 0; k < nactive; k++) {
                const edge_t *e = &c->edges[c->active[k]];
                if (e->y1 <= sy) continue;
                c->active[keep++] = c->active[k];
                double t = (sy - e->y0) / (e->y1 - e->y0);
                c->cross[ncross++] = (crossing_t){e->x0 + t * (e->x1 - e->x0), e->dir};
            }
            nactive = keep;
            if (ncross < 2) continue;
            if (ncross == 2) {
                if (c->cross[0].x > c->cross[1].x) {
                    crossing_t t = c->cross[0];
                    c->cross[0] = c->cross[1];
                    c->cross[1] = t;
                }
            } else {
                qsort(c->cross, ncross, sizeof *c->cross, cmp_cross);
            }
            int wind = 0;
            for (size_t k = 0; k + 1 < ncross; k++) {
                wind += rule == RULE_EVEN_ODD ? 1 : c->cross[k].dir;
                bool inside = rule == RULE_EVEN_ODD ? (wind & 1) : wind != 0;
                if (inside) accumulate(c, c->cross[k].x, c->cross[k + 1].x, &lo, &hi);
            }
        }
        if (hi < lo) continue;
        uint32_t *px = row_at(c, row);
        float run = 0;
        for (int x = lo; x <= hi; x++) {
            run += c->delta[x];
            float a = c->cover[x] + run;
            c->cover[x] = 0;
            c->delta[x] = 0;
            if (a > 1.0f) a = 1.0f;
            if (a > 1.0f / 512) blend(&px[x], col, a);
        }
        c->delta[hi + 1] = 0;
        if (hi + 2 <= c->width) c->delta[hi + 2] = 0; // a span ending exactly on hi+1
    }
}

// ---------------------------------------------------------------------------------------
// Shape building (pixel space). Pieces of one stroke all wind the same way, so the
// non-zero rule fills their union once.

static double *pts_scratch(gops_canvas_t *c, size_t n)
{
    if (!grow(c, (void **)&c->pts, &c->pts_cap, 2 * n, sizeof *c->pts)) return NULL;
    return c->pts;
}

static void add_oriented(gops_canvas_t *c, double *xy, size_t n)
{
    double area = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = (i + 1 == n) ? 0 : i + 1;
        area += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
    }
    if (area < 0) { // reverse in place
        for (size_t i = 0, j = n - 1; i < j; i++, j--) {
            double tx = xy[2 * i], ty = xy[2 * i + 1];
            xy[2 * i] = xy[2 * j];
            xy[2 * i + 1] = xy[2 * j + 1];
            xy[2 * j] = tx;
            xy[2 * j + 1] = ty;
        }
    }
    add_ring(c, xy, n);
}

static int circle_segments(double r)
{
    int n = (int)ceil(2 * PI * r / 3.0);
    if (n < 8) n = 8;
    if (n > 128) n = 128;
    return n;
}

static void add_disc(gops_canvas_t *c, double cx, double cy, double r)
{
    if (!(r > 0)) return;
    int n = circle_segments(r);
    double xy[2 * 128];
    for (int i = 0; i < n; i++) {
        // counter-clockwise on screen (y down) like every other stroke piece after add_oriented
        double a = -2 * PI * i / n;
        xy[2 * i] = cx + r * cos(a);
        xy[2 * i + 1] = cy + r * sin(a);
    }
    add_oriented(c, xy, (size_t)n);
}

static void add_segment(gops_canvas_t *c, double x0, double y0, double x1, double y1, double hw)
{
    double dx = x1 - x0, dy = y1 - y0, len = hypot(dx, dy);
    if (len <= 0) return;
    double nx = -dy / len * hw, ny = dx / len * hw;
    double xy[8] = {x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny};
    add_oriented(c, xy, 4);
}

/// Stroke pieces for a pixel polyline: quads per segment, discs at joins and at the ends
/// that have round caps.
static void add_stroke_caps(gops_canvas_t *c, const double *xy, size_t n, bool closed, double hw, bool round_start,
                            bool round_end)
{
    if (n == 0 || !(hw > 0)) return;
    if (n == 1) {
        if (round_start || round_end) add_disc(c, xy[0], xy[1], hw);
        return;
    }
    size_t segs = closed ? n : n - 1;
    for (size_t i = 0; i < segs; i++) {
        size_t j = (i + 1 == n) ? 0 : i + 1;
        add_segment(c, xy[2 * i], xy[2 * i + 1], xy[2 * j], xy[2 * j + 1], hw);
    }
    for (size_t i = 0; i < n; i++) {
        if (!closed && i == 0 && !round_start) continue;
        if (!closed && i + 1 == n && !round_end) continue;
        add_disc(c, xy[2 * i], xy[2 * i + 1], hw);
    }
}

static void add_stroke(gops_canvas_t *c, const double *xy, size_t n, bool closed, double hw, bool round_caps)
{
    add_stroke_caps(c, xy, n, closed, hw, round_caps, round_caps);
}

static double *map_points(gops_canvas_t *c, const gops_view_t *view, const gops_point_t *pts, uint32_t n)
{
    double *xy = pts_scratch(c, n);
    if (!xy) return NULL;
    for (uint32_t i = 0; i < n; i++) gops_view_to_px(view, pts[i].x, pts[i].y, &xy[2 * i], &xy[2 * i + 1]);
    return xy;
}

// ---------------------------------------------------------------------------------------
// Public primitives

void gops_canvas_fill_rings(gops_canvas_t *c, const gops_view_t *view, const gops_path_t *rings, uint32_t ring_count,
                            gops_rgba_t colour)
{
    for (uint32_t r = 0; r < ring_count; r++) {
        double *xy = map_points(c, view, rings[r].pts, rings[r].count);
        if (!xy) return;
        add_ring(c, xy, rings[r].count);
    }
    fill_edges(c, RULE_EVEN_ODD, colour);
}

void gops_canvas_fill_polygon(gops_canvas_t *c, const gops_view_t *view, const gops_polygon_t *poly, gops_rgba_t colour)
{
    gops_canvas_fill_rings(c, view, poly->rings, poly->ring_count, colour);
}

void gops_canvas_stroke_path(gops_canvas_t *c, const gops_view_t *view, const gops_point_t *pts, uint32_t count,
                             bool closed, double width_px, gops_rgba_t colour)
{
    double *xy = map_points(c, view, pts, count);
    if (!xy) return;
    add_stroke(c, xy, count, closed, 0.5 * width_px, true);
    fill_edges(c, RULE_NON_ZERO, colour);
}

void gops_canvas_stroke_path_capped(gops_canvas_t *c, const gops_view_t *view, const gops_point_t *pts, uint32_t count,
                                    double width_px, bool round_start, bool round_end, gops_rgba_t colour)
{
    double *xy = map_points(c, view, pts, count);
    if (!xy) return;
    add_stroke_caps(c, xy, count, false, 0.5 * width_px, round_start, round_end);
    fill_edges(c, RULE_NON_ZERO, colour);
}

void gops_canvas_stroke_polygon(gops_canvas_t *c, const gops_view_t *view, const gops_polygon_t *poly, double width_px,
                                gops_rgba_t colour)
{
    for (uint32_t r = 0; r < poly->ring_count; r++) {
        double *xy = map_points(c, view, poly->rings[r].pts, poly->rings[r].count);
        if (!xy) return;
        add_stroke(c, xy, poly->rings[r].count, true, 0.5 * width_px, true);
    }
    fill_edges(c, RULE_NON_ZERO, colour);
}

void gops_canvas_dash_path(gops_canvas_t *c, const gops_view_t *view, const gops_point_t *pts, uint32_t count,
                           bool closed, double width_px, double dash_px, double gap_px, gops_rgba_t colour)
{
    if (count < 2 || !(dash_px > 0)) return;
    if (!(gap_px > 0)) {
        gops_canvas_stroke_path(c, view, pts, count, closed, width_px, colour);
        return;
    }
    double *xy = map_points(c, view, pts, count);
    if (!xy) return;
    size_t segs = closed ? count : count - 1;
    // A dash crosses at most every vertex, so its points fit in count + 2 pairs.
    double *dash = malloc(sizeof *dash * 2 * ((size_t)count + 3));
    if (!dash) {
        set_nomem(c, "dashing a line");
        return;
    }
    double hw = 0.5 * width_px, left = dash_px; // length left in the current dash or gap
    bool on = true;
    size_t dn = 0; // doubles in `dash`
    for (size_t i = 0; i < segs; i++) {
        size_t j = (i + 1 == count) ? 0 : i + 1;
        double x0 = xy[2 * i], y0 = xy[2 * i + 1], x1 = xy[2 * j], y1 = xy[2 * j + 1];
        double len = hypot(x1 - x0, y1 - y0), t = 0;
        if (len <= 0) continue;
        while (t < len) {
            double step = fmin(left, len - t);
            if (on && dn == 0) {
                dash[dn++] = x0 + (x1 - x0) * t / len;
                dash[dn++] = y0 + (y1 - y0) * t / len;
            }
            t += step;
            left -= step;
            if (on) { // the dash's end, or the vertex where it bends
                dash[dn++] = x0 + (x1 - x0) * t / len;
                dash[dn++] = y0 + (y1 - y0) * t / len;
            }
            if (left <= 1e-9) {
                if (on) add_stroke(c, dash, dn / 2, false, hw, false);
                dn = 0;
                on = !on;
                left = on ? dash_px : gap_px;
            }
        }
    }
    if (on && dn >= 4) add_stroke(c, dash, dn / 2, false, hw, false);
    free(dash);
    fill_edges(c, RULE_NON_ZERO, colour);
}

void gops_canvas_line(gops_canvas_t *c, const gops_view_t *view, gops_point_t a, gops_point_t b, double width_px,
                      gops_rgba_t colour)
{
    gops_point_t p[2] = {a, b};
    gops_canvas_stroke_path(c, view, p, 2, false, width_px, colour);
}

void gops_canvas_fill_circle(gops_canvas_t *c, const gops_view_t *view, gops_point_t centre, double radius_px,
                             gops_rgba_t colour)
{
    double x, y;
    gops_view_to_px(view, centre.x, centre.y, &x, &y);
    add_disc(c, x, y, radius_px);
    fill_edges(c, RULE_NON_ZERO, colour);
}

void gops_canvas_stroke_circle(gops_canvas_t *c, const gops_view_t *view, gops_point_t centre, double radius_px,
                               double width_px, gops_rgba_t colour)
{
    double x, y;
    gops_view_to_px(view, centre.x, centre.y, &x, &y);
    double ro = radius_px + 0.5 * width_px, ri = radius_px - 0.5 * width_px;
    add_disc(c, x, y, ro);
    if (ri > 0) add_disc(c, x, y, ri);
    fill_edges(c, RULE_EVEN_ODD, colour);
}

/// Sector outline points in pixel space: apex then the arc; returns the count.
static size_t wedge_points(double *xy, double x, double y, double heading_deg, double fov_deg, double r)
{
    int n = circle_segments(r);
    int arc = (int)ceil(n * fov_deg / 360.0);
    if (arc < 2) arc = 2;
    if (arc > 128) arc = 128;
    double h = heading_deg * PI / 180.0, half = 0.5 * fov_deg * PI / 180.0;
    xy[0] = x;
    xy[1] = y;
    for (int i = 0; i <= arc; i++) {
        double a = h - half + 2 * half * i / arc; // compass angle, clockwise from north
        xy[2 * (i + 1)] = x + r * sin(a);
        xy[2 * (i + 1) + 1] = y - r * cos(a);
    }
    return (size_t)arc + 2;
}

void gops_canvas_fill_wedge(gops_canvas_t *c, const gops_view_t *view, gops_point_t centre, double heading_deg,
                            double fov_deg, double radius_px, gops_rgba_t colour)
{
    if (fov_deg >= 360.0) {
        gops_canvas_fill_circle(c, view, centre, radius_px, colour);
        return;
    }
    if (!(fov_deg > 0) || !(radius_px > 0)) return;
    double x, y, xy[2 * 131];
    gops_view_to_px(view, centre.x, centre.y, &x, &y);
    size_t n = wedge_points(xy, x, y, heading_deg, fov_deg, radius_px);
    add_ring(c, xy, n);
    fill_edges(c, RULE_NON_ZERO, colour);
}

void gops_canvas_stroke_wedge(gops_canvas_t *c, const gops_view_t *view, gops_point_t centre, double heading_deg,
                              double fov_deg, double radius_px, double width_px, gops_rgba_t colour)
{
    if (fov_deg >= 360.0) {
        gops_canvas_stroke_circle(c, view, centre, radius_px, width_px, colour);
        return;
    }
    if (!(fov_deg > 0) || !(radius_px > 0)) return;
    double x, y, xy[2 * 131];
    gops_view_to_px(view, centre.x, centre.y, &x, &y);
    size_t n = wedge_points(xy, x, y, heading_deg, fov_deg, radius_px);
    add_stroke(c, xy, n, true, 0.5 * width_px, true);
    fill_edges(c, RULE_NON_ZERO, colour);
}

void gops_canvas_fill_wedges(gops_canvas_t *c, const gops_view_t *view, const gops_wedge_t *w, uint32_t count,
                             gops_rgba_t colour)
{
    double xy[2 * 131];
    for (uint32_t i = 0; i < count; i++) {
        if (!(w[i].radius_px > 0) || !(w[i].fov_deg > 0)) continue;
        double x, y;
        gops_view_to_px(view, w[i].centre.x, w[i].centre.y, &x, &y);
        if (w[i].fov_deg >= 360.0) {
            add_disc(c, x, y, w[i].radius_px);
        } else {
            size_t n = wedge_points(xy, x, y, w[i].heading_deg, w[i].fov_deg, w[i].radius_px);
            add_oriented(c, xy, n);
        }
    }
    fill_edges(c, RULE_NON_ZERO, colour);
}

void gops_canvas_fill_rect(gops_canvas_t *c, gops_rect_t r, gops_rgba_t colour)
{
    double xy[8] = {r.x, r.y, r.x + r.w, r.y, r.x + r.w, r.y + r.h, r.x, r.y + r.h};
    add_ring(c, xy, 4);
    fill_edges(c, RULE_NON_ZERO, colour);
}

void gops_canvas_stroke_rect(gops_canvas_t *c, gops_rect_t r, double width_px, gops_rgba_t colour)
{
    double w = width_px;
    if (2 * w >= r.w || 2 * w >= r.h) {
        gops_canvas_fill_rect(c, r, colour);
        return;
    }
    double outer[8] = {r.x, r.y, r.x + r.w, r.y, r.x + r.w, r.y + r.h, r.x, r.y + r.h};
    double inner[8] = {r.x + w, r.y + w, r.x + r.w - w, r.y + w, r.x + r.w - w, r.y + r.h - w, r.x + w, r.y + r.h - w};
    add_ring(c, outer, 4);
    add_ring(c, inner, 4);
    fill_edges(c, RULE_EVEN_ODD, colour);
}

void gops_canvas_fill_shape(gops_canvas_t *c, const gops_view_t *view, const gops_point_t *pts, uint32_t count,
                            gops_rgba_t colour)
{
    double *xy = map_points(c, view, pts, count);
    if (!xy) return;
    add_ring(c, xy, count);
    fill_edges(c, RULE_NON_ZERO, colour);
}

// ---------------------------------------------------------------------------------------
// Fonts

static bool readable(const char *path) { return path && *path && access(path, R_OK) == 0; }

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/// The alphabetically first .ttf/.ttc/.otf file in dir (deterministic), or NULL.
static char *font_in_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char *names[64];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 64) {
        size_t len = strlen(de->d_name);
        if (len < 5) continue;
        const char *ext = de->d_name + len - 4;
        if (strcasecmp(ext, ".ttf") && strcasecmp(ext, ".ttc") && strcasecmp(ext, ".otf")) continue;
        names[n] = strdup(de->d_name);
        if (names[n]) n++;
    }
    closedir(d);
    if (n == 0) return NULL;
    qsort(names, n, sizeof *names, cmp_str);
    char *path = malloc(strlen(dir) + strlen(names[0]) + 2);
    if (path) sprintf(path, "%s/%s", dir, names[0]);
    for (size_t i = 0; i < n; i++) free(names[i]);
    return path;
}

static const char *const system_fonts[] = {
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
};
static const char *const latin_fonts[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
};

static bool ttf_start(gops_canvas_t *c)
{
    if (c->ttf_up) return true;
    if (TTF_Init() != 0) {
        gops_log(GOPS_LOG_WARN, "cannot start SDL2_ttf (%s): map text is left out", TTF_GetError());
        return false;
    }
    c->ttf_up = true;
    return true;
}

/// Chooses the face of a collection: the Simplified Chinese one when the file names its
/// faces by region (Noto Sans CJK puts Japanese first), otherwise face 0.
static long choose_face(const char *path)
{
    TTF_Font *f = TTF_OpenFont(path, 12);
    if (!f) return 0;
    long faces = TTF_FontFaces(f);
    TTF_CloseFont(f);
    for (long i = 0; i < faces && i < 16; i++) {
        TTF_Font *g = TTF_OpenFontIndex(path, 12, i);
        if (!g) continue;
        const char *family = TTF_FontFaceFamilyName(g);
        bool sc = family && strstr(family, " SC") != NULL;
        TTF_CloseFont(g);
        if (sc) return i;
    }
    return 0;
}

static bool try_font(gops_canvas_t *c, const char *path)
{
    if (!readable(path)) return false;
    TTF_Font *f = TTF_OpenFont(path, 12);
    if (!f) return false;
    TTF_CloseFont(f);
    c->font_path = strdup(path);
    if (!c->font_path) return false;
    c->font_face = choose_face(path);
    TTF_Font *g = TTF_OpenFontIndex(path, 12, c->font_face);
    c->has_cjk = g && TTF_GlyphIsProvided32(g, 0x4E8C) && TTF_GlyphIsProvided32(g, 0x5854); // 二, 塔
    if (g) TTF_CloseFont(g);
    return true;
}

static void find_font(gops_canvas_t *c)
{
    if (c->font_searched) return;
    c->font_searched = true;
    if (!ttf_start(c)) return;
    const char *env = getenv("GOPS_FONT");
    if (env && *env) {
        if (try_font(c, env)) goto found;
        gops_log(GOPS_LOG_WARN, "GOPS_FONT='%s' is not a readable font file; looking elsewhere", env);
    }
    const char *dirs[] = {"assets/fonts", GOPS_SOURCE_DIR "/assets/fonts"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char *p = font_in_dir(dirs[i]);
        bool ok = p && try_font(c, p);
        free(p);
        if (ok) goto found;
    }
    for (size_t i = 0; i < sizeof system_fonts / sizeof *system_fonts; i++)
        if (try_font(c, system_fonts[i])) goto found;
    for (size_t i = 0; i < sizeof latin_fonts / sizeof *latin_fonts; i++)
        if (try_font(c, latin_fonts[i])) goto found;
    gops_log(GOPS_LOG_WARN, "no usable font (set GOPS_FONT or install fonts-wqy-microhei): map text is left out");
    return;
found:
    if (!c->has_cjk)
        gops_log(GOPS_LOG_WARN,
                 "font %s has no Chinese glyphs: Chinese names will not show (install "
                 "fonts-wqy-microhei or set GOPS_FONT)",
                 c->font_path);
}

const char *gops_canvas_font_path(gops_canvas_t *c)
{
    find_font(c);
    return c->font_path;
}

bool gops_canvas_font_has_cjk(gops_canvas_t *c)
{
    find_font(c);
    return c->font_path && c->has_cjk;
}

static TTF_Font *font_get(gops_canvas_t *c, int size, int outline, bool bold);

bool gops_canvas_can_draw(gops_canvas_t *c, const char *utf8)
{
    TTF_Font *f = font_get(c, 12, 0, false);
    if (!f || !utf8) return false;
    const unsigned char *s = (const unsigned char *)utf8;
    while (*s) {
        uint32_t cp;
        int extra;
        if (*s < 0x80) {
            cp = *s;
            extra = 0;
        } else if ((*s & 0xE0) == 0xC0) {
            cp = *s & 0x1F;
            extra = 1;
        } else if ((*s & 0xF0) == 0xE0) {
            cp = *s & 0x0F;
            extra = 2;
        } else if ((*s & 0xF8) == 0xF0) {
            cp = *s & 0x07;
            extra = 3;
        } else {
            return false;
        }
        s++;
        for (int i = 0; i < extra; i++, s++) {
            if ((*s & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (*s & 0x3F);
        }
        if (cp >= 0x20 && !TTF_GlyphIsProvided32(f, cp)) return false;
    }
    return true;
}

static TTF_Font *font_get(gops_canvas_t *c, int size, int outline, bool bold)
{
    find_font(c);
    if (!c->font_path) return NULL;
    if (size < 4) size = 4;
    if (size > 400) size = 400;
    int b = bold ? 1 : 0;
    int victim = 0;
    for (int i = 0; i < FONT_CACHE; i++) {
        font_slot_t *s = &c->fonts[i];
        if (s->font && s->size == size && s->outline == outline && s->bold == b) {
            s->stamp = ++c->font_stamp;
            return s->font;
        }
        if (!s->font || (c->fonts[victim].font && s->stamp < c->fonts[victim].stamp)) victim = i;
    }
    font_slot_t *s = &c->fonts[victim];
    if (s->font) TTF_CloseFont(s->font);
    s->font = TTF_OpenFontIndex(c->font_path, size, c->font_face);
    if (!s->font) return NULL;
    TTF_SetFontHinting(s->font, TTF_HINTING_LIGHT);
    if (outline > 0) TTF_SetFontOutline(s->font, outline);
    if (bold) TTF_SetFontStyle(s->font, TTF_STYLE_BOLD);
    s->size = size;
    s->outline = outline;
    s->bold = b;
    s->stamp = ++c->font_stamp;
    return s->font;
}

gops_text_style_t gops_text_style_default(void)
{
    return (gops_text_style_t){
        .size_px = 14,
        .colour = GOPS_RGBA(30, 30, 30, 255),
        .halo = GOPS_RGBA(255, 255, 255, 255),
        .halo_px = 2,
        .anchor = GOPS_ANCHOR_CENTER,
        .angle_deg = 0,
        .bold = false,
    };
}

/// Offset of the anchor point from the box's top-left corner.
static void anchor_offset(gops_anchor_t a, double w, double h, double *ax, double *ay)
{
    switch (a) {
    case GOPS_ANCHOR_LEFT:
        *ax = 0;
        *ay = h / 2;
        break;
    case GOPS_ANCHOR_RIGHT:
        *ax = w;
        *ay = h / 2;
        break;
    case GOPS_ANCHOR_TOP:
        *ax = w / 2;
        *ay = 0;
        break;
    case GOPS_ANCHOR_BOTTOM:
        *ax = w / 2;
        *ay = h;
        break;
    case GOPS_ANCHOR_TOP_LEFT:
        *ax = 0;
        *ay = 0;
        break;
    case GOPS_ANCHOR_TOP_RIGHT:
        *ax = w;
        *ay = 0;
        break;
    case GOPS_ANCHOR_BOTTOM_LEFT:
        *ax = 0;
        *ay = h;
        break;
    case GOPS_ANCHOR_BOTTOM_RIGHT:
        *ax = w;
        *ay = h;
        break;
    case GOPS_ANCHOR_CENTER:
    default:
        *ax = w / 2;
        *ay = h / 2;
        break;
    }
}

typedef struct text_layout {
    int w, h;         ///< glyph box, px
    int halo;         ///< outline width, px (0 = none)
    double left, top; ///< unrotated box position, px (glyph box, without halo)
    double ax, ay;    ///< anchor point, px
    double angle;     ///< rad, counter-clockwise on screen
} text_layout_t;

static bool text_layout(gops_canvas_t *c, const gops_view_t *view, double x, double y, const char *utf8,
                        const gops_text_style_t *st, text_layout_t *lay)
{
    if (!utf8 || !*utf8) return false;
    int size = (int)lround(st->size_px);
    TTF_Font *f = font_get(c, size, 0, st->bold);
    if (!f) return false;
    int w = 0, h = 0;
    if (TTF_SizeUTF8(f, utf8, &w, &h) != 0 || w <= 0 || h <= 0) return false;
    gops_view_to_px(view, x, y, &lay->ax, &lay->ay);
    lay->w = w;
    lay->h = h;
    lay->halo = st->halo.a > 0 ? (int)lround(st->halo_px) : 0;
    double ox, oy;
    anchor_offset(st->anchor, w, h, &ox, &oy);
    lay->left = lay->ax - ox;
    lay->top = lay->ay - oy;
    lay->angle = st->angle_deg * PI / 180.0;
    return true;
}

static gops_rect_t layout_box(const text_layout_t *lay)
{
    double m = lay->halo;
    double x0 = lay->left - m, y0 = lay->top - m, x1 = lay->left + lay->w + m, y1 = lay->top + lay->h + m;
    if (lay->angle == 0) return (gops_rect_t){x0, y0, x1 - x0, y1 - y0};
    double cs = cos(lay->angle), sn = sin(lay->angle);
    double xs[4] = {x0, x1, x1, x0}, ys[4] = {y0, y0, y1, y1};
    double bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;
    for (int i = 0; i < 4; i++) {
        double dx = xs[i] - lay->ax, dy = ys[i] - lay->ay;
        // counter-clockwise on screen with y down: x' = x cos + y sin, y' = −x sin + y cos
        double rx = lay->ax + dx * cs + dy * sn, ry = lay->ay - dx * sn + dy * cs;
        if (rx < bx0) bx0 = rx;
        if (rx > bx1) bx1 = rx;
        if (ry < by0) by0 = ry;
        if (ry > by1) by1 = ry;
    }
    return (gops_rect_t){bx0, by0, bx1 - bx0, by1 - by0};
}

bool gops_canvas_text_bounds(gops_canvas_t *c, const gops_view_t *view, double x, double y, const char *utf8,
                             const gops_text_style_t *style, gops_rect_t *box)
{
    text_layout_t lay;
    if (!text_layout(c, view, x, y, utf8, style, &lay)) return false;
    if (box) *box = layout_box(&lay);
    return true;
}

/// Composites an ARGB8888 glyph surface whose top-left corner sits at (left, top) before
/// rotation by `angle` about (ax, ay). Upright text is placed on whole pixels to stay crisp;
/// rotated text is resampled bilinearly.
static void composite(gops_canvas_t *c, SDL_Surface *src, double left, double top, double ax, double ay, double angle,
                      gops_rgba_t tint)
{
    if (SDL_MUSTLOCK(src)) SDL_LockSurface(src);
    const uint8_t *base = src->pixels;
    int sw = src->w, sh = src->h;
    if (angle == 0) {
        int x0 = (int)lround(left), y0 = (int)lround(top);
        for (int sy = 0; sy < sh; sy++) {
            int y = y0 + sy;
            if (y < 0 || y >= c->height) continue;
            const uint32_t *srow = (const uint32_t *)(base + (size_t)sy * (size_t)src->pitch);
            uint32_t *drow = row_at(c, y);
            for (int sx = 0; sx < sw; sx++) {
                int x = x0 + sx;
                if (x < 0 || x >= c->width) continue;
                uint32_t p = srow[sx];
                uint8_t a = (uint8_t)(p >> 24);
                if (!a) continue;
                gops_rgba_t col = {(uint8_t)(p >> 16), (uint8_t)(p >> 8), (uint8_t)p, tint.a};
                blend(&drow[x], col, a / 255.0f);
            }
        }
    } else {
        double cs = cos(angle), sn = sin(angle);
        double xs[4] = {left, left + sw, left + sw, left}, ys[4] = {top, top, top + sh, top + sh};
        double bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;
        for (int i = 0; i < 4; i++) {
            double dx = xs[i] - ax, dy = ys[i] - ay;
            double rx = ax + dx * cs + dy * sn, ry = ay - dx * sn + dy * cs;
            bx0 = fmin(bx0, rx);
            bx1 = fmax(bx1, rx);
            by0 = fmin(by0, ry);
            by1 = fmax(by1, ry);
        }
        int px0 = (int)floor(bx0) < 0 ? 0 : (int)floor(bx0);
        int py0 = (int)floor(by0) < 0 ? 0 : (int)floor(by0);
        int px1 = (int)ceil(bx1) > c->width - 1 ? c->width - 1 : (int)ceil(bx1);
        int py1 = (int)ceil(by1) > c->height - 1 ? c->height - 1 : (int)ceil(by1);
        for (int y = py0; y <= py1; y++) {
            uint32_t *drow = row_at(c, y);
            for (int x = px0; x <= px1; x++) {
                double dx = x + 0.5 - ax, dy = y + 0.5 - ay;
                // inverse rotation back into the upright glyph box
                double u = ax + dx * cs - dy * sn - left - 0.5, v = ay + dx * sn + dy * cs - top - 0.5;
                int iu = (int)floor(u), iv = (int)floor(v);
                if (iu < -1 || iv < -1 || iu >= sw || iv >= sh) continue;
                double fu = u - iu, fv = v - iv;
                double acc[4] = {0, 0, 0, 0}; // premultiplied r, g, b and alpha
                for (int k = 0; k < 4; k++) {
                    int qx = iu + (k & 1), qy = iv + (k >> 1);
                    if (qx < 0 || qy < 0 || qx >= sw || qy >= sh) continue;
                    double wgt = ((k & 1) ? fu : 1 - fu) * ((k >> 1) ? fv : 1 - fv);
                    uint32_t p = ((const uint32_t *)(base + (size_t)qy * (size_t)src->pitch))[qx];
                    double a = (p >> 24) / 255.0 * wgt;
                    acc[0] += ((p >> 16) & 0xff) * a;
                    acc[1] += ((p >> 8) & 0xff) * a;
                    acc[2] += (p & 0xff) * a;
                    acc[3] += a;
                }
                if (acc[3] <= 1.0 / 512) continue;
                gops_rgba_t col = {to_byte((float)(acc[0] / acc[3])), to_byte((float)(acc[1] / acc[3])),
                                   to_byte((float)(acc[2] / acc[3])), tint.a};
                blend(&drow[x], col, (float)acc[3]);
            }
        }
    }
    if (SDL_MUSTLOCK(src)) SDL_UnlockSurface(src);
}

static SDL_Surface *render_glyphs(TTF_Font *f, const char *utf8, gops_rgba_t col)
{
    SDL_Color sc = {col.r, col.g, col.b, 255};
    SDL_Surface *s = TTF_RenderUTF8_Blended(f, utf8, sc);
    if (!s) return NULL;
    if (s->format->format != SDL_PIXELFORMAT_ARGB8888) {
        SDL_Surface *t = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
        SDL_FreeSurface(s);
        s = t;
    }
    return s;
}

bool gops_canvas_text(gops_canvas_t *c, const gops_view_t *view, double x, double y, const char *utf8,
                      const gops_text_style_t *st, gops_rect_t *box)
{
    if (c->error.status != GOPS_OK) return false;
    text_layout_t lay;
    if (!text_layout(c, view, x, y, utf8, st, &lay)) return false;
    SDL_RenderFlush(c->renderer);
    int size = (int)lround(st->size_px);
    if (lay.halo > 0) {
        TTF_Font *fo = font_get(c, size, lay.halo, st->bold);
        SDL_Surface *hs = fo ? render_glyphs(fo, utf8, st->halo) : NULL;
        if (hs) {
            composite(c, hs, lay.left - lay.halo, lay.top - lay.halo, lay.ax, lay.ay, lay.angle, st->halo);
            SDL_FreeSurface(hs);
        }
    }
    TTF_Font *f = font_get(c, size, 0, st->bold);
    SDL_Surface *s = f ? render_glyphs(f, utf8, st->colour) : NULL;
    if (!s) return false;
    composite(c, s, lay.left, lay.top, lay.ax, lay.ay, lay.angle, st->colour);
    SDL_FreeSurface(s);
    if (box) *box = layout_box(&lay);
    return true;
}

// ---------------------------------------------------------------------------------------
// PNG output

typedef struct png_job {
    FILE *file;
    gops_canvas_t *canvas;
    uint8_t *row;
    char message[256];
} png_job_t;

static void png_error_fn(png_structp png, png_const_charp msg)
{
    png_job_t *job = png_get_error_ptr(png);
    snprintf(job->message, sizeof job->message, "%s", msg);
    png_longjmp(png, 1);
}

static void png_warning_fn(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/// Writes the whole image; returns false with job->message set on failure.
static bool write_png(png_job_t *job)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, job, png_error_fn, png_warning_fn);
    if (!png) {
        snprintf(job->message, sizeof job->message, "libpng could not start");
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        snprintf(job->message, sizeof job->message, "libpng could not start");
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    gops_canvas_t *c = job->canvas;
    png_init_io(png, job->file);
    png_set_IHDR(png, info, (png_uint_32)c->width, (png_uint_32)c->height, 8, PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 6);
    png_write_info(png, info);
    for (int y = 0; y < c->height; y++) {
        const uint32_t *src = row_at(c, y);
        for (int x = 0; x < c->width; x++) {
            uint32_t p = src[x];
            job->row[4 * x + 0] = (uint8_t)(p >> 16);
            job->row[4 * x + 1] = (uint8_t)(p >> 8);
            job->row[4 * x + 2] = (uint8_t)p;
            job->row[4 * x + 3] = (uint8_t)(p >> 24);
        }
        png_write_row(png, job->row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return true;
}

gops_status_t gops_canvas_save_png(gops_canvas_t *c, const char *path, gops_error_t *err)
{
    if (c->error.status != GOPS_OK) {
        if (err) *err = c->error;
        return c->error.status;
    }
    SDL_RenderFlush(c->renderer);
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    uint8_t *row = malloc((size_t)c->width * 4);
    if (!tmp || !row) {
        free(tmp);
        free(row);
        return gops_error_set(err, GOPS_NOMEM, "%s: out of memory while writing the PNG", path);
    }
    snprintf(tmp, len + 16, "%s.tmp.XXXXXX", path);
    gops_status_t st = GOPS_OK;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        st = gops_error_set(err, GOPS_IO, "%s: cannot create the file: %s", path, strerror(errno));
        goto cleanup;
    }
    png_job_t job = {.file = fdopen(fd, "wb"), .canvas = c, .row = row, .message = ""};
    if (!job.file) {
        st = gops_error_set(err, GOPS_IO, "%s: cannot open the file for writing: %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        goto cleanup;
    }
    bool ok = write_png(&job);
    int saved = errno;
    if (fclose(job.file) != 0 && ok) {
        ok = false;
        saved = errno;
        snprintf(job.message, sizeof job.message, "cannot finish writing");
    }
    if (!ok) {
        unlink(tmp);
        st = gops_error_set(err, GOPS_IO, "%s: cannot write the PNG: %s (%s)", path, job.message, strerror(saved));
        goto cleanup;
    }
    // mkstemp creates 0600; a map picture is an ordinary output file.
    mode_t mask = umask(0);
    umask(mask);
    chmod(tmp, 0666 & ~mask);
    if (rename(tmp, path) != 0) {
        st = gops_error_set(err, GOPS_IO, "%s: cannot move the finished PNG into place: %s", path, strerror(errno));
        unlink(tmp);
        goto cleanup;
    }
    gops_error_clear(err);
cleanup:
    free(tmp);
    free(row);
    return st;
}
