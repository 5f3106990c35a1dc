// SPDX-License-Identifier: MIT
// Scenario bindings for the district models: traffic (lua_traffic.c: closures, one-way
// rules, signal plans, double parking, road and network measures), operations (lua_ops.c:
// incidents, staffing, dispatch policy, posts, order states) and street vendors
// (lua_vendors.c: guidance points, mobile vendors, cleared areas, measures). Each binding
// finds its model in the running world and refuses politely when the run does not simulate it.
// It does not attach the models: the session does (traffic = ..., ops = ..., vendors = ...).
#ifndef GOPS_SCENARIO_LUA_MODELS_H
#define GOPS_SCENARIO_LUA_MODELS_H

#include "scenario/scenario.h"

/// Registers close_road, open_road, set_oneway, set_signal_plan, signal_plan, double_park,
/// congestion_index, vehicles, road_vehicles, road_speed, road_tti and traffic_counts.
/// Call once after the sandbox exists, before the scenario file runs.
void gops_lua_traffic_register_api(gops_scenario_t *sc);

/// Registers incident, incident_state, set_teams, teams, set_policy, policy, move_post,
/// set_rain, set_incident_rate and ops_status. Same contract as above.
void gops_lua_ops_register_api(gops_scenario_t *sc);

/// Registers set_guidance_points, set_mobile_vendors, set_points_per_report, clear_vendors,
/// reopen_vendors and vendor_measures (lua_vendors.c). Same contract as above.
void gops_lua_vendors_register_api(gops_scenario_t *sc);

#endif
