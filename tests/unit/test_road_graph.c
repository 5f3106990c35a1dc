// SPDX-License-Identifier: MIT
// Road graph suite: nodes at shared coordinates, edges and arcs by one-way, turn
// connections, junction control, strongly connected components and isolated roads, on
// hand-built maps (a 3 × 3 street grid and small variations).
#include "fixture.h"
#include "world/road_graph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// ---- a hand-built map --------------------------------------------------------------

static gops_map_t *map_new(void)
{
    gops_map_t *m = calloc(1, sizeof *m);
    ck_assert_ptr_nonnull(m);
    m->features = calloc(64, sizeof *m->features);
    ck_assert_ptr_nonnull(m->features);
    m->path = strdup("test.geojson");
    return m;
}

static gops_feature_t *add_feature(gops_map_t *m, gops_feature_kind_t kind, const char *id)
{
    ck_assert_uint_lt(m->feature_count, 64);
    gops_feature_t *f = &m->features[m->feature_count];
    f->kind = kind;
    f->index = m->feature_count++;
    f->id = id ? strdup(id) : NULL;
    return f;
}

// A local road of 1 lane per direction at 30 km/h through n points (x0, y0, x1, y1, ...).
static gops_road_t *add_road(gops_map_t *m, const char *id, bool oneway, uint32_t n, const double *xy)
{
    gops_feature_t *f = add_feature(m, GOPS_FEAT_ROAD, id);
    gops_road_t *r = &f->u.road;
    r->line.pts = malloc(n * sizeof *r->line.pts);
    for (uint32_t i = 0; i < n; i++) r->line.pts[i] = (gops_point_t){xy[2 * i], xy[2 * i + 1]};
    r->line.count = n;
    r->road_class = GOPS_ROAD_LOCAL;
    r->lanes = 1;
    r->oneway = oneway;
    r->speed_kmh = 30;
    r->width_m = oneway ? 3.5 : 7;
    r->sidewalk_left_m = r->sidewalk_right_m = 2;
    f->at = r->line.pts[0];
    return r;
}

static void add_junction(gops_map_t *m, double x, double y, gops_junction_control_t control)
{
    gops_feature_t *f = add_feature(m, GOPS_FEAT_JUNCTION, NULL);
    f->at = (gops_point_t){x, y};
    f->u.junction.control = control;
}

static void add_edge_transit(gops_map_t *m, double x, double y)
{
    gops_feature_t *f = add_feature(m, GOPS_FEAT_TRANSIT, NULL);
    f->at = (gops_point_t){x, y};
    f->u.transit.mode = GOPS_TRANSIT_EDGE;
}

static void map_free(gops_map_t *m)
{
    for (uint32_t i = 0; i < m->feature_count; i++) {
        free(m->features[i].id);
        if (m->features[i].kind == GOPS_FEAT_ROAD) free(m->features[i].u.road.line.pts);
    }
    free(m->features);
    free(m->path);
    free(m);
}

static gops_road_graph_t *build(const gops_map_t *m)
{
    gops_error_t err;
    gops_error_clear(&err);
    gops_road_graph_t *g = gops_road_graph_build(m, &err);
    ck_assert_msg(g != NULL, "build failed: %s", err.message);
    return g;
}

// Features 0-5: three west→east streets (the southern one one-way) and three south→north
// streets through nodes at x, y in {0, 100, 200}.
static gops_map_t *street_grid(void)
{
    gops_map_t *m = map_new();
    for (int k = 0; k < 3; k++) {
        double y = 100.0 * k;
        double xy[6] = {0, y, 100, y, 200, y};
        add_road(m, NULL, k == 0, 3, xy);
    }
    for (int k = 0; k < 3; k++) {
        double x = 100.0 * k;
        double xy[6] = {x, 0, x, 100, x, 200};
        add_road(m, NULL, false, 3, xy);
    }
    return m;
}

static uint32_t node_at(const gops_road_graph_t *g, double x, double y)
{
    uint32_t n = gops_road_graph_node_at(g, (gops_point_t){x, y});
    ck_assert_msg(n != GOPS_ROAD_NONE, "no node at (%g, %g)", x, y);
    return n;
}

// ---- tests --------------------------------------------------------------------------

START_TEST(grid_counts)
{
    gops_map_t *m = street_grid();
    gops_road_graph_t *g = build(m);
    ck_assert_uint_eq(g->node_count, 9);
    ck_assert_uint_eq(g->edge_count, 12);   // 6 roads × 2 stretches
    ck_assert_uint_eq(g->arc_count, 22);    // 10 two-way edges × 2 + 2 one-way
    ck_assert_uint_eq(g->road_count, 6);
    // Corners 2+2 (two-way), 1 and 2 (on the one-way street); T nodes 6+6+6 and 3 (one-way);
    // the centre 12: 40 in all.
    ck_assert_uint_eq(g->turn_count, 40);
    ck_assert_uint_eq(g->component_count, 1);
    ck_assert_uint_eq(g->component_size[0], 9);
    ck_assert_uint_eq(gops_road_graph_isolated_roads(g, NULL, 0), 0);
    // Nodes are numbered by first vertex in road order: the southern street's three first.
    ck_assert_uint_eq(node_at(g, 0, 0), 0);
    ck_assert_uint_eq(node_at(g, 100, 0), 1);
    ck_assert_uint_eq(node_at(g, 200, 0), 2);
    ck_assert_uint_eq(node_at(g, 100, 100), 4);
    for (uint32_t v = 0; v < g->node_count; v++) ck_assert_uint_eq(g->nodes[v].road_count, 2);
    gops_road_graph_destroy(g);
    map_free(m);
}
END_TEST

START_TEST(grid_edges)
{
    gops_map_t *m = street_grid();
    gops_road_graph_t *g = build(m);
    // Edges follow road feature index, then position along the line.
    const gops_road_edge_t *e0 = &g->edges[0], *e1 = &g->edges[1], *e2 = &g->edges[2];
    ck_assert_uint_eq(e0->road, 0);
    ck_assert_uint_eq(e0->from, 0);
    ck_assert_uint_eq(e0->to, 1);
    ck_assert_uint_eq(e0->first_vertex, 0);
    ck_assert_uint_eq(e0->last_vertex, 1);
    ck_assert_uint_eq(e1->from, 1);
    ck_assert_uint_eq(e1->to, 2);
    ck_assert_uint_eq(e2->road, 1);
    ck_assert(e0->oneway);
    ck_assert(!e2->oneway);
    ck_assert_uint_eq(e0->arc_backward, GOPS_ROAD_NONE);
    ck_assert_uint_ne(e2->arc_backward, GOPS_ROAD_NONE);
    // 100 m at 30 km/h: 12 s.
    ck_assert_double_eq_tol(e0->length_m, 100.0, 1e-9);
    ck_assert_double_eq_tol(e0->speed_mps, 30 / 3.6, 1e-12);
    ck_assert_double_eq_tol(e0->free_time_s, 12.0, 1e-9);
    ck_assert_int_eq(e0->lanes, 1);
    // Arcs: forward then backward, each pointing the right way.
    const gops_road_arc_t *back = &g->arcs[e2->arc_backward];
    ck_assert(back->backward);
    ck_assert_uint_eq(back->from, e2->to);
    ck_assert_uint_eq(back->to, e2->from);
    ck_assert_uint_eq(g->roads[0].edge_count, 2);
    ck_assert_uint_eq(g->roads[0].arc_count, 2);
    ck_assert_uint_eq(g->roads[1].arc_count, 4);
    gops_road_graph_destroy(g);
    map_free(m);
}
END_TEST

static uint32_t count_turns_into(const gops_road_graph_t *g, uint32_t node, uint32_t to_node)
{
    const gops_road_node_t *n = &g->nodes[node];
    uint32_t count = 0;
    for (uint32_t t = n->first_turn; t < n->first_turn + n->turn_count; t++)
        if (g->arcs[g->turns[t].to_arc].to == to_node) count++;
    return count;
}

START_TEST(grid_turns)
{
    gops_map_t *m = street_grid();
    gops_road_graph_t *g = build(m);
    uint32_t centre = node_at(g, 100, 100);
    const gops_road_node_t *c = &g->nodes[centre];
    ck_assert_uint_eq(c->in_count, 4);
    ck_assert_uint_eq(c->out_count, 4);
    ck_assert_uint_eq(c->turn_count, 12); // 4 in × 3 out, no U-turns
    for (uint32_t t = c->first_turn; t < c->first_turn + c->turn_count; t++) {
        const gops_road_turn_t *turn = &g->turns[t];
        ck_assert(!turn->uturn);
        ck_assert_uint_eq(g->arcs[turn->from_arc].to, centre);
        ck_assert_uint_eq(g->arcs[turn->to_arc].from, centre);
        ck_assert_uint_ne(g->arcs[turn->from_arc].edge, g->arcs[turn->to_arc].edge);
        if (t > c->first_turn) { // (from, to) ascending
            const gops_road_turn_t *prev = &g->turns[t - 1];
            ck_assert(prev->from_arc < turn->from_arc ||
                      (prev->from_arc == turn->from_arc && prev->to_arc < turn->to_arc));
        }
    }
    // (100, 0) on the one-way street: in from the west and the north, out east and north;
    // nothing may turn west against the one-way.
    uint32_t s = node_at(g, 100, 0), w = node_at(g, 0, 0), e = node_at(g, 200, 0);
    ck_assert_uint_eq(g->nodes[s].turn_count, 3);
    ck_assert_uint_eq(count_turns_into(g, s, w), 0);
    ck_assert_uint_eq(count_turns_into(g, s, e), 2);
    // (200, 0): arriving from the north the only way on is back north: a U-turn is allowed.
    const gops_road_node_t *se = &g->nodes[e];
    ck_assert_uint_eq(se->turn_count, 2);
    uint32_t uturns = 0;
    for (uint32_t t = se->first_turn; t < se->first_turn + se->turn_count; t++) uturns += g->turns[t].uturn;
    ck_assert_uint_eq(uturns, 1);
    gops_road_graph_destroy(g);
    map_free(m);
}
END_TEST

START_TEST(isolated_roads_and_components)
{
    gops_map_t *m = street_grid();
    double far[4] = {500, 500, 600, 500};
    add_road(m, "island", false, 2, far);          // feature 6: two-way, touches nothing
    double spur[4] = {200, 200, 300, 300};
    add_road(m, "trap", true, 2, spur);            // feature 7: one-way into a dead end
    gops_road_graph_t *g = build(m);
    ck_assert_uint_eq(g->node_count, 12);
    ck_assert_uint_eq(g->component_count, 3);      // the grid, the island, the dead end
    ck_assert_uint_eq(g->largest_component, 0);
    ck_assert_uint_eq(g->component_size[0], 9);
    ck_assert_uint_eq(g->component_size[1], 2);
    ck_assert_uint_eq(g->component_size[2], 1);
    uint32_t iso[4];
    ck_assert_uint_eq(gops_road_graph_isolated_roads(g, iso, 4), 2);
    ck_assert_uint_eq(iso[0], 6);
    ck_assert_uint_eq(iso[1], 7);
    ck_assert(!g->roads[6].shares_node);
    ck_assert(g->roads[7].shares_node);
    ck_assert_uint_eq(g->roads[0].main_arcs, 2);
    // The dead end of the one-way spur has no way out at all: no turn there.
    uint32_t dead = node_at(g, 300, 300);
    ck_assert_uint_eq(g->nodes[dead].out_count, 0);
    ck_assert_uint_eq(g->nodes[dead].turn_count, 0);
    // The island's ends are dead ends of a two-way road: vehicles turn round there.
    uint32_t end = node_at(g, 600, 500);
    ck_assert_uint_eq(g->nodes[end].turn_count, 1);
    ck_assert(g->turns[g->nodes[end].first_turn].uturn);
    gops_road_graph_destroy(g);
    map_free(m);
}
END_TEST

START_TEST(one_way_breaks_connectivity)
{
    // A one-way street whose only way back is missing: A→B one-way, B–C two-way dead end.
    gops_map_t *m = map_new();
    double ab[4] = {0, 0, 100, 0}, bc[4] = {100, 0, 200, 0};
    add_road(m, "ab", true, 2, ab);
    add_road(m, "bc", false, 2, bc);
    gops_road_graph_t *g = build(m);
    ck_assert_uint_eq(g->node_count, 3);
    ck_assert_uint_eq(g->component_count, 2); // {A} and {B, C}
    ck_assert_uint_eq(g->component_size[g->largest_component], 2);
    uint32_t iso[2];
    ck_assert_uint_eq(gops_road_graph_isolated_roads(g, iso, 2), 1);
    ck_assert_uint_eq(iso[0], 0);
    gops_road_graph_destroy(g);
    map_free(m);
}
END_TEST

START_TEST(node_tolerance)
{
    gops_map_t *m = map_new();
    double a[4] = {0, 0, 10, 0}, b[4] = {10.005, 0, 20, 0}, c[4] = {10.02, 5, 10.02, 20};
    add_road(m, "a", false, 2, a);
    add_road(m, "b", false, 2, b);   // starts 5 mm from a's end: the same node
    add_road(m, "c", false, 2, c);   // 5 m away: its own nodes
    gops_road_graph_t *g = build(m);
    ck_assert_uint_eq(g->node_count, 5);
    uint32_t shared = node_at(g, 10, 0);
    ck_assert_uint_eq(shared, 1);
    ck_assert_uint_eq(g->nodes[shared].road_count, 2);
    ck_assert_double_eq(g->nodes[shared].at.x, 10.0); // the first vertex in road order
    ck_assert_uint_eq(gops_road_graph_node_at(g, (gops_point_t){10.02, 0}), GOPS_ROAD_NONE);
    ck_assert_uint_eq(g->edges[1].from, shared);
    gops_road_graph_destroy(g);
    map_free(m);
}
END_TEST

START_TEST(interior_vertices_only_split_at_nodes)
{
    // A bent road with a vertex nobody else uses stays one edge; its length follows the bend.
    gops_map_t *m = map_new();
    double xy[6] = {0, 0, 30, 40, 60, 0};
    add_road(m, "bent", false, 3, xy);
    gops_road_graph_t *g = build(m);
    ck_assert_uint_eq(g->node_count, 2);
    ck_assert_uint_eq(g->edge_count, 1);
    ck_assert_double_eq_tol(g->edges[0].length_m, 100.0, 1e-9);
    ck_assert_uint_eq(g->edges[0].last_vertex, 2);
    gops_road_graph_destroy(g);
    map_free(m);
}
END_TEST

START_TEST(junction_control)
{
    gops_map_t *m = street_grid();
    add_junction(m, 100, 100, GOPS_JUNCTION_SIGNAL);      // feature 6
    add_junction(m, 100.2, 200, GOPS_JUNCTION_YIELD);     // feature 7, 0.2 m off: snaps
    add_junction(m, 1000, 1000, GOPS_JUNCTION_SIGNAL);    // feature 8: no node near
    gops_road_graph_t *g = build(m);
    const gops_road_node_t *c = &g->nodes[node_at(g, 100, 100)];
    ck_assert_int_eq(c->control, GOPS_JUNCTION_SIGNAL);
    ck_assert_int_eq(c->junction, 6);
    ck_assert_int_eq(g->nodes[node_at(g, 100, 200)].control, GOPS_JUNCTION_YIELD);
    ck_assert_int_eq(g->nodes[node_at(g, 0, 100)].control, GOPS_JUNCTION_PRIORITY);
    ck_assert_int_eq(g->nodes[node_at(g, 0, 100)].junction, -1);
    ck_assert_uint_eq(g->stray_junction_count, 1);
    ck_assert_uint_eq(g->stray_junctions[0], 8);
    gops_road_graph_destroy(g);
    map_free(m);
}
END_TEST

START_TEST(roundabout_nodes)
{
    // A one-way ring drawn counter-clockwise (closed: first point repeated) and two spokes.
    gops_map_t *m = map_new();
    double ring[10] = {0, -20, 20, 0, 0, 20, -20, 0, 0, -20};
    gops_road_t *r = add_road(m, "ring", true, 5, ring);
    r->roundabout = true;
    double east[4] = {20, 0, 100, 0}, west[4] = {-100, 0, -20, 0};
    add_road(m, "east", false, 2, east);
    add_road(m, "west", false, 2, west);
    gops_road_graph_t *g = build(m);
    // Ring nodes: its start/end (0, -20) and the two spoke joins; plus the spokes' far ends.
    ck_assert_uint_eq(g->node_count, 5);
    ck_assert_uint_eq(g->edges[0].road, 0);
    ck_assert_uint_eq(g->roads[0].edge_count, 3);
    ck_assert_int_eq(g->nodes[node_at(g, 20, 0)].control, GOPS_JUNCTION_ROUNDABOUT);
    ck_assert_int_eq(g->nodes[node_at(g, 0, -20)].control, GOPS_JUNCTION_ROUNDABOUT);
    ck_assert_int_eq(g->nodes[node_at(g, 100, 0)].control, GOPS_JUNCTION_PRIORITY);
    ck_assert_uint_eq(g->component_count, 1);
    // At the east join: in from the ring and from the spoke; out along the ring and the spoke;
    // the spoke's own reversal is excluded: 2 + 1 = 3.
    ck_assert_uint_eq(g->nodes[node_at(g, 20, 0)].turn_count, 3);
    gops_road_graph_destroy(g);
    map_free(m);
}
END_TEST

START_TEST(bad_roads)
{
    gops_map_t *m = map_new();
    double one[2] = {0, 0};
    add_road(m, "stub", false, 1, one);
    gops_error_t err;
    gops_error_clear(&err);
    ck_assert_ptr_null(gops_road_graph_build(m, &err));
    ck_assert_int_eq(err.status, GOPS_MAP);
    ck_assert_ptr_nonnull(strstr(err.message, "feature 0 'stub'"));
    ck_assert_ptr_nonnull(strstr(err.message, "at least 2"));
    map_free(m);

    m = map_new();
    double two[4] = {0, 0, 10, 0};
    add_road(m, "slow", false, 2, two)->speed_kmh = 0;
    gops_error_clear(&err);
    ck_assert_ptr_null(gops_road_graph_build(m, &err));
    ck_assert_int_eq(err.status, GOPS_MAP);
    ck_assert_ptr_nonnull(strstr(err.message, "speed_kmh"));
    map_free(m);
}
END_TEST

START_TEST(empty_map)
{
    gops_map_t *m = map_new();
    gops_road_graph_t *g = build(m);
    ck_assert_uint_eq(g->node_count, 0);
    ck_assert_uint_eq(g->component_count, 0);
    ck_assert_uint_eq(g->largest_component, GOPS_ROAD_NONE);
    gops_road_graph_destroy(g);
    map_free(m);
}
END_TEST

START_TEST(geojson_street_grid)
{
    // world_grid.geojson: the same 3 × 3 grid in lon/lat (100 m blocks, the southern street
    // one-way eastward), a signal at the centre and a separate two-way service road.
    gops_error_t err;
    gops_error_clear(&err);
    gops_map_t *m = gops_map_load(gops_test_source_path("tests/data/maps/world_grid.geojson"), &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    gops_road_graph_t *g = build(m);
    ck_assert_uint_eq(g->node_count, 11);
    ck_assert_uint_eq(g->edge_count, 13);
    ck_assert_uint_eq(g->arc_count, 24);
    ck_assert_uint_eq(g->turn_count, 40 + 2); // the grid's 40 and a turn-round at each end of the island
    ck_assert_uint_eq(g->component_count, 2);
    ck_assert_uint_eq(g->component_size[g->largest_component], 9);
    uint32_t iso[2];
    ck_assert_uint_eq(gops_road_graph_isolated_roads(g, iso, 2), 1);
    ck_assert_str_eq(m->features[iso[0]].id, "island");
    for (uint32_t e = 0; e < 12; e++) ck_assert_double_eq_tol(g->edges[e].length_m, 100.0, 0.05);
    uint32_t centre = 4; // nodes number the streets' vertices in order: the middle one's middle
    ck_assert_int_eq(g->nodes[centre].control, GOPS_JUNCTION_SIGNAL);
    ck_assert_str_eq(m->features[g->nodes[centre].junction].id, "centre");
    ck_assert_uint_eq(g->nodes[centre].turn_count, 12);
    gops_road_graph_destroy(g);
    gops_map_destroy(m);
}
END_TEST

START_TEST(gateways_open_the_network)
{
    // A one-way street entering the grid from the west and one leaving it to the east. As
    // drawn, each has a dead end; with map-edge points at their far ends, vehicles come in
    // at one and leave at the other, so neither is cut off.
    for (int open = 0; open < 2; open++) {
        gops_map_t *m = street_grid();
        double in[4] = {-100, 100, 0, 100}, out[4] = {200, 100, 300, 100};
        add_road(m, "in", true, 2, in);   // feature 6
        add_road(m, "out", true, 2, out); // feature 7
        if (open) {
            add_edge_transit(m, -103, 100);
            add_edge_transit(m, 303, 101);
            add_edge_transit(m, 1000, 1000); // near no node: nothing
        }
        gops_road_graph_t *g = build(m);
        ck_assert_uint_eq(g->component_count, 3); // as drawn: the grid, the source, the sink
        ck_assert_uint_eq(g->component_size[g->largest_component], 9);
        ck_assert(g->nodes[node_at(g, -100, 100)].gateway == (open != 0));
        ck_assert(g->nodes[node_at(g, 300, 100)].gateway == (open != 0));
        ck_assert(!g->nodes[node_at(g, 0, 100)].gateway);
        uint32_t iso[4];
        uint32_t n = gops_road_graph_isolated_roads(g, iso, 4);
        if (open) {
            ck_assert_uint_eq(n, 0);
            uint32_t members = 0;
            for (uint32_t v = 0; v < g->node_count; v++)
                members += g->nodes[v].open_component == g->largest_open_component;
            ck_assert_uint_eq(members, 11);
        } else {
            ck_assert_uint_eq(n, 2);
            ck_assert_uint_eq(iso[0], 6);
            ck_assert_uint_eq(iso[1], 7);
        }
        gops_road_graph_destroy(g);
        map_free(m);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("road_graph");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, grid_counts);
    tcase_add_test(tc, grid_edges);
    tcase_add_test(tc, grid_turns);
    tcase_add_test(tc, isolated_roads_and_components);
    tcase_add_test(tc, one_way_breaks_connectivity);
    tcase_add_test(tc, gateways_open_the_network);
    tcase_add_test(tc, node_tolerance);
    tcase_add_test(tc, interior_vertices_only_split_at_nodes);
    tcase_add_test(tc, junction_control);
    tcase_add_test(tc, roundabout_nodes);
    tcase_add_test(tc, bad_roads);
    tcase_add_test(tc, empty_map);
    tcase_add_test(tc, geojson_street_grid);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
