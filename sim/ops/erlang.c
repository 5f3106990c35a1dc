// SPDX-License-Identifier: MIT
// Erlang C validation (see erlang.h). Each replication is a world without a map whose
// operations model has one incident type (disputes) arriving as a Poisson process, one
// team kind of c teams, exponential on-scene work, and every delay that is not queueing
// set to zero: perfect sensing, instant triage and acknowledgement, zero travel, no
// verification failures, no shifts, no escalation, first-come-first-served. The wait of a
// customer is dispatch time − order creation time, exactly as the model records it.
#include "ops/erlang.h"

#include "ops/ops_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double gops_erlang_c_wait_probability(double lambda, double mu, int c)
{
    if (!(lambda > 0) || !(mu > 0) || c < 1) return NAN;
    double a = lambda / mu, rho = a / c;
    if (!(rho < 1)) return NAN;
    double term = 1.0, sum = 0.0; // term = a^k / k!
    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double top = term / (1.0 - rho); // a^c / c! · 1 / (1 − ρ)
    return top / (sum + top);
}

double gops_erlang_c_mean_wait(double lambda, double mu, int c)
{
    double p = gops_erlang_c_wait_probability(lambda, mu, c);
    return isnan(p) ? NAN : p / (c * mu - lambda);
}

double gops_student_t975(uint32_t df)
{
    static const double table[31] = {NAN,   12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                     2.201, 2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
                                     2.074, 2.069,  2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (df == 0) return NAN;
    if (df <= 30) return table[df];
    // Cornish–Fisher expansion about the normal quantile 1.959964.
    double z = 1.959964, n = (double)df;
    return z + (z * z * z + z) / (4 * n) + (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

static gops_ops_params_t queue_params(const gops_erlang_setup_t *s)
{
    gops_ops_params_t p = gops_ops_params_default();
    p.step_s = 10.0; // events are handled at their exact times inside a step
    for (int k = 0; k < GOPS_ITYPE_COUNT; k++)
        for (int m = 0; m < GOPS_MODE_COUNT; m++) p.types[k].rate_per_h[m] = 0.0;
    gops_incident_type_t *t = &p.types[GOPS_ITYPE_DISPUTE];
    for (int m = 0; m < GOPS_MODE_COUNT; m++) t->rate_per_h[m] = s->lambda * 3600.0 / s->time_unit_s;
    t->profile = GOPS_PROFILE_FLAT;
    t->handling_dist = GOPS_DIST_EXPONENTIAL;
    t->handling_mean_s = s->time_unit_s / s->mu;
    t->repair_mean_s = 0;
    t->p_unclear = 0;
    t->p_verify_fail = 0;
    t->self_clear_mean_s = 0;
    memset(p.kinds, 0, sizeof p.kinds);
    gops_team_kind_t *k = &p.kinds[0];
    strcpy(k->name, "server");
    k->units = t->default_units;
    k->travel = GOPS_TRAVEL_FOOT;
    for (int m = 0; m < GOPS_MODE_COUNT; m++) k->count[m] = s->servers;
    p.kind_count = 1;
    p.staff_posts = false;
    p.policy.select = GOPS_SELECT_FIRST_FREE;
    p.policy.priority_queue = false;
    p.policy.preempt = false;
    for (int q = 0; q < GOPS_PRIO_COUNT; q++) p.centre.triage_mean_s[q] = p.centre.escalate_after_s[q] = 0;
    p.centre.accept_mean_s = p.centre.verify_mean_s = 0;
    p.sensing.perfect = true;
    for (int m = 0; m < GOPS_MODE_COUNT; m++) p.sensing.drone_interval_s[m] = 0;
    p.travel.foot = GOPS_FOOT_ZERO;
    p.travel.vehicle = GOPS_VEHICLE_ZERO;
    p.shift_count = 0;
    p.handover_s = 0;
    return p;
}

gops_status_t gops_erlang_experiment(const gops_erlang_setup_t *s, gops_erlang_result_t *out, gops_error_t *err)
{
    gops_error_t local;
    if (!err) err = &local; // the status of a failed world or attach is read back from it
    memset(out, 0, sizeof *out);
    out->p_wait_ref = gops_erlang_c_wait_probability(s->lambda, s->mu, s->servers);
    out->wq_ref = gops_erlang_c_mean_wait(s->lambda, s->mu, s->servers);
    if (isnan(out->p_wait_ref) || !(s->time_unit_s >= 1) || s->customers < 10 || s->replications < 2 ||
        !(s->warmup_units >= 0))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "Erlang experiment: need λ > 0, μ > 0, c ≥ 1 with λ/(cμ) < 1, a time unit ≥ 1 s, "
                              "≥ 10 customers and ≥ 2 replications");
    double *pw = calloc(s->replications, sizeof *pw), *wq = calloc(s->replications, sizeof *wq);
    if (!pw || !wq) {
        free(pw);
        free(wq);
        return gops_error_set(err, GOPS_NOMEM, "out of memory for the Erlang experiment");
    }
    gops_status_t st = GOPS_OK;
    double util_sum = 0;
    gops_ops_params_t params = queue_params(s);
    double warm = s->warmup_units * s->time_unit_s;
    // Long enough for `customers` arrivals after the warm-up (the count over 1.2 N/λ falls
    // short of N with probability far below 1e-9 for N ≥ 10,000), plus a tail in which every
    // measured customer has been served: waits beyond 50 / (cμ − λ) time units have
    // probability below e^-50.
    double span = 1.2 * (double)s->customers / s->lambda * s->time_unit_s + 50.0 * s->time_unit_s;
    double tail = 50.0 / (s->servers * s->mu - s->lambda) * s->time_unit_s;
    for (uint32_t r = 0; r < s->replications && st == GOPS_OK; r++) {
        gops_world_def_t def = gops_world_def_default();
        def.seed = s->seed + r;
        def.tick_s = 1.0;
        gops_world_t *world = gops_world_create(&def, err);
        if (!world) {
            st = err->status;
            break;
        }
        gops_ops_t *ops = gops_ops_attach(world, &params, err);
        if (!ops) {
            st = err->status;
            gops_world_destroy(world);
            break;
        }
        uint64_t ticks = (uint64_t)ceil((warm + span + tail) / def.tick_s);
        for (uint64_t i = 0; i < ticks; i++) gops_world_step(world);
        // The first `customers` arrivals after the warm-up (one incident type: ids are in
        // arrival order).
        uint32_t n = 0, waited = 0;
        double wait_sum = 0;
        for (uint32_t i = 0; i < ops->incident_count && n < s->customers; i++) {
            const gops_incident_t *inc = &ops->incidents[i];
            if (!inc->occurred || inc->t_occur < warm) continue;
            if (isnan(inc->t_dispatch)) {
                st = gops_error_set(err, GOPS_INTERNAL,
                                    "Erlang experiment: customer %u still waiting at the end of replication %u", inc->id,
                                    r + 1);
                break;
            }
            double w = inc->t_dispatch - inc->t_created;
            n++;
            if (w > 1e-9) waited++;
            wait_sum += w;
        }
        if (st == GOPS_OK && n < s->customers)
            st = gops_error_set(err, GOPS_INTERNAL, "Erlang experiment: only %u of %u customers in replication %u", n,
                                s->customers, r + 1);
        if (st == GOPS_OK) {
            pw[r] = (double)waited / n;
            wq[r] = wait_sum / n / s->time_unit_s;
            out->customers_total += n;
            double busy, duty;
            gops_teams_account(ops, ops->now, &busy, &duty, true);
            util_sum += duty > 0 ? busy / duty : 0;
        }
        gops_world_destroy(world);
    }
    if (st == GOPS_OK) {
        uint32_t R = s->replications;
        double mp = 0, mw = 0, vp = 0, vw = 0;
        for (uint32_t r = 0; r < R; r++) mp += pw[r], mw += wq[r];
        mp /= R, mw /= R;
        for (uint32_t r = 0; r < R; r++) vp += (pw[r] - mp) * (pw[r] - mp), vw += (wq[r] - mw) * (wq[r] - mw);
        double t = gops_student_t975(R - 1);
        out->p_wait_mean = mp;
        out->wq_mean = mw;
        out->p_wait_half = t * sqrt(vp / (R - 1) / R);
        out->wq_half = t * sqrt(vw / (R - 1) / R);
        out->utilisation = util_sum / R;
        out->replications = R;
    }
    free(pw);
    free(wq);
    return st;
}
