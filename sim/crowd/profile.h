// SPDX-License-Identifier: MIT
// Time-of-day arrival profiles: the share of a day's visitors arriving in each 15-minute
// slot, read strictly from CSV (assets/profiles/*.csv, format in assets/profiles/README.md).
// Owns parsing and slot arithmetic only; turning shares into visitors is demand.c's job.
#ifndef GOPS_CROWD_PROFILE_H
#define GOPS_CROWD_PROFILE_H

#include "gridops/status.h"

#include <stddef.h>

#define GOPS_PROFILE_SLOTS 96      ///< 15-minute slots in a day
#define GOPS_PROFILE_SLOT_S 900.0  ///< s per slot
#define GOPS_DAY_S 86400.0         ///< s per day

/// Which kind of day a profile and the default demand describe.
typedef enum gops_day_kind {
    GOPS_DAY_WEEKDAY,
    GOPS_DAY_HOLIDAY,
    GOPS_DAY_KIND_COUNT
} gops_day_kind_t;

/// "weekday" / "holiday"; "?" when out of range.
const char *gops_day_kind_name(gops_day_kind_t kind);
/// -1 for an unknown or NULL name.
int gops_day_kind_from_name(const char *name);

/// A day's arrival profile. share[k] is the fraction of the day's arrivals in slot k
/// ([k·900 s, (k+1)·900 s) after midnight); every share ≥ 0 and they sum to 1 (normalised
/// exactly on load). Arrivals are uniform in time within a slot.
typedef struct gops_profile {
    double share[GOPS_PROFILE_SLOTS];
} gops_profile_t;

/// Parses profile CSV text. `name` is used in messages only ("visitors.csv:12: ...").
/// Header `time,share` (shares must sum to 1 within 1e-6) or `time,weight` (any
/// non-negative weights with a positive sum, normalised). Exactly 96 rows, times "HH:MM"
/// from 00:00 to 23:45 in order; blank lines and lines starting with '#' are ignored.
/// GOPS_BAD_VALUE names the line, what was found and what was expected.
gops_status_t gops_profile_parse(const char *text, size_t len, const char *name, gops_profile_t *out,
                                 gops_error_t *err);
/// Reads and parses a profile file; GOPS_IO when it cannot be read.
gops_status_t gops_profile_load(const char *path, gops_profile_t *out, gops_error_t *err);
/// Path of the profile shipped for a kind of day, relative to the source tree
/// ("assets/profiles/visitors_weekday.csv").
const char *gops_profile_default_path(gops_day_kind_t kind);
/// Loads the shipped profile for a kind of day, looking in ./ and then in the source tree.
gops_status_t gops_profile_load_default(gops_day_kind_t kind, gops_profile_t *out, gops_error_t *err);
/// Builds a profile from 96 non-negative weights with a positive sum (normalised).
/// GOPS_BAD_VALUE names the first bad slot.
gops_status_t gops_profile_from_weights(const double *weights, size_t count, gops_profile_t *out,
                                        gops_error_t *err);

/// Slot containing time t (s after midnight of day 0, t ≥ 0); counts on past 95 into later
/// days, so slot % 96 is the profile row.
long gops_profile_slot(double t_s);
/// Share of the slot containing t (profiles repeat every day).
double gops_profile_share_at(const gops_profile_t *p, double t_s);
/// Expected fraction of one day's arrivals falling in [t0, t1) (s, 0 ≤ t0 ≤ t1; spans of
/// several days add up): the integral of the piecewise-constant rate.
double gops_profile_fraction(const gops_profile_t *p, double t0_s, double t1_s);

#endif
