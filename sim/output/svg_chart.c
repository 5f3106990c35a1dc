// SPDX-License-Identifier: MIT
// SVG chart text (see svg_chart.h). Coordinates are printed with one decimal and numbers
// with fixed formats, so the same data always gives the same bytes. Layout: title on top,
// plot in the middle, x tick labels (staggered on two rows when bar labels would touch)
// and the legend below (wrapping to more rows; the picture grows to keep the plot's
// height); every piece of text escaped.
#include "output/svg_chart.h"

#include "core/simtime.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MARGIN_LEFT 58.0
#define MARGIN_RIGHT 18.0
#define MARGIN_TOP 30.0
#define MARGIN_BOTTOM 50.0
#define MAX_TICKS 7
#define BAND_OPACITY "0.16"
#define STAGGER_PX 13.0 // second row of bar labels
#define LEGEND_ROW_PX 16.0

static double text_width_est(const char *text);

gops_svg_chart_t gops_svg_chart_default(void)
{
    return (gops_svg_chart_t){.kind = GOPS_SVG_LINE, .y_min = NAN, .y_max = NAN, .width = 640, .height = 240};
}

void gops_xml_escape(gops_strbuf_t *out, const char *text)
{
    if (!text) return;
    const char *run = text;
    for (const char *p = text; *p; p++) {
        const char *rep = NULL;
        unsigned char c = (unsigned char)*p;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n') rep = ""; // not allowed in XML 1.0
            break;
        }
        if (!rep) continue;
        gops_strbuf_append(out, run, (size_t)(p - run));
        gops_strbuf_puts(out, rep);
        run = p + 1;
    }
    gops_strbuf_puts(out, run);
}

static void colour_attr(gops_strbuf_t *out, const char *attr, uint32_t rgb)
{
    gops_strbuf_printf(out, " %s=\"#%06x\"", attr, (unsigned)(rgb & 0xffffffu));
}

// ---------------------------------------------------------------------------------------
// Ticks

uint32_t gops_svg_nice_ticks(double lo, double hi, uint32_t max, double *ticks, double *step_out)
{
    if (max < 2) max = 2;
    if (!(hi > lo)) hi = lo + 1;
    static const double mult[] = {1, 2, 2.5, 5};
    double mag = pow(10, floor(log10((hi - lo) / (double)(max - 1))));
    double step = 0, first = 0, last = 0;
    // The smallest nice step whose covering range needs at most `max` ticks.
    for (int decade = 0; decade < 4 && step == 0; decade++, mag *= 10)
        for (size_t i = 0; i < sizeof mult / sizeof *mult; i++) {
            double s = mult[i] * mag;
            first = floor(lo / s + 1e-9) * s;
            last = ceil(hi / s - 1e-9) * s;
            if (floor((last - first) / s + 0.5) + 1 <= (double)max) {
                step = s;
                break;
            }
        }
    uint32_t n = (uint32_t)floor((last - first) / step + 0.5) + 1;
    if (ticks)
        for (uint32_t i = 0; i < n; i++) {
            double v = first + step * (double)i;
            ticks[i] = fabs(v) < step * 1e-9 ? 0.0 : v; // no "-0"
        }
    if (step_out) *step_out = step;
    return n;
}

/// Tick label: as many decimals as the step needs; thousands as "k" for big counts.
static void tick_text(double v, double step, char *buf, size_t size)
{
    if (fabs(v) >= 10000 && step >= 1000) {
        snprintf(buf, size, "%gk", v / 1000.0);
        return;
    }
    int dec = 0;
    for (double s = step; dec < 6 && fabs(s - round(s)) > 1e-9 * fmax(1.0, fabs(s)); s *= 10) dec++;
    snprintf(buf, size, "%.*f", dec, v);
}

/// Time ticks: the smallest clock-aligned interval giving at most MAX_TICKS + 1 ticks.
static uint32_t time_ticks(gops_local_time_t t0, double x0, double x1, double *ticks, double *interval)
{
    static const double steps[] = {60,   120,   300,   600,   900,   1800,   3600,
                                   7200, 10800, 21600, 43200, 86400, 172800, 604800};
    double chosen = steps[sizeof steps / sizeof *steps - 1];
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        double n = floor((x1 + (double)t0) / steps[i]) - ceil((x0 + (double)t0) / steps[i]) + 1;
        if (n <= MAX_TICKS + 1) {
            chosen = steps[i];
            break;
        }
    }
    uint32_t n = 0;
    double a = ceil((x0 + (double)t0) / chosen) * chosen - (double)t0;
    for (double v = a; v <= x1 + 1e-9 && n < 32; v += chosen) ticks[n++] = v;
    *interval = chosen;
    return n;
}

// ---------------------------------------------------------------------------------------
// Charts

typedef struct plot {
    double x0, x1, y0, y1; ///< px: plot rectangle (y0 top)
    double dmin, dmax;     ///< data x range
    double vmin, vmax;     ///< y range
} plot_t;

static double px_x(const plot_t *p, double x)
{
    return p->dmax > p->dmin ? p->x0 + (x - p->dmin) / (p->dmax - p->dmin) * (p->x1 - p->x0) : 0.5 * (p->x0 + p->x1);
}

static double px_y(const plot_t *p, double y)
{
    double t = (y - p->vmin) / (p->vmax - p->vmin);
    if (t < -0.02) t = -0.02; // clamp wild values to just outside the frame
    if (t > 1.02) t = 1.02;
    return p->y1 - t * (p->y1 - p->y0);
}

bool gops_svg_chart_has_data(const gops_svg_chart_t *c)
{
    for (uint32_t s = 0; s < c->series_count; s++)
        for (uint32_t i = 0; i < c->count; i++)
            if (isfinite(c->series[s].y[i])) return true;
    return false;
}

static bool column_present(const gops_svg_chart_t *c, uint32_t i)
{
    for (uint32_t s = 0; s < c->series_count; s++)
        if (isfinite(c->series[s].y[i])) return true;
    return false;
}

static double finite_or_zero(double v) { return isfinite(v) ? v : 0.0; }

/// y range of the data (and reference lines), before rounding to ticks.
static void data_range(const gops_svg_chart_t *c, double *lo, double *hi)
{
    double a = 0, b = 0;
    for (uint32_t i = 0; i < c->count; i++) {
        if (c->kind == GOPS_SVG_STACKED) {
            if (!column_present(c, i)) continue;
            double sum = 0;
            for (uint32_t s = 0; s < c->series_count; s++) sum += finite_or_zero(c->series[s].y[i]);
            b = fmax(b, sum);
            continue;
        }
        for (uint32_t s = 0; s < c->series_count; s++) {
            double v = c->series[s].y[i];
            if (!isfinite(v)) continue;
            a = fmin(a, v);
            b = fmax(b, v);
        }
    }
    for (uint32_t l = 0; l < c->line_count; l++) {
        a = fmin(a, c->lines[l].y);
        b = fmax(b, c->lines[l].y * 1.08); // leave room for the line's label
    }
    *lo = a;
    *hi = b;
}

static void write_header(gops_strbuf_t *out, const char *id, const char *title, int w, int h)
{
    gops_strbuf_puts(out, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
    if (id) {
        gops_strbuf_puts(out, " id=\"");
        gops_xml_escape(out, id);
        gops_strbuf_puts(out, "\"");
    }
    gops_strbuf_printf(out,
                       " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
                       "font-family=\"Noto Sans, WenQuanYi Micro Hei, DejaVu Sans, sans-serif\" font-size=\"11\">\n",
                       w, h, w, h);
    gops_strbuf_puts(out, "<title>");
    gops_xml_escape(out, title ? title : "chart");
    gops_strbuf_puts(out, "</title>\n");
    gops_strbuf_printf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", w, h);
    if (title) {
        gops_strbuf_puts(out, "<text x=\"8\" y=\"18\" font-size=\"13\" font-weight=\"bold\" fill=\"#212121\">");
        gops_xml_escape(out, title);
        gops_strbuf_puts(out, "</text>\n");
    }
}

static void write_y_axis(gops_strbuf_t *out, const gops_svg_chart_t *c, plot_t *p)
{
    double ticks[MAX_TICKS + 2], step = 1;
    uint32_t n;
    if (c->y_tick_labels) {
        n = 0;
        for (uint32_t i = 0; i < c->y_tick_label_count && n < MAX_TICKS + 1; i++) ticks[n++] = (double)i;
        p->vmin = isfinite(c->y_min) ? c->y_min : -0.5;
        p->vmax = isfinite(c->y_max) ? c->y_max : (double)c->y_tick_label_count - 0.5;
    } else {
        double lo, hi;
        data_range(c, &lo, &hi);
        if (isfinite(c->y_min)) lo = c->y_min;
        if (isfinite(c->y_max)) hi = c->y_max;
        if (!(hi > lo)) hi = lo + 1;
        n = gops_svg_nice_ticks(lo, hi, MAX_TICKS, ticks, &step);
        p->vmin = isfinite(c->y_min) ? c->y_min : ticks[0];
        p->vmax = isfinite(c->y_max) ? c->y_max : ticks[n - 1];
    }
    for (uint32_t i = 0; i < n; i++) {
        if (ticks[i] < p->vmin - 1e-9 || ticks[i] > p->vmax + 1e-9) continue;
        double y = px_y(p, ticks[i]);
        gops_strbuf_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n", p->x0,
                           y, p->x1, y);
        char label[64];
        if (c->y_tick_labels)
            snprintf(label, sizeof label, "%s", c->y_tick_labels[i]);
        else
            tick_text(ticks[i], step, label, sizeof label);
        gops_strbuf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#616161\">", p->x0 - 5, y + 4);
        gops_xml_escape(out, label);
        gops_strbuf_puts(out, "</text>\n");
    }
    if (c->y_label) {
        gops_strbuf_printf(out,
                           "<text x=\"12\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#616161\" "
                           "transform=\"rotate(-90 12 %.1f)\">",
                           0.5 * (p->y0 + p->y1), 0.5 * (p->y0 + p->y1));
        gops_xml_escape(out, c->y_label);
        gops_strbuf_puts(out, "</text>\n");
    }
}

/// True when a bar chart's category labels would touch: they then alternate between two rows.
static bool bars_stagger(const gops_svg_chart_t *c, double plot_w)
{
    if (c->kind != GOPS_SVG_BARS || !c->x_labels || c->count < 2) return false;
    double gw = plot_w / (double)c->count;
    for (uint32_t i = 0; i < c->count; i++)
        if (text_width_est(c->x_labels[i]) > gw - 6) return true;
    return false;
}

static void write_x_axis(gops_strbuf_t *out, const gops_svg_chart_t *c, const plot_t *p, bool stagger)
{
    if (c->kind == GOPS_SVG_BARS) {
        double gw = (p->x1 - p->x0) / (double)(c->count ? c->count : 1);
        for (uint32_t i = 0; i < c->count; i++) {
            gops_strbuf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#424242\">",
                               p->x0 + gw * ((double)i + 0.5), p->y1 + 15 + (stagger && i % 2 ? STAGGER_PX : 0));
            gops_xml_escape(out, c->x_labels ? c->x_labels[i] : "");
            gops_strbuf_puts(out, "</text>\n");
        }
        return;
    }
    double ticks[40], step = 1;
    uint32_t n;
    if (c->time_axis)
        n = time_ticks(c->time0, p->dmin, p->dmax, ticks, &step);
    else
        n = gops_svg_nice_ticks(p->dmin, p->dmax, MAX_TICKS, ticks, &step);
    for (uint32_t i = 0; i < n; i++) {
        if (ticks[i] < p->dmin - 1e-9 || ticks[i] > p->dmax + 1e-9) continue;
        double x = px_x(p, ticks[i]);
        gops_strbuf_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#9e9e9e\"/>\n", x,
                           p->y1, x, p->y1 + 4);
        char label[64];
        if (c->time_axis) {
            int mo, d, h, mi;
            gops_time_to_civil(c->time0 + (gops_local_time_t)llround(ticks[i]), NULL, &mo, &d, &h, &mi, NULL);
            if (step >= 86400)
                snprintf(label, sizeof label, "%02d-%02d", mo, d);
            else
                snprintf(label, sizeof label, "%02d:%02d", h, mi);
        } else {
            tick_text(ticks[i], step, label, sizeof label);
        }
        gops_strbuf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#616161\">", x, p->y1 + 16);
        gops_xml_escape(out, label);
        gops_strbuf_puts(out, "</text>\n");
    }
}

static void write_bands(gops_strbuf_t *out, const gops_svg_chart_t *c, const plot_t *p)
{
    for (uint32_t b = 0; b < c->band_count; b++) {
        double a = fmax(c->bands[b].x0, p->dmin), z = fmin(c->bands[b].x1, p->dmax);
        if (!(z > a)) continue;
        double xa = px_x(p, a), xz = px_x(p, z);
        gops_strbuf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"", xa, p->y0, xz - xa,
                           p->y1 - p->y0);
        colour_attr(out, "fill", c->bands[b].colour);
        gops_strbuf_puts(out, " fill-opacity=\"" BAND_OPACITY "\"><title>");
        gops_xml_escape(out, c->bands[b].label);
        gops_strbuf_puts(out, "</title></rect>\n");
    }
}

static void write_lines(gops_strbuf_t *out, const gops_svg_chart_t *c, const plot_t *p)
{
    for (uint32_t s = 0; s < c->series_count; s++) {
        const gops_svg_series_t *se = &c->series[s];
        gops_strbuf_puts(out, "<path fill=\"none\" stroke-width=\"1.8\" stroke-linejoin=\"round\"");
        colour_attr(out, "stroke", se->colour);
        gops_strbuf_puts(out, " d=\"");
        bool pen = false;
        for (uint32_t i = 0; i < c->count; i++) {
            double v = se->y[i];
            if (!isfinite(v)) {
                pen = false;
                continue;
            }
            double x = px_x(p, c->x[i]), y = px_y(p, v);
            if (!pen)
                gops_strbuf_printf(out, "M%.1f %.1f", x, y);
            else if (se->step)
                gops_strbuf_printf(out, "H%.1f V%.1f", x, y);
            else
                gops_strbuf_printf(out, "L%.1f %.1f", x, y);
            // a lone point still shows: a zero-length segment with round caps
            bool next = i + 1 < c->count && isfinite(se->y[i + 1]);
            if (!pen && !next) gops_strbuf_printf(out, "h0.1");
            pen = true;
        }
        gops_strbuf_puts(out, "\" stroke-linecap=\"round\"><title>");
        gops_xml_escape(out, se->name);
        gops_strbuf_puts(out, "</title></path>\n");
    }
}

static void write_stacked(gops_strbuf_t *out, const gops_svg_chart_t *c, const plot_t *p)
{
    // Each contiguous run of present columns becomes one polygon per series.
    uint32_t i = 0;
    while (i < c->count) {
        if (!column_present(c, i)) {
            i++;
            continue;
        }
        uint32_t a = i;
        while (i < c->count && column_present(c, i)) i++;
        uint32_t z = i; // [a, z)
        for (uint32_t s = 0; s < c->series_count; s++) {
            gops_strbuf_puts(out, "<path stroke=\"none\" fill-opacity=\"0.85\"");
            colour_attr(out, "fill", c->series[s].colour);
            gops_strbuf_puts(out, " d=\"");
            for (uint32_t k = a; k < z; k++) { // upper edge, left to right
                double top = 0;
                for (uint32_t q = 0; q <= s; q++) top += finite_or_zero(c->series[q].y[k]);
                gops_strbuf_printf(out, "%s%.1f %.1f", k == a ? "M" : "L", px_x(p, c->x[k]), px_y(p, top));
            }
            if (z - a == 1) gops_strbuf_printf(out, "h2");
            for (uint32_t k = z; k-- > a;) { // lower edge, right to left
                double bottom = 0;
                for (uint32_t q = 0; q < s; q++) bottom += finite_or_zero(c->series[q].y[k]);
                gops_strbuf_printf(out, "L%.1f %.1f", px_x(p, c->x[k]) + (z - a == 1 ? 2 : 0), px_y(p, bottom));
                if (z - a == 1) gops_strbuf_printf(out, "h-2");
            }
            gops_strbuf_puts(out, "Z\"><title>");
            gops_xml_escape(out, c->series[s].name);
            gops_strbuf_puts(out, "</title></path>\n");
        }
    }
}

static void write_bars(gops_strbuf_t *out, const gops_svg_chart_t *c, const plot_t *p)
{
    double gw = (p->x1 - p->x0) / (double)(c->count ? c->count : 1);
    double bw = gw * 0.8 / (double)(c->series_count ? c->series_count : 1);
    for (uint32_t i = 0; i < c->count; i++)
        for (uint32_t s = 0; s < c->series_count; s++) {
            double v = c->series[s].y[i];
            if (!isfinite(v)) continue;
            double x = p->x0 + gw * (double)i + gw * 0.1 + bw * (double)s;
            double y = px_y(p, v), y0 = px_y(p, fmax(p->vmin, 0.0));
            double top = fmin(y, y0), h = fabs(y0 - y);
            gops_strbuf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"", x, top, bw * 0.92, h);
            colour_attr(out, "fill", c->series[s].colour);
            gops_strbuf_puts(out, "><title>");
            gops_xml_escape(out, c->series[s].name);
            gops_strbuf_puts(out, " · ");
            gops_xml_escape(out, c->x_labels ? c->x_labels[i] : "");
            gops_strbuf_printf(out, ": %.4g</title></rect>\n", v);
        }
}

static void write_reflines(gops_strbuf_t *out, const gops_svg_chart_t *c, const plot_t *p)
{
    for (uint32_t l = 0; l < c->line_count; l++) {
        double y = px_y(p, c->lines[l].y);
        gops_strbuf_printf(out,
                           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke-width=\"1.5\" "
                           "stroke-dasharray=\"6 4\"",
                           p->x0, y, p->x1, y);
        colour_attr(out, "stroke", c->lines[l].colour);
        gops_strbuf_puts(out, "/>\n");
        if (c->lines[l].label) {
            gops_strbuf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\"", p->x1 - 2, y - 4);
            colour_attr(out, "fill", c->lines[l].colour);
            gops_strbuf_puts(out, ">");
            gops_xml_escape(out, c->lines[l].label);
            gops_strbuf_puts(out, "</text>\n");
        }
    }
}

/// Width of text in px at the charts' 11 px font, estimated (no font metrics in a text
/// writer): CJK glyphs are about twice as wide as Latin ones.
static double text_width_est(const char *text)
{
    double w = 0;
    for (const unsigned char *q = (const unsigned char *)text; q && *q; q++) {
        if ((*q & 0xc0) == 0x80) continue;
        w += *q >= 0xe0 ? 11.0 : 6.2;
    }
    return w;
}

/// Legend entries below the axis labels (series, then distinct band labels), in rows that
/// wrap before x1. Writes them when out is not NULL; returns the number of rows.
static int legend(gops_strbuf_t *out, const gops_svg_chart_t *c, double x0, double x1, double y)
{
    double x = x0;
    int rows = 1;
    for (uint32_t s = 0; s < c->series_count + c->band_count; s++) {
        const char *name;
        uint32_t colour;
        const char *opacity = "1";
        if (s < c->series_count) {
            name = c->series[s].name;
            colour = c->series[s].colour;
        } else {
            const gops_svg_band_t *b = &c->bands[s - c->series_count];
            bool seen = false;
            for (uint32_t q = 0; q < s - c->series_count; q++)
                seen |= c->bands[q].label && b->label && strcmp(c->bands[q].label, b->label) == 0;
            if (seen || !b->label) continue;
            name = b->label;
            colour = b->colour;
            opacity = "0.35";
        }
        if (!name) continue;
        double wide = 16 + text_width_est(name);
        if (x > x0 && x + wide > x1) { // next row
            x = x0;
            y += LEGEND_ROW_PX;
            rows++;
        }
        if (out) {
            gops_strbuf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"10\" fill-opacity=\"%s\"", x,
                               y - 9, opacity);
            colour_attr(out, "fill", colour);
            gops_strbuf_printf(out, "/><text x=\"%.1f\" y=\"%.1f\" fill=\"#424242\">", x + 16, y);
            gops_xml_escape(out, name);
            gops_strbuf_puts(out, "</text>\n");
        }
        x += wide + 14;
    }
    return rows;
}

void gops_svg_chart_write(gops_strbuf_t *out, const gops_svg_chart_t *c)
{
    int w = c->width > 100 ? c->width : 640, h = c->height > 80 ? c->height : 240;
    double left = MARGIN_LEFT; // named y ticks (modes) may need more room than numbers
    for (uint32_t i = 0; c->y_tick_labels && i < c->y_tick_label_count; i++)
        left = fmax(left, text_width_est(c->y_tick_labels[i]) + 14);
    // Room for a second row of bar labels and more legend rows below the plot, added to the
    // picture so that the plot keeps the height asked for.
    bool stagger = bars_stagger(c, w - MARGIN_RIGHT - left);
    int rows = legend(NULL, c, left, w - MARGIN_RIGHT, 0);
    double extra = (stagger ? STAGGER_PX : 0) + (rows - 1) * LEGEND_ROW_PX;
    h += (int)ceil(extra);
    write_header(out, c->id, c->title, w, h);
    plot_t p = {.x0 = left, .x1 = w - MARGIN_RIGHT, .y0 = MARGIN_TOP, .y1 = h - MARGIN_BOTTOM - ceil(extra)};
    if (c->kind != GOPS_SVG_BARS && c->count > 0 && c->x) {
        p.dmin = c->x[0];
        p.dmax = c->x[c->count - 1];
    }
    if (!(p.dmax > p.dmin)) p.dmax = p.dmin + 1;
    write_y_axis(out, c, &p);
    write_bands(out, c, &p);
    write_x_axis(out, c, &p, stagger);
    if (c->kind == GOPS_SVG_LINE && c->x)
        write_lines(out, c, &p);
    else if (c->kind == GOPS_SVG_STACKED && c->x)
        write_stacked(out, c, &p);
    else if (c->kind == GOPS_SVG_BARS)
        write_bars(out, c, &p);
    write_reflines(out, c, &p);
    gops_strbuf_printf(out, "<path d=\"M%.1f %.1fV%.1fH%.1f\" fill=\"none\" stroke=\"#757575\" stroke-width=\"1\"/>\n",
                       p.x0, p.y0, p.y1, p.x1);
    legend(out, c, p.x0, p.x1, p.y1 + 36 + (stagger ? STAGGER_PX : 0));
    gops_strbuf_puts(out, "</svg>\n");
}

// ---------------------------------------------------------------------------------------
// Incident timeline

static const uint32_t state_colour[GOPS_SVG_STATE_COUNT] = {0xe53935, 0xfb8c00, 0x1e88e5, 0x43a047};
static const char *const state_name[GOPS_SVG_STATE_COUNT] = {"open", "dispatched", "on scene", "closed"};

uint32_t gops_svg_state_colour(gops_svg_state_t s)
{
    return (unsigned)s < GOPS_SVG_STATE_COUNT ? state_colour[s] : 0x757575;
}
const char *gops_svg_state_name(gops_svg_state_t s) { return (unsigned)s < GOPS_SVG_STATE_COUNT ? state_name[s] : "?"; }

void gops_svg_timeline_write(gops_strbuf_t *out, const gops_svg_timeline_t *t)
{
    const double row_h = 16, label_w = 210, top = 44, bottom = 34;
    int w = t->width > 300 ? t->width : 900;
    int h = (int)(top + bottom + row_h * (double)t->row_count);
    write_header(out, t->id, t->title, w, h);
    plot_t p = {.x0 = label_w, .x1 = w - MARGIN_RIGHT, .y0 = top, .y1 = h - bottom, .dmin = 0, .dmax = t->x_end};
    if (!(p.dmax > p.dmin)) p.dmax = p.dmin + 1;
    double ticks[40], step;
    uint32_t n = time_ticks(t->time0, p.dmin, p.dmax, ticks, &step);
    for (uint32_t i = 0; i < n; i++) {
        double x = px_x(&p, ticks[i]);
        int hh, mm;
        gops_time_to_civil(t->time0 + (gops_local_time_t)llround(ticks[i]), NULL, NULL, NULL, &hh, &mm, NULL);
        gops_strbuf_printf(out,
                           "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eeeeee\"/>"
                           "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#616161\">%02d:%02d</text>\n",
                           x, p.y0 - 4, x, p.y1, x, p.y0 - 8, hh, mm);
    }
    for (uint32_t r = 0; r < t->row_count; r++) {
        const gops_svg_timeline_row_t *row = &t->rows[r];
        double y = top + row_h * (double)r;
        gops_strbuf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#424242\">", label_w - 6,
                           y + row_h - 4);
        gops_xml_escape(out, row->label);
        gops_strbuf_puts(out, "</text>\n");
        for (int s = 0; s < GOPS_SVG_STATE_CLOSED; s++) {
            double a = row->enter[s];
            if (!isfinite(a)) continue;
            double z = t->x_end; // until the next state it reached, or the end of the run
            for (int q = s + 1; q < GOPS_SVG_STATE_COUNT; q++)
                if (isfinite(row->enter[q])) {
                    z = row->enter[q];
                    break;
                }
            if (z < a) z = a;
            double xa = px_x(&p, a), xz = px_x(&p, z);
            gops_strbuf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"", xa, y + 3,
                               fmax(xz - xa, 1.0), row_h - 6);
            colour_attr(out, "fill", state_colour[s]);
            gops_strbuf_printf(out, "><title>%s</title></rect>\n", state_name[s]);
        }
        double c = row->enter[GOPS_SVG_STATE_CLOSED];
        if (isfinite(c)) {
            double x = px_x(&p, c), ym = y + row_h / 2;
            gops_strbuf_printf(out, "<path d=\"M%.1f %.1fl4 4l-4 4l-4 -4Z\"", x, ym - 4);
            colour_attr(out, "fill", state_colour[GOPS_SVG_STATE_CLOSED]);
            gops_strbuf_puts(out, "><title>closed</title></path>\n");
        }
    }
    double lx = label_w, ly = h - 12;
    for (int s = 0; s < GOPS_SVG_STATE_COUNT; s++) {
        gops_strbuf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"10\"", lx, ly - 9);
        colour_attr(out, "fill", state_colour[s]);
        gops_strbuf_printf(out, "/><text x=\"%.1f\" y=\"%.1f\" fill=\"#424242\">%s</text>\n", lx + 16, ly,
                           state_name[s]);
        lx += 100;
    }
    gops_strbuf_puts(out, "</svg>\n");
}
