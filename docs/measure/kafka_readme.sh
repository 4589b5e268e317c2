#!/usr/bin/env bash
# README.md, "Replicated logs: Kafka": scenarios/kafka_acks.lua,
# kafka_unclean.lua and kafka_kip101.lua at seed 1 in each configuration:
# acknowledged records lost (and, for the unclean election, the longest
# time without a successful write).
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
m() { "$FAULTSIM" run "$1" --seed 1 "${@:3}" --json | jq -r ".metrics.$2 * 100 | round / 100"; }
a1=$(m scenarios/kafka_acks.lua kafka_lost_acked)
aa=$(m scenarios/kafka_acks.lua kafka_lost_acked --set acks=all --set min_isr=2)
cl=$(m scenarios/kafka_unclean.lua kafka_lost_acked)
cg=$(m scenarios/kafka_unclean.lua kafka_write_gap_s)
ul=$(m scenarios/kafka_unclean.lua kafka_lost_acked --set unclean=true)
ug=$(m scenarios/kafka_unclean.lua kafka_write_gap_s --set unclean=true)
hl=$(m scenarios/kafka_kip101.lua kafka_lost_acked)
el=$(m scenarios/kafka_kip101.lua kafka_lost_acked --set truncation=epoch)
echo "At seed 1: acks=1 loses $a1 acknowledged record when the leader crashes"
echo "right after acknowledging it, acks=all with min_isr=2 loses $aa; a clean"
echo "election loses $cl records and stops writes for $cg s, an unclean one"
echo "loses $ul and stops them for $ug s; HW truncation loses $hl record in"
echo "KIP-101's case, leader epochs $el."
