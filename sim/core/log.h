// SPDX-License-Identifier: MIT
// The log hook: the engine never prints; it reports through a callback the program sets.
#ifndef GOPS_CORE_LOG_H
#define GOPS_CORE_LOG_H

typedef enum gops_log_level { GOPS_LOG_DEBUG, GOPS_LOG_INFO, GOPS_LOG_WARN, GOPS_LOG_ERROR } gops_log_level_t;

typedef void gops_log_fn(gops_log_level_t level, const char *message, void *user);

/// Sets the process-wide log callback (NULL restores the default: warnings and errors to
/// stderr).
void gops_log_set_hook(gops_log_fn *fn, void *user);
/// Logs a printf-style message through the hook.
void gops_log(gops_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
