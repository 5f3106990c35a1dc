// SPDX-License-Identifier: MIT
// The names of the map enums as written in GeoJSON, in both directions: feature kinds,
// incident categories, unit types, road classes, junction controls, building categories,
// transit modes, zone levels, camera types. One table per enum, indexed by value; the
// loader, `gridops map info` and FORMAT.md use the same spelling. No parsing here.
#include "world/map.h"

#include <string.h>

static const char *const category_names[GOPS_CAT_COUNT] = {
#define GOPS_CAT_TEXT(name, text) text,
    GOPS_INCIDENT_CATEGORY_LIST(GOPS_CAT_TEXT)
#undef GOPS_CAT_TEXT
};

static const char *const unit_names[GOPS_UNIT_COUNT] = {
#define GOPS_UNIT_TEXT(name, text) text,
    GOPS_UNIT_TYPE_LIST(GOPS_UNIT_TEXT)
#undef GOPS_UNIT_TEXT
};

static const char *const kind_names[GOPS_FEAT_KIND_COUNT] = {
    [GOPS_FEAT_BOUNDARY] = "boundary",
    [GOPS_FEAT_ROAD] = "road",
    [GOPS_FEAT_JUNCTION] = "junction",
    [GOPS_FEAT_WALKWAY] = "walkway",
    [GOPS_FEAT_PLAZA] = "plaza",
    [GOPS_FEAT_PEDESTRIAN_STREET] = "pedestrian_street",
    [GOPS_FEAT_BUILDING] = "building",
    [GOPS_FEAT_ENTRANCE] = "entrance",
    [GOPS_FEAT_TRANSIT] = "transit",
    [GOPS_FEAT_ZONE] = "zone",
    [GOPS_FEAT_VENDOR_POINT] = "vendor_point",
    [GOPS_FEAT_POST] = "post",
    [GOPS_FEAT_CAMERA] = "camera",
    [GOPS_FEAT_PA_SPEAKER] = "pa_speaker",
    [GOPS_FEAT_LANDMARK] = "landmark",
};

static const char *const road_class_names[GOPS_ROAD_CLASS_COUNT] = {
    [GOPS_ROAD_ARTERIAL] = "arterial",
    [GOPS_ROAD_SECONDARY] = "secondary",
    [GOPS_ROAD_LOCAL] = "local",
    [GOPS_ROAD_SERVICE] = "service",
};

static const char *const junction_names[GOPS_JUNCTION_CONTROL_COUNT] = {
    [GOPS_JUNCTION_PRIORITY] = "priority",
    [GOPS_JUNCTION_SIGNAL] = "signal",
    [GOPS_JUNCTION_YIELD] = "yield",
    [GOPS_JUNCTION_ROUNDABOUT] = "roundabout",
};

static const char *const building_names[GOPS_BUILDING_CATEGORY_COUNT] = {
    [GOPS_BUILDING_MALL] = "mall",
    [GOPS_BUILDING_OFFICE] = "office",
    [GOPS_BUILDING_RESIDENTIAL] = "residential",
    [GOPS_BUILDING_TRANSIT] = "transit",
    [GOPS_BUILDING_OTHER] = "other",
};

static const char *const transit_names[GOPS_TRANSIT_MODE_COUNT] = {
    [GOPS_TRANSIT_METRO_EXIT] = "metro_exit",
    [GOPS_TRANSIT_BUS_STOP] = "bus_stop",
    [GOPS_TRANSIT_RAIL_STATION] = "rail_station",
    [GOPS_TRANSIT_GARAGE] = "garage",
    [GOPS_TRANSIT_EDGE] = "edge",
};

static const char *const zone_level_names[GOPS_ZONE_LEVEL_COUNT] = {
    [GOPS_ZONE_DISTRICT] = "district",
    [GOPS_ZONE_SUBDISTRICT] = "subdistrict",
    [GOPS_ZONE_GRID] = "grid",
    [GOPS_ZONE_SPECIAL] = "special",
};

static const char *const camera_names[GOPS_CAMERA_TYPE_COUNT] = {
    [GOPS_CAMERA_EAGLE_EYE] = "eagle_eye",
    [GOPS_CAMERA_SHARP_EYES] = "sharp_eyes",
    [GOPS_CAMERA_SMART_CAPTURE] = "smart_capture",
};

static const char *name_of(const char *const *table, int count, int value)
{
    return value >= 0 && value < count ? table[value] : "?";
}

static int value_of(const char *const *table, int count, const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < count; i++)
        if (strcmp(table[i], name) == 0) return i;
    return -1;
}

#define NAME_PAIR(fn_name, fn_from, type, table, count)                         \
    const char *fn_name(type v) { return name_of(table, count, (int)v); }       \
    int fn_from(const char *name) { return value_of(table, count, name); }

NAME_PAIR(gops_category_name, gops_category_from_name, gops_category_t, category_names,
          GOPS_CAT_COUNT)
NAME_PAIR(gops_unit_type_name, gops_unit_type_from_name, gops_unit_type_t, unit_names,
          GOPS_UNIT_COUNT)
NAME_PAIR(gops_feature_kind_name, gops_feature_kind_from_name, gops_feature_kind_t, kind_names,
          GOPS_FEAT_KIND_COUNT)
NAME_PAIR(gops_road_class_name, gops_road_class_from_name, gops_road_class_t, road_class_names,
          GOPS_ROAD_CLASS_COUNT)
NAME_PAIR(gops_junction_control_name, gops_junction_control_from_name, gops_junction_control_t,
          junction_names, GOPS_JUNCTION_CONTROL_COUNT)
NAME_PAIR(gops_building_category_name, gops_building_category_from_name,
          gops_building_category_t, building_names, GOPS_BUILDING_CATEGORY_COUNT)
NAME_PAIR(gops_transit_mode_name, gops_transit_mode_from_name, gops_transit_mode_t,
          transit_names, GOPS_TRANSIT_MODE_COUNT)
NAME_PAIR(gops_zone_level_name, gops_zone_level_from_name, gops_zone_level_t, zone_level_names,
          GOPS_ZONE_LEVEL_COUNT)
NAME_PAIR(gops_camera_type_name, gops_camera_type_from_name, gops_camera_type_t, camera_names,
          GOPS_CAMERA_TYPE_COUNT)
