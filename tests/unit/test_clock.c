// SPDX-License-Identifier: MIT
// Check suite for core/clock: elapsed time and local time for every tick of a day at the
// tick lengths scenarios use (compared with integer arithmetic), periods in ticks, and
// the sub-rate test of slower subsystems.
#include "fixture.h"

#include "core/clock.h"
#include "core/simtime.h"

#include <signal.h>

// Plain check for hot loops: Check's ck_assert records a location on every pass, which is
// slow over millions of iterations.
#define REQUIRE(expr, ...)                                                                 \
    do {                                                                                   \
        if (!(expr)) ck_abort_msg(__VA_ARGS__);                                            \
    } while (0)

START_TEST(now_matches_integer_arithmetic)
{
    // dt = num / 100 s; local time must be start + floor(tick * num / 100) for every tick
    // of a day, including tick lengths whose products round just below a whole second
    // (0.29, 0.35, 0.58, 0.7 do at ticks 100, 180, 50, 90).
    static const int hundredths[] = {1, 2, 5, 10, 20, 25, 29, 30, 35, 50, 58, 70, 100};
    gops_local_time_t start = gops_time_from_civil(2024, 12, 31, 17, 0, 0);
    for (size_t k = 0; k < sizeof hundredths / sizeof hundredths[0]; k++) {
        gops_clock_t clock = {.start = start, .dt = hundredths[k] / 100.0, .tick = 0};
        uint64_t ticks_per_day = 8640000u / (uint64_t)hundredths[k];
        for (uint64_t t = 0; t <= ticks_per_day; t++) {
            clock.tick = t;
            gops_local_time_t expect = start + (gops_local_time_t)(t * (uint64_t)hundredths[k] / 100);
            REQUIRE(gops_clock_now(&clock) == expect, "dt %d/100 tick %llu", hundredths[k],
                          (unsigned long long)t);
        }
    }
}
END_TEST

START_TEST(elapsed_seconds)
{
    gops_clock_t clock = {.start = 0, .dt = 0.1, .tick = 0};
    ck_assert_double_eq(gops_clock_elapsed(&clock), 0.0);
    clock.tick = 36000;
    ck_assert_double_eq(gops_clock_elapsed(&clock), 3600.0);
    clock.tick = 864000;
    ck_assert_double_eq(gops_clock_elapsed(&clock), 86400.0);
    clock.tick = 9;
    ck_assert_double_eq_tol(gops_clock_elapsed(&clock), 0.9, 1e-12);
    ck_assert_int_eq(gops_clock_now(&clock), 0); // 0.9 s rounds down
    clock.tick = 10;
    ck_assert_int_eq(gops_clock_now(&clock), 1);
}
END_TEST

START_TEST(ticks_for_periods)
{
    gops_clock_t clock = {.start = 0, .dt = 0.1, .tick = 0};
    ck_assert_uint_eq(gops_clock_ticks_for(&clock, 1.0), 10);
    ck_assert_uint_eq(gops_clock_ticks_for(&clock, 60.0), 600);
    ck_assert_uint_eq(gops_clock_ticks_for(&clock, 0.3), 3);
    ck_assert_uint_eq(gops_clock_ticks_for(&clock, 0.01), 1); // at least one tick
    ck_assert_uint_eq(gops_clock_ticks_for(&clock, 0.0), 1);
    ck_assert_uint_eq(gops_clock_ticks_for(&clock, -5.0), 1);
    clock.dt = 0.3;
    ck_assert_uint_eq(gops_clock_ticks_for(&clock, 3.0), 10);
    ck_assert_uint_eq(gops_clock_ticks_for(&clock, 900.0), 3000);
}
END_TEST

START_TEST(due_on_multiples)
{
    gops_clock_t clock = {.start = 0, .dt = 0.1, .tick = 0};
    int due_600 = 0, due_7 = 0;
    for (clock.tick = 0; clock.tick < 6000; clock.tick++) {
        due_600 += gops_clock_due(&clock, 600);
        due_7 += gops_clock_due(&clock, 7);
        REQUIRE(gops_clock_due(&clock, 1), "period 1 not due");
    }
    ck_assert_int_eq(due_600, 10); // ticks 0, 600, ..., 5400
    ck_assert_int_eq(due_7, 858);  // ceil(6000 / 7)
    clock.tick = 1200;
    ck_assert(gops_clock_due(&clock, 600));
    clock.tick = 1201;
    ck_assert(!gops_clock_due(&clock, 600));
}
END_TEST

START_TEST(due_zero_period_asserts)
{
    gops_clock_t clock = {.start = 0, .dt = 0.1, .tick = 5};
    (void)gops_clock_due(&clock, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("clock");
    TCase *tc = tcase_create("clock");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, now_matches_integer_arithmetic);
    tcase_add_test(tc, elapsed_seconds);
    tcase_add_test(tc, ticks_for_periods);
    tcase_add_test(tc, due_on_multiples);
    tcase_add_test_raise_signal(tc, due_zero_period_asserts, SIGABRT);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
