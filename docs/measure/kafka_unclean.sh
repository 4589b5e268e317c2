#!/usr/bin/env bash
# docs/kafka.md, "Unclean leader election": scenarios/kafka_unclean.lua at
# seeds 1-10 with clean and unclean election: acknowledged records lost,
# records read then lost, the longest time without a successful write,
# and availability (ok / invoked sends), each as the range over seeds.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
range() { grep . | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print (lo == hi ? lo : lo " – " hi) }'; }
echo "| election | acknowledged records lost | read, then lost | longest write gap (s) | availability |"
echo "|---|---|---|---|---|"
for unclean in false true; do
  lost="" read="" gap="" avail=""
  for seed in $(seq 1 10); do
    out=$("$FAULTSIM" run scenarios/kafka_unclean.lua --seed "$seed" --set "unclean=$unclean" --json)
    lost+="$(jq -r .metrics.kafka_lost_acked <<<"$out")"$'\n'
    read+="$(jq -r '[.invariants[] | select(.name == "read_then_lost")][0].violations' <<<"$out")"$'\n'
    gap+="$(jq -r '.metrics.kafka_write_gap_s * 100 | round / 100' <<<"$out")"$'\n'
    avail+="$(jq -r '.availability * 1000 | round / 1000' <<<"$out")"$'\n'
  done
  label=$([ "$unclean" = true ] && echo unclean || echo clean)
  echo "| $label | $(range <<<"$lost") | $(range <<<"$read") | $(range <<<"$gap") | $(range <<<"$avail") |"
done
