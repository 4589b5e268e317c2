#!/usr/bin/env bash
# Long run of the kv fault matrix (part of `make soak`; tests/sh/t_kv_faults.sh
# runs 5 seeds per row): kv.quorum and kv.abd under each fault alone and all
# combined, seeds 1-200 per row; kv.quorum again with send_to = quorum, and
# scenarios/kv_send_quorum.lua under each of its faults with both fan-outs.
# Exit 1 if a row fails.
set -u
: "${FAULTSIM:?set FAULTSIM}"
cd "${ROOT:-$(dirname "$0")/../..}"
jobs=$(nproc 2>/dev/null || echo 2)
status=0
for store in quorum abd; do
  for fault in none loss duplicate reorder delay crash all; do
    "$FAULTSIM" check --jobs "$jobs" --seeds 1-200 --set "fault=$fault" "scenarios/kv_${store}_faults.lua" || status=1
  done
done
for fault in none loss duplicate reorder delay crash all; do
  "$FAULTSIM" check --jobs "$jobs" --seeds 1-200 --set "fault=$fault" --set send_to=quorum \
    scenarios/kv_quorum_faults.lua || status=1
done
for send_to in quorum all; do
  for fault in none loss duplicate cut; do
    "$FAULTSIM" check --jobs "$jobs" --seeds 1-200 --set "fault=$fault" --set "send_to=$send_to" \
      scenarios/kv_send_quorum.lua || status=1
  done
done
exit "$status"
