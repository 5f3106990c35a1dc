// SPDX-License-Identifier: MIT
// Reading a study file (STUDY.lua declaring one study{...}) in the scenario sandbox, and
// checking every design point against the base scenario before anything runs, so a typo in
// a factor is exit 2 at once rather than a failed run hours later. Lives here because only
// scenario/ includes Lua; ensemble/ uses it. Does not run scenarios.
#ifndef GOPS_SCENARIO_STUDY_FILE_H
#define GOPS_SCENARIO_STUDY_FILE_H

#include "ensemble/study.h"

/// Command-line changes to a study, applied after the file is read.
typedef struct gops_study_overrides {
    const char *const *sets; ///< extra "key=value" for every run (from --set); may not name a factor
    int set_count;
    uint32_t replications;   ///< > 0 replaces the file's count
} gops_study_overrides_t;

/// Loads and checks a study file: unknown keys name the nearest valid one; every design
/// point's overrides are validated by loading the scenario with them; the scenario hash
/// (the scenario file and the map files its points use) is computed. Messages read "file:line: ..." for errors inside study{} and "file: ..." for
/// design errors. NULL with err set on failure (status GOPS_LUA_* or GOPS_BAD_VALUE, exit 2).
gops_study_t *gops_study_load(const char *path, const gops_study_overrides_t *overrides, gops_error_t *err);

#endif
