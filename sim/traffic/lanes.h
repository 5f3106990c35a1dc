// SPDX-License-Identifier: MIT
// The lane index: vehicles grouped by lane and ordered front (largest position) to back,
// rebuilt from scratch by a counting sort whenever vehicles were added, moved across lanes
// or removed, so leaders and followers are always one slot away. Owns the index only.
// Ordering: within a lane by position descending, ties by vehicle id ascending.
#ifndef GOPS_TRAFFIC_LANES_H
#define GOPS_TRAFFIC_LANES_H

#include <stdbool.h>
#include <stdint.h>

typedef struct gops_lane_index {
    uint32_t lane_count;
    uint32_t *start;    ///< lane_count + 1 offsets into items
    uint32_t *items;    ///< vehicle indices, per lane front first
    uint32_t *slot;     ///< vehicle index → position in items
    uint32_t capacity;  ///< vehicles the arrays hold
} gops_lane_index_t;

/// Returns 0, or -1 when out of memory.
int gops_lane_index_init(gops_lane_index_t *index, uint32_t lane_count);
void gops_lane_index_free(gops_lane_index_t *index);
/// Rebuilds from n vehicles' lanes, positions and ids. Returns 0, or -1 when out of memory.
int gops_lane_index_build(gops_lane_index_t *index, const uint32_t *lane, const float *s, const uint32_t *id,
                          uint32_t n);
/// Vehicles in a lane.
static inline uint32_t gops_lane_size(const gops_lane_index_t *index, uint32_t lane)
{
    return index->start[lane + 1] - index->start[lane];
}
/// The vehicle ahead of vehicle i in its lane, or UINT32_MAX when i is at the head.
static inline uint32_t gops_lane_leader(const gops_lane_index_t *index, uint32_t lane, uint32_t i)
{
    uint32_t k = index->slot[i];
    return k > index->start[lane] ? index->items[k - 1] : UINT32_MAX;
}
/// The last vehicle (smallest position) of a lane, or UINT32_MAX when the lane is empty.
static inline uint32_t gops_lane_back(const gops_lane_index_t *index, uint32_t lane)
{
    return index->start[lane + 1] > index->start[lane] ? index->items[index->start[lane + 1] - 1] : UINT32_MAX;
}
/// In a lane, the first vehicle at or ahead of position s (*ahead, smallest such position)
/// and the first behind it (*behind); UINT32_MAX when none.
void gops_lane_neighbours(const gops_lane_index_t *index, const float *s, uint32_t lane, float pos,
                          uint32_t *ahead, uint32_t *behind);

#endif
