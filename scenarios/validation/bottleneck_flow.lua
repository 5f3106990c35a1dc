-- Bottleneck flow (VALIDATION.md, Seyfried et al. 2009): 120 persons push from a waiting
-- area through a 0.4 m long bottleneck of width 0.8, 0.9, 1.0, 1.1, 1.2 m. The laboratory
-- flows are 1.29, 1.67, 1.90, 2.12, 2.36 persons/s, a specific flow of about 1.6–2.0
-- persons/(m·s); the issue's band for this check is 1.5–2.1 persons/(m·s). The flow is
-- measured on a counting line in the bottleneck between the 10th and the 110th crossing.
-- (This is the bottleneck reference, not Weidmann's corridor capacity of 1.22.)
scenario {
  name = "Bottleneck specific flow",
  start = "2025-01-01 00:00", duration = "3m", nav_cell_m = 0.1,
}
local widths = { 0.8, 0.9, 1.0, 1.1, 1.2 }
local walkable, exits = {}, {}
for k, b in ipairs(widths) do
  local y0 = (k - 1) * 12
  local c = y0 + 4                          -- bottleneck centre line
  walkable[#walkable + 1] = rect(0, y0, 8, y0 + 8)                  -- waiting area
  walkable[#walkable + 1] = rect(8, c - b / 2, 8.4, c + b / 2)      -- the bottleneck
  walkable[#walkable + 1] = rect(8.4, y0, 14, y0 + 8)               -- outflow area
  exits["out" .. k] = rect(13.6, y0, 14, y0 + 8)
end
lab { walkable = walkable, exits = exits }
for k, b in ipairs(widths) do
  local y0 = (k - 1) * 12
  counting_line("b" .. k, { 8.2, y0 + 4 - b / 2 }, { 8.2, y0 + 4 + b / 2 })
  -- Free speeds 1.34 ± 0.26 m/s (Weidmann's mean and spread, uniform over mean ± sd).
  spawn { area = rect(0.3, y0 + 0.3, 7.5, y0 + 7.7), count = 120, speed = { 1.08, 1.60 }, exit = "out" .. k }
end
-- Crossing times are recorded by polling each line every tick-sized step.
local t10, t110 = {}, {}
every("0.1s", function()
  for k = 1, #widths do
    local n = line_count("b" .. k)
    if n >= 10 and not t10[k] then t10[k] = elapsed() end
    if n >= 110 and not t110[k] then t110[k] = elapsed() end
  end
end)
at("+3m", function()
  for k, b in ipairs(widths) do
    local tag = string.format("%g", b):gsub("%.", "_")
    if t10[k] and t110[k] then
      local flow = 100 / (t110[k] - t10[k])
      set_kpi("flow_" .. tag .. "m_per_s", flow)
      set_kpi("specific_flow_" .. tag .. "m", flow / b)
    end
  end
end)
for _, tag in ipairs { "0_8", "0_9", "1", "1_1", "1_2" } do
  expect("specific_flow_" .. tag .. "m", ">=", 1.5)
  expect("specific_flow_" .. tag .. "m", "<=", 2.1)
end
