// SPDX-License-Identifier: MIT
// Dispatch (see dispatch.h): one pass takes the waiting orders most urgent first (or oldest
// first without a priority queue) and gives each the best suitable free team: a team of a
// primary unit before one of a notified unit, then the least travel time (or the lowest
// index). A critical order with no free team may take a team from lower-priority work;
// that order goes back to the queue keeping the work already done.
// Ordering: waiting orders by (priority, time queued, id); teams by (class, cost, index);
// the pass repeats while it assigns anything, so freed or pre-empted work is reconsidered.
#include "ops/ops_internal.h"

#include "core/assert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

gops_dispatch_policy_t gops_dispatch_policy_default(void)
{
    return (gops_dispatch_policy_t){
        .select = GOPS_SELECT_NEAREST,
        .priority_queue = true,
        .preempt = true,
        .preempt_on_scene = false,
        .zone_bound = false,
        .overlap_fallback = true,
        .post_radius_m = 150.0,
    };
}

static const char *const select_names[GOPS_SELECT_COUNT] = {"nearest", "first_free"};

const char *gops_team_select_name(gops_team_select_t s)
{
    return (unsigned)s < GOPS_SELECT_COUNT ? select_names[s] : "?";
}

int gops_team_select_from_name(const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < GOPS_SELECT_COUNT; i++)
        if (strcmp(select_names[i], name) == 0) return i;
    return -1;
}

typedef struct candidate {
    uint32_t team;
    int cls;     ///< 0 primary unit, 1 notified unit
    double cost; ///< s of travel, or the team index for first-free
    int prio;    ///< for pre-emption: the priority of the work the team would leave
} candidate_t;

/// Suitability class of `team` for `inc` (0 primary, 1 notified), or -1.
static int suitable(const gops_ops_t *ops, const gops_team_t *team, const gops_incident_t *inc)
{
    const gops_dispatch_policy_t *po = &ops->params.policy;
    uint32_t primary, notified;
    gops_centre_units(ops, inc, &primary, &notified);
    int cls = (team->units & primary) ? 0 : (po->overlap_fallback && (team->units & notified)) ? 1 : -1;
    if (cls < 0) return -1;
    if (team->post >= 0) {
        // Posts hold their ground: they answer only next to their post.
        gops_point_t p = ops->posts[team->post].at;
        if (hypot(p.x - inc->at.x, p.y - inc->at.y) > po->post_radius_m) return -1;
    } else if (po->zone_bound && team->zone >= 0 && inc->escalation_level == 0 && inc->subdistrict >= 0 &&
               team->zone != inc->subdistrict) {
        return -1;
    }
    return cls;
}

static double cost_of(gops_ops_t *ops, const gops_team_t *team, uint32_t t, const gops_incident_t *inc)
{
    if (ops->params.policy.select == GOPS_SELECT_FIRST_FREE) return (double)t;
    gops_point_t here = gops_team_position(team, ops->now);
    double turnout = team->kind >= 0 ? ops->params.kinds[team->kind].turnout_s : 0.0;
    return turnout + gops_travel_time(&ops->travel, team->travel, here, inc->at, ops->now + turnout);
}

static bool better(const candidate_t *a, const candidate_t *b)
{
    if (a->cls != b->cls) return a->cls < b->cls;
    if (a->cost != b->cost) return a->cost < b->cost;
    return a->team < b->team;
}

static uint32_t choose_free(gops_ops_t *ops, const gops_incident_t *inc)
{
    candidate_t best = {GOPS_OPS_NONE, 2, INFINITY, 0};
    for (uint32_t t = 0; t < ops->team_count; t++) {
        const gops_team_t *team = &ops->teams[t];
        if (!gops_team_available(ops, team)) continue;
        int cls = suitable(ops, team, inc);
        if (cls < 0 || cls > best.cls) continue;
        candidate_t c = {t, cls, cost_of(ops, team, t, inc), 0};
        if (better(&c, &best)) best = c;
    }
    return best.team;
}

/// A busy team a critical order may take: suitable, on lower-priority work that may be
/// interrupted; the least urgent work first, then the usual order.
static uint32_t choose_victim(gops_ops_t *ops, const gops_incident_t *inc)
{
    const gops_dispatch_policy_t *po = &ops->params.policy;
    candidate_t best = {GOPS_OPS_NONE, 2, INFINITY, -1};
    for (uint32_t t = 0; t < ops->team_count; t++) {
        const gops_team_t *team = &ops->teams[t];
        if (!gops_team_state_busy(team->state) || team->releasing || team->incident == GOPS_OPS_NONE) continue;
        if (team->state == GOPS_TEAM_ON_SCENE && !po->preempt_on_scene) continue;
        const gops_incident_t *cur = &ops->incidents[team->incident];
        if (cur->priority <= inc->priority) continue;
        int cls = suitable(ops, team, inc);
        if (cls < 0) continue;
        candidate_t c = {t, cls, cost_of(ops, team, t, inc), (int)cur->priority};
        if (c.prio > best.prio || (c.prio == best.prio && better(&c, &best))) best = c;
    }
    return best.team;
}

static void assign(gops_ops_t *ops, uint32_t index, uint32_t t)
{
    gops_incident_t *inc = &ops->incidents[index];
    gops_team_t *team = &ops->teams[t];
    uint32_t primary, notified;
    gops_centre_units(ops, inc, &primary, &notified);
    uint32_t matched = team->units & primary;
    if (!matched) matched = team->units & notified;
    GOPS_ASSERT(matched != 0);
    gops_ops_order_set(ops, inc, GOPS_ORDER_DISPATCHED, GOPS_CAUSE_ASSIGNED);
    inc->epoch++;
    inc->team = t;
    inc->dispatches++;
    if (isnan(inc->t_dispatch)) inc->t_dispatch = ops->now;
    inc->unit = __builtin_ctz(matched);
    // The team stops where it is and waits for the acknowledgement.
    team->from = team->to = gops_team_position(team, ops->now);
    team->t0 = team->t1 = ops->now;
    team->activity = GOPS_ACT_HOLD;
    team->epoch++;
    team->incident = index;
    gops_team_set_state(ops, t, GOPS_TEAM_ASSIGNED);
    if (inc->unclear && inc->refusals == 0) {
        double e = gops_rng_exponential(&inc->rng, 1.0);
        double mean = ops->params.centre.refusal_mean_s;
        gops_ops_schedule(ops, ops->now + (mean > 0 ? mean * e : 0.0), GOPS_EV_REFUSE, index, inc->epoch, 0);
    } else {
        double e = gops_rng_exponential(&inc->rng, 1.0);
        double mean = ops->params.centre.accept_mean_s;
        gops_ops_schedule(ops, ops->now + (mean > 0 ? mean * e : 0.0), GOPS_EV_ACCEPT, index, inc->epoch, 0);
    }
}

static void preempt(gops_ops_t *ops, uint32_t t)
{
    gops_team_t *team = &ops->teams[t];
    gops_incident_t *cur = &ops->incidents[team->incident];
    if (cur->state == GOPS_ORDER_ON_SCENE) {
        double done = ops->now - cur->work_started;
        cur->work_left_s = cur->work_left_s > done ? cur->work_left_s - done : 0.0;
    }
    gops_ops_order_set(ops, cur, GOPS_ORDER_CREATED, GOPS_CAUSE_PREEMPTED);
    cur->epoch++;
    cur->preemptions++;
    cur->team = GOPS_OPS_NONE;
    cur->last_team = t;
    cur->t_queued = ops->now;
    gops_centre_arm_escalation(ops, cur);
    team->incident = GOPS_OPS_NONE;
}

typedef struct waiting {
    uint32_t index;
    int prio;
    double queued;
} waiting_t;

static int compare_waiting(const void *a, const void *b)
{
    const waiting_t *x = a, *y = b;
    if (x->prio != y->prio) return x->prio < y->prio ? -1 : 1;
    if (x->queued != y->queued) return x->queued < y->queued ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index ? 1 : 0;
}

static bool pass_once(gops_ops_t *ops)
{
    uint32_t n = ops->waiting_count;
    if (n == 0) return false;
    waiting_t *w = malloc(n * sizeof *w);
    if (!w) abort();
    bool pq = ops->params.policy.priority_queue;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = ops->waiting[k];
        const gops_incident_t *inc = &ops->incidents[i];
        GOPS_ASSERT(inc->state == GOPS_ORDER_CREATED);
        w[k] = (waiting_t){i, pq ? (int)inc->priority : 0, inc->t_queued};
    }
    qsort(w, n, sizeof *w, compare_waiting);
    bool any = false;
    for (uint32_t k = 0; k < n; k++) {
        gops_incident_t *inc = &ops->incidents[w[k].index];
        if (inc->state != GOPS_ORDER_CREATED) continue;
        uint32_t t = choose_free(ops, inc);
        if (t == GOPS_OPS_NONE && ops->params.policy.preempt && inc->priority == GOPS_PRIO_CRITICAL) {
            t = choose_victim(ops, inc);
            if (t != GOPS_OPS_NONE) preempt(ops, t);
        }
        if (t == GOPS_OPS_NONE) continue;
        assign(ops, w[k].index, t);
        any = true;
    }
    free(w);
    return any;
}

void gops_dispatch_pass(gops_ops_t *ops)
{
    for (int round = 0; round < 8 && pass_once(ops); round++) {
    }
    ops->dispatch_dirty = false;
}
