// SPDX-License-Identifier: MIT
// MPI hand-out (see mpi_pool.h). A worker rank sends TAG_RESULT (empty the first time), rank
// 0 answers TAG_WORK with the next item or STOP: result and request are one message. Rank 0
// answers between the ticks of its own runs, so a worker waits at most while rank 0 builds
// its next world. Which rank runs which item varies from launch to launch; nothing written
// depends on it (rank 0 writes one record per item; the tables come later, in item order).
#include "ensemble/mpi_pool.h"

#include <stdlib.h>
#include <string.h>

bool gops_mpi_launched(void)
{
#ifdef GOPS_HAVE_MPI
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMI_RANK", "PMIX_RANK", "MPI_LOCALNRANKS"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i])) return true;
#endif
    return false;
}

#ifdef GOPS_HAVE_MPI
#include <mpi.h>

enum { TAG_RESULT = 1, TAG_WORK = 2 };
static const long long STOP = -1;

struct gops_mpi_pool {
    int rank, size;
    const uint32_t *items;
    uint32_t count, next;
    int stopped;             ///< workers told to stop
    long long *assigned;     ///< per rank: the item it works on, or -1
    gops_mpi_result_fn *result;
    void *user;
};

gops_status_t gops_mpi_start(int *rank, int *size, gops_error_t *err)
{
    int provided = 0, initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised && MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return gops_error_set(err, GOPS_INTERNAL, "MPI_Init failed");
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    return GOPS_OK;
}

void gops_mpi_stop(void)
{
    int finalised = 0;
    MPI_Finalized(&finalised);
    if (!finalised) MPI_Finalize();
}

bool gops_mpi_all_ok(bool ok)
{
    int mine = ok ? 1 : 0, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all == 1;
}

/// Rank 0: takes one message (waiting for it when `block`), delivers its result and answers
/// with the next item or STOP. False when there was nothing to take.
static bool take_message(gops_mpi_pool_t *p, bool block)
{
    MPI_Status status;
    if (block) {
        MPI_Probe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &status);
    } else {
        int flag = 0;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &status);
        if (!flag) return false;
    }
    int len = 0;
    MPI_Get_count(&status, MPI_CHAR, &len);
    int src = status.MPI_SOURCE;
    char *buf = malloc((size_t)len + 1);
    char dummy[1];
    MPI_Recv(buf ? buf : dummy, buf ? len : 0, MPI_CHAR, src, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (buf) buf[len] = '\0';
    if (p->assigned[src] >= 0) p->result((uint32_t)p->assigned[src], buf ? buf : "", p->user);
    free(buf);
    long long next = STOP;
    if (p->next < p->count) next = p->items[p->next++];
    p->assigned[src] = next;
    if (next == STOP) p->stopped++;
    MPI_Send(&next, 1, MPI_LONG_LONG, src, TAG_WORK, MPI_COMM_WORLD);
    return true;
}

void gops_mpi_pool_serve(gops_mpi_pool_t *p)
{
    if (!p || p->rank != 0) return;
    while (take_message(p, false)) {
    }
}

static void worker_loop(gops_mpi_pool_t *p, gops_mpi_work_fn *work)
{
    const char *ready = "";
    MPI_Send(ready, 0, MPI_CHAR, 0, TAG_RESULT, MPI_COMM_WORLD);
    for (;;) {
        long long item = STOP;
        MPI_Recv(&item, 1, MPI_LONG_LONG, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (item == STOP) break;
        char *text = work((uint32_t)item, p, p->user);
        MPI_Send(text ? text : "", text ? (int)strlen(text) : 0, MPI_CHAR, 0, TAG_RESULT, MPI_COMM_WORLD);
        free(text);
    }
}

gops_status_t gops_mpi_pool_run(const uint32_t *items, uint32_t count, gops_mpi_work_fn *work,
                                gops_mpi_result_fn *result, void *user, gops_error_t *err)
{
    gops_mpi_pool_t p = {.items = items, .count = count, .result = result, .user = user};
    MPI_Comm_rank(MPI_COMM_WORLD, &p.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &p.size);
    if (p.rank != 0) {
        worker_loop(&p, work);
        return GOPS_OK;
    }
    p.assigned = malloc((size_t)p.size * sizeof *p.assigned);
    if (!p.assigned) return gops_error_set(err, GOPS_NOMEM, "out of memory for %d MPI ranks", p.size);
    for (int r = 0; r < p.size; r++) p.assigned[r] = -1;
    while (p.next < p.count) {
        uint32_t item = p.items[p.next++];
        char *text = work(item, &p, user);
        result(item, text ? text : "", user);
        free(text);
        gops_mpi_pool_serve(&p);
    }
    while (p.stopped < p.size - 1) take_message(&p, true);
    free(p.assigned);
    return GOPS_OK;
}

#else

gops_status_t gops_mpi_start(int *rank, int *size, gops_error_t *err)
{
    *rank = 0;
    *size = 1;
    return gops_error_set(err, GOPS_INTERNAL, "this gridops was built without MPI");
}

void gops_mpi_stop(void)
{
}

bool gops_mpi_all_ok(bool ok)
{
    return ok;
}

void gops_mpi_pool_serve(gops_mpi_pool_t *pool)
{
    (void)pool;
}

gops_status_t gops_mpi_pool_run(const uint32_t *items, uint32_t count, gops_mpi_work_fn *work,
                                gops_mpi_result_fn *result, void *user, gops_error_t *err)
{
    (void)items, (void)count, (void)work, (void)result, (void)user;
    return gops_error_set(err, GOPS_INTERNAL, "this gridops was built without MPI");
}

#endif
