// SPDX-License-Identifier: MIT
// Gauge names and the in-memory per-minute rows (see timeseries.h).
#include "metrics/timeseries.h"

#include <stdlib.h>

static const char *const gauge_names[] = {
#define GOPS_GAUGE_NAME(name, text) text,
    GOPS_GAUGE_LIST(GOPS_GAUGE_NAME)
#undef GOPS_GAUGE_NAME
};

const char *gops_gauge_name(gops_gauge_id_t id)
{
    return (unsigned)id < GOPS_GAUGE_COUNT ? gauge_names[id] : "?";
}

void gops_gauges_set(gops_gauges_t *gauges, gops_gauge_id_t id, double value)
{
    gauges->value[id] = (gops_kpi_value_t){true, value};
}

void gops_timeseries_init(gops_timeseries_t *ts)
{
    *ts = (gops_timeseries_t){0};
}

void gops_timeseries_free(gops_timeseries_t *ts)
{
    free(ts->rows);
    *ts = (gops_timeseries_t){0};
}

int gops_timeseries_add(gops_timeseries_t *ts, gops_local_time_t time, double elapsed_s, gops_mode_t mode,
                        const gops_gauges_t *gauges)
{
    if (ts->count == ts->capacity) {
        uint32_t cap = ts->capacity ? ts->capacity * 2 : 256;
        gops_timeseries_row_t *bigger = realloc(ts->rows, cap * sizeof *bigger);
        if (!bigger) return -1;
        ts->rows = bigger;
        ts->capacity = cap;
    }
    ts->rows[ts->count++] = (gops_timeseries_row_t){time, elapsed_s, mode, *gauges};
    return 0;
}
