// SPDX-License-Identifier: MIT
// Run records (see records.h). A record is JSON through cJSON, so numbers read back exactly
// what was written (cJSON prints the shortest text that round-trips a double). Does not
// decide what to run next or where a record is sent.
#include "ensemble/records.h"

#include "ensemble/study_dir.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SETS_MAX = GOPS_STUDY_MAX_SETS + GOPS_STUDY_MAX_FACTORS };

/// The fields that say which run a record is.
static cJSON *identity(const gops_study_t *s, uint32_t run)
{
    gops_study_run_t r = gops_study_run(s, run);
    char buf[SETS_MAX][GOPS_STUDY_SET_MAX];
    const char *sets[SETS_MAX];
    uint32_t n = gops_study_point_sets(s, r.point, buf, sets, SETS_MAX);
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddNumberToObject(o, "run", run);
    cJSON_AddNumberToObject(o, "point", r.point);
    cJSON_AddNumberToObject(o, "replication", r.replication);
    cJSON_AddNumberToObject(o, "seed", (double)r.seed);
    cJSON *a = cJSON_AddArrayToObject(o, "sets");
    for (uint32_t i = 0; i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateString(sets[i]));
    cJSON_AddStringToObject(o, "scenario_hash", s->scenario_hash);
    cJSON_AddStringToObject(o, "version", s->version);
    return o;
}

static char *print_or_null(cJSON *o)
{
    char *text = o ? cJSON_Print(o) : NULL;
    cJSON_Delete(o);
    return text;
}

char *gops_record_failure(const gops_study_t *s, uint32_t run, int exit_code, const char *message)
{
    cJSON *o = identity(s, run);
    if (!o) return NULL;
    cJSON_AddStringToObject(o, "status", "failed");
    cJSON_AddNumberToObject(o, "exit_code", exit_code);
    cJSON_AddStringToObject(o, "message", message);
    return print_or_null(o);
}

gops_status_t gops_record_run(const gops_study_t *s, const char *root, uint32_t run, int threads, gops_tick_fn *on_tick,
                              void *user, char **text, gops_run_row_t *row, gops_error_t *err)
{
    *text = NULL;
    gops_study_run_t r = gops_study_run(s, run);
    char dir[1100];
    gops_study_dir_run_path(root, run, dir, sizeof dir);
    char buf[SETS_MAX][GOPS_STUDY_SET_MAX];
    const char *sets[SETS_MAX];
    uint32_t n = gops_study_point_sets(s, r.point, buf, sets, SETS_MAX);

    gops_run_options_t o = gops_run_options_default();
    o.scenario_path = s->scenario_path;
    o.out_dir = dir;
    o.has_seed = true;
    o.seed = r.seed;
    o.threads = threads;
    o.sets = sets;
    o.set_count = (int)n;
    o.on_tick = on_tick;
    o.on_tick_user = user;
    gops_run_result_t *res = calloc(1, sizeof *res);
    if (!res) return gops_error_set(err, GOPS_NOMEM, "out of memory for run %u", run);
    gops_error_t run_err = {0};
    gops_status_t st = gops_session_run(&o, res, &run_err);

    cJSON *rec = identity(s, run);
    if (!rec) {
        free(res);
        return gops_error_set(err, GOPS_NOMEM, "out of memory for run %u", run);
    }
    cJSON *kpi = NULL;
    if (st == GOPS_OK) {
        char path[1200];
        snprintf(path, sizeof path, "%s/summary.json", dir);
        char *summary = gops_study_dir_read(path, (size_t)64 << 20);
        cJSON *sj = summary ? cJSON_Parse(summary) : NULL;
        free(summary);
        kpi = sj ? cJSON_DetachItemFromObjectCaseSensitive(sj, "kpi") : NULL;
        cJSON_Delete(sj);
        if (!cJSON_IsObject(kpi)) {
            cJSON_Delete(kpi);
            kpi = NULL;
            st = gops_error_set(&run_err, GOPS_IO, "%s: no kpi object in the run's summary.json", path);
        }
    }
    if (st == GOPS_OK) {
        char hash[24];
        snprintf(hash, sizeof hash, "%016" PRIx64, res->state_hash);
        cJSON_AddStringToObject(rec, "status", "ok");
        cJSON_AddBoolToObject(rec, "passed", res->passed);
        cJSON_AddStringToObject(rec, "state_hash", hash);
        cJSON_AddNumberToObject(rec, "sim_seconds", res->sim_seconds);
        cJSON_AddNumberToObject(rec, "wall_seconds", round(res->wall_seconds * 1000.0) / 1000.0);
        cJSON_AddStringToObject(rec, "failures", res->failures);
        cJSON_AddItemToObject(rec, "kpi", kpi);
    } else {
        cJSON_AddStringToObject(rec, "status", "failed");
        cJSON_AddNumberToObject(rec, "exit_code", gops_status_exit_code(st));
        cJSON_AddStringToObject(rec, "message", run_err.message[0] ? run_err.message : gops_status_text(st));
    }
    free(res);
    *text = print_or_null(rec);
    if (!*text) return gops_error_set(err, GOPS_NOMEM, "out of memory for the record of run %u", run);
    if (row) gops_record_parse(s, run, *text, row);
    return GOPS_OK;
}

static void stale(gops_run_row_t *row, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void stale(gops_run_row_t *row, const char *fmt, ...)
{
    row->state = GOPS_RECORD_STALE;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(row->message, sizeof row->message, fmt, ap);
    va_end(ap);
}

static const char *text_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/// Checks the identity fields; false (row marked stale) when the record is another run's.
static bool same_run(const gops_study_t *s, uint32_t run, const cJSON *o, gops_run_row_t *row)
{
    cJSON *want = identity(s, run);
    if (!want) {
        stale(row, "out of memory checking the record");
        return false;
    }
    bool same = true;
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "run");
    if (!cJSON_IsNumber(r) || r->valuedouble != run) {
        stale(row, "the record is not of this run index");
        same = false;
    } else if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(want, "seed"), cJSON_GetObjectItemCaseSensitive(o, "seed"), 1)) {
        stale(row, "recorded with another seed (another base_seed, seeds rule or design)");
        same = false;
    } else if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(want, "sets"), cJSON_GetObjectItemCaseSensitive(o, "sets"), 1)) {
        stale(row, "recorded with other overrides (another design or set)");
        same = false;
    } else if (strcmp(text_of(o, "scenario_hash"), s->scenario_hash) != 0) {
        stale(row, "recorded with another scenario or map (hash %s, now %s)", text_of(o, "scenario_hash"), s->scenario_hash);
        same = false;
    } else if (strcmp(text_of(o, "version"), s->version) != 0) {
        stale(row, "recorded by another build (%s, now %s)", text_of(o, "version"), s->version);
        same = false;
    }
    cJSON_Delete(want);
    return same;
}

void gops_record_parse(const gops_study_t *s, uint32_t run, const char *text, gops_run_row_t *row)
{
    memset(row, 0, sizeof *row);
    for (uint32_t k = 0; k < GOPS_STUDY_MAX_KPIS; k++) row->kpi[k] = NAN;
    row->wall_seconds = NAN;
    row->state = GOPS_RECORD_MISSING;
    if (!text) return;
    cJSON *o = cJSON_Parse(text);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        stale(row, "the record is not JSON");
        return;
    }
    if (!same_run(s, run, o, row)) {
        cJSON_Delete(o);
        return;
    }
    const char *status = text_of(o, "status");
    if (strcmp(status, "failed") == 0) {
        row->state = GOPS_RECORD_FAILED;
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(o, "exit_code");
        row->exit_code = cJSON_IsNumber(code) ? code->valueint : 3;
        snprintf(row->message, sizeof row->message, "%s", text_of(o, "message"));
    } else if (strcmp(status, "ok") == 0) {
        row->state = GOPS_RECORD_OK;
        row->passed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "passed"));
        row->state_hash = strtoull(text_of(o, "state_hash"), NULL, 16);
        const cJSON *wall = cJSON_GetObjectItemCaseSensitive(o, "wall_seconds");
        if (cJSON_IsNumber(wall)) row->wall_seconds = wall->valuedouble;
        const cJSON *kpi = cJSON_GetObjectItemCaseSensitive(o, "kpi");
        for (uint32_t k = 0; k < s->kpi_count; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(kpi, s->kpis[k]);
            if (cJSON_IsNumber(v)) row->kpi[k] = v->valuedouble;
        }
        snprintf(row->message, sizeof row->message, "%s", text_of(o, "failures"));
    } else {
        stale(row, "the record has no status \"ok\" or \"failed\"");
    }
    cJSON_Delete(o);
}

void gops_record_read(const gops_study_t *s, const char *root, uint32_t run, gops_run_row_t *row)
{
    char path[1100];
    gops_study_dir_record_path(root, run, path, sizeof path);
    char *text = gops_study_dir_read(path, (size_t)16 << 20);
    gops_record_parse(s, run, text, row);
    free(text);
}

gops_status_t gops_record_write(const char *root, uint32_t run, const char *text, gops_error_t *err)
{
    char path[1100];
    gops_study_dir_record_path(root, run, path, sizeof path);
    return gops_study_dir_write(path, text, err);
}
