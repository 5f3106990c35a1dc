scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m", lua_instructions = 1000000, lua_memory_mb = 16 }
on("mode_changed", function() error(setmetatable({}, {__tostring = function() while true do end end})) end)
at("16:01", function() set_mode("emergency") end)
