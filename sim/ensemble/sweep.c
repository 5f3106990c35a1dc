// SPDX-License-Identifier: MIT
// The sweep driver (see sweep.h). Whatever executes a run (a worker process, an MPI rank or
// this process), it ends as a record file written by one process in the study folder, and
// the tables are always built afterwards from those files in run-index order: that is what
// makes runs.csv the same bytes (but for wall times) for --jobs 1, --jobs 8 and mpirun -np 3,
// and what lets a killed study resume where it stopped.
#include "ensemble/sweep.h"

#include "ensemble/mpi_pool.h"
#include "ensemble/procpool.h"
#include "ensemble/records.h"
#include "ensemble/results.h"
#include "ensemble/study_dir.h"
#include "scenario/study_file.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gops_sweep_options_t gops_sweep_options_default(void)
{
    return (gops_sweep_options_t){.threads = 1, .run_index = -1, .use_mpi = true};
}

typedef struct sweep {
    const gops_sweep_options_t *o;
    gops_study_t *study;
    const char *root;
    gops_sweep_event_t ev;
    gops_status_t write_status; ///< the first failure to write a record (rank 0)
    gops_error_t write_err;
    // Worker command line (local mode), rebuilt per run.
    char run_text[24], threads_text[24], reps_text[24];
} sweep_t;

static void emit(sweep_t *s, gops_sweep_event_kind_t kind, uint32_t run, const char *message)
{
    s->ev.kind = kind;
    s->ev.run = run;
    s->ev.message = message;
    if (s->o->on_event) s->o->on_event(&s->ev, s->o->event_user);
}

/// Counts a run's outcome (from its record) and reports it.
static void account(sweep_t *s, uint32_t run, const gops_run_row_t *row)
{
    if (row->state == GOPS_RECORD_OK) {
        s->ev.done++;
        emit(s, GOPS_SWEEP_RUN_DONE, run, NULL);
    } else {
        s->ev.failed++;
        emit(s, GOPS_SWEEP_RUN_FAILED, run, row->message);
    }
}

static void keep_write_error(sweep_t *s, gops_status_t st, const gops_error_t *err)
{
    if (st != GOPS_OK && s->write_status == GOPS_OK) {
        s->write_status = st;
        s->write_err = *err;
    }
}

// ---------------------------------------------------------------------------------------
// Local worker processes

static bool stopped(const sweep_t *s)
{
    return s->o->stop && *s->o->stop;
}

static bool local_argv(uint32_t run, const char **argv, size_t max, void *user)
{
    sweep_t *s = user;
    const gops_sweep_options_t *o = s->o;
    snprintf(s->run_text, sizeof s->run_text, "%u", run);
    snprintf(s->threads_text, sizeof s->threads_text, "%d", o->threads > 0 ? o->threads : 1);
    size_t n = 0;
    argv[n++] = "gridops";
    argv[n++] = "sweep";
    argv[n++] = o->study_path;
    argv[n++] = "--out";
    argv[n++] = s->root;
    argv[n++] = "--run-index";
    argv[n++] = s->run_text;
    argv[n++] = "--threads";
    argv[n++] = s->threads_text;
    argv[n++] = "--quiet";
    for (int i = 0; i < o->set_count && n + 3 < max; i++) {
        argv[n++] = "--set";
        argv[n++] = o->sets[i];
    }
    if (o->replications > 0 && n + 3 < max) {
        snprintf(s->reps_text, sizeof s->reps_text, "%u", o->replications);
        argv[n++] = "--replications";
        argv[n++] = s->reps_text;
    }
    argv[n] = NULL;
    return true;
}

static void local_done(uint32_t run, int wait_status, int errno_value, void *user)
{
    sweep_t *s = user;
    gops_run_row_t row;
    gops_record_read(s->study, s->root, run, &row);
    if (row.state != GOPS_RECORD_OK && row.state != GOPS_RECORD_FAILED && stopped(s))
        return; // stopped with the sweep: left missing, run by the next sweep
    if (row.state != GOPS_RECORD_OK && row.state != GOPS_RECORD_FAILED) {
        // The worker left no record of its own: it crashed, was killed, or could not start.
        char how[160], message[400];
        gops_procpool_describe(wait_status, errno_value, how, sizeof how);
        snprintf(message, sizeof message, "worker process %s before recording the run", how);
        char *text = gops_record_failure(s->study, run, 3, message);
        gops_error_t err;
        if (text) keep_write_error(s, gops_record_write(s->root, run, text, &err), &err);
        free(text);
        row.state = GOPS_RECORD_FAILED;
        row.exit_code = 3;
        snprintf(row.message, sizeof row.message, "%s", message);
    }
    account(s, run, &row);
}

// ---------------------------------------------------------------------------------------
// In-process runs (MPI ranks)

typedef struct tick_user {
    gops_mpi_pool_t *pool;
    const volatile sig_atomic_t *stop;
} tick_user_t;

static bool serve_tick(const gops_world_t *world, void *user)
{
    (void)world;
    tick_user_t *t = user;
    if (t->pool) gops_mpi_pool_serve(t->pool);
    return !(t->stop && *t->stop);
}

/// The run's record text; NULL when it was cut short by a stop request (no record then)
/// or memory ran out.
static char *run_here(sweep_t *s, uint32_t run, gops_mpi_pool_t *pool)
{
    char *text = NULL;
    gops_error_t err;
    int threads = s->o->threads > 0 ? s->o->threads : 1;
    tick_user_t t = {pool, s->o->stop};
    bool ticks = pool || s->o->stop;
    if (gops_record_run(s->study, s->root, run, threads, ticks ? serve_tick : NULL, &t, &text, NULL, &err) != GOPS_OK)
        text = gops_record_failure(s->study, run, 3, err.message);
    if (stopped(s)) {
        free(text);
        return NULL;
    }
    return text;
}

static char *mpi_work(uint32_t run, gops_mpi_pool_t *pool, void *user)
{
    return run_here(user, run, pool);
}

static void mpi_result(uint32_t run, const char *text, void *user)
{
    sweep_t *s = user;
    gops_run_row_t row;
    gops_record_parse(s->study, run, text, &row);
    gops_error_t err;
    if (row.state != GOPS_RECORD_OK && row.state != GOPS_RECORD_FAILED && stopped(s))
        return; // cut short by a stop request: left missing, run by the next sweep
    if (row.state == GOPS_RECORD_OK || row.state == GOPS_RECORD_FAILED) {
        keep_write_error(s, gops_record_write(s->root, run, text, &err), &err);
    } else {
        // A rank sent something that is not this run's record (out of memory there).
        char *failure = gops_record_failure(s->study, run, 3, "the rank that ran it sent no record");
        if (failure) keep_write_error(s, gops_record_write(s->root, run, failure, &err), &err);
        free(failure);
        row.state = GOPS_RECORD_FAILED;
        snprintf(row.message, sizeof row.message, "the rank that ran it sent no record");
    }
    account(s, run, &row);
}

// ---------------------------------------------------------------------------------------
// Driver

static void default_out(const char *study_path, char *buf, size_t size)
{
    const char *base = strrchr(study_path, '/');
    base = base ? base + 1 : study_path;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".lua") == 0) n -= 4;
    snprintf(buf, size, "out/%.*s", (int)n, base);
}

static int exit_code_of(const gops_study_results_t *r)
{
    if (r->failed) return r->worst_failure > 1 ? r->worst_failure : 3;
    if (r->missing || r->stale) return 3;
    return r->not_passed ? 1 : 0;
}

/// Reads every record back, writes the tables and fills the counts.
static gops_status_t write_tables(const gops_study_t *study, const char *root, gops_sweep_result_t *res,
                                  gops_error_t *err)
{
    gops_study_results_t r;
    gops_status_t st = gops_study_results_read(study, root, &r, err);
    if (st != GOPS_OK) return st;
    st = gops_study_results_write(&r, root, err);
    res->runs = gops_study_run_count(study);
    res->failed = r.failed;
    res->missing = r.missing + r.stale;
    res->not_passed = r.not_passed;
    res->exit_code = exit_code_of(&r);
    gops_study_results_free(&r);
    return st;
}

/// --run-index: one run in this process, unless it is already recorded.
static gops_status_t run_one(sweep_t *s, uint32_t run, gops_sweep_result_t *res, gops_error_t *err)
{
    gops_run_row_t row;
    gops_record_read(s->study, s->root, run, &row);
    res->runs = 1;
    if (row.state == GOPS_RECORD_OK) {
        res->reused = 1;
    } else {
        char *text = run_here(s, run, NULL);
        if (!text && stopped(s))
            return gops_error_set(err, GOPS_INTERRUPTED, "run %u stopped by signal %d before it finished; not recorded",
                                  run, (int)*s->o->stop);
        if (!text) return gops_error_set(err, GOPS_NOMEM, "out of memory recording run %u", run);
        gops_record_parse(s->study, run, text, &row);
        gops_status_t st = gops_record_write(s->root, run, text, err);
        free(text);
        if (st != GOPS_OK) return st;
        res->executed = 1;
    }
    res->state_hash = row.state_hash;
    if (row.state == GOPS_RECORD_OK) {
        res->not_passed = row.passed ? 0 : 1;
        res->exit_code = row.passed ? 0 : 1;
    } else {
        res->failed = 1;
        res->exit_code = row.exit_code > 1 ? row.exit_code : 3;
        s->ev.total = 1;
        emit(s, GOPS_SWEEP_RUN_FAILED, run, row.message);
    }
    return GOPS_OK;
}

/// Rank 0 (or the only process): the runs without a finished record of this study.
static gops_status_t plan(sweep_t *s, uint32_t **todo, gops_error_t *err)
{
    uint32_t n = gops_study_run_count(s->study);
    *todo = malloc((n ? n : 1) * sizeof **todo);
    if (!*todo) return gops_error_set(err, GOPS_NOMEM, "out of memory planning %u runs", n);
    s->ev.total = n;
    for (uint32_t i = 0; i < n; i++) {
        gops_run_row_t row;
        gops_record_read(s->study, s->root, i, &row);
        if (row.state == GOPS_RECORD_OK)
            s->ev.reused++;
        else
            (*todo)[s->ev.todo++] = i;
    }
    emit(s, GOPS_SWEEP_PLANNED, 0, NULL);
    return GOPS_OK;
}

gops_status_t gops_sweep_run(const gops_sweep_options_t *o, gops_sweep_result_t *res, gops_error_t *err)
{
    memset(res, 0, sizeof *res);
    res->ranks = 1;
    sweep_t s = {.o = o, .ev = {0}};
    uint32_t *todo = NULL;
    gops_status_t st = GOPS_OK;
    bool mpi = o->use_mpi && gops_mpi_launched();
    if (mpi && (st = gops_mpi_start(&res->rank, &res->ranks, err)) != GOPS_OK) return st;

    if (o->out_dir)
        snprintf(res->out_dir, sizeof res->out_dir, "%s", o->out_dir);
    else
        default_out(o->study_path, res->out_dir, sizeof res->out_dir);
    s.root = res->out_dir;
    gops_study_overrides_t ov = {.sets = o->sets, .set_count = o->set_count, .replications = o->replications};
    s.study = gops_study_load(o->study_path, &ov, err);
    if (s.study) {
        snprintf(res->name, sizeof res->name, "%s", s.study->name);
        s.ev.study = s.study;
    }
    st = s.study ? GOPS_OK : err->status;
    if (st == GOPS_OK && o->run_index >= 0 && (uint64_t)o->run_index >= gops_study_run_count(s.study))
        st = gops_error_set(err, GOPS_USAGE, "--run-index %" PRId64 ": study %s has %u runs (0..%u)", o->run_index,
                            s.study->name, gops_study_run_count(s.study), gops_study_run_count(s.study) - 1);
    if (st == GOPS_OK && o->run_index >= 0 && res->ranks > 1)
        st = gops_error_set(err, GOPS_USAGE, "--run-index runs one run: start it without mpirun, or with one rank");
    if (st == GOPS_OK && res->rank == 0) st = gops_study_dir_prepare(s.root, err);
    if (st == GOPS_OK && res->rank == 0) st = gops_study_dir_write_manifest(s.study, s.root, err);
    if (st == GOPS_OK && res->rank == 0 && o->run_index < 0) {
        if (!mpi) gops_study_dir_clean_stale(s.root);
        st = plan(&s, &todo, err);
    }
    if (mpi && !gops_mpi_all_ok(st == GOPS_OK) && st == GOPS_OK)
        st = gops_error_set(err, GOPS_INTERNAL, "stopped: another MPI rank could not start the study");
    if (st != GOPS_OK) goto cleanup;

    if (o->run_index >= 0) {
        st = run_one(&s, (uint32_t)o->run_index, res, err);
        goto cleanup;
    }
    if (mpi) {
        st = gops_mpi_pool_run(todo, res->rank == 0 ? s.ev.todo : 0, mpi_work, mpi_result, &s, err);
    } else {
        int jobs = o->jobs > 0 ? o->jobs : gops_procpool_cores();
        st = gops_procpool_run_stoppable(o->program ? o->program : "/proc/self/exe", jobs, todo, s.ev.todo,
                                         local_argv, local_done, &s, o->stop, err);
    }
    if (st == GOPS_OK && s.write_status != GOPS_OK) {
        st = s.write_status;
        *err = s.write_err;
    }
    if (st == GOPS_OK && res->rank == 0) {
        st = write_tables(s.study, s.root, res, err);
        res->reused = s.ev.reused;
        res->executed = s.ev.done + s.ev.failed;
    }

cleanup:
    free(todo);
    gops_study_destroy(s.study);
    if (mpi) gops_mpi_stop();
    return st;
}

gops_status_t gops_sweep_collect(const char *dir, gops_sweep_result_t *res, gops_error_t *err)
{
    memset(res, 0, sizeof *res);
    res->ranks = 1;
    snprintf(res->out_dir, sizeof res->out_dir, "%s", dir);
    char path[1100];
    gops_study_dir_file(dir, "study.json", path, sizeof path);
    char *json = gops_study_dir_read(path, (size_t)64 << 20);
    if (!json)
        return gops_error_set(err, GOPS_IO, "%s: no study here (cannot read study.json; expected the --out folder of "
                              "'gridops sweep STUDY.lua --run-index I')", dir);
    gops_study_t *study = gops_study_from_manifest(json, path, err);
    free(json);
    if (!study) return err->status;
    snprintf(res->name, sizeof res->name, "%s", study->name);
    gops_status_t st = write_tables(study, dir, res, err);
    // Missing runs are the caller's to finish, not a fault of ours.
    if (st == GOPS_OK && res->missing && !res->failed) res->exit_code = 2;
    gops_study_destroy(study);
    return st;
}
