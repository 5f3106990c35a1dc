// SPDX-License-Identifier: MIT
// The on-disk field cache (field_cache.h). One file per key, in the host's byte order
// (a marker in the header rejects files from another order). Layout, 48-byte header then
// payload then checksum:
//   0 magic "GOPSFLD\0" | 8 u32 version | 12 u32 byte-order marker | 16 u64 geometry
//   24 u64 sources | 32 u64 speed | 40 u32 kind | 44 u32 count | 48 float[count] | u64 checksum
// The checksum covers header and payload. Does not decide when fields are stale: the key does.
#include "crowd/field_cache.h"

#include "core/assert.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/version.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "GOPSFLD"             // 8 bytes with the terminating NUL
// Covers the layout and the results of field.c: bump it whenever either changes (a new
// march, seeding or wall rule), so caches written by older builds are recomputed.
#define VERSION 1u
#define BYTE_ORDER_MARK 0x01020304u
#define HEADER_SIZE 48u

// ---- keys --------------------------------------------------------------------------------

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

gops_status_t gops_field_key_compute(const gops_walkable_t *walk, const uint32_t *sources, uint32_t source_count,
                                     const uint8_t *blocked, const float *speed, gops_field_key_t *key,
                                     gops_error_t *err)
{
    GOPS_ASSERT(walk && key && (sources || source_count == 0));
    uint32_t *sorted = malloc((source_count ? source_count : 1) * sizeof *sorted);
    if (!sorted) return gops_error_set(err, GOPS_NOMEM, "field cache key: out of memory for %u sources", source_count);
    if (source_count) memcpy(sorted, sources, source_count * sizeof *sorted);
    qsort(sorted, source_count, sizeof *sorted, cmp_u32);
    gops_hash_t h;
    gops_hash_init(&h);
    uint64_t distinct = 0;
    for (uint32_t s = 0; s < source_count; s++) {
        if (s > 0 && sorted[s] == sorted[s - 1]) continue;
        gops_hash_u64(&h, sorted[s]);
        distinct++;
    }
    gops_hash_u64(&h, distinct);
    free(sorted);
    *key = (gops_field_key_t){
        .geometry = gops_field_geometry_hash(walk, blocked),
        .sources = gops_hash_final(&h),
        .speed = 0,
        .kind = speed ? GOPS_FIELD_KIND_TRAVEL_TIME : GOPS_FIELD_KIND_DISTANCE,
        .count = walk->count,
    };
    if (speed) {
        gops_hash_t hs;
        gops_hash_init(&hs);
        gops_hash_f32_array(&hs, speed, walk->count);
        key->speed = gops_hash_final(&hs);
    }
    return GOPS_OK;
}

gops_field_key_t gops_field_key_wall(const gops_walkable_t *walk)
{
    return (gops_field_key_t){
        .geometry = gops_field_geometry_hash(walk, NULL),
        .kind = GOPS_FIELD_KIND_WALL,
        .count = walk->count,
    };
}

static const char *kind_name(uint32_t kind)
{
    switch (kind) {
    case GOPS_FIELD_KIND_DISTANCE: return "distance";
    case GOPS_FIELD_KIND_TRAVEL_TIME: return "time";
    case GOPS_FIELD_KIND_WALL: return "wall";
    default: return "other";
    }
}

// ---- paths -------------------------------------------------------------------------------

// mkdir -p (output/ has one too, but crowd/ does not depend on the output layer).
static gops_status_t make_dirs(const char *path, gops_error_t *err)
{
    char buf[1024];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return gops_error_set(err, GOPS_IO, "field cache: folder name %s too long", path);
    for (char *p = buf + 1;; p++) {
        bool end = *p == '\0';
        if (!end && *p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return gops_error_set(err, GOPS_IO, "field cache: cannot create folder %s (%s)", buf, strerror(errno));
        if (end) break;
        *p = '/';
    }
    return GOPS_OK;
}

gops_status_t gops_field_cache_default_dir(char *buf, size_t size, gops_error_t *err)
{
    const char *own = getenv("GRIDOPS_CACHE_DIR");
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (own && *own)
        n = snprintf(buf, size, "%s", own);
    else if (xdg && xdg[0] == '/') // the XDG spec says relative values are to be ignored
        n = snprintf(buf, size, "%s/gridops", xdg);
    else if (home && *home)
        n = snprintf(buf, size, "%s/.cache/gridops", home);
    else
        return gops_error_set(err, GOPS_IO,
                              "field cache: no folder (expected GRIDOPS_CACHE_DIR, XDG_CACHE_HOME or HOME to be set)");
    if (n < 0 || (size_t)n >= size)
        return gops_error_set(err, GOPS_IO, "field cache: folder name longer than %zu bytes", size ? size - 1 : 0);
    return GOPS_OK;
}

const char *gops_field_cache_run_dir(char *buf, size_t size)
{
    const char *own = getenv("GRIDOPS_CACHE_DIR");
    if (own && strcmp(own, "off") == 0) return NULL;
    char base[900];
    gops_error_t err;
    gops_error_clear(&err);
    if (gops_field_cache_default_dir(base, sizeof base, &err) != GOPS_OK) {
        gops_log(GOPS_LOG_DEBUG, "%s: fields are computed every run", err.message);
        return NULL;
    }
    int n = snprintf(buf, size, "%s/fields-%s", base, gops_version);
    if (n < 0 || (size_t)n >= size) {
        gops_log(GOPS_LOG_DEBUG, "field cache: folder name in %s too long: fields are computed every run", base);
        return NULL;
    }
    return buf;
}

gops_status_t gops_field_cache_path(const char *dir, const gops_field_key_t *key, char *buf, size_t size,
                                    gops_error_t *err)
{
    gops_hash_t h;
    gops_hash_init(&h);
    gops_hash_u64(&h, key->geometry);
    gops_hash_u64(&h, key->sources);
    gops_hash_u64(&h, key->speed);
    gops_hash_u64(&h, key->kind);
    gops_hash_u64(&h, key->count);
    int n = snprintf(buf, size, "%s/field-%s-%016llx.bin", dir, kind_name(key->kind),
                     (unsigned long long)gops_hash_final(&h));
    if (n < 0 || (size_t)n >= size)
        return gops_error_set(err, GOPS_IO, "field cache: path in %s longer than %zu bytes", dir, size ? size - 1 : 0);
    return GOPS_OK;
}

// ---- file format -------------------------------------------------------------------------

// Word-at-a-time checksum (FNV-style multiply per 8 bytes, splitmix finaliser): fast enough
// that a warm start is bound by the disk, and any single changed word changes the result
// (each step is a bijection of the state).
typedef struct checksum {
    uint64_t h;
} checksum_t;

static void checksum_feed(checksum_t *c, const void *data, size_t size)
{
    GOPS_ASSERT(size % 8 == 0);
    const unsigned char *p = data;
    uint64_t h = c->h;
    for (size_t i = 0; i < size; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x100000001B3ull;
        h ^= h >> 29;
    }
    c->h = h;
}

static uint64_t checksum_final(const checksum_t *c, size_t tail_size, const void *tail)
{
    uint64_t h = c->h;
    const unsigned char *p = tail;
    for (size_t i = 0; i < tail_size; i++) h = (h ^ p[i]) * 0x100000001B3ull;
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    return h ^ (h >> 31);
}

// Checksum of header and payload: whole 8-byte words through checksum_feed, the last
// 4 bytes of an odd count through the tail.
static uint64_t file_checksum(const unsigned char header[HEADER_SIZE], const float *data, uint32_t count)
{
    checksum_t c = {0xCBF29CE484222325ull};
    checksum_feed(&c, header, HEADER_SIZE);
    size_t bytes = (size_t)count * sizeof(float), whole = bytes & ~(size_t)7;
    checksum_feed(&c, data, whole);
    return checksum_final(&c, bytes - whole, (const unsigned char *)data + whole);
}

static void put_u32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put_u64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void header_make(unsigned char h[HEADER_SIZE], const gops_field_key_t *key)
{
    memset(h, 0, HEADER_SIZE);
    memcpy(h, MAGIC, 8);
    put_u32(h + 8, VERSION);
    put_u32(h + 12, BYTE_ORDER_MARK);
    put_u64(h + 16, key->geometry);
    put_u64(h + 24, key->sources);
    put_u64(h + 32, key->speed);
    put_u32(h + 40, key->kind);
    put_u32(h + 44, key->count);
}

// ---- load ----------------------------------------------------------------------------------

// A rejected file: logged at debug level, reported as GOPS_IO so the caller recomputes.
#define REJECT(...)                                                                          \
    do {                                                                                     \
        st = gops_error_set(&why, GOPS_IO, __VA_ARGS__);                                     \
        gops_log(GOPS_LOG_DEBUG, "field cache: %s; ignoring it and recomputing", why.message); \
        if (err) *err = why;                                                                 \
        goto cleanup;                                                                        \
    } while (0)

gops_status_t gops_field_cache_load(const char *dir, const gops_field_key_t *key, gops_field_t *out,
                                    gops_error_t *err)
{
    GOPS_ASSERT(dir && key && out);
    out->dist = NULL;
    out->count = 0;
    char path[1200];
    gops_status_t st = gops_field_cache_path(dir, key, path, sizeof path, err);
    if (st != GOPS_OK) return st;
    float *data = NULL;
    gops_error_t why;
    FILE *f = fopen(path, "rb");
    if (!f) return gops_error_set(err, GOPS_IO, "%s: no cached field (%s)", path, strerror(errno));
    unsigned char have[HEADER_SIZE], want[HEADER_SIZE];
    header_make(want, key);
    struct stat sb;
    uint64_t expect_size = HEADER_SIZE + (uint64_t)key->count * sizeof(float) + 8;
    if (fstat(fileno(f), &sb) != 0) REJECT("%s: cannot stat (%s)", path, strerror(errno));
    if ((uint64_t)sb.st_size != expect_size)
        REJECT("%s: %lld bytes, expected %llu for %u cells", path, (long long)sb.st_size,
               (unsigned long long)expect_size, key->count);
    if (fread(have, 1, HEADER_SIZE, f) != HEADER_SIZE) REJECT("%s: cannot read the header", path);
    if (memcmp(have, MAGIC, 8) != 0) REJECT("%s: not a gridops field file (bad magic)", path);
    if (get_u32(have + 12) != BYTE_ORDER_MARK) REJECT("%s: written on a host of another byte order", path);
    if (get_u32(have + 8) != VERSION)
        REJECT("%s: format version %u, expected %u", path, get_u32(have + 8), VERSION);
    if (memcmp(have, want, HEADER_SIZE) != 0)
        REJECT("%s: for another key (geometry %016llx, sources %016llx, kind %u, %u cells), expected geometry "
               "%016llx, sources %016llx, kind %u, %u cells",
               path, (unsigned long long)get_u64(have + 16), (unsigned long long)get_u64(have + 24),
               get_u32(have + 40), get_u32(have + 44), (unsigned long long)key->geometry,
               (unsigned long long)key->sources, key->kind, key->count);
    data = malloc((key->count ? key->count : 1) * sizeof *data);
    if (!data) {
        st = gops_error_set(err, GOPS_NOMEM, "%s: out of memory for %u cells", path, key->count);
        goto cleanup;
    }
    unsigned char sum[8];
    if (fread(data, sizeof *data, key->count, f) != key->count || fread(sum, 1, 8, f) != 8)
        REJECT("%s: cannot read %u values and the checksum", path, key->count);
    uint64_t computed = file_checksum(have, data, key->count);
    if (get_u64(sum) != computed)
        REJECT("%s: checksum %016llx, expected %016llx (damaged file)", path, (unsigned long long)get_u64(sum),
               (unsigned long long)computed);
    for (uint32_t i = 0; i < key->count; i++)
        if (!(data[i] >= 0.0f)) // NaN or negative: no field of ours holds one
            REJECT("%s: value %g at cell %u, expected a distance >= 0", path, (double)data[i], i);
    out->dist = data;
    out->count = key->count;
    data = NULL;
cleanup:
    fclose(f);
    free(data);
    return st;
}

// ---- store ---------------------------------------------------------------------------------

gops_status_t gops_field_cache_store(const char *dir, const gops_field_key_t *key, const gops_field_t *field,
                                     gops_error_t *err)
{
    GOPS_ASSERT(dir && key && field && field->count == key->count);
    char path[1200], tmp[1300];
    gops_status_t st = gops_field_cache_path(dir, key, path, sizeof path, err);
    if (st != GOPS_OK) return st;
    if ((st = make_dirs(dir, err)) != GOPS_OK) return st;
    // A unique temporary name: several processes of a sweep may store the same field at once.
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) return gops_error_set(err, GOPS_IO, "%s: cannot create a temporary file (%s)", path, strerror(errno));
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        st = gops_error_set(err, GOPS_IO, "%s: cannot open %s (%s)", path, tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return st;
    }
    unsigned char header[HEADER_SIZE], sum[8];
    header_make(header, key);
    put_u64(sum, file_checksum(header, field->dist, field->count));
    bool ok = fwrite(header, 1, HEADER_SIZE, f) == HEADER_SIZE &&
              fwrite(field->dist, sizeof *field->dist, field->count, f) == field->count &&
              fwrite(sum, 1, 8, f) == 8;
    int e = errno;
    // No fsync: a file torn by a crash fails its size or checksum check and is recomputed.
    if (fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok) {
        unlink(tmp);
        return gops_error_set(err, GOPS_IO, "%s: cannot write (%s)", path, strerror(e));
    }
    if (rename(tmp, path) != 0) {
        e = errno;
        unlink(tmp);
        return gops_error_set(err, GOPS_IO, "%s: cannot rename %s into place (%s)", path, tmp, strerror(e));
    }
    return GOPS_OK;
}

// ---- conveniences --------------------------------------------------------------------------

static void store_quietly(const char *dir, const gops_field_key_t *key, const gops_field_t *field)
{
    gops_error_t e;
    gops_error_clear(&e);
    if (gops_field_cache_store(dir, key, field, &e) != GOPS_OK)
        gops_log(GOPS_LOG_DEBUG, "field cache: %s (the field is used uncached)", e.message);
}

gops_status_t gops_field_compute_cached(const char *dir, const gops_walkable_t *walk, const uint32_t *sources,
                                        uint32_t source_count, const uint8_t *blocked, const float *speed,
                                        gops_field_t *out, gops_error_t *err)
{
    if (!dir) return gops_field_compute(walk, sources, source_count, blocked, speed, out, err);
    gops_field_key_t key;
    gops_status_t st = gops_field_key_compute(walk, sources, source_count, blocked, speed, &key, err);
    if (st != GOPS_OK) return st;
    gops_error_t miss;
    gops_error_clear(&miss);
    if (gops_field_cache_load(dir, &key, out, &miss) == GOPS_OK) return GOPS_OK;
    if (miss.status == GOPS_NOMEM) return gops_error_set(err, GOPS_NOMEM, "%s", miss.message);
    st = gops_field_compute(walk, sources, source_count, blocked, speed, out, err);
    if (st == GOPS_OK) store_quietly(dir, &key, out);
    return st;
}

gops_status_t gops_field_wall_distance_cached(const char *dir, const gops_walkable_t *walk, gops_field_t *out,
                                              gops_error_t *err)
{
    if (!dir) return gops_field_wall_distance(walk, out, err);
    gops_field_key_t key = gops_field_key_wall(walk);
    gops_error_t miss;
    gops_error_clear(&miss);
    if (gops_field_cache_load(dir, &key, out, &miss) == GOPS_OK) return GOPS_OK;
    if (miss.status == GOPS_NOMEM) return gops_error_set(err, GOPS_NOMEM, "%s", miss.message);
    gops_status_t st = gops_field_wall_distance(walk, out, err);
    if (st == GOPS_OK) store_quietly(dir, &key, out);
    return st;
}
