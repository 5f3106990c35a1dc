scenario { name = "bad", start = "2025-12-31 16:00", duration = "10m" }
at("16:05", function()
  set_mode("emergency")
