# SPDX-License-Identifier: MIT
# Shared helpers for the command-line checks: each check script sources this, gets the
# gridops binary as $1 and the source tree as $2, and counts its own assertions.
set -u
GRIDOPS=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
checks=0

# expect_exit CODE DESCRIPTION -- COMMAND...: runs COMMAND, stores stdout/stderr in $TMP/out, $TMP/err.
expect_exit() {
  local code=$1 what=$2
  shift 3
  checks=$((checks + 1))
  "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  if [ "$rc" -ne "$code" ]; then
    echo "FAIL: $what: exit $rc, expected $code"
    sed 's/^/  stderr: /' "$TMP/err" | head -5
    fails=$((fails + 1))
    return 1
  fi
}

# expect_text FILE TEXT DESCRIPTION: FILE ($TMP/out or $TMP/err) contains TEXT.
expect_text() {
  checks=$((checks + 1))
  if ! grep -qF -- "$2" "$1"; then
    echo "FAIL: $3: '$2' not in $(basename "$1"):"
    sed 's/^/  | /' "$1" | head -5
    fails=$((fails + 1))
  fi
}

finish() {
  echo "$((checks - fails)) passed, $fails failed"
  [ "$fails" -eq 0 ]
}
