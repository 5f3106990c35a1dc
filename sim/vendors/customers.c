// SPDX-License-Identifier: MIT
// Customers and the stall queue (see customers.h).
//
// Defaults (assumptions; the reports give no numbers for trade at stalls):
// - a pedestrian walking at 1.3 m/s passes a 5 m radius in about 8 s; 0.002 purchases per
//   pedestrian-second makes about 1.5 % of passers-by buy, and a stall with 10 people
//   around it serves a customer every 50 s — a busy night-market stall;
// - serving (choose, pay by phone, hand over) takes a minute on average;
// - two customers stand at the counter out of the way; the rest stand on the walkway at
//   0.5 m² each (a queue at about 2 persons/m²); nobody joins a queue of 8.
#include "vendors/customers.h"

#include <math.h>

gops_customer_params_t gops_customer_params_default(void)
{
    return (gops_customer_params_t){
        .radius_m = 5.0,
        .buy_rate_per_ped_s = 0.002,
        .service_mean_s = 60.0,
        .frontage = 2,
        .balk = 8,
        .area_m2 = 0.5,
    };
}

gops_status_t gops_customer_params_check(const gops_customer_params_t *p, gops_error_t *err)
{
    if (!(p->radius_m > 0 && p->radius_m <= 100))
        return gops_error_set(err, GOPS_BAD_VALUE, "vendors: customer radius %g m; expected (0, 100] m", p->radius_m);
    if (!(p->buy_rate_per_ped_s >= 0 && p->buy_rate_per_ped_s <= 1))
        return gops_error_set(err, GOPS_BAD_VALUE, "vendors: buy rate %g per pedestrian-second; expected [0, 1]",
                              p->buy_rate_per_ped_s);
    if (!(p->service_mean_s > 0 && p->service_mean_s <= 3600))
        return gops_error_set(err, GOPS_BAD_VALUE, "vendors: service time %g s; expected (0, 3600] s", p->service_mean_s);
    if (p->balk < 1 || p->balk > 1000 || p->frontage > 1000)
        return gops_error_set(err, GOPS_BAD_VALUE, "vendors: queue balk %u and frontage %u; expected 1 to 1000 and 0 to 1000",
                              p->balk, p->frontage);
    if (!(p->area_m2 >= 0 && p->area_m2 <= 10))
        return gops_error_set(err, GOPS_BAD_VALUE, "vendors: customer area %g m²; expected [0, 10] m²", p->area_m2);
    return GOPS_OK;
}

void gops_queue_reset(gops_queue_t *q)
{
    *q = (gops_queue_t){0};
}

void gops_queue_clear(gops_queue_t *q)
{
    q->waiting = 0;
    q->serve_until = 0;
}

/// Poisson variate by inversion (the means here are far below 1, so this loops once or twice).
static uint32_t poisson(gops_rng_t *rng, double mean)
{
    double u = gops_rng_uniform(rng);
    if (!(mean > 0)) return 0;
    double p = exp(-mean), cdf = p;
    uint32_t k = 0;
    while (u > cdf && k < 1000) {
        k++;
        p *= mean / k;
        cdf += p;
    }
    return k;
}

void gops_queue_step(gops_queue_t *q, const gops_customer_params_t *p, uint32_t footfall, double now_s, double dt_s,
                     gops_rng_t *rng)
{
    double end = now_s + dt_s;
    // Services ending inside the step, each next one starting when the last ends.
    while (q->waiting > 0 && q->serve_until < end) {
        q->waiting--;
        q->served++;
        if (q->waiting > 0) q->serve_until += gops_rng_exponential(rng, p->service_mean_s);
    }
    uint32_t want = poisson(rng, p->buy_rate_per_ped_s * footfall * dt_s);
    for (uint32_t k = 0; k < want; k++) {
        double at = now_s + gops_rng_uniform(rng) * dt_s;
        double service = gops_rng_exponential(rng, p->service_mean_s);
        if (q->waiting >= p->balk) {
            q->balked++;
            continue;
        }
        if (q->waiting == 0) q->serve_until = at + service;
        q->waiting++;
        q->arrived++;
    }
}

uint32_t gops_queue_spill(const gops_queue_t *q, const gops_customer_params_t *p)
{
    return q->waiting > p->frontage ? q->waiting - p->frontage : 0;
}

double gops_queue_footprint_m(double base_m, uint32_t spill, double area_m2)
{
    return sqrt(base_m * base_m + spill * area_m2 / 3.141592653589793);
}

void gops_queue_hash(const gops_queue_t *q, gops_hash_t *h)
{
    gops_hash_u64(h, q->waiting);
    gops_hash_f64(h, q->waiting ? q->serve_until : 0.0);
    gops_hash_u64(h, q->arrived);
    gops_hash_u64(h, q->served);
    gops_hash_u64(h, q->balked);
}
