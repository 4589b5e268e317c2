-- kv.quorum under each network fault on its own and all combined (the
-- fault matrix; tests/sh/t_kv_faults.sh runs every row): N = 3, R = W = 2,
-- versions from the write's read phase. Four clients read and write two
-- keys one operation at a time, a fifth keeps several operations in flight
-- (so writes of one coordinator overlap). The default fault is duplication:
-- a reply delivered twice must not count twice towards a quorum (invariant
-- `quorum_distinct`, from the messages delivered).
-- Promised under every fault: no stale read (invariant `stale_read`,
-- judged in real time). Without loss or crashes every PUT reaches every
-- replica, so the replicas also end up agreeing (kv_divergent_keys = 0).
-- Not promised: linearizability (a read can see a write in progress and a
-- later read miss it; reads do not write back): see docs/kv.md.
scenario { name = "kv_quorum_faults", duration = "5s", seeds = 10 }

-- --set lincheck=true runs the linearizability checker too (invariant
-- `linearizable`, not expected to hold; docs/kv.md counts how often it
-- fails); the fifth client then also waits for each operation, since the
-- checker wants one operation per process at a time.
-- --set send_to=quorum: each phase asks only the two replicas it needs
-- and the third after 20 ms without their replies (kv.quorum.client's
-- send_to); the same invariants must hold. The replicas then end up
-- agreeing only as far as read repair reaches the one not asked, so
-- kv_divergent_keys is not expected to be 0.
local p = params { fault = "duplicate", lincheck = false, send_to = "all" }
local faults = include("_kv_faults.lua")
faults.servers(p.fault, "kv.quorum")
local cs = clients {
  count = 5, model = "kv.quorum.client", params = { r = 2, w = 2, lincheck = p.lincheck, send_to = p.send_to },
}
for i = 1, p.lincheck and 5 or 4 do
  workload(cs[i], { ops = { read = 1, write = 1 }, keys = 2, think = "2ms", timeout = "300ms", stop = "4.5s" })
end
if not p.lincheck then
  workload(cs[5], { mode = "open", rate = 200, ops = { read = 1, write = 1 }, keys = 2, timeout = "300ms", stop = "4.5s" })
end

-- Every quorum from distinct replicas: R = 2 for a read and for a write's
-- version query, W = 2 for its PUT.
faults.check_quorums({ GET_R = 0, PUT_R = 1 }, 2)

local m = { kv_reads_checked = { min = 100 } }
if p.fault ~= "loss" and p.fault ~= "crash" and p.fault ~= "all" and p.send_to == "all" then
  m.kv_divergent_keys = 0
end
expect { invariants = { stale_read = 0, quorum_distinct = 0 }, metrics = m }
