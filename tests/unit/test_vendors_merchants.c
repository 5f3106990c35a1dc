// SPDX-License-Identifier: MIT
// Merchants as reporters: the probability that one of the merchants near an incident reports
// it (10 shop fronts and 2 grid partners in reach, 5 out of reach) against the hand-computed
// 1 − (1 − q)^10 (1 − q_p)^2 with and without points for service, the cap on one merchant,
// draws matching it (rate, partners' share, delay), points and volunteer hours, and the Erqi
// placement of the street-facing merchants (FACTS.md: ~10,000 merchants, 22 complexes).
#include "fixture.h"

#include "vendors/merchants.h"

#include <math.h>

static gops_error_t err;

/// 10 merchants 10 m from the origin, 2 grid partners 20 m away, 5 merchants 50 m away.
static void build(gops_merchants_t *m, const gops_merchant_params_t *p)
{
    gops_point_t at[17];
    uint8_t partner[17] = {0};
    for (int k = 0; k < 10; k++) at[k] = (gops_point_t){10 * cos(k * 0.6), 10 * sin(k * 0.6)};
    at[10] = (gops_point_t){0, 20}, at[11] = (gops_point_t){0, -20};
    partner[10] = partner[11] = 1;
    for (int k = 12; k < 17; k++) at[k] = (gops_point_t){50, k};
    ck_assert_int_eq(gops_merchants_build_at(m, p, at, partner, 17, &err), GOPS_OK);
}

START_TEST(test_probability_by_hand)
{
    gops_merchant_params_t p = gops_merchant_params_default();
    gops_merchants_t m;
    build(&m, &p);
    uint32_t nr, np;
    gops_merchants_near(&m, (gops_point_t){0, 0}, &nr, &np);
    ck_assert_uint_eq(nr, 10);
    ck_assert_uint_eq(np, 2);
    // Default 10 points per valid report: incentive (1 + 10/10)^0.5 = √2.
    ck_assert_double_eq_tol(gops_merchants_incentive(&p), sqrt(2.0), 1e-12);
    double q = 0.02 * sqrt(2.0), qp = 0.06 * sqrt(2.0);
    double expect = 1 - pow(1 - q, 10) * pow(1 - qp, 2);
    ck_assert_double_eq_tol(gops_merchants_report_probability(&m, GOPS_CAT_VENDING, (gops_point_t){0, 0}), expect, 1e-12);
    ck_assert_double_eq_tol(expect, 0.3714, 5e-4); // worked by hand: 1 − 0.75059 × 0.83749
    // Other categories: 0.01 per merchant.
    double other = 1 - pow(1 - 0.01 * sqrt(2.0), 10) * pow(1 - 0.03 * sqrt(2.0), 2);
    ck_assert_double_eq_tol(gops_merchants_report_probability(&m, GOPS_CAT_FACILITY, (gops_point_t){0, 0}), other, 1e-12);
    // Nobody within 30 m: never reported.
    ck_assert_double_eq(gops_merchants_report_probability(&m, GOPS_CAT_VENDING, (gops_point_t){200, 200}), 0.0);
    gops_rng_t rng;
    gops_rng_seed(&rng, 3, 9);
    for (int k = 0; k < 100; k++)
        ck_assert(!gops_merchants_draw(&m, GOPS_CAT_VENDING, (gops_point_t){200, 200}, 0, &rng).reported);
    gops_merchants_free(&m);
}
END_TEST

START_TEST(test_points_change_report_rates)
{
    gops_merchant_params_t p = gops_merchant_params_default();
    gops_merchants_t m;
    double at_points[3], points[3] = {0, 10, 30};
    for (int k = 0; k < 3; k++) {
        p.points_per_report = points[k];
        build(&m, &p);
        at_points[k] = gops_merchants_report_probability(&m, GOPS_CAT_VENDING, (gops_point_t){0, 0});
        gops_merchants_free(&m);
    }
    // No points: q = 0.02, partners 0.06; 30 points: incentive (1 + 3)^0.5 = 2, q = 0.04, 0.12.
    ck_assert_double_eq_tol(at_points[0], 1 - pow(0.98, 10) * pow(0.94, 2), 1e-12);
    ck_assert_double_eq_tol(at_points[0], 0.2780, 5e-4);
    ck_assert_double_eq_tol(at_points[2], 1 - pow(0.96, 10) * pow(0.88, 2), 1e-12);
    ck_assert_double_eq_tol(at_points[2], 0.4852, 5e-4);
    ck_assert(at_points[0] < at_points[1] && at_points[1] < at_points[2]);
    // Grid partners alone versus ordinary merchants alone: three times the probability.
    p.points_per_report = 0;
    gops_point_t one = {0, 0};
    uint8_t yes = 1, no = 0;
    ck_assert_int_eq(gops_merchants_build_at(&m, &p, &one, &yes, 1, &err), GOPS_OK);
    ck_assert_double_eq_tol(gops_merchants_report_probability(&m, GOPS_CAT_SANITATION, one), 0.06, 1e-12);
    gops_merchants_free(&m);
    ck_assert_int_eq(gops_merchants_build_at(&m, &p, &one, &no, 1, &err), GOPS_OK);
    ck_assert_double_eq_tol(gops_merchants_report_probability(&m, GOPS_CAT_SANITATION, one), 0.02, 1e-12);
    gops_merchants_free(&m);
    // One merchant's probability is capped.
    p.partner_factor = 100;
    ck_assert_int_eq(gops_merchants_build_at(&m, &p, &one, &yes, 1, &err), GOPS_OK);
    ck_assert_double_eq_tol(gops_merchants_report_probability(&m, GOPS_CAT_SANITATION, one), 0.5, 1e-12);
    gops_merchants_free(&m);
}
END_TEST

START_TEST(test_draws_match)
{
    gops_merchant_params_t p = gops_merchant_params_default();
    gops_merchants_t m;
    build(&m, &p);
    gops_rng_t rng;
    gops_rng_seed(&rng, 11, 5);
    const int n = 40000;
    int reported = 0, partner = 0, invalid = 0;
    double delay = 0;
    for (int k = 0; k < n; k++) {
        gops_merchant_report_t r = gops_merchants_draw(&m, GOPS_CAT_VENDING, (gops_point_t){0, 0}, 100.0, &rng);
        if (!r.reported) continue;
        reported++;
        partner += r.partner;
        invalid += r.invalid_too;
        delay += r.t_report - 100.0;
        gops_merchants_record(&m, GOPS_CAT_VENDING, &r);
    }
    double rate = (double)reported / n, expect = 1 - pow(1 - 0.02 * sqrt(2.0), 10) * pow(1 - 0.06 * sqrt(2.0), 2);
    ck_assert_msg(fabs(rate - expect) < 4 * sqrt(expect * (1 - expect) / n), "rate %.4f vs %.4f", rate, expect);
    // The reporter is a partner in proportion to the partners' hazard: 2·q_p / (2·q_p + 10·q) = 0.375.
    double share = (double)partner / reported;
    ck_assert_msg(fabs(share - 0.375) < 4 * sqrt(0.375 * 0.625 / reported), "partner share %.4f", share);
    ck_assert_msg(fabs(delay / reported - 600.0) < 4 * 600.0 / sqrt(reported), "mean delay %.1f s", delay / reported);
    // Invalid reports: 0.1 × √2 per valid one.
    double inv = (double)invalid / reported, inv_expect = 0.1 * sqrt(2.0);
    ck_assert_msg(fabs(inv - inv_expect) < 4 * sqrt(inv_expect * (1 - inv_expect) / reported), "invalid %.4f", inv);
    ck_assert_uint_eq(m.reports[GOPS_CAT_VENDING], (uint64_t)reported);
    ck_assert_uint_eq(m.reports_partner, (uint64_t)partner);
    ck_assert_uint_eq(m.reports_invalid, (uint64_t)invalid);
    ck_assert_double_eq_tol(m.points_reports, 10.0 * reported, 1e-9);
    // Two partners volunteer half an hour a day at 5 points an hour.
    gops_merchants_volunteer(&m, 86400.0);
    ck_assert_double_eq_tol(m.volunteer_h, 1.0, 1e-12);
    ck_assert_double_eq_tol(m.points_volunteer, 5.0, 1e-12);
    gops_merchants_free(&m);
}
END_TEST

START_TEST(test_erqi_placement)
{
    gops_map_t *map = gops_map_load(gops_test_source_path("assets/maps/erqi.geojson"), &err);
    ck_assert_msg(map != NULL, "%s", err.message);
    gops_merchant_params_t p = gops_merchant_params_default();
    gops_merchants_t m;
    ck_assert_int_eq(gops_merchants_build(&m, &p, map, &err), GOPS_OK);
    // 30 % of 10,000 along the streets, 10 % of the 70 % in the complexes at their doors.
    ck_assert_msg(m.count >= 3699 && m.count <= 3700, "%u street-facing merchants", m.count);
    ck_assert_uint_eq(m.partners_total, 1000);
    uint32_t partners = 0;
    for (uint32_t i = 0; i < m.count; i++) partners += m.partner[i];
    ck_assert_uint_eq(partners, m.count / 10);
    // In front of a shop and at a complex's door the chance that a merchant reports vending
    // is real but far from certain; in the middle of the tower's roundabout nobody sees it.
    double shop = gops_merchants_report_probability(&m, GOPS_CAT_VENDING, m.at[0]);
    double door = gops_merchants_report_probability(&m, GOPS_CAT_VENDING, m.at[m.count - 1]);
    ck_assert_msg(shop > 0.05 && shop < 0.9, "%.3f", shop);
    ck_assert_msg(door > shop && door < 1.0, "%.3f", door);
    ck_assert_double_eq(gops_merchants_report_probability(&m, GOPS_CAT_VENDING, (gops_point_t){57.6, -24.7}), 0.0);
    p.notice_radius_m = -1;
    ck_assert_int_eq(gops_merchant_params_check(&p, &err), GOPS_BAD_VALUE);
    gops_merchants_free(&m);
    gops_map_destroy(map);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vendors_merchants");
    TCase *tc = tcase_create("merchants");
    tcase_add_test(tc, test_probability_by_hand);
    tcase_add_test(tc, test_points_change_report_rates);
    tcase_add_test(tc, test_draws_match);
    tcase_add_test(tc, test_erqi_placement);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
