// SPDX-License-Identifier: MIT
// Text and exit code of each status, from the X-macro list in gridops/status.h.
#include "gridops/status.h"

#include <stdio.h>
#include <string.h>

static const char *const status_text[] = {
#define GOPS_STATUS_TEXT(name, code, text) text,
    GOPS_STATUS_LIST(GOPS_STATUS_TEXT)
#undef GOPS_STATUS_TEXT
};

static const int status_exit[] = {
#define GOPS_STATUS_EXIT(name, code, text) code,
    GOPS_STATUS_LIST(GOPS_STATUS_EXIT)
#undef GOPS_STATUS_EXIT
};

const char *gops_status_text(gops_status_t status)
{
    if ((unsigned)status >= GOPS_STATUS_COUNT) return "unknown status";
    return status_text[status];
}

int gops_status_exit_code(gops_status_t status)
{
    if ((unsigned)status >= GOPS_STATUS_COUNT) return 3;
    return status_exit[status];
}

gops_status_t gops_error_set(gops_error_t *err, gops_status_t status, const char *fmt, ...)
{
    if (err) {
        err->status = status;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return status;
}

void gops_error_clear(gops_error_t *err)
{
    if (!err) return;
    err->status = GOPS_OK;
    err->message[0] = '\0';
}
