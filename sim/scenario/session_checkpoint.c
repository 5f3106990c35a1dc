// SPDX-License-Identifier: MIT
// Checkpoints of a run (session_checkpoint.h). Sections: "run" (configuration and where the
// run stood), the world's ("world", "model:*"), "scenario", "timeseries", "report". The
// report's snapshot pictures written so far travel inside the checkpoint, since the output
// folder being staged is discarded when a run dies. The wall clock is read for reporting.
#include "scenario/session_checkpoint.h"

#include "core/simtime.h"
#include "core/version.h"
#include "crowd/crossings.h"
#include "output/outdir.h"
#include "scenario/scenario_checkpoint.h"
#include "world/world_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *gops_run_checkpoint_build_id(void)
{
    static char id[256];
    if (!id[0])
        snprintf(id, sizeof id, "gridops %s, checkpoint format %d, %d-bit", gops_version, GOPS_CKPT_FORMAT,
                 (int)(sizeof(void *) * 8));
    return id;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/// A whole file into memory (caller frees). NULL with err set.
static unsigned char *read_file(const char *path, size_t *size, gops_error_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        gops_error_set(err, GOPS_IO, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *data = malloc(cap);
    while (data) {
        if (n == cap) {
            unsigned char *bigger = realloc(data, cap * 2);
            if (!bigger) {
                free(data);
                data = NULL;
                break;
            }
            data = bigger;
            cap *= 2;
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (!data) {
        gops_error_set(err, GOPS_NOMEM, "out of memory reading %s", path);
        return NULL;
    }
    if (bad) {
        free(data);
        gops_error_set(err, GOPS_IO, "cannot read %s", path);
        return NULL;
    }
    *size = n;
    return data;
}

gops_status_t gops_run_file_checksum(const char *path, uint64_t *sum, uint64_t *size, gops_error_t *err)
{
    size_t n;
    unsigned char *data = read_file(path, &n, err);
    if (!data) return err->status;
    *sum = gops_ckpt_checksum(data, n, 0);
    *size = n;
    free(data);
    return GOPS_OK;
}

void gops_run_checkpoint_path(const gops_run_config_t *cfg, gops_local_time_t now, double run_s, char *buf,
                              size_t size)
{
    int y, mo, d, h, mi, s;
    gops_time_to_civil(now, &y, &mo, &d, &h, &mi, &s);
    bool minutes = fmod(cfg->checkpoint_every_s, 60.0) == 0;
    char secs[4] = "";
    if (!minutes) snprintf(secs, sizeof secs, "%02d", s);
    if (run_s > 86400)
        snprintf(buf, size, "%s/%04d%02d%02d-%02d%02d%s" GOPS_CKPT_EXT, cfg->checkpoint_dir, y, mo, d, h, mi, secs);
    else
        snprintf(buf, size, "%s/%02d%02d%s" GOPS_CKPT_EXT, cfg->checkpoint_dir, h, mi, secs);
}

// ---- configuration ---------------------------------------------------------------------------

gops_status_t gops_run_config_fill(gops_run_config_t *cfg, const gops_run_options_t *o, const char *out_dir,
                                   gops_error_t *err)
{
    if (!o->resume) {
        memset(cfg, 0, sizeof *cfg);
        if (snprintf(cfg->scenario_path, sizeof cfg->scenario_path, "%s", o->scenario_path) >=
            (int)sizeof cfg->scenario_path)
            return gops_error_set(err, GOPS_USAGE, "--checkpoint-every: scenario path %s is too long", o->scenario_path);
        gops_status_t st = gops_run_file_checksum(o->scenario_path, &cfg->scenario_sum, &cfg->scenario_size, err);
        if (st != GOPS_OK) return st;
        cfg->has_seed = o->has_seed;
        cfg->seed = o->seed;
        cfg->duration_s = o->duration_s;
        cfg->has_until = o->until != NULL;
        if (o->until) snprintf(cfg->until, sizeof cfg->until, "%s", o->until);
        cfg->quick = o->quick;
        if (o->set_count > GOPS_RUN_SETS_MAX)
            return gops_error_set(err, GOPS_USAGE, "--checkpoint-every: %d overrides, expected at most %d", o->set_count,
                                  GOPS_RUN_SETS_MAX);
        cfg->set_count = o->set_count;
        for (int i = 0; i < o->set_count; i++)
            if (snprintf(cfg->sets[i], sizeof cfg->sets[i], "%s", o->sets[i]) >= (int)sizeof cfg->sets[i])
                return gops_error_set(err, GOPS_USAGE, "--checkpoint-every: --set %.40s... is longer than %zu bytes",
                                      o->sets[i], sizeof cfg->sets[i] - 1);
        cfg->snapshot_every_s = o->snapshot_every_s;
    }
    snprintf(cfg->out_dir, sizeof cfg->out_dir, "%s", out_dir);
    cfg->checkpoint_every_s = o->checkpoint_every_s;
    cfg->checkpoint_dir_default = !o->checkpoint_dir;
    int n = 0;
    if (!o->checkpoint_dir)
        n = snprintf(cfg->checkpoint_dir, sizeof cfg->checkpoint_dir, "%s/checkpoints", out_dir);
    else if (o->checkpoint_dir != cfg->checkpoint_dir) // a resumed run may pass the saved folder itself
        n = snprintf(cfg->checkpoint_dir, sizeof cfg->checkpoint_dir, "%s", o->checkpoint_dir);
    if (n >= (int)sizeof cfg->checkpoint_dir)
        return gops_error_set(err, GOPS_USAGE, "--checkpoint-dir: path too long (at most %zu bytes)",
                              sizeof cfg->checkpoint_dir - 13);
    return GOPS_OK;
}

gops_status_t gops_run_resume_options(const gops_run_options_t *given, gops_run_options_t *out,
                                      gops_run_config_t *cfg, const char **sets, gops_ckpt_reader_t **reader,
                                      gops_error_t *err)
{
    *out = *given;
    *reader = NULL;
    if (given->trajectories || given->trajectories_in_outputs)
        return gops_error_set(err, GOPS_USAGE, "--resume: trajectories cannot be continued from a checkpoint (the "
                              "first part's frames are not in it); run without --trajectories");
    gops_ckpt_reader_t *r = gops_run_checkpoint_open(given->resume, cfg, err);
    if (!r) return err->status;
    const char *path = given->scenario_path ? given->scenario_path : cfg->scenario_path;
    uint64_t sum = 0, size = 0;
    gops_status_t st = gops_run_file_checksum(path, &sum, &size, err);
    if (st == GOPS_OK && (sum != cfg->scenario_sum || size != cfg->scenario_size))
        st = gops_error_set(err, GOPS_BAD_VALUE,
                            "checkpoint %s: scenario %s has changed since the checkpoint was written (%llu bytes, "
                            "checksum %016llx; expected %llu bytes, checksum %016llx): resume with the file as it was",
                            given->resume, path, (unsigned long long)size, (unsigned long long)sum,
                            (unsigned long long)cfg->scenario_size, (unsigned long long)cfg->scenario_sum);
    else if (st != GOPS_OK) {
        char inner[sizeof err->message];
        snprintf(inner, sizeof inner, "%s", err->message);
        st = gops_error_set(err, st, "checkpoint %s: %s (the scenario it was written from; give its new place as "
                            "gridops run SCENARIO --resume %s)", given->resume, inner, given->resume);
    }
    if (st != GOPS_OK) {
        gops_ckpt_reader_close(r);
        return st;
    }
    if (path != cfg->scenario_path) // moved: later checkpoints name it where it is now
        snprintf(cfg->scenario_path, sizeof cfg->scenario_path, "%s", path);
    out->scenario_path = cfg->scenario_path;
    out->has_seed = cfg->has_seed;
    out->seed = cfg->seed;
    out->duration_s = cfg->duration_s;
    out->until = cfg->has_until ? cfg->until : NULL;
    out->quick = cfg->quick;
    for (int i = 0; i < cfg->set_count; i++) sets[i] = cfg->sets[i];
    out->sets = sets;
    out->set_count = cfg->set_count;
    out->snapshot_every_s = cfg->snapshot_every_s;
    if (!given->out_dir) out->out_dir = cfg->out_dir;
    if (!(given->checkpoint_every_s > 0)) out->checkpoint_every_s = cfg->checkpoint_every_s;
    // The default folder follows the output folder; a folder given to the first run stays.
    if (!given->checkpoint_dir && !cfg->checkpoint_dir_default) out->checkpoint_dir = cfg->checkpoint_dir;
    *reader = r;
    return GOPS_OK;
}

// ---- the report's recorder -------------------------------------------------------------------

static void save_recorder(gops_ckpt_writer_t *w, const gops_report_recorder_t *rec, gops_error_t *err,
                          gops_status_t *st)
{
    gops_ckpt_section(w, "report");
    GOPS_CKPT_PUT_ARRAY(w, "report.notes", rec->notes.items, rec->notes.count);
    gops_ckpt_put_u64(w, "report.snapshots", rec->written_count);
    for (uint32_t i = 0; i < rec->written_count && *st == GOPS_OK; i++) {
        char path[1400];
        snprintf(path, sizeof path, "%s/snapshots/%s", rec->dir, rec->written[i]);
        size_t n = 0;
        unsigned char *png = read_file(path, &n, err);
        if (!png) {
            *st = err->status;
            break;
        }
        gops_ckpt_put_str(w, "report.snapshot.name", rec->written[i]);
        gops_ckpt_put_array(w, "report.snapshot.png", png, 1, n);
        free(png);
    }
    gops_ckpt_put_array(w, "report.last_png", rec->last_png, 1, rec->last_png ? rec->last_size : 0);
    gops_ckpt_put_str(w, "report.last_caption", rec->last_caption);
    gops_ckpt_put_array(w, "report.peak_png", rec->peak_png, 1, rec->peak_png ? rec->peak_size : 0);
    gops_ckpt_put_str(w, "report.peak_caption", rec->peak_caption);
    gops_ckpt_put_f64(w, "report.peak_ppm2", rec->peak_ppm2);
    gops_ckpt_put_f64(w, "report.peak_drawn_s", rec->peak_drawn_s);
    gops_ckpt_put_u64(w, "report.warned", rec->warned);
    gops_ckpt_put_u64(w, "report.ticked", rec->ticked);
    gops_ckpt_put_u64(w, "report.tick_seen", rec->tick_seen);
}

static void load_recorder(gops_ckpt_reader_t *r, gops_report_recorder_t *rec)
{
    if (!gops_ckpt_enter(r, "report")) return;
    uint64_t n = gops_ckpt_peek_count(r, "report.notes");
    gops_report_note_t *notes = gops_ckpt_get_alloc(r, "report.notes", sizeof *notes, n, n);
    if (notes) {
        gops_report_notes_free(&rec->notes);
        rec->notes.items = notes;
        rec->notes.count = rec->notes.capacity = (uint32_t)n;
    }
    uint64_t shots = gops_ckpt_get_u64(r, "report.snapshots");
    for (uint64_t i = 0; i < shots && !gops_ckpt_failed(r); i++) {
        char name[GOPS_SNAPSHOT_NAME_MAX + 16];
        gops_ckpt_get_str(r, "report.snapshot.name", name, sizeof name);
        uint64_t size = gops_ckpt_peek_count(r, "report.snapshot.png");
        unsigned char *png = gops_ckpt_get_alloc(r, "report.snapshot.png", 1, size, size);
        if (png && !gops_ckpt_failed(r) && rec->dir[0]) {
            char path[1400];
            gops_error_t err;
            snprintf(path, sizeof path, "%s/snapshots", rec->dir);
            if (gops_mkdirs(path, &err) != GOPS_OK) gops_ckpt_fail(r, "%s", err.message);
            snprintf(path, sizeof path, "%s/snapshots/%s", rec->dir, name);
            if (!gops_ckpt_failed(r) && gops_file_write_atomic(path, png, size, &err) != GOPS_OK)
                gops_ckpt_fail(r, "%s", err.message);
            if (rec->written_count == rec->written_capacity) {
                uint32_t cap = rec->written_capacity ? rec->written_capacity * 2 : 16;
                char **grown = realloc(rec->written, (size_t)cap * sizeof *grown);
                if (grown) rec->written = grown, rec->written_capacity = cap;
            }
            char *copy = strdup(name);
            if (copy && rec->written_count < rec->written_capacity) rec->written[rec->written_count++] = copy;
            else free(copy);
        }
        free(png);
    }
    uint64_t size = gops_ckpt_peek_count(r, "report.last_png");
    unsigned char *png = gops_ckpt_get_alloc(r, "report.last_png", 1, size, size);
    free(rec->last_png);
    rec->last_png = size ? png : NULL;
    rec->last_size = size;
    if (!size) free(png);
    gops_ckpt_get_str(r, "report.last_caption", rec->last_caption, sizeof rec->last_caption);
    size = gops_ckpt_peek_count(r, "report.peak_png");
    png = gops_ckpt_get_alloc(r, "report.peak_png", 1, size, size);
    free(rec->peak_png);
    rec->peak_png = size ? png : NULL;
    rec->peak_size = size;
    if (!size) free(png);
    gops_ckpt_get_str(r, "report.peak_caption", rec->peak_caption, sizeof rec->peak_caption);
    rec->peak_ppm2 = gops_ckpt_get_f64(r, "report.peak_ppm2");
    rec->peak_drawn_s = gops_ckpt_get_f64(r, "report.peak_drawn_s");
    rec->warned = gops_ckpt_get_u64(r, "report.warned") != 0;
    rec->ticked = gops_ckpt_get_u64(r, "report.ticked") != 0;
    rec->tick_seen = gops_ckpt_get_u64(r, "report.tick_seen");
    rec->pending_count = 0;
    gops_ckpt_leave(r);
}

// ---- writing and reading ---------------------------------------------------------------------

gops_status_t gops_run_checkpoint_write(const char *path, gops_run_config_t *cfg, gops_world_t *world,
                                        gops_scenario_t *sc, const gops_timeseries_t *ts,
                                        const gops_report_recorder_t *rec, double wall_s, uint64_t *bytes,
                                        double *seconds, gops_error_t *err)
{
    double t0 = wall_now();
    char missing[256];
    if (!gops_world_checkpointable(world, missing, sizeof missing))
        return gops_error_set(err, GOPS_SCENARIO,
                              "cannot write a checkpoint: the model(s) %s of this run cannot be saved yet", missing);
    gops_ckpt_writer_t *w = gops_ckpt_writer_create(gops_run_checkpoint_build_id());
    if (!w) return gops_error_set(err, GOPS_NOMEM, "out of memory writing checkpoint %s", path);
    cfg->tick = gops_world_tick(world);
    cfg->state_hash = gops_world_state_hash(world);
    cfg->wall_s = wall_s;
    gops_ckpt_section(w, "run");
    GOPS_CKPT_PUT(w, "run.config", cfg);
    gops_status_t st = gops_scenario_checkpoint_save(sc, cfg->load_hooks, w, err);
    if (st == GOPS_OK) {
        gops_world_checkpoint_save(world, w);
        gops_ckpt_section(w, "timeseries");
        GOPS_CKPT_PUT_ARRAY(w, "timeseries.rows", ts->rows, ts->count);
        save_recorder(w, rec, err, &st);
    }
    if (st == GOPS_OK) st = gops_mkdirs(cfg->checkpoint_dir, err);
    if (st == GOPS_OK) st = gops_ckpt_writer_save(w, path, err);
    if (bytes) *bytes = gops_ckpt_writer_size(w);
    gops_ckpt_writer_destroy(w);
    if (seconds) *seconds = wall_now() - t0;
    return st;
}

gops_ckpt_reader_t *gops_run_checkpoint_open(const char *path, gops_run_config_t *cfg, gops_error_t *err)
{
    gops_ckpt_reader_t *r = gops_ckpt_reader_open(path, gops_run_checkpoint_build_id(), err);
    if (!r) return NULL;
    if (gops_ckpt_enter(r, "run")) {
        GOPS_CKPT_GET(r, "run.config", cfg);
        gops_ckpt_leave(r);
    }
    if (!gops_ckpt_failed(r) &&
        (cfg->set_count < 0 || cfg->set_count > GOPS_RUN_SETS_MAX || cfg->tick > cfg->total_ticks ||
         !(cfg->checkpoint_every_s > 0)))
        gops_ckpt_fail(r, "an inconsistent configuration (%d overrides, tick %llu of %llu), expected a checkpoint "
                       "written by gridops run",
                       cfg->set_count, (unsigned long long)cfg->tick, (unsigned long long)cfg->total_ticks);
    if (gops_ckpt_status(r, err) != GOPS_OK) {
        gops_ckpt_reader_close(r);
        return NULL;
    }
    // Strings came from a file: make sure each ends inside its buffer.
    cfg->scenario_path[sizeof cfg->scenario_path - 1] = '\0';
    cfg->until[sizeof cfg->until - 1] = '\0';
    cfg->out_dir[sizeof cfg->out_dir - 1] = '\0';
    cfg->checkpoint_dir[sizeof cfg->checkpoint_dir - 1] = '\0';
    for (int i = 0; i < cfg->set_count; i++) cfg->sets[i][sizeof cfg->sets[i] - 1] = '\0';
    return r;
}

/// Models the saved run registered on first use during the run (after attach).
static bool make_model(gops_world_t *world, const char *name, void *user)
{
    (void)user;
    if (strcmp(name, GOPS_CROWD_CROSSINGS_SUBSYSTEM) == 0) return gops_crowd_crossings_attach(world);
    return false;
}

gops_status_t gops_run_checkpoint_restore(gops_ckpt_reader_t *r, const gops_run_config_t *cfg, gops_world_t *world,
                                          gops_scenario_t *sc, gops_timeseries_t *ts, gops_report_recorder_t *rec,
                                          gops_error_t *err)
{
    gops_status_t st = gops_world_checkpoint_load(world, r, make_model, NULL, err);
    if (st != GOPS_OK) return st;
    if ((st = gops_scenario_checkpoint_load(sc, r, err)) != GOPS_OK) return st;
    if (gops_ckpt_enter(r, "timeseries")) {
        uint64_t n = gops_ckpt_peek_count(r, "timeseries.rows");
        gops_timeseries_row_t *rows = gops_ckpt_get_alloc(r, "timeseries.rows", sizeof *rows, n, n);
        if (rows) {
            gops_timeseries_free(ts);
            ts->rows = rows;
            ts->count = ts->capacity = (uint32_t)n;
        }
        gops_ckpt_leave(r);
    }
    load_recorder(r, rec);
    if ((st = gops_ckpt_status(r, err)) != GOPS_OK) return st;
    uint64_t hash = gops_world_state_hash(world);
    if (hash != cfg->state_hash)
        return gops_error_set(err, GOPS_INTERNAL,
                              "checkpoint %s: the restored world's state hash is %016llx, expected %016llx as when "
                              "it was written (a model restored its state incompletely: please report this)",
                              gops_ckpt_reader_path(r), (unsigned long long)hash, (unsigned long long)cfg->state_hash);
    return GOPS_OK;
}
