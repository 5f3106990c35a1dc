// SPDX-License-Identifier: MIT
// Areas cleared of street vendors on the Erqi map (gops_vendors_clear_area): exactly the
// sites with a pitch cell inside and the guidance points with their centre or a stall inside
// are flagged; vendors there pack up and leave, nobody trades inside while it is cleared,
// the points inside shut and their licence holders stay away; reopening lets vendors back;
// bad rings, unknown ids and a second reopen are refused without changing anything.
#include "fixture.h"

#include "core/simtime.h"
#include "vendors/vendors.h"
#include "world/geometry.h"
#include "world/world_internal.h"

#include <math.h>
#include <string.h>

static gops_error_t err;

typedef struct fix {
    gops_world_t *world;
    gops_vendors_t *v;
    gops_path_t ring; ///< the tower-plaza special zone's outer ring (owned by the map)
} fix_t;

/// Holiday evening from 18:00 at 1 s ticks, vendors with the stand-in patrol, no crowd
/// (footfall 0 makes every site equally attractive, so the plaza's sites get vendors too).
static fix_t fixture(void)
{
    gops_world_def_t def = gops_world_def_default();
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    def.threads = 1;
    def.seed = 11;
    def.mode = GOPS_MODE_HOLIDAY;
    def.tick_s = 1.0;
    def.start = gops_time_from_civil(2025, 10, 1, 18, 0, 0);
    fix_t f;
    f.world = gops_world_create(&def, &err);
    ck_assert_msg(f.world != NULL, "%s", err.message);
    gops_vendors_params_t p = gops_vendors_params_default();
    p.arrive_mean_s = 60;
    p.arrival_mean_s = 60;
    f.v = gops_vendors_attach(f.world, &p, &err);
    ck_assert_msg(f.v != NULL, "%s", err.message);
    const gops_map_t *map = gops_world_district(f.world)->map;
    int32_t z = gops_map_find_id(map, "special-tower-plaza");
    ck_assert_int_ge(z, 0);
    f.ring = map->features[z].u.zone.parts[0].rings[0];
    return f;
}

static void run_for(fix_t *f, double seconds)
{
    for (long t = 0; t < lround(seconds); t++) gops_world_step(f->world);
}

static bool inside(const fix_t *f, gops_point_t p)
{
    return gops_ring_locate(&f->ring, p, 0.0) != GOPS_LOC_OUTSIDE;
}

/// Street vendors (set up, trading or packing) standing inside the ring now; *packing gets
/// those of them packing up.
static uint32_t street_inside(const fix_t *f, uint32_t *packing)
{
    uint32_t n = 0, pk = 0;
    for (uint32_t i = 0; i < gops_vendors_count(f->v); i++) {
        gops_vendor_info_t in;
        ck_assert(gops_vendors_get(f->v, i, &in));
        bool street = in.state == GOPS_VENDOR_SETUP || in.state == GOPS_VENDOR_TRADING || in.state == GOPS_VENDOR_PACKING;
        if (!street || !inside(f, in.at)) continue;
        n++;
        pk += in.state == GOPS_VENDOR_PACKING;
    }
    if (packing) *packing = pk;
    return n;
}

START_TEST(cleared_area_empties_and_reopens)
{
    fix_t f = fixture();
    run_for(&f, 600);
    uint32_t before = street_inside(&f, NULL);
    ck_assert_uint_gt(before, 0); // the plaza had vendors: the test below means something
    const gops_stalls_t *st = gops_vendors_stalls(f.v);

    uint32_t id = 0;
    ck_assert_int_eq(gops_vendors_clear_area(f.v, f.ring.pts, f.ring.count, &id, &err), GOPS_OK);
    ck_assert_uint_eq(id, 1);
    // Flags: a site is cleared exactly when one of its pitch cells lies in the ring.
    const gops_sites_t *s = gops_vendors_sites(f.v);
    const gops_walkable_t *w = gops_world_district(f.world)->walk;
    uint32_t cleared_sites = 0;
    for (uint32_t k = 0; k < s->count; k++) {
        bool hit = false;
        for (uint32_t c = 0; c < s->sites[k].cell_count && !hit; c++)
            hit = inside(&f, gops_walkable_centre(w, w->cells[s->cells[s->sites[k].first_cell + c]]));
        ck_assert_int_eq(gops_vendors_site_cleared(f.v, k), hit);
        cleared_sites += hit;
    }
    for (uint32_t k = 0; k < st->point_count; k++) {
        bool hit = inside(&f, st->points[k].at);
        for (uint32_t j = 0; j < st->points[k].stall_count; j++) hit = hit || inside(&f, st->stalls[st->points[k].first_stall + j].at);
        ck_assert_int_eq(gops_vendors_point_cleared(f.v, k), hit);
    }
    ck_assert_uint_gt(cleared_sites, 0);
    ck_assert(!gops_vendors_site_cleared(f.v, s->count)); // out of range: false

    // The next step sends every vendor there packing; 2 min later they are gone.
    gops_world_step(f.world);
    uint32_t packing;
    ck_assert_uint_eq(street_inside(&f, &packing), packing);
    gops_vendors_measures_t m;
    gops_vendors_measures(f.v, &m);
    ck_assert_uint_gt(m.cleared_moves, 0);
    for (int t = 0; t < 900; t++) {
        gops_world_step(f.world);
        if (t >= 125) ck_assert_uint_eq(street_inside(&f, NULL), 0);
    }
    gops_vendors_measures(f.v, &m);
    ck_assert_uint_eq(m.in_cleared_now, 0);
    // Points inside are shut: after their 10-minute pack-up (15 min have passed) no stall
    // there is occupied.
    for (uint32_t k = 0; k < st->point_count; k++) {
        if (!gops_vendors_point_cleared(f.v, k)) continue;
        for (uint32_t j = 0; j < st->points[k].stall_count; j++)
            ck_assert_int_eq(st->stalls[st->points[k].first_stall + j].state, GOPS_STALL_CLOSED);
    }

    ck_assert_int_eq(gops_vendors_reopen_area(f.v, id, &err), GOPS_OK);
    for (uint32_t k = 0; k < s->count; k++) ck_assert(!gops_vendors_site_cleared(f.v, k));
    for (uint32_t k = 0; k < st->point_count; k++) ck_assert(!gops_vendors_point_cleared(f.v, k));
    uint32_t back = 0;
    for (int t = 0; t < 3600 && back == 0; t++) {
        gops_world_step(f.world);
        back = street_inside(&f, NULL);
    }
    ck_assert_uint_gt(back, 0); // vendors return to the plaza within the hour
    gops_world_destroy(f.world);
}
END_TEST

#define ASSERT_HAS(msg, text) ck_assert_msg(strstr((msg), (text)) != NULL, "\"%s\" not in: %s", (text), (msg))

START_TEST(bad_areas_are_refused)
{
    fix_t f = fixture();
    gops_point_t two[2] = {{0, 0}, {10, 0}};
    uint32_t id = 99;
    ck_assert_int_eq(gops_vendors_clear_area(f.v, two, 2, &id, &err), GOPS_BAD_VALUE);
    ASSERT_HAS(err.message, "3 to 10000 points, found 2");
    ck_assert_uint_eq(id, 99);
    gops_point_t bad[3] = {{0, 0}, {10, NAN}, {0, 10}};
    ck_assert_int_eq(gops_vendors_clear_area(f.v, bad, 3, &id, &err), GOPS_BAD_VALUE);
    ASSERT_HAS(err.message, "point 2");
    ck_assert_int_eq(gops_vendors_reopen_area(f.v, 1, &err), GOPS_BAD_VALUE);
    ASSERT_HAS(err.message, "no cleared area 1 (none so far)");
    gops_point_t tri[3] = {{0, 0}, {10, 0}, {0, 10}};
    for (int k = 1; k <= GOPS_VENDORS_AREA_MAX; k++) {
        ck_assert_int_eq(gops_vendors_clear_area(f.v, tri, 3, &id, &err), GOPS_OK);
        ck_assert_uint_eq(id, (uint32_t)k);
    }
    ck_assert_int_eq(gops_vendors_clear_area(f.v, tri, 3, &id, &err), GOPS_BAD_VALUE);
    ASSERT_HAS(err.message, "at most 64");
    ck_assert_int_eq(gops_vendors_reopen_area(f.v, 0, &err), GOPS_BAD_VALUE);
    ck_assert_int_eq(gops_vendors_reopen_area(f.v, 65, &err), GOPS_BAD_VALUE);
    ASSERT_HAS(err.message, "ids so far: 1 to 64");
    ck_assert_int_eq(gops_vendors_reopen_area(f.v, 3, &err), GOPS_OK);
    ck_assert_int_eq(gops_vendors_reopen_area(f.v, 3, &err), GOPS_BAD_VALUE);
    ASSERT_HAS(err.message, "area 3 is open already");
    gops_world_destroy(f.world);
}
END_TEST

// Clearing changes the state hash (the areas are part of the state), the same clearing on
// 1 and 2 threads gives the same hash.
static uint64_t hash_after(int threads, bool clear)
{
    gops_world_def_t def = gops_world_def_default();
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    def.threads = threads;
    def.seed = 5;
    def.mode = GOPS_MODE_HOLIDAY;
    def.tick_s = 1.0;
    def.start = gops_time_from_civil(2025, 10, 1, 18, 0, 0);
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_vendors_params_t p = gops_vendors_params_default();
    p.arrive_mean_s = 60;
    gops_vendors_t *v = gops_vendors_attach(w, &p, &err);
    ck_assert_msg(v != NULL, "%s", err.message);
    for (int t = 0; t < 300; t++) gops_world_step(w);
    gops_point_t sq[4] = {{-150, -150}, {150, -150}, {150, 150}, {-150, 150}};
    if (clear) ck_assert_int_eq(gops_vendors_clear_area(v, sq, 4, NULL, &err), GOPS_OK);
    for (int t = 0; t < 300; t++) gops_world_step(w);
    uint64_t h = gops_world_state_hash(w);
    gops_world_destroy(w);
    return h;
}

START_TEST(clearing_is_deterministic)
{
    uint64_t a = hash_after(1, true), b = hash_after(2, true), c = hash_after(1, false);
    ck_assert_uint_eq(a, b);
    ck_assert_uint_ne(a, c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vendors_clear");
    TCase *tc = tcase_create("areas");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, cleared_area_empties_and_reopens);
    tcase_add_test(tc, bad_areas_are_refused);
    tcase_add_test(tc, clearing_is_deterministic);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
