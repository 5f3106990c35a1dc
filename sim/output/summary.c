// SPDX-License-Identifier: MIT
// summary.json (via cJSON) and timeseries.csv text. Key order is fixed, numbers print the
// same way on every run, so two runs of one seed differ only in wall time.
#include "output/summary.h"

#include "core/simtime.h"
#include "core/strbuf.h"
#include "core/version.h"
#include "output/outdir.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_kpis(cJSON *obj, const gops_kpis_t *kpis)
{
    for (int i = 0; i < GOPS_KPI_COUNT; i++) {
        const char *name = gops_kpi_name((gops_kpi_id_t)i);
        if (!kpis->value[i].present)
            cJSON_AddNullToObject(obj, name);
        else if (gops_kpi_is_text((gops_kpi_id_t)i))
            cJSON_AddStringToObject(obj, name, kpis->text[i]);
        else
            cJSON_AddNumberToObject(obj, name, kpis->value[i].value);
    }
    for (uint32_t i = 0; i < kpis->custom_count; i++)
        cJSON_AddNumberToObject(obj, kpis->custom_name[i], kpis->custom_value[i]);
}

static void add_expectations(cJSON *arr, const gops_expectation_t *e, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "metric", e[i].metric);
        cJSON_AddStringToObject(o, "op", gops_expect_op_text(e[i].op));
        cJSON_AddNumberToObject(o, "value", e[i].value);
        if (e[i].evaluated && e[i].measured)
            cJSON_AddNumberToObject(o, "actual", e[i].actual);
        else
            cJSON_AddNullToObject(o, "actual");
        cJSON_AddBoolToObject(o, "passed", e[i].passed);
        if (e[i].skipped) cJSON_AddBoolToObject(o, "skipped", true);
        cJSON_AddStringToObject(o, "where", e[i].where);
        if (e[i].note[0]) cJSON_AddStringToObject(o, "note", e[i].note);
        cJSON_AddItemToArray(arr, o);
    }
}

char *gops_summary_json(const gops_run_report_t *r)
{
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    char buf[64];
    cJSON_AddStringToObject(root, "scenario", r->scenario);
    cJSON_AddNumberToObject(root, "seed", (double)r->seed);
    cJSON_AddStringToObject(root, "version", gops_version);
    gops_time_format(r->start, buf, sizeof buf);
    cJSON_AddStringToObject(root, "start", buf);
    gops_time_format(r->end, buf, sizeof buf);
    cJSON_AddStringToObject(root, "end", buf);
    cJSON_AddNumberToObject(root, "sim_seconds", r->sim_seconds);
    cJSON_AddNumberToObject(root, "wall_seconds", round(r->wall_seconds * 1000.0) / 1000.0);
    cJSON_AddNumberToObject(root, "realtime_factor",
                            r->wall_seconds > 0 ? round(r->sim_seconds / r->wall_seconds * 10.0) / 10.0 : 0.0);
    snprintf(buf, sizeof buf, "%016" PRIx64, r->state_hash);
    cJSON_AddStringToObject(root, "state_hash", buf);
    cJSON_AddBoolToObject(root, "passed", r->passed);
    cJSON_AddBoolToObject(root, "partial", r->partial);
    cJSON_AddBoolToObject(root, "quick", r->quick);
    add_expectations(cJSON_AddArrayToObject(root, "expectations"), r->expectations, r->expectation_count);
    add_kpis(cJSON_AddObjectToObject(root, "kpi"), r->kpis);
    cJSON_AddStringToObject(root, "scenario_path", r->scenario_path);
    if (r->map_path && r->map_path[0])
        cJSON_AddStringToObject(root, "map", r->map_path);
    else
        cJSON_AddNullToObject(root, "map");
    cJSON_AddNumberToObject(root, "tick_seconds", r->tick_s);
    cJSON_AddNumberToObject(root, "ticks", (double)r->ticks);
    cJSON_AddNumberToObject(root, "threads", r->threads);
    cJSON_AddStringToObject(root, "mode_start", gops_mode_name(r->mode_start));
    cJSON_AddStringToObject(root, "mode_end", gops_mode_name(r->mode_end));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

char *gops_timeseries_csv(const gops_timeseries_t *ts)
{
    gops_strbuf_t sb;
    gops_strbuf_init(&sb);
    gops_strbuf_puts(&sb, "time,elapsed_s,mode");
    for (int g = 0; g < GOPS_GAUGE_COUNT; g++) gops_strbuf_printf(&sb, ",%s", gops_gauge_name((gops_gauge_id_t)g));
    gops_strbuf_puts(&sb, "\n");
    for (uint32_t i = 0; i < ts->count; i++) {
        const gops_timeseries_row_t *row = &ts->rows[i];
        char when[32];
        gops_time_format(row->time, when, sizeof when);
        gops_strbuf_printf(&sb, "%s,%.1f,%s", when, row->elapsed_s, gops_mode_name(row->mode));
        for (int g = 0; g < GOPS_GAUGE_COUNT; g++) {
            if (row->gauges.value[g].present)
                gops_strbuf_printf(&sb, ",%.6g", row->gauges.value[g].value);
            else
                gops_strbuf_puts(&sb, ",");
        }
        gops_strbuf_puts(&sb, "\n");
    }
    if (sb.failed) {
        gops_strbuf_free(&sb);
        return NULL;
    }
    return sb.data;
}

gops_status_t gops_outputs_write(const char *dir, const gops_run_report_t *report, const gops_timeseries_t *ts,
                                 gops_error_t *err)
{
    char path[1200];
    char *json = gops_summary_json(report);
    if (!json) return gops_error_set(err, GOPS_NOMEM, "out of memory writing summary.json");
    snprintf(path, sizeof path, "%s/summary.json", dir);
    size_t n = strlen(json);
    char *grown = realloc(json, n + 2);
    if (!grown) {
        free(json);
        return gops_error_set(err, GOPS_NOMEM, "out of memory writing summary.json");
    }
    json = grown;
    json[n] = '\n';
    gops_status_t s = gops_file_write_atomic(path, json, n + 1, err);
    free(json);
    if (s != GOPS_OK) return s;
    char *csv = gops_timeseries_csv(ts);
    if (!csv) return gops_error_set(err, GOPS_NOMEM, "out of memory writing timeseries.csv");
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    s = gops_file_write_atomic(path, csv, strlen(csv), err);
    free(csv);
    return s;
}
