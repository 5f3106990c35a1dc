-- School gate, before: the dead-end lane shared by Fengqing Road Primary School and its staff
-- compound on a weekday afternoon, as the reports found it (FACTS.md, "school-gate dead-end
-- road"; the Jinshui report on 瀚宇社区, Fengqing Road sub-district). The lane is the only way
-- in and out of the compound; outside cars park along it at random, squeezing its four lanes;
-- at pick-up time the school bans vehicles from it; the makeshift path the residents opened
-- on the waste ground has been taken over by parked cars too. school_gate_after.lua is the
-- same afternoon once the community's fixes were in place: run both and compare
--   gridops check scenarios/school_gate_before.lua scenarios/school_gate_after.lua
-- The two files share their "measures" section line for line; change both together.
--
-- Assumptions (the report gives no times or counts): dismissal 16:30-17:00 with the school's
-- vehicle ban from 16:20 to 17:10; parents' cars stopping on Fengqing Road from 16:15 to
-- 17:00; outside cars on about 60 % of the lane's kerb. Map: assets/maps/school_gate.geojson
-- (README there: what is real, what is assumed).

scenario {
  name = "school gate: before",
  description = "Dead-end lane to the school staff compound at pick-up time, before the micro-grid fixes",
  map = "../assets/maps/school_gate.geojson",
  start = "2025-11-12 16:00", -- a Wednesday
  finish = "18:00",
  seed = 20251112,
  -- the weekday street profile scaled to one secondary road: about 700-800 vehicles an hour
  -- on Fengqing Road, about 40 an hour into the compound car park and 45 out
  traffic = { demand_scale = 0.25 },
  -- about 900 pedestrians between 16:00 and 18:00 (13 % of the day's total in the weekday
  -- profile): parents and grandparents collecting about 1,500 pupils (assumed)
  crowd = { visitors = 7000 },
  vendors = false, -- the story has none; the vendor model would bring Erqi's mobile vendors here
  ops = { posts = 0 }, -- nobody posted at the gate yet
  quick = { finish = "16:45" },
}

-- Places, in the map's metres. The map is drawn about the junction of Fengqing Road and the
-- school lane; the engine's origin is the centroid of the file's positions, so the junction
-- lies at J below (gridops map info prints the origin; redo J if the map changes).
local J = { -108.11, 34.97 }
local function P(x, y) return { J[1] + x, J[2] + y } end
local function box(x0, y0, x1, y1)
  local a, b = P(x0, y0), P(x1, y1)
  return { a[1], a[2], b[1], a[2], b[1], b[2], a[1], b[2] }
end
local CHANNEL = box(22.5, -150, 33.5, -40)          -- 学校指定接送专用通道
local FORECOURT = box(110.5, -29.5, 149.5, -10)     -- 校门口, the forecourt in front of the gate
local LANE_WALKS = box(14, -10, 258, 10)            -- the lane's sidewalks (its carriageway is not walkable)
local LANE = "road-school-lane"
local RESIDENTS = "road-residents-lane"
local LANE_M, RESIDENTS_M = 262, 302                -- route lengths from Fengqing Road to the compound gate, m
local LANE_KMH, RESIDENTS_KMH = 30, 20
local BAN_FROM, BAN_UNTIL = "16:20", "17:10"

-- ---- the story ---------------------------------------------------------------------------
local open = { [LANE] = true, [RESIDENTS] = true }

at("16:00", function()
  -- This block of the grid: only the incidents of this story, two community grid-worker teams.
  for _, t in ipairs({ "crowd_gathering", "illegal_vending", "stall_disorder", "parking_motor",
      "parking_nonmotor", "traffic_accident", "waterlogging", "litter_overflow", "manhole_damage",
      "railing_damage", "water_main_burst", "heating_leak", "road_collapse", "fireworks",
      "lost_person", "dispute" }) do
    set_incident_rate(t, 0)
  end
  set_teams("grid_worker", 2)
  set_teams("patrol", 1)
  -- Outside cars parked at random along both kerbs for the whole afternoon (FACTS.md: four
  -- lanes squeezed to one; the model can block only the kerb lane of each direction, so two
  -- of the four stay open).
  local parked = 0
  for s = 16, 244, 7 do
    for _, side in ipairs({ "along", "reverse" }) do
      if math.random() < 0.6 and double_park(LANE, s, "4h", side) then parked = parked + 1 end
    end
  end
  set_kpi("lane_parked_cars", parked)
  -- The makeshift path is taken over by pick-up and outside cars: no way through.
  close_road(RESIDENTS)
  open[RESIDENTS] = false
end)

-- The school's vehicle ban at pick-up time closes the lane: the residents' only way in and out.
at(BAN_FROM, function() close_road(LANE); open[LANE] = false end)
at(BAN_UNTIL, function() open_road(LANE); open[LANE] = true end)

-- Parents' cars stop on Fengqing Road's kerbs by the lane mouth and the channel, one about
-- every 80 s, for 5-12 minutes (same in both files).
local pickup_cars = 0
every("80s", function()
  local c = clock()
  if c < 16 * 3600 + 15 * 60 or c > 17 * 3600 then return end
  local s = 60 + math.random() * 140                  -- 60-200 m from the south end
  local side = math.random() < 0.5 and "along" or "reverse"
  if double_park("road-fengqing", s, string.format("%ds", math.floor(300 + math.random() * 420)), side) then
    pickup_cars = pickup_cars + 1
    set_kpi("pickup_cars", pickup_cars)
  end
end)

-- ---- measures (identical in school_gate_after.lua) ---------------------------------------
-- A resident setting off at a given minute drives the fastest open route between Fengqing
-- Road and the compound gate: length / space-mean speed of its road over the last 5 minutes
-- (the limit when nobody drove it). With no open route they wait until one opens: that wait
-- is added to the trip. Sampled every minute.
local LANE_FREE_S = LANE_M / (LANE_KMH / 3.6)       -- 31.4 s: the lane clear, at its limit
local samples, blocked, run, wait_sum, travel_sum, tti_sum, open_n = 0, 0, 0, 0, 0, 0, 0
local peak = { channel = 0, forecourt = 0, lane = 0, channel_d = 0, forecourt_d = 0, residents = 0, fengqing_tti = 0 }
local ped_sum = { channel = 0, forecourt = 0, lane = 0 }
local exposure_sum = 0

every("1m", function()
  samples = samples + 1
  set_kpi("resident_trip_free_s", LANE_FREE_S)
  local best, best_free
  for _, r in ipairs({ { LANE, LANE_M, LANE_KMH }, { RESIDENTS, RESIDENTS_M, RESIDENTS_KMH } }) do
    if open[r[1]] then
      local t = r[2] / road_speed(r[1])
      if not best or t < best then best, best_free = t, r[2] / (r[3] / 3.6) end
    end
  end
  if best then
    run = 0
    open_n = open_n + 1
    travel_sum = travel_sum + best
    tti_sum = tti_sum + best / best_free
  else
    blocked = blocked + 1
    run = run + 1
    wait_sum = wait_sum + 60 * run                     -- everyone waiting in this closure waits a minute more
  end
  local travel = open_n > 0 and travel_sum / open_n or 0
  set_kpi("resident_access_blocked_min", blocked)
  set_kpi("resident_wait_mean_s", wait_sum / samples)
  set_kpi("resident_trip_mean_s", wait_sum / samples + travel)
  set_kpi("resident_travel_open_s", travel)
  set_kpi("resident_tti", open_n > 0 and tti_sum / open_n or 0)
  peak.residents = math.max(peak.residents, road_vehicles(RESIDENTS))
  set_kpi("residents_lane_vehicles_peak", peak.residents)
  peak.fengqing_tti = math.max(peak.fengqing_tti, (road_tti("road-fengqing")))
  set_kpi("fengqing_tti_peak", peak.fengqing_tti)
  set_kpi("lane_minutes_blocked", traffic_counts().lane_minutes_blocked)

  -- The pick-up crowd: where it waits.
  local nc, _, dc = in_area(CHANNEL)
  local nf, _, df = in_area(FORECOURT)
  local nl = (in_area(LANE_WALKS))
  ped_sum.channel, ped_sum.forecourt, ped_sum.lane = ped_sum.channel + nc, ped_sum.forecourt + nf, ped_sum.lane + nl
  peak.channel = math.max(peak.channel, nc)
  peak.forecourt = math.max(peak.forecourt, nf)
  peak.lane = math.max(peak.lane, nl)
  peak.channel_d, peak.forecourt_d = math.max(peak.channel_d, dc), math.max(peak.forecourt_d, df)
  set_kpi("channel_peds_peak", peak.channel)
  set_kpi("channel_density_peak_ppm2", peak.channel_d)
  set_kpi("forecourt_peds_peak", peak.forecourt)
  set_kpi("forecourt_density_peak_ppm2", peak.forecourt_d)
  set_kpi("lane_walk_peds_peak", peak.lane)
  set_kpi("channel_peds_mean", ped_sum.channel / samples)
  set_kpi("forecourt_peds_mean", ped_sum.forecourt / samples)
  set_kpi("lane_walk_peds_mean", ped_sum.lane / samples)
  local all = ped_sum.channel + ped_sum.forecourt + ped_sum.lane
  set_kpi("channel_share", all > 0 and ped_sum.channel / all or 0)
  -- Exposure, not conflicts (the crowd and the traffic do not interact in the model): vehicles
  -- on the lane, parked ones included (children step out between them), times pedestrians on
  -- its sidewalks and at its gate, averaged over the minutes.
  exposure_sum = exposure_sum + road_vehicles(LANE) * (nl + nf)
  set_kpi("lane_vehicle_ped_exposure", exposure_sum / samples)
end)

-- ---- expectations --------------------------------------------------------------------------
-- The lane is lined with parked cars, and the ban cuts the compound off: residents wait.
expect("lane_parked_cars", ">=", 30)
-- when open, the lane is slow: parked cars, then the queue after the ban
expect("resident_tti", ">", 1.2, { when = "full" })
expect("resident_access_blocked_min", ">=", 20)              -- from 16:20 on
expect("resident_access_blocked_min", ">=", 45, { when = "full" }) -- the whole 50-minute ban
expect("resident_trip_mean_s", ">", 120)
expect("resident_trip_mean_s", ">", 300, { when = "full" })
expect("residents_lane_vehicles_peak", "==", 0)              -- the path is unusable
-- The crowd waits at the gate on the lane as much as in the channel, among the parked cars.
expect("forecourt_peds_peak", ">", 40)
expect("channel_share", "<", 0.6)
expect("lane_vehicle_ped_exposure", ">", 1000)
