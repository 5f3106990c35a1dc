// SPDX-License-Identifier: MIT
// Small SVG charts as text for the HTML report: line charts, stacked area charts and grouped
// bar charts over a time or category axis, with "nice" ticks, a legend, reference lines and
// background bands; plus an incident timeline (one row per incident, coloured by state).
// Output is well-formed XML (so the report parses as XHTML). Knows nothing about runs,
// KPIs or files: report.c picks the series and writes the page.
#ifndef GOPS_OUTPUT_SVG_CHART_H
#define GOPS_OUTPUT_SVG_CHART_H

#include "core/strbuf.h"
#include "gridops/types.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum gops_svg_kind {
    GOPS_SVG_LINE,    ///< one polyline per series; NaN values leave gaps
    GOPS_SVG_STACKED, ///< areas stacked bottom-up in series order (shares, counts by class)
    GOPS_SVG_BARS,    ///< grouped bars, one group per category (x_labels), one bar per series
} gops_svg_kind_t;

/// One data series: `count` values aligned with the chart's x (NaN = absent at that point).
typedef struct gops_svg_series {
    const char *name; ///< legend text (UTF-8)
    uint32_t colour;  ///< 0xRRGGBB
    const double *y;  ///< chart.count values
    bool step;        ///< draw as steps (a value holds until the next one), e.g. modes
} gops_svg_series_t;

/// A horizontal reference line, e.g. the 4 persons/m² crowd-safety limit.
typedef struct gops_svg_refline {
    double y;          ///< in the y unit
    const char *label; ///< drawn above the line at its right end
    uint32_t colour;   ///< 0xRRGGBB
} gops_svg_refline_t;

/// A background band over an x interval, e.g. the operating mode in force.
typedef struct gops_svg_band {
    double x0, x1;     ///< in the x unit, x0 < x1
    uint32_t colour;   ///< 0xRRGGBB, drawn translucent
    const char *label; ///< legend text; bands sharing a label share one legend entry
} gops_svg_band_t;

typedef struct gops_svg_chart {
    const char *id;      ///< id attribute of the <svg> (NULL: none); [A-Za-z0-9_-] only
    const char *title;   ///< <title> and the heading inside the picture
    const char *y_label; ///< unit text beside the y axis (NULL: none)
    gops_svg_kind_t kind;
    uint32_t count;              ///< points (line/stacked) or categories (bars)
    const double *x;             ///< line/stacked: count increasing x values; with time_axis, seconds after time0
    const char *const *x_labels; ///< bars: count category names
    bool time_axis;              ///< x ticks as clock times "HH:MM" of time0 + x
    gops_local_time_t time0;
    const gops_svg_series_t *series;
    uint32_t series_count;
    const gops_svg_refline_t *lines;
    uint32_t line_count;
    const gops_svg_band_t *bands;
    uint32_t band_count;
    double y_min, y_max;              ///< NaN: automatic (0 and every value and reference line inside, nice ends)
    const char *const *y_tick_labels; ///< when set, integer y ticks 0..y_tick_label_count-1 use these names
    uint32_t y_tick_label_count;
    int width, height; ///< px of the picture (640 × 240)
} gops_svg_chart_t;

/// Defaults: line chart, automatic y range, 640 × 240 px, nothing else.
gops_svg_chart_t gops_svg_chart_default(void);

/// True when at least one series has a finite value (a chart without one says "not
/// simulated in this run" instead of drawing empty axes).
bool gops_svg_chart_has_data(const gops_svg_chart_t *chart);

/// Appends the chart as one <svg> element.
void gops_svg_chart_write(gops_strbuf_t *out, const gops_svg_chart_t *chart);

/// Incident states, in the order an incident moves through them.
typedef enum gops_svg_state {
    GOPS_SVG_STATE_OPEN,       ///< occurred or detected, no unit sent yet
    GOPS_SVG_STATE_DISPATCHED, ///< a unit is on its way
    GOPS_SVG_STATE_ON_SCENE,   ///< the unit is handling it
    GOPS_SVG_STATE_CLOSED,     ///< resolved and closed (drawn as a tick at the closing time)
    GOPS_SVG_STATE_COUNT
} gops_svg_state_t;

/// The colour of each state (0xRRGGBB), shared with the live view's incident markers.
uint32_t gops_svg_state_colour(gops_svg_state_t state);
/// "open", "dispatched", "on scene", "closed".
const char *gops_svg_state_name(gops_svg_state_t state);

/// One incident row: the times it entered each state, seconds after the chart's time0
/// (NaN when it never did; later states may be NaN while the run ended first).
typedef struct gops_svg_timeline_row {
    const char *label;                  ///< row text, e.g. "#12 crowd · 德化街"
    double enter[GOPS_SVG_STATE_COUNT]; ///< s
} gops_svg_timeline_row_t;

typedef struct gops_svg_timeline {
    const char *id;
    const char *title;
    const gops_svg_timeline_row_t *rows;
    uint32_t row_count;
    double x_end; ///< s after time0: the end of the run (open bars reach it)
    gops_local_time_t time0;
    int width; ///< px (height follows the rows)
} gops_svg_timeline_t;

/// Appends the timeline as one <svg> element (a row per incident in the order given).
void gops_svg_timeline_write(gops_strbuf_t *out, const gops_svg_timeline_t *timeline);

/// Appends text with &, <, >, " and ' escaped, and control characters other than tab and
/// newline dropped (they are not allowed in XML).
void gops_xml_escape(gops_strbuf_t *out, const char *text);

/// Up to max "nice" tick values (1, 2, 2.5 or 5 × 10^k steps) covering [lo, hi]; *step gets
/// the spacing. Returns the tick count (≥ 2 when hi > lo).
uint32_t gops_svg_nice_ticks(double lo, double hi, uint32_t max, double *ticks, double *step);

#endif
