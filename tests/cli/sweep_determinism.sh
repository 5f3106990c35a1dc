# SPDX-License-Identifier: MIT
# gridops sweep gives the same runs.csv (but for the wall_seconds column) and the same
# summary.csv with --jobs 1, --jobs 2, as separate --run-index processes merged with
# --collect (a Slurm array) and, when built with MPI, under mpirun with 1, 2 and 3 ranks
# (3 oversubscribed on a small machine). The MPI part needs Open MPI's mpirun (scripts/setup
# installs it); a gridops built without MPI skips that part and says so.
. "$(dirname "$0")/lib/common.sh"

cat >"$TMP/study.lua" <<EOF
study {
  name = "determinism",
  scenario = "$SRC/scenarios/validation/sweep_smoke.lua",
  base_seed = 99,
  replications = 4,
  set = { duration = "30m" },
  factors = { { "mode", { "normal", "holiday", "emergency" } } },
  kpis = { "queue_peak", "wait_per_visitor_min", "served_share" },
  compare = { { factor = "mode", from = "normal", to = "holiday" } },
}
EOF

# runs.csv with the wall_seconds column (second to last) emptied.
strip_wall() { awk -F, 'BEGIN { OFS = "," } { $(NF - 1) = ""; print }' "$1/runs.csv"; }

same_as_reference() { # NAME DIR
  checks=$((checks + 2))
  if ! diff <(strip_wall "$TMP/j1") <(strip_wall "$2") >"$TMP/diff"; then
    echo "FAIL: runs.csv of $1 differs from --jobs 1:"
    head -5 "$TMP/diff"
    fails=$((fails + 1))
  fi
  cmp -s "$TMP/j1/summary.csv" "$2/summary.csv" || { echo "FAIL: summary.csv of $1 differs from --jobs 1"; fails=$((fails + 1)); }
}

expect_exit 0 "sweep --jobs 1" -- "$GRIDOPS" sweep "$TMP/study.lua" --jobs 1 --out "$TMP/j1"
expect_text "$TMP/out" "12 runs (12 run now, 0 reused), 0 failed" "--jobs 1 ran every run"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/j1/runs.csv")" -eq 13 ] || { echo "FAIL: runs.csv has not 12 rows"; fails=$((fails + 1)); }
expect_exit 0 "sweep --jobs 2" -- "$GRIDOPS" sweep "$TMP/study.lua" --jobs 2 --out "$TMP/j2" --quiet
same_as_reference "--jobs 2" "$TMP/j2"

# A Slurm array: one process per run index, in any order, then --collect.
for i in 11 3 0 7 1 2 4 5 6 8 9 10; do
  expect_exit 0 "sweep --run-index $i" -- "$GRIDOPS" sweep "$TMP/study.lua" --run-index "$i" --out "$TMP/array" --quiet
done
expect_exit 0 "sweep --collect" -- "$GRIDOPS" sweep --collect "$TMP/array"
expect_text "$TMP/out" "12 runs, 12 recorded, 0 failed, 0 missing" "--collect found every run"
same_as_reference "--run-index + --collect" "$TMP/array"

if "$GRIDOPS" sweep --help | grep -q "built with MPI\."; then
  checks=$((checks + 1))
  if ! command -v mpirun >/dev/null; then
    echo "FAIL: gridops was built with MPI but mpirun is not installed (scripts/setup installs openmpi-bin)"
    fails=$((fails + 1))
  else
    mpi=(mpirun -x ASAN_OPTIONS -x UBSAN_OPTIONS)
    # Open MPI refuses to start as root unless told; test containers often run as root.
    [ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
    # Open MPI does not free its own allocations at exit; leak checking stays on elsewhere.
    export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0"
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}"
    for np in 1 2 3; do
      extra=()
      [ "$np" -eq 3 ] && extra=(--oversubscribe)
      expect_exit 0 "mpirun -np $np" -- "${mpi[@]}" "${extra[@]}" -np "$np" "$GRIDOPS" sweep "$TMP/study.lua" --out "$TMP/mpi$np"
      # Only rank 0 reports: one result line whatever the rank count (independent copies
      # of a gridops that did not join MPI would print one each).
      checks=$((checks + 1))
      [ "$(grep -c '^study determinism: 12 runs' "$TMP/out")" -eq 1 ] ||
        { echo "FAIL: mpirun -np $np: expected one result line, from rank 0"; sed 's/^/  | /' "$TMP/out" | head -5; fails=$((fails + 1)); }
      same_as_reference "mpirun -np $np" "$TMP/mpi$np"
    done
    expect_exit 2 "mpirun with --jobs" -- "${mpi[@]}" -np 1 "$GRIDOPS" sweep "$TMP/study.lua" --jobs 2 --out "$TMP/x"
    expect_text "$TMP/err" "--jobs does not apply under mpirun" "--jobs under mpirun is refused"
  fi
else
  echo "note: this gridops was built without MPI; the mpirun checks did not run"
fi
finish
