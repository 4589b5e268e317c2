# Sourced by docs/measure/capacity_*.sh, tests/sh/t_capacity_queueing.sh and
# tests/soak/capacity_queueing.sh.
#
# queueing_rows SEEDS [SCALE] runs the three queueing-theory scenarios
# (scenarios/capacity_mm1.lua, _mmc.lua, _md1.lua) over seeds SEEDS
# ("1-10") with `faultsim sweep` (their parameter scale, default 1) and
# prints one line per measured point:
#   MODEL POINT RUNS THEORY_MS MEAN_MS SE_MS
# where MEAN_MS is the mean over the runs of one run's mean response time
# and SE_MS its standard error. Exits 2 if a run could not run.
: "${FAULTSIM:=build/faultsim}"
. docs/measure/sweep_lib.sh
queueing_rows() {
  local seeds=$1 scale=${2:-1} tmp model points pt args
  tmp=$(mktemp -d)
  for model in mm1 mmc md1; do
    case $model in
      mm1) points="rho50 rho80 rho90" ;;
      mmc) points="mmc" ;;
      md1) points="rho50 rho90" ;;
    esac
    args=()
    for pt in $points; do args+=(-m "w_ms_$pt" -m "w_theory_ms_$pt"); done
    if ! sweep_positional "scenarios/capacity_$model.lua" --param "scale=$scale" --seeds "$seeds" --jobs 2 \
         --max-events 100000000 "${args[@]}" --csv "$tmp/$model.csv" > /dev/null; then
      rm -rf "$tmp"
      echo "faultsim sweep scenarios/capacity_$model.lua failed" >&2
      exit 2
    fi
    # Columns: scale,runs,availability,availability_se, then per point
    # w_ms, w_ms_se, w_theory_ms, w_theory_ms_se.
    awk -F, -v model="$model" -v points="$points" 'NR == 2 {
      n = split(points, p, " ")
      for (i = 1; i <= n; i++) {
        c = 5 + 4 * (i - 1)
        print model, p[i], $2, $(c + 2), $c, $(c + 1)
      }
    }' "$tmp/$model.csv"
  done
  rm -rf "$tmp"
}
