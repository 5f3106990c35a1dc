// SPDX-License-Identifier: MIT
// In-memory lab maps (lab_maps.h). Features are laid out the way the GeoJSON loader would
// leave them (local metres, defaults filled in, bounds set), so the district builds from
// them exactly as from a file; gops_map_destroy frees them.
#include "traffic/lab_maps.h"

#include "world/map_build.h"

#include <math.h>

#define PI 3.14159265358979323846
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lab {
    gops_map_t *map;
    uint32_t cap;
    bool failed;
} lab_t;

static lab_t lab_new(const char *name)
{
    lab_t L = {0};
    L.map = calloc(1, sizeof *L.map);
    if (!L.map) {
        L.failed = true;
        return L;
    }
    L.map->path = strdup(name);
    L.map->min_x = L.map->min_y = INFINITY;
    L.map->max_x = L.map->max_y = -INFINITY;
    if (!L.map->path) L.failed = true;
    return L;
}

static void grow_bounds(gops_map_t *m, gops_point_t p)
{
    if (p.x < m->min_x) m->min_x = p.x;
    if (p.y < m->min_y) m->min_y = p.y;
    if (p.x > m->max_x) m->max_x = p.x;
    if (p.y > m->max_y) m->max_y = p.y;
}

static gops_feature_t *add(lab_t *L, gops_feature_kind_t kind, const char *id)
{
    if (L->failed) return NULL;
    gops_map_t *m = L->map;
    if (m->feature_count == L->cap) {
        uint32_t cap = L->cap ? L->cap * 2 : 32;
        gops_feature_t *f = realloc(m->features, cap * sizeof *f);
        if (!f) {
            L->failed = true;
            return NULL;
        }
        m->features = f;
        L->cap = cap;
    }
    gops_feature_t *f = &m->features[m->feature_count];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->index = m->feature_count++;
    if (id && !(f->id = strdup(id))) L->failed = true;
    return f;
}

static gops_road_t *road(lab_t *L, const char *id, gops_road_class_t cls, int lanes, bool oneway, double kmh,
                         const gops_point_t *pts, uint32_t n)
{
    gops_feature_t *f = add(L, GOPS_FEAT_ROAD, id);
    if (!f) return NULL;
    if (id && !(f->name_en = strdup(id))) L->failed = true;
    gops_road_t *r = &f->u.road;
    if (!(r->line.pts = malloc(n * sizeof *r->line.pts))) {
        L->failed = true;
        return NULL;
    }
    memcpy(r->line.pts, pts, n * sizeof *pts);
    r->line.count = n;
    r->road_class = cls;
    r->lanes = lanes;
    r->oneway = oneway;
    r->speed_kmh = kmh;
    r->width_m = lanes * 3.5 * (oneway ? 1 : 2);
    r->sidewalk_left_m = r->sidewalk_right_m = 3;
    f->at = pts[0];
    for (uint32_t k = 0; k < n; k++) grow_bounds(L->map, pts[k]);
    return r;
}

static void point(lab_t *L, gops_feature_kind_t kind, gops_point_t at, int sub)
{
    gops_feature_t *f = add(L, kind, NULL);
    if (!f) return;
    f->at = at;
    if (kind == GOPS_FEAT_JUNCTION) f->u.junction.control = (gops_junction_control_t)sub;
    if (kind == GOPS_FEAT_TRANSIT) f->u.transit.mode = (gops_transit_mode_t)sub;
    grow_bounds(L->map, at);
}

static gops_map_t *finish(lab_t *L)
{
    if (L->failed) {
        gops_map_destroy(L->map);
        return NULL;
    }
    return L->map;
}

gops_map_t *gops_lab_ring(double length_m, int lanes, double speed_kmh)
{
    lab_t L = lab_new("lab:ring");
    enum { HALF = 48 }; // segments per half circle
    double r = length_m / (2 * PI);
    gops_point_t pts[HALF + 1];
    for (int half = 0; half < 2; half++) {
        for (int k = 0; k <= HALF; k++) {
            double a = PI * (half + (double)k / HALF);
            pts[k] = (gops_point_t){r * cos(a), r * sin(a)};
        }
        road(&L, half ? "ring_s" : "ring_n", GOPS_ROAD_ARTERIAL, lanes, true, speed_kmh, pts, HALF + 1);
    }
    return finish(&L);
}

gops_map_t *gops_lab_crossroads(double arm_m, int lanes, gops_junction_control_t control)
{
    lab_t L = lab_new("lab:crossroads");
    gops_point_t we[] = {{-arm_m, 0}, {0, 0}, {arm_m, 0}};
    gops_point_t sn[] = {{0, -arm_m}, {0, 0}, {0, arm_m}};
    road(&L, "main", GOPS_ROAD_SECONDARY, lanes, false, 50, we, 3);
    road(&L, "cross", GOPS_ROAD_LOCAL, 1, false, 30, sn, 3);
    point(&L, GOPS_FEAT_JUNCTION, (gops_point_t){0, 0}, control);
    gops_point_t ends[] = {{-arm_m, 0}, {arm_m, 0}, {0, -arm_m}, {0, arm_m}};
    for (int k = 0; k < 4; k++) point(&L, GOPS_FEAT_TRANSIT, ends[k], GOPS_TRANSIT_EDGE);
    return finish(&L);
}

gops_map_t *gops_lab_corridor(double length_m, int lanes, double speed_kmh)
{
    lab_t L = lab_new("lab:corridor");
    gops_point_t pts[] = {{0, 0}, {length_m, 0}};
    road(&L, "corridor", GOPS_ROAD_SECONDARY, lanes, false, speed_kmh, pts, 2);
    point(&L, GOPS_FEAT_TRANSIT, pts[0], GOPS_TRANSIT_EDGE);
    point(&L, GOPS_FEAT_TRANSIT, pts[1], GOPS_TRANSIT_EDGE);
    return finish(&L);
}

gops_map_t *gops_lab_detour(void)
{
    lab_t L = lab_new("lab:detour");
    gops_point_t west[] = {{-1000, 0}, {-500, 0}}, main_[] = {{-500, 0}, {500, 0}}, east[] = {{500, 0}, {1000, 0}};
    gops_point_t dw[] = {{-500, 0}, {-500, 400}}, dn[] = {{-500, 400}, {500, 400}}, de[] = {{500, 400}, {500, 0}};
    road(&L, "west", GOPS_ROAD_SECONDARY, 1, false, 50, west, 2);
    road(&L, "main", GOPS_ROAD_SECONDARY, 1, false, 50, main_, 2);
    road(&L, "east", GOPS_ROAD_SECONDARY, 1, false, 50, east, 2);
    road(&L, "detour_w", GOPS_ROAD_LOCAL, 1, false, 50, dw, 2);
    road(&L, "detour_n", GOPS_ROAD_LOCAL, 1, false, 50, dn, 2);
    road(&L, "detour_e", GOPS_ROAD_LOCAL, 1, false, 50, de, 2);
    point(&L, GOPS_FEAT_TRANSIT, west[0], GOPS_TRANSIT_EDGE);
    point(&L, GOPS_FEAT_TRANSIT, east[1], GOPS_TRANSIT_EDGE);
    return finish(&L);
}

gops_map_t *gops_lab_grid(int nx, int ny, double spacing_m, int lanes)
{
    lab_t L = lab_new("lab:grid");
    if (nx < 1 || ny < 1) {
        L.failed = true;
        return finish(&L);
    }
    double half = spacing_m / 2;
    int most = (nx > ny ? nx : ny) + 2;
    gops_point_t *pts = malloc((size_t)most * sizeof *pts);
    if (!pts) {
        L.failed = true;
        return finish(&L);
    }
    char id[32];
    for (int j = 0; j < ny; j++) { // east-west streets
        int n = 0;
        pts[n++] = (gops_point_t){-half, j * spacing_m};
        for (int i = 0; i < nx; i++) pts[n++] = (gops_point_t){i * spacing_m, j * spacing_m};
        pts[n++] = (gops_point_t){(nx - 1) * spacing_m + half, j * spacing_m};
        snprintf(id, sizeof id, "street_%d", j);
        road(&L, id, GOPS_ROAD_SECONDARY, lanes, false, 50, pts, (uint32_t)n);
        point(&L, GOPS_FEAT_TRANSIT, pts[0], GOPS_TRANSIT_EDGE);
        point(&L, GOPS_FEAT_TRANSIT, pts[n - 1], GOPS_TRANSIT_EDGE);
    }
    for (int i = 0; i < nx; i++) { // north-south avenues
        int n = 0;
        pts[n++] = (gops_point_t){i * spacing_m, -half};
        for (int j = 0; j < ny; j++) pts[n++] = (gops_point_t){i * spacing_m, j * spacing_m};
        pts[n++] = (gops_point_t){i * spacing_m, (ny - 1) * spacing_m + half};
        snprintf(id, sizeof id, "avenue_%d", i);
        road(&L, id, GOPS_ROAD_SECONDARY, lanes, false, 50, pts, (uint32_t)n);
        point(&L, GOPS_FEAT_TRANSIT, pts[0], GOPS_TRANSIT_EDGE);
        point(&L, GOPS_FEAT_TRANSIT, pts[n - 1], GOPS_TRANSIT_EDGE);
    }
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++)
            point(&L, GOPS_FEAT_JUNCTION, (gops_point_t){i * spacing_m, j * spacing_m}, GOPS_JUNCTION_SIGNAL);
    free(pts);
    return finish(&L);
}

// ---- piece by piece ------------------------------------------------------------------------

int32_t gops_lab_add_road(gops_map_t *m, const gops_lab_road_t *r, gops_error_t *err)
{
    const char *id = r->id ? r->id : "";
    if (!r->id || !r->id[0]) {
        gops_error_set(err, GOPS_BAD_VALUE, "%s: a road needs an id", m->path);
        return -1;
    }
    if (r->count < 2 || !r->pts) {
        gops_error_set(err, GOPS_BAD_VALUE, "%s: road \"%s\" has %u points: expected at least 2", m->path, id, r->count);
        return -1;
    }
    for (uint32_t k = 0; k < r->count; k++)
        if (!isfinite(r->pts[k].x) || !isfinite(r->pts[k].y) || fabs(r->pts[k].x) > 1e5 || fabs(r->pts[k].y) > 1e5) {
            gops_error_set(err, GOPS_BAD_VALUE, "%s: road \"%s\": point %u is not within ±100000 m", m->path, id, k + 1);
            return -1;
        }
    if (r->lanes < 1 || r->lanes > 16 || !(r->speed_kmh > 0 && r->speed_kmh <= 150) ||
        (unsigned)r->road_class >= GOPS_ROAD_CLASS_COUNT) {
        gops_error_set(err, GOPS_BAD_VALUE, "%s: road \"%s\": %d lanes at %g km/h: expected 1 to 16 lanes and (0, 150] km/h",
                       m->path, id, r->lanes, r->speed_kmh);
        return -1;
    }
    int32_t f = gops_map_add_point(m, GOPS_FEAT_ROAD, id, r->pts[0].x, r->pts[0].y, err);
    if (f < 0) return -1;
    gops_feature_t *F = &m->features[f];
    gops_road_t *road = &F->u.road;
    road->line.pts = malloc(r->count * sizeof *road->line.pts);
    F->name_en = strdup(id);
    if (!road->line.pts || !F->name_en || !F->id) {
        gops_error_set(err, GOPS_NOMEM, "%s: out of memory adding road \"%s\"", m->path, id);
        return -1; // the feature stays; gops_map_destroy frees what it holds
    }
    memcpy(road->line.pts, r->pts, r->count * sizeof *r->pts);
    road->line.count = r->count;
    road->road_class = r->road_class;
    road->lanes = r->lanes;
    road->oneway = r->oneway;
    road->speed_kmh = r->speed_kmh;
    road->width_m = r->lanes * 3.5 * (r->oneway ? 1 : 2);
    road->sidewalk_left_m = road->sidewalk_right_m = 3;
    return f;
}

int32_t gops_lab_add_junction(gops_map_t *m, const char *id, gops_point_t at, gops_junction_control_t control,
                              gops_error_t *err)
{
    if ((unsigned)control >= GOPS_JUNCTION_CONTROL_COUNT) {
        gops_error_set(err, GOPS_BAD_VALUE, "%s: junction %s: unknown control %d", m->path, id ? id : "", (int)control);
        return -1;
    }
    int32_t f = gops_map_add_point(m, GOPS_FEAT_JUNCTION, id, at.x, at.y, err);
    if (f >= 0) m->features[f].u.junction.control = control;
    return f;
}

int32_t gops_lab_add_gateway(gops_map_t *m, const char *id, gops_point_t at, gops_error_t *err)
{
    int32_t f = gops_map_add_point(m, GOPS_FEAT_TRANSIT, id, at.x, at.y, err);
    if (f >= 0) m->features[f].u.transit.mode = GOPS_TRANSIT_EDGE;
    return f;
}

gops_status_t gops_lab_finish(gops_map_t *m, gops_error_t *err)
{
    m->min_x = m->min_y = INFINITY;
    m->max_x = m->max_y = -INFINITY;
    bool roads = false;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        if (f->kind == GOPS_FEAT_ROAD) {
            roads = true;
            for (uint32_t k = 0; k < f->u.road.line.count; k++) grow_bounds(m, f->u.road.line.pts[k]);
        } else {
            grow_bounds(m, f->at);
        }
    }
    if (!roads) return gops_error_set(err, GOPS_MAP, "%s: a road lab needs at least one road", m->path);
    return GOPS_OK;
}
