# SPDX-License-Identifier: MIT
# Checkpoints and resume (README, "Checkpoints and resume"): a run resumed from a checkpoint
# ends with the same state_hash and the same summary.json (but for wall time), timeseries.csv
# and incidents.csv as a run never stopped — with crowd, traffic, operations and vendors all
# attached, and on another thread count; Ctrl-C writes a last checkpoint that resumes to the
# same end; damaged, cut, foreign-format and non-checkpoint files, an edited scenario and
# conflicting options are refused with exit 2 and a message naming the file; data a resumed
# run could not restore (a pending hook made by a hook, a coroutine) is refused when the
# checkpoint is written.
. "$(dirname "$0")/lib/common.sh"

hash_of() { sed -n 's/.*"state_hash":[[:space:]]*"\([0-9a-f]*\)".*/\1/p' "$1/summary.json"; }
strip_wall() { grep -vE '"(wall_seconds|realtime_factor|threads)"' "$1/summary.json"; }
same_outputs() { # A B WHAT
  checks=$((checks + 4))
  [ -n "$(hash_of "$1")" ] && [ "$(hash_of "$1")" = "$(hash_of "$2")" ] ||
    { echo "FAIL: $3: state_hash $(hash_of "$1") vs $(hash_of "$2")"; fails=$((fails + 1)); }
  diff <(strip_wall "$1") <(strip_wall "$2") >/dev/null || { echo "FAIL: $3: summary.json differs"; fails=$((fails + 1)); }
  cmp -s "$1/timeseries.csv" "$2/timeseries.csv" || { echo "FAIL: $3: timeseries.csv differs"; fails=$((fails + 1)); }
  if [ -f "$1/incidents.csv" ]; then
    cmp -s "$1/incidents.csv" "$2/incidents.csv" || { echo "FAIL: $3: incidents.csv differs"; fails=$((fails + 1)); }
  else
    [ ! -f "$2/incidents.csv" ] || { echo "FAIL: $3: incidents.csv only in $2"; fails=$((fails + 1)); }
  fi
}

# The school-gate map is small: six minutes of it with all four models take seconds even in
# the sanitizer build. Its own expectations are for the whole afternoon, so a six-minute
# window fails them: exit 1, the same for every run.
SC="$SRC/scenarios/school_gate_before.lua"
W=(--set vendors=true --duration 6m)
expect_exit 1 "straight run" -- "$GRIDOPS" run "$SC" "${W[@]}" --threads 1 --out "$TMP/a" --quiet
expect_exit 1 "run writing checkpoints" -- "$GRIDOPS" run "$SC" "${W[@]}" --checkpoint-every 3m --out "$TMP/b"
expect_text "$TMP/err" "checkpoint 2025-11-12 16:03:00: $TMP/b/checkpoints/1603.ckpt" "the checkpoint is announced"
CK="$TMP/b/checkpoints/1603.ckpt"
checks=$((checks + 1))
[ -s "$CK" ] || { echo "FAIL: no checkpoint in $TMP/b/checkpoints"; fails=$((fails + 1)); }
same_outputs "$TMP/a" "$TMP/b" "checkpoints change nothing"
for model in crowd traffic ops vendors; do
  checks=$((checks + 1))
  grep -q "model:$model" "$CK" || { echo "FAIL: the checkpoint has no section for $model"; fails=$((fails + 1)); }
done
checks=$((checks + 1))
grep -qE '"incidents_total":[[:space:]]*[1-9]' "$TMP/a/summary.json" &&
  grep -qE '"vehicles_total":[[:space:]]*[1-9]' "$TMP/a/summary.json" &&
  grep -qE '"vendor_hours_outside_points":[[:space:]]*[0-9.]*[1-9]' "$TMP/a/summary.json" ||
  { echo "FAIL: the window should have incidents, vehicles and vendors at work"; fails=$((fails + 1)); }
expect_exit 1 "resume on 2 threads" -- "$GRIDOPS" run --resume "$CK" --threads 2 --out "$TMP/c"
expect_text "$TMP/out" "resumed from a checkpoint at 180 s simulated" "the resume is reported"
same_outputs "$TMP/a" "$TMP/c" "resumed run"
echo "state_hash $(hash_of "$TMP/a") straight, $(hash_of "$TMP/c") resumed at 16:03; checkpoint $(wc -c <"$CK") bytes"

# Damaged checkpoints: exit 2, the file named, what was found.
size=$(wc -c <"$CK")
head -c $((size / 2)) "$CK" >"$TMP/cut.ckpt"
expect_exit 2 "cut checkpoint" -- "$GRIDOPS" run --resume "$TMP/cut.ckpt" --out "$TMP/x"
expect_text "$TMP/err" "checkpoint $TMP/cut.ckpt: truncated" "cut: named and explained"
cp "$CK" "$TMP/flip.ckpt"
printf '\x5a' | dd of="$TMP/flip.ckpt" bs=1 seek=$((size / 2)) conv=notrunc status=none
expect_exit 2 "flipped byte" -- "$GRIDOPS" run --resume "$TMP/flip.ckpt" --out "$TMP/x"
expect_text "$TMP/err" "checkpoint $TMP/flip.ckpt: section" "flipped: named"
expect_text "$TMP/err" "is corrupted (checksum" "flipped: checksum"
cp "$CK" "$TMP/format.ckpt"
printf '\x07' | dd of="$TMP/format.ckpt" bs=1 seek=8 conv=notrunc status=none
expect_exit 2 "another format version" -- "$GRIDOPS" run --resume "$TMP/format.ckpt" --out "$TMP/x"
expect_text "$TMP/err" "checkpoint $TMP/format.ckpt: checkpoint format 7, expected format 1" "format: named"
expect_exit 2 "not a checkpoint" -- "$GRIDOPS" run --resume "$SC" --out "$TMP/x"
expect_text "$TMP/err" "not a gridops checkpoint" "not a checkpoint: explained"
expect_exit 2 "missing checkpoint" -- "$GRIDOPS" run --resume "$TMP/none.ckpt" --out "$TMP/x"
expect_text "$TMP/err" "$TMP/none.ckpt" "missing: named"
{ cat "$SC"; echo "-- edited"; } >"$TMP/edited.lua"
expect_exit 2 "edited scenario" -- "$GRIDOPS" run "$TMP/edited.lua" --resume "$CK" --out "$TMP/x"
expect_text "$TMP/err" "has changed since the checkpoint was written" "edited scenario: explained"
expect_exit 2 "--seed with --resume" -- "$GRIDOPS" run --resume "$CK" --seed 3
expect_text "$TMP/err" "--seed cannot be combined with --resume" "option conflict: explained"
checks=$((checks + 1))
[ ! -e "$TMP/x" ] || { echo "FAIL: a refused resume left an output folder"; fails=$((fails + 1)); }

# Ctrl-C writes a last checkpoint; resuming it ends as the run never stopped would. No map:
# hooks only, with data kept in `state`, in a local the hooks capture and in a global.
cat >"$TMP/long.lua" <<'LUA'
scenario { name = "long", start = "2025-12-31 16:00", duration = "6h", seed = 5 }
local n, seen = 0, {}
total = 0
every("1s", function()
  for i = 1, 3000 do n = n + i % 7 end
  total = total + math.random(10)
  state.ticks = (state.ticks or 0) + 1
end)
every("10m", function() seen[#seen + 1] = n % 1000 set_kpi("n", n) set_kpi("total", total) end)
on("mode_changed", function(ev) state.last = ev.to end)
every("37m", function() set_mode(mode() == "normal" and "holiday" or "normal") end)
at("21:59", function() set_kpi("ticks", state.ticks) set_kpi("seen", #seen) set_kpi("holiday", state.last == "holiday" and 1 or 0) end)
expect("seen", "==", 35)
LUA
expect_exit 0 "long, straight" -- "$GRIDOPS" run "$TMP/long.lua" --out "$TMP/la" --quiet
"$GRIDOPS" run "$TMP/long.lua" --out "$TMP/lb" --checkpoint-every 5m >"$TMP/lb.out" 2>"$TMP/lb.err" &
pid=$!
for _ in $(seq 1 1200); do grep -q "checkpoint .*1605" "$TMP/lb.err" 2>/dev/null && break; sleep 0.05; done
kill -INT $pid
wait $pid
rc=$?
checks=$((checks + 1))
[ $rc -eq 130 ] || { echo "FAIL: Ctrl-C: exit $rc, expected 130"; fails=$((fails + 1)); }
last=$(sed -n 's/.*continue with gridops run --resume \(.*\)$/\1/p' "$TMP/lb.err")
checks=$((checks + 1))
[ -n "$last" ] && [ -s "$last" ] || { echo "FAIL: Ctrl-C wrote no last checkpoint:"; sed 's/^/  | /' "$TMP/lb.err" | tail -3; fails=$((fails + 1)); }
expect_exit 0 "resume after Ctrl-C" -- "$GRIDOPS" run --resume "$last" --out "$TMP/lc" --quiet
same_outputs "$TMP/la" "$TMP/lc" "resumed after Ctrl-C"
echo "Ctrl-C checkpoint: $(basename "$last")"

# What a resumed run could not restore is refused when the checkpoint is written.
cat >"$TMP/nested.lua" <<'LUA'
scenario { name = "nested", start = "2025-12-31 16:00", duration = "1h" }
at("16:10", function() every("1m", function() set_kpi("x", 1) end) end)
LUA
expect_exit 2 "pending hook made by a hook" -- "$GRIDOPS" run "$TMP/nested.lua" --checkpoint-every 30m --out "$TMP/n" --quiet
expect_text "$TMP/err" "every(\"1m\") was registered by another hook" "nested hook: explained"
cat >"$TMP/co.lua" <<'LUA'
scenario { name = "co", start = "2025-12-31 16:00", duration = "1h" }
worker = coroutine.create(function() coroutine.yield() end)
every("5m", function() set_kpi("x", 1) end)
LUA
expect_exit 2 "coroutine in a global" -- "$GRIDOPS" run "$TMP/co.lua" --checkpoint-every 30m --out "$TMP/co" --quiet
expect_text "$TMP/err" "global 'worker': a thread cannot be saved in a checkpoint" "coroutine: explained"
finish
