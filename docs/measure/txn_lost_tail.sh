#!/usr/bin/env bash
# docs/txn.md: logs that lose their unsynced tail, seeds 1-20.
set -euo pipefail
. docs/measure/locks_lib.sh
# violated SCENARIO: the seeds of 1-20 with any violation, comma-separated.
violated() {
  local seed out=""
  for seed in $(seq 1 20); do
    if [ "$(json "$1" "$seed" | jq '[.invariants[].violations] | add > 0')" = true ]; then out="$out${out:+, }$seed"; fi
  done
  echo "$out"
}
echo "| scenario | seeds of 1-20 with a violation | which |"
echo "|---|---|---|"
for s in txn_2pc_lost_tail txn_2pc_lost_tail_unforced txn_2pc_coord_lost_tail; do
  bad=$(violated scenarios/$s.lua)
  n=0
  [ -z "$bad" ] || n=$(printf '%s\n' "$bad" | tr ',' '\n' | wc -l)
  echo "| \`$s.lua\` | $n | ${bad:--} |"
done
