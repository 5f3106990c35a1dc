// SPDX-License-Identifier: MIT
// The failure path of GOPS_ASSERT: report the broken invariant and abort. Only for
// programmer errors; anything a user can cause returns a gops_status_t instead.
#include "core/assert.h"

#include <stdio.h>
#include <stdlib.h>

void gops_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "gridops: internal error: assertion `%s` failed at %s:%d\n", expr, file, line);
    fflush(stderr);
    abort();
}
