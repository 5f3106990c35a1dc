scenario(setmetatable({name = "s", start = "2025-12-31 16:00"}, {__index = function(t, k) error("no " .. k) end}))
