// SPDX-License-Identifier: MIT
// Shared helpers for the Check suites: running a suite in fork mode, temporary folders,
// reading files, and paths to the source tree's test data.
#ifndef GOPS_TEST_FIXTURE_H
#define GOPS_TEST_FIXTURE_H

#include <check.h>
#include <stddef.h>

/// Runs the suite (fork mode) and returns the process exit status (0 when all passed).
int gops_test_run(Suite *suite);
/// A new empty temporary folder (caller frees the string; removed at process exit).
char *gops_test_tmpdir(void);
/// Whole file as a NUL-terminated string (caller frees), or NULL.
char *gops_test_read_file(const char *path, size_t *size);
/// Writes text to path; returns 0 on success.
int gops_test_write_file(const char *path, const char *text);
/// Path under the source tree ("scenarios/smoke.lua" → "/src/scenarios/smoke.lua") in a
/// static buffer, valid until the next call.
const char *gops_test_source_path(const char *relative);

#endif
