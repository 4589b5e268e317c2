# Hook filters with a list of types (on, wait_for, invariants at events):
# each sees exactly what a `where` function testing the type sees, sends
# and deliveries alike (tests/data/hooks/type_list.lua). The bad lists are
# in the error corpus (tests/data/errors/filter_type_*.lua).
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"
expect_exit 0 fs run tests/data/hooks/type_list.lua --seed 1
contains "$OUT" "ok   lists_match_where"
expect_exit 0 fs check --seeds 2-4 tests/data/hooks/type_list.lua
contains "$OUT" "held in 3/3"
# _kv_faults.lua's quorum check, its hooks now filtered by type, still
# catches clients that move on with too few replicas: the violation counts
# below were measured with its hooks unfiltered (tests/data/hooks/quorum_short.lua).
want="quorum 1 786
quorum 2 887
quorum 3 848
abd 1 470
abd 2 508
abd 3 538"
while read -r model seed n; do
  expect_exit 0 fs run tests/data/hooks/quorum_short.lua --seed "$seed" --set "model=$model" --json
  got=$(printf '%s' "$OUT" | jq '.invariants[] | select(.name == "quorum_distinct") | .violations')
  [ "$got" = "$n" ] || fail "quorum_short model=$model seed=$seed: $got quorum_distinct violations, expected $n"
done <<<"$want"
# The kinds of event Lua hooks are called for follow the live hooks
# (tests/data/hooks/kinds.lua).
expect_exit 0 fs check --seeds 1-3 tests/data/hooks/kinds.lua
contains "$OUT" "held in 3/3"
