#!/usr/bin/env bash
# docs/metrics.md: reported latency percentiles (the histogram) against the
# exact nearest-rank values computed here from the --history file, seed 1.
# The echo client's k-th invocation carries seq k and its ok carries the
# same seq back, which pairs them.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| scenario | p50 exact → reported | p90 exact → reported | p99 exact → reported | max |"
echo "|---|---|---|---|---|"
for s in echo nemesis open_loop; do
  "$FAULTSIM" run "scenarios/$s.lua" --seed 1 --history "$tmp/h.jsonl" --json > "$tmp/r.json"
  jq -r 'select(.f == "ping" and (.type == "invoke" or .type == "ok")) | [.process, .type, .time, (.value // "")] | @tsv' \
    "$tmp/h.jsonl" |
    awk -F'\t' '$2 == "invoke" { k[$1]++; at[$1, k[$1]] = $3 } $2 == "ok" { printf "%.6f\n", ($3 - at[$1, $4]) / 1e6 }' |
    sort -g > "$tmp/lat"
  jq -r '.latency_ms.ping | [.p50, .p90, .p99, .max, .count] | @tsv' "$tmp/r.json" > "$tmp/rep"
  awk -v name="$s" -F'\t' 'NR == FNR { lat[++n] = $1; next } {
      split("500 900 990", pm, " ")
      line = "| " name
      for (i = 1; i <= 3; i++) {
        k = int((pm[i] * n + 999) / 1000); if (k < 1) k = 1
        line = line sprintf(" | %.3f → %.3f", lat[k], $i)
      }
      # The pairing must find every ok operation, and max is exact by design.
      if (n != $5 || sprintf("%.3f", lat[n]) != sprintf("%.3f", $4)) {
        printf "%s: %d latencies paired, %d reported; max %.6f, reported %s\n", name, n, $5, lat[n], $4 > "/dev/stderr"
        exit 1
      }
      print line sprintf(" | %.3f |", $4)
    }' "$tmp/lat" "$tmp/rep"
done
