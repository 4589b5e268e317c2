# Sourced by docs/measure/hdfs_*.sh.
#
# hdfs_runs SCENARIO FIRST LAST JQ [SET...] runs SCENARIO at seeds
# FIRST..LAST, two at a time, each SET (KEY=VALUE) fixed, and prints one
# line per seed in seed order: the seed, then the jq expression JQ applied
# to the run's --json as tab-separated values. Exits 2 if a run could not
# run (exit 2, or no JSON).
: "${FAULTSIM:=build/faultsim}"
hdfs_runs() {
  local scenario=$1 first=$2 last=$3 expr=$4 tmp set args=""
  shift 4
  for set in "$@"; do args="$args --set $set"; done
  tmp=$(mktemp -d)
  seq "$first" "$last" | xargs -P 2 -I{} sh -c '
    "$1" run "$2" --seed "$3" $5 --json > "$4/$3.json" 2>/dev/null; [ $? -ne 2 ] && [ -s "$4/$3.json" ]' \
    sh "$FAULTSIM" "$scenario" {} "$tmp" "$args" || { rm -rf "$tmp"; echo "hdfs_runs: a run of $scenario failed" >&2; exit 2; }
  local s
  for s in $(seq "$first" "$last"); do
    printf '%s\t%s\n' "$s" "$(jq -r "$expr | @tsv" "$tmp/$s.json")"
  done
  rm -rf "$tmp"
}
