# SPDX-License-Identifier: MIT
# Scenario lint: every scenario and study file shipped (scenarios/, tests/scenarios/) is
# clean under luacheck with the project's .luacheckrc, and .luacheckrc declares exactly the
# functions the scenario API registers (so a new binding cannot be forgotten there).
. "$(dirname "$0")/lib/common.sh"

checks=$((checks + 1))
if ! command -v luacheck >/dev/null; then
  echo "FAIL: luacheck not installed (Debian package lua-check; scripts/setup test installs it)"
  fails=$((fails + 1))
  finish
  exit
fi

# Names the C side registers as scenario globals (gops_scenario_register(sc, "name", ...)),
# plus the study file's study{}.
grep -ohE 'gops_scenario_register\(sc, "[a-z_]+"' "$SRC"/sim/scenario/*.c | sed -E 's/.*"(.*)"/\1/' | sort -u >"$TMP/api"
echo study >>"$TMP/api"
sort -u -o "$TMP/api" "$TMP/api"
# Names .luacheckrc declares in read_globals.
sed -n '/^read_globals *= *{/,/^}/p' "$SRC/.luacheckrc" | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u >"$TMP/declared"
checks=$((checks + 1))
if ! diff "$TMP/api" "$TMP/declared" >"$TMP/diff"; then
  echo "FAIL: .luacheckrc read_globals differ from the registered API (< registered, > declared):"
  sed 's/^/  /' "$TMP/diff"
  fails=$((fails + 1))
fi

expect_exit 0 "scenarios lint clean" -- luacheck --config "$SRC/.luacheckrc" --formatter plain \
  "$SRC/scenarios" "$SRC/tests/scenarios"
[ -s "$TMP/out" ] && sed 's/^/  /' "$TMP/out" | head -20

# The config is strict where the sandbox is: a scenario using os or io is a lint error too.
printf 'scenario { name = "x", start = "2025-01-01 00:00", duration = "1m" }\nlocal t = os.time()\nprint(t)\n' >"$TMP/bad.lua"
expect_exit 1 "os is flagged" -- luacheck --config "$SRC/.luacheckrc" --formatter plain "$TMP/bad.lua"
expect_text "$TMP/out" "os" "names os"
printf 'scenario { name = "x", start = "2025-01-01 00:00", duration = "1m" }\nspeed = 3\n' >"$TMP/bad.lua"
expect_exit 1 "a new global is flagged" -- luacheck --config "$SRC/.luacheckrc" --formatter plain "$TMP/bad.lua"
finish
