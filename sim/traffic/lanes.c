// SPDX-License-Identifier: MIT
// Lane index by counting sort (lanes.h). Within a lane the items come in vehicle index
// order, which follows arrival order closely, so the insertion sort by position that
// follows does little work.
#include "traffic/lanes.h"

#include <stdlib.h>
#include <string.h>

int gops_lane_index_init(gops_lane_index_t *x, uint32_t lane_count)
{
    memset(x, 0, sizeof *x);
    x->lane_count = lane_count;
    x->start = calloc(lane_count + 2, sizeof *x->start);
    return x->start ? 0 : -1;
}

void gops_lane_index_free(gops_lane_index_t *x)
{
    free(x->start);
    free(x->items);
    free(x->slot);
    memset(x, 0, sizeof *x);
}

int gops_lane_index_build(gops_lane_index_t *x, const uint32_t *lane, const float *s, const uint32_t *id, uint32_t n)
{
    if (n > x->capacity) {
        uint32_t cap = x->capacity ? x->capacity : 256;
        while (cap < n) cap *= 2;
        uint32_t *items = realloc(x->items, (size_t)cap * sizeof *items);
        if (!items) return -1;
        x->items = items;
        uint32_t *slot = realloc(x->slot, (size_t)cap * sizeof *slot);
        if (!slot) return -1;
        x->slot = slot;
        x->capacity = cap;
    }
    uint32_t L = x->lane_count;
    memset(x->start, 0, (L + 2) * sizeof *x->start);
    for (uint32_t i = 0; i < n; i++) x->start[lane[i] + 2]++;
    for (uint32_t l = 0; l < L; l++) x->start[l + 2] += x->start[l + 1];
    for (uint32_t i = 0; i < n; i++) x->items[x->start[lane[i] + 1]++] = i;
    // start[l] is now the first item of lane l; sort each lane front first.
    for (uint32_t l = 0; l < L; l++) {
        uint32_t b = x->start[l], e = x->start[l + 1];
        for (uint32_t k = b + 1; k < e; k++) {
            uint32_t v = x->items[k];
            uint32_t j = k;
            while (j > b) {
                uint32_t u = x->items[j - 1];
                if (s[u] > s[v] || (s[u] == s[v] && id[u] < id[v])) break;
                x->items[j] = u;
                j--;
            }
            x->items[j] = v;
        }
        for (uint32_t k = b; k < e; k++) x->slot[x->items[k]] = k;
    }
    return 0;
}

void gops_lane_neighbours(const gops_lane_index_t *x, const float *s, uint32_t lane, float pos, uint32_t *ahead,
                          uint32_t *behind)
{
    // Items run by descending position: find the first item with s < pos.
    uint32_t lo = x->start[lane], hi = x->start[lane + 1];
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (s[x->items[mid]] >= pos) lo = mid + 1;
        else hi = mid;
    }
    *ahead = lo > x->start[lane] ? x->items[lo - 1] : UINT32_MAX;
    *behind = lo < x->start[lane + 1] ? x->items[lo] : UINT32_MAX;
}
