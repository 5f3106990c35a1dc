scenario { name = "s", start = "2025-13-40 25:00", duration = "1h" }
