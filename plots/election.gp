# The time without a leader after a leader crash, as the Raft paper's
# Figure 16: cumulative share of trials against time (log scale), one curve
# per election-timeout range; the top panel varies the randomness of the
# timeout, the bottom one scales its minimum.
#
#   gnuplot -c plots/election.gp DIR out.png
#
# Input: DIR/<range>.cdf for the ranges named below, each line "ms
# fraction": the sorted times without a leader in milliseconds and the
# share of trials (0..1) that had elected a leader by then.
if (ARGC < 2) {
  print "usage: gnuplot -c plots/election.gp DIR out.png"
  exit status 2
}
dir = ARG1
top = "150-151 150-155 150-175 150-200 150-300"
top_colors = "#d62728 #ff7f0e #2ca02c #9467bd #1f3b73"
bottom = "12-24 25-50 50-100 100-200 150-300"
bottom_colors = "#8c564b #e377c2 #17becf #bcbd22 #1f3b73"

set terminal pngcairo size 1000,760 enhanced font "sans,10"
set output ARG2
set multiplot layout 2,1 title "Time without a leader after a leader crash, 5 servers (scenarios/raft_election_time.lua; cf. the Raft paper's Figure 16)" noenhanced
set lmargin 10
set rmargin 3
set logscale x
set xrange [9:300000]
set xtics ("10 ms" 10, "100 ms" 100, "1 s" 1000, "10 s" 10000, "100 s" 100000)
set yrange [0:100]
set ytics 0, 20, 100
set format y "%g%%"
set grid xtics ytics mxtics lc rgb "#dddddd"
set ylabel "cumulative percent"
set key right bottom opaque box samplen 2 title "election timeout"
set title "randomness of the timeout" noenhanced offset 0, -0.6
plot for [i = 1:words(top)] dir."/".word(top, i).".cdf" using 1:($2 * 100) with steps lw 2 lc rgb word(top_colors, i) title word(top, i)."ms" noenhanced
set xlabel "time without a leader (log scale)"
set title "minimum of the timeout (each range from the minimum to twice it)" noenhanced
plot for [i = 1:words(bottom)] dir."/".word(bottom, i).".cdf" using 1:($2 * 100) with steps lw 2 lc rgb word(bottom_colors, i) title word(bottom, i)."ms" noenhanced
unset multiplot
