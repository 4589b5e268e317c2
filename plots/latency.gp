# Latency per operation kind, from `faultsim plot latency` (which writes
# the data and passes the arguments).
#
#   gnuplot -c plots/latency.gp data.tsv out.png|out.svg title titles window_ms
#
# Input: per kind two blocks (gnuplot `index`): its CDF "latency_ms
# fraction" and its percentiles per window of invocation time "t_mid_s
# p50_ms p99_ms". `titles` is a word list of the kinds ('read (120 ok)'
# ...). Left: the CDFs on a log latency axis; right: each kind's median
# (solid) and 99th percentile (dashed) over time. The output's extension
# picks the terminal (.svg: SVG).
if (ARGC < 5) {
  print "usage: gnuplot -c plots/latency.gp data.tsv out.png title titles window_ms"
  exit status 2
}
data = ARG1
titles = ARG4
n = words(titles)
if (ARG2[strlen(ARG2) - 3:] eq ".svg") {
  set terminal svg size 1100,480 dynamic enhanced font "sans,11" background rgb "white"
} else {
  set terminal pngcairo size 1100,480 enhanced font "sans,10"
}
set output ARG2
set datafile separator "\t"
set datafile missing "nan"
colors = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #8c564b #e377c2 #17becf"
color(i) = word(colors, (i - 1) % words(colors) + 1)
set multiplot layout 1,2 title ARG3 noenhanced
set grid xtics ytics mxtics lc rgb "#dddddd"
set key bottom right opaque box noenhanced

set title "CDF of the latency of ok operations" noenhanced
set logscale x
set xlabel "latency (ms, log scale)"
set ylabel "fraction of ok operations"
set yrange [0:1.02]
plot for [i = 1:n] data index 2 * (i - 1) using 1:2 with steps lw 2 lc rgb color(i) title word(titles, i)

set title sprintf("median (solid) and 99th percentile (dashed) per %s ms of invocation time", ARG5) noenhanced
unset logscale x
set logscale y
set autoscale y
set xlabel "simulated time (s)"
set ylabel "latency (ms, log scale)"
set key top right
plot for [i = 1:n] data index 2 * i - 1 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb color(i) title word(titles, i)." p50", \
     for [i = 1:n] data index 2 * i - 1 using 1:3 with lines dt 2 lw 1.5 lc rgb color(i) title word(titles, i)." p99"
unset multiplot
