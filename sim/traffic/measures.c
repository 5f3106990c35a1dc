// SPDX-License-Identifier: MIT
// Traffic measures: per arc flow, space-mean speed, travel time index (actual travel time
// over the free-flow time, which includes the delay a lone vehicle meets at a signal:
// length / limit + red² / (2 · cycle), the "night-time" reference) and queue length, and
// the district's travel time index and congestion index, over a rolling set of windows;
// the world's gauges (vehicles, congestion index) and KPIs (vehicles_total,
// congestion_index_mean / _max). It never changes the traffic.
// Ordering: sums run over vehicles in index order and arcs in id order (fixed, so the
// floating-point sums are the same on any thread count).
#include "traffic/traffic_internal.h"

#include "traffic/traffic_checkpoint.h"

#include "metrics/kpi.h"
#include "metrics/timeseries.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WINDOWS 5u         // the indices use the last 5 windows (5 min by default)
#define TTI_CAP 10.0
#define QUEUE_HEAD_M 15.0f // a queue starts with a slow vehicle this close to the stop line
#define QUEUE_GAP_M 15.0f  // and continues through slow vehicles this close to each other

enum { M_EXITS, M_STEPS, M_SPEED, M_RATIO, M_COUNT };

double gops_traffic_congestion_index(double tti)
{
    static const double x[] = {1.0, 1.3, 1.6, 2.0, 2.5, 3.5};
    static const double y[] = {0.0, 2.0, 4.0, 6.0, 8.0, 10.0};
    if (!(tti > x[0])) return 0.0;
    for (int k = 1; k < 6; k++)
        if (tti <= x[k]) return y[k - 1] + (y[k] - y[k - 1]) * (tti - x[k - 1]) / (x[k] - x[k - 1]);
    return 10.0;
}

const char *gops_traffic_congestion_band(double index)
{
    if (index < 2) return "smooth";
    if (index < 4) return "basically smooth";
    if (index < 6) return "light";
    if (index < 8) return "moderate";
    return "severe";
}

gops_status_t trf_measures_init(gops_traffic_t *trf, gops_error_t *err)
{
    trf_measures_t *M = &trf->measures;
    memset(M, 0, sizeof *M);
    uint32_t A = trf->net->arc_count;
    M->arc_count = A;
    M->window_s = trf->params.measure_interval_s;
    M->cur = calloc((size_t)M_COUNT * A + 1, sizeof *M->cur);
    M->ring = calloc((size_t)WINDOWS * M_COUNT * A + 1, sizeof *M->ring);
    M->queue_m = calloc(A + 1, sizeof *M->queue_m);
    M->on_arc = calloc(A + 1, sizeof *M->on_arc);
    M->tti = malloc((A + 1) * sizeof *M->tti);
    M->flow_vph = calloc(A + 1, sizeof *M->flow_vph);
    M->speed_mps = calloc(A + 1, sizeof *M->speed_mps);
    M->ref_speed = malloc((A + 1) * sizeof *M->ref_speed);
    if (!M->cur || !M->ring || !M->queue_m || !M->on_arc || !M->tti || !M->flow_vph || !M->speed_mps || !M->ref_speed)
        return gops_error_set(err, GOPS_NOMEM, "traffic measures: out of memory");
    for (uint32_t a = 0; a < A; a++) {
        M->tti[a] = 1.0f;
        M->speed_mps[a] = trf->net->arcs[a].speed;
        M->ref_speed[a] = trf->net->arcs[a].speed;
    }
    M->district_tti = 1.0;
    return GOPS_OK;
}

void trf_measures_free(gops_traffic_t *trf)
{
    trf_measures_t *M = &trf->measures;
    free(M->cur);
    free(M->ring);
    free(M->queue_m);
    free(M->on_arc);
    free(M->tti);
    free(M->flow_vph);
    free(M->speed_mps);
    free(M->ref_speed);
    memset(M, 0, sizeof *M);
}

static void queues(gops_traffic_t *trf)
{
    trf_measures_t *M = &trf->measures;
    const gops_tnet_t *net = trf->net;
    const gops_vehicles_t *V = &trf->veh;
    const gops_lane_index_t *X = &trf->index;
    for (uint32_t a = 0; a < net->arc_count; a++) {
        const gops_tnet_arc_t *A = &net->arcs[a];
        float best = 0;
        for (uint32_t k = 0; k < A->lanes; k++) {
            uint32_t lane = A->first_lane + k, b = X->start[lane], e = X->start[lane + 1];
            if (b == e) continue;
            uint32_t j = X->items[b];
            if (V->v[j] >= TRF_QUEUE_MPS || V->s[j] < A->stop_pos - QUEUE_HEAD_M) continue;
            float rear = V->s[j] - trf->params.vclass[V->cls[j]].length;
            for (uint32_t q = b + 1; q < e; q++) {
                uint32_t u = X->items[q];
                if (V->v[u] >= TRF_QUEUE_MPS || rear - V->s[u] > QUEUE_GAP_M) break;
                rear = V->s[u] - trf->params.vclass[V->cls[u]].length;
            }
            float len = A->stop_pos - rear;
            if (len > best) best = len;
        }
        M->queue_m[a] = best;
    }
}

static void close_window(gops_traffic_t *trf)
{
    trf_measures_t *M = &trf->measures;
    uint32_t A = M->arc_count;
    memcpy(M->ring + (size_t)M->head * M_COUNT * A, M->cur, (size_t)M_COUNT * A * sizeof *M->cur);
    memset(M->cur, 0, (size_t)M_COUNT * A * sizeof *M->cur);
    M->head = (M->head + 1) % WINDOWS;
    if (M->filled < WINDOWS) M->filled++;
    double all_steps = 0, all_ratio = 0;
    for (uint32_t a = 0; a < A; a++) {
        double sum[M_COUNT] = {0};
        for (uint32_t w = 0; w < M->filled; w++)
            for (int k = 0; k < M_COUNT; k++) sum[k] += M->ring[((size_t)w * M_COUNT + k) * A + a];
        M->flow_vph[a] = (float)(sum[M_EXITS] * 3600.0 / (M->filled * M->window_s));
        M->speed_mps[a] = sum[M_STEPS] > 0 ? (float)(sum[M_SPEED] / sum[M_STEPS]) : trf->net->arcs[a].speed;
        double tti = sum[M_STEPS] > 0 ? (sum[M_RATIO] > 0 ? sum[M_STEPS] / sum[M_RATIO] : TTI_CAP) : 1.0;
        M->tti[a] = (float)(tti < TTI_CAP ? tti : TTI_CAP);
        all_steps += sum[M_STEPS];
        all_ratio += sum[M_RATIO];
    }
    double tti = all_steps > 0 ? (all_ratio > 0 ? all_steps / all_ratio : TTI_CAP) : 1.0;
    M->district_tti = tti < TTI_CAP ? tti : TTI_CAP;
    M->district_ci = gops_traffic_congestion_index(M->district_tti);
    M->ci_sum += M->district_ci;
    M->ci_samples++;
    if (M->district_ci > M->ci_max) M->ci_max = M->district_ci;
    if (trf->world) {
        gops_kpis_t *kpis = gops_world_kpis(trf->world);
        gops_kpis_set(kpis, GOPS_KPI_CONGESTION_INDEX_MEAN, M->ci_sum / (double)M->ci_samples);
        gops_kpis_set(kpis, GOPS_KPI_CONGESTION_INDEX_MAX, M->ci_max);
        gops_gauges_set(gops_world_gauges(trf->world), GOPS_GAUGE_CONGESTION_INDEX, M->district_ci);
    }
}

void trf_measures_sample(gops_traffic_t *trf)
{
    trf_measures_t *M = &trf->measures;
    const gops_vehicles_t *V = &trf->veh;
    const gops_tnet_t *net = trf->net;
    uint32_t A = M->arc_count, motor = 0;
    memset(M->on_arc, 0, A * sizeof *M->on_arc);
    for (uint32_t i = 0; i < V->count; i++) {
        if (!gops_vclass_is_motor((gops_vclass_t)V->cls[i])) continue;
        uint32_t a = net->lanes[V->lane[i]].arc;
        M->on_arc[a] += 1;
        motor++;
        if (V->state[i] != GOPS_VSTATE_DRIVE || trf->warming) continue;
        M->cur[M_STEPS * A + a] += 1;
        M->cur[M_SPEED * A + a] += V->v[i];
        M->cur[M_RATIO * A + a] += V->v[i] / M->ref_speed[a];
    }
    queues(trf);
    if (trf->world) {
        gops_gauges_set(gops_world_gauges(trf->world), GOPS_GAUGE_VEHICLES, motor);
        gops_kpis_set(gops_world_kpis(trf->world), GOPS_KPI_VEHICLES_TOTAL, (double)trf->entered);
    }
    if (trf->warming) return;
    M->elapsed += trf->dt;
    if (M->elapsed >= M->window_s - 1e-9) {
        M->elapsed -= M->window_s;
        close_window(trf);
    }
}

// ---- checkpoints (traffic_checkpoint.h) --------------------------------------------------

void trf_measures_save(const gops_traffic_t *trf, gops_ckpt_writer_t *w)
{
    const trf_measures_t *M = &trf->measures;
    uint64_t A = M->arc_count;
    GOPS_CKPT_PUT_ARRAY(w, "traffic.measures.cur", M->cur, M_COUNT * A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.measures.ring", M->ring, WINDOWS * M_COUNT * A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.measures.queue_m", M->queue_m, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.measures.on_arc", M->on_arc, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.measures.tti", M->tti, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.measures.flow", M->flow_vph, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.measures.speed", M->speed_mps, A);
    GOPS_CKPT_PUT_ARRAY(w, "traffic.measures.ref_speed", M->ref_speed, A);
}

void trf_measures_load(gops_traffic_t *trf, gops_ckpt_reader_t *r)
{
    trf_measures_t *M = &trf->measures;
    uint64_t A = M->arc_count;
    GOPS_CKPT_GET_ARRAY(r, "traffic.measures.cur", M->cur, M_COUNT * A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.measures.ring", M->ring, WINDOWS * M_COUNT * A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.measures.queue_m", M->queue_m, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.measures.on_arc", M->on_arc, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.measures.tti", M->tti, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.measures.flow", M->flow_vph, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.measures.speed", M->speed_mps, A);
    GOPS_CKPT_GET_ARRAY(r, "traffic.measures.ref_speed", M->ref_speed, A);
}
