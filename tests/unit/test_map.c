// SPDX-License-Identifier: MIT
// Map suite: projection against hand-computed and haversine distances, planar geometry on
// hand-computed shapes, the loader on a complete fixture (values and documented defaults),
// OpenStreetMap translation, one malformed file per error case, input guards (size, nesting,
// truncation) and `gridops map info` run as a program.
#include "fixture.h"
#include "core/log.h"
#include "gridops/types.h"
#include "world/geometry.h"
#include "world/map.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAPS GOPS_TEST_DATA "/data/maps/"
#define PI 3.14159265358979323846
#define R_EARTH 6371008.8

static gops_point_t P(double x, double y)
{
    return (gops_point_t){x, y};
}

/// Great-circle distance on the same sphere, written independently of projection.c.
static double haversine(double lon1, double lat1, double lon2, double lat2)
{
    double p1 = lat1 * PI / 180.0, p2 = lat2 * PI / 180.0;
    double dp = p2 - p1, dl = (lon2 - lon1) * PI / 180.0;
    double h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
    return 2.0 * R_EARTH * asin(sqrt(h));
}

static double proj_dist(double lon0, double lat0, double lon1, double lat1, double lon2, double lat2)
{
    double x1, y1, x2, y2;
    gops_project(lon0, lat0, lon1, lat1, &x1, &y1);
    gops_project(lon0, lat0, lon2, lat2, &x2, &y2);
    return hypot(x2 - x1, y2 - y1);
}

// ---- projection ------------------------------------------------------------------------

START_TEST(test_projection_origin_and_axes)
{
    double x, y;
    gops_project(113.665, 34.7536, 113.665, 34.7536, &x, &y);
    ck_assert_double_eq(x, 0.0);
    ck_assert_double_eq(y, 0.0);
    // 0.001° of latitude on the mean-radius sphere: 6371008.8 × π/180 × 0.001 = 111.195 m.
    gops_project(113.665, 34.7536, 113.665, 34.7546, &x, &y);
    ck_assert_double_eq_tol(x, 0.0, 1e-9);
    ck_assert_double_eq_tol(y, 111.19508, 1e-4);
    // 0.001° of longitude at 34.7536° N: 111.19508 × cos(34.7536°) = 91.3591 m, pointing east.
    gops_project(113.665, 34.7536, 113.666, 34.7536, &x, &y);
    ck_assert_double_eq_tol(x, 91.35911, 1e-4);
    ck_assert_double_eq_tol(y, 0.0, 1e-9);
    gops_project(113.665, 34.7536, 113.664, 34.7526, &x, &y);
    ck_assert(x < 0.0 && y < 0.0); // south-west is negative on both axes
}
END_TEST

START_TEST(test_projection_round_trip)
{
    // A 41 × 41 lattice over ±0.02° (about ±2 km): back to within 1 mm.
    const double lon0 = 113.665, lat0 = 34.7536;
    double worst = 0.0;
    for (int i = -20; i <= 20; i++) {
        for (int j = -20; j <= 20; j++) {
            double lon = lon0 + i * 0.001, lat = lat0 + j * 0.001, x, y, lon2, lat2;
            gops_project(lon0, lat0, lon, lat, &x, &y);
            gops_unproject(lon0, lat0, x, y, &lon2, &lat2);
            double err_m = hypot((lon2 - lon) * 111195.08 * cos(lat * PI / 180.0), (lat2 - lat) * 111195.08);
            if (err_m > worst) worst = err_m;
        }
    }
    ck_assert_double_lt(worst, 1e-3);
}
END_TEST

START_TEST(test_projection_against_haversine)
{
    // About 1.13 km diagonally (haversine 1131.272 m, computed separately).
    double d = proj_dist(113.665, 34.7536, 113.6600, 34.7500, 113.6700, 34.7560);
    double h = haversine(113.6600, 34.7500, 113.6700, 34.7560);
    ck_assert_double_eq_tol(h, 1131.2725, 1e-3);
    ck_assert_double_lt(fabs(d / h - 1.0), 1e-3);
    // The documented bound tan|φ0| × D / R for D = 1 km north-south: 0.011 %.
    double d2 = proj_dist(113.665, 34.7536, 113.660, 34.7626, 113.670, 34.7626);
    double h2 = haversine(113.660, 34.7626, 113.670, 34.7626);
    double bound = tan(34.7536 * PI / 180.0) * 1000.8 / R_EARTH;
    ck_assert_double_lt(fabs(d2 / h2 - 1.0), bound * 1.05);
    ck_assert_double_gt(fabs(d2 / h2 - 1.0), bound * 0.5); // the error is real, and as derived
    // Against the WGS84 ellipsoid (Vincenty: 1131.989 m) the sphere is off by ~0.06 % here;
    // FORMAT.md states up to 0.24 % at this latitude.
    ck_assert_double_lt(fabs(d / 1131.98873 - 1.0), 0.0024);
}
END_TEST

// ---- geometry ----------------------------------------------------------------------------

START_TEST(test_area_square_and_orientation)
{
    gops_point_t ccw[4] = {P(0, 0), P(10, 0), P(10, 10), P(0, 10)};
    gops_point_t cw[4] = {P(0, 0), P(0, 10), P(10, 10), P(10, 0)};
    gops_path_t a = {ccw, 4}, b = {cw, 4};
    ck_assert_double_eq_tol(gops_ring_signed_area(&a), 100.0, 1e-12);
    ck_assert_double_eq_tol(gops_ring_signed_area(&b), -100.0, 1e-12);
    gops_point_t c = gops_ring_centroid(&b);
    ck_assert_double_eq_tol(c.x, 5.0, 1e-12);
    ck_assert_double_eq_tol(c.y, 5.0, 1e-12);
    // Far from the origin the shifted shoelace keeps full precision.
    gops_point_t far[4] = {P(1e6, 1e6), P(1e6 + 0.5, 1e6), P(1e6 + 0.5, 1e6 + 0.5), P(1e6, 1e6 + 0.5)};
    gops_path_t f = {far, 4};
    ck_assert_double_eq_tol(gops_ring_signed_area(&f), 0.25, 1e-9);
    gops_path_t empty = {ccw, 2};
    ck_assert_double_eq(gops_ring_signed_area(&empty), 0.0);
}
END_TEST

START_TEST(test_area_l_shape)
{
    // 4×1 bar plus a 1×2 stem: area 6, centroid ((4·2 + 2·0.5)/6, (4·0.5 + 2·2)/6) = (1.5, 1).
    gops_point_t l[6] = {P(0, 0), P(4, 0), P(4, 1), P(1, 1), P(1, 3), P(0, 3)};
    gops_path_t ring = {l, 6};
    ck_assert_double_eq_tol(gops_ring_signed_area(&ring), 6.0, 1e-12);
    gops_point_t c = gops_ring_centroid(&ring);
    ck_assert_double_eq_tol(c.x, 1.5, 1e-12);
    ck_assert_double_eq_tol(c.y, 1.0, 1e-12);
    gops_polygon_t poly = {&ring, 1};
    ck_assert_double_eq_tol(gops_polygon_area(&poly), 6.0, 1e-12);
    ck_assert(!gops_ring_self_intersects(&ring, NULL));
}
END_TEST

START_TEST(test_area_with_hole_and_normalize)
{
    // 10×10 square, 2×2 hole at (1..3, 1..3): area 96, centroid (500 − 4·2) / 96 = 5.125.
    gops_point_t outer[4] = {P(0, 0), P(0, 10), P(10, 10), P(10, 0)}; // clockwise
    gops_point_t hole[4] = {P(1, 1), P(3, 1), P(3, 3), P(1, 3)};      // counter-clockwise
    gops_path_t rings[2] = {{outer, 4}, {hole, 4}};
    gops_polygon_t poly = {rings, 2};
    ck_assert_double_eq_tol(gops_polygon_area(&poly), 96.0, 1e-12);
    gops_point_t c = gops_polygon_centroid(&poly);
    ck_assert_double_eq_tol(c.x, 5.125, 1e-12);
    ck_assert_double_eq_tol(c.y, 5.125, 1e-12);
    gops_polygon_normalize(&poly);
    ck_assert_double_gt(gops_ring_signed_area(&rings[0]), 0.0);
    ck_assert_double_lt(gops_ring_signed_area(&rings[1]), 0.0);
    ck_assert_double_eq_tol(gops_polygon_area(&poly), 96.0, 1e-12);
    // Normalising twice changes nothing.
    gops_point_t first = rings[0].pts[1];
    gops_polygon_normalize(&poly);
    ck_assert(rings[0].pts[1].x == first.x && rings[0].pts[1].y == first.y);
}
END_TEST

START_TEST(test_point_in_polygon)
{
    gops_point_t outer[4] = {P(0, 0), P(10, 0), P(10, 10), P(0, 10)};
    gops_point_t hole[4] = {P(4, 4), P(4, 6), P(6, 6), P(6, 4)};
    gops_path_t rings[2] = {{outer, 4}, {hole, 4}};
    gops_polygon_t poly = {rings, 2};
    ck_assert_int_eq(gops_polygon_locate(&poly, P(2, 2), 0.0), GOPS_LOC_INSIDE);
    ck_assert_int_eq(gops_polygon_locate(&poly, P(5, 5), 0.0), GOPS_LOC_OUTSIDE); // in the hole
    ck_assert_int_eq(gops_polygon_locate(&poly, P(11, 5), 0.0), GOPS_LOC_OUTSIDE);
    ck_assert_int_eq(gops_polygon_locate(&poly, P(10, 5), 0.0), GOPS_LOC_BOUNDARY);
    ck_assert_int_eq(gops_polygon_locate(&poly, P(0, 0), 0.0), GOPS_LOC_BOUNDARY);
    ck_assert_int_eq(gops_polygon_locate(&poly, P(4, 5), 0.0), GOPS_LOC_BOUNDARY); // hole edge
    ck_assert_int_eq(gops_polygon_locate(&poly, P(3.95, 5), 0.1), GOPS_LOC_BOUNDARY);
    ck_assert_int_eq(gops_polygon_locate(&poly, P(3.8, 5), 0.1), GOPS_LOC_INSIDE);
    ck_assert(gops_polygon_contains(&poly, P(10, 5)));
    ck_assert(gops_polygon_contains(&poly, P(6, 5)));
    ck_assert(!gops_polygon_contains(&poly, P(5.5, 5.5)));
    // A ray through vertices: the diamond's horizontal ray at y = 0 passes (-1,0) and (1,0).
    gops_point_t dia[4] = {P(0, -1), P(1, 0), P(0, 1), P(-1, 0)};
    gops_path_t d = {dia, 4};
    ck_assert_int_eq(gops_ring_locate(&d, P(-0.5, 0), 0.0), GOPS_LOC_INSIDE);
    ck_assert_int_eq(gops_ring_locate(&d, P(-2, 0), 0.0), GOPS_LOC_OUTSIDE);
    ck_assert_int_eq(gops_ring_locate(&d, P(2, 0), 0.0), GOPS_LOC_OUTSIDE);
    ck_assert_int_eq(gops_ring_locate(&d, P(0, 1), 0.0), GOPS_LOC_BOUNDARY);
}
END_TEST

START_TEST(test_segment_relations)
{
    gops_point_t at;
    ck_assert_int_eq(gops_segment_intersect(P(0, 0), P(2, 2), P(0, 2), P(2, 0), &at), GOPS_SEG_CROSS);
    ck_assert_double_eq_tol(at.x, 1.0, 1e-12);
    ck_assert_double_eq_tol(at.y, 1.0, 1e-12);
    // T junction: an endpoint on the other segment's interior.
    ck_assert_int_eq(gops_segment_intersect(P(0, 0), P(2, 0), P(1, 0), P(1, 1), &at), GOPS_SEG_TOUCH);
    ck_assert(at.x == 1.0 && at.y == 0.0);
    // Shared endpoint.
    ck_assert_int_eq(gops_segment_intersect(P(0, 0), P(1, 0), P(1, 0), P(2, 5), &at), GOPS_SEG_TOUCH);
    // Collinear: overlapping, touching end to end, apart.
    ck_assert_int_eq(gops_segment_intersect(P(0, 0), P(2, 0), P(3, 0), P(1, 0), &at), GOPS_SEG_OVERLAP);
    ck_assert(at.x == 1.0 && at.y == 0.0);
    ck_assert_int_eq(gops_segment_intersect(P(0, 0), P(1, 0), P(1, 0), P(2, 0), &at), GOPS_SEG_TOUCH);
    ck_assert(at.x == 1.0);
    ck_assert_int_eq(gops_segment_intersect(P(0, 0), P(1, 0), P(2, 0), P(3, 0), NULL), GOPS_SEG_DISJOINT);
    ck_assert_int_eq(gops_segment_intersect(P(0, 0), P(1, 1), P(2, 2), P(3, 3), NULL), GOPS_SEG_DISJOINT);
    // Parallel, and crossing lines whose segments stop short.
    ck_assert_int_eq(gops_segment_intersect(P(0, 0), P(1, 0), P(0, 1), P(1, 1), NULL), GOPS_SEG_DISJOINT);
    ck_assert_int_eq(gops_segment_intersect(P(0, 0), P(1, 1), P(3, 0), P(2, 1), NULL), GOPS_SEG_DISJOINT);
    // Zero-length segments are points.
    ck_assert_int_eq(gops_segment_intersect(P(1, 0), P(1, 0), P(0, 0), P(2, 0), NULL), GOPS_SEG_TOUCH);
    ck_assert_int_eq(gops_segment_intersect(P(1, 1), P(1, 1), P(0, 0), P(2, 0), NULL), GOPS_SEG_DISJOINT);
    ck_assert_int_eq(gops_segment_intersect(P(1, 1), P(1, 1), P(1, 1), P(1, 1), NULL), GOPS_SEG_TOUCH);
    // Points collinear in degrees stay collinear after projection (rounding absorbed).
    double x[3], y[3];
    gops_project(113.664, 34.7531, 113.6600, 34.7500, &x[0], &y[0]);
    gops_project(113.664, 34.7531, 113.6630, 34.7530, &x[1], &y[1]);
    gops_project(113.664, 34.7531, 113.6610, 34.7510, &x[2], &y[2]);
    ck_assert_int_eq(gops_segment_intersect(P(x[0], y[0]), P(x[1], y[1]), P(x[2], y[2]), P(x[2] + 5, y[2] - 40), NULL),
                     GOPS_SEG_TOUCH);
}
END_TEST

START_TEST(test_ring_simplicity)
{
    gops_ring_defect_t d;
    gops_point_t sq[4] = {P(0, 0), P(4, 0), P(4, 4), P(0, 4)};
    gops_path_t s = {sq, 4};
    ck_assert(!gops_ring_self_intersects(&s, &d));
    gops_point_t bow[4] = {P(0, 0), P(2, 2), P(2, 0), P(0, 2)};
    gops_path_t b = {bow, 4};
    ck_assert(gops_ring_self_intersects(&b, &d));
    ck_assert_int_eq(d.relation, GOPS_SEG_CROSS);
    ck_assert_uint_eq(d.edge_a, 0);
    ck_assert_uint_eq(d.edge_b, 2);
    ck_assert_double_eq_tol(d.at.x, 1.0, 1e-12);
    ck_assert_double_eq_tol(d.at.y, 1.0, 1e-12);
    // A vertex touching a non-adjacent edge.
    gops_point_t touch[5] = {P(0, 0), P(4, 0), P(4, 4), P(2, 0), P(0, 4)};
    gops_path_t t = {touch, 5};
    ck_assert(gops_ring_self_intersects(&t, &d));
    ck_assert_int_eq(d.relation, GOPS_SEG_TOUCH);
    ck_assert(d.at.x == 2.0 && d.at.y == 0.0);
    // Figure eight through one repeated vertex.
    gops_point_t eight[6] = {P(0, 0), P(2, 0), P(1, 1), P(2, 2), P(0, 2), P(1, 1)};
    gops_path_t e = {eight, 6};
    ck_assert(gops_ring_self_intersects(&e, NULL));
    // Spikes: the ring runs out along a line and back over itself.
    gops_point_t spike[6] = {P(0, 0), P(4, 0), P(4, 4), P(6, 4), P(5, 4), P(0, 4)};
    gops_path_t sp = {spike, 6};
    ck_assert(gops_ring_self_intersects(&sp, &d));
    // The fold overlaps edge 2, and its far end touches the corner at (4, 4): either is found.
    ck_assert(d.relation == GOPS_SEG_OVERLAP || d.relation == GOPS_SEG_TOUCH);
    gops_point_t flat[3] = {P(0, 0), P(2, 0), P(1, 0)}; // all three edges adjacent
    gops_path_t fl = {flat, 3};
    ck_assert(gops_ring_self_intersects(&fl, &d));
    ck_assert_int_eq(d.relation, GOPS_SEG_OVERLAP);
    gops_point_t tri[3] = {P(0, 0), P(2, 0), P(1, 1)};
    gops_path_t tr = {tri, 3};
    ck_assert(!gops_ring_self_intersects(&tr, NULL));
    // A 500-gon is simple; with one vertex pulled across the ring it is not.
    gops_point_t circle[500];
    for (int i = 0; i < 500; i++) circle[i] = P(100 * cos(2 * PI * i / 500), 100 * sin(2 * PI * i / 500));
    gops_path_t c = {circle, 500};
    ck_assert(!gops_ring_self_intersects(&c, NULL));
    circle[250] = P(150, 0);
    ck_assert(gops_ring_self_intersects(&c, NULL));
    // Rings of one polygon must not meet: a hole crossing the outer ring.
    gops_point_t hole[4] = {P(3, 1), P(5, 1), P(5, 2), P(3, 2)};
    gops_path_t rings[2] = {{sq, 4}, {hole, 4}};
    gops_polygon_t poly = {rings, 2};
    ck_assert(gops_polygon_find_defect(&poly, &d));
    ck_assert_uint_eq(d.ring_a, 0);
    ck_assert_uint_eq(d.ring_b, 1);
    hole[1] = P(3.5, 1);
    hole[2] = P(3.5, 2);
    ck_assert(!gops_polygon_find_defect(&poly, NULL));
}
END_TEST

START_TEST(test_lengths_and_distances)
{
    gops_point_t l[3] = {P(0, 0), P(3, 4), P(3, 10)};
    gops_path_t line = {l, 3};
    ck_assert_double_eq_tol(gops_polyline_length(&line), 11.0, 1e-12);
    gops_point_t c = gops_polyline_centroid(&line);
    // Midpoints (1.5, 2) weight 5 and (3, 7) weight 6: (25.5/11, 52/11).
    ck_assert_double_eq_tol(c.x, 25.5 / 11.0, 1e-12);
    ck_assert_double_eq_tol(c.y, 52.0 / 11.0, 1e-12);
    gops_point_t q;
    ck_assert_double_eq_tol(gops_point_segment_distance(P(1, 1), P(0, 0), P(2, 0), &q), 1.0, 1e-12);
    ck_assert(q.x == 1.0 && q.y == 0.0);
    ck_assert_double_eq_tol(gops_point_segment_distance(P(5, 4), P(0, 0), P(2, 0), &q), 5.0, 1e-12);
    ck_assert(q.x == 2.0 && q.y == 0.0);
    ck_assert_double_eq_tol(gops_point_segment_distance(P(-3, -4), P(0, 0), P(2, 0), NULL), 5.0, 1e-12);
    ck_assert_double_eq_tol(gops_point_segment_distance(P(3, 4), P(0, 0), P(0, 0), NULL), 5.0, 1e-12);
    double x0, y0, x1, y1;
    ck_assert(gops_path_bounds(&line, &x0, &y0, &x1, &y1));
    ck_assert(x0 == 0 && y0 == 0 && x1 == 3 && y1 == 10);
    gops_path_reverse(&line);
    ck_assert(l[0].x == 3 && l[0].y == 10 && l[2].x == 0);
}
END_TEST

START_TEST(test_enum_names)
{
    for (int i = 0; i < GOPS_FEAT_KIND_COUNT; i++)
        ck_assert_int_eq(gops_feature_kind_from_name(gops_feature_kind_name((gops_feature_kind_t)i)), i);
    for (int i = 0; i < GOPS_CAT_COUNT; i++)
        ck_assert_int_eq(gops_category_from_name(gops_category_name((gops_category_t)i)), i);
    for (int i = 0; i < GOPS_UNIT_COUNT; i++)
        ck_assert_int_eq(gops_unit_type_from_name(gops_unit_type_name((gops_unit_type_t)i)), i);
    for (int i = 0; i < GOPS_CAMERA_TYPE_COUNT; i++)
        ck_assert_int_eq(gops_camera_type_from_name(gops_camera_type_name((gops_camera_type_t)i)), i);
    ck_assert_str_eq(gops_feature_kind_name(GOPS_FEAT_PEDESTRIAN_STREET), "pedestrian_street");
    ck_assert_str_eq(gops_category_name(GOPS_CAT_TRAFFIC_ACCIDENT), "traffic_accident");
    ck_assert_str_eq(gops_unit_type_name(GOPS_UNIT_MARKET_REGULATION), "market_regulation");
    ck_assert_str_eq(gops_road_class_name(GOPS_ROAD_SERVICE), "service");
    ck_assert_str_eq(gops_junction_control_name(GOPS_JUNCTION_SIGNAL), "signal");
    ck_assert_str_eq(gops_building_category_name(GOPS_BUILDING_MALL), "mall");
    ck_assert_str_eq(gops_transit_mode_name(GOPS_TRANSIT_RAIL_STATION), "rail_station");
    ck_assert_str_eq(gops_zone_level_name(GOPS_ZONE_GRID), "grid");
    ck_assert_int_eq(gops_zone_level_from_name("subdistrict"), GOPS_ZONE_SUBDISTRICT);
    ck_assert_int_eq(gops_transit_mode_from_name("garage"), GOPS_TRANSIT_GARAGE);
    ck_assert_int_eq(gops_category_from_name("noise"), -1);
    ck_assert_int_eq(gops_unit_type_from_name(NULL), -1);
    ck_assert_int_eq(gops_road_class_from_name("Arterial"), -1); // names are case-sensitive
    ck_assert_str_eq(gops_category_name((gops_category_t)GOPS_CAT_COUNT), "?");
}
END_TEST

// ---- the loader on a complete fixture -----------------------------------------------------

static gops_map_t *load_ok(const char *file)
{
    gops_error_t err;
    gops_map_t *m = gops_map_load(file, &err);
    ck_assert_msg(m != NULL, "loading %s failed: %s", file, err.message);
    ck_assert_int_eq(err.status, GOPS_OK);
    return m;
}

static const gops_feature_t *by_id(const gops_map_t *m, const char *id)
{
    int32_t i = gops_map_find_id(m, id);
    ck_assert_msg(i >= 0, "no feature with id %s", id);
    return &m->features[i];
}

/// Area (m²) of an axis-aligned lon/lat rectangle projected about the map's origin.
static double rect_area(const gops_map_t *m, double lon0, double lat0, double lon1, double lat1)
{
    double x0, y0, x1, y1;
    gops_project(m->origin_lon, m->origin_lat, lon0, lat0, &x0, &y0);
    gops_project(m->origin_lon, m->origin_lat, lon1, lat1, &x1, &y1);
    return fabs((x1 - x0) * (y1 - y0));
}

START_TEST(test_load_small_map)
{
    gops_map_t *m = load_ok(MAPS "small_valid.geojson");
    ck_assert_uint_eq(m->feature_count, 30);
    ck_assert_uint_eq(m->warning_count, 0);
    ck_assert_uint_eq(m->skipped_count, 0);
    for (uint32_t i = 0; i < m->feature_count; i++) ck_assert_uint_eq(m->features[i].index, i);
    // Origin: the mean of all coordinates lies inside the boundary; bounds are the boundary's.
    ck_assert(m->origin_lon > 113.660 && m->origin_lon < 113.670);
    ck_assert(m->origin_lat > 34.750 && m->origin_lat < 34.757);
    ck_assert_double_eq_tol(m->max_x - m->min_x, 913.59, 0.1); // 0.01° of longitude
    ck_assert_double_eq_tol(m->max_y - m->min_y, 778.37, 0.05); // 0.007° of latitude

    const gops_feature_t *bnd = by_id(m, "bnd");
    ck_assert_int_eq(bnd->kind, GOPS_FEAT_BOUNDARY);
    ck_assert_str_eq(bnd->name, "测试商圈");
    ck_assert_str_eq(bnd->name_en, "Test district");
    ck_assert_uint_eq(bnd->shape.rings[0].count, 4); // closing position dropped
    ck_assert_double_eq_tol(gops_polygon_area(&bnd->shape), 711108.0, 711108.0 * 1e-4);

    // Roads and their defaults.
    const gops_road_t *r1 = &by_id(m, "r1")->u.road;
    ck_assert_int_eq(r1->road_class, GOPS_ROAD_ARTERIAL);
    ck_assert_int_eq(r1->lanes, 2);
    ck_assert(!r1->oneway);
    ck_assert_double_eq(r1->width_m, 14.0);
    ck_assert_double_eq(r1->speed_kmh, 50.0);
    ck_assert_double_eq(r1->sidewalk_left_m, 3.0);
    ck_assert_double_eq(r1->sidewalk_right_m, 3.0);
    ck_assert_double_eq(r1->nonmotor_m, 0.0);
    ck_assert(!r1->bus_lane && !r1->roundabout);
    ck_assert_uint_eq(r1->line.count, 3);
    ck_assert_double_eq_tol(gops_polyline_length(&r1->line), 913.59, 0.1);
    const gops_road_t *r2 = &by_id(m, "r2")->u.road;
    ck_assert(r2->oneway);
    ck_assert_int_eq(r2->lanes, 1);
    ck_assert_double_eq(r2->width_m, 3.5);
    ck_assert_double_eq(r2->speed_kmh, 30.0);
    ck_assert_double_eq(r2->sidewalk_left_m, 2.0);
    const gops_feature_t *f3 = by_id(m, "r3");
    ck_assert(f3->approximate);
    ck_assert(f3->u.road.roundabout && f3->u.road.oneway); // one-way by default on a roundabout
    ck_assert_int_eq(f3->u.road.road_class, GOPS_ROAD_SECONDARY);
    ck_assert_double_eq(f3->u.road.speed_kmh, 40.0);
    ck_assert_double_eq(f3->u.road.width_m, 3.5);
    ck_assert_uint_eq(f3->u.road.line.count, 5); // a closed LineString keeps both ends
    const gops_road_t *r4 = &by_id(m, "r4")->u.road;
    ck_assert_int_eq(r4->road_class, GOPS_ROAD_SERVICE);
    ck_assert_double_eq(r4->sidewalk_left_m, 4.0);
    ck_assert_double_eq(r4->sidewalk_right_m, 1.0);
    ck_assert_double_eq(r4->width_m, 5.0);
    ck_assert_double_eq(r4->speed_kmh, 20.0);
    ck_assert_double_eq(r4->nonmotor_m, 1.5);
    ck_assert(r4->bus_lane);
    ck_assert_int_eq(by_id(m, "j1")->u.junction.control, GOPS_JUNCTION_SIGNAL);

    // The walkway was given clockwise with a counter-clockwise hole: normalised, area 0.84 of
    // a 0.001° square.
    const gops_feature_t *w1 = by_id(m, "w1");
    ck_assert_uint_eq(w1->shape.ring_count, 2);
    ck_assert_double_gt(gops_ring_signed_area(&w1->shape.rings[0]), 0.0);
    ck_assert_double_lt(gops_ring_signed_area(&w1->shape.rings[1]), 0.0);
    double sq = rect_area(m, 113.6610, 34.7510, 113.6620, 34.7520);
    ck_assert_double_eq_tol(sq, 10158.7, 2.0);
    ck_assert_double_eq_tol(gops_polygon_area(&w1->shape), 0.84 * sq, 1e-6 * sq);
    double cx, cy;
    gops_project(m->origin_lon, m->origin_lat, 113.6615, 34.7515, &cx, &cy);
    ck_assert_double_eq_tol(w1->at.x, cx, 1e-6);
    ck_assert_double_eq_tol(w1->at.y, cy, 1e-6);

    // Buildings: floor area = footprint × floors, capacity by category.
    const gops_building_t *b1 = &by_id(m, "b1")->u.building;
    ck_assert_int_eq(b1->category, GOPS_BUILDING_MALL);
    ck_assert_int_eq(b1->floors, 1);
    double fp1 = rect_area(m, 113.6660, 34.7540, 113.6670, 34.7550);
    ck_assert_double_eq_tol(b1->floor_area_m2, fp1, 1e-6 * fp1);
    ck_assert_double_eq_tol(b1->capacity, fp1 / 3.0, 1e-6 * fp1);
    ck_assert_double_eq_tol(b1->attractiveness, fp1, 1e-6 * fp1);
    ck_assert_str_eq(by_id(m, "b1")->name_en, "David City");
    const gops_building_t *b2 = &by_id(m, "b2")->u.building;
    double fp2 = rect_area(m, 113.6610, 34.7540, 113.6615, 34.7545);
    ck_assert_int_eq(b2->floors, 4);
    ck_assert_double_eq_tol(b2->floor_area_m2, 4.0 * fp2, 1e-6 * fp2);
    ck_assert_double_eq(b2->capacity, 500.0);
    const gops_building_t *b3 = &by_id(m, "b3")->u.building;
    ck_assert_int_eq(b3->category, GOPS_BUILDING_OTHER);
    ck_assert_double_eq_tol(b3->capacity, b3->floor_area_m2 / 10.0, 1e-9);

    // Entrances resolve to the building's feature index.
    const gops_feature_t *e1 = by_id(m, "e1");
    ck_assert_int_eq(e1->u.entrance.building, gops_map_find_id(m, "b1"));
    ck_assert_double_eq(e1->u.entrance.width_m, 3.0);
    ck_assert_int_eq(m->features[13].kind, GOPS_FEAT_ENTRANCE);
    ck_assert_ptr_null(m->features[13].id);
    ck_assert_int_eq(m->features[13].u.entrance.building, gops_map_find_id(m, "b2"));
    ck_assert_double_eq(m->features[13].u.entrance.width_m, 6.0);

    ck_assert_int_eq(by_id(m, "t1")->u.transit.mode, GOPS_TRANSIT_METRO_EXIT);
    ck_assert_double_eq(by_id(m, "t1")->u.transit.capacity, 0.0);
    ck_assert_double_eq(by_id(m, "t2")->u.transit.capacity, 200.0);
    ck_assert_str_eq(by_id(m, "t3")->u.transit.line, "K1");
    ck_assert_ptr_null(by_id(m, "t1")->u.transit.line);

    // Zones: the GeoJSON feature id serves when there is no id property; parents resolve;
    // "*" fills every category not listed.
    const gops_zone_t *d1 = &by_id(m, "d1")->u.zone;
    ck_assert_int_eq(d1->level, GOPS_ZONE_DISTRICT);
    ck_assert_int_eq(d1->parent, -1);
    ck_assert_uint_eq(d1->part_count, 1);
    ck_assert_uint_eq(d1->responsible[GOPS_CAT_CROWD], (1u << GOPS_UNIT_POLICE) | (1u << GOPS_UNIT_VOLUNTEER));
    ck_assert_uint_eq(d1->responsible[GOPS_CAT_VENDING], 1u << GOPS_UNIT_CITY_MANAGEMENT);
    ck_assert_uint_eq(d1->responsible[GOPS_CAT_DISPUTE], 1u << GOPS_UNIT_CITY_MANAGEMENT);
    const gops_zone_t *s1 = &by_id(m, "s1")->u.zone;
    ck_assert_int_eq(s1->parent, gops_map_find_id(m, "d1"));
    for (int c = 0; c < GOPS_CAT_COUNT; c++) ck_assert_uint_eq(s1->responsible[c], 0);
    const gops_feature_t *g1 = by_id(m, "g1");
    ck_assert_int_eq(g1->u.zone.level, GOPS_ZONE_GRID);
    ck_assert_int_eq(g1->u.zone.parent, gops_map_find_id(m, "s1"));
    ck_assert_uint_eq(g1->u.zone.part_count, 2);
    ck_assert_uint_eq(g1->u.zone.responsible[GOPS_CAT_VENDING],
                      (1u << GOPS_UNIT_MARKET_REGULATION) | (1u << GOPS_UNIT_CITY_MANAGEMENT));
    ck_assert_uint_eq(g1->u.zone.responsible[GOPS_CAT_WATERLOGGING], 0);
    ck_assert_uint_eq(g1->u.zone.responsible[GOPS_CAT_CROWD], 0);
    gops_project(m->origin_lon, m->origin_lat, 113.6625, 34.751, &cx, &cy); // two equal parts
    ck_assert_double_eq_tol(g1->at.x, cx, 1e-6);
    ck_assert_double_eq_tol(g1->at.y, cy, 1e-6);
    ck_assert_int_eq(by_id(m, "sp1")->u.zone.level, GOPS_ZONE_SPECIAL);

    // Vendor points, posts, cameras, PA.
    const gops_feature_t *v1 = by_id(m, "v1");
    ck_assert_int_eq(v1->u.vendor_point.stalls, 20);
    ck_assert_int_eq(v1->u.vendor_point.open_s, 17 * 3600);
    ck_assert_int_eq(v1->u.vendor_point.close_s, 23 * 3600);
    const gops_feature_t *v2 = by_id(m, "v2");
    ck_assert_int_eq(v2->u.vendor_point.open_s, 18 * 3600 + 30 * 60);
    ck_assert_int_eq(v2->u.vendor_point.close_s, 3600); // past midnight
    ck_assert_uint_eq(v2->shape.ring_count, 1);
    const gops_feature_t *p1 = by_id(m, "p1");
    ck_assert_uint_eq(p1->u.post.modes,
                      (1u << GOPS_MODE_HOLIDAY) | (1u << GOPS_MODE_MAJOR_EVENT) | (1u << GOPS_MODE_EMERGENCY));
    ck_assert_int_eq(p1->u.post.unit, GOPS_UNIT_GRID_WORKER);
    ck_assert_int_eq(p1->u.post.staff, 2);
    const gops_feature_t *p2 = by_id(m, "p2");
    ck_assert_uint_eq(p2->u.post.modes, (1u << GOPS_MODE_NORMAL) | (1u << GOPS_MODE_EMERGENCY));
    ck_assert_int_eq(p2->u.post.unit, GOPS_UNIT_POLICE);
    ck_assert_int_eq(p2->u.post.staff, 4);
    const gops_feature_t *c1 = by_id(m, "c1"), *c2 = by_id(m, "c2"), *c3 = by_id(m, "c3");
    ck_assert_double_eq(c1->u.camera.fov_deg, 360.0);
    ck_assert_double_eq(c1->u.camera.range_m, 150.0);
    ck_assert_double_eq(c1->u.camera.heading_deg, 0.0);
    ck_assert_int_eq(c2->u.camera.type, GOPS_CAMERA_SMART_CAPTURE);
    ck_assert_double_eq(c2->u.camera.heading_deg, 90.0);
    ck_assert_double_eq(c2->u.camera.fov_deg, 90.0);
    ck_assert_double_eq(c2->u.camera.range_m, 40.0);
    ck_assert_double_eq(c3->u.camera.heading_deg, 0.0); // 360 is north
    ck_assert_double_eq(c3->u.camera.fov_deg, 60.0);
    ck_assert_double_eq(c3->u.camera.range_m, 80.0);
    ck_assert_double_eq(by_id(m, "pa1")->u.pa.range_m, 80.0);
    const gops_feature_t *tower = by_id(m, "tower");
    ck_assert_int_eq(tower->kind, GOPS_FEAT_LANDMARK);
    ck_assert_str_eq(tower->name, "二七纪念塔");
    gops_project(m->origin_lon, m->origin_lat, 113.665, 34.753, &cx, &cy);
    ck_assert_double_eq_tol(tower->at.x, cx, 1e-9);
    ck_assert_double_eq_tol(tower->at.y, cy, 1e-9);
    ck_assert_int_eq(gops_map_find_id(m, "nope"), -1);
    gops_map_destroy(m);
}
END_TEST

typedef struct captured {
    int warnings;
    char first[1024];
} captured_t;

static void capture_hook(gops_log_level_t level, const char *message, void *user)
{
    captured_t *c = user;
    if (level != GOPS_LOG_WARN) return;
    if (c->warnings++ == 0) snprintf(c->first, sizeof c->first, "%s", message);
}

START_TEST(test_repeated_nodes_warn_and_drop)
{
    captured_t cap = {0};
    gops_log_set_hook(capture_hook, &cap);
    gops_map_t *m = load_ok(MAPS "warn_repeated_nodes.geojson");
    gops_log_set_hook(NULL, NULL);
    ck_assert_int_eq(cap.warnings, 3);
    ck_assert_uint_eq(m->warning_count, 3);
    ck_assert_msg(strstr(cap.first, "feature 0 (id \"r1\")") && strstr(cap.first, "repeats the previous position"),
                  "warning was: %s", cap.first);
    ck_assert_uint_eq(by_id(m, "r1")->u.road.line.count, 3);
    ck_assert_uint_eq(by_id(m, "pl1")->shape.rings[0].count, 4);
    ck_assert(!gops_ring_self_intersects(&by_id(m, "pl1")->shape.rings[0], NULL));
    gops_map_destroy(m);
}
END_TEST

// ---- OpenStreetMap translation ------------------------------------------------------------

START_TEST(test_osm_mapping)
{
    captured_t cap = {0};
    gops_log_set_hook(capture_hook, &cap);
    gops_map_t *m = load_ok(MAPS "osm_tags.geojson");
    gops_log_set_hook(NULL, NULL);
    ck_assert_uint_eq(m->skipped_count, 3); // tree, canal, motorway
    ck_assert_int_eq(cap.warnings, 2);      // maxspeed=walk; the zig-zag footpath
    ck_assert_uint_eq(m->warning_count, 2);
    ck_assert_msg(strstr(cap.first, "maxspeed=walk"), "first warning: %s", cap.first);

    const gops_feature_t *f = by_id(m, "way/1001");
    ck_assert_int_eq(f->kind, GOPS_FEAT_ROAD);
    ck_assert_int_eq(f->u.road.road_class, GOPS_ROAD_ARTERIAL);
    ck_assert_int_eq(f->u.road.lanes, 2); // lanes=4 both ways → 2 per direction
    ck_assert(!f->u.road.oneway);
    ck_assert_double_eq(f->u.road.speed_kmh, 60.0);
    ck_assert_double_eq(f->u.road.width_m, 14.0);
    ck_assert_double_eq(f->u.road.sidewalk_left_m, 3.0);
    ck_assert_str_eq(f->name, "人民路");
    ck_assert_str_eq(f->name_en, "Renmin Road");

    f = by_id(m, "way/1002"); // tags nested under properties.tags
    ck_assert_int_eq(f->u.road.road_class, GOPS_ROAD_SECONDARY);
    ck_assert(f->u.road.oneway);
    ck_assert_int_eq(f->u.road.lanes, 3);
    ck_assert_double_eq(f->u.road.width_m, 10.5);
    ck_assert_str_eq(f->name, "二七路");

    f = by_id(m, "way/1003"); // oneway=-1: reversed so traffic runs along the line
    ck_assert_int_eq(f->u.road.road_class, GOPS_ROAD_LOCAL);
    ck_assert(f->u.road.oneway);
    ck_assert_double_gt(f->u.road.line.pts[0].x, f->u.road.line.pts[1].x);
    ck_assert_double_eq_tol(f->u.road.speed_kmh, 48.28032, 1e-9);
    ck_assert_double_eq(f->u.road.sidewalk_left_m, 2.0);
    ck_assert_double_eq(f->u.road.sidewalk_right_m, 0.0);

    f = by_id(m, "way/1004");
    ck_assert_int_eq(f->u.road.road_class, GOPS_ROAD_SERVICE);
    ck_assert_double_eq(f->u.road.speed_kmh, 30.0); // maxspeed=walk ignored
    ck_assert_double_eq(f->u.road.sidewalk_left_m + f->u.road.sidewalk_right_m, 0.0);

    f = by_id(m, "way/1005");
    ck_assert(f->u.road.roundabout && f->u.road.oneway);
    ck_assert_int_eq(f->u.road.road_class, GOPS_ROAD_SECONDARY);

    // A straight footway 4 m wide with square ends: 4 × (length + 4) m².
    f = by_id(m, "way/1006");
    ck_assert_int_eq(f->kind, GOPS_FEAT_WALKWAY);
    double len, x0, y0, x1, y1;
    gops_project(m->origin_lon, m->origin_lat, 113.6630, 34.7510, &x0, &y0);
    gops_project(m->origin_lon, m->origin_lat, 113.6640, 34.7510, &x1, &y1);
    len = hypot(x1 - x0, y1 - y0);
    ck_assert_double_eq_tol(gops_polygon_area(&f->shape), 4.0 * (len + 4.0), 0.01);

    ck_assert_int_eq(by_id(m, "way/1007")->kind, GOPS_FEAT_PEDESTRIAN_STREET);
    ck_assert_str_eq(by_id(m, "way/1007")->name, "德化街");

    f = by_id(m, "way/1008");
    ck_assert_int_eq(f->kind, GOPS_FEAT_BUILDING);
    ck_assert_int_eq(f->u.building.category, GOPS_BUILDING_MALL);
    ck_assert_int_eq(f->u.building.floors, 5);
    double fp = rect_area(m, 113.6660, 34.7540, 113.6670, 34.7550);
    ck_assert_double_eq_tol(f->u.building.floor_area_m2, 5.0 * fp, 1e-6 * fp);
    ck_assert_int_eq(by_id(m, "way/1009")->u.building.category, GOPS_BUILDING_RESIDENTIAL);
    ck_assert_int_eq(by_id(m, "way/1010")->u.building.category, GOPS_BUILDING_OTHER);
    ck_assert_int_eq(by_id(m, "way/1014")->u.building.category, GOPS_BUILDING_TRANSIT);

    f = by_id(m, "node/2001");
    ck_assert_int_eq(f->kind, GOPS_FEAT_TRANSIT);
    ck_assert_int_eq(f->u.transit.mode, GOPS_TRANSIT_BUS_STOP);
    ck_assert_str_eq(f->u.transit.line, "K1;B2");
    ck_assert_int_eq(by_id(m, "node/2002")->u.transit.mode, GOPS_TRANSIT_METRO_EXIT);
    ck_assert_int_eq(by_id(m, "node/2003")->u.transit.mode, GOPS_TRANSIT_GARAGE);
    ck_assert_double_eq(by_id(m, "node/2003")->u.transit.capacity, 120.0);

    // ogr2ogr: osm_id column, tags in the other_tags hstore text.
    f = by_id(m, "osm/1013");
    ck_assert_int_eq(f->u.road.road_class, GOPS_ROAD_ARTERIAL);
    ck_assert(f->u.road.oneway);
    ck_assert_int_eq(f->u.road.lanes, 6);
    ck_assert_str_eq(f->name, "解放路");
    ck_assert_str_eq(f->name_en, "Jiefang Road");

    // The sharply bent footway became one rectangle per segment.
    ck_assert_int_eq(by_id(m, "way/1015")->kind, GOPS_FEAT_WALKWAY);
    ck_assert_int_eq(by_id(m, "way/1015#2")->kind, GOPS_FEAT_WALKWAY);
    ck_assert_uint_eq(by_id(m, "way/1015#2")->index, 18);
    ck_assert_uint_eq(by_id(m, "way/1015")->shape.rings[0].count, 4);

    int kinds[GOPS_FEAT_KIND_COUNT] = {0};
    for (uint32_t i = 0; i < m->feature_count; i++) kinds[m->features[i].kind]++;
    ck_assert_int_eq(kinds[GOPS_FEAT_ROAD], 6);
    ck_assert_int_eq(kinds[GOPS_FEAT_BUILDING], 4);
    ck_assert_int_eq(kinds[GOPS_FEAT_TRANSIT], 3);
    ck_assert_int_eq(kinds[GOPS_FEAT_WALKWAY], 3);
    ck_assert_int_eq(kinds[GOPS_FEAT_PEDESTRIAN_STREET], 1);
    ck_assert_uint_eq(m->feature_count, 17);
    gops_map_destroy(m);
}
END_TEST

// ---- malformed input: one file per error ----------------------------------------------------

typedef struct bad_case {
    const char *file;
    const char *expect[4]; ///< substrings the message must contain
} bad_case_t;

static const bad_case_t bad_cases[] = {
    {"bad_not_json", {"bad_not_json.geojson:4:122:", "not valid JSON"}},
    {"bad_trailing_text", {"bad_trailing_text.geojson:7:1:", "after the end of the JSON value"}},
    {"bad_empty", {"bad_empty.geojson", "empty"}},
    {"bad_not_feature_collection", {"expected \"type\": \"FeatureCollection\"", "found \"Feature\""}},
    {"bad_no_features", {"no features"}},
    {"bad_crs", {"coordinate reference system", "EPSG::3857", "WGS84"}},
    {"bad_missing_kind", {"feature 1 (id \"x1\", 无类型)", "missing \"kind\"", "boundary, road"}},
    {"bad_unknown_kind", {"feature 1 (id \"s1\")", "unknown kind \"shop\"", "pa_speaker or landmark"}},
    {"bad_kind_type", {"feature 1", "kind must be a string", "found 3"}},
    {"bad_wrong_geometry", {"bad_wrong_geometry.geojson: feature 1 (id \"b07\", 大卫城): building needs a Polygon, found LineString"}},
    {"bad_unclosed_ring", {"feature 1 (id \"b1\")", "ring 0 is not closed", "113.6611000"}},
    {"bad_short_ring", {"feature 1 (id \"pl1\")", "3 positions", "at least 4"}},
    {"bad_self_intersecting", {"feature 1 (id \"w1\", 蝴蝶)", "intersects itself", "cross at (113.6615000, 34.7515000)"}},
    {"bad_hole_outside", {"feature 1 (id \"w1\")", "hole 1 lies outside the outer ring"}},
    {"bad_coord_not_number", {"feature 1 (id \"p1\")", "longitude must be a number", "found \"113.665\""}},
    {"bad_coord_nonfinite", {"feature 1 (id \"r1\")", "position 1", "not a finite number"}},
    {"bad_coord_range", {"feature 1 (id \"r1\")", "longitude 200 is outside [-180, 180]"}},
    {"bad_lat_swapped", {"feature 1 (id \"c1\")", "latitude 113.665 is outside [-90, 90]", "swapped"}},
    {"bad_zero_length_line", {"feature 1 (id \"r1\")", "zero length"}},
    {"bad_duplicate_id", {"feature 2 (id \"p1\")", "duplicate id \"p1\"", "feature 1 already uses it"}},
    {"bad_id_type", {"feature 1", "id must be a non-empty string", "found 7"}},
    {"bad_second_boundary", {"feature 1 (id \"bnd2\")", "second boundary", "feature 0"}},
    {"bad_entrance_building", {"feature 1 (id \"e1\")", "building \"b99\"", "not in the map"}},
    {"bad_lanes", {"feature 1 (id \"r1\")", "lanes must be a whole number from 1 to 16", "found 2.5"}},
    {"bad_oneway_type", {"feature 1 (id \"r1\")", "oneway must be true or false", "found \"yes\""}},
    {"bad_category", {"feature 1 (id \"b1\")", "unknown category \"shop\"", "mall, office, residential, transit or other"}},
    {"bad_transit_mode", {"feature 1 (id \"t1\")", "unknown mode \"tram\"", "metro_exit"}},
    {"bad_zone_level", {"feature 1 (id \"z1\")", "unknown level \"city\"", "district, subdistrict, grid or special"}},
    {"bad_responsible_unit", {"feature 1 (id \"z1\")", "responsible[\"crowd\"]", "unknown unit type \"army\""}},
    {"bad_responsible_category", {"feature 1 (id \"z1\")", "unknown incident category \"noise\"", "traffic_accident"}},
    {"bad_zone_parent_cycle", {"feature 1 (id \"z1\")", "cycle"}},
    {"bad_hours", {"feature 1 (id \"v1\")", "hours must be \"HH:MM-HH:MM\"", "found \"5pm-11pm\""}},
    {"bad_stalls_missing", {"feature 1 (id \"v1\")", "needs \"stalls\""}},
    {"bad_post_mode", {"feature 1 (id \"p1\")", "unknown mode \"party\"", "major_event"}},
    {"bad_post_unit", {"feature 1 (id \"p1\")", "unknown unit \"army\"", "grid_worker"}},
    {"bad_camera_type_missing", {"feature 1 (id \"c1\")", "needs \"camera_type\"", "eagle_eye"}},
    {"bad_extent", {"spans 91.8 km", "at most 50 km"}},
};

START_TEST(test_malformed_files)
{
    const bad_case_t *c = &bad_cases[_i];
    char path[512];
    snprintf(path, sizeof path, MAPS "%s.geojson", c->file);
    gops_log_set_hook(capture_hook, &(captured_t){0}); // keep expected warnings quiet
    gops_error_t err;
    gops_map_t *m = gops_map_load(path, &err);
    gops_log_set_hook(NULL, NULL);
    ck_assert_msg(m == NULL, "%s loaded but should not", c->file);
    ck_assert_int_eq(err.status, GOPS_MAP);
    ck_assert_msg(strstr(err.message, c->file) != NULL, "%s: message does not name the file: %s", c->file, err.message);
    for (int k = 0; k < 4 && c->expect[k]; k++)
        ck_assert_msg(strstr(err.message, c->expect[k]) != NULL, "%s: expected \"%s\" in: %s", c->file,
                      c->expect[k], err.message);
}
END_TEST

static gops_error_t load_text(const char *text)
{
    gops_error_t err;
    gops_map_t *m = gops_map_load_string(text, strlen(text), "inline.geojson", &err);
    gops_map_destroy(m);
    if (m) ck_assert_int_eq(err.status, GOPS_OK);
    return err;
}

START_TEST(test_more_property_errors)
{
    static const char head[] = "{\"type\":\"FeatureCollection\",\"features\":[";
    static const struct {
        const char *feature;
        const char *expect;
    } cases[] = {
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"road\",\"lanes\":0},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[113.66,34.75],[113.661,34.75]]}}",
         "lanes must be a whole number from 1 to 16, found 0"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"road\",\"roundabout\":true,\"oneway\":false},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[113.66,34.75],[113.661,34.75]]}}",
         "roundabout road must be one-way"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"road\",\"class\":\"highway\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[113.66,34.75],[113.661,34.75]]}}",
         "unknown class \"highway\" (expected arterial, secondary, local or service)"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"road\",\"speed_kmh\":-5},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[113.66,34.75],[113.661,34.75]]}}",
         "speed_kmh must be a number greater than 0"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"building\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[113.66,34.75],[113.661,34.75],[113.661,34.751],[113.66,34.75]]]}}",
         "building needs an \"id\""},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"vendor_point\",\"stalls\":0},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.66,34.75]}}",
         "stalls must be a whole number from 1 to 10000, found 0"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"vendor_point\",\"stalls\":3,\"hours\":\"17:00-17:00\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.66,34.75]}}",
         "open and close at the same time"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"vendor_point\",\"stalls\":3,\"hours\":\"17:00-24:30\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.66,34.75]}}",
         "hours must be"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"camera\",\"camera_type\":\"eagle_eye\",\"fov_deg\":0},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.66,34.75]}}",
         "fov_deg must be a number greater than 0 and at most 360"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"post\",\"modes\":[]},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.66,34.75]}}",
         "modes must be a non-empty array"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"post\",\"name\":5},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.66,34.75]}}",
         "name must be a string, found 5"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"post\",\"approx\":\"yes\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.66,34.75]}}",
         "approx must be true or false"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"post\",\"name\":\"\xff\xfe\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.66,34.75]}}",
         "name is not valid UTF-8"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"post\"},\"geometry\":null}", "post needs a Point, found no geometry"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"post\"},\"geometry\":{\"type\":\"Point\"}}", "has no \"coordinates\""},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"post\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.66]}}",
         "a position must be [longitude, latitude]"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"zone\",\"id\":\"z\",\"level\":\"grid\",\"parent\":\"z\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[113.66,34.75],[113.661,34.75],[113.661,34.751],[113.66,34.75]]]}}",
         "cannot be its own parent"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"zone\",\"id\":\"z\",\"level\":\"grid\",\"responsible\":{\"crowd\":[\"police\"],\"crowd\":[\"police\"]}},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[113.66,34.75],[113.661,34.75],[113.661,34.751],[113.66,34.75]]]}}",
         "lists \"crowd\" twice"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"plaza\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[113.66,34.75],[113.661,34.75],[113.662,34.75],[113.66,34.75]]]}}",
         "intersects itself"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"plaza\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[]}}", "the Polygon has no rings"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"landmark\"},\"geometry\":{\"type\":\"GeometryCollection\",\"geometries\":[]}}",
         "landmark needs a Point or Polygon, found GeometryCollection"},
        {"[1,2]", "expected a GeoJSON Feature object, found an array"},
        {"{\"type\":\"Feature\",\"properties\":{\"kind\":\"entrance\",\"building\":\"r\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.66,34.75]}},"
         "{\"type\":\"Feature\",\"properties\":{\"kind\":\"road\",\"id\":\"r\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[113.66,34.75],[113.661,34.75]]}}",
         "which is a road (feature 1); expected a building"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2048];
        snprintf(text, sizeof text, "%s%s]}", head, cases[i].feature);
        gops_error_t err = load_text(text);
        ck_assert_msg(err.status == GOPS_MAP, "case %zu loaded: %s", i, cases[i].feature);
        ck_assert_msg(strstr(err.message, "inline.geojson: feature 0") != NULL, "case %zu: %s", i, err.message);
        ck_assert_msg(strstr(err.message, cases[i].expect) != NULL, "case %zu: expected \"%s\" in: %s", i,
                      cases[i].expect, err.message);
    }
}
END_TEST

START_TEST(test_hours_all_day)
{
    static const char text[] =
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"kind\":"
        "\"vendor_point\",\"stalls\":97,\"hours\":\"00:00-24:00\"},\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[113.665,34.7536]}}]}";
    gops_error_t err;
    gops_map_t *m = gops_map_load_string(text, strlen(text), "inline.geojson", &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    ck_assert_int_eq(m->features[0].u.vendor_point.open_s, 0);
    ck_assert_int_eq(m->features[0].u.vendor_point.close_s, 86400);
    ck_assert_int_eq(m->features[0].u.vendor_point.stalls, 97);
    // A single point: it is the origin, and the bounds collapse onto it.
    ck_assert_double_eq(m->origin_lon, 113.665);
    ck_assert_double_eq(m->origin_lat, 34.7536);
    ck_assert_double_eq(m->features[0].at.x, 0.0);
    ck_assert_double_eq(m->max_x - m->min_x, 0.0);
    gops_map_destroy(m);
}
END_TEST

START_TEST(test_guards)
{
    gops_error_t err;
    // Unreadable files are I/O errors, not map errors.
    ck_assert_ptr_null(gops_map_load(MAPS "no_such_map.geojson", &err));
    ck_assert_int_eq(err.status, GOPS_IO);
    ck_assert(strstr(err.message, "no_such_map.geojson") != NULL);
    ck_assert_ptr_null(gops_map_load(MAPS, &err));
    ck_assert_int_eq(err.status, GOPS_IO);
    ck_assert_int_eq(load_text("   \n\t ").status, GOPS_MAP);
    err = load_text("{\"type\":\"FeatureCollection\",\"features\":[");
    ck_assert_int_eq(err.status, GOPS_MAP);
    ck_assert_msg(strstr(err.message, "inline.geojson:1:") && strstr(err.message, "the text ends with 2 brackets still open"),
                  "%s", err.message);
    err = load_text("{\"type\":\"FeatureCollection\",\"features\":[], \"name\": \"unterminated");
    ck_assert_msg(strstr(err.message, "the text ends inside a string"), "%s", err.message);
    err = load_text("{\"type\":\"FeatureCollection\",\n \"features\": [ {\"a\": tru } ]}");
    ck_assert_msg(strstr(err.message, "inline.geojson:2:") && strstr(err.message, "not valid JSON"), "%s", err.message);
    // JSON has no NaN; a literal NaN is a syntax error, placed exactly.
    err = load_text("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
                    "{\"kind\":\"post\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[NaN,34.75]}}]}");
    ck_assert_msg(strstr(err.message, "inline.geojson:1:") && strstr(err.message, "not valid JSON near 'NaN,34.75]"),
                  "%s", err.message);
    // Only OpenStreetMap features of no interest: nothing to load.
    err = load_text("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
                    "{\"natural\":\"tree\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.66,34.75]}}]}");
    ck_assert_msg(err.status == GOPS_MAP && strstr(err.message, "none of the 1 features"), "%s", err.message);
    // A byte-order mark is tolerated.
    err = load_text("\xEF\xBB\xBF{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"kind\":\"post\"},"
                    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.66,34.75]}}]}");
    ck_assert_int_eq(err.status, GOPS_OK);
    // Too large: refused before parsing (the length is checked, the text is not read).
    gops_map_t *m = gops_map_load_string("{}", GOPS_MAP_MAX_BYTES + 1, "big.geojson", &err);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(err.status, GOPS_MAP);
    ck_assert(strstr(err.message, "larger than 256 MiB") != NULL);
}
END_TEST

START_TEST(test_deep_nesting)
{
    // 50 MB of '[': a clear error at the first level too deep, no crash.
    size_t n = 50u << 20;
    char *deep = malloc(n + 1);
    ck_assert_ptr_nonnull(deep);
    memset(deep, '[', n);
    deep[n] = '\0';
    gops_error_t err;
    ck_assert_ptr_null(gops_map_load_string(deep, n, "deep.geojson", &err));
    ck_assert_int_eq(err.status, GOPS_MAP);
    ck_assert_msg(strstr(err.message, "deep.geojson:1:65: JSON nested more than 64 levels"), "%s", err.message);
    free(deep);
    // Deep nesting inside a property of an otherwise valid map; brackets in strings do not count.
    char text[4096];
    int o = snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"note\":\"[[[[[[[[[[\",\n\"features\":[{\"x\":");
    for (int i = 0; i < 70; i++) text[o++] = '[';
    for (int i = 0; i < 70; i++) text[o++] = ']';
    snprintf(text + o, sizeof text - (size_t)o, "}]}");
    err = load_text(text);
    ck_assert_int_eq(err.status, GOPS_MAP);
    ck_assert_msg(strstr(err.message, "inline.geojson:2:") && strstr(err.message, "nested more than 64"), "%s", err.message);
}
END_TEST

START_TEST(test_never_crashes_on_damaged_input)
{
    // Every truncation and a deterministic set of byte flips of a valid map must load or
    // fail with GOPS_MAP — never crash (ASan/UBSan watch), never another status.
    size_t size;
    char *text = gops_test_read_file(MAPS "small_valid.geojson", &size);
    ck_assert_ptr_nonnull(text);
    gops_log_set_hook(capture_hook, &(captured_t){0});
    for (size_t cut = 0; cut < size; cut += 7) {
        gops_error_t err;
        gops_map_t *m = gops_map_load_string(text, cut, "cut.geojson", &err);
        ck_assert_msg(m != NULL || err.status == GOPS_MAP, "cut at %zu: status %d", cut, err.status);
        gops_map_destroy(m);
    }
    uint64_t state = 0x9E3779B97F4A7C15u;
    static const char junk[] = "[]{},:\"0-.e9 \\nx";
    char *copy = malloc(size);
    ck_assert_ptr_nonnull(copy);
    int loaded = 0;
    for (int round = 0; round < 1500; round++) {
        memcpy(copy, text, size);
        for (int k = 0; k < 1 + round % 3; k++) {
            state = state * 6364136223846793005u + 1442695040888963407u;
            size_t at = (size_t)(state >> 33) % size;
            copy[at] = junk[(state >> 20) % (sizeof junk - 1)];
        }
        gops_error_t err;
        gops_map_t *m = gops_map_load_string(copy, size, "flip.geojson", &err);
        ck_assert_msg(m != NULL || err.status == GOPS_MAP, "round %d: status %d (%s)", round, err.status, err.message);
        loaded += m != NULL;
        gops_map_destroy(m);
    }
    gops_log_set_hook(NULL, NULL);
    ck_assert_int_gt(loaded, 0); // some flips land in harmless places
    ck_assert_int_lt(loaded, 1500);
    free(copy);
    free(text);
}
END_TEST

// ---- `gridops map info` as a program -------------------------------------------------------

static const char *gridops_bin(void)
{
    static char buf[PATH_MAX];
    const char *env = getenv("GOPS_BIN");
    if (env && *env) return env;
    // Run directly: the program sits one folder above the test executables.
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 16);
    ck_assert_int_gt(n, 0);
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    ck_assert_ptr_nonnull(slash);
    strcpy(slash, "/../gridops");
    return buf;
}

/// Runs the program; returns its exit code, stdout and stderr (caller frees).
static int run_cli(const char *args, char **out, char **err_text)
{
    char *dir = gops_test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    char cmd[8192], o[600], e[600];
    snprintf(o, sizeof o, "%s/out.txt", dir);
    snprintf(e, sizeof e, "%s/err.txt", dir);
    snprintf(cmd, sizeof cmd, "'%s' %s >'%s' 2>'%s'", gridops_bin(), args, o, e);
    int status = system(cmd);
    *out = gops_test_read_file(o, NULL);
    *err_text = gops_test_read_file(e, NULL);
    ck_assert(*out && *err_text);
    unlink(o);
    unlink(e);
    rmdir(dir);
    free(dir);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static double json_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    ck_assert_msg(cJSON_IsNumber(v), "key %s missing or not a number", key);
    return v->valuedouble;
}

START_TEST(test_cli_map_info_json)
{
    char *out, *err;
    int rc = run_cli("map info " MAPS "small_valid.geojson --json", &out, &err);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    cJSON *o = cJSON_Parse(out);
    ck_assert_msg(o != NULL, "not JSON: %s", out);
    ck_assert_double_eq(json_num(o, "area_km2"), 0.711);
    ck_assert_double_eq(json_num(o, "commercial_complexes"), 1);
    ck_assert_double_eq(json_num(o, "districts"), 1);
    ck_assert_double_eq(json_num(o, "subdistricts"), 1);
    ck_assert_double_eq(json_num(o, "grid_cells"), 1);
    ck_assert_double_eq(json_num(o, "vendor_points"), 2);
    ck_assert_double_eq(json_num(o, "stalls"), 35);
    ck_assert_double_eq(json_num(o, "posts"), 2);
    ck_assert_double_eq(json_num(o, "cameras"), 3);
    ck_assert_double_eq(json_num(o, "pa_speakers"), 1);
    // Roads: 0.01° E-W (913.6 m) + 0.003° N-S (333.6 m) + 0.004° N-S (444.8 m) + the ring.
    ck_assert_double_eq_tol(json_num(o, "road_km"), 1.947, 0.0015);
    // Parts before overlaps: polygons (0.84 + 0.5 + 0.6) × 10158.7 m² = 19708 m², sidewalks
    // 913.6 × 6 + 333.6 × 4 + 255 × 6 + 444.8 × 5 = 10570 m² (30278 m² together). The raster
    // area removes the overlaps (sidewalks running through plazas) and adds crossings, so it
    // lies a little below the sum and above the larger part.
    ck_assert_double_eq_tol(json_num(o, "walkable_polygons_m2"), 19708, 2);
    ck_assert_double_eq_tol(json_num(o, "walkable_sidewalks_m2"), 10570, 3);
    double walkable = json_num(o, "walkable_m2");
    ck_assert(walkable < 30278 && walkable > 28000);
    cJSON_Delete(o);
    free(out);
    free(err);
}
END_TEST

START_TEST(test_cli_map_info_text_and_usage)
{
    char *out, *err;
    int rc = run_cli("map info " MAPS "small_valid.geojson", &out, &err);
    ck_assert_int_eq(rc, 0);
    ck_assert_msg(strstr(out, "boundary area: 0.711 km²"), "%s", out);
    ck_assert(strstr(out, "commercial complexes (malls) 1"));
    ck_assert(strstr(out, "m² (walkable raster at 1 m:"));
    ck_assert(strstr(out, "vendor points: 2 with 35 stalls"));
    free(out);
    free(err);
    rc = run_cli("map info " MAPS "small_valid.geojson --bogus", &out, &err);
    ck_assert_int_eq(rc, 2);
    ck_assert_msg(strstr(err, "--bogus"), "%s", err);
    free(out);
    free(err);
    rc = run_cli("map info", &out, &err);
    ck_assert_int_eq(rc, 2);
    ck_assert(strstr(err, "missing the map file"));
    free(out);
    free(err);
    rc = run_cli("map info --help", &out, &err);
    ck_assert_int_eq(rc, 0);
    ck_assert(strstr(out, "usage: gridops map info MAP.geojson [--json]"));
    free(out);
    free(err);
    rc = run_cli("map info " MAPS "bad_wrong_geometry.geojson", &out, &err);
    ck_assert_int_eq(rc, 2);
    ck_assert_msg(strstr(err, "gridops map info: ") && strstr(err, "building needs a Polygon, found LineString"), "%s", err);
    free(out);
    free(err);
}
END_TEST

static Suite *map_suite(void)
{
    Suite *s = suite_create("map");
    TCase *geo = tcase_create("geometry");
    tcase_add_test(geo, test_projection_origin_and_axes);
    tcase_add_test(geo, test_projection_round_trip);
    tcase_add_test(geo, test_projection_against_haversine);
    tcase_add_test(geo, test_area_square_and_orientation);
    tcase_add_test(geo, test_area_l_shape);
    tcase_add_test(geo, test_area_with_hole_and_normalize);
    tcase_add_test(geo, test_point_in_polygon);
    tcase_add_test(geo, test_segment_relations);
    tcase_add_test(geo, test_ring_simplicity);
    tcase_add_test(geo, test_lengths_and_distances);
    tcase_add_test(geo, test_enum_names);
    suite_add_tcase(s, geo);
    TCase *load = tcase_create("load");
    tcase_add_test(load, test_load_small_map);
    tcase_add_test(load, test_repeated_nodes_warn_and_drop);
    tcase_add_test(load, test_osm_mapping);
    tcase_add_loop_test(load, test_malformed_files, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(load, test_more_property_errors);
    tcase_add_test(load, test_hours_all_day);
    tcase_add_test(load, test_guards);
    tcase_add_test(load, test_deep_nesting);
    tcase_add_test(load, test_never_crashes_on_damaged_input);
    suite_add_tcase(s, load);
    TCase *cli = tcase_create("cli");
    tcase_add_test(cli, test_cli_map_info_json);
    tcase_add_test(cli, test_cli_map_info_text_and_usage);
    suite_add_tcase(s, cli);
    return s;
}

int main(void)
{
    return gops_test_run(map_suite());
}
