#!/usr/bin/env bash
# docs/kafka.md, "Under network faults": scenarios/kafka_faults.lua (acks=all,
# min_isr = 2, clean election, epoch truncation) under each fault at seeds
# 1-5, with and without an idempotent producer: runs whose expect{} held
# (no acknowledged record lost, none read then lost, no divergence),
# records acknowledged and duplicate records in the final log (ranges).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
range() { grep . | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print (lo == hi ? lo : lo "–" hi) }'; }
echo "| fault | held (idempotent) | acknowledged | duplicates | held (not idempotent) | acknowledged | duplicates |"
echo "|---|---|---|---|---|---|---|"
for fault in none loss duplicate reorder delay crash all; do
  line="| $fault"
  for idem in true false; do
    held=0 acked="" dups=""
    for seed in 1 2 3 4 5; do
      rc=0
      out=$("$FAULTSIM" run scenarios/kafka_faults.lua --seed "$seed" --set "fault=$fault" --set "idempotent=$idem" --json) || rc=$?
      [ "$rc" -le 1 ] || exit "$rc"
      [ "$rc" -eq 0 ] && held=$((held + 1))
      acked+="$(jq -r .metrics.kafka_acked <<<"$out")"$'\n'
      dups+="$(jq -r .metrics.kafka_duplicates <<<"$out")"$'\n'
    done
    line+=" | $held of 5 | $(range <<<"$acked") | $(range <<<"$dups")"
  done
  echo "$line |"
done
