#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Generates assets/maps/erqi.geojson, the schematic Erqi Tower business-district map.
# Owns the map's design (streets, blocks, zones, sensors, posts) and checks it against the
# rules the engine relies on; it does not read any survey: positions are schematic and
# explained in assets/maps/README.md. Standard library only; output is deterministic.
"""Build and validate the Erqi Tower business-district map (gridops GeoJSON schema).

Usage: scripts/tools/make_erqi_map.py [--out PATH] [--check]

Everything is designed in local metres (x east, y north, origin at the Erqi Memorial
Tower), checked there, converted to WGS84 lon/lat with an equirectangular projection
about the tower, rounded to 7 decimals (about 1 cm), and checked again as written.
--check builds and validates without writing and fails when the committed file differs.
"""

import argparse
import json
import math
import os
import sys

# --------------------------------------------------------------------------------------
# Facts (FACTS.md) and projection
# --------------------------------------------------------------------------------------

R_EARTH_M = 6371008.8            # mean Earth radius, m (same as the engine)
TOWER_LON, TOWER_LAT = 113.665, 34.7536   # FACTS.md "area": tower at about 34.7536 N, 113.665 E
TARGET_AREA_M2 = 1.17e6          # FACTS.md "area": 1.17 km²
MALL_COUNT = 22                  # FACTS.md "large commercial complexes"
VENDOR_POINTS = 5                # FACTS.md "vendor guidance points": 5 points ...
VENDOR_STALLS = 97               # ... with 97 stalls in total
HOLIDAY_POSTS = 50               # FACTS.md "holiday staffing": 50 key points
CAMERAS = 570                    # FACTS.md derived: 2,197 x 1.17 / 4.5
SMART_CAPTURE = 106              # FACTS.md derived: 409 x 1.17 / 4.5
PA_SETS = 17                     # FACTS.md derived: 67 x 1.17 / 4.5
EAGLE_EYES = 36                  # our assumption: a few dozen high points among the 570
DECIMALS = 7
ROAD_EXTENSION_M = 5.0           # roads run this far past the boundary
ZONE_OVERLAP_M = 3.0             # each zone reaches this far past its dividing lines
ZONE_OUTER_M = 25.0              # zones reach this far past the boundary, over the road stubs

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "..", "assets", "maps", "erqi.geojson"))


def project(lon0, lat0, lon, lat):
    """Equirectangular projection about (lon0, lat0): metres east and north."""
    k = math.pi / 180.0
    return (R_EARTH_M * math.cos(lat0 * k) * (lon - lon0) * k, R_EARTH_M * (lat - lat0) * k)


def unproject(lon0, lat0, x, y):
    k = math.pi / 180.0
    return (lon0 + x / (R_EARTH_M * math.cos(lat0 * k)) / k, lat0 + y / R_EARTH_M / k)


class MapError(Exception):
    pass


# --------------------------------------------------------------------------------------
# Plane geometry (local metres)
# --------------------------------------------------------------------------------------

def add(a, b):
    return (a[0] + b[0], a[1] + b[1])


def sub(a, b):
    return (a[0] - b[0], a[1] - b[1])


def mul(a, s):
    return (a[0] * s, a[1] * s)


def dot(a, b):
    return a[0] * b[0] + a[1] * b[1]


def cross(a, b):
    return a[0] * b[1] - a[1] * b[0]


def norm(a):
    return math.hypot(a[0], a[1])


def unit(a):
    n = norm(a)
    return (a[0] / n, a[1] / n)


def left_of(v):
    return (-v[1], v[0])


def right_of(v):
    return (v[1], -v[0])


def dirb(bearing_deg):
    """Unit vector for a compass bearing (0 = north, clockwise)."""
    r = math.radians(bearing_deg)
    return (math.sin(r), math.cos(r))


def bearing_of(v):
    return math.degrees(math.atan2(v[0], v[1])) % 360.0


def lerp(a, b, t):
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def ring_area(ring):
    """Signed area (positive when counter-clockwise); ring without the closing point."""
    s = 0.0
    for i in range(len(ring)):
        a, b = ring[i], ring[(i + 1) % len(ring)]
        s += a[0] * b[1] - b[0] * a[1]
    return s / 2.0


def ring_centroid(ring):
    a = ring_area(ring)
    cx = cy = 0.0
    for i in range(len(ring)):
        p, q = ring[i], ring[(i + 1) % len(ring)]
        f = p[0] * q[1] - q[0] * p[1]
        cx += (p[0] + q[0]) * f
        cy += (p[1] + q[1]) * f
    return (cx / (6.0 * a), cy / (6.0 * a))


def ccw(ring):
    return list(ring) if ring_area(ring) > 0 else list(reversed(ring))


def dedupe(pts, tol=1e-6):
    out = []
    for p in pts:
        if not out or norm(sub(p, out[-1])) > tol:
            out.append(p)
    while len(out) > 1 and norm(sub(out[0], out[-1])) <= tol:
        out.pop()
    return out


def clip_half(poly, n, c):
    """Keeps the part of a polygon where dot(n, p) >= c (Sutherland-Hodgman, one plane)."""
    out = []
    m = len(poly)
    for i in range(m):
        p, q = poly[i], poly[(i + 1) % m]
        dp, dq = dot(n, p) - c, dot(n, q) - c
        if dp >= 0:
            out.append(p)
        if (dp >= 0) != (dq >= 0):
            out.append(lerp(p, q, dp / (dp - dq)))
    out = dedupe(out)
    return out if len(out) >= 3 and abs(ring_area(out)) > 1e-6 else []


def clip_convex(subject, clipper):
    """subject ∩ clipper, clipper convex (any orientation)."""
    clipper = ccw(clipper)
    out = list(subject)
    for i in range(len(clipper)):
        a, b = clipper[i], clipper[(i + 1) % len(clipper)]
        n = unit(left_of(sub(b, a)))
        out = clip_half(out, n, dot(n, a))
        if not out:
            return []
    return out


def line_meet(p, d, q, e):
    """Intersection of the lines p + t d and q + s e."""
    t = cross(sub(q, p), e) / cross(d, e)
    return add(p, mul(d, t))


def offset_convex(ring, dist):
    """Moves every edge of a convex ring outward by dist (inward when negative)."""
    ring = ccw(ring)
    m = len(ring)
    lines = []
    for i in range(m):
        a, b = ring[i], ring[(i + 1) % m]
        d = unit(sub(b, a))
        lines.append((add(a, mul(right_of(d), dist)), d))
    return [line_meet(lines[i - 1][0], lines[i - 1][1], lines[i][0], lines[i][1]) for i in range(m)]


def convex_hull(pts):
    pts = sorted(set(pts))
    if len(pts) < 3:
        return pts

    def half(seq):
        h = []
        for p in seq:
            while len(h) >= 2 and cross(sub(h[-1], h[-2]), sub(p, h[-2])) <= 0:
                h.pop()
            h.append(p)
        return h
    lower, upper = half(pts), half(reversed(pts))
    return lower[:-1] + upper[:-1]


def seg_closest(p, a, b):
    ab = sub(b, a)
    l2 = dot(ab, ab)
    t = 0.0 if l2 == 0 else max(0.0, min(1.0, dot(sub(p, a), ab) / l2))
    return add(a, mul(ab, t)), t


def seg_dist(p, a, b):
    return norm(sub(p, seg_closest(p, a, b)[0]))


def segs_cross(a, b, c, d):
    """True when the closed segments ab and cd share a point (1e-9 m tolerance)."""
    r, s = sub(b, a), sub(d, c)
    den = cross(r, s)
    if abs(den) <= 1e-12 * norm(r) * norm(s):
        return min(seg_dist(c, a, b), seg_dist(d, a, b), seg_dist(a, c, d), seg_dist(b, c, d)) <= 1e-9
    t = cross(sub(c, a), s) / den
    u = cross(sub(c, a), r) / den
    et, eu = 1e-9 / norm(r), 1e-9 / norm(s)
    return -et <= t <= 1 + et and -eu <= u <= 1 + eu


def seg_seg_dist(a, b, c, d):
    if segs_cross(a, b, c, d):
        return 0.0
    return min(seg_dist(a, c, d), seg_dist(b, c, d), seg_dist(c, a, b), seg_dist(d, a, b))


def point_in_ring(p, ring):
    inside = False
    m = len(ring)
    for i in range(m):
        a, b = ring[i], ring[(i + 1) % m]
        if (a[1] > p[1]) != (b[1] > p[1]):
            x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
            if x > p[0]:
                inside = not inside
    return inside


def ring_edges(ring):
    return [(ring[i], ring[(i + 1) % len(ring)]) for i in range(len(ring))]


def point_ring_dist(p, ring):
    """0 inside the polygon, else the distance to its outline."""
    if point_in_ring(p, ring):
        return 0.0
    return min(seg_dist(p, a, b) for a, b in ring_edges(ring))


def ring_seg_dist(ring, a, b):
    if point_in_ring(a, ring) or point_in_ring(b, ring):
        return 0.0
    return min(seg_seg_dist(a, b, c, d) for c, d in ring_edges(ring))


def ring_ring_dist(r1, r2):
    if point_in_ring(r1[0], r2) or point_in_ring(r2[0], r1):
        return 0.0
    return min(seg_seg_dist(a, b, c, d) for a, b in ring_edges(r1) for c, d in ring_edges(r2))


def overlap_area(convex, other):
    part = clip_convex(other, convex)
    return abs(ring_area(part)) if part else 0.0


def ring_self_intersects(ring):
    """True when two non-adjacent edges of a ring (no closing point) touch or cross."""
    m = len(ring)
    edges = ring_edges(ring)
    for i in range(m):
        for j in range(i + 1, m):
            if j == i + 1 or (i == 0 and j == m - 1):
                continue
            if segs_cross(edges[i][0], edges[i][1], edges[j][0], edges[j][1]):
                return True
    return False


def circle_pts(c, r, n, start_deg=0.0):
    """A ring of n points on a circle, counter-clockwise."""
    return [(c[0] + r * math.cos(math.radians(start_deg + 360.0 * i / n)),
             c[1] + r * math.sin(math.radians(start_deg + 360.0 * i / n))) for i in range(n)]


def box(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def ray_exit(p, d, ring):
    """Smallest t > 0 where p + t d leaves the convex ring (p inside)."""
    best = None
    for a, b in ring_edges(ring):
        e = sub(b, a)
        den = cross(d, e)
        if abs(den) < 1e-12:
            continue
        t = cross(sub(a, p), e) / den
        u = cross(sub(a, p), d) / den
        if t > 1e-9 and -1e-9 <= u <= 1 + 1e-9:
            best = t if best is None else min(best, t)
    if best is None:
        raise MapError("ray from %s does not leave the boundary" % (p,))
    return best


def line_circle(p, d, r):
    """Parameters t where |p + t d| = r (d unit), ascending."""
    b = dot(p, d)
    c = dot(p, p) - r * r
    disc = b * b - c
    if disc < 0:
        raise MapError("line misses circle r=%.1f" % r)
    s = math.sqrt(disc)
    return (-b - s, -b + s)


# --------------------------------------------------------------------------------------
# Boundary: a convex outline around the tower, scaled to exactly 1.17 km²
# --------------------------------------------------------------------------------------

BOUNDARY_SHAPE = [(-560, -470), (420, -470), (540, -360), (560, 380), (440, 520),
                  (-500, 520), (-650, 400), (-660, -360)]


def make_boundary():
    a = ring_area(BOUNDARY_SHAPE)
    s = math.sqrt(TARGET_AREA_M2 / a)
    return [(x * s, y * s) for x, y in BOUNDARY_SHAPE]


BOUNDARY = make_boundary()


def to_boundary(p, bearing, ext=ROAD_EXTENSION_M):
    d = dirb(bearing)
    return add(p, mul(d, ray_exit(p, d, BOUNDARY) + ext))


# --------------------------------------------------------------------------------------
# Roads
# --------------------------------------------------------------------------------------

class Road:
    def __init__(self, rid, name, name_en, cls, lanes, oneway, speed, pts, sidewalk,
                 nonmotor=0.0, bus=False, width=None, sidewalk_lr=None, roundabout=False,
                 source="general"):
        self.id, self.name, self.name_en, self.cls = rid, name, name_en, cls
        self.lanes, self.oneway, self.speed = lanes, oneway, speed
        self.width = width if width is not None else lanes * 3.5 * (1 if oneway else 2)
        self.sw_l, self.sw_r = sidewalk_lr if sidewalk_lr else (sidewalk, sidewalk)
        self.nm, self.bus, self.roundabout, self.source = nonmotor, bus, roundabout, source
        self.pts = list(pts)
        self.closed = roundabout

    @property
    def ch(self):
        """Half the carriageway including non-motor lanes, m."""
        return self.width / 2.0 + self.nm

    def half(self, left):
        return self.ch + (self.sw_l if left else self.sw_r)

    def hmax(self):
        return self.ch + max(self.sw_l, self.sw_r)

    def segs(self):
        return [(self.pts[i], self.pts[i + 1]) for i in range(len(self.pts) - 1)]


R_RING = 65.0
RADIALS = {  # bearing of each road at the tower, general knowledge (approx)
    "erqi": 0.0, "renmin": 40.0, "xidajie": 90.0, "zhengxing": 128.0,
    "dehua": 175.0, "yima": 225.0, "jiefang": 270.0,
}


def ring_node(bearing):
    return mul(dirb(bearing), R_RING)


def ring_bearings():
    """Ring nodes: one at each radial plus fill so that no arc exceeds 20 degrees."""
    rb = sorted(RADIALS.values())
    out = []
    for i, b in enumerate(rb):
        nb = rb[(i + 1) % len(rb)] + (360.0 if i == len(rb) - 1 else 0.0)
        k = max(1, math.ceil((nb - b) / 20.0))
        out += [(b + (nb - b) * j / k) % 360.0 for j in range(k)]
    return out


def make_roads():
    roads = []
    # Counter-clockwise (right-hand traffic): bearings descending. Start at a plain node.
    rbs = sorted(ring_bearings(), reverse=True)
    start = next(i for i, b in enumerate(rbs) if b not in RADIALS.values())
    rbs = rbs[start:] + rbs[:start]
    ring = [ring_node(b) for b in rbs]
    ring.append(ring[0])
    roads.append(Road("road-ring", "二七广场环岛", "Erqi Square roundabout", "arterial", 3, True, 30,
                      ring, 0, sidewalk_lr=(3.0, 5.0), roundabout=True))

    def radial(key):
        b = RADIALS[key]
        return [ring_node(b), to_boundary(ring_node(b), b)]

    roads.append(Road("road-erqi", "二七路", "Erqi Road", "arterial", 3, False, 50, radial("erqi"),
                      5.0, nonmotor=2.5, bus=True))
    roads.append(Road("road-renmin", "人民路", "Renmin Road", "arterial", 3, False, 50,
                      radial("renmin"), 5.0, nonmotor=2.5, bus=True))
    roads.append(Road("road-jiefang", "解放路", "Jiefang Road", "arterial", 3, False, 50,
                      radial("jiefang"), 6.0, nonmotor=2.5, bus=True))
    roads.append(Road("road-xidajie", "西大街", "Xi Dajie", "secondary", 2, False, 40,
                      radial("xidajie"), 4.0, nonmotor=2.5))
    roads.append(Road("road-zhengxing", "正兴街", "Zhengxing Street", "local", 2, True, 30,
                      radial("zhengxing"), 3.0))
    roads.append(Road("road-yima", "一马路", "Yima Road", "secondary", 2, False, 40,
                      radial("yima"), 4.0))
    # The grid: street positions are schematic; names are real streets of the area or
    # invented (all approx).
    roads.append(Road("road-minggong", "铭功路", "Minggong Road", "secondary", 2, False, 40,
                      [to_boundary((-330.0, -330.0), 0.0), (-330.0, -330.0)], 4.0, nonmotor=2.5))
    roads.append(Road("road-datong", "大同路", "Datong Road", "secondary", 2, False, 40,
                      [to_boundary((0.0, -400.0), 270.0), to_boundary((0.0, -400.0), 90.0)], 4.0))
    roads.append(Road("road-erma", "二马路", "Erma Road", "secondary", 2, False, 40,
                      [(-520.0, -400.0), to_boundary((-520.0, -400.0), 0.0)], 4.0))
    roads.append(Road("road-xitaikang", "西太康路", "West Taikang Road", "secondary", 2, False, 40,
                      [to_boundary((0.0, 260.0), 270.0), (0.0, 260.0)], 4.0))
    roads.append(Road("road-taikang", "太康路", "Taikang Road", "secondary", 2, False, 40,
                      [(0.0, 260.0), to_boundary((0.0, 260.0), 90.0)], 4.0))
    roads.append(Road("road-duling", "杜岭街", "Duling Street", "local", 1, False, 30,
                      [(-520.0, 440.0), (300.0, 440.0)], 3.0))
    roads.append(Road("road-xinglong", "兴隆街", "Xinglong Street", "local", 2, True, 30,
                      [(-520.0, 130.0), (0.0, 130.0)], 3.0, source="invented"))
    roads.append(Road("road-jiaotong", "交通路", "Jiaotong Road", "local", 1, False, 30,
                      [(-520.0, -200.0), (-330.0, -200.0)], 3.0, source="invented"))
    roads.append(Road("road-fushou", "福寿街", "Fushou Street", "local", 2, True, 30,
                      [(-170.0, -400.0), (-170.0, 0.0)], 3.0))
    roads.append(Road("road-dunmu", "敦睦路", "Dunmu Road", "local", 2, True, 30,
                      [to_boundary((300.0, -400.0), 0.0), (300.0, -400.0)], 3.0))
    roads.append(Road("road-yuanling", "苑陵街", "Yuanling Street", "local", 2, True, 30,
                      [(150.0, 0.0), (150.0, -400.0)], 3.0))
    return roads


def seg_intersection(a, b, c, d):
    r, s = sub(b, a), sub(d, c)
    den = cross(r, s)
    if abs(den) < 1e-12:
        return None
    t = cross(sub(c, a), s) / den
    u = cross(sub(c, a), r) / den
    et, eu = 1e-6 / norm(r), 1e-6 / norm(s)
    if t < -et or t > 1 + et or u < -eu or u > 1 + eu:
        return None
    if abs(t) <= et:
        p = a
    elif abs(t - 1) <= et:
        p = b
    elif abs(u) <= eu:
        p = c
    elif abs(u - 1) <= eu:
        p = d
    else:
        p = add(a, mul(r, t))
    return max(0.0, min(1.0, t)), max(0.0, min(1.0, u)), p


class NodeTable:
    """Canonical node coordinates, so that roads meeting at a point share it exactly."""

    def __init__(self):
        self.pts = []

    def canon(self, p, tol=1e-5):
        for q in self.pts:
            if abs(q[0] - p[0]) <= tol and abs(q[1] - p[1]) <= tol:
                return q
        self.pts.append(p)
        return p


def node_roads(roads, nodes):
    """Inserts a shared node wherever two roads cross or one ends on another."""
    inserts = {r.id: [] for r in roads}
    for i in range(len(roads)):
        for j in range(i + 1, len(roads)):
            ri, rj = roads[i], roads[j]
            for ki, (a, b) in enumerate(ri.segs()):
                for kj, (c, d) in enumerate(rj.segs()):
                    hit = seg_intersection(a, b, c, d)
                    if hit:
                        t, u, p = hit
                        p = nodes.canon(p)
                        inserts[ri.id].append((ki, t, p))
                        inserts[rj.id].append((kj, u, p))
    for r in roads:
        pts = [nodes.canon(p) for p in r.pts]
        out = []
        for k in range(len(pts) - 1):
            out.append(pts[k])
            for _, t, p in sorted(x for x in inserts[r.id] if x[0] == k):
                if p != out[-1] and p != pts[k + 1]:
                    out.append(p)
        out.append(pts[-1])
        r.pts = dedupe(out, tol=0.0) if not r.closed else out
        for a, b in r.segs():
            if norm(sub(b, a)) < 5.0:
                raise MapError("%s: segment of %.2f m at %s (nodes too close)" % (r.id, norm(sub(b, a)), a))


def node_arms(roads):
    """node -> list of (road, arm direction unit vector away from the node)."""
    arms = {}
    for r in roads:
        pts = r.pts[:-1] if r.closed else r.pts
        n = len(pts)
        for k, p in enumerate(pts):
            nb = []
            if r.closed:
                nb = [pts[(k - 1) % n], pts[(k + 1) % n]]
            else:
                if k > 0:
                    nb.append(pts[k - 1])
                if k < n - 1:
                    nb.append(pts[k + 1])
            for q in nb:
                arms.setdefault(p, []).append((r, unit(sub(q, p)), q))
    return arms


# --------------------------------------------------------------------------------------
# Carving: blocks, plazas and buildings are cut out of boxes by road strips and obstacles
# --------------------------------------------------------------------------------------

class SegObstacle:
    def __init__(self, road, a, b):
        self.road, self.a, self.b = road, a, b

    def reach(self):
        return self.road.hmax()

    def dist(self, p):
        return seg_dist(p, self.a, self.b) - self.reach()

    def hits(self, poly, margin):
        return ring_seg_dist(poly, self.a, self.b) < self.reach() + margin

    def separator(self, seed):
        q, t = seg_closest(seed, self.a, self.b)
        if 0.0 < t < 1.0:
            h = self.road.half(cross(sub(self.b, self.a), sub(seed, self.a)) > 0)
        else:
            h = self.reach()
        return q, unit(sub(seed, q)), h


class PolyObstacle:
    def __init__(self, ring, what):
        self.ring, self.what = convex_hull(ring), what

    def reach(self):
        return 0.0

    def dist(self, p):
        return point_ring_dist(p, self.ring)

    def hits(self, poly, margin):
        return ring_ring_dist(poly, self.ring) < margin

    def separator(self, seed):
        if point_in_ring(seed, self.ring):
            raise MapError("seed %s lies inside %s" % (seed, self.what))
        best = None
        for a, b in ring_edges(self.ring):
            q, _ = seg_closest(seed, a, b)
            d = norm(sub(seed, q))
            if best is None or d < best[0]:
                best = (d, q)
        return best[1], unit(sub(seed, best[1])), 0.0


def carve(poly, seed, obstacles, margins, what):
    """Cuts poly by each obstacle it touches (nearest first) with a tangent half-plane."""
    order = sorted(obstacles, key=lambda o: o.dist(seed))
    for ob in order:
        m = margins[type(ob).__name__]
        if not poly:
            break
        if not ob.hits(poly, m):
            continue
        q, n, h = ob.separator(seed)
        if dot(n, sub(seed, q)) <= h + m + 0.5:
            raise MapError("%s: seed %s lies inside an obstacle (%s)" % (
                what, seed, getattr(ob, "what", None) or ob.road.id))
        poly = clip_half(poly, n, dot(n, q) + h + m)
    if not poly:
        raise MapError("%s: nothing left after carving" % what)
    return ccw(poly)


# --------------------------------------------------------------------------------------
# The map
# --------------------------------------------------------------------------------------

RESPONSIBLE_BASE = {
    "crowd": ["police"],
    "vending": ["city_management"],
    "parking": ["traffic_police", "city_management"],
    "traffic_accident": ["traffic_police"],
    "waterlogging": ["utilities"],
    "utility": ["utilities"],
    "sanitation": ["sanitation"],
    "facility": ["city_management"],
    "fireworks": ["police", "city_management"],
    "lost_person": ["police", "volunteer"],
    "dispute": ["market_regulation", "grid_worker"],
    "*": ["grid_worker"],
}

# Malls: (id, name, name_en, floors, box, seed, source): the building is what is left of
# the box once roads, walkable areas and earlier buildings are cut away around the seed. Names from the reports are
# "reports"; well-known real names of the area "general"; the rest "invented". Every
# position is schematic.
MALLS = [
    ("b-davidcity", "大卫城", "David City", 8, (18, 136, 260, 249), (120, 200), "reports"),
    ("b-jinboda", "金博大购物中心", "Jinboda Shopping Centre", 9, (-150, 19, -18, 124), (-100, 80), "general"),
    ("b-jiefang-mall", "解放路商厦", "Jiefang Road Mall", 6, (-316, 19, -156, 124), (-240, 70), "invented"),
    ("b-mixc", "万象城", "MixC", 6, (-316, 136, -80, 249), (-200, 190), "reports"),
    ("b-minggong-garment", "铭功路服装城", "Minggong Road Garment City", 5, (-425, 19, -343, 124), (-385, 70), "invented"),
    ("b-yinji", "银基商贸城", "Yinji Trade City", 5, (-509, -194, -343, -19), (-425, -100), "general"),
    ("b-yima-mall", "一马路商厦", "Yima Road Mall", 5, (-316, -300, -176, -19), (-250, -100), "invented"),
    ("b-hualian", "华联商厦", "Hualian Department Store", 6, (-163, -170, -20, -19), (-120, -60), "general"),
    ("b-bainian-dehua", "百年德化", "Bainian Dehua", 7, (-160, -335, 20, -264), (-70, -300), "general"),
    ("b-dehua-xintiandi", "德化新天地", "Dehua Xintiandi", 5, (-160, -255, 15, -150), (-90, -210), "invented"),
    ("b-zhengxing-plaza", "正兴购物广场", "Zhengxing Shopping Plaza", 6, (20, -255, 143, -110), (90, -200), "invented"),
    ("b-datong-store", "大同路百货", "Datong Road Department Store", 5, (30, -389, 143, -264), (90, -330), "invented"),
    ("b-yuanling", "苑陵商厦", "Yuanling Mall", 6, (156, -255, 293, -120), (230, -220), "invented"),
    ("b-yaxiya", "亚细亚", "Yaxiya", 8, (40, -120, 143, -13), (100, -50), "reports"),
    ("b-xidajie-centre", "西大街商业中心", "Xi Dajie Commercial Centre", 5, (156, -110, 293, -13), (220, -50), "invented"),
    ("b-shangcheng", "商城大厦", "Shangcheng Mansion", 7, (50, 13, 293, 115), (180, 60), "general"),
    ("b-dennis", "丹尼斯人民路店", "Dennis Renmin Road", 7, (100, 122, 293, 249), (240, 190), "general"),
    ("b-guancheng-mall", "管城购物中心", "Guancheng Shopping Centre", 5, (306, 13, 450, 249), (380, 130), "invented"),
    ("b-dunmu-shoes", "敦睦路鞋城", "Dunmu Road Shoe Mall", 4, (306, -215, 430, -13), (370, -110), "invented"),
    ("b-zz-department", "郑州百货大楼", "Zhengzhou Department Store", 7, (18, 271, 190, 434), (100, 350), "general"),
    ("b-taikang-mall", "太康购物中心", "Taikang Shopping Centre", 6, (-180, 271, -18, 434), (-100, 350), "invented"),
    ("b-renmin-mall", "人民路商厦", "Renmin Road Mall", 5, (306, 271, 560, 420), (400, 300), "invented"),
]

OTHER_BUILDINGS = [
    # (id, name, name_en, category, floors, box, seed, source)
    ("b-office-erma", "二马路写字楼", "Erma Road Office Tower", "office", 18, (-509, 19, -430, 124), (-470, 70), "invented"),
    ("b-office-datong", "大同路写字楼", "Datong Road Office Block", "office", 12, (-163, -389, -92, -340), (-130, -365), "invented"),
    ("b-office-dongdajie", "管城商务楼", "Guancheng Office Block", "office", 6, (440, -195, 560, -13), (490, -100), "invented"),
    ("b-res-dongdajie", "正兴街北小区", "North Zhengxing Street Estate", "residential", 6, (440, -420, 560, -201), (500, -250), "invented"),
    ("b-office-guancheng", "太康商务大厦", "Taikang Office Block", "office", 6, (455, 13, 560, 249), (500, 130), "invented"),
    ("b-office-erqi-north", "二七路写字楼", "Erqi Road Office Tower", "office", 18, (195, 271, 293, 434), (240, 320), "invented"),
    ("b-office-minggong", "铭功路写字楼", "Minggong Road Office Block", "office", 14, (-250, 271, -185, 434), (-218, 300), "invented"),
    ("b-office-north", "杜岭商务楼", "Duling Office Block", "office", 14, (-165, 447, -18, 520), (-90, 480), "invented"),
    ("b-res-minggong", "铭功路小区", "Minggong Road Estate", "residential", 7, (-509, 136, -343, 249), (-425, 190), "invented"),
    ("b-res-west", "二马路西小区", "West Erma Road Estate", "residential", 6, (-660, 19, -531, 249), (-590, 130), "invented"),
    ("b-res-southwest", "大同路西小区", "West Datong Road Estate", "residential", 6, (-660, -389, -531, -170), (-600, -280), "invented"),
    ("b-res-jiaotong", "交通路小区", "Jiaotong Road Estate", "residential", 6, (-509, -389, -343, -207), (-450, -300), "invented"),
    ("b-res-taikang", "西太康路小区", "West Taikang Road Estate", "residential", 7, (-509, 271, -343, 434), (-425, 350), "invented"),
    ("b-res-northwest", "杜岭街西小区", "West Duling Street Estate", "residential", 6, (-660, 271, -531, 520), (-590, 380), "invented"),
    ("b-res-duling", "杜岭街小区", "Duling Street Estate", "residential", 7, (-509, 447, -343, 520), (-430, 480), "invented"),
    ("b-res-north2", "北二七路小区", "North Erqi Road Estate", "residential", 8, (-316, 447, -170, 520), (-240, 480), "invented"),
    ("b-res-northeast", "人民路北小区", "North Renmin Road Estate", "residential", 9, (18, 447, 293, 520), (150, 480), "invented"),
    ("b-res-dunmu-north", "敦睦路北小区", "North Dunmu Road Estate", "residential", 8, (306, 380, 560, 520), (330, 470), "invented"),
    ("b-res-taikang-nw", "铭功路北小区", "North Minggong Road Estate", "residential", 6, (-316, 330, -255, 434), (-285, 390), "invented"),
    ("b-res-southeast", "正兴街东小区", "East Zhengxing Street Estate", "residential", 6, (375, -389, 560, -250), (400, -360), "invented"),
    ("b-res-yuanling-south", "苑陵街南小区", "South Yuanling Street Estate", "residential", 6, (156, -389, 293, -264), (220, -330), "invented"),
    ("b-res-datong-sw", "大同路南小区", "South Datong Road Estate", "residential", 6, (-600, -480, -470, -412), (-510, -440), "invented"),
    ("b-res-datong-s", "大同路南里", "South Datong Road Lane Estate", "residential", 6, (-400, -480, -180, -412), (-300, -440), "invented"),
    ("b-office-datong-s", "大同路南写字楼", "South Datong Road Office Block", "office", 8, (-170, -480, 100, -412), (-40, -440), "invented"),
    ("b-res-datong-se", "大同路东南小区", "South-east Datong Road Estate", "residential", 6, (110, -480, 440, -412), (250, -440), "invented"),
    ("b-bus-station", "郑州长途汽车中心站", "Zhengzhou Central Coach Station", "transit", 3, (-660, -160, -531, -19), (-600, -90), "general"),
]


class Builder:
    def __init__(self):
        self.nodes = NodeTable()
        self.roads = make_roads()
        node_roads(self.roads, self.nodes)
        self.arms = node_arms(self.roads)
        self.road_by_id = {r.id: r for r in self.roads}
        self.seg_obstacles = [SegObstacle(r, a, b) for r in self.roads for a, b in r.segs()]
        self.walkables = []   # dicts: id, kind, name, name_en, ring, source
        self.buildings = []   # dicts
        self.features = []    # (kind, props, geom) in local metres
        self.log = []

    # ---- queries --------------------------------------------------------------------

    def road(self, rid):
        return self.road_by_id[rid]

    def in_carriageway(self, p):
        for r in self.roads:
            for a, b in r.segs():
                if seg_dist(p, a, b) < r.ch - 1e-6:
                    return True
        return False

    def strip_gap(self, p):
        """Distance from p to the nearest sidewalk strip (0 inside one)."""
        best = float("inf")
        for r in self.roads:
            for a, b in r.segs():
                q, t = seg_closest(p, a, b)
                d = norm(sub(p, q))
                h = r.half(cross(sub(b, a), sub(p, a)) > 0) if 0.0 < t < 1.0 else r.hmax()
                best = min(best, max(0.0, d - h))
        return best

    def walk_gap(self, p):
        """Distance from p to the walkable area (sidewalk strips and walkable polygons)."""
        best = self.strip_gap(p)
        for w in self.walkables:
            best = min(best, point_ring_dist(p, w["ring"]))
        return best

    def on_walkable(self, p):
        return not self.in_carriageway(p) and self.walk_gap(p) <= 1e-9 and \
            point_in_ring(p, BOUNDARY) and not any(point_in_ring(p, b["ring"]) for b in self.buildings)

    def sidewalk_near(self, rid, p, frac=0.5, kerb=None):
        """Snaps p to road rid's sidewalk on p's side: at frac of the sidewalk width from
        the kerb, or kerb metres from it."""
        r = self.road(rid)
        best = None
        for a, b in r.segs():
            q, _ = seg_closest(p, a, b)
            if best is None or norm(sub(p, q)) < best[0]:
                best = (norm(sub(p, q)), q, a, b)
        _, q, a, b = best
        d = unit(sub(b, a))
        left = cross(d, sub(p, a)) > 0
        sw = r.sw_l if left else r.sw_r
        off = r.ch + (kerb if kerb is not None else sw * frac)
        return add(q, mul(left_of(d) if left else right_of(d), off)), d

    # ---- building blocks -----------------------------------------------------------

    def add_walkable(self, wid, kind, name, name_en, ring, source="invented", extra=None):
        w = {"id": wid, "kind": kind, "name": name, "name_en": name_en, "ring": ccw(ring),
             "source": source}
        if extra:
            w.update(extra)
        self.walkables.append(w)
        return w

    def carve_plaza(self, wid, name, name_en, bx, seed, source="invented"):
        poly = clip_convex(box(*bx), offset_convex(BOUNDARY, -1.0))
        ring = carve(poly, seed, self.seg_obstacles, {"SegObstacle": -1.0}, wid)
        return self.add_walkable(wid, "plaza", name, name_en, ring, source)

    def carve_building(self, bid, bx, seed):
        obstacles = list(self.seg_obstacles)
        obstacles += [PolyObstacle(w["ring"], w["id"]) for w in self.walkables]
        obstacles += [PolyObstacle(b["ring"], b["id"]) for b in self.buildings]
        poly = clip_convex(box(*bx), offset_convex(BOUNDARY, -2.0))
        return carve(poly, seed, obstacles,
                     {"SegObstacle": 0.5, "PolyObstacle": 0.5}, bid)

    # ---- the layers ----------------------------------------------------------------

    def build(self):
        self.make_walkables()
        self.make_buildings()
        self.make_entrances()
        self.make_junctions()
        self.make_transit()
        self.make_vendor_points()
        self.make_posts()
        self.make_cameras()
        self.make_speakers()
        self.make_zones()

    def make_walkables(self):
        ring = self.road("road-ring")
        # Tower island: inside the ring, overlapping its inner sidewalk.
        inner_kerb = R_RING * min(math.cos(math.radians(abs(b2 - b1) / 2.0)) for b1, b2 in
                                  zip(sorted(ring_bearings()), sorted(ring_bearings())[1:] + [360.0])) \
            - ring.width / 2.0
        island_r = inner_kerb - 1.0
        self.add_walkable("plaza-tower-island", "plaza", "二七纪念塔广场（环岛）",
                          "Erqi Memorial Tower island", circle_pts((0.0, 0.0), island_r, 24, 7.5),
                          "general")
        # The tower plaza south of the ring, between Zhengxing St and Yima Rd, around the
        # head of Dehua St. Its inner arc runs on the ring's outer sidewalk, 0.8 m from the
        # kerb, and its sides 1 m inside the sidewalks of the two roads.
        zx, ym = self.road("road-zhengxing"), self.road("road-yima")
        outer_sidewalk_in = R_RING + ring.width / 2.0 + 0.8      # clear of the carriageway
        r_out = 140.0
        dz, dy = dirb(RADIALS["zhengxing"]), dirb(RADIALS["yima"])
        pz = mul(right_of(dz), zx.half(False) - 1.0)   # south-west side of Zhengxing
        py = mul(left_of(dy), ym.half(True) - 1.0)     # south-east side of Yima
        tz_in, tz_out = line_circle(pz, dz, outer_sidewalk_in)[1], line_circle(pz, dz, r_out)[1]
        ty_in, ty_out = line_circle(py, dy, outer_sidewalk_in)[1], line_circle(py, dy, r_out)[1]
        a_z_in = bearing_of(add(pz, mul(dz, tz_in)))
        a_y_in = bearing_of(add(py, mul(dy, ty_in)))
        a_z_out = bearing_of(add(pz, mul(dz, tz_out)))
        a_y_out = bearing_of(add(py, mul(dy, ty_out)))
        inner = [mul(dirb(a_z_in + (a_y_in - a_z_in) * i / 8.0), outer_sidewalk_in) for i in range(9)]
        outer = [mul(dirb(a_y_out + (a_z_out - a_y_out) * i / 8.0), r_out) for i in range(9)]
        self.add_walkable("plaza-tower-south", "plaza", "二七广场", "Erqi Square (tower plaza)",
                          inner + outer, "general")
        # Dehua St: 18 m wide, from inside the tower plaza to Datong Rd's north sidewalk.
        dd = dirb(RADIALS["dehua"])
        dt = self.road("road-datong")
        y_end = -400.0 + dt.ch + 1.5          # 1.5 m into Datong Rd's sidewalk
        half_w = 9.0
        corners = []
        for s in (-1, 1):
            p0 = mul(left_of(dd), s * half_w)
            north = add(p0, mul(dd, 100.0))
            south = line_meet(p0, dd, (0.0, y_end), (1.0, 0.0))
            corners.append((north, south))
        self.dehua_axis = (dd, y_end)
        self.add_walkable("ped-dehua", "pedestrian_street", "德化街", "Dehua Street (pedestrian)",
                          [corners[0][0], corners[0][1], corners[1][1], corners[1][0]], "general")
        # Forecourts and small squares.
        self.carve_plaza("plaza-davidcity", "大卫城前广场", "David City forecourt",
                         (0, 60, 150, 131), (40, 105))
        self.carve_plaza("plaza-mixc", "万象城广场", "MixC plaza", (-75, 130, 0, 260), (-45, 195))
        self.carve_plaza("plaza-bainian", "百年德化广场", "Bainian Dehua square",
                         (-88, -400, 26, -340), (-40, -370))
        self.carve_plaza("plaza-minggong", "铭功路便民广场", "Minggong Road community square",
                         (-320, 260, -255, 325), (-290, 295))
        self.carve_plaza("plaza-dunmu", "敦睦路夜市广场", "Dunmu Road night-market square",
                         (300, -400, 370, -250), (335, -330))

    def make_buildings(self):
        for bid, name, name_en, floors, bx, seed, source in MALLS:
            ring = self.carve_building(bid, bx, seed)
            self.buildings.append({"id": bid, "name": name, "name_en": name_en,
                                   "category": "mall", "floors": floors, "ring": ring,
                                   "source": source})
        for bid, name, name_en, cat, floors, bx, seed, source in OTHER_BUILDINGS:
            ring = self.carve_building(bid, bx, seed)
            self.buildings.append({"id": bid, "name": name, "name_en": name_en,
                                   "category": cat, "floors": floors, "ring": ring,
                                   "source": source})
        for b in self.buildings:
            foot = ring_area(b["ring"])
            b["footprint"] = foot
            b["floor_area"] = round(foot * b["floors"] / 100.0) * 100.0

    def facing_edges(self, b):
        """Edges of a building whose midpoint lies within 1 m of the walkable area,
        longest first: (length, a, b, midpoint, outward normal)."""
        out = []
        for a, c in ring_edges(b["ring"]):
            L = norm(sub(c, a))
            if L < 8.0:
                continue
            mid = lerp(a, c, 0.5)
            if self.walk_gap(mid) <= 1.0:
                out.append((L, a, c, mid, right_of(unit(sub(c, a)))))
        out.sort(key=lambda e: (-e[0], e[3]))
        return out

    def make_entrances(self):
        self.entrances = []
        for b in self.buildings:
            edges = self.facing_edges(b)
            if not edges:
                raise MapError("%s: no outline edge faces a street or plaza" % b["id"])
            want = 1
            if b["category"] == "mall":
                want = 4 if b["footprint"] > 12000 else (3 if b["footprint"] > 6000 else 2)
            elif b["category"] == "transit":
                want = 2
            pts = []
            k = 0
            # One entrance per facing edge (longest first); further ones split long edges.
            while len(pts) < want:
                if k < len(edges):
                    L, a, c, mid, n = edges[k]
                    pts.append((mid, n))
                else:
                    L, a, c, mid, n = edges[(k - len(edges)) % len(edges)]
                    if L < 40.0:
                        break
                    f = 0.25 if ((k - len(edges)) // len(edges)) % 2 == 0 else 0.75
                    pts.append((lerp(a, c, f), n))
                k += 1
                if k > 3 * len(edges) + 4:
                    break
            if b["category"] == "mall" and len(pts) < 2:
                L, a, c, mid, n = edges[0]
                pts = [(lerp(a, c, 0.3), n), (lerp(a, c, 0.7), n)]
            for i, (p, n) in enumerate(pts):
                self.entrances.append({"id": "%s-e%d" % (b["id"], i + 1), "building": b["id"],
                                       "at": p, "normal": n,
                                       "width": 6.0 if b["category"] == "mall" and i == 0 else 4.0,
                                       "name": "%s %d号门" % (b["name"], i + 1),
                                       "name_en": "%s entrance %d" % (b["name_en"], i + 1),
                                       "source": b["source"] if b["source"] != "reports" else "invented"})

    def junction_control(self, p, arms):
        roads = {a[0].id: a[0] for a in arms}
        if "road-ring" in roads:
            return "roundabout" if len(roads) >= 2 else None
        if len(roads) < 2:
            return None
        major = [r for r in roads.values() if r.cls in ("arterial", "secondary")]
        if len(arms) >= 4 and major:
            return "signal"
        if len(arms) == 3 and len(major) >= 2:
            return "signal"
        return None

    def make_junctions(self):
        self.junctions = []
        for p in sorted(self.arms, key=lambda q: (round(q[1], 3), round(q[0], 3))):
            arms = self.arms[p]
            roads = sorted({a[0].id for a in arms})
            if len(roads) < 2:
                continue
            ctrl = self.junction_control(p, arms)
            names = sorted({a[0].name for a in arms})
            jid = "jct-" + "-".join(r[5:] for r in roads)
            self.junctions.append({"id": jid, "at": p, "control": ctrl, "arms": arms,
                                   "name": "·".join(names) + "路口",
                                   "name_en": " / ".join(sorted({a[0].name_en for a in arms}))})
        ids = [j["id"] for j in self.junctions]
        if len(ids) != len(set(ids)):
            raise MapError("duplicate junction ids")

    def in_boundary(self, p, margin=0.0):
        return point_in_ring(p, BOUNDARY) and min(seg_dist(p, a, b) for a, b in ring_edges(BOUNDARY)) >= margin

    def make_transit(self):
        t = self.transit = []

        def on_road(tid, mode, name, name_en, rid, p, kerb=None, frac=0.5, line=None, cap=None,
                    source="invented"):
            q, _ = self.sidewalk_near(rid, p, frac=frac, kerb=kerb)
            t.append({"id": tid, "mode": mode, "name": name, "name_en": name_en, "at": q,
                      "line": line, "capacity": cap, "source": source})

        m1 = "1号线二七广场站"
        on_road("metro-1-a", "metro_exit", m1 + " A口", "Line 1 Erqi Square exit A", "road-jiefang", (-110, 10), line="1")
        on_road("metro-1-b", "metro_exit", m1 + " B口", "Line 1 Erqi Square exit B", "road-jiefang", (-110, -10), line="1")
        on_road("metro-1-c", "metro_exit", m1 + " C口", "Line 1 Erqi Square exit C", "road-renmin", (70, 100), line="1")
        on_road("metro-1-d", "metro_exit", m1 + " D口", "Line 1 Erqi Square exit D", "road-renmin", (95, 80), line="1")
        m3 = "3号线二七广场站"
        on_road("metro-3-a", "metro_exit", m3 + " A口", "Line 3 Erqi Square exit A", "road-erqi", (-10, 175), line="3")
        on_road("metro-3-b", "metro_exit", m3 + " B口", "Line 3 Erqi Square exit B", "road-erqi", (10, 175), line="3")
        on_road("metro-3-d", "metro_exit", m3 + " D口", "Line 3 Erqi Square exit D", "road-xidajie", (110, -8), line="3")
        t.append({"id": "metro-3-c", "mode": "metro_exit", "name": m3 + " C口",
                  "name_en": "Line 3 Erqi Square exit C", "at": mul(dirb(200.0), 112.0), "line": "3",
                  "capacity": None, "source": "invented"})
        for tid, rid, p, nm, ne in [
                ("bus-renmin-nw", "road-renmin", (170, 230), "人民路太康路站（北行）", "Renmin Rd / Taikang Rd stop (northbound)"),
                ("bus-renmin-se", "road-renmin", (200, 210), "人民路太康路站（南行）", "Renmin Rd / Taikang Rd stop (southbound)"),
                ("bus-erqi-w", "road-erqi", (-10, 340), "二七路站（南行）", "Erqi Rd stop (southbound)"),
                ("bus-erqi-e", "road-erqi", (10, 340), "二七路站（北行）", "Erqi Rd stop (northbound)"),
                ("bus-jiefang-n", "road-jiefang", (-420, 10), "解放路铭功路站（西行）", "Jiefang Rd / Minggong Rd stop (westbound)"),
                ("bus-jiefang-s", "road-jiefang", (-420, -10), "解放路铭功路站（东行）", "Jiefang Rd / Minggong Rd stop (eastbound)"),
                ("bus-xidajie-n", "road-xidajie", (220, 8), "西大街站（西行）", "Xi Dajie stop (westbound)"),
        ]:
            on_road(tid, "bus_stop", nm, ne, rid, p, kerb=1.0)
        # Railway-station approach: Zhengzhou station lies a few hundred metres west
        # (FACTS.md, general knowledge); people arrive along Jiefang Rd's sidewalks.
        jf = self.road("road-jiefang")
        tw = ray_exit((-500.0, 0.0), (-1.0, 0.0), BOUNDARY)
        xb = -500.0 - tw
        for tid, side, nm, ne in [("rail-station-n", 1, "郑州火车站方向（解放路北侧）", "Zhengzhou railway station approach (north side)"),
                                  ("rail-station-s", -1, "郑州火车站方向（解放路南侧）", "Zhengzhou railway station approach (south side)")]:
            p = (xb + 6.0, side * (jf.ch + jf.sw_l / 2.0))
            t.append({"id": tid, "mode": "rail_station", "name": nm, "name_en": ne, "at": p,
                      "line": None, "capacity": None, "source": "general"})
        # Garages: mall car parks, entered from a side street where there is one.
        garages = [("b-davidcity", 1200), ("b-mixc", 1600), ("b-yaxiya", 300), ("b-bainian-dehua", 500),
                   ("b-jinboda", 400), ("b-yinji", 800), ("b-dennis", 350), ("b-guancheng-mall", 600),
                   ("b-zz-department", 450), ("b-renmin-mall", 500)]
        bmap = {b["id"]: b for b in self.buildings}
        for bid, cap in garages:
            b = bmap[bid]
            edges = self.facing_edges(b)
            best = None
            for L, a, c, mid, n in edges:
                p = add(mid, mul(n, 1.2))
                if not self.on_walkable(p):
                    continue
                near = min(((seg_dist(p, s.a, s.b) - s.road.hmax(), s.road) for s in self.seg_obstacles),
                           key=lambda x: x[0])[1]
                rank = {"local": 0, "secondary": 1, "service": 0, "arterial": 2}[near.cls]
                key = (rank, -L)
                if best is None or key < best[0]:
                    best = (key, p)
            if best is None:
                raise MapError("%s: no street-facing edge for the garage" % bid)
            t.append({"id": "garage-" + bid[2:], "mode": "garage", "name": b["name"] + "停车场入口",
                      "name_en": b["name_en"] + " car park entrance", "at": best[1], "line": None,
                      "capacity": cap, "source": "invented"})
        # Edges: where each sidewalk crosses the boundary.
        for r in self.roads:
            if r.closed:
                continue
            for end in (0, -1):
                p_end = r.pts[end]
                if self.in_boundary(p_end):
                    continue
                q = r.pts[1] if end == 0 else r.pts[-2]
                d = unit(sub(p_end, q))
                for side in (1, -1):
                    sw = r.sw_l if (side == 1) == (end == -1) else r.sw_r
                    off = mul(left_of(d) if side == 1 else right_of(d), r.ch + sw / 2.0)
                    start = add(q, off)
                    e = add(start, mul(d, ray_exit(start, d, BOUNDARY) - 0.5))
                    if not self.on_walkable(e):
                        continue    # this sidewalk leaves through another road's carriageway
                    t.append({"id": "edge-%s-%s" % (r.id[5:], ("a" if end == 0 else "b") + ("l" if side == 1 else "r")),
                              "mode": "edge", "name": "%s边界人行出入口" % r.name,
                              "name_en": "%s boundary crossing (sidewalk)" % r.name_en, "at": e,
                              "line": None, "capacity": None, "source": "invented"})

    def make_vendor_points(self):
        # FACTS.md: 5 guidance points, 97 stalls; placed on squares away from traffic.
        wmap = {w["id"]: w for w in self.walkables}
        specs = [
            ("vendor-tower-south", "plaza-tower-south", mul(dirb(212.0), 118.0), 212.0 + 90.0, 22, 32.0, 6.0,
             "二七广场西南疏导点", "Erqi Square south-west guidance point"),
            ("vendor-bainian", "plaza-bainian", (-40.0, -372.0), 90.0, 20, 30.0, 6.0,
             "百年德化广场疏导点", "Bainian Dehua square guidance point"),
            ("vendor-mixc", "plaza-mixc", (-47.0, 200.0), 0.0, 18, 40.0, 4.0,
             "万象城广场疏导点", "MixC plaza guidance point"),
            ("vendor-minggong", "plaza-minggong", (-287.0, 297.0), 90.0, 22, 30.0, 6.0,
             "铭功路便民疏导点", "Minggong Road guidance point"),
            ("vendor-dunmu", "plaza-dunmu", (336.0, -330.0), 0.0, 15, 30.0, 5.0,
             "敦睦路夜市疏导点", "Dunmu Road night-market guidance point"),
        ]
        self.vendors = []
        for vid, wid, c, axis, stalls, length, width, nm, ne in specs:
            d = dirb(axis)
            n = left_of(d)
            hl, hw = length / 2.0, width / 2.0
            ring = [add(c, add(mul(d, sx * hl), mul(n, sy * hw))) for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
            ring = ccw(ring)
            w = wmap[wid]
            if any(not point_in_ring(p, w["ring"]) for p in ring):
                raise MapError("%s: not inside %s" % (vid, wid))
            self.vendors.append({"id": vid, "ring": ring, "stalls": stalls, "hours": "17:00-23:00",
                                 "name": nm, "name_en": ne, "plaza": wid})

    def make_posts(self):
        posts = []
        ring = self.road("road-ring")

        def post(pid, p, name, name_en, unit_t="grid_worker", staff=2, normal=False):
            if not self.on_walkable(p):
                raise MapError("post %s at %s is not on a walkable place" % (pid, p))
            modes = (["normal"] if normal else []) + ["holiday", "major_event", "emergency"]
            posts.append({"id": pid, "at": p, "name": name, "name_en": name_en, "unit": unit_t,
                          "staff": staff, "modes": modes})

        # Ring entries: on the outer sidewalk just downstream of each radial.
        outer = R_RING * math.cos(math.radians(9.0)) + ring.width / 2.0 + ring.sw_r / 2.0
        for key in sorted(RADIALS, key=lambda k: RADIALS[k]):
            if key == "dehua":
                continue
            b = RADIALS[key] + 14.0
            post("post-ring-%s" % key, mul(dirb(b), outer), "环岛%s口岗" % self.road("road-" + key).name,
                 "Roundabout post at %s" % self.road("road-" + key).name_en, "traffic_police", 2, True)
        for i, b in enumerate((45.0, 135.0, 225.0, 315.0)):
            post("post-island-%d" % (i + 1), mul(dirb(b), 35.0), "塔岛岗%d" % (i + 1),
                 "Tower island post %d" % (i + 1), "police", 2, i % 2 == 0)
        for i, (b, r) in enumerate(((150.0, 100.0), (165.0, 128.0), (190.0, 128.0), (205.0, 100.0))):
            post("post-square-%d" % (i + 1), mul(dirb(b), r), "二七广场岗%d" % (i + 1),
                 "Erqi Square post %d" % (i + 1), "police" if i % 2 else "volunteer", 3, i == 0)
        dd, y_end = self.dehua_axis
        for i in range(8):
            s = 150.0 + i * ((abs(y_end) - 165.0) / 7.0)
            p = mul(dd, s)
            post("post-dehua-%d" % (i + 1), p, "德化街岗%d" % (i + 1), "Dehua Street post %d" % (i + 1),
                 "grid_worker" if i % 2 else "police", 2, i in (0, 4))
        for tr in self.transit:
            if tr["mode"] != "metro_exit":
                continue
            p = tr["at"]
            cand = [add(p, mul(dirb(b), r)) for r in (4.0, 6.0, 9.0) for b in range(0, 360, 45)]
            q = next((c for c in cand if self.on_walkable(c)), None)
            if q is None:
                raise MapError("no post place near %s" % tr["id"])
            post("post-" + tr["id"], q, tr["name"] + "岗", tr["name_en"] + " post", "volunteer", 2)
        for v in self.vendors:
            c = ring_centroid(v["ring"])
            w = next(w for w in self.walkables if w["id"] == v["plaza"])
            d = unit(sub(ring_centroid(w["ring"]), c))
            p = add(c, mul(d, 6.0))
            post("post-" + v["id"], p if self.on_walkable(p) else c, v["name"] + "岗",
                 v["name_en"] + " post", "city_management", 2)
        for w in self.walkables:
            if w["id"] in ("plaza-davidcity", "plaza-mixc", "plaza-bainian"):
                post("post-" + w["id"], ring_centroid(w["ring"]), w["name"] + "岗", w["name_en"] + " post",
                     "volunteer", 2)
        # Main crossings: signalised junctions, nearest the tower first, until 50.
        sig = sorted((j for j in self.junctions if j["control"] == "signal"),
                     key=lambda j: (norm(j["at"]), j["id"]))
        for j in sig:
            if len(posts) >= HOLIDAY_POSTS:
                break
            p = self.corner_point(j)
            post("post-" + j["id"], p, j["name"] + "岗", j["name_en"] + " post", "traffic_police", 2)
        if len(posts) != HOLIDAY_POSTS:
            raise MapError("%d posts, expected %d" % (len(posts), HOLIDAY_POSTS))
        self.posts = posts

    def corner_point(self, j, extra=2.0):
        """A sidewalk point at a corner of junction j."""
        p = j["at"]
        arms = sorted(j["arms"], key=lambda a: bearing_of(a[1]))
        for k in range(len(arms)):
            d1 = arms[k][1]
            d2 = arms[(k + 1) % len(arms)][1]
            bis = unit(add(d1, d2)) if norm(add(d1, d2)) > 1e-6 else right_of(d1)
            for k2 in range(int(extra), 45):
                q = add(p, mul(bis, float(k2)))
                if self.on_walkable(q):
                    return q
        raise MapError("no corner sidewalk at %s" % j["id"])

    def make_cameras(self):
        cams = []

        def cam(kind, p, heading, **kw):
            cams.append(dict(kind=kind, at=p, heading=round(heading % 360.0, 1), **kw))

        # Smart capture: at signalised junctions and ring entries, one per approach lane
        # group, about 25 m upstream on the kerb, looking upstream at oncoming vehicles.
        approach = []
        rank = {"roundabout": 0, "signal": 0, None: 1}
        for j in sorted(self.junctions, key=lambda j: (rank[j["control"]], norm(j["at"]), j["id"])):
            for r, d, q in sorted(j["arms"], key=lambda a: bearing_of(a[1])):
                if r.closed:
                    continue
                # Inbound traffic travels -d; one-way roads only inbound when drawn towards p.
                if r.oneway:
                    idx = r.pts.index(j["at"])
                    if idx == 0 or r.pts[idx - 1] != q:
                        continue
                L = norm(sub(q, j["at"]))
                back = min(25.0, L * 0.5)
                v = mul(d, -1.0)
                pos = add(add(j["at"], mul(d, back)), mul(right_of(v), r.ch + 0.6))
                if not self.on_walkable(pos):
                    pos = add(add(j["at"], mul(d, min(40.0, L * 0.7))), mul(right_of(v), r.ch + 0.6))
                if self.on_walkable(pos):
                    approach.append((pos, bearing_of(d), j["id"], r.cls, j["control"]))
        # Second devices on arterial and secondary approaches to controlled junctions
        # (bus and non-motor lanes), then the uncontrolled crossings, until 106.
        extra = []
        for pos, hd, jid, cls, ctrl in approach:
            if cls in ("arterial", "secondary") and ctrl:
                p2 = add(pos, mul(dirb(hd), 12.0))
                if self.on_walkable(p2):
                    extra.append((p2, hd, jid, cls, ctrl))
        sc = [a for a in approach if a[4]] + extra + [a for a in approach if not a[4]]
        if len(sc) < SMART_CAPTURE:
            raise MapError("only %d smart-capture places" % len(sc))
        sc = sc[:SMART_CAPTURE]
        for pos, hd, jid, cls, ctrl in sc:
            cam("smart_capture", pos, hd, fov=60.0, range_m=40.0)

        # Eagle eyes: high points (360 degrees) on the island, the squares, main crossings
        # and mall roofs.
        ee = []
        for b in (0.0, 180.0):
            ee.append(mul(dirb(b + 90.0), 30.0))
        for w in self.walkables:
            if w["kind"] == "plaza" and w["id"] != "plaza-tower-island":
                ee.append(ring_centroid(w["ring"]))
        dd, y_end = self.dehua_axis
        for s in (180.0, 280.0, 360.0):
            ee.append(mul(dd, s))
        for j in sorted((j for j in self.junctions if j["control"] == "signal"),
                        key=lambda j: (norm(j["at"]), j["id"])):
            ee.append(self.corner_point(j, extra=6.0))
        malls = sorted((b for b in self.buildings if b["category"] == "mall"),
                       key=lambda b: (-b["floor_area"], b["id"]))
        for b in malls:
            if len(ee) >= EAGLE_EYES:
                break
            c = ring_centroid(b["ring"])
            corner = min(b["ring"], key=lambda q: (self.walk_gap(q), norm(q)))
            ee.append(lerp(corner, c, 0.1))
        ee = ee[:EAGLE_EYES]
        if len(ee) != EAGLE_EYES:
            raise MapError("%d eagle eyes" % len(ee))
        for p in ee:
            cam("eagle_eye", p, 0.0, fov=360.0, range_m=150.0)

        # Sharp Eyes: the rest. Squares and Dehua St first, then every sidewalk.
        se = []
        for w in self.walkables:
            c = ring_centroid(w["ring"])
            step = max(1, len(w["ring"]) // 6)
            for i in range(0, len(w["ring"]), step):
                p = lerp(w["ring"][i], c, 0.08 if w["kind"] == "pedestrian_street" else 0.15)
                if self.on_walkable(p):
                    se.append((p, bearing_of(sub(c, p))))
        dd, y_end = self.dehua_axis
        s = 115.0
        k = 0
        while s < abs(y_end) - 5.0:
            side = 1 if k % 2 == 0 else -1
            p = add(mul(dd, s), mul(left_of(dd), side * 7.5))
            se.append((p, RADIALS["dehua"] if k % 4 < 2 else RADIALS["dehua"] + 180.0))
            s += 24.0
            k += 1
        target = CAMERAS - EAGLE_EYES - len(se)
        lines = []
        for r in self.roads:
            for side in (1, -1):
                for a, b in r.segs():
                    d = unit(sub(b, a))
                    off = mul(left_of(d) if side == 1 else right_of(d), r.ch + 0.8)
                    lines.append((r, add(a, off), add(b, off), d))
        total = sum(norm(sub(b, a)) for _, a, b, _ in lines)
        spacing = total / target
        chosen = []
        for _ in range(60):
            chosen = []
            for r, a, b, d in lines:
                L = norm(sub(b, a))
                s = spacing / 2.0
                while s < L:
                    p = add(a, mul(d, s))
                    if self.in_boundary(p) and self.on_walkable(p):
                        chosen.append((p, bearing_of(d) if len(chosen) % 2 == 0 else bearing_of(d) + 180.0))
                    s += spacing
            if len(chosen) >= target:
                break
            spacing *= 0.97
        if len(chosen) < target:
            raise MapError("only %d sidewalk camera places" % len(chosen))
        m = len(chosen)
        chosen = [chosen[(i * m) // target] for i in range(target)]
        for p, hd in se + chosen:
            cam("sharp_eyes", p, hd, fov=90.0, range_m=60.0)
        self.cameras = cams

    def make_speakers(self):
        sp = []
        wmap = {w["id"]: w for w in self.walkables}
        for b in (60.0, 180.0, 300.0):
            sp.append(mul(dirb(b), 25.0))
        for b, r in ((150.0, 110.0), (180.0, 125.0), (210.0, 110.0)):
            sp.append(mul(dirb(b), r))
        dd, _ = self.dehua_axis
        for s in (160.0, 230.0, 300.0, 365.0):
            sp.append(mul(dd, s))
        for wid in ("plaza-davidcity", "plaza-mixc", "plaza-bainian", "plaza-minggong"):
            sp.append(ring_centroid(wmap[wid]["ring"]))
        for tid in ("metro-1-a", "metro-1-c", "metro-3-a"):
            tr = next(t for t in self.transit if t["id"] == tid)
            sp.append(add(tr["at"], (0.0, 2.0)))
        if len(sp) != PA_SETS:
            raise MapError("%d PA sets" % len(sp))
        for p in sp:
            if not self.on_walkable(p):
                raise MapError("PA speaker at %s not on a walkable place" % (p,))
        self.speakers = sp

    # ---- zones ---------------------------------------------------------------------

    def make_zones(self):
        """Zone borders follow street centre lines: the three districts meet at the tower
        (the reports' "three districts, five offices" junction), split by Renmin Rd,
        Zhengxing St and Jiefang Rd/Minggong Rd. Each zone reaches ZONE_OVERLAP_M past
        its borders, so neighbours overlap by twice that and no gap is left."""
        W = ZONE_OVERLAP_M

        def hp_left(b):     # the left side of the line through the tower at bearing b
            return (left_of(dirb(b)), 0.0)

        def hp_right(b):
            return (right_of(dirb(b)), 0.0)

        def hp(nx, ny, c):  # nx*x + ny*y >= c
            return ((float(nx), float(ny)), float(c))

        outer = offset_convex(BOUNDARY, ZONE_OUTER_M)

        def polygon(hps):
            poly = list(outer)
            for n, c in hps:
                poly = clip_half(poly, n, c - W)
                if not poly:
                    return []
            return ccw(poly)

        renmin, zhengxing = RADIALS["renmin"], RADIALS["zhengxing"]
        jinshui = [hp(0, 1, 0), hp(1, 0, -330), hp_left(renmin)]
        guancheng = [hp_right(renmin), hp_left(zhengxing)]
        # Erqi is L-shaped (south-west of Zhengxing St and south of Jiefang Rd, plus the
        # strip west of Minggong Rd): one explicit region, widened by W, then clipped.
        dz = dirb(zhengxing)
        nz = right_of(dz)                       # points south-west
        base = mul(nz, -W)                      # Zhengxing line moved W to the north-east
        far = 5000.0
        a_low = line_meet(base, dz, (0.0, -far), (1.0, 0.0))
        a_top = line_meet(base, dz, (0.0, W), (1.0, 0.0))
        erqi_region = [(-far, -far), a_low, a_top, (-330.0 + W, W), (-330.0 + W, far), (-far, far)]
        districts = [
            ("district-jinshui", "金水区", "Jinshui District", jinshui, None),
            ("district-guancheng", "管城回族区", "Guancheng Hui District", guancheng, None),
            ("district-erqi", "二七区", "Erqi District", None, erqi_region),
        ]
        subs = [
            ("sub-duling", "杜岭街道", "Duling Subdistrict", "district-jinshui", jinshui),
            ("sub-xidajie", "西大街街道", "Xi Dajie Subdistrict", "district-guancheng", guancheng),
            ("sub-minggong", "铭功路街道", "Minggong Road Subdistrict", "district-erqi",
             [hp(-1, 0, 330), hp(0, 1, 0)]),
            ("sub-jiefang", "解放路街道", "Jiefang Road Subdistrict", "district-erqi",
             [hp(-1, 0, 170), hp(0, -1, 0)]),
            ("sub-dehuajie", "德化街街道", "Dehua Street Subdistrict", "district-erqi",
             [hp(1, 0, -170), hp(0, -1, 0), hp_right(zhengxing)]),
        ]
        # Grid cells: each sub-district cut along streets (x cuts, y cuts).
        cuts = {
            "sub-duling": ([0.0], [260.0, 440.0]),          # Erqi Rd; Taikang Rd, Duling St
            "sub-xidajie": ([300.0], [0.0, 260.0]),         # Dunmu Rd; Xi Dajie, Taikang Rd
            "sub-minggong": ([-520.0], [260.0]),            # Erma Rd; West Taikang Rd
            "sub-jiefang": ([-520.0, -330.0], []),          # Erma Rd, Minggong Rd
            "sub-dehuajie": ([150.0], [-259.5]),            # Yuanling St; between blocks
        }
        zones = []
        for did, nm, ne, hps, region in districts:
            ring = polygon(hps) if hps else ccw(clip_convex(region, outer))
            zones.append({"id": did, "level": "district", "name": nm, "name_en": ne, "parent": None,
                          "ring": ring, "source": "reports"})
        grid_n = 0
        for sid, nm, ne, parent, hps in subs:
            zones.append({"id": sid, "level": "subdistrict", "name": nm, "name_en": ne, "parent": parent,
                          "ring": polygon(hps), "source": "invented"})
            xs, ys = cuts[sid]
            xb = [None] + xs + [None]
            yb = [None] + ys + [None]
            cells = []
            for iy in range(len(yb) - 1):
                for ix in range(len(xb) - 1):
                    chp = list(hps)
                    if xb[ix] is not None:
                        chp.append(hp(1, 0, xb[ix]))
                    if xb[ix + 1] is not None:
                        chp.append(hp(-1, 0, -xb[ix + 1]))
                    if yb[iy] is not None:
                        chp.append(hp(0, 1, yb[iy]))
                    if yb[iy + 1] is not None:
                        chp.append(hp(0, -1, -yb[iy + 1]))
                    # A cell counts only if its un-widened core is not a sliver.
                    core = list(BOUNDARY)
                    for n, c in chp:
                        core = clip_half(core, n, c)
                        if not core:
                            break
                    if core and abs(ring_area(core)) > 3000.0:
                        cells.append((ring_centroid(core), chp))
                    elif core:
                        raise MapError("grid cell of %.0f m² in %s: move the cuts" % (abs(ring_area(core)), sid))
            cells.sort(key=lambda c: (-round(c[0][1]), round(c[0][0])))
            for _, chp in cells:
                grid_n += 1
                zones.append({"id": "grid-%02d" % grid_n, "level": "grid",
                              "name": "二七塔商圈专属网格%d" % grid_n, "name_en": "Erqi exclusive grid cell %d" % grid_n,
                              "parent": sid, "ring": polygon(chp), "source": "invented"})
        for z in zones:
            if not z["ring"]:
                raise MapError("zone %s is empty" % z["id"])
            z["responsible"] = dict(RESPONSIBLE_BASE)
        # Special zones (not needed to cover the boundary).
        dehua = next(w for w in self.walkables if w["id"] == "ped-dehua")
        specials = [
            ("special-tower-plaza", "二七纪念塔及广场", "Erqi Memorial Tower and square",
             clip_convex(circle_pts((0.0, -15.0), 150.0, 32), BOUNDARY), "sub-dehuajie",
             {"crowd": ["police", "volunteer", "emergency"], "fireworks": ["police", "city_management"],
              "lost_person": ["police", "volunteer"]}),
            ("special-dehua", "德化街步行街", "Dehua Street pedestrian precinct",
             offset_convex(dehua["ring"], 15.0), "sub-dehuajie",
             {"crowd": ["police", "volunteer"], "vending": ["city_management", "market_regulation"],
              "dispute": ["market_regulation", "grid_worker"]}),
            ("special-station-approach", "解放路站前通道", "Jiefang Road station approach",
             clip_convex(box(-700.0, -45.0, -430.0, 45.0), BOUNDARY), "sub-jiefang",
             {"crowd": ["police", "traffic_police"], "lost_person": ["police", "volunteer"],
              "parking": ["traffic_police", "city_management"]}),
        ]
        for sid, nm, ne, ring, parent, resp in specials:
            r = dict(RESPONSIBLE_BASE)
            r.update(resp)
            zones.append({"id": sid, "level": "special", "name": nm, "name_en": ne, "parent": parent,
                          "ring": ccw(ring), "responsible": r, "source": "invented"})
        self.zones = zones

# --------------------------------------------------------------------------------------
# Validation in local metres
# --------------------------------------------------------------------------------------

def validate_local(bld):
    errors = []
    # Roads: connected network.
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for r in bld.roads:
        for a, b in r.segs():
            parent[find(a)] = find(b)
    roots = {find(p) for r in bld.roads for p in r.pts}
    if len(roots) != 1:
        errors.append("road network has %d separate pieces" % len(roots))
    ring = bld.road("road-ring")
    if ring_area(ring.pts[:-1]) <= 0:
        errors.append("the roundabout is not counter-clockwise")
    for key, b in RADIALS.items():
        if key == "dehua":
            continue
        r = bld.road("road-" + key)
        if r.pts[0] not in ring.pts:
            errors.append("%s does not start at a ring node" % r.id)
    # Every road reaches the boundary or another road at both ends.
    for r in bld.roads:
        if r.closed:
            continue
        for p in (r.pts[0], r.pts[-1]):
            if bld.in_boundary(p) and len({a[0].id for a in bld.arms[p]}) < 2:
                errors.append("%s ends in a dead end at %s" % (r.id, p))
    # Walkables: clear of carriageways, connected to the sidewalk network.
    for w in bld.walkables:
        for r in bld.roads:
            for a, b in r.segs():
                # Within a junction the crossing roads' areas overlap by design: trim each
                # end that is a junction by the widest other road there.
                ends = []
                for p, q in ((a, b), (b, a)):
                    others = [x[0].hmax() for x in bld.arms[p] if x[0] is not r]
                    ends.append(add(p, mul(unit(sub(q, p)), min(max(others), 0.45 * norm(sub(q, p))))) if others else p)
                if ring_seg_dist(w["ring"], ends[0], ends[1]) < r.ch - 1e-6:
                    errors.append("%s overlaps the carriageway of %s" % (w["id"], r.id))
                    break
        touches = any(ring_seg_dist(w["ring"], s.a, s.b) < s.road.hmax() for s in bld.seg_obstacles)
        if not touches:
            touches = any(v is not w and ring_ring_dist(w["ring"], v["ring"]) == 0.0 for v in bld.walkables)
        if not touches:
            errors.append("%s touches neither a sidewalk nor another walkable area" % w["id"])
    # Buildings: clear of strips, walkables, each other; inside the boundary.
    for b in bld.buildings:
        for s in bld.seg_obstacles:
            if ring_seg_dist(b["ring"], s.a, s.b) < s.road.ch:
                errors.append("%s overlaps the carriageway of %s" % (b["id"], s.road.id))
            # Side-specific: every vertex and edge must be outside the strip on its side.
            for a, c in ring_edges(b["ring"]):
                for p in (a, c, lerp(a, c, 0.5)):
                    qq, t = seg_closest(p, s.a, s.b)
                    d = norm(sub(p, qq))
                    h = s.road.half(cross(sub(s.b, s.a), sub(p, s.a)) > 0) if 0 < t < 1 else s.road.hmax()
                    if d < h - 1e-6:
                        errors.append("%s reaches %.2f m into the sidewalk strip of %s" % (b["id"], h - d, s.road.id))
                        break
                else:
                    continue
                break
        for w in bld.walkables:
            if overlap_area(b["ring"], w["ring"]) > 1e-6:
                errors.append("%s overlaps %s" % (b["id"], w["id"]))
        for o in bld.buildings:
            if o is not b and o["id"] < b["id"] and overlap_area(b["ring"], o["ring"]) > 1e-6:
                errors.append("%s overlaps %s" % (b["id"], o["id"]))
        if any(not point_in_ring(p, BOUNDARY) for p in b["ring"]):
            errors.append("%s is not inside the boundary" % b["id"])
        if b["category"] == "mall" and not (20000.0 <= b["floor_area"] <= 200000.0):
            errors.append("%s: floor area %.0f m² outside 20,000-200,000" % (b["id"], b["floor_area"]))
    # Entrances: on the outline, within 2 m of the walkable area; malls have 2-4.
    per = {}
    for e in bld.entrances:
        b = next(b for b in bld.buildings if b["id"] == e["building"])
        on = min(seg_dist(e["at"], a, c) for a, c in ring_edges(b["ring"]))
        if on > 0.01:
            errors.append("%s is %.3f m off its building outline" % (e["id"], on))
        g = bld.walk_gap(e["at"])
        if g > 2.0:
            errors.append("%s is %.2f m from the walkable area" % (e["id"], g))
        per[e["building"]] = per.get(e["building"], 0) + 1
    for b in bld.buildings:
        n = per.get(b["id"], 0)
        if b["category"] == "mall" and not 2 <= n <= 4:
            errors.append("%s has %d entrances" % (b["id"], n))
    # Point features on walkable places.
    for t in bld.transit:
        if t["mode"] in ("metro_exit", "bus_stop", "rail_station", "edge", "garage") and not bld.on_walkable(t["at"]):
            if not (t["mode"] == "edge" and not bld.in_carriageway(t["at"]) and bld.walk_gap(t["at"]) == 0):
                errors.append("transit %s at %s is not on a walkable place" % (t["id"], t["at"]))
    for c in bld.cameras:
        if c["kind"] != "eagle_eye" and not bld.on_walkable(c["at"]):
            errors.append("camera at %s is not on a walkable place" % (c["at"],))
    for v in bld.vendors:
        for p in v["ring"]:
            if bld.in_carriageway(p):
                errors.append("%s reaches a carriageway" % v["id"])
    # Zones: each level covers the boundary (points every 5 m).
    levels = {}
    for z in bld.zones:
        levels.setdefault(z["level"], []).append(z)
    xs = [p[0] for p in BOUNDARY]
    ys = [p[1] for p in BOUNDARY]
    samples = 0
    missing = {lv: 0 for lv in ("district", "subdistrict", "grid")}
    x = min(xs) + 2.5
    while x < max(xs):
        y = min(ys) + 2.5
        while y < max(ys):
            p = (x, y)
            if point_in_ring(p, BOUNDARY):
                samples += 1
                for lv in missing:
                    if not any(point_in_ring(p, z["ring"]) for z in levels[lv]):
                        missing[lv] += 1
            y += 5.0
        x += 5.0
    # Walkable ground past the boundary (road stubs and their sidewalks) must be covered too.
    for r in bld.roads:
        if r.closed:
            continue
        for end, prev in ((r.pts[0], r.pts[1]), (r.pts[-1], r.pts[-2])):
            if bld.in_boundary(end):
                continue
            n = left_of(unit(sub(end, prev)))
            for p in (add(end, mul(n, r.hmax())), add(end, mul(n, -r.hmax()))):
                for lv in missing:
                    if not any(point_in_ring(p, z["ring"]) for z in levels[lv]):
                        errors.append("zones of level %s do not cover the end of %s at %s" % (lv, r.id, p))
    for lv, n in missing.items():
        if n:
            errors.append("zones of level %s leave %d of %d sample points uncovered" % (lv, n, samples))
    bld.coverage_samples = samples
    return errors


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------

KIND_ORDER = ["boundary", "zone", "plaza", "pedestrian_street", "walkway", "building", "road",
              "junction", "entrance", "transit", "vendor_point", "post", "camera", "pa_speaker", "landmark"]


def to_lonlat(p):
    lon, lat = unproject(TOWER_LON, TOWER_LAT, p[0], p[1])
    return (round(lon, DECIMALS), round(lat, DECIMALS))


def feature(kind, fid, props, gtype, coords):
    pr = {"kind": kind, "id": fid}
    pr.update({k: v for k, v in props.items() if v is not None})
    return {"kind": kind, "id": fid, "properties": pr, "type": gtype, "coordinates": coords}


def poly_coords(ring):
    r = [to_lonlat(p) for p in ccw(ring)]
    return [r + [r[0]]]


def collect(bld):
    F = []
    F.append(feature("boundary", "boundary-erqi-tower", {
        "name": "二七塔商圈", "name_en": "Erqi Tower business district", "approx": True,
        "source": "reports", "area_m2": TARGET_AREA_M2}, "Polygon", poly_coords(BOUNDARY)))
    F.append(feature("landmark", "landmark-erqi-tower", {
        "name": "二七纪念塔", "name_en": "Erqi Memorial Tower", "approx": True, "source": "reports"},
        "Point", to_lonlat((0.0, 0.0))))
    for r in bld.roads:
        props = {"name": r.name, "name_en": r.name_en, "approx": True, "source": r.source,
                 "class": r.cls, "lanes": r.lanes, "oneway": r.oneway, "speed_kmh": r.speed,
                 "width_m": r.width, "nonmotor_m": r.nm, "bus_lane": r.bus, "roundabout": r.roundabout}
        if r.sw_l == r.sw_r:
            props["sidewalk_m"] = r.sw_l
        else:
            props["sidewalk_left_m"], props["sidewalk_right_m"] = r.sw_l, r.sw_r
        F.append(feature("road", r.id, props, "LineString", [to_lonlat(p) for p in r.pts]))
    for j in bld.junctions:
        if j["control"]:
            F.append(feature("junction", j["id"], {"name": j["name"], "name_en": j["name_en"],
                                                   "approx": True, "source": "invented",
                                                   "control": j["control"]},
                             "Point", to_lonlat(j["at"])))
    for w in bld.walkables:
        F.append(feature(w["kind"], w["id"], {"name": w["name"], "name_en": w["name_en"], "approx": True,
                                              "source": w["source"]}, "Polygon", poly_coords(w["ring"])))
    for b in bld.buildings:
        F.append(feature("building", b["id"], {"name": b["name"], "name_en": b["name_en"], "approx": True,
                                               "source": b["source"], "category": b["category"],
                                               "floors": b["floors"], "floor_area_m2": b["floor_area"]},
                         "Polygon", poly_coords(b["ring"])))
    for e in bld.entrances:
        F.append(feature("entrance", e["id"], {"name": e["name"], "name_en": e["name_en"], "approx": True,
                                               "source": "invented", "building": e["building"],
                                               "width_m": e["width"]}, "Point", to_lonlat(e["at"])))
    for t in bld.transit:
        props = {"name": t["name"], "name_en": t["name_en"], "approx": True, "source": t["source"],
                 "mode": t["mode"], "line": t["line"], "capacity": t["capacity"]}
        F.append(feature("transit", t["id"], props, "Point", to_lonlat(t["at"])))
    for v in bld.vendors:
        F.append(feature("vendor_point", v["id"], {"name": v["name"], "name_en": v["name_en"], "approx": True,
                                                   "source": "reports", "stalls": v["stalls"],
                                                   "hours": v["hours"]}, "Polygon", poly_coords(v["ring"])))
    for p in bld.posts:
        F.append(feature("post", p["id"], {"name": p["name"], "name_en": p["name_en"], "approx": True,
                                           "source": "reports", "modes": p["modes"], "unit": p["unit"],
                                           "staff": p["staff"]}, "Point", to_lonlat(p["at"])))
    counters = {"eagle_eye": 0, "sharp_eyes": 0, "smart_capture": 0}
    prefix = {"eagle_eye": "cam-ee", "sharp_eyes": "cam-se", "smart_capture": "cam-sc"}
    for c in bld.cameras:
        counters[c["kind"]] += 1
        F.append(feature("camera", "%s-%03d" % (prefix[c["kind"]], counters[c["kind"]]),
                         {"approx": True, "source": "derived", "camera_type": c["kind"],
                          "heading_deg": c["heading"], "fov_deg": c["fov"], "range_m": c["range_m"]},
                         "Point", to_lonlat(c["at"])))
    for i, p in enumerate(bld.speakers):
        F.append(feature("pa_speaker", "pa-%02d" % (i + 1), {"approx": True, "source": "derived", "range_m": 80.0},
                         "Point", to_lonlat(p)))
    for z in bld.zones:
        props = {"name": z["name"], "name_en": z["name_en"], "approx": True, "source": z["source"],
                 "level": z["level"], "parent": z["parent"], "responsible": z["responsible"]}
        F.append(feature("zone", z["id"], props, "Polygon", poly_coords(z["ring"])))
    F.sort(key=lambda f: (KIND_ORDER.index(f["kind"]), f["id"]))
    return F


def fmt_coords(c):
    if isinstance(c, tuple):
        return "[%.*f,%.*f]" % (DECIMALS, c[0], DECIMALS, c[1])
    return "[" + ",".join(fmt_coords(x) for x in c) + "]"


def render(features):
    lines = ['{"type":"FeatureCollection","name":"erqi","features":[']
    for i, f in enumerate(features):
        props = json.dumps(f["properties"], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        geom = '{"type":"%s","coordinates":%s}' % (f["type"], fmt_coords(f["coordinates"]))
        lines.append('{"type":"Feature","properties":%s,"geometry":%s}%s' % (
            props, geom, "," if i < len(features) - 1 else ""))
    lines.append("]}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------
# Validation of the written form (what the engine's loader sees)
# --------------------------------------------------------------------------------------

def validate_output(features):
    errors = []
    ids = [f["id"] for f in features]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        errors.append("duplicate ids: %s" % ", ".join(dup))
    allowed = {
        "boundary": {"Polygon"}, "road": {"LineString"}, "junction": {"Point"}, "walkway": {"Polygon"},
        "plaza": {"Polygon"}, "pedestrian_street": {"Polygon"}, "building": {"Polygon"},
        "entrance": {"Point"}, "transit": {"Point"}, "zone": {"Polygon", "MultiPolygon"},
        "vendor_point": {"Point", "Polygon"}, "post": {"Point"}, "camera": {"Point"},
        "pa_speaker": {"Point"}, "landmark": {"Point", "Polygon"},
    }
    road_nodes = set()
    for f in features:
        if f["type"] not in allowed[f["kind"]]:
            errors.append("%s: %s geometry for kind %s" % (f["id"], f["type"], f["kind"]))
        if f["type"] == "Polygon":
            for ring in f["coordinates"]:
                if len(ring) < 4:
                    errors.append("%s: ring of %d positions" % (f["id"], len(ring)))
                if ring[0] != ring[-1]:
                    errors.append("%s: ring not closed" % f["id"])
                if any(ring[i] == ring[i + 1] for i in range(len(ring) - 1)):
                    errors.append("%s: consecutive duplicate positions" % f["id"])
                local = [project(TOWER_LON, TOWER_LAT, lo, la) for lo, la in ring[:-1]]
                if ring_self_intersects(local):
                    errors.append("%s: self-intersecting ring" % f["id"])
                if ring_area(local) <= 0:
                    errors.append("%s: outer ring not counter-clockwise" % f["id"])
        if f["type"] == "LineString":
            c = f["coordinates"]
            if len(c) < 2 or any(c[i] == c[i + 1] for i in range(len(c) - 1)):
                errors.append("%s: line too short or with consecutive duplicates" % f["id"])
            road_nodes.update(c)
            if f["properties"].get("roundabout"):
                if c[0] != c[-1] or len(c) < 17:
                    errors.append("%s: the roundabout must be closed with at least 16 nodes" % f["id"])
    for f in features:
        if f["kind"] == "junction" and f["coordinates"] not in road_nodes:
            errors.append("%s is not on a road node" % f["id"])
    bids = {f["id"] for f in features if f["kind"] == "building"}
    zids = {f["id"] for f in features if f["kind"] == "zone"}
    for f in features:
        if f["kind"] == "entrance" and f["properties"]["building"] not in bids:
            errors.append("%s: unknown building" % f["id"])
        if f["kind"] == "zone" and f["properties"].get("parent") and f["properties"]["parent"] not in zids:
            errors.append("%s: unknown parent" % f["id"])
    return errors


def boundary_area_from_output(features):
    b = next(f for f in features if f["kind"] == "boundary")["coordinates"][0][:-1]
    loc = [project(TOWER_LON, TOWER_LAT, lo, la) for lo, la in b]
    cx, cy = ring_centroid(loc)
    lon0, lat0 = unproject(TOWER_LON, TOWER_LAT, cx, cy)
    loc2 = [project(lon0, lat0, lo, la) for lo, la in b]
    return ring_area(loc2), (lon0, lat0)


def summary(bld, features, area, centre):
    def count(kind, key=None, val=None):
        return sum(1 for f in features if f["kind"] == kind and (key is None or f["properties"].get(key) == val))
    out = []
    out.append("boundary area: %.0f m² = %.4f km² (target %.2f km², %+.3f %%), centroid %.6f E %.6f N" % (
        area, area / 1e6, TARGET_AREA_M2 / 1e6, 100.0 * (area / TARGET_AREA_M2 - 1.0), centre[0], centre[1]))
    kinds = {}
    for f in features:
        kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
    out.append("features: %d (%s)" % (len(features), ", ".join("%s %d" % (k, kinds[k]) for k in KIND_ORDER if k in kinds)))
    total_len = sum(norm(sub(b, a)) for r in bld.roads for a, b in r.segs())
    out.append("roads: %d (arterial %d, secondary %d, local %d; one-way %d), %.2f km of centre line" % (
        len(bld.roads), sum(r.cls == "arterial" for r in bld.roads), sum(r.cls == "secondary" for r in bld.roads),
        sum(r.cls == "local" for r in bld.roads), sum(r.oneway for r in bld.roads), total_len / 1000.0))
    out.append("roundabout: %d nodes, radius %.0f m; junctions: %d signal, %d roundabout (+%d priority nodes)" % (
        len(bld.road("road-ring").pts) - 1, R_RING, count("junction", "control", "signal"),
        count("junction", "control", "roundabout"), sum(1 for j in bld.junctions if not j["control"])))
    cats = {}
    for b in bld.buildings:
        c = cats.setdefault(b["category"], [0, 0.0, 0.0])
        c[0] += 1
        c[1] += b["footprint"]
        c[2] += b["floor_area"]
    out.append("buildings: " + ", ".join("%s %d (footprint %.0f m², floor area %.0f m²)" % (k, v[0], v[1], v[2])
                                          for k, v in sorted(cats.items())))
    malls = [b for b in bld.buildings if b["category"] == "mall"]
    out.append("commercial complexes (mall): %d, floor area %.0f-%.0f m²; entrances: %d" % (
        len(malls), min(b["floor_area"] for b in malls), max(b["floor_area"] for b in malls), count("entrance")))
    out.append("walkable: %s" % ", ".join("%s %.0f m²" % (w["id"], ring_area(w["ring"])) for w in bld.walkables))
    modes = {}
    for t in bld.transit:
        modes[t["mode"]] = modes.get(t["mode"], 0) + 1
    out.append("transit: " + ", ".join("%s %d" % (k, v) for k, v in sorted(modes.items())) +
               "; garage spaces %d" % sum(t["capacity"] or 0 for t in bld.transit))
    lv = {}
    for z in bld.zones:
        lv[z["level"]] = lv.get(z["level"], 0) + 1
    out.append("zones: district %d, subdistrict %d, grid %d, special %d; coverage checked at %d points every 5 m" % (
        lv.get("district", 0), lv.get("subdistrict", 0), lv.get("grid", 0), lv.get("special", 0),
        bld.coverage_samples))
    out.append("vendor points: %d, stalls %d" % (len(bld.vendors), sum(v["stalls"] for v in bld.vendors)))
    out.append("posts: %d (%d also staffed in normal mode)" % (len(bld.posts), sum("normal" in p["modes"] for p in bld.posts)))
    ct = {}
    for c in bld.cameras:
        ct[c["kind"]] = ct.get(c["kind"], 0) + 1
    out.append("cameras: eagle_eye %d + sharp_eyes %d = %d; smart_capture %d; pa_speaker %d" % (
        ct.get("eagle_eye", 0), ct.get("sharp_eyes", 0), ct.get("eagle_eye", 0) + ct.get("sharp_eyes", 0),
        ct.get("smart_capture", 0), len(bld.speakers)))
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="output GeoJSON (default: %(default)s)")
    ap.add_argument("--check", action="store_true", help="validate only; fail if the output file differs")
    args = ap.parse_args(argv)
    try:
        bld = Builder()
        bld.build()
        errors = validate_local(bld)
        features = collect(bld)
        errors += validate_output(features)
        area, centre = boundary_area_from_output(features)
        if abs(area / TARGET_AREA_M2 - 1.0) > 0.01:
            errors.append("boundary area %.0f m² is not within 1 %% of %.0f" % (area, TARGET_AREA_M2))
        checks = [
            ("malls", sum(1 for b in bld.buildings if b["category"] == "mall"), MALL_COUNT),
            ("districts", sum(1 for z in bld.zones if z["level"] == "district"), 3),
            ("subdistricts", sum(1 for z in bld.zones if z["level"] == "subdistrict"), 5),
            ("vendor points", len(bld.vendors), VENDOR_POINTS),
            ("stalls", sum(v["stalls"] for v in bld.vendors), VENDOR_STALLS),
            ("posts", len(bld.posts), HOLIDAY_POSTS),
            ("cameras", sum(1 for c in bld.cameras if c["kind"] != "smart_capture"), CAMERAS),
            ("smart capture", sum(1 for c in bld.cameras if c["kind"] == "smart_capture"), SMART_CAPTURE),
            ("pa sets", len(bld.speakers), PA_SETS),
        ]
        for what, got, want in checks:
            if got != want:
                errors.append("%s: %d, expected %d" % (what, got, want))
        grids = sum(1 for z in bld.zones if z["level"] == "grid")
        if not 15 <= grids <= 25:
            errors.append("%d grid cells, expected 15-25" % grids)
    except MapError as e:
        print("make_erqi_map: %s" % e, file=sys.stderr)
        return 1
    for line in summary(bld, features, area, centre):
        print(line)
    if errors:
        for e in errors:
            print("make_erqi_map: error: %s" % e, file=sys.stderr)
        print("make_erqi_map: %d errors; nothing written" % len(errors), file=sys.stderr)
        return 1
    text = render(features)
    if args.check:
        try:
            with open(args.out, encoding="utf-8") as fh:
                same = fh.read() == text
        except OSError:
            same = False
        print("%s: %s" % (args.out, "up to date" if same else "DIFFERS from the generator's output"))
        return 0 if same else 1
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, args.out)
    print("wrote %s (%d bytes)" % (args.out, len(text.encode("utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
