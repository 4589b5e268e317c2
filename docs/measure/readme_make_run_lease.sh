#!/usr/bin/env bash
# README "What make run shows": the lease lock's run, excerpted.
exec "$(dirname "$0")/run_excerpt.sh" scenarios/lock_gc_pause.lua 2 \
  '^  (invariants:|metrics:|verdict:)|^    (ok|FAIL) |^ +t=|stale_token_rejections|unsafe_writes'
