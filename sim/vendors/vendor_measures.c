// SPDX-License-Identifier: MIT
// The vendors model's measures: vendor-hours inside and outside the points, stall
// occupancy, obstruction minutes (plain and weighted by footfall), the cat-and-mouse
// (reactions, relocations per patrol hour, return times, displacement), complaints, litter,
// merchants' reports and points, first detection by source, customers, inspections, moves
// out of cleared areas; the KPIs (vendor_hours_outside_points and _inside_points,
// stall_occupancy, obstruction_person_min, vendor_complaints, merchant_reports) and gauges
// the world reports and the measures JSON. Reads the model's state only.
#include "vendors/vendors_internal.h"

#include "core/strbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(GOPS_DETECT_COUNT == sizeof ((gops_vendors_measures_t *)0)->first_by / sizeof(uint64_t),
               "first_by in vendors.h has one entry per detector");

static const char *const detector_names[GOPS_DETECT_COUNT] = {"merchant", "complaint", "patrol", "operations",
                                                               "inspection"};

const char *gops_vendors_detector_name(int index)
{
    return index >= 0 && index < GOPS_DETECT_COUNT ? detector_names[index] : "?";
}

void gops_vendors_record_return(gops_vendors_t *v, double seconds)
{
    gops_vendors_acc_t *a = &v->acc;
    if (a->return_count == a->return_cap) {
        uint32_t cap = a->return_cap ? a->return_cap * 2 : 64;
        double *grown = realloc(a->returns, cap * sizeof *grown);
        if (!grown) return; // the sample is lost, the count below still right
        a->returns = grown;
        a->return_cap = cap;
    }
    a->returns[a->return_count++] = seconds;
}

static bool street_state(gops_vendor_state_t s)
{
    return s == GOPS_VENDOR_SETUP || s == GOPS_VENDOR_TRADING || s == GOPS_VENDOR_PACKING;
}

static bool occupied(gops_stall_state_t s)
{
    return s == GOPS_STALL_SETUP || s == GOPS_STALL_OPEN || s == GOPS_STALL_PACKING || s == GOPS_STALL_SHUT;
}

void gops_vendors_measure_step(gops_vendors_t *v)
{
    const gops_vendors_params_t *p = &v->params;
    gops_vendors_acc_t *a = &v->acc;
    double dt = v->dt;
    uint32_t street = 0, points = 0;
    for (uint32_t i = 0; i < v->vendor_count; i++) {
        const gops_vendor_t *vd = &v->vendors[i];
        if (!street_state(vd->state)) continue;
        street++;
        uint32_t near = gops_vendors_footfall(v, vd->at, p->obstruction_footfall_m);
        a->obstruction_s += dt;
        a->obstruction_ped_s += dt * near;
        a->spill_s += dt * gops_queue_spill(&vd->queue, &p->customers);
    }
    for (uint32_t k = 0; k < v->stalls.point_count; k++) {
        const gops_guidance_point_t *gp = &v->stalls.points[k];
        bool open = gops_vendors_point_open(v, k);
        if (open) a->stall_open_s += dt * gp->stall_count;
        for (uint32_t j = 0; j < gp->stall_count; j++) {
            const gops_stall_t *st = &v->stalls.stalls[gp->first_stall + j];
            if (!occupied(st->state)) continue;
            points++;
            if (open) a->stall_occupied_s += dt;
            a->point_ped_s += dt * gops_vendors_footfall(v, st->at, p->obstruction_footfall_m);
            a->spill_s += dt * gops_queue_spill(&st->queue, &p->customers);
        }
    }
    for (uint32_t k = 0; k < v->enforcer_count; k++) a->patrol_s += v->enforcers[k].mobile ? dt : 0;
    a->outside_s += dt * street;
    a->inside_s += dt * points;
    if (street > a->peak_street) a->peak_street = street;
    if (points > a->peak_points) a->peak_points = points;

    gops_kpis_t *kpis = gops_world_kpis(v->world);
    gops_kpis_set(kpis, GOPS_KPI_VENDOR_HOURS_OUTSIDE_POINTS, a->outside_s / 3600.0);
    gops_kpis_set(kpis, GOPS_KPI_VENDOR_HOURS_INSIDE_POINTS, a->inside_s / 3600.0);
    gops_kpis_set(kpis, GOPS_KPI_OBSTRUCTION_PERSON_MIN, a->obstruction_ped_s / 60.0);
    gops_kpis_set(kpis, GOPS_KPI_VENDOR_COMPLAINTS, (double)a->complaints);
    uint64_t reports = 0;
    for (int c = 0; c < GOPS_CAT_COUNT; c++) reports += v->merchants.reports[c];
    gops_kpis_set(kpis, GOPS_KPI_MERCHANT_REPORTS, (double)reports);
    // Occupancy of stalls nobody offered is not a number: the KPI stays absent (null).
    if (a->stall_open_s > 0) gops_kpis_set(kpis, GOPS_KPI_STALL_OCCUPANCY, a->stall_occupied_s / a->stall_open_s);
    gops_gauges_t *g = gops_world_gauges(v->world);
    gops_gauges_set(g, GOPS_GAUGE_VENDORS_AT_POINTS, points);
    gops_gauges_set(g, GOPS_GAUGE_VENDORS_MOBILE, street);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void gops_vendors_measures(const gops_vendors_t *v, gops_vendors_measures_t *out)
{
    const gops_vendors_acc_t *a = &v->acc;
    memset(out, 0, sizeof *out);
    out->vendor_h_outside = a->outside_s / 3600.0;
    out->vendor_h_inside = a->inside_s / 3600.0;
    out->stall_h_open = a->stall_open_s / 3600.0;
    out->stall_h_occupied = a->stall_occupied_s / 3600.0;
    out->stall_occupancy = a->stall_open_s > 0 ? a->stall_occupied_s / a->stall_open_s : NAN;
    out->obstruction_min = a->obstruction_s / 60.0;
    out->obstruction_ped_min = a->obstruction_ped_s / 60.0;
    out->point_obstruction_ped_min = a->point_ped_s / 60.0;
    out->spill_min = a->spill_s / 60.0;
    out->width_samples = a->width_samples;
    out->width_before_m = a->width_samples ? a->width_before_sum / a->width_samples : NAN;
    out->width_after_m = a->width_samples ? a->width_after_sum / a->width_samples : NAN;
    out->encounters = a->encounters;
    memcpy(out->reactions, a->reactions, sizeof out->reactions);
    out->patrol_h = a->patrol_s / 3600.0;
    out->relocations_per_patrol_h = a->patrol_s > 0 ? a->reactions[GOPS_REACT_RELOCATE] / (a->patrol_s / 3600.0) : NAN;
    out->returns = a->return_count;
    out->return_mean_s = out->return_p50_s = NAN;
    if (a->return_count) {
        double sum = 0;
        for (uint32_t k = 0; k < a->return_count; k++) sum += a->returns[k];
        out->return_mean_s = sum / a->return_count;
        double *sorted = malloc(a->return_count * sizeof *sorted);
        if (sorted) {
            memcpy(sorted, a->returns, a->return_count * sizeof *sorted);
            qsort(sorted, a->return_count, sizeof *sorted, cmp_double);
            uint32_t n = a->return_count;
            out->return_p50_s = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
            free(sorted);
        }
    }
    out->displacement_mean_m = a->displacements ? a->displacement_sum / a->displacements : NAN;
    out->voluntary_moves = a->voluntary;
    out->complaints = a->complaints;
    out->litter = a->litter;
    out->incidents = v->incident_count;
    for (uint32_t k = 0; k < v->incident_count; k++) {
        uint8_t by = v->incidents[k].detected_by;
        if (by >= GOPS_DETECT_COUNT) continue;
        out->detected++;
        out->first_by[by]++;
    }
    out->merchant_first_share = out->detected ? (double)out->first_by[GOPS_DETECT_MERCHANT] / out->detected : NAN;
    memcpy(out->merchant_reports, v->merchants.reports, sizeof out->merchant_reports);
    out->merchant_reports_partner = v->merchants.reports_partner;
    out->merchant_reports_invalid = v->merchants.reports_invalid;
    out->merchant_points = v->merchants.points_reports + v->merchants.points_volunteer;
    out->volunteer_h = v->merchants.volunteer_h;
    for (uint32_t i = 0; i < v->vendor_count; i++) {
        out->customers_served += v->vendors[i].queue.served;
        out->customers_balked += v->vendors[i].queue.balked;
    }
    for (uint32_t s = 0; s < v->stalls.stall_count; s++) {
        out->customers_served += v->stalls.stalls[s].queue.served;
        out->customers_balked += v->stalls.stalls[s].queue.balked;
    }
    for (uint32_t k = 0; k < v->stalls.point_count; k++) {
        out->inspections += v->stalls.points[k].inspections;
        out->stalls_inspected += v->stalls.points[k].stalls_inspected;
        out->stalls_passed += v->stalls.points[k].stalls_passed;
    }
    out->pass_rate = out->stalls_inspected ? (double)out->stalls_passed / out->stalls_inspected : NAN;
    for (uint32_t i = 0; i < v->vendor_count; i++) out->street_now += street_state(v->vendors[i].state);
    for (uint32_t s = 0; s < v->stalls.stall_count; s++) out->at_points_now += occupied(v->stalls.stalls[s].state);
    out->peak_street = a->peak_street;
    out->peak_at_points = a->peak_points;
    for (uint32_t s = 0; s < v->stalls.stall_count; s++) out->stalls_open_now += v->stalls.stalls[s].state == GOPS_STALL_OPEN;
    out->cleared_moves = a->cleared_moves;
    for (uint32_t i = 0; i < v->vendor_count; i++)
        out->in_cleared_now += street_state(v->vendors[i].state) && gops_vendors_in_cleared(v, v->vendors[i].at);
}

/// A number, or null for NAN (JSON has no NaN).
static void num(gops_strbuf_t *b, const char *key, double x, bool *first)
{
    gops_strbuf_printf(b, "%s\"%s\":", *first ? "" : ",", key);
    *first = false;
    if (isfinite(x)) gops_strbuf_printf(b, "%.10g", x);
    else gops_strbuf_printf(b, "null");
}

char *gops_vendors_measures_json(const gops_vendors_t *v)
{
    gops_vendors_measures_t m;
    gops_vendors_measures(v, &m);
    gops_strbuf_t b;
    gops_strbuf_init(&b);
    bool first = true;
    gops_strbuf_printf(&b, "{");
    num(&b, "vendor_hours_outside_points", m.vendor_h_outside, &first);
    num(&b, "vendor_hours_inside_points", m.vendor_h_inside, &first);
    num(&b, "stall_hours_offered", m.stall_h_open, &first);
    num(&b, "stall_hours_occupied", m.stall_h_occupied, &first);
    num(&b, "stall_occupancy", m.stall_occupancy, &first);
    num(&b, "obstruction_minutes", m.obstruction_min, &first);
    num(&b, "obstruction_person_minutes", m.obstruction_ped_min, &first);
    num(&b, "point_obstruction_person_minutes", m.point_obstruction_ped_min, &first);
    num(&b, "queue_spill_customer_minutes", m.spill_min, &first);
    num(&b, "walkway_width_before_m", m.width_before_m, &first);
    num(&b, "walkway_width_with_footprints_m", m.width_after_m, &first);
    num(&b, "encounters", (double)m.encounters, &first);
    for (int r = 0; r < GOPS_REACT_COUNT; r++) {
        char key[48];
        snprintf(key, sizeof key, "reaction_%s", gops_reaction_name((gops_reaction_t)r));
        num(&b, key, (double)m.reactions[r], &first);
    }
    num(&b, "patrol_hours", m.patrol_h, &first);
    num(&b, "relocations_per_patrol_hour", m.relocations_per_patrol_h, &first);
    num(&b, "returns", (double)m.returns, &first);
    num(&b, "return_time_mean_s", m.return_mean_s, &first);
    num(&b, "return_time_p50_s", m.return_p50_s, &first);
    num(&b, "displacement_mean_m", m.displacement_mean_m, &first);
    num(&b, "voluntary_moves", (double)m.voluntary_moves, &first);
    num(&b, "complaints", (double)m.complaints, &first);
    num(&b, "litter", (double)m.litter, &first);
    num(&b, "incidents", (double)m.incidents, &first);
    num(&b, "incidents_detected", (double)m.detected, &first);
    for (int d = 0; d < GOPS_DETECT_COUNT; d++) {
        char key[48];
        snprintf(key, sizeof key, "first_detected_by_%s", gops_vendors_detector_name(d));
        num(&b, key, (double)m.first_by[d], &first);
    }
    num(&b, "merchant_first_share", m.merchant_first_share, &first);
    gops_strbuf_printf(&b, ",\"merchant_reports\":{");
    for (int c = 0; c < GOPS_CAT_COUNT; c++)
        gops_strbuf_printf(&b, "%s\"%s\":%llu", c ? "," : "", gops_category_name((gops_category_t)c),
                            (unsigned long long)m.merchant_reports[c]);
    gops_strbuf_printf(&b, "}");
    num(&b, "merchant_reports_by_partners", (double)m.merchant_reports_partner, &first);
    num(&b, "merchant_reports_invalid", (double)m.merchant_reports_invalid, &first);
    num(&b, "merchant_points", m.merchant_points, &first);
    num(&b, "volunteer_hours", m.volunteer_h, &first);
    num(&b, "customers_served", (double)m.customers_served, &first);
    num(&b, "customers_balked", (double)m.customers_balked, &first);
    num(&b, "inspections", (double)m.inspections, &first);
    num(&b, "stalls_inspected", (double)m.stalls_inspected, &first);
    num(&b, "hygiene_pass_rate", m.pass_rate, &first);
    num(&b, "peak_vendors_street", (double)m.peak_street, &first);
    num(&b, "peak_vendors_at_points", (double)m.peak_at_points, &first);
    num(&b, "cleared_moves", (double)m.cleared_moves, &first);
    gops_strbuf_printf(&b, "}");
    if (b.failed) {
        gops_strbuf_free(&b);
        return NULL;
    }
    return b.data; // handed over: the caller frees it
}
