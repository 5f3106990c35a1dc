// SPDX-License-Identifier: MIT
// `gridops map render MAP.geojson -o OUT.png [--layer NAME]... [--width PX]`: parses the
// options, loads the map and writes a labelled PNG through render/map_draw. Drawing itself
// lives in render/; builds without the renderer say so and exit 2.
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef GOPS_HAVE_RENDER
#include "render/canvas.h"
#include "render/map_draw.h"
#include "world/map.h"
#endif

static const char render_usage[] =
    "usage: gridops map render MAP.geojson -o OUT.png [--layer NAME]... [--width PX]\n"
    "\n"
    "Draws the map as a PNG: roads to scale with sidewalks and lane markings, buildings by\n"
    "category, transit, vendor points, cameras, the landmark, a title, legend, north arrow\n"
    "and scale bar.\n"
    "\n"
    "  -o, --output OUT.png  the picture to write (replaced whole, never left half-written)\n"
    "  --layer NAME          add a layer to the default set (base, labels); 'no-NAME' removes\n"
    "                        one. Layers: base, zones, cameras, pa, posts, labels\n"
    "  --width PX            picture width, 200..16384 (2000); the height follows the map\n"
    "  -h, --help            this text\n"
    "\n"
    "Text needs a font with Chinese glyphs: $GOPS_FONT, a font file in assets/fonts/, or the\n"
    "Debian package fonts-wqy-microhei.\n";

#define CMD "map render"

int gops_cmd_map_render(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (gops_cli_is_help(argv[i])) {
            fputs(render_usage, stdout);
            return 0;
        }
#ifndef GOPS_HAVE_RENDER
    fputs("gridops map render: this build has no renderer (SDL2 off)\n", stderr);
    return 2;
#else
    const char *map_path = NULL, *out_path = NULL;
    gops_map_draw_def_t def = gops_map_draw_def_default();
    long width = 2000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (i + 1 >= argc) return gops_cli_usage_error(CMD, "%s needs a file name (OUT.png)", a);
            out_path = argv[++i];
        } else if (strcmp(a, "--layer") == 0) {
            if (i + 1 >= argc) return gops_cli_usage_error(CMD, "--layer needs a name (%s)", gops_map_layer_names());
            const char *name = argv[++i];
            bool remove = strncmp(name, "no-", 3) == 0;
            uint32_t bit = gops_map_layer_from_name(remove ? name + 3 : name);
            if (!bit)
                return gops_cli_usage_error(CMD, "--layer '%s': unknown layer (expected one of %s, or no-NAME)", name,
                                            gops_map_layer_names());
            def.layers = remove ? (def.layers & ~bit) : (def.layers | bit);
        } else if (strcmp(a, "--width") == 0) {
            if (i + 1 >= argc) return gops_cli_usage_error(CMD, "--width needs a number of pixels");
            const char *v = argv[++i];
            char *end = NULL;
            width = strtol(v, &end, 10);
            if (!*v || *end || width < 200 || width > 16384)
                return gops_cli_usage_error(CMD, "--width '%s': expected a whole number of pixels from 200 to 16384",
                                            v);
        } else if (a[0] == '-' && a[1] != '\0') {
            return gops_cli_usage_error(CMD, "unknown option '%s'", a);
        } else if (!map_path) {
            map_path = a;
        } else {
            return gops_cli_usage_error(CMD, "unexpected argument '%s' (one map file expected)", a);
        }
    }
    if (!map_path) return gops_cli_usage_error(CMD, "missing MAP.geojson");
    if (!out_path) return gops_cli_usage_error(CMD, "missing -o OUT.png");

    gops_error_t err;
    gops_error_clear(&err);
    int code = 0;
    gops_canvas_t *canvas = NULL;
    gops_map_t *map = gops_map_load(map_path, &err);
    if (!map) {
        code = gops_cli_fail(CMD, &err);
        goto cleanup;
    }
    int height = gops_map_draw_height(map, &def, (int)width);
    canvas = gops_canvas_create((int)width, height, &err);
    if (!canvas) {
        code = gops_cli_fail(CMD, &err);
        goto cleanup;
    }
    gops_view_t view = gops_map_draw_fit(map, &def, (int)width, height);
    gops_map_draw(canvas, &view, map, &def);
    if (gops_canvas_save_png(canvas, out_path, &err) != GOPS_OK) {
        code = gops_cli_fail(CMD, &err);
        goto cleanup;
    }
    printf("%s: %dx%d px, %.2f m per px\n", out_path, (int)width, height, 1.0 / view.scale);
cleanup:
    gops_canvas_destroy(canvas);
    gops_map_destroy(map);
    return code;
#endif
}
