# Availability over time from `faultsim run SCENARIO --csv FILE`.
#
#   gnuplot -c plots/availability.gp data.csv out.png ["title"]
#
# Input: CSV with header t_start_s,t_end_s,invoked,ok,availability (one row
# per window; an empty availability means nothing was invoked in that window
# and is drawn as a gap). Each window is a bar from t_start_s to t_end_s at
# its availability (left axis, 0..1), the rest of the window up to 1 in red
# (operations that were not ok), and a window with nothing invoked is left
# blank; the operations invoked per window are a line on the right axis.
if (ARGC < 2) {
  print "usage: gnuplot -c plots/availability.gp data.csv out.png [title]"
  exit status 2
}
data = ARG1
title = (ARGC >= 3) ? ARG3 : data

set terminal pngcairo size 1000,420 enhanced font "sans,10"
set output ARG2
set datafile separator ","
set key outside top center horizontal
set title title noenhanced
set xlabel "simulated time (s)"
set ylabel "availability (ok / invoked)"
set y2label "operations invoked per window"
set yrange [0:1]
set xrange [0:*]
set autoscale xfixmax
set offsets 0, 0, 0.04, 0
set y2range [0:*]
set ytics 0.1 nomirror
set y2tics
set grid ytics xtics
set style fill solid 0.7 noborder

# Skip the header; empty fields are missing values, so such rows draw nothing.
# boxxyerror columns: x, y, xlow, xhigh, ylow, yhigh.
plot data every ::1 using (($1 + $2) / 2):($5 / 2):1:2:(0):5 with boxxyerror lc rgb "#4a90c8" title "ok", \
     data every ::1 using (($1 + $2) / 2):(($5 + 1) / 2):1:2:5:(1) with boxxyerror lc rgb "#f2b8b5" title "not ok", \
     data every ::1 using (($1 + $2) / 2):3 axes x1y2 with linespoints lc rgb "#c0504d" pt 7 ps 0.5 title "invoked"
