// SPDX-License-Identifier: MIT
// A study's results: every run's record read back in run-index order, the statistics per
// design point and KPI, the paired differences, and the tables runs.csv and summary.csv.
// The same code serves a finished sweep, an MPI rank 0 and `--collect` of Slurm array
// outputs, so the tables are the same bytes however the runs were executed. Does not run
// anything; report.html is study_report.c.
#ifndef GOPS_ENSEMBLE_RESULTS_H
#define GOPS_ENSEMBLE_RESULTS_H

#include "ensemble/records.h"
#include "ensemble/stats.h"
#include "ensemble/study.h"
#include "core/strbuf.h"

#include <stdint.h>

/// Paired differences for one comparison at one combination of the other factors.
typedef struct gops_study_diff {
    uint32_t compare;                  ///< index into study->compares
    uint32_t from_point, to_point;     ///< the two design points (differences are to - from)
    gops_stats_t kpi[GOPS_STUDY_MAX_KPIS];
} gops_study_diff_t;

typedef struct gops_study_results {
    const gops_study_t *study;
    gops_run_row_t *rows;              ///< run_count rows, run-index order
    gops_stats_t *points;              ///< point_count * kpi_count: [point * kpi_count + kpi]
    gops_study_diff_t *diffs;
    uint32_t diff_count;
    uint32_t ok, failed, missing, stale;
    uint32_t not_passed;               ///< finished runs whose expectations failed
    int worst_failure;                 ///< highest exit code among failed runs (0 when none)
} gops_study_results_t;

/// Reads every record under root and computes the statistics.
gops_status_t gops_study_results_read(const gops_study_t *study, const char *root, gops_study_results_t *results,
                                      gops_error_t *err);
void gops_study_results_free(gops_study_results_t *results);
/// Statistics of a design point's KPI.
const gops_stats_t *gops_study_results_point(const gops_study_results_t *results, uint32_t point, uint32_t kpi);

/// runs.csv: run,point,replication,<factor keys>,seed,status,passed,<KPIs>,wall_seconds,state_hash.
/// Caller frees; NULL when out of memory.
char *gops_study_runs_csv(const gops_study_results_t *results);
/// summary.csv: kind,point,<factor keys>,kpi,n,mean,sd,confidence,ci_low,ci_high,ci_half_width;
/// kind "point" per design point and KPI, then "paired_difference" rows whose compared
/// factor reads "<to> minus <from>". Caller frees; NULL when out of memory.
char *gops_study_summary_csv(const gops_study_results_t *results);
/// Writes runs.csv, summary.csv and report.html into root.
gops_status_t gops_study_results_write(const gops_study_results_t *results, const char *root, gops_error_t *err);

/// Appends text to a CSV line, quoted when it holds a comma, quote or line break.
void gops_csv_field(gops_strbuf_t *out, const char *text);

#endif
