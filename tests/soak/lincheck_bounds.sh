#!/usr/bin/env bash
# Wall-clock bounds of `faultsim lincheck`, too noisy for `make test`:
# --timeout 2 on a history it cannot decide must end within 2.5 s (the
# verdict is printed before the search memory is freed; it used to take
# 4.6 s), and a key with 30,000 timed-out puts, 30,000 reads and an append
# must be prepared in seconds (the drop rule for puts used to compare every
# put with every read: 22 s). Exit 1 if a bound is missed.
set -u
: "${FAULTSIM:?set FAULTSIM to the faultsim binary}"
root=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# elapsed_ms CMD...: runs CMD (output to $tmp/out), prints milliseconds taken.
elapsed_ms() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >"$tmp/out" 2>&1
  echo "$?" >"$tmp/rc"
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}

grep ':key 0,' "$root/tests/data/lincheck/kv_hard_first.edn" >"$tmp/hard.edn"
ms=$(elapsed_ms "$FAULTSIM" lincheck --model register --timeout 2 "$tmp/hard.edn")
echo "lincheck --timeout 2 on an undecidable key: exit $(cat "$tmp/rc") after $ms ms: $(head -c 120 "$tmp/out")"
[ "$(cat "$tmp/rc")" = 3 ] || { echo "FAIL: expected exit 3" >&2; status=1; }
[ "$ms" -lt 2500 ] || { echo "FAIL: --timeout 2 took $ms ms (bound 2500)" >&2; status=1; }

awk 'BEGIN {
  n = 30000
  print "{:process 0, :type :invoke, :f :append, :key 1, :value \"z\"}"
  print "{:process 0, :type :ok, :f :append, :key 1, :value \"z\"}"
  for (i = 0; i < n; i++) {
    printf "{:process %d, :type :invoke, :f :put, :key 1, :value \"v%d\"}\n", i + 1, i
    printf "{:process %d, :type :info, :f :put, :key 1, :value \"v%d\"}\n", i + 1, i
  }
  for (i = 0; i < n; i++) {
    print "{:process 0, :type :invoke, :f :get, :key 1, :value nil}"
    print "{:process 0, :type :ok, :f :get, :key 1, :value \"z\"}"
  }
}' >"$tmp/appends.edn"
ms=$(elapsed_ms "$FAULTSIM" lincheck --model kv "$tmp/appends.edn")
echo "lincheck on 30,000 info puts and reads of one appended key: exit $(cat "$tmp/rc") after $ms ms"
[ "$(cat "$tmp/rc")" = 0 ] || { echo "FAIL: expected exit 0: $(cat "$tmp/out")" >&2; status=1; }
[ "$ms" -lt 5000 ] || { echo "FAIL: took $ms ms (bound 5000)" >&2; status=1; }
exit "$status"
