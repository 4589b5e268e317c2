# `faultsim grade` (issue 15): one line per test with its points and a
# total; for a failed test the first failing seed, the invariant and its
# first violation, the trace around it and the commands that reproduce and
# draw it (the reproduce command, pasted, gives that run); Gradescope's
# results.json shape with --json; the same grade for any -j; a solution that
# errors, spins or eats memory fails its tests with file:line and exit 1,
# it does not stop the grader; a bad lab is exit 2.
. "$ROOT/tests/sh/lib.sh"
F=$FAULTSIM
L=scenarios/labs/2pc
cd "$ROOT"

# Text: a wrong solution loses exactly the tests its bug shows in.
expect_exit 1 "$F" grade $L $L/_wrong_commit_after_send.lua -j 2
TEXT=$OUT
contains "$OUT" "grading $L/_wrong_commit_after_send.lua with $L/grade.lua (6 tests)"
contains "$OUT" "PASS   10/10   no faults (seeds 1-10)"
contains "$OUT" "FAIL    0/20   coordinator crash after the decision (seeds 1-20)"
contains "$OUT" "seed 1: invariant atomicity = 3 (expected 0)"
contains "$OUT" "atomicity: t=5.094876s: txn 109: coord decided commit at t=4.698721s but coord decided abort at t=5.094876s"
contains "$OUT" "trace around t=5.094876s (coord):"
contains "$OUT" "5.033721s  coord  restart"
contains "$OUT" "5.094876s  coord -> p3  send DECISION {commit=0, txn=109}"
contains "$OUT" "draw it:   tools/spacetime.sh $L/grade.lua 4.995 5.115 build/plots/grade-seed1.png --seed 1 --set solution=_wrong_commit_after_send.lua --set fault=coord_after --set loss=0"
contains "$OUT" "total 80/100 (5 of 6 tests passed)"
[ "$(grep -c '^FAIL' <<<"$OUT")" = 1 ] || fail "one failed test expected"
# The trace excerpt is at most a dozen lines.
n=$(sed -n '/trace around/,/reproduce:/p' <<<"$OUT" | grep -c '^        [0-9]')
[ "$n" -ge 1 ] && [ "$n" -le 12 ] || fail "trace excerpt of $n lines"

# The reproduce command, pasted, gives that seed's violation.
cmd=$(sed -n 's/^ *reproduce: //p' <<<"$OUT")
contains "$cmd" "$F run $L/grade.lua --seed 1 --set solution=_wrong_commit_after_send.lua --set fault=coord_after --set loss=0"
expect_exit 1 eval "$cmd"
contains "$OUT" "t=5.094876s: txn 109: coord decided commit at t=4.698721s but coord decided abort"

# Same grade, same text, for any -j.
expect_exit 1 "$F" grade $L $L/_wrong_commit_after_send.lua -j 1
[ "$OUT" = "$TEXT" ] || fail "-j 1 and -j 2 differ"
expect_exit 1 "$F" grade $L $L/_wrong_decide_alone.lua -j 1 --json
J1=$OUT
expect_exit 1 "$F" grade $L $L/_wrong_decide_alone.lua -j 3 --json
[ "$OUT" = "$J1" ] || fail "--json differs between -j 1 and -j 3"

# JSON in Gradescope's shape.
jq -e '.score == 65 and (.tests | length) == 6' <<<"$J1" >/dev/null || fail "score/max/tests: $J1"
jq -e '[.tests[].max_score] | add == 100' <<<"$J1" >/dev/null || fail "max_scores do not add up"
jq -e '.tests[0] | .name == "no faults" and .score == 10 and .status == "passed"' <<<"$J1" >/dev/null || fail "tests[0]"
jq -e '.tests[1] | .score == 0 and .status == "failed" and (.output | contains("invariant atomicity")) and (.output | contains("reproduce: "))' \
  <<<"$J1" >/dev/null || fail "tests[1]: $(jq .tests[1] <<<"$J1")"
jq -e '.output == "total 65/100 (4 of 6 tests passed)"' <<<"$J1" >/dev/null || fail "output"
expect_exit 0 "$F" grade $L $L/_reference_2pc.lua -j 2 --json
jq -e '.score == 100 and all(.tests[]; .status == "passed")' <<<"$OUT" >/dev/null || fail "reference json"

# A solution outside the lab that raises an error: every test fails with
# the file:line, the grader goes on to the total.
cp $L/_reference_2pc.lua "$TMPDIR/boom.lua"
sed -i 's/    if msg.type == "BEGIN" then/    if msg.type == "BEGIN" and msg.txn == 3 then error("boom in BEGIN") end\n&/' "$TMPDIR/boom.lua"
line=$(grep -n 'boom in BEGIN' "$TMPDIR/boom.lua" | cut -d: -f1)
expect_exit 1 "$F" grade $L "$TMPDIR/boom.lua" -j 2
contains "$OUT" "the run stopped with an error:"
contains "$OUT" "$TMPDIR/boom.lua:$line: boom in BEGIN"
contains "$OUT" "reproduce: $F run $L/grade.lua --seed 1 --set solution=$TMPDIR/boom.lua"
contains "$OUT" "total 0/100 (0 of 6 tests passed)"

# One that spins: the instruction budget stops it, with its line.
cat > "$TMPDIR/spin.lua" <<'LUA'
local m = model { name = "spin", params = { participants = {}, coordinator = "coord", vote_no = 0.02 },
  on_message = function(self, msg)
    while true do end
  end }
return { coordinator = m, participant = m }
LUA
expect_exit 1 "$F" grade $L "$TMPDIR/spin.lua" -j 2 --max-instructions 200000
contains "$OUT" "the run stopped with an error:"
contains "$OUT" "$TMPDIR/spin.lua:3:"
contains "$OUT" "instruction"
contains "$OUT" "total 0/100"

# One that eats memory: the memory budget stops it.
cat > "$TMPDIR/hog.lua" <<'LUA'
local m = model { name = "hog", params = { participants = {}, coordinator = "coord", vote_no = 0.02 },
  init = function(self) self.state.t = {} end,
  on_message = function(self, msg)
    for i = 1, 1e9 do self.state.t[#self.state.t + 1] = { i } end
  end }
return { coordinator = m, participant = m }
LUA
expect_exit 1 "$F" grade $L "$TMPDIR/hog.lua" --mem-limit 8
contains "$OUT" "the run stopped with an error:"
contains "$OUT" "memory"
contains "$OUT" "total 0/100"

# Bad labs and bad usage: exit 2 with a message.
expect_exit 2 "$F" grade "$TMPDIR" $L/_reference_2pc.lua
contains "$ERR" "tests.lua"
mkdir "$TMPDIR/lab"
printf 'return { scenario = "grade.lua", tests = { { name = "x", points = -1, seeds = 2 } } }\n' > "$TMPDIR/lab/tests.lua"
expect_exit 2 "$F" grade "$TMPDIR/lab" $L/_reference_2pc.lua
contains "$ERR" "$TMPDIR/lab/tests.lua: test 1: points must be a whole number"
printf 'return { scenario = "grade.lua",\n  tests = { nil .. 1 } }\n' > "$TMPDIR/lab/tests.lua"
expect_exit 2 "$F" grade "$TMPDIR/lab" $L/_reference_2pc.lua
contains "$ERR" "$TMPDIR/lab/tests.lua:2:"
printf 'while true do end\n' > "$TMPDIR/lab/tests.lua"
expect_exit 2 "$F" grade "$TMPDIR/lab" $L/_reference_2pc.lua
contains "$ERR" "$TMPDIR/lab/tests.lua:1:"
expect_exit 2 "$F" grade $L
expect_exit 2 "$F" grade $L "$TMPDIR/missing.lua"
expect_exit 2 "$F" grade $L $L/_reference_2pc.lua --seeds 0
exit 0
