// SPDX-License-Identifier: MIT
// Runs spread over MPI ranks with dynamic hand-out: rank 0 keeps the queue of items and,
// between ticks of its own runs, gives the next item to whichever rank asks; every rank
// (rank 0 too) works. Results travel back to rank 0 as text. Builds without MPI (then
// gops_mpi_launched is false and nothing else may be called). Knows nothing of studies.
#ifndef GOPS_ENSEMBLE_MPI_POOL_H
#define GOPS_ENSEMBLE_MPI_POOL_H

#include "gridops/status.h"

#include <stdbool.h>
#include <stdint.h>

/// True when the program was built with MPI and started by an MPI launcher (mpirun,
/// mpiexec, srun --mpi): its environment names a rank. A plain start never initialises MPI.
bool gops_mpi_launched(void);
/// MPI_Init (threads funnelled: only the main thread calls MPI); *rank, *size of the world.
gops_status_t gops_mpi_start(int *rank, int *size, gops_error_t *err);
/// MPI_Finalize.
void gops_mpi_stop(void);
/// Collective: true when `ok` is true on every rank (so all ranks stop together).
bool gops_mpi_all_ok(bool ok);

typedef struct gops_mpi_pool gops_mpi_pool_t;
/// Works on one item on any rank; returns its result text (malloc'd, freed by the pool), or
/// NULL when out of memory (rank 0 then gets an empty text). Long work should call
/// gops_mpi_pool_serve(pool) now and then (e.g. every tick).
typedef char *gops_mpi_work_fn(uint32_t item, gops_mpi_pool_t *pool, void *user);
/// Rank 0 only: an item's result, from whichever rank worked on it, as it arrives.
typedef void gops_mpi_result_fn(uint32_t item, const char *result, void *user);

/// Collective. Rank 0 hands out items (in the order given) until all are done; other ranks
/// pass items = NULL, count = 0 and work until told to stop.
gops_status_t gops_mpi_pool_run(const uint32_t *items, uint32_t count, gops_mpi_work_fn *work,
                                gops_mpi_result_fn *result, void *user, gops_error_t *err);
/// On rank 0: answers the ranks waiting for work or delivering results, without blocking.
/// Elsewhere (and with pool NULL): nothing.
void gops_mpi_pool_serve(gops_mpi_pool_t *pool);

#endif
