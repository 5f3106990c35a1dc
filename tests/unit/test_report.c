// SPDX-License-Identifier: MIT
// report.html and the run recorder: the page is well-formed (checked by a small XML parser
// below: tags balanced and matched, attributes quoted, entities valid), self-contained (no
// script, every src a data URI), holds each chart when its series exist and says "not
// simulated in this run" when they do not; base64 of known bytes; notes from a real mode
// switch; snapshots on schedule and by name through fake picture hooks; the no-renderer path;
// the incident section by hand (incidents per interval by category, response p50/p90 by
// category, detection channel shares, the longest-open orders) and the incidents taken from
// a real operations model when the run does not hand any over.
#include "fixture.h"

#include "core/simtime.h"
#include "ops/ops.h"
#include "output/report.h"
#include "world/world_internal.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

// ---------------------------------------------------------------------------------------
// A strict well-formedness check (XML 1.0 subset used by the report)

static char xml_problem[256];

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

/// Checks an entity reference at p ('&'); returns its length or 0.
static size_t entity_len(const char *p)
{
    static const char *const named[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = 0; i < 5; i++)
        if (strncmp(p, named[i], strlen(named[i])) == 0) return strlen(named[i]);
    if (p[1] == '#') {
        size_t n = 2;
        bool hex = p[2] == 'x';
        if (hex) n++;
        size_t digits = 0;
        while ((hex ? strchr("0123456789abcdefABCDEF", p[n]) : strchr("0123456789", p[n])) && p[n]) n++, digits++;
        if (digits && p[n] == ';') return n + 1;
    }
    return 0;
}

/// NULL when `text` is one well-formed element after an optional doctype; else what is wrong.
static const char *xml_check(const char *text, int *elements)
{
    const char *stack[128];
    size_t len[128];
    int depth = 0, roots = 0, count = 0;
    const char *p = text;
    if (strncmp(p, "<!DOCTYPE html>", 15) == 0) p += 15;
    while (*p) {
        if (*p == '&') {
            size_t n = entity_len(p);
            if (!n) return snprintf(xml_problem, sizeof xml_problem, "bad entity at %.20s", p), xml_problem;
            p += n;
            continue;
        }
        if (*p != '<') {
            if (depth == 0 && *p != '\n' && *p != ' ')
                return snprintf(xml_problem, sizeof xml_problem, "text outside the root: %.20s", p), xml_problem;
            p++;
            continue;
        }
        if (strncmp(p, "<!--", 4) == 0) {
            const char *e = strstr(p, "-->");
            if (!e) return "unterminated comment";
            p = e + 3;
            continue;
        }
        bool closing = p[1] == '/';
        const char *n = p + 1 + closing;
        if (!name_char(*n, true)) return snprintf(xml_problem, sizeof xml_problem, "bad tag at %.30s", p), xml_problem;
        const char *ne = n;
        while (name_char(*ne, false)) ne++;
        size_t nl = (size_t)(ne - n);
        const char *q = ne;
        if (closing) {
            while (*q == ' ' || *q == '\n') q++;
            if (*q != '>') return "junk in a closing tag";
            if (depth == 0) return "closing tag without an open element";
            depth--;
            if (len[depth] != nl || strncmp(stack[depth], n, nl) != 0)
                return snprintf(xml_problem, sizeof xml_problem, "</%.*s> closes <%.*s>", (int)nl, n, (int)len[depth],
                                stack[depth]),
                       xml_problem;
            p = q + 1;
            continue;
        }
        // attributes: name="value" separated by white space
        for (;;) {
            bool space = false;
            while (*q == ' ' || *q == '\n' || *q == '\t') q++, space = true;
            if (*q == '>' || (q[0] == '/' && q[1] == '>')) break;
            if (!space || !name_char(*q, true))
                return snprintf(xml_problem, sizeof xml_problem, "bad attribute in <%.*s>: %.20s", (int)nl, n, q),
                       xml_problem;
            while (name_char(*q, false)) q++;
            if (q[0] != '=' || q[1] != '"')
                return snprintf(xml_problem, sizeof xml_problem, "unquoted attribute in <%.*s>", (int)nl, n),
                       xml_problem;
            q += 2;
            while (*q && *q != '"') {
                if (*q == '<') return "'<' in an attribute value";
                if (*q == '&') {
                    size_t e = entity_len(q);
                    if (!e) return "bad entity in an attribute value";
                    q += e;
                } else {
                    q++;
                }
            }
            if (*q != '"') return "unterminated attribute value";
            q++;
        }
        count++;
        if (depth == 0) roots++;
        if (*q == '/') { // empty element
            p = q + 2;
            continue;
        }
        if (depth == 128) return "nesting too deep";
        stack[depth] = n;
        len[depth] = nl;
        depth++;
        p = q + 1;
    }
    if (depth)
        return snprintf(xml_problem, sizeof xml_problem, "<%.*s> never closed", (int)len[depth - 1], stack[depth - 1]),
               xml_problem;
    if (roots != 1) return "not exactly one root element";
    if (elements) *elements = count;
    return NULL;
}

START_TEST(checker_catches_broken_markup)
{
    ck_assert_ptr_null(xml_check("<!DOCTYPE html>\n<html><p a=\"1\">x &amp; y<br/></p></html>\n", NULL));
    ck_assert_ptr_nonnull(xml_check("<html><p></html>", NULL));           // unclosed p
    ck_assert_ptr_nonnull(xml_check("<html><p a=1></p></html>", NULL));   // unquoted
    ck_assert_ptr_nonnull(xml_check("<html>a & b</html>", NULL));         // bare &
    ck_assert_ptr_nonnull(xml_check("<html></html><html></html>", NULL)); // two roots
    ck_assert_ptr_nonnull(xml_check("<html><img></html>", NULL));         // unclosed void element
}
END_TEST

// ---------------------------------------------------------------------------------------
// Fixtures

static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

typedef struct fixture {
    gops_timeseries_t ts;
    gops_kpis_t kpis;
    gops_expectation_t exps[2];
    gops_run_report_t run;
    gops_report_note_t notes[2];
    gops_report_incident_t incidents[4];
} fixture_t;

static void fixture_init(fixture_t *f, bool gauges)
{
    memset(f, 0, sizeof *f);
    gops_timeseries_init(&f->ts);
    gops_local_time_t t0 = gops_time_from_civil(2025, 12, 31, 16, 0, 0);
    for (int i = 0; i <= 120; i++) {
        gops_gauges_t g;
        memset(&g, 0, sizeof g);
        if (gauges) {
            gops_gauges_set(&g, GOPS_GAUGE_PEDESTRIANS_STREET, 1000 + 50 * i);
            gops_gauges_set(&g, GOPS_GAUGE_PEDESTRIANS_BUILDINGS, 3000 + 20 * i);
            gops_gauges_set(&g, GOPS_GAUGE_PEAK_DENSITY_PPM2, 0.5 + 0.03 * i);
            for (int k = 0; k < 6; k++) gops_gauges_set(&g, (gops_gauge_id_t)(GOPS_GAUGE_LOS_A + k), 1.0 / 6);
            gops_gauges_set(&g, GOPS_GAUGE_CONGESTION_INDEX, 1.2 + 0.01 * i);
            gops_gauges_set(&g, GOPS_GAUGE_ORDERS_OPEN, i % 7);
            gops_gauges_set(&g, GOPS_GAUGE_TEAMS_BUSY, i % 5);
        }
        gops_mode_t mode = i < 60 ? GOPS_MODE_HOLIDAY : GOPS_MODE_EMERGENCY;
        ck_assert_int_eq(gops_timeseries_add(&f->ts, t0 + 60 * i, 60.0 * i, mode, &g), 0);
    }
    gops_kpis_init(&f->kpis);
    gops_kpis_set(&f->kpis, GOPS_KPI_PEAK_DENSITY_PPM2, 4.1);
    gops_kpis_set(&f->kpis, GOPS_KPI_RESPONSE_TIME_P90_S, 312);
    gops_error_t err;
    ck_assert_int_eq(gops_kpis_set_custom(&f->kpis, "quarter_hours", 8, &err), GOPS_OK);
    f->exps[0] = (gops_expectation_t){.metric = "peak_density_ppm2",
                                      .op = GOPS_OP_LT,
                                      .value = 4,
                                      .where = "nye.lua:9",
                                      .evaluated = true,
                                      .measured = true,
                                      .actual = 4.1,
                                      .passed = false};
    f->exps[1] = (gops_expectation_t){.metric = "quarter_hours",
                                      .op = GOPS_OP_EQ,
                                      .value = 8,
                                      .where = "nye.lua:10",
                                      .evaluated = true,
                                      .measured = true,
                                      .actual = 8,
                                      .passed = true};
    f->run = (gops_run_report_t){.scenario = "nye <evening>",
                                 .scenario_path = "scenarios/nye.lua",
                                 .map_path = "assets/maps/erqi.geojson",
                                 .seed = 2024,
                                 .start = t0,
                                 .end = t0 + 7200,
                                 .sim_seconds = 7200,
                                 .wall_seconds = 3.5,
                                 .tick_s = 0.1,
                                 .ticks = 72000,
                                 .threads = 2,
                                 .mode_start = GOPS_MODE_HOLIDAY,
                                 .mode_end = GOPS_MODE_EMERGENCY,
                                 .state_hash = 0x0123456789abcdefULL,
                                 .passed = false,
                                 .expectations = f->exps,
                                 .expectation_count = 2,
                                 .kpis = &f->kpis};
    f->notes[0] = (gops_report_note_t){
        .time = t0 + 3600, .level = GOPS_NOTE_WARNING, .text = "Operating mode switched from holiday to emergency"};
    f->notes[1] = (gops_report_note_t){.time = t0 + 4000,
                                       .level = GOPS_NOTE_ALARM,
                                       .place = "德化街 Dehua Street",
                                       .text = "Tower plaza above 4 persons/m² for 2 min"};
    f->incidents[0] =
        (gops_report_incident_t){1, "crowd", "二七广场", {0, 60, 300, 900}, 300, "camera_vision", 20, false, "closed", ""};
    f->incidents[1] = (gops_report_incident_t){2,     "crowd",   NULL,       {100, 160, 700, NAN},
                                               600,   "patrol",  130,        false,
                                               "on_scene", "team working on scene"};
    f->incidents[2] = (gops_report_incident_t){3,   "vending", "德化街",     {2000, NAN, NAN, NAN}, NAN,
                                               NULL, NAN,      false, "undetected", "not detected"};
    f->incidents[3] =
        (gops_report_incident_t){4, "vending", NULL, {3000, NAN, NAN, NAN}, NAN, NULL, NAN, true, "cleared", ""};
}

static char *page(const gops_report_input_t *in)
{
    char *html = gops_report_html(in);
    ck_assert_ptr_nonnull(html);
    int elements = 0;
    const char *problem = xml_check(html, &elements);
    ck_assert_msg(problem == NULL, "report.html is not well-formed: %s", problem ? problem : "");
    ck_assert_int_gt(elements, 100);
    // self-contained: no script, nothing fetched
    ck_assert_ptr_null(strstr(html, "<script"));
    for (const char *p = strstr(html, " src=\""); p; p = strstr(p + 1, " src=\""))
        ck_assert_msg(strncmp(p + 6, "data:", 5) == 0, "src not a data URI: %.40s", p);
    ck_assert_ptr_null(strstr(html, "https://"));
    return html;
}

static bool has_svg(const char *html, const char *id)
{
    char needle[96];
    snprintf(needle, sizeof needle, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\"", id);
    return strstr(html, needle) != NULL;
}

// ---------------------------------------------------------------------------------------
// Page

START_TEST(full_report_has_every_chart)
{
    fixture_t f;
    fixture_init(&f, true);
    static const unsigned char man[3] = {'M', 'a', 'n'};
    const char *snaps[2] = {"1600.png", "1630.png"};
    gops_report_input_t in = {.run = &f.run,
                              .description = "NYE & fireworks",
                              .district = "二七塔商圈",
                              .ts = &f.ts,
                              .notes = f.notes,
                              .note_count = 2,
                              .incidents_simulated = true,
                              .incidents = f.incidents,
                              .incident_count = 4,
                              .heatmap = {png_sig, sizeof png_sig, "heat"},
                              .peak = {man, 3, "peak"},
                              .snapshots = snaps,
                              .snapshot_count = 2};
    char *html = page(&in);
    uint32_t n;
    const char *const *ids = gops_report_chart_ids(&n);
    ck_assert_uint_eq(n, 9);
    for (uint32_t i = 0; i < n; i++) ck_assert_msg(has_svg(html, ids[i]), "no <svg> for %s", ids[i]);
    ck_assert(has_svg(html, "timeline"));
    ck_assert_ptr_null(strstr(html, "not simulated in this run"));
    // text is escaped, numbers and verdicts as given
    ck_assert_ptr_nonnull(strstr(html, "<h1>nye &lt;evening&gt;</h1>"));
    ck_assert_ptr_nonnull(strstr(html, "NYE &amp; fireworks"));
    ck_assert_ptr_nonnull(strstr(html, " · 二七塔商圈 · gridops rehearsal</p>")); // the map's district
    ck_assert_ptr_nonnull(strstr(html, "FAILED — 1 of 2 expectations not met"));
    ck_assert_ptr_nonnull(strstr(html, "0123456789abcdef"));
    ck_assert_ptr_nonnull(strstr(html, "4.1 persons/m²"));
    ck_assert_ptr_nonnull(strstr(html, "312 s (5m12s)"));
    ck_assert_ptr_nonnull(strstr(html, "— not simulated")); // e.g. vehicles_total
    ck_assert_ptr_nonnull(strstr(html, "<code>quarter_hours</code>"));
    // warnings with times and places
    ck_assert_ptr_nonnull(strstr(html, "2025-12-31 17:06:40"));
    ck_assert_ptr_nonnull(strstr(html, "德化街 Dehua Street"));
    ck_assert_ptr_nonnull(strstr(html, "<span class=\"badge ALARM\">ALARM</span>"));
    ck_assert_ptr_nonnull(strstr(html, "1 alarms, 1 warnings, 0 other events."));
    // pictures as data URIs: base64 of the PNG signature and of "Man"
    ck_assert_ptr_nonnull(strstr(html, "src=\"data:image/png;base64,iVBORw0KGgo=\""));
    ck_assert_ptr_nonnull(strstr(html, "src=\"data:image/png;base64,TWFu\""));
    ck_assert_ptr_nonnull(strstr(html, "<a href=\"snapshots/1630.png\">"));
    // the 4 persons/m² line on the density chart
    ck_assert_ptr_nonnull(strstr(html, ">4 persons/m² crowd-safety limit</text>"));
    // response times by category: crowd p50 of 5 and 10 min is 7.5 min, p90 5 + 0.9·5 = 9.5 min
    ck_assert_ptr_nonnull(strstr(html, "p50 (median) · crowd: 7.5</title>"));
    ck_assert_ptr_nonnull(strstr(html, "<tr><td>crowd</td><td class=\"num\">2</td><td class=\"num\">2</td><td "
                                       "class=\"num\">7.5 min</td><td class=\"num\">9.5 min</td><td "
                                       "class=\"num\">10.0 min</td></tr>"));
    ck_assert_ptr_nonnull(strstr(html, "<tr><td>vending</td><td class=\"num\">2</td><td class=\"num\">0</td><td "
                                       "class=\"num\">—</td>"));
    ck_assert_ptr_nonnull(strstr(html, "<tr><th>all categories</th><td class=\"num\">4</td><td class=\"num\">2</td>"));
    ck_assert_ptr_nonnull(strstr(html, "4 incidents occurred; the centre detected 2, a team reached 2 and 1 orders "
                                       "were closed."));
    // incidents per 5 minutes over the 2-hour run, by category
    ck_assert_ptr_nonnull(strstr(html, "Incidents that occurred in each 5.0 min, by category"));
    // detection channels: a quarter each of the 4 incidents, half each of the 2 detected
    ck_assert_ptr_nonnull(strstr(html, "<tr><td>camera_vision</td><td class=\"num\">1</td><td class=\"num\">25.0 "
                                       "%</td><td class=\"num\">50.0 %</td></tr>"));
    ck_assert_ptr_nonnull(strstr(html, "<tr><td>not detected by the end</td><td class=\"num\">1</td><td "
                                       "class=\"num\">25.0 %</td><td class=\"num absent\">—</td></tr>"));
    ck_assert_ptr_nonnull(strstr(html, "<tr><td>went away unseen</td><td class=\"num\">1</td>"));
    // the longest-open orders: #2 open from 16:02:10 to the end (7070 s), then #1 (880 s)
    const char *table = strstr(html, "<table id=\"table-longest\">");
    ck_assert_ptr_nonnull(table);
    const char *r2 = strstr(table, "<td class=\"num\">#2</td>"), *r1 = strstr(table, "<td class=\"num\">#1</td>");
    ck_assert(r2 && r1 && r2 < r1);
    ck_assert_ptr_nonnull(strstr(table, "16:02:10 <span class=\"absent\">patrol</span>"));
    ck_assert_ptr_nonnull(strstr(table, "1 h 57 min+</td><td><b>still open</b> (on_scene): team working on scene"));
    ck_assert_ptr_nonnull(strstr(table, "14.7 min</td><td>closed at 16:15:00"));
    ck_assert_ptr_null(strstr(table, "#3</td>")); // never detected: no order
    // the incident that went away unseen had no order: not on the timeline
    ck_assert_ptr_nonnull(strstr(html, "#3 vending · 德化街"));
    ck_assert_ptr_null(strstr(html, "#4 vending"));
    free(html);
    gops_timeseries_free(&f.ts);
}
END_TEST

START_TEST(absent_models_say_not_simulated)
{
    fixture_t f;
    fixture_init(&f, false);
    gops_report_input_t in = {.run = &f.run, .ts = &f.ts, .no_renderer = true};
    char *html = page(&in);
    ck_assert(has_svg(html, "chart-mode")); // the mode is always known
    const char *absent[] = {"chart-pedestrians", "chart-density",   "chart-los",      "chart-congestion",
                            "chart-orders",      "chart-incidents", "chart-response", "chart-channels"};
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++) {
        char needle[96];
        snprintf(needle, sizeof needle, "<figure class=\"missing\" id=\"%s\">", absent[i]);
        ck_assert_msg(strstr(html, needle) != NULL, "%s should be a note", absent[i]);
        ck_assert(!has_svg(html, absent[i]));
    }
    ck_assert_ptr_nonnull(strstr(html, "<figure class=\"missing\" id=\"timeline\">"));
    ck_assert_ptr_nonnull(strstr(html, "<p class=\"absent\" id=\"table-longest\">not simulated in this run</p>"));
    ck_assert_ptr_nonnull(strstr(html, "no picture: this build of gridops has no renderer (SDL2)"));
    ck_assert_ptr_nonnull(strstr(html, "Nothing to report"));
    ck_assert_ptr_null(strstr(html, "data:image/png"));
    free(html);
    gops_timeseries_free(&f.ts);
}
END_TEST

START_TEST(report_write_is_atomic_file)
{
    fixture_t f;
    fixture_init(&f, true);
    gops_report_input_t in = {.run = &f.run, .ts = &f.ts};
    char *dir = gops_test_tmpdir();
    gops_error_t err;
    ck_assert_int_eq(gops_report_write(dir, &in, &err), GOPS_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/report.html", dir);
    size_t size;
    char *text = gops_test_read_file(path, &size);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_eq(strstr(text, "<!DOCTYPE html>"), text);
    ck_assert_ptr_null(xml_check(text, NULL));
    snprintf(path, sizeof path, "%s/report.html.tmp", dir);
    struct stat st;
    ck_assert_int_ne(stat(path, &st), 0);
    free(text);
    free(dir);
    gops_timeseries_free(&f.ts);
}
END_TEST

// ---------------------------------------------------------------------------------------
// Notes

START_TEST(mode_switch_becomes_a_note)
{
    gops_world_def_t def = gops_world_def_default();
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_ptr_nonnull(w);
    gops_report_notes_t notes;
    gops_report_notes_init(&notes);
    for (int i = 0; i < 10; i++) gops_world_step(w); // 1 s
    gops_world_set_mode(w, GOPS_MODE_EMERGENCY);
    gops_world_step(w); // applied at the start of tick 10 = 16:00:01
    ck_assert_int_eq(gops_report_notes_from_events(&notes, w, &err), GOPS_OK);
    ck_assert_uint_eq(notes.count, 1);
    ck_assert_int_eq(notes.items[0].time, def.start + 1);
    ck_assert_int_eq(notes.items[0].level, GOPS_NOTE_WARNING);
    ck_assert_str_eq(notes.items[0].text, "Operating mode switched from normal (平时) to emergency (应急战时)");
    ck_assert_str_eq(notes.items[0].place, "");
    gops_world_step(w); // nothing new
    ck_assert_int_eq(gops_report_notes_from_events(&notes, w, &err), GOPS_OK);
    ck_assert_uint_eq(notes.count, 1);
    // long text is cut on a character boundary
    char long_text[600];
    memset(long_text, 0, sizeof long_text);
    for (int i = 0; i < 199; i++) memcpy(long_text + 3 * i, "二", 3);
    ck_assert_int_eq(gops_report_notes_add(&notes, 0, GOPS_NOTE_INFO, long_text, long_text, &err), GOPS_OK);
    ck_assert_uint_eq(strlen(notes.items[1].text), 237); // 79 whole characters in 239 bytes
    ck_assert_uint_eq(strlen(notes.items[1].place), 93);
    gops_report_notes_free(&notes);
    gops_world_destroy(w);
}
END_TEST

START_TEST(density_warning_lasts_until_cleared)
{
    gops_world_def_t def = gops_world_def_default();
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    gops_report_notes_t notes;
    gops_report_notes_init(&notes);
    for (int i = 0; i < 600; i++) gops_world_step(w); // one minute
    gops_world_emit_text(w, GOPS_EVENT_DENSITY_WARNING, 3, 4620, "二七广场 Erqi Square");
    gops_world_emit_text(w, GOPS_EVENT_INCIDENT_OPENED, 12, GOPS_CAT_CROWD, "crowd");
    ck_assert_int_eq(gops_report_notes_from_events(&notes, w, &err), GOPS_OK);
    ck_assert_uint_eq(notes.count, 2);
    const gops_report_note_t *d = &notes.items[0];
    ck_assert_str_eq(d->text, "Crowd density at 二七广场 Erqi Square reached 4.6 persons/m², above the warning limit");
    ck_assert_str_eq(d->place, "二七广场 Erqi Square");
    ck_assert_int_eq(d->level, GOPS_NOTE_ALARM);
    ck_assert_int_eq(d->key, 3);
    ck_assert(!d->ended);
    ck_assert_str_eq(notes.items[1].text, "Incident #12 (crowd) opened");
    ck_assert_int_eq(notes.items[1].key, -1);
    for (int i = 0; i < 1200; i++) gops_world_step(w); // two minutes later
    gops_world_emit_text(w, GOPS_EVENT_DENSITY_CLEARED, 3, 0, "二七广场 Erqi Square");
    ck_assert_int_eq(gops_report_notes_from_events(&notes, w, &err), GOPS_OK);
    ck_assert_uint_eq(notes.count, 3);
    ck_assert(notes.items[0].ended);
    ck_assert_int_eq(notes.items[0].ended_at - notes.items[0].time, 120);
    ck_assert_str_eq(notes.items[2].text, "Crowd density at 二七广场 Erqi Square back below the warning limit");
    gops_report_notes_free(&notes);
    gops_world_destroy(w);
}
END_TEST

// ---------------------------------------------------------------------------------------
// Recorder

typedef struct fake {
    int draws, releases, heatmaps;
    char last_title[64];
    uint32_t last_notes;
} fake_t;

static gops_status_t fake_draw(const gops_world_t *world, const gops_picture_request_t *req, void *user,
                               unsigned char **png, size_t *size, gops_error_t *err)
{
    (void)world;
    (void)err;
    fake_t *f = user;
    if (req->kind == GOPS_PICTURE_PEAK_HEATMAP) {
        f->heatmaps++;
        return GOPS_OK; // no crowd: nothing to draw
    }
    f->draws++;
    snprintf(f->last_title, sizeof f->last_title, "%s", req->title ? req->title : "");
    f->last_notes = req->notes ? req->notes->count : 0;
    *png = malloc(sizeof png_sig);
    memcpy(*png, png_sig, sizeof png_sig);
    *size = sizeof png_sig;
    return GOPS_OK;
}

static void fake_release(void *user) { ((fake_t *)user)->releases++; }

static bool exists(const char *dir, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/snapshots/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0 && st.st_size == (off_t)sizeof png_sig;
}

START_TEST(recorder_takes_periodic_and_named_snapshots)
{
    gops_world_def_t def = gops_world_def_default(); // 16:00, 0.1 s ticks
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_ptr_nonnull(w);
    char *dir = gops_test_tmpdir();
    fake_t fk = {0};
    gops_picture_hooks_t hooks = {fake_draw, fake_release, &fk};
    gops_report_recorder_t rec;
    gops_report_recorder_init(&rec, "nye", dir, 60, def.tick_s, &hooks);
    ck_assert_int_eq(gops_report_recorder_tick(&rec, w, &err), GOPS_OK); // 16:00 → 1600.png
    for (int t = 1; t <= 1250; t++) {
        if (t == 300) {
            ck_assert_int_eq(gops_report_recorder_request(&rec, "plaza", &err), GOPS_OK);
            ck_assert_int_eq(gops_report_recorder_request(&rec, "plaza", &err), GOPS_OK);
        }
        if (t == 700) gops_world_set_mode(w, GOPS_MODE_EMERGENCY);
        gops_world_step(w);
        ck_assert_int_eq(gops_report_recorder_tick(&rec, w, &err), GOPS_OK);
    }
    // the same tick again (hooks at the end time) adds nothing periodic
    ck_assert_int_eq(gops_report_recorder_tick(&rec, w, &err), GOPS_OK);
    ck_assert_int_eq(gops_report_recorder_request(&rec, "../x", &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "../x"));
    ck_assert_int_eq(gops_report_recorder_request(&rec, ".hidden", &err), GOPS_BAD_VALUE);
    ck_assert(exists(dir, "1600.png") && exists(dir, "1601.png") && exists(dir, "1602.png"));
    ck_assert(!exists(dir, "1603.png"));
    ck_assert(exists(dir, "plaza.png") && exists(dir, "plaza-2.png"));
    ck_assert_int_eq(fk.draws, 4); // 3 periodic + 1 for both named requests of one tick
    ck_assert_uint_eq(rec.written_count, 5);
    ck_assert_str_eq(fk.last_title, "nye");
    ck_assert_uint_eq(rec.notes.count, 1); // the mode switch
    ck_assert_uint_eq(fk.last_notes, 1);

    fixture_t f;
    fixture_init(&f, false);
    gops_report_recorder_set_incidents(&rec, f.incidents, 3);
    ck_assert_int_eq(gops_report_recorder_finish(&rec, w, &f.run, "desc", &f.ts, &err), GOPS_OK);
    ck_assert_int_eq(fk.heatmaps, 1);
    char path[600];
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *html = gops_test_read_file(path, NULL);
    ck_assert_ptr_nonnull(html);
    ck_assert_ptr_null(xml_check(html, NULL));
    ck_assert_ptr_nonnull(strstr(html, "<a href=\"snapshots/plaza-2.png\">"));
    ck_assert_ptr_nonnull(strstr(html, "(the last snapshot of the run)")); // no peak density: the last one
    ck_assert_ptr_nonnull(strstr(html, "iVBORw0KGgo="));
    ck_assert_ptr_nonnull(strstr(html, "Operating mode switched from normal"));
    ck_assert(has_svg(html, "timeline")); // the incidents handed over
    ck_assert(has_svg(html, "chart-response"));
    free(html);
    gops_report_recorder_free(&rec);
    ck_assert_int_eq(fk.releases, 1);
    gops_timeseries_free(&f.ts);
    free(dir);
    gops_world_destroy(w);
}
END_TEST

START_TEST(recorder_redraws_peak_when_density_rises)
{
    gops_world_def_t def = gops_world_def_default();
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    char *dir = gops_test_tmpdir();
    fake_t fk = {0};
    gops_picture_hooks_t hooks = {fake_draw, fake_release, &fk};
    gops_report_recorder_t rec;
    gops_report_recorder_init(&rec, "x", dir, 0, def.tick_s, &hooks);
    // density (persons/m²) by minute: the first value is drawn; +30 % a minute later is too
    // soon (2 min apart at least); back to +10 % is not enough (15 %); +60 % later is drawn;
    // then +6 % is not enough again
    const double minute_ppm2[6] = {1.0, 1.3, 1.1, 1.1, 1.6, 1.7};
    for (int t = 1; t <= 3600; t++) {
        gops_gauges_set(gops_world_gauges(w), GOPS_GAUGE_PEAK_DENSITY_PPM2, minute_ppm2[(t - 1) / 600]);
        gops_world_step(w);
        ck_assert_int_eq(gops_report_recorder_tick(&rec, w, &err), GOPS_OK);
    }
    ck_assert_int_eq(fk.draws, 2);
    ck_assert_double_eq(rec.peak_ppm2, 1.6);
    ck_assert_ptr_nonnull(strstr(rec.peak_caption, "1.60 persons/m²"));
    ck_assert_uint_eq(rec.written_count, 0); // peak pictures are for the report only
    gops_report_recorder_free(&rec);
    free(dir);
    gops_world_destroy(w);
}
END_TEST

START_TEST(recorder_without_renderer_or_outputs)
{
    gops_world_def_t def = gops_world_def_default();
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    char *dir = gops_test_tmpdir();
    gops_report_recorder_t rec;
    gops_report_recorder_init(&rec, "x", dir, 60, def.tick_s, NULL);
    ck_assert_int_eq(gops_report_recorder_request(&rec, "a", &err), GOPS_OK);
    ck_assert_int_eq(gops_report_recorder_tick(&rec, w, &err), GOPS_OK);
    ck_assert(rec.warned);
    ck_assert_uint_eq(rec.written_count, 0);
    ck_assert_uint_eq(rec.pending_count, 0);
    char path[600];
    snprintf(path, sizeof path, "%s/snapshots", dir);
    struct stat st;
    ck_assert_int_ne(stat(path, &st), 0);
    fixture_t f;
    fixture_init(&f, false);
    ck_assert_int_eq(gops_report_recorder_finish(&rec, w, &f.run, NULL, &f.ts, &err), GOPS_OK);
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *html = gops_test_read_file(path, NULL);
    ck_assert_ptr_nonnull(strstr(html, "has no renderer"));
    free(html);
    gops_report_recorder_free(&rec);

    // no output folder (gridops check): nothing written, no warning
    gops_report_recorder_init(&rec, "x", NULL, 60, def.tick_s, NULL);
    ck_assert_int_eq(gops_report_recorder_request(&rec, "a", &err), GOPS_OK);
    ck_assert_int_eq(gops_report_recorder_tick(&rec, w, &err), GOPS_OK);
    ck_assert(!rec.warned);
    ck_assert_int_eq(gops_report_recorder_finish(&rec, w, &f.run, NULL, &f.ts, &err), GOPS_OK);
    gops_report_recorder_free(&rec);
    gops_timeseries_free(&f.ts);
    free(dir);
    gops_world_destroy(w);
}
END_TEST

START_TEST(incidents_taken_from_operations)
{
    gops_world_def_t def = gops_world_def_default(); // no district: operations without a map
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_ptr_nonnull(w);
    gops_ops_params_t op = gops_ops_params_default();
    op.generate = false;
    gops_ops_t *ops = gops_ops_attach(w, &op, &err);
    ck_assert_msg(ops != NULL, "ops: %s", err.message);
    uint32_t a = 0, b = 0;
    ck_assert_int_eq(gops_ops_inject(ops, GOPS_ITYPE_LITTER_OVERFLOW, (gops_point_t){10, 20}, 0, GOPS_CHANNEL_SCENARIO,
                                     &a, &err),
                     GOPS_OK);
    for (int i = 0; i < 50; i++) gops_world_step(w); // 5 s
    ck_assert_int_eq(gops_ops_inject(ops, GOPS_ITYPE_DISPUTE, (gops_point_t){-30, 5}, gops_world_elapsed(w),
                                     GOPS_CHANNEL_SCENARIO, &b, &err),
                     GOPS_OK);
    for (int i = 0; i < 10; i++) gops_world_step(w);
    char *dir = gops_test_tmpdir();
    gops_report_recorder_t rec;
    gops_report_recorder_init(&rec, "ops", dir, 0, def.tick_s, NULL);
    ck_assert_int_eq(gops_report_recorder_tick(&rec, w, &err), GOPS_OK);
    fixture_t f;
    fixture_init(&f, false);
    f.run.sim_seconds = gops_world_elapsed(w);
    // nobody handed incidents over: finishing takes them from the operations model
    ck_assert_int_eq(gops_report_recorder_finish(&rec, w, &f.run, NULL, &f.ts, &err), GOPS_OK);
    ck_assert(rec.incidents_simulated);
    ck_assert_uint_eq(rec.incident_count, 2);
    const gops_report_incident_t *r = rec.incidents;
    ck_assert_uint_eq(r[0].id, a);
    ck_assert_str_eq(r[0].category, "sanitation");
    ck_assert_str_eq(r[0].channel, "scenario");
    ck_assert_double_eq_tol(r[0].detect_s, 0, 1e-9);
    ck_assert_double_eq_tol(r[0].enter[GOPS_SVG_STATE_OPEN], 0, 1e-9);
    ck_assert_uint_eq(r[1].id, b);
    ck_assert_str_eq(r[1].category, "dispute");
    ck_assert_double_eq_tol(r[1].enter[GOPS_SVG_STATE_OPEN], 5.0, 1e-6);
    ck_assert(!r[1].cleared);
    ck_assert_ptr_nonnull(r[1].state);
    char path[600];
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *html = gops_test_read_file(path, NULL);
    ck_assert_ptr_nonnull(html);
    ck_assert_ptr_null(xml_check(html, NULL));
    ck_assert(has_svg(html, "chart-channels"));
    ck_assert_ptr_nonnull(strstr(html, "<tr><td>scenario</td><td class=\"num\">2</td><td class=\"num\">100.0 %</td>"));
    ck_assert_ptr_nonnull(strstr(html, "2 incidents occurred; the centre detected 2"));
    ck_assert_ptr_nonnull(strstr(html, "#1 sanitation"));
    free(html);
    gops_report_recorder_free(&rec);
    gops_timeseries_free(&f.ts);
    free(dir);
    gops_world_destroy(w);
}
END_TEST

START_TEST(snapshot_names)
{
    ck_assert(gops_report_snapshot_name_ok("plaza_2330"));
    ck_assert(gops_report_snapshot_name_ok("a.b-c"));
    ck_assert(!gops_report_snapshot_name_ok(""));
    ck_assert(!gops_report_snapshot_name_ok(".x"));
    ck_assert(!gops_report_snapshot_name_ok("a/b"));
    ck_assert(!gops_report_snapshot_name_ok("塔"));
    ck_assert(!gops_report_snapshot_name_ok("0123456789012345678901234567890123456789012345678"));
    ck_assert(gops_report_snapshot_name_ok("012345678901234567890123456789012345678901234567"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, checker_catches_broken_markup);
    tcase_add_test(tc, full_report_has_every_chart);
    tcase_add_test(tc, absent_models_say_not_simulated);
    tcase_add_test(tc, report_write_is_atomic_file);
    tcase_add_test(tc, mode_switch_becomes_a_note);
    tcase_add_test(tc, density_warning_lasts_until_cleared);
    tcase_add_test(tc, recorder_takes_periodic_and_named_snapshots);
    tcase_add_test(tc, recorder_redraws_peak_when_density_rises);
    tcase_add_test(tc, recorder_without_renderer_or_outputs);
    tcase_add_test(tc, incidents_taken_from_operations);
    tcase_add_test(tc, snapshot_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return gops_test_run(suite()); }
