-- The ABD lab's grader. It loads a solution (a file returning
-- { server = model{...}, client = model{...} }), runs three servers s1-s3
-- and four clients reading and writing two keys under the fault named by
-- `fault`, and judges what went over the wire and what clients were told,
-- never what the solution says about itself:
--   linearizable  the clients' history is linearizable, one register per
--                 key starting at 0 (_lincheck.lua)
--   query_quorum  every completed operation heard QUERY_R for it from a
--                 majority of distinct servers
--   write_quorum  every completed write had UPDATE_R for it from a majority
--                 of distinct servers, for an UPDATE carrying its value
--   write_back    every completed read had UPDATE_R from a majority of
--                 distinct servers for an UPDATE carrying the value it
--                 returned (the read's second phase)
--   provenance    every value a server reports in QUERY_R reached it in an
--                 UPDATE (or is the initial 0), and every value a read
--                 returns came in a QUERY_R for that read
-- and availability: at least `min_availability` (95%) of the operations ok:
-- with at most one server down at a time, nothing should wait for long.
--
--   build/faultsim check scenarios/labs/abd/grade.lua --set fault=reorder
--   build/faultsim run scenarios/labs/abd/grade.lua --set solution=_my_abd.lua --set fault=loss --seed 3
scenario {
  name = "abd_grade",
  description = "ABD majority-quorum register under message and crash faults",
  duration = "4s",
  seeds = 10,
}

local p = params { solution = "_reference_abd.lua", fault = "none", min_availability = 0.95 }
local solution = include(p.solution)
if type(solution) ~= "table" or not solution.server or not solution.client then
  error(p.solution .. " must return { server = model{...}, client = model{...} }")
end

local servers = { "s1", "s2", "s3" }
local majority = #servers // 2 + 1
-- The network faults are the kv fault matrix's (scenarios/_kv_faults.lua);
-- "down" is this lab's own: s3 crashes at 0.2 s and stays down.
if p.fault == "down" then
  network { latency = "uniform:1ms,10ms", fifo = true }
  at("200ms", function() crash("s3") end)
else
  include("../../_kv_faults.lua").network(p.fault, servers)
end
for _, s in ipairs(servers) do node(s, solution.server, {}) end
local clients_list = clients {
  count = 4, model = solution.client, prefix = "client", params = { servers = servers },
  workload = { ops = { read = 1, write = 1 }, keys = 2, think = "5ms", timeout = "1s", stop = "3.5s" },
}
local is_client, is_server = {}, {}
for _, c in ipairs(clients_list) do is_client[c] = true end
for _, s in ipairs(servers) do is_server[s] = true end

-- What went over the wire, per client and op: the distinct servers that
-- answered each phase, and the values the client sent or heard.
local wire = {}  -- client .. "/" .. op -> record
local function rec(client, op)
  local k = client .. "/" .. tostring(op)
  local r = wire[k]
  if not r then
    r = { query_from = {}, nquery = 0, heard = {}, update_val = {}, acked = {}, nacked = {} }
    wire[k] = r
  end
  return r
end
local stored = {}  -- server .. "/" .. key .. "/" .. ts .. "/" .. wid -> val delivered in an UPDATE

on("send", function(ev)
  local m = ev.msg
  if not m or not m.op then return end
  if is_client[ev.node] and m.type == "UPDATE" then
    rec(ev.node, m.op).update_val[ev.peer .. "/" .. tostring(m.ts) .. "/" .. tostring(m.wid)] = m.val
  elseif is_server[ev.node] and m.type == "QUERY_R" then
    local known = m.ts == 0 and m.val == 0
      or stored[ev.node .. "/" .. tostring(m.key) .. "/" .. tostring(m.ts) .. "/" .. tostring(m.wid)] == m.val
    if not known then
      violation("provenance", string.format("%s answered %s's QUERY (op %s, key %s) with ts %s, wid %s, val %s, "
        .. "which no UPDATE delivered to it carried", ev.node, ev.peer, tostring(m.op), tostring(m.key),
        tostring(m.ts), tostring(m.wid), tostring(m.val)))
    end
  end
end)

on("deliver", function(ev)
  local m = ev.msg
  if not m or not m.op then return end
  if is_server[ev.node] and m.type == "UPDATE" then
    stored[ev.node .. "/" .. tostring(m.key) .. "/" .. tostring(m.ts) .. "/" .. tostring(m.wid)] = m.val
  elseif is_client[ev.node] and m.type == "QUERY_R" then
    local r = rec(ev.node, m.op)
    if not r.query_from[ev.peer] then r.query_from[ev.peer] = true; r.nquery = r.nquery + 1 end
    r.heard[tostring(m.val)] = true
  elseif is_client[ev.node] and m.type == "UPDATE_R" then
    -- The ack counts for the value of the UPDATE this client sent that
    -- server with the same ts and wid.
    local r = rec(ev.node, m.op)
    local val = r.update_val[ev.peer .. "/" .. tostring(m.ts) .. "/" .. tostring(m.wid)]
    if val ~= nil then
      local byval = r.acked[val] or {}
      r.acked[val] = byval
      if not byval[ev.peer] then byval[ev.peer] = true; r.nacked[val] = (r.nacked[val] or 0) + 1 end
    end
  end
end)

local lin = include("_lincheck.lua").new()
on("op", function(ev)
  if not is_client[ev.node] then return end
  lin.observe(ev)
  local op = ev.op
  local r = rec(ev.node, op.id)
  if op.type == "invoke" then r.written = op.value end
  if op.type ~= "ok" then return end
  local what = string.format("%s's %s (op %d, key %s, value %s)", ev.node, op.f, op.id, tostring(op.key), tostring(op.value))
  if r.nquery < majority then
    violation("query_quorum", string.format("%s completed at t=%.6fs after QUERY_R from %d distinct servers; a majority is %d",
      what, ev.time, r.nquery, majority))
  end
  local value = op.f == "write" and r.written or op.value
  local acks = r.nacked[value] or 0
  if op.f == "write" and acks < majority then
    violation("write_quorum", string.format("%s completed at t=%.6fs with %d distinct UPDATE_R for an UPDATE of its value; a majority is %d",
      what, ev.time, acks, majority))
  elseif op.f == "read" then
    if acks < majority then
      violation("write_back", string.format("%s returned at t=%.6fs after writing its value back to %d distinct servers; a majority is %d",
        what, ev.time, acks, majority))
    end
    if not r.heard[tostring(op.value)] then
      violation("provenance", string.format("%s returned a value no QUERY_R for that read carried", what))
    end
  end
end)

invariant("query_quorum", function() return true end)
invariant("write_quorum", function() return true end)
invariant("write_back", function() return true end)
invariant("provenance", function() return true end)
invariant("linearizable", function() return lin.verdict() end)

expect {
  invariants = { linearizable = 0, query_quorum = 0, write_quorum = 0, write_back = 0, provenance = 0 },
  availability_min = p.min_availability,
}
