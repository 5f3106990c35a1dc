# SPDX-License-Identifier: MIT
# `gridops map info|lint|render` on the Erqi district asset: the counts the reports give
# (FACTS.md), a clean lint, a rendered PNG, and exit 2 with a named cause for bad input.
. "$(dirname "$0")/lib/common.sh"
MAP="$SRC/assets/maps/erqi.geojson"

expect_exit 0 "map info --json" -- "$GRIDOPS" map info "$MAP" --json
json_num() { sed -n "s/^[[:space:]]*\"$1\":[[:space:]]*\\([-0-9.]*\\),\\{0,1\\}$/\\1/p" "$TMP/out" | head -1; }
check_num() { # name expected tolerance
  checks=$((checks + 1))
  local v; v=$(json_num "$1")
  awk -v v="$v" -v e="$2" -v t="$3" 'BEGIN { exit !(v != "" && v - e <= t && e - v <= t) }' \
    || { echo "FAIL: $1 = '$v', expected $2 ± $3"; fails=$((fails + 1)); }
}
check_num area_km2 1.17 0.035           # FACTS.md: 1.17 km², within 3 %
check_num commercial_complexes 22 0     # FACTS.md: 22 large commercial complexes
check_num districts 3 0                 # 二七, 金水, 管城
check_num subdistricts 5 0              # 5 sub-district offices
check_num vendor_points 5 0             # 5 guidance points ...
check_num stalls 97 0                   # ... with 97 stalls
check_num posts 50 0                    # holiday: 50 key points staffed
check_num pa_speakers 17 0              # derived by area from the CBD's 67
expect_text "$TMP/out" '"walkable_m2"' "walkable area reported"

expect_exit 0 "map lint is clean" -- "$GRIDOPS" map lint "$MAP"
expect_text "$TMP/out" "0 error(s)" "no lint errors"

expect_exit 0 "map render" -- "$GRIDOPS" map render "$MAP" -o "$TMP/erqi.png" --width 800
checks=$((checks + 1))
head -c 8 "$TMP/erqi.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || { echo "FAIL: not a PNG"; fails=$((fails+1)); }
expect_exit 2 "unknown layer" -- "$GRIDOPS" map render "$MAP" -o "$TMP/x.png" --layer bogus
expect_text "$TMP/err" "bogus" "unknown layer named"

printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"building","id":"b1"},"geometry":{"type":"LineString","coordinates":[[113.66,34.75],[113.661,34.75]]}}]}' >"$TMP/bad.geojson"
for sub in info lint; do
  expect_exit 2 "map $sub on a bad map" -- "$GRIDOPS" map "$sub" "$TMP/bad.geojson"
  expect_text "$TMP/err" "feature 0" "bad feature named by $sub"
  expect_text "$TMP/err" "LineString" "found geometry named by $sub"
done
printf '{"type":"FeatureCollection","features":[' >"$TMP/truncated.geojson"
expect_exit 2 "truncated JSON" -- "$GRIDOPS" map info "$TMP/truncated.geojson"
expect_text "$TMP/err" "truncated.geojson:1:" "line of the truncation"
expect_exit 2 "missing map file" -- "$GRIDOPS" map info "$TMP/none.geojson"
expect_exit 2 "unknown subcommand" -- "$GRIDOPS" map frob "$MAP"
finish
