// SPDX-License-Identifier: MIT
// Footfall grid (see footfall.h). Counting is O(n) with no allocation; a query visits the
// cells of the radius's bounding square. Nothing here depends on the order of positions.
#include "vendors/footfall.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

gops_status_t gops_footfall_init(gops_footfall_t *f, double min_x, double min_y, double max_x, double max_y,
                                 double cell_m, gops_error_t *err)
{
    memset(f, 0, sizeof *f);
    if (!(cell_m >= 0.5 && cell_m <= 20))
        return gops_error_set(err, GOPS_BAD_VALUE, "vendors: footfall cell %g m is out of range: expected 0.5 to 20 m",
                              cell_m);
    if (!(max_x > min_x && max_y > min_y) || !isfinite(min_x) || !isfinite(max_x) || !isfinite(min_y) ||
        !isfinite(max_y) || (max_x - min_x) / cell_m > 1e5 || (max_y - min_y) / cell_m > 1e5)
        return gops_error_set(err, GOPS_BAD_VALUE, "vendors: footfall grid extent [%g, %g] x [%g, %g] m is empty or too large",
                              min_x, max_x, min_y, max_y);
    f->min_x = min_x;
    f->min_y = min_y;
    f->cell_m = cell_m;
    f->nx = (int32_t)ceil((max_x - min_x) / cell_m) + 1;
    f->ny = (int32_t)ceil((max_y - min_y) / cell_m) + 1;
    f->count = calloc((size_t)f->nx * (size_t)f->ny, sizeof *f->count);
    if (!f->count) return gops_error_set(err, GOPS_NOMEM, "vendors: out of memory for the footfall grid");
    return GOPS_OK;
}

void gops_footfall_free(gops_footfall_t *f)
{
    free(f->count);
    memset(f, 0, sizeof *f);
}

void gops_footfall_count(gops_footfall_t *f, const float *x, const float *y, uint32_t n)
{
    memset(f->count, 0, (size_t)f->nx * (size_t)f->ny * sizeof *f->count);
    f->total = 0;
    for (uint32_t i = 0; i < n; i++) {
        double cx = floor(((double)x[i] - f->min_x) / f->cell_m), cy = floor(((double)y[i] - f->min_y) / f->cell_m);
        if (!(cx >= 0 && cy >= 0 && cx < f->nx && cy < f->ny)) continue;
        f->count[(size_t)cy * (size_t)f->nx + (size_t)cx]++;
        f->total++;
    }
}

uint32_t gops_footfall_near(const gops_footfall_t *f, gops_point_t p, double radius_m)
{
    if (!f->count || !(radius_m >= 0)) return 0;
    int32_t x0 = (int32_t)floor((p.x - radius_m - f->min_x) / f->cell_m);
    int32_t x1 = (int32_t)floor((p.x + radius_m - f->min_x) / f->cell_m);
    int32_t y0 = (int32_t)floor((p.y - radius_m - f->min_y) / f->cell_m);
    int32_t y1 = (int32_t)floor((p.y + radius_m - f->min_y) / f->cell_m);
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 >= f->nx) x1 = f->nx - 1;
    if (y1 >= f->ny) y1 = f->ny - 1;
    double r2 = radius_m * radius_m;
    uint32_t sum = 0;
    for (int32_t cy = y0; cy <= y1; cy++) {
        double dy = f->min_y + (cy + 0.5) * f->cell_m - p.y;
        for (int32_t cx = x0; cx <= x1; cx++) {
            double dx = f->min_x + (cx + 0.5) * f->cell_m - p.x;
            if (dx * dx + dy * dy <= r2) sum += f->count[(size_t)cy * (size_t)f->nx + (size_t)cx];
        }
    }
    return sum;
}
