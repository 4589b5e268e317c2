# A --history file from an open-loop run, where a client has several
# operations pending at once, is read back by `faultsim lincheck`: the op
# ids in each line pair invocations with completions.
. "$ROOT/tests/sh/lib.sh"
S=$ROOT/tests/data/lincheck/scenarios/abd_open_loop.lua
expect_exit 0 fs run "$S" --seed 1 --history h.jsonl
head -1 h.jsonl | grep -q '"op":1,' || fail "history lines carry no op id: $(head -1 h.jsonl)"
expect_exit 0 fs lincheck --model register h.jsonl
contains "$OUT" "linearizable (744 operations, 2 keys"
