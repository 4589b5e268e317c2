-- 2PC with no faults: every transaction commits (no NO votes), touching all
-- three participants; the protocol's exact costs are asserted: 4 messages per
-- participant (PREPARE, VOTE, COMMIT, ACK) and 2n+1 = 7 forced writes per
-- transaction (n PREPARED, the coordinator's COMMIT, n COMMIT). One client,
-- so no lock conflicts make transactions abort.
scenario { name = "txn_2pc_nofault", description = "2PC, no faults", duration = "5s", seeds = 10 }
local p = params { proto = "2pc", vote_no = 0.0, subset = false }
local parts = { "p1", "p2", "p3" }
network { latency = "uniform:1ms,5ms" }
node("coord", "txn." .. p.proto .. ".coordinator", { participants = parts })
for _, n in ipairs(parts) do
  node(n, "txn." .. p.proto .. ".participant", { participants = parts, vote_no = p.vote_no })
end
clients {
  count = 1, model = "txn.client", params = { coordinator = "coord", participants = parts, subset = p.subset },
  workload = { mode = "closed", ops = { "txn" }, think = "20ms", timeout = "1s", keys = 50, stop = "4s" },
}
expect {
  violations = 0, availability_min = 0.99,
  metrics = { ["txn.msgs_per_participant"] = 4, ["txn.forced_writes_per_txn"] = 7,
              ["txn.in_doubt_at_end"] = 0, ["txn.locks_held_at_end"] = 0, ["txn.blocked"] = 0 },
}
