// SPDX-License-Identifier: MIT
// Licensed stalls: the Erqi map's 5 points and 97 stalls laid out inside their polygons
// with the map's 17:00–23:00 hours; hours by mode (emergency closes the points); licence
// holders setting up and packing up on time; stall occupancy and vendor-hours inside the
// points hand-computed, and the KPI absent (null) while no stall is offered; customers and
// the queue's spill onto the walkway, never closing the aisles between stalls; hygiene
// inspections at the configured pass rate.
#include "fixture.h"

#include "core/simtime.h"
#include "crowd/crowd.h"
#include "vendors/vendors.h"
#include "world/geometry.h"
#include "world/map_build.h"
#include "world/world_internal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>

static gops_error_t err;

START_TEST(test_erqi_layout)
{
    gops_map_t *map = gops_map_load(gops_test_source_path("assets/maps/erqi.geojson"), &err);
    ck_assert_msg(map != NULL, "%s", err.message);
    gops_stalls_t s;
    ck_assert_int_eq(gops_stalls_build(&s, map, 3.0, &err), GOPS_OK);
    ck_assert_uint_eq(s.point_count, 5);  // FACTS.md: 5 guidance points
    ck_assert_uint_eq(s.stall_count, 97); // ... with 97 stalls
    for (uint32_t p = 0; p < s.point_count; p++) {
        const gops_guidance_point_t *gp = &s.points[p];
        const gops_feature_t *f = &map->features[gp->feature];
        ck_assert_int_eq(gp->map_open_s, 17 * 3600);
        ck_assert_int_eq(gp->map_close_s, 23 * 3600);
        ck_assert_uint_eq(gp->stall_count, (uint32_t)f->u.vendor_point.stalls);
        ck_assert(gp->spacing_m >= 1.0 && gp->spacing_m <= 3.0);
        for (uint32_t k = 0; k < gp->stall_count; k++) {
            const gops_stall_t *st = &s.stalls[gp->first_stall + k];
            ck_assert_uint_eq(st->point, p);
            ck_assert(gops_polygon_contains(&f->shape, st->at));
            for (uint32_t j = 0; j < k; j++) { // no two stalls closer than the lattice spacing
                const gops_stall_t *o = &s.stalls[gp->first_stall + j];
                ck_assert(hypot(st->at.x - o->at.x, st->at.y - o->at.y) >= gp->spacing_m - 1e-9);
            }
        }
    }
    ck_assert(gops_hours_contain(17 * 3600, 23 * 3600, 17 * 3600));
    ck_assert(!gops_hours_contain(17 * 3600, 23 * 3600, 23 * 3600));
    ck_assert(gops_hours_contain(18 * 3600 + 1800, 3600, 0));      // past midnight
    ck_assert(!gops_hours_contain(18 * 3600 + 1800, 3600, 7200));
    gops_stalls_free(&s);
    gops_map_destroy(map);
}
END_TEST

/// A 40 m × 20 m plaza with one guidance point of 4 stalls; hours 10:00–10:30 in every mode.
static gops_world_t *lab_world(gops_mode_t mode, int start_h, int start_m)
{
    gops_map_t *m = gops_map_new("stalls lab");
    ck_assert_int_ge(gops_map_add_rect(m, GOPS_FEAT_PLAZA, "street", 0, 0, 40, 20, &err), 0);
    int32_t vp = gops_map_add_rect(m, GOPS_FEAT_VENDOR_POINT, "point", 10, 4, 20, 10, &err);
    m->features[vp].u.vendor_point.stalls = 4;
    m->features[vp].u.vendor_point.open_s = 17 * 3600;
    m->features[vp].u.vendor_point.close_s = 23 * 3600;
    ck_assert_msg(gops_map_finish(m, &err) == GOPS_OK, "%s", err.message);
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 1.0;
    def.mode = mode;
    def.start = gops_time_from_civil(2025, 10, 1, start_h, start_m, 0);
    gops_world_t *w = gops_world_create_with_map(&def, m, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    return w;
}

static gops_vendors_params_t quiet_params(void)
{
    gops_vendors_params_t p = gops_vendors_params_default();
    for (int m = 0; m < GOPS_MODE_COUNT; m++) {
        p.open_s[m] = 10 * 3600;
        p.close_s[m] = 10 * 3600 + 1800;
        p.attendance[m] = 1.0;
        p.mobile[m] = 0;
        p.inspections_per_point_h[m] = 0;
    }
    p.arrival_mean_s = 0; // everyone arrives at opening
    p.stall_setup_s = 60;
    p.stall_packup_s = 60;
    p.stall_litter_per_h = 0;
    return p;
}

static double kpi(gops_world_t *w, const char *name, bool *present)
{
    gops_kpi_value_t v;
    ck_assert(gops_kpis_get(gops_world_kpis(w), name, &v));
    *present = v.present;
    return v.value;
}

START_TEST(test_setup_packup_and_occupancy)
{
    gops_world_t *w = lab_world(GOPS_MODE_HOLIDAY, 9, 50); // the points open 600 s in
    gops_vendors_params_t p = quiet_params();
    gops_vendors_t *v = gops_vendors_attach(w, &p, &err);
    ck_assert_msg(v != NULL, "%s", err.message);
    const gops_stalls_t *s = gops_vendors_stalls(v);
    bool present;
    for (int t = 0; t < 600; t++) gops_world_step(w);
    kpi(w, "stall_occupancy", &present);
    ck_assert(!present); // nothing offered yet: null, not 0
    ck_assert_double_eq(kpi(w, "vendor_hours_outside_points", &present), 0.0);
    ck_assert(present);
    for (int t = 600; t < 660; t++) {
        gops_world_step(w); // set-up from 600 s for 60 s
        for (uint32_t k = 0; k < 4; k++) ck_assert_int_eq(s->stalls[k].state, GOPS_STALL_SETUP);
    }
    gops_world_step(w); // the step at 660 s opens them
    for (uint32_t k = 0; k < 4; k++) ck_assert_int_eq(s->stalls[k].state, GOPS_STALL_OPEN);
    for (int t = 661; t < 2400; t++) gops_world_step(w);
    for (uint32_t k = 0; k < 4; k++) ck_assert_int_eq(s->stalls[k].state, GOPS_STALL_OPEN);
    gops_world_step(w); // 10:30: closing, packing for 60 s
    for (uint32_t k = 0; k < 4; k++) ck_assert_int_eq(s->stalls[k].state, GOPS_STALL_PACKING);
    for (int t = 2401; t < 2461; t++) gops_world_step(w);
    for (uint32_t k = 0; k < 4; k++) {
        ck_assert_int_eq(s->stalls[k].state, GOPS_STALL_CLOSED);
        ck_assert_uint_eq(s->stalls[k].occupant, GOPS_VENDORS_NONE);
    }
    gops_vendors_measures_t m;
    gops_vendors_measures(v, &m);
    // Offered: 4 stalls × 1800 s open; occupied all that time (set-up counts as occupied).
    ck_assert_double_eq_tol(m.stall_h_open, 4 * 1800 / 3600.0, 1e-9);
    ck_assert_double_eq_tol(m.stall_occupancy, 1.0, 1e-12);
    ck_assert_double_eq_tol(kpi(w, "stall_occupancy", &present), 1.0, 1e-12);
    // Inside the points: 4 × (1800 s trading + 60 s packing after closing).
    ck_assert_double_eq_tol(m.vendor_h_inside, 4 * 1860 / 3600.0, 1e-9);
    ck_assert_double_eq(m.vendor_h_outside, 0.0);
    ck_assert_uint_eq(m.peak_at_points, 4);
    // The same in the measures JSON; what was never measured is null, not 0.
    char *text = gops_vendors_measures_json(v);
    cJSON *json = cJSON_Parse(text);
    ck_assert_ptr_nonnull(json);
    ck_assert_double_eq_tol(cJSON_GetObjectItem(json, "stall_occupancy")->valuedouble, 1.0, 1e-9);
    ck_assert_double_eq_tol(cJSON_GetObjectItem(json, "vendor_hours_inside_points")->valuedouble, 4 * 1860 / 3600.0, 1e-8);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(json, "return_time_mean_s")));
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(json, "merchant_first_share")));
    ck_assert(cJSON_IsObject(cJSON_GetObjectItem(json, "merchant_reports")));
    cJSON_Delete(json);
    free(text);
    gops_world_destroy(w);
}
END_TEST

START_TEST(test_absent_licensees_leave_stalls_free)
{
    gops_world_t *w = lab_world(GOPS_MODE_HOLIDAY, 10, 0);
    gops_vendors_params_t p = quiet_params();
    for (int m = 0; m < GOPS_MODE_COUNT; m++) p.attendance[m] = 0.0;
    gops_vendors_t *v = gops_vendors_attach(w, &p, &err);
    ck_assert_msg(v != NULL, "%s", err.message);
    for (int t = 0; t < 600; t++) gops_world_step(w);
    ck_assert_uint_eq(gops_stalls_free_at(gops_vendors_stalls(v), 0), 4);
    gops_vendors_measures_t m;
    gops_vendors_measures(v, &m);
    ck_assert_double_eq_tol(m.stall_h_open, 4 * 600 / 3600.0, 1e-9);
    ck_assert_double_eq(m.stall_occupancy, 0.0);
    gops_world_destroy(w);
}
END_TEST

START_TEST(test_hours_by_mode)
{
    // Map hours (17:00–23:00) in holiday mode; none in emergency mode.
    gops_world_t *w = lab_world(GOPS_MODE_HOLIDAY, 16, 59);
    gops_vendors_params_t p = gops_vendors_params_default();
    p.arrival_mean_s = 0;
    for (int m = 0; m < GOPS_MODE_COUNT; m++) p.mobile[m] = 0, p.attendance[m] = 1.0;
    gops_vendors_t *v = gops_vendors_attach(w, &p, &err);
    ck_assert_msg(v != NULL, "%s", err.message);
    const gops_stalls_t *s = gops_vendors_stalls(v);
    for (int t = 0; t < 60; t++) gops_world_step(w);
    ck_assert_int_eq(s->stalls[0].state, GOPS_STALL_CLOSED); // 16:59:59
    gops_world_step(w);
    ck_assert_int_eq(s->stalls[0].state, GOPS_STALL_SETUP); // 17:00
    for (int t = 0; t < 900; t++) gops_world_step(w);
    ck_assert_int_eq(s->stalls[0].state, GOPS_STALL_OPEN); // after 15 min of set-up
    gops_world_set_mode(w, GOPS_MODE_EMERGENCY);
    gops_world_step(w);
    ck_assert_int_eq(s->stalls[0].state, GOPS_STALL_PACKING); // emergency: the points close
    gops_world_destroy(w);
}
END_TEST

START_TEST(test_queue_and_spill)
{
    gops_customer_params_t p = gops_customer_params_default();
    gops_queue_t q;
    gops_queue_reset(&q);
    gops_rng_t rng;
    gops_rng_seed(&rng, 7, 1);
    for (int t = 0; t < 3600; t++) gops_queue_step(&q, &p, 0, t, 1.0, &rng);
    ck_assert_uint_eq(q.arrived, 0); // nobody passes, nobody buys
    // 10 passers-by all the time: 0.02 purchases/s, service 60 s: ρ = 1.2, the queue fills
    // up to the balking limit and spills onto the walkway.
    uint32_t most = 0;
    for (int t = 0; t < 3 * 3600; t++) {
        gops_queue_step(&q, &p, 10, t, 1.0, &rng);
        if (q.waiting > most) most = q.waiting;
        ck_assert_uint_le(q.waiting, p.balk);
    }
    ck_assert_uint_eq(most, p.balk);
    ck_assert_uint_gt(q.balked, 0);
    // Served at most one per 60 s on average: 3 h → about 180, and arrivals ≈ 0.02 × 10800 = 216.
    ck_assert(q.served > 120 && q.served < 240);
    ck_assert(q.arrived + q.balked > 170 && q.arrived + q.balked < 270);
    q.waiting = 6;
    ck_assert_uint_eq(gops_queue_spill(&q, &p), 4); // 2 at the counter
    // A 0.9 m cart with 4 customers of 0.5 m² on the walkway: sqrt(0.81 + 2 / π) m.
    ck_assert_double_eq_tol(gops_queue_footprint_m(0.9, 4, 0.5), sqrt(0.81 + 2.0 / 3.141592653589793), 1e-12);
}
END_TEST

START_TEST(test_hygiene_pass_rate)
{
    gops_world_t *w = lab_world(GOPS_MODE_HOLIDAY, 10, 0);
    gops_vendors_params_t p = quiet_params();
    for (int m = 0; m < GOPS_MODE_COUNT; m++) p.close_s[m] = 22 * 3600, p.inspections_per_point_h[m] = 60;
    p.stalls_per_inspection = 4;
    p.hygiene_pass = 0.7;
    p.shut_s = 30;
    gops_vendors_t *v = gops_vendors_attach(w, &p, &err);
    ck_assert_msg(v != NULL, "%s", err.message);
    for (int t = 0; t < 8 * 3600; t++) gops_world_step(w);
    gops_vendors_measures_t m;
    gops_vendors_measures(v, &m);
    // About 60 × 8 inspections of up to 4 open stalls: ~1,800 checks; 0.7 ± 4 sd (sd ≈ 0.011).
    ck_assert_uint_gt(m.inspections, 400);
    ck_assert_uint_gt(m.stalls_inspected, 1000);
    ck_assert_msg(fabs(m.pass_rate - 0.7) < 0.05, "pass rate %.3f", m.pass_rate);
    // Every failure is a stall-disorder incident found by the inspector.
    uint64_t failed = m.stalls_inspected - (uint64_t)llround(m.pass_rate * m.stalls_inspected);
    ck_assert_uint_eq(m.first_by[4], failed);
    gops_world_destroy(w);
}
END_TEST

START_TEST(test_aisles_stay_open)
{
    // 200 people standing round the point: the stalls' queues fill and spill. A footprint
    // grows with its spill only as far as leaves the aisle between neighbouring stalls the
    // clear width, or the aisle the layout left when that is narrower: never closed.
    gops_world_t *w = lab_world(GOPS_MODE_HOLIDAY, 9, 59);
    gops_crowd_params_t cp = gops_crowd_params_default(GOPS_DAY_HOLIDAY);
    cp.visitors = false;
    gops_crowd_t *c = gops_crowd_attach(w, &cp, &err);
    ck_assert_msg(c != NULL, "%s", err.message);
    for (uint32_t k = 0; k < 200; k++) {
        gops_spawn_t sp = {.x = 2.5f + (float)(k % 36), .y = k < 108 ? 1.5f + (float)(k / 36) : 11.5f + (float)((k - 108) / 36),
                           .v0 = 1.0f, .radius = 0.2f, .dest = GOPS_NO_DEST};
        ck_assert_int_eq(gops_crowd_spawn(c, &sp, &err), GOPS_OK);
    }
    gops_vendors_params_t p = quiet_params();
    gops_vendors_t *v = gops_vendors_attach(w, &p, &err);
    ck_assert_msg(v != NULL, "%s", err.message);
    const gops_stalls_t *s = gops_vendors_stalls(v);
    double spacing = s->points[0].spacing_m;
    double widest = fmax(p.stall_radius_m, (spacing - p.pitches.clear_width_m) / 2);
    uint32_t spilled = 0;
    for (int t = 0; t < 1500; t++) {
        gops_world_step(w);
        uint32_t n;
        const gops_disc_t *d = gops_vendors_obstacles(v, &n, NULL);
        for (uint32_t k = 0; k < n; k++)
            ck_assert_msg(d[k].r <= widest + 1e-9, "a stall's footprint %.2f m across a %.1f m lattice", d[k].r, spacing);
        for (uint32_t k = 0; k < s->stall_count; k++) spilled += gops_queue_spill(&s->stalls[k].queue, &p.customers) > 0;
    }
    ck_assert_msg(spilled > 0, "no queue ever spilled: the test does not reach the cap");
    gops_world_destroy(w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vendors_stalls");
    TCase *tc = tcase_create("stalls");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_erqi_layout);
    tcase_add_test(tc, test_setup_packup_and_occupancy);
    tcase_add_test(tc, test_absent_licensees_leave_stalls_free);
    tcase_add_test(tc, test_hours_by_mode);
    tcase_add_test(tc, test_queue_and_spill);
    tcase_add_test(tc, test_hygiene_pass_rate);
    tcase_add_test(tc, test_aisles_stay_open);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
