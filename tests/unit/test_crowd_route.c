// SPDX-License-Identifier: MIT
// Route choice among alternative routes (crowd/route.h): Weidmann's speed of a density,
// walkers taking a longer corridor round a jammed short one once the fields are priced (and
// walking into the jam without pricing), and the same state for one and two threads.
#include "fixture.h"

#include "crowd/actions.h"
#include "crowd/crowd.h"
#include "crowd/route.h"
#include "world/map_build.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdlib.h>

START_TEST(test_speed_of_density_is_weidmann)
{
    // v/v0 = 1 - exp(-1.913 (1/rho - 1/5.4)) (Weidmann 1993): about 0.79 at 1 person/m²,
    // 0.45 at 2, 0.12 at 4, none at 5.4 and beyond (then the floor).
    ck_assert_float_eq(gops_route_speed_of_density(0, 0.1f), 1.0f);
    ck_assert_float_eq_tol(gops_route_speed_of_density(1, 0.1f), 1 - exp(-1.913 * (1 - 1 / 5.4)), 1e-6);
    ck_assert_float_eq_tol(gops_route_speed_of_density(1, 0.1f), 0.790f, 0.002f);
    ck_assert_float_eq_tol(gops_route_speed_of_density(2, 0.1f), 0.453f, 0.002f);
    ck_assert_float_eq_tol(gops_route_speed_of_density(4, 0.1f), 0.116f, 0.002f);
    ck_assert_float_eq(gops_route_speed_of_density(4, 0.2f), 0.2f);
    ck_assert_float_eq(gops_route_speed_of_density(6, 0.1f), 0.1f);
    for (double rho = 0.1; rho < 6; rho += 0.1) // slower the denser
        ck_assert(gops_route_speed_of_density(rho + 0.1, 0.01f) <= gops_route_speed_of_density(rho, 0.01f));
}
END_TEST

/// Two rooms (12 m deep) joined by a short corridor A (y 5-7, 20 m) and a long one B along
/// their tops (y 12-14, from x 2 to 30); the exit is on the far wall of the right room. From
/// the walkers' start, about 31 m via A and 42 m via B. JAM people stand still in A from
/// x 10 to 22 (about 2.5 persons/m²), and 40 walkers leave the left room for the exit once
/// the first refresh (60 s) has priced the fields.
#define JAM 60
typedef struct route_run {
    uint32_t via_a, via_b, out;
    uint64_t refreshes, hash;
} route_run_t;

static route_run_t corridors(double route_every_s, int threads)
{
    gops_error_t err;
    gops_map_t *m = gops_map_new("corridors");
    const double rects[][4] = {{0, 0, 6, 12},  {26, 0, 32, 12}, {6, 5, 26, 7},
                               {2, 12, 30, 14}};
    for (size_t i = 0; i < sizeof rects / sizeof rects[0]; i++)
        ck_assert_int_ge(
            gops_map_add_rect(m, GOPS_FEAT_PLAZA, NULL, rects[i][0], rects[i][1], rects[i][2], rects[i][3], &err), 0);
    ck_assert_int_eq(gops_map_finish(m, &err), GOPS_OK);
    gops_world_def_t def = gops_world_def_default();
    def.nav_cell_m = 0.1;
    def.threads = threads;
    def.seed = 11;
    gops_world_t *w = gops_world_create_with_map(&def, m, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_crowd_params_t p = gops_crowd_params_default(GOPS_DAY_WEEKDAY);
    p.visitors = false;
    p.arrive_radius_m = 0.2f;
    p.route.every_s = route_every_s;
    gops_crowd_t *c = gops_crowd_attach(w, &p, &err);
    ck_assert_msg(c != NULL, "%s", err.message);
    gops_point_t pts[4] = {{31, 3}, {32, 3}, {32, 9}, {31, 9}};
    gops_path_t ring = {pts, 4};
    gops_polygon_t area = {&ring, 1};
    uint16_t exit;
    ck_assert_int_eq(gops_crowd_add_exit(c, "far wall", &area, &exit, &err), GOPS_OK);
    for (int k = 0; k < JAM; k++) { // the jam: standing, no destination
        gops_spawn_t s = {.x = (float)(10.2 + 0.6 * (k / 3)), .y = (float)(5.4 + 0.6 * (k % 3)), .v0 = 1.2f,
                          .radius = 0.14f, .dest = GOPS_NO_DEST};
        ck_assert_int_eq(gops_crowd_spawn(c, &s, &err), GOPS_OK);
    }
    for (int k = 0; k < 40; k++) { // the walkers, after the first refresh
        gops_spawn_t s = {.at_s = 62 + 0.5 * k, .x = (float)(1 + 0.8 * (k % 5)), .y = (float)(1 + 0.8 * (k / 5 % 3)),
                          .v0 = 1.2f + 0.02f * (float)(k % 10), .radius = 0.14f, .dest = exit};
        ck_assert_int_eq(gops_crowd_spawn(c, &s, &err), GOPS_OK);
    }
    route_run_t r = {0};
    uint8_t seen[2][40] = {{0}}; // by walker (ids from 1: the jam, then the walkers): entered A, B
    const gops_pedestrians_t *peds = gops_crowd_pedestrians(w);
    while (gops_world_elapsed(w) < 240) {
        gops_world_step(w);
        for (uint32_t i = 0; i < peds->count; i++) {
            if (peds->dest[i] != exit || peds->id[i] <= JAM || peds->id[i] > JAM + 40) continue;
            uint32_t id = peds->id[i] - JAM - 1;
            if (peds->x[i] > 6.5f && peds->x[i] < 9.5f && peds->y[i] < 7.5f) seen[0][id] = 1;
            if (peds->y[i] > 12.2f && peds->x[i] < 9.5f) seen[1][id] = 1;
        }
    }
    for (int k = 0; k < 40; k++) r.via_a += seen[0][k] && !seen[1][k], r.via_b += seen[1][k];
    r.out = (uint32_t)gops_crowd_exit_count(c, exit, NULL);
    gops_crowd_action_stats_t st;
    gops_crowd_action_stats(c, &st);
    r.refreshes = st.route_refreshes;
    ck_assert_uint_eq(gops_crowd_stats(c)->wall_violations, 0);
    r.hash = gops_world_state_hash(w);
    gops_world_destroy(w);
    return r;
}

START_TEST(test_walkers_go_round_a_jammed_corridor)
{
    route_run_t priced = corridors(gops_route_params_default().every_s, 1);
    route_run_t plain = corridors(0, 1);
    // Priced: the jam's 12 m at about a third of walking speed add some 20 m to A's 31, more
    // than B's 42; everyone should take B and get out.
    ck_assert_uint_ge(priced.refreshes, 1);
    ck_assert_msg(priced.via_b >= 36, "priced: %u of 40 took the long corridor, %u the jammed one", priced.via_b,
                  priced.via_a);
    ck_assert_uint_ge(priced.out, 36);
    // Unpriced: the distance fields lead everyone into the short corridor and the jam.
    ck_assert_uint_eq(plain.refreshes, 0);
    ck_assert_msg(plain.via_a >= 36, "unpriced: %u of 40 took the short corridor, %u the long one", plain.via_a,
                  plain.via_b);
    ck_assert_uint_lt(plain.out, priced.out);
}
END_TEST

START_TEST(test_priced_routing_same_state_for_any_thread_count)
{
    route_run_t one = corridors(30, 1), two = corridors(30, 2);
    ck_assert_uint_ge(one.refreshes, 1);
    ck_assert_uint_eq(one.refreshes, two.refreshes);
    ck_assert_uint_eq(one.via_b, two.via_b);
    ck_assert_uint_eq(one.hash, two.hash);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crowd_route");
    TCase *tc = tcase_create("crowd_route");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_speed_of_density_is_weidmann);
    tcase_add_test(tc, test_walkers_go_round_a_jammed_corridor);
    tcase_add_test(tc, test_priced_routing_same_state_for_any_thread_count);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
