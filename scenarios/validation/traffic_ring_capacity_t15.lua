-- IDM ring-road capacity (VALIDATION.md, Treiber's Intelligent Driver Model): 50 km/h,
-- time gap T = 1.5 s, a = 1 m/s², b = 2 m/s², s0 = 2 m, 5 m cars give a steady-state capacity
-- of about 1470 veh/h/lane (analytic 1467). Five single-lane rings of 2 km, one each with
-- 80, 90, 100, 110 and 120 identical cars standing evenly spaced at the start; the flow over
-- minutes 10-15 (five 1-minute windows) on each ring's northern half; the capacity is the
-- highest of the five (the densities bracket the capacity density). Pass band: ±7 %.
local T = 1.5
scenario {
  name = "Traffic: ring-road capacity, T = 1.5 s",
  start = "2025-01-01 00:00", duration = "15m", tick = "0.5s", crowd = false, nav_cell_m = 5,
}
local counts = { 80, 90, 100, 110, 120 }
local R = 2000 / (2 * math.pi) -- 2 km circumference: two one-way half circles joined at two nodes
local roads = {}
for k = 1, #counts do
  for half = 0, 1 do
    local pts = {}
    for i = 0, 48 do
      local a = math.pi * (half + i / 48)
      pts[#pts + 1] = (k - 1) * 1000 + R * math.cos(a)
      pts[#pts + 1] = R * math.sin(a)
    end
    roads[#roads + 1] = { id = "ring" .. k .. (half == 0 and "_n" or "_s"), points = pts, oneway = true,
                          lanes = 1, speed_kmh = 50, class = "arterial" }
  end
end
road_lab { roads = roads, cars = { time_gap_s = T, accel = 1.0, decel = 2.0, speed_factor = 1, speed_spread = 0 } }

at("+0s", function()
  for k, n in ipairs(counts) do
    place_vehicles { roads = { "ring" .. k .. "_n", "ring" .. k .. "_s" }, count = n }
  end
end)
at("+15m", function()
  local best = 0
  for k, n in ipairs(counts) do
    local q = road_flow("ring" .. k .. "_n")
    set_kpi("flow_vph_" .. n .. "_cars", q)
    best = math.max(best, q)
  end
  set_kpi("capacity_vph_per_lane", best)
end)
expect("capacity_vph_per_lane", ">=", 1470 * 0.93)
expect("capacity_vph_per_lane", "<=", 1470 * 1.07)
