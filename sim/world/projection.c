// SPDX-License-Identifier: MIT
// Local projection of WGS84 lon/lat (degrees) to metres east/north of a chosen origin:
// equirectangular on a sphere of the mean Earth radius. Owns the formulas only; the choice
// of origin (the map's coordinate centroid) is the loader's.
//
// Error bound. x = R cos φ0 Δλ, y = R Δφ (radians), R = 6371008.8 m.
// - Against the great-circle (haversine) distance on the same sphere, the only first-order
//   error is the east-west scale, which is right at φ0 but off by cos φ / cos φ0 − 1 ≈
//   −tan φ0 · Δφ at a north-south offset Δφ from the origin. For any two points at most D
//   north or south of the origin the relative distance error is ≤ tan|φ0| · D / R (second-
//   order terms are ~(D/R)² < 1e-7). For a 2 km extent (D ≤ 2 km even when the origin sits at
//   an edge) at the Erqi tower (φ0 = 34.75°): ≤ 0.694 × 2000 / 6371009 = 0.022 % (0.011 %
//   when the origin is central); at φ0 = 60°: 0.054 %. A numerical check over 10⁵ random
//   pairs in a 2 km square gave 0.0217 % at 34.75° N.
// - Against the ellipsoidal geodesic (Vincenty on WGS84) the sphere itself dominates: the
//   mean radius differs from the local meridional and prime-vertical radii (at 34.75° N,
//   M = 6 356 160 m, N = 6 385 084 m), so north-south distances come out 0.23 % long and
//   east-west ones 0.22 % short (at most +0.56 % north-south at the equator). That is
//   2.3 m per km — below the resolution of the district map's hand-drawn geometry, and the
//   same for every feature, so areas and relative distances stay consistent.
#include "world/map.h"

#include <math.h>

/// Mean Earth radius (IUGG R1 = (2a + b) / 3 of WGS84), m.
#define EARTH_RADIUS_M 6371008.8
#define DEG_TO_RAD (3.14159265358979323846 / 180.0)

void gops_project(double lon0, double lat0, double lon, double lat, double *x, double *y)
{
    double k = EARTH_RADIUS_M * DEG_TO_RAD;
    *x = k * cos(lat0 * DEG_TO_RAD) * (lon - lon0);
    *y = k * (lat - lat0);
}

void gops_unproject(double lon0, double lat0, double x, double y, double *lon, double *lat)
{
    double k = EARTH_RADIUS_M * DEG_TO_RAD;
    double c = cos(lat0 * DEG_TO_RAD);
    // The loader rejects maps near the poles, so c is never tiny there; guard anyway so a
    // direct caller gets the origin's longitude rather than a division by zero.
    *lon = c > 1e-12 ? lon0 + x / (k * c) : lon0;
    *lat = lat0 + y / k;
}
