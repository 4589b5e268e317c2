# One run over time, from `faultsim plot timeline` (which writes the data
# and passes the arguments).
#
#   gnuplot -c plots/timeline.gp data.tsv out.png|out.svg title rows window_ms end_s
#
# Input blocks (gnuplot `index`): 0 windows "t_start_s t_end_s ok fail
# info"; 1 rows "y name"; bands "y t_from_s t_to_s": 2 crashed, 3 paused,
# 4 link cut, 5 partitioned; 6 clock changes "y t_s". Above: the operations
# completed per window, stacked ok (blue), fail (red), info (amber). Below,
# one row per node with a fault (y = 0 at the top): its intervals as
# shaded bands, as Jepsen shades nemesis activity. `rows` = 0 draws the
# upper panel only. The output's extension picks the terminal (.svg: SVG).
if (ARGC < 6) {
  print "usage: gnuplot -c plots/timeline.gp data.tsv out.png title rows window_ms end_s"
  exit status 2
}
data = ARG1
rows = int(ARG4)
end = real(ARG6)
top_px = 330
row_px = 26
band_px = (rows > 0) ? 70 + row_px * rows : 0
height = top_px + band_px + 90
if (ARG2[strlen(ARG2) - 3:] eq ".svg") {
  set terminal svg size 1000, height dynamic enhanced font "sans,11" background rgb "white"
} else {
  set terminal pngcairo size 1000, height enhanced font "sans,10"
}
set output ARG2
set datafile separator "\t"
set datafile missing "nan"
set multiplot title ARG3 noenhanced
left = 0.1
right = 0.97
set lmargin at screen left
set rmargin at screen right
set xrange [0:end]
set grid xtics ytics lc rgb "#dddddd"
set style fill solid 0.85 noborder

# Upper panel: operations completed per window.
set tmargin at screen 1 - 62.0 / height
set bmargin at screen 1 - (top_px - 10.0) / height
set ylabel sprintf("operations completed per %s ms", ARG5) noenhanced
set yrange [0:*]
set key at screen right, screen 1 - 30.0 / height right top horizontal samplen 1.5
if (rows == 0) { set xlabel "simulated time (s)" } else { set format x ""; unset xlabel }
plot data index 0 using (($1 + $2) / 2):($3 / 2):1:2:(0):3 with boxxyerror lc rgb "#4a90c8" title "ok", \
     data index 0 using (($1 + $2) / 2):($3 + $4 / 2):1:2:3:($3 + $4) with boxxyerror lc rgb "#d9534f" title "fail", \
     data index 0 using (($1 + $2) / 2):($3 + $4 + $5 / 2):1:2:($3 + $4):($3 + $4 + $5) with boxxyerror lc rgb "#f0ad4e" title "info"

# Lower panel: the faults, one row per node.
if (rows > 0) {
  set tmargin at screen 1 - (top_px + 5.0) / height
  set bmargin at screen 80.0 / height
  set format x "%g"
  set xlabel "simulated time (s)"
  unset ylabel
  set yrange [rows - 0.5:-0.5]
  set ytics scale 0
  set grid noytics
  set key at screen 0.5, screen 6.0 / height center bottom horizontal samplen 1.5
  h = 0.36
  plot data index 1 using (0):1:ytic(2) with points ps 0 notitle, \
       data index 2 using (($2 + $3) / 2):1:2:3:($1 - h):($1 + h) with boxxyerror lc rgb "#c0392b" title "crashed", \
       data index 3 using (($2 + $3) / 2):1:2:3:($1 - h):($1 + h) with boxxyerror lc rgb "#e67e22" title "paused", \
       data index 4 using (($2 + $3) / 2):1:2:3:($1 - h / 2):($1 + h / 2) with boxxyerror lc rgb "#8e44ad" title "link cut", \
       data index 5 using (($2 + $3) / 2):1:2:3:($1 - h):($1 + h) with boxxyerror lc rgb "#7f8c8d" title "partitioned", \
       data index 6 using 2:1 with points pt 9 ps 1.3 lc rgb "#16a085" title "clock jump / drift"
}
unset multiplot
