// SPDX-License-Identifier: MIT
// A study: one base scenario, factors with levels, a design (full factorial or listed
// points), replications with seeds derived from a base seed, the KPIs to collect and the
// paired comparisons to report. Maps run indices to (design point, replication, seed,
// --set overrides) and reads/writes the study.json manifest. Does not read Lua (study_file.c
// does), run anything or touch the output folder.
#ifndef GOPS_ENSEMBLE_STUDY_H
#define GOPS_ENSEMBLE_STUDY_H

#include "gridops/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GOPS_STUDY_MAX_FACTORS 8
#define GOPS_STUDY_MAX_LEVELS 64
#define GOPS_STUDY_MAX_KPIS 32
#define GOPS_STUDY_MAX_COMPARES 16
#define GOPS_STUDY_MAX_SETS 64
/// Runs in one study (run folders are numbered with five digits).
#define GOPS_STUDY_MAX_RUNS 100000
#define GOPS_STUDY_TEXT_MAX 64   ///< keys, level texts, KPI names (bytes with the NUL)
#define GOPS_STUDY_SET_MAX 256   ///< one "key=value" (bytes with the NUL)

/// How seeds are derived. Common: the seed depends on the replication only, so every design
/// point of replication r sees the same random numbers (common random numbers, the basis of
/// paired comparisons). Independent: the seed depends on the run index.
typedef enum gops_study_seeds { GOPS_STUDY_SEEDS_COMMON, GOPS_STUDY_SEEDS_INDEPENDENT } gops_study_seeds_t;

typedef struct gops_study_factor {
    char key[GOPS_STUDY_TEXT_MAX];                       ///< a scenario{} key, e.g. "ops.mobile_teams"
    uint32_t level_count;                                ///< 1..GOPS_STUDY_MAX_LEVELS
    char levels[GOPS_STUDY_MAX_LEVELS][GOPS_STUDY_TEXT_MAX]; ///< values as written after --set key=
} gops_study_factor_t;

/// A paired comparison: per replication, KPI(to) - KPI(from) between design points that
/// differ only in this factor.
typedef struct gops_study_compare {
    uint32_t factor;   ///< index into factors
    uint32_t from, to; ///< level indices, from != to
} gops_study_compare_t;

typedef struct gops_study {
    char name[128];
    char description[512];
    char path[1024];          ///< the study file as given (as recorded, when read from a manifest)
    char scenario_path[1024]; ///< the base scenario, resolved against the study file's folder
    char scenario_hash[17];   ///< 16 hex digits over the scenario file and its map (study_file.c)
    char version[96];         ///< the build that wrote the manifest
    uint64_t base_seed;
    gops_study_seeds_t seeds;
    uint32_t replications;    ///< >= 1
    double confidence;        ///< level of the intervals, 0.5..0.999 (default 0.95)
    uint32_t set_count;       ///< overrides applied to every run, sorted by key
    char sets[GOPS_STUDY_MAX_SETS][GOPS_STUDY_SET_MAX];
    uint32_t factor_count;
    gops_study_factor_t factors[GOPS_STUDY_MAX_FACTORS];
    bool listed;              ///< design points were listed (false: full factorial)
    uint32_t point_count;     ///< >= 1 (a study without factors has one point)
    uint8_t (*points)[GOPS_STUDY_MAX_FACTORS]; ///< level index of each factor, per point
    uint32_t kpi_count;
    char kpis[GOPS_STUDY_MAX_KPIS][GOPS_STUDY_TEXT_MAX];
    uint32_t compare_count;
    gops_study_compare_t compares[GOPS_STUDY_MAX_COMPARES];
} gops_study_t;

/// Where one run sits in the study.
typedef struct gops_study_run {
    uint32_t run;         ///< 0..run_count-1
    uint32_t point;       ///< design point
    uint32_t replication; ///< 0..replications-1
    uint64_t seed;        ///< < 2^53, so JSON and spreadsheets keep it exact
} gops_study_run_t;

/// An empty study (one replication, common seeds, 95 % intervals, no factors). NULL when out
/// of memory.
gops_study_t *gops_study_create(void);
void gops_study_destroy(gops_study_t *study);

/// Adds a factor; its levels are then appended with gops_study_add_level. GOPS_BAD_VALUE
/// (message naming the factor) when full, a key repeats or is too long.
gops_status_t gops_study_add_factor(gops_study_t *study, const char *key, gops_error_t *err);
gops_status_t gops_study_add_level(gops_study_t *study, uint32_t factor, const char *level, gops_error_t *err);
/// Appends a listed design point (one level text per factor, in factor order).
gops_status_t gops_study_add_point(gops_study_t *study, const char *const *levels, gops_error_t *err);
/// Index of a factor by key, or -1.
int gops_study_factor_index(const gops_study_t *study, const char *key);
/// Index of a level of a factor by text, or -1.
int gops_study_level_index(const gops_study_t *study, uint32_t factor, const char *level);

/// Completes the design after the factors (and listed points, if any) are in: expands the
/// full factorial when no point was listed (first factor varies slowest), and checks the
/// run count, the KPIs and the comparisons (both points of at least one pair exist; seeds
/// common). Messages name the study file.
gops_status_t gops_study_finish(gops_study_t *study, gops_error_t *err);

/// Runs in the study: point_count * replications.
uint32_t gops_study_run_count(const gops_study_t *study);
/// Run index -> point, replication, seed. Runs go replication by replication (run =
/// replication * point_count + point), so a study stopped early has every point equally far.
gops_study_run_t gops_study_run(const gops_study_t *study, uint32_t run);
/// Run index of (point, replication).
uint32_t gops_study_run_index(const gops_study_t *study, uint32_t point, uint32_t replication);
/// The seed of a replication (common seeds) or run (independent): the n-th number of the
/// splitmix64 sequence started at base_seed, cut to 53 bits. Never depends on where or
/// when the run executes.
uint64_t gops_study_seed(const gops_study_t *study, uint32_t point, uint32_t replication);

/// The --set overrides of a design point: the study's fixed sets, then one per factor, with
/// `start` and `day` moved first as scenario{} orders them. Writes up to `max` pointers into
/// `out` (into storage that lives as long as `buf`, GOPS_STUDY_SET_MAX bytes per entry) and
/// returns how many.
uint32_t gops_study_point_sets(const gops_study_t *study, uint32_t point, char (*buf)[GOPS_STUDY_SET_MAX],
                               const char **out, uint32_t max);
/// "ops.mobile_teams=17, ops.posts=50" ("all runs" for a study without factors).
void gops_study_point_label(const gops_study_t *study, uint32_t point, char *buf, size_t size);

/// The study.json manifest (caller frees): name, paths, scenario hash, build version, base
/// seed, seeds rule, replications, sets, factors, design points, KPIs, comparisons. No time
/// stamps, so the same study always writes the same bytes. NULL when out of memory.
char *gops_study_manifest_json(const gops_study_t *study);
/// Reads a manifest back (for --collect). `where` names the file in messages.
gops_study_t *gops_study_from_manifest(const char *json, const char *where, gops_error_t *err);

#endif
