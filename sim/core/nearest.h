// SPDX-License-Identifier: MIT
// "Did you mean": the candidate nearest to a misspelt name by edit distance, for messages
// about unknown keys, metrics, flags and modes.
#ifndef GOPS_CORE_NEAREST_H
#define GOPS_CORE_NEAREST_H

#include <stddef.h>

/// Edit distance between two strings (bytes; the first 64 of each), transpositions counting 1.
int gops_edit_distance(const char *a, const char *b);
/// The candidate nearest to name, or NULL when none is within half its length (+2).
const char *gops_nearest_name(const char *name, const char *const *candidates, size_t count);

#endif
