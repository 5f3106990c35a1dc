// SPDX-License-Identifier: MIT
// Routing fields priced by measured crowding (route.h): summing the density windows,
// turning them into speeds, and recomputing the priced fields when the speeds moved.
// Ordering: the sums are taken cell by cell when a window closes, the refresh runs at the
// start of a crowd tick, and each field is a pure function of its sources, the masks and the
// speeds (computed in parallel by destination), so nothing depends on the thread count.
#include "crowd/route.h"

#include "crowd/crowd_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

gops_route_params_t gops_route_params_default(void)
{
    // A minute: the time a jam at a crossing takes to build or clear over a few signal
    // cycles, and long enough that a refresh (every destination's field, 0.65-0.71 s of one
    // core on the Erqi map) stays a few per cent of the run. Speed floor 0.1: a standing crowd costs
    // ten times its length, so a detour of a few hundred metres beats a jammed crosswalk but
    // people still walk into a crowd that is their destination. Change 0.05: Weidmann's speed
    // moves by that much between 0 and about 0.6 persons/m², so quiet streets do not trigger
    // recomputations.
    return (gops_route_params_t){.every_s = 60.0, .min_speed = 0.1f, .change = 0.05f};
}

float gops_route_speed_of_density(double ppm2, float min_speed)
{
    if (!(ppm2 > 0)) return 1.0f;
    double w = 1.0 - exp(-1.913 * (1.0 / ppm2 - 1.0 / 5.4));
    return w > min_speed ? (float)w : min_speed;
}

gops_status_t gops_crowd_route_init(gops_crowd_t *c, gops_error_t *err)
{
    gops_route_t *r = &c->route;
    r->next_s = r->params.every_s;
    float box = c->params.junction_box_speed < 1.0f ? c->params.junction_box_speed : 1.0f;
    r->slowest = r->params.min_speed * box;
    if (r->params.every_s <= 0) return GOPS_OK;
    const gops_walkable_t *w = c->district->walk;
    gops_density_grid_t g = gops_density_grid(c->density);
    r->cells = (uint32_t)g.nx * (uint32_t)g.ny;
    r->cell_of = malloc((w->count ? w->count : 1) * sizeof *r->cell_of);
    r->sum_ppm2 = calloc(r->cells ? r->cells : 1, sizeof *r->sum_ppm2);
    if (!r->cell_of || !r->sum_ppm2) return gops_error_set(err, GOPS_NOMEM, "out of memory for congestion routing");
    for (uint32_t i = 0; i < w->count; i++)
        r->cell_of[i] = gops_density_cell_at(c->density, gops_walkable_centre(w, w->cells[i]));
    return GOPS_OK;
}

void gops_crowd_route_free(gops_crowd_t *c)
{
    gops_route_t *r = &c->route;
    for (uint16_t k = 0; k < r->field_count; k++) gops_field_free(&r->fields[k]);
    free(r->fields), free(r->speed), free(r->cell_of), free(r->sum_ppm2);
    r->fields = NULL, r->speed = NULL, r->cell_of = NULL, r->sum_ppm2 = NULL;
    r->field_count = 0;
}

void gops_crowd_route_window(gops_crowd_t *c)
{
    gops_route_t *r = &c->route;
    if (!r->sum_ppm2) return;
    gops_density_grid_t g = gops_density_grid(c->density);
    for (uint32_t k = 0; k < r->cells; k++) r->sum_ppm2[k] += g.last_ppm2[k];
    r->windows++;
}

gops_status_t gops_crowd_route_reprice(gops_crowd_t *c, gops_error_t *err)
{
    gops_route_t *r = &c->route;
    if (!r->speed) return GOPS_OK;
    if (r->field_count < c->dest_count) { // destinations added since
        gops_field_t *f = realloc(r->fields, c->dest_count * sizeof *f);
        if (!f) return gops_error_set(err, GOPS_NOMEM, "out of memory for priced crowd fields");
        memset(f + r->field_count, 0, (c->dest_count - r->field_count) * sizeof *f);
        r->fields = f;
        r->field_count = c->dest_count;
    }
    return gops_crowd_compute_fields(c, r->speed, r->fields, err);
}

const gops_field_t *gops_crowd_route_field(const gops_crowd_t *c, uint16_t dest)
{
    const gops_route_t *r = &c->route;
    return dest < r->field_count && r->fields[dest].dist ? &r->fields[dest] : NULL;
}

// The speeds of the windows summed since the last refresh, into `out` (by walkable index);
// true when some cell moved by more than `change` from the speeds in use (from the
// unpriced ones, the junction-box price alone, when none are).
static bool measured_speeds(const gops_crowd_t *c, float *out)
{
    const gops_route_t *r = &c->route;
    const gops_walkable_t *w = c->district->walk;
    bool moved = false;
    for (uint32_t i = 0; i < w->count; i++) {
        uint32_t cell = r->cell_of[i];
        double ppm2 = cell < r->cells ? r->sum_ppm2[cell] / r->windows : 0.0;
        float base = c->field_speed ? c->field_speed[i] : 1.0f;
        out[i] = base * gops_route_speed_of_density(ppm2, r->params.min_speed);
        float in_use = r->speed ? r->speed[i] : base;
        moved |= fabsf(out[i] - in_use) > r->params.change;
    }
    return moved;
}

bool gops_crowd_route_crowded_at(const gops_crowd_t *c, float x, float y)
{
    const gops_route_t *r = &c->route;
    if (!r->speed) return false;
    const gops_walkable_t *w = c->district->walk;
    uint32_t cell = gops_walkable_cell_at(w, (gops_point_t){x, y});
    uint32_t k = cell == GOPS_WALKABLE_NONE ? GOPS_WALKABLE_NONE : gops_walkable_index(w, cell);
    if (k == GOPS_WALKABLE_NONE) return false;
    float base = c->field_speed ? c->field_speed[k] : 1.0f; // the price without crowding
    return r->speed[k] < base * (1.0f - r->params.change);
}

gops_status_t gops_crowd_route_step(gops_crowd_t *c, double now_s, gops_error_t *err)
{
    gops_route_t *r = &c->route;
    if (!r->sum_ppm2 || now_s + 1e-9 < r->next_s) return GOPS_OK;
    r->next_s += r->params.every_s;
    if (r->windows == 0) return GOPS_OK;
    const gops_walkable_t *w = c->district->walk;
    float *speed = malloc((w->count ? w->count : 1) * sizeof *speed);
    if (!speed) return gops_error_set(err, GOPS_NOMEM, "out of memory pricing crowd fields");
    bool moved = measured_speeds(c, speed);
    memset(r->sum_ppm2, 0, r->cells * sizeof *r->sum_ppm2);
    r->windows = 0;
    if (!moved) {
        free(speed);
        return GOPS_OK;
    }
    float *old = r->speed;
    r->speed = speed;
    gops_status_t st = gops_crowd_route_reprice(c, err);
    if (st != GOPS_OK) { // keep the fields and speeds in use
        r->speed = old;
        free(speed);
        return st;
    }
    free(old);
    r->refreshes++;
    return GOPS_OK;
}
