# Sourced by the docs/measure scripts that index `faultsim sweep --csv`
# columns by position (and by tests that share their helpers).
#
# sweep_positional ARGS...: runs `$FAULTSIM sweep ARGS...` and rewrites its
# --csv FILE in the short layout these scripts were written against:
#   PARAM,runs,availability,availability_se,M1,M1_se,M2,M2_se,...
# one pair per -m/--metric M in ARGS, in that order (PARAM: the first
# --param's value; runs: the point's runs, the largest M_n plus errors,
# which is the run count when some measure is reported by every run that
# ran). The sweep's
# own CSV names its columns (param_NAME, M_mean, M_se, M_ci95_lo,
# M_ci95_hi, M_n, ..., violated, errors); this picks them by name.
# Returns the sweep's exit status.
sweep_positional() {
  local csv="" prev="" a metrics=()
  for a in "$@"; do
    case $prev in
      --csv) csv=$a ;;
      -m|--metric) metrics+=("$a") ;;
    esac
    prev=$a
  done
  "$FAULTSIM" sweep "$@" || return
  [ -n "$csv" ] || return 0
  awk -F, -v OFS=, -v want="${metrics[*]}" '
    NR == 1 {
      for (i = 1; i <= NF; i++) col[$i] = i
      n = split(want, m, " ")
      name = $1; sub(/^param_/, "", name)
      line = name ",runs,availability,availability_se"
      for (k = 1; k <= n; k++) line = line "," m[k] "," m[k] "_se"
      print line
      next
    }
    {
      runs = 0
      for (c in col) if (c ~ /_n$/ && $col[c] + 0 > runs) runs = $col[c] + 0
      line = $1 "," runs + $col["errors"] "," $col["availability_mean"] "," $col["availability_se"]
      for (k = 1; k <= n; k++) line = line "," $col[m[k] "_mean"] "," $col[m[k] "_se"]
      print line
    }' "$csv" > "$csv.short" && mv "$csv.short" "$csv"
}
