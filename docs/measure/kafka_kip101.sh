#!/usr/bin/env bash
# docs/kafka.md, "KIP-101": scenarios/kafka_kip101.lua at seeds 1-20 with
# each truncation rule: runs that lost an acknowledged record, runs where
# a replica's log below its HW diverged from the final log, and records
# truncated in all.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
echo "| truncation | runs with acked_loss (of 20) | runs with divergence (of 20) | records truncated, all runs |"
echo "|---|---|---|---|"
for t in hw epoch; do
  loss=0 div=0 trunc=0
  for seed in $(seq 1 20); do
    out=$("$FAULTSIM" run scenarios/kafka_kip101.lua --seed "$seed" --set "truncation=$t" --json)
    [ "$(jq -r .metrics.kafka_lost_acked <<<"$out")" -gt 0 ] && loss=$((loss + 1))
    [ "$(jq -r '[.invariants[] | select(.name == "divergence")][0].violations' <<<"$out")" -gt 0 ] && div=$((div + 1))
    trunc=$((trunc + $(jq -r '.metrics.kafka_truncated_records // 0' <<<"$out")))
  done
  echo "| $t | $loss | $div | $trunc |"
done
