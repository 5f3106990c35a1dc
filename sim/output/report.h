// SPDX-License-Identifier: MIT
// report.html: one self-contained page per run (set-up, expectations, KPIs, warnings, SVG
// charts over time, incidents and dispatch orders — by category over time, response times,
// detection channels, the longest-open orders, the timeline —, embedded PNG pictures; no
// JavaScript, no network),
// and the recorder that gathers during a run what the page needs but the time series does
// not hold: plain-language notes from world events, snapshots (periodic and requested by the
// scenario) and the picture at the peak density. Pictures come from a renderer through
// gops_picture_hooks_t; this file never draws and builds without SDL2.
#ifndef GOPS_OUTPUT_REPORT_H
#define GOPS_OUTPUT_REPORT_H

#include "gridops/gridops.h"
#include "metrics/timeseries.h"
#include "output/summary.h"
#include "output/svg_chart.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// ---------------------------------------------------------------------------------------
// Notes: what happened, when and where, in plain language (report warnings, live view)

typedef enum gops_note_level {
    GOPS_NOTE_INFO,    ///< worth knowing (a mode switch)
    GOPS_NOTE_WARNING, ///< needs attention (a queue building up)
    GOPS_NOTE_ALARM,   ///< act now (density above 4 persons/m²)
    GOPS_NOTE_LEVEL_COUNT
} gops_note_level_t;

#define GOPS_NOTE_PLACE_MAX 96
#define GOPS_NOTE_TEXT_MAX 240

typedef struct gops_report_note {
    gops_local_time_t time; ///< when it happened (local time)
    gops_note_level_t level;
    char place[GOPS_NOTE_PLACE_MAX]; ///< "" when it concerns the whole district
    char text[GOPS_NOTE_TEXT_MAX];   ///< one sentence, UTF-8
    int64_t key;                     ///< a lasting condition this note opens (a density warning:
        ///< its area index); -1 for a one-off event
    bool ended;                 ///< the condition is over (see ended_at)
    gops_local_time_t ended_at; ///< when it ended
} gops_report_note_t;

/// A growing list of notes, in the order they were added (time order during a run).
typedef struct gops_report_notes {
    gops_report_note_t *items;
    uint32_t count, capacity;
} gops_report_notes_t;

void gops_report_notes_init(gops_report_notes_t *notes);
void gops_report_notes_free(gops_report_notes_t *notes);
/// Appends a note (text and place are cut at their maximum length on a UTF-8 boundary;
/// place may be NULL). GOPS_NOMEM when memory runs out.
gops_status_t gops_report_notes_add(gops_report_notes_t *notes, gops_local_time_t time, gops_note_level_t level,
                                    const char *place, const char *text, gops_error_t *err);
/// Marks the newest open condition with this key as ended at `time` (no-op when none).
void gops_report_notes_end(gops_report_notes_t *notes, int64_t key, gops_local_time_t time);
/// Appends one note per event of the world's last tick, dated at the start of the tick it
/// happened in, as a sentence: mode switches (a warning when to emergency), incidents opened
/// and closed, density warnings (alarms that last until the matching "cleared" event ends
/// them, with the area's name as the place).
gops_status_t gops_report_notes_from_events(gops_report_notes_t *notes, const gops_world_t *world, gops_error_t *err);
/// "INFO", "WARNING", "ALARM".
const char *gops_note_level_name(gops_note_level_t level);
/// Chinese name of an operating mode as the grid uses it (平时, 节假日, 重大活动, 应急战时).
const char *gops_report_mode_zh(gops_mode_t mode);

// ---------------------------------------------------------------------------------------
// Pictures supplied by a renderer

typedef enum gops_picture_kind {
    GOPS_PICTURE_VIEW,         ///< the live view's picture of the world now (map, agents, dashboard)
    GOPS_PICTURE_PEAK_HEATMAP, ///< the map with each cell's highest density so far
} gops_picture_kind_t;

/// What a picture should show besides the world itself.
typedef struct gops_picture_request {
    gops_picture_kind_t kind;
    const gops_report_notes_t *notes; ///< the run's notes so far (recent ones become warnings); may be NULL
    const char *title;                ///< scenario name; may be NULL
} gops_picture_request_t;

/// Draws a picture of `world` as PNG bytes in *png (malloc'd; the caller frees) and *size.
/// *png stays NULL when there is nothing to draw (no crowd for a heat map).
typedef gops_status_t gops_picture_fn(const gops_world_t *world, const gops_picture_request_t *request, void *user,
                                      unsigned char **png, size_t *size, gops_error_t *err);

/// The renderer's side of the outputs, set by the program when SDL2 is compiled in.
typedef struct gops_picture_hooks {
    gops_picture_fn *draw;       ///< NULL: no renderer (snapshots are skipped with one warning)
    void (*release)(void *user); ///< frees what draw kept between calls; called when a run ends
    void *user;
} gops_picture_hooks_t;

// ---------------------------------------------------------------------------------------
// The page

/// One incident for the incident charts, tables and timeline. Strings are borrowed.
typedef struct gops_report_incident {
    uint64_t id;
    const char *category;               ///< "crowd", "vending", ...
    const char *place;                  ///< zone or street name; may be NULL
    double enter[GOPS_SVG_STATE_COUNT]; ///< s after the run's start it entered each state
                                        ///< (open = occurrence); NaN never
    double response_s;                  ///< s, occurrence → first team on scene (the KPI's
                                        ///< definition); NaN when none arrived
    const char *channel;  ///< how the centre learnt of it ("camera_vision", ...); NULL: not detected
    double detect_s;      ///< s after the start it was detected (the order opened); valid with a channel
    bool cleared;         ///< went away before anyone noticed (no order; not on the timeline)
    const char *state;    ///< at the end of the run: "closed", "on_scene", ...; NULL: as enter[] says
    const char *open_reason; ///< why it is still open at the end; NULL or "" when closed
} gops_report_incident_t;

/// A PNG to embed (data NULL: none).
typedef struct gops_report_picture {
    const unsigned char *data;
    size_t size;
    const char *caption;
} gops_report_picture_t;

typedef struct gops_report_input {
    const gops_run_report_t *run;    ///< required
    const char *description;         ///< the scenario's description; may be NULL
    const char *district;            ///< the district's name (map boundary); NULL: none (a lab)
    const gops_timeseries_t *ts;     ///< may be NULL (no charts over time)
    const gops_report_note_t *notes; ///< warnings and events, in time order
    uint32_t note_count;
    bool incidents_simulated; ///< false: the timeline says "not simulated in this run"
    const gops_report_incident_t *incidents;
    uint32_t incident_count;
    gops_report_picture_t heatmap; ///< the peak-density heat map
    gops_report_picture_t peak;    ///< the view at the peak (or the last snapshot)
    const char *const *snapshots;  ///< file names written under snapshots/, in order
    uint32_t snapshot_count;
    const char *pictures_note; ///< why there is no `peak` picture, when there is none
    bool no_renderer;          ///< the build cannot draw pictures at all
} gops_report_input_t;

/// The ids of the charts the page can hold, in page order ("chart-mode", "chart-pedestrians",
/// "chart-density", "chart-los", "chart-congestion", "chart-orders", "chart-incidents",
/// "chart-response", "chart-channels"); count in *count. A chart without data is replaced
/// by a note with the same id.
const char *const *gops_report_chart_ids(uint32_t *count);

/// The whole page as a NUL-terminated UTF-8 string (caller frees); NULL when out of memory.
/// The page is well-formed XML (XHTML syntax) so that it can be checked by a parser.
char *gops_report_html(const gops_report_input_t *input);
/// Writes report.html into the folder `dir` atomically.
gops_status_t gops_report_write(const char *dir, const gops_report_input_t *input, gops_error_t *err);

// ---------------------------------------------------------------------------------------
// The recorder (used by the run session)

#define GOPS_SNAPSHOT_NAME_MAX 64

typedef struct gops_report_recorder {
    char dir[1100];       ///< output folder being written; "" when the run writes none
    char title[128];      ///< scenario name, for the pictures' dashboard
    uint64_t every_ticks; ///< periodic snapshots every this many ticks; 0 = none
    gops_picture_hooks_t pictures;
    gops_report_notes_t notes;
    char (*pending)[GOPS_SNAPSHOT_NAME_MAX]; ///< names requested this tick
    uint32_t pending_count, pending_capacity;
    char **written; ///< file names under snapshots/, in order
    uint32_t written_count, written_capacity;
    unsigned char *last_png; ///< the latest snapshot (for the report when no peak was seen)
    size_t last_size;
    char last_caption[128];
    unsigned char *peak_png; ///< the view when the peak density was last raised notably
    size_t peak_size;
    char peak_caption[160];
    double peak_ppm2;                        ///< persons/m², the density that picture shows
    double peak_drawn_s;                     ///< elapsed s of that picture
    bool warned;                             ///< the "no renderer" warning was given
    const gops_report_incident_t *incidents; ///< set by gops_report_recorder_set_incidents
    uint32_t incident_count;
    bool incidents_simulated;
    gops_report_incident_t *taken; ///< owned copy from gops_report_recorder_take_incidents
    bool ticked;        ///< tick_seen is valid
    uint64_t tick_seen; ///< the tick of the last gops_report_recorder_tick call
} gops_report_recorder_t;

/// True for a valid snapshot name: 1..48 bytes of [A-Za-z0-9_.-], not starting with '.'.
bool gops_report_snapshot_name_ok(const char *name);

/// Sets up a recorder for one run of scenario `title`: `dir` (NULL: no outputs, so no
/// pictures), snapshots every `every_s` simulated seconds (≤ 0: none) on ticks of tick_s
/// seconds, pictures from `hooks` (NULL or no draw: none).
void gops_report_recorder_init(gops_report_recorder_t *rec, const char *title, const char *dir, double every_s,
                               double tick_s, const gops_picture_hooks_t *hooks);
/// Frees the recorder and releases the renderer's resources.
void gops_report_recorder_free(gops_report_recorder_t *rec);
/// Queues a snapshot named `name` ([A-Za-z0-9_.-], 1..48 bytes, not starting with '.') for
/// the end of the current tick. GOPS_BAD_VALUE for a bad name.
gops_status_t gops_report_recorder_request(gops_report_recorder_t *rec, const char *name, gops_error_t *err);
/// Call once before the first tick and after every tick: turns events into notes, writes
/// the requested and the periodic snapshots (snapshots/NAME.png and snapshots/HHMM.png),
/// and redraws the peak picture when the peak density rose notably. A second call at the
/// same tick (hooks that fire at the end time) only writes newly requested snapshots.
gops_status_t gops_report_recorder_tick(gops_report_recorder_t *rec, const gops_world_t *world, gops_error_t *err);
/// Gives the report the run's incidents (borrowed until gops_report_recorder_finish), for
/// the incident charts, tables and timeline; without this call (and without an operations
/// model for gops_report_recorder_take_incidents) they are "not simulated".
void gops_report_recorder_set_incidents(gops_report_recorder_t *rec, const gops_report_incident_t *incidents,
                                        uint32_t count);
/// Takes the incidents that occurred so far from the operations model attached to `world`
/// (in id order; kept by the recorder until it is freed), as set_incidents does. Does
/// nothing without an operations model. GOPS_NOMEM when memory runs out.
/// gops_report_recorder_finish calls it when neither function was called before.
gops_status_t gops_report_recorder_take_incidents(gops_report_recorder_t *rec, const gops_world_t *world,
                                                  gops_error_t *err);
/// Writes report.html into the output folder (nothing when the run writes none).
gops_status_t gops_report_recorder_finish(gops_report_recorder_t *rec, const gops_world_t *world,
                                          const gops_run_report_t *run, const char *description,
                                          const gops_timeseries_t *ts, gops_error_t *err);

#endif
