// SPDX-License-Identifier: MIT
// Replication statistics (see stats.h). The t quantile inverts the t distribution function,
// written through the regularised incomplete beta function (continued fraction, modified
// Lentz), by bisection: slower than a closed-form approximation but exact to rounding for
// every df, and a study calls it a few hundred times at most.
#include "ensemble/stats.h"

#include "core/assert.h"

#include <math.h>
#include <stddef.h>

/// Continued fraction of the incomplete beta function; converges fast for
/// x < (a + 1) / (a + b + 2).
static double beta_fraction(double a, double b, double x)
{
    const double tiny = 1e-300, eps = 1e-16;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(d) < tiny) d = tiny;
    d = 1.0 / d;
    double f = d;
    for (int m = 1; m <= 10000; m++) {
        double m2 = 2.0 * m;
        // even step
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + num * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1.0 + num / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        f *= d * c;
        // odd step
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + num * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1.0 + num / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        double delta = d * c;
        f *= delta;
        if (fabs(delta - 1.0) < eps) break;
    }
    return f;
}

/// Regularised incomplete beta I_x(a, b) for a, b > 0 and 0 <= x <= 1.
static double incomplete_beta(double a, double b, double x)
{
    if (x <= 0.0) return 0.0;
    if (x >= 1.0) return 1.0;
    double log_front = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0)) return exp(log_front) * beta_fraction(a, b, x) / a;
    return 1.0 - exp(log_front) * beta_fraction(b, a, 1.0 - x) / b;
}

/// P(T <= t) for t >= 0.
static double t_cdf_upper_half(double t, double df)
{
    return 1.0 - 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t));
}

double gops_student_t_quantile(double p, double df)
{
    GOPS_ASSERT(p >= 0.5 && p < 1.0 && df >= 1.0);
    if (p == 0.5) return 0.0;
    double lo = 0.0, hi = 2.0;
    while (t_cdf_upper_half(hi, df) < p) {
        lo = hi;
        hi *= 2.0;
        GOPS_ASSERT(hi < 1e300);
    }
    for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (t_cdf_upper_half(mid, df) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static gops_stats_t stats_empty(void)
{
    return (gops_stats_t){.n = 0, .mean = NAN, .sd = NAN, .half_width = NAN, .low = NAN, .high = NAN};
}

/// Shared by both entry points: the sample is a[i] (b NULL) or b[i] - a[i], so the paired
/// case needs no temporary array. NaN (in either) marks an absent value.
static gops_stats_t summarise(const double *a, const double *b, uint32_t count, double level)
{
    GOPS_ASSERT(level > 0.0 && level < 1.0);
    gops_stats_t s = stats_empty();
    double sum = 0.0;
    uint32_t n = 0;
    for (uint32_t i = 0; i < count; i++) {
        double v = b ? b[i] - a[i] : a[i];
        if (isnan(v)) continue;
        sum += v;
        n++;
    }
    if (n == 0) return s;
    s.n = n;
    s.mean = sum / n;
    if (n < 2) return s;
    // Two passes: the sum of squared deviations from the mean, not sum(x²) - n·mean², which
    // cancels catastrophically for KPIs with a large mean and a small spread.
    double ss = 0.0;
    for (uint32_t i = 0; i < count; i++) {
        double v = b ? b[i] - a[i] : a[i];
        if (isnan(v)) continue;
        ss += (v - s.mean) * (v - s.mean);
    }
    s.sd = sqrt(ss / (n - 1));
    double t = gops_student_t_quantile(0.5 + level / 2.0, (double)(n - 1));
    s.half_width = t * s.sd / sqrt((double)n);
    s.low = s.mean - s.half_width;
    s.high = s.mean + s.half_width;
    return s;
}

gops_stats_t gops_stats_of(const double *values, uint32_t count, double level)
{
    return summarise(values, NULL, count, level);
}

gops_stats_t gops_stats_paired(const double *a, const double *b, uint32_t count, double level)
{
    return summarise(a, b, count, level);
}
