scenario { name = "s", start = "2025-02-30 10:00", duration = "1h" }
