// SPDX-License-Identifier: MIT
// Checkpoints of a run (gridops run --checkpoint-every, --resume): the configuration that
// decides the results (scenario file and its checksum, seed, --set, --quick, --until,
// --duration, snapshot period, output folder, checkpoint schedule) in section "run", then
// the world (world_checkpoint.c), the scenario (scenario_checkpoint.c), the time-series rows
// and the report's recorder so far. Used by the run loop (session.c); never prints.
#ifndef GOPS_SCENARIO_SESSION_CHECKPOINT_H
#define GOPS_SCENARIO_SESSION_CHECKPOINT_H

#include "core/checkpoint.h"
#include "metrics/timeseries.h"
#include "output/report.h"
#include "scenario/scenario.h"
#include "scenario/session.h"

#include <stdbool.h>
#include <stdint.h>

#define GOPS_RUN_SETS_MAX 64

/// Everything a resumed run takes from its checkpoint.
typedef struct gops_run_config {
    char scenario_path[1024];     ///< as given to the first run
    uint64_t scenario_sum;        ///< checksum of the file's bytes (refuses an edited file)
    uint64_t scenario_size;       ///< bytes
    bool has_seed;
    uint64_t seed;
    double duration_s;            ///< --duration, 0 when not given
    bool has_until;
    char until[64];               ///< --until
    bool quick;                   ///< --quick
    int set_count;
    char sets[GOPS_RUN_SETS_MAX][512]; ///< --set key=value, in order
    double snapshot_every_s;      ///< --snapshot-every, 0 none
    char out_dir[1024];           ///< the output folder the first run wrote to
    double checkpoint_every_s;    ///< > 0
    char checkpoint_dir[1024];    ///< where checkpoints go
    bool checkpoint_dir_default;  ///< checkpoint_dir is <out_dir>/checkpoints (moved into the outputs at the end)
    // At the checkpoint:
    uint64_t tick;                ///< ticks simulated
    uint64_t total_ticks;         ///< of the whole run
    uint64_t state_hash;          ///< gops_world_state_hash then (checked after restoring)
    double wall_s;                ///< wall time spent on the run so far, s (reporting only)
    uint32_t load_hooks;          ///< hooks the file registered when it loaded
} gops_run_config_t;

/// Fills the configuration of a run that writes checkpoints (options, the output folder
/// chosen, the scenario file's checksum). GOPS_IO when the scenario cannot be read.
gops_status_t gops_run_config_fill(gops_run_config_t *cfg, const gops_run_options_t *o, const char *out_dir,
                                   gops_error_t *err);
/// A resumed run's options: opens the checkpoint `given->resume` (kept open in *reader for
/// gops_run_checkpoint_restore) and takes from it everything that decides the results (the
/// scenario, checked against its checksum, seed, window, overrides, snapshots); the output
/// folder and the checkpoint schedule stay the saved ones unless `given` sets them. `sets`
/// receives the overrides (room for GOPS_RUN_SETS_MAX) that out->sets then points to.
gops_status_t gops_run_resume_options(const gops_run_options_t *given, gops_run_options_t *out,
                                      gops_run_config_t *cfg, const char **sets, gops_ckpt_reader_t **reader,
                                      gops_error_t *err);

/// "gridops <version>, checkpoint format <n>, <bits>-bit": checkpoints resume only under
/// the same id.
const char *gops_run_checkpoint_build_id(void);
/// Checksum and size of a file's bytes. GOPS_IO naming the file.
gops_status_t gops_run_file_checksum(const char *path, uint64_t *sum, uint64_t *size, gops_error_t *err);
/// File name of the checkpoint taken at local time `now`: "HHMM.ckpt" ("HHMMSS" when the
/// period is not whole minutes; "YYYYMMDD-HHMM" when the run is longer than a day), in
/// cfg->checkpoint_dir.
void gops_run_checkpoint_path(const gops_run_config_t *cfg, gops_local_time_t now, double run_s, char *buf,
                              size_t size);
/// Writes a checkpoint of the run between two ticks (cfg's tick, hash and wall time are
/// filled in here from the world). `*bytes`, `*seconds`: its size and the time writing took.
gops_status_t gops_run_checkpoint_write(const char *path, gops_run_config_t *cfg, gops_world_t *world,
                                        gops_scenario_t *scenario, const gops_timeseries_t *ts,
                                        const gops_report_recorder_t *rec, double wall_s, uint64_t *bytes,
                                        double *seconds, gops_error_t *err);
/// Opens a checkpoint (refusing another build, a corrupted or cut file: GOPS_BAD_VALUE, exit
/// 2, the message names the file) and reads its configuration.
gops_ckpt_reader_t *gops_run_checkpoint_open(const char *path, gops_run_config_t *cfg, gops_error_t *err);
/// Restores world, scenario, rows and recorder from an open checkpoint into a run rebuilt
/// from its configuration (scenario loaded and attached, models attached, recorder set
/// up), then checks the world's state hash equals the saved one.
gops_status_t gops_run_checkpoint_restore(gops_ckpt_reader_t *r, const gops_run_config_t *cfg, gops_world_t *world,
                                          gops_scenario_t *scenario, gops_timeseries_t *ts,
                                          gops_report_recorder_t *rec, gops_error_t *err);

#endif
