// SPDX-License-Identifier: MIT
// KPI values: built-in names from GOPS_KPI_LIST and scenario-defined ones (see kpi.h).
// Ordering: built-ins in list order, then custom KPIs in the order first set.
#include "metrics/kpi.h"

#include "core/nearest.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *const kpi_names[] = {
#define GOPS_KPI_NAME(name, text) text,
    GOPS_KPI_LIST(GOPS_KPI_NAME)
#undef GOPS_KPI_NAME
};

void gops_kpis_init(gops_kpis_t *kpis)
{
    memset(kpis, 0, sizeof *kpis);
}

const char *gops_kpi_name(gops_kpi_id_t id)
{
    return (unsigned)id < GOPS_KPI_COUNT ? kpi_names[id] : "?";
}

int gops_kpi_from_name(const char *name)
{
    for (int i = 0; i < GOPS_KPI_COUNT; i++)
        if (strcmp(kpi_names[i], name) == 0) return i;
    return -1;
}

bool gops_kpi_is_text(gops_kpi_id_t id)
{
    return id == GOPS_KPI_PEAK_DENSITY_WHERE || id == GOPS_KPI_PEAK_DENSITY_TIME;
}

void gops_kpis_set(gops_kpis_t *kpis, gops_kpi_id_t id, double value)
{
    kpis->value[id].present = true;
    kpis->value[id].value = value;
}

void gops_kpis_set_text(gops_kpis_t *kpis, gops_kpi_id_t id, const char *text)
{
    snprintf(kpis->text[id], sizeof kpis->text[id], "%s", text);
    kpis->value[id].present = text[0] != '\0';
}

static bool valid_custom_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= GOPS_KPI_NAME_MAX || !islower((unsigned char)name[0])) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!(islower(c) || isdigit(c) || c == '_')) return false;
    }
    return true;
}

static int find_custom(const gops_kpis_t *kpis, const char *name)
{
    for (uint32_t i = 0; i < kpis->custom_count; i++)
        if (strcmp(kpis->custom_name[i], name) == 0) return (int)i;
    return -1;
}

gops_status_t gops_kpis_set_custom(gops_kpis_t *kpis, const char *name, double value, gops_error_t *err)
{
    if (!valid_custom_name(name))
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "bad KPI name \"%s\": expected lower-case letters, digits and '_', "
                              "starting with a letter, at most %d bytes",
                              name, GOPS_KPI_NAME_MAX - 1);
    if (gops_kpi_from_name(name) >= 0)
        return gops_error_set(err, GOPS_BAD_VALUE,
                              "KPI \"%s\" is measured by gridops itself; choose another name for a "
                              "scenario-defined KPI", name);
    int i = find_custom(kpis, name);
    if (i < 0) {
        if (kpis->custom_count >= GOPS_KPI_CUSTOM_MAX)
            return gops_error_set(err, GOPS_BAD_VALUE,
                                  "too many scenario-defined KPIs (at most %d); \"%s\" not added",
                                  GOPS_KPI_CUSTOM_MAX, name);
        i = (int)kpis->custom_count++;
        snprintf(kpis->custom_name[i], GOPS_KPI_NAME_MAX, "%s", name);
    }
    kpis->custom_value[i] = value;
    return GOPS_OK;
}

bool gops_kpis_get(const gops_kpis_t *kpis, const char *name, gops_kpi_value_t *out)
{
    int id = gops_kpi_from_name(name);
    if (id >= 0) {
        *out = gops_kpi_is_text((gops_kpi_id_t)id) ? (gops_kpi_value_t){false, 0} : kpis->value[id];
        return true;
    }
    int i = find_custom(kpis, name);
    if (i < 0) return false;
    *out = (gops_kpi_value_t){true, kpis->custom_value[i]};
    return true;
}

const char *gops_kpis_nearest(const gops_kpis_t *kpis, const char *name)
{
    const char *candidates[GOPS_KPI_COUNT + GOPS_KPI_CUSTOM_MAX];
    size_t n = 0;
    for (int i = 0; i < GOPS_KPI_COUNT; i++) candidates[n++] = kpi_names[i];
    for (uint32_t i = 0; i < kpis->custom_count; i++) candidates[n++] = kpis->custom_name[i];
    return gops_nearest_name(name, candidates, n);
}

void gops_kpis_hash(const gops_kpis_t *kpis, gops_hash_t *hash)
{
    for (int i = 0; i < GOPS_KPI_COUNT; i++) {
        gops_hash_u64(hash, kpis->value[i].present);
        gops_hash_f64(hash, kpis->value[i].present ? kpis->value[i].value : 0.0);
        gops_hash_bytes(hash, kpis->text[i], strlen(kpis->text[i]));
    }
    gops_hash_u64(hash, kpis->custom_count);
    for (uint32_t i = 0; i < kpis->custom_count; i++) {
        gops_hash_bytes(hash, kpis->custom_name[i], strlen(kpis->custom_name[i]));
        gops_hash_f64(hash, kpis->custom_value[i]);
    }
}
