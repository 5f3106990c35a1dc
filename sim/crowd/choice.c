// SPDX-License-Identifier: MIT
// Congestion-aware choice (choice.h): groups, the census of queues, and the staggered
// re-evaluation. Ordering: the census runs over pedestrians in index order before anyone
// decides in that tick, and each decision reads only the census, the pedestrian's own state
// and the fields, so decisions do not depend on each other's order; who decides in a tick is
// fixed by (tick, pedestrian id). Nothing depends on threads. Does not compute fields.
#include "crowd/choice.h"

#include "crowd/actions.h"
#include "crowd/crowd_internal.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gops_choice_params_t gops_choice_params_default(void)
{
    // every 5 s: often enough to react to a queue forming within a few metres of walking,
    // rarely enough that people do not flip back and forth; radius 5 m: the queue in front
    // of a door; 1.3 persons/(m·s): between Weidmann's walkway capacity (1.22) and measured
    // bottleneck flows (Seyfried et al. 2009: 1.6-1.9 for 0.8-1.2 m); margin 2 s: a switch
    // must save more than a couple of steps' hesitation.
    return (gops_choice_params_t){.every_s = 5.0, .radius_m = 5.0, .flow_per_m_s = 1.3, .margin_s = 2.0};
}

void gops_choice_free(gops_choice_t *ch)
{
    free(ch->groups);
    memset(ch, 0, sizeof *ch);
}

// Door width of destination `dest`: its cells with a walkable 4-neighbour outside it, times
// the cell size (at least one cell).
static float door_width(const gops_crowd_t *c, uint16_t dest)
{
    const gops_walkable_t *w = c->district->walk;
    const destination_cells_t *dc = &c->dest_cells[dest];
    uint8_t *member = calloc(w->count ? w->count : 1, 1);
    if (!member) return (float)w->cell;
    for (uint32_t k = 0; k < dc->count; k++) member[dc->cells[k]] = 1;
    uint32_t door = 0;
    for (uint32_t k = 0; k < dc->count; k++) {
        uint32_t cell = w->cells[dc->cells[k]];
        int64_t cx = (int64_t)(cell % (uint32_t)w->nx), cy = (int64_t)(cell / (uint32_t)w->nx);
        static const int off[4][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
        bool facing = false;
        for (int n = 0; n < 4 && !facing; n++) {
            int64_t x = cx + off[n][0], y = cy + off[n][1];
            if (x < 0 || y < 0 || x >= w->nx || y >= w->ny) continue;
            uint32_t idx = gops_walkable_index(w, (uint32_t)(y * w->nx + x));
            facing = idx != GOPS_WALKABLE_NONE && !member[idx];
        }
        door += facing;
    }
    free(member);
    return (float)((door ? door : 1) * w->cell);
}

static bool is_lab_exit(const gops_crowd_t *c, uint16_t dest)
{
    for (uint32_t i = 0; i < c->exit_count; i++)
        if (c->exits[i].dest == dest) return true;
    return false;
}

// The group and member index of destination `dest`, or false.
static bool member_of(const gops_choice_t *ch, uint16_t dest, uint32_t *group, uint32_t *member)
{
    for (uint32_t g = 0; g < ch->count; g++)
        for (uint32_t m = 0; m < ch->groups[g].count; m++)
            if (ch->groups[g].members[m] == dest) {
                *group = g;
                *member = m;
                return true;
            }
    return false;
}

gops_status_t gops_crowd_add_choice(gops_crowd_t *c, const char *name, const uint16_t *members, uint32_t count,
                                    const gops_choice_params_t *p, gops_error_t *err)
{
    if (!name || !name[0] || strlen(name) >= 64)
        return gops_error_set(err, GOPS_BAD_VALUE, "congestion choice: name: expected 1..63 bytes");
    if (gops_crowd_choice_group(c, name))
        return gops_error_set(err, GOPS_BAD_VALUE, "congestion choice \"%s\" is declared twice", name);
    if (count < 2 || count > GOPS_CHOICE_MAX_MEMBERS)
        return gops_error_set(err, GOPS_BAD_VALUE, "congestion choice \"%s\": %u alternatives, expected 2..%d", name,
                              count, GOPS_CHOICE_MAX_MEMBERS);
    if (!(p->every_s > 0 && p->every_s <= 3600) || !(p->radius_m > 0 && p->radius_m <= 500) ||
        !(p->flow_per_m_s > 0 && p->flow_per_m_s <= 10) || !(p->margin_s >= 0 && p->margin_s <= 3600))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "congestion choice \"%s\": every %g s, radius %g m, flow %g /(m·s), margin %g s: "
                              "expected 0 < every <= 3600, 0 < radius <= 500, 0 < flow <= 10, 0 <= margin <= 3600",
                              name, p->every_s, p->radius_m, p->flow_per_m_s, p->margin_s);
    bool lab = is_lab_exit(c, members[0]);
    for (uint32_t m = 0; m < count; m++) {
        uint16_t d = members[m];
        if (d >= c->dest_count)
            return gops_error_set(err, GOPS_BAD_VALUE, "congestion choice \"%s\": unknown destination %u", name, d);
        for (uint32_t q = 0; q < m; q++)
            if (members[q] == d)
                return gops_error_set(err, GOPS_BAD_VALUE, "congestion choice \"%s\": \"%s\" is listed twice", name,
                                      gops_crowd_destination_name(c, d));
        uint32_t g, k;
        if (member_of(&c->choice, d, &g, &k))
            return gops_error_set(err, GOPS_BAD_VALUE, "congestion choice \"%s\": \"%s\" already belongs to \"%s\"", name,
                                  gops_crowd_destination_name(c, d), c->choice.groups[g].name);
        bool same_kind = lab ? is_lab_exit(c, d)
                             : !is_lab_exit(c, d) && c->demand &&
                                   gops_demand_destinations(c->demand)->dest[d].cls ==
                                       gops_demand_destinations(c->demand)->dest[members[0]].cls;
        if (!same_kind)
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "congestion choice \"%s\": \"%s\" is not of the same kind as \"%s\" (expected all "
                                  "lab exits, or places of one kind)",
                                  name, gops_crowd_destination_name(c, d), gops_crowd_destination_name(c, members[0]));
    }
    gops_choice_group_t *grown = realloc(c->choice.groups, (c->choice.count + 1) * sizeof *grown);
    if (!grown) return gops_error_set(err, GOPS_NOMEM, "out of memory for congestion choice \"%s\"", name);
    c->choice.groups = grown;
    gops_choice_group_t *g = &grown[c->choice.count++];
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "%s", name);
    g->count = count;
    g->params = *p;
    for (uint32_t m = 0; m < count; m++) {
        g->members[m] = members[m];
        g->width_m[m] = door_width(c, members[m]);
    }
    c->choice.next_census_s = 0; // count queues at the next tick
    return GOPS_OK;
}

const gops_choice_group_t *gops_crowd_choice_group(const gops_crowd_t *c, const char *name)
{
    for (uint32_t g = 0; g < c->choice.count; g++)
        if (strcmp(c->choice.groups[g].name, name) == 0) return &c->choice.groups[g];
    return NULL;
}

static void census(gops_crowd_t *c)
{
    const gops_walkable_t *w = c->district->walk;
    for (uint32_t g = 0; g < c->choice.count; g++) {
        gops_choice_group_t *gr = &c->choice.groups[g];
        for (uint32_t m = 0; m < gr->count; m++) {
            const gops_field_t *f = &c->fields[gr->members[m]];
            uint32_t n = 0;
            for (uint32_t i = 0; f->dist && i < c->peds.count; i++)
                if (c->mode[i] == PED_WALK || c->mode[i] == PED_QUEUED)
                    n += gops_field_sample(w, f, c->peds.x[i], c->peds.y[i]) <= gr->params.radius_m;
            gr->queue[m] = n;
        }
    }
}

// Flow member m can serve, persons/s: its door width at the group's specific flow, capped
// by a lab exit's meter.
static double capacity(const gops_crowd_t *c, const gops_choice_group_t *gr, uint32_t m)
{
    double j = gr->params.flow_per_m_s * gr->width_m[m];
    bool closed;
    double meter;
    if (gops_crowd_exit_state(c, gr->members[m], &closed, &meter) && meter > 0 && meter / 60.0 < j) j = meter / 60.0;
    return j;
}

static bool member_open(const gops_crowd_t *c, uint16_t dest)
{
    bool closed;
    double meter;
    if (gops_crowd_exit_state(c, dest, &closed, &meter)) return !closed;
    return !c->demand || !gops_demand_is_closed(c->demand, dest);
}

// The rule of choice.h for pedestrian i in group gr, currently heading for member `cur`.
static void decide(gops_crowd_t *c, gops_choice_group_t *gr, uint32_t cur, uint32_t i)
{
    const gops_walkable_t *w = c->district->walk;
    float x = c->peds.x[i], y = c->peds.y[i];
    double v0 = c->peds.v0[i] > 0.1f ? c->peds.v0[i] : 0.1;
    double cost[GOPS_CHOICE_MAX_MEMBERS];
    for (uint32_t m = 0; m < gr->count; m++) cost[m] = INFINITY; // cost[cur] is read before its turn
    uint32_t best = cur;
    for (uint32_t m = 0; m < gr->count; m++) {
        const gops_field_t *f = &c->fields[gr->members[m]];
        if (!f->dist || !member_open(c, gr->members[m])) continue;
        double d = gops_field_sample(w, f, x, y);
        if (!isfinite(d)) continue;
        double queue = gr->queue[m];
        if (d <= gr->params.radius_m && queue >= 1) queue -= 1; // counted itself
        cost[m] = d / v0 + queue / capacity(c, gr, m);
        if (cost[m] < cost[best] || (!isfinite(cost[best]) && isfinite(cost[m]))) best = m;
    }
    gr->evaluations++;
    if (best == cur || !isfinite(cost[best])) return;
    if (isfinite(cost[cur]) && !(cost[best] + gr->params.margin_s < cost[cur])) return;
    if (gops_crowd_redirect(c, i, gr->members[best])) gr->switches++;
}

void gops_choice_step(gops_crowd_t *c, double now_s, double dt)
{
    gops_choice_t *ch = &c->choice;
    if (ch->count == 0 || c->peds.count == 0) return;
    if (now_s + 1e-9 >= ch->next_census_s) {
        census(c);
        ch->next_census_s = now_s + GOPS_CHOICE_CENSUS_S;
    }
    uint64_t tick = (uint64_t)llround(now_s / dt);
    for (uint32_t i = 0; i < c->peds.count; i++) {
        if (c->mode[i] != PED_WALK) continue;
        uint32_t g, m;
        if (!member_of(ch, c->peds.dest[i], &g, &m)) continue;
        gops_choice_group_t *gr = &ch->groups[g];
        uint64_t period = (uint64_t)llround(gr->params.every_s / dt);
        if (period == 0) period = 1;
        if ((tick + c->peds.id[i]) % period != 0) continue; // staggered by id
        decide(c, gr, m, i);
    }
}
