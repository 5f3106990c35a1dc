// SPDX-License-Identifier: MIT
// `gridops map lint` (placeholder until the map lint command lands).
#include "cli/cli.h"

#include <stdio.h>

int gops_cmd_map_lint(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("gridops map lint: not available in this build\n", stderr);
    return 3;
}
