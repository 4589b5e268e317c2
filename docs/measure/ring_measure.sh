#!/usr/bin/env bash
# docs/ring.md: the balance and keys-moved tables of `faultsim ring
# --measure`, with the figures the text around them quotes.
set -euo pipefail
"$FAULTSIM" ring --measure | awk -F'\t' '
  function commas(n,   s) { s = sprintf("%d", n); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9](,|$)/, ",&", s); return s }
  /^# balance:/ { part = 1; split($0, w, " "); servers = w[3]; keys = w[5]
    print "From `faultsim ring --measure` (" servers " servers, " commas(keys) " keys `key-0`...,"
    print "xxh64; stddev/mean is the population coefficient of variation):"
    print ""
    print "| algo       | vnodes | ring stddev/mean | keys stddev/mean | keys max/mean | 1/√v |"
    print "|------------|--------|------------------|------------------|---------------|------|"
    next }
  /^# keys moved/ { part = 2; split($0, w, " "); moved_keys = w[10]
    print ""
    printf "(1/√v is the expected ring spread, added here for comparison; for jump,\n"
    printf "rendezvous and modulo the spread is the key-sampling noise, √(n/K) = %.2f.)\n", sqrt(servers / keys)
    print ""
    printf "Keys moved when an 11th server joins 10 (%s keys; ideal K/11 = %s\n", commas(moved_keys), commas(moved_keys / 11 + 0.5)
    printf "for consistent algorithms, K·10/11 = %s for modulo):\n", commas(moved_keys * 10 / 11 + 0.5)
    print ""
    print "| algo       | moved  | fraction | moved to an old server |"
    print "|------------|--------|----------|-----------------------|"
    next }
  /^algo/ || /^$/ { next }
  part == 1 {
    v = $2; if ($1 == "bounded") v = $2 " (ε=0.25)"
    inv = ($2 ~ /^[0-9]+$/ && $1 != "bounded") ? sprintf("%.3g", 1 / sqrt($2)) : ""
    printf "| %-10s | %s | %s | %s | %s | %s |\n", $1, (v == "-" ? "–" : v), ($3 == "-" ? "–" : $3), $4, $5, inv
  }
  part == 2 { printf "| %-10s | %s | %s | %s |\n", $1, commas($2), $3, commas($4) }'
