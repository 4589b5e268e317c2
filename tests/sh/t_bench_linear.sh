# bench/linear.lua (the wrapper bench_linear.c runs every family through):
# snapshot_every > 0 reaches every Raft server (raft, zk.server) and no
# other node, while 0 leaves the scenario as shipped (no server snapshots).
source "$ROOT/tests/sh/lib.sh"
set -e
L="$ROOT/bench/linear.lua"

expect_exit 1 fs run "$L" --set scenario=raft_nemesis.lua --set T=4s --json
lacks "$OUT" "raft_snapshots_taken" "raft_nemesis without snapshot_every"

expect_exit 1 fs run "$L" --set scenario=raft_nemesis.lua --set T=4s --set snapshot_every=20
contains "$OUT" "simulated 4.000 s"
taken=$(echo "$OUT" | awk '$1 == "raft_snapshots_taken" { print $2 }')
[ -n "$taken" ] && [ "$taken" -gt 0 ] || fail "snapshot_every=20 took no snapshot (got '$taken')"

# zk.server gets it too; the zk clients and probes (other models) do not
# declare the parameter, and the run still completes.
expect_exit 0 fs run "$L" --set scenario=zk_faults.lua --set T=3s --set snapshot_every=20
taken=$(echo "$OUT" | awk '$1 == "raft_snapshots_taken" { print $2 }')
[ -n "$taken" ] && [ "$taken" -gt 0 ] || fail "zk: snapshot_every=20 took no snapshot (got '$taken')"

