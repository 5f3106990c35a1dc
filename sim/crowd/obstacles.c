// SPDX-License-Identifier: MIT
// Disc obstacles in the walk (obstacles.h). The index is a counting sort of (bucket, disc)
// pairs in disc order, so each bucket lists its discs ascending and queries visit them in a
// fixed order; nothing depends on threads. Per-pedestrian queries only read the index, so
// walk.c may call them from any thread. Does not decide where discs are.
#include "crowd/obstacles.h"

#include "core/assert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// How far beyond a disc's radius it can matter to a pedestrian: steering looks ahead this
// far (lookahead + body + clearance), and one step (at most 10 m/s × 1 s in gops_walk_step)
// stays inside it for the hard rule.
static float reach_m(void)
{
    float r = GOPS_OBSTACLE_LOOKAHEAD_M + GOPS_OBSTACLE_MAX_BODY_M + GOPS_OBSTACLE_CLEARANCE_M;
    return r > 10.0f ? r : 10.0f;
}

void gops_obstacles_init(gops_obstacles_t *o, double min_x, double min_y, double max_x, double max_y, float bucket_m)
{
    GOPS_ASSERT(bucket_m > 0 && max_x >= min_x && max_y >= min_y);
    memset(o, 0, sizeof *o);
    o->min_x = min_x;
    o->min_y = min_y;
    o->bucket_m = bucket_m;
    o->nx = (int32_t)ceil((max_x - min_x) / bucket_m);
    o->ny = (int32_t)ceil((max_y - min_y) / bucket_m);
    if (o->nx < 1) o->nx = 1;
    if (o->ny < 1) o->ny = 1;
}

void gops_obstacles_free(gops_obstacles_t *o)
{
    free(o->x), free(o->y), free(o->r);
    free(o->start);
    free(o->items);
    memset(o, 0, sizeof *o);
}

// Bucket range [b0, b1] along one axis covering [lo, hi]; false when it misses the grid.
static bool bucket_range(double lo, double hi, double min, float size, int32_t n, int32_t *b0, int32_t *b1)
{
    double f0 = floor((lo - min) / size), f1 = floor((hi - min) / size);
    if (f1 < 0 || f0 >= n) return false;
    *b0 = f0 < 0 ? 0 : (int32_t)f0;
    *b1 = f1 >= n ? n - 1 : (int32_t)f1;
    return true;
}

gops_status_t gops_obstacles_set(gops_obstacles_t *o, const gops_disc_t *discs, uint32_t n, uint64_t version,
                                 bool *changed, gops_error_t *err)
{
    if (changed) *changed = false;
    if (o->ever_set && version == o->version) return GOPS_OK;
    for (uint32_t i = 0; i < n; i++)
        if (!isfinite(discs[i].x) || !isfinite(discs[i].y) || !(discs[i].r > 0 && discs[i].r <= 50))
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "crowd obstacles: disc %u at (%g, %g) with radius %g m: expected a finite centre "
                                  "and 0 < r <= 50 m",
                                  i, discs[i].x, discs[i].y, discs[i].r);
    size_t buckets = (size_t)o->nx * (size_t)o->ny;
    float *x = malloc((n ? n : 1) * sizeof *x), *y = malloc((n ? n : 1) * sizeof *y), *r = malloc((n ? n : 1) * sizeof *r);
    uint32_t *start = calloc(buckets + 1, sizeof *start);
    if (!x || !y || !r || !start) {
        free(x), free(y), free(r), free(start);
        return gops_error_set(err, GOPS_NOMEM, "crowd obstacles: out of memory for %u discs", n);
    }
    float reach = reach_m();
    // Count, then fill (counting sort by bucket; discs ascend within a bucket).
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        x[i] = (float)discs[i].x, y[i] = (float)discs[i].y, r[i] = (float)discs[i].r;
        double g = discs[i].r + reach;
        int32_t bx0, bx1, by0, by1;
        if (!bucket_range(discs[i].x - g, discs[i].x + g, o->min_x, o->bucket_m, o->nx, &bx0, &bx1) ||
            !bucket_range(discs[i].y - g, discs[i].y + g, o->min_y, o->bucket_m, o->ny, &by0, &by1))
            continue;
        for (int32_t by = by0; by <= by1; by++)
            for (int32_t bx = bx0; bx <= bx1; bx++) start[(size_t)by * o->nx + bx + 1]++;
        total += (uint64_t)(bx1 - bx0 + 1) * (uint64_t)(by1 - by0 + 1);
    }
    if (total > UINT32_MAX) total = UINT32_MAX; // cannot happen with r <= 50 m on a sane raster
    uint32_t *items = o->items;
    if (total > o->item_capacity) {
        items = realloc(o->items, total * sizeof *items);
        if (!items) {
            free(x), free(y), free(r), free(start);
            return gops_error_set(err, GOPS_NOMEM, "crowd obstacles: out of memory for %u discs", n);
        }
        o->items = items;
        o->item_capacity = (uint32_t)total;
    }
    for (size_t b = 0; b < buckets; b++) start[b + 1] += start[b];
    uint32_t *fill = malloc((buckets ? buckets : 1) * sizeof *fill);
    if (!fill) {
        free(x), free(y), free(r), free(start);
        return gops_error_set(err, GOPS_NOMEM, "crowd obstacles: out of memory for %u discs", n);
    }
    memcpy(fill, start, buckets * sizeof *fill);
    for (uint32_t i = 0; i < n; i++) {
        double g = discs[i].r + reach;
        int32_t bx0, bx1, by0, by1;
        if (!bucket_range(discs[i].x - g, discs[i].x + g, o->min_x, o->bucket_m, o->nx, &bx0, &bx1) ||
            !bucket_range(discs[i].y - g, discs[i].y + g, o->min_y, o->bucket_m, o->ny, &by0, &by1))
            continue;
        for (int32_t by = by0; by <= by1; by++)
            for (int32_t bx = bx0; bx <= bx1; bx++) items[fill[(size_t)by * o->nx + bx]++] = i;
    }
    free(fill);
    free(o->x), free(o->y), free(o->r), free(o->start);
    o->x = x, o->y = y, o->r = r, o->start = start;
    o->count = n;
    o->item_count = (uint32_t)total;
    o->version = version;
    o->ever_set = true;
    o->rebuilds++;
    if (changed) *changed = true;
    return GOPS_OK;
}

// The discs listed for the bucket holding (x, y): [*first, *last) into items; empty off the grid.
static void bucket_of(const gops_obstacles_t *o, double x, double y, uint32_t *first, uint32_t *last)
{
    *first = *last = 0;
    if (o->count == 0 || !o->start) return;
    double fx = floor((x - o->min_x) / o->bucket_m), fy = floor((y - o->min_y) / o->bucket_m);
    if (!(fx >= 0 && fx < o->nx && fy >= 0 && fy < o->ny)) return; // NaN too
    size_t b = (size_t)fy * o->nx + (size_t)fx;
    *first = o->start[b];
    *last = o->start[b + 1];
}

// Whether a way past (GOPS_OBSTACLE_WAY_M) fits beside disc j on the side of unit normal
// (nx, ny) to one's way: a disc of `half` that width, its edge `clearance` from disc j's,
// clears the walls abeam of the centre and 30° and 60° ahead and behind. One point (abeam
// of the line to the centre) was not enough: between a cart and the corner of a street's
// mouth the narrowest place lay off it, and walkers filed through (weekday, 17:51, 4.9
// persons/m² in the queue).
static bool side_open(const gops_obstacles_t *o, uint32_t j, float nx, float ny, float half, gops_obstacle_room_fn room,
                      const void *user)
{
    static const float cos_a[5] = {1.0f, 0.8660254f, 0.8660254f, 0.5f, 0.5f};
    static const float sin_a[5] = {0.0f, 0.5f, -0.5f, 0.8660254f, -0.8660254f};
    float reach = o->r[j] + GOPS_OBSTACLE_CLEARANCE_M + half;
    for (int k = 0; k < 5; k++) {
        float ax = nx * cos_a[k] - ny * sin_a[k], ay = nx * sin_a[k] + ny * cos_a[k];
        if (!room(user, o->x[j] + ax * reach, o->y[j] + ay * reach, half)) return false;
    }
    return true;
}

void gops_obstacles_steer(const gops_obstacles_t *o, float x, float y, float radius, float *ex, float *ey,
                          gops_obstacle_room_fn room, const void *user)
{
    uint32_t k0, k1;
    bucket_of(o, x, y, &k0, &k1);
    float e_x = *ex, e_y = *ey;
    float best_t = INFINITY;
    uint32_t best = UINT32_MAX;
    for (uint32_t k = k0; k < k1; k++) {
        uint32_t j = o->items[k];
        float cx = o->x[j] - x, cy = o->y[j] - y;
        float grown = o->r[j] + radius + GOPS_OBSTACLE_CLEARANCE_M;
        float d2 = cx * cx + cy * cy;
        float along = cx * e_x + cy * e_y, lateral = e_x * cy - e_y * cx;
        float t;
        if (d2 <= grown * grown) {
            if (along <= 0) continue; // inside the grown disc but moving away: nothing to avoid
            t = 0;
        } else {
            if (along <= 0 || fabsf(lateral) >= grown) continue; // behind, or the way misses it
            t = along - sqrtf(grown * grown - lateral * lateral);
            if (t > GOPS_OBSTACLE_LOOKAHEAD_M) continue;
        }
        if (t < best_t) best_t = t, best = j;
    }
    if (best == UINT32_MAX) return;
    float cx = o->x[best] - x, cy = o->y[best] - y;
    float d = sqrtf(cx * cx + cy * cy);
    if (!(d > 0)) return; // standing on the centre: the hard rule lets it out any way
    float ux = cx / d, uy = cy / d, grown = o->r[best] + radius + GOPS_OBSTACLE_CLEARANCE_M;
    // Centre left of the way (cross(e, u) > 0): pass with the disc on the left, turning
    // clockwise from u; right of it: counter-clockwise; dead ahead: on the right.
    float side = e_x * uy - e_y * ux >= 0 ? -1.0f : 1.0f;
    // A cart standing against a building leaves no way past on that side: the geometric
    // choice sent walkers along the wall into the pocket between the two, where they stood
    // (weekday evening, 19:45: eight walkers there for minutes). Nor does a gap narrower
    // than two walking lanes: a sidewalk carries people both ways, and walkers leaning to
    // such a gap filed through it against each other while the other side stood open (a
    // cart 0.6 m from a facade, weekday 18:47: 4.3 persons/m² in the queue; one 1.2 m from
    // it on a 5 m sidewalk, 19:48: 6.2).
    if (room) {
        float half = fmaxf(0.5f * GOPS_OBSTACLE_WAY_M, radius), nx = -side * e_y, ny = side * e_x;
        if (!side_open(o, best, nx, ny, half, room, user) && side_open(o, best, -nx, -ny, half, room, user))
            side = -side;
    }
    float s = d > grown ? grown / d : 1.0f, c = sqrtf(1.0f - s * s);
    *ex = ux * c - side * uy * s;
    *ey = side * ux * s + uy * c;
}

bool gops_obstacles_move_ok(const gops_obstacles_t *o, double x0, double y0, double x1, double y1)
{
    uint32_t k0, k1;
    bucket_of(o, x0, y0, &k0, &k1);
    double mx = x1 - x0, my = y1 - y0, len2 = mx * mx + my * my;
    for (uint32_t k = k0; k < k1; k++) {
        uint32_t j = o->items[k];
        double cx = o->x[j], cy = o->y[j], r = o->r[j];
        double d0x = x0 - cx, d0y = y0 - cy, d1x = x1 - cx, d1y = y1 - cy;
        double d0 = d0x * d0x + d0y * d0y, d1 = d1x * d1x + d1y * d1y;
        if (d0 < r * r) { // started inside (the disc appeared on it): only away from the centre
            if (d1 < d0) return false;
            continue;
        }
        if (d1 < r * r) return false;
        // Closest point of the move to the centre, for a move that would cut through.
        double t = len2 > 0 ? -(d0x * mx + d0y * my) / len2 : 0;
        if (t > 0 && t < 1) {
            double px = d0x + t * mx, py = d0y + t * my;
            if (px * px + py * py < r * r) return false;
        }
    }
    return true;
}

bool gops_obstacles_inside(const gops_obstacles_t *o, double x, double y)
{
    uint32_t k0, k1;
    bucket_of(o, x, y, &k0, &k1);
    for (uint32_t k = k0; k < k1; k++) {
        uint32_t j = o->items[k];
        double dx = x - o->x[j], dy = y - o->y[j];
        if (dx * dx + dy * dy < (double)o->r[j] * o->r[j]) return true;
    }
    return false;
}

bool gops_obstacles_near(const gops_obstacles_t *o, double x, double y)
{
    uint32_t k0, k1;
    bucket_of(o, x, y, &k0, &k1);
    return k1 > k0;
}
