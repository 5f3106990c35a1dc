scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m", lua_instructions = 1000000, lua_memory_mb = 16 }
scenario_copy = scenario
at("+1m", function()
  set_kpi(setmetatable({}, {__tostring = function() while true do end end}), 1)
end)
