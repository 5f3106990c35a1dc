-- A water main bursts under Jiefang Road (解放路) at 10:00 on a weekday. FACTS.md, "Incidents
-- and how fast they were closed": "water main burst: reported 10:00, water back 14:00: 4
-- hours". Here nobody phones it in: the cameras' video recognition (FACTS.md, "AI vision":
-- road waterlogging is one of its 10 scenes), patrols and citizens have to notice it; the
-- centre orders the utilities out (派单制, FACTS.md "dispatch"); once the crew is on scene
-- the block is closed to traffic and drivers divert; when the repair is done the road
-- reopens and the order is verified and closed.
--
--   gridops run scenarios/water_main_burst.lua            # 09:30-15:00, the whole story
--   gridops check scenarios/water_main_burst.lua          # its quick window, 09:55-10:30

scenario {
  name = "water main burst",
  description = "Weekday on the Erqi district: a water main bursts under Jiefang Road at 10:00; "
    .. "detection, dispatch, lane closure and diversion, repair by the utility",
  map = "../assets/maps/erqi.geojson",
  start = "2025-03-04 09:30",
  finish = "15:00",
  day = "weekday",        -- FACTS.md: 295,000 visitors on a weekday
  mode = "normal",
  seed = 20250304,
  -- The quick window (gridops check): the burst, its detection, the crew and the closure,
  -- with a tenth of the visitors so that it runs in seconds.
  quick = { start = "2025-03-04 09:55", finish = "10:30", crowd = { visitors = 29500 } },
}

local SITE = { -367, -25 }          -- Jiefang Road between Minggong Road and Erma Road
local burst                          -- the incident's id
local closed_at, reopened_at        -- s after the start
local block_during_closure = 0      -- vehicles seen on the closed block after it emptied
local erma_before, erma_during = 0, 0

at("10:00", function()
  burst = incident { type = "water_main_burst", at = SITE, reported = false }
  erma_before = road_vehicles("road-erma")
end)

-- The closure follows the incident: the block closes when the crew is on scene (they
-- fence off the dig) and reopens when the repair is done (water back).
every("30s", function()
  if not burst then return end
  local s = incident_state(burst)
  if not closed_at and s.arrived_s then
    close_road("road-jiefang", SITE)
    closed_at = elapsed()
  end
  if closed_at and not reopened_at and elapsed() - closed_at >= 180 then
    -- drivers already on the block have left after three minutes
    block_during_closure = math.max(block_during_closure, road_vehicles("road-jiefang", SITE))
    erma_during = math.max(erma_during, road_vehicles("road-erma"))
  end
  if closed_at and not reopened_at and s.resolved_s then
    open_road("road-jiefang", SITE)
    reopened_at = elapsed()
  end
  if s.detected_s then set_kpi("detect_min", (s.detected_s - s.occurred_s) / 60) end
  if s.arrived_s then set_kpi("crew_on_scene_min", (s.arrived_s - s.occurred_s) / 60) end
  if s.resolved_s then set_kpi("water_back_h", (s.resolved_s - s.occurred_s) / 3600) end
  if s.closed_s then set_kpi("order_closed_h", (s.closed_s - s.occurred_s) / 3600) end
  set_kpi("burst_detected_by_camera", s.detected_by == "camera_vision" and 1 or 0)
  set_kpi("block_closed", closed_at and not reopened_at and 1 or 0)
  set_kpi("block_vehicles_while_closed", block_during_closure)
  set_kpi("erma_vehicles_before", erma_before)
  set_kpi("erma_vehicles_during", erma_during)
end)

-- Found within a quarter of an hour, crew there within the hour (both windows).
expect("detect_min", "<", 15)
expect("crew_on_scene_min", "<", 60)
expect("block_vehicles_while_closed", "==", 0)
expect("block_closed", "==", 1, { when = "quick" })
-- The whole story: water back in about 4 hours (FACTS.md), road open again, order closed.
expect("water_back_h", ">", 3, { when = "full" })
expect("water_back_h", "<", 5, { when = "full" })
expect("block_closed", "==", 0, { when = "full" })
expect("order_closed_h", "<", 5.5, { when = "full" })
