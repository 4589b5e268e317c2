-- Availability against MTTF, for 2PC (all of N) and a majority quorum (k of
-- N), each beside its formula. Every node crash-restarts on its own:
-- up for Exp(mttf) seconds, then down for Exp(mttr). A node is up a
-- fraction a = mttf / (mttf + mttr) of the time, and, nodes failing
-- independently, the system is up
--   2PC, a coordinator and 3 participants (a commit needs all 4):  a^4
--   quorum, N = 3 kv.quorum replicas, R = W = 2 (2 of 3 must answer):
--     a^3 + 3 a^2 (1 - a)
-- analytic{} declares both, so `faultsim plot curve` draws each formula
-- beside its measured points and a sweep sets each point beside its
-- formula. `make curve` sweeps mttf for both protocols and draws them:
--   faultsim sweep scenarios/availability_mttf.lua --set protocol=quorum \
--     --param mttf=1,2,5,10,20 --seeds 10 --csv quorum.csv
-- tests/sh/t_plot_mttf.sh checks that the measured points lie within their
-- 95% confidence intervals of the formulas.
-- An operation runs for a few milliseconds and the nodes stay down for
-- mttr = 0.5 s, so an operation rarely straddles a crash: the formulas
-- (availability at one instant) then hold for operations too.
scenario { name = "availability_mttf", duration = "60s", seeds = 2 }

local p = params { protocol = "2pc", mttf = 5.0, mttr = 0.5 }
assert(p.protocol == "2pc" or p.protocol == "quorum", "protocol must be \"2pc\" or \"quorum\"")
assert(p.mttf > 0 and p.mttr > 0, "mttf and mttr must be positive (seconds)")

-- The formulas, from the parameters as the sweep gives them.
local function up(q) return q.mttf / (q.mttf + q.mttr) end
local function all_of_4(q) return up(q) ^ 4 end
local function two_of_3(q)
  local a = up(q)
  return a ^ 3 + 3 * a ^ 2 * (1 - a)
end
local formula = p.protocol == "2pc" and all_of_4 or two_of_3
analytic {
  availability = function(q) return q.protocol == "2pc" and all_of_4(q) or two_of_3(q) end,
}

network { latency = "uniform:1ms,3ms" }
local nodes = {}
if p.protocol == "2pc" then
  local parts = { "p1", "p2", "p3" }
  node("coord", "txn.2pc.coordinator", { participants = parts })
  for _, n in ipairs(parts) do node(n, "txn.2pc.participant", { participants = parts }) end
  clients {
    count = 1, model = "txn.client", params = { coordinator = "coord", participants = parts, keys = 100000 },
    workload = { mode = "open", rate = 50, ops = { "txn" }, timeout = "500ms", keys = 100000, start = "2s" },
  }
  nodes = { "coord", "p1", "p2", "p3" }
else
  for i = 1, 3 do nodes[i] = node("s" .. i, "kv.quorum", { replicas = 3 }) end
  clients {
    count = 1, model = "kv.quorum.client", params = { w = 2, r = 2 },
    workload = { mode = "open", rate = 50, ops = { read = 1, write = 1 }, timeout = "500ms", keys = 100, start = "2s" },
  }
  include("_kv_faults.lua").check_quorums({ GET_R = 0, PUT_R = 1 }, 2)
end
nemesis.crashes { nodes = nodes, mttf = p.mttf, mttr = p.mttr }
metric("formula_availability", formula(p))

-- One run's availability lies within 0.5 sqrt(1 - A) of the formula A
-- (about six standard deviations of a 60 s run): a wrong formula or a
-- protocol that fails with its nodes up breaks it; the sweep's means
-- check the small biases.
local invoked, ok = 0, 0
on("op", function(ev)
  if ev.op.type == "invoke" then
    invoked = invoked + 1
  elseif ev.op.type == "ok" then
    ok = ok + 1
  end
end)
invariant("availability_formula", function()
  local a = formula(p)
  local measured = invoked > 0 and ok / invoked or 0
  return math.abs(measured - a) <= 0.5 * math.sqrt(1 - a),
    string.format("availability %.4f, formula %.4f", measured, a)
end)
expect { violations = 0 }
