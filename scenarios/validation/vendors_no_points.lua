-- Street vendors without guidance points on a holiday evening, 17:30-19:00, on the Erqi Tower
-- district. Pair: vendors_points.lua.
scenario {
  name = "vendors: no guidance points",
  description = "Holiday evening on the Erqi district without the guidance points",
  map = "../../assets/maps/erqi.geojson",
  start = "2025-10-01 17:30", -- National Day holiday
  finish = "19:00",
  day = "holiday",
  mode = "holiday",
  seed = 20251001,
  traffic = false,
  quick = { finish = "17:40" }, -- gridops check: the first 10 minutes
  vendors = { guidance_points = false },
}

-- Nobody trades at a stall: the licence holders who come are on the street too.
expect("vendor_hours_inside_points", "==", 0)
expect("vendor_hours_outside_points", ">", 0)
