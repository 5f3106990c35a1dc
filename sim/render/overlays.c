// SPDX-License-Identifier: MIT
// The model overlays (see overlays.h). Everything is read through the models' public
// queries at draw time and drawn in pixel space; sizes are in pixels so that markers stay
// readable when zoomed out and do not swamp the map when zoomed in. Ordering: vehicles in
// the traffic model's canonical order, stalls then vendors by index, teams by index,
// incidents by id with closed ones first (so active ones lie on top). Nothing here writes
// to the world.
#include "render/overlays.h"

#include "core/simtime.h"
#include "world/geometry.h"
#include "world/world_internal.h"

#include <SDL2/SDL.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define INCIDENT_R_PX 6.0
#define CRITICAL_R_PX 8.0
#define CLOSED_R_PX 4.0
#define TEAM_PX 5.5

static const gops_rgba_t white = {255, 255, 255, 255};
static const gops_rgba_t ink = {33, 33, 33, 255};

// ---------------------------------------------------------------------------------------
// Models, bands and states

const gops_traffic_t *gops_overlay_traffic(const gops_world_t *w)
{
    return w ? (const gops_traffic_t *)gops_world_subsystem(w, "traffic") : NULL;
}
const gops_vendors_t *gops_overlay_vendors(const gops_world_t *w) { return w ? gops_vendors_of(w) : NULL; }
const gops_ops_t *gops_overlay_ops(const gops_world_t *w) { return w ? gops_ops_of_const(w) : NULL; }

int gops_overlay_congestion_band(double tti)
{
    // the travel time index limits of the congestion index bands (traffic/measures.c)
    if (!(tti >= 1.3)) return 0;
    if (tti < 1.6) return 1;
    if (tti < 2.0) return 2;
    if (tti < 2.5) return 3;
    return 4;
}

int gops_overlay_congestion_index_band(double index)
{
    if (!(index >= 2)) return 0;
    if (index < 4) return 1;
    if (index < 6) return 2;
    if (index < 8) return 3;
    return 4;
}

const char *gops_overlay_congestion_band_name(int band)
{
    static const char *const names[GOPS_SCREEN_CONGESTION_BANDS] = {"畅通 smooth", "基本畅通 basically smooth",
                                                                     "轻度拥堵 light", "中度拥堵 moderate",
                                                                     "严重拥堵 severe"};
    return band >= 0 && band < GOPS_SCREEN_CONGESTION_BANDS ? names[band] : "?";
}

int gops_overlay_incident_state(const gops_incident_info_t *in, double now_s)
{
    if (!in->occurred || in->cleared) return -1;
    if (in->closed || in->state == GOPS_ORDER_CLOSED)
        return isfinite(in->t_close) && now_s - in->t_close <= GOPS_OVERLAY_CLOSED_SHOW_S ? GOPS_SVG_STATE_CLOSED : -1;
    switch (in->state) {
    case GOPS_ORDER_DISPATCHED:
    case GOPS_ORDER_ACCEPTED: return GOPS_SVG_STATE_DISPATCHED;
    case GOPS_ORDER_ON_SCENE:
    case GOPS_ORDER_RESOLVED:
    case GOPS_ORDER_VERIFIED: return GOPS_SVG_STATE_ON_SCENE;
    default: return GOPS_SVG_STATE_OPEN; // not detected, in triage, or waiting for a team
    }
}

bool gops_overlay_order_counts(const gops_world_t *world, uint32_t counts[GOPS_SVG_STATE_COUNT])
{
    memset(counts, 0, GOPS_SVG_STATE_COUNT * sizeof *counts);
    const gops_ops_t *ops = gops_overlay_ops(world);
    if (!ops) return false;
    uint32_t n = gops_ops_incident_count(ops);
    for (uint32_t id = 1; id <= n; id++) {
        gops_incident_info_t in;
        if (!gops_ops_incident_get(ops, id, &in) || !in.occurred || !in.detected) continue;
        if (in.closed) {
            counts[GOPS_SVG_STATE_CLOSED]++;
            continue;
        }
        int s = gops_overlay_incident_state(&in, INFINITY);
        if (s >= 0 && s != GOPS_SVG_STATE_CLOSED) counts[s]++;
    }
    return true;
}

void gops_overlay_scratch_free(gops_overlay_scratch_t *s)
{
    free(s->poses);
    free(s->pts);
    memset(s, 0, sizeof *s);
}

static bool grow_pts(gops_overlay_scratch_t *s, uint32_t n)
{
    if (n <= s->pts_cap) return true;
    uint32_t cap = s->pts_cap ? s->pts_cap : 64;
    while (cap < n) cap *= 2;
    gops_point_t *p = realloc(s->pts, (size_t)cap * sizeof *p);
    if (!p) return false;
    s->pts = p;
    s->pts_cap = cap;
    return true;
}

static gops_rgba_t with_alpha(gops_rgba_t c, uint8_t a)
{
    c.a = a;
    return c;
}

// ---------------------------------------------------------------------------------------
// Congestion

/// The points of a road-graph edge in the direction of an arc, shifted `d` m to the right
/// of the direction of travel (China drives on the right), with mitred joins (the mitre is
/// limited to twice the shift at sharp bends).
static void offset_line(const gops_point_t *in, uint32_t n, bool reverse, double d, gops_point_t *out)
{
    for (uint32_t k = 0; k < n; k++) {
        gops_point_t p = in[reverse ? n - 1 - k : k];
        double sx = 0, sy = 0, n1x = 0, n1y = 0;
        bool have = false;
        for (int side = 0; side < 2; side++) {
            uint32_t a = side == 0 ? k - 1 : k, b = side == 0 ? k : k + 1;
            if ((side == 0 && k == 0) || (side == 1 && k + 1 >= n)) continue;
            gops_point_t pa = in[reverse ? n - 1 - a : a], pb = in[reverse ? n - 1 - b : b];
            double dx = pb.x - pa.x, dy = pb.y - pa.y, len = hypot(dx, dy);
            if (!(len > 1e-9)) continue;
            double nx = dy / len, ny = -dx / len; // right of travel
            sx += nx;
            sy += ny;
            if (!have) n1x = nx, n1y = ny;
            have = true;
        }
        double m = hypot(sx, sy);
        if (!have || m < 1e-6) { // a lone point or a reversal: keep the first normal
            sx = n1x;
            sy = n1y;
            m = 1;
        }
        sx /= m;
        sy /= m;
        double cosh = sx * n1x + sy * n1y, k_len = cosh > 0.5 ? 1.0 / cosh : 2.0;
        out[k] = (gops_point_t){p.x + sx * d * k_len, p.y + sy * d * k_len};
    }
}

uint32_t gops_overlay_draw_congestion(gops_canvas_t *c, const gops_view_t *v, const gops_world_t *world,
                                      gops_overlay_scratch_t *s)
{
    const gops_traffic_t *t = gops_overlay_traffic(world);
    const gops_district_t *d = world ? gops_world_district(world) : NULL;
    if (!t || !d || !d->roads) return 0;
    const gops_road_graph_t *g = d->roads;
    const gops_screen_palette_t *pal = gops_screen_palette();
    uint32_t arcs = gops_traffic_arc_count(t), drawn = 0;
    for (uint32_t a = 0; a < arcs && a / 2 < g->edge_count; a++) {
        const gops_road_edge_t *e = &g->edges[a / 2];
        bool back = a & 1u;
        gops_traffic_arc_measures_t am;
        gops_traffic_arc_measures(t, a, &am);
        // No vehicle on it now and none left it in the measuring windows: nothing measured,
        // so the road keeps its map colour rather than a made-up "smooth".
        if (!(am.vehicles > 0 || am.flow_vph > 0)) continue;
        const gops_road_t *road = &d->map->features[e->road].u.road;
        uint32_t n = e->last_vertex - e->first_vertex + 1;
        if (n < 2 || !grow_pts(s, n)) continue;
        bool two_way = !e->oneway;
        double half = 0.5 * road->width_m;
        double shift = two_way ? 0.5 * half : 0;
        double width_px = (two_way ? 0.6 * half : 0.6 * road->width_m) * v->scale;
        width_px = width_px < 2.5 ? 2.5 : width_px > 8 ? 8 : width_px;
        // when zoomed out the two directions would merge: keep them a line width apart
        if (two_way && shift * v->scale < 0.6 * width_px) shift = 0.6 * width_px / v->scale;
        offset_line(road->line.pts + e->first_vertex, n, back, shift, s->pts);
        int band = gops_overlay_congestion_band(am.tti);
        gops_canvas_stroke_path(c, v, s->pts, n, false, width_px, with_alpha(pal->congestion[band], 225));
        drawn++;
    }
    return drawn;
}

// ---------------------------------------------------------------------------------------
// Vehicles

static const double vehicle_width_m[GOPS_VCLASS_COUNT] = {1.8, 1.8, 2.5, 2.0, 0.7};

static inline void square_px(SDL_Surface *surf, int w, int h, double cx, double cy, int size, gops_rgba_t col)
{
    int x0 = (int)floor(cx - 0.5 * size + 0.5), y0 = (int)floor(cy - 0.5 * size + 0.5);
    uint32_t px = 0xff000000u | ((uint32_t)col.r << 16) | ((uint32_t)col.g << 8) | col.b;
    for (int y = y0; y < y0 + size; y++) {
        if (y < 0 || y >= h) continue;
        uint32_t *row = (uint32_t *)((uint8_t *)surf->pixels + (size_t)y * (size_t)surf->pitch);
        for (int x = x0; x < x0 + size; x++)
            if (x >= 0 && x < w) row[x] = px;
    }
}

uint32_t gops_overlay_draw_vehicles(gops_canvas_t *c, const gops_view_t *v, const gops_world_t *world, int w, int h,
                                    gops_overlay_scratch_t *s)
{
    const gops_traffic_t *t = gops_overlay_traffic(world);
    if (!t) return 0;
    uint32_t n = gops_traffic_vehicle_count(t);
    if (n > s->pose_cap) {
        gops_traffic_pose_t *p = realloc(s->poses, (size_t)n * sizeof *p);
        if (!p) return 0;
        s->poses = p;
        s->pose_cap = n;
    }
    n = gops_traffic_poses(t, s->poses, s->pose_cap);
    const gops_screen_palette_t *pal = gops_screen_palette();
    SDL_Surface *surf = gops_canvas_surface(c);
    gops_canvas_sync(c);
    uint32_t drawn = 0;
    for (uint32_t i = 0; i < n; i++) {
        const gops_traffic_pose_t *p = &s->poses[i];
        double px = v->ox + v->scale * p->x, py = v->oy - v->scale * p->y;
        double len_px = p->length * v->scale;
        if (!(px >= -len_px - 2 && py >= -len_px - 2 && px < w + len_px + 2 && py < h + len_px + 2)) continue;
        gops_vclass_t cls = p->cls < GOPS_VCLASS_COUNT ? (gops_vclass_t)p->cls : GOPS_VCLASS_CAR;
        gops_rgba_t col = pal->vehicle[cls];
        if (len_px >= 6) { // a box of the vehicle's size along its heading, with a light edge
            double hl = 0.5 * len_px, hw = 0.5 * vehicle_width_m[cls] * v->scale;
            if (hw < 1.2) hw = 1.2;
            double ux = cos(p->heading), uy = -sin(p->heading); // along the vehicle, y down on screen
            double nx = -uy, ny = ux;                            // across it
            gops_point_t box[4] = {{px + hl * ux + hw * nx, py + hl * uy + hw * ny},
                                   {px + hl * ux - hw * nx, py + hl * uy - hw * ny},
                                   {px - hl * ux - hw * nx, py - hl * uy - hw * ny},
                                   {px - hl * ux + hw * nx, py - hl * uy + hw * ny}};
            gops_canvas_fill_shape(c, NULL, box, 4, col);
            gops_canvas_stroke_path(c, NULL, box, 4, true, 1.0, with_alpha(white, 170));
            if (p->stopped) // dwelling: at a stop or double-parked
                gops_canvas_stroke_circle(c, NULL, (gops_point_t){px, py}, hl + 2, 1.2, with_alpha(ink, 150));
        } else {
            square_px(surf, w, h, px, py, cls == GOPS_VCLASS_BUS ? 4 : cls == GOPS_VCLASS_EBIKE ? 2 : 3, col);
        }
        drawn++;
    }
    return drawn;
}

// ---------------------------------------------------------------------------------------
// Vendors

static bool on_street(gops_vendor_state_t st)
{
    return st == GOPS_VENDOR_SETUP || st == GOPS_VENDOR_TRADING || st == GOPS_VENDOR_PACKING;
}

static void diamond(gops_canvas_t *c, double x, double y, double r, gops_rgba_t fill)
{
    gops_point_t outer[4] = {{x, y - r - 1.5}, {x + r + 1.5, y}, {x, y + r + 1.5}, {x - r - 1.5, y}};
    gops_point_t inner[4] = {{x, y - r}, {x + r, y}, {x, y + r}, {x - r, y}};
    gops_canvas_fill_shape(c, NULL, outer, 4, white);
    gops_canvas_fill_shape(c, NULL, inner, 4, fill);
}

void gops_overlay_draw_vendors(gops_canvas_t *c, const gops_view_t *v, const gops_world_t *world, uint32_t *stalls,
                               uint32_t *street)
{
    *stalls = *street = 0;
    const gops_vendors_t *vd = gops_overlay_vendors(world);
    if (!vd) return;
    const gops_screen_palette_t *pal = gops_screen_palette();
    const gops_stalls_t *st = gops_vendors_stalls(vd);
    // a stall is about 2 m wide: its true size when zoomed in, 4 px at least
    double side = 2.0 * v->scale;
    side = side < 4 ? 4 : side > 14 ? 14 : side;
    for (uint32_t i = 0; st && i < st->stall_count; i++) {
        const gops_stall_t *s = &st->stalls[i];
        double px, py;
        gops_view_to_px(v, s->at.x, s->at.y, &px, &py);
        gops_rect_t r = {px - side / 2, py - side / 2, side, side};
        gops_stall_state_t state = (unsigned)s->state < GOPS_STALL_STATE_COUNT ? s->state : GOPS_STALL_CLOSED;
        if (state == GOPS_STALL_CLOSED) {
            gops_canvas_stroke_rect(c, r, 1.0, pal->stall[state]);
        } else {
            gops_canvas_fill_rect(c, (gops_rect_t){r.x - 1, r.y - 1, r.w + 2, r.h + 2}, with_alpha(white, 220));
            gops_canvas_fill_rect(c, r, pal->stall[state]);
        }
        (*stalls)++;
    }
    uint32_t n = gops_vendors_count(vd);
    for (uint32_t i = 0; i < n; i++) {
        gops_vendor_info_t info;
        if (!gops_vendors_get(vd, i, &info) || !on_street(info.state)) continue;
        double px, py;
        gops_view_to_px(v, info.at.x, info.at.y, &px, &py);
        diamond(c, px, py, info.state == GOPS_VENDOR_TRADING ? 5.0 : 4.0, pal->street_vendor);
        (*street)++;
    }
}

// ---------------------------------------------------------------------------------------
// Teams and incidents

static gops_rgba_t team_colour(gops_team_state_t s)
{
    const gops_screen_palette_t *pal = gops_screen_palette();
    switch (s) {
    case GOPS_TEAM_MOBILISING:
    case GOPS_TEAM_TO_POST: return pal->team_coming;
    case GOPS_TEAM_ASSIGNED:
    case GOPS_TEAM_EN_ROUTE: return pal->incident[GOPS_SVG_STATE_DISPATCHED];
    case GOPS_TEAM_ON_SCENE: return pal->incident[GOPS_SVG_STATE_ON_SCENE];
    default: return pal->team_idle;
    }
}

/// Where a team is drawn: a team walking in from outside the district is not there yet.
static bool team_shown(const gops_team_info_t *t) { return t->state != GOPS_TEAM_OFF; }

uint32_t gops_overlay_draw_teams(gops_canvas_t *c, const gops_view_t *v, const gops_world_t *world)
{
    const gops_ops_t *ops = gops_overlay_ops(world);
    if (!ops) return 0;
    uint32_t n = gops_ops_team_count(ops), drawn = 0;
    // lines first, so that no line crosses a marker
    for (uint32_t i = 0; i < n; i++) {
        gops_team_info_t t;
        gops_incident_info_t in;
        if (!gops_ops_team_get(ops, i, &t) || !team_shown(&t) || !t.incident_id) continue;
        if (t.state != GOPS_TEAM_ASSIGNED && t.state != GOPS_TEAM_EN_ROUTE) continue;
        if (!gops_ops_incident_get(ops, t.incident_id, &in)) continue;
        gops_point_t line[2] = {t.at, in.at};
        gops_canvas_dash_path(c, v, line, 2, false, 1.6, 6, 4, with_alpha(team_colour(t.state), 230));
    }
    for (uint32_t i = 0; i < n; i++) {
        gops_team_info_t t;
        if (!gops_ops_team_get(ops, i, &t) || !team_shown(&t)) continue;
        double px, py;
        gops_view_to_px(v, t.at.x, t.at.y, &px, &py);
        gops_rgba_t col = team_colour(t.state);
        if (t.post >= 0) { // post team: a small square
            double r = TEAM_PX - 1;
            gops_canvas_fill_rect(c, (gops_rect_t){px - r - 1.5, py - r - 1.5, 2 * r + 3, 2 * r + 3}, white);
            gops_canvas_fill_rect(c, (gops_rect_t){px - r, py - r, 2 * r, 2 * r}, col);
        } else { // mobile team: a triangle pointing up
            double r = TEAM_PX;
            gops_point_t outer[3] = {{px, py - r - 3}, {px + r + 2.6, py + r * 0.75 + 1.5}, {px - r - 2.6, py + r * 0.75 + 1.5}};
            gops_point_t inner[3] = {{px, py - r}, {px + r, py + r * 0.75}, {px - r, py + r * 0.75}};
            gops_canvas_fill_shape(c, NULL, outer, 3, white);
            gops_canvas_fill_shape(c, NULL, inner, 3, col);
        }
        drawn++;
    }
    return drawn;
}

uint32_t gops_overlay_draw_incidents(gops_canvas_t *c, const gops_view_t *v, const gops_world_t *world)
{
    const gops_ops_t *ops = gops_overlay_ops(world);
    if (!ops) return 0;
    const gops_screen_palette_t *pal = gops_screen_palette();
    double now = gops_world_elapsed(world);
    uint32_t n = gops_ops_incident_count(ops), drawn = 0;
    for (int pass = 0; pass < 2; pass++) // recently closed first, active ones on top
        for (uint32_t id = 1; id <= n; id++) {
            gops_incident_info_t in;
            if (!gops_ops_incident_get(ops, id, &in)) continue;
            int s = gops_overlay_incident_state(&in, now);
            if (s < 0 || (pass == 0) != (s == GOPS_SVG_STATE_CLOSED)) continue;
            double px, py;
            gops_view_to_px(v, in.at.x, in.at.y, &px, &py);
            gops_point_t p = {px, py};
            gops_rgba_t col = pal->incident[s];
            if (s == GOPS_SVG_STATE_CLOSED) {
                gops_canvas_fill_circle(c, NULL, p, CLOSED_R_PX + 1, with_alpha(white, 160));
                gops_canvas_fill_circle(c, NULL, p, CLOSED_R_PX, with_alpha(col, 170));
            } else if (!in.detected) { // only the simulation knows of it yet
                gops_canvas_stroke_circle(c, NULL, p, INCIDENT_R_PX, 3.5, with_alpha(white, 220));
                gops_canvas_stroke_circle(c, NULL, p, INCIDENT_R_PX, 1.8, col);
            } else {
                // routine orders smaller, so that a cluster of them does not bury the map
                double r = in.priority == GOPS_PRIO_CRITICAL ? CRITICAL_R_PX
                           : in.priority == GOPS_PRIO_HIGH   ? INCIDENT_R_PX
                                                             : INCIDENT_R_PX - 1;
                gops_canvas_fill_circle(c, NULL, p, r + 2, white);
                gops_canvas_fill_circle(c, NULL, p, r, col);
                if (in.priority == GOPS_PRIO_CRITICAL) gops_canvas_stroke_circle(c, NULL, p, r + 3, 1.5, ink);
            }
            drawn++;
        }
    return drawn;
}

// ---------------------------------------------------------------------------------------
// Legend

typedef enum swatch_kind { SW_LINE, SW_SQUARE, SW_OUTLINE, SW_DIAMOND, SW_TRIANGLE, SW_DISC, SW_RING } swatch_kind_t;

typedef struct swatch {
    swatch_kind_t kind;
    gops_rgba_t colour;
    const char *label;   ///< short, for the row layout
    const char *meaning; ///< longer, for the column layout
} swatch_t;

typedef struct legend_row {
    int layer;
    const char *title;
    swatch_t items[6];
    int count;
} legend_row_t;

static int legend_rows(legend_row_t *rows)
{
    const gops_screen_palette_t *p = gops_screen_palette();
    int n = 0;
    rows[n++] = (legend_row_t){GOPS_SCREEN_CONGESTION,
                               "路况 road speed ÷ free flow",
                               {{SW_LINE, p->congestion[0], "≥77%", "≥ 77 % smooth"},
                                {SW_LINE, p->congestion[1], "62–77%", "62–77 % basically smooth"},
                                {SW_LINE, p->congestion[2], "50–62%", "50–62 % light"},
                                {SW_LINE, p->congestion[3], "40–50%", "40–50 % moderate"},
                                {SW_LINE, p->congestion[4], "<40%", "< 40 % severe"}},
                               5};
    rows[n++] = (legend_row_t){GOPS_SCREEN_VEHICLES,
                               "车辆 vehicles",
                               {{SW_SQUARE, p->vehicle[GOPS_VCLASS_CAR], "car", "car"},
                                {SW_SQUARE, p->vehicle[GOPS_VCLASS_TAXI], "taxi", "taxi"},
                                {SW_SQUARE, p->vehicle[GOPS_VCLASS_BUS], "bus", "bus"},
                                {SW_SQUARE, p->vehicle[GOPS_VCLASS_VAN], "van", "van"},
                                {SW_SQUARE, p->vehicle[GOPS_VCLASS_EBIKE], "e-bike", "e-bike"}},
                               5};
    rows[n++] = (legend_row_t){GOPS_SCREEN_VENDORS,
                               "摊贩 vendors",
                               {{SW_SQUARE, p->stall[GOPS_STALL_OPEN], "stall open", "stall open"},
                                {SW_SQUARE, p->stall[GOPS_STALL_SETUP], "setting up", "stall setting up, packing"},
                                {SW_OUTLINE, p->stall[GOPS_STALL_CLOSED], "free", "stall free"},
                                {SW_SQUARE, p->stall[GOPS_STALL_SHUT], "shut", "stall shut (hygiene)"},
                                {SW_DIAMOND, p->street_vendor, "on the street", "vendor on the street"}},
                               5};
    rows[n++] = (legend_row_t){GOPS_SCREEN_TEAMS,
                               "队伍 teams ▲ mobile ■ post",
                               {{SW_TRIANGLE, p->team_idle, "free", "free"},
                                {SW_TRIANGLE, p->incident[GOPS_SVG_STATE_DISPATCHED], "sent", "sent to an incident"},
                                {SW_TRIANGLE, p->incident[GOPS_SVG_STATE_ON_SCENE], "on scene", "on scene"},
                                {SW_TRIANGLE, p->team_coming, "coming on duty", "coming on duty"}},
                               4};
    rows[n++] = (legend_row_t){GOPS_SCREEN_INCIDENTS,
                               "事件 incidents by order",
                               {{SW_RING, p->incident[GOPS_SVG_STATE_OPEN], "unseen", "not detected yet"},
                                {SW_DISC, p->incident[GOPS_SVG_STATE_OPEN], "open", "open, no team sent"},
                                {SW_DISC, p->incident[GOPS_SVG_STATE_DISPATCHED], "dispatched", "dispatched"},
                                {SW_DISC, p->incident[GOPS_SVG_STATE_ON_SCENE], "on scene", "team on scene"},
                                {SW_DISC, p->incident[GOPS_SVG_STATE_CLOSED], "closed", "closed (10 min)"}},
                               5};
    return n;
}

static gops_text_style_t legend_text(double size, bool bold)
{
    gops_text_style_t st = gops_text_style_default();
    st.size_px = size;
    st.colour = ink;
    st.halo.a = 0;
    st.halo_px = 0;
    st.anchor = GOPS_ANCHOR_LEFT;
    st.bold = bold;
    return st;
}

static double label_w(gops_canvas_t *c, const char *s, double size, bool bold)
{
    gops_text_style_t st = legend_text(size, bold);
    gops_rect_t box;
    return gops_canvas_text_bounds(c, NULL, 0, 0, s, &st, &box) ? box.w : 0;
}

static void draw_swatch(gops_canvas_t *c, const swatch_t *s, double x, double y)
{
    gops_point_t m = {x + 6, y};
    switch (s->kind) {
    case SW_LINE: gops_canvas_fill_rect(c, (gops_rect_t){x, y - 2.5, 14, 5}, s->colour); break;
    case SW_SQUARE: gops_canvas_fill_rect(c, (gops_rect_t){x + 2, y - 4, 8, 8}, s->colour); break;
    case SW_OUTLINE: gops_canvas_stroke_rect(c, (gops_rect_t){x + 2, y - 4, 8, 8}, 1, s->colour); break;
    case SW_DIAMOND: diamond(c, m.x, m.y, 4.5, s->colour); break;
    case SW_TRIANGLE: {
        gops_point_t tri[3] = {{m.x, m.y - 5}, {m.x + 5.5, m.y + 4}, {m.x - 5.5, m.y + 4}};
        gops_canvas_fill_shape(c, NULL, tri, 3, s->colour);
        break;
    }
    case SW_DISC: gops_canvas_fill_circle(c, NULL, m, 5, s->colour); break;
    case SW_RING: gops_canvas_stroke_circle(c, NULL, m, 4.5, 1.8, s->colour); break;
    }
}

void gops_overlay_legend(gops_canvas_t *c, uint32_t mask, bool column, double x0, double y0, bool draw, double *w,
                         double *h)
{
    enum { ROWS = 5 };
    legend_row_t rows[ROWS];
    int n = legend_rows(rows);
    const double pad = 8, title_h = 15, item_h = column ? 14 : 16, gap = column ? 7 : 5, sw = 16, item_gap = 9;
    double width = 0, height = pad;
    int shown = 0;
    gops_text_style_t title = legend_text(11, true), item = legend_text(10, false);
    item.colour = GOPS_RGBA(66, 66, 66, 255);
    for (int r = 0; r < n; r++) {
        if (!((mask >> rows[r].layer) & 1u)) continue;
        double y = y0 + height;
        if (draw) gops_canvas_text(c, NULL, x0 + pad, y + title_h / 2, rows[r].title, &title, NULL);
        width = fmax(width, label_w(c, rows[r].title, 11, true));
        double x = x0 + pad, iy = y + title_h + item_h / 2, line = 0;
        for (int k = 0; k < rows[r].count; k++) {
            const swatch_t *it = &rows[r].items[k];
            const char *text = column ? it->meaning : it->label;
            double tw = label_w(c, text, 10, false);
            if (draw) {
                draw_swatch(c, it, x, iy);
                gops_canvas_text(c, NULL, x + sw, iy, text, &item, NULL);
            }
            if (column) { // one entry a line, indented under the title
                width = fmax(width, sw + tw);
                iy += item_h;
            } else {
                line += sw + tw + (k + 1 < rows[r].count ? item_gap : 0);
                x += sw + tw + item_gap;
            }
        }
        width = fmax(width, line);
        height += title_h + (column ? rows[r].count : 1) * item_h + gap;
        shown++;
    }
    *w = shown ? ceil(width + 2 * pad) : 0;
    *h = shown ? ceil(height + pad - gap) : 0;
}

// ---------------------------------------------------------------------------------------
// Picking

static void clock_of(const gops_world_t *w, double t, char *buf, size_t size)
{
    if (!isfinite(t)) {
        snprintf(buf, size, "—");
        return;
    }
    int h, m, s;
    gops_local_time_t at = gops_world_def(w)->start + (gops_local_time_t)floor(t + 1e-9);
    gops_time_to_civil(at, NULL, NULL, NULL, &h, &m, &s);
    snprintf(buf, size, "%02d:%02d:%02d", h, m, s);
}

static const char *compass(double dx, double dy)
{
    static const char *const dirs[8] = {"eastbound",  "north-eastbound", "northbound", "north-westbound",
                                        "westbound",  "south-westbound", "southbound", "south-eastbound"};
    double a = atan2(dy, dx);
    int k = (int)floor(a / (PI / 4) + 0.5);
    return dirs[((k % 8) + 8) % 8];
}

static const char *road_name(const gops_feature_t *f, char *buf, size_t size)
{
    if (f->name && f->name_en)
        snprintf(buf, size, "%s %s", f->name, f->name_en);
    else
        snprintf(buf, size, "%s", f->name ? f->name : f->name_en ? f->name_en : f->id ? f->id : "road");
    return buf;
}

bool gops_overlay_pick_congestion(const gops_screen_frame_t *f, gops_point_t p, double r, gops_screen_pick_t *pick)
{
    (void)r;
    const gops_traffic_t *t = gops_overlay_traffic(f->world);
    const gops_district_t *d = f->world ? gops_world_district(f->world) : NULL;
    if (!t || !d || !d->roads) return false;
    const gops_road_graph_t *g = d->roads;
    uint32_t best = UINT32_MAX;
    double best_excess = 0;
    bool best_back = false;
    for (uint32_t e = 0; e < g->edge_count; e++) {
        const gops_road_edge_t *E = &g->edges[e];
        const gops_road_t *road = &d->map->features[E->road].u.road;
        double half = 0.5 * road->width_m;
        for (uint32_t k = E->first_vertex; k < E->last_vertex; k++) {
            gops_point_t a = road->line.pts[k], b = road->line.pts[k + 1];
            double dd = gops_point_segment_distance(p, a, b, NULL);
            if (dd > half || (best != UINT32_MAX && half - dd <= best_excess)) continue;
            best = e;
            best_excess = half - dd;
            // right of the line's direction: the forward arc; left: the backward one
            double cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
            best_back = !E->oneway && cross > 0;
        }
    }
    if (best == UINT32_MAX) return false;
    const gops_road_edge_t *E = &g->edges[best];
    uint32_t arc = 2 * best + (best_back ? 1u : 0u);
    if (arc >= gops_traffic_arc_count(t)) return false;
    gops_traffic_arc_measures_t am;
    gops_traffic_arc_measures(t, arc, &am);
    const gops_feature_t *feat = &d->map->features[E->road];
    const gops_road_t *road = &feat->u.road;
    gops_point_t a = road->line.pts[best_back ? E->last_vertex : E->first_vertex];
    gops_point_t b = road->line.pts[best_back ? E->first_vertex : E->last_vertex];
    char name[200];
    road_name(feat, name, sizeof name);
    pick->layer = GOPS_SCREEN_CONGESTION;
    pick->index = arc;
    pick->at = p;
    if (!(am.vehicles > 0 || am.flow_vph > 0)) {
        snprintf(pick->text, sizeof pick->text, "路况 %s, %s\nno vehicles measured in the last 5 minutes", name,
                 compass(b.x - a.x, b.y - a.y));
        return true;
    }
    int band = gops_overlay_congestion_band(am.tti);
    snprintf(pick->text, sizeof pick->text,
             "路况 %s, %s\n%s · speed %.0f km/h, %.0f %% of free flow\n%.0f vehicles now · %.0f veh/h leaving · queue "
             "%.0f m",
             name, compass(b.x - a.x, b.y - a.y), gops_overlay_congestion_band_name(band), am.mean_speed_mps * 3.6,
             100.0 / (am.tti > 0 ? am.tti : 1.0), am.vehicles, am.flow_vph, am.queue_m);
    return true;
}

bool gops_overlay_pick_vehicle(const gops_screen_frame_t *f, gops_point_t q, double r, gops_screen_pick_t *pick)
{
    const gops_traffic_t *t = gops_overlay_traffic(f->world);
    if (!t) return false;
    uint32_t n = gops_traffic_vehicle_count(t);
    gops_traffic_pose_t *poses = malloc(((size_t)n + 1) * sizeof *poses);
    if (!poses) return false;
    n = gops_traffic_poses(t, poses, n);
    uint32_t found = UINT32_MAX;
    double best = r * r;
    for (uint32_t i = 0; i < n; i++) {
        double dx = poses[i].x - q.x, dy = poses[i].y - q.y, d2 = dx * dx + dy * dy;
        if (d2 <= best) {
            best = d2;
            found = i;
        }
    }
    if (found != UINT32_MAX) {
        const gops_traffic_pose_t *p = &poses[found];
        pick->layer = GOPS_SCREEN_VEHICLES;
        pick->index = found;
        pick->at = (gops_point_t){p->x, p->y};
        snprintf(pick->text, sizeof pick->text, "车辆 %s · %.1f m long\n%s · heading %s\nat x %.1f m, y %.1f m",
                 gops_vclass_name((gops_vclass_t)p->cls), p->length,
                 p->stopped ? "stopped (at a stop or double-parked)" : "driving", compass(cos(p->heading), sin(p->heading)),
                 p->x, p->y);
    }
    free(poses);
    return found != UINT32_MAX;
}

bool gops_overlay_pick_vendor(const gops_screen_frame_t *f, gops_point_t q, double r, gops_screen_pick_t *pick)
{
    const gops_vendors_t *vd = gops_overlay_vendors(f->world);
    if (!vd) return false;
    double best = r;
    bool found = false;
    uint32_t n = gops_vendors_count(vd);
    for (uint32_t i = 0; i < n; i++) { // street vendors lie on top of everything else
        gops_vendor_info_t info;
        if (!gops_vendors_get(vd, i, &info) || !on_street(info.state)) continue;
        double d = hypot(info.at.x - q.x, info.at.y - q.y);
        if (d > best) continue;
        best = d;
        found = true;
        pick->layer = GOPS_SCREEN_VENDORS;
        pick->index = i;
        pick->at = info.at;
        snprintf(pick->text, sizeof pick->text, "流动摊贩 %s vendor #%u on the street\n%s · %u customers waiting",
                 info.kind == GOPS_VENDOR_MOBILE ? "mobile" : "licensed", i, gops_vendor_state_name(info.state),
                 info.queue);
    }
    if (found) return true;
    const gops_stalls_t *st = gops_vendors_stalls(vd);
    for (uint32_t i = 0; st && i < st->stall_count; i++) {
        const gops_stall_t *s = &st->stalls[i];
        double d = hypot(s->at.x - q.x, s->at.y - q.y);
        if (d > best) continue;
        best = d;
        found = true;
        pick->layer = GOPS_SCREEN_VENDORS;
        pick->index = i;
        pick->at = s->at;
        snprintf(pick->text, sizeof pick->text, "摊位 stall %u at guidance point %u\n%s%s", i, s->point + 1,
                 gops_stall_state_name(s->state),
                 s->occupant != GOPS_VENDORS_NONE ? (s->occupant == s->licensee ? " · licence holder" : " · a walk-in vendor")
                                                  : "");
    }
    return found;
}

bool gops_overlay_pick_team(const gops_screen_frame_t *f, gops_point_t q, double r, gops_screen_pick_t *pick)
{
    const gops_ops_t *ops = gops_overlay_ops(f->world);
    if (!ops) return false;
    double best = r;
    uint32_t found = UINT32_MAX;
    gops_team_info_t t = {0}, bt = {0};
    for (uint32_t i = 0; i < gops_ops_team_count(ops); i++) {
        if (!gops_ops_team_get(ops, i, &t) || !team_shown(&t)) continue;
        double d = hypot(t.at.x - q.x, t.at.y - q.y);
        if (d <= best) {
            best = d;
            found = i;
            bt = t;
        }
    }
    if (found == UINT32_MAX) return false;
    const gops_ops_params_t *par = gops_ops_params(ops);
    char what[96], order[96] = "no order";
    if (bt.post >= 0)
        snprintf(what, sizeof what, "post team (post %d)", bt.post + 1);
    else if (bt.kind >= 0 && (uint32_t)bt.kind < par->kind_count)
        snprintf(what, sizeof what, "%s team", par->kinds[bt.kind].name);
    else
        snprintf(what, sizeof what, "team");
    if (bt.incident_id) {
        gops_incident_info_t in;
        if (gops_ops_incident_get(ops, bt.incident_id, &in))
            snprintf(order, sizeof order, "order: incident #%u (%s)", bt.incident_id, gops_category_name(in.category));
    }
    char units[160] = "";
    for (int u = 0; u < GOPS_UNIT_COUNT; u++) // the unit types it answers for (bits)
        if (bt.units & (1u << u)) {
            size_t used = strlen(units);
            snprintf(units + used, sizeof units - used, "%s%s", used ? ", " : "", gops_unit_type_name((gops_unit_type_t)u));
        }
    pick->layer = GOPS_SCREEN_TEAMS;
    pick->index = found;
    pick->at = bt.at;
    snprintf(pick->text, sizeof pick->text, "队伍 %s #%u\n%s · %s\nacts as %s\n%u job%s so far · busy %.0f %% of its duty",
             what, found + 1, gops_team_state_name(bt.state), order, units[0] ? units : "—", bt.jobs,
             bt.jobs == 1 ? "" : "s", bt.duty_s > 0 ? 100.0 * bt.busy_s / bt.duty_s : 0.0);
    return true;
}

bool gops_overlay_pick_incident(const gops_screen_frame_t *f, gops_point_t q, double r, gops_screen_pick_t *pick)
{
    const gops_ops_t *ops = gops_overlay_ops(f->world);
    if (!ops) return false;
    double now = gops_world_elapsed(f->world);
    gops_incident_info_t in, bi;
    bool found = false;
    int state = -1;
    for (int pass = 0; pass < 2 && !found; pass++) { // active incidents before recently closed ones
        double best = r;
        for (uint32_t id = 1; id <= gops_ops_incident_count(ops); id++) {
            if (!gops_ops_incident_get(ops, id, &in)) continue;
            int s = gops_overlay_incident_state(&in, now);
            if (s < 0 || (pass == 0) == (s == GOPS_SVG_STATE_CLOSED)) continue;
            double d = hypot(in.at.x - q.x, in.at.y - q.y);
            if (d <= best) {
                best = d;
                bi = in;
                state = s;
                found = true;
            }
        }
    }
    if (!found) return false;
    char occ[16], det[16], arr[16], clo[16];
    clock_of(f->world, bi.t_occur, occ, sizeof occ);
    clock_of(f->world, bi.t_detect, det, sizeof det);
    clock_of(f->world, bi.t_arrive, arr, sizeof arr);
    clock_of(f->world, bi.t_close, clo, sizeof clo);
    char seen[96];
    if (bi.detected)
        snprintf(seen, sizeof seen, "detected %s by %s", det, gops_channel_name(bi.channel));
    else
        snprintf(seen, sizeof seen, "not detected yet");
    pick->layer = GOPS_SCREEN_INCIDENTS;
    pick->index = bi.id;
    pick->at = bi.at;
    snprintf(pick->text, sizeof pick->text,
             "事件 incident #%u · %s (%s) · %s priority\norder: %s%s%s\noccurred %s · %s\nteam arrived %s · closed %s",
             bi.id, gops_category_name(bi.category), gops_itype_name(bi.type), gops_priority_name(bi.priority),
             gops_svg_state_name((gops_svg_state_t)state), bi.open_reason && bi.open_reason[0] ? " · " : "",
             bi.open_reason ? bi.open_reason : "", occ, seen, arr, clo);
    return true;
}
