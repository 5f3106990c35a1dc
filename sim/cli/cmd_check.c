// SPDX-License-Identifier: MIT
// `gridops check [PATH...]`: runs scenarios headless (files, or folders searched for *.lua
// in name order; quick windows unless --long), evaluates their expectations, compares
// them with goldens where there are any, and prints a table. Exit 0 when all pass, 1 when
// an expectation failed or a golden moved, 2 when a scenario could not run (bad input).
#include "cli/cli.h"
#include "cli/signals.h"
#include "output/golden.h"
#include "output/outdir.h"
#include "scenario/study_file.h"
#include "scenario/session.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char check_usage[] =
    "usage: gridops check [PATH...] [--long] [--golden DIR] [--accept] [--out DIR] [--quiet]\n"
    "\n"
    "Runs each scenario (a .lua file, or every .lua file below a folder, in name order;\n"
    "default: scenarios/) headless and prints a table of expectations passed and failed,\n"
    "wall time and real-time factor. A scenario that declares a quick window\n"
    "(scenario{ quick = { finish = ..., ... } }) runs that window unless --long is given.\n"
    "\n"
    "Goldens: when DIR/<scenario file name>/ holds a golden (summary.json, timeseries.csv and\n"
    "tolerances.txt), the run's state hash, end time, KPIs and every time-series cell are\n"
    "compared with it and whatever moved beyond its tolerance is listed; that fails the\n"
    "scenario unless tolerances.txt declares a known_failure.\n"
    "\n"
    "options:\n"
    "  --long        run scenarios at full length (their quick windows are ignored)\n"
    "  --golden DIR  golden folder root (default: tests/golden when it exists here)\n"
    "  --accept      make each run's outputs the new golden instead of comparing\n"
    "  --out DIR     also write each run's outputs into DIR/<scenario file name>/\n"
    "  --quiet, -q   print only failures and the total line\n"
    "\n"
    "Ctrl-C (SIGINT) or SIGTERM stops the scenario running after its current tick (its\n"
    "outputs, with --out, are marked partial; no golden is compared) and runs no further one.\n"
    "\n"
    "exit codes: 0 all passed, 1 an expectation failed or a golden moved, 2 a scenario could\n"
    "not run or a golden could not be read, 130 stopped by SIGINT, 143 stopped by SIGTERM\n";

typedef struct file_list {
    char **paths;
    size_t count, cap;
} file_list_t;

static void add_path(file_list_t *list, const char *path)
{
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 16;
        list->paths = realloc(list->paths, list->cap * sizeof *list->paths);
        if (!list->paths) abort();
    }
    list->paths[list->count++] = strdup(path);
}

static void free_list(file_list_t *list)
{
    for (size_t i = 0; i < list->count; i++) free(list->paths[i]);
    free(list->paths);
    *list = (file_list_t){0};
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_lua(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".lua") == 0;
}

/// Appends path (a .lua file) or the .lua files below it (a folder). Returns false when the
/// path does not exist.
static bool collect(file_list_t *list, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return false;
    if (!S_ISDIR(st.st_mode)) {
        add_path(list, path);
        return true;
    }
    DIR *d = opendir(path);
    if (!d) return false;
    file_list_t here = {0};
    struct dirent *e;
    char child[2048];
    size_t len = strlen(path);
    const char *sep = len > 0 && path[len - 1] == '/' ? "" : "/"; // "scenarios/" lists scenarios/x.lua
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        snprintf(child, sizeof child, "%s%s%s", path, sep, e->d_name);
        struct stat cs;
        if (stat(child, &cs) != 0) continue;
        if (S_ISDIR(cs.st_mode) || is_lua(e->d_name)) add_path(&here, child);
    }
    closedir(d);
    if (here.count > 1) qsort(here.paths, here.count, sizeof *here.paths, compare_paths);
    for (size_t i = 0; i < here.count; i++) {
        struct stat cs;
        if (stat(here.paths[i], &cs) == 0 && S_ISDIR(cs.st_mode))
            collect(list, here.paths[i]);
        else
            add_path(list, here.paths[i]);
        free(here.paths[i]);
    }
    free(here.paths);
    return true;
}

static const char *stem(const char *path, char *buf, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(buf, size, "%.*s", (int)(strlen(base) > 4 ? strlen(base) - 4 : strlen(base)), base);
    return buf;
}

/// Prints each line of text indented under its table row.
static void print_indented(const char *text)
{
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        int len = nl ? (int)(nl - line) : (int)strlen(line);
        printf("    %.*s\n", len, line);
        line += len + (nl ? 1 : 0);
    }
}

typedef struct check_options {
    const char *out_base;    ///< --out, or NULL
    const char *golden_root; ///< --golden (or tests/golden), or NULL
    const char *scratch;     ///< temporary folder for runs compared with goldens, or NULL
    bool accept, long_runs, quiet;
} check_options_t;

typedef enum outcome { PASSED, FAILED, KNOWN, ERROR, STOPPED, STUDY } outcome_t;

/// Prints the golden diff table under the scenario's row.
static void print_diffs(const gops_golden_result_t *g)
{
    printf("    golden: %u of %u values moved beyond their tolerance\n", g->count, g->compared);
    printf("    %-36s %-20s %-20s %-12s %s\n", "metric", "golden", "now", "tolerance", "where");
    for (uint32_t i = 0; i < g->count; i++) {
        const gops_golden_diff_t *d = &g->diffs[i];
        printf("    %-36s %-20s %-20s %-12s %s\n", d->metric, d->golden, d->now, d->rule, d->where);
    }
}

/// Whether the file declares a study{} (a sweep's design, such as scenarios/staffing_study.lua)
/// rather than a scenario: `check` lists it and leaves it to `gridops sweep`.
static bool is_study(const char *path)
{
    gops_error_t err;
    gops_study_t *study = gops_study_load(path, NULL, &err);
    if (!study) return false;
    gops_study_destroy(study);
    return true;
}

/// Runs one scenario, compares or accepts its golden, prints its row. Returns the outcome;
/// *code gets the exit code an error carries.
static outcome_t check_one(const check_options_t *co, const char *path, int *code)
{
    if (is_study(path)) {
        const char *at = strlen(path) > 40 ? path + strlen(path) - 40 : path;
        printf("%-40s %-8s a study: run it with gridops sweep\n", at, "STUDY");
        return STUDY;
    }
    char name[256], out_dir[2048], golden_dir[2048] = "";
    stem(path, name, sizeof name);
    if (co->golden_root) snprintf(golden_dir, sizeof golden_dir, "%s/%s", co->golden_root, name);
    bool golden = golden_dir[0] && (co->accept || gops_golden_exists(golden_dir));
    gops_run_options_t o = gops_run_options_default();
    o.scenario_path = path;
    o.quick = !co->long_runs;
    o.write_outputs = co->out_base || golden;
    o.on_tick = gops_signals_keep_going;
    if (o.write_outputs) {
        snprintf(out_dir, sizeof out_dir, "%s/%s", co->out_base ? co->out_base : co->scratch, name);
        o.out_dir = out_dir;
    }
    gops_run_result_t r;
    gops_error_t err = {0};
    gops_status_t st = gops_session_run(&o, &r, &err);
    const char *shown = path;
    if (strlen(shown) > 40) shown += strlen(shown) - 40;
    if (st != GOPS_OK) {
        *code = gops_status_exit_code(st);
        printf("%-40s %-8s\n", shown, "ERROR");
        fprintf(stderr, "  %s\n", err.message);
        return ERROR;
    }
    if (r.partial) { // stopped by a signal
        printf("%-40s %-8s %9s %9.2f %10s\n", shown, "STOPPED", "-", r.wall_seconds, "-");
        printf("    stopped after %.0f s simulated%s\n", r.sim_seconds, co->out_base ? "; outputs marked partial" : "");
        return STOPPED;
    }
    gops_golden_result_t g = {0};
    bool compared = false, moved = false;
    if (golden && !r.partial && !co->accept) {
        if ((st = gops_golden_compare(golden_dir, out_dir, &g, &err)) != GOPS_OK) {
            *code = gops_status_exit_code(st);
            printf("%-40s %-8s\n", shown, "ERROR");
            fprintf(stderr, "  golden %s: %s\n", golden_dir, err.message);
            gops_golden_result_free(&g);
            return ERROR;
        }
        compared = true;
        moved = g.count > 0;
    }
    // A declared known failure (the scenario's known_failure("...") or the golden's) is
    // reported with its reason, not as a failure; one that passes again is flagged so the
    // declaration gets removed.
    bool failed = !r.passed || moved;
    const char *reason = !r.passed ? r.known_failure : g.tolerances.known_failure;
    if (!r.passed && moved && !g.tolerances.known_failure[0]) reason = "";
    outcome_t outcome = !failed ? PASSED : reason[0] ? KNOWN : FAILED;
    if (!co->quiet || outcome == FAILED) {
        const char *label = outcome == PASSED ? "pass" : outcome == KNOWN ? "KNOWN" : moved && r.passed ? "MOVED" : "FAIL";
        printf("%-40s %-8s %4u/%-4u %9.2f %10.0f%s\n", shown, label,
               r.expectations - r.expectations_failed - r.expectations_skipped, r.expectations - r.expectations_skipped,
               r.wall_seconds, r.wall_seconds > 0 ? r.sim_seconds / r.wall_seconds : 0.0, r.quick ? "  (quick window)" : "");
        if (!co->quiet) print_indented(r.measured);
        if (!r.passed && !r.known_failure[0]) fputs(r.failures, stdout);
        if (moved) print_diffs(&g);
        else if (compared && !co->quiet) printf("    golden: %u values compared, none moved\n", g.compared);
        if (outcome == KNOWN) printf("    known failure: %s\n", reason);
        if (r.passed && r.known_failure[0])
            printf("    passes although declared a known failure (%s): remove known_failure\n", r.known_failure);
        if (compared && !moved && g.tolerances.known_failure[0])
            printf("    golden matches although declared a known failure (%s): remove it from tolerances.txt\n",
                   g.tolerances.known_failure);
    }
    gops_golden_result_free(&g);
    if (co->accept && golden && !r.partial) {
        if ((st = gops_golden_accept(golden_dir, out_dir, &err)) != GOPS_OK) {
            fprintf(stderr, "  golden %s: %s\n", golden_dir, err.message);
            *code = gops_status_exit_code(st);
            return ERROR;
        }
        if (!co->quiet) printf("    golden accepted: %s\n", golden_dir);
    }
    return outcome;
}

/// A private folder for runs that are only compared with goldens.
static const char *make_scratch(char *buf, size_t size)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, size, "%s/gridops-check-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    return mkdtemp(buf);
}

int gops_cmd_check(int argc, char **argv)
{
    file_list_t files = {0};
    check_options_t co = {0};
    int worst = 0;
    for (int i = 1; i < argc; i++) {
        if (gops_cli_is_help(argv[i])) {
            free_list(&files);
            fputs(check_usage, stdout);
            return 0;
        } else if (strcmp(argv[i], "--out") == 0 || strcmp(argv[i], "--golden") == 0) {
            if (i + 1 >= argc) {
                free_list(&files);
                return gops_cli_usage_error("check", "%s needs a folder", argv[i]);
            }
            if (argv[i][2] == 'o') co.out_base = argv[++i];
            else co.golden_root = argv[++i];
        } else if (strcmp(argv[i], "--accept") == 0) {
            co.accept = true;
        } else if (strcmp(argv[i], "--long") == 0) {
            co.long_runs = true;
        } else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            co.quiet = true;
        } else if (argv[i][0] == '-') {
            free_list(&files);
            return gops_cli_usage_error("check", "unknown option '%s'", argv[i]);
        } else if (!collect(&files, argv[i])) {
            fprintf(stderr, "gridops check: %s: no such file or folder\n", argv[i]);
            worst = 2;
        }
    }
    if (files.count == 0 && worst == 0 && !collect(&files, "scenarios"))
        return gops_cli_usage_error("check", "no PATH given and no scenarios/ folder here");
    if (files.count == 0 && worst == 0) {
        fprintf(stderr, "gridops check: no scenario files found\n");
        return 2;
    }
    struct stat gs;
    if (!co.golden_root && stat("tests/golden", &gs) == 0 && S_ISDIR(gs.st_mode)) co.golden_root = "tests/golden";
    if (co.accept && !co.golden_root) {
        co.golden_root = "tests/golden";
    }
    char scratch[1100];
    if (co.golden_root && !co.out_base && !(co.scratch = make_scratch(scratch, sizeof scratch))) {
        fprintf(stderr, "gridops check: cannot create a temporary folder in %s (set TMPDIR)\n",
                getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        free_list(&files);
        return 2;
    }

    printf("%-40s %-8s %9s %9s %10s\n", "scenario", "result", "expects", "wall s", "x realtime");
    int counts[6] = {0};
    size_t run_count = 0;
    gops_signals_install(true);
    for (size_t i = 0; i < files.count; i++) {
        if (gops_signals_caught()) break; // no further scenario after a signal
        int code = 0;
        outcome_t outcome = check_one(&co, files.paths[i], &code);
        counts[outcome]++;
        run_count++;
        if (outcome == FAILED && worst < 1) worst = 1;
        if (outcome == ERROR && code > worst) worst = code;
        fflush(stdout);
    }
    free_list(&files);
    if (co.scratch) gops_remove_tree(co.scratch);
    if (counts[KNOWN]) printf("%d known failures (reported above with their reasons)\n", counts[KNOWN]);
    if (counts[STUDY]) printf("%d study files listed, not run (gridops sweep runs them)\n", counts[STUDY]);
    printf("%d passed, %d failed, %d errors\n", counts[PASSED], counts[FAILED], counts[ERROR]);
    if (gops_signals_caught()) {
        char what[128];
        snprintf(what, sizeof what, "%zu of %zu scenarios not run%s", files.count - run_count, files.count,
                 counts[STOPPED] ? ", one cut short" : "");
        gops_signals_report("check", what);
        return gops_signals_exit_code(gops_signals_caught());
    }
    return worst;
}
