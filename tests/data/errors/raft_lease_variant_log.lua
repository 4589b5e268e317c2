-- expect: (raft.lease_no_drift_margin): read must be "lease"
node("s1", "raft.lease_no_drift_margin", { peers = "s1", check_quorum = true })
