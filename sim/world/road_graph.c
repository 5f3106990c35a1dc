// SPDX-License-Identifier: MIT
// Builds the road graph (road_graph.h) from a map's road features. Ordering rules:
// vertices are numbered by road feature index, then position along the line; a node takes
// the number of its first vertex; edges follow their road's vertices; arcs follow edges
// (forward first); turns follow nodes, then incoming arc, then outgoing arc; components
// (as drawn, and open through the map's edge) are numbered by their lowest node.
#include "world/road_graph.h"

#include "core/assert.h"
#include "world/geometry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct builder {
    const gops_map_t *map;
    uint32_t vertex_count;
    gops_point_t *vp;     // vertex position, by global vertex number
    uint32_t *vroad;      // road slot of each vertex
    uint32_t *vpos;       // position in its road's line
    uint32_t *parent;     // union-find over vertices; the root is the lowest number
    uint32_t *node_of;    // vertex -> node (GOPS_ROAD_NONE when not a node)
} builder_t;

// A vertex keyed by x for the sweep that finds coinciding vertices (qsort has no user
// pointer, so the key travels with the index; ties fall back to the vertex number).
typedef struct xkey {
    double x;
    uint32_t v;
} xkey_t;

static int cmp_xkey(const void *pa, const void *pb)
{
    const xkey_t *a = pa, *b = pb;
    if (a->x != b->x) return a->x < b->x ? -1 : 1;
    return (a->v > b->v) - (a->v < b->v);
}

static uint32_t uf_find(uint32_t *parent, uint32_t v)
{
    while (parent[v] != v) {
        parent[v] = parent[parent[v]];
        v = parent[v];
    }
    return v;
}

static void uf_union(uint32_t *parent, uint32_t a, uint32_t b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a == b) return;
    if (a < b) parent[b] = a;
    else parent[a] = b;
}

static double dist(gops_point_t a, gops_point_t b)
{
    return hypot(a.x - b.x, a.y - b.y);
}

void gops_road_graph_destroy(gops_road_graph_t *g)
{
    if (!g) return;
    free(g->nodes);
    free(g->edges);
    free(g->arcs);
    free(g->out_arcs);
    free(g->in_arcs);
    free(g->turns);
    free(g->roads);
    free(g->component_size);
    free(g->stray_junctions);
    free(g);
}

// Strongly connected components by Tarjan's algorithm without recursion over a graph in
// compressed rows (successors of v: to[start[v] .. start[v+1]-1]), numbered afterwards by
// their lowest node so the numbering does not depend on the visit order. Writes label[v]
// and returns the component count in *count.
static gops_status_t tarjan(uint32_t n, const uint32_t *start, const uint32_t *to, uint32_t *label,
                            uint32_t *count, gops_error_t *err)
{
    gops_status_t st = GOPS_OK;
    uint32_t *index = malloc((n + 1) * sizeof *index);
    uint32_t *low = malloc((n + 1) * sizeof *low);
    uint32_t *stack = malloc((n + 1) * sizeof *stack);
    uint32_t *call_node = malloc((n + 1) * sizeof *call_node);
    uint32_t *call_next = malloc((n + 1) * sizeof *call_next);
    uint32_t *renum = malloc((n + 1) * sizeof *renum);
    bool *on_stack = calloc(n + 1, sizeof *on_stack);
    if (!index || !low || !stack || !call_node || !call_next || !renum || !on_stack) {
        st = gops_error_set(err, GOPS_NOMEM, "road graph: out of memory for %u nodes", n);
        goto cleanup;
    }
    for (uint32_t v = 0; v < n; v++) index[v] = GOPS_ROAD_NONE;
    uint32_t next_index = 0, sp = 0, raw_count = 0;
    for (uint32_t root = 0; root < n; root++) {
        if (index[root] != GOPS_ROAD_NONE) continue;
        uint32_t depth = 0;
        call_node[0] = root;
        call_next[0] = start[root];
        index[root] = low[root] = next_index++;
        stack[sp++] = root;
        on_stack[root] = true;
        while (true) {
            uint32_t v = call_node[depth];
            if (call_next[depth] < start[v + 1]) {
                uint32_t w = to[call_next[depth]++];
                if (index[w] == GOPS_ROAD_NONE) {
                    index[w] = low[w] = next_index++;
                    stack[sp++] = w;
                    on_stack[w] = true;
                    depth++;
                    call_node[depth] = w;
                    call_next[depth] = start[w];
                } else if (on_stack[w] && index[w] < low[v]) {
                    low[v] = index[w];
                }
                continue;
            }
            if (low[v] == index[v]) {
                uint32_t w;
                do {
                    w = stack[--sp];
                    on_stack[w] = false;
                    label[w] = raw_count;
                } while (w != v);
                raw_count++;
            }
            if (depth == 0) break;
            depth--;
            uint32_t u = call_node[depth];
            if (low[v] < low[u]) low[u] = low[v];
        }
    }
    for (uint32_t c = 0; c < raw_count; c++) renum[c] = GOPS_ROAD_NONE;
    uint32_t k = 0;
    for (uint32_t v = 0; v < n; v++) {
        if (renum[label[v]] == GOPS_ROAD_NONE) renum[label[v]] = k++;
        label[v] = renum[label[v]];
    }
    *count = k;
cleanup:
    free(index);
    free(low);
    free(stack);
    free(call_node);
    free(call_next);
    free(renum);
    free(on_stack);
    return st;
}

// The largest label by member count among the first n nodes (lowest on ties), or NONE.
static uint32_t largest_label(const uint32_t *label, uint32_t n, uint32_t count, uint32_t *size)
{
    for (uint32_t c = 0; c < count; c++) size[c] = 0;
    for (uint32_t v = 0; v < n; v++) size[label[v]]++;
    uint32_t best = GOPS_ROAD_NONE;
    for (uint32_t c = 0; c < count && n > 0; c++)
        if (best == GOPS_ROAD_NONE || size[c] > size[best]) best = c;
    return best;
}

// Components of the road network as drawn, then of the open network: the same graph plus
// one node standing for the world outside the map, joined both ways to every gateway.
static gops_status_t find_components(gops_road_graph_t *g, gops_error_t *err)
{
    uint32_t n = g->node_count;
    gops_status_t st = GOPS_OK;
    uint32_t gateways = 0;
    for (uint32_t v = 0; v < n; v++) gateways += g->nodes[v].gateway;
    uint32_t *start = calloc(n + 2, sizeof *start);
    uint32_t *to = calloc(g->arc_count + 2 * gateways + 1, sizeof *to);
    uint32_t *label = malloc((n + 1) * sizeof *label);
    uint32_t *scratch = malloc((n + 2) * sizeof *scratch);
    g->component_size = calloc(n + 1, sizeof *g->component_size);
    if (!start || !to || !label || !scratch || !g->component_size) {
        st = gops_error_set(err, GOPS_NOMEM, "road graph: out of memory for components");
        goto cleanup;
    }
    uint32_t k = 0;
    for (uint32_t v = 0; v < n; v++) {
        start[v] = k;
        const gops_road_node_t *node = &g->nodes[v];
        for (uint32_t i = 0; i < node->out_count; i++) to[k++] = g->arcs[g->out_arcs[node->first_out + i]].to;
    }
    start[n] = k;
    if ((st = tarjan(n, start, to, label, &g->component_count, err)) != GOPS_OK) goto cleanup;
    for (uint32_t v = 0; v < n; v++) g->nodes[v].component = label[v];
    g->largest_component = largest_label(label, n, g->component_count, g->component_size);

    // The open network: rebuild the rows with each gateway also leading outside (node n),
    // and the outside leading to every gateway.
    k = 0;
    for (uint32_t v = 0; v < n; v++) {
        start[v] = k;
        const gops_road_node_t *node = &g->nodes[v];
        for (uint32_t i = 0; i < node->out_count; i++) to[k++] = g->arcs[g->out_arcs[node->first_out + i]].to;
        if (node->gateway) to[k++] = n;
    }
    start[n] = k;
    for (uint32_t v = 0; v < n; v++)
        if (g->nodes[v].gateway) to[k++] = v;
    start[n + 1] = k;
    uint32_t *open = malloc((n + 2) * sizeof *open);
    if (!open) {
        st = gops_error_set(err, GOPS_NOMEM, "road graph: out of memory for components");
        goto cleanup;
    }
    uint32_t open_count;
    st = tarjan(n + 1, start, to, open, &open_count, err);
    if (st == GOPS_OK) {
        for (uint32_t v = 0; v < n; v++) g->nodes[v].open_component = open[v];
        g->largest_open_component = largest_label(open, n, open_count, scratch);
    }
    free(open);
cleanup:
    free(start);
    free(to);
    free(label);
    free(scratch);
    return st;
}

// Arc id lists per node (counting sort keeps arcs ascending within a node).
static gops_status_t build_adjacency(gops_road_graph_t *g, gops_error_t *err)
{
    g->out_arcs = malloc((g->arc_count + 1) * sizeof *g->out_arcs);
    g->in_arcs = malloc((g->arc_count + 1) * sizeof *g->in_arcs);
    if (!g->out_arcs || !g->in_arcs)
        return gops_error_set(err, GOPS_NOMEM, "road graph: out of memory for %u arcs", g->arc_count);
    for (uint32_t a = 0; a < g->arc_count; a++) {
        g->nodes[g->arcs[a].from].out_count++;
        g->nodes[g->arcs[a].to].in_count++;
    }
    uint32_t out_at = 0, in_at = 0;
    for (uint32_t v = 0; v < g->node_count; v++) {
        g->nodes[v].first_out = out_at;
        g->nodes[v].first_in = in_at;
        out_at += g->nodes[v].out_count;
        in_at += g->nodes[v].in_count;
        g->nodes[v].out_count = 0;
        g->nodes[v].in_count = 0;
    }
    for (uint32_t a = 0; a < g->arc_count; a++) {
        gops_road_node_t *from = &g->nodes[g->arcs[a].from];
        gops_road_node_t *to = &g->nodes[g->arcs[a].to];
        g->out_arcs[from->first_out + from->out_count++] = a;
        g->in_arcs[to->first_in + to->in_count++] = a;
    }
    return GOPS_OK;
}

static bool is_reversal(const gops_road_graph_t *g, uint32_t in_arc, uint32_t out_arc)
{
    return g->arcs[in_arc].edge == g->arcs[out_arc].edge &&
           g->arcs[in_arc].backward != g->arcs[out_arc].backward;
}

static gops_status_t build_turns(gops_road_graph_t *g, gops_error_t *err)
{
    // Upper bound: every (in, out) pair at every node.
    uint64_t cap = 0;
    for (uint32_t v = 0; v < g->node_count; v++)
        cap += (uint64_t)g->nodes[v].in_count * g->nodes[v].out_count;
    if (cap > UINT32_MAX / 2)
        return gops_error_set(err, GOPS_MAP, "road graph: too many turn connections (%llu)",
                              (unsigned long long)cap);
    g->turns = malloc((size_t)(cap + 1) * sizeof *g->turns);
    if (!g->turns) return gops_error_set(err, GOPS_NOMEM, "road graph: out of memory for turns");
    uint32_t t = 0;
    for (uint32_t v = 0; v < g->node_count; v++) {
        gops_road_node_t *node = &g->nodes[v];
        node->first_turn = t;
        for (uint32_t i = 0; i < node->in_count; i++) {
            uint32_t in = g->in_arcs[node->first_in + i];
            bool other_way_out = false;
            uint32_t reverse = GOPS_ROAD_NONE;
            for (uint32_t o = 0; o < node->out_count; o++) {
                uint32_t out = g->out_arcs[node->first_out + o];
                if (is_reversal(g, in, out)) reverse = out;
                else other_way_out = true;
            }
            for (uint32_t o = 0; o < node->out_count; o++) {
                uint32_t out = g->out_arcs[node->first_out + o];
                bool uturn = out == reverse;
                if (uturn && other_way_out) continue;
                g->turns[t++] = (gops_road_turn_t){.from_arc = in, .to_arc = out, .uturn = uturn};
            }
        }
        node->turn_count = t - node->first_turn;
    }
    g->turn_count = t;
    return GOPS_OK;
}

static uint32_t nearest_node(const gops_road_graph_t *g, gops_point_t p, double tol)
{
    uint32_t best = GOPS_ROAD_NONE;
    double best_d = tol;
    for (uint32_t v = 0; v < g->node_count; v++) {
        double d = dist(p, g->nodes[v].at);
        if (d < best_d || (d == best_d && best == GOPS_ROAD_NONE)) {
            best = v;
            best_d = d;
        }
    }
    return best;
}

uint32_t gops_road_graph_node_at(const gops_road_graph_t *g, gops_point_t p)
{
    return nearest_node(g, p, GOPS_ROAD_NODE_TOL_M);
}

static gops_status_t assign_control(gops_road_graph_t *g, const gops_map_t *map,
                                    const bool *on_roundabout, gops_error_t *err)
{
    uint32_t junctions = 0;
    for (uint32_t f = 0; f < map->feature_count; f++)
        if (map->features[f].kind == GOPS_FEAT_JUNCTION) junctions++;
    g->stray_junctions = malloc((junctions + 1) * sizeof *g->stray_junctions);
    if (!g->stray_junctions) return gops_error_set(err, GOPS_NOMEM, "road graph: out of memory");
    for (uint32_t v = 0; v < g->node_count; v++) {
        g->nodes[v].junction = -1;
        g->nodes[v].control = on_roundabout[v] ? GOPS_JUNCTION_ROUNDABOUT : GOPS_JUNCTION_PRIORITY;
    }
    // Gateways: nodes with a map-edge transit point close by, where traffic leaves and enters.
    for (uint32_t f = 0; f < map->feature_count; f++) {
        const gops_feature_t *feat = &map->features[f];
        if (feat->kind != GOPS_FEAT_TRANSIT || feat->u.transit.mode != GOPS_TRANSIT_EDGE) continue;
        uint32_t v = nearest_node(g, feat->at, GOPS_ROAD_GATEWAY_M);
        if (v != GOPS_ROAD_NONE) g->nodes[v].gateway = true;
    }
    // The first junction feature at a node (by feature index) decides its control.
    for (uint32_t f = 0; f < map->feature_count; f++) {
        const gops_feature_t *feat = &map->features[f];
        if (feat->kind != GOPS_FEAT_JUNCTION) continue;
        uint32_t v = nearest_node(g, feat->at, GOPS_ROAD_JUNCTION_SNAP_M);
        if (v == GOPS_ROAD_NONE) {
            g->stray_junctions[g->stray_junction_count++] = f;
            continue;
        }
        if (g->nodes[v].junction >= 0) continue;
        g->nodes[v].junction = (int32_t)f;
        g->nodes[v].control = feat->u.junction.control;
    }
    return GOPS_OK;
}

// Validates the roads and lists their feature indices; returns the vertex total.
static gops_status_t collect_roads(gops_road_graph_t *g, const gops_map_t *map,
                                   uint32_t *vertex_total, gops_error_t *err)
{
    uint32_t count = 0;
    uint64_t vertices = 0;
    for (uint32_t f = 0; f < map->feature_count; f++) {
        const gops_feature_t *feat = &map->features[f];
        if (feat->kind != GOPS_FEAT_ROAD) continue;
        const gops_road_t *r = &feat->u.road;
        const char *id = feat->id ? feat->id : (feat->name ? feat->name : "(no id)");
        if (r->line.count < 2)
            return gops_error_set(err, GOPS_MAP,
                                  "%s: road feature %u '%s' has %u point(s), expected at least 2",
                                  map->path ? map->path : "map", feat->index, id, r->line.count);
        if (!(r->speed_kmh > 0) || !isfinite(r->speed_kmh))
            return gops_error_set(err, GOPS_MAP,
                                  "%s: road feature %u '%s' has speed_kmh %g, expected a positive number",
                                  map->path ? map->path : "map", feat->index, id, r->speed_kmh);
        if (r->lanes < 1)
            return gops_error_set(err, GOPS_MAP,
                                  "%s: road feature %u '%s' has %d lanes, expected at least 1",
                                  map->path ? map->path : "map", feat->index, id, r->lanes);
        count++;
        vertices += r->line.count;
    }
    if (vertices >= UINT32_MAX / 4)
        return gops_error_set(err, GOPS_MAP, "%s: %llu road vertices, too many for the road graph",
                              map->path ? map->path : "map", (unsigned long long)vertices);
    g->roads = calloc(count + 1, sizeof *g->roads);
    if (!g->roads) return gops_error_set(err, GOPS_NOMEM, "road graph: out of memory");
    for (uint32_t f = 0; f < map->feature_count; f++)
        if (map->features[f].kind == GOPS_FEAT_ROAD) g->roads[g->road_count++].feature = f;
    *vertex_total = (uint32_t)vertices;
    return GOPS_OK;
}

// Clusters vertices within the node tolerance and numbers the nodes.
static gops_status_t find_nodes(gops_road_graph_t *g, builder_t *b, gops_error_t *err)
{
    uint32_t nv = b->vertex_count;
    xkey_t *order = malloc((nv + 1) * sizeof *order);
    uint32_t *size = calloc(nv + 1, sizeof *size);
    bool *endpoint = calloc(nv + 1, sizeof *endpoint);
    uint32_t *last_road = NULL;
    gops_status_t st = GOPS_OK;
    if (!order || !size || !endpoint) {
        st = gops_error_set(err, GOPS_NOMEM, "road graph: out of memory for %u vertices", nv);
        goto cleanup;
    }
    for (uint32_t v = 0; v < nv; v++) order[v] = (xkey_t){.x = b->vp[v].x, .v = v};
    qsort(order, nv, sizeof *order, cmp_xkey);
    for (uint32_t i = 1; i < nv; i++) {
        gops_point_t p = b->vp[order[i].v];
        for (uint32_t j = i; j-- > 0;) {
            gops_point_t q = b->vp[order[j].v];
            if (p.x - q.x > GOPS_ROAD_NODE_TOL_M) break;
            if (dist(p, q) <= GOPS_ROAD_NODE_TOL_M) uf_union(b->parent, order[i].v, order[j].v);
        }
    }
    for (uint32_t v = 0; v < nv; v++) {
        uint32_t r = uf_find(b->parent, v);
        size[r]++;
        const gops_road_t *road = &b->map->features[g->roads[b->vroad[v]].feature].u.road;
        if (b->vpos[v] == 0 || b->vpos[v] + 1 == road->line.count) endpoint[r] = true;
    }
    uint32_t nodes = 0;
    for (uint32_t v = 0; v < nv; v++) {
        uint32_t r = uf_find(b->parent, v);
        b->node_of[v] = GOPS_ROAD_NONE;
        if (!(endpoint[r] || size[r] >= 2)) continue;
        // The root is the cluster's lowest vertex, so it is met first and numbered first.
        if (r == v) b->node_of[v] = nodes++;
        else b->node_of[v] = b->node_of[r];
    }
    g->nodes = calloc(nodes + 1, sizeof *g->nodes);
    last_road = malloc((nodes + 1) * sizeof *last_road);
    if (!g->nodes || !last_road) {
        st = gops_error_set(err, GOPS_NOMEM, "road graph: out of memory for %u nodes", nodes);
        goto cleanup;
    }
    g->node_count = nodes;
    for (uint32_t n = 0; n < nodes; n++) last_road[n] = GOPS_ROAD_NONE;
    for (uint32_t v = 0; v < nv; v++) {
        uint32_t n = b->node_of[v];
        if (n == GOPS_ROAD_NONE) continue;
        if (uf_find(b->parent, v) == v) g->nodes[n].at = b->vp[v];
        // Vertices come in road order, so a repeated road is always the last one seen.
        if (last_road[n] != b->vroad[v]) {
            last_road[n] = b->vroad[v];
            g->nodes[n].road_count++;
        }
    }
cleanup:
    free(order);
    free(size);
    free(endpoint);
    free(last_road);
    return st;
}

static gops_status_t build_edges(gops_road_graph_t *g, builder_t *b, bool *on_roundabout,
                                 gops_error_t *err)
{
    // At most: edges per road = nodes along it minus one; arcs = edges (+ edges when two-way).
    uint32_t edge_total = 0, arc_total = 0;
    for (uint32_t v = 0; v < b->vertex_count; v++) {
        if (b->vpos[v] == 0 || b->node_of[v] == GOPS_ROAD_NONE) continue;
        edge_total++;
        arc_total += b->map->features[g->roads[b->vroad[v]].feature].u.road.oneway ? 1 : 2;
    }
    g->edges = calloc(edge_total + 1, sizeof *g->edges);
    g->arcs = calloc(arc_total + 1, sizeof *g->arcs);
    if (!g->edges || !g->arcs)
        return gops_error_set(err, GOPS_NOMEM, "road graph: out of memory for %u edges", edge_total);
    uint32_t v = 0;
    for (uint32_t ri = 0; ri < g->road_count; ri++) {
        gops_road_info_t *info = &g->roads[ri];
        const gops_road_t *road = &b->map->features[info->feature].u.road;
        info->first_edge = g->edge_count;
        uint32_t start = v; // global number of this road's vertex 0
        uint32_t prev = 0;
        for (uint32_t pos = 1; pos < road->line.count; pos++) {
            uint32_t node = b->node_of[start + pos];
            if (node == GOPS_ROAD_NONE) continue;
            gops_path_t piece = {.pts = road->line.pts + prev, .count = pos - prev + 1};
            double length = gops_polyline_length(&piece);
            if (length == 0 && node == b->node_of[start + prev]) {
                prev = pos; // a repeated point, not a stretch of road
                continue;
            }
            gops_road_edge_t *e = &g->edges[g->edge_count];
            e->road = info->feature;
            e->from = b->node_of[start + prev];
            e->to = node;
            e->first_vertex = prev;
            e->last_vertex = pos;
            e->oneway = road->oneway;
            e->lanes = road->lanes;
            e->length_m = length;
            e->speed_mps = road->speed_kmh / 3.6;
            e->free_time_s = e->length_m / e->speed_mps;
            e->arc_forward = g->arc_count;
            g->arcs[g->arc_count++] =
                (gops_road_arc_t){.edge = g->edge_count, .from = e->from, .to = e->to, .backward = false};
            e->arc_backward = GOPS_ROAD_NONE;
            if (!road->oneway) {
                e->arc_backward = g->arc_count;
                g->arcs[g->arc_count++] =
                    (gops_road_arc_t){.edge = g->edge_count, .from = e->to, .to = e->from, .backward = true};
            }
            if (road->roundabout) on_roundabout[e->from] = on_roundabout[e->to] = true;
            info->arc_count += road->oneway ? 1 : 2;
            g->edge_count++;
            prev = pos;
        }
        info->edge_count = g->edge_count - info->first_edge;
        v += road->line.count;
    }
    GOPS_ASSERT(g->edge_count <= edge_total && g->arc_count <= arc_total);
    return GOPS_OK;
}

gops_road_graph_t *gops_road_graph_build(const gops_map_t *map, gops_error_t *err)
{
    GOPS_ASSERT(map != NULL);
    gops_road_graph_t *g = calloc(1, sizeof *g);
    builder_t b = {.map = map};
    bool *on_roundabout = NULL;
    if (!g) {
        gops_error_set(err, GOPS_NOMEM, "road graph: out of memory");
        return NULL;
    }
    g->largest_component = g->largest_open_component = GOPS_ROAD_NONE;
    if (collect_roads(g, map, &b.vertex_count, err) != GOPS_OK) goto fail;
    uint32_t nv = b.vertex_count;
    b.vp = malloc((nv + 1) * sizeof *b.vp);
    b.vroad = malloc((nv + 1) * sizeof *b.vroad);
    b.vpos = malloc((nv + 1) * sizeof *b.vpos);
    b.parent = malloc((nv + 1) * sizeof *b.parent);
    b.node_of = malloc((nv + 1) * sizeof *b.node_of);
    if (!b.vp || !b.vroad || !b.vpos || !b.parent || !b.node_of) {
        gops_error_set(err, GOPS_NOMEM, "road graph: out of memory for %u vertices", nv);
        goto fail;
    }
    uint32_t v = 0;
    for (uint32_t ri = 0; ri < g->road_count; ri++) {
        const gops_road_t *road = &map->features[g->roads[ri].feature].u.road;
        for (uint32_t pos = 0; pos < road->line.count; pos++, v++) {
            b.vp[v] = road->line.pts[pos];
            b.vroad[v] = ri;
            b.vpos[v] = pos;
            b.parent[v] = v;
        }
    }
    if (find_nodes(g, &b, err) != GOPS_OK) goto fail;
    on_roundabout = calloc(g->node_count + 1, sizeof *on_roundabout);
    if (!on_roundabout) {
        gops_error_set(err, GOPS_NOMEM, "road graph: out of memory");
        goto fail;
    }
    if (build_edges(g, &b, on_roundabout, err) != GOPS_OK) goto fail;
    if (build_adjacency(g, err) != GOPS_OK) goto fail;
    if (build_turns(g, err) != GOPS_OK) goto fail;
    if (assign_control(g, map, on_roundabout, err) != GOPS_OK) goto fail;
    if (find_components(g, err) != GOPS_OK) goto fail;
    for (uint32_t ri = 0; ri < g->road_count; ri++) {
        gops_road_info_t *info = &g->roads[ri];
        for (uint32_t e = info->first_edge; e < info->first_edge + info->edge_count; e++) {
            const gops_road_edge_t *edge = &g->edges[e];
            if (g->nodes[edge->from].road_count >= 2 || g->nodes[edge->to].road_count >= 2)
                info->shares_node = true;
            if (g->nodes[edge->from].open_component == g->largest_open_component &&
                g->nodes[edge->to].open_component == g->largest_open_component)
                info->main_arcs += edge->oneway ? 1 : 2;
        }
    }
    free(b.vp);
    free(b.vroad);
    free(b.vpos);
    free(b.parent);
    free(b.node_of);
    free(on_roundabout);
    return g;
fail:
    free(b.vp);
    free(b.vroad);
    free(b.vpos);
    free(b.parent);
    free(b.node_of);
    free(on_roundabout);
    gops_road_graph_destroy(g);
    return NULL;
}

uint32_t gops_road_graph_isolated_roads(const gops_road_graph_t *g, uint32_t *features, uint32_t cap)
{
    uint32_t count = 0;
    for (uint32_t ri = 0; ri < g->road_count; ri++) {
        if (g->roads[ri].main_arcs > 0) continue;
        if (count < cap) features[count] = g->roads[ri].feature;
        count++;
    }
    return count;
}
