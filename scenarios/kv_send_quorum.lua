-- kv.quorum.client with send_to = "quorum" (a phase asks only the R or W
-- replicas it needs, and more of the preference list after sloppy_after
-- without their replies) under the network faults that take a request or a
-- reply away, or deliver it twice. N = 3, R = W = 2, versions from the
-- write's read phase (two phases per write); four clients, one operation
-- in flight each, 2 ms think, 150 ms timeout, 20 ms sloppy_after. Faults
-- (`fault`): none, loss (10% of messages), duplicate (30%), both from
-- scenarios/_kv_faults.lua (latency uniform 1-10 ms, FIFO), and cut: the
-- link client1 -> s1 is cut for the whole run, so every request client1
-- sends s1 is lost.
-- What must hold, with send_to = "quorum" and with --set send_to=all alike:
--   stale_read, quorum_distinct   no stale read; every phase that moved on
--       was answered by two distinct replicas (a duplicated reply counts
--       once)
--   availability_as_predicted     a phase completes exactly when at least
--       two of its three replicas answer in time: with send_to = "all" all
--       three are asked at once, with "quorum" the third is asked after
--       20 ms when one of the first two is silent. A round trip succeeds
--       with q = 0.9^2 under loss, so a read succeeds with
--       P2 = q^3 + 3 q^2 (1 - q) and a write (two phases) with P2^2; the
--       measured shares must be within 5 standard deviations of these. With
--       no loss every operation succeeds. A client that did not ask the
--       third replica would succeed with q^2 per phase: 0.66 for a read
--       instead of 0.91.
--   kv_extra_requests   with "quorum", more than 0 under loss and the cut
--       (the silent replica was covered), 0 without loss (every reply
--       comes within 20 ms); always 0 with "all".
-- Metric requests_per_op: GET and PUT requests the clients sent (read
-- repairs not counted) per operation invoked.
scenario { name = "kv_send_quorum", duration = "10s", seeds = 5 }

local p = params { fault = "loss", send_to = "quorum" }
local faults = include("_kv_faults.lua")
assert(p.fault == "none" or p.fault == "loss" or p.fault == "duplicate" or p.fault == "cut",
  "fault must be one of none, loss, duplicate, cut; not " .. tostring(p.fault))
faults.servers(p.fault == "cut" and "none" or p.fault, "kv.quorum")
local cs = clients {
  count = 4, model = "kv.quorum.client", params = { r = 2, w = 2, send_to = p.send_to },
  workload = { ops = { read = 1, write = 1 }, keys = 4, think = "2ms", timeout = "150ms", stop = "9.5s" },
}
if p.fault == "cut" then cut(cs[1], "s1") end

faults.check_quorums({ GET_R = 0, PUT_R = 1 }, 2)

local loss = p.fault == "loss" and 0.1 or 0
local q = (1 - loss) ^ 2
local p2 = q ^ 3 + 3 * q ^ 2 * (1 - q)
local predicted = { read = p2, write = p2 ^ 2 }
local count = { read = { n = 0, ok = 0 }, write = { n = 0, ok = 0 } }
local invoked, requests = 0, 0
-- the type list is checked in C, so other sends build no event table
on({ kind = "send", type = { "GET", "PUT" }, where = function(ev)
  return (ev.msg.rid or 0) > 0
end }, function() requests = requests + 1 end)
on("op", function(ev)
  local op = ev.op
  if op.type == "invoke" then invoked = invoked + 1; return end
  local c = count[op.f]
  c.n = c.n + 1
  if op.type == "ok" then c.ok = c.ok + 1 end
end)
invariant("availability_as_predicted", function()
  metric("requests_per_op", requests / math.max(invoked, 1))
  local bad = {}
  for _, f in ipairs({ "read", "write" }) do
    local c, want = count[f], predicted[f]
    local got = c.n > 0 and c.ok / c.n or 0
    metric(f .. "_availability", got)
    metric(f .. "_availability_predicted", want)
    local sigma = math.sqrt(want * (1 - want) / math.max(c.n, 1))
    if c.n < 100 or math.abs(got - want) > 5 * sigma then
      bad[#bad + 1] = string.format("%d %ss, %.4f ok, predicted %.4f +- %.4f (5 sigma)", c.n, f, got, want, 5 * sigma)
    end
  end
  return #bad == 0, table.concat(bad, "; ")
end)

local extra = 0
if p.send_to == "quorum" and (p.fault == "loss" or p.fault == "cut") then extra = { min = 1 } end
expect { invariants = { stale_read = 0, quorum_distinct = 0, availability_as_predicted = 0 },
         metrics = { kv_extra_requests = extra } }
