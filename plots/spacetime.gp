# A space-time (message sequence) diagram from `faultsim spacetime`.
#
#   gnuplot -c plots/spacetime.gp data.tsv out.png ["title"]
#
# One column per node, simulated time running down (milliseconds); an arrow
# per delivered message from its send to its delivery; a lost message as a
# short dashed stub from its sender ending in a cross, labelled with the
# receiver it was meant for; red dots where a node crashed, green where it
# restarted, orange squares where it paused and resumed, purple triangles
# for protocol events. Labels come placed by `faultsim spacetime` so that
# none overprints another; one moved away from its point gets a thin
# leader line. Idle stretches are drawn shorter than they are: each is a
# grey band saying how long it really was, and the time axis is labelled
# with real times at the ends of every band. A legend below says what each
# mark means.
#
# The page is laid out to the pixel sizes sim/cli/spacetime_layout.h
# assumes: 170 px per node column and 760 px of time axis.
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
span = (tmax - tmin > 0) ? tmax - tmin : 1
pad = span * 0.02

col_px = 170; plot_px = 760
left_px = 80; right_px = 30; top_px = 70; bottom_px = 110
width = nodes * col_px + left_px + right_px
height = plot_px + top_px + bottom_px
# The output's extension picks the terminal: .svg draws SVG, else PNG.
if (ARG2[strlen(ARG2) - 3:] eq ".svg") {
  set terminal svg size width, height dynamic enhanced font "sans,9" background rgb "white"
} else {
  set terminal pngcairo size width, height enhanced font "sans,9"
}
set output ARG2
set lmargin at screen left_px * 1.0 / width
set rmargin at screen 1 - right_px * 1.0 / width
set tmargin at screen 1 - top_px * 1.0 / height
set bmargin at screen bottom_px * 1.0 / height
set title title noenhanced
# The padding is inside the 760 px the layout counted as the time axis.
set xrange [-0.5:nodes - 0.5]
set yrange [tmax + pad:tmin - pad]
set ylabel "simulated time (ms; grey bands are shortened)"
set x2tics scale 0
unset xtics
set grid y lc rgb "#eeeeee"
set key below horizontal samplen 2 spacing 1.2 font "sans,8"
set style arrow 1 head filled size screen 0.008,15 lw 1 lc rgb "#1f77b4"
set style arrow 2 nohead lw 1.2 dt 2 lc rgb "#d62728"
set style arrow 3 nohead lw 0.5 lc rgb "#bbbbbb"

plot data index 6 using (0):(($1 + $2) / 2):(-0.5):(nodes - 0.5):1:2 with boxxyerror fs solid 0.35 noborder lc rgb "#dddddd" title "idle, drawn shorter", \
     data index 6 using (nodes - 0.52):(($1 + $2) / 2):3 with labels right font "sans,7" tc rgb "#777777" noenhanced notitle, \
     data index 5 using (-10):1:ytic(3) with points ps 0 notitle, \
     data index 0 using 1:(tmin - pad):(0):(tmax - tmin + 2 * pad):x2tic(2) with vectors nohead lc rgb "#999999" lw 2 notitle, \
     data index 1 using 1:2:3:4 with vectors arrowstyle 1 title "message delivered", \
     data index 2 using 1:2:6:(0) with vectors arrowstyle 2 notitle, \
     data index 2 using ($1 + $6):2 with points pt 2 ps 1.4 lw 2 lc rgb "#d62728" title "message lost (x at the sender)", \
     data index 3 using 1:(strcol(3) eq "crash" ? $2 : 1/0) with points pt 7 ps 1.5 lc rgb "#d62728" title "crash", \
     data index 3 using 1:(strcol(3) eq "restart" ? $2 : 1/0) with points pt 7 ps 1.5 lc rgb "#2ca02c" title "restart", \
     data index 3 using 1:(strcol(3) eq "pause" || strcol(3) eq "resume" ? $2 : 1/0) with points pt 5 ps 1.1 lc rgb "#ff7f0e" title "pause / resume", \
     data index 3 using 1:(strcol(3) ne "crash" && strcol(3) ne "restart" && strcol(3) ne "pause" && strcol(3) ne "resume" ? $2 : 1/0) with points pt 9 ps 1.2 lc rgb "#9467bd" title "protocol event", \
     data index 4 using 5:6:($1 - $5):($2 - $6) with vectors arrowstyle 3 notitle, \
     data index 4 using 1:(strcol(4) eq "message" ? $2 : 1/0):3 with labels left font "sans,7" tc rgb "#1f3f6f" noenhanced notitle, \
     data index 4 using 1:(strcol(4) eq "lost" ? $2 : 1/0):3 with labels left font "sans,7" tc rgb "#d62728" noenhanced notitle, \
     data index 4 using 1:(strcol(4) eq "mark" || strcol(4) eq "event" ? $2 : 1/0):3 with labels left font "sans,7" tc rgb "#444444" noenhanced notitle
