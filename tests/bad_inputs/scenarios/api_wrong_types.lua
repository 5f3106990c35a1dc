scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m" }
at("+1m", function() set_kpi(42, "x") end)
