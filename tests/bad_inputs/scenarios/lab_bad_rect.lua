scenario { name = "s", start = "2025-12-31 16:00", duration = "1h" }
lab { walkable = { rect(0, 0, -10, 0/0) } }
