// SPDX-License-Identifier: MIT
// The process-wide log hook and its default sink (warnings and errors to stderr). The
// engine reports through here and never prints itself; the hook is set once at start-up,
// before any threads run, so it is read without locking.
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

static gops_log_fn *log_hook;
static void *log_user;

static void default_hook(gops_log_level_t level, const char *message, void *user)
{
    (void)user;
    if (level == GOPS_LOG_WARN)
        fprintf(stderr, "gridops: warning: %s\n", message);
    else if (level == GOPS_LOG_ERROR)
        fprintf(stderr, "gridops: error: %s\n", message);
}

void gops_log_set_hook(gops_log_fn *fn, void *user)
{
    log_hook = fn;
    log_user = fn ? user : NULL;
}

void gops_log(gops_log_level_t level, const char *fmt, ...)
{
    char message[1024]; // longer messages are cut, never overflowed
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (log_hook)
        log_hook(level, message, log_user);
    else
        default_hook(level, message, NULL);
}
