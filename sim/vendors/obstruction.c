// SPDX-License-Identifier: MIT
// Blocked discs and width measures (see obstruction.h). Walkability is the raster's: a
// point is walkable when the cell containing it is. Directions and samples are visited in
// a fixed order, so results never depend on anything but the inputs.
#include "vendors/obstruction.h"

#include <math.h>

bool gops_discs_contain(const gops_disc_t *discs, uint32_t n, gops_point_t p)
{
    for (uint32_t i = 0; i < n; i++) {
        double dx = p.x - discs[i].x, dy = p.y - discs[i].y;
        if (dx * dx + dy * dy <= discs[i].r * discs[i].r) return true;
    }
    return false;
}

static bool walkable_at(const gops_walkable_t *w, gops_point_t p)
{
    uint32_t cell = gops_walkable_cell_at(w, p);
    return cell != GOPS_WALKABLE_NONE && gops_walkable_is_set(w, cell);
}

uint32_t gops_obstruction_mark(const gops_walkable_t *walk, const gops_disc_t *discs, uint32_t n, uint8_t *blocked)
{
    uint32_t marked = 0;
    for (uint32_t i = 0; i < n; i++) {
        const gops_disc_t *d = &discs[i];
        int32_t x0 = (int32_t)floor((d->x - d->r - walk->min_x) / walk->cell);
        int32_t x1 = (int32_t)floor((d->x + d->r - walk->min_x) / walk->cell);
        int32_t y0 = (int32_t)floor((d->y - d->r - walk->min_y) / walk->cell);
        int32_t y1 = (int32_t)floor((d->y + d->r - walk->min_y) / walk->cell);
        if (x0 < 0) x0 = 0;
        if (y0 < 0) y0 = 0;
        if (x1 >= walk->nx) x1 = walk->nx - 1;
        if (y1 >= walk->ny) y1 = walk->ny - 1;
        for (int32_t cy = y0; cy <= y1; cy++)
            for (int32_t cx = x0; cx <= x1; cx++) {
                uint32_t cell = (uint32_t)cy * (uint32_t)walk->nx + (uint32_t)cx;
                if (!gops_walkable_is_set(walk, cell)) continue;
                gops_point_t c = gops_walkable_centre(walk, cell);
                double dx = c.x - d->x, dy = c.y - d->y;
                if (dx * dx + dy * dy > d->r * d->r) continue;
                uint32_t k = gops_walkable_index(walk, cell);
                if (!blocked[k]) {
                    blocked[k] = 1;
                    marked++;
                }
            }
    }
    return marked;
}

double gops_obstruction_free_width(const gops_walkable_t *walk, const gops_disc_t *discs, uint32_t n,
                                   gops_point_t a, gops_point_t b, uint32_t samples)
{
    if (samples == 0) samples = 1;
    double len = hypot(b.x - a.x, b.y - a.y), free_len = 0, piece = len / samples;
    for (uint32_t k = 0; k < samples; k++) {
        double t = (k + 0.5) / samples;
        gops_point_t p = {a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};
        if (walkable_at(walk, p) && !gops_discs_contain(discs, n, p)) free_len += piece;
    }
    return free_len;
}

// cos and sin of dir × 22.5°, from a table so results do not depend on libm.
static const double c8[8] = {1.0, 0.9238795325112867, 0.7071067811865476, 0.3826834323650898,
                             0.0, -0.3826834323650898, -0.7071067811865476, -0.9238795325112867};
static const double s8[8] = {0.0, 0.3826834323650898, 0.7071067811865476, 0.9238795325112867,
                             1.0, 0.9238795325112867, 0.7071067811865476, 0.3826834323650898};

/// Walkable samples in a row from p (not counted) along direction dir, side −1 or 1, at most
/// `steps`; *free_count (when given) gets how many of them lie outside the discs.
static uint32_t walkable_run(const gops_walkable_t *walk, const gops_disc_t *discs, uint32_t n, gops_point_t p,
                             int dir, int side, uint32_t steps, double step_m, uint32_t *free_count)
{
    uint32_t k = 0;
    for (; k < steps; k++) {
        double d = side * (double)(k + 1) * step_m;
        gops_point_t q = {p.x + d * c8[dir], p.y + d * s8[dir]};
        if (!walkable_at(walk, q)) break;
        if (free_count && !gops_discs_contain(discs, n, q)) ++*free_count;
    }
    return k;
}

/// The walkway's cross-section through a walkable p: of the 8 directions the first with the
/// fewest walkable samples in a row through p. run[0] and run[1] get its samples on the −
/// and + side.
static int cross_direction(const gops_walkable_t *walk, gops_point_t p, uint32_t steps, double step_m, uint32_t run[2])
{
    int best = 0;
    for (int dir = 0; dir < 8; dir++) {
        uint32_t minus = walkable_run(walk, NULL, 0, p, dir, -1, steps, step_m, NULL);
        uint32_t plus = walkable_run(walk, NULL, 0, p, dir, 1, steps, step_m, NULL);
        if (dir == 0 || minus + plus < run[0] + run[1]) best = dir, run[0] = minus, run[1] = plus;
    }
    return best;
}

void gops_obstruction_local_width(const gops_walkable_t *walk, const gops_disc_t *discs, uint32_t n, gops_point_t p,
                                  double reach_m, double step_m, double *before, double *after)
{
    *before = *after = 0;
    if (!walkable_at(walk, p) || !(step_m > 0) || !(reach_m > 0)) return;
    uint32_t steps = (uint32_t)floor(reach_m / step_m), run[2];
    int dir = cross_direction(walk, p, steps, step_m, run);
    uint32_t free_count = gops_discs_contain(discs, n, p) ? 0 : 1;
    walkable_run(walk, discs, n, p, dir, -1, steps, step_m, &free_count);
    walkable_run(walk, discs, n, p, dir, 1, steps, step_m, &free_count);
    *before = (1 + run[0] + run[1]) * step_m;
    *after = free_count * step_m;
}

void gops_obstruction_cross_section(const gops_walkable_t *walk, gops_point_t p, double reach_m, double step_m,
                                    double *minus, double *plus)
{
    *minus = *plus = 0;
    if (!walkable_at(walk, p) || !(step_m > 0) || !(reach_m > 0)) return;
    uint32_t run[2];
    cross_direction(walk, p, (uint32_t)floor(reach_m / step_m), step_m, run);
    *minus = (run[0] + 0.5) * step_m;
    *plus = (run[1] + 0.5) * step_m;
}
