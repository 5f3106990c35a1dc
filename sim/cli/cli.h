// SPDX-License-Identifier: MIT
// The `gridops` subcommands. Each takes the arguments after its name (argv[0] is the
// subcommand name) and returns the process exit code (0 ok, 1 expectation failed / lint
// findings, 2 bad usage or input, 3 internal error). Errors go to stderr as
// "gridops <command>: <message>"; results go to stdout.
#ifndef GOPS_CLI_H
#define GOPS_CLI_H

#include "gridops/status.h"

int gops_cmd_run(int argc, char **argv);
int gops_cmd_view(int argc, char **argv);
int gops_cmd_check(int argc, char **argv);
int gops_cmd_bench(int argc, char **argv);
int gops_cmd_sweep(int argc, char **argv);
int gops_cmd_map(int argc, char **argv);
int gops_cmd_map_info(int argc, char **argv);
int gops_cmd_map_lint(int argc, char **argv);
int gops_cmd_map_render(int argc, char **argv);

/// Prints "gridops <command>: <message>" to stderr and returns the status's exit code.
int gops_cli_fail(const char *command, const gops_error_t *err);
/// Prints a usage error naming the command and returns 2.
int gops_cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/// True when arg is "-h" or "--help".
int gops_cli_is_help(const char *arg);

#endif
