# SPDX-License-Identifier: MIT
# The staffing study (scenarios/staffing_study.lua) in a reduced form (2 replications of
# 1 hour instead of 10 of 12 hours): it runs, its tables hold p90 response time and
# coverage with intervals for each team count, and the paired comparisons. Then the sweep
# command's usage errors and exit codes.
. "$(dirname "$0")/lib/common.sh"

study="$SRC/scenarios/staffing_study.lua"
expect_exit 0 "reduced staffing study" -- "$GRIDOPS" sweep "$study" --replications 2 --set duration=1h --jobs 2 --out "$TMP/staff"
expect_text "$TMP/out" "8 runs (8 run now, 0 reused), 0 failed" "all 8 runs ran"
expect_text "$TMP/staff/runs.csv" "run,point,replication,ops.mobile_teams,ops.posts,seed,status,passed,response_time_p90_s,coverage_5min" "runs.csv header"
for teams in 17 12; do
  for kpi in response_time_p90_s coverage_5min; do
    checks=$((checks + 1))
    grep -qE "^point,[0-9]+,$teams,(50|30),$kpi,2,[0-9.e+-]+,[0-9.e+-]+,0.95,[0-9.e+-]+,[0-9.e+-]+,[0-9.e+-]+$" "$TMP/staff/summary.csv" ||
      { echo "FAIL: summary.csv has no $kpi interval for $teams teams"; fails=$((fails + 1)); }
  done
done
expect_text "$TMP/staff/summary.csv" "paired_difference,,12 minus 17,50,response_time_p90_s,2," "teams compared"
expect_text "$TMP/staff/summary.csv" "paired_difference,,17,30 minus 50,coverage_5min,2," "posts compared"
expect_text "$TMP/staff/study.json" "\"scenario_hash\":" "manifest"
expect_text "$TMP/staff/report.html" "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"kpi-0\"" "report chart"
checks=$((checks + 1))
[ -f "$TMP/staff/runs/00007/summary.json" ] || { echo "FAIL: run 7 has no output folder"; fails=$((fails + 1)); }

# Usage and input errors: exit 2, naming what was wrong.
expect_exit 2 "no study" -- "$GRIDOPS" sweep
expect_text "$TMP/err" "missing STUDY.lua" "missing study"
expect_exit 2 "unknown option" -- "$GRIDOPS" sweep "$study" --jbos 2
expect_exit 2 "jobs 0" -- "$GRIDOPS" sweep "$study" --jobs 0
expect_exit 2 "collect with a study" -- "$GRIDOPS" sweep "$study" --collect "$TMP/staff"
expect_exit 2 "run index out of range" -- "$GRIDOPS" sweep "$study" --replications 2 --set duration=2h --run-index 8 --out "$TMP/staff"
expect_text "$TMP/err" "has 8 runs (0..7)" "run index range"
expect_exit 2 "a set on a factor" -- "$GRIDOPS" sweep "$study" --set ops.posts=10 --out "$TMP/x"
expect_text "$TMP/err" "'ops.posts' is a factor" "factor set refused"
printf 'study {\n  name = "typo",\n  scenario = "%s/scenarios/smoke.lua",\n  kpi = { "x" },\n}\n' "$SRC" >"$TMP/typo.lua"
expect_exit 2 "unknown study key" -- "$GRIDOPS" sweep "$TMP/typo.lua" --out "$TMP/x"
expect_text "$TMP/err" "typo.lua:1: study{}: unknown key 'kpi' (did you mean 'kpis'?)" "study key typo"
expect_exit 2 "collect of an empty folder" -- "$GRIDOPS" sweep --collect "$TMP"
expect_text "$TMP/err" "no study here" "collect without study.json"

# A run that fails (the smoke scenario refuses mode=normal in a hook) is reported, the other
# runs finish, and the exit code says a run failed.
printf 'study {\n  name = "one bad",\n  scenario = "%s/scenarios/smoke.lua",\n  factors = { { "mode", { "holiday", "normal" } } },\n  kpis = { "quarter_hours" },\n}\n' "$SRC" >"$TMP/bad.lua"
expect_exit 2 "study with a failing run" -- "$GRIDOPS" sweep "$TMP/bad.lua" --jobs 2 --out "$TMP/bad"
expect_text "$TMP/err" "run 1 (mode=normal, replication 0) failed:" "failure reported"
checks=$((checks + 2))
grep -qE '^0,0,0,holiday,[0-9]+,ok,true,8,' "$TMP/bad/runs.csv" || { echo "FAIL: the good run did not finish"; fails=$((fails + 1)); }
grep -qE '^1,1,0,normal,[0-9]+,failed,,,,$' "$TMP/bad/runs.csv" || { echo "FAIL: the bad run is not listed as failed"; fails=$((fails + 1)); }
finish
