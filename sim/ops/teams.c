// SPDX-License-Identifier: MIT
// Teams and posts (see teams.h): who is on duty, where they are, and how they get there.
//
// Default team kinds (teams on duty: normal / holiday / major event / emergency):
// | kind              | units                             | moves   | counts     | source |
// | patrol            | police + city management + grid   | foot    | 8/17/17/17 | holiday 17: FACTS; others assumed |
// | traffic_police    | traffic police                    | foot    | 2/4/6/6    | assumed (they work junctions) |
// | sanitation        | sanitation                        | vehicle | 2/4/4/4    | assumed |
// | utilities         | utilities (water, heating)        | vehicle | 2/2/3/3    | assumed; outside, 15 min turnout |
// | emergency         | emergency                         | vehicle | 1/1/2/3    | assumed; outside, 8 min turnout |
// | market_regulation | market regulation                 | foot    | 1/2/2/1    | assumed; 08:00–22:00 |
// | volunteer         | volunteers                        | foot    | 0/6/6/4    | team: FACTS; counts assumed; 10–22 h |
// | grid_worker       | grid workers (micro-grid leaders) | foot    | 5/5/5/5    | assumed: 1 per sub-district; 08–22 h |
// The mobile patrol team is the "three links" joint patrol (FACTS: joint command, patrol,
// response): one team answers for police, city management and grid matters. Posts come
// from the map (FACTS: 50 key points on holidays, 11 of them also on ordinary days in the
// Erqi map), one team per post with the post's unit type.
//
// Movement: dispatch trips use the travel model (travel.c); patrol legs, returns and walks
// to posts on call-in use straight lines × the detour factor so that routine movement never
// costs a distance field.
// Ordering: teams are created in kind order then post order and never removed (an off-duty
// team is reused first), so team indices are stable; staffing changes pick the lowest index
// to add and the highest to remove.
#include "ops/ops_internal.h"

#include "core/assert.h"
#include "world/geometry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define U(unit) (1u << GOPS_UNIT_##unit)

static void kind(gops_team_kind_t *k, const char *name, uint32_t units, gops_travel_mode_t travel, int normal,
                 int holiday, int major, int emergency, double turnout_s, bool patrols, bool external, int from_h,
                 int to_h)
{
    memset(k, 0, sizeof *k);
    strncpy(k->name, name, GOPS_TEAM_NAME_MAX - 1);
    k->units = units;
    k->travel = travel;
    k->count[GOPS_MODE_NORMAL] = normal;
    k->count[GOPS_MODE_HOLIDAY] = holiday;
    k->count[GOPS_MODE_MAJOR_EVENT] = major;
    k->count[GOPS_MODE_EMERGENCY] = emergency;
    k->turnout_s = turnout_s;
    k->patrols = patrols;
    k->external = external;
    k->duty_from_h = from_h;
    k->duty_to_h = to_h;
}

uint32_t gops_team_kinds_default(gops_team_kind_t kinds[GOPS_TEAM_KIND_MAX])
{
    uint32_t n = 0;
    kind(&kinds[n++], "patrol", U(POLICE) | U(CITY_MANAGEMENT) | U(GRID_WORKER), GOPS_TRAVEL_FOOT, 8, 17, 17, 17, 0,
         true, false, 0, 0);
    kind(&kinds[n++], "traffic_police", U(TRAFFIC_POLICE), GOPS_TRAVEL_FOOT, 2, 4, 6, 6, 0, true, false, 0, 0);
    kind(&kinds[n++], "sanitation", U(SANITATION), GOPS_TRAVEL_VEHICLE, 2, 4, 4, 4, 0, false, false, 0, 0);
    kind(&kinds[n++], "utilities", U(UTILITIES), GOPS_TRAVEL_VEHICLE, 2, 2, 3, 3, 900, false, true, 0, 0);
    kind(&kinds[n++], "emergency", U(EMERGENCY), GOPS_TRAVEL_VEHICLE, 1, 1, 2, 3, 480, false, true, 0, 0);
    kind(&kinds[n++], "market_regulation", U(MARKET_REGULATION), GOPS_TRAVEL_FOOT, 1, 2, 2, 1, 0, true, false, 8, 22);
    kind(&kinds[n++], "volunteer", U(VOLUNTEER), GOPS_TRAVEL_FOOT, 0, 6, 6, 4, 0, true, false, 10, 22);
    kind(&kinds[n++], "grid_worker", U(GRID_WORKER), GOPS_TRAVEL_FOOT, 5, 5, 5, 5, 0, true, false, 8, 22);
    return n;
}

static const char *const state_names[GOPS_TEAM_STATE_COUNT] = {"off",  "mobilising", "to_post", "idle",
                                                               "assigned", "en_route", "on_scene"};

const char *gops_team_state_name(gops_team_state_t s)
{
    return (unsigned)s < GOPS_TEAM_STATE_COUNT ? state_names[s] : "?";
}

bool gops_team_state_on_duty(gops_team_state_t s)
{
    return s == GOPS_TEAM_IDLE || gops_team_state_busy(s);
}

bool gops_team_state_busy(gops_team_state_t s)
{
    return s == GOPS_TEAM_ASSIGNED || s == GOPS_TEAM_EN_ROUTE || s == GOPS_TEAM_ON_SCENE;
}

// ---- positions and legs ---------------------------------------------------------------

gops_point_t gops_team_position(const gops_team_t *team, double t)
{
    if (team->activity != GOPS_ACT_MOVE || t <= team->t0) return t >= team->t1 ? team->to : team->from;
    if (t >= team->t1) return team->to;
    double f = (t - team->t0) / (team->t1 - team->t0);
    return (gops_point_t){team->from.x + f * (team->to.x - team->from.x), team->from.y + f * (team->to.y - team->from.y)};
}

static double dist(gops_point_t a, gops_point_t b)
{
    return hypot(a.x - b.x, a.y - b.y);
}

static double straight_time(const gops_ops_t *ops, const gops_team_t *team, gops_point_t a, gops_point_t b)
{
    const gops_travel_params_t *tp = &ops->params.travel;
    if (team->travel == GOPS_TRAVEL_VEHICLE) return dist(a, b) * tp->vehicle_detour / tp->vehicle_speed_mps;
    return dist(a, b) * tp->detour_factor / tp->walk_speed_mps;
}

static void start_leg(gops_ops_t *ops, uint32_t t, gops_point_t to, double duration)
{
    gops_team_t *team = &ops->teams[t];
    team->from = gops_team_position(team, ops->now);
    team->to = to;
    team->t0 = ops->now;
    team->t1 = ops->now + duration;
    team->activity = GOPS_ACT_MOVE;
    team->epoch++;
    gops_ops_schedule(ops, team->t1, GOPS_EV_TEAM, t, team->epoch, 0);
}

/// Stands still at the current position; an event at `until` when finite.
static void hold(gops_ops_t *ops, uint32_t t, double until)
{
    gops_team_t *team = &ops->teams[t];
    team->from = team->to = gops_team_position(team, ops->now);
    team->t0 = team->t1 = ops->now;
    team->activity = GOPS_ACT_HOLD;
    team->epoch++;
    if (isfinite(until)) gops_ops_schedule(ops, until, GOPS_EV_TEAM, t, team->epoch, 0);
}

static void place(gops_team_t *team, gops_point_t p, double now)
{
    team->from = team->to = p;
    team->t0 = team->t1 = now;
    team->activity = GOPS_ACT_HOLD;
}

void gops_team_set_state(gops_ops_t *ops, uint32_t t, gops_team_state_t state)
{
    gops_team_t *team = &ops->teams[t];
    bool was_duty = gops_team_state_on_duty(team->state), is_duty = gops_team_state_on_duty(state);
    bool was_busy = gops_team_state_busy(team->state), is_busy = gops_team_state_busy(state);
    if (was_duty && !is_duty) team->duty_s += ops->now - team->duty_since;
    if (!was_duty && is_duty) team->duty_since = ops->now;
    if (was_busy && !is_busy) team->busy_s += ops->now - team->busy_since;
    if (!was_busy && is_busy) team->busy_since = ops->now;
    team->state = state;
}

// ---- patrols ------------------------------------------------------------------------------

static const gops_team_kind_t *kind_of(const gops_ops_t *ops, const gops_team_t *team)
{
    return team->kind >= 0 ? &ops->params.kinds[team->kind] : NULL;
}

static bool patrols(const gops_ops_t *ops, const gops_team_t *team)
{
    const gops_team_kind_t *k = kind_of(ops, team);
    return k && k->patrols;
}

/// Waypoints a team patrols: those of its sub-district, or all.
static void team_waypoints(const gops_ops_t *ops, const gops_team_t *team, const uint32_t **list, uint32_t *count,
                           bool *all)
{
    *all = true;
    *list = NULL;
    *count = ops->waypoint_count;
    if (team->zone < 0) return;
    for (uint32_t s = 0; s < ops->subdistrict_count; s++)
        if (ops->subdistricts[s] == team->zone) {
            uint32_t n = ops->zone_wp_start[s + 1] - ops->zone_wp_start[s];
            if (n == 0) return;
            *all = false;
            *list = &ops->zone_wp[ops->zone_wp_start[s]];
            *count = n;
            return;
        }
}

static uint32_t pick_waypoint(gops_ops_t *ops, gops_team_t *team)
{
    const uint32_t *list;
    uint32_t n;
    bool all;
    team_waypoints(ops, team, &list, &n, &all);
    uint32_t k;
    if (ops->params.modes[ops->mode].patrol == GOPS_PATROL_BEAT)
        k = team->beat_next++ % n;
    else
        k = (uint32_t)gops_rng_below(&ops->team_rng, n);
    return all ? k : list[k];
}

static void patrol_leg(gops_ops_t *ops, uint32_t t)
{
    gops_team_t *team = &ops->teams[t];
    gops_point_t wp = ops->waypoints[pick_waypoint(ops, team)];
    gops_point_t here = gops_team_position(team, ops->now);
    double d = dist(here, wp) * ops->params.travel.detour_factor / ops->params.patrol_speed_mps;
    if (d <= 0) {
        hold(ops, t, ops->now + ops->params.patrol_dwell_s * gops_rng_exponential(&ops->team_rng, 1.0));
        return;
    }
    start_leg(ops, t, wp, d);
}

/// An available team resumes its routine: patrol, walk back to its post, or return to base.
static void resume(gops_ops_t *ops, uint32_t t)
{
    gops_team_t *team = &ops->teams[t];
    gops_point_t here = gops_team_position(team, ops->now);
    if (patrols(ops, team)) {
        patrol_leg(ops, t);
        return;
    }
    if (dist(here, team->home) < 0.01) {
        hold(ops, t, INFINITY);
        return;
    }
    start_leg(ops, t, team->home, straight_time(ops, team, here, team->home));
}

// ---- staffing ------------------------------------------------------------------------------

static bool kind_on_duty(const gops_ops_t *ops, const gops_team_kind_t *k)
{
    if (k->duty_from_h == k->duty_to_h) return true;
    double local = (double)gops_world_def(ops->world)->start + ops->now;
    int h = (int)(fmod(floor(local / 3600.0), 24.0));
    if (k->duty_from_h < k->duty_to_h) return h >= k->duty_from_h && h < k->duty_to_h;
    return h >= k->duty_from_h || h < k->duty_to_h;
}

static uint32_t new_team(gops_ops_t *ops)
{
    if (ops->team_count == ops->team_cap) {
        uint32_t cap = ops->team_cap ? ops->team_cap * 2 : 64;
        gops_team_t *bigger = realloc(ops->teams, cap * sizeof *bigger);
        if (!bigger) abort(); // staffing changes are rare and small
        ops->teams = bigger;
        ops->team_cap = cap;
    }
    uint32_t t = ops->team_count++;
    gops_team_t *team = &ops->teams[t];
    memset(team, 0, sizeof *team);
    team->state = GOPS_TEAM_OFF;
    team->incident = GOPS_OPS_NONE;
    team->kind = team->post = -1;
    team->zone = -1;
    return t;
}

static gops_point_t kind_home(const gops_ops_t *ops, const gops_team_kind_t *k, uint32_t ordinal)
{
    if (k->external && ops->gateway_count) return ops->gateways[ordinal % ops->gateway_count];
    if (!k->patrols && k->travel == GOPS_TRAVEL_VEHICLE && ops->garage_count)
        return ops->garages[ordinal % ops->garage_count];
    return ops->centre_point;
}

/// Brings team t (of kind k, OFF or new) on duty: placed at once when `lag_s` < 0 (start of
/// the run), else called in from its base after lag_s.
static void activate(gops_ops_t *ops, uint32_t t, double lag_s)
{
    gops_team_t *team = &ops->teams[t];
    const gops_team_kind_t *k = &ops->params.kinds[team->kind];
    team->releasing = false;
    team->blocked_from = team->blocked_until = 0;
    team->home = kind_home(ops, k, team->ordinal);
    team->epoch++;
    if (lag_s < 0) {
        gops_point_t p = team->home;
        if (k->patrols && ops->waypoint_count) p = ops->waypoints[pick_waypoint(ops, team)];
        place(team, p, ops->now);
        gops_team_set_state(ops, t, GOPS_TEAM_IDLE);
        if (k->patrols) hold(ops, t, ops->now + ops->params.patrol_dwell_s * gops_rng_exponential(&ops->team_rng, 1.0));
        return;
    }
    place(team, team->home, ops->now);
    gops_team_set_state(ops, t, GOPS_TEAM_MOBILISING);
    gops_ops_schedule(ops, ops->now + lag_s, GOPS_EV_TEAM, t, team->epoch, 0);
}

static void activate_post(gops_ops_t *ops, uint32_t p, double lag_s)
{
    gops_post_t *post = &ops->posts[p];
    uint32_t t = post->team;
    if (t == GOPS_OPS_NONE) {
        t = new_team(ops);
        post->team = t;
        gops_team_t *team = &ops->teams[t];
        team->post = (int32_t)p;
        team->units = 1u << post->unit;
        team->travel = GOPS_TRAVEL_FOOT;
    }
    gops_team_t *team = &ops->teams[t];
    team->releasing = false;
    team->blocked_from = team->blocked_until = 0;
    team->home = post->at;
    team->epoch++;
    if (lag_s < 0) {
        place(team, post->at, ops->now);
        gops_team_set_state(ops, t, GOPS_TEAM_IDLE);
        return;
    }
    place(team, post->staging, ops->now);
    gops_team_set_state(ops, t, GOPS_TEAM_MOBILISING);
    gops_ops_schedule(ops, ops->now + lag_s, GOPS_EV_TEAM, t, team->epoch, 0);
}

/// Takes team t off duty now if it is free, else when its order is done.
static void retire(gops_ops_t *ops, uint32_t t)
{
    gops_team_t *team = &ops->teams[t];
    if (gops_team_state_busy(team->state)) {
        team->releasing = true;
        return;
    }
    team->epoch++;
    team->activity = GOPS_ACT_HOLD;
    gops_team_set_state(ops, t, GOPS_TEAM_OFF);
}

static bool active(const gops_team_t *team)
{
    return team->state != GOPS_TEAM_OFF && !team->releasing;
}

void gops_teams_restaff(gops_ops_t *ops, double lag_s)
{
    for (uint32_t k = 0; k < ops->params.kind_count; k++) {
        const gops_team_kind_t *kd = &ops->params.kinds[k];
        uint32_t target = kind_on_duty(ops, kd) ? (uint32_t)kd->count[ops->mode] : 0;
        uint32_t have = 0, made = 0;
        for (uint32_t t = 0; t < ops->team_count; t++)
            if (ops->teams[t].kind == (int32_t)k) {
                made++;
                if (active(&ops->teams[t])) have++;
            }
        for (uint32_t t = 0; t < ops->team_count && have < target; t++) // still here: keep them
            if (ops->teams[t].kind == (int32_t)k && ops->teams[t].releasing) {
                ops->teams[t].releasing = false;
                have++;
            }
        for (uint32_t t = 0; t < ops->team_count && have < target; t++)
            if (ops->teams[t].kind == (int32_t)k && ops->teams[t].state == GOPS_TEAM_OFF) {
                activate(ops, t, lag_s);
                have++;
            }
        while (have < target) {
            uint32_t t = new_team(ops);
            gops_team_t *team = &ops->teams[t];
            team->kind = (int32_t)k;
            team->ordinal = made++;
            team->units = kd->units;
            team->travel = kd->travel;
            if (kd->patrols && ops->subdistrict_count)
                team->zone = ops->subdistricts[team->ordinal % ops->subdistrict_count];
            activate(ops, t, lag_s);
            have++;
        }
        for (uint32_t t = ops->team_count; t-- > 0 && have > target;)
            if (ops->teams[t].kind == (int32_t)k && active(&ops->teams[t])) {
                retire(ops, t);
                have--;
            }
    }
    for (uint32_t p = 0; p < ops->post_count; p++) {
        const gops_post_t *post = &ops->posts[p];
        bool want = ops->params.staff_posts && (post->modes & (1u << ops->mode));
        gops_team_t *team = post->team == GOPS_OPS_NONE ? NULL : &ops->teams[post->team];
        if (want && !(team && active(team))) {
            if (team && team->state != GOPS_TEAM_OFF) team->releasing = false;
            else activate_post(ops, p, lag_s);
        } else if (!want && team && active(team)) {
            retire(ops, post->team);
        }
    }
    ops->dispatch_dirty = true;
}

void gops_teams_on_event(gops_ops_t *ops, uint32_t t)
{
    gops_team_t *team = &ops->teams[t];
    switch (team->state) {
    case GOPS_TEAM_MOBILISING:
        if (team->post >= 0) {
            gops_point_t post = ops->posts[team->post].at;
            double walk = gops_travel_time(&ops->travel, GOPS_TRAVEL_FOOT, team->to, post, ops->now);
            gops_team_set_state(ops, t, GOPS_TEAM_TO_POST);
            start_leg(ops, t, post, walk);
            return;
        }
        gops_team_set_state(ops, t, GOPS_TEAM_IDLE);
        resume(ops, t);
        ops->dispatch_dirty = true;
        return;
    case GOPS_TEAM_TO_POST:
        gops_team_set_state(ops, t, GOPS_TEAM_IDLE);
        hold(ops, t, INFINITY);
        ops->dispatch_dirty = true;
        return;
    case GOPS_TEAM_IDLE:
        if (team->activity == GOPS_ACT_MOVE) { // a leg ended
            if (patrols(ops, team))
                hold(ops, t, ops->now + ops->params.patrol_dwell_s * gops_rng_exponential(&ops->team_rng, 1.0));
            else
                hold(ops, t, INFINITY);
        } else if (patrols(ops, team)) { // a dwell ended
            patrol_leg(ops, t);
        }
        return;
    default: return; // busy teams move under their order's events
    }
}

void gops_teams_release(gops_ops_t *ops, uint32_t t)
{
    gops_team_t *team = &ops->teams[t];
    team->incident = GOPS_OPS_NONE;
    ops->dispatch_dirty = true;
    if (team->releasing) {
        team->releasing = false;
        team->epoch++;
        hold(ops, t, INFINITY);
        gops_team_set_state(ops, t, GOPS_TEAM_OFF);
        return;
    }
    gops_team_set_state(ops, t, GOPS_TEAM_IDLE);
    if (team->post >= 0) {
        gops_point_t here = gops_team_position(team, ops->now);
        gops_point_t post = ops->posts[team->post].at;
        if (dist(here, post) < 0.01) hold(ops, t, INFINITY);
        else start_leg(ops, t, post, straight_time(ops, team, here, post));
        return;
    }
    resume(ops, t);
}

void gops_teams_move_post(gops_ops_t *ops, uint32_t p, gops_point_t at)
{
    gops_post_t *post = &ops->posts[p];
    post->at = at;
    if (post->team == GOPS_OPS_NONE) return;
    gops_team_t *team = &ops->teams[post->team];
    team->home = at;
    // Called-in staff head for the new place anyway; busy staff return to it when done.
    // Staff on the post walk over and hold nothing on the way.
    if (team->state != GOPS_TEAM_IDLE) return;
    gops_point_t here = gops_team_position(team, ops->now);
    if (dist(here, at) < 0.01) hold(ops, post->team, INFINITY);
    else start_leg(ops, post->team, at, straight_time(ops, team, here, at));
}

void gops_teams_handover(gops_ops_t *ops)
{
    // Staggered in GOPS_HANDOVER_GROUPS groups by team index, one after the other, so that a
    // shift change never leaves the district without a free team.
    double h = ops->params.handover_s;
    for (uint32_t t = 0; t < ops->team_count; t++) {
        gops_team_t *team = &ops->teams[t];
        if (team->state != GOPS_TEAM_IDLE || team->releasing) continue;
        team->blocked_from = ops->now + (double)(t % GOPS_HANDOVER_GROUPS) * h;
        team->blocked_until = team->blocked_from + h;
    }
}

bool gops_team_available(const gops_ops_t *ops, const gops_team_t *team)
{
    return team->state == GOPS_TEAM_IDLE && !team->releasing &&
           !(team->blocked_from <= ops->now && ops->now < team->blocked_until);
}

void gops_teams_account(const gops_ops_t *ops, double now, double *busy_s, double *duty_s, bool mobile_only)
{
    double busy = 0, duty = 0;
    for (uint32_t t = 0; t < ops->team_count; t++) {
        const gops_team_t *team = &ops->teams[t];
        if (mobile_only && team->kind < 0) continue;
        busy += team->busy_s + (gops_team_state_busy(team->state) ? now - team->busy_since : 0.0);
        duty += team->duty_s + (gops_team_state_on_duty(team->state) ? now - team->duty_since : 0.0);
    }
    *busy_s = busy;
    *duty_s = duty;
}

// ---- set-up ---------------------------------------------------------------------------------

static bool staging_mode(gops_transit_mode_t m)
{
    return m == GOPS_TRANSIT_METRO_EXIT || m == GOPS_TRANSIT_BUS_STOP || m == GOPS_TRANSIT_RAIL_STATION ||
           m == GOPS_TRANSIT_EDGE;
}

static bool is_waypoint(const gops_feature_t *f)
{
    return f->kind == GOPS_FEAT_POST || f->kind == GOPS_FEAT_VENDOR_POINT || f->kind == GOPS_FEAT_PLAZA ||
           f->kind == GOPS_FEAT_PEDESTRIAN_STREET ||
           (f->kind == GOPS_FEAT_TRANSIT && f->u.transit.mode == GOPS_TRANSIT_METRO_EXIT);
}

static gops_status_t build_places(gops_ops_t *ops, const gops_map_t *m, gops_error_t *err)
{
    uint32_t nsub = 0, nwp = 0, ngate = 0, ngar = 0, npost = 0;
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        if (f->kind == GOPS_FEAT_ZONE && f->u.zone.level == GOPS_ZONE_SUBDISTRICT) nsub++;
        if (is_waypoint(f)) nwp++;
        if (f->kind == GOPS_FEAT_TRANSIT && f->u.transit.mode == GOPS_TRANSIT_EDGE) ngate++;
        if (f->kind == GOPS_FEAT_TRANSIT && f->u.transit.mode == GOPS_TRANSIT_GARAGE) ngar++;
        if (f->kind == GOPS_FEAT_POST) npost++;
        if (f->kind == GOPS_FEAT_LANDMARK) ops->centre_point = f->at;
    }
    ops->subdistricts = malloc((nsub + 1) * sizeof *ops->subdistricts);
    ops->waypoints = malloc((nwp + 1) * sizeof *ops->waypoints);
    ops->gateways = malloc((ngate + 1) * sizeof *ops->gateways);
    ops->garages = malloc((ngar + 1) * sizeof *ops->garages);
    ops->posts = calloc(npost + 1, sizeof *ops->posts);
    ops->zone_wp_start = calloc(nsub + 1, sizeof *ops->zone_wp_start);
    ops->zone_wp = malloc((nsub * nwp + 1) * sizeof *ops->zone_wp);
    if (!ops->subdistricts || !ops->waypoints || !ops->gateways || !ops->garages || !ops->posts ||
        !ops->zone_wp_start || !ops->zone_wp)
        return gops_error_set(err, GOPS_NOMEM, "out of memory for teams' places");
    for (uint32_t i = 0; i < m->feature_count; i++) {
        const gops_feature_t *f = &m->features[i];
        if (f->kind == GOPS_FEAT_ZONE && f->u.zone.level == GOPS_ZONE_SUBDISTRICT)
            ops->subdistricts[ops->subdistrict_count++] = (int32_t)i;
        if (is_waypoint(f)) ops->waypoints[ops->waypoint_count++] = f->at;
        if (f->kind == GOPS_FEAT_TRANSIT && f->u.transit.mode == GOPS_TRANSIT_EDGE)
            ops->gateways[ops->gateway_count++] = f->at;
        if (f->kind == GOPS_FEAT_TRANSIT && f->u.transit.mode == GOPS_TRANSIT_GARAGE)
            ops->garages[ops->garage_count++] = f->at;
        if (f->kind == GOPS_FEAT_POST) {
            gops_post_t *p = &ops->posts[ops->post_count++];
            p->feature = i;
            p->at = f->at;
            p->modes = f->u.post.modes;
            p->unit = f->u.post.unit;
            p->staff = f->u.post.staff;
            p->team = GOPS_OPS_NONE;
        }
    }
    uint32_t n = 0;
    for (uint32_t s = 0; s < ops->subdistrict_count; s++) {
        ops->zone_wp_start[s] = n;
        for (uint32_t w = 0; w < ops->waypoint_count; w++)
            if (gops_zone_contains(m, (uint32_t)ops->subdistricts[s], ops->waypoints[w])) ops->zone_wp[n++] = w;
    }
    ops->zone_wp_start[ops->subdistrict_count] = n;
    // Staff called in to a post arrive at the nearest stop or edge of the map and walk.
    for (uint32_t p = 0; p < ops->post_count; p++) {
        gops_post_t *post = &ops->posts[p];
        double best = INFINITY;
        post->staging = ops->centre_point;
        for (uint32_t i = 0; i < m->feature_count; i++) {
            const gops_feature_t *f = &m->features[i];
            if (f->kind != GOPS_FEAT_TRANSIT || !staging_mode(f->u.transit.mode)) continue;
            double d = dist(f->at, post->at);
            if (d < best) best = d, post->staging = f->at;
        }
    }
    return GOPS_OK;
}

gops_status_t gops_teams_init(gops_ops_t *ops, gops_error_t *err)
{
    const gops_map_t *m = ops->district ? ops->district->map : NULL;
    ops->centre_point = (gops_point_t){0, 0};
    if (m) {
        ops->centre_point = (gops_point_t){0.5 * (m->min_x + m->max_x), 0.5 * (m->min_y + m->max_y)};
        gops_status_t st = build_places(ops, m, err);
        if (st != GOPS_OK) return st;
    }
    if (ops->waypoint_count == 0) {
        free(ops->waypoints);
        ops->waypoints = malloc(sizeof *ops->waypoints);
        if (!ops->waypoints) return gops_error_set(err, GOPS_NOMEM, "out of memory for patrol waypoints");
        ops->waypoints[0] = ops->centre_point;
        ops->waypoint_count = 1;
    }
    gops_teams_restaff(ops, -1.0);
    return GOPS_OK;
}

void gops_teams_free(gops_ops_t *ops)
{
    free(ops->teams);
    free(ops->posts);
    free(ops->subdistricts);
    free(ops->waypoints);
    free(ops->zone_wp);
    free(ops->zone_wp_start);
    free(ops->gateways);
    free(ops->garages);
    ops->teams = NULL;
    ops->posts = NULL;
    ops->subdistricts = NULL;
    ops->waypoints = NULL;
    ops->zone_wp = ops->zone_wp_start = NULL;
    ops->gateways = ops->garages = NULL;
    ops->team_count = ops->post_count = ops->waypoint_count = 0;
}
