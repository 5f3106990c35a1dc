-- A whole public holiday on the Erqi Tower district in holiday mode. FACTS.md: 419,000
-- visitors on an average holiday ("The district"); in holiday mode 50 key points are staffed
-- and 17 mobile patrol teams are out ("The four operating modes", from the Zhengdong CBD
-- grid, same city and model). The crowd is a third larger than on a weekday and stays late,
-- vendors trade at the 5 guidance points with 97 stalls ("Street vendors and merchants"),
-- and the centre works with its holiday staffing.
--
--   gridops run scenarios/holiday.lua        # 00:00-24:00 (takes a while: see README)
--   gridops check scenarios/holiday.lua      # the quick window: 15:00-15:10, warm start

scenario {
  name = "holiday",
  description = "A whole National Day holiday in holiday mode on the Erqi district: 419,000 visitors, "
    .. "50 staffed posts, 17 mobile teams",
  map = "../assets/maps/erqi.geojson",
  start = "2025-10-02 00:00",     -- National Day week
  duration = "24h",
  day = "holiday",                -- 419,000 unique visitors (FACTS.md)
  mode = "holiday",
  seed = 20251002,
  ops = { posts = 50, mobile_teams = 17 },   -- FACTS.md holiday staffing
  quick = { start = "2025-10-02 15:00", finish = "15:10", crowd = { visitors = 41900 } },
}

at("+1m", function()          -- staffing in force once the run is under way
  local t = teams()
  set_kpi("patrol_teams_planned", teams("patrol").planned)
  set_kpi("posts_planned", teams("posts").planned)
  set_kpi("teams_planned", t.planned)
end)
every("10m", function()
  local s = ops_status()
  set_kpi("posts_held_now", s.posts_held)
end)

-- FACTS.md staffing is what the holiday mode plans.
expect("patrol_teams_planned", "==", 17)
expect("posts_planned", "==", 50)
-- The day's visitors match FACTS.md's holiday average within 2 %.
expect("visitors_total", ">", 419000 * 0.98, { when = "full" })
expect("visitors_total", "<", 419000 * 1.02, { when = "full" })
-- Busy but safe: no sustained crush, traffic not gridlocked, orders answered.
expect("cell_minutes_above_4ppm2", "<", 30, { when = "full" })
expect("congestion_index_max", "<", 9)
expect("response_time_p90_s", "<", 1800, { when = "full" })
expect("coverage_5min", ">", 0.9, { when = "full" })
