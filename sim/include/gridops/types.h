// SPDX-License-Identifier: MIT
// Plain value types shared by the engine's public API: operating modes, time, KPIs.
#ifndef GRIDOPS_TYPES_H
#define GRIDOPS_TYPES_H

#include <stdbool.h>
#include <stdint.h>

/// The four operating modes of the grid (FACTS.md: 平时, 节假日, 重大活动, 应急战时).
typedef enum gops_mode {
    GOPS_MODE_NORMAL = 0,
    GOPS_MODE_HOLIDAY,
    GOPS_MODE_MAJOR_EVENT,
    GOPS_MODE_EMERGENCY,
    GOPS_MODE_COUNT
} gops_mode_t;

/// Seconds since 1970-01-01 00:00 of the scenario's local calendar (no time zone, no leap
/// seconds): simulation time is civil local time, never the wall clock.
typedef int64_t gops_local_time_t;

/// A KPI value: absent (its subsystem is not simulated, written as JSON null) or a number.
typedef struct gops_kpi_value {
    bool present;
    double value;
} gops_kpi_value_t;

#endif
