// SPDX-License-Identifier: MIT
// `gridops map render` (placeholder until the map render command lands).
#include "cli/cli.h"

#include <stdio.h>

int gops_cmd_map_render(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("gridops map render: not available in this build\n", stderr);
    return 3;
}
