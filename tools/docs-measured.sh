#!/usr/bin/env bash
# Keeps the numbers quoted in docs/ true. A measured block in a Markdown
# file looks like
#
#   <!-- measured by docs/measure/NAME.sh -->
#   | seeds | result |
#   |---|---|
#   | 1-50 | ... |
#   <!-- end measured -->
#
# and the script (run from the repository root with FAULTSIM set) prints
# exactly the lines between the two markers. Scripts use fixed seeds, so
# their output is the same on every machine.
#
#   tools/docs-measured.sh [FILE.md...]           # exit 1 and a diff if a block drifted
#   tools/docs-measured.sh --update [FILE.md...]  # rewrite the blocks from fresh runs
#   tools/docs-measured.sh --list [FILE.md...]    # the scripts, one per line
#
# Without files it reads README.md and docs/*.md. `make test` runs the check
# (tests/sh/t_docs_measured.sh), so a change that moves a number fails until
# the doc is updated with --update.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
: "${FAULTSIM:=build/faultsim}"
export FAULTSIM
mode=check
case "${1:-}" in
  --update) mode=update; shift ;;
  --list) mode=list; shift ;;
  -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
files=("$@")
[ ${#files[@]} -eq 0 ] && files=(README.md docs/*.md)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for f in "${files[@]}"; do
  grep -q '<!-- measured by ' "$f" || continue
  out="$tmp/new.md"
  : >"$out"
  script="" n=0
  while IFS= read -r line || [ -n "$line" ]; do
    if [ -z "$script" ]; then
      printf '%s\n' "$line" >>"$out"
      case "$line" in
        '<!-- measured by '*' -->')
          script=${line#'<!-- measured by '}; script=${script%' -->'}
          n=$((n + 1))
          [ -x "$script" ] || { echo "$f: block $n: $script is missing or not executable" >&2; exit 2; }
          if [ "$mode" = list ]; then echo "$script"; fi
          : >"$tmp/old"
          ;;
      esac
    else
      if [ "$line" = '<!-- end measured -->' ]; then
        if [ "$mode" != list ]; then
          if ! "$script" >"$tmp/fresh" 2>"$tmp/err"; then
            echo "$f: $script failed:" >&2; cat "$tmp/err" >&2; exit 2
          fi
          if [ "$mode" = check ] && ! diff -u --label "$f (as written)" --label "$script (measured now)" \
               "$tmp/old" "$tmp/fresh"; then
            status=1
          fi
          cat "$tmp/fresh" >>"$out"
        fi
        printf '%s\n' "$line" >>"$out"
        script=""
      else
        printf '%s\n' "$line" >>"$tmp/old"
        [ "$mode" = update ] || true
      fi
    fi
  done <"$f"
  [ -z "$script" ] || { echo "$f: a measured block has no '<!-- end measured -->'" >&2; exit 2; }
  if [ "$mode" = update ] && ! cmp -s "$f" "$out"; then
    cp "$out" "$f"; echo "updated $f"
  fi
done
if [ "$status" -ne 0 ]; then
  echo "docs drifted from fresh runs: re-run tools/docs-measured.sh --update and read the diff" >&2
fi
exit "$status"
