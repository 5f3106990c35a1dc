// SPDX-License-Identifier: MIT
// Map lint checks (map_lint.h) over the walkable raster, the road graph and the zone index.
// Ordering rules: findings are grouped by kind in enum order; within a kind they follow
// category, component number or feature index, as each check lists them.
#include "world/map_lint.h"

#include "core/assert.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gops_map_lint_def_t gops_map_lint_def_default(void)
{
    return (gops_map_lint_def_t){.walkable = gops_walkable_def_default(), .overlap_step_m = 0};
}

const char *gops_lint_kind_name(gops_lint_kind_t kind)
{
    static const char *const names[GOPS_LINT_KIND_COUNT] = {
        "gap", "overlap", "component", "unreachable", "stranded",
        "road_isolated", "no_boundary", "many_boundaries", "stray_junction",
    };
    return (unsigned)kind < GOPS_LINT_KIND_COUNT ? names[kind] : "?";
}

const char *gops_lint_severity_name(gops_lint_severity_t severity)
{
    switch (severity) {
    case GOPS_LINT_ERROR: return "error";
    case GOPS_LINT_WARNING: return "warning";
    case GOPS_LINT_NOTE: return "note";
    }
    return "?";
}

typedef struct lint_ctx {
    const gops_map_t *map;
    gops_map_lint_t *lint;
    uint32_t cap;
    gops_error_t *err;
} lint_ctx_t;

// "'id' (feature 12)": the id, else the name, else nothing but the index.
static const char *label(const gops_map_t *map, uint32_t f, char *buf, size_t size)
{
    const gops_feature_t *feat = &map->features[f];
    const char *text = feat->id ? feat->id : feat->name;
    if (text) snprintf(buf, size, "'%s' (feature %u)", text, feat->index);
    else snprintf(buf, size, "feature %u", feat->index);
    return buf;
}

static gops_lint_finding_t *add(lint_ctx_t *c, gops_lint_kind_t kind, gops_lint_severity_t sev,
                                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static gops_lint_finding_t *add(lint_ctx_t *c, gops_lint_kind_t kind, gops_lint_severity_t sev,
                                const char *fmt, ...)
{
    gops_map_lint_t *l = c->lint;
    if (l->count == c->cap) {
        uint32_t cap = c->cap ? 2 * c->cap : 32;
        gops_lint_finding_t *grown = realloc(l->findings, cap * sizeof *grown);
        if (!grown) {
            gops_error_set(c->err, GOPS_NOMEM, "map lint: out of memory for findings");
            return NULL;
        }
        l->findings = grown;
        c->cap = cap;
    }
    gops_lint_finding_t *f = &l->findings[l->count++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->severity = sev;
    f->feature = f->other = f->category = -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
    if (sev == GOPS_LINT_ERROR) l->errors++;
    else if (sev == GOPS_LINT_WARNING) l->warnings++;
    else l->notes++;
    return f;
}

static void locate(const gops_map_t *map, gops_lint_finding_t *f, gops_point_t p)
{
    f->located = true;
    f->at = p;
    gops_unproject(map->origin_lon, map->origin_lat, p.x, p.y, &f->lon, &f->lat);
}

static gops_status_t check_gaps(lint_ctx_t *c, const gops_walkable_t *w)
{
    gops_map_lint_t *l = c->lint;
    double cell_m2 = w->cell * w->cell;
    for (uint32_t i = 0; i < l->gap_count;) {
        gops_category_t cat = l->gaps[i].category;
        uint32_t cells = 0, points = 0, groups = 0, best = i;
        uint32_t j = i;
        for (; j < l->gap_count && l->gaps[j].category == cat; j++) {
            const gops_coverage_gap_t *g = &l->gaps[j];
            cells += g->cells;
            points += g->road_points;
            groups++;
            const gops_coverage_gap_t *b = &l->gaps[best];
            if (g->cells + g->road_points > b->cells + b->road_points) best = j;
        }
        const gops_coverage_gap_t *b = &l->gaps[best];
        char where[200];
        if (b->zone >= 0) {
            char lab[160];
            snprintf(where, sizeof where, "most in zone %s", label(c->map, (uint32_t)b->zone, lab, sizeof lab));
        } else {
            snprintf(where, sizeof where, "most outside every zone");
        }
        gops_lint_finding_t *f =
            add(c, GOPS_LINT_GAP, GOPS_LINT_ERROR,
                "no unit is responsible for '%s' at %u walkable cells (%.0f m2) and %u road points, "
                "in %u place(s), %s",
                gops_category_name(cat), cells, cells * cell_m2, points, groups, where);
        if (!f) return c->err->status;
        f->category = (int32_t)cat;
        f->feature = b->zone;
        f->cells = cells;
        f->road_points = points;
        f->area_m2 = cells * cell_m2;
        locate(c->map, f, b->example);
        i = j;
    }
    return GOPS_OK;
}

static gops_status_t check_overlaps(lint_ctx_t *c, const gops_zone_index_t *zi, double step)
{
    gops_zone_overlap_t *ov = NULL;
    uint32_t n = 0;
    gops_status_t st = gops_zone_index_overlaps(zi, step, &ov, &n, c->err);
    if (st != GOPS_OK) return st;
    for (uint32_t i = 0; i < n; i++) {
        char la[160], lb[160];
        gops_lint_finding_t *f =
            add(c, GOPS_LINT_OVERLAP, GOPS_LINT_NOTE, "%s zones %s and %s overlap by about %.0f m2",
                gops_zone_level_name(ov[i].level), label(c->map, ov[i].a, la, sizeof la),
                label(c->map, ov[i].b, lb, sizeof lb), ov[i].area_m2);
        if (!f) {
            st = c->err->status;
            break;
        }
        f->feature = (int32_t)ov[i].a;
        f->other = (int32_t)ov[i].b;
        f->area_m2 = ov[i].area_m2;
        locate(c->map, f, ov[i].example);
    }
    free(ov);
    return st;
}

static bool is_destination(gops_feature_kind_t kind)
{
    return kind == GOPS_FEAT_ENTRANCE || kind == GOPS_FEAT_TRANSIT;
}

static gops_status_t check_components(lint_ctx_t *c, const gops_walkable_t *w)
{
    uint32_t n = w->component_count;
    uint32_t *first = malloc((n + 1) * sizeof *first);
    uint32_t *dest = calloc(n + 1, sizeof *dest);
    int32_t *dest_example = malloc((n + 1) * sizeof *dest_example);
    gops_status_t st = GOPS_OK;
    if (!first || !dest || !dest_example) {
        st = gops_error_set(c->err, GOPS_NOMEM, "map lint: out of memory");
        goto cleanup;
    }
    for (uint32_t k = 0; k < n; k++) {
        first[k] = GOPS_WALKABLE_NONE;
        dest_example[k] = -1;
    }
    for (uint32_t i = 0; i < w->count; i++)
        if (first[w->component[i]] == GOPS_WALKABLE_NONE) first[w->component[i]] = i;
    for (uint32_t a = 0; a < w->anchor_count; a++) {
        const gops_walkable_anchor_t *an = &w->anchors[a];
        if (an->component == GOPS_WALKABLE_NONE || !is_destination(c->map->features[an->feature].kind))
            continue;
        if (dest[an->component]++ == 0) dest_example[an->component] = (int32_t)an->feature;
    }
    double cell_m2 = w->cell * w->cell;
    for (uint32_t k = 0; k < n; k++) {
        if (k == w->largest) continue;
        double area = w->component_size[k] * cell_m2;
        if (dest[k] == 0 && !(area > GOPS_LINT_MINOR_COMPONENT_M2)) continue;
        double main_m2 = w->component_size[w->largest] * cell_m2;
        char lab[160];
        gops_lint_finding_t *f =
            dest[k] ? add(c, GOPS_LINT_COMPONENT, GOPS_LINT_ERROR,
                          "a walkable area of %.0f m2 (component %u) is cut off from the main one "
                          "(%.0f m2); it holds %u entrance(s) or transit point(s), e.g. %s",
                          area, k, main_m2, dest[k],
                          label(c->map, (uint32_t)dest_example[k], lab, sizeof lab))
                    : add(c, GOPS_LINT_COMPONENT, GOPS_LINT_ERROR,
                          "a walkable area of %.0f m2 (component %u) is cut off from the main one "
                          "(%.0f m2)",
                          area, k, main_m2);
        if (!f) {
            st = c->err->status;
            goto cleanup;
        }
        f->feature = dest_example[k];
        f->cells = w->component_size[k];
        f->area_m2 = area;
        locate(c->map, f, gops_walkable_centre(w, w->cells[first[k]]));
    }
cleanup:
    free(first);
    free(dest);
    free(dest_example);
    return st;
}

static gops_status_t check_anchors(lint_ctx_t *c, const gops_walkable_t *w, double snap_m)
{
    double cell_m2 = w->cell * w->cell;
    for (uint32_t a = 0; a < w->anchor_count; a++) {
        const gops_walkable_anchor_t *an = &w->anchors[a];
        const gops_feature_t *feat = &c->map->features[an->feature];
        bool dest = is_destination(feat->kind);
        gops_lint_kind_t kind = dest ? GOPS_LINT_UNREACHABLE : GOPS_LINT_STRANDED;
        gops_lint_severity_t sev = dest ? GOPS_LINT_ERROR : GOPS_LINT_WARNING;
        char lab[160];
        label(c->map, an->feature, lab, sizeof lab);
        gops_lint_finding_t *f = NULL;
        if (an->walk == GOPS_WALKABLE_NONE) {
            f = add(c, kind, sev, "%s %s has no walkable cell within %g m",
                    gops_feature_kind_name(feat->kind), lab, snap_m);
        } else if (an->component != w->largest) {
            f = add(c, kind, sev,
                    "%s %s lies in a walkable area cut off from the main one (component %u, %.0f m2)",
                    gops_feature_kind_name(feat->kind), lab, an->component,
                    w->component_size[an->component] * cell_m2);
            if (f) {
                f->cells = w->component_size[an->component];
                f->area_m2 = f->cells * cell_m2;
            }
        } else {
            continue;
        }
        if (!f) return c->err->status;
        f->feature = (int32_t)an->feature;
        locate(c->map, f, feat->at);
    }
    return GOPS_OK;
}

static gops_status_t check_roads(lint_ctx_t *c, const gops_road_graph_t *g)
{
    for (uint32_t r = 0; r < g->road_count; r++) {
        const gops_road_info_t *info = &g->roads[r];
        if (info->main_arcs > 0) continue;
        char lab[160];
        label(c->map, info->feature, lab, sizeof lab);
        gops_lint_finding_t *f =
            info->shares_node
                ? add(c, GOPS_LINT_ROAD_ISOLATED, GOPS_LINT_ERROR,
                      "road %s is not connected both ways to the main road network (%u of %u nodes): "
                      "vehicles cannot reach it or cannot leave it",
                      lab, g->component_size[g->largest_component], g->node_count)
                : add(c, GOPS_LINT_ROAD_ISOLATED, GOPS_LINT_ERROR,
                      "road %s meets no other road", lab);
        if (!f) return c->err->status;
        f->feature = (int32_t)info->feature;
        const gops_path_t *line = &c->map->features[info->feature].u.road.line;
        locate(c->map, f, line->pts[line->count / 2]);
    }
    for (uint32_t j = 0; j < g->stray_junction_count; j++) {
        uint32_t fi = g->stray_junctions[j];
        char lab[160];
        gops_lint_finding_t *f =
            add(c, GOPS_LINT_STRAY_JUNCTION, GOPS_LINT_WARNING,
                "junction %s is not at a road node (none within %g m); its control is ignored",
                label(c->map, fi, lab, sizeof lab), GOPS_ROAD_JUNCTION_SNAP_M);
        if (!f) return c->err->status;
        f->feature = (int32_t)fi;
        locate(c->map, f, c->map->features[fi].at);
    }
    return GOPS_OK;
}

static gops_status_t check_boundary(lint_ctx_t *c)
{
    uint32_t n = 0;
    int32_t second = -1;
    for (uint32_t f = 0; f < c->map->feature_count; f++)
        if (c->map->features[f].kind == GOPS_FEAT_BOUNDARY && n++ == 1) second = (int32_t)f;
    if (n == 0) {
        if (!add(c, GOPS_LINT_NO_BOUNDARY, GOPS_LINT_WARNING,
                 "the map has no 'boundary' feature (expected exactly one: the district's outline)"))
            return c->err->status;
    } else if (n > 1) {
        char lab[160];
        gops_lint_finding_t *f =
            add(c, GOPS_LINT_MANY_BOUNDARIES, GOPS_LINT_WARNING,
                "the map has %u 'boundary' features, expected exactly one (the second is %s)", n,
                label(c->map, (uint32_t)second, lab, sizeof lab));
        if (!f) return c->err->status;
        f->feature = second;
    }
    return GOPS_OK;
}

// Regroups findings by kind (enum order), keeping each check's order within a kind.
static gops_status_t group_by_kind(gops_map_lint_t *lint, gops_error_t *err)
{
    if (lint->count < 2) return GOPS_OK;
    gops_lint_finding_t *sorted = malloc(lint->count * sizeof *sorted);
    if (!sorted) return gops_error_set(err, GOPS_NOMEM, "map lint: out of memory");
    uint32_t at = 0;
    for (int k = 0; k < GOPS_LINT_KIND_COUNT; k++)
        for (uint32_t j = 0; j < lint->count; j++)
            if (lint->findings[j].kind == (gops_lint_kind_t)k) sorted[at++] = lint->findings[j];
    GOPS_ASSERT(at == lint->count);
    free(lint->findings);
    lint->findings = sorted;
    return GOPS_OK;
}

gops_map_lint_t *gops_map_lint_run(const gops_map_t *map, const gops_map_lint_def_t *def_in,
                                   gops_error_t *err)
{
    GOPS_ASSERT(map != NULL);
    gops_map_lint_def_t def = def_in ? *def_in : gops_map_lint_def_default();
    gops_map_lint_t *lint = calloc(1, sizeof *lint);
    gops_walkable_t *walk = NULL;
    gops_road_graph_t *graph = NULL;
    gops_zone_index_t *zones = NULL;
    gops_error_t local;
    if (!err) err = &local;
    if (!lint) {
        gops_error_set(err, GOPS_NOMEM, "map lint: out of memory");
        return NULL;
    }
    lint_ctx_t c = {.map = map, .lint = lint, .err = err};
    if (!(walk = gops_walkable_build(map, &def.walkable, err))) goto fail;
    if (!(graph = gops_road_graph_build(map, err))) goto fail;
    if (!(zones = gops_zone_index_build(map, err))) goto fail;

    lint->cell_m = walk->cell;
    lint->nx = walk->nx;
    lint->ny = walk->ny;
    lint->walkable_m2 = gops_walkable_area_m2(walk);
    lint->walkable_components = walk->component_count;
    lint->largest_component_m2 =
        walk->largest == GOPS_WALKABLE_NONE ? 0 : walk->component_size[walk->largest] * walk->cell * walk->cell;
    lint->road_nodes = graph->node_count;
    lint->road_edges = graph->edge_count;
    lint->road_turns = graph->turn_count;
    lint->road_components = graph->component_count;
    for (uint32_t v = 0; v < graph->node_count; v++) lint->road_gateways += graph->nodes[v].gateway;
    lint->anchors = walk->anchor_count;
    lint->zones = zones->zone_count;

    if (gops_zone_index_gaps(zones, walk, &lint->gaps, &lint->gap_count, err) != GOPS_OK) goto fail;
    if (check_gaps(&c, walk) != GOPS_OK) goto fail;
    if (check_overlaps(&c, zones, def.overlap_step_m) != GOPS_OK) goto fail;
    if (check_components(&c, walk) != GOPS_OK) goto fail;
    if (check_anchors(&c, walk, def.walkable.snap_radius_m) != GOPS_OK) goto fail;
    if (check_roads(&c, graph) != GOPS_OK) goto fail;
    if (check_boundary(&c) != GOPS_OK) goto fail;
    if (group_by_kind(lint, err) != GOPS_OK) goto fail;
    gops_walkable_destroy(walk);
    gops_road_graph_destroy(graph);
    gops_zone_index_destroy(zones);
    return lint;
fail:
    gops_walkable_destroy(walk);
    gops_road_graph_destroy(graph);
    gops_zone_index_destroy(zones);
    gops_map_lint_destroy(lint);
    return NULL;
}

void gops_map_lint_destroy(gops_map_lint_t *lint)
{
    if (!lint) return;
    free(lint->findings);
    free(lint->gaps);
    free(lint);
}

int gops_map_lint_exit_code(const gops_map_lint_t *lint)
{
    return lint->errors > 0 ? 1 : 0;
}
