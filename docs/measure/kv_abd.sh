#!/usr/bin/env bash
# docs/kv.md: scenarios/kv_abd.lua, seed 1, with its history checked by
# `faultsim lincheck --model register`: operations, outcomes, messages
# dropped, stale reads, and the checker's verdict line.
set -euo pipefail
. "$(dirname "$0")/kv_lib.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
run_json scenarios/kv_abd.lua --seed 1 --history "$dir/h.jsonl" |
  jq -r '"- \(.ops.invoked) operations: \(.ops.ok) ok, \(.ops.info) timed out; \(.messages.dropped) of \(.messages.sent) messages dropped; \(.metrics.abd_stale_reads) stale reads"'
printf -- '- `faultsim lincheck --model register`: %s\n' "$("$FAULTSIM" lincheck --model register "$dir/h.jsonl" | head -n 1)"
