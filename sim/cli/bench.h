// SPDX-License-Identifier: MIT
// The benchmark table behind `gridops bench`: named cases over fixed fixtures. Each case
// sets up once, then its tick function is timed over repeats; the harness prints CSV.
#ifndef GOPS_CLI_BENCH_H
#define GOPS_CLI_BENCH_H

#include <stdint.h>

typedef struct gops_bench_case {
    const char *name;
    uint32_t agents;     ///< items processed per tick
    double tick_s;       ///< simulated seconds per tick, for the real-time factor
    /// Builds the fixture; returns NULL when out of memory.
    void *(*setup)(uint32_t agents, int threads);
    /// One tick of work.
    void (*tick)(void *fixture);
    void (*teardown)(void *fixture);
} gops_bench_case_t;

/// Core cases (grid neighbour search, random streams): bench_core.c.
extern const gops_bench_case_t gops_bench_core_cases[];
extern const int gops_bench_core_case_count;

/// Open-square walking cases: bench_crowd.c.
extern const gops_bench_case_t gops_bench_crowd_cases[];
extern const int gops_bench_crowd_case_count;

/// Traffic cases (Erqi network, synthetic signalised grid): bench_traffic.c.
extern const gops_bench_case_t gops_bench_traffic_cases[];
extern const int gops_bench_traffic_case_count;

/// District cases (pedestrians on the Erqi map, start-up): bench_district.c.
extern const gops_bench_case_t gops_bench_district_cases[];
extern const int gops_bench_district_case_count;

#endif
