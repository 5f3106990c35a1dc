// SPDX-License-Identifier: MIT
// Loading a GeoJSON map into gops_map_t: reading and guarding the input (size, nesting,
// JSON syntax), strict validation of every feature against the schema in FORMAT.md,
// OpenStreetMap translation (through osm_tags.c), projection to local metres and the
// geometric checks that need metres. Does not build derived structures (walkable raster,
// lane graph, zone index) and never prints: warnings go through gops_log.
// Ordering: features keep their order in the file (OSM features of no interest dropped,
// a buffered footway may expand in place into several); the first error met in that order
// is reported, parse errors before reference errors before geometric ones.
#include "world/map.h"

#include "core/log.h"
#include "gridops/types.h"
#include "world/geometry.h"
#include "world/osm_tags.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/// Maps nearer the poles than this are refused: cos(lat0) makes the local projection's
/// east-west scale meaningless there (degrees).
#define MAX_ABS_LATITUDE 80.0

typedef enum geom_kind { G_NONE, G_POINT, G_LINE, G_POLYGON, G_MULTI } geom_kind_t;

typedef struct loader {
    const char *path;     ///< for messages
    const char *text;     ///< the JSON text (for line:column)
    size_t len;
    gops_error_t *err;
    gops_map_t *map;
    uint32_t cap;         ///< capacity of map->features and the parallel arrays
    uint8_t *geom;        ///< geom_kind_t per feature
    char **ref;           ///< per feature: referenced id (entrance building, zone parent)
    uint32_t *id_slots;   ///< open-addressing table of feature index + 1 (0 = empty)
    uint32_t id_cap;      ///< power of two
    uint32_t id_used;
    int32_t boundary;     ///< index of the boundary feature, -1 when none yet
    bool from_osm;        ///< the current feature was translated from OSM tags
    char where[320];      ///< "path: feature 12 (id "b07", 大卫城)"
    char desc[160];       ///< scratch for describing a JSON value in messages
} loader_t;

// ---------------------------------------------------------------------------------------
// Messages

/// A GOPS_MAP error about the whole map ("path: message").
static gops_status_t fail(loader_t *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static gops_status_t fail(loader_t *L, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return gops_error_set(L->err, GOPS_MAP, "%s: %s", L->path, msg);
}

/// 1-based line and column (in characters) of byte offset `off` of the text.
static void line_col(const char *text, size_t len, size_t off, unsigned long *line, unsigned long *col)
{
    unsigned long ln = 1, cl = 1;
    if (off > len) off = len;
    for (size_t i = 0; i < off; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            ln++;
            cl = 1;
        } else if ((c & 0xC0) != 0x80) {
            cl++; // count characters, not UTF-8 continuation bytes
        }
    }
    *line = ln;
    *col = cl;
}

/// A GOPS_MAP error at a place in the text ("path:12:5: message").
static gops_status_t fail_at(loader_t *L, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static gops_status_t fail_at(loader_t *L, size_t off, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    unsigned long ln, cl;
    line_col(L->text, L->len, off, &ln, &cl);
    return gops_error_set(L->err, GOPS_MAP, "%s:%lu:%lu: %s", L->path, ln, cl, msg);
}

/// A GOPS_MAP error about the current feature ("path: feature 3 (id "x"): message").
static gops_status_t ferr(loader_t *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static gops_status_t ferr(loader_t *L, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return gops_error_set(L->err, GOPS_MAP, "%s: %s", L->where, msg);
}

static void fwarn(loader_t *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fwarn(loader_t *L, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    L->map->warning_count++;
    gops_log(GOPS_LOG_WARN, "%s: %s", L->where, msg);
}

static gops_status_t nomem(loader_t *L)
{
    return gops_error_set(L->err, GOPS_NOMEM, "%s: out of memory while loading the map", L->path);
}

/// Length of the valid UTF-8 sequence at s (at most n bytes), 0 when invalid.
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    if (n == 0) return 0;
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len) return 0;
    unsigned cp = c & (0x3F >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

static bool utf8_valid(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq((const unsigned char *)s + i, n - i);
        if (k == 0) return false;
        i += k;
    }
    return true;
}

/// Copies text for a message: at most max_chars characters, invalid bytes and control
/// characters replaced by '?', "..." when cut.
static void clean_text(char *dst, size_t size, const char *src, size_t max_chars)
{
    size_t o = 0, chars = 0, n = strlen(src);
    for (size_t i = 0; i < n && o + 5 < size;) {
        if (chars == max_chars) {
            if (o + 4 < size) memcpy(dst + o, "...", 3), o += 3;
            break;
        }
        size_t k = utf8_seq((const unsigned char *)src + i, n - i);
        if (k == 0 || (unsigned char)src[i] < 0x20 || src[i] == 0x7F) {
            dst[o++] = '?';
            i += k ? k : 1;
        } else {
            memcpy(dst + o, src + i, k);
            o += k;
            i += k;
        }
        chars++;
    }
    dst[o] = '\0';
}

/// Describes a JSON value for "found ..." in messages (into L->desc).
static const char *describe(loader_t *L, const cJSON *v)
{
    char *b = L->desc;
    size_t n = sizeof L->desc;
    if (!v) {
        snprintf(b, n, "nothing");
    } else if (cJSON_IsString(v)) {
        char t[128];
        clean_text(t, sizeof t, v->valuestring ? v->valuestring : "", 40);
        snprintf(b, n, "\"%s\"", t);
    } else if (cJSON_IsNumber(v)) {
        snprintf(b, n, "%.10g", v->valuedouble);
    } else if (cJSON_IsTrue(v)) {
        snprintf(b, n, "true");
    } else if (cJSON_IsFalse(v)) {
        snprintf(b, n, "false");
    } else if (cJSON_IsNull(v)) {
        snprintf(b, n, "null");
    } else if (cJSON_IsArray(v)) {
        snprintf(b, n, "an array");
    } else if (cJSON_IsObject(v)) {
        snprintf(b, n, "an object");
    } else {
        snprintf(b, n, "an unreadable value");
    }
    return b;
}

static void set_where(loader_t *L, uint32_t index, const char *id, const char *name)
{
    char cid[128] = "", cname[128] = "";
    if (id) clean_text(cid, sizeof cid, id, 40);
    if (name) clean_text(cname, sizeof cname, name, 40);
    if (id && name)
        snprintf(L->where, sizeof L->where, "%s: feature %u (id \"%s\", %s)", L->path, index, cid, cname);
    else if (id)
        snprintf(L->where, sizeof L->where, "%s: feature %u (id \"%s\")", L->path, index, cid);
    else if (name)
        snprintf(L->where, sizeof L->where, "%s: feature %u (%s)", L->path, index, cname);
    else
        snprintf(L->where, sizeof L->where, "%s: feature %u", L->path, index);
}

// ---------------------------------------------------------------------------------------
// Feature storage

static void free_polygon(gops_polygon_t *p)
{
    if (!p->rings) return;
    for (uint32_t r = 0; r < p->ring_count; r++) free(p->rings[r].pts);
    free(p->rings);
    p->rings = NULL;
    p->ring_count = 0;
}

static void free_feature(gops_feature_t *f)
{
    free(f->id);
    free(f->name);
    free(f->name_en);
    free_polygon(&f->shape);
    switch (f->kind) {
    case GOPS_FEAT_ROAD: free(f->u.road.line.pts); break;
    case GOPS_FEAT_BUILDING: free_polygon(&f->u.building.shape); break;
    case GOPS_FEAT_ZONE:
        if (f->u.zone.parts) {
            for (uint32_t i = 0; i < f->u.zone.part_count; i++) free_polygon(&f->u.zone.parts[i]);
            free(f->u.zone.parts);
        }
        break;
    case GOPS_FEAT_TRANSIT: free(f->u.transit.line); break;
    default: break;
    }
}

void gops_map_destroy(gops_map_t *map)
{
    if (!map) return;
    for (uint32_t i = 0; i < map->feature_count; i++) free_feature(&map->features[i]);
    free(map->features);
    free(map->path);
    free(map);
}

int32_t gops_map_find_id(const gops_map_t *map, const char *id)
{
    if (!map || !id) return -1;
    for (uint32_t i = 0; i < map->feature_count; i++)
        if (map->features[i].id && strcmp(map->features[i].id, id) == 0) return (int32_t)i;
    return -1;
}

/// Appends a zeroed feature; returns its index, or -1 when out of memory.
static int64_t add_feature(loader_t *L)
{
    gops_map_t *m = L->map;
    if (m->feature_count == L->cap) {
        uint32_t cap = L->cap ? L->cap * 2 : 64;
        gops_feature_t *f = realloc(m->features, (size_t)cap * sizeof *f);
        if (!f) return -1;
        m->features = f;
        uint8_t *g = realloc(L->geom, cap);
        if (!g) return -1;
        L->geom = g;
        char **r = realloc(L->ref, (size_t)cap * sizeof *r);
        if (!r) return -1;
        L->ref = r;
        L->cap = cap;
    }
    uint32_t i = m->feature_count++;
    memset(&m->features[i], 0, sizeof m->features[i]);
    L->geom[i] = G_NONE;
    L->ref[i] = NULL;
    return i;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u; // FNV-1a
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/// Index of the feature with this id, or -1.
static int64_t id_find(const loader_t *L, const char *id)
{
    if (!L->id_cap) return -1;
    for (uint32_t h = hash_str(id) & (L->id_cap - 1);; h = (h + 1) & (L->id_cap - 1)) {
        uint32_t s = L->id_slots[h];
        if (!s) return -1;
        if (strcmp(L->map->features[s - 1].id, id) == 0) return s - 1;
    }
}

static bool id_insert(loader_t *L, uint32_t index)
{
    if ((L->id_used + 1) * 2 > L->id_cap) {
        uint32_t cap = L->id_cap ? L->id_cap * 2 : 256;
        uint32_t *slots = calloc(cap, sizeof *slots);
        if (!slots) return false;
        for (uint32_t i = 0; i < L->id_cap; i++) {
            uint32_t s = L->id_slots[i];
            if (!s) continue;
            uint32_t h = hash_str(L->map->features[s - 1].id) & (cap - 1);
            while (slots[h]) h = (h + 1) & (cap - 1);
            slots[h] = s;
        }
        free(L->id_slots);
        L->id_slots = slots;
        L->id_cap = cap;
    }
    uint32_t h = hash_str(L->map->features[index].id) & (L->id_cap - 1);
    while (L->id_slots[h]) h = (h + 1) & (L->id_cap - 1);
    L->id_slots[h] = index + 1;
    L->id_used++;
    return true;
}

// ---------------------------------------------------------------------------------------
// Properties

/// A property, or NULL when absent or JSON null (null means "use the default").
static const cJSON *prop(const cJSON *props, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(props, key);
    return cJSON_IsNull(v) ? NULL : v;
}

static gops_status_t get_bool(loader_t *L, const cJSON *props, const char *key, bool def, bool *out)
{
    const cJSON *v = prop(props, key);
    if (!v) {
        *out = def;
        return GOPS_OK;
    }
    if (!cJSON_IsBool(v)) return ferr(L, "%s must be true or false, found %s", key, describe(L, v));
    *out = cJSON_IsTrue(v);
    return GOPS_OK;
}

/// A number in [lo, hi] (lo excluded when lo_open); `def` when absent.
static gops_status_t get_number(loader_t *L, const cJSON *props, const char *key, double def,
                                double lo, bool lo_open, double hi, double *out)
{
    const cJSON *v = prop(props, key);
    if (!v) {
        *out = def;
        return GOPS_OK;
    }
    double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    if (!cJSON_IsNumber(v) || !isfinite(x) || x < lo || (lo_open && x == lo) || x > hi) {
        if (lo_open)
            return ferr(L, "%s must be a number greater than %g and at most %g, found %s", key, lo,
                        hi, describe(L, v));
        return ferr(L, "%s must be a number from %g to %g, found %s", key, lo, hi, describe(L, v));
    }
    *out = x;
    return GOPS_OK;
}

/// A whole number in [lo, hi]; `def` when absent (def < lo: required).
static gops_status_t get_int(loader_t *L, const cJSON *props, const char *key, int def, int lo,
                             int hi, int *out)
{
    const cJSON *v = prop(props, key);
    if (!v) {
        if (def < lo) return ferr(L, "needs \"%s\" (a whole number from %d to %d)", key, lo, hi);
        *out = def;
        return GOPS_OK;
    }
    double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    if (!cJSON_IsNumber(v) || !isfinite(x) || x != floor(x) || x < lo || x > hi)
        return ferr(L, "%s must be a whole number from %d to %d, found %s", key, lo, hi,
                    describe(L, v));
    *out = (int)x;
    return GOPS_OK;
}

/// An optional text property, copied (NULL when absent).
static gops_status_t get_text(loader_t *L, const cJSON *props, const char *key, char **out)
{
    *out = NULL;
    const cJSON *v = prop(props, key);
    if (!v) return GOPS_OK;
    if (!cJSON_IsString(v) || !v->valuestring)
        return ferr(L, "%s must be a string, found %s", key, describe(L, v));
    if (!utf8_valid(v->valuestring)) return ferr(L, "%s is not valid UTF-8 text", key);
    if (!(*out = dup_str(v->valuestring))) return nomem(L);
    return GOPS_OK;
}

typedef enum enum_table {
    E_KIND, E_ROAD_CLASS, E_JUNCTION, E_BUILDING, E_TRANSIT, E_ZONE_LEVEL, E_CAMERA, E_CATEGORY,
    E_UNIT, E_MODE
} enum_table_t;

static const char *const mode_names[GOPS_MODE_COUNT] = {
    [GOPS_MODE_NORMAL] = "normal",
    [GOPS_MODE_HOLIDAY] = "holiday",
    [GOPS_MODE_MAJOR_EVENT] = "major_event",
    [GOPS_MODE_EMERGENCY] = "emergency",
};

static int enum_count(enum_table_t t)
{
    switch (t) {
    case E_KIND: return GOPS_FEAT_KIND_COUNT;
    case E_ROAD_CLASS: return GOPS_ROAD_CLASS_COUNT;
    case E_JUNCTION: return GOPS_JUNCTION_CONTROL_COUNT;
    case E_BUILDING: return GOPS_BUILDING_CATEGORY_COUNT;
    case E_TRANSIT: return GOPS_TRANSIT_MODE_COUNT;
    case E_ZONE_LEVEL: return GOPS_ZONE_LEVEL_COUNT;
    case E_CAMERA: return GOPS_CAMERA_TYPE_COUNT;
    case E_CATEGORY: return GOPS_CAT_COUNT;
    case E_UNIT: return GOPS_UNIT_COUNT;
    case E_MODE: return GOPS_MODE_COUNT;
    }
    return 0;
}

static const char *enum_name(enum_table_t t, int v)
{
    switch (t) {
    case E_KIND: return gops_feature_kind_name((gops_feature_kind_t)v);
    case E_ROAD_CLASS: return gops_road_class_name((gops_road_class_t)v);
    case E_JUNCTION: return gops_junction_control_name((gops_junction_control_t)v);
    case E_BUILDING: return gops_building_category_name((gops_building_category_t)v);
    case E_TRANSIT: return gops_transit_mode_name((gops_transit_mode_t)v);
    case E_ZONE_LEVEL: return gops_zone_level_name((gops_zone_level_t)v);
    case E_CAMERA: return gops_camera_type_name((gops_camera_type_t)v);
    case E_CATEGORY: return gops_category_name((gops_category_t)v);
    case E_UNIT: return gops_unit_type_name((gops_unit_type_t)v);
    case E_MODE: return v >= 0 && v < GOPS_MODE_COUNT ? mode_names[v] : "?";
    }
    return "?";
}

static int enum_value(enum_table_t t, const char *name)
{
    for (int i = 0; i < enum_count(t); i++)
        if (strcmp(enum_name(t, i), name) == 0) return i;
    return -1;
}

/// "a, b, c or d" into buf.
static const char *enum_list(enum_table_t t, char *buf, size_t size)
{
    size_t o = 0;
    int n = enum_count(t);
    buf[0] = '\0';
    for (int i = 0; i < n && o < size; i++) {
        const char *sep = i == 0 ? "" : i == n - 1 ? " or " : ", ";
        int w = snprintf(buf + o, size - o, "%s%s", sep, enum_name(t, i));
        if (w < 0) break;
        o += (size_t)w;
    }
    return buf;
}

/// Reads an enum-valued string `v` (what = property name for messages).
static gops_status_t parse_enum(loader_t *L, const cJSON *v, const char *what, enum_table_t t, int *out)
{
    char list[256];
    if (!cJSON_IsString(v) || !v->valuestring)
        return ferr(L, "%s must be a string (one of %s), found %s", what, enum_list(t, list, sizeof list),
                    describe(L, v));
    int x = enum_value(t, v->valuestring);
    if (x < 0)
        return ferr(L, "unknown %s %s (expected %s)", what, describe(L, v), enum_list(t, list, sizeof list));
    *out = x;
    return GOPS_OK;
}

/// An enum property; `def` < 0 makes it required.
static gops_status_t get_enum(loader_t *L, const cJSON *props, const char *key, enum_table_t t,
                              int def, int *out)
{
    const cJSON *v = prop(props, key);
    if (!v) {
        char list[256];
        if (def < 0) return ferr(L, "needs \"%s\" (one of %s)", key, enum_list(t, list, sizeof list));
        *out = def;
        return GOPS_OK;
    }
    return parse_enum(L, v, key, t, out);
}

/// An id reference property (entrance → building, zone → parent), kept for resolution.
static gops_status_t get_ref(loader_t *L, uint32_t fi, const cJSON *props, const char *key,
                             bool required, const char *expected)
{
    const cJSON *v = prop(props, key);
    if (!v) {
        if (required) return ferr(L, "needs \"%s\" (%s)", key, expected);
        return GOPS_OK;
    }
    if (!cJSON_IsString(v) || !v->valuestring || !*v->valuestring)
        return ferr(L, "%s must be a non-empty string (%s), found %s", key, expected, describe(L, v));
    if (!(L->ref[fi] = dup_str(v->valuestring))) return nomem(L);
    return GOPS_OK;
}

// ---------------------------------------------------------------------------------------
// Geometry (read as lon/lat into gops_point_t x/y; projected once the origin is known)

/// Where in a geometry a position is ("position 3 of ring 0 of part 1").
typedef struct geo_loc {
    int part, ring; ///< -1 when not applicable
} geo_loc_t;

static const char *loc_text(char *buf, size_t size, geo_loc_t loc, long pos)
{
    int o = 0;
    if (pos >= 0) o = snprintf(buf, size, "position %ld", pos);
    if (loc.ring >= 0 && o >= 0 && (size_t)o < size)
        o += snprintf(buf + o, size - (size_t)o, "%sring %d", o ? " of " : "", loc.ring);
    if (loc.part >= 0 && o >= 0 && (size_t)o < size)
        o += snprintf(buf + o, size - (size_t)o, "%spart %d", o ? " of " : "", loc.part);
    if (o == 0) snprintf(buf, size, "the point");
    return buf;
}

static gops_status_t parse_position(loader_t *L, const cJSON *pos, geo_loc_t loc, long k,
                                    gops_point_t *out)
{
    char where[96];
    int n = cJSON_GetArraySize(pos);
    if (!cJSON_IsArray(pos) || n < 2 || n > 3)
        return ferr(L, "%s: a position must be [longitude, latitude] (optionally with altitude), found %s",
                    loc_text(where, sizeof where, loc, k),
                    cJSON_IsArray(pos) ? (n < 2 ? "fewer than 2 numbers" : "more than 3 numbers")
                                       : describe(L, pos));
    const cJSON *lon = cJSON_GetArrayItem(pos, 0), *lat = cJSON_GetArrayItem(pos, 1);
    const cJSON *alt = n == 3 ? cJSON_GetArrayItem(pos, 2) : NULL;
    const cJSON *items[3] = {lon, lat, alt};
    static const char *const names[3] = {"longitude", "latitude", "altitude"};
    for (int i = 0; i < n; i++) {
        if (!cJSON_IsNumber(items[i]))
            return ferr(L, "%s: %s must be a number, found %s", loc_text(where, sizeof where, loc, k),
                        names[i], describe(L, items[i]));
        if (!isfinite(items[i]->valuedouble))
            return ferr(L, "%s: %s is not a finite number (found %g)", loc_text(where, sizeof where, loc, k),
                        names[i], items[i]->valuedouble);
    }
    double x = lon->valuedouble, y = lat->valuedouble;
    if (x < -180.0 || x > 180.0)
        return ferr(L, "%s: longitude %.10g is outside [-180, 180]; coordinates must be WGS84 "
                       "longitude/latitude in degrees",
                    loc_text(where, sizeof where, loc, k), x);
    if (y < -90.0 || y > 90.0)
        return ferr(L, "%s: latitude %.10g is outside [-90, 90]%s", loc_text(where, sizeof where, loc, k), y,
                    (x >= -90.0 && x <= 90.0 && y >= -180.0 && y <= 180.0)
                        ? " (are longitude and latitude swapped? GeoJSON puts longitude first)"
                        : "");
    *out = (gops_point_t){x, y};
    return GOPS_OK;
}

/// Reads positions[0..n) into a new array.
static gops_status_t parse_positions(loader_t *L, const cJSON *arr, geo_loc_t loc, gops_path_t *out)
{
    int n = cJSON_GetArraySize(arr);
    out->pts = malloc((size_t)(n > 0 ? n : 1) * sizeof *out->pts);
    if (!out->pts) return nomem(L);
    out->count = 0;
    const cJSON *pos;
    long k = 0;
    cJSON_ArrayForEach(pos, arr)
    {
        gops_status_t st = parse_position(L, pos, loc, k, &out->pts[out->count]);
        if (st != GOPS_OK) return st;
        out->count++;
        k++;
    }
    return GOPS_OK;
}

/// Removes consecutive repeated positions (zero-length segments) with a warning each;
/// `ring`: also the wrap-around pair (last, first).
static void drop_repeats(loader_t *L, gops_path_t *p, geo_loc_t loc, bool ring)
{
    uint32_t w = p->count ? 1 : 0;
    char where[96];
    for (uint32_t i = 1; i < p->count; i++) {
        if (p->pts[i].x == p->pts[w - 1].x && p->pts[i].y == p->pts[w - 1].y) {
            fwarn(L, "removed %s (%.7f, %.7f): it repeats the previous position (a zero-length segment)",
                  loc_text(where, sizeof where, loc, (long)i), p->pts[i].x, p->pts[i].y);
            continue;
        }
        p->pts[w++] = p->pts[i];
    }
    while (ring && w > 1 && p->pts[w - 1].x == p->pts[0].x && p->pts[w - 1].y == p->pts[0].y) {
        fwarn(L, "removed a repeated closing position of %s (%.7f, %.7f) (a zero-length segment)",
              loc_text(where, sizeof where, loc, -1), p->pts[w - 1].x, p->pts[w - 1].y);
        w--;
    }
    p->count = w;
}

static gops_status_t parse_line(loader_t *L, const cJSON *coords, gops_path_t *out)
{
    geo_loc_t loc = {-1, -1};
    if (!cJSON_IsArray(coords)) return ferr(L, "LineString coordinates must be an array of positions, found %s", describe(L, coords));
    int n = cJSON_GetArraySize(coords);
    if (n < 2) return ferr(L, "a LineString needs at least 2 positions, found %d", n);
    gops_status_t st = parse_positions(L, coords, loc, out);
    if (st != GOPS_OK) return st;
    drop_repeats(L, out, loc, false);
    if (out->count < 2)
        return ferr(L, "the LineString has zero length: all its %d positions are the same point", n);
    return GOPS_OK;
}

static gops_status_t parse_ring(loader_t *L, const cJSON *coords, geo_loc_t loc, gops_path_t *out)
{
    char where[96];
    loc_text(where, sizeof where, loc, -1);
    if (!cJSON_IsArray(coords))
        return ferr(L, "%s must be an array of positions, found %s", where, describe(L, coords));
    int n = cJSON_GetArraySize(coords);
    if (n < 4)
        return ferr(L, "%s has %d positions; a closed ring needs at least 4 (3 corners and the first "
                       "repeated as the last)", where, n);
    gops_status_t st = parse_positions(L, coords, loc, out);
    if (st != GOPS_OK) return st;
    gops_point_t a = out->pts[0], b = out->pts[out->count - 1];
    if (a.x != b.x || a.y != b.y)
        return ferr(L, "%s is not closed: the first position (%.7f, %.7f) differs from the last "
                       "(%.7f, %.7f); expected the ring to end where it starts", where, a.x, a.y, b.x, b.y);
    out->count--; // stored without the closing position
    drop_repeats(L, out, loc, true);
    if (out->count < 3)
        return ferr(L, "%s has only %u distinct positions; a ring needs at least 3 corners", where,
                    out->count);
    return GOPS_OK;
}

static gops_status_t parse_polygon(loader_t *L, const cJSON *coords, int part, gops_polygon_t *out)
{
    if (!cJSON_IsArray(coords))
        return ferr(L, "Polygon coordinates must be an array of rings, found %s", describe(L, coords));
    int n = cJSON_GetArraySize(coords);
    if (n < 1) return ferr(L, "the Polygon has no rings (expected an outer ring)");
    out->rings = calloc((size_t)n, sizeof *out->rings);
    if (!out->rings) return nomem(L);
    out->ring_count = (uint32_t)n;
    const cJSON *ring;
    int r = 0;
    cJSON_ArrayForEach(ring, coords)
    {
        gops_status_t st = parse_ring(L, ring, (geo_loc_t){part, r}, &out->rings[r]);
        if (st != GOPS_OK) return st;
        r++;
    }
    return GOPS_OK;
}

static gops_status_t parse_multipolygon(loader_t *L, const cJSON *coords, gops_polygon_t **parts,
                                        uint32_t *count)
{
    if (!cJSON_IsArray(coords))
        return ferr(L, "MultiPolygon coordinates must be an array of polygons, found %s", describe(L, coords));
    int n = cJSON_GetArraySize(coords);
    if (n < 1) return ferr(L, "the MultiPolygon has no polygons");
    *parts = calloc((size_t)n, sizeof **parts);
    if (!*parts) return nomem(L);
    *count = (uint32_t)n;
    const cJSON *poly;
    int p = 0;
    cJSON_ArrayForEach(poly, coords)
    {
        gops_status_t st = parse_polygon(L, poly, p, &(*parts)[p]);
        if (st != GOPS_OK) return st;
        p++;
    }
    return GOPS_OK;
}

/// Geometry types each kind accepts.
static const char *kind_geometry_text(gops_feature_kind_t k)
{
    switch (k) {
    case GOPS_FEAT_ROAD: return "a LineString";
    case GOPS_FEAT_BOUNDARY:
    case GOPS_FEAT_WALKWAY:
    case GOPS_FEAT_PLAZA:
    case GOPS_FEAT_PEDESTRIAN_STREET:
    case GOPS_FEAT_BUILDING: return "a Polygon";
    case GOPS_FEAT_ZONE: return "a Polygon or MultiPolygon";
    case GOPS_FEAT_VENDOR_POINT:
    case GOPS_FEAT_LANDMARK: return "a Point or Polygon";
    default: return "a Point";
    }
}

static bool kind_accepts(gops_feature_kind_t k, geom_kind_t g)
{
    switch (k) {
    case GOPS_FEAT_ROAD: return g == G_LINE;
    case GOPS_FEAT_BOUNDARY:
    case GOPS_FEAT_WALKWAY:
    case GOPS_FEAT_PLAZA:
    case GOPS_FEAT_PEDESTRIAN_STREET:
    case GOPS_FEAT_BUILDING: return g == G_POLYGON;
    case GOPS_FEAT_ZONE: return g == G_POLYGON || g == G_MULTI;
    case GOPS_FEAT_VENDOR_POINT:
    case GOPS_FEAT_LANDMARK: return g == G_POINT || g == G_POLYGON;
    default: return g == G_POINT;
    }
}

static geom_kind_t geom_kind_of(const char *type)
{
    if (!type) return G_NONE;
    if (strcmp(type, "Point") == 0) return G_POINT;
    if (strcmp(type, "LineString") == 0) return G_LINE;
    if (strcmp(type, "Polygon") == 0) return G_POLYGON;
    if (strcmp(type, "MultiPolygon") == 0) return G_MULTI;
    return G_NONE;
}

/// The polygon a Polygon-shaped feature keeps (buildings and zones have their own).
static gops_polygon_t *feature_polygon(gops_feature_t *f)
{
    return f->kind == GOPS_FEAT_BUILDING ? &f->u.building.shape : &f->shape;
}

// ---------------------------------------------------------------------------------------
// Buffering OpenStreetMap footpaths (lines) into walkway polygons

static gops_status_t set_ring(loader_t *L, gops_polygon_t *poly, const gops_point_t *pts, uint32_t n,
                              double lon0, double lat0)
{
    poly->rings = calloc(1, sizeof *poly->rings);
    if (!poly->rings) return nomem(L);
    poly->ring_count = 1;
    poly->rings[0].pts = malloc(n * sizeof *pts);
    if (!poly->rings[0].pts) return nomem(L);
    for (uint32_t i = 0; i < n; i++)
        gops_unproject(lon0, lat0, pts[i].x, pts[i].y, &poly->rings[0].pts[i].x, &poly->rings[0].pts[i].y);
    poly->rings[0].count = n;
    return GOPS_OK;
}

/// Turns feature fi's lon/lat centre line into a walkway polygon `width` m wide, with square
/// ends so it joins what it meets. Sharp bends make the outline cross itself; such a line
/// becomes one rectangle per segment instead (extra features with ids "<id>#2", ...).
static gops_status_t buffer_walkway(loader_t *L, uint32_t fi, gops_path_t *line, double width)
{
    gops_status_t st = GOPS_OK;
    uint32_t n = line->count;
    double lon0 = line->pts[0].x, lat0 = line->pts[0].y, h = width / 2.0;
    gops_point_t *p = malloc(n * sizeof *p), *ring = malloc((4 * (size_t)n + 4) * sizeof *ring);
    gops_point_t *right = malloc((2 * (size_t)n + 2) * sizeof *right);
    if (!p || !ring || !right) {
        st = nomem(L);
        goto done;
    }
    for (uint32_t i = 0; i < n; i++) gops_project(lon0, lat0, line->pts[i].x, line->pts[i].y, &p[i].x, &p[i].y);

    // Left side forward, right side backward; miter joins, bevelled beyond a 120° turn.
    uint32_t nl = 0, nr = 0;
    gops_point_t *left = ring;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t a = i == 0 ? 0 : i - 1, b = i == 0 ? 1 : i;
        uint32_t c = i + 1 < n ? i : i - 1, d = i + 1 < n ? i + 1 : i;
        double l1 = hypot(p[b].x - p[a].x, p[b].y - p[a].y), l2 = hypot(p[d].x - p[c].x, p[d].y - p[c].y);
        gops_point_t d1 = {(p[b].x - p[a].x) / l1, (p[b].y - p[a].y) / l1};
        gops_point_t d2 = {(p[d].x - p[c].x) / l2, (p[d].y - p[c].y) / l2};
        gops_point_t n1 = {-d1.y, d1.x}, n2 = {-d2.y, d2.x};
        gops_point_t q = p[i];
        if (i == 0) {
            q.x -= d2.x * h;
            q.y -= d2.y * h;
        } else if (i == n - 1) {
            q.x += d1.x * h;
            q.y += d1.y * h;
        }
        gops_point_t m = {n1.x + n2.x, n1.y + n2.y};
        double ml = hypot(m.x, m.y);
        double cos_half = ml / 2.0; // cos of half the turn angle
        if (i > 0 && i < n - 1 && cos_half < 0.5) {
            left[nl++] = (gops_point_t){q.x + n1.x * h, q.y + n1.y * h};
            left[nl++] = (gops_point_t){q.x + n2.x * h, q.y + n2.y * h};
            right[nr++] = (gops_point_t){q.x - n1.x * h, q.y - n1.y * h};
            right[nr++] = (gops_point_t){q.x - n2.x * h, q.y - n2.y * h};
        } else {
            double k = h / cos_half / ml;
            left[nl++] = (gops_point_t){q.x + m.x * k, q.y + m.y * k};
            right[nr++] = (gops_point_t){q.x - m.x * k, q.y - m.y * k};
        }
    }
    for (uint32_t i = 0; i < nr; i++) left[nl + i] = right[nr - 1 - i];
    gops_path_t outline = {left, nl + nr};
    gops_feature_t *f = &L->map->features[fi];
    if (!gops_ring_self_intersects(&outline, NULL)) {
        st = set_ring(L, &f->shape, outline.pts, outline.count, lon0, lat0);
        goto done;
    }
    fwarn(L, "the footpath bends too sharply to buffer as one polygon; buffered as %u rectangles", n - 1);
    for (uint32_t s = 0; s + 1 < n; s++) {
        uint32_t gi = fi;
        if (s > 0) {
            int64_t k = add_feature(L);
            if (k < 0) {
                st = nomem(L);
                goto done;
            }
            gi = (uint32_t)k;
            gops_feature_t *src = &L->map->features[fi], *g = &L->map->features[gi];
            g->kind = src->kind;
            g->index = src->index;
            g->approximate = src->approximate;
            L->geom[gi] = G_POLYGON;
            char id[256];
            snprintf(id, sizeof id, "%s#%u", src->id ? src->id : "footpath", s + 1);
            g->id = dup_str(id);
            g->name = src->name ? dup_str(src->name) : NULL;
            g->name_en = src->name_en ? dup_str(src->name_en) : NULL;
            if (!g->id || (src->name && !g->name) || (src->name_en && !g->name_en)) {
                st = nomem(L);
                goto done;
            }
            if (id_find(L, g->id) < 0 && !id_insert(L, gi)) {
                st = nomem(L);
                goto done;
            }
        }
        gops_point_t a = p[s], b = p[s + 1];
        double l = hypot(b.x - a.x, b.y - a.y);
        gops_point_t dv = {(b.x - a.x) / l * h, (b.y - a.y) / l * h}, nv = {-dv.y, dv.x};
        gops_point_t rect[4] = {{a.x - dv.x - nv.x, a.y - dv.y - nv.y},
                                {b.x + dv.x - nv.x, b.y + dv.y - nv.y},
                                {b.x + dv.x + nv.x, b.y + dv.y + nv.y},
                                {a.x - dv.x + nv.x, a.y - dv.y + nv.y}};
        st = set_ring(L, &L->map->features[gi].shape, rect, 4, lon0, lat0);
        if (st != GOPS_OK) goto done;
    }
done:
    free(p);
    free(ring);
    free(right);
    return st;
}

// ---------------------------------------------------------------------------------------
// Kind-specific properties

#define TRY(expr)                                                                              \
    do {                                                                                       \
        gops_status_t try_st_ = (expr);                                                        \
        if (try_st_ != GOPS_OK) return try_st_;                                                \
    } while (0)

static gops_status_t parse_road(loader_t *L, const cJSON *props, gops_road_t *r)
{
    int cls;
    TRY(get_enum(L, props, "class", E_ROAD_CLASS, GOPS_ROAD_LOCAL, &cls));
    r->road_class = (gops_road_class_t)cls;
    bool major = cls == GOPS_ROAD_ARTERIAL || cls == GOPS_ROAD_SECONDARY;
    TRY(get_int(L, props, "lanes", cls == GOPS_ROAD_ARTERIAL ? 2 : 1, 1, 16, &r->lanes));
    TRY(get_bool(L, props, "roundabout", false, &r->roundabout));
    // A roundabout ring is one-way (counter-clockwise) unless the map says otherwise, which
    // is an error: a two-way roundabout is not a roundabout.
    TRY(get_bool(L, props, "oneway", r->roundabout, &r->oneway));
    if (r->roundabout && !r->oneway)
        return ferr(L, "a roundabout road must be one-way, found \"oneway\": false");
    static const double speed[GOPS_ROAD_CLASS_COUNT] = {50.0, 40.0, 30.0, 30.0};
    TRY(get_number(L, props, "speed_kmh", speed[cls], 0.0, true, 200.0, &r->speed_kmh));
    TRY(get_number(L, props, "width_m", r->lanes * 3.5 * (r->oneway ? 1.0 : 2.0), 0.0, true, 100.0,
                   &r->width_m));
    double sidewalk;
    TRY(get_number(L, props, "sidewalk_m", major ? 3.0 : 2.0, 0.0, false, 50.0, &sidewalk));
    TRY(get_number(L, props, "sidewalk_left_m", sidewalk, 0.0, false, 50.0, &r->sidewalk_left_m));
    TRY(get_number(L, props, "sidewalk_right_m", sidewalk, 0.0, false, 50.0, &r->sidewalk_right_m));
    TRY(get_number(L, props, "nonmotor_m", 0.0, 0.0, false, 20.0, &r->nonmotor_m));
    return get_bool(L, props, "bus_lane", false, &r->bus_lane);
}

static gops_status_t parse_building(loader_t *L, const cJSON *props, gops_building_t *b)
{
    int cat;
    TRY(get_enum(L, props, "category", E_BUILDING, GOPS_BUILDING_OTHER, &cat));
    b->category = (gops_building_category_t)cat;
    TRY(get_int(L, props, "floors", 1, 1, 200, &b->floors));
    // NaN marks "not given": these defaults need the projected footprint area.
    TRY(get_number(L, props, "floor_area_m2", NAN, 0.0, true, 1e8, &b->floor_area_m2));
    TRY(get_number(L, props, "capacity", NAN, 0.0, false, 1e7, &b->capacity));
    TRY(get_number(L, props, "attractiveness", NAN, 0.0, false, 1e9, &b->attractiveness));
    return GOPS_OK;
}

/// "HH:MM-HH:MM" → seconds of the day; 24:00 allowed as a closing time; a closing time
/// before the opening time means the point closes after midnight.
static gops_status_t parse_hours(loader_t *L, const cJSON *props, int32_t *open_s, int32_t *close_s)
{
    const cJSON *v = prop(props, "hours");
    if (!v) {
        *open_s = 17 * 3600;
        *close_s = 23 * 3600;
        return GOPS_OK;
    }
    const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
    int t[4];
    bool ok = s && strlen(s) == 11 && s[2] == ':' && s[5] == '-' && s[8] == ':';
    static const int digit_at[8] = {0, 1, 3, 4, 6, 7, 9, 10};
    for (int i = 0; ok && i < 8; i++) ok = s[digit_at[i]] >= '0' && s[digit_at[i]] <= '9';
    if (ok) {
        for (int i = 0; i < 4; i++) t[i] = (s[digit_at[2 * i]] - '0') * 10 + (s[digit_at[2 * i + 1]] - '0');
        ok = t[0] <= 23 && t[1] <= 59 && t[3] <= 59 && (t[2] <= 23 || (t[2] == 24 && t[3] == 0));
    }
    if (!ok)
        return ferr(L, "hours must be \"HH:MM-HH:MM\" (24-hour clock, e.g. \"17:00-23:00\"), found %s",
                    describe(L, v));
    *open_s = t[0] * 3600 + t[1] * 60;
    *close_s = t[2] * 3600 + t[3] * 60;
    if (*open_s == *close_s)
        return ferr(L, "hours %s open and close at the same time of day; expected different times",
                    describe(L, v));
    return GOPS_OK;
}

static gops_status_t parse_modes(loader_t *L, const cJSON *props, uint32_t *modes)
{
    const cJSON *v = prop(props, "modes");
    if (!v) {
        *modes = (1u << GOPS_MODE_HOLIDAY) | (1u << GOPS_MODE_MAJOR_EVENT) | (1u << GOPS_MODE_EMERGENCY);
        return GOPS_OK;
    }
    char list[128];
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
        return ferr(L, "modes must be a non-empty array of %s, found %s", enum_list(E_MODE, list, sizeof list),
                    describe(L, v));
    *modes = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, v)
    {
        int x = 0;
        TRY(parse_enum(L, m, "mode", E_MODE, &x));
        *modes |= 1u << x;
    }
    return GOPS_OK;
}

static gops_status_t parse_responsible(loader_t *L, const cJSON *props, uint32_t resp[GOPS_CAT_COUNT])
{
    memset(resp, 0, GOPS_CAT_COUNT * sizeof resp[0]);
    const cJSON *v = prop(props, "responsible");
    if (!v) return GOPS_OK;
    if (!cJSON_IsObject(v))
        return ferr(L, "responsible must be an object mapping incident categories to arrays of unit "
                       "types, found %s", describe(L, v));
    bool listed[GOPS_CAT_COUNT] = {false}, star_seen = false;
    uint32_t star = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, v)
    {
        char list[256];
        const char *key = m->string ? m->string : "";
        bool is_star = strcmp(key, "*") == 0;
        int cat = is_star ? -1 : gops_category_from_name(key);
        if (!is_star && cat < 0) {
            char k[128];
            clean_text(k, sizeof k, key, 40);
            return ferr(L, "responsible: unknown incident category \"%s\" (expected \"*\" or %s)", k,
                        enum_list(E_CATEGORY, list, sizeof list));
        }
        if ((is_star && star_seen) || (!is_star && listed[cat]))
            return ferr(L, "responsible lists \"%s\" twice", key);
        if (!cJSON_IsArray(m))
            return ferr(L, "responsible[\"%s\"] must be an array of unit types, found %s", key, describe(L, m));
        uint32_t bits = 0;
        const cJSON *u;
        cJSON_ArrayForEach(u, m)
        {
            if (!cJSON_IsString(u) || !u->valuestring || gops_unit_type_from_name(u->valuestring) < 0)
                return ferr(L, "responsible[\"%s\"]: unknown unit type %s (expected %s)", key, describe(L, u),
                            enum_list(E_UNIT, list, sizeof list));
            bits |= 1u << gops_unit_type_from_name(u->valuestring);
        }
        if (is_star) {
            star_seen = true;
            star = bits;
        } else {
            listed[cat] = true;
            resp[cat] = bits;
        }
    }
    for (int c = 0; c < GOPS_CAT_COUNT; c++)
        if (!listed[c]) resp[c] = star;
    return GOPS_OK;
}

static gops_status_t parse_kind_props(loader_t *L, uint32_t fi, const cJSON *props)
{
    gops_feature_t *f = &L->map->features[fi];
    int x;
    switch (f->kind) {
    case GOPS_FEAT_BOUNDARY:
        if (L->boundary >= 0)
            return ferr(L, "a second boundary (feature %u is the first); expected exactly one per map",
                        L->map->features[L->boundary].index);
        L->boundary = (int32_t)fi;
        return GOPS_OK;
    case GOPS_FEAT_ROAD: return parse_road(L, props, &f->u.road);
    case GOPS_FEAT_JUNCTION:
        TRY(get_enum(L, props, "control", E_JUNCTION, GOPS_JUNCTION_PRIORITY, &x));
        f->u.junction.control = (gops_junction_control_t)x;
        return GOPS_OK;
    case GOPS_FEAT_BUILDING: return parse_building(L, props, &f->u.building);
    case GOPS_FEAT_ENTRANCE:
        f->u.entrance.building = -1;
        TRY(get_ref(L, fi, props, "building", true, "the id of the building it opens into"));
        return get_number(L, props, "width_m", 3.0, 0.0, true, 100.0, &f->u.entrance.width_m);
    case GOPS_FEAT_TRANSIT:
        TRY(get_enum(L, props, "mode", E_TRANSIT, -1, &x));
        f->u.transit.mode = (gops_transit_mode_t)x;
        TRY(get_number(L, props, "capacity", 0.0, 0.0, false, 1e6, &f->u.transit.capacity));
        return get_text(L, props, "line", &f->u.transit.line);
    case GOPS_FEAT_ZONE:
        f->u.zone.parent = -1;
        TRY(get_enum(L, props, "level", E_ZONE_LEVEL, -1, &x));
        f->u.zone.level = (gops_zone_level_t)x;
        TRY(get_ref(L, fi, props, "parent", false, "the id of the containing zone"));
        return parse_responsible(L, props, f->u.zone.responsible);
    case GOPS_FEAT_VENDOR_POINT:
        TRY(get_int(L, props, "stalls", -1, 1, 10000, &f->u.vendor_point.stalls));
        return parse_hours(L, props, &f->u.vendor_point.open_s, &f->u.vendor_point.close_s);
    case GOPS_FEAT_POST:
        TRY(parse_modes(L, props, &f->u.post.modes));
        TRY(get_enum(L, props, "unit", E_UNIT, GOPS_UNIT_GRID_WORKER, &f->u.post.unit));
        return get_int(L, props, "staff", 2, 1, 1000, &f->u.post.staff);
    case GOPS_FEAT_CAMERA: {
        TRY(get_enum(L, props, "camera_type", E_CAMERA, -1, &x));
        f->u.camera.type = (gops_camera_type_t)x;
        bool eagle = x == GOPS_CAMERA_EAGLE_EYE;
        TRY(get_number(L, props, "heading_deg", 0.0, 0.0, false, 360.0, &f->u.camera.heading_deg));
        if (f->u.camera.heading_deg == 360.0) f->u.camera.heading_deg = 0.0;
        TRY(get_number(L, props, "fov_deg", eagle ? 360.0 : 90.0, 0.0, true, 360.0, &f->u.camera.fov_deg));
        double range = eagle ? 150.0 : x == GOPS_CAMERA_SMART_CAPTURE ? 40.0 : 60.0;
        return get_number(L, props, "range_m", range, 0.0, true, 5000.0, &f->u.camera.range_m);
    }
    case GOPS_FEAT_PA_SPEAKER:
        return get_number(L, props, "range_m", 80.0, 0.0, true, 5000.0, &f->u.pa.range_m);
    default: return GOPS_OK; // walkway, plaza, pedestrian_street, landmark: common properties only
    }
}

// ---------------------------------------------------------------------------------------
// One feature

/// Id of a feature for messages and storage: the `id` property, else the GeoJSON id.
static gops_status_t feature_id(loader_t *L, const cJSON *item, const cJSON *props, char **out)
{
    *out = NULL;
    const cJSON *v = prop(props, "id");
    char buf[64];
    const char *text = NULL;
    if (v) {
        if (!cJSON_IsString(v) || !v->valuestring || !*v->valuestring)
            return ferr(L, "id must be a non-empty string, found %s", describe(L, v));
        text = v->valuestring;
    } else {
        v = cJSON_GetObjectItemCaseSensitive(item, "id");
        if (cJSON_IsString(v) && v->valuestring && *v->valuestring) {
            text = v->valuestring;
        } else if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
            snprintf(buf, sizeof buf, "%.17g", v->valuedouble);
            text = buf;
        } else if (v && !cJSON_IsNull(v)) {
            return ferr(L, "the Feature's id must be a string or number, found %s", describe(L, v));
        }
    }
    if (!text) return GOPS_OK;
    if (!utf8_valid(text)) return ferr(L, "id is not valid UTF-8 text");
    if (!(*out = dup_str(text))) return nomem(L);
    return GOPS_OK;
}

static const char *string_or_null(const cJSON *props, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(props, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static gops_status_t parse_feature_body(loader_t *L, uint32_t index, const cJSON *item,
                                        const cJSON *props, const cJSON *kind_item,
                                        const gops_osm_mapping_t *osm)
{
    // Label the feature for messages as early as possible.
    const char *label_id = string_or_null(props, "id");
    const cJSON *top_id = cJSON_GetObjectItemCaseSensitive(item, "id");
    char num_id[64];
    if (!label_id && cJSON_IsString(top_id)) label_id = top_id->valuestring;
    if (!label_id && cJSON_IsNumber(top_id)) {
        snprintf(num_id, sizeof num_id, "%.17g", top_id->valuedouble);
        label_id = num_id;
    }
    set_where(L, index, label_id, string_or_null(props, "name"));

    char list[512];
    if (!cJSON_IsString(kind_item) || !kind_item->valuestring)
        return ferr(L, "kind must be a string (one of %s), found %s", enum_list(E_KIND, list, sizeof list),
                    describe(L, kind_item));
    int kind = gops_feature_kind_from_name(kind_item->valuestring);
    if (kind < 0)
        return ferr(L, "unknown kind %s (expected %s)", describe(L, kind_item), enum_list(E_KIND, list, sizeof list));

    const cJSON *geom = cJSON_GetObjectItemCaseSensitive(item, "geometry");
    const char *gtype = NULL;
    if (cJSON_IsObject(geom)) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(geom, "type");
        if (!cJSON_IsString(t))
            return ferr(L, "the geometry has no \"type\" string; expected %s",
                        kind_geometry_text((gops_feature_kind_t)kind));
        gtype = t->valuestring;
    } else if (geom && !cJSON_IsNull(geom)) {
        return ferr(L, "geometry must be an object, found %s", describe(L, geom));
    }
    geom_kind_t g = geom_kind_of(gtype);
    bool buffered = osm && osm->buffer_m > 0.0 && g == G_LINE && kind == GOPS_FEAT_WALKWAY;
    bool single = osm && osm->single_part && g == G_MULTI && kind == GOPS_FEAT_BUILDING;
    if (!buffered && !single && !kind_accepts((gops_feature_kind_t)kind, g)) {
        char found[96];
        if (!gtype)
            snprintf(found, sizeof found, "no geometry");
        else
            clean_text(found, sizeof found, gtype, 40);
        return ferr(L, "%s needs %s, found %s", kind_item->valuestring,
                    kind_geometry_text((gops_feature_kind_t)kind), found);
    }
    const cJSON *coords = cJSON_GetObjectItemCaseSensitive(geom, "coordinates");
    if (!coords)
        return ferr(L, "the %s geometry has no \"coordinates\"", gtype);

    int64_t added = add_feature(L);
    if (added < 0) return nomem(L);
    uint32_t fi = (uint32_t)added;
    gops_feature_t *f = &L->map->features[fi];
    f->kind = (gops_feature_kind_t)kind;
    f->index = index;
    L->geom[fi] = buffered ? G_POLYGON : single ? G_POLYGON : (uint8_t)g;

    // Common properties.
    TRY(feature_id(L, item, props, &f->id));
    TRY(get_text(L, props, "name", &f->name));
    TRY(get_text(L, props, "name_en", &f->name_en));
    TRY(get_bool(L, props, "approx", false, &f->approximate));
    if (!f->id && (kind == GOPS_FEAT_BUILDING || kind == GOPS_FEAT_ZONE))
        return ferr(L, "a %s needs an \"id\" (entrances and zones refer to it)", kind_item->valuestring);
    if (f->id) {
        int64_t other = id_find(L, f->id);
        if (other >= 0 && L->from_osm) {
            // OSM exports can repeat an id across layers; keep both, renamed.
            char id[256];
            snprintf(id, sizeof id, "%s#%u", f->id, index);
            fwarn(L, "id \"%s\" is already used by feature %u; renamed to \"%s\"", f->id,
                  L->map->features[other].index, id);
            free(f->id);
            if (!(f->id = dup_str(id))) return nomem(L);
            other = id_find(L, f->id);
        }
        if (other >= 0) {
            char cid[128];
            clean_text(cid, sizeof cid, f->id, 40);
            return ferr(L, "duplicate id \"%s\": feature %u already uses it; ids must be unique", cid,
                        L->map->features[other].index);
        }
        if (!id_insert(L, fi)) return nomem(L);
    }

    // Geometry, as lon/lat for now.
    switch (g) {
    case G_POINT: {
        gops_point_t p;
        TRY(parse_position(L, coords, (geo_loc_t){-1, -1}, -1, &p));
        L->map->features[fi].at = p;
        break;
    }
    case G_LINE:
        if (buffered) {
            gops_path_t line = {0};
            gops_status_t st = parse_line(L, coords, &line);
            if (st == GOPS_OK) {
                if (osm->reverse) gops_path_reverse(&line);
                st = buffer_walkway(L, fi, &line, osm->buffer_m);
            }
            free(line.pts);
            if (st != GOPS_OK) return st;
        } else {
            gops_road_t *r = &f->u.road;
            TRY(parse_line(L, coords, &r->line));
            if (osm && osm->reverse) gops_path_reverse(&r->line);
        }
        break;
    case G_POLYGON: TRY(parse_polygon(L, coords, -1, feature_polygon(f))); break;
    case G_MULTI:
        if (single) {
            TRY(parse_polygon(L, cJSON_GetArrayItem(coords, 0), -1, feature_polygon(f)));
        } else {
            TRY(parse_multipolygon(L, coords, &f->u.zone.parts, &f->u.zone.part_count));
        }
        break;
    case G_NONE: break;
    }
    if (kind == GOPS_FEAT_ZONE && g == G_POLYGON) {
        // A zone keeps its shape as parts; move the Polygon there.
        f = &L->map->features[fi];
        f->u.zone.parts = malloc(sizeof *f->u.zone.parts);
        if (!f->u.zone.parts) return nomem(L);
        f->u.zone.parts[0] = f->shape;
        f->u.zone.part_count = 1;
        f->shape = (gops_polygon_t){0};
    }
    return parse_kind_props(L, fi, props);
}

static gops_status_t parse_feature(loader_t *L, uint32_t index, const cJSON *item)
{
    set_where(L, index, NULL, NULL);
    L->from_osm = false;
    if (!cJSON_IsObject(item))
        return ferr(L, "expected a GeoJSON Feature object, found %s", describe(L, item));
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(item, "type");
    if (!cJSON_IsString(type) || strcmp(type->valuestring, "Feature") != 0)
        return ferr(L, "expected \"type\": \"Feature\", found %s", describe(L, type));
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(item, "properties");
    if (props && !cJSON_IsNull(props) && !cJSON_IsObject(props))
        return ferr(L, "properties must be an object, found %s", describe(L, props));

    const cJSON *kind_item = prop(props, "kind");
    if (kind_item) return parse_feature_body(L, index, item, props, kind_item, NULL);

    const cJSON *top_id = cJSON_GetObjectItemCaseSensitive(item, "id");
    const char *label_id = string_or_null(props, "id");
    if (!label_id) label_id = cJSON_IsString(top_id) ? top_id->valuestring : string_or_null(props, "@id");
    set_where(L, index, label_id, string_or_null(props, "name"));
    char list[512];
    if (!gops_osm_is_tagged(item))
        return ferr(L, "missing \"kind\" property (expected %s, or OpenStreetMap tags)",
                    enum_list(E_KIND, list, sizeof list));
    const cJSON *geom = cJSON_GetObjectItemCaseSensitive(item, "geometry");
    const cJSON *gt = cJSON_GetObjectItemCaseSensitive(geom, "type");
    gops_osm_mapping_t osm;
    gops_status_t st = gops_osm_map_feature(item, cJSON_IsString(gt) ? gt->valuestring : NULL, L->where, &osm, L->err);
    L->map->warning_count += osm.warnings;
    if (st != GOPS_OK) return st;
    if (!osm.props) {
        L->map->skipped_count++;
        return GOPS_OK;
    }
    L->from_osm = true;
    st = parse_feature_body(L, index, item, osm.props, cJSON_GetObjectItemCaseSensitive(osm.props, "kind"), &osm);
    cJSON_Delete(osm.props);
    return st;
}

// ---------------------------------------------------------------------------------------
// Whole-map passes

static gops_status_t resolve_refs(loader_t *L)
{
    gops_map_t *m = L->map;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        gops_feature_t *f = &m->features[i];
        if (!L->ref[i]) continue;
        set_where(L, f->index, f->id, f->name);
        char cref[128];
        clean_text(cref, sizeof cref, L->ref[i], 40);
        int64_t t = id_find(L, L->ref[i]);
        if (f->kind == GOPS_FEAT_ENTRANCE) {
            if (t < 0)
                return ferr(L, "entrance refers to building \"%s\", which is not in the map; expected the "
                               "id of a building", cref);
            if (m->features[t].kind != GOPS_FEAT_BUILDING)
                return ferr(L, "entrance refers to \"%s\", which is a %s (feature %u); expected a building",
                            cref, gops_feature_kind_name(m->features[t].kind), m->features[t].index);
            f->u.entrance.building = (int32_t)t;
        } else if (f->kind == GOPS_FEAT_ZONE) {
            if (t < 0)
                return ferr(L, "zone parent \"%s\" is not in the map; expected the id of a zone", cref);
            if (m->features[t].kind != GOPS_FEAT_ZONE)
                return ferr(L, "zone parent \"%s\" is a %s (feature %u); expected a zone", cref,
                            gops_feature_kind_name(m->features[t].kind), m->features[t].index);
            if ((uint32_t)t == i) return ferr(L, "a zone cannot be its own parent");
            f->u.zone.parent = (int32_t)t;
        }
    }
    // Parent chains must end: walking up from any zone meets no zone twice.
    for (uint32_t i = 0; i < m->feature_count; i++) {
        if (m->features[i].kind != GOPS_FEAT_ZONE) continue;
        int32_t p = m->features[i].u.zone.parent;
        for (uint32_t steps = 0; p >= 0; steps++) {
            if (steps > m->feature_count || (uint32_t)p == i) {
                set_where(L, m->features[i].index, m->features[i].id, m->features[i].name);
                return ferr(L, "zone parents form a cycle; expected each chain of parents to end at a "
                               "zone without one");
            }
            p = m->features[p].u.zone.parent;
        }
    }
    return GOPS_OK;
}

/// Calls fn on every stored path of feature f (rings, lines, parts).
static void each_path(gops_feature_t *f, void (*fn)(gops_path_t *, void *), void *user)
{
    for (uint32_t r = 0; r < f->shape.ring_count; r++) fn(&f->shape.rings[r], user);
    switch (f->kind) {
    case GOPS_FEAT_ROAD: fn(&f->u.road.line, user); break;
    case GOPS_FEAT_BUILDING:
        for (uint32_t r = 0; r < f->u.building.shape.ring_count; r++) fn(&f->u.building.shape.rings[r], user);
        break;
    case GOPS_FEAT_ZONE:
        for (uint32_t p = 0; p < f->u.zone.part_count; p++)
            for (uint32_t r = 0; r < f->u.zone.parts[p].ring_count; r++) fn(&f->u.zone.parts[p].rings[r], user);
        break;
    default: break;
    }
}

typedef struct sum {
    double lon, lat;
    uint64_t n;
} sum_t;

static void sum_path(gops_path_t *p, void *user)
{
    sum_t *s = user;
    for (uint32_t i = 0; i < p->count; i++) {
        s->lon += p->pts[i].x;
        s->lat += p->pts[i].y;
    }
    s->n += p->count;
}

typedef struct proj {
    double lon0, lat0;
    double min_x, min_y, max_x, max_y;
} proj_t;

static void grow_bounds(proj_t *P, gops_point_t q)
{
    P->min_x = fmin(P->min_x, q.x);
    P->min_y = fmin(P->min_y, q.y);
    P->max_x = fmax(P->max_x, q.x);
    P->max_y = fmax(P->max_y, q.y);
}

static void project_path(gops_path_t *p, void *user)
{
    proj_t *P = user;
    for (uint32_t i = 0; i < p->count; i++) {
        gops_point_t *q = &p->pts[i];
        gops_project(P->lon0, P->lat0, q->x, q->y, &q->x, &q->y);
        grow_bounds(P, *q);
    }
}

static gops_status_t project_all(loader_t *L)
{
    gops_map_t *m = L->map;
    // Origin: the mean of every stored position (ring closing positions excluded).
    sum_t s = {0.0, 0.0, 0};
    for (uint32_t i = 0; i < m->feature_count; i++) {
        gops_feature_t *f = &m->features[i];
        if (L->geom[i] == G_POINT) {
            s.lon += f->at.x;
            s.lat += f->at.y;
            s.n++;
        } else {
            each_path(f, sum_path, &s);
        }
    }
    m->origin_lon = s.lon / (double)s.n;
    m->origin_lat = s.lat / (double)s.n;
    if (fabs(m->origin_lat) > MAX_ABS_LATITUDE)
        return fail(L, "the map lies at latitude %.4f; maps beyond %.0f degrees from the equator "
                                 "are not supported (the local projection degenerates near the poles)",
                    m->origin_lat, MAX_ABS_LATITUDE);
    proj_t P = {m->origin_lon, m->origin_lat, INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (uint32_t i = 0; i < m->feature_count; i++) {
        gops_feature_t *f = &m->features[i];
        if (L->geom[i] == G_POINT) {
            gops_project(P.lon0, P.lat0, f->at.x, f->at.y, &f->at.x, &f->at.y);
            grow_bounds(&P, f->at);
        } else {
            each_path(f, project_path, &P);
        }
    }
    m->min_x = P.min_x;
    m->min_y = P.min_y;
    m->max_x = P.max_x;
    m->max_y = P.max_y;
    double w = P.max_x - P.min_x, h = P.max_y - P.min_y;
    if (!(w <= GOPS_MAP_MAX_EXTENT_M && h <= GOPS_MAP_MAX_EXTENT_M))
        return fail(L, "the map spans %.1f km east-west and %.1f km north-south; expected a "
                                 "district of at most %.0f km across (the local projection is accurate "
                                 "only over small areas; does a coordinate have a typo?)",
                    w / 1000.0, h / 1000.0, GOPS_MAP_MAX_EXTENT_M / 1000.0);
    return GOPS_OK;
}

static const char *ring_name(char *buf, size_t size, int part, uint32_t ring)
{
    char p[32] = "";
    if (part >= 0) snprintf(p, sizeof p, " of part %d", part);
    if (ring == 0)
        snprintf(buf, size, "the outer ring%s", p);
    else
        snprintf(buf, size, "hole %u%s", ring, p);
    return buf;
}

/// Simplicity, holes inside the outer ring, positive area; then orientation.
static gops_status_t check_polygon(loader_t *L, gops_polygon_t *poly, int part)
{
    gops_ring_defect_t d;
    char a[64], b[64];
    if (gops_polygon_find_defect(poly, &d)) {
        double lon, lat;
        gops_unproject(L->map->origin_lon, L->map->origin_lat, d.at.x, d.at.y, &lon, &lat);
        const char *how = d.relation == GOPS_SEG_CROSS ? "cross" : d.relation == GOPS_SEG_OVERLAP ? "overlap" : "touch";
        if (d.ring_a == d.ring_b)
            return ferr(L, "%s intersects itself: its edges %u and %u %s at (%.7f, %.7f); expected a "
                           "simple ring that does not cross or touch itself",
                        ring_name(a, sizeof a, part, d.ring_a), d.edge_a, d.edge_b, how, lon, lat);
        return ferr(L, "%s and %s %s at (%.7f, %.7f); expected the rings of a polygon not to meet",
                    ring_name(a, sizeof a, part, d.ring_a), ring_name(b, sizeof b, part, d.ring_b), how, lon, lat);
    }
    if (gops_polygon_area(&(gops_polygon_t){poly->rings, 1}) <= 0.0)
        return ferr(L, "%s has zero area", ring_name(a, sizeof a, part, 0));
    for (uint32_t r = 1; r < poly->ring_count; r++) {
        // No rings meet, so one vertex decides where the whole hole lies.
        if (gops_ring_locate(&poly->rings[0], poly->rings[r].pts[0], 0.0) != GOPS_LOC_INSIDE)
            return ferr(L, "%s lies outside %s; expected holes inside the outer ring",
                        ring_name(a, sizeof a, part, r), ring_name(b, sizeof b, part, 0));
        for (uint32_t q = 1; q < poly->ring_count; q++)
            if (q != r && gops_ring_locate(&poly->rings[q], poly->rings[r].pts[0], 0.0) == GOPS_LOC_INSIDE)
                return ferr(L, "%s lies inside %s; expected holes not to nest",
                            ring_name(a, sizeof a, part, r), ring_name(b, sizeof b, part, q));
    }
    gops_polygon_normalize(poly);
    return GOPS_OK;
}

static gops_status_t finish_features(loader_t *L)
{
    gops_map_t *m = L->map;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        gops_feature_t *f = &m->features[i];
        set_where(L, f->index, f->id, f->name);
        if (f->kind == GOPS_FEAT_ZONE) {
            double total = 0.0, sx = 0.0, sy = 0.0;
            for (uint32_t p = 0; p < f->u.zone.part_count; p++) {
                TRY(check_polygon(L, &f->u.zone.parts[p], f->u.zone.part_count > 1 ? (int)p : -1));
                double a = gops_polygon_area(&f->u.zone.parts[p]);
                gops_point_t c = gops_polygon_centroid(&f->u.zone.parts[p]);
                total += a;
                sx += a * c.x;
                sy += a * c.y;
            }
            f->at = (gops_point_t){sx / total, sy / total};
        } else if (L->geom[i] == G_POLYGON) {
            gops_polygon_t *poly = feature_polygon(f);
            TRY(check_polygon(L, poly, -1));
            f->at = gops_polygon_centroid(poly);
        } else if (f->kind == GOPS_FEAT_ROAD) {
            f->at = gops_polyline_centroid(&f->u.road.line);
        }
        if (f->kind == GOPS_FEAT_BUILDING) {
            gops_building_t *b = &f->u.building;
            static const double per_person_m2[GOPS_BUILDING_CATEGORY_COUNT] = {3.0, 10.0, 30.0, 2.0, 10.0};
            if (isnan(b->floor_area_m2)) b->floor_area_m2 = gops_polygon_area(&b->shape) * b->floors;
            if (isnan(b->capacity)) b->capacity = b->floor_area_m2 / per_person_m2[b->category];
            if (isnan(b->attractiveness)) b->attractiveness = b->floor_area_m2;
        }
    }
    return GOPS_OK;
}

// ---------------------------------------------------------------------------------------
// Text guards and the entry points

/// Bracket structure of JSON text, scanned outside strings before cJSON sees it.
typedef struct nesting {
    bool too_deep;   ///< some array/object is nested deeper than the limit
    size_t deep_at;  ///< offset of its opening bracket
    int open_at_end; ///< brackets still open when the text ends
    bool in_string;  ///< the text ends inside a string
} nesting_t;

static nesting_t scan_nesting(const char *s, size_t n, int limit)
{
    nesting_t r = {false, 0, 0, false};
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (r.in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                r.in_string = false;
        } else if (c == '"') {
            r.in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) {
                r.too_deep = true;
                r.deep_at = i;
                return r;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    r.open_at_end = depth;
    return r;
}

static bool all_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') return false;
    return true;
}

static gops_status_t check_crs(loader_t *L, const cJSON *root)
{
    // RFC 7946 dropped `crs`; older writers (ogr2ogr) still emit it. Only WGS84 lon/lat is read.
    const cJSON *crs = cJSON_GetObjectItemCaseSensitive(root, "crs");
    if (!crs || cJSON_IsNull(crs)) return GOPS_OK;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(crs, "properties"), "name");
    if (cJSON_IsString(name) && (strstr(name->valuestring, "CRS84") || strstr(name->valuestring, "4326")))
        return GOPS_OK;
    return fail(L, "the map declares coordinate reference system %s; expected WGS84 "
                             "longitude/latitude (RFC 7946: omit \"crs\" or use OGC CRS84)",
                describe(L, cJSON_IsString(name) ? name : crs));
}

static gops_status_t load_tree(loader_t *L)
{
    const char *text = L->text;
    size_t len = L->len;
    if (len > GOPS_MAP_MAX_BYTES)
        return fail(L, "the file is %.1f MiB; maps larger than %zu MiB are refused",
                    (double)len / (1024.0 * 1024.0), GOPS_MAP_MAX_BYTES >> 20);
    if (len == 0 || all_space(text, len))
        return fail(L, "the file is empty; expected a GeoJSON FeatureCollection");
    nesting_t nest = scan_nesting(text, len, GOPS_MAP_MAX_DEPTH);
    if (nest.too_deep)
        return fail_at(L, nest.deep_at, "JSON nested more than %d levels deep; a GeoJSON map needs about 10 "
                                        "(is this file a map?)", GOPS_MAP_MAX_DEPTH);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (!root) {
        size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : len;
        // A cut-off file: cJSON's position is only near the end, so say what is unfinished.
        char ending[96] = "";
        if (nest.in_string)
            snprintf(ending, sizeof ending, "; the text ends inside a string (is the file cut off?)");
        else if (nest.open_at_end > 0)
            snprintf(ending, sizeof ending, "; the text ends with %d bracket%s still open (is the file cut off?)",
                     nest.open_at_end, nest.open_at_end == 1 ? "" : "s");
        if (off >= len || all_space(text + off, len - off))
            return fail_at(L, len, "not valid JSON: the text ends before the JSON value does%s", ending);
        char near[64];
        size_t k = 0;
        while (off + k < len && k < 24 && text[off + k] != '\n' && text[off + k] != '\r') k++;
        char raw[32];
        memcpy(raw, text + off, k);
        raw[k] = '\0';
        clean_text(near, sizeof near, raw, 24);
        return fail_at(L, off, "not valid JSON near '%s'%s", near, ending);
    }
    gops_status_t st = GOPS_OK;
    size_t off = (size_t)(end - text);
    if (!all_space(end, len - off)) {
        while (off < len && strchr(" \t\r\n", text[off])) off++;
        st = fail_at(L, off, "unexpected text after the end of the JSON value");
        goto done;
    }
    if (!cJSON_IsObject(root)) {
        st = fail(L, "expected a GeoJSON FeatureCollection object, found %s", describe(L, root));
        goto done;
    }
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
    if (!cJSON_IsString(type) || strcmp(type->valuestring, "FeatureCollection") != 0) {
        st = fail(L, "expected \"type\": \"FeatureCollection\", found %s%s", describe(L, type),
                  cJSON_IsString(type) && strcmp(type->valuestring, "Feature") == 0
                      ? " (wrap the feature in a FeatureCollection)"
                      : "");
        goto done;
    }
    const cJSON *features = cJSON_GetObjectItemCaseSensitive(root, "features");
    if (!cJSON_IsArray(features)) {
        st = fail(L, "the FeatureCollection's \"features\" must be an array, found %s",
                  describe(L, features));
        goto done;
    }
    if ((st = check_crs(L, root)) != GOPS_OK) goto done;
    const cJSON *item;
    uint32_t index = 0;
    cJSON_ArrayForEach(item, features)
    {
        if ((st = parse_feature(L, index, item)) != GOPS_OK) goto done;
        index++;
    }
    if (L->map->feature_count == 0) {
        if (L->map->skipped_count)
            st = fail(L, "none of the %u features is of a kind gridops uses (all were skipped "
                                   "OpenStreetMap features); expected roads, buildings, ...",
                      L->map->skipped_count);
        else
            st = fail(L, "the FeatureCollection has no features; expected at least one");
        goto done;
    }
    if ((st = resolve_refs(L)) != GOPS_OK) goto done;
    if ((st = project_all(L)) != GOPS_OK) goto done;
    st = finish_features(L);
done:
    cJSON_Delete(root);
    return st;
}

gops_map_t *gops_map_load_string(const char *json, size_t len, const char *path, gops_error_t *err)
{
    gops_error_clear(err);
    if (!path) path = "<map>";
    loader_t L = {.path = path, .text = json, .len = json ? len : 0, .err = err, .boundary = -1};
    // A UTF-8 byte-order mark is not JSON, but some editors write one; skip it.
    if (L.len >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0) {
        L.text += 3;
        L.len -= 3;
    }
    L.map = calloc(1, sizeof *L.map);
    gops_status_t st = GOPS_OK;
    if (!L.map || !(L.map->path = dup_str(path))) {
        st = nomem(&L);
    } else {
        st = load_tree(&L);
    }
    for (uint32_t i = 0; L.map && i < L.map->feature_count; i++) free(L.ref[i]);
    free(L.ref);
    free(L.geom);
    free(L.id_slots);
    if (st != GOPS_OK) {
        gops_map_destroy(L.map);
        return NULL;
    }
    return L.map;
}

gops_map_t *gops_map_load(const char *path, gops_error_t *err)
{
    gops_error_clear(err);
    if (!path) {
        gops_error_set(err, GOPS_IO, "no map file given");
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        gops_error_set(err, GOPS_IO, "%s: cannot open the map: %s", path, strerror(errno));
        return NULL;
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        gops_error_set(err, GOPS_IO, "%s: cannot read the map: not a regular file", path);
        fclose(f);
        return NULL;
    }
    if ((uint64_t)sb.st_size > GOPS_MAP_MAX_BYTES) {
        gops_error_set(err, GOPS_MAP, "%s: the file is %.1f MiB; maps larger than %zu MiB are refused", path,
                       (double)sb.st_size / (1024.0 * 1024.0), GOPS_MAP_MAX_BYTES >> 20);
        fclose(f);
        return NULL;
    }
    size_t size = (size_t)sb.st_size;
    char *text = malloc(size + 1);
    if (!text) {
        gops_error_set(err, GOPS_NOMEM, "%s: out of memory reading %zu bytes", path, size);
        fclose(f);
        return NULL;
    }
    size_t got = fread(text, 1, size, f);
    bool bad = ferror(f) != 0;
    int e = errno;
    fclose(f);
    if (bad || got != size) {
        gops_error_set(err, GOPS_IO, "%s: cannot read the map: %s", path, bad ? strerror(e) : "file changed while reading");
        free(text);
        return NULL;
    }
    text[size] = '\0';
    gops_map_t *map = gops_map_load_string(text, size, path, err);
    free(text);
    return map;
}
