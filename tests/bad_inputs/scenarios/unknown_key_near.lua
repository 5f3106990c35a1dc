scenario { name = "s", start = "2025-12-31 16:00", duration = "1h", sede = 3 }
