scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m" }
string.rep = function() while true do end end
at("+1m", function() local s = ("x"):rep(3) end)
