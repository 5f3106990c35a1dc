// SPDX-License-Identifier: MIT
// report.html and the run recorder (see report.h). The page is XHTML-syntax HTML5 with one
// <style> block, inline SVG charts (svg_chart.c) and PNGs as base64 data URIs: it opens
// from a USB stick with no network and no script. The recorder only reads the world (the
// operations model's incidents through ops.h at the end); the pictures it asks for are
// drawn by the renderer behind gops_picture_hooks_t.
// Ordering: notes in the order events were emitted; snapshots in tick order, requested
// names before the periodic one of the same tick; incidents by id; categories and channels
// in order of first appearance; the longest-open table by time open, then id.
#include "output/report.h"

#include "core/log.h"
#include "core/simtime.h"
#include "core/strbuf.h"
#include "core/version.h"
#include "ops/ops.h"
#include "output/outdir.h"
#include "world/world_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---------------------------------------------------------------------------------------
// Notes

static const char *const level_names[GOPS_NOTE_LEVEL_COUNT] = {"INFO", "WARNING", "ALARM"};
static const char *const mode_zh[GOPS_MODE_COUNT] = {"平时", "节假日", "重大活动", "应急战时"};

const char *gops_note_level_name(gops_note_level_t level)
{
    return (unsigned)level < GOPS_NOTE_LEVEL_COUNT ? level_names[level] : "?";
}

const char *gops_report_mode_zh(gops_mode_t mode) { return (unsigned)mode < GOPS_MODE_COUNT ? mode_zh[mode] : "?"; }

void gops_report_notes_init(gops_report_notes_t *notes) { memset(notes, 0, sizeof *notes); }

void gops_report_notes_free(gops_report_notes_t *notes)
{
    free(notes->items);
    memset(notes, 0, sizeof *notes);
}

/// Copies text cut to fit size bytes without splitting a UTF-8 sequence.
static void copy_utf8(char *dst, size_t size, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80) n--; // back to a lead byte
    }
    if (n) memcpy(dst, src, n);
    dst[n] = '\0';
}

gops_status_t gops_report_notes_add(gops_report_notes_t *notes, gops_local_time_t time, gops_note_level_t level,
                                    const char *place, const char *text, gops_error_t *err)
{
    if (notes->count == notes->capacity) {
        uint32_t cap = notes->capacity ? notes->capacity * 2 : 16;
        gops_report_note_t *grown = realloc(notes->items, (size_t)cap * sizeof *grown);
        if (!grown) return gops_error_set(err, GOPS_NOMEM, "out of memory recording a note for the report");
        notes->items = grown;
        notes->capacity = cap;
    }
    gops_report_note_t *n = &notes->items[notes->count++];
    memset(n, 0, sizeof *n);
    n->time = time;
    n->level = level;
    n->key = -1;
    copy_utf8(n->place, sizeof n->place, place);
    copy_utf8(n->text, sizeof n->text, text);
    return GOPS_OK;
}

void gops_report_notes_end(gops_report_notes_t *notes, int64_t key, gops_local_time_t time)
{
    for (uint32_t i = notes->count; i-- > 0;) {
        gops_report_note_t *n = &notes->items[i];
        if (n->key == key && !n->ended) {
            n->ended = true;
            n->ended_at = time;
            return;
        }
    }
}

gops_status_t gops_report_notes_from_events(gops_report_notes_t *notes, const gops_world_t *world, gops_error_t *err)
{
    uint32_t n;
    const gops_event_t *ev = gops_world_events(world, &n);
    const gops_world_def_t *def = gops_world_def(world);
    for (uint32_t i = 0; i < n; i++) {
        const gops_event_t *e = &ev[i];
        gops_local_time_t when = def->start + (gops_local_time_t)floor((double)e->tick * def->tick_s + 1e-9);
        char text[GOPS_NOTE_TEXT_MAX], area[GOPS_NOTE_PLACE_MAX];
        const char *place = NULL;
        gops_note_level_t level = GOPS_NOTE_INFO;
        int64_t key = -1;
        switch (e->type) {
        case GOPS_EVENT_MODE_CHANGED: {
            gops_mode_t from = (gops_mode_t)e->a, to = (gops_mode_t)e->b;
            snprintf(text, sizeof text, "Operating mode switched from %s (%s) to %s (%s)", gops_mode_name(from),
                     gops_report_mode_zh(from), gops_mode_name(to), gops_report_mode_zh(to));
            if (to == GOPS_MODE_EMERGENCY) level = GOPS_NOTE_WARNING;
            break;
        }
        case GOPS_EVENT_INCIDENT_OPENED:
        case GOPS_EVENT_INCIDENT_CLOSED:
            snprintf(text, sizeof text, "Incident #%" PRId64 " (%s) %s", e->a,
                     e->text ? e->text : gops_category_name((gops_category_t)e->b),
                     e->type == GOPS_EVENT_INCIDENT_OPENED ? "opened" : "closed");
            if (e->type == GOPS_EVENT_INCIDENT_OPENED) level = GOPS_NOTE_WARNING;
            break;
        case GOPS_EVENT_DENSITY_WARNING:
        case GOPS_EVENT_DENSITY_CLEARED:
            if (e->text)
                snprintf(area, sizeof area, "%s", e->text);
            else
                snprintf(area, sizeof area, "area %" PRId64, e->a);
            place = area;
            if (e->type == GOPS_EVENT_DENSITY_WARNING) {
                snprintf(text, sizeof text, "Crowd density at %s reached %.1f persons/m², above the warning limit",
                         area, (double)e->b / 1000.0);
                level = GOPS_NOTE_ALARM;
                key = e->a;
            } else {
                gops_report_notes_end(notes, e->a, when);
                snprintf(text, sizeof text, "Crowd density at %s back below the warning limit", area);
            }
            break;
        default:
            snprintf(text, sizeof text, "Event %s (%" PRId64 ", %" PRId64 ")", gops_event_name(e->type), e->a, e->b);
            break;
        }
        gops_status_t st = gops_report_notes_add(notes, when, level, place, text, err);
        if (st != GOPS_OK) return st;
        notes->items[notes->count - 1].key = key;
    }
    return GOPS_OK;
}

// ---------------------------------------------------------------------------------------
// Page helpers

static void esc(gops_strbuf_t *out, const char *text) { gops_xml_escape(out, text); }

static void base64(gops_strbuf_t *out, const unsigned char *data, size_t size)
{
    static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char chunk[4 * 256 + 1];
    size_t used = 0;
    for (size_t i = 0; i < size; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < size) v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < size) v |= data[i + 2];
        chunk[used++] = table[(v >> 18) & 63];
        chunk[used++] = table[(v >> 12) & 63];
        chunk[used++] = i + 1 < size ? table[(v >> 6) & 63] : '=';
        chunk[used++] = i + 2 < size ? table[v & 63] : '=';
        if (used == sizeof chunk - 1) {
            gops_strbuf_append(out, chunk, used);
            used = 0;
        }
    }
    gops_strbuf_append(out, chunk, used);
}

static void time_text(gops_local_time_t t, char *buf, size_t size) { gops_time_format(t, buf, size); }

static void clock_text(gops_local_time_t t, char *buf, size_t size)
{
    int h, m, s;
    gops_time_to_civil(t, NULL, NULL, NULL, &h, &m, &s);
    snprintf(buf, size, "%02d:%02d:%02d", h, m, s);
}

static void row2(gops_strbuf_t *out, const char *key, const char *value)
{
    gops_strbuf_puts(out, "<tr><th>");
    esc(out, key);
    gops_strbuf_puts(out, "</th><td>");
    esc(out, value);
    gops_strbuf_puts(out, "</td></tr>\n");
}

static const char style_css[] =
    "body{font-family:'Noto Sans','WenQuanYi Micro Hei','DejaVu Sans',sans-serif;margin:0;color:#212121;"
    "background:#f4f5f7}\n"
    "header{background:#0d1b2a;color:#e0f2f1;padding:18px 32px}\n"
    "header h1{margin:0 0 4px 0;font-size:24px}\n"
    "header p{margin:2px 0;color:#b0bec5}\n"
    "main{max-width:960px;margin:0 auto;padding:8px 24px 40px 24px}\n"
    "section{background:#fff;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.12);margin:18px 0;"
    "padding:12px 20px}\n"
    "h2{font-size:18px;margin:6px 0 10px 0;border-bottom:2px solid #26a69a;padding-bottom:4px}\n"
    "h2 .zh,th .zh{color:#78909c;font-weight:normal;margin-left:6px;font-size:90%}\n"
    "table{border-collapse:collapse;width:100%;font-size:14px}\n"
    "th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceff1;vertical-align:top}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    ".verdict{display:inline-block;padding:3px 12px;border-radius:12px;font-weight:bold;margin-top:6px}\n"
    ".pass{background:#2e7d32;color:#fff}.fail{background:#c62828;color:#fff}.part{background:#ef6c00;color:#fff}\n"
    ".badge{display:inline-block;padding:0 8px;border-radius:8px;font-size:12px;font-weight:bold;color:#fff}\n"
    ".INFO{background:#1e88e5}.WARNING{background:#f9a825;color:#212121}.ALARM{background:#d32f2f}\n"
    ".absent{color:#90a4ae;font-style:italic}\n"
    "figure{margin:14px 0}figcaption{font-size:13px;color:#546e7a;margin-top:2px}\n"
    "figure.missing{border:1px dashed #cfd8dc;border-radius:4px;padding:8px 12px}\n"
    "svg{max-width:100%;height:auto}\n"
    "img{max-width:100%;height:auto;border:1px solid #cfd8dc}\n"
    "ul.snaps{columns:4;font-size:14px}\n"
    "h3{font-size:15px;margin:16px 0 6px 0;color:#37474f}\n"
    "footer{color:#90a4ae;font-size:12px;text-align:center;padding:12px}\n";

// ---------------------------------------------------------------------------------------
// KPIs

typedef struct kpi_label {
    const char *en, *zh, *unit;
} kpi_label_t;

static const kpi_label_t kpi_labels[GOPS_KPI_COUNT] = {
    [GOPS_KPI_VISITORS_TOTAL] = {"Visitors, total", "到访人次", "persons"},
    [GOPS_KPI_PEAK_PEDESTRIANS_STREET] = {"Peak pedestrians on the street", "街面最高人数", "persons"},
    [GOPS_KPI_PEAK_OCCUPANCY_BUILDINGS] = {"Peak occupancy of buildings", "楼内最高人数", "persons"},
    [GOPS_KPI_PEAK_DENSITY_PPM2] = {"Peak cell density", "最高密度", "persons/m²"},
    [GOPS_KPI_PEAK_DENSITY_WHERE] = {"Peak density: where", "最高密度位置", ""},
    [GOPS_KPI_PEAK_DENSITY_TIME] = {"Peak density: when", "最高密度时间", ""},
    [GOPS_KPI_CELL_MINUTES_ABOVE_4PPM2] = {"Cell-minutes above 4 persons/m²", "超4人/m²格分钟", "cell·min"},
    [GOPS_KPI_VEHICLES_TOTAL] = {"Vehicles, total", "车辆总数", "vehicles"},
    [GOPS_KPI_CONGESTION_INDEX_MEAN] = {"Congestion index, mean", "拥堵指数均值", ""},
    [GOPS_KPI_CONGESTION_INDEX_MAX] = {"Congestion index, maximum", "拥堵指数最大值", ""},
    [GOPS_KPI_VENDOR_HOURS_OUTSIDE_POINTS] = {"Vendor-hours outside guidance points", "点位外摆摊时长", "h"},
    [GOPS_KPI_STALL_OCCUPANCY] = {"Stall occupancy", "摊位占用率", "share"},
    [GOPS_KPI_INCIDENTS_TOTAL] = {"Incidents", "事件数", ""},
    [GOPS_KPI_INCIDENTS_CLOSED] = {"Incidents closed", "已办结", ""},
    [GOPS_KPI_RESPONSE_TIME_P50_S] = {"Response time, median", "响应时间中位数", "s"},
    [GOPS_KPI_RESPONSE_TIME_P90_S] = {"Response time, 90th percentile", "响应时间P90", "s"},
    [GOPS_KPI_CLOSURE_TIME_P50_S] = {"Closure time, median", "办结时间中位数", "s"},
    [GOPS_KPI_TEAM_UTILISATION] = {"Team utilisation", "队伍利用率", "share"},
    [GOPS_KPI_COVERAGE_5MIN] = {"Covered within 5 min", "5分钟覆盖率", "share"},
    [GOPS_KPI_VENDOR_HOURS_INSIDE_POINTS] = {"Vendor-hours at guidance points", "点位内摆摊时长", "h"},
    [GOPS_KPI_OBSTRUCTION_PERSON_MIN] = {"Obstruction, weighted by footfall", "占道影响人分钟", "person·min"},
    [GOPS_KPI_VENDOR_COMPLAINTS] = {"Complaints about vendors", "摊贩投诉", ""},
    [GOPS_KPI_MERCHANT_REPORTS] = {"Reports by merchants", "商户上报", ""},
    [GOPS_KPI_PEAK_DENSITY_X_M] = {"Peak density: x (east)", "最高密度位置 x（东）", "m"},
    [GOPS_KPI_PEAK_DENSITY_Y_M] = {"Peak density: y (north)", "最高密度位置 y（北）", "m"},
};

static void number_text(double v, const char *unit, char *buf, size_t size)
{
    if (unit && strcmp(unit, "s") == 0 && v >= 60) {
        char d[32];
        gops_duration_format(round(v), d, sizeof d); // whole seconds: the exact value is beside it
        snprintf(buf, size, "%.6g s (%s)", v, d);
    } else if (unit && unit[0]) {
        snprintf(buf, size, "%.6g %s", v, unit);
    } else {
        snprintf(buf, size, "%.6g", v);
    }
}

static void write_kpis(gops_strbuf_t *out, const gops_kpis_t *k)
{
    gops_strbuf_puts(out, "<section id=\"kpis\"><h2>Key figures<span class=\"zh\">关键指标</span></h2>\n"
                          "<table><tr><th>indicator</th><th>name in summary.json</th><th>value</th></tr>\n");
    for (int i = 0; i < GOPS_KPI_COUNT; i++) {
        const kpi_label_t *l = &kpi_labels[i];
        const char *name = gops_kpi_name((gops_kpi_id_t)i);
        gops_strbuf_puts(out, "<tr><td>");
        esc(out, l->en ? l->en : name);
        if (l->zh) {
            gops_strbuf_puts(out, " <span class=\"absent\">");
            esc(out, l->zh);
            gops_strbuf_puts(out, "</span>");
        }
        gops_strbuf_puts(out, "</td><td><code>");
        esc(out, name);
        gops_strbuf_puts(out, "</code></td>");
        if (!k->value[i].present) {
            gops_strbuf_puts(out, "<td class=\"num absent\">— not simulated</td></tr>\n");
            continue;
        }
        char v[96];
        if (gops_kpi_is_text((gops_kpi_id_t)i))
            snprintf(v, sizeof v, "%s", k->text[i]);
        else
            number_text(k->value[i].value, l->unit, v, sizeof v);
        gops_strbuf_puts(out, "<td class=\"num\">");
        esc(out, v);
        gops_strbuf_puts(out, "</td></tr>\n");
    }
    for (uint32_t i = 0; i < k->custom_count; i++) {
        char v[64];
        snprintf(v, sizeof v, "%.6g", k->custom_value[i]);
        gops_strbuf_puts(out, "<tr><td>scenario KPI</td><td><code>");
        esc(out, k->custom_name[i]);
        gops_strbuf_puts(out, "</code></td><td class=\"num\">");
        esc(out, v);
        gops_strbuf_puts(out, "</td></tr>\n");
    }
    gops_strbuf_puts(out, "</table></section>\n");
}

static void write_expectations(gops_strbuf_t *out, const gops_run_report_t *r)
{
    gops_strbuf_puts(out, "<section id=\"expectations\"><h2>Expectations<span class=\"zh\">预期检查</span></h2>\n");
    if (r->expectation_count == 0) {
        gops_strbuf_puts(out, "<p class=\"absent\">The scenario declares no expectations.</p></section>\n");
        return;
    }
    gops_strbuf_puts(out, "<table><tr><th>metric</th><th>expected</th><th>actual</th><th>result</th>"
                          "<th>declared at</th></tr>\n");
    for (uint32_t i = 0; i < r->expectation_count; i++) {
        const gops_expectation_t *e = &r->expectations[i];
        char want[96], got[200];
        snprintf(want, sizeof want, "%s %.6g", gops_expect_op_text(e->op), e->value);
        if (e->evaluated && e->measured)
            snprintf(got, sizeof got, "%.6g", e->actual);
        else
            snprintf(got, sizeof got, "null%s%s", e->note[0] ? ": " : "", e->note);
        gops_strbuf_puts(out, "<tr><td><code>");
        esc(out, e->metric);
        gops_strbuf_puts(out, "</code></td><td class=\"num\">");
        esc(out, want);
        gops_strbuf_puts(out, "</td><td class=\"num\">");
        esc(out, got);
        gops_strbuf_printf(out, "</td><td><span class=\"verdict %s\">%s</span></td><td><code>",
                           e->passed ? "pass" : "fail", e->passed ? "pass" : "FAIL");
        esc(out, e->where);
        gops_strbuf_puts(out, "</code></td></tr>\n");
    }
    gops_strbuf_puts(out, "</table></section>\n");
}

static void write_setup(gops_strbuf_t *out, const gops_report_input_t *in)
{
    const gops_run_report_t *r = in->run;
    char buf[256], a[32], b[32];
    gops_strbuf_puts(out, "<section id=\"setup\"><h2>Set-up<span class=\"zh\">运行设置</span></h2><table>\n");
    row2(out, "scenario", r->scenario);
    row2(out, "scenario file", r->scenario_path ? r->scenario_path : "");
    row2(out, "district map",
         r->map_path && r->map_path[0] ? r->map_path : "none (no district: lab or clock-only run)");
    snprintf(buf, sizeof buf, "%" PRIu64, r->seed);
    row2(out, "seed", buf);
    time_text(r->start, a, sizeof a);
    time_text(r->end, b, sizeof b);
    char dur[32];
    gops_duration_format(r->sim_seconds, dur, sizeof dur);
    snprintf(buf, sizeof buf, "%s → %s (%s simulated)", a, b, dur);
    row2(out, "simulated window", buf);
    snprintf(buf, sizeof buf, "%s (%s) → %s (%s)", gops_mode_name(r->mode_start), gops_report_mode_zh(r->mode_start),
             gops_mode_name(r->mode_end), gops_report_mode_zh(r->mode_end));
    row2(out, "operating mode, start → end", buf);
    snprintf(buf, sizeof buf, "%g s, %" PRIu64 " ticks, %d threads", r->tick_s, r->ticks, r->threads);
    row2(out, "tick", buf);
    snprintf(buf, sizeof buf, "%.2f s wall, %.1f× real time", r->wall_seconds,
             r->wall_seconds > 0 ? r->sim_seconds / r->wall_seconds : 0.0);
    row2(out, "run time", buf);
    snprintf(buf, sizeof buf, "%016" PRIx64, r->state_hash);
    row2(out, "state hash", buf);
    row2(out, "gridops version", gops_version);
    gops_strbuf_puts(out, "</table></section>\n");
}

static void write_notes(gops_strbuf_t *out, const gops_report_input_t *in)
{
    enum { MAX_ROWS = 500 };
    gops_strbuf_puts(out,
                     "<section id=\"warnings\"><h2>Warnings and events<span class=\"zh\">预警与事件</span></h2>\n");
    if (in->note_count == 0) {
        gops_strbuf_puts(out, "<p class=\"absent\">Nothing to report: no warning was raised and no event "
                              "needed attention.</p></section>\n");
        return;
    }
    uint32_t per[GOPS_NOTE_LEVEL_COUNT] = {0};
    for (uint32_t i = 0; i < in->note_count; i++)
        if ((unsigned)in->notes[i].level < GOPS_NOTE_LEVEL_COUNT) per[in->notes[i].level]++;
    gops_strbuf_printf(out, "<p>%u alarms, %u warnings, %u other events.</p>\n", per[GOPS_NOTE_ALARM],
                       per[GOPS_NOTE_WARNING], per[GOPS_NOTE_INFO]);
    gops_strbuf_puts(out, "<table><tr><th>time</th><th>level</th><th>where</th><th>what</th></tr>\n");
    for (uint32_t i = 0; i < in->note_count && i < MAX_ROWS; i++) {
        const gops_report_note_t *n = &in->notes[i];
        char t[32];
        time_text(n->time, t, sizeof t);
        const char *lv = gops_note_level_name(n->level);
        gops_strbuf_printf(out, "<tr><td class=\"num\">%s</td><td><span class=\"badge %s\">%s</span></td><td>", t, lv,
                           lv);
        esc(out, n->place[0] ? n->place : "whole district");
        gops_strbuf_puts(out, "</td><td>");
        esc(out, n->text);
        if (n->key >= 0) {
            char until[32];
            if (n->ended) time_text(n->ended_at, until, sizeof until);
            gops_strbuf_printf(out, " <span class=\"absent\">(%s%s)</span>",
                               n->ended ? "until " : "still active at the end", n->ended ? until : "");
        }
        gops_strbuf_puts(out, "</td></tr>\n");
    }
    gops_strbuf_puts(out, "</table>\n");
    if (in->note_count > MAX_ROWS)
        gops_strbuf_printf(out, "<p class=\"absent\">… and %u more (the first %d are listed).</p>\n",
                           in->note_count - MAX_ROWS, MAX_ROWS);
    gops_strbuf_puts(out, "</section>\n");
}

// ---------------------------------------------------------------------------------------
// Charts

static const char *const chart_ids[] = {"chart-mode",   "chart-pedestrians", "chart-density",
                                        "chart-los",    "chart-congestion",  "chart-orders",
                                        "chart-incidents", "chart-response", "chart-channels"};
#define CHART_COUNT (sizeof chart_ids / sizeof *chart_ids)

const char *const *gops_report_chart_ids(uint32_t *count)
{
    *count = (uint32_t)CHART_COUNT;
    return chart_ids;
}

static const uint32_t mode_colour[GOPS_MODE_COUNT] = {0x43a047, 0x1e88e5, 0xfb8c00, 0xe53935};

static void missing_chart(gops_strbuf_t *out, const char *id, const char *title, const char *why)
{
    gops_strbuf_printf(out, "<figure class=\"missing\" id=\"%s\"><figcaption><b>", id);
    esc(out, title);
    gops_strbuf_puts(out, "</b></figcaption><p class=\"absent\">");
    esc(out, why);
    gops_strbuf_puts(out, "</p></figure>\n");
}

static void figure(gops_strbuf_t *out, const gops_svg_chart_t *c, const char *caption)
{
    if (!gops_svg_chart_has_data(c)) {
        missing_chart(out, c->id, c->title, "not simulated in this run");
        return;
    }
    gops_strbuf_puts(out, "<figure>\n");
    gops_svg_chart_write(out, c);
    if (caption) {
        gops_strbuf_puts(out, "<figcaption>");
        esc(out, caption);
        gops_strbuf_puts(out, "</figcaption>\n");
    }
    gops_strbuf_puts(out, "</figure>\n");
}

/// Time-series columns as doubles (NaN where absent) for the charts; one block of memory.
typedef struct series_data {
    double *x;
    double *gauge[GOPS_GAUGE_COUNT];
    double *mode;
    double *block;
    uint32_t n;
} series_data_t;

static bool series_load(series_data_t *d, const gops_timeseries_t *ts)
{
    memset(d, 0, sizeof *d);
    d->n = ts ? ts->count : 0;
    size_t cols = GOPS_GAUGE_COUNT + 2;
    d->block = malloc(((size_t)d->n + 1) * cols * sizeof(double));
    if (!d->block) return false;
    d->x = d->block;
    d->mode = d->x + d->n;
    for (int g = 0; g < GOPS_GAUGE_COUNT; g++) d->gauge[g] = d->mode + d->n + (size_t)g * d->n;
    for (uint32_t i = 0; i < d->n; i++) {
        const gops_timeseries_row_t *row = &ts->rows[i];
        d->x[i] = row->elapsed_s;
        d->mode[i] = (double)row->mode;
        for (int g = 0; g < GOPS_GAUGE_COUNT; g++)
            d->gauge[g][i] = row->gauges.value[g].present ? row->gauges.value[g].value : NAN;
    }
    return true;
}

/// Bands of constant operating mode, for the background of every time chart.
static uint32_t mode_bands(const series_data_t *d, gops_svg_band_t *bands, uint32_t max)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < d->n && n < max; i++) {
        if (n > 0 && bands[n - 1].colour == mode_colour[(int)d->mode[i]]) {
            bands[n - 1].x1 = d->x[i];
            continue;
        }
        if (n > 0) bands[n - 1].x1 = d->x[i];
        gops_mode_t m = (gops_mode_t)d->mode[i];
        bands[n++] =
            (gops_svg_band_t){.x0 = d->x[i], .x1 = d->x[i], .colour = mode_colour[m], .label = gops_mode_name(m)};
    }
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/// The q-quantile of n values (sorted in place), interpolating between order statistics as
/// the operations model's KPIs do; NaN when n = 0.
static double quantile(double *v, uint32_t n, double q)
{
    if (n == 0) return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    double pos = q * (double)(n - 1);
    uint32_t lo = (uint32_t)floor(pos);
    uint32_t hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (v[hi] - v[lo]) * (pos - (double)lo);
}

static void write_charts(gops_strbuf_t *out, const gops_report_input_t *in)
{
    gops_strbuf_puts(out, "<section id=\"charts\"><h2>Over time<span class=\"zh\">时间变化</span></h2>\n");
    series_data_t d;
    if (!series_load(&d, in->ts)) {
        gops_strbuf_puts(out, "<p class=\"absent\">out of memory drawing the charts</p></section>\n");
        return;
    }
    gops_svg_band_t bands[64];
    uint32_t nb = mode_bands(&d, bands, 64);
    gops_svg_chart_t base = gops_svg_chart_default();
    base.count = d.n;
    base.x = d.x;
    base.time_axis = true;
    base.time0 = in->run->start;
    base.bands = bands;
    base.band_count = nb;
    base.width = 900;
    base.height = 260;

    // Operating mode: always known, so every report has at least this chart.
    static const char *const mode_ticks[GOPS_MODE_COUNT] = {"normal 平时", "holiday 节假日", "major event 重大活动",
                                                            "emergency 应急"};
    gops_svg_series_t sm[] = {{"operating mode", 0x37474f, d.mode, true}};
    gops_svg_chart_t c = base;
    c.id = chart_ids[0];
    c.title = "Operating mode · 运行模式";
    c.series = sm;
    c.series_count = 1;
    c.y_tick_labels = mode_ticks;
    c.y_tick_label_count = GOPS_MODE_COUNT;
    c.height = 200;
    figure(out, &c, "The grid's operating mode, sampled each simulated minute (background colour in every chart).");

    gops_svg_series_t sp[] = {{"on the street 街面", 0x00897b, d.gauge[GOPS_GAUGE_PEDESTRIANS_STREET], false},
                              {"in buildings 楼内", 0x8e24aa, d.gauge[GOPS_GAUGE_PEDESTRIANS_BUILDINGS], false}};
    c = base;
    c.id = chart_ids[1];
    c.title = "Pedestrians in the district · 在场人数";
    c.y_label = "persons";
    c.series = sp;
    c.series_count = 2;
    figure(out, &c, NULL);

    gops_svg_series_t sd[] = {{"peak cell density 最高密度", 0xd84315, d.gauge[GOPS_GAUGE_PEAK_DENSITY_PPM2], false}};
    gops_svg_refline_t limit = {4.0, "4 persons/m² crowd-safety limit", 0xc62828};
    c = base;
    c.id = chart_ids[2];
    c.title = "Peak density · 最高密度";
    c.y_label = "persons/m²";
    c.series = sd;
    c.series_count = 1;
    c.lines = &limit;
    c.line_count = 1;
    figure(out, &c, "Highest cell density each minute; the dashed line is 4 persons/m².");

    static const uint32_t los_colour[6] = {0x1a9850, 0x91cf60, 0xd9ef8b, 0xfee08b, 0xfc8d59, 0xd73027};
    static const char *const los_name[6] = {"A", "B", "C", "D", "E", "F"};
    gops_svg_series_t sl[6];
    for (int i = 0; i < 6; i++)
        sl[i] = (gops_svg_series_t){los_name[i], los_colour[i], d.gauge[GOPS_GAUGE_LOS_A + i], false};
    c = base;
    c.id = chart_ids[3];
    c.title = "Level of service shares (Fruin) · 服务水平";
    c.y_label = "share of pedestrians";
    c.kind = GOPS_SVG_STACKED;
    c.series = sl;
    c.series_count = 6;
    c.y_min = 0;
    c.y_max = 1;
    c.bands = NULL;
    c.band_count = 0;
    figure(out, &c, "Share of pedestrians standing in cells of each walkway level of service, A (free) to F (jammed).");

    gops_svg_series_t sc[] = {{"congestion index 拥堵指数", 0x5d4037, d.gauge[GOPS_GAUGE_CONGESTION_INDEX], false}};
    c = base;
    c.id = chart_ids[4];
    c.title = "Traffic congestion index · 交通拥堵指数";
    c.series = sc;
    c.series_count = 1;
    figure(out, &c, NULL);

    gops_svg_series_t so[] = {{"open orders 未结工单", 0xe53935, d.gauge[GOPS_GAUGE_ORDERS_OPEN], false},
                              {"busy teams 忙碌队伍", 0x1e88e5, d.gauge[GOPS_GAUGE_TEAMS_BUSY], false}};
    c = base;
    c.id = chart_ids[5];
    c.title = "Open orders and busy teams · 工单与队伍";
    c.series = so;
    c.series_count = 2;
    figure(out, &c, NULL);

    free(d.block);
    gops_strbuf_puts(out, "</section>\n");
}

// ---------------------------------------------------------------------------------------
// Incidents and dispatch orders

#define MAX_GROUPS 24

static const char *category_of(const gops_report_incident_t *inc) { return inc->category ? inc->category : "?"; }

/// Distinct category names in order of first appearance (at most MAX_GROUPS).
static uint32_t categories(const gops_report_input_t *in, const char **cats)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < in->incident_count; i++) {
        const char *c = category_of(&in->incidents[i]);
        uint32_t k = 0;
        while (k < n && strcmp(cats[k], c) != 0) k++;
        if (k == n && n < MAX_GROUPS) cats[n++] = c;
    }
    return n;
}

/// Colours for categories, in the order they appear (a qualitative palette).
static const uint32_t group_colour[12] = {0xe53935, 0xfb8c00, 0x8e24aa, 0x1e88e5, 0x00897b, 0x6d4c41,
                                          0xfdd835, 0x3949ab, 0xd81b60, 0x7cb342, 0x546e7a, 0x00acc1};

static void duration_text(double s, char *buf, size_t size)
{
    if (!isfinite(s)) {
        snprintf(buf, size, "—");
        return;
    }
    if (s < 60)
        snprintf(buf, size, "%.0f s", s);
    else if (s < 3600)
        snprintf(buf, size, "%.1f min", s / 60);
    else
        snprintf(buf, size, "%.0f h %02.0f min", floor(s / 3600), floor(fmod(s, 3600) / 60));
}

static void incidents_over_time(gops_strbuf_t *out, const gops_report_input_t *in, const char **cats, uint32_t ncat)
{
    const char *title = "Incidents over time by category · 分类事件数";
    double span = in->run->sim_seconds;
    if (!in->incidents_simulated || in->incident_count == 0 || !(span > 0)) {
        missing_chart(out, "chart-incidents", title,
                      in->incidents_simulated ? "no incident occurred" : "not simulated in this run");
        return;
    }
    // bins of a round length, at most 48 over the run
    static const double bins[] = {300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
    double bin = bins[sizeof bins / sizeof *bins - 1];
    for (size_t i = 0; i < sizeof bins / sizeof *bins; i++)
        if (span / bins[i] <= 48) {
            bin = bins[i];
            break;
        }
    uint32_t nb = (uint32_t)ceil(span / bin - 1e-9);
    if (nb < 1) nb = 1;
    double *block = calloc((size_t)nb * (ncat + 1), sizeof *block);
    if (!block) return;
    double *x = block;
    for (uint32_t b = 0; b < nb; b++) x[b] = (b + 0.5) * bin;
    gops_svg_series_t series[MAX_GROUPS];
    for (uint32_t k = 0; k < ncat; k++)
        series[k] = (gops_svg_series_t){cats[k], group_colour[k % 12], block + (size_t)nb * (k + 1), false};
    for (uint32_t i = 0; i < in->incident_count; i++) {
        const gops_report_incident_t *inc = &in->incidents[i];
        double t = inc->enter[GOPS_SVG_STATE_OPEN];
        if (!isfinite(t)) continue;
        uint32_t b = t <= 0 ? 0 : (uint32_t)floor(t / bin);
        if (b >= nb) b = nb - 1;
        for (uint32_t k = 0; k < ncat; k++)
            if (strcmp(cats[k], category_of(inc)) == 0) ((double *)series[k].y)[b] += 1;
    }
    char caption[160], len[32];
    duration_text(bin, len, sizeof len);
    snprintf(caption, sizeof caption,
             "Incidents that occurred in each %s, by category (stacked, drawn at the middle of each interval); "
             "detected or not.",
             len);
    gops_svg_chart_t c = gops_svg_chart_default();
    c.id = "chart-incidents";
    c.title = title;
    c.y_label = "incidents";
    c.kind = GOPS_SVG_STACKED;
    c.count = nb;
    c.x = x;
    c.time_axis = true;
    c.time0 = in->run->start;
    c.series = series;
    c.series_count = ncat;
    c.width = 900;
    c.height = 260;
    figure(out, &c, caption);
    free(block);
}

static void response_chart(gops_strbuf_t *out, const gops_report_input_t *in, const char **cats, uint32_t ncat)
{
    const char *title = "Response time by category (p50 and p90) · 分类响应时间";
    if (!in->incidents_simulated || in->incident_count == 0) {
        missing_chart(out, "chart-response", title,
                      in->incidents_simulated ? "no incident occurred" : "not simulated in this run");
        return;
    }
    double p50[MAX_GROUPS + 1], p90[MAX_GROUPS + 1], worst[MAX_GROUPS + 1];
    uint32_t occurred[MAX_GROUPS + 1] = {0}, arrived[MAX_GROUPS + 1] = {0};
    double *tmp = malloc(((size_t)in->incident_count + 1) * sizeof *tmp);
    if (!tmp) return;
    for (uint32_t k = 0; k <= ncat; k++) { // k = ncat: all categories
        uint32_t n = 0;
        worst[k] = NAN;
        for (uint32_t i = 0; i < in->incident_count; i++) {
            const gops_report_incident_t *inc = &in->incidents[i];
            if (k < ncat && strcmp(category_of(inc), cats[k]) != 0) continue;
            occurred[k]++;
            if (!isfinite(inc->response_s)) continue;
            tmp[n++] = inc->response_s / 60.0;
            if (!(worst[k] >= inc->response_s / 60.0)) worst[k] = inc->response_s / 60.0;
        }
        arrived[k] = n;
        p50[k] = quantile(tmp, n, 0.5);
        p90[k] = quantile(tmp, n, 0.9);
    }
    free(tmp);
    gops_svg_series_t s[2] = {{"p50 (median)", 0x64b5f6, p50, false}, {"p90", 0x1565c0, p90, false}};
    gops_svg_chart_t c = gops_svg_chart_default();
    c.id = "chart-response";
    c.title = title;
    c.y_label = "minutes";
    c.kind = GOPS_SVG_BARS;
    c.count = ncat;
    c.x_labels = cats;
    c.series = s;
    c.series_count = 2;
    c.width = 900;
    c.height = 260;
    figure(out, &c,
           "Time from occurrence to the first team on scene (as response_time_p50_s / _p90_s define it), by "
           "incident category; categories without an arrival have no bar.");
    gops_strbuf_puts(out, "<table id=\"table-response\"><tr><th>category</th><th>incidents</th><th>a team "
                          "arrived</th><th>p50</th><th>p90</th><th>longest</th></tr>\n");
    for (uint32_t k = 0; k <= ncat; k++) {
        char a[32], b[32], m[32];
        duration_text(p50[k] * 60, a, sizeof a);
        duration_text(p90[k] * 60, b, sizeof b);
        duration_text(worst[k] * 60, m, sizeof m);
        gops_strbuf_puts(out, k == ncat ? "<tr><th>all categories</th>" : "<tr><td>");
        if (k < ncat) {
            esc(out, cats[k]);
            gops_strbuf_puts(out, "</td>");
        }
        gops_strbuf_printf(out, "<td class=\"num\">%u</td><td class=\"num\">%u</td><td class=\"num\">", occurred[k],
                           arrived[k]);
        esc(out, a);
        gops_strbuf_puts(out, "</td><td class=\"num\">");
        esc(out, b);
        gops_strbuf_puts(out, "</td><td class=\"num\">");
        esc(out, m);
        gops_strbuf_puts(out, "</td></tr>\n");
    }
    gops_strbuf_puts(out, "</table>\n");
}

static void channel_chart(gops_strbuf_t *out, const gops_report_input_t *in)
{
    const char *title = "How incidents were detected · 发现渠道";
    if (!in->incidents_simulated || in->incident_count == 0) {
        missing_chart(out, "chart-channels", title,
                      in->incidents_simulated ? "no incident occurred" : "not simulated in this run");
        return;
    }
    // channels in order of first appearance, then the incidents nobody detected
    const char *names[MAX_GROUPS + 2];
    uint32_t counts[MAX_GROUPS + 2] = {0}, n = 0, unseen = 0, gone = 0;
    for (uint32_t i = 0; i < in->incident_count; i++) {
        const gops_report_incident_t *inc = &in->incidents[i];
        if (!inc->channel) {
            if (inc->cleared)
                gone++;
            else
                unseen++;
            continue;
        }
        uint32_t k = 0;
        while (k < n && strcmp(names[k], inc->channel) != 0) k++;
        if (k == n && n < MAX_GROUPS) names[n++] = inc->channel;
        if (k < n) counts[k]++;
    }
    uint32_t detected = 0;
    for (uint32_t k = 0; k < n; k++) detected += counts[k];
    if (unseen) {
        names[n] = "not detected by the end";
        counts[n++] = unseen;
    }
    if (gone) {
        names[n] = "went away unseen";
        counts[n++] = gone;
    }
    double share[MAX_GROUPS + 2];
    for (uint32_t k = 0; k < n; k++) share[k] = 100.0 * counts[k] / (double)in->incident_count;
    gops_svg_series_t s[1] = {{"share of all incidents, %", 0x26a69a, share, false}};
    gops_svg_chart_t c = gops_svg_chart_default();
    c.id = "chart-channels";
    c.title = title;
    c.y_label = "% of incidents";
    c.kind = GOPS_SVG_BARS;
    c.count = n;
    c.x_labels = names;
    c.series = s;
    c.series_count = 1;
    c.width = 900;
    c.height = 240;
    figure(out, &c,
           "The channel through which the coordination centre first learnt of each incident, as a share of all "
           "incidents that occurred.");
    gops_strbuf_puts(out, "<table id=\"table-channels\"><tr><th>channel</th><th>incidents</th><th>share of all</th>"
                          "<th>share of detected</th></tr>\n");
    for (uint32_t k = 0; k < n; k++) {
        gops_strbuf_puts(out, "<tr><td>");
        esc(out, names[k]);
        gops_strbuf_printf(out, "</td><td class=\"num\">%u</td><td class=\"num\">%.1f %%</td>", counts[k], share[k]);
        if (k < n - (unseen ? 1u : 0u) - (gone ? 1u : 0u) && detected)
            gops_strbuf_printf(out, "<td class=\"num\">%.1f %%</td></tr>\n", 100.0 * counts[k] / detected);
        else
            gops_strbuf_puts(out, "<td class=\"num absent\">—</td></tr>\n");
    }
    gops_strbuf_puts(out, "</table>\n");
}

typedef struct open_row {
    uint32_t index;
    double open_s;
} open_row_t;

static int cmp_open(const void *a, const void *b)
{
    const open_row_t *x = a, *y = b;
    if (x->open_s != y->open_s) return x->open_s < y->open_s ? 1 : -1; // longest first
    return (x->index > y->index) - (x->index < y->index);
}

static void longest_open(gops_strbuf_t *out, const gops_report_input_t *in)
{
    enum { ROWS = 10 };
    gops_strbuf_puts(out, "<h3>The orders open longest · 办理时间最长的工单</h3>\n");
    if (!in->incidents_simulated) {
        gops_strbuf_puts(out, "<p class=\"absent\" id=\"table-longest\">not simulated in this run</p>\n");
        return;
    }
    open_row_t *rows = malloc(((size_t)in->incident_count + 1) * sizeof *rows);
    if (!rows) return;
    uint32_t n = 0;
    double end = in->run->sim_seconds;
    for (uint32_t i = 0; i < in->incident_count; i++) {
        const gops_report_incident_t *inc = &in->incidents[i];
        if (!inc->channel || !isfinite(inc->detect_s)) continue; // no order without detection
        double close = inc->enter[GOPS_SVG_STATE_CLOSED];
        rows[n++] = (open_row_t){i, (isfinite(close) ? close : end) - inc->detect_s};
    }
    if (n == 0) {
        gops_strbuf_puts(out, "<p class=\"absent\" id=\"table-longest\">No order was opened.</p>\n");
        free(rows);
        return;
    }
    qsort(rows, n, sizeof *rows, cmp_open);
    gops_strbuf_puts(out, "<table id=\"table-longest\"><tr><th>order</th><th>category</th><th>where</th>"
                          "<th>opened</th><th>open for</th><th>at the end of the run</th></tr>\n");
    for (uint32_t r = 0; r < n && r < ROWS; r++) {
        const gops_report_incident_t *inc = &in->incidents[rows[r].index];
        char opened[48], dur[32];
        clock_text(in->run->start + (gops_local_time_t)floor(inc->detect_s + 1e-9), opened, sizeof opened);
        duration_text(rows[r].open_s, dur, sizeof dur);
        bool closed = isfinite(inc->enter[GOPS_SVG_STATE_CLOSED]);
        gops_strbuf_printf(out, "<tr><td class=\"num\">#%" PRIu64 "</td><td>", inc->id);
        esc(out, category_of(inc));
        gops_strbuf_puts(out, "</td><td>");
        esc(out, inc->place ? inc->place : "—");
        gops_strbuf_printf(out, "</td><td class=\"num\">%s ", opened);
        gops_strbuf_puts(out, "<span class=\"absent\">");
        esc(out, inc->channel);
        gops_strbuf_printf(out, "</span></td><td class=\"num\">%s%s</td><td>", dur, closed ? "" : "+");
        if (closed) {
            char t[16];
            clock_text(in->run->start + (gops_local_time_t)floor(inc->enter[GOPS_SVG_STATE_CLOSED] + 1e-9), t,
                       sizeof t);
            gops_strbuf_printf(out, "closed at %s", t);
        } else {
            gops_strbuf_puts(out, "<b>still open</b>");
            if (inc->state) {
                gops_strbuf_puts(out, " (");
                esc(out, inc->state);
                gops_strbuf_puts(out, ")");
            }
            if (inc->open_reason && inc->open_reason[0]) {
                gops_strbuf_puts(out, ": ");
                esc(out, inc->open_reason);
            }
        }
        gops_strbuf_puts(out, "</td></tr>\n");
    }
    gops_strbuf_puts(out, "</table>\n");
    gops_strbuf_printf(out,
                       "<p class=\"absent\">Open time runs from detection (when the order opened) to closure, or "
                       "to the end of the run (marked +). %u orders in all.</p>\n",
                       n);
    free(rows);
}

static void write_operations(gops_strbuf_t *out, const gops_report_input_t *in)
{
    gops_strbuf_puts(out, "<section id=\"operations\"><h2>Incidents and dispatch orders"
                          "<span class=\"zh\">事件与工单</span></h2>\n");
    const char *cats[MAX_GROUPS];
    uint32_t ncat = in->incidents_simulated ? categories(in, cats) : 0;
    if (in->incidents_simulated) {
        uint32_t detected = 0, closed = 0, arrived = 0;
        for (uint32_t i = 0; i < in->incident_count; i++) {
            detected += in->incidents[i].channel != NULL;
            closed += isfinite(in->incidents[i].enter[GOPS_SVG_STATE_CLOSED]);
            arrived += isfinite(in->incidents[i].response_s);
        }
        gops_strbuf_printf(out,
                           "<p>%u incidents occurred; the centre detected %u, a team reached %u and %u orders "
                           "were closed.</p>\n",
                           in->incident_count, detected, arrived, closed);
    }
    incidents_over_time(out, in, cats, ncat);
    response_chart(out, in, cats, ncat);
    channel_chart(out, in);
    longest_open(out, in);
    gops_strbuf_puts(out, "</section>\n");
}

// ---------------------------------------------------------------------------------------
// Pictures and incidents

static void write_picture(gops_strbuf_t *out, const char *id, const char *title, const gops_report_picture_t *p,
                          const char *why_missing)
{
    if (!p->data || p->size == 0) {
        missing_chart(out, id, title, why_missing);
        return;
    }
    gops_strbuf_printf(out, "<figure id=\"%s\"><img alt=\"", id);
    esc(out, title);
    gops_strbuf_puts(out, "\" src=\"data:image/png;base64,");
    base64(out, p->data, p->size);
    gops_strbuf_puts(out, "\"/><figcaption>");
    esc(out, p->caption ? p->caption : title);
    gops_strbuf_puts(out, "</figcaption></figure>\n");
}

static void write_pictures(gops_strbuf_t *out, const gops_report_input_t *in)
{
    gops_strbuf_puts(out, "<section id=\"pictures\"><h2>Pictures<span class=\"zh\">热力图与快照</span></h2>\n");
    static const char no_renderer[] = "no picture: this build of gridops has no renderer (SDL2)";
    const char *why = in->no_renderer     ? no_renderer
                      : in->pictures_note ? in->pictures_note
                                          : "not simulated in this run";
    write_picture(out, "picture-heatmap", "Peak-density heat map · 峰值密度热力图", &in->heatmap,
                  in->no_renderer ? no_renderer : "not simulated in this run (no crowd)");
    write_picture(out, "picture-peak", "The district at the peak · 峰值时刻", &in->peak, why);
    if (in->snapshot_count) {
        gops_strbuf_puts(out, "<p>Snapshots written beside this report:</p><ul class=\"snaps\">\n");
        for (uint32_t i = 0; i < in->snapshot_count; i++) {
            gops_strbuf_puts(out, "<li><a href=\"snapshots/");
            esc(out, in->snapshots[i]);
            gops_strbuf_puts(out, "\">");
            esc(out, in->snapshots[i]);
            gops_strbuf_puts(out, "</a></li>\n");
        }
        gops_strbuf_puts(out, "</ul>\n");
    }
    gops_strbuf_puts(out, "</section>\n");
}

static void write_incidents(gops_strbuf_t *out, const gops_report_input_t *in)
{
    enum { MAX_ROWS = 300 };
    gops_strbuf_puts(out, "<section id=\"incidents\"><h2>Incident timeline<span class=\"zh\">事件时间线</span></h2>\n");
    if (!in->incidents_simulated) {
        missing_chart(out, "timeline", "Incident timeline", "not simulated in this run");
        gops_strbuf_puts(out, "</section>\n");
        return;
    }
    if (in->incident_count == 0) {
        gops_strbuf_puts(out, "<p class=\"absent\" id=\"timeline\">No incident occurred.</p></section>\n");
        return;
    }
    // Incidents that went away unseen had no order: they are counted above, not drawn here.
    uint32_t total = 0;
    for (uint32_t i = 0; i < in->incident_count; i++) total += !in->incidents[i].cleared;
    uint32_t n = total < MAX_ROWS ? total : MAX_ROWS;
    gops_svg_timeline_row_t *rows = calloc(n + 1, sizeof *rows);
    char(*labels)[160] = calloc(n + 1, sizeof *labels);
    if (rows && labels) {
        uint32_t r = 0;
        for (uint32_t i = 0; i < in->incident_count && r < n; i++) {
            const gops_report_incident_t *inc = &in->incidents[i];
            if (inc->cleared) continue;
            snprintf(labels[r], sizeof labels[r], "#%" PRIu64 " %s%s%s", inc->id, inc->category ? inc->category : "?",
                     inc->place ? " · " : "", inc->place ? inc->place : "");
            rows[r].label = labels[r];
            memcpy(rows[r].enter, inc->enter, sizeof rows[r].enter);
            r++;
        }
        gops_svg_timeline_t t = {.id = "timeline",
                                 .title = "Incidents by state · 事件处置进度",
                                 .rows = rows,
                                 .row_count = n,
                                 .x_end = in->run->sim_seconds,
                                 .time0 = in->run->start,
                                 .width = 900};
        gops_strbuf_puts(out, "<figure>\n");
        gops_svg_timeline_write(out, &t);
        gops_strbuf_puts(out, "</figure>\n");
        if (total > n)
            gops_strbuf_printf(out, "<p class=\"absent\">… and %u more incidents (the first %u are drawn).</p>\n",
                               total - n, n);
    }
    free(rows);
    free(labels);
    gops_strbuf_puts(out, "</section>\n");
}

// ---------------------------------------------------------------------------------------
// The page

char *gops_report_html(const gops_report_input_t *in)
{
    const gops_run_report_t *r = in->run;
    gops_strbuf_t sb;
    gops_strbuf_init(&sb);
    gops_strbuf_t *out = &sb;
    gops_strbuf_puts(out, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                          "<meta charset=\"utf-8\"/>\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>");
    esc(out, r->scenario);
    gops_strbuf_printf(out, " · seed %" PRIu64 " · gridops report</title>\n<style>\n%s</style>\n</head>\n<body>\n",
                       r->seed, style_css);

    char a[32], b[32];
    time_text(r->start, a, sizeof a);
    clock_text(r->end, b, sizeof b);
    gops_strbuf_puts(out, "<header><h1>");
    esc(out, r->scenario);
    gops_strbuf_puts(out, "</h1>\n");
    if (in->description && in->description[0]) {
        gops_strbuf_puts(out, "<p>");
        esc(out, in->description);
        gops_strbuf_puts(out, "</p>\n");
    }
    gops_strbuf_printf(out, "<p>%s → %s · seed %" PRIu64 " · ", a, b, r->seed);
    if (in->district) {
        esc(out, in->district);
        gops_strbuf_puts(out, " · ");
    }
    gops_strbuf_puts(out, "gridops rehearsal</p>\n");
    uint32_t failed = 0;
    for (uint32_t i = 0; i < r->expectation_count; i++) failed += !r->expectations[i].passed;
    if (r->partial)
        gops_strbuf_printf(out,
                           "<span class=\"verdict part\">STOPPED EARLY — the run was cut short, %u of %u "
                           "expectations failed</span>\n",
                           failed, r->expectation_count);
    else if (r->passed)
        gops_strbuf_printf(out, "<span class=\"verdict pass\">PASSED — %u of %u expectations met</span>\n",
                           r->expectation_count, r->expectation_count);
    else
        gops_strbuf_printf(out, "<span class=\"verdict fail\">FAILED — %u of %u expectations not met</span>\n", failed,
                           r->expectation_count);
    gops_strbuf_puts(out, "</header>\n<main>\n");

    write_setup(out, in);
    write_expectations(out, r);
    write_kpis(out, r->kpis);
    write_notes(out, in);
    write_charts(out, in);
    write_operations(out, in);
    write_pictures(out, in);
    write_incidents(out, in);

    gops_strbuf_puts(out, "</main>\n<footer>gridops ");
    esc(out, gops_version);
    gops_strbuf_puts(out, " · figures marked “not simulated” belong to models this run did not include; they are "
                          "never shown as zero.</footer>\n</body>\n</html>\n");
    if (sb.failed) {
        gops_strbuf_free(&sb);
        return NULL;
    }
    return sb.data;
}

gops_status_t gops_report_write(const char *dir, const gops_report_input_t *in, gops_error_t *err)
{
    char *html = gops_report_html(in);
    if (!html) return gops_error_set(err, GOPS_NOMEM, "out of memory writing report.html");
    char path[1200];
    snprintf(path, sizeof path, "%s/report.html", dir);
    gops_status_t st = gops_file_write_atomic(path, html, strlen(html), err);
    free(html);
    return st;
}

// ---------------------------------------------------------------------------------------
// Recorder

void gops_report_recorder_init(gops_report_recorder_t *rec, const char *title, const char *dir, double every_s,
                               double tick_s, const gops_picture_hooks_t *hooks)
{
    memset(rec, 0, sizeof *rec);
    copy_utf8(rec->title, sizeof rec->title, title);
    snprintf(rec->dir, sizeof rec->dir, "%s", dir ? dir : "");
    if (every_s > 0 && tick_s > 0) {
        double t = round(every_s / tick_s);
        rec->every_ticks = t < 1 ? 1 : (uint64_t)t;
    }
    if (hooks) rec->pictures = *hooks;
    gops_report_notes_init(&rec->notes);
}

void gops_report_recorder_free(gops_report_recorder_t *rec)
{
    if (rec->pictures.release) rec->pictures.release(rec->pictures.user);
    gops_report_notes_free(&rec->notes);
    free(rec->pending);
    for (uint32_t i = 0; i < rec->written_count; i++) free(rec->written[i]);
    free(rec->written);
    free(rec->last_png);
    free(rec->peak_png);
    free(rec->taken);
    memset(rec, 0, sizeof *rec);
}

bool gops_report_snapshot_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 48 || name[0] == '.') return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                  c == '.';
        if (!ok) return false;
    }
    return true;
}

gops_status_t gops_report_recorder_request(gops_report_recorder_t *rec, const char *name, gops_error_t *err)
{
    if (!name || !gops_report_snapshot_name_ok(name))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "snapshot name \"%s\": expected 1 to 48 letters, digits, '_', '-' or '.', not "
                              "starting with '.'",
                              name ? name : "(null)");
    if (rec->pending_count == rec->pending_capacity) {
        uint32_t cap = rec->pending_capacity ? rec->pending_capacity * 2 : 4;
        void *grown = realloc(rec->pending, (size_t)cap * sizeof *rec->pending);
        if (!grown) return gops_error_set(err, GOPS_NOMEM, "out of memory queueing snapshot \"%s\"", name);
        rec->pending = grown;
        rec->pending_capacity = cap;
    }
    snprintf(rec->pending[rec->pending_count++], GOPS_SNAPSHOT_NAME_MAX, "%s", name);
    return GOPS_OK;
}

static bool name_taken(const gops_report_recorder_t *rec, const char *file)
{
    for (uint32_t i = 0; i < rec->written_count; i++)
        if (strcmp(rec->written[i], file) == 0) return true;
    return false;
}

/// Writes png as snapshots/<stem>.png (stem-2, stem-3, ... when the name is taken).
static gops_status_t write_snapshot(gops_report_recorder_t *rec, const char *stem, const unsigned char *png,
                                    size_t size, gops_error_t *err)
{
    char file[GOPS_SNAPSHOT_NAME_MAX + 16], path[1300];
    snprintf(file, sizeof file, "%s.png", stem);
    for (int k = 2; name_taken(rec, file); k++) snprintf(file, sizeof file, "%s-%d.png", stem, k);
    snprintf(path, sizeof path, "%s/snapshots", rec->dir);
    gops_status_t st = rec->written_count ? GOPS_OK : gops_mkdirs(path, err);
    if (st != GOPS_OK) return st;
    snprintf(path, sizeof path, "%s/snapshots/%s", rec->dir, file);
    if ((st = gops_file_write_atomic(path, png, size, err)) != GOPS_OK) return st;
    if (rec->written_count == rec->written_capacity) {
        uint32_t cap = rec->written_capacity ? rec->written_capacity * 2 : 16;
        char **grown = realloc(rec->written, (size_t)cap * sizeof *grown);
        if (!grown) return gops_error_set(err, GOPS_NOMEM, "out of memory listing snapshots");
        rec->written = grown;
        rec->written_capacity = cap;
    }
    char *copy = strdup(file);
    if (!copy) return gops_error_set(err, GOPS_NOMEM, "out of memory listing snapshots");
    rec->written[rec->written_count++] = copy;
    return GOPS_OK;
}

static gops_status_t draw(gops_report_recorder_t *rec, const gops_world_t *world, gops_picture_kind_t kind,
                          unsigned char **png, size_t *size, gops_error_t *err)
{
    *png = NULL;
    *size = 0;
    gops_picture_request_t req = {.kind = kind, .notes = &rec->notes, .title = rec->title};
    return rec->pictures.draw(world, &req, rec->pictures.user, png, size, err);
}

/// The peak picture is redrawn when the peak density rises by 15 % (and 0.1 persons/m²)
/// over the one drawn, at most every 2 simulated minutes: about 20 pictures from 0.5 to 6
/// persons/m², so a long run spends little time drawing while the kept picture stays near
/// the true peak.
#define PEAK_RATIO 1.15
#define PEAK_STEP_PPM2 0.1
#define PEAK_MIN_GAP_S 120.0

static gops_status_t track_peak(gops_report_recorder_t *rec, const gops_world_t *world, gops_error_t *err)
{
    gops_kpi_value_t g = world->gauges.value[GOPS_GAUGE_PEAK_DENSITY_PPM2];
    if (!g.present || !(g.value > 0)) return GOPS_OK;
    double now = gops_world_elapsed(world);
    bool first = rec->peak_png == NULL;
    if (!first && (g.value < rec->peak_ppm2 * PEAK_RATIO || g.value < rec->peak_ppm2 + PEAK_STEP_PPM2 ||
                   now - rec->peak_drawn_s < PEAK_MIN_GAP_S))
        return GOPS_OK;
    unsigned char *png;
    size_t size;
    gops_status_t st = draw(rec, world, GOPS_PICTURE_VIEW, &png, &size, err);
    if (st != GOPS_OK) return st;
    if (!png) return GOPS_OK;
    free(rec->peak_png);
    rec->peak_png = png;
    rec->peak_size = size;
    rec->peak_ppm2 = g.value;
    rec->peak_drawn_s = now;
    char t[32];
    clock_text(gops_world_time(world), t, sizeof t);
    snprintf(rec->peak_caption, sizeof rec->peak_caption,
             "The district at %s, when the peak cell density reached %.2f persons/m² (drawn again whenever it rose "
             "by 15 %%).",
             t, g.value);
    return GOPS_OK;
}

gops_status_t gops_report_recorder_tick(gops_report_recorder_t *rec, const gops_world_t *world, gops_error_t *err)
{
    uint64_t tick = gops_world_tick(world);
    bool again = rec->ticked && rec->tick_seen == tick;
    rec->ticked = true;
    rec->tick_seen = tick;
    gops_status_t st = again ? GOPS_OK : gops_report_notes_from_events(&rec->notes, world, err);
    if (st != GOPS_OK) return st;
    if (!rec->dir[0]) { // a run without outputs (check) keeps no pictures
        rec->pending_count = 0;
        return GOPS_OK;
    }
    bool periodic = !again && rec->every_ticks && tick % rec->every_ticks == 0;
    if ((periodic || rec->pending_count) && !rec->pictures.draw) {
        if (!rec->warned)
            gops_log(GOPS_LOG_WARN, "snapshots: no renderer in this run (a build without SDL2, or gridops check), "
                                    "so --snapshot-every and snapshot() write no pictures");
        rec->warned = true;
        rec->pending_count = 0;
        return GOPS_OK;
    }
    if (!rec->pictures.draw) return GOPS_OK;
    if (periodic || rec->pending_count) {
        unsigned char *png;
        size_t size;
        if ((st = draw(rec, world, GOPS_PICTURE_VIEW, &png, &size, err)) != GOPS_OK) return st;
        if (png) {
            for (uint32_t i = 0; i < rec->pending_count && st == GOPS_OK; i++)
                st = write_snapshot(rec, rec->pending[i], png, size, err);
            if (periodic && st == GOPS_OK) {
                int h, m, s;
                gops_time_to_civil(gops_world_time(world), NULL, NULL, NULL, &h, &m, &s);
                char stem[16];
                if ((double)rec->every_ticks * gops_world_tick_seconds(world) >= 59.999 && s == 0)
                    snprintf(stem, sizeof stem, "%02d%02d", h, m);
                else
                    snprintf(stem, sizeof stem, "%02d%02d%02d", h, m, s);
                st = write_snapshot(rec, stem, png, size, err);
            }
            free(rec->last_png);
            rec->last_png = png;
            rec->last_size = size;
            char t[32];
            time_text(gops_world_time(world), t, sizeof t);
            snprintf(rec->last_caption, sizeof rec->last_caption, "The district at %s (the last snapshot of the run).",
                     t);
        }
        rec->pending_count = 0;
        if (st != GOPS_OK) return st;
    }
    return again ? GOPS_OK : track_peak(rec, world, err);
}

void gops_report_recorder_set_incidents(gops_report_recorder_t *rec, const gops_report_incident_t *incidents,
                                        uint32_t count)
{
    rec->incidents = incidents;
    rec->incident_count = count;
    rec->incidents_simulated = true;
}

/// A place name for an incident: its finest zone's name (Chinese first), or NULL.
static const char *zone_name(const gops_world_t *world, int32_t zone)
{
    const gops_district_t *d = gops_world_district(world);
    if (!d || zone < 0 || (uint32_t)zone >= d->map->feature_count) return NULL;
    const gops_feature_t *f = &d->map->features[zone];
    return f->name ? f->name : f->name_en ? f->name_en : f->id;
}

gops_status_t gops_report_recorder_take_incidents(gops_report_recorder_t *rec, const gops_world_t *world,
                                                  gops_error_t *err)
{
    const gops_ops_t *ops = gops_ops_of_const(world);
    if (!ops) return GOPS_OK;
    uint32_t total = gops_ops_incident_count(ops), n = 0;
    gops_report_incident_t *list = calloc((size_t)total + 1, sizeof *list);
    if (!list) return gops_error_set(err, GOPS_NOMEM, "out of memory listing %u incidents for report.html", total);
    for (uint32_t id = 1; id <= total; id++) {
        gops_incident_info_t in;
        if (!gops_ops_incident_get(ops, id, &in) || !in.occurred) continue;
        gops_report_incident_t *r = &list[n++];
        r->id = in.id;
        r->category = gops_category_name(in.category);
        r->place = zone_name(world, in.zone);
        r->enter[GOPS_SVG_STATE_OPEN] = in.t_occur;
        r->enter[GOPS_SVG_STATE_DISPATCHED] = in.t_dispatch;
        r->enter[GOPS_SVG_STATE_ON_SCENE] = in.t_arrive;
        r->enter[GOPS_SVG_STATE_CLOSED] = in.closed ? in.t_close : NAN;
        r->response_s = in.t_arrive - in.t_occur; // NaN until a team arrived
        r->channel = in.detected ? gops_channel_name(in.channel) : NULL;
        r->detect_s = in.detected ? in.t_detect : NAN;
        r->cleared = in.cleared;
        r->state = in.closed ? "closed" : in.cleared ? "cleared" : !in.detected ? "undetected"
                                                                              : gops_order_state_name(in.state);
        r->open_reason = in.open_reason;
    }
    free(rec->taken);
    rec->taken = list;
    gops_report_recorder_set_incidents(rec, list, n);
    return GOPS_OK;
}

gops_status_t gops_report_recorder_finish(gops_report_recorder_t *rec, const gops_world_t *world,
                                          const gops_run_report_t *run, const char *description,
                                          const gops_timeseries_t *ts, gops_error_t *err)
{
    if (!rec->dir[0]) return GOPS_OK;
    unsigned char *heat = NULL;
    size_t heat_size = 0;
    gops_status_t st = GOPS_OK;
    if (!rec->incidents_simulated && (st = gops_report_recorder_take_incidents(rec, world, err)) != GOPS_OK) return st;
    if (rec->pictures.draw && (st = draw(rec, world, GOPS_PICTURE_PEAK_HEATMAP, &heat, &heat_size, err)) != GOPS_OK)
        return st;
    gops_report_input_t in = {
        .run = run,
        .description = description,
        .district = world ? gops_district_name(gops_world_district(world), false) : NULL,
        .ts = ts,
        .notes = rec->notes.items,
        .note_count = rec->notes.count,
        .heatmap = {heat, heat_size, "Each cell coloured by the highest density it reached during the run."},
        .snapshots = (const char *const *)rec->written,
        .snapshot_count = rec->written_count,
        .incidents_simulated = rec->incidents_simulated,
        .incidents = rec->incidents,
        .incident_count = rec->incident_count,
    };
    if (rec->peak_png)
        in.peak = (gops_report_picture_t){rec->peak_png, rec->peak_size, rec->peak_caption};
    else if (rec->last_png)
        in.peak = (gops_report_picture_t){rec->last_png, rec->last_size, rec->last_caption};
    in.no_renderer = !rec->pictures.draw;
    if (!in.peak.data)
        in.pictures_note = "no picture was taken: the run has no crowd peak and no snapshot (use --snapshot-every "
                           "15m or snapshot(\"name\") in the scenario)";
    st = gops_report_write(rec->dir, &in, err);
    free(heat);
    return st;
}
