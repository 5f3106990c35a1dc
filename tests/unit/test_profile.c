// SPDX-License-Identifier: MIT
// Check suite for crowd/profile: the shipped weekday and holiday profiles (they parse, sum
// to 1 and have the documented shape), exact parsing of both column kinds, every refusal
// with its file:line message, and the slot arithmetic against hand-computed fractions.
#include "fixture.h"

#include "crowd/profile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// A profile CSV with the given header line and 96 values (printed with %.17g).
static char *csv(const char *header, const double *v)
{
    size_t cap = 8192;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    int n = snprintf(s, cap, "%s\n", header);
    for (int k = 0; k < 96; k++) n += snprintf(s + n, cap - (size_t)n, "%02d:%02d,%.17g\n", k / 4, (k % 4) * 15, v[k]);
    ck_assert_int_lt(n, (int)cap);
    return s;
}

static void uniform(double *v, double x)
{
    for (int k = 0; k < 96; k++) v[k] = x;
}

// Parses text expecting failure; the message must contain both fragments.
static void refuse(const char *text, const char *frag1, const char *frag2)
{
    gops_profile_t p;
    gops_error_t err;
    gops_status_t st = gops_profile_parse(text, strlen(text), "t.csv", &p, &err);
    ck_assert_int_eq(st, GOPS_BAD_VALUE);
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
    ck_assert_msg(strstr(err.message, frag1), "message \"%s\" lacks \"%s\"", err.message, frag1);
    if (frag2) ck_assert_msg(strstr(err.message, frag2), "message \"%s\" lacks \"%s\"", err.message, frag2);
}

static double hour_share(const gops_profile_t *p, int h)
{
    return p->share[4 * h] + p->share[4 * h + 1] + p->share[4 * h + 2] + p->share[4 * h + 3];
}

START_TEST(shipped_profiles_load_and_sum_to_one)
{
    for (int kind = 0; kind < GOPS_DAY_KIND_COUNT; kind++) {
        gops_profile_t p;
        gops_error_t err;
        ck_assert_int_eq(gops_profile_load_default((gops_day_kind_t)kind, &p, &err), GOPS_OK);
        double sum = 0;
        for (int k = 0; k < 96; k++) {
            ck_assert(p.share[k] >= 0);
            sum += p.share[k];
        }
        ck_assert_double_eq_tol(sum, 1.0, 1e-12);
        // Also through the explicit source path.
        gops_profile_t q;
        const char *path = gops_test_source_path(gops_profile_default_path((gops_day_kind_t)kind));
        ck_assert_int_eq(gops_profile_load(path, &q, &err), GOPS_OK);
        ck_assert_mem_eq(p.share, q.share, sizeof p.share);
    }
}
END_TEST

START_TEST(weekday_has_lunch_and_evening_peaks)
{
    gops_profile_t p;
    gops_error_t err;
    ck_assert_int_eq(gops_profile_load_default(GOPS_DAY_WEEKDAY, &p, &err), GOPS_OK);
    // Lunch: 12:00 is a local maximum of the hourly shares.
    ck_assert(hour_share(&p, 12) > hour_share(&p, 11));
    ck_assert(hour_share(&p, 12) > hour_share(&p, 13));
    ck_assert(hour_share(&p, 14) < hour_share(&p, 12));
    // Evening 18:00-21:00 holds the busiest hour of the day and more than a quarter of it.
    int busiest = 0;
    for (int h = 1; h < 24; h++)
        if (hour_share(&p, h) > hour_share(&p, busiest)) busiest = h;
    ck_assert_int_ge(busiest, 18);
    ck_assert_int_le(busiest, 20);
    double evening = hour_share(&p, 18) + hour_share(&p, 19) + hour_share(&p, 20);
    ck_assert(evening > 0.25);
    // Night (01:00-06:00) is almost empty.
    double night = 0;
    for (int h = 1; h < 6; h++) night += hour_share(&p, h);
    ck_assert(night < 0.01);
}
END_TEST

START_TEST(holiday_is_broad_from_10_to_22)
{
    gops_profile_t p;
    gops_error_t err;
    ck_assert_int_eq(gops_profile_load_default(GOPS_DAY_HOLIDAY, &p, &err), GOPS_OK);
    double mean = 0;
    for (int h = 11; h <= 20; h++) mean += hour_share(&p, h) / 10;
    for (int h = 11; h <= 20; h++) ck_assert_double_eq_tol(hour_share(&p, h), mean, 0.15 * mean);
    double day = 0;
    for (int h = 10; h <= 21; h++) day += hour_share(&p, h);
    ck_assert(day > 0.85);
    // No lunch dip and no lunch peak: 12:00 within 5 % of its neighbours' mean.
    double around = (hour_share(&p, 11) + hour_share(&p, 13)) / 2;
    ck_assert_double_eq_tol(hour_share(&p, 12), around, 0.05 * around);
}
END_TEST

START_TEST(share_column_parses_exactly)
{
    double v[96];
    uniform(v, 0);
    v[0] = 0.25;
    v[40] = 0.5;
    v[95] = 0.25;
    char *text = csv("time,share", v);
    gops_profile_t p;
    gops_error_t err;
    ck_assert_int_eq(gops_profile_parse(text, strlen(text), "t.csv", &p, &err), GOPS_OK);
    ck_assert_double_eq(p.share[0], 0.25);
    ck_assert_double_eq(p.share[40], 0.5);
    ck_assert_double_eq(p.share[95], 0.25);
    ck_assert_double_eq(p.share[1], 0.0);
    free(text);
}
END_TEST

START_TEST(weight_column_is_normalised)
{
    double v[96];
    for (int k = 0; k < 96; k++) v[k] = k < 48 ? 1.0 : 3.0; // 48 + 144 = 192
    char *text = csv("time,weight", v);
    gops_profile_t p;
    gops_error_t err;
    ck_assert_int_eq(gops_profile_parse(text, strlen(text), "t.csv", &p, &err), GOPS_OK);
    ck_assert_double_eq_tol(p.share[0], 1.0 / 192, 1e-15);
    ck_assert_double_eq_tol(p.share[95], 3.0 / 192, 1e-15);
    free(text);
}
END_TEST

START_TEST(crlf_bom_comments_and_blank_lines_are_accepted)
{
    double v[96];
    uniform(v, 1.0 / 96);
    char *body = csv("time,share", v);
    size_t cap = strlen(body) * 2 + 256;
    char *text = malloc(cap);
    size_t n = (size_t)snprintf(text, cap, "\xEF\xBB\xBF# a comment\r\n\r\n");
    for (const char *p = body; *p; p++) {
        if (*p == '\n') text[n++] = '\r';
        text[n++] = *p;
    }
    text[n] = '\0';
    gops_profile_t p;
    gops_error_t err;
    ck_assert_int_eq(gops_profile_parse(text, n, "t.csv", &p, &err), GOPS_OK);
    ck_assert_double_eq_tol(p.share[17], 1.0 / 96, 1e-15);
    free(body);
    free(text);
}
END_TEST

START_TEST(refusals_name_line_found_and_expected)
{
    double v[96];
    uniform(v, 1.0 / 96);
    char *good = csv("time,share", v);

    refuse("when,share\n", "t.csv:1: header \"when,share\"", "expected \"time,share\" or \"time,weight\"");
    refuse("", "t.csv: no header found", "expected");
    refuse("time,share\n00:00,0.5\n00:20,0.5\n", "t.csv:3: time \"00:20\"", "expected \"00:15\"");
    refuse("time,share\n00:00,0.5\n00:15\n", "t.csv:3: found 1 field, expected 2 (time,share)", NULL);
    refuse("time,share\n00:00,0.5,1\n", "t.csv:2: found 3 fields, expected 2", NULL);
    refuse("time,share\n00:00,-0.5\n", "t.csv:2: share \"-0.5\"", "expected a number >= 0");
    refuse("time,weight\n00:00,abc\n", "t.csv:2: weight \"abc\"", "expected a number >= 0");
    refuse("time,share\n00:00,nan\n", "t.csv:2: share \"nan\"", NULL);
    refuse("time,share\n00:00,0x1p-1\n", "t.csv:2: share \"0x1p-1\"", NULL);
    refuse("time,share\n0:00,1\n", "t.csv:2: time \"0:00\"", "expected \"00:00\"");
    refuse("time,share\n00:00,1\n00:15,0\n", "t.csv:3: found 2 rows, expected 96", NULL);

    // A 97th row.
    size_t len = strlen(good);
    char *extra = malloc(len + 32);
    snprintf(extra, len + 32, "%s24:00,0\n", good);
    refuse(extra, "t.csv:98: a row after 23:45 (\"24:00\")", "expected 96 rows");
    free(extra);

    // Shares off by more than 1e-6.
    v[10] += 2e-6;
    char *off = csv("time,share", v);
    refuse(off, "t.csv: shares sum to 1.000002", "expected 1 (within 1e-6)");
    free(off);
    // Off by less is accepted (and normalised exactly).
    v[10] -= 1.5e-6;
    char *near = csv("time,share", v);
    gops_profile_t p;
    gops_error_t err;
    ck_assert_int_eq(gops_profile_parse(near, strlen(near), "t.csv", &p, &err), GOPS_OK);
    double sum = 0;
    for (int k = 0; k < 96; k++) sum += p.share[k];
    ck_assert_double_eq_tol(sum, 1.0, 1e-14);
    free(near);

    uniform(v, 0);
    char *zero = csv("time,weight", v);
    refuse(zero, "t.csv: weights sum to 0", "expected a positive sum");
    free(zero);
    free(good);
}
END_TEST

START_TEST(missing_file_is_an_io_error)
{
    gops_profile_t p;
    gops_error_t err;
    ck_assert_int_eq(gops_profile_load("/nonexistent/profile.csv", &p, &err), GOPS_IO);
    ck_assert(strstr(err.message, "/nonexistent/profile.csv: cannot open the profile"));
}
END_TEST

START_TEST(file_round_trip)
{
    double v[96];
    for (int k = 0; k < 96; k++) v[k] = (double)(k % 7);
    char *text = csv("time,weight", v);
    char *dir = gops_test_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/p.csv", dir);
    ck_assert_int_eq(gops_test_write_file(path, text), 0);
    gops_profile_t p;
    gops_error_t err;
    ck_assert_int_eq(gops_profile_load(path, &p, &err), GOPS_OK);
    double sum = 0;
    for (int k = 0; k < 96; k++) sum += (double)(k % 7);
    ck_assert_double_eq_tol(p.share[6], 6.0 / sum, 1e-15);
    free(text);
    free(dir);
}
END_TEST

START_TEST(from_weights_validates)
{
    double w[96];
    uniform(w, 2.0);
    gops_profile_t p;
    gops_error_t err;
    ck_assert_int_eq(gops_profile_from_weights(w, 96, &p, &err), GOPS_OK);
    ck_assert_double_eq_tol(p.share[50], 1.0 / 96, 1e-15);
    ck_assert_int_eq(gops_profile_from_weights(w, 24, &p, &err), GOPS_BAD_VALUE);
    ck_assert(strstr(err.message, "found 24 weights, expected 96"));
    w[5] = -1;
    ck_assert_int_eq(gops_profile_from_weights(w, 96, &p, &err), GOPS_BAD_VALUE);
    ck_assert(strstr(err.message, "weight 6 (01:15) is -1"));
}
END_TEST

START_TEST(slot_arithmetic)
{
    double w[96];
    for (int k = 0; k < 96; k++) w[k] = (double)(k + 1); // sum 4656
    gops_profile_t p;
    gops_error_t err;
    ck_assert_int_eq(gops_profile_from_weights(w, 96, &p, &err), GOPS_OK);
    ck_assert_int_eq(gops_profile_slot(0), 0);
    ck_assert_int_eq(gops_profile_slot(899.999), 0);
    ck_assert_int_eq(gops_profile_slot(900), 1);
    ck_assert_int_eq(gops_profile_slot(86400 + 950), 97);
    ck_assert_double_eq_tol(gops_profile_share_at(&p, 86400 + 950), 2.0 / 4656, 1e-15);
    ck_assert_double_eq_tol(gops_profile_fraction(&p, 0, 86400), 1.0, 1e-12);
    ck_assert_double_eq_tol(gops_profile_fraction(&p, 0, 2 * 86400), 2.0, 1e-12);
    // Half of slot 3 (weight 4) plus all of slot 4 (weight 5).
    ck_assert_double_eq_tol(gops_profile_fraction(&p, 3 * 900 + 450, 5 * 900), (2.0 + 5.0) / 4656, 1e-14);
    // Across midnight: last slot (96) and first (1).
    ck_assert_double_eq_tol(gops_profile_fraction(&p, 86400 - 900, 86400 + 900), 97.0 / 4656, 1e-14);
    ck_assert_double_eq(gops_profile_fraction(&p, 1234, 1234), 0.0);
    ck_assert_str_eq(gops_day_kind_name(GOPS_DAY_HOLIDAY), "holiday");
    ck_assert_int_eq(gops_day_kind_from_name("weekday"), GOPS_DAY_WEEKDAY);
    ck_assert_int_eq(gops_day_kind_from_name("sunday"), -1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("profile");
    TCase *tc = tcase_create("profile");
    tcase_add_test(tc, shipped_profiles_load_and_sum_to_one);
    tcase_add_test(tc, weekday_has_lunch_and_evening_peaks);
    tcase_add_test(tc, holiday_is_broad_from_10_to_22);
    tcase_add_test(tc, share_column_parses_exactly);
    tcase_add_test(tc, weight_column_is_normalised);
    tcase_add_test(tc, crlf_bom_comments_and_blank_lines_are_accepted);
    tcase_add_test(tc, refusals_name_line_found_and_expected);
    tcase_add_test(tc, missing_file_is_an_io_error);
    tcase_add_test(tc, file_round_trip);
    tcase_add_test(tc, from_weights_validates);
    tcase_add_test(tc, slot_arithmetic);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return gops_test_run(suite()); }
