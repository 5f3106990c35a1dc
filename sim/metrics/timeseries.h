// SPDX-License-Identifier: MIT
// Gauges (instantaneous values models keep current) and the per-minute time series sampled
// from them for timeseries.csv. A gauge whose model is absent stays absent (empty cell).
// Owns the rows in memory; writing them is output/timeseries_csv.c's job.
#ifndef GOPS_METRICS_TIMESERIES_H
#define GOPS_METRICS_TIMESERIES_H

#include "gridops/types.h"

#include <stdint.h>

/// Gauge columns of timeseries.csv (DESIGN.md's output contract). Append only.
#define GOPS_GAUGE_LIST(X)                          \
    X(PEDESTRIANS_STREET, "pedestrians_street")     \
    X(PEDESTRIANS_BUILDINGS, "pedestrians_buildings") \
    X(PEAK_DENSITY_PPM2, "peak_density_ppm2")       \
    X(LOS_A, "los_a_share")                         \
    X(LOS_B, "los_b_share")                         \
    X(LOS_C, "los_c_share")                         \
    X(LOS_D, "los_d_share")                         \
    X(LOS_E, "los_e_share")                         \
    X(LOS_F, "los_f_share")                         \
    X(VEHICLES, "vehicles")                         \
    X(CONGESTION_INDEX, "congestion_index")         \
    X(VENDORS_AT_POINTS, "vendors_at_points")       \
    X(VENDORS_MOBILE, "vendors_mobile")             \
    X(ORDERS_OPEN, "orders_open")                   \
    X(ORDERS_CLOSED, "orders_closed")               \
    X(TEAMS_BUSY, "teams_busy")

typedef enum gops_gauge_id {
#define GOPS_GAUGE_ENUM(name, text) GOPS_GAUGE_##name,
    GOPS_GAUGE_LIST(GOPS_GAUGE_ENUM)
#undef GOPS_GAUGE_ENUM
    GOPS_GAUGE_COUNT
} gops_gauge_id_t;

typedef struct gops_gauges {
    gops_kpi_value_t value[GOPS_GAUGE_COUNT];
} gops_gauges_t;

typedef struct gops_timeseries_row {
    gops_local_time_t time;
    double elapsed_s;
    gops_mode_t mode;
    gops_gauges_t gauges;
} gops_timeseries_row_t;

typedef struct gops_timeseries {
    gops_timeseries_row_t *rows;
    uint32_t count, capacity;
} gops_timeseries_t;

const char *gops_gauge_name(gops_gauge_id_t id);
void gops_gauges_set(gops_gauges_t *gauges, gops_gauge_id_t id, double value);

void gops_timeseries_init(gops_timeseries_t *ts);
void gops_timeseries_free(gops_timeseries_t *ts);
/// Appends a row; returns -1 when out of memory.
int gops_timeseries_add(gops_timeseries_t *ts, gops_local_time_t time, double elapsed_s, gops_mode_t mode,
                        const gops_gauges_t *gauges);

#endif
