#!/usr/bin/env bash
# The budgets' defaults against the shipped scenarios: every scenario
# under scenarios/ (labs included; a lab's tests.lua is its test list,
# not a scenario) at seeds 1-2 is run with limits far
# below the defaults; the table says how far, and that none of them hit
# a limit (exit 2). Printed for README.md, "Determinism and the sandbox".
set -euo pipefail
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
events=2000000 instant=1000 instructions=10000000 mem=16
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find scenarios -name '*.lua' ! -name tests.lua ! -path '*/_*' | sort | while read -r f; do
  for seed in 1 2; do echo "$f $seed"; done
done | xargs -P 2 -n 2 sh -c '
  out=$("$FAULTSIM" run "$0" --seed "$1" --json --max-events '$events' --max-events-per-instant '$instant' \
        --max-total-instructions '$instructions' --mem-limit '$mem' 2>/dev/null)
  rc=$?
  echo "$rc $(echo "$out" | jq -r ".events // 0" 2>/dev/null || echo 0) $0"' > "$tmp/runs"
runs=$(wc -l < "$tmp/runs")
over=$(awk '$1 == 2' "$tmp/runs" | wc -l)
read -r most most_file < <(sort -k2,2n "$tmp/runs" | tail -n 1 | awk '{ print $2, $3 }')
default() { "$FAULTSIM" run --help | sed -n "s/.*--$1=[A-Z]* .*(default \([0-9]*\)).*/\1/p"; }
echo "| flag | default | the shipped scenarios ran within |"
echo "|---|---|---|"
echo "| \`--max-events\` | $(default max-events) | $events (the largest run: $most events, $(basename "$most_file")) |"
echo "| \`--max-events-per-instant\` | $(default max-events-per-instant) | $instant |"
echo "| \`--max-total-instructions\` | $(default max-total-instructions) | $instructions |"
echo "| \`--mem-limit\` (MiB) | $(default mem-limit) | $mem |"
echo ""
echo "($runs runs: every scenario at seeds 1-2; $over of them hit a limit.)"
