# SPDX-License-Identifier: MIT
# Every ```lua example in scenarios/API.md that declares scenario{} and expectations is a
# complete scenario: run them all with `gridops check`, so the documentation cannot rot.
. "$(dirname "$0")/lib/common.sh"

mkdir -p "$TMP/examples"
awk -v dir="$TMP/examples" '
  /^```lua$/ { n++; file = sprintf("%s/example_%02d.lua", dir, n); inside = 1; next }
  /^```$/    { inside = 0; next }
  inside     { print > file }
' "$SRC/scenarios/API.md"
count=$(ls "$TMP/examples" | wc -l)
checks=$((checks + 1))
[ "$count" -ge 8 ] || { echo "FAIL: only $count examples extracted"; fails=$((fails+1)); }
# Examples without expect() only need to load and run.
expect_exit 0 "API.md examples pass" -- "$GRIDOPS" check "$TMP/examples"
cat "$TMP/out"
finish
