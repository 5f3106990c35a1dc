scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m" }
local f = load("\27Lua\x54\0\25\147\r\n\26\n\4\8\8")
assert(f)
