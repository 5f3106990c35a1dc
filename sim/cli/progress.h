// SPDX-License-Identifier: MIT
// The terminal progress bar for long runs: sim clock, real-time factor, ETA. Drawn only on
// a terminal (stderr is a tty) and never with --quiet.
#ifndef GOPS_CLI_PROGRESS_H
#define GOPS_CLI_PROGRESS_H

#include "scenario/session.h"

#include <stdbool.h>

/// True when a bar should be drawn (stderr is a terminal and not quiet).
bool gops_progress_wanted(bool quiet);
/// A gops_progress_fn drawing the bar on stderr.
void gops_progress_draw(double sim_elapsed_s, double sim_total_s, double wall_s, gops_local_time_t now, void *user);
/// Ends the bar's line.
void gops_progress_finish(void);

#endif
