# SPDX-License-Identifier: MIT
# `gridops check`: table, totals and exit codes over folders with passing, failing and
# broken scenarios.
. "$(dirname "$0")/lib/common.sh"

mkdir -p "$TMP/ok" "$TMP/mixed/sub"
cp "$SRC/scenarios/smoke.lua" "$TMP/ok/"
cp "$SRC/scenarios/smoke.lua" "$TMP/mixed/a_smoke.lua"
printf 'scenario { name = "f", start = "2025-12-31 16:00", duration = "5m" }\nexpect("visitors_total", ">", 0)\n' >"$TMP/mixed/sub/b_fail.lua"
expect_exit 0 "all pass" -- "$GRIDOPS" check "$TMP/ok"
expect_text "$TMP/out" "1 passed, 0 failed, 0 errors" "total line"
expect_exit 1 "a failure exits 1" -- "$GRIDOPS" check "$TMP/mixed"
expect_text "$TMP/out" "FAIL" "failure row"
expect_text "$TMP/out" "not measured" "null KPI explained"
expect_text "$TMP/out" "1 passed, 1 failed, 0 errors" "totals with failure"
printf 'scenario { name = "e" }\n' >"$TMP/mixed/c_broken.lua"
expect_exit 2 "a broken scenario exits 2" -- "$GRIDOPS" check "$TMP/mixed"
expect_text "$TMP/out" "ERROR" "error row"
expect_text "$TMP/err" "c_broken.lua" "error names the file"
expect_exit 2 "missing path" -- "$GRIDOPS" check "$TMP/none"
expect_exit 2 "unknown flag" -- "$GRIDOPS" check --fast
finish
