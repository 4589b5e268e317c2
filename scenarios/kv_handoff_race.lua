-- A write that lands on a leaving server while its handoff is in flight.
-- Two kv.quorum servers, N = R = W = 1, one key. client1 writes it over
-- slow links (15 ms each way), one write at a time, stamping versions with
-- its clock (versions = "clock": a write is one round trip, so its target is
-- fixed when it starts; every clock is right here). At 1 s an admin node
-- tells the key's owner to leave: the owner sends HANDOFF (the cell it
-- holds) to the other server and LEAVE to everyone. client1's last write
-- on the old view reaches the leaving owner before the HANDOFF_ACK comes
-- back (the servers' link is slow too); the owner keeps it, acknowledges
-- it, and must hand it on. The ACK that then arrives is for the older
-- cell: it must not close the handoff, or the owner drops the key and the
-- acknowledged write is lost. client2 reads the key from the new owner
-- once the handoff is over (from 1.7 s; the slowed resend goes out at
-- about 1.5 s): a lost write shows as stale reads (invariant `stale_read`). From 1 s client1 cannot reach the new owner, so its
-- writes on the new view time out instead of covering the loss; resends
-- are slowed down (handoff_retry) for the same reason. Duplicated messages
-- (--set duplicate=0.3) deliver acks twice and late as well.
scenario { name = "kv_handoff_race", duration = "2.5s", seeds = 20 }

local p = params { duplicate = 0.0 }
network { latency = "uniform:1ms,3ms", duplicate = p.duplicate }
local cfg = { replicas = 1, preload = 1, handoff_retry = "500ms" }
node("s1", "kv.quorum", cfg)
node("s2", "kv.quorum", cfg)
link("s1", "s2", { latency = "35ms", duplicate = p.duplicate })
local cs = clients { count = 2, model = "kv.quorum.client", params = { r = 1, w = 1, versions = "clock" } }
for _, s in ipairs({ "s1", "s2" }) do link("client1", s, { latency = "15ms", duplicate = p.duplicate }) end
workload(cs[1], { ops = { "write" }, keys = 1, think = "1ms", timeout = "100ms", start = "0.5s", stop = "1.3s" })
workload(cs[2], { mode = "open", rate = 200, ops = { "read" }, keys = 1, timeout = "200ms", start = "1.7s", stop = "2.4s" })
-- The first request names the key's owner; that server leaves at 1 s.
local owner
once({ kind = "send", type = "PUT", node = "client1" }, function(ev) owner = ev.peer end)
at("1s", function()
  node("admin", "kv.quorum.admin", { leave = owner })
  cut("client1", owner == "s1" and "s2" or "s1")
end)

expect { invariants = { stale_read = 0 }, metrics = { kv_members = 1, kv_lost_keys = 0, kv_forwarded_writes = { min = 1 },
         kv_read_availability = 1, kv_write_ok = { min = 10 } } }
