-- expect: workload_unknown_op.lua:5: workload for 'client1': model 'kv.quorum.client' has no operation 'get' (its operations: read, write)
-- Outside testers' case (issue 10 #23): before, every op failed silently.
for i = 1, 3 do node("s" .. i, "kv.quorum", { replicas = 3 }) end
local c = clients { count = 1, model = "kv.quorum.client" }
workload(c[1], { ops = { get = 1, put = 1 }, keys = 3 })
