-- Regression: the grid passes through all four operating modes (FACTS.md, "modes": normal,
-- holiday, major event, emergency) on schedule; every switch is reported once, in order,
-- and the clock reads the scheduled times across midnight.
scenario {
  name = "mode cycle",
  start = "2025-12-31 22:00",
  finish = "02:00",
  seed = 11,
  mode = "normal",
}

local order = {}
at("23:00", function() set_mode("holiday") end)
at("23:30", function() set_mode("major_event") end)
at("00:15", function() set_mode("emergency") end)
at("01:45", function() set_mode("normal") end)
at("01:50", function() set_mode("normal") end) -- no change, no event

on("mode_changed", function(ev)
  order[#order + 1] = ev.to
  set_kpi("switches", #order)
  if ev.to == "emergency" then set_kpi("emergency_clock_s", clock()) end
end)

at("02:00", function()
  local expected = { "holiday", "major_event", "emergency", "normal" }
  local same = #order == #expected
  for i = 1, #expected do same = same and order[i] == expected[i] end
  set_kpi("order_ok", same and 1 or 0)
end)

expect("switches", "==", 4)
expect("order_ok", "==", 1)
expect("emergency_clock_s", "==", 15 * 60)
