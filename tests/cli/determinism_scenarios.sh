# SPDX-License-Identifier: MIT
# Same scenario and seed => same state_hash, run after run and for 1 or 2 threads, for
# scenarios beyond the smoke run of determinism.sh: short reference cases whose end-of-run
# hooks set KPIs (the order KPIs are set in is part of the hash, so a hook that walks a
# Lua table with pairs() gave a new hash on every run). Each run takes about a second.
. "$(dirname "$0")/lib/common.sh"

hash_of() { sed -n 's/.*"state_hash":[[:space:]]*"\([0-9a-f]*\)".*/\1/p' "$1/summary.json"; }

# One line each: scenario (relative to the source tree) | window (empty: the whole duration)
SCENARIOS="scenarios/validation/traffic_closure_detour.lua|
scenarios/validation/rimea_10_assigned_exits.lua|"

while IFS='|' read -r scenario window; do
  name=$(basename "$scenario" .lua)
  hashes=""
  # Two runs per thread count: Lua seeds its string hashing anew for every state.
  for run in 1a 1b 2a 2b; do
    threads=${run%?}
    # $window splits into option and value on purpose.
    # shellcheck disable=SC2086
    expect_exit 0 "$name, $threads thread(s), run $run" -- \
      "$GRIDOPS" run "$SRC/$scenario" --seed 1 --threads "$threads" $window --out "$TMP/$name-$run" --quiet ||
      continue
    hashes="$hashes $(hash_of "$TMP/$name-$run")"
  done
  checks=$((checks + 1))
  distinct=$(echo "$hashes" | tr ' ' '\n' | grep . | sort -u | wc -l)
  if [ "$distinct" -ne 1 ]; then
    echo "FAIL: $name: state_hash differs between runs (1, 1, 2, 2 threads):$hashes"
    fails=$((fails + 1))
  else
    echo "$name: state_hash$hashes"
  fi
done <<LIST
$SCENARIOS
LIST
finish
