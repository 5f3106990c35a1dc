// SPDX-License-Identifier: MIT
// Check suite for core/simtime: the civil calendar against known Unix day counts and a
// day-by-day walk, the strict parsers (every accepted form and every refused one, with the
// offending text quoted in the message) and the formatters' round trips.
#include "fixture.h"

#include "core/rng.h"
#include "core/simtime.h"

#include <stdio.h>
#include <string.h>

// Plain check for hot loops: Check's ck_assert records a location on every pass, which is
// slow over millions of iterations.
#define REQUIRE(expr, ...)                                                                 \
    do {                                                                                   \
        if (!(expr)) ck_abort_msg(__VA_ARGS__);                                            \
    } while (0)

START_TEST(known_dates)
{
    ck_assert_int_eq(gops_time_from_civil(1970, 1, 1, 0, 0, 0), 0);
    ck_assert_int_eq(gops_time_from_civil(2000, 1, 1, 0, 0, 0), 946684800);
    ck_assert_int_eq(gops_time_from_civil(2000, 3, 1, 0, 0, 0), 951868800); // after Feb 29
    ck_assert_int_eq(gops_time_from_civil(2024, 1, 1, 0, 0, 0), 1704067200);
    ck_assert_int_eq(gops_time_from_civil(2025, 12, 31, 17, 0, 0), 1767200400);
    ck_assert_int_eq(gops_time_from_civil(1969, 12, 31, 23, 59, 59), -1);
    ck_assert_int_eq(gops_time_from_civil(1900, 1, 1, 0, 0, 0), -2208988800LL);
    int y, mo, d, h, mi, s;
    gops_time_to_civil(-1, &y, &mo, &d, &h, &mi, &s);
    ck_assert_int_eq(y, 1969);
    ck_assert_int_eq(mo, 12);
    ck_assert_int_eq(d, 31);
    ck_assert_int_eq(h, 23);
    ck_assert_int_eq(mi, 59);
    ck_assert_int_eq(s, 59);
    gops_time_to_civil(951868800 - 1, &y, &mo, &d, NULL, NULL, NULL);
    ck_assert_int_eq(mo, 2);
    ck_assert_int_eq(d, 29);
}
END_TEST

static int ref_days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : days[m - 1];
}

START_TEST(calendar_walk_1900_to_2200)
{
    // Walk every day with a plain day counter and compare both directions.
    int y = 1900, m = 1, d = 1;
    int64_t day = -25567; // 1900-01-01
    while (y <= 2200) {
        REQUIRE(gops_time_from_civil(y, m, d, 0, 0, 0) == day * 86400, "%d-%d-%d", y, m, d);
        int cy, cm, cd;
        gops_time_to_civil(day * 86400 + 43200, &cy, &cm, &cd, NULL, NULL, NULL);
        REQUIRE(cy == y && cm == m && cd == d, "day %lld", (long long)day);
        if (++d > ref_days_in_month(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
        day++;
    }
    ck_assert_int_eq(day, gops_time_from_civil(2201, 1, 1, 0, 0, 0) / 86400);
}
END_TEST

START_TEST(clock_accepts)
{
    static const struct { const char *text; int64_t seconds; } ok[] = {
        {"00:00", 0},          {"12:30", 45000},  {"23:59", 86340}, {"23:59:59", 86399},
        {"07:05:09", 25509},   {"24:00", 86400},  {"24:00:00", 86400},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        gops_error_t err;
        int64_t v = -1;
        ck_assert_int_eq(gops_time_parse_clock(ok[i].text, &v, &err), GOPS_OK);
        ck_assert_int_eq(v, ok[i].seconds);
    }
}
END_TEST

START_TEST(clock_refuses)
{
    static const char *bad[] = {"25:00",  "24:01",  "24:00:01", "23:60", "12:00:60", "9:30",
                                "12:5",   "12-30",  "",         " 12:30", "12:30 ", "12:30:",
                                "1230",   "ab:cd",  "12:30:00:00", "-1:00", "12:3a", "１２:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gops_error_t err;
        gops_error_clear(&err);
        int64_t v = 123;
        ck_assert_int_eq(gops_time_parse_clock(bad[i], &v, &err), GOPS_BAD_TIME);
        ck_assert_int_eq(err.status, GOPS_BAD_TIME);
        ck_assert_int_eq(v, 123); // output untouched on failure
        char quoted[64];
        snprintf(quoted, sizeof quoted, "\"%s\"", bad[i]);
        ck_assert_msg(strstr(err.message, quoted), "message for %s: %s", bad[i], err.message);
        ck_assert_ptr_nonnull(strstr(err.message, "expected HH:MM"));
    }
    gops_error_t err;
    int64_t v;
    gops_time_parse_clock("25:00", &v, &err);
    ck_assert_ptr_nonnull(strstr(err.message, "bad time \"25:00\": expected HH:MM"));
    ck_assert_ptr_nonnull(strstr(err.message, "hours 00-23"));
}
END_TEST

START_TEST(datetime_accepts)
{
    static const struct { const char *text; int64_t t; } ok[] = {
        {"1970-01-01", 0},
        {"2000-03-01", 951868800},
        {"2024-02-29", 1704067200 + 59 * 86400},
        {"2000-02-29 12:00", 951868800 - 43200},
        {"2025-12-31 17:00", 1767200400},
        {"2025-12-31T17:00", 1767200400},
        {"2025-12-31 17:00:30", 1767200430},
        {"1900-01-01", -2208988800LL},
        {"2200-12-31 23:59:59", 7289654400LL - 1}, // 2201-01-01 is day 84371
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        gops_error_t err;
        gops_local_time_t t = -99;
        ck_assert_msg(gops_time_parse_datetime(ok[i].text, &t, &err) == GOPS_OK, "%s: %s",
                      ok[i].text, err.message);
        ck_assert_int_eq(t, ok[i].t);
    }
}
END_TEST

START_TEST(datetime_refuses)
{
    static const char *bad[] = {
        "2025-02-29",       "2100-02-29",       "1900-02-29",        "2025-13-01",
        "2025-00-10",       "2025-04-31",       "2025-01-00",        "1899-12-31",
        "2201-01-01",       "2025-1-5",         "2025/01/05",        "2025-01-05 25:00",
        "2025-01-05 24:00", "2025-01-05X10:00", "2025-01-05 10:00 ", "",
        "2025-01-05 10",    "2025-01-05 ",      " 2025-01-05",       "2025-01-05 10:60",
        "20250105",         "2025-01-05  10:00", "+025-01-05",       "2025-01-05T",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gops_error_t err;
        gops_error_clear(&err);
        gops_local_time_t t = 5;
        ck_assert_msg(gops_time_parse_datetime(bad[i], &t, &err) == GOPS_BAD_TIME, "%s accepted",
                      bad[i]);
        ck_assert_int_eq(t, 5);
        char quoted[64];
        snprintf(quoted, sizeof quoted, "\"%s\"", bad[i]);
        ck_assert_msg(strstr(err.message, quoted), "message for %s: %s", bad[i], err.message);
        ck_assert_ptr_nonnull(strstr(err.message, "expected YYYY-MM-DD"));
    }
    gops_error_t err;
    gops_local_time_t t;
    gops_time_parse_datetime("2025-02-29", &t, &err);
    ck_assert_ptr_nonnull(strstr(err.message, "not a leap year"));
}
END_TEST

START_TEST(duration_accepts)
{
    static const struct { const char *text; double seconds; } ok[] = {
        {"90s", 90},       {"15m", 900},     {"2h", 7200},        {"1d", 86400},
        {"1h30m", 5400},   {"1.5h", 5400},   {"0.1s", 0.1},       {"2.25m", 135},
        {"1d2h3m4s", 93784}, {"0.000001s", 1e-6}, {"366d", 31622400}, {"1.5000000s", 1.5},
        {"0.25s", 0.25},   {"10m0.5s", 600.5}, {"007m", 420},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        gops_error_t err;
        double v = -1;
        ck_assert_msg(gops_time_parse_duration(ok[i].text, &v, 0, &err) == GOPS_OK, "%s: %s",
                      ok[i].text, err.message);
        ck_assert_msg(v == ok[i].seconds, "%s gave %.17g", ok[i].text, v);
    }
    gops_error_t err;
    double v = -1;
    ck_assert_int_eq(gops_time_parse_duration("0s", &v, 1, &err), GOPS_OK);
    ck_assert_double_eq(v, 0.0);
}
END_TEST

START_TEST(duration_refuses)
{
    static const char *bad[] = {
        "",      "90",    "1.5",    "5x",     "5min",   "-5m",    "+5m",   "nan",
        "inf",   "1e3s",  "367d",   "366d1s", "5m 3s",  " 5m",    "5m ",   "30m1h",
        "1h1h",  "1.s",   ".5h",    "1.5.5h", "0s",     "0m0s",   "1.0000001s",
        "999999999999999999999s", "5ms",   "h",      "5S",     "1h30",   "NaNs",   "5,5m",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gops_error_t err;
        gops_error_clear(&err);
        double v = 77;
        ck_assert_msg(gops_time_parse_duration(bad[i], &v, 0, &err) == GOPS_BAD_TIME,
                      "%s accepted as %g", bad[i], v);
        ck_assert_double_eq(v, 77);
        char quoted[64];
        snprintf(quoted, sizeof quoted, "\"%s\"", bad[i]);
        ck_assert_msg(strstr(err.message, quoted), "message for %s: %s", bad[i], err.message);
        ck_assert_ptr_nonnull(strstr(err.message, "expected number+unit"));
    }
    gops_error_t err;
    double v;
    gops_time_parse_duration("5min", &v, 0, &err);
    ck_assert_ptr_nonnull(strstr(err.message, "unknown unit \"min\""));
    gops_time_parse_duration("90", &v, 0, &err);
    ck_assert_ptr_nonnull(strstr(err.message, "unit is missing"));
    gops_time_parse_duration("367d", &v, 0, &err);
    ck_assert_ptr_nonnull(strstr(err.message, "366 days"));
}
END_TEST

START_TEST(long_text_is_cut_in_messages)
{
    char text[300];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    gops_error_t err;
    int64_t v;
    ck_assert_int_eq(gops_time_parse_clock(text, &v, &err), GOPS_BAD_TIME);
    ck_assert_ptr_nonnull(strstr(err.message, "xxxxxxxxxx...\""));
    ck_assert_ptr_null(strstr(err.message, text));
}
END_TEST

START_TEST(format_time)
{
    char buf[20];
    gops_time_format(1767200400, buf, sizeof buf);
    ck_assert_str_eq(buf, "2025-12-31 17:00:00");
    gops_time_format(-1, buf, sizeof buf);
    ck_assert_str_eq(buf, "1969-12-31 23:59:59");
    gops_time_format(951868800 - 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "2000-02-29 23:59:59");
    // Round trip through the parser.
    gops_rng_t rng;
    gops_rng_seed(&rng, 1, 1);
    for (int i = 0; i < 10000; i++) {
        gops_local_time_t t = -2208988800LL + (int64_t)gops_rng_below(&rng, 9498643200ull);
        gops_time_format(t, buf, sizeof buf);
        gops_local_time_t back;
        gops_error_t err;
        REQUIRE(gops_time_parse_datetime(buf, &back, &err) == GOPS_OK, "%s", err.message);
        REQUIRE(back == t, "%s", buf);
    }
}
END_TEST

START_TEST(format_duration)
{
    static const struct { double seconds; const char *text; } cases[] = {
        {45, "45s"},      {900, "15m"},      {9000, "2h30m"},  {93600, "1d2h"},
        {0, "0s"},        {0.1, "0.1s"},     {90.5, "1m30.5s"}, {-60, "-1m"},
        {86400, "1d"},    {3601, "1h1s"},    {1e-6, "0.000001s"}, {0.25, "0.25s"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        gops_duration_format(cases[i].seconds, buf, sizeof buf);
        ck_assert_str_eq(buf, cases[i].text);
    }
    char small[4];
    gops_duration_format(93784, small, sizeof small); // cut, never overflowed
    ck_assert_str_eq(small, "1d2");
    // Round trip for microsecond-resolution durations up to 366 days.
    gops_rng_t rng;
    gops_rng_seed(&rng, 2, 1);
    for (int i = 0; i < 10000; i++) {
        double s = (double)(1 + gops_rng_below(&rng, 31622400000000ull)) / 1e6;
        if (i % 3 == 0) s = (double)(1 + gops_rng_below(&rng, 31622400)); // whole seconds
        char buf[48];
        gops_duration_format(s, buf, sizeof buf);
        double back;
        gops_error_t err;
        REQUIRE(gops_time_parse_duration(buf, &back, 0, &err) == GOPS_OK, "%s", err.message);
        REQUIRE(back == s, "%.17g -> %s -> %.17g", s, buf, back);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("simtime");
    TCase *tc = tcase_create("simtime");
    tcase_add_test(tc, known_dates);
    tcase_add_test(tc, calendar_walk_1900_to_2200);
    tcase_add_test(tc, clock_accepts);
    tcase_add_test(tc, clock_refuses);
    tcase_add_test(tc, datetime_accepts);
    tcase_add_test(tc, datetime_refuses);
    tcase_add_test(tc, duration_accepts);
    tcase_add_test(tc, duration_refuses);
    tcase_add_test(tc, long_text_is_cut_in_messages);
    tcase_add_test(tc, format_time);
    tcase_add_test(tc, format_duration);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
