// SPDX-License-Identifier: MIT
// SIGINT and SIGTERM for the long commands (run, check, sweep). The first signal only asks
// to stop: a run ends after its current tick and writes its outputs marked partial, check
// stops after the current scenario, sweep starts no new run. A second signal ends the
// process at once, after removing any output folder still being staged. The commands decide
// what to write; this file only catches, records and answers the exit code.
#ifndef GOPS_CLI_SIGNALS_H
#define GOPS_CLI_SIGNALS_H

#include "gridops/gridops.h"

#include <signal.h>
#include <stdbool.h>

/// Installs the handlers for SIGINT and SIGTERM. `restart`: interrupted system calls resume
/// (run, check); false lets a blocking wait return EINTR so a waiting loop can react (the
/// sweep's parent waiting for its workers).
void gops_signals_install(bool restart);
/// The first signal caught (SIGINT, SIGTERM) or 0.
int gops_signals_caught(void);
/// The flag the handlers set to the first signal's number, for loops outside the CLI.
const volatile sig_atomic_t *gops_signals_flag(void);
/// A gops_tick_fn: true (go on) until a signal arrived.
bool gops_signals_keep_going(const gops_world_t *world, void *user);
/// Exit code of a command stopped by signal `sig`: 128 + sig (130 SIGINT, 143 SIGTERM).
int gops_signals_exit_code(int sig);
/// Prints "gridops <command>: stopped by SIGINT; <what>" to stderr.
void gops_signals_report(const char *command, const char *what);

#endif
