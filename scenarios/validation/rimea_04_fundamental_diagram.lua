-- RiMEA test 4 / Weidmann's fundamental diagram (VALIDATION.md): mean walking speed in a
-- periodic corridor at 0.5, 1, 2, 3 and 4 persons/m², measured over 60 s after 10 s of
-- warm-up, against v(ρ) = 1.34·[1 − exp(−1.913·(1/ρ − 1/5.4))]. The issue's band: within
-- 0.15 m/s or 25 %, whichever is larger. Five corridors 30 m × 4 m run side by side (walls
-- between them), all wrapping around in x.
scenario {
  name = "RiMEA 4: fundamental diagram (Weidmann)",
  start = "2025-01-01 00:00", duration = "70s", nav_cell_m = 0.1,
}
local densities = { 0.5, 1, 2, 3, 4 }
local weidmann = { 1.298, 1.058, 0.606, 0.331, 0.156 }
local walkable, corridors = {}, {}
for k = 1, #densities do
  local y0 = (k - 1) * 5            -- 4 m corridor, 1 m wall
  walkable[k] = rect(-3, y0, 33, y0 + 4)
  corridors[k] = rect(0, y0, 30, y0 + 4)
end
lab { walkable = walkable, periodic_x = { 0, 30 } }
for k, rho in ipairs(densities) do
  spawn { area = corridors[k], count = math.floor(rho * 30 * 4 + 0.5), speed = 1.34, direction = { 1, 0 } }
end

local sums, samples = { 0, 0, 0, 0, 0 }, 0
every("1s", function()
  if elapsed() <= 10 then return end
  samples = samples + 1
  for k = 1, #densities do
    local _, speed = in_area(corridors[k])
    sums[k] = sums[k] + (speed or 0)
  end
end)
at("+70s", function()
  for k, rho in ipairs(densities) do
    local v = sums[k] / samples
    local tag = string.format("%g", rho):gsub("%.", "_")
    set_kpi("speed_at_" .. tag .. "ppm2", v)
    set_kpi("speed_error_at_" .. tag .. "ppm2", math.abs(v - weidmann[k]))
  end
end)
-- Allowed error: max(0.15 m/s, 25 % of Weidmann's value) = 0.325, 0.265, 0.15, 0.15, 0.15.
expect("speed_error_at_0_5ppm2", "<=", 0.3245)
expect("speed_error_at_1ppm2", "<=", 0.2645)
expect("speed_error_at_2ppm2", "<=", 0.15)
expect("speed_error_at_3ppm2", "<=", 0.15)
expect("speed_error_at_4ppm2", "<=", 0.15)
