// SPDX-License-Identifier: MIT
// Traffic car-following suite: the Intelligent Driver Model's equations against hand
// computations (free road, approaching a stopped leader, steady state), the ballistic
// stopping rule, the ring-road capacity validation of VALIDATION.md (50 km/h, T = 1.5 /
// 1.2 / 1.0 s → about 1,470 / 1,700 / 1,900 veh/h/lane, tested within ±7 %), and a long
// random run with lane changes in which no two vehicles ever overlap and no speed is negative.
#include "fixture.h"
#include "traffic/idm.h"
#include "traffic/lab_maps.h"
#include "traffic/traffic_internal.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>

static const gops_idm_t city = {.v0 = 50 / 3.6f, .T = 1.5f, .s0 = 2.0f, .a = 1.0f, .b = 2.0f};

START_TEST(free_road)
{
    // From standstill the full acceleration a; at the desired speed none; above it, braking
    // by a·((v/v0)⁴ − 1): at 2·v0 that is 15·a.
    ck_assert_float_eq_tol(gops_idm_accel(&city, 0, INFINITY, 0), 1.0f, 1e-6f);
    ck_assert_float_eq_tol(gops_idm_accel(&city, city.v0, INFINITY, 0), 0.0f, 1e-5f);
    ck_assert_float_eq_tol(gops_idm_accel(&city, city.v0 / 2, INFINITY, 0), 1.0f - 1.0f / 16, 1e-6f);
    ck_assert_float_eq_tol(gops_idm_accel(&city, 2 * city.v0, INFINITY, 0), -GOPS_IDM_MAX_DECEL, 1e-6f);
    gops_idm_t gentle = city;
    gentle.a = 0.5f;
    ck_assert_float_eq_tol(gops_idm_accel(&gentle, 2 * gentle.v0, INFINITY, 0), -7.5f, 1e-5f);
}
END_TEST

START_TEST(stopped_leader)
{
    // v = 10 m/s, 50 m behind a standing obstacle: s* = 2 + 15 + 10·10/(2·√2) = 52.355 m,
    // acceleration = 1 · (1 − (10/13.889)⁴ − (52.355/50)²) = −0.36516 m/s².
    double s_star = 2 + 10 * 1.5 + 10 * 10 / (2 * sqrt(2.0));
    double r = 10 / (50 / 3.6);
    double expect = 1 - r * r * r * r - (s_star / 50) * (s_star / 50);
    ck_assert_double_eq_tol(gops_idm_accel(&city, 10, 50, 0), expect, 1e-4);
    ck_assert_double_eq_tol(expect, -0.36516, 1e-4);
    // At the jam gap and standing still, a standing leader gives exactly zero acceleration.
    ck_assert_float_eq_tol(gops_idm_accel(&city, 0, city.s0, 0), 0.0f, 1e-6f);
    // Closer than the jam gap pushes back; no gap at all is an emergency stop.
    ck_assert_float_lt(gops_idm_accel(&city, 0, 1.0f, 0), -2.9f);
    ck_assert_float_eq(gops_idm_accel(&city, 5, 0, 0), -GOPS_IDM_MAX_DECEL);
    // Following a leader at the same speed at the steady-state gap: no acceleration.
    double gap = gops_idm_equilibrium_gap(&city, 8.0);
    ck_assert_float_eq_tol(gops_idm_accel(&city, 8.0f, (float)gap, 8.0f), 0.0f, 1e-4f);
    ck_assert_double_eq_tol(gap, (2 + 8 * 1.5) / sqrt(1 - pow(8 / (double)city.v0, 4)), 1e-9);
}
END_TEST

START_TEST(ballistic_stop_rule)
{
    float v1;
    // Normal step: ds = v·dt + a·dt²/2.
    ck_assert_float_eq_tol(gops_idm_advance(10, 1, 0.5f, &v1), 5.125f, 1e-6f);
    ck_assert_float_eq_tol(v1, 10.5f, 1e-6f);
    // Braking to a stop within the step: it stops after v²/(2|a|) and never reverses.
    ck_assert_float_eq_tol(gops_idm_advance(2, -9, 0.5f, &v1), 4.0f / 18.0f, 1e-6f);
    ck_assert_float_eq(v1, 0);
    ck_assert_float_eq(gops_idm_advance(0, -3, 0.5f, &v1), 0);
    ck_assert_float_eq(v1, 0);
}
END_TEST

START_TEST(capacity_formula)
{
    // The steady-state capacity of identical 5 m cars (VALIDATION.md): 1,467 / 1,698 / 1,899.
    const double T[3] = {1.5, 1.2, 1.0}, ref[3] = {1467.5, 1697.6, 1898.7};
    for (int k = 0; k < 3; k++) {
        gops_idm_t p = city;
        p.T = (float)T[k];
        double v;
        ck_assert_double_eq_tol(gops_idm_capacity_vph(&p, 5.0, &v), ref[k], 0.5);
        ck_assert(v > 8.5 && v < 10);
    }
}
END_TEST

// ---- the ring road ------------------------------------------------------------------------

static gops_world_t *ring_world(double length, int lanes, gops_traffic_params_t *p, gops_traffic_t **out)
{
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 0.5;
    def.nav_cell_m = 4;
    gops_error_t err;
    gops_world_t *w = gops_world_create_with_map(&def, gops_lab_ring(length, lanes, 50), &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    *out = gops_traffic_attach(w, p, &err);
    ck_assert_msg(*out != NULL, "%s", err.message);
    return w;
}

static gops_traffic_params_t quiet_params(void)
{
    gops_traffic_params_t p = gops_traffic_params_default();
    p.demand = false;
    p.pedestrian_standin = false;
    return p;
}

// Flow (veh/h) on a single-lane ring of n identical cars standing evenly spaced at t = 0,
// over the 5 minutes after a 10-minute settling time.
static double ring_flow(double T, int n)
{
    gops_traffic_params_t p = quiet_params();
    gops_vclass_params_t *car = &p.vclass[GOPS_VCLASS_CAR];
    car->T = (float)T;
    car->a = 1.0f;
    car->v0_spread = 0;
    car->v0_factor = 1;
    gops_traffic_t *t;
    gops_world_t *w = ring_world(2000, 1, &p, &t);
    double half = t->net->arcs[0].length, total = 2 * half;
    for (int k = 0; k < n; k++) {
        double s = k * total / n + 6;
        uint32_t arc = s < half ? 0 : 2;
        if (arc == 2) s -= half;
        if (s < 3) s = 3;
        ck_assert_uint_ne(gops_traffic_spawn(t, GOPS_VCLASS_CAR, arc, 0, s, 0, GOPS_TRAFFIC_NONE), 0);
    }
    for (int k = 0; k < 1800; k++) gops_world_step(w);
    gops_traffic_arc_measures_t m;
    gops_traffic_arc_measures(t, 0, &m);
    gops_world_destroy(w);
    return m.flow_vph;
}

static void check_capacity(double T, double reference)
{
    // The maximum over densities around the capacity density.
    double best = 0;
    for (int n = 80; n <= 120; n += 10) {
        double q = ring_flow(T, n);
        if (q > best) best = q;
    }
    printf("ring road, 50 km/h, T = %.1f s: capacity %.0f veh/h/lane (reference %.0f, %+.1f %%)\n", T, best, reference,
           100 * (best / reference - 1));
    ck_assert_msg(fabs(best / reference - 1) <= 0.07, "capacity %.0f vs %.0f", best, reference);
}

START_TEST(ring_capacity_t15) { check_capacity(1.5, 1470); }
END_TEST
START_TEST(ring_capacity_t12) { check_capacity(1.2, 1700); }
END_TEST
START_TEST(ring_capacity_t10) { check_capacity(1.0, 1900); }
END_TEST

START_TEST(long_random_run_no_collisions)
{
    // A 1 km two-lane ring, 120 cars, vans and buses at random positions and speeds with
    // drivers' own desired speeds; lane changes on. Every step: in every lane no two
    // vehicles overlap and no speed is negative.
    gops_traffic_params_t p = quiet_params();
    gops_traffic_t *t;
    gops_world_t *w = ring_world(1000, 2, &p, &t);
    gops_rng_t rng;
    gops_rng_seed(&rng, 42, GOPS_STREAM_BENCH);
    const gops_vclass_t classes[3] = {GOPS_VCLASS_CAR, GOPS_VCLASS_VAN, GOPS_VCLASS_BUS};
    uint32_t placed = 0;
    for (int tries = 0; tries < 2000 && placed < 120; tries++) {
        uint32_t arc = gops_rng_below(&rng, 2) ? 2 : 0;
        double s = gops_rng_range(&rng, 13, t->net->arcs[arc].length - 1);
        placed += gops_traffic_spawn(t, classes[gops_rng_below(&rng, 3)], arc, (uint32_t)gops_rng_below(&rng, 2), s,
                                     gops_rng_range(&rng, 0, 14), GOPS_TRAFFIC_NONE) != 0;
    }
    ck_assert_uint_ge(placed, 100);
    uint64_t changes = 0;
    uint32_t lane_of[256] = {0}; // by vehicle id: lane before the step
    for (uint32_t i = 0; i < t->veh.count; i++) lane_of[t->veh.id[i]] = t->veh.lane[i];
    for (int step = 0; step < 7200; step++) { // one hour
        gops_world_step(w);
        const gops_vehicles_t *V = &t->veh;
        const gops_lane_index_t *X = &t->index;
        ck_assert_uint_eq(V->count, placed);
        for (uint32_t l = 0; l < t->net->lane_count; l++) {
            for (uint32_t k = X->start[l]; k < X->start[l + 1]; k++) {
                uint32_t i = X->items[k];
                ck_assert_float_ge(V->v[i], 0);
                ck_assert(isfinite(V->s[i]) && isfinite(V->v[i]));
                if (k == X->start[l]) continue;
                uint32_t j = X->items[k - 1];
                float gap = V->s[j] - p.vclass[V->cls[j]].length - V->s[i];
                ck_assert_msg(gap >= 0, "overlap of %.3f m in lane %u at step %d", gap, l, step);
            }
        }
        for (uint32_t i = 0; i < V->count; i++) {
            // Same arc, other lane: a lane change (an arc transfer changes the arc).
            uint32_t before = lane_of[V->id[i]], now = V->lane[i];
            changes += t->net->lanes[before].arc == t->net->lanes[now].arc && before != now;
            lane_of[V->id[i]] = now;
        }
    }
    ck_assert_uint_gt(changes, 10); // drivers did change lanes
    gops_world_destroy(w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("traffic_idm");
    TCase *eq = tcase_create("equations");
    tcase_add_test(eq, free_road);
    tcase_add_test(eq, stopped_leader);
    tcase_add_test(eq, ballistic_stop_rule);
    tcase_add_test(eq, capacity_formula);
    suite_add_tcase(s, eq);
    TCase *ring = tcase_create("ring");
    tcase_set_timeout(ring, 300);
    tcase_add_test(ring, ring_capacity_t15);
    tcase_add_test(ring, ring_capacity_t12);
    tcase_add_test(ring, ring_capacity_t10);
    tcase_add_test(ring, long_random_run_no_collisions);
    suite_add_tcase(s, ring);
    return gops_test_run(s);
}
