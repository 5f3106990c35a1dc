-- A double-parked car on a two-lane road (TRAFFIC.md; FACTS.md's school-gate road, four
-- lanes squeezed by parked cars). Two identical 1 km roads, two lanes each way at 50 km/h,
-- saturated from the west (50 cars always waiting to enter); on one, a car stands
-- double-parked in the kerb lane halfway along for the whole run. The flow leaving each
-- road eastbound (a detector 100 m before the end) over minutes 5-15. The open road carries
-- about two lanes' capacity (over 3,000 veh/h); with one lane blocked the road keeps one
-- lane and loses some more to merging: between 40 % and 75 % of the open road's flow.
scenario {
  name = "Traffic: double-parked car cuts capacity",
  start = "2025-01-01 10:00", duration = "15m", tick = "0.5s", crowd = false, nav_cell_m = 5,
}
road_lab {
  roads = {
    { id = "open", points = { 0, 0, 1000, 0 }, lanes = 2, speed_kmh = 50 },
    { id = "blocked", points = { 0, 300, 1000, 300 }, lanes = 2, speed_kmh = 50 },
  },
  gateways = { W1 = { 0, 0 }, E1 = { 1000, 0 }, W2 = { 0, 300 }, E2 = { 1000, 300 } },
}

at("+0s", function()
  assert(double_park("blocked", 500, "1000h"), "no room to double-park")
  feed { from = "W1", to = "E1", keep = 50 }
  feed { from = "W2", to = "E2", keep = 50 }
  detector("open_end", "open", { 900, 0 })
  detector("blocked_end", "blocked", { 900, 300 })
end)

local function flow(name)
  local n = 0
  for _, t in ipairs(detector_times(name)) do
    if t >= 300 and t < 900 then n = n + 1 end
  end
  return n * 3600 / 600
end

at("+15m", function()
  local open, blocked = flow("open_end"), flow("blocked_end")
  set_kpi("open_flow_vph", open)
  set_kpi("blocked_flow_vph", blocked)
  set_kpi("blocked_share", blocked / open)
  set_kpi("double_parked", traffic_counts().double_parked)
end)
expect("double_parked", "==", 1)
expect("open_flow_vph", ">", 3000)
expect("blocked_share", ">=", 0.40)
expect("blocked_share", "<=", 0.75)
