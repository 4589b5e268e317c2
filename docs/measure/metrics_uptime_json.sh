#!/usr/bin/env bash
# docs/metrics.md: the same numbers in the --json report (default window).
set -euo pipefail
echo '```'
filter='.availability_window_s, .availability_timeline[0, 8], .nodes[]'
echo "\$ faultsim run tests/data/metrics/uptime.lua --json | jq -c '$filter'"
"$FAULTSIM" run tests/data/metrics/uptime.lua --json | jq -c "$filter"
echo '```'
