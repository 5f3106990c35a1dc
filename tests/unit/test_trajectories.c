// SPDX-License-Identifier: MIT
// Trajectory file suite: the JuPedSim v3 schema read back from sqlite_master and
// table_info, metadata values, frames and rows by PedPy's queries, the geometry's WKT
// (exact text for a plaza with a hole; rectangle areas sum to the walkable area), the
// temporary name until close, abort, batching, skipped non-finite positions, errors.
#include "fixture.h"
#include "output/trajectories.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

// ---- a walkable raster built by hand: a 20 × 20 m plaza with a 5 × 10 m hole -------------

static gops_walkable_t *plaza_with_hole(void)
{
    gops_walkable_t *w = calloc(1, sizeof *w);
    ck_assert_ptr_nonnull(w);
    w->min_x = -10;
    w->min_y = 4;
    w->cell = 1;
    w->nx = 22;
    w->ny = 21;
    size_t cells = (size_t)w->nx * (size_t)w->ny, words = (cells + 63) / 64;
    w->bits = calloc(words + 1, sizeof *w->bits);
    w->rank = calloc(words + 1, sizeof *w->rank);
    ck_assert_ptr_nonnull(w->bits);
    // Walkable: columns 1..20, rows 0..19, minus columns 6..10 of rows 5..14.
    for (int cy = 0; cy < 20; cy++)
        for (int cx = 1; cx <= 20; cx++) {
            if (cy >= 5 && cy <= 14 && cx >= 6 && cx <= 10) continue;
            size_t id = (size_t)cy * (size_t)w->nx + (size_t)cx;
            w->bits[id >> 6] |= 1ull << (id & 63);
            w->count++;
        }
    return w;
}

static void free_walk(gops_walkable_t *w)
{
    free(w->bits);
    free(w->rank);
    free(w);
}

// Sums the areas of the POLYGON ((x0 y0, x1 y0, x1 y1, x0 y1, x0 y0)) rectangles of a WKT.
static double rect_area_sum(const char *wkt, uint32_t *count)
{
    double sum = 0;
    *count = 0;
    const char *p = wkt;
    while ((p = strstr(p, "POLYGON ((")) != NULL) {
        double x[5], y[5];
        int used = 0;
        ck_assert_int_eq(sscanf(p, "POLYGON ((%lf %lf, %lf %lf, %lf %lf, %lf %lf, %lf %lf))%n", &x[0], &y[0], &x[1],
                                &y[1], &x[2], &y[2], &x[3], &y[3], &x[4], &y[4], &used),
                         10);
        ck_assert(used > 0);
        ck_assert_double_eq(x[0], x[4]); // closed
        ck_assert_double_eq(y[0], y[4]);
        sum += (x[1] - x[0]) * (y[2] - y[1]);
        (*count)++;
        p += used;
    }
    return sum;
}

START_TEST(geometry_wkt_of_a_plaza_with_a_hole)
{
    gops_walkable_t *w = plaza_with_hole();
    size_t len;
    double b[4];
    char *wkt = gops_trajectories_geometry_wkt(w, &len, b);
    ck_assert_ptr_nonnull(wkt);
    ck_assert_uint_eq(len, strlen(wkt));
    // x: columns 1..21 → -9..11, the hole columns 6..11 → -4..1; y: rows 0..20 → 4..24.
    ck_assert_str_eq(wkt, "GEOMETRYCOLLECTION ("
                          "POLYGON ((-9.0 4.0, 11.0 4.0, 11.0 9.0, -9.0 9.0, -9.0 4.0)), "
                          "POLYGON ((-9.0 9.0, -4.0 9.0, -4.0 19.0, -9.0 19.0, -9.0 9.0)), "
                          "POLYGON ((1.0 9.0, 11.0 9.0, 11.0 19.0, 1.0 19.0, 1.0 9.0)), "
                          "POLYGON ((-9.0 19.0, 11.0 19.0, 11.0 24.0, -9.0 24.0, -9.0 19.0)))");
    ck_assert_double_eq(b[0], -9);
    ck_assert_double_eq(b[1], 4);
    ck_assert_double_eq(b[2], 11);
    ck_assert_double_eq(b[3], 24);
    uint32_t rects;
    ck_assert_double_eq(rect_area_sum(wkt, &rects), 400 - 50);
    ck_assert_uint_eq(rects, 4);
    free(wkt);
    free_walk(w);
}
END_TEST

START_TEST(geometry_wkt_empty)
{
    double b[4] = {1, 2, 3, 4};
    char *wkt = gops_trajectories_geometry_wkt(NULL, NULL, b);
    ck_assert_str_eq(wkt, "GEOMETRYCOLLECTION EMPTY");
    ck_assert_double_eq(b[2], 0);
    free(wkt);
}
END_TEST

START_TEST(geometry_wkt_of_the_district)
{
    gops_error_t err;
    gops_map_t *m = gops_map_load(gops_test_source_path("assets/maps/erqi.geojson"), &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    gops_walkable_t *w = gops_walkable_build(m, NULL, &err);
    ck_assert_msg(w != NULL, "%s", err.message);
    size_t len;
    char *wkt = gops_trajectories_geometry_wkt(w, &len, NULL);
    ck_assert_ptr_nonnull(wkt);
    uint32_t rects;
    ck_assert_double_eq_tol(rect_area_sum(wkt, &rects), gops_walkable_area_m2(w), 1e-6);
    printf("erqi walkable WKT: %u rectangles, %.1f MiB for %u cells\n", rects, len / 1048576.0, w->count);
    free(wkt);
    gops_walkable_destroy(w);
    gops_map_destroy(m);
}
END_TEST

// ---- the file -------------------------------------------------------------------------------

typedef struct run {
    char *dir;
    char path[1200], tmp[1300];
    gops_walkable_t *walk;
} run_t;

static run_t *run_new(void)
{
    run_t *r = calloc(1, sizeof *r);
    r->dir = gops_test_tmpdir();
    snprintf(r->path, sizeof r->path, "%s/trajectories.sqlite", r->dir);
    snprintf(r->tmp, sizeof r->tmp, "%s.tmp", r->path);
    r->walk = plaza_with_hole();
    return r;
}

static void run_free(run_t *r)
{
    free_walk(r->walk);
    free(r->dir);
    free(r);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static gops_trajectories_t *open_file(run_t *r, uint32_t every, uint32_t per_commit)
{
    gops_trajectories_def_t def = gops_trajectories_def_default();
    def.every_steps = every;
    def.frames_per_commit = per_commit;
    gops_error_t err;
    gops_error_clear(&err);
    gops_trajectories_t *tw = gops_trajectories_open(r->path, &def, 0.1, r->walk, &err);
    ck_assert_msg(tw != NULL, "%s", err.message);
    return tw;
}

// Steps 0..steps−1 with 3 pedestrians walking east at 1 m/s, ids 7, 8, 9; at step 5
// pedestrian 8 leaves.
static void write_steps(gops_trajectories_t *tw, uint32_t steps)
{
    gops_error_t err;
    for (uint32_t s = 0; s < steps; s++) {
        float x[3], y[3];
        uint32_t id[3] = {7, 8, 9}, n = 3;
        for (int i = 0; i < 3; i++) {
            x[i] = (float)(-8 + i + 0.1 * s);
            y[i] = (float)(5 + 0.5 * i);
        }
        if (s >= 5) { // 8 left: 9 moved into its slot
            x[1] = x[2];
            y[1] = y[2];
            id[1] = 9;
            n = 2;
        }
        ck_assert_int_eq(gops_trajectories_write(tw, s, x, y, id, n, &err), GOPS_OK);
    }
}

static sqlite3 *open_db(const char *path)
{
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    return db;
}

static char *query_text(sqlite3 *db, const char *sql, const char *arg)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (arg) sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void expect_metadata(sqlite3 *db, const char *key, const char *value)
{
    char *v = query_text(db, "SELECT value FROM metadata WHERE key = ?", key);
    ck_assert_msg(v != NULL, "metadata %s missing", key);
    ck_assert_str_eq(v, value);
    free(v);
}

// Columns of a table as "name type notnull pk;" joined.
static void expect_columns(sqlite3 *db, const char *table, const char *expected)
{
    char sql[128], got[512] = "";
    snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char col[128];
        snprintf(col, sizeof col, "%s %s %d %d;", sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
                 sqlite3_column_int(st, 3), sqlite3_column_int(st, 5));
        strncat(got, col, sizeof got - strlen(got) - 1);
    }
    sqlite3_finalize(st);
    ck_assert_str_eq(got, expected);
}

START_TEST(schema_is_jupedsim_v3)
{
    run_t *r = run_new();
    gops_trajectories_t *tw = open_file(r, 2, 50);
    ck_assert(exists(r->tmp));
    ck_assert(!exists(r->path)); // nothing at the final name until close
    write_steps(tw, 6);
    ck_assert_uint_eq(gops_trajectories_frames(tw), 3);
    gops_error_t err;
    ck_assert_int_eq(gops_trajectories_close(tw, &err), GOPS_OK);
    ck_assert(exists(r->path));
    ck_assert(!exists(r->tmp));

    sqlite3 *db = open_db(r->path);
    // Tables and indexes, as JuPedSim's writer creates them.
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"), 4);
    expect_columns(db, "trajectory_data",
                   "frame INTEGER 1 0;id INTEGER 1 0;pos_x REAL 1 0;pos_y REAL 1 0;");
    expect_columns(db, "metadata", "key TEXT 1 1;value TEXT 1 0;");
    expect_columns(db, "geometry", "hash INTEGER 1 0;wkt TEXT 1 0;");
    expect_columns(db, "frame_data", "frame INTEGER 1 0;geometry_hash INTEGER 1 0;");
    char *idx = query_text(db, "SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = ?", "frame_id_idx");
    ck_assert_ptr_nonnull(idx);
    ck_assert_str_eq(idx, "trajectory_data");
    free(idx);
    char *sql = query_text(db, "SELECT sql FROM sqlite_master WHERE name = ?", "geometry_hash");
    ck_assert_ptr_nonnull(sql);
    ck_assert_ptr_nonnull(strstr(sql, "UNIQUE"));
    free(sql);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM pragma_index_info('frame_id_idx')"), 2);
    // Metadata: version 3, fps = 1 / (0.1 s × 2), the geometry's bounds.
    expect_metadata(db, "version", "3");
    expect_metadata(db, "fps", "5.0");
    expect_metadata(db, "xmin", "-9.0");
    expect_metadata(db, "xmax", "11.0");
    expect_metadata(db, "ymin", "4.0");
    expect_metadata(db, "ymax", "24.0");
    // One geometry, referenced by every frame.
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM geometry"), 1);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM frame_data"), 3);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM frame_data f JOIN geometry g ON f.geometry_hash = g.hash"), 3);
    char *frames = query_text(db, "SELECT group_concat(frame, ',') FROM (SELECT frame FROM frame_data ORDER BY frame)",
                              NULL);
    ck_assert_str_eq(frames, "0,1,2");
    free(frames);
    char *wkt = query_text(db, "SELECT wkt FROM geometry", NULL);
    char *expect = gops_trajectories_geometry_wkt(r->walk, NULL, NULL);
    ck_assert_str_eq(wkt, expect);
    free(wkt);
    free(expect);
    sqlite3_close(db);
    run_free(r);
}
END_TEST

START_TEST(rows_by_pedpy_queries)
{
    run_t *r = run_new();
    gops_trajectories_t *tw = open_file(r, 2, 50);
    write_steps(tw, 7); // frames at steps 0, 2, 4, 6
    gops_error_t err;
    ck_assert_int_eq(gops_trajectories_close(tw, &err), GOPS_OK);
    sqlite3 *db = open_db(r->path);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM trajectory_data"), 3 + 3 + 3 + 2);
    // PedPy's loader query.
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM (select frame, id, pos_x as x, pos_y as y from "
                                   "trajectory_data)"),
                     11);
    sqlite3_stmt *st;
    ck_assert_int_eq(
        sqlite3_prepare_v2(db, "SELECT frame, id, pos_x, pos_y FROM trajectory_data WHERE frame = ? ORDER BY id", -1,
                           &st, NULL),
        SQLITE_OK);
    for (int frame = 0; frame < 4; frame++) {
        uint32_t step = (uint32_t)frame * 2;
        sqlite3_bind_int(st, 1, frame);
        int rows = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            int id = sqlite3_column_int(st, 1);
            int i = id - 7;
            ck_assert_int_eq(sqlite3_column_int(st, 0), frame);
            ck_assert(step < 5 || id != 8); // 8 left at step 5
            // Positions are the floats given, exactly.
            ck_assert_double_eq(sqlite3_column_double(st, 2), (double)(float)(-8 + i + 0.1 * step));
            ck_assert_double_eq(sqlite3_column_double(st, 3), (double)(float)(5 + 0.5 * i));
            rows++;
        }
        ck_assert_int_eq(rows, step < 5 ? 3 : 2);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    run_free(r);
}
END_TEST

START_TEST(batching_does_not_change_content)
{
    int64_t counts[2];
    for (int k = 0; k < 2; k++) {
        run_t *r = run_new();
        gops_trajectories_t *tw = open_file(r, 1, k == 0 ? 1 : 1000);
        write_steps(tw, 40);
        gops_error_t err;
        ck_assert_int_eq(gops_trajectories_close(tw, &err), GOPS_OK);
        sqlite3 *db = open_db(r->path);
        counts[k] = query_int(db, "SELECT count(*) FROM trajectory_data");
        ck_assert_int_eq(query_int(db, "SELECT count(*) FROM frame_data"), 40);
        ck_assert_int_eq(query_int(db, "SELECT sum(id) FROM trajectory_data WHERE frame = 39"), 7 + 9);
        expect_metadata(db, "fps", "10.0");
        sqlite3_close(db);
        run_free(r);
    }
    ck_assert_int_eq(counts[0], 5 * 3 + 35 * 2);
    ck_assert_int_eq(counts[1], counts[0]);
}
END_TEST

START_TEST(abort_leaves_nothing)
{
    run_t *r = run_new();
    gops_trajectories_t *tw = open_file(r, 1, 2);
    write_steps(tw, 5);
    ck_assert(exists(r->tmp));
    gops_trajectories_abort(tw);
    ck_assert(!exists(r->tmp));
    ck_assert(!exists(r->path));
    gops_trajectories_abort(NULL);
    run_free(r);
}
END_TEST

START_TEST(replaces_stale_and_old_files)
{
    run_t *r = run_new();
    ck_assert_int_eq(gops_test_write_file(r->tmp, "stale"), 0);
    ck_assert_int_eq(gops_test_write_file(r->path, "old"), 0);
    gops_trajectories_t *tw = open_file(r, 1, 10);
    write_steps(tw, 1);
    gops_error_t err;
    ck_assert_int_eq(gops_trajectories_close(tw, &err), GOPS_OK);
    sqlite3 *db = open_db(r->path);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM trajectory_data"), 3);
    sqlite3_close(db);
    run_free(r);
}
END_TEST

START_TEST(non_finite_positions_skipped_and_bounds_widened)
{
    run_t *r = run_new();
    gops_trajectories_t *tw = open_file(r, 1, 10);
    float x[3] = {0, NAN, 50}, y[3] = {5, 5, -3};
    uint32_t id[3] = {1, 2, 3};
    gops_error_t err;
    ck_assert_int_eq(gops_trajectories_write(tw, 0, x, y, id, 3, &err), GOPS_OK);
    ck_assert_int_eq(gops_trajectories_close(tw, &err), GOPS_OK);
    sqlite3 *db = open_db(r->path);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM trajectory_data"), 2);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM trajectory_data WHERE id = 2"), 0);
    expect_metadata(db, "xmax", "50.0");
    expect_metadata(db, "ymin", "-3.0");
    expect_metadata(db, "xmin", "-9.0");
    sqlite3_close(db);
    run_free(r);
}
END_TEST

START_TEST(empty_geometry_bounds_from_positions)
{
    run_t *r = run_new();
    gops_trajectories_def_t def = gops_trajectories_def_default();
    gops_error_t err;
    gops_trajectories_t *tw = gops_trajectories_open(r->path, &def, 0.1, NULL, &err);
    ck_assert_ptr_nonnull(tw);
    float x[2] = {3, 4}, y[2] = {-1, 2};
    uint32_t id[2] = {1, 2};
    ck_assert_int_eq(gops_trajectories_write(tw, 0, x, y, id, 2, &err), GOPS_OK);
    ck_assert_int_eq(gops_trajectories_write(tw, 5, x, y, id, 2, &err), GOPS_OK); // not due
    ck_assert_uint_eq(gops_trajectories_frames(tw), 1);
    ck_assert_int_eq(gops_trajectories_close(tw, &err), GOPS_OK);
    sqlite3 *db = open_db(r->path);
    expect_metadata(db, "xmin", "3.0");
    expect_metadata(db, "ymax", "2.0");
    expect_metadata(db, "fps", "1.0");
    char *wkt = query_text(db, "SELECT wkt FROM geometry", NULL);
    ck_assert_str_eq(wkt, "GEOMETRYCOLLECTION EMPTY");
    free(wkt);
    sqlite3_close(db);
    run_free(r);
}
END_TEST

START_TEST(bad_arguments_refused)
{
    run_t *r = run_new();
    gops_trajectories_def_t def = gops_trajectories_def_default();
    gops_error_t err;
    def.every_steps = 0;
    ck_assert_ptr_null(gops_trajectories_open(r->path, &def, 0.1, r->walk, &err));
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
    def = gops_trajectories_def_default();
    ck_assert_ptr_null(gops_trajectories_open(r->path, &def, 0, r->walk, &err));
    ck_assert_int_eq(err.status, GOPS_BAD_VALUE);
    char bad[1300];
    snprintf(bad, sizeof bad, "%s/no/such/folder/t.sqlite", r->dir);
    ck_assert_ptr_null(gops_trajectories_open(bad, &def, 0.1, r->walk, &err));
    ck_assert_int_eq(err.status, GOPS_IO);
    ck_assert_ptr_nonnull(strstr(err.message, bad));
    run_free(r);
}
END_TEST

START_TEST(batched_rows_exact)
{
    // 123 pedestrians, one of them lost (NaN): two full batches of 50 and a tail of 22.
    enum { N = 123 };
    run_t *r = run_new();
    gops_trajectories_t *tw = open_file(r, 1, 10);
    float x[N], y[N];
    uint32_t id[N];
    for (uint32_t i = 0; i < N; i++) {
        x[i] = (float)i * 0.37f - 5;
        y[i] = 10 + (float)i * 0.11f;
        id[i] = 1000 + i * 3;
    }
    x[60] = NAN;
    gops_error_t err;
    ck_assert_int_eq(gops_trajectories_write(tw, 0, x, y, id, N, &err), GOPS_OK);
    ck_assert_int_eq(gops_trajectories_close(tw, &err), GOPS_OK);
    sqlite3 *db = open_db(r->path);
    sqlite3_stmt *st;
    const char *sql = "SELECT id, pos_x, pos_y FROM trajectory_data WHERE frame = 0 ORDER BY rowid";
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    uint32_t i = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (i == 60) i++;
        ck_assert_uint_lt(i, N);
        ck_assert_int_eq(sqlite3_column_int64(st, 0), id[i]); // array order kept
        ck_assert_double_eq(sqlite3_column_double(st, 1), (double)x[i]);
        ck_assert_double_eq(sqlite3_column_double(st, 2), (double)y[i]);
        i++;
    }
    ck_assert_uint_eq(i, N);
    sqlite3_finalize(st);
    sqlite3_close(db);
    run_free(r);
}
END_TEST

START_TEST(large_frame_timing)
{
    // Not a benchmark (no bound asserted): prints what one 300k-pedestrian frame costs.
    enum { N = 300000 };
    run_t *r = run_new();
    gops_trajectories_t *tw = open_file(r, 1, 50);
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    uint32_t *id = malloc(N * sizeof *id);
    for (uint32_t i = 0; i < N; i++) {
        x[i] = (float)(i % 1000) * 0.5f;
        y[i] = (float)(i / 1000) * 0.5f;
        id[i] = i + 1;
    }
    struct timespec t0, t1;
    gops_error_t err;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int s = 0; s < 2; s++) ck_assert_int_eq(gops_trajectories_write(tw, (uint64_t)s, x, y, id, N, &err), GOPS_OK);
    ck_assert_int_eq(gops_trajectories_close(tw, &err), GOPS_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    sqlite3 *db = open_db(r->path);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM trajectory_data WHERE frame = 1"), N);
    ck_assert_int_eq(query_int(db, "SELECT sum(id) FROM trajectory_data WHERE frame = 1"), (int64_t)N * (N + 1) / 2);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM trajectory_data WHERE id = 123457 AND pos_x = 228 AND "
                                   "pos_y = 61.5"),
                     2);
    sqlite3_close(db);
    struct stat st;
    stat(r->path, &st);
    printf("trajectories: 2 frames of %d pedestrians with index in %.0f ms, %.1f MiB\n", N, ms,
           st.st_size / 1048576.0);
    free(x);
    free(y);
    free(id);
    run_free(r);
}
END_TEST

static Suite *trajectories_suite(void)
{
    Suite *s = suite_create("trajectories");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, geometry_wkt_of_a_plaza_with_a_hole);
    tcase_add_test(tc, geometry_wkt_empty);
    tcase_add_test(tc, geometry_wkt_of_the_district);
    tcase_add_test(tc, schema_is_jupedsim_v3);
    tcase_add_test(tc, rows_by_pedpy_queries);
    tcase_add_test(tc, batching_does_not_change_content);
    tcase_add_test(tc, abort_leaves_nothing);
    tcase_add_test(tc, replaces_stale_and_old_files);
    tcase_add_test(tc, non_finite_positions_skipped_and_bounds_widened);
    tcase_add_test(tc, empty_geometry_bounds_from_positions);
    tcase_add_test(tc, bad_arguments_refused);
    tcase_add_test(tc, batched_rows_exact);
    tcase_add_test(tc, large_frame_timing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(trajectories_suite());
}
