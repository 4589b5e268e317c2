# The README's commands write their example files under build/ (issue 10,
# point 32), so following the tour leaves nothing untracked at the top of
# the repository; and .gitignore covers what a user writes there anyway.
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"
# Every --trace/--history/--csv in a command the README shows names a file
# under build/.
bad=$(grep -nE '^(build/)?faultsim ' README.md | grep -oE -- '--(trace|history|csv) [^ `]+' |
      grep -vE -- '--(trace|history|csv) build/' || true)
[ -z "$bad" ] || fail "README examples write outside build/: $bad"
for pattern in '/\*.jsonl' '/\*.csv' '\.\*\.faultsim-tmp'; do
  grep -qx "$pattern" .gitignore || fail ".gitignore lacks $pattern"
done
