// SPDX-License-Identifier: MIT
// The study page (see study_report.h). Charts here are interval plots (a mean as a dot, its
// confidence interval as a bar with caps), which svg_chart.c does not draw; they reuse its
// tick placement and XML escaping so both reports share axes and text rules. Design points
// are grouped by the first factor's level along x, one colour per combination of the other
// factors: a 17-vs-12 teams x 50-vs-30 posts study reads as two lines of two dots each.
#include "ensemble/study_report.h"

#include "core/strbuf.h"
#include "output/svg_chart.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t palette[] = {0x1e88e5, 0xe53935, 0x43a047, 0xfb8c00, 0x8e24aa, 0x00897b, 0x6d4c41, 0x546e7a};
enum { PALETTE = sizeof palette / sizeof palette[0] };

static void esc(gops_strbuf_t *out, const char *text)
{
    gops_xml_escape(out, text);
}

/// A number for tables and tooltips: 4 significant digits, "–" when absent.
static void num(gops_strbuf_t *out, double v)
{
    if (isfinite(v))
        gops_strbuf_printf(out, "%.4g", v);
    else
        gops_strbuf_puts(out, "\xe2\x80\x93");
}

// ---------------------------------------------------------------------------------------
// Interval chart

typedef struct interval_chart {
    const char *id;
    const char *title;
    const char *x_title;            ///< under the axis (the grouping factor), may be NULL
    uint32_t categories, series;
    const char *const *category_labels; ///< categories entries; a '\n' splits two lines
    const char *const *series_labels;   ///< series entries (NULL: no legend)
    const gops_stats_t *const *cells;   ///< [category * series + s]; NULL = not in the design
    bool zero_line;                 ///< include 0 and draw it (differences)
    double confidence;
} interval_chart_t;

enum { CHART_W = 640, PLOT_X0 = 70, PLOT_X1 = CHART_W - 20, PLOT_Y0 = 40 };

static void y_range(const interval_chart_t *c, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (uint32_t i = 0; i < c->categories * c->series; i++) {
        const gops_stats_t *st = c->cells[i];
        if (!st || st->n == 0) continue;
        double a = isfinite(st->low) ? st->low : st->mean, b = isfinite(st->high) ? st->high : st->mean;
        if (a < *lo) *lo = a;
        if (b > *hi) *hi = b;
    }
    if (c->zero_line) {
        if (*lo > 0) *lo = 0;
        if (*hi < 0) *hi = 0;
    }
    if (!isfinite(*lo)) {
        *lo = 0;
        *hi = 1;
    } else if (*hi - *lo < 1e-12 * fmax(1.0, fabs(*hi))) {
        // One value everywhere: give the axis some height around it.
        double pad = fabs(*hi) > 0 ? fabs(*hi) * 0.1 : 1.0;
        *lo -= pad;
        *hi += pad;
    }
}

static void interval_chart_write(gops_strbuf_t *out, const interval_chart_t *c)
{
    bool legend = c->series_labels && c->series > 1;
    int legend_rows = legend ? (int)((c->series + 2) / 3) : 0;
    int plot_y1 = 250;
    int height = plot_y1 + 58 + 18 * legend_rows;
    gops_strbuf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" width=\"%d\" height=\"%d\" "
                       "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n<title>",
                       c->id, CHART_W, height, CHART_W, height);
    esc(out, c->title);
    gops_strbuf_printf(out, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
                       "<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">",
                       CHART_W, height, CHART_W / 2);
    esc(out, c->title);
    gops_strbuf_puts(out, "</text>\n");

    double lo, hi, ticks[16], step;
    y_range(c, &lo, &hi);
    uint32_t nt = gops_svg_nice_ticks(lo, hi, 6, ticks, &step);
    double y_lo = ticks[0], y_hi = ticks[nt - 1];
#define PY(v) (plot_y1 - ((v) - y_lo) / (y_hi - y_lo) * (plot_y1 - PLOT_Y0))
    for (uint32_t i = 0; i < nt; i++) {
        double y = PY(ticks[i]);
        gops_strbuf_printf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eceff1\"/>\n"
                           "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#546e7a\">%g</text>\n",
                           PLOT_X0, y, PLOT_X1, y, PLOT_X0 - 6, y + 4, ticks[i]);
    }
    if (c->zero_line && y_lo <= 0 && y_hi >= 0)
        gops_strbuf_printf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#455a64\" "
                           "stroke-dasharray=\"4 3\"/>\n", PLOT_X0, PY(0.0), PLOT_X1, PY(0.0));
    gops_strbuf_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#90a4ae\"/>\n", PLOT_X0, plot_y1,
                       PLOT_X1, plot_y1);

    double band = (double)(PLOT_X1 - PLOT_X0) / c->categories;
    double spacing = fmin(28.0, band / (c->series + 1));
    for (uint32_t cat = 0; cat < c->categories; cat++) {
        double cx = PLOT_X0 + band * (cat + 0.5);
        // Category label: up to two lines.
        const char *label = c->category_labels[cat];
        const char *nl = strchr(label, '\n');
        gops_strbuf_printf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", cx, plot_y1 + 16);
        if (nl) {
            char first[256];
            snprintf(first, sizeof first, "%.*s", (int)(nl - label), label);
            esc(out, first);
            gops_strbuf_printf(out, "<tspan x=\"%.1f\" dy=\"14\" fill=\"#546e7a\">", cx);
            esc(out, nl + 1);
            gops_strbuf_puts(out, "</tspan>");
        } else {
            esc(out, label);
        }
        gops_strbuf_puts(out, "</text>\n");
        for (uint32_t s = 0; s < c->series; s++) {
            const gops_stats_t *st = c->cells[cat * c->series + s];
            if (!st || st->n == 0) continue;
            double x = cx + ((double)s - (c->series - 1) / 2.0) * spacing;
            uint32_t colour = palette[s % PALETTE];
            gops_strbuf_printf(out, "<g stroke=\"#%06x\" fill=\"#%06x\"><title>", colour, colour);
            if (c->series_labels && c->series > 1) {
                esc(out, c->series_labels[s]);
                gops_strbuf_puts(out, ": ");
            }
            gops_strbuf_puts(out, "mean ");
            num(out, st->mean);
            if (st->n >= 2) {
                gops_strbuf_printf(out, ", %g %% CI ", c->confidence * 100);
                num(out, st->low);
                gops_strbuf_puts(out, " to ");
                num(out, st->high);
            }
            gops_strbuf_printf(out, ", n %u</title>", st->n);
            if (st->n >= 2 && isfinite(st->low)) {
                double ya = PY(st->low), yb = PY(st->high);
                gops_strbuf_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke-width=\"2\"/>"
                                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke-width=\"2\"/>"
                                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke-width=\"2\"/>",
                                   x, ya, x, yb, x - 5, ya, x + 5, ya, x - 5, yb, x + 5, yb);
            }
            gops_strbuf_printf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\"/></g>\n", x, PY(st->mean));
        }
    }
#undef PY
    if (c->x_title) {
        gops_strbuf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#546e7a\">",
                           (PLOT_X0 + PLOT_X1) / 2, plot_y1 + 46);
        esc(out, c->x_title);
        gops_strbuf_puts(out, "</text>\n");
    }
    for (uint32_t s = 0; legend && s < c->series; s++) {
        int x = PLOT_X0 + (int)(s % 3) * 190, y = plot_y1 + 66 + (int)(s / 3) * 18;
        gops_strbuf_printf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"4.5\" fill=\"#%06x\"/><text x=\"%d\" y=\"%d\">", x,
                           y - 4, palette[s % PALETTE], x + 10, y);
        esc(out, c->series_labels[s]);
        gops_strbuf_puts(out, "</text>\n");
    }
    gops_strbuf_puts(out, "</svg>\n");
}

// ---------------------------------------------------------------------------------------
// Grouping of design points for the charts

typedef struct grouping {
    uint32_t categories, series;
    char (*category_labels)[160];
    char (*series_labels)[256];
    int *cell_point;     ///< [category * series + s] -> design point, -1 when absent
} grouping_t;

static void grouping_free(grouping_t *g)
{
    free(g->category_labels);
    free(g->series_labels);
    free(g->cell_point);
}

/// Categories: the first factor's levels; series: the combinations of the other factors in
/// the order the design first meets them.
static bool grouping_make(const gops_study_t *s, grouping_t *g)
{
    memset(g, 0, sizeof *g);
    g->categories = s->factor_count ? s->factors[0].level_count : 1;
    uint32_t *series_of = calloc(s->point_count, sizeof *series_of);
    uint32_t *first_point = calloc(s->point_count, sizeof *first_point);
    g->category_labels = calloc(g->categories, sizeof *g->category_labels);
    if (!series_of || !first_point || !g->category_labels) goto fail;
    for (uint32_t p = 0; p < s->point_count; p++) {
        uint32_t k = 0;
        for (; k < g->series; k++) {
            bool same = true;
            for (uint32_t f = 1; f < s->factor_count && same; f++)
                same = s->points[p][f] == s->points[first_point[k]][f];
            if (same) break;
        }
        if (k == g->series) first_point[g->series++] = p;
        series_of[p] = k;
    }
    g->series_labels = calloc(g->series, sizeof *g->series_labels);
    g->cell_point = malloc((size_t)g->categories * g->series * sizeof *g->cell_point);
    if (!g->series_labels || !g->cell_point) goto fail;
    for (uint32_t i = 0; i < g->categories * g->series; i++) g->cell_point[i] = -1;
    for (uint32_t c = 0; c < g->categories; c++)
        snprintf(g->category_labels[c], sizeof g->category_labels[c], "%s",
                 s->factor_count ? s->factors[0].levels[c] : "all runs");
    for (uint32_t k = 0; k < g->series; k++) {
        size_t used = 0;
        g->series_labels[k][0] = '\0';
        for (uint32_t f = 1; f < s->factor_count; f++) {
            int n = snprintf(g->series_labels[k] + used, sizeof g->series_labels[k] - used, "%s%s=%s",
                             f > 1 ? ", " : "", s->factors[f].key, s->factors[f].levels[s->points[first_point[k]][f]]);
            if (n < 0 || (size_t)n >= sizeof g->series_labels[k] - used) break;
            used += (size_t)n;
        }
    }
    for (uint32_t p = 0; p < s->point_count; p++) {
        uint32_t c = s->factor_count ? s->points[p][0] : 0;
        g->cell_point[c * g->series + series_of[p]] = (int)p;
    }
    free(series_of);
    free(first_point);
    return true;
fail:
    free(series_of);
    free(first_point);
    grouping_free(g);
    return false;
}

// ---------------------------------------------------------------------------------------
// Page

static const char style_css[] =
    "body{font-family:'Noto Sans','WenQuanYi Micro Hei','DejaVu Sans',sans-serif;margin:0;color:#212121;"
    "background:#f4f5f7}\n"
    "header{background:#0d1b2a;color:#e0f2f1;padding:18px 32px}\n"
    "header h1{margin:0 0 4px 0;font-size:24px}header p{margin:2px 0;color:#b0bec5}\n"
    "main{max-width:980px;margin:0 auto;padding:8px 24px 40px 24px}\n"
    "section{background:#fff;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.12);margin:18px 0;"
    "padding:12px 20px}\n"
    "h2{font-size:18px;margin:6px 0 10px 0;border-bottom:2px solid #26a69a;padding-bottom:4px}\n"
    "table{border-collapse:collapse;width:100%;font-size:14px;margin:8px 0}\n"
    "th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceff1;vertical-align:top}\n"
    "th.num{text-align:right}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    ".clear{font-weight:bold}.same{color:#78909c}\n"
    ".fail{color:#c62828}svg{max-width:100%;height:auto}\n"
    "footer{color:#90a4ae;font-size:12px;text-align:center;padding:12px}\n";

static void table_row(gops_strbuf_t *out, const char *key, const char *value)
{
    gops_strbuf_puts(out, "<tr><th>");
    esc(out, key);
    gops_strbuf_puts(out, "</th><td>");
    esc(out, value);
    gops_strbuf_puts(out, "</td></tr>\n");
}

static void write_header(gops_strbuf_t *out, const gops_study_results_t *r)
{
    const gops_study_t *s = r->study;
    gops_strbuf_puts(out, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                          "<meta charset=\"utf-8\"/>\n<title>");
    esc(out, s->name);
    gops_strbuf_printf(out, " \xc2\xb7 gridops study</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>",
                       style_css);
    esc(out, s->name);
    gops_strbuf_puts(out, "</h1>\n<p>");
    if (s->description[0]) esc(out, s->description);
    uint32_t runs = gops_study_run_count(s);
    gops_strbuf_printf(out, "</p>\n<p>%u design points \xc3\x97 %u replications = %u runs: %u finished", s->point_count,
                       s->replications, runs, r->ok);
    if (r->failed) gops_strbuf_printf(out, ", %u failed", r->failed);
    if (r->missing + r->stale) gops_strbuf_printf(out, ", %u not run", r->missing + r->stale);
    gops_strbuf_puts(out, "</p>\n</header>\n<main>\n");

    char buf[1200];
    gops_strbuf_puts(out, "<section><h2>Study</h2>\n<table>\n");
    table_row(out, "study file", s->path);
    table_row(out, "base scenario", s->scenario_path);
    table_row(out, "scenario hash", s->scenario_hash);
    snprintf(buf, sizeof buf, "%" PRIu64 " (%s seeds: %s)", s->base_seed,
             s->seeds == GOPS_STUDY_SEEDS_COMMON ? "common" : "independent",
             s->seeds == GOPS_STUDY_SEEDS_COMMON ? "every design point of a replication uses the same seed"
                                                 : "every run has its own seed");
    table_row(out, "base seed", buf);
    snprintf(buf, sizeof buf, "%g %% (Student t, %u replications per point)", s->confidence * 100, s->replications);
    table_row(out, "confidence intervals", buf);
    for (uint32_t i = 0; i < s->set_count; i++) table_row(out, i ? "" : "fixed settings", s->sets[i]);
    table_row(out, "build", s->version);
    gops_strbuf_puts(out, "</table>\n</section>\n");
}

static void write_kpi(gops_strbuf_t *out, const gops_study_results_t *r, const grouping_t *g, uint32_t k)
{
    const gops_study_t *s = r->study;
    gops_strbuf_puts(out, "<section><h2>");
    esc(out, s->kpis[k]);
    gops_strbuf_puts(out, "</h2>\n");
    const gops_stats_t **cells = calloc((size_t)g->categories * g->series, sizeof *cells);
    const char **cat_labels = calloc(g->categories, sizeof *cat_labels);
    const char **ser_labels = calloc(g->series, sizeof *ser_labels);
    if (cells && cat_labels && ser_labels) {
        for (uint32_t i = 0; i < g->categories * g->series; i++)
            cells[i] = g->cell_point[i] >= 0 ? gops_study_results_point(r, (uint32_t)g->cell_point[i], k) : NULL;
        for (uint32_t c = 0; c < g->categories; c++) cat_labels[c] = g->category_labels[c];
        for (uint32_t i = 0; i < g->series; i++) ser_labels[i] = g->series_labels[i];
        char id[48], title[160];
        snprintf(id, sizeof id, "kpi-%u", k);
        snprintf(title, sizeof title, "%s by design point (mean, %g %% CI)", s->kpis[k], s->confidence * 100);
        interval_chart_t chart = {
            .id = id, .title = title, .x_title = s->factor_count ? s->factors[0].key : NULL,
            .categories = g->categories, .series = g->series, .category_labels = cat_labels,
            .series_labels = ser_labels, .cells = cells, .confidence = s->confidence,
        };
        interval_chart_write(out, &chart);
    }
    free(cells);
    free(cat_labels);
    free(ser_labels);
    gops_strbuf_printf(out, "<table>\n<tr><th>design point</th><th class=\"num\">n</th><th class=\"num\">mean</th>"
                       "<th class=\"num\">sd</th><th class=\"num\">%g %% CI</th></tr>\n", s->confidence * 100);
    for (uint32_t p = 0; p < s->point_count; p++) {
        const gops_stats_t *st = gops_study_results_point(r, p, k);
        char label[512];
        gops_study_point_label(s, p, label, sizeof label);
        gops_strbuf_puts(out, "<tr><td>");
        esc(out, label);
        gops_strbuf_printf(out, "</td><td class=\"num\">%u</td><td class=\"num\">", st->n);
        num(out, st->mean);
        gops_strbuf_puts(out, "</td><td class=\"num\">");
        num(out, st->sd);
        gops_strbuf_puts(out, "</td><td class=\"num\">");
        num(out, st->low);
        gops_strbuf_puts(out, " \xe2\x80\xa6 ");
        num(out, st->high);
        gops_strbuf_puts(out, "</td></tr>\n");
    }
    gops_strbuf_puts(out, "</table>\n</section>\n");
}

/// "ops.mobile_teams 12 minus 17 at ops.posts=50": the comparison and the other factors' levels.
static void diff_label(const gops_study_t *s, const gops_study_diff_t *d, char *buf, size_t size)
{
    const gops_study_compare_t *cmp = &s->compares[d->compare];
    const gops_study_factor_t *f = &s->factors[cmp->factor];
    int n = snprintf(buf, size, "%s %s minus %s", f->key, f->levels[cmp->to], f->levels[cmp->from]);
    bool first = true;
    for (uint32_t g = 0; g < s->factor_count && n >= 0 && (size_t)n < size; g++) {
        if (g == cmp->factor) continue;
        n += snprintf(buf + n, size - (size_t)n, "%s%s=%s", first ? " at " : ", ",
                      s->factors[g].key, s->factors[g].levels[s->points[d->from_point][g]]);
        first = false;
    }
}

static void write_differences(gops_strbuf_t *out, const gops_study_results_t *r)
{
    const gops_study_t *s = r->study;
    if (r->diff_count == 0) return;
    gops_strbuf_printf(out, "<section><h2>Paired differences</h2>\n<p>Each replication runs every design point with the "
                       "same seed (common random numbers), so a difference is taken run by run, and its %g %% "
                       "interval is often much narrower than the two intervals apart.</p>\n",
                       s->confidence * 100);
    // One chart per KPI and comparison; x: the levels of the other factors.
    char (*labels)[320] = calloc(r->diff_count, sizeof *labels);
    const char **label_ptrs = calloc(r->diff_count, sizeof *label_ptrs);
    const gops_stats_t **cells = calloc(r->diff_count, sizeof *cells);
    for (uint32_t k = 0; k < s->kpi_count && labels && label_ptrs && cells; k++)
        for (uint32_t c = 0; c < s->compare_count; c++) {
            uint32_t n = 0;
            for (uint32_t d = 0; d < r->diff_count; d++) {
                if (r->diffs[d].compare != c) continue;
                size_t used = 0;
                labels[n][0] = '\0';
                for (uint32_t f = 0; f < s->factor_count; f++) {
                    if (f == s->compares[c].factor) continue;
                    int w = snprintf(labels[n] + used, sizeof labels[n] - used, "%s%s=%s", used ? ", " : "",
                                     s->factors[f].key, s->factors[f].levels[s->points[r->diffs[d].from_point][f]]);
                    if (w < 0 || (size_t)w >= sizeof labels[n] - used) break;
                    used += (size_t)w;
                }
                if (!labels[n][0]) snprintf(labels[n], sizeof labels[n], "all runs");
                label_ptrs[n] = labels[n];
                cells[n] = &r->diffs[d].kpi[k];
                n++;
            }
            const gops_study_compare_t *cmp = &s->compares[c];
            const gops_study_factor_t *f = &s->factors[cmp->factor];
            char id[48], title[320];
            snprintf(id, sizeof id, "diff-%u-%u", k, c);
            snprintf(title, sizeof title, "%s: %s %s minus %s (paired, %g %% CI)", s->kpis[k], f->key,
                     f->levels[cmp->to], f->levels[cmp->from], s->confidence * 100);
            interval_chart_t chart = {
                .id = id, .title = title, .categories = n, .series = 1, .category_labels = label_ptrs,
                .cells = cells, .zero_line = true, .confidence = s->confidence,
            };
            if (n > 0) interval_chart_write(out, &chart);
        }
    free(labels);
    free(label_ptrs);
    free(cells);
    gops_strbuf_printf(out, "<table>\n<tr><th>KPI</th><th>comparison</th><th class=\"num\">pairs</th>"
                       "<th class=\"num\">mean difference</th><th class=\"num\">%g %% CI</th><th>reading</th></tr>\n", s->confidence * 100);
    for (uint32_t k = 0; k < s->kpi_count; k++)
        for (uint32_t d = 0; d < r->diff_count; d++) {
            const gops_stats_t *st = &r->diffs[d].kpi[k];
            char label[320];
            diff_label(s, &r->diffs[d], label, sizeof label);
            gops_strbuf_puts(out, "<tr><td>");
            esc(out, s->kpis[k]);
            gops_strbuf_puts(out, "</td><td>");
            esc(out, label);
            gops_strbuf_printf(out, "</td><td class=\"num\">%u</td><td class=\"num\">", st->n);
            num(out, st->mean);
            gops_strbuf_puts(out, "</td><td class=\"num\">");
            num(out, st->low);
            gops_strbuf_puts(out, " \xe2\x80\xa6 ");
            num(out, st->high);
            if (st->n >= 2 && st->low > 0)
                gops_strbuf_puts(out, "</td><td class=\"clear\">higher</td></tr>\n");
            else if (st->n >= 2 && st->high < 0)
                gops_strbuf_puts(out, "</td><td class=\"clear\">lower</td></tr>\n");
            else
                gops_strbuf_puts(out, "</td><td class=\"same\">no clear difference</td></tr>\n");
        }
    gops_strbuf_puts(out, "</table>\n</section>\n");
}

static void write_failures(gops_strbuf_t *out, const gops_study_results_t *r)
{
    const gops_study_t *s = r->study;
    if (r->failed + r->missing + r->stale + r->not_passed == 0) return;
    gops_strbuf_puts(out, "<section><h2>Runs to look at</h2>\n<table>\n<tr><th>run</th><th>design point</th>"
                          "<th>state</th><th>why</th></tr>\n");
    uint32_t n = gops_study_run_count(s), shown = 0;
    for (uint32_t i = 0; i < n && shown < 200; i++) {
        const gops_run_row_t *row = &r->rows[i];
        const char *state = row->state == GOPS_RECORD_FAILED  ? "failed"
                            : row->state == GOPS_RECORD_STALE ? "not run (stale record)"
                            : row->state == GOPS_RECORD_MISSING ? "not run"
                            : !row->passed                      ? "expectation failed"
                                                                : NULL;
        if (!state) continue;
        shown++;
        char label[512];
        gops_study_point_label(s, gops_study_run(s, i).point, label, sizeof label);
        gops_strbuf_printf(out, "<tr><td class=\"num\">%u</td><td>", i);
        esc(out, label);
        gops_strbuf_puts(out, "</td><td class=\"fail\">");
        esc(out, state);
        gops_strbuf_puts(out, "</td><td>");
        esc(out, row->message);
        gops_strbuf_puts(out, "</td></tr>\n");
    }
    gops_strbuf_puts(out, "</table>\n</section>\n");
}

char *gops_study_report_html(const gops_study_results_t *r)
{
    gops_strbuf_t out;
    gops_strbuf_init(&out);
    grouping_t g;
    if (!grouping_make(r->study, &g)) return NULL;
    write_header(&out, r);
    for (uint32_t k = 0; k < r->study->kpi_count; k++) write_kpi(&out, r, &g, k);
    write_differences(&out, r);
    write_failures(&out, r);
    gops_strbuf_puts(&out, "</main>\n<footer>gridops ");
    esc(&out, r->study->version);
    gops_strbuf_puts(&out, " \xc2\xb7 runs.csv and summary.csv hold every number on this page</footer>\n"
                           "</body>\n</html>\n");
    grouping_free(&g);
    if (out.failed) {
        gops_strbuf_free(&out);
        return NULL;
    }
    return out.data;
}
