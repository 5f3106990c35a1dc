// SPDX-License-Identifier: MIT
// Simulation calendar: strict parsing of clock times, dates and durations from scenarios
// and the command line, and formatting of local times. No wall clock, no time zones.
#ifndef GOPS_CORE_SIMTIME_H
#define GOPS_CORE_SIMTIME_H

#include "gridops/status.h"
#include "gridops/types.h"
#include <stddef.h>

/// Local time of a civil date and time (proleptic Gregorian). Fields are not range-checked
/// here; use gops_time_parse_datetime for user input.
gops_local_time_t gops_time_from_civil(int year, int month, int day, int hour, int minute,
                                       int second);
/// Splits a local time into civil fields (any pointer may be NULL).
void gops_time_to_civil(gops_local_time_t t, int *year, int *month, int *day, int *hour,
                        int *minute, int *second);
/// "HH:MM" or "HH:MM:SS" (00:00..23:59:59; "24:00" is accepted as end of day = 86400)
/// → seconds since midnight.
gops_status_t gops_time_parse_clock(const char *text, int64_t *seconds_of_day, gops_error_t *err);
/// "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DDTHH:MM[:SS]" or "YYYY-MM-DD" (midnight), with a
/// real calendar date → local time.
gops_status_t gops_time_parse_datetime(const char *text, gops_local_time_t *t, gops_error_t *err);
/// Durations "90s", "15m", "2h", "1d", "1h30m", "1.5h", "0.1s" → seconds (> 0 unless
/// allow_zero). A bare number is refused: the unit must be explicit.
gops_status_t gops_time_parse_duration(const char *text, double *seconds, int allow_zero,
                                       gops_error_t *err);
/// Writes "YYYY-MM-DD HH:MM:SS" (20 bytes with the terminator) into buf.
void gops_time_format(gops_local_time_t t, char *buf, size_t size);
/// Writes a duration compactly: "45s", "15m", "2h30m", "1d2h".
void gops_duration_format(double seconds, char *buf, size_t size);

#endif
