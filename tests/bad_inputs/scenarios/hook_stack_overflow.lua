scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m" }
local function f() return 1 + f() end
at("+1m", function() f() end)
