// SPDX-License-Identifier: MIT
// `gridops map info MAP.geojson [--json]`: loads a map and prints its size and contents —
// boundary area, road length by class, the walkable area, counts by kind,
// category, mode, type and zone level — as text or one JSON object. Reads the loaded map
// only; the walkable area comes from the walkable raster.
#include "cli/cli.h"
#include "world/geometry.h"
#include "world/map.h"
#include "world/walkable.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char info_usage[] =
    "usage: gridops map info MAP.geojson [--json]\n"
    "\n"
    "Loads and validates a GeoJSON map, then prints: the area of its boundary (km²), road\n"
    "length by class (km), the walkable area (m², from the 1 m walkable raster), and counts of buildings by\n"
    "category (malls are the commercial complexes), entrances, transit points by mode, vendor\n"
    "points and stalls, posts, cameras by type, public-address sets, and zones by level.\n"
    "\n"
    "  --json      print one JSON object instead of text\n"
    "  -h, --help  show this help\n"
    "\n"
    "Exit status: 0 ok, 2 bad usage or a map that does not load (the message names the\n"
    "feature and what was expected).\n";

/// How walkable_m2 is measured, printed beside it.
static const char walkable_method[] =
    "walkable raster at 1 m: walkway, plaza and pedestrian-street polygons, sidewalk bands and "
    "crossings, minus buildings";

typedef struct map_stats {
    bool has_boundary;
    double boundary_m2;
    double road_m[GOPS_ROAD_CLASS_COUNT];
    double road_total_m;
    double walk_polygons_m2, sidewalks_m2; ///< parts before overlaps are removed
    double walkable_m2;                    ///< the walkable raster's area
    uint32_t kinds[GOPS_FEAT_KIND_COUNT];
    uint32_t buildings[GOPS_BUILDING_CATEGORY_COUNT];
    uint32_t transit[GOPS_TRANSIT_MODE_COUNT];
    double garage_spaces;
    long stalls;
    long post_staff;
    uint32_t cameras[GOPS_CAMERA_TYPE_COUNT];
    uint32_t zones[GOPS_ZONE_LEVEL_COUNT];
} map_stats_t;

static void collect(const gops_map_t *map, map_stats_t *s)
{
    memset(s, 0, sizeof *s);
    for (uint32_t i = 0; i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        s->kinds[f->kind]++;
        switch (f->kind) {
        case GOPS_FEAT_BOUNDARY:
            s->has_boundary = true;
            s->boundary_m2 = gops_polygon_area(&f->shape);
            break;
        case GOPS_FEAT_ROAD: {
            double len = gops_polyline_length(&f->u.road.line);
            s->road_m[f->u.road.road_class] += len;
            s->road_total_m += len;
            s->sidewalks_m2 += len * (f->u.road.sidewalk_left_m + f->u.road.sidewalk_right_m);
            break;
        }
        case GOPS_FEAT_WALKWAY:
        case GOPS_FEAT_PLAZA:
        case GOPS_FEAT_PEDESTRIAN_STREET: s->walk_polygons_m2 += gops_polygon_area(&f->shape); break;
        case GOPS_FEAT_BUILDING: s->buildings[f->u.building.category]++; break;
        case GOPS_FEAT_TRANSIT:
            s->transit[f->u.transit.mode]++;
            if (f->u.transit.mode == GOPS_TRANSIT_GARAGE) s->garage_spaces += f->u.transit.capacity;
            break;
        case GOPS_FEAT_VENDOR_POINT: s->stalls += f->u.vendor_point.stalls; break;
        case GOPS_FEAT_POST: s->post_staff += f->u.post.staff; break;
        case GOPS_FEAT_CAMERA: s->cameras[f->u.camera.type]++; break;
        case GOPS_FEAT_ZONE: s->zones[f->u.zone.level]++; break;
        default: break;
        }
    }
}

/// Rounds to `digits` decimals so the JSON shows 0.711, not 0.71099999999999997.
static double round_to(double v, int digits)
{
    double k = pow(10.0, digits);
    return round(v * k) / k;
}

static void print_text(const gops_map_t *map, const map_stats_t *s)
{
    printf("map: %s\n", map->path);
    printf("origin: %.6f N, %.6f E; extent %.1f m east-west x %.1f m north-south\n", map->origin_lat,
           map->origin_lon, map->max_x - map->min_x, map->max_y - map->min_y);
    if (s->has_boundary)
        printf("boundary area: %.3f km²\n", s->boundary_m2 / 1e6);
    else
        printf("boundary area: none (the map has no boundary feature)\n");
    printf("roads: %.3f km (", s->road_total_m / 1000.0);
    for (int c = 0; c < GOPS_ROAD_CLASS_COUNT; c++)
        printf("%s%s %.3f", c ? ", " : "", gops_road_class_name((gops_road_class_t)c), s->road_m[c] / 1000.0);
    printf(")\n");
    printf("walkable area: %.0f m² (%s; before overlaps: polygons %.0f m², sidewalks %.0f m²)\n",
           s->walkable_m2, walkable_method, s->walk_polygons_m2, s->sidewalks_m2);
    printf("buildings: %u (commercial complexes (malls) %u", s->kinds[GOPS_FEAT_BUILDING],
           s->buildings[GOPS_BUILDING_MALL]);
    for (int c = GOPS_BUILDING_MALL + 1; c < GOPS_BUILDING_CATEGORY_COUNT; c++)
        printf(", %s %u", gops_building_category_name((gops_building_category_t)c), s->buildings[c]);
    printf(")\n");
    printf("entrances: %u\n", s->kinds[GOPS_FEAT_ENTRANCE]);
    printf("transit points: %u (", s->kinds[GOPS_FEAT_TRANSIT]);
    for (int m = 0; m < GOPS_TRANSIT_MODE_COUNT; m++)
        printf("%s%s %u", m ? ", " : "", gops_transit_mode_name((gops_transit_mode_t)m), s->transit[m]);
    printf("; %.0f garage spaces)\n", s->garage_spaces);
    printf("vendor points: %u with %ld stalls\n", s->kinds[GOPS_FEAT_VENDOR_POINT], s->stalls);
    printf("posts: %u (%ld staff)\n", s->kinds[GOPS_FEAT_POST], s->post_staff);
    printf("cameras: %u (", s->kinds[GOPS_FEAT_CAMERA]);
    for (int t = 0; t < GOPS_CAMERA_TYPE_COUNT; t++)
        printf("%s%s %u", t ? ", " : "", gops_camera_type_name((gops_camera_type_t)t), s->cameras[t]);
    printf(")\n");
    printf("public-address sets: %u\n", s->kinds[GOPS_FEAT_PA_SPEAKER]);
    printf("zones: %u (", s->kinds[GOPS_FEAT_ZONE]);
    for (int l = 0; l < GOPS_ZONE_LEVEL_COUNT; l++)
        printf("%s%s %u", l ? ", " : "", gops_zone_level_name((gops_zone_level_t)l), s->zones[l]);
    printf(")\n");
    printf("other: %u junctions, %u walkways, %u plazas, %u pedestrian streets, %u landmarks\n",
           s->kinds[GOPS_FEAT_JUNCTION], s->kinds[GOPS_FEAT_WALKWAY], s->kinds[GOPS_FEAT_PLAZA],
           s->kinds[GOPS_FEAT_PEDESTRIAN_STREET], s->kinds[GOPS_FEAT_LANDMARK]);
    printf("features: %u; warnings while loading: %u; OpenStreetMap features skipped: %u\n",
           map->feature_count, map->warning_count, map->skipped_count);
}

/// Builds the JSON object; NULL when out of memory.
static cJSON *build_json(const gops_map_t *map, const map_stats_t *s)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    bool ok = true;
#define NUM(obj, key, v) ok = ok && cJSON_AddNumberToObject((obj), (key), (v)) != NULL
    ok = ok && cJSON_AddStringToObject(o, "map", map->path) != NULL;
    NUM(o, "origin_lon", round_to(map->origin_lon, 7));
    NUM(o, "origin_lat", round_to(map->origin_lat, 7));
    NUM(o, "extent_x_m", round_to(map->max_x - map->min_x, 1));
    NUM(o, "extent_y_m", round_to(map->max_y - map->min_y, 1));
    if (s->has_boundary)
        NUM(o, "area_km2", round_to(s->boundary_m2 / 1e6, 3));
    else
        ok = ok && cJSON_AddNullToObject(o, "area_km2") != NULL;
    NUM(o, "road_km", round_to(s->road_total_m / 1000.0, 3));
    cJSON *by_class = cJSON_AddObjectToObject(o, "road_km_by_class");
    ok = ok && by_class;
    for (int c = 0; ok && c < GOPS_ROAD_CLASS_COUNT; c++)
        NUM(by_class, gops_road_class_name((gops_road_class_t)c), round_to(s->road_m[c] / 1000.0, 3));
    NUM(o, "walkable_m2", round(s->walkable_m2));
    NUM(o, "walkable_polygons_m2", round(s->walk_polygons_m2));
    NUM(o, "walkable_sidewalks_m2", round(s->sidewalks_m2));
    ok = ok && cJSON_AddStringToObject(o, "walkable_method", walkable_method) != NULL;
    NUM(o, "features", map->feature_count);
    cJSON *kinds = cJSON_AddObjectToObject(o, "counts_by_kind");
    ok = ok && kinds;
    for (int k = 0; ok && k < GOPS_FEAT_KIND_COUNT; k++)
        NUM(kinds, gops_feature_kind_name((gops_feature_kind_t)k), s->kinds[k]);
    NUM(o, "buildings", s->kinds[GOPS_FEAT_BUILDING]);
    NUM(o, "commercial_complexes", s->buildings[GOPS_BUILDING_MALL]);
    cJSON *cats = cJSON_AddObjectToObject(o, "buildings_by_category");
    ok = ok && cats;
    for (int c = 0; ok && c < GOPS_BUILDING_CATEGORY_COUNT; c++)
        NUM(cats, gops_building_category_name((gops_building_category_t)c), s->buildings[c]);
    NUM(o, "entrances", s->kinds[GOPS_FEAT_ENTRANCE]);
    NUM(o, "transit_points", s->kinds[GOPS_FEAT_TRANSIT]);
    cJSON *modes = cJSON_AddObjectToObject(o, "transit_by_mode");
    ok = ok && modes;
    for (int m = 0; ok && m < GOPS_TRANSIT_MODE_COUNT; m++)
        NUM(modes, gops_transit_mode_name((gops_transit_mode_t)m), s->transit[m]);
    NUM(o, "garage_spaces", s->garage_spaces);
    NUM(o, "vendor_points", s->kinds[GOPS_FEAT_VENDOR_POINT]);
    NUM(o, "stalls", (double)s->stalls);
    NUM(o, "posts", s->kinds[GOPS_FEAT_POST]);
    NUM(o, "post_staff", (double)s->post_staff);
    NUM(o, "cameras", s->kinds[GOPS_FEAT_CAMERA]);
    cJSON *cams = cJSON_AddObjectToObject(o, "cameras_by_type");
    ok = ok && cams;
    for (int t = 0; ok && t < GOPS_CAMERA_TYPE_COUNT; t++)
        NUM(cams, gops_camera_type_name((gops_camera_type_t)t), s->cameras[t]);
    NUM(o, "pa_speakers", s->kinds[GOPS_FEAT_PA_SPEAKER]);
    NUM(o, "zones", s->kinds[GOPS_FEAT_ZONE]);
    NUM(o, "districts", s->zones[GOPS_ZONE_DISTRICT]);
    NUM(o, "subdistricts", s->zones[GOPS_ZONE_SUBDISTRICT]);
    NUM(o, "grid_cells", s->zones[GOPS_ZONE_GRID]);
    NUM(o, "special_zones", s->zones[GOPS_ZONE_SPECIAL]);
    NUM(o, "warnings", map->warning_count);
    NUM(o, "osm_features_skipped", map->skipped_count);
#undef NUM
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int gops_cmd_map_info(int argc, char **argv)
{
    const char *cmd = "map info";
    const char *path = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (gops_cli_is_help(a)) {
            fputs(info_usage, stdout);
            return 0;
        }
        if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            return gops_cli_usage_error(cmd, "unknown option '%s' (expected --json or --help)", a);
        } else if (path) {
            return gops_cli_usage_error(cmd, "unexpected argument '%s': give one map file", a);
        } else {
            path = a;
        }
    }
    if (!path) return gops_cli_usage_error(cmd, "missing the map file (usage: gridops map info MAP.geojson [--json])");

    gops_error_t err;
    gops_map_t *map = gops_map_load(path, &err);
    if (!map) return gops_cli_fail(cmd, &err);
    map_stats_t s;
    collect(map, &s);
    gops_walkable_def_t wdef = gops_walkable_def_default();
    gops_walkable_t *walk = gops_walkable_build(map, &wdef, &err);
    if (!walk) {
        gops_map_destroy(map);
        return gops_cli_fail(cmd, &err);
    }
    s.walkable_m2 = gops_walkable_area_m2(walk);
    gops_walkable_destroy(walk);
    int rc = 0;
    if (json) {
        cJSON *o = build_json(map, &s);
        char *text = o ? cJSON_Print(o) : NULL;
        if (text) {
            fputs(text, stdout);
            fputc('\n', stdout);
        } else {
            gops_error_set(&err, GOPS_NOMEM, "out of memory writing the JSON summary");
            rc = gops_cli_fail(cmd, &err);
        }
        cJSON_free(text);
        cJSON_Delete(o);
    } else {
        print_text(map, &s);
    }
    gops_map_destroy(map);
    if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
        gops_error_set(&err, GOPS_IO, "cannot write the output");
        rc = gops_cli_fail(cmd, &err);
    }
    return rc;
}
