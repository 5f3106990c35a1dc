// SPDX-License-Identifier: MIT
// One run of a scenario from file to outputs: load, apply command-line overrides, build the
// world, step it while firing hooks and sampling the time series, evaluate expectations and
// write the output folder. Used by `run`, `check` and, later, sweeps. Never prints: progress
// goes through a callback.
#ifndef GOPS_SCENARIO_SESSION_H
#define GOPS_SCENARIO_SESSION_H

#include "gridops/gridops.h"
#include "output/report.h"
#include "scenario/scenario.h"

#include <stdbool.h>
#include <stdint.h>

typedef void gops_progress_fn(double sim_elapsed_s, double sim_total_s, double wall_s,
                              gops_local_time_t now, void *user);

/// Called after each checkpoint is written: its file, size (bytes), the wall time writing
/// took (s) and the simulated time it holds.
typedef void gops_checkpoint_fn(const char *path, uint64_t bytes, double write_s, gops_local_time_t at, void *user);

/// Called after every tick with the world (read-only use: drawing, snapshots). Returning
/// false stops the run early (outputs are then marked partial). May block (a paused view).
typedef bool gops_tick_fn(const gops_world_t *world, void *user);

typedef struct gops_run_options {
    const char *scenario_path;
    const char *out_dir;        ///< NULL: out/<scenario file name>-<seed>
    bool write_outputs;         ///< false: run and evaluate only (no folder)
    bool has_seed;
    uint64_t seed;
    int threads;                ///< 0: all cores
    double duration_s;          ///< > 0 overrides the scenario's duration
    const char *until;          ///< "HH:MM" or "YYYY-MM-DD HH:MM" end; overrides duration
    const char *const *sets;    ///< "key=value" overrides
    int set_count;
    bool quick;                 ///< apply the scenario's quick window (scenario{ quick = {...} })
    gops_progress_fn *progress; ///< called about every 0.2 s of wall time; may be NULL
    void *progress_user;
    gops_tick_fn *on_tick;      ///< called after every tick; may be NULL
    void *on_tick_user;
    gops_tick_fn *on_end;       ///< called once with on_tick_user after the outputs of a run that
                                ///< ran to its end are written, the world still alive (a view
                                ///< holding its last frame); its return value is ignored; may be NULL
    double snapshot_every_s;    ///< > 0: snapshots/HHMM.png every this many simulated seconds, from the start
    bool trajectories_in_outputs; ///< pedestrian trajectories to trajectories.sqlite in the output folder
    const char *trajectories;   ///< non-NULL: pedestrian trajectories to this SQLite file (JuPedSim v3),
                                ///< written under "<file>.tmp" and renamed at the end of the run
    double trajectories_every_s; ///< a frame every this many simulated seconds, a whole number of ticks
                                 ///< (0: every tick, or every k ticks for 0.1 s when ticks are shorter)
    bool trajectories_clip;     ///< record only pedestrians inside trajectories_box
    double trajectories_box[4]; ///< xmin, ymin, xmax, ymax, m (map coordinates)
    gops_picture_hooks_t pictures; ///< draws snapshots and report pictures; all NULL without a renderer
    double checkpoint_every_s;  ///< > 0: a checkpoint every this many simulated seconds (whole ticks)
                                ///< and one more when on_tick stops the run early
    const char *checkpoint_dir; ///< where checkpoints go; NULL: <output folder>/checkpoints
    const char *resume;         ///< non-NULL: continue the run saved in this checkpoint; its configuration
                                ///< replaces scenario_path (which, when given, must be the same file),
                                ///< seed, duration, until, sets, quick and snapshot_every_s; out_dir and
                                ///< the checkpoint schedule default to the saved run's
    gops_checkpoint_fn *on_checkpoint; ///< called after each checkpoint is written; may be NULL
    void *checkpoint_user;
} gops_run_options_t;

typedef struct gops_run_result {
    char scenario[128];
    char out_dir[1024];
    uint64_t seed;
    uint64_t state_hash;
    uint32_t expectations, expectations_failed;
    uint32_t expectations_skipped; ///< declared for the other run length (expect{when=...})
    bool quick;                  ///< the scenario's quick window was applied
    double sim_seconds, wall_seconds;
    bool passed;
    bool partial;        ///< stopped early by on_tick
    char failures[2048]; ///< one line per failed expectation: "file:line: metric op value (actual x)"
    char known_failure[256]; ///< the scenario's known_failure("...") reason, "" if none
    char measured[4096]; ///< one line per expectation: "metric = actual (op value) pass|FAIL"
    bool resumed;        ///< continued from a checkpoint
    double resumed_at_s; ///< ... at this simulated time, s after the start
    char checkpoint[1200]; ///< the last checkpoint written, "" when none
} gops_run_result_t;

/// Takes the oldest snapshot("name") request made by the scenario's hooks (lua_world.c) into
/// name; false when none is pending. The session turns requests into pictures after each tick.
bool gops_scenario_take_snapshot(gops_scenario_t *scenario, char name[GOPS_SNAPSHOT_NAME_MAX]);

/// Defaults: write outputs, threads 0 (all cores), no overrides.
gops_run_options_t gops_run_options_default(void);
/// Runs one scenario. Returns GOPS_OK when the run completed (check result->passed for the
/// expectations) or the error that stopped it.
gops_status_t gops_session_run(const gops_run_options_t *options, gops_run_result_t *result, gops_error_t *err);

#endif
