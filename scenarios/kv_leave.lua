-- Membership change the other way: 11 kv.quorum servers hold 11,000
-- preloaded keys (one replica each by default); at 1 s an operator command
-- (a kv.quorum.admin node, added with node()) tells one server to leave. It
-- hands its key ranges to their new owners and announces LEAVE to every
-- server and client; every server hands off exactly the keys whose
-- preference list gained a node. A consistent ring moves about 1/11 of the
-- keys (1,000); modulo placement about 10/11 (10,000). Two clients keep
-- reading and writing throughout; at the end every key ever stored must be
-- held by all of its replicas among the 10 remaining servers.
-- Try --set ring=modulo, --set replicas=3, --set leave=s6 (jump, which can
-- only drop its last bucket cheaply, then moves about half of the keys),
-- --set duplicate=0.3 (every link delivers 30% of messages twice).
scenario { name = "kv_leave", duration = "3s", seeds = 3 }

local p = params { ring = "vnodes", replicas = 1, keys = 11000, leave = "s11", rate = 100, loss = 0.01, client_loss = 0.0,
                   duplicate = 0.0 }
network { latency = "uniform:1ms,3ms", loss = p.loss, duplicate = p.duplicate }
local cfg = { ring = p.ring, replicas = p.replicas, preload = p.keys }
for i = 1, 11 do node("s" .. i, "kv.quorum", cfg) end
local cs = clients {
  count = 2, model = "kv.quorum.client",
  workload = { mode = "open", rate = p.rate, ops = { read = 1, write = 1 }, keys = p.keys,
               timeout = "200ms", start = "0.5s", stop = "2.5s" },
}
-- Servers lose `loss` of their messages (handoffs and announcements are
-- resent); the clients' links lose `client_loss`, 0 by default, so any
-- failed operation is the leave's doing.
for _, c in ipairs(cs) do
  for i = 1, 11 do link(c, "s" .. i, { loss = p.client_loss, duplicate = p.duplicate }) end
end
at("1s", function() node("admin", "kv.quorum.admin", { leave = p.leave }) end)

local share = p.ring == "modulo" and 10 / 11 or p.replicas / 11
metric("kv_keys_moved_expected", p.keys * share)
local m = { kv_divergent_keys = 0, kv_under_replicated_keys = 0, kv_lost_keys = 0, kv_members = 10,
            kv_read_availability = { min = 0.99 }, kv_write_availability = { min = 0.99 } }
if p.ring ~= "jump" or p.leave == "s11" then
  m.kv_keys_moved = { min = p.keys * share * 0.75, max = p.keys * share * 1.25 }
end
expect { metrics = m }
