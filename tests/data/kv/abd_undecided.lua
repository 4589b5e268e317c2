-- kv.abd whose linearizability check runs out of steps: undecided, not a
-- violation, and the report says why (tests/sh/t_undecided_note.sh).
scenario { name = "abd_undecided", duration = "2s" }
local servers = {}
for i = 1, 3 do servers[i] = node("s" .. i, "kv.abd", { replicas = 3 }) end
clients { count = 3, model = "kv.abd.client", params = { lincheck_max_steps = 10 },
  workload = { ops = { read = 1, write = 1 }, keys = 1, think = "1ms", timeout = "200ms" } }
