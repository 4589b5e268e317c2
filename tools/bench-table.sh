#!/usr/bin/env bash
# Turns `make bench` output (BENCH lines, from the files named or stdin;
# other lines are skipped) into the README's side-by-side markdown table:
# one row per benchmark with faultsim's figure, the references measured in
# the same invocation, and the ratios.
#
#   make bench | tools/bench-table.sh
#   tools/bench-table.sh bench.log
#
# A reference is any pair KEY_rate= / KEY_ratio= on the line (timers_*:
# heap, calendar, queue_heap...; a name's underscores become spaces, so
# heap_rate shows as "heap"); a line without one is shown beside the CPU
# reference loop (ref_rate=, ratio=). node_memory and sweep_memory show
# their bytes; linear_* show the cost ratio of doubling simulated time and
# their flag. Exit 1 if there was no BENCH line at all.
set -euo pipefail

awk '
function human(x) {
  x = x + 0
  if (x >= 1e9) return sprintf("%.2f G", x / 1e9)
  if (x >= 1e6) return sprintf("%.2f M", x / 1e6)
  if (x >= 1e3) return sprintf("%.1f k", x / 1e3)
  return sprintf("%.3g", x)
}
function label(key) { gsub(/_/, " ", key); return key }
BEGIN {
  print "| benchmark | faultsim | references (same run) | ratio |"
  print "|---|---|---|---|"
  rows = 0
}
$1 == "BENCH" {
  delete kv; delete order; n = 0
  for (i = 2; i <= NF; i++) {
    eq = index($i, "=")
    if (eq == 0) continue
    k = substr($i, 1, eq - 1); v = substr($i, eq + 1)
    kv[k] = v; order[++n] = k
  }
  name = kv["name"]; unit = ("unit" in kv) ? " " kv["unit"] : ""
  if ("rate" in kv) mine = human(kv["rate"]) unit
  else if ("bytes_per_node" in kv) mine = kv["bytes_per_node"] " bytes/node"
  else if ("bytes_per_msg" in kv) mine = kv["bytes_per_msg"] " bytes/message"
  else mine = "-"
  refs = ""; ratios = ""
  for (i = 1; i <= n; i++) {
    k = order[i]
    if (k !~ /_rate$/ || k == "ref_rate") continue
    base = substr(k, 1, length(k) - 5)
    refs = refs (refs == "" ? "" : "; ") label(base) " " human(kv[k])
    if ((base "_ratio") in kv)
      ratios = ratios (ratios == "" ? "" : "; ") sprintf("%.2f vs %s", kv[base "_ratio"], label(base))
    else if (("vs_" base) in kv)
      ratios = ratios (ratios == "" ? "" : "; ") sprintf("%.2f vs %s", kv["vs_" base], label(base))
  }
  if ("cost_ratio" in kv) {
    refs = "same run at T = " kv["T_s"] " s"
    ratios = "x" sprintf("%.2f", kv["cost_ratio"]) " for 2T" (kv["flag"] != "ok" ? " (" kv["flag"] ")" : "")
  } else if (refs == "" && ("ref_rate" in kv)) {
    refs = (("ref" in kv) ? label(kv["ref"]) : "CPU loop") " " human(kv["ref_rate"])
    ratios = sprintf("%.3g", kv["ratio"])
  }
  if (refs == "" && ("ref_bytes_per_node" in kv)) refs = label(kv["ref"]) " " kv["ref_bytes_per_node"] " bytes/node"
  if (refs == "" && ("ref_bytes" in kv)) refs = label(kv["ref"]) " " kv["ref_bytes"] " bytes"
  if (ratios == "" && ("target" in kv) && ("bytes_per_msg" in kv)) ratios = "target " kv["target"]
  if (ratios == "") ratios = "-"
  printf "| %s | %s | %s | %s |\n", name, mine, (refs == "" ? "-" : refs), ratios
  rows++
}
END { if (rows == 0) { print "bench-table: no BENCH lines" > "/dev/stderr"; exit 1 } }
' "$@"
