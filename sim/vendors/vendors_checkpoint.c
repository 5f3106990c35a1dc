// SPDX-License-Identifier: MIT
// Checkpoints of the vendors model (vendors_checkpoint.h): vendor records, stalls and
// guidance points (inspections, queues, random streams), sites' footfall and occupancy, the
// pitch cells' streams, the stand-in patrols, merchants' counts, the street incidents and the
// open list, cleared areas, the footprints given to the crowd, this step's enforcers and every
// accumulator. Not stored: the sites' pitch cells, hot spots, posts and merchants' places
// (built from the map), callbacks (set again when the run is rebuilt), scratch weights, the
// footfall grid (counted afresh from the pedestrians at the start of every step).
#include "vendors/vendors_checkpoint.h"

#include "vendors/vendors_internal.h"

#include <stdlib.h>
#include <string.h>

void gops_vendors_save(const gops_world_t *world, const void *state, gops_ckpt_writer_t *w)
{
    (void)world;
    const gops_vendors_t *v = state;
    GOPS_CKPT_PUT(w, "vendors", v);
    GOPS_CKPT_PUT_ARRAY(w, "vendors.points", v->stalls.points, v->stalls.point_count);
    GOPS_CKPT_PUT_ARRAY(w, "vendors.stalls", v->stalls.stalls, v->stalls.stall_count);
    GOPS_CKPT_PUT_ARRAY(w, "vendors.sites", v->sites.sites, v->sites.count);
    GOPS_CKPT_PUT_ARRAY(w, "vendors.cell_stream", v->sites.cell_stream, v->sites.cell_total);
    GOPS_CKPT_PUT_ARRAY(w, "vendors.patrol_teams", v->patrols.teams, v->patrols.team_count);
    GOPS_CKPT_PUT_ARRAY(w, "vendors.patrol_post_modes", v->patrols.post_modes, v->patrols.post_count);
    GOPS_CKPT_PUT_ARRAY(w, "vendors.vendors", v->vendors, v->vendor_count);
    GOPS_CKPT_PUT_ARRAY(w, "vendors.incidents", v->incidents, v->incident_count);
    GOPS_CKPT_PUT_ARRAY(w, "vendors.open", v->open, v->open_count);
    GOPS_CKPT_PUT_ARRAY(w, "vendors.enforcers", v->enforcers, v->enforcer_count);
    for (uint32_t a = 0; a < v->area_count; a++)
        GOPS_CKPT_PUT_ARRAY(w, "vendors.area", v->areas[a].ring.pts, v->areas[a].ring.count);
    GOPS_CKPT_PUT_ARRAY(w, "vendors.site_cleared", v->site_cleared, v->site_cleared ? v->sites.count : 0);
    GOPS_CKPT_PUT_ARRAY(w, "vendors.point_cleared", v->point_cleared, v->point_cleared ? v->stalls.point_count : 0);
    GOPS_CKPT_PUT_ARRAY(w, "vendors.obstacles", v->obstacles, v->obstacle_count);
    GOPS_CKPT_PUT_ARRAY(w, "vendors.returns", v->acc.returns, v->acc.return_count);
}

/// A per-site or per-point flag array that exists only once an area was cleared.
static uint8_t *load_flags(gops_ckpt_reader_t *r, const char *tag, uint32_t n)
{
    uint64_t got = gops_ckpt_peek_count(r, tag);
    if (got != 0 && got != n) gops_ckpt_fail(r, "item \"%s\": %llu flags, expected %u", tag, (unsigned long long)got, n);
    uint8_t *flags = gops_ckpt_get_alloc(r, tag, 1, got, got);
    if (got == 0) {
        free(flags);
        return NULL;
    }
    return flags;
}

void gops_vendors_load(gops_world_t *world, void *state, gops_ckpt_reader_t *r)
{
    (void)world;
    gops_vendors_t *v = state, s;
    if (!GOPS_CKPT_GET(r, "vendors", &s)) return;
    if (s.stalls.point_count != v->stalls.point_count || s.stalls.stall_count != v->stalls.stall_count ||
        s.sites.count != v->sites.count || s.sites.cell_total != v->sites.cell_total ||
        s.footfall.nx != v->footfall.nx || s.footfall.ny != v->footfall.ny ||
        s.patrols.team_count != v->patrols.team_count || s.patrols.post_count != v->patrols.post_count ||
        s.incident_count > s.incident_cap || s.open_count > s.open_cap || s.enforcer_count > s.enforcer_cap ||
        s.obstacle_count > s.obstacle_cap || s.area_count > GOPS_VENDORS_AREA_MAX ||
        s.acc.return_count > s.acc.return_cap) {
        gops_ckpt_fail(r, "vendors with %u guidance points, %u stalls and %u sites, expected %u, %u and %u as this "
                       "scenario makes (was the scenario or the map changed?)",
                       s.stalls.point_count, s.stalls.stall_count, s.sites.count, v->stalls.point_count,
                       v->stalls.stall_count, v->sites.count);
        return;
    }
    gops_vendors_t fresh = *v;
    *v = s;
    v->world = fresh.world;
    v->district = fresh.district;
    v->enforcer_fn = fresh.enforcer_fn, v->enforcer_user = fresh.enforcer_user;
    v->report_fn = fresh.report_fn, v->report_user = fresh.report_user;
    v->ops = fresh.ops;
    v->site_weights = fresh.site_weights;
    v->sites.cells = fresh.sites.cells, v->sites.cell_stream = fresh.sites.cell_stream;
    v->sites.doors = fresh.sites.doors, v->sites.door_count = fresh.sites.door_count; // from the map
    v->footfall.count = fresh.footfall.count;
    v->patrols.hot = fresh.patrols.hot, v->patrols.posts = fresh.patrols.posts;
    v->patrols.teams = fresh.patrols.teams, v->patrols.post_modes = fresh.patrols.post_modes;
    v->merchants.at = fresh.merchants.at, v->merchants.partner = fresh.merchants.partner;
    v->merchants.cell_start = fresh.merchants.cell_start, v->merchants.order = fresh.merchants.order;
    v->stalls.points = fresh.stalls.points, v->stalls.stalls = fresh.stalls.stalls;
    v->sites.sites = fresh.sites.sites;

    // Fixed-size arrays: read in place.
    GOPS_CKPT_GET_ARRAY(r, "vendors.points", v->stalls.points, v->stalls.point_count);
    GOPS_CKPT_GET_ARRAY(r, "vendors.stalls", v->stalls.stalls, v->stalls.stall_count);
    GOPS_CKPT_GET_ARRAY(r, "vendors.sites", v->sites.sites, v->sites.count);
    GOPS_CKPT_GET_ARRAY(r, "vendors.cell_stream", v->sites.cell_stream, v->sites.cell_total);
    GOPS_CKPT_GET_ARRAY(r, "vendors.patrol_teams", v->patrols.teams, v->patrols.team_count);
    GOPS_CKPT_GET_ARRAY(r, "vendors.patrol_post_modes", v->patrols.post_modes, v->patrols.post_count);

    free(fresh.vendors);
    v->vendors = gops_ckpt_get_alloc(r, "vendors.vendors", sizeof *v->vendors, v->vendor_count, v->vendor_count);
    if (!v->vendors) v->vendor_count = v->licensee_count = 0;
    free(fresh.incidents);
    GOPS_CKPT_LOAD_ARRAY(r, "vendors.incidents", v->incidents, v->incident_count, v->incident_cap);
    if (!v->incidents) v->incident_cap = 0;
    free(fresh.open);
    GOPS_CKPT_LOAD_ARRAY(r, "vendors.open", v->open, v->open_count, v->open_cap);
    if (!v->open) v->open_cap = 0;
    free(fresh.enforcers);
    GOPS_CKPT_LOAD_ARRAY(r, "vendors.enforcers", v->enforcers, v->enforcer_count, v->enforcer_cap);
    if (!v->enforcers) v->enforcer_cap = 0;

    gops_vendors_areas_free(&fresh);
    for (uint32_t a = 0; a < v->area_count; a++) {
        gops_path_t *ring = &v->areas[a].ring;
        ring->pts = NULL; // the saved pointer means nothing here
        if (gops_ckpt_failed(r)) {
            ring->count = 0;
            continue;
        }
        GOPS_CKPT_LOAD_ARRAY(r, "vendors.area", ring->pts, ring->count, ring->count);
    }
    v->site_cleared = load_flags(r, "vendors.site_cleared", v->sites.count);
    v->point_cleared = load_flags(r, "vendors.point_cleared", v->stalls.point_count);

    free(fresh.obstacles), free(fresh.scratch);
    GOPS_CKPT_LOAD_ARRAY(r, "vendors.obstacles", v->obstacles, v->obstacle_count, v->obstacle_cap);
    v->scratch = calloc(v->obstacle_cap ? v->obstacle_cap : 1, sizeof *v->scratch);
    if (!v->obstacles || !v->scratch) {
        free(v->scratch);
        v->scratch = NULL;
        v->obstacle_count = v->obstacle_cap = 0;
        gops_ckpt_fail(r, "out of memory for the vendors' footprints");
    }
    free(fresh.acc.returns);
    GOPS_CKPT_LOAD_ARRAY(r, "vendors.returns", v->acc.returns, v->acc.return_count, v->acc.return_cap);
    if (!v->acc.returns) v->acc.return_cap = 0;
}
