// SPDX-License-Identifier: MIT
// The operations subsystem's glue (see ops.h): parameters and their checks, attaching to
// the world, the step (mode changes, arrivals, dynamic sensing, then the agenda's events at
// their exact times), the incident lifecycle handlers and the scenario-facing API.
// It does not triage (centre.c), choose teams (dispatch.c), move teams (teams.c) or
// compute measures (measures.c).
//
// Ordering: within a step, arrivals are generated per type in type order and queued on the
// agenda; the agenda pops by (time, insertion order); after every event that may free a
// team or create an order, one dispatch pass runs. Random numbers: per-type streams for
// arrivals and incident attributes, per-type sensing streams, one stream for injected
// incidents and one for patrols, all seeded at attach from the world's ops and sensing
// streams, so that changing staffing or policy never changes which incidents happen.
#include "ops/ops_internal.h"

#include "ops/ops_checkpoint.h"

#include "core/assert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define OPS_SUBSYSTEM_NAME "ops"

gops_ops_params_t gops_ops_params_default(void)
{
    gops_ops_params_t p;
    memset(&p, 0, sizeof p);
    p.step_s = 1.0;
    p.generate = true;
    p.rain_mm_h = 0.0;
    gops_incident_types_default(p.types);
    p.kind_count = gops_team_kinds_default(p.kinds);
    p.staff_posts = true;
    p.policy = gops_dispatch_policy_default();
    p.centre = gops_centre_params_default();
    p.sensing = gops_sensing_params_default();
    p.travel = gops_travel_params_default();
    for (int m = 0; m < GOPS_MODE_COUNT; m++) p.modes[m] = gops_mode_bundle_default((gops_mode_t)m);
    p.patrol_speed_mps = 1.0;
    p.patrol_dwell_s = 300.0;
    p.shift_start_h[0] = 0, p.shift_start_h[1] = 8, p.shift_start_h[2] = 16;
    p.shift_count = 3;
    p.handover_s = 600.0;
    p.deter_radius_m = 50.0;
    p.deter_share = 0.7;
    p.coverage_period_s = 300.0;
    p.coverage_limit_s = 300.0;
    p.density_merge_m = 50.0;
    p.density_trigger = gops_density_trigger_params_default();
    return p;
}

static bool prob_ok(double p) { return p >= 0.0 && p <= 1.0; }
static bool nonneg(double x) { return x >= 0.0 && isfinite(x); }

static gops_status_t check_type(const gops_incident_type_t *t, const char *name, gops_error_t *err)
{
    for (int m = 0; m < GOPS_MODE_COUNT; m++)
        if (!nonneg(t->rate_per_h[m]))
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "ops: incident type %s: rate in %s mode is %g per hour; expected ≥ 0",
                                  name, gops_mode_name((gops_mode_t)m), t->rate_per_h[m]);
    if ((unsigned)t->category >= GOPS_CAT_COUNT || (unsigned)t->priority >= GOPS_PRIO_COUNT ||
        (unsigned)t->profile >= GOPS_PROFILE_COUNT || (unsigned)t->location >= GOPS_WHERE_COUNT ||
        (unsigned)t->handling_dist > GOPS_DIST_FIXED || (unsigned)t->scene >= GOPS_SCENE_COUNT)
        return gops_error_set(err, GOPS_BAD_VALUE, "ops: incident type %s: an enumerated field is out of range", name);
    if (!nonneg(t->handling_mean_s) || !nonneg(t->handling_cv) || !nonneg(t->repair_mean_s) ||
        !nonneg(t->self_clear_mean_s) || !nonneg(t->target_close_s) || !nonneg(t->vision_delay_s) ||
        !nonneg(t->report_delay_s))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops: incident type %s: times must be finite and ≥ 0 s", name);
    if (!prob_ok(t->p_unclear) || !prob_ok(t->p_verify_fail) || !prob_ok(t->p_vision) || !prob_ok(t->p_capture) ||
        !prob_ok(t->p_drone) || !prob_ok(t->p_patrol) || !prob_ok(t->p_post) || !prob_ok(t->p_report))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops: incident type %s: probabilities must be in [0, 1]", name);
    if (t->p_verify_fail >= 1.0)
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "ops: incident type %s: p_verify_fail 1 would re-open orders for ever; expected < 1", name);
    return GOPS_OK;
}

static gops_status_t check_name(const char *name)
{
    size_t n = strnlen(name, GOPS_TEAM_NAME_MAX);
    if (n == 0 || n >= GOPS_TEAM_NAME_MAX) return GOPS_BAD_VALUE;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return GOPS_BAD_VALUE;
    }
    return GOPS_OK;
}

static gops_status_t check_params(const gops_ops_params_t *p, gops_error_t *err)
{
    if (!(p->step_s > 0 && p->step_s <= 3600))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops: step_s %g is out of range: expected (0, 3600] s", p->step_s);
    if (!nonneg(p->rain_mm_h))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops: rain_mm_h %g must be ≥ 0", p->rain_mm_h);
    gops_status_t trigger_st = gops_density_trigger_params_check(&p->density_trigger, err);
    if (trigger_st != GOPS_OK) return trigger_st;
    for (int k = 0; k < GOPS_ITYPE_COUNT; k++) {
        gops_status_t st = check_type(&p->types[k], gops_itype_name((gops_itype_t)k), err);
        if (st != GOPS_OK) return st;
    }
    if (p->kind_count > GOPS_TEAM_KIND_MAX)
        return gops_error_set(err, GOPS_BAD_VALUE, "ops: %u team kinds; at most %d", p->kind_count, GOPS_TEAM_KIND_MAX);
    for (uint32_t k = 0; k < p->kind_count; k++) {
        const gops_team_kind_t *tk = &p->kinds[k];
        if (check_name(tk->name) != GOPS_OK)
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "ops: team kind %u has a bad name; expected 1 to %d characters of [a-z0-9_]", k + 1,
                                  GOPS_TEAM_NAME_MAX - 1);
        for (uint32_t j = 0; j < k; j++)
            if (strcmp(p->kinds[j].name, tk->name) == 0)
                return gops_error_set(err, GOPS_BAD_VALUE, "ops: team kind \"%s\" is defined twice", tk->name);
        if (tk->units == 0 || tk->units >= (1u << GOPS_UNIT_COUNT))
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "ops: team kind \"%s\": units must name at least one known unit type",
                                  tk->name);
        if ((unsigned)tk->travel >= GOPS_TRAVEL_MODE_COUNT)
            return gops_error_set(err, GOPS_BAD_VALUE, "ops: team kind \"%s\": unknown travel mode", tk->name);
        for (int m = 0; m < GOPS_MODE_COUNT; m++)
            if (tk->count[m] < 0 || tk->count[m] > 10000)
                return gops_error_set(err, GOPS_BAD_VALUE,
                                      "ops: team kind \"%s\": %d teams in %s mode; expected 0 to 10000",
                                      tk->name, tk->count[m], gops_mode_name((gops_mode_t)m));
        if (!nonneg(tk->turnout_s))
            return gops_error_set(err, GOPS_BAD_VALUE, "ops: team kind \"%s\": turnout_s must be ≥ 0", tk->name);
        if (tk->duty_from_h < 0 || tk->duty_from_h > 24 || tk->duty_to_h < 0 || tk->duty_to_h > 24)
            return gops_error_set(err, GOPS_BAD_VALUE, "ops: team kind \"%s\": duty hours must be 0 to 24", tk->name);
    }
    const gops_dispatch_policy_t *po = &p->policy;
    if ((unsigned)po->select >= GOPS_SELECT_COUNT || !nonneg(po->post_radius_m))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops: dispatch policy: unknown selection or negative post radius");
    const gops_centre_params_t *c = &p->centre;
    if (c->staff < 1 || c->staff > 10000)
        return gops_error_set(err, GOPS_BAD_VALUE, "ops: centre staff %d; expected 1 to 10000 (FACTS: 23)", c->staff);
    for (int k = 0; k < GOPS_PRIO_COUNT; k++)
        if (!nonneg(c->triage_mean_s[k]) || !nonneg(c->escalate_after_s[k]))
            return gops_error_set(err, GOPS_BAD_VALUE, "ops: centre triage and escalation times must be ≥ 0 s");
    if (!nonneg(c->accept_mean_s) || !nonneg(c->refusal_mean_s) || !nonneg(c->verify_mean_s) || !prob_ok(c->rework_share))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "ops: centre accept, refusal and verification times must be ≥ 0 s and "
                              "rework_share in [0, 1]");
    for (int m = 0; m < GOPS_MODE_COUNT; m++) {
        const gops_mode_bundle_t *b = &p->modes[m];
        if (!nonneg(b->mobilise_s) || !(b->centre_desk_share > 0 && b->centre_desk_share <= 1) ||
            (unsigned)b->patrol >= GOPS_PATROL_PATTERN_COUNT)
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "ops: %s mode: mobilise_s must be ≥ 0, centre_desk_share in (0, 1], "
                                  "patrol a known pattern",
                                  gops_mode_name((gops_mode_t)m));
    }
    if (!(p->patrol_speed_mps > 0.1 && p->patrol_speed_mps <= 10) || !nonneg(p->patrol_dwell_s))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops: patrol speed must be in (0.1, 10] m/s and dwell ≥ 0 s");
    if (p->shift_count > 4)
        return gops_error_set(err, GOPS_BAD_VALUE, "ops: %u shift changes; at most 4", p->shift_count);
    for (uint32_t i = 0; i < p->shift_count; i++)
        if (!(p->shift_start_h[i] >= 0 && p->shift_start_h[i] < 24))
            return gops_error_set(err, GOPS_BAD_VALUE, "ops: shift change at hour %g; expected [0, 24)",
                                  p->shift_start_h[i]);
    if (!nonneg(p->handover_s) || !nonneg(p->deter_radius_m) || !prob_ok(p->deter_share) || !nonneg(p->density_merge_m))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "ops: handover, deterrence radius and density merge distance must be ≥ 0; "
                              "deter_share in [0, 1]");
    if (!(p->coverage_period_s >= 1) || !(p->coverage_limit_s > 0))
        return gops_error_set(err, GOPS_BAD_VALUE, "ops: coverage period must be ≥ 1 s and its limit > 0 s");
    return GOPS_OK;
}

// ---- shared utilities -------------------------------------------------------------------

void gops_ops_schedule(gops_ops_t *ops, double time, gops_ops_event_t kind, uint32_t ref, uint32_t epoch, uint32_t arg)
{
    GOPS_ASSERT(isfinite(time));
    if (!gops_agenda_push(&ops->agenda, time, (uint32_t)kind, ref, epoch, arg)) abort();
}


static void waiting_remove(gops_ops_t *ops, uint32_t index)
{
    for (uint32_t i = 0; i < ops->waiting_count; i++)
        if (ops->waiting[i] == index) {
            ops->waiting[i] = ops->waiting[--ops->waiting_count];
            return;
        }
    GOPS_ASSERT(!"order missing from the waiting list");
}

static void waiting_add(gops_ops_t *ops, uint32_t index)
{
    if (ops->waiting_count == ops->waiting_cap) {
        uint32_t cap = ops->waiting_cap ? ops->waiting_cap * 2 : 64;
        uint32_t *bigger = realloc(ops->waiting, cap * sizeof *bigger);
        if (!bigger) abort();
        ops->waiting = bigger;
        ops->waiting_cap = cap;
    }
    ops->waiting[ops->waiting_count++] = index;
}

void gops_ops_order_set(gops_ops_t *ops, gops_incident_t *inc, gops_order_state_t to, gops_order_cause_t cause)
{
    GOPS_ASSERT(gops_order_transition_legal(inc->state, to, cause));
    if (inc->state == GOPS_ORDER_CREATED) waiting_remove(ops, inc->id - 1);
    if (to == GOPS_ORDER_CREATED) waiting_add(ops, inc->id - 1);
    inc->state = to;
    ops->transitions++;
    ops->dispatch_dirty = true;
}

double gops_ops_draw_duration(gops_rng_t *rng, gops_duration_dist_t dist, double mean, double cv)
{
    // Always two draws, so the stream stays aligned whatever the distribution.
    double e = gops_rng_exponential(rng, 1.0);
    double z = gops_rng_normal(rng);
    if (!(mean > 0)) return 0.0;
    switch (dist) {
    case GOPS_DIST_EXPONENTIAL: return mean * e;
    case GOPS_DIST_FIXED: return mean;
    default: {
        double s2 = log(1.0 + cv * cv);
        return mean * exp(sqrt(s2) * z - 0.5 * s2);
    }
    }
}

static double draw_exp(gops_rng_t *rng, double mean)
{
    double e = gops_rng_exponential(rng, 1.0);
    return mean > 0 ? mean * e : 0.0;
}

// ---- incidents --------------------------------------------------------------------------

static gops_incident_t *new_incident(gops_ops_t *ops, gops_itype_t type, gops_point_t at, double t,
                                     gops_channel_t injected, gops_rng_t *rng)
{
    if (ops->incident_count == ops->incident_cap) {
        uint32_t cap = ops->incident_cap ? ops->incident_cap * 2 : 256;
        gops_incident_t *bigger = realloc(ops->incidents, cap * sizeof *bigger);
        if (!bigger) abort(); // a few hundred records a day; no sensible recovery mid-step
        ops->incidents = bigger;
        ops->incident_cap = cap;
    }
    uint32_t index = ops->incident_count++;
    gops_incident_t *inc = &ops->incidents[index];
    const gops_incident_type_t *ty = &ops->params.types[type];
    memset(inc, 0, sizeof *inc);
    inc->id = index + 1;
    inc->type = type;
    inc->category = ty->category;
    inc->priority = inc->priority0 = ty->priority;
    inc->at = at;
    inc->injected_channel = injected;
    gops_rng_seed(&inc->rng, gops_rng_next(rng), inc->id);
    inc->handling_s = gops_ops_draw_duration(&inc->rng, ty->handling_dist, ty->handling_mean_s, ty->handling_cv);
    inc->repair_s = gops_ops_draw_duration(&inc->rng, GOPS_DIST_LOGNORMAL, ty->repair_mean_s, 0.25);
    inc->unclear = gops_rng_uniform(&inc->rng) < ty->p_unclear;
    double clear = draw_exp(&inc->rng, ty->self_clear_mean_s);
    inc->self_clear_at = ty->self_clear_mean_s > 0 ? t + clear : INFINITY;
    inc->sense = gops_sensing_draw(&ops->sensing, ty, at, t, &ops->sense_rng[type]);
    inc->work_left_s = inc->handling_s;
    inc->channel = GOPS_CHANNEL_NONE;
    inc->t_occur = t;
    inc->t_detect = inc->t_created = inc->t_dispatch = inc->t_arrive = NAN;
    inc->t_resolve = inc->t_verify = inc->t_close = inc->t_queued = NAN;
    inc->t_dynamic_pending = INFINITY;
    inc->state = GOPS_ORDER_NONE;
    inc->team = inc->last_team = GOPS_OPS_NONE;
    inc->unit = -1;
    gops_centre_locate(ops, inc);
    gops_ops_schedule(ops, t, GOPS_EV_OCCUR, index, 0, 0);
    return inc;
}

static bool deterrable(gops_itype_t type)
{
    return type == GOPS_ITYPE_ILLEGAL_VENDING || type == GOPS_ITYPE_STALL_DISORDER || type == GOPS_ITYPE_PARKING_MOTOR ||
           type == GOPS_ITYPE_PARKING_NONMOTOR;
}

static void on_arrival(void *user, gops_itype_t type, double t)
{
    gops_ops_t *ops = user;
    gops_rng_t *rng = &ops->type_rng[type];
    gops_point_t at = gops_generator_point(&ops->gen, ops->params.types[type].location, rng);
    double u = gops_rng_uniform(rng);
    if (deterrable(type) && u < gops_ops_deterrence(ops, at)) { // a post nearby prevented it
        ops->n_deterred++;
        return;
    }
    new_incident(ops, type, at, t, GOPS_CHANNEL_NONE, rng);
}

static void pending_remove(gops_ops_t *ops, uint32_t index)
{
    for (uint32_t i = 0; i < ops->pending_count; i++)
        if (ops->pending[i] == index) {
            memmove(&ops->pending[i], &ops->pending[i + 1], (ops->pending_count - i - 1) * sizeof *ops->pending);
            ops->pending_count--;
            return;
        }
}

static void pending_add(gops_ops_t *ops, uint32_t index)
{
    if (ops->pending_count == ops->pending_cap) {
        uint32_t cap = ops->pending_cap ? ops->pending_cap * 2 : 64;
        uint32_t *bigger = realloc(ops->pending, cap * sizeof *bigger);
        if (!bigger) abort();
        ops->pending = bigger;
        ops->pending_cap = cap;
    }
    // Indices arrive in occurrence order, which is not index order for injected incidents:
    // keep the list sorted so dynamic sensing visits incidents in a canonical order.
    uint32_t i = ops->pending_count;
    while (i > 0 && ops->pending[i - 1] > index) i--;
    memmove(&ops->pending[i + 1], &ops->pending[i], (ops->pending_count - i) * sizeof *ops->pending);
    ops->pending[i] = index;
    ops->pending_count++;
}

static void detect(gops_ops_t *ops, uint32_t index, gops_channel_t channel)
{
    gops_incident_t *inc = &ops->incidents[index];
    if (inc->detected || inc->cleared) return;
    inc->detected = true;
    ops->n_detected++;
    inc->t_detect = ops->now;
    inc->channel = channel;
    pending_remove(ops, index);
    gops_centre_intake(ops, index);
}

static void on_occur(gops_ops_t *ops, uint32_t index)
{
    gops_incident_t *inc = &ops->incidents[index];
    inc->occurred = true;
    ops->n_occurred++;
    gops_world_emit(ops->world, GOPS_EVENT_INCIDENT_OPENED, inc->id, inc->category);
    if (inc->injected_channel != GOPS_CHANNEL_NONE || ops->params.sensing.perfect) {
        detect(ops, index, inc->injected_channel != GOPS_CHANNEL_NONE ? inc->injected_channel : GOPS_CHANNEL_SCENARIO);
        return;
    }
    pending_add(ops, index);
    if (isfinite(inc->sense.t_detect) && inc->sense.t_detect < inc->self_clear_at)
        gops_ops_schedule(ops, inc->sense.t_detect, GOPS_EV_DETECT, index, 0, inc->sense.channel);
    if (isfinite(inc->self_clear_at)) gops_ops_schedule(ops, inc->self_clear_at, GOPS_EV_SELF_CLEAR, index, 0, 0);
}

static void on_self_clear(gops_ops_t *ops, uint32_t index)
{
    gops_incident_t *inc = &ops->incidents[index];
    if (inc->detected || inc->cleared) return;
    inc->cleared = true;
    ops->n_cleared++;
    pending_remove(ops, index);
    gops_world_emit(ops->world, GOPS_EVENT_INCIDENT_CLOSED, inc->id, inc->category);
}

static gops_team_t *team_of(gops_ops_t *ops, gops_incident_t *inc)
{
    GOPS_ASSERT(inc->team < ops->team_count);
    return &ops->teams[inc->team];
}

static void on_accept(gops_ops_t *ops, uint32_t index)
{
    gops_incident_t *inc = &ops->incidents[index];
    gops_team_t *team = team_of(ops, inc);
    gops_ops_order_set(ops, inc, GOPS_ORDER_ACCEPTED, GOPS_CAUSE_ACCEPTED);
    gops_point_t here = gops_team_position(team, ops->now);
    double turnout = team->kind >= 0 ? ops->params.kinds[team->kind].turnout_s : 0.0;
    double depart = ops->now + turnout;
    double travel = gops_travel_time(&ops->travel, team->travel, here, inc->at, depart);
    gops_team_set_state(ops, inc->team, GOPS_TEAM_EN_ROUTE);
    team->activity = GOPS_ACT_MOVE;
    team->from = here;
    team->to = inc->at;
    team->t0 = depart;
    team->t1 = depart + travel;
    team->epoch++;
    gops_ops_schedule(ops, depart + travel, GOPS_EV_ARRIVE, index, inc->epoch, 0);
}

static void start_work(gops_ops_t *ops, uint32_t index)
{
    gops_incident_t *inc = &ops->incidents[index];
    inc->work_started = ops->now;
    gops_ops_schedule(ops, ops->now + inc->work_left_s, GOPS_EV_WORK_DONE, index, inc->epoch, 0);
}

static void on_arrive(gops_ops_t *ops, uint32_t index)
{
    gops_incident_t *inc = &ops->incidents[index];
    gops_team_t *team = team_of(ops, inc);
    gops_ops_order_set(ops, inc, GOPS_ORDER_ON_SCENE, GOPS_CAUSE_ARRIVED);
    gops_team_set_state(ops, inc->team, GOPS_TEAM_ON_SCENE);
    team->activity = GOPS_ACT_HOLD;
    team->from = team->to = inc->at;
    team->t0 = team->t1 = ops->now;
    if (isnan(inc->t_arrive)) {
        inc->t_arrive = ops->now;
        gops_measures_on_arrival(ops, inc);
    }
    if (inc->gone && inc->work_left_s > ops->params.centre.gone_check_s)
        inc->work_left_s = ops->params.centre.gone_check_s; // nobody there: a look round
    start_work(ops, index);
}

static void resolve(gops_ops_t *ops, uint32_t index)
{
    gops_incident_t *inc = &ops->incidents[index];
    gops_ops_order_set(ops, inc, GOPS_ORDER_RESOLVED, GOPS_CAUSE_HANDLED);
    inc->t_resolve = ops->now;
    double delay = draw_exp(&inc->rng, ops->params.centre.verify_mean_s);
    gops_ops_schedule(ops, ops->now + delay, GOPS_EV_VERIFY, index, inc->epoch, 0);
}

static void on_work_done(gops_ops_t *ops, uint32_t index)
{
    gops_incident_t *inc = &ops->incidents[index];
    uint32_t t = inc->team;
    inc->work_left_s = 0;
    inc->last_team = t;
    inc->team = GOPS_OPS_NONE;
    ops->teams[t].jobs++;
    gops_teams_release(ops, t);
    if (inc->repair_s > 0) {
        inc->repairing = true;
        gops_ops_schedule(ops, ops->now + inc->repair_s, GOPS_EV_REPAIRED, index, inc->epoch, 0);
        return;
    }
    resolve(ops, index);
}

static void on_repaired(gops_ops_t *ops, uint32_t index)
{
    gops_incident_t *inc = &ops->incidents[index];
    inc->repairing = false;
    inc->repair_s = 0; // a re-opened order does not repeat the repair
    resolve(ops, index);
}

/// Files the order closed (after verification, or withdrawn) and tells the world.
static void close_order(gops_ops_t *ops, gops_incident_t *inc, gops_order_cause_t cause)
{
    gops_ops_order_set(ops, inc, GOPS_ORDER_CLOSED, cause);
    inc->t_close = ops->now;
    inc->closed = true;
    ops->n_closed++;
    gops_measures_on_close(ops, inc);
    gops_world_emit(ops->world, GOPS_EVENT_INCIDENT_CLOSED, inc->id, inc->category);
}

static void on_verify(gops_ops_t *ops, uint32_t index)
{
    gops_incident_t *inc = &ops->incidents[index];
    const gops_incident_type_t *ty = &ops->params.types[inc->type];
    double u = gops_rng_uniform(&inc->rng);
    if (u < ty->p_verify_fail && !inc->gone) { // nothing left to find fault with
        gops_ops_order_set(ops, inc, GOPS_ORDER_CREATED, GOPS_CAUSE_REOPENED);
        inc->reopens++;
        inc->epoch++;
        inc->work_left_s = inc->handling_s * ops->params.centre.rework_share;
        inc->t_queued = ops->now;
        gops_centre_arm_escalation(ops, inc);
        return;
    }
    gops_ops_order_set(ops, inc, GOPS_ORDER_VERIFIED, GOPS_CAUSE_VERIFIED);
    inc->t_verify = ops->now;
    close_order(ops, inc, GOPS_CAUSE_FILED);
}

bool gops_ops_withdraw_if_seen_gone(gops_ops_t *ops, uint32_t index)
{
    gops_incident_t *inc = &ops->incidents[index];
    // The centre sees the spot empty on its big screen.
    if (!inc->gone || inc->state != GOPS_ORDER_CREATED || !gops_sensing_in_view(&ops->sensing, inc->at)) return false;
    inc->epoch++;
    inc->withdrawn = true;
    ops->n_withdrawn++;
    close_order(ops, inc, GOPS_CAUSE_WITHDRAWN);
    ops->dispatch_dirty = true;
    return true;
}

/// The cause went away by itself (a vendor packed up and left). Unseen, the incident clears;
/// a waiting order the centre can see is withdrawn; a team sent or on scene finds nothing to
/// handle and is done after a look round (centre.gone_check_s).
static void on_gone(gops_ops_t *ops, uint32_t index)
{
    gops_incident_t *inc = &ops->incidents[index];
    if (inc->gone || inc->closed || inc->cleared) return;
    inc->gone = true;
    if (!inc->detected) {
        on_self_clear(ops, index);
        return;
    }
    if (gops_ops_withdraw_if_seen_gone(ops, index)) return;
    double check = ops->params.centre.gone_check_s;
    if (inc->state != GOPS_ORDER_ON_SCENE || inc->repairing) return;
    GOPS_ASSERT(inc->team != GOPS_OPS_NONE); // on scene means a team is there
    double left = inc->work_left_s - (ops->now - inc->work_started);
    if (!(left > check)) return;
    inc->epoch++; // the scheduled end of work is stale
    inc->work_left_s = check;
    start_work(ops, index);
}

static bool order_event_current(const gops_ops_t *ops, const gops_agenda_item_t *ev, gops_order_state_t want)
{
    const gops_incident_t *inc = &ops->incidents[ev->ref];
    return inc->epoch == ev->epoch && inc->state == want;
}

static double next_hour(const gops_ops_t *ops, double t)
{
    double start = (double)gops_world_def(ops->world)->start;
    return (floor((start + t) / 3600.0) + 1.0) * 3600.0 - start;
}

static double next_shift(const gops_ops_t *ops, double t)
{
    double start = (double)gops_world_def(ops->world)->start;
    double local = start + t;
    double day = floor(local / 86400.0) * 86400.0;
    double best = INFINITY;
    for (int d = 0; d < 2; d++)
        for (uint32_t i = 0; i < ops->params.shift_count; i++) {
            double at = day + d * 86400.0 + ops->params.shift_start_h[i] * 3600.0;
            if (at > local + 1e-6 && at < best) best = at;
        }
    return best - start;
}

static void handle(gops_ops_t *ops, const gops_agenda_item_t *ev)
{
    switch ((gops_ops_event_t)ev->kind) {
    case GOPS_EV_OCCUR: on_occur(ops, ev->ref); break;
    case GOPS_EV_DETECT: detect(ops, ev->ref, (gops_channel_t)ev->arg); break;
    case GOPS_EV_SELF_CLEAR: on_self_clear(ops, ev->ref); break;
    case GOPS_EV_GONE: on_gone(ops, ev->ref); break;
    case GOPS_EV_TRIAGED: gops_centre_on_triaged(ops, ev->ref, ev->arg); break;
    case GOPS_EV_ACCEPT:
        if (order_event_current(ops, ev, GOPS_ORDER_DISPATCHED)) on_accept(ops, ev->ref);
        break;
    case GOPS_EV_REFUSE:
        if (order_event_current(ops, ev, GOPS_ORDER_DISPATCHED)) gops_centre_on_refused(ops, &ops->incidents[ev->ref]);
        break;
    case GOPS_EV_ARRIVE:
        if (order_event_current(ops, ev, GOPS_ORDER_ACCEPTED)) on_arrive(ops, ev->ref);
        break;
    case GOPS_EV_WORK_DONE:
        if (order_event_current(ops, ev, GOPS_ORDER_ON_SCENE)) on_work_done(ops, ev->ref);
        break;
    case GOPS_EV_REPAIRED:
        if (order_event_current(ops, ev, GOPS_ORDER_ON_SCENE)) on_repaired(ops, ev->ref);
        break;
    case GOPS_EV_VERIFY:
        if (order_event_current(ops, ev, GOPS_ORDER_RESOLVED)) on_verify(ops, ev->ref);
        break;
    case GOPS_EV_ESCALATE: {
        gops_incident_t *inc = &ops->incidents[ev->ref];
        if (inc->esc_token != ev->arg) break;
        inc->esc_armed = false;
        if (inc->state == GOPS_ORDER_CREATED || inc->state == GOPS_ORDER_DISPATCHED || inc->state == GOPS_ORDER_ACCEPTED)
            gops_centre_escalate(ops, inc);
        break;
    }
    case GOPS_EV_TEAM:
        if (ops->teams[ev->ref].epoch == ev->epoch) gops_teams_on_event(ops, ev->ref);
        break;
    case GOPS_EV_HOUR:
        gops_teams_restaff(ops, 0.0);
        gops_ops_schedule(ops, next_hour(ops, ops->now), GOPS_EV_HOUR, 0, 0, 0);
        break;
    case GOPS_EV_SHIFT:
        if (ev->arg == 0) {
            gops_teams_handover(ops);
            if (ops->params.handover_s > 0)
                for (int g = 1; g <= GOPS_HANDOVER_GROUPS; g++)
                    gops_ops_schedule(ops, ops->now + g * ops->params.handover_s, GOPS_EV_SHIFT, 0, 0, 1);
            double next = next_shift(ops, ops->now);
            if (isfinite(next)) gops_ops_schedule(ops, next, GOPS_EV_SHIFT, 0, 0, 0);
        } else {
            ops->dispatch_dirty = true; // a handover group is done: dispatchable again
        }
        break;
    case GOPS_EV_COVERAGE:
        gops_measures_sample_coverage(ops);
        gops_ops_schedule(ops, ops->now + ops->params.coverage_period_s, GOPS_EV_COVERAGE, 0, 0, 0);
        break;
    default: GOPS_ASSERT(!"unknown ops event");
    }
}

// ---- dynamic sensing: patrols, posts, drones ----------------------------------------------

static void sense_dynamic(gops_ops_t *ops)
{
    if (ops->pending_count == 0) return;
    const gops_sensing_params_t *sp = &ops->params.sensing;
    gops_point_t drones[16];
    uint32_t nd = gops_sensing_drones(&ops->sensing, ops->mode, ops->now, drones, 16);
    double pr2 = sp->patrol_radius_m * sp->patrol_radius_m, po2 = sp->post_radius_m * sp->post_radius_m;
    double dr2 = sp->drone_radius_m * sp->drone_radius_m;
    for (uint32_t i = 0; i < ops->pending_count; i++) {
        uint32_t index = ops->pending[i];
        gops_incident_t *inc = &ops->incidents[index];
        double best = INFINITY;
        gops_channel_t ch = GOPS_CHANNEL_NONE;
        for (uint32_t t = 0; t < ops->team_count; t++) {
            const gops_team_t *tm = &ops->teams[t];
            if (!gops_team_state_on_duty(tm->state)) continue;
            bool at_post = tm->post >= 0 && tm->state == GOPS_TEAM_IDLE && tm->activity == GOPS_ACT_HOLD;
            if (tm->post >= 0 && !at_post) continue; // a post's staff report from their post
            if (tm->post >= 0 ? !inc->sense.notice_post : !inc->sense.notice_patrol) continue;
            gops_point_t p = gops_team_position(tm, ops->now);
            double dx = p.x - inc->at.x, dy = p.y - inc->at.y;
            if (dx * dx + dy * dy > (tm->post >= 0 ? po2 : pr2)) continue;
            double at = ops->now + (tm->post >= 0 ? sp->post_delay_s : sp->patrol_delay_s);
            if (at < best) best = at, ch = tm->post >= 0 ? GOPS_CHANNEL_POST : GOPS_CHANNEL_PATROL;
        }
        if (inc->sense.notice_drone)
            for (uint32_t d = 0; d < nd; d++) {
                double dx = drones[d].x - inc->at.x, dy = drones[d].y - inc->at.y;
                if (dx * dx + dy * dy <= dr2 && ops->now + sp->drone_delay_s < best)
                    best = ops->now + sp->drone_delay_s, ch = GOPS_CHANNEL_DRONE;
            }
        if (best < inc->t_dynamic_pending) {
            inc->t_dynamic_pending = best;
            gops_ops_schedule(ops, best, GOPS_EV_DETECT, index, 0, ch);
        }
    }
}

// ---- the subsystem ------------------------------------------------------------------------

static void run_dispatch(gops_ops_t *ops)
{
    if (!ops->dispatch_dirty) return;
    ops->dispatch_dirty = false;
    gops_dispatch_pass(ops);
}

static void ops_step(gops_world_t *world, void *state, double dt)
{
    gops_ops_t *ops = state;
    double t0 = gops_world_elapsed(world), t1 = t0 + dt;
    ops->now = t0;
    ops->step_end = t1;
    if (gops_world_mode(world) != ops->mode) {
        ops->mode = gops_world_mode(world);
        gops_centre_restaff(ops);
        gops_teams_restaff(ops, ops->params.modes[ops->mode].mobilise_s);
        ops->dispatch_dirty = true;
    }
    if (ops->params.generate)
        gops_generator_arrivals(&ops->gen, ops->params.types, ops->mode, gops_world_def(world)->start, t0, t1,
                                ops->params.rain_mm_h, ops->type_rng, on_arrival, ops);
    if (t0 - ops->last_sense >= ops->params.sensing.sense_period_s - 1e-9) {
        sense_dynamic(ops);
        ops->last_sense = t0;
    }
    run_dispatch(ops);
    gops_agenda_item_t ev;
    while (gops_agenda_peek_before(&ops->agenda, t1, &ev)) {
        gops_agenda_pop(&ops->agenda, &ev);
        if (ev.time > ops->now) ops->now = ev.time;
        handle(ops, &ev);
        run_dispatch(ops);
    }
    ops->now = t1;
    gops_measures_update(ops); // utilisation moves with time: keep the KPIs current every step
}

static void hash_point(gops_hash_t *h, gops_point_t p)
{
    gops_hash_f64(h, p.x);
    gops_hash_f64(h, p.y);
}

static void ops_hash(const gops_world_t *world, const void *state, gops_hash_t *h)
{
    (void)world;
    const gops_ops_t *ops = state;
    gops_hash_u64(h, (uint64_t)ops->mode);
    for (int k = 0; k < GOPS_ITYPE_COUNT; k++) {
        gops_hash_bytes(h, ops->type_rng[k].s, sizeof ops->type_rng[k].s);
        gops_hash_bytes(h, ops->sense_rng[k].s, sizeof ops->sense_rng[k].s);
        gops_hash_f64(h, ops->gen.hazard_acc[k]);
        gops_hash_f64(h, ops->gen.hazard_target[k]);
    }
    gops_hash_bytes(h, ops->inject_rng.s, sizeof ops->inject_rng.s);
    gops_hash_bytes(h, ops->team_rng.s, sizeof ops->team_rng.s);
    gops_hash_u64(h, ops->incident_count);
    for (uint32_t i = 0; i < ops->incident_count; i++) {
        const gops_incident_t *inc = &ops->incidents[i];
        gops_hash_u64(h, ((uint64_t)inc->type << 32) | (uint64_t)inc->state);
        gops_hash_u64(h, ((uint64_t)inc->priority << 32) | (uint64_t)inc->channel);
        hash_point(h, inc->at);
        gops_hash_u64(h, (uint64_t)inc->occurred | (uint64_t)inc->detected << 1 | (uint64_t)inc->cleared << 2 |
                             (uint64_t)inc->closed << 3 | (uint64_t)inc->repairing << 4 | (uint64_t)inc->gone << 5 |
                             (uint64_t)inc->withdrawn << 6);
        const double times[] = {inc->t_occur,   inc->t_detect, inc->t_created, inc->t_dispatch,
                                inc->t_arrive,  inc->t_resolve, inc->t_close,  inc->work_left_s};
        for (size_t k = 0; k < sizeof times / sizeof times[0]; k++) gops_hash_f64(h, times[k]);
        gops_hash_u64(h, inc->team);
        gops_hash_u64(h, ((uint64_t)inc->dispatches << 32) | inc->refusals);
        gops_hash_u64(h, ((uint64_t)inc->reopens << 32) | inc->escalations);
        gops_hash_u64(h, inc->units_refused | (uint64_t)inc->units_added << 32);
    }
    gops_hash_u64(h, ops->team_count);
    for (uint32_t t = 0; t < ops->team_count; t++) {
        const gops_team_t *tm = &ops->teams[t];
        gops_hash_u64(h, ((uint64_t)tm->state << 32) | (uint64_t)tm->activity << 1 | tm->releasing);
        hash_point(h, tm->from);
        hash_point(h, tm->to);
        gops_hash_f64(h, tm->t0);
        gops_hash_f64(h, tm->t1);
        gops_hash_u64(h, tm->incident);
        gops_hash_f64(h, tm->blocked_from);
        gops_hash_f64(h, tm->blocked_until);
        gops_hash_f64(h, tm->busy_s);
        gops_hash_f64(h, tm->duty_s);
    }
    for (uint32_t p = 0; p < ops->post_count; p++) hash_point(h, ops->posts[p].at);
    gops_hash_u64(h, ops->triage_count);
    gops_hash_u64(h, ops->desk_count);
    gops_agenda_hash(&ops->agenda, h);
}

static void ops_destroy(void *state)
{
    gops_ops_t *ops = state;
    if (!ops) return;
    gops_teams_free(ops);
    gops_travel_free(&ops->travel);
    gops_sensing_free(&ops->sensing);
    gops_generator_free(&ops->gen);
    gops_agenda_free(&ops->agenda);
    free(ops->incidents);
    free(ops->pending);
    free(ops->waiting);
    gops_quantile_free(&ops->response_p50);
    gops_quantile_free(&ops->response_p90);
    gops_quantile_free(&ops->closure_p50);
    free(ops->triage_queue);
    free(ops->desks);
    free(ops);
}

gops_ops_t *gops_ops_attach(gops_world_t *world, const gops_ops_params_t *params, gops_error_t *err)
{
    if (check_params(params, err) != GOPS_OK) return NULL;
    if (gops_ops_of(world)) {
        gops_error_set(err, GOPS_BAD_VALUE, "ops: the world already has an operations model attached");
        return NULL;
    }
    gops_ops_t *ops = calloc(1, sizeof *ops);
    if (!ops) {
        gops_error_set(err, GOPS_NOMEM, "out of memory creating the operations model");
        return NULL;
    }
    ops->world = world;
    ops->params = *params;
    ops->district = gops_world_district(world);
    ops->mode = gops_world_mode(world);
    ops->now = gops_world_elapsed(world);
    ops->coverage_last = NAN;
    gops_agenda_init(&ops->agenda);
    gops_quantile_init(&ops->response_p50, 0.5);
    gops_quantile_init(&ops->response_p90, 0.9);
    gops_quantile_init(&ops->closure_p50, 0.5);

    gops_rng_t *seed_ops = gops_world_rng(world, GOPS_STREAM_OPS);
    gops_rng_t *seed_sense = gops_world_rng(world, GOPS_STREAM_SENSING);
    for (uint32_t k = 0; k < GOPS_ITYPE_COUNT; k++) {
        gops_rng_seed(&ops->type_rng[k], gops_rng_next(seed_ops), 100 + k);
        gops_rng_seed(&ops->sense_rng[k], gops_rng_next(seed_sense), 200 + k);
    }
    gops_rng_seed(&ops->inject_rng, gops_rng_next(seed_ops), 300);
    gops_rng_seed(&ops->team_rng, gops_rng_next(seed_ops), 301);

    const gops_map_t *map = ops->district ? ops->district->map : NULL;
    gops_status_t st = gops_travel_init(&ops->travel, &params->travel, ops->district, err);
    if (st == GOPS_OK) st = gops_sensing_init(&ops->sensing, &params->sensing, map, err);
    if (st == GOPS_OK) st = gops_generator_init(&ops->gen, ops->district, ops->type_rng, err);
    if (st == GOPS_OK) {
        ops->desks = calloc((size_t)params->centre.staff, sizeof *ops->desks);
        ops->desk_cap = (uint32_t)params->centre.staff;
        if (!ops->desks) st = gops_error_set(err, GOPS_NOMEM, "out of memory for the centre's desks");
        for (uint32_t i = 0; ops->desks && i < ops->desk_cap; i++) ops->desks[i].incident = GOPS_OPS_NONE;
    }
    if (st == GOPS_OK) st = gops_teams_init(ops, err);
    // The trigger is its own per-tick subsystem (the world owns it even if ops fails below).
    if (st == GOPS_OK && params->density_trigger.enter_ppm2 > 0)
        st = gops_density_trigger_attach(world, &params->density_trigger, err);
    if (st == GOPS_OK)
        st = gops_world_add_subsystem(world, OPS_SUBSYSTEM_NAME, params->step_s, ops, ops_step, ops_hash, ops_destroy);
    if (st != GOPS_OK) {
        if (st == GOPS_INTERNAL) gops_error_set(err, st, "ops: the world's subsystem table is full");
        ops_destroy(ops);
        return NULL;
    }
    gops_world_set_checkpoint(world, OPS_SUBSYSTEM_NAME, gops_ops_save, gops_ops_load); // ops_checkpoint.c
    gops_centre_restaff(ops);
    gops_ops_schedule(ops, next_hour(ops, ops->now), GOPS_EV_HOUR, 0, 0, 0);
    double shift = next_shift(ops, ops->now);
    if (isfinite(shift)) gops_ops_schedule(ops, shift, GOPS_EV_SHIFT, 0, 0, 0);
    if (ops->district && ops->district->walk && ops->district->walk->count > 0)
        gops_ops_schedule(ops, ops->now, GOPS_EV_COVERAGE, 0, 0, 0);
    gops_measures_update(ops);
    return ops;
}

gops_ops_t *gops_ops_of(gops_world_t *world)
{
    for (uint32_t i = 0; i < world->subsystem_count; i++)
        if (world->subsystems[i].step == ops_step) return world->subsystems[i].state;
    return NULL;
}

const gops_ops_t *gops_ops_of_const(const gops_world_t *world)
{
    for (uint32_t i = 0; i < world->subsystem_count; i++)
        if (world->subsystems[i].step == ops_step) return world->subsystems[i].state;
    return NULL;
}

const gops_ops_params_t *gops_ops_params(const gops_ops_t *ops) { return &ops->params; }

// ---- scenario-facing API ------------------------------------------------------------------

static gops_status_t check_point(gops_point_t at, const char *what, gops_error_t *err)
{
    if (!isfinite(at.x) || !isfinite(at.y) || fabs(at.x) > GOPS_MAP_MAX_EXTENT_M || fabs(at.y) > GOPS_MAP_MAX_EXTENT_M)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: point (%g, %g) m is not a finite point within %g m of the origin",
                              what, at.x, at.y, GOPS_MAP_MAX_EXTENT_M);
    return GOPS_OK;
}

gops_status_t gops_ops_inject(gops_ops_t *ops, gops_itype_t type, gops_point_t at, double time_s,
                              gops_channel_t channel, uint32_t *id, gops_error_t *err)
{
    if ((unsigned)type >= GOPS_ITYPE_COUNT)
        return gops_error_set(err, GOPS_BAD_VALUE, "inject incident: unknown incident type %d", (int)type);
    if ((unsigned)channel >= GOPS_CHANNEL_COUNT)
        return gops_error_set(err, GOPS_BAD_VALUE, "inject incident: unknown detection channel %d", (int)channel);
    gops_status_t st = check_point(at, "inject incident", err);
    if (st != GOPS_OK) return st;
    if (!isfinite(time_s))
        return gops_error_set(err, GOPS_BAD_VALUE, "inject incident: time %g s is not finite", time_s);
    // Anything in the past happens at the start of the next step (scenario actions apply
    // at a fixed point of the tick).
    double now = gops_world_elapsed(ops->world);
    double t = time_s > now ? time_s : now;
    gops_incident_t *inc = new_incident(ops, type, at, t, channel, &ops->inject_rng);
    if (id) *id = inc->id;
    return GOPS_OK;
}

void gops_ops_report_density_warning(gops_ops_t *ops, gops_point_t at, double density_ppm2, double time_s)
{
    if (!isfinite(at.x) || !isfinite(at.y)) return;
    double merge2 = ops->params.density_merge_m * ops->params.density_merge_m;
    for (uint32_t i = 0; i < ops->incident_count; i++) {
        gops_incident_t *inc = &ops->incidents[i];
        if (inc->category != GOPS_CAT_CROWD || inc->closed || inc->cleared) continue;
        double dx = inc->at.x - at.x, dy = inc->at.y - at.y;
        if (dx * dx + dy * dy > merge2) continue;
        // One gathering, one order: an unseen one is seen now; a known one is already handled.
        if (inc->occurred && !inc->detected) {
            double now = gops_world_elapsed(ops->world);
            gops_ops_schedule(ops, time_s > now ? time_s : now, GOPS_EV_DETECT, i, 0, GOPS_CHANNEL_DENSITY);
        }
        return;
    }
    uint32_t id;
    gops_error_t err;
    if (gops_ops_inject(ops, GOPS_ITYPE_CROWD_GATHERING, at, time_s, GOPS_CHANNEL_DENSITY, &id, &err) != GOPS_OK) return;
    gops_incident_t *inc = &ops->incidents[id - 1];
    if (density_ppm2 >= 5.0) inc->priority = inc->priority0 = GOPS_PRIO_CRITICAL;
}

gops_status_t gops_ops_report_detected(gops_ops_t *ops, uint32_t incident_id, gops_channel_t channel, double time_s,
                                       gops_error_t *err)
{
    if (incident_id == 0 || incident_id > ops->incident_count)
        return gops_error_set(err, GOPS_BAD_VALUE, "report incident %u: no such incident (ids so far: 1 to %u)",
                              incident_id, ops->incident_count);
    if (channel == GOPS_CHANNEL_NONE || (unsigned)channel >= GOPS_CHANNEL_COUNT)
        return gops_error_set(err, GOPS_BAD_VALUE, "report incident %u: channel %d is not a detection channel",
                              incident_id, (int)channel);
    if (!isfinite(time_s))
        return gops_error_set(err, GOPS_BAD_VALUE, "report incident %u: time %g s is not finite", incident_id, time_s);
    gops_incident_t *inc = &ops->incidents[incident_id - 1];
    if (inc->detected || inc->cleared) return GOPS_OK; // known already, or gone: the report changes nothing
    // Through the agenda like every other detection, never before the incident happens: its
    // OCCUR event was queued first, so at an equal time it still comes first (FIFO ties).
    double now = gops_world_elapsed(ops->world), t = time_s > now ? time_s : now;
    if (t < inc->t_occur) t = inc->t_occur;
    gops_ops_schedule(ops, t, GOPS_EV_DETECT, incident_id - 1, 0, channel);
    return GOPS_OK;
}

gops_status_t gops_ops_cause_gone(gops_ops_t *ops, uint32_t incident_id, double time_s, gops_error_t *err)
{
    if (incident_id == 0 || incident_id > ops->incident_count)
        return gops_error_set(err, GOPS_BAD_VALUE, "incident %u gone: no such incident (ids so far: 1 to %u)",
                              incident_id, ops->incident_count);
    if (!isfinite(time_s))
        return gops_error_set(err, GOPS_BAD_VALUE, "incident %u gone: time %g s is not finite", incident_id, time_s);
    // Through the agenda, never before the incident happens (its OCCUR event comes first).
    const gops_incident_t *inc = &ops->incidents[incident_id - 1];
    double now = gops_world_elapsed(ops->world), t = time_s > now ? time_s : now;
    if (t < inc->t_occur) t = inc->t_occur;
    gops_ops_schedule(ops, t, GOPS_EV_GONE, incident_id - 1, 0, 0);
    return GOPS_OK;
}

gops_status_t gops_ops_set_rate(gops_ops_t *ops, gops_itype_t type, int mode, double per_hour, gops_error_t *err)
{
    if ((unsigned)type >= GOPS_ITYPE_COUNT)
        return gops_error_set(err, GOPS_BAD_VALUE, "set rate: unknown incident type %d", (int)type);
    if (mode >= GOPS_MODE_COUNT)
        return gops_error_set(err, GOPS_BAD_VALUE, "set rate: unknown mode %d", mode);
    if (!nonneg(per_hour))
        return gops_error_set(err, GOPS_BAD_VALUE, "set rate of %s: %g per hour; expected a finite rate ≥ 0",
                              gops_itype_name(type), per_hour);
    for (int m = 0; m < GOPS_MODE_COUNT; m++)
        if (mode < 0 || m == mode) ops->params.types[type].rate_per_h[m] = per_hour;
    return GOPS_OK;
}

gops_status_t gops_ops_set_rain(gops_ops_t *ops, double mm_per_h, gops_error_t *err)
{
    if (!nonneg(mm_per_h) || mm_per_h > 500)
        return gops_error_set(err, GOPS_BAD_VALUE, "set rain: %g mm/h; expected 0 to 500", mm_per_h);
    ops->params.rain_mm_h = mm_per_h;
    return GOPS_OK;
}

int gops_ops_team_kind_find(const gops_ops_t *ops, const char *name)
{
    if (!name) return -1;
    for (uint32_t k = 0; k < ops->params.kind_count; k++)
        if (strcmp(ops->params.kinds[k].name, name) == 0) return (int)k;
    return -1;
}

gops_status_t gops_ops_set_team_count(gops_ops_t *ops, int kind, int mode, int count, gops_error_t *err)
{
    if (kind < 0 || (uint32_t)kind >= ops->params.kind_count)
        return gops_error_set(err, GOPS_BAD_VALUE, "set team count: unknown team kind %d", kind);
    if (mode >= GOPS_MODE_COUNT) return gops_error_set(err, GOPS_BAD_VALUE, "set team count: unknown mode %d", mode);
    if (count < 0 || count > 10000)
        return gops_error_set(err, GOPS_BAD_VALUE, "set team count of %s: %d; expected 0 to 10000",
                              ops->params.kinds[kind].name, count);
    for (int m = 0; m < GOPS_MODE_COUNT; m++)
        if (mode < 0 || m == mode) ops->params.kinds[kind].count[m] = count;
    ops->now = gops_world_elapsed(ops->world);
    gops_teams_restaff(ops, ops->params.modes[ops->mode].mobilise_s);
    ops->dispatch_dirty = true;
    return GOPS_OK;
}

gops_status_t gops_ops_set_policy(gops_ops_t *ops, const gops_dispatch_policy_t *policy, gops_error_t *err)
{
    if ((unsigned)policy->select >= GOPS_SELECT_COUNT || !nonneg(policy->post_radius_m))
        return gops_error_set(err, GOPS_BAD_VALUE, "set policy: unknown team selection or negative post radius");
    ops->params.policy = *policy;
    ops->dispatch_dirty = true;
    return GOPS_OK;
}

gops_dispatch_policy_t gops_ops_policy(const gops_ops_t *ops) { return ops->params.policy; }
uint32_t gops_ops_post_count(const gops_ops_t *ops) { return ops->post_count; }

int32_t gops_ops_post_find(const gops_ops_t *ops, const char *id)
{
    if (!id || !ops->district) return -1;
    for (uint32_t p = 0; p < ops->post_count; p++) {
        const char *fid = ops->district->map->features[ops->posts[p].feature].id;
        if (fid && strcmp(fid, id) == 0) return (int32_t)p;
    }
    return -1;
}

gops_status_t gops_ops_move_post(gops_ops_t *ops, uint32_t post, gops_point_t at, gops_error_t *err)
{
    if (post >= ops->post_count)
        return gops_error_set(err, GOPS_BAD_VALUE, "move post: post %u does not exist (the map has %u posts)", post + 1,
                              ops->post_count);
    gops_status_t st = check_point(at, "move post", err);
    if (st != GOPS_OK) return st;
    ops->now = gops_world_elapsed(ops->world);
    gops_teams_move_post(ops, post, at);
    ops->dispatch_dirty = true;
    return GOPS_OK;
}

gops_status_t gops_ops_set_post_modes(gops_ops_t *ops, uint32_t post, uint32_t modes, gops_error_t *err)
{
    if (post >= ops->post_count)
        return gops_error_set(err, GOPS_BAD_VALUE, "set post modes: post %u does not exist (the map has %u posts)",
                              post + 1, ops->post_count);
    if (modes >= (1u << GOPS_MODE_COUNT))
        return gops_error_set(err, GOPS_BAD_VALUE, "set post modes: mode bits 0x%x name unknown modes", modes);
    ops->posts[post].modes = modes;
    ops->now = gops_world_elapsed(ops->world);
    gops_teams_restaff(ops, ops->params.modes[ops->mode].mobilise_s);
    return GOPS_OK;
}

gops_status_t gops_ops_set_drone_route(gops_ops_t *ops, const gops_point_t *pts, uint32_t count, gops_error_t *err)
{
    return gops_sensing_set_route(&ops->sensing, pts, count, err);
}

void gops_ops_set_arc_time(gops_ops_t *ops, gops_arc_time_fn *fn, void *user)
{
    gops_travel_set_arc_time(&ops->travel, fn, user);
}

void gops_ops_set_foot_speed(gops_ops_t *ops, const float *speed)
{
    gops_travel_set_foot_speed(&ops->travel, speed);
}

double gops_ops_travel_time(gops_ops_t *ops, gops_travel_mode_t mode, gops_point_t from, gops_point_t to)
{
    GOPS_ASSERT((unsigned)mode < GOPS_TRAVEL_MODE_COUNT);
    return gops_travel_time(&ops->travel, mode, from, to, gops_world_elapsed(ops->world));
}

double gops_ops_deterrence(const gops_ops_t *ops, gops_point_t at)
{
    double r2 = ops->params.deter_radius_m * ops->params.deter_radius_m;
    for (uint32_t p = 0; p < ops->post_count; p++) {
        uint32_t t = ops->posts[p].team;
        if (t == GOPS_OPS_NONE) continue;
        const gops_team_t *tm = &ops->teams[t];
        if (tm->state != GOPS_TEAM_IDLE || tm->activity != GOPS_ACT_HOLD) continue;
        double dx = ops->posts[p].at.x - at.x, dy = ops->posts[p].at.y - at.y;
        if (dx * dx + dy * dy <= r2) return ops->params.deter_share;
    }
    return 0.0;
}

// ---- queries ------------------------------------------------------------------------------

uint32_t gops_ops_incident_count(const gops_ops_t *ops) { return ops->incident_count; }
uint32_t gops_ops_team_count(const gops_ops_t *ops) { return ops->team_count; }
uint64_t gops_ops_transition_count(const gops_ops_t *ops) { return ops->transitions; }

bool gops_ops_incident_get(const gops_ops_t *ops, uint32_t id, gops_incident_info_t *out)
{
    if (id == 0 || id > ops->incident_count) return false;
    const gops_incident_t *inc = &ops->incidents[id - 1];
    *out = (gops_incident_info_t){
        .id = inc->id, .type = inc->type, .category = inc->category, .priority = inc->priority, .at = inc->at,
        .zone = inc->zone, .subdistrict = inc->subdistrict, .district = inc->district, .state = inc->state,
        .occurred = inc->occurred, .detected = inc->detected, .cleared = inc->cleared, .closed = inc->closed,
        .repairing = inc->repairing, .gone = inc->gone, .withdrawn = inc->withdrawn, .channel = inc->channel,
        .t_occur = inc->t_occur, .t_detect = inc->t_detect, .t_created = inc->t_created,
        .t_dispatch = inc->t_dispatch, .t_arrive = inc->t_arrive, .t_resolve = inc->t_resolve, .t_close = inc->t_close, .team = inc->team, .last_team = inc->last_team,
        .unit = inc->unit, .units_primary = inc->units_primary, .units_notified = inc->units_notified,
        .units_refused = inc->units_refused, .dispatches = inc->dispatches, .refusals = inc->refusals,
        .preemptions = inc->preemptions, .reopens = inc->reopens, .escalations = inc->escalations,
    };
    if (inc->closed || inc->cleared) out->open_reason = "";
    else if (!inc->occurred) out->open_reason = "not yet occurred";
    else if (!inc->detected) out->open_reason = "not detected";
    else out->open_reason = gops_order_open_reason(inc->state, inc->repairing);
    return true;
}

bool gops_ops_team_get(const gops_ops_t *ops, uint32_t index, gops_team_info_t *out)
{
    if (index >= ops->team_count) return false;
    const gops_team_t *tm = &ops->teams[index];
    double now = gops_world_elapsed(ops->world);
    *out = (gops_team_info_t){
        .kind = tm->kind, .post = tm->post, .units = tm->units, .state = tm->state, .releasing = tm->releasing,
        .at = gops_team_position(tm, now),
        .incident_id = tm->incident == GOPS_OPS_NONE ? 0 : tm->incident + 1, .zone = tm->zone,
        .busy_s = tm->busy_s + (gops_team_state_busy(tm->state) ? now - tm->busy_since : 0.0),
        .duty_s = tm->duty_s + (gops_team_state_on_duty(tm->state) ? now - tm->duty_since : 0.0), .jobs = tm->jobs,
    };
    return true;
}

void gops_ops_status(const gops_ops_t *ops, gops_ops_status_t *out)
{
    memset(out, 0, sizeof *out);
    for (uint32_t i = 0; i < ops->incident_count; i++) {
        const gops_incident_t *inc = &ops->incidents[i];
        if (!inc->occurred) continue;
        out->incidents++;
        if (inc->cleared) out->cleared++;
        else if (!inc->detected) out->undetected++;
        else if (inc->closed) out->closed++;
        else if (inc->state == GOPS_ORDER_NONE) out->in_triage++;
        else if (inc->state == GOPS_ORDER_CREATED) out->waiting++;
        else if (inc->state == GOPS_ORDER_RESOLVED || inc->state == GOPS_ORDER_VERIFIED) out->unverified++;
        else out->active++;
    }
    for (uint32_t t = 0; t < ops->team_count; t++) {
        const gops_team_t *tm = &ops->teams[t];
        if (gops_team_state_on_duty(tm->state)) out->teams_on_duty++;
        if (gops_team_state_busy(tm->state)) out->teams_busy++;
        if (tm->state == GOPS_TEAM_MOBILISING || tm->state == GOPS_TEAM_TO_POST) out->teams_mobilising++;
    }
    for (uint32_t p = 0; p < ops->post_count; p++) {
        const gops_post_t *po = &ops->posts[p];
        if (ops->params.staff_posts && (po->modes & (1u << ops->mode))) out->posts_wanted++;
        if (po->team != GOPS_OPS_NONE && gops_team_state_on_duty(ops->teams[po->team].state)) out->posts_held++;
    }
    out->desks = ops->desk_count;
}
