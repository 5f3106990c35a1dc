// SPDX-License-Identifier: MIT
// Merchants as reporters (see merchants.h).
//
// Defaults: FACTS.md gives nearly 10,000 merchants, 22 complexes, grid partners and "service
// earns points, points buy benefits"; everything else is our assumption:
// - 70 % of merchants trade inside the complexes and a tenth of those face the street at an
//   entrance; the other 30 % are shop fronts along the streets. Only street-facing merchants
//   see what happens on the street (about 3,700 pairs of eyes);
// - a merchant within 30 m who can see an incident reports it with probability 0.02
//   (vending, litter) or 0.01 (others); with ~11 shop fronts in reach on a street this gives
//   about the 0.2 the operations model assumes for citizens' and merchants' reports together;
// - one merchant in ten is a grid partner (网格合伙人) and reports three times as often;
// - behavioural assumption for points for service (以服务换积分): every merchant's
//   probability is multiplied by (1 + points per valid report / 10)^0.5 — reporting responds
//   to the reward with diminishing returns (elasticity 0.5): no points 1×, the default 10
//   points 1.41×, 30 points 2×. Gaming grows with it: invalid reports come at 0.1 per valid
//   report times the same multiplier. A scenario changes points_per_report and sees report
//   rates change;
// - a report reaches the centre 10 minutes after the incident on average;
// - grid partners volunteer half an hour a day, 5 points an hour.
//
// Ordering: merchants in placement order (roads in map order, left side then right, then
// malls in map order and their entrances in map order); the grid lists them by cell in that
// order. A draw always takes 4 numbers.
#include "vendors/merchants.h"

#include "world/geometry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

gops_merchant_params_t gops_merchant_params_default(void)
{
    gops_merchant_params_t p = {
        .merchants = 10000,
        .mall_share = 0.7,
        .mall_street_share = 0.1,
        .partner_share = 0.1,
        .notice_radius_m = 30.0,
        .partner_factor = 3.0,
        .p_max = 0.5,
        .delay_mean_s = 600.0,
        .points_per_report = 10.0,
        .points_ref = 10.0,
        .elasticity = 0.5,
        .invalid_ratio = 0.1,
        .volunteer_h_per_partner_day = 0.5,
        .points_per_volunteer_h = 5.0,
    };
    for (int c = 0; c < GOPS_CAT_COUNT; c++) p.p_report[c] = 0.01;
    p.p_report[GOPS_CAT_VENDING] = 0.02;
    p.p_report[GOPS_CAT_SANITATION] = 0.02;
    return p;
}

static bool prob(double x) { return x >= 0 && x <= 1; }

gops_status_t gops_merchant_params_check(const gops_merchant_params_t *p, gops_error_t *err)
{
    if (p->merchants > 10000000)
        return gops_error_set(err, GOPS_BAD_VALUE, "vendors: %u merchants; expected at most 10,000,000 (FACTS: ~10,000)",
                              p->merchants);
    if (!prob(p->mall_share) || !prob(p->mall_street_share) || !prob(p->partner_share) || !prob(p->p_max))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "vendors: merchants' mall share, street-facing share, partner share and p_max must be in [0, 1]");
    for (int c = 0; c < GOPS_CAT_COUNT; c++)
        if (!prob(p->p_report[c]))
            return gops_error_set(err, GOPS_BAD_VALUE, "vendors: merchants' report probability for %s is %g; expected [0, 1]",
                                  gops_category_name((gops_category_t)c), p->p_report[c]);
    if (!(p->notice_radius_m > 0 && p->notice_radius_m <= 1000) || !(p->partner_factor >= 0) ||
        !(p->delay_mean_s >= 0) || !(p->points_per_report >= 0) || !(p->points_ref > 0) ||
        !(p->elasticity >= 0 && p->elasticity <= 5) || !(p->invalid_ratio >= 0 && p->invalid_ratio <= 1) ||
        !(p->volunteer_h_per_partner_day >= 0 && p->volunteer_h_per_partner_day <= 24) ||
        !(p->points_per_volunteer_h >= 0))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "vendors: merchants: notice radius must be in (0, 1000] m, elasticity in [0, 5], invalid "
                              "ratio in [0, 1], volunteer hours in [0, 24] a day, points_ref > 0, the rest ≥ 0");
    return GOPS_OK;
}

// ---- placement --------------------------------------------------------------------------

typedef struct placer {
    gops_point_t *at;
    uint32_t count, cap;
} placer_t;

static bool put(placer_t *pl, gops_point_t p)
{
    if (pl->count == pl->cap) return false;
    pl->at[pl->count++] = p;
    return true;
}

/// Total length of the shop fronts: both sidewalks' outer edges of every road.
static double frontage_length(const gops_map_t *map)
{
    double len = 0;
    for (uint32_t i = 0; i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind != GOPS_FEAT_ROAD) continue;
        double l = gops_polyline_length(&f->u.road.line);
        len += l * ((f->u.road.sidewalk_left_m > 0) + (f->u.road.sidewalk_right_m > 0));
    }
    return len;
}

/// Places merchants every `spacing` m along the outer sidewalk edges, starting half a
/// spacing in; `offset` carries the distance walked so far across roads.
static void place_frontage(placer_t *pl, const gops_map_t *map, double spacing, uint32_t want)
{
    double next = spacing / 2, walked = 0;
    for (uint32_t i = 0; i < map->feature_count && pl->count < want; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind != GOPS_FEAT_ROAD) continue;
        const gops_road_t *r = &f->u.road;
        for (int side = 0; side < 2; side++) {
            double sw = side == 0 ? r->sidewalk_left_m : r->sidewalk_right_m;
            if (!(sw > 0)) continue;
            double off = r->width_m / 2 + r->nonmotor_m + sw, sign = side == 0 ? 1.0 : -1.0;
            for (uint32_t k = 0; k + 1 < r->line.count && pl->count < want; k++) {
                gops_point_t a = r->line.pts[k], b = r->line.pts[k + 1];
                double dx = b.x - a.x, dy = b.y - a.y, len = hypot(dx, dy);
                if (!(len > 0)) continue;
                double nx = -dy / len * sign, ny = dx / len * sign; // left normal for side 0
                while (next <= walked + len && pl->count < want) {
                    double t = (next - walked) / len;
                    put(pl, (gops_point_t){a.x + t * dx + off * nx, a.y + t * dy + off * ny});
                    next += spacing;
                }
                walked += len;
            }
        }
    }
}

/// round(x) for the cumulative shares below (ties up).
static uint32_t cum(double share, uint32_t n)
{
    return (uint32_t)floor(share * n + 0.5);
}

static void place_malls(placer_t *pl, const gops_map_t *map, uint32_t want)
{
    double total = 0;
    for (uint32_t i = 0; i < map->feature_count; i++)
        if (map->features[i].kind == GOPS_FEAT_BUILDING && map->features[i].u.building.category == GOPS_BUILDING_MALL)
            total += map->features[i].u.building.floor_area_m2;
    if (!(total > 0)) return;
    double acc = 0;
    for (uint32_t i = 0; i < map->feature_count; i++) {
        const gops_feature_t *b = &map->features[i];
        if (b->kind != GOPS_FEAT_BUILDING || b->u.building.category != GOPS_BUILDING_MALL) continue;
        uint32_t from = cum(acc / total, want);
        acc += b->u.building.floor_area_m2;
        uint32_t n = cum(acc / total, want) - from, doors = 0;
        for (uint32_t e = 0; e < map->feature_count; e++)
            doors += map->features[e].kind == GOPS_FEAT_ENTRANCE && map->features[e].u.entrance.building == (int32_t)i;
        if (doors == 0) { // no entrance drawn: the building's centroid stands in
            for (uint32_t k = 0; k < n; k++) put(pl, b->at);
            continue;
        }
        uint32_t d = 0;
        for (uint32_t e = 0; e < map->feature_count; e++) {
            const gops_feature_t *f = &map->features[e];
            if (f->kind != GOPS_FEAT_ENTRANCE || f->u.entrance.building != (int32_t)i) continue;
            uint32_t here = cum((double)(d + 1) / doors, n) - cum((double)d / doors, n);
            for (uint32_t k = 0; k < here; k++) put(pl, f->at);
            d++;
        }
    }
}

static gops_status_t index_grid(gops_merchants_t *m, gops_error_t *err)
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (uint32_t i = 0; i < m->count; i++) {
        x0 = fmin(x0, m->at[i].x), x1 = fmax(x1, m->at[i].x);
        y0 = fmin(y0, m->at[i].y), y1 = fmax(y1, m->at[i].y);
    }
    if (m->count == 0) x0 = y0 = x1 = y1 = 0;
    m->cell_m = m->params.notice_radius_m;
    m->min_x = x0, m->min_y = y0;
    m->nx = (int32_t)floor((x1 - x0) / m->cell_m) + 1;
    m->ny = (int32_t)floor((y1 - y0) / m->cell_m) + 1;
    size_t cells = (size_t)m->nx * (size_t)m->ny;
    if (cells > 50u * 1000u * 1000u)
        return gops_error_set(err, GOPS_BAD_VALUE, "vendors: merchants spread over %g x %g m: too large for a %g m grid",
                              x1 - x0, y1 - y0, m->cell_m);
    m->cell_start = calloc(cells + 1, sizeof *m->cell_start);
    m->order = malloc((m->count ? m->count : 1) * sizeof *m->order);
    if (!m->cell_start || !m->order) return gops_error_set(err, GOPS_NOMEM, "vendors: out of memory indexing merchants");
    for (uint32_t i = 0; i < m->count; i++) {
        size_t c = (size_t)floor((m->at[i].y - y0) / m->cell_m) * (size_t)m->nx + (size_t)floor((m->at[i].x - x0) / m->cell_m);
        m->cell_start[c + 1]++;
    }
    for (size_t c = 0; c < cells; c++) m->cell_start[c + 1] += m->cell_start[c];
    uint32_t *fill = malloc((cells ? cells : 1) * sizeof *fill);
    if (!fill) return gops_error_set(err, GOPS_NOMEM, "vendors: out of memory indexing merchants");
    memcpy(fill, m->cell_start, cells * sizeof *fill);
    for (uint32_t i = 0; i < m->count; i++) {
        size_t c = (size_t)floor((m->at[i].y - y0) / m->cell_m) * (size_t)m->nx + (size_t)floor((m->at[i].x - x0) / m->cell_m);
        m->order[fill[c]++] = i;
    }
    free(fill);
    return GOPS_OK;
}

static gops_status_t finish(gops_merchants_t *m, gops_error_t *err)
{
    gops_status_t st = index_grid(m, err);
    if (st != GOPS_OK) gops_merchants_free(m);
    return st;
}

gops_status_t gops_merchants_build(gops_merchants_t *m, const gops_merchant_params_t *p, const gops_map_t *map,
                                   gops_error_t *err)
{
    memset(m, 0, sizeof *m);
    m->params = *p;
    uint32_t shops = (uint32_t)floor(p->merchants * (1 - p->mall_share) + 0.5);
    uint32_t facing = (uint32_t)floor(p->merchants * p->mall_share * p->mall_street_share + 0.5);
    uint32_t cap = shops + facing;
    m->at = malloc((cap ? cap : 1) * sizeof *m->at);
    m->partner = calloc(cap ? cap : 1, 1);
    if (!m->at || !m->partner) {
        gops_merchants_free(m);
        return gops_error_set(err, GOPS_NOMEM, "vendors: out of memory placing %u merchants", cap);
    }
    placer_t pl = {m->at, 0, cap};
    double front = frontage_length(map);
    if (front > 0 && shops > 0) place_frontage(&pl, map, front / shops, shops);
    uint32_t placed_shops = pl.count;
    pl.cap = placed_shops + facing;
    place_malls(&pl, map, facing);
    m->count = pl.count;
    for (uint32_t i = 0; i < m->count; i++)
        m->partner[i] = floor((i + 1) * p->partner_share) > floor(i * p->partner_share);
    m->partners_total = (uint32_t)floor(p->merchants * p->partner_share + 0.5);
    return finish(m, err);
}

gops_status_t gops_merchants_build_at(gops_merchants_t *m, const gops_merchant_params_t *p, const gops_point_t *at,
                                      const uint8_t *partner, uint32_t count, gops_error_t *err)
{
    memset(m, 0, sizeof *m);
    m->params = *p;
    m->at = malloc((count ? count : 1) * sizeof *m->at);
    m->partner = calloc(count ? count : 1, 1);
    if (!m->at || !m->partner) {
        gops_merchants_free(m);
        return gops_error_set(err, GOPS_NOMEM, "vendors: out of memory placing %u merchants", count);
    }
    for (uint32_t i = 0; i < count; i++) {
        m->at[i] = at[i];
        m->partner[i] = partner && partner[i];
        m->partners_total += m->partner[i];
    }
    m->count = count;
    return finish(m, err);
}

void gops_merchants_free(gops_merchants_t *m)
{
    free(m->at);
    free(m->partner);
    free(m->cell_start);
    free(m->order);
    gops_merchant_params_t p = m->params;
    memset(m, 0, sizeof *m);
    m->params = p;
}

// ---- reporting ----------------------------------------------------------------------------

double gops_merchants_incentive(const gops_merchant_params_t *p)
{
    if (p->elasticity == 0 || p->points_per_report == 0) return 1.0;
    return pow(1.0 + p->points_per_report / p->points_ref, p->elasticity);
}

void gops_merchants_near(const gops_merchants_t *m, gops_point_t p, uint32_t *regular, uint32_t *partners)
{
    *regular = *partners = 0;
    if (!m->cell_start) return;
    double r2 = m->params.notice_radius_m * m->params.notice_radius_m;
    int32_t cx = (int32_t)floor((p.x - m->min_x) / m->cell_m), cy = (int32_t)floor((p.y - m->min_y) / m->cell_m);
    for (int32_t y = cy - 1; y <= cy + 1; y++)
        for (int32_t x = cx - 1; x <= cx + 1; x++) {
            if (x < 0 || y < 0 || x >= m->nx || y >= m->ny) continue;
            size_t c = (size_t)y * (size_t)m->nx + (size_t)x;
            for (uint32_t k = m->cell_start[c]; k < m->cell_start[c + 1]; k++) {
                uint32_t i = m->order[k];
                double dx = m->at[i].x - p.x, dy = m->at[i].y - p.y;
                if (dx * dx + dy * dy > r2) continue;
                if (m->partner[i]) (*partners)++;
                else (*regular)++;
            }
        }
}

/// One merchant's probabilities (regular, partner) for category c.
static void single(const gops_merchant_params_t *p, gops_category_t c, double *q, double *qp)
{
    double inc = gops_merchants_incentive(p);
    *q = fmin(p->p_max, p->p_report[c] * inc);
    *qp = fmin(p->p_max, p->p_report[c] * p->partner_factor * inc);
}

double gops_merchants_report_probability(const gops_merchants_t *m, gops_category_t c, gops_point_t p)
{
    uint32_t nr, np;
    gops_merchants_near(m, p, &nr, &np);
    double q, qp;
    single(&m->params, c, &q, &qp);
    return 1.0 - pow(1.0 - q, nr) * pow(1.0 - qp, np);
}

gops_merchant_report_t gops_merchants_draw(const gops_merchants_t *m, gops_category_t c, gops_point_t p, double t_occ,
                                           gops_rng_t *rng)
{
    double u_report = gops_rng_uniform(rng), e = gops_rng_exponential(rng, 1.0);
    double u_partner = gops_rng_uniform(rng), u_invalid = gops_rng_uniform(rng);
    gops_merchant_report_t r = {false, INFINITY, false, false};
    uint32_t nr, np;
    gops_merchants_near(m, p, &nr, &np);
    double q, qp;
    single(&m->params, c, &q, &qp);
    double none = pow(1.0 - q, nr) * pow(1.0 - qp, np);
    if (!(u_report < 1.0 - none)) return r;
    r.reported = true;
    r.t_report = t_occ + e * m->params.delay_mean_s;
    // The reporter is a partner in proportion to the partners' share of the reporting hazard.
    double hp = np * qp, hr = nr * q;
    r.partner = hp + hr > 0 && u_partner < hp / (hp + hr);
    r.invalid_too = u_invalid < m->params.invalid_ratio * gops_merchants_incentive(&m->params);
    return r;
}

void gops_merchants_record(gops_merchants_t *m, gops_category_t c, const gops_merchant_report_t *r)
{
    if (!r->reported || (unsigned)c >= GOPS_CAT_COUNT) return;
    m->reports[c]++;
    m->reports_partner += r->partner;
    m->reports_invalid += r->invalid_too;
    m->points_reports += m->params.points_per_report;
}

void gops_merchants_volunteer(gops_merchants_t *m, double dt_s)
{
    double h = m->partners_total * m->params.volunteer_h_per_partner_day * dt_s / 86400.0;
    m->volunteer_h += h;
    m->points_volunteer += h * m->params.points_per_volunteer_h;
}

void gops_merchants_hash(const gops_merchants_t *m, gops_hash_t *h)
{
    gops_hash_u64(h, m->count);
    for (int c = 0; c < GOPS_CAT_COUNT; c++) gops_hash_u64(h, m->reports[c]);
    gops_hash_u64(h, m->reports_partner);
    gops_hash_u64(h, m->reports_invalid);
    gops_hash_f64(h, m->volunteer_h);
    gops_hash_f64(h, m->points_reports);
}
