// SPDX-License-Identifier: MIT
// `gridops map info` (placeholder until the map info command lands).
#include "cli/cli.h"

#include <stdio.h>

int gops_cmd_map_info(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("gridops map info: not available in this build\n", stderr);
    return 3;
}
