scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m", lua_instructions = 1000000, lua_memory_mb = 16 }
at("+1m", function()
  local t = {}
  for i = 1, 1e9 do t[i] = {i} end
end)
