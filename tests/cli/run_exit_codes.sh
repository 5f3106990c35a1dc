# SPDX-License-Identifier: MIT
# `gridops run` and friends: exit codes and messages for good runs, failed expectations,
# scenario errors and bad command lines.
. "$(dirname "$0")/lib/common.sh"

expect_exit 0 "smoke passes" -- "$GRIDOPS" run "$SRC/scenarios/smoke.lua" --out "$TMP/smoke" --quiet
test -f "$TMP/smoke/summary.json" && test -f "$TMP/smoke/timeseries.csv" || { echo "FAIL: outputs missing"; fails=$((fails+1)); }

cat >"$TMP/fail.lua" <<'LUA'
scenario { name = "fails", start = "2025-12-31 16:00", duration = "10m" }
at("16:05", function() set_kpi("x", 5) end)
expect("x", "<", 3)
LUA
expect_exit 1 "failed expectation exits 1" -- "$GRIDOPS" run "$TMP/fail.lua" --out "$TMP/fail"
expect_text "$TMP/err" "fail.lua:3: expect x < 3 failed (actual 5)" "failure names file:line and actual"
expect_text "$TMP/fail/summary.json" '"passed":	false' "summary.json passed is false"

printf 'scenario { name = "s", start = "2025-12-31 16:00", duration = "1h"\nat("17:00", function() end)\n' >"$TMP/syntax.lua"
expect_exit 2 "syntax error exits 2" -- "$GRIDOPS" run "$TMP/syntax.lua" --out "$TMP/syntax"
expect_text "$TMP/err" "syntax.lua:2:" "syntax error names file:line"
test ! -e "$TMP/syntax" || { echo "FAIL: a failed run left an output folder"; fails=$((fails+1)); }

printf 'scenario { name = "s", start = "2025-12-31 16:00", duration = "1h" }\nat("16:30", function() os.execute("true") end)\n' >"$TMP/os.lua"
expect_exit 2 "sandbox refuses os" -- "$GRIDOPS" run "$TMP/os.lua" --quiet --out "$TMP/os"
expect_text "$TMP/err" "os.lua:2:" "sandbox error names file:line"

expect_exit 2 "unknown flag" -- "$GRIDOPS" run "$SRC/scenarios/smoke.lua" --sed 3
expect_text "$TMP/err" "unknown option '--sed'" "unknown flag named"
expect_exit 2 "bad seed" -- "$GRIDOPS" run "$SRC/scenarios/smoke.lua" --seed minus
expect_text "$TMP/err" "--seed: found \"minus\"" "bad seed value named"
expect_exit 2 "bad duration" -- "$GRIDOPS" run "$SRC/scenarios/smoke.lua" --duration 15
expect_text "$TMP/err" "--duration" "bad duration flag named"
expect_exit 2 "bad until" -- "$GRIDOPS" run "$SRC/scenarios/smoke.lua" --until 25:61 --out "$TMP/u"
expect_text "$TMP/err" "--until" "bad --until named"
expect_exit 2 "bad --set key" -- "$GRIDOPS" run "$SRC/scenarios/smoke.lua" --set mod=holiday --out "$TMP/s"
expect_text "$TMP/err" "did you mean 'mode'" "nearest key suggested"
expect_exit 2 "missing scenario file" -- "$GRIDOPS" run "$TMP/nope.lua"
expect_text "$TMP/err" "nope.lua" "missing file named"
expect_exit 2 "no scenario" -- "$GRIDOPS" run
expect_exit 2 "unknown command" -- "$GRIDOPS" frobnicate
expect_text "$TMP/err" "unknown command 'frobnicate'" "unknown command named"

for cmd in run check bench map; do
  expect_exit 0 "$cmd --help" -- "$GRIDOPS" $cmd --help
  expect_text "$TMP/out" "usage: gridops $cmd" "$cmd --help prints usage"
done
expect_exit 0 "--help" -- "$GRIDOPS" --help

# Cut before 17:00 the smoke scenario's mode switch never happens: its expectations fail.
expect_exit 1 "--until shortens the run" -- "$GRIDOPS" run "$SRC/scenarios/smoke.lua" --until 16:30 --set seed=5 --out "$TMP/short" --quiet
expect_text "$TMP/err" "expect mode_switches == 1 failed (actual null: no such KPI" "unset KPI explained"
expect_text "$TMP/short/summary.json" '"end":	"2025-12-31 16:30:00"' "--until end time"
expect_text "$TMP/short/summary.json" '"seed":	5' "--set seed"
finish
