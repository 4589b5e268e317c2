# Mistakes a user makes get a message that says what to do (issue 10,
# points 26 and 29): a misspelt --metric, seeds backwards, a missing file or
# a folder given to run, a misspelt command; `models` filters and explains
# itself.
. "$ROOT/tests/sh/lib.sh"
S=$ROOT/scenarios
F=$FAULTSIM

# sweep: a --metric no run reported is exit 2 naming it, with no table.
expect_exit 2 "$F" sweep "$S/echo.lua" --param loss=0,0.1 --seeds 2 --metric nosuch
contains "$ERR" "faultsim sweep: --metric nosuch: no run reported a metric of that name"
[ -z "$OUT" ] || fail "sweep printed a table for an unknown metric: $OUT"
expect_exit 0 "$F" sweep "$S/compare_quorum.lua" --param down=0.1 --seeds 2 --metric kv_keys
contains "$OUT" "kv_keys"
# Seeds backwards, or not numbers, say so in faultsim's words.
for cmd in "sweep $S/echo.lua --param loss=0" "check $S/echo.lua"; do
  expect_exit 2 "$F" $cmd --seeds 5-2
  contains "$ERR" "--seeds 5-2: the last seed is smaller than the first"
  lacks "$ERR" "out of bounds"
  expect_exit 2 "$F" $cmd --seeds x
  contains "$ERR" "--seeds x: expected N"
done
expect_exit 2 "$F" run "$S/echo.lua" --seed -3
contains "$ERR" "faultsim run: --seed -3: expected a whole number"

# run: a missing file and a folder.
expect_exit 2 "$F" run nosuch.lua
contains "$ERR" "faultsim run: nosuch.lua: no such file"
expect_exit 2 "$F" run "$S"
contains "$ERR" "faultsim run: $S is a folder; to run every scenario in it: $F check $S"
expect_exit 2 "$F" sweep nosuch.lua --param a=1
contains "$ERR" "faultsim sweep: nosuch.lua: no such file"
expect_exit 2 "$F" check nosuch
contains "$ERR" "faultsim check: nosuch: no such file or folder"

# A misspelt command gets the nearest one.
for pair in rn:run chek:check sweeep:sweep modles:models linchek:lincheck spa:spacetime rng:ring; do
  typo=${pair%%:*} want=${pair#*:}
  expect_exit 2 "$F" "$typo"
  contains "$ERR" "faultsim: unknown command '$typo'; did you mean '$want'?"
done
expect_exit 2 "$F" xyzzy
contains "$ERR" "faultsim: unknown command 'xyzzy'"
lacks "$ERR" "did you mean"
expect_exit 2 "$F" "$S/echo.lua"
contains "$ERR" "to run it: $F run $S/echo.lua"

# models: NAME filters by model or family; --help says what the output means.
expect_exit 0 "$F" models kv
names=$(printf '%s\n' "$OUT" | grep -v '^ ' | grep . )
[ -n "$names" ] || fail "models kv listed nothing"
[ -z "$(printf '%s\n' "$names" | grep -v '^kv\.')" ] || fail "models kv listed others: $names"
contains "$names" "kv.quorum.client"
expect_exit 0 "$F" models lock.lease.client echo.server
[ "$(printf '%s\n' "$OUT" | grep -v '^ ' | grep .)" = "echo.server
lock.lease.client" ] || fail "models lock.lease.client echo.server: $OUT"
expect_exit 0 "$F" models kv.quorum
lacks "$OUT" "kv.abd"
expect_exit 2 "$F" models kvx
contains "$ERR" "no model is named 'kvx'"
expect_exit 0 "$F" models --help
for want in "[NAME...]" "family prefix" "TYPE is int, number, bool, string, duration" "Exit status:" "Example:"; do
  contains "$OUT" "$want" "models --help"
done
