// SPDX-License-Identifier: MIT
// `gridops bench [NAME...]`: runs the benchmark table and prints CSV (DESIGN.md header, plus
// ms_per_tick_min). ms_per_tick is the median over repeats; the minimum follows it.
#include "cli/bench.h"
#include "cli/cli.h"
#include "core/parallel.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char bench_usage[] =
    "usage: gridops bench [NAME...] [--threads N] [--repeats N] [--list]\n"
    "\n"
    "Runs benchmarks (all, or those whose name starts with NAME) and prints CSV:\n"
    "name,agents,threads,ticks,ms_per_tick,realtime_factor,ns_per_agent_tick,rss_mb,ms_per_tick_min\n"
    "ms_per_tick is the median over the repeats, ms_per_tick_min the fastest.\n"
    "\n"
    "options:\n"
    "  --threads N   worker threads (default: all cores)\n"
    "  --repeats N   timed ticks per case (default 20)\n"
    "  --list        list the benchmark names\n";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double rss_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    double kb = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kb = atof(line + 6);
    fclose(f);
    return kb / 1024.0;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static bool selected(const char *name, char **names, int count)
{
    if (count == 0) return true;
    for (int i = 0; i < count; i++)
        if (strncmp(name, names[i], strlen(names[i])) == 0) return true;
    return false;
}

/// Every benchmark, in the order they run.
typedef struct bench_group {
    const gops_bench_case_t *cases;
    const int *count;
} bench_group_t;

static const bench_group_t groups[] = {
    {gops_bench_core_cases, &gops_bench_core_case_count},
    {gops_bench_crowd_cases, &gops_bench_crowd_case_count},
    {gops_bench_district_cases, &gops_bench_district_case_count},
    {gops_bench_traffic_cases, &gops_bench_traffic_case_count},
};
enum { GROUP_COUNT = sizeof groups / sizeof groups[0] };

int gops_cmd_bench(int argc, char **argv)
{
    int threads = gops_parallel_max_threads(), repeats = 20;
    char *names[32];
    int name_count = 0;
    bool list = false;
    for (int i = 1; i < argc; i++) {
        if (gops_cli_is_help(argv[i])) {
            fputs(bench_usage, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--threads") == 0 || strcmp(argv[i], "--repeats") == 0) {
            if (i + 1 >= argc) return gops_cli_usage_error("bench", "%s needs a value", argv[i]);
            char *end;
            errno = 0;
            long v = strtol(argv[i + 1], &end, 10);
            if (errno || *end || v < 1 || v > 100000)
                return gops_cli_usage_error("bench", "%s: found \"%s\", expected an integer 1..100000", argv[i], argv[i + 1]);
            if (argv[i][2] == 't')
                threads = (int)v;
            else
                repeats = (int)v;
            i++;
        } else if (strcmp(argv[i], "--list") == 0) {
            list = true;
        } else if (argv[i][0] == '-') {
            return gops_cli_usage_error("bench", "unknown option '%s'", argv[i]);
        } else if (name_count < 32) {
            names[name_count++] = argv[i];
        }
    }
    int matched = 0;
    for (int g = 0; g < GROUP_COUNT; g++)
        for (int c = 0; c < *groups[g].count; c++) matched += selected(groups[g].cases[c].name, names, name_count);
    if (matched == 0) return gops_cli_usage_error("bench", "no benchmark matches '%s' (try --list)", names[0]);
    if (list) {
        for (int g = 0; g < GROUP_COUNT; g++)
            for (int c = 0; c < *groups[g].count; c++) puts(groups[g].cases[c].name);
        return 0;
    }
    puts("name,agents,threads,ticks,ms_per_tick,realtime_factor,ns_per_agent_tick,rss_mb,ms_per_tick_min");
    double *times = malloc((size_t)repeats * sizeof *times);
    if (!times) return 3;
    for (int g = 0; g < GROUP_COUNT; g++)
    for (int c = 0; c < *groups[g].count; c++) {
        const gops_bench_case_t *bc = &groups[g].cases[c];
        if (!selected(bc->name, names, name_count)) continue;
        void *fixture = bc->setup(bc->agents, threads);
        if (!fixture) {
            fprintf(stderr, "gridops bench: %s: setting up failed (out of memory, or the reason above)\n", bc->name);
            free(times);
            return 3;
        }
        bc->tick(fixture); // warm-up
        for (int r = 0; r < repeats; r++) {
            double t0 = now_s();
            bc->tick(fixture);
            times[r] = now_s() - t0;
        }
        double rss = rss_mb();
        bc->teardown(fixture);
        qsort(times, (size_t)repeats, sizeof *times, compare_double);
        double median = times[repeats / 2], fastest = times[0];
        printf("%s,%u,%d,%d,%.4f,%.1f,%.2f,%.1f,%.4f\n", bc->name, bc->agents, threads, repeats, median * 1e3,
               median > 0 ? bc->tick_s / median : 0.0, bc->agents ? median * 1e9 / bc->agents : 0.0, rss,
               fastest * 1e3);
        fflush(stdout);
    }
    free(times);
    return 0;
}
