# Labs 3-5 (scenarios/labs/{ring,abd,raft}): each folder follows the lab
# contract (README.md, grade.lua, tests.lua, a skeleton, a reference, at
# least two wrong solutions and a cheating one); the reference holds every
# test of tests.lua over that test's seeds; every wrong or cheating solution
# fails the test listed for it below, naming the invariant that explains
# its bug. LABS_SEEDS=A-B runs the references over seeds A-B in every test
# instead (tests/soak/labs.sh: 1-1000).
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"

# tests_of LAB: one line per test of LAB/tests.lua, "NAME<TAB>SEEDS<TAB>k=v k=v",
# read by faultsim itself (tests.lua is Lua data).
tests_of() {
  cat >"$TMPDIR/list.lua" <<EOF
scenario { name = "list_tests", duration = "1ms" }
local t = include("$ROOT/scenarios/labs/$1/tests.lua")
assert(t.scenario == "grade.lua", "tests.lua: scenario must be grade.lua")
for _, x in ipairs(t.tests) do
  assert(type(x.name) == "string" and math.type(x.points) == "integer" and x.seeds, "tests.lua: a test needs name, points, seeds")
  local sets = {}
  for k, v in pairs(x.set or {}) do sets[#sets + 1] = k .. "=" .. tostring(v) end
  print(x.name .. "\t" .. tostring(x.seeds) .. "\t" .. table.concat(sets, " "))
end
EOF
  "$FAULTSIM" run "$TMPDIR/list.lua" 2>&1 >/dev/null | grep -P '\t' | sed 's/^\[t=[^]]*\] //' || fail "$1/tests.lua lists no tests"
}

# check_test LAB SOLUTION SEEDS SETS: faultsim check of one test; $OUT, $RC.
check_test() {
  local args=(check --jobs 2 --seeds "$3" --set "solution=$2")
  for kv in $4; do args+=(--set "$kv"); done
  set +e
  OUT=$("$FAULTSIM" "${args[@]}" "scenarios/labs/$1/grade.lua" 2>&1)
  RC=$?
  set -e
}

for lab in ring abd raft; do
  d=scenarios/labs/$lab
  for f in README.md grade.lua tests.lua; do [ -f "$d/$f" ] || fail "$d lacks $f"; done
  for pat in '_skeleton_*.lua' '_reference_*.lua' '_cheat_*.lua'; do
    compgen -G "$d/$pat" >/dev/null || fail "$d lacks $pat"
  done
  [ "$(compgen -G "$d/_wrong_*.lua" | wc -l)" -ge 2 ] || fail "$d has fewer than two _wrong_*.lua"
  ref=$(basename "$(compgen -G "$d/_reference_*.lua" | head -1)")
  list=$(tests_of "$lab")
  [ -n "$list" ] || fail "$lab/tests.lua lists no tests"
  while IFS=$'\t' read -r name seeds sets; do
    [[ $seeds =~ ^[0-9]+(-[0-9]+)?$ ]] || fail "$lab test '$name': seeds '$seeds'"
    check_test "$lab" "$ref" "${LABS_SEEDS:-$seeds}" "$sets"
    [ "$RC" = 0 ] || fail "$lab reference fails test '$name': $OUT"
  done <<<"$list"
done

# Every wrong or cheating solution fails the test named here, and that
# test's FAIL line names the invariant that explains the bug (the one it
# violated first by name; its other tests are not run, to stay cheap).
while IFS='|' read -r lab sol test inv; do
  [ -n "$lab" ] || continue
  [ -f "scenarios/labs/$lab/$sol" ] || fail "no scenarios/labs/$lab/$sol"
  line=$(tests_of "$lab" | grep -P "^\Q$test\E\t") || fail "$lab has no test '$test'"
  IFS=$'\t' read -r name seeds sets <<<"$line"
  check_test "$lab" "$sol" "$seeds" "$sets"
  [ "$RC" = 1 ] || fail "$lab $sol: test '$test' exits $RC, expected 1 (failed): $OUT"
  contains "$OUT" "invariant $inv " "$lab $sol, test '$test'"
done <<'EOF'
ring|_wrong_modulo.lua|placement, 100 virtual nodes|moves_on_join
ring|_wrong_delete_early.lua|handoff under crashes|no_key_lost
ring|_cheat_shared.lua|handoff, no faults|transfers
abd|_wrong_no_writeback.lua|no faults|write_back
abd|_wrong_early_ack.lua|no faults|write_quorum
abd|_cheat_local.lua|no faults|provenance
raft|_wrong_volatile_vote.lua|C: a voter restarts mid-election|election_safety
raft|_wrong_commit_old_terms.lua|B: Figure 8|leader_completeness
raft|_cheat_fake_leader.lua|B: agreement without faults|replies
EOF
