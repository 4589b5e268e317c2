#!/usr/bin/env bash
# docs/kv.md: do kv.quorum's versions follow real time? scenarios/kv_realtime.lua
# (N = 5, R = W = 3, no faults) with each way of picking versions, and
# scenarios/kv_clock_skew.lua (N = 3, R = W = 2, client2's clock behind)
# for several skews; stale reads counted in real time, seeds 1-10.
set -euo pipefail
. "$(dirname "$0")/kv_lib.sh"
total() { # FILE SETTINGS... → "stale checked seeds_with_stale"
  local file=$1; shift
  for seed in $(seq 1 10); do
    run_json "$file" --seed "$seed" "$@" | jq -r '[.metrics.kv_stale_reads, .metrics.kv_reads_checked] | @tsv'
  done | awk '{ s += $1; c += $2; if ($1 > 0) n++ } END { printf "%d\t%d\t%d\n", s, c, n }'
}
echo "| scenario | versions | clock of client2 | stale reads | reads checked | seeds with a stale read |"
echo "|---|---|---|---|---|---|"
for v in read clock; do
  total scenarios/kv_realtime.lua --set "versions=$v" |
    awk -F'\t' -v v="$v" '{ printf "| kv_realtime (N=5, R=W=3) | %s | right | %d | %d | %d of 10 |\n", v, $1, $2, $3 }'
done
skew_row() { # VERSIONS SKEW
  total scenarios/kv_clock_skew.lua --set "versions=$1" --set "skew=-$2" |
    awk -F'\t' -v v="$1" -v k="$2" '{ printf "| kv_clock_skew (N=3, R=W=2) | %s | %s behind | %d | %d | %d of 10 |\n", v, k, $1, $2, $3 }'
}
for skew in 0ms 1ms 10ms 50ms 500ms; do skew_row clock "$skew"; done
skew_row read 500ms
