# Output that cannot be written is a failure (issue 10, point 16): with
# standard output on a full device every command exits 2 and says so,
# instead of 0 or 1 as if the report had been read.
. "$ROOT/tests/sh/lib.sh"
S=$ROOT/scenarios
fs run "$S/echo.lua" --trace t.jsonl >/dev/null || fail "setup: run --trace"
full() {
  expect_exit 2 sh -c '"$@" >/dev/full' sh "$@"
  contains "$ERR" "faultsim: writing to standard output failed" "stderr of $*"
}
F=$FAULTSIM
full "$F" run "$S/echo.lua"
full "$F" run "$S/echo.lua" --json
full "$F" run "$S/echo.lua" --seed 3 --set loss=0.5        # a run whose verdict is 1 still becomes 2
full "$F" check "$S/echo.lua" --seeds 2
full "$F" sweep "$S/echo.lua" --param loss=0,0.1 --seeds 2
full "$F" lincheck --model cas-register "$ROOT/tests/data/lincheck/cas_ok.log"
full "$F" lincheck --model cas-register "$ROOT/tests/data/lincheck/cas_bad.edn"
full "$F" spacetime t.jsonl
full "$F" models
full "$F" models kv
full sh -c 'seq 100 | "$1" ring --server a --server b' sh "$FAULTSIM"
full "$F" run --help
full "$F" --help
full "$F" --version
# A command that wrote nothing is unaffected, and a good stdout stays 0.
expect_exit 0 fs run "$S/echo.lua"
