scenario { name = "s", start = "2025-12-31 16:00", duration = "1h", map = "../../../assets/maps/erqi.geojson" }
lab { walkable = { rect(0, 0, 10, 10) } }
