// SPDX-License-Identifier: MIT
// Status codes for runtime failures, from one X-macro list that also yields the text and
// the process exit code. Programmer errors are GOPS_ASSERT, not statuses.
#ifndef GRIDOPS_STATUS_H
#define GRIDOPS_STATUS_H

#include <stdarg.h>

/// X(name, exit code, text). Exit codes follow the CLI contract: 0 ok, 1 expectation
/// failed, 2 bad usage or bad input, 3 internal error.
#define GOPS_STATUS_LIST(X)                                                         \
    X(OK, 0, "ok")                                                                  \
    X(EXPECTATION_FAILED, 1, "a scenario expectation failed")                       \
    X(USAGE, 2, "bad command-line usage")                                           \
    X(BAD_VALUE, 2, "bad value")                                                    \
    X(BAD_TIME, 2, "bad time or duration")                                          \
    X(IO, 2, "cannot read or write a file")                                         \
    X(LUA_SYNTAX, 2, "scenario syntax error")                                       \
    X(LUA_RUNTIME, 2, "scenario runtime error")                                     \
    X(LUA_BUDGET, 2, "scenario exceeded its instruction budget")                    \
    X(LUA_MEMORY, 2, "scenario exceeded its memory cap")                            \
    X(LUA_FORBIDDEN, 2, "scenario used a forbidden feature")                        \
    X(SCENARIO, 2, "bad scenario definition")                                       \
    X(MAP, 2, "bad map")                                                            \
    X(INTERRUPTED, 130, "interrupted")                                              \
    X(NOMEM, 3, "out of memory")                                                    \
    X(INTERNAL, 3, "internal error")

typedef enum gops_status {
#define GOPS_STATUS_ENUM(name, code, text) GOPS_##name,
    GOPS_STATUS_LIST(GOPS_STATUS_ENUM)
#undef GOPS_STATUS_ENUM
    GOPS_STATUS_COUNT
} gops_status_t;

/// A status with the message for the user ("file:line: what was found, what was expected").
typedef struct gops_error {
    gops_status_t status;
    char message[1024];
} gops_error_t;

/// Short text of a status code ("bad map").
const char *gops_status_text(gops_status_t status);
/// Process exit code of a status (0, 1, 2, 3 or 130).
int gops_status_exit_code(gops_status_t status);
/// Sets err (when not NULL) to status and a printf-style message; returns status.
gops_status_t gops_error_set(gops_error_t *err, gops_status_t status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/// Clears err to GOPS_OK with an empty message.
void gops_error_clear(gops_error_t *err);

#endif
