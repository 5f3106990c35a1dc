// SPDX-License-Identifier: MIT
// Parsing of the run options shared by `run` and `view`: --out, --seed, --threads, --until,
// --duration, --set, --snapshot-every, --trajectories (-every, -area), --checkpoint-every,
// --checkpoint-dir, --resume, --quiet. Every bad
// flag or value is exit 2 naming the flag. Also connects the renderer's pictures when SDL2
// is compiled in.
#ifndef GOPS_CLI_RUN_OPTIONS_H
#define GOPS_CLI_RUN_OPTIONS_H

#include "scenario/session.h"

#include <stdbool.h>

typedef struct gops_cli_run {
    gops_run_options_t run;
    const char *sets[64];
    bool quiet;
    void *pictures; ///< the renderer's state behind run.pictures (created on first picture)
} gops_cli_run_t;

/// Parses argv (argv[0] is the command name). Exactly one positional SCENARIO.lua.
/// Returns 0 on success, or the exit code to return (2 with a message already printed).
int gops_cli_parse_run(const char *command, int argc, char **argv, gops_cli_run_t *out);

#endif
