#!/usr/bin/env bash
# docs/locks.md: lock_lease_renew.lua with and without renewal, seeds 1-10.
set -euo pipefail
. docs/measure/locks_lib.sh
s=scenarios/lock_lease_renew.lua
echo "| renew | EXTENDs sent | client2 granted at | seeds with two holders |"
echo "|---|---|---|---|"
for r in true false; do
  echo "| $r | $(values $s 10 .metrics.extends_sent --set renew=$r | range %d) | $(values $s 10 .metrics.client2_granted_at_s --set renew=$r | range %.3f) s | $(seeds_where $s 10 '.metrics.overlaps > 0' --set renew=$r) of 1-10 |"
done
