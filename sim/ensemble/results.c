// SPDX-License-Identifier: MIT
// Study results and tables (see results.h). Everything is computed in run-index and
// design-point order, and numbers print with fixed formats, so two executions of a study
// write the same runs.csv (but for wall times) and the same summary.csv.
#include "ensemble/results.h"

#include "ensemble/study_dir.h"
#include "ensemble/study_report.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const gops_stats_t *gops_study_results_point(const gops_study_results_t *r, uint32_t point, uint32_t kpi)
{
    return &r->points[point * r->study->kpi_count + kpi];
}

/// Values of one KPI at one design point, one per replication (NaN when the run did not
/// finish or the KPI had no value).
static void point_values(const gops_study_results_t *r, uint32_t point, uint32_t kpi, double *out)
{
    const gops_study_t *s = r->study;
    for (uint32_t rep = 0; rep < s->replications; rep++) {
        const gops_run_row_t *row = &r->rows[gops_study_run_index(s, point, rep)];
        out[rep] = row->state == GOPS_RECORD_OK ? row->kpi[kpi] : NAN;
    }
}

/// The point that differs from `point` only in factor f, at level `level`; -1 when the
/// design lacks it.
static int partner(const gops_study_t *s, uint32_t point, uint32_t f, uint32_t level)
{
    for (uint32_t q = 0; q < s->point_count; q++) {
        if (s->points[q][f] != level) continue;
        bool same = true;
        for (uint32_t g = 0; g < s->factor_count && same; g++)
            if (g != f && s->points[q][g] != s->points[point][g]) same = false;
        if (same) return (int)q;
    }
    return -1;
}

static gops_status_t compute(gops_study_results_t *r, gops_error_t *err)
{
    const gops_study_t *s = r->study;
    double *a = malloc(s->replications * sizeof *a), *b = malloc(s->replications * sizeof *b);
    r->points = calloc((size_t)s->point_count * s->kpi_count, sizeof *r->points);
    if (!a || !b || !r->points) {
        free(a);
        free(b);
        return gops_error_set(err, GOPS_NOMEM, "out of memory for the statistics of %s", s->name);
    }
    for (uint32_t p = 0; p < s->point_count; p++)
        for (uint32_t k = 0; k < s->kpi_count; k++) {
            point_values(r, p, k, a);
            r->points[p * s->kpi_count + k] = gops_stats_of(a, s->replications, s->confidence);
        }
    for (uint32_t c = 0; c < s->compare_count; c++) {
        const gops_study_compare_t *cmp = &s->compares[c];
        for (uint32_t p = 0; p < s->point_count; p++) {
            if (s->points[p][cmp->factor] != cmp->from) continue;
            int q = partner(s, p, cmp->factor, cmp->to);
            if (q < 0) continue;
            gops_study_diff_t *grown = realloc(r->diffs, (r->diff_count + 1) * sizeof *grown);
            if (!grown) {
                free(a);
                free(b);
                return gops_error_set(err, GOPS_NOMEM, "out of memory for the differences of %s", s->name);
            }
            r->diffs = grown;
            gops_study_diff_t *d = &r->diffs[r->diff_count++];
            memset(d, 0, sizeof *d);
            d->compare = c;
            d->from_point = p;
            d->to_point = (uint32_t)q;
            for (uint32_t k = 0; k < s->kpi_count; k++) {
                point_values(r, p, k, a);
                point_values(r, (uint32_t)q, k, b);
                d->kpi[k] = gops_stats_paired(a, b, s->replications, s->confidence);
            }
        }
    }
    free(a);
    free(b);
    return GOPS_OK;
}

gops_status_t gops_study_results_read(const gops_study_t *s, const char *root, gops_study_results_t *r,
                                      gops_error_t *err)
{
    memset(r, 0, sizeof *r);
    r->study = s;
    uint32_t n = gops_study_run_count(s);
    r->rows = calloc(n, sizeof *r->rows);
    if (!r->rows) return gops_error_set(err, GOPS_NOMEM, "out of memory reading the %u runs of %s", n, s->name);
    for (uint32_t i = 0; i < n; i++) {
        gops_run_row_t *row = &r->rows[i];
        gops_record_read(s, root, i, row);
        switch (row->state) {
        case GOPS_RECORD_OK:
            r->ok++;
            if (!row->passed) r->not_passed++;
            break;
        case GOPS_RECORD_FAILED:
            r->failed++;
            if (row->exit_code > r->worst_failure) r->worst_failure = row->exit_code;
            break;
        case GOPS_RECORD_MISSING: r->missing++; break;
        case GOPS_RECORD_STALE: r->stale++; break;
        }
    }
    gops_status_t st = compute(r, err);
    if (st != GOPS_OK) gops_study_results_free(r);
    return st;
}

void gops_study_results_free(gops_study_results_t *r)
{
    free(r->rows);
    free(r->points);
    free(r->diffs);
    memset(r, 0, sizeof *r);
}

void gops_csv_field(gops_strbuf_t *out, const char *text)
{
    if (!strpbrk(text, ",\"\r\n")) {
        gops_strbuf_puts(out, text);
        return;
    }
    gops_strbuf_puts(out, "\"");
    for (const char *p = text; *p; p++) {
        if (*p == '"') gops_strbuf_puts(out, "\"");
        gops_strbuf_append(out, p, 1);
    }
    gops_strbuf_puts(out, "\"");
}

static void csv_number(gops_strbuf_t *out, const char *fmt, double v)
{
    gops_strbuf_puts(out, ",");
    if (isfinite(v)) gops_strbuf_printf(out, fmt, v);
}

static const char *state_name(gops_record_state_t st)
{
    switch (st) {
    case GOPS_RECORD_OK: return "ok";
    case GOPS_RECORD_FAILED: return "failed";
    case GOPS_RECORD_STALE: return "stale";
    case GOPS_RECORD_MISSING: break;
    }
    return "missing";
}

static char *finish_text(gops_strbuf_t *sb)
{
    if (sb->failed) {
        gops_strbuf_free(sb);
        return NULL;
    }
    return sb->data;
}

char *gops_study_runs_csv(const gops_study_results_t *r)
{
    const gops_study_t *s = r->study;
    gops_strbuf_t sb;
    gops_strbuf_init(&sb);
    gops_strbuf_puts(&sb, "run,point,replication");
    for (uint32_t f = 0; f < s->factor_count; f++) {
        gops_strbuf_puts(&sb, ",");
        gops_csv_field(&sb, s->factors[f].key);
    }
    gops_strbuf_puts(&sb, ",seed,status,passed");
    for (uint32_t k = 0; k < s->kpi_count; k++) gops_strbuf_printf(&sb, ",%s", s->kpis[k]);
    gops_strbuf_puts(&sb, ",wall_seconds,state_hash\n");
    uint32_t n = gops_study_run_count(s);
    for (uint32_t i = 0; i < n; i++) {
        gops_study_run_t run = gops_study_run(s, i);
        const gops_run_row_t *row = &r->rows[i];
        gops_strbuf_printf(&sb, "%u,%u,%u", i, run.point, run.replication);
        for (uint32_t f = 0; f < s->factor_count; f++) {
            gops_strbuf_puts(&sb, ",");
            gops_csv_field(&sb, s->factors[f].levels[s->points[run.point][f]]);
        }
        bool ok = row->state == GOPS_RECORD_OK;
        gops_strbuf_printf(&sb, ",%" PRIu64 ",%s,%s", run.seed, state_name(row->state),
                           ok ? (row->passed ? "true" : "false") : "");
        for (uint32_t k = 0; k < s->kpi_count; k++) csv_number(&sb, "%.12g", ok ? row->kpi[k] : NAN);
        csv_number(&sb, "%.3f", ok ? row->wall_seconds : NAN);
        gops_strbuf_puts(&sb, ",");
        if (ok) gops_strbuf_printf(&sb, "%016" PRIx64, row->state_hash);
        gops_strbuf_puts(&sb, "\n");
    }
    return finish_text(&sb);
}

static void stats_columns(gops_strbuf_t *sb, const gops_study_t *s, const gops_stats_t *st)
{
    gops_strbuf_printf(sb, ",%u", st->n);
    csv_number(sb, "%.10g", st->mean);
    csv_number(sb, "%.10g", st->sd);
    gops_strbuf_printf(sb, ",%g", s->confidence);
    csv_number(sb, "%.10g", st->low);
    csv_number(sb, "%.10g", st->high);
    csv_number(sb, "%.10g", st->half_width);
    gops_strbuf_puts(sb, "\n");
}

char *gops_study_summary_csv(const gops_study_results_t *r)
{
    const gops_study_t *s = r->study;
    gops_strbuf_t sb;
    gops_strbuf_init(&sb);
    gops_strbuf_puts(&sb, "kind,point");
    for (uint32_t f = 0; f < s->factor_count; f++) {
        gops_strbuf_puts(&sb, ",");
        gops_csv_field(&sb, s->factors[f].key);
    }
    gops_strbuf_puts(&sb, ",kpi,n,mean,sd,confidence,ci_low,ci_high,ci_half_width\n");
    for (uint32_t p = 0; p < s->point_count; p++)
        for (uint32_t k = 0; k < s->kpi_count; k++) {
            gops_strbuf_printf(&sb, "point,%u", p);
            for (uint32_t f = 0; f < s->factor_count; f++) {
                gops_strbuf_puts(&sb, ",");
                gops_csv_field(&sb, s->factors[f].levels[s->points[p][f]]);
            }
            gops_strbuf_printf(&sb, ",%s", s->kpis[k]);
            stats_columns(&sb, s, gops_study_results_point(r, p, k));
        }
    for (uint32_t d = 0; d < r->diff_count; d++) {
        const gops_study_diff_t *diff = &r->diffs[d];
        const gops_study_compare_t *cmp = &s->compares[diff->compare];
        for (uint32_t k = 0; k < s->kpi_count; k++) {
            gops_strbuf_puts(&sb, "paired_difference,");
            for (uint32_t f = 0; f < s->factor_count; f++) {
                gops_strbuf_puts(&sb, ",");
                char text[2 * GOPS_STUDY_TEXT_MAX + 16];
                if (f == cmp->factor)
                    snprintf(text, sizeof text, "%s minus %s", s->factors[f].levels[cmp->to],
                             s->factors[f].levels[cmp->from]);
                else
                    snprintf(text, sizeof text, "%s", s->factors[f].levels[s->points[diff->from_point][f]]);
                gops_csv_field(&sb, text);
            }
            gops_strbuf_printf(&sb, ",%s", s->kpis[k]);
            stats_columns(&sb, s, &diff->kpi[k]);
        }
    }
    return finish_text(&sb);
}

gops_status_t gops_study_results_write(const gops_study_results_t *r, const char *root, gops_error_t *err)
{
    static const char *const names[3] = {"runs.csv", "summary.csv", "report.html"};
    char *texts[3] = {gops_study_runs_csv(r), gops_study_summary_csv(r), gops_study_report_html(r)};
    gops_status_t st = GOPS_OK;
    for (int i = 0; i < 3 && st == GOPS_OK; i++) {
        char path[1100];
        gops_study_dir_file(root, names[i], path, sizeof path);
        st = texts[i] ? gops_study_dir_write(path, texts[i], err)
                      : gops_error_set(err, GOPS_NOMEM, "out of memory writing %s", path);
    }
    for (int i = 0; i < 3; i++) free(texts[i]);
    return st;
}
