// SPDX-License-Identifier: MIT
// Footprints narrow the walkway: the free width of a cross-section and a sidewalk's local
// width with and without a cart (hand-computed on a 5 m walkway), the cells a disc blocks,
// a vendor's footprint published in the obstacle list with its version, and the walking
// model on a 4 m periodic corridor: a 1.6 m footprint at the kerb (free width 4 → 2.4 m)
// lowers the flow and raises the density behind it.
#include "fixture.h"

#include "../validation/crowd_lab.h"
#include "vendors/vendors.h"
#include "vendors/vendors_internal.h"
#include "world/map_build.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>

static gops_error_t err;

/// A 100 m × 5 m walkway at 1 m cells.
static gops_walkable_t *walkway(gops_map_t **map)
{
    gops_map_t *m = gops_map_new("walkway");
    ck_assert_int_ge(gops_map_add_rect(m, GOPS_FEAT_WALKWAY, "w", 0, 0, 100, 5, &err), 0);
    ck_assert_int_eq(gops_map_finish(m, &err), GOPS_OK);
    gops_walkable_def_t def = gops_walkable_def_default();
    gops_walkable_t *w = gops_walkable_build(m, &def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    *map = m;
    return w;
}

START_TEST(test_free_width_of_section)
{
    gops_map_t *map;
    gops_walkable_t *w = walkway(&map);
    gops_point_t a = {50, -1}, b = {50, 6};
    // 700 samples of 1 cm across 7 m, of which y in [0, 5) are walkable: 5.00 m.
    ck_assert_double_eq_tol(gops_obstruction_free_width(w, NULL, 0, a, b, 700), 5.0, 1e-9);
    // A cart of radius 0.9 m in the middle takes 1.8 m: 3.2 m left (to the sampling's 1 cm).
    gops_disc_t cart = {50, 2.5, 0.9};
    ck_assert_double_eq_tol(gops_obstruction_free_width(w, &cart, 1, a, b, 700), 3.2, 0.011);
    // At the kerb (centre 0.9 m from the edge) it takes the same 1.8 m.
    gops_disc_t kerb = {50, 0.9, 0.9};
    ck_assert_double_eq_tol(gops_obstruction_free_width(w, &kerb, 1, a, b, 700), 3.2, 0.011);
    // A section that misses it is untouched.
    ck_assert_double_eq_tol(gops_obstruction_free_width(w, &cart, 1, (gops_point_t){60, -1}, (gops_point_t){60, 6}, 700),
                            5.0, 1e-9);
    // The local width at the cart: the walkway's cross-section (north-south, 5 m) and what
    // is left beside the cart, sampled every 0.1 m.
    double before, after;
    gops_obstruction_local_width(w, &cart, 1, (gops_point_t){50, 2.5}, 10, 0.1, &before, &after);
    ck_assert_double_eq_tol(before, 5.0, 0.1 + 1e-9);
    ck_assert_double_eq_tol(after, 3.2, 0.2);
    gops_obstruction_local_width(w, &cart, 1, (gops_point_t){50, 7}, 10, 0.1, &before, &after);
    ck_assert_double_eq(before, 0.0); // not on the walkway
    // Either side across it: 1.5 m to the south edge and 3.5 m to the north from y = 1.5,
    // each within half of the 0.25 m step; a reach of 2 m stops the north side at 2.125 m.
    double minus, plus;
    gops_obstruction_cross_section(w, (gops_point_t){50, 1.5}, 10, 0.25, &minus, &plus);
    ck_assert_double_eq_tol(minus, 1.5, 0.125 + 1e-9);
    ck_assert_double_eq_tol(plus, 3.5, 0.125 + 1e-9);
    gops_obstruction_cross_section(w, (gops_point_t){50, 1.5}, 2, 0.25, &minus, &plus);
    ck_assert_double_eq_tol(plus, 2.125, 1e-9);
    gops_obstruction_cross_section(w, (gops_point_t){50, 7}, 10, 0.25, &minus, &plus);
    ck_assert(minus == 0 && plus == 0); // not on the walkway
    gops_walkable_destroy(w);
    gops_map_destroy(map);
}
END_TEST

START_TEST(test_blocked_cells)
{
    gops_map_t *map;
    gops_walkable_t *w = walkway(&map);
    uint8_t *blocked = calloc(w->count, 1);
    // Cell centres (49.5, 2.5) and (50.5, 2.5) lie 0.5 m from (50, 2.5); the next ones out
    // are sqrt(0.5² + 1²) = 1.12 m away.
    gops_disc_t cart = {50, 2.5, 0.9};
    ck_assert_uint_eq(gops_obstruction_mark(w, &cart, 1, blocked), 2);
    ck_assert(gops_discs_contain(&cart, 1, (gops_point_t){49.5, 2.5}));
    ck_assert(!gops_discs_contain(&cart, 1, (gops_point_t){49.5, 1.5}));
    uint32_t k = gops_walkable_index(w, gops_walkable_cell_at(w, (gops_point_t){49.5, 2.5}));
    ck_assert_uint_eq(blocked[k], 1);
    ck_assert_uint_eq(gops_obstruction_mark(w, &cart, 1, blocked), 0); // already marked
    gops_disc_t big = {50, 2.5, 1.2};
    ck_assert_uint_eq(gops_obstruction_mark(w, &big, 1, blocked), 4); // (49.5|50.5, 1.5|3.5) at 1.12 m
    free(blocked);
    gops_walkable_destroy(w);
    gops_map_destroy(map);
}
END_TEST

static uint32_t nobody(void *user, double now_s, gops_enforcer_t *out, uint32_t cap)
{
    (void)user, (void)now_s, (void)out, (void)cap;
    return 0;
}

/// A 100 m × 5 m walkway with a metro exit in its middle, 1 s steps, and one cart out all
/// day that arrives at once and never meets enforcement.
static gops_world_t *one_cart_world(gops_vendors_t **v)
{
    gops_map_t *m = gops_map_new("lab");
    ck_assert_int_ge(gops_map_add_rect(m, GOPS_FEAT_WALKWAY, "w", 0, 0, 100, 5, &err), 0);
    int32_t a = gops_map_add_point(m, GOPS_FEAT_TRANSIT, "exit", 50, 2.5, &err);
    m->features[a].u.transit.mode = GOPS_TRANSIT_METRO_EXIT;
    ck_assert_int_eq(gops_map_finish(m, &err), GOPS_OK);
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 1.0;
    gops_world_t *w = gops_world_create_with_map(&def, m, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_vendors_params_t p = gops_vendors_params_default();
    for (int k = 0; k < GOPS_MODE_COUNT; k++) p.mobile[k] = 1;
    for (int h = 0; h < 24; h++) p.hour_share[h] = 1.0;
    p.arrive_mean_s = 1;
    *v = gops_vendors_attach(w, &p, &err);
    ck_assert_msg(*v != NULL, "%s", err.message);
    gops_vendors_set_enforcers(*v, nobody, NULL);
    return w;
}

START_TEST(test_vendor_footprint_published)
{
    gops_vendors_t *v;
    gops_world_t *w = one_cart_world(&v);
    uint32_t n;
    uint64_t version0;
    gops_vendors_obstacles(v, &n, &version0);
    ck_assert_uint_eq(n, 0);
    for (int t = 0; t < 600; t++) gops_world_step(w);
    uint64_t version;
    const gops_disc_t *d = gops_vendors_obstacles(v, &n, &version);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_gt(version, version0);
    gops_vendor_info_t info;
    ck_assert(gops_vendors_get(v, gops_vendors_count(v) - 1, &info));
    ck_assert_int_eq(info.state, GOPS_VENDOR_TRADING);
    ck_assert_double_eq(d[0].x, info.at.x);
    ck_assert_double_eq(d[0].y, info.at.y);
    ck_assert_double_eq_tol(d[0].r, 0.9, 1e-12); // nobody passes: no customers, no spill
    gops_world_step(w);
    uint64_t again;
    gops_vendors_obstacles(v, &n, &again);
    ck_assert_uint_eq(again, version); // nothing changed, same version
    gops_vendors_measures_t ms;
    gops_vendors_measures(v, &ms);
    // The 5 m walkway loses about the cart's 1.8 m where it stands.
    ck_assert_uint_eq(ms.width_samples, 1);
    ck_assert_double_eq_tol(ms.width_before_m, 5.0, 0.11);
    // A cart stands flush with an edge, its centre in the 1 m cell along it, and leaves
    // 5 − 0.5 − 0.9 = 3.6 m (0.1 m sampling); in the middle, or a cell further in, it would
    // leave gaps under the 2 m clear width (1.6 m, or 0.6 m and 2.6 m).
    ck_assert_msg(ms.width_after_m > 3.5 && ms.width_after_m < 3.65, "%.2f m", ms.width_after_m);
    // On the street (setting up, then trading) from the first second or two: 601 steps
    // measured, at most 600 of them on the street.
    ck_assert_msg(ms.obstruction_min > 9.5 && ms.obstruction_min <= 10.0 + 1e-9, "%.3f min", ms.obstruction_min);
    ck_assert_double_eq(ms.obstruction_ped_min, 0.0); // nobody around
    gops_world_destroy(w);
}
END_TEST

/// Mean speed along a 4 m periodic corridor at `density`, with a `block_w` × `block_h`
/// footprint at the kerb (y from 0) mid-corridor, or none when block_w is 0.
static void corridor_run(double density, double block_w, double block_h, double *speed, double *behind_density,
                         double *free_width)
{
    lab_t lab;
    lab_init(&lab, 5);
    lab.params.periodic_x = 30;
    lab.params.periodic_min_x = 0;
    lab.fixed_ex = 1, lab.fixed_ey = 0;
    double x0 = 15 - block_w / 2, x1 = 15 + block_w / 2;
    if (block_w > 0) {
        ck_assert(lab_add_floor(&lab, -2.5, 0, x0, 4));
        ck_assert(lab_add_floor(&lab, x1, 0, 32.5, 4));
        ck_assert(lab_add_floor(&lab, x0 - 0.01, block_h, x1 + 0.01, 4));
    } else {
        ck_assert(lab_add_floor(&lab, -2.5, 0, 32.5, 4));
    }
    ck_assert_msg(lab_build(&lab, &err), "%s", err.message);
    *free_width = gops_obstruction_free_width(lab.walk, NULL, 0, (gops_point_t){15, -1}, (gops_point_t){15, 5}, 600);
    uint32_t count = (uint32_t)floor(density * 30 * 4 + 0.5);
    ck_assert(lab_spawn_random(&lab, count, 0, 0.25, 30, 3.75, 1.34, 0.26));
    double sum = 0, behind = 0;
    uint64_t n = 0, samples = 0;
    for (int s = 0; s < 1200; s++) { // 2 min: 1 min to settle, 1 min measured
        ck_assert(lab_step(&lab, 1, &err));
        if (s < 600) continue;
        for (uint32_t i = 0; i < lab.peds.count; i++) {
            sum += lab.peds.vx[i];
            n++;
            behind += lab.peds.x[i] >= x0 - 5 && lab.peds.x[i] < x0; // the 5 m before the footprint
        }
        samples++;
    }
    *speed = sum / (double)n;
    *behind_density = behind / (double)samples / (5.0 * 4.0);
    lab_free(&lab);
}

// A queue grows the footprint only as far as each side across the walkway that the cart
// does not close keeps the clear width.
START_TEST(test_queue_keeps_the_open_side_clear)
{
    gops_vendors_t *v;
    gops_world_t *w = one_cart_world(&v);
    for (int t = 0; t < 600; t++) gops_world_step(w);
    gops_vendor_t *vd = &v->vendors[v->vendor_count - 1];
    ck_assert_int_eq(vd->state, GOPS_VENDOR_TRADING);
    const gops_vendors_params_t *p = &v->params;
    vd->queue.waiting = p->customers.balk; // a full queue: 6 customers beyond the frontage
    double full = gops_queue_footprint_m(p->mobile_radius_m, gops_queue_spill(&vd->queue, &p->customers),
                                         p->customers.area_m2);
    ck_assert_double_eq_tol(full, 1.33, 0.005); // the 0.9 m cart's 2.54 m² and 3 m² of customers
    gops_vendors_rebuild_obstacles(v);
    ck_assert_double_eq(v->obstacles[0].r, full); // flush with an edge, 4.45 m open on the other side
    // A cart 1.8 m from the south edge (one that found no pitch stands where it got to): 0.9 m
    // between its rim and that edge, which its customers do not narrow, though the walkway's
    // 5 m would hold them ((5 − 2) / 2 = 1.5 m ≥ 1.33 m).
    vd->at.y = 1.8;
    const gops_walkable_t *walk = gops_world_district(w)->walk;
    gops_obstruction_cross_section(walk, vd->at, GOPS_PITCH_WALKWAY_REACH_M, 0.1, &vd->side_m[0], &vd->side_m[1]);
    gops_vendors_rebuild_obstacles(v);
    ck_assert_double_eq(v->obstacles[0].r, p->mobile_radius_m);
    gops_world_destroy(w);
}
END_TEST

START_TEST(test_footprint_slows_the_crowd)
{
    double v_free, v_block, d_free, d_block, w_free, w_block;
    corridor_run(1.5, 0, 0, &v_free, &d_free, &w_free);
    corridor_run(1.5, 1.6, 1.6, &v_block, &d_block, &w_block);
    ck_assert_double_eq_tol(w_free, 4.0, 0.02);
    ck_assert_double_eq_tol(w_block, 2.4, 0.11);
    fprintf(stderr, "corridor 1.5 persons/m²: free %.3f m/s, %.2f /m² behind; footprint %.3f m/s, %.2f /m² behind\n",
            v_free, d_free, v_block, d_block);
    ck_assert_msg(v_block < 0.85 * v_free, "speed %.3f with the footprint vs %.3f without", v_block, v_free);
    ck_assert_msg(d_block > 1.1 * d_free, "density behind %.2f vs %.2f", d_block, d_free);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vendors_obstruction");
    TCase *tc = tcase_create("obstruction");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_free_width_of_section);
    tcase_add_test(tc, test_blocked_cells);
    tcase_add_test(tc, test_vendor_footprint_published);
    tcase_add_test(tc, test_queue_keeps_the_open_side_clear);
    tcase_add_test(tc, test_footprint_slows_the_crowd);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
