# Long check of the HDFS mean time to data loss (part of `make soak`): the
# runs of docs/measure/hdfs_mttdl.sh over seeds 1-200 at RF 2 and 1-100 at
# RF 3 instead of 1-40 and 1-30. The Markov estimate must lie inside the
# 95% interval of the measured mean; the script exits 1 otherwise. Prints
# its table.
set -u
cd "$ROOT"
RUNS_RF2=200 RUNS_RF3=100 docs/measure/hdfs_mttdl.sh
