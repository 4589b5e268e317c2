-- Membership change: 10 kv.quorum servers hold 11,000 preloaded keys (one
-- replica each); at 1 s an 11th server joins with node() and the old owners
-- hand off exactly the keys whose preference list changed. A consistent
-- ring moves about 1/11 of the keys (1,000); modulo placement moves about
-- 10/11 (10,000). Try --set ring=modulo, --set replicas=3, --set duplicate=0.3.
scenario { name = "kv_join", duration = "3s", seeds = 3 }

local p = params { ring = "vnodes", replicas = 1, keys = 11000, duplicate = 0.0 }
network { latency = "uniform:1ms,3ms", loss = 0.01, duplicate = p.duplicate }
local cfg = { ring = p.ring, replicas = p.replicas, preload = p.keys }
for i = 1, 10 do node("s" .. i, "kv.quorum", cfg) end
at("1s", function()
  node("s11", "kv.quorum", { ring = p.ring, replicas = p.replicas, join = true })
end)

local share = p.ring == "modulo" and 10 / 11 or p.replicas / 11
metric("kv_keys_moved_expected", p.keys * share)
expect { metrics = {
  kv_keys_moved = { min = p.keys * share * 0.75, max = p.keys * share * 1.25 },
  kv_divergent_keys = 0, kv_keys = p.keys,
} }
