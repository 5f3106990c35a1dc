// SPDX-License-Identifier: MIT
// Counter-flow: two groups walking head-on through a corridor must pass each other. A
// first-order model whose repulsion acts along the line between centres brings two people
// who meet face to face to a standstill, and a two-way stream in a street packs into a
// jam that never clears (the model has no reason to step aside). The walking model's
// keep-right rule (walk.c) breaks that symmetry: every group here must get through in
// a bounded time, with the invariants of the validation suite (no wall crossing, no deep
// overlaps).
#include "fixture.h"

#include "../validation/crowd_lab.h"

#include <stdio.h>

static gops_error_t err;

static void setup(void)
{
    gops_error_clear(&err);
}

typedef struct counterflow_result {
    double end_s;          ///< when the last one arrived (or the limit), s
    uint32_t left;         ///< still on the floor at the limit
    double peak_density;   ///< most people in any 1 m slice of the corridor, per m²
    double max_overlap_m;  ///< deepest overlap, sampled every second
    uint32_t crossings;    ///< wall crossings over the whole run
} counterflow_result_t;

// A corridor `length` × `width` m; `per_side` people start in the first and last quarter,
// walking towards the other end (desired direction fixed), and leave at the far end.
static bool counterflow_run(double length, double width, uint32_t per_side, uint64_t seed, double limit_s,
                            counterflow_result_t *out)
{
    memset(out, 0, sizeof *out);
    lab_t lab;
    lab_init(&lab, seed);
    bool ok = lab_add_floor(&lab, 0, 0, length, width) && lab_build(&lab, &err) &&
              lab_spawn_random(&lab, per_side, 1, 0, length / 4, width, 1.34, 0.26);
    uint32_t east = lab.peds.count;
    ok = ok && lab_spawn_random(&lab, per_side, length * 3 / 4, 0, length - 1, width, 1.34, 0.26);
    for (uint32_t i = 0; ok && i < lab.peds.count; i++) lab.peds.ex[i] = i < east ? 1.0f : -1.0f, lab.peds.ey[i] = 0;
    uint32_t slices = (uint32_t)ceil(length);
    float *px = malloc(((size_t)lab.peds.count + 1) * sizeof *px), *py = malloc(((size_t)lab.peds.count + 1) * sizeof *py);
    uint32_t *in_slice = calloc(slices, sizeof *in_slice);
    ok = ok && px && py && in_slice;
    while (ok && lab.peds.count > 0 && lab.t < limit_s) {
        memcpy(px, lab.peds.x, lab.peds.count * sizeof *px);
        memcpy(py, lab.peds.y, lab.peds.count * sizeof *py);
        ok = gops_walk_step(&lab.ctx, &lab.peds, &lab.params, LAB_DT, 1, &err) == GOPS_OK;
        lab.t += LAB_DT;
        out->crossings += lab_wall_crossings(&lab, px, py);
        memset(in_slice, 0, slices * sizeof *in_slice);
        for (uint32_t i = 0; i < lab.peds.count; i++) {
            uint32_t s = (uint32_t)fmin(slices - 1, fmax(0, lab.peds.x[i]));
            double density = ++in_slice[s] / width;
            if (density > out->peak_density) out->peak_density = density;
        }
        if (lab.steps++ % 10 == 0) out->max_overlap_m = fmax(out->max_overlap_m, lab_max_overlap(&lab));
        // Arrivals: the eastbound leave past the last metre, the westbound before the first.
        for (uint32_t i = lab.peds.count; i-- > 0;)
            if ((lab.peds.ex[i] > 0 && lab.peds.x[i] > length - 1) || (lab.peds.ex[i] < 0 && lab.peds.x[i] < 1))
                gops_pedestrians_remove(&lab.peds, i);
    }
    out->end_s = lab.t;
    out->left = lab.peds.count;
    free(px), free(py), free(in_slice);
    lab_free(&lab);
    return ok;
}

// Two people face to face in a 2 m wide corridor, exactly on the same line: the symmetric
// case a purely radial repulsion can never resolve. Free walking takes 13.4 s for 18 m.
START_TEST(test_two_face_to_face)
{
    lab_t lab;
    lab_init(&lab, 1);
    ck_assert_msg(lab_add_floor(&lab, 0, 0, 20, 2) && lab_build(&lab, &err), "%s", err.message);
    ck_assert_uint_ne(gops_pedestrians_add(&lab.peds, 1, 1, 1.34f, 0.14f, GOPS_SPEED_UNDER_30), UINT32_MAX);
    ck_assert_uint_ne(gops_pedestrians_add(&lab.peds, 19, 1, 1.34f, 0.14f, GOPS_SPEED_UNDER_30), UINT32_MAX);
    lab.peds.ex[0] = 1, lab.peds.ex[1] = -1;
    lab.peds.ey[0] = lab.peds.ey[1] = 0;
    double passed_at = -1;
    for (int step = 0; step < 300 && passed_at < 0; step++) {
        ck_assert_msg(gops_walk_step(&lab.ctx, &lab.peds, &lab.params, LAB_DT, 1, &err) == GOPS_OK, "%s", err.message);
        if (lab.peds.x[0] > lab.peds.x[1] + 1) passed_at = (step + 1) * LAB_DT;
    }
    printf("counterflow: two face to face in a 2 m corridor passed each other after %.1f s "
           "(free walking meets at 6.7 s); eastbound y %.2f m, westbound y %.2f m\n",
           passed_at, lab.peds.y[0], lab.peds.y[1]);
    ck_assert_msg(passed_at > 0, "still face to face after 30 s");
    ck_assert_double_le(passed_at, 9);
    // Each stepped to its own right (y is north): eastbound south of the westbound.
    ck_assert_float_lt(lab.peds.y[0], lab.peds.y[1]);
    lab_free(&lab);
}
END_TEST

// Two groups through a street, at two widths and seeds. Bound: three times the free
// walking time over the corridor (the streams slow each other, they must not stop).
static const struct {
    double length, width;
    uint32_t per_side;
} streets[] = {{20, 2.0, 25}, {20, 4.0, 60}, {30, 3.0, 60}};

START_TEST(test_two_groups_pass)
{
    for (uint64_t seed = 1; seed <= 2; seed++) {
        counterflow_result_t res;
        double free_s = streets[_i].length / 1.34, limit = 3 * free_s;
        ck_assert_msg(counterflow_run(streets[_i].length, streets[_i].width, streets[_i].per_side, seed, 4 * limit, &res),
                      "%s", err.message);
        printf("counterflow: %.0f m x %.1f m, %u each way (seed %d): last through after %.1f s (bound %.1f s), "
               "%u left, peak %.2f /m2 in a 1 m slice, deepest overlap %.3f m, wall crossings %u\n",
               streets[_i].length, streets[_i].width, streets[_i].per_side, (int)seed, res.end_s, limit, res.left,
               res.peak_density, res.max_overlap_m, res.crossings);
        ck_assert_uint_eq(res.left, 0);
        ck_assert_double_le(res.end_s, limit);
        ck_assert_uint_eq(res.crossings, 0);
        ck_assert_double_le(res.max_overlap_m, 0.05);
    }
}
END_TEST

static Suite *counterflow_suite(void)
{
    Suite *s = suite_create("crowd_counterflow");
    TCase *tc = tcase_create("head-on");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_two_face_to_face);
    tcase_add_loop_test(tc, test_two_groups_pass, 0, 3);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(counterflow_suite());
}
