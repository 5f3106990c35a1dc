// SPDX-License-Identifier: MIT
// Sensing (see sensing.h). Cameras are read once from the map; an incident's static
// channels are drawn at occurrence from the sensing stream, so the same incidents are seen
// the same way whatever the staffing (common random numbers across policies).
// Ordering: cameras in feature order; each draw takes exactly seven uniforms and three
// exponentials in a fixed order.
#include "ops/sensing.h"

#include "gridops/gridops.h"
#include "world/geometry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const channel_names[GOPS_CHANNEL_COUNT] = {
#define GOPS_CHANNEL_NAME(name, text) text,
    GOPS_CHANNEL_LIST(GOPS_CHANNEL_NAME)
#undef GOPS_CHANNEL_NAME
};

const char *gops_channel_name(gops_channel_t c)
{
    return (unsigned)c < GOPS_CHANNEL_COUNT ? channel_names[c] : "?";
}

int gops_channel_from_name(const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < GOPS_CHANNEL_COUNT; i++)
        if (strcmp(channel_names[i], name) == 0) return i;
    return -1;
}

gops_sensing_params_t gops_sensing_params_default(void)
{
    return (gops_sensing_params_t){
        .perfect = false,
        .reports = true,
        .scan_period_s = 60,
        .camera_quality = {[GOPS_CAMERA_EAGLE_EYE] = 0.7, [GOPS_CAMERA_SHARP_EYES] = 1.0,
                           [GOPS_CAMERA_SMART_CAPTURE] = 0.0},
        .capture_delay_s = 30,
        .patrol_radius_m = 30,
        .patrol_delay_s = 60,
        .post_radius_m = 50,
        .post_delay_s = 60,
        .drone_radius_m = 120,
        .drone_delay_s = 30,
        .drone_speed_mps = 8,
        .drone_flight_s = 1500,
        // Assumed: no routine flights on ordinary days; every 2 h on holidays, hourly for
        // major events, every 30 min (continuous cover with battery swaps) in emergencies.
        .drone_interval_s = {0, 7200, 3600, 1800},
        .drones = 1,
        .sense_period_s = 5,
    };
}

gops_camera_t gops_camera_from_feature(const gops_feature_t *f)
{
    const double deg = 3.14159265358979323846 / 180.0;
    gops_camera_t c = {
        .at = f->at,
        .hx = sin(f->u.camera.heading_deg * deg),
        .hy = cos(f->u.camera.heading_deg * deg),
        .cos_half = f->u.camera.fov_deg >= 360.0 ? -2.0 : cos(0.5 * f->u.camera.fov_deg * deg),
        .range_m = f->u.camera.range_m,
        .type = f->u.camera.type,
        .feature = f->index,
    };
    return c;
}

bool gops_camera_sees(const gops_camera_t *c, gops_point_t p)
{
    double dx = p.x - c->at.x, dy = p.y - c->at.y;
    double d2 = dx * dx + dy * dy;
    if (d2 > c->range_m * c->range_m) return false;
    if (c->cos_half < -1.0 || d2 == 0.0) return true;
    // cos(angle to heading) ≥ cos(fov/2), compared without a square root where the sign
    // allows: dot ≥ cos_half · |v|.
    double dot = dx * c->hx + dy * c->hy;
    return dot >= c->cos_half * sqrt(d2);
}

static gops_status_t set_route(gops_sensing_t *s, const gops_point_t *pts, uint32_t count, gops_error_t *err)
{
    free(s->route);
    free(s->route_cum);
    s->route = NULL;
    s->route_cum = NULL;
    s->route_count = 0;
    s->route_length = 0;
    if (count == 0) return GOPS_OK;
    s->route = malloc(count * sizeof *s->route);
    s->route_cum = malloc((count + 1) * sizeof *s->route_cum);
    if (!s->route || !s->route_cum) return gops_error_set(err, GOPS_NOMEM, "out of memory for the drone route");
    memcpy(s->route, pts, count * sizeof *pts);
    s->route_count = count;
    s->route_cum[0] = 0;
    for (uint32_t i = 0; i < count; i++) {
        gops_point_t a = pts[i], b = pts[(i + 1) % count];
        s->route_cum[i + 1] = s->route_cum[i] + hypot(b.x - a.x, b.y - a.y);
    }
    s->route_length = s->route_cum[count];
    return GOPS_OK;
}

gops_status_t gops_sensing_set_route(gops_sensing_t *s, const gops_point_t *pts, uint32_t count, gops_error_t *err)
{
    if (count == 1)
        return gops_error_set(err, GOPS_BAD_VALUE, "drone route: 1 point given; expected at least 2 (or 0 for none)");
    for (uint32_t i = 0; i < count; i++)
        if (!isfinite(pts[i].x) || !isfinite(pts[i].y))
            return gops_error_set(err, GOPS_BAD_VALUE, "drone route: point %u is not finite", i + 1);
    gops_status_t st = set_route(s, pts, count, err);
    if (st == GOPS_OK && count >= 2 && !(s->route_length > 0)) {
        set_route(s, NULL, 0, err);
        return gops_error_set(err, GOPS_BAD_VALUE, "drone route: all points coincide; expected a loop of positive length");
    }
    return st;
}

gops_status_t gops_sensing_init(gops_sensing_t *s, const gops_sensing_params_t *p, const gops_map_t *map,
                                gops_error_t *err)
{
    memset(s, 0, sizeof *s);
    if (!(p->scan_period_s >= 0 && p->capture_delay_s >= 0 && p->patrol_delay_s >= 0 && p->post_delay_s >= 0 &&
          p->drone_delay_s >= 0))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops sensing: delays must be ≥ 0 s");
    if (!(p->patrol_radius_m >= 0 && p->post_radius_m >= 0 && p->drone_radius_m >= 0))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops sensing: detection radii must be ≥ 0 m");
    if (!(p->drone_speed_mps > 0 && p->drone_flight_s >= 0))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops sensing: drone speed must be > 0 m/s and flight time ≥ 0 s");
    if (!(p->sense_period_s > 0 && p->sense_period_s <= 600))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops sensing: sense_period_s %g out of range: expected (0, 600] s",
                              p->sense_period_s);
    for (int t = 0; t < GOPS_CAMERA_TYPE_COUNT; t++)
        if (!(p->camera_quality[t] >= 0 && p->camera_quality[t] <= 1))
            return gops_error_set(err, GOPS_BAD_VALUE, "ops sensing: camera quality of %s is %g; expected 0 to 1",
                                  gops_camera_type_name((gops_camera_type_t)t), p->camera_quality[t]);
    for (int m = 0; m < GOPS_MODE_COUNT; m++)
        if (!(p->drone_interval_s[m] >= 0))
            return gops_error_set(err, GOPS_BAD_VALUE, "ops sensing: drone interval in %s mode must be ≥ 0 s",
                                  gops_mode_name((gops_mode_t)m));
    s->params = *p;
    if (!map) return GOPS_OK;
    uint32_t n = 0;
    for (uint32_t i = 0; i < map->feature_count; i++)
        if (map->features[i].kind == GOPS_FEAT_CAMERA) n++;
    if (n) {
        s->cameras = malloc(n * sizeof *s->cameras);
        if (!s->cameras) return gops_error_set(err, GOPS_NOMEM, "out of memory for %u cameras", n);
        for (uint32_t i = 0; i < map->feature_count; i++)
            if (map->features[i].kind == GOPS_FEAT_CAMERA)
                s->cameras[s->camera_count++] = gops_camera_from_feature(&map->features[i]);
    }
    for (uint32_t i = 0; i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind != GOPS_FEAT_BOUNDARY || f->shape.ring_count == 0) continue;
        const gops_path_t *ring = &f->shape.rings[0];
        gops_point_t c = gops_polygon_centroid(&f->shape);
        gops_point_t *pts = malloc((ring->count ? ring->count : 1) * sizeof *pts);
        if (!pts) return gops_error_set(err, GOPS_NOMEM, "out of memory for the drone route");
        for (uint32_t k = 0; k < ring->count; k++)
            pts[k] = (gops_point_t){c.x + 0.6 * (ring->pts[k].x - c.x), c.y + 0.6 * (ring->pts[k].y - c.y)};
        gops_status_t st = ring->count >= 2 ? set_route(s, pts, ring->count, err) : GOPS_OK;
        free(pts);
        if (st != GOPS_OK) return st;
        break;
    }
    return GOPS_OK;
}

void gops_sensing_free(gops_sensing_t *s)
{
    free(s->cameras);
    free(s->route);
    free(s->route_cum);
    memset(s, 0, sizeof *s);
}

double gops_sensing_vision_probability(const gops_sensing_t *s, const gops_incident_type_t *type, gops_point_t p)
{
    if (type->scene == GOPS_SCENE_NONE || !(type->p_vision > 0)) return 0.0;
    double miss = 1.0;
    for (uint32_t i = 0; i < s->camera_count; i++) {
        const gops_camera_t *c = &s->cameras[i];
        double q = s->params.camera_quality[c->type];
        if (q > 0 && gops_camera_sees(c, p)) miss *= 1.0 - q;
    }
    return type->p_vision * (1.0 - miss);
}

bool gops_sensing_capture_covers(const gops_sensing_t *s, gops_point_t p)
{
    for (uint32_t i = 0; i < s->camera_count; i++)
        if (s->cameras[i].type == GOPS_CAMERA_SMART_CAPTURE && gops_camera_sees(&s->cameras[i], p)) return true;
    return false;
}

bool gops_sensing_in_view(const gops_sensing_t *s, gops_point_t p)
{
    for (uint32_t i = 0; i < s->camera_count; i++)
        if (s->params.camera_quality[s->cameras[i].type] > 0 && gops_camera_sees(&s->cameras[i], p)) return true;
    return false;
}

static void consider(gops_sense_draw_t *d, double t, gops_channel_t ch)
{
    if (t < d->t_detect) {
        d->t_detect = t;
        d->channel = ch;
    }
}

gops_sense_draw_t gops_sensing_draw(const gops_sensing_t *s, const gops_incident_type_t *type, gops_point_t p,
                                    double t_occ, gops_rng_t *rng)
{
    gops_sense_draw_t d = {.t_detect = INFINITY, .channel = GOPS_CHANNEL_NONE};
    // Fixed draw order: vision, scan phase, vision delay, capture, capture delay, report, report
    // delay, then the three notice flags.
    double u_vis = gops_rng_uniform(rng);
    double u_scan = gops_rng_uniform(rng);
    double e_vis = gops_rng_exponential(rng, 1.0);
    double u_cap = gops_rng_uniform(rng);
    double e_cap = gops_rng_exponential(rng, 1.0);
    double u_rep = gops_rng_uniform(rng);
    double e_rep = gops_rng_exponential(rng, 1.0);
    d.notice_patrol = gops_rng_uniform(rng) < type->p_patrol;
    d.notice_post = gops_rng_uniform(rng) < type->p_post;
    d.notice_drone = gops_rng_uniform(rng) < type->p_drone;

    if (u_vis < gops_sensing_vision_probability(s, type, p))
        consider(&d, t_occ + u_scan * s->params.scan_period_s + e_vis * type->vision_delay_s, GOPS_CHANNEL_VISION);
    if (type->p_capture > 0 && u_cap < type->p_capture && gops_sensing_capture_covers(s, p))
        consider(&d, t_occ + e_cap * s->params.capture_delay_s, GOPS_CHANNEL_SMART_CAPTURE);
    if (s->params.reports && u_rep < type->p_report)
        consider(&d, t_occ + e_rep * type->report_delay_s, GOPS_CHANNEL_REPORT);
    return d;
}

static gops_point_t route_at(const gops_sensing_t *s, double along)
{
    double L = s->route_length;
    double a = fmod(along, L);
    if (a < 0) a += L;
    uint32_t i = 0;
    while (i + 1 < s->route_count && s->route_cum[i + 1] <= a) i++;
    gops_point_t p0 = s->route[i], p1 = s->route[(i + 1) % s->route_count];
    double seg = s->route_cum[i + 1] - s->route_cum[i];
    double f = seg > 0 ? (a - s->route_cum[i]) / seg : 0.0;
    return (gops_point_t){p0.x + f * (p1.x - p0.x), p0.y + f * (p1.y - p0.y)};
}

uint32_t gops_sensing_drones(const gops_sensing_t *s, gops_mode_t mode, double now_s, gops_point_t *out, uint32_t cap)
{
    double interval = s->params.drone_interval_s[mode];
    if (!(interval > 0) || s->route_count < 2 || !(s->route_length > 0) || s->params.drones == 0) return 0;
    double k = floor(now_s / interval);
    double into = now_s - k * interval;
    if (into >= s->params.drone_flight_s) return 0;
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->params.drones && n < cap; i++)
        out[n++] = route_at(s, into * s->params.drone_speed_mps + s->route_length * (double)i / s->params.drones);
    return n;
}
