// SPDX-License-Identifier: MIT
// The program's version: "<project version>+<git describe>" (e.g. "0.1.0+24c3cac", with
// "-dirty" for a modified tree), taken at every build by cmake/version.cmake. Reports,
// summaries, checkpoints, studies and the field cache's folder carry it.
#ifndef GOPS_CORE_VERSION_H
#define GOPS_CORE_VERSION_H

extern const char gops_version[];

#endif
