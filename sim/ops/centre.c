// SPDX-License-Identifier: MIT
// The coordination centre (see centre.h).
//
// Defaults (all assumed unless marked FACTS):
// - staff 23 (FACTS: the dedicated grid task force); desks on duty = staff × the mode's
//   desk share (modes.c), at least one;
// - triage: 30 s critical, 60 s high, 120 s normal, 180 s low (mean, exponential), taken
//   from the desk queue most urgent first, then oldest;
// - a team acknowledges in 30 s (mean); a disputed order comes back refused after 4 h
//   (mean: the reports' road collapse was re-routed and still closed in 7 days);
// - verification 10 min (camera check or call-back); a failed check re-opens the order with
//   half the original work;
// - a cause gone by itself (a vendor left): an order still waiting is withdrawn where a
//   camera sees the spot; a team finding nobody is done after a 2 min look round;
// - escalation when no team is on scene 15 / 30 / 60 / 120 min (critical / high / normal /
//   low) after the order entered the queue ("street calls, district answers", FACTS):
//   level 1 brings city management and grid workers district-wide, level 2 police and the
//   emergency service; each level raises the priority by one.
// Ordering: the desk queue is scanned in insertion order; ties go to the earlier entry.
#include "ops/ops_internal.h"

#include "core/assert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define U(unit) (1u << GOPS_UNIT_##unit)

gops_centre_params_t gops_centre_params_default(void)
{
    return (gops_centre_params_t){
        .staff = 23,
        .triage_mean_s = {30, 60, 120, 180},
        .accept_mean_s = 30,
        .refusal_mean_s = 4 * 3600,
        .verify_mean_s = 600,
        .rework_share = 0.5,
        .gone_check_s = 120,
        .escalate_after_s = {900, 1800, 3600, 7200},
        .escalation_units = {U(CITY_MANAGEMENT) | U(GRID_WORKER), U(POLICE) | U(EMERGENCY)},
    };
}

void gops_centre_locate(gops_ops_t *ops, gops_incident_t *inc)
{
    const gops_incident_type_t *ty = &ops->params.types[inc->type];
    inc->zone = inc->subdistrict = inc->district = -1;
    inc->units_primary = ty->default_units;
    inc->units_notified = 0;
    inc->zone_gap = true;
    const gops_zone_index_t *zi = ops->district ? ops->district->zones : NULL;
    if (!zi || zi->zone_count == 0) return;
    gops_responsibility_t r = gops_zone_index_responsible(zi, inc->at, inc->category);
    inc->subdistrict = gops_zone_index_at_level(zi, inc->at, GOPS_ZONE_SUBDISTRICT);
    inc->district = gops_zone_index_at_level(zi, inc->at, GOPS_ZONE_DISTRICT);
    if (r.units == 0) return; // a gap: "better overlap than gap", so the type's defaults answer
    inc->zone = r.primary_zone;
    inc->units_primary = r.primary_units;
    inc->units_notified = r.units & ~r.primary_units;
    inc->zone_gap = false;
}

void gops_centre_units(const gops_ops_t *ops, const gops_incident_t *inc, uint32_t *primary, uint32_t *notified)
{
    (void)ops;
    uint32_t allowed = ~inc->units_refused;
    *primary = (inc->units_primary | inc->units_added) & allowed;
    *notified = inc->units_notified & allowed & ~*primary;
}

static uint32_t desks_wanted(const gops_ops_t *ops)
{
    double share = ops->params.modes[ops->mode].centre_desk_share;
    long n = lround((double)ops->params.centre.staff * share);
    if (n < 1) n = 1;
    if (n > (long)ops->desk_cap) n = (long)ops->desk_cap;
    return (uint32_t)n;
}

/// Takes the most urgent (then oldest) incident from the desk queue, or GOPS_OPS_NONE.
static uint32_t next_for_triage(gops_ops_t *ops)
{
    if (ops->triage_count == 0) return GOPS_OPS_NONE;
    uint32_t best = 0;
    for (uint32_t i = 1; i < ops->triage_count; i++) {
        const gops_incident_t *a = &ops->incidents[ops->triage_queue[i]];
        const gops_incident_t *b = &ops->incidents[ops->triage_queue[best]];
        if (a->priority < b->priority || (a->priority == b->priority && a->t_detect < b->t_detect)) best = i;
    }
    uint32_t index = ops->triage_queue[best];
    memmove(&ops->triage_queue[best], &ops->triage_queue[best + 1],
            (ops->triage_count - best - 1) * sizeof *ops->triage_queue);
    ops->triage_count--;
    return index;
}

static void start_triage(gops_ops_t *ops, uint32_t desk, uint32_t index)
{
    gops_incident_t *inc = &ops->incidents[index];
    ops->desks[desk].incident = index;
    double mean = ops->params.centre.triage_mean_s[inc->priority];
    double e = gops_rng_exponential(&inc->rng, 1.0);
    gops_ops_schedule(ops, ops->now + (mean > 0 ? mean * e : 0.0), GOPS_EV_TRIAGED, index, 0, desk);
}

static void fill_desks(gops_ops_t *ops)
{
    for (uint32_t d = 0; d < ops->desk_count && ops->triage_count > 0; d++)
        if (ops->desks[d].incident == GOPS_OPS_NONE) start_triage(ops, d, next_for_triage(ops));
}

void gops_centre_restaff(gops_ops_t *ops)
{
    // Desks beyond the new count finish what they hold and take nothing more.
    ops->desk_count = desks_wanted(ops);
    fill_desks(ops);
}

void gops_centre_intake(gops_ops_t *ops, uint32_t index)
{
    if (ops->triage_count == ops->triage_cap) {
        uint32_t cap = ops->triage_cap ? ops->triage_cap * 2 : 64;
        uint32_t *bigger = realloc(ops->triage_queue, cap * sizeof *bigger);
        if (!bigger) abort();
        ops->triage_queue = bigger;
        ops->triage_cap = cap;
    }
    ops->triage_queue[ops->triage_count++] = index;
    fill_desks(ops);
}

void gops_centre_arm_escalation(gops_ops_t *ops, gops_incident_t *inc)
{
    if (inc->esc_armed || inc->escalation_level >= GOPS_ESCALATION_LEVELS) return;
    double after = ops->params.centre.escalate_after_s[inc->priority];
    if (!(after > 0)) return; // 0: never escalate
    inc->esc_armed = true;
    inc->esc_token++;
    gops_ops_schedule(ops, ops->now + after, GOPS_EV_ESCALATE, inc->id - 1, 0, inc->esc_token);
}

void gops_centre_on_triaged(gops_ops_t *ops, uint32_t index, uint32_t desk)
{
    gops_incident_t *inc = &ops->incidents[index];
    GOPS_ASSERT(desk < ops->desk_cap && ops->desks[desk].incident == index);
    ops->desks[desk].incident = GOPS_OPS_NONE;
    gops_ops_order_set(ops, inc, GOPS_ORDER_CREATED, GOPS_CAUSE_TRIAGED);
    inc->t_created = inc->t_queued = ops->now;
    if (!gops_ops_withdraw_if_seen_gone(ops, index)) gops_centre_arm_escalation(ops, inc);
    if (desk < ops->desk_count && ops->triage_count > 0) start_triage(ops, desk, next_for_triage(ops));
}

void gops_centre_escalate(gops_ops_t *ops, gops_incident_t *inc)
{
    if (inc->escalation_level >= GOPS_ESCALATION_LEVELS) return;
    inc->units_added |= ops->params.centre.escalation_units[inc->escalation_level];
    inc->escalation_level++;
    inc->escalations++;
    if (inc->priority > GOPS_PRIO_CRITICAL) inc->priority--;
    // An escalated order that waits gets another deadline at the next level; one already
    // on its way keeps going.
    if (inc->state == GOPS_ORDER_CREATED) gops_centre_arm_escalation(ops, inc);
    ops->dispatch_dirty = true;
}

void gops_centre_on_refused(gops_ops_t *ops, gops_incident_t *inc)
{
    uint32_t t = inc->team;
    GOPS_ASSERT(t < ops->team_count);
    uint32_t primary, notified;
    gops_centre_units(ops, inc, &primary, &notified);
    uint32_t matched = ops->teams[t].units & primary;
    if (!matched) matched = ops->teams[t].units & notified;
    inc->units_refused |= matched;
    inc->refusals++;
    gops_ops_order_set(ops, inc, GOPS_ORDER_CREATED, GOPS_CAUSE_REFUSED);
    inc->epoch++;
    inc->team = GOPS_OPS_NONE;
    inc->t_queued = ops->now;
    gops_teams_release(ops, t);
    gops_centre_units(ops, inc, &primary, &notified);
    // Nobody left to ask: the centre takes the order up a level at once (the reports'
    // road collapse "outside municipal maintenance", re-routed by the centre).
    if ((primary | notified) == 0) gops_centre_escalate(ops, inc);
    else gops_centre_arm_escalation(ops, inc);
}
