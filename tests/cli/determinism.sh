# SPDX-License-Identifier: MIT
# Same scenario and seed => same state_hash and byte-identical summary.json (but for wall
# time), across repeated runs and thread counts; another seed => another hash.
. "$(dirname "$0")/lib/common.sh"

hash_of() { sed -n 's/.*"state_hash":[[:space:]]*"\([0-9a-f]*\)".*/\1/p' "$1/summary.json"; }
strip_wall() { grep -vE '"(wall_seconds|realtime_factor|threads)"' "$1/summary.json"; }

expect_exit 0 "run 1 thread" -- "$GRIDOPS" run "$SRC/scenarios/smoke.lua" --threads 1 --out "$TMP/a" --quiet
expect_exit 0 "run 1 thread again" -- "$GRIDOPS" run "$SRC/scenarios/smoke.lua" --threads 1 --out "$TMP/b" --quiet
expect_exit 0 "run 2 threads" -- "$GRIDOPS" run "$SRC/scenarios/smoke.lua" --threads 2 --out "$TMP/c" --quiet
expect_exit 0 "run other seed" -- "$GRIDOPS" run "$SRC/scenarios/smoke.lua" --seed 1 --out "$TMP/d" --quiet

checks=$((checks + 4))
[ -n "$(hash_of "$TMP/a")" ] || { echo "FAIL: no state_hash"; fails=$((fails+1)); }
[ "$(hash_of "$TMP/a")" = "$(hash_of "$TMP/b")" ] || { echo "FAIL: hash differs between runs"; fails=$((fails+1)); }
[ "$(hash_of "$TMP/a")" = "$(hash_of "$TMP/c")" ] || { echo "FAIL: hash differs between 1 and 2 threads"; fails=$((fails+1)); }
[ "$(hash_of "$TMP/a")" != "$(hash_of "$TMP/d")" ] || { echo "FAIL: another seed gave the same hash"; fails=$((fails+1)); }
checks=$((checks + 2))
diff <(strip_wall "$TMP/a") <(strip_wall "$TMP/c") >/dev/null || { echo "FAIL: summary.json differs beyond wall time"; fails=$((fails+1)); }
cmp -s "$TMP/a/timeseries.csv" "$TMP/c/timeseries.csv" || { echo "FAIL: timeseries.csv differs"; fails=$((fails+1)); }
echo "state_hash $(hash_of "$TMP/a") (1 thread, 1 thread, 2 threads), $(hash_of "$TMP/d") (seed 1)"
finish
