// SPDX-License-Identifier: MIT
// Room for newcomers (crowd/room.h) and the crowd's use of it: nobody is placed on top of
// anyone; newcomers at a packed spot wait in the spawn queue, first come first placed, and
// step out as the spot clears. Before this, a stream of people arriving at one point (a
// metro exit inside a jam) stacked without limit and the density read 42 persons/m².
#include "fixture.h"

#include "crowd/crowd.h"
#include "crowd/density.h"
#include "crowd/room.h"
#include "world/map_build.h"
#include "world/world_internal.h"

#include <math.h>

// ---- room.h on its own ------------------------------------------------------------------

START_TEST(test_room_collects_only_bodies_that_can_touch)
{
    gops_pedestrians_t p;
    gops_pedestrians_init(&p);
    ck_assert_uint_ne(gops_pedestrians_add(&p, 0.3f, 0.0f, 1.0f, 0.14f, 0), UINT32_MAX);  // at the point
    ck_assert_uint_ne(gops_pedestrians_add(&p, 1.75f, 0.0f, 1.0f, 0.14f, 0), UINT32_MAX); // 1.75 < 1.5+0.14+0.2
    ck_assert_uint_ne(gops_pedestrians_add(&p, 1.9f, 0.0f, 1.0f, 0.14f, 0), UINT32_MAX);  // 1.9 > 1.84: too far
    ck_assert_uint_ne(gops_pedestrians_add(&p, 5.0f, 5.0f, 1.0f, 0.14f, 0), UINT32_MAX);  // far away
    gops_room_t room;
    gops_room_init(&room);
    ck_assert(gops_room_add_point(&room, (gops_point_t){10, 10})); // a second point, far off
    ck_assert(gops_room_add_point(&room, (gops_point_t){0, 0}));
    ck_assert(gops_room_collect(&room, &p, 1.5f, 0.2f, 1));
    ck_assert_uint_eq(room.count, 2);
    ck_assert_float_eq(room.x[0], 0.3f);
    ck_assert_float_eq(room.x[1], 1.75f);
    // A newcomer of radius 0.2 next to the body at 0.3 (radius 0.14): apart at >= 0.34 m.
    ck_assert(!gops_room_fits(&room, 0.0f, 0.0f, 0.2f));  // 0.30 apart
    ck_assert(!gops_room_fits(&room, 0.5f, 0.0f, 0.2f));  // 0.20
    ck_assert(gops_room_fits(&room, -0.05f, 0.0f, 0.2f)); // 0.35
    ck_assert(gops_room_fits(&room, 0.3f, 0.34f, 0.2f));  // exactly touching counts as apart
    ck_assert(gops_room_add_body(&room, -0.05f, 0.0f, 0.2f));
    ck_assert(!gops_room_fits(&room, -0.3f, 0.0f, 0.2f)); // the newcomer now takes room too
    gops_room_clear(&room);
    ck_assert(gops_room_fits(&room, 0.0f, 0.0f, 0.2f));
    gops_room_free(&room);
    gops_pedestrians_free(&p);
}
END_TEST

/// Collecting on several threads finds exactly the bodies a brute-force scan finds, in
/// pedestrian order, on both sides of the origin (cells below zero round down).
START_TEST(test_room_collect_matches_brute_force_on_any_thread_count)
{
    enum { N = 20000, POINTS = 40 };
    const float reach = 1.5f, newcomer_r = 0.25f;
    gops_pedestrians_t p;
    gops_pedestrians_init(&p);
    uint64_t s = 12345;
    for (uint32_t i = 0; i < N; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        float x = (float)((s >> 11) % 100000) / 1000.0f - 50.0f, y = (float)((s >> 40) % 100000) / 1000.0f - 50.0f;
        ck_assert_uint_ne(gops_pedestrians_add(&p, x, y, 1.0f, 0.15f + 0.01f * (float)(i % 8), 0), UINT32_MAX);
    }
    gops_point_t pts[POINTS];
    for (int k = 0; k < POINTS; k++) pts[k] = (gops_point_t){-45.0 + 2.3 * k, 40.0 - 2.1 * k};
    uint32_t expected[N], n_expected = 0;
    float expected_max_r = 0;
    for (uint32_t i = 0; i < N; i++)
        for (int k = 0; k < POINTS; k++) {
            double dx = pts[k].x - p.x[i], dy = pts[k].y - p.y[i], near = (double)reach + p.radius[i] + newcomer_r;
            if (dx * dx + dy * dy < near * near) {
                expected[n_expected++] = i;
                expected_max_r = p.radius[i] > expected_max_r ? p.radius[i] : expected_max_r;
                break;
            }
        }
    ck_assert_uint_gt(n_expected, 100);
    for (int threads = 1; threads <= 3; threads++) {
        gops_room_t room;
        gops_room_init(&room);
        for (int k = 0; k < POINTS; k++) ck_assert(gops_room_add_point(&room, pts[k]));
        ck_assert(gops_room_collect(&room, &p, reach, newcomer_r, threads));
        ck_assert_uint_eq(room.count, n_expected);
        for (uint32_t k = 0; k < n_expected; k++) {
            ck_assert_float_eq(room.x[k], p.x[expected[k]]);
            ck_assert_float_eq(room.y[k], p.y[expected[k]]);
        }
        ck_assert_float_eq(room.max_r, expected_max_r);
        gops_room_free(&room);
    }
    gops_pedestrians_free(&p);
}
END_TEST

// ---- the crowd ---------------------------------------------------------------------------

static gops_world_t *lab_world(void)
{
    gops_error_t err;
    gops_map_t *m = gops_map_new("lab");
    ck_assert_int_ge(gops_map_add_rect(m, GOPS_FEAT_PLAZA, "room", 0, 0, 20, 10, &err), 0);
    ck_assert_int_eq(gops_map_finish(m, &err), GOPS_OK);
    gops_world_def_t def = gops_world_def_default();
    def.nav_cell_m = 0.1;
    def.threads = 1;
    gops_world_t *w = gops_world_create_with_map(&def, m, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_crowd_params_t p = gops_crowd_params_default(GOPS_DAY_WEEKDAY);
    p.visitors = false;
    p.arrive_radius_m = 0.2f;
    ck_assert_msg(gops_crowd_attach(w, &p, &err) != NULL, "%s", err.message);
    return w;
}

/// The closest two bodies come: min over pairs of distance − (r_i + r_j), m (∞ for < 2).
static double worst_overlap_gap(const gops_pedestrians_t *p)
{
    double worst = INFINITY;
    for (uint32_t i = 0; i < p->count; i++)
        for (uint32_t j = i + 1; j < p->count; j++) {
            double dx = (double)p->x[i] - p->x[j], dy = (double)p->y[i] - p->y[j];
            double gap = sqrt(dx * dx + dy * dy) - ((double)p->radius[i] + p->radius[j]);
            if (gap < worst) worst = gap;
        }
    return worst;
}

START_TEST(test_crowd_does_not_stack_people_on_one_spot)
{
    gops_world_t *w = lab_world();
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    // 100 people who stand still, all asked for the same spot at the same time.
    for (int k = 0; k < 100; k++) {
        gops_spawn_t s = {.at_s = 0, .x = 5.0f, .y = 5.0f, .v0 = 1.2f, .radius = 0.2f, .dest = GOPS_NO_DEST};
        ck_assert_int_eq(gops_crowd_spawn(c, &s, &err), GOPS_OK);
    }
    for (int t = 0; t < 100; t++) gops_world_step(w); // 10 s: one density window
    const gops_pedestrians_t *p = gops_crowd_pedestrians(w);
    // The first stands on the spot; the other 99 wait for it to clear, which never happens.
    ck_assert_uint_eq(p->count, 1);
    ck_assert_float_eq(p->x[0], 5.0f);
    ck_assert_float_eq(p->y[0], 5.0f);
    // Density: one person in the 2 m cell (4 m² walkable) = 0.25 persons/m², not 100/4 = 25.
    const gops_density_totals_t *tot = gops_density_totals(gops_crowd_density(c));
    ck_assert_uint_eq(tot->windows, 1);
    ck_assert_double_eq_tol(tot->peak.ppm2, 0.25, 1e-9);
    ck_assert(gops_crowd_stats(c)->spawned == 1);
    gops_spawn_t bad = {.x = 5, .y = 5, .v0 = 1, .radius = 0.2f, .dest = GOPS_NO_DEST, .visitor = 7};
    ck_assert_int_eq(gops_crowd_spawn(c, &bad, &err), GOPS_BAD_VALUE); // the crowd's own field
    gops_world_destroy(w);
}
END_TEST

START_TEST(test_waiting_newcomers_step_out_in_turn)
{
    gops_world_t *w = lab_world();
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    gops_path_t ring;
    gops_point_t pts[4] = {{19.5, 0}, {20, 0}, {20, 10}, {19.5, 10}};
    ring = (gops_path_t){pts, 4};
    gops_polygon_t area = {&ring, 1};
    uint16_t exit;
    ck_assert_int_eq(gops_crowd_add_exit(c, "east", &area, &exit, &err), GOPS_OK);
    // 20 walkers from one point at once: they leave it one by one, never overlapping.
    for (int k = 0; k < 20; k++) {
        gops_spawn_t s = {.at_s = 0, .x = 1.0f, .y = 5.0f, .v0 = 1.2f, .radius = 0.2f, .dest = exit};
        ck_assert_int_eq(gops_crowd_spawn(c, &s, &err), GOPS_OK);
    }
    const gops_pedestrians_t *p = gops_crowd_pedestrians(w);
    double worst = INFINITY;
    uint32_t most = 0;
    gops_world_step(w);
    ck_assert_uint_eq(p->count, 1); // the first steps out; the others wait for the spot
    for (int t = 1; t < 600; t++) { // 60 s
        gops_world_step(w);
        double gap = worst_overlap_gap(p);
        if (gap < worst) worst = gap;
        if (p->count > most) most = p->count;
    }
    // A newcomer never lands inside anyone (walking itself keeps people a hair apart at
    // most; the model's small step limit allows no more than millimetres).
    ck_assert_msg(worst > -0.01, "bodies overlapped by %.3f m", -worst);
    ck_assert_uint_gt(most, 1); // several walk at once: each steps out once the spot clears
    double last;
    ck_assert_uint_eq(gops_crowd_exit_count(c, exit, &last), 20); // nobody was lost waiting
    ck_assert_uint_eq(p->count, 0);
    ck_assert(last > 15.0 && last < 60.0);
    gops_world_destroy(w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crowd_room");
    TCase *tc = tcase_create("crowd_room");
    tcase_add_test(tc, test_room_collects_only_bodies_that_can_touch);
    tcase_add_test(tc, test_room_collect_matches_brute_force_on_any_thread_count);
    tcase_add_test(tc, test_crowd_does_not_stack_people_on_one_spot);
    tcase_add_test(tc, test_waiting_newcomers_step_out_in_turn);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
