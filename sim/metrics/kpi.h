// SPDX-License-Identifier: MIT
// Key performance indicators: the stable names of summary.json's `kpi` object (DESIGN.md),
// each absent (null) until its subsystem measures it, plus KPIs a scenario defines itself.
// Owns the values only; models set them, outputs and expectations read them.
#ifndef GOPS_METRICS_KPI_H
#define GOPS_METRICS_KPI_H

#include "core/hash.h"
#include "gridops/status.h"
#include "gridops/types.h"

#include <stdbool.h>
#include <stdint.h>

/// The stable KPI names; the unit is in the name. Append only.
#define GOPS_KPI_LIST(X)                 \
    X(VISITORS_TOTAL, "visitors_total")   \
    X(PEAK_PEDESTRIANS_STREET, "peak_pedestrians_street") \
    X(PEAK_OCCUPANCY_BUILDINGS, "peak_occupancy_buildings") \
    X(PEAK_DENSITY_PPM2, "peak_density_ppm2") \
    X(PEAK_DENSITY_WHERE, "peak_density_where") \
    X(PEAK_DENSITY_TIME, "peak_density_time") \
    X(CELL_MINUTES_ABOVE_4PPM2, "cell_minutes_above_4ppm2") \
    X(VEHICLES_TOTAL, "vehicles_total")   \
    X(CONGESTION_INDEX_MEAN, "congestion_index_mean") \
    X(CONGESTION_INDEX_MAX, "congestion_index_max") \
    X(VENDOR_HOURS_OUTSIDE_POINTS, "vendor_hours_outside_points") \
    X(STALL_OCCUPANCY, "stall_occupancy") \
    X(INCIDENTS_TOTAL, "incidents_total") \
    X(INCIDENTS_CLOSED, "incidents_closed") \
    X(RESPONSE_TIME_P50_S, "response_time_p50_s") \
    X(RESPONSE_TIME_P90_S, "response_time_p90_s") \
    X(CLOSURE_TIME_P50_S, "closure_time_p50_s") \
    X(TEAM_UTILISATION, "team_utilisation") \
    X(COVERAGE_5MIN, "coverage_5min") \
    X(VENDOR_HOURS_INSIDE_POINTS, "vendor_hours_inside_points") \
    X(OBSTRUCTION_PERSON_MIN, "obstruction_person_min") \
    X(VENDOR_COMPLAINTS, "vendor_complaints") \
    X(MERCHANT_REPORTS, "merchant_reports") \
    X(PEAK_DENSITY_X_M, "peak_density_x_m") \
    X(PEAK_DENSITY_Y_M, "peak_density_y_m")

typedef enum gops_kpi_id {
#define GOPS_KPI_ENUM(name, text) GOPS_KPI_##name,
    GOPS_KPI_LIST(GOPS_KPI_ENUM)
#undef GOPS_KPI_ENUM
    GOPS_KPI_COUNT
} gops_kpi_id_t;

/// Most KPIs are numbers; `peak_density_where` and `peak_density_time` are text.
#define GOPS_KPI_TEXT_MAX 96
#define GOPS_KPI_CUSTOM_MAX 64
#define GOPS_KPI_NAME_MAX 64

typedef struct gops_kpis {
    gops_kpi_value_t value[GOPS_KPI_COUNT];
    char text[GOPS_KPI_COUNT][GOPS_KPI_TEXT_MAX]; ///< for text KPIs; "" = absent
    /// Scenario-defined KPIs, in the order first set (deterministic: hooks run in order).
    char custom_name[GOPS_KPI_CUSTOM_MAX][GOPS_KPI_NAME_MAX];
    double custom_value[GOPS_KPI_CUSTOM_MAX];
    uint32_t custom_count;
} gops_kpis_t;

/// All KPIs absent.
void gops_kpis_init(gops_kpis_t *kpis);
const char *gops_kpi_name(gops_kpi_id_t id);
/// Built-in KPI by name, or -1.
int gops_kpi_from_name(const char *name);
/// True for the KPIs whose value is text.
bool gops_kpi_is_text(gops_kpi_id_t id);
void gops_kpis_set(gops_kpis_t *kpis, gops_kpi_id_t id, double value);
void gops_kpis_set_text(gops_kpis_t *kpis, gops_kpi_id_t id, const char *text);
/// Sets a scenario-defined KPI. Names are lower-case [a-z0-9_], start with a letter, at most
/// 63 bytes, and must not be a built-in name. GOPS_BAD_VALUE otherwise or when full.
gops_status_t gops_kpis_set_custom(gops_kpis_t *kpis, const char *name, double value, gops_error_t *err);
/// Looks a KPI (built-in numeric or custom) up by name. Returns false when the name is unknown;
/// otherwise *out is its value (present=false for an absent built-in KPI).
bool gops_kpis_get(const gops_kpis_t *kpis, const char *name, gops_kpi_value_t *out);
/// The valid name nearest to `name` by edit distance (for "did you mean"), from the
/// built-in and custom names.
const char *gops_kpis_nearest(const gops_kpis_t *kpis, const char *name);
/// Feeds every KPI into the state hash in canonical order.
void gops_kpis_hash(const gops_kpis_t *kpis, gops_hash_t *hash);

#endif
