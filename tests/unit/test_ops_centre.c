// SPDX-License-Identifier: MIT
// Operations centre suite: triage to the responsible units by zone and category on the Erqi
// map (special zones, grid cells, sub-district and district), overlapping zones (primary
// plus notified, fallback to a notified unit, or waiting when fallback is off), gaps
// (the type's default units), refusal of an order of unclear ownership with re-dispatch
// after escalation, desks from the task force, and the reports' repair times (water main
// 4 h, heating leak within a day, road collapse 7 days) reproduced by the defaults.
#include "fixture.h"
#include "core/simtime.h"
#include "ops/ops_internal.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT(u) (1u << GOPS_UNIT_##u)

// ---- a GeoJSON fixture written in metres -----------------------------------------------

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
    put(t, "%s{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[["
           "[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f]]]}}",
        t->n > 40 ? "," : "", props, lon_of(x0), lat_of(y0), lon_of(x1), lat_of(y0), lon_of(x1), lat_of(y1),
        lon_of(x0), lat_of(y1), lon_of(x0), lat_of(y0));
}

/// Two overlapping grid cells W (x −5..260) and E (x 240..460) over a 500 × 100 m square,
/// sub-districts S1 (x < 250) and S2, and a strip x > 460 outside every zone.
static gops_world_t *fixture_world(void)
{
    text_t t = {.n = 0};
    put(&t, "{\"type\":\"FeatureCollection\",\"features\":[");
    rect(&t, "\"kind\":\"plaza\"", 0, 0, 500, 100);
    rect(&t, "\"kind\":\"zone\",\"id\":\"W\",\"level\":\"grid\",\"responsible\":{\"crowd\":[\"police\"],"
             "\"dispute\":[\"grid_worker\"],\"utility\":[\"utilities\"],\"*\":[\"grid_worker\"]}",
         -5, -5, 260, 105);
    rect(&t, "\"kind\":\"zone\",\"id\":\"E\",\"level\":\"grid\",\"responsible\":{\"crowd\":[\"volunteer\"],"
             "\"dispute\":[\"market_regulation\"],\"*\":[\"grid_worker\"]}",
         240, -5, 460, 105);
    rect(&t, "\"kind\":\"zone\",\"id\":\"S1\",\"level\":\"subdistrict\",\"responsible\":{}", -5, -5, 250, 105);
    rect(&t, "\"kind\":\"zone\",\"id\":\"S2\",\"level\":\"subdistrict\",\"responsible\":{}", 250, -5, 460, 105);
    put(&t, "]}");
    gops_error_t err;
    gops_map_t *m = gops_map_load_string(t.buf, t.n, "fixture.geojson", &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 1.0;
    gops_world_t *w = gops_world_create_with_map(&def, m, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    return w;
}

/// The fixture's point (x, y) in the loaded map's metres.
static gops_point_t P(const gops_world_t *w, double x, double y)
{
    const gops_map_t *m = gops_world_district(w)->map;
    gops_point_t p;
    gops_project(m->origin_lon, m->origin_lat, lon_of(x), lat_of(y), &p.x, &p.y);
    return p;
}

static int32_t feature_of(const gops_world_t *w, const char *id)
{
    int32_t f = gops_map_find_id(gops_world_district(w)->map, id);
    ck_assert_msg(f >= 0, "no feature %s", id);
    return f;
}

static gops_team_kind_t team_kind(const char *name, uint32_t units, int count)
{
    gops_team_kind_t k;
    memset(&k, 0, sizeof k);
    snprintf(k.name, sizeof k.name, "%s", name);
    k.units = units;
    k.travel = GOPS_TRAVEL_FOOT;
    for (int m = 0; m < GOPS_MODE_COUNT; m++) k.count[m] = count;
    return k;
}

/// Params for fixtures: only injected incidents, no posts, no shifts, the given team kinds.
static gops_ops_params_t fixture_params(const gops_team_kind_t *kinds, uint32_t n)
{
    gops_ops_params_t p = gops_ops_params_default();
    p.generate = false;
    p.staff_posts = false;
    p.shift_count = 0;
    p.kind_count = n;
    memcpy(p.kinds, kinds, n * sizeof *kinds);
    return p;
}

static gops_ops_t *attach(gops_world_t *w, const gops_ops_params_t *p)
{
    gops_error_t err;
    gops_ops_t *ops = gops_ops_attach(w, p, &err);
    ck_assert_msg(ops != NULL, "%s", err.message);
    return ops;
}

static uint32_t inject(gops_ops_t *ops, gops_itype_t type, gops_point_t at, double t, gops_channel_t ch)
{
    gops_error_t err;
    uint32_t id = 0;
    ck_assert_int_eq(gops_ops_inject(ops, type, at, t, ch, &id, &err), GOPS_OK);
    return id;
}

static gops_incident_info_t info(const gops_ops_t *ops, uint32_t id)
{
    gops_incident_info_t in;
    ck_assert(gops_ops_incident_get(ops, id, &in));
    return in;
}

static void run(gops_world_t *w, double seconds)
{
    uint64_t n = (uint64_t)llround(seconds / gops_world_tick_seconds(w));
    for (uint64_t i = 0; i < n; i++) gops_world_step(w);
}

// ---- Erqi ---------------------------------------------------------------------------------

static gops_world_t *erqi_world(uint64_t seed)
{
    gops_world_def_t def = gops_world_def_default();
    def.seed = seed;
    def.tick_s = 1.0;
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    return w;
}

START_TEST(erqi_triage_by_zone_and_category)
{
    gops_world_t *w = erqi_world(1);
    gops_ops_params_t p = gops_ops_params_default();
    p.generate = false;
    gops_ops_t *ops = attach(w, &p);
    const gops_map_t *m = gops_world_district(w)->map;

    // The tower square: a special zone that adds volunteers and the emergency service for
    // crowds (assets/maps/README.md) inside Dehua Street sub-district, Erqi district.
    int32_t tower = feature_of(w, "special-tower-plaza");
    gops_point_t sq = m->features[tower].at;
    ck_assert(gops_zone_contains(m, (uint32_t)tower, sq));
    gops_incident_info_t c = info(ops, inject(ops, GOPS_ITYPE_CROWD_GATHERING, sq, 0, GOPS_CHANNEL_SCENARIO));
    ck_assert_int_eq(c.zone, tower);
    ck_assert_uint_eq(c.units_primary, UNIT(POLICE) | UNIT(VOLUNTEER) | UNIT(EMERGENCY));
    ck_assert_uint_eq(c.units_notified, 0); // the grid cell's police are already primary
    ck_assert_int_eq(c.subdistrict, feature_of(w, "sub-dehuajie"));
    ck_assert_int_eq(c.district, feature_of(w, "district-erqi"));
    gops_incident_info_t f = info(ops, inject(ops, GOPS_ITYPE_FIREWORKS, sq, 0, GOPS_CHANNEL_SCENARIO));
    ck_assert_uint_eq(f.units_primary, UNIT(POLICE) | UNIT(CITY_MANAGEMENT));
    gops_incident_info_t d = info(ops, inject(ops, GOPS_ITYPE_DISPUTE, sq, 0, GOPS_CHANNEL_SCENARIO));
    ck_assert_uint_eq(d.units_primary, UNIT(MARKET_REGULATION) | UNIT(GRID_WORKER));

    // A grid cell away from special zones: its own units, its parent sub-district.
    int32_t g1 = feature_of(w, "grid-01");
    gops_point_t gp = m->features[g1].at;
    uint32_t zs[8];
    uint32_t nz = gops_zone_index_query(gops_world_district(w)->zones, gp, zs, 8);
    for (uint32_t i = 0; i < nz && i < 8; i++) ck_assert_int_ne(m->features[zs[i]].u.zone.level, GOPS_ZONE_SPECIAL);
    gops_incident_info_t pk = info(ops, inject(ops, GOPS_ITYPE_PARKING_MOTOR, gp, 0, GOPS_CHANNEL_SCENARIO));
    ck_assert_int_eq(pk.zone, g1);
    ck_assert_uint_eq(pk.units_primary, UNIT(TRAFFIC_POLICE) | UNIT(CITY_MANAGEMENT));
    ck_assert_int_eq(pk.subdistrict, feature_of(w, "sub-duling"));
    ck_assert_int_eq(pk.district, feature_of(w, "district-jinshui"));
    gops_incident_info_t lt = info(ops, inject(ops, GOPS_ITYPE_LITTER_OVERFLOW, gp, 0, GOPS_CHANNEL_SCENARIO));
    ck_assert_uint_eq(lt.units_primary, UNIT(SANITATION));
    gops_incident_info_t wm = info(ops, inject(ops, GOPS_ITYPE_WATER_MAIN_BURST, gp, 0, GOPS_CHANNEL_SCENARIO));
    ck_assert_uint_eq(wm.units_primary, UNIT(UTILITIES));

    // Every order goes to a team of one of its primary units.
    run(w, 1800);
    for (uint32_t id = 1; id <= gops_ops_incident_count(ops); id++) {
        gops_incident_info_t in = info(ops, id);
        ck_assert_msg(in.dispatches >= 1, "incident %u (%s) not dispatched", id, gops_itype_name(in.type));
        ck_assert_int_ge(in.unit, 0);
        ck_assert_msg(in.units_primary & (1u << in.unit), "incident %u went to %s", id,
                      gops_unit_type_name((gops_unit_type_t)in.unit));
        uint32_t team = in.team != GOPS_OPS_NONE ? in.team : in.last_team;
        ck_assert_uint_lt(team, ops->team_count);
        ck_assert(ops->teams[team].units & (1u << in.unit));
    }
    gops_world_destroy(w);
}
END_TEST

START_TEST(erqi_desks_follow_mode)
{
    gops_world_t *w = erqi_world(1);
    gops_ops_params_t p = gops_ops_params_default();
    p.generate = false;
    gops_ops_t *ops = attach(w, &p);
    gops_ops_status_t st;
    gops_ops_status(ops, &st);
    ck_assert_uint_eq(st.desks, 8); // 23 / 3, rounded (modes.c: one shift of three)
    gops_world_set_mode(w, GOPS_MODE_EMERGENCY);
    run(w, 2);
    gops_ops_status(ops, &st);
    ck_assert_uint_eq(st.desks, 23); // everyone in (FACTS: the 23-person task force)
    gops_world_destroy(w);
}
END_TEST

// ---- overlap, fallback, gaps ------------------------------------------------------------------

START_TEST(overlap_primary_and_notified)
{
    gops_world_t *w = fixture_world();
    gops_team_kind_t k[1] = {team_kind("police", UNIT(POLICE), 1)};
    gops_ops_params_t p = fixture_params(k, 1);
    gops_ops_t *ops = attach(w, &p);
    // x = 250 lies in both cells; E is the smaller, so it is the more specific (primary) zone.
    uint32_t id = inject(ops, GOPS_ITYPE_CROWD_GATHERING, P(w, 250, 50), 0, GOPS_CHANNEL_SCENARIO);
    gops_incident_info_t in = info(ops, id);
    ck_assert_int_eq(in.zone, feature_of(w, "E"));
    ck_assert_uint_eq(in.units_primary, UNIT(VOLUNTEER));
    ck_assert_uint_eq(in.units_notified, UNIT(POLICE));
    // "Better overlap than gap": with no volunteer on duty the notified police take it.
    run(w, 600);
    in = info(ops, id);
    ck_assert_uint_ge(in.dispatches, 1);
    ck_assert_int_eq(in.unit, GOPS_UNIT_POLICE);
    // West of the overlap only W answers.
    gops_incident_info_t west = info(ops, inject(ops, GOPS_ITYPE_CROWD_GATHERING, P(w, 100, 50), 0, GOPS_CHANNEL_SCENARIO));
    ck_assert_int_eq(west.zone, feature_of(w, "W"));
    ck_assert_uint_eq(west.units_primary, UNIT(POLICE));
    ck_assert_uint_eq(west.units_notified, 0);
    gops_world_destroy(w);
}
END_TEST

START_TEST(overlap_primary_preferred)
{
    gops_world_t *w = fixture_world();
    gops_team_kind_t k[2] = {team_kind("police", UNIT(POLICE), 1), team_kind("volunteers", UNIT(VOLUNTEER), 1)};
    gops_ops_params_t p = fixture_params(k, 2);
    gops_ops_t *ops = attach(w, &p);
    uint32_t id = inject(ops, GOPS_ITYPE_CROWD_GATHERING, P(w, 250, 50), 0, GOPS_CHANNEL_SCENARIO);
    run(w, 300);
    ck_assert_int_eq(info(ops, id).unit, GOPS_UNIT_VOLUNTEER); // same distance: the primary unit wins
    gops_world_destroy(w);
}
END_TEST

START_TEST(overlap_without_fallback_waits)
{
    gops_world_t *w = fixture_world();
    gops_team_kind_t k[1] = {team_kind("police", UNIT(POLICE), 1)};
    gops_ops_params_t p = fixture_params(k, 1);
    p.policy.overlap_fallback = false;
    gops_ops_t *ops = attach(w, &p);
    uint32_t id = inject(ops, GOPS_ITYPE_CROWD_GATHERING, P(w, 250, 50), 0, GOPS_CHANNEL_SCENARIO);
    run(w, 900);
    gops_incident_info_t in = info(ops, id);
    ck_assert_int_eq(in.state, GOPS_ORDER_CREATED);
    ck_assert_uint_eq(in.dispatches, 0);
    ck_assert_str_eq(in.open_reason, "waiting for a free team");
    ck_assert_uint_eq(in.escalations, 0); // high priority escalates only after 30 min
    gops_world_destroy(w);
}
END_TEST

START_TEST(gap_uses_type_defaults)
{
    gops_world_t *w = fixture_world();
    gops_team_kind_t k[1] = {team_kind("market", UNIT(MARKET_REGULATION), 1)};
    gops_ops_params_t p = fixture_params(k, 1);
    gops_ops_t *ops = attach(w, &p);
    uint32_t id = inject(ops, GOPS_ITYPE_DISPUTE, P(w, 480, 50), 0, GOPS_CHANNEL_SCENARIO);
    gops_incident_info_t in = info(ops, id);
    ck_assert_int_eq(in.zone, -1);
    ck_assert_int_eq(in.subdistrict, -1);
    ck_assert(ops->incidents[id - 1].zone_gap);
    ck_assert_uint_eq(in.units_primary, p.types[GOPS_ITYPE_DISPUTE].default_units);
    run(w, 600);
    ck_assert_int_eq(info(ops, id).unit, GOPS_UNIT_MARKET_REGULATION);
    gops_world_destroy(w);
}
END_TEST

// ---- refusal and re-dispatch -------------------------------------------------------------------

START_TEST(unclear_ownership_refused_and_redispatched)
{
    gops_world_t *w = fixture_world();
    gops_team_kind_t k[2] = {team_kind("utilities", UNIT(UTILITIES), 1), team_kind("city", UNIT(CITY_MANAGEMENT), 1)};
    gops_ops_params_t p = fixture_params(k, 2);
    p.centre.refusal_mean_s = 600;
    p.types[GOPS_ITYPE_ROAD_COLLAPSE].repair_mean_s = 0;
    gops_ops_t *ops = attach(w, &p);
    ck_assert_double_eq(p.types[GOPS_ITYPE_ROAD_COLLAPSE].p_unclear, 1.0);
    uint32_t id = inject(ops, GOPS_ITYPE_ROAD_COLLAPSE, P(w, 100, 50), 0, GOPS_CHANNEL_SCENARIO);
    run(w, 120);
    gops_incident_info_t in = info(ops, id);
    ck_assert_int_eq(in.state, GOPS_ORDER_DISPATCHED); // the utilities company holds it, then refuses
    ck_assert_int_eq(in.unit, GOPS_UNIT_UTILITIES);
    // Refused (mean 10 min), nobody else is responsible on the map: the centre escalates and
    // the city management bureau takes it.
    run(w, 6 * 3600);
    in = info(ops, id);
    ck_assert_uint_eq(in.refusals, 1);
    ck_assert_uint_eq(in.units_refused, UNIT(UTILITIES));
    ck_assert_uint_ge(in.escalations, 1);
    ck_assert_uint_eq(in.dispatches, 2);
    ck_assert_int_eq(in.unit, GOPS_UNIT_CITY_MANAGEMENT);
    ck_assert(in.closed);
    ck_assert_int_eq(in.state, GOPS_ORDER_CLOSED);
    // The refusing team is free again and did no work.
    ck_assert_int_eq(ops->teams[0].state, GOPS_TEAM_IDLE);
    ck_assert_uint_eq(ops->teams[0].jobs, 0);
    ck_assert_uint_eq(ops->teams[1].jobs, 1);
    char *csv = gops_ops_incidents_csv(ops);
    ck_assert_ptr_nonnull(strstr(csv, ",city_management,city#1,,2,1,1,0,"));
    free(csv);
    gops_world_destroy(w);
}
END_TEST

// ---- the reports' repair times -------------------------------------------------------------------

/// Mean closure time (s) of `n` incidents of `type` injected `spacing_s` apart on Erqi's
/// roads in normal mode with default parameters, to be sensed like any other. Every detected
/// one must be closed; *detected gets the share detected, *within the share of the detected
/// closed within limit_s.
static double erqi_closure(gops_itype_t type, int n, double spacing_s, double limit_s, double *detected,
                           double *within)
{
    gops_world_t *w = erqi_world(3);
    gops_ops_params_t p = gops_ops_params_default();
    p.generate = false;
    p.step_s = 10;
    gops_ops_t *ops = attach(w, &p);
    gops_rng_t rng;
    gops_rng_seed(&rng, 11, 1);
    for (int i = 0; i < n; i++)
        inject(ops, type, gops_generator_point(&ops->gen, GOPS_WHERE_UNDER_ROAD, &rng), 60 + i * spacing_s,
               GOPS_CHANNEL_NONE);
    run(w, 60 + n * spacing_s + 10 * 86400);
    double sum = 0;
    int ok = 0, seen = 0;
    for (int i = 1; i <= n; i++) {
        gops_incident_info_t in = info(ops, (uint32_t)i);
        if (!in.detected) continue;
        ck_assert_msg(in.closed, "%s %d not closed: %s", gops_itype_name(type), i, in.open_reason);
        double c = in.t_close - in.t_occur;
        seen++;
        sum += c;
        ok += c <= limit_s;
    }
    gops_world_destroy(w);
    ck_assert_int_gt(seen, 0);
    *detected = (double)seen / n;
    *within = (double)ok / seen;
    return sum / seen;
}

START_TEST(water_main_closes_in_about_4_hours)
{
    double detected, within;
    double mean = erqi_closure(GOPS_ITYPE_WATER_MAIN_BURST, 20, 6 * 3600, 5 * 3600, &detected, &within);
    fprintf(stderr, "water main burst: mean closure %.2f h (FACTS: 4 h), %.0f %% within 5 h, %.0f %% detected\n",
            mean / 3600, within * 100, detected * 100);
    ck_assert_double_eq(detected, 1.0);
    ck_assert_double_ge(mean, 3.5 * 3600);
    ck_assert_double_le(mean, 4.75 * 3600);
}
END_TEST

START_TEST(heating_leak_closes_within_a_day)
{
    double detected, within;
    double mean = erqi_closure(GOPS_ITYPE_HEATING_LEAK, 20, 12 * 3600, 24 * 3600, &detected, &within);
    fprintf(stderr, "heating leak: mean closure %.1f h (FACTS: within 1 day), %.0f %% within 24 h, %.0f %% detected\n",
            mean / 3600, within * 100, detected * 100);
    ck_assert_double_ge(detected, 0.85);
    ck_assert_double_le(mean, 24 * 3600);
    ck_assert_double_ge(within, 0.75);
}
END_TEST

START_TEST(road_collapse_closes_in_about_7_days)
{
    double detected, within;
    double mean = erqi_closure(GOPS_ITYPE_ROAD_COLLAPSE, 24, 12 * 3600, 8 * 86400, &detected, &within);
    fprintf(stderr, "road collapse: mean closure %.2f days (FACTS: 7 days), %.0f %% within 8 days, %.0f %% detected\n",
            mean / 86400, within * 100, detected * 100);
    ck_assert_double_eq(detected, 1.0);
    ck_assert_double_ge(mean, 6.0 * 86400); // 6.5 days of repair (sd of the mean 0.33 d) + re-routing
    ck_assert_double_le(mean, 7.5 * 86400);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_centre");
    TCase *tc = tcase_create("centre");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, erqi_triage_by_zone_and_category);
    tcase_add_test(tc, erqi_desks_follow_mode);
    tcase_add_test(tc, overlap_primary_and_notified);
    tcase_add_test(tc, overlap_primary_preferred);
    tcase_add_test(tc, overlap_without_fallback_waits);
    tcase_add_test(tc, gap_uses_type_defaults);
    tcase_add_test(tc, unclear_ownership_refused_and_redispatched);
    tcase_add_test(tc, water_main_closes_in_about_4_hours);
    tcase_add_test(tc, heating_leak_closes_within_a_day);
    tcase_add_test(tc, road_collapse_closes_in_about_7_days);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
