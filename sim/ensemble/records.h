// SPDX-License-Identifier: MIT
// Run records: one run of a study executed in this process (its session writes
// runs/NNNNN/), turned into the record text that marks it done (runs/NNNNN.json): identity
// (run, seed, overrides, scenario hash, build), outcome, state hash, wall time and every KPI
// of its summary.json. Reading a record back tells whether it is a finished run of *this*
// study; anything else is run again. Does not schedule runs or write the study tables.
#ifndef GOPS_ENSEMBLE_RECORDS_H
#define GOPS_ENSEMBLE_RECORDS_H

#include "ensemble/study.h"
#include "scenario/session.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum gops_record_state {
    GOPS_RECORD_MISSING, ///< no record: never run, or killed before it finished
    GOPS_RECORD_OK,      ///< finished run of this study
    GOPS_RECORD_FAILED,  ///< the run failed (error or crash); run again on the next attempt
    GOPS_RECORD_STALE,   ///< a record of another design, scenario or build at this index
} gops_record_state_t;

/// One run as the study tables need it.
typedef struct gops_run_row {
    gops_record_state_t state;
    bool passed;                       ///< the scenario's expectations passed
    uint64_t state_hash;
    double wall_seconds;
    double kpi[GOPS_STUDY_MAX_KPIS];   ///< the study's KPIs in order; NaN = no value
    int exit_code;                     ///< failed: the exit code its failure maps to (2, 3)
    char message[512];                 ///< failed: why; stale: what differs
} gops_run_row_t;

/// Runs `run` of the study with `threads` threads (on_tick may be NULL; it is called after
/// every tick, e.g. to serve MPI requests). Always yields a record in *text (caller frees):
/// status "ok", or "failed" with the error when the run could not complete. Returns
/// GOPS_NOMEM only when not even that could be made. `row` (may be NULL) gets the outcome.
gops_status_t gops_record_run(const gops_study_t *study, const char *root, uint32_t run, int threads,
                              gops_tick_fn *on_tick, void *user, char **text, gops_run_row_t *row,
                              gops_error_t *err);
/// A "failed" record for a run that could not leave its own (a crashed worker process).
char *gops_record_failure(const gops_study_t *study, uint32_t run, int exit_code, const char *message);
/// Parses a record and checks it belongs to `run` of this study: same seed, overrides,
/// scenario hash and build. Fills row (state MISSING when text is NULL).
void gops_record_parse(const gops_study_t *study, uint32_t run, const char *text, gops_run_row_t *row);
/// Reads <root>/runs/NNNNN.json into row.
void gops_record_read(const gops_study_t *study, const char *root, uint32_t run, gops_run_row_t *row);
/// Writes the record to <root>/runs/NNNNN.json.
gops_status_t gops_record_write(const char *root, uint32_t run, const char *text, gops_error_t *err);

#endif
