// SPDX-License-Identifier: MIT
// The coordination centre (FACTS.md: one centre, 23 seconded staff, "street calls, district
// answers"): triage desks staffed from the task force, triage by category and zone to the
// responsible units (primary plus notified where zones overlap), refusal and re-dispatch
// when ownership is unclear, escalation when no team gets there in time, verification.
// It does not pick teams (dispatch.c) and owns no incidents (ops.c keeps them).
#ifndef GOPS_OPS_CENTRE_H
#define GOPS_OPS_CENTRE_H

#include "gridops/types.h"
#include "ops/incident_types.h"

#include <stdint.h>

#define GOPS_ESCALATION_LEVELS 2

typedef struct gops_centre_params {
    int staff;                                  ///< task force (FACTS: 23), ≥ 1
    double triage_mean_s[GOPS_PRIO_COUNT];      ///< s, mean desk time per order (exponential)
    double accept_mean_s;                       ///< s, a team acknowledging an order
    double refusal_mean_s;                      ///< s, until a disputed order comes back refused
    double verify_mean_s;                       ///< s, the centre checking the result (camera, call-back)
    double rework_share;                        ///< work after a failed check, share of the original
    double gone_check_s;                        ///< s, on scene when the cause has gone: a look round, a photo
    double escalate_after_s[GOPS_PRIO_COUNT];   ///< s without a team on scene before escalating
    uint32_t escalation_units[GOPS_ESCALATION_LEVELS]; ///< unit bits added at levels 1 and 2
} gops_centre_params_t;

/// Defaults (documented in centre.c).
gops_centre_params_t gops_centre_params_default(void);

#endif
