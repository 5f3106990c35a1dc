// SPDX-License-Identifier: MIT
// Replication statistics for studies: mean, sample standard deviation and the Student-t
// confidence interval of the mean, over values with gaps (NaN = the KPI had no value in
// that run). Pure arithmetic in a fixed order; knows nothing of runs, files or designs.
#ifndef GOPS_ENSEMBLE_STATS_H
#define GOPS_ENSEMBLE_STATS_H

#include <stdint.h>

/// Summary of one sample. With n = 0 every field but n is NaN; with n = 1 the mean is the
/// value and sd / the interval are NaN (one run says nothing about spread).
typedef struct gops_stats {
    uint32_t n;         ///< values that were present (not NaN)
    double mean;
    double sd;          ///< sample standard deviation (divisor n - 1)
    double half_width;  ///< t(1 - alpha/2, n - 1) * sd / sqrt(n)
    double low, high;   ///< mean -/+ half_width
} gops_stats_t;

/// Two-sided quantile of Student's t distribution: the t with P(T <= t) = p, for
/// 0.5 <= p < 1 and df >= 1 degrees of freedom (df may be fractional). Accurate to about
/// 1e-10 relative; e.g. p = 0.975: 12.7062 for df 1, 2.2622 for df 9, 1.9600 as df grows.
double gops_student_t_quantile(double p, double df);

/// Mean, sd and the `level` (e.g. 0.95) confidence interval of the non-NaN values among
/// count values, summed in index order so the result does not depend on who computed it.
gops_stats_t gops_stats_of(const double *values, uint32_t count, double level);

/// The same for the paired differences b[i] - a[i], over the i where both are present
/// (common random numbers: a[i] and b[i] come from runs sharing a seed).
gops_stats_t gops_stats_paired(const double *a, const double *b, uint32_t count, double level);

#endif
