scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m" }
at("+1m", function()
  local co = coroutine.wrap(function() table.sort({3,2,1}, function(a, b) coroutine.yield() return a < b end) end)
  co()
end)
