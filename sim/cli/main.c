// SPDX-License-Identifier: MIT
// The `gridops` program: dispatches to subcommands. Owns nothing else.
#include "cli/cli.h"

#include "core/version.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: gridops COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.lua     run a scenario headless and write its outputs\n"
    "  view SCENARIO.lua    the same run in a live window (map, crowd, dashboard)\n"
    "  check [PATH...]      run scenarios, evaluate their expectations, print a table\n"
    "  sweep STUDY.lua      a study: factors x replications, with confidence intervals\n"
    "  map info|lint|render inspect, check or draw a district map (GeoJSON)\n"
    "  bench [NAME]         benchmarks, CSV to stdout\n"
    "  version              print the version\n"
    "\n"
    "Run 'gridops COMMAND --help' for a command's options.\n"
    "Exit codes: 0 ok, 1 an expectation failed (or lint findings), 2 bad usage or input,\n"
    "3 internal error.\n"
    "\n"
    "Environment: GRIDOPS_CACHE_DIR  folder of the crowd's field cache (default\n"
    "$XDG_CACHE_HOME/gridops or ~/.cache/gridops; \"off\": compute the fields every run).\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (gops_cli_is_help(cmd) || strcmp(cmd, "help") == 0) {
        printf("gridops %s - city-operations rehearsal simulator\n\n", gops_version);
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("gridops %s\n", gops_version);
        return 0;
    }
    if (strcmp(cmd, "run") == 0) return gops_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "view") == 0) return gops_cmd_view(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0) return gops_cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "map") == 0) return gops_cmd_map(argc - 1, argv + 1);
    if (strcmp(cmd, "bench") == 0) return gops_cmd_bench(argc - 1, argv + 1);
    if (strcmp(cmd, "sweep") == 0) return gops_cmd_sweep(argc - 1, argv + 1);
    fprintf(stderr, "gridops: unknown command '%s' (expected run, view, check, sweep, map, bench or version)\n", cmd);
    return 2;
}
