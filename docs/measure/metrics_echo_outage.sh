#!/usr/bin/env bash
# docs/metrics.md: what a closed-loop client invokes during an outage.
# scenarios/echo.lua, seed 1, 1 s windows: the window of the server's 1 s
# crash (4 s to 5 s) against the mean of the other windows.
set -euo pipefail
"$FAULTSIM" run scenarios/echo.lua --seed 1 --window 1s --json | jq -r '
  .availability as $a
  | [.availability_timeline[] | select(.t_start_s == 4)][0] as $out
  | [.availability_timeline[] | select(.t_start_s != 4) | .invoked] as $rest
  | "Read availability with the workload in mind: a closed-loop client that",
    "waits for its timeout invokes few operations while a server is down (in",
    "`scenarios/echo.lua`, seed 1, `--window 1s`: \($out.invoked) operations invoked, \($out.ok) ok,",
    "during the server'"'"'s 1 s outage, against \(($rest | add) / ($rest | length) | round) per second on average",
    "otherwise, so the overall availability is still \($a * 1000 | round / 1000)). Per-window",
    "figures and the `invoked` column show the outage that an overall ratio",
    "dilutes."'
