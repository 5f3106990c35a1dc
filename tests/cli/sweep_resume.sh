# SPDX-License-Identifier: MIT
# A study killed mid-way (the sweep and its workers, SIGKILL) resumes into the same folder:
# finished runs are kept, the killed ones run again, what the killed workers left behind is
# cleaned up, and the tables equal those of an uninterrupted study.
. "$(dirname "$0")/lib/common.sh"

cat >"$TMP/study.lua" <<EOF
study {
  name = "resume",
  scenario = "$SRC/scenarios/validation/sweep_smoke.lua",
  base_seed = 7,
  replications = 4,
  set = { duration = "4h", tick = "0.05s" },
  factors = { { "mode", { "normal", "holiday" } } },
  kpis = { "queue_peak", "wait_per_visitor_min" },
}
EOF
strip_wall() { awk -F, 'BEGIN { OFS = "," } { $(NF - 1) = ""; print }' "$1/runs.csv"; }
records() { find "$1/runs" -maxdepth 1 -name '[0-9]*.json' 2>/dev/null | wc -l; }

expect_exit 0 "uninterrupted study" -- "$GRIDOPS" sweep "$TMP/study.lua" --jobs 2 --out "$TMP/ref" --quiet

# The study in a process group of its own, so that one kill takes the sweep and its workers.
setsid "$GRIDOPS" sweep "$TMP/study.lua" --jobs 2 --out "$TMP/cut" --quiet >"$TMP/cut.log" 2>&1 &
group=$!
for _ in $(seq 1 600); do
  [ "$(records "$TMP/cut")" -ge 1 ] && break
  sleep 0.05
done
kill -KILL -- "-$group" 2>/dev/null
wait "$group" 2>/dev/null
for _ in $(seq 1 100); do # the killed workers are gone (or zombies) before the resume
  kill -0 -- "-$group" 2>/dev/null || break
  sleep 0.05
done
done_before=$(records "$TMP/cut")
checks=$((checks + 2))
[ "$done_before" -ge 1 ] && [ "$done_before" -lt 8 ] ||
  { echo "FAIL: expected the kill to land mid-study, found $done_before of 8 runs recorded"; fails=$((fails + 1)); }
[ ! -e "$TMP/cut/runs.csv" ] || { echo "FAIL: a killed study wrote runs.csv"; fails=$((fails + 1)); }

expect_exit 0 "resumed study" -- "$GRIDOPS" sweep "$TMP/study.lua" --jobs 2 --out "$TMP/cut"
expect_text "$TMP/out" "8 runs ($((8 - done_before)) run now, $done_before reused), 0 failed" "only the missing runs ran"
checks=$((checks + 3))
diff <(strip_wall "$TMP/ref") <(strip_wall "$TMP/cut") >/dev/null ||
  { echo "FAIL: the resumed study's runs.csv differs from the uninterrupted one"; fails=$((fails + 1)); }
cmp -s "$TMP/ref/summary.csv" "$TMP/cut/summary.csv" ||
  { echo "FAIL: the resumed study's summary.csv differs"; fails=$((fails + 1)); }
leftovers=$(find "$TMP/cut/runs" -maxdepth 1 \( -name '*.partial-*' -o -name '*.tmp-*' -o -name '*.old-*' \) | wc -l)
[ "$leftovers" -eq 0 ] || { echo "FAIL: $leftovers files of killed workers left in runs/"; fails=$((fails + 1)); }
echo "killed after $done_before of 8 runs, then resumed"
finish
