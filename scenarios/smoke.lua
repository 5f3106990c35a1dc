-- Smoke scenario: exercises the scenario host end to end without any district model.
-- New Year's Eve timing from FACTS.md ("New Year's Eve 2024": the grid switched to
-- emergency mode at 17:00 on 31 December); here nothing but the clock, hooks, modes and
-- expectations runs, so it finishes in well under a second.

scenario {
  name = "smoke",
  description = "Foundation check: clock, hooks, mode switch, scenario KPIs, expectations",
  start = "2025-12-31 16:00",
  duration = "2h",
  seed = 2024,
  mode = "holiday",
}

local quarter_hours = 0
local switched_at = nil
local draws = 0.0
local switches = 0

-- FACTS.md, New Year's Eve 2024: emergency mode from 17:00.
at("17:00", function()
  set_mode("emergency")
end)

on("mode_changed", function(ev)
  assert(ev.from == "holiday" and ev.to == "emergency", "unexpected switch " .. ev.from .. "->" .. ev.to)
  switched_at = clock()
  switches = switches + 1
  set_kpi("mode_switches", switches)
end)

every("15m", function()
  quarter_hours = quarter_hours + 1
  draws = draws + math.random()
  set_kpi("quarter_hours", quarter_hours)
  set_kpi("mean_draw", draws / quarter_hours)
  if switched_at then set_kpi("switch_clock_s", switched_at) end
end)

-- 16:15 ... 18:00: eight quarter hours.
expect("quarter_hours", "==", 8)
expect("mode_switches", "==", 1)
-- A hook's commands apply at the start of the tick it fires before: the switch is at 17:00:00.
expect("switch_clock_s", "==", 17 * 3600)
expect("mean_draw", ">", 0.0)
expect("mean_draw", "<", 1.0)
