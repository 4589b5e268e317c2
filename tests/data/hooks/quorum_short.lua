-- _kv_faults.lua's quorum_distinct check must still catch clients that
-- move on early: kv.quorum.client with R = W = 1 against a check that
-- needs 2 distinct replicas, under duplication (so some replies count
-- twice in the hooks' tally but once in the check) and delay. The
-- violation count per seed is pinned in tests/sh/t_hook_types.sh: it was
-- measured with the helper's unfiltered hooks (every delivery and send
-- built an event table) and must not move now that they filter by type.
scenario { name = "quorum_short", duration = "2s", seeds = 3 }
local p = params { model = "quorum" }
local faults = include("../../../scenarios/_kv_faults.lua")
faults.network("all", { "s1", "s2", "s3" })
for i = 1, 3 do node("s" .. i, p.model == "abd" and "kv.abd" or "kv.quorum", { replicas = 3 }) end
if p.model == "abd" then
  clients { count = 3, model = "kv.abd.client",
    workload = { ops = { read = 1, write = 1 }, keys = 2, think = "2ms", timeout = "300ms", stop = "1.8s" } }
  faults.check_quorums({ ABD_QR = 0, ABD_UR = 1 }, 3)
else
  clients { count = 3, model = "kv.quorum.client", params = { r = 1, w = 1 },
    workload = { ops = { read = 1, write = 1 }, keys = 2, think = "2ms", timeout = "300ms", stop = "1.8s" } }
  faults.check_quorums({ GET_R = 0, PUT_R = 1 }, 2)
end
expect { invariants = { quorum_distinct = { min = 1 }, stale_read = { min = 0 } } }
