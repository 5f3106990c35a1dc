# SPDX-License-Identifier: MIT
# Every ```lua example in scenarios/API.md is a complete scenario: run them with `gridops
# check`, so the documentation cannot rot. Examples on the district map (the Traffic and
# Operations sections) are run by the test_lua_traffic / test_lua_ops suites instead.
. "$(dirname "$0")/lib/common.sh"

mkdir -p "$TMP/examples"
awk -v dir="$TMP/examples" '
  /^```lua$/ { n++; file = sprintf("%s/example_%02d.lua", dir, n); inside = 1; next }
  /^```$/    { inside = 0; next }
  inside     { print > file }
' "$SRC/scenarios/API.md"
grep -l 'map = ' "$TMP"/examples/*.lua | xargs -r rm
count=$(ls "$TMP/examples" | wc -l)
checks=$((checks + 1))
[ "$count" -ge 8 ] || { echo "FAIL: only $count examples extracted"; fails=$((fails+1)); }
# Examples without expect() only need to load and run.
expect_exit 0 "API.md examples pass" -- "$GRIDOPS" check "$TMP/examples"
cat "$TMP/out"
finish
