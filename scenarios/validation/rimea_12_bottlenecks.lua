-- RiMEA test 12 (VALIDATION.md): 150 persons go from a room through a corridor into a
-- second room and out; the congestion must form at the first bottleneck only. The peak
-- density in front of the first door is compared with the peak in front of the second.
scenario {
  name = "RiMEA 12: congestion at the first bottleneck only",
  start = "2025-01-01 00:00", duration = "4m", nav_cell_m = 0.1,
}
lab {
  walkable = {
    rect(0, 0, 10, 10),       -- start room
    rect(10, 4.5, 20, 5.5),   -- 1 m × 10 m corridor
    rect(20, 0, 30, 10),      -- second room
    rect(30, 4.5, 32, 5.5),   -- 1 m door out
  },
  exits = { out = rect(31.6, 4.5, 32, 5.5) },
}
spawn { area = rect(0.5, 0.5, 9.5, 9.5), count = 150, exit = "out" }
local before_first, before_second = rect(8, 3, 10, 7), rect(28, 3, 30, 7)
local peak1, peak2 = 0, 0
every("1s", function()
  local _, _, d1 = in_area(before_first)
  local _, _, d2 = in_area(before_second)
  if d1 > peak1 then peak1 = d1 end
  if d2 > peak2 then peak2 = d2 end
end)
at("+4m", function()
  set_kpi("persons_out", (exited("out")))
  set_kpi("peak_density_first_door_ppm2", peak1)
  set_kpi("peak_density_second_door_ppm2", peak2)
end)
expect("persons_out", "==", 150)
expect("peak_density_first_door_ppm2", ">=", 2.0)   -- a jam forms
expect("peak_density_second_door_ppm2", "<", 1.0)   -- none at the second door
