#!/usr/bin/env bash
# Link bandwidth in scenarios/replication_bandwidth.lua: a primary ships a
# 1500-byte record every millisecond (12 Mbit/s) to a replica behind a
# 100 Mbit/s link and one behind a 10 Mbit/s link, for 5 s, without and
# with a 64 kB queue limit on the slow link. Deterministic (no random
# draw decides anything here), seed 1. Printed for docs/capacity.md.
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
sc=scenarios/replication_bandwidth.lua
echo "| far link (10 Mbit/s) | delivered | last record's lag | still queued at 5 s | dropped (link full) |"
echo "|---|---|---|---|---|"
for q in "" 64kB; do
  set -- "$FAULTSIM" run "$sc" --seed 1 --json
  [ -n "$q" ] && set -- "$@" --set "queue=$q"
  "$@" | jq -r --arg q "${q:-unbounded}" '
    "| \(if $q == "unbounded" then "no queue limit" else "queue = \"\($q)\"" end) | \(.metrics.far_mbit_s * 100 | round / 100) Mbit/s | \(.metrics.far_last_lag_ms | round) ms | \(.links[1].backlog_s * 1000 | round) ms | \(.links[1].dropped_full) |"'
done
"$FAULTSIM" run "$sc" --seed 1 --json | jq -r '
  "\nThe near replica meanwhile gets \(.metrics.near_mbit_s * 100 | round / 100) Mbit/s (all of it) with a lag of \(.metrics.near_last_lag_ms) ms (1 ms of latency and 120 us on the wire); its link is \(.links[0].utilization * 1000 | round / 10)% busy."'
