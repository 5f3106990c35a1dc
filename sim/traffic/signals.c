// SPDX-License-Identifier: MIT
// Fixed-time signal plans (signals.h). Ordering rules: signals are numbered by node;
// default phases group approaches by road rank (highest first), then approach index.
// Plan times are evaluated with fmod on the run's time of day, which is exact for the
// tick multiples we use, so states never depend on the thread count.
#include "traffic/signals.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define OPPOSITE_DOT -0.7 // approaches facing each other within about 45° share a phase

double gops_signal_plan_cycle(const gops_signal_plan_t *plan)
{
    double c = 0;
    for (uint32_t p = 0; p < plan->phase_count; p++)
        c += plan->phases[p].green_s + plan->phases[p].yellow_s + plan->phases[p].all_red_s;
    return c;
}

gops_signal_state_t gops_signal_plan_state(const gops_signal_plan_t *plan, uint32_t approach, double t,
                                           double *to_green_s)
{
    uint32_t bit = 1u << approach, n = plan->phase_count;
    double cycle = gops_signal_plan_cycle(plan);
    double tc = fmod(t + plan->offset_s, cycle);
    if (tc < 0) tc += cycle;
    gops_signal_state_t st = GOPS_SIGNAL_RED;
    double start = 0;
    uint32_t p = 0;
    for (; p < n; p++) {
        const gops_signal_phase_t *ph = &plan->phases[p];
        uint32_t next = plan->phases[(p + 1) % n].approaches;
        double end_green = start + ph->green_s, end = end_green + ph->yellow_s + ph->all_red_s;
        if (tc < end_green) {
            st = (ph->approaches & bit) ? GOPS_SIGNAL_GREEN : GOPS_SIGNAL_RED;
            break;
        }
        if (tc < end || p == n - 1) {
            if ((ph->approaches & bit) && (next & bit)) st = GOPS_SIGNAL_GREEN;
            else if ((ph->approaches & bit) && tc < end_green + ph->yellow_s) st = GOPS_SIGNAL_YELLOW;
            else st = GOPS_SIGNAL_RED;
            break;
        }
        start = end;
    }
    if (to_green_s) {
        *to_green_s = 0;
        if (st != GOPS_SIGNAL_GREEN) {
            // The next phase that serves the approach starts its green then.
            double at = start;
            *to_green_s = INFINITY;
            for (uint32_t k = 1; k <= n; k++) {
                const gops_signal_phase_t *ph = &plan->phases[(p + k - 1) % n];
                at += ph->green_s + ph->yellow_s + ph->all_red_s;
                if (plan->phases[(p + k) % n].approaches & bit) {
                    *to_green_s = at - tc;
                    break;
                }
            }
        }
    }
    return st;
}

double gops_signal_plan_green_s(const gops_signal_plan_t *plan, uint32_t approach)
{
    double g = 0;
    for (uint32_t p = 0; p < plan->phase_count; p++) {
        const gops_signal_phase_t *ph = &plan->phases[p];
        if (!(ph->approaches & (1u << approach))) continue;
        g += ph->green_s;
        // Green carries through the change into a phase that serves the approach too.
        bool next = plan->phases[(p + 1) % plan->phase_count].approaches & (1u << approach);
        g += next ? ph->yellow_s + ph->all_red_s : ph->yellow_s;
    }
    return g;
}

// Green weight of an approach: its lanes, more for higher road classes.
static double approach_weight(const gops_tnet_t *net, uint32_t arc)
{
    static const double class_factor[GOPS_ROAD_CLASS_COUNT] = {1.5, 1.2, 1.0, 1.0};
    const gops_tnet_arc_t *A = &net->arcs[arc];
    return (A->lanes - A->first_general) * class_factor[A->road_class < GOPS_ROAD_CLASS_COUNT ? A->road_class : 2];
}

static int arc_rank(const gops_tnet_t *net, uint32_t arc)
{
    const gops_tnet_arc_t *A = &net->arcs[arc];
    return (GOPS_ROAD_CLASS_COUNT - A->road_class) * 32 + A->lanes;
}

void gops_signals_default_plan(const gops_tnet_t *net, uint32_t node, gops_mode_t mode, gops_signal_plan_t *plan)
{
    static const double cycles[GOPS_MODE_COUNT] = {GOPS_SIGNAL_CYCLE_NORMAL_S, GOPS_SIGNAL_CYCLE_HOLIDAY_S,
                                                   GOPS_SIGNAL_CYCLE_MAJOR_EVENT_S, GOPS_SIGNAL_CYCLE_EMERGENCY_S};
    const gops_tnet_node_t *n = &net->nodes[node];
    memset(plan, 0, sizeof *plan);
    uint32_t order[GOPS_TNET_MAX_APPROACHES];
    int group[GOPS_TNET_MAX_APPROACHES];
    uint32_t count = 0;
    for (uint32_t i = 0; i < n->in_count && i < GOPS_TNET_MAX_APPROACHES; i++) {
        uint32_t a = net->node_arcs[n->first_in + i];
        group[i] = -1;
        if (!net->arcs[a].in_map) continue;
        // Insertion by rank (descending), then approach index.
        uint32_t k = count++;
        while (k > 0 && arc_rank(net, net->node_arcs[n->first_in + order[k - 1]]) < arc_rank(net, a)) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    double weight[GOPS_SIGNAL_MAX_PHASES] = {0};
    uint32_t phases = 0;
    for (uint32_t k = 0; k < count; k++) {
        uint32_t i = order[k];
        if (group[i] >= 0) continue;
        uint32_t p = phases < GOPS_SIGNAL_MAX_PHASES ? phases++ : GOPS_SIGNAL_MAX_PHASES - 1;
        group[i] = (int)p;
        gops_point_t d = gops_tnet_end_dir(net, net->node_arcs[n->first_in + i]);
        for (uint32_t m = k + 1; m < count; m++) {
            uint32_t j = order[m];
            if (group[j] >= 0) continue;
            gops_point_t e = gops_tnet_end_dir(net, net->node_arcs[n->first_in + j]);
            if (d.x * e.x + d.y * e.y < OPPOSITE_DOT) group[j] = (int)p;
        }
    }
    for (uint32_t k = 0; k < count; k++) {
        uint32_t i = order[k];
        uint32_t p = (uint32_t)group[i];
        plan->phases[p].approaches |= 1u << i;
        double w = approach_weight(net, net->node_arcs[n->first_in + i]);
        if (w > weight[p]) weight[p] = w;
    }
    if (mode == GOPS_MODE_EMERGENCY && phases > 0) weight[0] *= 1.5;
    double total_w = 0;
    for (uint32_t p = 0; p < phases; p++) total_w += weight[p] > 0 ? weight[p] : 1;
    double lost = phases * (GOPS_SIGNAL_YELLOW_S + GOPS_SIGNAL_ALL_RED_S);
    double green = cycles[mode] - lost - (phases == 1 ? GOPS_SIGNAL_PED_PHASE_S + GOPS_SIGNAL_ALL_RED_S : 0);
    for (uint32_t p = 0; p < phases; p++) {
        double g = green * (weight[p] > 0 ? weight[p] : 1) / total_w;
        plan->phases[p].green_s = g > GOPS_SIGNAL_MIN_GREEN_S ? g : GOPS_SIGNAL_MIN_GREEN_S;
        plan->phases[p].yellow_s = GOPS_SIGNAL_YELLOW_S;
        plan->phases[p].all_red_s = GOPS_SIGNAL_ALL_RED_S;
    }
    if (phases == 1) {
        plan->phases[1] = (gops_signal_phase_t){.green_s = GOPS_SIGNAL_PED_PHASE_S, .all_red_s = GOPS_SIGNAL_ALL_RED_S};
        phases = 2;
    }
    if (phases == 0) { // no usable approach: a single all-red phase keeps the plan valid
        plan->phases[0] = (gops_signal_phase_t){.green_s = cycles[mode]};
        phases = 1;
    }
    plan->phase_count = phases;
}

static const char *road_name(const gops_tnet_t *net, uint32_t arc)
{
    const gops_feature_t *f = &net->district->map->features[net->arcs[arc].road];
    return f->name_en ? f->name_en : (f->name ? f->name : (f->id ? f->id : "unnamed road"));
}

gops_status_t gops_signal_plan_check(const gops_tnet_t *net, uint32_t node, const gops_signal_plan_t *plan,
                                     gops_error_t *err)
{
    const gops_tnet_node_t *n = &net->nodes[node];
    if (plan->phase_count < 1 || plan->phase_count > GOPS_SIGNAL_MAX_PHASES)
        return gops_error_set(err, GOPS_BAD_VALUE, "signal plan at node %u: %u phases, expected 1 to %d", node,
                              plan->phase_count, GOPS_SIGNAL_MAX_PHASES);
    if (!isfinite(plan->offset_s))
        return gops_error_set(err, GOPS_BAD_VALUE, "signal plan at node %u: offset is not a finite number", node);
    uint32_t valid = n->in_count >= 32 ? UINT32_MAX : (1u << n->in_count) - 1, served = 0;
    for (uint32_t p = 0; p < plan->phase_count; p++) {
        const gops_signal_phase_t *ph = &plan->phases[p];
        if (!(ph->green_s >= 0 && ph->yellow_s >= 0 && ph->all_red_s >= 0) || !isfinite(ph->green_s) ||
            !isfinite(ph->yellow_s) || !isfinite(ph->all_red_s) || ph->green_s > 3600)
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "signal plan at node %u: phase %u has times green %g s, yellow %g s, all-red %g s; "
                                  "expected finite values from 0 to 3600 s",
                                  node, p + 1, ph->green_s, ph->yellow_s, ph->all_red_s);
        if (ph->approaches & ~valid)
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "signal plan at node %u: phase %u names approach bits 0x%x; the junction has %u approaches",
                                  node, p + 1, ph->approaches, n->in_count);
        if (ph->green_s > 0) served |= ph->approaches;
    }
    if (!(gops_signal_plan_cycle(plan) > 0))
        return gops_error_set(err, GOPS_BAD_VALUE, "signal plan at node %u: the cycle is 0 s; expected a positive cycle", node);
    for (uint32_t i = 0; i < n->in_count; i++) {
        uint32_t a = net->node_arcs[n->first_in + i];
        if (net->arcs[a].in_map && !(served & (1u << i)))
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "signal plan at node %u: approach %u (%s) never gets green; expected every approach in some phase",
                                  node, i, road_name(net, a));
    }
    return GOPS_OK;
}

gops_status_t gops_signals_build(gops_signals_t *s, const gops_tnet_t *net, gops_error_t *err)
{
    memset(s, 0, sizeof *s);
    s->of_node = malloc((net->node_count + 1) * sizeof *s->of_node);
    s->state = malloc((net->arc_count + 1) * sizeof *s->state);
    s->to_green = calloc(net->arc_count + 1, sizeof *s->to_green);
    if (!s->of_node || !s->state || !s->to_green) goto nomem;
    uint32_t count = 0;
    for (uint32_t v = 0; v < net->node_count; v++) {
        s->of_node[v] = GOPS_TNET_NONE;
        const gops_tnet_node_t *n = &net->nodes[v];
        for (uint32_t i = 0; i < n->in_count; i++)
            if (net->arcs[net->node_arcs[n->first_in + i]].control == GOPS_ARC_SIGNAL) {
                s->of_node[v] = count++;
                break;
            }
    }
    s->count = count;
    s->node = malloc((count + 1) * sizeof *s->node);
    s->plans = calloc((size_t)count * GOPS_MODE_COUNT + 1, sizeof *s->plans);
    if (!s->node || !s->plans) goto nomem;
    for (uint32_t v = 0; v < net->node_count; v++) {
        if (s->of_node[v] == GOPS_TNET_NONE) continue;
        s->node[s->of_node[v]] = v;
        for (int m = 0; m < GOPS_MODE_COUNT; m++)
            gops_signals_default_plan(net, v, (gops_mode_t)m, &s->plans[s->of_node[v] * GOPS_MODE_COUNT + m]);
    }
    memset(s->state, GOPS_SIGNAL_GREEN, net->arc_count + 1);
    return GOPS_OK;
nomem:
    gops_signals_free(s);
    return gops_error_set(err, GOPS_NOMEM, "traffic signals: out of memory");
}

void gops_signals_free(gops_signals_t *s)
{
    free(s->node);
    free(s->of_node);
    free(s->plans);
    free(s->state);
    free(s->to_green);
    memset(s, 0, sizeof *s);
}

void gops_signals_update(gops_signals_t *s, const gops_tnet_t *net, double t, gops_mode_t mode)
{
    for (uint32_t k = 0; k < s->count; k++) {
        const gops_tnet_node_t *n = &net->nodes[s->node[k]];
        const gops_signal_plan_t *plan = &s->plans[k * GOPS_MODE_COUNT + mode];
        for (uint32_t i = 0; i < n->in_count; i++) {
            uint32_t a = net->node_arcs[n->first_in + i];
            if (net->arcs[a].control != GOPS_ARC_SIGNAL) continue;
            double to_green;
            s->state[a] = (uint8_t)gops_signal_plan_state(plan, i, t, &to_green);
            s->to_green[a] = (float)to_green;
        }
    }
}
