// SPDX-License-Identifier: MIT
// Counter-flow: two groups walking head-on through a corridor must pass each other. A
// first-order model whose repulsion acts along the line between centres brings two people
// who meet face to face to a standstill, and a two-way stream in a street packs into a
// jam that never clears (the model has no reason to step aside). The walking model's
// keep-right rule (walk.c) breaks that symmetry: every group here must get through in
// a bounded time, with the invariants of the validation suite (no wall crossing, no deep
// overlaps); the lanes rule sorts two-way streets before they meet; and walkers get
// through a crowd standing in a place, whose people step aside.
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
    uint32_t mid_passes;   ///< crossings of the corridor's middle (x = length / 2)
    uint32_t mid_right;    ///< of them, on the walker's own right half
} counterflow_result_t;

// A corridor `length` × `width` m; `per_side` people start in the first and last quarter,
// walking towards the other end (desired direction fixed), and leave at the far end.
// lookahead_m: the walking model's lane_lookahead_m, or < 0 for its default.
static bool counterflow_run(double length, double width, uint32_t per_side, uint64_t seed, double limit_s,
                            float lookahead_m, counterflow_result_t *out)
{
    memset(out, 0, sizeof *out);
    lab_t lab;
    lab_init(&lab, seed);
    if (lookahead_m >= 0) lab.params.lane_lookahead_m = lookahead_m;
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
        for (uint32_t i = 0; i < lab.peds.count; i++) {
            if ((px[i] < length / 2) == (lab.peds.x[i] < length / 2)) continue;
            out->mid_passes++; // the eastbound's right is south (small y), the westbound's north
            out->mid_right += (lab.peds.ex[i] > 0) == (lab.peds.y[i] < width / 2);
        }
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
        ck_assert_msg(counterflow_run(streets[_i].length, streets[_i].width, streets[_i].per_side, seed, 4 * limit, -1,
                                      &res),
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

// Lanes: people who watch their path a few metres ahead and keep right as soon as others
// come towards them sort a two-way street into two lanes before the streams meet (walk.c,
// keep_right_lane). Measured where each walker passes the middle of a 40 m x 4 m street,
// 50 each way starting spread over its width: the share on their own right half.
START_TEST(test_lanes_form)
{
    for (uint64_t seed = 1; seed <= 4; seed++) {
        counterflow_result_t lanes, plain;
        ck_assert_msg(counterflow_run(40, 4, 50, seed, 240, -1, &lanes), "%s", err.message);
        ck_assert_msg(counterflow_run(40, 4, 50, seed, 240, 0, &plain), "%s", err.message);
        double share = (double)lanes.mid_right / lanes.mid_passes, share0 = (double)plain.mid_right / plain.mid_passes;
        printf("counterflow: 40 m x 4 m, 50 each way (seed %d): %.0f %% pass the middle on their right, last through "
               "after %.1f s; close-range keep-right only: %.0f %%, %.1f s\n",
               (int)seed, 100 * share, lanes.end_s, 100 * share0, plain.end_s);
        fflush(stdout);
        ck_assert_uint_eq(lanes.left, 0);
        ck_assert_uint_eq(lanes.mid_passes, 100);
        ck_assert_double_ge(share, 0.95);
        ck_assert_uint_eq(lanes.crossings, 0);
        ck_assert_double_le(lanes.max_overlap_m, 0.05);
    }
}
END_TEST

// Through a standing crowd: people lingering in a place shuffle aside for a walker who
// presses on them (walk.c, step_aside); untagged, a standing crowd is a wall nobody gets
// through. 60 people stand over 4 m x 6 m of a 20 m x 6 m street (2.5 persons/m²); 5
// walkers start west of them and must get past x = 18 m within 60 s.
static uint32_t through_standing_crowd(bool aside, double *max_shift_m, double *max_overlap_m)
{
    lab_t lab;
    lab_init(&lab, 7);
    ck_assert_msg(lab_add_floor(&lab, 0, 0, 20, 6) && lab_build(&lab, &err), "%s", err.message);
    ck_assert(lab_spawn_lattice(&lab, 60, 8, 0, 12, 6, 1.34, 0));
    uint32_t standing = lab.peds.count;
    ck_assert(lab_spawn_random(&lab, 5, 1, 1, 3, 5, 1.34, 0.26));
    uint8_t tags[65] = {0};
    float x0[60], y0[60];
    for (uint32_t i = 0; i < lab.peds.count; i++) {
        bool walker = i >= standing;
        lab.peds.ex[i] = walker ? 1.0f : 0.0f, lab.peds.ey[i] = 0;
        tags[i] = walker ? 0 : 1;
        if (!walker) x0[i] = lab.peds.x[i], y0[i] = lab.peds.y[i];
    }
    lab.ctx.tags = aside ? tags : NULL, lab.ctx.aside_tag = 1;
    *max_overlap_m = 0;
    for (int step = 0; step < 600; step++) {
        ck_assert_msg(gops_walk_step(&lab.ctx, &lab.peds, &lab.params, LAB_DT, 1, &err) == GOPS_OK, "%s", err.message);
        if (step % 10 == 0) *max_overlap_m = fmax(*max_overlap_m, lab_max_overlap(&lab));
    }
    uint32_t through = 0;
    for (uint32_t i = standing; i < lab.peds.count; i++) through += lab.peds.x[i] > 18;
    *max_shift_m = 0;
    for (uint32_t i = 0; i < standing; i++)
        *max_shift_m = fmax(*max_shift_m, hypot(lab.peds.x[i] - x0[i], lab.peds.y[i] - y0[i]));
    lab_free(&lab);
    return through;
}

START_TEST(test_through_standing_crowd)
{
    double shift, overlap, shift0, overlap0;
    uint32_t through = through_standing_crowd(true, &shift, &overlap);
    uint32_t through0 = through_standing_crowd(false, &shift0, &overlap0);
    printf("standing crowd of 60 at 2.5 persons/m2: %u of 5 walkers through in 60 s (standing people moved at most "
           "%.2f m, deepest overlap %.3f m); nobody stepping aside: %u through\n",
           through, shift, overlap, through0);
    fflush(stdout);
    ck_assert_uint_eq(through, 5);
    ck_assert_uint_eq(through0, 0);
    ck_assert_double_eq(shift0, 0);
    ck_assert_double_le(overlap, 0.05);
}
END_TEST

// A standoff: two walkers face to face in a 0.6 m passage, too narrow to pass, and two more
// walking up behind the eastbound one. Once stopped head on for a second, it counts as
// waiting its turn (walk.c, stuck_head_on), so those behind keep the queue gap (0.15 m)
// rather than press on: centre distances of 0.28 + 0.15 m plus where the repulsion balances
// (about 0.2 m), against about 0.49 m without the gap.
typedef struct standoff {
    float follower_gap_m[2]; ///< centre distance of each follower to the one ahead of it, m
    uint8_t queueing[3];     ///< the stuck walker, then the two followers
} standoff_t;

static standoff_t standoff(float queue_gap_m)
{
    lab_t lab;
    lab_init(&lab, 3);
    lab.params.queue_gap_m = queue_gap_m;
    ck_assert_msg(lab_add_floor(&lab, 0, 0, 12, 0.6) && lab_build(&lab, &err), "%s", err.message);
    const float x[4] = {6.0f, 7.0f, 4.0f, 2.5f}, ex[4] = {1, -1, 1, 1}; // stuck, oncoming, followers
    for (int k = 0; k < 4; k++) {
        uint32_t i = gops_pedestrians_add(&lab.peds, x[k], 0.3f, 1.34f, 0.14f, GOPS_SPEED_UNDER_30);
        ck_assert_uint_eq(i, (uint32_t)k);
        lab.peds.ex[i] = ex[k], lab.peds.ey[i] = 0;
    }
    for (int step = 0; step < 300; step++)
        ck_assert_msg(gops_walk_step(&lab.ctx, &lab.peds, &lab.params, LAB_DT, 1, &err) == GOPS_OK, "%s", err.message);
    standoff_t out = {
        .follower_gap_m = {hypotf(lab.peds.x[0] - lab.peds.x[2], lab.peds.y[0] - lab.peds.y[2]),
                           hypotf(lab.peds.x[2] - lab.peds.x[3], lab.peds.y[2] - lab.peds.y[3])},
        .queueing = {lab.peds.queueing[0], lab.peds.queueing[2], lab.peds.queueing[3]},
    };
    ck_assert_float_lt(lab.peds.x[0], lab.peds.x[1]); // still face to face
    lab_free(&lab);
    return out;
}

START_TEST(test_standoff_followers_keep_gap)
{
    standoff_t kept = standoff(gops_walk_params_default().queue_gap_m), packed = standoff(0);
    printf("standoff in a 0.6 m passage: followers %.2f and %.2f m apart with the queue gap (queueing %u %u %u), "
           "%.2f and %.2f m without\n",
           (double)kept.follower_gap_m[0], (double)kept.follower_gap_m[1], kept.queueing[0], kept.queueing[1],
           kept.queueing[2], (double)packed.follower_gap_m[0], (double)packed.follower_gap_m[1]);
    fflush(stdout);
    for (int k = 0; k < 2; k++) {
        ck_assert_float_gt(kept.follower_gap_m[k], 0.58f);
        ck_assert_float_lt(packed.follower_gap_m[k], 0.53f);
    }
    ck_assert_uint_eq(kept.queueing[0] + kept.queueing[1] + kept.queueing[2], 3);
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
    tcase_add_test(tc, test_lanes_form);
    tcase_add_test(tc, test_through_standing_crowd);
    tcase_add_test(tc, test_standoff_followers_keep_gap);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(counterflow_suite());
}
