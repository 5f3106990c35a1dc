// SPDX-License-Identifier: MIT
// report.html of a study: the design, each KPI by design point with its confidence interval
// (a chart with interval bars and a table), the paired differences with their intervals,
// and the runs that failed. One self-contained XHTML page, no scripts; charts are inline
// SVG. Reads finished results only; computes no statistics.
#ifndef GOPS_ENSEMBLE_STUDY_REPORT_H
#define GOPS_ENSEMBLE_STUDY_REPORT_H

#include "ensemble/results.h"

/// The page (caller frees); NULL when out of memory.
char *gops_study_report_html(const gops_study_results_t *results);

#endif
