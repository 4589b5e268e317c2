# Keys per server of a consistent-hash ring, from `faultsim plot load`
# (which writes the data and passes the arguments).
#
#   gnuplot -c plots/load.gp data.tsv out.png|out.svg title after moves_title
#
# Input: one block "position server before after gained lost" ("nan" when
# unknown). Bars: keys per server before (blue) and, when `after` is 1,
# after the change (green), the mean of each as a dashed line; with
# `after`, a lower panel shows per server the keys gained (up) and lost
# (down), titled `moves_title`. The output's extension picks the terminal
# (.svg: SVG).
if (ARGC < 5) {
  print "usage: gnuplot -c plots/load.gp data.tsv out.png title after moves_title"
  exit status 2
}
data = ARG1
after = int(ARG4)
stats data using 1 nooutput
servers = STATS_records
width = (servers * 40 > 700) ? servers * 40 + 200 : 900
height = after ? 720 : 440
if (ARG2[strlen(ARG2) - 3:] eq ".svg") {
  set terminal svg size width, height dynamic enhanced font "sans,11" background rgb "white"
} else {
  set terminal pngcairo size width, height enhanced font "sans,10"
}
set output ARG2
set datafile separator "\t"
set datafile missing "nan"
set style fill solid 0.85 noborder
set grid ytics lc rgb "#dddddd"
set xrange [-0.6:servers - 0.4]
set xtics noenhanced
if (servers > 12) { set xtics rotate by -35 }
set key top right opaque box
bw = after ? 0.38 : 0.7
stats data using 3 nooutput
mean_before = STATS_mean
if (after) {
  stats data using 4 nooutput
  mean_after = STATS_mean
  set multiplot layout 2,1 title ARG3 noenhanced
  set title "keys (copies) per server" noenhanced
} else {
  set title ARG3 noenhanced
}
set ylabel "keys per server"
set yrange [0:*]
set xlabel "server"
if (after) {
  plot data using ($1 - bw / 2):3:(bw):xtic(2) with boxes lc rgb "#4a90c8" title "before", \
       data using ($1 + bw / 2):4:(bw) with boxes lc rgb "#5cb85c" title "after", \
       mean_before with lines dt 2 lw 1.5 lc rgb "#2c5d8a" title "mean before", \
       mean_after with lines dt 2 lw 1.5 lc rgb "#2e7d32" title "mean after"
  set title ARG5 noenhanced
  set ylabel "keys moved"
  set autoscale y
  set xzeroaxis lt -1
  plot data using 1:5:(0.7):xtic(2) with boxes lc rgb "#5cb85c" title "gained", \
       data using 1:(-$6):(0.7) with boxes lc rgb "#d9534f" title "lost"
  unset multiplot
} else {
  plot data using 1:3:(bw):xtic(2) with boxes lc rgb "#4a90c8" title "keys", \
       mean_before with lines dt 2 lw 1.5 lc rgb "#2c5d8a" title "mean"
}
