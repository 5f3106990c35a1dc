// SPDX-License-Identifier: MIT
// The big-screen frame (see scene.h). Costly parts are cached: the map picture is redrawn
// only when the view, the layers or the size change (and while the user drags, the old
// picture is shifted and scaled instead); the dashboard and the legend are redrawn only
// when their text changes. Pedestrians and the heat map are written straight into the
// surface's pixels so that 100,000 of them fit in a frame; the other models are drawn by
// overlays.c. Nothing here writes to the world.
#include "render/scene.h"

#include "core/simtime.h"
#include "crowd/crowd.h"
#include "metrics/kpi.h"
#include "metrics/timeseries.h"
#include "output/svg_chart.h"
#include "render/map_draw.h"
#include "render/overlays.h"
#include "world/geometry.h"
#include "world/world_internal.h"

#include <SDL2/SDL.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Bins of the heat map built from positions: the density grid's default cell, smoothed over
// their neighbours.
#define HEAT_CELL_M 2.0
#define HEAT_LUT 256
#define HEAT_LUT_MAX 6.4 // persons/m² at the last LUT entry
#define PICK_PX 8.0
#define SIG_MAX 4096
#define HEAT_LEGEND_W 180
#define HEAT_LEGEND_H 46
#define KEY_STRIP_PX 196 // right-hand strip of a wide map area kept for the legends

// ---------------------------------------------------------------------------------------
// Sources, palette, heat colours

/// The crowd model's density grid: the last closed window, or each cell's highest window.
static bool crowd_density(const gops_world_t *world, bool run_max, gops_screen_grid_t *grid)
{
    gops_crowd_t *crowd = gops_world_crowd(world);
    // Before the first density window closes the grid holds only zeros: no grid then, so
    // that the heat map is binned from the pedestrians' positions instead of showing nobody.
    if (!crowd || (!run_max && !world->gauges.value[GOPS_GAUGE_PEAK_DENSITY_PPM2].present)) return false;
    gops_density_grid_t g = gops_density_grid(gops_crowd_density(crowd));
    *grid = (gops_screen_grid_t){g.min_x, g.min_y, g.cell_m, g.nx, g.ny, run_max ? g.max_ppm2 : g.last_ppm2};
    return true;
}

gops_screen_sources_t gops_screen_sources_default(void)
{
    // The crowd plugs in here (a live view may substitute its own pedestrians); traffic,
    // vendors and operations are read from the world by overlays.c.
    return (gops_screen_sources_t){.pedestrians = gops_crowd_pedestrians, .density = crowd_density};
}

static const gops_screen_palette_t palette = {
    .panel = {13, 27, 42, 255},
    .panel_text = {224, 242, 241, 255},
    .panel_muted = {120, 144, 156, 255},
    .panel_accent = {77, 208, 225, 255},
    .level = {{30, 136, 229, 255}, {249, 168, 37, 255}, {211, 47, 47, 255}},
    .mode = {{67, 160, 71, 255}, {30, 136, 229, 255}, {251, 140, 0, 255}, {229, 57, 53, 255}},
    .walker_free = {0, 121, 107, 255},
    .walker_slow = {245, 124, 0, 255},
    .walker_stopped = {198, 40, 40, 255},
    .marker = {0, 229, 255, 255},
    .no_map = {236, 239, 241, 255},
    // vehicles: dark, saturated colours that stay apart from the congestion bands under them
    .vehicle = {[GOPS_VCLASS_CAR] = {55, 71, 79, 255},
                [GOPS_VCLASS_TAXI] = {0, 131, 143, 255},
                [GOPS_VCLASS_BUS] = {21, 101, 192, 255},
                [GOPS_VCLASS_VAN] = {121, 85, 72, 255},
                [GOPS_VCLASS_EBIKE] = {123, 31, 162, 255}},
    // the usual traffic-map ramp: green (smooth) through yellow to dark red (severe)
    .congestion = {{56, 142, 60, 255}, {139, 195, 74, 255}, {253, 216, 53, 255}, {245, 124, 0, 255},
                   {183, 28, 28, 255}},
    // stalls in the orange of the map's vendor points (the posts and post teams are green)
    .stall = {[GOPS_STALL_CLOSED] = {120, 144, 156, 255},
              [GOPS_STALL_SETUP] = {255, 183, 77, 255},
              [GOPS_STALL_OPEN] = {216, 67, 21, 255},
              [GOPS_STALL_PACKING] = {255, 183, 77, 255},
              [GOPS_STALL_SHUT] = {62, 39, 35, 255}},
    .street_vendor = {216, 27, 96, 255},
    .team_idle = {0, 137, 123, 255},
    .team_coming = {144, 164, 174, 255},
    // the report's state colours (gops_svg_state_colour), so both read alike
    .incident = {{0xe5, 0x39, 0x35, 255}, {0xfb, 0x8c, 0x00, 255}, {0x1e, 0x88, 0xe5, 255}, {0x43, 0xa0, 0x47, 255}},
};

const gops_screen_palette_t *gops_screen_palette(void) { return &palette; }

typedef struct heat_stop {
    double v;
    gops_rgba_t c;
} heat_stop_t;

// Blue (free flow) through green and yellow to red at the 4 persons/m² limit, purple beyond
// 5 (dangerous, after Still); alpha grows from nothing at 0 to faint at LOS B (0.31) and
// nearly opaque at the limit, so free-flowing streets keep the map readable.
static const heat_stop_t heat_stops[] = {
    {0.00, {33, 102, 172, 0}},    {0.31, {33, 102, 172, 70}},   {0.72, {67, 162, 202, 130}},
    {1.08, {120, 198, 121, 165}}, {2.17, {255, 237, 111, 190}}, {3.00, {253, 174, 97, 210}},
    {4.00, {215, 25, 28, 230}},   {5.00, {160, 0, 120, 240}},   {6.50, {90, 0, 110, 250}},
};

gops_rgba_t gops_screen_heat_colour(double v)
{
    size_t n = sizeof heat_stops / sizeof *heat_stops;
    if (!(v > 0)) return heat_stops[0].c;
    if (v >= heat_stops[n - 1].v) return heat_stops[n - 1].c;
    size_t i = 1;
    while (heat_stops[i].v < v) i++;
    const heat_stop_t *a = &heat_stops[i - 1], *b = &heat_stops[i];
    double t = (v - a->v) / (b->v - a->v);
    return GOPS_RGBA(lround(a->c.r + t * (b->c.r - a->c.r)), lround(a->c.g + t * (b->c.g - a->c.g)),
                     lround(a->c.b + t * (b->c.b - a->c.b)), lround(a->c.a + t * (b->c.a - a->c.a)));
}

// ---------------------------------------------------------------------------------------
// The scene object

struct gops_screen {
    // map picture for one view
    gops_canvas_t *map;
    const gops_map_t *map_of; ///< the map it shows (NULL: the "no map" picture)
    bool map_valid;
    gops_view_t map_view;
    uint32_t map_layers;

    // dashboard picture
    gops_canvas_t *panel;
    char panel_sig[SIG_MAX];
    bool panel_valid;
    gops_rect_t panel_warning[8]; ///< banner rectangles of the cached panel picture
    uint32_t panel_warning_count;
    double clock_x, clock_y, clock_px; ///< where the clock goes on the panel (drawn every frame)

    // heat map from positions
    const gops_walkable_t *heat_walk; ///< the raster heat_area was built for
    double heat_min_x, heat_min_y;
    int32_t heat_nx, heat_ny;
    float *heat_area;  ///< walkable m² per bin, smoothed like the counts
    float *heat_value; ///< persons/m² per bin, this frame
    float *heat_tmp;   ///< smoothing scratch
    size_t heat_cap;

    float *wide, *wide_tmp; ///< heat grids with hot spots widened (see widen_hot_spots)
    size_t wide_cap;
    int32_t *col; ///< per pixel column: bin x, or -1
    size_t col_cap;
    gops_rgba_t lut[HEAT_LUT];
    gops_canvas_t *legend;

    gops_overlay_scratch_t scratch; ///< vehicle poses and road lines
    gops_canvas_t *key;             ///< legend of the model layers for key_mask
    uint32_t key_mask;
    bool key_column;

    gops_screen_layout_t last;
};

static bool present_pedestrians(const gops_screen_frame_t *f) { return f->pedestrians != NULL; }
static bool present_traffic(const gops_screen_frame_t *f) { return gops_overlay_traffic(f->world) != NULL; }
static bool present_vendors(const gops_screen_frame_t *f) { return gops_overlay_vendors(f->world) != NULL; }
static bool present_ops(const gops_screen_frame_t *f) { return gops_overlay_ops(f->world) != NULL; }

static void draw_congestion(gops_screen_t *s, gops_canvas_t *c, const gops_view_t *v, const gops_screen_def_t *def,
                            const gops_screen_frame_t *f)
{
    (void)def;
    s->last.arcs = gops_overlay_draw_congestion(c, v, f->world, &s->scratch);
}
static void draw_vehicles(gops_screen_t *s, gops_canvas_t *c, const gops_view_t *v, const gops_screen_def_t *def,
                          const gops_screen_frame_t *f)
{
    (void)def;
    s->last.vehicles =
        gops_overlay_draw_vehicles(c, v, f->world, (int)s->last.map.w, (int)s->last.map.h, &s->scratch);
}
static void draw_vendors(gops_screen_t *s, gops_canvas_t *c, const gops_view_t *v, const gops_screen_def_t *def,
                         const gops_screen_frame_t *f)
{
    (void)def;
    gops_overlay_draw_vendors(c, v, f->world, &s->last.stalls, &s->last.street_vendors);
}
static void draw_teams(gops_screen_t *s, gops_canvas_t *c, const gops_view_t *v, const gops_screen_def_t *def,
                       const gops_screen_frame_t *f)
{
    (void)def;
    s->last.teams = gops_overlay_draw_teams(c, v, f->world);
}
static void draw_incidents(gops_screen_t *s, gops_canvas_t *c, const gops_view_t *v, const gops_screen_def_t *def,
                           const gops_screen_frame_t *f)
{
    (void)def;
    s->last.incidents = gops_overlay_draw_incidents(c, v, f->world);
}
static void draw_pedestrians(gops_screen_t *scene, gops_canvas_t *canvas, const gops_view_t *view,
                             const gops_screen_def_t *def, const gops_screen_frame_t *frame);
static bool pick_pedestrian(const gops_screen_frame_t *frame, gops_point_t p, double radius_m,
                            gops_screen_pick_t *pick);
static bool pick_feature(const gops_screen_frame_t *frame, gops_point_t p, double radius_m, gops_screen_pick_t *pick);
static bool pick_zone(const gops_screen_frame_t *frame, gops_point_t p, double radius_m, gops_screen_pick_t *pick);

static const gops_screen_layer_t layers[GOPS_SCREEN_LAYER_COUNT] = {
    [GOPS_SCREEN_MAP] = {"map", "地图 district map", 0, GOPS_LAYER_BASE, true, NULL, NULL, pick_feature},
    [GOPS_SCREEN_LABELS] = {"labels", "名称 names", '1', GOPS_LAYER_LABELS, true, NULL, NULL, NULL},
    [GOPS_SCREEN_ZONES] = {"zones", "网格 responsibility zones", '2', GOPS_LAYER_ZONES, false, NULL, NULL, pick_zone},
    [GOPS_SCREEN_CAMERAS] = {"cameras", "监控 camera coverage", '3', GOPS_LAYER_CAMERAS, false, NULL, NULL, NULL},
    [GOPS_SCREEN_PA] = {"pa", "广播 public address", '4', GOPS_LAYER_PA, false, NULL, NULL, NULL},
    [GOPS_SCREEN_POSTS] = {"posts", "岗点 posts", '5', GOPS_LAYER_POSTS, true, NULL, NULL, NULL},
    [GOPS_SCREEN_CONGESTION] = {"congestion", "路况 roads by congestion", 'r', 0, true, draw_congestion,
                                present_traffic, gops_overlay_pick_congestion},
    [GOPS_SCREEN_PEDESTRIANS] = {"pedestrians", "行人 pedestrians", '6', 0, true, draw_pedestrians, present_pedestrians,
                                 pick_pedestrian},
    [GOPS_SCREEN_VEHICLES] = {"vehicles", "车辆 vehicles by class", '7', 0, true, draw_vehicles, present_traffic,
                              gops_overlay_pick_vehicle},
    [GOPS_SCREEN_VENDORS] = {"vendors", "摊贩 stalls and mobile vendors", '8', 0, true, draw_vendors, present_vendors,
                             gops_overlay_pick_vendor},
    [GOPS_SCREEN_TEAMS] = {"teams", "队伍 teams and their orders", 't', 0, true, draw_teams, present_ops,
                           gops_overlay_pick_team},
    [GOPS_SCREEN_INCIDENTS] = {"incidents", "事件 incidents by order state", '9', 0, true, draw_incidents, present_ops,
                               gops_overlay_pick_incident},
};

const gops_screen_layer_t *gops_screen_layers(void) { return layers; }

bool gops_screen_layer_present(gops_screen_layer_id_t id, const gops_screen_frame_t *frame)
{
    if ((unsigned)id >= GOPS_SCREEN_LAYER_COUNT) return false;
    if (layers[id].map_bit) return frame->world && gops_world_district(frame->world) != NULL;
    return !layers[id].present || layers[id].present(frame);
}

gops_screen_def_t gops_screen_def_default(void)
{
    gops_screen_def_t d = {.crowd = GOPS_SCREEN_CROWD_AUTO, .dashboard = true};
    for (int i = 0; i < GOPS_SCREEN_LAYER_COUNT; i++)
        if (layers[i].on) d.layers |= 1u << i;
    return d;
}

gops_screen_t *gops_screen_create(gops_error_t *err)
{
    gops_screen_t *s = calloc(1, sizeof *s);
    if (!s) {
        gops_error_set(err, GOPS_NOMEM, "out of memory creating the scene");
        return NULL;
    }
    for (int i = 0; i < HEAT_LUT; i++) s->lut[i] = gops_screen_heat_colour(HEAT_LUT_MAX * (i + 0.5) / HEAT_LUT);
    return s;
}

void gops_screen_destroy(gops_screen_t *s)
{
    if (!s) return;
    gops_canvas_destroy(s->map);
    gops_canvas_destroy(s->panel);
    gops_canvas_destroy(s->legend);
    gops_canvas_destroy(s->key);
    gops_overlay_scratch_free(&s->scratch);
    free(s->heat_area);
    free(s->heat_value);
    free(s->heat_tmp);
    free(s->wide);
    free(s->wide_tmp);
    free(s->col);
    free(s);
}

void gops_screen_invalidate(gops_screen_t *s)
{
    s->map_valid = false;
    s->panel_valid = false;
    s->heat_walk = NULL;
}

const gops_screen_layout_t *gops_screen_last_layout(const gops_screen_t *s) { return &s->last; }

// ---------------------------------------------------------------------------------------
// Layout

gops_screen_layout_t gops_screen_layout(int width, int height, bool dashboard)
{
    gops_screen_layout_t l = {0};
    double pw = 0;
    if (dashboard) {
        pw = round(0.27 * width);
        double lo = fmin(320, 0.5 * width), hi = fmin(460, 0.5 * width);
        pw = pw < lo ? lo : pw > hi ? hi : pw;
    }
    l.map = (gops_rect_t){0, 0, width - pw, height};
    l.panel = (gops_rect_t){width - pw, 0, pw, height};
    return l;
}

/// Width of the strip on the right of the map area that the whole-district view leaves for
/// the legends (px): on a wide map area the district then sits beside them, not under them.
static double key_strip(const gops_screen_layout_t *l)
{
    return l->map.w >= 800 && l->map.w >= 1.1 * l->map.h ? KEY_STRIP_PX : 0;
}

gops_view_t gops_screen_fit(const gops_world_t *world, int width, int height, bool dashboard)
{
    gops_screen_layout_t l = gops_screen_layout(width, height, dashboard);
    const gops_district_t *d = world ? gops_world_district(world) : NULL;
    if (d) {
        gops_map_draw_def_t md = gops_map_draw_def_default();
        md.furniture = false;
        return gops_map_draw_fit(d->map, &md, (int)(l.map.w - key_strip(&l)), (int)l.map.h);
    }
    return gops_view_fit(-100, -100, 100, 100, l.map, 10);
}

// ---------------------------------------------------------------------------------------
// Pixels

static inline uint32_t *row_ptr(SDL_Surface *s, int y)
{
    return (uint32_t *)((uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch);
}

static inline uint32_t pack(gops_rgba_t c) { return 0xff000000u | ((uint32_t)c.r << 16) | ((uint32_t)c.g << 8) | c.b; }

/// Source-over of a straight-alpha colour with coverage a (0..255) on an opaque pixel.
static inline void blend_px(uint32_t *p, gops_rgba_t c, unsigned a)
{
    if (a >= 255) {
        *p = pack(c);
        return;
    }
    uint32_t d = *p;
    unsigned k = 255 - a;
    unsigned r = (c.r * a + ((d >> 16) & 0xff) * k + 127) / 255;
    unsigned g = (c.g * a + ((d >> 8) & 0xff) * k + 127) / 255;
    unsigned b = (c.b * a + (d & 0xff) * k + 127) / 255;
    *p = 0xff000000u | (r << 16) | (g << 8) | b;
}

static void copy_surface(SDL_Surface *src, SDL_Surface *dst, int x, int y)
{
    SDL_SetSurfaceBlendMode(src, SDL_BLENDMODE_NONE);
    SDL_Rect r = {x, y, src->w, src->h};
    SDL_BlitSurface(src, NULL, dst, &r);
}

// ---------------------------------------------------------------------------------------
// Text helpers (no halo on the dark panel)

static gops_text_style_t text_style(double size, gops_rgba_t colour, gops_anchor_t anchor, bool bold)
{
    gops_text_style_t st = gops_text_style_default();
    st.size_px = size;
    st.colour = colour;
    st.halo.a = 0;
    st.halo_px = 0;
    st.anchor = anchor;
    st.bold = bold;
    return st;
}

static double put(gops_canvas_t *c, double x, double y, const char *s, double size, gops_rgba_t col,
                  gops_anchor_t anchor, bool bold)
{
    gops_text_style_t st = text_style(size, col, anchor, bold);
    gops_rect_t box = {0};
    if (!s || !s[0] || !gops_canvas_text(c, NULL, x, y, s, &st, &box)) return 0;
    return box.w;
}

static double text_w(gops_canvas_t *c, const char *s, double size, bool bold)
{
    gops_text_style_t st = text_style(size, palette.panel_text, GOPS_ANCHOR_TOP_LEFT, bold);
    gops_rect_t box;
    if (!s || !s[0] || !gops_canvas_text_bounds(c, NULL, 0, 0, s, &st, &box)) return 0;
    return box.w;
}

/// Splits text into lines no wider than max_w (at spaces when possible, anywhere between
/// UTF-8 characters otherwise, as Chinese text needs). Returns the line count.
static int wrap(gops_canvas_t *c, const char *text, double size, double max_w, char lines[][256], int max_lines)
{
    int n = 0;
    const char *p = text;
    while (*p && n < max_lines) {
        while (*p == ' ') p++;
        size_t len = strlen(p);
        if (len > 255) len = 255;
        while (len > 0 && ((unsigned char)p[len] & 0xc0) == 0x80) len--;
        char buf[256];
        memcpy(buf, p, len);
        buf[len] = '\0';
        if (text_w(c, buf, size, false) > max_w) {
            // binary search over character boundaries for the longest fitting prefix
            size_t lo = 0, hi = len;
            while (lo < hi) {
                size_t mid = (lo + hi + 1) / 2;
                while (mid > lo && ((unsigned char)p[mid] & 0xc0) == 0x80) mid--;
                if (mid == lo) break;
                memcpy(buf, p, mid);
                buf[mid] = '\0';
                if (text_w(c, buf, size, false) <= max_w)
                    lo = mid;
                else
                    hi = mid - 1;
            }
            size_t cut = lo;
            for (size_t k = cut; k > cut / 2; k--)
                if (p[k] == ' ') {
                    cut = k;
                    break;
                }
            if (cut == 0) { // not even one character fits: take one anyway
                cut = 1;
                while (p[cut] && ((unsigned char)p[cut] & 0xc0) == 0x80) cut++;
            }
            len = cut;
        }
        if (n == max_lines - 1 && p[len]) { // last line: mark the cut
            size_t keep = len > 3 ? len - 3 : len;
            while (keep > 0 && ((unsigned char)p[keep] & 0xc0) == 0x80) keep--;
            snprintf(lines[n++], 256, "%.*s…", (int)keep, p);
            break;
        }
        snprintf(lines[n++], 256, "%.*s", (int)len, p);
        p += len;
    }
    return n;
}

static void thousands(double v, char *buf, size_t size)
{
    char raw[64];
    snprintf(raw, sizeof raw, "%.0f", fabs(v));
    size_t n = strlen(raw), o = 0;
    if (v < 0 && o + 1 < size) buf[o++] = '-';
    for (size_t i = 0; i < n && o + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = '\0';
}

// ---------------------------------------------------------------------------------------
// Map picture

static double nice_bar_m(double scale)
{
    static const double steps[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};
    double best = steps[0];
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (steps[i] * scale <= 150) best = steps[i];
    return best;
}

static void draw_map_furniture(gops_canvas_t *c, const gops_view_t *v, int w, int h)
{
    double m = nice_bar_m(v->scale), len = m * v->scale;
    double x = 16, y = h - 22;
    gops_canvas_fill_rect(c, (gops_rect_t){x - 8, y - 24, len + 16, 34}, GOPS_RGBA(255, 255, 255, 200));
    gops_canvas_fill_rect(c, (gops_rect_t){x, y, len, 5}, GOPS_RGBA(33, 33, 33, 255));
    gops_canvas_fill_rect(c, (gops_rect_t){x + len / 2, y + 1, len / 2 - 1, 3}, GOPS_RGBA(255, 255, 255, 255));
    char t[32];
    if (m >= 1000)
        snprintf(t, sizeof t, "%g km", m / 1000);
    else
        snprintf(t, sizeof t, "%g m", m);
    gops_text_style_t st = text_style(12, GOPS_RGBA(33, 33, 33, 255), GOPS_ANCHOR_BOTTOM_LEFT, false);
    gops_canvas_text(c, NULL, x, y - 3, t, &st, NULL);
    // north arrow (the view never rotates: north is up)
    double ax = w - 26, ay = 18;
    gops_point_t tri[3] = {{ax, ay}, {ax + 8, ay + 20}, {ax - 8, ay + 20}};
    gops_canvas_fill_shape(c, NULL, tri, 3, GOPS_RGBA(33, 33, 33, 230));
    st = text_style(12, GOPS_RGBA(33, 33, 33, 255), GOPS_ANCHOR_TOP, true);
    st.halo = GOPS_RGBA(255, 255, 255, 255);
    st.halo_px = 2;
    gops_canvas_text(c, NULL, ax, ay + 22, "N", &st, NULL);
}

static uint32_t map_bits(uint32_t scene_layers)
{
    uint32_t bits = 0;
    for (int i = 0; i < GOPS_SCREEN_LAYER_COUNT; i++)
        if ((scene_layers & (1u << i)) || layers[i].key == 0) bits |= layers[i].map_bit;
    return bits;
}

static bool ensure_canvas(gops_canvas_t **c, int w, int h)
{
    if (*c && gops_canvas_width(*c) == w && gops_canvas_height(*c) == h) return true;
    gops_canvas_destroy(*c);
    gops_error_t err;
    *c = gops_canvas_create(w, h, &err);
    return *c != NULL;
}

static bool same_view(const gops_view_t *a, const gops_view_t *b)
{
    return a->scale == b->scale && a->ox == b->ox && a->oy == b->oy;
}

/// Draws the map area of `canvas`: from the cached picture when it fits the view, a shifted
/// and scaled copy of it while previewing, a fresh picture otherwise.
static void draw_map_area(gops_screen_t *s, gops_canvas_t *canvas, const gops_view_t *view,
                          const gops_screen_def_t *def, const gops_screen_frame_t *f)
{
    int w = (int)s->last.map.w, h = (int)s->last.map.h;
    if (w < 1 || h < 1) return;
    const gops_district_t *d = f->world ? gops_world_district(f->world) : NULL;
    const gops_map_t *map = d ? d->map : NULL;
    uint32_t bits = map_bits(def->layers);
    bool fits = s->map_valid && s->map_of == map && s->map_layers == bits && s->map && gops_canvas_width(s->map) == w &&
                gops_canvas_height(s->map) == h;
    SDL_Surface *dst = gops_canvas_surface(canvas);
    if (fits && (same_view(&s->map_view, view) || !map)) {
        copy_surface(gops_canvas_surface(s->map), dst, 0, 0);
        return;
    }
    if (fits && f->map_preview) {
        // A world point at px0 in the old picture is at v1.o + k·(px0 − v0.o) now.
        double k = view->scale / s->map_view.scale;
        SDL_Rect r = {(int)lround(view->ox - k * s->map_view.ox), (int)lround(view->oy - k * s->map_view.oy),
                      (int)lround(k * w), (int)lround(k * h)};
        gops_canvas_fill_rect(canvas, (gops_rect_t){0, 0, w, h}, gops_map_draw_palette()->outside);
        gops_canvas_sync(canvas);
        SDL_Rect clip = {0, 0, w, h};
        SDL_SetClipRect(dst, &clip);
        SDL_Surface *src = gops_canvas_surface(s->map);
        SDL_SetSurfaceBlendMode(src, SDL_BLENDMODE_NONE);
        if (r.w > 0 && r.h > 0 && r.w < 32768 && r.h < 32768) SDL_BlitScaled(src, NULL, dst, &r);
        SDL_SetClipRect(dst, NULL);
        return;
    }
    if (!ensure_canvas(&s->map, w, h)) return;
    if (map) {
        gops_map_draw_def_t md = gops_map_draw_def_default();
        md.furniture = false;
        md.layers = bits;
        gops_map_draw(s->map, view, map, &md);
        draw_map_furniture(s->map, view, w, h);
    } else {
        gops_canvas_clear(s->map, palette.no_map);
        gops_text_style_t st = text_style(16, GOPS_RGBA(96, 125, 139, 255), GOPS_ANCHOR_CENTER, false);
        gops_canvas_text(s->map, NULL, w / 2.0, h / 2.0, "没有地图 · this scenario has no district map", &st, NULL);
    }
    s->map_of = map;
    s->map_layers = bits;
    s->map_view = *view;
    s->map_valid = true;
    s->last.map_redrawn = true;
    copy_surface(gops_canvas_surface(s->map), dst, 0, 0);
}

// ---------------------------------------------------------------------------------------
// Pedestrians: dots and heat map

static gops_rgba_t walker_colour(const gops_pedestrians_t *p, uint32_t i)
{
    double v0 = p->v0 ? p->v0[i] : 0;
    double sp = p->vx && p->vy ? sqrt((double)p->vx[i] * p->vx[i] + (double)p->vy[i] * p->vy[i]) : 0;
    double r = v0 > 0 ? sp / v0 : 0;
    return r >= 0.7 ? palette.walker_free : r >= 0.3 ? palette.walker_slow : palette.walker_stopped;
}

/// A disc of radius R px at (cx, cy) px with edge coverage, clipped to the map area.
static void disc_px(SDL_Surface *s, int w, int h, double cx, double cy, double R, gops_rgba_t c)
{
    int x0 = (int)floor(cx - R - 1), x1 = (int)ceil(cx + R + 1);
    int y0 = (int)floor(cy - R - 1), y1 = (int)ceil(cy + R + 1);
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > w) x1 = w;
    if (y1 > h) y1 = h;
    for (int y = y0; y < y1; y++) {
        uint32_t *row = row_ptr(s, y);
        double dy = y + 0.5 - cy;
        for (int x = x0; x < x1; x++) {
            double dx = x + 0.5 - cx;
            double cov = R + 0.5 - sqrt(dx * dx + dy * dy);
            if (cov <= 0) continue;
            blend_px(&row[x], c, cov >= 1 ? c.a : (unsigned)(c.a * cov));
        }
    }
}

static uint32_t draw_dots(SDL_Surface *s, int w, int h, const gops_view_t *v, const gops_pedestrians_t *p)
{
    uint32_t drawn = 0;
    for (uint32_t i = 0; i < p->count; i++) {
        double px = v->ox + v->scale * p->x[i], py = v->oy - v->scale * p->y[i];
        if (!(px >= -8 && py >= -8 && px < w + 8 && py < h + 8)) continue;
        gops_rgba_t c = walker_colour(p, i);
        double R = (p->radius ? p->radius[i] : 0.2) * v->scale;
        if (R < 1.25) { // two by two at least, or a crowd of single pixels is hard to see
            int x = (int)floor(px - 0.5), y = (int)floor(py - 0.5);
            for (int yy = y; yy < y + 2; yy++)
                for (int xx = x; xx < x + 2; xx++)
                    if (xx >= 0 && yy >= 0 && xx < w && yy < h) row_ptr(s, yy)[xx] = pack(c);
        } else {
            disc_px(s, w, h, px, py, R, c);
        }
        drawn++;
    }
    return drawn;
}

/// Smooths a bin grid in place with the kernel [1 2 1] ⊗ [1 2 1] (weight 16, not
/// normalised: counts and areas get the same weights, so their ratio is a density averaged
/// over about 6 m, without the speckle of two or three people per 2 m bin).
static void smooth(float *v, float *tmp, int32_t nx, int32_t ny)
{
    for (int32_t y = 0; y < ny; y++) {
        const float *r = v + (size_t)y * nx;
        float *o = tmp + (size_t)y * nx;
        for (int32_t x = 0; x < nx; x++) o[x] = (x > 0 ? r[x - 1] : 0) + 2 * r[x] + (x + 1 < nx ? r[x + 1] : 0);
    }
    for (int32_t y = 0; y < ny; y++) {
        const float *up = y > 0 ? tmp + (size_t)(y - 1) * nx : NULL, *mid = tmp + (size_t)y * nx;
        const float *down = y + 1 < ny ? tmp + (size_t)(y + 1) * nx : NULL;
        float *o = v + (size_t)y * nx;
        for (int32_t x = 0; x < nx; x++) o[x] = (up ? up[x] : 0) + 2 * mid[x] + (down ? down[x] : 0);
    }
}

/// Bins of the heat map over the district's walkable raster, with the walkable area of
/// each bin, so that a bin half covered by a building shows its true density.
static bool heat_grid(gops_screen_t *s, const gops_screen_frame_t *f)
{
    const gops_district_t *d = f->world ? gops_world_district(f->world) : NULL;
    const gops_walkable_t *walk = d ? d->walk : NULL;
    if (walk && s->heat_walk == walk) return true;
    double min_x, min_y, max_x, max_y;
    if (walk) {
        min_x = walk->min_x;
        min_y = walk->min_y;
        max_x = walk->min_x + walk->nx * walk->cell;
        max_y = walk->min_y + walk->ny * walk->cell;
    } else { // no district: the pedestrians' own extent, every bin fully walkable
        const gops_pedestrians_t *p = f->pedestrians;
        min_x = min_y = 1e300;
        max_x = max_y = -1e300;
        for (uint32_t i = 0; i < p->count; i++) {
            min_x = fmin(min_x, p->x[i]);
            max_x = fmax(max_x, p->x[i]);
            min_y = fmin(min_y, p->y[i]);
            max_y = fmax(max_y, p->y[i]);
        }
        if (!(max_x >= min_x)) return false;
        min_x = floor(min_x / HEAT_CELL_M) * HEAT_CELL_M - HEAT_CELL_M;
        min_y = floor(min_y / HEAT_CELL_M) * HEAT_CELL_M - HEAT_CELL_M;
        max_x += 2 * HEAT_CELL_M;
        max_y += 2 * HEAT_CELL_M;
    }
    int32_t nx = (int32_t)ceil((max_x - min_x) / HEAT_CELL_M), ny = (int32_t)ceil((max_y - min_y) / HEAT_CELL_M);
    if (nx < 1 || ny < 1 || (size_t)nx * (size_t)ny > 64u * 1024 * 1024) return false;
    size_t n = (size_t)nx * (size_t)ny;
    if (n > s->heat_cap) {
        float *a = realloc(s->heat_area, n * sizeof *a);
        if (!a) return false;
        s->heat_area = a;
        float *v = realloc(s->heat_value, n * sizeof *v);
        if (!v) return false;
        s->heat_value = v;
        float *t = realloc(s->heat_tmp, n * sizeof *t);
        if (!t) return false;
        s->heat_tmp = t;
        s->heat_cap = n;
    }
    s->heat_min_x = min_x;
    s->heat_min_y = min_y;
    s->heat_nx = nx;
    s->heat_ny = ny;
    if (walk) {
        memset(s->heat_area, 0, n * sizeof *s->heat_area);
        float cell2 = (float)(walk->cell * walk->cell);
        for (uint32_t k = 0; k < walk->count; k++) {
            gops_point_t c = gops_walkable_centre(walk, walk->cells[k]);
            int32_t bx = (int32_t)floor((c.x - min_x) / HEAT_CELL_M), by = (int32_t)floor((c.y - min_y) / HEAT_CELL_M);
            if (bx >= 0 && by >= 0 && bx < nx && by < ny) s->heat_area[(size_t)by * nx + bx] += cell2;
        }
    } else {
        for (size_t k = 0; k < n; k++) s->heat_area[k] = (float)(HEAT_CELL_M * HEAT_CELL_M);
    }
    smooth(s->heat_area, s->heat_tmp, nx, ny);
    // A bin with a sliver of walkable area would show absurd densities: count at least a
    // quarter of the (smoothed, weight 16) bin, as the density module excludes such cells.
    float floor_area = (float)(0.25 * HEAT_CELL_M * HEAT_CELL_M * 16);
    for (size_t k = 0; k < n; k++)
        if (s->heat_area[k] < floor_area) s->heat_area[k] = floor_area;
    s->heat_walk = walk;
    return true;
}

/// The grid with each cell raised to the highest value of its 3 × 3 neighbourhood, in the
/// scene's scratch: at less than 3 px per cell a hot spot of one or two cells would be a
/// pixel or two wide, too small to see on a district-wide picture.
static const float *widen_hot_spots(gops_screen_t *s, const gops_screen_grid_t *g)
{
    size_t n = (size_t)g->nx * (size_t)g->ny;
    if (n > s->wide_cap) {
        float *a = realloc(s->wide, n * sizeof *a), *b = a ? realloc(s->wide_tmp, n * sizeof *b) : NULL;
        if (a) s->wide = a;
        if (!a || !b) return g->ppm2;
        s->wide_tmp = b;
        s->wide_cap = n;
    }
    for (int32_t y = 0; y < g->ny; y++) {
        const float *r = g->ppm2 + (size_t)y * g->nx;
        float *o = s->wide_tmp + (size_t)y * g->nx;
        for (int32_t x = 0; x < g->nx; x++) {
            float m = r[x];
            if (x > 0 && r[x - 1] > m) m = r[x - 1];
            if (x + 1 < g->nx && r[x + 1] > m) m = r[x + 1];
            o[x] = m;
        }
    }
    for (int32_t y = 0; y < g->ny; y++) {
        const float *mid = s->wide_tmp + (size_t)y * g->nx;
        const float *up = y > 0 ? mid - g->nx : mid, *down = y + 1 < g->ny ? mid + g->nx : mid;
        float *o = s->wide + (size_t)y * g->nx;
        for (int32_t x = 0; x < g->nx; x++) {
            float m = mid[x];
            if (up[x] > m) m = up[x];
            if (down[x] > m) m = down[x];
            o[x] = m;
        }
    }
    return s->wide;
}

/// Colours every pixel of the map area from the cell of the grid under it.
static void paint_heat(gops_screen_t *s, SDL_Surface *surf, int w, int h, const gops_view_t *v,
                       const gops_screen_grid_t *grid)
{
    gops_screen_grid_t wide = *grid;
    if (grid->cell_m * v->scale < 3.0) wide.ppm2 = widen_hot_spots(s, grid);
    const gops_screen_grid_t *g = &wide;
    if ((size_t)w > s->col_cap) {
        int32_t *c = realloc(s->col, (size_t)w * sizeof *c);
        if (!c) return;
        s->col = c;
        s->col_cap = (size_t)w;
    }
    for (int x = 0; x < w; x++) {
        double wx = (x + 0.5 - v->ox) / v->scale;
        double cx = floor((wx - g->min_x) / g->cell_m);
        s->col[x] = cx >= 0 && cx < g->nx ? (int32_t)cx : -1;
    }
    const float k = (float)(HEAT_LUT / HEAT_LUT_MAX);
    for (int y = 0; y < h; y++) {
        double wy = (v->oy - (y + 0.5)) / v->scale;
        double cy = floor((wy - g->min_y) / g->cell_m);
        if (!(cy >= 0 && cy < g->ny)) continue;
        const float *cells = g->ppm2 + (size_t)cy * (size_t)g->nx;
        uint32_t *row = row_ptr(surf, y);
        for (int x = 0; x < w; x++) {
            int32_t c = s->col[x];
            if (c < 0) continue;
            float val = cells[c];
            if (!(val > 0.02f)) continue;
            int idx = (int)(val * k);
            if (idx >= HEAT_LUT) idx = HEAT_LUT - 1;
            blend_px(&row[x], s->lut[idx], s->lut[idx].a);
        }
    }
}

static void draw_heat_legend(gops_screen_t *s, gops_canvas_t *canvas)
{
    const int lw = HEAT_LEGEND_W, lh = HEAT_LEGEND_H;
    if (!s->legend) {
        if (!ensure_canvas(&s->legend, lw, lh)) return;
        gops_canvas_clear(s->legend, GOPS_RGBA(255, 255, 255, 220));
        for (int x = 0; x < lw - 20; x++) {
            gops_rgba_t c = gops_screen_heat_colour(6.0 * x / (lw - 20));
            c.a = c.a < 60 ? 60 : c.a;
            gops_canvas_fill_rect(s->legend, (gops_rect_t){10 + x, 20, 1, 10}, c);
        }
        gops_text_style_t st = text_style(11, GOPS_RGBA(33, 33, 33, 255), GOPS_ANCHOR_TOP, false);
        for (int v = 0; v <= 6; v += 2) {
            char t[12]; // room for any int: the compiler checks the format against the type
            snprintf(t, sizeof t, "%d", v);
            gops_canvas_text(s->legend, NULL, 10 + (lw - 20) * v / 6.0, 31, t, &st, NULL);
        }
        st.anchor = GOPS_ANCHOR_TOP_LEFT;
        gops_canvas_text(s->legend, NULL, 10, 3, "密度 density, persons/m²", &st, NULL);
    }
    SDL_Surface *src = gops_canvas_surface(s->legend);
    SDL_SetSurfaceBlendMode(src, SDL_BLENDMODE_BLEND);
    SDL_Rect r = {(int)s->last.map.w - lw - 12, (int)s->last.map.h - lh - 12, lw, lh};
    SDL_BlitSurface(src, NULL, gops_canvas_surface(canvas), &r);
}

/// The legend of the model layers drawn this frame, bottom-right above `bottom` (px),
/// redrawn only when the set of layers changes.
static void draw_key(gops_screen_t *s, gops_canvas_t *canvas, uint32_t drawn, double bottom)
{
    const uint32_t keyed = 1u << GOPS_SCREEN_CONGESTION | 1u << GOPS_SCREEN_VEHICLES | 1u << GOPS_SCREEN_VENDORS |
                           1u << GOPS_SCREEN_TEAMS | 1u << GOPS_SCREEN_INCIDENTS;
    uint32_t mask = drawn & keyed;
    s->last.legend = (gops_rect_t){0};
    if (!mask) return;
    // A column in the strip the district view leaves free when it is there and tall enough
    // (below the north arrow); otherwise short rows in the corner, over the map.
    double w, h;
    bool column = key_strip(&s->last) > 0;
    if (column) {
        gops_overlay_legend(canvas, mask, true, 0, 0, false, &w, &h);
        column = w <= KEY_STRIP_PX - 12 && h <= bottom - 56;
    }
    if (!s->key || s->key_mask != mask || s->key_column != column) {
        gops_overlay_legend(canvas, mask, column, 0, 0, false, &w, &h);
        if (w < 1 || h < 1 || !ensure_canvas(&s->key, (int)w, (int)h)) return;
        gops_canvas_clear(s->key, GOPS_RGBA(255, 255, 255, 225));
        gops_overlay_legend(s->key, mask, column, 0, 0, true, &w, &h);
        s->key_mask = mask;
        s->key_column = column;
    }
    int kw = gops_canvas_width(s->key), kh = gops_canvas_height(s->key);
    SDL_Surface *src = gops_canvas_surface(s->key);
    SDL_SetSurfaceBlendMode(src, SDL_BLENDMODE_BLEND);
    SDL_Rect r = {(int)s->last.map.w - kw - 12, (int)bottom - kh, kw, kh};
    SDL_SetClipRect(gops_canvas_surface(canvas), &(SDL_Rect){0, 0, (int)s->last.map.w, (int)s->last.map.h});
    SDL_BlitSurface(src, NULL, gops_canvas_surface(canvas), &r);
    SDL_SetClipRect(gops_canvas_surface(canvas), NULL);
    s->last.legend = (gops_rect_t){r.x, r.y, kw, kh};
}

static void draw_pedestrians(gops_screen_t *s, gops_canvas_t *canvas, const gops_view_t *v,
                             const gops_screen_def_t *def, const gops_screen_frame_t *f)
{
    const gops_pedestrians_t *p = f->pedestrians;
    if (!p && !f->density) return;
    uint32_t n = p ? p->count : 0;
    // Auto: dots while each one can be seen; a heat map when zoomed out over a big crowd
    // (dots would merge into noise) or when only densities are known.
    bool heat = def->crowd == GOPS_SCREEN_CROWD_HEAT ||
                (def->crowd == GOPS_SCREEN_CROWD_AUTO &&
                 (!p || (n >= 20000 && v->scale < 2.0) || (n > 2000 && v->scale < 1.2)));
    int w = (int)s->last.map.w, h = (int)s->last.map.h;
    SDL_Surface *surf = gops_canvas_surface(canvas);
    gops_canvas_sync(canvas);
    if (!heat) {
        if (p) s->last.drawn = draw_dots(surf, w, h, v, p);
        return;
    }
    s->last.heat = true;
    if (f->density && f->density->ppm2) {
        paint_heat(s, surf, w, h, v, f->density);
    } else if (p && heat_grid(s, f)) {
        size_t cells = (size_t)s->heat_nx * (size_t)s->heat_ny;
        memset(s->heat_value, 0, cells * sizeof *s->heat_value);
        for (uint32_t i = 0; i < n; i++) {
            int32_t bx = (int32_t)floor((p->x[i] - s->heat_min_x) / HEAT_CELL_M);
            int32_t by = (int32_t)floor((p->y[i] - s->heat_min_y) / HEAT_CELL_M);
            if (bx >= 0 && by >= 0 && bx < s->heat_nx && by < s->heat_ny)
                s->heat_value[(size_t)by * s->heat_nx + bx] += 1;
        }
        smooth(s->heat_value, s->heat_tmp, s->heat_nx, s->heat_ny);
        for (size_t k = 0; k < cells; k++)
            if (s->heat_value[k] > 0) s->heat_value[k] /= s->heat_area[k];
        gops_screen_grid_t g = {s->heat_min_x, s->heat_min_y, HEAT_CELL_M, s->heat_nx, s->heat_ny, s->heat_value};
        paint_heat(s, surf, w, h, v, &g);
    }
}

// ---------------------------------------------------------------------------------------
// Dashboard

static const char *const weekday_zh[7] = {"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"};
static const char *const weekday_en[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const mode_en[GOPS_MODE_COUNT] = {"NORMAL", "HOLIDAY", "MAJOR EVENT", "EMERGENCY"};
static const char *const dash = "—";

static const gops_kpi_value_t *gauge(const gops_world_t *w, gops_gauge_id_t id) { return &w->gauges.value[id]; }

/// A dashboard figure: its text, and whether it is a real value (false: "—", not simulated)
/// or a model that is there but has nothing to show yet ("no arrival yet": muted, not "—").
typedef struct figure {
    char text[80];
    bool value; ///< a measured value, drawn large
} figure_t;

static void set_absent(figure_t *f)
{
    snprintf(f->text, sizeof f->text, "%s", dash);
    f->value = false;
}

static void count_figure(figure_t *f, double v)
{
    thousands(v, f->text, sizeof f->text);
    f->value = true;
}

static void gauge_figure(const gops_world_t *w, gops_gauge_id_t id, figure_t *f)
{
    const gops_kpi_value_t *g = gauge(w, id);
    if (g->present)
        count_figure(f, g->value);
    else
        set_absent(f);
}

typedef struct panel_data {
    char date[64], clock[16], mode_zh[32], mode_en[32], since[48];
    gops_mode_t mode;
    figure_t street, buildings, density, congestion, vehicles, vendors, teams, p90;
    double density_v;
    bool has_los;
    double los[6];
    int congestion_band; ///< -1 when not measured
    bool has_orders;
    uint32_t orders[GOPS_SVG_STATE_COUNT];
    uint32_t absent; ///< figures that say "—" (the footer explains them)
    bool crowd;      ///< the run has a crowd (its densities may not be measured yet)
    const char *title;
    const char *place_zh, *place_en; ///< the map boundary's names (the district's name)
} panel_data_t;

/// The figures from the models themselves when they are attached (so a model's row shows
/// its value from the first frame, before its first gauge sample), else from the gauges a
/// scenario or another model may keep, else "—".
static void collect(const gops_screen_frame_t *f, panel_data_t *d)
{
    memset(d, 0, sizeof *d);
    d->title = f->title ? f->title : "";
    d->congestion_band = -1;
    const gops_world_t *w = f->world;
    // The heading names the district (its map boundary), "gridops" for a lab.
    const gops_district_t *dist = w ? gops_world_district(w) : NULL;
    d->place_zh = gops_district_name(dist, false) ? gops_district_name(dist, false) : "gridops";
    d->place_en = gops_district_name(dist, true) ? gops_district_name(dist, true) : "gridops";
    if (!w) {
        snprintf(d->clock, sizeof d->clock, "--:--:--");
        return;
    }
    gops_local_time_t t = gops_world_time(w);
    int y, mo, da, h, mi, se;
    gops_time_to_civil(t, &y, &mo, &da, &h, &mi, &se);
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int wd = (int)(((days + 4) % 7 + 7) % 7); // 1970-01-01 was a Thursday
    snprintf(d->date, sizeof d->date, "%04d-%02d-%02d  %s %s", y, mo, da, weekday_zh[wd], weekday_en[wd]);
    snprintf(d->clock, sizeof d->clock, "%02d:%02d:%02d", h, mi, se);
    d->mode = gops_world_mode(w);
    snprintf(d->mode_zh, sizeof d->mode_zh, "%s", gops_report_mode_zh(d->mode));
    snprintf(d->mode_en, sizeof d->mode_en, "%s", mode_en[d->mode]);
    const gops_world_def_t *def = gops_world_def(w);
    gops_local_time_t since = def->start + (gops_local_time_t)floor((double)w->mode_since_tick * def->tick_s + 1e-9);
    int sh, sm;
    gops_time_to_civil(since, NULL, NULL, NULL, &sh, &sm, NULL);
    snprintf(d->since, sizeof d->since, "since %02d:%02d", sh, sm);

    // crowd
    if (f->pedestrians)
        count_figure(&d->street, f->pedestrians->count);
    else
        gauge_figure(w, GOPS_GAUGE_PEDESTRIANS_STREET, &d->street);
    gauge_figure(w, GOPS_GAUGE_PEDESTRIANS_BUILDINGS, &d->buildings);
    const gops_kpi_value_t *pd = gauge(w, GOPS_GAUGE_PEAK_DENSITY_PPM2);
    d->density_v = pd->present ? pd->value : -1;
    d->crowd = f->pedestrians != NULL || gops_world_crowd(w) != NULL;
    if (pd->present) {
        snprintf(d->density.text, sizeof d->density.text, "%.2f 人/m²", pd->value);
        d->density.value = true;
    } else if (d->crowd) { // the first density window has not closed yet
        snprintf(d->density.text, sizeof d->density.text, "暂无 not measured yet");
    } else {
        set_absent(&d->density);
    }
    d->has_los = true;
    for (int i = 0; i < 6; i++) {
        const gops_kpi_value_t *g = gauge(w, (gops_gauge_id_t)(GOPS_GAUGE_LOS_A + i));
        d->has_los &= g->present;
        d->los[i] = g->present ? g->value : 0;
    }

    // traffic
    const gops_traffic_t *trf = gops_overlay_traffic(w);
    if (trf) {
        gops_traffic_counts_t tc;
        gops_traffic_counts(trf, &tc);
        count_figure(&d->vehicles, tc.vehicles);
        if (gauge(w, GOPS_GAUGE_CONGESTION_INDEX)->present) {
            d->congestion_band = gops_overlay_congestion_index_band(tc.congestion_index);
            const char *band = gops_overlay_congestion_band_name(d->congestion_band);
            char zh[32];
            snprintf(zh, sizeof zh, "%.*s", (int)strcspn(band, " "), band); // the Chinese band name
            snprintf(d->congestion.text, sizeof d->congestion.text, "%.1f %s", tc.congestion_index, zh);
            d->congestion.value = true;
        } else { // no measuring window has closed yet
            snprintf(d->congestion.text, sizeof d->congestion.text, "暂无 not measured yet");
        }
    } else {
        gauge_figure(w, GOPS_GAUGE_VEHICLES, &d->vehicles);
        const gops_kpi_value_t *ci = gauge(w, GOPS_GAUGE_CONGESTION_INDEX);
        if (ci->present) {
            snprintf(d->congestion.text, sizeof d->congestion.text, "%.2f", ci->value);
            d->congestion.value = true;
        } else {
            set_absent(&d->congestion);
        }
    }

    // vendors: at a guidance point's stall / with goods out on the street
    const gops_vendors_t *vd = gops_overlay_vendors(w);
    uint32_t at_points = 0, street = 0;
    if (vd) {
        for (uint32_t i = 0; i < gops_vendors_count(vd); i++) {
            gops_vendor_info_t info;
            if (!gops_vendors_get(vd, i, &info)) continue;
            if (info.state == GOPS_VENDOR_AT_STALL) at_points++;
            if (info.state == GOPS_VENDOR_SETUP || info.state == GOPS_VENDOR_TRADING ||
                info.state == GOPS_VENDOR_PACKING)
                street++;
        }
    }
    const gops_kpi_value_t *gp = gauge(w, GOPS_GAUGE_VENDORS_AT_POINTS), *gm = gauge(w, GOPS_GAUGE_VENDORS_MOBILE);
    if (vd || (gp->present && gm->present)) {
        char a[24], b[24];
        thousands(vd ? at_points : gp->value, a, sizeof a);
        thousands(vd ? street : gm->value, b, sizeof b);
        snprintf(d->vendors.text, sizeof d->vendors.text, "%s / %s", a, b);
        d->vendors.value = true;
    } else {
        set_absent(&d->vendors);
    }

    // operations
    const gops_ops_t *ops = gops_overlay_ops(w);
    d->has_orders = gops_overlay_order_counts(w, d->orders);
    if (ops) {
        gops_ops_status_t st;
        gops_ops_status(ops, &st);
        char a[24], b[24];
        thousands(st.teams_busy, a, sizeof a);
        thousands(st.teams_on_duty, b, sizeof b);
        snprintf(d->teams.text, sizeof d->teams.text, "%s / %s", a, b);
        d->teams.value = true;
    } else {
        gauge_figure(w, GOPS_GAUGE_TEAMS_BUSY, &d->teams);
    }
    const gops_kpi_value_t *p90 = &w->kpis.value[GOPS_KPI_RESPONSE_TIME_P90_S];
    if (p90->present) {
        if (p90->value >= 60)
            snprintf(d->p90.text, sizeof d->p90.text, "%.0f min %02.0f s", floor(p90->value / 60),
                     fmod(floor(p90->value + 0.5), 60));
        else
            snprintf(d->p90.text, sizeof d->p90.text, "%.0f s", p90->value);
        d->p90.value = true;
    } else if (ops) {
        snprintf(d->p90.text, sizeof d->p90.text, "暂无 no arrival yet");
    } else {
        set_absent(&d->p90);
    }
    const figure_t *all[] = {&d->street, &d->buildings, &d->density, &d->congestion,
                             &d->vehicles, &d->vendors,  &d->teams,   &d->p90};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) d->absent += strcmp(all[i]->text, dash) == 0;
    d->absent += !d->has_orders;
}

/// Everything the panel shows, as one string: the panel is redrawn only when it changes.
static void signature(const panel_data_t *d, const gops_screen_frame_t *f, int w, int h, char *sig, size_t size)
{
    // The clock is left out: it changes every simulated second and is drawn on its own.
    int n = snprintf(sig, size,
                     "%dx%d|%s|%s|%s|%d|%s|%s|%s|%d|%.3f %.3f %.3f %.3f %.3f %.3f|%s|%s|%s|%s|%s|%d|%u %u %u %u|%s",
                     w, h, d->title, d->date, d->since, (int)d->mode, d->street.text, d->buildings.text,
                     d->density.text, d->has_los, d->los[0], d->los[1], d->los[2], d->los[3], d->los[4], d->los[5],
                     d->congestion.text, d->vehicles.text, d->vendors.text, d->teams.text, d->p90.text,
                     d->has_orders, d->orders[0], d->orders[1], d->orders[2], d->orders[3],
                     f->status ? f->status : "");
    for (uint32_t i = 0; i < f->warning_count && n > 0 && (size_t)n < size; i++)
        n += snprintf(sig + n, size - (size_t)n, "|%d%s%s", (int)f->warnings[i].level,
                      f->warnings[i].when ? f->warnings[i].when : "", f->warnings[i].text);
}

static gops_rgba_t density_colour(double v)
{
    if (v >= 4.0) return GOPS_RGBA(255, 82, 82, 255);
    if (v >= 2.17) return GOPS_RGBA(255, 202, 40, 255);
    return palette.panel_text;
}

static void panel_row(gops_canvas_t *c, double pad, double pw, double y, double k, const char *zh, const char *en,
                      const figure_t *value, gops_rgba_t value_colour)
{
    double x = pad + put(c, pad, y, zh, 15 * k, palette.panel_text, GOPS_ANCHOR_LEFT, false);
    put(c, x + 6 * k, y + 1 * k, en, 11 * k, palette.panel_muted, GOPS_ANCHOR_LEFT, false);
    put(c, pw - pad, y, value->text, (value->value ? 18 : 13) * k, value->value ? value_colour : palette.panel_muted,
        GOPS_ANCHOR_RIGHT, value->value);
}

static void rule(gops_canvas_t *c, double pad, double pw, double y)
{
    gops_canvas_fill_rect(c, (gops_rect_t){pad, y, pw - 2 * pad, 1}, GOPS_RGBA(55, 71, 79, 255));
}

/// Orders by state as four cells: a bar in the state's colour (the map markers' and the
/// report's), the count, the state's name. Returns the height used.
static double order_cells(gops_canvas_t *c, double x, double y, double bw, double k, const uint32_t *counts)
{
    static const char *const names[GOPS_SVG_STATE_COUNT] = {"待派 open", "已派 dispatched", "处置中 on scene",
                                                            "已办结 closed"};
    double cw = bw / GOPS_SVG_STATE_COUNT;
    for (int i = 0; i < GOPS_SVG_STATE_COUNT; i++) {
        double cx = x + i * cw;
        gops_canvas_fill_rect(c, (gops_rect_t){cx, y, cw - 6 * k, 3 * k}, palette.incident[i]);
        char n[32];
        thousands(counts[i], n, sizeof n);
        put(c, cx, y + 6 * k, n, 18 * k, palette.panel_text, GOPS_ANCHOR_TOP_LEFT, true);
        put(c, cx, y + 29 * k, names[i], 10 * k, palette.panel_muted, GOPS_ANCHOR_TOP_LEFT, false);
    }
    return 44 * k;
}

static void draw_panel(gops_screen_t *s, const gops_screen_frame_t *f, const panel_data_t *d, int pw, int ph)
{
    gops_canvas_t *c = s->panel;
    gops_canvas_clear(c, palette.panel);
    double k = ph / 900.0;
    k = k < 0.72 ? 0.72 : k > 1.4 ? 1.4 : k;
    double pad = 18 * k, y = 14 * k;
    uint32_t shown = 0;

    char heading[192];
    snprintf(heading, sizeof heading, "%s · 城市运行", d->place_zh);
    put(c, pad, y, heading, 20 * k, palette.panel_accent, GOPS_ANCHOR_TOP_LEFT, true);
    y += 28 * k;
    snprintf(heading, sizeof heading, "%s · city operations", d->place_en);
    put(c, pad, y, heading, 12 * k, palette.panel_muted, GOPS_ANCHOR_TOP_LEFT, false);
    y += 18 * k;
    if (d->title[0]) put(c, pad, y, d->title, 12 * k, palette.panel_text, GOPS_ANCHOR_TOP_LEFT, false);
    y += 22 * k;
    rule(c, pad, pw, y);
    y += 10 * k;

    put(c, pad, y, d->date, 14 * k, palette.panel_muted, GOPS_ANCHOR_TOP_LEFT, false);
    y += 20 * k;
    s->clock_x = pad;
    s->clock_y = y;
    s->clock_px = 40 * k;
    y += 54 * k;
    if (f->world) {
        char chip[80];
        snprintf(chip, sizeof chip, "%s  %s", d->mode_zh, d->mode_en);
        double cw = text_w(c, chip, 15 * k, true) + 20 * k;
        gops_canvas_fill_rect(c, (gops_rect_t){pad, y, cw, 28 * k}, palette.mode[d->mode]);
        put(c, pad + 10 * k, y + 14 * k, chip, 15 * k, GOPS_RGBA(255, 255, 255, 255), GOPS_ANCHOR_LEFT, true);
        put(c, pad + cw + 10 * k, y + 14 * k, d->since, 12 * k, palette.panel_muted, GOPS_ANCHOR_LEFT, false);
    }
    y += 38 * k;
    rule(c, pad, pw, y);
    y += 18 * k;

    double row = 28 * k;
    panel_row(c, pad, pw, y, k, "街面人数", "on the street", &d->street, palette.panel_text);
    y += row;
    panel_row(c, pad, pw, y, k, "楼内人数", "in buildings", &d->buildings, palette.panel_text);
    y += row;
    panel_row(c, pad, pw, y, k, "最高密度", "peak density", &d->density, density_colour(d->density_v));
    y += row * 0.8;
    // level-of-service shares as one bar, A (free) to F (jammed)
    static const gops_rgba_t los_col[6] = {{26, 152, 80, 255},   {145, 207, 96, 255}, {217, 239, 139, 255},
                                           {254, 224, 139, 255}, {252, 141, 89, 255}, {215, 48, 39, 255}};
    double bw = pw - 2 * pad, bh = 12 * k;
    if (d->has_los) {
        double x = pad, total = 0;
        for (int i = 0; i < 6; i++) total += d->los[i];
        for (int i = 0; i < 6 && total > 0; i++) {
            double wseg = bw * d->los[i] / total;
            if (wseg > 0) gops_canvas_fill_rect(c, (gops_rect_t){x, y, wseg, bh}, los_col[i]);
            if (wseg > 14 * k) {
                char l[2] = {(char)('A' + i), 0};
                put(c, x + wseg / 2, y + bh / 2, l, 10 * k, GOPS_RGBA(33, 33, 33, 255), GOPS_ANCHOR_CENTER, true);
            }
            x += wseg;
        }
    } else {
        gops_canvas_stroke_rect(c, (gops_rect_t){pad, y, bw, bh}, 1, GOPS_RGBA(55, 71, 79, 255));
        put(c, pad + bw / 2, y + bh / 2, d->crowd ? "服务水平 LOS · not measured yet" : "服务水平 LOS —", 10 * k,
            palette.panel_muted, GOPS_ANCHOR_CENTER, false);
    }
    y += bh + 16 * k;
    gops_rgba_t cong = d->congestion_band >= 3   ? GOPS_RGBA(255, 82, 82, 255)
                       : d->congestion_band == 2 ? GOPS_RGBA(255, 202, 40, 255)
                                                 : palette.panel_text;
    panel_row(c, pad, pw, y, k, "拥堵指数", "congestion index", &d->congestion, cong);
    y += row;
    panel_row(c, pad, pw, y, k, "车辆", "vehicles on the roads", &d->vehicles, palette.panel_text);
    y += row;
    panel_row(c, pad, pw, y, k, "商贩", "at stalls / on the street", &d->vendors, palette.panel_text);
    y += row;
    panel_row(c, pad, pw, y, k, "队伍", "teams busy / on duty", &d->teams, palette.panel_text);
    y += row;
    panel_row(c, pad, pw, y, k, "P90响应", "response, occurrence→on scene", &d->p90, palette.panel_text);
    y += row * 0.75;
    if (d->has_orders) {
        put(c, pad, y, "工单", 15 * k, palette.panel_text, GOPS_ANCHOR_TOP_LEFT, false);
        put(c, pad + text_w(c, "工单", 15 * k, false) + 6 * k, y + 3 * k, "dispatch orders by state", 11 * k,
            palette.panel_muted, GOPS_ANCHOR_TOP_LEFT, false);
        y += 22 * k;
        y += order_cells(c, pad, y, bw, k, d->orders);
    } else {
        figure_t none;
        set_absent(&none);
        y += row * 0.25;
        panel_row(c, pad, pw, y, k, "工单", "dispatch orders", &none, palette.panel_text);
        y += row * 0.75;
    }
    rule(c, pad, pw, y);
    y += 10 * k;

    char head[64];
    snprintf(head, sizeof head, "预警 warnings (%u)", f->warning_count);
    put(c, pad, y, head, 15 * k, palette.panel_text, GOPS_ANCHOR_TOP_LEFT, true);
    y += 24 * k;
    double bottom = ph - (d->absent || f->status ? 52 : 12) * k;
    if (f->warning_count == 0) {
        put(c, pad, y, "无预警 no active warnings", 13 * k, palette.panel_muted, GOPS_ANCHOR_TOP_LEFT, false);
    }
    for (uint32_t i = 0; i < f->warning_count; i++) {
        const gops_screen_warning_t *wn = &f->warnings[i];
        char lines[2][256];
        double size = 13 * k, lh = 17 * k, tw = bw - 16 * k;
        int nl = wrap(c, wn->text ? wn->text : "", size, tw, lines, 2);
        double bh2 = (wn->when ? 16 * k : 0) + nl * lh + 10 * k;
        // a banner that would leave no room for the "+N more" line under it is not drawn
        if (y + bh2 > bottom || (i + 1 < f->warning_count && y + bh2 + 6 * k + 16 * k > bottom)) {
            char more[64];
            snprintf(more, sizeof more, "+%u more", f->warning_count - i);
            put(c, pad, y, more, 12 * k, palette.panel_muted, GOPS_ANCHOR_TOP_LEFT, false);
            break;
        }
        gops_note_level_t lv = (unsigned)wn->level < GOPS_NOTE_LEVEL_COUNT ? wn->level : GOPS_NOTE_INFO;
        gops_rgba_t bg = palette.level[lv];
        gops_rgba_t fg = lv == GOPS_NOTE_WARNING ? GOPS_RGBA(33, 33, 33, 255) : GOPS_RGBA(255, 255, 255, 255);
        gops_rect_t box = {pad, y, bw, bh2};
        gops_canvas_fill_rect(c, box, bg);
        if (shown < 8) s->last.warning[shown++] = (gops_rect_t){box.x + s->last.panel.x, box.y, box.w, box.h};
        double ty = y + 5 * k;
        if (wn->when) {
            put(c, pad + 8 * k, ty, wn->when, 11 * k, fg, GOPS_ANCHOR_TOP_LEFT, true);
            ty += 16 * k;
        }
        for (int l = 0; l < nl; l++) put(c, pad + 8 * k, ty + l * lh, lines[l], size, fg, GOPS_ANCHOR_TOP_LEFT, false);
        y += bh2 + 6 * k;
    }
    s->last.warning_count = shown;

    if (d->absent || f->status) rule(c, pad, pw, ph - 44 * k);
    if (d->absent)
        put(c, pad, ph - 38 * k, "— 未模拟 not simulated in this run", 11 * k, palette.panel_muted,
            GOPS_ANCHOR_TOP_LEFT, false);
    if (f->status) put(c, pad, ph - 20 * k, f->status, 12 * k, palette.panel_accent, GOPS_ANCHOR_TOP_LEFT, false);
}

static void draw_dashboard(gops_screen_t *s, gops_canvas_t *canvas, const gops_screen_frame_t *f)
{
    int pw = (int)s->last.panel.w, ph = (int)s->last.panel.h;
    if (pw < 1 || ph < 1) return;
    panel_data_t d;
    collect(f, &d);
    s->last.absent_figures = d.absent;
    char sig[SIG_MAX];
    signature(&d, f, pw, ph, sig, sizeof sig);
    bool fresh = s->panel_valid && strcmp(sig, s->panel_sig) == 0 && s->panel && gops_canvas_width(s->panel) == pw &&
                 gops_canvas_height(s->panel) == ph;
    if (!fresh) {
        if (!ensure_canvas(&s->panel, pw, ph)) return;
        draw_panel(s, f, &d, pw, ph);
        memcpy(s->panel_sig, sig, sizeof sig);
        s->panel_valid = true;
        // keep the banner rectangles of the cached picture for later frames
        memcpy(s->panel_warning, s->last.warning, sizeof s->last.warning);
        s->panel_warning_count = s->last.warning_count;
    } else {
        memcpy(s->last.warning, s->panel_warning, sizeof s->last.warning);
        s->last.warning_count = s->panel_warning_count;
    }
    copy_surface(gops_canvas_surface(s->panel), gops_canvas_surface(canvas), (int)s->last.panel.x, 0);
    put(canvas, s->last.panel.x + s->clock_x, s->clock_y, d.clock, s->clock_px, palette.panel_text,
        GOPS_ANCHOR_TOP_LEFT, true);
}

// ---------------------------------------------------------------------------------------
// Overlays

static void draw_box_lines(gops_canvas_t *c, double x, double y, const char *text, double size, double max_w)
{
    char lines[12][256];
    int n = 0;
    const char *p = text;
    while (*p && n < 12) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len > 255) len = 255;
        snprintf(lines[n++], 256, "%.*s", (int)len, p);
        p += len;
        if (*p == '\n') p++;
    }
    double w = 0, lh = size * 1.35;
    for (int i = 0; i < n; i++) w = fmax(w, text_w(c, lines[i], size, i == 0));
    w = fmin(w, max_w);
    gops_canvas_fill_rect(c, (gops_rect_t){x, y, w + 20, n * lh + 14}, GOPS_RGBA(255, 255, 255, 235));
    gops_canvas_stroke_rect(c, (gops_rect_t){x, y, w + 20, n * lh + 14}, 1.5, GOPS_RGBA(0, 150, 170, 255));
    for (int i = 0; i < n; i++)
        put(c, x + 10, y + 7 + i * lh, lines[i], size, GOPS_RGBA(33, 33, 33, 255), GOPS_ANCHOR_TOP_LEFT, i == 0);
}

static void draw_help(gops_canvas_t *c, const gops_screen_def_t *def, const gops_screen_frame_t *f,
                      const gops_screen_layout_t *l)
{
    static const char *const keys[][2] = {
        {"Space", "暂停/继续 pause or resume"},
        {".", "单步 one tick while paused"},
        {"[  ]", "减速/加速 slower or faster: ×1 … ×1000"},
        {"F", "最快 as fast as possible (again: back to the speed)"},
        {"+  −  wheel", "缩放 zoom (at the cursor with the wheel)"},
        {"arrows  drag", "平移 pan"},
        {"0  Home", "全图 show the whole district"},
        {"click", "查看 inspect: incident, team, vendor, vehicle, person, road, feature"},
        {"C", "人群 crowd as auto / dots / heat map"},
        {"F1 … F4", "模式 mode: normal, holiday, major event, emergency"},
        {"P", "截图 save a PNG of the window in the current folder"},
        {"Tab", "面板 dashboard on or off"},
        {"H  ?", "帮助 this help"},
        {"Q  Esc", "退出 quit (outputs are still written)"},
    };
    size_t nk = sizeof keys / sizeof *keys;
    double lh = 21, w = fmin(640, l->map.w - 40);
    double h = (nk + GOPS_SCREEN_LAYER_COUNT + 4) * lh;
    double x = l->map.x + (l->map.w - w) / 2, y = fmax(10, (l->map.h - h) / 2);
    gops_canvas_fill_rect(c, (gops_rect_t){x, y, w, h}, GOPS_RGBA(13, 27, 42, 235));
    double ty = y + 12;
    put(c, x + 16, ty, "帮助 Keys", 17, palette.panel_accent, GOPS_ANCHOR_TOP_LEFT, true);
    ty += lh * 1.4;
    for (size_t i = 0; i < nk; i++, ty += lh) {
        put(c, x + 16, ty, keys[i][0], 13, palette.panel_accent, GOPS_ANCHOR_TOP_LEFT, true);
        put(c, x + 140, ty, keys[i][1], 13, palette.panel_text, GOPS_ANCHOR_TOP_LEFT, false);
    }
    ty += lh * 0.4;
    put(c, x + 16, ty, "图层 Layers", 14, palette.panel_accent, GOPS_ANCHOR_TOP_LEFT, true);
    ty += lh;
    for (int i = 0; i < GOPS_SCREEN_LAYER_COUNT; i++) {
        if (!layers[i].key) continue;
        char k[4] = {layers[i].key >= 'a' && layers[i].key <= 'z' ? (char)(layers[i].key - 'a' + 'A') : layers[i].key, 0};
        char state[200];
        bool on = (def->layers >> i) & 1u;
        bool present = gops_screen_layer_present((gops_screen_layer_id_t)i, f);
        snprintf(state, sizeof state, "%s%s", layers[i].label,
                 present ? (on ? "  · on" : "  · off") : "  · 未模拟 not simulated");
        put(c, x + 16, ty, k, 13, palette.panel_accent, GOPS_ANCHOR_TOP_LEFT, true);
        put(c, x + 140, ty, state, 13, present && on ? palette.panel_text : palette.panel_muted, GOPS_ANCHOR_TOP_LEFT,
            false);
        ty += lh;
    }
}

// ---------------------------------------------------------------------------------------
// Frame

void gops_screen_draw(gops_screen_t *s, gops_canvas_t *canvas, const gops_view_t *view, const gops_screen_def_t *def,
                      const gops_screen_frame_t *f)
{
    int w = gops_canvas_width(canvas), h = gops_canvas_height(canvas);
    s->last = gops_screen_layout(w, h, def->dashboard);
    draw_map_area(s, canvas, view, def, f);
    SDL_Surface *surf = gops_canvas_surface(canvas);
    SDL_Rect clip = {0, 0, (int)s->last.map.w, h};
    uint32_t drawn = 0;
    for (int i = 0; i < GOPS_SCREEN_LAYER_COUNT; i++) {
        if (!layers[i].draw || !((def->layers >> i) & 1u)) continue;
        if (!gops_screen_layer_present((gops_screen_layer_id_t)i, f) && !(i == GOPS_SCREEN_PEDESTRIANS && f->density))
            continue;
        SDL_SetClipRect(surf, &clip);
        layers[i].draw(s, canvas, view, def, f);
        SDL_SetClipRect(surf, NULL);
        drawn |= 1u << i;
    }
    // Legends last, over every layer: the density ramp in the bottom-right corner, the
    // model layers' keys above it.
    double bottom = s->last.map.h - 12;
    if (s->last.heat) {
        draw_heat_legend(s, canvas);
        bottom -= HEAT_LEGEND_H + 6;
    }
    draw_key(s, canvas, drawn, bottom);
    if (f->has_marker) {
        gops_point_t m = f->marker;
        gops_canvas_stroke_circle(canvas, view, m, 11, 3, GOPS_RGBA(255, 255, 255, 230));
        gops_canvas_stroke_circle(canvas, view, m, 11, 1.6, palette.marker);
    }
    if (f->inspect && f->inspect[0]) draw_box_lines(canvas, 12, 12, f->inspect, 13, s->last.map.w * 0.6);
    if (def->dashboard) draw_dashboard(s, canvas, f);
    if (f->help) draw_help(canvas, def, f, &s->last);
}

// ---------------------------------------------------------------------------------------
// Picking

static const char *const group_name[GOPS_SPEED_GROUP_COUNT] = {"under 30", "30 to 50", "over 50", "impaired"};

static void describe_pedestrian(const gops_pedestrians_t *p, uint32_t i, gops_screen_pick_t *pick)
{
    double sp = sqrt((double)p->vx[i] * p->vx[i] + (double)p->vy[i] * p->vy[i]);
    pick->layer = GOPS_SCREEN_PEDESTRIANS;
    pick->index = p->id ? p->id[i] : i;
    pick->at = (gops_point_t){p->x[i], p->y[i]};
    char dest[32];
    if (p->dest && p->dest[i] != GOPS_NO_DEST)
        snprintf(dest, sizeof dest, "%u", (unsigned)p->dest[i]);
    else
        snprintf(dest, sizeof dest, "none");
    snprintf(pick->text, sizeof pick->text,
             "行人 pedestrian #%u\nspeed %.2f m/s (free speed %.2f m/s)\nat x %.1f m, y %.1f m\n"
             "destination %s · age group %s\nnearly stopped for %.0f s",
             pick->index, sp, p->v0 ? p->v0[i] : 0.0, p->x[i], p->y[i], dest,
             p->group && p->group[i] < GOPS_SPEED_GROUP_COUNT ? group_name[p->group[i]] : "?",
             p->wait ? p->wait[i] : 0.0);
}

bool gops_screen_pick_pedestrian(const gops_pedestrians_t *p, uint32_t id, gops_screen_pick_t *pick)
{
    if (!p || !p->id) return false;
    for (uint32_t i = 0; i < p->count; i++)
        if (p->id[i] == id) {
            describe_pedestrian(p, i, pick);
            return true;
        }
    return false;
}

static bool pick_pedestrian(const gops_screen_frame_t *f, gops_point_t q, double r, gops_screen_pick_t *pick)
{
    const gops_pedestrians_t *p = f->pedestrians;
    if (!p) return false;
    double best = r * r;
    uint32_t found = UINT32_MAX;
    for (uint32_t i = 0; i < p->count; i++) {
        double dx = p->x[i] - q.x, dy = p->y[i] - q.y, d2 = dx * dx + dy * dy;
        if (d2 <= best) {
            best = d2;
            found = i;
        }
    }
    if (found == UINT32_MAX) return false;
    describe_pedestrian(p, found, pick);
    return true;
}

static const char *fname(const gops_feature_t *f, char *buf, size_t size)
{
    if (f->name && f->name_en)
        snprintf(buf, size, "%s %s", f->name, f->name_en);
    else if (f->name || f->name_en)
        snprintf(buf, size, "%s", f->name ? f->name : f->name_en);
    else if (f->id)
        snprintf(buf, size, "%s", f->id);
    else
        snprintf(buf, size, "feature %u", f->index);
    return buf;
}

static void describe_feature(const gops_map_t *m, uint32_t idx, gops_screen_pick_t *pick)
{
    const gops_feature_t *f = &m->features[idx];
    char name[200], extra[300] = "";
    fname(f, name, sizeof name);
    switch (f->kind) {
    case GOPS_FEAT_ROAD: {
        const gops_road_t *r = &f->u.road;
        snprintf(extra, sizeof extra, "%s road · %d lane%s %s · %.0f km/h\ncarriageway %.1f m%s%s",
                 gops_road_class_name(r->road_class), r->lanes, r->lanes == 1 ? "" : "s",
                 r->oneway ? "one way" : "each way", r->speed_kmh, r->width_m, r->bus_lane ? " · bus lane" : "",
                 r->roundabout ? " · roundabout" : "");
        break;
    }
    case GOPS_FEAT_BUILDING: {
        const gops_building_t *b = &f->u.building;
        snprintf(extra, sizeof extra, "%s · %d floor%s\ncapacity %.0f persons · floor area %.0f m²",
                 gops_building_category_name(b->category), b->floors, b->floors == 1 ? "" : "s", b->capacity,
                 b->floor_area_m2);
        break;
    }
    case GOPS_FEAT_ENTRANCE: {
        char bn[200] = "?";
        int32_t bi = f->u.entrance.building;
        if (bi >= 0 && (uint32_t)bi < m->feature_count) fname(&m->features[bi], bn, sizeof bn);
        snprintf(extra, sizeof extra, "entrance of %s · %.1f m wide", bn, f->u.entrance.width_m);
        break;
    }
    case GOPS_FEAT_TRANSIT:
        snprintf(extra, sizeof extra, "%s%s%s", gops_transit_mode_name(f->u.transit.mode),
                 f->u.transit.line ? " · line " : "", f->u.transit.line ? f->u.transit.line : "");
        break;
    case GOPS_FEAT_VENDOR_POINT:
        snprintf(extra, sizeof extra, "vendor guidance point · %d stalls · %02d:%02d–%02d:%02d",
                 f->u.vendor_point.stalls, f->u.vendor_point.open_s / 3600, f->u.vendor_point.open_s / 60 % 60,
                 f->u.vendor_point.close_s / 3600, f->u.vendor_point.close_s / 60 % 60);
        break;
    case GOPS_FEAT_POST: {
        char modes[96] = "";
        for (int i = 0; i < GOPS_MODE_COUNT; i++)
            if (f->u.post.modes & (1u << i)) {
                size_t n = strlen(modes);
                snprintf(modes + n, sizeof modes - n, "%s%s", n ? ", " : "", gops_mode_name((gops_mode_t)i));
            }
        snprintf(extra, sizeof extra, "post · %s · %d staff\nstaffed in %s",
                 gops_unit_type_name((gops_unit_type_t)f->u.post.unit), f->u.post.staff, modes);
        break;
    }
    case GOPS_FEAT_CAMERA:
        snprintf(extra, sizeof extra, "%s camera · heading %.0f° · %.0f° wide · %.0f m",
                 gops_camera_type_name(f->u.camera.type), f->u.camera.heading_deg, f->u.camera.fov_deg,
                 f->u.camera.range_m);
        break;
    case GOPS_FEAT_PA_SPEAKER: snprintf(extra, sizeof extra, "public-address speaker · %.0f m", f->u.pa.range_m); break;
    case GOPS_FEAT_ZONE: snprintf(extra, sizeof extra, "%s zone", gops_zone_level_name(f->u.zone.level)); break;
    default: snprintf(extra, sizeof extra, "%s", gops_feature_kind_name(f->kind)); break;
    }
    pick->layer = f->kind == GOPS_FEAT_ZONE ? GOPS_SCREEN_ZONES : GOPS_SCREEN_MAP;
    pick->index = idx;
    pick->at = f->at;
    snprintf(pick->text, sizeof pick->text, "%s\n%s", name, extra);
}

static bool is_point_kind(gops_feature_kind_t k)
{
    return k == GOPS_FEAT_ENTRANCE || k == GOPS_FEAT_TRANSIT || k == GOPS_FEAT_POST || k == GOPS_FEAT_CAMERA ||
           k == GOPS_FEAT_PA_SPEAKER || k == GOPS_FEAT_JUNCTION || k == GOPS_FEAT_VENDOR_POINT ||
           k == GOPS_FEAT_LANDMARK;
}

static bool pick_feature(const gops_screen_frame_t *fr, gops_point_t p, double r, gops_screen_pick_t *pick)
{
    const gops_district_t *d = fr->world ? gops_world_district(fr->world) : NULL;
    if (!d) return false;
    const gops_map_t *m = d->map;
    uint32_t best = UINT32_MAX;
    double best_d = r;
    for (uint32_t i = 0; i < m->feature_count; i++) { // points first: they sit on top
        const gops_feature_t *f = &m->features[i];
        if (!is_point_kind(f->kind)) continue;
        double dd = hypot(f->at.x - p.x, f->at.y - p.y);
        if (dd <= best_d) {
            best_d = dd;
            best = i;
        }
    }
    if (best == UINT32_MAX) { // then roads under the cursor
        double best_excess = 0;
        for (uint32_t i = 0; i < m->feature_count; i++) {
            const gops_feature_t *f = &m->features[i];
            if (f->kind != GOPS_FEAT_ROAD) continue;
            const gops_path_t *l = &f->u.road.line;
            double half = 0.5 * f->u.road.width_m + f->u.road.nonmotor_m;
            for (uint32_t k = 0; k + 1 < l->count; k++) {
                double dd = gops_point_segment_distance(p, l->pts[k], l->pts[k + 1], NULL);
                if (dd <= half && (best == UINT32_MAX || half - dd > best_excess)) {
                    best = i;
                    best_excess = half - dd;
                }
            }
        }
    }
    if (best == UINT32_MAX) { // then the smallest area containing the point
        double best_area = INFINITY;
        for (uint32_t i = 0; i < m->feature_count; i++) {
            const gops_feature_t *f = &m->features[i];
            const gops_polygon_t *poly = NULL;
            if (f->kind == GOPS_FEAT_BUILDING)
                poly = &f->u.building.shape;
            else if (f->kind == GOPS_FEAT_PLAZA || f->kind == GOPS_FEAT_WALKWAY ||
                     f->kind == GOPS_FEAT_PEDESTRIAN_STREET || f->kind == GOPS_FEAT_LANDMARK)
                poly = &f->shape;
            if (!poly || poly->ring_count == 0 || !gops_polygon_contains(poly, p)) continue;
            double a = gops_polygon_area(poly);
            if (a < best_area) {
                best_area = a;
                best = i;
            }
        }
    }
    if (best == UINT32_MAX) return false;
    describe_feature(m, best, pick);
    return true;
}

static bool pick_zone(const gops_screen_frame_t *fr, gops_point_t p, double r, gops_screen_pick_t *pick)
{
    (void)r;
    const gops_district_t *d = fr->world ? gops_world_district(fr->world) : NULL;
    if (!d || !d->zones) return false;
    uint32_t z[1];
    if (gops_zone_index_query(d->zones, p, z, 1) == 0) return false;
    describe_feature(d->map, z[0], pick);
    return true;
}

bool gops_screen_pick(const gops_screen_def_t *def, const gops_screen_frame_t *f, const gops_view_t *view, double px,
                      double py, gops_screen_pick_t *pick)
{
    double x, y;
    gops_view_to_world(view, px, py, &x, &y);
    gops_point_t p = {x, y};
    double r = PICK_PX / view->scale;
    memset(pick, 0, sizeof *pick);
    // agents on top first, then the map, then the zones beneath everything
    for (int i = GOPS_SCREEN_LAYER_COUNT - 1; i >= 0; i--) {
        if (i == GOPS_SCREEN_MAP || i == GOPS_SCREEN_ZONES || !layers[i].pick || !((def->layers >> i) & 1u)) continue;
        if (gops_screen_layer_present((gops_screen_layer_id_t)i, f) && layers[i].pick(f, p, r, pick)) return true;
    }
    if (pick_feature(f, p, r, pick)) return true;
    if ((def->layers >> GOPS_SCREEN_ZONES) & 1u) return pick_zone(f, p, r, pick);
    return false;
}

// ---------------------------------------------------------------------------------------
// Warnings

uint32_t gops_screen_warnings_from_notes(const gops_report_notes_t *notes, gops_local_time_t now, double window_s,
                                         gops_screen_warning_t *out, char (*when)[16], uint32_t max)
{
    uint32_t n = 0;
    for (int pass = 0; pass < 2; pass++) // conditions still going on first, then recent events
        for (uint32_t i = notes->count; i-- > 0 && n < max;) {
            const gops_report_note_t *note = &notes->items[i];
            bool lasting = note->key >= 0;
            if (pass == 0 ? !(lasting && !note->ended) : (lasting || (double)(now - note->time) > window_s)) continue;
            int h, m;
            gops_time_to_civil(note->time, NULL, NULL, NULL, &h, &m, NULL);
            snprintf(when[n], 16, "%s%02d:%02d", pass == 0 ? "since " : "", h, m);
            out[n] = (gops_screen_warning_t){note->level, note->text, when[n]};
            n++;
        }
    return n;
}
