// SPDX-License-Identifier: MIT
// Steady state of the Intelligent Driver Model: equilibrium gap and lane capacity. The
// per-step equations are inline in idm.h, since they run once per vehicle and step.
#include "traffic/idm.h"

double gops_idm_equilibrium_gap(const gops_idm_t *p, double v)
{
    double r = v / p->v0;
    double denom = 1.0 - r * r * r * r;
    if (denom <= 0) return INFINITY;
    return (p->s0 + v * p->T) / sqrt(denom);
}

double gops_idm_capacity_vph(const gops_idm_t *p, double length, double *v_at)
{
    // The flow is unimodal in v: a fine scan and then a golden-section refinement.
    const int steps = 2000;
    double best_q = 0, best_v = 0;
    for (int i = 1; i < steps; i++) {
        double v = p->v0 * i / steps;
        double q = v / (gops_idm_equilibrium_gap(p, v) + length);
        if (q > best_q) best_q = q, best_v = v;
    }
    double lo = best_v - p->v0 / steps, hi = best_v + p->v0 / steps;
    const double g = 0.6180339887498949;
    for (int k = 0; k < 60; k++) {
        double m1 = hi - g * (hi - lo), m2 = lo + g * (hi - lo);
        double q1 = m1 / (gops_idm_equilibrium_gap(p, m1) + length);
        double q2 = m2 / (gops_idm_equilibrium_gap(p, m2) + length);
        if (q1 < q2) lo = m1;
        else hi = m2;
    }
    best_v = 0.5 * (lo + hi);
    best_q = best_v / (gops_idm_equilibrium_gap(p, best_v) + length);
    if (v_at) *v_at = best_v;
    return best_q * 3600.0;
}
