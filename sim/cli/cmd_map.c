// SPDX-License-Identifier: MIT
// `gridops map info|lint|render MAP.geojson`: dispatches to the map subcommands.
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const char map_usage[] =
    "usage: gridops map info MAP.geojson [--json]\n"
    "       gridops map lint MAP.geojson [--json] [--cell M]\n"
    "       gridops map render MAP.geojson -o OUT.png [--layer NAME]... [--width PX]\n"
    "\n"
    "  info    area, road lengths, walkable area and counts by kind and zone level\n"
    "  lint    responsibility gaps, overlaps, disconnected or unreachable parts (exit 1 on findings)\n"
    "  render  a labelled PNG of the map\n"
    "Run 'gridops map SUBCOMMAND --help' for each one's options.\n";

int gops_cmd_map(int argc, char **argv)
{
    if (argc < 2 || gops_cli_is_help(argv[1])) {
        fputs(map_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "info") == 0) return gops_cmd_map_info(argc - 1, argv + 1);
    if (strcmp(argv[1], "lint") == 0) return gops_cmd_map_lint(argc - 1, argv + 1);
    if (strcmp(argv[1], "render") == 0) return gops_cmd_map_render(argc - 1, argv + 1);
    return gops_cli_usage_error("map", "unknown subcommand '%s' (expected info, lint or render)", argv[1]);
}
