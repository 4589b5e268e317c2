# A space-time (message sequence) diagram from `faultsim spacetime`.
#
#   gnuplot -c plots/spacetime.gp data.tsv out.png ["title"]
#
# One column per node, simulated time running down (milliseconds); an arrow
# per delivered message from its send to its delivery, labelled with the
# message type; a dashed stub ending in a cross for a message that was lost
# (link cut, loss, or a crashed receiver); red marks where a node crashed,
# green where it restarted, orange where it paused and resumed, purple
# triangles for protocol events with their fields.
if (ARGC < 2) {
  print "usage: gnuplot -c plots/spacetime.gp data.tsv out.png [title]"
  exit status 2
}
data = ARG1
title = (ARGC >= 3) ? ARG3 : data
set datafile separator "\t"
set datafile missing "nan"

stats data index 0 using 1 nooutput
nodes = STATS_max + 1
stats data index 0 using 3 nooutput
tmin = STATS_min
stats data index 0 using 4 nooutput
tmax = STATS_max
pad = (tmax - tmin) * 0.03 + 0.001

set terminal pngcairo size (nodes < 4 ? 600 : 150 * nodes), 900 enhanced font "sans,9"
set output ARG2
set title title noenhanced
set xrange [-0.5:nodes - 0.5]
set yrange [tmax + pad:tmin - pad]
set ylabel "simulated time (ms)"
set xtics scale 0
set x2tics scale 0
unset xtics
set grid y lc rgb "#eeeeee"
unset key
set style arrow 1 head filled size screen 0.008,15 lw 1 lc rgb "#1f77b4"
set style arrow 2 nohead lw 1 dt 2 lc rgb "#d62728"

plot data index 0 using 1:(tmin - pad):(0):(tmax - tmin + 2 * pad):x2tic(2) with vectors nohead lc rgb "#999999" lw 2, \
     data index 1 using 1:2:3:4 with vectors arrowstyle 1, \
     data index 1 using ($1 + $3 / 2):($2 + $4 / 2):5 with labels font "sans,7" tc rgb "#1f3f6f" offset 0,0.4 noenhanced, \
     data index 2 using 1:2:(($3 - $1) * 0.45):(0) with vectors arrowstyle 2, \
     data index 2 using ($1 + ($3 - $1) * 0.45):2 with points pt 2 ps 1.2 lc rgb "#d62728", \
     data index 2 using ($1 + ($3 - $1) * 0.45):2:(strcol(4)." lost (".strcol(5).")") with labels font "sans,7" tc rgb "#d62728" offset 0,-0.6 noenhanced, \
     data index 3 using 1:(strcol(3) eq "crash" ? $2 : 1/0) with points pt 7 ps 1.6 lc rgb "#d62728", \
     data index 3 using 1:(strcol(3) eq "restart" ? $2 : 1/0) with points pt 7 ps 1.6 lc rgb "#2ca02c", \
     data index 3 using 1:(strcol(3) eq "pause" || strcol(3) eq "resume" ? $2 : 1/0) with points pt 5 ps 1.2 lc rgb "#ff7f0e", \
     data index 3 using 1:(strcol(3) ne "crash" && strcol(3) ne "restart" && strcol(3) ne "pause" && strcol(3) ne "resume" ? $2 : 1/0) with points pt 9 ps 1.2 lc rgb "#9467bd", \
     data index 3 using 1:2:3 with labels font "sans,8" left offset 1,0 tc rgb "#444444" noenhanced
