#!/usr/bin/env bash
# README "What make run shows": the fenced lock's run, excerpted.
exec "$(dirname "$0")/run_excerpt.sh" scenarios/lock_gc_pause_fenced.lua 1 \
  '^    (ok|FAIL) +resource_safety|^    (stale_token_rejections|unsafe_writes) '
