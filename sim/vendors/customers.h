// SPDX-License-Identifier: MIT
// Customers at a stall or a cart: passers-by within a radius stop to buy at a rate per
// pedestrian, wait in one first-come queue served by the vendor, and those beyond the
// stall's frontage stand on the walkway (the spill widens the vendor's footprint). The
// customers are counted here, not stepped: their pedestrians keep walking in the crowd.
#ifndef GOPS_VENDORS_CUSTOMERS_H
#define GOPS_VENDORS_CUSTOMERS_H

#include "core/hash.h"
#include "core/rng.h"
#include "gridops/status.h"

#include <stdint.h>

typedef struct gops_customer_params {
    double radius_m;          ///< m, passers-by this close may stop (5)
    double buy_rate_per_ped_s; ///< purchases per pedestrian-second within the radius (0.002)
    double service_mean_s;    ///< s, mean serving time, exponential (60)
    uint32_t frontage;        ///< customers served or waiting in front of the stall without
                              ///< standing on the walkway (2)
    uint32_t balk;            ///< a passer-by does not join a queue this long (8)
    double area_m2;           ///< m² each customer beyond the frontage takes on the walkway (0.5)
} gops_customer_params_t;

/// Documented defaults (reasons in customers.c).
gops_customer_params_t gops_customer_params_default(void);
/// GOPS_BAD_VALUE naming the field.
gops_status_t gops_customer_params_check(const gops_customer_params_t *p, gops_error_t *err);

typedef struct gops_queue {
    uint32_t waiting;     ///< customers at the stall, the one being served included
    double serve_until;   ///< s, end of the current service; only meaningful when waiting > 0
    uint64_t arrived;     ///< customers who joined
    uint64_t served;
    uint64_t balked;      ///< passers-by who wanted to buy but found the queue too long
} gops_queue_t;

/// Empty queue.
void gops_queue_reset(gops_queue_t *q);
/// Customers leave (the stall packs up); counters are kept.
void gops_queue_clear(gops_queue_t *q);
/// Advances [now, now + dt): Poisson(buy_rate × footfall × dt) passers-by want to buy and
/// join unless the queue is at `balk`; services end at their exact times and the next
/// starts at once. Always draws the same number of random numbers per arrival.
void gops_queue_step(gops_queue_t *q, const gops_customer_params_t *p, uint32_t footfall, double now_s, double dt_s,
                     gops_rng_t *rng);
/// Customers standing on the walkway: waiting beyond the frontage.
uint32_t gops_queue_spill(const gops_queue_t *q, const gops_customer_params_t *p);
/// Radius (m) of a footprint of radius base_m grown by `spill` customers of area_m2 each
/// (the disc's area grows by their area).
double gops_queue_footprint_m(double base_m, uint32_t spill, double area_m2);
void gops_queue_hash(const gops_queue_t *q, gops_hash_t *h);

#endif
