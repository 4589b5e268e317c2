#!/usr/bin/env bash
# docs/kafka.md, "acks": scenarios/kafka_acks.lua over seeds 1-200 (one
# broker crashed right after the N-th acknowledgement) with `faultsim
# check`: in how many seeds its expect{} held — for acks=1 with the leader
# crashed that at least one acknowledged record was lost, for acks=all
# with min_isr = 2 that none was. Then the records lost at seeds 1-20.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
echo "| configuration | crashed broker | expect{} | held in | acknowledged records lost, seeds 1-20 |"
echo "|---|---|---|---|---|"
row() { # label victim expectation sets...
  local label=$1 victim=$2 what=$3; shift 3
  local held lost=0
  held=$("$FAULTSIM" check --jobs 2 --seeds 200 --set "victim=$victim" "$@" scenarios/kafka_acks.lua |
    sed -n 's/.*held in \([0-9]*\/[0-9]*\).*/\1/p')
  for seed in $(seq 1 20); do
    lost=$((lost + $("$FAULTSIM" run scenarios/kafka_acks.lua --seed "$seed" --set "victim=$victim" "$@" --json |
      jq -r .metrics.kafka_lost_acked)))
  done
  echo "| $label | $victim | $what | $held | $lost |"
}
row "acks=1, min_isr=1" leader "acked_loss >= 1" --set acks=1 --set min_isr=1
row "acks=all, min_isr=2" leader "acked_loss = 0" --set acks=all --set min_isr=2
row "acks=all, min_isr=2" random "acked_loss = 0" --set acks=all --set min_isr=2
