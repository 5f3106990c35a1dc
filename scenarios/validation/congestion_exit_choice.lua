-- Congestion-aware exit choice (sim/crowd/choice.h): 120 persons in a 20 m × 10 m room
-- start next to the west door, whose exit is metered at 20 persons/min (a jammed gate); the
-- east door is about 11 m further for most. Two identical rooms run side by side. In room A
-- everyone keeps to the nearest door; in room B the two doors form a congestion_choice
-- group, so every 5 s people compare
--     walking distance / free speed + people within 5 m of the door / door capacity
-- and switch when the other door saves more than 2 s. Expected: in A nobody uses the east
-- door and the room is not empty after 3 minutes; in B most walk to the east door, the
-- metered one stays in use, and everyone is out well before A.
scenario {
  name = "Congestion-aware exit choice",
  start = "2025-01-01 00:00", duration = "4m", nav_cell_m = 0.1,
}
lab {
  walkable = { rect(0, 0, 20, 10), rect(30, 0, 50, 10) },
  exits = {
    a_west = rect(0, 4.5, 0.2, 5.5), a_east = rect(19.8, 4.5, 20, 5.5),
    b_west = rect(30, 4.5, 30.2, 5.5), b_east = rect(49.8, 4.5, 50, 5.5),
  },
}
spawn { area = rect(0.5, 0.5, 8.5, 9.5), count = 120, speed = { 1.1, 1.5 }, exit = { "a_west", "a_east" } }
spawn { area = rect(30.5, 0.5, 38.5, 9.5), count = 120, speed = { 1.1, 1.5 }, exit = { "b_west", "b_east" } }
congestion_choice { name = "room_b", among = { "b_west", "b_east" }, every = "5s" }
at("+0s", function()
  meter("a_west", 20)
  meter("b_west", 20)
end)
at("+3m", function()
  set_kpi("a_left_at_3min", 120 - (exited("a_west") + exited("a_east")))
end)
at("+4m", function()
  local bw, be = exited("b_west"), exited("b_east")
  local _, tw = exited("b_west")
  local _, te = exited("b_east")
  set_kpi("a_east_share", exited("a_east") / 120)
  set_kpi("b_east_share", be / 120)
  set_kpi("b_out", bw + be)
  set_kpi("b_last_out_s", math.max(tw or 0, te or 0))
  set_kpi("b_switches", (choice_switches("room_b")))
end)
expect("a_east_share", "==", 0)
expect("a_left_at_3min", ">", 0)
expect("b_east_share", ">=", 0.5)
expect("b_east_share", "<", 1)        -- the metered door stays in use
expect("b_out", "==", 120)
expect("b_last_out_s", "<", 180)
