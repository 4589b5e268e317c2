# Latency and availability against offered load, from
# `faultsim capacity ... --csv FILE` (tools/plot-capacity.sh runs both).
#
#   gnuplot -c plots/capacity.gp data.csv out.png [title [capacity [theory]]]
#
# Input: the capacity CSV (a row per probe; columns looked up by name:
# rate, pass, availability, p99_ms and, when `theory` is 1, theory_p99_ms).
# Each probe's p99 latency is a point on the left axis (log scale): blue
# where the probe met every SLO, red where it broke one; its availability a
# grey cross on the right axis. With `theory` = 1 the scenario's analytic
# p99 (the theory_p99_ms metric it declares) is a line through the probed
# rates; a `capacity` (a number) is a dashed vertical line.
if (ARGC < 2) {
  print "usage: gnuplot -c plots/capacity.gp data.csv out.png [title [capacity [theory]]]"
  exit status 2
}
data = ARG1
title = (ARGC >= 3) ? ARG3 : data
capacity = (ARGC >= 4 && strlen(ARG4) > 0) ? real(ARG4) : NaN
theory = (ARGC >= 5) ? int(ARG5) : 0

set terminal pngcairo size 1000,460 enhanced font "sans,10"
set output ARG2
set datafile separator ","
set datafile columnheaders
set key outside top center horizontal
set title title noenhanced
set xlabel "offered load (the searched rate parameter, per second)"
set ylabel "p99 latency of ok operations (ms)"
set y2label "availability (ok / invoked)"
set logscale y
set y2range [0:1.05]
set ytics 2 nomirror
set y2tics 0.1
set grid xtics ytics
set xrange [0:*]
if (capacity == capacity) {
  set arrow from capacity, graph 0 to capacity, graph 1 nohead dt 2 lw 1.5 lc rgb "#333333"
  set label sprintf("capacity %.4g", capacity) at capacity, graph 0.95 offset 0.5, 0 noenhanced
}

ok(x) = column("pass") == 1 ? x : NaN
broke(x) = column("pass") == 1 ? NaN : x
if (theory) {
  plot data using (column("rate")):(ok(column("p99_ms"))) with points pt 7 ps 0.8 lc rgb "#4a90c8" title "p99, met every SLO", \
       data using (column("rate")):(broke(column("p99_ms"))) with points pt 7 ps 0.8 lc rgb "#c0504d" title "p99, broke an SLO", \
       data using (column("rate")):(column("theory_p99_ms")) smooth unique with lines lw 2 lc rgb "#2e7d32" title "p99, analytic", \
       data using (column("rate")):(column("availability")) axes x1y2 with points pt 2 ps 0.8 lc rgb "#888888" title "availability"
} else {
  plot data using (column("rate")):(ok(column("p99_ms"))) with points pt 7 ps 0.8 lc rgb "#4a90c8" title "p99, met every SLO", \
       data using (column("rate")):(broke(column("p99_ms"))) with points pt 7 ps 0.8 lc rgb "#c0504d" title "p99, broke an SLO", \
       data using (column("rate")):(column("availability")) axes x1y2 with points pt 2 ps 0.8 lc rgb "#888888" title "availability"
}
