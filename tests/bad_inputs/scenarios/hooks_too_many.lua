scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m" }
local function f() end
for i = 1, 200000 do at("+1h", f) end
