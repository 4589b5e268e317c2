-- A linearizability check of read/write registers, one per key, for the
-- labs' graders (abd/grade.lua, raft/grade.lua). It judges what clients were
-- told, in real time, as the history recorded it: a grader feeds it the
-- "op" events of the clients and asks for a verdict at the end.
--
--   local lin = include("_lincheck.lua").new()
--   on("op", function(ev) lin.observe(ev) end)      -- every client op event
--   invariant("linearizable", function() return lin.verdict() end)
--
-- Conventions: a key starts at 0; a write's value is the workload's (unique
-- per run); an ok read's value is what it returned. A read that failed or
-- timed out took no effect and is dropped; a write that timed out ("info")
-- may or may not have taken effect, so it stays pending to the end; one
-- whose value no read returned is dropped (leaving it out can only help
-- every read, and keeps the search small). A failed write took no effect.
--
-- The search is the "just in time" form of Wing and Gong's: walking the
-- invocations and completions in history order, it keeps every reachable
-- configuration (current value, which of the pending operations are already
-- linearized); at a completion it closes them under linearizing pending
-- operations and keeps those in which the completing one is linearized.
-- No configuration left means no linearization exists: the message names
-- that operation. verdict() returns true, or false and that message; a
-- search wider than `max_configs` (default 50000) configurations is
-- reported as a failure saying so rather than run forever.
local M = {}

-- A configuration's identity: its value and its sorted linearized ids.
local function config_key(val, lin)
  local ids = {}
  for id in pairs(lin) do ids[#ids + 1] = id end
  table.sort(ids)
  return tostring(val) .. ":" .. table.concat(ids, ",")
end

-- Runs the search for one key over `events` ({ kind = "inv"|"ret", op = o }).
-- Returns nil, or the message of the first operation that cannot be placed.
local function check_key(key, events, max_configs)
  local configs = { { val = 0, lin = {} } }
  local pending = {}  -- ops invoked, not yet completed, in invocation order
  for _, e in ipairs(events) do
    local o = e.op
    if e.kind == "inv" then
      pending[#pending + 1] = o
    else
      local seen, queue = {}, {}
      for _, c in ipairs(configs) do
        local k = config_key(c.val, c.lin)
        if not seen[k] then seen[k] = true; queue[#queue + 1] = c end
      end
      local i = 1
      while i <= #queue do
        local c = queue[i]
        i = i + 1
        for _, p in ipairs(pending) do
          if not c.lin[p.id] and (p.f == "write" or c.val == p.value) then
            local lin = {}
            for id in pairs(c.lin) do lin[id] = true end
            lin[p.id] = true
            local val = p.f == "write" and p.value or c.val
            local k = config_key(val, lin)
            if not seen[k] then
              seen[k] = true
              queue[#queue + 1] = { val = val, lin = lin }
              if #queue > max_configs then
                return string.format("key %s: more than %d configurations to search at %s's op %d; "
                  .. "the history could not be checked", tostring(key), max_configs, o.client, o.id)
              end
            end
          end
        end
      end
      configs = {}
      for _, c in ipairs(queue) do
        if c.lin[o.id] then
          c.lin[o.id] = nil
          configs[#configs + 1] = c
        end
      end
      if #configs == 0 then
        return string.format("key %s: %s's %s (op %d, invoked at t=%.6fs, ok at t=%.6fs) %s cannot be "
          .. "placed between its invocation and its completion in any order consistent with the "
          .. "operations completed before it", tostring(key), o.client, o.f, o.id, o.t_inv, o.t_ret,
          o.f == "read" and ("returning " .. tostring(o.value)) or ("of " .. tostring(o.value)))
      end
      for j = #pending, 1, -1 do
        if pending[j] == o then table.remove(pending, j) end
      end
    end
  end
  return nil
end

-- A fresh checker: observe(ev) takes an "op" event; verdict() judges all.
function M.new(max_configs)
  max_configs = max_configs or 50000
  local ops, order = {}, {}  -- id -> op; { kind, op } in history order
  local self = {}
  function self.observe(ev)
    local op = ev.op
    if op.type == "invoke" then
      local o = { id = op.id, f = op.f, key = op.key or 0, value = op.value, client = ev.node, t_inv = ev.time }
      ops[op.id] = o
      order[#order + 1] = { kind = "inv", op = o }
    else
      local o = ops[op.id]
      if not o then return end
      o.status = op.type
      if op.type == "ok" then
        if o.f == "read" then o.value = op.value end
        o.t_ret = ev.time
        order[#order + 1] = { kind = "ret", op = o }
      end
    end
  end
  function self.verdict()
    local read_values = {}  -- key .. "=" .. value returned by an ok read
    for _, e in ipairs(order) do
      local o = e.op
      if e.kind == "ret" and o.f == "read" then read_values[tostring(o.key) .. "=" .. tostring(o.value)] = true end
    end
    local keep = function(o)
      if o.f == "read" then return o.status == "ok" end
      if o.status == "ok" then return true end
      if o.status == "fail" then return false end
      return read_values[tostring(o.key) .. "=" .. tostring(o.value)] == true
    end
    local per_key, keys = {}, {}
    for _, e in ipairs(order) do
      local o = e.op
      if (o.f == "read" or o.f == "write") and keep(o) then
        local k = o.key
        if not per_key[k] then per_key[k] = {}; keys[#keys + 1] = k end
        local list = per_key[k]
        list[#list + 1] = e
      end
    end
    table.sort(keys)
    for _, k in ipairs(keys) do
      local msg = check_key(k, per_key[k], max_configs)
      if msg then return false, msg end
    end
    return true
  end
  return self
end

return M
