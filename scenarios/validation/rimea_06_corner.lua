-- RiMEA test 6 (VALIDATION.md): 20 persons walk round a left-hand corner (2 m wide legs,
-- 12 m each); nobody may cross a wall. Wall violations are counted every tick.
scenario {
  name = "RiMEA 6: round a corner",
  start = "2025-01-01 00:00", duration = "60s", nav_cell_m = 0.1,
}
lab {
  walkable = { { 0, 0, 12, 0, 12, 12, 10, 12, 10, 2, 0, 2 } },   -- L: east along y 0..2, then north
  exits = { top = rect(10, 11.6, 12, 12) },
}
spawn { area = rect(0.2, 0.2, 4, 1.8), count = 20, exit = "top" }
at("+60s", function()
  set_kpi("persons_out", (exited("top")))
  set_kpi("wall_violations", wall_violations())
end)
expect("persons_out", "==", 20)
expect("wall_violations", "==", 0)
