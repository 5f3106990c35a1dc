// SPDX-License-Identifier: MIT
// The density trigger (density_trigger.h). Each tick it reads the tick's events in emission
// order, then decides once. A warning counts from the tick it fired (its reported density,
// the area's highest cell when the crowd's hold was complete, must reach enter_ppm2); the
// crowd fires at most one warning per area until that warning ends, so one time per area
// is kept. The switch is queued with gops_world_set_mode and applies at the next tick.
// Ordering: events in emission order, areas by index; nothing depends on thread count.
#include "ops/density_trigger.h"

#include "ops/ops_checkpoint.h"

#include "world/world_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SUBSYSTEM_NAME "density_trigger"
#define EPS_S 1e-9

gops_density_trigger_params_t gops_density_trigger_params_default(void)
{
    return (gops_density_trigger_params_t){.enter_ppm2 = 0.0, .enter_s = 600.0, .leave_s = 900.0};
}

gops_status_t gops_density_trigger_params_check(const gops_density_trigger_params_t *p, gops_error_t *err)
{
    if (!(p->enter_ppm2 >= 0 && p->enter_ppm2 <= 10))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "ops density trigger: enter_ppm2 %g is out of range: expected 0 (off) to 10 persons/m²",
                              p->enter_ppm2);
    if (!(p->enter_s >= 0 && p->enter_s <= 86400))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops density trigger: enter_s %g is out of range: expected 0 to 86400 s",
                              p->enter_s);
    if (!(p->leave_s >= 0 && p->leave_s <= 86400))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops density trigger: leave_s %g is out of range: expected 0 to 86400 s",
                              p->leave_s);
    return GOPS_OK;
}

void gops_density_trigger_init(gops_density_trigger_t *tr, const gops_density_trigger_params_t *params)
{
    memset(tr, 0, sizeof *tr);
    tr->params = *params;
    tr->before = GOPS_MODE_NORMAL;
}

void gops_density_trigger_free(gops_density_trigger_t *tr)
{
    free(tr->since);
    tr->since = NULL;
    tr->area_cap = 0;
}

static bool reserve(gops_density_trigger_t *tr, uint32_t area)
{
    if (area < tr->area_cap) return true;
    uint32_t cap = tr->area_cap ? tr->area_cap : 16;
    while (cap <= area) cap *= 2;
    double *grown = realloc(tr->since, cap * sizeof *grown);
    if (!grown) return false;
    for (uint32_t a = tr->area_cap; a < cap; a++) grown[a] = NAN;
    tr->since = grown;
    tr->area_cap = cap;
    return true;
}

bool gops_density_trigger_warning(gops_density_trigger_t *tr, uint32_t area, double density_ppm2, double t_s)
{
    if (!(density_ppm2 >= tr->params.enter_ppm2) || tr->params.enter_ppm2 <= 0) return true;
    if (!reserve(tr, area)) return false;
    if (isnan(tr->since[area])) {
        tr->since[area] = t_s;
        tr->active++;
    }
    return true;
}

void gops_density_trigger_cleared(gops_density_trigger_t *tr, uint32_t area, double t_s)
{
    if (area >= tr->area_cap || isnan(tr->since[area])) return; // it never counted
    tr->since[area] = NAN;
    if (--tr->active == 0) tr->clear_since = t_s;
}

int gops_density_trigger_decide(gops_density_trigger_t *tr, double t_s, gops_mode_t mode)
{
    if (tr->engaged && mode != GOPS_MODE_EMERGENCY) {
        // A scenario took over: it keeps its mode, and the trigger stays out until the
        // warnings that engaged it have all ended.
        tr->engaged = false;
        tr->overridden = true;
    }
    if (tr->active == 0) tr->overridden = false;
    if (!tr->engaged) {
        if (tr->active == 0 || tr->overridden || mode == GOPS_MODE_EMERGENCY) return -1;
        double first = INFINITY;
        for (uint32_t a = 0; a < tr->area_cap; a++)
            if (tr->since[a] < first) first = tr->since[a];
        if (t_s - first < tr->params.enter_s - EPS_S) return -1;
        tr->engaged = true;
        tr->before = mode;
        tr->entered++;
        return GOPS_MODE_EMERGENCY;
    }
    if (tr->active > 0 || t_s - tr->clear_since < tr->params.leave_s - EPS_S) return -1;
    tr->engaged = false;
    tr->left++;
    return (int)tr->before;
}

// ---- the subsystem ---------------------------------------------------------------------

static void step(gops_world_t *world, void *state, double dt)
{
    (void)dt;
    gops_density_trigger_t *tr = state;
    double t = gops_world_elapsed(world);
    uint32_t n;
    const gops_event_t *ev = gops_world_events(world, &n);
    for (uint32_t i = 0; i < n; i++) {
        if (ev[i].a < 0 || ev[i].a > (int64_t)UINT32_MAX - 1) continue;
        if (ev[i].type == GOPS_EVENT_DENSITY_WARNING)
            gops_density_trigger_warning(tr, (uint32_t)ev[i].a, (double)ev[i].b / 1000.0, t);
        else if (ev[i].type == GOPS_EVENT_DENSITY_CLEARED)
            gops_density_trigger_cleared(tr, (uint32_t)ev[i].a, t);
    }
    int to = gops_density_trigger_decide(tr, t, gops_world_mode(world));
    if (to >= 0) gops_world_set_mode(world, (gops_mode_t)to);
}

static void hash(const gops_world_t *world, const void *state, gops_hash_t *h)
{
    (void)world;
    const gops_density_trigger_t *tr = state;
    gops_hash_u64(h, tr->active);
    gops_hash_u64(h, tr->engaged);
    gops_hash_u64(h, tr->overridden);
    gops_hash_u64(h, (uint64_t)tr->before);
    gops_hash_u64(h, tr->entered);
    gops_hash_u64(h, tr->left);
    gops_hash_f64(h, tr->clear_since);
    for (uint32_t a = 0; a < tr->area_cap; a++)
        if (!isnan(tr->since[a])) gops_hash_f64(h, tr->since[a]);
}

static void destroy(void *state)
{
    gops_density_trigger_t *tr = state;
    if (!tr) return;
    gops_density_trigger_free(tr);
    free(tr);
}

gops_status_t gops_density_trigger_attach(gops_world_t *world, const gops_density_trigger_params_t *params,
                                          gops_error_t *err)
{
    gops_status_t st = gops_density_trigger_params_check(params, err);
    if (st != GOPS_OK) return st;
    gops_density_trigger_t *tr = malloc(sizeof *tr);
    if (!tr) return gops_error_set(err, GOPS_NOMEM, "out of memory for the ops density trigger");
    gops_density_trigger_init(tr, params);
    tr->world = world;
    st = gops_world_add_subsystem(world, SUBSYSTEM_NAME, gops_world_tick_seconds(world), tr, step, hash, destroy);
    if (st != GOPS_OK) {
        destroy(tr);
        return gops_error_set(err, st, "ops density trigger: the world's subsystem table is full");
    }
    gops_world_set_checkpoint(world, SUBSYSTEM_NAME, gops_density_trigger_save, gops_density_trigger_load);
    return GOPS_OK;
}

const gops_density_trigger_t *gops_density_trigger_of(const gops_world_t *world)
{
    return gops_world_subsystem(world, SUBSYSTEM_NAME);
}
