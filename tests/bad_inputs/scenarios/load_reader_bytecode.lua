scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m" }
local parts = {"\27Lua", "T"}
local i = 0
local f = assert(load(function() i = i + 1 return parts[i] end))
