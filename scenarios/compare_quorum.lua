-- The quorum half of the 2PC-or-quorum question (see compare_2pc.lua): three
-- kv.quorum replicas, N = 3, reads wait for R = 2 replies and writes for
-- W = 2 acks (after a version query of R = 2); every node down a fraction
-- `down` of the time, an open-loop stream of reads and writes. An operation
-- is available when two of its three replicas answer: the k-of-n formula
-- (1-p)^3 + 3 (1-p)^2 p.
-- What the run checks, so that `violations = 0` can fail:
--   stale_read        no read returns a value older than a write completed
--                     before it began (real time; stores are durable, and
--                     R + W > N)
--   quorum_distinct   every phase of every operation that moved on was
--                     answered by two distinct replicas
--                     (scenarios/_kv_faults.lua): nothing completes with
--                     fewer than the quorum
--   quorum_available  every operation during which two replicas stayed up
--                     the whole time completed ok: nothing fails while a
--                     quorum is there (links lose nothing here)
--   availability_formula  the measured availability is within
--                     0.5 sqrt(1 - A) of the formula A at the down fraction
--                     this run measured (a loose bound, about 6 standard
--                     deviations of a run: it catches a wrong quorum size,
--                     not a small bias; the sweep's means do that)
scenario { name = "compare_quorum", duration = "60s", seeds = 5 }

local p = params { down = 0.05, w = 2 }
assert(p.down > 0 and p.down < 1, "down must be in (0, 1)")
local mttr = 0.5
network { latency = "uniform:1ms,3ms" }
local servers = {}
for i = 1, 3 do servers[i] = node("s" .. i, "kv.quorum", { replicas = 3 }) end
clients {
  count = 1, model = "kv.quorum.client", params = { w = p.w, r = p.w },
  workload = { mode = "open", rate = 50, ops = { read = 1, write = 1 }, timeout = "500ms", keys = 100, start = "2s" },
}
nemesis.crashes { nodes = servers, mttf = mttr * (1 - p.down) / p.down, mttr = mttr }

-- k-of-n: at least W of 3 replicas up.
local function formula(down)
  local q = 1 - down
  return q ^ 3 + 3 * q ^ 2 * down
end
metric("formula_quorum", formula(p.down))

include("_kv_faults.lua").check_quorums({ GET_R = 0, PUT_R = 1 }, p.w)

-- The servers down at some moment of each operation still open, and the
-- down fraction of this run over the workload's window.
local t0, t1 = 2, 60
local invoked, ok = 0, 0
local open = {} -- op id → { [server] = true } for servers down during it
local downtime = include("_kv_downtime.lua")(#servers, t0, t1, function(ev)
  for _, down in pairs(open) do down[ev.node] = true end
end)
invariant("quorum_available", function() return true end)
on("op", function(ev)
  local op = ev.op
  if op.type == "invoke" then
    invoked = invoked + 1
    local down = {}
    for n in pairs(downtime.down) do down[n] = true end
    open[op.id] = down
    return
  end
  if op.type == "ok" then
    ok = ok + 1
  else
    local up = #servers
    for _ in pairs(open[op.id] or {}) do up = up - 1 end
    if up >= p.w then
      violation("quorum_available", string.format("%s of key %s ended %s at %.6f s although %d replicas stayed up",
        op.f, tostring(op.key), op.type, ev.time, up))
    end
  end
  open[op.id] = nil
end)
invariant("availability_formula", function()
  local measured_down = downtime.fraction()
  local expected, measured = formula(measured_down), ok / invoked
  metric("quorum_down_fraction", measured_down)
  metric("formula_quorum_measured", expected)
  return math.abs(measured - expected) <= 0.5 * math.sqrt(1 - expected),
    string.format("availability %.4f, formula at the measured down fraction %.4f gives %.4f", measured, measured_down, expected)
end)
expect { violations = 0 }
