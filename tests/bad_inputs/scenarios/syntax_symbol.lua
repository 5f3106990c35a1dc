scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m" }
local x = = 3
