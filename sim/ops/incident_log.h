// SPDX-License-Identifier: MIT
// incidents.csv: one row per incident that occurred, with its place, zones, detection
// channel, the times of each step of its order, the unit and team, and its counts of
// re-dispatches, refusals, pre-emptions, escalations and re-openings (DESIGN.md's output
// contract). Reads the operations model; writes nothing else.
#ifndef GOPS_OPS_INCIDENT_LOG_H
#define GOPS_OPS_INCIDENT_LOG_H

#include "gridops/status.h"

typedef struct gops_ops gops_ops_t;

/// The header line of incidents.csv (without the newline).
extern const char gops_incident_log_header[];
/// incidents.csv text; caller frees. NULL when out of memory.
char *gops_ops_incidents_csv(const gops_ops_t *ops);
/// Writes incidents.csv into folder `dir` atomically (temporary name, then rename).
gops_status_t gops_ops_write_incidents(const gops_ops_t *ops, const char *dir, gops_error_t *err);

#endif
