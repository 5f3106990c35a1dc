-- New Year's Eve on the Erqi Tower district, 31 December 16:00 to 1 January 01:00.
-- FACTS.md, "The four operating modes", New Year's Eve 2024: "17:00 Dec 31 the grid switched
-- to emergency mode; staff at 50 points; fireworks prevention; live guidance of people and
-- vehicles". The day is a holiday (FACTS.md: 419,000 visitors on an average holiday), and
-- the countdown brings crowds to the tower plaza (二七广场) and Dehua Street (德化街) on top;
-- their size is an assumption (the reports give "peak 29,000+ people at 20:00" for the
-- Zhengdong CBD, not for Erqi).
--
-- What the centre does, as scripted here:
--   16:00  street vendors kept off the streets within 150 m of the tower (assumption)
--   17:00  emergency mode (FACTS.md): emergency staffing, call-in lags and patrol patterns
--   22:30  traffic control: the roundabout and its short links close to vehicles
--   on every density warning on the tower island, the plaza or Dehua Street: public-address
--          guidance from the speakers covering it sends a share of the people there to the
--          metro exits; the plaza or Dehua Street closes to newcomers for 15 minutes (those
--          on their way choose another stop); the malls facing the plaza and Dehua Street
--          meter their doors (60 persons a minute)
--   00:05  the countdown crowds are let go in stages until 00:35 (assumption)
--   00:40  traffic control lifted
--
--   gridops run scenarios/new_year_eve.lua          # 16:00-01:00, the whole evening
--   gridops check scenarios/new_year_eve.lua        # the quick window around midnight
--   scripts/run                                     # the quick window, with a report

scenario {
  name = "new year's eve",
  description = "31 December on the Erqi district: holiday crowd, emergency mode from 17:00, "
    .. "countdown at the tower plaza and Dehua Street, traffic control, guidance and metering",
  map = "../assets/maps/erqi.geojson",
  start = "2025-12-31 16:00",
  finish = "01:00",
  day = "holiday",
  mode = "holiday",
  seed = 2024,
  ops = { posts = 50, mobile_teams = 17 },      -- FACTS.md: staff at 50 points
  quick = { start = "2025-12-31 23:55", finish = "00:05", crowd = { visitors = 41900 } },
}

-- Countdown crowds (assumption: see the header). They arrive from 22:00, stay past midnight
-- and are let go in stages over half an hour (the centre's "live guidance of people",
-- FACTS.md; the staging is an assumption): all at once, over a quarter of an hour, the
-- crowd converged on metro exit 3-C in the plaza at up to 9.1 persons/m² (README, "The
-- scenario library").
gathering { name = "countdown plaza", place = "plaza-tower-south", people = 12000,
            from = "22:00", to = "23:55", stay_until = "00:05", leave_spread = "30m" }
gathering { name = "countdown dehua", place = "ped-dehua", people = 8000,
            from = "22:15", to = "23:55", stay_until = "00:05", leave_spread = "30m" }

at("17:00", function() set_mode("emergency") end)                 -- FACTS.md

-- Street vendors are kept off the streets round the tower for the whole evening (an
-- assumption in the spirit of "fireworks prevention; live guidance of people and vehicles",
-- FACTS.md; the summit clears its perimeter the same way): a cart on a sidewalk by the
-- tower leaves a third of its width to the evening's heaviest streams, and without this
-- the queue behind one packed to 9-10 persons/m² within minutes (README, "The scenario
-- library").
at("+0s", function() clear_vendors({ around = "landmark-erqi-tower", radius_m = 150 }) end)

local ROUNDABOUT_LINKS = { "road-ring" }
at("22:30", function() for _, r in ipairs(ROUNDABOUT_LINKS) do close_road(r) end end)
at("00:40", function() for _, r in ipairs(ROUNDABOUT_LINKS) do open_road(r) end end)

-- Guidance, metering and closing to newcomers on density warnings. The speakers that cover
-- each area (within 60 m of it): the tower island, the plaza south of it, Dehua Street.
local SPEAKERS = {
  ["二七纪念塔及广场"] = { "pa-01", "pa-02", "pa-03" },
  ["二七广场"] = { "pa-02", "pa-04", "pa-05", "pa-06" },
  ["德化街"] = { "pa-05", "pa-07", "pa-08", "pa-09" },
}
-- Where the countdown crowds gather: a warning there closes the place to newcomers for
-- 15 minutes (those on their way choose another stop; those there stay); it reopens at the
-- first whole minute after that.
local GATHERING_PLACE = { ["二七广场"] = "plaza-tower-south", ["德化街"] = "ped-dehua" }
local PLACES = { "plaza-tower-south", "ped-dehua" }
local closed_until = {}
every("1m", function() -- registered here, not in the warning hook, so checkpoints can hold it
  for _, place in ipairs(PLACES) do
    if closed_until[place] and elapsed() >= closed_until[place] then
      reopen_entrance(place)
      closed_until[place] = nil
    end
  end
end)
-- The malls facing the plaza and Dehua Street: their doors are metered so that atriums do
-- not fill with people pushed off the street (the model meters building entrances, not the
-- metro stations' stairs).
local METERED = { "b-jinboda", "b-hualian", "b-yaxiya", "b-dehua-xintiandi", "b-bainian-dehua" }
local warnings, broadcasts, metered = 0, 0, false
on("density_warning", function(ev)
  warnings = warnings + 1
  set_kpi("density_warnings", warnings)
  local speakers = SPEAKERS[ev.area]
  if not speakers then return end
  for _, pa in ipairs(speakers) do
    pa_guidance { at = pa, radius = 60, share = 0.25, to = "exit:metro_exit", ends = "+15m" }
    broadcasts = broadcasts + 1
  end
  set_kpi("guidance_broadcasts", broadcasts)
  local place = GATHERING_PLACE[ev.area]
  if place then
    if not closed_until[place] then close_entrance(place) end
    closed_until[place] = elapsed() + 900
  end
  if not metered then
    for _, e in ipairs(METERED) do meter(e, 60) end
    metered = true
  end
end)

-- Fireworks prevention and the centre's answer, sampled through the evening.
local worst_open = 0
every("5m", function()
  local s = ops_status()
  worst_open = math.max(worst_open, s.open)
  set_kpi("orders_open_max", worst_open)
end)

at("00:00", function()
  set_kpi("midnight_street", pedestrians())
  local n, _, density = in_area("plaza-tower-south")
  set_kpi("midnight_plaza_people", n)
  set_kpi("midnight_plaza_density", density)
end)

-- Emergency mode from 17:00 (FACTS.md) and a safe countdown: the peak density stays below
-- crush levels (about 5 persons/m² and above, Fruin level F), the centre answers quickly.
expect("peak_density_ppm2", "<", 5.5)
expect("response_time_p90_s", "<", 1200, { when = "full" })
expect("incidents_closed", ">", 0, { when = "full" })
expect("congestion_index_max", "<", 10)
