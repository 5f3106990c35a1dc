// SPDX-License-Identifier: MIT
// Building a district from a map (see district.h).
#include "world/district.h"

#include <string.h>

gops_status_t gops_district_build(gops_district_t *d, gops_map_t *map, double cell_m, gops_error_t *err)
{
    memset(d, 0, sizeof *d);
    d->map = map;
    gops_walkable_def_t wdef = gops_walkable_def_default();
    wdef.cell_m = cell_m;
    if (!(d->walk = gops_walkable_build(map, &wdef, err))) goto fail;
    if (!(d->roads = gops_road_graph_build(map, err))) goto fail;
    if (!(d->zones = gops_zone_index_build(map, err))) goto fail;
    gops_hash_t h;
    gops_hash_init(&h);
    gops_hash_f64(&h, d->walk->cell);
    gops_hash_f64(&h, d->walk->min_x);
    gops_hash_f64(&h, d->walk->min_y);
    gops_hash_u64(&h, (uint64_t)d->walk->nx << 32 | (uint32_t)d->walk->ny);
    gops_hash_bytes(&h, d->walk->bits, ((size_t)d->walk->nx * (size_t)d->walk->ny + 63) / 64 * sizeof(uint64_t));
    d->geometry_hash = gops_hash_final(&h);
    return GOPS_OK;
fail:
    gops_district_free(d);
    return err ? err->status : GOPS_INTERNAL;
}

gops_status_t gops_district_load(gops_district_t *d, const char *path, double cell_m, gops_error_t *err)
{
    memset(d, 0, sizeof *d);
    gops_map_t *map = gops_map_load(path, err);
    if (!map) return err ? err->status : GOPS_MAP;
    return gops_district_build(d, map, cell_m, err);
}

void gops_district_free(gops_district_t *d)
{
    gops_zone_index_destroy(d->zones);
    gops_road_graph_destroy(d->roads);
    gops_walkable_destroy(d->walk);
    gops_map_destroy(d->map);
    memset(d, 0, sizeof *d);
}

const char *gops_district_name(const gops_district_t *district, bool english)
{
    const gops_map_t *m = district ? district->map : NULL;
    for (uint32_t i = 0; m && i < m->feature_count; i++) {
        const gops_feature_t *b = &m->features[i];
        if (b->kind != GOPS_FEAT_BOUNDARY || (!b->name && !b->name_en)) continue;
        if (english) return b->name_en ? b->name_en : b->name;
        return b->name ? b->name : b->name_en;
    }
    return NULL;
}
