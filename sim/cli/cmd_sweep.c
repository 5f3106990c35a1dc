// SPDX-License-Identifier: MIT
// `gridops sweep STUDY.lua`: option parsing, progress and result lines for a study
// (sim/ensemble does the work). Under mpirun only rank 0 prints results; every rank prints
// its own errors.
#include "cli/cli.h"
#include "cli/progress.h"
#include "cli/signals.h"

#include "core/simtime.h"
#include "ensemble/mpi_pool.h"
#include "ensemble/sweep.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char sweep_usage[] =
    "usage: gridops sweep STUDY.lua [options]\n"
    "       gridops sweep --collect DIR\n"
    "\n"
    "Runs a study: every design point (factor levels) times every replication, each run a\n"
    "scenario run with its own output folder. Seeds come from the study's base seed and the\n"
    "replication, never from where or when a run executes, so the results are the same\n"
    "with any --jobs, under mpirun with any number of ranks, or as Slurm array tasks.\n"
    "Rerunning into the same folder runs only what is missing: an interrupted study loses\n"
    "nothing (runs recorded by another build or another version of the scenario are run\n"
    "again). Writes study.json, runs.csv, summary.csv (mean, sd and confidence interval per\n"
    "design point and KPI; paired differences) and report.html into the folder.\n"
    "\n"
    "options:\n"
    "  --out DIR          study folder (default out/<study file name>)\n"
    "  --jobs N           local worker processes, one run each (default: one per core);\n"
    "                     a run that crashes is reported and the study goes on\n"
    "  --threads N        threads inside each run (default 1)\n"
    "  --run-index I      run only run I (0-based) in this process, e.g.\n"
    "                     --run-index $SLURM_ARRAY_TASK_ID; then merge with --collect\n"
    "  --collect DIR      write the tables of DIR from the runs recorded there\n"
    "  --set key=value    override a scenario{} key in every run (not a factor; repeatable)\n"
    "  --replications N   replications per design point instead of the study's\n"
    "  --quiet, -q        no progress and no result lines (with --run-index, not even a\n"
    "                     failed run's message: the exit code and its record tell)\n"
    "\n"
    "MPI: mpirun -np P gridops sweep STUDY.lua spreads the runs over P ranks (rank 0 works\n"
    "too and writes the outputs); the study folder should be on a shared file system.\n"
    "\n"
    "Ctrl-C (SIGINT) or SIGTERM: no further run starts, the running workers stop after their\n"
    "current tick without recording their runs, and the tables are written from the runs\n"
    "recorded so far; rerun the same command to finish the study.\n"
    "\n"
    "exit codes: 0 every run finished and passed, 1 a run's expectation failed, 2 bad usage,\n"
    "a bad study or a run stopped by a scenario error (with --collect: runs still missing),\n"
    "3 a run crashed or failed inside gridops, 130 stopped by SIGINT, 143 stopped by SIGTERM\n";

typedef struct sweep_cli {
    bool quiet, bar;
    bool quiet_worker;   ///< --run-index with --quiet: the caller reports failures (the exit code tells)
    double started;      ///< wall clock, s (progress only)
} sweep_cli_t;

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void draw_progress(const gops_sweep_event_t *ev, sweep_cli_t *c)
{
    uint32_t finished = ev->done + ev->failed;
    double elapsed = wall_now() - c->started;
    char spent[32], eta[32] = "--";
    gops_duration_format(elapsed, spent, sizeof spent);
    if (finished > 0 && finished < ev->todo)
        gops_duration_format(elapsed / finished * (ev->todo - finished), eta, sizeof eta);
    fprintf(stderr, "\rsweep: %u/%u runs, %u failed, %s elapsed, ETA %s   ", finished, ev->todo, ev->failed, spent, eta);
    fflush(stderr);
}

static void on_event(const gops_sweep_event_t *ev, void *user)
{
    sweep_cli_t *c = user;
    if (ev->kind == GOPS_SWEEP_RUN_FAILED && !c->quiet_worker) {
        char label[512];
        gops_study_run_t run = gops_study_run(ev->study, ev->run);
        gops_study_point_label(ev->study, run.point, label, sizeof label);
        fprintf(stderr, "%sgridops sweep: run %u (%s, replication %u) failed: %s\n", c->bar ? "\n" : "", ev->run,
                label, run.replication, ev->message ? ev->message : "");
    }
    if (ev->kind == GOPS_SWEEP_PLANNED && !c->quiet && ev->todo > 0) {
        fprintf(stderr, "study %s: %u runs, %u already done, running %u\n", ev->study->name, ev->total, ev->reused,
                ev->todo);
    }
    if (c->bar) draw_progress(ev, c);
}

static int parse_count(const char *flag, const char *text, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!text || !*text || *text == '-' || *text == '+')
        return gops_cli_usage_error("sweep", "%s: found \"%s\", expected an integer", flag, text ? text : "");
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end || v > max)
        return gops_cli_usage_error("sweep", "%s: found \"%s\", expected an integer 0..%llu", flag, text, max);
    *out = v;
    return 0;
}

static int collect(const char *dir, bool quiet)
{
    gops_sweep_result_t res;
    gops_error_t err = {0};
    if (gops_sweep_collect(dir, &res, &err) != GOPS_OK) return gops_cli_fail("sweep", &err);
    if (res.missing)
        fprintf(stderr, "gridops sweep: %s: %u of %u runs are not recorded yet (listed as missing in runs.csv)\n", dir,
                res.missing, res.runs);
    if (!quiet)
        printf("study %s: %u runs, %u recorded, %u failed, %u missing; tables in %s\n", res.name, res.runs,
               res.runs - res.missing - res.failed, res.failed, res.missing, res.out_dir);
    return res.exit_code;
}

int gops_cmd_sweep(int argc, char **argv)
{
    if (argc >= 2 && gops_cli_is_help(argv[1])) {
        fputs(sweep_usage, stdout);
#ifdef GOPS_HAVE_MPI
        puts("\nThis gridops was built with MPI.");
#else
        puts("\nThis gridops was built without MPI: mpirun would start independent copies.");
#endif
        return 0;
    }
    gops_sweep_options_t o = gops_sweep_options_default();
    const char *sets[64];
    const char *collect_dir = NULL;
    bool quiet = false, jobs_given = false;
    o.sets = sets;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long long n;
        bool takes_value = strcmp(a, "--out") == 0 || strcmp(a, "--jobs") == 0 || strcmp(a, "--threads") == 0 ||
                           strcmp(a, "--run-index") == 0 || strcmp(a, "--collect") == 0 || strcmp(a, "--set") == 0 ||
                           strcmp(a, "--replications") == 0;
        if (takes_value && !v) return gops_cli_usage_error("sweep", "%s needs a value", a);
        if (strcmp(a, "--out") == 0) {
            o.out_dir = v;
        } else if (strcmp(a, "--jobs") == 0) {
            if (parse_count(a, v, 4096, &n)) return 2;
            if (n == 0) return gops_cli_usage_error("sweep", "--jobs: expected 1..4096, found 0");
            o.jobs = (int)n;
            jobs_given = true;
        } else if (strcmp(a, "--threads") == 0) {
            if (parse_count(a, v, 256, &n)) return 2;
            if (n == 0) return gops_cli_usage_error("sweep", "--threads: expected 1..256, found 0");
            o.threads = (int)n;
        } else if (strcmp(a, "--run-index") == 0) {
            if (parse_count(a, v, 99999, &n)) return 2;
            o.run_index = (int64_t)n;
        } else if (strcmp(a, "--replications") == 0) {
            if (parse_count(a, v, 100000, &n)) return 2;
            if (n == 0) return gops_cli_usage_error("sweep", "--replications: expected at least 1, found 0");
            o.replications = (uint32_t)n;
        } else if (strcmp(a, "--collect") == 0) {
            collect_dir = v;
        } else if (strcmp(a, "--set") == 0) {
            if (o.set_count == 64) return gops_cli_usage_error("sweep", "--set: at most 64 overrides");
            sets[o.set_count++] = v;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            quiet = true;
            continue;
        } else if (a[0] == '-' && a[1] != '\0') {
            return gops_cli_usage_error("sweep", "unknown option '%s'", a);
        } else {
            if (o.study_path)
                return gops_cli_usage_error("sweep", "one study at a time: found '%s' after '%s'", a, o.study_path);
            o.study_path = a;
            continue;
        }
        i++;
    }
    if (collect_dir) {
        if (o.study_path || o.run_index >= 0 || jobs_given || o.set_count || o.replications || o.out_dir)
            return gops_cli_usage_error("sweep", "--collect DIR takes no study file or other options (the study is "
                                        "read from DIR/study.json)");
        return collect(collect_dir, quiet);
    }
    if (!o.study_path) return gops_cli_usage_error("sweep", "missing STUDY.lua");
    if (jobs_given && o.run_index >= 0)
        return gops_cli_usage_error("sweep", "--jobs and --run-index both given: --run-index runs one run here");
    if (jobs_given && gops_mpi_launched())
        return gops_cli_usage_error("sweep", "--jobs does not apply under mpirun: the MPI ranks are the workers");

    sweep_cli_t c = {.quiet = quiet, .bar = gops_progress_wanted(quiet) && o.run_index < 0,
                     .quiet_worker = quiet && o.run_index >= 0, .started = wall_now()};
    o.on_event = on_event;
    o.event_user = &c;
    // The study's parent waits for its workers: without SA_RESTART the wait returns on a
    // signal and the workers are told at once. A --run-index worker stops like `run`; so
    // does an MPI rank (MPI's own calls are not to be interrupted).
    gops_signals_install(o.run_index >= 0 || gops_mpi_launched());
    o.stop = gops_signals_flag();
    gops_sweep_result_t res;
    gops_error_t err = {0};
    gops_status_t st = gops_sweep_run(&o, &res, &err);
    if (c.bar && res.rank == 0) gops_progress_finish();
    if (gops_signals_caught()) {
        if (st != GOPS_OK && !(quiet && st == GOPS_INTERRUPTED)) gops_cli_fail("sweep", &err);
        if (st == GOPS_OK && res.rank == 0 && o.run_index < 0 && !quiet) {
            char what[1200];
            snprintf(what, sizeof what, "%u of %u runs recorded; rerun the same command to finish (%s)",
                     res.runs - res.missing - res.failed, res.runs, res.out_dir);
            gops_signals_report("sweep", what);
        }
        return gops_signals_exit_code(gops_signals_caught());
    }
    if (st != GOPS_OK) return gops_cli_fail("sweep", &err);
    if (res.rank != 0) return 0;
    if (!quiet && o.run_index >= 0) {
        printf("study %s: run %" PRId64 " %s%s, state_hash %016" PRIx64 "; record in %s/runs\n", res.name, o.run_index,
               res.failed ? "failed" : res.not_passed ? "finished, an expectation FAILED" : "finished",
               res.reused ? " (already recorded)" : "", res.state_hash, res.out_dir);
    } else if (!quiet) {
        printf("study %s: %u runs (%u run now, %u reused), %u failed, %u with a failed expectation; %s/summary.csv\n",
               res.name, res.runs, res.executed, res.reused, res.failed, res.not_passed, res.out_dir);
    }
    return res.exit_code;
}
