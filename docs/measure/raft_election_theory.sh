#!/usr/bin/env bash
# The election-time derivation of docs/raft.md, computed: with no split
# vote, the time from the leader's crash to a new leader is
#   X = M - a + d + R
# M the minimum of the k = 4 live followers' uniform timeouts [L, U] after
# the last heartbeat reached them, a the uniform [0, h) part of a heartbeat
# interval between that heartbeat's send and the crash, d the heartbeat's
# one-way delay and R the vote round trip (d + R taken at their means, 7.5
# + 15 ms). Mean: L + (U - L)/(k + 1) - h/2 + d + R; quantiles by bisection
# on P(M - a <= x) = (1/h) * integral over [0, h) of F_M(x + a) da, with
# F_M(m) = 1 - ((U - m)/(U - L))^k. Prints the line for
# the paper's setting (150-300 ms, heartbeat 75 ms).
set -euo pipefail
theory() { # L U h
  awk -v L="$1" -v U="$2" -v h="$3" -v k=4 -v c=22.5 '
    function FM(m) { if (m <= L) return 0; if (m >= U) return 1; return 1 - ((U - m) / (U - L)) ^ k }
    function F(x,   i, s, n) { n = 2000; s = 0; for (i = 0; i < n; i++) s += FM(x - c + (i + 0.5) * h / n); return s / n }
    function q(p,   lo, hi, mid, j) { lo = 0; hi = 2 * U + c; for (j = 0; j < 60; j++) { mid = (lo + hi) / 2; if (F(mid) < p) lo = mid; else hi = mid } return mid }
    BEGIN {
      printf "- timeouts %d-%d ms, heartbeat %d ms: mean %.1f ms, median %.1f ms, p99 %.1f ms; never under %.1f ms (L - h + 3 x 5 ms) nor over %.1f ms (U + 3 x 10 ms)\n",
        L, U, h, L + (U - L) / (k + 1) - h / 2 + c, q(0.5), q(0.99), L - h + 15, U + 30
    }'
}
theory 150 300 75
