# faultsim diff: identical traces exit 0; traces of a scenario at one seed
# with and without a change exit 1 and name the first differing event with
# the events around it; unreadable input exits 2.
source "$ROOT/tests/sh/lib.sh"
set -e
s="$ROOT/scenarios/txn_3pc_partition.lua"
fs run "$s" --seed 8 --trace a.jsonl >/dev/null || true
fs run "$s" --seed 8 --trace same.jsonl >/dev/null || true
# The same run with a longer partition: equal until the heal.
fs run "$s" --seed 8 --set cut_for=3s --trace b.jsonl >/dev/null || true
expect_exit 0 fs diff a.jsonl same.jsonl
contains "$OUT" "identical: $(wc -l <a.jsonl) events"
expect_exit 1 fs diff a.jsonl b.jsonl --context 2
# The first differing line of the two files, found independently.
n=$(cmp a.jsonl b.jsonl | sed -n 's/.* line \([0-9]*\)$/\1/p')
[ -n "$n" ] || fail "cmp found no difference"
contains "$OUT" "first difference at event $n "
contains "$OUT" "$(sed -n "${n}p" a.jsonl)" "the A side"
contains "$OUT" "$(sed -n "${n}p" b.jsonl)" "the B side"
contains "$OUT" "$(sed -n "$((n - 1))p" a.jsonl)" "the context before"
lacks "$OUT" "$(sed -n "$((n - 3))p" a.jsonl)" "context beyond --context 2"
# One trace a prefix of the other.
head -n 5 a.jsonl >short.jsonl
expect_exit 1 fs diff a.jsonl short.jsonl
contains "$OUT" "first difference at event 6 "
contains "$OUT" "(ends after 5 events)"
expect_exit 2 fs diff a.jsonl missing.jsonl
contains "$ERR" "missing.jsonl"
expect_exit 2 fs diff a.jsonl
expect_exit 2 fs diff a.jsonl . 
contains "$ERR" "is a folder"
echo ok
