-- Street vendors with the district's guidance points ("5 points / 97 stalls", FACTS.md) on a
-- holiday evening, 17:30-19:00, on the Erqi Tower district. Pair: vendors_no_points.lua.
scenario {
  name = "vendors: 5 points / 97 stalls",
  description = "Holiday evening on the Erqi district with the guidance points operating",
  map = "../../assets/maps/erqi.geojson",
  start = "2025-10-01 17:30", -- National Day holiday
  finish = "19:00",
  day = "holiday",
  mode = "holiday",
  seed = 20251001,
  traffic = false,
  quick = { finish = "17:40" }, -- gridops check: the first 10 minutes
}

-- Licence holders come to the 97 stalls from the 17:00 opening.
expect("vendor_hours_inside_points", ">", 0)
expect("stall_occupancy", ">", 0.5)
