// SPDX-License-Identifier: MIT
// The incidents vendors cause — vending outside the points (one per pitch episode), litter,
// stalls failing hygiene inspections — from occurrence to first detection, and how they
// reach the centre. With the operations model attached each becomes an operations
// incident (vending and litter to be sensed by its cameras, patrols and drones; a failed
// inspection known at once, GOPS_CHANNEL_MODEL), and merchants' reports and complaints go
// through the report sink. Without it, reports send the nearest stand-in patrol, and
// patrols notice what is within reach; litter is cleared a while after it is reported.
//
// Ordering: incidents by index (creation order); the open list ascends; merchants' draws
// come from one stream in creation order, always 4 numbers per incident.
#include "vendors/vendors_internal.h"

#include "ops/ops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const gops_category_t kind_category[GOPS_STREET_KIND_COUNT] = {GOPS_CAT_VENDING, GOPS_CAT_SANITATION,
                                                                        GOPS_CAT_VENDING};
static const gops_itype_t kind_itype[GOPS_STREET_KIND_COUNT] = {GOPS_ITYPE_ILLEGAL_VENDING, GOPS_ITYPE_LITTER_OVERFLOW,
                                                                  GOPS_ITYPE_STALL_DISORDER};

static void open_add(gops_vendors_t *v, uint32_t index)
{
    if (v->open_count == v->open_cap) {
        uint32_t cap = v->open_cap ? v->open_cap * 2 : 64;
        uint32_t *grown = realloc(v->open, cap * sizeof *grown);
        if (!grown) abort(); // a few hundred records an evening; no sensible recovery mid-step
        v->open = grown;
        v->open_cap = cap;
    }
    v->open[v->open_count++] = index; // created in index order: the list stays ascending
}

static void open_remove(gops_vendors_t *v, uint32_t index)
{
    for (uint32_t k = 0; k < v->open_count; k++)
        if (v->open[k] == index) {
            memmove(&v->open[k], &v->open[k + 1], (v->open_count - k - 1) * sizeof *v->open);
            v->open_count--;
            return;
        }
}

uint32_t gops_street_open(gops_vendors_t *v, gops_street_kind_t kind, gops_point_t at, uint32_t vendor)
{
    if (v->incident_count == v->incident_cap) {
        uint32_t cap = v->incident_cap ? v->incident_cap * 2 : 256;
        gops_street_incident_t *grown = realloc(v->incidents, cap * sizeof *grown);
        if (!grown) abort();
        v->incidents = grown;
        v->incident_cap = cap;
    }
    uint32_t index = v->incident_count++;
    gops_street_incident_t *si = &v->incidents[index];
    memset(si, 0, sizeof *si);
    si->kind = kind;
    si->category = kind_category[kind];
    si->at = at;
    si->t_occ = v->now;
    si->t_end = si->t_detect = INFINITY;
    si->detected_by = GOPS_DETECT_NONE;
    si->active = true;
    si->vendor = vendor;
    si->merchant = gops_merchants_draw(&v->merchants, si->category, at, v->now, &v->incident_rng);
    if (kind == GOPS_STREET_LITTER) v->acc.litter++;
    open_add(v, index);
    bool known = kind == GOPS_STREET_DISORDER; // the inspector found it
    if (v->ops && v->params.to_ops) {
        gops_error_t err;
        uint32_t id = 0;
        if (gops_ops_inject(v->ops, kind_itype[kind], at, v->now, known ? GOPS_CHANNEL_MODEL : GOPS_CHANNEL_NONE, &id,
                            &err) == GOPS_OK)
            si->ops_id = id;
    }
    if (known) gops_street_detect(v, index, GOPS_DETECT_INSPECTION, v->now);
    return index;
}

void gops_street_end(gops_vendors_t *v, uint32_t index)
{
    gops_street_incident_t *si = &v->incidents[index];
    if (!si->active) return;
    si->active = false;
    si->t_end = v->now;
    open_remove(v, index);
    // A vendor's pitch is empty again: the centre's order has nothing left to handle.
    if (si->kind == GOPS_STREET_VENDING && v->ops && si->ops_id) {
        gops_error_t err;
        (void)gops_ops_cause_gone(v->ops, si->ops_id, v->now, &err); // the id is ours: cannot fail
    }
}

void gops_street_detect(gops_vendors_t *v, uint32_t index, gops_detector_t by, double t)
{
    gops_street_incident_t *si = &v->incidents[index];
    if (si->detected_by != GOPS_DETECT_NONE) return;
    si->detected_by = (uint8_t)by;
    si->t_detect = t;
    // The stand-in centre sends the nearest free patrol to what was reported.
    if (!v->ops && (by == GOPS_DETECT_MERCHANT || by == GOPS_DETECT_COMPLAINT))
        gops_patrols_answer(&v->patrols, si->at, v->now, index);
}

/// The operations model's view of incident si: its detection (when earlier than ours) and
/// its closure (litter and disorder end when the order closes or the incident cleared).
static void poll_ops(gops_vendors_t *v, uint32_t index)
{
    gops_street_incident_t *si = &v->incidents[index];
    gops_incident_info_t info;
    if (!si->ops_id || !gops_ops_incident_get(v->ops, si->ops_id, &info)) return;
    if (info.detected && (si->detected_by == GOPS_DETECT_NONE || info.t_detect < si->t_detect)) {
        si->detected_by = GOPS_DETECT_OPS;
        si->t_detect = info.t_detect;
    }
    if (si->kind != GOPS_STREET_VENDING && (info.closed || info.cleared)) gops_street_end(v, index);
}

void gops_street_report(gops_vendors_t *v, uint32_t index, gops_detector_t by)
{
    gops_street_incident_t *si = &v->incidents[index];
    if (!si->active) return;
    if (!v->ops) {
        gops_street_detect(v, index, by, v->now);
        return;
    }
    // The centre hears of it only through the sink; without one the report is counted only.
    poll_ops(v, index); // it may have seen it earlier this very tick
    if (!v->report_fn || si->ops_id == 0 || si->detected_by != GOPS_DETECT_NONE) return;
    v->report_fn(v->report_user, si->ops_id, by == GOPS_DETECT_MERCHANT, v->now);
    gops_street_detect(v, index, by, v->now);
}

/// Without operations: a patrol or post within reach notices litter.
static void sight_litter(gops_vendors_t *v, uint32_t index)
{
    gops_street_incident_t *si = &v->incidents[index];
    double r2 = v->params.litter_notice_m * v->params.litter_notice_m;
    for (uint32_t k = 0; k < v->enforcer_count; k++) {
        double dx = v->enforcers[k].at.x - si->at.x, dy = v->enforcers[k].at.y - si->at.y;
        if (dx * dx + dy * dy <= r2) {
            gops_street_detect(v, index, GOPS_DETECT_PATROL, v->now);
            return;
        }
    }
}

void gops_street_step(gops_vendors_t *v)
{
    double end = v->now + v->dt, clear = v->params.litter_clear_s;
    // Walk a copy of the length: ending an incident removes it from the list.
    for (uint32_t k = 0; k < v->open_count;) {
        uint32_t index = v->open[k];
        gops_street_incident_t *si = &v->incidents[index];
        if (v->ops) poll_ops(v, index);
        if (si->active && si->merchant.reported && !si->merchant_filed && si->merchant.t_report < end) {
            si->merchant_filed = true;
            gops_merchants_record(&v->merchants, si->category, &si->merchant);
            gops_street_report(v, index, GOPS_DETECT_MERCHANT);
        }
        if (si->active && !v->ops && si->kind != GOPS_STREET_VENDING) {
            if (si->detected_by == GOPS_DETECT_NONE && si->kind == GOPS_STREET_LITTER) sight_litter(v, index);
            bool cleared = si->t_detect + clear <= v->now || si->t_occ + 3 * clear <= v->now;
            if (cleared) gops_street_end(v, index);
        }
        if (k < v->open_count && v->open[k] == index) k++;
    }
}
