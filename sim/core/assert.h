// SPDX-License-Identifier: MIT
// GOPS_ASSERT: programmer errors abort with file:line in every build (they are never user
// input; user input gets a gops_status_t).
#ifndef GOPS_CORE_ASSERT_H
#define GOPS_CORE_ASSERT_H

void gops_assert_fail(const char *expr, const char *file, int line) __attribute__((noreturn));

#define GOPS_ASSERT(expr) ((expr) ? (void)0 : gops_assert_fail(#expr, __FILE__, __LINE__))

#endif
