# Two sweeps' results on one picture: measured availability
# (mean ± standard error over seeds) against the swept parameter, each with
# a dashed line for a formula column the scenario reported as a metric.
#
#   gnuplot -c plots/compare.gp a.csv "label a" formula_a b.csv "label b" formula_b out.png "title" "x label"
#
# Input: no header, columns PARAM,availability mean,its standard error,formula
# (tools/availability-curve.sh picks them by name from `faultsim sweep --csv`).
if (ARGC < 9) {
  print "usage: gnuplot -c plots/compare.gp a.csv label_a formula_a b.csv label_b formula_b out.png title xlabel"
  exit status 2
}
set terminal pngcairo size 900,520 enhanced font "sans,10"
set output ARG7
set datafile separator ","
set key bottom left box opaque
set title ARG8 noenhanced
set xlabel ARG9 noenhanced
set ylabel "availability (ok / invoked)"
set yrange [0:1.02]
set xrange [0:*]
set grid ytics lc rgb "#dddddd"
plot ARG1 using 1:2:3 with yerrorlines lw 2 pt 7 lc rgb "#1f77b4" title ARG2." (measured)", \
     ARG1 using 1:4 with lines dt 2 lw 1 lc rgb "#1f77b4" title ARG2." (".ARG3.")", \
     ARG4 using 1:2:3 with yerrorlines lw 2 pt 5 lc rgb "#d62728" title ARG5." (measured)", \
     ARG4 using 1:4 with lines dt 2 lw 1 lc rgb "#d62728" title ARG5." (".ARG6.")"
