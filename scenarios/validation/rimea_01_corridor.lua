-- RiMEA test 1 (VALIDATION.md): one person walks a 2 m × 40 m corridor at 1.33 m/s; the
-- guideline's pass band for the travel time is 26–34 s (40 m / 1.33 m/s = 30 s).
scenario {
  name = "RiMEA 1: one person in a corridor",
  start = "2025-01-01 00:00", duration = "45s", nav_cell_m = 0.1,
  crowd = { arrive_radius_m = 0.1 },
}
lab { walkable = { rect(0, 0, 40, 2) }, exits = { goal = rect(39.8, 0, 40, 2) } }
spawn { x = 0.2, y = 1, speed = 1.33, exit = "goal" }

at("+45s", function()
  local n, t = exited("goal")
  set_kpi("persons_out", n)
  if t then set_kpi("travel_time_s", t) end
end)
expect("persons_out", "==", 1)
expect("travel_time_s", ">=", 26)
expect("travel_time_s", "<=", 34)
