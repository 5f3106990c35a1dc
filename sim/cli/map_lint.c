// SPDX-License-Identifier: MIT
// `gridops map lint MAP.geojson [--json] [--cell M]`: loads a map, runs the map lint and
// prints its findings as text or JSON. Exit 1 when the lint has errors (gaps, unreachable
// parts), 0 when clean, 2 on bad usage or input. The checks themselves live in world/map_lint.c.
#include "cli/cli.h"
#include "world/map.h"
#include "world/map_lint.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char lint_usage[] =
    "usage: gridops map lint MAP.geojson [--json] [--cell M]\n"
    "\n"
    "Checks a district map and prints its findings:\n"
    "  error    coverage gaps (an incident category with no responsible unit, per category,\n"
    "           with an example place), walkable areas cut off from the main one (holding an\n"
    "           entrance or transit point, or larger than 50 m2), entrances and transit points\n"
    "           with no walkable cell within 5 m or in a cut-off area, roads outside the main\n"
    "           strongly connected road network\n"
    "  warning  no boundary (or more than one), vendor points and posts off the walkable\n"
    "           network, junctions not at a road node\n"
    "  note     same-level zones that overlap (allowed: duties may overlap, gaps may not)\n"
    "\n"
    "options:\n"
    "  --json     print the report as JSON\n"
    "  --cell M   walkable raster cell size in metres (default 1; 0.5 to 1 for pedestrians)\n"
    "\n"
    "Exit codes: 0 no errors, 1 errors found, 2 bad usage or bad map, 3 internal error.\n";

static const char *feature_id(const gops_map_t *map, int32_t f)
{
    if (f < 0) return NULL;
    const gops_feature_t *feat = &map->features[f];
    return feat->id ? feat->id : feat->name;
}

static void print_location(const gops_lint_finding_t *f)
{
    if (!f->located) return;
    printf("\n    at (%.1f, %.1f) m = lon %.6f, lat %.6f", f->at.x, f->at.y, f->lon, f->lat);
}

static void print_text(const gops_map_t *map, const gops_map_lint_t *lint)
{
    printf("map lint: %s\n", map->path ? map->path : "(map)");
    printf("raster %g m, %d x %d cells; walkable %.0f m2 in %u component(s), the largest %.0f m2\n",
           lint->cell_m, lint->nx, lint->ny, lint->walkable_m2, lint->walkable_components,
           lint->largest_component_m2);
    printf("roads: %u nodes (%u at the map's edge), %u edges, %u turn connections, %u strongly "
           "connected component(s)\n",
           lint->road_nodes, lint->road_gateways, lint->road_edges, lint->road_turns, lint->road_components);
    printf("%u zone(s); %u entrances, transit points, vendor points and posts checked\n", lint->zones,
           lint->anchors);
    for (uint32_t i = 0; i < lint->count; i++) {
        const gops_lint_finding_t *f = &lint->findings[i];
        printf("%s: %s: %s", gops_lint_severity_name(f->severity), gops_lint_kind_name(f->kind), f->message);
        print_location(f);
        putchar('\n');
        if (f->kind != GOPS_LINT_GAP) continue;
        // The places behind a gap finding, one line per zone (the first few), when the
        // finding's own line does not already say it all.
        uint32_t shown = 0, total = 0;
        for (uint32_t g = 0; g < lint->gap_count; g++)
            total += (int32_t)lint->gaps[g].category == f->category;
        if (total < 2) continue;
        total = 0;
        for (uint32_t g = 0; g < lint->gap_count; g++) {
            const gops_coverage_gap_t *gap = &lint->gaps[g];
            if ((int32_t)gap->category != f->category) continue;
            total++;
            if (shown == 8) continue;
            shown++;
            double lon, lat;
            gops_unproject(map->origin_lon, map->origin_lat, gap->example.x, gap->example.y, &lon, &lat);
            const char *zid = feature_id(map, gap->zone);
            if (gap->zone >= 0)
                printf("    in zone '%s' (feature %u):", zid ? zid : "?", map->features[gap->zone].index);
            else
                printf("    outside every zone:");
            printf(" %u cells, %u road points, e.g. (%.1f, %.1f) m = lon %.6f, lat %.6f\n", gap->cells,
                   gap->road_points, gap->example.x, gap->example.y, lon, lat);
        }
        if (total > shown) printf("    ... and %u more place(s)\n", total - shown);
    }
    printf("%u error(s), %u warning(s), %u note(s): %s\n", lint->errors, lint->warnings, lint->notes,
           lint->errors ? "the map has defects" : "clean");
}

static void add_feature(cJSON *obj, const char *key, const gops_map_t *map, int32_t f)
{
    if (f < 0) {
        cJSON_AddNullToObject(obj, key);
        return;
    }
    cJSON *o = cJSON_AddObjectToObject(obj, key);
    cJSON_AddNumberToObject(o, "index", map->features[f].index);
    const char *id = feature_id(map, f);
    if (id) cJSON_AddStringToObject(o, "id", id);
    else cJSON_AddNullToObject(o, "id");
}

static void add_place(cJSON *obj, const gops_map_t *map, gops_point_t p)
{
    double lon, lat;
    gops_unproject(map->origin_lon, map->origin_lat, p.x, p.y, &lon, &lat);
    cJSON *at = cJSON_AddObjectToObject(obj, "at");
    cJSON_AddNumberToObject(at, "x_m", p.x);
    cJSON_AddNumberToObject(at, "y_m", p.y);
    cJSON_AddNumberToObject(at, "lon", lon);
    cJSON_AddNumberToObject(at, "lat", lat);
}

static int print_json(const gops_map_t *map, const gops_map_lint_t *lint)
{
    cJSON *root = cJSON_CreateObject();
    if (!root) return -1;
    cJSON_AddStringToObject(root, "map", map->path ? map->path : "");
    cJSON_AddBoolToObject(root, "passed", lint->errors == 0);
    cJSON_AddNumberToObject(root, "errors", lint->errors);
    cJSON_AddNumberToObject(root, "warnings", lint->warnings);
    cJSON_AddNumberToObject(root, "notes", lint->notes);
    cJSON *walk = cJSON_AddObjectToObject(root, "walkable");
    cJSON_AddNumberToObject(walk, "cell_m", lint->cell_m);
    cJSON_AddNumberToObject(walk, "nx", lint->nx);
    cJSON_AddNumberToObject(walk, "ny", lint->ny);
    cJSON_AddNumberToObject(walk, "area_m2", lint->walkable_m2);
    cJSON_AddNumberToObject(walk, "components", lint->walkable_components);
    cJSON_AddNumberToObject(walk, "largest_m2", lint->largest_component_m2);
    cJSON *roads = cJSON_AddObjectToObject(root, "roads");
    cJSON_AddNumberToObject(roads, "nodes", lint->road_nodes);
    cJSON_AddNumberToObject(roads, "edges", lint->road_edges);
    cJSON_AddNumberToObject(roads, "turns", lint->road_turns);
    cJSON_AddNumberToObject(roads, "components", lint->road_components);
    cJSON_AddNumberToObject(roads, "gateways", lint->road_gateways);
    cJSON_AddNumberToObject(root, "anchors", lint->anchors);
    cJSON_AddNumberToObject(root, "zones", lint->zones);
    cJSON *findings = cJSON_AddArrayToObject(root, "findings");
    for (uint32_t i = 0; i < lint->count; i++) {
        const gops_lint_finding_t *f = &lint->findings[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(findings, o);
        cJSON_AddStringToObject(o, "severity", gops_lint_severity_name(f->severity));
        cJSON_AddStringToObject(o, "kind", gops_lint_kind_name(f->kind));
        cJSON_AddStringToObject(o, "message", f->message);
        add_feature(o, "feature", map, f->feature);
        if (f->kind == GOPS_LINT_OVERLAP) add_feature(o, "other", map, f->other);
        if (f->category >= 0) {
            cJSON_AddStringToObject(o, "category", gops_category_name((gops_category_t)f->category));
            cJSON_AddNumberToObject(o, "road_points", f->road_points);
        }
        if (f->cells) cJSON_AddNumberToObject(o, "cells", f->cells);
        if (f->area_m2 > 0) cJSON_AddNumberToObject(o, "area_m2", f->area_m2);
        if (f->located) add_place(o, map, f->at);
    }
    cJSON *gaps = cJSON_AddArrayToObject(root, "gaps");
    for (uint32_t g = 0; g < lint->gap_count; g++) {
        const gops_coverage_gap_t *gap = &lint->gaps[g];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(gaps, o);
        cJSON_AddStringToObject(o, "category", gops_category_name(gap->category));
        add_feature(o, "zone", map, gap->zone);
        cJSON_AddNumberToObject(o, "cells", gap->cells);
        cJSON_AddNumberToObject(o, "road_points", gap->road_points);
        add_place(o, map, gap->example);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) return -1;
    puts(text);
    cJSON_free(text);
    return 0;
}

int gops_cmd_map_lint(int argc, char **argv)
{
    const char *path = NULL;
    bool json = false;
    gops_map_lint_def_t def = gops_map_lint_def_default();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (gops_cli_is_help(a)) {
            fputs(lint_usage, stdout);
            return 0;
        }
        if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--cell") == 0) {
            if (i + 1 >= argc) return gops_cli_usage_error("map lint", "--cell needs a size in metres");
            char *end;
            errno = 0;
            double v = strtod(argv[++i], &end);
            if (errno || end == argv[i] || *end || !(v >= 0.1 && v <= 10))
                return gops_cli_usage_error("map lint", "--cell '%s': expected a size in metres from 0.1 to 10",
                                            argv[i]);
            def.walkable.cell_m = v;
        } else if (a[0] == '-' && a[1] != '\0') {
            return gops_cli_usage_error("map lint", "unknown option '%s' (expected --json or --cell M)", a);
        } else if (path) {
            return gops_cli_usage_error("map lint", "one map at a time ('%s' and '%s' given)", path, a);
        } else {
            path = a;
        }
    }
    if (!path) return gops_cli_usage_error("map lint", "missing MAP.geojson");

    gops_error_t err;
    gops_error_clear(&err);
    gops_map_t *map = gops_map_load(path, &err);
    if (!map) return gops_cli_fail("map lint", &err);
    gops_map_lint_t *lint = gops_map_lint_run(map, &def, &err);
    if (!lint) {
        int code = gops_cli_fail("map lint", &err);
        gops_map_destroy(map);
        return code;
    }
    int code = gops_map_lint_exit_code(lint);
    if (json) {
        if (print_json(map, lint) != 0) {
            gops_error_set(&err, GOPS_NOMEM, "out of memory while writing the JSON report");
            code = gops_cli_fail("map lint", &err);
        }
    } else {
        print_text(map, lint);
    }
    fflush(stdout);
    gops_map_lint_destroy(lint);
    gops_map_destroy(map);
    return code;
}
