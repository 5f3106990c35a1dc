# SPDX-License-Identifier: MIT
# `gridops check` against goldens and quick windows: --accept writes a golden, an unchanged
# run matches it, a moved value fails with a diff table naming the metric, a known failure
# in tolerances.txt is reported as KNOWN, a bad tolerance line is an input error; a quick
# window shortens the run unless --long, and expectations for the other length are skipped;
# a study file is listed as such, not run.
. "$(dirname "$0")/lib/common.sh"

mkdir -p "$TMP/s"
cat >"$TMP/s/clock.lua" <<'LUA'
scenario {
  name = "clock", start = "2025-12-31 16:00", duration = "2h", seed = 5, mode = "holiday",
  quick = { finish = "16:30" },
}
local ticks = 0
every("10m", function() ticks = ticks + 1; set_kpi("ten_minutes", ticks) end)
at("16:20", function() set_mode("emergency") end)
expect("ten_minutes", "==", 3, { when = "quick" })
expect("ten_minutes", "==", 12, { when = "full" })
expect("ten_minutes", ">", 0)
LUA
G="$TMP/golden"

expect_exit 0 "accept writes goldens" -- "$GRIDOPS" check --golden "$G" --accept "$TMP/s"
expect_text "$TMP/out" "golden accepted" "accept is reported"
expect_text "$TMP/out" "(quick window)" "quick window by default"
expect_text "$TMP/out" "skipped" "full-run expectation skipped in the quick window"
for f in summary.json timeseries.csv tolerances.txt; do
  checks=$((checks + 1))
  [ -s "$G/clock/$f" ] || { echo "FAIL: golden $f not written"; fails=$((fails + 1)); }
done
checks=$((checks + 1))
rows=$(($(wc -l <"$G/clock/timeseries.csv") - 1))
[ "$rows" -eq 31 ] || { echo "FAIL: quick golden has $rows rows, expected 31 (16:00..16:30 by minute)"; fails=$((fails + 1)); }

expect_exit 0 "unchanged run matches" -- "$GRIDOPS" check --golden "$G" "$TMP/s"
expect_text "$TMP/out" "none moved" "match reported"

sed -i 's/at("16:20"/at("16:25"/' "$TMP/s/clock.lua"
expect_exit 1 "moved golden fails" -- "$GRIDOPS" check --golden "$G" "$TMP/s"
expect_text "$TMP/out" "MOVED" "moved row"
expect_text "$TMP/out" "state_hash" "hash in diff table"
expect_text "$TMP/out" "timeseries.mode" "moved column named"
expect_text "$TMP/out" "5 rows, first at 2025-12-31 16:21:00" "rows moved and first time"

echo "known_failure: switch moved to 16:25 for a drill" >>"$G/clock/tolerances.txt"
expect_exit 0 "declared known failure" -- "$GRIDOPS" check --golden "$G" "$TMP/s"
expect_text "$TMP/out" "KNOWN" "known row"
expect_text "$TMP/out" "for a drill" "reason shown"

printf 'timeseries.* within 3\n' >"$G/clock/tolerances.txt"
expect_exit 2 "bad tolerance line" -- "$GRIDOPS" check --golden "$G" "$TMP/s"
expect_text "$TMP/err" "tolerances.txt:1" "names file and line"
printf 'timeseries.mode ignore\nstate_hash ignore\n' >"$G/clock/tolerances.txt"
expect_exit 0 "ignore rules" -- "$GRIDOPS" check --golden "$G" "$TMP/s"

expect_exit 0 "--long runs the full length" -- "$GRIDOPS" check --long --out "$TMP/long" "$TMP/s"
expect_text "$TMP/out" "ten_minutes = 12 (expected == 12) pass" "full-run expectation evaluated"
expect_text "$TMP/out" "ten_minutes == 3 skipped" "quick expectation skipped"
expect_text "$TMP/long/clock/summary.json" '"end":	"2025-12-31 18:00:00"' "full length ran"

# A window changed from the command line is not the full length either: its full-length
# expectations are skipped (one hour shows 6 ten-minute ticks, not 12), while the written
# window given again (--until 18:00) is the full length and evaluates them.
expect_exit 0 "--duration: full-length expectation skipped" -- "$GRIDOPS" run "$TMP/s/clock.lua" --duration 1h --out "$TMP/hour"
expect_text "$TMP/hour/summary.json" "not the scenario's own" "skip reason in the summary"
expect_exit 0 "--set start: skipped too" -- "$GRIDOPS" run "$TMP/s/clock.lua" --set "start=2025-12-31 17:00" --duration 1h --out "$TMP/late"
expect_text "$TMP/late/summary.json" "not the scenario's own" "skip reason after --set start"
expect_exit 0 "--until the written finish: full length" -- "$GRIDOPS" run "$TMP/s/clock.lua" --until 18:00 --out "$TMP/full"
checks=$((checks + 1))
grep -q "not the scenario's own" "$TMP/full/summary.json" && { echo "FAIL: the written window counted as changed"; fails=$((fails + 1)); }
sed 's/==", 12/==", 13/' "$TMP/s/clock.lua" >"$TMP/clock13.lua"
expect_exit 1 "full length evaluates it" -- "$GRIDOPS" run "$TMP/clock13.lua" --until 18:00 --out "$TMP/full13"

printf 'scenario { name = "q", start = "2025-12-31 16:00", duration = "1h", quick = { finsh = "16:10" } }\n' >"$TMP/bad.lua"
expect_exit 2 "typo in quick window" -- "$GRIDOPS" check "$TMP/bad.lua"
expect_text "$TMP/err" "did you mean 'finish'" "nearest key named"
printf 'scenario { name = "q", start = "2025-12-31 16:00", duration = "1h" }\nexpect("x", "<", 1, { when = "soon" })\n' >"$TMP/bad.lua"
expect_exit 2 "bad when" -- "$GRIDOPS" check "$TMP/bad.lua"
expect_text "$TMP/err" 'expected "full", "quick" or "always"' "when values listed"
# A study file among the scenarios (scenarios/ holds staffing_study.lua) is listed, not run.
expect_exit 0 "study file listed" -- "$GRIDOPS" check "$SRC/scenarios/staffing_study.lua"
expect_text "$TMP/out" "STUDY    a study: run it with gridops sweep" "study row"
expect_text "$TMP/out" "1 study files listed, not run" "study count"
finish
