-- Availability over stretches of a run, counted as the report's timeline
-- counts it: an operation belongs to the window in which it was invoked,
-- and is available when it completed ok. For scenarios that assert on the
-- time after a fault (metastable.lua, capacity_n_minus_1.lua). Returns
-- a table:
--   track(width_ms)
--       counts every client operation invoked from now on, in windows of
--       width_ms milliseconds (an integer); returns a tracker t with
--   t:availability(from, to)
--       ok / invoked of the operations invoked in [from, to) seconds, or
--       nil when none was invoked there; from and to should fall on window
--       edges
--   t:recovery(from, to, level)
--       the seconds after `from` until availability came back for good:
--       the start of the first window of [from, to) from which every
--       window up to `to` that invoked anything has availability >= level,
--       minus `from`; nil when the last such window is below level
local M = {}

function M.track(width_ms)
  local width = width_ms * 1000000 -- ns
  local invoked, ok, born = {}, {}, {}
  on("op", function(ev)
    local op = ev.op
    if op.type == "invoke" then
      local w = ev.t_ns // width
      invoked[w] = (invoked[w] or 0) + 1
      born[op.id] = w
      return
    end
    local w = born[op.id]
    if w == nil then return end
    born[op.id] = nil
    if op.type == "ok" then ok[w] = (ok[w] or 0) + 1 end
  end)

  local t = {}
  local function window_of(seconds) return math.floor(seconds * 1e9 / width + 0.5) end

  function t:availability(from, to)
    local n, k = 0, 0
    for w = window_of(from), window_of(to) - 1 do
      n = n + (invoked[w] or 0)
      k = k + (ok[w] or 0)
    end
    if n == 0 then return nil end
    return k / n
  end

  function t:recovery(from, to, level)
    local first, last = window_of(from), window_of(to) - 1
    local since = nil
    for w = first, last do
      local n = invoked[w] or 0
      if n > 0 then
        if (ok[w] or 0) / n >= level then
          since = since or w
        else
          since = nil
        end
      end
    end
    if since == nil then return nil end
    return (since - first) * width / 1e9
  end

  return t
end

return M
