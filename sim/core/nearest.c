// SPDX-License-Identifier: MIT
// Edit distance and nearest-name suggestions for error messages (see nearest.h).
#include "core/nearest.h"

#include <string.h>

int gops_edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 254) n = 254;
    if (m > 254) m = 254;
    unsigned char row[256];
    for (size_t j = 0; j <= m; j++) row[j] = (unsigned char)j;
    for (size_t i = 1; i <= n; i++) {
        unsigned char diag = row[0];
        row[0] = (unsigned char)i;
        for (size_t j = 1; j <= m; j++) {
            unsigned char up = row[j];
            unsigned best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1u < best) best = up + 1u;
            if (row[j - 1] + 1u < best) best = row[j - 1] + 1u;
            row[j] = (unsigned char)(best > 255 ? 255 : best);
            diag = up;
        }
    }
    return row[m];
}

const char *gops_nearest_name(const char *name, const char *const *candidates, size_t count)
{
    const char *best = NULL;
    int best_d = (int)strlen(name) / 2 + 2;
    for (size_t i = 0; i < count; i++) {
        int d = gops_edit_distance(name, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}
