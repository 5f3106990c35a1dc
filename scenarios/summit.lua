-- A summit on the Erqi district: major-event mode for a weekday (FACTS.md, "The four
-- operating modes": "major event (重大活动)"; the reports' "three links, three pre-" mechanism
-- — joint command, patrol and response; advance plan, warning and deployment). The venue, the
-- route and the times are assumptions: the reports name the mode and the mechanism, not an
-- event in Erqi. The Taikang Office Block (b-office-guancheng, east of Dunmu Road) hosts it;
-- delegates arrive from the railway station at 09:30 and leave at 17:30.
--
-- What the grid does, as scripted here:
--   all day  major-event mode: every one of the map's 50 posts staffed (12 in normal mode),
--            more patrols and traffic police (set_teams below)
--   07:30    the security perimeter round the venue closes to pedestrians; street vendors
--            are cleared from it; the block of Taikang Road in front of the venue closes to
--            vehicles; four posts move to the perimeter's corners
--   09:22    the motorcade route closes to vehicles, block by block (traffic police clear
--            it: FACTS.md "joint command / patrol"), and reopens at 09:35 once it has passed
--   17:22    the same for the departure, reopened at 17:35
--   18:30    perimeter, Taikang Road block and vendor areas reopen
--
--   gridops run scenarios/summit.lua            # 07:00-19:00, the whole day
--   gridops check scenarios/summit.lua          # the quick window round the arrival

scenario {
  name = "summit",
  description = "A weekday summit at the Taikang Office Block: major-event mode, a security perimeter, "
    .. "vendors cleared, the motorcade route closed at arrival and departure, extra posts",
  map = "../assets/maps/erqi.geojson",
  start = "2025-05-20 07:00",
  finish = "19:00",
  day = "weekday",             -- FACTS.md: 295,000 visitors on a weekday
  mode = "major_event",
  seed = 20250520,
  -- The quick window (gridops check): the motorcade's arrival with a tenth of the visitors;
  -- the 07:30 measures are caught up at its start.
  quick = { start = "2025-05-20 09:15", finish = "09:45", crowd = { visitors = 29500 } },
}

-- The perimeter: the venue, its front sidewalk on Taikang Road and the footways at its sides,
-- between the Guancheng Shopping Centre (west) and the district edge (east); the sidewalk
-- entries at the edge (edge-taikang-br, edge-xidajie-bl) stay outside it. Map metres.
local PERIMETER = { 509, -10, 625, -10, 625, 221, 600, 221, 600, 229, 509, 229 }
local PERIMETER_MAIN = { 510, -9, 624, -9, 624, 220, 510, 220 }
local PERIMETER_FRONT = { 510, 220, 599, 220, 599, 228, 510, 228 }
-- The notch the perimeter leaves at the district edge: Taikang Road's south sidewalk with the
-- edge entry, walled in by the perimeter and the road. Nobody can walk on from there, so
-- visitors come in at the next entry instead and nobody should stand in it.
local EDGE_NOTCH = { 601, 222, 624, 222, 624, 228, 601, 228 }
local VENUE_BLOCK = { 490, 235 }     -- Taikang Road between Dunmu Road and the venue
-- The motorcade route from the station approach: Jiefang Road eastwards, the roundabout,
-- Xi Dajie, Dunmu Road northwards, then the venue's block of Taikang Road (closed all day).
-- A point on each block.
local ROUTE = {
  { "road-jiefang", { -533, -25 } }, { "road-jiefang", { -367, -25 } },
  { "road-jiefang", { -192, -25 } }, { "road-jiefang", { -60, -25 } },
  { "road-ring" },
  { "road-xidajie", { 165, -25 } }, { "road-xidajie", { 283, -25 } },
  { "road-dunmu", { 358, 105 } },
}
-- Posts moved to the perimeter's corners (their usual spots are quiet on a weekday morning).
local CORNER_POSTS = {
  { "post-dehua-6", { 505, -22 } }, { "post-dehua-7", { 628, -22 } },
  { "post-dehua-8", { 505, 231 } }, { "post-vendor-dunmu", { 628, 231 } },
}

-- More mobile teams in major-event mode than the defaults (patrol 17, traffic police 6):
-- an assumption in the spirit of "joint patrol".
at("+0s", function()
  set_teams("patrol", 24, "major_event")
  set_teams("traffic_police", 10, "major_event")
end)

local perimeter_vendors_area, perimeter_closed_at
at("07:30", function()
  perimeter_closed_at = elapsed()
  close_area("summit perimeter", PERIMETER)
  perimeter_vendors_area = clear_vendors(PERIMETER)
  close_road("road-taikang", VENUE_BLOCK)
  for _, p in ipairs(CORNER_POSTS) do move_post(p[1], p[2]) end
end)
at("18:30", function()
  reopen_area("summit perimeter")
  reopen_vendors(perimeter_vendors_area)
  open_road("road-taikang", VENUE_BLOCK)
end)

-- The motorcade: the route closes 8 minutes before it passes, reopens 5 minutes after.
-- The block in front of the venue stays closed all day (07:30-18:30).
local route_closed = false
local function close_route()
  for _, r in ipairs(ROUTE) do close_road(r[1], r[2]) end
  route_closed = true
end
local function open_route()
  for _, r in ipairs(ROUTE) do open_road(r[1], r[2]) end
  route_closed = false
end
at("09:22", close_route)
at("09:35", open_route)
at("17:22", close_route)
at("17:35", open_route)

-- Measured: vehicles left on the route while the motorcade passes (from 3 minutes after the
-- closure, when drivers already on it have driven off), pedestrians and vendors inside the
-- perimeter, the worst congestion and the centre's open orders.
local route_worst, inside_worst, vendors_worst, notch_worst = 0, 0, 0, 0
local function route_vehicles()
  local n = 0
  for _, r in ipairs(ROUTE) do
    n = n + (r[2] and road_vehicles(r[1], r[2]) or road_vehicles(r[1]))
  end
  return n
end
every("30s", function()
  local c = clock()
  local passing = (c >= 9 * 3600 + 25 * 60 and c <= 9 * 3600 + 35 * 60)
    or (c >= 17 * 3600 + 25 * 60 and c <= 17 * 3600 + 35 * 60)
  if route_closed and passing then route_worst = math.max(route_worst, route_vehicles()) end
  -- Ten minutes after the closure everyone inside has walked out; in_area counts by bounding
  -- box, so the perimeter is measured as its two rectangles, a cell (1 m) inside its edge.
  if perimeter_closed_at and elapsed() >= perimeter_closed_at + 600 and c < 18 * 3600 + 30 * 60 then
    local inside = in_area(PERIMETER_MAIN) + in_area(PERIMETER_FRONT)
    inside_worst = math.max(inside_worst, inside)
    vendors_worst = math.max(vendors_worst, vendor_measures().vendors_in_cleared_areas)
    notch_worst = math.max(notch_worst, (in_area(EDGE_NOTCH)))
  end
  set_kpi("motorcade_route_vehicles_max", route_worst)
  set_kpi("perimeter_pedestrians_max", inside_worst)
  set_kpi("perimeter_vendors_max", vendors_worst)
  set_kpi("edge_notch_pedestrians_max", notch_worst)
end)
at("09:30", function()
  set_kpi("route_vehicles_at_arrival", route_vehicles())
  set_kpi("posts_held_at_arrival", ops_status().posts_held)
end)

-- The route is clear when the motorcade passes, nobody and no vendor is inside the perimeter,
-- the posts are held, and the district's traffic copes with the closures.
expect("motorcade_route_vehicles_max", "==", 0)
expect("perimeter_pedestrians_max", "==", 0)
expect("edge_notch_pedestrians_max", "==", 0)
expect("perimeter_vendors_max", "==", 0)
expect("posts_held_at_arrival", ">=", 40)
expect("congestion_index_max", "<", 8)
expect("response_time_p90_s", "<", 1200, { when = "full" })
