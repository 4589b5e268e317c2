#!/usr/bin/env bash
# `make soak`: what is too long for `make test`. Every scenario over many
# seeds (SOAK_SEEDS, default 1-1000), one `faultsim check` per scenario,
# then every tests/soak/*.sh piece (fuzz runs and other long checks), each
# with FAULTSIM set. Results go to stdout (check's PASS/FAIL line per
# scenario); progress goes to stderr as each part finishes: its number, how
# long it took, and the time so far. Exit 1 if any part failed, 2 if one
# could not run.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
: "${FAULTSIM:=build/faultsim}"
export FAULTSIM ROOT="$root"
seeds=${SOAK_SEEDS:-1-1000}
jobs=$(nproc 2>/dev/null || echo 2)
status=0
# worst RC: 2 (could not run) outranks 1 (failed) outranks 0.
worst() { if [ "$1" -eq 2 ] || { [ "$1" -eq 1 ] && [ "$status" -ne 2 ]; }; then status=$1; fi; }

# The files `faultsim check scenarios` runs: every .lua below the folder,
# none under a file or folder whose name starts with "_", and no lab's
# tests.lua (grade's test list; tests/soak/labs_grade.sh grades the labs).
mapfile -t files < <(find "${SOAK_SCENARIOS:-scenarios}" -name '*.lua' | grep -v '/_' | grep -v '/tests\.lua$' | LC_ALL=C sort)
# shellcheck disable=SC2206 # the glob is meant to expand
pieces=(${SOAK_PIECES:-tests/soak/*.sh})
{ [ ${#pieces[@]} -gt 0 ] && [ -e "${pieces[0]}" ]; } || pieces=()
total=$(( ${#files[@]} + ${#pieces[@]} ))
out=$(mktemp)
trap 'rm -f "$out"' EXIT
began=$SECONDS done=0 failed=0
progress() { # PART SECONDS RC
  done=$((done + 1))
  [ "$3" -eq 0 ] || failed=$((failed + 1))
  printf 'soak: [%*d/%d] %-46s %4ds  %s  (%dm%02ds so far)\n' "${#total}" "$done" "$total" "$1" "$2" \
    "$([ "$3" -eq 0 ] && echo ok || echo "FAILED, exit $3")" $(( (SECONDS - began) / 60 )) $(( (SECONDS - began) % 60 )) >&2
}

echo "soak: ${#files[@]} scenarios over seeds $seeds on $jobs jobs, then ${#pieces[@]} long checks" >&2
for f in "${files[@]}"; do
  t0=$SECONDS
  rc=0
  "$FAULTSIM" check --jobs "$jobs" --seeds "$seeds" "$f" >"$out" || rc=$?
  grep -v '^[0-9]* passed, [0-9]* failed$' "$out" || true
  worst "$rc"
  progress "$f" $((SECONDS - t0)) "$rc"
done
for piece in "${pieces[@]}"; do
  t0=$SECONDS
  rc=0
  echo "== $piece"
  bash "$piece" || rc=$?
  worst "$rc"
  progress "$piece" $((SECONDS - t0)) "$rc"
done
echo "soak: $((total - failed)) of $total parts passed in $(( (SECONDS - began) / 60 ))m$(( (SECONDS - began) % 60 ))s"
exit "$status"
