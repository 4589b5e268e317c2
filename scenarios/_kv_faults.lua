-- Network and crash faults for the kv fault matrix (kv_quorum_faults.lua,
-- kv_abd_faults.lua), one at a time or all at once, and a direct check that
-- no quorum was made of fewer distinct replicas than it needs. Returns a
-- table:
--   network(fault, servers) sets up the network with the fault named
--                           `fault` (crashes among the names in `servers`,
--                           nodes added after)
--   servers(fault, model)   sets up the network with the fault named
--                           `fault` and three servers s1-s3 running `model`
--                           with N = 3; returns their names
--   check_quorums(replies, need)
--     declares invariant `quorum_distinct`: every phase of an operation
--     that moved on (to the next phase, or to an ok completion) had answers
--     from at least `need` distinct replicas. `replies` maps reply
--     message types to phases ({ GET_R = 0, PUT_R = 1 }); a reply's `rid`
--     is op id * 2 + phase, as kv.quorum.client and kv.abd.client number
--     them. A reply delivered twice (duplication) counts once here; a
--     client that counted it twice would complete early and fail this.
-- The faults:
--   none       latency uniform 1-10 ms, links keep send order (FIFO)
--   loss       10% of messages lost
--   duplicate  30% of messages delivered twice
--   reorder    latency uniform 1-40 ms and no FIFO: messages overtake
--              each other
--   delay      heavy-tailed latency, lognormal median 3 ms, sigma 1.2
--              (1% of messages take over 50 ms; FIFO, so one slow message
--              holds up those behind it)
--   crash      one server at a time crash-restarts every second (down
--              0.1-0.7 s; stores are durable)
--   all        loss 5%, duplicate 20%, lognormal latency without FIFO, and
--              the crashes
local base = "uniform:1ms,10ms"
local faults = {
  none = { latency = base, fifo = true },
  loss = { latency = base, fifo = true, loss = 0.1 },
  duplicate = { latency = base, fifo = true, duplicate = 0.3 },
  reorder = { latency = "uniform:1ms,40ms", fifo = false },
  delay = { latency = "lognormal:3ms,1.2", fifo = true },
  crash = { latency = base, fifo = true, crashes = true },
  all = { latency = "lognormal:3ms,1.2", fifo = false, loss = 0.05, duplicate = 0.2, crashes = true },
}

local M = {}

function M.network(fault, servers)
  local f = faults[fault]
  assert(f, "fault must be one of none, loss, duplicate, reorder, delay, crash, all; not " .. tostring(fault))
  network { latency = f.latency, fifo = f.fifo, loss = f.loss or 0, duplicate = f.duplicate or 0 }
  if f.crashes then
    local r = rng("kv_faults")
    every("1s", function()
      crash_restart(servers[r:random(1, #servers)], r:random() * 0.6 + 0.1)
    end)
  end
end

function M.servers(fault, model)
  local servers = { "s1", "s2", "s3" }
  M.network(fault, servers)
  for _, s in ipairs(servers) do node(s, model, { replicas = 3 }) end
  return servers
end

-- The request that opens phase 1, by the reply type of phase 1, for the
-- clients whose rid numbering check_quorums relies on: kv.quorum.client's
-- PUT and kv.abd.client's ABD_U are the only messages they send with an
-- odd rid. With it the send hook is filtered by type in C, so the event
-- table is built only for those sends; a reply type not listed here
-- leaves the hook looking at every send, as it did.
local phase1_request = { PUT_R = "PUT", ABD_UR = "ABD_U" }

function M.check_quorums(replies, need)
  -- Per client (by node name), kept in tables keyed by integers so that no
  -- hook formats a number into a string key:
  --   from[client][rid]           { n = distinct repliers, seen = { [replica] = true } }
  --   f_of[client][op]            the op's f while it is pending
  --   moved[client][op * 2 + phase]  true once that phase was judged
  -- An op's entries are dropped when it completes: nothing reads them after.
  local from, f_of, moved = {}, {}, {}
  local function of(t, client)
    local c = t[client]
    if not c then
      c = {}
      t[client] = c
    end
    return c
  end
  local function distinct(client, rid)
    local c = from[client]
    local r = c and c[rid]
    return r and r.n or 0
  end
  local reply_types, opens_phase1 = {}, nil
  for t, phase in pairs(replies) do
    reply_types[#reply_types + 1] = t
    if phase == 1 then opens_phase1 = phase1_request[t] end
  end
  invariant("quorum_distinct", function() return true end)
  -- Filtered by type in C: a run delivers many more messages than replies
  -- of these types, and each event table a hook needs costs.
  on({ kind = "deliver", type = reply_types }, function(ev)
    local c, rid = of(from, ev.node), ev.msg.rid
    local r = c[rid]
    if not r then
      r = { n = 0, seen = {} }
      c[rid] = r
    end
    if not r.seen[ev.peer] then
      r.seen[ev.peer] = true
      r.n = r.n + 1
    end
  end)
  local function phase_done(client, op, phase)
    local m = of(moved, client)
    if m[op * 2 + phase] then return end
    m[op * 2 + phase] = true
    local n = distinct(client, op * 2 + phase)
    if n < need then
      violation("quorum_distinct", string.format("%s op %d (%s) left phase %d with answers from %d distinct replicas, needs %d",
        client, op, of(f_of, client)[op], phase, n, need))
    end
  end
  on("op", function(ev)
    local client, op = ev.node, ev.op.id
    if ev.op.type == "invoke" then of(f_of, client)[op] = ev.op.f; return end
    if ev.op.type == "ok" then
      -- the last phase is the one with the highest rid that got answers
      local last = distinct(client, op * 2 + 1) > 0 and 1 or 0
      phase_done(client, op, last)
    end
    of(f_of, client)[op] = nil
    local c = from[client]
    if c then c[op * 2], c[op * 2 + 1] = nil, nil end
    c = moved[client]
    if c then c[op * 2], c[op * 2 + 1] = nil, nil end
  end)
  -- A send of phase 1 ends phase 0.
  on({ kind = "send", type = opens_phase1, where = function(ev) return ev.msg and ev.msg.rid and ev.msg.rid % 2 == 1 end }, function(ev)
    local rid = ev.msg.rid
    local f = f_of[ev.node]
    if f and f[rid // 2] and rid > 0 then phase_done(ev.node, rid // 2, 0) end
  end)
end

return M
