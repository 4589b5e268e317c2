-- kv.abd under an open-loop workload: arrivals do not wait for replies, so
-- a client often has several operations pending at once (told apart by
-- their op ids). The clients' finish hook checks the history for
-- linearizability; it must be checked (abd_lincheck = 1), not refused.
scenario { name = "abd_open_loop", duration = "3s", seeds = 3 }

network { latency = "uniform:1ms,20ms", loss = 0.05 }
local servers = {}
for i = 1, 3 do servers[i] = node("s" .. i, "kv.abd", { replicas = 3 }) end
clients {
  count = 3, model = "kv.abd.client",
  workload = { mode = "open", rate = 100, ops = { read = 1, write = 1 }, keys = 2,
               timeout = "200ms", stop = "2.5s" },
}
at("1s", function() crash_restart(servers[1], 0.5) end)

expect { invariants = { linearizable = 0 }, metrics = { abd_lincheck = 1 } }
