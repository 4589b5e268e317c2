# A metastable failure and its mitigations: availability over time of
# scenarios/metastable.lua, one panel per mitigation (none, backoff,
# budget, shed), each with the open-loop and the closed-loop clients.
#
#   gnuplot -c plots/metastable.gp DIR out.png [trigger_from trigger_to]
#
# Input: DIR/<mitigation>-<loop>.csv for mitigation in none, backoff,
# budget, shed and loop in open, closed, each the availability timeline of
# `faultsim run --csv` (header t_start_s,t_end_s,invoked,ok,availability;
# an empty availability, nothing invoked, is a gap). The trigger, from
# trigger_from to trigger_to seconds (default 10 to 12), is shaded.
if (ARGC < 2) {
  print "usage: gnuplot -c plots/metastable.gp DIR out.png [trigger_from trigger_to]"
  exit status 2
}
dir = ARG1
t0 = (ARGC >= 4) ? real(ARG3) : 10
t1 = (ARGC >= 4) ? real(ARG4) : 12
names = "none backoff budget shed"
titles = "'none: up to 3 retries, at once' 'backoff: exp:500ms,2,4s with full jitter' 'budget: retries at once within a token bucket (ratio 0.1, burst 10)' 'shed: the server keeps 50 waiting places and answers BUSY when full'"

set terminal pngcairo size 1000,760 enhanced font "sans,10"
set output ARG2
set datafile separator ","
set multiplot layout 4,1 title "A 2 s pause at 75% load: availability per 500 ms window (scenarios/metastable.lua)" noenhanced
set lmargin 10
set rmargin 3
set yrange [-0.02:1.05]
set ytics 0, 0.5, 1
set xrange [0:*]
set autoscale xfixmax
set grid xtics ytics lc rgb "#dddddd"
set ylabel "availability"
set key at graph 0.99, graph 0.72 right opaque box samplen 2 horizontal
set object 1 rectangle from t0, graph 0 to t1, graph 1 behind fc rgb "#f2d7d5" fs solid 1.0 noborder
set label 1 "trigger" at t0, graph 0.12 offset 0.5, 0 font ",9" tc rgb "#a04040"
do for [i = 1:4] {
  m = word(names, i)
  if (i > 1) { unset key }
  set title word(titles, i) noenhanced offset 0, -0.6
  if (i == 4) { set xlabel "simulated time (s)" } else { unset xlabel }
  plot dir."/".m."-open.csv" every ::1 using 1:5 with steps lw 2 lc rgb "#1f77b4" title "open loop", \
       dir."/".m."-closed.csv" every ::1 using 1:5 with steps lw 2 dt 2 lc rgb "#d62728" title "closed loop"
}
unset multiplot
