#!/usr/bin/env bash
# Runs one scenario over a range of seeds, one faultsim process per seed,
# so that an assert() inside a real library (models/libraft/: libraft
# aborts the process on a failed assertion) ends only that seed's run and
# is recorded instead of ending the sweep. Prints one line per outcome
# (held, violated, bad input/budget, undecided, or killed by a signal:
# abort = SIGABRT, segfault = SIGSEGV) with its count and up to 10 seeds,
# then for the first seed of each outcome that left a report of its own
# (violated, bad input, undecided) the last lines of its output.
#
#   FAULTSIM=build/faultsim tools/libraft-explore.sh SCENARIO FIRST LAST [faultsim run options...]
#   JOBS=N runs N seeds at a time (default 2).
set -u
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
if [ $# -lt 3 ]; then
  echo "usage: FAULTSIM=... $0 SCENARIO FIRST LAST [run options...]" >&2
  exit 2
fi
scenario=$1 first=$2 last=$3
shift 3
jobs=${JOBS:-2}
out=$(mktemp -d "${TMPDIR:-/tmp}/libraft-explore.XXXXXX")
trap 'rm -rf "$out"' EXIT
export FAULTSIM scenario out
# One seed: its exit status in $out/rc.SEED, its output in $out/log.SEED.
# A sanitizer build reports a crash and exits 1: that is counted as the
# signal the plain build dies of, so both builds give the same summary.
run_one() {
  "$FAULTSIM" run "$scenario" --seed "$1" "${@:2}" >"$out/log.$1" 2>&1
  local rc=$?
  if [ "$rc" = 1 ] && grep -q "Sanitizer: SEGV" "$out/log.$1"; then rc=139; fi
  if [ "$rc" = 1 ] && grep -q "Sanitizer: ABRT" "$out/log.$1"; then rc=134; fi
  echo "$rc" >"$out/rc.$1"
}
export -f run_one
# (bash itself reports a child killed by a signal on its stderr: the
# outcome is read from the rc file instead.)
seq "$first" "$last" | xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ {} "$@" 2>/dev/null
name_of() {
  case $1 in
    0) echo held ;; 1) echo violated ;; 2) echo "bad input or budget" ;; 3) echo undecided ;;
    134) echo "abort (SIGABRT: a failed assert)" ;; 139) echo "segfault (SIGSEGV)" ;;
    *) if [ "$1" -gt 128 ]; then echo "signal $(( $1 - 128 ))"; else echo "exit $1"; fi ;;
  esac
}
total=0
declare -A count seeds
for s in $(seq "$first" "$last"); do
  rc=$(cat "$out/rc.$s" 2>/dev/null || echo 255)
  total=$((total + 1))
  count[$rc]=$(( ${count[$rc]:-0} + 1 ))
  if [ "$(echo "${seeds[$rc]:-}" | wc -w)" -lt 10 ]; then seeds[$rc]="${seeds[$rc]:-} $s"; fi
done
echo "$scenario seeds $first-$last: $total runs"
for rc in $(printf '%s\n' "${!count[@]}" | sort -n); do
  echo "  $(name_of "$rc"): ${count[$rc]} (seeds:${seeds[$rc]})"
done
for rc in $(printf '%s\n' "${!count[@]}" | sort -n); do
  # Held runs have nothing to show; a process killed by a signal (or a
  # sanitizer's report of one) printed nothing the same in every build.
  if [ "$rc" = 0 ] || [ "$rc" -gt 128 ]; then continue; fi
  s=$(echo "${seeds[$rc]}" | awk '{print $1}')
  echo "--- seed $s ($(name_of "$rc")), last lines:"
  tail -n 8 "$out/log.$s"
done
