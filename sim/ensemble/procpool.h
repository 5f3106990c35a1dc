// SPDX-License-Identifier: MIT
// Local worker processes: runs a list of items, each in its own child process, at most
// `jobs` at a time. A child that crashes or is killed takes only its own item with it; the
// pool reports how it ended and starts the next. Knows nothing of studies: the caller builds
// each child's command line and interprets its end.
#ifndef GOPS_ENSEMBLE_PROCPOOL_H
#define GOPS_ENSEMBLE_PROCPOOL_H

#include "gridops/status.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// Fills argv (at most max - 1 entries, then NULL) for an item's child. The strings must stay
/// valid until the next call. Returns false to skip the item (reported as not started).
typedef bool gops_procpool_argv_fn(uint32_t item, const char **argv, size_t max, void *user);
/// Called in the parent when an item's child has ended; wait_status as from waitpid, or -1
/// when it could not be started (errno_value tells why).
typedef void gops_procpool_done_fn(uint32_t item, int wait_status, int errno_value, void *user);

/// Runs every item through `program` (an executable path), `jobs` children at a time, and
/// returns when all have ended. GOPS_INTERNAL only when waiting for children fails.
gops_status_t gops_procpool_run(const char *program, int jobs, const uint32_t *items, uint32_t count,
                                gops_procpool_argv_fn *make_argv, gops_procpool_done_fn *done, void *user,
                                gops_error_t *err);

/// The same, stoppable: once *stop is non-zero (a signal number, set by a handler) no further
/// item starts (make_argv is not called for it) and each running child is sent that signal
/// once; the call returns when they have ended. A handler installed without SA_RESTART lets
/// the wait notice at once.
gops_status_t gops_procpool_run_stoppable(const char *program, int jobs, const uint32_t *items, uint32_t count,
                                          gops_procpool_argv_fn *make_argv, gops_procpool_done_fn *done,
                                          void *user, const volatile sig_atomic_t *stop, gops_error_t *err);

/// "exited with code 2", "killed by signal 9 (Killed)", "could not start: ..." for messages.
void gops_procpool_describe(int wait_status, int errno_value, char *buf, size_t size);

/// Online processors (at least 1).
int gops_procpool_cores(void);

#endif
