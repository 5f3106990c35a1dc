scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m" }
at("+1m", function() spawn(setmetatable({}, {__index = function(t, k) error("trap " .. k) end})) end)
