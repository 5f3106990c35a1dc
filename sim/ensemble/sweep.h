// SPDX-License-Identifier: MIT
// `gridops sweep`: runs the missing runs of a study and writes its tables. Three ways to
// execute, one result: local worker processes (default, --jobs N), MPI ranks (when started
// by mpirun) or exactly one run in this process (--run-index I, e.g. a Slurm array task,
// merged later with gops_sweep_collect). Finished runs are never run again. Never prints:
// progress and failures go through a callback.
#ifndef GOPS_ENSEMBLE_SWEEP_H
#define GOPS_ENSEMBLE_SWEEP_H

#include "ensemble/study.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum gops_sweep_event_kind {
    GOPS_SWEEP_PLANNED,    ///< the runs to do are known (counts set)
    GOPS_SWEEP_RUN_DONE,   ///< a run finished and was recorded
    GOPS_SWEEP_RUN_FAILED, ///< a run failed or its worker crashed; the study goes on
} gops_sweep_event_kind_t;

typedef struct gops_sweep_event {
    gops_sweep_event_kind_t kind;
    const gops_study_t *study;
    uint32_t run;          ///< RUN_*: the run index
    uint32_t total;        ///< runs in the study
    uint32_t reused;       ///< finished before this sweep started
    uint32_t todo;         ///< to run in this sweep
    uint32_t done, failed; ///< of todo, so far
    const char *message;   ///< RUN_FAILED: why
} gops_sweep_event_t;

typedef void gops_sweep_event_fn(const gops_sweep_event_t *event, void *user);

typedef struct gops_sweep_options {
    const char *study_path;
    const char *out_dir;        ///< NULL: out/<study file name without .lua>
    const char *const *sets;    ///< "key=value" for every run (not a factor)
    int set_count;
    uint32_t replications;      ///< > 0 replaces the study's
    int jobs;                   ///< local worker processes; 0: one per core
    int threads;                ///< threads inside each run (default 1: a study's parallelism is its runs)
    int64_t run_index;          ///< >= 0: only this run, in this process (default -1)
    const char *program;        ///< the gridops binary workers execute (NULL: this program)
    bool use_mpi;               ///< spread runs over MPI ranks when started by mpirun (default true)
    gops_sweep_event_fn *on_event; ///< may be NULL; called on rank 0 only
    void *event_user;
    /// May be NULL. Once non-zero (a signal number, set by a handler): no further run
    /// starts, local workers are sent that signal, a run in this process stops after its
    /// tick; runs cut short leave no record, so the next sweep into the folder runs them.
    const volatile sig_atomic_t *stop;
} gops_sweep_options_t;

typedef struct gops_sweep_result {
    char out_dir[1024];
    char name[128];             ///< the study's name
    int rank, ranks;            ///< MPI rank and world size (0 and 1 without MPI)
    uint32_t runs, reused, executed, failed, missing, not_passed; ///< rank 0 only
    uint64_t state_hash;        ///< --run-index: the run's state hash
    int exit_code;              ///< 0 all finished and passed, 1 an expectation failed, else 2 or 3 (worst failure)
} gops_sweep_result_t;

gops_sweep_options_t gops_sweep_options_default(void);
/// Runs the study. GOPS_OK when the study was run as far as it could be (see
/// result->exit_code for failed runs); an error only when it could not start (bad study,
/// unwritable folder) or its tables could not be written.
gops_status_t gops_sweep_run(const gops_sweep_options_t *options, gops_sweep_result_t *result, gops_error_t *err);
/// Writes runs.csv, summary.csv and report.html of the study folder `dir` from its
/// study.json and run records (e.g. after a Slurm array). Runs not yet recorded are listed
/// as missing (result->missing; exit code 2).
gops_status_t gops_sweep_collect(const char *dir, gops_sweep_result_t *result, gops_error_t *err);

#endif
