#!/usr/bin/env bash
# The send_to table of docs/kv.md: scenarios/kv_send_quorum.lua under each
# of its faults with send_to = quorum and all, seeds 1-5: read and write
# availability against the k-of-3 prediction, requests per operation and
# the requests sent after sloppy_after (kv_extra_requests, per run).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
. docs/measure/sweep_lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| fault | send_to | reads ok (measured) | predicted | writes ok (measured) | predicted | requests per operation | requests after sloppy_after, per run |"
echo "|---|---|---|---|---|---|---|---|"
for send_to in quorum all; do
  sweep_positional scenarios/kv_send_quorum.lua --param fault=none,loss,duplicate,cut --set "send_to=$send_to" \
    --seeds 1-5 --jobs 2 -m read_availability -m read_availability_predicted -m write_availability \
    -m write_availability_predicted -m requests_per_op -m kv_extra_requests --csv "$tmp/$send_to.csv" > /dev/null
done
# Columns: fault,runs,availability,_se,read_availability,_se,read_availability_predicted,_se,
# write_availability,_se,write_availability_predicted,_se,requests_per_op,_se,kv_extra_requests,_se
for fault in none loss duplicate cut; do
  for send_to in quorum all; do
    awk -F, -v f="$fault" -v s="$send_to" '$1 == f {
      printf "| %s | %s | %.3f | %.3f | %.3f | %.3f | %.2f | %.0f |\n", f, s, $5, $7, $9, $11, $13, $15 }' "$tmp/$send_to.csv"
  done
done
echo ""
echo "(means over seeds 1-5; a read is one phase, a write two, each asking R = W = 2 of N = 3 replicas with send_to = quorum, 3 with all.)"
