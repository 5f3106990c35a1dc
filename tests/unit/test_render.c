// SPDX-License-Identifier: MIT
// The renderer: canvas primitives (fills with holes, strokes, wedges, text), the view
// transform, PNG output read back with libpng, and map drawing of a tiny hand-made map at
// known pixels. Runs headless (SDL_VIDEODRIVER=dummy, no DISPLAY). Without the renderer
// compiled in, the suite holds one test that reports it is off.
#include "fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef GOPS_HAVE_RENDER
#include "render/canvas.h"
#include "render/map_draw.h"

#include <dirent.h>
#include <math.h>
#include <png.h>
#include <unistd.h>

static void headless(void)
{
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
}

static gops_canvas_t *new_canvas(int w, int h)
{
    headless();
    gops_error_t err;
    gops_canvas_t *c = gops_canvas_create(w, h, &err);
    ck_assert_msg(c != NULL, "canvas: %s", err.message);
    return c;
}

#define ASSERT_RGBA(px, R, G, B, A)                                                                                    \
    do {                                                                                                               \
        gops_rgba_t p_ = (px);                                                                                         \
        ck_assert_msg(p_.r == (R) && p_.g == (G) && p_.b == (B) && p_.a == (A),                                        \
                      "pixel is (%d,%d,%d,%d), expected (%d,%d,%d,%d)", p_.r, p_.g, p_.b, p_.a, (R), (G), (B), (A));   \
    } while (0)

#define ASSERT_SAME(px, col) ASSERT_RGBA(px, (col).r, (col).g, (col).b, (col).a)

static bool same(gops_rgba_t a, gops_rgba_t b) { return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a; }

/// Straight-alpha source-over on an opaque destination, per channel.
static int over(int s, int sa, int d) { return (int)lround((s * sa + d * (255 - sa)) / 255.0); }

// ---------------------------------------------------------------------------------------
// View

START_TEST(view_fit_maps_corners_and_centres)
{
    // 100 m × 50 m into 200 × 200 px: width limits, scale 2 px/m, centred vertically
    gops_view_t v = gops_view_fit(0, 0, 100, 50, (gops_rect_t){0, 0, 200, 200}, 0);
    ck_assert_double_eq_tol(v.scale, 2.0, 1e-12);
    double px, py;
    gops_view_to_px(&v, 0, 0, &px, &py);
    ck_assert_double_eq_tol(px, 0, 1e-9);
    ck_assert_double_eq_tol(py, 150, 1e-9); // y up → screen down: bottom of the 100-px band
    gops_view_to_px(&v, 100, 50, &px, &py);
    ck_assert_double_eq_tol(px, 200, 1e-9);
    ck_assert_double_eq_tol(py, 50, 1e-9);
    double x, y;
    gops_view_to_world(&v, 100, 100, &x, &y);
    ck_assert_double_eq_tol(x, 50, 1e-9);
    ck_assert_double_eq_tol(y, 25, 1e-9);
    // margin: 10 px each side leaves 180 px for 100 m
    v = gops_view_fit(0, 0, 100, 50, (gops_rect_t){0, 0, 200, 200}, 10);
    ck_assert_double_eq_tol(v.scale, 1.8, 1e-12);
}
END_TEST

// ---------------------------------------------------------------------------------------
// Primitives

START_TEST(canvas_starts_white_and_clears)
{
    gops_canvas_t *c = new_canvas(50, 40);
    ck_assert_int_eq(gops_canvas_width(c), 50);
    ck_assert_int_eq(gops_canvas_height(c), 40);
    ASSERT_RGBA(gops_canvas_pixel(c, 0, 0), 255, 255, 255, 255);
    gops_canvas_clear(c, GOPS_RGBA(10, 20, 30, 255));
    ASSERT_RGBA(gops_canvas_pixel(c, 49, 39), 10, 20, 30, 255);
    ASSERT_RGBA(gops_canvas_pixel(c, 50, 0), 0, 0, 0, 0); // outside
    gops_error_t err;
    ck_assert_int_eq(gops_canvas_status(c, &err), GOPS_OK);
    gops_canvas_destroy(c);
}
END_TEST

START_TEST(canvas_rejects_bad_sizes)
{
    headless();
    gops_error_t err;
    ck_assert_ptr_null(gops_canvas_create(0, 10, &err));
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "0x10"));
    ck_assert_ptr_null(gops_canvas_create(10, 20000, &err));
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
}
END_TEST

START_TEST(polygon_with_hole_and_concave_outline)
{
    gops_canvas_t *c = new_canvas(100, 100);
    // pixel coordinates (view NULL): an L-shaped outer ring with a square hole in its foot
    gops_point_t outer[] = {{10, 10}, {40, 10}, {40, 60}, {90, 60}, {90, 90}, {10, 90}};
    gops_point_t hole[] = {{50, 70}, {70, 70}, {70, 80}, {50, 80}};
    gops_path_t rings[2] = {{outer, 6}, {hole, 4}};
    gops_polygon_t poly = {rings, 2};
    gops_canvas_fill_polygon(c, NULL, &poly, GOPS_RGBA(200, 0, 0, 255));
    ASSERT_RGBA(gops_canvas_pixel(c, 20, 20), 200, 0, 0, 255);     // upright bar
    ASSERT_RGBA(gops_canvas_pixel(c, 80, 65), 200, 0, 0, 255);     // foot
    ASSERT_RGBA(gops_canvas_pixel(c, 60, 30), 255, 255, 255, 255); // the notch of the L
    ASSERT_RGBA(gops_canvas_pixel(c, 60, 75), 255, 255, 255, 255); // the hole
    ASSERT_RGBA(gops_canvas_pixel(c, 5, 50), 255, 255, 255, 255);  // outside
    // the edge x = 10 runs along a pixel boundary: pixel 9 is untouched, pixel 10 full
    ASSERT_RGBA(gops_canvas_pixel(c, 9, 50), 255, 255, 255, 255);
    ASSERT_RGBA(gops_canvas_pixel(c, 10, 50), 200, 0, 0, 255);
    gops_canvas_destroy(c);
}
END_TEST

START_TEST(antialiased_edge_is_blended_by_coverage)
{
    gops_canvas_t *c = new_canvas(20, 20);
    gops_canvas_clear(c, GOPS_RGBA(0, 0, 0, 255));
    // a rectangle whose left edge is at x = 5.5: pixel 5 is half covered
    gops_canvas_fill_rect(c, (gops_rect_t){5.5, 2, 10, 10}, GOPS_RGBA(255, 255, 255, 255));
    gops_rgba_t p = gops_canvas_pixel(c, 5, 6);
    ck_assert_int_ge(p.r, 126);
    ck_assert_int_le(p.r, 129);
    ASSERT_RGBA(gops_canvas_pixel(c, 6, 6), 255, 255, 255, 255);
    gops_canvas_destroy(c);
}
END_TEST

START_TEST(translucent_stroke_blends_once_at_joins)
{
    gops_canvas_t *c = new_canvas(100, 100);
    gops_canvas_clear(c, GOPS_RGBA(255, 255, 255, 255));
    gops_point_t pts[] = {{10, 50}, {50, 50}, {50, 90}}; // a right-angle bend at (50, 50)
    gops_canvas_stroke_path(c, NULL, pts, 3, false, 10, GOPS_RGBA(0, 0, 255, 128));
    int expect = over(0, 128, 255);
    gops_rgba_t mid = gops_canvas_pixel(c, 30, 50), join = gops_canvas_pixel(c, 50, 50);
    ck_assert_int_eq(mid.r, expect);
    ck_assert_int_eq(mid.b, 255);
    ASSERT_SAME(join, mid); // overlapping pieces of one stroke are not blended twice
    ASSERT_RGBA(gops_canvas_pixel(c, 30, 60), 255, 255, 255, 255); // beyond the half width
    gops_canvas_destroy(c);
}
END_TEST

START_TEST(dashes_leave_gaps)
{
    gops_canvas_t *c = new_canvas(100, 20);
    gops_point_t pts[] = {{0, 10}, {100, 10}};
    gops_canvas_dash_path(c, NULL, pts, 2, false, 4, 10, 10, GOPS_RGBA(0, 0, 0, 255));
    ASSERT_RGBA(gops_canvas_pixel(c, 5, 10), 0, 0, 0, 255);        // dash 0..10
    ASSERT_RGBA(gops_canvas_pixel(c, 15, 10), 255, 255, 255, 255); // gap 10..20
    ASSERT_RGBA(gops_canvas_pixel(c, 25, 10), 0, 0, 0, 255);       // dash 20..30
    ASSERT_RGBA(gops_canvas_pixel(c, 95, 10), 255, 255, 255, 255); // gap 90..100
    gops_canvas_destroy(c);
}
END_TEST

START_TEST(wedge_points_along_heading)
{
    gops_canvas_t *c = new_canvas(100, 100);
    gops_view_t v = {1.0, 50, 50}; // world origin at the canvas centre, 1 px per m
    // heading 90° = east, opening 60°, 40 m
    gops_canvas_fill_wedge(c, &v, (gops_point_t){0, 0}, 90, 60, 40, GOPS_RGBA(0, 128, 0, 255));
    ASSERT_RGBA(gops_canvas_pixel(c, 75, 50), 0, 128, 0, 255);     // 25 m east, on the axis
    ASSERT_RGBA(gops_canvas_pixel(c, 25, 50), 255, 255, 255, 255); // west: behind the camera
    ASSERT_RGBA(gops_canvas_pixel(c, 52, 25), 255, 255, 255, 255); // north: outside ±30°
    ASSERT_RGBA(gops_canvas_pixel(c, 95, 50), 255, 255, 255, 255); // beyond the range
    // heading 0 = north (up on screen)
    gops_canvas_fill_wedge(c, &v, (gops_point_t){0, 0}, 0, 30, 40, GOPS_RGBA(0, 0, 128, 255));
    ASSERT_RGBA(gops_canvas_pixel(c, 50, 20), 0, 0, 128, 255);
    // 360° is a disc
    gops_canvas_fill_wedge(c, &v, (gops_point_t){-30, -30}, 0, 360, 10, GOPS_RGBA(128, 0, 0, 255));
    ASSERT_RGBA(gops_canvas_pixel(c, 20, 80), 128, 0, 0, 255);
    ASSERT_RGBA(gops_canvas_pixel(c, 20, 88), 128, 0, 0, 255);
    gops_canvas_destroy(c);
}
END_TEST

START_TEST(circle_ring_has_an_empty_centre)
{
    gops_canvas_t *c = new_canvas(60, 60);
    gops_canvas_stroke_circle(c, NULL, (gops_point_t){30, 30}, 20, 4, GOPS_RGBA(0, 0, 0, 255));
    ASSERT_RGBA(gops_canvas_pixel(c, 30, 30), 255, 255, 255, 255);
    ASSERT_RGBA(gops_canvas_pixel(c, 49, 30), 0, 0, 0, 255); // x 49.5 is 19.5 px from the centre
    ASSERT_RGBA(gops_canvas_pixel(c, 55, 30), 255, 255, 255, 255);
    gops_canvas_destroy(c);
}
END_TEST

// ---------------------------------------------------------------------------------------
// Text

static int count_dark(gops_canvas_t *c, gops_rect_t r)
{
    int n = 0;
    for (int y = (int)r.y; y < (int)(r.y + r.h); y++)
        for (int x = (int)r.x; x < (int)(r.x + r.w); x++) {
            gops_rgba_t p = gops_canvas_pixel(c, x, y);
            n += p.r < 100 && p.g < 100 && p.b < 100;
        }
    return n;
}

START_TEST(text_uses_a_cjk_font_and_draws_glyphs)
{
    gops_canvas_t *c = new_canvas(200, 100);
    const char *path = gops_canvas_font_path(c);
    ck_assert_msg(path != NULL, "no font found (install fonts-wqy-microhei)");
    ck_assert_msg(gops_canvas_font_has_cjk(c), "font %s has no Chinese glyphs", path);
    gops_text_style_t st = gops_text_style_default();
    st.size_px = 24;
    gops_rect_t box;
    ck_assert(gops_canvas_text(c, NULL, 100, 50, "二七塔", &st, &box));
    // three square CJK glyphs, centred on (100, 50), halo included
    ck_assert_double_gt(box.w, 3 * 20.0);
    ck_assert_double_lt(box.w, 3 * 28.0 + 8);
    ck_assert_double_eq_tol(box.x + box.w / 2, 100, 1.0);
    ck_assert_double_eq_tol(box.y + box.h / 2, 50, 1.0);
    ck_assert_int_gt(count_dark(c, box), 40);
    ck_assert_int_eq(count_dark(c, (gops_rect_t){0, 0, box.x, 100}), 0); // nothing left of it
    gops_canvas_destroy(c);
}
END_TEST

START_TEST(rotated_text_bounds_turn_with_it)
{
    gops_canvas_t *c = new_canvas(200, 200);
    gops_text_style_t st = gops_text_style_default();
    st.size_px = 20;
    gops_rect_t flat, up;
    ck_assert(gops_canvas_text_bounds(c, NULL, 100, 100, "Erqi Road", &st, &flat));
    st.angle_deg = 90;
    ck_assert(gops_canvas_text(c, NULL, 100, 100, "Erqi Road", &st, &up));
    ck_assert_double_gt(flat.w, flat.h);
    ck_assert_double_eq_tol(up.w, flat.h, 1.0);
    ck_assert_double_eq_tol(up.h, flat.w, 1.0);
    ck_assert_int_gt(count_dark(c, up), 20); // glyphs landed inside the turned box
    ck_assert_int_eq(count_dark(c, (gops_rect_t){0, 0, 200, up.y}), 0);
    ck_assert(!gops_canvas_text(c, NULL, 100, 100, "", &st, NULL));
    gops_canvas_destroy(c);
}
END_TEST

// ---------------------------------------------------------------------------------------
// Map drawing on a tiny map: view 1 px per m, world (0, 0) at the corner of pixel (100, 100),
// so pixel (i, j) has its centre at world (i − 99.5, 99.5 − j)

static gops_point_t mall_pts[] = {{-60, 20}, {-20, 20}, {-20, 60}, {-60, 60}};
static gops_path_t mall_ring = {mall_pts, 4};
static gops_point_t road_pts[] = {{-100, -40}, {0, -40}, {100, -40}};

static gops_map_t tiny_map(gops_feature_t *f)
{
    memset(f, 0, 3 * sizeof *f);
    f[0].kind = GOPS_FEAT_BUILDING;
    f[0].id = "mall";
    f[0].name = "大卫城";
    f[0].name_en = "David City";
    f[0].at = (gops_point_t){-40, 40};
    f[0].u.building.shape = (gops_polygon_t){&mall_ring, 1};
    f[0].u.building.category = GOPS_BUILDING_MALL;
    f[1].kind = GOPS_FEAT_ROAD;
    f[1].index = 1;
    f[1].u.road = (gops_road_t){.line = {road_pts, 3},
                                .road_class = GOPS_ROAD_LOCAL,
                                .lanes = 1,
                                .speed_kmh = 30,
                                .width_m = 7,
                                .sidewalk_left_m = 2,
                                .sidewalk_right_m = 2};
    f[2].kind = GOPS_FEAT_CAMERA;
    f[2].index = 2;
    f[2].at = (gops_point_t){40.5, 39.5}; // the centre of pixel (140, 60)
    f[2].u.camera.type = GOPS_CAMERA_SHARP_EYES;
    f[2].u.camera.heading_deg = 90;
    f[2].u.camera.fov_deg = 60;
    f[2].u.camera.range_m = 50;
    gops_map_t m = {0};
    m.path = "tiny.geojson";
    m.features = f;
    m.feature_count = 3;
    m.min_x = -100;
    m.min_y = -100;
    m.max_x = 100;
    m.max_y = 100;
    return m;
}

static gops_canvas_t *draw_tiny(uint32_t layers)
{
    gops_feature_t f[3];
    gops_map_t m = tiny_map(f);
    gops_canvas_t *c = new_canvas(200, 200);
    gops_view_t v = {1.0, 100, 100};
    gops_map_draw_def_t def = gops_map_draw_def_default();
    def.layers = layers;
    def.furniture = false;
    gops_map_draw(c, &v, &m, &def);
    gops_error_t err;
    ck_assert_int_eq(gops_canvas_status(c, &err), GOPS_OK);
    return c;
}

START_TEST(map_draws_building_road_and_background)
{
    const gops_map_palette_t *pal = gops_map_draw_palette();
    gops_canvas_t *c = draw_tiny(GOPS_LAYER_BASE);
    ASSERT_SAME(gops_canvas_pixel(c, 60, 60), pal->building[GOPS_BUILDING_MALL]); // mall centre (-40, 40)
    ASSERT_SAME(gops_canvas_pixel(c, 180, 180), pal->land);                       // nothing at (80, -80)
    // road along y = -40 (between pixel rows 139 and 140): 7 m carriageway, 2 m sidewalks
    // each side; row 142 is 2.5 m south of the centre line, inside the southbound lane
    gops_rgba_t road = gops_canvas_pixel(c, 100, 142);
    ASSERT_SAME(road, pal->carriageway[GOPS_ROAD_LOCAL]);
    ck_assert_int_le(abs(road.r - road.g), 12);
    ck_assert_int_le(abs(road.g - road.b), 12);
    ck_assert_int_lt(road.r, pal->land.r - 40); // grey, clearly darker than the land
    // one lane each way, 3.5 px wide at this zoom: the yellow centre line shows on row 140
    gops_rgba_t centre = gops_canvas_pixel(c, 100, 140);
    ck_assert(!same(centre, road));
    ck_assert_int_gt(centre.r, centre.b + 40);
    ASSERT_SAME(gops_canvas_pixel(c, 100, 135), pal->sidewalk); // 4.5 m north of the centre line
    ASSERT_SAME(gops_canvas_pixel(c, 100, 144), pal->sidewalk);
    ASSERT_SAME(gops_canvas_pixel(c, 100, 150), pal->land);
    // the camera's dot is drawn in the base layer, its wedge is not
    ASSERT_SAME(gops_canvas_pixel(c, 140, 60), pal->camera[GOPS_CAMERA_SHARP_EYES]);
    ASSERT_SAME(gops_canvas_pixel(c, 170, 60), pal->land);
    gops_canvas_destroy(c);
}
END_TEST

START_TEST(camera_wedge_only_with_cameras_layer)
{
    const gops_map_palette_t *pal = gops_map_draw_palette();
    gops_canvas_t *c = draw_tiny(GOPS_LAYER_BASE | GOPS_LAYER_CAMERAS);
    gops_rgba_t cam = pal->camera[GOPS_CAMERA_SHARP_EYES], land = pal->land;
    gops_rgba_t p = gops_canvas_pixel(c, 170, 60); // 30 m east of the camera, on its axis
    ck_assert(!same(p, land));
    // translucent (alpha 48 of 255) camera colour over the land
    ck_assert_int_le(abs(p.r - over(cam.r, 48, land.r)), 1);
    ck_assert_int_le(abs(p.g - over(cam.g, 48, land.g)), 1);
    ck_assert_int_le(abs(p.b - over(cam.b, 48, land.b)), 1);
    ASSERT_SAME(gops_canvas_pixel(c, 110, 60), land); // behind the camera
    ASSERT_SAME(gops_canvas_pixel(c, 60, 60), pal->building[GOPS_BUILDING_MALL]);
    gops_canvas_destroy(c);
}
END_TEST

START_TEST(map_height_follows_aspect_and_layers_parse)
{
    gops_feature_t f[3];
    gops_map_t m = tiny_map(f);
    m.max_y = 0; // 200 m × 100 m
    gops_map_draw_def_t def = gops_map_draw_def_default();
    def.furniture = false;
    def.text_scale = 1;
    // margin 10 px each side: 380 px for 200 m, 190 px for 100 m, plus the margins
    ck_assert_int_eq(gops_map_draw_height(&m, &def, 400), 210);
    gops_view_t v = gops_map_draw_fit(&m, &def, 400, 210);
    ck_assert_double_eq_tol(v.scale, 1.9, 1e-9);
    def.furniture = true; // title band and legend add height
    ck_assert_int_gt(gops_map_draw_height(&m, &def, 2000), 900);

    ck_assert_uint_eq(gops_map_layer_from_name("zones"), GOPS_LAYER_ZONES);
    ck_assert_uint_eq(gops_map_layer_from_name("cameras"), GOPS_LAYER_CAMERAS);
    ck_assert_uint_eq(gops_map_layer_from_name("labels"), GOPS_LAYER_LABELS);
    ck_assert_uint_eq(gops_map_layer_from_name("Zones"), 0);
    ck_assert_uint_eq(gops_map_layer_from_name(NULL), 0);
    ck_assert_uint_eq(gops_map_draw_def_default().layers, GOPS_LAYER_BASE | GOPS_LAYER_LABELS);
}
END_TEST

START_TEST(map_with_furniture_and_labels_draws_without_error)
{
    gops_feature_t f[3];
    gops_map_t m = tiny_map(f);
    gops_map_draw_def_t def = gops_map_draw_def_default();
    def.layers |= GOPS_LAYER_CAMERAS | GOPS_LAYER_ZONES | GOPS_LAYER_PA | GOPS_LAYER_POSTS;
    int h = gops_map_draw_height(&m, &def, 800);
    gops_canvas_t *c = new_canvas(800, h);
    gops_view_t v = gops_map_draw_fit(&m, &def, 800, h);
    gops_map_draw(c, &v, &m, &def);
    gops_error_t err;
    ck_assert_int_eq(gops_canvas_status(c, &err), GOPS_OK);
    // the title band is white and carries dark title text in its left part
    ASSERT_RGBA(gops_canvas_pixel(c, 799, 2), 255, 255, 255, 255);
    ck_assert_int_gt(count_dark(c, (gops_rect_t){0, 0, 300, 25}), 20);
    // the mall centre is still the mall colour or its label (dark text): never background
    gops_rgba_t centre;
    double px, py;
    gops_view_to_px(&v, -40, 30, &px, &py);
    centre = gops_canvas_pixel(c, (int)px, (int)py);
    ck_assert(!same(centre, gops_map_draw_palette()->land));
    gops_canvas_destroy(c);
}
END_TEST

// ---------------------------------------------------------------------------------------
// PNG

START_TEST(png_round_trip_through_libpng)
{
    const gops_map_palette_t *pal = gops_map_draw_palette();
    gops_canvas_t *c = draw_tiny(GOPS_LAYER_BASE);
    char *dir = gops_test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    char path[1024];
    snprintf(path, sizeof path, "%s/map.png", dir);
    gops_error_t err;
    ck_assert_int_eq(gops_canvas_save_png(c, path, &err), GOPS_OK);
    ck_assert_int_eq(gops_canvas_save_png(c, path, &err), GOPS_OK); // replaces the file

    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    ck_assert_msg(png_image_begin_read_from_file(&img, path), "%s", img.message);
    ck_assert_uint_eq(img.width, 200);
    ck_assert_uint_eq(img.height, 200);
    img.format = PNG_FORMAT_RGBA;
    png_bytep buf = malloc(PNG_IMAGE_SIZE(img));
    ck_assert_ptr_nonnull(buf);
    ck_assert_msg(png_image_finish_read(&img, NULL, buf, 0, NULL), "%s", img.message);
    const png_byte *mall = buf + (60 * 200 + 60) * 4;
    gops_rgba_t want = pal->building[GOPS_BUILDING_MALL];
    ck_assert_int_eq(mall[0], want.r);
    ck_assert_int_eq(mall[1], want.g);
    ck_assert_int_eq(mall[2], want.b);
    ck_assert_int_eq(mall[3], 255);
    const png_byte *bg = buf + (180 * 200 + 180) * 4;
    ck_assert_int_eq(bg[0], pal->land.r);
    ck_assert_int_eq(bg[2], pal->land.b);
    free(buf);

    // only the finished file is left: no temporary names
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int files = 0;
    for (struct dirent *de; (de = readdir(d));)
        if (de->d_name[0] != '.') {
            ck_assert_str_eq(de->d_name, "map.png");
            files++;
        }
    closedir(d);
    ck_assert_int_eq(files, 1);
    remove(path);
    rmdir(dir);
    free(dir);
    gops_canvas_destroy(c);
}
END_TEST

START_TEST(png_error_names_the_path)
{
    gops_canvas_t *c = new_canvas(10, 10);
    gops_error_t err;
    const char *path = "/nonexistent-dir-for-gridops/out.png";
    ck_assert_int_eq(gops_canvas_save_png(c, path, &err), GOPS_IO);
    ck_assert_ptr_nonnull(strstr(err.message, path));
    ck_assert_int_eq(gops_status_exit_code(err.status), 2);
    gops_canvas_destroy(c);
}
END_TEST

static Suite *render_suite(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("canvas");
    tcase_add_test(tc, view_fit_maps_corners_and_centres);
    tcase_add_test(tc, canvas_starts_white_and_clears);
    tcase_add_test(tc, canvas_rejects_bad_sizes);
    tcase_add_test(tc, polygon_with_hole_and_concave_outline);
    tcase_add_test(tc, antialiased_edge_is_blended_by_coverage);
    tcase_add_test(tc, translucent_stroke_blends_once_at_joins);
    tcase_add_test(tc, dashes_leave_gaps);
    tcase_add_test(tc, wedge_points_along_heading);
    tcase_add_test(tc, circle_ring_has_an_empty_centre);
    suite_add_tcase(s, tc);
    TCase *tt = tcase_create("text");
    tcase_add_test(tt, text_uses_a_cjk_font_and_draws_glyphs);
    tcase_add_test(tt, rotated_text_bounds_turn_with_it);
    suite_add_tcase(s, tt);
    TCase *tm = tcase_create("map");
    tcase_add_test(tm, map_draws_building_road_and_background);
    tcase_add_test(tm, camera_wedge_only_with_cameras_layer);
    tcase_add_test(tm, map_height_follows_aspect_and_layers_parse);
    tcase_add_test(tm, map_with_furniture_and_labels_draws_without_error);
    suite_add_tcase(s, tm);
    TCase *tp = tcase_create("png");
    tcase_add_test(tp, png_round_trip_through_libpng);
    tcase_add_test(tp, png_error_names_the_path);
    suite_add_tcase(s, tp);
    return s;
}

#else // no renderer in this build

START_TEST(renderer_is_off)
{
    fputs("test_render: renderer not built (GOPS_RENDER off or SDL2 missing); nothing to test\n", stderr);
#ifdef GOPS_HAVE_RENDER
    ck_abort_msg("GOPS_HAVE_RENDER defined in the no-renderer branch");
#endif
}
END_TEST

static Suite *render_suite(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("off");
    tcase_add_test(tc, renderer_is_off);
    suite_add_tcase(s, tc);
    return s;
}

#endif

int main(void) { return gops_test_run(render_suite()); }
