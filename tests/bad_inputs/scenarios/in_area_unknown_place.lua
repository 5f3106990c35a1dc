scenario { name = "s", start = "2025-12-31 23:50", duration = "1m", map = "../../../assets/maps/school_gate.geojson",
           traffic = false, ops = false, vendors = false, crowd = { visitors = 0 } }
at("+1s", function() in_area("plaza-gate-forcourt") end)
