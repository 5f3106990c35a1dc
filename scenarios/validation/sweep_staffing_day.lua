-- Base scenario of the staffing study (scenarios/staffing_study.lua): a holiday on the Erqi
-- Tower district with the operations model only - incidents, sensing, the coordination
-- centre, mobile teams and fixed posts. FACTS.md, Zhengdong CBD grid: in holiday mode 50 key
-- points are staffed and 17 mobile patrol teams are out; the study varies both.
--
-- Pedestrians and vehicles are off: staffing changes how incidents are found and answered,
-- not how people walk, and the crowd model would make each run a hundred times slower. Turn
-- them on (crowd = true, traffic = true, in the study's set = {...}) to let density
-- warnings and congestion feed the incident stream.

scenario {
  name = "staffing day",
  description = "Holiday on the Erqi district, operations only: incidents, centre, teams, posts",
  map = "../../assets/maps/erqi.geojson",
  start = "2025-10-01 10:00", -- National Day holiday
  duration = "12h",
  day = "holiday",
  mode = "holiday",
  seed = 1,
  crowd = false,
  traffic = false,
}
