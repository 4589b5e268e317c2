# Counters the lock and txn models report show 0 when nothing happened,
# instead of going missing from the report (issue 10 #22).
. "$ROOT/tests/sh/lib.sh"
set -e
expect_exit 0 "$FAULTSIM" run "$ROOT/scenarios/lock_network_faults.lua" --set model=lock.lease --set fault=none --json
for m in locks_deleted_by_non_owner server_requests_refused acquire_timeouts stale_token_rejections; do
  [ "$(printf '%s' "$OUT" | jq --arg m "$m" '.metrics[$m]')" = 0 ] || fail "fault-free lock run: metrics.$m is not 0"
done
expect_exit 0 "$FAULTSIM" run "$ROOT/scenarios/txn_2pc_nofault.lua" --json
for m in txn.lock_conflicts txn.coord_recovery_aborts txn.coord_recovery_resends txn.total_failure_aborts \
         txn.blocked txn.atomicity_online; do
  [ "$(printf '%s' "$OUT" | jq --arg m "$m" '.metrics[$m]')" = 0 ] || fail "fault-free 2PC run: metrics.$m is not 0"
done
expect_exit 0 "$FAULTSIM" run "$ROOT/scenarios/lock_lease_renew.lua" --set renew=false --json
[ "$(printf '%s' "$OUT" | jq '.metrics.extends_sent')" = 0 ] || fail "no renewal: extends_sent is not 0"
