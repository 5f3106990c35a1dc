// SPDX-License-Identifier: MIT
// Shared error and usage printing for the subcommands.
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int gops_cli_fail(const char *command, const gops_error_t *err)
{
    fprintf(stderr, "gridops %s: %s\n", command,
            err->message[0] ? err->message : gops_status_text(err->status));
    return gops_status_exit_code(err->status);
}

int gops_cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "gridops %s: ", command);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see 'gridops %s --help')\n", command);
    va_end(ap);
    return 2;
}

int gops_cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}
