// SPDX-License-Identifier: MIT
// Reactions to enforcement (see enforcement.h).
//
// Defaults (assumptions; the reports name mobile vendors as a long-running problem and the
// guidance points as the answer, with no numbers on behaviour):
// - a vendor sees a uniform 40 m away (about a block's corner to the next shop fronts);
// - tolerance follows the operations model's mode bundles (ops/modes.c): half the time on a
//   normal day, 0.3 on holidays, never during major events and emergencies;
// - with a free stall nearby about a third comply (more during major events, when the street
//   is closed to them anyway); compliance halves every 350 m (exp(−d / 500 m)) because a
//   cart is pushed there;
// - of the rest, most move round the corner on normal days and holidays; under event or
//   emergency enforcement most give up for a while;
// - those who pack up come back after 20 min on average (40 min during events, an hour in
//   emergencies), which is the "cat and mouse" the reports describe.
#include "vendors/enforcement.h"

#include "gridops/gridops.h"

#include <math.h>

static const char *const reaction_names[GOPS_REACT_COUNT] = {"stay", "comply", "relocate", "pack_up"};

const char *gops_reaction_name(gops_reaction_t r)
{
    return (unsigned)r < GOPS_REACT_COUNT ? reaction_names[r] : "?";
}

gops_reaction_params_t gops_reaction_params_default(void)
{
    return (gops_reaction_params_t){
        .see_radius_m = 40.0,
        .tolerance = {0.5, 0.3, 0.0, 0.0},
        .tolerated_s = 600.0,
        .comply = {0.35, 0.3, 0.45, 0.3},
        .comply_distance_m = 500.0,
        .relocate = {0.6, 0.6, 0.35, 0.2},
        .flee_m = 80.0,
        .return_mean_s = {1200.0, 1200.0, 2400.0, 3600.0},
    };
}

static bool prob(double p) { return p >= 0 && p <= 1; }

gops_status_t gops_reaction_params_check(const gops_reaction_params_t *p, gops_error_t *err)
{
    if (!(p->see_radius_m > 0 && p->see_radius_m <= 1000) || !(p->tolerated_s >= 0) ||
        !(p->comply_distance_m > 0) || !(p->flee_m >= 0 && p->flee_m <= 5000))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "vendors: see radius %g m (expected (0, 1000]), tolerated time %g s (≥ 0), compliance "
                              "distance %g m (> 0), flee distance %g m ([0, 5000])",
                              p->see_radius_m, p->tolerated_s, p->comply_distance_m, p->flee_m);
    for (int m = 0; m < GOPS_MODE_COUNT; m++)
        if (!prob(p->tolerance[m]) || !prob(p->comply[m]) || !prob(p->relocate[m]) || !(p->return_mean_s[m] > 0))
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "vendors: %s mode: tolerance, comply and relocate must be probabilities in [0, 1] "
                                  "and the mean time away > 0 s",
                                  gops_mode_name((gops_mode_t)m));
    return GOPS_OK;
}

gops_reaction_probs_t gops_reaction_probs(const gops_reaction_params_t *p, gops_mode_t mode, double tolerance, bool room,
                                          double distance_m, bool on_scene)
{
    gops_reaction_probs_t r = {{0}};
    double stay = on_scene ? 0.0 : fmin(1.0, fmax(0.0, tolerance));
    double comply = room ? p->comply[mode] * exp(-fmax(0.0, distance_m) / p->comply_distance_m) : 0.0;
    double act = 1.0 - stay;
    r.p[GOPS_REACT_STAY] = stay;
    r.p[GOPS_REACT_COMPLY] = act * comply;
    r.p[GOPS_REACT_RELOCATE] = act * (1.0 - comply) * p->relocate[mode];
    r.p[GOPS_REACT_PACK_UP] = act * (1.0 - comply) * (1.0 - p->relocate[mode]);
    return r;
}

gops_reaction_t gops_reaction_draw(const gops_reaction_probs_t *probs, double u)
{
    double acc = 0;
    for (int k = 0; k < GOPS_REACT_COUNT; k++) {
        acc += probs->p[k];
        if (u < acc) return (gops_reaction_t)k;
    }
    // u beyond the rounded sum: the last reaction with any probability.
    for (int k = GOPS_REACT_COUNT - 1; k >= 0; k--)
        if (probs->p[k] > 0) return (gops_reaction_t)k;
    return GOPS_REACT_STAY;
}
