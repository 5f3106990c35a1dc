-- A whole ordinary weekday on the Erqi Tower district in normal mode. FACTS.md, "The
-- district": 295,000 visitors on an average weekday, 22 large commercial complexes, nearly
-- 10,000 merchants, 1.17 km². Nothing special happens: visitors come and go by the weekday
-- profile (assets/profiles/visitors_weekday.csv), traffic by its own profiles, incidents by
-- their normal-mode rates, street vendors in the evening; the coordination centre dispatches
-- with its normal-mode teams (sim/ops/README.md). This is the baseline the other scenarios
-- are read against.
--
--   gridops run scenarios/normal_weekday.lua      # 00:00-24:00 (takes a while: see README)
--   gridops check scenarios/normal_weekday.lua    # the quick window: 12:00-12:10, warm start

scenario {
  name = "normal weekday",
  description = "A whole weekday in normal mode on the Erqi district: 295,000 visitors",
  map = "../assets/maps/erqi.geojson",
  start = "2025-03-04 00:00",     -- a Tuesday
  duration = "24h",
  day = "weekday",                -- 295,000 unique visitors (FACTS.md)
  mode = "normal",
  seed = 20250304,
  quick = { start = "2025-03-04 12:00", finish = "12:10", crowd = { visitors = 29500 } },
}

-- Street and building counts at the lunchtime and evening peaks, for the report.
local function remember(name)
  return function()
    set_kpi(name .. "_street", kpi("peak_pedestrians_street") and pedestrians() or 0)
    set_kpi(name .. "_congestion", (congestion_index()))
  end
end
at("12:30", remember("lunch"))
at("19:00", remember("evening"))
every("10m", function()
  set_kpi("open_orders_now", ops_status().open)
end)

-- The day's visitors match FACTS.md's weekday average within 2 %.
expect("visitors_total", ">", 295000 * 0.98, { when = "full" })
expect("visitors_total", "<", 295000 * 1.02, { when = "full" })
-- An ordinary day: nowhere near crowd-safety limits, traffic at most moderately congested,
-- and the centre keeps up with its orders.
expect("peak_density_ppm2", "<", 4)
expect("cell_minutes_above_4ppm2", "==", 0)
expect("congestion_index_max", "<", 8)
expect("incidents_closed", ">", 0, { when = "full" })
expect("response_time_p90_s", "<", 1800, { when = "full" })
