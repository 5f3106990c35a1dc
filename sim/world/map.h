// SPDX-License-Identifier: MIT
// The district map as loaded from GeoJSON: features projected to local metres (x east,
// y north, origin at the map's centroid), typed by `kind`. Owns the parsed features only;
// derived structures (walkable raster, lane graph, zone index) live in their own files.
// Property names, units and defaults are documented in assets/maps/FORMAT.md.
#ifndef GOPS_WORLD_MAP_H
#define GOPS_WORLD_MAP_H

#include "gridops/status.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// Incident categories that zones assign responsibility for (lint checks coverage of each).
#define GOPS_INCIDENT_CATEGORY_LIST(X)          \
    X(CROWD, "crowd")                           \
    X(VENDING, "vending")                       \
    X(PARKING, "parking")                       \
    X(TRAFFIC_ACCIDENT, "traffic_accident")     \
    X(WATERLOGGING, "waterlogging")             \
    X(SANITATION, "sanitation")                 \
    X(FACILITY, "facility")                     \
    X(UTILITY, "utility")                       \
    X(FIREWORKS, "fireworks")                   \
    X(LOST_PERSON, "lost_person")               \
    X(DISPUTE, "dispute")

typedef enum gops_category {
#define GOPS_CAT_ENUM(name, text) GOPS_CAT_##name,
    GOPS_INCIDENT_CATEGORY_LIST(GOPS_CAT_ENUM)
#undef GOPS_CAT_ENUM
    GOPS_CAT_COUNT
} gops_category_t;

/// Unit types that take dispatch orders.
#define GOPS_UNIT_TYPE_LIST(X)                   \
    X(CITY_MANAGEMENT, "city_management")        \
    X(POLICE, "police")                          \
    X(TRAFFIC_POLICE, "traffic_police")          \
    X(SANITATION, "sanitation")                  \
    X(UTILITIES, "utilities")                    \
    X(EMERGENCY, "emergency")                    \
    X(MARKET_REGULATION, "market_regulation")    \
    X(GRID_WORKER, "grid_worker")                \
    X(VOLUNTEER, "volunteer")

typedef enum gops_unit_type {
#define GOPS_UNIT_ENUM(name, text) GOPS_UNIT_##name,
    GOPS_UNIT_TYPE_LIST(GOPS_UNIT_ENUM)
#undef GOPS_UNIT_ENUM
    GOPS_UNIT_COUNT
} gops_unit_type_t;

/// Name of a category ("crowd"); "?" when out of range.
const char *gops_category_name(gops_category_t c);
/// -1 when unknown.
int gops_category_from_name(const char *name);
/// Name of a unit type ("city_management"); "?" when out of range.
const char *gops_unit_type_name(gops_unit_type_t u);
/// -1 when unknown.
int gops_unit_type_from_name(const char *name);

typedef struct gops_point {
    double x, y; ///< m, local east/north
} gops_point_t;

/// A polyline or a ring. Rings are stored without the repeated closing point.
typedef struct gops_path {
    gops_point_t *pts;
    uint32_t count;
} gops_path_t;

/// A polygon: ring 0 is the outer boundary (counter-clockwise after loading), the rest holes.
typedef struct gops_polygon {
    gops_path_t *rings;
    uint32_t ring_count;
} gops_polygon_t;

typedef enum gops_feature_kind {
    GOPS_FEAT_BOUNDARY,  ///< the district boundary (Polygon)
    GOPS_FEAT_ROAD,      ///< LineString
    GOPS_FEAT_JUNCTION,  ///< Point: control at a shared road node
    GOPS_FEAT_WALKWAY,   ///< Polygon
    GOPS_FEAT_PLAZA,     ///< Polygon
    GOPS_FEAT_PEDESTRIAN_STREET, ///< Polygon
    GOPS_FEAT_BUILDING,  ///< Polygon
    GOPS_FEAT_ENTRANCE,  ///< Point, references a building
    GOPS_FEAT_TRANSIT,   ///< Point
    GOPS_FEAT_ZONE,      ///< Polygon / MultiPolygon
    GOPS_FEAT_VENDOR_POINT, ///< Point or Polygon
    GOPS_FEAT_POST,      ///< Point
    GOPS_FEAT_CAMERA,    ///< Point
    GOPS_FEAT_PA_SPEAKER, ///< Point
    GOPS_FEAT_LANDMARK,  ///< Point or Polygon (the tower), drawn and named only
    GOPS_FEAT_KIND_COUNT
} gops_feature_kind_t;

typedef enum gops_road_class { GOPS_ROAD_ARTERIAL, GOPS_ROAD_SECONDARY, GOPS_ROAD_LOCAL, GOPS_ROAD_SERVICE, GOPS_ROAD_CLASS_COUNT } gops_road_class_t;
typedef enum gops_junction_control { GOPS_JUNCTION_PRIORITY, GOPS_JUNCTION_SIGNAL, GOPS_JUNCTION_YIELD, GOPS_JUNCTION_ROUNDABOUT, GOPS_JUNCTION_CONTROL_COUNT } gops_junction_control_t;
typedef enum gops_building_category { GOPS_BUILDING_MALL, GOPS_BUILDING_OFFICE, GOPS_BUILDING_RESIDENTIAL, GOPS_BUILDING_TRANSIT, GOPS_BUILDING_OTHER, GOPS_BUILDING_CATEGORY_COUNT } gops_building_category_t;
typedef enum gops_transit_mode { GOPS_TRANSIT_METRO_EXIT, GOPS_TRANSIT_BUS_STOP, GOPS_TRANSIT_RAIL_STATION, GOPS_TRANSIT_GARAGE, GOPS_TRANSIT_EDGE, GOPS_TRANSIT_MODE_COUNT } gops_transit_mode_t;
typedef enum gops_zone_level { GOPS_ZONE_DISTRICT, GOPS_ZONE_SUBDISTRICT, GOPS_ZONE_GRID, GOPS_ZONE_SPECIAL, GOPS_ZONE_LEVEL_COUNT } gops_zone_level_t;
typedef enum gops_camera_type { GOPS_CAMERA_EAGLE_EYE, GOPS_CAMERA_SHARP_EYES, GOPS_CAMERA_SMART_CAPTURE, GOPS_CAMERA_TYPE_COUNT } gops_camera_type_t;

/// Names of the enums above as written in the GeoJSON ("pedestrian_street", "arterial",
/// "signal", "mall", "metro_exit", "grid", "eagle_eye"); "?" when out of range. The
/// *_from_name functions return the enum value, or -1 for an unknown or NULL name.
const char *gops_feature_kind_name(gops_feature_kind_t kind);
int gops_feature_kind_from_name(const char *name);
const char *gops_road_class_name(gops_road_class_t c);
int gops_road_class_from_name(const char *name);
const char *gops_junction_control_name(gops_junction_control_t c);
int gops_junction_control_from_name(const char *name);
const char *gops_building_category_name(gops_building_category_t c);
int gops_building_category_from_name(const char *name);
const char *gops_transit_mode_name(gops_transit_mode_t m);
int gops_transit_mode_from_name(const char *name);
const char *gops_zone_level_name(gops_zone_level_t l);
int gops_zone_level_from_name(const char *name);
const char *gops_camera_type_name(gops_camera_type_t t);
int gops_camera_type_from_name(const char *name);

typedef struct gops_road {
    gops_path_t line;
    gops_road_class_t road_class;
    int lanes;            ///< per direction (or total when one-way)
    bool oneway;          ///< traffic only along the line's direction
    double speed_kmh;
    double width_m;       ///< carriageway width
    double sidewalk_left_m, sidewalk_right_m; ///< relative to the line's direction
    double nonmotor_m;    ///< non-motor lane width per side (0 = none)
    bool bus_lane;
    bool roundabout;
} gops_road_t;

typedef struct gops_building {
    gops_polygon_t shape;
    gops_building_category_t category;
    int floors;           ///< storeys (≥ 1)
    double floor_area_m2;
    double capacity;      ///< persons
    double attractiveness; ///< relative weight for visitor choice (default: floor area)
} gops_building_t;

typedef struct gops_zone {
    gops_polygon_t *parts; ///< MultiPolygon parts (1 for a Polygon)
    uint32_t part_count;
    gops_zone_level_t level;
    int32_t parent;        ///< feature index of the parent zone, -1 when none
    /// responsible[c] = bit set of gops_unit_type_t responsible for category c here.
    uint32_t responsible[GOPS_CAT_COUNT];
} gops_zone_t;

/// One feature. Common fields first; the kind-specific part is in the union.
typedef struct gops_feature {
    gops_feature_kind_t kind;
    uint32_t index;       ///< position in the GeoJSON features array (for messages)
    char *id;             ///< `id` property or GeoJSON id; may be NULL
    char *name;           ///< may be NULL
    char *name_en;        ///< may be NULL
    bool approximate;     ///< `approx`: invented or approximate (documented in the asset)
    gops_point_t at;      ///< Point features; polygon/line features: their centroid
    gops_polygon_t shape; ///< Polygon features other than buildings/zones (walkways, plazas, vendor points, boundary)
    union {
        gops_road_t road;
        gops_building_t building;
        gops_zone_t zone;
        struct { gops_junction_control_t control; } junction;
        struct { int32_t building; double width_m; } entrance; ///< building feature index
        struct { gops_transit_mode_t mode; double capacity; char *line; } transit; ///< line may be NULL
        struct { int stalls; int32_t open_s, close_s; } vendor_point; ///< hours, s of day
        struct { uint32_t modes; int unit; int staff; } post; ///< modes: bit per gops_mode_t; unit: gops_unit_type_t
        struct { gops_camera_type_t type; double heading_deg, fov_deg, range_m; } camera;
        struct { double range_m; } pa;
    } u;
} gops_feature_t;

typedef struct gops_map {
    char *path;
    double origin_lon, origin_lat; ///< projection centre (degrees)
    gops_feature_t *features;
    uint32_t feature_count;
    double min_x, min_y, max_x, max_y; ///< bounds of all geometry, m
    uint32_t warning_count;            ///< warnings logged while loading
    uint32_t skipped_count;            ///< OpenStreetMap features of no interest, skipped
} gops_map_t;

/// Loader limits: larger files, deeper JSON nesting, or maps wider than this are refused
/// with GOPS_MAP (a district map needs about 10 levels of nesting).
#define GOPS_MAP_MAX_BYTES ((size_t)256 << 20)
#define GOPS_MAP_MAX_DEPTH 64
#define GOPS_MAP_MAX_EXTENT_M 50000.0

/// Loads and validates a GeoJSON map (ours or OpenStreetMap-derived). Errors name the file,
/// the feature index and id/name, what was found and what was expected.
gops_map_t *gops_map_load(const char *path, gops_error_t *err);
/// Same from a string already in memory (`path` is used in messages only).
gops_map_t *gops_map_load_string(const char *json, size_t len, const char *path, gops_error_t *err);
void gops_map_destroy(gops_map_t *map);
/// Index of the feature with this id, or -1 (linear search; ids are unique after loading).
int32_t gops_map_find_id(const gops_map_t *map, const char *id);

/// Equirectangular projection about (lon0, lat0) (degrees) to metres east/north, on a sphere
/// of the WGS84 mean radius (6371008.8 m). Against great-circle distances on that sphere the
/// error is under 0.03 % over a few km; against the WGS84 ellipsoid the sphere's scale is off
/// by about 0.23 % at 35° N (derivation in projection.c and FORMAT.md).
void gops_project(double lon0, double lat0, double lon, double lat, double *x, double *y);
/// Inverse of gops_project (round trip exact to well under 1 mm).
void gops_unproject(double lon0, double lat0, double x, double y, double *lon, double *lat);

#endif
