# `faultsim lincheck --json` on a known violation, a linearizable history and
# an undecided one; --linearization prints one valid order; --svg writes a
# picture only on a violation. (The SVG's XML is checked in
# tests/test_lincheck_svg.c.)
. "$ROOT/tests/sh/lib.sh"
D=$ROOT/tests/data/lincheck
expect_exit 1 fs lincheck --model cas-register --json "$D/cas_bad.edn"
j() { jq -r "$1" <<<"$OUT"; }
[ "$(j .valid)" = false ] || fail "valid: $(j .valid)"
[ "$(j .op.index)" = 8 ] && [ "$(j .op.process)" = 2 ] && [ "$(j .op.line)" = 10 ] || fail "op: $(j .op)"
contains "$(j .op.text)" "read nil => ok 1"
[ "$(j '.concurrent | length')" = 1 ] || fail "concurrent: $(j .concurrent)"
contains "$(j '.concurrent[0]')" "write 7 => info"
[ "$(j '.states | join(",")')" = "4,7" ] || fail "states: $(j .states)"
[ "$(j '[.window[] | select(.bad)] | length')" = 1 ] || fail "window: $(j .window)"
[ "$(j '.window[] | select(.bad) | .index')" = 8 ] || fail "window bad op: $(j .window)"
[ "$(j '.steps')" -gt 0 ] && [ "$(j '.seconds | type')" = number ] || fail "steps/seconds: $OUT"
expect_exit 0 fs lincheck --model cas-register --json --linearization "$D/cas_ok.edn"
[ "$(j .valid)" = true ] && [ "$(j '.linearization | length')" = 5 ] || fail "ok: $OUT"
expect_exit 3 fs lincheck --model cas-register --json --max-steps 2 "$D/cas_bad.json"
[ "$(j .valid)" = unknown ] && contains "$(j .reason)" "step budget"
expect_exit 0 fs lincheck --model cas-register --linearization "$D/cas_ok.log"
contains "$OUT" "one valid order:"
contains "$OUT" "  5. process 2: read nil => ok 7"
# The picture: only on a violation, and it names the highlighted op.
expect_exit 1 fs lincheck --model cas-register --svg v.svg "$D/cas_bad.edn"
grep -q '<g class="op bad" data-index="8">' v.svg || fail "no highlighted op in v.svg"
expect_exit 0 fs lincheck --model cas-register --svg ok.svg "$D/cas_ok.edn"
[ ! -e ok.svg ] || fail "a picture was written for a linearizable history"
contains "$ERR" "no violation, so no picture"
# The README's picture is what the command it shows writes today.
(cd "$ROOT" && "$FAULTSIM" lincheck --model cas-register --svg "$TMPDIR/readme.svg" tests/data/lincheck/cas_bad.edn >/dev/null) ||
  [ $? = 1 ] || fail "lincheck --svg failed"
cmp -s "$TMPDIR/readme.svg" "$ROOT/docs/img/lincheck_cas_bad.svg" ||
  fail "docs/img/lincheck_cas_bad.svg is stale: rerun the README's --svg command into it"
