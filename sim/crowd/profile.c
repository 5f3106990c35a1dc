// SPDX-License-Identifier: MIT
// Arrival profiles: a strict CSV reader (every error names file:line, what was found and
// what was expected) and the slot arithmetic demand.c builds its Poisson rates on. Does not
// know how many visitors a day brings; that number lives in the demand parameters.
#include "crowd/profile.h"

#include "core/assert.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Shares must sum to 1 within this (the `share` column); `weight` columns are normalised.
#define SHARE_SUM_TOLERANCE 1e-6

static const char *const day_kind_names[GOPS_DAY_KIND_COUNT] = {"weekday", "holiday"};

const char *gops_day_kind_name(gops_day_kind_t kind)
{
    return (unsigned)kind < GOPS_DAY_KIND_COUNT ? day_kind_names[kind] : "?";
}

int gops_day_kind_from_name(const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < GOPS_DAY_KIND_COUNT; i++)
        if (strcmp(name, day_kind_names[i]) == 0) return i;
    return -1;
}

// A line of the input without its terminator (and without a trailing '\r').
typedef struct line {
    const char *s;
    size_t n;
} line_t;

// Copies a field into buf for messages, trimmed and cut at 40 bytes.
static const char *shown(line_t f, char *buf, size_t size)
{
    size_t n = f.n < size - 1 ? f.n : size - 1;
    if (n > 40) n = 40;
    memcpy(buf, f.s, n);
    buf[n] = '\0';
    return buf;
}

static line_t trim(line_t f)
{
    while (f.n && (f.s[0] == ' ' || f.s[0] == '\t')) f.s++, f.n--;
    while (f.n && (f.s[f.n - 1] == ' ' || f.s[f.n - 1] == '\t')) f.n--;
    return f;
}

static bool field_is(line_t f, const char *word)
{
    return f.n == strlen(word) && memcmp(f.s, word, f.n) == 0;
}

// Splits a line at commas into at most max fields; returns the number of fields found
// (which may exceed max: the excess is counted, not stored).
static int split(line_t l, line_t *fields, int max)
{
    int count = 0;
    const char *start = l.s, *end = l.s + l.n;
    for (const char *p = l.s;; p++) {
        if (p == end || *p == ',') {
            if (count < max) fields[count] = trim((line_t){start, (size_t)(p - start)});
            count++;
            if (p == end) break;
            start = p + 1;
        }
    }
    return count;
}

// "HH:MM" with two digits each → minutes after midnight, or -1.
static int parse_hhmm(line_t f)
{
    if (f.n != 5 || f.s[2] != ':') return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (f.s[i] < '0' || f.s[i] > '9')) return -1;
    int h = (f.s[0] - '0') * 10 + (f.s[1] - '0');
    int m = (f.s[3] - '0') * 10 + (f.s[4] - '0');
    if (h > 23 || m > 59) return -1;
    return h * 60 + m;
}

// A finite number ≥ 0 filling the whole field.
static bool parse_value(line_t f, double *out)
{
    char buf[64];
    if (f.n == 0 || f.n >= sizeof buf) return false;
    memcpy(buf, f.s, f.n);
    buf[f.n] = '\0';
    // strtod accepts hex floats, "inf" and "nan"; a profile holds plain decimals only.
    for (size_t i = 0; i < f.n; i++)
        if (!strchr("0123456789.eE+-", buf[i])) return false;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v) || v < 0) return false;
    *out = v;
    return true;
}

gops_status_t gops_profile_parse(const char *text, size_t len, const char *name, gops_profile_t *out,
                                 gops_error_t *err)
{
    GOPS_ASSERT(text && out);
    gops_error_clear(err);
    if (!name) name = "profile";
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;

    bool have_header = false, weights = false;
    int rows = 0, lineno = 0, last_lineno = 0;
    double value[GOPS_PROFILE_SLOTS];
    char a[48], b[48];
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        line_t l = {p, (size_t)((nl ? nl : end) - p)};
        p = nl ? nl + 1 : end;
        lineno++;
        if (l.n && l.s[l.n - 1] == '\r') l.n--;
        if (memchr(l.s, '\0', l.n))
            return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: found a NUL byte, expected CSV text", name, lineno);
        line_t t = trim(l);
        if (t.n == 0 || t.s[0] == '#') continue;
        last_lineno = lineno;

        line_t f[2];
        int nf = split(t, f, 2);
        if (!have_header) {
            if (nf != 2 || !field_is(f[0], "time") || !(field_is(f[1], "share") || field_is(f[1], "weight")))
                return gops_error_set(err, GOPS_BAD_VALUE,
                                      "%s:%d: header \"%s\": expected \"time,share\" or \"time,weight\"", name,
                                      lineno, shown(t, a, sizeof a));
            weights = field_is(f[1], "weight");
            have_header = true;
            continue;
        }
        const char *col = weights ? "weight" : "share";
        if (nf != 2)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: found %d field%s, expected 2 (time,%s)", name,
                                  lineno, nf, nf == 1 ? "" : "s", col);
        if (rows == GOPS_PROFILE_SLOTS)
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "%s:%d: a row after 23:45 (\"%s\"): expected 96 rows, 00:00 to 23:45", name,
                                  lineno, shown(f[0], a, sizeof a));
        int minute = parse_hhmm(f[0]);
        int want = rows * 15;
        if (minute != want)
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "%s:%d: time \"%s\": expected \"%02d:%02d\" (one row per 15 minutes from "
                                  "00:00 to 23:45, in order)",
                                  name, lineno, shown(f[0], a, sizeof a), want / 60, want % 60);
        if (!parse_value(f[1], &value[rows]))
            return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: %s \"%s\": expected a number >= 0", name, lineno,
                                  col, shown(f[1], b, sizeof b));
        rows++;
    }
    if (!have_header)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: no header found, expected \"time,share\" or \"time,weight\"",
                              name);
    if (rows < GOPS_PROFILE_SLOTS)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: found %d rows, expected 96 (00:00 to 23:45)", name,
                              last_lineno, rows);

    double sum = 0;
    for (int k = 0; k < GOPS_PROFILE_SLOTS; k++) sum += value[k];
    if (weights) {
        if (!(sum > 0))
            return gops_error_set(err, GOPS_BAD_VALUE, "%s: weights sum to 0, expected a positive sum", name);
    } else if (fabs(sum - 1.0) > SHARE_SUM_TOLERANCE) {
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "%s: shares sum to %.9g, expected 1 (within 1e-6); a `weight` column is "
                              "normalised instead",
                              name, sum);
    }
    // Normalise both kinds exactly, so a day's expected arrivals equal the daily total.
    for (int k = 0; k < GOPS_PROFILE_SLOTS; k++) out->share[k] = value[k] / sum;
    return GOPS_OK;
}

gops_status_t gops_profile_load(const char *path, gops_profile_t *out, gops_error_t *err)
{
    GOPS_ASSERT(path && out);
    gops_error_clear(err);
    FILE *f = fopen(path, "rb");
    if (!f) return gops_error_set(err, GOPS_IO, "%s: cannot open the profile: %s", path, strerror(errno));
    // A profile is a few kB; anything over 1 MB is not one.
    enum { MAX_BYTES = 1 << 20 };
    char *buf = malloc(MAX_BYTES + 1);
    if (!buf) {
        fclose(f);
        return gops_error_set(err, GOPS_NOMEM, "%s: out of memory reading the profile", path);
    }
    size_t n = fread(buf, 1, MAX_BYTES + 1, f);
    bool failed = ferror(f);
    fclose(f);
    gops_status_t st;
    if (failed) st = gops_error_set(err, GOPS_IO, "%s: cannot read the profile", path);
    else if (n > MAX_BYTES)
        st = gops_error_set(err, GOPS_BAD_VALUE, "%s: larger than 1 MB, expected a 96-row profile", path);
    else st = gops_profile_parse(buf, n, path, out, err);
    free(buf);
    return st;
}

const char *gops_profile_default_path(gops_day_kind_t kind)
{
    GOPS_ASSERT((unsigned)kind < GOPS_DAY_KIND_COUNT);
    return kind == GOPS_DAY_HOLIDAY ? "assets/profiles/visitors_holiday.csv" : "assets/profiles/visitors_weekday.csv";
}

gops_status_t gops_profile_load_default(gops_day_kind_t kind, gops_profile_t *out, gops_error_t *err)
{
    const char *rel = gops_profile_default_path(kind);
    FILE *probe = fopen(rel, "rb");
    if (probe) {
        fclose(probe);
        return gops_profile_load(rel, out, err);
    }
#ifdef GOPS_SOURCE_DIR
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", GOPS_SOURCE_DIR, rel);
    return gops_profile_load(path, out, err);
#else
    return gops_profile_load(rel, out, err);
#endif
}

gops_status_t gops_profile_from_weights(const double *weights, size_t count, gops_profile_t *out,
                                        gops_error_t *err)
{
    GOPS_ASSERT(weights && out);
    gops_error_clear(err);
    if (count != GOPS_PROFILE_SLOTS)
        return gops_error_set(err, GOPS_BAD_VALUE, "profile: found %zu weights, expected 96 (one per 15 minutes)",
                              count);
    double sum = 0;
    for (int k = 0; k < GOPS_PROFILE_SLOTS; k++) {
        if (!isfinite(weights[k]) || weights[k] < 0)
            return gops_error_set(err, GOPS_BAD_VALUE, "profile: weight %d (%02d:%02d) is %g, expected a number >= 0",
                                  k + 1, k / 4, (k % 4) * 15, weights[k]);
        sum += weights[k];
    }
    if (!(sum > 0)) return gops_error_set(err, GOPS_BAD_VALUE, "profile: weights sum to 0, expected a positive sum");
    for (int k = 0; k < GOPS_PROFILE_SLOTS; k++) out->share[k] = weights[k] / sum;
    return GOPS_OK;
}

long gops_profile_slot(double t_s)
{
    GOPS_ASSERT(t_s >= 0);
    return (long)floor(t_s / GOPS_PROFILE_SLOT_S);
}

double gops_profile_share_at(const gops_profile_t *p, double t_s)
{
    return p->share[gops_profile_slot(t_s) % GOPS_PROFILE_SLOTS];
}

// Fraction of a day's arrivals in [0, t).
static double cumulative(const gops_profile_t *p, double t_s)
{
    long slot = gops_profile_slot(t_s);
    double sum = (double)(slot / GOPS_PROFILE_SLOTS); // whole days
    for (long k = 0; k < slot % GOPS_PROFILE_SLOTS; k++) sum += p->share[k];
    double into = t_s - (double)slot * GOPS_PROFILE_SLOT_S;
    return sum + p->share[slot % GOPS_PROFILE_SLOTS] * (into / GOPS_PROFILE_SLOT_S);
}

double gops_profile_fraction(const gops_profile_t *p, double t0_s, double t1_s)
{
    GOPS_ASSERT(t0_s >= 0 && t1_s >= t0_s);
    return cumulative(p, t1_s) - cumulative(p, t0_s);
}
