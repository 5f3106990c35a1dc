// SPDX-License-Identifier: MIT
// The walkable raster: where pedestrians may stand, as square cells over the map, with a
// compact index of the walkable cells (for distance fields), 4-connected components and
// where the map's pedestrian anchors (entrances, transit, vendor points, posts) snap to.
// It does not compute distance fields or densities (crowd/ does, on top of this index).
#ifndef GOPS_WORLD_WALKABLE_H
#define GOPS_WORLD_WALKABLE_H

#include "world/map.h"
#include <stdbool.h>
#include <stdint.h>

/// "Not walkable / no walkable cell / no component."
#define GOPS_WALKABLE_NONE UINT32_MAX
/// The raster refuses to grow beyond this many cells (about 5.8 × 5.8 km at 1 m; building
/// it takes 4 bytes per cell of scratch memory).
#define GOPS_WALKABLE_MAX_CELLS (32u * 1024u * 1024u)

typedef struct gops_walkable_def {
    double cell_m;            ///< cell edge, m, in [0.1, 10]; 0.5–1 for pedestrians (1)
    double snap_radius_m;     ///< anchors snap to a walkable cell centre within this, m (5)
    double crossing_margin_m; ///< crossing disc radius beyond the widest half-carriageway, m (2)
} gops_walkable_def_t;

/// Where a pedestrian anchor feature meets the walkable raster.
typedef struct gops_walkable_anchor {
    uint32_t feature;   ///< feature index (entrance, transit, vendor point or post)
    uint32_t walk;      ///< walkable index of the snapped cell, GOPS_WALKABLE_NONE if none in reach
    uint32_t component; ///< that cell's component, GOPS_WALKABLE_NONE if none
    double snap_m;      ///< m, from the feature's point to the snapped cell's centre
} gops_walkable_anchor_t;

/// What a walkable cell is at a junction (gops_walkable_t.junction).
typedef enum gops_junction_cell {
    GOPS_JUNCTION_CELL_NONE = 0, ///< a sidewalk (in line across a road too), plaza or walkway
    GOPS_JUNCTION_CELL_BOX,      ///< a junction's box: carriageway walkable only as its crossing disc
    GOPS_JUNCTION_CELL_RING,     ///< the same at a roundabout's node: where people step over the ring
} gops_junction_cell_t;

/// Cell (cx, cy) covers [min_x + cx·cell, min_x + (cx+1)·cell) × [min_y + cy·cell, ...);
/// its id is cy·nx + cx. A cell is walkable when its centre is.
typedef struct gops_walkable {
    double min_x, min_y;        ///< m, lower-left corner of cell (0, 0), a multiple of cell
    double cell;                ///< m
    int32_t nx, ny;             ///< cells per axis
    uint64_t *bits;             ///< bit (id % 64) of word (id / 64): 1 = walkable
    uint32_t *rank;             ///< walkable cells in the words before each word
    uint32_t count;             ///< walkable cells
    uint32_t *cells;            ///< walkable index -> cell id, ascending
    uint8_t *junction;          ///< walkable index -> gops_junction_cell_t: whether only a
                                ///< junction's crossing disc makes it walkable, and which kind
    uint32_t *component;        ///< walkable index -> component (4-connected)
    uint32_t component_count;   ///< numbered in order of their first cell id
    uint32_t *component_size;   ///< cells per component
    uint32_t largest;           ///< most cells (lowest number on ties), NONE when no cell
    gops_walkable_anchor_t *anchors; ///< by feature index
    uint32_t anchor_count;
} gops_walkable_t;

gops_walkable_def_t gops_walkable_def_default(void);

/// Rasterises the map: a cell is walkable when its centre lies in a walkway, plaza or
/// pedestrian_street polygon (holes excluded), in a road's sidewalk band (distance to the
/// road's own centre line from half the carriageway plus the non-motor lane to that plus
/// the sidewalk, each side by line direction, square at the line's ends, round at bends),
/// or in a crossing disc at a node shared by two or more roads (radius: the widest
/// half-carriageway plus non-motor lane there, plus the margin), and not inside any
/// building. Disc cells that nothing else makes walkable (not a sidewalk in line, plaza or
/// walkway) are marked in `junction`: the box of a junction, or at a roundabout the place
/// where people step over the ring.
/// The raster covers the map bounds grown by the widest road reach. Fails with
/// GOPS_BAD_VALUE for a cell size out of range, GOPS_MAP for an empty or too large map,
/// GOPS_NOMEM when memory runs out.
gops_walkable_t *gops_walkable_build(const gops_map_t *map, const gops_walkable_def_t *def,
                                     gops_error_t *err);
void gops_walkable_destroy(gops_walkable_t *walk);

/// True when cell id `cell` (< nx·ny) is walkable.
static inline bool gops_walkable_is_set(const gops_walkable_t *w, uint32_t cell)
{
    return (w->bits[cell >> 6] >> (cell & 63)) & 1u;
}

/// True when cell (cx, cy) lies on the raster and is walkable.
static inline bool gops_walkable_is_set_xy(const gops_walkable_t *w, int64_t cx, int64_t cy)
{
    return cx >= 0 && cy >= 0 && cx < w->nx && cy < w->ny && gops_walkable_is_set(w, (uint32_t)(cy * w->nx + cx));
}

/// Walkable index of cell id `cell`, or GOPS_WALKABLE_NONE when it is not walkable.
uint32_t gops_walkable_index(const gops_walkable_t *walk, uint32_t cell);
/// Cell id containing p (m), or GOPS_WALKABLE_NONE outside the raster.
uint32_t gops_walkable_cell_at(const gops_walkable_t *walk, gops_point_t p);
/// Direction (*dx, *dy) without the parts that point into a wall: a component along an
/// axis is dropped when the edge neighbour of p's cell that way is not walkable (or off the
/// raster), the rest renormalised; (0, 0) when nothing is left. Unchanged when p is not on a
/// walkable cell. For someone heading straight for a point, whose line runs into a building.
void gops_walkable_off_walls(const gops_walkable_t *walk, gops_point_t p, float *dx, float *dy);
/// True when the straight segment a–b stays on walkable cells: its points every half cell
/// and b itself lie on walkable cells. Someone heading straight for b from a gets there
/// without meeting a wall; in a convex place every pair is in sight.
bool gops_walkable_in_sight(const gops_walkable_t *walk, gops_point_t a, gops_point_t b);
/// Centre (m) of cell id `cell`.
gops_point_t gops_walkable_centre(const gops_walkable_t *walk, uint32_t cell);
/// Walkable area, m² (cells × cell²).
double gops_walkable_area_m2(const gops_walkable_t *walk);
/// Walkable index of the walkable cell whose centre is nearest to p and within radius_m
/// (lowest cell id on ties), or GOPS_WALKABLE_NONE. `dist_m` (may be NULL) gets the distance.
uint32_t gops_walkable_snap(const gops_walkable_t *walk, gops_point_t p, double radius_m,
                            double *dist_m);
/// The anchor record of a feature, or NULL when the feature is not an anchor.
const gops_walkable_anchor_t *gops_walkable_anchor_of(const gops_walkable_t *walk,
                                                      uint32_t feature);

#endif
