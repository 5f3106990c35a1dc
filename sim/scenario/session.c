// SPDX-License-Identifier: MIT
// The run loop (see session.h). Per tick: at/every hooks, world step, on() hooks; per sim
// minute: one time-series row; hooks due at the end time fire after the last step. The wall
// clock is read only for reporting and progress.
#include "scenario/session.h"

#include "core/log.h"
#include "core/parallel.h"
#include "core/simtime.h"
#include "output/outdir.h"
#include "output/summary.h"
#include "output/trajectories.h"
#include "crowd/crowd.h"
#include "crowd/field_cache.h"
#include "ops/incident_log.h"
#include "ops/ops.h"
#include "traffic/traffic.h"
#include "scenario/scenario.h"
#include "scenario/scenario_checkpoint.h"
#include "scenario/session_checkpoint.h"
#include "world/world_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

/// Pedestrians walk whenever the world has a district and the scenario wants a crowd; a lab
/// has no visitors (only its own spawns) and may wrap around in x.
static gops_status_t attach_crowd(gops_scenario_t *sc, gops_world_t *world, bool lab, bool resuming, gops_error_t *err)
{
    const gops_scenario_def_t *def = gops_scenario_def(sc);
    if (!def->crowd || !gops_world_district(world)) return GOPS_OK;
    gops_crowd_params_t params = def->crowd_params;
    params.visitors = !lab;
    if (resuming) params.demand.warm_start = false; // the checkpoint says who is where: half the start-up saved
    double x0, x1;
    if (gops_scenario_lab_periodic(sc, &x0, &x1)) {
        params.walk.periodic_min_x = (float)x0;
        params.walk.periodic_x = (float)(x1 - x0);
    }
    return gops_crowd_attach(world, &params, err) ? GOPS_OK : err->status;
}

/// The vendors model's report sink: a merchant's or a citizen's report of one of its
/// incidents reaches the centre as a detection through the report channel. The id always
/// comes from this run's operations model, so a refusal cannot happen; it would only mean
/// the report is lost, never a half-updated world.
static void report_to_centre(void *user, uint32_t ops_incident_id, bool merchant, double time_s)
{
    (void)merchant; // operations has one report channel; the vendors' measures keep merchant vs complaint
    gops_ops_t *ops = gops_ops_of(user);
    gops_error_t err;
    if (ops) (void)gops_ops_report_detected(ops, ops_incident_id, GOPS_CHANNEL_REPORT, time_s, &err);
}

/// Traffic, operations and street vendors run on district maps (not on lab geometry):
/// traffic where the map has roads, operations and vendors wherever there is a district.
/// Vendors come after the crowd and operations: they read footfall after pedestrians move
/// and hand their incidents to the centre.
static gops_status_t attach_district_models(gops_scenario_t *sc, gops_world_t *world, gops_error_t *err)
{
    const gops_scenario_def_t *def = gops_scenario_def(sc);
    const gops_district_t *d = gops_world_district(world);
    if (!d) return GOPS_OK;
    gops_traffic_t *trf = NULL;
    if (def->traffic && d->roads->edge_count > 0 && !(trf = gops_traffic_attach(world, &def->traffic_params, err)))
        return err->status;
    if (def->ops) {
        gops_ops_t *ops = gops_ops_attach(world, &def->ops_params, err);
        if (!ops) return err->status;
        // Vehicle teams drive through the simulated traffic (the rule: traffic/travel_time.c).
        if (trf) gops_ops_set_arc_time(ops, gops_traffic_responder_arc_time, trf);
        for (int64_t k = def->ops_posts; k >= 0 && k < (int64_t)gops_ops_post_count(ops); k++)
            if (gops_ops_set_post_modes(ops, (uint32_t)k, 0, err) != GOPS_OK) return err->status;
    }
    if (def->vendors) {
        gops_vendors_t *v = gops_vendors_attach(world, &def->vendors_params, err);
        if (!v) return err->status;
        gops_vendors_set_report_sink(v, report_to_centre, world);
    }
    return GOPS_OK;
}

/// A lab with roads (road_lab{}) gets traffic, nothing else of the district: no profile
/// demand and no stand-in pedestrians (its vehicles come from the scenario's own feeds and
/// placements), no incidents, no vendors.
static gops_status_t attach_lab_traffic(gops_scenario_t *sc, gops_world_t *world, gops_error_t *err)
{
    const gops_scenario_def_t *def = gops_scenario_def(sc);
    const gops_district_t *d = gops_world_district(world);
    if (!def->traffic || !d || d->roads->edge_count == 0) return GOPS_OK;
    gops_traffic_params_t p = def->traffic_params;
    p.demand = false;
    p.pedestrian_standin = false;
    return gops_traffic_attach(world, &p, err) ? GOPS_OK : err->status;
}

/// Passes the crowd's density warnings to the coordination centre, which dispatches on them.
static void forward_warnings(gops_world_t *world)
{
    gops_ops_t *ops = gops_ops_of(world);
    gops_crowd_t *crowd = gops_world_crowd(world);
    if (!ops || !crowd) return;
    uint32_t n;
    const gops_event_t *ev = gops_world_events(world, &n);
    for (uint32_t i = 0; i < n; i++) {
        if (ev[i].type != GOPS_EVENT_DENSITY_WARNING) continue;
        gops_density_t *density = gops_crowd_density(crowd);
        const gops_density_area_t *area = gops_density_area(density, (uint32_t)ev[i].a);
        if (!area || area->peak_cell == GOPS_DENSITY_NONE) continue;
        gops_ops_report_density_warning(ops, gops_density_cell_point(density, area->peak_cell), (double)ev[i].b / 1000.0,
                                        gops_world_elapsed(world));
    }
}

static void sample(gops_timeseries_t *ts, gops_world_t *world)
{
    gops_timeseries_add(ts, gops_world_time(world), gops_world_elapsed(world), gops_world_mode(world),
                        gops_world_gauges(world));
}

/// Snapshot requests of this tick's hooks, then the recorder: notes, snapshots, peak picture.
static gops_status_t record(gops_scenario_t *sc, gops_report_recorder_t *rec, const gops_world_t *world,
                            gops_error_t *err)
{
    char name[GOPS_SNAPSHOT_NAME_MAX];
    while (gops_scenario_take_snapshot(sc, name)) {
        gops_status_t st = gops_report_recorder_request(rec, name, err);
        if (st != GOPS_OK) return st;
    }
    return gops_report_recorder_tick(rec, world, err);
}

/// --trajectories: opens the file at the first call (tick 0; fails before the run when there
/// are no pedestrians or the interval is not a whole number of ticks), then writes a frame of
/// the pedestrians at every due tick. The writer works on "<file>.tmp" until closed.
static gops_status_t trajectories_tick(const gops_run_options_t *o, const char *path, const gops_world_t *world,
                                       double tick_s, gops_trajectories_t **tw, gops_error_t *err)
{
    if (!path) return GOPS_OK;
    const gops_pedestrians_t *p = gops_crowd_pedestrians(world);
    if (!*tw) {
        if (!p)
            return gops_error_set(err, GOPS_USAGE,
                                  "--trajectories %s: this run has no pedestrians (expected a map or lab geometry "
                                  "and crowd = true)",
                                  path);
        gops_trajectories_def_t def = gops_trajectories_def_default();
        double every = o->trajectories_every_s, k = ceil(0.1 / tick_s - 1e-9); // default: 0.1 s or every tick
        if (every > 0) {
            k = round(every / tick_s);
            if (k < 1 || fabs(k * tick_s - every) > 1e-6 * every)
                return gops_error_set(err, GOPS_USAGE,
                                      "--trajectories-every %gs: expected a whole number of ticks of %g s", every,
                                      tick_s);
        }
        def.every_steps = k > 1 ? (uint32_t)k : 1;
        def.clip = o->trajectories_clip;
        memcpy(def.clip_box, o->trajectories_box, sizeof def.clip_box);
        if (!(*tw = gops_trajectories_open(path, &def, tick_s, gops_world_district(world)->walk, err)))
            return err->status;
    }
    return gops_trajectories_write(*tw, gops_world_tick(world), p->x, p->y, p->id, p->count, err);
}

/// Checkpoints before the first tick: a resumed run restores its state (and starts at the
/// saved tick); a run that writes checkpoints checks every model can be saved, fixes its
/// configuration and the period in ticks (0: none).
static gops_status_t checkpoints_begin(const gops_run_options_t *o, gops_scenario_t *sc, gops_world_t *world,
                                       gops_run_result_t *result, gops_run_config_t *cfg, gops_ckpt_reader_t **reader,
                                       uint64_t total_ticks, gops_timeseries_t *ts, gops_report_recorder_t *rec,
                                       uint64_t *first_tick, uint64_t *every_ticks, gops_error_t *err)
{
    gops_ckpt_reader_t *resume = *reader;
    *first_tick = *every_ticks = 0;
    if (!cfg) return GOPS_OK;
    if (o->checkpoint_every_s > 0) {
        double k = round(o->checkpoint_every_s / gops_world_tick_seconds(world));
        if (k < 1 || fabs(k * gops_world_tick_seconds(world) - o->checkpoint_every_s) > 1e-6 * o->checkpoint_every_s)
            return gops_error_set(err, GOPS_USAGE, "--checkpoint-every %gs: expected a whole number of ticks of %g s",
                                  o->checkpoint_every_s, gops_world_tick_seconds(world));
        char missing[256];
        if (!gops_world_checkpointable(world, missing, sizeof missing))
            return gops_error_set(err, GOPS_USAGE,
                                  "--checkpoint-every: the model(s) %s of this run cannot be saved in checkpoints yet",
                                  missing);
        if (!result->out_dir[0] && !o->checkpoint_dir)
            return gops_error_set(err, GOPS_USAGE, "--checkpoint-every: this run writes no output folder; give "
                                  "--checkpoint-dir DIR");
        gops_status_t st = gops_run_config_fill(cfg, o, result->out_dir, err);
        if (st == GOPS_OK) st = gops_mkdirs(cfg->checkpoint_dir, err); // an unwritable folder fails now, not in an hour
        if (st != GOPS_OK) return st;
        *every_ticks = (uint64_t)k;
    }
    if (!resume) {
        cfg->load_hooks = gops_scenario_checkpoint_mark(sc);
        cfg->total_ticks = total_ticks;
        return GOPS_OK;
    }
    if (cfg->total_ticks != total_ticks)
        return gops_error_set(err, GOPS_BAD_VALUE, "checkpoint %s: the run is %llu ticks long, expected %llu as saved",
                              o->resume, (unsigned long long)total_ticks, (unsigned long long)cfg->total_ticks);
    gops_status_t st = gops_run_checkpoint_restore(resume, cfg, world, sc, ts, rec, err);
    if (st != GOPS_OK) return st;
    gops_ckpt_reader_close(resume); // its bytes are no longer needed
    *reader = NULL;
    *first_tick = gops_world_tick(world);
    result->resumed = true;
    result->resumed_at_s = gops_world_elapsed(world);
    return GOPS_OK;
}

/// Writes the checkpoint of the current tick and tells the caller.
static gops_status_t checkpoint(const gops_run_options_t *o, gops_run_config_t *cfg, gops_world_t *world,
                                gops_scenario_t *sc, const gops_timeseries_t *ts, const gops_report_recorder_t *rec,
                                double wall_start, gops_run_result_t *result, gops_error_t *err)
{
    char path[1200];
    gops_run_checkpoint_path(cfg, gops_world_time(world), (double)cfg->total_ticks * gops_world_tick_seconds(world),
                             path, sizeof path);
    uint64_t bytes = 0;
    double seconds = 0;
    double wall = wall_now() - wall_start + (o->resume ? cfg->wall_s : 0);
    gops_status_t st = gops_run_checkpoint_write(path, cfg, world, sc, ts, rec, wall, &bytes, &seconds, err);
    if (st != GOPS_OK) return st;
    snprintf(result->checkpoint, sizeof result->checkpoint, "%s", path);
    if (o->on_checkpoint) o->on_checkpoint(path, bytes, seconds, gops_world_time(world), o->checkpoint_user);
    return GOPS_OK;
}

/// The default checkpoint folder lives in the output folder, which the commit replaces:
/// move it into the staged one so the checkpoints stay with the outputs.
static void keep_checkpoints(const gops_run_config_t *cfg, const gops_outdir_t *out)
{
    if (!cfg || !cfg->checkpoint_dir_default || !(cfg->checkpoint_every_s > 0)) return;
    char to[1200];
    snprintf(to, sizeof to, "%s/checkpoints", out->staging);
    if (rename(cfg->checkpoint_dir, to) != 0 && errno != ENOENT)
        gops_log(GOPS_LOG_WARN, "cannot keep the checkpoints of %s in the outputs: %s", cfg->checkpoint_dir,
                 strerror(errno));
}

gops_status_t gops_session_run(const gops_run_options_t *options, gops_run_result_t *result, gops_error_t *err)
{
    memset(result, 0, sizeof *result);
    gops_trajectories_t *traj = NULL;
    double wall_start = wall_now();
    gops_status_t st = GOPS_OK;
    gops_world_t *world = NULL;
    gops_timeseries_t ts;
    gops_timeseries_init(&ts);
    gops_outdir_t out = {0};
    bool out_begun = false;
    gops_report_recorder_t rec = {0};
    gops_scenario_t *sc = NULL;

    // Checkpoints: a resumed run takes its configuration from the checkpoint (o points to
    // the options as amended); a run that writes them keeps its configuration in cfg.
    gops_run_options_t amended = *options;
    const gops_run_options_t *o = &amended;
    const char *resume_sets[GOPS_RUN_SETS_MAX];
    gops_ckpt_reader_t *resume = NULL;
    gops_run_config_t *cfg = NULL;
    if ((options->resume || options->checkpoint_every_s > 0) && !(cfg = calloc(1, sizeof *cfg)))
        return gops_error_set(err, GOPS_NOMEM, "out of memory for the checkpoint configuration");
    if (options->resume && (st = gops_run_resume_options(options, &amended, cfg, resume_sets, &resume, err)) != GOPS_OK)
        goto cleanup;

    sc = gops_scenario_load(o->scenario_path, o->sets, o->set_count, err);
    if (!sc) {
        st = err->status;
        goto cleanup;
    }
    gops_scenario_def_t *def = gops_scenario_def(sc);
    if (o->quick && (st = gops_scenario_apply_quick(sc, o->sets, o->set_count, err)) != GOPS_OK) goto cleanup;
    result->quick = o->quick && gops_scenario_has_quick(sc);
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
    char traj_file[1200];
    const char *traj_path = o->trajectories;
    if (o->trajectories_in_outputs) {
        if (!out_begun) {
            st = gops_error_set(err, GOPS_USAGE, "--trajectories: this run writes no output folder; use "
                                "--trajectories-file FILE");
            goto cleanup;
        }
        traj_path = gops_outdir_file(&out, "trajectories.sqlite", traj_file, sizeof traj_file);
    }

    gops_world_def_t wd = gops_world_def_default();
    wd.seed = def->seed;
    wd.tick_s = def->tick_s;
    wd.start = def->start;
    wd.mode = def->mode;
    wd.map_path = def->map_path[0] ? def->map_path : NULL;
    wd.nav_cell_m = def->nav_cell_m;
    wd.threads = o->threads > 0 ? o->threads : gops_parallel_max_threads();
    char cache_dir[1024]; // lives as long as the world
    wd.field_cache_dir = gops_field_cache_run_dir(cache_dir, sizeof cache_dir);
    gops_map_t *lab_map = gops_scenario_take_lab_map(sc);
    world = lab_map ? gops_world_create_with_map(&wd, lab_map, err) : gops_world_create(&wd, err);
    if (!world) {
        st = err->status;
        goto cleanup;
    }
    if ((st = attach_crowd(sc, world, lab_map != NULL, resume != NULL, err)) != GOPS_OK) goto cleanup;
    if (!lab_map && (st = attach_district_models(sc, world, err)) != GOPS_OK) goto cleanup;
    if (lab_map && (st = attach_lab_traffic(sc, world, err)) != GOPS_OK) goto cleanup;
    if ((st = gops_scenario_attach(sc, world, err)) != GOPS_OK) goto cleanup;
    gops_report_recorder_init(&rec, def->name, out_begun ? out.staging : NULL, o->snapshot_every_s, def->tick_s,
                              &o->pictures);

    uint64_t total_ticks = (uint64_t)llround(def->duration_s / def->tick_s);
    uint64_t minute_ticks = (uint64_t)llround(60.0 / def->tick_s);
    double next_progress = wall_start;
    uint64_t first_tick = 0, checkpoint_ticks = 0;
    if ((st = checkpoints_begin(o, sc, world, result, cfg, &resume, total_ticks, &ts, &rec, &first_tick,
                                &checkpoint_ticks, err)) != GOPS_OK)
        goto cleanup;
    if (!result->resumed) { // a resumed run has the first tick's row and pictures already
        sample(&ts, world);
        if ((st = record(sc, &rec, world, err)) != GOPS_OK) goto cleanup;
        if ((st = trajectories_tick(o, traj_path, world, def->tick_s, &traj, err)) != GOPS_OK) goto cleanup;
    }
    for (uint64_t t = first_tick; t < total_ticks; t++) {
        if ((st = gops_scenario_before_tick(sc, err)) != GOPS_OK) goto cleanup;
        gops_world_step(world);
        forward_warnings(world);
        if ((st = gops_scenario_after_tick(sc, err)) != GOPS_OK) goto cleanup;
        uint64_t done = gops_world_tick(world);
        if ((st = record(sc, &rec, world, err)) != GOPS_OK) goto cleanup;
        if ((st = trajectories_tick(o, traj_path, world, def->tick_s, &traj, err)) != GOPS_OK) goto cleanup;
        if (o->on_tick && !o->on_tick(world, o->on_tick_user)) {
            result->partial = true;
            // A last checkpoint, of the tick as a run going on would have recorded it (with
            // its minute row), so that --resume continues from here.
            bool row = done % minute_ticks == 0;
            if (row) sample(&ts, world);
            if (checkpoint_ticks && done < total_ticks &&
                checkpoint(o, cfg, world, sc, &ts, &rec, wall_start, result, err) != GOPS_OK)
                gops_log(GOPS_LOG_WARN, "%s", err->message); // the partial outputs are still written
            if (row) ts.count--;
            if (done % minute_ticks != 0) sample(&ts, world);
            break;
        }
        if (done % minute_ticks == 0 || done == total_ticks) sample(&ts, world);
        if (checkpoint_ticks && done % checkpoint_ticks == 0 && done < total_ticks &&
            (st = checkpoint(o, cfg, world, sc, &ts, &rec, wall_start, result, err)) != GOPS_OK)
            goto cleanup;
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
    if (!result->partial && (st = record(sc, &rec, world, err)) != GOPS_OK) goto cleanup; // their snapshot() calls
    if (o->progress)
        o->progress(gops_world_elapsed(world), def->duration_s, wall_now() - wall_start, gops_world_time(world),
                    o->progress_user);
    if ((st = gops_scenario_evaluate(sc, err)) != GOPS_OK) goto cleanup;

    uint32_t n_exp;
    const gops_expectation_t *exps = gops_scenario_expectations(sc, &n_exp);
    result->expectations = n_exp;
    for (uint32_t i = 0; i < n_exp; i++) {
        size_t used_m = strlen(result->measured);
        char value[64];
        if (exps[i].skipped) {
            result->expectations_skipped++;
            snprintf(result->measured + used_m, sizeof result->measured - used_m, "%s %s %.6g skipped (%s)\n",
                     exps[i].metric, gops_expect_op_text(exps[i].op), exps[i].value, exps[i].note);
            continue;
        }
        if (exps[i].measured)
            snprintf(value, sizeof value, "%.6g", exps[i].actual);
        else
            snprintf(value, sizeof value, "null");
        snprintf(result->measured + used_m, sizeof result->measured - used_m, "%s = %s (expected %s %.6g) %s\n",
                 exps[i].metric, value, gops_expect_op_text(exps[i].op), exps[i].value, exps[i].passed ? "pass" : "FAIL");
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
    snprintf(result->known_failure, sizeof result->known_failure, "%s", gops_scenario_known_failure(sc));
    result->passed = result->expectations_failed == 0 && !result->partial; // a cut-short run proves nothing
    result->state_hash = gops_world_state_hash(world);
    result->sim_seconds = gops_world_elapsed(world);
    result->wall_seconds = wall_now() - wall_start + (result->resumed ? cfg->wall_s : 0); // all parts of a resumed run
    if (traj) { // renamed into place now: the trajectories of the time simulated, whole
        gops_trajectories_t *closing = traj;
        traj = NULL;
        if ((st = gops_trajectories_close(closing, err)) != GOPS_OK) goto cleanup;
    }

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
            .quick = result->quick,
            .expectations = exps,
            .expectation_count = n_exp,
            .kpis = gops_world_kpis(world),
        };
        if ((st = gops_outputs_write(out.staging, &report, &ts, err)) != GOPS_OK) goto cleanup;
        const gops_ops_t *ops = gops_ops_of_const(world);
        if (ops && (st = gops_ops_write_incidents(ops, out.staging, err)) != GOPS_OK) goto cleanup;
        if ((st = gops_report_recorder_finish(&rec, world, &report, def->description, &ts, err)) != GOPS_OK)
            goto cleanup;
        keep_checkpoints(cfg, &out);
        if ((st = gops_outdir_commit(&out, err)) != GOPS_OK) goto cleanup;
        out_begun = false;
    }
    if (o->on_end && !result->partial) o->on_end(world, o->on_tick_user);

cleanup:
    gops_trajectories_abort(traj);
    gops_report_recorder_free(&rec);
    if (out_begun) gops_outdir_abort(&out);
    gops_timeseries_free(&ts);
    gops_world_destroy(world);
    gops_scenario_destroy(sc);
    gops_ckpt_reader_close(resume);
    free(cfg);
    return st;
}
