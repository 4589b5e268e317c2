#!/usr/bin/env bash
# docs/lincheck.md, "Examples": real output of `faultsim lincheck` on the
# histories kept in tests/data/lincheck (the same cas-register history in
# three formats; two files of the error corpus).
set -u
: "${FAULTSIM:=build/faultsim}"
show() {
  echo "\$ faultsim $*"
  "$FAULTSIM" "$@" 2>&1
  echo "exit $?"
}
echo '```'
show lincheck --model cas-register tests/data/lincheck/cas_ok.log
echo
show lincheck --model cas-register tests/data/lincheck/cas_bad.edn
echo
show lincheck --model cas-register --max-steps 2 tests/data/lincheck/cas_bad.json
echo
show lincheck --model register tests/data/lincheck/errors/deep_200000.json
echo
show lincheck --model register tests/data/lincheck/errors/two_pending_no_ids.edn
echo '```'
