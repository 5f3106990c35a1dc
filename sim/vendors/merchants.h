// SPDX-License-Identifier: MIT
// Merchants as reporters (FACTS.md: nearly 10,000 merchants, 22 complexes, grid partners,
// service earns points): street-facing merchants along sidewalks and at complexes' doors, the
// chance one near an incident reports it (higher for partners, raised by points), and reports
// and points counted by category. It does not detect or dispatch: the vendors model (and the
// operations model, through gops_merchants_draw) decide what a report sets off.
#ifndef GOPS_VENDORS_MERCHANTS_H
#define GOPS_VENDORS_MERCHANTS_H

#include "core/hash.h"
#include "core/rng.h"
#include "gridops/status.h"
#include "world/map.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct gops_merchant_params {
    uint32_t merchants;           ///< in the district (FACTS: nearly 10,000)
    double mall_share;            ///< share trading inside the complexes (0.7)
    double mall_street_share;     ///< share of those whose shop faces the street at an entrance (0.1)
    double partner_share;         ///< share of merchants who are grid partners (0.1)
    double notice_radius_m;       ///< m, a street-facing merchant this close can see an incident (30)
    double p_report[GOPS_CAT_COUNT]; ///< P(one merchant who can see it reports it) without points,
                                  ///< by category (vending 0.02, sanitation 0.02, others 0.01)
    double partner_factor;        ///< grid partners report this many times as often (3)
    double p_max;                 ///< cap on one merchant's probability (0.5)
    double delay_mean_s;          ///< s, mean delay from occurrence to the report, exponential (600)
    double points_per_report;     ///< points for a report that turns out valid (10)
    double points_ref;            ///< points at which the incentive multiplier is 2^elasticity (10)
    double elasticity;            ///< behavioural response to points (0.5), see merchants.c
    double invalid_ratio;         ///< invalid reports per valid report without points (0.1); grows
                                  ///< with the same multiplier
    double volunteer_h_per_partner_day; ///< volunteer hours per grid partner per day (0.5)
    double points_per_volunteer_h; ///< points per volunteer hour (5)
} gops_merchant_params_t;

gops_merchant_params_t gops_merchant_params_default(void);
gops_status_t gops_merchant_params_check(const gops_merchant_params_t *p, gops_error_t *err);

typedef struct gops_merchant_report {
    bool reported;                ///< some merchant reports it
    double t_report;              ///< s, when (INFINITY when not reported)
    bool partner;                 ///< the reporter is a grid partner
    bool invalid_too;             ///< an invalid report is also filed (counted, not dispatched)
} gops_merchant_report_t;

typedef struct gops_merchants {
    gops_merchant_params_t params;
    gops_point_t *at;             ///< street-facing merchants, m
    uint8_t *partner;             ///< 1 for a grid partner
    uint32_t count;               ///< street-facing merchants placed
    uint32_t partners_total;      ///< grid partners among all merchants (volunteers)
    // Grid index over the merchants (cell = notice radius).
    double min_x, min_y, cell_m;
    int32_t nx, ny;
    uint32_t *cell_start;         ///< nx·ny + 1 offsets into order
    uint32_t *order;              ///< merchant indices by cell
    // Counts.
    uint64_t reports[GOPS_CAT_COUNT];
    uint64_t reports_partner;
    uint64_t reports_invalid;
    double volunteer_h;
    double points_reports, points_volunteer;
} gops_merchants_t;

/// Places the street-facing merchants of `map`: (1 − mall_share) of them spread evenly
/// along both sidewalks of every road (by length, road order), and mall_share ×
/// mall_street_share at the entrances of mall buildings (by floor area, then evenly over a
/// building's entrances). Every merchant whose index crosses a multiple of 1/partner_share
/// is a grid partner (evenly spread, no random draw). GOPS_NOMEM.
gops_status_t gops_merchants_build(gops_merchants_t *m, const gops_merchant_params_t *p, const gops_map_t *map,
                                   gops_error_t *err);
/// Merchants at explicit positions (tests, lab maps): partner[i] != 0 marks grid partners.
gops_status_t gops_merchants_build_at(gops_merchants_t *m, const gops_merchant_params_t *p, const gops_point_t *at,
                                      const uint8_t *partner, uint32_t count, gops_error_t *err);
void gops_merchants_free(gops_merchants_t *m);

/// The incentive multiplier on every merchant's probability: (1 + points/ref)^elasticity.
double gops_merchants_incentive(const gops_merchant_params_t *p);
/// Street-facing merchants within notice_radius_m of p: *regular and *partners.
void gops_merchants_near(const gops_merchants_t *m, gops_point_t p, uint32_t *regular, uint32_t *partners);
/// P(at least one merchant near p reports an incident of category c):
/// 1 − (1 − q)^regular · (1 − q_partner)^partners, where q = min(p_max, p_report[c] · incentive)
/// and q_partner = min(p_max, p_report[c] · partner_factor · incentive).
double gops_merchants_report_probability(const gops_merchants_t *m, gops_category_t c, gops_point_t p);
/// Draws what merchants do about an incident of category c at p occurring at t_occ (s):
/// whether one reports, when (t_occ + exponential delay), whether a partner, and whether an
/// invalid report comes with it. Always 4 draws from rng. The function the operations
/// model can call for its report channel. Does not count anything (see _record).
gops_merchant_report_t gops_merchants_draw(const gops_merchants_t *m, gops_category_t c, gops_point_t p, double t_occ,
                                           gops_rng_t *rng);
/// Counts a report that was filed: by category, partner, invalid companion, and its points
/// (a filed report about a real incident is valid).
void gops_merchants_record(gops_merchants_t *m, gops_category_t c, const gops_merchant_report_t *r);
/// Volunteer hours of the grid partners over dt_s seconds, and their points.
void gops_merchants_volunteer(gops_merchants_t *m, double dt_s);
void gops_merchants_hash(const gops_merchants_t *m, gops_hash_t *h);

#endif
