// SPDX-License-Identifier: MIT
// The crowd's geometry overlay: scenario changes to where pedestrians may walk, on top of the
// district's walkable raster, by name: closed areas (polygons), barriers (segments) and
// one-way sections (polygon + direction). Rasterises them into masks over the raster's
// cells. Does not compute fields or move anyone (crowd.c and actions.c do, on a new version).
#ifndef GOPS_CROWD_OVERLAY_H
#define GOPS_CROWD_OVERLAY_H

#include "gridops/status.h"
#include "world/map.h"
#include "world/walkable.h"

#include <stdbool.h>
#include <stdint.h>

/// Why a cell is blocked (bits of gops_overlay_masks_t.blocked).
enum {
    GOPS_OVERLAY_CLOSED = 1,  ///< inside a closed area: nobody enters; those inside walk out
    GOPS_OVERLAY_BARRIER = 2, ///< under a barrier: a wall one cell thick
};

/// One-way rules apply to an axis direction when its angle to the rule's direction is below
/// 90° minus this margin (so a rule along an axis forbids sideways steps within the section).
#define GOPS_OVERLAY_ONE_WAY_MARGIN_DEG 5.0

typedef struct gops_overlay gops_overlay_t;

gops_overlay_t *gops_overlay_create(void);
void gops_overlay_destroy(gops_overlay_t *o);

/// Closes the walkable cells whose centre lies in `area` (outer ring only). GOPS_BAD_VALUE
/// for a name in use by another closure, an empty name or fewer than 3 points; GOPS_NOMEM.
gops_status_t gops_overlay_close_area(gops_overlay_t *o, const char *name, const gops_point_t *ring, uint32_t count,
                                      gops_error_t *err);
/// Reopens a closed area; false when no closure has that name.
bool gops_overlay_reopen_area(gops_overlay_t *o, const char *name);
/// A barrier from a to b (m): every cell the segment touches becomes wall (where it passes
/// exactly through a cell corner, both cells beside the corner). GOPS_BAD_VALUE for a name
/// in use by another barrier or a zero-length segment; GOPS_NOMEM.
gops_status_t gops_overlay_add_barrier(gops_overlay_t *o, const char *name, gops_point_t a, gops_point_t b,
                                       gops_error_t *err);
bool gops_overlay_remove_barrier(gops_overlay_t *o, const char *name);
/// One-way flow in the cells whose centre lies in `area`, along (dx, dy) (any length > 0).
/// A rule with the same name is replaced. GOPS_BAD_VALUE, GOPS_NOMEM.
gops_status_t gops_overlay_set_one_way(gops_overlay_t *o, const char *name, const gops_point_t *ring, uint32_t count,
                                       double dx, double dy, gops_error_t *err);
bool gops_overlay_clear_one_way(gops_overlay_t *o, const char *name);
/// True when a one-way section of that name is in force.
bool gops_overlay_has_one_way(const gops_overlay_t *o, const char *name);

/// Grows by one on every change (0: never changed).
uint64_t gops_overlay_version(const gops_overlay_t *o);
/// Items in force.
uint32_t gops_overlay_closures(const gops_overlay_t *o);
uint32_t gops_overlay_barriers(const gops_overlay_t *o);
uint32_t gops_overlay_one_ways(const gops_overlay_t *o);

/// The overlay as masks over a raster. Arrays are NULL when nothing of their kind is in force.
typedef struct gops_overlay_masks {
    uint8_t *blocked;      ///< by walkable index: GOPS_OVERLAY_* bits, 0 = open
    uint8_t *allowed;      ///< by walkable index: GOPS_FIELD_MAY_* bits of one-way rules, 0 = free
    uint64_t *cell_bits;   ///< blocked cells by cell id (the layout of walk->bits)
    uint32_t blocked_count, one_way_count; ///< cells
} gops_overlay_masks_t;

/// Rasterises every item in force (closures, then barriers, then one-way rules, each in the
/// order they were made; where one-way sections overlap, the later rule wins). `out` is
/// replaced (free the old masks first). GOPS_NOMEM.
gops_status_t gops_overlay_rasterise(const gops_overlay_t *o, const gops_walkable_t *walk, gops_overlay_masks_t *out,
                                     gops_error_t *err);
void gops_overlay_masks_free(gops_overlay_masks_t *m);

/// Barrier i (0 .. gops_overlay_barriers - 1, in the order they were made): its end points.
void gops_overlay_barrier(const gops_overlay_t *o, uint32_t i, gops_point_t *a, gops_point_t *b);

#endif
