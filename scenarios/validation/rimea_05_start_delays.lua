-- RiMEA test 5 (VALIDATION.md): 10 persons with start delays of 10, 20, ..., 100 s; each
-- must start within 2 ticks of its delay. Checked by counting who is on the floor just
-- before and 2 ticks after every delay.
scenario {
  name = "RiMEA 5: start delays",
  start = "2025-01-01 00:00", duration = "110s", nav_cell_m = 0.1,
}
lab { walkable = { rect(0, 0, 20, 20) } }
for k = 1, 10 do
  spawn { x = 2 * k - 1, y = 10, speed = 1.0, direction = { 0, 0.001 }, at = (10 * k) .. "s" }
end
local late, early = 0, 0
for k = 1, 10 do
  at("+" .. (10 * k - 0.1) .. "s", function() if pedestrians() ~= k - 1 then early = early + 1 end end)
  at("+" .. (10 * k + 0.2) .. "s", function() if pedestrians() ~= k then late = late + 1 end end)
end
at("+110s", function()
  set_kpi("started_early", early)
  set_kpi("started_late", late)
  set_kpi("persons", pedestrians())
end)
expect("persons", "==", 10)
expect("started_early", "==", 0)
expect("started_late", "==", 0)
