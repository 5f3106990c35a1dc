// SPDX-License-Identifier: MIT
// Crowd-management actions on lab geometry: barriers are never crossed, closing the only
// exit stops the flow and reopening resumes it (or people reroute to another exit), one-way
// sections carry no net counter-flow, meters admit their rate, guidance redirects its share,
// congestion-aware choice takes people away from a jammed exit, obstacles are walked around
// (on the side with room past them),
// and fields are recomputed only when geometry changes; plus the district's entrances.
#include "fixture.h"

#include "core/simtime.h"
#include "crowd/actions.h"
#include "crowd/crowd.h"
#include "crowd/overlay.h"
#include "world/map_build.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/// A lab of walkable rectangles (x0, y0, x1, y1 each) minus obstacle rectangles, at 0.1 m.
static gops_world_t *lab(const double *walk, int nwalk, const double *holes, int nholes, int threads, uint64_t seed)
{
    gops_error_t err;
    gops_map_t *m = gops_map_new("lab");
    for (int i = 0; i < nwalk; i++)
        ck_assert_int_ge(gops_map_add_rect(m, GOPS_FEAT_PLAZA, NULL, walk[4 * i], walk[4 * i + 1], walk[4 * i + 2],
                                           walk[4 * i + 3], &err),
                         0);
    for (int i = 0; i < nholes; i++)
        ck_assert_int_ge(gops_map_add_rect(m, GOPS_FEAT_BUILDING, NULL, holes[4 * i], holes[4 * i + 1],
                                           holes[4 * i + 2], holes[4 * i + 3], &err),
                         0);
    ck_assert_int_eq(gops_map_finish(m, &err), GOPS_OK);
    gops_world_def_t def = gops_world_def_default();
    def.nav_cell_m = 0.1;
    def.threads = threads;
    def.seed = seed;
    gops_world_t *w = gops_world_create_with_map(&def, m, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_crowd_params_t p = gops_crowd_params_default(GOPS_DAY_WEEKDAY);
    p.visitors = false;
    p.arrive_radius_m = 0.2f;
    ck_assert_msg(gops_crowd_attach(w, &p, &err) != NULL, "%s", err.message);
    return w;
}

static uint16_t add_exit(gops_crowd_t *c, const char *name, double x0, double y0, double x1, double y1)
{
    gops_point_t pts[4] = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
    gops_path_t ring = {pts, 4};
    gops_polygon_t area = {&ring, 1};
    gops_error_t err;
    uint16_t dest;
    ck_assert_msg(gops_crowd_add_exit(c, name, &area, &dest, &err) == GOPS_OK, "%s", err.message);
    return dest;
}

/// Spawns n pedestrians on a grid in [x0, x1] × [y0, y1] (row by row, 0.6 m apart), at t.
static void spawn_block(gops_crowd_t *c, int n, double x0, double y0, double x1, double y1, uint16_t dest, float dir_x,
                        double at_s)
{
    gops_error_t err;
    int per_row = (int)floor((x1 - x0) / 0.6) + 1, placed = 0;
    for (int k = 0; placed < n; k++) {
        double x = x0 + 0.6 * (k % per_row), y = y0 + 0.6 * (k / per_row);
        ck_assert_msg(y <= y1, "block too small for %d pedestrians", n);
        gops_spawn_t s = {.at_s = at_s, .x = (float)x, .y = (float)y, .v0 = 1.2f + 0.02f * (float)(k % 10),
                          .radius = 0.14f, .dest = dest, .dir_x = dir_x};
        ck_assert_msg(gops_crowd_spawn(c, &s, &err) == GOPS_OK, "%s", err.message);
        placed++;
    }
}

static gops_point_t pt(double x, double y) { return (gops_point_t){x, y}; }

/// Do the segments p0-p1 and a-b cross (touching included)?
static bool segments_cross(gops_point_t p0, gops_point_t p1, gops_point_t a, gops_point_t b)
{
    double d1 = (b.x - a.x) * (p0.y - a.y) - (b.y - a.y) * (p0.x - a.x);
    double d2 = (b.x - a.x) * (p1.y - a.y) - (b.y - a.y) * (p1.x - a.x);
    double d3 = (p1.x - p0.x) * (a.y - p0.y) - (p1.y - p0.y) * (a.x - p0.x);
    double d4 = (p1.x - p0.x) * (b.y - p0.y) - (p1.y - p0.y) * (b.x - p0.x);
    return ((d1 <= 0 && d2 >= 0) || (d1 >= 0 && d2 <= 0)) && ((d3 <= 0 && d4 >= 0) || (d3 >= 0 && d4 <= 0));
}

// ---- barriers -----------------------------------------------------------------------------

/// A barrier across most of a corridor: people routed to the far exit go through the gap
/// that is left, people walking straight at it push against it; nobody's step crosses it.
START_TEST(test_barrier_never_crossed)
{
    const double room[] = {0, 0, 20, 6};
    gops_world_t *w = lab(room, 1, NULL, 0, 2, 3);
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    uint16_t east = add_exit(c, "east", 19.7, 0, 20, 6);
    gops_point_t a = pt(10.05, -0.5), b = pt(10.05, 4.5); // leaves 4.5 .. 6 open
    ck_assert_int_eq(gops_crowd_add_barrier(c, "fence", a, b, &err), GOPS_OK);
    ck_assert_int_eq(gops_crowd_add_barrier(c, "fence", a, b, &err), GOPS_BAD_VALUE); // twice
    ck_assert_ptr_nonnull(strstr(err.message, "fence"));
    spawn_block(c, 40, 1, 0.4, 7, 5.6, east, 0, 0);
    spawn_block(c, 12, 8.2, 0.5, 9.5, 4.0, GOPS_NO_DEST, 1.0f, 0); // walk east for ever, into the fence
    const gops_pedestrians_t *p = gops_crowd_pedestrians(w);
    float *px = calloc(4096, sizeof *px), *py = calloc(4096, sizeof *py);
    uint32_t crossings = 0;
    for (int t = 0; t < 450; t++) { // 45 s
        for (uint32_t i = 0; i < p->count; i++) px[p->id[i]] = p->x[i], py[p->id[i]] = p->y[i];
        gops_world_step(w);
        for (uint32_t i = 0; i < p->count; i++)
            crossings += segments_cross(pt(px[p->id[i]], py[p->id[i]]), pt(p->x[i], p->y[i]), a, b);
    }
    ck_assert_uint_eq(crossings, 0);
    uint32_t pushing = 0;
    for (uint32_t i = 0; i < p->count; i++) pushing += p->dest[i] == GOPS_NO_DEST;
    ck_assert_uint_eq(pushing, 12); // nobody lost (some slid up and out through the gap: allowed)
    ck_assert_uint_ge(gops_crowd_exit_count(c, east, NULL), 36); // the routed ones found the gap
    ck_assert_uint_eq(gops_crowd_stats(c)->wall_violations, 0);
    free(px);
    free(py);
    gops_world_destroy(w);
}
END_TEST

/// Someone standing where a barrier goes up is put beside it, on its own side.
START_TEST(test_barrier_moves_people_off_its_cells)
{
    const double room[] = {0, 0, 10, 4};
    gops_world_t *w = lab(room, 1, NULL, 0, 1, 1);
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    gops_spawn_t s = {.x = 5.02f, .y = 2.0f, .v0 = 1, .radius = 0.14f, .dest = GOPS_NO_DEST, .dir_x = 0, .dir_y = 0};
    ck_assert_int_eq(gops_crowd_spawn(c, &s, &err), GOPS_OK);
    gops_world_step(w); // placed
    ck_assert_int_eq(gops_crowd_add_barrier(c, "line", pt(5.0, 0), pt(5.0, 4), &err), GOPS_OK);
    gops_world_step(w);
    const gops_pedestrians_t *p = gops_crowd_pedestrians(w);
    ck_assert_uint_eq(p->count, 1);
    // The line runs along the cell edge x = 5.0 and covers the cells [5.0, 5.1); the person
    // at x = 5.02 is right of it and goes to the nearest free cell on that side (centre
    // 5.15), the first of the ring around its cell in row order (one row down).
    ck_assert_float_eq_tol(p->x[0], 5.15f, 1e-4f);
    ck_assert_float_eq_tol(p->y[0], 1.95f, 0.11f);
    gops_world_destroy(w);
}
END_TEST

// ---- closing and reopening exits -----------------------------------------------------------

START_TEST(test_closing_the_only_exit_stops_and_reopening_resumes)
{
    const double room[] = {0, 0, 12, 3};
    gops_world_t *w = lab(room, 1, NULL, 0, 1, 7);
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    uint16_t east = add_exit(c, "east", 11.8, 0, 12, 3);
    spawn_block(c, 20, 1, 0.4, 5, 2.6, east, 0, 0);
    gops_crowd_action_stats_t before, after;
    gops_crowd_action_stats(c, &before);
    ck_assert_int_eq(gops_crowd_set_entrance_open(c, "east", false, &err), GOPS_OK);
    ck_assert_int_eq(gops_crowd_set_entrance_open(c, "nowhere", false, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "unknown entrance \"nowhere\""));
    for (int t = 0; t < 300; t++) gops_world_step(w); // 30 s: they reach the closed exit and wait
    ck_assert_uint_eq(gops_crowd_exit_count(c, east, NULL), 0);
    const gops_pedestrians_t *p = gops_crowd_pedestrians(w);
    ck_assert_uint_eq(p->count, 20);
    uint32_t near = 0;
    for (uint32_t i = 0; i < p->count; i++) near += p->x[i] > 8.0f;
    ck_assert_uint_ge(near, 15); // gathered in front of it
    ck_assert_int_eq(gops_crowd_set_entrance_open(c, "east", true, &err), GOPS_OK);
    for (int t = 0; t < 300; t++) gops_world_step(w);
    ck_assert_uint_eq(gops_crowd_exit_count(c, east, NULL), 20);
    gops_crowd_action_stats(c, &after);
    ck_assert_uint_eq(after.field_computations, before.field_computations); // no geometry changed
    ck_assert_uint_eq(after.geometry_rebuilds, 0);
    gops_world_destroy(w);
}
END_TEST

START_TEST(test_closed_exit_reroutes_to_another)
{
    const double room[] = {0, 0, 12, 3};
    gops_world_t *w = lab(room, 1, NULL, 0, 1, 7);
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    uint16_t east = add_exit(c, "east", 11.8, 0, 12, 3), west = add_exit(c, "west", 0, 0, 0.2, 3);
    spawn_block(c, 20, 2, 0.4, 7.6, 2.6, east, 0, 0);
    for (int t = 0; t < 20; t++) gops_world_step(w); // walking east, 4 m or more to go
    ck_assert_int_eq(gops_crowd_set_entrance_open(c, "east", false, &err), GOPS_OK);
    for (int t = 0; t < 400; t++) gops_world_step(w);
    ck_assert_uint_eq(gops_crowd_exit_count(c, east, NULL), 0);
    ck_assert_uint_eq(gops_crowd_exit_count(c, west, NULL), 20);
    gops_world_destroy(w);
}
END_TEST

// ---- closed areas -------------------------------------------------------------------------

/// A closed area in the middle of a room: routes go around, nobody steps in, and the people
/// standing in it when it closes walk out.
START_TEST(test_closed_area_is_left_and_avoided)
{
    const double room[] = {0, 0, 16, 8};
    gops_world_t *w = lab(room, 1, NULL, 0, 1, 11);
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    uint16_t east = add_exit(c, "east", 15.8, 0, 16, 8);
    spawn_block(c, 9, 7.2, 3.2, 8.6, 4.6, east, 0, 0); // inside the area when it closes
    spawn_block(c, 30, 0.5, 2.5, 3.5, 5.5, east, 0, 0); // must go around it
    gops_point_t ring[4] = {{6, 2}, {10, 2}, {10, 6}, {6, 6}};
    ck_assert_int_eq(gops_crowd_close_area(c, "cordon", ring, 4, &err), GOPS_OK); // built at the first tick
    ck_assert_int_eq(gops_crowd_close_area(c, "cordon", ring, 4, &err), GOPS_BAD_VALUE);
    gops_world_step(w);
    const gops_pedestrians_t *p = gops_crowd_pedestrians(w);
    uint32_t started_inside = 0;
    for (uint32_t i = 0; i < p->count; i++) started_inside += gops_crowd_in_closure(c, p->x[i], p->y[i]);
    ck_assert_uint_eq(started_inside, 9);
    uint32_t entered = 0;
    uint8_t *was_inside = calloc(4096, 1);
    for (int t = 0; t < 400; t++) {
        for (uint32_t i = 0; i < p->count; i++) was_inside[p->id[i]] = gops_crowd_in_closure(c, p->x[i], p->y[i]);
        gops_world_step(w);
        for (uint32_t i = 0; i < p->count; i++)
            entered += !was_inside[p->id[i]] && gops_crowd_in_closure(c, p->x[i], p->y[i]);
    }
    ck_assert_uint_eq(entered, 0);
    ck_assert_uint_eq(gops_crowd_exit_count(c, east, NULL), 39); // the 9 walked out, 30 went round
    gops_crowd_action_stats_t st;
    gops_crowd_action_stats(c, &st);
    ck_assert_uint_eq(st.geometry_rebuilds, 1);
    ck_assert_uint_eq(st.blocked_cells, 40 * 40);
    ck_assert_int_eq(gops_crowd_reopen_area(c, "cordon", &err), GOPS_OK);
    ck_assert_int_eq(gops_crowd_reopen_area(c, "cordon", &err), GOPS_BAD_VALUE);
    gops_world_step(w);
    gops_crowd_action_stats(c, &st);
    ck_assert_uint_eq(st.geometry_rebuilds, 2);
    ck_assert_uint_eq(st.blocked_cells, 0);
    free(was_inside);
    gops_world_destroy(w);
}
END_TEST

// ---- one-way sections -----------------------------------------------------------------------

/// Two lanes round a block; the south lane is one-way eastward. People going west all take
/// the north lane, people going east may use both: the mean x-velocity in the south lane is
/// never negative and nobody walks west through it.
START_TEST(test_one_way_carries_no_counter_flow)
{
    const double room[] = {0, 0, 30, 10}, block[] = {10, 3, 20, 7};
    gops_world_t *w = lab(room, 1, block, 1, 2, 5);
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    uint16_t west = add_exit(c, "west", 0, 0, 0.2, 10), east = add_exit(c, "east", 29.8, 0, 30, 10);
    gops_point_t lane[4] = {{10, 0}, {20, 0}, {20, 3}, {10, 3}};
    ck_assert_int_eq(gops_crowd_set_one_way(c, "south-lane", lane, 4, 1, 0, &err), GOPS_OK);
    ck_assert_int_eq(gops_crowd_set_one_way(c, "bad", lane, 4, 0, 0, &err), GOPS_BAD_VALUE);
    // Westbound people start in the south-east corner, right at the lane's downstream end.
    spawn_block(c, 30, 21, 0.4, 26, 3.0, west, 0, 0);
    spawn_block(c, 30, 2, 0.4, 7, 3.0, east, 0, 0);
    const gops_pedestrians_t *p = gops_crowd_pedestrians(w);
    double vx_sum = 0;
    uint64_t samples = 0, against = 0;
    for (int t = 0; t < 700; t++) {
        gops_world_step(w);
        for (uint32_t i = 0; i < p->count; i++) {
            if (!(p->x[i] > 10.5f && p->x[i] < 19.5f && p->y[i] < 3.0f)) continue;
            vx_sum += p->vx[i];
            samples++;
            against += p->vx[i] < -0.3f; // clearly walking west
        }
    }
    ck_assert_uint_gt(samples, 1000);
    ck_assert(vx_sum / (double)samples > 0.5); // eastward, at walking pace
    ck_assert_uint_le(against, samples / 1000);
    ck_assert_uint_eq(gops_crowd_exit_count(c, west, NULL), 30); // round by the north lane
    ck_assert_uint_eq(gops_crowd_exit_count(c, east, NULL), 30);
    // The westbound field leads from the south lane east, out of it, then round: at (15, 1.5)
    // it is longer than the straight 15 m.
    ck_assert(gops_crowd_distance(c, west, 15, 1.5f) > 20.0f);
    ck_assert_int_eq(gops_crowd_clear_one_way(c, "south-lane", &err), GOPS_OK);
    gops_world_step(w);
    ck_assert_float_eq_tol(gops_crowd_distance(c, west, 15, 1.5f), 14.8f, 0.3f);
    gops_world_destroy(w);
}
END_TEST

/// The directed march on its own: a strip one-way east is walked only eastward.
START_TEST(test_directed_field_follows_the_rule)
{
    const double room[] = {0, 0, 10, 1};
    gops_world_t *w = lab(room, 1, NULL, 0, 1, 1);
    const gops_walkable_t *walk = gops_world_district(w)->walk;
    uint8_t *allowed = calloc(walk->count, 1);
    for (uint32_t i = 0; i < walk->count; i++) allowed[i] = GOPS_FIELD_MAY_EAST; // everything one-way east
    uint32_t src_west = gops_walkable_index(walk, gops_walkable_cell_at(walk, pt(0.05, 0.55)));
    uint32_t src_east = gops_walkable_index(walk, gops_walkable_cell_at(walk, pt(9.95, 0.55)));
    gops_field_t f;
    gops_error_t err;
    ck_assert_int_eq(gops_field_compute_directed(walk, &src_west, 1, NULL, NULL, allowed, &f, &err), GOPS_OK);
    ck_assert(isinf(gops_field_sample(walk, &f, 5.05f, 0.55f))); // the west end cannot be reached
    gops_field_free(&f);
    ck_assert_int_eq(gops_field_compute_directed(walk, &src_east, 1, NULL, NULL, allowed, &f, &err), GOPS_OK);
    ck_assert_float_eq_tol(gops_field_sample(walk, &f, 5.05f, 0.55f), 4.9f, 1e-3f); // straight along x
    ck_assert(isinf(gops_field_sample(walk, &f, 5.05f, 0.15f))); // other rows: no sideways step allowed
    gops_field_free(&f);
    free(allowed);
    gops_world_destroy(w);
}
END_TEST

// ---- metering -------------------------------------------------------------------------------

START_TEST(test_meter_admits_its_rate)
{
    const double room[] = {0, 0, 10, 5};
    gops_world_t *w = lab(room, 1, NULL, 0, 1, 2);
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    uint16_t gate = add_exit(c, "gate", 9.8, 2, 10, 3);
    const int k = 12; // persons per minute
    ck_assert_int_eq(gops_crowd_meter(c, "gate", k, &err), GOPS_OK);
    ck_assert_int_eq(gops_crowd_meter(c, "gate", -1, &err), GOPS_BAD_VALUE);
    ck_assert_int_eq(gops_crowd_meter(c, "gate", NAN, &err), GOPS_BAD_VALUE);
    spawn_block(c, 70, 0.5, 0.4, 9, 4.6, gate, 0, 0);
    uint64_t prev = 0;
    for (int minute = 1; minute <= 5; minute++) {
        for (int t = 0; t < 600; t++) gops_world_step(w);
        uint64_t n = gops_crowd_exit_count(c, gate, NULL);
        ck_assert_msg(n - prev >= (uint64_t)(k - 1) && n - prev <= (uint64_t)(k + 1), "minute %d: %llu admitted",
                      minute, (unsigned long long)(n - prev));
        prev = n;
    }
    ck_assert_int_eq(gops_crowd_meter(c, "gate", 0, &err), GOPS_OK); // lifted: the rest go out
    for (int t = 0; t < 600; t++) gops_world_step(w);
    ck_assert_uint_eq(gops_crowd_exit_count(c, gate, NULL), 70);
    gops_world_destroy(w);
}
END_TEST

// ---- public-address guidance ----------------------------------------------------------------

START_TEST(test_guidance_redirects_its_share)
{
    const double room[] = {0, 0, 40, 8};
    gops_world_t *w = lab(room, 1, NULL, 0, 2, 21);
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    uint16_t east = add_exit(c, "east", 39.8, 0, 40, 8), west = add_exit(c, "west", 0, 0, 0.2, 8);
    for (int wave = 0; wave < 4; wave++) spawn_block(c, 60, 2, 0.4, 12, 7.6, east, 0, 15.0 * wave);
    gops_broadcast_def_t def = {.x = 20, .y = 4, .radius_m = 6, .share = 0.3, .to = west, .from_s = 0,
                                .until_s = INFINITY};
    uint32_t serial;
    ck_assert_int_eq(gops_crowd_broadcast(c, &def, &serial, &err), GOPS_OK);
    def.share = 1.5;
    ck_assert_int_eq(gops_crowd_broadcast(c, &def, NULL, &err), GOPS_BAD_VALUE);
    for (int t = 0; t < 1500; t++) gops_world_step(w);
    const gops_broadcast_t *b = gops_crowd_broadcast_get(c, serial);
    ck_assert_uint_eq(b->heard, 240); // the speaker covers the corridor's width
    double share = (double)b->followed / (double)b->heard, sd = sqrt(0.3 * 0.7 / 240.0);
    ck_assert_msg(fabs(share - 0.3) <= 3 * sd, "followed %.3f", share);
    ck_assert_uint_eq(b->redirected, b->followed);
    ck_assert_uint_eq(gops_crowd_exit_count(c, west, NULL), b->redirected);
    ck_assert_uint_eq(gops_crowd_exit_count(c, east, NULL), 240 - b->redirected);
    // The draw is a pure function of (seed, serial, pedestrian id).
    ck_assert_double_eq(gops_guidance_draw(21, 1, 17), gops_guidance_draw(21, 1, 17));
    ck_assert(gops_guidance_draw(21, 1, 17) != gops_guidance_draw(21, 2, 17));
    gops_world_destroy(w);
}
END_TEST

// ---- congestion-aware choice -----------------------------------------------------------------

/// Two exits, the near one jammed (metered at 10 persons/min); 60 people start next to it.
/// Without a choice group everyone queues there; with one, many take the far exit.
static void choice_run(bool with_choice, int threads, uint64_t *near_out, uint64_t *far_out, uint64_t *hash)
{
    const double room[] = {0, 0, 20, 10};
    gops_world_t *w = lab(room, 1, NULL, 0, threads, 13);
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    uint16_t near = add_exit(c, "near", 0, 4.5, 0.2, 5.5), far = add_exit(c, "far", 19.8, 4.5, 20, 5.5);
    ck_assert_int_eq(gops_crowd_meter(c, "near", 10, &err), GOPS_OK);
    if (with_choice) {
        uint16_t members[2] = {near, far};
        gops_choice_params_t p = gops_choice_params_default();
        ck_assert_msg(gops_crowd_add_choice(c, "exits", members, 2, &p, &err) == GOPS_OK, "%s", err.message);
        ck_assert_int_eq(gops_crowd_add_choice(c, "again", members, 2, &p, &err), GOPS_BAD_VALUE);
        ck_assert_ptr_nonnull(strstr(err.message, "already belongs"));
    }
    spawn_block(c, 60, 1, 1, 6, 9, near, 0, 0);
    for (int t = 0; t < 1200; t++) gops_world_step(w); // 2 min
    *near_out = gops_crowd_exit_count(c, near, NULL);
    *far_out = gops_crowd_exit_count(c, far, NULL);
    if (hash) *hash = gops_world_state_hash(w);
    if (with_choice) {
        const gops_choice_group_t *g = gops_crowd_choice_group(c, "exits");
        ck_assert_ptr_nonnull(g);
        ck_assert_uint_eq(g->switches > 0, 1);
    }
    gops_world_destroy(w);
}

START_TEST(test_congestion_choice_avoids_the_jammed_exit)
{
    uint64_t near0, far0, near1, far1, h1, h2, n2, f2;
    choice_run(false, 1, &near0, &far0, NULL);
    ck_assert_uint_eq(far0, 0);
    ck_assert_uint_le(near0, 21); // 10 a minute
    choice_run(true, 1, &near1, &far1, &h1);
    ck_assert_uint_ge(far1, 15); // a measurable share took the far exit
    ck_assert_uint_ge(near1 + far1, near0 + 15);
    choice_run(true, 2, &n2, &f2, &h2);
    ck_assert_uint_eq(h1, h2); // deterministic across thread counts
    ck_assert_uint_eq(far1, f2);
}
END_TEST

/// Every action at once (closure, barrier, one-way rule, meter, guidance, choice, a disc):
/// the same state for one and two threads (fields are rebuilt in parallel by destination).
static uint64_t everything_run(int threads)
{
    const double room[] = {0, 0, 24, 10};
    gops_world_t *w = lab(room, 1, NULL, 0, threads, 31);
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    uint16_t a = add_exit(c, "a", 23.8, 0, 24, 10), b = add_exit(c, "b", 0, 0, 0.2, 10);
    spawn_block(c, 50, 8, 1, 16, 9, a, 0, 0);
    uint16_t members[2] = {a, b};
    gops_choice_params_t cp = gops_choice_params_default();
    ck_assert_int_eq(gops_crowd_add_choice(c, "ab", members, 2, &cp, &err), GOPS_OK);
    ck_assert_int_eq(gops_crowd_meter(c, "a", 15, &err), GOPS_OK);
    gops_point_t ring[4] = {{10, 4}, {14, 4}, {14, 6}, {10, 6}}, lane[4] = {{17, 0}, {20, 0}, {20, 10}, {17, 10}};
    ck_assert_int_eq(gops_crowd_close_area(c, "c", ring, 4, &err), GOPS_OK);
    ck_assert_int_eq(gops_crowd_add_barrier(c, "f", pt(5, 2), pt(5, 8), &err), GOPS_OK);
    ck_assert_int_eq(gops_crowd_set_one_way(c, "o", lane, 4, 1, 0.2, &err), GOPS_OK);
    gops_broadcast_def_t def = {.x = 12, .y = 5, .radius_m = 5, .share = 0.4, .to = b, .until_s = INFINITY};
    ck_assert_int_eq(gops_crowd_broadcast(c, &def, NULL, &err), GOPS_OK);
    gops_disc_t d = {18.5, 5, 0.6};
    gops_crowd_set_obstacles(c, &d, 1, 1);
    for (int t = 0; t < 300; t++) gops_world_step(w);
    ck_assert_uint_gt(gops_crowd_exit_count(c, a, NULL) + gops_crowd_exit_count(c, b, NULL), 10);
    uint64_t h = gops_world_state_hash(w);
    gops_world_destroy(w);
    return h;
}

START_TEST(test_actions_same_state_for_any_thread_count)
{
    ck_assert_uint_eq(everything_run(1), everything_run(2));
}
END_TEST

// ---- obstacles --------------------------------------------------------------------------------

START_TEST(test_obstacles_are_walked_around)
{
    const double room[] = {0, 0, 20, 4};
    gops_world_t *w = lab(room, 1, NULL, 0, 1, 4);
    gops_crowd_t *c = gops_world_crowd(w);
    uint16_t east = add_exit(c, "east", 19.8, 0, 20, 4);
    gops_disc_t stall = {10, 2, 0.8};
    gops_crowd_set_obstacles(c, &stall, 1, 1);
    gops_crowd_action_stats_t st;
    gops_crowd_action_stats(c, &st);
    ck_assert_uint_eq(st.obstacle_rebuilds, 1);
    gops_crowd_set_obstacles(c, &stall, 1, 1); // same version: nothing to do
    gops_crowd_action_stats(c, &st);
    ck_assert_uint_eq(st.obstacle_rebuilds, 1);
    spawn_block(c, 30, 1, 0.4, 5, 3.6, east, 0, 0);
    const gops_pedestrians_t *p = gops_crowd_pedestrians(w);
    uint32_t inside = 0;
    for (int t = 0; t < 400; t++) {
        gops_world_step(w);
        for (uint32_t i = 0; i < p->count; i++) {
            double dx = p->x[i] - stall.x, dy = p->y[i] - stall.y;
            inside += sqrt(dx * dx + dy * dy) < stall.r - 1e-3;
        }
    }
    ck_assert_uint_eq(inside, 0);
    ck_assert_uint_eq(gops_crowd_exit_count(c, east, NULL), 30);
    gops_disc_t bad = {10, 2, -1};
    gops_crowd_set_obstacles(c, &bad, 1, 2); // refused, logged; the old set stays
    gops_crowd_action_stats(c, &st);
    ck_assert_uint_eq(st.obstacle_rebuilds, 1);
    gops_world_destroy(w);
}
END_TEST

// A 20 m corridor `width` wide with an exit along its east end, a cart, and 9 walkers bound
// for the exit in a row at y = lane_y from x = 1.
static gops_world_t *corridor_with_cart(double width, gops_disc_t cart, double lane_y, uint16_t *east)
{
    const double room[] = {0, 0, 20, width};
    gops_world_t *w = lab(room, 1, NULL, 0, 1, 5);
    gops_crowd_t *c = gops_world_crowd(w);
    *east = add_exit(c, "east", 19.8, 0, 20, width);
    gops_crowd_set_obstacles(c, &cart, 1, 1);
    spawn_block(c, 9, 1, lane_y, 5.8, lane_y, *east, 0, 0);
    return w;
}

// A cart against a wall: walkers along the wall lean to the wall's side of it, where there is
// no way past (0.1 m to the wall). They go round the open side instead of standing in the
// pocket between cart and wall.
START_TEST(test_a_disc_against_a_wall_is_passed_on_the_open_side)
{
    gops_disc_t cart = {10, 0.9f, 0.8f};
    uint16_t east;
    gops_world_t *w = corridor_with_cart(4, cart, 0.3, &east);
    gops_crowd_t *c = gops_world_crowd(w);
    const gops_pedestrians_t *p = gops_crowd_pedestrians(w);
    double min_y_past = INFINITY; // how far from the wall they pass the cart
    for (int t = 0; t < 400; t++) {
        gops_world_step(w);
        for (uint32_t i = 0; i < p->count; i++)
            if (fabs(p->x[i] - cart.x) < 0.2 && p->y[i] < min_y_past) min_y_past = p->y[i];
    }
    ck_assert_uint_eq(gops_crowd_exit_count(c, east, NULL), 9);
    ck_assert_double_gt(min_y_past, cart.y + cart.r); // all passed on the north side
    gops_world_destroy(w);
}
END_TEST

// A cart 0.5 m from the wall (the gap fits a body, 0.28 m wide here, single file) and one
// 1.2 m from it on a wider sidewalk (less than two walking lanes, one each way): walkers
// heading at the cart, leaning to the wall's side, go round the open side instead of
// filing through the gap.
START_TEST(test_a_narrow_gap_is_passed_on_the_open_side)
{
    const float gap[2] = {0.5f, 1.2f}, width[2] = {4, 6};
    for (int k = 0; k < 2; k++) {
        gops_disc_t cart = {10, gap[k] + 0.8f, 0.8f};
        uint16_t east;
        gops_world_t *w = corridor_with_cart(width[k], cart, gap[k] - 0.2, &east); // heading at the wall side
        gops_crowd_t *c = gops_world_crowd(w);
        const gops_pedestrians_t *p = gops_crowd_pedestrians(w);
        uint32_t in_gap = 0; // walker-ticks beside the cart on the wall's side
        for (int t = 0; t < 400; t++) {
            gops_world_step(w);
            for (uint32_t i = 0; i < p->count; i++) in_gap += fabs(p->x[i] - cart.x) < 0.5 && p->y[i] < cart.y;
        }
        ck_assert_uint_eq(gops_crowd_exit_count(c, east, NULL), 9);
        ck_assert_msg(in_gap == 0, "gap %.1f m: %u walker-ticks in it", (double)gap[k], in_gap);
        gops_world_destroy(w);
    }
}
END_TEST

// A cart at a street's mouth, 0.45 m from the corner where the street opens into a plaza.
// Walkers come up the street bound for the plaza's far side, leaning to the corner's side of
// the cart; the narrowest place is off their line (between the cart and the corner), so the
// side is judged along its length: they go round the cart's open side.
START_TEST(test_a_gap_at_a_corner_is_passed_on_the_open_side)
{
    const double walk[] = {0, 0, 4, 20, -6, 20, 16, 30};
    gops_world_t *w = lab(walk, 2, NULL, 0, 1, 5);
    gops_crowd_t *c = gops_world_crowd(w);
    uint16_t east = add_exit(c, "east", 15.8, 20, 16, 30);
    gops_disc_t cart = {2.9f, 20.6f, 0.8f};
    gops_crowd_set_obstacles(c, &cart, 1, 1);
    spawn_block(c, 20, 0.5, 8, 3.5, 14, east, 0, 0);
    const gops_pedestrians_t *p = gops_crowd_pedestrians(w);
    uint32_t by_corner = 0; // walker-ticks abreast of the cart on the corner's side
    for (int t = 0; t < 600; t++) {
        gops_world_step(w);
        for (uint32_t i = 0; i < p->count; i++)
            by_corner += fabs(p->y[i] - cart.y) < 0.3 && p->x[i] > cart.x && p->x[i] < 4.5;
    }
    ck_assert_uint_eq(gops_crowd_exit_count(c, east, NULL), 20);
    ck_assert_uint_eq(by_corner, 0);
    gops_world_destroy(w);
}
END_TEST

// ---- field recomputation ------------------------------------------------------------------------

START_TEST(test_fields_recomputed_only_for_geometry)
{
    const double room[] = {0, 0, 10, 4};
    gops_world_t *w = lab(room, 1, NULL, 0, 1, 1);
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    uint16_t a = add_exit(c, "a", 9.8, 0, 10, 4), b = add_exit(c, "b", 0, 0, 0.2, 4);
    gops_crowd_action_stats_t st;
    gops_crowd_action_stats(c, &st);
    ck_assert_uint_eq(st.field_computations, 2); // one per exit
    spawn_block(c, 5, 4, 1, 6, 3, a, 0, 0);
    uint16_t members[2] = {a, b};
    gops_choice_params_t cp = gops_choice_params_default();
    ck_assert_int_eq(gops_crowd_add_choice(c, "ab", members, 2, &cp, &err), GOPS_OK);
    ck_assert_int_eq(gops_crowd_meter(c, "a", 30, &err), GOPS_OK);
    ck_assert_int_eq(gops_crowd_set_entrance_open(c, "b", false, &err), GOPS_OK);
    gops_broadcast_def_t def = {.x = 5, .y = 2, .radius_m = 3, .share = 0.5, .to = b, .until_s = INFINITY};
    ck_assert_int_eq(gops_crowd_broadcast(c, &def, NULL, &err), GOPS_OK);
    gops_disc_t d = {2, 2, 0.3};
    gops_crowd_set_obstacles(c, &d, 1, 7);
    for (int t = 0; t < 50; t++) gops_world_step(w);
    gops_crowd_action_stats(c, &st);
    ck_assert_uint_eq(st.field_computations, 2); // none of those is geometry
    ck_assert_uint_eq(st.geometry_rebuilds, 0);
    // Two geometry changes in one tick: one rebuild of both fields.
    ck_assert_int_eq(gops_crowd_add_barrier(c, "x", pt(5, 0), pt(5, 1), &err), GOPS_OK);
    gops_point_t ring[4] = {{6, 0}, {7, 0}, {7, 4}, {6, 4}};
    ck_assert_int_eq(gops_crowd_set_one_way(c, "ow", ring, 4, 1, 0, &err), GOPS_OK);
    gops_crowd_action_stats(c, &st);
    ck_assert_uint_ne(st.pending_version, 0);
    for (int t = 0; t < 50; t++) gops_world_step(w);
    gops_crowd_action_stats(c, &st);
    ck_assert_uint_eq(st.field_computations, 4);
    ck_assert_uint_eq(st.geometry_rebuilds, 1);
    ck_assert_uint_eq(st.pending_version, 0);
    ck_assert_uint_eq(st.one_way_cells, 10 * 40);
    ck_assert_int_eq(gops_crowd_remove_barrier(c, "x", &err), GOPS_OK);
    ck_assert_int_eq(gops_crowd_remove_barrier(c, "x", &err), GOPS_BAD_VALUE);
    gops_world_step(w);
    gops_crowd_action_stats(c, &st);
    ck_assert_uint_eq(st.field_computations, 6);
    ck_assert_uint_eq(st.geometry_rebuilds, 2);
    gops_world_destroy(w);
}
END_TEST

// ---- the district's entrances ----------------------------------------------------------------

static gops_world_t *district(void)
{
    gops_world_def_t def = gops_world_def_default();
    def.map_path = gops_test_source_path("assets/maps/erqi.geojson");
    def.seed = 3;
    def.start = gops_time_from_civil(2025, 10, 2, 17, 0, 0);
    def.tick_s = 0.2;
    gops_error_t err;
    gops_world_t *w = gops_world_create(&def, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    gops_crowd_params_t p = gops_crowd_params_default(GOPS_DAY_HOLIDAY);
    p.demand.daily_visitors = 40000;
    ck_assert_msg(gops_crowd_attach(w, &p, &err) != NULL, "%s", err.message);
    return w;
}

START_TEST(test_district_entrances_and_guidance)
{
    gops_world_t *w = district();
    gops_crowd_t *c = gops_world_crowd(w);
    gops_error_t err;
    const gops_map_t *map = gops_world_district(w)->map;
    gops_buildings_t *bl = gops_demand_buildings(gops_crowd_demand(c));
    // A building with two or more entrances, by its id.
    const char *building = NULL, *door = NULL;
    for (uint32_t i = 0; i < gops_buildings_count(bl) && !door; i++) {
        uint32_t n;
        const uint32_t *e = gops_buildings_entrances(bl, i, &n);
        if (n < 2) continue;
        const gops_feature_t *bf = &map->features[gops_buildings_feature(bl, i)];
        const gops_feature_t *df = &map->features[gops_buildings_entrance_feature(bl, e[0])];
        uint16_t dest = bf->id ? gops_crowd_find_destination(c, bf->id) : GOPS_NO_DEST;
        if (dest != GOPS_NO_DEST && df->id) building = bf->id, door = df->id;
    }
    ck_assert_ptr_nonnull(door);
    uint32_t index, door_feature;
    ck_assert_int_eq(gops_crowd_find_entrance(c, building, &index), GOPS_ENTRANCE_BUILDING);
    ck_assert_int_eq(gops_crowd_find_entrance(c, "exit:metro_exit", &index), GOPS_ENTRANCE_DESTINATION);
    ck_assert_int_eq(gops_crowd_find_entrance(c, door, &door_feature), GOPS_ENTRANCE_DOOR);
    gops_crowd_action_stats_t before, after;
    gops_crowd_action_stats(c, &before);
    ck_assert_int_eq(gops_crowd_set_entrance_open(c, door, false, &err), GOPS_OK); // one field recomputed
    gops_crowd_action_stats(c, &after);
    ck_assert_uint_eq(after.field_computations, before.field_computations + 1);
    ck_assert_uint_eq(after.geometry_rebuilds, 0);
    int32_t e = gops_buildings_entrance_of(bl, door_feature);
    ck_assert(!gops_buildings_entrance_is_open(bl, (uint32_t)e));
    ck_assert_int_eq(gops_crowd_meter(c, building, 20, &err), GOPS_OK);
    ck_assert_int_eq(gops_crowd_meter(c, "exit:metro_exit", 20, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "not an entrance"));
    // Guidance with share 1 over the whole district sends every walking visitor out by metro.
    for (int t = 0; t < 300; t++) gops_world_step(w); // 1 min
    uint16_t metro = gops_crowd_find_destination(c, "exit:metro_exit");
    const gops_walkable_t *walk = gops_world_district(w)->walk;
    gops_broadcast_def_t def = {.x = walk->min_x + 0.5 * walk->nx * walk->cell,
                                .y = walk->min_y + 0.5 * walk->ny * walk->cell, .radius_m = 1000, .share = 1, .to = metro,
                                .from_s = gops_world_elapsed(w), .until_s = INFINITY};
    uint32_t serial;
    ck_assert_int_eq(gops_crowd_broadcast(c, &def, &serial, &err), GOPS_OK);
    gops_world_step(w);
    const gops_broadcast_t *b = gops_crowd_broadcast_get(c, serial);
    ck_assert_uint_gt(b->heard, 10);
    ck_assert_uint_eq(b->followed, b->heard);
    const gops_pedestrians_t *p = gops_crowd_pedestrians(w);
    const gops_visitors_t *vis = gops_demand_visitors(gops_crowd_demand(c));
    uint32_t walking = 0, to_metro = 0;
    for (uint32_t i = 0; i < p->count; i++) {
        if (vis->state[p->visitor[i]] != GOPS_VISITOR_WALKING) continue;
        walking++;
        to_metro += p->dest[i] == metro && gops_demand_next_stop(gops_crowd_demand(c), p->visitor[i]) == metro;
    }
    ck_assert_uint_eq(to_metro, walking);
    ck_assert_uint_eq(gops_crowd_stats(c)->wall_violations, 0);
    gops_world_destroy(w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crowd_actions");
    TCase *tc = tcase_create("crowd_actions");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_barrier_never_crossed);
    tcase_add_test(tc, test_barrier_moves_people_off_its_cells);
    tcase_add_test(tc, test_closing_the_only_exit_stops_and_reopening_resumes);
    tcase_add_test(tc, test_closed_exit_reroutes_to_another);
    tcase_add_test(tc, test_closed_area_is_left_and_avoided);
    tcase_add_test(tc, test_one_way_carries_no_counter_flow);
    tcase_add_test(tc, test_directed_field_follows_the_rule);
    tcase_add_test(tc, test_meter_admits_its_rate);
    tcase_add_test(tc, test_guidance_redirects_its_share);
    tcase_add_test(tc, test_congestion_choice_avoids_the_jammed_exit);
    tcase_add_test(tc, test_actions_same_state_for_any_thread_count);
    tcase_add_test(tc, test_obstacles_are_walked_around);
    tcase_add_test(tc, test_a_disc_against_a_wall_is_passed_on_the_open_side);
    tcase_add_test(tc, test_a_narrow_gap_is_passed_on_the_open_side);
    tcase_add_test(tc, test_a_gap_at_a_corner_is_passed_on_the_open_side);
    tcase_add_test(tc, test_fields_recomputed_only_for_geometry);
    tcase_add_test(tc, test_district_entrances_and_guidance);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
