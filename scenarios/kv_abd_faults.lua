-- kv.abd under each network fault on its own and all combined (the fault
-- matrix; tests/sh/t_kv_faults.sh runs every row): N = 3, majority
-- quorums. Five clients read and write two keys, one operation at a time
-- each (the linearizability checker wants one operation per process at a
-- time). The default fault is duplication: a reply
-- delivered twice must not count twice towards a majority (invariant
-- `quorum_distinct`, from the messages delivered), and a request
-- delivered twice must do no harm. Promised under every fault: the history
-- is linearizable (invariant `linearizable`) and no read is stale
-- (invariant `stale_read`).
scenario { name = "kv_abd_faults", duration = "5s", seeds = 10 }

local p = params { fault = "duplicate" }
local faults = include("_kv_faults.lua")
faults.servers(p.fault, "kv.abd")
clients {
  count = 5, model = "kv.abd.client",
  workload = { ops = { read = 1, write = 1 }, keys = 2, think = "2ms", timeout = "300ms", stop = "4.5s" },
}

-- Both phases of every operation need a majority of distinct replicas.
faults.check_quorums({ ABD_QR = 0, ABD_UR = 1 }, 2)

expect { invariants = { linearizable = 0, stale_read = 0, quorum_distinct = 0 }, metrics = { abd_lincheck = 1, abd_reads_checked = { min = 100 } } }
