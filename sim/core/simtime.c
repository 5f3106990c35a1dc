// SPDX-License-Identifier: MIT
// Simulation calendar: proleptic Gregorian civil date <-> day count, strict parsers for
// clock times, date-times and durations typed by users, and the matching formatters.
// Parsers accept exactly the documented forms and name the expected form when they refuse;
// there is no wall clock, no time zone and no locale dependence here.
#include "core/simtime.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define DAY_SECONDS 86400
#define MAX_DURATION_US (366LL * DAY_SECONDS * 1000000LL)

#define CLOCK_EXPECTED "expected HH:MM or HH:MM:SS with hours 00-23, minutes and seconds 00-59 " \
                       "(24:00 means end of day)"
#define DATETIME_EXPECTED "expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] or YYYY-MM-DDTHH:MM[:SS] " \
                          "with years 1900-2200"
#define DURATION_EXPECTED "expected number+unit groups such as 90s, 15m, 2h, 1d, 1h30m or 1.5h " \
                          "(units s, m, h, d, largest first)"

// --- civil calendar ------------------------------------------------------------------

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Days since 1970-01-01. Counts from a year that starts on March 1, so the leap day is
// the last day of the counting year and every 400-year era has exactly 146097 days.
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t year_of_era = y - era * 400;                           // 0..399
    int64_t month_from_march = m > 2 ? m - 3 : m + 9;              // 0..11
    int64_t day_of_year = (153 * month_from_march + 2) / 5 + d - 1; // 0..365
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468; // 719468 = days from 0000-03-01 to 1970-01-01
}

static void civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
    days += 719468;
    int64_t era = floor_div(days, 146097);
    int64_t day_of_era = days - era * 146097; // 0..146096
    int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t month_from_march = (5 * day_of_year + 2) / 153;
    *d = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    *m = (int)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    *y = year_of_era + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int64_t y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

gops_local_time_t gops_time_from_civil(int year, int month, int day, int hour, int minute,
                                       int second)
{
    // Months outside 1..12 carry into the year so the day formula always sees 1..12.
    int64_t y = (int64_t)year + floor_div((int64_t)month - 1, 12);
    int64_t m = (int64_t)month - 1 - floor_div((int64_t)month - 1, 12) * 12 + 1;
    return days_from_civil(y, m, day) * DAY_SECONDS + (int64_t)hour * 3600 +
           (int64_t)minute * 60 + second;
}

void gops_time_to_civil(gops_local_time_t t, int *year, int *month, int *day, int *hour,
                        int *minute, int *second)
{
    int64_t days = floor_div(t, DAY_SECONDS);
    int64_t sod = t - days * DAY_SECONDS;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    if (year) *year = (int)y;
    if (month) *month = m;
    if (day) *day = d;
    if (hour) *hour = (int)(sod / 3600);
    if (minute) *minute = (int)(sod / 60 % 60);
    if (second) *second = (int)(sod % 60);
}

// --- parsing helpers -----------------------------------------------------------------

// The user's text made safe to quote in a message: control characters become '?', and
// long text is cut (at a UTF-8 character boundary) with "...".
static const char *quote(const char *text, char *buf, size_t size)
{
    if (!text) text = "";
    size_t limit = size - 4, n = 0;
    for (; text[n] && n < limit; n++)
        buf[n] = ((unsigned char)text[n] < 0x20 || text[n] == 0x7f) ? '?' : text[n];
    if (text[n]) {
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80) n--;
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

// Exactly `count` decimal digits at s → value; false otherwise.
static bool digits(const char *s, int count, int *value)
{
    int v = 0;
    for (int i = 0; i < count; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return true;
}

// "HH:MM" or "HH:MM:SS" occupying exactly len bytes at s.
static bool clock_part(const char *s, size_t len, bool allow_end_of_day, int64_t *out)
{
    int h, m, sec = 0;
    if (len != 5 && len != 8) return false;
    if (!digits(s, 2, &h) || s[2] != ':' || !digits(s + 3, 2, &m)) return false;
    if (len == 8 && (s[5] != ':' || !digits(s + 6, 2, &sec))) return false;
    if (h == 24 && m == 0 && sec == 0 && allow_end_of_day) {
        *out = DAY_SECONDS;
        return true;
    }
    if (h > 23 || m > 59 || sec > 59) return false;
    *out = h * 3600 + m * 60 + sec;
    return true;
}

gops_status_t gops_time_parse_clock(const char *text, int64_t *seconds_of_day, gops_error_t *err)
{
    char q[80];
    int64_t v;
    if (!text || !clock_part(text, strlen(text), true, &v))
        return gops_error_set(err, GOPS_BAD_TIME, "bad time \"%s\": " CLOCK_EXPECTED,
                              quote(text, q, sizeof q));
    *seconds_of_day = v;
    return GOPS_OK;
}

gops_status_t gops_time_parse_datetime(const char *text, gops_local_time_t *t, gops_error_t *err)
{
    char q[80];
    size_t len = text ? strlen(text) : 0;
    int y, m, d;
    int64_t sod = 0;
    if (len < 10 || !digits(text, 4, &y) || text[4] != '-' || !digits(text + 5, 2, &m) ||
        text[7] != '-' || !digits(text + 8, 2, &d))
        return gops_error_set(err, GOPS_BAD_TIME, "bad date-time \"%s\": " DATETIME_EXPECTED,
                              quote(text, q, sizeof q));
    if (len > 10 && ((text[10] != ' ' && text[10] != 'T') ||
                     !clock_part(text + 11, len - 11, false, &sod)))
        return gops_error_set(err, GOPS_BAD_TIME,
                              "bad date-time \"%s\": the time of day must be HH:MM or HH:MM:SS "
                              "from 00:00 to 23:59:59; " DATETIME_EXPECTED,
                              quote(text, q, sizeof q));
    if (y < 1900 || y > 2200)
        return gops_error_set(err, GOPS_BAD_TIME,
                              "bad date-time \"%s\": year %04d is outside 1900-2200; " DATETIME_EXPECTED,
                              quote(text, q, sizeof q), y);
    if (m < 1 || m > 12)
        return gops_error_set(err, GOPS_BAD_TIME,
                              "bad date-time \"%s\": month %02d is not 01-12; " DATETIME_EXPECTED,
                              quote(text, q, sizeof q), m);
    if (d < 1 || d > days_in_month(y, m))
        return gops_error_set(err, GOPS_BAD_TIME,
                              "bad date-time \"%s\": %04d-%02d has days 01-%02d%s; " DATETIME_EXPECTED,
                              quote(text, q, sizeof q), y, m, days_in_month(y, m),
                              m == 2 && d == 29 ? " (not a leap year)" : "");
    *t = days_from_civil(y, m, d) * DAY_SECONDS + sod;
    return GOPS_OK;
}

static int unit_rank(const char *unit, size_t len, int64_t *seconds)
{
    static const struct { char name; int64_t seconds; } units[] = {
        {'s', 1}, {'m', 60}, {'h', 3600}, {'d', DAY_SECONDS}};
    if (len != 1) return -1;
    for (int i = 0; i < 4; i++)
        if (unit[0] == units[i].name) {
            *seconds = units[i].seconds;
            return i;
        }
    return -1;
}

static bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

gops_status_t gops_time_parse_duration(const char *text, double *seconds, int allow_zero,
                                       gops_error_t *err)
{
    char q[80];
    const char *why = NULL;
    char unit_why[96];
    // Sum in whole microseconds so "1h30m" and "0.1s" come out as the exactly rounded
    // decimal values (one rounding, in the final division).
    int64_t total_us = 0;
    int last_rank = 4;
    const char *p = text ? text : "";
    if (!*p) why = "it is empty";
    while (!why && *p) {
        if (*p < '0' || *p > '9') {
            why = "each group must start with a digit (no signs, spaces or words)";
            break;
        }
        int64_t whole = 0, frac_us = 0;
        for (; *p >= '0' && *p <= '9'; p++)
            if ((whole = whole * 10 + (*p - '0')) > 100000000) // any unit: > 366 days;
                whole = 100000000;                              // saturate, never overflow
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9') {
                why = "a decimal point must have digits after it";
                break;
            }
            int64_t scale = 100000; // microseconds of the first decimal
            for (; *p >= '0' && *p <= '9'; p++, scale /= 10) {
                if (scale > 0)
                    frac_us += (*p - '0') * scale;
                else if (*p != '0')
                    why = "more than 6 decimals";
            }
            if (why) break;
        }
        const char *unit = p;
        while (is_letter(*p)) p++;
        if (p == unit) {
            why = *p ? "unexpected character after a number" : "the unit is missing";
            break;
        }
        int64_t unit_s = 0;
        int rank = unit_rank(unit, (size_t)(p - unit), &unit_s);
        if (rank < 0) {
            snprintf(unit_why, sizeof unit_why, "unknown unit \"%.*s\"",
                     (int)((p - unit) > 16 ? 16 : (p - unit)), unit);
            why = unit_why;
            break;
        }
        if (rank >= last_rank) {
            why = "units must go from largest to smallest, each at most once";
            break;
        }
        last_rank = rank;
        int64_t group_us = (whole * 1000000 + frac_us) * unit_s;
        if (group_us > MAX_DURATION_US || (total_us += group_us) > MAX_DURATION_US) {
            why = "it is longer than 366 days";
            break;
        }
    }
    if (!why && total_us == 0 && !allow_zero) why = "it must be longer than zero";
    if (why)
        return gops_error_set(err, GOPS_BAD_TIME, "bad duration \"%s\": %s; " DURATION_EXPECTED,
                              quote(text, q, sizeof q), why);
    *seconds = (double)total_us / 1e6;
    return GOPS_OK;
}

// --- formatting ----------------------------------------------------------------------

void gops_time_format(gops_local_time_t t, char *buf, size_t size)
{
    int y, mo, d, h, mi, s;
    gops_time_to_civil(t, &y, &mo, &d, &h, &mi, &s);
    snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
}

void gops_duration_format(double seconds, char *buf, size_t size)
{
    if (!isfinite(seconds) || fabs(seconds) >= 1e12) { // beyond any run: no unit split
        snprintf(buf, size, "%gs", seconds);
        return;
    }
    // Rounded to the microsecond, the finest step the parser accepts, so formatting then
    // parsing gives the same value back.
    int64_t us = llround(fabs(seconds) * 1e6);
    long long whole = us / 1000000, frac = us % 1000000;
    long long d = whole / DAY_SECONDS, h = whole / 3600 % 24, m = whole / 60 % 60, s = whole % 60;
    char text[96], *p = text; // fits the longest form: "-11574074d23h59m59.999999s"
    if (seconds < 0 && us > 0) *p++ = '-';
    if (d) p += sprintf(p, "%lldd", d);
    if (h) p += sprintf(p, "%lldh", h);
    if (m) p += sprintf(p, "%lldm", m);
    if (frac) {
        p += sprintf(p, "%lld.%06lld", s, frac);
        while (p[-1] == '0') p--; // "30.500000" -> "30.5"
        strcpy(p, "s");
    } else if (s || whole == 0) {
        sprintf(p, "%llds", s);
    } else {
        *p = '\0';
    }
    snprintf(buf, size, "%s", text);
}
