// SPDX-License-Identifier: MIT
// A running quantile: the q-quantile of every value added so far, by linear interpolation
// between order statistics (Hyndman–Fan type 7, numpy's default), kept exact with two
// heaps (the lower values in a max-heap, the rest in a min-heap): O(log n) to add, O(1) to
// read. Owns its values only.
#ifndef GOPS_OPS_QUANTILE_H
#define GOPS_OPS_QUANTILE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct gops_quantile {
    double q;          ///< in [0, 1]
    double *lo, *hi;   ///< max-heap of the lowest floor((n−1)q)+1 values; min-heap of the rest
    uint32_t nlo, nhi;
    uint32_t cap_lo, cap_hi;
} gops_quantile_t;

void gops_quantile_init(gops_quantile_t *qt, double q);
void gops_quantile_free(gops_quantile_t *qt);
/// Adds a finite value; returns false when out of memory (the value is then not counted).
bool gops_quantile_add(gops_quantile_t *qt, double v);
/// Values added.
uint32_t gops_quantile_count(const gops_quantile_t *qt);
/// The q-quantile of the values so far; NAN when there are none.
double gops_quantile_value(const gops_quantile_t *qt);

#endif
