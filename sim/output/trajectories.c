// SPDX-License-Identifier: MIT
// JuPedSim trajectory file writer (trajectories.h). The schema follows JuPedSim's
// SqliteTrajectoryWriter at DATABASE_VERSION 3 table for table, column for column, with the
// same indexes: version 3 dropped the orientation columns (ori_x, ori_y) of version 2.
// Differences that leave the schema as it is:
// - the frame/id index is built at close: with ids in no particular order, inserting into
//   the indexed table cost 6× as much per frame, and one build at close half as much
//   overall (300k pedestrians per frame);
// - the geometry hash is a deterministic 64-bit hash of the WKT (JuPedSim uses Python's
//   per-process string hash);
// - the bounds in metadata also cover any position outside the geometry.
// Rows are written in the caller's array order; frames in step order.
#include "output/trajectories.h"

#include "core/assert.h"
#include "core/hash.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct gops_trajectories {
    gops_trajectories_def_t def;
    char *path, *tmp;
    sqlite3 *db;
    sqlite3_stmt *insert_row, *insert_batch, *insert_frame;
    int64_t geometry_hash;
    double bounds[4];       // xmin, ymin, xmax, ymax: geometry, widened by positions
    bool have_bounds;       // false while neither geometry nor any position gave bounds
    bool in_transaction;
    uint32_t frames_in_transaction;
    uint64_t frames, last_step;
};

// The schema, as JuPedSim creates it (version 3).
static const char *const schema_sql =
    "CREATE TABLE trajectory_data (frame INTEGER NOT NULL, id INTEGER NOT NULL, pos_x REAL NOT NULL, "
    "pos_y REAL NOT NULL);"
    "CREATE TABLE metadata(key TEXT NOT NULL UNIQUE PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE geometry(hash INTEGER NOT NULL, wkt TEXT NOT NULL);"
    "CREATE UNIQUE INDEX geometry_hash ON geometry(hash);"
    "CREATE TABLE frame_data(frame INTEGER NOT NULL, geometry_hash INTEGER NOT NULL);";
static const char *const index_sql = "CREATE INDEX frame_id_idx ON trajectory_data(frame, id);";

// Rows per multi-row INSERT: halves the cost per row against one row per statement
// (about 0.3 µs instead of 0.7 µs); 50 × 4 parameters is far below SQLite's limit.
#define BATCH_ROWS 50

gops_trajectories_def_t gops_trajectories_def_default(void)
{
    // One frame per second is what PedPy's analyses of a district-size run can use; 50
    // frames per transaction keeps commits rare without holding much in the page cache.
    return (gops_trajectories_def_t){.every_steps = 10, .frames_per_commit = 50, .clip = false};
}

// Shortest text that reads back to the same double, with ".0" on whole numbers so values
// look like JuPedSim's (Python's str(float)).
static void format_double(char *buf, size_t size, double v)
{
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    if (isfinite(v) && !strpbrk(buf, ".eEn")) {
        size_t n = strlen(buf);
        if (n + 2 < size) memcpy(buf + n, ".0", 3);
    }
}

// ---- geometry -----------------------------------------------------------------------

typedef struct run {
    int32_t x0, x1; // cells [x0, x1)
    int32_t y0;     // first row of the rectangle
} run_t;

static void append_rect(gops_strbuf_t *sb, const gops_walkable_t *w, const run_t *r, int32_t y1, bool *first)
{
    char ax[40], bx[40], ay[40], by[40];
    format_double(ax, sizeof ax, w->min_x + r->x0 * w->cell);
    format_double(bx, sizeof bx, w->min_x + r->x1 * w->cell);
    format_double(ay, sizeof ay, w->min_y + r->y0 * w->cell);
    format_double(by, sizeof by, w->min_y + y1 * w->cell);
    // Counter-clockwise, closed, as WKT polygons are usually written.
    gops_strbuf_printf(sb, "%sPOLYGON ((%s %s, %s %s, %s %s, %s %s, %s %s))", *first ? "" : ", ", ax, ay, bx, ay,
                       bx, by, ax, by, ax, ay);
    *first = false;
}

char *gops_trajectories_geometry_wkt(const gops_walkable_t *w, size_t *len, double bounds[4])
{
    if (bounds) bounds[0] = bounds[1] = bounds[2] = bounds[3] = 0;
    gops_strbuf_t sb;
    gops_strbuf_init(&sb);
    if (!w || w->count == 0) {
        gops_strbuf_puts(&sb, "GEOMETRYCOLLECTION EMPTY");
        if (sb.failed) goto fail;
        if (len) *len = sb.len;
        return sb.data;
    }
    size_t cap = (size_t)w->nx / 2 + 2;
    run_t *open = malloc(cap * sizeof *open), *next = malloc(cap * sizeof *next);
    if (!open || !next) {
        free(open);
        free(next);
        goto fail;
    }
    uint32_t n_open = 0;
    bool first = true;
    int32_t bx0 = INT32_MAX, by0 = INT32_MAX, bx1 = INT32_MIN, by1 = INT32_MIN;
    gops_strbuf_puts(&sb, "GEOMETRYCOLLECTION (");
    // Row by row: a run identical to an open rectangle's extends it; open rectangles
    // without a matching run close at this row. Both lists are sorted by x0.
    for (int32_t cy = 0; cy <= w->ny; cy++) {
        uint32_t n_next = 0, k = 0;
        int32_t cx = 0;
        while (cy < w->ny && cx < w->nx) {
            uint32_t row = (uint32_t)cy * (uint32_t)w->nx;
            while (cx < w->nx && !gops_walkable_is_set(w, row + (uint32_t)cx)) cx++;
            if (cx == w->nx) break;
            int32_t x0 = cx;
            while (cx < w->nx && gops_walkable_is_set(w, row + (uint32_t)cx)) cx++;
            if (x0 < bx0) bx0 = x0;
            if (cx > bx1) bx1 = cx;
            if (cy < by0) by0 = cy;
            if (cy + 1 > by1) by1 = cy + 1;
            while (k < n_open && open[k].x0 < x0) append_rect(&sb, w, &open[k++], cy, &first);
            if (k < n_open && open[k].x0 == x0 && open[k].x1 == cx) {
                next[n_next++] = open[k++];
            } else {
                if (k < n_open && open[k].x0 == x0) append_rect(&sb, w, &open[k++], cy, &first);
                next[n_next++] = (run_t){x0, cx, cy};
            }
        }
        while (k < n_open) append_rect(&sb, w, &open[k++], cy, &first);
        run_t *t = open;
        open = next;
        next = t;
        n_open = n_next;
    }
    free(open);
    free(next);
    gops_strbuf_puts(&sb, ")");
    if (sb.failed) goto fail;
    if (bounds) {
        bounds[0] = w->min_x + bx0 * w->cell;
        bounds[1] = w->min_y + by0 * w->cell;
        bounds[2] = w->min_x + bx1 * w->cell;
        bounds[3] = w->min_y + by1 * w->cell;
    }
    if (len) *len = sb.len;
    return sb.data;
fail:
    gops_strbuf_free(&sb);
    return NULL;
}

// ---- writer ---------------------------------------------------------------------------

static gops_status_t db_error(gops_trajectories_t *tw, const char *what, gops_error_t *err)
{
    return gops_error_set(err, GOPS_IO, "%s: cannot %s: %s", tw->path, what,
                          tw->db ? sqlite3_errmsg(tw->db) : "out of memory");
}

static bool exec(gops_trajectories_t *tw, const char *sql)
{
    return sqlite3_exec(tw->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

static bool put_metadata(gops_trajectories_t *tw, const char *key, const char *value)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(tw->db, "INSERT OR REPLACE INTO metadata(key, value) VALUES(?, ?)", -1, &st, NULL) !=
        SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok;
}

static bool put_bounds(gops_trajectories_t *tw)
{
    static const char *const keys[4] = {"xmin", "ymin", "xmax", "ymax"};
    for (int k = 0; k < 4; k++) {
        char buf[40];
        format_double(buf, sizeof buf, tw->bounds[k]);
        if (!put_metadata(tw, keys[k], buf)) return false;
    }
    return true;
}

static void release(gops_trajectories_t *tw, bool remove_file)
{
    if (!tw) return;
    sqlite3_finalize(tw->insert_row);
    sqlite3_finalize(tw->insert_batch);
    sqlite3_finalize(tw->insert_frame);
    if (tw->db) sqlite3_close(tw->db);
    if (remove_file && tw->tmp) unlink(tw->tmp);
    free(tw->path);
    free(tw->tmp);
    free(tw);
}

gops_trajectories_t *gops_trajectories_open(const char *path, const gops_trajectories_def_t *def_in, double dt_s,
                                            const gops_walkable_t *walk, gops_error_t *err)
{
    GOPS_ASSERT(path != NULL);
    gops_trajectories_def_t def = def_in ? *def_in : gops_trajectories_def_default();
    if (def.clip && !(def.clip_box[0] < def.clip_box[2] && def.clip_box[1] < def.clip_box[3])) {
        gops_error_set(err, GOPS_BAD_VALUE, "%s: area %g,%g,%g,%g, expected xmin,ymin,xmax,ymax with xmin < xmax and "
                       "ymin < ymax (m)", path, def.clip_box[0], def.clip_box[1], def.clip_box[2], def.clip_box[3]);
        return NULL;
    }
    if (def.every_steps < 1 || def.frames_per_commit < 1) {
        gops_error_set(err, GOPS_BAD_VALUE,
                       "%s: a frame every %u steps and %u frames per commit, expected at least 1 each", path,
                       def.every_steps, def.frames_per_commit);
        return NULL;
    }
    if (!(dt_s > 0) || !isfinite(dt_s)) {
        gops_error_set(err, GOPS_BAD_VALUE, "%s: step length %g s, expected > 0", path, dt_s);
        return NULL;
    }
    gops_trajectories_t *tw = calloc(1, sizeof *tw);
    char *wkt = NULL;
    if (!tw) goto nomem;
    tw->def = def;
    size_t plen = strlen(path);
    tw->path = malloc(plen + 1);
    tw->tmp = malloc(plen + 5);
    if (!tw->path || !tw->tmp) goto nomem;
    memcpy(tw->path, path, plen + 1);
    memcpy(tw->tmp, path, plen);
    memcpy(tw->tmp + plen, ".tmp", 5);
    if (unlink(tw->tmp) != 0 && errno != ENOENT) {
        gops_error_set(err, GOPS_IO, "%s: cannot replace the stale %s: %s", path, tw->tmp, strerror(errno));
        release(tw, false);
        return NULL;
    }
    size_t wkt_len = 0;
    wkt = gops_trajectories_geometry_wkt(walk, &wkt_len, tw->bounds);
    if (!wkt) goto nomem;
    gops_hash_t h;
    gops_hash_init(&h);
    gops_hash_bytes(&h, wkt, wkt_len);
    tw->geometry_hash = (int64_t)gops_hash_final(&h);
    tw->have_bounds = walk && walk->count > 0;

    if (sqlite3_open_v2(tw->tmp, &tw->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        db_error(tw, "create the trajectory file", err);
        goto fail;
    }
    // A killed run leaves only the temporary file, so neither a journal nor syncing each
    // commit buys anything (JuPedSim sets the same).
    if (!exec(tw, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;") || !exec(tw, "BEGIN") ||
        !exec(tw, schema_sql)) {
        db_error(tw, "create the trajectory tables", err);
        goto fail;
    }
    char fps[40], version[8];
    format_double(fps, sizeof fps, 1.0 / (dt_s * def.every_steps));
    snprintf(version, sizeof version, "%d", GOPS_TRAJECTORIES_VERSION);
    sqlite3_stmt *st = NULL;
    bool ok = put_metadata(tw, "version", version) && put_metadata(tw, "fps", fps) && put_bounds(tw) &&
              sqlite3_prepare_v2(tw->db, "INSERT INTO geometry(hash, wkt) VALUES(?, ?)", -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(st, 1, tw->geometry_hash);
        sqlite3_bind_text(st, 2, wkt, (int)wkt_len, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    if (!ok || !exec(tw, "COMMIT")) {
        db_error(tw, "write the trajectory metadata", err);
        goto fail;
    }
    free(wkt);
    wkt = NULL;
    char batch_sql[64 + BATCH_ROWS * 16];
    size_t at = (size_t)snprintf(batch_sql, sizeof batch_sql, "INSERT INTO trajectory_data VALUES(?, ?, ?, ?)");
    for (int k = 1; k < BATCH_ROWS; k++)
        at += (size_t)snprintf(batch_sql + at, sizeof batch_sql - at, ", (?, ?, ?, ?)");
    if (sqlite3_prepare_v2(tw->db, "INSERT INTO trajectory_data VALUES(?, ?, ?, ?)", -1, &tw->insert_row, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(tw->db, batch_sql, -1, &tw->insert_batch, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(tw->db, "INSERT INTO frame_data VALUES(?, ?)", -1, &tw->insert_frame, NULL) != SQLITE_OK) {
        db_error(tw, "prepare the trajectory inserts", err);
        goto fail;
    }
    return tw;
nomem:
    gops_error_set(err, GOPS_NOMEM, "%s: out of memory opening the trajectory file", path);
fail:
    free(wkt);
    release(tw, true);
    return NULL;
}

// Binds and runs one insert of `rows` rows (the statement has exactly that many).
static bool insert_rows(sqlite3_stmt *st, int64_t frame, const uint32_t *rows, uint32_t count, const float *x,
                        const float *y, const uint32_t *id)
{
    for (uint32_t j = 0; j < count; j++) {
        int p = (int)j * 4;
        uint32_t i = rows[j];
        sqlite3_bind_int64(st, p + 1, frame);
        sqlite3_bind_int64(st, p + 2, id[i]);
        sqlite3_bind_double(st, p + 3, x[i]);
        sqlite3_bind_double(st, p + 4, y[i]);
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE;
}

bool gops_trajectories_due(const gops_trajectories_t *tw, uint64_t step)
{
    return step % tw->def.every_steps == 0;
}

uint64_t gops_trajectories_frames(const gops_trajectories_t *tw) { return tw->frames; }

gops_status_t gops_trajectories_write(gops_trajectories_t *tw, uint64_t step, const float *x, const float *y,
                                      const uint32_t *id, uint32_t n, gops_error_t *err)
{
    if (!gops_trajectories_due(tw, step)) return GOPS_OK;
    GOPS_ASSERT(tw->frames == 0 || step > tw->last_step);
    int64_t frame = (int64_t)(step / tw->def.every_steps);
    if (!tw->in_transaction) {
        if (!exec(tw, "BEGIN")) return db_error(tw, "begin a transaction", err);
        tw->in_transaction = true;
    }
    // Rows go out BATCH_ROWS at a time; pending[] remembers the rows bound in the current
    // batch so that a short tail can go out one row at a time.
    uint32_t pending[BATCH_ROWS], k = 0;
    for (uint32_t i = 0; i < n; i++) {
        // SQLite stores NaN as NULL, which the NOT NULL columns refuse: such a position
        // is skipped rather than losing the whole file.
        if (!isfinite(x[i]) || !isfinite(y[i])) continue;
        if (tw->def.clip && !(x[i] >= tw->def.clip_box[0] && x[i] <= tw->def.clip_box[2] &&
                              y[i] >= tw->def.clip_box[1] && y[i] <= tw->def.clip_box[3]))
            continue;
        if (!tw->have_bounds) {
            tw->bounds[0] = tw->bounds[2] = x[i];
            tw->bounds[1] = tw->bounds[3] = y[i];
            tw->have_bounds = true;
        }
        tw->bounds[0] = fmin(tw->bounds[0], x[i]);
        tw->bounds[1] = fmin(tw->bounds[1], y[i]);
        tw->bounds[2] = fmax(tw->bounds[2], x[i]);
        tw->bounds[3] = fmax(tw->bounds[3], y[i]);
        pending[k++] = i;
        if (k < BATCH_ROWS) continue;
        if (!insert_rows(tw->insert_batch, frame, pending, k, x, y, id))
            return db_error(tw, "write trajectory rows", err);
        k = 0;
    }
    for (uint32_t j = 0; j < k; j++)
        if (!insert_rows(tw->insert_row, frame, &pending[j], 1, x, y, id))
            return db_error(tw, "write a trajectory row", err);
    sqlite3_bind_int64(tw->insert_frame, 1, frame);
    sqlite3_bind_int64(tw->insert_frame, 2, tw->geometry_hash);
    int rc = sqlite3_step(tw->insert_frame);
    sqlite3_reset(tw->insert_frame);
    if (rc != SQLITE_DONE) return db_error(tw, "write a frame row", err);
    tw->frames++;
    tw->last_step = step;
    if (++tw->frames_in_transaction >= tw->def.frames_per_commit) {
        if (!exec(tw, "COMMIT")) return db_error(tw, "commit frames", err);
        tw->in_transaction = false;
        tw->frames_in_transaction = 0;
    }
    return GOPS_OK;
}

gops_status_t gops_trajectories_close(gops_trajectories_t *tw, gops_error_t *err)
{
    GOPS_ASSERT(tw != NULL);
    gops_status_t st = GOPS_OK;
    if (tw->in_transaction && !exec(tw, "COMMIT")) {
        st = db_error(tw, "commit the last frames", err);
        goto fail;
    }
    if (!exec(tw, "BEGIN") || !exec(tw, index_sql) || !put_bounds(tw) || !exec(tw, "COMMIT")) {
        st = db_error(tw, "index the trajectories", err);
        goto fail;
    }
    sqlite3_finalize(tw->insert_row);
    sqlite3_finalize(tw->insert_batch);
    sqlite3_finalize(tw->insert_frame);
    tw->insert_row = tw->insert_batch = tw->insert_frame = NULL;
    if (sqlite3_close(tw->db) != SQLITE_OK) {
        st = db_error(tw, "close the trajectory file", err);
        goto fail;
    }
    tw->db = NULL;
    // Synchronous writes were off: flush once before the rename makes the file visible.
    int fd = open(tw->tmp, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0 || rename(tw->tmp, tw->path) != 0) {
        st = gops_error_set(err, GOPS_IO, "%s: cannot move the trajectory file into place: %s", tw->path,
                            strerror(errno));
        if (fd >= 0) close(fd);
        goto fail;
    }
    close(fd);
    release(tw, false);
    return GOPS_OK;
fail:
    release(tw, true);
    return st;
}

void gops_trajectories_abort(gops_trajectories_t *tw)
{
    release(tw, true);
}
