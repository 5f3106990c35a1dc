# SPDX-License-Identifier: MIT
# `gridops run --trajectories` / `--trajectories-file FILE`: a JuPedSim v3 SQLite file with the four tables, one
# frame per tick (or per --trajectories-every), every pedestrian in each frame, the frame rate
# in metadata, only the box of --trajectories-area when given; written whole (no FILE.tmp
# left, an old FILE untouched by a run that fails); bad values and runs without pedestrians
# refused with exit 2. Checks the file with the sqlite3 command (Debian package sqlite3).
source "$(dirname "$0")/lib/common.sh"

if ! command -v sqlite3 >/dev/null; then
  echo "FAIL: the sqlite3 command is missing (scripts/setup installs the Debian package sqlite3)"
  exit 1
fi

# Six walkers in a 30 m corridor, 10 s at 0.1 s ticks: nobody reaches the exit at 29.8 m.
cat >"$TMP/lab.lua" <<'EOF'
scenario { name = "trajectories", start = "2025-01-01 00:00", duration = "10s", nav_cell_m = 0.1,
           crowd = { arrive_radius_m = 0.1 } }
lab { walkable = { rect(0, 0, 30, 4) }, exits = { goal = rect(29.8, 0, 30, 4) } }
spawn { area = rect(1, 0.5, 5, 3.5), count = 6, speed = 1.0, exit = "goal" }
EOF

q() { sqlite3 -batch -noheader "$1" "$2" 2>&1; }

expect_value() { # FILE SQL WANT DESCRIPTION
  checks=$((checks + 1))
  local got
  got=$(q "$1" "$2")
  if [ "$got" != "$3" ]; then
    echo "FAIL: $4: '$2' gave '$got', expected '$3'"
    fails=$((fails + 1))
  fi
}

expect_true() { # DESCRIPTION -- COMMAND...
  local what=$1
  shift 2
  checks=$((checks + 1))
  if ! "$@"; then
    echo "FAIL: $what"
    fails=$((fails + 1))
  fi
}

expect_exit 0 "help names the option" -- "$GRIDOPS" run --help
expect_text "$TMP/out" "--trajectories-file FILE" "run --help"
expect_text "$TMP/out" "--trajectories-every D" "run --help"

# Every tick: frames 0..100; the spawns appear at the first tick, so frame 0 is empty.
F="$TMP/all.sqlite"
expect_exit 0 "run with --trajectories" -- "$GRIDOPS" run "$TMP/lab.lua" --quiet --out "$TMP/o1" --trajectories-file "$F"
expect_true "trajectory file written" -- test -s "$F"
expect_true "no temporary file left" -- test ! -e "$F.tmp"
expect_value "$F" "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)" \
  "frame_data,geometry,metadata,trajectory_data" "tables"
expect_value "$F" "SELECT value FROM metadata WHERE key = 'version'" "3" "schema version"
expect_value "$F" "SELECT value FROM metadata WHERE key = 'fps'" "10.0" "frame rate"
expect_value "$F" "SELECT COUNT(*), MIN(frame), MAX(frame) FROM frame_data" "101|0|100" "frames"
expect_value "$F" "SELECT COUNT(DISTINCT id) FROM trajectory_data" "6" "agents"
expect_value "$F" "SELECT COUNT(*), COUNT(DISTINCT frame), MIN(frame) FROM trajectory_data" "600|100|1" "rows"
expect_value "$F" "SELECT COUNT(*) FROM (SELECT frame FROM trajectory_data GROUP BY frame HAVING COUNT(*) != 6)" "0" \
  "six rows in every frame"
expect_value "$F" "SELECT COUNT(*) FROM geometry WHERE wkt LIKE 'GEOMETRYCOLLECTION (POLYGON%'" "1" "geometry"
# Walkers head for the exit: everyone is further right at the end than at the start.
expect_value "$F" "SELECT COUNT(*) FROM trajectory_data a JOIN trajectory_data b ON a.id = b.id
                   WHERE a.frame = 1 AND b.frame = 100 AND b.pos_x > a.pos_x + 5" "6" "walkers move"

# A frame every 0.5 s: frames 0..20 (steps 0, 5, ..., 100), 2 frames per second.
G="$TMP/every.sqlite"
expect_exit 0 "run with --trajectories-every 0.5s" -- "$GRIDOPS" run "$TMP/lab.lua" --quiet --out "$TMP/o2" \
  --trajectories-file "$G" --trajectories-every 0.5s
expect_value "$G" "SELECT value FROM metadata WHERE key = 'fps'" "2.0" "frame rate at 0.5 s"
expect_value "$G" "SELECT COUNT(*), MAX(frame) FROM frame_data" "21|20" "frames at 0.5 s"
expect_value "$G" "SELECT COUNT(*), COUNT(DISTINCT id) FROM trajectory_data" "120|6" "rows at 0.5 s"
# The same positions as the every-tick file at the same times (frame 4 = step 20 = frame 20).
expect_value "$G" "ATTACH '$F' AS a; SELECT COUNT(*) FROM trajectory_data g JOIN a.trajectory_data t
                   ON t.id = g.id AND t.frame = g.frame * 5 WHERE t.pos_x = g.pos_x AND t.pos_y = g.pos_y" "120" \
  "sampling keeps the positions"

# Only the first 3 m of the corridor: fewer rows, none beyond x = 3.
H="$TMP/area.sqlite"
expect_exit 0 "run with --trajectories-area" -- "$GRIDOPS" run "$TMP/lab.lua" --quiet --out "$TMP/o3" \
  --trajectories-file "$H" --trajectories-area 0,0,3,4
expect_value "$H" "SELECT COUNT(*) > 0, COUNT(*) < 600, MAX(pos_x) <= 3.0 FROM trajectory_data" "1|1|1" "area filter"
expect_value "$H" "SELECT COUNT(*) FROM frame_data" "101" "frames with an area filter"

# Refusals: exit 2, naming the option; an old file stays as it was.
echo "old" >"$TMP/old.sqlite"
expect_exit 2 "every without a file" -- "$GRIDOPS" run "$TMP/lab.lua" --quiet --out "$TMP/o4" --trajectories-every 1s
expect_text "$TMP/err" "need --trajectories or --trajectories-file FILE" "every without a file"
expect_exit 2 "not a whole number of ticks" -- "$GRIDOPS" run "$TMP/lab.lua" --quiet --out "$TMP/o4" \
  --trajectories-file "$TMP/old.sqlite" --trajectories-every 0.25s
expect_text "$TMP/err" "whole number of ticks" "not a whole number of ticks"
expect_exit 2 "bad area" -- "$GRIDOPS" run "$TMP/lab.lua" --quiet --out "$TMP/o4" --trajectories-file "$TMP/old.sqlite" \
  --trajectories-area 3,0,1,4
expect_text "$TMP/err" "--trajectories-area" "bad area"
expect_exit 2 "no pedestrians" -- "$GRIDOPS" run "$SRC/scenarios/smoke.lua" --quiet --out "$TMP/o5" \
  --trajectories-file "$TMP/old.sqlite"
expect_text "$TMP/err" "no pedestrians" "no pedestrians"
expect_exit 2 "bad scenario key" -- "$GRIDOPS" run "$TMP/lab.lua" --quiet --out "$TMP/o4" --trajectories-file "$TMP/old.sqlite" \
  --set crowd.bogus=1
expect_true "a failed run leaves the old file" -- test "$(cat "$TMP/old.sqlite")" = "old"
expect_true "and no temporary file" -- test ! -e "$TMP/old.sqlite.tmp"

# The DESIGN.md form: --trajectories alone writes trajectories.sqlite with the other outputs.
expect_exit 0 "run with bare --trajectories" -- "$GRIDOPS" run "$TMP/lab.lua" --quiet --out "$TMP/o6" --trajectories
expect_value "$TMP/o6/trajectories.sqlite" "SELECT COUNT(*) FROM frame_data" "101" "frames in the output folder"
expect_exit 2 "both forms at once" -- "$GRIDOPS" run "$TMP/lab.lua" --quiet --out "$TMP/o7" --trajectories \
  --trajectories-file "$TMP/x.sqlite"
expect_text "$TMP/err" "give one" "both forms refused"
finish
