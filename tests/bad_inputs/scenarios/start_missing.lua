scenario { name = "s", duration = "1h" }
