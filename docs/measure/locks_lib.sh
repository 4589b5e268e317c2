# Helpers sourced by docs/measure/locks_*.sh and txn_*.sh (not run on its
# own). Each runs faultsim ($FAULTSIM, from the repository root) with fixed
# seeds, so what the scripts print is the same on every machine.
. docs/measure/sweep_lib.sh

# json SCENARIO SEED [ARGS...]: the run's JSON report.
json() {
  local scen=$1 seed=$2
  shift 2
  "$FAULTSIM" run "$scen" --seed "$seed" --json "$@" || [ $? -le 1 ]
}

# seeds_where SCENARIO N JQ [ARGS...]: how many of seeds 1..N give a report
# for which the jq expression JQ is true.
seeds_where() {
  local scen=$1 n=$2 expr=$3 count=0 seed
  shift 3
  for seed in $(seq 1 "$n"); do
    [ "$(json "$scen" "$seed" "$@" | jq "$expr")" = true ] && count=$((count + 1))
  done
  echo "$count"
}

# values SCENARIO N JQ [ARGS...]: the jq expression's value for seeds 1..N,
# one a line.
values() {
  local scen=$1 n=$2 expr=$3 seed
  shift 3
  for seed in $(seq 1 "$n"); do json "$scen" "$seed" "$@" | jq -r "$expr"; done
}

# range FORMAT: "min-max" of the numbers on stdin, each printed with FORMAT
# (one number when they are all equal).
range() {
  sort -g | awk -v f="$1" 'NR == 1 { lo = $1 } { hi = $1 } END {
    a = sprintf(f, lo); b = sprintf(f, hi); print (a == b ? a : a "-" b) }'
}

# held SCENARIO [ARGS...]: "held in X/Y" of `faultsim check` (its own seeds
# unless ARGS has --seeds).
held() {
  "$FAULTSIM" check "$@" | grep -o 'held in [0-9]*/[0-9]*' | head -n 1 | sed 's/held in //'
}

# sweep_csv SCENARIO ARGS...: `faultsim sweep` over two jobs, its CSV rows
# (no header) on stdout: value,runs,availability,availability_se, then
# each --metric's mean and standard error.
sweep_csv() {
  local tmp
  tmp=$(mktemp)
  sweep_positional "$@" --jobs 2 --csv "$tmp" >/dev/null
  tail -n +2 "$tmp"
  rm -f "$tmp"
}

# check_table FILES...: a Markdown table of `faultsim check` over the files,
# each over its own seeds ("asks for one": its expect{} asks for a failure
# in at least one seed).
check_table() {
  echo "| scenario | seeds | seeds where its expect{} held |"
  echo "|---|---|---|"
  "$FAULTSIM" check "$@" | awk '/^(PASS|FAIL) / {
    file = $2; sub(/^scenarios\//, "", file); seeds = $4; sub(/,$/, "", seeds)
    held = $0; sub(/.*held in /, "", held); sub(/[ ;(].*/, "", held)
    note = $0 ~ /needs any/ ? " (asks for one)" : ""
    printf("| `%s` | %s | %s%s |\n", file, seeds, held, note)
  }'
}
