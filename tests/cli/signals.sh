# SPDX-License-Identifier: MIT
# SIGINT and SIGTERM during long commands: `run` stops after the current tick and writes
# complete outputs marked partial (exit 130 / 143); a second signal stops at once and leaves
# the previous output folder as it was; `check` runs no further scenario; `sweep` stops its
# workers without recording their runs, and rerunning it finishes the study.
. "$(dirname "$0")/lib/common.sh"

# A scenario whose hooks keep the CPU busy, so that it runs for minutes, not milliseconds.
cat >"$TMP/long.lua" <<'LUA'
scenario { name = "long", start = "2025-12-31 16:00", duration = "10h" }
local n = 0
every("1s", function() for i = 1, 200000 do n = n + 1 end set_kpi("n", n) end)
every("1m", function() set_mode(mode() == "normal" and "holiday" or "normal") end)
expect("n", ">", 0)
LUA
# One hook call that lasts seconds: a second signal lands while it runs.
cat >"$TMP/stuck.lua" <<'LUA'
scenario { name = "stuck", start = "2025-12-31 16:00", duration = "1h", lua_instructions = 100000000000 }
at("16:00:01", function() local n = 0 for i = 1, 2e10 do n = n + i end set_kpi("n", n) end)
LUA
cat >"$TMP/short.lua" <<'LUA'
scenario { name = "short", start = "2025-12-31 16:00", duration = "2m" }
at("16:01", function() set_kpi("x", 1) end)
expect("x", "==", 1)
LUA

have_python=0
command -v python3 >/dev/null && have_python=1

# wait_for PATTERN: until a path matching the glob exists (at most 60 s).
wait_for() {
  local p
  for _ in $(seq 1 1200); do
    for p in $1; do [ -e "$p" ] && return 0; done
    sleep 0.05
  done
  return 1
}

# outputs_complete DIR: every output file is whole: summary.json parses and says partial,
# timeseries.csv has full rows ending in a newline, report.html is closed.
outputs_complete() {
  local dir=$1 what=$2
  checks=$((checks + 4))
  if [ $have_python -eq 1 ]; then
    python3 - "$dir" <<'PY' || { echo "FAIL: $what: summary.json or timeseries.csv incomplete"; fails=$((fails + 1)); }
import csv, json, sys
d = sys.argv[1]
s = json.load(open(d + "/summary.json"))
assert s["partial"] is True and s["passed"] is False, s
assert 0 < s["sim_seconds"] < 36000, s["sim_seconds"]
rows = list(csv.reader(open(d + "/timeseries.csv")))
assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows), "ragged timeseries.csv"
assert open(d + "/timeseries.csv").read().endswith("\n")
PY
  else
    grep -q '"partial":	true' "$dir/summary.json" || { echo "FAIL: $what: not partial"; fails=$((fails + 1)); }
  fi
  grep -q '"partial":	true' "$dir/summary.json" || { echo "FAIL: $what: summary.json lacks partial: true"; fails=$((fails + 1)); }
  tail -c 20 "$dir/report.html" | grep -q '</html>' || { echo "FAIL: $what: report.html is cut off"; fails=$((fails + 1)); }
  [ -z "$(ls -d "$dir".partial-* "$dir".old-* 2>/dev/null)" ] || { echo "FAIL: $what: staging left behind"; fails=$((fails + 1)); }
}

# A previous good run in every output folder: a stop must never lose it half-way.
"$GRIDOPS" run "$TMP/short.lua" --out "$TMP/template" --quiet || { echo "FAIL: the short scenario does not run"; exit 1; }

for sig in INT TERM; do
  code=130; [ $sig = TERM ] && code=143
  out="$TMP/run_$sig"
  cp -a "$TMP/template" "$out"
  "$GRIDOPS" run "$TMP/long.lua" --out "$out" --quiet >"$TMP/out" 2>"$TMP/err" &
  pid=$!
  wait_for "$out.partial-*"
  sleep 1
  kill -$sig $pid
  wait $pid
  rc=$?
  checks=$((checks + 2))
  [ $rc -eq $code ] || { echo "FAIL: run stopped by SIG$sig exited $rc, expected $code"; sed 's/^/  /' "$TMP/err"; fails=$((fails + 1)); }
  grep -q "stopped by SIG$sig" "$TMP/err" || { echo "FAIL: run: no 'stopped by SIG$sig' message"; fails=$((fails + 1)); }
  outputs_complete "$out" "run stopped by SIG$sig"
  echo "run, SIG$sig: exit $rc, $(grep -o '"sim_seconds":	[0-9.]*' "$out/summary.json" | tr -d '\t') simulated"
done

# A second signal: stop at once, the old folder untouched, nothing staged left.
out="$TMP/run_twice"
cp -a "$TMP/template" "$out"
"$GRIDOPS" run "$TMP/stuck.lua" --out "$out" --quiet >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_for "$out.partial-*"
sleep 1
kill -INT $pid
sleep 0.5
kill -INT $pid
wait $pid
rc=$?
checks=$((checks + 3))
[ $rc -eq 130 ] || { echo "FAIL: run stopped by two SIGINTs exited $rc, expected 130"; fails=$((fails + 1)); }
diff -r "$TMP/template" "$out" >/dev/null || { echo "FAIL: a second SIGINT changed the previous output folder"; fails=$((fails + 1)); }
[ -z "$(ls -d "$out".partial-* 2>/dev/null)" ] || { echo "FAIL: a second SIGINT left the staging folder"; fails=$((fails + 1)); }
echo "run, two SIGINTs: exit $rc, previous outputs kept"

# check: the running scenario stops, the next one never starts.
mkdir -p "$TMP/suite"
cp "$TMP/long.lua" "$TMP/suite/a_long.lua"
cp "$TMP/short.lua" "$TMP/suite/b_short.lua"
"$GRIDOPS" check "$TMP/suite" --out "$TMP/check_out" >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_for "$TMP/check_out/a_long.partial-*"
sleep 1
kill -INT $pid
wait $pid
rc=$?
checks=$((checks + 3))
[ $rc -eq 130 ] || { echo "FAIL: check stopped by SIGINT exited $rc, expected 130"; fails=$((fails + 1)); }
grep -q "STOPPED" "$TMP/out" || { echo "FAIL: check did not report the stopped scenario"; fails=$((fails + 1)); }
! grep -q "b_short" "$TMP/out" || { echo "FAIL: check ran a scenario after SIGINT"; fails=$((fails + 1)); }
outputs_complete "$TMP/check_out/a_long" "check stopped by SIGINT"
echo "check, SIGINT: exit $rc, $(grep -c . "$TMP/out") lines"

# sweep: SIGTERM to the parent stops it and its workers; runs cut short are not recorded;
# the same command then finishes the study.
cat >"$TMP/sweep_run.lua" <<'LUA'
scenario { name = "sweep_run", start = "2025-12-31 16:00", duration = "40m" }
local n = 0
every("1s", function() for i = 1, 20000 do n = n + 1 end set_kpi("n", n) end)
LUA
cat >"$TMP/study.lua" <<EOF
study { name = "stop", scenario = "$TMP/sweep_run.lua", replications = 4, kpis = { "n" } }
EOF
records() { find "$1/runs" -maxdepth 1 -name '[0-9]*.json' 2>/dev/null | wc -l; }
"$GRIDOPS" sweep "$TMP/study.lua" --jobs 1 --out "$TMP/study" --quiet >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_for "$TMP/study/runs/00000.json"
wait_for "$TMP/study/runs/00001.partial-*"
kill -TERM $pid
wait $pid
rc=$?
done_before=$(records "$TMP/study")
checks=$((checks + 3))
[ $rc -eq 143 ] || { echo "FAIL: sweep stopped by SIGTERM exited $rc, expected 143"; sed 's/^/  /' "$TMP/err" | head -5; fails=$((fails + 1)); }
[ "$done_before" -ge 1 ] && [ "$done_before" -lt 4 ] ||
  { echo "FAIL: expected the stop mid-study, found $done_before of 4 runs recorded"; fails=$((fails + 1)); }
! pgrep -f "sweep $TMP/study.lua" >/dev/null || { echo "FAIL: sweep workers still running"; fails=$((fails + 1)); }
expect_exit 0 "resumed study" -- "$GRIDOPS" sweep "$TMP/study.lua" --jobs 2 --out "$TMP/study"
expect_text "$TMP/out" "4 runs ($((4 - done_before)) run now, $done_before reused), 0 failed" "only the missing runs ran"
echo "sweep, SIGTERM: exit $rc after $done_before of 4 runs; resumed"
finish
