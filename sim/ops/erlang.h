// SPDX-License-Identifier: MIT
// Erlang C (M/M/c) reference values and the validation experiment that runs the real
// operations model — generator, centre, dispatch, order loop — with zero travel, zero
// delays, Poisson arrivals and exponential handling, and compares its waits with the
// formula (VALIDATION.md). Owns no state between calls.
#ifndef GOPS_OPS_ERLANG_H
#define GOPS_OPS_ERLANG_H

#include "gridops/status.h"

#include <stdint.h>

/// Erlang C probability of waiting for arrival rate λ, service rate μ per server and c
/// servers (a = λ/μ, ρ = a/c); NAN unless λ > 0, μ > 0, c ≥ 1 and ρ < 1.
double gops_erlang_c_wait_probability(double lambda, double mu, int c);
/// Mean wait in queue Wq = P(wait) / (cμ − λ), in the time unit of the rates; NAN likewise.
double gops_erlang_c_mean_wait(double lambda, double mu, int c);

typedef struct gops_erlang_setup {
    double lambda;          ///< arrivals per time unit (> 0)
    double mu;              ///< services per time unit per team (> 0)
    int servers;            ///< teams c (≥ 1), with λ/(cμ) < 1
    double time_unit_s;     ///< s, the time unit in simulated seconds (e.g. 60)
    uint32_t customers;     ///< customers measured per replication: the first after the warm-up
    double warmup_units;    ///< time units discarded at the start of each replication
    uint32_t replications;  ///< independent runs (seeds seed, seed+1, ...), ≥ 2
    uint64_t seed;
} gops_erlang_setup_t;

typedef struct gops_erlang_result {
    double p_wait_ref, wq_ref;        ///< Erlang C (Wq in time units)
    double p_wait_mean, p_wait_half;  ///< mean over replications and 95 % CI half-width
    double wq_mean, wq_half;          ///< time units
    double utilisation;               ///< measured team utilisation (ρ expected)
    uint64_t customers_total;         ///< measured over all replications
    uint32_t replications;
} gops_erlang_result_t;

/// Runs the experiment; GOPS_BAD_VALUE for an invalid setup, GOPS_INTERNAL when a measured
/// customer is still waiting at the end of its replication.
gops_status_t gops_erlang_experiment(const gops_erlang_setup_t *setup, gops_erlang_result_t *out, gops_error_t *err);
/// Two-sided 95 % Student t quantile for df degrees of freedom (table to 30, then an
/// approximation good to 0.001).
double gops_student_t975(uint32_t df);

#endif
