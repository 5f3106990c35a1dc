// SPDX-License-Identifier: MIT
// Golden comparison for `gridops check`: reads two runs' summary.json (cJSON) and
// timeseries.csv, applies tolerances.txt and lists what moved. Knows the output formats
// only as far as it compares them; does not know what a metric means.
#include "output/golden.h"

#include "output/outdir.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { TEXT_LIMIT = 256 << 20 }; // largest output file read: 256 MiB

static const char default_tolerances[] =
    "# How far each metric may move before `gridops check` reports it (first match wins;\n"
    "# a metric no rule matches must be equal). Rules: exact, ignore, rel AMOUNT, abs AMOUNT.\n"
    "# known_failure: REASON   declares that this golden is known to have moved.\n"
    "state_hash      exact\n"
    "end             exact\n"
    "passed          exact\n"
    "kpi.*           rel 1e-9\n"
    "timeseries.*    rel 1e-9\n";

static char *read_text(const char *path, gops_error_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        gops_error_set(err, GOPS_IO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) break;
        if (len + 1 == cap) {
            if (cap >= TEXT_LIMIT) break;
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    bool failed = ferror(f) || len + 1 >= TEXT_LIMIT;
    fclose(f);
    if (!buf || failed) {
        free(buf);
        gops_error_set(err, GOPS_IO, "%s: cannot read (error or larger than %d MiB)", path, TEXT_LIMIT >> 20);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

// ---- tolerances ------------------------------------------------------------------------

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) *--end = '\0';
    return s;
}

static gops_status_t parse_rule(const char *path, int line, char *text, gops_tolerance_rule_t *rule, gops_error_t *err)
{
    char pattern[96], kind[16], extra[64];
    double amount = 0;
    int n = sscanf(text, "%95s %15s %lf %63s", pattern, kind, &amount, extra);
    bool ok = false;
    if (n == 2 && strcmp(kind, "exact") == 0) {
        rule->kind = GOPS_TOL_EXACT;
        ok = true;
    } else if (n == 2 && strcmp(kind, "ignore") == 0) {
        rule->kind = GOPS_TOL_IGNORE;
        ok = true;
    } else if (n == 3 && (strcmp(kind, "rel") == 0 || strcmp(kind, "abs") == 0) && isfinite(amount) && amount >= 0) {
        rule->kind = kind[0] == 'r' ? GOPS_TOL_REL : GOPS_TOL_ABS;
        ok = true;
    }
    if (!ok)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: found \"%.80s\", expected PATTERN exact|ignore or PATTERN "
                              "rel|abs AMOUNT (AMOUNT >= 0)", path, line, text);
    snprintf(rule->pattern, sizeof rule->pattern, "%s", pattern);
    rule->amount = amount;
    return GOPS_OK;
}

gops_status_t gops_tolerances_load(const char *path, gops_tolerances_t *tol, gops_error_t *err)
{
    memset(tol, 0, sizeof *tol);
    struct stat st;
    if (stat(path, &st) != 0) return GOPS_OK;
    char *text = read_text(path, err);
    if (!text) return err->status;
    gops_status_t status = GOPS_OK;
    int line_no = 0;
    for (char *line = text, *next; line && status == GOPS_OK; line = next) {
        line_no++;
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        char *s = trim(line);
        if (!*s) continue;
        if (strncmp(s, "known_failure:", 14) == 0) {
            const char *reason = trim(s + 14);
            if (!*reason)
                status = gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: known_failure: give the reason", path, line_no);
            snprintf(tol->known_failure, sizeof tol->known_failure, "%s", reason);
            continue;
        }
        if (tol->count == GOPS_TOLERANCE_RULES_MAX) {
            status = gops_error_set(err, GOPS_BAD_VALUE, "%s:%d: more than %d rules", path, line_no,
                                    GOPS_TOLERANCE_RULES_MAX);
            break;
        }
        status = parse_rule(path, line_no, s, &tol->rules[tol->count], err);
        if (status == GOPS_OK) tol->count++;
    }
    free(text);
    return status;
}

const gops_tolerance_rule_t *gops_tolerances_find(const gops_tolerances_t *tol, const char *metric)
{
    for (uint32_t i = 0; i < tol->count; i++)
        if (fnmatch(tol->rules[i].pattern, metric, 0) == 0) return &tol->rules[i];
    return NULL;
}

static void rule_text(const gops_tolerance_rule_t *rule, char *buf, size_t size)
{
    if (!rule || rule->kind == GOPS_TOL_EXACT)
        snprintf(buf, size, "exact");
    else
        snprintf(buf, size, "%s %g", rule->kind == GOPS_TOL_REL ? "rel" : "abs", rule->amount);
}

// ---- comparing values ------------------------------------------------------------------

/// A value as both files write it: a number when it parses as one, else its text ("" = absent).
static bool within(const gops_tolerance_rule_t *rule, const char *golden, const char *now)
{
    if (rule && rule->kind == GOPS_TOL_IGNORE) return true;
    if (strcmp(golden, now) == 0) return true;
    char *end_g, *end_n;
    double g = strtod(golden, &end_g), n = strtod(now, &end_n);
    bool numbers = *golden && *now && !*end_g && !*end_n;
    if (!numbers) return false;
    if (g == n) return true; // "1" and "1.0"
    if (!rule || rule->kind == GOPS_TOL_EXACT) return false;
    double d = fabs(n - g);
    if (rule->kind == GOPS_TOL_ABS) return d <= rule->amount;
    return d <= rule->amount * fmax(fabs(g), fabs(n));
}

static gops_status_t add_diff(gops_golden_result_t *r, const char *metric, const char *golden, const char *now,
                              const gops_tolerance_rule_t *rule, const char *where, gops_error_t *err)
{
    if (r->count == r->capacity) {
        uint32_t cap = r->capacity ? r->capacity * 2 : 16;
        gops_golden_diff_t *bigger = realloc(r->diffs, cap * sizeof *bigger);
        if (!bigger) return gops_error_set(err, GOPS_NOMEM, "out of memory comparing goldens");
        r->diffs = bigger;
        r->capacity = cap;
    }
    gops_golden_diff_t *d = &r->diffs[r->count++];
    snprintf(d->metric, sizeof d->metric, "%s", metric);
    snprintf(d->golden, sizeof d->golden, "%s", *golden ? golden : "absent");
    snprintf(d->now, sizeof d->now, "%s", *now ? now : "absent");
    rule_text(rule, d->rule, sizeof d->rule);
    snprintf(d->where, sizeof d->where, "%s", where);
    return GOPS_OK;
}

static gops_status_t compare_value(gops_golden_result_t *r, const char *metric, const char *golden, const char *now,
                                   gops_error_t *err)
{
    const gops_tolerance_rule_t *rule = gops_tolerances_find(&r->tolerances, metric);
    r->compared++;
    if (within(rule, golden, now)) return GOPS_OK;
    return add_diff(r, metric, golden, now, rule, "", err);
}

// ---- summary.json ----------------------------------------------------------------------

static cJSON *load_json(const char *path, gops_error_t *err)
{
    char *text = read_text(path, err);
    if (!text) return NULL;
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        gops_error_set(err, GOPS_BAD_VALUE, "%s: not a JSON object", path);
    }
    return root;
}

/// A JSON scalar as text ("" for absent or null).
static void json_text(const cJSON *item, char *buf, size_t size)
{
    if (!item || cJSON_IsNull(item))
        snprintf(buf, size, "%s", "");
    else if (cJSON_IsString(item))
        snprintf(buf, size, "%s", item->valuestring);
    else if (cJSON_IsBool(item))
        snprintf(buf, size, "%s", cJSON_IsTrue(item) ? "true" : "false");
    else if (cJSON_IsNumber(item))
        snprintf(buf, size, "%.17g", item->valuedouble);
    else
        snprintf(buf, size, "%s", "(not a scalar)");
}

static gops_status_t compare_key(gops_golden_result_t *r, const char *metric, const cJSON *g, const cJSON *n,
                                 gops_error_t *err)
{
    char gt[64], nt[64];
    json_text(g, gt, sizeof gt);
    json_text(n, nt, sizeof nt);
    return compare_value(r, metric, gt, nt, err);
}

static gops_status_t compare_summaries(gops_golden_result_t *r, const cJSON *golden, const cJSON *now, gops_error_t *err)
{
    static const char *const top[] = {"state_hash", "end", "passed"};
    gops_status_t st = GOPS_OK;
    for (size_t i = 0; i < sizeof top / sizeof top[0] && st == GOPS_OK; i++)
        st = compare_key(r, top[i], cJSON_GetObjectItemCaseSensitive(golden, top[i]),
                         cJSON_GetObjectItemCaseSensitive(now, top[i]), err);
    const cJSON *gk = cJSON_GetObjectItemCaseSensitive(golden, "kpi");
    const cJSON *nk = cJSON_GetObjectItemCaseSensitive(now, "kpi");
    char metric[128];
    const cJSON *item;
    cJSON_ArrayForEach(item, gk) {
        if (st != GOPS_OK) break;
        snprintf(metric, sizeof metric, "kpi.%s", item->string);
        st = compare_key(r, metric, item, cJSON_GetObjectItemCaseSensitive(nk, item->string), err);
    }
    cJSON_ArrayForEach(item, nk) { // KPIs new in this run
        if (st != GOPS_OK) break;
        if (cJSON_GetObjectItemCaseSensitive(gk, item->string)) continue;
        snprintf(metric, sizeof metric, "kpi.%s", item->string);
        st = compare_key(r, metric, NULL, item, err);
    }
    return st;
}

// ---- timeseries.csv --------------------------------------------------------------------

typedef struct csv {
    char *text;
    char **cells; ///< row-major, rows × cols
    uint32_t rows, cols;
} csv_t;

static void csv_free(csv_t *c)
{
    free(c->text);
    free(c->cells);
    memset(c, 0, sizeof *c);
}

/// Splits the file into cells in place. The header is row 0. Cells hold no commas or quotes
/// (the timeseries writer never writes them).
static gops_status_t csv_load(const char *path, csv_t *c, gops_error_t *err)
{
    memset(c, 0, sizeof *c);
    c->text = read_text(path, err);
    if (!c->text) return err->status;
    uint32_t cap = 0, line_no = 0;
    for (char *line = c->text, *next; line && *line; line = next) {
        line_no++;
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        uint32_t cols = 1;
        for (const char *p = line; *p; p++) cols += *p == ',';
        if (line_no == 1) c->cols = cols;
        if (cols != c->cols) {
            csv_free(c);
            return gops_error_set(err, GOPS_BAD_VALUE, "%s:%u: %u columns, expected %u as in the header", path, line_no,
                                  cols, c->cols);
        }
        if ((c->rows + 1) * c->cols > cap) {
            cap = cap ? cap * 2 : 1024;
            while (cap < (c->rows + 1) * c->cols) cap *= 2;
            char **bigger = realloc(c->cells, cap * sizeof *bigger);
            if (!bigger) {
                csv_free(c);
                return gops_error_set(err, GOPS_NOMEM, "out of memory reading %s", path);
            }
            c->cells = bigger;
        }
        char **row = c->cells + (size_t)c->rows * c->cols;
        uint32_t k = 0;
        for (char *cell = line;; k++) {
            row[k] = cell;
            char *comma = strchr(cell, ',');
            if (!comma) break;
            *comma = '\0';
            cell = comma + 1;
        }
        c->rows++;
    }
    if (c->rows == 0) {
        csv_free(c);
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: empty, expected a header line", path);
    }
    return GOPS_OK;
}

static int csv_column(const csv_t *c, const char *name)
{
    for (uint32_t k = 0; k < c->cols; k++)
        if (strcmp(c->cells[k], name) == 0) return (int)k;
    return -1;
}

/// Each column of the golden: the cells that moved, reported once per column with the count
/// and the first row. Columns only one side has are reported as absent.
static gops_status_t compare_series(gops_golden_result_t *r, const csv_t *g, const csv_t *n, gops_error_t *err)
{
    char rows_g[16], rows_n[16];
    snprintf(rows_g, sizeof rows_g, "%u", g->rows - 1);
    snprintf(rows_n, sizeof rows_n, "%u", n->rows - 1);
    gops_status_t st = compare_value(r, "timeseries.rows", rows_g, rows_n, err);
    uint32_t rows = g->rows < n->rows ? g->rows : n->rows;
    char metric[128];
    for (uint32_t k = 0; k < g->cols && st == GOPS_OK; k++) {
        snprintf(metric, sizeof metric, "timeseries.%s", g->cells[k]);
        int nk = csv_column(n, g->cells[k]);
        if (nk < 0) {
            st = add_diff(r, metric, "column", "", NULL, "", err);
            continue;
        }
        const gops_tolerance_rule_t *rule = gops_tolerances_find(&r->tolerances, metric);
        uint32_t moved = 0, first = 0;
        for (uint32_t row = 1; row < rows; row++) {
            r->compared++;
            if (within(rule, g->cells[(size_t)row * g->cols + k], n->cells[(size_t)row * n->cols + (uint32_t)nk])) continue;
            if (moved++ == 0) first = row;
        }
        if (!moved) continue;
        char where[64];
        snprintf(where, sizeof where, "%u row%s, first at %.30s", moved, moved == 1 ? "" : "s", g->cells[(size_t)first * g->cols]);
        st = add_diff(r, metric, g->cells[(size_t)first * g->cols + k], n->cells[(size_t)first * n->cols + (uint32_t)nk],
                      rule, where, err);
    }
    for (uint32_t k = 0; k < n->cols && st == GOPS_OK; k++) {
        if (csv_column(g, n->cells[k]) >= 0) continue;
        snprintf(metric, sizeof metric, "timeseries.%s", n->cells[k]);
        st = add_diff(r, metric, "", "column", NULL, "", err);
    }
    return st;
}

// ---- public ----------------------------------------------------------------------------

static void join(char *buf, size_t size, const char *dir, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

bool gops_golden_exists(const char *golden_dir)
{
    char path[1200];
    join(path, sizeof path, golden_dir, "summary.json");
    struct stat st;
    return stat(path, &st) == 0;
}

gops_status_t gops_golden_compare(const char *golden_dir, const char *run_dir, gops_golden_result_t *r,
                                  gops_error_t *err)
{
    memset(r, 0, sizeof *r);
    char path[1200], other[1200];
    join(path, sizeof path, golden_dir, "tolerances.txt");
    gops_status_t st = gops_tolerances_load(path, &r->tolerances, err);
    if (st != GOPS_OK) return st;

    join(path, sizeof path, golden_dir, "summary.json");
    join(other, sizeof other, run_dir, "summary.json");
    cJSON *g = load_json(path, err), *n = g ? load_json(other, err) : NULL;
    if (g && n) st = compare_summaries(r, g, n, err);
    else st = err->status;
    cJSON_Delete(g);
    cJSON_Delete(n);
    if (st != GOPS_OK) return st;

    csv_t gc, nc;
    join(path, sizeof path, golden_dir, "timeseries.csv");
    join(other, sizeof other, run_dir, "timeseries.csv");
    if ((st = csv_load(path, &gc, err)) != GOPS_OK) return st;
    if ((st = csv_load(other, &nc, err)) == GOPS_OK) {
        st = compare_series(r, &gc, &nc, err);
        csv_free(&nc);
    }
    csv_free(&gc);
    return st;
}

void gops_golden_result_free(gops_golden_result_t *r)
{
    free(r->diffs);
    memset(r, 0, sizeof *r);
}

static gops_status_t copy_file(const char *from_dir, const char *to_dir, const char *name, gops_error_t *err)
{
    char from[1200], to[1200];
    join(from, sizeof from, from_dir, name);
    join(to, sizeof to, to_dir, name);
    char *text = read_text(from, err);
    if (!text) return err->status;
    gops_status_t st = gops_file_write_atomic(to, text, strlen(text), err);
    free(text);
    return st;
}

gops_status_t gops_golden_accept(const char *golden_dir, const char *run_dir, gops_error_t *err)
{
    gops_status_t st = gops_mkdirs(golden_dir, err);
    if (st == GOPS_OK) st = copy_file(run_dir, golden_dir, "summary.json", err);
    if (st == GOPS_OK) st = copy_file(run_dir, golden_dir, "timeseries.csv", err);
    char path[1200];
    join(path, sizeof path, golden_dir, "tolerances.txt");
    struct stat s;
    if (st == GOPS_OK && stat(path, &s) != 0)
        st = gops_file_write_atomic(path, default_tolerances, sizeof default_tolerances - 1, err);
    return st;
}
