#!/usr/bin/env bash
# docs/locks.md: lock_redlock_restart.lua plain, with a delayed restart, with
# persistence (two clients, one grant each: mean x 100 counts seeds).
set -euo pipefail
. docs/measure/locks_lib.sh
s=scenarios/lock_redlock_restart.lua
echo "| r3 restarts | seeds | with two holders | acquisitions (mean) |"
echo "|---|---|---|---|"
row() {
  sweep_csv $s --seeds 100 --metric overlaps --metric acquisitions "${@:2}" |
    awk -F, -v l="$1" '{ printf("| %s | 1-100 | %d | %.2f |\n", l, $5 * 100 + 0.5, $7) }'
}
row "forgetting its keys" --param persist=false
row "refusing requests for one TTL (\`--set delayed=true\`)" --param delayed=true
row "with its keys (\`--set persist=true\`)" --param persist=true
