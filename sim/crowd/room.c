// SPDX-License-Identifier: MIT
// Room for newcomers (room.h). Ordering: bodies are kept in pedestrian index order, then
// newcomers in the order they were added; a test is a yes/no over the bodies near the
// spot, so neither the order nor the hash grid's layout can change an answer.
#include "crowd/room.h"

#include "core/parallel.h"

#include <math.h>
#include <stdlib.h>

#define DEFAULT_CELL_M 0.5f

void gops_room_init(gops_room_t *room) { *room = (gops_room_t){.cell = DEFAULT_CELL_M}; }

void gops_room_free(gops_room_t *room)
{
    free(room->x), free(room->y), free(room->r), free(room->next), free(room->head);
    free(room->points), free(room->entry_point), free(room->entry_next), free(room->point_head);
    free(room->near);
    gops_room_init(room);
}

static void clear_table(gops_room_t *room)
{
    for (uint32_t k = 0; k < room->table_size; k++) room->head[k] = UINT32_MAX;
}

void gops_room_clear(gops_room_t *room)
{
    room->count = room->point_count = 0;
    room->max_r = 0;
    clear_table(room);
}

bool gops_room_add_point(gops_room_t *room, gops_point_t p)
{
    if (room->point_count == room->point_capacity) {
        uint32_t cap = room->point_capacity ? 2 * room->point_capacity : 64;
        gops_point_t *grown = realloc(room->points, cap * sizeof *grown);
        if (!grown) return false;
        room->points = grown;
        room->point_capacity = cap;
    }
    room->points[room->point_count++] = p;
    return true;
}

// floorf(v / cell) without a library call (this runs for every pedestrian each tick).
static int64_t cell_of(float v, float cell)
{
    float t = v / cell;
    int64_t i = (int64_t)t; // truncated toward zero: one less below zero unless whole
    return i - ((float)i > t);
}

static uint32_t hash_cell(int64_t cx, int64_t cy, uint32_t size)
{
    uint64_t h = (uint64_t)cx * 0x9E3779B97F4A7C15ull ^ (uint64_t)cy * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 29;
    return (uint32_t)h & (size - 1);
}

static uint32_t slot(const gops_room_t *room, int64_t cx, int64_t cy) { return hash_cell(cx, cy, room->table_size); }

static void link_body(gops_room_t *room, uint32_t k)
{
    uint32_t s = slot(room, cell_of(room->x[k], room->cell), cell_of(room->y[k], room->cell));
    room->next[k] = room->head[s];
    room->head[s] = k;
}

// Doubles the table (or makes the first) and links every body again.
static bool grow_table(gops_room_t *room)
{
    uint32_t size = room->table_size ? 2 * room->table_size : 1024;
    uint32_t *head = realloc(room->head, size * sizeof *head);
    if (!head) return false;
    room->head = head;
    room->table_size = size;
    clear_table(room);
    for (uint32_t k = 0; k < room->count; k++) link_body(room, k);
    return true;
}

bool gops_room_add_body(gops_room_t *room, float x, float y, float r)
{
    if (room->count == room->capacity) {
        uint32_t cap = room->capacity ? 2 * room->capacity : 256;
        float *gx = realloc(room->x, cap * sizeof *gx);
        if (gx) room->x = gx;
        float *gy = realloc(room->y, cap * sizeof *gy);
        if (gy) room->y = gy;
        float *gr = realloc(room->r, cap * sizeof *gr);
        if (gr) room->r = gr;
        uint32_t *gn = realloc(room->next, cap * sizeof *gn);
        if (gn) room->next = gn;
        if (!gx || !gy || !gr || !gn) return false;
        room->capacity = cap;
    }
    uint32_t k = room->count++;
    room->x[k] = x, room->y[k] = y, room->r[k] = r;
    if (r > room->max_r) room->max_r = r;
    if (2 * room->count > room->table_size) return grow_table(room); // links k too
    link_body(room, k);
    return true;
}

// The bodies' largest radius and who is near a point, over ranges of pedestrians in
// parallel: each range writes only its own flags and its own partial maximum (a maximum
// does not depend on the order it is taken in), so nothing depends on the thread count.
typedef struct collect_job {
    const gops_room_t *room;
    const gops_pedestrians_t *peds;
    float reach, newcomer_r, widest;
    float max_r[GOPS_PARALLEL_MAX_CHUNKS];
} collect_job_t;

static void max_radius_range(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    collect_job_t *job = user;
    float max_r = 0;
    for (uint32_t i = begin; i < end; i++) max_r = job->peds->radius[i] > max_r ? job->peds->radius[i] : max_r;
    job->max_r[chunk] = max_r;
}

static void near_range(uint32_t begin, uint32_t end, uint32_t chunk, void *user)
{
    (void)chunk;
    const collect_job_t *job = user;
    const gops_room_t *room = job->room;
    const gops_pedestrians_t *peds = job->peds;
    for (uint32_t i = begin; i < end; i++) {
        uint32_t s = hash_cell(cell_of(peds->x[i], job->widest), cell_of(peds->y[i], job->widest),
                               room->point_table_size);
        double px = peds->x[i], py = peds->y[i], near = (double)job->reach + peds->radius[i] + job->newcomer_r;
        uint8_t hit = 0;
        for (uint32_t k = room->point_head[s]; k != UINT32_MAX && !hit; k = room->entry_next[k]) {
            const gops_point_t *q = &room->points[room->entry_point[k]];
            double dx = q->x - px, dy = q->y - py;
            hit = dx * dx + dy * dy < near * near;
        }
        room->near[i] = hit;
    }
}

bool gops_room_collect(gops_room_t *room, const gops_pedestrians_t *peds, float reach, float newcomer_r, int threads)
{
    room->count = 0;
    room->max_r = 0;
    clear_table(room);
    collect_job_t job = {.room = room, .peds = peds, .reach = reach, .newcomer_r = newcomer_r};
    gops_parallel_for(peds->count, threads, max_radius_range, &job);
    float max_r = newcomer_r;
    for (uint32_t k = 0; k < gops_parallel_chunks(peds->count); k++) max_r = job.max_r[k] > max_r ? job.max_r[k] : max_r;
    // Two of the largest bodies touch within one cell's width: a test reads 3 x 3 cells.
    room->cell = max_r > 0 ? 2 * max_r : DEFAULT_CELL_M;
    uint32_t np = room->point_count;
    if (np == 0) return true;
    // The points in a hash grid of cells as wide as the farthest a body can be and still
    // touch a newcomer, each listed in its 3 x 3 cells: a pedestrian reads its own cell.
    job.widest = reach + max_r + newcomer_r;
    uint32_t size = 1024, entries = 9 * np;
    while (size < 2 * entries) size *= 2;
    bool ok = true;
    if (size > room->point_table_size) {
        uint32_t *head = realloc(room->point_head, size * sizeof *head);
        if (head) room->point_head = head, room->point_table_size = size;
        ok = ok && head;
    }
    if (ok && entries > room->entry_capacity) {
        uint32_t *ep = realloc(room->entry_point, entries * sizeof *ep);
        if (ep) room->entry_point = ep;
        uint32_t *en = realloc(room->entry_next, entries * sizeof *en);
        if (en) room->entry_next = en;
        if (ep && en) room->entry_capacity = entries;
        ok = ok && ep && en;
    }
    if (ok && peds->count > room->near_capacity) {
        uint8_t *near = realloc(room->near, peds->count);
        if (near) room->near = near, room->near_capacity = peds->count;
        ok = ok && near;
    }
    if (!ok) return false;
    size = room->point_table_size;
    for (uint32_t k = 0; k < size; k++) room->point_head[k] = UINT32_MAX;
    uint32_t e = 0;
    for (uint32_t k = 0; k < np; k++) {
        int64_t cx = cell_of((float)room->points[k].x, job.widest), cy = cell_of((float)room->points[k].y, job.widest);
        for (int64_t gy = cy - 1; gy <= cy + 1; gy++)
            for (int64_t gx = cx - 1; gx <= cx + 1; gx++, e++) {
                uint32_t s = hash_cell(gx, gy, size);
                room->entry_point[e] = k;
                room->entry_next[e] = room->point_head[s];
                room->point_head[s] = e;
            }
    }
    gops_parallel_for(peds->count, threads, near_range, &job);
    for (uint32_t i = 0; i < peds->count; i++)
        if (room->near[i] && !gops_room_add_body(room, peds->x[i], peds->y[i], peds->radius[i])) return false;
    return true;
}

bool gops_room_fits(const gops_room_t *room, float x, float y, float r)
{
    if (room->count == 0) return true;
    int64_t span = (int64_t)ceilf((r + room->max_r) / room->cell);
    int64_t cx = cell_of(x, room->cell), cy = cell_of(y, room->cell);
    for (int64_t gy = cy - span; gy <= cy + span; gy++)
        for (int64_t gx = cx - span; gx <= cx + span; gx++)
            for (uint32_t k = room->head[slot(room, gx, gy)]; k != UINT32_MAX; k = room->next[k]) {
                float dx = room->x[k] - x, dy = room->y[k] - y, d = room->r[k] + r - GOPS_ROOM_TOLERANCE_M;
                if (dx * dx + dy * dy < d * d) return false;
            }
    return true;
}
