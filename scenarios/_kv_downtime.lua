-- The share of time a set of servers is down within a window [t0, t1]
-- (seconds), measured from the run's crash and restart events, for
-- scenarios that compare measured availability with a k-of-n formula at
-- the down fraction the run actually had. Returns a function
-- (count, t0, t1 [, on_crash]) giving a table with
--   down       the servers down now (name → time of the crash)
--   fraction() the down fraction over [t0, t1] for `count` servers; call it
--              at or after t1
-- on_crash(ev), if given, is called at each crash after `down` is updated.
return function(count, t0, t1, on_crash)
  local d = { down = {} }
  local downtime = 0
  local function add(from, to)
    local a, b = math.max(from, t0), math.min(to, t1)
    if b > a then downtime = downtime + b - a end
  end
  on("crash", function(ev)
    d.down[ev.node] = ev.time
    if on_crash then on_crash(ev) end
  end)
  on("restart", function(ev)
    if d.down[ev.node] then add(d.down[ev.node], ev.time) end
    d.down[ev.node] = nil
  end)
  function d.fraction()
    local open = 0
    for _, t in pairs(d.down) do
      local a = math.max(t, t0)
      if t1 > a then open = open + t1 - a end
    end
    return (downtime + open) / (count * (t1 - t0))
  end
  return d
end
