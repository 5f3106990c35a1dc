// SPDX-License-Identifier: MIT
// Operations sensing suite: camera field-of-view geometry (inside and outside the wedge and
// the range, full-circle cameras), the recognition probability and its empirical rate
// and delay, smart capture only for motor-vehicle violations, the drone schedule and
// route, the Erqi map's cameras, and a patrol noticing an incident in a running world.
#include "fixture.h"
#include "ops/ops_internal.h"
#include "ops/sensing.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double PI = 3.14159265358979323846;

static gops_camera_t camera(gops_camera_type_t type, double x, double y, double heading, double fov, double range)
{
    gops_feature_t f;
    memset(&f, 0, sizeof f);
    f.kind = GOPS_FEAT_CAMERA;
    f.at = (gops_point_t){x, y};
    f.u.camera.type = type;
    f.u.camera.heading_deg = heading;
    f.u.camera.fov_deg = fov;
    f.u.camera.range_m = range;
    return gops_camera_from_feature(&f);
}

static gops_point_t bearing_point(double deg, double r)
{
    return (gops_point_t){r * sin(deg * PI / 180.0), r * cos(deg * PI / 180.0)};
}

START_TEST(camera_wedge_east)
{
    // Facing east with a 90° view and 50 m range: the wedge spans bearings 45°..135°.
    gops_camera_t c = camera(GOPS_CAMERA_SHARP_EYES, 0, 0, 90, 90, 50);
    ck_assert(gops_camera_sees(&c, (gops_point_t){40, 0}));
    ck_assert(gops_camera_sees(&c, (gops_point_t){30, 29}));   // 44.0° off the heading, 41.7 m
    ck_assert(!gops_camera_sees(&c, (gops_point_t){30, 31}));  // 45.9° off, 43.1 m
    ck_assert(gops_camera_sees(&c, (gops_point_t){30, -29}));
    ck_assert(!gops_camera_sees(&c, (gops_point_t){30, -31}));
    ck_assert(!gops_camera_sees(&c, (gops_point_t){40, 35}));  // 41.2° off but 53.2 m away
    ck_assert(!gops_camera_sees(&c, (gops_point_t){-10, 0})); // behind
    ck_assert(gops_camera_sees(&c, (gops_point_t){50, 0}));   // exactly at range
    ck_assert(!gops_camera_sees(&c, (gops_point_t){50.01, 0}));
    ck_assert(gops_camera_sees(&c, (gops_point_t){0, 0}));    // the camera's own spot
}
END_TEST

START_TEST(camera_wedge_across_north)
{
    // Heading 350° with a 40° view: bearings 330°..10°, across north.
    gops_camera_t c = camera(GOPS_CAMERA_SHARP_EYES, 0, 0, 350, 40, 60);
    ck_assert(gops_camera_sees(&c, bearing_point(5, 30)));
    ck_assert(gops_camera_sees(&c, bearing_point(335, 30)));
    ck_assert(!gops_camera_sees(&c, bearing_point(15, 30)));
    ck_assert(!gops_camera_sees(&c, bearing_point(325, 30)));
    ck_assert(!gops_camera_sees(&c, bearing_point(170, 30)));
    // Moving the camera moves the wedge.
    gops_camera_t d = camera(GOPS_CAMERA_SHARP_EYES, 100, 100, 0, 40, 60);
    gops_point_t p = bearing_point(10, 30);
    ck_assert(gops_camera_sees(&d, (gops_point_t){100 + p.x, 100 + p.y}));
    ck_assert(!gops_camera_sees(&d, p));
}
END_TEST

START_TEST(camera_full_circle)
{
    gops_camera_t c = camera(GOPS_CAMERA_EAGLE_EYE, 10, 10, 0, 360, 150);
    ck_assert(gops_camera_sees(&c, (gops_point_t){10 - 100, 10 - 100})); // 141 m behind
    ck_assert(!gops_camera_sees(&c, (gops_point_t){10 - 110, 10 - 110})); // 155.6 m
    ck_assert(c.cos_half < -1.0);
}
END_TEST

static gops_sensing_t sensing_with(const gops_camera_t *cams, uint32_t n, bool reports)
{
    gops_sensing_t s;
    gops_error_t err;
    gops_sensing_params_t p = gops_sensing_params_default();
    p.reports = reports;
    ck_assert_int_eq(gops_sensing_init(&s, &p, NULL, &err), GOPS_OK);
    s.cameras = malloc((n ? n : 1) * sizeof *s.cameras);
    if (n) memcpy(s.cameras, cams, n * sizeof *cams);
    s.camera_count = n;
    return s;
}

START_TEST(vision_probability_formula)
{
    gops_incident_type_t types[GOPS_ITYPE_COUNT];
    gops_incident_types_default(types);
    const gops_incident_type_t *litter = &types[GOPS_ITYPE_LITTER_OVERFLOW];
    ck_assert_double_eq_tol(litter->p_vision, 0.7, 1e-12);
    gops_camera_t cams[3] = {
        camera(GOPS_CAMERA_EAGLE_EYE, 0, 0, 0, 360, 150),
        camera(GOPS_CAMERA_SHARP_EYES, 200, 0, 270, 90, 60),
        camera(GOPS_CAMERA_SMART_CAPTURE, 0, 0, 0, 360, 40),
    };
    gops_sensing_t s = sensing_with(cams, 3, false);
    // Only the eagle-eye (quality 0.7) sees (100, 0): 0.7 × 0.7.
    ck_assert_double_eq_tol(gops_sensing_vision_probability(&s, litter, (gops_point_t){100, 0}), 0.49, 1e-12);
    // Eagle-eye and Sharp Eyes (quality 1) see (150, 0): 0.7 × (1 − 0.3 × 0) = 0.7.
    ck_assert_double_eq_tol(gops_sensing_vision_probability(&s, litter, (gops_point_t){150, 0}), 0.7, 1e-12);
    // The smart-capture device at the origin adds nothing to recognition.
    ck_assert_double_eq_tol(gops_sensing_vision_probability(&s, litter, (gops_point_t){10, 0}), 0.49, 1e-12);
    // Nobody sees (0, 300); lost persons are no recognised scene at all.
    ck_assert_double_eq(gops_sensing_vision_probability(&s, litter, (gops_point_t){0, 300}), 0.0);
    ck_assert_double_eq(gops_sensing_vision_probability(&s, &types[GOPS_ITYPE_LOST_PERSON], (gops_point_t){100, 0}), 0.0);
    gops_sensing_free(&s);
}
END_TEST

START_TEST(vision_detection_rate_and_delay)
{
    gops_incident_type_t types[GOPS_ITYPE_COUNT];
    gops_incident_types_default(types);
    const gops_incident_type_t *litter = &types[GOPS_ITYPE_LITTER_OVERFLOW];
    gops_camera_t cam = camera(GOPS_CAMERA_EAGLE_EYE, 0, 0, 0, 360, 150);
    gops_sensing_t s = sensing_with(&cam, 1, false);
    gops_rng_t rng;
    gops_rng_seed(&rng, 42, 7);
    const int n = 40000;
    int seen = 0;
    double delay = 0;
    for (int i = 0; i < n; i++) {
        gops_sense_draw_t d = gops_sensing_draw(&s, litter, (gops_point_t){100, 0}, 1000.0, &rng);
        if (d.channel == GOPS_CHANNEL_VISION) {
            seen++;
            delay += d.t_detect - 1000.0;
        } else {
            ck_assert_int_eq(d.channel, GOPS_CHANNEL_NONE);
            ck_assert(isinf(d.t_detect));
        }
    }
    // P = 0.49; 4 standard deviations of a binomial share over 40,000 draws is 0.010.
    double share = (double)seen / n;
    ck_assert_msg(fabs(share - 0.49) < 0.010, "vision detection share %.4f, expected 0.49", share);
    // Mean delay = scan phase (60 s / 2) + recognition (300 s) = 330 s; sd of the mean ≈ 2.1 s.
    ck_assert_msg(fabs(delay / seen - 330.0) < 10.0, "mean vision delay %.1f s, expected 330", delay / seen);
    gops_sensing_free(&s);
}
END_TEST

START_TEST(smart_capture_only_motor_vehicles)
{
    gops_incident_type_t types[GOPS_ITYPE_COUNT];
    gops_incident_types_default(types);
    gops_camera_t cam = camera(GOPS_CAMERA_SMART_CAPTURE, 0, 0, 180, 60, 40);
    gops_sensing_t s = sensing_with(&cam, 1, false);
    ck_assert(gops_sensing_capture_covers(&s, (gops_point_t){0, -30}));
    ck_assert(!gops_sensing_capture_covers(&s, (gops_point_t){0, 30}));
    gops_rng_t rng;
    gops_rng_seed(&rng, 3, 3);
    int parking = 0, litter = 0, nonmotor = 0;
    const int n = 20000;
    for (int i = 0; i < n; i++) {
        if (gops_sensing_draw(&s, &types[GOPS_ITYPE_PARKING_MOTOR], (gops_point_t){0, -30}, 0, &rng).channel ==
            GOPS_CHANNEL_SMART_CAPTURE)
            parking++;
        if (gops_sensing_draw(&s, &types[GOPS_ITYPE_LITTER_OVERFLOW], (gops_point_t){0, -30}, 0, &rng).channel ==
            GOPS_CHANNEL_SMART_CAPTURE)
            litter++;
        if (gops_sensing_draw(&s, &types[GOPS_ITYPE_PARKING_NONMOTOR], (gops_point_t){0, -30}, 0, &rng).channel ==
            GOPS_CHANNEL_SMART_CAPTURE)
            nonmotor++;
    }
    double share = (double)parking / n; // p_capture 0.95; 4 sd = 0.006
    ck_assert_msg(fabs(share - 0.95) < 0.006, "smart-capture share %.4f, expected 0.95", share);
    ck_assert_int_eq(litter, 0);
    ck_assert_int_eq(nonmotor, 0);
    gops_sensing_free(&s);
}
END_TEST

START_TEST(draws_take_fixed_randoms)
{
    // Two streams seeded alike stay aligned whatever the incident type and outcome.
    gops_incident_type_t types[GOPS_ITYPE_COUNT];
    gops_incident_types_default(types);
    gops_sensing_t s = sensing_with(NULL, 0, true);
    gops_rng_t a, b;
    gops_rng_seed(&a, 9, 1);
    gops_rng_seed(&b, 9, 1);
    gops_sensing_draw(&s, &types[GOPS_ITYPE_DISPUTE], (gops_point_t){0, 0}, 0, &a);
    gops_sensing_draw(&s, &types[GOPS_ITYPE_WATER_MAIN_BURST], (gops_point_t){5, 5}, 10, &b);
    ck_assert_uint_eq(gops_rng_next(&a), gops_rng_next(&b));
    gops_sensing_free(&s);
}
END_TEST

START_TEST(drone_schedule_and_route)
{
    gops_sensing_t s;
    gops_error_t err;
    gops_sensing_params_t p = gops_sensing_params_default();
    p.drone_speed_mps = 10;
    p.drone_flight_s = 100;
    p.drone_interval_s[GOPS_MODE_NORMAL] = 0;
    p.drone_interval_s[GOPS_MODE_HOLIDAY] = 600;
    ck_assert_int_eq(gops_sensing_init(&s, &p, NULL, &err), GOPS_OK);
    gops_point_t sq[4] = {{0, 0}, {100, 0}, {100, 100}, {0, 100}};
    ck_assert_int_eq(gops_sensing_set_route(&s, sq, 4, &err), GOPS_OK);
    ck_assert_double_eq_tol(s.route_length, 400, 1e-9);
    gops_point_t d[4];
    ck_assert_uint_eq(gops_sensing_drones(&s, GOPS_MODE_NORMAL, 5, d, 4), 0);
    ck_assert_uint_eq(gops_sensing_drones(&s, GOPS_MODE_HOLIDAY, 5, d, 4), 1);
    ck_assert_double_eq_tol(d[0].x, 50, 1e-9);
    ck_assert_double_eq_tol(d[0].y, 0, 1e-9);
    ck_assert_uint_eq(gops_sensing_drones(&s, GOPS_MODE_HOLIDAY, 15, d, 4), 1);
    ck_assert_double_eq_tol(d[0].x, 100, 1e-9);
    ck_assert_double_eq_tol(d[0].y, 50, 1e-9);
    ck_assert_uint_eq(gops_sensing_drones(&s, GOPS_MODE_HOLIDAY, 150, d, 4), 0); // landed
    ck_assert_uint_eq(gops_sensing_drones(&s, GOPS_MODE_HOLIDAY, 605, d, 4), 1); // next flight
    ck_assert_double_eq_tol(d[0].x, 50, 1e-9);
    ck_assert_int_eq(gops_sensing_set_route(&s, sq, 1, &err), GOPS_BAD_VALUE);
    gops_point_t same[2] = {{1, 1}, {1, 1}};
    ck_assert_int_eq(gops_sensing_set_route(&s, same, 2, &err), GOPS_BAD_VALUE);
    ck_assert_uint_eq(gops_sensing_drones(&s, GOPS_MODE_HOLIDAY, 5, d, 4), 0);
    gops_sensing_free(&s);
}
END_TEST

START_TEST(erqi_cameras)
{
    gops_error_t err;
    gops_map_t *m = gops_map_load(gops_test_source_path("assets/maps/erqi.geojson"), &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    gops_sensing_t s;
    gops_sensing_params_t p = gops_sensing_params_default();
    ck_assert_int_eq(gops_sensing_init(&s, &p, m, &err), GOPS_OK);
    ck_assert_uint_eq(s.camera_count, 676); // 570 cameras + 106 smart capture (FACTS, derived)
    uint32_t by_type[GOPS_CAMERA_TYPE_COUNT] = {0};
    for (uint32_t i = 0; i < s.camera_count; i++) by_type[s.cameras[i].type]++;
    ck_assert_uint_eq(by_type[GOPS_CAMERA_EAGLE_EYE], 36);
    ck_assert_uint_eq(by_type[GOPS_CAMERA_SHARP_EYES], 534);
    ck_assert_uint_eq(by_type[GOPS_CAMERA_SMART_CAPTURE], 106);
    ck_assert_uint_ge(s.route_count, 3); // the default drone loop inside the boundary
    gops_sensing_free(&s);
    gops_map_destroy(m);
}
END_TEST

// A world on a plain square with one patrol team that never moves away from the centre.
START_TEST(patrol_notices_nearby)
{
    const char *json =
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"kind\":\"plaza\"},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[113.664,34.753],[113.666,34.753],[113.666,34.754],[113.664,34.754],[113.664,34.753]]]}}]}";
    gops_error_t err;
    gops_map_t *m = gops_map_load_string(json, strlen(json), "square.geojson", &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 1.0;
    gops_world_t *w = gops_world_create_with_map(&def, m, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_ops_params_t p = gops_ops_params_default();
    p.generate = false;
    p.kind_count = 1;
    memset(&p.kinds[0], 0, sizeof p.kinds[0]);
    strcpy(p.kinds[0].name, "walker");
    p.kinds[0].units = 1u << GOPS_UNIT_GRID_WORKER;
    p.kinds[0].patrols = false; // stands at the centre point
    for (int md = 0; md < GOPS_MODE_COUNT; md++) p.kinds[0].count[md] = 1;
    p.sensing.reports = false;
    gops_incident_type_t *t = &p.types[GOPS_ITYPE_HEATING_LEAK];
    t->p_patrol = 1.0; // a patrol always notices it; nothing else can
    t->p_vision = 0;
    t->p_drone = 0;
    t->p_post = 0;
    gops_ops_t *ops = gops_ops_attach(w, &p, &err);
    ck_assert_msg(ops != NULL, "%s", err.message);
    gops_point_t c = ops->centre_point;
    uint32_t near_id, far_id;
    ck_assert_int_eq(gops_ops_inject(ops, GOPS_ITYPE_HEATING_LEAK, (gops_point_t){c.x + 20, c.y}, 0,
                                     GOPS_CHANNEL_NONE, &near_id, &err),
                     GOPS_OK);
    ck_assert_int_eq(gops_ops_inject(ops, GOPS_ITYPE_HEATING_LEAK, (gops_point_t){c.x + 60, c.y}, 0,
                                     GOPS_CHANNEL_NONE, &far_id, &err),
                     GOPS_OK);
    for (int i = 0; i < 120; i++) gops_world_step(w);
    gops_incident_info_t near, far;
    ck_assert(gops_ops_incident_get(ops, near_id, &near));
    ck_assert(gops_ops_incident_get(ops, far_id, &far));
    ck_assert(near.detected);
    ck_assert_int_eq(near.channel, GOPS_CHANNEL_PATROL);
    // Sensed on the first pass after occurrence (every 5 s) plus the 60 s report delay.
    ck_assert_double_ge(near.t_detect, 60.0);
    ck_assert_double_le(near.t_detect, 66.0);
    ck_assert(!far.detected); // 60 m is beyond the 30 m patrol radius
    ck_assert_str_eq(far.open_reason, "not detected");
    gops_world_destroy(w);
}
END_TEST

START_TEST(density_warnings_open_and_merge)
{
    gops_error_t err;
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 1.0;
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_ops_params_t p = gops_ops_params_default();
    p.generate = false;
    gops_incident_type_t *crowd = &p.types[GOPS_ITYPE_CROWD_GATHERING];
    crowd->p_vision = crowd->p_report = crowd->p_patrol = crowd->p_post = crowd->p_drone = 0; // only warnings see crowds
    gops_ops_t *ops = gops_ops_attach(w, &p, &err);
    ck_assert_msg(ops != NULL, "%s", err.message);
    const gops_map_t *m = gops_world_district(w)->map;
    gops_point_t sq = m->features[gops_map_find_id(m, "special-tower-plaza")].at;
    gops_ops_report_density_warning(ops, sq, 4.2, 0);
    gops_ops_report_density_warning(ops, (gops_point_t){sq.x + 20, sq.y}, 4.6, 0); // the same crowd
    gops_ops_report_density_warning(ops, (gops_point_t){sq.x + 400, sq.y}, 5.3, 0); // another, dangerous
    ck_assert_uint_eq(gops_ops_incident_count(ops), 2);
    for (int i = 0; i < 5; i++) gops_world_step(w);
    gops_incident_info_t a, b;
    ck_assert(gops_ops_incident_get(ops, 1, &a) && gops_ops_incident_get(ops, 2, &b));
    ck_assert_int_eq(a.type, GOPS_ITYPE_CROWD_GATHERING);
    ck_assert_int_eq(a.channel, GOPS_CHANNEL_DENSITY);
    ck_assert_double_eq(a.t_detect, 0);
    ck_assert_int_eq(a.priority, GOPS_PRIO_HIGH);
    ck_assert_int_eq(b.priority, GOPS_PRIO_CRITICAL); // VALIDATION.md: dangerous above 5 /m²
    // An unseen gathering is seen the moment a warning falls on it.
    uint32_t id;
    gops_point_t far = {sq.x - 300, sq.y};
    ck_assert_int_eq(gops_ops_inject(ops, GOPS_ITYPE_CROWD_GATHERING, far, 0, GOPS_CHANNEL_NONE, &id, &err), GOPS_OK);
    for (int i = 0; i < 60; i++) gops_world_step(w);
    gops_incident_info_t c;
    ck_assert(gops_ops_incident_get(ops, id, &c));
    ck_assert(!c.detected);
    double t = gops_world_elapsed(w);
    gops_ops_report_density_warning(ops, far, 4.1, t);
    gops_world_step(w);
    ck_assert(gops_ops_incident_get(ops, id, &c));
    ck_assert(c.detected);
    ck_assert_int_eq(c.channel, GOPS_CHANNEL_DENSITY);
    ck_assert_double_eq(c.t_detect, t);
    ck_assert_uint_eq(gops_ops_incident_count(ops), 3);
    gops_world_destroy(w);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_sensing");
    TCase *tc = tcase_create("sensing");
    tcase_add_test(tc, camera_wedge_east);
    tcase_add_test(tc, camera_wedge_across_north);
    tcase_add_test(tc, camera_full_circle);
    tcase_add_test(tc, vision_probability_formula);
    tcase_add_test(tc, vision_detection_rate_and_delay);
    tcase_add_test(tc, smart_capture_only_motor_vehicles);
    tcase_add_test(tc, draws_take_fixed_randoms);
    tcase_add_test(tc, drone_schedule_and_route);
    tcase_add_test(tc, erqi_cameras);
    tcase_add_test(tc, patrol_notices_nearby);
    tcase_add_test(tc, density_warnings_open_and_merge);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
