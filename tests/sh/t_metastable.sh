# scenarios/metastable.lua and scenarios/capacity_n_minus_1.lua beyond
# their default variants (which `make test` checks at seeds 1-2): every
# mitigation with open- and closed-loop clients, and the N-1 service at
# 60% load, each over seeds 3-5, must show what its expect{} says (the
# failure stays without mitigation and with backoff in the open loop, and
# is survived otherwise; at 60% load losing a replica keeps availability
# >= 0.99). And the expectations can fail: the metastable run judged by
# the survivors' expectations (a closed-loop run without mitigation
# reports the collapse) does not pass.
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"
sc=scenarios/metastable.lua
for mitigation in none backoff budget shed; do
  for loop in open closed; do
    expect_exit 0 fs check --seeds 3-5 --jobs 2 --set "mitigation=$mitigation" --set "loop=$loop" "$sc"
    contains "$OUT" "PASS"
  done
done
expect_exit 0 fs check --seeds 3-5 --jobs 2 --set load=0.6 scenarios/capacity_n_minus_1.lua
contains "$OUT" "PASS"

# What the variants measured, from one run each (seed 3).
metric() { # MITIGATION LOOP NAME
  fs run "$sc" --seed 3 --set "mitigation=$1" --set "loop=$2" --json | jq -r ".metrics.$3"
}
awk -v a="$(metric backoff open avail_after)" -v b="$(metric backoff closed avail_after)" \
  'BEGIN { exit !(a <= 0.05 && b >= 0.99) }' || fail "backoff: open loop must stay down, closed loop recover"
awk -v x="$(metric none open attempts_per_op)" 'BEGIN { exit !(x > 3.9 && x <= 4) }' ||
  fail "without mitigation a failing operation makes max + 1 = 4 attempts"
