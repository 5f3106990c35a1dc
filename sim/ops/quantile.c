// SPDX-License-Identifier: MIT
// Running quantiles with two heaps (see quantile.h). Equal values may sit in either heap;
// the invariant max(lo) ≤ min(hi) is all the reading needs, so results do not depend on
// how ties were placed.
#include "ops/quantile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void gops_quantile_init(gops_quantile_t *qt, double q)
{
    memset(qt, 0, sizeof *qt);
    qt->q = q < 0 ? 0 : q > 1 ? 1 : q;
}

void gops_quantile_free(gops_quantile_t *qt)
{
    free(qt->lo);
    free(qt->hi);
    gops_quantile_init(qt, qt->q);
}

/// Heap of n values ordered by sign·value (sign +1: max-heap, −1: min-heap).
static bool above(double a, double b, double sign) { return sign > 0 ? a > b : a < b; }

static void sift_up(double *h, uint32_t i, double sign)
{
    double v = h[i];
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!above(v, h[p], sign)) break;
        h[i] = h[p];
        i = p;
    }
    h[i] = v;
}

static void sift_down(double *h, uint32_t n, double sign)
{
    if (n == 0) return;
    double v = h[0];
    uint32_t i = 0;
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        double best = v;
        if (l < n && above(h[l], best, sign)) m = l, best = h[l];
        if (r < n && above(h[r], best, sign)) m = r;
        if (m == i) break;
        h[i] = h[m];
        i = m;
    }
    h[i] = v;
}

static bool push(double **h, uint32_t *n, uint32_t *cap, double v, double sign)
{
    if (*n == *cap) {
        uint32_t c = *cap ? *cap * 2 : 64;
        double *bigger = realloc(*h, c * sizeof *bigger);
        if (!bigger) return false;
        *h = bigger;
        *cap = c;
    }
    (*h)[*n] = v;
    sift_up(*h, (*n)++, sign);
    return true;
}

static double pop(double *h, uint32_t *n, double sign)
{
    double top = h[0];
    h[0] = h[--*n];
    sift_down(h, *n, sign);
    return top;
}

bool gops_quantile_add(gops_quantile_t *qt, double v)
{
    // Reserve room in both heaps first so that a failure leaves the structure unchanged.
    uint32_t n = qt->nlo + qt->nhi + 1;
    if (qt->nlo + 1 > qt->cap_lo || qt->nhi + 1 > qt->cap_hi) {
        uint32_t c = n < 64 ? 64 : n * 2;
        if (qt->cap_lo < n) {
            double *b = realloc(qt->lo, c * sizeof *b);
            if (!b) return false;
            qt->lo = b;
            qt->cap_lo = c;
        }
        if (qt->cap_hi < n) {
            double *b = realloc(qt->hi, c * sizeof *b);
            if (!b) return false;
            qt->hi = b;
            qt->cap_hi = c;
        }
    }
    if (qt->nlo > 0 && v <= qt->lo[0]) push(&qt->lo, &qt->nlo, &qt->cap_lo, v, +1);
    else push(&qt->hi, &qt->nhi, &qt->cap_hi, v, -1);
    uint32_t want = (uint32_t)floor((double)(n - 1) * qt->q) + 1;
    while (qt->nlo > want) push(&qt->hi, &qt->nhi, &qt->cap_hi, pop(qt->lo, &qt->nlo, +1), -1);
    while (qt->nlo < want) push(&qt->lo, &qt->nlo, &qt->cap_lo, pop(qt->hi, &qt->nhi, -1), +1);
    return true;
}

uint32_t gops_quantile_count(const gops_quantile_t *qt)
{
    return qt->nlo + qt->nhi;
}

double gops_quantile_value(const gops_quantile_t *qt)
{
    uint32_t n = qt->nlo + qt->nhi;
    if (n == 0) return NAN;
    double h = (double)(n - 1) * qt->q;
    double i = floor(h);
    double x = qt->lo[0];
    if (qt->nhi == 0 || h == i) return x;
    return x + (h - i) * (qt->hi[0] - x);
}
