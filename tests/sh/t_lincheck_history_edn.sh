# `faultsim run --history FILE --history-format edn` writes the history as
# Jepsen EDN, one map a line with :index and :time, that `faultsim lincheck`
# (and Jepsen's tools) read back: the same operations and verdict as the
# JSON lines of the same run. A format that is neither is refused.
. "$ROOT/tests/sh/lib.sh"
S=$ROOT/tests/data/lincheck/scenarios/abd_open_loop.lua
expect_exit 0 fs run "$S" --seed 1 --history h.edn --history-format edn
expect_exit 0 fs run "$S" --seed 1 --history h.jsonl
[ "$(wc -l < h.edn)" = "$(wc -l < h.jsonl)" ] || fail "line counts differ"
head -1 h.edn | grep -Eq '^\{:index 0, :time [0-9]+, :process [0-9]+, :op 1, :type :invoke, :f :[a-z]+, (:key [0-9]+, )?:value [^,]+\}$' \
  || fail "first line: $(head -1 h.edn)"
expect_exit 0 fs lincheck --model register h.edn
E=$OUT
expect_exit 0 fs lincheck --model register h.jsonl
[ "$E" = "$OUT" ] || fail "verdicts differ: edn '$E' json '$OUT'"
contains "$E" "linearizable (744 operations, 2 keys"
expect_exit 2 fs run "$S" --seed 1 --history x --history-format xml
contains "$ERR" "--history-format: 'xml' is neither json nor edn"
[ ! -e x ] || fail "x written"
