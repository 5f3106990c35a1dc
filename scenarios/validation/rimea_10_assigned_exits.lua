-- RiMEA test 10 (VALIDATION.md): persons assigned to exits use exactly their assigned exit.
-- 40 persons in a 10 m × 10 m room with doors east and west; the 20 nearest the east door
-- are sent west and the 20 nearest the west door east.
scenario {
  name = "RiMEA 10: assigned exits",
  start = "2025-01-01 00:00", duration = "2m", nav_cell_m = 0.1,
}
lab {
  walkable = { rect(2, 0, 12, 10), rect(0, 4.5, 2, 5.5), rect(12, 4.5, 14, 5.5) },
  exits = { west = rect(0, 4.5, 0.4, 5.5), east = rect(13.6, 4.5, 14, 5.5) },
}
spawn { area = rect(8, 1, 11.5, 9), count = 20, exit = "west" }
spawn { area = rect(2.5, 1, 6, 9), count = 20, exit = "east" }
at("+2m", function()
  set_kpi("out_west", (exited("west")))
  set_kpi("out_east", (exited("east")))
end)
expect("out_west", "==", 20)
expect("out_east", "==", 20)
