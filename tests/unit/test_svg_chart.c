// SPDX-License-Identifier: MIT
// SVG chart text: nice tick steps, XML escaping, the absence rule, coordinates of a line
// chart computed by hand, gaps at missing values, reference lines widening the range,
// clock-time axis labels, stacked areas, bars and the incident timeline; long bar labels on
// two rows and legends wrapping to more rows, the picture growing to keep the plot's height.
#include "fixture.h"

#include "output/svg_chart.h"

#include "core/simtime.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *chart_text(const gops_svg_chart_t *c)
{
    gops_strbuf_t sb;
    gops_strbuf_init(&sb);
    gops_svg_chart_write(&sb, c);
    ck_assert(!sb.failed);
    return sb.data;
}

static int count_of(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

START_TEST(nice_ticks_pick_round_steps)
{
    double t[16], step;
    uint32_t n = gops_svg_nice_ticks(0, 4.3, 7, t, &step);
    ck_assert_uint_eq(n, 6); // 0 1 2 3 4 5
    ck_assert_double_eq(step, 1);
    ck_assert_double_eq(t[0], 0);
    ck_assert_double_eq(t[5], 5);

    n = gops_svg_nice_ticks(0, 29000, 7, t, &step); // 1000, 2000, 2500 need too many ticks
    ck_assert_double_eq(step, 5000);
    ck_assert_uint_eq(n, 7);
    ck_assert_double_eq(t[6], 30000);

    n = gops_svg_nice_ticks(-0.3, 0.9, 7, t, &step); // 0.2 would need -0.4..1.0 = 8 ticks
    ck_assert_double_eq_tol(step, 0.25, 1e-12);
    ck_assert_uint_eq(n, 7);
    ck_assert_double_eq_tol(t[0], -0.5, 1e-12);
    ck_assert_double_eq(t[2], 0.0);
    ck_assert(!signbit(t[2])); // no "-0" label

    n = gops_svg_nice_ticks(3, 3, 7, t, &step); // empty range widens to one unit
    ck_assert_uint_ge(n, 2);
}
END_TEST

START_TEST(escape_covers_markup_and_controls)
{
    gops_strbuf_t sb;
    gops_strbuf_init(&sb);
    gops_xml_escape(&sb, "a<b & \"c\" 'd'>\x01 二七");
    ck_assert_str_eq(sb.data, "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt; 二七");
    gops_strbuf_free(&sb);
}
END_TEST

START_TEST(absent_series_mean_no_data)
{
    double x[3] = {0, 60, 120}, y[3] = {NAN, NAN, NAN};
    gops_svg_series_t s = {"s", 0x112233, y, false};
    gops_svg_chart_t c = gops_svg_chart_default();
    c.count = 3;
    c.x = x;
    c.series = &s;
    c.series_count = 1;
    ck_assert(!gops_svg_chart_has_data(&c));
    y[1] = 0.0; // a measured zero is data
    ck_assert(gops_svg_chart_has_data(&c));
}
END_TEST

START_TEST(line_chart_coordinates_by_hand)
{
    // 640 × 240: plot from x 58 to 622 and y 30 to 190; y ticks 0..2 by 0.5.
    double x[3] = {0, 60, 120}, y[3] = {0, 1, 2};
    gops_svg_series_t s = {"walkers <all>", 0x00897b, y, false};
    gops_svg_chart_t c = gops_svg_chart_default();
    c.id = "chart-test";
    c.title = "Test & chart";
    c.count = 3;
    c.x = x;
    c.series = &s;
    c.series_count = 1;
    char *t = chart_text(&c);
    ck_assert_ptr_eq(strstr(t, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart-test\""), t);
    ck_assert_ptr_nonnull(strstr(t, "<title>Test &amp; chart</title>"));
    ck_assert_ptr_nonnull(strstr(t, "d=\"M58.0 190.0L340.0 110.0L622.0 30.0\""));
    ck_assert_ptr_nonnull(strstr(t, "stroke=\"#00897b\""));
    ck_assert_ptr_nonnull(strstr(t, ">walkers &lt;all&gt;</text>")); // legend
    ck_assert_ptr_nonnull(strstr(t, ">1.5</text>"));                 // a y tick
    ck_assert_int_eq(count_of(t, "<svg"), 1);
    ck_assert_int_eq(count_of(t, "</svg>"), 1);
    size_t n = strlen(t);
    ck_assert_str_eq(t + n - 7, "</svg>\n");
    free(t);
}
END_TEST

START_TEST(missing_values_break_the_line)
{
    double x[3] = {0, 60, 120}, y[3] = {0, NAN, 2};
    gops_svg_series_t s = {"s", 0x000000, y, false};
    gops_svg_chart_t c = gops_svg_chart_default();
    c.count = 3;
    c.x = x;
    c.series = &s;
    c.series_count = 1;
    char *t = chart_text(&c);
    // two lone points, each a tiny segment so that round caps show them
    ck_assert_ptr_nonnull(strstr(t, "d=\"M58.0 190.0h0.1M622.0 30.0h0.1\""));
    free(t);
}
END_TEST

START_TEST(reference_line_extends_the_range)
{
    double x[2] = {0, 60}, y[2] = {0.5, 1.0};
    gops_svg_series_t s = {"density", 0xd84315, y, false};
    gops_svg_refline_t ref = {4.0, "4 persons/m²", 0xc62828};
    gops_svg_chart_t c = gops_svg_chart_default();
    c.count = 2;
    c.x = x;
    c.series = &s;
    c.series_count = 1;
    c.lines = &ref;
    c.line_count = 1;
    char *t = chart_text(&c);
    // range 0..4.32 → ticks 0..5 by 1: y(4) = 190 − 4/5·160 = 62
    ck_assert_ptr_nonnull(strstr(t, "y1=\"62.0\" x2=\"622.0\" y2=\"62.0\" stroke-width=\"1.5\" stroke-dasharray"));
    ck_assert_ptr_nonnull(strstr(t, ">4 persons/m²</text>"));
    ck_assert_ptr_nonnull(strstr(t, ">5</text>"));
    free(t);
}
END_TEST

START_TEST(time_axis_labels_clock_times)
{
    double x[3] = {0, 3600, 7200}, y[3] = {1, 2, 3};
    gops_svg_series_t s = {"s", 0, y, false};
    gops_svg_chart_t c = gops_svg_chart_default();
    c.count = 3;
    c.x = x;
    c.series = &s;
    c.series_count = 1;
    c.time_axis = true;
    c.time0 = gops_time_from_civil(2025, 12, 31, 16, 0, 0);
    char *t = chart_text(&c);
    // two hours: quarter hours would give 9 ticks (> 8), so half hours
    const char *labels[] = {">16:00<", ">16:30<", ">17:00<", ">17:30<", ">18:00<"};
    for (int i = 0; i < 5; i++) ck_assert_msg(strstr(t, labels[i]) != NULL, "missing %s", labels[i]);
    ck_assert_ptr_null(strstr(t, ">16:15<"));
    free(t);
}
END_TEST

START_TEST(stacked_and_bars_and_bands)
{
    double x[3] = {0, 60, 120}, a[3] = {0.5, 0.5, NAN}, b[3] = {0.5, 0.25, NAN};
    gops_svg_series_t s[2] = {{"A", 0x1a9850, a, false}, {"B", 0xd73027, b, false}};
    gops_svg_band_t bands[2] = {{0, 60, 0x43a047, "holiday"}, {60, 120, 0xe53935, "emergency"}};
    gops_svg_chart_t c = gops_svg_chart_default();
    c.kind = GOPS_SVG_STACKED;
    c.count = 3;
    c.x = x;
    c.series = s;
    c.series_count = 2;
    c.y_min = 0;
    c.y_max = 1;
    c.bands = bands;
    c.band_count = 2;
    char *t = chart_text(&c);
    ck_assert_int_eq(count_of(t, "fill-opacity=\"0.85\""), 2); // one area per series over the present run
    // B sits on A: its upper edge at 0.5 + 0.5 = 1 → y 30 at x 58
    ck_assert_ptr_nonnull(strstr(t, "M58.0 30.0L340.0 70.0"));
    ck_assert_int_eq(count_of(t, "fill-opacity=\"0.16\""), 2); // two bands
    ck_assert_ptr_nonnull(strstr(t, ">emergency</text>"));
    free(t);

    const char *cats[3] = {"crowd", "vending", "parking"};
    double p50[3] = {3, NAN, 7}, p90[3] = {5, NAN, 11};
    gops_svg_series_t bs[2] = {{"p50", 0x64b5f6, p50, false}, {"p90", 0x1565c0, p90, false}};
    gops_svg_chart_t bar = gops_svg_chart_default();
    bar.kind = GOPS_SVG_BARS;
    bar.count = 3;
    bar.x_labels = cats;
    bar.series = bs;
    bar.series_count = 2;
    t = chart_text(&bar);
    ck_assert_int_eq(count_of(t, "<title>p50 · "), 2); // the NaN category has no bar
    ck_assert_int_eq(count_of(t, "<title>p90 · "), 2);
    ck_assert_ptr_nonnull(strstr(t, ">vending</text>"));
    ck_assert_ptr_nonnull(strstr(t, "p90 · parking: 11</title>"));
    free(t);
}
END_TEST

START_TEST(long_labels_stagger_and_legends_wrap)
{
    // 8 categories over a 564 px plot: 70.5 px each, too narrow for "traffic_accident"
    // (16 × 6.2 px), so odd labels drop 13 px and the picture grows from 240 to 253 px
    const char *cats[8] = {"traffic_accident", "lost_person", "crowd", "vending",
                           "parking",          "sanitation",  "utility", "dispute"};
    double v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    gops_svg_series_t one[1] = {{"p50", 0x64b5f6, v, false}};
    gops_svg_chart_t bar = gops_svg_chart_default();
    bar.kind = GOPS_SVG_BARS;
    bar.count = 8;
    bar.x_labels = cats;
    bar.series = one;
    bar.series_count = 1;
    char *t = chart_text(&bar);
    ck_assert_ptr_nonnull(strstr(t, "height=\"253\""));
    // the plot still ends 50 + 13 px above the bottom: labels at 190 + 15 and 190 + 28
    ck_assert_ptr_nonnull(strstr(t, "y=\"205.0\" text-anchor=\"middle\" fill=\"#424242\">traffic_accident</text>"));
    ck_assert_ptr_nonnull(strstr(t, "y=\"218.0\" text-anchor=\"middle\" fill=\"#424242\">lost_person</text>"));
    free(t);
    bar.count = 3; // 188 px each: one row, the default size
    t = chart_text(&bar);
    ck_assert_ptr_nonnull(strstr(t, "height=\"240\""));
    ck_assert_int_eq(count_of(t, "y=\"205.0\" text-anchor=\"middle\""), 3);
    free(t);

    // 12 legend entries of 21 characters (16 + 130.2 px each, 14 px apart): 3 fit in a row
    // from x 58 to 622, so 4 rows, 48 px more, and the last row's swatch at 190 + 36 + 48 − 9
    char names[12][32];
    double x[2] = {0, 60}, y[2] = {1, 2};
    gops_svg_series_t many[12];
    for (int i = 0; i < 12; i++) {
        snprintf(names[i], sizeof names[i], "category %02d long name", i + 1);
        many[i] = (gops_svg_series_t){names[i], 0x37474f, y, false};
    }
    gops_svg_chart_t line = gops_svg_chart_default();
    line.count = 2;
    line.x = x;
    line.series = many;
    line.series_count = 12;
    t = chart_text(&line);
    ck_assert_ptr_nonnull(strstr(t, "height=\"288\""));
    ck_assert_ptr_nonnull(strstr(t, "<rect x=\"58.0\" y=\"265.0\" width=\"12\" height=\"10\""));
    ck_assert_int_eq(count_of(t, "<rect x=\"58.0\" y=\""), 4); // each row starts at the plot's left edge
    free(t);
}
END_TEST

START_TEST(timeline_rows_by_state)
{
    gops_svg_timeline_row_t rows[2] = {
        {"#1 crowd", {0, 60, 300, 900}}, {"#2 vending", {600, NAN, NAN, NAN}}, // still open when the run ended
    };
    gops_svg_timeline_t tl = {.id = "timeline",
                              .title = "Incidents",
                              .rows = rows,
                              .row_count = 2,
                              .x_end = 1800,
                              .time0 = gops_time_from_civil(2025, 12, 31, 16, 0, 0),
                              .width = 900};
    gops_strbuf_t sb;
    gops_strbuf_init(&sb);
    gops_svg_timeline_write(&sb, &tl);
    const char *t = sb.data;
    ck_assert_int_eq(count_of(t, "<title>open</title></rect>"), 2);
    ck_assert_int_eq(count_of(t, "<title>dispatched</title></rect>"), 1);
    ck_assert_int_eq(count_of(t, "<title>on scene</title></rect>"), 1);
    ck_assert_int_eq(count_of(t, "<title>closed</title></path>"), 1);
    char colour[16];
    snprintf(colour, sizeof colour, "#%06x", gops_svg_state_colour(GOPS_SVG_STATE_CLOSED));
    ck_assert_ptr_nonnull(strstr(t, colour));
    // row 2 open from 600 s to the end (1800 s): plot 210..882 px, so x 434.0, width 448.0
    ck_assert_ptr_nonnull(strstr(t, "x=\"434.0\" y=\"63.0\" width=\"448.0\""));
    ck_assert_str_eq(gops_svg_state_name(GOPS_SVG_STATE_ON_SCENE), "on scene");
    gops_strbuf_free(&sb);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("svg_chart");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, nice_ticks_pick_round_steps);
    tcase_add_test(tc, escape_covers_markup_and_controls);
    tcase_add_test(tc, absent_series_mean_no_data);
    tcase_add_test(tc, line_chart_coordinates_by_hand);
    tcase_add_test(tc, missing_values_break_the_line);
    tcase_add_test(tc, reference_line_extends_the_range);
    tcase_add_test(tc, time_axis_labels_clock_times);
    tcase_add_test(tc, stacked_and_bars_and_bands);
    tcase_add_test(tc, long_labels_stagger_and_legends_wrap);
    tcase_add_test(tc, timeline_rows_by_state);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return gops_test_run(suite()); }
