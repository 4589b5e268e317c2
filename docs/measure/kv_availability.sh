#!/usr/bin/env bash
# docs/kv.md: scenarios/kv_availability.lua, seeds 1-10 per configuration:
# measured availability against the k-of-N formula at each run's measured
# down fraction p̂ and at the nominal p = 0.25; the mean of (measured −
# formula at p̂) and its standard error over the seeds. A read needs R
# replicas; a write max(R, W) with versions = read, W with versions = clock.
set -euo pipefail
. "$(dirname "$0")/kv_lib.sh"
echo "| N | R | W | versions | op | measured | formula at p̂ | formula at 0.25 | mean diff | std. err |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for config in "3 1 1 read" "3 2 2 read" "3 3 1 read" "3 3 1 clock" "5 3 3 read"; do
  set -- $config
  for seed in $(seq 1 10); do
    run_json scenarios/kv_availability.lua --seed "$seed" --set "n=$1" --set "r=$2" --set "w=$3" --set "versions=$4" |
      jq -r '.metrics | [.kv_read_availability, .kv_read_availability_formula, .kv_read_availability_nominal,
                         .kv_write_availability, .kv_write_availability_formula, .kv_write_availability_nominal] | @tsv'
  done | awk -F'\t' -v cfg="| $1 | $2 | $3 | $4" '
    { for (o = 0; o < 2; o++) { a = $(3*o+1); f = $(3*o+2); nom[o] = $(3*o+3)
        sa[o] += a; sf[o] += f; d = a - f; sd[o] += d; sd2[o] += d * d } n++ }
    END { for (o = 0; o < 2; o++) { m = sd[o] / n; v = (sd2[o] - n * m * m) / (n - 1); if (v < 0) v = 0
            printf "%s | %s | %.4f | %.4f | %.4f | %+.4f | %.4f |\n", cfg, o ? "write" : "read",
              sa[o] / n, sf[o] / n, nom[o], m, sqrt(v / n) } }'
done
