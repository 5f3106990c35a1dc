// SPDX-License-Identifier: MIT
// Planar geometry on local metres: shoelace areas and centroids, ring orientation,
// crossing-rule point location, segment relations with collinear/touching cases, and the
// ring simplicity sweep. Works on caller-owned arrays; knows nothing of features or maps.
// Ordering: the simplicity sweep visits edges sorted by (min x, ring, edge), so the defect
// it reports is the same on every run.
#include "world/geometry.h"

#include <math.h>
#include <stdlib.h>

/// Margin (m) added to edge bounding boxes in the sweep so that a vertex lying on another
/// edge up to rounding is still tested against it.
#define BOX_MARGIN_M 1e-9

static gops_point_t pt_at(const gops_path_t *ring, uint32_t i)
{
    return ring->pts[i % ring->count];
}

static bool pt_equal(gops_point_t a, gops_point_t b)
{
    return a.x == b.x && a.y == b.y;
}

double gops_ring_signed_area(const gops_path_t *ring)
{
    if (!ring || ring->count < 3) return 0.0;
    // Relative to the first vertex: the products stay small, so precision does not depend
    // on how far the ring is from the origin.
    const gops_point_t o = ring->pts[0];
    double twice = 0.0;
    for (uint32_t i = 1; i + 1 < ring->count; i++) {
        double xi = ring->pts[i].x - o.x, yi = ring->pts[i].y - o.y;
        double xj = ring->pts[i + 1].x - o.x, yj = ring->pts[i + 1].y - o.y;
        twice += xi * yj - xj * yi;
    }
    return twice / 2.0;
}

double gops_polygon_area(const gops_polygon_t *poly)
{
    if (!poly || poly->ring_count == 0) return 0.0;
    double area = fabs(gops_ring_signed_area(&poly->rings[0]));
    for (uint32_t r = 1; r < poly->ring_count; r++)
        area -= fabs(gops_ring_signed_area(&poly->rings[r]));
    return area > 0.0 ? area : 0.0;
}

static gops_point_t vertex_mean(const gops_path_t *ring)
{
    gops_point_t m = {0.0, 0.0};
    if (!ring || ring->count == 0) return m;
    for (uint32_t i = 0; i < ring->count; i++) {
        m.x += ring->pts[i].x;
        m.y += ring->pts[i].y;
    }
    m.x /= ring->count;
    m.y /= ring->count;
    return m;
}

/// Twice the signed area and the first moments (relative to pts[0]) of a ring.
static void ring_moments(const gops_path_t *ring, double *twice_area, double *mx, double *my)
{
    *twice_area = *mx = *my = 0.0;
    if (ring->count < 3) return;
    const gops_point_t o = ring->pts[0];
    for (uint32_t i = 1; i + 1 < ring->count; i++) {
        double xi = ring->pts[i].x - o.x, yi = ring->pts[i].y - o.y;
        double xj = ring->pts[i + 1].x - o.x, yj = ring->pts[i + 1].y - o.y;
        double c = xi * yj - xj * yi;
        *twice_area += c;
        *mx += (xi + xj) * c;
        *my += (yi + yj) * c;
    }
}

gops_point_t gops_ring_centroid(const gops_path_t *ring)
{
    if (!ring || ring->count == 0) return (gops_point_t){0.0, 0.0};
    double a2, mx, my;
    ring_moments(ring, &a2, &mx, &my);
    // "Near zero" relative to the ring's extent: a sliver has no meaningful area centroid.
    double minx = 0, miny = 0, maxx = 0, maxy = 0;
    gops_path_bounds(ring, &minx, &miny, &maxx, &maxy);
    double ext = fmax(maxx - minx, maxy - miny);
    if (fabs(a2) <= 1e-12 * ext * ext || a2 == 0.0) return vertex_mean(ring);
    return (gops_point_t){ring->pts[0].x + mx / (3.0 * a2), ring->pts[0].y + my / (3.0 * a2)};
}

gops_point_t gops_polygon_centroid(const gops_polygon_t *poly)
{
    if (!poly || poly->ring_count == 0) return (gops_point_t){0.0, 0.0};
    // Each ring's centroid weighted by its area, holes negative whatever their orientation.
    double total = 0.0, sx = 0.0, sy = 0.0;
    for (uint32_t r = 0; r < poly->ring_count; r++) {
        double a = fabs(gops_ring_signed_area(&poly->rings[r]));
        if (r > 0) a = -a;
        gops_point_t c = gops_ring_centroid(&poly->rings[r]);
        total += a;
        sx += a * c.x;
        sy += a * c.y;
    }
    double outer = fabs(gops_ring_signed_area(&poly->rings[0]));
    if (!(total > 1e-9 * outer)) return gops_ring_centroid(&poly->rings[0]); // holes ate it all
    return (gops_point_t){sx / total, sy / total};
}

gops_point_t gops_polyline_centroid(const gops_path_t *line)
{
    if (!line || line->count == 0) return (gops_point_t){0.0, 0.0};
    double total = 0.0, sx = 0.0, sy = 0.0;
    for (uint32_t i = 0; i + 1 < line->count; i++) {
        gops_point_t a = line->pts[i], b = line->pts[i + 1];
        double len = hypot(b.x - a.x, b.y - a.y);
        total += len;
        sx += len * (a.x + b.x) / 2.0;
        sy += len * (a.y + b.y) / 2.0;
    }
    if (total <= 0.0) return line->pts[0];
    return (gops_point_t){sx / total, sy / total};
}

void gops_path_reverse(gops_path_t *path)
{
    if (!path || path->count < 2) return;
    for (uint32_t i = 0, j = path->count - 1; i < j; i++, j--) {
        gops_point_t t = path->pts[i];
        path->pts[i] = path->pts[j];
        path->pts[j] = t;
    }
}

void gops_polygon_normalize(gops_polygon_t *poly)
{
    if (!poly) return;
    for (uint32_t r = 0; r < poly->ring_count; r++) {
        double a = gops_ring_signed_area(&poly->rings[r]);
        if ((r == 0 && a < 0.0) || (r > 0 && a > 0.0)) gops_path_reverse(&poly->rings[r]);
    }
}

double gops_point_segment_distance(gops_point_t p, gops_point_t a, gops_point_t b,
                                   gops_point_t *closest)
{
    double abx = b.x - a.x, aby = b.y - a.y;
    double len2 = abx * abx + aby * aby;
    gops_point_t q = a;
    if (len2 > 0.0) {
        double t = ((p.x - a.x) * abx + (p.y - a.y) * aby) / len2;
        if (t >= 1.0) {
            q = b;
        } else if (t > 0.0) {
            q.x = a.x + t * abx;
            q.y = a.y + t * aby;
        }
    }
    if (closest) *closest = q;
    return hypot(p.x - q.x, p.y - q.y);
}

gops_point_location_t gops_ring_locate(const gops_path_t *ring, gops_point_t p, double tol_m)
{
    if (!ring || ring->count == 0) return GOPS_LOC_OUTSIDE;
    if (!(tol_m >= 0.0)) tol_m = 0.0;
    bool inside = false;
    for (uint32_t i = 0; i < ring->count; i++) {
        gops_point_t a = ring->pts[i], b = pt_at(ring, i + 1);
        if (gops_point_segment_distance(p, a, b, NULL) <= tol_m) return GOPS_LOC_BOUNDARY;
        // Crossing rule with half-open edges in y, so a ray through a vertex counts once.
        if ((a.y > p.y) != (b.y > p.y)) {
            double xint = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
            if (p.x < xint) inside = !inside;
        }
    }
    return inside ? GOPS_LOC_INSIDE : GOPS_LOC_OUTSIDE;
}

gops_point_location_t gops_polygon_locate(const gops_polygon_t *poly, gops_point_t p,
                                          double tol_m)
{
    if (!poly || poly->ring_count == 0) return GOPS_LOC_OUTSIDE;
    gops_point_location_t outer = gops_ring_locate(&poly->rings[0], p, tol_m);
    if (outer != GOPS_LOC_INSIDE) return outer;
    for (uint32_t r = 1; r < poly->ring_count; r++) {
        gops_point_location_t h = gops_ring_locate(&poly->rings[r], p, tol_m);
        if (h == GOPS_LOC_BOUNDARY) return GOPS_LOC_BOUNDARY;
        if (h == GOPS_LOC_INSIDE) return GOPS_LOC_OUTSIDE;
    }
    return GOPS_LOC_INSIDE;
}

bool gops_polygon_contains(const gops_polygon_t *poly, gops_point_t p)
{
    return gops_polygon_locate(poly, p, 1e-9) != GOPS_LOC_OUTSIDE;
}

/// Sign of the turn a → b → c: +1 left (counter-clockwise), -1 right, 0 collinear within
/// GOPS_GEOM_REL_EPS (relative to |ab|·|ac|, so the test does not depend on scale).
static int orient(gops_point_t a, gops_point_t b, gops_point_t c)
{
    double abx = b.x - a.x, aby = b.y - a.y, acx = c.x - a.x, acy = c.y - a.y;
    double cr = abx * acy - aby * acx;
    double scale = sqrt((abx * abx + aby * aby) * (acx * acx + acy * acy));
    if (fabs(cr) <= GOPS_GEOM_REL_EPS * scale) return 0;
    return cr > 0.0 ? 1 : -1;
}

/// For p collinear with [a, b]: whether p lies within the segment (relative slack 1e-12).
static bool within(gops_point_t p, gops_point_t a, gops_point_t b)
{
    double abx = b.x - a.x, aby = b.y - a.y;
    double len2 = abx * abx + aby * aby;
    if (len2 == 0.0) return pt_equal(p, a);
    double t = ((p.x - a.x) * abx + (p.y - a.y) * aby) / len2;
    return t >= -1e-12 && t <= 1.0 + 1e-12;
}

static gops_segment_relation_t collinear_relation(gops_point_t a, gops_point_t b, gops_point_t c,
                                                  gops_point_t d, gops_point_t *at)
{
    // Parameterise all four points along the longer segment's direction.
    double l1 = (b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y);
    double l2 = (d.x - c.x) * (d.x - c.x) + (d.y - c.y) * (d.y - c.y);
    double ux = l1 >= l2 ? b.x - a.x : d.x - c.x;
    double uy = l1 >= l2 ? b.y - a.y : d.y - c.y;
    double u2 = ux * ux + uy * uy;
    double sa = 0.0, sb = (b.x - a.x) * ux + (b.y - a.y) * uy;
    double sc = (c.x - a.x) * ux + (c.y - a.y) * uy, sd = (d.x - a.x) * ux + (d.y - a.y) * uy;
    gops_point_t lo1p = sa <= sb ? a : b, lo2p = sc <= sd ? c : d;
    double lo1 = fmin(sa, sb), hi1 = fmax(sa, sb), lo2 = fmin(sc, sd), hi2 = fmax(sc, sd);
    double lo = fmax(lo1, lo2), hi = fmin(hi1, hi2);
    double tol = 1e-12 * u2;
    if (hi < lo - tol) return GOPS_SEG_DISJOINT;
    if (at) *at = lo1 >= lo2 ? lo1p : lo2p;
    return hi - lo <= tol ? GOPS_SEG_TOUCH : GOPS_SEG_OVERLAP;
}

gops_segment_relation_t gops_segment_intersect(gops_point_t a, gops_point_t b, gops_point_t c,
                                               gops_point_t d, gops_point_t *at)
{
    bool ab_point = pt_equal(a, b), cd_point = pt_equal(c, d);
    if (ab_point && cd_point) {
        if (!pt_equal(a, c)) return GOPS_SEG_DISJOINT;
        if (at) *at = a;
        return GOPS_SEG_TOUCH;
    }
    if (ab_point || cd_point) {
        gops_point_t p = ab_point ? a : c, s0 = ab_point ? c : a, s1 = ab_point ? d : b;
        if (orient(s0, s1, p) != 0 || !within(p, s0, s1)) return GOPS_SEG_DISJOINT;
        if (at) *at = p;
        return GOPS_SEG_TOUCH;
    }
    int o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
    if ((o1 == 0 && o2 == 0) || (o3 == 0 && o4 == 0)) return collinear_relation(a, b, c, d, at);
    if (o1 * o2 < 0 && o3 * o4 < 0) {
        if (at) {
            double rx = b.x - a.x, ry = b.y - a.y, sx = d.x - c.x, sy = d.y - c.y;
            double t = ((c.x - a.x) * sy - (c.y - a.y) * sx) / (rx * sy - ry * sx);
            at->x = a.x + t * rx;
            at->y = a.y + t * ry;
        }
        return GOPS_SEG_CROSS;
    }
    // One endpoint on the other segment.
    const gops_point_t cand[4] = {c, d, a, b};
    const int o[4] = {o1, o2, o3, o4};
    for (int k = 0; k < 4; k++) {
        bool on = k < 2 ? within(cand[k], a, b) : within(cand[k], c, d);
        if (o[k] == 0 && on) {
            if (at) *at = cand[k];
            return GOPS_SEG_TOUCH;
        }
    }
    return GOPS_SEG_DISJOINT;
}

typedef struct edge_box {
    double xmin, xmax, ymin, ymax;
    uint32_t ring, edge;
} edge_box_t;

static int edge_box_cmp(const void *pa, const void *pb)
{
    const edge_box_t *a = pa, *b = pb;
    if (a->xmin != b->xmin) return a->xmin < b->xmin ? -1 : 1;
    if (a->ring != b->ring) return a->ring < b->ring ? -1 : 1;
    if (a->edge != b->edge) return a->edge < b->edge ? -1 : 1;
    return 0;
}

static bool edges_adjacent(uint32_t e, uint32_t f, uint32_t n)
{
    return (e + 1) % n == f || (f + 1) % n == e;
}

/// Tests edge (ra, ea) against (rb, eb); true (and fills *defect) when they form a defect.
static bool test_edge_pair(const gops_polygon_t *poly, uint32_t ra, uint32_t ea, uint32_t rb,
                           uint32_t eb, gops_ring_defect_t *defect)
{
    if (ra == rb && ea == eb) return false;
    const gops_path_t *A = &poly->rings[ra], *B = &poly->rings[rb];
    gops_point_t at = {0.0, 0.0};
    gops_segment_relation_t rel =
        gops_segment_intersect(pt_at(A, ea), pt_at(A, ea + 1), pt_at(B, eb), pt_at(B, eb + 1), &at);
    if (rel == GOPS_SEG_DISJOINT) return false;
    // Neighbouring edges of one ring always share their common vertex; only a fold-back
    // (collinear overlap, a spike) is a defect there.
    if (ra == rb && edges_adjacent(ea, eb, A->count) && rel != GOPS_SEG_OVERLAP) {
        // A 2-edge "ring" has its edges adjacent on both sides; any relation but overlap is
        // impossible for it, so nothing is lost here.
        return false;
    }
    if (defect) {
        bool swap = ra > rb || (ra == rb && ea > eb);
        defect->ring_a = swap ? rb : ra;
        defect->edge_a = swap ? eb : ea;
        defect->ring_b = swap ? ra : rb;
        defect->edge_b = swap ? ea : eb;
        defect->relation = rel;
        defect->at = at;
    }
    return true;
}

static bool brute_force_defect(const gops_polygon_t *poly, gops_ring_defect_t *defect)
{
    for (uint32_t ra = 0; ra < poly->ring_count; ra++)
        for (uint32_t ea = 0; ea < poly->rings[ra].count; ea++)
            for (uint32_t rb = ra; rb < poly->ring_count; rb++)
                for (uint32_t eb = rb == ra ? ea + 1 : 0; eb < poly->rings[rb].count; eb++)
                    if (test_edge_pair(poly, ra, ea, rb, eb, defect)) return true;
    return false;
}

bool gops_polygon_find_defect(const gops_polygon_t *poly, gops_ring_defect_t *defect)
{
    if (!poly) return false;
    size_t n = 0;
    for (uint32_t r = 0; r < poly->ring_count; r++)
        if (poly->rings[r].count >= 2) n += poly->rings[r].count;
    if (n == 0) return false;
    edge_box_t *boxes = malloc(n * sizeof *boxes);
    if (!boxes) return brute_force_defect(poly, defect);
    size_t k = 0;
    for (uint32_t r = 0; r < poly->ring_count; r++) {
        const gops_path_t *ring = &poly->rings[r];
        if (ring->count < 2) continue;
        for (uint32_t e = 0; e < ring->count; e++) {
            gops_point_t a = ring->pts[e], b = pt_at(ring, e + 1);
            boxes[k++] = (edge_box_t){fmin(a.x, b.x) - BOX_MARGIN_M, fmax(a.x, b.x) + BOX_MARGIN_M,
                                      fmin(a.y, b.y) - BOX_MARGIN_M, fmax(a.y, b.y) + BOX_MARGIN_M,
                                      r, e};
        }
    }
    qsort(boxes, n, sizeof *boxes, edge_box_cmp);
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) {
        for (size_t j = i + 1; j < n && boxes[j].xmin <= boxes[i].xmax; j++) {
            if (boxes[j].ymin > boxes[i].ymax || boxes[j].ymax < boxes[i].ymin) continue;
            if (test_edge_pair(poly, boxes[i].ring, boxes[i].edge, boxes[j].ring, boxes[j].edge,
                               defect)) {
                found = true;
                break;
            }
        }
    }
    free(boxes);
    return found;
}

bool gops_ring_self_intersects(const gops_path_t *ring, gops_ring_defect_t *defect)
{
    if (!ring) return false;
    gops_polygon_t one = {(gops_path_t *)ring, 1};
    return gops_polygon_find_defect(&one, defect);
}

double gops_polyline_length(const gops_path_t *line)
{
    if (!line) return 0.0;
    double len = 0.0;
    for (uint32_t i = 0; i + 1 < line->count; i++)
        len += hypot(line->pts[i + 1].x - line->pts[i].x, line->pts[i + 1].y - line->pts[i].y);
    return len;
}

bool gops_path_bounds(const gops_path_t *path, double *min_x, double *min_y, double *max_x,
                      double *max_y)
{
    if (!path || path->count == 0) return false;
    double x0 = path->pts[0].x, y0 = path->pts[0].y, x1 = x0, y1 = y0;
    for (uint32_t i = 1; i < path->count; i++) {
        x0 = fmin(x0, path->pts[i].x);
        x1 = fmax(x1, path->pts[i].x);
        y0 = fmin(y0, path->pts[i].y);
        y1 = fmax(y1, path->pts[i].y);
    }
    *min_x = x0;
    *min_y = y0;
    *max_x = x1;
    *max_y = y1;
    return true;
}
