// SPDX-License-Identifier: MIT
// Operations dispatch suite on a 500 × 100 m fixture: priority queue against first come
// first served, pre-emption of en-route and on-scene work for a critical order (and none
// without pre-emption), nearest team by travel time against first free, posts answering
// only within their radius, and zone-bound against district-wide teams.
#include "fixture.h"
#include "ops/ops_internal.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALL_UNITS ((1u << GOPS_UNIT_COUNT) - 1u)

static const double LON0 = 113.665, LAT0 = 34.7536, M_PER_DEG = 111195.08;

typedef struct text {
    char buf[16384];
    size_t n;
} text_t;

static void put(text_t *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t->buf + t->n, sizeof t->buf - t->n, fmt, ap);
    va_end(ap);
    ck_assert(k >= 0 && (size_t)k < sizeof t->buf - t->n);
    t->n += (size_t)k;
}

static double lon_of(double x) { return LON0 + x / (M_PER_DEG * cos(LAT0 * 3.14159265358979323846 / 180.0)); }
static double lat_of(double y) { return LAT0 + y / M_PER_DEG; }

static void rect(text_t *t, const char *props, double x0, double y0, double x1, double y1)
{
    put(t, ",{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[["
           "[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f]]]}}",
        props, lon_of(x0), lat_of(y0), lon_of(x1), lat_of(y0), lon_of(x1), lat_of(y1), lon_of(x0), lat_of(y1),
        lon_of(x0), lat_of(y0));
}

static void point(text_t *t, const char *props, double x, double y)
{
    put(t, ",{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.9f,%.9f]}}",
        props, lon_of(x), lat_of(y));
}

/// A 500 × 100 m square, one district zone where grid workers answer everything, two
/// sub-districts S1 (x < 250) and S2, two grid-worker posts at (50, 50) and (350, 50).
static gops_world_t *fixture_world(void)
{
    text_t t = {.n = 0};
    put(&t, "{\"type\":\"FeatureCollection\",\"features\":[");
    // The landmark is the centre's base: mobile teams start there (the first feature has no
    // leading comma; rect() and point() add one).
    put(&t, "{\"type\":\"Feature\",\"properties\":{\"kind\":\"landmark\"},\"geometry\":{\"type\":\"Point\","
            "\"coordinates\":[%.9f,%.9f]}}",
        lon_of(250), lat_of(50));
    rect(&t, "\"kind\":\"plaza\"", 0, 0, 500, 100);
    rect(&t, "\"kind\":\"zone\",\"id\":\"D\",\"level\":\"district\",\"responsible\":{\"*\":[\"grid_worker\"]}", -5, -5,
         505, 105);
    rect(&t, "\"kind\":\"zone\",\"id\":\"S1\",\"level\":\"subdistrict\",\"responsible\":{}", -5, -5, 250, 105);
    rect(&t, "\"kind\":\"zone\",\"id\":\"S2\",\"level\":\"subdistrict\",\"responsible\":{}", 250, -5, 505, 105);
    const char *post = "\"kind\":\"post\",\"id\":\"%s\",\"unit\":\"grid_worker\","
                       "\"modes\":[\"normal\",\"holiday\",\"major_event\",\"emergency\"]";
    char props[256];
    snprintf(props, sizeof props, post, "p-west");
    point(&t, props, 50, 50);
    snprintf(props, sizeof props, post, "p-east");
    point(&t, props, 350, 50);
    put(&t, "]}");
    gops_error_t err;
    gops_map_t *m = gops_map_load_string(t.buf, t.n, "dispatch.geojson", &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 1.0;
    gops_world_t *w = gops_world_create_with_map(&def, m, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    return w;
}

static gops_point_t P(const gops_world_t *w, double x, double y)
{
    const gops_map_t *m = gops_world_district(w)->map;
    gops_point_t p;
    gops_project(m->origin_lon, m->origin_lat, lon_of(x), lat_of(y), &p.x, &p.y);
    return p;
}

/// Params with `n` teams of one all-unit kind (standing at the landmark unless patrolling),
/// no posts staffed, no random delays at the centre, fixed on-scene work of `work_s`.
static gops_ops_params_t params(int n, bool patrols, double work_s)
{
    gops_ops_params_t p = gops_ops_params_default();
    p.generate = false;
    p.staff_posts = false;
    p.shift_count = 0;
    p.kind_count = 1;
    memset(&p.kinds[0], 0, sizeof p.kinds[0]);
    strcpy(p.kinds[0].name, "joint");
    p.kinds[0].units = ALL_UNITS;
    p.kinds[0].patrols = patrols;
    for (int m = 0; m < GOPS_MODE_COUNT; m++) p.kinds[0].count[m] = n;
    for (int q = 0; q < GOPS_PRIO_COUNT; q++) p.centre.triage_mean_s[q] = 0;
    p.centre.accept_mean_s = 0;
    p.centre.verify_mean_s = 0;
    for (int k = 0; k < GOPS_ITYPE_COUNT; k++) {
        p.types[k].handling_dist = GOPS_DIST_FIXED;
        p.types[k].handling_mean_s = work_s;
        p.types[k].repair_mean_s = 0;
        p.types[k].p_verify_fail = 0;
        p.types[k].p_unclear = 0;
    }
    return p;
}

static gops_ops_t *attach(gops_world_t *w, const gops_ops_params_t *p)
{
    gops_error_t err;
    gops_ops_t *ops = gops_ops_attach(w, p, &err);
    ck_assert_msg(ops != NULL, "%s", err.message);
    return ops;
}

static uint32_t inject(gops_ops_t *ops, gops_itype_t type, gops_point_t at, double t)
{
    gops_error_t err;
    uint32_t id = 0;
    ck_assert_int_eq(gops_ops_inject(ops, type, at, t, GOPS_CHANNEL_SCENARIO, &id, &err), GOPS_OK);
    return id;
}

static gops_incident_info_t info(const gops_ops_t *ops, uint32_t id)
{
    gops_incident_info_t in;
    ck_assert(gops_ops_incident_get(ops, id, &in));
    return in;
}

static void run_to(gops_world_t *w, double t)
{
    while (gops_world_elapsed(w) < t - 1e-9) gops_world_step(w);
}

/// One team, a normal order taking it first, then a low and a high one waiting.
static void queue_order(bool priority_queue, uint32_t *low, uint32_t *high, gops_ops_t **ops_out, gops_world_t **w_out)
{
    gops_world_t *w = fixture_world();
    gops_ops_params_t p = params(1, false, 1000);
    p.policy.priority_queue = priority_queue;
    gops_ops_t *ops = attach(w, &p);
    uint32_t first = inject(ops, GOPS_ITYPE_DISPUTE, P(w, 100, 50), 0);        // normal
    *low = inject(ops, GOPS_ITYPE_LITTER_OVERFLOW, P(w, 100, 60), 10);         // low, earlier
    *high = inject(ops, GOPS_ITYPE_LOST_PERSON, P(w, 100, 40), 20);            // high, later
    run_to(w, 30);
    ck_assert_int_eq(info(ops, first).state, GOPS_ORDER_ACCEPTED);
    ck_assert_int_eq(info(ops, *low).state, GOPS_ORDER_CREATED);
    ck_assert_int_eq(info(ops, *high).state, GOPS_ORDER_CREATED);
    run_to(w, 4000);
    *ops_out = ops;
    *w_out = w;
}

START_TEST(priority_queue_serves_urgent_first)
{
    uint32_t low, high;
    gops_ops_t *ops;
    gops_world_t *w;
    queue_order(true, &low, &high, &ops, &w);
    gops_incident_info_t l = info(ops, low), h = info(ops, high);
    ck_assert(l.closed && h.closed);
    ck_assert_double_lt(h.t_dispatch, l.t_dispatch);
    // The team walked 150 m × 1.3 at 1.4 m/s, worked 1000 s: free at about 1139 s.
    ck_assert_double_eq_tol(h.t_dispatch, 150 * 1.3 / 1.4 + 1000, 3.0);
    gops_world_destroy(w);
}
END_TEST

START_TEST(fifo_serves_oldest_first)
{
    uint32_t low, high;
    gops_ops_t *ops;
    gops_world_t *w;
    queue_order(false, &low, &high, &ops, &w);
    gops_incident_info_t l = info(ops, low), h = info(ops, high);
    ck_assert(l.closed && h.closed);
    ck_assert_double_lt(l.t_dispatch, h.t_dispatch);
    gops_world_destroy(w);
}
END_TEST

START_TEST(critical_preempts_en_route)
{
    gops_world_t *w = fixture_world();
    gops_ops_params_t p = params(1, false, 500);
    gops_ops_t *ops = attach(w, &p);
    uint32_t a = inject(ops, GOPS_ITYPE_DISPUTE, P(w, 10, 50), 0);            // 240 m away: ~223 s
    uint32_t c = inject(ops, GOPS_ITYPE_WATER_MAIN_BURST, P(w, 400, 50), 30); // critical
    run_to(w, 31);
    gops_incident_info_t ia = info(ops, a), ci = info(ops, c);
    ck_assert_int_eq(ci.state, GOPS_ORDER_ACCEPTED);
    ck_assert_double_eq_tol(ci.t_dispatch, 30, 1e-9);
    ck_assert_int_eq(ia.state, GOPS_ORDER_CREATED);
    ck_assert_uint_eq(ia.preemptions, 1);
    ck_assert_str_eq(ia.open_reason, "waiting for a free team");
    run_to(w, 3000);
    ia = info(ops, a);
    ci = info(ops, c);
    ck_assert(ia.closed && ci.closed);
    ck_assert_uint_eq(ia.dispatches, 2);
    ck_assert_double_gt(ia.t_arrive, ci.t_resolve); // A was reached only after the critical job
    gops_world_destroy(w);
}
END_TEST

START_TEST(no_preemption_critical_waits)
{
    gops_world_t *w = fixture_world();
    gops_ops_params_t p = params(1, false, 500);
    p.policy.preempt = false;
    gops_ops_t *ops = attach(w, &p);
    uint32_t a = inject(ops, GOPS_ITYPE_DISPUTE, P(w, 10, 50), 0);
    uint32_t c = inject(ops, GOPS_ITYPE_WATER_MAIN_BURST, P(w, 400, 50), 30);
    run_to(w, 3000);
    gops_incident_info_t ia = info(ops, a), ci = info(ops, c);
    ck_assert(ia.closed && ci.closed);
    ck_assert_uint_eq(ia.preemptions, 0);
    ck_assert_uint_eq(ia.dispatches, 1);
    ck_assert_double_ge(ci.t_dispatch, ia.t_resolve);
    gops_world_destroy(w);
}
END_TEST

START_TEST(preemption_on_scene_keeps_work_done)
{
    gops_world_t *w = fixture_world();
    gops_ops_params_t p = params(1, false, 1000);
    p.policy.preempt_on_scene = true;
    gops_ops_t *ops = attach(w, &p);
    uint32_t a = inject(ops, GOPS_ITYPE_DISPUTE, P(w, 200, 50), 0); // 50 m: arrives at ~46 s
    run_to(w, 400);
    ck_assert_int_eq(info(ops, a).state, GOPS_ORDER_ON_SCENE);
    double arrived = info(ops, a).t_arrive;
    uint32_t c = inject(ops, GOPS_ITYPE_ROAD_COLLAPSE, P(w, 300, 50), 400);
    run_to(w, 401);
    ck_assert_int_eq(info(ops, a).state, GOPS_ORDER_CREATED);
    ck_assert_double_eq_tol(ops->incidents[a - 1].work_left_s, 1000 - (400 - arrived), 1e-6);
    run_to(w, 5000);
    gops_incident_info_t ia = info(ops, a), ci = info(ops, c);
    ck_assert(ia.closed && ci.closed);
    ck_assert_uint_eq(ia.preemptions, 1);
    // Second visit: only the remaining work.
    ck_assert_double_eq_tol(ia.t_resolve - ci.t_resolve, 100 * 1.3 / 1.4 + (1000 - (400 - arrived)), 3.0);
    gops_world_destroy(w);
}
END_TEST

START_TEST(nearest_post_against_first_free)
{
    for (int pass = 0; pass < 2; pass++) {
        gops_world_t *w = fixture_world();
        gops_ops_params_t p = params(0, false, 100);
        p.kind_count = 0;
        p.staff_posts = true;
        p.policy.post_radius_m = 1000;
        p.policy.select = pass == 0 ? GOPS_SELECT_NEAREST : GOPS_SELECT_FIRST_FREE;
        gops_ops_t *ops = attach(w, &p);
        ck_assert_uint_eq(gops_ops_post_count(ops), 2);
        ck_assert_int_eq(gops_ops_post_find(ops, "p-east"), 1);
        uint32_t id = inject(ops, GOPS_ITYPE_LITTER_OVERFLOW, P(w, 300, 50), 0);
        run_to(w, 5);
        gops_incident_info_t in = info(ops, id);
        ck_assert_uint_lt(in.team, ops->team_count);
        int32_t post = ops->teams[in.team].post;
        ck_assert_int_eq(post, pass == 0 ? 1 : 0); // nearest: the east post 50 m away; first free: west
        gops_world_destroy(w);
    }
}
END_TEST

START_TEST(posts_answer_within_radius_only)
{
    gops_world_t *w = fixture_world();
    gops_ops_params_t p = params(0, false, 100);
    p.kind_count = 0;
    p.staff_posts = true;
    p.policy.post_radius_m = 100;
    gops_ops_t *ops = attach(w, &p);
    uint32_t near = inject(ops, GOPS_ITYPE_LITTER_OVERFLOW, P(w, 420, 50), 0); // 70 m from the east post
    uint32_t far = inject(ops, GOPS_ITYPE_LITTER_OVERFLOW, P(w, 200, 50), 0);  // 150 m from both
    run_to(w, 600);
    ck_assert(info(ops, near).closed);
    gops_incident_info_t f = info(ops, far);
    ck_assert_int_eq(f.state, GOPS_ORDER_CREATED);
    ck_assert_uint_eq(f.dispatches, 0);
    // The post walked back and holds its ground again.
    const gops_team_t *east = &ops->teams[ops->posts[1].team];
    ck_assert_int_eq(east->state, GOPS_TEAM_IDLE);
    gops_point_t at = gops_team_position(east, gops_world_elapsed(w));
    ck_assert_double_eq_tol(at.x, ops->posts[1].at.x, 1e-6);
    gops_world_destroy(w);
}
END_TEST

START_TEST(moved_post_walks_and_answers_there)
{
    gops_world_t *w = fixture_world();
    gops_ops_params_t p = params(0, false, 100);
    p.kind_count = 0;
    p.staff_posts = true;
    p.policy.post_radius_m = 60;
    gops_ops_t *ops = attach(w, &p);
    gops_error_t err;
    gops_point_t to = P(w, 450, 50);
    ck_assert_double_gt(gops_ops_deterrence(ops, ops->posts[1].at), 0);
    ck_assert_int_eq(gops_ops_move_post(ops, 1, to, &err), GOPS_OK);
    ck_assert_int_eq(gops_ops_move_post(ops, 7, to, &err), GOPS_BAD_VALUE);
    run_to(w, 5);
    // On the way (100 m, about 93 s): it holds nothing.
    ck_assert_double_eq(gops_ops_deterrence(ops, to), 0);
    run_to(w, 100);
    const gops_team_t *east = &ops->teams[ops->posts[1].team];
    gops_point_t at = gops_team_position(east, gops_world_elapsed(w));
    ck_assert_double_eq_tol(at.x, to.x, 1e-6);
    ck_assert_double_eq_tol(gops_ops_deterrence(ops, to), p.deter_share, 1e-12);
    ck_assert_double_eq(gops_ops_deterrence(ops, P(w, 350, 50)), 0);
    // It answers around its new place only.
    uint32_t near = inject(ops, GOPS_ITYPE_LITTER_OVERFLOW, P(w, 480, 50), 100);
    uint32_t old = inject(ops, GOPS_ITYPE_LITTER_OVERFLOW, P(w, 340, 50), 100);
    run_to(w, 400);
    ck_assert(info(ops, near).closed);
    ck_assert_uint_eq(info(ops, old).dispatches, 0);
    gops_world_destroy(w);
}
END_TEST

START_TEST(zone_bound_against_district_wide)
{
    for (int pass = 0; pass < 2; pass++) {
        gops_world_t *w = fixture_world();
        gops_ops_params_t p = params(2, true, 2000);
        p.policy.zone_bound = pass == 0;
        gops_ops_t *ops = attach(w, &p);
        int32_t s1 = gops_map_find_id(gops_world_district(w)->map, "S1");
        int32_t s2 = gops_map_find_id(gops_world_district(w)->map, "S2");
        ck_assert_int_eq(ops->teams[0].zone, s1);
        ck_assert_int_eq(ops->teams[1].zone, s2);
        uint32_t first = inject(ops, GOPS_ITYPE_LITTER_OVERFLOW, P(w, 450, 50), 0);
        run_to(w, 2);
        gops_incident_info_t f = info(ops, first);
        ck_assert_int_eq(f.subdistrict, s2);
        if (pass == 0) ck_assert_uint_eq(f.team, 1); // only the S2 team may go
        uint32_t busy = f.team;
        uint32_t second = inject(ops, GOPS_ITYPE_LITTER_OVERFLOW, P(w, 460, 60), 10);
        run_to(w, 900);
        gops_incident_info_t s = info(ops, second);
        if (pass == 0) {
            ck_assert_int_eq(s.state, GOPS_ORDER_CREATED); // S1's team stays in S1
            ck_assert_uint_eq(s.dispatches, 0);
        } else {
            ck_assert_uint_eq(s.dispatches, 1); // district-wide: the other team comes
            uint32_t other = s.team != GOPS_OPS_NONE ? s.team : s.last_team;
            ck_assert_uint_ne(other, busy);
        }
        gops_world_destroy(w);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_dispatch");
    TCase *tc = tcase_create("dispatch");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, priority_queue_serves_urgent_first);
    tcase_add_test(tc, fifo_serves_oldest_first);
    tcase_add_test(tc, critical_preempts_en_route);
    tcase_add_test(tc, no_preemption_critical_waits);
    tcase_add_test(tc, preemption_on_scene_keeps_work_done);
    tcase_add_test(tc, nearest_post_against_first_free);
    tcase_add_test(tc, posts_answer_within_radius_only);
    tcase_add_test(tc, moved_post_walks_and_answers_there);
    tcase_add_test(tc, zone_bound_against_district_wide);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
