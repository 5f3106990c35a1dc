// SPDX-License-Identifier: MIT
// Erlang C validation (VALIDATION.md): the formula against hand-computed values, and the
// real dispatch module — zero travel, Poisson arrivals, exponential on-scene work — whose
// measured probability of waiting and mean wait must contain the Erlang C values in their
// 95 % confidence intervals over independent replications:
//   case 1: λ = 2, μ = 1, c = 3 (a = 2, ρ = 2/3): P(wait) = 4/9, Wq = 4/9;
//   case 2: λ = 4, μ = 1, c = 5 (a = 4, ρ = 0.8): P(wait) = 0.5541, Wq = 0.5541.
// One time unit is 10 simulated seconds (the model handles events at their exact times, so
// the unit only sets how many world ticks a run takes); each replication measures the first
// 20,000 customers after a warm-up of 200 time units; 30 replications (seeds 1..30 for case
// 1, 101..130 for case 2); the interval is mean ± t(29) · s / √30 over replications.
#include "fixture.h"
#include "ops/erlang.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

START_TEST(formula_reference_values)
{
    // VALIDATION.md's example.
    ck_assert_double_eq_tol(gops_erlang_c_wait_probability(2, 1, 3), 4.0 / 9.0, 1e-12);
    ck_assert_double_eq_tol(gops_erlang_c_mean_wait(2, 1, 3), 4.0 / 9.0, 1e-12);
    // a = 4, c = 5: a^c/c! · 1/(1−ρ) = 1024/120 · 5 = 42.667; Σ_{k<5} a^k/k! = 34.333;
    // P = 42.667 / 77 = 0.554113; Wq = P / (5 − 4).
    ck_assert_double_eq_tol(gops_erlang_c_wait_probability(4, 1, 5), (1024.0 / 24.0) / 77.0, 1e-12);
    ck_assert_double_eq_tol(gops_erlang_c_mean_wait(4, 1, 5), (1024.0 / 24.0) / 77.0, 1e-12);
    // M/M/1: P(wait) = ρ, Wq = ρ / (μ − λ).
    ck_assert_double_eq_tol(gops_erlang_c_wait_probability(0.5, 1, 1), 0.5, 1e-12);
    ck_assert_double_eq_tol(gops_erlang_c_mean_wait(0.5, 1, 1), 1.0, 1e-12);
    // Unstable or invalid systems have no answer.
    ck_assert(isnan(gops_erlang_c_wait_probability(3, 1, 3)));
    ck_assert(isnan(gops_erlang_c_wait_probability(2, 0, 3)));
    ck_assert(isnan(gops_erlang_c_mean_wait(2, 1, 0)));
    ck_assert_double_eq_tol(gops_student_t975(19), 2.093, 1e-9);
    ck_assert_double_eq_tol(gops_student_t975(60), 2.000, 0.001);
    ck_assert_double_eq_tol(gops_student_t975(1000), 1.962, 0.001);
}
END_TEST

static void check_case(double lambda, double mu, int c, uint64_t seed)
{
    gops_erlang_setup_t s = {
        .lambda = lambda, .mu = mu, .servers = c, .time_unit_s = 10, .customers = 20000,
        .warmup_units = 200, .replications = 30, .seed = seed,
    };
    gops_erlang_result_t r;
    gops_error_t err;
    ck_assert_msg(gops_erlang_experiment(&s, &r, &err) == GOPS_OK, "%s", err.message);
    fprintf(stderr,
            "Erlang C λ=%g μ=%g c=%d: %llu customers in %u replications\n"
            "  P(wait) %.4f ± %.4f (95 %% CI [%.4f, %.4f]); Erlang C %.4f\n"
            "  Wq      %.4f ± %.4f (95 %% CI [%.4f, %.4f]); Erlang C %.4f  (time units)\n"
            "  team utilisation %.4f; ρ = %.4f\n",
            lambda, mu, c, (unsigned long long)r.customers_total, r.replications, r.p_wait_mean, r.p_wait_half,
            r.p_wait_mean - r.p_wait_half, r.p_wait_mean + r.p_wait_half, r.p_wait_ref, r.wq_mean, r.wq_half,
            r.wq_mean - r.wq_half, r.wq_mean + r.wq_half, r.wq_ref, r.utilisation, lambda / (c * mu));
    ck_assert_uint_eq(r.customers_total, 600000);
    ck_assert_uint_eq(r.replications, 30);
    ck_assert_msg(fabs(r.p_wait_mean - r.p_wait_ref) <= r.p_wait_half, "P(wait) %.4f ± %.4f misses %.4f",
                  r.p_wait_mean, r.p_wait_half, r.p_wait_ref);
    ck_assert_msg(fabs(r.wq_mean - r.wq_ref) <= r.wq_half, "Wq %.4f ± %.4f misses %.4f", r.wq_mean, r.wq_half, r.wq_ref);
    // The intervals are narrow enough to mean something.
    ck_assert_double_lt(r.p_wait_half, 0.01);
    ck_assert_double_lt(r.wq_half, 0.05 * r.wq_ref);
    ck_assert_double_eq_tol(r.utilisation, lambda / (c * mu), 0.01);
}

START_TEST(dispatch_reproduces_erlang_c_3_teams)
{
    check_case(2, 1, 3, 1);
}
END_TEST

START_TEST(dispatch_reproduces_erlang_c_5_teams)
{
    check_case(4, 1, 5, 101);
}
END_TEST

START_TEST(experiment_rejects_unstable_setup)
{
    gops_erlang_setup_t s = {.lambda = 3, .mu = 1, .servers = 3, .time_unit_s = 60, .customers = 100,
                             .warmup_units = 0, .replications = 2, .seed = 1};
    gops_erlang_result_t r;
    gops_error_t err;
    ck_assert_int_eq(gops_erlang_experiment(&s, &r, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "λ/(cμ) < 1"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_erlang");
    TCase *tc = tcase_create("erlang");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, formula_reference_values);
    tcase_add_test(tc, dispatch_reproduces_erlang_c_3_teams);
    tcase_add_test(tc, dispatch_reproduces_erlang_c_5_teams);
    tcase_add_test(tc, experiment_rejects_unstable_setup);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
