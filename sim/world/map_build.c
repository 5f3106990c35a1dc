// SPDX-License-Identifier: MIT
// Building maps in memory (see map_build.h). Features are allocated exactly as the GeoJSON
// loader allocates them, so gops_map_destroy frees both kinds of map.
#include "world/map_build.h"

#include "world/geometry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

gops_map_t *gops_map_new(const char *name)
{
    gops_map_t *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->path = strdup(name ? name : "lab");
    if (!m->path) {
        free(m);
        return NULL;
    }
    return m;
}

static int32_t add_feature(gops_map_t *m, gops_feature_kind_t kind, const char *id, gops_error_t *err)
{
    gops_feature_t *grown = realloc(m->features, (m->feature_count + 1) * sizeof *grown);
    if (!grown) {
        gops_error_set(err, GOPS_NOMEM, "%s: out of memory adding a feature", m->path);
        return -1;
    }
    m->features = grown;
    gops_feature_t *f = &m->features[m->feature_count];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->index = m->feature_count;
    f->id = id ? strdup(id) : NULL;
    if (kind == GOPS_FEAT_BUILDING) f->u.building.category = GOPS_BUILDING_OTHER;
    return (int32_t)m->feature_count++;
}

static gops_polygon_t *shape_of(gops_feature_t *f)
{
    return f->kind == GOPS_FEAT_BUILDING ? &f->u.building.shape : &f->shape;
}

int32_t gops_map_add_area(gops_map_t *m, gops_feature_kind_t kind, const char *id, const double *const *rings_xy,
                          const uint32_t *ring_points, uint32_t ring_count, gops_error_t *err)
{
    if (kind == GOPS_FEAT_ZONE || kind == GOPS_FEAT_ROAD || ring_count == 0) {
        gops_error_set(err, GOPS_BAD_VALUE, "%s: cannot build a %s area from %u rings", m->path,
                       gops_feature_kind_name(kind), ring_count);
        return -1;
    }
    int32_t index = add_feature(m, kind, id, err);
    if (index < 0) return -1;
    gops_polygon_t *poly = shape_of(&m->features[index]);
    poly->rings = calloc(ring_count, sizeof *poly->rings);
    if (!poly->rings) goto nomem;
    poly->ring_count = ring_count;
    for (uint32_t r = 0; r < ring_count; r++) {
        poly->rings[r].pts = malloc((ring_points[r] ? ring_points[r] : 1) * sizeof(gops_point_t));
        if (!poly->rings[r].pts) goto nomem;
        poly->rings[r].count = ring_points[r];
        for (uint32_t i = 0; i < ring_points[r]; i++)
            poly->rings[r].pts[i] = (gops_point_t){rings_xy[r][2 * i], rings_xy[r][2 * i + 1]};
    }
    return index;
nomem:
    gops_error_set(err, GOPS_NOMEM, "%s: out of memory adding a polygon", m->path);
    return -1;
}

int32_t gops_map_add_rect(gops_map_t *m, gops_feature_kind_t kind, const char *id, double x0, double y0, double x1,
                          double y1, gops_error_t *err)
{
    const double ring[8] = {x0, y0, x1, y0, x1, y1, x0, y1};
    const double *rings[1] = {ring};
    const uint32_t points[1] = {4};
    return gops_map_add_area(m, kind, id, rings, points, 1, err);
}

int32_t gops_map_add_point(gops_map_t *m, gops_feature_kind_t kind, const char *id, double x, double y,
                           gops_error_t *err)
{
    int32_t index = add_feature(m, kind, id, err);
    if (index >= 0) m->features[index].at = (gops_point_t){x, y};
    return index;
}

static void grow_bounds(gops_map_t *m, gops_point_t p, bool *first)
{
    if (*first) {
        m->min_x = m->max_x = p.x;
        m->min_y = m->max_y = p.y;
        *first = false;
        return;
    }
    m->min_x = fmin(m->min_x, p.x);
    m->max_x = fmax(m->max_x, p.x);
    m->min_y = fmin(m->min_y, p.y);
    m->max_y = fmax(m->max_y, p.y);
}

gops_status_t gops_map_finish(gops_map_t *m, gops_error_t *err)
{
    bool first = true;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        gops_feature_t *f = &m->features[i];
        gops_polygon_t *poly = shape_of(f);
        if (!poly->rings) {
            if (!isfinite(f->at.x) || !isfinite(f->at.y))
                return gops_error_set(err, GOPS_MAP, "%s: feature %u (%s): coordinates must be finite numbers", m->path, i,
                                      f->id ? f->id : gops_feature_kind_name(f->kind));
            grow_bounds(m, f->at, &first);
            continue;
        }
        for (uint32_t r = 0; r < poly->ring_count; r++) {
            if (poly->rings[r].count < 3)
                return gops_error_set(err, GOPS_MAP, "%s: feature %u (%s): ring %u has %u points, expected at least 3",
                                      m->path, i, f->id ? f->id : gops_feature_kind_name(f->kind), r,
                                      poly->rings[r].count);
            for (uint32_t k = 0; k < poly->rings[r].count; k++) {
                gops_point_t p = poly->rings[r].pts[k];
                if (!isfinite(p.x) || !isfinite(p.y))
                    return gops_error_set(err, GOPS_MAP, "%s: feature %u (%s): coordinates must be finite numbers",
                                          m->path, i, f->id ? f->id : gops_feature_kind_name(f->kind));
                grow_bounds(m, p, &first);
            }
        }
        gops_ring_defect_t defect;
        if (gops_polygon_find_defect(poly, &defect))
            return gops_error_set(err, GOPS_MAP,
                                  "%s: feature %u (%s): ring edges cross near (%.2f, %.2f): expected a simple polygon",
                                  m->path, i, f->id ? f->id : gops_feature_kind_name(f->kind), defect.at.x, defect.at.y);
        gops_polygon_normalize(poly);
        f->at = gops_polygon_centroid(poly);
    }
    if (first) return gops_error_set(err, GOPS_MAP, "%s: the map has no features", m->path);
    return GOPS_OK;
}
