# tools/bench-table.sh: BENCH lines in, the README's markdown table out:
# every reference pair (KEY_rate=, KEY_ratio=) beside faultsim's figure,
# the CPU loop when there is none, bytes for node_memory, the doubling
# cost of linear_* with its flag; other lines skipped; no BENCH line at
# all is an error.
source "$ROOT/tests/sh/lib.sh"
set -e
cat >bench.log <<'LOG'
make: entering
BENCH name=timers_1k rate=23436566 unit=events/s ref_rate=163632264 ratio=0.1432 rss_kb=3264 pending=1000 heap_rate=19507465 heap_ratio=1.201 calendar_rate=42745208 calendar_ratio=0.548 ladder_rate=43904330 ladder_heap_ratio=2.251 check=ok
BENCH name=pingpong rate=4040000 unit=messages/s ref_rate=17870000 ratio=0.226 rss_kb=9000
BENCH name=node_memory bytes_per_node=1020 rss_kb=9000
BENCH name=linear_ring rate=244134 unit=events/s ref_rate=19142371 ratio=0.01275 rss_kb=19144 scenario=kv_quorum_faults.lua T_s=5 cost_ratio=2.94 events_ratio=1.99 flag=SUPERLINEAR
LOG
expect_exit 0 "$ROOT/tools/bench-table.sh" bench.log
contains "$OUT" "| benchmark | faultsim | references (same run) | ratio |"
contains "$OUT" "| timers_1k | 23.44 M events/s | heap 19.51 M; calendar 42.75 M; ladder 43.90 M | 1.20 vs heap; 0.55 vs calendar |"
contains "$OUT" "| pingpong | 4.04 M messages/s | CPU loop 17.87 M | 0.226 |"
contains "$OUT" "| node_memory | 1020 bytes/node | - | - |"
contains "$OUT" "| linear_ring | 244.1 k events/s | same run at T = 5 s | x2.94 for 2T (SUPERLINEAR) |"
lacks "$OUT" "entering"
[ "$(grep -c '^|' <<<"$OUT")" = 6 ] || fail "expected a header, a rule and 4 rows: $OUT"
# The same from stdin.
expect_exit 0 bash -c "\"$ROOT/tools/bench-table.sh\" <bench.log"
contains "$OUT" "| pingpong | 4.04 M messages/s"
expect_exit 1 bash -c "echo nothing | \"$ROOT/tools/bench-table.sh\""
contains "$ERR" "no BENCH lines"
