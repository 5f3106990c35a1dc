scenario { name = "s", start = "2025-12-31 16:00", duration = "1h" }
lab { walkable = { rect(0, 0, 10, 2) }, exits = { goal = rect(9, 0, 10, 2) } }
spawn { x = 1, y = 1, count = -5, exit = "goal" }
