#!/usr/bin/env bash
# docs/metrics.md: the uptime example, as a terminal session.
set -euo pipefail
echo '```'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo '$ faultsim run tests/data/metrics/uptime.lua --window 1s --csv uptime.csv'
"$FAULTSIM" run tests/data/metrics/uptime.lua --window 1s --csv "$tmp/uptime.csv"
echo '$ cat uptime.csv'
cat "$tmp/uptime.csv"
echo '```'
