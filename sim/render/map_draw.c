// SPDX-License-Identifier: MIT
// Draws a gops_map_t on a canvas: layers in a fixed order (land, zone fills, walkable
// areas, roads in casing/sidewalk/carriageway/marking passes, buildings, overlays, marks),
// then labels placed greedily by priority without overlap, then the furniture (title band,
// legend panel, north arrow, scale bar). Feature order inside a pass is the map's order,
// and label candidates are sorted with index tie-breaks, so a map always draws the same.
// Map loading, picture sizes and agents are not here.
#include "render/map_draw.h"

#include "world/geometry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define MAX_LEGEND 48

// ---------------------------------------------------------------------------------------
// Palette: muted GIS tones; categories differ in hue, overlays are translucent.

static const gops_map_palette_t palette = {
    .outside = {233, 231, 226, 255},
    .land = {249, 247, 243, 255},
    .boundary = {126, 87, 194, 255},
    .walkable = {229, 225, 238, 255},
    .walkway = {237, 234, 243, 255},
    .sidewalk = {223, 219, 210, 255},
    .nonmotor = {204, 206, 210, 255},
    .carriageway = {
        [GOPS_ROAD_ARTERIAL] = {158, 162, 168, 255},
        [GOPS_ROAD_SECONDARY] = {170, 173, 179, 255},
        [GOPS_ROAD_LOCAL] = {182, 185, 190, 255},
        [GOPS_ROAD_SERVICE] = {193, 195, 199, 255},
    },
    .island = {198, 224, 182, 255},
    .building = {
        [GOPS_BUILDING_MALL] = {244, 178, 132, 255},
        [GOPS_BUILDING_OFFICE] = {163, 189, 217, 255},
        [GOPS_BUILDING_RESIDENTIAL] = {233, 216, 187, 255},
        [GOPS_BUILDING_TRANSIT] = {204, 176, 222, 255},
        [GOPS_BUILDING_OTHER] = {214, 209, 201, 255},
    },
    .building_line = {
        [GOPS_BUILDING_MALL] = {192, 113, 58, 255},
        [GOPS_BUILDING_OFFICE] = {92, 123, 164, 255},
        [GOPS_BUILDING_RESIDENTIAL] = {176, 153, 114, 255},
        [GOPS_BUILDING_TRANSIT] = {138, 98, 168, 255},
        [GOPS_BUILDING_OTHER] = {158, 152, 144, 255},
    },
    .transit = {
        [GOPS_TRANSIT_METRO_EXIT] = {211, 47, 47, 255},
        [GOPS_TRANSIT_BUS_STOP] = {25, 118, 210, 255},
        [GOPS_TRANSIT_RAIL_STATION] = {55, 71, 79, 255},
        [GOPS_TRANSIT_GARAGE] = {21, 88, 176, 255},
        [GOPS_TRANSIT_EDGE] = {140, 140, 140, 255},
    },
    .vendor = {239, 108, 0, 255},
    .post = {46, 125, 50, 255},
    .camera = {
        [GOPS_CAMERA_EAGLE_EYE] = {106, 27, 154, 255},
        [GOPS_CAMERA_SHARP_EYES] = {198, 40, 40, 255},
        [GOPS_CAMERA_SMART_CAPTURE] = {0, 131, 143, 255},
    },
    .pa = {184, 134, 11, 255},
    .landmark = {183, 28, 28, 255},
    .zone = {
        [GOPS_ZONE_DISTRICT] = {142, 36, 170, 255},
        [GOPS_ZONE_SUBDISTRICT] = {30, 110, 200, 255},
        [GOPS_ZONE_GRID] = {56, 142, 60, 255},
        [GOPS_ZONE_SPECIAL] = {216, 67, 21, 255},
    },
};

static const gops_rgba_t INK = {33, 33, 33, 255};
static const gops_rgba_t MUTED = {97, 97, 97, 255};
static const gops_rgba_t WHITE = {255, 255, 255, 255};
static const gops_rgba_t RULE = {189, 189, 189, 255};
static const gops_rgba_t MARKING = {255, 255, 255, 235};
static const gops_rgba_t CENTRE_LINE = {242, 196, 48, 255};
static const gops_rgba_t ENTRANCE = {93, 64, 55, 255};

const gops_map_palette_t *gops_map_draw_palette(void) { return &palette; }

static gops_rgba_t with_alpha(gops_rgba_t c, int a)
{
    c.a = (uint8_t)a;
    return c;
}

static gops_rgba_t darker(gops_rgba_t c, double f) { return GOPS_RGBA(c.r * f, c.g * f, c.b * f, c.a); }

// ---------------------------------------------------------------------------------------
// Layers and defaults

static const struct {
    const char *name;
    uint32_t bit;
} layer_table[] = {
    {"base", GOPS_LAYER_BASE}, {"zones", GOPS_LAYER_ZONES}, {"cameras", GOPS_LAYER_CAMERAS},
    {"pa", GOPS_LAYER_PA},     {"posts", GOPS_LAYER_POSTS}, {"labels", GOPS_LAYER_LABELS},
};

uint32_t gops_map_layer_from_name(const char *name)
{
    if (!name) return 0;
    for (size_t i = 0; i < sizeof layer_table / sizeof *layer_table; i++)
        if (strcmp(name, layer_table[i].name) == 0) return layer_table[i].bit;
    return 0;
}

const char *gops_map_layer_names(void) { return "base, zones, cameras, pa, posts, labels"; }

gops_map_draw_def_t gops_map_draw_def_default(void)
{
    return (gops_map_draw_def_t){.layers = GOPS_LAYERS_DEFAULT, .furniture = true, .title = NULL, .text_scale = 0};
}

// ---------------------------------------------------------------------------------------
// Page layout: title band on top, legend panel on the right, the map in the rest.

typedef struct page {
    double k;          ///< size factor for text and marks (1 at 2000 px wide)
    gops_rect_t title; ///< w = 0 without furniture
    gops_rect_t panel;
    gops_rect_t map;
    double margin; ///< px kept free around the map's bounds
} page_t;

static double size_factor(const gops_map_draw_def_t *def, int width)
{
    if (def->text_scale > 0) return def->text_scale;
    double k = width / 2000.0;
    return k < 0.75 ? 0.75 : k > 2.5 ? 2.5 : k; // below 0.75 text is unreadable: fewer labels instead
}

static page_t page_layout(const gops_map_draw_def_t *def, int width, int height)
{
    page_t p = {0};
    p.k = size_factor(def, width);
    if (def->furniture) {
        double t = 76 * p.k, w = 360 * p.k;
        if (w > 0.4 * width) w = 0.4 * width;
        p.title = (gops_rect_t){0, 0, width, t};
        p.panel = (gops_rect_t){width - w, t, w, height - t};
        p.map = (gops_rect_t){0, t, width - w, height - t};
        p.margin = 30 * p.k;
    } else {
        p.map = (gops_rect_t){0, 0, width, height};
        p.margin = 10 * p.k;
    }
    return p;
}

// ---------------------------------------------------------------------------------------
// What the map holds (drives the legend and the subtitle)

typedef struct census {
    uint32_t kind[GOPS_FEAT_KIND_COUNT];
    uint32_t building[GOPS_BUILDING_CATEGORY_COUNT];
    uint32_t transit[GOPS_TRANSIT_MODE_COUNT];
    uint32_t camera[GOPS_CAMERA_TYPE_COUNT];
    uint32_t zone[GOPS_ZONE_LEVEL_COUNT];
    uint32_t approximate;
    bool nonmotor;
} census_t;

static census_t take_census(const gops_map_t *m)
{
    census_t c = {0};
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        c.kind[f->kind]++;
        if (f->approximate) c.approximate++;
        switch (f->kind) {
        case GOPS_FEAT_BUILDING: c.building[f->u.building.category]++; break;
        case GOPS_FEAT_TRANSIT: c.transit[f->u.transit.mode]++; break;
        case GOPS_FEAT_CAMERA: c.camera[f->u.camera.type]++; break;
        case GOPS_FEAT_ZONE: c.zone[f->u.zone.level]++; break;
        case GOPS_FEAT_ROAD: c.nonmotor |= f->u.road.nonmotor_m > 0; break;
        default: break;
        }
    }
    return c;
}

typedef enum swatch {
    SW_AREA,    ///< filled box with outline
    SW_LINE,    ///< solid line
    SW_DASH,    ///< dashed line
    SW_ROAD,    ///< carriageway on sidewalk
    SW_ICON,    ///< disc with a letter
    SW_SQUARE,  ///< rounded square with a letter
    SW_DOT,     ///< small dot
    SW_WEDGE,   ///< coverage sector
    SW_RING,    ///< range circle
    SW_STAR,    ///< landmark
    SW_DIAMOND, ///< entrance
} swatch_t;

typedef struct legend_item {
    int grid; ///< 1 on the grid-zone row (its text may name the label prefix)
    swatch_t sw;
    gops_rgba_t fill, line;
    const char *letter;
    const char *en, *zh;
} legend_item_t;

static size_t build_legend(const gops_map_t *m, uint32_t layers, legend_item_t *out)
{
    census_t c = take_census(m);
    const gops_map_palette_t *p = &palette;
    size_t n = 0;
#define ITEM(...) (out[n++] = (legend_item_t){0, __VA_ARGS__})
    if (layers & GOPS_LAYER_BASE) {
        if (c.kind[GOPS_FEAT_BOUNDARY]) ITEM(SW_DASH, p->boundary, p->boundary, NULL, "District boundary", "商圈范围");
        static const char *const ben[] = {"Mall", "Office", "Residential", "Station building", "Other building"};
        static const char *const bzh[] = {"商场", "写字楼", "住宅", "交通建筑", "其他建筑"};
        for (int b = 0; b < GOPS_BUILDING_CATEGORY_COUNT; b++)
            if (c.building[b]) ITEM(SW_AREA, p->building[b], p->building_line[b], NULL, ben[b], bzh[b]);
        if (c.kind[GOPS_FEAT_ROAD])
            ITEM(SW_ROAD, p->carriageway[GOPS_ROAD_SECONDARY], p->sidewalk, NULL, "Road and sidewalks", "道路与人行道");
        if (c.nonmotor) ITEM(SW_LINE, p->nonmotor, p->nonmotor, NULL, "Non-motor lane", "非机动车道");
        if (c.kind[GOPS_FEAT_PLAZA] + c.kind[GOPS_FEAT_PEDESTRIAN_STREET])
            ITEM(SW_AREA, p->walkable, darker(p->walkable, 0.82), NULL, "Plaza, pedestrian street", "广场、步行街");
        if (c.kind[GOPS_FEAT_WALKWAY]) ITEM(SW_AREA, p->walkway, darker(p->walkway, 0.85), NULL, "Walkway", "人行通道");
        if (c.transit[GOPS_TRANSIT_METRO_EXIT])
            ITEM(SW_ICON, p->transit[GOPS_TRANSIT_METRO_EXIT], WHITE, "M", "Metro exit", "地铁出入口");
        if (c.transit[GOPS_TRANSIT_BUS_STOP])
            ITEM(SW_ICON, p->transit[GOPS_TRANSIT_BUS_STOP], WHITE, "B", "Bus stop", "公交站");
        if (c.transit[GOPS_TRANSIT_RAIL_STATION])
            ITEM(SW_SQUARE, p->transit[GOPS_TRANSIT_RAIL_STATION], WHITE, "R", "Rail station", "火车站");
        if (c.transit[GOPS_TRANSIT_GARAGE])
            ITEM(SW_SQUARE, p->transit[GOPS_TRANSIT_GARAGE], WHITE, "P", "Parking garage", "停车场");
        if (c.transit[GOPS_TRANSIT_EDGE])
            ITEM(SW_DOT, p->transit[GOPS_TRANSIT_EDGE], WHITE, NULL, "Map edge entry", "边界出入口");
        if (c.kind[GOPS_FEAT_ENTRANCE]) ITEM(SW_DIAMOND, ENTRANCE, WHITE, NULL, "Building entrance", "建筑出入口");
        if (c.kind[GOPS_FEAT_VENDOR_POINT])
            ITEM(SW_ICON, p->vendor, WHITE, "n", "Vendor point (stalls)", "摊点（摊位数）");
        if (!(layers & GOPS_LAYER_CAMERAS)) {
            static const char *const cen[] = {"Eagle-eye camera", "Sharp Eyes camera", "Smart capture camera"};
            static const char *const czh[] = {"鹰眼", "雪亮工程", "智能抓拍"};
            for (int t = 0; t < GOPS_CAMERA_TYPE_COUNT; t++)
                if (c.camera[t]) ITEM(SW_DOT, p->camera[t], WHITE, NULL, cen[t], czh[t]);
        }
        if (c.kind[GOPS_FEAT_PA_SPEAKER] && !(layers & GOPS_LAYER_PA))
            ITEM(SW_DOT, p->pa, WHITE, NULL, "PA speaker", "广播音柱");
        if (c.kind[GOPS_FEAT_LANDMARK]) ITEM(SW_STAR, p->landmark, WHITE, NULL, "Landmark", "地标");
    }
    if (layers & GOPS_LAYER_ZONES) {
        static const char *const zen[] = {"District", "Sub-district", "Grid", "Special zone"};
        static const char *const zzh[] = {"行政区", "街道", "网格", "专属区域"};
        for (int l = 0; l < GOPS_ZONE_LEVEL_COUNT; l++)
            if (c.zone[l]) {
                ITEM(SW_AREA, with_alpha(p->zone[l], 60), p->zone[l], NULL, zen[l], zzh[l]);
                out[n - 1].grid = l == GOPS_ZONE_GRID;
            }
    }
    if ((layers & GOPS_LAYER_CAMERAS) && c.kind[GOPS_FEAT_CAMERA]) {
        static const char *const cen[] = {"Eagle-eye camera", "Sharp Eyes camera", "Smart capture"};
        static const char *const czh[] = {"鹰眼", "雪亮工程", "智能抓拍"};
        for (int t = 0; t < GOPS_CAMERA_TYPE_COUNT; t++)
            if (c.camera[t]) ITEM(SW_WEDGE, with_alpha(p->camera[t], 70), p->camera[t], NULL, cen[t], czh[t]);
    }
    if ((layers & GOPS_LAYER_PA) && c.kind[GOPS_FEAT_PA_SPEAKER])
        ITEM(SW_RING, with_alpha(p->pa, 40), p->pa, NULL, "PA speaker range", "广播覆盖");
    if ((layers & GOPS_LAYER_POSTS) && c.kind[GOPS_FEAT_POST])
        ITEM(SW_SQUARE, p->post, WHITE, "", "Staffed post", "执勤点位");
#undef ITEM
    return n;
}

// Panel rows, in units of k: heading, items, then north arrow and scale bar.
#define LEGEND_TOP 24.0
#define LEGEND_HEAD 40.0
#define LEGEND_ROW 30.0
#define LEGEND_FOOT 250.0

int gops_map_draw_height(const gops_map_t *map, const gops_map_draw_def_t *def, int width)
{
    gops_map_draw_def_t d = def ? *def : gops_map_draw_def_default();
    page_t p = page_layout(&d, width, width); // the height does not change widths
    double w = map->max_x - map->min_x, h = map->max_y - map->min_y;
    if (!(w > 0) || !(h > 0)) return width;
    double inner = p.map.w - 2 * p.margin;
    double height = p.title.h + inner * h / w + 2 * p.margin;
    if (d.furniture) {
        legend_item_t items[MAX_LEGEND];
        size_t n = build_legend(map, d.layers, items);
        double need = p.title.h + p.k * (LEGEND_TOP + LEGEND_HEAD + LEGEND_ROW * (double)n + LEGEND_FOOT);
        if (height < need) height = need;
    }
    if (height > 16384) height = 16384;
    return (int)ceil(height);
}

gops_view_t gops_map_draw_fit(const gops_map_t *map, const gops_map_draw_def_t *def, int width, int height)
{
    gops_map_draw_def_t d = def ? *def : gops_map_draw_def_default();
    page_t p = page_layout(&d, width, height);
    return gops_view_fit(map->min_x, map->min_y, map->max_x, map->max_y, p.map, p.margin);
}

// ---------------------------------------------------------------------------------------
// Drawing context and label placement (oriented boxes, separating-axis overlap test)

typedef struct quad {
    double x[4], y[4];
    double x0, y0, x1, y1; ///< bounding box
} quad_t;

typedef struct named_spot {
    const char *name;
    double x, y;
} named_spot_t;

typedef struct ctx {
    gops_canvas_t *c;
    const gops_view_t *v;
    const gops_map_t *m;
    uint32_t layers;
    page_t page;
    double k;
    bool cjk;
    quad_t *placed;
    size_t nplaced, cap;
    named_spot_t *spots; ///< road names already placed (one per road name per neighbourhood)
    size_t nspots, spot_cap;
    size_t grid_prefix;     ///< bytes of the name prefix all grid zones share (labelled by the rest)
    char grid_example[160]; ///< for the legend: the prefix followed by "n"
} ctx_t;

static void quad_bounds(quad_t *q)
{
    q->x0 = q->x1 = q->x[0];
    q->y0 = q->y1 = q->y[0];
    for (int i = 1; i < 4; i++) {
        q->x0 = fmin(q->x0, q->x[i]);
        q->x1 = fmax(q->x1, q->x[i]);
        q->y0 = fmin(q->y0, q->y[i]);
        q->y1 = fmax(q->y1, q->y[i]);
    }
}

static quad_t rect_quad(gops_rect_t r)
{
    quad_t q = {{r.x, r.x + r.w, r.x + r.w, r.x}, {r.y, r.y, r.y + r.h, r.y + r.h}, 0, 0, 0, 0};
    quad_bounds(&q);
    return q;
}

static bool separated_on(const quad_t *a, const quad_t *b, double ax, double ay)
{
    double amin = INFINITY, amax = -INFINITY, bmin = INFINITY, bmax = -INFINITY;
    for (int i = 0; i < 4; i++) {
        double pa = a->x[i] * ax + a->y[i] * ay, pb = b->x[i] * ax + b->y[i] * ay;
        amin = fmin(amin, pa);
        amax = fmax(amax, pa);
        bmin = fmin(bmin, pb);
        bmax = fmax(bmax, pb);
    }
    return amax <= bmin || bmax <= amin;
}

static bool quads_overlap(const quad_t *a, const quad_t *b)
{
    if (a->x1 <= b->x0 || b->x1 <= a->x0 || a->y1 <= b->y0 || b->y1 <= a->y0) return false;
    const quad_t *qs[2] = {a, b};
    for (int q = 0; q < 2; q++)
        for (int e = 0; e < 2; e++) {
            double ex = qs[q]->x[e + 1] - qs[q]->x[e], ey = qs[q]->y[e + 1] - qs[q]->y[e];
            if (separated_on(a, b, -ey, ex)) return false;
        }
    return true;
}

static bool free_spot(const ctx_t *x, const quad_t *q)
{
    const gops_rect_t *a = &x->page.map;
    if (q->x0 < a->x || q->y0 < a->y || q->x1 > a->x + a->w || q->y1 > a->y + a->h) return false;
    for (size_t i = 0; i < x->nplaced; i++)
        if (quads_overlap(q, &x->placed[i])) return false;
    return true;
}

static void occupy(ctx_t *x, const quad_t *q)
{
    if (x->nplaced == x->cap) {
        size_t n = x->cap ? 2 * x->cap : 128;
        quad_t *p = realloc(x->placed, n * sizeof *p);
        if (!p) return; // labels may then overlap; nothing else depends on it
        x->placed = p;
        x->cap = n;
    }
    x->placed[x->nplaced++] = *q;
}

static void occupy_rect(ctx_t *x, double cx, double cy, double half)
{
    quad_t q = rect_quad((gops_rect_t){cx - half, cy - half, 2 * half, 2 * half});
    occupy(x, &q);
}

/// The text's oriented box (halo included) anchored at pixel (px, py).
static bool text_quad(ctx_t *x, double px, double py, const char *text, const gops_text_style_t *st, quad_t *q)
{
    gops_text_style_t up = *st;
    up.angle_deg = 0;
    gops_rect_t r;
    if (!gops_canvas_text_bounds(x->c, NULL, px, py, text, &up, &r)) return false;
    double cs = cos(st->angle_deg * PI / 180), sn = sin(st->angle_deg * PI / 180);
    double xs[4] = {r.x, r.x + r.w, r.x + r.w, r.x}, ys[4] = {r.y, r.y, r.y + r.h, r.y + r.h};
    for (int i = 0; i < 4; i++) {
        double dx = xs[i] - px, dy = ys[i] - py;
        q->x[i] = px + dx * cs + dy * sn;
        q->y[i] = py - dx * sn + dy * cs;
    }
    quad_bounds(q);
    return true;
}

/// Places one text at pixel (px, py) when its box is free; true when drawn.
static bool place_text(ctx_t *x, double px, double py, const char *text, const gops_text_style_t *st)
{
    quad_t q;
    if (!text_quad(x, px, py, text, st, &q) || !free_spot(x, &q)) return false;
    gops_canvas_text(x->c, NULL, px, py, text, st, NULL);
    occupy(x, &q);
    return true;
}

/// The name to show: the local (Chinese) name when the font can draw it, else the English
/// name, else none (never a row of missing-glyph boxes).
static const char *display_name(const ctx_t *x, const gops_feature_t *f)
{
    if (f->name && *f->name && gops_canvas_can_draw(x->c, f->name)) return f->name;
    if (f->name_en && *f->name_en && gops_canvas_can_draw(x->c, f->name_en)) return f->name_en;
    return NULL;
}

/// The English name under a local one, when there is one to add and it can be drawn.
static const char *second_name(const ctx_t *x, const gops_feature_t *f, const char *first)
{
    if (!first || first != f->name || !f->name_en || !*f->name_en) return NULL;
    return gops_canvas_can_draw(x->c, f->name_en) ? f->name_en : NULL;
}

static gops_text_style_t style(const ctx_t *x, double size, gops_rgba_t colour, bool bold)
{
    gops_text_style_t s = gops_text_style_default();
    s.size_px = size * x->k;
    s.colour = colour;
    s.bold = bold;
    s.halo_px = fmax(1.0, 2.0 * x->k);
    return s;
}

static void px_of(const ctx_t *x, gops_point_t p, double *px, double *py) { gops_view_to_px(x->v, p.x, p.y, px, py); }

static double px_len(const ctx_t *x, double metres) { return metres * x->v->scale; }

// ---------------------------------------------------------------------------------------
// Polyline helpers (world metres)

/// Copies `line` offset sideways by d metres (positive: to the left of its direction) into
/// out (line->count points); `closed` treats it as a ring. Joins are mitred, limited to
/// 2·|d| so sharp bends stay tame.
static void offset_line(const gops_path_t *line, double d, bool closed, gops_point_t *out)
{
    uint32_t n = line->count;
    const gops_point_t *p = line->pts;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t prev = i ? i - 1 : (closed ? n - 1 : i), next = i + 1 < n ? i + 1 : (closed ? 0 : i);
        double nx = 0, ny = 0, sx = 0, sy = 0; // averaged normal, and one segment's normal
        uint32_t seg[2][2] = {{prev, i}, {i, next}};
        for (int k = 0; k < 2; k++) {
            double dx = p[seg[k][1]].x - p[seg[k][0]].x, dy = p[seg[k][1]].y - p[seg[k][0]].y, len = hypot(dx, dy);
            if (len <= 0) continue;
            nx += -dy / len;
            ny += dx / len;
            sx = -dy / len;
            sy = dx / len;
        }
        double nl = hypot(nx, ny);
        if (nl <= 0) {
            out[i] = p[i];
            continue;
        }
        nx /= nl;
        ny /= nl;
        // the mitre: the averaged normal must reach d along each segment's own normal
        double cosh = nx * sx + ny * sy, scale = cosh > 0.5 ? 1.0 / cosh : 2.0;
        out[i] = (gops_point_t){p[i].x + nx * d * scale, p[i].y + ny * d * scale};
    }
}

/// The part of a polyline between arc lengths s0 and s1 (m) into out; returns its count.
static uint32_t sub_line(const gops_point_t *p, uint32_t n, double s0, double s1, gops_point_t *out)
{
    uint32_t k = 0;
    double s = 0;
    for (uint32_t i = 0; i + 1 < n; i++) {
        double len = hypot(p[i + 1].x - p[i].x, p[i + 1].y - p[i].y);
        double a = s, b = s + len;
        s = b;
        if (b <= s0 || a >= s1 || len <= 0) continue;
        double t0 = (fmax(a, s0) - a) / len, t1 = (fmin(b, s1) - a) / len;
        gops_point_t q0 = {p[i].x + (p[i + 1].x - p[i].x) * t0, p[i].y + (p[i + 1].y - p[i].y) * t0};
        gops_point_t q1 = {p[i].x + (p[i + 1].x - p[i].x) * t1, p[i].y + (p[i + 1].y - p[i].y) * t1};
        if (k == 0) out[k++] = q0;
        out[k++] = q1;
    }
    return k;
}

static bool same_point(gops_point_t a, gops_point_t b) { return fabs(a.x - b.x) < 1e-6 && fabs(a.y - b.y) < 1e-6; }

// ---------------------------------------------------------------------------------------
// Roads

static double road_half_width(const gops_road_t *r) { return 0.5 * r->width_m + r->nonmotor_m; }

/// How far lane markings stop short of a road end: clear of any other road's carriageway
/// that passes within reach of that end (a crossing or a T-junction).
static double marking_trim(const gops_map_t *m, uint32_t self, gops_point_t end)
{
    double trim = 0;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        if (f->kind != GOPS_FEAT_ROAD || i == self) continue;
        const gops_road_t *r = &f->u.road;
        double hw = road_half_width(r), best = INFINITY;
        for (uint32_t j = 0; j + 1 < r->line.count; j++)
            best = fmin(best, gops_point_segment_distance(end, r->line.pts[j], r->line.pts[j + 1], NULL));
        if (best <= hw + 1.0) trim = fmax(trim, hw + 1.5);
    }
    return trim;
}

typedef enum road_pass { PASS_CASING, PASS_SIDEWALK, PASS_NONMOTOR, PASS_CARRIAGEWAY } road_pass_t;

static void road_band(ctx_t *x, const gops_road_t *r, road_pass_t pass, uint8_t ends, gops_point_t *tmp)
{
    double left = r->sidewalk_left_m, right = r->sidewalk_right_m, core = r->width_m + 2 * r->nonmotor_m;
    double width_m, offset_m = 0, min_px;
    gops_rgba_t col;
    switch (pass) {
    case PASS_CASING:
    case PASS_SIDEWALK:
        if (left + right <= 0) return;
        width_m = core + left + right;
        offset_m = 0.5 * (left - right);
        col = pass == PASS_CASING ? darker(palette.sidewalk, 0.88) : palette.sidewalk;
        min_px = 2.5 * x->k;
        break;
    case PASS_NONMOTOR:
        if (r->nonmotor_m <= 0) return;
        width_m = core;
        col = palette.nonmotor;
        min_px = 1.5 * x->k;
        break;
    case PASS_CARRIAGEWAY:
    default:
        width_m = r->width_m;
        col = palette.carriageway[r->road_class];
        min_px = 1.5 * x->k;
        break;
    }
    double w = fmax(px_len(x, width_m), min_px);
    if (pass == PASS_CASING) w += 2.0 * x->k;
    const gops_point_t *pts = r->line.pts;
    if (offset_m != 0) {
        offset_line(&r->line, offset_m, false, tmp);
        pts = tmp;
    }
    gops_canvas_stroke_path_capped(x->c, x->v, pts, r->line.count, w, ends & 1, ends & 2, col);
}

static void road_markings(ctx_t *x, uint32_t index, gops_point_t *tmp, gops_point_t *tmp2)
{
    const gops_road_t *r = &x->m->features[index].u.road;
    int lanes_total = r->oneway ? r->lanes : 2 * r->lanes;
    if (lanes_total < 2 || r->line.count < 2) return;
    double lane_w = r->width_m / lanes_total;
    if (px_len(x, lane_w) < 3.5) return; // too small to read: grey only
    double lw = fmax(0.9, px_len(x, 0.15)), dash = fmax(4.0, px_len(x, 4.0)), gap = fmax(5.0, px_len(x, 6.0));
    double len = gops_polyline_length(&r->line);
    double t0 = r->roundabout ? 0 : marking_trim(x->m, index, r->line.pts[0]);
    double t1 = r->roundabout ? 0 : marking_trim(x->m, index, r->line.pts[r->line.count - 1]);
    if (len - t0 - t1 < 2 * lane_w) return;
    // offsets from the centre line, left positive: dividers between lanes
    for (int i = 1; i < lanes_total; i++) {
        double off = 0.5 * r->width_m - i * lane_w;
        bool centre = !r->oneway && i == r->lanes;
        offset_line(&r->line, off, false, tmp);
        uint32_t n = sub_line(tmp, r->line.count, t0, len - t1, tmp2);
        if (n < 2) continue;
        if (centre)
            gops_canvas_stroke_path(x->c, x->v, tmp2, n, false, lw * 1.3, CENTRE_LINE);
        else
            gops_canvas_dash_path(x->c, x->v, tmp2, n, false, lw, dash, gap, MARKING);
    }
}

/// Roundabout islands: the ring's roads grouped by shared end points; a group whose points
/// surround their mean (no angular gap over 90°) gets a green island inside the carriageway.
static void roundabout_islands(ctx_t *x)
{
    const gops_map_t *m = x->m;
    uint32_t n = m->feature_count;
    int32_t *group = malloc(sizeof *group * (n ? n : 1));
    if (!group) return;
    for (uint32_t i = 0; i < n; i++) group[i] = -1;
    for (uint32_t i = 0; i < n; i++) {
        const gops_feature_t *f = &m->features[i];
        if (f->kind != GOPS_FEAT_ROAD || !f->u.road.roundabout || f->u.road.line.count < 2) continue;
        group[i] = (int32_t)i;
    }
    // merge by shared ends until stable (a handful of roads per ring)
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t i = 0; i < n; i++) {
            if (group[i] < 0) continue;
            const gops_path_t *a = &m->features[i].u.road.line;
            for (uint32_t j = i + 1; j < n; j++) {
                if (group[j] < 0 || group[j] == group[i]) continue;
                const gops_path_t *b = &m->features[j].u.road.line;
                gops_point_t ae[2] = {a->pts[0], a->pts[a->count - 1]}, be[2] = {b->pts[0], b->pts[b->count - 1]};
                bool touch = false;
                for (int p = 0; p < 2; p++)
                    for (int q = 0; q < 2; q++) touch |= same_point(ae[p], be[q]);
                if (touch) {
                    int32_t lo = group[i] < group[j] ? group[i] : group[j];
                    int32_t hi = group[i] < group[j] ? group[j] : group[i];
                    for (uint32_t k = 0; k < n; k++)
                        if (group[k] == hi) group[k] = lo;
                    changed = true;
                }
            }
        }
    }
    for (uint32_t g = 0; g < n; g++) {
        if (group[g] != (int32_t)g) continue;
        double sx = 0, sy = 0, half_w = 0;
        uint32_t cnt = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (group[i] != (int32_t)g) continue;
            const gops_road_t *r = &m->features[i].u.road;
            half_w = fmax(half_w, road_half_width(r));
            for (uint32_t k = 0; k < r->line.count; k++, cnt++) {
                sx += r->line.pts[k].x;
                sy += r->line.pts[k].y;
            }
        }
        gops_point_t ctr = {sx / cnt, sy / cnt};
        double rad = 0, ang[512];
        uint32_t na = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (group[i] != (int32_t)g) continue;
            const gops_road_t *r = &m->features[i].u.road;
            for (uint32_t k = 0; k < r->line.count; k++) {
                double dx = r->line.pts[k].x - ctr.x, dy = r->line.pts[k].y - ctr.y;
                rad += hypot(dx, dy) / cnt;
                if (na < 512) ang[na++] = atan2(dy, dx);
            }
        }
        // sort angles (insertion: few points) and find the largest gap
        for (uint32_t i = 1; i < na; i++)
            for (uint32_t j = i; j > 0 && ang[j - 1] > ang[j]; j--) {
                double t = ang[j];
                ang[j] = ang[j - 1];
                ang[j - 1] = t;
            }
        double gap = na ? ang[0] + 2 * PI - ang[na - 1] : 2 * PI;
        for (uint32_t i = 1; i < na; i++) gap = fmax(gap, ang[i] - ang[i - 1]);
        double island = rad - half_w;
        if (gap > 0.5 * PI || px_len(x, island) < 2) continue;
        gops_canvas_fill_circle(x->c, x->v, ctr, px_len(x, island), palette.island);
        gops_canvas_stroke_circle(x->c, x->v, ctr, px_len(x, island), fmax(1.0, x->k), darker(palette.island, 0.8));
    }
    free(group);
}

/// True when a road end touches another road (a shared node, or a T onto its middle).
static bool road_end_connected(const gops_map_t *m, uint32_t self, gops_point_t end)
{
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        if (f->kind != GOPS_FEAT_ROAD || i == self) continue;
        const gops_path_t *l = &f->u.road.line;
        for (uint32_t j = 0; j + 1 < l->count; j++)
            if (gops_point_segment_distance(end, l->pts[j], l->pts[j + 1], NULL) <= 0.5) return true;
        if (l->count == 1 && same_point(end, l->pts[0])) return true;
    }
    return false;
}

static void draw_roads(ctx_t *x)
{
    const gops_map_t *m = x->m;
    // ends joining other roads are rounded so junctions close; dead ends (and roads that
    // leave the map) are cut square: bit 0 start, bit 1 end
    uint8_t *ends = calloc(m->feature_count ? m->feature_count : 1, 1);
    if (!ends) return;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        if (f->kind != GOPS_FEAT_ROAD || f->u.road.line.count < 2) continue;
        const gops_path_t *l = &f->u.road.line;
        ends[i] = (uint8_t)((road_end_connected(m, i, l->pts[0]) ? 1 : 0) |
                            (road_end_connected(m, i, l->pts[l->count - 1]) ? 2 : 0));
    }
    uint32_t most = 2;
    for (uint32_t i = 0; i < m->feature_count; i++)
        if (m->features[i].kind == GOPS_FEAT_ROAD && m->features[i].u.road.line.count > most)
            most = m->features[i].u.road.line.count;
    gops_point_t *tmp = malloc(sizeof *tmp * (most + 2));
    gops_point_t *tmp2 = malloc(sizeof *tmp2 * (most + 2));
    if (!tmp || !tmp2) goto done;
    for (int pass = PASS_CASING; pass <= PASS_CARRIAGEWAY; pass++) {
        // minor classes first so arterials lie on top where carriageways meet
        for (int cls = GOPS_ROAD_CLASS_COUNT - 1; cls >= 0; cls--) {
            for (uint32_t i = 0; i < m->feature_count; i++) {
                const gops_feature_t *f = &m->features[i];
                if (f->kind != GOPS_FEAT_ROAD || (int)f->u.road.road_class != cls) continue;
                road_band(x, &f->u.road, (road_pass_t)pass, ends[i], tmp);
            }
        }
    }
    roundabout_islands(x);
    for (uint32_t i = 0; i < m->feature_count; i++)
        if (m->features[i].kind == GOPS_FEAT_ROAD) road_markings(x, i, tmp, tmp2);
done:
    free(tmp);
    free(tmp2);
    free(ends);
}

// ---------------------------------------------------------------------------------------
// Areas, buildings, marks

static void draw_land(ctx_t *x)
{
    const gops_map_t *m = x->m;
    bool boundary = false;
    for (uint32_t i = 0; i < m->feature_count; i++) boundary |= m->features[i].kind == GOPS_FEAT_BOUNDARY;
    gops_canvas_clear(x->c, boundary ? palette.outside : palette.land);
    for (uint32_t i = 0; i < m->feature_count; i++)
        if (m->features[i].kind == GOPS_FEAT_BOUNDARY)
            gops_canvas_fill_polygon(x->c, x->v, &m->features[i].shape, palette.land);
}

static void draw_boundary_line(ctx_t *x)
{
    for (uint32_t i = 0; i < x->m->feature_count; i++) {
        const gops_feature_t *f = &x->m->features[i];
        if (f->kind != GOPS_FEAT_BOUNDARY) continue;
        for (uint32_t r = 0; r < f->shape.ring_count; r++) {
            const gops_path_t *ring = &f->shape.rings[r];
            gops_canvas_stroke_path(x->c, x->v, ring->pts, ring->count, true, 7 * x->k,
                                    with_alpha(palette.boundary, 40));
            gops_canvas_dash_path(x->c, x->v, ring->pts, ring->count, true, 2.5 * x->k, 16 * x->k, 6 * x->k,
                                  palette.boundary);
        }
    }
}

static void draw_walkable(ctx_t *x)
{
    for (uint32_t i = 0; i < x->m->feature_count; i++) {
        const gops_feature_t *f = &x->m->features[i];
        if (f->kind != GOPS_FEAT_PLAZA && f->kind != GOPS_FEAT_PEDESTRIAN_STREET && f->kind != GOPS_FEAT_WALKWAY)
            continue;
        gops_rgba_t fill = f->kind == GOPS_FEAT_WALKWAY ? palette.walkway : palette.walkable;
        gops_canvas_fill_polygon(x->c, x->v, &f->shape, fill);
        gops_canvas_stroke_polygon(x->c, x->v, &f->shape, fmax(0.8, 1.0 * x->k), darker(fill, 0.82));
    }
}

static void draw_buildings(ctx_t *x)
{
    for (uint32_t i = 0; i < x->m->feature_count; i++) {
        const gops_feature_t *f = &x->m->features[i];
        if (f->kind != GOPS_FEAT_BUILDING) continue;
        gops_building_category_t cat = f->u.building.category;
        gops_canvas_fill_polygon(x->c, x->v, &f->u.building.shape, palette.building[cat]);
        gops_canvas_stroke_polygon(x->c, x->v, &f->u.building.shape, fmax(0.8, 1.2 * x->k), palette.building_line[cat]);
    }
    for (uint32_t i = 0; i < x->m->feature_count; i++) {
        const gops_feature_t *f = &x->m->features[i];
        if (f->kind != GOPS_FEAT_LANDMARK || f->shape.ring_count == 0) continue;
        gops_canvas_fill_polygon(x->c, x->v, &f->shape, with_alpha(palette.landmark, 200));
        gops_canvas_stroke_polygon(x->c, x->v, &f->shape, fmax(1.0, 1.5 * x->k), darker(palette.landmark, 0.7));
    }
}

/// Entrances are small diamonds (dots are sensors: cameras and speakers).
static void draw_diamond(ctx_t *x, double px, double py, double r, gops_rgba_t fill)
{
    gops_point_t halo[4] = {
        {px, py - r - 1.2 * x->k}, {px + r + 1.2 * x->k, py}, {px, py + r + 1.2 * x->k}, {px - r - 1.2 * x->k, py}};
    gops_point_t core[4] = {{px, py - r}, {px + r, py}, {px, py + r}, {px - r, py}};
    gops_canvas_fill_shape(x->c, NULL, halo, 4, WHITE);
    gops_canvas_fill_shape(x->c, NULL, core, 4, fill);
}

static void draw_entrances(ctx_t *x)
{
    for (uint32_t i = 0; i < x->m->feature_count; i++) {
        const gops_feature_t *f = &x->m->features[i];
        if (f->kind != GOPS_FEAT_ENTRANCE) continue;
        double px, py;
        px_of(x, f->at, &px, &py);
        draw_diamond(x, px, py, fmax(2.0, fmin(px_len(x, 0.5 * f->u.entrance.width_m), 3.6 * x->k)), ENTRANCE);
    }
}

static size_t zone_largest_part(const gops_zone_t *z)
{
    size_t best = 0;
    double area = -1;
    for (uint32_t p = 0; p < z->part_count; p++) {
        double a = gops_polygon_area(&z->parts[p]);
        if (a > area) {
            area = a;
            best = p;
        }
    }
    return best;
}

/// A band of width_px along the inside of every ring of a polygon, in one even-odd fill of
/// each ring with its inward offset (narrowed for small rings so the offset stays simple).
static void inner_band(ctx_t *x, const gops_polygon_t *poly, double width_px, gops_rgba_t col)
{
    for (uint32_t r = 0; r < poly->ring_count; r++) {
        const gops_path_t *ring = &poly->rings[r];
        double bx0, by0, bx1, by1;
        if (ring->count < 3 || !gops_path_bounds(ring, &bx0, &by0, &bx1, &by1)) continue;
        double d = fmin(width_px / x->v->scale, 0.2 * fmin(bx1 - bx0, by1 - by0));
        // the interior is on the left of a counter-clockwise outer ring and of a clockwise hole
        double area = gops_ring_signed_area(ring);
        if ((r == 0) != (area > 0)) d = -d;
        gops_point_t *in = malloc(sizeof *in * ring->count);
        if (!in) return;
        offset_line(ring, d, true, in);
        gops_path_t pair[2] = {*ring, {in, ring->count}};
        gops_canvas_fill_rings(x->c, x->v, pair, 2, col);
        free(in);
    }
}

/// The finest of district/subdistrict/grid present is filled (they tile the district, so
/// filling them all would stack into grey); coarser levels get a tinted band inside their
/// edge instead; special zones are always filled.
static void draw_zone_fills(ctx_t *x)
{
    census_t cs = take_census(x->m);
    int finest = -1;
    for (int l = GOPS_ZONE_DISTRICT; l <= GOPS_ZONE_GRID; l++)
        if (cs.zone[l]) finest = l;
    static const double band_px[GOPS_ZONE_LEVEL_COUNT] = {16, 10, 0, 0};
    for (int level = 0; level < GOPS_ZONE_LEVEL_COUNT; level++)
        for (uint32_t i = 0; i < x->m->feature_count; i++) {
            const gops_feature_t *f = &x->m->features[i];
            if (f->kind != GOPS_FEAT_ZONE || (int)f->u.zone.level != level) continue;
            for (uint32_t p = 0; p < f->u.zone.part_count; p++) {
                const gops_polygon_t *poly = &f->u.zone.parts[p];
                if (level == finest || level == GOPS_ZONE_SPECIAL)
                    gops_canvas_fill_polygon(x->c, x->v, poly,
                                             with_alpha(palette.zone[level], level == GOPS_ZONE_SPECIAL ? 44 : 30));
                else
                    inner_band(x, poly, band_px[level] * x->k, with_alpha(palette.zone[level], 40));
            }
        }
}

static void draw_zone_lines(ctx_t *x)
{
    // coarse levels last so a district edge is not hidden under the grids that share it
    static const int order[] = {GOPS_ZONE_GRID, GOPS_ZONE_SPECIAL, GOPS_ZONE_SUBDISTRICT, GOPS_ZONE_DISTRICT};
    for (size_t o = 0; o < 4; o++) {
        int level = order[o];
        for (uint32_t i = 0; i < x->m->feature_count; i++) {
            const gops_feature_t *f = &x->m->features[i];
            if (f->kind != GOPS_FEAT_ZONE || (int)f->u.zone.level != level) continue;
            gops_rgba_t col = palette.zone[level];
            for (uint32_t p = 0; p < f->u.zone.part_count; p++) {
                const gops_polygon_t *poly = &f->u.zone.parts[p];
                for (uint32_t r = 0; r < poly->ring_count; r++) {
                    const gops_path_t *ring = &poly->rings[r];
                    switch (level) {
                    case GOPS_ZONE_DISTRICT:
                        gops_canvas_dash_path(x->c, x->v, ring->pts, ring->count, true, 4.0 * x->k, 22 * x->k, 7 * x->k,
                                              with_alpha(col, 220));
                        break;
                    case GOPS_ZONE_SUBDISTRICT:
                        gops_canvas_dash_path(x->c, x->v, ring->pts, ring->count, true, 2.6 * x->k, 12 * x->k, 5 * x->k,
                                              with_alpha(col, 220));
                        break;
                    case GOPS_ZONE_SPECIAL:
                        gops_canvas_stroke_path(x->c, x->v, ring->pts, ring->count, true, 2.2 * x->k,
                                                with_alpha(col, 230));
                        break;
                    default:
                        gops_canvas_stroke_path(x->c, x->v, ring->pts, ring->count, true, 1.4 * x->k,
                                                with_alpha(col, 200));
                        break;
                    }
                }
            }
        }
    }
}

/// Coverage overlays: the union of each kind's areas is tinted once (overlaps do not
/// darken), then every area's outline is drawn thin.
static void draw_overlays(ctx_t *x)
{
    const gops_map_t *m = x->m;
    gops_wedge_t *w = malloc(sizeof *w * (m->feature_count ? m->feature_count : 1));
    if (!w) return;
    if (x->layers & GOPS_LAYER_PA) {
        uint32_t n = 0;
        for (uint32_t i = 0; i < m->feature_count; i++)
            if (m->features[i].kind == GOPS_FEAT_PA_SPEAKER)
                w[n++] = (gops_wedge_t){m->features[i].at, 0, 360, px_len(x, m->features[i].u.pa.range_m)};
        gops_canvas_fill_wedges(x->c, x->v, w, n, with_alpha(palette.pa, 34));
        for (uint32_t i = 0; i < n; i++)
            gops_canvas_stroke_circle(x->c, x->v, w[i].centre, w[i].radius_px, fmax(1.0, 1.2 * x->k),
                                      with_alpha(palette.pa, 140));
    }
    if (x->layers & GOPS_LAYER_CAMERAS)
        for (int t = 0; t < GOPS_CAMERA_TYPE_COUNT; t++) { // wide eagle-eye discs first, under the sectors
            uint32_t n = 0;
            for (uint32_t i = 0; i < m->feature_count; i++) {
                const gops_feature_t *f = &m->features[i];
                if (f->kind != GOPS_FEAT_CAMERA || (int)f->u.camera.type != t) continue;
                w[n++] =
                    (gops_wedge_t){f->at, f->u.camera.heading_deg, f->u.camera.fov_deg, px_len(x, f->u.camera.range_m)};
            }
            gops_rgba_t col = palette.camera[t];
            gops_canvas_fill_wedges(x->c, x->v, w, n, with_alpha(col, t == GOPS_CAMERA_EAGLE_EYE ? 30 : 48));
            // outlines tell single cameras apart; with hundreds they only add noise
            if (n <= 80)
                for (uint32_t i = 0; i < n; i++)
                    gops_canvas_stroke_wedge(x->c, x->v, w[i].centre, w[i].heading_deg, w[i].fov_deg, w[i].radius_px,
                                             fmax(0.8, 1.0 * x->k),
                                             with_alpha(col, t == GOPS_CAMERA_EAGLE_EYE ? 90 : 150));
        }
    free(w);
}

static void icon_letter(ctx_t *x, double px, double py, const char *letter, double size, gops_rgba_t colour)
{
    gops_text_style_t s = style(x, size, colour, true);
    s.halo.a = 0;
    gops_canvas_text(x->c, NULL, px, py, letter, &s, NULL);
}

static void draw_disc_icon(ctx_t *x, double px, double py, double r, gops_rgba_t fill, const char *letter)
{
    gops_point_t c = {px, py};
    gops_canvas_fill_circle(x->c, NULL, c, r + 1.5 * x->k, WHITE);
    gops_canvas_fill_circle(x->c, NULL, c, r, fill);
    if (letter && *letter) icon_letter(x, px, py, letter, r * 1.25 / x->k, WHITE);
}

static void draw_square_icon(ctx_t *x, double px, double py, double r, gops_rgba_t fill, const char *letter)
{
    double o = 1.5 * x->k;
    gops_canvas_fill_rect(x->c, (gops_rect_t){px - r - o, py - r - o, 2 * (r + o), 2 * (r + o)}, WHITE);
    gops_canvas_fill_rect(x->c, (gops_rect_t){px - r, py - r, 2 * r, 2 * r}, fill);
    if (letter && *letter) icon_letter(x, px, py, letter, r * 1.3 / x->k, WHITE);
}

/// A five-pointed star of outer radius r (px) centred on (px, py).
static void draw_star(ctx_t *x, double px, double py, double r, gops_rgba_t fill, gops_rgba_t edge)
{
    gops_point_t pts[10];
    for (int i = 0; i < 10; i++) {
        double rr = (i & 1) ? r * 0.42 : r, a = -PI / 2 + i * PI / 5;
        pts[i] = (gops_point_t){px + rr * cos(a), py + rr * sin(a)};
    }
    gops_canvas_stroke_path(x->c, NULL, pts, 10, true, 3 * x->k, edge);
    gops_canvas_fill_shape(x->c, NULL, pts, 10, fill);
}

static void draw_marks(ctx_t *x)
{
    const gops_map_t *m = x->m;
    double k = x->k;
    // vendor areas under the point marks
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        if (f->kind != GOPS_FEAT_VENDOR_POINT || f->shape.ring_count == 0) continue;
        gops_canvas_fill_polygon(x->c, x->v, &f->shape, with_alpha(palette.vendor, 70));
        for (uint32_t r = 0; r < f->shape.ring_count; r++)
            gops_canvas_dash_path(x->c, x->v, f->shape.rings[r].pts, f->shape.rings[r].count, true, 1.6 * k, 6 * k,
                                  3 * k, palette.vendor);
    }
    if (x->layers & GOPS_LAYER_BASE) {
        for (uint32_t i = 0; i < m->feature_count; i++) {
            const gops_feature_t *f = &m->features[i];
            // hundreds of cameras: small dots with a thin white ring so they read on any fill
            if (f->kind == GOPS_FEAT_CAMERA) {
                gops_canvas_fill_circle(x->c, x->v, f->at, 3.0 * k, WHITE);
                gops_canvas_fill_circle(x->c, x->v, f->at, 2.1 * k, palette.camera[f->u.camera.type]);
            } else if (f->kind == GOPS_FEAT_PA_SPEAKER) {
                gops_canvas_fill_circle(x->c, x->v, f->at, 3.4 * k, WHITE);
                gops_canvas_fill_circle(x->c, x->v, f->at, 2.5 * k, palette.pa);
            }
        }
    }
    if (x->layers & GOPS_LAYER_POSTS)
        for (uint32_t i = 0; i < m->feature_count; i++) {
            const gops_feature_t *f = &m->features[i];
            if (f->kind != GOPS_FEAT_POST) continue;
            double px, py;
            px_of(x, f->at, &px, &py);
            draw_square_icon(x, px, py, 4 * k, palette.post, NULL);
            occupy_rect(x, px, py, 5.5 * k);
        }
    if (!(x->layers & GOPS_LAYER_BASE)) return;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        double px, py;
        px_of(x, f->at, &px, &py);
        if (f->kind == GOPS_FEAT_TRANSIT) {
            gops_transit_mode_t mode = f->u.transit.mode;
            gops_rgba_t col = palette.transit[mode];
            double r = 8 * k;
            switch (mode) {
            case GOPS_TRANSIT_METRO_EXIT: draw_disc_icon(x, px, py, r, col, "M"); break;
            case GOPS_TRANSIT_BUS_STOP: draw_disc_icon(x, px, py, r * 0.9, col, "B"); break;
            case GOPS_TRANSIT_RAIL_STATION: draw_square_icon(x, px, py, r * 1.1, col, "R"); break;
            case GOPS_TRANSIT_GARAGE: draw_square_icon(x, px, py, r * 0.9, col, "P"); break;
            case GOPS_TRANSIT_EDGE:
            default:
                r = 3.5 * k;
                draw_disc_icon(x, px, py, r, col, NULL);
                break;
            }
            occupy_rect(x, px, py, r + 2 * k);
        } else if (f->kind == GOPS_FEAT_VENDOR_POINT) {
            char count[16];
            snprintf(count, sizeof count, "%d", f->u.vendor_point.stalls);
            double r = (strlen(count) > 2 ? 11 : 9) * k;
            gops_point_t c = {px, py};
            gops_canvas_fill_circle(x->c, NULL, c, r + 1.5 * k, WHITE);
            gops_canvas_fill_circle(x->c, NULL, c, r, palette.vendor);
            icon_letter(x, px, py, count, 10.5, WHITE);
            occupy_rect(x, px, py, r + 2 * k);
        } else if (f->kind == GOPS_FEAT_LANDMARK) {
            draw_star(x, px, py, 13 * k, palette.landmark, WHITE);
            occupy_rect(x, px, py, 14 * k);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Labels

/// Size of a one- or two-line label block (second line may be NULL), halos included; the
/// lines overlap by their halos so the block reads as one.
static bool block_size(ctx_t *x, const char *n1, const gops_text_style_t *s1, const char *n2,
                       const gops_text_style_t *s2, double *w, double *h, double *h1)
{
    quad_t q1, q2;
    if (!text_quad(x, 0, 0, n1, s1, &q1)) return false;
    *w = q1.x1 - q1.x0;
    *h1 = *h = q1.y1 - q1.y0;
    if (n2) {
        if (!text_quad(x, 0, 0, n2, s2, &q2)) return false;
        *w = fmax(*w, q2.x1 - q2.x0);
        *h += q2.y1 - q2.y0 - 2 * s2->halo_px;
    }
    return true;
}

/// Places the block centred on (bx, by) when both lines are free; true when drawn.
static bool place_block(ctx_t *x, double bx, double by, const char *n1, gops_text_style_t s1, const char *n2,
                        gops_text_style_t s2)
{
    double w, h, h1;
    s1.anchor = s2.anchor = GOPS_ANCHOR_TOP;
    if (!block_size(x, n1, &s1, n2, &s2, &w, &h, &h1)) return false;
    // boxes include the halo; anchors are glyph tops; line 2 starts where line 1's glyphs end
    double t1 = by - 0.5 * h + s1.halo_px, t2 = t1 + h1 - 2 * s1.halo_px;
    quad_t q1, q2;
    text_quad(x, bx, t1, n1, &s1, &q1);
    if (!free_spot(x, &q1)) return false;
    if (n2) {
        text_quad(x, bx, t2, n2, &s2, &q2);
        if (!free_spot(x, &q2)) return false;
    }
    gops_canvas_text(x->c, NULL, bx, t1, n1, &s1, NULL);
    occupy(x, &q1);
    if (n2) {
        gops_canvas_text(x->c, NULL, bx, t2, n2, &s2, NULL);
        occupy(x, &q2);
    }
    return true;
}

static void label_landmarks(ctx_t *x)
{
    for (uint32_t i = 0; i < x->m->feature_count; i++) {
        const gops_feature_t *f = &x->m->features[i];
        if (f->kind != GOPS_FEAT_LANDMARK) continue;
        const char *n1 = display_name(x, f), *n2 = second_name(x, f, n1);
        if (!n1) continue;
        double px, py, w, h, h1;
        px_of(x, f->at, &px, &py);
        gops_text_style_t s1 = style(x, 19, darker(palette.landmark, 0.75), true);
        gops_text_style_t s2 = style(x, 13, darker(palette.landmark, 0.75), false);
        s1.halo_px = s2.halo_px = 2.5 * x->k;
        double gap = 16 * x->k; // clear of the star's own box
        bool done = false;
        for (int lines = n2 ? 2 : 1; lines >= 1 && !done; lines--) {
            const char *second = lines == 2 ? n2 : NULL;
            if (!block_size(x, n1, &s1, second, &s2, &w, &h, &h1)) return;
            // below, above, right, left of the star
            double cand[4][2] = {
                {px, py + gap + h / 2}, {px, py - gap - h / 2}, {px + gap + w / 2, py}, {px - gap - w / 2, py}};
            for (int c = 0; c < 4 && !done; c++) done = place_block(x, cand[c][0], cand[c][1], n1, s1, second, s2);
        }
    }
}

typedef struct candidate {
    uint32_t index;
    double key; ///< larger first
} candidate_t;

static int cmp_candidate(const void *a, const void *b)
{
    const candidate_t *ca = a, *cb = b;
    if (ca->key != cb->key) return ca->key > cb->key ? -1 : 1;
    return (ca->index > cb->index) - (ca->index < cb->index);
}

static void label_buildings(ctx_t *x)
{
    const gops_map_t *m = x->m;
    candidate_t *cand = malloc(sizeof *cand * (m->feature_count ? m->feature_count : 1));
    if (!cand) return;
    size_t n = 0;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        if (f->kind != GOPS_FEAT_BUILDING || (!f->name && !f->name_en)) continue;
        gops_building_category_t cat = f->u.building.category;
        if (cat != GOPS_BUILDING_MALL && cat != GOPS_BUILDING_TRANSIT) continue;
        double area = gops_polygon_area(&f->u.building.shape);
        cand[n++] = (candidate_t){i, (cat == GOPS_BUILDING_MALL ? 1e9 : 0) + area};
    }
    qsort(cand, n, sizeof *cand, cmp_candidate);
    static const double sizes[][2] = {{15, 11.5}, {13, 10}, {11, 9}};
    for (size_t c = 0; c < n; c++) {
        const gops_feature_t *f = &m->features[cand[c].index];
        const gops_path_t *outer = &f->u.building.shape.rings[0];
        double bx0, by0, bx1, by1;
        if (f->u.building.shape.ring_count == 0 || !gops_path_bounds(outer, &bx0, &by0, &bx1, &by1)) continue;
        double bw = px_len(x, bx1 - bx0) * 1.15, bh = px_len(x, by1 - by0) * 1.15;
        const char *n1 = display_name(x, f), *n2 = second_name(x, f, n1);
        if (!n1) continue;
        gops_rgba_t ink = darker(palette.building_line[f->u.building.category], 0.55);
        double px, py;
        px_of(x, f->at, &px, &py);
        bool done = false;
        // both names at the largest size that fits the footprint, else the first name alone
        for (int lines = n2 ? 2 : 1; lines >= 1 && !done; lines--) {
            for (size_t z = 0; z < sizeof sizes / sizeof *sizes && !done; z++) {
                gops_text_style_t s1 = style(x, sizes[z][0], ink, true), s2 = style(x, sizes[z][1], ink, false);
                const char *second = lines == 2 ? n2 : NULL;
                double w, h, h1;
                if (!block_size(x, n1, &s1, second, &s2, &w, &h, &h1)) break;
                if (w > bw || h > bh) continue;
                done = place_block(x, px, py, n1, s1, second, s2);
            }
        }
    }
    free(cand);
}

/// Point at arc length s along a pixel polyline (xy pairs with cumulative lengths cum).
static void point_at(const double *xy, const double *cum, uint32_t n, double s, double *px, double *py)
{
    uint32_t i = 0;
    while (i + 2 < n && cum[i + 1] < s) i++;
    double seg = cum[i + 1] - cum[i], t = seg > 0 ? (s - cum[i]) / seg : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    *px = xy[2 * i] + (xy[2 * i + 2] - xy[2 * i]) * t;
    *py = xy[2 * i + 1] + (xy[2 * i + 3] - xy[2 * i + 1]) * t;
}

static bool spot_taken(const ctx_t *x, const char *name, double px, double py, double radius)
{
    for (size_t i = 0; i < x->nspots; i++)
        if (strcmp(x->spots[i].name, name) == 0 && hypot(x->spots[i].x - px, x->spots[i].y - py) < radius) return true;
    return false;
}

static void remember_spot(ctx_t *x, const char *name, double px, double py)
{
    if (x->nspots == x->spot_cap) {
        size_t n = x->spot_cap ? 2 * x->spot_cap : 32;
        named_spot_t *p = realloc(x->spots, n * sizeof *p);
        if (!p) return;
        x->spots = p;
        x->spot_cap = n;
    }
    x->spots[x->nspots++] = (named_spot_t){name, px, py};
}

static void label_roads(ctx_t *x)
{
    const gops_map_t *m = x->m;
    candidate_t *cand = malloc(sizeof *cand * (m->feature_count ? m->feature_count : 1));
    if (!cand) return;
    size_t n = 0;
    uint32_t most = 2;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        if (f->kind != GOPS_FEAT_ROAD || !display_name(x, f) || f->u.road.line.count < 2) continue;
        double len = gops_polyline_length(&f->u.road.line);
        cand[n++] = (candidate_t){i, (GOPS_ROAD_CLASS_COUNT - f->u.road.road_class) * 1e7 + len};
        if (f->u.road.line.count > most) most = f->u.road.line.count;
    }
    qsort(cand, n, sizeof *cand, cmp_candidate);
    double *xy = malloc(sizeof *xy * 2 * most), *cum = malloc(sizeof *cum * most);
    if (!xy || !cum) goto done;
    static const double where[] = {0.5, 0.3, 0.7, 0.15, 0.85};
    for (size_t c = 0; c < n; c++) {
        const gops_feature_t *f = &m->features[cand[c].index];
        const gops_road_t *r = &f->u.road;
        const char *name = display_name(x, f);
        bool major = r->road_class <= GOPS_ROAD_SECONDARY;
        gops_text_style_t st = style(x, major ? 13.5 : 12, INK, false);
        st.halo = GOPS_RGBA(255, 255, 255, 230);
        quad_t probe;
        if (!text_quad(x, 0, 0, name, &st, &probe)) break;
        double w = probe.x1 - probe.x0 - 2 * st.halo_px;
        uint32_t np = r->line.count;
        cum[0] = 0;
        for (uint32_t i = 0; i < np; i++) {
            px_of(x, r->line.pts[i], &xy[2 * i], &xy[2 * i + 1]);
            if (i) cum[i] = cum[i - 1] + hypot(xy[2 * i] - xy[2 * i - 2], xy[2 * i + 1] - xy[2 * i - 1]);
        }
        double total = cum[np - 1];
        if (w > 0.85 * total) continue;
        for (size_t k = 0; k < sizeof where / sizeof *where; k++) {
            double s = where[k] * total;
            if (s - 0.5 * w < 0 || s + 0.5 * w > total) continue;
            double px, py, ax, ay, bx, by;
            point_at(xy, cum, np, s, &px, &py);
            if (spot_taken(x, name, px, py, 420 * x->k)) break;
            point_at(xy, cum, np, s - 0.5 * w, &ax, &ay);
            point_at(xy, cum, np, s + 0.5 * w, &bx, &by);
            if (hypot(bx - ax, by - ay) < 0.94 * w) continue; // bends too much under the text
            double angle = atan2(-(by - ay), bx - ax) * 180 / PI;
            if (angle > 90) angle -= 180;
            if (angle <= -90) angle += 180;
            st.angle_deg = angle;
            if (place_text(x, px, py, name, &st)) {
                remember_spot(x, name, px, py);
                break;
            }
        }
    }
done:
    free(xy);
    free(cum);
    free(cand);
}

static void label_zones(ctx_t *x, bool coarse)
{
    const gops_map_t *m = x->m;
    static const double size[GOPS_ZONE_LEVEL_COUNT] = {20, 16, 14, 12.5};
    for (int level = 0; level < GOPS_ZONE_LEVEL_COUNT; level++) {
        bool is_coarse = level != GOPS_ZONE_GRID;
        if (is_coarse != coarse) continue;
        for (uint32_t i = 0; i < m->feature_count; i++) {
            const gops_feature_t *f = &m->features[i];
            if (f->kind != GOPS_FEAT_ZONE || (int)f->u.zone.level != level || f->u.zone.part_count == 0) continue;
            const char *name = display_name(x, f);
            if (!name) name = f->id;
            if (!name) continue;
            if (level == GOPS_ZONE_GRID && x->grid_prefix && name == display_name(x, f)) name += x->grid_prefix;
            const gops_polygon_t *part = &f->u.zone.parts[zone_largest_part(&f->u.zone)];
            gops_point_t at = gops_polygon_centroid(part);
            double px, py, bx0 = 0, by0 = 0, bx1 = 0, by1 = 0;
            px_of(x, at, &px, &py);
            if (part->ring_count) gops_path_bounds(&part->rings[0], &bx0, &by0, &bx1, &by1);
            double qw = 0.25 * px_len(x, bx1 - bx0), qh = 0.25 * px_len(x, by1 - by0);
            gops_text_style_t st = style(x, size[level], darker(palette.zone[level], 0.7), level != GOPS_ZONE_SPECIAL);
            st.halo_px = 2.5 * x->k;
            // the centroid, nudged by a line or two, then a quarter of the zone's extent
            // away in each direction; always at a point inside the zone
            double step = size[level] * 1.5 * x->k;
            const double tries[][2] = {{0, 0},    {0, -step}, {0, step}, {0, -2 * step}, {0, 2 * step},
                                       {0, -qh},  {0, qh},    {-qw, 0},  {qw, 0},        {-qw, -qh},
                                       {qw, -qh}, {-qw, qh},  {qw, qh}};
            for (size_t d = 0; d < sizeof tries / sizeof *tries; d++) {
                double wx, wy;
                gops_view_to_world(x->v, px + tries[d][0], py + tries[d][1], &wx, &wy);
                if (d > 0 && !gops_polygon_contains(part, (gops_point_t){wx, wy})) continue;
                if (place_text(x, px + tries[d][0], py + tries[d][1], name, &st)) break;
            }
        }
    }
}

/// Grid zones are usually named "<common prefix><number>"; the map labels them by what
/// follows the prefix and the legend spells the prefix out once. The prefix ends on a
/// character boundary and never inside the distinguishing number.
static void find_grid_prefix(ctx_t *x)
{
    const char *first = NULL;
    size_t prefix = 0, count = 0;
    for (uint32_t i = 0; i < x->m->feature_count; i++) {
        const gops_feature_t *f = &x->m->features[i];
        if (f->kind != GOPS_FEAT_ZONE || f->u.zone.level != GOPS_ZONE_GRID) continue;
        const char *name = display_name(x, f);
        if (!name) return; // a grid labelled by its id: keep all labels whole
        if (!first) {
            first = name;
            prefix = strlen(name);
        } else {
            size_t k = 0;
            while (k < prefix && name[k] && name[k] == first[k]) k++;
            prefix = k;
        }
        count++;
    }
    if (count < 2) return;
    while (prefix > 0 && ((unsigned char)first[prefix] & 0xC0) == 0x80) prefix--; // inside a UTF-8 sequence
    while (prefix > 0 && first[prefix - 1] >= '0' && first[prefix - 1] <= '9') prefix--;
    for (uint32_t i = 0; i < x->m->feature_count; i++) {
        const gops_feature_t *f = &x->m->features[i];
        if (f->kind == GOPS_FEAT_ZONE && f->u.zone.level == GOPS_ZONE_GRID && !display_name(x, f)[prefix]) return;
    }
    if (prefix < 2) return;
    x->grid_prefix = prefix;
    snprintf(x->grid_example, sizeof x->grid_example, "%.*sn", (int)(prefix < 150 ? prefix : 150), first);
}

static void label_transit(ctx_t *x)
{
    for (uint32_t i = 0; i < x->m->feature_count; i++) {
        const gops_feature_t *f = &x->m->features[i];
        if (f->kind != GOPS_FEAT_TRANSIT) continue;
        gops_transit_mode_t mode = f->u.transit.mode;
        if (mode != GOPS_TRANSIT_METRO_EXIT && mode != GOPS_TRANSIT_RAIL_STATION && mode != GOPS_TRANSIT_GARAGE)
            continue;
        const char *name = display_name(x, f);
        if (!name) continue;
        double px, py;
        px_of(x, f->at, &px, &py);
        gops_text_style_t st = style(x, mode == GOPS_TRANSIT_RAIL_STATION ? 13 : 11, darker(palette.transit[mode], 0.8),
                                     mode == GOPS_TRANSIT_RAIL_STATION);
        double d = (mode == GOPS_TRANSIT_RAIL_STATION ? 14 : 13) * x->k; // clear of the icon's own box
        const struct {
            double dx, dy;
            gops_anchor_t a;
        } tries[] = {
            {d, 0, GOPS_ANCHOR_LEFT}, {-d, 0, GOPS_ANCHOR_RIGHT}, {0, -d, GOPS_ANCHOR_BOTTOM}, {0, d, GOPS_ANCHOR_TOP}};
        for (size_t t = 0; t < sizeof tries / sizeof *tries; t++) {
            st.anchor = tries[t].a;
            if (place_text(x, px + tries[t].dx, py + tries[t].dy, name, &st)) break;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Furniture

static const char *base_name(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : path ? path : "map";
}

static void draw_title(ctx_t *x, const gops_map_draw_def_t *def)
{
    const page_t *p = &x->page;
    double k = x->k;
    gops_canvas_fill_rect(x->c, p->title, WHITE);
    gops_canvas_fill_rect(x->c, (gops_rect_t){0, p->title.h - 1.5 * k, p->title.w, 1.5 * k}, RULE);
    char title[512];
    const gops_feature_t *b = NULL;
    for (uint32_t i = 0; i < x->m->feature_count && !b; i++)
        if (x->m->features[i].kind == GOPS_FEAT_BOUNDARY) b = &x->m->features[i];
    if (def->title) {
        snprintf(title, sizeof title, "%s", def->title);
    } else if (b && b->name && b->name_en && x->cjk) {
        snprintf(title, sizeof title, "%s  %s", b->name, b->name_en);
    } else if (b && display_name(x, b)) {
        snprintf(title, sizeof title, "%s", display_name(x, b));
    } else {
        snprintf(title, sizeof title, "%s", base_name(x->m->path));
    }
    gops_text_style_t ts = style(x, 27, INK, true);
    ts.halo.a = 0;
    ts.anchor = GOPS_ANCHOR_LEFT;
    gops_canvas_text(x->c, NULL, 26 * k, 0.36 * p->title.h, title, &ts, NULL);

    char sub[512];
    size_t used = 0;
    used += (size_t)snprintf(sub + used, sizeof sub - used, "layers:");
    bool first = true;
    for (size_t i = 0; i < sizeof layer_table / sizeof *layer_table; i++)
        if (x->layers & layer_table[i].bit) {
            used += (size_t)snprintf(sub + used, sizeof sub - used, "%s%s", first ? " " : ", ", layer_table[i].name);
            first = false;
        }
    census_t cs = take_census(x->m);
    if (used < sizeof sub)
        used += (size_t)snprintf(sub + used, sizeof sub - used,
                                 "   ·   %u features: %u buildings, %u roads, %u cameras", x->m->feature_count,
                                 cs.kind[GOPS_FEAT_BUILDING], cs.kind[GOPS_FEAT_ROAD], cs.kind[GOPS_FEAT_CAMERA]);
    if (cs.approximate && used < sizeof sub)
        snprintf(sub + used, sizeof sub - used, "   ·   %s%u approximate (placed or shaped without survey)",
                 cs.approximate == x->m->feature_count ? "all " : "", cs.approximate);
    gops_text_style_t ss = style(x, 13, MUTED, false);
    ss.halo.a = 0;
    ss.anchor = GOPS_ANCHOR_LEFT;
    gops_canvas_text(x->c, NULL, 27 * k, 0.76 * p->title.h, sub, &ss, NULL);
}

static void draw_swatch(ctx_t *x, const legend_item_t *it, double cx, double cy)
{
    double k = x->k, w = 34 * k, h = 16 * k;
    gops_rect_t box = {cx - w / 2, cy - h / 2, w, h};
    gops_point_t a = {cx - w / 2, cy}, b = {cx + w / 2, cy};
    gops_point_t line[2] = {a, b};
    switch (it->sw) {
    case SW_AREA:
        gops_canvas_fill_rect(x->c, box, it->fill);
        gops_canvas_stroke_rect(x->c, box, 1.4 * k, it->line);
        break;
    case SW_LINE: gops_canvas_stroke_path(x->c, NULL, line, 2, false, 6 * k, it->fill); break;
    case SW_DASH: gops_canvas_dash_path(x->c, NULL, line, 2, false, 2.5 * k, 9 * k, 4 * k, it->fill); break;
    case SW_ROAD:
        gops_canvas_fill_rect(x->c, box, it->line);
        gops_canvas_fill_rect(x->c, (gops_rect_t){box.x, cy - 4 * k, w, 8 * k}, it->fill);
        break;
    case SW_ICON: draw_disc_icon(x, cx, cy, 8 * k, it->fill, it->letter); break;
    case SW_SQUARE: draw_square_icon(x, cx, cy, 7.5 * k, it->fill, it->letter); break;
    case SW_DOT:
        gops_canvas_fill_circle(x->c, NULL, (gops_point_t){cx, cy}, 3.6 * k, WHITE);
        gops_canvas_fill_circle(x->c, NULL, (gops_point_t){cx, cy}, 2.6 * k, it->fill);
        break;
    case SW_WEDGE: {
        gops_point_t apex = {cx - 14 * k, cy + 8 * k};
        gops_canvas_fill_wedge(x->c, NULL, apex, 55, 70, 28 * k, it->fill);
        gops_canvas_stroke_wedge(x->c, NULL, apex, 55, 70, 28 * k, 1.0 * k, it->line);
        gops_canvas_fill_circle(x->c, NULL, apex, 2.6 * k, it->line);
        break;
    }
    case SW_RING:
        gops_canvas_fill_circle(x->c, NULL, (gops_point_t){cx, cy}, 9 * k, it->fill);
        gops_canvas_stroke_circle(x->c, NULL, (gops_point_t){cx, cy}, 9 * k, 1.2 * k, it->line);
        break;
    case SW_STAR: draw_star(x, cx, cy, 9 * k, it->fill, WHITE); break;
    case SW_DIAMOND: draw_diamond(x, cx, cy, 3.6 * k, it->fill); break;
    }
}

static double nice_length(double max_m)
{
    static const double steps[] = {1, 2, 5};
    double best = 1;
    for (double p = 1; p <= 1e6; p *= 10)
        for (int i = 0; i < 3; i++)
            if (steps[i] * p <= max_m) best = steps[i] * p;
    return best;
}

static void draw_panel(ctx_t *x)
{
    const page_t *p = &x->page;
    double k = x->k, left = p->panel.x + 22 * k;
    gops_canvas_fill_rect(x->c, p->panel, WHITE);
    gops_canvas_fill_rect(x->c, (gops_rect_t){p->panel.x, p->panel.y, 1.5 * k, p->panel.h}, RULE);

    legend_item_t items[MAX_LEGEND];
    size_t n = build_legend(x->m, x->layers, items);
    double y = p->panel.y + LEGEND_TOP * k;
    gops_text_style_t hs = style(x, 17, INK, true);
    hs.halo.a = 0;
    hs.anchor = GOPS_ANCHOR_TOP_LEFT;
    gops_canvas_text(x->c, NULL, left, y, x->cjk ? "Legend 图例" : "Legend", &hs, NULL);
    y += LEGEND_HEAD * k;
    gops_text_style_t ls = style(x, 13, INK, false);
    ls.halo.a = 0;
    ls.anchor = GOPS_ANCHOR_LEFT;
    for (size_t i = 0; i < n; i++) {
        double cy = y + 0.5 * LEGEND_ROW * k;
        if (cy + 0.5 * LEGEND_ROW * k > p->panel.y + p->panel.h - LEGEND_FOOT * k) break; // no room left
        draw_swatch(x, &items[i], left + 17 * k, cy);
        char text[320];
        if (x->cjk)
            snprintf(text, sizeof text, "%s  %s", items[i].en, items[i].zh);
        else
            snprintf(text, sizeof text, "%s", items[i].en);
        if (items[i].grid && x->grid_prefix) {
            size_t len = strlen(text);
            snprintf(text + len, sizeof text - len, "  (n = %s)", x->grid_example);
        }
        gops_canvas_text(x->c, NULL, left + 46 * k, cy, text, &ls, NULL);
        y += LEGEND_ROW * k;
    }

    // north arrow (the view is never rotated: north is up)
    double bottom = p->panel.y + p->panel.h;
    double ax = left + 24 * k, ay = bottom - 190 * k;
    gops_point_t arrow_l[3] = {{ax, ay - 30 * k}, {ax - 12 * k, ay + 16 * k}, {ax, ay + 8 * k}};
    gops_point_t arrow_r[3] = {{ax, ay - 30 * k}, {ax + 12 * k, ay + 16 * k}, {ax, ay + 8 * k}};
    gops_canvas_fill_shape(x->c, NULL, arrow_l, 3, INK);
    gops_canvas_fill_shape(x->c, NULL, arrow_r, 3, GOPS_RGBA(160, 160, 160, 255));
    gops_text_style_t ns = style(x, 16, INK, true);
    ns.halo.a = 0;
    ns.anchor = GOPS_ANCHOR_BOTTOM;
    gops_canvas_text(x->c, NULL, ax, ay - 32 * k, "N", &ns, NULL);

    // scale bar: four alternating blocks of a round length
    double max_px = p->panel.w - 70 * k;
    double metres = nice_length(max_px / x->v->scale);
    double bar = metres * x->v->scale, by = bottom - 100 * k, bh = 7 * k;
    for (int i = 0; i < 4; i++)
        gops_canvas_fill_rect(x->c, (gops_rect_t){left + i * bar / 4, by, bar / 4, bh}, (i & 1) ? WHITE : INK);
    gops_canvas_stroke_rect(x->c, (gops_rect_t){left, by, bar, bh}, 1.2 * k, INK);
    gops_text_style_t ss = style(x, 12, INK, false);
    ss.halo.a = 0;
    ss.anchor = GOPS_ANCHOR_TOP;
    char lab[32];
    gops_canvas_text(x->c, NULL, left, by + bh + 4 * k, "0", &ss, NULL);
    snprintf(lab, sizeof lab, "%g", metres / 2);
    gops_canvas_text(x->c, NULL, left + bar / 2, by + bh + 4 * k, lab, &ss, NULL);
    snprintf(lab, sizeof lab, "%g m", metres);
    gops_canvas_text(x->c, NULL, left + bar, by + bh + 4 * k, lab, &ss, NULL);

    gops_text_style_t fs = style(x, 11, MUTED, false);
    fs.halo.a = 0;
    fs.anchor = GOPS_ANCHOR_TOP_LEFT;
    char note[160];
    snprintf(note, sizeof note, "Local metres about %.4f° N, %.4f° E", x->m->origin_lat, x->m->origin_lon);
    gops_canvas_text(x->c, NULL, left, bottom - 56 * k, note, &fs, NULL);
    snprintf(note, sizeof note, "1 px = %.2f m", 1.0 / x->v->scale);
    gops_canvas_text(x->c, NULL, left, bottom - 38 * k, note, &fs, NULL);
}

// ---------------------------------------------------------------------------------------

void gops_map_draw(gops_canvas_t *canvas, const gops_view_t *view, const gops_map_t *map,
                   const gops_map_draw_def_t *def_in)
{
    gops_map_draw_def_t def = def_in ? *def_in : gops_map_draw_def_default();
    ctx_t x = {
        .c = canvas,
        .v = view,
        .m = map,
        .layers = def.layers,
        .page = page_layout(&def, gops_canvas_width(canvas), gops_canvas_height(canvas)),
    };
    x.k = x.page.k;
    bool labels = (def.layers & GOPS_LAYER_LABELS) != 0;
    x.cjk = gops_canvas_font_has_cjk(canvas);
    if (def.layers & GOPS_LAYER_ZONES) find_grid_prefix(&x);
    if (def.furniture) { // labels keep clear of the title band and the panel
        quad_t t = rect_quad(x.page.title), p = rect_quad(x.page.panel);
        occupy(&x, &t);
        occupy(&x, &p);
    }

    draw_land(&x);
    if (def.layers & GOPS_LAYER_ZONES) draw_zone_fills(&x);
    if (def.layers & GOPS_LAYER_BASE) {
        draw_walkable(&x);
        draw_roads(&x);
        draw_buildings(&x);
        draw_entrances(&x);
        draw_boundary_line(&x);
    }
    if (def.layers & GOPS_LAYER_ZONES) draw_zone_lines(&x);
    draw_overlays(&x);
    draw_marks(&x);

    if (labels) {
        if (def.layers & GOPS_LAYER_BASE) label_landmarks(&x);
        if (def.layers & GOPS_LAYER_ZONES) label_zones(&x, true);
        if (def.layers & GOPS_LAYER_BASE) {
            label_buildings(&x);
            label_roads(&x);
        }
        if (def.layers & GOPS_LAYER_ZONES) label_zones(&x, false);
        if (def.layers & GOPS_LAYER_BASE) label_transit(&x);
    }
    if (def.furniture) {
        draw_title(&x, &def);
        draw_panel(&x);
    }
    free(x.placed);
    free(x.spots);
}
