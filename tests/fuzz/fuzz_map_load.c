// SPDX-License-Identifier: MIT
// libFuzzer target: the GeoJSON map loader from memory (gops_map_load_string) and, when a
// map loads, the lint pass over it (walkable raster, road graph, zone index). Any crash, sanitizer report or leak is a finding; a
// refused input must come back with a status that is a bad-input code and a message.
#include "world/map.h"
#include "world/map_lint.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // The loader takes a length; a copy without a terminator makes ASan catch any read
    // past it.
    char *text = malloc(size ? size : 1);
    if (!text) return 0;
    if (size) memcpy(text, data, size);
    gops_error_t err = {0};
    gops_map_t *map = gops_map_load_string(text, size, "fuzz.geojson", &err);
    if (!map) {
        if ((gops_status_exit_code(err.status) != 2 && err.status != GOPS_NOMEM) || !err.message[0]) {
            fprintf(stderr, "refused with status %d (exit %d) and message \"%s\"\n", (int)err.status,
                    gops_status_exit_code(err.status), err.message);
            abort();
        }
    } else {
        // What `gridops map lint` and a run build from a map: walkable raster, road graph,
        // zone index.
        gops_map_lint_def_t def = gops_map_lint_def_default();
        gops_map_lint_t *lint = gops_map_lint_run(map, &def, &err);
        gops_map_lint_destroy(lint);
        gops_map_destroy(map);
    }
    free(text);
    return 0;
}
