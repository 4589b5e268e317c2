-- Is 2PC or a quorum more available as nodes fail more often? This is the
-- 2PC half: a coordinator and three participants, every node down a
-- fraction `down` of the time (crash-restart, down for Exp(500 ms) at a
-- time), an open-loop stream of transactions over all participants. A
-- transaction is available when it commits: it needs all four nodes.
-- scenarios/compare_quorum.lua is the other half; `make curve` sweeps both.
scenario { name = "compare_2pc", duration = "60s", seeds = 5 }

-- `rate` (transactions per second) and `length` (simulated time) size the run:
-- tests/sh/t_txn_check_scales.sh runs it for 400 s at 60 tx/s.
local p = params { down = 0.05, rate = 50, length = "60s" }
duration(p.length)
assert(p.down > 0 and p.down < 1, "down must be in (0, 1)")
local mttr = 0.5
local parts = { "p1", "p2", "p3" }
network { latency = "uniform:1ms,3ms" }
node("coord", "txn.2pc.coordinator", { participants = parts })
for _, n in ipairs(parts) do node(n, "txn.2pc.participant", { participants = parts }) end
clients {
  count = 1, model = "txn.client", params = { coordinator = "coord", participants = parts, keys = 100000 },
  workload = { mode = "open", rate = p.rate, ops = { "txn" }, timeout = "500ms", keys = 100000, start = "2s" },
}
nemesis.crashes { nodes = { "coord", "p1", "p2", "p3" }, mttf = mttr * (1 - p.down) / p.down, mttr = mttr }

-- Availability if each transaction needed all 4 nodes up at one instant.
metric("formula_all_up", (1 - p.down) ^ 4)
expect { violations = 0 }
