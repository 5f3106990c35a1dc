// SPDX-License-Identifier: MIT
// Pitch sites and the choice among them (see pitches.h).
//
// Defaults (assumptions): carts stand within 12 m of an exit or a corner (in sight of the
// flow they sell to); footfall is what a vendor sees around that spot within 15 m, and what
// it remembers of it over about two minutes. Squared footfall in the choice: vendors go
// where people are, and a spot with twice the people is four times as likely. Each vendor
// already at a site makes it 30 % less attractive (they compete for the same customers),
// and a spot in sight of enforcement keeps a tenth of its weight. Carts keep 3 m apart and
// leave 2 m of the walkway free on each side they do not close (flush with a kerb or a
// facade): two people passing each other (Fruin's 0.76 m walkway lane each, with room to the
// cart and the kerb). A vendor moving on (or coming back) pushes its cart: a site 200 m away
// weighs e⁻¹ as much.
//
// Ordering: sites in the documented build order, cells ascending by walkable index.
#include "vendors/pitches.h"

#include "vendors/obstruction.h"
#include "vendors/stalls.h"
#include "world/geometry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[GOPS_SITE_KIND_COUNT] = {"metro_exit", "crossing", "tower_plaza"};

const char *gops_site_kind_name(gops_site_kind_t k)
{
    return (unsigned)k < GOPS_SITE_KIND_COUNT ? kind_names[k] : "?";
}

gops_pitch_params_t gops_pitch_params_default(void)
{
    return (gops_pitch_params_t){
        .metro_exits = true,
        .crossings = true,
        .tower_plaza = true,
        .site_radius_m = 12.0,
        .footfall_radius_m = 15.0,
        .footfall_memory_s = 120.0,
        .tower_plaza_m = 150.0,
        .plaza_spacing_m = 25.0,
        .power = 2.0,
        .competition = 0.7,
        .avoid = 0.9,
        // 6 m, not 3: at 3 m carts staggered on both edges of a 5 m sidewalk (Erqi Road by
        // a metro exit, New Year's Eve 16:25) made an S-bend whose one lane walkers both ways
        // locked in (README of sim/vendors, "spacing").
        .min_spacing_m = 6.0,
        .clear_width_m = 2.0,
        .move_scale_m = 200.0,
    };
}

gops_status_t gops_pitch_params_check(const gops_pitch_params_t *p, gops_error_t *err)
{
    if (!(p->site_radius_m >= 1 && p->site_radius_m <= 200) || !(p->footfall_radius_m >= 1 && p->footfall_radius_m <= 200))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "vendors: pitch site radius %g m and footfall radius %g m; expected 1 to 200 m each",
                              p->site_radius_m, p->footfall_radius_m);
    if (!(p->footfall_memory_s > 0) || !(p->tower_plaza_m >= 0) || !(p->plaza_spacing_m >= 1))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "vendors: footfall memory must be > 0 s, tower plaza distance ≥ 0 m, plaza spacing ≥ 1 m");
    if (!(p->power >= 0 && p->power <= 8) || !(p->competition > 0 && p->competition <= 1) ||
        !(p->avoid >= 0 && p->avoid <= 1) || !(p->min_spacing_m >= 0 && p->min_spacing_m <= 50) ||
        !(p->move_scale_m > 0) || !(p->clear_width_m >= 0 && p->clear_width_m <= 20))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "vendors: pitch power %g (expected 0 to 8), competition %g (expected (0, 1]), avoid %g "
                              "(expected [0, 1]), spacing %g m (expected 0 to 50), move scale %g m (expected > 0), "
                              "clear width %g m (expected 0 to 20)",
                              p->power, p->competition, p->avoid, p->min_spacing_m, p->move_scale_m, p->clear_width_m);
    return GOPS_OK;
}

/// Build-time context: which cells a cart may use.
typedef struct builder {
    const gops_district_t *d;
    const gops_pitch_params_t *p;
    gops_sites_t *s;
    uint32_t site_cap, cell_cap;
    double min_walkway_m; ///< m, narrowest walkway a cart pitches on
    double cart_radius_m; ///< m, a cart's footprint
    uint8_t *crossing;    ///< per walkable cell: 0 not yet known, 1 off, 2 on a carriageway
} builder_t;

static bool on_carriageway(const gops_map_t *map, gops_point_t c)
{
    for (uint32_t i = 0; i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind != GOPS_FEAT_ROAD) continue;
        double half = f->u.road.width_m / 2 + f->u.road.nonmotor_m;
        for (uint32_t k = 0; k + 1 < f->u.road.line.count; k++)
            if (gops_point_segment_distance(c, f->u.road.line.pts[k], f->u.road.line.pts[k + 1], NULL) < half) return true;
    }
    return false;
}

// A junction's crossing disc off the sidewalks (the box, a roundabout's ring crossing) is
// carriageway people walk over, not a pitch. on_carriageway() measures from the road centre
// lines, which leave parts of the discs uncovered where roads meet at an angle: on the Erqi
// map some crossing sites had pitch cells there.
static bool in_junction(const gops_walkable_t *w, uint32_t k)
{
    return w->junction && w->junction[k] != GOPS_JUNCTION_CELL_NONE;
}

// A cart keeps the landings of crossings free: its rim stays the clear width from every
// walkable cell on a carriageway (a crosswalk in line with a sidewalk, a junction's box or
// ring crossing). People bound for a crossing converge on its landing, and a cart at the
// kerb there stands in all their ways: on the weekday evening (19:30) a cart where a ring
// crossing lands on the tower plaza held about a hundred walkers behind it, 7.5 persons/m²
// in the densest 2 m cell, some waiting over a minute; at 19:45 another at the corner of
// Xidajie and Dunmu Road held the crowd waiting to cross Dunmu Road out in the road.
static bool crossing_cell(builder_t *b, uint32_t cell)
{
    const gops_walkable_t *w = b->d->walk;
    uint32_t k = gops_walkable_index(w, cell);
    if (!b->crossing[k])
        b->crossing[k] = in_junction(w, k) || on_carriageway(b->d->map, gops_walkable_centre(w, cell)) ? 2 : 1;
    return b->crossing[k] == 2;
}

static bool near_crossing(builder_t *b, gops_point_t c)
{
    const gops_walkable_t *w = b->d->walk;
    double reach = b->cart_radius_m + b->p->clear_width_m + 0.5 * w->cell; // to the crossing cell's edge
    int32_t span = (int32_t)ceil(reach / w->cell);
    int32_t cx = (int32_t)floor((c.x - w->min_x) / w->cell), cy = (int32_t)floor((c.y - w->min_y) / w->cell);
    for (int32_t y = cy - span; y <= cy + span; y++)
        for (int32_t x = cx - span; x <= cx + span; x++) {
            if (x < 0 || y < 0 || x >= w->nx || y >= w->ny) continue;
            uint32_t cell = (uint32_t)y * (uint32_t)w->nx + (uint32_t)x;
            if (!gops_walkable_is_set(w, cell)) continue;
            gops_point_t q = gops_walkable_centre(w, cell);
            if (hypot(q.x - c.x, q.y - c.y) < reach && crossing_cell(b, cell)) return true;
        }
    return false;
}

// A cart on a walkway narrower than itself plus the clear width leaves people a gap they
// pass in single file, and the first-order walking model, in which nobody yields, locks two
// such files meeting head on: on the Erqi holiday evening clumps of several hundred people
// round carts on sidewalks grew for the whole hour.
// The walkway is measured at the pitch and at eight points of the cart's rim: a cart
// whose centre stands on a wide sidewalk can still reach into the mouth of a narrower
// passage beside it (on the weekday evening a cart at the end of a 3 m passage by
// Dunmu Road left 0.6 m either side, and some 180 walkers stood in the passage for the
// last 45 minutes of the window).
// A rim point past the walkway's edge is a cart flush with it there (its centre in the cell
// along the edge), not a passage, and is not measured.
// Only whether a width falls short of min_walkway_m matters, so each cross-section is sampled
// that far either side, not further: a width below it is measured in full all the same, one
// at or above it still comes out at or above it (1 + floor(w / step) samples span more than
// w). On the Erqi map the widths took 0.48 s of a start, now 0.20 s (release build).
static bool too_narrow(const builder_t *b, gops_point_t c)
{
    for (int k = -1; k < 8; k++) {
        double a = k * 0.78539816339744831, rim = k < 0 ? 0 : b->cart_radius_m;
        gops_point_t q = {c.x + rim * cos(a), c.y + rim * sin(a)};
        uint32_t cell = gops_walkable_cell_at(b->d->walk, q);
        if (k >= 0 && (cell == GOPS_WALKABLE_NONE || !gops_walkable_is_set(b->d->walk, cell))) continue; // at the edge
        double before, after;
        gops_obstruction_local_width(b->d->walk, NULL, 0, q, b->min_walkway_m, 0.25, &before, &after);
        if (before < b->min_walkway_m) return true;
    }
    return false;
}

// Either side of a cart the walkway is closed or keeps the clear width: a gap narrower than
// that, which people still try, is a way in single file (a 1 m cell beside a facade puts the
// cart's rim 0.6 m from it). On the weekday evening (20:19) a cart in the middle of Erqi
// Road's 5 m sidewalk, 1.6 m from the facade and the kerb, held walkers meeting head on in
// the gaps at 5.8 persons/m²; on the holiday afternoon (15:05) one 0.6 m from a building's
// corner at the north end of Dehua Street queued those walking along the corner at over 6.
// A gap below GOPS_PITCH_CLOSED_GAP_M counts as closed: narrower than anyone's shoulders
// (Fruin's body ellipse is 0.46 m across), if not than the walking model's discs (0.22-0.34
// m); a cart flush with an edge on a 1 m raster leaves none (its rim reaches 0.4 m past it).
// Measured along the walkway's cross-section at the pitch, as far as a set-up measures it
// (GOPS_PITCH_WALKWAY_REACH_M): with a shorter reach another direction can come out narrowest.
static bool leaves_narrow_gap(const builder_t *b, gops_point_t c)
{
    double side[2];
    gops_obstruction_cross_section(b->d->walk, c, GOPS_PITCH_WALKWAY_REACH_M, 0.25, &side[0], &side[1]);
    for (int k = 0; k < 2; k++) {
        double gap = side[k] - b->cart_radius_m;
        if (gap >= GOPS_PITCH_CLOSED_GAP_M && gap < b->p->clear_width_m) return true;
    }
    return false;
}

// A cart keeps doorways free as it keeps crossings' landings: everyone going in or out
// converges on the door. On the weekday at 12:07 a cart 2 m from Shangcheng Mansion's
// entrance 3, between it and metro exit D, left a 0.75 m gap along the wall to the door,
// and 240 walkers packed round it within ten minutes (10.9 persons/m² in the densest 2 m
// cell at 12:16); an earlier whole weekday had its worst jam there too (README.md here, "spacing").
double gops_sites_doorway_room_m(const gops_sites_t *s, gops_point_t at, double clear_width_m)
{
    double room = INFINITY;
    for (uint32_t i = 0; i < s->door_count; i++) {
        const gops_doorway_t *d = &s->doors[i];
        double r = hypot(at.x - d->at.x, at.y - d->at.y) - d->half_m - clear_width_m;
        if (r < room) room = r;
    }
    return room;
}

// The map's doorways once, so a pitch cell's test reads them and not every feature (the
// cameras alone are 676 of the Erqi map's 1,040). False when out of memory.
static bool collect_doorways(gops_sites_t *s, const gops_map_t *map)
{
    s->doors = malloc((map->feature_count ? map->feature_count : 1) * sizeof *s->doors);
    if (!s->doors) return false;
    for (uint32_t i = 0; i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind == GOPS_FEAT_ENTRANCE)
            s->doors[s->door_count++] = (gops_doorway_t){f->at, 0.5 * f->u.entrance.width_m};
        else if (f->kind == GOPS_FEAT_TRANSIT && f->u.transit.mode == GOPS_TRANSIT_METRO_EXIT)
            s->doors[s->door_count++] = (gops_doorway_t){f->at, 0.5 * GOPS_METRO_EXIT_WIDTH_M};
    }
    return true;
}

static bool in_guidance_point(const gops_map_t *map, gops_point_t c)
{
    for (uint32_t i = 0; i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind == GOPS_FEAT_VENDOR_POINT && f->shape.ring_count > 0 && gops_polygon_contains(&f->shape, c))
            return true;
    }
    return false;
}

static bool push_cell(builder_t *b, uint32_t k)
{
    if (b->s->cell_total == b->cell_cap) {
        uint32_t cap = b->cell_cap ? b->cell_cap * 2 : 4096;
        uint32_t *grown = realloc(b->s->cells, cap * sizeof *grown);
        if (!grown) return false;
        b->s->cells = grown;
        b->cell_cap = cap;
    }
    b->s->cells[b->s->cell_total++] = k;
    return true;
}

/// Adds a site with its pitch cells; a site without cells is dropped. False on no memory.
static bool add_site(builder_t *b, gops_site_kind_t kind, int32_t feature, gops_point_t at)
{
    const gops_walkable_t *w = b->d->walk;
    const gops_map_t *map = b->d->map;
    double r = b->p->site_radius_m;
    uint32_t first = b->s->cell_total;
    int32_t x0 = (int32_t)floor((at.x - r - w->min_x) / w->cell), x1 = (int32_t)floor((at.x + r - w->min_x) / w->cell);
    int32_t y0 = (int32_t)floor((at.y - r - w->min_y) / w->cell), y1 = (int32_t)floor((at.y + r - w->min_y) / w->cell);
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 >= w->nx) x1 = w->nx - 1;
    if (y1 >= w->ny) y1 = w->ny - 1;
    for (int32_t cy = y0; cy <= y1; cy++)
        for (int32_t cx = x0; cx <= x1; cx++) {
            uint32_t cell = (uint32_t)cy * (uint32_t)w->nx + (uint32_t)cx;
            if (!gops_walkable_is_set(w, cell)) continue;
            gops_point_t c = gops_walkable_centre(w, cell);
            double dx = c.x - at.x, dy = c.y - at.y;
            uint32_t k = gops_walkable_index(w, cell);
            if (dx * dx + dy * dy > r * r || on_carriageway(map, c) || in_junction(w, k) || in_guidance_point(map, c) ||
                gops_sites_doorway_room_m(b->s, c, b->p->clear_width_m) < b->cart_radius_m || too_narrow(b, c) ||
                leaves_narrow_gap(b, c) || near_crossing(b, c))
                continue;
            if (!push_cell(b, k)) return false;
        }
    uint32_t count = b->s->cell_total - first;
    if (count == 0) return true;
    if (b->s->count == b->site_cap) {
        uint32_t cap = b->site_cap ? b->site_cap * 2 : 64;
        gops_site_t *grown = realloc(b->s->sites, cap * sizeof *grown);
        if (!grown) return false;
        b->s->sites = grown;
        b->site_cap = cap;
    }
    b->s->sites[b->s->count++] = (gops_site_t){kind, feature, at, first, count, 0.0, 0};
    return true;
}

static bool near_landmark(const gops_map_t *map, const gops_feature_t *plaza, double reach)
{
    for (uint32_t i = 0; i < map->feature_count; i++) {
        const gops_feature_t *f = &map->features[i];
        if (f->kind != GOPS_FEAT_LANDMARK) continue;
        if (gops_polygon_contains(&plaza->shape, f->at)) return true;
        if (hypot(f->at.x - plaza->at.x, f->at.y - plaza->at.y) <= reach) return true;
    }
    return false;
}

gops_status_t gops_sites_build(gops_sites_t *s, const gops_district_t *district, const gops_pitch_params_t *p,
                               double cart_radius_m, gops_error_t *err)
{
    memset(s, 0, sizeof *s);
    builder_t b = {district, p, s, 0, 0, 2 * cart_radius_m + p->clear_width_m, cart_radius_m, NULL};
    const gops_map_t *map = district->map;
    b.crossing = calloc(district->walk->count ? district->walk->count : 1, 1);
    bool ok = b.crossing != NULL && collect_doorways(s, map);
    if (p->metro_exits)
        for (uint32_t i = 0; ok && i < map->feature_count; i++) {
            const gops_feature_t *f = &map->features[i];
            if (f->kind == GOPS_FEAT_TRANSIT && f->u.transit.mode == GOPS_TRANSIT_METRO_EXIT)
                ok = add_site(&b, GOPS_SITE_METRO_EXIT, (int32_t)i, f->at);
        }
    if (p->crossings && district->roads) {
        uint32_t first = s->count;
        for (uint32_t n = 0; ok && n < district->roads->node_count; n++) {
            const gops_road_node_t *node = &district->roads->nodes[n];
            if (node->road_count < 2) continue;
            bool joined = false;
            for (uint32_t k = first; k < s->count && !joined; k++)
                joined = hypot(s->sites[k].at.x - node->at.x, s->sites[k].at.y - node->at.y) <= p->site_radius_m;
            if (!joined) ok = add_site(&b, GOPS_SITE_CROSSING, -1, node->at);
        }
    }
    if (p->tower_plaza)
        for (uint32_t i = 0; ok && i < map->feature_count; i++) {
            const gops_feature_t *f = &map->features[i];
            if (f->kind != GOPS_FEAT_PLAZA || f->shape.ring_count == 0 || !near_landmark(map, f, p->tower_plaza_m))
                continue;
            double x0, y0, x1, y1, sp = p->plaza_spacing_m;
            gops_path_bounds(&f->shape.rings[0], &x0, &y0, &x1, &y1);
            for (double y = y0 + sp / 2; ok && y < y1; y += sp)
                for (double x = x0 + sp / 2; ok && x < x1; x += sp) {
                    gops_point_t at = {x, y};
                    if (gops_polygon_contains(&f->shape, at)) ok = add_site(&b, GOPS_SITE_TOWER_PLAZA, (int32_t)i, at);
                }
        }
    free(b.crossing);
    if (ok && s->cell_total) ok = (s->cell_stream = calloc(s->cell_total, sizeof *s->cell_stream)) != NULL;
    if (!ok) {
        gops_sites_free(s);
        return gops_error_set(err, GOPS_NOMEM, "vendors: out of memory building pitch sites");
    }
    return GOPS_OK;
}

void gops_sites_free(gops_sites_t *s)
{
    free(s->sites);
    free(s->cells);
    free(s->cell_stream);
    free(s->doors);
    memset(s, 0, sizeof *s);
}

void gops_sites_update_footfall(gops_sites_t *s, const gops_footfall_t *ff, const gops_walkable_t *walk,
                                const gops_pitch_params_t *p, double dt_s)
{
    double a = dt_s / p->footfall_memory_s;
    if (a > 1) a = 1;
    for (uint32_t i = 0; i < s->count; i++) {
        double now = gops_footfall_near(ff, s->sites[i].at, p->footfall_radius_m);
        s->sites[i].footfall += (now - s->sites[i].footfall) * a;
    }
    for (uint32_t k = 0; k < s->cell_total; k++) {
        gops_point_t at = gops_walkable_centre(walk, walk->cells[s->cells[k]]);
        s->cell_stream[k] += (gops_footfall_near(ff, at, GOPS_PITCH_STREAM_RADIUS_M) - s->cell_stream[k]) * a;
    }
}

/// x^power with exact products for whole powers up to 8 (results feed the state).
static double power_of(double x, double power)
{
    double whole = floor(power);
    if (whole == power && power <= 8) {
        double r = 1;
        for (int k = 0; k < (int)whole; k++) r *= x;
        return r;
    }
    return pow(x, power);
}

double gops_site_weight(const gops_pitch_params_t *p, double footfall, uint32_t vendors, double risk)
{
    double w = power_of(footfall + 1.0, p->power);
    for (uint32_t k = 0; k < vendors && w > 0; k++) w *= p->competition;
    if (risk < 0) risk = 0;
    if (risk > 1) risk = 1;
    return w * (1.0 - p->avoid * risk);
}

uint32_t gops_pitch_choose(const double *w, uint32_t n, double u)
{
    double total = 0;
    for (uint32_t i = 0; i < n; i++) total += w[i] > 0 ? w[i] : 0;
    if (!(total > 0)) return GOPS_VENDORS_NONE;
    double target = u * total, acc = 0;
    uint32_t last = GOPS_VENDORS_NONE;
    for (uint32_t i = 0; i < n; i++) {
        if (!(w[i] > 0)) continue;
        acc += w[i];
        last = i;
        if (target < acc) return i;
    }
    return last; // rounding at the very top
}

double gops_pitch_gap(gops_point_t p, const gops_disc_t *avoid, uint32_t n)
{
    double gap = INFINITY;
    for (uint32_t i = 0; i < n; i++) {
        double g = hypot(p.x - avoid[i].x, p.y - avoid[i].y) - avoid[i].r;
        if (g < gap) gap = g;
    }
    return gap;
}

// A vendor sets up beside the stream, not in it: of the cells drawn, the one with the fewest
// people passing (the cell's stream, averaged like the sites' footfall). A site is chosen for
// its footfall, and its cells nearest the stream were as likely as any: on the weekday evening
// carts came back eight times in two hours to the tower plaza's tip where the Zhengxing
// Street ring crossing lands on it (10-14 people within 2 m there on average, 2-6 a few
// metres aside), and each pushed the platoons leaving the crossing into its landing (17-21
// people in its densest 2 m cell, 11-15 without a cart).
bool gops_site_pick(const gops_sites_t *s, uint32_t site, const gops_walkable_t *walk, const gops_disc_t *avoid,
                    uint32_t n, double min_spacing_m, gops_rng_t *rng, gops_point_t *at)
{
    const gops_site_t *st = &s->sites[site];
    gops_point_t best = st->at, chosen = st->at;
    double best_gap = -INFINITY, least_stream = INFINITY;
    bool found = false;
    for (int tries = 0; tries < 16; tries++) {
        uint32_t k = st->first_cell + (uint32_t)gops_rng_below(rng, st->cell_count);
        gops_point_t c = gops_walkable_centre(walk, walk->cells[s->cells[k]]);
        double gap = gops_pitch_gap(c, avoid, n);
        if (gap >= min_spacing_m) {
            if (s->cell_stream[k] < least_stream) chosen = c, least_stream = s->cell_stream[k];
            found = true;
        } else if (gap > best_gap) {
            best_gap = gap;
            best = c;
        }
    }
    *at = found ? chosen : best;
    return found;
}

void gops_sites_hash(const gops_sites_t *s, gops_hash_t *h)
{
    gops_hash_u64(h, s->count);
    for (uint32_t i = 0; i < s->count; i++) {
        gops_hash_f64(h, s->sites[i].footfall);
        gops_hash_u64(h, s->sites[i].vendors);
    }
    for (uint32_t k = 0; k < s->cell_total; k++) gops_hash_f64(h, s->cell_stream[k]);
}
