#!/usr/bin/env bash
# Long run of the Kafka scenarios in every configuration they assert (part
# of `make soak`; tests/sh/t_kafka.sh runs fewer seeds): scenario 1 with
# acks=all, min_isr=2 and either victim, the unclean election, leader-epoch
# truncation, the fault matrix and the nemesis, idempotent or not, seeds
# 1-1000 (the fault matrix and the nemesis 1-500 per row). The plain
# defaults run in tools/soak.sh's sweep of every scenario. Exit 1 if a row
# fails.
set -u
: "${FAULTSIM:?set FAULTSIM}"
cd "${ROOT:-$(dirname "$0")/../..}"
jobs=$(nproc 2>/dev/null || echo 2)
status=0
for victim in leader random; do
  "$FAULTSIM" check --jobs "$jobs" --seeds 1-1000 --set acks=all --set min_isr=2 --set "victim=$victim" \
    scenarios/kafka_acks.lua || status=1
done
"$FAULTSIM" check --jobs "$jobs" --seeds 1-1000 --set unclean=true scenarios/kafka_unclean.lua || status=1
"$FAULTSIM" check --jobs "$jobs" --seeds 1-1000 --set truncation=epoch scenarios/kafka_kip101.lua || status=1
for idempotent in true false; do
  for fault in none loss duplicate reorder delay crash all; do
    "$FAULTSIM" check --jobs "$jobs" --seeds 1-500 --set "fault=$fault" --set "idempotent=$idempotent" \
      scenarios/kafka_faults.lua || status=1
  done
  for mode in part crash both; do
    "$FAULTSIM" check --jobs "$jobs" --seeds 1-500 --set "mode=$mode" --set "idempotent=$idempotent" \
      scenarios/kafka_nemesis.lua || status=1
  done
done
exit "$status"
