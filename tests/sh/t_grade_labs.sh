# Each lab graded by `faultsim grade` (issue 15, quality bar): the reference
# solution earns every point on every graded seed; each wrong solution and
# the cheating one fail, and every failed test is explained by the
# invariant that names the bug (read from the first failing seed's line).
# One row per solution; labs of other branches add their rows here.
. "$ROOT/tests/sh/lib.sh"
F=$FAULTSIM
cd "$ROOT"

while read -r lab solution invariant; do
  [ -n "$lab" ] || continue
  d=scenarios/labs/$lab
  if [ "$invariant" = - ]; then
    expect_exit 0 "$F" grade $d $d/$solution -j 2
    contains "$OUT" "total 100/100"
    lacks "$OUT" "FAIL"
    continue
  fi
  expect_exit 1 "$F" grade $d $d/$solution -j 2
  contains "$OUT" "FAIL " "$lab/$solution"
  got=$(sed -n 's/^ *seed [0-9]*: invariant \([a-z_]*\) = .*/\1/p' <<<"$OUT" | sort -u)
  [ "$got" = "$invariant" ] || { echo "$OUT" >&2; fail "$lab/$solution: failed tests explained by '$got', expected '$invariant'"; }
  [ "$(grep -c '^FAIL' <<<"$OUT")" = "$(grep -c '^ *seed [0-9]*: invariant' <<<"$OUT")" ] ||
    fail "$lab/$solution: a failed test without an invariant"
done <<'ROWS'
2pc  _reference_2pc.lua              -
2pc  _wrong_decide_alone.lua         atomicity
2pc  _wrong_commit_after_send.lua    atomicity
2pc  _cheat_2pc.lua                  votes_before_commit
lock _reference_lock.lua             -
lock _wrong_release_any.lua          mutual_exclusion
lock _wrong_token_volatile.lua       fencing_tokens
lock _cheat_lock.lua                 told_ok
ROWS
exit 0
