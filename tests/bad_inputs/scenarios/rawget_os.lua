scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m" }
local os2 = rawget(_G, "os")
os2.execute("true")
