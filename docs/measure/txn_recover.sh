#!/usr/bin/env bash
# docs/txn.md: txn_3pc_recover_uncertain.lua and txn_2pc_part_crash.lua, seeds 1-20.
set -euo pipefail
. docs/measure/locks_lib.sh
s=scenarios/txn_3pc_recover_uncertain.lua
after=$(values $s 20 '(.metrics.p3_decided_s - .metrics.p1_restart_s) * 1000' | range %.1f)
doubt=$(values $s 20 '.metrics["txn.in_doubt_max_s"]' | range %.3f)
echo "- \`txn_3pc_recover_uncertain.lua\`: p3 commits in $(seeds_where $s 20 '.metrics.p3_committed == 1') of seeds 1-20, $after ms after p1's restart; in doubt at most $doubt s."
p=scenarios/txn_2pc_part_crash.lua
sweep_csv $p --param downtime=500ms --seeds 20 --metric txn.aborts --metric txn.locks_held_at_end |
  awk -F, '{ printf("- `txn_2pc_part_crash.lua`: %d aborted transactions over seeds 1-20 (vote timeout), availability %.3f, locks held at the end %d.\n", $5 * 20 + 0.5, $3, $7) }'
m=scenarios/txn_2pc_mixed.lua
values $m 20 '[.metrics["txn.commits"], .metrics["txn.aborts"], .metrics["txn.locks_held_at_end"]] | @tsv' |
  awk -F'\t' '{ c += $1; a += $2; l += $3 }
    END { printf("- `txn_2pc_mixed.lua`: %d commits and %d aborts over seeds 1-20, locks held at the end %d.\n", c, a, l) }'
