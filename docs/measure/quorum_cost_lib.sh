# Sourced by docs/measure/capacity_quorum_cost.sh and
# tests/sh/t_quorum_cost.sh.
#
# quorum_cost_rows SEEDS [SET...] runs scenarios/capacity_quorum_cost.lua
# with w = 2 and w = 3 for each fan-out (send_to = quorum, then all), over
# seeds SEEDS ("1-5") with `faultsim sweep`, each SET (KEY=VALUE) fixed,
# and prints one line per run configuration:
#   SEND_TO W RUNS GOODPUT GOODPUT_SE MSGS_PER_WRITE UTIL_MEAN LATENCY_MS
# GOODPUT is the mean over the runs of the writes acknowledged per second
# from 2 s to 10 s, GOODPUT_SE its standard error, MSGS_PER_WRITE the mean
# replica arrivals per write invoked, UTIL_MEAN the replicas' mean
# utilization (mean of s1-s3), LATENCY_MS the mean of the runs' mean
# write latency (acknowledged writes). Exits 2 if a run could not run.
: "${FAULTSIM:=build/faultsim}"
. docs/measure/sweep_lib.sh
quorum_cost_rows() {
  local seeds=$1 tmp send_to set args=()
  shift
  for set in "$@"; do args+=(--set "$set"); done
  tmp=$(mktemp -d)
  for send_to in quorum all; do
    if ! sweep_positional scenarios/capacity_quorum_cost.lua --param w=2,3 --set "send_to=$send_to" "${args[@]}" \
         --seeds "$seeds" --jobs 2 -m goodput_per_s -m messages_per_write -m utilization_s1 -m utilization_s2 \
         -m utilization_s3 -m write_latency_mean_ms --csv "$tmp/$send_to.csv" > /dev/null; then
      rm -rf "$tmp"
      echo "faultsim sweep scenarios/capacity_quorum_cost.lua (send_to=$send_to) failed" >&2
      exit 2
    fi
    # Columns: w,runs,availability,_se,goodput_per_s,_se,messages_per_write,_se,
    # utilization_s1,_se,utilization_s2,_se,utilization_s3,_se,write_latency_mean_ms,_se
    awk -F, -v s="$send_to" 'NR > 1 { print s, $1, $2, $5, $6, $7, ($9 + $11 + $13) / 3, $15 }' "$tmp/$send_to.csv"
  done
  rm -rf "$tmp"
}
