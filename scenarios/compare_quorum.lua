-- The quorum half of the 2PC-or-quorum question (see compare_2pc.lua): three
-- kv.quorum replicas, N = 3, writes wait for W = 2; every node down a
-- fraction `down` of the time, the same open-loop rate of writes. A write is
-- available when two of its three replicas answer.
scenario { name = "compare_quorum", duration = "60s", seeds = 5 }

local p = params { down = 0.05, w = 2 }
assert(p.down > 0 and p.down < 1, "down must be in (0, 1)")
local mttr = 0.5
network { latency = "uniform:1ms,3ms" }
local servers = {}
for i = 1, 3 do servers[i] = node("s" .. i, "kv.quorum", { replicas = 3 }) end
clients {
  count = 1, model = "kv.quorum.client", params = { w = p.w, r = p.w },
  workload = { mode = "open", rate = 50, ops = { "write" }, timeout = "500ms", keys = 100, start = "2s" },
}
nemesis.crashes { nodes = servers, mttf = mttr * (1 - p.down) / p.down, mttr = mttr }

-- k-of-n: at least W of 3 replicas up.
local q = 1 - p.down
metric("formula_quorum", q ^ 3 + 3 * q ^ 2 * p.down)
expect { violations = 0 }
