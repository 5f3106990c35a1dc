scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m" }
at("2025-12-30 10:00", function() end)
