// SPDX-License-Identifier: MIT
// Counting lines: named segments that count pedestrians crossing them each step, by
// direction, and turn the counts into flows (persons/s) over a window, plus first and last
// crossing times for bottleneck flows. Reads old and new positions only; it does not know
// where positions come from, and does not move or remove anyone.
#ifndef GOPS_CROWD_COUNTING_LINE_H
#define GOPS_CROWD_COUNTING_LINE_H

#include "core/grid.h"
#include "gridops/status.h"
#include "world/map.h"

#include <stdbool.h>
#include <stdint.h>

/// Longest name kept (bytes, NUL included); longer names are refused.
#define GOPS_COUNTING_LINE_NAME_MAX 64
/// "No line."
#define GOPS_COUNTING_LINE_NONE UINT32_MAX

/// Directions. Standing at `a` looking towards `b`, left is the counter-clockwise side.
typedef enum gops_crossing_dir {
    GOPS_CROSS_LEFT_TO_RIGHT,
    GOPS_CROSS_RIGHT_TO_LEFT,
    GOPS_CROSS_DIR_COUNT
} gops_crossing_dir_t;

typedef struct gops_counting_line {
    char name[GOPS_COUNTING_LINE_NAME_MAX];
    gops_point_t a, b;                       ///< m
    uint64_t total[GOPS_CROSS_DIR_COUNT];    ///< crossings since the line was added
    uint32_t window[GOPS_CROSS_DIR_COUNT];   ///< crossings in the current window so far
    uint32_t last_window[GOPS_CROSS_DIR_COUNT]; ///< crossings in the last closed window
    double flow[GOPS_CROSS_DIR_COUNT];       ///< persons/s in the last closed window
    double first_s[GOPS_CROSS_DIR_COUNT];    ///< s, time of the first crossing (NAN: none yet)
    double last_s[GOPS_CROSS_DIR_COUNT];     ///< s, time of the latest crossing (NAN: none yet)
} gops_counting_line_t;

typedef struct gops_counting_lines_def {
    double window_s;     ///< flow window, s, > 0; rounded to whole steps (10)
    double max_step_m;   ///< moves longer than this in one step (spawns, wrap-arounds,
                         ///< teleports) are not counted, m, > 0 (2)
    double bucket_m;     ///< edge of the lookup buckets, m, > 0 (4)
} gops_counting_lines_def_t;

/// Documented defaults.
gops_counting_lines_def_t gops_counting_lines_def_default(void);

typedef struct gops_counting_lines gops_counting_lines_t;

/// An empty set of lines for steps of dt_s seconds (> 0). GOPS_BAD_VALUE, GOPS_NOMEM.
gops_counting_lines_t *gops_counting_lines_create(const gops_counting_lines_def_t *def, double dt_s,
                                                  gops_error_t *err);
void gops_counting_lines_destroy(gops_counting_lines_t *cl);

/// Adds the segment a→b (m, positive length) named `name` (unique, non-empty); *index (may
/// be NULL) gets its index. Rebuilds the lookup (allocates; do it between steps, not per
/// step). GOPS_BAD_VALUE for a duplicate, empty or too long name, a degenerate or
/// non-finite segment; GOPS_NOMEM.
gops_status_t gops_counting_lines_add(gops_counting_lines_t *cl, const char *name, gops_point_t a, gops_point_t b,
                                      uint32_t *index, gops_error_t *err);

/// Counts the crossings of one step: pedestrian i moved from (x0[i], y0[i]) to (x1[i],
/// y1[i]) (m) during the step ending at t_s (s). A move crosses a line when it goes from
/// one side to the other (a point on the line counts as the right side, so stepping onto
/// the line and off again counts once) through the segment [a, b) (the end b excluded,
/// so lines chained end to end count a move through the joint once). O(n), no
/// allocation. Returns true when this step closed a flow window.
bool gops_counting_lines_step(gops_counting_lines_t *cl, const float *x0, const float *y0, const float *x1,
                              const float *y1, uint32_t n, double t_s);

/// The same count visiting only the pedestrians that `grid` places in cells within reach
/// of a line: O(pedestrians near the lines) instead of O(n). `grid` must have been built
/// from (x0, y0) of these n pedestrians (the walk's neighbour grid of the step, for
/// instance); a move that crosses a line starts within max_step_m of it, so no crossing is
/// missed, except by a pedestrian the grid clamped in from outside its extent. Results equal
/// gops_counting_lines_step's. The first call after adding a line or with a grid of other
/// geometry builds a cell list (allocates); when that fails, it falls back to the plain
/// step, so results never depend on memory.
bool gops_counting_lines_step_grid(gops_counting_lines_t *cl, const gops_grid_t *grid, const float *x0,
                                   const float *y0, const float *x1, const float *y1, uint32_t n, double t_s);

uint32_t gops_counting_lines_count(const gops_counting_lines_t *cl);
const gops_counting_line_t *gops_counting_lines_get(const gops_counting_lines_t *cl, uint32_t index);
/// Index of the line with this name, or GOPS_COUNTING_LINE_NONE.
uint32_t gops_counting_lines_find(const gops_counting_lines_t *cl, const char *name);
/// Length of the flow window in force, s (whole steps).
double gops_counting_lines_window_s(const gops_counting_lines_t *cl);

/// Which side of a→b point p is on: +1 left, −1 right or on the line (the counting rule).
int gops_counting_side(gops_point_t a, gops_point_t b, gops_point_t p);

#endif
