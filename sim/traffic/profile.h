// SPDX-License-Identifier: MIT
// Time-of-day tables for traffic demand (assets/profiles/traffic_*.csv): rows "HH:MM" with
// named numeric columns, each value holding until the next row's time (the day wraps).
// Owns parsing and lookup; what the columns mean is demand.c's, buses.c's and parking.c's.
#ifndef GOPS_TRAFFIC_PROFILE_H
#define GOPS_TRAFFIC_PROFILE_H

#include "gridops/status.h"
#include "gridops/types.h"

#include <stddef.h>
#include <stdint.h>

#define GOPS_TPROFILE_MAX_ROWS 288  ///< one row per 5 minutes at most
#define GOPS_TPROFILE_MAX_COLS 16
#define GOPS_TPROFILE_NAME_MAX 40

typedef struct gops_tprofile {
    char source[128];                ///< file name, for messages
    uint32_t rows, cols;             ///< data columns (after `time`)
    char col[GOPS_TPROFILE_MAX_COLS][GOPS_TPROFILE_NAME_MAX];
    int32_t t[GOPS_TPROFILE_MAX_ROWS]; ///< s after midnight, strictly increasing, t[0] = 0
    double v[GOPS_TPROFILE_MAX_ROWS][GOPS_TPROFILE_MAX_COLS];
} gops_tprofile_t;

/// Parses CSV text: a header `time,<name>,...` (names [a-z0-9_], unique), then rows
/// `HH:MM,<number>,...` with times strictly increasing from 00:00 and finite non-negative
/// numbers. Blank lines and lines starting with '#' are skipped. GOPS_BAD_VALUE names
/// the file, the line, what was found and what was expected.
gops_status_t gops_tprofile_parse(const char *text, size_t len, const char *source, gops_tprofile_t *out,
                                  gops_error_t *err);
/// Reads and parses a file; GOPS_IO when it cannot be read.
gops_status_t gops_tprofile_load(const char *path, gops_tprofile_t *out, gops_error_t *err);
/// Loads `name` (e.g. "traffic_vehicles.csv") from `dir`, or when dir is NULL from
/// ./assets/profiles and then the source tree's assets/profiles.
gops_status_t gops_tprofile_load_named(const char *dir, const char *name, gops_tprofile_t *out, gops_error_t *err);
/// Column index by name, or -1.
int gops_tprofile_column(const gops_tprofile_t *p, const char *name);
/// Column index of "<prefix><mode name>" ("double_park_" + "holiday"); -1 when absent.
int gops_tprofile_mode_column(const gops_tprofile_t *p, const char *prefix, gops_mode_t mode);
/// Requires the columns "<prefix><mode>" for all four modes; writes their indices.
/// GOPS_BAD_VALUE names the missing column.
gops_status_t gops_tprofile_require_modes(const gops_tprofile_t *p, const char *prefix, int cols[GOPS_MODE_COUNT],
                                          gops_error_t *err);
/// Value of column `col` at time of day t (s; any real, wrapped into the day).
double gops_tprofile_at(const gops_tprofile_t *p, int col, double t);

#endif
