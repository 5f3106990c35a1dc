// SPDX-License-Identifier: MIT
// Studies executed for real: the local worker pool (exit codes, signals, at most `jobs` at
// once), a sweep over worker processes against the same study run one index at a time and
// collected, resuming after a lost run, and a worker that crashes mid-study.
#include "fixture.h"

#include "ensemble/procpool.h"
#include "ensemble/sweep.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

// ---------------------------------------------------------------------------------------
// Worker pool

typedef struct pool_probe {
    const char *dir;
    char script[8][512];
    int status[8];
    int errno_value[8];
    int calls[8];
} pool_probe_t;

static bool sh_argv(uint32_t item, const char **argv, size_t max, void *user)
{
    pool_probe_t *p = user;
    ck_assert(max > 4);
    argv[0] = "sh";
    argv[1] = "-c";
    argv[2] = p->script[item];
    argv[3] = NULL;
    return true;
}

static void record_end(uint32_t item, int status, int errno_value, void *user)
{
    pool_probe_t *p = user;
    p->status[item] = status;
    p->errno_value[item] = errno_value;
    p->calls[item]++;
}

START_TEST(test_pool_exit_codes_and_signals)
{
    pool_probe_t p = {0};
    snprintf(p.script[0], sizeof p.script[0], "exit 0");
    snprintf(p.script[1], sizeof p.script[1], "exit 3");
    snprintf(p.script[2], sizeof p.script[2], "kill -KILL $$");
    snprintf(p.script[3], sizeof p.script[3], "kill -SEGV $$");
    const uint32_t items[] = {0, 1, 2, 3};
    gops_error_t err;
    ck_assert_int_eq(gops_procpool_run("/bin/sh", 2, items, 4, sh_argv, record_end, &p, &err), GOPS_OK);
    for (int i = 0; i < 4; i++) ck_assert_int_eq(p.calls[i], 1);
    ck_assert(WIFEXITED(p.status[0]) && WEXITSTATUS(p.status[0]) == 0);
    ck_assert(WIFEXITED(p.status[1]) && WEXITSTATUS(p.status[1]) == 3);
    ck_assert(WIFSIGNALED(p.status[2]) && WTERMSIG(p.status[2]) == SIGKILL);
    ck_assert(WIFSIGNALED(p.status[3]) && WTERMSIG(p.status[3]) == SIGSEGV);
    char text[160];
    gops_procpool_describe(p.status[1], 0, text, sizeof text);
    ck_assert_str_eq(text, "exited with code 3");
    gops_procpool_describe(p.status[2], 0, text, sizeof text);
    ck_assert_ptr_nonnull(strstr(text, "killed by signal 9"));

    // A program that does not exist: every item reports it, none hangs.
    pool_probe_t q = {0};
    ck_assert_int_eq(gops_procpool_run("/nonexistent/gridops", 3, items, 2, sh_argv, record_end, &q, &err), GOPS_OK);
    ck_assert_int_eq(q.calls[0], 1);
    ck_assert_int_eq(q.status[1], -1);
    ck_assert_int_eq(q.errno_value[1], ENOENT);
    gops_procpool_describe(-1, ENOENT, text, sizeof text);
    ck_assert_ptr_nonnull(strstr(text, "could not start"));
}
END_TEST

START_TEST(test_pool_at_most_jobs_at_once)
{
    // Each child marks itself running, waits, counts the running marks, unmarks.
    char *dir = gops_test_tmpdir();
    pool_probe_t p = {.dir = dir};
    uint32_t items[6];
    for (uint32_t i = 0; i < 6; i++) {
        items[i] = i;
        snprintf(p.script[i], sizeof p.script[i],
                 "touch %s/run.%u; sleep 0.3; ls %s | grep -c '^run\\.' > %s/seen.%u; rm %s/run.%u", dir, i, dir, dir, i,
                 dir, i);
    }
    gops_error_t err;
    ck_assert_int_eq(gops_procpool_run("/bin/sh", 2, items, 6, sh_argv, record_end, &p, &err), GOPS_OK);
    int most = 0;
    for (uint32_t i = 0; i < 6; i++) {
        ck_assert_int_eq(p.calls[i], 1);
        char path[600];
        snprintf(path, sizeof path, "%s/seen.%u", dir, i);
        char *text = gops_test_read_file(path, NULL);
        ck_assert_ptr_nonnull(text);
        int seen = atoi(text);
        free(text);
        ck_assert_int_ge(seen, 1);
        ck_assert_int_le(seen, 2);
        if (seen > most) most = seen;
    }
    ck_assert_int_eq(most, 2); // two did run side by side
    free(dir);
}
END_TEST

// ---------------------------------------------------------------------------------------
// Sweeps

static const char *gridops_bin(void)
{
    static char path[1024];
    const char *env = getenv("GOPS_BIN");
    if (env && *env) return env;
    // Run by hand from the build tree: tests/<suite> beside the gridops program.
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 16);
    ck_assert(n > 0);
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    *slash = '\0';
    slash = strrchr(path, '/');
    strcpy(slash, "/gridops");
    return path;
}

static char study[1024];

static void write_study(void)
{
    char *dir = gops_test_tmpdir();
    snprintf(study, sizeof study, "%s/smoke_study.lua", dir);
    free(dir);
    char text[2048];
    snprintf(text, sizeof text,
             "study {\n"
             "  name = \"smoke study\",\n"
             "  scenario = \"%s\",\n"
             "  base_seed = 2024,\n"
             "  replications = 3,\n"
             "  set = { duration = \"15m\" },\n"
             "  factors = { { \"mode\", { \"normal\", \"emergency\" } } },\n"
             "  kpis = { \"queue_peak\", \"wait_per_visitor_min\" },\n"
             "  compare = { { factor = \"mode\", from = \"normal\", to = \"emergency\" } },\n"
             "}\n",
             gops_test_source_path("scenarios/validation/sweep_smoke.lua"));
    ck_assert_int_eq(gops_test_write_file(study, text), 0);
}

/// runs.csv without its wall_seconds column (the second to last).
static char *runs_without_wall(const char *root)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/runs.csv", root);
    char *text = gops_test_read_file(path, NULL);
    ck_assert_msg(text != NULL, "no %s", path);
    char *out = malloc(strlen(text) + 1), *o = out;
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        ck_assert_ptr_nonnull(end);
        char *last = end;
        while (last > line && last[-1] != ',') last--;
        char *wall = last - 1;
        while (wall > line && wall[-1] != ',') wall--;
        memcpy(o, line, (size_t)(wall - line));
        o += wall - line;
        memcpy(o, last, (size_t)(end - last + 1));
        o += end - last + 1;
        line = end + 1;
    }
    *o = '\0';
    free(text);
    return out;
}

static gops_sweep_options_t local_options(const char *out, const char *program, int jobs)
{
    gops_sweep_options_t o = gops_sweep_options_default();
    o.study_path = study;
    o.out_dir = out;
    o.program = program;
    o.jobs = jobs;
    o.use_mpi = false;
    return o;
}

START_TEST(test_local_sweep_equals_run_index_and_collect)
{
    write_study();
    char *a = gops_test_tmpdir(), *b = gops_test_tmpdir();
    gops_sweep_options_t o = local_options(a, gridops_bin(), 2);
    gops_sweep_result_t res;
    gops_error_t err;
    ck_assert_msg(gops_sweep_run(&o, &res, &err) == GOPS_OK, "%s", err.message);
    ck_assert_uint_eq(res.runs, 6);
    ck_assert_uint_eq(res.executed, 6);
    ck_assert_uint_eq(res.reused, 0);
    ck_assert_uint_eq(res.failed, 0);
    ck_assert_int_eq(res.exit_code, 0);

    // The same study, one run at a time in this process (as Slurm array tasks would),
    // in reverse order, then collected.
    for (int i = 5; i >= 0; i--) {
        gops_sweep_options_t one = local_options(b, NULL, 0);
        one.run_index = i;
        ck_assert_msg(gops_sweep_run(&one, &res, &err) == GOPS_OK, "%s", err.message);
        ck_assert_int_eq(res.exit_code, 0);
        ck_assert_uint_eq(res.executed, 1);
    }
    ck_assert_int_eq(gops_sweep_collect(b, &res, &err), GOPS_OK);
    ck_assert_uint_eq(res.missing, 0);
    ck_assert_int_eq(res.exit_code, 0);
    char *ra = runs_without_wall(a), *rb = runs_without_wall(b);
    ck_assert_str_eq(ra, rb);
    char pa[1100], pb[1100];
    snprintf(pa, sizeof pa, "%s/summary.csv", a);
    snprintf(pb, sizeof pb, "%s/summary.csv", b);
    char *sa = gops_test_read_file(pa, NULL), *sb = gops_test_read_file(pb, NULL);
    ck_assert_str_eq(sa, sb);
    // Common random numbers: emergency lets 6 a minute through against normal's 3, so with
    // the same arrivals the wait is lower in every replication.
    ck_assert_ptr_nonnull(strstr(sa, "paired_difference,,emergency minus normal,wait_per_visitor_min,3,-"));

    // Rerun: nothing to do, the same tables.
    o = local_options(a, gridops_bin(), 2);
    ck_assert_int_eq(gops_sweep_run(&o, &res, &err), GOPS_OK);
    ck_assert_uint_eq(res.executed, 0);
    ck_assert_uint_eq(res.reused, 6);
    char *again = runs_without_wall(a);
    ck_assert_str_eq(again, ra);
    free(ra);
    free(rb);
    free(sa);
    free(sb);
    free(again);
    free(a);
    free(b);
}
END_TEST

START_TEST(test_crash_is_reported_and_resumed)
{
    write_study();
    char *dir = gops_test_tmpdir(), *clean = gops_test_tmpdir(), *crashy = gops_test_tmpdir();
    // A worker program that crashes on run 1 and is the real gridops otherwise.
    char wrapper[1100], text[2048];
    snprintf(wrapper, sizeof wrapper, "%s/crashy_gridops", dir);
    snprintf(text, sizeof text, "#!/bin/sh\n# argv: sweep STUDY --out DIR --run-index I ...\n"
                                "if [ \"$6\" = 1 ]; then kill -SEGV $$; fi\nexec '%s' \"$@\"\n", gridops_bin());
    ck_assert_int_eq(gops_test_write_file(wrapper, text), 0);
    ck_assert_int_eq(chmod(wrapper, 0755), 0);

    gops_sweep_result_t res;
    gops_error_t err;
    gops_sweep_options_t o = local_options(clean, gridops_bin(), 2);
    ck_assert_int_eq(gops_sweep_run(&o, &res, &err), GOPS_OK);
    ck_assert_int_eq(res.exit_code, 0);

    o = local_options(crashy, wrapper, 2);
    ck_assert_msg(gops_sweep_run(&o, &res, &err) == GOPS_OK, "%s", err.message);
    ck_assert_uint_eq(res.executed, 6);
    ck_assert_uint_eq(res.failed, 1);
    ck_assert_int_eq(res.exit_code, 3);
    char path[1200];
    snprintf(path, sizeof path, "%s/runs.csv", crashy);
    char *runs = gops_test_read_file(path, NULL);
    ck_assert_ptr_nonnull(strstr(runs, "\n1,1,0,emergency,"));
    ck_assert_ptr_nonnull(strstr(runs, ",failed,,,,,\n"));
    free(runs);
    snprintf(path, sizeof path, "%s/report.html", crashy);
    char *html = gops_test_read_file(path, NULL);
    ck_assert_ptr_nonnull(strstr(html, "worker process killed by signal 11"));
    free(html);

    // Resumed with a sound worker: only the crashed run runs, and the result is the
    // uninterrupted study's.
    o = local_options(crashy, gridops_bin(), 2);
    ck_assert_int_eq(gops_sweep_run(&o, &res, &err), GOPS_OK);
    ck_assert_uint_eq(res.executed, 1);
    ck_assert_uint_eq(res.reused, 5);
    ck_assert_int_eq(res.exit_code, 0);
    char *want = runs_without_wall(clean), *got = runs_without_wall(crashy);
    ck_assert_str_eq(got, want);
    free(want);
    free(got);
    free(dir);
    free(clean);
    free(crashy);
}
END_TEST

START_TEST(test_collect_reports_missing_runs)
{
    write_study();
    char *b = gops_test_tmpdir();
    gops_sweep_options_t one = local_options(b, NULL, 0);
    one.run_index = 4;
    gops_sweep_result_t res;
    gops_error_t err;
    ck_assert_int_eq(gops_sweep_run(&one, &res, &err), GOPS_OK);
    ck_assert_int_eq(gops_sweep_collect(b, &res, &err), GOPS_OK);
    ck_assert_uint_eq(res.runs, 6);
    ck_assert_uint_eq(res.missing, 5);
    ck_assert_int_eq(res.exit_code, 2);
    // Out of range, and a folder that holds no study.
    one.run_index = 6;
    ck_assert_int_eq(gops_sweep_run(&one, &res, &err), GOPS_USAGE);
    ck_assert_ptr_nonnull(strstr(err.message, "has 6 runs (0..5)"));
    char *empty = gops_test_tmpdir();
    ck_assert_int_eq(gops_sweep_collect(empty, &res, &err), GOPS_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "no study here"));
    free(b);
    free(empty);
}
END_TEST

static Suite *workers_suite(void)
{
    Suite *s = suite_create("ensemble_workers");
    TCase *pool = tcase_create("procpool");
    tcase_add_test(pool, test_pool_exit_codes_and_signals);
    tcase_add_test(pool, test_pool_at_most_jobs_at_once);
    suite_add_tcase(s, pool);
    TCase *sweep = tcase_create("sweep");
    tcase_set_timeout(sweep, 120);
    tcase_add_test(sweep, test_local_sweep_equals_run_index_and_collect);
    tcase_add_test(sweep, test_crash_is_reported_and_resumed);
    tcase_add_test(sweep, test_collect_reports_missing_runs);
    suite_add_tcase(s, sweep);
    return s;
}

int main(void)
{
    return gops_test_run(workers_suite());
}
