// SPDX-License-Identifier: MIT
// Local worker processes (see procpool.h): posix_spawn (fork + exec) per item, waitpid for
// whichever child ends first. POSIX only. Items start in the order given; they may finish
// in any order, so callers must not let completion order decide anything they write.
#include "ensemble/procpool.h"

#include "core/assert.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum { ARGV_MAX = 256 };

typedef struct slot {
    pid_t pid; ///< 0 = free
    uint32_t item;
} slot_t;

int gops_procpool_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

void gops_procpool_describe(int status, int errno_value, char *buf, size_t size)
{
    if (status == -1)
        snprintf(buf, size, "could not start: %s", strerror(errno_value));
    else if (WIFEXITED(status))
        snprintf(buf, size, "exited with code %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(buf, size, "ended with wait status %d", status);
}

gops_status_t gops_procpool_run(const char *program, int jobs, const uint32_t *items, uint32_t count,
                                gops_procpool_argv_fn *make_argv, gops_procpool_done_fn *done, void *user,
                                gops_error_t *err)
{
    return gops_procpool_run_stoppable(program, jobs, items, count, make_argv, done, user, NULL, err);
}

gops_status_t gops_procpool_run_stoppable(const char *program, int jobs, const uint32_t *items, uint32_t count,
                                          gops_procpool_argv_fn *make_argv, gops_procpool_done_fn *done,
                                          void *user, const volatile sig_atomic_t *stop, gops_error_t *err)
{
    bool forwarded = false;
    GOPS_ASSERT(program && make_argv && done);
    if (jobs < 1) jobs = 1;
    if ((uint32_t)jobs > count) jobs = (int)count;
    slot_t *slots = calloc(jobs > 0 ? (size_t)jobs : 1, sizeof *slots);
    if (!slots) return gops_error_set(err, GOPS_NOMEM, "out of memory for %d worker processes", jobs);
    uint32_t next = 0;
    int running = 0;
    gops_status_t st = GOPS_OK;
    while ((next < count && !(stop && *stop)) || running > 0) {
        if (stop && *stop && !forwarded) {
            // Asked to stop: the workers stop too (each ends its run as it would on Ctrl-C).
            for (int s = 0; s < jobs; s++)
                if (slots[s].pid) kill(slots[s].pid, (int)*stop);
            forwarded = true;
        }
        // Fill free slots.
        for (int s = 0; s < jobs && next < count && !(stop && *stop); s++) {
            if (slots[s].pid) continue;
            uint32_t item = items[next++];
            const char *argv[ARGV_MAX];
            if (!make_argv(item, argv, ARGV_MAX, user)) {
                s--; // this slot is still free
                continue;
            }
            pid_t pid;
            int e = posix_spawn(&pid, program, NULL, NULL, (char *const *)argv, environ);
            if (e != 0) {
                done(item, -1, e, user);
                s--;
                continue;
            }
            slots[s] = (slot_t){pid, item};
            running++;
        }
        if (running == 0) continue;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            st = gops_error_set(err, GOPS_INTERNAL, "waiting for worker processes: %s", strerror(errno));
            break;
        }
        for (int s = 0; s < jobs; s++) {
            if (slots[s].pid != pid) continue;
            slots[s].pid = 0;
            running--;
            done(slots[s].item, status, 0, user);
            break;
        }
    }
    free(slots);
    return st;
}
