// SPDX-License-Identifier: MIT
// On-disk cache of distance fields, keyed by the walkable geometry (and blocked mask), the
// source set, the speed field and the field kind, so a warm start skips the fast marching.
// A file that is missing, corrupt or for another key is never trusted: the caller
// recomputes. Does not compute fields itself except through the *_cached conveniences.
#ifndef GOPS_CROWD_FIELD_CACHE_H
#define GOPS_CROWD_FIELD_CACHE_H

#include "crowd/field.h"

#include <stddef.h>
#include <stdint.h>

/// What a cached field holds (part of the key: fields of different kinds never mix).
typedef enum gops_field_kind {
    GOPS_FIELD_KIND_DISTANCE = 1,    ///< gops_field_compute without speed, m
    GOPS_FIELD_KIND_TRAVEL_TIME = 2, ///< gops_field_compute with a speed field, s at 1 m/s
    GOPS_FIELD_KIND_WALL = 3,        ///< gops_field_wall_distance, m
} gops_field_kind_t;

/// Everything a cached field depends on. Two keys are equal when all members are.
typedef struct gops_field_key {
    uint64_t geometry; ///< gops_field_geometry_hash (blocked mask included; NULL for walls)
    uint64_t sources;  ///< hash of the sorted, de-duplicated source indices (0 for walls)
    uint64_t speed;    ///< hash of the speed field (0 without one)
    uint32_t kind;     ///< gops_field_kind_t
    uint32_t count;    ///< walkable cells (walk->count)
} gops_field_key_t;

/// Key of gops_field_compute(walk, sources, source_count, blocked, speed): the same source
/// set in any order or with repeats gives the same key (and the same field). GOPS_NOMEM.
gops_status_t gops_field_key_compute(const gops_walkable_t *walk, const uint32_t *sources, uint32_t source_count,
                                     const uint8_t *blocked, const float *speed, gops_field_key_t *key,
                                     gops_error_t *err);
/// Key of gops_field_wall_distance(walk).
gops_field_key_t gops_field_key_wall(const gops_walkable_t *walk);

/// Default cache folder: $GRIDOPS_CACHE_DIR when set, else $XDG_CACHE_HOME/gridops (when
/// absolute), else $HOME/.cache/gridops. GOPS_IO when none applies or it does not fit `size`.
gops_status_t gops_field_cache_default_dir(char *buf, size_t size, gops_error_t *err);

/// The folder runs keep fields in: "fields-<program version>" inside
/// gops_field_cache_default_dir, so a build never reads another build's fields (whose
/// march may differ). NULL, fields computed every run, when $GRIDOPS_CACHE_DIR is "off", no
/// folder applies or the name does not fit `size` (logged at debug level).
const char *gops_field_cache_run_dir(char *buf, size_t size);

/// File name of a key's cache entry inside a cache folder ("field-distance-<16 hex>.bin").
gops_status_t gops_field_cache_path(const char *dir, const gops_field_key_t *key, char *buf, size_t size,
                                    gops_error_t *err);

/// Loads the field cached for `key` from folder `dir` into `out` (allocated; free with
/// gops_field_free). GOPS_OK only for a file with the right magic, version, byte order,
/// key, size and checksum and sane values; otherwise GOPS_IO (missing file: a plain miss;
/// anything else is also logged at debug level) and `out` is left empty: recompute.
/// GOPS_NOMEM.
gops_status_t gops_field_cache_load(const char *dir, const gops_field_key_t *key, gops_field_t *out,
                                    gops_error_t *err);
/// Writes `field` for `key` into `dir` (created with its parents when missing), through a
/// temporary file renamed into place, so readers never see half a file. GOPS_IO.
gops_status_t gops_field_cache_store(const char *dir, const gops_field_key_t *key, const gops_field_t *field,
                                     gops_error_t *err);

/// gops_field_compute through the cache: loads when a valid entry exists, otherwise
/// computes and stores (a failed store is logged at debug level, not an error). `dir` NULL
/// disables the cache. Errors as gops_field_compute.
gops_status_t gops_field_compute_cached(const char *dir, const gops_walkable_t *walk, const uint32_t *sources,
                                        uint32_t source_count, const uint8_t *blocked, const float *speed,
                                        gops_field_t *out, gops_error_t *err);
/// gops_field_wall_distance through the cache, likewise.
gops_status_t gops_field_wall_distance_cached(const char *dir, const gops_walkable_t *walk, gops_field_t *out,
                                              gops_error_t *err);

#endif
