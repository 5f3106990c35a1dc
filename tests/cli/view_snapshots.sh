# SPDX-License-Identifier: MIT
# Pictures without a display (SDL_VIDEODRIVER=dummy, no DISPLAY): `run --snapshot-every`
# writes snapshots/HHMM.png and report.html, snapshot("name") from a scenario writes
# snapshots/name.png, bad names and periods are refused, and `gridops view` left to run to
# its end gives the same state_hash as `gridops run` (the window never changes results, nor
# does a stand-in crowd drawn with --synthetic-crowd); the district's report.html holds the
# incidents section (by category over time, response times, channels, longest-open orders).
# In a build without the renderer it checks that runs still write report.html and warn.
source "$(dirname "$0")/lib/common.sh"
export SDL_VIDEODRIVER=dummy
unset DISPLAY WAYLAND_DISPLAY
SMOKE="$SRC/scenarios/smoke.lua"

is_png() { # FILE: starts with the PNG signature
  checks=$((checks + 1))
  if [ "$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
    echo "FAIL: $1 is not a PNG"
    fails=$((fails + 1))
  fi
}

hash_of() { sed -n 's/.*"state_hash":[[:space:]]*"\([0-9a-f]*\)".*/\1/p' "$1/summary.json"; }

same_hash() { # DIR_A DIR_B DESCRIPTION
  checks=$((checks + 1))
  local a b
  a=$(hash_of "$1")
  b=$(hash_of "$2")
  if [ -z "$a" ] || [ "$a" != "$b" ]; then
    echo "FAIL: $3: state_hash '$a' vs '$b'"
    fails=$((fails + 1))
  fi
}

well_formed() { # FILE: parses as XML when xmllint is there (the unit suite checks it anyway)
  if command -v xmllint >/dev/null 2>&1; then
    checks=$((checks + 1))
    if ! xmllint --noout "$1" 2>"$TMP/xmllint"; then
      echo "FAIL: $1 is not well-formed:"
      head -3 "$TMP/xmllint"
      fails=$((fails + 1))
    fi
  fi
}

"$GRIDOPS" view "$SMOKE" --duration 1m --exit-at-end --quiet --out "$TMP/probe" >"$TMP/out" 2>"$TMP/err"
if grep -q "no renderer" "$TMP/err"; then
  # Renderer off: runs still write the report, and asking for pictures only warns.
  expect_exit 0 "run with --snapshot-every, no renderer" -- "$GRIDOPS" run "$SMOKE" --snapshot-every 30m --quiet --out "$TMP/snap"
  expect_text "$TMP/err" "no renderer" "warning about missing pictures"
  checks=$((checks + 1))
  [ -f "$TMP/snap/report.html" ] && [ ! -d "$TMP/snap/snapshots" ] || { echo "FAIL: report without snapshots expected"; fails=$((fails + 1)); }
  finish
  exit $?
fi

# Periodic snapshots from the start, every 30 minutes of the 2-hour smoke run
expect_exit 0 "run --snapshot-every 30m" -- "$GRIDOPS" run "$SMOKE" --snapshot-every 30m --quiet --out "$TMP/snap"
for t in 1600 1630 1700 1730 1800; do is_png "$TMP/snap/snapshots/$t.png"; done
checks=$((checks + 1))
n=$(ls "$TMP/snap/snapshots" | wc -l)
[ "$n" -eq 5 ] || { echo "FAIL: $n snapshots, expected 5"; fails=$((fails + 1)); }
cp "$TMP/snap/report.html" "$TMP/report.html"
expect_text "$TMP/report.html" 'id="chart-mode"' "report has the mode chart"
expect_text "$TMP/report.html" '<a href="snapshots/1730.png">' "report lists the snapshots"
expect_text "$TMP/report.html" 'src="data:image/png;base64,iVBORw0KGgo' "report embeds a picture"
expect_text "$TMP/report.html" "Operating mode switched from holiday" "report lists the 17:00 switch"
well_formed "$TMP/report.html"

# snapshot() from a scenario: named, and by default named after the clock
cat >"$TMP/snap.lua" <<'EOF'
scenario { name = "snap", start = "2025-12-31 16:00", duration = "20m" }
at("16:10", function() snapshot("ten_past") end)
every("5m", function() snapshot() end)
EOF
expect_exit 0 "snapshot() in a scenario" -- "$GRIDOPS" run "$TMP/snap.lua" --quiet --out "$TMP/lua"
for f in ten_past 160500 161000 161500 162000; do is_png "$TMP/lua/snapshots/$f.png"; done

cat >"$TMP/bad.lua" <<'EOF'
scenario { name = "bad", start = "2025-12-31 16:00", duration = "5m" }
at("16:01", function() snapshot("../escape") end)
EOF
expect_exit 2 "snapshot() with a path" -- "$GRIDOPS" run "$TMP/bad.lua" --quiet --out "$TMP/bad"
expect_text "$TMP/err" 'snapshot: bad name "../escape"' "names the bad snapshot"
expect_text "$TMP/err" "bad.lua:2" "names the line"
expect_exit 2 "--snapshot-every 0s" -- "$GRIDOPS" run "$SMOKE" --snapshot-every 0s --quiet
expect_text "$TMP/err" "--snapshot-every" "names the flag"
expect_exit 2 "view --speed out of range" -- "$GRIDOPS" view "$SMOKE" --speed 5000
expect_exit 2 "view --size malformed" -- "$GRIDOPS" view "$SMOKE" --size big
expect_exit 2 "view --crowd unknown" -- "$GRIDOPS" view "$SMOKE" --crowd blobs
expect_text "$TMP/err" "expected auto, dots or heat" "names the crowd styles"
expect_exit 2 "view --synthetic-crowd 0" -- "$GRIDOPS" view "$SMOKE" --synthetic-crowd 0
expect_text "$TMP/err" "--synthetic-crowd" "names the flag"

# The window does not change results: same seed, same hash with and without it (smoke's
# expectations need its full two hours, so both runs exit 1 alike).
expect_exit 1 "run smoke 40m" -- "$GRIDOPS" run "$SMOKE" --duration 40m --quiet --out "$TMP/run"
expect_exit 1 "view smoke 40m" -- "$GRIDOPS" view "$SMOKE" --duration 40m --exit-at-end --speed max --out "$TMP/view"
expect_text "$TMP/out" "frames" "view reports its frames"
same_hash "$TMP/run" "$TMP/view" "smoke with and without the window"

# On the Erqi district, with whatever models a map brings (the crowd): one simulated minute
# around a mode switch; most of the time goes into building the district.
cat >"$TMP/erqi.lua" <<EOF
scenario { name = "erqi", start = "2025-12-31 19:59:30", duration = "1m", seed = 11, mode = "holiday",
           map = "$SRC/assets/maps/erqi.geojson", crowd = { warm_start = false } }
at("20:00", function() set_mode("emergency") end)
EOF
expect_exit 0 "run on the district" -- "$GRIDOPS" run "$TMP/erqi.lua" --quiet --out "$TMP/erun" --snapshot-every 30s
is_png "$TMP/erun/snapshots/200000.png"
expect_exit 0 "view on the district" -- "$GRIDOPS" view "$TMP/erqi.lua" --exit-at-end --speed max --software \
  --crowd dots --synthetic-crowd 5000 --out "$TMP/eview"
same_hash "$TMP/erun" "$TMP/eview" "district run with and without the window (and a stand-in crowd)"
well_formed "$TMP/erun/report.html"
for id in 'id="operations"' 'id="chart-incidents"' 'id="chart-response"' 'id="chart-channels"' 'id="table-longest"'; do
  expect_text "$TMP/erun/report.html" "$id" "district report has $id"
done

finish
