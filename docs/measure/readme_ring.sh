#!/usr/bin/env bash
# README "Consistent hashing": the figures it quotes from `faultsim ring
# --measure` (docs/ring.md has every table).
set -euo pipefail
"$FAULTSIM" ring --measure | awk -F'\t' '
  function floor(x) { return x < int(x) ? int(x) - 1 : int(x) }
  # x (> 0) to two significant digits, keeping a trailing zero (0.10)
  function sig2(x,   d) { d = 1 - floor(log(x) / log(10) + 1e-9); return sprintf("%.*f", d < 0 ? 0 : d, x) }
  /^# balance:/ { part = 1; split($0, w, " "); servers = w[3]; keys = w[5]; next }
  /^# keys moved/ { part = 2; next }
  part == 1 && $1 == "vnodes" && ($2 == 10 || $2 == 100 || $2 == 1000) { spread[$2] = $4 }
  part == 2 && ($1 == "ketama" || $1 == "vnodes" || $1 == "jump" || $1 == "rendezvous") {
    if (lo == "" || $3 < lo) lo = $3; if (hi == "" || $3 > hi) hi = $3 }
  part == 2 && $1 == "modulo" { modulo = $3 }
  END {
    printf "Measured with `--measure` (%d servers, 10^%d keys): with v virtual nodes per\n", servers, log(keys) / log(10) + 0.5
    printf "server the spread of load (stddev/mean) is %s, %s and %s for v = 10,\n", sig2(spread[10]), sig2(spread[100]), sig2(spread[1000])
    printf "100 and 1000, against 1/√v = %s, %s, %s; adding an 11th server to 10\n", sig2(1 / sqrt(10)), sig2(1 / sqrt(100)), sig2(1 / sqrt(1000))
    printf "moves %.1f–%.1f%% of keys for the ring, jump and rendezvous (ideal 1/11 =\n", 100 * lo, 100 * hi
    printf "%.2f%%) and %.1f%% for modulo. Details and every table:\n", 100 / 11, 100 * modulo
    print "[docs/ring.md](docs/ring.md)."
  }'
