// SPDX-License-Identifier: MIT
// Signal handling for the long commands (see signals.h). The handler only stores the
// signal number; on the second one it removes staged output folders with
// async-signal-safe calls (output/outdir.c) and re-raises with the default action, so the
// parent sees a death by that signal.
#include "cli/signals.h"

#include "output/outdir.h"

#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t first_signal;

static void on_signal(int sig)
{
    if (!first_signal) {
        first_signal = sig;
        return;
    }
    // Second signal: stop now. A commit under way finishes and raises the signal itself.
    if (!gops_outdir_abort_all_from_signal(sig)) return;
    signal(sig, SIG_DFL);
    raise(sig);
}

void gops_signals_install(bool restart)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sa.sa_flags = restart ? SA_RESTART : 0;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int gops_signals_caught(void)
{
    return first_signal;
}

const volatile sig_atomic_t *gops_signals_flag(void)
{
    return &first_signal;
}

bool gops_signals_keep_going(const gops_world_t *world, void *user)
{
    (void)world;
    (void)user;
    return first_signal == 0;
}

int gops_signals_exit_code(int sig)
{
    return 128 + sig;
}

void gops_signals_report(const char *command, const char *what)
{
    int sig = first_signal;
    fprintf(stderr, "gridops %s: stopped by %s; %s\n", command,
            sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal", what);
}
