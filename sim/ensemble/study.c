// SPDX-License-Identifier: MIT
// The study definition (see study.h): design expansion, run indexing, seeds, per-point
// overrides and the study.json manifest. Ordering rules: factors and levels keep the order
// the study file lists them in; the full factorial varies the first factor slowest; runs go
// replication-major; fixed sets are sorted by key. Nothing here depends on Lua's table order.
#include "ensemble/study.h"

#include "core/assert.h"
#include "core/rng.h"
#include "core/version.h"
#include "metrics/kpi.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gops_study_t *gops_study_create(void)
{
    gops_study_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->replications = 1;
    s->seeds = GOPS_STUDY_SEEDS_COMMON;
    s->confidence = 0.95;
    snprintf(s->version, sizeof s->version, "%s", gops_version);
    return s;
}

void gops_study_destroy(gops_study_t *s)
{
    if (!s) return;
    free(s->points);
    free(s);
}

/// Names the study in messages: its file once known, "study{}" while the file is read (the
/// sandbox then adds "file:line: " in front).
static const char *study_where(const gops_study_t *s)
{
    return s->path[0] ? s->path : "study{}";
}

int gops_study_factor_index(const gops_study_t *s, const char *key)
{
    for (uint32_t f = 0; f < s->factor_count; f++)
        if (strcmp(s->factors[f].key, key) == 0) return (int)f;
    return -1;
}

int gops_study_level_index(const gops_study_t *s, uint32_t factor, const char *level)
{
    GOPS_ASSERT(factor < s->factor_count);
    const gops_study_factor_t *f = &s->factors[factor];
    for (uint32_t l = 0; l < f->level_count; l++)
        if (strcmp(f->levels[l], level) == 0) return (int)l;
    return -1;
}

gops_status_t gops_study_add_factor(gops_study_t *s, const char *key, gops_error_t *err)
{
    if (s->factor_count == GOPS_STUDY_MAX_FACTORS)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: too many factors: at most %d", study_where(s),
                              GOPS_STUDY_MAX_FACTORS);
    if (!key[0] || strlen(key) >= GOPS_STUDY_TEXT_MAX)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: factor key \"%.80s\": expected a scenario key of 1..%d bytes",
                              study_where(s), key, GOPS_STUDY_TEXT_MAX - 1);
    if (gops_study_factor_index(s, key) >= 0)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: factor '%s' is listed twice", study_where(s), key);
    gops_study_factor_t *f = &s->factors[s->factor_count++];
    memset(f, 0, sizeof *f);
    snprintf(f->key, sizeof f->key, "%s", key);
    return GOPS_OK;
}

gops_status_t gops_study_add_level(gops_study_t *s, uint32_t factor, const char *level, gops_error_t *err)
{
    GOPS_ASSERT(factor < s->factor_count);
    gops_study_factor_t *f = &s->factors[factor];
    if (f->level_count == GOPS_STUDY_MAX_LEVELS)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: factor '%s' has too many levels: at most %d", study_where(s),
                              f->key, GOPS_STUDY_MAX_LEVELS);
    if (strlen(level) >= GOPS_STUDY_TEXT_MAX || strchr(level, '\n') || strchr(level, '\r'))
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: factor '%s': level \"%.80s\" is too long or spans lines "
                              "(expected one line of at most %d bytes)", study_where(s), f->key, level,
                              GOPS_STUDY_TEXT_MAX - 1);
    if (gops_study_level_index(s, factor, level) >= 0)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: factor '%s' lists level %s twice", study_where(s), f->key,
                              level);
    snprintf(f->levels[f->level_count++], GOPS_STUDY_TEXT_MAX, "%s", level);
    return GOPS_OK;
}

static gops_status_t grow_points(gops_study_t *s, uint32_t count, gops_error_t *err)
{
    void *p = realloc(s->points, (size_t)count * sizeof s->points[0]);
    if (!p) return gops_error_set(err, GOPS_NOMEM, "%s: out of memory for %u design points", study_where(s), count);
    s->points = p;
    return GOPS_OK;
}

gops_status_t gops_study_add_point(gops_study_t *s, const char *const *levels, gops_error_t *err)
{
    if (s->point_count >= GOPS_STUDY_MAX_RUNS)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: too many design points: at most %d", study_where(s),
                              GOPS_STUDY_MAX_RUNS);
    uint8_t idx[GOPS_STUDY_MAX_FACTORS] = {0};
    for (uint32_t f = 0; f < s->factor_count; f++) {
        int l = gops_study_level_index(s, f, levels[f]);
        if (l < 0)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s: design point %u: %s = %s is not one of the factor's "
                                  "levels (list it in factors first)", study_where(s), s->point_count + 1,
                                  s->factors[f].key, levels[f]);
        idx[f] = (uint8_t)l;
    }
    for (uint32_t p = 0; p < s->point_count; p++)
        if (memcmp(s->points[p], idx, sizeof idx) == 0)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s: design point %u repeats point %u", study_where(s),
                                  s->point_count + 1, p + 1);
    gops_status_t st = grow_points(s, s->point_count + 1, err);
    if (st != GOPS_OK) return st;
    memcpy(s->points[s->point_count++], idx, sizeof idx);
    s->listed = true;
    return GOPS_OK;
}

/// The full factorial: odometer order with the last factor varying fastest.
static gops_status_t expand_full(gops_study_t *s, gops_error_t *err)
{
    uint64_t total = 1;
    for (uint32_t f = 0; f < s->factor_count; f++) {
        total *= s->factors[f].level_count;
        if (total > GOPS_STUDY_MAX_RUNS) break;
    }
    if (total * s->replications > GOPS_STUDY_MAX_RUNS)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: the full factorial has more than %d runs (design points x "
                              "replications); list the points to run with design = {...}", study_where(s),
                              GOPS_STUDY_MAX_RUNS);
    gops_status_t st = grow_points(s, (uint32_t)total, err);
    if (st != GOPS_OK) return st;
    uint8_t idx[GOPS_STUDY_MAX_FACTORS] = {0};
    for (uint32_t p = 0; p < total; p++) {
        memcpy(s->points[p], idx, sizeof idx);
        for (int f = (int)s->factor_count - 1; f >= 0; f--) {
            if (++idx[f] < s->factors[f].level_count) break;
            idx[f] = 0;
        }
    }
    s->point_count = (uint32_t)total;
    return GOPS_OK;
}

/// A KPI name a run can report: a numeric built-in, or a scenario-defined name (lower-case
/// letters, digits and '_', starting with a letter) that set_kpi may produce.
static gops_status_t check_kpi(const gops_study_t *s, const char *name, gops_error_t *err)
{
    int id = gops_kpi_from_name(name);
    if (id >= 0) {
        if (gops_kpi_is_text((gops_kpi_id_t)id))
            return gops_error_set(err, GOPS_BAD_VALUE, "%s: kpis: '%s' is a text KPI; expected a numeric one",
                                  study_where(s), name);
        return GOPS_OK;
    }
    bool ok = name[0] >= 'a' && name[0] <= 'z';
    for (const char *c = name; ok && *c; c++) ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_';
    if (!ok) {
        gops_kpis_t none;
        gops_kpis_init(&none);
        const char *near = gops_kpis_nearest(&none, name);
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: kpis: '%s' is not a KPI name%s%s%s (expected a summary.json "
                              "kpi name or a set_kpi name: lower-case letters, digits, '_')", study_where(s), name,
                              near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    }
    return GOPS_OK;
}

gops_status_t gops_study_finish(gops_study_t *s, gops_error_t *err)
{
    if (!s->name[0]) return gops_error_set(err, GOPS_BAD_VALUE, "%s: study{} has no name", study_where(s));
    if (s->replications < 1)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: replications: expected at least 1", study_where(s));
    if (!(s->confidence >= 0.5 && s->confidence <= 0.999))
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: confidence: found %g, expected 0.5..0.999", study_where(s),
                              s->confidence);
    for (uint32_t f = 0; f < s->factor_count; f++)
        if (s->factors[f].level_count == 0)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s: factor '%s' has no levels", study_where(s),
                                  s->factors[f].key);
    if (!s->listed) {
        gops_status_t st = expand_full(s, err);
        if (st != GOPS_OK) return st;
    } else if ((uint64_t)s->point_count * s->replications > GOPS_STUDY_MAX_RUNS) {
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: %u design points x %u replications is more than %d runs",
                              study_where(s), s->point_count, s->replications, GOPS_STUDY_MAX_RUNS);
    }
    if (s->kpi_count == 0)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: kpis: expected at least one KPI to collect, e.g. "
                              "kpis = { \"response_time_p90_s\", \"coverage_5min\" }", study_where(s));
    for (uint32_t k = 0; k < s->kpi_count; k++) {
        gops_status_t st = check_kpi(s, s->kpis[k], err);
        if (st != GOPS_OK) return st;
        for (uint32_t j = 0; j < k; j++)
            if (strcmp(s->kpis[j], s->kpis[k]) == 0)
                return gops_error_set(err, GOPS_BAD_VALUE, "%s: kpis: '%s' is listed twice", study_where(s), s->kpis[k]);
    }
    if (s->compare_count > 0 && s->seeds != GOPS_STUDY_SEEDS_COMMON)
        return gops_error_set(err, GOPS_BAD_VALUE, "%s: compare needs seeds = \"common\" (paired differences pair "
                              "runs that share a seed)", study_where(s));
    for (uint32_t c = 0; c < s->compare_count; c++) {
        const gops_study_compare_t *cmp = &s->compares[c];
        GOPS_ASSERT(cmp->factor < s->factor_count && cmp->from != cmp->to &&
                    cmp->from < s->factors[cmp->factor].level_count && cmp->to < s->factors[cmp->factor].level_count);
        bool paired = false;
        for (uint32_t p = 0; p < s->point_count && !paired; p++) {
            if (s->points[p][cmp->factor] != cmp->from) continue;
            for (uint32_t q = 0; q < s->point_count && !paired; q++) {
                if (s->points[q][cmp->factor] != cmp->to) continue;
                bool same = true;
                for (uint32_t f = 0; f < s->factor_count; f++)
                    if (f != cmp->factor && s->points[p][f] != s->points[q][f]) same = false;
                paired = same;
            }
        }
        const gops_study_factor_t *f = &s->factors[cmp->factor];
        if (!paired)
            return gops_error_set(err, GOPS_BAD_VALUE, "%s: compare %s %s -> %s: the design has no pair of points that "
                                  "differ only in %s", study_where(s), f->key, f->levels[cmp->from],
                                  f->levels[cmp->to], f->key);
    }
    return GOPS_OK;
}

uint32_t gops_study_run_count(const gops_study_t *s)
{
    return s->point_count * s->replications;
}

uint64_t gops_study_seed(const gops_study_t *s, uint32_t point, uint32_t replication)
{
    uint64_t n = s->seeds == GOPS_STUDY_SEEDS_COMMON ? replication : gops_study_run_index(s, point, replication);
    // splitmix64's state advances by its constant per output, so this is output n of the
    // sequence seeded with base_seed, computed without stepping through the first n.
    uint64_t state = s->base_seed + n * UINT64_C(0x9E3779B97F4A7C15);
    return gops_splitmix64(&state) >> 11;
}

uint32_t gops_study_run_index(const gops_study_t *s, uint32_t point, uint32_t replication)
{
    GOPS_ASSERT(point < s->point_count && replication < s->replications);
    return replication * s->point_count + point;
}

gops_study_run_t gops_study_run(const gops_study_t *s, uint32_t run)
{
    GOPS_ASSERT(run < gops_study_run_count(s));
    gops_study_run_t r = {.run = run, .point = run % s->point_count, .replication = run / s->point_count};
    r.seed = gops_study_seed(s, r.point, r.replication);
    return r;
}

static int set_rank(const char *set)
{
    size_t n = strcspn(set, "=");
    if (n == 5 && strncmp(set, "start", 5) == 0) return 0;
    if (n == 3 && strncmp(set, "day", 3) == 0) return 1;
    return 2;
}

uint32_t gops_study_point_sets(const gops_study_t *s, uint32_t point, char (*buf)[GOPS_STUDY_SET_MAX],
                               const char **out, uint32_t max)
{
    GOPS_ASSERT(point < s->point_count);
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->set_count && n < max; i++) {
        snprintf(buf[n], GOPS_STUDY_SET_MAX, "%s", s->sets[i]);
        n++;
    }
    for (uint32_t f = 0; f < s->factor_count && n < max; f++) {
        snprintf(buf[n], GOPS_STUDY_SET_MAX, "%s=%s", s->factors[f].key, s->factors[f].levels[s->points[point][f]]);
        n++;
    }
    // Stable: start, then day, then the rest in the order above (scenario{} applies `day`
    // before keys it resets, such as crowd.visitors).
    uint32_t k = 0;
    for (int rank = 0; rank < 3; rank++)
        for (uint32_t i = 0; i < n; i++)
            if (set_rank(buf[i]) == rank) out[k++] = buf[i];
    return n;
}

void gops_study_point_label(const gops_study_t *s, uint32_t point, char *buf, size_t size)
{
    GOPS_ASSERT(point < s->point_count && size > 0);
    if (s->factor_count == 0) {
        snprintf(buf, size, "all runs");
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t f = 0; f < s->factor_count && used < size; f++) {
        int n = snprintf(buf + used, size - used, "%s%s=%s", f ? ", " : "", s->factors[f].key,
                         s->factors[f].levels[s->points[point][f]]);
        if (n < 0) break;
        used += (size_t)n;
    }
}

// ---------------------------------------------------------------------------------------
// Manifest

/// A JSON array of `count` strings stored `stride` bytes apart from `first` (a char[][N]).
static cJSON *string_array(const char *first, uint32_t count, size_t stride)
{
    cJSON *a = cJSON_CreateArray();
    for (uint32_t i = 0; i < count; i++) cJSON_AddItemToArray(a, cJSON_CreateString(first + i * stride));
    return a;
}

char *gops_study_manifest_json(const gops_study_t *s)
{
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    cJSON_AddStringToObject(root, "study", s->name);
    cJSON_AddStringToObject(root, "description", s->description);
    cJSON_AddStringToObject(root, "study_path", s->path);
    cJSON_AddStringToObject(root, "scenario_path", s->scenario_path);
    cJSON_AddStringToObject(root, "scenario_hash", s->scenario_hash);
    cJSON_AddStringToObject(root, "version", s->version);
    cJSON_AddNumberToObject(root, "base_seed", (double)s->base_seed);
    cJSON_AddStringToObject(root, "seeds", s->seeds == GOPS_STUDY_SEEDS_COMMON ? "common" : "independent");
    cJSON_AddNumberToObject(root, "replications", s->replications);
    cJSON_AddNumberToObject(root, "confidence", s->confidence);
    cJSON_AddItemToObject(root, "sets", string_array(s->sets[0], s->set_count, GOPS_STUDY_SET_MAX));
    cJSON *factors = cJSON_AddArrayToObject(root, "factors");
    for (uint32_t f = 0; f < s->factor_count; f++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "key", s->factors[f].key);
        cJSON_AddItemToObject(o, "levels", string_array(s->factors[f].levels[0], s->factors[f].level_count,
                                                        GOPS_STUDY_TEXT_MAX));
        cJSON_AddItemToArray(factors, o);
    }
    cJSON_AddStringToObject(root, "design", s->listed ? "listed" : "full");
    cJSON *points = cJSON_AddArrayToObject(root, "points");
    for (uint32_t p = 0; p < s->point_count; p++) {
        cJSON *levels = cJSON_CreateArray();
        for (uint32_t f = 0; f < s->factor_count; f++)
            cJSON_AddItemToArray(levels, cJSON_CreateString(s->factors[f].levels[s->points[p][f]]));
        cJSON_AddItemToArray(points, levels);
    }
    cJSON_AddNumberToObject(root, "runs", gops_study_run_count(s));
    cJSON_AddItemToObject(root, "kpis", string_array(s->kpis[0], s->kpi_count, GOPS_STUDY_TEXT_MAX));
    cJSON *compares = cJSON_AddArrayToObject(root, "compare");
    for (uint32_t c = 0; c < s->compare_count; c++) {
        const gops_study_compare_t *cmp = &s->compares[c];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "factor", s->factors[cmp->factor].key);
        cJSON_AddStringToObject(o, "from", s->factors[cmp->factor].levels[cmp->from]);
        cJSON_AddStringToObject(o, "to", s->factors[cmp->factor].levels[cmp->to]);
        cJSON_AddItemToArray(compares, o);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

static gops_status_t bad_manifest(gops_error_t *err, const char *where, const char *what)
{
    return gops_error_set(err, GOPS_BAD_VALUE, "%s: not a study manifest: %s", where, what);
}

/// Copies a string member into dst; false when missing, not a string or too long.
static bool get_text(const cJSON *o, const char *key, char *dst, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= size) return false;
    snprintf(dst, size, "%s", v->valuestring);
    return true;
}

/// A non-negative integer member below limit (JSON numbers are doubles: exact below 2^53).
static bool get_uint(const cJSON *o, const char *key, double limit, uint64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble < limit) ||
        v->valuedouble != floor(v->valuedouble))
        return false;
    *out = (uint64_t)v->valuedouble;
    return true;
}

static gops_status_t read_manifest(gops_study_t *s, const cJSON *root, const char *where, gops_error_t *err)
{
    uint64_t u;
    if (!get_text(root, "study", s->name, sizeof s->name)) return bad_manifest(err, where, "no \"study\" name");
    get_text(root, "description", s->description, sizeof s->description);
    get_text(root, "study_path", s->path, sizeof s->path);
    if (!get_text(root, "scenario_path", s->scenario_path, sizeof s->scenario_path) ||
        !get_text(root, "scenario_hash", s->scenario_hash, sizeof s->scenario_hash) ||
        !get_text(root, "version", s->version, sizeof s->version))
        return bad_manifest(err, where, "scenario_path, scenario_hash or version missing");
    if (!get_uint(root, "base_seed", 9007199254740992.0, &s->base_seed))
        return bad_manifest(err, where, "base_seed missing");
    char seeds[32];
    if (!get_text(root, "seeds", seeds, sizeof seeds) || (strcmp(seeds, "common") && strcmp(seeds, "independent")))
        return bad_manifest(err, where, "seeds is not \"common\" or \"independent\"");
    s->seeds = strcmp(seeds, "common") == 0 ? GOPS_STUDY_SEEDS_COMMON : GOPS_STUDY_SEEDS_INDEPENDENT;
    if (!get_uint(root, "replications", GOPS_STUDY_MAX_RUNS + 1.0, &u) || u == 0)
        return bad_manifest(err, where, "replications missing");
    s->replications = (uint32_t)u;
    const cJSON *conf = cJSON_GetObjectItemCaseSensitive(root, "confidence");
    if (!cJSON_IsNumber(conf)) return bad_manifest(err, where, "confidence missing");
    s->confidence = conf->valuedouble;

    const cJSON *item;
    const cJSON *sets = cJSON_GetObjectItemCaseSensitive(root, "sets");
    if (!cJSON_IsArray(sets)) return bad_manifest(err, where, "sets missing");
    cJSON_ArrayForEach(item, sets) {
        if (!cJSON_IsString(item) || s->set_count == GOPS_STUDY_MAX_SETS ||
            strlen(item->valuestring) >= GOPS_STUDY_SET_MAX)
            return bad_manifest(err, where, "bad sets entry");
        snprintf(s->sets[s->set_count++], GOPS_STUDY_SET_MAX, "%s", item->valuestring);
    }
    const cJSON *factors = cJSON_GetObjectItemCaseSensitive(root, "factors");
    if (!cJSON_IsArray(factors)) return bad_manifest(err, where, "factors missing");
    cJSON_ArrayForEach(item, factors) {
        char key[GOPS_STUDY_TEXT_MAX];
        if (!get_text(item, "key", key, sizeof key)) return bad_manifest(err, where, "factor without key");
        gops_status_t st = gops_study_add_factor(s, key, err);
        if (st != GOPS_OK) return st;
        const cJSON *levels = cJSON_GetObjectItemCaseSensitive(item, "levels"), *lv;
        if (!cJSON_IsArray(levels)) return bad_manifest(err, where, "factor without levels");
        cJSON_ArrayForEach(lv, levels) {
            if (!cJSON_IsString(lv)) return bad_manifest(err, where, "a level is not a string");
            if ((st = gops_study_add_level(s, s->factor_count - 1, lv->valuestring, err)) != GOPS_OK) return st;
        }
    }
    char design[16];
    if (!get_text(root, "design", design, sizeof design) || (strcmp(design, "full") && strcmp(design, "listed")))
        return bad_manifest(err, where, "design is not \"full\" or \"listed\"");
    const cJSON *points = cJSON_GetObjectItemCaseSensitive(root, "points");
    if (!cJSON_IsArray(points)) return bad_manifest(err, where, "points missing");
    if (strcmp(design, "listed") == 0) {
        cJSON_ArrayForEach(item, points) {
            const char *levels[GOPS_STUDY_MAX_FACTORS];
            if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) != (int)s->factor_count)
                return bad_manifest(err, where, "a design point does not list one level per factor");
            for (uint32_t f = 0; f < s->factor_count; f++) {
                const cJSON *lv = cJSON_GetArrayItem(item, (int)f);
                if (!cJSON_IsString(lv)) return bad_manifest(err, where, "a point's level is not a string");
                levels[f] = lv->valuestring;
            }
            gops_status_t st = gops_study_add_point(s, levels, err);
            if (st != GOPS_OK) return st;
        }
    }
    const cJSON *kpis = cJSON_GetObjectItemCaseSensitive(root, "kpis");
    if (!cJSON_IsArray(kpis)) return bad_manifest(err, where, "kpis missing");
    cJSON_ArrayForEach(item, kpis) {
        if (!cJSON_IsString(item) || s->kpi_count == GOPS_STUDY_MAX_KPIS ||
            strlen(item->valuestring) >= GOPS_STUDY_TEXT_MAX)
            return bad_manifest(err, where, "bad kpis entry");
        snprintf(s->kpis[s->kpi_count++], GOPS_STUDY_TEXT_MAX, "%s", item->valuestring);
    }
    const cJSON *compares = cJSON_GetObjectItemCaseSensitive(root, "compare");
    if (compares && !cJSON_IsArray(compares)) return bad_manifest(err, where, "compare is not a list");
    cJSON_ArrayForEach(item, compares) {
        char key[GOPS_STUDY_TEXT_MAX], from[GOPS_STUDY_TEXT_MAX], to[GOPS_STUDY_TEXT_MAX];
        if (!get_text(item, "factor", key, sizeof key) || !get_text(item, "from", from, sizeof from) ||
            !get_text(item, "to", to, sizeof to) || s->compare_count == GOPS_STUDY_MAX_COMPARES)
            return bad_manifest(err, where, "bad compare entry");
        int f = gops_study_factor_index(s, key);
        int a = f >= 0 ? gops_study_level_index(s, (uint32_t)f, from) : -1;
        int b = f >= 0 ? gops_study_level_index(s, (uint32_t)f, to) : -1;
        if (a < 0 || b < 0 || a == b) return bad_manifest(err, where, "compare names an unknown factor or level");
        s->compares[s->compare_count++] = (gops_study_compare_t){(uint32_t)f, (uint32_t)a, (uint32_t)b};
    }
    gops_status_t st = gops_study_finish(s, err);
    if (st != GOPS_OK) return st;
    if (!get_uint(root, "runs", GOPS_STUDY_MAX_RUNS + 1.0, &u) || u != gops_study_run_count(s) ||
        cJSON_GetArraySize(points) != (int)s->point_count)
        return bad_manifest(err, where, "its run or point count does not match its design");
    return GOPS_OK;
}

gops_study_t *gops_study_from_manifest(const char *json, const char *where, gops_error_t *err)
{
    cJSON *root = cJSON_Parse(json);
    if (!root || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        gops_error_set(err, GOPS_BAD_VALUE, "%s: not a study manifest: not a JSON object", where);
        return NULL;
    }
    gops_study_t *s = gops_study_create();
    if (!s) {
        cJSON_Delete(root);
        gops_error_set(err, GOPS_NOMEM, "%s: out of memory", where);
        return NULL;
    }
    gops_status_t st = read_manifest(s, root, where, err);
    cJSON_Delete(root);
    if (st != GOPS_OK) {
        gops_study_destroy(s);
        return NULL;
    }
    return s;
}
