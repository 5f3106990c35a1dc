// SPDX-License-Identifier: MIT
// Traffic network suite: arcs both ways with one-way reverses closed by rule, lanes and
// lateral offsets, turn classification, lane markings for one to three lanes, stop lines
// and crossings, priority ranks; places and bus lines derived from the Erqi map; the
// strict profile reader; poses for drawing.
#include "fixture.h"
#include "traffic/lab_maps.h"
#include "traffic/traffic_internal.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdio.h>

static gops_traffic_params_t quiet_params(void)
{
    gops_traffic_params_t p = gops_traffic_params_default();
    p.demand = false;
    p.pedestrian_standin = false;
    return p;
}

static gops_world_t *lab_world(gops_map_t *map, gops_traffic_t **t)
{
    gops_world_def_t def = gops_world_def_default();
    def.tick_s = 0.5;
    def.nav_cell_m = 2;
    gops_error_t err;
    gops_world_t *w = gops_world_create_with_map(&def, map, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_traffic_params_t p = quiet_params();
    *t = gops_traffic_attach(w, &p, &err);
    ck_assert_msg(*t != NULL, "%s", err.message);
    return w;
}

static const uint8_t TH = 1u << GOPS_TURN_THROUGH, R = 1u << GOPS_TURN_RIGHT, L = 1u << GOPS_TURN_LEFT,
                     U = 1u << GOPS_TURN_UTURN;

START_TEST(crossroads_structure)
{
    for (int lanes = 1; lanes <= 3; lanes++) {
        gops_traffic_t *t;
        gops_world_t *w = lab_world(gops_lab_crossroads(300, lanes, GOPS_JUNCTION_SIGNAL), &t);
        const gops_tnet_t *net = t->net;
        ck_assert_uint_eq(net->arc_count, 8); // 4 edges, both ways
        uint32_t node = gops_traffic_node_near(t, 0, 0, 1);
        const gops_tnet_node_t *n = &net->nodes[node];
        ck_assert(n->junction);
        ck_assert_uint_eq(n->in_count, 4);
        // The west leg eastbound: its turns at the junction.
        const gops_tnet_arc_t *A = &net->arcs[0];
        ck_assert_uint_eq(A->to, node);
        ck_assert_uint_eq(A->lanes, lanes);
        ck_assert_uint_eq(A->turn_count, 4);
        int kinds[GOPS_TURN_KIND_COUNT] = {0};
        for (uint32_t k = A->first_turn; k < A->first_turn + A->turn_count; k++) {
            const gops_tnet_turn_t *T = &net->turns[k];
            kinds[T->kind]++;
            gops_point_t d = gops_tnet_start_dir(net, T->to_arc);
            if (T->kind == GOPS_TURN_THROUGH) ck_assert(d.x > 0.99);
            if (T->kind == GOPS_TURN_LEFT) ck_assert(d.y > 0.99);  // north
            if (T->kind == GOPS_TURN_RIGHT) ck_assert(d.y < -0.99); // south
        }
        for (int k = 0; k < GOPS_TURN_KIND_COUNT; k++) ck_assert_int_eq(kinds[k], 1);
        // Lane markings.
        uint8_t allow[3];
        for (int k = 0; k < lanes; k++) allow[k] = net->lanes[A->first_lane + k].allow;
        if (lanes == 1) ck_assert_uint_eq(allow[0], TH | R | L | U);
        if (lanes == 2) {
            ck_assert_uint_eq(allow[0], TH | R);
            ck_assert_uint_eq(allow[1], TH | L | U);
        }
        if (lanes == 3) {
            ck_assert_uint_eq(allow[0], TH | R);
            ck_assert_uint_eq(allow[1], TH);
            ck_assert_uint_eq(allow[2], L | U);
        }
        // Lanes lie right of the centre line, kerb lane outermost, 3.5 m wide.
        for (int k = 0; k < lanes; k++)
            ck_assert_float_eq_tol(net->lanes[A->first_lane + k].offset_m, (lanes - k - 0.5f) * 3.5f, 1e-5f);
        // Stop line: 5 m beyond the junction box (half the main road's width) from the centre.
        ck_assert_float_eq_tol(A->length - A->stop_pos, lanes * 3.5f + 5.0f, 1e-4f);
        ck_assert_uint_eq(net->crossing_count, 4);
        ck_assert_uint_ne(A->crossing_end, GOPS_TNET_NONE);
        ck_assert_uint_eq(net->crossings[A->crossing_end].arc_in, 0);
        gops_world_destroy(w);
    }
}
END_TEST

START_TEST(ring_one_way)
{
    gops_traffic_t *t;
    gops_world_t *w = lab_world(gops_lab_ring(1000, 2, 50), &t);
    const gops_tnet_t *net = t->net;
    ck_assert_uint_eq(net->arc_count, 4);
    for (uint32_t a = 0; a < 4; a++) {
        ck_assert_int_eq(net->arcs[a].in_map, !(a & 1));
        ck_assert_int_eq(trf_enterable(t, a), !(a & 1));
        ck_assert_uint_eq(net->arcs[a].reverse, a ^ 1);
        ck_assert_uint_eq(net->arcs[a].control, GOPS_ARC_FREE);
        ck_assert_float_eq(net->arcs[a].stop_pos, net->arcs[a].length);
    }
    ck_assert_uint_eq(net->crossing_count, 0);
    ck_assert_float_eq_tol(net->arcs[0].length + net->arcs[2].length, 1000.0f, 1.5f); // polygon of 96 sides
    // A one-way road's lanes span its carriageway.
    ck_assert_float_eq_tol(net->lanes[net->arcs[0].first_lane].offset_m, 1.75f, 1e-5f);
    ck_assert_float_eq_tol(net->lanes[net->arcs[0].first_lane + 1].offset_m, -1.75f, 1e-5f);
    gops_world_destroy(w);
}
END_TEST

static gops_world_t *erqi_world(gops_traffic_t **t, const gops_traffic_params_t *p)
{
    gops_world_def_t def = gops_world_def_default();
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    def.nav_cell_m = 2;
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    *t = gops_traffic_attach(w, p, &err);
    ck_assert_msg(*t != NULL, "%s", err.message);
    return w;
}

START_TEST(erqi_network)
{
    gops_traffic_params_t p = quiet_params();
    gops_traffic_t *t;
    gops_world_t *w = erqi_world(&t, &p);
    const gops_tnet_t *net = t->net;
    const gops_road_graph_t *g = gops_world_district(w)->roads;
    ck_assert_uint_eq(net->arc_count, 2 * g->edge_count);
    uint32_t in_map = 0;
    for (uint32_t a = 0; a < net->arc_count; a++) in_map += net->arcs[a].in_map;
    ck_assert_uint_eq(in_map, g->arc_count);
    // Arterials with bus lanes: lane 0 is the bus lane.
    uint32_t arcs[8];
    ck_assert_uint_gt(gops_traffic_road_arcs(t, "road-jiefang", arcs, 8), 0);
    ck_assert_uint_eq(net->arcs[arcs[0]].first_general, 1);
    ck_assert_uint_eq(net->lanes[net->arcs[arcs[0]].first_lane].kind, GOPS_LANE_BUS);
    ck_assert(net->arcs[arcs[0]].nonmotor);
    // Every signal-controlled junction of the map has a plan serving every approach.
    uint32_t signals = 0;
    for (uint32_t v = 0; v < net->node_count; v++) {
        if (t->signals.of_node[v] == GOPS_TNET_NONE) continue;
        signals++;
        for (int m = 0; m < GOPS_MODE_COUNT; m++) {
            gops_error_t err;
            ck_assert_int_eq(gops_signal_plan_check(net, v, gops_traffic_signal_plan(t, v, (gops_mode_t)m), &err), GOPS_OK);
        }
    }
    ck_assert_uint_eq(signals, 16); // the map's 16 signal junctions
    // Places: 10 garages with 6,700 spaces, 22 malls, 7 bus stops, 2 station points.
    const gops_places_t *P = &t->places;
    ck_assert_uint_eq(P->first[GOPS_PLACE_GARAGE + 1] - P->first[GOPS_PLACE_GARAGE], 10);
    ck_assert_uint_eq(P->first[GOPS_PLACE_BUS_STOP + 1] - P->first[GOPS_PLACE_BUS_STOP], 7);
    ck_assert_uint_eq(P->first[GOPS_PLACE_STATION + 1] - P->first[GOPS_PLACE_STATION], 2);
    uint32_t malls = P->first[GOPS_PLACE_MALL + 1] - P->first[GOPS_PLACE_MALL];
    ck_assert_uint_eq(malls, 22); // FACTS.md: 22 large commercial complexes
    gops_traffic_counts_t c;
    gops_traffic_counts(t, &c);
    ck_assert_uint_eq(c.garage_spaces, 6700);
    // Each place sits on an arc in the map, clear of the junction boxes.
    for (uint32_t k = 0; k < P->count; k++) {
        const gops_place_t *pl = &P->items[k];
        ck_assert(net->arcs[pl->arc].in_map);
        ck_assert_float_ge(pl->s, 0);
        ck_assert_float_le(pl->s, net->arcs[pl->arc].stop_pos);
    }
    // Bus stops are kerbside: each lies to the right of its arc.
    for (uint32_t k = P->first[GOPS_PLACE_BUS_STOP]; k < P->first[GOPS_PLACE_BUS_STOP + 1]; k++) {
        const gops_place_t *pl = &P->items[k];
        gops_point_t at, h;
        gops_tnet_pose(net, pl->arc, pl->s, 0, &at, &h);
        double cross = h.x * (pl->at.y - at.y) - h.y * (pl->at.x - at.x);
        ck_assert_double_lt(cross, 0);
    }
    // Bus lines cover every stop once.
    uint32_t covered = 0;
    for (uint32_t l = 0; l < t->buses.line_count; l++) covered += t->buses.lines[l].stop_count;
    printf("Erqi: %u arcs, %u lanes, %u crossings, %u signals, %u malls snapped, %u bus lines for 7 stops\n",
           net->arc_count, net->lane_count, net->crossing_count, signals, malls, t->buses.line_count);
    ck_assert_uint_eq(covered, 7);
    ck_assert_uint_ge(t->buses.line_count, 2);
    ck_assert_uint_le(t->buses.line_count, 7);
    gops_world_destroy(w);
}
END_TEST

START_TEST(profiles_parse)
{
    gops_tprofile_t p;
    gops_error_t err;
    const char *good = "# demand\ntime,normal,holiday\n00:00,10,20\n\n07:30,100,50.5\n23:00,5,0\n";
    ck_assert_int_eq(gops_tprofile_parse(good, strlen(good), "t.csv", &p, &err), GOPS_OK);
    ck_assert_uint_eq(p.rows, 3);
    ck_assert_uint_eq(p.cols, 2);
    int h = gops_tprofile_column(&p, "holiday");
    ck_assert_int_eq(h, 1);
    ck_assert_double_eq(gops_tprofile_at(&p, h, 0), 20);
    ck_assert_double_eq(gops_tprofile_at(&p, h, 7.5 * 3600 - 1), 20);
    ck_assert_double_eq(gops_tprofile_at(&p, h, 7.5 * 3600), 50.5);
    ck_assert_double_eq(gops_tprofile_at(&p, 0, 86400 + 23.5 * 3600), 5); // the next day
    ck_assert_int_eq(gops_tprofile_mode_column(&p, "", GOPS_MODE_HOLIDAY), 1);
    int cols[GOPS_MODE_COUNT];
    ck_assert_int_eq(gops_tprofile_require_modes(&p, "", cols, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "major_event"));
    struct {
        const char *text, *expect;
    } bad[] = {
        {"time,a\n01:00,1\n", "expected 00:00"},
        {"time,a\n00:00,1\n00:00,2\n", "not after"},
        {"time,a\n00:00,-1\n", "non-negative"},
        {"time,a\n00:00,x\n", "non-negative"},
        {"time,a\n00:00,1,2\n", "3 fields"},
        {"hour,a\n", "header"},
        {"time,A\n", "lower-case"},
        {"time,a,a\n", "twice"},
        {"time,a\n24:00,1\n", "HH:MM"},
        {"time,a\n", "no data rows"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        ck_assert_int_eq(gops_tprofile_parse(bad[k].text, strlen(bad[k].text), "bad.csv", &p, &err), GOPS_BAD_VALUE);
        ck_assert_msg(strstr(err.message, bad[k].expect) && strstr(err.message, "bad.csv"), "case %zu: %s", k,
                      err.message);
    }
    // The shipped profiles load and carry every mode.
    gops_traffic_params_t q = gops_traffic_params_default();
    q.warm_up_s = 0;
    gops_traffic_t *t;
    gops_world_t *w = erqi_world(&t, &q);
    ck_assert(t->demand.loaded);
    gops_world_destroy(w);
    // A missing profile folder is an error naming the file.
    q.profile_dir = "/nonexistent";
    gops_world_def_t def = gops_world_def_default();
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    def.nav_cell_m = 2;
    w = gops_world_create(&def, &err);
    ck_assert_ptr_null(gops_traffic_attach(w, &q, &err));
    ck_assert_int_eq(err.status, GOPS_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/traffic_vehicles.csv"));
    gops_world_destroy(w);
}
END_TEST

START_TEST(poses_for_drawing)
{
    gops_traffic_t *t;
    gops_world_t *w = lab_world(gops_lab_crossroads(300, 2, GOPS_JUNCTION_SIGNAL), &t);
    // A car in the kerb lane of the west leg, eastbound, front at 100 m from the west end.
    ck_assert_uint_ne(gops_traffic_spawn(t, GOPS_VCLASS_CAR, 0, 0, 100, 0, GOPS_TRAFFIC_NONE), 0);
    ck_assert_uint_ne(gops_traffic_spawn(t, GOPS_VCLASS_EBIKE, 0, 0, 50, 0, GOPS_TRAFFIC_NONE), 0);
    ck_assert_uint_eq(gops_traffic_spawn(t, GOPS_VCLASS_CAR, 0, 0, 102, 0, GOPS_TRAFFIC_NONE), 0); // overlaps
    ck_assert_uint_eq(gops_traffic_spawn(t, GOPS_VCLASS_CAR, 0, 5, 150, 0, GOPS_TRAFFIC_NONE), 0); // no such lane
    gops_traffic_pose_t pose[4];
    ck_assert_uint_eq(gops_traffic_poses(t, pose, 4), 2);
    ck_assert_float_eq_tol(pose[0].x, -300 + 100 - 2.5f, 1e-3f); // centre half a length back
    ck_assert_float_eq_tol(pose[0].y, -1.5f * 3.5f, 1e-3f);      // kerb lane, south of the line
    ck_assert_float_eq_tol(pose[0].heading, 0, 1e-6f);
    ck_assert_uint_eq(pose[0].cls, GOPS_VCLASS_CAR);
    ck_assert_float_eq_tol(pose[1].y, -(7.0f - 0.5f), 1e-3f); // e-bike at the road's edge
    ck_assert_uint_eq(gops_traffic_vehicle_count(t), 2);
    gops_world_destroy(w);
}
END_TEST

START_TEST(attach_errors)
{
    gops_world_def_t def = gops_world_def_default();
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_ptr_null(gops_traffic_attach(w, NULL, &err));
    ck_assert_int_eq(err.status, GOPS_SCENARIO);
    ck_assert_ptr_nonnull(strstr(err.message, "no map"));
    gops_world_destroy(w);
    gops_traffic_params_t p = quiet_params();
    p.step_s = 1.0;
    gops_traffic_t *t;
    gops_world_def_t d2 = gops_world_def_default();
    d2.nav_cell_m = 2;
    w = gops_world_create_with_map(&d2, gops_lab_corridor(200, 1, 50), &err);
    ck_assert_ptr_null(t = gops_traffic_attach(w, &p, &err));
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "0.05 to 0.5"));
    p = quiet_params();
    p.vclass[GOPS_VCLASS_BUS].a = 0;
    ck_assert_ptr_null(gops_traffic_attach(w, &p, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "bus"));
    gops_world_destroy(w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("traffic_network");
    TCase *tc = tcase_create("network");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, crossroads_structure);
    tcase_add_test(tc, ring_one_way);
    tcase_add_test(tc, erqi_network);
    tcase_add_test(tc, profiles_parse);
    tcase_add_test(tc, poses_for_drawing);
    tcase_add_test(tc, attach_errors);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
