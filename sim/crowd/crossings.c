// SPDX-License-Identifier: MIT
// The crowd at the traffic model's crossings (crossings.h).
//
// Geometry: each crossing of traffic.h is a strip across one leg of a junction, centred a
// little outside the junction box. Pedestrians here cross through the walkable crossing
// disc over the junction (world/walkable.h), so the zone that counts as "on the crossing"
// is the leg's carriageway from the junction centre out to the far edge of the marked
// strip (4 m wide): in (a, b) coordinates along the leg away from the node and across it
// towards the exit lanes' kerb, a ∈ [−d, 2 m] (d: node to crossing centre) and
// |b| ≤ length / 2. Inside the box the legs' zones overlap; a pedestrian there is on the
// crossing of one leg only, the one it stands furthest out along (a + d largest; lowest
// index on ties): someone cutting a corner of the box to cross leg A is in A's way, not in
// that of the vehicles on the legs beside it. Counting such a pedestrian on every zone it
// touched held up three legs (both halves) for each one crossing at a four-way junction;
// on the Erqi map that alone raised the holiday afternoon's congestion index from about
// 6.2 to 7.3 (30-minute means). b < 0 is the approach half, b ≥ 0 the exit half; b itself
// goes to the traffic model too, which blocks only the lanes within 2 m of it.
//
// Holding: a pedestrian whose next step (v0·dt plus 0.2 m, along the desired direction)
// would enter a zone showing don't walk (a signal, or an unsignalised crossing where the
// waiting drivers' patience ran out, traffic/crossings.c) from outside it — from the kerb,
// or from another leg's zone inside the box — stands still (its desired direction is
// zeroed) unless its tolerance (crossings.h) has run out and no vehicle is about to reach
// the crossing. Holding only at the kerb let whoever was already on one leg's crossing walk
// on into the next leg's on don't walk, in front of its green traffic: on the weekday
// evening (17:30-18:10, with the crowd) most pedestrians standing on a signalised crossing
// on don't walk had come that way, and the congestion index reached 10. The tolerance is
// drawn from a hash of the run's seed, the pedestrian's id, the crossing and the tick the
// wait began, so the draws use no random stream and do not depend on order or thread count.
//
// State per pedestrian (waiting at a kerb, or on a crossing) is kept by pedestrian id in a
// sorted array; pedestrians are visited in index order. Crossings are bucketed in a 16 m
// grid so that a pedestrian far from every junction costs one lookup.
#include "crowd/crossings.h"

#include "core/hash.h"
#include "core/parallel.h"
#include "traffic/traffic.h"
#include "world/world_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SUBSYSTEM_NAME GOPS_CROWD_CROSSINGS_SUBSYSTEM
#define STRIP_HALF_M 2.0  // the marked strip is 4 m wide
#define KERB_GAP_M 0.2    // a held pedestrian stops this short of the zone
#define BUCKET_M 16.0

typedef struct zone {
    double x, y;          ///< crossing centre, m
    double ux, uy;        ///< across the road, towards the exit lanes' kerb
    double nx, ny;        ///< along the leg, away from the junction node
    double half_len;      ///< m, half the kerb-to-kerb length
    double back;          ///< m, from the crossing centre back to the node (d)
    bool signalised;
} zone_t;

enum { REC_WAITING = 1, REC_ON = 2 };

typedef struct rec {
    uint32_t id;          ///< pedestrian id
    uint8_t flags;        ///< REC_*
    uint8_t on_red;       ///< stepped onto its crossing on don't walk
    uint8_t seen;         ///< visited in the current pass
    uint32_t wait_zone;   ///< crossing waited at
    uint32_t on_zone;     ///< crossing being crossed
    double since;         ///< s, the wait began
    double tolerance;     ///< s, INFINITY for a compliant pedestrian
} rec_t;

typedef struct coupling {
    gops_traffic_t *trf;
    uint32_t count;
    zone_t *zones;
    uint32_t *half;       ///< per crossing: [2c] approach half, [2c + 1] exit half, this pass
    uint32_t *crossed, *red; ///< per crossing: finished this pass, of them begun on red
    double gx0, gy0;      ///< grid origin, m
    int32_t gnx, gny;
    uint32_t *bucket_start; ///< gnx·gny + 1 offsets into bucket_zone
    uint32_t *bucket_zone;
    rec_t *recs;          ///< sorted by id
    uint32_t rec_count, rec_cap;
    uint32_t *zone_of;    ///< per pedestrian, scratch of a pass: the zone looked up for it (zone_lookup)
    uint32_t zone_cap;
    uint64_t seed;
    gops_crowd_crossing_stats_t stats;
} coupling_t;

// ---- the subsystem that owns the state ------------------------------------------------------

static void no_step(gops_world_t *world, void *state, double dt)
{
    (void)world, (void)state, (void)dt;
}

static void hash_state(const gops_world_t *world, const void *state, gops_hash_t *h)
{
    (void)world;
    const coupling_t *k = state;
    gops_hash_u64(h, k->stats.crossed);
    gops_hash_u64(h, k->stats.on_red);
    gops_hash_u64(h, k->stats.held_steps);
    for (uint32_t i = 0; i < k->rec_count; i++) {
        gops_hash_u64(h, k->recs[i].id);
        gops_hash_u64(h, k->recs[i].flags);
        gops_hash_f64(h, k->recs[i].since);
    }
}

static void destroy(void *state)
{
    coupling_t *k = state;
    if (!k) return;
    free(k->zones);
    free(k->half);
    free(k->crossed);
    free(k->red);
    free(k->bucket_start);
    free(k->zone_of);
    free(k->bucket_zone);
    free(k->recs);
    free(k);
}

static void zone_bounds(const zone_t *z, double pad, double *x0, double *y0, double *x1, double *y1)
{
    *x0 = *y0 = INFINITY;
    *x1 = *y1 = -INFINITY;
    for (int i = 0; i < 4; i++) {
        double a = (i & 1) ? STRIP_HALF_M : -z->back, b = (i & 2) ? z->half_len : -z->half_len;
        double x = z->x + a * z->nx + b * z->ux, y = z->y + a * z->ny + b * z->uy;
        *x0 = fmin(*x0, x - pad), *x1 = fmax(*x1, x + pad);
        *y0 = fmin(*y0, y - pad), *y1 = fmax(*y1, y + pad);
    }
}

static int32_t clampi(double v, int32_t hi)
{
    return v < 0 ? 0 : v >= hi ? hi - 1 : (int32_t)v;
}

/// Builds the zones and their buckets; NULL when out of memory or without crossings.
static coupling_t *bind(gops_world_t *world, gops_traffic_t *trf)
{
    const gops_district_t *d = gops_world_district(world);
    uint32_t n = gops_traffic_crossing_count(trf);
    coupling_t *k = calloc(1, sizeof *k);
    if (!k) return NULL;
    k->trf = trf;
    k->count = n;
    k->seed = gops_world_def(world)->seed;
    k->zones = calloc(n + 1, sizeof *k->zones);
    k->half = calloc(2 * n + 1, sizeof *k->half);
    k->crossed = calloc(n + 1, sizeof *k->crossed);
    k->red = calloc(n + 1, sizeof *k->red);
    if (!k->zones || !k->half || !k->crossed || !k->red) goto fail;
    double pad = 3.0; // look-ahead room around every zone
    double mx0 = INFINITY, my0 = INFINITY, mx1 = -INFINITY, my1 = -INFINITY;
    for (uint32_t c = 0; c < n; c++) {
        gops_traffic_crossing_info_t info;
        gops_traffic_crossing_info(trf, c, &info);
        zone_t *z = &k->zones[c];
        gops_point_t node = d->roads->nodes[info.node].at;
        double dx = info.x - node.x, dy = info.y - node.y, dist = hypot(dx, dy);
        z->x = info.x, z->y = info.y;
        z->ux = info.ux, z->uy = info.uy;
        // Along the leg: away from the node (perpendicular to u if the node sits on the strip).
        if (dist > 1e-6) z->nx = dx / dist, z->ny = dy / dist;
        else z->nx = -info.uy, z->ny = info.ux;
        z->back = dist;
        z->half_len = info.length_m / 2;
        z->signalised = info.signalised;
        double x0, y0, x1, y1;
        zone_bounds(z, pad, &x0, &y0, &x1, &y1);
        mx0 = fmin(mx0, x0), my0 = fmin(my0, y0), mx1 = fmax(mx1, x1), my1 = fmax(my1, y1);
    }
    if (n == 0) mx0 = my0 = mx1 = my1 = 0;
    k->gx0 = mx0, k->gy0 = my0;
    k->gnx = (int32_t)ceil((mx1 - mx0) / BUCKET_M) + 1;
    k->gny = (int32_t)ceil((my1 - my0) / BUCKET_M) + 1;
    size_t cells = (size_t)k->gnx * (size_t)k->gny;
    k->bucket_start = calloc(cells + 1, sizeof *k->bucket_start);
    if (!k->bucket_start) goto fail;
    // Counting sort of (cell, zone) pairs: two passes over the zones' cells.
    for (int pass = 0; pass < 2; pass++) {
        uint32_t *fill = pass ? calloc(cells + 1, sizeof *fill) : NULL;
        if (pass && !fill) goto fail;
        for (uint32_t c = 0; c < n; c++) {
            double x0, y0, x1, y1;
            zone_bounds(&k->zones[c], pad, &x0, &y0, &x1, &y1);
            int32_t cx0 = clampi((x0 - k->gx0) / BUCKET_M, k->gnx), cx1 = clampi((x1 - k->gx0) / BUCKET_M, k->gnx);
            int32_t cy0 = clampi((y0 - k->gy0) / BUCKET_M, k->gny), cy1 = clampi((y1 - k->gy0) / BUCKET_M, k->gny);
            for (int32_t cy = cy0; cy <= cy1; cy++)
                for (int32_t cx = cx0; cx <= cx1; cx++) {
                    size_t cell = (size_t)cy * (size_t)k->gnx + (size_t)cx;
                    if (pass) k->bucket_zone[k->bucket_start[cell] + fill[cell]++] = c;
                    else k->bucket_start[cell + 1]++;
                }
        }
        if (!pass) {
            for (size_t i = 0; i < cells; i++) k->bucket_start[i + 1] += k->bucket_start[i];
            k->bucket_zone = malloc((k->bucket_start[cells] + 1) * sizeof *k->bucket_zone);
            if (!k->bucket_zone) goto fail;
        }
        free(fill);
    }
    return k;
fail:
    destroy(k);
    return NULL;
}

// Checkpoints: the per-pedestrian records, the counts and this pass's tallies; the zones and
// their buckets come from the traffic network and stay as built.
static void save_state(const gops_world_t *world, const void *state, gops_ckpt_writer_t *w)
{
    (void)world;
    const coupling_t *k = state;
    GOPS_CKPT_PUT(w, "crossings", k);
    GOPS_CKPT_PUT_ARRAY(w, "crossings.half", k->half, 2 * (uint64_t)k->count);
    GOPS_CKPT_PUT_ARRAY(w, "crossings.crossed", k->crossed, k->count);
    GOPS_CKPT_PUT_ARRAY(w, "crossings.red", k->red, k->count);
    GOPS_CKPT_PUT_ARRAY(w, "crossings.recs", k->recs, k->rec_count);
}

static void load_state(gops_world_t *world, void *state, gops_ckpt_reader_t *r)
{
    (void)world;
    coupling_t *k = state, s;
    if (!GOPS_CKPT_GET(r, "crossings", &s)) return;
    if (s.count != k->count || s.rec_count > s.rec_cap) {
        gops_ckpt_fail(r, "%u crossings, expected %u on this network (was the map changed?)", s.count, k->count);
        return;
    }
    GOPS_CKPT_GET_ARRAY(r, "crossings.half", k->half, 2 * (uint64_t)k->count);
    GOPS_CKPT_GET_ARRAY(r, "crossings.crossed", k->crossed, k->count);
    GOPS_CKPT_GET_ARRAY(r, "crossings.red", k->red, k->count);
    free(k->recs);
    k->rec_count = s.rec_count;
    k->rec_cap = s.rec_cap;
    GOPS_CKPT_LOAD_ARRAY(r, "crossings.recs", k->recs, k->rec_count, k->rec_cap);
    if (!k->recs) k->rec_cap = 0;
    k->seed = s.seed;
    k->stats = s.stats;
}

/// The coupling of this world, created on first use when the world has traffic; NULL otherwise.
static coupling_t *coupling_of(gops_world_t *world)
{
    coupling_t *k = gops_world_subsystem(world, SUBSYSTEM_NAME);
    if (k) return k;
    gops_traffic_t *trf = gops_world_subsystem(world, "traffic");
    if (!trf || !gops_world_district(world)) return NULL;
    if (!(k = bind(world, trf))) return NULL; // out of memory: the traffic keeps its stand-in
    if (gops_world_add_subsystem(world, SUBSYSTEM_NAME, 3600.0, k, no_step, hash_state, destroy) != GOPS_OK) {
        destroy(k);
        return NULL;
    }
    gops_world_set_checkpoint(world, SUBSYSTEM_NAME, save_state, load_state);
    gops_traffic_crossings_external(trf, true);
    return k;
}

// ---- zones and records -------------------------------------------------------------------------

static bool in_zone(const zone_t *z, double x, double y)
{
    double dx = x - z->x, dy = y - z->y;
    double a = dx * z->nx + dy * z->ny, b = dx * z->ux + dy * z->uy;
    return a >= -z->back && a <= STRIP_HALF_M && fabs(b) <= z->half_len;
}

/// The crossing whose zone (x, y) is on, among zones [b, e) of a bucket: of zones that
/// overlap inside a junction box, the leg (x, y) lies furthest out along, measured from
/// the node (lowest index on ties); UINT32_MAX when on none.
static uint32_t zone_at(const coupling_t *k, uint32_t b, uint32_t e, double x, double y)
{
    uint32_t best = UINT32_MAX;
    double best_a = -INFINITY;
    for (uint32_t q = b; q < e; q++) {
        uint32_t z = k->bucket_zone[q];
        const zone_t *Z = &k->zones[z];
        if (!in_zone(Z, x, y)) continue;
        double a = (x - Z->x) * Z->nx + (y - Z->y) * Z->ny + Z->back; // m out from the node
        if (a > best_a) best_a = a, best = z; // ties: the first, the lowest index (buckets list zones in order)
    }
    return best;
}

/// Zones that may contain points near (x, y): a range of bucket_zone.
static void bucket(const coupling_t *k, double x, double y, uint32_t *begin, uint32_t *end)
{
    double fx = (x - k->gx0) / BUCKET_M, fy = (y - k->gy0) / BUCKET_M;
    if (!(fx >= 0 && fx < k->gnx && fy >= 0 && fy < k->gny)) {
        *begin = *end = 0;
        return;
    }
    size_t cell = (size_t)(int32_t)fy * (size_t)k->gnx + (size_t)(int32_t)fx;
    *begin = k->bucket_start[cell];
    *end = k->bucket_start[cell + 1];
}

static rec_t *find_rec(coupling_t *k, uint32_t id)
{
    uint32_t lo = 0, hi = k->rec_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (k->recs[mid].id < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < k->rec_count && k->recs[lo].id == id ? &k->recs[lo] : NULL;
}

static rec_t *add_rec(coupling_t *k, uint32_t id)
{
    if (k->rec_count == k->rec_cap) {
        uint32_t cap = k->rec_cap ? 2 * k->rec_cap : 64;
        rec_t *grown = realloc(k->recs, cap * sizeof *grown);
        if (!grown) return NULL;
        k->recs = grown;
        k->rec_cap = cap;
    }
    uint32_t lo = 0, hi = k->rec_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (k->recs[mid].id < id) lo = mid + 1;
        else hi = mid;
    }
    memmove(&k->recs[lo + 1], &k->recs[lo], (k->rec_count - lo) * sizeof *k->recs);
    k->rec_count++;
    k->recs[lo] = (rec_t){.id = id, .seen = 1};
    return &k->recs[lo];
}

/// Drops records with no flags left, and clears the seen marks.
static void compact(coupling_t *k)
{
    uint32_t keep = 0;
    for (uint32_t i = 0; i < k->rec_count; i++) {
        if (!k->recs[i].flags) continue;
        k->recs[keep] = k->recs[i];
        k->recs[keep++].seen = 0;
    }
    k->rec_count = keep;
}

double gops_crowd_crossing_tolerance(uint64_t seed, uint32_t id, uint32_t c, uint64_t tick)
{
    gops_hash_t h;
    gops_hash_init(&h);
    gops_hash_u64(&h, seed);
    gops_hash_u64(&h, id);
    gops_hash_u64(&h, c);
    gops_hash_u64(&h, tick);
    uint64_t bits = gops_hash_final(&h);
    double u1 = (double)(bits >> 40) / (double)(1u << 24);               // compliance
    double u2 = ((double)(bits & 0xFFFFFFu) + 0.5) / (double)(1u << 24); // tolerance
    if (u1 < GOPS_CROSSING_COMPLIANT_SHARE) return INFINITY;
    return GOPS_CROSSING_TOLERANCE_SCALE_S * pow(-log(u2), 1.0 / GOPS_CROSSING_TOLERANCE_SHAPE);
}

// ---- the two passes --------------------------------------------------------------------------

// The zone lookups, a bucket and one or two zone tests per pedestrian (most of the
// coupling's time with tens of thousands walking), go over all pedestrians in parallel into
// zone_of; what follows them (holds, records, counts) goes in index order over the few
// near a crossing, as before.
typedef struct zone_job {
    const coupling_t *k;
    const gops_pedestrians_t *p;
    bool ahead; ///< the zone the next step enters, when another than the one stood in; else the one stood in
    double dt;  ///< the step, s (ahead)
} zone_job_t;

static uint32_t zone_for(const zone_job_t *job, uint32_t i)
{
    const coupling_t *k = job->k;
    const gops_pedestrians_t *p = job->p;
    uint32_t b, e;
    bucket(k, p->x[i], p->y[i], &b, &e);
    if (b == e) return UINT32_MAX;
    if (!job->ahead) return zone_at(k, b, e, p->x[i], p->y[i]);
    if (p->ex[i] == 0 && p->ey[i] == 0) return UINT32_MAX;
    uint32_t now = zone_at(k, b, e, p->x[i], p->y[i]);
    double reach = p->v0[i] * job->dt + KERB_GAP_M;
    double ax = p->x[i] + p->ex[i] * reach, ay = p->y[i] + p->ey[i] * reach;
    // The crossing the next step enters (one leg, as after_walk counts it).
    uint32_t c = zone_at(k, b, e, ax, ay);
    return c == now ? UINT32_MAX : c;
}

static void zone_range(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    (void)chunk;
    const zone_job_t *job = user;
    for (uint32_t i = begin; i < end; i++) job->k->zone_of[i] = zone_for(job, i);
}

// zone_of for every pedestrian; false (zone_for one at a time then) when out of memory.
static bool zone_lookup(gops_world_t *world, coupling_t *k, const zone_job_t *job)
{
    const gops_pedestrians_t *p = job->p;
    if (p->count > k->zone_cap) {
        uint32_t cap = k->zone_cap ? k->zone_cap : 1024;
        while (cap < p->count) cap *= 2;
        uint32_t *grown = realloc(k->zone_of, cap * sizeof *grown);
        if (!grown) return false;
        k->zone_of = grown;
        k->zone_cap = cap;
    }
    gops_parallel_for(p->count, world->def.threads, zone_range, (void *)job);
    return true;
}

void gops_crowd_crossings_before_walk(gops_world_t *world, gops_pedestrians_t *p, double t_s, double dt)
{
    coupling_t *k = coupling_of(world);
    if (!k) return;
    uint64_t tick = gops_world_tick(world);
    k->stats.waiting_now = 0;
    zone_job_t job = {k, p, true, dt};
    bool looked = zone_lookup(world, k, &job);
    for (uint32_t i = 0; i < p->count; i++) {
        uint32_t c = looked ? k->zone_of[i] : zone_for(&job, i);
        // Unsignalised crossings walk unless their drivers' patience ran out.
        if (c == UINT32_MAX || gops_traffic_crossing_walk(k->trf, c)) continue;
        rec_t *r = find_rec(k, p->id[i]);
        if (!r && !(r = add_rec(k, p->id[i]))) continue;
        r->seen = 1;
        if (!(r->flags & REC_WAITING) || r->wait_zone != c) {
            r->flags |= REC_WAITING;
            r->wait_zone = c;
            r->since = t_s;
            r->tolerance = gops_crowd_crossing_tolerance(k->seed, p->id[i], c, tick);
            k->stats.waits++;
        }
        if (t_s - r->since >= r->tolerance && gops_traffic_crossing_clear(k->trf, c)) continue; // goes on red
        p->ex[i] = p->ey[i] = 0;
        k->stats.held_steps++;
        k->stats.waiting_now++;
    }
    // Waits that ended without a hold this step (walk came, or the pedestrian turned away).
    for (uint32_t i = 0; i < k->rec_count; i++) {
        if (!k->recs[i].seen) k->recs[i].flags &= (uint8_t)~REC_WAITING;
    }
    compact(k);
}

void gops_crowd_crossings_after_walk(gops_world_t *world, const gops_pedestrians_t *p, double t_s)
{
    (void)t_s;
    coupling_t *k = gops_world_subsystem(world, SUBSYSTEM_NAME);
    if (!k) return;
    memset(k->half, 0, 2 * k->count * sizeof *k->half);
    gops_traffic_crossings_clear_positions(k->trf);
    k->stats.on_now = 0;
    zone_job_t job = {k, p, false, 0};
    bool looked = zone_lookup(world, k, &job);
    for (uint32_t i = 0; i < p->count; i++) {
        uint32_t first = looked ? k->zone_of[i] : zone_for(&job, i);
        if (first == UINT32_MAX) continue; // not on a crossing: finishing is noticed below
        const zone_t *Z = &k->zones[first];
        double side = (p->x[i] - Z->x) * Z->ux + (p->y[i] - Z->y) * Z->uy;
        k->half[2 * first + (side >= 0 ? 1 : 0)]++;
        gops_traffic_crossing_add_position(k->trf, first, side); // vehicles yield in the lanes near it
        k->stats.on_now++;
        rec_t *r = find_rec(k, p->id[i]);
        if (!r && !(r = add_rec(k, p->id[i]))) continue;
        r->seen = 1;
        if (!(r->flags & REC_ON)) { // stepped onto a crossing
            r->flags = REC_ON;
            r->on_zone = first;
            r->on_red = k->zones[first].signalised && !gops_traffic_crossing_walk(k->trf, first);
        }
    }
    // Those on a crossing before and on none now have finished it (or left the street).
    for (uint32_t i = 0; i < k->rec_count; i++) {
        rec_t *r = &k->recs[i];
        if (r->seen || !(r->flags & REC_ON)) continue;
        k->crossed[r->on_zone]++;
        k->red[r->on_zone] += r->on_red;
        k->stats.crossed++;
        k->stats.on_red += r->on_red;
        r->flags &= (uint8_t)~REC_ON;
    }
    compact(k);
    for (uint32_t c = 0; c < k->count; c++) {
        gops_traffic_crossing_set_halves(k->trf, c, k->half[2 * c], k->half[2 * c + 1]);
        if (k->crossed[c]) gops_traffic_crossing_report(k->trf, c, k->crossed[c], k->red[c]);
        k->crossed[c] = k->red[c] = 0;
    }
}

bool gops_crowd_crossings_stats(const gops_world_t *world, gops_crowd_crossing_stats_t *out)
{
    const coupling_t *k = gops_world_subsystem(world, SUBSYSTEM_NAME);
    if (!k) return false;
    *out = k->stats;
    return true;
}

bool gops_crowd_crossings_attach(gops_world_t *world)
{
    return coupling_of(world) != NULL;
}
