// SPDX-License-Identifier: MIT
// Crowd density measures on a grid of square cells over the walkable raster: per-step
// counts averaged over a window, peak density and where/when, level-of-service and
// crowd-safety shares, cell-minutes above a threshold, per-cell maxima for the heat map,
// and density warnings per named area. Reads positions only; it does not move, route or
// spawn anyone, and it does not turn warnings into world events (the caller does).
#ifndef GOPS_CROWD_DENSITY_H
#define GOPS_CROWD_DENSITY_H

#include "gridops/status.h"
#include "world/map.h"
#include "world/walkable.h"

#include <stdbool.h>
#include <stdint.h>

/// "No cell / no area."
#define GOPS_DENSITY_NONE UINT32_MAX

/// Fruin's walkway levels of service (persons/m²): A < 0.31, B 0.31–0.43, C 0.43–0.72,
/// D 0.72–1.08, E 1.08–2.17, F ≥ 2.17. Each band includes its lower bound.
typedef enum gops_los {
    GOPS_LOS_A,
    GOPS_LOS_B,
    GOPS_LOS_C,
    GOPS_LOS_D,
    GOPS_LOS_E,
    GOPS_LOS_F,
    GOPS_LOS_COUNT
} gops_los_t;

/// Crowd-safety bands after G. K. Still (persons/m²): stable < 2.5, capacity 2.5–3.5,
/// unstable 3.5–5, dangerous ≥ 5. Each band includes its lower bound.
typedef enum gops_safety {
    GOPS_SAFETY_STABLE,
    GOPS_SAFETY_CAPACITY,
    GOPS_SAFETY_UNSTABLE,
    GOPS_SAFETY_DANGEROUS,
    GOPS_SAFETY_COUNT
} gops_safety_t;

/// Level of service of a density (persons/m²; NaN and negatives count as A).
gops_los_t gops_los_of(double density_ppm2);
/// Crowd-safety band of a density (persons/m²; NaN and negatives count as stable).
gops_safety_t gops_safety_of(double density_ppm2);
/// "A".."F"; "?" when out of range.
const char *gops_los_name(gops_los_t los);
/// "stable", "capacity", "unstable", "dangerous"; "?" when out of range.
const char *gops_safety_name(gops_safety_t band);

typedef struct gops_density_def {
    double cell_m;             ///< cell edge, m: a whole multiple of the raster cell, ≤ 2 (2)
    double window_s;           ///< averaging window, s, > 0; rounded to whole steps (10)
    uint32_t sample_every_steps; ///< count every this many steps (the first step of a window
                                 ///< and every k-th after it), 1 to the window's steps (1);
                                 ///< > 1 trades temporal resolution for time per step
    double min_walkable_share; ///< cells with less walkable area than this share of
                               ///< cell² are excluded from all statistics, in [0, 1] (0.25)
    double high_ppm2;          ///< cell-minutes are counted above this, persons/m² (4)
    double warn_ppm2;          ///< an area warns when it stays above this, persons/m² (4)
    double warn_hold_s;        ///< ... for this long, s, ≥ 0; rounded up to whole windows (30)
    double warn_hysteresis_ppm2; ///< a fired warning ends (and re-arms) when the area's peak
                                 ///< falls below warn_ppm2 minus this, persons/m², ≥ 0 (0.5)
    double road_search_m;      ///< cells outside named areas take the name of the nearest
                               ///< named road within this distance, m (150)
} gops_density_def_t;

/// Documented defaults (see density.c for the reasons).
gops_density_def_t gops_density_def_default(void);

/// Where a density cell belongs for warnings and names, in this order of precedence.
typedef enum gops_density_area_kind {
    GOPS_DENSITY_AREA_WALK_POLYGON, ///< a named plaza, pedestrian_street or walkway polygon
    GOPS_DENSITY_AREA_SPECIAL_ZONE, ///< a named zone of level special
    GOPS_DENSITY_AREA_ROAD,         ///< outside both: near a named road (all features of that name)
    GOPS_DENSITY_AREA_ELSEWHERE,    ///< no named road within road_search_m (always the last area)
} gops_density_area_kind_t;

/// One area with the statistics of the last closed window and its warning state.
typedef struct gops_density_area {
    const char *name;          ///< borrowed from the map ("elsewhere" for the last area)
    gops_density_area_kind_t kind;
    int32_t feature;           ///< feature index (the first of that name for roads), -1 elsewhere
    uint32_t cells;            ///< included density cells in the area
    double area_m2;            ///< m², their walkable area
    double peak_ppm2;          ///< last window: highest cell density, persons/m²
    uint32_t peak_cell;        ///< ... in this cell, GOPS_DENSITY_NONE when nobody was there
    double mean_ppm2;          ///< last window: mean pedestrians over walkable area, persons/m²
    double pedestrians;        ///< last window: mean pedestrians in its included cells
    // Warning state (read-only for callers).
    uint32_t above_windows;    ///< consecutive windows with peak above warn_ppm2
    bool active;               ///< a warning fired and has not ended
    double episode_start_s;    ///< s, start of the first window of the current run above
    double episode_peak_ppm2;  ///< persons/m², highest peak of the current episode
    uint32_t episode_peak_cell;
    double episode_peak_time_s;
    double episode_fired_s;    ///< s, when the current warning fired
} gops_density_area_t;

typedef enum gops_density_warning_kind {
    GOPS_DENSITY_WARNING_FIRED, ///< the area stayed above warn_ppm2 for warn_hold_s
    GOPS_DENSITY_WARNING_ENDED, ///< its peak fell below warn_ppm2 − warn_hysteresis_ppm2
} gops_density_warning_kind_t;

/// A warning record; the caller turns it into a world event.
typedef struct gops_density_warning {
    gops_density_warning_kind_t kind;
    uint32_t area;             ///< area index
    const char *name;          ///< the area's name
    double peak_ppm2;          ///< persons/m²: highest cell density of the episode so far
    uint32_t cell;             ///< where that peak was
    gops_point_t at;           ///< m, walkable centroid of that cell
    double start_s;            ///< s, start of the first window above the threshold
    double fired_s;            ///< s, end of the window at which the hold was complete
    double ended_s;            ///< s, end of the window that ended it (ENDED only, else 0)
} gops_density_warning_t;

/// The highest cell density of a window (or of the run).
typedef struct gops_density_peak {
    double ppm2;               ///< persons/m²; 0 when nobody stood in an included cell
    uint32_t cell;             ///< GOPS_DENSITY_NONE when ppm2 is 0
    gops_point_t at;           ///< m, walkable centroid of the cell
    double time_s;             ///< s, end of the window
    uint32_t area;             ///< area index, GOPS_DENSITY_NONE with the cell
    const char *where;         ///< the area's name, "" with no cell
} gops_density_peak_t;

/// Statistics of one closed window. Shares are pedestrian-weighted: the share of the
/// window's mean pedestrians (in included cells) standing in cells of each band; all zero
/// when nobody stood in an included cell.
typedef struct gops_density_window {
    uint64_t index;            ///< 0 for the first window
    double start_s, end_s;     ///< s
    uint32_t steps;            ///< steps in the window
    uint32_t samples;          ///< steps counted (steps / sample_every_steps, rounded up)
    double pedestrians;        ///< mean pedestrians in included cells
    double excluded;           ///< mean pedestrians off the grid or in excluded cells
    gops_density_peak_t peak;
    double los_share[GOPS_LOS_COUNT];
    double safety_share[GOPS_SAFETY_COUNT];
    uint32_t cells_above;      ///< included cells with density above high_ppm2
    double cell_minutes_above; ///< cells_above × window length in minutes
    const gops_density_warning_t *warnings; ///< records of this window, by area index;
    uint32_t warning_count;                 ///< valid until the next window closes
} gops_density_window_t;

/// Run totals since creation.
typedef struct gops_density_totals {
    uint64_t windows;
    gops_density_peak_t peak;  ///< highest window peak (the earliest on ties)
    double cell_minutes_above; ///< cell-minutes above high_ppm2
    uint64_t warnings_fired;
} gops_density_totals_t;

/// The grid and its per-cell maps (row-major, cell id = cy·nx + cx; cell (0, 0) has its
/// lower-left corner at (min_x, min_y)), for heat maps and queries.
typedef struct gops_density_grid {
    double min_x, min_y;       ///< m
    double cell_m;             ///< m
    int32_t nx, ny;
    const float *area_m2;      ///< walkable area of each cell, m²
    const uint8_t *included;   ///< 1 when the cell takes part in the statistics
    const uint32_t *area;      ///< area index of included cells, GOPS_DENSITY_NONE otherwise
    const float *last_ppm2;    ///< density in the last closed window, persons/m² (0 excluded)
    const float *max_ppm2;     ///< highest window density so far, persons/m² (0 excluded)
    const float *minutes_above; ///< minutes above high_ppm2 so far
} gops_density_grid_t;

typedef struct gops_density gops_density_t;

/// Builds the grid over `walk`'s extent and assigns every included cell to an area using
/// the map's names (`map` may be NULL: then every cell is "elsewhere"). `dt_s` is the step
/// length (s, > 0). `walk` and `map` are borrowed and must outlive the object.
/// GOPS_BAD_VALUE for a definition out of range (the message names the field), GOPS_NOMEM.
gops_density_t *gops_density_create(const gops_density_def_t *def, const gops_walkable_t *walk,
                                    const gops_map_t *map, double dt_s, gops_error_t *err);
void gops_density_destroy(gops_density_t *d);

/// Counts one step's positions (m; n pedestrians) taken at time t_s (s, the end of the
/// step); steps between samples (sample_every_steps > 1) only advance the window.
/// O(n), no allocation. When this step completes a window, the window is
/// evaluated (O(cells)), *out (may be NULL) receives it and true is returned.
bool gops_density_step(gops_density_t *d, const float *x, const float *y, uint32_t n, double t_s,
                       gops_density_window_t *out);

/// The last closed window (index UINT64_MAX and zeros before the first).
const gops_density_window_t *gops_density_last_window(const gops_density_t *d);
const gops_density_totals_t *gops_density_totals(const gops_density_t *d);
gops_density_grid_t gops_density_grid(const gops_density_t *d);
/// The definition in force (with defaults applied).
const gops_density_def_t *gops_density_def(const gops_density_t *d);
/// Steps per window.
uint32_t gops_density_window_steps(const gops_density_t *d);

uint32_t gops_density_area_count(const gops_density_t *d);
const gops_density_area_t *gops_density_area(const gops_density_t *d, uint32_t index);
/// Index of the area with this name, or GOPS_DENSITY_NONE.
uint32_t gops_density_area_find(const gops_density_t *d, const char *name);

/// Cell id containing p (m), or GOPS_DENSITY_NONE off the grid.
uint32_t gops_density_cell_at(const gops_density_t *d, gops_point_t p);
/// Walkable centroid of a cell (the mean of its walkable raster cell centres; the cell's
/// centre when it has none), m.
gops_point_t gops_density_cell_point(const gops_density_t *d, uint32_t cell);
/// Name of the place containing p: the innermost named walkable polygon, else the
/// innermost named special zone, else the nearest named road within road_search_m, else
/// "elsewhere". Slow (build-time lookups); for reports, not for every step.
const char *gops_density_name_at(const gops_density_t *d, gops_point_t p);

#endif
