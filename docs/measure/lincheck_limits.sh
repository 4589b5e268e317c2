#!/usr/bin/env bash
# docs/lincheck.md, "Formats": the input limits, read from the constants in
# sim/check/history_read.h, and two refusals showing them at work.
set -u
: "${FAULTSIM:=build/faultsim}"
h=sim/check/history_read.h
awk '
  # The numbers of a constant expression "((gsize) A << B)", as A * 2^B.
  function value(line,    code, n, x) {
    code = line; sub(/\/\*.*/, "", code); sub(/^#define [A-Z_]+/, "", code)
    gsub(/[^0-9]+/, " ", code); n = split(code, x, " ")
    return n == 1 ? x[1] : x[1] * 2 ^ x[2]
  }
  /^#define HISTORY_MAX_DEPTH / { depth = value($0) }
  /^#define HISTORY_MAX_LINE / { line_mib = value($0) / 2 ^ 20 }
  /^#define HISTORY_MAX_FILE / { file_gib = value($0) / 2 ^ 30 }
  END {
    print "| limit | value |"
    print "|---|---|"
    printf "| nesting of values inside an operation | %d levels |\n", depth
    printf "| one line (json, jepsen-log; EDN is read in place across lines) | %d MiB |\n", line_mib
    printf "| one file | %d GiB |\n", file_gib
  }' "$h"
echo
echo '```'
echo "\$ { printf '{:process 1, :value '; head -c 65 /dev/zero | tr '\\0' '['; echo; } | faultsim lincheck --model register /dev/stdin"
{ printf '{:process 1, :value '; head -c 65 /dev/zero | tr '\0' '['; echo; } | "$FAULTSIM" lincheck --model register /dev/stdin 2>&1
echo "exit ${PIPESTATUS[1]}"
echo "\$ head -c 20000000 /dev/zero | tr '\\0' ' ' | faultsim lincheck --model register --format jepsen-log /dev/stdin"
head -c 20000000 /dev/zero | tr '\0' ' ' | "$FAULTSIM" lincheck --model register --format jepsen-log /dev/stdin 2>&1
echo "exit ${PIPESTATUS[2]}"
echo '```'
