# A measure against a swept parameter, from `faultsim plot curve` (which
# writes the data and passes the arguments).
#
#   gnuplot -c plots/curve.gp data.tsv out.png|out.svg title xlabel ylabel titles analytic logx categorical
#
# Input: per series two blocks (gnuplot `index`): the points
# "x mean ci_lo ci_hi analytic label" and the analytic curve "x value" (a
# "nan nan" line when the series has none). `titles` is a word list of the
# series names ('a b' 'c'); `analytic`, `logx` and `categorical` are 0 or
# 1 (categorical: x is the position, the label its tic). Each series is
# its means joined by a line, with its 95% confidence intervals as error
# bars; its formula a dashed line of the same colour. The extension of the
# output picks the terminal: .svg draws SVG, anything else PNG.
if (ARGC < 9) {
  print "usage: gnuplot -c plots/curve.gp data.tsv out.png title xlabel ylabel titles analytic logx categorical"
  exit status 2
}
data = ARG1
titles = ARG6
analytic = int(ARG7)
logx = int(ARG8)
categorical = int(ARG9)
n = words(titles)

if (ARG2[strlen(ARG2) - 3:] eq ".svg") {
  set terminal svg size 900,620 dynamic enhanced font "sans,11" background rgb "white"
} else {
  set terminal pngcairo size 900,620 enhanced font "sans,10"
}
set output ARG2
set datafile separator "\t"
set datafile missing "nan"
set title ARG3 noenhanced
set xlabel ARG4 noenhanced
set ylabel ARG5 noenhanced
set key below vertical maxrows 4 noenhanced
set grid xtics ytics lc rgb "#dddddd"
set autoscale fix
set offsets graph 0.04, graph 0.04, graph 0.05, graph 0.05
if (logx) { set logscale x }
colors = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #8c564b #e377c2 #17becf"
color(i) = word(colors, (i - 1) % words(colors) + 1)
# On a log axis a short range would show one decade tic: label the swept
# values instead, as a categorical axis does.
if (logx) { set xtics (); set mxtics default }
if (categorical || logx) {
  plot for [i = 1:n] data index 2 * (i - 1) using 1:2:3:4:xtic(6) with yerrorlines lw 2 pt 7 lc rgb color(i) title word(titles, i), \
       for [i = 1:n] data index 2 * i - 1 using 1:(analytic ? $2 : NaN) with lines dt 2 lw 1.5 lc rgb color(i) title (analytic ? word(titles, i)." (analytic)" : "")
} else {
  plot for [i = 1:n] data index 2 * (i - 1) using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb color(i) title word(titles, i), \
       for [i = 1:n] data index 2 * i - 1 using 1:(analytic ? $2 : NaN) with lines dt 2 lw 1.5 lc rgb color(i) title (analytic ? word(titles, i)." (analytic)" : "")
}
