scenario { name = "s", start = "2025-12-31 16:00", finish = "2025-12-30 16:00" }
