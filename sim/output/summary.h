// SPDX-License-Identifier: MIT
// summary.json and timeseries.csv: the run's outputs under DESIGN.md's output contract.
// Takes plain values from the run; does not run anything itself.
#ifndef GOPS_OUTPUT_SUMMARY_H
#define GOPS_OUTPUT_SUMMARY_H

#include "metrics/kpi.h"
#include "metrics/timeseries.h"
#include "scenario/scenario.h"

#include <stdbool.h>
#include <stdint.h>

/// Everything summary.json reports about one run.
typedef struct gops_run_report {
    const char *scenario;      ///< scenario name
    const char *scenario_path;
    const char *map_path;      ///< "" when none
    uint64_t seed;
    gops_local_time_t start, end;
    double sim_seconds, wall_seconds;
    double tick_s;
    uint64_t ticks;
    int threads;
    gops_mode_t mode_start, mode_end;
    uint64_t state_hash;
    bool passed, partial;
    bool quick;                 ///< the scenario's quick window was applied (gridops check)
    const gops_expectation_t *expectations;
    uint32_t expectation_count;
    const gops_kpis_t *kpis;
} gops_run_report_t;

/// summary.json text (caller frees); NULL when out of memory.
char *gops_summary_json(const gops_run_report_t *report);
/// timeseries.csv text (caller frees); NULL when out of memory.
char *gops_timeseries_csv(const gops_timeseries_t *ts);
/// Writes both into the folder `dir` (already created) atomically.
gops_status_t gops_outputs_write(const char *dir, const gops_run_report_t *report, const gops_timeseries_t *ts,
                                 gops_error_t *err);

#endif
