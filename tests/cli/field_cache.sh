# SPDX-License-Identifier: MIT
# The on-disk field cache: a run on the Erqi map fills it (one file per destination field
# and the wall field, in a folder per program version), the next run reads it, and both give
# the state_hash of a run without it (GRIDOPS_CACHE_DIR=off), which writes nothing. A
# damaged file is not trusted: the run recomputes, gives the same hash and writes it anew.
. "$(dirname "$0")/lib/common.sh"

hash_of() { sed -n 's/.*"state_hash":[[:space:]]*"\([0-9a-f]*\)".*/\1/p' "$1/summary.json"; }
run() { # run OUT CACHE
  expect_exit 0 "run with GRIDOPS_CACHE_DIR=$2" -- env GRIDOPS_CACHE_DIR="$2" \
    "$GRIDOPS" run "$SRC/scenarios/normal_weekday.lua" --quick --duration 1m --threads 2 --out "$TMP/$1" --quiet
}

cache=$TMP/cache
run cold "$cache"
files=$(find "$cache" -name 'field-*.bin' | wc -l)
checks=$((checks + 2))
[ "$files" -ge 40 ] || { echo "FAIL: $files cached fields after the first run, expected a destination field each and a wall field"; fails=$((fails+1)); }
[ "$(find "$cache" -mindepth 1 -maxdepth 1 -name 'fields-*' | wc -l)" -eq 1 ] \
  || { echo "FAIL: expected one fields-<version> folder in the cache"; fails=$((fails+1)); }

# The second run reads the fields: it writes none of them again.
sleep 1
touch "$TMP/after-cold"
run warm "$cache"
checks=$((checks + 1))
rewritten=$(find "$cache" -name 'field-*.bin' -newer "$TMP/after-cold" | wc -l)
[ "$rewritten" -eq 0 ] || { echo "FAIL: the second run wrote $rewritten cached fields again instead of reading them"; fails=$((fails+1)); }
run off off
checks=$((checks + 3))
[ -n "$(hash_of "$TMP/cold")" ] || { echo "FAIL: no state_hash"; fails=$((fails+1)); }
[ "$(hash_of "$TMP/cold")" = "$(hash_of "$TMP/warm")" ] || { echo "FAIL: a run from the cache differs"; fails=$((fails+1)); }
[ "$(hash_of "$TMP/cold")" = "$(hash_of "$TMP/off")" ] || { echo "FAIL: a run without the cache differs"; fails=$((fails+1)); }
checks=$((checks + 1))
[ ! -e off ] || { echo "FAIL: GRIDOPS_CACHE_DIR=off made a folder named off"; fails=$((fails+1)); }

# Damage one field (a byte in the middle of its values): the next run recomputes it.
victim=$(find "$cache" -name 'field-*.bin' ! -name 'field-wall-*' | sort | head -1)
size=$(stat -c %s "$victim")
printf '\x7f' | dd of="$victim" bs=1 seek=$((size / 2)) conv=notrunc status=none
before=$(cksum <"$victim")
run damaged "$cache"
checks=$((checks + 2))
[ "$(hash_of "$TMP/cold")" = "$(hash_of "$TMP/damaged")" ] || { echo "FAIL: a damaged cache file changed the run"; fails=$((fails+1)); }
[ "$(cksum <"$victim")" != "$before" ] || { echo "FAIL: the damaged file was not written anew"; fails=$((fails+1)); }
echo "state_hash $(hash_of "$TMP/cold") (cold, warm, off, damaged file); $files files cached"
finish
