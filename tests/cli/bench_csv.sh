# SPDX-License-Identifier: MIT
# `gridops bench`: the CSV header contract and one row per selected case.
. "$(dirname "$0")/lib/common.sh"

expect_exit 0 "bench core_grid_10k" -- "$GRIDOPS" bench core_grid_10k --repeats 3 --threads 1
checks=$((checks + 2))
[ "$(head -1 "$TMP/out")" = "name,agents,threads,ticks,ms_per_tick,realtime_factor,ns_per_agent_tick,rss_mb,ms_per_tick_min" ] \
  || { echo "FAIL: CSV header"; fails=$((fails+1)); }
awk -F, 'NR==2 && $1=="core_grid_10k" && $2==10000 && $3==1 && $4==3 && $5>0 && NF==9 {ok=1} END {exit !ok}' "$TMP/out" \
  || { echo "FAIL: CSV row"; cat "$TMP/out"; fails=$((fails+1)); }
# The Erqi fixture places every pedestrian on the map (it stops with an error when one does
# not fit), then times whole crowd ticks.
expect_exit 0 "bench crowd_erqi_10k" -- "$GRIDOPS" bench crowd_erqi_10k --repeats 1 --threads 2
checks=$((checks + 1))
awk -F, 'NR==2 && $1=="crowd_erqi_10k" && $2==10000 && $3==2 && $4==1 && $5>0 {ok=1} END {exit !ok}' "$TMP/out" \
  || { echo "FAIL: crowd_erqi_10k row"; cat "$TMP/out"; fails=$((fails+1)); }
expect_exit 2 "unknown benchmark" -- "$GRIDOPS" bench nothing_like_this
expect_exit 2 "bad repeats" -- "$GRIDOPS" bench --repeats 0
expect_text "$TMP/err" "--repeats" "flag named"
finish
