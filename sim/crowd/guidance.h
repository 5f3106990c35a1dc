// SPDX-License-Identifier: MIT
// Public-address guidance: a speaker at a point reaches pedestrians within a radius while
// the broadcast lasts; each pedestrian with a destination who comes into range hears it
// once, and a share of them (an independent draw per broadcast and pedestrian) head for
// the announced destination instead. Keeps the broadcasts and who heard them; the crowd
// applies the redirections (guidance.c through crowd_internal.h).
#ifndef GOPS_CROWD_GUIDANCE_H
#define GOPS_CROWD_GUIDANCE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct gops_broadcast {
    uint32_t serial;           ///< 1, 2, ... in order of creation (keys the draws)
    float x, y, radius;        ///< speaker position and reach, m
    double share;              ///< probability that a pedestrian who hears it follows it, [0, 1]
    uint16_t to;               ///< the destination announced
    double from_s, until_s;    ///< active in [from_s, until_s), s after the start (until may be INFINITY)
    uint64_t heard;            ///< distinct pedestrians who came into range while it was active
    uint64_t followed;         ///< of them, those whose draw fell below the share
    uint64_t redirected;       ///< of those, the ones whose target actually changed
    uint32_t *ids;             ///< hash set of the ids of pedestrians who heard it (0 = empty slot)
    uint32_t id_count, id_capacity;
} gops_broadcast_t;

typedef struct gops_guidance {
    gops_broadcast_t *items;
    uint32_t count, capacity;
} gops_guidance_t;

void gops_guidance_free(gops_guidance_t *g);
/// The draw of pedestrian `ped_id` for broadcast `serial` in run `seed`: uniform in [0, 1),
/// independent of order and threads.
double gops_guidance_draw(uint64_t seed, uint32_t serial, uint32_t ped_id);
/// Marks ped_id as having heard broadcast b; false when it already had (or memory ran out,
/// in which case it counts as heard: nobody is asked twice).
bool gops_broadcast_hear(gops_broadcast_t *b, uint32_t ped_id);

#endif
