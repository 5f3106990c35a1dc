-- RiMEA test 9 (VALIDATION.md): 1,000 persons leave a 30 m × 20 m room with four 1 m doors;
-- then the same with two doors closed. The guideline's band for T(2 doors) / T(4 doors) is
-- 1.6–2.4. Both rooms run side by side; everyone heads for the nearest open door.
scenario {
  name = "RiMEA 9: room with 4 exits, then 2",
  start = "2025-01-01 00:00", duration = "15m", nav_cell_m = 0.1,
}
-- Room A (x 0..30) has doors on its left and right walls at y 4.5..5.5 and 14.5..15.5;
-- room B (x 40..70) only those on the left wall. Doors lead into 2 m deep exit strips.
local function room(x0, doors_right)
  local w = { rect(x0, 0, x0 + 30, 20),
              rect(x0 - 2, 4.5, x0, 5.5), rect(x0 - 2, 14.5, x0, 15.5) }
  if doors_right then
    w[#w + 1] = rect(x0 + 30, 4.5, x0 + 32, 5.5)
    w[#w + 1] = rect(x0 + 30, 14.5, x0 + 32, 15.5)
  end
  return w
end
local walkable = {}
for _, r in ipairs(room(2, true)) do walkable[#walkable + 1] = r end
for _, r in ipairs(room(42, false)) do walkable[#walkable + 1] = r end
lab {
  walkable = walkable,
  exits = {
    a1 = rect(0, 4.5, 0.5, 5.5), a2 = rect(0, 14.5, 0.5, 15.5),
    a3 = rect(33.5, 4.5, 34, 5.5), a4 = rect(33.5, 14.5, 34, 15.5),
    b1 = rect(40, 4.5, 40.5, 5.5), b2 = rect(40, 14.5, 40.5, 15.5),
  },
}
spawn { area = rect(3, 1, 31, 19), count = 1000, exit = { "a1", "a2", "a3", "a4" } }
spawn { area = rect(43, 1, 71, 19), count = 1000, exit = { "b1", "b2" } }

local function last_out(names)
  local total, last = 0, 0
  for _, e in ipairs(names) do
    local n, t = exited(e)
    total = total + n
    if t and t > last then last = t end
  end
  return total, last
end
at("+15m", function()
  local na, ta = last_out { "a1", "a2", "a3", "a4" }
  local nb, tb = last_out { "b1", "b2" }
  set_kpi("persons_out_4_doors", na)
  set_kpi("persons_out_2_doors", nb)
  set_kpi("evacuation_4_doors_s", ta)
  set_kpi("evacuation_2_doors_s", tb)
  set_kpi("time_ratio", tb / ta)
end)
expect("persons_out_4_doors", "==", 1000)
expect("persons_out_2_doors", "==", 1000)
expect("time_ratio", ">=", 1.6)
expect("time_ratio", "<=", 2.4)
