# SPDX-License-Identifier: MIT
# The bad-input catalogue (tests/bad_inputs/): every malformed map, scenario and command line
# must end with its declared exit code (2 unless the case says otherwise) and a message
# holding its key words, within its time budget, without a crash or sanitizer report, and
# without touching a previous good output folder of the same name or leaving a staged one.
# Large and systematic cases (50 MB of nesting, files over the size limits, a wrong type for
# every scenario{} key of the field table, read-only and full output file systems) are
# generated here rather than committed. Cases run a few at a time (GOPS_BAD_INPUTS_JOBS).
#   bash tests/cli/bad_inputs.sh GRIDOPS SRC [NAME-FILTER]
. "$(dirname "$0")/lib/common.sh"
FILTER=${3:-}
CAT="$SRC/tests/bad_inputs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
DEFAULT_BUDGET=30 # seconds per case in the sanitizer build
cases=0

# A previous good run whose folder every case's output folder starts as.
cat >"$TMP/good.lua" <<'LUA'
scenario { name = "good", start = "2025-12-31 16:00", duration = "2m" }
at("16:01", function() set_kpi("x", 1) end)
expect("x", "==", 1)
LUA
cat >"$TMP/study.lua" <<LUA
study { name = "bad_inputs", scenario = "$TMP/good.lua", replications = 1, kpis = { "x" } }
LUA
if ! "$GRIDOPS" run "$TMP/good.lua" --out "$TMP/template" --quiet >"$TMP/out" 2>"$TMP/err"; then
  echo "FAIL: the good scenario does not run:"; sed 's/^/  /' "$TMP/err"; exit 1
fi
mkdir -p "$TMP/dir"
echo "not a scenario" >"$TMP/file"

fingerprint() { (cd "$1" 2>/dev/null && find . -type f -exec md5sum {} + | sort) ; }
TEMPLATE_PRINT=$(fingerprint "$TMP/template")

PARALLEL=${GOPS_BAD_INPUTS_JOBS:-4} # cases at once: most of a case's time is process start and exit
mkdir -p "$TMP/results"

# check_case NAME EXIT BUDGET WORDS DIR -- ARGS...: runs one case in DIR; prints FAIL lines.
check_case() {
  local name=$1 code=$2 budget=$3 words=$4 dir=$5
  shift 6
  set -f # key words are fixed strings, never globs
  local out="$dir/out"
  mkdir -p "$dir/run"
  cp -a "$TMP/template" "$out"
  local args=() a
  for a in "$@"; do args+=("${a//\{out\}/$out}"); done
  local start=$SECONDS
  timeout -s KILL "$budget" "$GRIDOPS" "${args[@]}" >"$dir/run/stdout" 2>"$dir/run/stderr" </dev/null
  local rc=$? took=$((SECONDS - start))
  [ "$took" -ge 5 ] && echo "note: $name took ${took}s"
  local why=""
  if [ "$rc" -eq 137 ] && [ "$took" -ge "$budget" ]; then
    why="took more than its budget of ${budget}s"
  elif grep -qE 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$dir/run/stderr"; then
    why="sanitizer report (exit $rc)"
  elif [ "$rc" -ne "$code" ]; then
    if [ "$rc" -ge 128 ]; then why="crashed with signal $((rc - 128)), expected exit $code"
    else why="exit $rc, expected $code"; fi
  else
    local IFS=';' w
    for w in $words; do
      w=${w#"${w%%[![:space:]]*}"}; w=${w%"${w##*[![:space:]]}"}
      [ -z "$w" ] && continue
      w=${w//\{out\}/$out}
      if ! grep -qF -- "$w" "$dir/run/stderr"; then why="message lacks '$w'"; break; fi
    done
    unset IFS
  fi
  if [ -z "$why" ] && [ "$(fingerprint "$out")" != "$TEMPLATE_PRINT" ]; then why="the previous output folder was changed"; fi
  if [ -z "$why" ]; then
    local left
    left=$(cd "$dir" && ls -A | grep -vxE 'out|out\.png|run' || true)
    [ -n "$left" ] && why="left behind: $left"
  fi
  if [ -n "$why" ]; then
    echo "FAIL: $name: $why"
    sed 's/^/  stderr: /' "$dir/run/stderr" | head -6
  else
    rm -rf "$dir"
  fi
}

# run_case NAME EXIT BUDGET WORDS(;-separated) -- ARGS...: queues one case.
run_case() {
  if [ -n "$FILTER" ] && [[ "$1" != *"$FILTER"* ]]; then return; fi
  cases=$((cases + 1))
  while [ "$(jobs -rp | wc -l)" -ge "$PARALLEL" ]; do wait -n; done
  check_case "$1" "$2" "$3" "$4" "$TMP/case/$cases" "${@:5}" >"$TMP/results/$cases" 2>&1 &
}

# read_expect FILE: sets E_EXIT, E_WORDS, E_BUDGET, E_CMD from a .expect sidecar.
read_expect() {
  E_EXIT=2 E_WORDS="" E_BUDGET=$DEFAULT_BUDGET E_CMD=""
  local key value
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '#'*|'') continue ;; esac
    key=${line%%:*}; value=${line#*:}; value=${value# }
    case "$key" in
      exit) E_EXIT=$value ;;
      words) E_WORDS="$E_WORDS;$value" ;;
      budget) E_BUDGET=$value ;;
      cmd) E_CMD=$value ;;
      *) echo "FAIL: $1: unknown key '$key'"; fails=$((fails + 1)) ;;
    esac
  done <"$1"
}

# catalogue FOLDER EXT DEFAULT-COMMAND: every FILE.EXT with its FILE.expect.
catalogue() {
  local dir=$1 ext=$2 default=$3 f
  for f in "$dir"/*."$ext"; do
    [ -e "$f" ] || continue
    local name
    name=$(basename "$(dirname "$f")")/$(basename "$f")
    if [ ! -f "${f%.*}.expect" ]; then echo "FAIL: $name has no .expect"; fails=$((fails + 1)); continue; fi
    read_expect "${f%.*}.expect"
    local cmd=${E_CMD:-$default}
    local args=()
    read -r -a args <<<"$cmd"
    for i in "${!args[@]}"; do args[$i]=${args[$i]//\{\}/$f}; done
    run_case "$name" "$E_EXIT" "$E_BUDGET" "$E_WORDS" -- "${args[@]}"
    if [ "$ext" = geojson ] && [ -z "$E_CMD" ]; then
      # The same map through a run: same exit code and words, old outputs untouched.
      local wrapper
      wrapper="$TMP/map_run_$(basename "${f%.*}").lua"
      printf 'scenario { name = "m", start = "2025-12-31 16:00", duration = "1m", map = "%s" }\n' "$f" >"$wrapper"
      run_case "$name (run)" "$E_EXIT" "$E_BUDGET" "$E_WORDS" -- run "$wrapper" --out "{out}" --quiet
    fi
  done
}

catalogue "$CAT/maps" geojson "map info {}"
catalogue "$CAT/scenarios" lua "run {} --out {out} --quiet"
for kind in map scenario; do
  ext=lua; [ $kind = map ] && ext=geojson
  for f in "$CAT/fuzz_regressions/$kind"-*; do
    [ -e "$f" ] || continue
    case "$f" in *.expect) continue ;; esac
    [ -f "$f.expect" ] || { echo "FAIL: $(basename "$f") has no .expect"; fails=$((fails + 1)); continue; }
    copy="$TMP/$(basename "$f").$ext"
    cp "$f" "$copy"
    read_expect "$f.expect"
    if [ $kind = map ]; then
      run_case "fuzz_regressions/$(basename "$f")" "$E_EXIT" "$E_BUDGET" "$E_WORDS" -- map info "$copy"
    else
      run_case "fuzz_regressions/$(basename "$f")" "$E_EXIT" "$E_BUDGET" "$E_WORDS" -- run "$copy" --out "{out}" --quiet
    fi
  done
done

# Command lines.
while IFS='|' read -r code words args || [ -n "$code" ]; do
  case "$code" in '#'*|'') continue ;; esac
  code=${code// /}
  args=${args//\{good\}/$TMP/good.lua}
  args=${args//\{study\}/$TMP/study.lua}
  args=${args//\{dir\}/$TMP/dir}
  args=${args//\{file\}/$TMP/file}
  args=${args//\{missing\}/$TMP/no/such/file.lua}
  args=${args//\{src\}/$SRC}
  words=${words//\{missing\}/$TMP/no/such/file.lua}
  eval "set -- $args"
  run_case "cli:${args//$TMP\//}" "$code" "$DEFAULT_BUDGET" "$words" -- "$@"
done <"$CAT/cli/cases.txt"

# Generated: a 50 MB map of nothing but nesting (the parser must refuse it before recursing).
head -c 25000000 /dev/zero | tr '\0' '[' >"$TMP/deep.geojson"
head -c 25000000 /dev/zero | tr '\0' ']' >>"$TMP/deep.geojson"
run_case "generated/deep_nesting_50MB.geojson" 2 60 "deep.geojson;nested more than" -- map info "$TMP/deep.geojson"
# Over the size limits (sparse files: no disk used).
truncate -s 300M "$TMP/huge.geojson"
run_case "generated/map_over_256MiB.geojson" 2 "$DEFAULT_BUDGET" "huge.geojson;larger than 256 MiB" -- map info "$TMP/huge.geojson"
truncate -s 17M "$TMP/huge.lua"
run_case "generated/scenario_over_16MiB.lua" 2 "$DEFAULT_BUDGET" "huge.lua;larger than 16 MiB" -- run "$TMP/huge.lua" --out "{out}" --quiet

# Generated from the field table in scenario_def.c: every scenario{} key given a value of
# the wrong Lua type must be refused naming the file:line, the key and what was expected.
fields=$(sed -nE 's/^\s*\{"([a-z_.]+)", (F_[A-Z]+),.*/\1 \2/p' "$SRC/sim/scenario/scenario_def.c")
[ -n "$fields" ] || { echo "FAIL: no field table found in scenario_def.c"; fails=$((fails + 1)); }
while read -r key type; do
  [ -z "$key" ] && continue
  case "$type" in
    F_UINT|F_NUMBER) wrong='"12"'; found="found a string" ;;
    F_BOOL) wrong='"yes"'; found="found a string" ;;
    *) wrong='{}'; found="found a table" ;;
  esac
  # name and start are needed by every case; the key under test comes on its own line.
  base='name = "t", start = "2025-12-31 16:00", duration = "1m",'
  case "$key" in name|start|duration) base=$(printf '%s' "$base" | sed -E "s/$key = \"[^\"]*\",//") ;; esac
  if [[ "$key" == *.* ]]; then entry="[\"$key\"] = $wrong"; else entry="$key = $wrong"; fi
  printf 'scenario {\n  %s\n  %s,\n}\n' "$base" "$entry" >"$TMP/type_$key.lua"
  run_case "generated/wrong_type_$key.lua" 2 "$DEFAULT_BUDGET" "type_$key.lua:1:;$key;$found;expected" \
    -- run "$TMP/type_$key.lua" --out "{out}" --quiet
done <<<"$fields"

# Output folders that cannot be written: a read-only file system and a full one, each
# holding a previous good run. Root passes permission checks, so these need a private mount
# (unshare -m); elsewhere a folder without write permission stands in for the first.
# io_case NAME WORDS SIZE MODE: runs the good scenario into <mount>/out of a tmpfs of SIZE,
# read-only when MODE is ro.
io_case() {
  local name=$1 words=$2 opts=$3 mode=$4 dir="$TMP/io_$1"
  if [ -n "$FILTER" ] && [[ "generated/$name" != *"$FILTER"* ]]; then return; fi
  mkdir -p "$dir/mnt"
  cases=$((cases + 1))
  if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
    unshare -m bash -c '
      set -e
      mount -t tmpfs -o "size=$4" tmpfs "$1"
      cp -a "$2" "$1/out"
      [ "$5" = ro ] && mount -o remount,ro "$1"
      set +e
      timeout -s KILL 60 "$3" run "$6" --out "$1/out" --quiet >"$7/stdout" 2>"$7/stderr"
      echo $? >"$7/rc"
      (cd "$1/out" && find . -type f -exec md5sum {} + | sort) >"$7/after"
      ls -A "$1" >"$7/left"' _ "$dir/mnt" "$TMP/template" "$GRIDOPS" "$opts" "$mode" "$TMP/good.lua" "$dir" \
      || { echo "FAIL: generated/$name: could not set up the mount" >"$TMP/results/$cases"; return; }
  elif [ "$name" = readonly_folder ]; then
    cp -a "$TMP/template" "$dir/mnt/out" && chmod a-w "$dir/mnt"
    timeout -s KILL 60 "$GRIDOPS" run "$TMP/good.lua" --out "$dir/mnt/out" --quiet >"$dir/stdout" 2>"$dir/stderr"
    echo $? >"$dir/rc"
    fingerprint "$dir/mnt/out" >"$dir/after"
    ls -A "$dir/mnt" >"$dir/left"
    chmod u+w "$dir/mnt"
  else
    echo "note: generated/$name skipped (needs root and unshare for a private mount)" >"$TMP/results/$cases"
    cases=$((cases - 1))
    return
  fi
  local why=""
  if [ "$(cat "$dir/rc")" != 2 ]; then why="exit $(cat "$dir/rc"), expected 2"
  elif grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$dir/stderr"; then why="sanitizer report"
  elif [ "$(cat "$dir/after")" != "$TEMPLATE_PRINT" ]; then why="the previous output folder was changed"
  elif [ "$(cat "$dir/left")" != out ]; then why="left behind: $(grep -vx out "$dir/left" | tr '\n' ' ')"
  else
    local IFS=';' w
    for w in $words; do
      grep -qF -- "$w" "$dir/stderr" || { why="message lacks '$w'"; break; }
    done
    unset IFS
  fi
  if [ -n "$why" ]; then
    { echo "FAIL: generated/$name: $why"; sed 's/^/  stderr: /' "$dir/stderr" | head -4; } >"$TMP/results/$cases"
  else
    : >"$TMP/results/$cases"
  fi
}
template_kib=$(du -sk "$TMP/template" | cut -f1)
io_case readonly_folder "output folder $TMP/io_readonly_folder/mnt/out;not writable" 8m ro
io_case full_disk "$TMP/io_full_disk/mnt/out;No space left on device;the disk is full" "$((template_kib + 8))k" rw

wait
for i in $(seq 1 "$cases"); do cat "$TMP/results/$i"; done
checks=$((cases + fails)) # fails so far: catalogue files without or with a bad .expect
fails=$((fails + $(cat "$TMP/results"/* 2>/dev/null | grep -c '^FAIL' || true)))
echo "bad inputs: $cases cases, run $PARALLEL at a time"
finish
