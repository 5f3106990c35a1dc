// SPDX-License-Identifier: MIT
// incidents.csv (see incident_log.h). Columns:
//   id, type, category, priority (at occurrence), priority_final, severity,
//   x_m, y_m (local metres), lon, lat (WGS84, empty without a map),
//   zone (primary zone id), subdistrict, jurisdiction (district zone id),
//   detected_by (channel), occurred, detected, created, dispatched, arrived, resolved, closed
//   (local "YYYY-MM-DD HH:MM:SS", empty when not reached; dispatched and arrived are the
//   first time, resolved and closed the last), response_s (occurred → first arrival),
//   closure_s (occurred → closed), unit (unit type of the last dispatch), team (kind#n or
//   post:<id>), notified (other responsible units, '|'-separated), dispatches,
//   redispatches, refusals, preemptions, escalations, reopens, state (closed, withdrawn
//   (closed without a team: the cause was seen gone), cleared, undetected or the order
//   state), open_reason (empty when closed, withdrawn or cleared).
// Ordering: rows by id (occurrence order of generated incidents; injected ones by call).
#include "ops/ops_internal.h"

#include "core/simtime.h"
#include "core/strbuf.h"
#include "output/outdir.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char gops_incident_log_header[] =
    "id,type,category,priority,priority_final,severity,x_m,y_m,lon,lat,zone,subdistrict,jurisdiction,"
    "detected_by,occurred,detected,created,dispatched,arrived,resolved,closed,response_s,closure_s,unit,team,"
    "notified,dispatches,redispatches,refusals,preemptions,escalations,reopens,state,open_reason";

/// Appends a field, quoted when it holds a comma, quote or line break.
static void field(gops_strbuf_t *sb, const char *text)
{
    if (!strpbrk(text, ",\"\n\r")) {
        gops_strbuf_puts(sb, text);
        return;
    }
    gops_strbuf_puts(sb, "\"");
    for (const char *c = text; *c; c++) {
        if (*c == '"') gops_strbuf_puts(sb, "\"");
        gops_strbuf_append(sb, c, 1);
    }
    gops_strbuf_puts(sb, "\"");
}

static void time_field(gops_strbuf_t *sb, const gops_ops_t *ops, double t)
{
    if (isnan(t)) return;
    char buf[32];
    gops_time_format(gops_world_def(ops->world)->start + (gops_local_time_t)floor(t), buf, sizeof buf);
    gops_strbuf_puts(sb, buf);
}

static void seconds_field(gops_strbuf_t *sb, double s)
{
    if (!isnan(s)) gops_strbuf_printf(sb, "%.1f", s);
}

static void zone_field(gops_strbuf_t *sb, const gops_ops_t *ops, int32_t feature)
{
    if (feature < 0 || !ops->district) return;
    const char *id = ops->district->map->features[feature].id;
    if (id) field(sb, id);
    else gops_strbuf_printf(sb, "#%d", feature);
}

static void units_field(gops_strbuf_t *sb, uint32_t units)
{
    bool first = true;
    for (int u = 0; u < GOPS_UNIT_COUNT; u++)
        if (units & (1u << u)) {
            if (!first) gops_strbuf_puts(sb, "|");
            gops_strbuf_puts(sb, gops_unit_type_name((gops_unit_type_t)u));
            first = false;
        }
}

static void team_field(gops_strbuf_t *sb, const gops_ops_t *ops, uint32_t t)
{
    if (t == GOPS_OPS_NONE) return;
    const gops_team_t *team = &ops->teams[t];
    if (team->kind >= 0) {
        gops_strbuf_printf(sb, "%s#%u", ops->params.kinds[team->kind].name, team->ordinal + 1);
        return;
    }
    const char *id = ops->district ? ops->district->map->features[ops->posts[team->post].feature].id : NULL;
    gops_strbuf_puts(sb, "post:");
    if (id) field(sb, id);
    else gops_strbuf_printf(sb, "%d", team->post + 1);
}

char *gops_ops_incidents_csv(const gops_ops_t *ops)
{
    gops_strbuf_t sb;
    gops_strbuf_init(&sb);
    gops_strbuf_puts(&sb, gops_incident_log_header);
    gops_strbuf_puts(&sb, "\n");
    const gops_map_t *map = ops->district ? ops->district->map : NULL;
    for (uint32_t i = 0; i < ops->incident_count; i++) {
        const gops_incident_t *inc = &ops->incidents[i];
        if (!inc->occurred) continue;
        gops_incident_info_t info;
        gops_ops_incident_get(ops, inc->id, &info);
        const gops_incident_type_t *ty = &ops->params.types[inc->type];
        gops_strbuf_printf(&sb, "%u,%s,%s,%s,%s,%d,%.2f,%.2f,", inc->id, gops_itype_name(inc->type),
                           gops_category_name(inc->category), gops_priority_name(inc->priority0),
                           gops_priority_name(inc->priority), ty->severity, inc->at.x, inc->at.y);
        if (map) {
            double lon, lat;
            gops_unproject(map->origin_lon, map->origin_lat, inc->at.x, inc->at.y, &lon, &lat);
            gops_strbuf_printf(&sb, "%.7f,%.7f,", lon, lat);
        } else {
            gops_strbuf_puts(&sb, ",,");
        }
        zone_field(&sb, ops, inc->zone);
        gops_strbuf_puts(&sb, ",");
        zone_field(&sb, ops, inc->subdistrict);
        gops_strbuf_puts(&sb, ",");
        zone_field(&sb, ops, inc->district);
        gops_strbuf_printf(&sb, ",%s,", inc->detected ? gops_channel_name(inc->channel) : "");
        const double times[] = {inc->t_occur,  inc->t_detect,  inc->t_created, inc->t_dispatch,
                                inc->t_arrive, inc->t_resolve, inc->t_close};
        for (size_t k = 0; k < sizeof times / sizeof times[0]; k++) {
            time_field(&sb, ops, times[k]);
            gops_strbuf_puts(&sb, ",");
        }
        seconds_field(&sb, inc->t_arrive - inc->t_occur);
        gops_strbuf_puts(&sb, ",");
        seconds_field(&sb, inc->t_close - inc->t_occur);
        gops_strbuf_printf(&sb, ",%s,", inc->unit >= 0 ? gops_unit_type_name((gops_unit_type_t)inc->unit) : "");
        team_field(&sb, ops, inc->team != GOPS_OPS_NONE ? inc->team : inc->last_team);
        gops_strbuf_puts(&sb, ",");
        units_field(&sb, inc->units_notified);
        const char *state = inc->withdrawn ? "withdrawn"
                            : inc->closed  ? "closed"
                            : inc->cleared ? "cleared"
                            : !inc->detected ? "undetected"
                                             : gops_order_state_name(inc->state);
        gops_strbuf_printf(&sb, ",%u,%u,%u,%u,%u,%u,%s,", inc->dispatches, inc->dispatches ? inc->dispatches - 1 : 0,
                           inc->refusals, inc->preemptions, inc->escalations, inc->reopens, state);
        field(&sb, info.open_reason);
        gops_strbuf_puts(&sb, "\n");
    }
    if (sb.failed) {
        gops_strbuf_free(&sb);
        return NULL;
    }
    return sb.data;
}

gops_status_t gops_ops_write_incidents(const gops_ops_t *ops, const char *dir, gops_error_t *err)
{
    char *text = gops_ops_incidents_csv(ops);
    if (!text) return gops_error_set(err, GOPS_NOMEM, "out of memory writing incidents.csv");
    char path[2048];
    snprintf(path, sizeof path, "%s/incidents.csv", dir);
    gops_status_t st = gops_file_write_atomic(path, text, strlen(text), err);
    free(text);
    return st;
}
