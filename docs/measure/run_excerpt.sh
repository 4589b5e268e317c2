#!/usr/bin/env bash
# Prints an excerpt of `faultsim run SCENARIO` as a fenced code block: the
# first HEAD lines and every line matching REGEX (extended), with a "..."
# line, indented like the first line it stands for, wherever lines were
# left out.
# Used by the README's measured blocks: run_excerpt.sh SCENARIO HEAD REGEX
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 SCENARIO HEAD REGEX" >&2; exit 2; }
echo '```'
"$FAULTSIM" run "$1" | awk -v head="$2" -v re="$3" '
  { keep = NR <= head || $0 ~ re }
  keep && skipped { printf "%*s...\n", indent, ""; skipped = 0 }
  keep { print; next }
  !skipped { match($0, /^ */); indent = RLENGTH; skipped = 1 }
  END { if (skipped) printf "%*s...\n", indent, "" }'
echo '```'
