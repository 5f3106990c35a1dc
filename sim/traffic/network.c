// SPDX-License-Identifier: MIT
// Builds the lane network (network.h) from the road graph. Ordering rules: arcs are 2e
// (along edge e's line) and 2e + 1 (against it); lanes follow arcs, kerb first, then the
// non-motor lane; node arc lists ascend; turns follow their from-arc, then to-arc;
// crossings follow nodes, then the node's out-arcs. No trigonometry: turns are classified
// by dot and cross products against the cosine of 35°.
#include "traffic/network.h"

#include "core/assert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define COS_THROUGH 0.8191520442889918 // cos 35°: within ±35° a movement is "through"
#define STOP_BEHIND_REACH_M 5.0        // stop line: 1 m before a 4 m crosswalk outside the box
#define CROSSING_BEYOND_REACH_M 2.0    // crosswalk centre beyond the junction box
#define MAX_SETBACK_SHARE 0.4          // a stop line never takes more than this share of an arc

static const char *const turn_names[GOPS_TURN_KIND_COUNT] = {"through", "right", "left", "uturn"};

const char *gops_turn_kind_name(gops_turn_kind_t kind)
{
    return (unsigned)kind < GOPS_TURN_KIND_COUNT ? turn_names[kind] : "?";
}

void gops_tnet_destroy(gops_tnet_t *net)
{
    if (!net) return;
    free(net->nodes);
    free(net->node_arcs);
    free(net->arcs);
    free(net->lanes);
    free(net->turns);
    free(net->pred_turns);
    free(net->crossings);
    free(net->pts);
    free(net->cum);
    free(net);
}

static const gops_road_t *road_of(const gops_tnet_t *net, uint32_t arc)
{
    return &net->district->map->features[net->arcs[arc].road].u.road;
}

static gops_point_t unit(double x, double y)
{
    double n = hypot(x, y);
    return n > 0 ? (gops_point_t){x / n, y / n} : (gops_point_t){1, 0};
}

/// Direction of travel at the start and at the end of an arc.
gops_point_t gops_tnet_start_dir(const gops_tnet_t *net, uint32_t arc)
{
    const gops_tnet_arc_t *a = &net->arcs[arc];
    gops_point_t p = net->pts[a->first_pt], q = net->pts[a->first_pt + 1];
    return unit(q.x - p.x, q.y - p.y);
}

gops_point_t gops_tnet_end_dir(const gops_tnet_t *net, uint32_t arc)
{
    const gops_tnet_arc_t *a = &net->arcs[arc];
    gops_point_t p = net->pts[a->first_pt + a->pt_count - 2], q = net->pts[a->first_pt + a->pt_count - 1];
    return unit(q.x - p.x, q.y - p.y);
}

static gops_turn_kind_t classify(gops_point_t in, gops_point_t out)
{
    double dot = in.x * out.x + in.y * out.y;
    double cross = in.x * out.y - in.y * out.x;
    if (dot >= COS_THROUGH) return GOPS_TURN_THROUGH;
    return cross > 0 ? GOPS_TURN_LEFT : GOPS_TURN_RIGHT;
}

// Rank of a road for priority: class first (arterial highest), then lanes.
static int road_rank(const gops_road_t *r)
{
    return (GOPS_ROAD_CLASS_COUNT - (int)r->road_class) * 32 + r->lanes;
}

static gops_status_t build_arcs(gops_tnet_t *net, gops_error_t *err)
{
    const gops_road_graph_t *g = net->district->roads;
    const gops_map_t *map = net->district->map;
    net->arc_count = 2 * g->edge_count;
    uint32_t pts = 0, lanes = 0;
    for (uint32_t e = 0; e < g->edge_count; e++) {
        const gops_road_edge_t *E = &g->edges[e];
        const gops_feature_t *f = &map->features[E->road];
        if (E->lanes > GOPS_TNET_MAX_LANES)
            return gops_error_set(err, GOPS_MAP, "%s: road feature %u '%s' has %d lanes; traffic handles at most %d per direction",
                                  map->path ? map->path : "map", f->index, f->id ? f->id : "(no id)", E->lanes,
                                  GOPS_TNET_MAX_LANES);
        pts += 2 * (E->last_vertex - E->first_vertex + 1);
        lanes += 2 * ((uint32_t)E->lanes + 1);
    }
    net->arcs = calloc(net->arc_count + 1, sizeof *net->arcs);
    net->pts = malloc((pts + 1) * sizeof *net->pts);
    net->cum = malloc((pts + 1) * sizeof *net->cum);
    net->lanes = calloc(lanes + 1, sizeof *net->lanes);
    if (!net->arcs || !net->pts || !net->cum || !net->lanes)
        return gops_error_set(err, GOPS_NOMEM, "traffic network: out of memory for %u arcs", net->arc_count);
    uint32_t p = 0, l = 0;
    for (uint32_t a = 0; a < net->arc_count; a++) {
        const gops_road_edge_t *E = &g->edges[a / 2];
        const gops_road_t *road = &map->features[E->road].u.road;
        bool back = a & 1;
        gops_tnet_arc_t *A = &net->arcs[a];
        A->edge = a / 2;
        A->road = E->road;
        A->from = back ? E->to : E->from;
        A->to = back ? E->from : E->to;
        A->reverse = a ^ 1u;
        A->backward = back;
        A->in_map = !back || !E->oneway;
        A->ring = road->roundabout;
        A->road_class = (uint8_t)road->road_class;
        A->lanes = (uint8_t)E->lanes;
        A->first_general = road->bus_lane && E->lanes >= 2 ? 1 : 0;
        A->nonmotor = road->nonmotor_m > 0;
        A->speed = (float)(road->speed_kmh / 3.6);
        A->first_pt = p;
        A->pt_count = E->last_vertex - E->first_vertex + 1;
        for (uint32_t k = 0; k < A->pt_count; k++) {
            uint32_t v = back ? E->last_vertex - k : E->first_vertex + k;
            net->pts[p] = road->line.pts[v];
            net->cum[p] = k == 0 ? 0 : net->cum[p - 1] + hypot(net->pts[p].x - net->pts[p - 1].x, net->pts[p].y - net->pts[p - 1].y);
            p++;
        }
        A->length = (float)net->cum[p - 1];
        A->free_time = A->length / A->speed;
        A->first_lane = l;
        A->crossing_end = A->crossing_start = GOPS_TNET_NONE;
        // Lanes are evenly spread over the carriageway: a two-way road's lanes lie right of
        // its centre line, a one-way road's lanes span it.
        uint32_t across = E->oneway ? (uint32_t)E->lanes : 2u * (uint32_t)E->lanes;
        double w = road->width_m / across;
        for (uint32_t k = 0; k < A->lanes; k++) {
            gops_tnet_lane_t *L = &net->lanes[l++];
            L->arc = a;
            L->index = (uint8_t)k;
            L->kind = (k == 0 && A->first_general) ? GOPS_LANE_BUS : GOPS_LANE_GENERAL;
            L->offset_m = (float)(road->width_m / 2 - (k + 0.5) * w);
        }
        gops_tnet_lane_t *N = &net->lanes[l++];
        N->arc = a;
        N->index = A->lanes;
        N->kind = GOPS_LANE_NONMOTOR;
        N->allow = (1u << GOPS_TURN_KIND_COUNT) - 1;
        N->offset_m = (float)(A->nonmotor ? road->width_m / 2 + road->nonmotor_m / 2 : road->width_m / 2 - 0.5);
    }
    net->pt_count = p;
    net->lane_count = l;
    return GOPS_OK;
}

static gops_status_t build_nodes(gops_tnet_t *net, gops_error_t *err)
{
    const gops_road_graph_t *g = net->district->roads;
    net->node_count = g->node_count;
    net->nodes = calloc(net->node_count + 1, sizeof *net->nodes);
    net->node_arcs = malloc((2 * net->arc_count + 1) * sizeof *net->node_arcs);
    if (!net->nodes || !net->node_arcs)
        return gops_error_set(err, GOPS_NOMEM, "traffic network: out of memory for %u nodes", net->node_count);
    for (uint32_t v = 0; v < net->node_count; v++) {
        net->nodes[v].at = g->nodes[v].at;
        net->nodes[v].control = (uint8_t)g->nodes[v].control;
        net->nodes[v].gateway = g->nodes[v].gateway;
        net->nodes[v].major_road = GOPS_TNET_NONE;
    }
    for (uint32_t a = 0; a < net->arc_count; a++) {
        net->nodes[net->arcs[a].to].in_count++;
        net->nodes[net->arcs[a].from].out_count++;
    }
    uint32_t at = 0;
    for (uint32_t v = 0; v < net->node_count; v++) {
        gops_tnet_node_t *n = &net->nodes[v];
        n->first_in = at;
        at += n->in_count;
        n->first_out = at;
        at += n->out_count;
        n->in_count = n->out_count = 0;
    }
    for (uint32_t a = 0; a < net->arc_count; a++) {
        gops_tnet_node_t *to = &net->nodes[net->arcs[a].to], *from = &net->nodes[net->arcs[a].from];
        net->arcs[a].approach = to->in_count;
        net->node_arcs[to->first_in + to->in_count++] = a;
        net->node_arcs[from->first_out + from->out_count++] = a;
    }
    // Every edge has an arc out of each of its ends, so out_count counts the edge ends here.
    for (uint32_t v = 0; v < net->node_count; v++) {
        gops_tnet_node_t *n = &net->nodes[v];
        n->junction = n->out_count >= 3 || (n->control == GOPS_JUNCTION_SIGNAL && n->out_count >= 2);
        for (uint32_t i = 0; i < n->out_count; i++) {
            uint32_t a = net->node_arcs[n->first_out + i];
            const gops_road_t *r = road_of(net, a);
            double reach = r->width_m / 2 + r->nonmotor_m;
            if (reach > n->reach_m) n->reach_m = (float)reach;
        }
        if (!n->junction) n->reach_m = 0;
    }
    return GOPS_OK;
}

static gops_status_t build_turns(gops_tnet_t *net, gops_error_t *err)
{
    uint64_t cap = 0;
    for (uint32_t a = 0; a < net->arc_count; a++) cap += net->nodes[net->arcs[a].to].out_count;
    net->turns = malloc((size_t)(cap + 1) * sizeof *net->turns);
    net->pred_turns = malloc((size_t)(cap + 1) * sizeof *net->pred_turns);
    if (!net->turns || !net->pred_turns) return gops_error_set(err, GOPS_NOMEM, "traffic network: out of memory for turns");
    uint32_t t = 0;
    for (uint32_t a = 0; a < net->arc_count; a++) {
        gops_tnet_arc_t *A = &net->arcs[a];
        const gops_tnet_node_t *n = &net->nodes[A->to];
        A->first_turn = t;
        gops_point_t in = gops_tnet_end_dir(net, a);
        for (uint32_t i = 0; i < n->out_count; i++) {
            uint32_t b = net->node_arcs[n->first_out + i];
            gops_turn_kind_t kind = b == A->reverse ? GOPS_TURN_UTURN : classify(in, gops_tnet_start_dir(net, b));
            net->turns[t++] = (gops_tnet_turn_t){.from_arc = a, .to_arc = b, .kind = (uint8_t)kind};
        }
        A->turn_count = t - A->first_turn;
    }
    net->turn_count = t;
    for (uint32_t i = 0; i < t; i++) net->arcs[net->turns[i].to_arc].pred_count++;
    uint32_t at = 0;
    for (uint32_t a = 0; a < net->arc_count; a++) {
        net->arcs[a].first_pred = at;
        at += net->arcs[a].pred_count;
        net->arcs[a].pred_count = 0;
    }
    for (uint32_t i = 0; i < t; i++) {
        gops_tnet_arc_t *B = &net->arcs[net->turns[i].to_arc];
        net->pred_turns[B->first_pred + B->pred_count++] = i;
    }
    return GOPS_OK;
}

// Lane markings: with one general lane everything goes from it; with two, the kerb lane
// takes through and right, the median lane through and left; with three or more the kerb
// lane takes right and through, the median lane left only, the lanes between through.
// Without a through movement the lanes split, the kerb half right and the median half left.
// The median lane also takes U-turns; a bus lane takes every movement.
static void mark_lanes(gops_tnet_t *net, uint32_t a)
{
    gops_tnet_arc_t *A = &net->arcs[a];
    uint8_t K = 0;
    for (uint32_t t = A->first_turn; t < A->first_turn + A->turn_count; t++) {
        const gops_tnet_turn_t *T = &net->turns[t];
        if (net->arcs[T->to_arc].in_map && T->kind != GOPS_TURN_UTURN) K |= (uint8_t)(1u << T->kind);
    }
    const uint8_t TH = 1u << GOPS_TURN_THROUGH, R = 1u << GOPS_TURN_RIGHT, L = 1u << GOPS_TURN_LEFT,
                  U = 1u << GOPS_TURN_UTURN;
    uint32_t g0 = A->first_general, m = A->lanes - g0;
    for (uint32_t k = 0; k < A->lanes; k++) {
        uint8_t mask;
        uint32_t j = k - g0; // position among general lanes, kerb first
        if (k < g0) mask = K | U;
        else if (m == 1) mask = K;
        else if (K & TH) {
            if (j == 0) mask = TH | (K & R);
            else if (j == m - 1) mask = (m == 2 || !(K & L)) ? (uint8_t)(TH | (K & L)) : L;
            else mask = TH;
        } else if (!(K & R)) mask = K & L;
        else if (!(K & L)) mask = K & R;
        else mask = j < (m + 1) / 2 ? R : L;
        if (mask == 0) mask = K;
        if (k == A->lanes - 1u) mask |= U;
        if (mask == 0) mask = U; // a dead end: turning round is the only way on
        net->lanes[A->first_lane + k].allow = mask;
        A->allow_any |= mask;
    }
}

static void assign_control(gops_tnet_t *net)
{
    const gops_map_t *map = net->district->map;
    for (uint32_t v = 0; v < net->node_count; v++) {
        gops_tnet_node_t *n = &net->nodes[v];
        if (!n->junction || (n->control != GOPS_JUNCTION_PRIORITY && n->control != GOPS_JUNCTION_YIELD)) continue;
        // Major road: the highest-ranked road at the node; equal roads: the one drawn first.
        int best = -1;
        for (uint32_t i = 0; i < n->out_count; i++) {
            uint32_t road = net->arcs[net->node_arcs[n->first_out + i]].road;
            int rank = road_rank(&map->features[road].u.road);
            if (rank > best || (rank == best && road < n->major_road)) best = rank, n->major_road = road;
        }
    }
    for (uint32_t a = 0; a < net->arc_count; a++) {
        gops_tnet_arc_t *A = &net->arcs[a];
        const gops_tnet_node_t *n = &net->nodes[A->to];
        gops_arc_control_t c = GOPS_ARC_FREE;
        if (n->control == GOPS_JUNCTION_SIGNAL && (n->junction || n->in_count >= 2) &&
            n->in_count <= GOPS_TNET_MAX_APPROACHES)
            c = GOPS_ARC_SIGNAL;
        else if (!n->junction)
            c = GOPS_ARC_FREE;
        else if (n->control == GOPS_JUNCTION_ROUNDABOUT)
            c = A->ring ? GOPS_ARC_FREE : GOPS_ARC_ROUNDABOUT;
        else if (n->major_road != GOPS_TNET_NONE)
            c = A->road == n->major_road ? GOPS_ARC_FREE : GOPS_ARC_YIELD;
        else if (n->control == GOPS_JUNCTION_SIGNAL)
            c = GOPS_ARC_YIELD; // too many approaches for a signal plan: treated as all-way yield
        A->control = (uint8_t)c;
        double setback = n->junction ? n->reach_m + STOP_BEHIND_REACH_M : 0;
        if (setback > MAX_SETBACK_SHARE * A->length) setback = MAX_SETBACK_SHARE * A->length;
        A->stop_pos = (float)(A->length - setback);
    }
}

static gops_status_t build_crossings(gops_tnet_t *net, gops_error_t *err)
{
    uint32_t cap = 0;
    for (uint32_t v = 0; v < net->node_count; v++)
        if (net->nodes[v].junction) cap += net->nodes[v].out_count;
    net->crossings = calloc(cap + 1, sizeof *net->crossings);
    if (!net->crossings) return gops_error_set(err, GOPS_NOMEM, "traffic network: out of memory for crossings");
    for (uint32_t v = 0; v < net->node_count; v++) {
        const gops_tnet_node_t *n = &net->nodes[v];
        if (!n->junction) continue;
        for (uint32_t i = 0; i < n->out_count; i++) {
            uint32_t b = net->node_arcs[n->first_out + i];
            gops_tnet_arc_t *B = &net->arcs[b];
            // Ring legs of a roundabout have no crossing; a closed loop meets itself once.
            if ((n->control == GOPS_JUNCTION_ROUNDABOUT && B->ring) || B->crossing_start != GOPS_TNET_NONE) continue;
            uint32_t in = B->reverse;
            if (net->arcs[in].to != v) continue;
            const gops_road_t *r = road_of(net, b);
            gops_tnet_crossing_t *c = &net->crossings[net->crossing_count];
            double s = n->reach_m + CROSSING_BEYOND_REACH_M;
            if (s > MAX_SETBACK_SHARE * B->length) s = MAX_SETBACK_SHARE * B->length;
            gops_point_t heading;
            gops_tnet_pose(net, b, s, 0, &c->at, &heading);
            c->node = v;
            c->edge = B->edge;
            c->across = (gops_point_t){heading.y, -heading.x};
            c->length_m = (float)(r->width_m + 2 * r->nonmotor_m);
            c->s_out = (float)s;
            c->signalised = n->control == GOPS_JUNCTION_SIGNAL;
            c->arc_in = in;
            c->arc_out = b;
            c->walk_ref = in;
            if (!net->arcs[in].in_map) {
                // A leg leaving a one-way junction: walk while traffic heading straight into it stops.
                double best = -2;
                gops_point_t out = gops_tnet_start_dir(net, b);
                for (uint32_t k = 0; k < n->in_count; k++) {
                    uint32_t a = net->node_arcs[n->first_in + k];
                    if (!net->arcs[a].in_map || net->arcs[a].edge == B->edge) continue;
                    gops_point_t d = gops_tnet_end_dir(net, a);
                    double dot = d.x * out.x + d.y * out.y;
                    if (dot > best) best = dot, c->walk_ref = a;
                }
            }
            net->arcs[in].crossing_end = net->crossing_count;
            B->crossing_start = net->crossing_count;
            net->crossing_count++;
        }
    }
    return GOPS_OK;
}

gops_tnet_t *gops_tnet_build(const gops_district_t *district, gops_error_t *err)
{
    GOPS_ASSERT(district && district->roads && district->map);
    gops_tnet_t *net = calloc(1, sizeof *net);
    if (!net) {
        gops_error_set(err, GOPS_NOMEM, "traffic network: out of memory");
        return NULL;
    }
    net->district = district;
    if (build_arcs(net, err) != GOPS_OK || build_nodes(net, err) != GOPS_OK || build_turns(net, err) != GOPS_OK)
        goto fail;
    for (uint32_t a = 0; a < net->arc_count; a++) mark_lanes(net, a);
    assign_control(net);
    if (build_crossings(net, err) != GOPS_OK) goto fail;
    return net;
fail:
    gops_tnet_destroy(net);
    return NULL;
}

void gops_tnet_pose(const gops_tnet_t *net, uint32_t arc, double s, double lateral, gops_point_t *at,
                    gops_point_t *heading)
{
    const gops_tnet_arc_t *A = &net->arcs[arc];
    const double *cum = net->cum + A->first_pt;
    const gops_point_t *p = net->pts + A->first_pt;
    uint32_t n = A->pt_count, lo = 0, hi = n - 1; // the segment [lo, lo + 1] containing s
    if (s >= cum[n - 1]) lo = n - 2;
    else if (s > 0)
        while (hi - lo > 1) {
            uint32_t mid = (lo + hi) / 2;
            if (cum[mid] <= s) lo = mid;
            else hi = mid;
        }
    hi = lo + 1;
    double seg = cum[hi] - cum[lo];
    double t = seg > 0 ? (s - cum[lo]) / seg : 0;
    gops_point_t d = unit(p[hi].x - p[lo].x, p[hi].y - p[lo].y);
    at->x = p[lo].x + (p[hi].x - p[lo].x) * t + d.y * lateral;
    at->y = p[lo].y + (p[hi].y - p[lo].y) * t - d.x * lateral;
    if (heading) *heading = d;
}

uint32_t gops_tnet_nearest_edge(const gops_tnet_t *net, gops_point_t q, double max_m, double *s_forward,
                                double *dist_m, bool *right_of_forward)
{
    uint32_t best = GOPS_TNET_NONE;
    double best_d = max_m, best_s = 0;
    bool best_right = false;
    for (uint32_t a = 0; a < net->arc_count; a += 2) {
        const gops_tnet_arc_t *A = &net->arcs[a];
        for (uint32_t k = 0; k + 1 < A->pt_count; k++) {
            gops_point_t p0 = net->pts[A->first_pt + k], p1 = net->pts[A->first_pt + k + 1];
            double dx = p1.x - p0.x, dy = p1.y - p0.y, len2 = dx * dx + dy * dy;
            double t = len2 > 0 ? ((q.x - p0.x) * dx + (q.y - p0.y) * dy) / len2 : 0;
            t = t < 0 ? 0 : (t > 1 ? 1 : t);
            double cx = p0.x + t * dx, cy = p0.y + t * dy;
            double d = hypot(q.x - cx, q.y - cy);
            if (d < best_d || (d <= best_d && best == GOPS_TNET_NONE)) {
                best_d = d;
                best = A->edge;
                best_s = net->cum[A->first_pt + k] + t * sqrt(len2);
                best_right = dx * (q.y - p0.y) - dy * (q.x - p0.x) < 0;
            }
        }
    }
    if (best != GOPS_TNET_NONE) {
        if (s_forward) *s_forward = best_s;
        if (dist_m) *dist_m = best_d;
        if (right_of_forward) *right_of_forward = best_right;
    }
    return best;
}

uint32_t gops_tnet_find_turn(const gops_tnet_t *net, uint32_t from, uint32_t to)
{
    const gops_tnet_arc_t *A = &net->arcs[from];
    for (uint32_t t = A->first_turn; t < A->first_turn + A->turn_count; t++)
        if (net->turns[t].to_arc == to) return t;
    return GOPS_TNET_NONE;
}
