// SPDX-License-Identifier: MIT
// Progress bar on stderr (see progress.h).
#include "cli/progress.h"

#include "core/simtime.h"

#include <stdio.h>
#include <unistd.h>

bool gops_progress_wanted(bool quiet)
{
    return !quiet && isatty(STDERR_FILENO);
}

void gops_progress_draw(double sim_elapsed_s, double sim_total_s, double wall_s, gops_local_time_t now, void *user)
{
    (void)user;
    double frac = sim_total_s > 0 ? sim_elapsed_s / sim_total_s : 1.0;
    if (frac > 1) frac = 1;
    int width = 30, filled = (int)(frac * width);
    char bar[64];
    for (int i = 0; i < width; i++) bar[i] = i < filled ? '#' : '-';
    bar[width] = '\0';
    char clock[32], eta[32] = "--";
    gops_time_format(now, clock, sizeof clock);
    double rtf = wall_s > 0 ? sim_elapsed_s / wall_s : 0;
    if (rtf > 0 && frac < 1) gops_duration_format((sim_total_s - sim_elapsed_s) / rtf, eta, sizeof eta);
    fprintf(stderr, "\r[%s] %3.0f%%  %s  x%.0f real time  ETA %s   ", bar, frac * 100, clock, rtf, eta);
    fflush(stderr);
}

void gops_progress_finish(void)
{
    fputc('\n', stderr);
}
