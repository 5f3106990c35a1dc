-- Sweep smoke scenario: a toy queue at a metered entrance, so that studies (gridops sweep)
-- have something cheap, seed-dependent and mode-dependent to measure. No map: only the
-- clock, modes, math.random and scenario KPIs run, so one run takes a fraction of a second.
--
-- Each minute 0..8 visitors join the queue (8 coin flips, 4 a minute on average). The
-- entrance lets through a number a minute that depends on the operating mode, as staffing
-- does in FACTS.md (more staff at key points in holiday and emergency mode): normal 3,
-- holiday 4, major_event 5, emergency 6. Below 4 the queue grows all afternoon; at 4 it
-- wanders; above 4 it stays short. Studies vary `mode` and compare.

scenario {
  name = "sweep smoke",
  description = "Toy entrance queue: cheap, seed- and mode-dependent KPIs for study tests",
  start = "2025-12-31 16:00",
  duration = "2h",
  tick = "1s",
  seed = 7,
  mode = "holiday",
}

local capacity = { normal = 3, holiday = 4, major_event = 5, emergency = 6 }
local queue, peak, arrived, served, waiting = 0, 0, 0, 0, 0

every("1m", function()
  local joined = 0
  for _ = 1, 8 do
    if math.random() < 0.5 then joined = joined + 1 end
  end
  arrived = arrived + joined
  queue = queue + joined
  local through = math.min(queue, capacity[mode()])
  queue = queue - through
  served = served + through
  waiting = waiting + queue -- person-minutes spent waiting this minute
  if queue > peak then peak = queue end
  set_kpi("queue_peak", peak)
  set_kpi("served_share", arrived > 0 and served / arrived or 1)
  set_kpi("wait_per_visitor_min", arrived > 0 and waiting / arrived or 0)
end)

-- 120 minutes of arrivals; nobody is served who did not arrive.
expect("served_share", "<=", 1)
expect("served_share", ">", 0.5)
