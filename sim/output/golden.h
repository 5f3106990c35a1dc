// SPDX-License-Identifier: MIT
// Scenario regressions against committed goldens: a golden folder holds a run's
// summary.json and timeseries.csv and a tolerances.txt saying how far each metric may move.
// Compares a fresh run's folder with it, or replaces it (accept). Does not run scenarios.
#ifndef GOPS_OUTPUT_GOLDEN_H
#define GOPS_OUTPUT_GOLDEN_H

#include "gridops/status.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum gops_tolerance_kind {
    GOPS_TOL_EXACT,  ///< must be equal (counts, hashes, times)
    GOPS_TOL_REL,    ///< |now - golden| <= amount × max(|golden|, |now|)
    GOPS_TOL_ABS,    ///< |now - golden| <= amount
    GOPS_TOL_IGNORE, ///< not compared (wall-clock figures)
} gops_tolerance_kind_t;

typedef struct gops_tolerance_rule {
    char pattern[96]; ///< metric name or shell pattern ("kpi.*", "timeseries.peak_*")
    gops_tolerance_kind_t kind;
    double amount;
} gops_tolerance_rule_t;

enum { GOPS_TOLERANCE_RULES_MAX = 64 };

/// tolerances.txt: one rule per line, "PATTERN exact|ignore" or "PATTERN rel|abs AMOUNT";
/// the first rule whose pattern matches a metric applies, a metric no rule matches is exact.
/// "known_failure: REASON" declares that the golden is known to have moved.
typedef struct gops_tolerances {
    gops_tolerance_rule_t rules[GOPS_TOLERANCE_RULES_MAX];
    uint32_t count;
    char known_failure[256];
} gops_tolerances_t;

/// Reads path; a missing file gives no rules (everything exact). GOPS_BAD_VALUE naming
/// file:line for a line that is not a rule.
gops_status_t gops_tolerances_load(const char *path, gops_tolerances_t *tol, gops_error_t *err);
/// The rule for metric (NULL: exact).
const gops_tolerance_rule_t *gops_tolerances_find(const gops_tolerances_t *tol, const char *metric);

/// One metric that moved beyond its tolerance.
typedef struct gops_golden_diff {
    char metric[128];   ///< "state_hash", "kpi.peak_density_ppm2", "timeseries.vehicles"
    char golden[48];    ///< value in the golden ("absent" when it has none)
    char now[48];       ///< value in this run
    char rule[40];      ///< the tolerance applied, as text
    char where[64];     ///< timeseries: "12 rows, first at 2025-12-31 16:05:00"; else ""
} gops_golden_diff_t;

typedef struct gops_golden_result {
    gops_golden_diff_t *diffs;
    uint32_t count, capacity;
    uint32_t compared;       ///< values compared (a timeseries cell counts once)
    gops_tolerances_t tolerances;
} gops_golden_result_t;

/// Whether golden_dir holds a golden (its summary.json exists).
bool gops_golden_exists(const char *golden_dir);
/// Compares run_dir's summary.json (state_hash, end, passed, every KPI) and timeseries.csv
/// (row count, every cell) with golden_dir's. GOPS_IO when a file is missing or unreadable,
/// GOPS_BAD_VALUE naming the file when one does not parse.
gops_status_t gops_golden_compare(const char *golden_dir, const char *run_dir, gops_golden_result_t *result,
                                  gops_error_t *err);
void gops_golden_result_free(gops_golden_result_t *result);
/// Makes run_dir's summary.json and timeseries.csv the golden (each written atomically) and
/// writes a default tolerances.txt when there is none.
gops_status_t gops_golden_accept(const char *golden_dir, const char *run_dir, gops_error_t *err);

#endif
