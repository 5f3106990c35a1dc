// SPDX-License-Identifier: MIT
// OpenStreetMap tags → gridops kinds and properties (the table is in assets/maps/FORMAT.md).
// Collects tags from the three places exporters put them (flat properties, `tags`, ogr2ogr's
// `other_tags` hstore text), picks a kind by the first matching rule, and writes schema
// properties. OSM values that do not parse are ignored with a warning and the schema default
// applies: OSM data is messy, so only our own format is validated strictly.
#include "world/osm_tags.h"

#include "core/log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// Default widths (m) of footpaths mapped as lines, when they carry no `width` tag.
#define FOOTWAY_WIDTH_M 3.0
#define PEDESTRIAN_WIDTH_M 6.0

typedef struct tag {
    char *key, *value;
} tag_t;

typedef struct tag_set {
    tag_t *items;
    size_t count, cap;
    bool nomem;
} tag_set_t;

static char *dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static const char *tag_get(const tag_set_t *t, const char *key)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->items[i].key, key) == 0) return t->items[i].value;
    return NULL;
}

/// Adds key=value unless the key is already present (earlier sources take precedence).
static void tag_add(tag_set_t *t, const char *key, size_t key_len, const char *value, size_t value_len)
{
    if (t->nomem) return;
    for (size_t i = 0; i < t->count; i++)
        if (strlen(t->items[i].key) == key_len && memcmp(t->items[i].key, key, key_len) == 0) return;
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        tag_t *items = realloc(t->items, cap * sizeof *items);
        if (!items) {
            t->nomem = true;
            return;
        }
        t->items = items;
        t->cap = cap;
    }
    char *k = dup_range(key, key_len), *v = dup_range(value, value_len);
    if (!k || !v) {
        free(k);
        free(v);
        t->nomem = true;
        return;
    }
    t->items[t->count++] = (tag_t){k, v};
}

static void tag_free(tag_set_t *t)
{
    for (size_t i = 0; i < t->count; i++) {
        free(t->items[i].key);
        free(t->items[i].value);
    }
    free(t->items);
}

/// Text of a scalar JSON value (strings as is, numbers as the shortest exact decimal,
/// booleans as yes/no); false for arrays, objects and null.
static bool scalar_text(const cJSON *v, char *buf, size_t size, const char **out)
{
    if (cJSON_IsString(v) && v->valuestring) {
        *out = v->valuestring;
        return true;
    }
    if (cJSON_IsNumber(v)) {
        snprintf(buf, size, "%.17g", v->valuedouble);
        *out = buf;
        return true;
    }
    if (cJSON_IsBool(v)) {
        *out = cJSON_IsTrue(v) ? "yes" : "no";
        return true;
    }
    return false;
}

static void add_object_tags(tag_set_t *t, const cJSON *obj, bool skip_meta)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, obj)
    {
        if (!m->string) continue;
        // Exporter bookkeeping is not a tag.
        if (skip_meta && (strcmp(m->string, "tags") == 0 || strcmp(m->string, "other_tags") == 0 ||
                          strcmp(m->string, "id") == 0 || m->string[0] == '@'))
            continue;
        char buf[64];
        const char *text;
        if (scalar_text(m, buf, sizeof buf, &text))
            tag_add(t, m->string, strlen(m->string), text, strlen(text));
    }
}

/// Reads one double-quoted hstore token starting at *p (which is at the quote) into a new
/// string with backslash escapes resolved; advances *p past the closing quote.
static char *hstore_token(const char **p)
{
    const char *s = *p + 1;
    size_t n = 0;
    for (const char *q = s; *q && *q != '"'; q++, n++)
        if (*q == '\\' && q[1]) q++;
    char *out = malloc(n + 1);
    if (!out) return NULL;
    size_t k = 0;
    while (*s && *s != '"') {
        if (*s == '\\' && s[1]) s++;
        out[k++] = *s++;
    }
    out[k] = '\0';
    if (*s != '"') {
        free(out);
        return NULL;
    }
    *p = s + 1;
    return out;
}

/// ogr2ogr's OSM driver puts tags without their own column in `other_tags`, as hstore text:
/// "lanes"=>"2","oneway"=>"yes". Stops quietly at the first malformed pair.
static void add_hstore_tags(tag_set_t *t, const char *s)
{
    const char *p = s;
    for (;;) {
        while (*p == ' ' || *p == ',') p++;
        if (*p != '"') return;
        char *key = hstore_token(&p);
        if (!key) {
            return;
        }
        while (*p == ' ') p++;
        if (p[0] != '=' || p[1] != '>') {
            free(key);
            return;
        }
        p += 2;
        while (*p == ' ') p++;
        if (*p == '"') {
            char *value = hstore_token(&p);
            if (!value) {
                free(key);
                return;
            }
            tag_add(t, key, strlen(key), value, strlen(value));
            free(value);
        } else if (strncmp(p, "NULL", 4) == 0) {
            p += 4;
        } else {
            free(key);
            return;
        }
        free(key);
    }
}

static void collect_tags(tag_set_t *t, const cJSON *props)
{
    if (!cJSON_IsObject(props)) return;
    add_object_tags(t, props, true);
    const cJSON *nested = cJSON_GetObjectItemCaseSensitive(props, "tags");
    if (cJSON_IsObject(nested)) add_object_tags(t, nested, false);
    const cJSON *other = cJSON_GetObjectItemCaseSensitive(props, "other_tags");
    if (cJSON_IsString(other) && other->valuestring) add_hstore_tags(t, other->valuestring);
}

/// Keys whose presence marks a feature as OpenStreetMap data.
static const char *const osm_keys[] = {
    "highway", "building", "railway", "amenity", "landuse", "natural", "leisure", "shop",
    "waterway", "barrier", "power", "man_made", "tourism", "historic", "area", "public_transport",
    "place", "boundary", "office", "craft", "emergency", "aeroway", "route",
    "building:part", "entrance", "junction", "addr:street", "addr:housenumber", "name:en",
    "osm_id", "osm_way_id", "osm_type", "@id", "other_tags",
};

static bool is_osm_id(const char *s)
{
    return s && (strncmp(s, "node/", 5) == 0 || strncmp(s, "way/", 4) == 0 ||
                 strncmp(s, "relation/", 9) == 0);
}

bool gops_osm_is_tagged(const cJSON *feature)
{
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(feature, "properties");
    const cJSON *fid = cJSON_GetObjectItemCaseSensitive(feature, "id");
    if (cJSON_IsString(fid) && is_osm_id(fid->valuestring)) return true;
    if (!cJSON_IsObject(props)) return false;
    if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(props, "tags"))) return true;
    const cJSON *pid = cJSON_GetObjectItemCaseSensitive(props, "id");
    if (cJSON_IsString(pid) && is_osm_id(pid->valuestring)) return true;
    for (size_t i = 0; i < sizeof osm_keys / sizeof osm_keys[0]; i++)
        if (cJSON_GetObjectItemCaseSensitive(props, osm_keys[i])) return true;
    return false;
}

typedef struct ctx {
    const char *where;
    gops_osm_mapping_t *out;
    bool nomem;
} ctx_t;

static void warn_tag(ctx_t *c, const char *key, const char *value, const char *expected)
{
    c->out->warnings++;
    gops_log(GOPS_LOG_WARN, "%s: ignoring OpenStreetMap tag %s=%s (expected %s); the default applies",
             c->where, key, value, expected);
}

static void put_string(ctx_t *c, cJSON *o, const char *key, const char *value)
{
    if (!value) return;
    if (!cJSON_AddStringToObject(o, key, value)) c->nomem = true;
}

static void put_number(ctx_t *c, cJSON *o, const char *key, double value)
{
    if (!cJSON_AddNumberToObject(o, key, value)) c->nomem = true;
}

static void put_bool(ctx_t *c, cJSON *o, const char *key, bool value)
{
    if (!cJSON_AddBoolToObject(o, key, value)) c->nomem = true;
}

/// Parses a whole positive integer tag value ("2"); 0 when it is anything else.
static int parse_count(const char *s)
{
    if (!s || !*s) return 0;
    char *end;
    long v = strtol(s, &end, 10);
    while (*end == ' ') end++;
    return (*end == '\0' && v > 0 && v <= 1000) ? (int)v : 0;
}

/// Parses a number followed by an optional unit; *unit receives the rest (trimmed).
static bool parse_measure(const char *s, double *value, const char **unit)
{
    if (!s) return false;
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v)) return false;
    while (*end == ' ') end++;
    *value = v;
    *unit = end;
    return true;
}

/// `maxspeed` in km/h: "50", "50 km/h", "30 mph"; anything else (none, signals, CN:urban)
/// is not a number and returns false.
static bool parse_speed(const char *s, double *kmh)
{
    double v;
    const char *unit;
    if (!parse_measure(s, &v, &unit) || v <= 0.0) return false;
    if (*unit == '\0' || strcmp(unit, "km/h") == 0 || strcmp(unit, "kmh") == 0 ||
        strcmp(unit, "kph") == 0) {
        *kmh = v;
        return true;
    }
    if (strcmp(unit, "mph") == 0) {
        *kmh = v * 1.609344;
        return true;
    }
    return false;
}

/// `width` in metres: "3", "3.5 m", "3.5m".
static bool parse_width(const char *s, double *m)
{
    double v;
    const char *unit;
    if (!parse_measure(s, &v, &unit) || v <= 0.0 || v > 100.0) return false;
    if (*unit == '\0' || strcmp(unit, "m") == 0) {
        *m = v;
        return true;
    }
    return false;
}

static const char *feature_id(const cJSON *feature, const cJSON *props, char *buf, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(props, "@id");
    if (cJSON_IsString(v) && v->valuestring && *v->valuestring) return v->valuestring;
    v = cJSON_GetObjectItemCaseSensitive(props, "id");
    if (cJSON_IsString(v) && v->valuestring && *v->valuestring) return v->valuestring;
    v = cJSON_GetObjectItemCaseSensitive(feature, "id");
    if (cJSON_IsString(v) && v->valuestring && *v->valuestring) return v->valuestring;
    if (cJSON_IsNumber(v)) {
        snprintf(buf, size, "%.17g", v->valuedouble);
        return buf;
    }
    static const char *const ogr_keys[][2] = {{"osm_way_id", "way/"}, {"osm_id", "osm/"}};
    for (int k = 0; k < 2; k++) {
        v = cJSON_GetObjectItemCaseSensitive(props, ogr_keys[k][0]);
        const char *text;
        char num[64];
        if (scalar_text(v, num, sizeof num, &text) && *text) {
            snprintf(buf, size, "%s%s", ogr_keys[k][1], text);
            return buf;
        }
    }
    return NULL;
}

static bool is_one_of(const char *s, const char *const *list)
{
    if (!s) return false;
    for (; *list; list++)
        if (strcmp(s, *list) == 0) return true;
    return false;
}

static int road_class_of(const char *hw)
{
    static const char *const arterial[] = {"primary", "primary_link", "trunk", "trunk_link", NULL};
    static const char *const secondary[] = {"secondary", "secondary_link", "tertiary",
                                            "tertiary_link", NULL};
    static const char *const local[] = {"residential", "unclassified", "living_street", NULL};
    if (is_one_of(hw, arterial)) return 0;
    if (is_one_of(hw, secondary)) return 1;
    if (is_one_of(hw, local)) return 2;
    if (hw && strcmp(hw, "service") == 0) return 3;
    return -1;
}

static void map_road(ctx_t *c, const tag_set_t *t, cJSON *p, int cls)
{
    static const char *const class_names[] = {"arterial", "secondary", "local", "service"};
    put_string(c, p, "kind", "road");
    put_string(c, p, "class", class_names[cls]);

    bool oneway = false, roundabout = false;
    const char *ow = tag_get(t, "oneway");
    const char *junction = tag_get(t, "junction");
    if (junction && (strcmp(junction, "roundabout") == 0 || strcmp(junction, "circular") == 0)) {
        roundabout = true;
        oneway = true; // OSM: roundabouts are one-way without saying so
    }
    if (ow) {
        static const char *const yes[] = {"yes", "true", "1", NULL};
        static const char *const rev[] = {"-1", "reverse", NULL};
        static const char *const no[] = {"no", "false", "0", NULL};
        if (is_one_of(ow, yes)) {
            oneway = true;
        } else if (is_one_of(ow, rev)) {
            oneway = true;
            c->out->reverse = true;
        } else if (is_one_of(ow, no)) {
            if (!roundabout) oneway = false;
        } else {
            warn_tag(c, "oneway", ow, "yes, no or -1");
        }
    }
    put_bool(c, p, "oneway", oneway);
    if (roundabout) put_bool(c, p, "roundabout", true);

    // OSM `lanes` counts both directions; ours counts one direction unless one-way.
    const char *lanes_text = tag_get(t, "lanes");
    if (lanes_text) {
        int total = parse_count(lanes_text);
        if (total == 0) {
            warn_tag(c, "lanes", lanes_text, "a positive whole number");
        } else if (oneway) {
            put_number(c, p, "lanes", total);
        } else {
            int fw = parse_count(tag_get(t, "lanes:forward"));
            int bw = parse_count(tag_get(t, "lanes:backward"));
            int per = fw > bw ? fw : bw;
            if (per == 0) per = (total + 1) / 2;
            put_number(c, p, "lanes", per);
        }
    }
    const char *ms = tag_get(t, "maxspeed");
    if (ms) {
        double kmh;
        if (parse_speed(ms, &kmh))
            put_number(c, p, "speed_kmh", kmh);
        else
            warn_tag(c, "maxspeed", ms, "a speed such as 50, \"50 km/h\" or \"30 mph\"");
    }
    const char *sw = tag_get(t, "sidewalk");
    if (sw) {
        if (strcmp(sw, "both") == 0 || strcmp(sw, "yes") == 0) {
            // both sides at the class default
        } else if (strcmp(sw, "left") == 0) {
            put_number(c, p, "sidewalk_right_m", 0.0);
        } else if (strcmp(sw, "right") == 0) {
            put_number(c, p, "sidewalk_left_m", 0.0);
        } else if (strcmp(sw, "no") == 0 || strcmp(sw, "none") == 0 ||
                   strcmp(sw, "separate") == 0) {
            // "separate": mapped as its own footway, which becomes a walkway.
            put_number(c, p, "sidewalk_m", 0.0);
        } else {
            warn_tag(c, "sidewalk", sw, "both, left, right, no or separate");
        }
    }
    const char *bw = tag_get(t, "busway");
    if (bw && strcmp(bw, "lane") == 0) put_bool(c, p, "bus_lane", true);
}

gops_status_t gops_osm_map_feature(const cJSON *feature, const char *geom_type, const char *where,
                                   gops_osm_mapping_t *out, gops_error_t *err)
{
    *out = (gops_osm_mapping_t){0};
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(feature, "properties");
    tag_set_t t = {0};
    collect_tags(&t, props);
    ctx_t c = {where, out, t.nomem};
    cJSON *p = NULL;
    if (c.nomem) goto done;

    bool is_point = geom_type && strcmp(geom_type, "Point") == 0;
    bool is_line = geom_type && strcmp(geom_type, "LineString") == 0;
    bool is_poly = geom_type && strcmp(geom_type, "Polygon") == 0;
    bool is_multi = geom_type && strcmp(geom_type, "MultiPolygon") == 0;
    const char *building = tag_get(&t, "building");
    const char *highway = tag_get(&t, "highway");
    const char *railway = tag_get(&t, "railway");
    const char *amenity = tag_get(&t, "amenity");
    const char *place = tag_get(&t, "place");

    p = cJSON_CreateObject();
    if (!p) {
        c.nomem = true;
        goto done;
    }
    bool mapped = false;
    if (building && strcmp(building, "no") != 0 && (is_poly || is_multi)) {
        if (is_multi) {
            const cJSON *geom = cJSON_GetObjectItemCaseSensitive(feature, "geometry");
            const cJSON *coords = cJSON_GetObjectItemCaseSensitive(geom, "coordinates");
            if (cJSON_GetArraySize(coords) != 1) goto done; // multi-part buildings: skipped
            out->single_part = true;
        }
        static const char *const mall[] = {"retail", "commercial", "mall", NULL};
        static const char *const residential[] = {"residential", "apartments", "house", NULL};
        static const char *const transit[] = {"train_station", "transportation", NULL};
        const char *cat = is_one_of(building, mall)          ? "mall"
                          : strcmp(building, "office") == 0   ? "office"
                          : is_one_of(building, residential) ? "residential"
                          : is_one_of(building, transit)     ? "transit"
                                                             : "other";
        put_string(&c, p, "kind", "building");
        put_string(&c, p, "category", cat);
        const char *levels = tag_get(&t, "building:levels");
        if (levels) {
            int n = parse_count(levels);
            if (n > 0 && n <= 200)
                put_number(&c, p, "floors", n);
            else
                warn_tag(&c, "building:levels", levels, "a whole number from 1 to 200");
        }
        mapped = true;
    } else if (highway && is_line && road_class_of(highway) >= 0) {
        map_road(&c, &t, p, road_class_of(highway));
        mapped = true;
    } else if (highway && is_line &&
               (strcmp(highway, "pedestrian") == 0 || strcmp(highway, "footway") == 0)) {
        out->buffer_m = strcmp(highway, "pedestrian") == 0 ? PEDESTRIAN_WIDTH_M : FOOTWAY_WIDTH_M;
        const char *w = tag_get(&t, "width");
        if (w) {
            double m;
            if (parse_width(w, &m))
                out->buffer_m = m;
            else
                warn_tag(&c, "width", w, "a width in metres up to 100");
        }
        put_string(&c, p, "kind", "walkway");
        mapped = true;
    } else if (is_poly && ((highway && strcmp(highway, "pedestrian") == 0) ||
                           (highway && strcmp(highway, "footway") == 0) ||
                           (place && strcmp(place, "square") == 0))) {
        bool square = place && strcmp(place, "square") == 0;
        bool street = highway && strcmp(highway, "pedestrian") == 0 && !square;
        put_string(&c, p, "kind", street ? "pedestrian_street" : "plaza");
        mapped = true;
    } else if (is_point && highway && strcmp(highway, "bus_stop") == 0) {
        put_string(&c, p, "kind", "transit");
        put_string(&c, p, "mode", "bus_stop");
        put_string(&c, p, "line", tag_get(&t, "route_ref"));
        mapped = true;
    } else if (is_point && railway && strcmp(railway, "subway_entrance") == 0) {
        put_string(&c, p, "kind", "transit");
        put_string(&c, p, "mode", "metro_exit");
        mapped = true;
    } else if (is_point && railway && (strcmp(railway, "station") == 0 || strcmp(railway, "halt") == 0)) {
        put_string(&c, p, "kind", "transit");
        put_string(&c, p, "mode", "rail_station");
        mapped = true;
    } else if (is_point && amenity &&
               (strcmp(amenity, "parking") == 0 || strcmp(amenity, "parking_entrance") == 0)) {
        put_string(&c, p, "kind", "transit");
        put_string(&c, p, "mode", "garage");
        const char *cap = tag_get(&t, "capacity");
        if (cap) {
            int n = parse_count(cap);
            if (n > 0)
                put_number(&c, p, "capacity", n);
            else
                warn_tag(&c, "capacity", cap, "a positive whole number");
        }
        mapped = true;
    }
    if (!mapped) goto done;

    char idbuf[96];
    put_string(&c, p, "id", feature_id(feature, props, idbuf, sizeof idbuf));
    put_string(&c, p, "name", tag_get(&t, "name"));
    put_string(&c, p, "name_en", tag_get(&t, "name:en"));
    if (c.nomem) goto done;
    out->props = p;
    p = NULL;

done:
    cJSON_Delete(p);
    tag_free(&t);
    if (c.nomem || t.nomem) {
        cJSON_Delete(out->props);
        out->props = NULL;
        return gops_error_set(err, GOPS_NOMEM, "%s: out of memory translating OpenStreetMap tags", where);
    }
    return GOPS_OK;
}
