// SPDX-License-Identifier: MIT
// Operations measures: the world's KPIs (incidents_total, incidents_closed, response and
// closure percentiles, team_utilisation, coverage_5min), the gauges for timeseries.csv, and
// the detailed measures JSON (detection by channel, response by type, category and
// priority, closure within target, utilisation by team kind, backlog).
// Definitions: response = occurrence → first arrival on scene; closure = occurrence →
// closed; utilisation = time on orders (dispatch to end of on-scene work) ÷ time on duty,
// over mobile teams (posts are in the JSON by themselves); coverage = share of the walkable
// area a free foot patrol reaches within coverage_limit_s, averaged over samples every
// coverage_period_s. Percentiles interpolate between order statistics (numpy's default).
// Does not change the simulation: it only reads it.
#include "ops/ops_internal.h"

#include "core/assert.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gops_measures_on_arrival(gops_ops_t *ops, const gops_incident_t *inc)
{
    double r = inc->t_arrive - inc->t_occur;
    if (!gops_quantile_add(&ops->response_p50, r) || !gops_quantile_add(&ops->response_p90, r)) abort();
}

void gops_measures_on_close(gops_ops_t *ops, const gops_incident_t *inc)
{
    if (!gops_quantile_add(&ops->closure_p50, inc->t_close - inc->t_occur)) abort();
}

double gops_measures_percentile(const double *sorted, uint32_t count, double q)
{
    if (count == 0) return NAN;
    if (q <= 0) return sorted[0];
    if (q >= 1) return sorted[count - 1];
    double h = (double)(count - 1) * q;
    uint32_t i = (uint32_t)floor(h);
    if (i + 1 >= count) return sorted[count - 1];
    return sorted[i] + (h - (double)i) * (sorted[i + 1] - sorted[i]);
}

static void set_or_absent(gops_kpis_t *k, gops_kpi_id_t id, double v)
{
    if (isfinite(v)) gops_kpis_set(k, id, v);
    else k->value[id].present = false;
}

void gops_measures_update(gops_ops_t *ops)
{
    gops_kpis_t *k = gops_world_kpis(ops->world);
    gops_kpis_set(k, GOPS_KPI_INCIDENTS_TOTAL, ops->n_occurred);
    gops_kpis_set(k, GOPS_KPI_INCIDENTS_CLOSED, ops->n_closed);
    set_or_absent(k, GOPS_KPI_RESPONSE_TIME_P50_S, gops_quantile_value(&ops->response_p50));
    set_or_absent(k, GOPS_KPI_RESPONSE_TIME_P90_S, gops_quantile_value(&ops->response_p90));
    set_or_absent(k, GOPS_KPI_CLOSURE_TIME_P50_S, gops_quantile_value(&ops->closure_p50));
    double busy, duty;
    gops_teams_account(ops, ops->now, &busy, &duty, true);
    set_or_absent(k, GOPS_KPI_TEAM_UTILISATION, duty > 0 ? busy / duty : NAN);
    set_or_absent(k, GOPS_KPI_COVERAGE_5MIN, ops->coverage_samples ? ops->coverage_sum / ops->coverage_samples : NAN);

    gops_gauges_t *g = gops_world_gauges(ops->world);
    uint32_t teams_busy = 0;
    for (uint32_t t = 0; t < ops->team_count; t++)
        if (gops_team_state_busy(ops->teams[t].state)) teams_busy++;
    uint32_t open = ops->n_detected - ops->n_closed;
    gops_gauges_set(g, GOPS_GAUGE_ORDERS_OPEN, open);
    gops_gauges_set(g, GOPS_GAUGE_ORDERS_CLOSED, ops->n_closed);
    gops_gauges_set(g, GOPS_GAUGE_TEAMS_BUSY, teams_busy);
    if (open > ops->backlog_max) ops->backlog_max = open;
}

void gops_measures_sample_coverage(gops_ops_t *ops)
{
    uint32_t n = 0;
    gops_point_t *src = malloc((ops->team_count ? ops->team_count : 1) * sizeof *src);
    if (!src) abort();
    for (uint32_t t = 0; t < ops->team_count; t++) {
        const gops_team_t *team = &ops->teams[t];
        if (team->kind < 0 || team->travel != GOPS_TRAVEL_FOOT || !ops->params.kinds[team->kind].patrols) continue;
        if (!gops_team_available(ops, team)) continue;
        src[n++] = gops_team_position(team, ops->now);
    }
    double share = gops_travel_coverage(&ops->travel, src, n, ops->params.coverage_limit_s);
    free(src);
    if (!isfinite(share)) return;
    ops->coverage_last = share;
    ops->coverage_sum += share;
    ops->coverage_samples++;
    if (ops->coverage_samples == 1 || share < ops->coverage_min) ops->coverage_min = share;
}

// ---- the measures JSON ---------------------------------------------------------------------

typedef struct series {
    double *v;
    uint32_t n, cap;
} series_t;

static void push(series_t *s, double v)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        double *bigger = realloc(s->v, s->cap * sizeof *bigger);
        if (!bigger) abort();
        s->v = bigger;
    }
    s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

static void add_number(cJSON *o, const char *key, double v)
{
    if (isfinite(v)) cJSON_AddNumberToObject(o, key, round(v * 1000.0) / 1000.0);
    else cJSON_AddNullToObject(o, key);
}

/// Adds p50, p90 and max of s (sorted here) under `prefix`_p50_s etc.
static void add_percentiles(cJSON *o, const char *prefix, series_t *s)
{
    if (s->n) qsort(s->v, s->n, sizeof *s->v, cmp_double);
    char key[64];
    snprintf(key, sizeof key, "%s_p50_s", prefix);
    add_number(o, key, gops_measures_percentile(s->v, s->n, 0.5));
    snprintf(key, sizeof key, "%s_p90_s", prefix);
    add_number(o, key, gops_measures_percentile(s->v, s->n, 0.9));
    snprintf(key, sizeof key, "%s_max_s", prefix);
    add_number(o, key, s->n ? s->v[s->n - 1] : NAN);
}

typedef struct group {
    uint32_t count, detected, closed, within_target;
    series_t response, closure;
} group_t;

static void group_add(group_t *g, const gops_ops_t *ops, const gops_incident_t *inc)
{
    g->count++;
    if (inc->detected) g->detected++;
    if (!isnan(inc->t_arrive)) push(&g->response, inc->t_arrive - inc->t_occur);
    if (inc->closed) {
        g->closed++;
        double c = inc->t_close - inc->t_occur;
        push(&g->closure, c);
        if (c <= ops->params.types[inc->type].target_close_s) g->within_target++;
    }
}

static cJSON *group_json(group_t *g)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "incidents", g->count);
    cJSON_AddNumberToObject(o, "detected", g->detected);
    cJSON_AddNumberToObject(o, "closed", g->closed);
    add_number(o, "closed_within_target_share", g->detected ? (double)g->within_target / g->detected : NAN);
    add_percentiles(o, "response", &g->response);
    add_percentiles(o, "closure", &g->closure);
    free(g->response.v);
    free(g->closure.v);
    return o;
}

char *gops_ops_measures_json(const gops_ops_t *ops)
{
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    cJSON_AddNumberToObject(root, "incidents", ops->n_occurred);
    cJSON_AddNumberToObject(root, "detected", ops->n_detected);
    cJSON_AddNumberToObject(root, "closed", ops->n_closed);
    cJSON_AddNumberToObject(root, "withdrawn", ops->n_withdrawn);
    cJSON_AddNumberToObject(root, "cleared_undetected", ops->n_cleared);
    cJSON_AddNumberToObject(root, "undetected_open", ops->pending_count);
    cJSON_AddNumberToObject(root, "never_detected", ops->n_cleared + ops->pending_count);
    cJSON_AddNumberToObject(root, "prevented_by_posts", ops->n_deterred);
    cJSON_AddNumberToObject(root, "backlog_max", ops->backlog_max);

    uint32_t by_ch[GOPS_CHANNEL_COUNT] = {0};
    series_t lat[GOPS_CHANNEL_COUNT];
    memset(lat, 0, sizeof lat);
    group_t by_type[GOPS_ITYPE_COUNT], by_cat[GOPS_CAT_COUNT], by_prio[GOPS_PRIO_COUNT];
    memset(by_type, 0, sizeof by_type);
    memset(by_cat, 0, sizeof by_cat);
    memset(by_prio, 0, sizeof by_prio);
    series_t to_dispatch = {0}, dispatch_to_arrive = {0};
    uint32_t totals[5] = {0};
    for (uint32_t i = 0; i < ops->incident_count; i++) {
        const gops_incident_t *inc = &ops->incidents[i];
        if (!inc->occurred) continue;
        if (inc->detected) {
            by_ch[inc->channel]++;
            push(&lat[inc->channel], inc->t_detect - inc->t_occur);
        }
        group_add(&by_type[inc->type], ops, inc);
        group_add(&by_cat[inc->category], ops, inc);
        group_add(&by_prio[inc->priority0], ops, inc);
        if (!isnan(inc->t_dispatch) && !isnan(inc->t_detect)) push(&to_dispatch, inc->t_dispatch - inc->t_detect);
        if (!isnan(inc->t_arrive) && !isnan(inc->t_dispatch)) push(&dispatch_to_arrive, inc->t_arrive - inc->t_dispatch);
        totals[0] += inc->dispatches > 0 ? inc->dispatches - 1 : 0;
        totals[1] += inc->refusals;
        totals[2] += inc->preemptions;
        totals[3] += inc->reopens;
        totals[4] += inc->escalations;
    }
    cJSON_AddNumberToObject(root, "redispatches", totals[0]);
    cJSON_AddNumberToObject(root, "refusals", totals[1]);
    cJSON_AddNumberToObject(root, "preemptions", totals[2]);
    cJSON_AddNumberToObject(root, "reopens", totals[3]);
    cJSON_AddNumberToObject(root, "escalations", totals[4]);
    add_percentiles(root, "detection_to_dispatch", &to_dispatch);
    add_percentiles(root, "dispatch_to_arrival", &dispatch_to_arrive);
    free(to_dispatch.v);
    free(dispatch_to_arrive.v);

    cJSON *ch = cJSON_AddObjectToObject(root, "by_channel");
    for (int c = 1; c < GOPS_CHANNEL_COUNT; c++) {
        cJSON *o = cJSON_AddObjectToObject(ch, gops_channel_name((gops_channel_t)c));
        cJSON_AddNumberToObject(o, "detected", by_ch[c]);
        add_number(o, "share", ops->n_detected ? (double)by_ch[c] / ops->n_detected : NAN);
        add_percentiles(o, "latency", &lat[c]);
        free(lat[c].v);
    }
    free(lat[0].v);
    cJSON *ty = cJSON_AddObjectToObject(root, "by_type");
    for (int t = 0; t < GOPS_ITYPE_COUNT; t++)
        cJSON_AddItemToObject(ty, gops_itype_name((gops_itype_t)t), group_json(&by_type[t]));
    cJSON *ca = cJSON_AddObjectToObject(root, "by_category");
    for (int c = 0; c < GOPS_CAT_COUNT; c++)
        cJSON_AddItemToObject(ca, gops_category_name((gops_category_t)c), group_json(&by_cat[c]));
    cJSON *pr = cJSON_AddObjectToObject(root, "by_priority");
    for (int p = 0; p < GOPS_PRIO_COUNT; p++)
        cJSON_AddItemToObject(pr, gops_priority_name((gops_priority_t)p), group_json(&by_prio[p]));

    cJSON *ut = cJSON_AddObjectToObject(root, "utilisation_by_kind");
    for (int32_t k = -1; k < (int32_t)ops->params.kind_count; k++) {
        double busy = 0, duty = 0;
        for (uint32_t t = 0; t < ops->team_count; t++) {
            const gops_team_t *team = &ops->teams[t];
            if (team->kind != k) continue;
            busy += team->busy_s + (gops_team_state_busy(team->state) ? ops->now - team->busy_since : 0.0);
            duty += team->duty_s + (gops_team_state_on_duty(team->state) ? ops->now - team->duty_since : 0.0);
        }
        add_number(ut, k < 0 ? "posts" : ops->params.kinds[k].name, duty > 0 ? busy / duty : NAN);
    }
    add_number(root, "coverage_5min_mean", ops->coverage_samples ? ops->coverage_sum / ops->coverage_samples : NAN);
    add_number(root, "coverage_5min_min", ops->coverage_samples ? ops->coverage_min : NAN);
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return text;
}
