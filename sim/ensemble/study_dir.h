// SPDX-License-Identifier: MIT
// The layout of a study's output folder and safe writes into it:
//   study.json  runs.csv  summary.csv  report.html   (the study)
//   runs/00042/       one run's own outputs (summary.json, timeseries.csv, ...)
//   runs/00042.json   its record: written last, so it exists only for a finished run
// Several processes may write into one folder at once (local workers, MPI ranks, Slurm
// array tasks), so every file goes through a temporary name unique to host and process.
#ifndef GOPS_ENSEMBLE_STUDY_DIR_H
#define GOPS_ENSEMBLE_STUDY_DIR_H

#include "ensemble/study.h"

#include <stddef.h>
#include <stdint.h>

/// "<root>/runs/00042": the folder the run's session writes.
void gops_study_dir_run_path(const char *root, uint32_t run, char *buf, size_t size);
/// "<root>/runs/00042.json": the run's record.
void gops_study_dir_record_path(const char *root, uint32_t run, char *buf, size_t size);
/// "<root>/<name>".
void gops_study_dir_file(const char *root, const char *name, char *buf, size_t size);

/// Creates <root>/runs. Fails early when the folder is not writable.
gops_status_t gops_study_dir_prepare(const char *root, gops_error_t *err);
/// Writes text to path through "<path>.tmp-<host>-<pid>" + fsync + rename: readers see the
/// old file or the whole new one, even with several writers.
gops_status_t gops_study_dir_write(const char *path, const char *text, gops_error_t *err);
/// The whole file (caller frees), or NULL when it is missing, unreadable or over max_bytes.
char *gops_study_dir_read(const char *path, size_t max_bytes);
/// Writes study.json unless it already holds exactly these bytes (so Slurm tasks starting
/// together do not rewrite it over and over).
gops_status_t gops_study_dir_write_manifest(const gops_study_t *study, const char *root, gops_error_t *err);
/// Removes what killed runs left in <root>/runs: staging folders ("00042.partial-<pid>",
/// "00042.old-<pid>") and temporary files whose process no longer exists on this host.
/// Only for a study run from one machine (a cluster's other hosts have other pids).
uint32_t gops_study_dir_clean_stale(const char *root);

#endif
