// SPDX-License-Identifier: MIT
// Enforcement: the reaction probabilities against hand-computed values (mode, room at the
// points, distance, on-scene), a vendor who keeps trading until a scripted patrol comes
// within 40 m and then relocates out of sight (return time and displacement checked against
// packing + travel + set-up), a vendor who packs up and comes back, a tolerated vendor, and
// guidance point capacity: vendors who comply never outnumber the free stalls.
#include "fixture.h"

#include "vendors/vendors.h"
#include "world/map_build.h"
#include "world/world_internal.h"

#include <math.h>

static gops_error_t err;

/// 200 m × 20 m plaza, metro exits at (20, 10) and (180, 10), a guidance point (100–110,
/// 4–10) with 4 stalls open all day.
static gops_map_t *lab_map(void)
{
    gops_map_t *m = gops_map_new("vendors lab");
    ck_assert_int_ge(gops_map_add_rect(m, GOPS_FEAT_PLAZA, "street", 0, 0, 200, 20, &err), 0);
    int32_t a = gops_map_add_point(m, GOPS_FEAT_TRANSIT, "exit-a", 20, 10, &err);
    int32_t b = gops_map_add_point(m, GOPS_FEAT_TRANSIT, "exit-b", 180, 10, &err);
    m->features[a].u.transit.mode = GOPS_TRANSIT_METRO_EXIT;
    m->features[b].u.transit.mode = GOPS_TRANSIT_METRO_EXIT;
    int32_t vp = gops_map_add_rect(m, GOPS_FEAT_VENDOR_POINT, "point", 100, 4, 110, 10, &err);
    m->features[vp].u.vendor_point.stalls = 4;
    m->features[vp].u.vendor_point.open_s = 0;
    m->features[vp].u.vendor_point.close_s = 86400;
    ck_assert_msg(gops_map_finish(m, &err) == GOPS_OK, "%s", err.message);
    return m;
}

/// A lab world at 1 s ticks in holiday mode with vendors that do only what the test is about.
static gops_vendors_t *lab(gops_world_t **out, uint32_t mobile, bool points, void (*tune)(gops_vendors_params_t *))
{
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 1.0;
    def.mode = GOPS_MODE_HOLIDAY;
    gops_world_t *w = gops_world_create_with_map(&def, lab_map(), &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_vendors_params_t p = gops_vendors_params_default();
    p.guidance_points = points;
    for (int m = 0; m < GOPS_MODE_COUNT; m++) p.mobile[m] = mobile, p.attendance[m] = 0, p.walk_in[m] = 0;
    for (int h = 0; h < 24; h++) p.hour_share[h] = 1.0;
    p.arrive_mean_s = 1;
    p.review_s = 1e9;
    p.litter_per_vendor_h = p.stall_litter_per_h = p.complaints_per_ped_h = 0;
    p.inspections_per_point_h[GOPS_MODE_HOLIDAY] = 0;
    p.reactions.tolerance[GOPS_MODE_HOLIDAY] = 0;
    if (tune) tune(&p);
    gops_vendors_t *v = gops_vendors_attach(w, &p, &err);
    ck_assert_msg(v != NULL, "%s", err.message);
    *out = w;
    return v;
}

/// A patrol walking west along y = 10 from x0 at `speed` from t0 while `active`.
typedef struct script {
    bool active;
    double x0, t0, speed;
} script_t;

static gops_point_t patrol_at(const script_t *s, double t)
{
    double x = s->x0 - s->speed * (t > s->t0 ? t - s->t0 : 0);
    return (gops_point_t){x, 10};
}

static uint32_t scripted(void *user, double now_s, gops_enforcer_t *out, uint32_t cap)
{
    const script_t *s = user;
    if (!s->active || now_s < s->t0) return 0;
    if (cap > 0) out[0] = (gops_enforcer_t){patrol_at(s, now_s), true, 0};
    return 1;
}

/// Patrols standing at both exits for the whole run.
static uint32_t at_exits(void *user, double now_s, gops_enforcer_t *out, uint32_t cap)
{
    (void)user, (void)now_s;
    if (cap >= 2) {
        out[0] = (gops_enforcer_t){{20, 10}, true, 0};
        out[1] = (gops_enforcer_t){{180, 10}, true, 0};
    }
    return 2;
}

static gops_vendor_info_t vendor(const gops_vendors_t *v, uint32_t i)
{
    gops_vendor_info_t info;
    ck_assert(gops_vendors_get(v, i, &info));
    return info;
}

START_TEST(test_reaction_probabilities)
{
    gops_reaction_params_t p = gops_reaction_params_default();
    // Holiday: tolerance 0.3, comply 0.3 with room next door, relocate 0.6 of the rest.
    gops_reaction_probs_t r = gops_reaction_probs(&p, GOPS_MODE_HOLIDAY, 0.3, true, 0, false);
    ck_assert_double_eq_tol(r.p[GOPS_REACT_STAY], 0.3, 1e-12);
    ck_assert_double_eq_tol(r.p[GOPS_REACT_COMPLY], 0.7 * 0.3, 1e-12);
    ck_assert_double_eq_tol(r.p[GOPS_REACT_RELOCATE], 0.7 * 0.7 * 0.6, 1e-12);
    ck_assert_double_eq_tol(r.p[GOPS_REACT_PACK_UP], 0.7 * 0.7 * 0.4, 1e-12);
    // No room: nobody complies; the rest splits 0.6 / 0.4.
    r = gops_reaction_probs(&p, GOPS_MODE_HOLIDAY, 0.3, false, 0, false);
    ck_assert_double_eq(r.p[GOPS_REACT_COMPLY], 0.0);
    ck_assert_double_eq_tol(r.p[GOPS_REACT_RELOCATE], 0.7 * 0.6, 1e-12);
    ck_assert_double_eq_tol(r.p[GOPS_REACT_PACK_UP], 0.7 * 0.4, 1e-12);
    // The point 500 m away: compliance × e⁻¹.
    r = gops_reaction_probs(&p, GOPS_MODE_HOLIDAY, 0.3, true, 500, false);
    ck_assert_double_eq_tol(r.p[GOPS_REACT_COMPLY], 0.7 * 0.3 * exp(-1.0), 1e-12);
    // Major event: no tolerance, compliance 0.45, relocation 0.35 of the rest.
    r = gops_reaction_probs(&p, GOPS_MODE_MAJOR_EVENT, 0.0, true, 0, false);
    ck_assert_double_eq(r.p[GOPS_REACT_STAY], 0.0);
    ck_assert_double_eq_tol(r.p[GOPS_REACT_COMPLY], 0.45, 1e-12);
    ck_assert_double_eq_tol(r.p[GOPS_REACT_RELOCATE], 0.55 * 0.35, 1e-12);
    // Dispatched to this vendor: nothing is tolerated.
    r = gops_reaction_probs(&p, GOPS_MODE_NORMAL, 0.5, false, 0, true);
    ck_assert_double_eq(r.p[GOPS_REACT_STAY], 0.0);
    ck_assert_double_eq_tol(r.p[GOPS_REACT_RELOCATE] + r.p[GOPS_REACT_PACK_UP], 1.0, 1e-12);
    // The draw is cumulative in enum order.
    r = gops_reaction_probs(&p, GOPS_MODE_HOLIDAY, 0.3, true, 0, false);
    ck_assert_int_eq(gops_reaction_draw(&r, 0.29), GOPS_REACT_STAY);
    ck_assert_int_eq(gops_reaction_draw(&r, 0.31), GOPS_REACT_COMPLY);
    ck_assert_int_eq(gops_reaction_draw(&r, 0.3 + 0.21 + 0.01), GOPS_REACT_RELOCATE);
    ck_assert_int_eq(gops_reaction_draw(&r, 0.99), GOPS_REACT_PACK_UP);
    p.comply[0] = 1.5;
    ck_assert_int_eq(gops_reaction_params_check(&p, &err), GOPS_BAD_VALUE);
}
END_TEST

static void relocate_always(gops_vendors_params_t *p)
{
    p->reactions.relocate[GOPS_MODE_HOLIDAY] = 1.0;
}

START_TEST(test_relocates_when_patrol_approaches)
{
    gops_world_t *w;
    gops_vendors_t *v = lab(&w, 1, false, relocate_always);
    script_t s = {.active = true, .x0 = 400, .t0 = 600, .speed = 1.0};
    gops_vendors_set_enforcers(v, scripted, &s);
    uint32_t me = gops_vendors_count(v) - 1; // the one mobile vendor (after the 4 licence holders)
    for (int t = 0; t < 600; t++) gops_world_step(w);
    gops_vendor_info_t before = vendor(v, me);
    ck_assert_int_eq(before.state, GOPS_VENDOR_TRADING);
    uint32_t old_site = before.site;
    // Walk the patrol in until the vendor reacts; it must not react earlier than 40 m.
    double react_t = -1;
    for (int t = 0; t < 600 && react_t < 0; t++) {
        double now = gops_world_elapsed(w);
        gops_point_t p = patrol_at(&s, now);
        double d = hypot(p.x - before.at.x, p.y - before.at.y);
        gops_world_step(w);
        gops_vendor_info_t info = vendor(v, me);
        if (d > 40.0) ck_assert_msg(info.state == GOPS_VENDOR_TRADING, "reacted at %.1f m", d);
        else {
            ck_assert_int_eq(info.state, GOPS_VENDOR_PACKING);
            react_t = now;
        }
    }
    ck_assert(react_t > 0);
    s.active = false; // the patrol stays put out of the story
    gops_vendors_measures_t m;
    gops_vendors_measures(v, &m);
    ck_assert_uint_eq(m.encounters, 1);
    ck_assert_uint_eq(m.reactions[GOPS_REACT_RELOCATE], 1);
    ck_assert_uint_eq(m.reactions[GOPS_REACT_STAY] + m.reactions[GOPS_REACT_PACK_UP] + m.reactions[GOPS_REACT_COMPLY], 0);
    // Packing (120 s), pushing the cart 160 m or so at 0.8 m/s × 1.3 detour, setting up (180 s).
    for (int t = 0; t < 1200; t++) gops_world_step(w);
    gops_vendor_info_t after = vendor(v, me);
    ck_assert_int_eq(after.state, GOPS_VENDOR_TRADING);
    ck_assert_uint_ne(after.site, old_site); // the other exit: the only site 80 m from the patrol
    double moved = hypot(after.at.x - before.at.x, after.at.y - before.at.y);
    gops_vendors_measures(v, &m);
    ck_assert_uint_eq(m.returns, 1);
    ck_assert_double_eq_tol(m.displacement_mean_m, moved, 1e-9);
    double expect = 120.0 + moved * 1.3 / 0.8 + 180.0; // each phase ends at the next whole step
    ck_assert_msg(m.return_mean_s >= expect && m.return_mean_s <= expect + 3.0, "return after %.1f s, expected %.1f",
                  m.return_mean_s, expect);
    ck_assert_double_eq_tol(m.relocations_per_patrol_h, 1.0 / m.patrol_h, 1e-9);
    gops_world_destroy(w);
}
END_TEST

static void pack_always(gops_vendors_params_t *p)
{
    p->reactions.relocate[GOPS_MODE_HOLIDAY] = 0.0;
    p->reactions.return_mean_s[GOPS_MODE_HOLIDAY] = 300.0;
}

START_TEST(test_packs_up_and_comes_back)
{
    gops_world_t *w;
    gops_vendors_t *v = lab(&w, 1, false, pack_always);
    script_t s = {.active = true, .x0 = 400, .t0 = 600, .speed = 1.0};
    gops_vendors_set_enforcers(v, scripted, &s);
    uint32_t me = gops_vendors_count(v) - 1;
    bool packed = false, away = false;
    for (int t = 0; t < 1200 && !away; t++) {
        gops_world_step(w);
        gops_vendor_info_t info = vendor(v, me);
        packed = packed || info.state == GOPS_VENDOR_PACKING;
        away = info.state == GOPS_VENDOR_AWAY;
    }
    ck_assert(packed && away);
    s.active = false;
    for (int t = 0; t < 7200; t++) gops_world_step(w); // mean 5 min away: back within 2 h for sure
    ck_assert_int_eq(vendor(v, me).state, GOPS_VENDOR_TRADING);
    gops_vendors_measures_t m;
    gops_vendors_measures(v, &m);
    ck_assert_uint_eq(m.reactions[GOPS_REACT_PACK_UP], 1);
    ck_assert_uint_eq(m.returns, 1);
    ck_assert(m.return_mean_s > 120.0 + 180.0); // packing and set-up at least, plus time away
    gops_world_destroy(w);
}
END_TEST

static void tolerate_always(gops_vendors_params_t *p)
{
    p->reactions.tolerance[GOPS_MODE_HOLIDAY] = 1.0;
}

START_TEST(test_tolerated_vendor_stays)
{
    gops_world_t *w;
    gops_vendors_t *v = lab(&w, 1, false, tolerate_always);
    script_t s = {.active = true, .x0 = 100, .t0 = 600, .speed = 0.0}; // stands at the middle...
    gops_vendors_set_enforcers(v, scripted, &s);
    uint32_t me = gops_vendors_count(v) - 1;
    for (int t = 0; t < 600; t++) gops_world_step(w);
    gops_vendor_info_t info = vendor(v, me);
    s.x0 = info.at.x; // ...then right next to the vendor
    for (int t = 0; t < 601; t++) gops_world_step(w);
    ck_assert_int_eq(vendor(v, me).state, GOPS_VENDOR_TRADING);
    gops_vendors_measures_t m;
    gops_vendors_measures(v, &m);
    // Seen at 600 s, then quiet for 600 s: seen again at 1200 s.
    ck_assert_uint_eq(m.encounters, 2);
    ck_assert_uint_eq(m.reactions[GOPS_REACT_STAY], 2);
    gops_world_destroy(w);
}
END_TEST

static void comply_always(gops_vendors_params_t *p)
{
    p->reactions.comply[GOPS_MODE_HOLIDAY] = 1.0;
    p->reactions.comply_distance_m = 1e9;
    p->reactions.relocate[GOPS_MODE_HOLIDAY] = 1.0;
}

/// 20 vendors meet patrols at both exits; everyone complies while a stall is free.
static void capacity_run(bool points, uint64_t *complied, uint32_t *at_stalls)
{
    gops_world_t *w;
    gops_vendors_t *v = lab(&w, 20, points, comply_always);
    gops_vendors_set_enforcers(v, at_exits, NULL);
    const gops_stalls_t *st = gops_vendors_stalls(v);
    ck_assert_uint_eq(st->stall_count, 4);
    for (int t = 0; t < 1800; t++) {
        gops_world_step(w);
        uint32_t held = 0, heading = 0;
        for (uint32_t s = 0; s < st->stall_count; s++) {
            uint32_t who = st->stalls[s].occupant;
            if (who == GOPS_VENDORS_NONE) continue;
            held++;
            ck_assert_uint_eq(vendor(v, who).stall, s); // one vendor per stall, both sides agree
        }
        for (uint32_t i = 0; i < gops_vendors_count(v); i++) {
            gops_vendor_info_t info = vendor(v, i);
            heading += info.stall != GOPS_VENDORS_NONE;
        }
        ck_assert_uint_le(held, 4);
        ck_assert_uint_eq(heading, held);
    }
    gops_vendors_measures_t m;
    gops_vendors_measures(v, &m);
    *complied = m.reactions[GOPS_REACT_COMPLY];
    *at_stalls = m.at_points_now;
    ck_assert_uint_gt(m.encounters, 20); // the others keep meeting the patrols
    gops_world_destroy(w);
}

START_TEST(test_guidance_point_capacity)
{
    uint64_t complied;
    uint32_t at_stalls;
    capacity_run(true, &complied, &at_stalls);
    ck_assert_uint_eq(complied, 4); // exactly the free stalls, then no room
    ck_assert_uint_eq(at_stalls, 4);
    capacity_run(false, &complied, &at_stalls); // no points: no room, nobody complies
    ck_assert_uint_eq(complied, 0);
    ck_assert_uint_eq(at_stalls, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vendors_enforcement");
    TCase *tc = tcase_create("enforcement");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_reaction_probabilities);
    tcase_add_test(tc, test_relocates_when_patrol_approaches);
    tcase_add_test(tc, test_packs_up_and_comes_back);
    tcase_add_test(tc, test_tolerated_vendor_stays);
    tcase_add_test(tc, test_guidance_point_capacity);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
