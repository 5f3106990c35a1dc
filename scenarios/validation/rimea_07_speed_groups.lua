-- RiMEA test 7 (VALIDATION.md): free speeds by age group stay in the guideline's bands:
-- under 30 0.58–1.61 m/s, 30–50 1.41–1.54, over 50 0.68–1.41, impaired 0.46–0.76. 50
-- persons of each group are drawn and stand in a large hall.
scenario {
  name = "RiMEA 7: speeds by age group",
  start = "2025-01-01 00:00", duration = "2s", nav_cell_m = 0.5,
}
lab { walkable = { rect(0, 0, 40, 40) } }
local groups = { "under_30", "30_to_50", "over_50", "impaired" }
for k, g in ipairs(groups) do
  spawn { area = rect((k - 1) * 10, 0, k * 10, 10), count = 50, group = g, direction = { 0, 1 } }
end
at("+1s", function()
  for _, g in ipairs(groups) do
    local lo, hi = free_speeds(g)
    set_kpi("min_speed_" .. g, lo)
    set_kpi("max_speed_" .. g, hi)
  end
end)
expect("min_speed_under_30", ">=", 0.58) expect("max_speed_under_30", "<=", 1.61)
expect("min_speed_30_to_50", ">=", 1.41) expect("max_speed_30_to_50", "<=", 1.54)
expect("min_speed_over_50", ">=", 0.68)  expect("max_speed_over_50", "<=", 1.41)
expect("min_speed_impaired", ">=", 0.46) expect("max_speed_impaired", "<=", 0.76)
