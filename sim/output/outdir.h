// SPDX-License-Identifier: MIT
// Output folders that are replaced as a whole: files are written into a staging folder
// beside the target and swapped in by rename at the end, so a folder never mixes files of
// two runs and a killed run never leaves a half-written file in it. Also removes the
// folders being staged from a signal handler (second Ctrl-C). Does not format any file.
#ifndef GOPS_OUTPUT_OUTDIR_H
#define GOPS_OUTPUT_OUTDIR_H

#include "gridops/status.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct gops_outdir {
    char final[1024];   ///< the folder users asked for
    char staging[1100]; ///< "<final>.partial-<pid>", same parent so rename is atomic
} gops_outdir_t;

/// Creates the parent folders and the staging folder. Fails early (before a long run) when
/// the location is not writable: the message names the folder (GOPS_IO, exit 2). Leftover
/// staging folders of earlier runs that were killed (their process is gone) are removed.
gops_status_t gops_outdir_begin(gops_outdir_t *out, const char *dir, gops_error_t *err);
/// Path of `name` inside the staging folder, in buf.
const char *gops_outdir_file(const gops_outdir_t *out, const char *name, char *buf, size_t size);
/// Replaces the final folder by the staging folder.
gops_status_t gops_outdir_commit(gops_outdir_t *out, gops_error_t *err);
/// Removes the staging folder and everything in it.
void gops_outdir_abort(gops_outdir_t *out);

/// Removes every folder being staged by this process (begun, neither committed nor aborted)
/// using only async-signal-safe calls, for a handler about to end the process. Returns false
/// when a commit is under way: that commit then finishes and raises `sig` itself, so the
/// final folder is either the old or the new one, whole.
bool gops_outdir_abort_all_from_signal(int sig);

/// Writes data to path through "<path>.tmp" + fsync + rename: never a half file. Every
/// write, fsync, close and rename is checked (a full disk is an error naming the file).
gops_status_t gops_file_write_atomic(const char *path, const void *data, size_t size, gops_error_t *err);
/// mkdir -p.
gops_status_t gops_mkdirs(const char *path, gops_error_t *err);
/// rm -r (files and folders below path, then path); ignores a missing path.
void gops_remove_tree(const char *path);

#endif
