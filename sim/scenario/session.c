// SPDX-License-Identifier: MIT
// The run loop (see session.h). Per tick: at/every hooks, world step, on() hooks; per sim
// minute: one time-series row; hooks due at the end time fire after the last step. The wall
// clock is read only for reporting and progress.
#include "scenario/session.h"

#include "core/parallel.h"
#include "core/simtime.h"
#include "output/outdir.h"
#include "output/summary.h"
#include "scenario/scenario.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

gops_run_options_t gops_run_options_default(void)
{
    return (gops_run_options_t){.write_outputs = true};
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *file_stem(const char *path, char *buf, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".lua") == 0) n -= 4;
    snprintf(buf, size, "%.*s", (int)n, base);
    return buf;
}

/// Applies --seed, --duration and --until through the same field rules as scenario{}.
static gops_status_t apply_overrides(const gops_run_options_t *o, gops_scenario_t *sc, gops_error_t *err)
{
    gops_scenario_def_t *def = gops_scenario_def(sc);
    if (o->has_seed) def->seed = o->seed;
    if (o->duration_s > 0) def->duration_s = o->duration_s;
    if (o->until) return gops_scenario_apply_field(sc, "finish", o->until, "--until: ", err);
    return GOPS_OK;
}

static void sample(gops_timeseries_t *ts, gops_world_t *world)
{
    gops_timeseries_add(ts, gops_world_time(world), gops_world_elapsed(world), gops_world_mode(world),
                        gops_world_gauges(world));
}

gops_status_t gops_session_run(const gops_run_options_t *o, gops_run_result_t *result, gops_error_t *err)
{
    memset(result, 0, sizeof *result);
    double wall_start = wall_now();
    gops_status_t st = GOPS_OK;
    gops_world_t *world = NULL;
    gops_timeseries_t ts;
    gops_timeseries_init(&ts);
    gops_outdir_t out = {0};
    bool out_begun = false;

    gops_scenario_t *sc = gops_scenario_load(o->scenario_path, o->sets, o->set_count, err);
    if (!sc) return err->status;
    gops_scenario_def_t *def = gops_scenario_def(sc);
    if ((st = apply_overrides(o, sc, err)) != GOPS_OK) goto cleanup;
    snprintf(result->scenario, sizeof result->scenario, "%s", def->name);
    result->seed = def->seed;

    if (o->write_outputs) {
        char stem[256];
        if (o->out_dir)
            snprintf(result->out_dir, sizeof result->out_dir, "%s", o->out_dir);
        else
            snprintf(result->out_dir, sizeof result->out_dir, "out/%s-%llu", file_stem(def->path, stem, sizeof stem),
                     (unsigned long long)def->seed);
        if ((st = gops_outdir_begin(&out, result->out_dir, err)) != GOPS_OK) goto cleanup;
        out_begun = true;
    }

    gops_world_def_t wd = gops_world_def_default();
    wd.seed = def->seed;
    wd.tick_s = def->tick_s;
    wd.start = def->start;
    wd.mode = def->mode;
    wd.map_path = def->map_path[0] ? def->map_path : NULL;
    wd.nav_cell_m = def->nav_cell_m;
    wd.threads = o->threads > 0 ? o->threads : gops_parallel_max_threads();
    if (!(world = gops_world_create(&wd, err))) {
        st = err->status;
        goto cleanup;
    }
    if ((st = gops_scenario_attach(sc, world, err)) != GOPS_OK) goto cleanup;

    uint64_t total_ticks = (uint64_t)llround(def->duration_s / def->tick_s);
    uint64_t minute_ticks = (uint64_t)llround(60.0 / def->tick_s);
    double next_progress = wall_start;
    sample(&ts, world);
    for (uint64_t t = 0; t < total_ticks; t++) {
        if ((st = gops_scenario_before_tick(sc, err)) != GOPS_OK) goto cleanup;
        gops_world_step(world);
        if ((st = gops_scenario_after_tick(sc, err)) != GOPS_OK) goto cleanup;
        uint64_t done = gops_world_tick(world);
        if (o->on_tick && !o->on_tick(world, o->on_tick_user)) {
            result->partial = true;
            if (done % minute_ticks != 0) sample(&ts, world);
            break;
        }
        if (done % minute_ticks == 0 || done == total_ticks) sample(&ts, world);
        if (o->progress && (done & 63) == 0) {
            double now = wall_now();
            if (now >= next_progress) {
                o->progress(gops_world_elapsed(world), def->duration_s, now - wall_start, gops_world_time(world),
                            o->progress_user);
                next_progress = now + 0.2;
            }
        }
    }
    // Hooks due exactly at the end time fire once more, so at(finish) can set final KPIs;
    // actions they queue have no tick left to apply in.
    if (!result->partial && (st = gops_scenario_before_tick(sc, err)) != GOPS_OK) goto cleanup;
    if (o->progress)
        o->progress(gops_world_elapsed(world), def->duration_s, wall_now() - wall_start, gops_world_time(world),
                    o->progress_user);
    if ((st = gops_scenario_evaluate(sc, err)) != GOPS_OK) goto cleanup;

    uint32_t n_exp;
    const gops_expectation_t *exps = gops_scenario_expectations(sc, &n_exp);
    result->expectations = n_exp;
    for (uint32_t i = 0; i < n_exp; i++) {
        if (exps[i].passed) continue;
        result->expectations_failed++;
        size_t used = strlen(result->failures);
        char actual[160];
        if (exps[i].measured)
            snprintf(actual, sizeof actual, "%.6g", exps[i].actual);
        else
            snprintf(actual, sizeof actual, "null: %.120s", exps[i].note);
        snprintf(result->failures + used, sizeof result->failures - used, "%s: expect %s %s %.6g failed (actual %s)\n",
                 exps[i].where, exps[i].metric, gops_expect_op_text(exps[i].op), exps[i].value, actual);
    }
    result->passed = result->expectations_failed == 0 && !result->partial; // a cut-short run proves nothing
    result->state_hash = gops_world_state_hash(world);
    result->sim_seconds = gops_world_elapsed(world);
    result->wall_seconds = wall_now() - wall_start;

    if (o->write_outputs) {
        gops_run_report_t report = {
            .scenario = def->name,
            .scenario_path = def->path,
            .map_path = def->map_path,
            .seed = def->seed,
            .start = def->start,
            .end = gops_world_time(world),
            .sim_seconds = result->sim_seconds,
            .wall_seconds = result->wall_seconds,
            .tick_s = def->tick_s,
            .ticks = gops_world_tick(world),
            .threads = wd.threads,
            .mode_start = def->mode,
            .mode_end = gops_world_mode(world),
            .state_hash = result->state_hash,
            .passed = result->passed,
            .partial = result->partial,
            .expectations = exps,
            .expectation_count = n_exp,
            .kpis = gops_world_kpis(world),
        };
        if ((st = gops_outputs_write(out.staging, &report, &ts, err)) != GOPS_OK) goto cleanup;
        if ((st = gops_outdir_commit(&out, err)) != GOPS_OK) goto cleanup;
        out_begun = false;
    }

cleanup:
    if (out_begun) gops_outdir_abort(&out);
    gops_timeseries_free(&ts);
    gops_world_destroy(world);
    gops_scenario_destroy(sc);
    return st;
}
