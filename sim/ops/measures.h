// SPDX-License-Identifier: MIT
// Operations measures: the world KPIs the model keeps current (incidents_total,
// incidents_closed, response_time_p50_s/p90_s, closure_time_p50_s, team_utilisation,
// coverage_5min), the gauges orders_open, orders_closed and teams_busy, and a detailed
// JSON object for reports and studies. Reads the model only.
#ifndef GOPS_OPS_MEASURES_H
#define GOPS_OPS_MEASURES_H

#include <stdint.h>

typedef struct gops_ops gops_ops_t;

/// The measures as one JSON object; caller frees; NULL when out of memory. Keys:
/// incidents, detected, closed, cleared_undetected, undetected_open, never_detected,
/// prevented_by_posts, backlog_max, redispatches, refusals, preemptions, reopens,
/// escalations, detection_to_dispatch_{p50,p90,max}_s, dispatch_to_arrival_{...}_s,
/// by_channel.<channel>.{detected, share, latency_{p50,p90,max}_s},
/// by_type / by_category / by_priority.<name>.{incidents, detected, closed,
/// closed_within_target_share, response_{p50,p90,max}_s, closure_{p50,p90,max}_s},
/// utilisation_by_kind.<kind or "posts">, coverage_5min_mean, coverage_5min_min.
/// closed_within_target_share = closed within the type's target ÷ detected.
char *gops_ops_measures_json(const gops_ops_t *ops);
/// Percentile q (0..1) of an ascending array by linear interpolation between order
/// statistics (Hyndman–Fan type 7, numpy's default); NAN when empty.
double gops_measures_percentile(const double *sorted, uint32_t count, double q);

#endif
