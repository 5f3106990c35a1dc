// SPDX-License-Identifier: MIT
// Strict CSV reading of traffic profiles (profile.h). Lines are split by hand: the format is
// small and every error message must name its line.
#include "traffic/profile.h"

#include "gridops/gridops.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Next line of text into buf (without the newline); returns false at the end.
static bool next_line(const char **at, const char *end, char *buf, size_t size, bool *too_long)
{
    if (*at >= end) return false;
    const char *p = *at, *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    size_t n = (size_t)(stop - p);
    if (n > 0 && p[n - 1] == '\r') n--;
    *too_long = n >= size;
    if (*too_long) n = size - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    *at = nl ? nl + 1 : end;
    return true;
}

static bool valid_name(const char *s)
{
    if (!*s || strlen(s) >= GOPS_TPROFILE_NAME_MAX) return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_')) return false;
    return true;
}

static bool parse_hhmm(const char *s, int32_t *out)
{
    if (strlen(s) != 5 || s[2] != ':' || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
        !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
        return false;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 23 || m > 59) return false;
    *out = h * 3600 + m * 60;
    return true;
}

gops_status_t gops_tprofile_parse(const char *text, size_t len, const char *source, gops_tprofile_t *p,
                                  gops_error_t *err)
{
    memset(p, 0, sizeof *p);
    snprintf(p->source, sizeof p->source, "%s", source ? source : "profile");
    const char *at = text, *end = text + len;
    char line[1024];
    bool too_long, header = false;
    int lineno = 0;
    while (next_line(&at, end, line, sizeof line, &too_long)) {
        lineno++;
        if (too_long)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: line longer than %zu characters", p->source, lineno,
                                  sizeof line - 1);
        const char *q = line;
        while (*q == ' ' || *q == '\t') q++;
        if (*q == '\0' || *q == '#') continue;
        char *fields[GOPS_TPROFILE_MAX_COLS + 2];
        uint32_t nf = 0;
        char *save = line;
        while (nf < GOPS_TPROFILE_MAX_COLS + 2) {
            char *comma = strchr(save, ',');
            fields[nf++] = save;
            if (!comma) break;
            *comma = '\0';
            save = comma + 1;
        }
        for (uint32_t k = 0; k < nf; k++) { // trim spaces
            while (*fields[k] == ' ') fields[k]++;
            size_t n = strlen(fields[k]);
            while (n > 0 && fields[k][n - 1] == ' ') fields[k][--n] = '\0';
        }
        if (!header) {
            if (nf < 2 || strcmp(fields[0], "time") != 0)
                return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: expected a header \"time,<column>,...\", found \"%s\"",
                                      p->source, lineno, fields[0]);
            if (nf - 1 > GOPS_TPROFILE_MAX_COLS)
                return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: more than %d columns after time", p->source, lineno,
                                      GOPS_TPROFILE_MAX_COLS);
            for (uint32_t k = 1; k < nf; k++) {
                if (!valid_name(fields[k]))
                    return gops_error_set(err, GOPS_BAD_VALUE,
                                          "%s:%d: column name \"%s\" must be lower-case letters, digits and _",
                                          p->source, lineno, fields[k]);
                for (uint32_t j = 0; j + 1 < k; j++)
                    if (strcmp(p->col[j], fields[k]) == 0)
                        return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: column \"%s\" appears twice", p->source,
                                              lineno, fields[k]);
                snprintf(p->col[k - 1], GOPS_TPROFILE_NAME_MAX, "%s", fields[k]);
            }
            p->cols = nf - 1;
            header = true;
            continue;
        }
        if (nf != p->cols + 1)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: %u fields, expected %u (time and %u values)", p->source,
                                  lineno, nf, p->cols + 1, p->cols);
        if (p->rows >= GOPS_TPROFILE_MAX_ROWS)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: more than %d rows", p->source, lineno,
                                  GOPS_TPROFILE_MAX_ROWS);
        int32_t t;
        if (!parse_hhmm(fields[0], &t))
            return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: time \"%s\", expected HH:MM from 00:00 to 23:59",
                                  p->source, lineno, fields[0]);
        if (p->rows == 0 && t != 0)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: the first row is at %s, expected 00:00", p->source,
                                  lineno, fields[0]);
        if (p->rows > 0 && t <= p->t[p->rows - 1])
            return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: time %s is not after the previous row's", p->source,
                                  lineno, fields[0]);
        p->t[p->rows] = t;
        for (uint32_t k = 1; k < nf; k++) {
            char *e;
            errno = 0;
            double v = strtod(fields[k], &e);
            if (errno || e == fields[k] || *e || !isfinite(v) || v < 0)
                return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: %s = \"%s\", expected a non-negative number",
                                      p->source, lineno, p->col[k - 1], fields[k]);
            p->v[p->rows][k - 1] = v;
        }
        p->rows++;
    }
    if (!header) return gops_error_set(err, GOPS_BAD_VALUE, "%s: no header line \"time,<column>,...\"", p->source);
    if (p->rows == 0) return gops_error_set(err, GOPS_BAD_VALUE, "%s: no data rows; expected rows from 00:00", p->source);
    return GOPS_OK;
}

gops_status_t gops_tprofile_load(const char *path, gops_tprofile_t *out, gops_error_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return gops_error_set(err, GOPS_IO, "%s: cannot open the traffic profile: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n < 0 || n > (1 << 20)) {
        fclose(f);
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: a traffic profile must be under 1 MiB", path);
    }
    char *text = malloc((size_t)n + 1);
    if (!text) {
        fclose(f);
        return gops_error_set(err, GOPS_NOMEM, "%s: out of memory", path);
    }
    size_t got = fread(text, 1, (size_t)n, f);
    fclose(f);
    gops_status_t st = got == (size_t)n ? gops_tprofile_parse(text, got, path, out, err)
                                        : gops_error_set(err, GOPS_IO, "%s: read error", path);
    free(text);
    return st;
}

gops_status_t gops_tprofile_load_named(const char *dir, const char *name, gops_tprofile_t *out, gops_error_t *err)
{
    char path[1024];
    if (dir) {
        snprintf(path, sizeof path, "%s/%s", dir, name);
        return gops_tprofile_load(path, out, err);
    }
    snprintf(path, sizeof path, "assets/profiles/%s", name);
    FILE *f = fopen(path, "rb");
    if (f) {
        fclose(f);
        return gops_tprofile_load(path, out, err);
    }
#ifdef GOPS_SOURCE_DIR
    snprintf(path, sizeof path, "%s/assets/profiles/%s", GOPS_SOURCE_DIR, name);
#endif
    return gops_tprofile_load(path, out, err);
}

int gops_tprofile_column(const gops_tprofile_t *p, const char *name)
{
    for (uint32_t k = 0; k < p->cols; k++)
        if (strcmp(p->col[k], name) == 0) return (int)k;
    return -1;
}

int gops_tprofile_mode_column(const gops_tprofile_t *p, const char *prefix, gops_mode_t mode)
{
    char name[GOPS_TPROFILE_NAME_MAX * 2];
    snprintf(name, sizeof name, "%s%s", prefix, gops_mode_name(mode));
    return gops_tprofile_column(p, name);
}

gops_status_t gops_tprofile_require_modes(const gops_tprofile_t *p, const char *prefix, int cols[GOPS_MODE_COUNT],
                                          gops_error_t *err)
{
    for (int m = 0; m < GOPS_MODE_COUNT; m++) {
        cols[m] = gops_tprofile_mode_column(p, prefix, (gops_mode_t)m);
        if (cols[m] < 0)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s: no column \"%s%s\"; expected one per operating mode",
                                  p->source, prefix, gops_mode_name((gops_mode_t)m));
    }
    return GOPS_OK;
}

double gops_tprofile_at(const gops_tprofile_t *p, int col, double t)
{
    if (col < 0 || p->rows == 0) return 0;
    double tod = fmod(t, 86400.0);
    if (tod < 0) tod += 86400.0;
    uint32_t lo = 0, hi = p->rows; // last row with t[row] <= tod
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (p->t[mid] <= tod) lo = mid;
        else hi = mid;
    }
    return p->v[lo][col];
}
