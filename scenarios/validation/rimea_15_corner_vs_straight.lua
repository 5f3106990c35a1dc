-- RiMEA test 15 (VALIDATION.md): 500 persons in each of three 3 m wide routes from a
-- waiting hall — a corner (a 23 m leg east, a 23 m leg north), a short straight as long as
-- the corner's inner edge (40 m) and a long straight as long as its outer edge (46 m). The
-- times for all to arrive must order as T(short) <= T(corner) <= T(long).
scenario {
  name = "RiMEA 15: straight and corner",
  start = "2025-01-01 00:00", duration = "8m", nav_cell_m = 0.1,
}
lab {
  walkable = {
    rect(0, 0, 30, 10),  rect(30, 3.5, 70, 6.5),                       -- short: hall + 40 m
    rect(0, 20, 30, 30), { 30, 23.5, 53, 23.5, 53, 46.5, 50, 46.5, 50, 26.5, 30, 26.5 }, -- corner
    rect(0, 60, 30, 70), rect(30, 63.5, 76, 66.5),                     -- long: hall + 46 m
  },
  exits = {
    short = rect(69.6, 3.5, 70, 6.5),
    corner = rect(50, 46.1, 53, 46.5),
    long = rect(75.6, 63.5, 76, 66.5),
  },
}
known_failure("the corner loses about a quarter of the straight routes' capacity: walkers "
  .. "descending the distance field crowd the inner edge (T corner 248 s vs T long 199 s, seed 1)")

spawn { area = rect(0.5, 0.5, 29.5, 9.5), count = 500, exit = "short" }
spawn { area = rect(0.5, 20.5, 29.5, 29.5), count = 500, exit = "corner" }
spawn { area = rect(0.5, 60.5, 29.5, 69.5), count = 500, exit = "long" }
at("+8m", function()
  local ns, ts = exited("short")
  local nc, tc = exited("corner")
  local nl, tl = exited("long")
  set_kpi("persons_out", ns + nc + nl)
  set_kpi("time_short_s", ts)
  set_kpi("time_corner_s", tc)
  set_kpi("time_long_s", tl)
  set_kpi("order_ok", (ts <= tc and tc <= tl) and 1 or 0)
end)
expect("persons_out", "==", 1500)
expect("order_ok", "==", 1)
